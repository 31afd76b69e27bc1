//! `gomodx cache ls`: the module versions in the store and GOMODCACHE.

use anyhow::Result;
use gomodx_fetch::human_age;
use gomodx_modcache::ModCache;
use gomodx_modcache::caches::{Selector, inventory, tree_size};

use crate::ExitStatus;
use crate::cli::CacheLsArgs;
use crate::printer::Printer;
use crate::reporters::human_bytes;
use crate::settings::GlobalSettings;

/// Lists module versions: what the store holds (kinds, size, age, source)
/// and what GOMODCACHE holds (download files, extracted tree).
pub fn run(settings: &GlobalSettings, args: &CacheLsArgs, printer: &Printer) -> Result<ExitStatus> {
    let selectors = args
        .modules
        .iter()
        .map(|arg| Selector::parse(arg))
        .collect::<Result<Vec<_>, _>>()?;
    let store = settings.store()?;
    let cache = ModCache::new(settings.mod_cache()?);
    let entries = inventory(Some(&store), &cache)?;
    let selected = entries
        .iter()
        .filter(|(module, _)| Selector::any(&selectors, module));
    if !args.json {
        printer.data(format_args!(
            "{:<48} {:<24} {:<22} {:<24} AGE",
            "MODULE", "VERSION", "STORE", "MODCACHE"
        ));
    }
    for (module, entry) in selected {
        let tree_bytes = entry.tree.as_deref().map_or(0, tree_size);
        let kinds: Vec<&str> = entry.store_kinds.iter().map(|k| k.extension()).collect();
        let age = entry
            .newest()
            .map(|t| human_age(gomodx_fetch::age(t)))
            .unwrap_or_default();
        if args.json {
            let object = serde_json::json!({
                "Path": module.path,
                "Version": module.version,
                "Store": kinds,
                "StoreBytes": entry.store_bytes,
                "Source": entry.source,
                "FetchedAt": entry.fetched_at.map(|t| humantime::format_rfc3339_seconds(t).to_string()),
                "ModCacheFiles": entry.cache_files.len(),
                "ModCacheBytes": entry.cache_bytes + tree_bytes,
                "Dir": entry.tree.as_ref().map(|d| d.display().to_string()),
                "AgeSeconds": entry.newest().map(|t| gomodx_fetch::age(t).as_secs()),
            });
            printer.data(object);
        } else {
            let store = if kinds.is_empty() {
                "-".to_owned()
            } else {
                format!("{} {}", kinds.join(","), human_bytes(entry.store_bytes))
            };
            let modcache = match (entry.cache_files.len(), &entry.tree) {
                (0, None) => "-".to_owned(),
                (files, tree) => format!(
                    "{files} files{} {}",
                    if tree.is_some() { " +tree" } else { "" },
                    human_bytes(entry.cache_bytes + tree_bytes)
                ),
            };
            printer.data(format_args!(
                "{:<48} {:<24} {:<22} {:<24} {age}",
                module.path, module.version, store, modcache
            ));
        }
    }
    Ok(ExitStatus::Success)
}
