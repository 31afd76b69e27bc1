//! Durable writes: temporary file in the target directory, fsync, rename,
//! fsync of the directory. Readers see the old content or the new content,
//! never a partial file.

use std::ffi::OsString;
use std::fs::{File, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use crate::error::{FsError, IoContext};

/// Buffer size for [`AtomicFile`] writes.
const BUFFER_SIZE: usize = 64 * 1024;

/// What a write into place must survive besides a killed process (which
/// temp file + rename always survives: the page cache outlives processes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// A power cut too: the file is fsynced before the rename and the
    /// directory after it.
    Full,
    /// The content is fsynced (`fdatasync`) before the rename, the directory
    /// is not: after a power cut the name may be missing, but a name that
    /// is there has its complete content.
    Data,
    /// No fsync at all: after a power cut the file may be missing, empty or
    /// hold garbage. For content its readers verify, or can do without.
    None,
}

/// Writes `bytes` to `path` atomically, replacing any existing file.
///
/// The data goes to `<name>.tmp<random>` in the same directory first (as Go's
/// `renameio` does), is fsynced, renamed over `path`, and then the directory
/// is fsynced so the rename itself is durable. New files get mode 0666 minus
/// the umask, like files Go writes into the module cache.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    write_atomic_with(path, bytes, Durability::Full)
}

/// [`write_atomic`] with the fsyncs `durability` asks for.
pub fn write_atomic_with(path: &Path, bytes: &[u8], durability: Durability) -> Result<(), FsError> {
    let mut prefix = path.file_name().map_or_else(OsString::new, OsString::from);
    prefix.push(".tmp");
    let mut file = AtomicFile::create(parent_dir(path), &prefix, false)?;
    file.write_all(bytes).at("write", file.temp_path())?;
    file.commit_with(path, durability)
}

/// What [`AtomicFile::persist_noclobber`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persisted {
    /// The file was moved into place.
    Created,
    /// A file already existed at the destination; it was left alone and the
    /// temporary file was removed.
    AlreadyExists,
}

/// A file being written in a temporary location, moved into place only on
/// [`commit`](Self::commit) or [`persist_noclobber`](Self::persist_noclobber).
///
/// Writes are buffered; [`flush`](Write::flush) also releases the buffer,
/// so the many files that wait, written, for their turn to be checked and
/// committed hold no memory. The byte count and, when created with
/// [`hashing_in`](Self::hashing_in), the SHA-256 of everything written are
/// tracked as the data streams through. Dropping an `AtomicFile` without
/// committing it removes the temporary file.
#[derive(Debug)]
pub struct AtomicFile {
    temp: NamedTempFile,
    /// Bytes written but not yet in the file (at most [`BUFFER_SIZE`]).
    pending: Vec<u8>,
    hasher: Option<Sha256>,
    len: u64,
}

/// An `fdatasync` to run; see [`AtomicFile::pending_sync`].
#[derive(Debug)]
pub struct PendingSync {
    file: File,
    path: PathBuf,
}

impl PendingSync {
    /// Waits until the data is on disk.
    pub fn run(self) -> Result<(), FsError> {
        self.file.sync_data().at("fsync", &self.path)
    }
}

impl AtomicFile {
    /// Creates a temporary file in `dir`, which must be on the same
    /// filesystem as the final path (renames do not cross filesystems).
    pub fn new_in(dir: &Path) -> Result<Self, FsError> {
        Self::create(dir, ".tmp-".as_ref(), false)
    }

    /// Like [`new_in`](Self::new_in), and also computes the SHA-256 of the
    /// content as it is written (see [`sha256`](Self::sha256)).
    pub fn hashing_in(dir: &Path) -> Result<Self, FsError> {
        Self::create(dir, ".tmp-".as_ref(), true)
    }

