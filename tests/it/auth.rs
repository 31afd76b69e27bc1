//! Credentials, against go on the same loopback proxies: a logging proxy
//! records every `Authorization` header, and go and gomodx must send the
//! same ones (GOAUTH `netrc`, `off` and commands; credentials only over
//! HTTPS; URL user info refused over HTTP; nothing carried to another host
//! across a redirect, not even that host's own netrc entry). With
//! `GOAUTH=git DIR`, git's credential helpers are told to keep or drop a
//! credential exactly when go tells them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use gomodx_test::ProxyServer;
use gomodx_test::server::{Fault, FaultRule, Faults, PathMatch, TestCa};

use crate::download::harness::{Gomodx, go_env, stderr};

const MODULE: &str = "rsc.io/quote@v1.5.2";
/// The distinct `Authorization` values each server saw.
type Seen = Vec<BTreeSet<Option<String>>>;

/// `Basic` of `u:p`.
const BASIC_U_P: &str = "Basic dTpw";

/// A proxy tree, a test CA and a scratch directory.
struct Setup {
    tmp: tempfile::TempDir,
    tree: PathBuf,
    ca: TestCa,
}

impl Setup {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy"))
            .unwrap()
            .root;
        let ca = TestCa::new();
        ca.write_pem(&tmp.path().join("ca.pem"));
        let main = tmp.path().join("main");
        std::fs::create_dir_all(&main).unwrap();
        std::fs::write(main.join("go.mod"), "module example.com/m\n\ngo 1.21\n").unwrap();
        Self { tmp, tree, ca }
    }

    fn http(&self, faults: Faults) -> ProxyServer {
        ProxyServer::start(self.tree.clone(), faults)
    }

    fn https(&self, faults: Faults) -> ProxyServer {
        ProxyServer::start_tls(self.tree.clone(), faults, &self.ca)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// Writes `text` as the netrc file and returns its path.
    fn netrc(&self, text: &str) -> PathBuf {
        let path = self.path("netrc");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Runs `go mod download` and `gomodx download` for [`MODULE`] with
    /// `env`, each followed by the distinct `Authorization` values every
    /// server saw (`None` for requests without one). `None` when go is
    /// missing.
    fn run_both(
        &self,
        goproxy: &str,
        env: &[(&str, &Path)],
        servers: &[&ProxyServer],
    ) -> Option<[(Output, Seen); 2]> {
        let main = self.path("main");
        let seen = |servers: &[&ProxyServer]| {
            let seen = servers
                .iter()
                .map(|s| s.requests().into_iter().map(|r| r.authorization).collect())
                .collect();
            servers.iter().for_each(|s| s.clear_requests());
            seen
        };
        let mut go = go_env(goproxy)?;
        go.set("SSL_CERT_FILE", self.path("ca.pem"));
        for (key, value) in env {
            go.set(key, value);
        }
        let go_output = go.run(&main, &["mod", "download", "-json", MODULE]);
        let go_seen = seen(servers);

        let mut gomodx = Gomodx::new(goproxy);
        gomodx.set("SSL_CERT_FILE", self.path("ca.pem"));
        for (key, value) in env {
            gomodx.set(key, value);
        }
        let our_output = gomodx.run(&main, &["download", "--json", MODULE]);
        let our_seen = seen(servers);
        Some([(go_output, go_seen), (our_output, our_seen)])
    }
}

fn set(values: &[Option<&str>]) -> BTreeSet<Option<String>> {
    values.iter().map(|v| v.map(str::to_owned)).collect()
}

/// Asserts go and gomodx agree on success and on every server's headers,
/// and that those are `expected`; returns gomodx's output.
fn assert_same(
    runs: Option<[(Output, Seen); 2]>,
    expected: &[BTreeSet<Option<String>>],
) -> Option<Output> {
    // go_bin has said SKIPPED when there is no go.
    let [(go, go_seen), (ours, our_seen)] = runs?;
    assert_eq!(go_seen, expected, "go's headers\n{}", stderr(&go));
    assert_eq!(our_seen, expected, "gomodx's headers\n{}", stderr(&ours));
    assert_eq!(
        go.status.success(),
        ours.status.success(),
        "go:\n{}\ngomodx:\n{}",
        stderr(&go),
        stderr(&ours)
    );
    Some(ours)
}

#[test]
fn netrc_is_not_sent_over_plain_http() {
    let setup = Setup::new();
    let server = setup.http(Faults::none());
    let netrc = setup.netrc(&format!("machine {} login u password p\n", server.addr()));
    let runs = setup.run_both(&server.url(), &[("NETRC", &netrc)], &[&server]);
    if let Some(ours) = assert_same(runs, &[set(&[None])]) {
        assert!(ours.status.success(), "{}", stderr(&ours));
    }
}

#[test]
fn user_info_is_refused_over_plain_http() {
    let setup = Setup::new();
    let server = setup.http(Faults::none());
    let goproxy = format!("http://u:secret@{}", server.addr());
    let netrc = setup.netrc("");
    let runs = setup.run_both(&goproxy, &[("NETRC", &netrc)], &[&server]);
    if let Some(ours) = assert_same(runs, &[set(&[])]) {
        let text = String::from_utf8_lossy(&ours.stdout).into_owned() + &stderr(&ours);
        assert!(
            text.contains("refusing to pass credentials to insecure URL: http://u:xxxxx@"),
            "{text}"
        );
        assert!(!text.contains("secret"), "{text}");
    }
}

#[test]
fn netrc_is_sent_over_https_unless_goauth_is_off() {
    let setup = Setup::new();
    let server = setup.https(Faults::none());
    let netrc = setup.netrc(&format!("machine {} login u password p\n", server.addr()));
    let runs = setup.run_both(&server.url(), &[("NETRC", &netrc)], &[&server]);
    assert_same(runs, &[set(&[Some(BASIC_U_P)])]);
    let runs = setup.run_both(
        &server.url(),
        &[("NETRC", &netrc), ("GOAUTH", Path::new("off"))],
        &[&server],
    );
    if let Some(ours) = assert_same(runs, &[set(&[None])]) {
        assert!(ours.status.success(), "{}", stderr(&ours));
    }
}

#[test]
fn user_info_is_sent_over_https() {
    let setup = Setup::new();
    let server = setup.https(Faults::none());
    let goproxy = format!("https://u:p@{}", server.addr());
    // User info wins: go looks netrc up by the URL with its user info.
    let netrc = setup.netrc(&format!("machine {} login n password m\n", server.addr()));
    let runs = setup.run_both(&goproxy, &[("NETRC", &netrc)], &[&server]);
    if let Some(ours) = assert_same(runs, &[set(&[Some(BASIC_U_P)])]) {
        let text = String::from_utf8_lossy(&ours.stdout).into_owned() + &stderr(&ours);
        assert!(!text.contains("u:p@"), "{text}");
    }
}

#[test]
fn no_credentials_across_a_redirect_to_another_host() {
    let setup = Setup::new();
    let cdn = setup.https(Faults::none());
    let to = cdn.url_for_host("localhost");
    let redirect = FaultRule::new(PathMatch::Suffix(".zip".into()), Fault::Redirect { to });
    let server = setup.https(Faults::none().rule(redirect));
    let netrc = setup.netrc(&format!(
        "machine {} login u password p\nmachine localhost:{} login c password d\n",
        server.addr(),
        cdn.addr().port()
    ));
    let runs = setup.run_both(&server.url(), &[("NETRC", &netrc)], &[&server, &cdn]);
    if let Some(ours) = assert_same(runs, &[set(&[Some(BASIC_U_P)]), set(&[None])]) {
        assert!(ours.status.success(), "{}", stderr(&ours));
    }
}

#[test]
fn goauth_commands_provide_headers_in_order() {
    let setup = Setup::new();
    let server = setup.https(Faults::none());
    let script = |name: &str, token: &str| {
        let path = setup.path(name);
        let body = format!(
            "#!/bin/sh\nprintf '{}\\n\\nAuthorization: Bearer {token}\\n\\n'\n",
            server.url()
        );
        std::fs::write(&path, body).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path.display().to_string()
    };
    let goauth = format!(
        "{}; {}; netrc",
        script("first", "one"),
        script("second", "two")
    );
    let netrc = setup.netrc(&format!("machine {} login u password p\n", server.addr()));
    let runs = setup.run_both(
        &server.url(),
        &[("NETRC", &netrc), ("GOAUTH", Path::new(&goauth))],
        &[&server],
    );
    assert_same(runs, &[set(&[Some("Bearer one")])]);
}

/// `GOAUTH=git DIR`: the first request's 401 makes go and gomodx run
/// `git credential fill`; then a `HEAD` request to the prefix git answered
/// for, with that credential, decides between `git credential approve`
/// (the helper sees `store`) on 200 and `reject` (`erase`) on 401, as go's
/// `updateGitCredentialHelper` does. A logging credential helper records
/// what each of them asked.
fn git_helper_calls(head_status: u16) -> Option<[Vec<String>; 2]> {
    let setup = Setup::new();
    // One 401 for the first module request, `head_status` for `/`, and a
    // slow zip, so that go's check (a goroutine) finishes before go exits.
    let faults = || {
        let status = |code| Fault::Status {
            code,
            retry_after: None,
        };
        Faults::none()
            .rule(FaultRule::new(PathMatch::Contains("/@v/".to_owned()), status(401)).times(1))
            .rule(FaultRule::new(
                PathMatch::Exact("/".to_owned()),
                status(head_status),
            ))
            .rule(FaultRule::new(
                PathMatch::Suffix(".zip".to_owned()),
                Fault::Delay(std::time::Duration::from_millis(500)),
            ))
    };
    let server = setup.https(faults());
    let log = setup.path("helper.log");
    let gitconfig = setup.path("gitconfig");
    std::fs::write(
        &gitconfig,
        format!(
            "[credential]\n\thelper = \"!f() {{ cat >/dev/null; echo $1 >> {}; \
             if [ $1 = get ]; then echo username=u; echo password=p; fi; }}; f\"\n",
            log.display()
        ),
    )
    .unwrap();
    let git_dir = setup.path("gitdir");
    std::fs::create_dir_all(&git_dir).unwrap();
    let goauth = format!("git {}", git_dir.display());
    let env: [(&str, &Path); 4] = [
        ("GOAUTH", Path::new(&goauth)),
        ("GIT_CONFIG_GLOBAL", &gitconfig),
        ("GIT_CONFIG_NOSYSTEM", Path::new("1")),
        ("GIT_TERMINAL_PROMPT", Path::new("0")),
    ];
    let calls = || -> Vec<String> {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let _ = std::fs::remove_file(&log);
        text.lines().map(str::to_owned).collect()
    };
    let main = setup.path("main");
    let mut go = go_env(&server.url())?;
    go.set("SSL_CERT_FILE", setup.path("ca.pem"));
    let mut gomodx = Gomodx::new(&server.url());
    gomodx.set("SSL_CERT_FILE", setup.path("ca.pem"));
    for (key, value) in env {
        go.set(key, value);
        gomodx.set(key, value);
    }
    let output = go.run(&main, &["mod", "download", "-json", MODULE]);
    assert!(output.status.success(), "go: {}", stderr(&output));
    let go_calls = calls();
    server.set_faults(faults());
    let output = gomodx.run(&main, &["download", "--json", MODULE]);
    assert!(output.status.success(), "gomodx: {}", stderr(&output));
    Some([go_calls, calls()])
}

#[test]
fn goauth_git_approves_a_credential_the_server_accepts() {
    let Some([go, ours]) = git_helper_calls(200) else {
        return;
    };
    assert_eq!(go, ["get", "store"], "go");
    assert_eq!(ours, go, "gomodx");
}

#[test]
fn goauth_git_rejects_a_credential_the_server_refuses() {
    let Some([go, ours]) = git_helper_calls(401) else {
        return;
    };
    assert_eq!(go, ["get", "erase"], "go");
    assert_eq!(ours, go, "gomodx");
}
