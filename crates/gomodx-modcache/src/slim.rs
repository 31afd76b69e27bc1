//! Build-only module caches, and reproducible ones.
//!
//! What `go build -mod=mod` needs with `GOPROXY=off` (measured with go 1.27,
//! see the spec §7.5): `cache/download/<path>/@v/<v>.mod` for every module
//! whose go.mod is loaded, and for every module providing packages either
//! the extracted tree plus `.ziphash`, or the `.zip` (which go extracts on
//! first use; with its `.ziphash` it is not re-hashed). `.info` files, the
//! `list` files and locks are not read by a build.
//!
//! [`slim_for_build`] drops the rest from a cache; [`normalize`] gives a
//! cache fixed times and umask-independent modes, so that two caches with
//! the same modules are byte-identical trees (and container layers built
//! from them have the same digest).

use std::fs::{self, File, FileTimes, Permissions};
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::time::{Duration, SystemTime};

use gomodx_fs::{FsError, remove_dir_all_force};
use gomodx_module::ModuleVersion;

use crate::walk::{self, Kind};
use crate::{CacheFile, ExportError, ModCache};

/// The time given to every file of a reproducible cache unless the caller
/// picks one (`SOURCE_DATE_EPOCH`): 1980-01-01T00:00:00Z, the zip epoch.
pub const DEFAULT_EPOCH: u64 = 315_532_800;

/// How a build-only cache keeps the modules that provide packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildLayout {
    /// Extracted trees and `.ziphash`: go builds at once, nothing to unpack.
    Trees,
    /// Zips and `.ziphash`: the smallest layer; go extracts on first build.
    Zips,
}

/// Sizes of a cache before and after [`slim_for_build`] (file lengths).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlimReport {
    /// Bytes of files in the full cache, as `go mod download` leaves it.
    pub full: u64,
    /// Bytes left for the build.
    pub slim: u64,
    /// How many files and trees were removed.
    pub removed: usize,
}

impl SlimReport {
    /// Bytes saved against the full cache.
    pub fn saved(&self) -> u64 {
        self.full.saturating_sub(self.slim)
    }
}

/// Removes from the cache what a build of `modules` does not read: their
/// `.info` and `.lock` files, and either their zips ([`BuildLayout::Trees`])
/// or their extracted trees ([`BuildLayout::Zips`]). `.mod` and `.ziphash`
/// stay. Other modules in the cache are left alone; sizes cover the whole
/// cache.
pub fn slim_for_build(
    cache: &ModCache,
    modules: &[ModuleVersion],
    layout: BuildLayout,
) -> Result<SlimReport, ExportError> {
    let full = walk::files_size(cache.root())?;
    let mut removed = 0;
    for module in modules {
        let mut unread = vec![CacheFile::Info, CacheFile::Lock];
        if layout == BuildLayout::Trees {
            unread.push(CacheFile::Zip);
        }
        for kind in unread {
            let file = cache.file(module, kind)?;
            match fs::remove_file(&file) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(FsError::new("remove", file, e).into()),
            }
        }
        if layout == BuildLayout::Zips {
            let dir = cache.extracted_dir(module)?;
            if dir.exists() {
                remove_dir_all_force(&dir)?;
                removed += 1;
            }
        }
    }
    let slim = walk::files_size(cache.root())?;
    Ok(SlimReport {
        full,
        slim,
        removed,
    })
}

/// Makes the cache at `root` reproducible: removes lock files, gives every
/// file and directory the modification time `epoch` (seconds since 1970),
/// and normalises modes the way go creates them with umask 022 — files
/// under `cache/` 0644, directories outside extracted trees 0755, files in
/// trees 0444, tree directories 0555 (0755 if `writable`). Files that are
/// hard links (to gomodx's store) are replaced by copies first, so that
/// the store itself is never changed. Run it on a cache nothing else is
/// using.
pub fn normalize(root: &Path, epoch: u64, writable: bool) -> Result<(), FsError> {
    remove_locks(root)?;
    let entries = walk::entries(root)?;
    for entry in entries.iter().filter(|e| e.kind == Kind::File) {
        let meta = fs::metadata(&entry.path).map_err(|e| FsError::new("stat", &entry.path, e))?;
        if meta.nlink() > 1 {
            unlink_copy(&entry.path)?;
        }
    }
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(epoch);
    let times = FileTimes::new().set_accessed(time).set_modified(time);
    // Children first: a directory's mode may stop us from touching them.
    for entry in entries.iter().rev() {
        let in_tree = is_in_tree(&entry.relative);
        let mode = match entry.kind {
            Kind::File if in_tree => 0o444,
            Kind::File => 0o644,
            Kind::Dir if in_tree && !writable => 0o555,
            Kind::Dir => 0o755,
            Kind::Other => continue,
        };
        fs::set_permissions(&entry.path, Permissions::from_mode(mode))
            .map_err(|e| FsError::new("chmod", &entry.path, e))?;
        File::open(&entry.path)
            .and_then(|file| file.set_times(times))
            .map_err(|e| FsError::new("set times", &entry.path, e))?;
    }
    // The root's own time too: it changes whenever an entry is added.
    File::open(root)
        .and_then(|file| file.set_times(times))
        .map_err(|e| FsError::new("set times", root, e))?;
    Ok(())
}

