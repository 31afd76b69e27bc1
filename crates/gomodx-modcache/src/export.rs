//! Writing into GOMODCACHE exactly as the go command does, so that gomodx
//! and go can share one cache, even at the same time.
//!
//! The protocol (`cmd/go/internal/modfetch/fetch.go`, `cache.go`):
//! - `.info` and `.mod` are written to `<name><random>.tmp` and renamed over
//!   the final name; after a `.mod` lands, `list` is regenerated from the
//!   `*.mod` names under an exclusive lock on `list` itself.
//! - The zip is published under the per-version `.lock`: the zip goes to
//!   `<v>.zip<random>.tmp`, its hash is written to `.ziphash` (under a lock
//!   on that file), then the temp zip is renamed to `<v>.zip`.
//! - Extraction, under the same `.lock`: an empty `<v>.partial` marker is
//!   created, the tree is extracted in place, the marker is removed, and the
//!   directories are made read-only (unless `-modcacherw`). A tree with a
//!   marker left by a killed process is removed and redone.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use gomodx_fs::{FileLock, FsError, make_tree_read_only, remove_dir_all_force};
use gomodx_module::{ModuleError, ModuleVersion, canonical_version, semver};
use gomodx_modzip::{ZipError, unzip};

use crate::{CacheFile, ModCache};

/// An error writing into GOMODCACHE.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The module path or version cannot be stored in the cache.
    #[error(transparent)]
    Module(#[from] ModuleError),
    /// A filesystem operation failed.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// The zip could not be extracted (worded as go's `unzip <zip>: …`).
    #[error("unzip {}: {cause}", zip.display())]
    Extract {
        /// The zip being extracted (its name says which module version).
        zip: PathBuf,
        /// What went wrong.
        cause: ZipError,
    },
}

impl ModCache {
    /// Writes `V.info` (temp file + rename, as go does).
    pub fn write_info(&self, module: &ModuleVersion, json: &[u8]) -> Result<(), ExportError> {
        self.write_via_temp(&self.file(module, CacheFile::Info)?, json)
    }

    /// Writes `V.mod` and regenerates the module's `list`.
    pub fn write_go_mod(&self, module: &ModuleVersion, go_mod: &[u8]) -> Result<(), ExportError> {
        let path = self.file(module, CacheFile::Mod)?;
        self.write_via_temp(&path, go_mod)?;
        rewrite_version_list(path.parent().expect("a cache file always has a parent"))
    }

    /// go's `writeDiskCache`: temp file in the same directory, then rename
    /// (with a locked temp file that a later run can tell from a live one).
    fn write_via_temp(&self, path: &Path, data: &[u8]) -> Result<(), ExportError> {
        create_parent(path)?;
        self.sweep_once(path.parent().expect("cache files have parents"));
        Ok(crate::temps::write_via_locked_temp(path, data)?)
    }

    /// Whether the published zip looks intact by what is cheap to check:
    /// `.ziphash` holds `h1` (what go checks against go.sum) and the zip
    /// has `size` bytes. Contents are not hashed.
    pub fn zip_looks_intact(&self, module: &ModuleVersion, h1: &str, size: u64) -> bool {
        let (Ok(zip), Ok(ziphash)) = (
            self.file(module, CacheFile::Zip),
            self.file(module, CacheFile::ZipHash),
        ) else {
            return false;
        };
        fs::metadata(&zip).is_ok_and(|meta| meta.is_file() && meta.len() == size)
            && fs::read_to_string(&ziphash).is_ok_and(|text| text.trim() == h1)
    }

