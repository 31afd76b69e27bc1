//! Command-line arguments (clap derive). Parsing only: meaning is given to
//! them in [`crate::settings`] and the commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A fast companion to `go mod`: module resolution, fetching and module-cache freshness.
#[derive(Debug, Parser)]
#[command(
    name = "gomodx",
    version,
    about,
    max_term_width = 100,
    after_help = "Environment: Go's (GOMODCACHE, GOPROXY, GONOPROXY, GOPRIVATE, GOSUMDB, \
GONOSUMDB, GOFLAGS, NETRC, GOENV), and GOMODX_CACHE (gomodx's store, default \
<user cache dir>/gomodx), GOMODX_OFFLINE, GOMODX_MAX_AGE, GOMODX_HTTP_TIMEOUT, \
GOMODX_NO_PROGRESS, NO_COLOR.\n\nGo's flag spellings are accepted: -json, --json, -json=false, -mod=mod."
)]
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
    /// Use verbose output.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print only errors and data; no status lines or progress.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Never draw progress bars (also GOMODX_NO_PROGRESS=1).
    #[arg(
        long,
        global = true,
        env = "GOMODX_NO_PROGRESS",
        value_parser = clap::builder::BoolishValueParser::new(),
        action = clap::ArgAction::SetTrue
    )]
    pub no_progress: bool,
    /// When to use colours.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// How many network fetches to run at once [default: 32].
    #[arg(short, long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Never use the network: work from gomodx's store alone (also GOMODX_OFFLINE=1).
    #[arg(long, global = true)]
    pub offline: bool,
    /// Ask proxies again for every mutable answer (version lists, @latest,
    /// queries) and re-hash cached zips before use.
    #[arg(long, global = true, conflicts_with = "offline")]
    pub refresh: bool,
    /// Like --refresh, for this module only (repeatable).
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "offline")]
    pub refresh_module: Vec<String>,
    /// Use stored mutable answers (version lists, @latest, queries) younger
    /// than this without asking the proxy, e.g. 30s, 10m, 2h (also
    /// GOMODX_MAX_AGE). By default each is revalidated once per run.
    #[arg(long, global = true, value_name = "DURATION")]
    pub max_age: Option<String>,
    /// Fail (naming each line) instead of changing go.mod or go.sum (for CI).
    #[arg(long, global = true)]
    pub locked: bool,
    /// --locked and --offline together.
    #[arg(long, global = true, conflicts_with_all = ["refresh", "refresh_module"])]
    pub frozen: bool,
    /// Share the store through an S3 bucket: s3://BUCKET/PREFIX (also
    /// GOMODX_REMOTE); credentials from AWS_* variables (see docs/remote.md).
    #[arg(long, global = true, env = "GOMODX_REMOTE", value_name = "URL")]
    pub remote: Option<String>,
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
    /// The modules are those of the build list (the module graph is loaded
    /// from gomodx's store, GOPROXY, or go.mod files go left in GOMODCACHE).
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
    /// downloaded at their selected versions (go ≥ 1.17), or the whole build
    /// list for older main modules; `all` downloads the build list.
    ///
    /// With arguments, go.sum gains the hashes of the downloaded modules the
    /// main module requires, as go writes it. A hash that go.sum does not
    /// record is checked with the checksum database (GOSUMDB, through GOPROXY
    /// when a proxy supports it), with transparency-log proofs, as go does;
    /// only GOSUMDB=off or GONOSUMDB/GOPRIVATE skip that. With --offline only
    /// the database's cached lookups and tiles are used.
    Download(DownloadArgs),
    /// Inspect and manage gomodx's store and Go's module cache.
    Cache(CacheArgs),
    /// Remove Go's module cache (`go clean -modcache`).
    Clean(CleanArgs),
    /// Show which dependencies have newer versions, and where that answer came from.
    ///
    /// For each module the main go.mod requires directly (with --all, every
    /// module of the build list): the required and selected versions, what
    /// `@latest` resolves to (excludes and retractions applied), the newest
    /// pre-release, the version list's age, retraction and deprecation.
    Outdated(OutdatedArgs),
    /// Explain why a dependency is not at its newest version, and how to fix it.
    ///
    /// Checks, with evidence: GOPROXY=off and vendor mode; GONOPROXY/GOPRIVATE
    /// routing; an old version list in gomodx's store; proxies in GOPROXY
    /// that disagree; replace and exclude directives; retractions;
    /// pre-release-only updates; a new major version at a /vN path; and MVS
    /// keeping the required version. Each cause ends with the fixing command.
    Doctor(DoctorArgs),
    /// List modules of the build list (`go list -m`).
    ///
    /// Loads the module graph (go.mod files from gomodx's store, else
    /// GOPROXY, in parallel) and prints what `go list -m` prints: `all`, module
    /// paths, `...` patterns and `path@query`, with ` => ` replacements;
    /// `--json` gives go's ModulePublic objects, `-u` available upgrades.
    List(ListArgs),
    /// Print the module requirement graph (`go mod graph`).
    ///
    /// The text format is `go mod graph`'s byte for byte (with its `go@` and
    /// `toolchain@` nodes); `dot` is for Graphviz, `json` for tools.
    Graph(GraphArgs),
    /// Explain why modules are needed (`go mod why -m`, or a fuller account).
    ///
    /// With `-m`, prints `go mod why -m`'s stanzas (computed on the module
    /// graph). Without it, for each module: a shortest requirement path from
    /// the main module, which requirers ask for the selected version, what
    /// other versions were asked for and by whom, and what replace and
    /// exclude did.
    Why(WhyArgs),
    /// Serve gomodx's store as a GOPROXY for go clients (a team or CI cache).
    ///
    /// Answers the GOPROXY protocol (`@v/list`, `.info`, `.mod`, `.zip`,
    /// `@latest`) from the store, filling it through from GOPROXY with the
    /// checks of `download` (the checksum database per GOSUMDB/GONOSUMDB);
    /// relays the checksum database under `/sumdb/`; `/healthz` answers
    /// `ok`. The first line on stdout is the proxy URL; one log line per
    /// request goes to stderr (`-q` silences them). With --offline only
    /// stored modules are served. SIGINT or SIGTERM stop it gracefully.
    Serve(ServeArgs),
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
    /// Write a deterministic tarball of GOMODCACHE (for `ADD` or CI cache artifacts).
    ///
    /// Same cache content, same bytes, on any machine: sorted entries, one
    /// fixed mtime (SOURCE_DATE_EPOCH, else 1980-01-01), uid/gid 0, modes
    /// 0755/0644. Lock files, temp files and VCS checkouts are left out.
    Export(CacheExportArgs),
    /// Read a tarball from `cache export` into GOMODCACHE, verifying it first.
    ///
    /// Every module's zip and tree must match its .ziphash, and go.sum's
    /// hashes (inside a module) must match; entries may not escape the
    /// cache. Nothing is written unless everything checks out: the tarball
    /// is unpacked next to GOMODCACHE and moved into place.
    Import(CacheImportArgs),
    /// List the module versions in the store and GOMODCACHE, with sizes and ages.
    Ls(CacheLsArgs),
    /// Summarise the store and GOMODCACHE: counts and sizes.
    Stats(CacheStatsArgs),
    /// Remove modules (`path`), module versions (`path@version`) or everything
    /// (`--all`) from the store and GOMODCACHE, coping with go's read-only trees.
    ///
    /// For a module version this removes its store refs and, in GOMODCACHE,
    /// cache/download/<path>/@v/<version>.{info,mod,zip,ziphash,lock,partial}
    /// and the extracted tree; for a module, also its version list and
    /// stored answers. Unreferenced blobs are then collected when no other
    /// gomodx process is running.
    Clean(CacheCleanArgs),
    /// Delete store blobs no ref points to, temporary files and old quarantined files.
    Gc(CacheGcArgs),
    /// Re-hash everything in the store (quarantining corrupt blobs) and in GOMODCACHE.
    Verify(CacheVerifyArgs),
}

