//! Progress callbacks: the library reports, the CLI draws.

use gomodx_module::ModuleVersion;

/// Where a module's files came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The zip (and whatever else was missing) was fetched from a proxy.
    Downloaded {
        /// Size of the zip in bytes.
        bytes: u64,
    },
    /// Everything was already in gomodx's store: no network.
    FromStore {
        /// Size of the zip in bytes.
        bytes: u64,
    },
    /// The zip came from the shared remote (`--remote`), not a proxy.
    FromRemote {
        /// Size of the zip in bytes.
        bytes: u64,
    },
    /// The download failed (the error is returned to the caller).
    Failed,
}

/// Receives progress of module downloads. Called from many tasks at once.
pub trait Reporter: Send + Sync {
    /// A zip download of `module` (re)starts, with the size the server
    /// announced. Called again when a retry or another proxy starts over,
    /// so bytes reported since the previous call no longer count.
    fn start(&self, module: &ModuleVersion, size: Option<u64>);

    /// `bytes` more bytes of `module`'s zip arrived.
    fn bytes(&self, module: &ModuleVersion, bytes: u64);

    /// `module` is finished: exported and extracted, or failed. Called once
    /// per module version per [`crate::Fetcher`].
    fn finish(&self, module: &ModuleVersion, outcome: Outcome);
}

/// A reporter that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoReporter;

impl Reporter for NoReporter {
    fn start(&self, _: &ModuleVersion, _: Option<u64>) {}
    fn bytes(&self, _: &ModuleVersion, _: u64) {}
    fn finish(&self, _: &ModuleVersion, _: Outcome) {}
}
