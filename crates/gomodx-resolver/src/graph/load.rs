//! Loading the module graph (Go's `readModGraph`) as a state machine that
//! says which go.mod files it needs next, so a fetch layer can get them all
//! in parallel and feed them back in any order.
//!
//! ```ignore
//! let mut loader = GraphLoader::new(&main_mod_file, &LoadOptions::default())?;
//! loop {
//!     let wanted = loader.next_requests();
//!     // start fetching `wanted` (all in parallel) …
//!     if wanted.is_empty() && loader.is_complete() { break; }
//!     let (module, result) = /* the next finished fetch */;
//!     loader.provide(&module, result);
//! }
//! let graph = loader.finish()?;
//! ```

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use gomodx_modfile::ModFile;
use gomodx_module::{ModuleVersion, is_toolchain_path};

use super::index::MainIndex;
use super::summary::Summary;
use super::{GoGraph, ModuleGraph, Pruning, cmp_version};
use crate::error::{BuildListError, GoModError, LoadError, SourceError};
use crate::mvs::{Graph, NONE};
use crate::source::GoModFile;

/// How to load the graph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Load the graph as this go version would (`go mod graph -go=V`): below
    /// 1.17 the graph is unpruned. Refused when the main go line is 1.21 or
    /// later and higher than V.
    pub go_version: Option<String>,
}

/// A graph node's go.mod, once known.
#[derive(Debug)]
enum NodeState {
    Loaded(Arc<Summary>),
    Failed(GoModError),
}

/// What loading one node gave.
enum Step {
    Ready(Arc<Summary>),
    Failed,
    /// The go.mod of this module version (the node's replacement, or the
    /// node itself) is needed first.
    Pending(ModuleVersion),
}

/// The module graph being loaded; see the module docs for the protocol.
#[derive(Debug)]
pub struct GraphLoader {
    main: MainIndex,
    pruning: Pruning,
    graph: GoGraph,
    /// (node, pruning) pairs already scheduled.
    enqueued: HashSet<(ModuleVersion, Pruning)>,
    /// Graph nodes whose go.mod was consulted.
    nodes: HashMap<ModuleVersion, NodeState>,
    /// go.mod files read, by the module version read.
    read: HashMap<ModuleVersion, Result<Arc<Summary>, GoModError>>,
    /// Needed go.mod files not yet provided, with the nodes waiting on each.
    waiting: HashMap<ModuleVersion, Vec<(ModuleVersion, Pruning)>>,
    /// Needed go.mod files not yet handed out by `next_requests`, in order.
    unrequested: Vec<ModuleVersion>,
    /// In a workspace: the paths whose selected version's requirements
    /// must all be loaded (Go's `hasDepsInAll`), and the versions so
    /// loaded.
    deps_in_all: HashSet<String>,
    reloaded: HashSet<ModuleVersion>,
}

impl GraphLoader {
    /// Starts loading the graph of the main module `main` (its go.mod,
    /// parsed strictly): the roots are scheduled, and [`Self::next_requests`]
    /// names their go.mod files.
    pub fn new(main: &ModFile, options: &LoadOptions) -> Result<Self, LoadError> {
        let main = MainIndex::new(main)?;
        let pruning = match &options.go_version {
            Some(requested) => main.pruning_for_requested(requested)?,
            None => main.pruning(),
        };
        let mut graph = Graph::new(
            cmp_version as fn(&str, &str, &str) -> std::cmp::Ordering,
            [main.module.clone()],
        );
        graph.require(&main.module, &main.roots);
        Ok(Self::start(main, pruning, graph))
    }

    /// Starts loading the graph of a workspace; see
    /// [`ModuleGraph::load_workspace`].
    pub fn workspace(
        mains: &[ModFile],
        go_version: &str,
        toolchain: Option<&str>,
        replace: HashMap<ModuleVersion, ModuleVersion>,
    ) -> Result<Self, LoadError> {
        let main = MainIndex::workspace(mains, go_version, toolchain, replace)?;
        let graph = Graph::new(
            cmp_version as fn(&str, &str, &str) -> std::cmp::Ordering,
            main.roots.clone(),
        );
        Ok(Self::start(main, Pruning::Workspace, graph))
    }

