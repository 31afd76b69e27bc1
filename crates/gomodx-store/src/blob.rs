//! Immutable blobs named by the SHA-256 of their content: streaming ingest,
//! reads with corruption detection, quarantine.

use std::fs::{self, File, Permissions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use gomodx_fs::{AtomicFile, Durability};
use sha2::{Digest, Sha256};

use crate::disk::{IoContext, create_dir_all, if_exists};
use crate::error::StoreError;
use crate::store::{BLOBS, QUARANTINE, Store, parent};

/// A blob in the store.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Blob {
    /// The SHA-256 of the content, 64 lower-case hex digits (the blob's name).
    pub sha256: String,
    /// The content's length in bytes.
    pub size: u64,
}

/// Streams bytes into a temporary file in `tmp/`, hashing as it goes;
/// [`commit`](Self::commit) moves it into `blobs-v1/`.
///
/// Writes are buffered: call [`flush`](Write::flush) before reading the
/// temporary file through [`path`](Self::path). Dropping the writer without
/// committing removes the temporary file. The writer keeps the store open
/// (and its shared lock held) until it is committed or dropped.
#[derive(Debug)]
pub struct BlobWriter {
    store: Store,
    file: AtomicFile,
}

impl BlobWriter {
    /// Starts a blob in `store`'s `tmp/`.
    pub(crate) fn new(store: Store) -> Result<Self, StoreError> {
        let file = AtomicFile::hashing_in(store.scratch_dir()?)?;
        Ok(Self { store, file })
    }

    /// The temporary file, e.g. to check a module zip and compute its `h1:`
    /// before committing. Flush first; the path changes on [`reset`](Self::reset).
    pub fn path(&self) -> &Path {
        self.file.temp_path()
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.file.len()
    }

    /// Whether nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.file.is_empty()
    }

    /// Discards everything written so far (for a retried download): the
    /// temporary file is replaced by a new, empty one.
    pub fn reset(&mut self) -> Result<(), StoreError> {
        // Assigning drops the old file, which removes it.
        self.file = AtomicFile::hashing_in(self.store.scratch_dir()?)?;
        Ok(())
    }

    /// Fsyncs the content (`fdatasync`, not the directory: see the crate's
    /// durability notes), makes it read-only (0444) and renames it to
    /// `blobs-v1/sha256/<2 hex>/<64 hex>`.
    ///
    /// If the blob already exists, the temporary file is dropped and the
    /// existing blob is kept, so concurrent commits of the same bytes all
    /// succeed with one blob. An existing blob of the wrong size is corrupt;
    /// it is quarantined and replaced.
    pub fn commit(self) -> Result<Blob, StoreError> {
        self.commit_with(Durability::Data)
    }

    /// The `fdatasync` that [`commit`](Self::commit) would wait for, to run
    /// on another thread ([`BlobSync::run`]) while the caller reads the
    /// file back (checks, hashes, extracts it); then
    /// [`commit_synced`](Self::commit_synced). Nothing more may be written.
    pub fn pending_sync(&mut self) -> Result<BlobSync, StoreError> {
        Ok(BlobSync(self.file.pending_sync()?))
    }

    /// [`commit`](Self::commit) once the blob's [`BlobSync`] ran.
    pub fn commit_synced(self, _synced: BlobSynced) -> Result<Blob, StoreError> {
        self.commit_with(Durability::None)
    }

    /// [`commit`](Self::commit) with the fsyncs `durability` asks for.
    fn commit_with(self, durability: Durability) -> Result<Blob, StoreError> {
        let digest = self
            .file
            .sha256()
            .expect("BlobWriter always creates a hashing AtomicFile");
        let blob = Blob {
            sha256: hex::encode(digest),
            size: self.file.len(),
        };
        let path = self.store.blob_file(&blob.sha256);
        create_dir_all(parent(&path))?;
        if let Some(existing) = if_exists(File::open(&path)).at("open", &path)? {
            let len = existing.metadata().at("stat", &path)?.len();
            if len != blob.size {
                self.store.quarantine(&blob.sha256, &existing)?;
            }
        }
        self.file
            .set_permissions(read_only(self.file.temp_path())?)?;
        self.file.persist_noclobber_with(&path, durability)?;
        Ok(blob)
    }
}

/// The `fdatasync` of a blob being written; see [`BlobWriter::pending_sync`].
#[derive(Debug)]
pub struct BlobSync(gomodx_fs::PendingSync);

impl BlobSync {
    /// Waits until the blob's bytes are on disk.
    pub fn run(self) -> Result<BlobSynced, StoreError> {
        self.0.run()?;
        Ok(BlobSynced(()))
    }
}

/// Proof that a [`BlobSync`] ran, for [`BlobWriter::commit_synced`].
#[derive(Debug)]
pub struct BlobSynced(());

