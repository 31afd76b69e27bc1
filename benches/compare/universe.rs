//! The universes the harness runs on: their shapes, the choice of seed, the
//! placement of padding, and the measurements that the physical bound needs.
//!
//! Shapes come from the testkit's [`Universe`]. Padding is placed here, not
//! by the testkit's `zip_bytes_total` (which spreads it over every version,
//! most of which `download all` never fetches): only the zips of the build
//! list get padding, so the bytes a cold `download all` must move are what
//! the shape says. The build list and the critical path come from gomodx's
//! resolver run on the universe in memory, and are checked against the
//! go.mod the testkit writes.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::ops::RangeInclusive;
use std::path::Path;

use anyhow::{Context, Result, bail, ensure};
use gomodx_module::{ModuleVersion, is_toolchain_path};
use gomodx_resolver::{GraphLoader, LoadOptions, MemorySource, ModuleGraph};
use gomodx_test::universe::Universe;
use gomodx_test::{ProxyTree, UniverseConfig};

use crate::cli::SizeArg;

/// Go refuses zips (and zip contents) over 500 MiB; stay below with room for
/// the module's small files.
const MAX_PADDING: u64 = 480 << 20;

/// How a universe of one size is made.
#[derive(Debug, Clone)]
pub struct Shape {
    /// `small`, `medium`, `large`, `xl`, `xxl` or `huge`.
    pub name: &'static str,
    /// Dependency modules.
    pub modules: usize,
    /// Most versions per module.
    pub max_versions: usize,
    /// Most requirements per go.mod.
    pub max_deps: usize,
    /// Padding bytes spread over the build list's zips.
    pub zip_bytes: u64,
    /// Put all padding into one zip (the memory check).
    pub one_zip: bool,
    /// Seeds tried; the one with the deepest critical path wins.
    pub seeds: RangeInclusive<u64>,
}

impl Shape {
    /// The shapes a `--size` choice runs, in order.
    pub fn for_size(size: SizeArg) -> Vec<Shape> {
        let small = Shape {
            name: "small",
            modules: 20,
            max_versions: 3,
            max_deps: 3,
            zip_bytes: 10_000_000,
            one_zip: false,
            seeds: 1..=16,
        };
        let medium = Shape {
            name: "medium",
            modules: 100,
            max_versions: 4,
            max_deps: 4,
            zip_bytes: 60_000_000,
            one_zip: false,
            seeds: 1..=16,
        };
        let large = Shape {
            name: "large",
            modules: 400,
            max_versions: 4,
            max_deps: 5,
            zip_bytes: 250_000_000,
            one_zip: false,
            seeds: 1..=32,
        };
        let xl = Shape {
            name: "xl",
            modules: 1_000,
            max_versions: 4,
            max_deps: 5,
            zip_bytes: 400_000_000,
            one_zip: false,
            seeds: 1..=4,
        };
        let xxl = Shape {
            name: "xxl",
            modules: 5_000,
            max_versions: 3,
            max_deps: 5,
            zip_bytes: 1_000_000_000,
            one_zip: false,
            seeds: 1..=2,
        };
        let huge = Shape {
            name: "huge",
            modules: 6,
            max_versions: 2,
            max_deps: 2,
            zip_bytes: 500_000_000,
            one_zip: true,
            seeds: 1..=4,
        };
        match size {
            SizeArg::Small => vec![small],
            SizeArg::Medium => vec![medium],
            SizeArg::Large => vec![large],
            SizeArg::All => vec![small, medium, large],
            SizeArg::Xl => vec![xl],
            SizeArg::Xxl => vec![xxl],
            SizeArg::Huge => vec![huge],
        }
    }

    fn config(&self, seed: u64) -> UniverseConfig {
        UniverseConfig {
            seed,
            modules: self.modules,
            max_versions: self.max_versions,
            max_deps: self.max_deps,
            zip_bytes_total: 0,
        }
    }
}

/// A universe written to disk, with what the report says about it.
pub struct Prepared {
    /// The shape it was made from.
    pub shape: Shape,
    /// The seed chosen.
    pub seed: u64,
    /// The GOPROXY tree.
    pub tree: ProxyTree,
    /// The main module's directory (go.mod, go.sum, main.go).
    pub main_dir: std::path::PathBuf,
    /// Whether the main module is unpruned (go 1.16).
    pub unpruned: bool,
    /// Module versions in the proxy tree.
    pub tree_versions: usize,
    /// Modules in the build list (the main module, `go` and `toolchain`
    /// not counted).
    pub build_list: usize,
    /// Padding bytes placed into the build list's zips.
    pub padding: u64,
    /// Rounds of go.mod fetches an ideal client needs: each round's files
    /// are named only by files of the round before.
    pub load_rounds: usize,
    /// Longest shortest requirement chain from the main module.
    pub requirement_depth: usize,
    /// Request round trips on the critical path of a cold `download all`:
    /// the go.mod rounds, then one for the build list's `.info`/`.zip`.
    pub critical_path: usize,
    /// The module `why -m` asks about: the end of the longest import chain.
    pub why_module: String,
}

