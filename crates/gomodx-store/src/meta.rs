//! Mutable proxy answers (`@v/list`, `@latest`, version queries), stored
//! per proxy with the time they were fetched. Whether an answer is still
//! fresh is decided by the caller; this module only keeps them.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::SystemTime;

use gomodx_module::escape::escape_path;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::disk::{create_dir_all, read_if_exists};
use crate::error::StoreError;
use crate::store::{META, Store, parent};

/// Longest encoded query kept readable in a file name; longer queries are
/// named by their hash (file names are limited to 255 bytes).
const MAX_QUERY_NAME: usize = 128;

/// Which mutable answer about a module.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MetaKey {
    /// `<module>/@v/list`: the known versions.
    List,
    /// `<module>/@latest`: the proxy's latest version info.
    Latest,
    /// `<module>/@v/<query>.info` for a non-canonical query (branch, commit
    /// hash, partial version), as sent to the proxy.
    Query(String),
}

impl MetaKey {
    /// The file name: `list.json`, `latest.json`, `query-<encoded>.json`.
    ///
    /// Queries keep lower-case letters, digits and `.-_+`, write upper case
    /// as `!` plus the lower-case letter (file systems may fold case) and
    /// other bytes as `%XX`; queries longer than that allows are named
    /// `queryhash-<sha256>.json`.
    fn file_name(&self) -> String {
        match self {
            MetaKey::List => "list.json".to_owned(),
            MetaKey::Latest => "latest.json".to_owned(),
            MetaKey::Query(query) => {
                let encoded = encode_query(query);
                if encoded.len() <= MAX_QUERY_NAME {
                    format!("query-{encoded}.json")
                } else {
                    format!(
                        "queryhash-{}.json",
                        hex::encode(Sha256::digest(query.as_bytes()))
                    )
                }
            }
        }
    }
}

/// A proxy's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaValue {
    /// The response body (proxy protocol answers are text).
    Found(String),
    /// The proxy answered 404 or 410 (a negative answer, cached too).
    NotFound,
}

/// A stored answer with its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaEntry {
    /// The answer.
    pub value: MetaValue,
    /// When it was fetched.
    pub fetched_at: SystemTime,
    /// The proxy that gave it (the URL passed to [`Store::put_meta`]).
    pub proxy: String,
    /// The HTTP validators it came with, for revalidating it later.
    pub validators: MetaValidators,
}

/// An answer's HTTP `ETag` and `Last-Modified`, as the proxy sent them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaValidators {
    /// The `ETag` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// The JSON form: `{"proxy","fetched_at","body"}` or `{…,"not_found":true}`.
#[derive(Serialize, Deserialize)]
struct MetaFile {
    proxy: String,
    #[serde(with = "crate::time::rfc3339")]
    fetched_at: SystemTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    not_found: bool,
    #[serde(default, flatten)]
    validators: MetaValidators,
}

impl Store {
    /// Stores `value` as the answer of `proxy_url` about `module_path` for
    /// `key`, fetched now, replacing any earlier answer atomically.
    ///
    /// `proxy_url` is written to disk: pass the redacted URL (no password).
    /// Returns the entry as [`get_meta`](Self::get_meta) will read it.
    pub fn put_meta(
        &self,
        proxy_url: &str,
        module_path: &str,
        key: &MetaKey,
        value: MetaValue,
    ) -> Result<MetaEntry, StoreError> {
        self.put_meta_validated(
            proxy_url,
            module_path,
            key,
            value,
            MetaValidators::default(),
        )
    }

    /// [`put_meta`](Self::put_meta) with the answer's HTTP validators (also
    /// used to record, with the same body, that a proxy confirmed it now).
    pub fn put_meta_validated(
        &self,
        proxy_url: &str,
        module_path: &str,
        key: &MetaKey,
        value: MetaValue,
        validators: MetaValidators,
    ) -> Result<MetaEntry, StoreError> {
        let path = self.meta_path(proxy_url, module_path, key)?;
        let entry = MetaEntry {
            value,
            fetched_at: SystemTime::now(),
            proxy: proxy_url.to_owned(),
            validators,
        };
        let (body, not_found) = match &entry.value {
            MetaValue::Found(body) => (Some(body.clone()), false),
            MetaValue::NotFound => (None, true),
        };
        let file = MetaFile {
            proxy: entry.proxy.clone(),
            fetched_at: entry.fetched_at,
            body,
            not_found,
            validators: entry.validators.clone(),
        };
        let mut json = serde_json::to_vec(&file).expect("a MetaFile always serializes to JSON");
        json.push(b'\n');
        create_dir_all(parent(&path))?;
        self.write_file(&path, &json)?;
        Ok(entry)
    }

