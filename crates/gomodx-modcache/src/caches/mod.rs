//! Both caches together, per module version: what gomodx's store and
//! GOMODCACHE hold ([`inventory`]), removing module versions from both
//! ([`remove`], [`forget_module`], [`remove_all`]) and re-hashing the
//! store's refs ([`verify_store`]). The rules of `gomodx cache ls`,
//! `stats`, `clean` and `verify`.

mod clean;
mod inventory;
mod store_check;

use std::io;
use std::path::PathBuf;

use gomodx_fs::FsError;
use gomodx_module::ModuleError;
use gomodx_store::StoreError;

pub use clean::{forget_module, remove, remove_all};
pub use inventory::{
    Counts, Entry, Selector, VERSION_SUFFIXES, counts, inventory, tree_size, tree_usage,
    version_dirs,
};
pub use store_check::{StoreProblem, verify_store};

/// What can go wrong while reading or cleaning the caches.
#[derive(Debug, thiserror::Error)]
pub enum CachesError {
    /// A store operation failed: `op` says which (`listing the gomodx store`).
    #[error("{op}")]
    Store {
        /// The operation.
        op: String,
        /// Why it failed.
        #[source]
        source: StoreError,
    },
    /// A directory could not be read or a file removed.
    #[error("{op} {}", path.display())]
    Io {
        /// `reading`, `removing`.
        op: &'static str,
        /// The directory or file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// A `path` or `path@version` argument that is neither.
    #[error("{arg} is not a {what}")]
    Selector {
        /// The argument.
        arg: String,
        /// `module path` or `module version`.
        what: &'static str,
        /// Why not.
        #[source]
        source: ModuleError,
    },
    /// A module path that cannot be escaped into a file name.
    #[error(transparent)]
    Module(#[from] ModuleError),
    /// A tree could not be removed.
    #[error(transparent)]
    Fs(#[from] FsError),
}

impl CachesError {
    fn store(op: impl Into<String>) -> impl FnOnce(StoreError) -> Self {
        let op = op.into();
        move |source| Self::Store { op, source }
    }
}
