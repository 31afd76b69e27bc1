//! Go's semver dialect (`golang.org/x/mod/semver`): a leading `v`,
//! shorthand `vX`/`vX.Y`, build metadata ignored when ordering.
//!
//! # How this relates to the `semver` crate
//!
//! Go's dialect differs from SemVer 2.0 (and so from the `semver` crate)
//! in the version core, so that part is hand-written here:
//!
//! - versions start with `v` (`v1.2.3`); the crate rejects it;
//! - `vX` and `vX.Y` are valid shorthand for `vX.0.0` / `vX.Y.0`, but cannot
//!   carry a pre-release or build suffix (`v1.2-pre` is invalid);
//! - MAJOR, MINOR and PATCH have no size limit (they are compared by length,
//!   then lexically); the crate stores them as `u64`;
//! - every invalid string sorts below every valid one and all invalid
//!   strings are equal; the crate cannot represent them at all;
//! - build metadata never affects ordering (`v2.0.0+incompatible` equals
//!   `v2.0.0`); the crate's `Ord` includes it (only `cmp_precedence` does not).
//!
//! The suffixes are where the two agree, so they are delegated to the crate:
//! [`::semver::Prerelease`] validates pre-release identifiers (non-empty,
//! `[0-9A-Za-z-]`, no leading zeros in numeric identifiers) and supplies
//! their precedence (numeric < alphanumeric, numbers by value with no size
//! limit, a longer list wins a tie, a release beats any pre-release), and
//! [`::semver::BuildMetadata`] validates build identifiers (leading zeros
//! allowed). Both match Go's `parsePrerelease`, `parseBuild` and
//! `comparePrerelease` rule for rule; the only extra check needed is that a
//! `-` or `+` is followed by at least one identifier.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::InvalidVersionError;

/// A parsed valid version; every `&str` borrows from the input.
struct Parsed<'a> {
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    /// What shorthand omitted (`.0.0`, `.0` or ``).
    short: &'static str,
    /// `-pre`, or empty.
    prerelease: &'a str,
    /// The validated pre-release, for precedence.
    pre: ::semver::Prerelease,
    /// `+build`, or empty.
    build: &'a str,
}

fn parse(version: &str) -> Option<Parsed<'_>> {
    let rest = version.strip_prefix('v')?;
    let (major, rest) = parse_number(rest)?;
    let Some(rest) = rest.strip_prefix('.') else {
        return rest
            .is_empty()
            .then(|| Parsed::short(major, "0", "0", ".0.0"));
    };
    let (minor, rest) = parse_number(rest)?;
    let Some(rest) = rest.strip_prefix('.') else {
        return rest
            .is_empty()
            .then(|| Parsed::short(major, minor, "0", ".0"));
    };
    let (patch, rest) = parse_number(rest)?;
    let (prerelease, build) = rest.split_at(rest.find('+').unwrap_or(rest.len()));
    let pre = match prerelease.strip_prefix('-') {
        Some(ids) if !ids.is_empty() => ::semver::Prerelease::new(ids).ok()?,
        Some(_) => return None,
        None if prerelease.is_empty() => ::semver::Prerelease::EMPTY,
        None => return None,
    };
    if let Some(ids) = build.strip_prefix('+')
        && (ids.is_empty() || ::semver::BuildMetadata::new(ids).is_err())
    {
        return None;
    }
    Some(Parsed {
        major,
        minor,
        patch,
        short: "",
        prerelease,
        pre,
        build,
    })
}

impl<'a> Parsed<'a> {
    fn short(major: &'a str, minor: &'a str, patch: &'a str, short: &'static str) -> Self {
        let pre = ::semver::Prerelease::EMPTY;
        Parsed {
            major,
            minor,
            patch,
            short,
            prerelease: "",
            pre,
            build: "",
        }
    }
}

/// A decimal number without leading zeros, and the rest of the input.
fn parse_number(s: &str) -> Option<(&str, &str)> {
    let len = s.bytes().take_while(u8::is_ascii_digit).count();
    if len == 0 || (len > 1 && s.starts_with('0')) {
        return None;
    }
    Some(s.split_at(len))
}

