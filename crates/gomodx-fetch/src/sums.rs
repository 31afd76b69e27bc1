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

use crate::error::{ChecksumMismatch, Error, Unverified};

/// The module go toolchains are downloaded as; go.sum cannot vouch for it.
const TOOLCHAIN_MODULE: &str = "golang.org/toolchain";

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
    /// Whether `golang.org/toolchain` must be checked against the checksum
    /// database whatever go.sum, `GOSUMDB` and `GONOSUMDB` say: go requires
    /// it unless GOPROXY is a single `file://` URL.
    pub toolchain_needs_sumdb: bool,
}

impl SumPolicy {
    /// A policy that trusts whatever the proxy serves (`GOSUMDB=off`) but
    /// still enforces `go_sum`.
    pub fn sumdb_off(go_sum: Option<GoSum>) -> Self {
        Self {
            go_sum,
            gosumdb: "off".to_owned(),
            gonosumdb: String::new(),
            toolchain_needs_sumdb: false,
        }
    }

    /// Whether go insists on the checksum database for `golang.org/toolchain`
    /// with this GOPROXY (Go's `useSumDB`).
    pub fn toolchain_needs_sumdb_for(goproxy: &str) -> bool {
        !goproxy.starts_with("file://") || goproxy.contains([',', '|'])
    }

    /// Go's `useSumDB`: whether the checksum database vouches for `path`.
    pub fn uses_sumdb(&self, path: &str) -> bool {
        (path == TOOLCHAIN_MODULE && self.toolchain_needs_sumdb)
            || (self.gosumdb != "off" && !match_prefix_patterns(&self.gonosumdb, path))
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
        Self {
            policy,
            added: Mutex::new(BTreeSet::new()),
        }
    }

    /// Whether go.sum records exactly `hash` for `key` (no database asked,
    /// nothing added).
    pub(crate) fn is_recorded(&self, key: &ModuleVersion, hash: &str) -> bool {
        self.policy
            .go_sum
            .as_ref()
            .is_some_and(|go_sum| go_sum.hashes(key).iter().any(|h| h == hash))
    }

    /// Checks `hash` for the go.sum key `key` (`path version` or
    /// `path version/go.mod`); `source` names where the content came from.
    pub(crate) fn check(&self, key: &ModuleVersion, hash: &str, source: &str) -> Result<(), Error> {
        // go.sum never suffices for toolchains: go asks the database anyway.
        let toolchain = key.path == TOOLCHAIN_MODULE && self.policy.toolchain_needs_sumdb;
        if let Some(go_sum) = &self.policy.go_sum {
            let recorded = go_sum.hashes(key);
            let matched = recorded.iter().any(|h| h == hash);
            if matched && !toolchain {
                return Ok(());
            }
            if let Some(other) = recorded.iter().find(|h| !matched && h.starts_with("h1:")) {
                return Err(Error::ChecksumMismatch(Box::new(ChecksumMismatch {
                    module: key.clone(),
                    downloaded: hash.to_owned(),
                    recorded: other.clone(),
                    sum_file: "go.sum".to_owned(),
                    proxy: source.to_owned(),
                })));
            }
        }
        if toolchain && self.policy.gosumdb == "off" {
            return Err(Error::SumdbDisabled {
                module: key.clone(),
            });
        }
        if self.policy.uses_sumdb(&key.path) {
            return Err(Error::Unverified(Box::new(Unverified {
                module: key.clone(),
                downloaded: hash.to_owned(),
                proxy: source.to_owned(),
                sumdb: self.policy.gosumdb.clone(),
            })));
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
        self.added
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
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
        let checker = SumChecker::new(SumPolicy {
            gosumdb: "sum.golang.org".into(),
            ..SumPolicy::sumdb_off(Some(go_sum()))
        });
        checker.check(&key("rsc.io/quote"), H1, "p").unwrap();
        let err = checker.check(&key("rsc.io/quote"), OTHER, "p").unwrap_err();
        assert!(
            matches!(&err, Error::ChecksumMismatch(m) if m.recorded == H1),
            "{err}"
        );
        assert!(checker.added().is_empty());
    }

    #[test]
    fn unknown_hashes_need_sumdb_off_or_gonosumdb() {
        let strict = SumChecker::new(SumPolicy {
            gosumdb: "sum.golang.org".into(),
            gonosumdb: "example.com/private".into(),
            ..SumPolicy::sumdb_off(Some(go_sum()))
        });
        let err = strict.check(&key("rsc.io/sampler"), H1, "p").unwrap_err();
        assert!(matches!(err, Error::Unverified(_)));
        strict
            .check(&key("example.com/private/x"), H1, "p")
            .unwrap();
        assert_eq!(
            strict.added(),
            [(key("example.com/private/x"), H1.to_owned())]
        );

        let off = SumChecker::new(SumPolicy::sumdb_off(Some(go_sum())));
        off.check(
            &ModuleVersion::new("rsc.io/sampler", "v1.3.0/go.mod"),
            OTHER,
            "p",
        )
        .unwrap();
        assert_eq!(off.added().len(), 1);
        let err = off.check(&key("rsc.io/quote"), OTHER, "p").unwrap_err();
        assert!(err.is_security(), "go.sum still wins with GOSUMDB=off");
    }

    #[test]
    fn outside_a_module_nothing_is_recorded() {
        let checker = SumChecker::new(SumPolicy::sumdb_off(None));
        checker.check(&key("rsc.io/quote"), H1, "p").unwrap();
        assert!(checker.added().is_empty());
        let strict = SumChecker::new(SumPolicy {
            gosumdb: "sum.golang.org".into(),
            ..SumPolicy::sumdb_off(None)
        });
        assert!(strict.check(&key("rsc.io/quote"), H1, "p").is_err());
    }

    #[test]
    fn toolchains_always_need_the_database_except_from_one_file_proxy() {
        assert!(SumPolicy::toolchain_needs_sumdb_for(
            "https://proxy.golang.org,direct"
        ));
        assert!(SumPolicy::toolchain_needs_sumdb_for("file:///a,file:///b"));
        assert!(!SumPolicy::toolchain_needs_sumdb_for("file:///a"));
        let toolchain = ModuleVersion::new(TOOLCHAIN_MODULE, "v0.0.1-go1.21.0.linux-amd64/go.mod");
        let go_sum = GoSum::parse(
            "go.sum",
            format!("{TOOLCHAIN_MODULE} {} {H1}\n", toolchain.version).as_bytes(),
        )
        .unwrap();
        let checker = SumChecker::new(SumPolicy {
            toolchain_needs_sumdb: true,
            ..SumPolicy::sumdb_off(Some(go_sum.clone()))
        });
        let err = checker.check(&toolchain, H1, "p").unwrap_err();
        assert_eq!(
            err.to_string(),
            "golang.org/toolchain@v0.0.1-go1.21.0.linux-amd64: verifying go.mod: checksum database disabled by GOSUMDB=off"
        );
        let relaxed = SumChecker::new(SumPolicy::sumdb_off(Some(go_sum)));
        relaxed.check(&toolchain, H1, "p").unwrap();
    }
}
