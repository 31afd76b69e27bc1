//! `gomodx verify`: `go mod verify`, in parallel.

use anyhow::Result;
use gomodx_modcache::{ModCache, VerifyError, verify};
use gomodx_module::ModuleVersion;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::ExitStatus;
use crate::cli::VerifyArgs;
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// Verifies every module of the build list that is present in GOMODCACHE.
pub fn run(settings: &GlobalSettings, args: &VerifyArgs, printer: &Printer) -> Result<ExitStatus> {
    let cache = ModCache::new(settings.mod_cache()?);
    let (root, modules) = build_list_modules(settings, printer)?;
    printer.verbose(format_args!(
        "verifying {} modules of the build list of {} against {}",
        modules.len(),
        root.display(),
        cache.root().display()
    ));

    let started = std::time::Instant::now();
    let progress = progress_bar(printer, modules.len());
    let results: Vec<Vec<VerifyError>> = modules
        .par_iter()
        .map(|module| {
            let errors = verify(&cache, module);
            progress.inc(1);
            errors
        })
        .collect();
    progress.finish_and_clear();

    let failed = results.iter().any(|errors| !errors.is_empty());
    printer.status(
        "Verified",
        format_args!(
            "{} modules in {:.2}s",
            modules.len(),
            started.elapsed().as_secs_f64()
        ),
    );
    if args.json {
        for (module, errors) in modules.iter().zip(&results) {
            let object = serde_json::json!({
                "Path": module.path,
                "Version": module.version,
                "Errors": errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
            });
            printer.data(serde_json::to_string_pretty(&object)?);
        }
    } else {
        for error in results.iter().flatten() {
            printer.error(error);
        }
        for error in results.iter().flatten() {
            printer.warn(format_args!("to repair: {}", error.repair()));
        }
        if !failed {
            printer.data("all modules verified");
        }
    }
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The build list without the main module and `go`/`toolchain`, as `go
/// mod verify` checks it (replaced modules under their own path and
/// version, which usually have nothing in the cache).
/// Also the main modules' directory.
fn build_list_modules(
    settings: &GlobalSettings,
    printer: &Printer,
) -> Result<(std::path::PathBuf, Vec<ModuleVersion>)> {
    let runtime = super::async_runtime()?;
    let loaded = super::graph_load::Loaded::load_in(
        settings,
        &gomodx_resolver::LoadOptions::default(),
        super::graph_load::Mode::Lenient,
        &runtime,
        printer,
    )?;
    let modules = loaded
        .graph
        .build_list()
        .iter()
        .filter(|m| !m.version.is_empty() && !gomodx_module::is_toolchain_path(&m.path))
        .cloned()
        .collect();
    Ok((loaded.root.clone(), modules))
}

/// A progress bar for hashing, hidden when output is not a terminal or with `-q`/`-v`.
fn progress_bar(printer: &Printer, total: usize) -> ProgressBar {
    if !printer.shows_progress() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>12.cyan.bold} [{bar:30}] {pos}/{len} modules")
            .expect("the template is a valid constant")
            .progress_chars("=> "),
    );
    bar.set_prefix("Verifying");
    bar
}
