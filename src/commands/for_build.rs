//! What `gomodx download` does for container images and CI once the
//! modules are in the cache (`--modcache` picks it, see
//! [`GlobalSettings::with_mod_cache`]): `--for-build` keeps only what
//! `go build` reads offline, and `--reproducible` makes the cache
//! byte-identical across runs.

use anyhow::{Context, Result};
use gomodx_modcache::{BuildLayout, DEFAULT_EPOCH, ModCache, normalize, slim_for_build};
use gomodx_module::ModuleVersion;

use crate::cli::{DownloadArgs, ForBuild};
use crate::printer::Printer;
use crate::reporters::human_bytes;
use crate::settings::GlobalSettings;

/// Slims and normalises the cache after a successful download of `modules`,
/// as the flags ask; prints the size saved by `--for-build`.
pub fn finish(
    settings: &GlobalSettings,
    args: &DownloadArgs,
    modules: &[ModuleVersion],
    printer: &Printer,
) -> Result<()> {
    let root = settings.mod_cache()?;
    if let Some(keep) = args.for_build {
        if args.modcache.is_none() {
            printer.warn(
                "--for-build slims GOMODCACHE itself; `go mod download` and `go list -m` will fetch \
                 the removed files again (use --modcache DIR for a dedicated cache)",
            );
        }
        let layout = match keep {
            ForBuild::Trees => BuildLayout::Trees,
            ForBuild::Zips => BuildLayout::Zips,
        };
        let report = slim_for_build(&ModCache::new(&root), modules, layout)
            .with_context(|| format!("slimming {}", root.display()))?;
        let percent = if report.full == 0 {
            0.0
        } else {
            report.saved() as f64 * 100.0 / report.full as f64
        };
        printer.status(
            "Slimmed",
            format_args!(
                "{} for build, {} saved ({percent:.0}%) against a full `go mod download` cache of {}",
                human_bytes(report.slim),
                human_bytes(report.saved()),
                human_bytes(report.full),
            ),
        );
    }
    if args.reproducible || args.for_build.is_some() {
        let writable = settings.go_flags.modcacherw;
        let epoch = args.source_date_epoch.unwrap_or(DEFAULT_EPOCH);
        normalize(&root, epoch, writable)
            .with_context(|| format!("normalising {}", root.display()))?;
    }
    Ok(())
}
