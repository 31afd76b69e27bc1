//! Errors, worded as cmd/go words them (without the leading `go: ` that the
//! go command adds when it prints one).
//!
//! - [`BuildListError`]: Go's `mvs.BuildListError`, the shortest chain of
//!   requirements from the main module to the module version that failed.
//! - [`GoModError`]: Go's `module.ModuleError` around a go.mod that could not
//!   be fetched, parsed or accepted.
//! - [`SourceError`]: what a [`crate::GoModSource`] reports.
//! - [`LoadError`]: everything [`crate::ModuleGraph::load`] can fail with.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use gomodx_modfile::ErrorList;
use gomodx_module::ModuleVersion;
use thiserror::Error;

/// Why one module version of a [`BuildListError`] chain leads to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The next module is one of its requirements (`requires`).
    Requires,
    /// The next module is the version it was upgraded or downgraded to
    /// (`updating to`).
    UpdatingTo,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Self::Requires => "requires",
            Self::UpdatingTo => "updating to",
        }
    }
}

/// Go's `mvs.BuildListError`: `err` happened at the last module of a
/// shortest requirement chain starting at a root.
///
/// Prints as Go does: the chain without its leading unversioned modules (the
/// main module), one `m requires` (or `m updating to`) per line, then the
/// failing module and its error, e.g.
/// `a@v1 requires\n\tb@v1: parsing go.mod: missing module line`. When the
/// error is a [`GoModError`] about a replacement, the last line reads
/// `b@v1 (replaced by c@v2): …`.
///
/// The message already contains the underlying error, so
/// [`source`](StdError::source) is `None`; use [`BuildListError::error`].
#[derive(Debug, Clone)]
pub struct BuildListError<E> {
    /// The chain, each module with the reason it leads to the next one
    /// (`None` for the last).
    stack: Vec<(ModuleVersion, Option<Reason>)>,
    err: E,
}

impl<E> BuildListError<E> {
    /// Wraps `err`, which happened at the last module of `path` (which must
    /// not be empty); `is_version_change(from, to)` tells which steps are
    /// upgrades or downgrades rather than requirements.
    ///
    /// # Panics
    ///
    /// If `path` is empty.
    pub fn new(
        err: E,
        path: &[ModuleVersion],
        is_version_change: impl Fn(&ModuleVersion, &ModuleVersion) -> bool,
    ) -> Self {
        assert!(
            !path.is_empty(),
            "a build list error needs a non-empty requirement path"
        );
        let stack = path
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let reason = path.get(i + 1).map(|next| {
                    if is_version_change(m, next) {
                        Reason::UpdatingTo
                    } else {
                        Reason::Requires
                    }
                });
                (m.clone(), reason)
            })
            .collect();
        Self { stack, err }
    }

    /// The module version where the error happened.
    pub fn module(&self) -> &ModuleVersion {
        &self
            .stack
            .last()
            .expect("the stack is never empty (checked in new)")
            .0
    }

    /// The requirement chain, from a root to [`BuildListError::module`].
    pub fn path(&self) -> impl Iterator<Item = &ModuleVersion> {
        self.stack.iter().map(|(m, _)| m)
    }

    /// The underlying error.
    pub fn error(&self) -> &E {
        &self.err
    }

    /// The underlying error, by value.
    pub fn into_error(self) -> E {
        self.err
    }
}

impl<E: StdError + 'static> fmt::Display for BuildListError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let skip = self
            .stack
            .iter()
            .take_while(|(m, _)| m.version.is_empty())
            .count();
        let Some(((last, _), chain)) = self.stack[skip..].split_last() else {
            return write!(f, "{}", self.err);
        };
        for (m, reason) in chain {
            let reason = reason.unwrap_or(Reason::Requires);
            write!(f, "{m} {}\n\t", reason.as_str())?;
        }
        let err: &(dyn StdError + 'static) = &self.err;
        match err.downcast_ref::<GoModError>() {
            // Go's TooNewError is no module error: the node prefixes it.
            Some(go_mod) if matches!(go_mod.kind, GoModErrorKind::TooNew { .. }) => {
                write!(f, "{}", VersionPrefix(last, go_mod))
            }
            Some(go_mod) if go_mod.module == *last => write!(f, "{go_mod}"),
            Some(go_mod) => write!(f, "{last} (replaced by {}): {}", go_mod.module, go_mod.kind),
            None => write!(f, "{}", VersionPrefix(last, &self.err)),
        }
    }
}

impl<E: StdError + 'static> StdError for BuildListError<E> {}

/// Go's `module.ModuleError` text: `path@version: err`, or `module path: err`
/// for an unversioned module.
struct VersionPrefix<'a, T>(&'a ModuleVersion, &'a T);

impl<T: fmt::Display> fmt::Display for VersionPrefix<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self(m, err) = self;
        if m.version.is_empty() {
            write!(f, "module {}: {err}", m.path)
        } else {
            write!(f, "{}@{}: {err}", m.path, m.version)
        }
    }
}

/// An error from a [`crate::GoModSource`]: the go.mod of a module version
/// could not be produced.
///
/// The message must not repeat the module: the resolver prefixes it (Go's
/// `path@version: reading …/@v/v1.0.0.mod: 404 Not Found`).
#[derive(Debug, Clone)]
pub struct SourceError(Arc<dyn StdError + Send + Sync>);

impl SourceError {
    /// Wraps any error (or a message: `SourceError::new("not found")`).
    pub fn new(err: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self(Arc::from(err.into()))
    }

