//! Graph snapshots: the go.mod files the last graph load of a main module
//! read, kept as one store file ([`gomodx_store::Store::get_graph_snapshot`]),
//! so that a warm load reads that file instead of a ref and a blob per
//! module version.
//!
//! Nothing in a snapshot is trusted: a go.mod is taken from it only if it
//! hashes to the `/go.mod` line go.sum records for it, and it is exported
//! into GOMODCACHE when missing there, as the ordinary path would. Anything
//! else (absent, spoiled, refreshed with `--refresh`, not in go.sum) is read
//! the ordinary way, and the load then stores a new snapshot.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use gomodx_modcache::CacheFile;
use gomodx_module::ModuleVersion;
use gomodx_modzip::h1::hash_go_mod;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Fetcher;
use crate::fetcher::{GoModFile, go_mod_key};

/// A snapshot file: the main module it belongs to and the go.mod files.
#[derive(Serialize, Deserialize)]
struct SnapshotFile {
    main: String,
    go_mods: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    path: String,
    version: String,
    go_mod: String,
}

/// One graph load's snapshot: what the last load stored, and what this one
/// read.
pub(crate) struct Snapshot {
    key: String,
    main: String,
    stored: HashMap<ModuleVersion, Arc<[u8]>>,
    read: BTreeMap<ModuleVersion, Arc<[u8]>>,
    /// Whether every go.mod this load read is in `read` (not so when one
    /// came from a fallback such as go's own cache).
    complete: bool,
}

impl Snapshot {
    /// The snapshot of main module `main` in `main_dir`, as the last load
    /// stored it (nothing under `--refresh` of every module, or when it
    /// cannot be read).
    pub(crate) fn open(fetcher: &Fetcher, main_dir: &Path, main: &str) -> Self {
        let key = hex::encode(Sha256::digest(
            format!("gomodx graph snapshot v1\n{}\n{main}\n", main_dir.display()).as_bytes(),
        ));
        let stored = if fetcher.refreshes_all() {
            HashMap::new()
        } else {
            fetcher
                .inner
                .store
                .get_graph_snapshot(&key)
                .ok()
                .flatten()
                .and_then(|bytes| serde_json::from_slice::<SnapshotFile>(&bytes).ok())
                .filter(|file| file.main == main)
                .map(|file| {
                    file.go_mods
                        .into_iter()
                        .map(|e| {
                            let data: Arc<[u8]> = e.go_mod.into_bytes().into();
                            (ModuleVersion::new(e.path, e.version), data)
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        Self {
            key,
            main: main.to_owned(),
            stored,
            read: BTreeMap::new(),
            complete: true,
        }
    }

    /// The go.mod of `module` from the snapshot if go.sum vouches for it and
    /// GOMODCACHE has it (else the ordinary path exports it), remembered by
    /// the fetcher for later callers.
    pub(crate) fn take(&mut self, fetcher: &Fetcher, module: &ModuleVersion) -> Option<GoModFile> {
        let data = self.stored.get(module)?;
        if fetcher.refreshes(&module.path) {
            return None;
        }
        let h1 = hash_go_mod(data);
        if !fetcher.inner.sums.is_recorded(&go_mod_key(module), &h1) {
            return None;
        }
        let (path, exported) = fetcher.exported(module, CacheFile::Mod, data, true).ok()?;
        if !exported {
            return None;
        }
        let file = GoModFile {
            data: Arc::clone(data),
            h1,
            path,
        };
        self.read.insert(module.clone(), Arc::clone(data));
        fetcher.remember_go_mod(module, file.clone());
        Some(file)
    }

    /// Records a go.mod this load read the ordinary way: `Some` with its
    /// bytes, `None` when it came from somewhere the fetcher does not know.
    pub(crate) fn record(&mut self, module: &ModuleVersion, data: Option<Arc<[u8]>>) {
        match data {
            Some(data) => {
                self.read.insert(module.clone(), data);
            }
            None => self.complete = false,
        }
    }

    /// Every go.mod this load read (by the module version read), unless one
    /// came from somewhere the fetcher does not know.
    pub(crate) fn complete_reads(&self) -> Option<&BTreeMap<ModuleVersion, Arc<[u8]>>> {
        self.complete.then_some(&self.read)
    }

    /// Stores what this load read, when it differs from what was stored.
    /// Failures only cost the next load its speed-up.
    pub(crate) fn save(self, fetcher: &Fetcher) {
        let unchanged = self.read.len() == self.stored.len()
            && self.read.keys().all(|m| self.stored.contains_key(m));
        if unchanged || !self.complete {
            return;
        }
        let mut go_mods = Vec::with_capacity(self.read.len());
        for (module, data) in self.read {
            let Ok(go_mod) = String::from_utf8(data.to_vec()) else {
                return;
            };
            go_mods.push(Entry {
                path: module.path,
                version: module.version,
                go_mod,
            });
        }
        let file = SnapshotFile {
            main: self.main,
            go_mods,
        };
        let bytes = serde_json::to_vec(&file).expect("a snapshot always serializes to JSON");
        let _ = fetcher.inner.store.put_graph_snapshot(&self.key, &bytes);
    }
}
