//! `gomodx graph`: `go mod graph`, and the same edges as DOT or JSON
//! ([`gomodx_workspace::graph_format`]).

use anyhow::Result;
use gomodx_resolver::LoadOptions;
use gomodx_workspace::graph_format;

use super::graph_load::{Loaded, Mode};
use crate::ExitStatus;
use crate::cli::{GraphArgs, GraphFormat};
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// Prints the module graph in the requested format.
pub fn run(settings: &GlobalSettings, args: &GraphArgs, printer: &Printer) -> Result<ExitStatus> {
    let options = LoadOptions {
        go_version: args.go.clone(),
    };
    let runtime = super::async_runtime()?;
    let loaded = Loaded::load_in(settings, &options, Mode::Lenient, &runtime, printer)?;
    let graph = &loaded.graph;
    let text = match args.format {
        GraphFormat::Text => graph.graph_text(),
        GraphFormat::Dot => graph_format::dot(graph),
        GraphFormat::Json => graph_format::json(graph),
    };
    printer.data_block(&text);
    Ok(ExitStatus::Success)
}
