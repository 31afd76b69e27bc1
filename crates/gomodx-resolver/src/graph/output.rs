//! What the module commands print from a [`ModuleGraph`]: `go mod graph`,
//! `go mod why -m` on the module graph, and `go list -m all`.

use std::fmt::{self, Write as _};

use gomodx_module::{ModuleVersion, is_toolchain_path};

use super::ModuleGraph;
use crate::mvs::NONE;

/// One line of `go list -m all`: a module and its replacement, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedModule {
    /// The module at its selected version (version `""` for the main module).
    pub module: ModuleVersion,
    /// What replaces it (version `""` for a directory).
    pub replace: Option<ModuleVersion>,
}

impl fmt::Display for ListedModule {
    /// `path`, `path version`, then ` => rpath` or ` => rpath rversion`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.module.path)?;
        if !self.module.version.is_empty() {
            write!(f, " {}", self.module.version)?;
        }
        if let Some(replace) = &self.replace {
            write!(f, " => {}", replace.path)?;
            if !replace.version.is_empty() {
                write!(f, " {}", replace.version)?;
            }
        }
        Ok(())
    }
}

impl ModuleGraph {
    /// The edges `go mod graph` prints, in its order: breadth-first from the
    /// main module, each node's requirements in recorded order.
    pub fn edges(&self) -> Vec<(&ModuleVersion, &ModuleVersion)> {
        let mut edges = Vec::new();
        self.graph.walk_breadth_first(|m| {
            for r in self.graph.required_by(m).unwrap_or_default() {
                edges.push((m, r));
            }
        });
        edges
    }

    /// The output of `go mod graph`: one `from to` line per edge, each node
    /// as `path@version` (the main module as its bare path).
    pub fn graph_text(&self) -> String {
        let mut out = String::new();
        self.graph.walk_breadth_first(|m| {
            for r in self.graph.required_by(m).unwrap_or_default() {
                writeln!(out, "{m} {r}").expect("writing to a String cannot fail");
            }
        });
        out
    }

    /// A shortest requirement chain from the main module to a version of
    /// `path` (the first found breadth-first, requirements in go.mod order),
    /// or `None` when the graph does not contain the path.
    pub fn why_path(&self, path: &str) -> Option<Vec<ModuleVersion>> {
        self.graph
            .find_path(|m| m.path == path && m.version != NONE)
    }

    /// `go mod why -m` stanzas for `paths`, on the module graph: `# path`,
    /// then the module paths of [`ModuleGraph::why_path`] one per line, or
    /// `(main module does not need module path)`; stanzas are separated by
    /// a blank line.
    pub fn why_text(&self, paths: &[&str]) -> String {
        let mut out = String::new();
        for (i, &path) in paths.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            writeln!(out, "# {path}").expect("writing to a String cannot fail");
            match self.why_path(path) {
                Some(chain) => chain.iter().for_each(|m| {
                    out.push_str(&m.path);
                    out.push('\n');
                }),
                None => writeln!(out, "(main module does not need module {path})")
                    .expect("writing to a String cannot fail"),
            }
        }
        out
    }

    /// The lines of `go list -m all`: the build list without `go` and
    /// `toolchain`, each module with its replacement.
    pub fn list_all(&self) -> Vec<ListedModule> {
        self.build_list
            .iter()
            .filter(|m| !is_toolchain_path(&m.path))
            .map(|m| ListedModule {
                module: m.clone(),
                replace: self.replacement(m).cloned(),
            })
            .collect()
    }
}
