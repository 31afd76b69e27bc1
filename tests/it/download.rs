//! `gomodx download` against `go mod download`, over `file://` and HTTP
//! proxies: Go's test-proxy modules and random universes give the same
//! `-json` objects (modulo GOMODCACHE), byte-identical files under
//! `cache/download`, identical extracted trees (names, contents, modes) and
//! the same go.sum; then go builds offline from the gomodx-only cache and
//! `go mod verify` passes. A second run needs no network at all.
//!
//! Known, documented differences kept out of the inputs: `rsc.io/future`
//! (go refuses it because it needs a newer go toolchain; gomodx is not a
//! toolchain) and zips are mode 0444 (hard links to read-only store blobs;
//! go writes 0644).

mod faults;
pub(crate) mod harness;
mod prefetch;
mod processes;
mod warm;

use std::path::{Path, PathBuf};

use gomodx_test::server::Faults;
use gomodx_test::{ProxyServer, ProxyTree};
use harness::{
    Gomodx, assert_same_download, assert_same_listing, copy_dir, every_version, go_env, listing,
    normalize_json, stderr, testdata_main,
};

use crate::universes::{self, OnDisk};

/// The modules go refuses for reasons that do not apply to gomodx.
const SKIP: &[&str] = &["rsc.io/future"];

/// Over HTTP, go insists on the checksum database for toolchains and, when
/// `GOSUMDB=off` makes that fail, still writes their unverified go.mod
/// hashes to go.sum; gomodx refuses the same way but never records
/// unverified hashes.
const SKIP_OVER_HTTP: &[&str] = &["rsc.io/future", "golang.org/toolchain"];

/// The main module used with Go's test proxy.
const TESTDATA_GO_MOD: &str = "module example.com/m

go 1.21

require (
	rsc.io/quote v1.5.2
	rsc.io/sampler v1.3.0
)

exclude rsc.io/quote v1.5.3-pre1

replace rsc.io/sampler v1.3.0 => rsc.io/sampler v1.3.1
";

const TESTDATA_MAIN_GO: &str = "package main

import \"rsc.io/quote\"

func main() { println(quote.Hello()) }
";

/// Runs go and gomodx on copies of `main` with the same arguments and
/// asserts they agree; with `build`, go then builds and verifies offline
/// from gomodx's cache alone. Returns how many objects were compared, or
/// `None` when go is not installed.
fn assert_same_as_go(goproxy: &str, main: &Path, args: &[String], build: bool) -> Option<usize> {
    assert_same_as_go_with(goproxy, main, args, build, "-modcacherw")
}

/// [`assert_same_as_go`] with `GOFLAGS=goflags` on both sides (the modes
/// of the extracted trees are compared too).
fn assert_same_as_go_with(
    goproxy: &str,
    main: &Path,
    args: &[String],
    build: bool,
    goflags: &str,
) -> Option<usize> {
    let mut go = go_env(goproxy)?;
    go.set("GOFLAGS", goflags);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let go_main = go.root().join("main");
    copy_dir(main, &go_main);
    let mut go_args = vec!["mod", "download", "-json"];
    go_args.extend_from_slice(&args);
    let go_output = go.run(&go_main, &go_args);
    let go_objects = gomodx_test::go::parse_json_stream(&go_output.stdout).unwrap();

    let mut gomodx = Gomodx::new(goproxy);
    gomodx.set("GOFLAGS", goflags);
    let our_main = gomodx.mod_cache().with_file_name("main");
    copy_dir(main, &our_main);
    let (output, objects) = gomodx.download_json(&our_main, &args);

    assert_eq!(
        output.status.success(),
        go_output.status.success(),
        "exit status; gomodx: {}",
        stderr(&output)
    );
    assert_eq!(
        output.status.code().unwrap(),
        if output.status.success() { 0 } else { 1 }
    );
    assert_same_download((&gomodx, &objects, &our_main), (&go, &go_objects, &go_main));

    if build {
        for step in [&["build", "./..."][..], &["mod", "verify"]] {
            let mut command = go.command(&our_main, step);
            command
                .env("GOMODCACHE", gomodx.mod_cache())
                .env("GOPROXY", "off")
                .env("GOFLAGS", format!("{goflags} -mod=mod"));
            let output = command.output().unwrap();
            assert!(
                output.status.success(),
                "go {step:?} on gomodx's cache: {}",
                stderr(&output)
            );
        }
    }
    // Read-only trees (go's default) need their write bits back to go.
    for cache in [go.gomodcache(), gomodx.mod_cache()] {
        gomodx_fs::remove_dir_all_force(&cache).unwrap();
    }
    Some(objects.len())
}

