//! Benchmarks outside the universe sizes, each a section of its own in
//! BENCHMARKS.md: verifying a fresh go.sum against the testkit's checksum
//! database (`--sumdb`, [`crate::sumdb`]) and fetching modules straight
//! from local git repositories (`--direct`, [`crate::direct`]). Both run
//! one cold command per side and run, in fresh workspaces, alternating
//! which side goes first.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use gomodx_test::ProxyServer;

use crate::machine::Machine;
use crate::measure::{self, Invocation};
use crate::scenario::{Kind, Side, Workspace};

/// One side's measured runs: wall times and request counts by kind.
#[derive(Debug, Default)]
pub struct Measured {
    /// Wall time of each run.
    pub walls: Vec<Duration>,
    /// Peak RSS of each run, KiB.
    pub rss_kib: Vec<u64>,
    /// Requests of the last run by kind (`lookup`, `tile`, …), in order.
    pub requests: Vec<(String, usize)>,
    /// The first error, if a run failed.
    pub failed: Option<String>,
}

/// `go mod download MODULES…` and `gomodx download MODULES…`, as argument lists.
pub fn download_args(modules: &[String]) -> (Vec<String>, Vec<String>) {
    let with = |command: &[&str]| {
        command
            .iter()
            .map(|s| (*s).to_owned())
            .chain(modules.iter().cloned())
            .collect()
    };
    (with(&["mod", "download"]), with(&["download"]))
}

/// Runs `args` cold on both sides `runs` times; `configure` adjusts each
/// invocation, `classify` names the kind of each request `server` saw
/// (`None`: not counted).
#[allow(clippy::too_many_arguments, reason = "one call site per benchmark")]
pub fn measure_cold(
    sides: &[Side; 2],
    go: &Path,
    proxy: &str,
    main: &Path,
    work: &Path,
    args: [&[String]; 2],
    runs: u32,
    server: Option<&ProxyServer>,
    configure: &dyn Fn(&mut Invocation, &Workspace),
    classify: &dyn Fn(&str) -> Option<&'static str>,
) -> Result<[Measured; 2]> {
    let mut out = [Measured::default(), Measured::default()];
    let mut made = 0;
    for run in 0..runs {
        let order = if run % 2 == 0 { [0, 1] } else { [1, 0] };
        for side in order {
            made += 1;
            let root = work.join(format!("{}-{made}", sides[side].name));
            let workspace = Workspace::new(go, proxy, main, root)?;
            let mut invocation = workspace.invocation(&sides[side], args[side], Kind::Cold);
            configure(&mut invocation, &workspace);
            if let Some(server) = server {
                server.clear_requests();
            }
            let outcome = measure::run(&invocation, workspace.scratch())?;
            let measured = &mut out[side];
            if !outcome.success {
                let text = String::from_utf8_lossy(&outcome.stderr);
                measured
                    .failed
                    .get_or_insert_with(|| text.lines().take(3).collect::<Vec<_>>().join(" / "));
                eprintln!("compare: {} failed: {text}", sides[side].name);
                continue;
            }
            measured.walls.push(outcome.wall);
            measured.rss_kib.push(outcome.peak_rss_kib);
            let mut counts: Vec<(String, usize)> = Vec::new();
            for request in server.map(ProxyServer::requests).unwrap_or_default() {
                if let Some(kind) = classify(&request.path) {
                    match counts.iter_mut().find(|(k, _)| k == kind) {
                        Some((_, n)) => *n += 1,
                        None => counts.push((kind.to_owned(), 1)),
                    }
                }
            }
            measured.requests = counts;
            eprintln!(
                "compare: {} run {}/{runs}: {:.3} s, {:?}",
                sides[side].name,
                run + 1,
                outcome.wall.as_secs_f64(),
                measured.requests
            );
        }
    }
    Ok(out)
}

/// The Markdown body of a section: title, facts, then one table row per side.
pub fn markdown(
    title: &str,
    machine: &Machine,
    facts: &[String],
    measured: &[Measured; 2],
) -> String {
    let mut out = format!("## {title}\n\n- {}\n", machine.markdown());
    // The machine may be shared: say how busy it was.
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let load: Vec<&str> = load.split_whitespace().take(3).collect();
        writeln!(
            out,
            "- load average when written (1, 5, 15 min): {}; other processes share the CPUs",
            load.join(", ")
        )
        .expect("writing to a String");
    }
    for fact in facts {
        writeln!(out, "- {fact}").expect("writing to a String");
    }
    out.push_str("\n| side | runs (wall) | median | peak RSS | requests (last run) |\n|---|---|---|---|---|\n");
    for (name, m) in ["go", "gomodx"].iter().zip(measured) {
        if let Some(failed) = &m.failed {
            writeln!(out, "| {name} | failed: {failed} | – | – | – |")
                .expect("writing to a String");
            continue;
        }
        let walls: Vec<String> = m
            .walls
            .iter()
            .map(|w| format!("{:.2} s", w.as_secs_f64()))
            .collect();
        let mut sorted = m.walls.clone();
        sorted.sort();
        let median = sorted
            .get(sorted.len() / 2)
            .map_or(0.0, Duration::as_secs_f64);
        let rss = m.rss_kib.iter().max().copied().unwrap_or(0) as f64 / 1024.0;
        let requests: Vec<String> = m.requests.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let requests = if requests.is_empty() {
            "–".to_owned()
        } else {
            requests.join(", ")
        };
        writeln!(
            out,
            "| {name} | {} | {median:.2} s | {rss:.1} MiB | {requests} |",
            walls.join(", ")
        )
        .expect("writing to a String");
    }
    out
}
