//! Go's path grammars and major-version suffixes (`golang.org/x/mod/module`).

use crate::{InvalidPathError, ModuleError};

/// `module.CheckPath`: a path that can be fetched (proxy, cache, escaping).
pub fn check_path(path: &str) -> Result<(), InvalidPathError> {
    todo!()
}

/// `module.CheckImportPath`: a package import path (also the main module's `module` line).
pub fn check_import_path(path: &str) -> Result<(), InvalidPathError> {
    todo!()
}

/// `module.CheckFilePath`: a file path inside a module zip (relative to its root).
pub fn check_file_path(path: &str) -> Result<(), InvalidPathError> {
    todo!()
}

/// `module.SplitPathVersion`: `("gopkg.in/yaml", ".v2", true)` for
/// `gopkg.in/yaml.v2`; `("example.com/m", "/v3", true)`; `(path, "", true)`
/// when there is no suffix; `ok == false` for a malformed suffix (`/v1`, `/v01`).
pub fn split_path_version(path: &str) -> (&str, &str, bool) {
    todo!()
}

/// `module.CheckPathMajor`: does `version` fit the path's major suffix?
pub fn check_path_major(version: &str, path_major: &str) -> Result<(), ModuleError> {
    todo!()
}

/// `module.MatchPathMajor`: `check_path_major(..).is_ok()`.
pub fn match_path_major(version: &str, path_major: &str) -> bool {
    check_path_major(version, path_major).is_ok()
}

/// `module.PathMajorPrefix`: `/v2` → `v2`, `.v1-unstable` → `v1`, `""` → `""`.
pub fn path_major_prefix(path_major: &str) -> &str {
    todo!()
}

/// `module.MatchPrefixPatterns`: does `target` match a comma-separated glob
/// list such as GOPRIVATE?
pub fn match_prefix_patterns(globs: &str, target: &str) -> bool {
    todo!()
}
