//! Which versions a filtered query may pick (Go's `CheckAllowed`): not
//! excluded by the main module and not retracted by the module's author;
//! and whether a version has a real go.mod (for `+incompatible` versions).

use std::sync::Arc;

use gomodx_module::{ModuleVersion, semver};

use crate::error::{Error, NotAllowed};
use crate::fetcher::Fetcher;
use crate::rules::{MainRules, Replacement};

/// Go's message for a retracted version.
const RETRACTED: &str = "retracted by module author";

/// A `retract` interval of a module's latest go.mod.
#[derive(Debug, Clone)]
pub(super) struct Retraction {
    low: String,
    high: String,
    rationale: String,
}

impl Fetcher {
    /// Go's `CheckAllowed`: an error only when `rules` exclude the version
    /// or its module's latest go.mod retracts it.
    pub(super) async fn check_allowed(
        &self,
        path: &str,
        version: &str,
        rules: Option<&MainRules>,
    ) -> Result<(), Error> {
        let Some(rules) = rules else { return Ok(()) };
        if version.is_empty() {
            return Ok(());
        }
        let disallowed = |why| Error::NotAllowed {
            path: path.to_owned(),
            version: version.to_owned(),
            why,
        };
        if rules.is_excluded(&ModuleVersion::new(path, version)) {
            return Err(disallowed(NotAllowed::Excluded));
        }
        let retractions = self.retractions(path, rules).await;
        let mut matching = retractions.iter().filter(|r| {
            semver::compare(&r.low, version).is_le() && semver::compare(version, &r.high).is_le()
        });
        let Some(first) = matching.next() else {
            return Ok(());
        };
        // Go shows the first non-empty rationale of the matching intervals.
        let rationale = std::iter::once(first)
            .chain(matching)
            .find(|r| !r.rationale.is_empty());
        Err(disallowed(NotAllowed::Retracted {
            rationale: rationale.map(|r| short_message(&r.rationale)),
        }))
    }

    /// The `retract` directives of the go.mod of the module's latest
    /// version (ignoring retractions), or of its replacement. Failing to
    /// load them is not an error, as in go: nothing is retracted then.
    async fn retractions(&self, path: &str, rules: &MainRules) -> Arc<Vec<Retraction>> {
        let key = path.to_owned();
        self.inner
            .queries
            .retractions
            .get_or_init(&key, || async {
                if rules.replaces_all_versions(path) {
                    return Arc::default();
                }
                let Ok(latest) = Box::pin(self.query(path, "latest", "", None)).await else {
                    return Arc::default();
                };
                let module = ModuleVersion::new(path, latest.version);
                let data = match rules.replacement(&module) {
                    Some(Replacement::Dir(dir)) => std::fs::read(dir.join("go.mod")).ok(),
                    Some(Replacement::Module(replacement)) => {
                        self.go_mod(replacement).await.ok().map(|g| g.data.to_vec())
                    }
                    None => self.go_mod(&module).await.ok().map(|g| g.data.to_vec()),
                };
                let Some(mod_file) =
                    data.and_then(|d| gomodx_modfile::parse_lax("go.mod", &d).ok())
                else {
                    return Arc::default();
                };
                let retractions = mod_file.retract.iter().map(|r| Retraction {
                    low: r.interval.low.clone(),
                    high: r.interval.high.clone(),
                    rationale: r.rationale.clone(),
                });
                Arc::new(retractions.collect())
            })
            .await
    }

    /// Go's `versionHasGoMod`: whether the version's go.mod is more than
    /// the synthetic `module <path>` a proxy serves for pre-module code.
    pub(super) async fn has_go_mod(&self, path: &str, version: &str) -> Result<bool, Error> {
        let go_mod = self.go_mod(&ModuleVersion::new(path, version)).await?;
        let legacy = format!("module {}\n", gomodx_modfile::auto_quote(path));
        Ok(*go_mod.data != *legacy.as_bytes())
    }
}

/// Go's `modload.ShortMessage` for a retraction rationale: the first line,
/// trimmed; too long or unprintable text is replaced by a note.
fn short_message(message: &str) -> String {
    let line = message.split('\n').next().unwrap_or_default().trim();
    if line.is_empty() {
        RETRACTED.to_owned()
    } else if line.len() > 500 {
        "(message omitted: too long)".to_owned()
    } else if line.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        "(message omitted: contains non-printable characters)".to_owned()
    } else {
        line.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_messages() {
        assert_eq!(short_message("  bad bug \nmore"), "bad bug");
        assert_eq!(short_message(" \nmore"), RETRACTED);
        assert_eq!(
            short_message(&"x".repeat(501)),
            "(message omitted: too long)"
        );
        assert_eq!(
            short_message("a\u{7}b"),
            "(message omitted: contains non-printable characters)"
        );
    }
}
