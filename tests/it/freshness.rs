//! Freshness modes against the loopback proxy's request log: `--offline`
//! makes no request and names what is missing; the default needs no
//! network for a warm canonical download and revalidates each mutable
//! answer once per run (a `304` costs no body), so a new release is seen at
//! once; `--max-age` is an opt-in TTL; `--refresh` re-asks exactly the
//! mutable endpoints and fails when it cannot; a dead network falls back to
//! the stored answer with a warning; `--refresh` re-hashes cached zips.

use std::path::{Path, PathBuf};
use std::process::Output;

use gomodx_test::server::{Fault, FaultRule, Faults, PathMatch};
use gomodx_test::{ProxyServer, ProxyTree};

use crate::download::harness::{Gomodx, go_env, stderr};

/// A main module (with a go.sum of every module in the tree) against Go's
/// test proxy served over HTTP, with its own hermetic gomodx environment.
pub(crate) struct Fixture {
    _tmp: tempfile::TempDir,
    pub tree: ProxyTree,
    pub server: ProxyServer,
    pub gomodx: Gomodx,
    pub main: PathBuf,
}

pub(crate) const GO_MOD: &str = "module example.com/m

go 1.21

require rsc.io/quote v1.5.2
";

impl Fixture {
    pub fn new(go_mod: &str) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
        let server = ProxyServer::start(tree.root.clone(), Faults::none());
        let gomodx = Gomodx::new(&server.url());
        let main = tmp.path().join("main");
        std::fs::create_dir_all(&main).unwrap();
        std::fs::write(main.join("go.mod"), go_mod).unwrap();
        let fixture = Self {
            _tmp: tmp,
            tree,
            server,
            gomodx,
            main,
        };
        fixture.write_go_sum();
        fixture
    }

    /// Writes a go.sum with every hash of the tree (loading the module
    /// graph needs go.sum to vouch for each go.mod).
    pub fn write_go_sum(&self) {
        let go_sum: String = self
            .tree
            .modules
            .iter()
            .filter_map(|m| self.tree.go_sum_lines(m).ok())
            .collect();
        std::fs::write(self.main.join("go.sum"), go_sum).unwrap();
    }

    /// `gomodx args…` in the main module.
    pub fn run(&self, args: &[&str]) -> Output {
        self.gomodx.run(&self.main, args)
    }

    /// `gomodx args…`, which must succeed.
    pub fn ok(&self, args: &[&str]) -> Output {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "gomodx {args:?}: {}",
            stderr(&output)
        );
        output
    }

    /// The paths requested since the last call, and forgets them.
    pub fn take_requests(&self) -> Vec<String> {
        let paths = self.server.requests().into_iter().map(|r| r.path).collect();
        self.server.clear_requests();
        paths
    }

    /// Like [`Self::take_requests`], keeping only the mutable questions
    /// (`@v/list` and `@latest`).
    pub fn take_mutable_requests(&self) -> Vec<String> {
        let mut paths = self.take_requests();
        paths.retain(|p| p.ends_with("/@v/list") || p.ends_with("/@latest"));
        paths
    }

    /// Makes the proxy list `versions` of `path` and answer `@latest`
    /// with `latest` (which must have an `.info`): "publishes" or hides
    /// versions.
    pub fn set_listed(&self, path: &str, versions: &[&str], latest: &str) {
        let dir = module_dir(&self.tree, path);
        let list: String = versions.iter().map(|v| format!("{v}\n")).collect();
        std::fs::write(dir.join("@v/list"), list).unwrap();
        let info = std::fs::read(dir.join(format!("@v/{latest}.info"))).unwrap();
        std::fs::write(dir.join("@latest"), info).unwrap();
    }
}

/// The directory of `path` in the proxy tree.
pub(crate) fn module_dir(tree: &ProxyTree, path: &str) -> PathBuf {
    tree.version_file(path, "v0.0.0", "info")
        .unwrap()
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .to_path_buf()
}

const QUOTE_VERSIONS: &[&str] = &[
    "v1.0.0", "v1.1.0", "v1.2.0", "v1.2.1", "v1.3.0", "v1.4.0", "v1.5.0", "v1.5.1", "v1.5.2",
];

