//! `gomodx why`: `go mod why -m` (on the package import graph, as go), or
//! (without `-m`) a fuller account for a person of why a module is in the
//! module graph at its version ([`gomodx_workspace::explain`]).

use anyhow::Result;
use gomodx_resolver::LoadOptions;
use gomodx_workspace::explain::explain;
use gomodx_workspace::why::PackageGraph;

use super::graph_load::{Loaded, Mode};
use crate::ExitStatus;
use crate::cli::WhyArgs;
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// Explains why the main module needs each module of `args`.
pub fn run(settings: &GlobalSettings, args: &WhyArgs, printer: &Printer) -> Result<ExitStatus> {
    let runtime = super::async_runtime()?;
    let options = LoadOptions::default();
    let loaded = Loaded::load_in(settings, &options, Mode::Lenient, &runtime, printer)?;
    let paths = loaded.expand_patterns(&args.modules);
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    let text = if args.modules_only {
        runtime
            .block_on(PackageGraph::load(&loaded, !args.vendor))
            .why_text(&paths, args.vendor)
    } else {
        let explain = |path: &&str| explain(&loaded.graph, &loaded.mod_file, path);
        paths.iter().map(explain).collect::<Vec<_>>().join("\n")
    };
    printer.data_block(&text);
    Ok(ExitStatus::Success)
}
