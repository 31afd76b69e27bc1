//! The shared S3 tier (`--remote`) against a real S3-compatible server
//! (SeaweedFS, started by `scripts/s3-server`; `.ci/run` exports its
//! endpoint as GOMODX_TEST_S3_*): two "machines" — separate gomodx stores
//! and GOMODCACHEs — share one bucket. The second downloads a universe
//! without a single upstream request and ends up with exactly go's files;
//! corrupt or partial objects are detected, reported loudly, fetched again
//! and replaced; concurrent writers leave a consistent bucket.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use gomodx_module::ModuleVersion;
use gomodx_remote::{Remote, RemoteConfig};
use gomodx_store::ArtifactKind;
use gomodx_test::server::Faults;
use gomodx_test::{ProxyServer, ProxyTree};
use serde_json::Value;

use crate::download::harness::{
    Gomodx, assert_same_download, copy_dir, go_env, normalize_json, stderr, zipped,
};
use crate::universes::{self, OnDisk};

/// The S3 server the tests use.
struct S3 {
    endpoint: String,
    bucket: String,
    key: String,
    secret: String,
}

/// The server from GOMODX_TEST_S3_*; `None` (after a SKIPPED line) when
/// unset, a failure under CI, which must run these tests.
fn s3() -> Option<S3> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (
        var("GOMODX_TEST_S3_ENDPOINT"),
        var("GOMODX_TEST_S3_BUCKET"),
        var("GOMODX_TEST_S3_ACCESS_KEY"),
        var("GOMODX_TEST_S3_SECRET_KEY"),
    ) {
        (Some(endpoint), Some(bucket), Some(key), Some(secret)) => Some(S3 {
            endpoint,
            bucket,
            key,
            secret,
        }),
        _ => {
            let reason = "GOMODX_TEST_S3_ENDPOINT/_BUCKET/_ACCESS_KEY/_SECRET_KEY are not set \
                          (eval \"$(scripts/s3-server start)\" starts a server and sets them)";
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI must run the S3 tests: {reason}"
            );
            #[allow(clippy::print_stderr, reason = "a test that cannot run says why")]
            {
                eprintln!("SKIPPED: {reason}");
            }
            None
        }
    }
}

impl S3 {
    /// A prefix no other test (or earlier run) uses.
    fn fresh_prefix(&self, test: &str) -> String {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        format!("it/{test}-{}-{nanos}-{n}", std::process::id())
    }

    /// `s3://bucket/prefix?endpoint=…`.
    fn url(&self, prefix: &str) -> String {
        format!("s3://{}/{prefix}?endpoint={}", self.bucket, self.endpoint)
    }

    /// A machine: its own store and GOMODCACHE, the shared remote.
    fn machine(&self, goproxy: &str, prefix: &str) -> Gomodx {
        let mut gomodx = Gomodx::new(goproxy);
        gomodx
            .set("GOMODX_REMOTE", self.url(prefix))
            .set("AWS_ACCESS_KEY_ID", &self.key)
            .set("AWS_SECRET_ACCESS_KEY", &self.secret)
            .set("AWS_REGION", "us-east-1");
        gomodx
    }

    /// The remote, for looking at and damaging objects directly.
    fn remote(&self, prefix: &str) -> Remote {
        Remote::open(&RemoteConfig {
            url: self.url(prefix),
            access_key_id: Some(self.key.clone()),
            secret_access_key: Some(self.secret.clone()),
            ..RemoteConfig::default()
        })
        .unwrap()
    }
}

fn block_on<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// A random universe served over HTTP (the request log counts upstream
/// traffic) and its main module with an empty go.sum.
struct Case {
    _tmp: tempfile::TempDir,
    disk: OnDisk,
    server: ProxyServer,
}

