//! The one error type of this crate.

use std::path::PathBuf;

use gomodx_fs::FsError;
use gomodx_module::ModuleError;
use thiserror::Error;

use crate::refs::ArtifactKind;

/// Everything that can go wrong while using the store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A filesystem operation failed (the error names the operation and path).
    #[error(transparent)]
    Fs(#[from] FsError),

    /// A module path or version cannot be escaped into a file name.
    #[error(transparent)]
    Module(#[from] ModuleError),

    /// A string given as a blob name is not 64 lower-case hex digits.
    #[error("invalid sha256 digest `{0}`")]
    InvalidDigest(String),

    /// The blob is not in the store (never written, collected, or quarantined).
    #[error("blob sha256:{sha256} is not in the store")]
    MissingBlob {
        /// The blob that was asked for.
        sha256: String,
    },

    /// A stored blob no longer hashes to its name. It has been moved out of
    /// the way, so fetching and committing the content again repairs the store.
    #[error("corrupt blob in the store: expected sha256:{expected}, found sha256:{actual}")]
    Corrupt {
        /// The blob's name: the hash its content should have.
        expected: String,
        /// The hash of the content actually found.
        actual: String,
        /// Where the corrupt file was moved, or `None` if another process had
        /// already moved or replaced it.
        quarantined: Option<PathBuf>,
    },

    /// A ref already records different content for the same artifact, and
    /// that content is still in the store. Refs are written once.
    #[error(
        "{module_version}: stored .{kind} has sha256:{existing}, refusing to replace it with sha256:{new}"
    )]
    RefConflict {
        /// The artifact's `path@version`.
        module_version: String,
        /// Which artifact.
        kind: ArtifactKind,
        /// The hash already recorded.
        existing: String,
        /// The hash that was offered.
        new: String,
    },

    /// A ref given to [`Store::put_ref`](crate::Store::put_ref) is inconsistent.
    #[error("invalid .{kind} ref for {module_version}: {reason}")]
    InvalidRef {
        /// The artifact's `path@version`.
        module_version: String,
        /// Which artifact.
        kind: ArtifactKind,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// A maintenance operation needs the store opened with
    /// [`Store::open_exclusive`](crate::Store::open_exclusive).
    #[error("`{operation}` needs exclusive access to the store at {}", root.display())]
    NotExclusive {
        /// The operation that was refused, e.g. `gc`.
        operation: &'static str,
        /// The store's root directory.
        root: PathBuf,
    },
}
