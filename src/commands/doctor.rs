//! `gomodx doctor [module]`: "why don't I get the newest version?". The
//! causes and their rules are [`gomodx_fetch::doctor`]'s, gathered by
//! [`gomodx_workspace::Loaded::diagnose`]; this prints them (text with
//! colours, or `--json`), and fails for a module no proxy knows.

use anstyle::{AnsiColor, Style};
use anyhow::{Result, bail};
use gomodx_fetch::doctor::{Environment, Finding};
use gomodx_fetch::{Connectivity, ModuleStatus};
use gomodx_resolver::LoadOptions;

use super::graph_load::{Loaded, Mode};
use crate::ExitStatus;
use crate::cli::DoctorArgs;
use crate::printer::Printer;
use crate::settings::GlobalSettings;

const MODULE: Style = AnsiColor::White.on_default().bold();
const CAUSE: Style = AnsiColor::Yellow.on_default().bold();
const OK: Style = AnsiColor::Green.on_default().bold();
const FIX: Style = AnsiColor::Cyan.on_default().bold();

/// Diagnoses and prints, per module, why it is not at its newest version.
pub fn run(settings: &GlobalSettings, args: &DoctorArgs, printer: &Printer) -> Result<ExitStatus> {
    let runtime = super::async_runtime()?;
    let options = LoadOptions::default();
    let loaded = Loaded::load_in(settings, &options, Mode::ReadOnly, &runtime, printer)?;
    let paths = loaded.dependency_paths(false, args.module.as_deref());
    let survey = runtime.block_on(loaded.survey(paths));
    if let Some(unknown) = survey.statuses.iter().find(|s| s.is_unknown()) {
        let error = unknown.latest.as_ref().err().map(ToString::to_string);
        bail!(
            "module {}: no proxy in GOPROXY knows it: {}",
            unknown.path,
            error.unwrap_or_default()
        );
    }
    let fetch = settings.fetch()?;
    let env = Environment {
        goproxy_off: fetch.goproxy == "off",
        vendor: loaded.vendor_reason(settings.go_flags.mod_mode.as_deref()),
        gonoproxy: fetch.gonoproxy,
        online: settings.freshness.connectivity == Connectivity::Online,
    };
    let findings = runtime.block_on(loaded.diagnose(&survey, &env));
    super::provenance::report(&loaded.fetcher, printer);
    let findings = survey.statuses.iter().zip(&findings);
    for (status, findings) in findings.clone() {
        if args.json {
            printer.data(status.diagnosis_json(findings));
        } else {
            print(printer, status, findings);
        }
    }
    if !env.online {
        printer.warn("offline: the proxies were not asked; answers come from the store only");
    }
    let healthy = findings.filter(|(_, f)| f.is_empty()).count();
    let checked = survey.statuses.len();
    printer.status(
        "Checked",
        format_args!("{checked} modules, {healthy} up to date"),
    );
    Ok(ExitStatus::Success)
}

fn print(printer: &Printer, status: &ModuleStatus, findings: &[Finding]) {
    printer.data(format_args!(
        "{MODULE}{}{MODULE:#}: required {}, selected {}, newest release {}{}",
        status.path,
        status.required.as_deref().unwrap_or("-"),
        status.selected.as_deref().unwrap_or("-"),
        status.newest_release.as_deref().unwrap_or("-"),
        status
            .newest_prerelease
            .as_ref()
            .map(|p| format!(", newest pre-release {p}"))
            .unwrap_or_default()
    ));
    if let Some(answer) = &status.list_answer {
        printer.data(format_args!("  version list {}", answer.describe()));
    }
    if findings.is_empty() {
        printer.data(format_args!(
            "  {OK}ok:{OK:#} the selected version is the newest allowed release"
        ));
    }
    for finding in findings {
        printer.data(format_args!("  {CAUSE}cause:{CAUSE:#} {}", finding.cause));
        for line in &finding.evidence {
            printer.data(format_args!("    evidence: {line}"));
        }
        if let Some(fix) = &finding.fix {
            printer.data(format_args!("    {FIX}fix:{FIX:#} {fix}"));
        }
    }
}