impl Case {
    fn new(seed: u64) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let disk = universes::write(tmp.path(), universes::config(seed, 8));
        std::fs::write(disk.main.join("go.sum"), "").unwrap();
        let server = ProxyServer::start(disk.tree.root.clone(), Faults::none());
        Self {
            _tmp: tmp,
            disk,
            server,
        }
    }

    fn tree(&self) -> &ProxyTree {
        &self.disk.tree
    }

    /// `gomodx download --json all` on a fresh copy of the main module.
    fn download_all(&self, gomodx: &Gomodx) -> (Output, Vec<Value>, PathBuf) {
        let main = gomodx.mod_cache().with_file_name("main");
        if !main.exists() {
            copy_dir(&self.disk.main, &main);
        }
        let (output, objects) = gomodx.download_json(&main, &["all"]);
        assert!(
            output.status.success(),
            "gomodx download all: {}",
            stderr(&output)
        );
        (output, objects, main)
    }
}

/// Asserts gomodx's `-json` objects, GOMODCACHE and go.sum equal what
/// `go mod download -json all` gives on the same main module.
fn assert_same_as_go(case: &Case, gomodx: &Gomodx, objects: &[Value], main: &Path) {
    let Some(go) = go_env(&case.server.url()) else {
        return;
    };
    let go_main = go.root().join("main");
    copy_dir(&case.disk.main, &go_main);
    let output = go.run(&go_main, &["mod", "download", "-json", "all"]);
    assert!(output.status.success(), "go: {}", stderr(&output));
    let go_objects = gomodx_test::go::parse_json_stream(&output.stdout).unwrap();
    assert_same_download((gomodx, objects, main), (&go, &go_objects, &go_main));
    // go itself accepts the cache gomodx filled from the remote.
    let mut verify = go.command(main, &["mod", "verify"]);
    verify
        .env("GOMODCACHE", gomodx.mod_cache())
        .env("GOPROXY", "off");
    let output = verify.output().unwrap();
    assert!(
        output.status.success(),
        "go mod verify: {}",
        stderr(&output)
    );
}

#[test]
fn second_machine_downloads_from_the_bucket_alone() {
    let Some(s3) = s3() else { return };
    let case = Case::new(7);
    let prefix = s3.fresh_prefix("two-machines");

    let first = s3.machine(&case.server.url(), &prefix);
    let (_, first_objects, _) = case.download_all(&first);
    assert!(
        zipped(&first_objects).len() >= 3,
        "a universe worth sharing: {first_objects:?}"
    );
    let upstream = case.server.requests().len();
    assert!(upstream > 0, "the first machine fetched from the proxy");

    case.server.clear_requests();
    let second = s3.machine(&case.server.url(), &prefix);
    let (output, objects, main) = case.download_all(&second);
    assert_eq!(
        case.server.requests(),
        vec![],
        "the second machine asked the upstream proxy"
    );
    let text = stderr(&output);
    assert!(!text.contains("warning"), "{text}");
    assert_same_as_go(&case, &second, &objects, &main);
    // Its own store holds the artifacts now, tagged with their remote.
    let store = gomodx_store::Store::open(second.store()).unwrap();
    let module = &zipped(&objects)[0];
    let reference = store.get_ref(module, ArtifactKind::Zip).unwrap().unwrap();
    assert!(
        reference
            .source
            .ends_with(&format!("via s3://{}/{prefix}", s3.bucket)),
        "{}",
        reference.source
    );
    assert!(case.tree().modules.iter().any(|m| m.path == module.path));
}

