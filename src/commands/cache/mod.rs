//! `gomodx cache …`: gomodx's store and Go's module cache. One module per
//! subcommand.

mod dir;

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
    }
}
