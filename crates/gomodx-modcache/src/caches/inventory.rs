//! What the two caches hold, per module version: the store's refs (kinds,
//! bytes, when fetched and from where) and GOMODCACHE's files under
//! `cache/download` plus the extracted tree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use gomodx_module::ModuleVersion;
use gomodx_module::escape::{unescape_path, unescape_version};
use gomodx_store::{ArtifactKind, Store};

use super::CachesError;
use crate::ModCache;

/// The file suffixes go keeps per version in `cache/download/<path>/@v`.
pub const VERSION_SUFFIXES: &[&str] = &["info", "mod", "zip", "ziphash", "lock", "partial"];

/// One module version in either cache.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    /// Kinds the store holds, in `info`, `mod`, `zip` order.
    pub store_kinds: Vec<ArtifactKind>,
    /// Bytes of the store's blobs for this version.
    pub store_bytes: u64,
    /// When the store's newest artifact was fetched.
    pub fetched_at: Option<SystemTime>,
    /// Where the store's zip (else any artifact) came from.
    pub source: Option<String>,
    /// GOMODCACHE files under `cache/download` (`.zip`, `.mod`, …).
    pub cache_files: Vec<PathBuf>,
    /// Their bytes.
    pub cache_bytes: u64,
    /// Their newest modification time.
    pub cache_mtime: Option<SystemTime>,
    /// The extracted tree, if present.
    pub tree: Option<PathBuf>,
}

impl Entry {
    /// The newest time anything of it was fetched or written.
    pub fn newest(&self) -> Option<SystemTime> {
        self.fetched_at.max(self.cache_mtime)
    }

    /// Whether GOMODCACHE holds anything of it.
    pub fn in_mod_cache(&self) -> bool {
        self.tree.is_some() || !self.cache_files.is_empty()
    }
}

/// Every module version in the store and GOMODCACHE, sorted.
pub fn inventory(
    store: Option<&Store>,
    cache: &ModCache,
) -> Result<BTreeMap<ModuleVersion, Entry>, CachesError> {
    let mut entries: BTreeMap<ModuleVersion, Entry> = BTreeMap::new();
    if let Some(store) = store {
        for item in store.list_refs() {
            let (module, kind, reference) =
                item.map_err(CachesError::store("listing the gomodx store"))?;
            let entry = entries.entry(module).or_default();
            entry.store_kinds.push(kind);
            entry.store_kinds.sort_by_key(|k| match k {
                ArtifactKind::Info => 0,
                ArtifactKind::Mod => 1,
                ArtifactKind::Zip => 2,
            });
            entry.store_bytes += reference.size;
            entry.fetched_at = entry.fetched_at.max(Some(reference.fetched_at));
            if kind == ArtifactKind::Zip || entry.source.is_none() {
                entry.source = Some(reference.source);
            }
        }
    }
    let download = cache.root().join("cache/download");
    for (path, dir) in version_dirs(&download)? {
        for file in read_dir(&dir)? {
            let name = file.file_name().to_string_lossy().into_owned();
            let Some((stem, suffix)) = name.rsplit_once('.') else {
                continue;
            };
            let Ok(version) = unescape_version(stem) else {
                continue;
            };
            if !VERSION_SUFFIXES.contains(&suffix) {
                continue;
            }
            let meta = file.metadata().ok();
            let entry = entries
                .entry(ModuleVersion::new(path.clone(), version))
                .or_default();
            entry.cache_bytes += meta.as_ref().map_or(0, std::fs::Metadata::len);
            entry.cache_mtime = entry.cache_mtime.max(meta.and_then(|m| m.modified().ok()));
            entry.cache_files.push(file.path());
        }
    }
    for (module, entry) in &mut entries {
        entry.cache_files.sort();
        if let Ok(dir) = cache.extracted_dir(module)
            && dir.is_dir()
        {
            entry.tree = Some(dir);
        }
    }
    Ok(entries)
}

/// What an [`inventory`] adds up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Module versions the store holds anything of.
    pub in_store: usize,
    /// Module versions with files under GOMODCACHE's `cache/download`.
    pub in_mod_cache: usize,
    /// Module versions extracted in GOMODCACHE.
    pub trees: usize,
    /// When the store's oldest module version was fetched.
    pub oldest_fetch: Option<SystemTime>,
}

