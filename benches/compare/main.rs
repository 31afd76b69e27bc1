//! The comparison harness: gomodx next to the go command on generated
//! module universes, with the physical lower bound of each cold download.
//!
//! ```text
//! cargo bench --bench compare -- [--size small|medium|large|all|xl|xxl|huge]
//!                                [--network shaped|http|file|all] [--runs N]
//!                                [--latency-ms 20] [--bandwidth 50] [--no-write]
//!                                [--keep DIR] [--serve-clients 16]
//! cargo bench --bench compare -- --sumdb --runs 1    # go.sum vs a checksum database
//! cargo bench --bench compare -- --direct --runs 1   # 20 modules from 20 git repositories
//! ```
//!
//! `cargo bench` builds gomodx with the bench profile (release settings) and
//! hands its path to this harness; go comes from `GOMODX_GO` (or `go` on
//! PATH) and must be 1.21 or newer. For each size, the harness generates a
//! universe with the testkit ([`universe`]), serves it through the testkit's
//! `ProxyServer` with a per-request latency behind a shared bandwidth cap
//! ([`throttle`]) — or, with `--network http`, unshaped, or with `--network
//! file` as a file:// GOPROXY — runs every command ([`scenario`]) on both sides `--runs`
//! times measuring wall time and peak RSS ([`measure`]) and, after each cold
//! run, the size of the side's GOMODCACHE, then prints a table and writes it
//! to BENCHMARKS.md ([`report`]).
//!
//! The cold rows are the ordinary `download all` (whose workspaces the warm
//! and offline rows reuse) and `download all (for build)`: go's full `go mod
//! download all` against `gomodx download all --for-build`, which keeps only
//! what an offline `go build` reads; the report compares the two caches'
//! sizes under the table, and the ordinary cold caches too (they should be
//! about equal).
//!
//! `--serve-clients N` adds `gomodx serve` under load ([`serve`]): N go
//! clients at once against the upstream directly and through the server.
//!
//! `--keep DIR` keeps the universe and each side's last warm workspace under
//! `DIR/<size>/` instead of a temp dir and prints the exact environment and
//! command line of each warm and offline command, to re-run one by hand
//! under a profiler ([`keep`]):
//!
//! ```text
//! cargo bench --bench compare -- --size small --runs 1 --no-write --keep /tmp/gx
//! sh -x /tmp/gx/small/rerun.sh        # or paste one line, prefixing the program
//!                                     # with `perf record -g --`
//! ```

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line harness reports on the terminal"
)]

mod cli;
mod direct;
mod extra;
mod keep;
mod machine;
mod measure;
mod report;
mod scenario;
mod serve;
mod sumdb;
mod throttle;
mod universe;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Parser;
use gomodx_test::ProxyServer;
use gomodx_test::server::Faults;

use cli::{Args, Network};
use machine::Machine;
use report::{Row, SizeReport};
use scenario::{CacheSize, Kind, Run, Scenario, Side, SideResult, Workspace};
use throttle::Relay;
use universe::{Prepared, Shape};

