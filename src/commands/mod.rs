//! One module per command.

mod cache;
mod clean;
mod doctor;
mod download;
mod for_build;
mod graph;
mod graph_load;
mod list;
mod outdated;
mod provenance;
mod verify;
mod why;
mod why_packages;

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
        Command::Download(args) => {
            let settings = settings.with_mod_cache(args.modcache.as_deref());
            download::run(&settings, &args, printer)
        }
        Command::Cache(args) => cache::run(&settings, args.command, printer),
        Command::Clean(args) => clean::run(&settings, &args, printer),
        Command::Outdated(args) => outdated::run(&settings, &args, printer),
        Command::Doctor(args) => doctor::run(&settings, &args, printer),
        Command::List(args) => list::run(&settings, &args, printer),
        Command::Graph(args) => graph::run(&settings, &args, printer),
        Command::Why(args) => why::run(&settings, &args, printer),
    }
}

/// A tokio runtime, for the commands that use the network.
fn async_runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
