//! `gomodx doctor [module]`: "why don't I get the newest version?".
//!
//! For each dependency (or the one named) the causes the Go community runs
//! into are checked, each reported with its evidence and the command that
//! fixes it: the network is off for go (GOPROXY=off, vendor mode); the
//! module is routed around the proxy (GONOPROXY/GOPRIVATE); gomodx's stored
//! version list is old; the proxies in GOPROXY disagree; a `replace` pins
//! it; an `exclude` or a retraction hides newer versions; only a
//! pre-release is newer; a new major version lives at a `/vN` path; and
//! MVS keeps the required version because nothing asks for more.

use anyhow::{Context, Result};
use gomodx_client::{Client, ProxyKind, ProxyList};
use gomodx_fetch::{AnswerSource, Replacement};
use gomodx_module::{ModuleVersion, semver};
use gomodx_resolver::LoadOptions;
use gomodx_store::{ArtifactKind, Store};

use super::graph_load::Loaded;
use super::outdated::{Status, statuses};
use super::provenance::describe;
use crate::ExitStatus;
use crate::cli::DoctorArgs;
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// One diagnosed cause.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Finding {
    /// What is going on, in a few words.
    cause: String,
    /// What shows it.
    evidence: Vec<String>,
    /// The command that fixes it, if any.
    fix: Option<String>,
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

/// Diagnoses and prints, per module, why it is not at its newest version.
pub fn run(settings: &GlobalSettings, args: &DoctorArgs, printer: &Printer) -> Result<ExitStatus> {
    let runtime = super::async_runtime()?;
    let loaded = Loaded::load(settings, &LoadOptions::default(), &runtime, printer)?;
    let statuses = statuses(&loaded, &runtime, false, args.module.as_deref());
    let online = matches!(
        settings.freshness.connectivity,
        gomodx_fetch::Connectivity::Online
    );
    let fetch = settings.fetch()?;
    let store = Store::open(&fetch.store_dir)
        .with_context(|| format!("opening the gomodx store at {}", fetch.store_dir.display()))?;
    let mut healthy = 0;
    for status in &statuses {
        let mut findings = environment_findings(settings, &loaded, &status.path);
        if online {
            let live = runtime.block_on(live_lists(&fetch, &status.path))?;
            findings.extend(proxy_findings(status, &live));
        }
        findings.extend(runtime.block_on(module_findings(&loaded, status)));
        findings.extend(sum_finding(&store, &loaded, status));
        let header = format!(
            "{}: required {}, selected {}, newest release {}{}",
            status.path,
            status.required.as_deref().unwrap_or("-"),
            status.selected.as_deref().unwrap_or("-"),
            status.newest_release.as_deref().unwrap_or("-"),
            status
                .newest_prerelease
                .as_ref()
                .map(|p| format!(", newest pre-release {p}"))
                .unwrap_or_default()
        );
        printer.data(header);
        if let Some(answer) = &status.list_answer {
            printer.data(format_args!("  version list {}", describe(answer)));
        }
        if findings.is_empty() {
            healthy += 1;
            printer.data("  ok: the selected version is the newest allowed release");
        }
        for finding in &findings {
            printer.data(format_args!("  cause: {}", finding.cause));
            for line in &finding.evidence {
                printer.data(format_args!("    evidence: {line}"));
            }
            if let Some(fix) = &finding.fix {
                printer.data(format_args!("    fix: {fix}"));
            }
        }
    }
    if !online {
        printer.warn("offline: the proxies were not asked; answers come from the store only");
    }
    printer.status(
        "Checked",
        format_args!("{} modules, {} up to date", statuses.len(), healthy),
    );
    Ok(ExitStatus::Success)
}

/// Causes that come from the environment rather than from `path` itself.
fn environment_findings(settings: &GlobalSettings, loaded: &Loaded, path: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let goproxy = settings.go_env.get("GOPROXY").unwrap_or_default();
    if goproxy == "off" {
        findings.push(Finding::new(
            "module lookup is disabled by GOPROXY=off",
            vec!["GOPROXY=off: go can use only what is already in GOMODCACHE".to_owned()],
            Some("go env -w GOPROXY=https://proxy.golang.org,direct".to_owned()),
        ));
    }
    let vendor_flag = settings.go_flags.mod_mode.as_deref() == Some("vendor");
    let vendor_dir =
        loaded.root.join("vendor/modules.txt").is_file() && settings.go_flags.mod_mode.is_none();
    if vendor_flag || vendor_dir {
        let evidence = if vendor_flag {
            "GOFLAGS has -mod=vendor: go builds from vendor/, not from the module cache".to_owned()
        } else {
            format!(
                "{} exists: go ≥ 1.14 builds from vendor/ by default",
                loaded.root.join("vendor/modules.txt").display()
            )
        };
        findings.push(Finding::new(
            "the build uses the vendor directory",
            vec![evidence],
            Some(format!("go get {path}@latest && go mod vendor")),
        ));
    }
    findings
}

/// What each proxy of GOPROXY lists for `path`: `(proxy, newest release
/// or the error)`.
async fn live_lists(
    fetch: &crate::settings::FetchSettings,
    path: &str,
) -> Result<Vec<(String, Result<Option<String>, String>)>> {
    let mut out = Vec::new();
    if !fetch.gonoproxy.is_empty()
        && gomodx_module::path::match_prefix_patterns(&fetch.gonoproxy, path)
    {
        return Ok(vec![(
            "GONOPROXY".to_owned(),
            Err(format!(
                "{path} matches GONOPROXY/GOPRIVATE={}: go fetches it directly from its repository, not from a proxy",
                fetch.gonoproxy
            )),
        )]);
    }
    // Each entry on its own (with its credentials, if any).
    let entries = fetch
        .goproxy
        .split([',', '|'])
        .map(str::trim)
        .filter(|e| !e.is_empty() && *e != "off" && *e != "direct");
    for entry in entries {
        let single = ProxyList::parse(entry, "")?;
        let Some(ProxyKind::Url(url)) = single.specs().first().map(|s| s.kind.clone()) else {
            continue;
        };
        let client = Client::new(super::download::client_config(fetch, single));
        let answer = match client.list(path).await {
            Ok(served) => Ok(served
                .value
                .into_iter()
                .map(|l| l.version)
                .filter(|v| semver::is_valid(v) && semver::prerelease(v).is_empty())
                .max_by(|a, b| semver::compare(a, b))),
            Err(e) => Err(e.to_string()),
        };
        out.push((url.redacted().to_owned(), answer));
    }
    Ok(out)
}