    fn create(dir: &Path, prefix: &std::ffi::OsStr, hashing: bool) -> Result<Self, FsError> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(prefix);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(Permissions::from_mode(0o666));
        }
        let temp = builder
            .tempfile_in(dir)
            .at("create temporary file in", dir)?;
        Ok(Self {
            temp,
            pending: Vec::new(),
            hasher: hashing.then(Sha256::new),
            len: 0,
        })
    }

    /// The path of the temporary file.
    pub fn temp_path(&self) -> &Path {
        self.temp.path()
    }

    /// Number of bytes written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// SHA-256 of everything written so far, or `None` when the file was not
    /// created with [`hashing_in`](Self::hashing_in).
    pub fn sha256(&self) -> Option<[u8; 32]> {
        self.hasher
            .as_ref()
            .map(|hasher| hasher.clone().finalize().into())
    }

    /// Sets the permissions the file will have once in place (e.g. 0444 for
    /// immutable blobs).
    pub fn set_permissions(&self, permissions: Permissions) -> Result<(), FsError> {
        self.temp
            .as_file()
            .set_permissions(permissions)
            .at("chmod", self.temp_path())
    }

    /// Flushes what is buffered and returns the `fdatasync` of everything
    /// written so far, to run on any thread ([`PendingSync::run`]) while
    /// the caller goes on (e.g. reads the file back); commit with
    /// [`Durability::None`] once it succeeded.
    pub fn pending_sync(&mut self) -> Result<PendingSync, FsError> {
        self.write_pending().at("write", self.temp.path())?;
        let path = self.temp.path().to_path_buf();
        let file = self.temp.as_file().try_clone().at("dup", &path)?;
        Ok(PendingSync { file, path })
    }

    /// Flushes the temporary file and fsyncs it as `durability` asks,
    /// returning it.
    fn finish(mut self, durability: Durability) -> Result<NamedTempFile, FsError> {
        self.write_pending().at("write", self.temp.path())?;
        let temp = self.temp;
        let file = temp.as_file();
        match durability {
            Durability::Full => file.sync_all().at("fsync", temp.path())?,
            Durability::Data => file.sync_data().at("fsync", temp.path())?,
            Durability::None => {}
        }
        Ok(temp)
    }

    /// Moves the file to `final_path`, replacing any existing file, and
    /// fsyncs the directory.
    pub fn commit(self, final_path: &Path) -> Result<(), FsError> {
        self.commit_with(final_path, Durability::Full)
    }

    /// [`commit`](Self::commit) with the fsyncs `durability` asks for.
    pub fn commit_with(self, final_path: &Path, durability: Durability) -> Result<(), FsError> {
        let temp = self.finish(durability)?;
        temp.persist(final_path)
            .map_err(|err| FsError::new("rename to", final_path, err.error))?;
        if durability == Durability::Full {
            sync_dir(parent_dir(final_path))?;
        }
        Ok(())
    }

    /// Moves the file to `final_path` unless a file already exists there
    /// (atomically: `renameat2(RENAME_NOREPLACE)` or `link` + `unlink`).
    ///
    /// Meant for content-addressed files, where an existing file already has
    /// the same content: [`Persisted::AlreadyExists`] is success.
    pub fn persist_noclobber(self, final_path: &Path) -> Result<Persisted, FsError> {
        self.persist_noclobber_with(final_path, Durability::Full)
    }

    /// [`persist_noclobber`](Self::persist_noclobber) with the fsyncs
    /// `durability` asks for.
    pub fn persist_noclobber_with(
        self,
        final_path: &Path,
        durability: Durability,
    ) -> Result<Persisted, FsError> {
        let temp = self.finish(durability)?;
        match temp.persist_noclobber(final_path) {
            Ok(_) => {
                if durability == Durability::Full {
                    sync_dir(parent_dir(final_path))?;
                }
                Ok(Persisted::Created)
            }
            // Dropping `err.file` removes the temporary file.
            Err(err) if err.error.kind() == io::ErrorKind::AlreadyExists => {
                Ok(Persisted::AlreadyExists)
            }
            Err(err) => Err(FsError::new("rename to", final_path, err.error)),
        }
    }
}

impl AtomicFile {
    /// Writes the buffered bytes to the file.
    fn write_pending(&mut self) -> io::Result<()> {
        self.temp.write_all(&self.pending)?;
        self.pending.clear();
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.pending.len() + buf.len() > BUFFER_SIZE {
            self.write_pending()?;
        }
        let n = if buf.len() >= BUFFER_SIZE {
            self.temp.write(buf)?
        } else {
            if self.pending.capacity() == 0 {
                self.pending.reserve_exact(BUFFER_SIZE);
            }
            self.pending.extend_from_slice(buf);
            buf.len()
        };
        if let Some(hasher) = &mut self.hasher {
            hasher.update(&buf[..n]);
        }
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_pending()?;
        self.pending = Vec::new();
        self.temp.flush()
    }
}

