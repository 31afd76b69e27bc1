//! What is known about one dependency's versions, for `outdated` and
//! `doctor`: the version go.mod requires, the one MVS selects, the newest
//! release and pre-release the proxy lists, what `@latest` resolves to
//! under the main module's excludes and the author's retractions, whether
//! the selected version is disallowed or the module deprecated, and where
//! the version list came from. Every answer is asked once per run.

use gomodx_module::{ModuleVersion, semver};
use gomodx_store::MetaKey;

use crate::error::Error;
use crate::fetcher::Fetcher;
use crate::freshness::Answer;
use crate::rules::{MainRules, Replacement};

/// One dependency's versions.
#[derive(Debug, Clone)]
pub struct ModuleStatus {
    /// The module path.
    pub path: String,
    /// The version the main go.mod requires, if it does.
    pub required: Option<String>,
    /// Whether the go.mod requirement is `// indirect` (or absent).
    pub indirect: bool,
    /// The version MVS selects.
    pub selected: Option<String>,
    /// What replaces the selected version (a directory as a path with no
    /// version).
    pub replaced: Option<ModuleVersion>,
    /// The versions the proxy lists (ascending), or why there are none.
    pub versions: Result<Vec<String>, Error>,
    /// The newest release the proxy lists (excludes and retractions ignored).
    pub newest_release: Option<String>,
    /// The newest pre-release, when newer than the newest release.
    pub newest_prerelease: Option<String>,
    /// What `path@latest` resolves to, or why it fails.
    pub latest: Result<String, Error>,
    /// Why the selected version is not allowed (excluded, retracted).
    pub disallowed: Option<Error>,
    /// The latest go.mod's `Deprecated:` message.
    pub deprecated: Option<String>,
    /// The version list's provenance.
    pub list_answer: Option<Answer>,
}

impl ModuleStatus {
    /// Whether a newer allowed release than the selected version exists.
    pub fn is_outdated(&self) -> bool {
        match (&self.selected, &self.latest) {
            (Some(selected), Ok(latest)) => semver::compare(latest, selected).is_gt(),
            _ => false,
        }
    }

    /// Whether no proxy knows the module at all (neither a list nor
    /// `@latest`).
    pub fn is_unknown(&self) -> bool {
        let missing = |e: &Error| e.is_not_exist();
        self.versions.as_ref().err().is_some_and(missing)
            && self.latest.as_ref().err().is_some_and(missing)
            && self.selected.is_none()
    }

    /// A few words on why `@latest` failed, for a table cell (the full
    /// error is [`Self::latest`]).
    pub fn latest_note(&self) -> Option<&'static str> {
        let error = self.latest.as_ref().err()?;
        Some(match error {
            Error::NoMatchingVersion { .. } => "no allowed version",
            Error::Offline { .. } => "not in the store (offline)",
            e if e.is_not_exist() => "not found on the proxy",
            _ => "the proxy failed",
        })
    }

    /// Whether `@latest` failed for another reason than the module or an
    /// allowed version not existing, or the network being off: the error
    /// deserves to be shown in full.
    pub fn proxy_failed(&self) -> bool {
        self.latest.as_ref().is_err_and(|e| {
            !matches!(e, Error::NoMatchingVersion { .. } | Error::Offline { .. })
                && !e.is_not_exist()
        })
    }
}

/// Whether `path` names a module (not the `go` and `toolchain` lines a
/// build list carries).
pub fn is_module_path(path: &str) -> bool {
    !gomodx_module::is_toolchain_path(path) && gomodx_module::path::check_path(path).is_ok()
}

impl Fetcher {
    /// Gathers the [`ModuleStatus`] of `path`: `required` is go.mod's
    /// requirement and whether it is indirect, `selected` what MVS selects.
    pub async fn module_status(
        &self,
        rules: &MainRules,
        path: &str,
        required: Option<(String, bool)>,
        selected: Option<String>,
    ) -> ModuleStatus {
        let versions = self.versions(path).await.map(|v| v.to_vec());
        let listed = versions.as_deref().unwrap_or_default();
        let newest = |pre: bool| {
            listed
                .iter()
                .filter(|v| semver::prerelease(v).is_empty() != pre)
                .max_by(|a, b| semver::compare(a, b))
                .cloned()
        };
        let newest_release = newest(false);
        let newest_prerelease = newest(true).filter(|pre| {
            newest_release
                .as_ref()
                .is_none_or(|release| semver::compare(pre, release).is_gt())
        });
        let latest = self
            .query(path, "latest", "", Some(rules))
            .await
            .map(|info| info.version);
        let disallowed = match &selected {
            Some(version) if !version.is_empty() => {
                self.query(path, version, "", Some(rules)).await.err()
            }
            _ => None,
        };
        let deprecated = self.deprecation(path).await;
        let replaced = selected
            .as_ref()
            .and_then(|v| rules.replacement(&ModuleVersion::new(path, v.clone())))
            .map(|r| match r {
                Replacement::Module(m) => m.clone(),
                Replacement::Dir(dir) => ModuleVersion::new(dir.display().to_string(), ""),
            });
        let list_answer = self
            .answers()
            .into_iter()
            .rev()
            .find(|a| a.path == path && a.key == MetaKey::List);
        ModuleStatus {
            path: path.to_owned(),
            indirect: required.as_ref().is_none_or(|(_, indirect)| *indirect),
            required: required.map(|(v, _)| v),
            selected,
            replaced,
            versions,
            newest_release,
            newest_prerelease,
            latest,
            disallowed,
            deprecated,
            list_answer,
        }
    }

    /// The `// Deprecated:` message of the module's latest go.mod.
    async fn deprecation(&self, path: &str) -> Option<String> {
        let latest = self.query(path, "latest", "", None).await.ok()?;
        let go_mod = self
            .go_mod(&ModuleVersion::new(path, latest.version))
            .await
            .ok()?;
        let parsed = gomodx_modfile::parse_lax("go.mod", &go_mod.data).ok()?;
        parsed
            .module
            .map(|m| m.deprecated)
            .filter(|d| !d.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_and_toolchain_are_not_modules() {
        assert!(!is_module_path("go"));
        assert!(!is_module_path("toolchain"));
        assert!(is_module_path("rsc.io/quote"));
    }
}
