//! Which go.sum lines go keeps (Go's `keepSums` with
//! `addBuildListZipSums`) and writing them (Go's `WriteGoSum`): the lines
//! already there, plus every new hash this run checked that the kept set
//! names, under go's side lock. In a workspace the file is go.work.sum and
//! hashes a module's own go.sum records are not copied into it.

use std::collections::HashSet;
use std::path::Path;

use gomodx_fs::FileLock;
use gomodx_modfile::ModFile;
use gomodx_module::{ModuleVersion, gover};
use gomodx_resolver::ModuleGraph;

use crate::find::read_go_sum;
use crate::{Error, MainModules};

/// The go.sum keys go keeps: `path version` (zip) and
/// `path version/go.mod`.
#[derive(Debug, Default, Clone)]
pub struct Keep(HashSet<ModuleVersion>);

impl Keep {
    /// With the graph loaded: the go.mod hash of every module version
    /// whose requirements the graph holds, and both hashes of every module
    /// of the build list, each as its replacement.
    pub fn graph(graph: &ModuleGraph) -> Self {
        let mut keep = Self::default();
        let resolve =
            |m: &ModuleVersion| graph.replacement(m).cloned().unwrap_or_else(|| m.clone());
        graph.graph().walk_breadth_first(|m| {
            if graph.required_by(m).is_some() {
                keep.go_mod(&resolve(m));
            }
        });
        for m in graph.build_list() {
            let r = resolve(m);
            keep.go_mod(&r);
            keep.0.insert(r);
        }
        keep
    }

    /// Without the graph: both hashes of every requirement of the main
    /// go.mod files (excluded ones left out), as its replacement.
    pub fn roots(main: &MainModules) -> Self {
        let mut keep = Self::default();
        for r in main.requires() {
            if main.rules.is_excluded(&r.module) {
                continue;
            }
            let Some(target) = main.rules.fetched_as(&r.module) else {
                continue;
            };
            keep.go_mod(&target);
            keep.0.insert(target);
        }
        keep
    }

    fn go_mod(&mut self, m: &ModuleVersion) {
        if !m.version.is_empty() {
            self.0.insert(go_mod_key(m));
        }
    }

    /// Whether go keeps the go.sum key `key`.
    pub fn contains(&self, key: &ModuleVersion) -> bool {
        self.0.contains(key)
    }
}

/// The go.sum key of `m`'s go.mod.
fn go_mod_key(m: &ModuleVersion) -> ModuleVersion {
    ModuleVersion::new(m.path.clone(), format!("{}/go.mod", m.version))
}

impl MainModules {
    /// Adds to go.sum (go.work.sum) the hashes in `checked` (new hashes
    /// this run verified) that `keep` names. Nothing is written when there
    /// is nothing to add; when `locked`, lines to add are an error naming
    /// each. `mod_cache` is GOMODCACHE, home of go's side lock.
    pub fn write_go_sum(
        &self,
        checked: &[(ModuleVersion, String)],
        keep: &Keep,
        mod_cache: &Path,
        locked: bool,
    ) -> Result<(), Error> {
        // In a workspace, go leaves what a module's go.sum records out of
        // go.work.sum.
        let in_modules = |key: &ModuleVersion| !self.module_sums.hashes(key).is_empty();
        let kept: Vec<_> = checked
            .iter()
            .filter(|(key, _)| keep.contains(key) && !in_modules(key))
            .collect();
        if kept.is_empty() {
            return Ok(());
        }
        let _lock = side_lock(mod_cache);
        let mut go_sum = read_go_sum(&self.sum_file)?;
        go_sum.retain(|key| !in_modules(key));
        let kept: Vec<_> = kept
            .into_iter()
            .filter(|(key, hash)| !go_sum.hashes(key).contains(hash))
            .collect();
        if kept.is_empty() {
            return Ok(());
        }
        if locked {
            return Err(Error::Locked {
                path: self.sum_file.clone(),
                lines: kept
                    .iter()
                    .map(|(key, hash)| format!("{} {} {hash}", key.path, key.version))
                    .collect(),
            });
        }
        for (key, hash) in kept {
            go_sum.insert(key.clone(), hash);
        }
        Ok(gomodx_fs::write_atomic(&self.sum_file, &go_sum.to_bytes())?)
    }

    /// Replaces the main go.mod with `raised` (go's `commitRequirements`
    /// under `-mod=mod`); when `locked`, the change is an error instead.
    pub fn write_go_mod(
        &self,
        raised: &ModFile,
        mod_cache: &Path,
        locked: bool,
    ) -> Result<(), Error> {
        let path = self.root.join("go.mod");
        if locked {
            return Err(Error::LockedGoMod { path });
        }
        // go's UpdateGoModFromReqs: a toolchain line naming the go line's
        // own toolchain, or one before go1.21 (or invalid), is dropped.
        let mut file = raised.clone();
        let redundant = match (file.go_version(), &file.toolchain) {
            (Some(go), Some(toolchain)) => {
                let name = toolchain.name.as_str();
                name == format!("go{go}")
                    || gover::compare(gover::from_toolchain(name), "1.21").is_lt()
            }
            _ => false,
        };
        if redundant {
            file.drop_toolchain();
            file.cleanup();
        }
        let _lock = side_lock(mod_cache);
        Ok(gomodx_fs::write_atomic(&path, file.format().as_bytes())?)
    }
}

/// go's side lock against older go commands editing go.mod and go.sum;
/// best effort, as in go.
fn side_lock(mod_cache: &Path) -> Option<FileLock> {
    std::fs::create_dir_all(mod_cache.join("cache"))
        .ok()
        .and_then(|()| FileLock::exclusive(&mod_cache.join("cache/lock")).ok())
}