/// The directory containing `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Makes a completed rename in `dir` durable.
fn sync_dir(dir: &Path) -> Result<(), FsError> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .at("fsync", dir)?;
    #[cfg(not(unix))]
    let _ = dir; // Directories cannot be opened for syncing on this platform.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_durability_writes_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        for (name, durability) in [
            ("full", Durability::Full),
            ("data", Durability::Data),
            ("none", Durability::None),
        ] {
            let path = dir.path().join(name);
            write_atomic_with(&path, name.as_bytes(), durability).unwrap();
            assert_eq!(fs::read(&path).unwrap(), name.as_bytes());
            let mut blob = AtomicFile::hashing_in(dir.path()).unwrap();
            blob.write_all(b"blob").unwrap();
            let target = dir.path().join(format!("{name}.blob"));
            assert_eq!(
                blob.persist_noclobber_with(&target, durability).unwrap(),
                Persisted::Created
            );
            assert_eq!(fs::read(&target).unwrap(), b"blob");
        }
        assert_eq!(entries(dir.path()).len(), 6, "no temporary file is left");
    }

    #[test]
    fn write_atomic_creates_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list");
        write_atomic(&path, b"v1.0.0\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"v1.0.0\n");
        write_atomic(&path, b"v1.0.0\nv1.1.0\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"v1.0.0\nv1.1.0\n");
        assert_eq!(
            entries(dir.path()),
            ["list"],
            "no temporary file left behind"
        );
    }

    #[cfg(unix)]
    #[test]
    fn write_atomic_uses_ordinary_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.info");
        write_atomic(&path, b"{}").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode & 0o644,
            0o644,
            "mode {mode:o} should be 0666 minus umask"
        );
    }

    #[test]
    fn write_atomic_error_names_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("file");
        let err = write_atomic(&path, b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(err.to_string().contains("missing"), "{err}");
    }

    #[test]
    fn atomic_file_hashes_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = AtomicFile::hashing_in(dir.path()).unwrap();
        assert!(file.is_empty());
        file.write_all(b"hello ").unwrap();
        file.write_all(b"world").unwrap();
        assert_eq!(file.len(), 11);
        let digest = file.sha256().unwrap();
        assert_eq!(
            hex::encode(digest),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        let target = dir.path().join("blob");
        file.commit(&target).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"hello world");
        assert_eq!(entries(dir.path()), ["blob"]);
    }

    #[test]
    fn a_pending_sync_flushes_what_was_buffered_and_the_file_stays_readable() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = AtomicFile::new_in(dir.path()).unwrap();
        file.write_all(b"buffered, not yet written").unwrap();
        let sync = file.pending_sync().unwrap();
        let syncing = std::thread::spawn(move || sync.run());
        // Readable through the temporary path while the sync runs.
        assert_eq!(
            fs::read(file.temp_path()).unwrap(),
            b"buffered, not yet written"
        );
        syncing.join().unwrap().unwrap();
        let target = dir.path().join("synced");
        file.commit_with(&target, Durability::None).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"buffered, not yet written");
        assert_eq!(entries(dir.path()), ["synced"]);
    }

    #[test]
    fn atomic_file_keeps_order_across_sizes_and_flush_frees_the_buffer() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = AtomicFile::new_in(dir.path()).unwrap();
        let mut expected = Vec::new();
        for (i, size) in [10, BUFFER_SIZE - 5, 7, 3 * BUFFER_SIZE, 1, 0, BUFFER_SIZE]
            .into_iter()
            .enumerate()
        {
            let chunk = vec![b'a' + i as u8; size];
            file.write_all(&chunk).unwrap();
            expected.extend_from_slice(&chunk);
            if i == 3 {
                file.flush().unwrap();
                assert_eq!(file.pending.capacity(), 0, "flush releases the buffer");
                assert_eq!(fs::read(file.temp_path()).unwrap(), expected);
            }
        }
        let path = dir.path().join("out");
        file.commit(&path).unwrap();
        assert_eq!(fs::read(&path).unwrap(), expected);
    }

    #[test]
    fn atomic_file_without_hashing_reports_none() {
        let dir = tempfile::tempdir().unwrap();
        let file = AtomicFile::new_in(dir.path()).unwrap();
        assert_eq!(file.sha256(), None);
    }

    #[test]
    fn dropped_atomic_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = AtomicFile::new_in(dir.path()).unwrap();
        file.write_all(&[7; 100_000]).unwrap();
        let temp = file.temp_path().to_path_buf();
        assert!(temp.exists());
        drop(file);
        assert!(!temp.exists());
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn persist_noclobber_keeps_the_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("ab");
        let mut first = AtomicFile::new_in(dir.path()).unwrap();
        first.write_all(b"first").unwrap();
        assert_eq!(
            first.persist_noclobber(&target).unwrap(),
            Persisted::Created
        );

        let mut second = AtomicFile::new_in(dir.path()).unwrap();
        second.write_all(b"second").unwrap();
        assert_eq!(
            second.persist_noclobber(&target).unwrap(),
            Persisted::AlreadyExists
        );
        assert_eq!(fs::read(&target).unwrap(), b"first");
        assert_eq!(
            entries(dir.path()),
            ["ab"],
            "the losing temporary file is removed"
        );
    }

    #[cfg(unix)]
    #[test]
    fn set_permissions_applies_before_commit() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("ro");
        let mut file = AtomicFile::new_in(dir.path()).unwrap();
        file.write_all(b"x").unwrap();
        file.set_permissions(Permissions::from_mode(0o444)).unwrap();
        file.commit(&target).unwrap();
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o777,
            0o444
        );
    }
}