    /// Publishes `V.zip` and `V.ziphash`, linking `zip` (hard link where the
    /// filesystem allows, else a copy) rather than rewriting it. Nothing is
    /// done when the published zip is `zip` itself (the same file) and
    /// `.ziphash` holds `h1`; anything else there (a damaged zip or hash,
    /// or another copy) is replaced. `h1` must be the verified hash of `zip`.
    pub fn install_zip(
        &self,
        module: &ModuleVersion,
        zip: &Path,
        h1: &str,
    ) -> Result<PathBuf, ExportError> {
        let _lock = self.lock_version(module)?;
        let final_zip = self.file(module, CacheFile::Zip)?;
        let ziphash = self.file(module, CacheFile::ZipHash)?;
        let linked = same_file(&final_zip, zip);
        if linked && fs::read_to_string(&ziphash).is_ok_and(|t| t.trim() == h1) {
            return Ok(final_zip);
        }
        // Linked already: only the hash is rewritten (a rename between two
        // links of one file does nothing, and would leave the temp link).
        let temp = if linked {
            None
        } else {
            let dir = final_zip
                .parent()
                .expect("a cache file always has a parent");
            remove_stale_temps(dir, &file_name(&final_zip))?;
            Some(link_or_copy_to_temp(zip, dir, &file_name(&final_zip))?)
        };
        let published = write_zip_hash(&ziphash, h1)
            .inspect_err(|_| {
                // A torn hash must not outlive the failure.
                let _ = fs::remove_file(&ziphash);
            })
            .and_then(|()| match &temp {
                Some(temp) => {
                    fs::rename(temp, &final_zip).map_err(|e| FsError::new("rename", temp, e).into())
                }
                None => Ok(()),
            });
        if published.is_err()
            && let Some(temp) = &temp
        {
            let _ = fs::remove_file(temp);
        }
        published.map(|()| final_zip)
    }

    /// `--refresh` for an extracted tree: under the version lock, hashes a
    /// complete tree and removes it when it does not match `.ziphash` (so
    /// that [`extract`](Self::extract) redoes it). Returns the removed tree.
    pub fn remove_modified_tree(
        &self,
        module: &ModuleVersion,
    ) -> Result<Option<PathBuf>, ExportError> {
        let _lock = self.lock_version(module)?;
        let Some(dir) = self
            .complete_dir(module)
            .map_err(|e| fs_error("stat", self.root(), e))?
        else {
            return Ok(None);
        };
        let ziphash = self.file(module, CacheFile::ZipHash)?;
        let expected = fs::read_to_string(&ziphash).map_err(|e| fs_error("read", &ziphash, e))?;
        let prefix = format!("{}@{}", module.path, module.version);
        let intact = gomodx_modzip::h1::hash_dir(&dir, &prefix)
            .is_ok_and(|actual| actual == expected.trim());
        if intact {
            return Ok(None);
        }
        remove_dir_all_force(&dir)?;
        Ok(Some(dir))
    }

    /// Extracts the module's cached zip into `<path>@<version>/` with go's
    /// `.partial` protocol, unless a complete tree is already there. Returns
    /// the directory. Directories are made read-only unless `writable`.
    pub fn extract(&self, module: &ModuleVersion, writable: bool) -> Result<PathBuf, ExportError> {
        let (dir, _lock) = match self.claim_tree(module)? {
            Tree::Complete(dir) => return Ok(dir),
            Tree::Empty { dir, lock } => (dir, lock),
        };
        let partial = self.file(module, CacheFile::Partial)?;
        fs::write(&partial, b"").map_err(|e| FsError::new("create", &partial, e))?;
        let zip = self.file(module, CacheFile::Zip)?;
        if let Err(cause) = unzip(&zip, module, &dir) {
            if remove_dir_all_force(&dir).is_ok() {
                let _ = fs::remove_file(&partial);
            }
            return Err(ExportError::Extract { zip, cause });
        }
        fs::remove_file(&partial).map_err(|e| FsError::new("remove", &partial, e))?;
        if !writable {
            make_tree_read_only(&dir)?;
        }
        Ok(dir)
    }

    /// Publishes `staged`, a tree extracted from the module's zip ahead of
    /// time (by [`gomodx_modzip::unzip_hashed`], while the zip was hashed)
    /// and checked since, as the module's extracted directory: under the
    /// version lock, by one rename (so no `.partial` state is ever seen),
    /// unless a complete tree is there already. The zip and `.ziphash` must
    /// be published first. When the rename is impossible (`staged` on
    /// another filesystem, or gone), the zip is extracted as
    /// [`extract`](Self::extract) does. Returns the directory.
    pub fn publish_tree(
        &self,
        module: &ModuleVersion,
        staged: &Path,
        writable: bool,
    ) -> Result<PathBuf, ExportError> {
        let (dir, lock) = match self.claim_tree(module)? {
            Tree::Complete(dir) => return Ok(dir),
            Tree::Empty { dir, lock } => (dir, lock),
        };
        create_parent(&dir)?;
        if fs::rename(staged, &dir).is_err() {
            drop(lock);
            return self.extract(module, writable);
        }
        let partial = self.file(module, CacheFile::Partial)?;
        if let Err(err) = fs::remove_file(&partial)
            && err.kind() != io::ErrorKind::NotFound
        {
            return Err(FsError::new("remove", &partial, err).into());
        }
        if !writable {
            make_tree_read_only(&dir)?;
        }
        Ok(dir)
    }

