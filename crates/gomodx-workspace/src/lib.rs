//! The main module and workspace, as the go command sees them (cmd/go's
//! `modload` around its module graph):
//!
//! - [`MainModules::find`]: the go.work (`GOWORK`, `GOWORK=off`, found
//!   upwards from the working directory as go finds it) or the go.mod
//!   above the working directory; go.mod, go.work and go.sum (go.work.sum)
//!   read once, with go's checks and messages.
//! - [`MainModules::load`]: the module graph under go's rules for the
//!   command ([`Mode`]): go.sum required in read-only mode, requirements
//!   raised under `-mod=mod`, a workspace's main modules as roots.
//! - [`sums`]: which go.sum lines go keeps, written under go's side lock.
//! - [`download`]: what `go mod download` fetches (no arguments, `all`,
//!   `M`, `M@query`) and its JSON objects.
//! - [`list`]: `go list -m` assembled (build list, queries, `-u`,
//!   `-retracted`, the JSON-only details); [`list_template`]: `-f`.
//! - [`why`]: `go mod why -m` on the package import graph; [`explain`]:
//!   `gomodx why` without `-m`.
//! - [`Loaded::dependency_paths`], [`Loaded::survey`],
//!   [`Loaded::diagnose`]: what `outdated` and `doctor` look at;
//!   [`graph_format`]: the graph as DOT or JSON.
//! - [`vendor`]: when go defaults to `-mod=vendor`, its check of
//!   vendor/modules.txt, and what `list -m` refuses then.
//!
//! This crate never prints and never reads environment variables: the
//! caller passes them in [`Context`].

mod deps;
pub mod download;
pub mod explain;
mod find;
pub mod graph_format;
pub mod list;
pub mod list_template;
mod load;
pub mod mod_flags;
pub mod sums;
pub mod vendor;
pub mod why;

use std::path::PathBuf;

pub use deps::Survey;
pub use find::{Context, MainModule, MainModules};
pub use load::{Loaded, Mode, PartialGraph};

/// Why the main modules could not be read or their graph loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No go.mod at or above the working directory, and no go.work.
    #[error(
        "go.mod file not found in current directory or any parent directory; see 'go help modules'"
    )]
    NoMainModule,
    /// A go.work without modules.
    #[error(
        "cannot match \"all\": no modules were found in the current workspace; see 'go help work'"
    )]
    EmptyWorkspace,
    /// An error go reports with this text (after `go: `).
    #[error("{0}")]
    Go(String),
    /// A file could not be read or written.
    #[error("{op} {}: {source}", path.display())]
    Io {
        /// `reading`, `updating`, …
        op: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The module graph could not be loaded.
    #[error(transparent)]
    Load(#[from] gomodx_resolver::LoadError),
    /// A go.mod in the module graph could not be loaded; the graph as far
    /// as it loaded comes with the error.
    #[error(transparent)]
    PartialGraph(Box<PartialGraph>),
    /// A go.mod could not be parsed.
    #[error(transparent)]
    ModFile(#[from] gomodx_modfile::ErrorList),
    /// The main go.mod fails go's checks (`modload.ReadModFile`).
    #[error(transparent)]
    MainMod(#[from] gomodx_modfile::MainModError),
    /// A file could not be written.
    #[error(transparent)]
    Fs(#[from] gomodx_fs::FsError),
    /// A go.sum could not be parsed.
    #[error(transparent)]
    GoSum(#[from] gomodx_modfile::GoSumError),
    /// go.mod needs raised requirements that `--locked` forbids writing.
    #[error(
        "{} needs its requirements raised to the versions the module graph selects \
         and --locked forbids changing it",
        path.display()
    )]
    LockedGoMod {
        /// The go.mod.
        path: PathBuf,
    },
    /// go.sum needs lines that `--locked` forbids adding.
    #[error(
        "{} needs {} new line{} and --locked forbids changing it:{}",
        path.display(),
        lines.len(),
        if lines.len() == 1 { "" } else { "s" },
        lines.iter().map(|l| format!("\n  {l}")).collect::<String>()
    )]
    Locked {
        /// The go.sum (go.work.sum).
        path: PathBuf,
        /// The lines it would gain, `path version hash`.
        lines: Vec<String>,
    },
}

impl Error {
    /// Whether this is only something missing from the cache while the
    /// network is off ([`gomodx_fetch::is_offline_miss`]).
    pub fn is_offline_miss(&self) -> bool {
        match self {
            Self::Load(err) => gomodx_fetch::is_offline_miss(err),
            Self::PartialGraph(partial) => gomodx_fetch::is_offline_miss(&partial.error),
            _ => false,
        }
    }
}
