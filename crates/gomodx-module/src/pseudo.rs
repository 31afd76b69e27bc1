//! Pseudo-versions (`golang.org/x/mod/module/pseudo.go`).
//!
//! A pseudo-version names an untagged commit: `vX.0.0-TIME-REV` (no base
//! tag), `vX.Y.(Z+1)-0.TIME-REV` (after release `vX.Y.Z`) or
//! `vX.Y.Z-PRE.0.TIME-REV` (after pre-release `vX.Y.Z-PRE`), each optionally
//! followed by build metadata such as `+incompatible`. TIME is the commit
//! time in UTC as `yyyymmddhhmmss`.

use crate::{InvalidVersionError, ModuleError, semver};

/// The timestamp of [`zero_pseudo_version`] (Go's zero `time.Time`).
const ZERO_TIME: &str = "00010101000000";

/// `module.IsPseudoVersion`.
///
/// Go matches a regular expression; this checks the same shape by hand: a
/// valid semver whose build-free part ends in `-TIME-REV` (14 digits, then
/// ASCII letters and digits) after either `vN.0.0` or `vX.Y.Z-[….]0.`.
pub fn is_pseudo_version(version: &str) -> bool {
    parts(version).is_some()
}

/// The parts of a pseudo-version: base (`vX.0.0`, `vX.Y.(Z+1)-0` or
/// `vX.Y.Z-PRE.0`), timestamp, revision and build suffix.
struct Parts<'a> {
    base: &'a str,
    time: &'a str,
    rev: &'a str,
    build: &'a str,
}

/// Splits a pseudo-version into its parts; `None` for anything else.
fn parts(version: &str) -> Option<Parts<'_>> {
    if version.matches('-').count() < 2 || !semver::is_valid(version) {
        return None;
    }
    // From here on the text is valid semver, so the release part before the
    // first `-` is `vX.Y.Z` and there are no `+` before the build suffix.
    let (core, build) = version.split_at(version.find('+').unwrap_or(version.len()));
    let (rest, rev) = core.rsplit_once('-')?;
    if rev.is_empty() || !rev.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let time_start = rest.len().checked_sub(14)?;
    let (head, time) = rest.split_at_checked(time_start)?;
    if !time.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(base) = head.strip_suffix('-') {
        // Form 1: `vN.0.0-TIME-REV`.
        let major = base.strip_prefix('v')?.strip_suffix(".0.0")?;
        if !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()) {
            return Some(Parts {
                base,
                time,
                rev,
                build,
            });
        }
    }
    // Forms 2 and 4: `vX.Y.Z-` + optional `anything.` + `0.TIME-REV`.
    let base = head.strip_suffix('.')?;
    let before_zero = base.strip_suffix('0')?;
    let release = core.split_once('-')?.0;
    let between = before_zero.strip_prefix(release)?.strip_prefix('-')?;
    (between.is_empty() || between.ends_with('.')).then_some(Parts {
        base,
        time,
        rev,
        build,
    })
}

fn parse(version: &str) -> Result<Parts<'_>, ModuleError> {
    parts(version).ok_or_else(|| syntax_error(version))
}

fn syntax_error(version: &str) -> ModuleError {
    invalid(version, "syntax error".into())
}

fn invalid(version: &str, reason: String) -> ModuleError {
    InvalidVersionError::new(version, true, reason).into()
}

/// `module.PseudoVersion(major, older, t, rev)`: `time` is the commit time in
/// UTC as `yyyymmddhhmmss`.
///
/// `major` defaults to `v0`; `older` is the closest tag (`""`, `v1.2.3`,
/// `v1.2.3-pre`), whose build suffix is carried over.
pub fn pseudo_version(major: &str, older: &str, time: &str, rev: &str) -> String {
    let major = if major.is_empty() { "v0" } else { major };
    let build = semver::build(older);
    let older = semver::canonical(older);
    if older.is_empty() {
        format!("{major}.0.0-{time}-{rev}")
    } else if !semver::prerelease(&older).is_empty() {
        format!("{older}.0.{time}-{rev}{build}")
    } else {
        let (major_minor, patch) = older
            .rsplit_once('.')
            .expect("canonical versions have a patch");
        format!(
            "{major_minor}.{}-0.{time}-{rev}{build}",
            increment_decimal(patch)
        )
    }
}

/// `module.ZeroPseudoVersion`: `vX.0.0-00010101000000-000000000000`.
pub fn zero_pseudo_version(major: &str) -> String {
    pseudo_version(major, "", ZERO_TIME, "000000000000")
}

/// `module.IsZeroPseudoVersion`: is this exactly [`zero_pseudo_version`] of its major?
pub fn is_zero_pseudo_version(version: &str) -> bool {
    version == zero_pseudo_version(semver::major(version))
}

/// `module.PseudoVersionTime`: the 14-digit timestamp.
///
/// Fails like Go for non-pseudo-versions (`syntax error`) and for timestamps
/// that are not a real date and time (`malformed time "…"`).
pub fn pseudo_version_time(version: &str) -> Result<String, ModuleError> {
    let time = parse(version)?.time;
    if crate::time::Timestamp::parse_compact(time).is_some() {
        Ok(time.to_owned())
    } else {
        Err(invalid(
            version,
            format!("malformed time {}", crate::quote::quote(time)),
        ))
    }
}

/// `module.PseudoVersionRev`: the revision after the last `-`.
pub fn pseudo_version_rev(version: &str) -> Result<String, ModuleError> {
    Ok(parse(version)?.rev.to_owned())
}

/// `module.PseudoVersionBase`: the version the pseudo-version was built on
/// (`""` for form 1).
pub fn pseudo_version_base(version: &str) -> Result<String, ModuleError> {
    let Parts { base, build, .. } = parse(version)?;
    match semver::prerelease(base) {
        "" if build.is_empty() => Ok(String::new()),
        "" => Err(invalid(
            version,
            format!(
                "lacks base version, but has build metadata {}",
                crate::quote::quote(build)
            ),
        )),
        "-0" => {
            let release = &base[..base.len() - 2];
            let (major_minor, patch) = release
                .rsplit_once('.')
                .expect("a pseudo-version base has a patch");
            match decrement_decimal(patch) {
                Some(patch) => Ok(format!("{major_minor}.{patch}{build}")),
                None => Err(invalid(
                    version,
                    format!("version before {release} would have negative patch number"),
                )),
            }
        }
        _ => {
            let pre_base = base
                .strip_suffix(".0")
                .expect("split() requires `.0` before the time");
            Ok(format!("{pre_base}{build}"))
        }
    }
}

/// Adds one to a decimal string of any length (`9` → `10`).
fn increment_decimal(decimal: &str) -> String {
    let mut digits = decimal.as_bytes().to_vec();
    for digit in digits.iter_mut().rev() {
        if *digit == b'9' {
            *digit = b'0';
        } else {
            *digit += 1;
            return String::from_utf8(digits).expect("ASCII digits");
        }
    }
    format!("1{}", String::from_utf8(digits).expect("ASCII digits"))
}

/// Subtracts one from a decimal string (`100` → `99`); `None` for zero.
fn decrement_decimal(decimal: &str) -> Option<String> {
    let mut digits = decimal.as_bytes().to_vec();
    let i = digits.iter().rposition(|&d| d != b'0')?;
    digits[i] -= 1;
    digits[i + 1..].fill(b'9');
    if i == 0 && digits[0] == b'0' && digits.len() > 1 {
        digits.remove(0);
    }
    Some(String::from_utf8(digits).expect("ASCII digits"))
}

#[cfg(test)]
mod tests;
