//! Go's path grammars and major-version suffixes (`golang.org/x/mod/module`).
//!
//! Three grammars share one skeleton: module paths (fetchable: proxy, cache,
//! escaping), import paths (module paths plus `+`) and file paths (zip
//! entries: more punctuation and Unicode letters). Reasons are Go's texts.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::quote::{quote, quote_rune};
use crate::{InvalidPathError, InvalidVersionError, ModuleError, PathKind, glob, semver};

/// `module.CheckPath`: a path that can be fetched (proxy, cache, escaping).
pub fn check_path(path: &str) -> Result<(), InvalidPathError> {
    module_path_reason(path).map_err(|reason| invalid(PathKind::Module, path, reason))
}

/// `module.CheckImportPath`: a package import path (also the main module's `module` line).
pub fn check_import_path(path: &str) -> Result<(), InvalidPathError> {
    path_reason(path, PathKind::Import).map_err(|reason| invalid(PathKind::Import, path, reason))
}

/// `module.CheckFilePath`: a file path inside a module zip (relative to its root).
pub fn check_file_path(path: &str) -> Result<(), InvalidPathError> {
    path_reason(path, PathKind::File).map_err(|reason| invalid(PathKind::File, path, reason))
}

fn invalid(kind: PathKind, path: &str, reason: String) -> InvalidPathError {
    InvalidPathError {
        kind,
        path: path.to_owned(),
        reason,
    }
}

/// The module-path rules on top of the shared skeleton.
fn module_path_reason(path: &str) -> Result<(), String> {
    path_reason(path, PathKind::Module)?;
    // The skeleton already rejected empty elements, so `first` is not empty
    // (Go's "leading slash" cannot happen).
    let first = path.split('/').next().unwrap_or_default();
    if !first.contains('.') {
        return Err("missing dot in first path element".into());
    }
    if first.starts_with('-') {
        return Err("leading dash in first path element".into());
    }
    if let Some(c) = first
        .chars()
        .find(|&c| !matches!(c, '-' | '.' | '0'..='9' | 'a'..='z'))
    {
        return Err(format!(
            "invalid char {} in first path element",
            quote_rune(c)
        ));
    }
    if !split_path_version(path).2 {
        return Err("invalid version".into());
    }
    Ok(())
}

/// Go's `checkPath`: the skeleton shared by all three grammars.
fn path_reason(path: &str, kind: PathKind) -> Result<(), String> {
    if path.is_empty() {
        return Err("empty string".into());
    }
    if path.starts_with('-') && kind != PathKind::File {
        return Err("leading dash".into());
    }
    if path.contains("//") {
        return Err("double slash".into());
    }
    if path.ends_with('/') {
        return Err("trailing slash".into());
    }
    path.split('/').try_for_each(|elem| elem_reason(elem, kind))
}

/// Go's `checkElem`: the rules for one path element.
pub(crate) fn elem_reason(elem: &str, kind: PathKind) -> Result<(), String> {
    if elem.is_empty() {
        return Err("empty path element".into());
    }
    if elem.bytes().all(|b| b == b'.') {
        return Err(format!("invalid path element {}", quote(elem)));
    }
    if elem.starts_with('.') && kind == PathKind::Module {
        return Err("leading dot in path element".into());
    }
    if elem.ends_with('.') {
        return Err("trailing dot in path element".into());
    }
    let allowed = match kind {
        PathKind::Module => module_char_ok,
        PathKind::Import => import_char_ok,
        PathKind::File => file_char_ok,
    };
    if let Some(c) = elem.chars().find(|&c| !allowed(c)) {
        return Err(format!("invalid char {}", quote_rune(c)));
    }
    // Windows reserves some names whatever the extension.
    let short = elem.split_once('.').map_or(elem, |(short, _)| short);
    // (All reserved names are 3 or 4 letters long.)
    if (3..=4).contains(&short.len())
        && WINDOWS_RESERVED
            .iter()
            .any(|bad| bad.eq_ignore_ascii_case(short))
    {
        return Err(format!(
            "{} disallowed as path element component on Windows",
            quote(short)
        ));
    }
    // 8.3 short names such as `EXAMPL~1` (file paths may have them).
    if kind != PathKind::File
        && let Some((_, digits)) = short.rsplit_once('~')
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("trailing tilde and digits in path element".into());
    }
    Ok(())
}

fn module_char_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

fn import_char_ok(c: char) -> bool {
    module_char_ok(c) || c == '+'
}

fn file_char_ok(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || "!#$%&()+,-.=@[]^_{}~ ".contains(c)
    } else {
        // Go's `unicode.IsLetter`: category `L` only (not Rust's wider
        // `is_alphabetic`, which admits marks and circled letters).
        c.general_category_group() == GeneralCategoryGroup::Letter
    }
}

