//! Checking hashes against go.sum, and the trust rule that stands in for
//! the checksum database until gomodx can consult it.
//!
//! As in Go's `checkModSum`: a hash go.sum records is accepted; a different
//! recorded `h1:` hash is a hard error. A hash go.sum does not know is
//! accepted (and remembered as new, for the caller to write to go.sum) only
//! when the checksum database is not in play for the module — `GOSUMDB=off`,
//! or the path matches `GONOSUMDB` (which defaults to `GOPRIVATE`). Otherwise
//! it is refused: never silently trusted, never added to go.sum.

use std::collections::BTreeSet;
use std::sync::Mutex;

use gomodx_modfile::GoSum;
use gomodx_module::ModuleVersion;
use gomodx_module::path::match_prefix_patterns;

use crate::error::Error;

/// What hashes to trust: the main module's go.sum and the checksum-database
/// settings.
#[derive(Debug, Clone)]
pub struct SumPolicy {
    /// The main module's go.sum (`None` outside a module: nothing recorded).
    pub go_sum: Option<GoSum>,
    /// `GOSUMDB`: a database name, or `off`.
    pub gosumdb: String,
    /// `GONOSUMDB` globs (default: `GOPRIVATE`).
    pub gonosumdb: String,
}

impl SumPolicy {
    /// A policy that trusts whatever the proxy serves (`GOSUMDB=off`) but
    /// still enforces `go_sum`.
    pub fn sumdb_off(go_sum: Option<GoSum>) -> Self {
        Self { go_sum, gosumdb: "off".to_owned(), gonosumdb: String::new() }
    }

    /// Go's `useSumDB`: whether the checksum database vouches for `path`.
    pub fn uses_sumdb(&self, path: &str) -> bool {
        self.gosumdb != "off" && !match_prefix_patterns(&self.gonosumdb, path)
    }
}

/// A [`SumPolicy`] in use: checks hashes and remembers what it accepted.
#[derive(Debug)]
pub(crate) struct SumChecker {
    policy: SumPolicy,
    /// Hashes accepted that go.sum does not record yet.
    added: Mutex<BTreeSet<(ModuleVersion, String)>>,
}

impl SumChecker {
    pub(crate) fn new(policy: SumPolicy) -> Self {
        Self { policy, added: Mutex::new(BTreeSet::new()) }
    }

    /// Checks `hash` for the go.sum key `key` (`path version` or
    /// `path version/go.mod`); `source` names where the content came from.
    pub(crate) fn check(&self, key: &ModuleVersion, hash: &str, source: &str) -> Result<(), Error> {
        if let Some(go_sum) = &self.policy.go_sum {
            let recorded = go_sum.hashes(key);
            if recorded.iter().any(|h| h == hash) {
                return Ok(());
            }
            if let Some(other) = recorded.iter().find(|h| h.starts_with("h1:")) {
                return Err(Error::ChecksumMismatch {
                    module: key.clone(),
                    downloaded: hash.to_owned(),
                    recorded: other.clone(),
                    sum_file: "go.sum".to_owned(),
                    source: source.to_owned(),
                });
            }
        }
        if self.policy.uses_sumdb(&key.path) {
            return Err(Error::Unverified {
                module: key.clone(),
                downloaded: hash.to_owned(),
                source: source.to_owned(),
                sumdb: self.policy.gosumdb.clone(),
            });
        }
        if self.policy.go_sum.is_some() {
            self.added
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert((key.clone(), hash.to_owned()));
        }
        Ok(())
    }

    /// The hashes accepted so far that go.sum did not record, sorted.
    pub(crate) fn added(&self) -> Vec<(ModuleVersion, String)> {
        self.added.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H1: &str = "h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0=";
    const OTHER: &str = "h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=";

    fn key(path: &str) -> ModuleVersion {
        ModuleVersion::new(path, "v1.5.2")
    }

    fn go_sum() -> GoSum {
        GoSum::parse("go.sum", format!("rsc.io/quote v1.5.2 {H1}\n").as_bytes()).unwrap()
    }

    #[test]
    fn recorded_hashes_pass_and_others_fail() {
        let checker = SumChecker::new(SumPolicy { go_sum: Some(go_sum()), gosumdb: "sum.golang.org".into(), gonosumdb: String::new() });
        checker.check(&key("rsc.io/quote"), H1, "p").unwrap();
        let err = checker.check(&key("rsc.io/quote"), OTHER, "p").unwrap_err();
        assert!(matches!(&err, Error::ChecksumMismatch { recorded, .. } if recorded == H1), "{err}");
        assert!(checker.added().is_empty());
    }

    #[test]
    fn unknown_hashes_need_sumdb_off_or_gonosumdb() {
        let strict = SumChecker::new(SumPolicy { go_sum: Some(go_sum()), gosumdb: "sum.golang.org".into(), gonosumdb: "example.com/private".into() });
        let err = strict.check(&key("rsc.io/sampler"), H1, "p").unwrap_err();
        assert!(matches!(err, Error::Unverified { .. }));
        strict.check(&key("example.com/private/x"), H1, "p").unwrap();
        assert_eq!(strict.added(), [(key("example.com/private/x"), H1.to_owned())]);

        let off = SumChecker::new(SumPolicy::sumdb_off(Some(go_sum())));
        off.check(&ModuleVersion::new("rsc.io/sampler", "v1.3.0/go.mod"), OTHER, "p").unwrap();
        assert_eq!(off.added().len(), 1);
        let err = off.check(&key("rsc.io/quote"), OTHER, "p").unwrap_err();
        assert!(err.is_security(), "go.sum still wins with GOSUMDB=off");
    }

    #[test]
    fn outside_a_module_nothing_is_recorded() {
        let checker = SumChecker::new(SumPolicy::sumdb_off(None));
        checker.check(&key("rsc.io/quote"), H1, "p").unwrap();
        assert!(checker.added().is_empty());
        let strict = SumChecker::new(SumPolicy { go_sum: None, gosumdb: "sum.golang.org".into(), gonosumdb: String::new() });
        assert!(strict.check(&key("rsc.io/quote"), H1, "p").is_err());
    }
}
