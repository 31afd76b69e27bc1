//! `gomodx doctor [module]`: "why don't I get the newest version?". The
//! causes and their rules are [`gomodx_fetch::doctor`]'s; this prints them
//! (text with colours, or `--json`), and fails for a module no proxy knows.

use anstyle::{AnsiColor, Style};
use anyhow::{Result, bail};
use gomodx_fetch::doctor::{Environment, Finding};
use gomodx_fetch::{Connectivity, ModuleStatus};
use gomodx_module::ModuleVersion;
use gomodx_resolver::LoadOptions;

use super::graph_load::Loaded;
use super::outdated::{paths, statuses};
use super::provenance::describe;
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
    let loaded = Loaded::load(settings, &LoadOptions::default(), &runtime, printer)?;
    let fetcher = &loaded.fetcher;
    let paths = paths(&loaded, false, args.module.as_deref());
    // What the store held before this run's answers replace it.
    let before: Vec<_> = runtime.block_on(futures::future::join_all(
        paths.iter().map(|path| fetcher.stored_list(path)),
    ));
    let statuses = statuses(&loaded, &runtime, paths);
    if let Some(unknown) = statuses.iter().find(|s| s.is_unknown()) {
        let error = unknown.latest.as_ref().err().map(ToString::to_string);
        bail!(
            "module {}: no proxy in GOPROXY knows it: {}",
            unknown.path,
            error.unwrap_or_default()
        );
    }
    let env = environment(settings, &loaded)?;
    let findings: Vec<Vec<Finding>> = runtime.block_on(futures::future::join_all(
        statuses.iter().zip(&before).map(|(status, before)| {
            let recorded = status
                .selected
                .clone()
                .map(|v| {
                    loaded
                        .go_sum
                        .hashes(&ModuleVersion::new(status.path.clone(), v))
                })
                .unwrap_or_default();
            let (rules, env) = (&loaded.rules, &env);
            async move {
                fetcher
                    .diagnose(rules, status, before.as_ref(), env, recorded)
                    .await
            }
        }),
    ));
    super::provenance::report(fetcher, printer);
    let healthy = findings.iter().filter(|f| f.is_empty()).count();
    for (status, findings) in statuses.iter().zip(&findings) {
        if args.json {
            printer.data(to_json(status, findings));
        } else {
            print(printer, status, findings);
        }
    }
    if !env.online {
        printer.warn("offline: the proxies were not asked; answers come from the store only");
    }
    printer.status(
        "Checked",
        format_args!("{} modules, {} up to date", statuses.len(), healthy),
    );
    Ok(ExitStatus::Success)
}

/// What doctor needs of the environment.
fn environment(settings: &GlobalSettings, loaded: &Loaded) -> Result<Environment> {
    let fetch = settings.fetch()?;
    let modules_txt = loaded.root.join("vendor/modules.txt");
    let vendor = if settings.go_flags.mod_mode.as_deref() == Some("vendor") {
        Some(
            "GOFLAGS has -mod=vendor: go builds from vendor/, not from the module cache".to_owned(),
        )
    } else if settings.go_flags.mod_mode.is_none() && modules_txt.is_file() {
        Some(format!(
            "{} exists: go ≥ 1.14 builds from vendor/ by default",
            modules_txt.display()
        ))
    } else {
        None
    };
    Ok(Environment {
        goproxy_off: fetch.goproxy == "off",
        vendor,
        gonoproxy: fetch.gonoproxy.clone(),
        online: settings.freshness.connectivity == Connectivity::Online,
    })
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
        printer.data(format_args!("  version list {}", describe(answer)));
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

/// One module's diagnosis: `{"Path","Required","Selected","NewestRelease",
/// "Latest","Findings":[{"Cause","Evidence","Fix"}]}`.
fn to_json(status: &ModuleStatus, findings: &[Finding]) -> serde_json::Value {
    let findings: Vec<_> = findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "Cause": f.cause,
                "Evidence": f.evidence,
                "Fix": f.fix,
            })
        })
        .collect();
    serde_json::json!({
        "Path": status.path,
        "Required": status.required,
        "Selected": status.selected,
        "NewestRelease": status.newest_release,
        "NewestPrerelease": status.newest_prerelease,
        "Latest": status.latest.as_ref().ok(),
        "Findings": findings,
    })
}
