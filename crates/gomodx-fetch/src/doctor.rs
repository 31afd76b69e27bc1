//! "Why don't I get the newest version?": the causes the Go community runs
//! into, each with its evidence and a command that fixes it, computed from
//! one fresh set of answers (the [`ModuleStatus`] the caller gathered in
//! this run, plus each proxy's own answers).
//!
//! Causes: the network is off for go (GOPROXY=off, vendor mode); the module
//! is routed around the proxy (GONOPROXY/GOPRIVATE); gomodx's stored
//! version list was older than the proxy's; a proxy's list lags behind the
//! `@latest` it serves; the proxies in GOPROXY disagree; a `replace` pins
//! it; an `exclude` or a retraction hides newer versions; only a
//! pre-release is newer; a new major version lives at a `/vN` path; go.sum
//! does not match the content; and MVS keeps the required version because
//! nothing asks for more.

use std::collections::BTreeSet;
use std::time::SystemTime;

use gomodx_module::{ModuleVersion, semver};
use gomodx_store::{ArtifactKind, MetaKey, MetaValue};

use crate::fetcher::{Fetcher, blocking};
use crate::freshness::{AnswerSource, age};
use crate::rules::{MainRules, Replacement};
use crate::status::ModuleStatus;

/// One diagnosed cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What is going on, in a few words.
    pub cause: String,
    /// What shows it.
    pub evidence: Vec<String>,
    /// The command that fixes it, if any.
    pub fix: Option<String>,
}

impl Finding {
    fn new(cause: impl Into<String>, evidence: Vec<String>, fix: Option<String>) -> Self {
        Self {
            cause: cause.into(),
            evidence,
            fix,
        }
    }
}

/// The environment go builds in, as far as doctor needs it.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// GOPROXY is `off`.
    pub goproxy_off: bool,
    /// Why go builds from vendor/, if it does (the evidence).
    pub vendor: Option<String>,
    /// The effective GONOPROXY.
    pub gonoproxy: String,
    /// Whether the proxies may be asked in this run.
    pub online: bool,
}

/// A version list as the store held it before this run.
#[derive(Debug, Clone)]
pub struct StoredList {
    /// The proxy that gave it.
    pub proxy: String,
    /// When.
    pub fetched_at: SystemTime,
    /// Its newest release.
    pub newest_release: Option<String>,
}

/// The newest release among `versions`.
fn newest_release<'a>(versions: impl Iterator<Item = &'a str>) -> Option<String> {
    versions
        .filter(|v| semver::is_valid(v) && semver::prerelease(v).is_empty())
        .max_by(|a, b| semver::compare(a, b))
        .map(str::to_owned)
}

impl Fetcher {
    /// The version list of `path` the store holds now, from the first
    /// proxy that has one; read it before the run's own answers replace it.
    pub async fn stored_list(&self, path: &str) -> Option<StoredList> {
        let entry = self.stored_answer(path, &MetaKey::List).await?;
        let MetaValue::Found(body) = &entry.value else {
            return None;
        };
        let versions = body.lines().filter_map(|l| l.split_whitespace().next());
        Some(StoredList {
            proxy: entry.proxy.clone(),
            fetched_at: entry.fetched_at,
            newest_release: newest_release(versions),
        })
    }

    /// Every cause found for `status` (empty: it is at its newest allowed
    /// release). `before` is the stored list read before this run asked.
    pub async fn diagnose(
        &self,
        rules: &MainRules,
        status: &ModuleStatus,
        before: Option<&StoredList>,
        env: &Environment,
        recorded_sums: &[String],
    ) -> Vec<Finding> {
        let path = &status.path;
        let mut findings = environment_findings(env, path);
        if gomodx_module::path::match_prefix_patterns(&env.gonoproxy, path) {
            findings.push(Finding::new(
                "the module is routed around the proxy (GONOPROXY/GOPRIVATE)",
                vec![format!(
                    "{path} matches GONOPROXY/GOPRIVATE={}: go fetches it directly from its repository, not from a proxy",
                    env.gonoproxy
                )],
                Some(format!("GONOPROXY= GOPRIVATE= go get {path}@latest")),
            ));
        } else if env.online {
            findings.extend(stale_list(status, before));
            findings.extend(self.proxy_findings(path).await);
        }
        findings.extend(self.module_findings(rules, status).await);
        findings.extend(self.sum_finding(status, recorded_sums).await);
        findings
    }

