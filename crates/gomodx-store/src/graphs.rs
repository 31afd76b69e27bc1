//! Graph snapshots: the go.mod files one module-graph load read, kept in
//! one file per main module, so that the next load of the same graph reads
//! one file instead of one ref and one blob per module version.
//!
//! A snapshot is a cache of immutable content, never trusted: its reader
//! re-hashes every go.mod it takes from one and checks it against go.sum,
//! and anything it lacks is read the ordinary way. The fetcher keeps a
//! second kind of file here under its own keys, the resolved graph (the
//! requirement lists a load recorded and the `h1:` of every go.mod it read),
//! replayed only while go.sum holds each of those hashes. Cleaning the
//! store, or any part of it, drops every snapshot, as does `gc`.

use std::path::PathBuf;

use gomodx_fs::remove_dir_all_force;

use crate::blob::is_digest;
use crate::disk::{create_dir_all, read_if_exists};
use crate::error::StoreError;
use crate::store::Store;

/// Graph snapshots, by a SHA-256 key the caller chooses.
pub(crate) const GRAPHS: &str = "graphs-v1";

impl Store {
    /// The snapshot stored under `key` (64 hex digits), if any.
    pub fn get_graph_snapshot(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(read_if_exists(&self.graph_snapshot_path(key)?)?)
    }

    /// Stores `bytes` as the snapshot under `key`, replacing any earlier one
    /// atomically.
    pub fn put_graph_snapshot(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.graph_snapshot_path(key)?;
        create_dir_all(&self.bucket(GRAPHS))?;
        self.write_file(&path, bytes)?;
        Ok(())
    }

    /// Removes every snapshot (they are rebuilt by the next loads).
    pub fn clear_graph_snapshots(&self) -> Result<(), StoreError> {
        Ok(remove_dir_all_force(&self.bucket(GRAPHS))?)
    }

    fn graph_snapshot_path(&self, key: &str) -> Result<PathBuf, StoreError> {
        if !is_digest(key) {
            return Err(StoreError::InvalidDigest(key.to_owned()));
        }
        Ok(self.bucket(GRAPHS).join(format!("{key}.json")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    #[test]
    fn snapshots_round_trip_and_clear() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path().join("store")).unwrap();
        assert_eq!(store.get_graph_snapshot(KEY).unwrap(), None);
        store.put_graph_snapshot(KEY, b"one").unwrap();
        store.put_graph_snapshot(KEY, b"two").unwrap();
        assert_eq!(store.get_graph_snapshot(KEY).unwrap().unwrap(), b"two");
        store.clear_graph_snapshots().unwrap();
        assert_eq!(store.get_graph_snapshot(KEY).unwrap(), None);
        assert!(store.put_graph_snapshot("../x", b"").is_err());
    }
}