    /// Under go's per-version lock: the module's complete extracted tree,
    /// or its directory cleared of stale and partial trees, to be filled
    /// while the returned lock is held.
    fn claim_tree(&self, module: &ModuleVersion) -> Result<Tree, ExportError> {
        let lock = self.lock_version(module)?;
        if let Some(dir) = self
            .complete_dir(module)
            .map_err(|e| fs_error("stat", self.root(), e))?
        {
            return Ok(Tree::Complete(dir));
        }
        let dir = self.extracted_dir(module)?;
        remove_old_temp_dirs(&dir)?;
        remove_dir_all_force(&dir)?;
        Ok(Tree::Empty { dir, lock })
    }

    /// Takes go's per-version download lock (`V.lock`, flock).
    fn lock_version(&self, module: &ModuleVersion) -> Result<FileLock, ExportError> {
        let lock = self.file(module, CacheFile::Lock)?;
        create_parent(&lock)?;
        Ok(FileLock::exclusive(&lock)?)
    }
}

/// What [`ModCache::claim_tree`] found.
enum Tree {
    /// A complete extracted tree: nothing to do.
    Complete(PathBuf),
    /// No tree (any partial one removed): fill `dir` while `lock` is held.
    Empty {
        /// The extracted directory.
        dir: PathBuf,
        /// go's per-version lock.
        lock: FileLock,
    },
}

/// Whether two paths name the same file (device and inode).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

fn fs_error(op: &'static str, path: &Path, err: io::Error) -> FsError {
    FsError::new(op, path, err)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .expect("cache files have names")
        .to_string_lossy()
        .into_owned()
}

fn create_parent(path: &Path) -> Result<(), FsError> {
    let parent = path.parent().expect("cache files have parents");
    fs::create_dir_all(parent).map_err(|e| FsError::new("create directory", parent, e))
}

/// How a temp file's content failed: the operation and its error.
type TempFailure = (&'static str, io::Error);

/// Creates `<dir>/<prefix><random>.tmp` exclusively, as go's `tempFile`
/// does, filled by `create`. When `create` fails the file is removed, so
/// no error path (a full disk, say) leaves a temp file behind.
fn create_temp(
    dir: &Path,
    prefix: &str,
    mut create: impl FnMut(&Path) -> Result<(), TempFailure>,
) -> Result<PathBuf, FsError> {
    loop {
        let candidate = dir.join(format!("{prefix}{}.tmp", random_suffix()));
        match create(&candidate) {
            Ok(()) => return Ok(candidate),
            Err((_, err)) if err.kind() == io::ErrorKind::AlreadyExists => {}
            Err((op, err)) => {
                // Ours, if it exists: names are created exclusively.
                let _ = fs::remove_file(&candidate);
                return Err(FsError::new(op, candidate, err));
            }
        }
    }
}

/// A decimal suffix like go's `rand.Intn(1000000000)`, unique enough per process and call.
fn random_suffix() -> u32 {
    use std::hash::{BuildHasher, RandomState};
    let value = RandomState::new().hash_one((std::process::id(), std::time::SystemTime::now()));
    u32::try_from(value % 1_000_000_000).expect("below one billion")
}

/// go's `rewriteVersionList`: `list` holds the canonical versions that have a
/// `.mod`, semver-sorted, written in place under an exclusive lock on itself.
fn rewrite_version_list(dir: &Path) -> Result<(), ExportError> {
    let list_path = dir.join("list");
    let lock = FileLock::exclusive(&list_path)?;
    let mut versions: Vec<String> = fs::read_dir(dir)
        .map_err(|e| FsError::new("read directory", dir, e))?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version = name.strip_suffix(".mod")?.to_owned();
            (!version.is_empty() && canonical_version(&version) == version).then_some(version)
        })
        .collect();
    semver::sort(&mut versions);
    let content: String = versions.iter().map(|v| format!("{v}\n")).collect();
    let current = fs::read(&list_path).map_err(|e| FsError::new("read", &list_path, e))?;
    if current == content.as_bytes() {
        return Ok(());
    }
    rewrite_locked(&lock, content.as_bytes())
}