    /// Each proxy's own answers: a list lagging behind its `@latest`, and
    /// proxies that disagree.
    async fn proxy_findings(&self, path: &str) -> Vec<Finding> {
        let answers = {
            let _permit = self.network_permit().await;
            self.inner.client.ask_each(path, Some("latest")).await
        };
        let mut findings = Vec::new();
        let mut newest = Vec::new();
        for answer in &answers {
            let listed = answer
                .list
                .as_ref()
                .ok()
                .and_then(|lines| newest_release(lines.iter().map(|l| l.version.as_str())));
            let latest = answer
                .info
                .as_ref()
                .and_then(|info| info.as_ref().ok())
                .map(|info| info.version.clone())
                .filter(|v| semver::prerelease(v).is_empty() && semver::is_valid(v));
            if let Some(latest) = &latest
                && listed
                    .as_ref()
                    .is_none_or(|listed| semver::compare(latest, listed).is_gt())
            {
                findings.push(Finding::new(
                    format!(
                        "{}'s version list lags behind a version it serves",
                        answer.proxy
                    ),
                    vec![
                        format!(
                            "{}/{path}/@v/list lists up to {}",
                            answer.proxy,
                            listed.as_deref().unwrap_or("nothing")
                        ),
                        format!("{}/{path}/@latest is {latest}", answer.proxy),
                        format!(
                            "go picks @latest from the list, so it gets {}",
                            listed.as_deref().unwrap_or("nothing")
                        ),
                    ],
                    Some(format!("go get {path}@{latest}")),
                ));
            }
            let shown = match (&answer.list, &listed) {
                (Ok(_), Some(v)) => format!("{}: {v}", answer.proxy),
                (Ok(_), None) => format!("{}: no release", answer.proxy),
                (Err(e), _) => format!("{}: {e}", answer.proxy),
            };
            newest.push((answer.proxy.clone(), listed, shown));
        }
        let distinct: BTreeSet<&String> =
            newest.iter().filter_map(|(_, v, _)| v.as_ref()).collect();
        let best = newest
            .iter()
            .filter_map(|(proxy, v, _)| Some((proxy, v.as_ref()?)))
            .max_by(|a, b| semver::compare(a.1, b.1));
        if distinct.len() > 1
            && let Some((proxy, version)) = best
        {
            findings.push(Finding::new(
                "the proxies in GOPROXY disagree",
                newest.iter().map(|(_, _, shown)| shown.clone()).collect(),
                Some(format!("GOPROXY={proxy} go get {path}@{version}")),
            ));
        }
        findings
    }

    /// Causes in the main module's rules and the module's versions.
    async fn module_findings(&self, rules: &MainRules, status: &ModuleStatus) -> Vec<Finding> {
        let mut findings = Vec::new();
        let path = &status.path;
        let selected = status.selected.clone().unwrap_or_default();
        if let Some(replacement) = rules.replacement(&ModuleVersion::new(path, selected.clone())) {
            let (target, drop) = if rules.replaces_all_versions(path) {
                (String::new(), path.clone())
            } else {
                (format!(" {selected}"), format!("{path}@{selected}"))
            };
            let with = match replacement {
                Replacement::Module(m) => format!("{} {}", m.path, m.version),
                Replacement::Dir(dir) => dir.display().to_string(),
            };
            findings.push(Finding::new(
                "a replace directive pins the module",
                vec![format!("go.mod: replace {path}{target} => {with}")],
                Some(format!(
                    "go mod edit -dropreplace={drop} && go get {path}@latest"
                )),
            ));
        }
        let latest = status.latest.as_ref().ok().cloned().unwrap_or_default();
        let versions = status.versions.as_deref().unwrap_or_default();
        let newer = versions
            .iter()
            .filter(|v| latest.is_empty() || semver::compare(v, &latest).is_gt());
        for version in newer {
            let module = ModuleVersion::new(path, version.clone());
            let allowed = self.query(path, version, "", Some(rules)).await;
            if rules.is_excluded(&module) {
                findings.push(Finding::new(
                    format!("an exclude directive hides {version}"),
                    vec![format!("go.mod: exclude {path} {version}")],
                    Some(format!(
                        "go mod edit -dropexclude={path}@{version} && go get {path}@{version}"
                    )),
                ));
            } else if let Err(error) = allowed.as_ref()
                && error.is_retracted()
            {
                findings.push(Finding::new(
                    format!("{version} is retracted by the module author"),
                    vec![error.to_string()],
                    Some(format!(
                        "none needed: go skips retracted versions (`go get {path}@{version}` still selects it explicitly)"
                    )),
                ));
            } else if !semver::prerelease(version).is_empty() {
                findings.push(Finding::new(
                    format!("{version} is only a pre-release"),
                    vec![format!(
                        "@latest prefers the newest release ({latest}) over pre-releases"
                    )],
                    Some(format!("go get {path}@{version}")),
                ));
            }
        }
        findings.extend(self.next_major(path).await);
        if !latest.is_empty()
            && !selected.is_empty()
            && semver::compare(&latest, &selected).is_gt()
            && status.replaced.is_none()
        {
            findings.push(Finding::new(
                "MVS keeps the required version: nothing asks for more",
                vec![format!(
                    "go.mod requires {path} {}; {latest} is available, but go never upgrades on its own",
                    status.required.as_deref().unwrap_or(&selected)
                )],
                Some(format!("go get {path}@{latest}")),
            ));
        }
        findings
    }

