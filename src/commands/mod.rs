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
mod serve;
mod verify;
mod why;

use anyhow::{Result, bail};
use gomodx_workspace::mod_flags::{ModFileFlagError, check_modfile_flag};

use crate::ExitStatus;
use crate::cli::{Cli, Command, ModFlags};
use crate::printer::{Hinted, Printer};
use crate::settings::GlobalSettings;

/// Runs the parsed command line.
pub fn run(cli: Cli, printer: &Printer) -> Result<ExitStatus> {
    let mut settings = GlobalSettings::resolve(&cli.global)?;
    match cli.command {
        Command::Verify(args) => {
            apply_mod_flags(&mut settings, &args.mod_flags, false)?;
            verify::run(&settings, &args, printer)
        }
        Command::Download(args) => {
            if args.reuse.is_some() {
                bail!(unsupported_reuse("download"));
            }
            apply_mod_flags(&mut settings, &args.mod_flags, args.trace)?;
            let settings = settings.with_mod_cache(args.modcache.as_deref());
            download::run(&settings, &args, printer)
        }
        Command::Cache(args) => cache::run(&settings, args.command, printer),
        Command::Clean(args) => clean::run(&settings, &args, printer),
        Command::Outdated(args) => outdated::run(&settings, &args, printer),
        Command::Doctor(args) => doctor::run(&settings, &args, printer),
        Command::List(args) => {
            apply_mod_flags(&mut settings, &args.mod_flags, false)?;
            list::apply_mod_mode(&mut settings, args.mod_mode.as_deref())?;
            list::run(&settings, &args, printer)
        }
        Command::Graph(args) => {
            apply_mod_flags(&mut settings, &args.mod_flags, args.trace)?;
            graph::run(&settings, &args, printer)
        }
        Command::Why(args) => {
            apply_mod_flags(&mut settings, &args.mod_flags, false)?;
            why::run(&settings, &args, printer)
        }
        Command::Serve(args) => serve::run(&settings, &args, printer),
    }
}

/// Folds go's module flags given on the command line into the GOFLAGS
/// settings (the command line wins, as in go). `-modfile` may only name the
/// main module's own go.mod: gomodx has no alternate go.mod.
fn apply_mod_flags(settings: &mut GlobalSettings, flags: &ModFlags, trace: bool) -> Result<()> {
    settings.go_flags.modcacherw |= flags.modcacherw;
    settings.go_flags.trace |= trace;
    let Some(file) = &flags.modfile else {
        return Ok(());
    };
    let own = || Ok(settings.main_module_root()?.join("go.mod"));
    check_modfile_flag(&settings.working_dir, file, own).map_err(|err: anyhow::Error| {
        match err.downcast::<ModFileFlagError>() {
            Ok(err @ ModFileFlagError::NotMainGoMod { .. }) => Hinted {
                message: err.to_string(),
                hint:
                    "run go with -modfile, or copy the file over go.mod (and its .sum over go.sum)"
                        .to_owned(),
            }
            .into(),
            Ok(err) => err.into(),
            Err(err) => err,
        }
    })
}

/// The error for go's `-reuse`, which gomodx cannot honour.
fn unsupported_reuse(command: &str) -> Hinted {
    Hinted {
        message: format!(
            "gomodx {command}: -reuse is not supported: gomodx does not record module origins"
        ),
        hint: "drop -reuse: gomodx answers from its own store, which is already cheap".to_owned(),
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