    /// The wrapped error.
    pub fn get(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl StdError for SourceError {}

/// What was wrong with one go.mod (see [`GoModError`]).
#[derive(Debug, Clone, Error)]
pub enum GoModErrorKind {
    /// The source could not produce it.
    #[error("{0}")]
    Source(SourceError),
    /// It does not parse (laxly).
    #[error("parsing {file}: {errors}")]
    Parse {
        /// The file name shown (`go.mod`, or a directory's `dir/go.mod`).
        file: String,
        /// The parser's errors.
        errors: ErrorList,
    },
    /// Its `go` line (1.21 or later) is newer than the Go whose rules
    /// gomodx implements ([`gomodx_modfile::LOCAL_GO`]).
    #[error("requires go >= {version}")]
    TooNew {
        /// The go line.
        version: String,
    },
    /// A module (not directory) go.mod without a `module` line.
    #[error("parsing go.mod: missing module line")]
    MissingModuleLine,
    /// Its `module` line names neither the required path nor the
    /// replacement's path.
    #[error(
        "parsing go.mod:\n\tmodule declares its path as: {declared}\n\t        but was required as: {required}"
    )]
    PathMismatch {
        /// The path on the `module` line.
        declared: String,
        /// The path it was required as.
        required: String,
    },
}

/// Go's `module.ModuleError` for a go.mod: `module` is the module version
/// whose go.mod was read, i.e. the *replacement* when the required module is
/// replaced (a directory replacement has version `""`). A go line too new
/// is Go's `TooNewError` instead: `module M requires go >= V (…)`.
#[derive(Debug, Clone, Error)]
#[error("{}", match kind {
    GoModErrorKind::TooNew { version } => format!(
        "module {module} requires go >= {version} (running go {}; GOTOOLCHAIN=local)",
        gomodx_modfile::LOCAL_GO
    ),
    kind => VersionPrefix(module, kind).to_string(),
})]
pub struct GoModError {
    /// The module version whose go.mod was read.
    pub module: ModuleVersion,
    /// What was wrong.
    pub kind: GoModErrorKind,
}

/// Two different replacements of one module (version) in the main go.mod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacementConflict {
    /// The replaced module (version `""` for a path-wide replace).
    pub old: ModuleVersion,
    /// The first replacement.
    pub first: ModuleVersion,
    /// The other replacement.
    pub second: ModuleVersion,
}

/// Why the module graph could not be loaded.
#[derive(Debug, Clone, Error)]
pub enum LoadError {
    /// The main go.mod has no `module` line.
    #[error(
        "error reading go.mod: missing module declaration. To specify the module path:\n\tgo mod edit -module=example.com/mod"
    )]
    MissingModulePath,
    /// Two `replace` lines of the main go.mod replace the same module
    /// (version) differently.
    #[error("conflicting replacements for {}:\n\t{}\n\t{}", .0.old, .0.first, .0.second)]
    ConflictingReplacements(Box<ReplacementConflict>),
    /// `go mod graph -go=V` with V below a main go line ≥ 1.21.
    #[error(
        "requested Go version {requested} cannot load module graph (requires Go >= {required})"
    )]
    GoVersionTooLow {
        /// The requested version.
        requested: String,
        /// The main module's go version.
        required: String,
    },
    /// A go.mod in the graph could not be loaded.
    #[error(transparent)]
    BuildList(Box<BuildListError<GoModError>>),
    /// [`crate::GraphLoader::finish`] was called while go.mod files were
    /// still needed.
    #[error("module graph is incomplete: {} go.mod file(s) still needed, first {}", .0.len(), .0[0])]
    Incomplete(Vec<ModuleVersion>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mv(path: &str, version: &str) -> ModuleVersion {
        ModuleVersion::new(path, version)
    }

    #[test]
    fn build_list_error_skips_the_main_module_and_names_replacements() {
        let path = [mv("main", ""), mv("a", "v1.0.0"), mv("b", "v1.0.0")];
        let err = GoModError {
            module: mv("b", "v1.0.0"),
            kind: GoModErrorKind::MissingModuleLine,
        };
        let e = BuildListError::new(err, &path, |_, _| false);
        assert_eq!(
            e.to_string(),
            "a@v1.0.0 requires\n\tb@v1.0.0: parsing go.mod: missing module line"
        );
        assert_eq!(e.module(), &mv("b", "v1.0.0"));

        let err = GoModError {
            module: mv("../c", ""),
            kind: GoModErrorKind::Source(SourceError::new("gone")),
        };
        let e = BuildListError::new(err, &path, |from, _| from.path == "a");
        assert_eq!(
            e.to_string(),
            "a@v1.0.0 updating to\n\tb@v1.0.0 (replaced by ../c): gone"
        );
    }

    #[test]
    fn build_list_error_wraps_foreign_errors_like_version_error() {
        let err = SourceError::new("missing module: B1");
        let e = BuildListError::new(err.clone(), &[mv("A", ""), mv("B", "1")], |_, _| false);
        assert_eq!(e.to_string(), "B@1: missing module: B1");
        let e = BuildListError::new(err, &[mv("A", "")], |_, _| false);
        assert_eq!(e.to_string(), "missing module: B1");
    }

    #[test]
    fn go_mod_errors_read_like_go() {
        let err = GoModError {
            module: mv("example.com/a", "v1.0.0"),
            kind: GoModErrorKind::PathMismatch {
                declared: "x".into(),
                required: "y".into(),
            },
        };
        assert_eq!(
            err.to_string(),
            "example.com/a@v1.0.0: parsing go.mod:\n\tmodule declares its path as: x\n\t        but was required as: y"
        );
        let err = GoModError {
            module: mv("../dir", ""),
            kind: GoModErrorKind::Source(SourceError::new("nope")),
        };
        assert_eq!(err.to_string(), "module ../dir: nope");
    }
}
