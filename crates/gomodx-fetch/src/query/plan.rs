//! Parsing a version query into what resolving it takes (Go's
//! `newQueryMatcher`): one `.info` lookup for an exact version or a
//! revision, else a pick from the version list within a prefix and bound.

use gomodx_module::path::{check_path_major, split_path_version};
use gomodx_module::pseudo::is_pseudo_version;
use gomodx_module::quote::quote;
use gomodx_module::semver;

use crate::error::Error;

/// Go's `IsRevisionQuery`: whether `query` names one revision (an exact
/// version, branch, tag or commit) rather than a range. Revision queries
/// are not filtered by exclusions and retractions in `go mod download`.
pub fn is_revision_query(query: &str) -> bool {
    !(matches!(query, "latest" | "upgrade" | "patch")
        || query.starts_with('<')
        || query.starts_with('>')
        || (semver::is_valid(query) && is_version_prefix(query)))
}

/// Go's `gover.ModIsPrefix` for ordinary modules: `v1` or `v1.2`.
fn is_version_prefix(version: &str) -> bool {
    !version.contains(['-', '+']) && version.matches('.').count() < 2
}

/// How a range query picks among listed versions.
#[derive(Debug)]
pub(super) struct Matcher {
    /// Candidates must start with this (`v1.2.` for `v1.2` and `patch`).
    pub(super) prefix: String,
    /// Candidates must lie within this bound.
    pub(super) bound: Bound,
    /// Pick the lowest candidate (`>`, `>=`) rather than the highest.
    pub(super) prefer_lower: bool,
    /// Fall back to the proxy's `@latest` when the list has nothing.
    pub(super) may_use_latest: bool,
    /// Consider `+incompatible` versions even after a compatible version
    /// with a go.mod.
    pub(super) prefer_incompatible: bool,
}

/// A bound on candidate versions.
#[derive(Debug)]
pub(super) enum Bound {
    Any,
    AtLeast(String),
    Above(String),
    AtMost(String),
    Below(String),
}

impl Bound {
    /// Whether `version` lies within the bound.
    pub(super) fn admits(&self, version: &str) -> bool {
        use std::cmp::Ordering::{Greater, Less};
        match self {
            Bound::Any => true,
            Bound::AtLeast(v) => semver::compare(version, v) != Less,
            Bound::Above(v) => semver::compare(version, v) == Greater,
            Bound::AtMost(v) => semver::compare(version, v) != Greater,
            Bound::Below(v) => semver::compare(version, v) == Less,
        }
    }
}

/// What resolving a query takes.
#[derive(Debug)]
pub(super) enum Plan {
    /// One `.info` lookup (an exact version or a revision).
    Stat,
    /// Pick from the version list.
    List(Matcher),
}