/// Compares two decimal numbers without leading zeros, of any length.
pub(crate) fn compare_decimal(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// `semver.IsValid`.
pub fn is_valid(version: &str) -> bool {
    parse(version).is_some()
}

/// `semver.Canonical`: `v1` → `v1.0.0`, build metadata dropped, `""` if invalid.
pub fn canonical(version: &str) -> String {
    match parse(version) {
        None => String::new(),
        Some(p) if !p.build.is_empty() => version[..version.len() - p.build.len()].to_owned(),
        Some(p) => format!("{version}{}", p.short),
    }
}

/// `semver.Compare`: invalid < valid, two invalid are equal, build ignored.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (parse(a), parse(b)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => compare_decimal(a.major, b.major)
            .then_with(|| compare_decimal(a.minor, b.minor))
            .then_with(|| compare_decimal(a.patch, b.patch))
            .then_with(|| a.pre.cmp(&b.pre)),
    }
}

/// `semver.Major`: `v2.1.0` → `v2`; `""` if invalid.
pub fn major(version: &str) -> &str {
    parse(version).map_or("", |p| &version[..1 + p.major.len()])
}

/// `semver.MajorMinor`: `v2.1.0` → `v2.1`; `""` if invalid.
pub fn major_minor(version: &str) -> String {
    match parse(version) {
        None => String::new(),
        // Shorthand `vX` has no minor in the text; every other form does.
        Some(p) if p.short == ".0.0" => format!("{version}.0"),
        Some(p) => version[..1 + p.major.len() + 1 + p.minor.len()].to_owned(),
    }
}

/// `semver.Prerelease`: `v1.2.3-pre+b` → `-pre`; `""` if none or invalid.
pub fn prerelease(version: &str) -> &str {
    parse(version).map_or("", |p| p.prerelease)
}

/// `semver.Build`: `v1.2.3+b` → `+b`; `""` if none or invalid.
pub fn build(version: &str) -> &str {
    parse(version).map_or("", |p| p.build)
}

/// `semver.Sort`: by [`compare`], ties broken by plain string order.
pub fn sort(versions: &mut [String]) {
    versions.sort_by(|a, b| compare(a, b).then_with(|| a.cmp(b)));
}

/// The greater of two versions by [`compare`] (`a` on ties).
///
/// Unlike Go's deprecated `semver.Max`, the result is not canonicalised.
pub fn max<'a>(a: &'a str, b: &'a str) -> &'a str {
    if compare(a, b) == Ordering::Less {
        b
    } else {
        a
    }
}

/// A valid Go semantic version (`v1.2.3`, `v1.2`, `v2.0.0+incompatible`),
/// kept as spelled.
///
/// Ordered by [`compare`] with ties broken by string order (as [`sort`]
/// does), so distinct spellings of one version (`v1` and `v1.0.0`) are
/// distinct keys and the order is total and consistent with equality.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version(String);

impl Version {
    /// Validates `version`; the error is Go's `not a semantic version`.
    pub fn parse(version: &str) -> Result<Self, InvalidVersionError> {
        if is_valid(version) {
            Ok(Self(version.to_owned()))
        } else {
            Err(InvalidVersionError::new(
                version,
                false,
                "not a semantic version",
            ))
        }
    }

    /// The version as spelled.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// [`canonical`] form: shorthand expanded, build metadata dropped.
    pub fn canonical(&self) -> Version {
        Version(canonical(&self.0))
    }

    /// Whether the version is already canonical (`v1.2.3`, `v1.2.3-pre`).
    pub fn is_canonical(&self) -> bool {
        canonical(&self.0) == self.0
    }

    /// [`major`]: `v2`.
    pub fn major(&self) -> &str {
        major(&self.0)
    }

    /// [`prerelease`]: `-pre`, or `""`.
    pub fn prerelease(&self) -> &str {
        prerelease(&self.0)
    }

    /// [`build`]: `+incompatible`, or `""`.
    pub fn build(&self) -> &str {
        build(&self.0)
    }

    /// The owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.0, &other.0).then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Version {
    type Err = InvalidVersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AsRef<str> for Version {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<Version> for String {
    fn from(version: Version) -> String {
        version.0
    }
}

#[cfg(test)]
mod tests;