/// Counts `entries`.
pub fn counts(entries: &BTreeMap<ModuleVersion, Entry>) -> Counts {
    let count = |keep: fn(&Entry) -> bool| entries.values().filter(|e| keep(e)).count();
    Counts {
        in_store: count(|e| !e.store_kinds.is_empty()),
        in_mod_cache: count(|e| !e.cache_files.is_empty()),
        trees: count(|e| e.tree.is_some()),
        oldest_fetch: entries.values().filter_map(|e| e.fetched_at).min(),
    }
}

/// `(module path, @v dir)` for every module under `cache/download`.
pub fn version_dirs(download: &Path) -> Result<Vec<(String, PathBuf)>, CachesError> {
    let mut found = Vec::new();
    let mut pending = vec![download.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in read_dir(&dir)? {
            if !entry.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let path = entry.path();
            if entry.file_name() == "@v" {
                let relative = dir.strip_prefix(download).unwrap_or(&dir);
                let escaped = relative.to_string_lossy().replace('\\', "/");
                if let Ok(module) = unescape_path(&escaped) {
                    found.push((module, path));
                }
            } else {
                pending.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The entries of `dir` (none if it does not exist).
fn read_dir(dir: &Path) -> Result<Vec<std::fs::DirEntry>, CachesError> {
    let failed = |source| CachesError::Io {
        op: "reading",
        path: dir.to_path_buf(),
        source,
    };
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.collect::<std::io::Result<Vec<_>>>().map_err(failed),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(failed(e)),
    }
}

/// The total size of the files below `dir` (symlinks not followed).
pub fn tree_size(dir: &Path) -> u64 {
    tree_usage(dir).1
}

/// How many regular files are below `dir` and their total size (symlinks
/// not followed; nothing when `dir` is missing).
pub fn tree_usage(dir: &Path) -> (u64, u64) {
    let (mut files, mut total) = (0, 0);
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in read_dir(&dir).unwrap_or_default() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => pending.push(entry.path()),
                Ok(t) if t.is_file() => {
                    files += 1;
                    total += entry.metadata().map_or(0, |m| m.len());
                }
                _ => {}
            }
        }
    }
    (files, total)
}

/// A `path` or `path@version` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// Every version of a module.
    Module(String),
    /// One module version.
    Version(ModuleVersion),
}

impl Selector {
    /// Parses `path` or `path@version`.
    pub fn parse(arg: &str) -> Result<Self, CachesError> {
        let invalid = |what| {
            move |source| CachesError::Selector {
                arg: arg.to_owned(),
                what,
                source,
            }
        };
        Ok(match arg.split_once('@') {
            Some((path, version)) => {
                gomodx_module::check(path, version).map_err(invalid("module version"))?;
                Self::Version(ModuleVersion::new(path, version))
            }
            None => {
                gomodx_module::path::check_path(arg)
                    .map_err(|e| invalid("module path")(e.into()))?;
                Self::Module(arg.to_owned())
            }
        })
    }

    /// Whether `module` is selected.
    pub fn matches(&self, module: &ModuleVersion) -> bool {
        match self {
            Self::Module(path) => module.path == *path,
            Self::Version(version) => module == version,
        }
    }

    /// Whether any of `selectors` selects `module` (none select everything).
    pub fn any(selectors: &[Self], module: &ModuleVersion) -> bool {
        selectors.is_empty() || selectors.iter().any(|s| s.matches(module))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_parse_paths_and_versions() {
        let quote = ModuleVersion::new("rsc.io/quote", "v1.5.2");
        let module = Selector::parse("rsc.io/quote").unwrap();
        assert!(module.matches(&quote));
        let version = Selector::parse("rsc.io/quote@v1.5.2").unwrap();
        assert!(version.matches(&quote));
        assert!(!version.matches(&ModuleVersion::new("rsc.io/quote", "v1.5.1")));
        assert!(Selector::parse("rsc.io/quote@latest").is_err());
    }

    #[test]
    fn version_dirs_are_found_and_unescaped() {
        let tmp = tempfile::tempdir().unwrap();
        let download = tmp.path().join("cache/download");
        std::fs::create_dir_all(download.join("github.com/!burnt!sushi/toml/@v")).unwrap();
        std::fs::create_dir_all(download.join("rsc.io/quote/@v")).unwrap();
        std::fs::create_dir_all(download.join("sumdb/sum.golang.org")).unwrap();
        let found: Vec<String> = version_dirs(&download)
            .unwrap()
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        assert_eq!(found, ["github.com/BurntSushi/toml", "rsc.io/quote"]);
    }
}
