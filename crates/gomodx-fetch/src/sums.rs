//! Checking hashes against go.sum and the checksum database.
//!
//! As in Go's `checkModSum`: a hash go.sum records is accepted; a different
//! recorded `h1:` hash is a hard error. A hash go.sum does not know is
//! accepted without asking only when the checksum database is not in play
//! for the module — `GOSUMDB=off`, or the path matches `GONOSUMDB` (which
//! defaults to `GOPRIVATE`). Otherwise the database must vouch for it
//! (`gomodx-sumdb`, with transparency-log proofs); only then is it
//! remembered as new, for the caller to write to go.sum.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use gomodx_client::Client;
use gomodx_modfile::GoSum;
use gomodx_module::ModuleVersion;
use gomodx_module::path::match_prefix_patterns;
use gomodx_sumdb::{Database, DatabaseConfig, SumdbError};

use crate::error::{ChecksumMismatch, Error, SumdbFailure, SumdbReason};

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
    /// Where go keeps each database's latest signed tree:
    /// `$GOPATH/pkg/sumdb` for the first GOPATH entry (`None` without one).
    pub sumdb_dir: Option<PathBuf>,
}

impl SumPolicy {
    /// The policy `env` asks for (GOSUMDB, GONOSUMDB, go's sumdb directory),
    /// trusting `go_sum` first.
    pub fn from_env(go_sum: Option<GoSum>, env: &gomodx_goenv::FetchEnv) -> Self {
        Self {
            go_sum,
            gosumdb: env.gosumdb.clone(),
            gonosumdb: env.gonosumdb.clone(),
            toolchain_needs_sumdb: Self::toolchain_needs_sumdb_for(&env.goproxy),
            sumdb_dir: env.sumdb_dir.clone(),
        }
    }

    /// A policy that trusts whatever the proxy serves (`GOSUMDB=off`) but
    /// still enforces `go_sum`.
    pub fn sumdb_off(go_sum: Option<GoSum>) -> Self {
        Self {
            go_sum,
            gosumdb: "off".to_owned(),
            gonosumdb: String::new(),
            toolchain_needs_sumdb: false,
            sumdb_dir: None,
        }
    }

    /// Whether go insists on the checksum database for `golang.org/toolchain`
    /// with this GOPROXY (Go's `useSumDB`).
    pub fn toolchain_needs_sumdb_for(goproxy: &str) -> bool {
        !goproxy.starts_with("file://") || goproxy.contains([',', '|'])
    }

    /// Go's `useSumDB`: whether the checksum database vouches for `path`.
    pub fn uses_sumdb(&self, path: &str) -> bool {
        self.toolchain_in_sumdb(path)
            || (self.gosumdb != "off" && !match_prefix_patterns(&self.gonosumdb, path))
    }

    /// Whether `path` is go's toolchain module and go asks the checksum
    /// database for it whatever go.sum says.
    fn toolchain_in_sumdb(&self, path: &str) -> bool {
        path == TOOLCHAIN_MODULE && self.toolchain_needs_sumdb
    }
}

/// A [`SumPolicy`] in use: checks hashes, asks the checksum database when
/// go would, and remembers what it accepted.
pub(crate) struct SumChecker {
    policy: SumPolicy,
    /// How the database is reached: the client, GOMODCACHE's
    /// `cache/download/sumdb` and, offline, why.
    client: Client,
    cache_dir: PathBuf,
    offline: Option<String>,
    /// Dialled on first need (Go's `dbDial`, once per process).
    database: OnceLock<Result<Arc<Database>, SumdbError>>,
    /// Hashes accepted that go.sum does not record yet.
    added: Mutex<BTreeSet<(ModuleVersion, String)>>,
}

impl SumChecker {
    /// A checker for `policy`, reaching the database with `client`,
    /// caching under `mod_cache` (GOMODCACHE); `offline` forbids the network.
    pub(crate) fn new(
        policy: SumPolicy,
        client: Client,
        mod_cache: &std::path::Path,
        offline: Option<String>,
    ) -> Self {
        Self {
            policy,
            client,
            cache_dir: mod_cache.join("cache/download/sumdb"),
            offline,
            database: OnceLock::new(),
            added: Mutex::new(BTreeSet::new()),
        }
    }

    /// Whether go.sum settles `hash` for `key` as [`Self::check_now`] would
    /// (the first line that is this hash or another `h1:` one decides; no
    /// database asked, nothing added).
    pub(crate) fn is_recorded(&self, key: &ModuleVersion, hash: &str) -> bool {
        self.policy
            .go_sum
            .as_ref()
            .and_then(|go_sum| decisive_line(go_sum, key, hash))
            .is_some_and(|h| h == hash)
    }

