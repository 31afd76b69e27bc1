//! Mutable answers (`@v/list`, `@latest`) as the remote keeps them: the
//! answer, the proxy that gave it and when, so readers know its age.

use std::time::{Duration, SystemTime};

use gomodx_store::MetaValue;
use serde::{Deserialize, Serialize};

/// Which mutable answer about a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemoteMetaKey {
    /// `<module>/@v/list`.
    List,
    /// `<module>/@latest`.
    Latest,
}

impl RemoteMetaKey {
    /// `list` or `latest`, the object's base name.
    pub fn name(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Latest => "latest",
        }
    }
}

/// A mutable answer in the remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteMeta {
    /// The answer.
    pub value: MetaValue,
    /// The proxy that gave it (redacted URL).
    pub proxy: String,
    /// When that proxy gave it.
    pub fetched_at: SystemTime,
}

impl RemoteMeta {
    /// How old the answer is now (zero if its time is in the future).
    pub fn age(&self) -> Duration {
        SystemTime::now()
            .duration_since(self.fetched_at)
            .unwrap_or_default()
    }

    /// The JSON: `{"proxy","fetched_at","body"}` or `{…,"not_found":true}`.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        let (body, not_found) = match &self.value {
            MetaValue::Found(body) => (Some(body.clone()), false),
            MetaValue::NotFound => (None, true),
        };
        let file = MetaJson {
            proxy: self.proxy.clone(),
            fetched_at: humantime::format_rfc3339_millis(self.fetched_at).to_string(),
            body,
            not_found,
        };
        let mut json = serde_json::to_vec(&file).expect("a MetaJson always serializes");
        json.push(b'\n');
        json
    }

    /// Reads back [`to_json`](Self::to_json)'s output.
    pub(crate) fn from_json(bytes: &[u8]) -> Result<Self, String> {
        let file: MetaJson = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        let fetched_at = humantime::parse_rfc3339(&file.fetched_at)
            .map_err(|e| format!("fetched_at {:?}: {e}", file.fetched_at))?;
        let value = match (file.body, file.not_found) {
            (Some(body), false) => MetaValue::Found(body),
            (None, true) => MetaValue::NotFound,
            _ => return Err("neither a body nor not_found".into()),
        };
        Ok(Self {
            value,
            proxy: file.proxy,
            fetched_at,
        })
    }
}

#[derive(Serialize, Deserialize)]
struct MetaJson {
    proxy: String,
    fetched_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    not_found: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip_with_their_age() {
        let fetched_at = SystemTime::now() - Duration::from_secs(90);
        for value in [
            MetaValue::Found("v1.0.0\nv1.1.0\n".into()),
            MetaValue::NotFound,
        ] {
            let meta = RemoteMeta {
                value,
                proxy: "http://127.0.0.1:1".into(),
                fetched_at,
            };
            let back = RemoteMeta::from_json(&meta.to_json()).unwrap();
            assert_eq!(back.value, meta.value);
            assert_eq!(back.proxy, meta.proxy);
            let drift = back
                .fetched_at
                .duration_since(fetched_at)
                .unwrap_or_default()
                + fetched_at
                    .duration_since(back.fetched_at)
                    .unwrap_or_default();
            assert!(drift < Duration::from_millis(1), "{drift:?}");
            assert!(back.age() >= Duration::from_secs(90));
        }
        assert!(RemoteMeta::from_json(b"{\"proxy\":\"p\",\"fetched_at\":\"x\"}").is_err());
        assert!(
            RemoteMeta::from_json(br#"{"proxy":"p","fetched_at":"2026-01-01T00:00:00Z"}"#).is_err()
        );
    }
}
