//! Freshness: when a stored answer may be used instead of asking a proxy.
//!
//! Immutable artifacts (a canonical version's `.info`, `.mod`, `.zip`) come
//! from the store once there. Mutable answers (`@v/list`, `@latest`, branch
//! and commit queries) are asked of the proxy once per run — never staler
//! than go — as conditional requests when the store holds an answer with
//! validators, so an unchanged answer costs a `304`
//! ([`AnswerSource::Revalidated`]). Only an explicit [`Freshness::max_age`]
//! (`--max-age`) lets a young stored answer be used without asking. When
//! the network fails with something other than "not found", a stored
//! answer is used and recorded as [`AnswerSource::Stale`] so the caller
//! can warn.
//!
//! [`Refresh`] (`--refresh`, `--refresh-module`) makes the answers about
//! some modules count as old unless fetched after the process started, the
//! network failing is then an error ([`Error::RefreshFailed`]: a stored
//! answer is never passed off as fresh), and their cached zips are
//! re-hashed before use. [`Connectivity::Offline`] forbids the network: any
//! stored answer is used whatever its age, and whatever is missing is
//! recorded ([`Fetcher::offline_misses`]) and fails with
//! [`Error::Offline`].

use std::future::Future;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use gomodx_client::{Held, ProxyKind, Revalidated, Served, Validators};
use gomodx_modcache::{CacheFile, ExportError};
use gomodx_module::ModuleVersion;
use gomodx_modzip::h1::hash_zip;
use gomodx_store::{MetaEntry, MetaKey, MetaValidators, MetaValue, StoreError};

use crate::error::Error;
use crate::fetcher::{Fetcher, blocking};

/// Whether the network may be used.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Connectivity {
    /// Ask proxies when needed.
    #[default]
    Online,
    /// Never touch the network.
    Offline {
        /// What turned it off, for messages: `` `--offline` ``,
        /// `` `GOMODX_OFFLINE=1` ``.
        reason: String,
    },
}

/// Which modules' answers must be fetched again in this run; the
/// timestamp is the process start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// Stored answers are used while fresh.
    None(SystemTime),
    /// Answers about these module paths are asked again.
    Modules(Vec<String>, SystemTime),
    /// Every answer is asked again.
    All(SystemTime),
}

impl Refresh {
    /// The process start, if `path`'s answers must be refreshed.
    pub fn applies_to(&self, path: &str) -> Option<SystemTime> {
        match self {
            Refresh::None(_) => None,
            Refresh::Modules(paths, start) => paths.iter().any(|p| p == path).then_some(*start),
            Refresh::All(start) => Some(*start),
        }
    }
}

/// The freshness policy of a [`Fetcher`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freshness {
    /// Whether the network may be used.
    pub connectivity: Connectivity,
    /// What to refresh.
    pub refresh: Refresh,
    /// How long a stored mutable answer may be used without asking the
    /// proxy (an opt-in TTL); `None`, the default, asks once per run.
    pub max_age: Option<Duration>,
}

/// What the command line says about freshness.
#[derive(Debug, Clone, Default)]
pub struct FreshnessFlags {
    /// `--offline`.
    pub offline: bool,
    /// `--frozen` (offline, and go.mod and go.sum unchanged).
    pub frozen: bool,
    /// `--refresh`.
    pub refresh: bool,
    /// `--refresh-module`, each.
    pub refresh_modules: Vec<String>,
    /// `--max-age`, unparsed.
    pub max_age: Option<String>,
}

impl Freshness {
    /// The policy: `flags` first, then `GOMODX_OFFLINE` and
    /// `GOMODX_MAX_AGE` as `var` gives them. The refresh timestamp is now,
    /// the process start.
    pub fn resolve(
        flags: &FreshnessFlags,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, gomodx_goenv::GoEnvError> {
        let start = SystemTime::now();
        let env_offline = var("GOMODX_OFFLINE").is_some_and(|v| !v.is_empty() && v != "0");
        let offline = |reason: &str| Connectivity::Offline {
            reason: reason.to_owned(),
        };
        let connectivity = if flags.frozen {
            offline("`--frozen`")
        } else if flags.offline {
            offline("`--offline`")
        } else if env_offline && !flags.refresh && flags.refresh_modules.is_empty() {
            offline("`GOMODX_OFFLINE=1`")
        } else {
            Connectivity::Online
        };
        let refresh = if flags.refresh {
            Refresh::All(start)
        } else if !flags.refresh_modules.is_empty() {
            Refresh::Modules(flags.refresh_modules.clone(), start)
        } else {
            Refresh::None(start)
        };
        let env_max_age = var("GOMODX_MAX_AGE").filter(|v| !v.is_empty());
        let max_age = match (&flags.max_age, env_max_age) {
            (Some(text), _) => Some(gomodx_goenv::parse_duration("--max-age", text)?),
            (None, Some(text)) => Some(gomodx_goenv::parse_duration("GOMODX_MAX_AGE", &text)?),
            (None, None) => None,
        };
        Ok(Self {
            connectivity,
            refresh,
            max_age,
        })
    }
}

impl Default for Freshness {
    fn default() -> Self {
        Self {
            connectivity: Connectivity::Online,
            refresh: Refresh::None(SystemTime::now()),
            max_age: None,
        }
    }
}

/// Where a mutable answer came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerSource {
    /// Asked of the proxy in this run.
    Network,
    /// gomodx's store, confirmed unchanged by the proxy in this run (`304`).
    Revalidated,
    /// gomodx's store, younger than `--max-age` (or offline): not asked.
    Store,
    /// The shared remote (`--remote`), younger than `--max-age`: not asked.
    Remote,
    /// gomodx's store although too old: the network failed.
    Stale {
        /// The network error.
        error: String,
    },
}

