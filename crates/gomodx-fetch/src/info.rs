//! `.info` files as the go command writes them into GOMODCACHE
//! (`cmd/go/internal/modfetch/cache.go` `writeDiskStat`): the proxy's answer
//! decoded into Go's `RevInfo` and re-encoded, so `Name`/`Short` and unknown
//! fields disappear, a missing time becomes the zero time, and the `Origin`
//! loses what only matters for non-semver lookups.

use gomodx_client::RevInfo;
use gomodx_module::time::go_json_time;
use serde_json::{Map, Value};

use crate::gojson::{self, Object};

/// The fields of Go's `codehost.Origin`, in declaration order.
const ORIGIN_FIELDS: [&str; 8] = [
    "VCS",
    "URL",
    "Subdir",
    "Hash",
    "TagPrefix",
    "TagSum",
    "Ref",
    "RepoSum",
];

/// The `.info` bytes go writes for `info`: `{"Version":…,"Time":…}` plus
/// `"Origin"` (without `TagPrefix`, `TagSum`, `RepoSum`, and without `Ref`
/// for a pseudo-version) when the proxy sent one.
pub fn disk_info(info: &RevInfo) -> Vec<u8> {
    let mut object = Object::new();
    object.push("Version", gojson::Value::String(info.version.clone()));
    object.push(
        "Time",
        gojson::Value::String(go_json_time(info.time.as_deref())),
    );
    if let Some(origin) = &info.origin {
        let pseudo = gomodx_module::pseudo::is_pseudo_version(&info.version);
        let keep = |field: &str| match field {
            "TagPrefix" | "TagSum" | "RepoSum" => false,
            "Ref" => !pseudo,
            _ => true,
        };
        object.push("Origin", gojson::Value::Object(origin_object(origin, keep)));
    }
    object.to_compact().into_bytes()
}

/// Go's `codehost.Origin` decoded from the proxy's JSON (names matched
/// case-insensitively, non-string values ignored) and re-encoded with
/// `omitempty`, keeping only the fields `keep` accepts.
pub fn origin_object(origin: &Value, keep: impl Fn(&str) -> bool) -> Object {
    let mut object = Object::new();
    let Value::Object(map) = origin else {
        return object;
    };
    for name in ORIGIN_FIELDS.into_iter().filter(|name| keep(name)) {
        if let Some(Value::String(value)) = field(map, name) {
            object.push_nonempty(name, value);
        }
    }
    object
}

/// Reads back an `.info` written by [`disk_info`] (or any proxy `.info`).
pub fn parse_disk_info(bytes: &[u8]) -> Option<RevInfo> {
    let Value::Object(map) = serde_json::from_slice(bytes).ok()? else {
        return None;
    };
    let text = |name| match field(&map, name) {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    Some(RevInfo {
        version: text("Version")?,
        time: text("Time"),
        origin: field(&map, "Origin").filter(|v| v.is_object()).cloned(),
    })
}

/// An object member by Go's rule: the exact name, else a case-insensitive match.
fn field<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn info(version: &str, time: Option<&str>, origin: Option<Value>) -> RevInfo {
        RevInfo {
            version: version.into(),
            time: time.map(str::to_owned),
            origin,
        }
    }

    #[test]
    fn plain_info_is_reencoded() {
        let bytes = disk_info(&info("v1.5.2", Some("2018-02-14T15:44:20+00:00"), None));
        assert_eq!(
            bytes,
            br#"{"Version":"v1.5.2","Time":"2018-02-14T15:44:20Z"}"#
        );
        let bytes = disk_info(&info("v1.0.0", None, None));
        assert_eq!(
            bytes,
            br#"{"Version":"v1.0.0","Time":"0001-01-01T00:00:00Z"}"#
        );
    }

    #[test]
    fn origin_is_cleaned() {
        let origin = json!({
            "vcs": "git", "URL": "https://x/<y>", "Hash": "abc", "TagSum": "t1:x", "TagPrefix": "p",
            "Ref": "refs/heads/main", "RepoSum": "r1:y", "Unknown": "z", "Subdir": 7,
        });
        let bytes = disk_info(&info(
            "v1.2.0",
            Some("2020-01-01T00:00:00Z"),
            Some(origin.clone()),
        ));
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            r#"{"Version":"v1.2.0","Time":"2020-01-01T00:00:00Z","Origin":{"VCS":"git","URL":"https://x/\u003cy\u003e","Hash":"abc","Ref":"refs/heads/main"}}"#
        );
        let pseudo = "v0.0.0-20200101000000-abcdefabcdef";
        let bytes = disk_info(&info(pseudo, None, Some(origin)));
        assert!(!String::from_utf8(bytes).unwrap().contains("Ref"));
        let empty = disk_info(&info("v1.0.0", None, Some(json!({}))));
        assert!(
            String::from_utf8(empty)
                .unwrap()
                .ends_with(r#""Origin":{}}"#)
        );
    }

    #[test]
    fn disk_info_round_trips() {
        let original = info(
            "v1.0.0",
            Some("2020-01-01T00:00:00Z"),
            Some(json!({"VCS": "git"})),
        );
        let parsed = parse_disk_info(&disk_info(&original)).unwrap();
        assert_eq!(parsed, original);
        assert_eq!(parse_disk_info(b"[]"), None);
        assert_eq!(parse_disk_info(b"{}"), None);
    }
}
