//! `gomodx list -m`, `graph` and `why -m` against go on scenarios ported
//! from go's script tests (`mod_graph`, `mod_graph_version`, `mod_why`,
//! `mod_list_upgrade`, `mod_list_deprecated`, `mod_list_retract`,
//! `mod_list_replace_dir`), over Go's test proxy: instead of the scripts'
//! regular expressions, the outputs must equal go's byte for byte.

use std::path::Path;

use gomodx_test::ProxyTree;

use crate::download::harness::{Gomodx, go_env, stderr};
use crate::universes::{self, OnDisk};

/// A main module (files as `(name, content)`) and commands to compare:
/// `(go args, gomodx args)`.
fn assert_same(files: &[(&str, &str)], commands: &[(&[&str], &[&str])]) {
    compare(files, commands, false);
}

/// [`assert_same`] for commands that must fail, with go's message.
fn assert_same_failure(files: &[(&str, &str)], commands: &[(&[&str], &[&str])]) {
    compare(files, commands, true);
}

fn compare(files: &[(&str, &str)], commands: &[(&[&str], &[&str])], expect_failure: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let tree: ProxyTree =
        gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
    let Some(go) = go_env(&tree.file_url()) else {
        return;
    };
    let main = tmp.path().join("main");
    write_files(&main, files);
    // Populate go.sum as the scripts do, then work read-only.
    let mut tidy = go.command(&main, &["list", "-m", "all"]);
    tidy.env("GOFLAGS", "-mod=mod -modcacherw");
    let out = tidy.output().unwrap();
    assert!(out.status.success(), "go list -mod=mod: {}", stderr(&out));
    // The scripts' go.mod, as written (go -mod=mod may have tidied it).
    write_files(&main, &files[..1]);

    let mut gomodx = Gomodx::new(&tree.file_url());
    gomodx.set("GOMODCACHE", go.gomodcache());
    gomodx.set("GOPATH", go.gopath());
    for (go_args, our_args) in commands {
        let want = go.run(&main, go_args);
        let got = gomodx.run(&main, our_args);
        if !expect_failure {
            assert!(
                want.status.success() && !want.stdout.is_empty(),
                "go {go_args:?} printed something: {}",
                stderr(&want)
            );
        } else {
            let (ours, theirs) = (stderr(&got), stderr(&want));
            assert_eq!(
                ours.strip_prefix("error: "),
                theirs.strip_prefix("go: "),
                "gomodx {our_args:?} fails as go does"
            );
        }
        assert_eq!(
            String::from_utf8_lossy(&got.stdout),
            String::from_utf8_lossy(&want.stdout),
            "gomodx {our_args:?} vs go {go_args:?}; stderr: {} / go: {}",
            stderr(&got),
            stderr(&want)
        );
        assert_eq!(
            got.status.success(),
            want.status.success(),
            "exit status of gomodx {our_args:?}: {}",
            stderr(&got)
        );
    }
}

fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (name, content) in files {
        let file = dir.join(name);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, content).unwrap();
    }
}

#[test]
fn mod_graph() {
    assert_same(
        &[
            ("go.mod", "module m\nrequire rsc.io/quote v1.5.2\n"),
            ("use.go", "package m\n\nimport _ \"rsc.io/quote\"\n"),
        ],
        &[
            (&["mod", "graph"], &["graph"]),
            (&["list", "-m", "all"], &["list", "-m", "all"]),
            (
                &["list", "-m", "-json", "all"],
                &["list", "-m", "--json", "all"],
            ),
            (
                &["mod", "why", "-m", "rsc.io/sampler", "golang.org/x/text"],
                &["why", "-m", "rsc.io/sampler", "golang.org/x/text"],
            ),
        ],
    );
}

const GRAPH_VERSION_GO_MOD: &str = "module example.com/m

go 1.17

replace (
	example.net/lazy v0.1.0 => ./lazy
	example.net/requireincompatible v0.1.0 => ./requireincompatible
)

require (
	example.com/retract/incompatible v1.0.0 // indirect
	example.net/lazy v0.1.0
)
";

