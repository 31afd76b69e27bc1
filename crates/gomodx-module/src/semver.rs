//! Go's semver dialect (`golang.org/x/mod/semver`): a leading `v`,
//! shorthand `vX`/`vX.Y`, build metadata ignored when ordering.

use std::cmp::Ordering;

/// `semver.IsValid`.
pub fn is_valid(version: &str) -> bool {
    todo!()
}

/// `semver.Canonical`: `v1` → `v1.0.0`, build metadata dropped, `""` if invalid.
pub fn canonical(version: &str) -> String {
    todo!()
}

/// `semver.Compare`: invalid < valid, two invalid are equal, build ignored.
pub fn compare(a: &str, b: &str) -> Ordering {
    todo!()
}

/// `semver.Major`: `v2.1.0` → `v2`; `""` if invalid.
pub fn major(version: &str) -> &str {
    todo!()
}

/// `semver.MajorMinor`: `v2.1.0` → `v2.1`; `""` if invalid.
pub fn major_minor(version: &str) -> String {
    todo!()
}

/// `semver.Prerelease`: `v1.2.3-pre+b` → `-pre`; `""` if none or invalid.
pub fn prerelease(version: &str) -> &str {
    todo!()
}

/// `semver.Build`: `v1.2.3+b` → `+b`; `""` if none or invalid.
pub fn build(version: &str) -> &str {
    todo!()
}

/// `semver.Sort`: by [`compare`], ties broken by plain string order.
pub fn sort(versions: &mut [String]) {
    versions.sort_by(|a, b| compare(a, b).then_with(|| a.cmp(b)));
}

/// `semver.Max`: the greater of two versions (`a` on ties).
pub fn max<'a>(a: &'a str, b: &'a str) -> &'a str {
    if compare(a, b) == Ordering::Less { b } else { a }
}