#[test]
fn offline_makes_no_requests_and_names_everything_missing() {
    let fixture = Fixture::new(GO_MOD);
    let args = [
        "--offline",
        "download",
        "rsc.io/quote@v1.5.2",
        "rsc.io/sampler@v1.3.0",
    ];
    let output = fixture.run(&args);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("2 files are not in the cache and the network is disabled by `--offline`"),
        "{text}"
    );
    assert!(text.contains("rsc.io/quote@v1.5.2 (.info)"), "{text}");
    assert!(text.contains("rsc.io/sampler@v1.3.0 (.info)"), "{text}");
    assert!(
        text.contains(
            "run `gomodx download rsc.io/quote@v1.5.2 rsc.io/sampler@v1.3.0` online first"
        ),
        "{text}"
    );
    assert_eq!(fixture.take_requests(), Vec::<String>::new());

    let mut env = Fixture::new(GO_MOD);
    env.gomodx.set("GOMODX_OFFLINE", "1");
    let output = env.run(&["download", "rsc.io/quote@latest"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("rsc.io/quote (list)"), "{text}");
    assert!(text.contains("disabled by `GOMODX_OFFLINE=1`"), "{text}");
    assert_eq!(env.take_requests(), Vec::<String>::new());
}

/// The offline summary covers what is missing, never another error: a
/// cached module whose hash go.sum contradicts still fails loudly with its
/// own cause next to the summary (it once replaced every error).
#[test]
fn offline_misses_do_not_hide_a_checksum_mismatch() {
    let fixture = Fixture::new(GO_MOD);
    fixture.ok(&["download", "rsc.io/quote@v1.5.2"]);
    let go_sum = std::fs::read_to_string(fixture.main.join("go.sum")).unwrap();
    let bogus = "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let tampered: String = go_sum
        .lines()
        .map(|line| match line.split(' ').collect::<Vec<_>>()[..] {
            ["rsc.io/quote", "v1.5.2", _] => format!("rsc.io/quote v1.5.2 {bogus}\n"),
            _ => format!("{line}\n"),
        })
        .collect();
    assert_ne!(tampered, go_sum);
    std::fs::write(fixture.main.join("go.sum"), tampered).unwrap();
    fixture.take_requests();

    let args = [
        "--offline",
        "download",
        "rsc.io/quote@v1.5.2",
        "rsc.io/sampler@v1.3.0",
    ];
    let output = fixture.run(&args);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("1 file is not in the cache and the network is disabled by `--offline`"),
        "{text}"
    );
    assert!(text.contains("rsc.io/sampler@v1.3.0 (.info)"), "{text}");
    assert!(text.contains("checksum mismatch"), "{text}");
    assert!(text.contains(bogus), "{text}");
    assert_eq!(fixture.take_requests(), Vec::<String>::new());
}

