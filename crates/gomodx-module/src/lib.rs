//! Go module paths and versions, as `golang.org/x/mod/module` and
//! `golang.org/x/mod/semver` define them.
//!
//! - [`path`]: the three path grammars (module, import, file), major-version
//!   suffixes (`/vN`, `gopkg.in/x.vN`) and glob lists (GOPRIVATE …).
//! - [`escape`]: the `!`-lower-case escaping used in proxy URLs and cache paths.
//! - [`semver`]: Go's semver dialect (leading `v`, shorthand, ordering).
//! - [`pseudo`]: pseudo-versions (parse, validate, build).
//! - [`ModuleVersion`]: a `path@version` pair ordered like Go's `module.Sort`.

pub mod escape;
mod error;
pub mod path;
pub mod pseudo;
pub mod semver;

pub use error::{InvalidPathError, InvalidVersionError, ModuleError, PathKind};

use std::cmp::Ordering;
use std::fmt;

/// A module path and a version, Go's `module.Version`.
///
/// The version is empty for the main module and for filesystem replacements.
/// Ordering is Go's `module.Sort`: path (byte order), then the semver of the
/// version part before the first `/`, then the rest (`""` < `/go.mod`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModuleVersion {
    /// The module path, unescaped (`rsc.io/QUOTE`).
    pub path: String,
    /// The version (`v1.5.2`), or `""`.
    pub version: String,
}

impl ModuleVersion {
    /// Builds a pair from anything string-like.
    pub fn new(path: impl Into<String>, version: impl Into<String>) -> Self {
        Self { path: path.into(), version: version.into() }
    }
}

impl fmt::Display for ModuleVersion {
    /// `path@version`, or just `path` when the version is empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.version.is_empty() {
            f.write_str(&self.path)
        } else {
            write!(f, "{}@{}", self.path, self.version)
        }
    }
}

impl Ord for ModuleVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        todo!("module.Sort order")
    }
}

impl PartialOrd for ModuleVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Go's `module.Check`: the path is a valid module path, the version is
/// valid semver, and the version matches the path's major-version suffix.
pub fn check(path: &str, version: &str) -> Result<(), ModuleError> {
    todo!()
}

/// Go's `module.CanonicalVersion`: `semver::canonical` that keeps an exact
/// `+incompatible` build suffix. Returns `""` for invalid input.
pub fn canonical_version(version: &str) -> String {
    todo!()
}
