//! A deterministic walk of a module cache: depth first, the names of each
//! directory in byte order, parents before children, so that what is built
//! from it (a tarball, a size, fixed times) is the same on every machine.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use gomodx_fs::FsError;

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A directory.
    Dir,
    /// A regular file.
    File,
    /// Anything else (a symlink, a socket…), which go never writes.
    Other,
}

/// One entry below the walked root.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The path relative to the root, `/`-separated.
    pub relative: String,
    /// The full path.
    pub path: PathBuf,
    /// What it is (symlinks are not followed).
    pub kind: Kind,
    /// The file's length (0 for directories).
    pub len: u64,
}

/// Whether an entry is host-specific bookkeeping that is never part of a
/// cache's content: lock files (go's and gomodx's, left behind by design),
/// temp files of interrupted writes, and VCS checkouts made by
/// `GOPROXY=direct`, which go re-creates at will and does not need to build.
pub(crate) fn is_host_specific(relative: &str) -> bool {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    relative == "cache/lock"
        || relative == "cache/vcs"
        || relative.starts_with("cache/vcs/")
        || name.ends_with(".lock")
        || name.ends_with(".tmp")
}

/// Every entry below `root` (not `root` itself), in walk order, skipping the host-specific ones and everything below them.
pub(crate) fn entries(root: &Path) -> Result<Vec<Entry>, FsError> {
    let mut out = Vec::new();
    walk(root, "", &mut out)?;
    Ok(out)
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<Entry>) -> Result<(), FsError> {
    let mut names: Vec<String> = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| FsError::new("read directory", dir, e))? {
        let entry = entry.map_err(|e| FsError::new("read directory", dir, e))?;
        let name = entry.file_name().into_string().map_err(|name| {
            let message = format!("file name {name:?} is not UTF-8");
            FsError::new("read directory", dir, io::Error::other(message))
        })?;
        names.push(name);
    }
    names.sort_unstable();
    for name in names {
        let relative = format!("{prefix}{name}");
        if is_host_specific(&relative) {
            continue;
        }
        let path = dir.join(&name);
        let meta = fs::symlink_metadata(&path).map_err(|e| FsError::new("stat", &path, e))?;
        let kind = if meta.is_dir() {
            Kind::Dir
        } else if meta.is_file() {
            Kind::File
        } else {
            Kind::Other
        };
        let len = if kind == Kind::File { meta.len() } else { 0 };
        out.push(Entry {
            relative: relative.clone(),
            path: path.clone(),
            kind,
            len,
        });
        if kind == Kind::Dir {
            walk(&path, &format!("{relative}/"), out)?;
        }
    }
    Ok(())
}

/// The total length of the files below `root` (0 if it does not exist).
pub(crate) fn files_size(root: &Path) -> Result<u64, FsError> {
    if !root.exists() {
        return Ok(0);
    }
    Ok(entries(root)?.iter().map(|e| e.len).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_without_host_specific_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for file in [
            "b/x",
            "a/y",
            "cache/lock",
            "cache/vcs/abc/HEAD",
            "cache/download/m/@v/v1.0.0.lock",
            "cache/download/m/@v/v1.0.0.mod",
            "cache/download/m/@v/v1.0.0.zip123.tmp",
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, b"12").unwrap();
        }
        let listed: Vec<_> = entries(root)
            .unwrap()
            .into_iter()
            .map(|e| e.relative)
            .collect();
        assert_eq!(
            listed,
            [
                "a",
                "a/y",
                "b",
                "b/x",
                "cache",
                "cache/download",
                "cache/download/m",
                "cache/download/m/@v",
                "cache/download/m/@v/v1.0.0.mod",
            ]
        );
        assert_eq!(files_size(root).unwrap(), 6);
    }
}
