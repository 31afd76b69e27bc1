//! Version queries (`latest`, `upgrade`, `patch`, `v1.2`, `<v1.3`, `>=v1`,
//! an exact version, a branch or commit) resolved the way the go command
//! resolves them (`cmd/go/internal/modload/query.go`): against the proxy's
//! version list, `.info` and `@latest`, with the main module's exclusions
//! and the module's retractions filtering candidates, releases preferred
//! over pre-releases, and `+incompatible` versions ignored once a
//! compatible version has a go.mod.
//!
//! Mutable answers (`@v/list`, `@latest`, non-canonical `.info`) are asked
//! once per process and recorded in the store's meta bucket with the time
//! they were fetched; canonical `.info` answers go through the store like
//! any immutable artifact.

mod allowed;
mod origin;
mod plan;

pub use plan::is_revision_query;

use std::future::Future;
use std::sync::Arc;

use gomodx_client::{Held, ListLine, RevInfo, Revalidated, VersionList};
use gomodx_modcache::CacheFile;
use gomodx_module::pseudo::{is_pseudo_version, pseudo_version_time};
use gomodx_module::quote::quote;
use gomodx_module::time::Timestamp;
use gomodx_module::{ModuleVersion, canonical_version, semver};
use gomodx_store::{ArtifactKind, MetaKey};

use crate::error::Error;
use crate::fetcher::Fetcher;
use crate::info::{disk_info, parse_disk_info};
use crate::rules::MainRules;
use allowed::Retraction;
use gomodx_client::once::OnceMap;
use origin::merge_origin;
use plan::{Matcher, Plan, plan};
use serde_json::Value;

/// Per-process answers to mutable questions.
#[derive(Default)]
pub(crate) struct QueryCache {
    lists: OnceMap<String, Result<Listed, Error>>,
    latests: OnceMap<String, Result<RevInfo, Error>>,
    stats: OnceMap<(String, String), Result<RevInfo, Error>>,
    retractions: OnceMap<String, Arc<Vec<Retraction>>>,
}

/// A module's version list as the queries use it.
#[derive(Clone)]
struct Listed {
    /// Valid, non-pseudo versions, ascending.
    versions: Arc<Vec<String>>,
    /// The list's `Origin` (a repository's; a proxy's list has none).
    origin: Option<Value>,
}

/// How a query was answered.
enum Picked {
    /// By one lookup of the query itself.
    Revision(RevInfo),
    /// By choosing from the version list (or `@latest`), with the
    /// `Origin` merged from the list and each lookup.
    FromList(RevInfo, Option<Value>),
}

impl Fetcher {
    /// Resolves `path@query`. `current` is the version the main module
    /// requires (or `""`), used by `upgrade` and `patch`. With `rules`,
    /// candidates the main module excludes or the module author retracted
    /// are skipped (go does this for all but revision queries, see
    /// [`is_revision_query`]); `None` allows every version.
    ///
    /// As in go, a version picked from a list carries the `Origin` merged
    /// from the list's and each lookup's (Go's `mergeOrigin`): none for a
    /// proxy's list, which has none; the tags' `TagSum` and the commit's
    /// `Hash` and `Ref` for a repository's.
    pub async fn query(
        &self,
        path: &str,
        query: &str,
        current: &str,
        rules: Option<&MainRules>,
    ) -> Result<RevInfo, Error> {
        Ok(match self.pick(path, query, current, rules).await? {
            Picked::Revision(info) => info,
            Picked::FromList(info, origin) => RevInfo { origin, ..info },
        })
    }

    /// Go's `queryProxy`.
    async fn pick(
        &self,
        path: &str,
        query: &str,
        current: &str,
        rules: Option<&MainRules>,
    ) -> Result<Picked, Error> {
        let invalid = |reason: String| Error::Invalid {
            path: path.to_owned(),
            version: query.to_owned(),
            reason,
        };
        let has_current = !current.is_empty() && current != "none";
        if has_current && !semver::is_valid(current) {
            return Err(invalid(format!(
                "invalid previous version {path}@{current}"
            )));
        }
        if path == "std" || path == "cmd" {
            return Err(invalid(format!(
                "can't query specific version ({}) of standard-library module {}",
                quote(query),
                quote(path)
            )));
        }
        let matcher = match plan(path, query, current)? {
            Plan::Stat => {
                return self
                    .query_revision(path, query, rules)
                    .await
                    .map(Picked::Revision);
            }
            Plan::List(matcher) => matcher,
        };
        let listed = self.listed(path).await?;
        let (releases, prereleases) = self
            .filter_versions(path, &matcher, &listed.versions, rules)
            .await?;
        let pick = if matcher.prefer_lower {
            releases.first().or(prereleases.first())
        } else {
            releases.last().or(prereleases.last())
        };
        let mut origin = listed.origin;
        if let Some(version) = pick {
            let info = self
                .lookup(path, query, current, version, rules, &mut origin)
                .await?;
            return Ok(Picked::FromList(info, origin));
        }
        if matcher.may_use_latest {
            match self.latest(path).await {
                Ok(latest) => {
                    origin = merge_origin(origin.as_ref(), latest.origin.as_ref());
                    if self.allows(path, &matcher, &latest.version, rules).await {
                        let info = self
                            .lookup(path, query, current, &latest.version, rules, &mut origin)
                            .await?;
                        return Ok(Picked::FromList(info, origin));
                    }
                }
                Err(e) if !e.is_not_exist() => return Err(e),
                Err(_) => {}
            }
        }
        if matches!(query, "upgrade" | "patch") && has_current {
            self.check_allowed(path, current, rules).await?;
            let info = self
                .lookup(path, query, current, current, rules, &mut origin)
                .await?;
            return Ok(Picked::FromList(info, origin));
        }
        Err(Error::NoMatchingVersion {
            path: path.to_owned(),
            query: query.to_owned(),
            current: current.to_owned(),
            origin,
        })
    }