    /// A newer major version, which is a different module path (`/vN`).
    async fn next_major(&self, path: &str) -> Option<Finding> {
        if path.starts_with("gopkg.in/") {
            return None;
        }
        let (prefix, suffix, ok) = gomodx_module::path::split_path_version(path);
        if !ok {
            return None;
        }
        let major: u64 = suffix.trim_start_matches("/v").parse().unwrap_or(1);
        let next = format!("{prefix}/v{}", major + 1);
        let info = self.query(&next, "latest", "", None).await.ok()?;
        Some(Finding::new(
            format!("a new major version is a new module path: {next}"),
            vec![format!("{next}@latest is {}", info.version)],
            Some(format!(
                "go get {next}@{} (and change imports from {path} to {next})",
                info.version
            )),
        ))
    }

    /// go.sum records (`recorded`) a different hash for the selected
    /// version's zip than the content gomodx holds.
    async fn sum_finding(&self, status: &ModuleStatus, recorded: &[String]) -> Option<Finding> {
        let module = ModuleVersion::new(status.path.clone(), status.selected.clone()?);
        let (store, key) = (self.inner.store.clone(), module.clone());
        let reference = blocking(move || Ok(store.get_ref(&key, ArtifactKind::Zip)?))
            .await
            .ok()??;
        let actual = reference.h1?;
        if recorded.is_empty() || recorded.contains(&actual) {
            return None;
        }
        Some(Finding::new(
            "go.sum does not match the module's content",
            vec![
                format!(
                    "go.sum:     {} {} {}",
                    module.path,
                    module.version,
                    recorded.join(" ")
                ),
                format!("downloaded: {actual} (from {})", reference.source),
            ],
            Some(format!(
                "gomodx --refresh-module {0} download {0}@{1} (if the proxy still serves this content, the version was re-tagged: remove its go.sum lines and run go mod download {0})",
                module.path, module.version
            )),
        ))
    }
}

/// Causes that come from the environment rather than from `path` itself.
fn environment_findings(env: &Environment, path: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    if env.goproxy_off {
        findings.push(Finding::new(
            "module lookup is disabled by GOPROXY=off",
            vec!["GOPROXY=off: go can use only what is already in GOMODCACHE".to_owned()],
            Some("go env -w GOPROXY=https://proxy.golang.org,direct".to_owned()),
        ));
    }
    if let Some(evidence) = &env.vendor {
        findings.push(Finding::new(
            "the build uses the vendor directory",
            vec![evidence.clone()],
            Some(format!("go get {path}@latest && go mod vendor")),
        ));
    }
    findings
}

/// The stored list was older than what the proxy answered in this run.
fn stale_list(status: &ModuleStatus, before: Option<&StoredList>) -> Option<Finding> {
    let before = before?;
    let answer = status.list_answer.as_ref()?;
    let fresh = status.newest_release.as_deref()?;
    let asked = matches!(
        answer.source,
        AnswerSource::Network | AnswerSource::Revalidated
    );
    let older = before
        .newest_release
        .as_deref()
        .is_none_or(|stored| semver::compare(fresh, stored).is_gt());
    if !asked || !older {
        return None;
    }
    let path = &status.path;
    Some(Finding::new(
        "the version list in gomodx's store was old",
        vec![
            format!(
                "the stored {path}/@v/list ({}s old, from {}) listed up to {}",
                age(before.fetched_at).as_secs(),
                before.proxy,
                before.newest_release.as_deref().unwrap_or("nothing")
            ),
            format!(
                "{} lists {fresh} now (this run updated the store)",
                answer.proxy
            ),
        ],
        Some(format!(
            "gomodx --refresh-module {path} download {path}@latest"
        )),
    ))
}
