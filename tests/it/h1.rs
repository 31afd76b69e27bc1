//! `h1:` hashes against the go command: for every module of Go's own test
//! proxy and of 50 random universes, our zip and go.mod hashes equal the
//! `Sum` and `GoModSum` that `go mod download -json` reports.

use std::path::Path;

use gomodx_module::ModuleVersion;
use gomodx_modzip::h1;
use gomodx_test::{GoEnv, ProxyTree, Universe, UniverseConfig};

/// Downloads `modules` with go from `tree` and compares go's sums to ours.
/// Returns how many modules go downloaded successfully (and we compared).
fn compare_sums(tree: &ProxyTree, modules: &[ModuleVersion]) -> Option<usize> {
    let go = GoEnv::detect(&tree.file_url())?;
    let args: Vec<String> = modules.iter().map(ToString::to_string).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let work = go.root().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let mut compared = 0;
    for object in go.mod_download_json(&work, &args) {
        if object.get("Error").is_some() {
            continue;
        }
        let path = object["Path"].as_str().unwrap();
        let version = object["Version"].as_str().unwrap();
        let zip = tree.version_file(path, version, "zip").unwrap();
        let go_mod = std::fs::read(tree.version_file(path, version, "mod").unwrap()).unwrap();
        assert_eq!(
            h1::hash_zip(&zip).unwrap(),
            object["Sum"].as_str().unwrap(),
            "zip h1 of {path}@{version}"
        );
        assert_eq!(
            h1::hash_go_mod(&go_mod),
            object["GoModSum"].as_str().unwrap(),
            "go.mod h1 of {path}@{version}"
        );
        // The tree go extracted hashes to the same sum.
        let dir = object["Dir"].as_str().unwrap();
        assert_eq!(
            h1::hash_dir(Path::new(dir), &format!("{path}@{version}")).unwrap(),
            object["Sum"].as_str().unwrap(),
            "extracted tree h1 of {path}@{version}"
        );
        compared += 1;
    }
    Some(compared)
}

#[test]
fn h1_matches_go_on_go_testdata_proxy() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
    // golang.org/toolchain modules are always checked against the checksum
    // database by go, which is unreachable here; leave them out.
    let modules: Vec<ModuleVersion> = tree
        .modules
        .iter()
        .filter(|m| m.path != "golang.org/toolchain")
        .cloned()
        .collect();
    let Some(compared) = compare_sums(&tree, &modules) else {
        return;
    };
    // Most of the corpus is well-formed; a handful is deliberately broken.
    assert!(
        compared >= 150,
        "only {compared} of {} modules compared",
        modules.len()
    );
}

#[test]
fn h1_matches_go_on_50_random_universes() {
    let seeds: Vec<u64> = (1..=50).collect();
    let mut by_seed = Vec::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = seeds
            .chunks(25)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|&seed| {
                            let tmp = tempfile::tempdir().unwrap();
                            let universe = Universe::generate(UniverseConfig {
                                seed,
                                modules: 8,
                                ..UniverseConfig::default()
                            });
                            let tree = universe
                                .write_proxy_tree(&tmp.path().join("proxy"))
                                .unwrap();
                            let modules = universe.module_versions();
                            let compared = compare_sums(&tree, &modules);
                            if let Some(compared) = compared {
                                assert_eq!(
                                    compared,
                                    modules.len(),
                                    "seed {seed}: go failed some modules"
                                );
                            }
                            (seed, compared)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            by_seed.extend(handle.join().unwrap());
        }
    });
    // Every seed was compared (go ran on all of them), or go is absent
    // and the test has said SKIPPED.
    let compared: usize = by_seed.iter().filter_map(|(_, n)| *n).sum();
    if by_seed.iter().any(|(_, n)| n.is_some()) {
        let missing: Vec<u64> = by_seed
            .iter()
            .filter(|(_, n)| n.is_none())
            .map(|(seed, _)| *seed)
            .collect();
        assert!(missing.is_empty(), "seeds not compared: {missing:?}");
        assert!(
            compared >= 50 * 8,
            "only {compared} module versions compared"
        );
    }
}