/// Arguments of `gomodx cache ls`.
#[derive(Debug, Args)]
pub struct CacheLsArgs {
    /// Print one JSON object per module version.
    #[arg(long)]
    pub json: bool,
    /// Only these modules (`path`) or module versions (`path@version`).
    #[arg(value_name = "MODULES")]
    pub modules: Vec<String>,
}

/// Arguments of `gomodx cache stats`.
#[derive(Debug, Args)]
pub struct CacheStatsArgs {
    /// Print a JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `gomodx cache clean`.
#[derive(Debug, Args)]
pub struct CacheCleanArgs {
    /// Remove everything (both caches entirely).
    #[arg(long, conflicts_with = "modules")]
    pub all: bool,
    /// Only entries fetched longer ago than this (e.g. 30d, 12h).
    #[arg(long, value_name = "DURATION")]
    pub older_than: Option<String>,
    /// Only gomodx's store; leave GOMODCACHE alone.
    #[arg(long, conflicts_with = "modcache_only")]
    pub store_only: bool,
    /// Only GOMODCACHE; leave gomodx's store alone.
    #[arg(long)]
    pub modcache_only: bool,
    /// Print what would be removed without removing it.
    #[arg(short = 'n', long)]
    pub dry_run: bool,
    /// What to remove: `path` or `path@version` (or `--all`, `--older-than`).
    #[arg(value_name = "MODULES")]
    pub modules: Vec<String>,
}

/// Arguments of `gomodx cache gc`.
#[derive(Debug, Args)]
pub struct CacheGcArgs {
    /// Keep unreferenced blobs and quarantined files younger than this [default: 1h].
    #[arg(long, value_name = "DURATION")]
    pub grace: Option<String>,
}

/// Arguments of `gomodx cache verify`.
#[derive(Debug, Args)]
pub struct CacheVerifyArgs {
    /// Only the store; skip GOMODCACHE.
    #[arg(long)]
    pub store_only: bool,
}

/// Arguments of `gomodx outdated`.
#[derive(Debug, Args)]
pub struct OutdatedArgs {
    /// Include indirect dependencies (the whole build list).
    #[arg(long)]
    pub all: bool,
    /// Print one JSON object per module.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `gomodx doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The module to diagnose [default: every direct dependency].
    #[arg(value_name = "MODULE")]
    pub module: Option<String>,
    /// Print one JSON object per module instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `gomodx clean`.
#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Remove the entire GOMODCACHE, as `go clean -modcache` (read-only trees included).
    #[arg(long, required = true)]
    pub modcache: bool,
    /// Print the remove command (`rm -rf GOMODCACHE`) without running it.
    #[arg(short = 'n')]
    pub dry_run: bool,
    /// Print the remove command and run it.
    #[arg(short = 'x')]
    pub trace: bool,
}

/// Arguments of `gomodx serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (port 0: any free port, printed).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:3000")]
    pub listen: std::net::SocketAddr,
    /// Require `Authorization: Bearer TOKEN` (or basic auth with TOKEN as
    /// the password, as go sends from a netrc entry).
    #[arg(
        long,
        env = "GOMODX_SERVE_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN",
        conflicts_with = "basic"
    )]
    pub token: Option<String>,
    /// Require basic auth with this user and password.
    #[arg(
        long,
        env = "GOMODX_SERVE_BASIC",
        hide_env_values = true,
        value_name = "USER:PASS"
    )]
    pub basic: Option<String>,
    /// How long version lists, @latest answers and upstream failures are
    /// reused before the upstream is asked again.
    #[arg(long, value_name = "DURATION", default_value = "1m")]
    pub ttl: String,
    /// The most connections served at once.
    #[arg(long, value_name = "N", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// The most bytes of request line and headers (at least 8192).
    #[arg(long, value_name = "BYTES", default_value_t = 16384, value_parser = clap::value_parser!(u32).range(8192..))]
    pub max_header_bytes: u32,
    /// How long a request may take (an upstream fill included).
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub request_timeout: String,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// How long a client may take to send its request headers.
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub header_timeout: String,
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

