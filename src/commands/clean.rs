//! `gomodx clean --modcache`: `go clean -modcache`.

use anyhow::{Result, bail};

use crate::ExitStatus;
use crate::cli::CleanArgs;
use crate::printer::Printer;
use crate::reporters::human_bytes;
use crate::settings::GlobalSettings;

/// Removes the whole GOMODCACHE as go does: directories are made writable
/// first (go's trees are read-only), then everything is removed.
pub fn run(settings: &GlobalSettings, args: &CleanArgs, printer: &Printer) -> Result<ExitStatus> {
    debug_assert!(args.modcache, "clap requires --modcache");
    if settings
        .go_env
        .get("GOMODCACHE")
        .unwrap_or_default()
        .is_empty()
    {
        bail!("cannot clean -modcache without a module cache");
    }
    let mod_cache = settings.mod_cache()?;
    if args.dry_run || args.trace {
        printer.raw(format_args!("rm -rf {}", mod_cache.display()));
    }
    let (files, bytes) = gomodx_modcache::caches::tree_usage(&mod_cache);
    if args.dry_run {
        printer.status(
            "Would remove",
            format_args!("{files} files ({})", human_bytes(bytes)),
        );
        return Ok(ExitStatus::Success);
    }
    if let Err(err) = gomodx_fs::remove_dir_all_force(&mod_cache) {
        bail!("unable to remove module cache: {err}");
    }
    printer.status(
        "Removed",
        format_args!(
            "{files} files ({}) from {}",
            human_bytes(bytes),
            mod_cache.display()
        ),
    );
    Ok(ExitStatus::Success)
}
