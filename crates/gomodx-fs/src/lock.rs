//! Advisory whole-file locks.
//!
//! std's `File::lock` family is `flock(2)` on Linux and the BSDs, which is what
//! Go's `cmd/go/internal/lockedfile` uses, so a [`FileLock`] on a module-cache
//! `.lock` file excludes a concurrently running `go` command and vice versa.
//! Locks belong to the open file: two [`FileLock`]s on the same path exclude
//! each other even within one process.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{FsError, IoContext};

/// A held lock on a file; released when dropped (the file is closed).
#[derive(Debug)]
pub struct FileLock {
    file: File,
    path: PathBuf,
}

impl FileLock {
    /// Blocks until an exclusive lock on `path` is held, creating the file
    /// (mode 0666 minus umask) if it is missing.
    pub fn exclusive(path: &Path) -> Result<Self, FsError> {
        let file = open_lock_file(path, true)?;
        file.lock().at("lock", path)?;
        Ok(Self {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Blocks until a shared lock on `path` is held, creating the file if it
    /// is missing (a read-only existing file is opened read-only).
    pub fn shared(path: &Path) -> Result<Self, FsError> {
        let file = open_lock_file(path, false)?;
        file.lock_shared().at("lock", path)?;
        Ok(Self {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Takes an exclusive lock if nobody holds a lock; `Ok(None)` if someone does.
    pub fn try_exclusive(path: &Path) -> Result<Option<Self>, FsError> {
        let file = open_lock_file(path, true)?;
        Self::held(file.try_lock(), file, path)
    }

    /// Takes a shared lock unless someone holds an exclusive lock; `Ok(None)` if so.
    pub fn try_shared(path: &Path) -> Result<Option<Self>, FsError> {
        let file = open_lock_file(path, false)?;
        Self::held(file.try_lock_shared(), file, path)
    }

    fn held(
        attempt: Result<(), TryLockError>,
        file: File,
        path: &Path,
    ) -> Result<Option<Self>, FsError> {
        match attempt {
            Ok(()) => Ok(Some(Self {
                file,
                path: path.to_path_buf(),
            })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(err)) => Err(FsError::new("lock", path, err)),
        }
    }

    /// The locked path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The open lock file (for Go-style files whose content is guarded by
    /// their own lock).
    pub fn file(&self) -> &File {
        &self.file
    }
}

/// Opens (creating if needed) a file to lock. Exclusive locks need a writable
/// open only on some platforms, but Go opens `O_RDWR|O_CREATE` for both.
fn open_lock_file(path: &Path, exclusive: bool) -> Result<File, FsError> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o666);
    }
    match options.open(path) {
        Err(err)
            if !exclusive
                && matches!(
                    err.kind(),
                    io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
                ) =>
        {
            File::open(path).at("open", path)
        }
        result => result.at("open", path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn creates_the_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.0.0.lock");
        let lock = FileLock::exclusive(&path).unwrap();
        assert!(path.is_file());
        assert_eq!(lock.path(), path);
    }

    #[test]
    fn exclusive_excludes_everyone_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let held = FileLock::exclusive(&path).unwrap();
        assert!(FileLock::try_exclusive(&path).unwrap().is_none());
        assert!(FileLock::try_shared(&path).unwrap().is_none());
        drop(held);
        assert!(FileLock::try_exclusive(&path).unwrap().is_some());
    }

    #[test]
    fn shared_locks_coexist_but_exclude_writers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let first = FileLock::shared(&path).unwrap();
        let second = FileLock::try_shared(&path).unwrap();
        assert!(second.is_some());
        assert!(FileLock::try_exclusive(&path).unwrap().is_none());
        drop((first, second));
        assert!(FileLock::try_exclusive(&path).unwrap().is_some());
    }

    #[test]
    fn blocking_lock_waits_for_release() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let held = FileLock::exclusive(&path).unwrap();
        let (tx, rx) = mpsc::channel();
        let waiter_path = path.clone();
        let waiter = std::thread::spawn(move || {
            let lock = FileLock::exclusive(&waiter_path).unwrap();
            tx.send(()).unwrap();
            drop(lock);
        });
        assert!(
            rx.recv_timeout(Duration::from_millis(200)).is_err(),
            "lock was not exclusive"
        );
        drop(held);
        rx.recv_timeout(Duration::from_secs(10))
            .expect("waiter never got the lock");
        waiter.join().unwrap();
    }

    #[test]
    fn error_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no").join("such").join("lock");
        let err = FileLock::exclusive(&path).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert_eq!(err.path, path);
        assert!(err.to_string().starts_with("open "), "{err}");
    }
}