#[test]
fn offline_graph_commands_name_every_missing_go_mod() {
    let fixture = Fixture::new(
        "module example.com/m\n\ngo 1.21\n\nrequire (\n\trsc.io/quote v1.5.2\n\trsc.io/sampler v1.3.0\n)\n",
    );
    for command in [
        &["graph"][..],
        &["why", "-m", "rsc.io/sampler"],
        &["list", "-m", "all"],
    ] {
        let args: Vec<&str> = ["--offline"].iter().chain(command).copied().collect();
        let output = fixture.run(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let text = stderr(&output);
        assert!(
            text.contains(
                "2 files are not in the cache and the network is disabled by `--offline`"
            ),
            "{args:?}: {text}"
        );
        assert!(text.contains("rsc.io/quote@v1.5.2 (.mod)"), "{text}");
        assert!(text.contains("rsc.io/sampler@v1.3.0 (.mod)"), "{text}");
        assert_eq!(fixture.take_requests(), Vec::<String>::new(), "{args:?}");
    }
    // Once the build list is downloaded, the same commands work offline
    // without a request (`list -m all` needs every module's .info).
    fixture.ok(&["download", "all"]);
    fixture.take_requests();
    for command in [
        &["graph"][..],
        &["why", "-m", "rsc.io/sampler"],
        &["list", "-m", "all"],
    ] {
        let args: Vec<&str> = ["--offline"].iter().chain(command).copied().collect();
        fixture.ok(&args);
        assert_eq!(fixture.take_requests(), Vec::<String>::new(), "{args:?}");
    }
}

#[test]
fn offline_works_from_a_warm_store_with_no_requests() {
    let fixture = Fixture::new(GO_MOD);
    fixture.ok(&["download", "rsc.io/quote@latest", "rsc.io/sampler@v1.3.0"]);
    assert!(!fixture.take_requests().is_empty());
    // A fresh GOMODCACHE is filled from the store alone.
    gomodx_fs::remove_dir_all_force(&fixture.gomodx.mod_cache()).unwrap();
    let output = fixture.ok(&[
        "--offline",
        "download",
        "--json",
        "rsc.io/quote@latest",
        "rsc.io/sampler@v1.3.0",
    ]);
    assert_eq!(fixture.take_requests(), Vec::<String>::new());
    let objects = gomodx_test::go::parse_json_stream(&output.stdout).unwrap();
    assert_eq!(objects[0]["Version"], "v1.5.2");
    assert!(
        fixture
            .gomodx
            .mod_cache()
            .join("cache/download/rsc.io/quote/@v/v1.5.2.zip")
            .is_file()
    );
}

#[test]
fn default_needs_no_network_for_a_warm_canonical_download() {
    let fixture = Fixture::new(GO_MOD);
    fixture.ok(&["download"]);
    let first = fixture.take_requests();
    assert!(first.iter().any(|p| p.ends_with("v1.5.2.zip")), "{first:?}");
    gomodx_fs::remove_dir_all_force(&fixture.gomodx.mod_cache()).unwrap();
    fixture.ok(&["download"]);
    assert_eq!(fixture.take_requests(), Vec::<String>::new());
    assert!(
        fixture
            .gomodx
            .mod_cache()
            .join("rsc.io/quote@v1.5.2/quote.go")
            .is_file()
    );
}

/// `gomodx download --json rsc.io/quote@latest` with `extra` flags first:
/// the version and stderr.
fn latest_quote(fixture: &Fixture, extra: &[&str]) -> (String, String) {
    let mut args = extra.to_vec();
    args.extend(["download", "--json", "rsc.io/quote@latest"]);
    let output = fixture.ok(&args);
    let objects = gomodx_test::go::parse_json_stream(&output.stdout).unwrap();
    (
        objects[0]["Version"].as_str().unwrap().to_owned(),
        stderr(&output),
    )
}

fn is_list(path: &str) -> bool {
    path == "/rsc.io/quote/@v/list"
}

#[test]
fn the_default_revalidates_so_a_new_release_is_seen_at_once() {
    let fixture = Fixture::new(GO_MOD);
    fixture.set_listed("rsc.io/quote", &QUOTE_VERSIONS[..8], "v1.5.1");
    let (version, text) = latest_quote(&fixture, &[]);
    assert_eq!(version, "v1.5.1");
    assert!(
        text.contains("Resolved rsc.io/quote@latest to v1.5.1"),
        "{text}"
    );
    fixture.server.clear_requests();

    // Unchanged: one conditional request, answered 304 without a body.
    let (version, text) = latest_quote(&fixture, &[]);
    assert_eq!(version, "v1.5.1");
    assert_eq!(fixture.server.answers(is_list), [(304, 0)]);
    assert!(
        text.contains("Revalidated rsc.io/quote/@v/list unchanged since stored ("),
        "{text}"
    );
    fixture.server.clear_requests();

    // v1.5.2 is published right after: the default mode sees it, as go does.
    fixture.set_listed("rsc.io/quote", QUOTE_VERSIONS, "v1.5.2");
    let (version, text) = latest_quote(&fixture, &[]);
    assert_eq!(version, "v1.5.2");
    assert!(
        text.contains("Resolved rsc.io/quote@latest to v1.5.2"),
        "{text}"
    );
    let answers = fixture.server.answers(is_list);
    assert_eq!(answers.len(), 1, "asked once per run");
    assert_eq!(answers[0].0, 200);
    if let Some(go) = go_env(&fixture.server.url()) {
        let output = go
            .command(
                &fixture.main,
                &["mod", "download", "-json", "rsc.io/quote@latest"],
            )
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let objects = gomodx_test::go::parse_json_stream(&output.stdout).unwrap();
        assert_eq!(objects[0]["Version"], "v1.5.2", "go agrees");
    }
}

#[test]
fn max_age_is_an_opt_in_ttl_named_in_the_status_line() {
    let mut fixture = Fixture::new(GO_MOD);
    fixture.set_listed("rsc.io/quote", &QUOTE_VERSIONS[..8], "v1.5.1");
    assert_eq!(latest_quote(&fixture, &[]).0, "v1.5.1");
    fixture.set_listed("rsc.io/quote", QUOTE_VERSIONS, "v1.5.2");
    fixture.take_requests();

    let (version, text) = latest_quote(&fixture, &["--max-age", "10m"]);
    assert_eq!(version, "v1.5.1", "young enough for the TTL asked for");
    assert!(
        text.contains(&format!(
            "Stored rsc.io/quote/@v/list from the gomodx store ({}, ",
            fixture.server.url()
        )),
        "one status line, no -v: {text}"
    );
    assert_eq!(fixture.take_requests(), Vec::<String>::new());

    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(latest_quote(&fixture, &["--max-age", "1s"]).0, "v1.5.2");
    assert_eq!(fixture.take_mutable_requests().len(), 1);

    fixture.gomodx.set("GOMODX_MAX_AGE", "1h");
    fixture.set_listed("rsc.io/quote", &QUOTE_VERSIONS[..8], "v1.5.1");
    assert_eq!(latest_with(&fixture), "v1.5.2");
    assert_eq!(fixture.take_requests(), Vec::<String>::new());
}

#[test]
fn a_dead_network_gives_the_stored_answer_and_refresh_fails() {
    let mut fixture = Fixture::new(GO_MOD);
    fixture.ok(&["download", "rsc.io/quote@latest"]);
    fixture.ok(&["list", "-m", "-u", "all"]);
    fixture.server.stop();

    let (version, text) = latest_quote(&fixture, &[]);
    assert_eq!(version, "v1.5.2");
    assert!(
        text.contains("warning: using a stale answer for rsc.io/quote/@v/list ("),
        "{text}"
    );
    assert!(
        text.contains("s old, from http://"),
        "names its age: {text}"
    );
    assert!(text.contains("connect"), "names the failure: {text}");

    for args in [
        &["--refresh", "download", "rsc.io/quote@latest"][..],
        &[
            "--refresh-module",
            "rsc.io/quote",
            "list",
            "-m",
            "-u",
            "all",
        ],
    ] {
        let output = fixture.run(args);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {text}");
        assert!(
            text.contains("--refresh: could not refresh rsc.io/quote/@v/list (the stored answer, "),
            "{args:?}: {text}"
        );
    }
}

fn latest_with(fixture: &Fixture) -> String {
    let output = fixture.ok(&["download", "--json", "rsc.io/quote@latest"]);
    let objects = gomodx_test::go::parse_json_stream(&output.stdout).unwrap();
    objects[0]["Version"].as_str().unwrap().to_owned()
}

#[test]
fn refresh_asks_exactly_the_mutable_endpoints_again() {
    let fixture = Fixture::new(GO_MOD);
    let args = ["download", "rsc.io/quote@latest", "rsc.io/sampler@latest"];
    fixture.ok(&args);
    let mut mutable = fixture.take_mutable_requests();
    mutable.sort();
    assert_eq!(mutable.len(), 2, "{mutable:?}");

    // The default revalidates each mutable answer once, and nothing else.
    fixture.ok(&args);
    let mut again = fixture.take_requests();
    again.sort();
    assert_eq!(again, mutable);

    let mut refresh = vec!["--refresh"];
    refresh.extend(args);
    fixture.ok(&refresh);
    let mut again = fixture.take_requests();
    again.sort();
    assert_eq!(again, mutable, "only the mutable endpoints, each once");

    let mut one = vec!["--max-age", "1h", "--refresh-module", "rsc.io/sampler"];
    one.extend(args);
    fixture.ok(&one);
    assert_eq!(
        fixture.take_requests(),
        vec!["/rsc.io/sampler/@v/list".to_owned()]
    );
}

#[test]
fn a_failing_network_falls_back_to_a_stale_answer_with_a_warning() {
    let fixture = Fixture::new(GO_MOD);
    fixture.ok(&["download", "rsc.io/quote@latest"]);
    fixture.take_requests();
    fixture
        .server
        .set_faults(Faults::none().rule(FaultRule::new(
            PathMatch::Suffix("/@v/list".to_owned()),
            Fault::Status {
                code: 500,
                retry_after: None,
            },
        )));
    let output = fixture.ok(&["download", "rsc.io/quote@latest"]);
    let text = stderr(&output);
    assert!(
        text.contains("warning: using a stale answer for rsc.io/quote/@v/list ("),
        "{text}"
    );
    assert!(text.contains("the network failed"), "{text}");
    assert!(
        fixture
            .take_requests()
            .iter()
            .any(|p| p == "/rsc.io/quote/@v/list")
    );
}

#[test]
fn refresh_rehashes_cached_zips_and_replaces_corrupt_ones_loudly() {
    let fixture = Fixture::new(GO_MOD);
    fixture.ok(&["download", "rsc.io/quote@v1.5.2"]);
    fixture.take_requests();
    let zip = fixture
        .gomodx
        .mod_cache()
        .join("cache/download/rsc.io/quote/@v/v1.5.2.zip");
    let good = std::fs::read(&zip).unwrap();
    std::fs::remove_file(&zip).unwrap();
    std::fs::write(&zip, b"not a zip").unwrap();

    // Without --refresh, a zip of the wrong size is replaced from the store.
    fixture.ok(&["download", "rsc.io/quote@v1.5.2"]);
    assert_eq!(std::fs::read(&zip).unwrap(), good);

    // A change that keeps the size is only found by re-hashing.
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0xff;
    std::fs::remove_file(&zip).unwrap();
    std::fs::write(&zip, &flipped).unwrap();
    fixture.ok(&["download", "rsc.io/quote@v1.5.2"]);
    assert_eq!(std::fs::read(&zip).unwrap(), flipped);

    let output = fixture.ok(&["--refresh", "download", "rsc.io/quote@v1.5.2"]);
    let text = stderr(&output);
    assert!(
        text.contains("warning: corrupt cache entry: rsc.io/quote@v1.5.2 (.zip)"),
        "{text}"
    );
    assert_eq!(std::fs::read(&zip).unwrap(), good);
    assert!(
        !fixture.take_requests().iter().any(|p| p.ends_with(".zip")),
        "the store's intact copy is used"
    );
}

/// The `to repair:` command `gomodx verify` suggests; runs it.
fn run_repair(fixture: &Fixture) {
    let output = fixture.run(&["verify"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    let fix = text
        .lines()
        .find_map(|l| l.strip_prefix("warning: to repair: "))
        .unwrap_or_else(|| panic!("no repair in:\n{text}"))
        .to_owned();
    for step in fix.split(" && ") {
        let words: Vec<&str> = step.split_whitespace().collect();
        assert_eq!(words[0], "gomodx", "{fix}");
        fixture.ok(&words[1..]);
    }
    let output = fixture.ok(&["verify"]);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "all modules verified\n"
    );
}

#[test]
fn verify_names_the_command_that_repairs_what_it_found() {
    let fixture = Fixture::new(GO_MOD);
    fixture.ok(&["download"]);
    let cache = fixture.gomodx.mod_cache();
    let zip = cache.join("cache/download/rsc.io/quote/@v/v1.5.2.zip");
    std::fs::remove_file(&zip).unwrap();
    std::fs::write(&zip, b"not a zip").unwrap();
    run_repair(&fixture);

    let file = cache.join("rsc.io/quote@v1.5.2/quote.go");
    let dir = file.parent().unwrap().to_path_buf();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_file(&file).unwrap();
    std::fs::write(&file, "package quote\n").unwrap();
    run_repair(&fixture);
    let output = fixture.run(&["cache", "verify"]);
    assert!(output.status.success(), "{}", stderr(&output));
}