/// Queries go and gomodx must resolve alike for every module path.
fn queries(paths: impl IntoIterator<Item = String>, extra: &[&str]) -> Vec<String> {
    let mut queries = Vec::new();
    for path in paths {
        for query in ["latest", "v1", "<v1.2.0", ">=v1.0.0"].iter().chain(extra) {
            queries.push(format!("{path}@{query}"));
        }
    }
    queries
}

fn module_paths(tree: &ProxyTree, skip: &[&str]) -> Vec<String> {
    let mut paths: Vec<String> = tree
        .modules
        .iter()
        .map(|m| m.path.clone())
        .filter(|p| !skip.contains(&p.as_str()))
        .collect();
    paths.dedup();
    paths
}

/// Go's test corpus: every module version, six queries per module path
/// (retractions, exclusions, `+incompatible`, pre-releases, missing
/// modules), bare and `upgrade`/`patch` requirements, a replacement.
fn testdata_case(tmp: &Path, skip: &[&str]) -> (ProxyTree, PathBuf, Vec<String>) {
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.join("proxy")).unwrap();
    let main = tmp.join("main");
    std::fs::create_dir_all(&main).unwrap();
    std::fs::write(main.join("go.mod"), TESTDATA_GO_MOD).unwrap();
    std::fs::write(main.join("main.go"), TESTDATA_MAIN_GO).unwrap();
    let mut args = every_version(&tree, skip);
    args.extend(queries(module_paths(&tree, skip), &["v1.9", "master"]));
    args.extend(
        [
            "rsc.io/quote",
            "rsc.io/sampler",
            "rsc.io/quote@upgrade",
            "rsc.io/quote@patch",
            "rsc.io/sampler@patch",
        ]
        .map(String::from),
    );
    (tree, main, args)
}

#[test]
fn testdata_over_file_proxy_matches_go() {
    let tmp = tempfile::tempdir().unwrap();
    let (tree, main, args) = testdata_case(tmp.path(), SKIP);
    let Some(compared) = assert_same_as_go(&tree.file_url(), &main, &args, true) else {
        return;
    };
    assert!(compared > 900, "{compared} objects compared");
}

#[test]
fn testdata_over_http_matches_go() {
    let tmp = tempfile::tempdir().unwrap();
    let (tree, main, args) = testdata_case(tmp.path(), SKIP_OVER_HTTP);
    let server = ProxyServer::start(tree.root.clone(), Faults::none());
    let Some(compared) = assert_same_as_go(&server.url(), &main, &args, false) else {
        return;
    };
    assert!(compared > 800, "{compared} objects compared");
}

/// A universe's main module with an empty go.sum (so that go.sum writing
/// is compared too) and its arguments: every version, four queries per
/// path and, for a pruned main module, its requirements as bare paths and
/// with `upgrade`/`patch`.
fn universe_case(tmp: &Path, seed: u64) -> (ProxyTree, PathBuf, Vec<String>) {
    let OnDisk {
        universe,
        tree,
        main,
    } = universes::write(tmp, universes::config(seed, 8));
    std::fs::write(main.join("go.sum"), "").unwrap();
    let mut args = every_version(&tree, &[]);
    args.extend(queries(module_paths(&tree, &[]), &[]));
    if !universe.unpruned_main {
        for require in &universe.main.requires {
            let path = &universe.modules[require.module].path;
            args.extend([
                path.clone(),
                format!("{path}@upgrade"),
                format!("{path}@patch"),
            ]);
        }
    }
    (tree, main, args)
}

fn universes_match_go(seeds: impl Iterator<Item = u64>, http: bool) {
    let mut compared = 0;
    for seed in seeds {
        let tmp = tempfile::tempdir().unwrap();
        let (tree, main, args) = universe_case(tmp.path(), seed);
        let server = http.then(|| ProxyServer::start(tree.root.clone(), Faults::none()));
        let goproxy = server
            .as_ref()
            .map_or_else(|| tree.file_url(), ProxyServer::url);
        let Some(count) = assert_same_as_go(&goproxy, &main, &args, true) else {
            return;
        };
        compared += count;
    }
    assert!(compared > 200, "{compared} objects compared");
}

#[test]
fn universes_over_file_proxy_match_go() {
    universes_match_go([21, 23, 25, 27, 29].into_iter(), false);
}

