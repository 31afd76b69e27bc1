//! Opening a store: the directory layout, marker files and the store-wide
//! lock that lets many processes share a store while `gc` excludes them all.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use gomodx_fs::{AtomicFile, DirHandle, Durability, FileLock, FsError, write_atomic};
use gomodx_module::ModuleVersion;
use gomodx_module::escape::{escape_path, escape_version};

use crate::disk::{IoContext, create_dir_all, if_exists};
use crate::error::StoreError;
use crate::refs::ArtifactKind;
use crate::scratch::{self, Scratch};

/// Immutable blobs, named by SHA-256.
pub(crate) const BLOBS: &str = "blobs-v1/sha256";
/// Refs from module@version artifacts to blobs.
pub(crate) const REFS: &str = "refs-v1";
/// Mutable answers, per proxy.
pub(crate) const META: &str = "meta-v1";
/// Per-version ingest locks.
pub(crate) const LOCKS: &str = "locks-v1";
/// Blobs found corrupt, kept for inspection until the next `gc`.
pub(crate) const QUARANTINE: &str = "quarantine-v1";
/// Staging for blob writes.
pub(crate) const TMP: &str = "tmp";

/// Buckets created by [`Store::open`] (quarantine is created on demand).
const BUCKETS: [&str; 5] = [BLOBS, REFS, META, LOCKS, TMP];

/// The store-wide lock file.
const LOCK_FILE: &str = ".lock";

/// <https://bford.info/cachedir/>: the signature line must come first.
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by gomodx.\n\
# For information about cache directory tags, see:\n\
#\thttps://bford.info/cachedir/\n";

/// An open store.
///
/// Cloning is cheap and shares the store-wide lock, which is released when
/// the last clone (and the last [`BlobWriter`](crate::BlobWriter)) is
/// dropped. All methods block on the filesystem; call them from
/// `spawn_blocking` in async code.
///
/// Locks on `<root>/.lock` belong to the open file, not the process: a
/// process that holds a shared `Store` and then calls
/// [`open_exclusive`](Self::open_exclusive) on the same root waits forever.
#[derive(Debug, Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    root: PathBuf,
    exclusive: bool,
    /// This store's staging in `tmp/`, created by a shared open (or on
    /// first use).
    scratch: OnceLock<Scratch>,
    /// Why a shared open could not create its staging: the store cannot
    /// be written.
    read_only: Option<FsError>,
    /// A handle on `refs-v1`, opened on first use (see `Store::has_refs`).
    refs: DirHandle,
    /// Held for the store's lifetime; never read.
    _lock: FileLock,
}

