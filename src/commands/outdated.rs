//! `gomodx outdated`: per dependency the version go.mod requires, the one
//! MVS selects, the newest release and pre-release the proxy lists, what
//! `@latest` resolves to under the main module's excludes and the author's
//! retractions, whether the selected version is retracted or the module
//! deprecated — and where the "newest" answer came from and how old it is.

use anyhow::Result;
use gomodx_fetch::{Answer, Fetcher, MainRules};
use gomodx_module::{ModuleVersion, semver};
use gomodx_resolver::LoadOptions;
use gomodx_store::MetaKey;

use super::graph_load::Loaded;
use super::provenance::{describe, human_age, json};
use crate::ExitStatus;
use crate::cli::OutdatedArgs;
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// What is known about one dependency's versions.
#[derive(Debug, Clone)]
pub struct Status {
    /// The module path.
    pub path: String,
    /// The version the main go.mod requires, if it does.
    pub required: Option<String>,
    /// Whether the go.mod requirement is `// indirect` (or absent).
    pub indirect: bool,
    /// The version MVS selects.
    pub selected: Option<String>,
    /// What replaces the selected version.
    pub replaced: Option<ModuleVersion>,
    /// The newest release the proxy lists (excludes and retractions ignored).
    pub newest_release: Option<String>,
    /// The newest pre-release, when newer than the newest release.
    pub newest_prerelease: Option<String>,
    /// What `path@latest` resolves to, or why it fails.
    pub latest: Result<String, String>,
    /// Why the selected version is not allowed (retracted, excluded).
    pub disallowed: Option<String>,
    /// The latest go.mod's `Deprecated:` message.
    pub deprecated: Option<String>,
    /// The version list's provenance.
    pub list_answer: Option<Answer>,
}

impl Status {
    /// Whether a newer release than the selected version exists.
    pub fn is_outdated(&self) -> bool {
        match (&self.selected, &self.latest) {
            (Some(selected), Ok(latest)) => semver::compare(latest, selected).is_gt(),
            _ => false,
        }
    }
}

/// Gathers the [`Status`] of `path`.
pub async fn status(
    fetcher: &Fetcher,
    rules: &MainRules,
    path: &str,
    required: Option<(String, bool)>,
    selected: Option<String>,
) -> Status {
    let versions = fetcher
        .versions(path)
        .await
        .map(|v| v.to_vec())
        .unwrap_or_default();
    let newest_release = versions
        .iter()
        .filter(|v| semver::prerelease(v).is_empty())
        .max_by(|a, b| semver::compare(a, b))
        .cloned();
    let newest_prerelease = versions
        .iter()
        .filter(|v| !semver::prerelease(v).is_empty())
        .max_by(|a, b| semver::compare(a, b))
        .filter(|pre| {
            newest_release
                .as_ref()
                .is_none_or(|release| semver::compare(pre, release).is_gt())
        })
        .cloned();
    let latest = fetcher
        .query(path, "latest", "", Some(rules))
        .await
        .map(|info| info.version)
        .map_err(|e| e.to_string());
    let disallowed = match &selected {
        Some(version) if !version.is_empty() => fetcher
            .query(path, version, "", Some(rules))
            .await
            .err()
            .map(|e| e.to_string()),
        _ => None,
    };
    let deprecated = deprecation(fetcher, path).await;
    let replaced = selected
        .as_ref()
        .and_then(|v| rules.replacement(&ModuleVersion::new(path, v.clone())))
        .map(|r| match r {
            gomodx_fetch::Replacement::Module(m) => m.clone(),
            gomodx_fetch::Replacement::Dir(dir) => {
                ModuleVersion::new(dir.display().to_string(), "")
            }
        });
    let list_answer = fetcher
        .answers()
        .into_iter()
        .rev()
        .find(|a| a.path == path && a.key == MetaKey::List);
    Status {
        path: path.to_owned(),
        indirect: required.as_ref().is_none_or(|(_, indirect)| *indirect),
        required: required.map(|(v, _)| v),
        selected,
        replaced,
        newest_release,
        newest_prerelease,
        latest,
        disallowed,
        deprecated,
        list_answer,
    }
}

/// The `// Deprecated:` message of the module's latest go.mod.
async fn deprecation(fetcher: &Fetcher, path: &str) -> Option<String> {
    let latest = fetcher.query(path, "latest", "", None).await.ok()?;
    let go_mod = fetcher
        .go_mod(&ModuleVersion::new(path, latest.version))
        .await
        .ok()?;
    let parsed = gomodx_modfile::parse_lax("go.mod", &go_mod.data).ok()?;
    parsed
        .module
        .map(|m| m.deprecated)
        .filter(|d| !d.is_empty())
}

