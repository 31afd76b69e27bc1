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

/// Threads of the runtime's blocking pool: as many as default network jobs
/// (measured: fewer or more is no faster, from tmpfs or disk).
const BLOCKING_THREADS: usize = gomodx_fetch::DEFAULT_JOBS;

/// A tokio runtime, for the commands that use the network.
///
/// Its blocking pool (short file work: store writes, exports, locks) is
/// capped: left at tokio's 512, a cold download of a few hundred modules
/// starts a thread for nearly every module, and the stacks and malloc
/// arenas of those threads, not the data, made most of the peak RSS.
fn async_runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build()?)
}