/// One mutable answer used in this run, with its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The module path.
    pub path: String,
    /// Which question.
    pub key: MetaKey,
    /// The proxy that gave the answer.
    pub proxy: String,
    /// When the proxy gave it.
    pub fetched_at: SystemTime,
    /// Where it came from in this run.
    pub source: AnswerSource,
}

impl Answer {
    /// How old the answer is now.
    pub fn age(&self) -> Duration {
        SystemTime::now()
            .duration_since(self.fetched_at)
            .unwrap_or_default()
    }

    /// The question as a proxy URL suffix: `@v/list`, `@latest`, `@v/Q.info`.
    pub fn endpoint(&self) -> String {
        endpoint(&self.path, &self.key)
    }
}

/// A question as a proxy URL suffix.
fn endpoint(path: &str, key: &MetaKey) -> String {
    match key {
        MetaKey::List => format!("{path}/@v/list"),
        MetaKey::Latest => format!("{path}/@latest"),
        MetaKey::Query(query) => format!("{path}/@v/{query}.info"),
    }
}

/// Something the network would have had to supply while offline.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Missing {
    /// The module path.
    pub path: String,
    /// The version or query.
    pub version: String,
    /// Which file: `.info`, `.mod`, `.zip`, `list`, `@latest`.
    pub file: String,
}

/// The per-fetcher freshness policy and what happened under it.
#[derive(Debug, Default)]
pub(crate) struct FreshnessState {
    pub(crate) policy: Freshness,
    answers: Mutex<Vec<Answer>>,
    missing: Mutex<Vec<Missing>>,
    repairs: Mutex<Vec<String>>,
}

