//! Go module paths and versions, as `golang.org/x/mod/module` and
//! `golang.org/x/mod/semver` define them.
//!
//! - [`path`]: the three path grammars (module, import, file), major-version
//!   suffixes (`/vN`, `gopkg.in/x.vN`) and glob lists (GOPRIVATE …).
//! - [`escape`]: the `!`-lower-case escaping used in proxy URLs and cache paths.
//! - [`semver`]: Go's semver dialect (leading `v`, shorthand, ordering).
//! - [`pseudo`]: pseudo-versions (parse, validate, build).
//! - [`gover`]: Go toolchain versions (`1.21` < `1.21rc1` < `1.21.0`) for the
//!   virtual `go` and `toolchain` modules.
//! - [`quote`]: Go's `%q` quoting, for error messages worded like Go's.
//! - [`time`]: the timestamps of `.info` files, `@v/list` lines and
//!   pseudo-versions (parse, order, write as Go's JSON).
//! - [`ModuleVersion`]: a `path@version` pair ordered like Go's `module.Sort`.

mod error;
pub mod escape;
mod glob;
pub mod gover;
pub mod path;
pub mod pseudo;
pub mod quote;
pub mod semver;
pub mod time;

pub use error::{InvalidPathError, InvalidVersionError, ModuleError, PathKind};
pub use semver::Version;

use std::cmp::Ordering;
use std::fmt;

/// A module path and a version, Go's `module.Version`.
///
/// The version is empty for the main module and for filesystem replacements.
/// Ordering is Go's `module.Sort`: path (byte order), then the semver of the
/// version part before the first `/`, then the rest (`""` < `/go.mod`), then
/// the whole version string (so the order is total). For the virtual `go`
/// and `toolchain` modules the version part is compared as a Go version, as
/// Go's `gover.ModSort` does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModuleVersion {
    /// The module path, unescaped (`rsc.io/QUOTE`).
    pub path: String,
    /// The version (`v1.5.2`), or `""`.
    pub version: String,
}

impl ModuleVersion {
    /// Builds a pair from anything string-like.
    pub fn new(path: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            version: version.into(),
        }
    }
}

impl fmt::Display for ModuleVersion {
    /// `path@version`, or just `path` when the version is empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.version.is_empty() {
            f.write_str(&self.path)
        } else {
            write!(f, "{}@{}", self.path, self.version)
        }
    }
}

impl Ord for ModuleVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a_version, a_file) = split_file_suffix(&self.version);
        let (b_version, b_file) = split_file_suffix(&other.version);
        self.path
            .cmp(&other.path)
            .then_with(|| gover::mod_compare(&self.path, a_version, b_version))
            .then_with(|| a_file.cmp(b_file))
            .then_with(|| self.version.cmp(&other.version))
    }
}

/// `v1.2.3/go.mod` → (`v1.2.3`, `/go.mod`), as go.sum lines pair them.
fn split_file_suffix(version: &str) -> (&str, &str) {
    version.split_at(version.find('/').unwrap_or(version.len()))
}

impl PartialOrd for ModuleVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Go's `module.Check`: the path is a valid module path, the version is
/// valid semver, and the version matches the path's major-version suffix.
pub fn check(path: &str, version: &str) -> Result<(), ModuleError> {
    path::check_path(path)?;
    if !semver::is_valid(version) {
        let err = InvalidVersionError::new(version, false, "not a semantic version");
        return Err(err.with_path(path).into());
    }
    let (_, path_major, _) = path::split_path_version(path);
    path::check_path_major(version, path_major).map_err(|err| match err {
        ModuleError::Version(err) => ModuleError::Version(err.with_path(path)),
        other => other,
    })
}

/// Go's `module.CanonicalVersion`: `semver::canonical` that keeps an exact
/// `+incompatible` build suffix. Returns `""` for invalid input.
pub fn canonical_version(version: &str) -> String {
    let mut canonical = semver::canonical(version);
    if semver::build(version) == "+incompatible" {
        canonical.push_str("+incompatible");
    }
    canonical
}

