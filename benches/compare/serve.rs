//! `--serve-clients N`: N go clients at once, each with an empty module
//! cache, running `go mod download all` on the universe — against the
//! (shaped) upstream directly, through a cold `gomodx serve` (its store
//! empty: every artifact filled through), and through the same server warm.
//! For each: the wall time until the last client finished, clients'
//! download throughput, per-client latency percentiles and, for the
//! server, its peak RSS (`VmHWM`).

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::measure::Invocation;
use crate::scenario::{Kind, Side, Workspace};
use crate::universe::Prepared;

/// One way of serving the clients, measured.
#[derive(Debug)]
pub struct ServeRow {
    /// `direct`, `serve (cold)`, `serve (warm)`.
    pub name: &'static str,
    /// Until the last client finished.
    pub wall: Duration,
    /// Each client's wall time, ascending.
    pub clients: Vec<Duration>,
    /// Clients that failed.
    pub failed: usize,
    /// The server's peak RSS so far, in KiB.
    pub server_rss_kib: Option<u64>,
}

/// Runs the three rows with `clients` concurrent go clients; `proxy` is
/// the shaped upstream's URL.
pub fn run(
    universe: &Prepared,
    go: &Path,
    gomodx: &Path,
    proxy: &str,
    work: &Path,
    clients: usize,
) -> Result<Vec<ServeRow>> {
    let go_side = Side {
        name: "go",
        program: go.to_path_buf(),
    };
    let mut made = 0;
    let mut workspaces = |goproxy: &str| -> Result<Vec<Workspace>> {
        (0..clients)
            .map(|_| {
                made += 1;
                let root = work.join(format!("serve-client-{made}"));
                Workspace::new(go, goproxy, &universe.main_dir, root)
            })
            .collect()
    };
    let mut rows = Vec::new();
    let direct = workspaces(proxy)?;
    rows.push(clients_row("direct", &go_side, &direct, None)?);

    let server_space = Workspace::new(go, proxy, &universe.main_dir, work.join("serve-server"))?;
    let gomodx_side = Side {
        name: "gomodx",
        program: gomodx.to_path_buf(),
    };
    let args = ["serve", "--listen", "127.0.0.1:0", "-q"].map(str::to_owned);
    let mut server = Server::start(&server_space.invocation(&gomodx_side, &args, Kind::Cold))?;
    for name in ["serve (cold)", "serve (warm)"] {
        let spaces = workspaces(&server.url)?;
        rows.push(clients_row(name, &go_side, &spaces, Some(&mut server))?);
    }
    Ok(rows)
}

/// Runs `go mod download all` in every workspace at once.
fn clients_row(
    name: &'static str,
    side: &Side,
    workspaces: &[Workspace],
    server: Option<&mut Server>,
) -> Result<ServeRow> {
    let download = ["mod", "download", "all"].map(str::to_owned);
    let started = Instant::now();
    let handles: Vec<_> = workspaces
        .iter()
        .map(|workspace| {
            let invocation = workspace.invocation(side, &download, Kind::Cold);
            std::thread::spawn(move || {
                let begun = Instant::now();
                let ok = command(&invocation)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|status| status.success());
                (begun.elapsed(), ok)
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut failed = 0;
    for handle in handles {
        let (time, ok) = handle
            .join()
            .map_err(|_| anyhow::anyhow!("a client thread panicked"))?;
        times.push(time);
        failed += usize::from(!ok);
    }
    let wall = started.elapsed();
    times.sort();
    Ok(ServeRow {
        name,
        wall,
        clients: times,
        failed,
        server_rss_kib: server.map(|s| s.peak_rss_kib()).transpose()?,
    })
}

fn command(invocation: &Invocation) -> Command {
    let mut command = Command::new(&invocation.program);
    command.args(&invocation.args).current_dir(&invocation.dir);
    for (key, value) in &invocation.env {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    command
}

/// A running `gomodx serve`, killed on drop.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(invocation: &Invocation) -> Result<Self> {
        let mut child = command(invocation)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting gomodx serve")?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("serve's stdout")?)
            .read_line(&mut line)
            .context("reading serve's URL")?;
        let url = line.trim().to_owned();
        if !url.starts_with("http://") {
            bail!("gomodx serve printed {line:?} instead of its URL");
        }
        Ok(Self { child, url })
    }

    /// `VmHWM` of `/proc/<pid>/status`, in KiB.
    fn peak_rss_kib(&self) -> Result<u64> {
        let status = PathBuf::from(format!("/proc/{}/status", self.child.id()));
        let text = std::fs::read_to_string(&status)
            .with_context(|| format!("reading {}", status.display()))?;
        text.lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .with_context(|| format!("no VmHWM in {}", status.display()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The rows as a Markdown table; `modules` is the build list's size.
pub fn table(rows: &[ServeRow], modules: usize) -> String {
    let mut out = String::from(
        "| clients via | clients | wall | modules/s | p50 | p90 | max | failed | server peak RSS |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let n = row.clients.len();
        let at = |q: f64| {
            let index = ((n as f64 * q).ceil() as usize).clamp(1, n.max(1)) - 1;
            row.clients
                .get(index)
                .map_or_else(|| "-".to_owned(), |d| format!("{:.2} s", d.as_secs_f64()))
        };
        let throughput = (n * modules) as f64 / row.wall.as_secs_f64().max(1e-9);
        let rss = row.server_rss_kib.map_or_else(
            || "-".to_owned(),
            |kib| format!("{:.1} MiB", kib as f64 / 1024.0),
        );
        out.push_str(&format!(
            "| {} | {n} | {:.2} s | {throughput:.0} | {} | {} | {} | {} | {rss} |\n",
            row.name,
            row.wall.as_secs_f64(),
            at(0.5),
            at(0.9),
            at(1.0),
            row.failed,
        ));
    }
    out
}
