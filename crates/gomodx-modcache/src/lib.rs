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
//!   <escaped path>@<escaped version>/   extracted tree, read-only
//! ```
//!
//! [`ModCache`] maps module versions to these paths; [`verify`] is
//! `go mod verify` for one module version.

mod export;
mod layout;
mod verify;

pub use export::ExportError;
pub use layout::{CacheFile, ModCache};
pub use verify::{VerifyError, verify};
