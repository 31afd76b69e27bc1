//! `gomodx download`: `go mod download`, offline first and in parallel.
//! What the arguments mean and the go.sum lines written are
//! [`gomodx_workspace::download`]'s; this prints.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use gomodx_modcache::ModCache;
use gomodx_workspace::download::{ArgError, DownloadError, Plan};

use super::graph_load::{Mode, find_any, offline_or};
use crate::ExitStatus;
use crate::cli::DownloadArgs;
use crate::printer::{Hinted, Printer};
use crate::reporters::{DownloadReporter, human_bytes};
use crate::settings::GlobalSettings;

/// Downloads the modules named by `args` (or the main modules' dependencies).
pub fn run(
    settings: &GlobalSettings,
    args: &DownloadArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    let main = find_any(settings, printer, Mode::Lenient)?;
    let started = Instant::now();
    let reporter = DownloadReporter::new(printer, printer.shows_progress());
    let trace = settings.go_flags.trace.then(|| reporter.trace_hook());
    let fetcher = settings.fetcher(
        main.as_ref().map(|m| m.go_sum.clone()),
        reporter.clone(),
        trace,
    )?;
    let mod_cache = ModCache::new(settings.mod_cache()?);
    let runtime = super::async_runtime()?;
    let in_module = main.is_some();
    let plan = runtime
        .block_on(Plan::new(
            main,
            &args.modules,
            &fetcher,
            &mod_cache,
            settings.locked,
        ))
        .map_err(|err| match err {
            DownloadError::Arg(ArgError::Pattern(arg)) => Hinted {
                message: ArgError::Pattern(arg).to_string(),
                hint: "name the modules as `path@version`, or use `all`".to_owned(),
            }
            .into(),
            DownloadError::Arg(err) => err.into(),
            DownloadError::Main(err) => offline_or(&fetcher, err),
        })?;
    for arg in &plan.skipped {
        printer.warn(format_args!(
            "skipping download of {arg} that resolves to the main module"
        ));
    }
    if plan.targets.is_empty() {
        if in_module || !args.modules.is_empty() {
            printer.warn("no module dependencies to download");
            return Ok(ExitStatus::Success);
        }
        anyhow::bail!("no modules specified (see `gomodx download --help`)");
    }

    let queue = Arc::clone(&reporter);
    let objects = runtime.block_on(plan.download(&fetcher, Arc::new(move |m| queue.queue(m))));
    let summary = reporter.finish();
    super::provenance::report(&fetcher, printer);
    for object in objects.iter().filter(|o| !o.query.is_empty()) {
        let (path, query) = (&object.path, &object.query);
        printer.status(
            "Resolved",
            format_args!("{path}@{query} to {}", object.version),
        );
    }

    let failures = objects.iter().filter(|o| o.error.is_some()).count();
    let failed = failures > 0 || plan.graph_error.is_some();
    if args.json {
        for object in &objects {
            printer.data(object.to_json().to_indented());
        }
    } else {
        // Offline misses in one error; any other error as it is.
        let offline = fetcher.offline_error();
        let missed = |path: &str| {
            offline
                .iter()
                .flat_map(|o| &o.missing)
                .any(|m| m.path == path)
        };
        if let Some(offline) = offline.clone() {
            printer.report_error(&super::provenance::hinted(offline));
        }
        for object in objects.iter().filter(|o| !missed(&o.path)) {
            object.error.iter().for_each(|error| printer.error(error));
        }
    }
    // As go: the graph's error after what could be downloaded.
    if let Some(error) = &plan.graph_error {
        printer.error(error);
    }
    // The summary after the errors, where it is read.
    printer.outcome(
        !failed,
        "Finished",
        format_args!(
            "{} downloaded ({}), {} from store{} in {:.2}s",
            summary.downloaded,
            human_bytes(summary.bytes),
            summary.from_store,
            if failed {
                format!(", {failures} failed")
            } else {
                String::new()
            },
            started.elapsed().as_secs_f64()
        ),
    );
    plan.finish(&fetcher, &mod_cache, failed, args.json)?;
    if !failed {
        let modules: Vec<_> = objects.iter().map(|o| o.module()).collect();
        super::for_build::finish(settings, args, &modules, printer)?;
    }
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
