//! Command-line options of the harness (after `cargo bench --bench compare --`).
//!
//! `--keep DIR` is for profiling: the harness generates the universe under
//! `DIR/<size>/` instead of a temp dir (`proxy/` is the GOPROXY tree,
//! `main/` the main module), leaves there each side's workspace of its last
//! ordinary cold `download all` (`go-N/`, `gomodx-N/`: HOME, GOPATH with the
//! GOMODCACHE, GOCACHE, the gomodx store and the main module copy, as the
//! warm and offline commands left them), and prints, for each side, the
//! exact environment and command line of every warm and offline command, to
//! re-run by hand under `perf record` or `valgrind`. It writes the same
//! commands to `DIR/<size>/rerun.sh`. A `DIR/<size>` left by an earlier
//! `--keep` run is replaced; any other existing non-empty one is an error.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// Compares gomodx with the go command on generated module universes served
/// by a loopback GOPROXY with latency and a bandwidth cap.
#[derive(Debug, Parser)]
#[command(name = "compare", max_term_width = 100)]
pub struct Args {
    /// Which universe to run: small (~20 modules), medium (~100), large
    /// (~400, ~250 MB of zips), all (those three), xl (~1,000 modules),
    /// xxl (~5,000 modules) or huge (one ~500 MB zip: the memory check);
    /// xl, xxl and huge are not part of `all`.
    #[arg(long, value_enum, default_value_t = SizeArg::Small)]
    pub size: SizeArg,
    /// How the universe is served: `shaped` (loopback HTTP with
    /// `--latency-ms` and `--bandwidth`), `http` (loopback HTTP, no latency,
    /// no cap), `file` (a file:// GOPROXY: no network at all) or `all`
    /// (the three, one after the other).
    #[arg(long, value_enum, default_value_t = NetworkArg::Shaped)]
    pub network: NetworkArg,
    /// Runs of every command on each side.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Delay before the proxy answers each request, in milliseconds.
    #[arg(long, default_value_t = 20, value_name = "MS")]
    pub latency_ms: u64,
    /// Bytes per second the proxy may send, all connections together, in
    /// MB/s (10^6 bytes); 0 for no cap.
    #[arg(long, default_value_t = 50.0, value_name = "MB/S")]
    pub bandwidth: f64,
    /// The gomodx binary [default: the one `cargo bench` built].
    #[arg(long, value_name = "PATH")]
    pub gomodx: Option<PathBuf>,
    /// Where to write the Markdown report [default: BENCHMARKS.md at the
    /// repository root].
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Print the tables only; leave BENCHMARKS.md alone.
    #[arg(long)]
    pub no_write: bool,
    /// Keep the universe and the last warm workspaces under DIR/<size> and
    /// print how to re-run the warm and offline commands by hand.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Also run N go clients at once, each with an empty cache, against
    /// the upstream directly and through a cold, then warm `gomodx serve`
    /// (0: skip).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub serve_clients: usize,
    /// Instead of the universe sizes: verify a fresh go.sum of ~300 module
    /// versions against the testkit's checksum database (section `sumdb`).
    #[arg(long)]
    pub sumdb: bool,
    /// Instead of the universe sizes: fetch 20 modules from 20 local git
    /// repositories with GOPROXY=direct (section `direct`).
    #[arg(long)]
    pub direct: bool,
    /// Passed by `cargo bench`; without it (under `cargo test`) nothing runs.
    #[arg(long, hide = true)]
    pub bench: bool,
    /// A benchmark-name filter passed to every bench target by `cargo bench
    /// -- <filter>`; this harness runs only if "compare" contains it.
    #[arg(hide = true)]
    pub filter: Option<String>,
}

/// The `--size` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SizeArg {
    /// About 20 modules.
    Small,
    /// About 100 modules.
    Medium,
    /// About 400 modules and 250 MB of zips.
    Large,
    /// Small, medium and large.
    All,
    /// About 1,000 modules.
    Xl,
    /// About 5,000 modules.
    Xxl,
    /// One ~500 MB zip: gomodx's peak RSS while downloading it.
    Huge,
}

/// The `--network` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NetworkArg {
    /// Loopback HTTP with latency and a shared bandwidth cap.
    Shaped,
    /// Loopback HTTP without latency or cap.
    Http,
    /// A file:// GOPROXY.
    File,
    /// The three.
    All,
}

/// One way of serving the universe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// Loopback HTTP with latency and a shared bandwidth cap.
    Shaped,
    /// Loopback HTTP without latency or cap.
    Http,
    /// A file:// GOPROXY.
    File,
}

impl Network {
    /// The networks a `--network` choice runs, in order.
    pub fn for_arg(arg: NetworkArg) -> Vec<Network> {
        match arg {
            NetworkArg::Shaped => vec![Self::Shaped],
            NetworkArg::Http => vec![Self::Http],
            NetworkArg::File => vec![Self::File],
            NetworkArg::All => vec![Self::Shaped, Self::Http, Self::File],
        }
    }

    /// The suffix of a BENCHMARKS.md section's name (`large`, `large-http`,
    /// `large-file`): the shaped network keeps the plain size name.
    pub fn suffix(self) -> &'static str {
        match self {
            Self::Shaped => "",
            Self::Http => "-http",
            Self::File => "-file",
        }
    }
}
