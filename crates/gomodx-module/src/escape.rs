//! Case-escaping for proxy URLs and cache paths (`!x` for upper-case `X`).

use crate::ModuleError;

/// `module.EscapePath`: checks the path, then escapes upper case.
pub fn escape_path(path: &str) -> Result<String, ModuleError> {
    todo!()
}

/// `module.EscapeVersion`: checks the version as a file path element, then escapes.
pub fn escape_version(version: &str) -> Result<String, ModuleError> {
    todo!()
}

/// `module.UnescapePath`.
pub fn unescape_path(escaped: &str) -> Result<String, ModuleError> {
    todo!()
}

/// `module.UnescapeVersion`.
pub fn unescape_version(escaped: &str) -> Result<String, ModuleError> {
    todo!()
}
