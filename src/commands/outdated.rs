//! `gomodx outdated`: per dependency the version go.mod requires, the one
//! MVS selects, the newest release and pre-release the proxy lists, what
//! `@latest` resolves to, and where the version list came from and how old
//! it is ([`gomodx_fetch::ModuleStatus`] holds the rules).

use anyhow::Result;
use gomodx_fetch::{ModuleStatus, human_age};
use gomodx_resolver::LoadOptions;

use super::graph_load::{Loaded, Mode};
use crate::ExitStatus;
use crate::cli::OutdatedArgs;
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// Prints the table (or JSON) of dependencies.
pub fn run(
    settings: &GlobalSettings,
    args: &OutdatedArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    let runtime = super::async_runtime()?;
    let options = LoadOptions::default();
    let loaded = Loaded::load_in(settings, &options, Mode::ReadOnly, &runtime, printer)?;
    let statuses = runtime.block_on(loaded.statuses(loaded.dependency_paths(args.all, None)));
    super::provenance::report(&loaded.fetcher, printer);
    if args.json {
        for status in &statuses {
            printer.data(status.to_json());
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
        printer.data(line(cells, &status.notes().join("; ")));
        if let Some(answer) = &status.list_answer {
            printer.verbose(format_args!(
                "  {}: {}",
                answer.endpoint(),
                answer.describe()
            ));
        }
    }
    for status in statuses.iter().filter(|s| s.proxy_failed()) {
        if let Err(error) = &status.latest {
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
