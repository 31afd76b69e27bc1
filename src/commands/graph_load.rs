//! The module-graph commands' common start: the main modules (go.mod or
//! go.work) for these settings, the command's one [`Fetcher`], and the
//! graph loaded by [`gomodx_workspace`]; warnings and offline misses
//! printed as go and gomodx print them.

use std::ops::Deref;
use std::sync::Arc;

use anyhow::Result;
use gomodx_fetch::{Fetcher, NoReporter};
use gomodx_modcache::ModCache;
use gomodx_resolver::LoadOptions;
use gomodx_workspace::MainModules;

use crate::printer::{Hinted, Printer};
use crate::settings::GlobalSettings;

/// How go loads the graph for a command (`setDefaultBuildMod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `-mod=readonly` (`list`), or what GOFLAGS' `-mod` says.
    ReadOnly,
    /// `-mod=mod` (`mod graph`, `mod why`, `mod verify`, `mod download`).
    Lenient,
}

/// The main modules with their module graph loaded.
pub struct Loaded(gomodx_workspace::Loaded);

impl Deref for Loaded {
    type Target = gomodx_workspace::Loaded;

    fn deref(&self) -> &gomodx_workspace::Loaded {
        &self.0
    }
}

impl Loaded {
    /// Loads the graph of the main modules in `mode`, fetching go.mod
    /// files in parallel on `runtime`.
    pub fn load_in(
        settings: &GlobalSettings,
        options: &LoadOptions,
        mode: Mode,
        runtime: &tokio::runtime::Runtime,
        printer: &Printer,
    ) -> Result<Self> {
        let main = find(settings, printer, mode)?;
        Self::load_found(settings, main, options, mode, runtime, printer)
    }

    /// [`Loaded::load_in`] for main modules already [`find`]-ed.
    pub fn load_found(
        settings: &GlobalSettings,
        main: MainModules,
        options: &LoadOptions,
        mode: Mode,
        runtime: &tokio::runtime::Runtime,
        printer: &Printer,
    ) -> Result<Self> {
        load(settings, main, options, mode, runtime, printer).map(Self)
    }
}

fn load(
    settings: &GlobalSettings,
    main: MainModules,
    options: &LoadOptions,
    mode: Mode,
    runtime: &tokio::runtime::Runtime,
    printer: &Printer,
) -> Result<gomodx_workspace::Loaded> {
    // go's `-x` (from the command line or GOFLAGS): request lines on stderr.
    let trace = settings.go_flags.trace.then(|| {
        let printer = printer.clone();
        Arc::new(move |line: &str| printer.raw(line)) as gomodx_client::TraceHook
    });
    let fetcher = settings.fetcher(Some(main.go_sum.clone()), Arc::new(NoReporter), trace)?;
    let mode = match mode {
        Mode::ReadOnly => gomodx_workspace::Mode::ReadOnly {
            mod_flag: settings.go_flags.mod_mode.clone(),
        },
        Mode::Lenient => gomodx_workspace::Mode::Lenient,
    };
    let started = std::time::Instant::now();
    let mod_cache = ModCache::new(settings.mod_cache()?);
    let loaded = runtime
        .block_on(main.load(fetcher.clone(), mod_cache, options, mode))
        .map_err(|err| offline_or(&fetcher, err))?;
    printer.verbose(format_args!(
        "loaded the module graph ({} modules) in {:.2}s",
        loaded.graph.build_list().len(),
        started.elapsed().as_secs_f64()
    ));
    Ok(loaded)
}

/// The main modules for these settings (an error outside any module), with
/// go's warnings about requirements their excludes drop.
pub fn find(settings: &GlobalSettings, printer: &Printer, mode: Mode) -> Result<MainModules> {
    find_any(settings, printer, mode)?.ok_or_else(|| {
        Hinted {
            message: "go.mod file not found in current directory or any parent directory"
                .to_owned(),
            hint: "run gomodx inside a Go module, or pass `-C <module dir>`".to_owned(),
        }
        .into()
    })
}

/// [`find`], `None` outside any module.
pub fn find_any(
    settings: &GlobalSettings,
    printer: &Printer,
    mode: Mode,
) -> Result<Option<MainModules>> {
    let main = MainModules::find(&settings.workspace_context())?;
    let mod_flag = settings.go_flags.mod_mode.as_deref();
    let warnings = main
        .iter()
        .flat_map(|m| m.excluded_requirement_warnings(mode == Mode::ReadOnly, mod_flag));
    warnings.for_each(|warning| printer.warn(warning));
    Ok(main)
}

/// `err`; when it is only an offline miss, the one error naming every
/// file missing so far instead.
pub fn offline_or(fetcher: &Fetcher, err: gomodx_workspace::Error) -> anyhow::Error {
    match fetcher.offline_error() {
        Some(offline) if err.is_offline_miss() => super::provenance::hinted(offline),
        _ => err.into(),
    }
}
