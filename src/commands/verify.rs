//! `gomodx verify`: `go mod verify`, in parallel.

use anyhow::Result;
use gomodx_modcache::{ModCache, VerifyError, verify};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use super::graph_load::{Loaded, Mode};
use crate::ExitStatus;
use crate::cli::VerifyArgs;
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// Verifies every module of the build list that is present in GOMODCACHE.
pub fn run(settings: &GlobalSettings, args: &VerifyArgs, printer: &Printer) -> Result<ExitStatus> {
    let cache = ModCache::new(settings.mod_cache()?);
    let runtime = super::async_runtime()?;
    let options = gomodx_resolver::LoadOptions::default();
    let loaded = Loaded::load_in(settings, &options, Mode::Lenient, &runtime, printer)?;
    let (root, modules) = (&loaded.root, loaded.verify_list());
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