    /// Go's `Stat`: the `.info` of a revision. Canonical versions go
    /// through the store; anything else is asked of the proxy once per
    /// process and recorded as a mutable answer.
    pub async fn stat(&self, path: &str, revision: &str) -> Result<RevInfo, Error> {
        if !revision.is_empty()
            && revision == canonical_version(revision)
            && gomodx_module::check(path, revision).is_ok()
        {
            return Ok(self.info(&ModuleVersion::new(path, revision)).await?.info);
        }
        let key = (path.to_owned(), revision.to_owned());
        self.inner
            .queries
            .stats
            .get_or_init(&key, || {
                self.info_answer(path, MetaKey::Query(revision.to_owned()), |held| {
                    self.network(async move {
                        self.inner
                            .client
                            .info_since(path, revision, held.as_ref())
                            .await
                    })
                })
            })
            .await
    }

    /// An exact version or revision: one lookup, then (for a filtered
    /// query) the allowed check.
    async fn query_revision(
        &self,
        path: &str,
        query: &str,
        rules: Option<&MainRules>,
    ) -> Result<RevInfo, Error> {
        let info = match self.stat(path, query).await {
            Ok(info) => info,
            Err(first) => {
                // `v1.2.3+meta` may be tagged as `v1.2.3`.
                let canonical = canonical_version(query);
                if canonical.is_empty() || canonical == query {
                    return Err(first);
                }
                match self.stat(path, &canonical).await {
                    Ok(info) => info,
                    Err(e) if !e.is_not_exist() => return Err(e),
                    Err(_) => return Err(first),
                }
            }
        };
        self.check_allowed(path, &info.version, rules).await?;
        Ok(info)
    }

    /// Stats the chosen version, merging its `Origin` into `origin`;
    /// `upgrade`/`patch` from a pseudo-version never move to a commit older
    /// than the current one.
    async fn lookup(
        &self,
        path: &str,
        query: &str,
        current: &str,
        version: &str,
        rules: Option<&MainRules>,
        origin: &mut Option<Value>,
    ) -> Result<RevInfo, Error> {
        let info = self.stat(path, version).await?;
        *origin = merge_origin(origin.as_ref(), info.origin.as_ref());
        if matches!(query, "upgrade" | "patch") && is_pseudo_version(current) {
            let chosen = info.time.as_deref().and_then(Timestamp::parse_rfc3339);
            let current_time = pseudo_version_time(current)
                .ok()
                .and_then(|t| Timestamp::parse_compact(&t));
            if let (Some(chosen), Some(current_time)) = (chosen, current_time)
                && chosen.is_before(current_time)
            {
                self.check_allowed(path, current, rules).await?;
                let info = self.stat(path, current).await?;
                *origin = merge_origin(origin.as_ref(), info.origin.as_ref());
                return Ok(info);
            }
        }
        Ok(info)
    }

    /// Go's `filterVersions`: the allowed candidates, split into releases
    /// and pre-releases, ascending.
    async fn filter_versions(
        &self,
        path: &str,
        matcher: &Matcher,
        versions: &[String],
        rules: Option<&MainRules>,
    ) -> Result<(Vec<String>, Vec<String>), Error> {
        let mut need_incompatible = matcher.prefer_incompatible;
        let mut last_compatible: Option<&str> = None;
        let (mut releases, mut prereleases) = (Vec::new(), Vec::new());
        for version in versions {
            if !self.allows(path, matcher, version, rules).await {
                continue;
            }
            if !need_incompatible {
                if !version.ends_with("+incompatible") {
                    last_compatible = Some(version);
                } else if let Some(last) = last_compatible {
                    // A compatible version with a real go.mod means the
                    // author uses modules: ignore +incompatible majors.
                    if self.has_go_mod(path, last).await? {
                        break;
                    }
                    need_incompatible = true;
                }
            }
            if semver::prerelease(version).is_empty() {
                releases.push(version.clone());
            } else {
                prereleases.push(version.clone());
            }
        }
        Ok((releases, prereleases))
    }

