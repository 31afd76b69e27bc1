//! Go's incremental MVS graph (`mvs.Graph`), held in a petgraph
//! [`DiGraph`]: the caller pushes each module's requirements in, and the
//! graph keeps the highest version seen for every path.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet, VecDeque};

use gomodx_module::ModuleVersion;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap;

use super::NONE;

/// A requirement graph with minimal version selection.
///
/// Nodes are module versions (every version reached, selected or not);
/// an edge `m → r` with weight `i` says that `r` is the `i`-th requirement
/// of `m`, so requirement lists keep their order. `C` compares two versions
/// of one path (`cmp(path, v1, v2)`); `"none"` must be lowest.
#[derive(Debug, Clone)]
pub struct Graph<C> {
    cmp: C,
    graph: DiGraph<ModuleVersion, usize>,
    nodes: FxHashMap<ModuleVersion, NodeIndex>,
    roots: Vec<NodeIndex>,
    /// Indexed by node: whether [`Graph::require`] was called for it.
    loaded: Vec<bool>,
    /// The nodes [`Graph::require`] was called for, in call order.
    required: Vec<NodeIndex>,
    selected: FxHashMap<String, String>,
}

impl<C: Fn(&str, &str, &str) -> Ordering> Graph<C> {
    /// A graph holding only `roots` (duplicates and several versions of one
    /// path are allowed), comparing versions with `cmp`.
    pub fn new(cmp: C, roots: impl IntoIterator<Item = ModuleVersion>) -> Self {
        let mut graph = Self {
            cmp,
            graph: DiGraph::new(),
            nodes: FxHashMap::default(),
            roots: Vec::new(),
            loaded: Vec::new(),
            required: Vec::new(),
            selected: FxHashMap::default(),
        };
        for root in roots {
            let node = graph.intern(&root);
            graph.roots.push(node);
            graph.select(&root);
        }
        graph
    }

    /// Records that `m` requires `reqs`, in that order.
    ///
    /// # Panics
    ///
    /// If `m` is not reachable from a root, or its requirements were already
    /// recorded (both are bugs in the caller, as in Go).
    pub fn require<'a>(
        &mut self,
        m: &ModuleVersion,
        reqs: impl IntoIterator<Item = &'a ModuleVersion>,
    ) {
        if let Err(err) = self.try_require(m, reqs) {
            panic!("{err}");
        }
    }

    /// [`Graph::require`], with an error instead of a panic (for
    /// requirement lists replayed from outside, see
    /// [`Graph::requirement_log`]).
    pub fn try_require<'a>(
        &mut self,
        m: &ModuleVersion,
        reqs: impl IntoIterator<Item = &'a ModuleVersion>,
    ) -> Result<(), String> {
        let Some(&from) = self.nodes.get(m) else {
            return Err(format!("{m} is not reachable from any root"));
        };
        if self.loaded[from.index()] {
            return Err(format!("requirements of {m} have already been set"));
        }
        self.loaded[from.index()] = true;
        self.required.push(from);
        for (i, dep) in reqs.into_iter().enumerate() {
            let to = self.intern(dep);
            self.graph.add_edge(from, to, i);
            self.select(dep);
        }
        Ok(())
    }

    fn intern(&mut self, m: &ModuleVersion) -> NodeIndex {
        if let Some(&node) = self.nodes.get(m) {
            return node;
        }
        let node = self.graph.add_node(m.clone());
        self.nodes.insert(m.clone(), node);
        self.loaded.push(false);
        node
    }

    fn select(&mut self, m: &ModuleVersion) {
        if (self.cmp)(&m.path, self.selected(&m.path), &m.version) == Ordering::Less {
            self.selected.insert(m.path.clone(), m.version.clone());
        }
    }
}

impl<C> Graph<C> {
    /// The selected version of `path`, or `"none"`.
    pub fn selected(&self, path: &str) -> &str {
        self.selected.get(path).map_or(NONE, String::as_str)
    }

    /// The roots, in the order given to [`Graph::new`].
    pub fn roots(&self) -> impl Iterator<Item = &ModuleVersion> {
        self.roots.iter().map(|&node| &self.graph[node])
    }

    /// Whether `m` was reached (as a root or a requirement).
    pub fn contains(&self, m: &ModuleVersion) -> bool {
        self.nodes.contains_key(m)
    }

    /// The requirements recorded for `m`, in order, or `None` when they
    /// were not (yet) recorded, e.g. because the graph was pruned there.
    pub fn required_by(&self, m: &ModuleVersion) -> Option<Vec<&ModuleVersion>> {
        let &node = self.nodes.get(m)?;
        self.loaded[node.index()].then(|| self.requirements(node).map(|r| &self.graph[r]).collect())
    }

    /// Every [`Graph::require`] call so far, in call order: replayed on a
    /// new graph with the same roots, they rebuild this graph exactly (node
    /// order included).
    pub fn requirement_log(&self) -> impl Iterator<Item = (&ModuleVersion, Vec<&ModuleVersion>)> {
        self.required.iter().map(|&node| {
            let reqs = self.requirements(node).map(|r| &self.graph[r]).collect();
            (&self.graph[node], reqs)
        })
    }

