//! The GOPROXY answers: `@v/list` lines and `.info`/`@latest` JSON, read
//! as leniently or strictly as the go command reads them.

use gomodx_module::time::Timestamp;
use serde_json::{Map, Value};

/// One line of `@v/list`: a version and, optionally, its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListLine {
    /// The first field (not validated: the caller filters).
    pub version: String,
    /// The second field, an RFC 3339 time when the proxy gives one.
    pub time: Option<String>,
}

/// A version list: the `@v/list` lines and, when a repository answered,
/// Go's `Versions.Origin` (the tags it was made from).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VersionList {
    /// The lines, in the order given.
    pub lines: Vec<ListLine>,
    /// The list's `Origin` (a proxy's list has none).
    pub origin: Option<Value>,
}

/// A `.info` or `@latest` answer.
#[derive(Debug, Clone, PartialEq)]
pub struct RevInfo {
    /// The version the proxy resolved to.
    pub version: String,
    /// The commit time, RFC 3339, as the proxy wrote it (validated).
    pub time: Option<String>,
    /// The optional `Origin` object, kept as JSON.
    pub origin: Option<Value>,
}

/// Splits a list body into lines of whitespace-separated fields; blank
/// lines are dropped.
pub fn parse_list(body: &[u8]) -> Vec<ListLine> {
    String::from_utf8_lossy(body)
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let version = fields.next()?.to_owned();
            Some(ListLine {
                version,
                time: fields.next().map(str::to_owned),
            })
        })
        .collect()
}

/// A proxy's list body as a [`VersionList`] (without `Origin`).
pub(crate) fn parse_version_list(body: &[u8]) -> VersionList {
    VersionList {
        lines: parse_list(body),
        origin: None,
    }
}

/// Decodes an `.info` body like Go's `json.Unmarshal` into `RevInfo`:
/// unknown fields are ignored, names match case-insensitively, `null`
/// leaves a field unset. `Err` is the reason for the caller's message.
pub fn parse_info(body: &[u8]) -> Result<RevInfo, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let Value::Object(map) = value else {
        return Err(format!(
            "json: cannot unmarshal {} into Go value of type modfetch.RevInfo",
            json_kind(&value)
        ));
    };
    let wrong_type = |name: &str, value: &Value, go_type: &str| {
        format!(
            "json: cannot unmarshal {} into Go struct field RevInfo.{name} of type {go_type}",
            json_kind(value)
        )
    };
    let version = match field(&map, "Version") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => return Err(wrong_type("Version", other, "string")),
    };
    let time = match field(&map, "Time") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if Timestamp::parse_rfc3339(s).is_some() => Some(s.clone()),
        Some(Value::String(s)) => return Err(format!("parsing time {s:?}: not an RFC 3339 time")),
        Some(other) => return Err(wrong_type("Time", other, "time.Time")),
    };
    let origin = match field(&map, "Origin") {
        None | Some(Value::Null) => None,
        Some(origin @ Value::Object(_)) => Some(origin.clone()),
        Some(other) => return Err(wrong_type("Origin", other, "codehost.Origin")),
    };
    Ok(RevInfo {
        version,
        time,
        origin,
    })
}

/// An object member by Go's rule: the exact name, else any case-insensitive match.
fn field<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Go's `latestFromList`, used when a proxy has no `@latest`: among valid
/// versions, the one with the newest time — the list's time field, else
/// the time inside a pseudo-version. Tagged versions without a time do not
/// count. The first of equal times wins.
pub(crate) fn latest_from_list(lines: &[ListLine]) -> Option<&str> {
    let mut best: Option<(&str, Timestamp)> = None;
    for line in lines {
        let version = line.version.as_str();
        if !gomodx_module::semver::is_valid(version) {
            continue;
        }
        let when = match &line.time {
            Some(t) => Timestamp::parse_rfc3339(t),
            None if gomodx_module::pseudo::is_pseudo_version(version) => {
                gomodx_module::pseudo::pseudo_version_time(version)
                    .ok()
                    .and_then(|t| Timestamp::parse_compact(&t))
            }
            None => continue,
        };
        let newest = best.map_or(Timestamp::ZERO, |(_, t)| t);
        if let Some(when) = when.filter(|&w| newest.is_before(w)) {
            best = Some((version, when));
        }
    }
    best.map(|(version, _)| version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_lines() {
        let lines = parse_list(b"v1.0.0\n\n  v1.1.0 2019-12-20T14:31:21Z extra\r\nv1.2.0\r\n");
        assert_eq!(
            lines,
            [
                ListLine {
                    version: "v1.0.0".into(),
                    time: None
                },
                ListLine {
                    version: "v1.1.0".into(),
                    time: Some("2019-12-20T14:31:21Z".into())
                },
                ListLine {
                    version: "v1.2.0".into(),
                    time: None
                },
            ]
        );
    }

    #[test]
    fn info_json() {
        let info = parse_info(br#"{"Version":"v1.5.2","Time":"2018-02-14T15:44:20Z","Name":"x"}"#)
            .unwrap();
        assert_eq!(info.version, "v1.5.2");
        assert_eq!(info.time.as_deref(), Some("2018-02-14T15:44:20Z"));
        assert_eq!(info.origin, None);
        let info = parse_info(br#"{"version":"v1.0.0","Origin":{"VCS":"git"}}"#).unwrap();
        assert_eq!(info.version, "v1.0.0");
        assert_eq!(info.origin, Some(serde_json::json!({"VCS": "git"})));
        assert_eq!(parse_info(br#"{"Version":null}"#).unwrap().version, "");
        assert_eq!(
            parse_info(br#"{"Version":1}"#).unwrap_err(),
            "json: cannot unmarshal number into Go struct field RevInfo.Version of type string"
        );
        assert_eq!(
            parse_info(b"[]").unwrap_err(),
            "json: cannot unmarshal array into Go value of type modfetch.RevInfo"
        );
        assert!(
            parse_info(br#"{"Time":"yesterday"}"#)
                .unwrap_err()
                .contains("yesterday")
        );
        assert!(parse_info(b"not json").is_err());
    }

    fn line(version: &str, time: Option<&str>) -> ListLine {
        ListLine {
            version: version.into(),
            time: time.map(str::to_owned),
        }
    }

    #[test]
    fn latest_from_list_prefers_the_newest_time() {
        let lines = [
            line("v1.0.0", None),
            line("v0.0.0-20190101000000-abcdefabcdef", None),
            line("v0.0.0-20200101000000-abcdefabcdef", None),
            line("v0.9.0", Some("2019-06-01T00:00:00Z")),
            line("bogus", Some("2030-01-01T00:00:00Z")),
        ];
        assert_eq!(
            latest_from_list(&lines),
            Some("v0.0.0-20200101000000-abcdefabcdef")
        );
        let timed = [
            line("v0.9.0", Some("2021-06-01T00:00:00Z")),
            line("v0.0.0-20200101000000-abcdefabcdef", None),
        ];
        assert_eq!(
            latest_from_list(&timed),
            Some("v0.9.0"),
            "a list time beats a pseudo-version time"
        );
        let tie = [
            line("v0.1.0", Some("2021-06-01T00:00:00Z")),
            line("v0.2.0", Some("2021-06-01T00:00:00Z")),
        ];
        assert_eq!(
            latest_from_list(&tie),
            Some("v0.1.0"),
            "the first of equal times"
        );
        let untimed = [line("v1.0.0", None), line("v1.1.0", Some("not a time"))];
        assert_eq!(latest_from_list(&untimed), None);
    }
}
