//! Small `std::fs` wrappers that attach the operation and path to errors.

use std::fs;
use std::io;
use std::path::Path;

use gomodx_fs::FsError;

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

/// `Ok(None)` instead of a `NotFound` error.
pub(crate) fn if_exists<T>(result: io::Result<T>) -> io::Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

/// Reads a whole file, `None` if it does not exist.
pub(crate) fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>, FsError> {
    if_exists(fs::read(path)).at("read", path)
}

/// Creates `dir` and its parents.
pub(crate) fn create_dir_all(dir: &Path) -> Result<(), FsError> {
    fs::create_dir_all(dir).at("create directory", dir)
}

/// Removes a file (read-only ones too); `false` if it was already gone.
pub(crate) fn remove_file(path: &Path) -> Result<bool, FsError> {
    #[cfg(not(unix))]
    if let Ok(meta) = fs::symlink_metadata(path) {
        // Windows refuses to delete read-only files; Unix only needs a
        // writable directory.
        let mut permissions = meta.permissions();
        if permissions.readonly() {
            permissions.set_readonly(false);
            // A failure here surfaces as the removal error below.
            let _ = fs::set_permissions(path, permissions);
        }
    }
    Ok(if_exists(fs::remove_file(path))
        .at("remove", path)?
        .is_some())
}

/// The entries of `dir` (none if it does not exist).
pub(crate) fn read_dir(dir: &Path) -> Result<Vec<fs::DirEntry>, FsError> {
    let Some(entries) = if_exists(fs::read_dir(dir)).at("read directory", dir)? else {
        return Ok(Vec::new());
    };
    entries
        .map(|entry| entry.at("read directory", dir))
        .collect()
}