/// Arguments of `gomodx cache export`.
#[derive(Debug, Args)]
pub struct CacheExportArgs {
    /// The tarball to write.
    #[arg(long, value_name = "FILE")]
    pub tar: PathBuf,
    /// The module cache to export [default: GOMODCACHE].
    #[arg(long, value_name = "DIR")]
    pub modcache: Option<PathBuf>,
    /// The mtime of every entry, in seconds since 1970.
    #[arg(long, env = "SOURCE_DATE_EPOCH", value_name = "SECONDS")]
    pub source_date_epoch: Option<u64>,
}

/// Arguments of `gomodx cache import`.
#[derive(Debug, Args)]
pub struct CacheImportArgs {
    /// The tarball to read.
    #[arg(value_name = "FILE")]
    pub tar: PathBuf,
    /// The module cache to fill [default: GOMODCACHE].
    #[arg(long, value_name = "DIR")]
    pub modcache: Option<PathBuf>,
    /// Leave extracted module directories writable (also read from GOFLAGS).
    #[arg(long)]
    pub modcacherw: bool,
}

/// What `download --for-build` keeps of the modules that provide packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ForBuild {
    /// Extracted trees and .ziphash: go builds at once.
    Trees,
    /// Zips and .ziphash: the smallest layer; go extracts on first build.
    Zips,
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
    /// go's module flags (`-modcacherw`, `-modfile`).
    #[command(flatten)]
    pub mod_flags: ModFlags,
    /// go's `-reuse=FILE` (not supported: gomodx does not record origins).
    #[arg(long, value_name = "FILE")]
    pub reuse: Option<PathBuf>,
    /// Fill this module cache instead of GOMODCACHE (e.g. for a container layer).
    #[arg(long, value_name = "DIR")]
    pub modcache: Option<PathBuf>,
    /// Keep only what `go build` reads offline: .mod, .ziphash and trees (or zips).
    ///
    /// Drops .info files, locks and the zips (`--for-build=zips`: the trees
    /// instead), prints the size saved against a full cache, and makes the
    /// cache reproducible as `--reproducible` does.
    #[arg(
        long,
        value_enum,
        value_name = "KEEP",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "trees"
    )]
    pub for_build: Option<ForBuild>,
    /// Make the module cache byte-identical across runs and machines.
    ///
    /// Removes lock files, sets every mtime to SOURCE_DATE_EPOCH (else
    /// 1980-01-01) and normalises modes. Use on a cache nothing else is using.
    #[arg(long)]
    pub reproducible: bool,
    /// The mtime `--reproducible` gives every file, in seconds since 1970.
    #[arg(long, env = "SOURCE_DATE_EPOCH", value_name = "SECONDS")]
    pub source_date_epoch: Option<u64>,
    /// Modules to download: `path@version`, `path@query` or required module paths.
    #[arg(value_name = "MODULES")]
    pub modules: Vec<String>,
}

