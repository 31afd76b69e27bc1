//! The real go accepts what the kit produces: corpus and universe trees
//! download cleanly, main modules are consistent, and a universe builds
//! through the HTTP proxy. Skipped when go is missing (fails under CI=true).

use std::path::{Path, PathBuf};

use gomodx_module::ModuleVersion;
use gomodx_test::server::Faults;
use gomodx_test::{GoEnv, ProxyServer, ProxyTree, Universe, UniverseConfig};
use serde_json::Value;

/// Generates the universe of `config` and writes its proxy tree into
/// `dir/proxy` and its main module into `dir/main`.
fn write_universe(dir: &Path, config: UniverseConfig) -> (Universe, ProxyTree, PathBuf) {
    let universe = Universe::generate(config);
    let tree = universe.write_proxy_tree(&dir.join("proxy")).unwrap();
    let main = dir.join("main");
    universe.write_main_module(&main, &tree).unwrap();
    (universe, tree, main)
}

/// Downloads `modules` with `go mod download -json` from outside any module
/// and checks that each succeeded with the tree's own hashes.
fn assert_go_downloads(env: &GoEnv, tree: &ProxyTree, modules: &[ModuleVersion]) {
    let work = tempfile::tempdir().unwrap();
    let args: Vec<String> = modules.iter().map(ToString::to_string).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let results = env.mod_download_json(work.path(), &args);
    assert_eq!(results.len(), modules.len());
    for result in &results {
        let (path, version) = (text(result, "Path"), text(result, "Version"));
        assert!(
            result.get("Error").is_none(),
            "{path}@{version}: {}",
            result["Error"]
        );
        let sums = tree
            .go_sum_lines(&ModuleVersion::new(path, version))
            .unwrap();
        let expected = format!(
            "{path} {version} {}\n{path} {version}/go.mod {}\n",
            text(result, "Sum"),
            text(result, "GoModSum")
        );
        assert_eq!(sums, expected);
        assert!(
            Path::new(text(result, "Dir")).is_dir(),
            "{path}@{version} not extracted"
        );
    }
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {value}"))
}

#[test]
fn go_downloads_corpus_modules() {
    let dir = tempfile::tempdir().unwrap();
    let tree = gomodx_test::testdata::go_testdata_tree(dir.path()).unwrap();
    let Some(env) = GoEnv::detect(&tree.file_url()) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let results = env.mod_download_json(
        work.path(),
        &[
            "rsc.io/quote@v1.5.2",
            "rsc.io/QUOTE@v1.5.3-PRE",
            "rsc.io/badzip@v1.0.0",
        ],
    );
    assert_eq!(results.len(), 3);
    assert_eq!(
        text(&results[0], "Sum"),
        "h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0="
    );
    assert!(results[0].get("Error").is_none());
    assert!(results[1].get("Error").is_none(), "{}", results[1]);
    // The malformed zip is rejected by go, as in Go's own tests.
    assert!(
        text(&results[2], "Error").contains("rsc.io/badzip@v1.0.0.txt"),
        "{}",
        results[2]
    );
    // go's cache holds the bytes the tree served.
    let cached = env
        .gomodcache()
        .join("cache/download/rsc.io/quote/@v/v1.5.2.mod");
    assert_eq!(
        std::fs::read(cached).unwrap(),
        std::fs::read(tree.version_file("rsc.io/quote", "v1.5.2", "mod").unwrap()).unwrap()
    );
}

#[test]
fn go_downloads_every_universe_module() {
    for seed in [1, 2, 3, 4] {
        let config = UniverseConfig {
            seed,
            modules: 14,
            max_versions: 4,
            max_deps: 3,
            zip_bytes_total: 1 << 20,
        };
        let universe = Universe::generate(config);
        let dir = tempfile::tempdir().unwrap();
        let tree = universe.write_proxy_tree(dir.path()).unwrap();
        let Some(env) = GoEnv::detect(&tree.file_url()) else {
            return;
        };
        assert_eq!(tree.modules, universe.module_versions());
        assert_go_downloads(&env, &tree, &tree.modules);
    }
}

#[test]
fn universe_main_modules_are_consistent_for_go() {
    for seed in 10..16 {
        let dir = tempfile::tempdir().unwrap();
        let config = UniverseConfig {
            seed,
            ..UniverseConfig::default()
        };
        let (universe, tree, main) = write_universe(dir.path(), config);
        let Some(env) = GoEnv::detect(&tree.file_url()) else {
            return;
        };
        let go_mod = std::fs::read(main.join("go.mod")).unwrap();
        // Read-only commands succeed without go mod tidy.
        let listed = env.list_m_all(&main);
        assert_eq!(listed[0], universe.main.path, "seed {seed}");
        for require in &universe.main.requires {
            let path = &universe.modules[require.module].path;
            assert!(
                listed.iter().any(|l| l.starts_with(&format!("{path} "))),
                "seed {seed}: {path} not listed"
            );
        }
        let graph = env.mod_graph(&main);
        assert!(graph.iter().any(|(from, _)| *from == universe.main.path));
        env.run_ok(&main, &["mod", "verify"]);
        assert_eq!(
            std::fs::read(main.join("go.mod")).unwrap(),
            go_mod,
            "seed {seed}: go.mod changed"
        );
    }
}

#[test]
fn go_builds_universes_through_the_http_proxy() {
    let Some(mut env) = GoEnv::detect("off") else {
        return;
    };
    // One pruned and one unpruned main module.
    let seeds: Vec<u64> = [false, true]
        .into_iter()
        .map(|unpruned| {
            (100..)
                .find(|&seed| {
                    Universe::generate(UniverseConfig {
                        seed,
                        ..UniverseConfig::default()
                    })
                    .unpruned_main
                        == unpruned
                })
                .unwrap()
        })
        .collect();
    for seed in seeds {
        let config = UniverseConfig {
            seed,
            zip_bytes_total: 4 << 20,
            ..UniverseConfig::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let (universe, tree, main) = write_universe(dir.path(), config);
        let before = (
            std::fs::read(main.join("go.mod")).unwrap(),
            std::fs::read(main.join("go.sum")).unwrap(),
        );

        let server = ProxyServer::start(tree.root.clone(), Faults::none());
        // A fresh module cache per universe: seeds reuse module paths.
        env.set("GOPROXY", server.url())
            .set("GOMODCACHE", dir.path().join("modcache"));
        env.run_ok(&main, &["build", "./..."]);

        let after = (
            std::fs::read(main.join("go.mod")).unwrap(),
            std::fs::read(main.join("go.sum")).unwrap(),
        );
        assert!(
            before == after,
            "seed {seed}: go build changed go.mod or go.sum"
        );
        let requests = server.requests();
        assert!(
            requests.iter().all(|r| r.status == 200),
            "seed {seed}: {requests:?}"
        );
        assert!(server.count(|p| p.ends_with(".zip")) >= universe.main.requires.len().min(2));
        // Zips downloaded include the fork that replaces a direct dependency.
        if let Some(swap) = universe.main.replaces.iter().find(|r| r.version.is_none()) {
            let fork = &universe.modules[swap.with_module];
            let escaped = gomodx_module::escape::escape_path(&fork.path).unwrap();
            assert_eq!(
                server.count(|p| p.starts_with(&format!("/{escaped}/@v/")) && p.ends_with(".zip")),
                1
            );
        }
    }
}
