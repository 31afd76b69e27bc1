//! `gomodx cache import`: a tarball from `cache export` back into a module
//! cache, verified before anything is written.

use anyhow::{Context, Result};
use gomodx_modcache::{ImportOptions, SumLookup, import_tar};
use gomodx_modfile::GoSum;
use gomodx_module::ModuleVersion;

use crate::ExitStatus;
use crate::cli::CacheImportArgs;
use crate::printer::Printer;
use crate::reporters::human_bytes;
use crate::settings::GlobalSettings;

/// Imports the tarball, checking go.sum's hashes when run inside a module.
pub fn run(
    settings: &GlobalSettings,
    args: &CacheImportArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    let dest = match &args.modcache {
        Some(dir) => settings.working_dir.join(dir),
        None => settings.mod_cache()?,
    };
    let tar = settings.working_dir.join(&args.tar);
    let go_sum = main_go_sum(settings)?;
    let lookup = |module: &ModuleVersion| -> Vec<String> {
        go_sum
            .as_ref()
            .map(|sums| sums.hashes(module).to_vec())
            .unwrap_or_default()
    };
    let options = ImportOptions {
        writable: args.modcacherw || settings.go_flags.modcacherw,
        go_sum: go_sum.is_some().then_some(&lookup as SumLookup<'_>),
    };
    let summary = import_tar(&tar, &dest, options)
        .with_context(|| format!("importing {} into {}", tar.display(), dest.display()))?;
    printer.status(
        "Imported",
        format_args!(
            "{} modules, {} files ({}) into {}",
            summary.modules,
            summary.files,
            human_bytes(summary.bytes),
            dest.display()
        ),
    );
    Ok(ExitStatus::Success)
}

/// The main module's go.sum, if the command runs inside a module that has one.
fn main_go_sum(settings: &GlobalSettings) -> Result<Option<GoSum>> {
    let Ok(root) = settings.main_module_root() else {
        return Ok(None);
    };
    let path = root.join("go.sum");
    match std::fs::read(&path) {
        Ok(data) => Ok(Some(GoSum::parse(&path.display().to_string(), &data)?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}
