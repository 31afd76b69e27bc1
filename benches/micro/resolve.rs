//! Resolution of a synthetic 10,000-module graph held in memory:
//! [`gomodx_resolver::mvs::build_list`] over a plain [`Reqs`] map, and
//! [`ModuleGraph::load`] (cmd/go's graph: go.mod parsing, unpruned loading,
//! MVS) over the same graph as go.mod text in a [`MemorySource`].

use std::cmp::Ordering;
use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput};
use gomodx_module::{ModuleVersion, semver};
use gomodx_resolver::mvs::{self, Reqs};
use gomodx_resolver::{MemorySource, ModuleGraph};

use crate::rng::Rng;

/// Modules in the graph.
const MODULES: usize = 10_000;
/// Versions per module.
const VERSIONS: usize = 3;
/// Requirements per module version.
const DEPS: usize = 4;
/// Requirements of the main module.
const ROOTS: usize = 50;
/// The main module's path.
const MAIN: &str = "example.com/main";

/// A requirement graph: every module version's requirements.
struct Universe {
    requires: HashMap<ModuleVersion, Vec<ModuleVersion>>,
}

impl Reqs for Universe {
    type Error = Infallible;

    fn required(&self, m: &ModuleVersion) -> Result<Vec<ModuleVersion>, Infallible> {
        Ok(self.requires.get(m).cloned().unwrap_or_default())
    }

    fn max<'a>(&self, _path: &str, v1: &'a str, v2: &'a str) -> &'a str {
        // The main module's version "" ranks above every other version.
        if v2.is_empty() || v1 == mvs::NONE {
            return v2;
        }
        if v1.is_empty() || v2 == mvs::NONE {
            return v1;
        }
        match semver::compare(v1, v2) {
            Ordering::Less => v2,
            _ => v1,
        }
    }
}

fn module_path(index: usize) -> String {
    format!("example.com/org{}/mod{index:05}", index % 97)
}

fn version(slot: usize) -> String {
    format!("v1.{slot}.0")
}

/// Mostly forward edges (a layered, Kubernetes-like shape) with one in
/// twenty pointing backward, so the graph has cycles too.
fn generate() -> Universe {
    let mut rng = Rng::new(0x6d76_7331_306b);
    let mut requires = HashMap::new();
    let pick = |rng: &mut Rng, from: usize| {
        let target = if from + 1 < MODULES && rng.below(20) != 0 {
            from + 1 + rng.below((MODULES - from - 1).min(400))
        } else {
            rng.below(MODULES)
        };
        ModuleVersion::new(module_path(target), version(rng.below(VERSIONS)))
    };
    for index in 0..MODULES {
        for slot in 0..VERSIONS {
            let mut deps: Vec<ModuleVersion> = (0..DEPS).map(|_| pick(&mut rng, index)).collect();
            deps.sort();
            deps.dedup_by(|a, b| a.path == b.path);
            requires.insert(ModuleVersion::new(module_path(index), version(slot)), deps);
        }
    }
    let mut roots: Vec<ModuleVersion> = (0..ROOTS)
        .map(|_| ModuleVersion::new(module_path(rng.below(MODULES / 10)), version(0)))
        .collect();
    roots.sort();
    roots.dedup_by(|a, b| a.path == b.path);
    requires.insert(ModuleVersion::new(MAIN, ""), roots);
    Universe { requires }
}

/// The graph as go.mod files: unpruned (`go 1.16`), so every reachable
/// go.mod is read, as MVS does.
fn go_mod_files(universe: &Universe) -> (String, MemorySource) {
    let render = |path: &str, deps: &[ModuleVersion]| {
        let mut out = format!("module {path}\n\ngo 1.16\n\nrequire (\n");
        for dep in deps {
            writeln!(out, "\t{} {}", dep.path, dep.version)
                .expect("writing to a String cannot fail");
        }
        out.push_str(")\n");
        out
    };
    let mut source = MemorySource::new();
    let mut main = String::new();
    for (m, deps) in &universe.requires {
        if m.version.is_empty() {
            main = render(&m.path, deps);
        } else {
            source.insert(m.clone(), render(&m.path, deps));
        }
    }
    (main, source)
}

/// The `resolve` group.
pub fn bench(c: &mut Criterion) {
    let universe = generate();
    let target = [ModuleVersion::new(MAIN, "")];
    let selected = mvs::build_list(&target, &universe).expect("the synthetic graph resolves");
    let (main_text, source) = go_mod_files(&universe);
    let main =
        gomodx_modfile::parse("go.mod", main_text.as_bytes()).expect("the main go.mod parses");
    let graph = ModuleGraph::load(&main, &source).expect("the synthetic graph loads");
    assert_eq!(
        graph.build_list().iter().filter(|m| m.path != "go").count(),
        selected.len(),
        "cmd/go's graph and plain MVS select the same modules"
    );

    let mut group = c.benchmark_group("resolve");
    group.throughput(Throughput::Elements(universe.requires.len() as u64));
    group.bench_function(format!("mvs_build_list/{MODULES}_modules"), |b| {
        b.iter(|| mvs::build_list(black_box(&target), &universe));
    });
    group.sample_size(10);
    group.bench_function(format!("module_graph_load/{MODULES}_modules"), |b| {
        b.iter(|| ModuleGraph::load(black_box(&main), &source));
    });
    group.finish();
}
