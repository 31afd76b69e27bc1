//! Freshness modes against the loopback proxy's request log: `--offline`
//! makes no request and names what is missing; the default needs no
//! network for a warm canonical download; stored lists are re-asked after
//! `--max-age`; `--refresh` re-asks exactly the mutable endpoints and
//! `--refresh-module` only that module's; a failing network falls back to
//! a stale answer with a warning; `--refresh` re-hashes cached zips.

use std::path::{Path, PathBuf};
use std::process::Output;

use gomodx_test::server::{Fault, FaultRule, Faults, PathMatch};
use gomodx_test::{ProxyServer, ProxyTree};

use crate::download::harness::{Gomodx, stderr};

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

#[test]
fn stored_lists_are_used_until_max_age_then_asked_again() {
    let fixture = Fixture::new(GO_MOD);
    fixture.set_listed("rsc.io/quote", &QUOTE_VERSIONS[..8], "v1.5.1");
    let latest = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(["download", "--json", "rsc.io/quote@latest"]);
        let output = fixture.ok(&args);
        let objects = gomodx_test::go::parse_json_stream(&output.stdout).unwrap();
        (
            objects[0]["Version"].as_str().unwrap().to_owned(),
            stderr(&output),
        )
    };
    assert_eq!(latest(&[]).0, "v1.5.1");
    assert_eq!(fixture.take_mutable_requests().len(), 1);

    // v1.5.2 is published; the stored list is younger than the default max age.
    fixture.set_listed("rsc.io/quote", QUOTE_VERSIONS, "v1.5.2");
    let (version, text) = latest(&["-v"]);
    assert_eq!(version, "v1.5.1");
    assert!(
        text.contains("rsc.io/quote/@v/list: from the gomodx store"),
        "{text}"
    );
    assert_eq!(fixture.take_requests(), Vec::<String>::new());

    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(latest(&["--max-age", "1s"]).0, "v1.5.2");
    assert_eq!(fixture.take_mutable_requests().len(), 1);

    let mut env = fixture;
    env.gomodx.set("GOMODX_MAX_AGE", "0");
    assert_eq!(latest_with(&env), "v1.5.2");
    assert_eq!(
        env.take_requests(),
        vec!["/rsc.io/quote/@v/list".to_owned()]
    );
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

    fixture.ok(&args);
    assert_eq!(fixture.take_requests(), Vec::<String>::new());

    let mut refresh = vec!["--refresh"];
    refresh.extend(args);
    fixture.ok(&refresh);
    let mut again = fixture.take_requests();
    again.sort();
    assert_eq!(again, mutable, "only the mutable endpoints, each once");

    let mut one = vec!["--refresh-module", "rsc.io/sampler"];
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
    let output = fixture.ok(&["--max-age", "0", "download", "rsc.io/quote@latest"]);
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
