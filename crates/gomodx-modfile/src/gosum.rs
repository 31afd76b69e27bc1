//! go.sum files, read and written as cmd/go does (`modfetch` `readGoSum`,
//! `WriteGoSum`/`tidyGoSum`).
//!
//! Each line is `path version hash` or `path version/go.mod hash`. Reading
//! splits lines on whitespace, skips blank lines, rejects lines without
//! exactly three fields, and drops the hash of an empty go.mod (an old Go
//! bug). Writing sorts entries in `module.Sort` order, sorts and
//! de-duplicates each entry's hashes, and ends every line with `\n`.

use std::cmp::Ordering;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use gomodx_module::ModuleVersion;

use crate::error::GoSumError;

/// The `h1:` hash of a 1-file tree holding a 0-byte go.mod, dropped on read.
const EMPTY_GO_MOD_HASH: &str = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=";

/// The hashes recorded in a go.sum file, keyed by module and version (the
/// version carries a `/go.mod` suffix for go.mod-only hashes). Cloning is
/// cheap: clones share the lines until one of them changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoSum {
    sums: Arc<FxHashMap<ModuleVersion, Vec<String>>>,
}

impl GoSum {
    /// An empty go.sum.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads go.sum text the way builds do: a malformed line is an error
    /// naming `file` and the 1-based line.
    pub fn parse(file: &str, data: &[u8]) -> Result<Self, GoSumError> {
        let mut sum = Self::new();
        sum.read(file, data, false)?;
        Ok(sum)
    }

    /// Reads go.sum text the way `go mod tidy` does: malformed lines are
    /// skipped so they can be repaired.
    pub fn parse_lenient(data: &[u8]) -> Self {
        let mut sum = Self::new();
        // With `lenient` set, reading never fails.
        let _ = sum.read("", data, true);
        sum
    }

