//! gomodx's temporary files for `.info` and `.mod` in GOMODCACHE, and the
//! sweep of those a killed gomodx left behind.
//!
//! go writes these files through `<name><random>.tmp` and a rename, without
//! any lock, and never removes a temp file a killed go left. gomodx writes
//! them through `<name>.gomodx-<random>.tmp` instead, and holds an `flock`
//! on that temp file from its creation until it is renamed into place. The
//! kernel drops the lock when the process dies, so before its first write
//! into a `@v` directory a gomodx process removes every `*.gomodx-*.tmp`
//! there whose lock it can take: debris of a dead gomodx, never the file of
//! a live one (whose lock is held) and never go's (other names). See the
//! `gomodx-store` crate's `scratch` module for why a lock and not a process
//! id.
//!
//! A sweeper can take the lock of a temp file in the instant between its
//! creation and its writer's `flock`, and remove it; the writer's rename
//! then finds no file and it starts over under a new name.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use gomodx_fs::FsError;

/// What sets gomodx's temp files apart from go's.
const MARK: &str = ".gomodx-";
/// How often a write starts over after its temp file was swept.
const ATTEMPTS: usize = 5;

/// go's `writeDiskCache` (a temp file in the same directory, then a
/// rename) with a locked, gomodx-named temp file. No error path leaves the
/// temp file behind. The caller sweeps the directory first
/// ([`sweep_dead_temps`]).
pub(crate) fn write_via_locked_temp(path: &Path, data: &[u8]) -> Result<(), FsError> {
    let dir = path.parent().expect("cache files have parents");
    let name = path
        .file_name()
        .expect("cache files have names")
        .to_string_lossy();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (temp, file) = create_locked(dir, &name)?;
        if let Err(err) = (&file).write_all(data) {
            let _ = fs::remove_file(&temp);
            return Err(FsError::new("write", temp, err));
        }
        match fs::rename(&temp, path) {
            Ok(()) => return Ok(()),
            // Swept as debris before it was locked: write it again.
            Err(err) if err.kind() == io::ErrorKind::NotFound && attempt < ATTEMPTS => {}
            Err(err) => {
                let _ = fs::remove_file(&temp);
                return Err(FsError::new("rename", path, err));
            }
        }
    }
}

/// Removes the gomodx temp files in `dir` whose writer is dead; returns how
/// many. Best effort: a file that cannot be removed is left for later.
pub(crate) fn sweep_dead_temps(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| is_ours(&entry.file_name().to_string_lossy()))
        .filter(|entry| remove_if_unlocked(&entry.path()))
        .count()
}

/// Whether `name` is one of gomodx's temp file names.
fn is_ours(name: &str) -> bool {
    name.ends_with(".tmp") && name.contains(MARK)
}

/// Removes `path` if nobody holds a lock on it.
fn remove_if_unlocked(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => fs::remove_file(path).is_ok(),
        Err(TryLockError::WouldBlock | TryLockError::Error(_)) => false,
    }
}

/// Creates `<dir>/<name>.gomodx-<random>.tmp` exclusively and locks it.
fn create_locked(dir: &Path, name: &str) -> Result<(PathBuf, File), FsError> {
    loop {
        let candidate = dir.join(format!("{name}{MARK}{}.tmp", random_suffix()));
        let file = match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(FsError::new("create", candidate, err)),
        };
        match file.try_lock() {
            Ok(()) => return Ok((candidate, file)),
            // A sweeper holds it and is removing it: take another name.
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(err)) => {
                let _ = fs::remove_file(&candidate);
                return Err(FsError::new("lock", candidate, err));
            }
        }
    }
}

/// A decimal suffix like go's `rand.Intn(1000000000)`, distinct per process and call.
fn random_suffix() -> u32 {
    u32::try_from(gomodx_fs::unique_number() % 1_000_000_000).expect("below one billion")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writing_sweeps_dead_temps_only() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("v1.0.0.info.gomodx-1.tmp"), "dead").unwrap();
        fs::write(dir.join("v1.0.0.mod.gomodx-2.tmp"), "dead").unwrap();
        let live = dir.join("v1.0.0.mod.gomodx-3.tmp");
        fs::write(&live, "live").unwrap();
        let held = File::open(&live).unwrap();
        held.lock().unwrap();
        fs::write(dir.join("v1.0.0.info123.tmp"), "go's").unwrap();

        assert_eq!(sweep_dead_temps(dir), 2);
        write_via_locked_temp(&dir.join("v1.0.0.info"), b"{}").unwrap();
        assert_eq!(
            names(dir),
            [
                "v1.0.0.info",
                "v1.0.0.info123.tmp",
                "v1.0.0.mod.gomodx-3.tmp"
            ]
        );
        assert_eq!(fs::read(dir.join("v1.0.0.info")).unwrap(), b"{}");
        drop(held);
        assert_eq!(sweep_dead_temps(dir), 1);
    }

    #[test]
    fn a_failed_write_leaves_no_temp() {
        let tmp = tempfile::tempdir().unwrap();
        // Renaming a file over a directory fails.
        fs::create_dir(tmp.path().join("v1.0.0.mod")).unwrap();
        let err = write_via_locked_temp(&tmp.path().join("v1.0.0.mod"), b"module m\n").unwrap_err();
        assert!(err.to_string().contains("rename"), "{err}");
        assert_eq!(names(tmp.path()), ["v1.0.0.mod"]);
    }
}