const WINDOWS_RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// `module.SplitPathVersion`: `("gopkg.in/yaml", ".v2", true)` for
/// `gopkg.in/yaml.v2`; `("example.com/m", "/v3", true)`; `(path, "", true)`
/// when there is no suffix; `ok == false` for a malformed suffix (`/v1`, `/v01`).
pub fn split_path_version(path: &str) -> (&str, &str, bool) {
    if path.starts_with("gopkg.in/") {
        return split_gopkg_in(path);
    }
    let bytes = path.as_bytes();
    let tail = bytes
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .count();
    let i = path.len() - tail;
    if i <= 1 || tail == 0 || bytes[i - 1] != b'v' || bytes[i - 2] != b'/' {
        return (path, "", true);
    }
    let (prefix, major) = path.split_at(i - 2);
    // `major` is `/v` plus at least one digit or dot.
    if major.contains('.') || major.as_bytes()[2] == b'0' || major == "/v1" {
        return (path, "", false);
    }
    (prefix, major, true)
}

/// The gopkg.in rule: every path ends in `.vN` (optionally `-unstable`).
fn split_gopkg_in(path: &str) -> (&str, &str, bool) {
    let bytes = path.as_bytes();
    let end = path.len()
        - if path.ends_with("-unstable") {
            "-unstable".len()
        } else {
            0
        };
    let digits = bytes[..end]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let i = end - digits;
    if i <= 1 || bytes[i - 1] != b'v' || bytes[i - 2] != b'.' {
        return (path, "", false);
    }
    let (prefix, major) = path.split_at(i - 2);
    if major.len() <= 2 || (major.as_bytes()[2] == b'0' && major != ".v0") {
        return (path, "", false);
    }
    (prefix, major, true)
}

/// `module.CheckPathMajor`: does `version` fit the path's major suffix?
///
/// The error is an [`InvalidVersionError`] without a module path, worded
/// `should be v0 or v1, not v2` (or `should be v2, not v3`).
pub fn check_path_major(version: &str, path_major: &str) -> Result<(), ModuleError> {
    let path_major = strip_unstable(path_major);
    if version.starts_with("v0.0.0-") && path_major == ".v1" {
        // Early pseudo-versions for gopkg.in `.v1` paths used `v0`.
        return Ok(());
    }
    let major = semver::major(version);
    let want = if path_major.is_empty() {
        if major == "v0" || major == "v1" || semver::build(version) == "+incompatible" {
            return Ok(());
        }
        "v0 or v1"
    } else if let Some(want) = path_major.strip_prefix(['/', '.']) {
        if major == want {
            return Ok(());
        }
        want
    } else {
        path_major
    };
    Err(InvalidVersionError::new(version, false, format!("should be {want}, not {major}")).into())
}

/// `module.MatchPathMajor`: `check_path_major(..).is_ok()`.
pub fn match_path_major(version: &str, path_major: &str) -> bool {
    check_path_major(version, path_major).is_ok()
}

/// `module.PathMajorPrefix`: `/v2` → `v2`, `.v1-unstable` → `v1`, `""` → `""`.
///
/// Go panics on a suffix that is not a separator plus a valid major version;
/// this returns `""` for such input instead.
pub fn path_major_prefix(path_major: &str) -> &str {
    let Some(major) = strip_unstable(path_major).strip_prefix(['/', '.']) else {
        return "";
    };
    if semver::major(major) == major {
        major
    } else {
        ""
    }
}

/// `.vN-unstable` counts as `.vN`.
fn strip_unstable(path_major: &str) -> &str {
    if path_major.starts_with(".v") {
        path_major.strip_suffix("-unstable").unwrap_or(path_major)
    } else {
        path_major
    }
}

/// `module.MatchPrefixPatterns`: does `target` match a comma-separated glob
/// list such as GOPRIVATE?
///
/// A pattern with `n` slashes is matched (Go's `path.Match`) against the
/// first `n + 1` elements of `target`. Empty and malformed patterns never
/// match; a trailing `/` on a pattern is ignored.
pub fn match_prefix_patterns(globs: &str, target: &str) -> bool {
    globs.split(',').any(|glob| {
        let glob = glob.strip_suffix('/').unwrap_or(glob);
        if glob.is_empty() {
            return false;
        }
        let slashes = glob.matches('/').count();
        if target.matches('/').count() < slashes {
            return false;
        }
        let prefix_len = target
            .match_indices('/')
            .nth(slashes)
            .map_or(target.len(), |(i, _)| i);
        glob::path_match(glob, &target[..prefix_len])
    })
}

#[cfg(test)]
mod tests;
