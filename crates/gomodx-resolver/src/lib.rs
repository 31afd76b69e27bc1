//! gomodx's resolver: minimal version selection and cmd/go's module graph,
//! pure (no I/O, no async): go.mod files come in through [`GoModSource`] or
//! the [`GraphLoader`] frontier.
//!
//! - [`mvs`]: Go's generic MVS (`BuildList`, `Req`, `UpgradeAll`,
//!   `Upgrade`, `Downgrade`) over a [`mvs::Reqs`] graph, on petgraph.
//! - [`graph`]: cmd/go's module graph ([`ModuleGraph`]): roots from the main
//!   go.mod, pruning, `exclude`, `replace`, `go`/`toolchain` nodes, and the
//!   outputs of `go mod graph`, `go mod why -m` and `go list -m all`.
//! - [`filter`]: `exclude` and `retract` as version filters, with Go's
//!   messages.
//! - [`GoModSource`], [`MemorySource`]: where go.mod files come from.

pub mod error;
pub mod filter;
pub mod graph;
pub mod mvs;
mod source;

pub use error::{
    BuildListError, GoModError, GoModErrorKind, LoadError, Reason, ReplacementConflict, SourceError,
};
pub use graph::{GraphLoader, ListedModule, LoadOptions, ModuleGraph, Pruning};
pub use source::{GoModFile, GoModSource, MemorySource};
