//! Helpers for walking directory trees (hashing and zipping them).

use std::path::Path;

use gomodx_fs::FsError;

use crate::error::ZipError;

/// A relative path as `/`-separated bytes (the raw bytes on Unix, as Go
/// sees file names).
pub(crate) fn slash_path_bytes(relative: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, component) in relative.components().enumerate() {
        if i > 0 {
            out.push(b'/');
        }
        #[cfg(unix)]
        out.extend_from_slice(std::os::unix::ffi::OsStrExt::as_bytes(
            component.as_os_str(),
        ));
        #[cfg(not(unix))]
        out.extend_from_slice(component.as_os_str().to_string_lossy().as_bytes());
    }
    out
}

/// A walk error below `root`, with the path it happened at.
pub(crate) fn walk_error(root: &Path, err: walkdir::Error) -> ZipError {
    let path = err.path().unwrap_or(root).to_path_buf();
    let source = err
        .into_io_error()
        .unwrap_or_else(|| std::io::Error::other("filesystem loop"));
    FsError::new("walk", path, source).into()
}
