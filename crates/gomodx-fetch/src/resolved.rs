//! Resolved graphs: the requirement lists the last complete load of a main
//! module recorded, with the `h1:` hash of every go.mod it read, kept as one
//! store file so that a warm load reads neither a go.mod nor a go.sum'd
//! snapshot entry per module version.
//!
//! A graph is a function of the main module (or workspace) as the resolver
//! indexes it ([`GraphLoader::fingerprint`]) and of the go.mod files read.
//! A stored graph is replayed ([`GraphLoader::replay`]) only if its
//! fingerprint is the loader's and every go.mod it read is still vouched for:
//! go.sum's `/go.mod` line holds its hash, GOMODCACHE has the file (so go
//! finds what gomodx found), and no `--refresh` names its module. Anything
//! else loads the graph the ordinary way, which then stores a new one.
//! Loads that read a directory replacement's go.mod, or a go.mod from
//! outside the fetcher, or that failed, are not stored.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use gomodx_modcache::CacheFile;
use gomodx_module::ModuleVersion;
use gomodx_modzip::h1::hash_go_mod;
use gomodx_resolver::{GraphLoader, ModuleGraph};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Fetcher;
use crate::fetcher::go_mod_key;

/// A resolved-graph file; module versions are named once, in `modules`, and
/// by index elsewhere.
#[derive(Serialize, Deserialize)]
struct ResolvedFile {
    fingerprint: String,
    modules: Vec<(String, String)>,
    /// The go.mod files read: module version and `h1:` hash.
    go_mods: Vec<(usize, String)>,
    /// The requirement log ([`ModuleGraph::requirement_log`]).
    log: Vec<(usize, Vec<usize>)>,
}

/// The stored graph of one main module, matched against a loader.
pub(crate) struct Resolved {
    key: String,
    fingerprint: String,
    stored: Option<ResolvedFile>,
}

impl Resolved {
    /// The graph stored for the main module `name` in `dir`, if it was
    /// recorded by a loader with `loader`'s fingerprint (nothing under
    /// `--refresh` of every module).
    pub(crate) fn open(fetcher: &Fetcher, dir: &Path, name: &str, loader: &GraphLoader) -> Self {
        let key = hex::encode(Sha256::digest(
            format!("gomodx resolved graph v1\n{}\n{name}\n", dir.display()).as_bytes(),
        ));
        let fingerprint = loader.fingerprint();
        let stored = (!fetcher.refreshes_all())
            .then(|| fetcher.inner.store.get_graph_snapshot(&key).ok().flatten())
            .flatten()
            .and_then(|bytes| serde_json::from_slice::<ResolvedFile>(&bytes).ok())
            .filter(|file| file.fingerprint == fingerprint);
        Self {
            key,
            fingerprint,
            stored,
        }
    }

    /// The stored graph replayed on `loader`, when every go.mod it read is
    /// still vouched for (see the module docs).
    pub(crate) fn replay(&self, fetcher: &Fetcher, loader: &GraphLoader) -> Option<ModuleGraph> {
        let file = self.stored.as_ref()?;
        let modules: Vec<ModuleVersion> = file
            .modules
            .iter()
            .map(|(path, version)| ModuleVersion::new(path.clone(), version.clone()))
            .collect();
        let mut read = Vec::with_capacity(file.go_mods.len());
        for (i, h1) in &file.go_mods {
            let module = modules.get(*i)?;
            if fetcher.refreshes(&module.path)
                || !fetcher.inner.sums.is_recorded(&go_mod_key(module), h1)
            {
                return None;
            }
            read.push(module.clone());
        }
        if !fetcher.inner.mod_cache.has_all(&read, CacheFile::Mod) {
            return None;
        }
        let known = |i: &usize| *i < modules.len();
        if !file
            .log
            .iter()
            .all(|(m, reqs)| known(m) && reqs.iter().all(known))
        {
            return None;
        }
        let log = file.log.iter().map(|(m, reqs)| {
            let reqs = reqs.iter().map(|r| &modules[*r]);
            (&modules[*m], reqs)
        });
        loader.replay(log)
    }

    /// Stores `graph`, loaded from the go.mod files `read` (by the module
    /// version read). Failures only cost the next load its speed-up.
    pub(crate) fn save(
        self,
        fetcher: &Fetcher,
        graph: &ModuleGraph,
        read: &BTreeMap<ModuleVersion, Arc<[u8]>>,
    ) {
        let mut names = Names::default();
        let log = graph
            .requirement_log()
            .map(|(m, reqs)| {
                (
                    names.index(m),
                    reqs.into_iter().map(|r| names.index(r)).collect(),
                )
            })
            .collect();
        let go_mods = read
            .iter()
            .map(|(m, data)| (names.index(m), hash_go_mod(data)))
            .collect();
        let file = ResolvedFile {
            fingerprint: self.fingerprint,
            modules: names.modules,
            go_mods,
            log,
        };
        let bytes = serde_json::to_vec(&file).expect("a resolved graph always serializes to JSON");
        let _ = fetcher.inner.store.put_graph_snapshot(&self.key, &bytes);
    }
}

/// Module versions numbered in order of first mention.
#[derive(Default)]
struct Names {
    modules: Vec<(String, String)>,
    index: HashMap<ModuleVersion, usize>,
}

impl Names {
    fn index(&mut self, m: &ModuleVersion) -> usize {
        *self.index.entry(m.clone()).or_insert_with(|| {
            self.modules.push((m.path.clone(), m.version.clone()));
            self.modules.len() - 1
        })
    }
}
