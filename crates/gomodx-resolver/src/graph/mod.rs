//! cmd/go's module graph (`modload.ModuleGraph`): MVS over go.mod files with
//! graph pruning, `exclude`, `replace`, and the virtual `go` and `toolchain`
//! modules.
//!
//! - The main module (version `""`) requires the roots: its go.mod's
//!   requirements minus excluded versions, `go@<go line>` (1.16 without one)
//!   and `toolchain@<name>` when it has a toolchain line, sorted.
//! - A dependency's requirements come from the go.mod of its replacement if
//!   it has one (exact-version replace first, then path-wide; nodes keep the
//!   original `path@version`), minus versions the main module excludes, plus
//!   `go@V` last when its go line V is 1.21 or later. `go@V` (V ≥ 1.21)
//!   requires `toolchain@goV`.
//! - Pruning: a main module at go ≥ 1.17 loads the go.mod of each root but
//!   not of the roots' requirements, unless reached through a module without
//!   pruning (go < 1.17 or no go line), below which everything is loaded.
//!
//! [`GraphLoader`] loads a graph incrementally (for parallel fetching);
//! [`ModuleGraph::load`] is the synchronous form. Outputs:
//! [`ModuleGraph::graph_text`] (`go mod graph`), [`ModuleGraph::list_all`]
//! (`go list -m all`) and [`ModuleGraph::why_text`] (`go mod why -m`, on the
//! module graph).

mod index;
mod load;
mod output;
mod summary;

use std::cmp::Ordering;

use gomodx_modfile::ModFile;
use gomodx_module::{ModuleVersion, gover};

use crate::error::LoadError;
use crate::mvs::{Graph, NONE};
use crate::source::GoModSource;
pub use index::DEFAULT_GO_VERSION;
use index::MainIndex;
pub use load::{GraphLoader, LoadOptions};
pub use output::ListedModule;

/// Whether the graph stops below modules whose go.mod lists everything
/// their packages need (go ≥ 1.17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pruning {
    /// Only the requirements of roots (and of anything reached through an
    /// unpruned module) are loaded.
    Pruned,
    /// The full transitive closure is loaded.
    Unpruned,
    /// A workspace (go.work): the main modules' requirements, what is
    /// reached through unpruned modules, and everything below a dependency
    /// of a main module that is selected at a higher version than required.
    Workspace,
}

impl Pruning {
    /// Go's `pruningForGoVersion`: pruned from go 1.17 on.
    pub fn for_go_version(go_version: &str) -> Self {
        if gover::compare(go_version, summary::PRUNING_VERSION).is_lt() {
            Self::Unpruned
        } else {
            Self::Pruned
        }
    }
}

/// Go's `cmpVersion` for module graphs: `""` (a main module) is highest,
/// otherwise `gover.ModCompare` (semver; Go versions for `go` and
/// `toolchain`; `none` and other invalid versions lowest).
pub fn cmp_version(path: &str, v1: &str, v2: &str) -> Ordering {
    match (v1.is_empty(), v2.is_empty()) {
        (true, true) => Ordering::Equal,
        (_, true) => Ordering::Less,
        (true, _) => Ordering::Greater,
        _ => gover::mod_compare(path, v1, v2),
    }
}

/// The [`Graph`] type behind a [`ModuleGraph`].
pub type GoGraph = Graph<fn(&str, &str, &str) -> Ordering>;

/// A loaded module graph.
#[derive(Debug, Clone)]
pub struct ModuleGraph {
    main: MainIndex,
    pruning: Pruning,
    graph: GoGraph,
    build_list: Vec<ModuleVersion>,
}

impl ModuleGraph {
    /// Loads the graph of the main module `main` (its go.mod, parsed
    /// strictly), reading go.mod files from `source` one at a time.
    pub fn load(main: &ModFile, source: &dyn GoModSource) -> Result<Self, LoadError> {
        Self::load_with(main, source, &LoadOptions::default())
    }

