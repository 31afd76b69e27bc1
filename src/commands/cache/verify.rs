//! `gomodx cache verify`: re-hash everything, in the store and in
//! GOMODCACHE ([`gomodx_modcache::caches::verify_store`], `go mod verify`).
//! Each problem names the command that repairs it.

use anyhow::Result;
use gomodx_modcache::ModCache;
use gomodx_modcache::caches::{inventory, verify_store};
use rayon::prelude::*;

use crate::ExitStatus;
use crate::cli::CacheVerifyArgs;
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// Verifies both caches; exits 1 when anything is corrupt.
pub fn run(
    settings: &GlobalSettings,
    args: &CacheVerifyArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    let store = settings.store()?;
    let (mut checked, problems) = verify_store(&store)?;
    let mut problems: Vec<String> = problems.iter().map(|p| format!("store: {p}")).collect();
    if !args.store_only {
        let cache = ModCache::new(settings.mod_cache()?);
        let modules: Vec<_> = inventory(None, &cache)?
            .into_iter()
            .filter(|(_, entry)| entry.in_mod_cache())
            .map(|(module, _)| module)
            .collect();
        checked += modules.len();
        problems.extend(
            modules
                .par_iter()
                .flat_map_iter(|module| gomodx_modcache::verify(&cache, module))
                .map(|problem| format!("GOMODCACHE: {problem}; to repair: {}", problem.repair()))
                .collect::<Vec<_>>(),
        );
    }
    problems.sort();
    for problem in &problems {
        printer.error(problem);
    }
    if problems.is_empty() {
        printer.status("Verified", format_args!("{checked} entries"));
        Ok(ExitStatus::Success)
    } else {
        Ok(ExitStatus::Failure)
    }
}
