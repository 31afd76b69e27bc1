//! A [`ModuleStatus`] as `outdated` and `doctor` show it: its short notes
//! and its JSON objects.

use serde_json::{Value, json};

use crate::doctor::Finding;
use crate::status::ModuleStatus;

impl ModuleStatus {
    /// Short remarks for a table: outdated, indirect, replaced, disallowed,
    /// deprecated, and why `@latest` failed in a few words (the full error
    /// is [`Self::latest`]).
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.is_outdated() {
            notes.push("outdated".to_owned());
        }
        if self.indirect {
            notes.push("indirect".to_owned());
        }
        if let Some(replaced) = &self.replaced {
            let text = format!("replaced by {} {}", replaced.path, replaced.version);
            notes.push(text.trim_end().to_owned());
        }
        if let Some(error) = &self.disallowed {
            notes.push(error.to_string());
        }
        if let Some(message) = &self.deprecated {
            notes.push(format!("deprecated: {message}"));
        }
        if let Some(note) = self.latest_note() {
            notes.push(format!("latest: {note}"));
        }
        notes
    }

    /// `outdated --json`'s object: `{"Path","Required","Indirect",
    /// "Selected","Replace","Latest","LatestError","NewestRelease",
    /// "NewestPrerelease","Outdated","Disallowed","Deprecated","Provenance"}`.
    pub fn to_json(&self) -> Value {
        json!({
            "Path": self.path,
            "Required": self.required,
            "Indirect": self.indirect,
            "Selected": self.selected,
            "Replace": self.replaced.as_ref().map(ToString::to_string),
            "Latest": self.latest.as_ref().ok(),
            "LatestError": self.latest.as_ref().err().map(ToString::to_string),
            "NewestRelease": self.newest_release,
            "NewestPrerelease": self.newest_prerelease,
            "Outdated": self.is_outdated(),
            "Disallowed": self.disallowed.as_ref().map(ToString::to_string),
            "Deprecated": self.deprecated,
            "Provenance": self.list_answer.as_ref().map(crate::Answer::to_json),
        })
    }

    /// `doctor --json`'s object: `{"Path","Required","Selected",
    /// "NewestRelease","NewestPrerelease","Latest","Findings":[{"Cause",
    /// "Evidence","Fix"}]}`.
    pub fn diagnosis_json(&self, findings: &[Finding]) -> Value {
        let findings: Vec<_> = findings
            .iter()
            .map(|f| json!({ "Cause": f.cause, "Evidence": f.evidence, "Fix": f.fix }))
            .collect();
        json!({
            "Path": self.path,
            "Required": self.required,
            "Selected": self.selected,
            "NewestRelease": self.newest_release,
            "NewestPrerelease": self.newest_prerelease,
            "Latest": self.latest.as_ref().ok(),
            "Findings": findings,
        })
    }
}
