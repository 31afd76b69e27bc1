//! Re-hashing the store: every blob against its name (corrupt ones are
//! quarantined and their refs dropped, so the next download fetches them
//! again) and every `.mod` and `.zip` against its recorded `h1:`.

use std::fmt;

use gomodx_module::ModuleVersion;
use gomodx_modzip::h1::{hash_go_mod, hash_zip};
use gomodx_store::{ArtifactKind, Store};
use rayon::prelude::*;

use super::CachesError;

/// A store ref whose content was wrong; the ref has been removed.
/// `Display`: `rsc.io/quote@v1.5.2 (zip): corrupt blob (quarantined); ref
/// removed, …` with the command that fetches it again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StoreProblem {
    /// The module version.
    pub module: ModuleVersion,
    /// Which artifact.
    pub kind: ArtifactKind,
    /// What was wrong.
    pub problem: String,
}

impl fmt::Display for StoreProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            module,
            kind,
            problem,
        } = self;
        write!(
            f,
            "{module} ({kind}): {problem}; ref removed, `gomodx download {module}` fetches it again"
        )
    }
}

/// Checks every ref of `store` in parallel, removing the refs of corrupt
/// content; returns how many refs were checked and the problems.
pub fn verify_store(store: &Store) -> Result<(usize, Vec<StoreProblem>), CachesError> {
    let refs = store
        .list_refs()
        .collect::<Result<Vec<_>, _>>()
        .map_err(CachesError::store("listing the gomodx store"))?;
    let problems = refs
        .par_iter()
        .filter_map(|(module, kind, reference)| {
            let problem = match store.verify_blob(&reference.sha256) {
                Ok(true) => h1_problem(store, *kind, &reference.sha256, reference.h1.as_deref()),
                Ok(false) => Some("corrupt blob (quarantined)".to_owned()),
                Err(e) => Some(e.to_string()),
            }?;
            let _ = store.remove_ref(module, *kind);
            Some(StoreProblem {
                module: module.clone(),
                kind: *kind,
                problem,
            })
        })
        .collect();
    Ok((refs.len(), problems))
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
