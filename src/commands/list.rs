//! `gomodx list -m`: `go list -m [-json] [-u] [-retracted]` over the module
//! graph, with go's text and JSON output. What is listed is
//! [`gomodx_workspace::list`]'s; this prints.

use anyhow::{Result, bail};
use gomodx_resolver::LoadOptions;
use gomodx_workspace::list::{ListMode, check_patterns, list};
use gomodx_workspace::vendor;

use super::graph_load::Loaded;
use crate::ExitStatus;
use crate::cli::ListArgs;
use crate::printer::{Hinted, Printer};
use crate::settings::GlobalSettings;
use gomodx_workspace::list_template::ListTemplate;

/// Lists the modules matching `args.patterns`.
pub fn run(settings: &GlobalSettings, args: &ListArgs, printer: &Printer) -> Result<ExitStatus> {
    if !args.modules {
        bail!("gomodx list lists modules only: pass -m");
    }
    // An empty -f is go's default format.
    let format = args.format.as_deref().filter(|f| !f.is_empty());
    if format.is_some() && args.json {
        bail!("go list -f cannot be used with -json");
    }
    if args.reuse.is_some() {
        // go refuses it inside a module, and gomodx lists only inside one.
        bail!("go list -reuse cannot be used inside a module");
    }
    // go parses the template before loading anything.
    let template = format
        .map(ListTemplate::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    check_patterns(&args.patterns)?;
    let runtime = super::async_runtime()?;
    let main = super::graph_load::find(settings, printer, super::graph_load::Mode::ReadOnly)?;
    let mod_flag = settings.go_flags.mod_mode.as_deref();
    if main.vendor_mode(mod_flag)? {
        main.check_vendor_consistency(&settings.working_dir)?;
        vendor::check_list_args(args.versions, args.update, &args.patterns)?;
        bail!(Hinted {
            message: format!(
                "-mod=vendor is not supported: gomodx lists the module graph, not vendor/modules.txt ({})",
                match mod_flag {
                    Some(_) if args.mod_mode.is_none() => "-mod=vendor is set in GOFLAGS",
                    Some(_) => "-mod=vendor given",
                    None =>
                        "go defaults to it: a vendor directory exists and the go line is at least 1.14",
                }
            ),
            hint: "use `go list -m`, or pass -mod=readonly to list the module graph".to_owned(),
        });
    }
    let mode = ListMode {
        update: args.update,
        retracted: args.retracted || args.update,
        versions: args.versions,
        retracted_versions: args.versions && args.retracted,
        details: args.json || template.is_some(),
        must_have_sums: settings
            .go_flags
            .mod_mode
            .as_deref()
            .is_none_or(|m| m == "readonly"),
    };
    let result = Loaded::load_found(
        settings,
        main,
        &LoadOptions::default(),
        super::graph_load::Mode::ReadOnly,
        &runtime,
        printer,
    );
    let loaded: &gomodx_workspace::Loaded = match &result {
        Ok(loaded) => loaded,
        Err(err) => {
            let Some(gomodx_workspace::Error::PartialGraph(partial)) = err.downcast_ref() else {
                return result.map(|_| ExitStatus::Failure); // the error
            };
            // With -e go lists the graph as far as it loaded, errors in
            // `Error`; without, it reports each listed module's error
            // before the graph's.
            if !args.errors {
                let (infos, _) = runtime.block_on(list(&partial.loaded, &args.patterns, mode));
                for error in infos.iter().filter_map(|info| info.error.as_ref()) {
                    printer.error(error);
                }
                return result.map(|_| ExitStatus::Failure);
            }
            &partial.loaded
        }
    };
    let (infos, warnings) = runtime.block_on(list(loaded, &args.patterns, mode));
    for warning in warnings {
        printer.warn(warning);
    }
    super::provenance::report(&loaded.fetcher, printer);
    // As go without -e: errors go to stderr, nothing is listed, exit 1.
    let errors: Vec<&String> = infos.iter().filter_map(|i| i.error.as_ref()).collect();
    if !args.errors && !errors.is_empty() {
        errors.into_iter().for_each(|error| printer.error(error));
        return Ok(ExitStatus::Failure);
    }
    let mut out = Vec::new();
    for info in &infos {
        if let Some(template) = &template {
            if let Err(err) = template.render(info, &mut out) {
                // go flushes what it has written, then fails.
                printer.data_block(&String::from_utf8_lossy(&out));
                bail!(err);
            }
            continue;
        }
        let text = if args.json {
            info.to_json().to_indented()
        } else if args.versions {
            info.versions_line()
        } else {
            info.to_string()
        };
        out.extend_from_slice(text.as_bytes());
        out.push(b'\n');
    }
    // One write, as go buffers its output.
    printer.data_block(&String::from_utf8_lossy(&out));
    Ok(ExitStatus::Success)
}

/// `settings` with `-mod=MODE` (else GOFLAGS' `-mod`) checked as go checks
/// it for `go list`. Vendor mode (given or go's default) is decided once
/// the main module is found.
pub fn apply_mod_mode(settings: &mut GlobalSettings, flag: Option<&str>) -> Result<()> {
    let mode = flag.or(settings.go_flags.mod_mode.as_deref()).unwrap_or("");
    if !matches!(mode, "" | "readonly" | "mod" | "vendor") {
        bail!("-mod={mode} not supported (can be '', 'mod', 'readonly', or 'vendor')");
    }
    if let Some(flag) = flag {
        settings.go_flags.mod_mode = Some(flag.to_owned());
    }
    Ok(())
}
