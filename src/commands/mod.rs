//! One module per command.

mod cache;
mod download;
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
        Command::Download(args) => download::run(&settings, &args, printer),
        Command::Cache(args) => cache::run(&settings, args.command, printer),
    }
}

/// A tokio runtime, for the commands that use the network.
fn async_runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
