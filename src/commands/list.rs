//! `gomodx list -m`: `go list -m [-json] [-u] [-retracted]` over the module
//! graph, with go's text and JSON output. What is listed is
//! [`gomodx_workspace::list`]'s; this prints.

use anyhow::{Result, bail};
use gomodx_fetch::gojson::{Object, Value};
use gomodx_resolver::LoadOptions;
use gomodx_workspace::list::{ListMode, ModuleInfo, check_patterns, list};

use super::graph_load::Loaded;
use crate::ExitStatus;
use crate::cli::ListArgs;
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// Lists the modules matching `args.patterns`.
pub fn run(settings: &GlobalSettings, args: &ListArgs, printer: &Printer) -> Result<ExitStatus> {
    if !args.modules {
        bail!("gomodx list lists modules only: pass -m");
    }
    check_patterns(&args.patterns)?;
    let runtime = super::async_runtime()?;
    let loaded = Loaded::load_in(
        settings,
        &LoadOptions::default(),
        super::graph_load::Mode::ReadOnly,
        &runtime,
        printer,
    )?;
    let mode = ListMode {
        update: args.update,
        retracted: args.retracted || args.update,
        details: args.json,
    };
    let (infos, warnings) = runtime.block_on(list(&loaded, &args.patterns, mode));
    for warning in warnings {
        printer.warn(warning);
    }
    // As go without -e: errors go to stderr and make the exit status 1;
    // JSON objects are printed with their Error all the same.
    let mut failed = false;
    let mut out = String::new();
    for info in &infos {
        if let Some(error) = &info.error {
            printer.error(error);
            failed = true;
        }
        if args.json {
            out += &to_json(info).to_indented();
            out.push('\n');
        } else if info.error.is_none() {
            out += &line(info);
            out.push('\n');
        }
    }
    // One write, as go buffers its output.
    printer.data_block(&out);
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The JSON object, fields in go's order.
fn to_json(info: &ModuleInfo) -> Object {
    let mut o = Object::new();
    o.push_nonempty("Path", &info.path);
    o.push_nonempty("Version", &info.version);
    o.push_nonempty("Query", &info.query);
    if let Some(replace) = &info.replace {
        o.push("Replace", Value::Object(to_json(replace)));
    }
    o.push_nonempty("Time", &info.time);
    if let Some(update) = &info.update {
        o.push("Update", Value::Object(to_json(update)));
    }
    if info.main {
        o.push("Main", Value::Bool(true));
    }
    if info.indirect {
        o.push("Indirect", Value::Bool(true));
    }
    o.push_nonempty("Dir", &info.dir);
    o.push_nonempty("GoMod", &info.go_mod);
    o.push_nonempty("GoVersion", &info.go_version);
    if !info.retracted.is_empty() {
        o.push(
            "Retracted",
            Value::Array(
                info.retracted
                    .iter()
                    .map(|r| Value::String(r.clone()))
                    .collect(),
            ),
        );
    }
    o.push_nonempty("Deprecated", &info.deprecated);
    if let Some(error) = &info.error {
        let mut e = Object::new();
        e.push("Err", Value::String(error.clone()));
        o.push("Error", Value::Object(e));
    }
    o.push_nonempty("Sum", &info.sum);
    o.push_nonempty("GoModSum", &info.go_mod_sum);
    o
}

/// Go's `ModulePublic.String`: the text line.
fn line(info: &ModuleInfo) -> String {
    let version = |m: &ModuleInfo| {
        if m.retracted.is_empty() {
            m.version.clone()
        } else {
            format!("{} (retracted)", m.version)
        }
    };
    let mut s = info.path.clone();
    if !info.version.is_empty() {
        s += &format!(" {}", version(info));
        if let Some(update) = &info.update {
            s += &format!(" [{}]", version(update));
        }
    }
    if !info.deprecated.is_empty() {
        s += " (deprecated)";
    }
    if let Some(replace) = &info.replace {
        s += &format!(" => {}", replace.path);
        if !replace.version.is_empty() {
            s += &format!(" {}", version(replace));
            if let Some(update) = &replace.update {
                s += &format!(" [{}]", version(update));
            }
        }
        if !replace.deprecated.is_empty() {
            s += " (deprecated)";
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lines_show_updates_retractions_and_replacements() {
        let info = ModuleInfo {
            path: "a.com/a".into(),
            version: "v1.0.0".into(),
            retracted: vec!["bad".into()],
            update: Some(Box::new(ModuleInfo {
                version: "v1.1.0".into(),
                ..ModuleInfo::default()
            })),
            replace: Some(Box::new(ModuleInfo {
                path: "../a".into(),
                ..ModuleInfo::default()
            })),
            ..ModuleInfo::default()
        };
        assert_eq!(line(&info), "a.com/a v1.0.0 (retracted) [v1.1.0] => ../a");
        let json = to_json(&info).to_compact();
        assert!(json.starts_with(
            r#"{"Path":"a.com/a","Version":"v1.0.0","Replace":{"Path":"../a"},"Update":{"#
        ));
        assert!(json.contains(r#""Retracted":["bad"]"#));
    }
}