/// Whether a cache entry lies in (or is) an extracted module tree: outside
/// `cache/`, at or below a directory whose name holds `@`.
pub(crate) fn is_in_tree(relative: &str) -> bool {
    !(relative == "cache" || relative.starts_with("cache/")) && relative.contains('@')
}

/// Removes go's lock files (`*.lock`, `cache/lock`) below `root`.
fn remove_locks(root: &Path) -> Result<(), FsError> {
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).map_err(|e| FsError::new("read directory", &dir, e))? {
            let entry = entry.map_err(|e| FsError::new("read directory", &dir, e))?;
            let path = entry.path();
            let file_type = entry
                .file_type()
                .map_err(|e| FsError::new("stat", &path, e))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // Extracted trees (`path@version`) are module content; `@v` is not a tree.
            if file_type.is_dir() && (name == "@v" || !name.contains('@')) {
                pending.push(path);
            } else if file_type.is_file()
                && (name.ends_with(".lock") || (name == "lock" && dir == root.join("cache")))
            {
                fs::remove_file(&path).map_err(|e| FsError::new("remove", &path, e))?;
            }
        }
    }
    Ok(())
}

/// Replaces a hard-linked file by a private copy of itself.
fn unlink_copy(path: &Path) -> Result<(), FsError> {
    let mut copy = path.as_os_str().to_owned();
    copy.push(".gomodx-copy.tmp");
    let copy = Path::new(&copy);
    fs::copy(path, copy)
        .and_then(|_| fs::rename(copy, path))
        .map_err(|e| {
            let _ = fs::remove_file(copy);
            FsError::new("copy", path, e)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module() -> ModuleVersion {
        ModuleVersion::new("example.com/m", "v1.0.0")
    }

    fn populate(root: &Path) -> ModCache {
        let cache = ModCache::new(root);
        let m = module();
        for (kind, data) in [
            (CacheFile::Info, &b"{}"[..]),
            (CacheFile::Mod, b"module example.com/m\n"),
            (CacheFile::Zip, b"0123456789"),
            (CacheFile::ZipHash, b"h1:x"),
            (CacheFile::Lock, b""),
        ] {
            let file = cache.file(&m, kind).unwrap();
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(file, data).unwrap();
        }
        let tree = cache.extracted_dir(&m).unwrap();
        fs::create_dir_all(tree.join("sub")).unwrap();
        fs::write(tree.join("sub/a.go"), b"package sub\n").unwrap();
        cache
    }

    #[test]
    fn trees_layout_drops_zip_info_and_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = populate(tmp.path());
        let report = slim_for_build(&cache, &[module()], BuildLayout::Trees).unwrap();
        assert_eq!(report.removed, 3);
        assert_eq!(report.saved(), 12);
        let m = module();
        assert!(!cache.file(&m, CacheFile::Zip).unwrap().exists());
        assert!(cache.file(&m, CacheFile::Mod).unwrap().exists());
        assert!(cache.file(&m, CacheFile::ZipHash).unwrap().exists());
        assert!(cache.extracted_dir(&m).unwrap().join("sub/a.go").exists());
    }

    #[test]
    fn zips_layout_drops_tree_and_info() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = populate(tmp.path());
        let report = slim_for_build(&cache, &[module()], BuildLayout::Zips).unwrap();
        assert_eq!(report.saved(), 2 + 12);
        assert!(cache.file(&module(), CacheFile::Zip).unwrap().exists());
        assert!(!cache.extracted_dir(&module()).unwrap().exists());
    }

    #[test]
    fn normalize_fixes_times_modes_and_links() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = populate(&tmp.path().join("mc"));
        let outside = tmp.path().join("blob");
        fs::write(&outside, b"blob").unwrap();
        fs::set_permissions(&outside, Permissions::from_mode(0o444)).unwrap();
        let linked = cache.root().join("cache/download/linked");
        fs::hard_link(&outside, &linked).unwrap();
        normalize(cache.root(), DEFAULT_EPOCH, false).unwrap();

        assert!(!cache.file(&module(), CacheFile::Lock).unwrap().exists());
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&outside), 0o444, "the store blob is untouched");
        assert_eq!(mode(&linked), 0o644);
        let tree = cache.extracted_dir(&module()).unwrap();
        assert_eq!(mode(&tree), 0o555);
        assert_eq!(mode(&tree.join("sub/a.go")), 0o444);
        for dir in [tree.join("sub"), cache.root().to_path_buf()] {
            let mtime = fs::metadata(&dir).unwrap().modified().unwrap();
            assert_eq!(
                mtime,
                SystemTime::UNIX_EPOCH + Duration::from_secs(DEFAULT_EPOCH),
                "{}",
                dir.display()
            );
        }
        remove_dir_all_force(cache.root()).unwrap();
    }
}