impl Write for BlobWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Store {
    /// Starts writing a blob; see [`BlobWriter`].
    pub fn blob_writer(&self) -> Result<BlobWriter, StoreError> {
        BlobWriter::new(self.clone())
    }

    /// A new empty directory in the store's staging, removed with what it
    /// holds when the guard is dropped: for trees staged on the store's
    /// filesystem and renamed elsewhere once checked. A killed process's
    /// ones are removed by the next open.
    pub fn temp_dir(&self) -> Result<tempfile::TempDir, StoreError> {
        let dir = self.scratch_dir()?;
        Ok(tempfile::Builder::new()
            .prefix(".tree-")
            .tempdir_in(dir)
            .at("create temporary directory in", dir)?)
    }

    /// Stores `bytes` as a blob (for small content such as `.mod` and
    /// `.info`). Not fsynced: small blobs are read with
    /// [`read_blob`](Self::read_blob), which verifies them.
    pub fn put_bytes(&self, bytes: &[u8]) -> Result<Blob, StoreError> {
        let mut writer = self.blob_writer()?;
        writer.write_all(bytes).at("write", writer.path())?;
        writer.commit_with(Durability::None)
    }

    /// Where the blob named `sha256` lives (whether or not it exists). The
    /// file is read-only and must never be modified, also through a hard link.
    pub fn blob_path(&self, sha256: &str) -> Result<PathBuf, StoreError> {
        check_digest(sha256)?;
        Ok(self.blob_file(sha256))
    }

    /// Reads a whole blob, verifying its hash (meant for small blobs).
    ///
    /// On a mismatch the blob is quarantined and [`StoreError::Corrupt`]
    /// names the expected and actual hashes, so the caller can fetch again.
    pub fn read_blob(&self, sha256: &str) -> Result<Vec<u8>, StoreError> {
        let (path, mut file) = self.open_existing(sha256)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).at("read", &path)?;
        let actual = hex::encode(Sha256::digest(&bytes));
        if actual != sha256 {
            let quarantined = self.quarantine(sha256, &file)?;
            return Err(StoreError::Corrupt {
                expected: sha256.to_owned(),
                actual,
                quarantined,
            });
        }
        Ok(bytes)
    }

    /// Opens a blob for reading without verifying it (for large zips, which
    /// are checked by their `h1:`; see [`verify_blob`](Self::verify_blob)).
    pub fn open_blob(&self, sha256: &str) -> Result<File, StoreError> {
        Ok(self.open_existing(sha256)?.1)
    }

    /// Re-hashes a blob: `Ok(true)` if it matches its name. A blob that does
    /// not match is quarantined (so refs to it count as absent from then on)
    /// and `Ok(false)` is returned.
    pub fn verify_blob(&self, sha256: &str) -> Result<bool, StoreError> {
        let (path, mut file) = self.open_existing(sha256)?;
        if hash_reader(&mut file).at("read", &path)? == sha256 {
            return Ok(true);
        }
        self.quarantine(sha256, &file)?;
        Ok(false)
    }

    /// `blobs-v1/sha256/<2 hex>/<64 hex>` for a digest already checked.
    pub(crate) fn blob_file(&self, sha256: &str) -> PathBuf {
        self.bucket(BLOBS).join(&sha256[..2]).join(sha256)
    }

    /// Opens an existing blob; [`StoreError::MissingBlob`] if there is none.
    fn open_existing(&self, sha256: &str) -> Result<(PathBuf, File), StoreError> {
        let path = self.blob_path(sha256)?;
        match if_exists(File::open(&path)).at("open", &path)? {
            Some(file) => Ok((path, file)),
            None => Err(StoreError::MissingBlob {
                sha256: sha256.to_owned(),
            }),
        }
    }

    /// Moves the corrupt blob `sha256`, which `opened` is an open handle of,
    /// into `quarantine-v1/`. Returns `None` if the file at the blob's path
    /// is no longer the one that was opened (another process quarantined it
    /// first, and may already have stored a good copy, which must stay).
    pub(crate) fn quarantine(
        &self,
        sha256: &str,
        opened: &File,
    ) -> Result<Option<PathBuf>, StoreError> {
        let path = self.blob_file(sha256);
        if !is_same_file(opened, &path)? {
            return Ok(None);
        }
        let dir = self.bucket(QUARANTINE);
        create_dir_all(&dir)?;
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        let target = dir.join(format!("{sha256}.{stamp}-{}", std::process::id()));
        match if_exists(fs::rename(&path, &target)).at("rename to quarantine", &path)? {
            Some(()) => Ok(Some(target)),
            None => Ok(None),
        }
    }
}