#[test]
fn corrupt_and_partial_objects_are_refetched_loudly_and_replaced() {
    let Some(s3) = s3() else { return };
    let case = Case::new(11);
    let prefix = s3.fresh_prefix("corrupt");
    let first = s3.machine(&case.server.url(), &prefix);
    let (_, objects, _) = case.download_all(&first);
    let modules = zipped(&objects);
    let (zipped_module, mod_module) = (&modules[0], &modules[1]);

    // Overwrite one zip blob with garbage of the same size and truncate one
    // go.mod blob, through the S3 API.
    let remote = s3.remote(&prefix);
    let zip_ref = block_on(remote.get_ref(zipped_module, ArtifactKind::Zip))
        .unwrap()
        .unwrap();
    let mod_ref = block_on(remote.get_ref(mod_module, ArtifactKind::Mod))
        .unwrap()
        .unwrap();
    let garbage = vec![b'x'; usize::try_from(zip_ref.size).unwrap()];
    block_on(remote.put_blob(&zip_ref.sha256, garbage)).unwrap();
    let mut truncated = block_on(remote.get_blob(&mod_ref.sha256)).unwrap().unwrap();
    truncated.truncate(truncated.len() / 2);
    block_on(remote.put_blob(&mod_ref.sha256, truncated)).unwrap();

    case.server.clear_requests();
    let second = s3.machine(&case.server.url(), &prefix);
    let (output, objects, main) = case.download_all(&second);
    let text = stderr(&output);
    for reference in [&zip_ref, &mod_ref] {
        let key = remote
            .layout()
            .object_url(&remote.layout().blob(&reference.sha256));
        assert!(
            text.contains(&format!("corrupt remote object {key}"))
                && text.contains(&format!("not sha256:{}", reference.sha256)),
            "no warning naming {key}:\n{text}"
        );
    }
    // Fetched again from the proxy: the damaged zip, and the go.mod of a
    // version using the damaged blob (identical go.mod files of several
    // versions share one); nothing else.
    let proxy_file = |module: &ModuleVersion, ext: &str| {
        let path = gomodx_module::escape::escape_path(&module.path).unwrap();
        format!("/{path}/@v/{}.{ext}", module.version)
    };
    let sharing: Vec<String> = gomodx_store::Store::open(first.store())
        .unwrap()
        .list_refs()
        .map(Result::unwrap)
        .filter(|(_, kind, r)| *kind == ArtifactKind::Mod && r.sha256 == mod_ref.sha256)
        .map(|(module, _, _)| proxy_file(&module, "mod"))
        .collect();
    assert!(sharing.contains(&proxy_file(mod_module, "mod")));
    let requests: Vec<String> = case.server.requests().into_iter().map(|r| r.path).collect();
    let zip = proxy_file(zipped_module, "zip");
    assert_eq!(
        requests.iter().filter(|p| p.ends_with(&zip)).count(),
        1,
        "{requests:?}"
    );
    let mods = requests
        .iter()
        .filter(|p| sharing.iter().any(|s| p.ends_with(s)))
        .count();
    assert!(mods >= 1, "{requests:?}");
    assert_eq!(requests.len(), 1 + mods, "{requests:?}");
    assert_same_as_go(&case, &second, &objects, &main);

    // The bucket is repaired: both blobs verify, and a third machine needs
    // no upstream request.
    for reference in [&zip_ref, &mod_ref] {
        let bytes = block_on(remote.get_blob(&reference.sha256))
            .unwrap()
            .unwrap();
        assert_eq!(bytes.len() as u64, reference.size);
    }
    case.server.clear_requests();
    let third = s3.machine(&case.server.url(), &prefix);
    let (output, _, _) = case.download_all(&third);
    assert_eq!(case.server.requests(), vec![]);
    assert!(!stderr(&output).contains("corrupt"), "{}", stderr(&output));
}

