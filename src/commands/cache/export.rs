//! `gomodx cache export`: a deterministic tarball of a module cache.

use anyhow::{Context, Result};
use gomodx_modcache::{DEFAULT_EPOCH, export_tar};

use crate::ExitStatus;
use crate::cli::CacheExportArgs;
use crate::printer::Printer;
use crate::reporters::human_bytes;
use crate::settings::GlobalSettings;

/// Writes the tarball and prints what it holds.
pub fn run(
    settings: &GlobalSettings,
    args: &CacheExportArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    let root = match &args.modcache {
        Some(dir) => settings.working_dir.join(dir),
        None => settings.mod_cache()?,
    };
    if !root.is_dir() {
        anyhow::bail!("module cache {} does not exist", root.display());
    }
    let tar = settings.working_dir.join(&args.tar);
    let epoch = args.source_date_epoch.unwrap_or(DEFAULT_EPOCH);
    let summary = export_tar(&root, &tar, epoch)
        .with_context(|| format!("exporting {} to {}", root.display(), tar.display()))?;
    printer.status(
        "Exported",
        format_args!(
            "{} modules, {} files ({}) to {}",
            summary.modules,
            summary.files,
            human_bytes(summary.bytes),
            tar.display()
        ),
    );
    Ok(ExitStatus::Success)
}
