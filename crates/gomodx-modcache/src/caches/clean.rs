//! Removing module versions from both caches: store refs, every
//! `cache/download` file of the version (`.info .mod .zip .ziphash .lock
//! .partial`) and the read-only tree; for a whole module also its version
//! list and stored answers.

use std::path::Path;

use gomodx_module::ModuleVersion;
use gomodx_module::escape::escape_path;
use gomodx_store::Store;

use super::{CachesError, Entry};
use crate::ModCache;

/// The store's directory of mutable answers (one subdirectory per proxy).
const META_DIR: &str = "meta-v1";

/// Removes `module`: its refs from `store` when given, its GOMODCACHE
/// files and tree when `mod_cache`. Blobs left without a ref stay for
/// the store's garbage collection.
pub fn remove(
    store: Option<&Store>,
    mod_cache: bool,
    module: &ModuleVersion,
    entry: &Entry,
) -> Result<(), CachesError> {
    if let Some(store) = store {
        for kind in &entry.store_kinds {
            store
                .remove_ref(module, *kind)
                .map_err(CachesError::store(format!(
                    "removing {module} ({kind}) from the store"
                )))?;
        }
    }
    if mod_cache {
        for file in &entry.cache_files {
            remove_file(file)?;
        }
        if let Some(tree) = &entry.tree {
            gomodx_fs::remove_dir_all_force(tree)?;
        }
    }
    Ok(())
}

/// A whole module: its stored answers (every proxy) and, in GOMODCACHE,
/// its version list. Only `<path>/@v` is touched: `<path>/v2` is another
/// module.
pub fn forget_module(
    path: &str,
    store: Option<&Store>,
    cache: Option<&ModCache>,
) -> Result<(), CachesError> {
    let escaped = escape_path(path)?;
    if let Some(store) = store {
        let meta = store.root().join(META_DIR);
        for proxy in std::fs::read_dir(&meta).into_iter().flatten().flatten() {
            gomodx_fs::remove_dir_all_force(&proxy.path().join(&escaped).join("@v"))?;
        }
    }
    if let Some(cache) = cache {
        let dir = cache.version_dir(path)?;
        for name in ["list", "list.lock"] {
            remove_file(&dir.join(name))?;
        }
        // Only if now empty: something unknown to gomodx stays.
        let _ = std::fs::remove_dir(&dir);
    }
    Ok(())
}

/// Everything else: the store's stored answers and the whole GOMODCACHE,
/// each when given.
pub fn remove_all(store: Option<&Store>, cache: Option<&ModCache>) -> Result<(), CachesError> {
    if let Some(store) = store {
        gomodx_fs::remove_dir_all_force(&store.root().join(META_DIR))?;
    }
    if let Some(cache) = cache {
        gomodx_fs::remove_dir_all_force(cache.root())?;
    }
    Ok(())
}

/// Removes a file; a missing one is fine.
fn remove_file(path: &Path) -> Result<(), CachesError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(CachesError::Io {
            op: "removing",
            path: path.to_path_buf(),
            source,
        }),
    }
}