#[test]
fn mod_graph_version() {
    assert_same(
        &[
            ("go.mod", GRAPH_VERSION_GO_MOD),
            (
                "lazy/go.mod",
                "module example.net/lazy\n\ngo 1.17\n\nexclude example.com/retract/incompatible v2.0.0+incompatible\n\nrequire (\n\texample.com/retract/incompatible v1.0.0\n\texample.net/requireincompatible v0.1.0\n)\n",
            ),
            (
                "requireincompatible/go.mod",
                "module example.net/requireincompatible\n\ngo 1.15\n\nrequire example.com/retract/incompatible v2.0.0+incompatible\n",
            ),
        ],
        &[
            (&["mod", "graph"], &["graph"]),
            (&["mod", "graph", "-go=1.17"], &["graph", "--go=1.17"]),
            (&["mod", "graph", "-go=1.16"], &["graph", "--go=1.16"]),
            (&["list", "-m", "all"], &["list", "-m", "all"]),
            (
                &["list", "-m", "-json", "all"],
                &["list", "-m", "--json", "all"],
            ),
        ],
    );
}

#[test]
fn mod_why() {
    assert_same(
        &[
            ("go.mod", "module mymodule\nrequire rsc.io/quote v1.5.2\n"),
            ("x/x.go", "package x\nimport _ \"mymodule/z\"\n"),
            ("y/y.go", "package y\n"),
            ("y/y_test.go", "package y\nimport _ \"rsc.io/quote\"\n"),
            ("z/z.go", "package z\nimport _ \"mymodule/y\"\n"),
        ],
        &[
            (
                &["mod", "why", "-m", "rsc.io/quote", "rsc.io/sampler"],
                &["why", "-m", "rsc.io/quote", "rsc.io/sampler"],
            ),
            (
                &["mod", "why", "-m", "rsc.io/testonly"],
                &["why", "-m", "rsc.io/testonly"],
            ),
            (
                &["mod", "why", "-m", "golang.org..."],
                &["why", "-m", "golang.org..."],
            ),
        ],
    );
}

#[test]
fn mod_list_upgrade_deprecated_and_retracted() {
    assert_same(
        &[
            (
                "go.mod",
                "module example.com/use\n\ngo 1.17\n\nrequire (\n\texample.com/deprecated/a v1.9.0\n\texample.com/undeprecated v1.0.0\n\texample.com/retract v1.0.0-bad\n\trsc.io/quote v1.2.0\n)\n",
            ),
            (
                "use.go",
                "package use\n\nimport _ \"example.com/retract\"\n",
            ),
        ],
        &[
            (&["list", "-m", "-u", "all"], &["list", "-m", "-u", "all"]),
            (
                &["list", "-m", "-u", "-json", "all"],
                &["list", "-m", "-u", "--json", "all"],
            ),
            (
                &["list", "-m", "-retracted", "all"],
                &["list", "-m", "--retracted", "all"],
            ),
            (
                &[
                    "list",
                    "-m",
                    "-retracted",
                    "example.com/retract@v1.0.0-unused",
                ],
                &[
                    "list",
                    "-m",
                    "--retracted",
                    "example.com/retract@v1.0.0-unused",
                ],
            ),
            (
                &["list", "-m", "-u", "example.com/deprecated/a"],
                &["list", "-m", "-u", "example.com/deprecated/a"],
            ),
            (&["list", "-m"], &["list", "-m"]),
            (&["list", "-m", "rsc.io/..."], &["list", "-m", "rsc.io/..."]),
        ],
    );
}

#[test]
fn mod_list_replace() {
    assert_same(
        &[
            (
                "go.mod",
                "module example.com/quoter\n\nrequire rsc.io/quote v1.5.2\n\nreplace rsc.io/quote => rsc.io/quote v1.5.1\n",
            ),
            ("use.go", "package use\n\nimport _ \"rsc.io/quote\"\n"),
        ],
        &[
            (&["list", "-m", "all"], &["list", "-m", "all"]),
            (
                &["list", "-m", "-json", "all"],
                &["list", "-m", "--json", "all"],
            ),
            (&["mod", "graph"], &["graph"]),
        ],
    );
}

#[test]
fn inconsistent_requirements_fail_read_only() {
    assert_same_failure(
        &[(
            "go.mod",
            "module m\n\ngo 1.17\n\nrequire (\n\trsc.io/quote v1.5.2\n\trsc.io/sampler v1.0.0\n)\n",
        )],
        &[(&["list", "-m", "all"], &["list", "-m", "all"])],
    );
}