#[test]
fn concurrent_writers_leave_a_consistent_bucket() {
    let Some(s3) = s3() else { return };
    let case = Case::new(23);
    let prefix = s3.fresh_prefix("concurrent");
    let machines: Vec<Gomodx> = (0..2)
        .map(|_| s3.machine(&case.server.url(), &prefix))
        .collect();
    let children: Vec<_> = machines
        .iter()
        .map(|gomodx| {
            let main = gomodx.mod_cache().with_file_name("main");
            copy_dir(&case.disk.main, &main);
            gomodx
                .command(&main, &["download", "--json", "all"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
    }
    // Every ref names an intact blob with the ref's h1, so a third machine
    // downloads everything from the bucket and matches go.
    case.server.clear_requests();
    let third = s3.machine(&case.server.url(), &prefix);
    let (output, objects, main) = case.download_all(&third);
    assert_eq!(case.server.requests(), vec![]);
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
    assert_same_as_go(&case, &third, &objects, &main);
    let remote = s3.remote(&prefix);
    for module in zipped(&objects) {
        let reference = block_on(remote.get_ref(&module, ArtifactKind::Zip))
            .unwrap()
            .unwrap();
        let bytes = block_on(remote.get_blob(&reference.sha256))
            .unwrap()
            .unwrap();
        assert_eq!(bytes.len() as u64, reference.size, "{module}");
    }
}

#[test]
fn mutable_answers_are_shared_with_their_age() {
    let Some(s3) = s3() else { return };
    let case = Case::new(31);
    let prefix = s3.fresh_prefix("answers");
    let first = s3.machine(&case.server.url(), &prefix);
    let main = first.mod_cache().with_file_name("main");
    copy_dir(&case.disk.main, &main);
    // The first module of the universe that has a latest version.
    let (module, query, first_objects) = case
        .disk
        .universe
        .modules
        .iter()
        .find_map(|module| {
            let query = format!("{}@latest", module.path);
            let (output, objects) = first.download_json(&main, &[&query]);
            output
                .status
                .success()
                .then(|| (module.path.clone(), query, objects))
        })
        .expect("a module with a latest version");
    assert_eq!(first_objects.len(), 1);
    let remote = s3.remote(&prefix);
    let list = block_on(remote.get_meta(&module, gomodx_remote::RemoteMetaKey::List))
        .unwrap()
        .expect("the version list was written back");
    assert_eq!(list.proxy, case.server.url());
    assert!(list.age() < std::time::Duration::from_secs(600), "{list:?}");

    // Young enough for --max-age: answered from the bucket, no upstream request.
    let mut second = s3.machine(&case.server.url(), &prefix);
    second.set("GOMODX_MAX_AGE", "1h");
    let main = second.mod_cache().with_file_name("main");
    copy_dir(&case.disk.main, &main);
    case.server.clear_requests();
    let output = second.run(&main, &["-v", "download", "--json", &query]);
    assert!(output.status.success(), "{}", stderr(&output));
    let objects = gomodx_test::go::parse_json_stream(&output.stdout).unwrap();
    assert_eq!(case.server.requests(), vec![], "{}", stderr(&output));
    assert_eq!(
        normalize_json(&objects, &second.mod_cache()),
        normalize_json(&first_objects, &first.mod_cache())
    );
    assert!(
        stderr(&output).contains(&format!(
            "/@v/list: from the remote ({}, ",
            case.server.url()
        )),
        "its source and age are told: {}",
        stderr(&output)
    );

    // By default a mutable answer is asked again once per run, as go does.
    let third = s3.machine(&case.server.url(), &prefix);
    let main = third.mod_cache().with_file_name("main");
    copy_dir(&case.disk.main, &main);
    case.server.clear_requests();
    let (output, _) = third.download_json(&main, &[&query]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        case.server
            .count(|path| path.ends_with("/@v/list") || path.ends_with("/@latest")),
        1,
        "{:?}",
        case.server.requests()
    );
}

#[test]
fn an_unreachable_remote_is_one_warning_and_the_proxy_serves() {
    // No S3 server needed: the endpoint is a closed loopback port.
    let case = Case::new(41);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let s3 = S3 {
        endpoint: format!("http://127.0.0.1:{port}"),
        bucket: "nowhere".into(),
        key: "AKIDEXAMPLE".into(),
        secret: "not-a-real-secret".into(),
    };
    let gomodx = s3.machine(&case.server.url(), "p");
    let (output, objects, main) = case.download_all(&gomodx);
    let text = stderr(&output);
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("warning: remote:"))
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("not reading s3://nowhere/p for the rest of this run")),
        "{text}"
    );
    assert!(
        warnings.len() <= 2,
        "one warning for reads, one for writes:\n{text}"
    );
    assert!(!text.contains("not-a-real-secret"), "{text}");
    assert_same_as_go(&case, &gomodx, &objects, &main);
}
