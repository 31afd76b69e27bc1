//! Version syntax checks used by go.mod directives: Go's `GoVersionRE`,
//! the lax salvage of bad `go` lines, `ToolchainRE`, and
//! `checkCanonicalVersion` for edits.

use gomodx_module::{canonical_version, path, semver};

use crate::error::EditError;

/// Strips a number: `[1-9][0-9]*`, or also a lone `0` when `zero` is set.
fn number(s: &str, zero: bool) -> Option<&str> {
    if zero && let Some(rest) = s.strip_prefix('0') {
        return Some(rest);
    }
    if !s.starts_with(|c: char| ('1'..='9').contains(&c)) {
        return None;
    }
    Some(s.trim_start_matches(|c: char| c.is_ascii_digit()))
}

/// Go's lax `go` line salvage, `^v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)$`:
/// the `major.minor` prefix of a version followed by a non-digit.
pub(crate) fn lax_go_version(v: &str) -> Option<&str> {
    let body = v.strip_prefix('v').unwrap_or(v);
    let rest = number(body, false)?.strip_prefix('.')?;
    let rest = number(rest, true)?;
    let next = rest.chars().next()?;
    (!next.is_ascii_digit()).then(|| &body[..body.len() - rest.len()])
}

/// Go's `modfile.ToolchainRE`: `^default$|^go1($|\.)`.
pub fn is_toolchain_name(name: &str) -> bool {
    name == "default" || name == "go1" || name.starts_with("go1.")
}

/// Go's `checkCanonicalVersion`: `version` must be canonical and fit the
/// major version of `module_path`.
pub(crate) fn check_canonical_version(module_path: &str, version: &str) -> Result<(), EditError> {
    let (_, path_major, path_major_ok) = path::split_path_version(module_path);
    let invalid = |reason: String| EditError::InvalidVersion {
        version: version.to_owned(),
        reason,
    };
    if version.is_empty() || version != canonical_version(version) {
        let form = match path_major {
            "" => "v1".to_owned(),
            major => path::path_major_prefix(major).to_owned(),
        };
        return Err(invalid(format!("must be of the form {form}.2.3")));
    }
    if path_major_ok && let Err(err) = path::check_path_major(version, path_major) {
        if path_major.is_empty() {
            let major = semver::major(version);
            return Err(invalid(format!(
                "should be {version}+incompatible (or module {module_path}/{major})"
            )));
        }
        return Err(match err {
            gomodx_module::ModuleError::Version(e) => invalid(e.reason),
            other => invalid(other.to_string()),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_version_re() {
        use gomodx_module::gover::is_valid_go_line as is_go_version;
        for v in [
            "1.21",
            "1.21.0",
            "1.0",
            "1.21rc1",
            "1.21.3beta10",
            "10.100.1000",
        ] {
            assert!(is_go_version(v), "{v}");
        }
        for v in [
            "1", "v1.21", "01.2", "1.02", "1.2.03", "1.21rc", "1.21-rc1", "1.21.", "1.21rc1x",
            "1.2.3.4", "",
        ] {
            assert!(!is_go_version(v), "{v}");
        }
    }

    #[test]
    fn lax_go_version_re() {
        assert_eq!(lax_go_version("1.21-foo"), Some("1.21"));
        assert_eq!(lax_go_version("v1.21x"), Some("1.21"));
        assert_eq!(lax_go_version("1.0."), Some("1.0"));
        assert_eq!(lax_go_version("1.21"), None);
        assert_eq!(lax_go_version("1.01x"), None);
        assert_eq!(lax_go_version("v1"), None);
    }

    #[test]
    fn toolchain_re() {
        for n in ["default", "go1", "go1.21", "go1.21rc1", "go1.x"] {
            assert!(is_toolchain_name(n), "{n}");
        }
        for n in ["go2", "go1x", "gccgo1.21", "Default", ""] {
            assert!(!is_toolchain_name(n), "{n}");
        }
    }
}
