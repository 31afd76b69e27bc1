//! `gomodx cache clean`: the folk remedy `rm -rf $GOPATH/pkg/mod/m@v`
//! done right — store refs, every `cache/download` file of the version
//! (`.info .mod .zip .ziphash .lock .partial`) and the read-only tree; for
//! a whole module also its version list and stored answers. Blobs left
//! without a ref are collected when no other gomodx process is running.

use std::path::Path;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use gomodx_modcache::ModCache;
use gomodx_module::ModuleVersion;
use gomodx_module::escape::escape_path;
use gomodx_store::Store;

use super::gc::collect;
use super::inventory::{Entry, Selector, inventory};
use crate::ExitStatus;
use crate::cli::CacheCleanArgs;
use crate::printer::Printer;
use crate::settings::{GlobalSettings, parse_duration};

/// Removes the selected module versions from the store and GOMODCACHE.
pub fn run(
    settings: &GlobalSettings,
    args: &CacheCleanArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    if args.modules.is_empty() && !args.all && args.older_than.is_none() {
        printer.error(
            "nothing to clean: name modules (`path` or `path@version`), \
             or pass `--all` to remove everything (`--older-than` for old entries)",
        );
        return Ok(ExitStatus::Usage);
    }
    let selectors = args
        .modules
        .iter()
        .map(|arg| Selector::parse(arg))
        .collect::<Result<Vec<_>>>()?;
    let cutoff = match &args.older_than {
        Some(text) => Some(
            SystemTime::now()
                .checked_sub(parse_duration("--older-than", text)?)
                .unwrap_or(SystemTime::UNIX_EPOCH),
        ),
        None => None,
    };
    let (store, exclusive) = if args.modcache_only {
        (None, false)
    } else {
        open_store(settings)?
    };
    let cache = ModCache::new(settings.mod_cache()?);
    let touch_cache = !args.store_only;
    let entries = inventory(store.as_ref(), &cache)?;
    let selected: Vec<(&ModuleVersion, &Entry)> = entries
        .iter()
        .filter(|(module, _)| {
            args.all || selectors.is_empty() || selectors.iter().any(|s| s.matches(module))
        })
        .filter(|(_, entry)| cutoff.is_none_or(|cutoff| entry.newest().is_some_and(|t| t < cutoff)))
        .collect();

    let mut removed = 0;
    for (module, entry) in &selected {
        let in_store = store.is_some() && !entry.store_kinds.is_empty();
        let in_cache = touch_cache && (!entry.cache_files.is_empty() || entry.tree.is_some());
        if !in_store && !in_cache {
            continue;
        }
        removed += 1;
        printer.status(
            if args.dry_run {
                "Would remove"
            } else {
                "Removing"
            },
            format_args!("{} {}", module.path, module.version),
        );
        if args.dry_run {
            continue;
        }
        if let Some(store) = store.as_ref().filter(|_| in_store) {
            for kind in &entry.store_kinds {
                store
                    .remove_ref(module, *kind)
                    .with_context(|| format!("removing {module} ({kind}) from the store"))?;
            }
        }
        if in_cache {
            for file in &entry.cache_files {
                remove_file(file)?;
            }
            if let Some(tree) = &entry.tree {
                gomodx_fs::remove_dir_all_force(tree)?;
            }
        }
    }
    if !args.dry_run && removed > 0 {
        // Graph snapshots may hold go.mod files just removed.
        if let Some(store) = &store {
            store
                .clear_graph_snapshots()
                .context("removing the store's graph snapshots")?;
        }
    }
    if !args.dry_run && cutoff.is_none() {
        let modules = selectors.iter().filter_map(|s| match s {
            Selector::Module(path) => Some(path.as_str()),
            Selector::Version(_) => None,
        });
        for path in modules {
            forget_module(path, store.as_ref(), touch_cache.then_some(&cache))?;
        }
        if args.all {
            if let Some(store) = &store {
                gomodx_fs::remove_dir_all_force(&store.root().join("meta-v1"))?;
            }
            if touch_cache {
                gomodx_fs::remove_dir_all_force(cache.root())?;
            }
        }
    }
    printer.status(
        if args.dry_run {
            "Would clean"
        } else {
            "Cleaned"
        },
        format_args!("{removed} module versions"),
    );
    match &store {
        Some(store) if exclusive && !args.dry_run => collect(store, Duration::ZERO, printer)?,
        Some(_) if !args.dry_run => printer.warn(
            "another gomodx process is using the store: run `gomodx cache gc` later to free the blobs",
        ),
        _ => {}
    }
    Ok(ExitStatus::Success)
}

/// The store, exclusively if no other process has it open (then blobs can
/// be collected right away).
fn open_store(settings: &GlobalSettings) -> Result<(Option<Store>, bool)> {
    let store_dir = settings.fetch()?.store_dir;
    let context = || format!("opening the gomodx store at {}", store_dir.display());
    if let Some(store) = Store::try_open_exclusive(&store_dir).with_context(context)? {
        return Ok((Some(store), true));
    }
    Ok((Some(Store::open(&store_dir).with_context(context)?), false))
}

/// A whole module: its stored answers (every proxy) and, in GOMODCACHE,
/// its version list. Only `<path>/@v` is touched: `<path>/v2` is another
/// module.
fn forget_module(path: &str, store: Option<&Store>, cache: Option<&ModCache>) -> Result<()> {
    let escaped = escape_path(path)?;
    if let Some(store) = store {
        let meta = store.root().join("meta-v1");
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

/// Removes a file; a missing one is fine.
fn remove_file(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("removing {}", path.display())),
    }
}