    /// The graph of a workspace whose main modules' go.mod files are
    /// `mains` (in `use` order), whose go.work says `go_version` and
    /// `toolchain`, with the workspace's merged `replace` map.
    pub fn load_workspace(
        mains: &[ModFile],
        go_version: &str,
        toolchain: Option<&str>,
        replace: std::collections::HashMap<ModuleVersion, ModuleVersion>,
        source: &dyn GoModSource,
    ) -> Result<Self, LoadError> {
        let loader = GraphLoader::workspace(mains, go_version, toolchain, replace)?;
        Self::drive(loader, source)
    }

    /// [`ModuleGraph::load`] with options.
    pub fn load_with(
        main: &ModFile,
        source: &dyn GoModSource,
        options: &LoadOptions,
    ) -> Result<Self, LoadError> {
        Self::drive(GraphLoader::new(main, options)?, source)
    }

    /// Feeds `loader` from `source` until it is done.
    fn drive(mut loader: GraphLoader, source: &dyn GoModSource) -> Result<Self, LoadError> {
        loop {
            let wanted = loader.next_requests();
            if wanted.is_empty() {
                break;
            }
            for module in wanted {
                let go_mod = source.go_mod(&module);
                loader.provide(&module, go_mod);
            }
        }
        loader.finish()
    }

    fn new(main: MainIndex, pruning: Pruning, graph: GoGraph) -> Self {
        let build_list = graph.build_list();
        Self {
            main,
            pruning,
            graph,
            build_list,
        }
    }

    /// The requirement lists the load recorded, in order; see
    /// [`GraphLoader::replay`].
    pub fn requirement_log(&self) -> impl Iterator<Item = (&ModuleVersion, Vec<&ModuleVersion>)> {
        self.graph.requirement_log()
    }

    /// The main module (version `""`); in a workspace, the first one used.
    pub fn main_module(&self) -> &ModuleVersion {
        &self.main.module
    }

    /// Every main module (version `""`): the workspace's in `use` order,
    /// else the one main module.
    pub fn main_modules(&self) -> Vec<&ModuleVersion> {
        if self.main.workspace.is_empty() {
            return vec![&self.main.module];
        }
        self.main.workspace.iter().map(|(m, _)| m).collect()
    }

    /// Whether `m` is one of the main modules.
    pub fn is_main(&self, m: &ModuleVersion) -> bool {
        self.main.is_main(m)
    }

    /// Whether this is a workspace's graph.
    pub fn is_workspace(&self) -> bool {
        !self.main.workspace.is_empty()
    }

    /// The main module's go version (its go line, or 1.16).
    pub fn main_go_version(&self) -> &str {
        &self.main.go_version
    }

    /// The roots: what the main module requires in the graph.
    pub fn roots(&self) -> &[ModuleVersion] {
        &self.main.roots
    }

    /// Requirements of the main go.mod left out because the main go.mod
    /// excludes them (Go prints `go: dropping requirement on excluded
    /// version P V` for each).
    pub fn dropped_requirements(&self) -> &[ModuleVersion] {
        &self.main.dropped
    }

    /// The pruning the graph was loaded with.
    pub fn pruning(&self) -> Pruning {
        self.pruning
    }

    /// The build list: the main module, then the selected version of every
    /// other path in the graph (including `go` and `toolchain`) sorted by
    /// path.
    pub fn build_list(&self) -> &[ModuleVersion] {
        &self.build_list
    }

    /// The selected version of `path` (`""` for the main module), or `None`
    /// if the graph does not contain the path.
    pub fn selected(&self, path: &str) -> Option<&str> {
        Some(self.graph.selected(path)).filter(|v| *v != NONE)
    }

    /// The requirements of `m` in the graph, in go.mod order, or `None` if
    /// they were not loaded (pruned out, or `m` is not in the graph).
    pub fn required_by(&self, m: &ModuleVersion) -> Option<Vec<&ModuleVersion>> {
        self.graph.required_by(m)
    }

    /// The module version whose go.mod stands in for `m` (Go's
    /// `Replacement`): exact-version replace first, then path-wide.
    pub fn replacement(&self, m: &ModuleVersion) -> Option<&ModuleVersion> {
        self.main.replacement(m)
    }

