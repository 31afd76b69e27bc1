//! Errors worded as Go words them.

use std::fmt;

use thiserror::Error;

use crate::quote::quote;

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

impl PathKind {
    /// Go's `InvalidPathError.Kind`: `module`, `import` or `file`.
    pub fn as_str(self) -> &'static str {
        match self {
            PathKind::Module => "module",
            PathKind::Import => "import",
            PathKind::File => "file",
        }
    }
}

/// `malformed module path "x": reason` (Go's `InvalidPathError`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("malformed {} path {}: {reason}", .kind.as_str(), quote(.path))]
pub struct InvalidPathError {
    /// The grammar that was applied.
    pub kind: PathKind,
    /// The rejected path.
    pub path: String,
    /// Go's reason text, e.g. `missing dot in first path element`.
    pub reason: String,
}

/// Go's `InvalidVersionError`, optionally wrapped in a `ModuleError`.
///
/// With a module path it renders as Go's `ModuleError` does:
/// `path@version: invalid version: reason` (`invalid pseudo-version` for
/// pseudo-versions). With an empty path it renders as Go's bare
/// `InvalidVersionError`: `version "v2.0.0" invalid: reason`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct InvalidVersionError {
    /// The module path (empty when the path is unknown).
    pub path: String,
    /// The rejected version.
    pub version: String,
    /// Whether the version looked like a pseudo-version.
    pub pseudo: bool,
    /// Go's reason text, e.g. `should be v0 or v1, not v2`.
    pub reason: String,
}

impl InvalidVersionError {
    /// An error about `version` with no module path attached yet.
    pub fn new(version: &str, pseudo: bool, reason: impl Into<String>) -> Self {
        Self {
            path: String::new(),
            version: version.to_owned(),
            pseudo,
            reason: reason.into(),
        }
    }

    /// The same error attributed to module `path` (Go's `ModuleError` wrapping).
    pub fn with_path(mut self, path: &str) -> Self {
        self.path = path.to_owned();
        self
    }

    fn noun(&self) -> &'static str {
        if self.pseudo {
            "pseudo-version"
        } else {
            "version"
        }
    }
}

impl fmt::Display for InvalidVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(
                f,
                "{} {} invalid: {}",
                self.noun(),
                quote(&self.version),
                self.reason
            )
        } else {
            write!(
                f,
                "{}@{}: invalid {}: {}",
                self.path,
                self.version,
                self.noun(),
                self.reason
            )
        }
    }
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
    /// Escaping or unescaping failed: `invalid escaped module path "x"`,
    /// `invalid escaped version "x"`, or Go's internal escaping error for
    /// non-ASCII versions.
    #[error("{0}")]
    Escape(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_error_quotes_like_go() {
        let err = InvalidPathError {
            kind: PathKind::File,
            path: "a\u{a0}b".into(),
            reason: "invalid char '\\u00a0'".into(),
        };
        assert_eq!(
            err.to_string(),
            r#"malformed file path "a\u00a0b": invalid char '\u00a0'"#
        );
    }

    #[test]
    fn version_error_renders_bare_or_wrapped() {
        let bare = InvalidVersionError::new("v2.0.0", false, "should be v0 or v1, not v2");
        assert_eq!(
            bare.to_string(),
            r#"version "v2.0.0" invalid: should be v0 or v1, not v2"#
        );
        let wrapped = bare.with_path("example.com/m");
        assert_eq!(
            wrapped.to_string(),
            "example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2"
        );
        let pseudo = InvalidVersionError::new("v1", true, "syntax error");
        assert_eq!(
            pseudo.to_string(),
            r#"pseudo-version "v1" invalid: syntax error"#
        );
        assert_eq!(
            ModuleError::from(pseudo.with_path("m.io/x")).to_string(),
            "m.io/x@v1: invalid pseudo-version: syntax error"
        );
    }
}