    /// Requirement targets of `node`, in recorded order.
    fn requirements(&self, node: NodeIndex) -> impl Iterator<Item = NodeIndex> + use<'_, C> {
        let mut edges: Vec<(usize, NodeIndex)> = self
            .graph
            .edges(node)
            .map(|e| (*e.weight(), e.target()))
            .collect();
        edges.sort_unstable();
        edges.into_iter().map(|(_, target)| target)
    }

    /// The selected versions of every path in the graph: first those of the
    /// roots (in root order, each path once, skipping `none`), then the rest
    /// sorted by path (Go's `gover.ModSort`).
    pub fn build_list(&self) -> Vec<ModuleVersion> {
        let mut seen_root = HashSet::new();
        let mut list = Vec::new();
        for root in self.roots() {
            if !seen_root.insert(root.path.as_str()) {
                continue;
            }
            let version = self.selected(&root.path);
            if version != NONE {
                list.push(ModuleVersion::new(root.path.clone(), version));
            }
        }
        let mut rest: Vec<ModuleVersion> = self
            .selected
            .iter()
            .filter(|(path, _)| !seen_root.contains(path.as_str()))
            .map(|(path, version)| ModuleVersion::new(path.clone(), version.clone()))
            .collect();
        rest.sort();
        list.extend(rest);
        list
    }

    /// Calls `f` once for every module version other than `none` in the
    /// graph, breadth-first from the roots, following requirements in
    /// recorded order.
    pub fn walk_breadth_first<'a>(&'a self, mut f: impl FnMut(&'a ModuleVersion)) {
        let mut enqueued = HashSet::new();
        let mut queue = VecDeque::new();
        for &root in &self.roots {
            if self.graph[root].version != NONE {
                enqueued.insert(root);
                queue.push_back(root);
            }
        }
        while let Some(node) = queue.pop_front() {
            f(&self.graph[node]);
            for r in self.requirements(node) {
                if self.graph[r].version != NONE && enqueued.insert(r) {
                    queue.push_back(r);
                }
            }
        }
    }

    /// A shortest requirement path from a root to a module version for
    /// which `f` is true, or `None`. Ties go to the path found first
    /// breadth-first (roots in order, requirements in recorded order).
    pub fn find_path(
        &self,
        mut f: impl FnMut(&ModuleVersion) -> bool,
    ) -> Option<Vec<ModuleVersion>> {
        let mut first_required_by: HashMap<NodeIndex, Option<NodeIndex>> = HashMap::new();
        let mut queue = VecDeque::new();
        for &root in &self.roots {
            first_required_by.insert(root, None);
            queue.push_back(root);
        }
        while let Some(node) = queue.pop_front() {
            if f(&self.graph[node]) {
                let mut path = vec![self.graph[node].clone()];
                let mut at = node;
                while let Some(&Some(parent)) = first_required_by.get(&at) {
                    path.push(self.graph[parent].clone());
                    at = parent;
                }
                path.reverse();
                return Some(path);
            }
            for r in self.requirements(node) {
                first_required_by.entry(r).or_insert_with(|| {
                    queue.push_back(r);
                    Some(node)
                });
            }
        }
        None
    }

    /// The underlying petgraph graph: one node per module version reached,
    /// edge weights giving each requirement's position in its list.
    pub fn as_petgraph(&self) -> &DiGraph<ModuleVersion, usize> {
        &self.graph
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mv(s: &str) -> ModuleVersion {
        ModuleVersion::new(&s[..1], &s[1..])
    }

    fn cmp(_: &str, a: &str, b: &str) -> Ordering {
        match (a, b) {
            _ if a == b => Ordering::Equal,
            ("none", _) | (_, "") => Ordering::Less,
            (_, "none") | ("", _) => Ordering::Greater,
            _ => a.cmp(b),
        }
    }

    #[test]
    fn selects_the_maximum_and_keeps_requirement_order() {
        let mut g = Graph::new(cmp, [mv("A")]);
        g.require(&mv("A"), &[mv("C1"), mv("B2"), mv("C2")]);
        g.require(&mv("C1"), &[mv("B3"), mv("Dnone")]);
        assert_eq!(g.selected("B"), "3");
        assert_eq!(g.selected("D"), "none");
        assert_eq!(g.build_list(), vec![mv("A"), mv("B3"), mv("C2")]);
        let reqs: Vec<_> = g
            .required_by(&mv("A"))
            .unwrap()
            .into_iter()
            .cloned()
            .collect();
        assert_eq!(reqs, vec![mv("C1"), mv("B2"), mv("C2")]);
        assert_eq!(g.required_by(&mv("B3")), None);
        assert_eq!(g.required_by(&mv("X1")), None);

        let mut walked = Vec::new();
        g.walk_breadth_first(|m| walked.push(m.clone()));
        assert_eq!(
            walked,
            vec![mv("A"), mv("C1"), mv("B2"), mv("C2"), mv("B3")]
        );

        assert_eq!(
            g.find_path(|m| m.path == "B"),
            Some(vec![mv("A"), mv("B2")])
        );
        assert_eq!(
            g.find_path(|m| *m == mv("B3")),
            Some(vec![mv("A"), mv("C1"), mv("B3")])
        );
        assert_eq!(g.find_path(|m| m.path == "Z"), None);
    }

    #[test]
    #[should_panic(expected = "is not reachable from any root")]
    fn refuses_unreachable_modules() {
        let mut g = Graph::new(cmp, [mv("A")]);
        g.require(&mv("B1"), []);
    }

    #[test]
    #[should_panic(expected = "have already been set")]
    fn refuses_a_second_requirement_list() {
        let mut g = Graph::new(cmp, [mv("A")]);
        g.require(&mv("A"), []);
        g.require(&mv("A"), []);
    }
}