/// Checks that `sha256` is 64 lower-case hex digits, so it is safe as a
/// file name and matches what [`BlobWriter::commit`] produces.
pub(crate) fn check_digest(sha256: &str) -> Result<(), StoreError> {
    if is_digest(sha256) {
        Ok(())
    } else {
        Err(StoreError::InvalidDigest(sha256.to_owned()))
    }
}

/// Whether `s` is 64 lower-case hex digits.
pub(crate) fn is_digest(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The hex SHA-256 of everything `reader` yields.
fn hash_reader(reader: &mut impl Read) -> io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return Ok(hex::encode(hasher.finalize())),
            Ok(n) => hasher.update(&buffer[..n]),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
}

/// Mode 0444 for the file at `path`: blobs are never written after commit.
fn read_only(path: &Path) -> Result<Permissions, StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = path; // The mode is absolute on Unix.
        Ok(Permissions::from_mode(0o444))
    }
    #[cfg(not(unix))]
    {
        let mut permissions = fs::metadata(path).at("stat", path)?.permissions();
        permissions.set_readonly(true);
        Ok(permissions)
    }
}

/// Whether `path` still names the file `opened` refers to.
fn is_same_file(opened: &File, path: &Path) -> Result<bool, StoreError> {
    let Some(current) = if_exists(fs::symlink_metadata(path)).at("stat", path)? else {
        return Ok(false);
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let opened = opened.metadata().at("stat", path)?;
        Ok(opened.dev() == current.dev() && opened.ino() == current.ino())
    }
    #[cfg(not(unix))]
    {
        // No portable file identity: compare sizes and modification times.
        let opened = opened.metadata().at("stat", path)?;
        Ok(opened.len() == current.len() && opened.modified().ok() == current.modified().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::{blob_count, make_writable, temp_store, tmp_entries};

    const HELLO_SHA256: &str = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

    #[test]
    fn streamed_blob_round_trips() {
        let (_dir, store) = temp_store();
        let mut writer = store.blob_writer().unwrap();
        assert!(writer.is_empty());
        writer.write_all(b"hello ").unwrap();
        writer.write_all(b"world").unwrap();
        writer.flush().unwrap();
        assert_eq!(writer.len(), 11);
        assert_eq!(
            fs::read(writer.path()).unwrap(),
            b"hello world",
            "temp file readable before commit"
        );
        assert!(writer.path().starts_with(store.bucket(crate::store::TMP)));

        let blob = writer.commit().unwrap();
        assert_eq!(
            blob,
            Blob {
                sha256: HELLO_SHA256.to_owned(),
                size: 11
            }
        );
        let path = store.blob_path(HELLO_SHA256).unwrap();
        assert!(path.ends_with(format!("blobs-v1/sha256/b9/{HELLO_SHA256}")));
        assert_eq!(store.read_blob(HELLO_SHA256).unwrap(), b"hello world");
        let mut opened = String::new();
        store
            .open_blob(HELLO_SHA256)
            .unwrap()
            .read_to_string(&mut opened)
            .unwrap();
        assert_eq!(opened, "hello world");
        assert!(store.verify_blob(HELLO_SHA256).unwrap());
        assert_eq!(tmp_entries(&store), 0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o444
            );
        }
    }

    #[test]
    fn committing_the_same_bytes_twice_keeps_one_blob() {
        let (_dir, store) = temp_store();
        let first = store.put_bytes(b"module example.com/m\n").unwrap();
        let path = store.blob_path(&first.sha256).unwrap();
        let modified = fs::metadata(&path).unwrap().modified().unwrap();
        let second = store.put_bytes(b"module example.com/m\n").unwrap();
        assert_eq!(first, second);
        assert_eq!(
            fs::metadata(&path).unwrap().modified().unwrap(),
            modified,
            "blob not rewritten"
        );
        assert_eq!(blob_count(&store), 1);
        assert_eq!(tmp_entries(&store), 0);
    }

    #[test]
    fn empty_blob_is_fine() {
        let (_dir, store) = temp_store();
        let blob = store.put_bytes(b"").unwrap();
        assert_eq!(
            blob.sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(store.read_blob(&blob.sha256).unwrap(), b"");
    }

    #[test]
    fn dropped_writer_leaves_tmp_empty() {
        let (_dir, store) = temp_store();
        let mut writer = store.blob_writer().unwrap();
        writer.write_all(&[1; 200_000]).unwrap();
        let temp = writer.path().to_path_buf();
        assert!(temp.exists());
        drop(writer);
        assert!(!temp.exists());
        assert_eq!(tmp_entries(&store), 0);
        assert_eq!(blob_count(&store), 0);
    }

    #[test]
    fn reset_discards_earlier_bytes() {
        let (_dir, store) = temp_store();
        let mut writer = store.blob_writer().unwrap();
        writer.write_all(b"truncated downl").unwrap();
        writer.flush().unwrap();
        let first_temp = writer.path().to_path_buf();
        writer.reset().unwrap();
        assert!(!first_temp.exists(), "the old temporary file is removed");
        assert!(writer.is_empty());
        writer.write_all(b"hello world").unwrap();
        assert_eq!(tmp_entries(&store), 1);
        let blob = writer.commit().unwrap();
        assert_eq!(blob.sha256, HELLO_SHA256);
        assert_eq!(tmp_entries(&store), 0);
    }

    /// Overwrites a blob's bytes in place, keeping its name.
    fn corrupt(store: &Store, sha256: &str, content: &[u8]) {
        let path = store.blob_path(sha256).unwrap();
        make_writable(&path);
        fs::write(&path, content).unwrap();
    }

    #[test]
    fn corrupt_blob_is_detected_quarantined_and_reported() {
        let (_dir, store) = temp_store();
        let blob = store.put_bytes(b"hello world").unwrap();
        corrupt(&store, &blob.sha256, b"jello world");

        let err = store.read_blob(&blob.sha256).unwrap_err();
        let StoreError::Corrupt {
            expected,
            actual,
            quarantined,
        } = &err
        else {
            panic!("unexpected error {err}");
        };
        let jello = hex::encode(Sha256::digest(b"jello world"));
        assert_eq!(expected, HELLO_SHA256);
        assert_eq!(actual, &jello);
        let message = err.to_string();
        assert!(
            message.contains(HELLO_SHA256) && message.contains(&jello),
            "{message}"
        );
        let quarantined = quarantined.as_ref().expect("moved to quarantine");
        assert!(quarantined.starts_with(store.bucket(QUARANTINE)));
        assert_eq!(fs::read(quarantined).unwrap(), b"jello world");

        assert!(matches!(
            store.read_blob(&blob.sha256),
            Err(StoreError::MissingBlob { .. })
        ));
        assert_eq!(
            store.put_bytes(b"hello world").unwrap(),
            blob,
            "re-ingest repairs"
        );
        assert_eq!(store.read_blob(&blob.sha256).unwrap(), b"hello world");
    }

    #[test]
    fn verify_blob_rehashes_and_quarantines() {
        let (_dir, store) = temp_store();
        let blob = store.put_bytes(&[7; 100_000]).unwrap();
        assert!(store.verify_blob(&blob.sha256).unwrap());
        corrupt(&store, &blob.sha256, &[8; 100_000]);
        assert!(!store.verify_blob(&blob.sha256).unwrap());
        assert!(!store.blob_path(&blob.sha256).unwrap().exists());
        assert_eq!(fs::read_dir(store.bucket(QUARANTINE)).unwrap().count(), 1);
        assert!(matches!(
            store.verify_blob(&blob.sha256),
            Err(StoreError::MissingBlob { .. })
        ));
    }

    #[test]
    fn commit_replaces_an_existing_blob_of_the_wrong_size() {
        let (_dir, store) = temp_store();
        let blob = store.put_bytes(b"hello world").unwrap();
        corrupt(&store, &blob.sha256, b"hello");
        assert_eq!(store.put_bytes(b"hello world").unwrap(), blob);
        assert_eq!(store.read_blob(&blob.sha256).unwrap(), b"hello world");
        assert_eq!(fs::read_dir(store.bucket(QUARANTINE)).unwrap().count(), 1);
    }

    #[test]
    fn quarantine_leaves_a_replaced_blob_alone() {
        let (_dir, store) = temp_store();
        let blob = store.put_bytes(b"hello world").unwrap();
        let path = store.blob_path(&blob.sha256).unwrap();
        let stale = File::open(&path).unwrap();
        // Another process quarantines the file and stores a good copy.
        fs::rename(&path, store.root().join("elsewhere")).unwrap();
        store.put_bytes(b"hello world").unwrap();
        assert_eq!(store.quarantine(&blob.sha256, &stale).unwrap(), None);
        assert_eq!(store.read_blob(&blob.sha256).unwrap(), b"hello world");
    }

    #[test]
    fn invalid_digests_are_rejected() {
        let (_dir, store) = temp_store();
        for bad in [
            "../../etc/passwd",
            "",
            &HELLO_SHA256.to_uppercase(),
            &HELLO_SHA256[1..],
        ] {
            assert!(
                matches!(store.blob_path(bad), Err(StoreError::InvalidDigest(_))),
                "{bad}"
            );
            assert!(
                matches!(store.read_blob(bad), Err(StoreError::InvalidDigest(_))),
                "{bad}"
            );
        }
        let missing = "0".repeat(64);
        let err = store.open_blob(&missing).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("blob sha256:{missing} is not in the store")
        );
    }
}