/// Go's `gover.IsToolchain`: is `path` one of the virtual modules `go` and
/// `toolchain` (never downloaded, never in go.sum)? The real module
/// `golang.org/toolchain` is not.
pub fn is_toolchain_path(path: &str) -> bool {
    path == "go" || path == "toolchain"
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's `checkTests` (module_test.go): (path, version, ok).
    const CHECK: &[(&str, &str, bool)] = &[
        ("rsc.io/quote", "0.1.0", false),
        ("rsc io/quote", "v1.0.0", false),
        ("github.com/go-yaml/yaml", "v0.8.0", true),
        ("github.com/go-yaml/yaml", "v1.0.0", true),
        ("github.com/go-yaml/yaml", "v2.0.0", false),
        ("github.com/go-yaml/yaml", "v2.1.5", false),
        ("github.com/go-yaml/yaml", "v3.0.0", false),
        ("github.com/go-yaml/yaml/v2", "v1.0.0", false),
        ("github.com/go-yaml/yaml/v2", "v2.0.0", true),
        ("github.com/go-yaml/yaml/v2", "v2.1.5", true),
        ("github.com/go-yaml/yaml/v2", "v3.0.0", false),
        ("gopkg.in/yaml.v0", "v0.8.0", true),
        ("gopkg.in/yaml.v0", "v1.0.0", false),
        ("gopkg.in/yaml.v0", "v2.0.0", false),
        ("gopkg.in/yaml.v0", "v2.1.5", false),
        ("gopkg.in/yaml.v0", "v3.0.0", false),
        ("gopkg.in/yaml.v1", "v0.8.0", false),
        ("gopkg.in/yaml.v1", "v1.0.0", true),
        ("gopkg.in/yaml.v1", "v2.0.0", false),
        ("gopkg.in/yaml.v1", "v2.1.5", false),
        ("gopkg.in/yaml.v1", "v3.0.0", false),
        ("gopkg.in/check.v1", "v0.0.0", false),
        (
            "gopkg.in/check.v1",
            "v0.0.0-20160102150405-abcdef123456",
            true,
        ),
        ("gopkg.in/yaml.v2", "v1.0.0", false),
        ("gopkg.in/yaml.v2", "v2.0.0", true),
        ("gopkg.in/yaml.v2", "v2.1.5", true),
        ("gopkg.in/yaml.v2", "v3.0.0", false),
        ("rsc.io/quote", "v17.0.0", false),
        ("rsc.io/quote", "v17.0.0+incompatible", true),
    ];

    #[test]
    fn checks_path_version_pairs() {
        for &(path, version, ok) in CHECK {
            assert_eq!(
                check(path, version).is_ok(),
                ok,
                "check({path:?}, {version:?})"
            );
        }
    }

    #[test]
    fn check_errors_match_go() {
        let cases = [
            (
                "rsc.io/quote",
                "0.1.0",
                "rsc.io/quote@0.1.0: invalid version: not a semantic version",
            ),
            (
                "rsc io/quote",
                "v1.0.0",
                r#"malformed module path "rsc io/quote": invalid char ' '"#,
            ),
            (
                "github.com/go-yaml/yaml",
                "v2.0.0",
                "github.com/go-yaml/yaml@v2.0.0: invalid version: should be v0 or v1, not v2",
            ),
            (
                "github.com/go-yaml/yaml/v2",
                "v1.0.0",
                "github.com/go-yaml/yaml/v2@v1.0.0: invalid version: should be v2, not v1",
            ),
            (
                "gopkg.in/check.v1",
                "v0.0.0",
                "gopkg.in/check.v1@v0.0.0: invalid version: should be v1, not v0",
            ),
        ];
        for (path, version, want) in cases {
            assert_eq!(check(path, version).unwrap_err().to_string(), want);
        }
    }

    #[test]
    fn canonical_versions_keep_incompatible() {
        let cases = [
            ("v2.0.0+incompatible", "v2.0.0+incompatible"),
            ("v2.0.0-pre+incompatible", "v2.0.0-pre+incompatible"),
            ("v2.0.0+incompatible.1", "v2.0.0"),
            ("v1.2+meta", ""),
            ("v1.2", "v1.2.0"),
            ("master", ""),
        ];
        for (version, want) in cases {
            assert_eq!(
                canonical_version(version),
                want,
                "canonical_version({version:?})"
            );
        }
    }

    fn list(spec: &str) -> Vec<ModuleVersion> {
        spec.split(';')
            .map(|item| {
                let (path, version) = item.trim().split_once(' ').unwrap_or((item.trim(), ""));
                ModuleVersion::new(path, version)
            })
            .collect()
    }

    #[test]
    fn sorts_like_go() {
        // Go's `ModSort` table (cmd/go/internal/gover/mod_test.go).
        let mut got = list("z v1.1; a v1.2; a v1.1; go 1.3; toolchain 1.3; toolchain 1.2; go 1.2");
        got.sort();
        assert_eq!(
            got,
            list("a v1.1; a v1.2; go 1.2; go 1.3; toolchain 1.2; toolchain 1.3; z v1.1")
        );

        // go.sum order: semver before the slash, then the file suffix.
        let mut got = list(
            "m v1.10.0/go.mod; m v1.10.0; m v1.9.0/go.mod; m v1.9.0; m v1.9.0-rc.1; go 1.21rc1; go 1.21; m",
        );
        got.sort();
        let want = list(
            "go 1.21; go 1.21rc1; m; m v1.9.0-rc.1; m v1.9.0; m v1.9.0/go.mod; m v1.10.0; m v1.10.0/go.mod",
        );
        assert_eq!(got, want);

        // Versions equal by semver are still ordered (and distinct).
        let a = ModuleVersion::new("m", "v1.0.0+a");
        let b = ModuleVersion::new("m", "v1.0.0+b");
        assert_eq!(a.cmp(&b), Ordering::Less);
        assert_eq!(a.cmp(&a.clone()), Ordering::Equal);
    }

    #[test]
    fn displays_and_classifies() {
        assert_eq!(
            ModuleVersion::new("rsc.io/quote", "v1.5.2").to_string(),
            "rsc.io/quote@v1.5.2"
        );
        assert_eq!(
            ModuleVersion::new("example.com/main", "").to_string(),
            "example.com/main"
        );
        assert!(is_toolchain_path("go"));
        assert!(is_toolchain_path("toolchain"));
        assert!(!is_toolchain_path("anything"));
        assert!(!is_toolchain_path("golang.org/toolchain"));
    }
}
