//! Universes: determinism, padding, and the structural invariants that make
//! them valid for go (the go oracle tests prove the validity itself).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use gomodx_module::{pseudo, semver};
use gomodx_test::{Universe, UniverseConfig};

/// Every file under `root` with its bytes, by relative path.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

fn write(config: &UniverseConfig, dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let universe = Universe::generate(config.clone());
    let tree = universe.write_proxy_tree(&dir.join("proxy")).unwrap();
    universe
        .write_main_module(&dir.join("main"), &tree)
        .unwrap();
    snapshot(dir)
}

#[test]
fn same_seed_gives_identical_bytes() {
    let config = UniverseConfig {
        seed: 7,
        zip_bytes_total: 3 << 20,
        ..UniverseConfig::default()
    };
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let first = write(&config, a.path());
    let second = write(&config, b.path());
    assert!(first.len() > 20, "only {} files", first.len());
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(second[path] == *bytes, "{} differs", path.display());
    }
    let other = write(&UniverseConfig { seed: 8, ..config }, c.path());
    assert_ne!(first, other);
}

#[test]
fn padding_reaches_the_requested_total() {
    let total: u64 = 24 << 20;
    let config = UniverseConfig {
        seed: 3,
        zip_bytes_total: total,
        ..UniverseConfig::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let tree = Universe::generate(config)
        .write_proxy_tree(dir.path())
        .unwrap();
    let zips: u64 = snapshot(dir.path())
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "zip"))
        .map(|(_, b)| b.len() as u64)
        .sum();
    assert!(
        zips >= total - total / 20 && zips <= total + (1 << 20),
        "zips weigh {zips} for {total}"
    );
    assert!(!tree.modules.is_empty());
}

/// Which features a universe shows.
#[derive(Default)]
struct Seen {
    upper: bool,
    suffixed: bool,
    gopkg: bool,
    incompatible: bool,
    prerelease: bool,
    pseudo: bool,
    retract: bool,
    ignored: bool,
    no_go_line: bool,
    pruned_dep: bool,
    unpruned_main: bool,
    pruned_main: bool,
    exclude: bool,
    version_replace: bool,
    path_replace: bool,
}

#[test]
fn universes_keep_their_invariants() {
    let mut seen = Seen::default();
    for seed in 0..40 {
        let config = UniverseConfig {
            seed,
            modules: 16,
            max_versions: 5,
            max_deps: 3,
            zip_bytes_total: 0,
        };
        let universe = Universe::generate(config);
        check_invariants(&universe);
        record(&universe, &mut seen);
    }
    let all = [
        seen.upper,
        seen.suffixed,
        seen.gopkg,
        seen.incompatible,
        seen.prerelease,
        seen.pseudo,
        seen.retract,
        seen.ignored,
        seen.no_go_line,
        seen.pruned_dep,
        seen.unpruned_main,
        seen.pruned_main,
        seen.exclude,
        seen.version_replace,
        seen.path_replace,
    ];
    assert!(
        all.iter().all(|&s| s),
        "some feature never appeared: {all:?}"
    );
}

fn check_invariants(universe: &Universe) {
    let modules = &universe.modules;
    let fork = modules.len() - 1;
    let lower: BTreeSet<String> = modules.iter().map(|m| m.path.to_lowercase()).collect();
    assert_eq!(
        lower.len(),
        modules.len(),
        "paths collide case-insensitively"
    );
    let mut highest: Vec<Option<&str>> = vec![None; modules.len()];
    for (index, module) in modules.iter().enumerate() {
        assert!(!module.versions.is_empty());
        let names: Vec<String> = module.versions.iter().map(|v| v.version.clone()).collect();
        let mut sorted = names.clone();
        semver::sort(&mut sorted);
        assert_eq!(names, sorted, "{} versions unsorted", module.path);
        for version in &module.versions {
            gomodx_module::check(&module.path, &version.version)
                .unwrap_or_else(|e| panic!("{}: {e}", module.path));
            for require in &version.requires {
                assert_ne!(require.module, fork, "the fork is never required");
                assert!(
                    !require.imported || require.module > index,
                    "imports must go forward"
                );
                let required = &modules[require.module];
                assert!(
                    required
                        .versions
                        .iter()
                        .any(|v| v.version == require.version)
                );
                let slot = &mut highest[require.module];
                if slot.is_none_or(|h| semver::compare(&require.version, h).is_gt()) {
                    *slot = Some(&require.version);
                }
            }
            if !module.has_go_mod {
                assert!(version.requires.is_empty() && version.retracts.is_empty());
            }
        }
    }
    // The planted diamond 0 → {1, 2} → 3 and cycle 1 → 0, on top versions.
    let top_requires = |i: usize| -> Vec<usize> {
        modules[i]
            .versions
            .last()
            .unwrap()
            .requires
            .iter()
            .map(|r| r.module)
            .collect()
    };
    assert!(top_requires(0).contains(&1) && top_requires(0).contains(&2));
    assert!(top_requires(1).contains(&3) && top_requires(1).contains(&0));
    assert!(top_requires(2).contains(&3));
    // The main module requires everything it imports, high enough.
    let main = &universe.main;
    assert!(main.requires.iter().any(|r| r.module == 0 && r.direct));
    for require in &main.requires {
        if let Some(floor) = highest[require.module] {
            assert!(
                semver::compare(&require.version, floor).is_ge(),
                "main under-requires {}",
                modules[require.module].path
            );
        }
    }
    for (module, version) in &main.excludes {
        let required = main.requires.iter().find(|r| r.module == *module);
        assert!(
            required.is_none_or(|r| r.version != *version),
            "main excludes its own requirement"
        );
    }
}

fn record(universe: &Universe, seen: &mut Seen) {
    for module in &universe.modules {
        seen.upper |= module.path.chars().any(|c| c.is_ascii_uppercase());
        seen.gopkg |= module.path.starts_with("gopkg.in/");
        seen.suffixed |= !module.path.starts_with("gopkg.in/")
            && module
                .path
                .rsplit('/')
                .next()
                .is_some_and(|l| l.starts_with('v') && l[1..].parse::<u32>().is_ok());
        for version in &module.versions {
            let v = &version.version;
            seen.incompatible |= v.ends_with("+incompatible") && !module.has_go_mod;
            seen.pseudo |= pseudo::is_pseudo_version(v);
            seen.prerelease |= !pseudo::is_pseudo_version(v) && !semver::prerelease(v).is_empty();
            seen.retract |= !version.retracts.is_empty();
            seen.ignored |= !version.ignored.is_empty();
            seen.no_go_line |= module.has_go_mod && version.go.is_none();
            seen.pruned_dep |= version
                .go
                .as_deref()
                .is_some_and(|g| g != "1.16" && g != "1.13");
        }
    }
    seen.unpruned_main |= universe.unpruned_main;
    seen.pruned_main |= !universe.unpruned_main;
    seen.exclude |= !universe.main.excludes.is_empty();
    seen.version_replace |= universe.main.replaces.iter().any(|r| r.version.is_some());
    seen.path_replace |= universe
        .main
        .replaces
        .iter()
        .any(|r| r.version.is_none() && r.with_module != r.module);
}
