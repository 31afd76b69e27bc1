//! `gomodx cache stats`: counts and sizes of the store and GOMODCACHE.

use anyhow::{Context, Result};
use gomodx_modcache::ModCache;
use gomodx_modcache::caches::{Counts, counts, inventory, tree_size};

use crate::ExitStatus;
use crate::cli::CacheStatsArgs;
use crate::printer::Printer;
use crate::reporters::human_bytes;
use crate::settings::GlobalSettings;

/// Prints how many module versions each cache holds and their sizes.
pub fn run(
    settings: &GlobalSettings,
    args: &CacheStatsArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    let store = settings.store()?;
    let mod_cache = settings.mod_cache()?;
    let cache = ModCache::new(&mod_cache);
    let entries = inventory(Some(&store), &cache)?;
    let Counts {
        in_store,
        in_mod_cache: in_cache,
        trees,
        oldest_fetch,
    } = counts(&entries);
    let store_bytes = store.size().context("measuring the gomodx store")?;
    let cache_bytes = tree_size(&mod_cache);
    let oldest = oldest_fetch.map(|t| humantime::format_rfc3339_seconds(t).to_string());
    if args.json {
        printer.data(serde_json::json!({
            "Store": store.root().display().to_string(),
            "StoreVersions": in_store,
            "StoreBytes": store_bytes,
            "OldestFetch": oldest,
            "ModCache": mod_cache.display().to_string(),
            "ModCacheVersions": in_cache,
            "ModCacheTrees": trees,
            "ModCacheBytes": cache_bytes,
        }));
    } else {
        printer.data(format_args!(
            "store       {}: {in_store} module versions, {}{}",
            store.root().display(),
            human_bytes(store_bytes),
            oldest
                .map(|t| format!(", oldest fetched {t}"))
                .unwrap_or_default()
        ));
        printer.data(format_args!(
            "GOMODCACHE  {}: {in_cache} module versions, {trees} extracted, {}",
            mod_cache.display(),
            human_bytes(cache_bytes)
        ));
    }
    Ok(ExitStatus::Success)
}
