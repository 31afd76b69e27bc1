//! Maintenance: garbage collection and disk usage.

use std::collections::HashSet;
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use gomodx_fs::remove_dir_all_force;

use crate::blob::is_digest;
use crate::disk::{IoContext, read_dir, remove_file};
use crate::error::StoreError;
use crate::store::{BLOBS, QUARANTINE, REFS, Store, TMP};
use crate::walk::{RefWalk, Walked};

/// What [`Store::gc`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GcStats {
    /// Blobs no ref points to that were deleted.
    pub blobs_removed: u64,
    /// Bytes freed by deleting blobs and quarantined files.
    pub bytes_removed: u64,
    /// Blobs still in the store (referenced, or younger than the grace period).
    pub blobs_kept: u64,
    /// Refs deleted because their blob was gone.
    pub refs_removed: u64,
    /// Leftover temporary files (in `tmp/` and next to refs) and unreadable
    /// ref files deleted.
    pub temp_removed: u64,
    /// Quarantined files older than the grace period that were deleted.
    pub quarantine_removed: u64,
}

impl Store {
    /// Deletes what nothing needs any more. Requires
    /// [`open_exclusive`](Self::open_exclusive), so no other process is
    /// writing while it runs.
    ///
    /// - Mark: every readable ref whose blob exists marks that blob. Refs
    ///   whose blob is missing, unreadable ref files, temporary files of
    ///   interrupted ref writes and directories left empty in `refs-v1/`
    ///   are deleted.
    /// - Sweep: unmarked blobs last modified more than `grace` ago are
    ///   deleted (a younger one may belong to an ingest whose ref is not
    ///   written yet, e.g. by an older gomodx that did not lock).
    /// - Everything in `tmp/` is deleted: with the exclusive lock held no
    ///   writer is alive, so all of it is debris of killed processes.
    /// - Quarantined files older than `grace` are deleted.
    /// - Graph snapshots are deleted (the next loads rebuild them).
    pub fn gc(&self, grace: Duration) -> Result<GcStats, StoreError> {
        self.require_exclusive("gc")?;
        let cutoff = SystemTime::now()
            .checked_sub(grace)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let mut stats = GcStats::default();

        let mut marked = HashSet::new();
        for walked in RefWalk::new(self.bucket(REFS)) {
            match walked? {
                Walked::Ref(entry) if self.blob_matches(&entry.reference)? => {
                    marked.insert(entry.reference.sha256);
                }
                Walked::Ref(entry) => {
                    remove_file(&entry.path)?;
                    stats.refs_removed += 1;
                }
                Walked::Stray(path) => {
                    remove_dir_all_force(&path)?;
                    stats.temp_removed += 1;
                }
            }
        }
        remove_empty_dirs(&self.bucket(REFS))?;

        for shard in read_dir(&self.bucket(BLOBS))? {
            for blob in read_dir(&shard.path())? {
                let path = blob.path();
                let name = blob.file_name();
                if name
                    .to_str()
                    .is_some_and(|name| is_digest(name) && marked.contains(name))
                {
                    stats.blobs_kept += 1;
                } else if let Some(size) = remove_if_older(&path, cutoff)? {
                    stats.blobs_removed += 1;
                    stats.bytes_removed += size;
                } else {
                    stats.blobs_kept += 1;
                }
            }
        }

        self.clear_graph_snapshots()?;

        for entry in read_dir(&self.bucket(TMP))? {
            if self.owns_temp(&entry.file_name().to_string_lossy()) {
                continue;
            }
            remove_dir_all_force(&entry.path())?;
            stats.temp_removed += 1;
        }

        for entry in read_dir(&self.bucket(QUARANTINE))? {
            if let Some(size) = remove_if_older(&entry.path(), cutoff)? {
                stats.quarantine_removed += 1;
                stats.bytes_removed += size;
            }
        }
        Ok(stats)
    }

    /// Total size in bytes of the files in the store (symbolic links are
    /// not followed; blobs hard-linked elsewhere are counted in full).
    pub fn size(&self) -> Result<u64, StoreError> {
        let mut total = 0;
        let mut pending = vec![self.root().to_path_buf()];
        while let Some(dir) = pending.pop() {
            for entry in read_dir(&dir)? {
                let path = entry.path();
                let file_type = entry.file_type().at("stat", &path)?;
                if file_type.is_dir() {
                    pending.push(path);
                } else if file_type.is_file() {
                    // Gone since the directory was read: nothing to count.
                    total += entry.metadata().map_or(0, |meta| meta.len());
                }
            }
        }
        Ok(total)
    }
}

/// Deletes the file or directory at `path` if it was last modified before
/// `cutoff`, returning the bytes freed (a file's size; 0 for a directory).
fn remove_if_older(path: &Path, cutoff: SystemTime) -> Result<Option<u64>, StoreError> {
    let meta = fs::symlink_metadata(path).at("stat", path)?;
    let modified = meta.modified().at("stat", path)?;
    if modified >= cutoff {
        return Ok(None);
    }
    remove_dir_all_force(path)?;
    Ok(Some(if meta.is_file() { meta.len() } else { 0 }))
}