#[test]
fn inconsistent_requirements_are_shown_by_graph_and_why() {
    assert_same(
        &[
            (
                "go.mod",
                "module m\n\ngo 1.17\n\nrequire (\n\trsc.io/quote v1.5.2\n\trsc.io/sampler v1.0.0\n)\n",
            ),
            ("use.go", "package m\n\nimport _ \"rsc.io/quote\"\n"),
        ],
        &[
            (&["mod", "graph"], &["graph"]),
            (
                &["mod", "why", "-m", "rsc.io/sampler"],
                &["why", "-m", "rsc.io/sampler"],
            ),
        ],
    );
}

/// The `(Path, Version)` of every object of a `download -json` stream, sorted.
fn downloaded(stdout: &[u8]) -> Vec<(String, String)> {
    let objects = gomodx_test::go::parse_json_stream(stdout).unwrap();
    let mut out: Vec<(String, String)> = objects
        .iter()
        .map(|o| {
            let field = |name: &str| o[name].as_str().unwrap_or_default().to_owned();
            (field("Path"), field("Version"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn download_all_and_no_arguments_fetch_what_go_fetches() {
    let mut compared = 0;
    for seed in 1..=8 {
        let tmp = tempfile::tempdir().unwrap();
        let OnDisk { tree, main, .. } = universes::write(tmp.path(), universes::config(seed, 8));
        let Some(go) = go_env(&tree.file_url()) else {
            return;
        };
        let gomodx = Gomodx::new(&tree.file_url());
        for (go_args, our_args) in [
            (
                &["mod", "download", "-json"][..],
                &["download", "--json"][..],
            ),
            (
                &["mod", "download", "-json", "all"][..],
                &["download", "--json", "all"][..],
            ),
        ] {
            let want = go.run(&main, go_args);
            let got = gomodx.run(&main, our_args);
            assert_eq!(
                got.status.success(),
                want.status.success(),
                "seed {seed}: {our_args:?}: {}",
                stderr(&got)
            );
            assert_eq!(
                downloaded(&got.stdout),
                downloaded(&want.stdout),
                "seed {seed}: gomodx {our_args:?}"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 16);
}

/// Loading is pipelined: with 150 ms per proxy request, `gomodx graph` on a
/// 40-module universe takes about graph depth × one round trip, far less
/// than one round trip per go.mod.
#[test]
fn graph_loading_is_pipelined_over_http() {
    use std::time::{Duration, Instant};

    let tmp = tempfile::tempdir().unwrap();
    let config = gomodx_test::UniverseConfig {
        seed: 7,
        modules: 40,
        max_versions: 3,
        max_deps: 3,
        zip_bytes_total: 0,
    };
    let OnDisk { main, .. } = universes::write(tmp.path(), config);
    let latency = Duration::from_millis(150);
    let server = gomodx_test::ProxyServer::start(
        tmp.path().join("proxy"),
        gomodx_test::server::Faults::none().latency(latency),
    );
    let gomodx = Gomodx::new(&server.url());
    let started = Instant::now();
    let out = gomodx.run(&main, &["graph"]);
    let elapsed = started.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    let fetched = server.count(|path| path.ends_with(".mod"));
    assert!(fetched >= 10, "only {fetched} go.mod files fetched");
    assert!(
        elapsed < latency * (fetched as u32) / 2,
        "{fetched} go.mod files took {elapsed:?}: not pipelined"
    );
}

#[test]
fn unknown_modules_fail_like_go() {
    assert_same_failure(
        &[
            ("go.mod", "module m\nrequire rsc.io/quote v1.5.2\n"),
            ("use.go", "package m\n\nimport _ \"rsc.io/quote\"\n"),
        ],
        &[(
            &["list", "-m", "example.com/not/there"],
            &["list", "-m", "example.com/not/there"],
        )],
    );
}

/// In read-only mode `list -m -json` shows a module's GoMod and Dir (and
/// their hashes) only when go.sum records them, as go's `checksumOk`:
/// found by `scripts/realworld` on golang.org/x/mod, whose go.sum records
/// only golang.org/x/tools. Here go.sum records only rsc.io/quote.
#[test]
fn list_json_shows_files_only_with_recorded_hashes() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
    let Some(go) = go_env(&tree.file_url()) else {
        return;
    };
    let main = tmp.path().join("main");
    write_files(
        &main,
        &[
            (
                "go.mod",
                "module m\n\ngo 1.21\n\nrequire rsc.io/quote v1.5.2\n",
            ),
            ("use.go", "package m\n\nimport _ \"rsc.io/quote\"\n"),
        ],
    );
    // Every module in the cache, then a go.sum with every go.mod hash (go
    // needs them to load the graph) but only quote's zip hash.
    let out = go.run(&main, &["mod", "download", "all"]);
    assert!(
        out.status.success(),
        "go mod download all: {}",
        stderr(&out)
    );
    let go_sum = std::fs::read_to_string(main.join("go.sum")).unwrap();
    let quote: String = go_sum
        .lines()
        .filter(|l| l.starts_with("rsc.io/quote ") || l.contains("/go.mod "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(main.join("go.sum"), quote).unwrap();

    let mut gomodx = Gomodx::new(&tree.file_url());
    gomodx.set("GOMODCACHE", go.gomodcache());
    gomodx.set("GOPATH", go.gopath());
    let want = go.run(&main, &["list", "-m", "-json", "all"]);
    let got = gomodx.run(&main, &["list", "-m", "--json", "all"]);
    let want_text = String::from_utf8_lossy(&want.stdout);
    assert!(want.status.success(), "go list: {}", stderr(&want));
    assert_eq!(
        want_text.matches("\"Dir\"").count(),
        2,
        "go shows the main module's and quote's Dir only: {want_text}"
    );
    assert_eq!(
        String::from_utf8_lossy(&got.stdout),
        want_text,
        "{}",
        stderr(&got)
    );
    assert_eq!(got.status.success(), want.status.success());
}

/// Required versions the proxy does not have: go lists the graph as far as
/// it loaded, reporting each listed module's error (reading its `.info`) in
/// build-list order, then the graph's (reading the first `.mod` it missed),
/// as in go's script `mod_list_update_nolatest` over a proxy without them.
#[test]
fn missing_versions_fail_listing_like_go() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
    let Some(go) = go_env(&tree.file_url()) else {
        return;
    };
    let main = tmp.path().join("main");
    let fake = "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let go_sum = format!(
        "example.com/missing/a v0.1.0/go.mod {fake}\n\
         example.com/missing/b v0.1.0/go.mod {fake}\n\
         golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c/go.mod h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ=\n\
         rsc.io/quote v1.5.2/go.mod h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=\n\
         rsc.io/sampler v1.3.0/go.mod h1:T1hPZKmBbMNahiBKFy5HrXp6adAjACjK9JXDnKaTXpA=\n"
    );
    write_files(
        &main,
        &[
            (
                "go.mod",
                "module m\n\ngo 1.17\n\nrequire (\n\texample.com/missing/a v0.1.0\n\t\
                 example.com/missing/b v0.1.0\n\trsc.io/quote v1.5.2\n)\n",
            ),
            ("go.sum", &go_sum),
        ],
    );
    let gomodx = Gomodx::new(&tree.file_url());
    for (go_args, our_args) in [
        (&["list", "-m", "all"][..], &["list", "-m", "all"][..]),
        (
            &["list", "-m", "-json", "all"],
            &["list", "-m", "--json", "all"],
        ),
    ] {
        let (want, got) = (go.run(&main, go_args), gomodx.run(&main, our_args));
        assert!(!want.status.success() && !got.status.success());
        assert_eq!(got.stdout, want.stdout);
        let lines = |text: String, prefix: &str| -> Vec<String> {
            text.lines()
                .map(|l| l.strip_prefix(prefix).unwrap_or(l).to_owned())
                .collect()
        };
        let theirs = lines(stderr(&want), "go: ");
        assert_eq!(theirs.len(), 3, "{theirs:?}");
        assert!(
            theirs[0].ends_with(".info: no such file or directory"),
            "{theirs:?}"
        );
        assert_eq!(
            lines(stderr(&got), "error: "),
            theirs,
            "gomodx {our_args:?}"
        );
    }
}