impl FreshnessState {
    pub(crate) fn new(policy: Freshness) -> Self {
        Self {
            policy,
            ..Self::default()
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Fetcher {
    /// The freshness policy in force.
    pub fn freshness(&self) -> &Freshness {
        &self.inner.freshness.policy
    }

    /// Every mutable answer used so far, in the order they were settled.
    pub fn answers(&self) -> Vec<Answer> {
        lock(&self.inner.freshness.answers).clone()
    }

    /// What was missing while offline, sorted and deduplicated.
    pub fn offline_misses(&self) -> Vec<Missing> {
        let mut missing = lock(&self.inner.freshness.missing).clone();
        missing.sort();
        missing.dedup();
        missing
    }

    /// Corrupt cached artifacts found (and fetched again) so far.
    pub fn repairs(&self) -> Vec<String> {
        lock(&self.inner.freshness.repairs).clone()
    }

    /// Records a corrupt artifact that is being fetched again.
    pub(crate) fn repaired(&self, message: String) {
        lock(&self.inner.freshness.repairs).push(message);
    }

    /// Whether `path`'s cached artifacts must be re-checked in this run.
    pub(crate) fn refreshes(&self, path: &str) -> bool {
        self.freshness().refresh.applies_to(path).is_some()
    }

    /// Whether every module's answers are refreshed (`--refresh`).
    pub(crate) fn refreshes_all(&self) -> bool {
        matches!(self.freshness().refresh, Refresh::All(_))
    }

    /// Fails with [`Error::Offline`] (and records what is missing) when the
    /// network is off.
    pub(crate) fn require_network(
        &self,
        path: &str,
        version: &str,
        file: &str,
    ) -> Result<(), Error> {
        let Connectivity::Offline { reason } = &self.freshness().connectivity else {
            return Ok(());
        };
        let missing = Missing {
            path: path.to_owned(),
            version: version.to_owned(),
            file: file.to_owned(),
        };
        lock(&self.inner.freshness.missing).push(missing);
        Err(Error::Offline {
            path: path.to_owned(),
            version: version.to_owned(),
            file: file.to_owned(),
            reason: reason.clone(),
        })
    }

    /// A mutable answer: from the store when the policy allows, else from
    /// `ask` — given the stored answer to revalidate, if any — recorded in
    /// the store; when the network fails, the stored answer however old
    /// (unless it had to be refreshed).
    pub(crate) async fn answer<T, F, Fut>(
        &self,
        path: &str,
        key: MetaKey,
        ask: F,
        encode: impl Fn(&T) -> String,
        decode: impl Fn(&str) -> Option<T>,
    ) -> Result<Served<T>, Error>
    where
        F: FnOnce(Option<Held>) -> Fut,
        Fut: Future<Output = Result<Revalidated<T>, Error>>,
    {
        let stored = self.stored_answer(path, &key).await;
        let decoded = stored.as_ref().and_then(|entry| match &entry.value {
            MetaValue::Found(body) => decode(body).map(|value| (value, entry)),
            MetaValue::NotFound => None,
        });
        let policy = self.freshness();
        let offline = matches!(policy.connectivity, Connectivity::Offline { .. });
        let refresh = policy.refresh.applies_to(path);
        if let Some((_, entry)) = &decoded {
            let usable = offline
                || match refresh {
                    Some(start) => entry.fetched_at >= start,
                    None => policy
                        .max_age
                        .is_some_and(|max| age(entry.fetched_at) < max),
                };
            if usable {
                let (value, entry) = decoded.expect("checked just above");
                let source = if self.answered_by_remote(path, &key) {
                    AnswerSource::Remote
                } else {
                    AnswerSource::Store
                };
                return Ok(self.settle(path, key, entry, source, value));
            }
        }
        let (version, file) = match &key {
            MetaKey::List => ("", "list"),
            MetaKey::Latest => ("latest", "@latest"),
            MetaKey::Query(query) => (query.as_str(), ".info"),
        };
        self.require_network(path, version, file)?;
        let held = decoded.as_ref().map(|(_, entry)| Held {
            proxy: entry.proxy.clone(),
            validators: Validators {
                etag: entry.validators.etag.clone(),
                last_modified: entry.validators.last_modified.clone(),
            },
        });
        match ask(held).await {
            Ok(Revalidated::Changed(served, validators)) => {
                let validators = MetaValidators {
                    etag: validators.etag,
                    last_modified: validators.last_modified,
                };
                let body = encode(&served.value);
                let entry = self
                    .remember(&served.proxy, path, key.clone(), body, validators)
                    .await;
                self.push_answer(path, &key, entry.as_ref()).await;
                self.record(Answer {
                    path: path.to_owned(),
                    key,
                    proxy: served.proxy.clone(),
                    fetched_at: entry.map_or_else(SystemTime::now, |e| e.fetched_at),
                    source: AnswerSource::Network,
                });
                Ok(served)
            }
            Ok(Revalidated::Unchanged { .. }) => {
                let (value, entry) = decoded.expect("only a held answer is unchanged");
                let body = match &entry.value {
                    MetaValue::Found(body) => body.clone(),
                    MetaValue::NotFound => unreachable!("only found answers are decoded"),
                };
                let renewed = self
                    .remember(
                        &entry.proxy,
                        path,
                        key.clone(),
                        body,
                        entry.validators.clone(),
                    )
                    .await;
                let renewed = renewed.unwrap_or_else(|| MetaEntry {
                    fetched_at: SystemTime::now(),
                    ..entry.clone()
                });
                Ok(self.settle(path, key, &renewed, AnswerSource::Revalidated, value))
            }
            Err(error) if error.is_not_exist() => Err(error),
            Err(error) if refresh.is_some() => Err(Error::RefreshFailed {
                endpoint: endpoint(path, &key),
                stored_age: decoded.map(|(_, entry)| age(entry.fetched_at)),
                cause: Box::new(error),
            }),
            Err(error) => match decoded {
                Some((value, entry)) => {
                    let source = AnswerSource::Stale {
                        error: error.to_string(),
                    };
                    Ok(self.settle(path, key, entry, source, value))
                }
                None => Err(error),
            },
        }
    }

    fn settle<T>(
        &self,
        path: &str,
        key: MetaKey,
        entry: &MetaEntry,
        source: AnswerSource,
        value: T,
    ) -> Served<T> {
        self.record(Answer {
            path: path.to_owned(),
            key,
            proxy: entry.proxy.clone(),
            fetched_at: entry.fetched_at,
            source,
        });
        Served {
            value,
            proxy: entry.proxy.clone(),
        }
    }

    fn record(&self, answer: Answer) {
        lock(&self.inner.freshness.answers).push(answer);
    }

    /// The stored answer of the first proxy in GOPROXY that has one.
    pub(crate) async fn stored_answer(&self, path: &str, key: &MetaKey) -> Option<MetaEntry> {
        let proxies: Vec<String> = self
            .inner
            .client
            .proxies()
            .specs()
            .iter()
            .filter_map(|spec| match &spec.kind {
                ProxyKind::Url(url) => Some(url.redacted().to_owned()),
                // Answers from repositories (direct mode) are stored under
                // `direct`.
                ProxyKind::Direct | ProxyKind::NoProxy => Some(gomodx_client::DIRECT.to_owned()),
                ProxyKind::Off => None,
            })
            .collect();
        let (store, module, question) = (self.inner.store.clone(), path.to_owned(), key.clone());
        let (proxies, local) = blocking(move || {
            let found = proxies
                .iter()
                .find_map(|proxy| store.get_meta(proxy, &module, &question).ok().flatten());
            Ok((proxies, found))
        })
        .await
        .ok()?;
        match local {
            Some(entry) => Some(entry),
            None => self.remote_answer(path, key, &proxies).await,
        }
    }

    /// Records a mutable answer in the store (best effort: a failure to
    /// record does not fail the query).
    pub(crate) async fn remember(
        &self,
        proxy: &str,
        path: &str,
        key: MetaKey,
        body: String,
        validators: MetaValidators,
    ) -> Option<MetaEntry> {
        let (store, proxy, path) = (self.inner.store.clone(), proxy.to_owned(), path.to_owned());
        let record = move || {
            let value = MetaValue::Found(body);
            Ok(store.put_meta_validated(&proxy, &path, &key, value, validators)?)
        };
        blocking(record).await.ok()
    }
}

impl Fetcher {
    /// `--refresh` for a stored zip: re-hashes the store's blob and the zip
    /// in GOMODCACHE. A corrupt blob is quarantined and `false` returned
    /// (fetch it again); a GOMODCACHE zip that does not hash to `h1` is
    /// removed with its `.ziphash`, so that it is exported again.
    pub(crate) async fn recheck_zip(
        &self,
        module: &ModuleVersion,
        sha256: &str,
        h1: &str,
    ) -> Result<bool, Error> {
        let _cpu = self.cpu_permit().await;
        let (store, cache, key) = (
            self.inner.store.clone(),
            self.inner.mod_cache.clone(),
            module.clone(),
        );
        let (sha256, expected) = (sha256.to_owned(), h1.to_owned());
        let (blob_ok, bad_zip) = blocking(move || {
            let blob_ok = match store.verify_blob(&sha256) {
                Ok(ok) => ok,
                Err(StoreError::MissingBlob { .. }) => false,
                Err(e) => return Err(e.into()),
            };
            let zip = cache
                .file(&key, CacheFile::Zip)
                .map_err(ExportError::from)?;
            let zip_bad = zip.is_file() && hash_zip(&zip).map_or(true, |actual| actual != expected);
            if zip_bad || !blob_ok {
                let ziphash = cache
                    .file(&key, CacheFile::ZipHash)
                    .map_err(ExportError::from)?;
                for file in [&zip, &ziphash] {
                    match std::fs::remove_file(file) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => {
                            return Err(Error::Internal(format!(
                                "removing {}: {e}",
                                file.display()
                            )));
                        }
                    }
                }
            }
            Ok((blob_ok, zip_bad.then_some(zip)))
        })
        .await?;
        if !blob_ok {
            self.repaired(format!(
                "{module} (.zip): the stored copy is corrupt (quarantined); fetching it again"
            ));
        }
        if let Some(zip) = bad_zip {
            self.repaired(format!(
                "{module} (.zip): {} does not match its go.sum hash {h1}; replacing it",
                zip.display()
            ));
        }
        Ok(blob_ok)
    }
}

/// How long ago `time` was (zero if in the future).
pub fn age(time: SystemTime) -> Duration {
    SystemTime::now().duration_since(time).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_applies_to_the_named_modules_only() {
        let start = SystemTime::now();
        assert_eq!(Refresh::None(start).applies_to("a"), None);
        let some = Refresh::Modules(vec!["a".to_owned()], start);
        assert_eq!(some.applies_to("a"), Some(start));
        assert_eq!(some.applies_to("b"), None);
        assert_eq!(Refresh::All(start).applies_to("b"), Some(start));
    }

    #[test]
    fn answers_name_their_endpoint() {
        let answer = |key| Answer {
            path: "rsc.io/quote".to_owned(),
            key,
            proxy: "p".to_owned(),
            fetched_at: SystemTime::now() - Duration::from_secs(5),
            source: AnswerSource::Store,
        };
        assert_eq!(answer(MetaKey::List).endpoint(), "rsc.io/quote/@v/list");
        assert_eq!(answer(MetaKey::Latest).endpoint(), "rsc.io/quote/@latest");
        assert_eq!(
            answer(MetaKey::Query("master".to_owned())).endpoint(),
            "rsc.io/quote/@v/master.info"
        );
        assert!(answer(MetaKey::List).age() >= Duration::from_secs(5));
    }
}
