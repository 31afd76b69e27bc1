//! The main module of a universe: which modules it requires and at which
//! versions, its `exclude` and `replace` directives and its `go` line (see
//! the parent module for why this keeps its go.mod consistent).

use std::collections::BTreeSet;

use gomodx_module::semver;

use super::render::go_version_key;
use super::{MainModule, MainRequire, Module, Replace, UniverseConfig, Version};
use crate::rng::Rng;

const MAIN_PATH: &str = "example.test/main";

pub(super) fn main_module(
    rng: &mut Rng,
    modules: &[Module],
    config: &UniverseConfig,
    unpruned: bool,
    fork: Option<usize>,
    planted: bool,
) -> MainModule {
    let regular: Vec<usize> = (0..modules.len()).filter(|&i| Some(i) != fork).collect();
    let mut direct = BTreeSet::new();
    if planted {
        direct.insert(0);
    }
    let wanted = rng.range(2, config.max_deps.max(2)).min(regular.len());
    for _ in 0..wanted * 4 {
        if direct.len() >= wanted {
            break;
        }
        direct.insert(*rng.pick(&regular));
    }

    let mut replaces = Vec::new();
    let swappable: Vec<usize> = direct
        .iter()
        .copied()
        .filter(|&d| !planted || d != 0)
        .collect();
    if let Some(fork) = fork.filter(|_| !swappable.is_empty()) {
        replaces.push(Replace {
            module: *rng.pick(&swappable),
            version: None,
            with_module: fork,
            with_version: rng.pick(&modules[fork].versions).version.clone(),
        });
    }

    let closure = import_closure(modules, &direct, replaces.first());
    let highest_required = highest_requirements(modules);
    let requires: Vec<MainRequire> = closure
        .iter()
        .map(|&module| {
            let versions = &modules[module].versions;
            let version = if planted && module == 0 {
                versions
                    .last()
                    .expect("at least one version")
                    .version
                    .clone()
            } else {
                let floor = highest_required[module].as_deref().unwrap_or("");
                let allowed: Vec<&Version> = versions
                    .iter()
                    .filter(|v| semver::compare(&v.version, floor).is_ge())
                    .collect();
                rng.pick(&allowed).version.clone()
            };
            MainRequire {
                module,
                version,
                direct: direct.contains(&module),
            }
        })
        .collect();

    let swapped = replaces.first().map(|r| r.module);
    let multi: Vec<&MainRequire> = requires
        .iter()
        .filter(|r| Some(r.module) != swapped && modules[r.module].versions.len() >= 2)
        .collect();
    let mut excludes = Vec::new();
    if !multi.is_empty() {
        let pinned = *rng.pick(&multi);
        let others = |rng: &mut Rng, req: &MainRequire| {
            let options: Vec<&Version> = modules[req.module]
                .versions
                .iter()
                .filter(|v| v.version != req.version)
                .collect();
            rng.pick(&options).version.clone()
        };
        replaces.push(Replace {
            module: pinned.module,
            version: Some(pinned.version.clone()),
            with_module: pinned.module,
            with_version: others(rng, pinned),
        });
        for _ in 0..rng.range(1, 2) {
            let req = *rng.pick(&multi);
            excludes.push((req.module, others(rng, req)));
        }
        excludes.sort();
        excludes.dedup();
    }

    MainModule {
        path: MAIN_PATH.to_owned(),
        go: main_go_line(rng, modules, unpruned),
        requires,
        excludes,
        replaces,
    }
}

/// Modules whose packages main.go reaches through imports, given that the
/// `swap` replacement (if any) serves the fork's code for its module.
fn import_closure(
    modules: &[Module],
    direct: &BTreeSet<usize>,
    swap: Option<&Replace>,
) -> BTreeSet<usize> {
    let imports_of = |module: usize| -> Vec<usize> {
        let versions: Vec<&Version> = match swap {
            Some(r) if r.module == module => modules[r.with_module]
                .versions
                .iter()
                .filter(|v| v.version == r.with_version)
                .collect(),
            _ => modules[module].versions.iter().collect(),
        };
        versions
            .iter()
            .flat_map(|v| v.requires.iter().filter(|r| r.imported).map(|r| r.module))
            .collect()
    };
    let mut closure = direct.clone();
    let mut queue: Vec<usize> = direct.iter().copied().collect();
    while let Some(module) = queue.pop() {
        for dep in imports_of(module) {
            if closure.insert(dep) {
                queue.push(dep);
            }
        }
    }
    closure
}

/// For each module, the highest version any go.mod in the universe requires.
fn highest_requirements(modules: &[Module]) -> Vec<Option<String>> {
    let mut highest: Vec<Option<String>> = vec![None; modules.len()];
    for require in modules
        .iter()
        .flat_map(|m| &m.versions)
        .flat_map(|v| &v.requires)
    {
        let slot = &mut highest[require.module];
        if slot
            .as_deref()
            .is_none_or(|h| semver::compare(&require.version, h).is_gt())
        {
            *slot = Some(require.version.clone());
        }
    }
    highest
}

/// `1.16` for an unpruned main module; otherwise at least every dependency's
/// `go` line that takes part in version selection (≥ 1.21).
fn main_go_line(rng: &mut Rng, modules: &[Module], unpruned: bool) -> String {
    if unpruned {
        return "1.16".to_owned();
    }
    let floor = *rng.pick(&["1.17", "1.20", "1.21.0", "1.22.0"]);
    modules
        .iter()
        .flat_map(|m| &m.versions)
        .filter_map(|v| v.go.as_deref())
        .chain([floor])
        .max_by_key(|go| go_version_key(go))
        .expect("the floor is always present")
        .to_owned()
}
