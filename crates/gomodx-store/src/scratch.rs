//! Per-process staging in `tmp/`, and the sweep that removes what killed
//! processes staged there.
//!
//! Each open store stages its temporary files (blobs being written, refs
//! and answers about to be renamed into place, extracted trees) in its own
//! `tmp/p-<16 hex>/`, created on first use, next to `tmp/p-<16 hex>.lock`,
//! on which it holds an exclusive `flock` for as long as the store is open.
//! The kernel drops that lock when the process dies, however it dies, so
//! [`sweep`] (run by every [`Store::open`](crate::Store::open)) can tell
//! the staging of a dead process from a live one by trying the lock: taken,
//! the owner is gone and its directory is removed; refused, it is left alone.
//!
//! Why a lock rather than a process id in the name: a pid says nothing
//! once it is reused (a dead process's staging would look alive, and
//! stay), and a store shared by containers or hosts (a volume, a network
//! filesystem) sees pids of other pid namespaces, where a live writer would
//! look dead and lose its files. The lock has neither problem and needs no
//! `/proc`. Go's module cache relies on the same `flock` semantics.
//!
//! The lock file exists before its directory and is removed after it, so a
//! `p-<id>/` without a `p-<id>.lock` is always debris. A lock file that a
//! sweeper removes between its creation and its owner's `flock` is noticed
//! by the owner (the path no longer names the file it locked), which then
//! starts over under a new name.

use std::fs;
use std::path::{Path, PathBuf};

use gomodx_fs::{FileLock, remove_dir_all_force};

use crate::disk::{IoContext, create_dir_all, if_exists};
use crate::error::StoreError;

/// Name prefix of a process's staging directory and lock file.
const PREFIX: &str = "p-";
/// Suffix of the lock file next to a staging directory.
const LOCK_SUFFIX: &str = ".lock";

/// One open store's staging directory, removed (with its lock file) when
/// the store is dropped.
#[derive(Debug)]
pub(crate) struct Scratch {
    dir: PathBuf,
    /// Held while the store is open; never read.
    lock: FileLock,
}

impl Scratch {
    /// Creates a new staging directory in `tmp` and takes its lock.
    pub(crate) fn create(tmp: &Path) -> Result<Self, StoreError> {
        loop {
            let id = random_id();
            let lock_path = tmp.join(format!("{PREFIX}{id}{LOCK_SUFFIX}"));
            let lock = FileLock::exclusive(&lock_path)?;
            if !still_named(&lock)? {
                // A sweeper took it for debris before it was locked.
                continue;
            }
            let dir = tmp.join(format!("{PREFIX}{id}"));
            create_dir_all(&dir)?;
            return Ok(Self { dir, lock });
        }
    }

    /// The staging directory.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether `name`, an entry of `tmp/`, is this staging's directory or lock.
    pub(crate) fn owns(&self, name: &str) -> bool {
        let dir = self.dir.file_name().and_then(|n| n.to_str());
        dir.is_some_and(|dir| name == dir || name.strip_suffix(LOCK_SUFFIX) == Some(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Best effort: whatever is left is swept by the next open.
        if remove_dir_all_force(&self.dir).is_ok() {
            let _ = fs::remove_file(self.lock.path());
        }
    }
}

/// Removes the staging of every process that no longer holds its lock;
/// returns how many were removed. Staging of live processes, and entries
/// that are not staging (left by older versions, removed by `gc`), are
/// left alone.
pub(crate) fn sweep(tmp: &Path) -> Result<usize, StoreError> {
    let Some(entries) = if_exists(fs::read_dir(tmp)).at("read directory", tmp)? else {
        return Ok(0);
    };
    let mut ids: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let id = name.strip_prefix(PREFIX)?;
            Some(id.strip_suffix(LOCK_SUFFIX).unwrap_or(id).to_owned())
        })
        .collect();
    ids.sort();
    ids.dedup();
    let mut removed = 0;
    for id in ids {
        let lock_path = tmp.join(format!("{PREFIX}{id}{LOCK_SUFFIX}"));
        // Creates the lock file if it is gone: its directory is debris then.
        let Some(lock) = FileLock::try_exclusive(&lock_path)? else {
            continue;
        };
        remove_dir_all_force(&tmp.join(format!("{PREFIX}{id}")))?;
        if if_exists(fs::remove_file(&lock_path))
            .at("remove", &lock_path)?
            .is_some()
        {
            removed += 1;
        }
        drop(lock);
    }
    Ok(removed)
}

/// Whether the lock's path still names the file that was locked.
fn still_named(lock: &FileLock) -> Result<bool, StoreError> {
    let path = lock.path();
    let Some(current) = if_exists(fs::metadata(path)).at("stat", path)? else {
        return Ok(false);
    };
    let locked = lock.file().metadata().at("stat", path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok(current.dev() == locked.dev() && current.ino() == locked.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = (current, locked);
        Ok(true)
    }
}

/// 16 hex digits, distinct per process and call.
fn random_id() -> String {
    format!("{:016x}", gomodx_fs::unique_number())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_removes_dead_staging_and_keeps_live_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let live = Scratch::create(tmp.path()).unwrap();
        fs::write(live.dir().join("blob"), "in flight").unwrap();
        // A killed process: its lock file and directory, no lock held.
        fs::create_dir(tmp.path().join("p-dead")).unwrap();
        fs::write(tmp.path().join("p-dead/blob"), "partial").unwrap();
        fs::write(tmp.path().join("p-dead.lock"), "").unwrap();
        // Killed while its directory was being removed.
        fs::create_dir(tmp.path().join("p-orphan")).unwrap();
        // Left by an older gomodx: not ours to judge.
        fs::write(tmp.path().join(".tmp123"), "").unwrap();

        assert_eq!(sweep(tmp.path()).unwrap(), 2);
        let mut left: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        let id = live.dir().file_name().unwrap().to_str().unwrap().to_owned();
        assert_eq!(
            left,
            [".tmp123".to_owned(), id.clone(), format!("{id}.lock")]
        );
        assert!(live.dir().join("blob").exists());
        assert!(live.owns(&id) && live.owns(&format!("{id}.lock")) && !live.owns("p-dead"));

        drop(live);
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "own staging removed"
        );
    }

    #[test]
    fn a_lock_file_swept_before_it_was_locked_is_not_used() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("p-x.lock");
        let lock = FileLock::exclusive(&path).unwrap();
        assert!(still_named(&lock).unwrap());
        fs::remove_file(&path).unwrap();
        assert!(!still_named(&lock).unwrap());
    }
}