    /// The stored answer of `proxy_url` about `module_path` for `key`, of
    /// any age; `None` if there is none or it cannot be read back.
    pub fn get_meta(
        &self,
        proxy_url: &str,
        module_path: &str,
        key: &MetaKey,
    ) -> Result<Option<MetaEntry>, StoreError> {
        let path = self.meta_path(proxy_url, module_path, key)?;
        let Some(bytes) = read_if_exists(&path)? else {
            return Ok(None);
        };
        let Ok(file) = serde_json::from_slice::<MetaFile>(&bytes) else {
            return Ok(None);
        };
        let value = match (file.body, file.not_found) {
            (Some(body), false) => MetaValue::Found(body),
            (None, true) => MetaValue::NotFound,
            _ => return Ok(None),
        };
        // The directory is named by a hash prefix; make sure it is ours.
        if file.proxy != proxy_url {
            return Ok(None);
        }
        Ok(Some(MetaEntry {
            value,
            fetched_at: file.fetched_at,
            proxy: file.proxy,
            validators: file.validators,
        }))
    }

    /// `meta-v1/<16 hex of sha256(proxy)>/<escaped module>/@v/<key>.json`.
    fn meta_path(
        &self,
        proxy_url: &str,
        module_path: &str,
        key: &MetaKey,
    ) -> Result<PathBuf, StoreError> {
        let proxy = hex::encode(&Sha256::digest(proxy_url.as_bytes())[..8]);
        let module = escape_path(module_path)?;
        Ok(self
            .bucket(META)
            .join(proxy)
            .join(module)
            .join("@v")
            .join(key.file_name()))
    }
}

