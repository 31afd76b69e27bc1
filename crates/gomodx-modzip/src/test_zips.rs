//! Unit-test helpers: build (possibly hostile) zips, and patch their
//! headers to lie about names and sizes.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use gomodx_module::ModuleVersion;
use tempfile::TempDir;

use crate::write_zip_entries;

/// `example.com/m@v1.0.0`, the module most tests use.
pub fn module() -> ModuleVersion {
    ModuleVersion::new("example.com/m", "v1.0.0")
}

/// A zip's bytes, with `entries` under their exact names.
pub fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    write_zip_entries(
        &mut out,
        entries.iter().map(|(n, d)| ((*n).to_owned(), d.to_vec())),
    )
    .expect("writing a zip to memory");
    out.into_inner()
}

/// Writes `bytes` as `m.zip` in a new temporary directory.
pub fn zip_file(bytes: &[u8]) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("m.zip");
    std::fs::write(&path, bytes).expect("writing the zip");
    (dir, path)
}

/// A zip file holding one symbolic-link entry `name` that points to `target`.
pub fn symlink_zip(name: &str, target: &str) -> (TempDir, PathBuf) {
    let mut out = Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    writer
        .add_symlink(name, target, zip::write::SimpleFileOptions::default())
        .expect("adding a symlink entry");
    writer.finish().expect("writing a zip to memory");
    zip_file(out.get_ref())
}

/// A zip file of module [`module`] with `entries` named relative to its
/// `example.com/m@v1.0.0/` prefix.
pub fn module_zip(entries: &[(&str, &[u8])]) -> (TempDir, PathBuf) {
    let full: Vec<(String, &[u8])> = entries
        .iter()
        .map(|(n, d)| (format!("example.com/m@v1.0.0/{n}"), *d))
        .collect();
    let borrowed: Vec<(&str, &[u8])> = full.iter().map(|(n, d)| (n.as_str(), *d)).collect();
    zip_file(&zip_bytes(&borrowed))
}

/// A zip file of module [`module`] holding `a.go` twice (contents `1`,
/// then `2`).
pub fn duplicate_entry_zip() -> (TempDir, PathBuf) {
    let mut bytes = zip_bytes(&[
        ("example.com/m@v1.0.0/a.go", b"1"),
        ("example.com/m@v1.0.0/b.go", b"2"),
    ]);
    rename_entries(
        &mut bytes,
        "example.com/m@v1.0.0/b.go",
        "example.com/m@v1.0.0/a.go",
    );
    zip_file(&bytes)
}

/// Renames every header naming `from` to `to` (same length), e.g. to make
/// duplicate entries, which zip writers refuse to produce.
pub fn rename_entries(zip: &mut [u8], from: &str, to: &str) {
    assert_eq!(from.len(), to.len(), "names must have the same length");
    let count = headers(zip, from)
        .into_iter()
        .map(|(start, _)| start)
        .fold(0, |n, start| {
            zip[start..start + to.len()].copy_from_slice(to.as_bytes());
            n + 1
        });
    assert!(count >= 2, "{from} not found in both headers");
}

/// Sets the declared uncompressed size of entry `name` in its local and
/// central headers.
pub fn set_declared_size(zip: &mut [u8], name: &str, size: u32) {
    let found = headers(zip, name);
    assert!(found.len() >= 2, "{name} not found in both headers");
    for (_, size_offset) in found {
        zip[size_offset..size_offset + 4].copy_from_slice(&size.to_le_bytes());
    }
}

/// For each local or central header naming `name`: where the name starts
/// and where its uncompressed-size field is.
fn headers(zip: &[u8], name: &str) -> Vec<(usize, usize)> {
    const LOCAL: [u8; 4] = 0x0403_4b50_u32.to_le_bytes();
    const CENTRAL: [u8; 4] = 0x0201_4b50_u32.to_le_bytes();
    let u16_at = |at: usize| usize::from(u16::from_le_bytes([zip[at], zip[at + 1]]));
    let mut found = Vec::new();
    for at in 0..zip.len().saturating_sub(46) {
        let (name_len_at, name_at, size_at) = match &zip[at..at + 4] {
            sig if sig == LOCAL => (at + 26, at + 30, at + 22),
            sig if sig == CENTRAL => (at + 28, at + 46, at + 24),
            _ => continue,
        };
        if u16_at(name_len_at) == name.len()
            && zip.get(name_at..name_at + name.len()) == Some(name.as_bytes())
        {
            found.push((name_at, size_at));
        }
    }
    found
}

/// The sorted relative paths of everything below `dir`.
pub fn tree(dir: &Path) -> Vec<String> {
    let mut paths: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.expect("walk");
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("below dir")
                .to_string_lossy()
                .into_owned();
            if e.file_type().is_dir() {
                format!("{rel}/")
            } else {
                rel
            }
        })
        .collect();
    paths.sort();
    paths
}
