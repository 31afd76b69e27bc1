//! `gomodx cache clean`: the folk remedy `rm -rf $GOPATH/pkg/mod/m@v`
//! done right ([`gomodx_modcache::caches`] holds what is removed). Blobs
//! left without a ref are collected when no other gomodx process is
//! running.

use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use gomodx_modcache::ModCache;
use gomodx_modcache::caches::{Selector, forget_module, inventory, remove, remove_all};

use super::gc::collect;
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
        .collect::<Result<Vec<_>, _>>()?;
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
        match settings.store_exclusive()? {
            Some(store) => (Some(store), true),
            None => (Some(settings.store()?), false),
        }
    };
    let cache = ModCache::new(settings.mod_cache()?);
    let touch_cache = !args.store_only;
    let entries = inventory(store.as_ref(), &cache)?;
    let selected = entries
        .iter()
        .filter(|(module, _)| args.all || Selector::any(&selectors, module))
        .filter(|(_, entry)| {
            cutoff.is_none_or(|cutoff| entry.newest().is_some_and(|t| t < cutoff))
        });

    let mut removed = 0;
    for (module, entry) in selected {
        let in_store = store.is_some() && !entry.store_kinds.is_empty();
        let in_cache = touch_cache && entry.in_mod_cache();
        if !in_store && !in_cache {
            continue;
        }
        removed += 1;
        let verb = if args.dry_run {
            "Would remove"
        } else {
            "Removing"
        };
        printer.status(verb, format_args!("{} {}", module.path, module.version));
        if !args.dry_run {
            remove(store.as_ref().filter(|_| in_store), in_cache, module, entry)?;
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
        let cache = touch_cache.then_some(&cache);
        for selector in &selectors {
            if let Selector::Module(path) = selector {
                forget_module(path, store.as_ref(), cache)?;
            }
        }
        if args.all {
            remove_all(store.as_ref(), cache)?;
        }
    }
    let verb = if args.dry_run {
        "Would clean"
    } else {
        "Cleaned"
    };
    printer.status(verb, format_args!("{removed} module versions"));
    match &store {
        Some(store) if exclusive && !args.dry_run => collect(store, Duration::ZERO, printer)?,
        Some(_) if !args.dry_run => printer.warn(
            "another gomodx process is using the store: run `gomodx cache gc` later to free the blobs",
        ),
        _ => {}
    }
    Ok(ExitStatus::Success)
}