/// Encodes a query as a portable, case-insensitive-safe file name part.
fn encode_query(query: &str) -> String {
    let mut encoded = String::with_capacity(query.len());
    for byte in query.bytes() {
        match byte {
            b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'+' => encoded.push(char::from(byte)),
            b'A'..=b'Z' => {
                encoded.push('!');
                encoded.push(char::from(byte.to_ascii_lowercase()));
            }
            _ => write!(encoded, "%{byte:02X}").expect("writing to a String cannot fail"),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::temp_store;

    const PROXY: &str = "https://proxy.golang.org";
    const MIRROR: &str = "https://goproxy.example.com/mod";

    #[test]
    fn meta_keeps_its_validators() {
        let (_dir, store) = temp_store();
        let validators = MetaValidators {
            etag: Some("\"abc\"".to_owned()),
            last_modified: Some("Sun, 06 Dec 2026 10:00:00 GMT".to_owned()),
        };
        let value = MetaValue::Found("v1.0.0\n".to_owned());
        let put = store
            .put_meta_validated(
                PROXY,
                "m.example/m",
                &MetaKey::List,
                value,
                validators.clone(),
            )
            .unwrap();
        let got = store
            .get_meta(PROXY, "m.example/m", &MetaKey::List)
            .unwrap()
            .unwrap();
        assert_eq!(got, put);
        assert_eq!(got.validators, validators);
        let plain = MetaValue::Found("v1.0.0\n".to_owned());
        store
            .put_meta(PROXY, "m.example/m", &MetaKey::List, plain)
            .unwrap();
        let got = store.get_meta(PROXY, "m.example/m", &MetaKey::List);
        assert_eq!(got.unwrap().unwrap().validators, MetaValidators::default());
    }

    #[test]
    fn meta_round_trips_with_fetched_at() {
        let (_dir, store) = temp_store();
        let before = SystemTime::now();
        let list = MetaValue::Found("v1.0.0\nv1.1.0\n".to_owned());
        let put = store
            .put_meta(PROXY, "rsc.io/QUOTE", &MetaKey::List, list.clone())
            .unwrap();
        let after = SystemTime::now();
        assert!(before <= put.fetched_at && put.fetched_at <= after);

        let got = store
            .get_meta(PROXY, "rsc.io/QUOTE", &MetaKey::List)
            .unwrap()
            .unwrap();
        assert_eq!(got, put, "fetched_at survives the round trip exactly");
        assert_eq!(got.value, list);
        assert_eq!(got.proxy, PROXY);

        let dir = hex::encode(&Sha256::digest(PROXY.as_bytes())[..8]);
        let path = store
            .root()
            .join(format!("meta-v1/{dir}/rsc.io/!q!u!o!t!e/@v/list.json"));
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        assert_eq!(json["proxy"], PROXY);
        assert_eq!(json["body"], "v1.0.0\nv1.1.0\n");
        assert!(json.get("not_found").is_none());
        assert_eq!(
            humantime::parse_rfc3339(json["fetched_at"].as_str().unwrap()).unwrap(),
            put.fetched_at
        );
    }

    #[test]
    fn negative_answers_are_stored() {
        let (_dir, store) = temp_store();
        store
            .put_meta(
                PROXY,
                "example.com/nope",
                &MetaKey::Latest,
                MetaValue::NotFound,
            )
            .unwrap();
        let got = store
            .get_meta(PROXY, "example.com/nope", &MetaKey::Latest)
            .unwrap()
            .unwrap();
        assert_eq!(got.value, MetaValue::NotFound);
        assert_eq!(
            store
                .get_meta(PROXY, "example.com/nope", &MetaKey::List)
                .unwrap(),
            None
        );
    }

    #[test]
    fn answers_are_kept_per_proxy_and_replaced() {
        let (_dir, store) = temp_store();
        let latest = |body: &str| MetaValue::Found(body.to_owned());
        store
            .put_meta(PROXY, "example.com/m", &MetaKey::Latest, latest("a"))
            .unwrap();
        store
            .put_meta(MIRROR, "example.com/m", &MetaKey::Latest, latest("b"))
            .unwrap();
        let first = store
            .get_meta(PROXY, "example.com/m", &MetaKey::Latest)
            .unwrap()
            .unwrap();
        assert_eq!(first.value, latest("a"));
        assert_eq!(
            store
                .get_meta(MIRROR, "example.com/m", &MetaKey::Latest)
                .unwrap()
                .unwrap()
                .value,
            latest("b")
        );
        assert_eq!(
            store
                .get_meta("https://third.example", "example.com/m", &MetaKey::Latest)
                .unwrap(),
            None
        );

        let second = store
            .put_meta(PROXY, "example.com/m", &MetaKey::Latest, latest("c"))
            .unwrap();
        let got = store
            .get_meta(PROXY, "example.com/m", &MetaKey::Latest)
            .unwrap()
            .unwrap();
        assert_eq!(got.value, latest("c"));
        assert!(got.fetched_at >= first.fetched_at);
        assert_eq!(got, second);
    }

    #[test]
    fn queries_get_distinct_safe_file_names() {
        let (_dir, store) = temp_store();
        let queries = [
            "master",
            "Master",
            "feature/x",
            "<v1.5",
            "v1.2",
            "v1.2.0",
            "../..",
            &"q".repeat(300),
        ];
        for query in queries {
            let key = MetaKey::Query(query.to_owned());
            store
                .put_meta(
                    PROXY,
                    "example.com/m",
                    &key,
                    MetaValue::Found(format!("{query}!")),
                )
                .unwrap();
        }
        for query in queries {
            let key = MetaKey::Query(query.to_owned());
            let got = store
                .get_meta(PROXY, "example.com/m", &key)
                .unwrap()
                .unwrap();
            assert_eq!(got.value, MetaValue::Found(format!("{query}!")), "{query}");
        }
        assert_eq!(encode_query("Feature/x<1.2+b"), "!feature%2Fx%3C1.2+b");
        assert!(
            MetaKey::Query("q".repeat(300))
                .file_name()
                .starts_with("queryhash-")
        );
    }

    #[test]
    fn unreadable_meta_counts_as_absent() {
        let (_dir, store) = temp_store();
        let path = store
            .meta_path(PROXY, "example.com/m", &MetaKey::List)
            .unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            &path,
            r#"{"proxy":"https://proxy.golang.org","fetched_at":"2026-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(
            store
                .get_meta(PROXY, "example.com/m", &MetaKey::List)
                .unwrap(),
            None,
            "neither body nor not_found"
        );
        std::fs::write(&path, "garbage").unwrap();
        assert_eq!(
            store
                .get_meta(PROXY, "example.com/m", &MetaKey::List)
                .unwrap(),
            None
        );
    }

    #[test]
    fn invalid_module_paths_are_rejected() {
        let (_dir, store) = temp_store();
        let err = store
            .put_meta(PROXY, "../../etc", &MetaKey::List, MetaValue::NotFound)
            .unwrap_err();
        assert!(matches!(err, StoreError::Module(_)), "{err}");
    }
}
