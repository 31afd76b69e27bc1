//! Go's txtar archive format (`golang.org/x/tools/txtar`, `internal/txtar`).
//!
//! An archive is a free-text comment followed by files, each introduced by a
//! marker line `-- name --`. Parsing never fails: text that does not look like
//! a marker belongs to the comment or to the preceding file. Every section that
//! is not empty ends with a newline (one is added when missing), as in Go.

use std::path::Path;

/// One file of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The name from the marker line, with surrounding spaces trimmed.
    pub name: String,
    /// The file's bytes.
    pub data: Vec<u8>,
}

/// A parsed txtar archive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Archive {
    /// The text before the first file marker.
    pub comment: Vec<u8>,
    /// The files, in order of appearance (names may repeat).
    pub files: Vec<File>,
}

impl Archive {
    /// Parses archive bytes the way Go's `txtar.Parse` does.
    pub fn parse(data: &[u8]) -> Self {
        let (comment, mut next, mut rest) = split_at_marker(data);
        let mut files = Vec::new();
        while let Some(name) = next {
            let (body, following, after) = split_at_marker(rest);
            files.push(File { name, data: body });
            next = following;
            rest = after;
        }
        Self { comment, files }
    }

    /// Reads and parses a file.
    pub fn parse_file(path: &Path) -> std::io::Result<Self> {
        Ok(Self::parse(&std::fs::read(path)?))
    }

    /// Formats the archive back to bytes (Go's `txtar.Format`).
    pub fn format(&self) -> Vec<u8> {
        let mut out = with_final_newline(&self.comment);
        for file in &self.files {
            out.extend_from_slice(format!("-- {} --\n", file.name).as_bytes());
            out.extend(with_final_newline(&file.data));
        }
        out
    }

    /// The data of the first file called `name`, if any.
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.data.as_slice())
    }
}

/// Splits `data` at the first marker line that starts `data` or follows a
/// newline: returns the text before it, the marker's name and the text after
/// the marker line. Without a marker, all of `data` is "before".
fn split_at_marker(data: &[u8]) -> (Vec<u8>, Option<String>, &[u8]) {
    let mut start = 0;
    loop {
        if let Some((name, after)) = marker_at(&data[start..]) {
            return (data[..start].to_vec(), Some(name), after);
        }
        match find(&data[start..], b"\n-- ") {
            Some(offset) => start += offset + 1,
            None => return (with_final_newline(data), None, &[]),
        }
    }
}

/// Recognises a marker line `-- name --` at the start of `data`.
fn marker_at(data: &[u8]) -> Option<(String, &[u8])> {
    if !data.starts_with(b"-- ") {
        return None;
    }
    let (line, after) = match data.iter().position(|&b| b == b'\n') {
        Some(end) => (&data[..end], &data[end + 1..]),
        None => (data, &data[data.len()..]),
    };
    if line.len() < 6 || !line.ends_with(b" --") {
        return None;
    }
    let name = String::from_utf8_lossy(&line[3..line.len() - 3])
        .trim()
        .to_owned();
    (!name.is_empty()).then_some((name, after))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn with_final_newline(data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    if out.last().is_some_and(|&b| b != b'\n') {
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comment_and_files() {
        let text = b"comment line\n\n-- .mod --\nmodule x\n-- a/b.go --\npackage b\n--  spaced  --\nno newline";
        let archive = Archive::parse(text);
        assert_eq!(archive.comment, b"comment line\n\n");
        let names: Vec<_> = archive.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, [".mod", "a/b.go", "spaced"]);
        assert_eq!(archive.file(".mod"), Some(&b"module x\n"[..]));
        assert_eq!(archive.file("spaced"), Some(&b"no newline\n"[..]));
        assert_eq!(archive.file("missing"), None);
    }

    #[test]
    fn marker_needs_line_start_and_both_dashes() {
        let text = b"-- f --\nx -- g --\n-- h\n---- --\n";
        let archive = Archive::parse(text);
        assert_eq!(archive.comment, b"");
        assert_eq!(archive.files.len(), 1);
        assert_eq!(archive.files[0].data, b"x -- g --\n-- h\n---- --\n");
    }

    #[test]
    fn empty_sections_stay_empty() {
        let archive = Archive::parse(b"-- a --\n-- b --\n");
        assert_eq!(archive.files.len(), 2);
        assert!(archive.files.iter().all(|f| f.data.is_empty()));
        assert_eq!(Archive::parse(b"").comment, b"");
    }

    #[test]
    fn format_round_trips() {
        let text = b"hello\n-- x.txt --\nabc\n-- y --\n";
        let archive = Archive::parse(text);
        assert_eq!(archive.format(), text);
        assert_eq!(Archive::parse(&archive.format()), archive);
    }
}