/// Removes every empty directory below `dir` (not `dir` itself); returns
/// whether `dir` ended up empty.
fn remove_empty_dirs(dir: &Path) -> Result<bool, StoreError> {
    let mut empty = true;
    for entry in read_dir(dir)? {
        let path = entry.path();
        if entry.file_type().at("stat", &path)?.is_dir() && remove_empty_dirs(&path)? {
            fs::remove_dir(&path).at("remove", &path)?;
        } else {
            empty = false;
        }
    }
    Ok(empty)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refs::{ArtifactKind, Ref};
    use crate::tests::{blob_count, tmp_entries};
    use gomodx_module::ModuleVersion;
    use std::io::Write;

    #[test]
    fn gc_needs_the_exclusive_lock() {
        let (_dir, store) = crate::tests::temp_store();
        let err = store.gc(Duration::ZERO).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::NotExclusive {
                    operation: "gc",
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string()
                .starts_with("`gc` needs exclusive access to the store at "),
            "{err}"
        );
    }

    #[test]
    fn gc_removes_only_unreferenced_blobs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cache");
        let store = Store::open(&root).unwrap();
        let kept = ModuleVersion::new("example.com/kept", "v1.0.0");
        let dropped = ModuleVersion::new("example.com/dropped", "v1.0.0");
        let dangling = ModuleVersion::new("example.com/dangling", "v1.0.0");

        let kept_mod = store.put_bytes(b"module example.com/kept\n").unwrap();
        store
            .put_ref(
                &kept,
                ArtifactKind::Mod,
                &Ref::new(&kept_mod, "p").with_h1("h1:x"),
            )
            .unwrap();
        let kept_info = store.put_bytes(b"{}").unwrap();
        store
            .put_ref(&kept, ArtifactKind::Info, &Ref::new(&kept_info, "p"))
            .unwrap();
        // Shared by two refs: survives while one remains.
        store
            .put_ref(&dropped, ArtifactKind::Info, &Ref::new(&kept_info, "p"))
            .unwrap();
        let dropped_mod = store.put_bytes(b"module example.com/dropped\n").unwrap();
        store
            .put_ref(
                &dropped,
                ArtifactKind::Mod,
                &Ref::new(&dropped_mod, "p").with_h1("h1:y"),
            )
            .unwrap();
        store.remove_ref(&dropped, ArtifactKind::Mod).unwrap();
        let orphan = store.put_bytes(&[0; 1000]).unwrap();
        let dangling_blob = store.put_bytes(b"dangling").unwrap();
        store
            .put_ref(
                &dangling,
                ArtifactKind::Info,
                &Ref::new(&dangling_blob, "p"),
            )
            .unwrap();
        fs::remove_file(store.blob_path(&dangling_blob.sha256).unwrap()).unwrap();
        // Debris of killed processes.
        let mut abandoned = store.blob_writer().unwrap();
        abandoned.write_all(b"half a zip").unwrap();
        abandoned.flush().unwrap();
        fs::copy(abandoned.path(), store.bucket(TMP).join(".tmp-left-behind")).unwrap();
        drop(abandoned);
        fs::create_dir(store.bucket(TMP).join("staging-dir")).unwrap();
        let versions = root.join("refs-v1/example.com/kept/@v");
        fs::write(versions.join("v1.0.0.zip.json.tmpXYZ"), "{").unwrap();
        assert_eq!(blob_count(&store), 4);
        drop(store);

        let store = Store::open_exclusive(&root).unwrap();
        let stats = store.gc(Duration::ZERO).unwrap();
        assert_eq!(
            stats,
            GcStats {
                blobs_removed: 2,
                bytes_removed: 1000 + dropped_mod.size,
                blobs_kept: 2,
                refs_removed: 1,
                temp_removed: 3,
                quarantine_removed: 0,
            }
        );
        for blob in [&kept_mod, &kept_info] {
            assert!(store.verify_blob(&blob.sha256).unwrap());
        }
        for blob in [&orphan, &dropped_mod] {
            assert!(!store.blob_path(&blob.sha256).unwrap().exists());
        }
        assert_eq!(store.list_refs().count(), 3);
        assert!(
            !root.join("refs-v1/example.com/dangling").exists(),
            "empty directories pruned"
        );
        assert!(!versions.join("v1.0.0.zip.json.tmpXYZ").exists());
        assert_eq!(tmp_entries(&store), 0);

        // A second run finds nothing to do.
        assert_eq!(
            store.gc(Duration::ZERO).unwrap(),
            GcStats {
                blobs_kept: 2,
                ..GcStats::default()
            }
        );
    }

    #[test]
    fn gc_keeps_young_unreferenced_blobs_and_quarantine() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_exclusive(dir.path()).unwrap();
        let young = store.put_bytes(b"just written, ref not yet").unwrap();
        fs::create_dir_all(store.bucket(QUARANTINE)).unwrap();
        fs::write(store.bucket(QUARANTINE).join("bad"), "x").unwrap();
        let stats = store.gc(Duration::from_secs(3600)).unwrap();
        assert_eq!(
            stats,
            GcStats {
                blobs_kept: 1,
                ..GcStats::default()
            }
        );
        assert!(store.blob_path(&young.sha256).unwrap().exists());

        let stats = store.gc(Duration::ZERO).unwrap();
        assert_eq!((stats.blobs_removed, stats.quarantine_removed), (1, 1));
        assert_eq!(stats.bytes_removed, young.size + 1);
    }

    #[test]
    fn size_counts_every_file() {
        let (_dir, store) = crate::tests::temp_store();
        let empty = store.size().unwrap();
        assert!(empty > 0, "marker files count");
        store.put_bytes(&[1; 10_000]).unwrap();
        store.put_bytes(&[2; 5_000]).unwrap();
        assert_eq!(store.size().unwrap(), empty + 15_000);
    }
}
