//! Go's `codehost.Origin` and `codehost.RevInfo`.

use gomodx_module::time::Timestamp;
use serde_json::{Map, Value};

/// Where a version came from, to check later whether it still holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Origin {
    pub vcs: String,
    pub url: String,
    pub subdir: String,
    pub hash: String,
    pub tag_prefix: String,
    pub tag_sum: String,
    /// Go's `Ref` (a keyword in Rust).
    pub ref_: String,
    pub repo_sum: String,
}

impl Origin {
    /// The JSON object Go marshals (fields in declaration order, empty
    /// ones omitted).
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        for (name, value) in [
            ("VCS", &self.vcs),
            ("URL", &self.url),
            ("Subdir", &self.subdir),
            ("Hash", &self.hash),
            ("TagPrefix", &self.tag_prefix),
            ("TagSum", &self.tag_sum),
            ("Ref", &self.ref_),
            ("RepoSum", &self.repo_sum),
        ] {
            if !value.is_empty() {
                map.insert(name.to_owned(), Value::String(value.clone()));
            }
        }
        Value::Object(map)
    }
}

/// A revision of the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RevInfo {
    pub origin: Origin,
    /// The full commit hash.
    pub name: String,
    /// The 12-digit prefix used in pseudo-versions.
    pub short: String,
    /// The commit time, seconds since the Unix epoch.
    pub time: i64,
    /// The version (or revision) this answers for.
    pub version: String,
    /// Tags on the commit.
    pub tags: Vec<String>,
}

impl RevInfo {
    /// The GOPROXY-shaped answer.
    pub fn to_client(&self) -> gomodx_client::RevInfo {
        gomodx_client::RevInfo {
            version: self.version.clone(),
            time: Some(Timestamp::from_unix(self.time).to_go_json()),
            origin: Some(self.origin.to_json()),
        }
    }
}