/// What the resolver says about one universe.
struct Analysis {
    graph: ModuleGraph,
    load_rounds: usize,
}

/// Picks the seed, places the padding and writes the tree and main module
/// under `dir`.
pub fn prepare(shape: &Shape, dir: &Path) -> Result<Prepared> {
    let mut best: Option<(u64, Universe, Analysis, usize)> = None;
    for seed in shape.seeds.clone() {
        let universe = Universe::generate(shape.config(seed));
        let analysis = analyse(&universe, &main_go_mod(&universe))
            .with_context(|| format!("resolving the {} universe of seed {seed}", shape.name))?;
        let depth = requirement_depth(&analysis.graph);
        let better = best.as_ref().is_none_or(|(_, _, old, old_depth)| {
            (analysis.load_rounds, depth) > (old.load_rounds, *old_depth)
        });
        if better {
            best = Some((seed, universe, analysis, depth));
        }
    }
    let (seed, mut universe, analysis, requirement_depth) =
        best.context("the shape has no seeds")?;
    let downloads = downloads(&universe, &analysis.graph)?;
    let padding = place_padding(&mut universe, &downloads, shape);
    let why_module = why_module(&universe, &analysis.graph)?;

    let tree = universe
        .write_proxy_tree(&dir.join("proxy"))
        .context("writing the proxy tree")?;
    let main_dir = dir.join("main");
    universe
        .write_main_module(&main_dir, &tree)
        .context("writing the main module")?;
    let written = std::fs::read_to_string(main_dir.join("go.mod")).context("reading go.mod")?;
    let check = analyse(&universe, &written)?;
    ensure!(
        check.graph.build_list() == analysis.graph.build_list(),
        "the testkit's go.mod selects another build list than the harness computed"
    );
    Ok(Prepared {
        shape: shape.clone(),
        seed,
        tree_versions: tree.modules.len(),
        tree,
        main_dir,
        unpruned: universe.unpruned_main,
        build_list: downloads.len(),
        padding,
        load_rounds: analysis.load_rounds,
        requirement_depth,
        critical_path: analysis.load_rounds + 1,
        why_module,
    })
}

/// The main go.mod as the testkit writes it (same directives; comments and
/// block layout do not matter to the resolver).
fn main_go_mod(universe: &Universe) -> String {
    let main = &universe.main;
    let path = |index: usize| universe.modules[index].path.as_str();
    let mut out = format!("module {}\n\ngo {}\n", main.path, main.go);
    let mut line = |text: String| writeln!(out, "{text}").expect("writing to a String");
    for require in &main.requires {
        line(format!(
            "require {} {}",
            path(require.module),
            require.version
        ));
    }
    for (module, version) in &main.excludes {
        line(format!("exclude {} {version}", path(*module)));
    }
    for replace in &main.replaces {
        let old = match &replace.version {
            Some(version) => format!("{} {version}", path(replace.module)),
            None => path(replace.module).to_owned(),
        };
        let new = format!("{} {}", path(replace.with_module), replace.with_version);
        line(format!("replace {old} => {new}"));
    }
    out
}

/// Loads the module graph in rounds, as an ideal parallel client would.
fn analyse(universe: &Universe, main_go_mod: &str) -> Result<Analysis> {
    let main = gomodx_modfile::parse("go.mod", main_go_mod.as_bytes())
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    let mut source = MemorySource::new();
    for (index, module) in universe.modules.iter().enumerate() {
        for version in &module.versions {
            let id = ModuleVersion::new(module.path.clone(), version.version.clone());
            source.insert(id, universe.go_mod(index, version));
        }
    }
    let mut loader = GraphLoader::new(&main, &LoadOptions::default())?;
    let mut load_rounds = 0;
    loop {
        let round = loader.next_requests();
        if round.is_empty() {
            break;
        }
        load_rounds += 1;
        for module in round {
            let go_mod = gomodx_resolver::GoModSource::go_mod(&source, &module);
            loader.provide(&module, go_mod);
        }
    }
    let graph = loader.finish()?;
    Ok(Analysis { graph, load_rounds })
}

