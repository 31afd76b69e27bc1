//! `gomodx cache …`: gomodx's store and Go's module cache. One module per
//! subcommand.

mod clean;
mod dir;
mod export;
mod gc;
mod import;
mod ls;
mod stats;
mod verify;

use anyhow::Result;

use crate::ExitStatus;
use crate::cli::CacheCommand;
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// Runs a `gomodx cache` subcommand.
pub fn run(
    settings: &GlobalSettings,
    command: CacheCommand,
    printer: &Printer,
) -> Result<ExitStatus> {
    match command {
        CacheCommand::Dir(args) => dir::run(settings, &args, printer),
        CacheCommand::Export(args) => export::run(settings, &args, printer),
        CacheCommand::Import(args) => import::run(settings, &args, printer),
        CacheCommand::Ls(args) => ls::run(settings, &args, printer),
        CacheCommand::Stats(args) => stats::run(settings, &args, printer),
        CacheCommand::Clean(args) => clean::run(settings, &args, printer),
        CacheCommand::Gc(args) => gc::run(settings, &args, printer),
        CacheCommand::Verify(args) => verify::run(settings, &args, printer),
    }
}
