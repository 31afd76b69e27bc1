//! Command-line arguments (clap derive). Parsing only: meaning is given to
//! them in [`crate::settings`] and the commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A fast companion to `go mod`: module resolution, fetching and module-cache freshness.
#[derive(Debug, Parser)]
#[command(name = "gomodx", version, about, max_term_width = 100)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Change to DIR before running the command (like `go -C`).
    #[arg(short = 'C', long = "directory", global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,
    /// Use verbose output (-vv for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Print only errors and data; no status lines or progress.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// When to use colours.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// How many network fetches to run at once [default: 32].
    #[arg(short, long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// gomodx's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Verify that cached dependencies have not been modified since download (`go mod verify`).
    ///
    /// Hashes, in parallel, the zip and the extracted tree of every module in
    /// GOMODCACHE against the `.ziphash` recorded at download time, and prints
    /// go's messages: `all modules verified`, or `M V: zip has been modified
    /// (…)` / `M V: dir has been modified (…)`, exiting 1.
    ///
    /// Until gomodx's resolver lands, the set of modules is taken from the
    /// main module's go.sum (every `path version h1:` line) rather than from
    /// the build list; go.sum usually lists exactly the build list's modules.
    Verify(VerifyArgs),
    /// Download modules to gomodx's store and the module cache (`go mod download`).
    ///
    /// Arguments are `path@version`, `path@query` (latest, upgrade, patch,
    /// v1.2, <v1.3, >=v1.1.0, a branch or a commit) or module paths the main
    /// module requires (downloaded at the required version, or as their
    /// replacement). Each artifact comes from gomodx's store when it is
    /// there, else from GOPROXY; hashes are checked against go.sum, and the
    /// files are exported into GOMODCACHE exactly as go writes them.
    ///
    /// With no arguments, the modules the main module's go.mod requires are
    /// downloaded. Until gomodx's resolver lands this is the go.mod's
    /// `require` list — what go downloads for go ≥ 1.17 modules — rather than
    /// the build list (`all`), which go uses for older modules.
    ///
    /// With arguments, go.sum gains the hashes of the downloaded modules the
    /// main module requires, as go writes it. A hash that go.sum does not
    /// record is trusted only when GOSUMDB=off or GONOSUMDB/GOPRIVATE cover
    /// the module: gomodx cannot consult the checksum database yet.
    Download(DownloadArgs),
    /// Inspect and manage gomodx's store and Go's module cache.
    Cache(CacheArgs),
}

/// Arguments of `gomodx cache`.
#[derive(Debug, Args)]
pub struct CacheArgs {
    /// What to do with the caches.
    #[command(subcommand)]
    pub command: CacheCommand,
}

/// `gomodx cache` subcommands.
#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Print the store directory and GOMODCACHE (`--store` or `--modcache` for one of them).
    Dir(CacheDirArgs),
}

/// Arguments of `gomodx cache dir`.
#[derive(Debug, Args)]
pub struct CacheDirArgs {
    /// Print only gomodx's store directory.
    #[arg(long, conflicts_with = "modcache")]
    pub store: bool,
    /// Print only Go's module cache directory (GOMODCACHE).
    #[arg(long)]
    pub modcache: bool,
}

/// Arguments of `gomodx download`.
#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// Print one JSON object per module on stdout, as `go mod download -json`.
    #[arg(long)]
    pub json: bool,
    /// Print each request on stderr as it is made (`# get <url>`), like go's `-x`.
    #[arg(short = 'x')]
    pub trace: bool,
    /// Leave extracted module directories writable (also read from GOFLAGS).
    #[arg(long)]
    pub modcacherw: bool,
    /// Modules to download: `path@version`, `path@query` or required module paths.
    #[arg(value_name = "MODULES")]
    pub modules: Vec<String>,
}

/// Arguments of `gomodx verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Print one JSON object per checked module instead of go's messages.
    #[arg(long)]
    pub json: bool,
}