fn main() -> ExitCode {
    if let Some(code) = measure::wrapper_main() {
        return code;
    }
    let args = Args::parse();
    if !args.bench {
        println!("compare: nothing to do outside `cargo bench --bench compare`");
        return ExitCode::SUCCESS;
    }
    if args
        .filter
        .as_ref()
        .is_some_and(|f| !"compare".contains(f.as_str()))
    {
        return ExitCode::SUCCESS;
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("compare: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<()> {
    let go = gomodx_test::go::go_bin()
        .context("no go ≥ 1.21 found: set GOMODX_GO to the go binary to compare with")?;
    let gomodx = args
        .gomodx
        .clone()
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_gomodx")));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let machine = Machine::detect(&go, &gomodx, repo);
    eprintln!("compare: {}", machine.markdown());
    let sides = [
        Side {
            name: "go",
            program: go.clone(),
        },
        Side {
            name: "gomodx",
            program: gomodx,
        },
    ];
    let mut sections = Vec::new();
    if args.sumdb || args.direct {
        let work = tempfile::Builder::new()
            .prefix("gomodx-compare-extra-")
            .tempdir()
            .context("creating the work dir")?;
        if args.sumdb {
            let dir = work.path().join("sumdb");
            std::fs::create_dir_all(&dir)?;
            let latency = Duration::from_millis(args.latency_ms);
            let (measured, facts) = sumdb::run(&sides, &go, &dir, latency, args.runs)?;
            let title = "go.sum verified against the checksum database";
            let body = extra::markdown(title, &machine, &facts, &measured);
            println!("{body}");
            sections.push(("sumdb".to_owned(), body));
        }
        if args.direct {
            let dir = work.path().join("direct");
            std::fs::create_dir_all(&dir)?;
            let (measured, facts) = direct::run(&sides, &go, &dir, args.runs)?;
            let title = "20 modules from 20 git repositories (GOPROXY=direct)";
            let body = extra::markdown(title, &machine, &facts, &measured);
            println!("{body}");
            sections.push(("direct".to_owned(), body));
        }
    }
    let sizes = if args.sumdb || args.direct {
        Vec::new()
    } else {
        Shape::for_size(args.size)
    };
    for shape in sizes {
        for network in Network::for_arg(args.network) {
            let report = run_size(&shape, network, args, &sides, &go)?;
            println!("{}", report.text());
            if let Some(rerun) = &report.rerun {
                println!("{rerun}");
            }
            sections.push((report.section(), report.markdown(&machine)));
        }
    }
    if !args.no_write {
        let out = args
            .out
            .clone()
            .unwrap_or_else(|| repo.join("BENCHMARKS.md"));
        report::write_markdown(&out, &sections)?;
        eprintln!("compare: wrote {}", out.display());
    }
    Ok(())
}

/// Generates, serves over `network` and measures one universe.
fn run_size(
    shape: &Shape,
    network: Network,
    args: &Args,
    sides: &[Side; 2],
    go: &Path,
) -> Result<SizeReport> {
    let section = format!("{}{}", shape.name, network.suffix());
    // A temp dir removed at the end, or the kept `DIR/<section>`.
    let (_temp, work) = match &args.keep {
        Some(dir) => (None, keep::prepare(&dir.join(&section))?),
        None => {
            let temp = tempfile::Builder::new()
                .prefix(&format!("gomodx-compare-{section}-"))
                .tempdir()
                .context("creating the work dir")?;
            let path = temp.path().to_path_buf();
            (Some(temp), path)
        }
    };
    let started = Instant::now();
    eprintln!("compare: generating the {} universe…", shape.name);
    let universe = universe::prepare(shape, &work)?;
    eprintln!(
        "compare: {} universe ready in {:.1} s (seed {}, {} build-list modules, critical path {})",
        shape.name,
        started.elapsed().as_secs_f64(),
        universe.seed,
        universe.build_list,
        universe.critical_path
    );
    let (latency, bandwidth) = match network {
        Network::Shaped => (
            Duration::from_millis(args.latency_ms),
            (args.bandwidth > 0.0).then_some(args.bandwidth * 1e6),
        ),
        Network::Http | Network::File => (Duration::ZERO, None),
    };
    let server = ProxyServer::start(universe.tree.root.clone(), Faults::none().latency(latency));
    // The relay lives as long as the measurements: until the end of this function.
    let (proxy, _relay) = match network {
        Network::Shaped => {
            let relay = Relay::start(server.addr(), bandwidth)?;
            (relay.url(), Some(relay))
        }
        Network::Http => (server.url(), None),
        Network::File => (format!("file://{}", universe.tree.root.display()), None),
    };
    let mut bench = Bench {
        universe: &universe,
        sides,
        go,
        proxy,
        server: &server,
        runs: args.runs,
        work: work.clone(),
        workspaces: 0,
        warm: [None, None],
        removed_later: Vec::new(),
    };
    let scenarios = scenario::scenarios(&universe.why_module);
    let rows = scenarios
        .iter()
        .map(|scenario| bench.row(scenario.clone()))
        .collect::<Result<Vec<_>>>()?;
    if args.serve_clients > 0 {
        let gomodx = &sides[1].program;
        let served = serve::run(
            &universe,
            go,
            gomodx,
            &bench.proxy,
            &work,
            args.serve_clients,
        )?;
        println!(
            "{} go clients at once, `go mod download all` ({} universe):\n\n{}",
            args.serve_clients,
            shape.name,
            serve::table(&served, universe.build_list)
        );
    }
    let rerun = match args.keep {
        Some(_) => Some(keep::keep(
            &work,
            &universe.tree.root,
            sides,
            &mut bench.warm,
            &scenarios,
        )?),
        None => None,
    };
    drop(bench);
    Ok(SizeReport {
        universe,
        network,
        latency,
        bandwidth,
        runs: args.runs,
        rows,
        rerun,
    })
}

/// The state of one universe's measurements.
struct Bench<'a> {
    universe: &'a Prepared,
    sides: &'a [Side; 2],
    go: &'a Path,
    proxy: String,
    server: &'a ProxyServer,
    runs: u32,
    /// The directory the workspaces are made in.
    work: PathBuf,
    /// Workspaces made so far (numbering their directories).
    workspaces: usize,
    /// Each side's workspace from its last successful cold run of the
    /// ordinary `download all` ([`Scenario::warm_source`]).
    warm: [Option<Workspace>; 2],
    /// Workspaces no longer needed, removed only when the bench is dropped:
    /// removing a tree right before the next cold run slows that run's file
    /// creation in the kernel (perf on ext4: inode allocation steps over
    /// the freshly freed inodes), which is not what a cold cache costs.
    removed_later: Vec<Workspace>,
}

impl Bench<'_> {
    /// Runs `scenario` `runs` times on each side, alternating which side
    /// goes first (go and gomodx interleaved, so load on a shared machine
    /// falls on both).
    fn row(&mut self, scenario: Scenario) -> Result<Row> {
        let mut results: [Result<Vec<Run>, SideResult>; 2] = [Ok(Vec::new()), Ok(Vec::new())];
        if scenario.kind != Kind::Cold {
            // One untimed run per side first: the cold runs before drop the
            // page cache, and a warm command is one whose files are in it.
            for side in [0, 1] {
                let _ = self.run_once(&scenario, side)?;
            }
        }
        for run in 0..self.runs {
            let order = if run % 2 == 0 { [0, 1] } else { [1, 0] };
            for side in order {
                let Ok(runs) = &mut results[side] else {
                    continue;
                };
                match self.run_once(&scenario, side)? {
                    Ok(measured) => {
                        eprintln!(
                            "compare: [{}] {} · {} · run {}/{}: {:.3} s, {:.1} MiB, {} requests",
                            self.universe.shape.name,
                            scenario.name,
                            self.sides[side].name,
                            run + 1,
                            self.runs,
                            measured.wall.as_secs_f64(),
                            measured.peak_rss_kib as f64 / 1024.0,
                            measured.requests,
                        );
                        runs.push(measured);
                    }
                    Err(failed) => {
                        eprintln!(
                            "compare: [{}] {} · {}: {failed:?}",
                            self.universe.shape.name, scenario.name, self.sides[side].name
                        );
                        results[side] = Err(failed);
                    }
                }
            }
        }
        let [go, gomodx] = results.map(|r| r.map_or_else(|failed| failed, SideResult::Runs));
        Ok(Row {
            scenario,
            go,
            gomodx,
        })
    }

    /// One run of `scenario` on `side`: in a fresh workspace for a cold run
    /// (measuring its GOMODCACHE, and kept for the warm commands if it
    /// succeeds and the scenario is their source), else in the warm one.
    fn run_once(&mut self, scenario: &Scenario, side: usize) -> Result<Result<Run, SideResult>> {
        let args = if side == 0 {
            &scenario.go
        } else {
            &scenario.gomodx
        };
        if scenario.kind == Kind::Cold {
            self.workspaces += 1;
            let root = self
                .work
                .join(format!("{}-{}", self.sides[side].name, self.workspaces));
            let workspace = Workspace::new(self.go, &self.proxy, &self.universe.main_dir, root)?;
            let invocation = workspace.invocation(&self.sides[side], args, scenario.kind);
            scenario::drop_page_cache();
            let mut result = scenario::measure_once(&invocation, workspace.scratch(), self.server)?;
            if let Ok(run) = &mut result {
                run.cache = Some(CacheSize::of(&workspace.gomodcache())?);
            }
            if result.is_ok() && scenario.warm_source {
                let previous = self.warm[side].replace(workspace);
                self.removed_later.extend(previous);
            } else {
                self.removed_later.push(workspace);
            }
            return Ok(result);
        }
        let Some(workspace) = &self.warm[side] else {
            return Ok(Err(SideResult::Skipped("no cold cache".to_owned())));
        };
        let invocation = workspace.invocation(&self.sides[side], args, scenario.kind);
        scenario::measure_once(&invocation, workspace.scratch(), self.server)
    }
}