    /// Go's `allowsVersion`: prefix, bound, and the allowed check.
    async fn allows(
        &self,
        path: &str,
        matcher: &Matcher,
        version: &str,
        rules: Option<&MainRules>,
    ) -> bool {
        version.starts_with(&matcher.prefix)
            && matcher.bound.admits(version)
            && self.check_allowed(path, version, rules).await.is_ok()
    }

    /// The proxy's version list: valid, non-pseudo versions, ascending
    /// (a mutable answer: see [`crate::Freshness`]).
    pub async fn versions(&self, path: &str) -> Result<Arc<Vec<String>>, Error> {
        Ok(self.listed(path).await?.versions)
    }

    /// [`Fetcher::versions`] with the list's `Origin`.
    async fn listed(&self, path: &str) -> Result<Listed, Error> {
        let key = path.to_owned();
        self.inner
            .queries
            .lists
            .get_or_init(&key, || async {
                let served = self
                    .answer(
                        path,
                        MetaKey::List,
                        |held| {
                            self.network(async move {
                                self.inner.client.list_since(path, held.as_ref()).await
                            })
                        },
                        list_body,
                        |body| Some(parse_list_body(body)),
                    )
                    .await?;
                let mut versions: Vec<String> = served
                    .value
                    .lines
                    .into_iter()
                    .map(|line| line.version)
                    .filter(|v| semver::is_valid(v) && !is_pseudo_version(v))
                    .collect();
                semver::sort(&mut versions);
                Ok(Listed {
                    versions: Arc::new(versions),
                    origin: served.value.origin,
                })
            })
            .await
    }

    /// The proxy's `@latest` (or its fallback from the list).
    async fn latest(&self, path: &str) -> Result<RevInfo, Error> {
        let key = path.to_owned();
        self.inner
            .queries
            .latests
            .get_or_init(&key, || {
                self.info_answer(path, MetaKey::Latest, |held| {
                    self.network(async move {
                        self.inner.client.latest_since(path, held.as_ref()).await
                    })
                })
            })
            .await
    }

    /// A mutable answer shaped like `.info` (`@latest`, or the `.info` of
    /// a non-canonical revision), asked by `ask` and recorded under `key`;
    /// the version it names gets that `.info` (see [`Self::seed_info`]).
    async fn info_answer<F, Fut>(&self, path: &str, key: MetaKey, ask: F) -> Result<RevInfo, Error>
    where
        F: FnOnce(Option<Held>) -> Fut,
        Fut: Future<Output = Result<Revalidated<RevInfo>, Error>>,
    {
        let served = self
            .answer(path, key, ask, info_body, parse_info_body)
            .await?;
        self.seed_info(path, &served.value, &served.proxy);
        Ok(served.value)
    }

    /// A query answered with a canonical version also tells that version's
    /// `.info`; like go's `cachingRepo`, keep it (store and GOMODCACHE)
    /// unless one is there already, so the download needs no second request.
    fn seed_info(&self, path: &str, info: &RevInfo, proxy: &str) {
        let version = &info.version;
        if version.is_empty()
            || *version != canonical_version(version)
            || gomodx_module::check(path, version).is_err()
        {
            return;
        }
        let module = ModuleVersion::new(path, version.clone());
        let bytes = disk_info(info);
        if let Ok(None) = self.inner.store.get_ref(&module, ArtifactKind::Info) {
            // Another process may have stored one meanwhile; either is fine.
            let _ = self.put_small(&module, ArtifactKind::Info, &bytes, None, proxy.to_owned());
        }
        let _ = self.export(&module, CacheFile::Info, &bytes, true);
    }
}

/// The stored line that holds a list's `Origin` (never a version).
const ORIGIN_LINE: &str = "Origin ";

/// A version list as stored: the proxy's lines, then the `Origin` (as
/// compact JSON) on a line of its own when the list has one.
fn list_body(list: &VersionList) -> String {
    let mut body: String = list
        .lines
        .iter()
        .map(|line| match &line.time {
            Some(time) => format!("{} {time}\n", line.version),
            None => format!("{}\n", line.version),
        })
        .collect();
    if let Some(origin) = &list.origin {
        body.push_str(&format!("{ORIGIN_LINE}{origin}\n"));
    }
    body
}

/// A stored version list read back.
fn parse_list_body(body: &str) -> VersionList {
    let mut list = VersionList::default();
    for line in body.lines() {
        if let Some(origin) = line.strip_prefix(ORIGIN_LINE) {
            list.origin = serde_json::from_str(origin).ok();
            continue;
        }
        let mut fields = line.split_whitespace();
        let Some(version) = fields.next() else {
            continue;
        };
        let time = fields.next().map(str::to_owned);
        list.lines.push(ListLine {
            version: version.to_owned(),
            time,
        });
    }
    list
}

/// An `.info` answer as stored.
fn info_body(info: &RevInfo) -> String {
    String::from_utf8_lossy(&disk_info(info)).into_owned()
}

/// A stored `.info` answer read back.
fn parse_info_body(body: &str) -> Option<RevInfo> {
    parse_disk_info(body.as_bytes())
}
