//! The one error type of this crate: an I/O error with its operation and path.

use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// An I/O error, with the operation that failed and the path it failed on.
#[derive(Debug, Error)]
#[error("{op} {}", path.display())]
pub struct FsError {
    /// What was being done, e.g. `open`, `rename`, `lock`.
    pub op: &'static str,
    /// The path the operation was applied to.
    pub path: PathBuf,
    /// The underlying error.
    #[source]
    pub source: io::Error,
}

impl FsError {
    /// Wraps `source` with the operation and path.
    pub fn new(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self {
            op,
            path: path.into(),
            source,
        }
    }

    /// The kind of the underlying I/O error.
    pub fn kind(&self) -> io::ErrorKind {
        self.source.kind()
    }
}

/// Adds an operation and a path to `io::Result`s.
pub(crate) trait IoContext<T> {
    /// Maps the error into an [`FsError`] for `op` on `path`.
    fn at(self, op: &'static str, path: &Path) -> Result<T, FsError>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn at(self, op: &'static str, path: &Path) -> Result<T, FsError> {
        self.map_err(|source| FsError::new(op, path, source))
    }
}