    /// Whether every root is the selected version of its path (Go's
    /// `allRootsSelected`). When not, cmd/go would rewrite the requirements
    /// (`go: updates to go.mod needed` in read-only mode) before using them.
    /// A requirement on a version of the main module itself is redundant,
    /// never selected, and dropped by that rewrite without complaint, so it
    /// does not count; a requirement on an excluded version must be
    /// dropped, so it makes the roots inconsistent.
    pub fn roots_consistent(&self) -> bool {
        self.main.dropped.is_empty()
            && self
                .main
                .roots
                .iter()
                .filter(|m| m.path != self.main.module.path)
                .all(|m| self.graph.selected(&m.path) == m.version)
    }

    /// Go's root update under `-mod=mod` for inconsistent roots
    /// (`updateRoots`), as the go.mod it implies: `main` with each
    /// requirement raised to the version the graph selects, the `go` and
    /// `toolchain` lines raised to the selected ones, and requirements on the main module
    /// itself or on excluded versions dropped. `None` when the roots are
    /// consistent. Load the graph of the result again until it is.
    pub fn raised_requirements(&self, main: &ModFile) -> Option<ModFile> {
        let own = self.main.module.path.clone();
        if self.roots_consistent() && self.main.roots.iter().all(|m| m.path != own) {
            return None;
        }
        let mut raised = main.clone();
        let dropped: Vec<String> = raised
            .require
            .iter()
            .filter(|r| r.module.path == own || self.main.is_excluded(&r.module))
            .map(|r| r.module.path.clone())
            .collect();
        for path in &dropped {
            raised.drop_require(path);
        }
        let raises: Vec<(String, String)> = raised
            .require
            .iter()
            .filter_map(|r| {
                let selected = self.selected(&r.module.path)?;
                (selected != r.module.version).then(|| (r.module.path.clone(), selected.to_owned()))
            })
            .collect();
        for (path, version) in raises {
            raised.add_require(&path, &version);
        }
        raised.cleanup();
        if let Some(go) = self.selected("go")
            && gover::compare(go, &self.main.go_version).is_gt()
        {
            // A selected go is a valid go line (it is some go.mod's).
            let _ = raised.set_go(go);
        }
        // A toolchain root below the selected one (an invalid name sorts
        // lowest) is raised like any root.
        if let (Some(root), Some(selected)) = (&main.toolchain, self.selected("toolchain"))
            && gover::mod_compare("toolchain", &root.name, selected).is_lt()
        {
            let _ = raised.set_toolchain(selected);
        }
        // Roots this cannot fix (an invalid toolchain line) end the rounds.
        (raised != *main).then_some(raised)
    }

    /// What go's `-mod=mod` makes of a main go.mod without a `go` line
    /// (`loadModFile`: `addGoStmt`, then `convertPruning` to a pruned
    /// graph, written by `UpdateGoModFromReqs`): `main` (whose unpruned
    /// graph this is) with the `go` line of the selected `go` (at least
    /// `go_version`, the go release gomodx stands for) and the whole build
    /// list as its requirements, in at most two blocks, `// indirect` unless
    /// `main` requires the path without it. Finish with
    /// [`ModFile::cleanup`].
    pub fn converted_to_pruned(&self, main: &ModFile, go_version: &str) -> ModFile {
        let mut converted = main.clone();
        let go = match self.selected("go") {
            Some(go) if gover::compare(go, go_version).is_gt() => go,
            _ => go_version,
        };
        // A selected go is a valid go line (it is some go.mod's).
        let _ = converted.set_go(go);
        let direct = |path: &str| {
            main.require
                .iter()
                .any(|r| r.module.path == path && !r.indirect && !self.main.is_excluded(&r.module))
        };
        let roots: Vec<(ModuleVersion, bool)> = self
            .build_list
            .iter()
            .filter(|m| !self.is_main(m) && m.path != "go" && m.path != "toolchain")
            .map(|m| (m.clone(), !direct(&m.path)))
            .collect();
        converted.set_require_at_most_two(&roots);
        converted
    }

    /// The underlying graph (every module version reached, edges in
    /// requirement order), e.g. for its petgraph view.
    pub fn graph(&self) -> &GoGraph {
        &self.graph
    }
}
