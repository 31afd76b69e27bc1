//! Errors worded as Go words them.

use thiserror::Error;

/// Which of Go's three path grammars rejected a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// `module.CheckPath`.
    Module,
    /// `module.CheckImportPath`.
    Import,
    /// `module.CheckFilePath`.
    File,
}

/// `malformed module path "x": reason` (Go's `InvalidPathError`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("malformed {} path {path:?}: {reason}", match kind { PathKind::Module => "module", PathKind::Import => "import", PathKind::File => "file" })]
pub struct InvalidPathError {
    /// The grammar that was applied.
    pub kind: PathKind,
    /// The rejected path.
    pub path: String,
    /// Go's reason text, e.g. `missing dot in first path element`.
    pub reason: String,
}

/// `path@version: invalid version: reason` (Go's `InvalidVersionError`
/// wrapped in a `ModuleError`); `invalid pseudo-version` for pseudo-versions.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{path}@{version}: invalid {}version: {reason}", if *pseudo { "pseudo-" } else { "" })]
pub struct InvalidVersionError {
    /// The module path (may be empty).
    pub path: String,
    /// The rejected version.
    pub version: String,
    /// Whether the version looked like a pseudo-version.
    pub pseudo: bool,
    /// Go's reason text, e.g. `should be v0 or v1, not v2`.
    pub reason: String,
}

/// Any error about a module path or version.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModuleError {
    /// A path failed its grammar.
    #[error(transparent)]
    Path(#[from] InvalidPathError),
    /// A version failed validation.
    #[error(transparent)]
    Version(#[from] InvalidVersionError),
    /// Escaped text could not be unescaped: `invalid escaped module path "x"`
    /// or `invalid escaped version "x"`.
    #[error("{0}")]
    Escape(String),
}