#[test]
fn universes_over_http_match_go() {
    universes_match_go([22, 24, 26, 28, 30].into_iter(), true);
}

/// go's default GOMODCACHE (no `-modcacherw`): read-only extracted trees,
/// and gomodx leaves the same files with the same modes.
#[test]
fn read_only_trees_match_go() {
    let tmp = tempfile::tempdir().unwrap();
    let (tree, main, args) = universe_case(tmp.path(), 32);
    let Some(compared) = assert_same_as_go_with(&tree.file_url(), &main, &args, true, "") else {
        return;
    };
    assert!(compared > 20, "{compared} objects compared");
}

/// The second download of the same arguments is served by the store: no
/// request at all, even into an empty GOMODCACHE, with the same result.
#[test]
fn second_download_makes_no_requests() {
    let tmp = tempfile::tempdir().unwrap();
    let OnDisk {
        universe,
        tree,
        main,
    } = universes::write(tmp.path(), universes::config(31, 6));
    let server = ProxyServer::start(tree.root.clone(), Faults::none());
    let mut args = every_version(&tree, &[]);
    args.extend(
        universe
            .main
            .requires
            .iter()
            .map(|r| universe.modules[r.module].path.clone()),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    let mut gomodx = Gomodx::new(&server.url());
    let (first, objects) = gomodx.download_json(&main, &args);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(server.count(|p| p.ends_with(".zip")) >= tree.modules.len());
    let first_cache = listing(&gomodx.mod_cache(), None, true);

    server.clear_requests();
    let (second, again) = gomodx.download_json(&main, &args);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(server.requests(), [], "a warm store needs no network");
    assert_eq!(again, objects);
    assert!(
        stderr(&second).contains(&format!(
            "0 downloaded (0 B), {} from store",
            tree.modules.len()
        )),
        "{}",
        stderr(&second)
    );

    // A fresh GOMODCACHE is filled from the store alone.
    let fresh = tmp.path().join("fresh-modcache");
    gomodx.set("GOMODCACHE", &fresh);
    let (third, exported) = gomodx.download_json(&main, &args);
    assert!(third.status.success(), "{}", stderr(&third));
    assert_eq!(
        server.requests(),
        [],
        "exporting from the store needs no network"
    );
    assert_eq!(
        normalize_json(&exported, &fresh),
        normalize_json(&objects, &gomodx.mod_cache())
    );
    assert_same_listing(
        "GOMODCACHE from the store",
        &first_cache,
        &listing(&fresh, None, true),
    );
}

/// Status lines, `-v`, `-q`, `-x` and the summary.
#[test]
fn status_lines_and_trace() {
    let tmp = tempfile::tempdir().unwrap();
    let (tree, main, _) = testdata_case(tmp.path(), SKIP);
    let server = ProxyServer::start(tree.root.clone(), Faults::none());
    let gomodx = Gomodx::new(&server.url());
    let output = gomodx.run(&main, &["download", "-x", "rsc.io/quote@v1.5.2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "nothing on stdout without --json");
    let text = stderr(&output);
    let url = server.url();
    for line in [
        format!("# get {url}/rsc.io/quote/@v/v1.5.2.info"),
        format!("# get {url}/rsc.io/quote/@v/v1.5.2.mod"),
        format!("# get {url}/rsc.io/quote/@v/v1.5.2.zip"),
        "  Downloaded rsc.io/quote v1.5.2 (1.7 KiB)".to_owned(),
    ] {
        assert!(
            text.lines()
                .any(|l| l == line || l.starts_with(&format!("{line}: 200 OK"))),
            "{line:?} in\n{text}"
        );
    }
    assert!(
        text.contains("Finished 1 downloaded (1.7 KiB), 0 from store in "),
        "{text}"
    );

    let cached = gomodx.run(&main, &["-v", "download", "rsc.io/quote@v1.5.2"]);
    assert!(
        stderr(&cached).contains("      Cached rsc.io/quote v1.5.2\n"),
        "{}",
        stderr(&cached)
    );
    let quiet = gomodx.run(&main, &["-q", "download", "rsc.io/quote@v1.5.2"]);
    assert_eq!(stderr(&quiet), "");
    // go.sum gains the lines of the downloaded requirement.
    let go_sum = std::fs::read_to_string(main.join("go.sum")).unwrap();
    assert!(
        go_sum.starts_with("rsc.io/quote v1.5.2 h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0=\n"),
        "{go_sum}"
    );
}

/// With no arguments, the main module's requirements are downloaded (a
/// module replacement as its replacement, a directory replacement not at
/// all), as go does for go ≥ 1.17 modules; go.sum is left alone. The main
/// module itself is skipped with go's message, and outside a module
/// arguments are required.
#[test]
fn no_arguments_download_the_requirements() {
    let tmp = tempfile::tempdir().unwrap();
    let (tree, main, _) = testdata_case(tmp.path(), SKIP);
    let go_mod = TESTDATA_GO_MOD.replace("require (\n", "require (\n\trsc.io/QUOTE v1.5.2\n")
        + "\nreplace rsc.io/QUOTE => ./local\n";
    std::fs::write(main.join("go.mod"), go_mod).unwrap();
    std::fs::create_dir_all(main.join("local")).unwrap();
    std::fs::write(main.join("local/go.mod"), "module rsc.io/QUOTE\n").unwrap();

    let gomodx = Gomodx::new(&tree.file_url());
    let (output, objects) = gomodx.download_json(&main, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let versions: Vec<String> = objects
        .iter()
        .map(|o| format!("{}@{}", o["Path"], o["Version"]))
        .collect();
    assert_eq!(
        versions,
        [r#""rsc.io/quote"@"v1.5.2""#, r#""rsc.io/sampler"@"v1.3.1""#]
    );
    // Without arguments go writes go.sum before downloading: the go.mod
    // hashes of the graph it loaded.
    let go_sum = main.join("go.sum");
    let ours = std::fs::read_to_string(&go_sum).ok();
    let _ = std::fs::remove_file(&go_sum);
    if let Some(go) = go_env(&tree.file_url()) {
        let go_objects = go.mod_download_json(&main, &[]);
        assert_eq!(
            normalize_json(&objects, &gomodx.mod_cache()),
            normalize_json(&go_objects, &go.gomodcache())
        );
        assert_eq!(
            ours,
            std::fs::read_to_string(&go_sum).ok(),
            "go.sum without arguments"
        );
    }

    let skipped = gomodx.run(
        &main,
        &["download", "example.com/m", "example.com/m@upgrade"],
    );
    assert!(skipped.status.success());
    assert!(
        stderr(&skipped).contains(
            "warning: skipping download of example.com/m@upgrade that resolves to the main module"
        ),
        "{}",
        stderr(&skipped)
    );

    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let output = gomodx.run(&outside, &["download"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no modules specified"),
        "{}",
        stderr(&output)
    );
    let output = gomodx.run(&outside, &["download", "rsc.io/quote"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("go.mod file not found"),
        "{}",
        stderr(&output)
    );
    let (output, objects) = gomodx.download_json(&outside, &["rsc.io/quote@v1.5.2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        objects[0]["Sum"],
        "h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0="
    );
}

/// A replacement directory that is missing (a nested module copied out of
/// its repository, found by `scripts/realworld`): go downloads the modules
/// of the graph as far as it loaded, then fails with the graph's error.
#[test]
fn download_all_with_a_partial_graph_fails_after_downloading_like_go() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
    let Some(go) = go_env(&tree.file_url()) else {
        return;
    };
    let go_mod = "module example.com/m\n\ngo 1.21\n\nrequire (\n\trsc.io/quote v1.5.2\n\texample.com/gone v1.0.0\n)\n\nreplace example.com/gone => ../gone\n";
    let main = |side: &str| {
        let dir = tmp.path().join(side).join("m");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("go.mod"), go_mod).unwrap();
        dir
    };
    let (go_main, our_main) = (main("go"), main("gomodx"));
    let want = go
        .command(&go_main, &["mod", "download", "-json", "all"])
        .output()
        .unwrap();
    let gomodx = Gomodx::new(&tree.file_url());
    let (got, ours) = gomodx.download_json(&our_main, &["all"]);
    assert_eq!(got.status.code(), want.status.code(), "{}", stderr(&got));
    assert_eq!(want.status.code(), Some(1), "{}", stderr(&want));
    let go_objects = gomodx_test::go::parse_json_stream(&want.stdout).unwrap();
    assert!(!go_objects.is_empty(), "go downloaded what loaded");
    assert_same_download((&gomodx, &ours, &our_main), (&go, &go_objects, &go_main));
    let last_error = |text: String, side: &str| {
        let line = text
            .lines()
            .rfind(|l| l.contains("gone"))
            .unwrap_or_default()
            .to_owned();
        line.replace(&tmp.path().join(side).display().to_string(), "$TMP")
            .trim_start_matches("error: ")
            .trim_start_matches("go: ")
            .to_owned()
    };
    assert_eq!(
        last_error(stderr(&got), "gomodx"),
        last_error(stderr(&want), "go")
    );
}

/// `download all` records in go.sum what go keeps once it has loaded the
/// module graph: the zip and go.mod hashes of the whole build list, not
/// only those of the main module's requirements (found by
/// `scripts/realworld` on golang.org/x/mod, which requires only
/// golang.org/x/tools).
#[test]
fn download_all_records_the_build_lists_hashes() {
    let tmp = tempfile::tempdir().unwrap();
    let (tree, main) = testdata_main(
        tmp.path(),
        "module example.com/m\n\ngo 1.21\n\nrequire rsc.io/quote v1.5.2\n",
    );
    std::fs::write(main.join("main.go"), TESTDATA_MAIN_GO).unwrap();
    assert_same_as_go(&tree.file_url(), &main, &["all".to_owned()], true);
}

/// A go.mod without a `go` line under `go mod download` (always
/// `-mod=mod`): go adds `go 1.27.3`, makes the whole build list its
/// requirements (a pruned graph: direct and `// indirect` in two blocks,
/// comments kept, a raised indirect requirement), downloads the paths the
/// file required, in file order, and writes go.mod with the go.mod hashes
/// of the pruned graph to go.sum — before the download without arguments,
/// after it with one.
#[test]
fn no_go_line_gets_one_and_a_pruned_graph() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
    let Some(go) = go_env(&tree.file_url()) else {
        return;
    };
    let go_mod = "module example.com/m\n\n// quotes\nrequire rsc.io/quote v1.5.1\n\n\
                  require (\n\trsc.io/sampler v1.2.0 // indirect\n)\n";
    for args in [&[][..], &["rsc.io/quote@v1.5.2"]] {
        let [go_main, our_main] = ["go", "gomodx"].map(|side| {
            let dir = tmp.path().join(format!("{side}-{}", args.len()));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("go.mod"), go_mod).unwrap();
            std::fs::write(dir.join("main.go"), TESTDATA_MAIN_GO).unwrap();
            dir
        });
        let go_objects = go.mod_download_json(&go_main, args);
        let gomodx = Gomodx::new(&tree.file_url());
        let (output, objects) = gomodx.download_json(&our_main, args);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(
            normalize_json(&objects, &gomodx.mod_cache()),
            normalize_json(&go_objects, &go.gomodcache()),
            "download {args:?}"
        );
        for file in ["go.mod", "go.sum"] {
            let read = |dir: &Path| std::fs::read_to_string(dir.join(file)).ok();
            assert_eq!(
                read(&our_main),
                read(&go_main),
                "{file} after download {args:?}"
            );
        }
        let written = std::fs::read_to_string(our_main.join("go.mod")).unwrap();
        assert!(written.contains("\ngo 1.27.3\n"), "{written}");
    }
}

/// Go's module cache is a source: the zips `go mod download` left complete
/// in GOMODCACHE (zip and `.ziphash`) are checked and taken into the store
/// rather than downloaded again — no `.zip` request — and `-json` equals
/// go's; the store then serves a fresh GOMODCACHE with no request at all.
#[test]
fn zips_go_downloaded_are_adopted() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
    let server = ProxyServer::start(tree.root.clone(), Faults::none());
    let Some(go) = go_env(&server.url()) else {
        return;
    };
    let main = tmp.path().join("main");
    std::fs::create_dir_all(&main).unwrap();
    std::fs::write(main.join("go.mod"), TESTDATA_GO_MOD).unwrap();
    std::fs::write(main.join("main.go"), TESTDATA_MAIN_GO).unwrap();
    let go_objects = go.mod_download_json(&main, &[]);
    assert_eq!(go_objects.len(), 2);
    assert_eq!(server.count(|p| p.ends_with(".zip")), 2);

    server.clear_requests();
    let mut gomodx = Gomodx::new(&server.url());
    gomodx.set("GOMODCACHE", go.gomodcache());
    let (output, objects) = gomodx.download_json(&main, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        server.count(|p| p.ends_with(".zip")),
        0,
        "{:?}",
        server.requests()
    );
    assert_eq!(objects, go_objects);

    server.clear_requests();
    let fresh = tmp.path().join("fresh-modcache");
    gomodx.set("GOMODCACHE", &fresh);
    let (output, again) = gomodx.download_json(&main, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(server.requests(), [], "the adopted zips are in the store");
    assert_eq!(
        normalize_json(&again, &fresh),
        normalize_json(&objects, &go.gomodcache())
    );
}
