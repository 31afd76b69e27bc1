//! Go's module cache (`GOMODCACHE`): where the go command keeps what it
//! downloaded, and how to check it.
//!
//! ```text
//! $GOMODCACHE/
//!   cache/download/<escaped path>/@v/
//!     list                      versions with a cached .mod, one per line
//!     <escaped version>.info    {"Version":…,"Time":…}
//!     <escaped version>.mod     go.mod as served
//!     <escaped version>.zip     module zip as served
//!     <escaped version>.ziphash h1: of the zip (no newline)
//!     <escaped version>.lock    per-version lock (flock), left behind
//!     <escaped version>.partial present while extraction is under way
//!     <file>.gomodx-<n>.tmp     gomodx writing <file> (flock held; swept once dead)
//!   <escaped path>@<escaped version>/   extracted tree, read-only
//! ```
//!
//! [`ModCache`] maps module versions to these paths; [`verify`] is
//! `go mod verify` for one module version. For containers and CI:
//! [`slim_for_build`] keeps only what `go build` reads, [`normalize`] makes
//! a cache reproducible, and [`export_tar`] / [`import_tar`] move a cache as
//! a deterministic, verified tarball. [`caches`] sees GOMODCACHE and
//! gomodx's store together, per module version.

mod archive;
pub mod caches;
mod downloaded;
mod export;
mod import;
mod layout;
mod slim;
mod temps;
mod verify;
mod walk;

pub use archive::{ArchiveError, ArchiveSummary, export_tar};
pub use downloaded::Downloaded;
pub use export::ExportError;
pub use import::{ImportOptions, SumLookup, import_tar};
pub use layout::{CacheFile, ModCache};
pub use slim::{BuildLayout, DEFAULT_EPOCH, SlimReport, normalize, slim_for_build};
pub use verify::{VerifyError, verify};
