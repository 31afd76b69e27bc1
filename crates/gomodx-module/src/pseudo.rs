//! Pseudo-versions (`golang.org/x/mod/module/pseudo.go`).

use crate::ModuleError;

/// `module.IsPseudoVersion`.
pub fn is_pseudo_version(version: &str) -> bool {
    todo!()
}

/// `module.PseudoVersion(major, older, t, rev)`: `time` is the commit time in
/// UTC as `yyyymmddhhmmss`.
pub fn pseudo_version(major: &str, older: &str, time: &str, rev: &str) -> String {
    todo!()
}

/// `module.ZeroPseudoVersion`: `vX.0.0-00010101000000-000000000000`.
pub fn zero_pseudo_version(major: &str) -> String {
    todo!()
}

/// `module.PseudoVersionTime`: the 14-digit timestamp.
pub fn pseudo_version_time(version: &str) -> Result<String, ModuleError> {
    todo!()
}

/// `module.PseudoVersionRev`: the revision after the last `-`.
pub fn pseudo_version_rev(version: &str) -> Result<String, ModuleError> {
    todo!()
}

/// `module.PseudoVersionBase`: the version the pseudo-version was built on
/// (`""` for form 1).
pub fn pseudo_version_base(version: &str) -> Result<String, ModuleError> {
    todo!()
}
