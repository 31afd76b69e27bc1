//! Go's `mergeOrigin` (`cmd/go/internal/modload/build.go`): the union of
//! two `codehost.Origin`s, or none when they disagree.

use serde_json::{Map, Value};

/// The fields that must be equal for two origins to merge.
const SAME: [&str; 3] = ["VCS", "URL", "Subdir"];

/// The fields one origin may add to the other, each with the field that
/// travels with it.
const ADDED: [(&str, Option<&str>); 4] = [
    ("Hash", None),
    ("TagSum", Some("TagPrefix")),
    ("RepoSum", None),
    ("Ref", None),
];

/// The union of `a` and `b`; `None` when either is missing or they
/// disagree (other repository, or another value for a field both have).
pub(super) fn merge_origin(a: Option<&Value>, b: Option<&Value>) -> Option<Value> {
    let (Value::Object(a), Value::Object(b)) = (a?, b?) else {
        return None;
    };
    let text =
        |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    if SAME.iter().any(|k| text(a, k) != text(b, k)) {
        return None;
    }
    let mut merged = a.clone();
    for (field, companion) in ADDED {
        let theirs = text(b, field);
        if theirs.is_empty() {
            continue;
        }
        let ours = text(a, field);
        let companion_differs = companion.is_some_and(|c| text(a, c) != text(b, c));
        if !ours.is_empty() && (ours != theirs || companion_differs) {
            return None;
        }
        merged.insert(field.to_owned(), Value::String(theirs));
        if let Some(c) = companion {
            match text(b, c) {
                v if v.is_empty() => merged.remove(c),
                v => merged.insert(c.to_owned(), Value::String(v)),
            };
        }
    }
    Some(Value::Object(merged))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merges_like_go() {
        let list = json!({"VCS": "git", "URL": "u", "TagPrefix": "sub/", "TagSum": "t1:x"});
        let stat = json!({"VCS": "git", "URL": "u", "Hash": "abc", "Ref": "refs/tags/sub/v1.0.0"});
        assert_eq!(
            merge_origin(Some(&list), Some(&stat)),
            Some(
                json!({"VCS": "git", "URL": "u", "TagPrefix": "sub/", "TagSum": "t1:x", "Hash": "abc", "Ref": "refs/tags/sub/v1.0.0"})
            )
        );
        assert_eq!(merge_origin(None, Some(&stat)), None);
        assert_eq!(merge_origin(Some(&list), None), None);
        let other_url = json!({"VCS": "git", "URL": "v"});
        assert_eq!(merge_origin(Some(&list), Some(&other_url)), None);
        let other_hash = json!({"VCS": "git", "URL": "u", "Hash": "def"});
        assert_eq!(merge_origin(Some(&stat), Some(&other_hash)), None);
        let other_prefix = json!({"VCS": "git", "URL": "u", "TagSum": "t1:x"});
        assert_eq!(merge_origin(Some(&list), Some(&other_prefix)), None);
    }
}
