//! The one error type of this crate. Messages name the object (as
//! `s3://bucket/key`) and the operation; never a credential.

use gomodx_module::ModuleError;
use thiserror::Error;

/// Everything that can go wrong with the remote.
#[derive(Debug, Error)]
pub enum RemoteError {
    /// The remote URL or its settings are unusable.
    #[error("remote {url}: {reason}")]
    Config {
        /// The URL as given, without its query.
        url: String,
        /// What is wrong.
        reason: String,
    },

    /// A module path or version cannot be named in the remote.
    #[error(transparent)]
    Module(#[from] ModuleError),

    /// A module path that escapes into an object key the store refuses.
    #[error("remote: {module} cannot be named as an object key: {reason}")]
    Key {
        /// The module path.
        module: String,
        /// Why.
        reason: String,
    },

    /// A request to the object store failed.
    #[error("remote {operation} {object}: {source}")]
    Request {
        /// `GET`, `PUT`, `HEAD`.
        operation: &'static str,
        /// `s3://bucket/key`.
        object: String,
        /// The object store's error (it names no credentials).
        source: Box<object_store::Error>,
    },

    /// Reading or writing a local file while moving it to or from the remote.
    #[error("remote {operation} {object}: {path}: {source}")]
    Local {
        /// `GET`, `PUT`.
        operation: &'static str,
        /// `s3://bucket/key`.
        object: String,
        /// The local file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },

    /// An object whose content does not hash to its name: corrupt,
    /// truncated or overwritten. Never trusted.
    #[error(
        "corrupt remote object {object}: its content hashes to sha256:{actual}, \
         not sha256:{expected} (its name)"
    )]
    Corrupt {
        /// `s3://bucket/key`.
        object: String,
        /// The hash its name promises.
        expected: String,
        /// The hash of what was read.
        actual: String,
    },

    /// A ref or answer that is not the JSON this crate writes.
    #[error("corrupt remote object {object}: {reason}")]
    Invalid {
        /// `s3://bucket/key`.
        object: String,
        /// Why it was refused.
        reason: String,
    },
}

impl RemoteError {
    /// Whether the object itself is bad (so fetching the artifact elsewhere
    /// and writing it back repairs the remote).
    pub fn is_corrupt(&self) -> bool {
        matches!(self, Self::Corrupt { .. } | Self::Invalid { .. })
    }
}