/// Replaces the content of a file we hold a lock on, in place, like go's
/// `lockedfile` writers: truncate, zero-fill to the final size (so a torn
/// write shows NUL bytes, which readers treat as corrupt), then write.
fn rewrite_locked(lock: &FileLock, content: &[u8]) -> Result<(), ExportError> {
    let mut file = lock.file();
    file.set_len(0)
        .and_then(|()| file.set_len(content.len() as u64))
        .and_then(|()| file.write_all(content))
        .map_err(|e| FsError::new("write", lock.path(), e).into())
}

/// Writes `.ziphash` under a lock on the file itself, as go's `lockedfile.Create`.
fn write_zip_hash(path: &Path, h1: &str) -> Result<(), ExportError> {
    rewrite_locked(&FileLock::exclusive(path)?, h1.as_bytes())
}

/// Removes `<zip name>*.tmp` files left by killed downloads (safe under the version lock).
fn remove_stale_temps(dir: &Path, prefix: &str) -> Result<(), FsError> {
    for entry in fs::read_dir(dir)
        .map_err(|e| FsError::new("read directory", dir, e))?
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(prefix) && name.ends_with(".tmp") && name != prefix {
            let _ = fs::remove_file(entry.path());
        }
    }
    Ok(())
}

/// Removes `<dir>.tmp-*` trees left by go before 1.16.
fn remove_old_temp_dirs(dir: &Path) -> Result<(), FsError> {
    let parent = dir.parent().expect("extracted trees have parents");
    let prefix = format!("{}.tmp-", file_name(dir));
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            remove_dir_all_force(&entry.path())?;
        }
    }
    Ok(())
}

/// Hard-links `source` to a fresh temp name in `dir`, or copies it where
/// links are impossible (another filesystem, or links refused).
fn link_or_copy_to_temp(source: &Path, dir: &Path, prefix: &str) -> Result<PathBuf, FsError> {
    create_temp(dir, prefix, |candidate| {
        fs::hard_link(source, candidate).or_else(|err| {
            if err.kind() == io::ErrorKind::AlreadyExists {
                return Err(("link", err));
            }
            copy_new(source, candidate)
        })
    })
}

/// Copies `source` to a new file `target` (0666 minus umask, like go's zips).
fn copy_new(source: &Path, target: &Path) -> Result<(), TempFailure> {
    let mut output = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)
        .map_err(|e| ("create", e))?;
    let mut input = fs::File::open(source).map_err(|e| ("open", e))?;
    io::copy(&mut input, &mut output).map_err(|e| ("write", e))?;
    output.sync_all().map_err(|e| ("sync", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip linked already whose `.ziphash` was spoiled gets its hash
    /// back, and no temp link is left beside it.
    #[test]
    fn install_zip_over_its_own_link_rewrites_only_the_hash() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = ModCache::new(tmp.path().join("modcache"));
        let module = ModuleVersion::new("example.com/m", "v1.0.0");
        let blob = tmp.path().join("blob");
        fs::write(&blob, "zip bytes").unwrap();
        let zip = cache.install_zip(&module, &blob, "h1:good=").unwrap();
        let ziphash = cache.file(&module, CacheFile::ZipHash).unwrap();
        fs::write(&ziphash, "h1:spoiled=").unwrap();

        assert_eq!(cache.install_zip(&module, &blob, "h1:good=").unwrap(), zip);
        assert_eq!(fs::read_to_string(&ziphash).unwrap().trim(), "h1:good=");
        assert!(same_file(&zip, &blob));
        let mut names: Vec<String> = fs::read_dir(zip.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| !name.ends_with(".lock"))
            .collect();
        names.sort();
        assert_eq!(names, ["v1.0.0.zip", "v1.0.0.ziphash"]);
    }
}
