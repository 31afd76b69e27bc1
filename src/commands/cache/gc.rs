//! `gomodx cache gc`: delete what no ref needs (exclusive store lock).

use std::time::Duration;

use anyhow::{Context, Result};
use gomodx_store::Store;

use crate::ExitStatus;
use crate::cli::CacheGcArgs;
use crate::printer::{Hinted, Printer};
use crate::reporters::human_bytes;
use crate::settings::{GlobalSettings, parse_duration};

/// Unreferenced blobs younger than this survive `gc` by default: an older
/// gomodx that does not lock may be about to reference them.
const DEFAULT_GRACE: Duration = Duration::from_secs(3600);

/// Runs [`Store::gc`] under the exclusive lock and prints what it did.
pub fn run(settings: &GlobalSettings, args: &CacheGcArgs, printer: &Printer) -> Result<ExitStatus> {
    let grace = match &args.grace {
        Some(text) => parse_duration("--grace", text)?,
        None => DEFAULT_GRACE,
    };
    let store_dir = settings.fetch()?.store_dir;
    let store = settings.store_exclusive()?.ok_or_else(|| Hinted {
        message: format!(
            "the gomodx store at {} is in use by another gomodx process",
            store_dir.display()
        ),
        hint: "try again when it has finished".to_owned(),
    })?;
    collect(&store, grace, printer)?;
    Ok(ExitStatus::Success)
}

/// Collects garbage and prints a status line.
pub fn collect(store: &Store, grace: Duration, printer: &Printer) -> Result<()> {
    let stats = store
        .gc(grace)
        .context("collecting garbage in the gomodx store")?;
    printer.status(
        "Collected",
        format_args!(
            "{} unreferenced blobs, {} dangling refs, {} temporary and {} quarantined files ({}); {} blobs kept",
            stats.blobs_removed,
            stats.refs_removed,
            stats.temp_removed,
            stats.quarantine_removed,
            human_bytes(stats.bytes_removed),
            stats.blobs_kept
        ),
    );
    Ok(())
}