impl Store {
    /// Opens (creating if needed) the store at `root` for normal use: many
    /// processes may hold it at once.
    ///
    /// Creates the buckets, writes `CACHEDIR.TAG` and a `.gitignore` of `*`
    /// if missing, and holds a shared lock on `<root>/.lock` until the store
    /// is dropped. Blocks while a `gc` or clean holds the exclusive lock.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let store = Self::open_with(root.into(), false, |path| FileLock::shared(path).map(Some))?;
        Ok(store.expect("a blocking lock always succeeds or errors"))
    }

    /// Opens the store at `root` with an exclusive lock, for maintenance
    /// (`gc`, clean). Blocks until every other user has closed the store.
    pub fn open_exclusive(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let store = Self::open_with(root.into(), true, |path| {
            FileLock::exclusive(path).map(Some)
        })?;
        Ok(store.expect("a blocking lock always succeeds or errors"))
    }

    /// Like [`open_exclusive`](Self::open_exclusive), but returns `Ok(None)`
    /// at once if another process is using the store (so the caller can say
    /// it is waiting before calling the blocking version).
    pub fn try_open_exclusive(root: impl Into<PathBuf>) -> Result<Option<Self>, StoreError> {
        Self::open_with(root.into(), true, FileLock::try_exclusive)
    }

    fn open_with(
        root: PathBuf,
        exclusive: bool,
        lock: impl FnOnce(&Path) -> Result<Option<FileLock>, FsError>,
    ) -> Result<Option<Self>, StoreError> {
        create_dir_all(&root)?;
        write_if_missing(&root.join("CACHEDIR.TAG"), CACHEDIR_TAG.as_bytes())?;
        write_if_missing(&root.join(".gitignore"), b"*\n")?;
        let Some(lock) = lock(&root.join(LOCK_FILE))? else {
            return Ok(None);
        };
        for bucket in BUCKETS {
            create_dir_all(&root.join(bucket))?;
        }
        // Best effort: debris left in place costs only disk space.
        let _ = scratch::sweep(&root.join(TMP));
        let scratch = OnceLock::new();
        let mut read_only = None;
        if !exclusive {
            match Scratch::create(&root.join(TMP)) {
                Ok(created) => {
                    let _ = scratch.set(created);
                }
                Err(StoreError::Fs(cause)) => read_only = Some(cause),
                Err(other) => return Err(other),
            }
        }
        Ok(Some(Self {
            inner: Arc::new(Inner {
                refs: DirHandle::new(root.join(REFS)),
                root,
                exclusive,
                scratch,
                read_only,
                _lock: lock,
            }),
        }))
    }

    /// The handle on `refs-v1`, opened on first use.
    pub(crate) fn refs_handle(&self) -> &DirHandle {
        &self.inner.refs
    }

    /// The store's root directory.
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    /// Why this store cannot be written (a read-only filesystem, missing
    /// permissions, a full disk), found when it was opened: it can still
    /// serve what it holds, but anything new fails to be stored. `None`
    /// when it is writable (or was opened exclusively).
    pub fn read_only_cause(&self) -> Option<&FsError> {
        self.inner.read_only.as_ref()
    }

    /// Whether this store was opened with an exclusive lock.
    pub fn is_exclusive(&self) -> bool {
        self.inner.exclusive
    }

    /// Blocks until this process holds the exclusive ingest lock for `module`
    /// (`locks-v1/<escaped path>/@v/<escaped version>.lock`), so that two
    /// processes fetching the same version do the work once: take the lock,
    /// check [`get_ref`](Self::get_ref) again, and only then download.
    ///
    /// Blocking; from async code call it inside `spawn_blocking`. The lock
    /// is released when the returned guard is dropped.
    pub fn lock_module_version(&self, module: &ModuleVersion) -> Result<FileLock, StoreError> {
        self.lock_artifact(module, ArtifactKind::Zip)
    }

    /// This store's own staging directory in `tmp/` (see the `scratch`
    /// module), created on first use: temporary files go there, never
    /// next to their final names.
    pub(crate) fn scratch_dir(&self) -> Result<&Path, StoreError> {
        if let Some(scratch) = self.inner.scratch.get() {
            return Ok(scratch.dir());
        }
        let created = Scratch::create(&self.bucket(TMP))?;
        // A thread that lost the race drops (and removes) its own.
        let _ = self.inner.scratch.set(created);
        Ok(self
            .inner
            .scratch
            .get()
            .expect("the scratch was just set")
            .dir())
    }

    /// Whether `name`, an entry of `tmp/`, is this store's own staging.
    pub(crate) fn owns_temp(&self, name: &str) -> bool {
        self.inner.scratch.get().is_some_and(|s| s.owns(name))
    }

    /// Writes `bytes` to `path` through a temporary file in the staging
    /// directory and a rename, without fsync (for refs, answers and
    /// snapshots, whose readers reject a torn file).
    pub(crate) fn write_file(&self, path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
        let mut file = AtomicFile::new_in(self.scratch_dir()?)?;
        file.write_all(bytes).at("write", file.temp_path())?;
        Ok(file.commit_with(path, Durability::None)?)
    }

    /// Like [`lock_module_version`](Self::lock_module_version), for one
    /// artifact: `.info` and `.mod` have locks of their own
    /// (`<escaped version>.info.lock`, `.mod.lock`), so fetching them never
    /// waits for another process's zip download; `.zip` takes the version's
    /// lock. Take it, check [`get_ref`](Self::get_ref) again, and only then
    /// fetch: concurrent processes then fetch each artifact once.
    pub fn lock_artifact(
        &self,
        module: &ModuleVersion,
        kind: ArtifactKind,
    ) -> Result<FileLock, StoreError> {
        Ok(FileLock::exclusive(
            &self.artifact_lock_path(module, kind)?,
        )?)
    }

    /// [`lock_artifact`](Self::lock_artifact) without waiting: `None` when
    /// another process holds the lock. Cheap enough for async code (a
    /// directory, an open and a non-blocking `flock`).
    pub fn try_lock_artifact(
        &self,
        module: &ModuleVersion,
        kind: ArtifactKind,
    ) -> Result<Option<FileLock>, StoreError> {
        Ok(FileLock::try_exclusive(
            &self.artifact_lock_path(module, kind)?,
        )?)
    }

    /// The lock file of an artifact, its directory created.
    fn artifact_lock_path(
        &self,
        module: &ModuleVersion,
        kind: ArtifactKind,
    ) -> Result<PathBuf, StoreError> {
        let suffix = match kind {
            ArtifactKind::Zip => ".lock".to_owned(),
            _ => format!(".{}.lock", kind.extension()),
        };
        let path = version_file(&self.bucket(LOCKS), module, &suffix)?;
        create_dir_all(parent(&path))?;
        Ok(path)
    }

    /// `<root>/<name>`.
    pub(crate) fn bucket(&self, name: &str) -> PathBuf {
        self.inner.root.join(name)
    }

    /// Refuses `operation` unless the store was opened exclusively.
    pub(crate) fn require_exclusive(&self, operation: &'static str) -> Result<(), StoreError> {
        if self.is_exclusive() {
            Ok(())
        } else {
            Err(StoreError::NotExclusive {
                operation,
                root: self.inner.root.clone(),
            })
        }
    }
}

