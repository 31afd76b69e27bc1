//! Go toolchain versions (`internal/gover`, `cmd/go/internal/gover`).
//!
//! Go versions are not semver: `1.21` names the language version and sorts
//! before its release candidates and releases (`1.21` < `1.21rc1` <
//! `1.21.0` < `1.21.1`). Before Go 1.21, `1.N` meant `1.N.0`. They have no
//! `v` prefix; toolchain names add `go` (`go1.21.0`, `go1.21.0-custom`).
//! The virtual modules `go` and `toolchain` are versioned this way.

use std::cmp::Ordering;

use crate::semver::{self, compare_decimal};

/// A parsed Go version: `major[.minor[.patch]][kind[pre]]`, numbers kept as
/// decimal strings.
#[derive(Default, PartialEq, Eq)]
struct GoVersion<'a> {
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    /// `""`, `alpha`, `beta`, `rc` (any lower-case word is accepted).
    kind: &'a str,
    pre: &'a str,
}

/// Go's `gover.Parse`; `None` when malformed.
fn parse(x: &str) -> Option<GoVersion<'_>> {
    let (major, rest) = decimal(x)?;
    let mut v = GoVersion {
        major,
        ..GoVersion::default()
    };
    if rest.is_empty() {
        // `1` means `1.0.0`.
        return Some(GoVersion {
            minor: "0",
            patch: "0",
            ..v
        });
    }
    let (minor, rest) = decimal(rest.strip_prefix('.')?)?;
    v.minor = minor;
    if rest.is_empty() {
        // Before 1.21, `1.N` is `1.N.0`; from 1.21 on it is the language version.
        if compare_decimal(minor, "21") == Ordering::Less {
            v.patch = "0";
        }
        return Some(v);
    }
    if let Some(rest) = rest.strip_prefix('.') {
        // Patch releases have no pre-release forms.
        let (patch, rest) = decimal(rest)?;
        return rest.is_empty().then_some(GoVersion { patch, ..v });
    }
    let kind_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
    let (kind, rest) = rest.split_at(kind_len);
    if kind.is_empty() {
        return None;
    }
    v.kind = kind;
    if rest.is_empty() {
        return Some(v);
    }
    let (pre, rest) = decimal(rest)?;
    rest.is_empty().then_some(GoVersion { pre, ..v })
}

/// A leading decimal number without a needless leading zero, and the rest.
fn decimal(s: &str) -> Option<(&str, &str)> {
    let len = s.bytes().take_while(u8::is_ascii_digit).count();
    if len == 0 || (len > 1 && s.starts_with('0')) {
        return None;
    }
    Some(s.split_at(len))
}

/// Go's `gover.Compare` (versions without `go`): malformed versions sort
/// first and equal each other; `1.21` < `1.21rc1` < `1.21.0`.
pub fn compare(a: &str, b: &str) -> Ordering {
    let a = parse(a).unwrap_or_default();
    let b = parse(b).unwrap_or_default();
    compare_decimal(a.major, b.major)
        .then_with(|| compare_decimal(a.minor, b.minor))
        .then_with(|| compare_decimal(a.patch, b.patch))
        // "" < alpha < beta < rc: plain string order.
        .then_with(|| a.kind.cmp(b.kind))
        .then_with(|| compare_decimal(a.pre, b.pre))
}

/// Go's `gover.Max`: the greater version (`a` on ties).
pub fn max<'a>(a: &'a str, b: &'a str) -> &'a str {
    if compare(a, b) == Ordering::Less {
        b
    } else {
        a
    }
}

/// Go's `gover.IsValid`: `1`, `1.21`, `1.21.3`, `1.21rc1`, `1.999testmod`.
pub fn is_valid(x: &str) -> bool {
    parse(x).is_some()
}

/// Go's `gover.IsLang`: a language version (`1.21`), not a release
/// (`1.21.0`, `1.21rc1`); `1.20` is not, as it means `1.20.0`.
pub fn is_lang(x: &str) -> bool {
    parse(x).is_some_and(|v| v.patch.is_empty() && v.kind.is_empty() && v.pre.is_empty())
}

/// Go's `gover.IsPrerelease`: `1.21rc1`, `1.22beta2`.
pub fn is_prerelease(x: &str) -> bool {
    parse(x).is_some_and(|v| !v.kind.is_empty())
}

/// Go's `gover.Lang`: the language version of `x` (`1.21.3` → `1.21`,
/// `1.0` → `1`, `2` → `2.0`); `""` when `x` is malformed.
pub fn lang(x: &str) -> String {
    match parse(x) {
        None => String::new(),
        Some(v) if v.major == "1" && v.minor == "0" => v.major.to_owned(),
        Some(v) => format!("{}.{}", v.major, v.minor),
    }
}

/// Go's `gover.FromToolchain`: `go1.21.0` → `1.21.0`, and a suffix after
/// `-`, space or tab is dropped (`go1.21.0-custom` → `1.21.0`); `""` for
/// anything else.
pub fn from_toolchain(name: &str) -> &str {
    if name.contains(['/', '\\']) {
        return "";
    }
    let Some(version) = name.strip_prefix("go") else {
        return "";
    };
    let version = version.split([' ', '\t', '-']).next().unwrap_or_default();
    if is_valid(version) { version } else { "" }
}

/// go.mod's `GoVersionRE`: is `s` acceptable on a `go` line?
///
/// `^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$`:
/// `1.21`, `1.21.0`, `1.21rc1` (and, unlike [`is_valid`], `1.21.0rc1`),
/// but not `1`, `1.21rc`, or `1.021`.
pub fn is_valid_go_line(s: &str) -> bool {
    let Some((major, rest)) = decimal(s) else {
        return false;
    };
    if major == "0" {
        return false;
    }
    let Some((_minor, mut rest)) = rest.strip_prefix('.').and_then(decimal) else {
        return false;
    };
    if let Some(after_dot) = rest.strip_prefix('.') {
        let Some((_patch, after_patch)) = decimal(after_dot) else {
            return false;
        };
        rest = after_patch;
    }
    if rest.is_empty() {
        return true;
    }
    let letters = rest.bytes().take_while(u8::is_ascii_lowercase).count();
    let digits = &rest[letters..];
    letters > 0 && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Go's `gover.ModCompare`: compares versions of module `path`, using Go
/// version order for the virtual `go` and `toolchain` modules (`toolchain`
/// versions are compared after dropping `go`) and semver for the rest.
pub fn mod_compare(path: &str, a: &str, b: &str) -> Ordering {
    match path {
        "go" => compare(a, b),
        "toolchain" => compare(toolchain_version(a), toolchain_version(b)),
        _ => semver::compare(a, b),
    }
}

/// Go's `gover.ModIsValid`: is `version` valid syntax for module `path`?
pub fn mod_is_valid(path: &str, version: &str) -> bool {
    match path {
        "go" => is_valid(version),
        "toolchain" => is_valid(from_toolchain(version)),
        _ => semver::is_valid(version),
    }
}

/// A `toolchain` module version as a Go version: accepted bare (`1.21.0`)
/// or as a toolchain name (`go1.21.0`).
fn toolchain_version(name: &str) -> &str {
    if is_valid(name) {
        name
    } else {
        from_toolchain(name)
    }
}

#[cfg(test)]
mod tests;
