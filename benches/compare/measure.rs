//! Running one command and measuring its wall time and peak RSS.
//!
//! Peak RSS comes from `getrusage(RUSAGE_CHILDREN)`, whose `ru_maxrss` is the
//! largest resident set of any waited-for descendant. That value only ever
//! grows within a process, so each measured command runs under a fresh copy
//! of this harness (re-executed in "wrapper mode", selected by the
//! [`WRAPPER_OUT`] variable) that spawns the command, waits for it, and
//! writes the wall time and `ru_maxrss` to a file. This needs no external
//! tool (`/usr/bin/time` is not on every machine) and no `unsafe` (the
//! workspace forbids it; `nix` wraps the system call).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use nix::sys::resource::{UsageWho, getrusage};

/// Set to a file path, turns this binary into the measuring wrapper.
pub const WRAPPER_OUT: &str = "GOMODX_BENCH_MEASURE_OUT";

/// In wrapper mode (see the module docs), runs the command given as
/// arguments and returns the exit code to leave with; otherwise `None`.
pub fn wrapper_main() -> Option<ExitCode> {
    let out = std::env::var_os(WRAPPER_OUT)?;
    Some(match wrap(Path::new(&out)) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("compare wrapper: {err:#}");
            ExitCode::from(125)
        }
    })
}

fn wrap(out: &Path) -> Result<u8> {
    let mut args = std::env::args_os().skip(1);
    let program = args.next().context("no command to run")?;
    let started = Instant::now();
    let status = Command::new(&program)
        .args(args)
        .env_remove(WRAPPER_OUT)
        .status()
        .with_context(|| format!("starting {}", program.to_string_lossy()))?;
    let wall = started.elapsed();
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).context("getrusage")?;
    // Linux reports ru_maxrss in KiB.
    let report = format!("{} {}\n", wall.as_nanos(), usage.max_rss());
    std::fs::write(out, report).with_context(|| format!("writing {}", out.display()))?;
    let code = status.code().unwrap_or_else(|| {
        use std::os::unix::process::ExitStatusExt as _;
        128 + status.signal().unwrap_or(0)
    });
    Ok(u8::try_from(code).unwrap_or(u8::MAX))
}

/// A command to measure: program, arguments, working directory and the
/// environment changes to apply on top of the harness's own environment.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The program.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Its working directory.
    pub dir: PathBuf,
    /// Variables to set (`Some`) or remove (`None`), in order.
    pub env: Vec<(OsString, Option<OsString>)>,
}

impl Invocation {
    /// Overrides (or adds) one variable.
    pub fn set(&mut self, key: &str, value: impl Into<OsString>) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), Some(value.into())));
    }
}

/// What one measured run gave.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Wall time from spawn to exit.
    pub wall: Duration,
    /// Peak resident set size, in KiB.
    pub peak_rss_kib: u64,
    /// Whether the command exited 0.
    pub success: bool,
    /// Its standard output.
    pub stdout: Vec<u8>,
    /// Its standard error.
    pub stderr: Vec<u8>,
}

/// Runs `invocation` under the measuring wrapper and waits for it.
pub fn run(invocation: &Invocation, scratch: &Path) -> Result<Outcome> {
    let report = scratch.join("measure.out");
    // A stale report must never be read as this run's.
    if report.exists() {
        std::fs::remove_file(&report).with_context(|| format!("removing {}", report.display()))?;
    }
    let harness = std::env::current_exe().context("locating the harness binary")?;
    let mut command = Command::new(harness);
    command
        .arg(&invocation.program)
        .args(&invocation.args)
        .current_dir(&invocation.dir);
    for (key, value) in &invocation.env {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    command.env(WRAPPER_OUT, &report);
    let output = command
        .output()
        .with_context(|| format!("running {}", invocation.program.display()))?;
    let text = std::fs::read_to_string(&report).with_context(|| {
        format!(
            "the wrapper left no report for {} ({}): {}",
            invocation.program.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let Some((nanos, rss)) = text.trim().split_once(' ') else {
        bail!("malformed wrapper report {text:?}");
    };
    Ok(Outcome {
        wall: Duration::from_nanos(nanos.parse().context("wall time")?),
        peak_rss_kib: rss.parse().context("peak RSS")?,
        success: output.status.success(),
        stdout: output.stdout,
        stderr: output.stderr,
    })
}
