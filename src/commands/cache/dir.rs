//! `gomodx cache dir`: where the caches are.

use anyhow::Result;

use crate::ExitStatus;
use crate::cli::CacheDirArgs;
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// Prints the store directory and GOMODCACHE, or one of them.
pub fn run(
    settings: &GlobalSettings,
    args: &CacheDirArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    let store = settings.fetch()?.store_dir.display().to_string();
    let modcache = settings.mod_cache()?.display().to_string();
    match (args.store, args.modcache) {
        (true, _) => printer.data(store),
        (_, true) => printer.data(modcache),
        _ => {
            printer.data(format_args!("store       {store}"));
            printer.data(format_args!("GOMODCACHE  {modcache}"));
        }
    }
    Ok(ExitStatus::Success)
}
