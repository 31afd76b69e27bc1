//! The one error type of this crate: an I/O error with its operation and
//! path, shown as Go's `PathError` (`open /x: no such file or directory`).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// An I/O error, with the operation that failed and the path it failed on.
///
/// Its text carries the OS cause (`op path: cause`, as Go's `PathError`),
/// so it reports no separate `source`: a chain walker prints it once.
#[derive(Debug)]
pub struct FsError {
    /// What was being done, e.g. `open`, `rename`, `lock`.
    pub op: &'static str,
    /// The path the operation was applied to.
    pub path: PathBuf,
    /// The underlying error.
    pub source: io::Error,
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.op,
            self.path.display(),
            os_error_text(&self.source)
        )
    }
}

impl std::error::Error for FsError {}

/// An I/O error worded as Go words it: an OS error as its C library text in
/// lower case without Rust's ` (os error N)` suffix (`no such file or
/// directory`); any other error as it is.
pub fn os_error_text(error: &io::Error) -> String {
    let text = error.to_string();
    let Some(code) = error.raw_os_error() else {
        return text;
    };
    let text = text
        .strip_suffix(&format!(" (os error {code})"))
        .unwrap_or(&text);
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_gos_path_error() {
        let err = FsError::new("open", "/x", io::Error::from_raw_os_error(2));
        assert_eq!(err.to_string(), "open /x: no such file or directory");
        assert!(
            std::error::Error::source(&err).is_none(),
            "the cause is shown once"
        );
        let full = FsError::new("write", "/y", io::Error::from_raw_os_error(28));
        assert_eq!(full.to_string(), "write /y: no space left on device");
        let rofs = io::Error::from_raw_os_error(30);
        assert_eq!(os_error_text(&rofs), "read-only file system");
        assert_eq!(
            os_error_text(&io::Error::other("Custom text")),
            "Custom text"
        );
    }
}