    /// Adds the lines of `data` to this set (Go merges go.sum files this way).
    pub fn read(&mut self, file: &str, data: &[u8], lenient: bool) -> Result<(), GoSumError> {
        let text = match std::str::from_utf8(data) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(data),
        };
        let sums = Arc::make_mut(&mut self.sums);
        // One entry a line, nearly: no rehashing as a large go.sum is read.
        sums.reserve(data.iter().filter(|&&b| b == b'\n').count() + 1);
        for (index, line) in text.split('\n').enumerate() {
            let mut fields = fields(line);
            match (fields.next(), fields.next(), fields.next(), fields.next()) {
                (None, ..) => {}
                (Some(_), Some(_), Some(hash), None) if hash == EMPTY_GO_MOD_HASH => {}
                (Some(path), Some(version), Some(hash), None) => {
                    insert_into(sums, ModuleVersion::new(path, version), hash);
                }
                _ if lenient => {}
                _ => {
                    return Err(GoSumError::WrongFieldCount {
                        file: file.to_owned(),
                        line: index + 1,
                        fields: line.split_whitespace().count(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The hashes recorded for `module`, in the order first seen.
    pub fn hashes(&self, module: &ModuleVersion) -> &[String] {
        self.sums.get(module).map_or(&[], Vec::as_slice)
    }

    /// Whether `hash` is recorded for `module`.
    pub fn contains(&self, module: &ModuleVersion, hash: &str) -> bool {
        self.hashes(module).iter().any(|h| h == hash)
    }

    /// Records `hash` for `module` (no-op when already there).
    pub fn insert(&mut self, module: ModuleVersion, hash: &str) {
        insert_into(Arc::make_mut(&mut self.sums), module, hash);
    }

    /// Forgets every hash of `module`; returns whether there were any.
    pub fn remove(&mut self, module: &ModuleVersion) -> bool {
        Arc::make_mut(&mut self.sums).remove(module).is_some()
    }

    /// Keeps only the modules for which `keep` returns `true`.
    pub fn retain(&mut self, mut keep: impl FnMut(&ModuleVersion) -> bool) {
        Arc::make_mut(&mut self.sums).retain(|m, _| keep(m));
    }

    /// How many `(module, version)` keys are recorded.
    pub fn len(&self) -> usize {
        self.sums.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.sums.is_empty()
    }

    /// Every `(module, hash)` line in write order.
    pub fn lines(&self) -> Vec<(&ModuleVersion, &str)> {
        let mut keys: Vec<&ModuleVersion> = self.sums.keys().collect();
        keys.sort_by(|a, b| sort_order(a, b));
        let mut out = Vec::new();
        for key in keys {
            let mut hashes: Vec<&str> = self.sums[key].iter().map(String::as_str).collect();
            hashes.sort_unstable();
            hashes.dedup();
            out.extend(hashes.into_iter().map(|h| (key, h)));
        }
        out
    }

    /// The file contents Go would write: sorted, de-duplicated, one
    /// `path version hash\n` line per hash.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        for (m, hash) in self.lines() {
            out.push_str(&m.path);
            out.push(' ');
            out.push_str(&m.version);
            out.push(' ');
            out.push_str(hash);
            out.push('\n');
        }
        out.into_bytes()
    }
}

/// `module.Sort`, with a byte-order tie-break for versions that Go's
/// semver comparison considers equal (e.g. two invalid versions), so the
/// output is deterministic.
fn sort_order(a: &ModuleVersion, b: &ModuleVersion) -> Ordering {
    a.cmp(b).then_with(|| a.version.cmp(&b.version))
}

/// Adds `hash` to the hashes of `module` unless it is there.
/// The whitespace-separated fields of `line`, as Go's `strings.Fields`
/// splits them (Unicode white space); ASCII lines, all of them in practice,
/// are split byte by byte.
fn fields(line: &str) -> Box<dyn Iterator<Item = &str> + '_> {
    if !line.is_ascii() {
        return Box::new(line.split_whitespace());
    }
    // char::is_whitespace on ASCII: these, vertical tab included.
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let mut rest = line;
    Box::new(std::iter::from_fn(move || {
        let start = rest.bytes().position(|b| !space(&b))?;
        let len = rest[start..].bytes().position(|b| space(&b));
        let end = len.map_or(rest.len(), |len| start + len);
        let field = &rest[start..end];
        rest = &rest[end..];
        Some(field)
    }))
}

fn insert_into(
    sums: &mut FxHashMap<ModuleVersion, Vec<String>>,
    module: ModuleVersion,
    hash: &str,
) {
    let hashes = sums.entry(module).or_insert_with(|| Vec::with_capacity(1));
    if !hashes.iter().any(|h| h == hash) {
        hashes.push(hash.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_like_go() {
        let text = "rsc.io/quote v1.5.2/go.mod h1:b\n\
                    \n\
                    rsc.io/quote v1.5.2 h1:a\n\
                    rsc.io/quote v1.10.0 h1:c\r\n\
                    golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c h1:t\n\
                    rsc.io/quote  v1.5.2\th1:a\n\
                    rsc.io/quote v1.5.2 h1:0\n\
                    x.org/empty v1.0.0/go.mod h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=\n";
        let sum = GoSum::parse("go.sum", text.as_bytes()).expect("valid go.sum");
        let want = "golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c h1:t\n\
                    rsc.io/quote v1.5.2 h1:0\n\
                    rsc.io/quote v1.5.2 h1:a\n\
                    rsc.io/quote v1.5.2/go.mod h1:b\n\
                    rsc.io/quote v1.10.0 h1:c\n";
        assert_eq!(String::from_utf8(sum.to_bytes()).expect("utf-8"), want);
        assert!(sum.contains(&ModuleVersion::new("rsc.io/quote", "v1.5.2/go.mod"), "h1:b"));
        assert!(
            sum.hashes(&ModuleVersion::new("x.org/empty", "v1.0.0/go.mod"))
                .is_empty()
        );
    }

    #[test]
    fn wrong_field_count_is_reported_like_go() {
        let err = GoSum::parse("/w/go.sum", b"a v1 h1:x\n\na v1\n").expect_err("malformed");
        assert_eq!(
            err.to_string(),
            "malformed go.sum:\n/w/go.sum:3: wrong number of fields 2"
        );
        let lenient = GoSum::parse_lenient(b"a v1 h1:x\na v1\nb v1 h1:y extra\n");
        assert_eq!(lenient.len(), 1);
    }

    #[test]
    fn insert_and_remove() {
        let mut sum = GoSum::new();
        let m = ModuleVersion::new("example.com/m", "v1.0.0");
        sum.insert(m.clone(), "h1:b");
        sum.insert(m.clone(), "h1:a");
        sum.insert(m.clone(), "h1:b");
        assert_eq!(sum.hashes(&m), ["h1:b", "h1:a"]);
        assert_eq!(
            sum.to_bytes(),
            b"example.com/m v1.0.0 h1:a\nexample.com/m v1.0.0 h1:b\n"
        );
        assert!(sum.remove(&m));
        assert!(sum.is_empty());
    }

    #[test]
    fn fields_split_on_white_space_as_go_does() {
        fn split(line: &str) -> Vec<&str> {
            fields(line).collect()
        }
        assert_eq!(split("  a\tb\x0bc\x0cd\re  "), ["a", "b", "c", "d", "e"]);
        assert_eq!(split("a\u{a0}b\u{2003}c é"), ["a", "b", "c", "é"]);
        assert!(split(" \t ").is_empty());
    }
}
