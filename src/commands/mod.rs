//! One module per command.

mod verify;

use anyhow::Result;

use crate::ExitStatus;
use crate::cli::{Cli, Command};
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// Runs the parsed command line.
pub fn run(cli: Cli, printer: &Printer) -> Result<ExitStatus> {
    let settings = GlobalSettings::resolve(&cli.global)?;
    match cli.command {
        Command::Verify(args) => verify::run(&settings, &args, printer),
    }
}
