//! `exclude` and `retract` as version filters (Go's `CheckExclusions`,
//! `CheckRetractions` and `ShortMessage`), for version queries.
//!
//! Exclusions come from the main go.mod. Retractions come from the go.mod of
//! the module's latest version (found with no filter applied; the caller
//! fetches it); the main module and directory replacements (version `""`)
//! are never retracted, nor is anything whose path is replaced wholesale.

use std::collections::HashSet;
use std::fmt;

use gomodx_modfile::{ModFile, Retract};
use gomodx_module::{ModuleVersion, gover};
use thiserror::Error;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// Why a version may not be used (Go's `ErrDisallowed` cases).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disallowed {
    /// The main go.mod excludes it.
    Excluded,
    /// Its author retracted it, with these rationales (maybe none).
    Retracted(Vec<String>),
}

impl fmt::Display for Disallowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Excluded => f.write_str("excluded by go.mod"),
            Self::Retracted(rationale) => {
                f.write_str("retracted by module author")?;
                match rationale.first() {
                    Some(first) => write!(
                        f,
                        ": {}",
                        short_message(first, "retracted by module author")
                    ),
                    None => Ok(()),
                }
            }
        }
    }
}

/// A disallowed module version: `path@version: excluded by go.mod`, or
/// `path@version: retracted by module author[: <first rationale>]`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{module}: {reason}")]
pub struct DisallowedError {
    /// The module version.
    pub module: ModuleVersion,
    /// Why.
    pub reason: Disallowed,
}

/// The `exclude` lines of a main go.mod.
#[derive(Debug, Clone, Default)]
pub struct Exclusions(HashSet<ModuleVersion>);

impl Exclusions {
    /// The exclusions of `main`.
    pub fn new(main: &ModFile) -> Self {
        Self(main.exclude.iter().map(|x| x.module.clone()).collect())
    }

    /// Go's `CheckExclusions`.
    pub fn check(&self, m: &ModuleVersion) -> Result<(), DisallowedError> {
        if self.0.contains(m) {
            return Err(DisallowedError {
                module: m.clone(),
                reason: Disallowed::Excluded,
            });
        }
        Ok(())
    }
}

/// Go's retraction test: `m` is retracted if some interval of `retracts`
/// (from the latest version's go.mod) contains its version. A version of
/// `""` is never retracted.
pub fn check_retractions(m: &ModuleVersion, retracts: &[Retract]) -> Result<(), DisallowedError> {
    if m.version.is_empty() {
        return Ok(());
    }
    let within = |r: &&Retract| {
        gover::mod_compare(&m.path, &r.interval.low, &m.version).is_le()
            && gover::mod_compare(&m.path, &m.version, &r.interval.high).is_le()
    };
    let hits: Vec<&Retract> = retracts.iter().filter(within).collect();
    if hits.is_empty() {
        return Ok(());
    }
    let rationale = hits
        .iter()
        .filter(|r| !r.rationale.is_empty())
        .map(|r| r.rationale.clone())
        .collect();
    Err(DisallowedError {
        module: m.clone(),
        reason: Disallowed::Retracted(rationale),
    })
}

/// Go's `ShortMessage`: the first line of a go.mod message (rationale,
/// deprecation), trimmed, if safe for a terminal; `empty_default` if empty.
pub fn short_message(message: &str, empty_default: &str) -> String {
    const MAX_LEN: usize = 500;
    let line = message
        .split('\n')
        .next()
        .unwrap_or_default()
        .trim_matches(is_go_space);
    if line.is_empty() {
        return empty_default.to_owned();
    }
    if line.len() > MAX_LEN {
        return "(message omitted: too long)".to_owned();
    }
    if line.chars().any(|c| !is_graphic(c) && !is_go_space(c)) {
        return "(message omitted: contains non-printable characters)".to_owned();
    }
    line.to_owned()
}

/// Go's `unicode.IsSpace` (the White_Space property).
fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `unicode.IsGraphic`: letters, marks, numbers, punctuation, symbols
/// and space separators.
fn is_graphic(c: char) -> bool {
    use GeneralCategoryGroup as G;
    matches!(
        c.general_category_group(),
        G::Letter | G::Mark | G::Number | G::Punctuation | G::Symbol
    ) || c.general_category() == GeneralCategory::SpaceSeparator
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mv(path: &str, version: &str) -> ModuleVersion {
        ModuleVersion::new(path, version)
    }

    #[test]
    fn exclusions() {
        let main = gomodx_modfile::parse("go.mod", b"module m\nexclude a v1.0.0\n").unwrap();
        let ex = Exclusions::new(&main);
        assert_eq!(
            ex.check(&mv("a", "v1.0.0")).unwrap_err().to_string(),
            "a@v1.0.0: excluded by go.mod"
        );
        assert!(ex.check(&mv("a", "v1.0.1")).is_ok());
    }

    #[test]
    fn retractions_use_intervals_and_the_first_rationale() {
        let latest = gomodx_modfile::parse_lax(
            "go.mod",
            b"module a\nretract [v1.0.0, v1.2.0] // bad build\nretract v1.1.0 // second\nretract v1.5.0\n",
        )
        .unwrap();
        let err = check_retractions(&mv("a", "v1.1.0"), &latest.retract).unwrap_err();
        assert_eq!(
            err.reason,
            Disallowed::Retracted(vec!["bad build".into(), "second".into()])
        );
        assert_eq!(
            err.to_string(),
            "a@v1.1.0: retracted by module author: bad build"
        );
        let err = check_retractions(&mv("a", "v1.5.0"), &latest.retract).unwrap_err();
        assert_eq!(err.to_string(), "a@v1.5.0: retracted by module author");
        assert!(check_retractions(&mv("a", "v1.3.0"), &latest.retract).is_ok());
        assert!(check_retractions(&mv("a", ""), &latest.retract).is_ok());
    }

    #[test]
    fn short_messages() {
        assert_eq!(short_message("  first line \nsecond", "d"), "first line");
        assert_eq!(short_message(" \n x", "d"), "d");
        assert_eq!(
            short_message(&"x".repeat(501), "d"),
            "(message omitted: too long)"
        );
        assert_eq!(
            short_message("bell\u{7}", "d"),
            "(message omitted: contains non-printable characters)"
        );
        assert_eq!(short_message("ünïcode – ok", "d"), "ünïcode – ok");
    }
}