/// The module flags go's `mod` commands and `list` share
/// (`base.AddModCommonFlags`).
#[derive(Debug, Args)]
pub struct ModFlags {
    /// Leave extracted module directories writable (also read from GOFLAGS).
    #[arg(long)]
    pub modcacherw: bool,
    /// go's `-modfile=FILE`: only the main module's own go.mod is supported.
    #[arg(long, value_name = "FILE")]
    pub modfile: Option<PathBuf>,
}

/// Arguments of `gomodx verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Print one JSON object per checked module instead of go's messages.
    #[arg(long)]
    pub json: bool,
    /// go's module flags (`-modcacherw`, `-modfile`).
    #[command(flatten)]
    pub mod_flags: ModFlags,
}

/// Arguments of `gomodx list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// List modules (required: gomodx does not list packages).
    #[arg(short = 'm')]
    pub modules: bool,
    /// Print go's JSON objects (`go list -m -json`).
    #[arg(long)]
    pub json: bool,
    /// Add available upgrades, retractions and deprecations.
    #[arg(short = 'u')]
    pub update: bool,
    /// Add retraction information, and allow retracted versions in queries
    /// (with `-versions`: list retracted versions too).
    #[arg(long)]
    pub retracted: bool,
    /// List each module's known versions (`Versions`), oldest first.
    #[arg(long)]
    pub versions: bool,
    /// Keep listing past erroneous modules, their errors in `Error`
    /// (`go list -e`); without it go's errors go to stderr and nothing is listed.
    #[arg(short = 'e')]
    pub errors: bool,
    /// Print each module through this Go template (`go list -m -f`).
    #[arg(short = 'f', value_name = "TEMPLATE")]
    pub format: Option<String>,
    /// go's `-mod=MODE`: `readonly` (the default) or `mod`; `vendor` is not supported.
    #[arg(long = "mod", value_name = "MODE")]
    pub mod_mode: Option<String>,
    /// go's module flags (`-modcacherw`, `-modfile`).
    #[command(flatten)]
    pub mod_flags: ModFlags,
    /// go's `-reuse=FILE` (not supported: gomodx does not record origins).
    #[arg(long, value_name = "FILE")]
    pub reuse: Option<PathBuf>,
    /// `all`, module paths, `...` patterns or `path@query` (default: the main module).
    #[arg(value_name = "PATTERNS")]
    pub patterns: Vec<String>,
}

/// Output formats of `gomodx graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// `go mod graph`: one `from to` line per requirement.
    Text,
    /// Graphviz DOT, selected versions in bold.
    Dot,
    /// A JSON object with the selected versions and the edges.
    Json,
}

/// Arguments of `gomodx graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Load the graph as this go version would (`go mod graph -go=V`).
    #[arg(long, value_name = "VERSION")]
    pub go: Option<String>,
    /// The output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
    pub format: GraphFormat,
    /// Print each request on stderr as it is made (`# get <url>`), like go's `-x`.
    #[arg(short = 'x')]
    pub trace: bool,
    /// go's module flags (`-modcacherw`, `-modfile`).
    #[command(flatten)]
    pub mod_flags: ModFlags,
}

/// Arguments of `gomodx why`.
#[derive(Debug, Args)]
pub struct WhyArgs {
    /// Print `go mod why -m`'s output.
    #[arg(short = 'm')]
    pub modules_only: bool,
    /// With `-m`: leave tests out, as `go mod why -vendor` (what `go mod vendor` copies).
    #[arg(long, requires = "modules_only")]
    pub vendor: bool,
    /// go's module flags (`-modcacherw`, `-modfile`).
    #[command(flatten)]
    pub mod_flags: ModFlags,
    /// Module paths to explain.
    #[arg(value_name = "MODULES", required = true)]
    pub modules: Vec<String>,
}
