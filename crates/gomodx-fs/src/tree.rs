//! Read-only directory trees, as the module cache keeps extracted modules.
//!
//! Go removes write permission from every directory of an extracted module
//! (files are already 0444), so nothing can edit the cache by accident; the
//! flip side is that such a tree cannot be deleted until its directories are
//! made writable again. Symbolic links are never followed.

use std::fs::{self, Permissions};
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{FsError, IoContext};

/// Removes `path` and everything below it, first making every directory
/// writable (parents before children, so the walk can descend).
///
/// A missing `path` is not an error. A file or symlink at `path` is removed
/// like `rm` would (the link, not its target).
pub fn remove_dir_all_force(path: &Path) -> Result<(), FsError> {
    let meta = match fs::symlink_metadata(path) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        result => result.at("stat", path)?,
    };
    if !meta.is_dir() {
        return ignore_not_found(fs::remove_file(path)).at("remove", path);
    }
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let meta = match fs::symlink_metadata(&dir) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
            result => result.at("stat", &dir)?,
        };
        if let Some(permissions) = writable(meta.permissions()) {
            fs::set_permissions(&dir, permissions).at("chmod", &dir)?;
        }
        pending.extend(subdirectories(&dir)?);
    }
    ignore_not_found(fs::remove_dir_all(path)).at("remove", path)
}

/// Removes write permission from every directory under `path`, including
/// `path` itself, children before parents (Go's `makeDirsReadOnly`: the mode
/// loses its write bits, so a 0755 directory becomes 0555).
pub fn make_tree_read_only(path: &Path) -> Result<(), FsError> {
    let mut dirs = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        pending.extend(subdirectories(&dir)?);
        dirs.push(dir);
    }
    // Every directory was pushed after its parent, so reverse order visits
    // children first.
    for dir in dirs.iter().rev() {
        let permissions = fs::symlink_metadata(dir).at("stat", dir)?.permissions();
        if let Some(permissions) = read_only(permissions) {
            fs::set_permissions(dir, permissions).at("chmod", dir)?;
        }
    }
    Ok(())
}

/// The real (not symlinked) directories directly inside `dir`.
fn subdirectories(dir: &Path) -> Result<Vec<PathBuf>, FsError> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).at("read directory", dir)? {
        let entry = entry.at("read directory", dir)?;
        if entry.file_type().at("stat", &entry.path())?.is_dir() {
            found.push(entry.path());
        }
    }
    Ok(found)
}

/// `Ok(())` for a `NotFound` error (someone else removed it first).
fn ignore_not_found(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Permissions with owner rwx added, or `None` if already present.
fn writable(permissions: Permissions) -> Option<Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = permissions.mode();
        (mode & 0o700 != 0o700).then(|| Permissions::from_mode(mode | 0o700))
    }
    #[cfg(not(unix))]
    {
        let mut permissions = permissions;
        permissions.readonly().then(|| {
            permissions.set_readonly(false);
            permissions
        })
    }
}

/// Permissions without any write bit, or `None` if none is set.
fn read_only(permissions: Permissions) -> Option<Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = permissions.mode();
        (mode & 0o222 != 0).then(|| Permissions::from_mode(mode & !0o222))
    }
    #[cfg(not(unix))]
    {
        let mut permissions = permissions;
        (!permissions.readonly()).then(|| {
            permissions.set_readonly(true);
            permissions
        })
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// root/{a.go, sub/{b.go, deep/c.go}} with 0444 files, like an extracted module.
    fn module_tree(root: &Path) {
        fs::create_dir_all(root.join("sub/deep")).unwrap();
        for file in ["a.go", "sub/b.go", "sub/deep/c.go"] {
            fs::write(root.join(file), "package x\n").unwrap();
            fs::set_permissions(root.join(file), Permissions::from_mode(0o444)).unwrap();
        }
    }

    #[test]
    fn make_tree_read_only_clears_write_bits_on_every_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("m@v1.0.0");
        module_tree(&root);
        fs::set_permissions(root.join("sub"), Permissions::from_mode(0o775)).unwrap();
        make_tree_read_only(&root).unwrap();
        assert_eq!(mode(&root) & 0o222, 0);
        assert_eq!(mode(&root.join("sub")), 0o555);
        assert_eq!(mode(&root.join("sub/deep")) & 0o222, 0);
        assert_eq!(mode(&root.join("a.go")), 0o444, "files are untouched");
        remove_dir_all_force(&root).unwrap();
    }

    #[test]
    fn make_tree_read_only_does_not_follow_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        fs::create_dir(&outside).unwrap();
        let root = tmp.path().join("root");
        fs::create_dir(&root).unwrap();
        symlink(&outside, root.join("link")).unwrap();
        make_tree_read_only(&root).unwrap();
        assert_eq!(mode(&outside) & 0o200, 0o200, "symlink target was modified");
        remove_dir_all_force(&root).unwrap();
        assert!(outside.is_dir(), "symlink target was removed");
    }

    #[test]
    fn remove_dir_all_force_removes_read_only_trees() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("m@v1.0.0");
        module_tree(&root);
        make_tree_read_only(&root).unwrap();
        // An unreadable, untraversable directory too.
        fs::set_permissions(root.join("sub/deep"), Permissions::from_mode(0o000)).unwrap();
        remove_dir_all_force(&root).unwrap();
        assert!(!root.exists());
    }

    #[test]
    fn remove_dir_all_force_tolerates_missing_and_removes_files() {
        let tmp = tempfile::tempdir().unwrap();
        remove_dir_all_force(&tmp.path().join("absent")).unwrap();
        let file = tmp.path().join("file");
        fs::write(&file, "x").unwrap();
        remove_dir_all_force(&file).unwrap();
        assert!(!file.exists());
    }

    #[test]
    fn make_tree_read_only_reports_missing_root() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("absent");
        let err = make_tree_read_only(&missing).unwrap_err();
        assert_eq!(err.path, missing);
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
