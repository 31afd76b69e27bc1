//! Case-escaping for proxy URLs and cache paths (`!x` for upper-case `X`).
//!
//! Paths and versions may differ only in case (`rsc.io/QUOTE`), but file
//! systems and static web servers may fold case, so every upper-case ASCII
//! letter is written as `!` plus its lower-case form.

use crate::path::{check_path, elem_reason};
use crate::quote::quote;
use crate::{InvalidVersionError, ModuleError, PathKind};

/// `module.EscapePath`: checks the path, then escapes upper case.
pub fn escape_path(path: &str) -> Result<String, ModuleError> {
    check_path(path)?;
    escape_string(path)
}

/// `module.EscapeVersion`: checks the version as a file path element, then escapes.
///
/// The version need not be semver (`master` is fine), but it must be a valid
/// file name without `!`.
pub fn escape_version(version: &str) -> Result<String, ModuleError> {
    if elem_reason(version, PathKind::File).is_err() || version.contains('!') {
        return Err(InvalidVersionError::new(version, false, "disallowed version string").into());
    }
    escape_string(version)
}

fn escape_string(s: &str) -> Result<String, ModuleError> {
    // The checks above leave only ASCII without `!`, except for the Unicode
    // letters a file-name element allows; Go reports those this way.
    if s.bytes().any(|b| b == b'!' || !b.is_ascii()) {
        return Err(ModuleError::Escape(
            "internal error: inconsistency in EscapePath".into(),
        ));
    }
    let mut escaped = String::with_capacity(s.len() + s.len() / 4);
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            escaped.push('!');
            escaped.push(c.to_ascii_lowercase());
        } else {
            escaped.push(c);
        }
    }
    Ok(escaped)
}

/// `module.UnescapePath`.
pub fn unescape_path(escaped: &str) -> Result<String, ModuleError> {
    let bad = || ModuleError::Escape(format!("invalid escaped module path {}", quote(escaped)));
    let path = unescape_string(escaped).ok_or_else(bad)?;
    check_path(&path).map_err(|err| {
        ModuleError::Escape(format!(
            "invalid escaped module path {}: {err}",
            quote(escaped)
        ))
    })?;
    Ok(path)
}

/// `module.UnescapeVersion`.
pub fn unescape_version(escaped: &str) -> Result<String, ModuleError> {
    let bad = || ModuleError::Escape(format!("invalid escaped version {}", quote(escaped)));
    let version = unescape_string(escaped).ok_or_else(bad)?;
    // Go quotes the unescaped version in this message.
    elem_reason(&version, PathKind::File).map_err(|reason| {
        ModuleError::Escape(format!(
            "invalid escaped version {}: {reason}",
            quote(&version)
        ))
    })?;
    Ok(version)
}

/// Decodes `!x` to `X`; `None` for non-ASCII, a bare upper-case letter, or
/// a `!` not followed by a lower-case letter.
fn unescape_string(escaped: &str) -> Option<String> {
    let mut out = String::with_capacity(escaped.len());
    let mut bytes = escaped.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'!' => match bytes.next() {
                Some(next @ b'a'..=b'z') => out.push(char::from(next.to_ascii_uppercase())),
                _ => return None,
            },
            b'A'..=b'Z' => return None,
            b if b.is_ascii() => out.push(char::from(b)),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn escapes_paths() {
        let cases = [
            ("ascii.com/abcdefghijklmnopqrstuvwxyz.-/~_0123456789", None),
            (
                "github.com/GoogleCloudPlatform/omega",
                Some("github.com/!google!cloud!platform/omega"),
            ),
            (
                "github.com/Azure/azure-sdk-for-go",
                Some("github.com/!azure/azure-sdk-for-go"),
            ),
            ("rsc.io/QUOTE", Some("rsc.io/!q!u!o!t!e")),
        ];
        for (path, esc) in cases {
            let want = esc.unwrap_or(path);
            assert_eq!(escape_path(path).unwrap(), want, "escape_path({path:?})");
            assert_eq!(
                unescape_path(want).unwrap(),
                path,
                "unescape_path({want:?})"
            );
        }
    }

    #[test]
    fn rejects_bad_escaped_paths() {
        let bad = [
            "github.com/GoogleCloudPlatform/omega",
            "github.com/!google!cloud!platform!/omega",
            "github.com/!0google!cloud!platform/omega",
            "github.com/!_google!cloud!platform/omega",
            "github.com/!!google!cloud!platform/omega",
            "",
        ];
        for escaped in bad {
            assert!(
                unescape_path(escaped).is_err(),
                "unescape_path({escaped:?})"
            );
        }
    }

    #[test]
    fn unescape_error_texts() {
        let err = unescape_path("github.com/!Azure").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"invalid escaped module path "github.com/!Azure""#
        );
        let err = unescape_path("example.com/m/v1").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"invalid escaped module path "example.com/m/v1": malformed module path "example.com/m/v1": invalid version"#
        );
        let err = unescape_version("v1.0.0!").unwrap_err();
        assert_eq!(err.to_string(), r#"invalid escaped version "v1.0.0!""#);
        let err = unescape_version("!v1.0.0.").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"invalid escaped version "V1.0.0.": trailing dot in path element"#
        );
    }

    #[test]
    fn escapes_versions() {
        assert_eq!(escape_version("v1.5.3-PRE").unwrap(), "v1.5.3-!p!r!e");
        assert_eq!(escape_version("master").unwrap(), "master");
        assert_eq!(unescape_version("v1.5.3-!p!r!e").unwrap(), "v1.5.3-PRE");
        for bad in ["v1!", "", "..", "a/b", "v1.0.0.", "x*"] {
            let err = escape_version(bad).unwrap_err();
            let want = format!("version {} invalid: disallowed version string", quote(bad));
            assert_eq!(err.to_string(), want);
        }
        let err = escape_version("vé").unwrap_err();
        assert_eq!(
            err.to_string(),
            "internal error: inconsistency in EscapePath"
        );
    }

    /// Module paths that pass `check_path`, with mixed case after the host.
    fn module_path() -> impl Strategy<Value = String> {
        let host = "[a-z0-9][a-z0-9-]{0,5}\\.[a-z]{1,4}";
        let elem = "[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,8}";
        (host, prop::collection::vec(elem, 0..4))
            .prop_map(|(host, elems)| {
                std::iter::once(host)
                    .chain(elems)
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .prop_filter("valid module path", |path| check_path(path).is_ok())
    }

    proptest! {
        #[test]
        fn paths_round_trip(path in module_path()) {
            let escaped = escape_path(&path).unwrap();
            prop_assert!(!escaped.bytes().any(|b| b.is_ascii_uppercase()));
            prop_assert_eq!(escaped.replace('!', ""), path.to_ascii_lowercase());
            prop_assert_eq!(unescape_path(&escaped).unwrap(), path);
        }

        #[test]
        fn versions_round_trip(version in "[A-Za-z0-9.+_~-]{1,16}") {
            prop_assume!(escape_version(&version).is_ok());
            let escaped = escape_version(&version).unwrap();
            prop_assert!(!escaped.bytes().any(|b| b.is_ascii_uppercase()));
            prop_assert_eq!(unescape_version(&escaped).unwrap(), version);
        }
    }
}