/// Go's `newQueryMatcher`.
pub(super) fn plan(path: &str, query: &str, current: &str) -> Result<Plan, Error> {
    let invalid = |reason: String| Error::Invalid {
        path: path.to_owned(),
        version: query.to_owned(),
        reason,
    };
    let matches_major = |v: &str| {
        let (_, major, ok) = split_path_version(path);
        ok && check_path_major(v, major).is_ok()
    };
    let has_current = !current.is_empty() && current != "none";
    let mut matcher = Matcher {
        prefix: String::new(),
        bound: Bound::Any,
        prefer_lower: false,
        may_use_latest: false,
        prefer_incompatible: current.ends_with("+incompatible"),
    };
    let operand = |op: &str| -> Result<String, Error> {
        let v = &query[op.len()..];
        if semver::is_valid(v) {
            Ok(v.to_owned())
        } else {
            Err(invalid(format!(
                "invalid semantic version {} in range {}",
                quote(v),
                quote(query)
            )))
        }
    };
    let ambiguous = |v: &str| {
        invalid(format!(
            "ambiguous semantic version {} in range {}",
            quote(v),
            quote(query)
        ))
    };
    match query {
        "latest" => matcher.may_use_latest = true,
        "upgrade" if !has_current => matcher.may_use_latest = true,
        "upgrade" => {
            matcher.may_use_latest = is_pseudo_version(current);
            matcher.bound = Bound::AtLeast(current.to_owned());
        }
        "patch" if !has_current => {
            return Err(Error::NoPatchBase {
                path: path.to_owned(),
            });
        }
        "patch" => {
            matcher.may_use_latest = is_pseudo_version(current);
            matcher.prefix = format!("{}.", semver::major_minor(current));
            matcher.bound = Bound::AtLeast(current.to_owned());
        }
        _ if query.starts_with("<=") => {
            let v = operand("<=")?;
            if is_version_prefix(&v) {
                return Err(ambiguous(&v));
            }
            matcher.prefer_incompatible |= !matches_major(&v);
            matcher.bound = Bound::AtMost(v);
        }
        _ if query.starts_with('<') => {
            let v = operand("<")?;
            matcher.prefer_incompatible |= !matches_major(&v);
            matcher.bound = Bound::Below(v);
        }
        _ if query.starts_with(">=") => {
            let v = operand(">=")?;
            matcher.prefer_incompatible |= !matches_major(&v);
            matcher.bound = Bound::AtLeast(v);
            matcher.prefer_lower = true;
        }
        _ if query.starts_with('>') => {
            let v = operand(">")?;
            if is_version_prefix(&v) {
                return Err(ambiguous(&v));
            }
            matcher.prefer_incompatible |= !matches_major(&v);
            matcher.bound = Bound::Above(v);
            matcher.prefer_lower = true;
        }
        _ if semver::is_valid(query) && is_version_prefix(query) => {
            matcher.prefix = format!("{query}.");
            matcher.bound = Bound::AtLeast(query.to_owned());
            matcher.prefer_incompatible |= !matches_major(query);
        }
        _ => return Ok(Plan::Stat),
    }
    Ok(Plan::List(matcher))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_queries() {
        for query in ["v1.2.3", "master", "abcdef0", "v1.2.3+meta", "none"] {
            assert!(is_revision_query(query), "{query}");
        }
        for query in [
            "latest", "upgrade", "patch", "<v1.2.3", ">=v1", "v1", "v1.2",
        ] {
            assert!(!is_revision_query(query), "{query}");
        }
    }

    #[test]
    fn plans_follow_go() {
        let list =
            |path: &str, query: &str, current: &str| match plan(path, query, current).unwrap() {
                Plan::List(m) => m,
                Plan::Stat => panic!("{query}: expected a list query"),
            };
        assert!(matches!(plan("m.com/x", "v1.2.3", "").unwrap(), Plan::Stat));
        assert!(matches!(plan("m.com/x", "main", "").unwrap(), Plan::Stat));
        let m = list("m.com/x", "v1.2", "");
        assert_eq!(m.prefix, "v1.2.");
        assert!(m.bound.admits("v1.2.0") && !m.bound.admits("v1.2.0-pre"));
        let m = list("m.com/x", "patch", "v1.2.3");
        assert_eq!(m.prefix, "v1.2.");
        assert!(!m.may_use_latest);
        let m = list("m.com/x", ">=v1.1.0", "");
        assert!(m.prefer_lower && m.bound.admits("v1.1.0") && !m.bound.admits("v1.0.9"));
        let m = list("m.com/x", "<v3.0.0", "");
        assert!(m.prefer_incompatible, "v3 does not match the path's major");
        assert!(list("m.com/x", "upgrade", "v0.0.0-20200101000000-abcdefabcdef").may_use_latest);
        assert!(list("m.com/x", "latest", "").may_use_latest);
        let error =
            |query: &str, current: &str| plan("m.com/x", query, current).unwrap_err().to_string();
        assert_eq!(
            error("<=v1.2", ""),
            r#"m.com/x@<=v1.2: ambiguous semantic version "v1.2" in range "<=v1.2""#
        );
        assert_eq!(
            error("<x", ""),
            r#"m.com/x@<x: invalid semantic version "x" in range "<x""#
        );
        assert_eq!(
            error("patch", ""),
            r#"can't query version "patch" of module m.com/x: no existing version is required"#
        );
    }
}