    /// Schedules the roots and loads what needs no go.mod.
    fn start(main: MainIndex, pruning: Pruning, graph: GoGraph) -> Self {
        let mut loader = Self {
            main,
            pruning,
            graph,
            enqueued: HashSet::new(),
            nodes: HashMap::new(),
            read: HashMap::new(),
            waiting: HashMap::new(),
            unrequested: Vec::new(),
            deps_in_all: HashSet::new(),
            reloaded: HashSet::new(),
        };
        // A workspace's main modules are nodes whose requirements come from
        // their go.mod files, as any dependency's (Go's `summaryFromModFile`).
        for (m, mod_file) in loader.main.workspace.clone() {
            let file = GoModFile::with_name("go.mod", mod_file.format().into_bytes());
            let summary = Summary::read(&m, Ok(file))
                .and_then(|raw| Summary::for_node(&raw, &m, &m, &loader.main));
            match summary {
                Ok(summary) => {
                    loader.graph.require(&m, &summary.require);
                    loader.nodes.insert(m, NodeState::Loaded(summary));
                }
                Err(err) => {
                    loader.nodes.insert(m, NodeState::Failed(err));
                }
            }
        }
        let mut work = VecDeque::new();
        for root in loader.main.roots.clone() {
            loader.deps_in_all.insert(root.path.clone());
            loader.enqueue(root, pruning, &mut work);
        }
        loader.run(work);
        loader.settle();
        loader
    }

    /// In a workspace, once nothing is pending: Go's reloading of the
    /// dependencies of main modules selected above the version required,
    /// at workspace pruning, until no more are needed.
    fn settle(&mut self) {
        while self.pruning == Pruning::Workspace && self.waiting.is_empty() {
            let mut needed = Vec::new();
            for path in &self.deps_in_all {
                let selected = ModuleVersion::new(path.clone(), self.graph.selected(path));
                if !self.reloaded.contains(&selected) {
                    needed.push(selected);
                    continue;
                }
                for r in self.graph.required_by(&selected).unwrap_or_default() {
                    let s = ModuleVersion::new(r.path.clone(), self.graph.selected(&r.path));
                    if cmp_version(&r.path, &s.version, &r.version).is_gt()
                        && !self.reloaded.contains(&s)
                    {
                        needed.push(s);
                    }
                }
            }
            if needed.is_empty() {
                return;
            }
            needed.sort();
            needed.dedup();
            let mut work = VecDeque::new();
            for m in needed {
                self.deps_in_all.insert(m.path.clone());
                self.reloaded.insert(m.clone());
                self.enqueue(m, Pruning::Workspace, &mut work);
            }
            self.run(work);
        }
    }

    /// The go.mod files needed that were not asked for before, in the order
    /// they became needed. Each is a module version to read (a replacement
    /// when the required module is replaced; see [`crate::GoModSource`]).
    pub fn next_requests(&mut self) -> Vec<ModuleVersion> {
        std::mem::take(&mut self.unrequested)
    }

    /// How many needed go.mod files have not been provided yet.
    pub fn pending(&self) -> usize {
        self.waiting.len()
    }

    /// Whether every needed go.mod was provided: [`Self::finish`] can run.
    pub fn is_complete(&self) -> bool {
        self.waiting.is_empty()
    }

    /// Feeds in the go.mod of `module` (one of the requests), or why it could
    /// not be had. Loading continues at once, possibly needing more files.
    /// Returns `false` (and changes nothing) if `module` was not needed.
    pub fn provide(
        &mut self,
        module: &ModuleVersion,
        go_mod: Result<GoModFile, SourceError>,
    ) -> bool {
        let Some(nodes) = self.waiting.remove(module) else {
            return false;
        };
        self.unrequested.retain(|m| m != module);
        self.read
            .insert(module.clone(), Summary::read(module, go_mod));
        self.run(nodes.into());
        self.settle();
        true
    }

    /// The loaded graph, or the shortest requirement path to a go.mod that
    /// could not be loaded (Go's `mvs.BuildListError`).
    pub fn finish(self) -> Result<ModuleGraph, LoadError> {
        match self.finish_partial()? {
            (graph, None) => Ok(graph),
            (_, Some(err)) => Err(err),
        }
    }

    /// [`Self::finish`], but when a go.mod could not be loaded, the graph
    /// as far as it loaded (that module without requirements) comes with
    /// the error, as go's `readModGraph` returns it (`go list -m all` lists
    /// its build list before reporting the error).
    pub fn finish_partial(mut self) -> Result<(ModuleGraph, Option<LoadError>), LoadError> {
        if !self.waiting.is_empty() {
            let mut missing: Vec<ModuleVersion> = self.waiting.into_keys().collect();
            missing.sort();
            return Err(LoadError::Incomplete(missing));
        }
        let failed = |m: &ModuleVersion| matches!(self.nodes.get(m), Some(NodeState::Failed(_)));
        if let Some(path) = self.graph.find_path(failed) {
            let last = &path[path.len() - 1];
            let Some(NodeState::Failed(err)) = self.nodes.remove(last) else {
                unreachable!("find_path stopped at a failed node");
            };
            let err = LoadError::BuildList(Box::new(BuildListError::new(err, &path, |_, _| false)));
            let graph = ModuleGraph::new(self.main, self.pruning, self.graph);
            return Ok((graph, Some(err)));
        }
        Ok((ModuleGraph::new(self.main, self.pruning, self.graph), None))
    }