    /// Whether go.sum records an `h1:` hash of `module`'s zip, so that
    /// [`Self::check_now`] settles it without the checksum database
    /// (never for toolchains, which go checks there anyway).
    pub(crate) fn records_zip(&self, module: &ModuleVersion) -> bool {
        !self.policy.toolchain_in_sumdb(&module.path)
            && self
                .policy
                .go_sum
                .as_ref()
                .is_some_and(|go_sum| go_sum.hashes(module).iter().any(|h| h.starts_with("h1:")))
    }

    /// Checks `hash` for the go.sum key `key` (`path version` or
    /// `path version/go.mod`) without waiting: `None` when the checksum
    /// database has to be asked ([`Self::check`]). `source` names where the
    /// content came from.
    pub(crate) fn check_now(
        &self,
        key: &ModuleVersion,
        hash: &str,
        source: &str,
    ) -> Option<Result<(), Error>> {
        // go.sum never suffices for toolchains: go asks the database anyway.
        let toolchain = self.policy.toolchain_in_sumdb(&key.path);
        if let Some(go_sum) = &self.policy.go_sum {
            let decisive = decisive_line(go_sum, key, hash);
            if decisive.is_some_and(|h| h == hash) {
                if !toolchain {
                    return Some(Ok(()));
                }
            } else if let Some(other) = decisive {
                return Some(Err(Error::ChecksumMismatch(Box::new(ChecksumMismatch {
                    module: key.clone(),
                    downloaded: hash.to_owned(),
                    recorded: other.clone(),
                    sum_file: "go.sum".to_owned(),
                    proxy: source.to_owned(),
                }))));
            }
        }
        if toolchain && self.policy.gosumdb == "off" {
            return Some(Err(Error::SumdbDisabled {
                module: key.clone(),
            }));
        }
        if self.policy.uses_sumdb(&key.path) {
            return None;
        }
        self.add(key, hash);
        Some(Ok(()))
    }

    /// Checks `hash` for `key` as [`Self::check_now`] does, asking the
    /// checksum database when go would (Go's `checkSumDB`).
    pub(crate) async fn check(
        &self,
        key: &ModuleVersion,
        hash: &str,
        source: &str,
    ) -> Result<(), Error> {
        if let Some(result) = self.check_now(key, hash, source) {
            return result;
        }
        let failure = |reason| {
            Error::Sumdb(Box::new(SumdbFailure {
                module: key.clone(),
                reason,
            }))
        };
        let lookup_failure = |error| {
            failure(SumdbReason::Lookup {
                lookup: key.to_string(),
                error,
            })
        };
        let database = self.database().map_err(lookup_failure)?;
        let lines = database
            .lookup(&key.path, &key.version)
            .await
            .map_err(lookup_failure)?;
        let have = format!("{} {} {hash}", key.path, key.version);
        let prefix = format!("{} {} h1:", key.path, key.version);
        for line in &lines {
            if *line == have {
                self.add(key, hash);
                return Ok(());
            }
            if line.starts_with(&prefix) {
                return Err(failure(SumdbReason::Mismatch {
                    downloaded: hash.to_owned(),
                    database: database.name().to_owned(),
                    recorded: line[prefix.len() - 3..].to_owned(),
                }));
            }
        }
        Err(failure(SumdbReason::Absent))
    }

    fn database(&self) -> Result<Arc<Database>, SumdbError> {
        self.database
            .get_or_init(|| {
                let config = DatabaseConfig {
                    gosumdb: self.policy.gosumdb.clone(),
                    proxies: self.client.proxies().clone(),
                    cache_dir: self.cache_dir.clone(),
                    config_dir: self.policy.sumdb_dir.clone(),
                    offline: self.offline.clone(),
                };
                Database::dial(config, self.client.clone()).map(Arc::new)
            })
            .clone()
    }

