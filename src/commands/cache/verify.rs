//! `gomodx cache verify`: re-hash everything. In the store every blob is
//! checked against its name (corrupt ones are quarantined and their refs
//! dropped, so the next download fetches them again) and every `.mod` and
//! `.zip` against its recorded `h1:`; in GOMODCACHE every module's zip and
//! tree against its `.ziphash`, as `go mod verify` does. Each problem
//! names the command that repairs it.

use anyhow::{Context, Result};
use gomodx_modcache::ModCache;
use gomodx_modzip::h1::{hash_go_mod, hash_zip};
use gomodx_store::{ArtifactKind, Store};
use rayon::prelude::*;

use super::inventory::inventory;
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
    let store_dir = settings.fetch()?.store_dir;
    let store = Store::open(&store_dir)
        .with_context(|| format!("opening the gomodx store at {}", store_dir.display()))?;
    let refs = store
        .list_refs()
        .collect::<Result<Vec<_>, _>>()
        .context("listing the gomodx store")?;
    let mut problems: Vec<String> = refs
        .par_iter()
        .filter_map(|(module, kind, reference)| {
            let problem = match store.verify_blob(&reference.sha256) {
                Ok(true) => h1_problem(&store, *kind, &reference.sha256, reference.h1.as_deref()),
                Ok(false) => Some("corrupt blob (quarantined)".to_owned()),
                Err(e) => Some(e.to_string()),
            }?;
            let _ = store.remove_ref(module, *kind);
            Some(format!(
                "store: {module} ({kind}): {problem}; ref removed, `gomodx download {module}` fetches it again"
            ))
        })
        .collect();
    let mut checked = refs.len();
    if !args.store_only {
        let cache = ModCache::new(settings.mod_cache()?);
        let modules: Vec<_> = inventory(None, &cache)?
            .into_iter()
            .filter(|(_, entry)| entry.tree.is_some() || !entry.cache_files.is_empty())
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

/// Whether a blob's `h1:` differs from the one its ref records.
fn h1_problem(store: &Store, kind: ArtifactKind, sha256: &str, h1: Option<&str>) -> Option<String> {
    let expected = h1?;
    let actual = match kind {
        ArtifactKind::Mod => hash_go_mod(&store.read_blob(sha256).ok()?),
        ArtifactKind::Zip => hash_zip(&store.blob_path(sha256).ok()?).ok()?,
        ArtifactKind::Info => return None,
    };
    (actual != expected).then(|| format!("h1 mismatch: recorded {expected}, content {actual}"))
}
