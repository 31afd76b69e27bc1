//! Shared helpers: small module universes written as go.mod texts.

use gomodx_module::ModuleVersion;
use gomodx_resolver::{LoadError, MemorySource, ModuleGraph};

/// A universe: the main go.mod plus go.mod files keyed `path@version`, or
/// by a directory (`../dir`, no `@`) for directory replacements.
pub struct Universe {
    /// The main module's go.mod, parsed strictly.
    pub main: gomodx_modfile::ModFile,
    /// Every other go.mod.
    pub source: MemorySource,
}

impl Universe {
    /// `files[0]` must be `("main", text)`.
    pub fn new(files: &[(&str, &str)]) -> Self {
        let (name, main) = files[0];
        assert_eq!(name, "main", "the first file is the main go.mod");
        let main =
            gomodx_modfile::parse("go.mod", main.as_bytes()).expect("the main go.mod parses");
        let source = files[1..]
            .iter()
            .map(|(key, text)| (key_module(key), text.as_bytes().to_vec()))
            .collect();
        Self { main, source }
    }

    /// Loads the graph.
    pub fn load(&self) -> Result<ModuleGraph, LoadError> {
        ModuleGraph::load(&self.main, &self.source)
    }
}

/// `a.io/x@v1.0.0` → (a.io/x, v1.0.0); `../dir` → (../dir, "").
pub fn key_module(key: &str) -> ModuleVersion {
    match key.split_once('@') {
        Some((path, version)) => ModuleVersion::new(path, version),
        None => ModuleVersion::new(key, ""),
    }
}

/// `path@version`, for expected lists.
pub fn mv(s: &str) -> ModuleVersion {
    key_module(s)
}

/// The `go list -m all` lines of a graph, joined.
pub fn list_text(graph: &ModuleGraph) -> String {
    graph.list_all().iter().map(|m| format!("{m}\n")).collect()
}