/// `<bucket>/<escaped module path>/@v/<escaped version><suffix>`, Go's
/// `cache/download` naming (module paths never contain `@`, so `@v` cannot
/// collide with a path element).
pub(crate) fn version_file(
    bucket: &Path,
    module: &ModuleVersion,
    suffix: &str,
) -> Result<PathBuf, StoreError> {
    Ok(bucket.join(format!("{}{suffix}", version_stem(module)?)))
}

/// `<escaped module>/@v/<escaped version>`, the name of a module version's
/// files in a bucket without their suffix.
pub(crate) fn version_stem(module: &ModuleVersion) -> Result<String, StoreError> {
    let path = escape_path(&module.path)?;
    let version = escape_version(&module.version)?;
    Ok(format!("{path}/@v/{version}"))
}

/// The directory holding `path`, which is always inside a bucket.
pub(crate) fn parent(path: &Path) -> &Path {
    path.parent()
        .expect("store paths always have a parent directory")
}

/// Writes a marker file unless something is already there.
fn write_if_missing(path: &Path, content: &[u8]) -> Result<(), StoreError> {
    if if_exists(fs::symlink_metadata(path))
        .at("stat", path)?
        .is_none()
    {
        write_atomic(path, content)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::temp_store;

    #[test]
    fn open_creates_the_layout() {
        let (dir, store) = temp_store();
        let root = dir.path().join("cache");
        assert_eq!(store.root(), root);
        for bucket in BUCKETS {
            assert!(root.join(bucket).is_dir(), "{bucket}");
        }
        let tag = fs::read_to_string(root.join("CACHEDIR.TAG")).unwrap();
        assert!(
            tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"),
            "{tag}"
        );
        assert_eq!(fs::read_to_string(root.join(".gitignore")).unwrap(), "*\n");
        assert!(root.join(".lock").is_file());
        assert!(!store.is_exclusive());
    }

    #[test]
    fn open_keeps_existing_markers() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".gitignore"), "custom\n").unwrap();
        Store::open(dir.path()).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
            "custom\n"
        );
    }

    #[test]
    fn shared_opens_exclude_exclusive_until_all_dropped() {
        let (dir, store) = temp_store();
        let root = dir.path().join("cache");
        let second = Store::open(&root).unwrap();
        let clone = store.clone();
        drop(store);
        assert!(Store::try_open_exclusive(&root).unwrap().is_none());
        drop(second);
        assert!(
            Store::try_open_exclusive(&root).unwrap().is_none(),
            "the clone still holds it"
        );
        drop(clone);
        let exclusive = eventually(|| Store::try_open_exclusive(&root).unwrap());
        assert!(exclusive.is_exclusive());
        assert!(Store::try_open_exclusive(&root).unwrap().is_none());
    }

    #[test]
    fn module_version_lock_is_exclusive() {
        let (_dir, store) = temp_store();
        let module = ModuleVersion::new("rsc.io/QUOTE", "v1.5.2");
        let held = store.lock_module_version(&module).unwrap();
        assert!(
            held.path()
                .ends_with("locks-v1/rsc.io/!q!u!o!t!e/@v/v1.5.2.lock")
        );
        assert!(FileLock::try_exclusive(held.path()).unwrap().is_none());
        let path = held.path().to_path_buf();
        drop(held);
        eventually(|| FileLock::try_exclusive(&path).unwrap());
    }

    /// Polls `attempt` until it returns `Some`, failing after ten seconds.
    ///
    /// A lock can outlive its guard briefly: a process spawned meanwhile by
    /// another test shares the open lock file until it execs.
    fn eventually<T>(mut attempt: impl FnMut() -> Option<T>) -> T {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(value) = attempt() {
                return value;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the lock was never released"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    #[test]
    fn artifact_locks_are_separate_but_a_zip_s_is_the_version_s() {
        let (_dir, store) = temp_store();
        let module = ModuleVersion::new("rsc.io/quote", "v1.5.2");
        let info = store.lock_artifact(&module, ArtifactKind::Info).unwrap();
        assert!(
            info.path()
                .ends_with("locks-v1/rsc.io/quote/@v/v1.5.2.info.lock")
        );
        let go_mod = store.lock_artifact(&module, ArtifactKind::Mod).unwrap();
        assert!(go_mod.path().ends_with("@v/v1.5.2.mod.lock"));
        let zip = store.lock_artifact(&module, ArtifactKind::Zip).unwrap();
        assert!(zip.path().ends_with("@v/v1.5.2.lock"));
        assert!(FileLock::try_exclusive(info.path()).unwrap().is_none());
    }

    #[test]
    fn lock_rejects_unescapable_versions() {
        let (_dir, store) = temp_store();
        let err = store
            .lock_module_version(&ModuleVersion::new("rsc.io/quote", ""))
            .unwrap_err();
        assert!(matches!(err, StoreError::Module(_)), "{err}");
    }
}
