//! `--keep DIR`: the work tree of a size kept under `DIR/<size>/`, and the
//! commands to re-run its warm and offline rows by hand.
//!
//! The kept tree holds `proxy/` (the GOPROXY tree), `main/` (the generated
//! main module), each side's last warm workspace (`go-N/`, `gomodx-N/`, see
//! [`Workspace`]) and `rerun.sh`, the commands [`keep`] prints. Each command
//! is `cd <workspace>/main && env -i PATH=… <variables> <program> <args>`:
//! exactly the variables the harness gave the measured run (on an empty
//! environment but for PATH, so that nothing of the calling shell leaks in),
//! with one difference for the warm rows: the loopback proxy stops with the
//! harness, so they get the same tree as `GOPROXY=file://…/proxy` (no
//! latency, no bandwidth cap). To profile, put the profiler between the
//! variables and the program (`… env -i … perf record -g -- /path/gomodx
//! list -m all`). The commands change the workspace as the measured runs
//! did (a warm download refreshes the store, `-mod=mod` may tidy go.sum).

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::scenario::{Kind, Scenario, Side, Workspace};

/// The file marking a directory as made by `--keep` (so that a later run
/// may replace it).
const MARKER: &str = ".gomodx-compare-keep";

/// Makes `dir` empty for a kept work tree and returns its absolute path:
/// creates it, or replaces one an earlier `--keep` made; refuses any other
/// non-empty directory.
pub fn prepare(dir: &Path) -> Result<PathBuf> {
    if dir.join(MARKER).exists() {
        make_writable(dir);
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("removing the earlier kept tree {}", dir.display()))?;
    } else if dir.exists()
        && std::fs::read_dir(dir)
            .with_context(|| format!("listing {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "--keep: {} exists and was not made by --keep; remove it or choose another DIR",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join(MARKER), "").context("marking the kept tree")?;
    dir.canonicalize()
        .with_context(|| format!("resolving {}", dir.display()))
}

/// Makes every directory under `dir` writable, so that it can be removed.
fn make_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_dir() {
            let _ = std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o755));
        }
    }
}

/// Keeps the `warm` workspaces of the `sides` in the work tree `work`
/// (proxy tree at `proxy`), writes `rerun.sh` there and returns its text:
/// the re-run commands of the warm and offline `scenarios`.
pub fn keep(
    work: &Path,
    proxy: &Path,
    sides: &[Side; 2],
    warm: &mut [Option<Workspace>; 2],
    scenarios: &[Scenario],
) -> Result<String> {
    let proxy_url = format!("file://{}", proxy.display());
    let mut out = String::new();
    let mut line = |text: String| writeln!(out, "{text}").expect("writing to a String");
    line(format!(
        "# gomodx compare: work tree kept under {}",
        work.display()
    ));
    line(format!(
        "# proxy tree {}, main module {}",
        proxy.display(),
        work.join("main").display()
    ));
    line("# The loopback proxy stopped with the harness: warm commands read the same".to_owned());
    line(format!(
        "# tree as GOPROXY={proxy_url} (no latency, no bandwidth cap)."
    ));
    line("# To profile, insert e.g. `perf record -g --` or `valgrind --tool=massif`".to_owned());
    line("# before the program.".to_owned());
    let path = std::env::var_os("PATH").unwrap_or_default();
    for (index, side) in sides.iter().enumerate() {
        line(String::new());
        let Some(workspace) = &mut warm[index] else {
            line(format!(
                "# {}: no warm workspace (its cold run failed)",
                side.name
            ));
            continue;
        };
        workspace.keep();
        line(format!(
            "# {} (workspace {})",
            side.name,
            workspace.root().display()
        ));
        for scenario in scenarios.iter().filter(|s| s.kind != Kind::Cold) {
            let args = if index == 0 {
                &scenario.go
            } else {
                &scenario.gomodx
            };
            let mut invocation = workspace.invocation(side, args, scenario.kind);
            if scenario.kind == Kind::Warm {
                invocation.set("GOPROXY", proxy_url.as_str());
            }
            let mut command = format!(
                "cd {} && env -i PATH={}",
                quote(invocation.dir.as_os_str()),
                quote(&path)
            );
            for (key, value) in &invocation.env {
                if let Some(value) = value {
                    write!(command, " {}={}", quote(key), quote(value))
                        .expect("writing to a String");
                }
            }
            write!(command, " {}", quote(invocation.program.as_os_str()))
                .expect("writing to a String");
            for arg in &invocation.args {
                write!(command, " {}", quote(OsStr::new(arg))).expect("writing to a String");
            }
            line(format!("# {}", scenario.name));
            line(format!("( {command} )"));
        }
    }
    let script = work.join("rerun.sh");
    std::fs::write(&script, &out).with_context(|| format!("writing {}", script.display()))?;
    Ok(out)
}

/// `text` as one POSIX shell word: as is if it is made of safe characters,
/// else single-quoted.
fn quote(text: &OsStr) -> String {
    let text = text.to_string_lossy();
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./:=@,+%".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