    /// Remembers an accepted hash go.sum lacks (inside a module only).
    fn add(&self, key: &ModuleVersion, hash: &str) {
        if self.policy.go_sum.is_some() && !self.is_recorded(key, hash) {
            self.added
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert((key.clone(), hash.to_owned()));
        }
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

/// The go.sum hash that decides whether `hash` is accepted for `key`, as
/// go's `haveModSumLocked`: the first line, in go.sum's order, that is
/// either this hash or another `h1:` hash.
fn decisive_line<'a>(go_sum: &'a GoSum, key: &ModuleVersion, hash: &str) -> Option<&'a String> {
    go_sum
        .hashes(key)
        .iter()
        .find(|h| *h == hash || h.starts_with("h1:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H1: &str = "h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0=";
    const OTHER: &str = "h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=";

    fn key(path: &str) -> ModuleVersion {
        ModuleVersion::new(path, "v1.5.2")
    }

    fn new_checker(policy: SumPolicy) -> SumChecker {
        let proxies = gomodx_client::ProxyList::parse("off", "").unwrap();
        let client = Client::new(gomodx_client::ClientConfig::new(proxies));
        let offline = Some("the test".to_owned());
        SumChecker::new(
            policy,
            client,
            std::path::Path::new("/nonexistent"),
            offline,
        )
    }

    fn go_sum() -> GoSum {
        GoSum::parse("go.sum", format!("rsc.io/quote v1.5.2 {H1}\n").as_bytes()).unwrap()
    }

    #[test]
    fn recorded_hashes_pass_and_others_fail() {
        let checker = new_checker(SumPolicy {
            gosumdb: "sum.golang.org".into(),
            ..SumPolicy::sumdb_off(Some(go_sum()))
        });
        checker
            .check_now(&key("rsc.io/quote"), H1, "p")
            .unwrap()
            .unwrap();
        let err = checker
            .check_now(&key("rsc.io/quote"), OTHER, "p")
            .unwrap()
            .unwrap_err();
        assert!(
            matches!(&err, Error::ChecksumMismatch(m) if m.recorded == H1),
            "{err}"
        );
        assert!(checker.added().is_empty());
    }

    #[test]
    fn the_first_recorded_h1_decides_as_in_go() {
        let sums = |text: String| {
            new_checker(SumPolicy::sumdb_off(Some(
                GoSum::parse("go.sum", text.as_bytes()).unwrap(),
            )))
        };
        let wrong_first = sums(format!(
            "rsc.io/quote v1.5.2 {OTHER}\nrsc.io/quote v1.5.2 {H1}\n"
        ));
        let err = wrong_first
            .check_now(&key("rsc.io/quote"), H1, "p")
            .unwrap()
            .unwrap_err();
        assert!(
            matches!(&err, Error::ChecksumMismatch(m) if m.recorded == OTHER),
            "{err}"
        );
        let right_first = sums(format!(
            "rsc.io/quote v1.5.2 {H1}\nrsc.io/quote v1.5.2 {OTHER}\n"
        ));
        right_first
            .check_now(&key("rsc.io/quote"), H1, "p")
            .unwrap()
            .unwrap();
    }

    #[test]
    fn unknown_hashes_need_sumdb_off_or_gonosumdb() {
        let strict = new_checker(SumPolicy {
            gosumdb: "sum.golang.org".into(),
            gonosumdb: "example.com/private".into(),
            ..SumPolicy::sumdb_off(Some(go_sum()))
        });
        assert!(
            strict.check_now(&key("rsc.io/sampler"), H1, "p").is_none(),
            "the database must be asked"
        );
        strict
            .check_now(&key("example.com/private/x"), H1, "p")
            .unwrap()
            .unwrap();
        assert_eq!(
            strict.added(),
            [(key("example.com/private/x"), H1.to_owned())]
        );

        let off = new_checker(SumPolicy::sumdb_off(Some(go_sum())));
        off.check_now(
            &ModuleVersion::new("rsc.io/sampler", "v1.3.0/go.mod"),
            OTHER,
            "p",
        )
        .unwrap()
        .unwrap();
        assert_eq!(off.added().len(), 1);
        let err = off
            .check_now(&key("rsc.io/quote"), OTHER, "p")
            .unwrap()
            .unwrap_err();
        assert!(err.is_security(), "go.sum still wins with GOSUMDB=off");
    }

    #[test]
    fn outside_a_module_nothing_is_recorded() {
        let checker = new_checker(SumPolicy::sumdb_off(None));
        checker
            .check_now(&key("rsc.io/quote"), H1, "p")
            .unwrap()
            .unwrap();
        assert!(checker.added().is_empty());
        let strict = new_checker(SumPolicy {
            gosumdb: "sum.golang.org".into(),
            ..SumPolicy::sumdb_off(None)
        });
        assert!(strict.check_now(&key("rsc.io/quote"), H1, "p").is_none());
    }

    #[tokio::test]
    async fn offline_lookups_say_what_the_cache_lacks() {
        let strict = new_checker(SumPolicy {
            gosumdb: "sum.golang.org".into(),
            sumdb_dir: Some("/nonexistent/sumdb".into()),
            ..SumPolicy::sumdb_off(Some(go_sum()))
        });
        let err = strict
            .check(&key("rsc.io/sampler"), H1, "p")
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(
                "sum.golang.org/lookup/rsc.io/sampler@v1.5.2 is not in the checksum database cache"
            ),
            "{text}"
        );
        assert!(strict.added().is_empty());
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
        let checker = new_checker(SumPolicy {
            toolchain_needs_sumdb: true,
            ..SumPolicy::sumdb_off(Some(go_sum.clone()))
        });
        let err = checker.check_now(&toolchain, H1, "p").unwrap().unwrap_err();
        assert_eq!(
            err.to_string(),
            "golang.org/toolchain@v0.0.1-go1.21.0.linux-amd64: verifying go.mod: checksum database disabled by GOSUMDB=off"
        );
        let relaxed = new_checker(SumPolicy::sumdb_off(Some(go_sum)));
        relaxed.check_now(&toolchain, H1, "p").unwrap().unwrap();
    }
}