/// The statuses of the main module's dependencies: the paths its go.mod
/// requires (direct only unless `all`), or with `all` the whole build list.
pub fn statuses(
    loaded: &Loaded,
    runtime: &tokio::runtime::Runtime,
    all: bool,
    only: Option<&str>,
) -> Vec<Status> {
    let mut paths: Vec<String> = if all {
        loaded
            .graph
            .build_list()
            .iter()
            .filter(|m| !m.version.is_empty())
            .map(|m| m.path.clone())
            .collect()
    } else {
        loaded
            .mod_file
            .require
            .iter()
            .filter(|r| !r.indirect || only.is_some())
            .map(|r| r.module.path.clone())
            .collect()
    };
    if let Some(only) = only {
        paths.retain(|p| p == only);
        if paths.is_empty() {
            paths.push(only.to_owned());
        }
    }
    paths.dedup();
    let tasks: Vec<_> = paths
        .into_iter()
        .map(|path| {
            let fetcher = loaded.fetcher.clone();
            let rules = loaded.rules.clone();
            let required = loaded
                .mod_file
                .require
                .iter()
                .filter(|r| r.module.path == path)
                .map(|r| (r.module.version.clone(), r.indirect))
                .next_back();
            let selected = loaded.graph.selected(&path).map(str::to_owned);
            runtime.spawn(async move { status(&fetcher, &rules, &path, required, selected).await })
        })
        .collect();
    runtime.block_on(async {
        let mut out = Vec::new();
        for task in tasks {
            if let Ok(status) = task.await {
                out.push(status);
            }
        }
        out
    })
}

/// Prints the table (or JSON) of dependencies.
pub fn run(
    settings: &GlobalSettings,
    args: &OutdatedArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    let runtime = super::async_runtime()?;
    let loaded = Loaded::load(settings, &LoadOptions::default(), &runtime, printer)?;
    let statuses = statuses(&loaded, &runtime, args.all, None);
    super::provenance::report(&loaded.fetcher, printer);
    if args.json {
        for status in &statuses {
            printer.data(to_json(status));
        }
        return Ok(ExitStatus::Success);
    }
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    printer.data(format_args!(
        "{:<40} {:<14} {:<14} {:<14} {:<18} {:<14} NOTES",
        "MODULE", "REQUIRED", "SELECTED", "LATEST", "PRERELEASE", "LIST AGE"
    ));
    for status in &statuses {
        let latest = status.latest.clone().unwrap_or_else(|_| "?".to_owned());
        let age = status
            .list_answer
            .as_ref()
            .map_or_else(|| "-".to_owned(), |a| human_age(a.age()));
        printer.data(format_args!(
            "{:<40} {:<14} {:<14} {:<14} {:<18} {:<14} {}",
            status.path,
            dash(&status.required),
            dash(&status.selected),
            latest,
            dash(&status.newest_prerelease),
            age,
            notes(status).join("; ")
        ));
        if let Some(answer) = &status.list_answer {
            printer.verbose(format_args!(
                "  {}: {}",
                answer.endpoint(),
                describe(answer)
            ));
        }
    }
    Ok(ExitStatus::Success)
}

/// Short remarks for the table.
fn notes(status: &Status) -> Vec<String> {
    let mut notes = Vec::new();
    if status.is_outdated() {
        notes.push("outdated".to_owned());
    }
    if status.indirect {
        notes.push("indirect".to_owned());
    }
    if let Some(replaced) = &status.replaced {
        notes.push(
            format!("replaced by {} {}", replaced.path, replaced.version)
                .trim_end()
                .to_owned(),
        );
    }
    if let Some(reason) = &status.disallowed {
        notes.push(reason.clone());
    }
    if let Some(message) = &status.deprecated {
        notes.push(format!("deprecated: {message}"));
    }
    if let Err(error) = &status.latest {
        notes.push(format!("latest: {error}"));
    }
    notes
}

fn to_json(status: &Status) -> serde_json::Value {
    serde_json::json!({
        "Path": status.path,
        "Required": status.required,
        "Indirect": status.indirect,
        "Selected": status.selected,
        "Replace": status.replaced.as_ref().map(ToString::to_string),
        "Latest": status.latest.as_ref().ok(),
        "LatestError": status.latest.as_ref().err(),
        "NewestRelease": status.newest_release,
        "NewestPrerelease": status.newest_prerelease,
        "Outdated": status.is_outdated(),
        "Disallowed": status.disallowed,
        "Deprecated": status.deprecated,
        "Provenance": status.list_answer.as_ref().map(json),
    })
}
