//! `gomodx outdated`: per dependency the version go.mod requires, the one
//! MVS selects, the newest release and pre-release the proxy lists, what
//! `@latest` resolves to, and where the version list came from and how old
//! it is ([`gomodx_fetch::ModuleStatus`] holds the rules).

use anyhow::Result;
use gomodx_fetch::{ModuleStatus, is_module_path};
use gomodx_resolver::LoadOptions;

use super::graph_load::Loaded;
use super::provenance::{describe, human_age, json};
use crate::ExitStatus;
use crate::cli::OutdatedArgs;
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// The main module's dependencies: the paths its go.mod requires (direct
/// only unless `all`), or with `all` the whole build list; `only` narrows
/// them to one path (known or not).
pub fn paths(loaded: &Loaded, all: bool, only: Option<&str>) -> Vec<String> {
    let mut paths: Vec<String> = if all {
        let list = loaded.graph.build_list();
        list.iter()
            .filter(|m| !m.version.is_empty() && is_module_path(&m.path))
            .map(|m| m.path.clone())
            .collect()
    } else {
        let requires = loaded.mod_file.require.iter();
        requires
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
    paths
}

/// The status of each of `paths`, gathered concurrently.
pub fn statuses(
    loaded: &Loaded,
    runtime: &tokio::runtime::Runtime,
    paths: Vec<String>,
) -> Vec<ModuleStatus> {
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
            runtime.spawn(async move {
                fetcher
                    .module_status(&rules, &path, required, selected)
                    .await
            })
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
    let statuses = statuses(&loaded, &runtime, paths(&loaded, args.all, None));
    super::provenance::report(&loaded.fetcher, printer);
    if args.json {
        for status in &statuses {
            printer.data(to_json(status));
        }
        return Ok(ExitStatus::Success);
    }
    let header = [
        "MODULE",
        "REQUIRED",
        "SELECTED",
        "LATEST",
        "PRERELEASE",
        "LIST AGE",
    ];
    let rows: Vec<[String; 6]> = statuses.iter().map(row).collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }
    let line = |cells: &[String; 6], notes: &str| {
        let mut text = String::new();
        for (cell, width) in cells.iter().zip(widths) {
            text.push_str(&format!("{cell:<width$}  "));
        }
        text.push_str(notes);
        text
    };
    printer.data(line(&header.map(str::to_owned), "NOTES"));
    for (status, cells) in statuses.iter().zip(&rows) {
        printer.data(line(cells, &notes(status).join("; ")));
        if let Some(answer) = &status.list_answer {
            printer.verbose(format_args!(
                "  {}: {}",
                answer.endpoint(),
                describe(answer)
            ));
        }
    }
    for status in &statuses {
        if let Err(error) = &status.latest
            && status.latest_note() == Some("the proxy failed")
        {
            printer.warn(format_args!("{}@latest: {error}", status.path));
        }
    }
    Ok(ExitStatus::Success)
}

/// The table cells of one dependency, NOTES aside.
fn row(status: &ModuleStatus) -> [String; 6] {
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    [
        status.path.clone(),
        dash(&status.required),
        dash(&status.selected),
        status.latest.clone().unwrap_or_else(|_| "?".to_owned()),
        dash(&status.newest_prerelease),
        status
            .list_answer
            .as_ref()
            .map_or_else(|| "-".to_owned(), |a| human_age(a.age())),
    ]
}

/// Short remarks for the table (errors in a few words; the proxy's own
/// failures are printed in full below it).
fn notes(status: &ModuleStatus) -> Vec<String> {
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
    if let Some(error) = &status.disallowed {
        notes.push(error.to_string());
    }
    if let Some(message) = &status.deprecated {
        notes.push(format!("deprecated: {message}"));
    }
    if let Some(note) = status.latest_note() {
        notes.push(format!("latest: {note}"));
    }
    notes
}

fn to_json(status: &ModuleStatus) -> serde_json::Value {
    serde_json::json!({
        "Path": status.path,
        "Required": status.required,
        "Indirect": status.indirect,
        "Selected": status.selected,
        "Replace": status.replaced.as_ref().map(ToString::to_string),
        "Latest": status.latest.as_ref().ok(),
        "LatestError": status.latest.as_ref().err().map(ToString::to_string),
        "NewestRelease": status.newest_release,
        "NewestPrerelease": status.newest_prerelease,
        "Outdated": status.is_outdated(),
        "Disallowed": status.disallowed.as_ref().map(ToString::to_string),
        "Deprecated": status.deprecated,
        "Provenance": status.list_answer.as_ref().map(json),
    })
}