/// Stale stored answers, proxies that disagree, GONOPROXY routing.
fn proxy_findings(
    status: &Status,
    live: &[(String, Result<Option<String>, String>)],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let [(name, Err(message))] = live
        && name == "GONOPROXY"
    {
        findings.push(Finding::new(
            "the module is routed around the proxy (GONOPROXY/GOPRIVATE)",
            vec![message.clone()],
            Some(format!(
                "GONOPROXY= GOPRIVATE= go get {}@latest",
                status.path
            )),
        ));
        return findings;
    }
    let newest_live = live
        .iter()
        .filter_map(|(_, answer)| answer.as_ref().ok().cloned().flatten())
        .max_by(|a, b| semver::compare(a, b));
    if let (Some(answer), Some(newest)) = (&status.list_answer, &newest_live) {
        let stored = status.newest_release.as_deref().unwrap_or("");
        if answer.source != AnswerSource::Network
            && (stored.is_empty() || semver::compare(newest, stored).is_gt())
        {
            findings.push(Finding::new(
                "the version list in gomodx's store is old",
                vec![
                    format!(
                        "{} {} lists up to {}",
                        answer.endpoint(),
                        describe(answer),
                        if stored.is_empty() { "nothing" } else { stored }
                    ),
                    format!("the proxies now list {newest}"),
                ],
                Some(format!(
                    "gomodx --refresh-module {0} download {0}@latest",
                    status.path
                )),
            ));
        }
    }
    let answers: Vec<String> = live
        .iter()
        .map(|(proxy, answer)| match answer {
            Ok(Some(v)) => format!("{proxy}: {v}"),
            Ok(None) => format!("{proxy}: no release"),
            Err(e) => format!("{proxy}: {e}"),
        })
        .collect();
    let distinct: std::collections::BTreeSet<_> = live
        .iter()
        .filter_map(|(_, a)| a.as_ref().ok().cloned().flatten())
        .collect();
    if distinct.len() > 1
        && let Some(newest) = &newest_live
        && let Some((best, _)) = live
            .iter()
            .find(|(_, a)| a.as_ref().ok().cloned().flatten().as_ref() == Some(newest))
    {
        findings.push(Finding::new(
            "the proxies in GOPROXY disagree",
            answers,
            Some(format!("GOPROXY={best} go get {}@{newest}", status.path)),
        ));
    }
    findings
}

/// Causes in the main module's rules and the module's versions.
async fn module_findings(loaded: &Loaded, status: &Status) -> Vec<Finding> {
    let mut findings = Vec::new();
    let path = &status.path;
    let fetcher = &loaded.fetcher;
    let rules = &loaded.rules;
    let selected = status.selected.clone().unwrap_or_default();
    if let Some(replacement) =
        rules.replacement(&ModuleVersion::new(path.clone(), selected.clone()))
    {
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
    let versions = fetcher
        .versions(path)
        .await
        .map(|v| v.to_vec())
        .unwrap_or_default();
    let latest = status.latest.as_ref().ok().cloned().unwrap_or_default();
    let newer: Vec<&String> = versions
        .iter()
        .filter(|v| latest.is_empty() || semver::compare(v, &latest).is_gt())
        .collect();
    for version in newer {
        let module = ModuleVersion::new(path.clone(), version.clone());
        if rules.is_excluded(&module) {
            findings.push(Finding::new(
                format!("an exclude directive hides {version}"),
                vec![format!("go.mod: exclude {path} {version}")],
                Some(format!(
                    "go mod edit -dropexclude={path}@{version} && go get {path}@{version}"
                )),
            ));
        } else if let Err(error) = fetcher.query(path, version, "", Some(rules)).await
            && error.to_string().contains("retracted")
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
    if let Some(finding) = next_major(fetcher, path).await {
        findings.push(finding);
    }
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
async fn next_major(fetcher: &gomodx_fetch::Fetcher, path: &str) -> Option<Finding> {
    if path.starts_with("gopkg.in/") {
        return None;
    }
    let (prefix, suffix, ok) = gomodx_module::path::split_path_version(path);
    if !ok {
        return None;
    }
    let major: u64 = suffix.trim_start_matches("/v").parse().unwrap_or(1);
    let next = format!("{prefix}/v{}", major + 1);
    let info = fetcher.query(&next, "latest", "", None).await.ok()?;
    Some(Finding::new(
        format!("a new major version is a new module path: {next}"),
        vec![format!("{next}@latest is {}", info.version)],
        Some(format!(
            "go get {next}@{} (and change imports from {path} to {next})",
            info.version
        )),
    ))
}

/// go.sum records a different hash for the selected version's zip than
/// the content gomodx holds.
fn sum_finding(store: &Store, loaded: &Loaded, status: &Status) -> Option<Finding> {
    let module = ModuleVersion::new(status.path.clone(), status.selected.clone()?);
    let recorded = loaded.go_sum.hashes(&module);
    let reference = store.get_ref(&module, ArtifactKind::Zip).ok()??;
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
