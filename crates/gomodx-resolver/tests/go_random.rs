//! The module graph against the real `go` on seeded random universes from
//! `gomodx_test::universe` (majors, `+incompatible`, pseudo-versions,
//! cycles, diamonds, exclude, replace, pruned and unpruned mains): the go.mod
//! files are read back from the written GOPROXY tree, as a fetch layer would
//! serve them.

use gomodx_resolver::{MemorySource, ModuleGraph};
use gomodx_test::{GoEnv, Universe, UniverseConfig};

/// Loads the graph from the tree's `.mod` files and the main go.mod.
fn load(tree: &gomodx_test::ProxyTree, main_dir: &std::path::Path) -> ModuleGraph {
    let mut source = MemorySource::new();
    for m in &tree.modules {
        let file = tree
            .version_file(&m.path, &m.version, "mod")
            .expect("a valid module version");
        source.insert(
            m.clone(),
            std::fs::read(&file).expect("reading a .mod file"),
        );
    }
    let main = std::fs::read(main_dir.join("go.mod")).expect("reading the main go.mod");
    let main = gomodx_modfile::parse("go.mod", &main).expect("the main go.mod parses");
    ModuleGraph::load(&main, &source).expect("the universe loads")
}

#[test]
fn random_universes_match_go() {
    const SEEDS: u64 = 16;
    let mut compared = 0;
    for seed in 1..=SEEDS {
        let config = UniverseConfig {
            seed,
            modules: 6 + (seed as usize % 20),
            max_versions: 5,
            max_deps: 4,
            zip_bytes_total: 0,
        };
        let universe = Universe::generate(config);
        let tmp = tempfile::tempdir().expect("temp dir");
        let tree = universe
            .write_proxy_tree(&tmp.path().join("proxy"))
            .expect("writing the proxy tree");
        let main_dir = tmp.path().join("main");
        universe
            .write_main_module(&main_dir, &tree)
            .expect("writing the main module");
        let Some(go) = GoEnv::detect(&tree.file_url()) else {
            return; // no go: skipped (go_bin panics under CI instead)
        };

        let graph = load(&tree, &main_dir);
        assert!(
            graph.roots_consistent(),
            "seed {seed}: the universe's roots are consistent"
        );
        let want_graph = go.run_ok(&main_dir, &["mod", "graph"]);
        assert_eq!(graph.graph_text(), want_graph, "seed {seed}: go mod graph");
        let want_list = go.run_ok(&main_dir, &["list", "-m", "all"]);
        let got_list: String = graph.list_all().iter().map(|m| format!("{m}\n")).collect();
        assert_eq!(got_list, want_list, "seed {seed}: go list -m all");
        compared += 2;
    }
    assert_eq!(compared, 2 * SEEDS);
}