    /// What, besides the go.mod files it is fed, decides the graph this
    /// loader builds (the main module or workspace as indexed, the pruning
    /// and the resolver's version): two loaders with equal fingerprints fed
    /// the same go.mod files build the same graph.
    pub fn fingerprint(&self) -> String {
        format!(
            "gomodx-resolver {}\n{:?}\n{}",
            env!("CARGO_PKG_VERSION"),
            self.pruning,
            self.main.fingerprint()
        )
    }

    /// The graph this loader builds when fed the go.mod files that a load
    /// with the same [`fingerprint`](Self::fingerprint) was fed, from that
    /// load's [`ModuleGraph::requirement_log`]: no go.mod is read. `None`
    /// when the log does not fit this loader's roots.
    pub fn replay<'a, R>(
        &self,
        log: impl IntoIterator<Item = (&'a ModuleVersion, R)>,
    ) -> Option<ModuleGraph>
    where
        R: IntoIterator<Item = &'a ModuleVersion>,
    {
        let mut graph = Graph::new(
            cmp_version as fn(&str, &str, &str) -> std::cmp::Ordering,
            self.graph.roots().cloned(),
        );
        for (m, reqs) in log {
            graph.try_require(m, reqs).ok()?;
        }
        Some(ModuleGraph::new(self.main.clone(), self.pruning, graph))
    }

    /// Schedules `m` to be loaded in mode `pruning`, once.
    fn enqueue(
        &mut self,
        m: ModuleVersion,
        pruning: Pruning,
        work: &mut VecDeque<(ModuleVersion, Pruning)>,
    ) {
        if m.version != NONE && self.enqueued.insert((m.clone(), pruning)) {
            work.push_back((m, pruning));
        }
    }

    /// Loads scheduled nodes until every remaining one waits for a go.mod.
    fn run(&mut self, mut work: VecDeque<(ModuleVersion, Pruning)>) {
        while let Some((m, pruning)) = work.pop_front() {
            let summary = match self.load_one(&m) {
                Step::Ready(summary) => summary,
                Step::Failed => continue,
                Step::Pending(actual) => {
                    let waiters = self.waiting.entry(actual).or_insert_with_key(|actual| {
                        self.unrequested.push(actual.clone());
                        Vec::new()
                    });
                    waiters.push((m, pruning));
                    continue;
                }
            };
            // Below a module without pruning (or in an unpruned graph)
            // everything is loaded; below a pruned one, nothing is; a
            // module loaded at workspace pruning has its requirements
            // loaded at their own pruning.
            let next = if pruning == Pruning::Unpruned {
                Pruning::Unpruned
            } else {
                summary.pruning
            };
            if pruning != Pruning::Pruned || summary.pruning == Pruning::Unpruned {
                for r in &summary.require {
                    self.enqueue(r.clone(), next, &mut work);
                }
            }
        }
    }

    /// Records the requirements of node `m` if its go.mod is known.
    fn load_one(&mut self, m: &ModuleVersion) -> Step {
        match self.nodes.get(m) {
            Some(NodeState::Loaded(summary)) => return Step::Ready(Arc::clone(summary)),
            Some(NodeState::Failed(_)) => return Step::Failed,
            None => {}
        }
        let result = if is_toolchain_path(&m.path) {
            Ok(Arc::new(Summary::virtual_module(m)))
        } else {
            let actual = self.main.resolve(m);
            match self.read.get(actual) {
                None => return Step::Pending(actual.clone()),
                Some(Err(err)) => Err(err.clone()),
                Some(Ok(raw)) => Summary::for_node(raw, m, actual, &self.main),
            }
        };
        match result {
            Ok(summary) => {
                self.graph.require(m, &summary.require);
                self.nodes
                    .insert(m.clone(), NodeState::Loaded(Arc::clone(&summary)));
                Step::Ready(summary)
            }
            Err(err) => {
                self.nodes.insert(m.clone(), NodeState::Failed(err));
                Step::Failed
            }
        }
    }
}