/// The longest of the shortest requirement chains from the main module to
/// each module of the build list (in edges).
fn requirement_depth(graph: &ModuleGraph) -> usize {
    graph
        .build_list()
        .iter()
        .skip(1)
        .filter_map(|m| graph.why_path(&m.path))
        .map(|path| path.len().saturating_sub(1))
        .max()
        .unwrap_or(0)
}

/// A zip that `download all` fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Download {
    /// Index of the module in the universe.
    module: usize,
    /// Index of the version in the module.
    version: usize,
    /// Whether it is fetched as a replacement (`go mod verify` skips those).
    replacement: bool,
}

/// Every zip `download all` fetches: each build-list module's, or its
/// replacement's.
fn downloads(universe: &Universe, graph: &ModuleGraph) -> Result<Vec<Download>> {
    let index: HashMap<(&str, &str), (usize, usize)> =
        universe
            .modules
            .iter()
            .enumerate()
            .flat_map(|(m, module)| {
                module.versions.iter().enumerate().map(move |(v, version)| {
                    ((module.path.as_str(), version.version.as_str()), (m, v))
                })
            })
            .collect();
    let main = graph.main_module();
    let mut out = Vec::new();
    for m in graph.build_list() {
        if m == main || is_toolchain_path(&m.path) {
            continue;
        }
        let replacement = graph.replacement(m);
        let fetched = replacement.unwrap_or(m);
        match index.get(&(fetched.path.as_str(), fetched.version.as_str())) {
            Some(&(module, version)) => out.push(Download {
                module,
                version,
                replacement: replacement.is_some(),
            }),
            None => bail!("{fetched} is in the build list but not in the universe"),
        }
    }
    out.sort_unstable();
    out.dedup_by_key(|d| (d.module, d.version));
    Ok(out)
}

/// Clears all padding, then spreads `shape.zip_bytes` over the `downloads`
/// zips (deterministic weights), or puts it all into the first one that is
/// not a replacement (so `verify` covers it too); returns the bytes placed.
fn place_padding(universe: &mut Universe, downloads: &[Download], shape: &Shape) -> u64 {
    for version in universe
        .modules
        .iter_mut()
        .flat_map(|m| m.versions.iter_mut())
    {
        version.padding = 0;
    }
    let weights: Vec<u64> = if shape.one_zip {
        let chosen = downloads.iter().position(|d| !d.replacement).unwrap_or(0);
        (0..downloads.len())
            .map(|i| u64::from(i == chosen))
            .collect()
    } else {
        // 1..=16 from a hash of the position: uneven sizes, like real modules.
        (0..downloads.len() as u64)
            .map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60) + 1)
            .collect()
    };
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let mut placed = 0;
    for (download, weight) in downloads.iter().zip(weights) {
        let share =
            u64::try_from(u128::from(shape.zip_bytes) * u128::from(weight) / u128::from(sum))
                .expect("a share is at most the total")
                .min(MAX_PADDING);
        universe.modules[download.module].versions[download.version].padding = share;
        placed += share;
    }
    placed
}

/// The module at the end of the longest import chain from the main
/// package (breadth-first over the selected versions' imports).
fn why_module(universe: &Universe, graph: &ModuleGraph) -> Result<String> {
    let selected = |index: usize| {
        let module = &universe.modules[index];
        let version = graph.selected(&module.path)?;
        module.versions.iter().find(|v| v.version == version)
    };
    let replaced: Vec<usize> = universe.main.replaces.iter().map(|r| r.module).collect();
    let mut distance: HashMap<usize, usize> = HashMap::new();
    let mut queue: VecDeque<usize> = VecDeque::new();
    for require in universe.main.requires.iter().filter(|r| r.direct) {
        if distance.insert(require.module, 1).is_none() {
            queue.push_back(require.module);
        }
    }
    while let Some(index) = queue.pop_front() {
        // A replaced module's code is its replacement's: stop there.
        if replaced.contains(&index) {
            continue;
        }
        let Some(version) = selected(index) else {
            continue;
        };
        let next = distance[&index] + 1;
        for require in version.requires.iter().filter(|r| r.imported) {
            if let std::collections::hash_map::Entry::Vacant(entry) = distance.entry(require.module)
            {
                entry.insert(next);
                queue.push_back(require.module);
            }
        }
    }
    let deepest = distance
        .iter()
        .max_by_key(|&(&index, &d)| (d, std::cmp::Reverse(index)))
        .map(|(&index, _)| index)
        .context("the main package imports nothing")?;
    Ok(universe.modules[deepest].path.clone())
}
