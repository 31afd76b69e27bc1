//! The `h1:` hash of go.sum and the checksum database (`dirhash.Hash1`).
//!
//! `h1:` is the standard base64 of the SHA-256 of a summary with one line
//! per file, sorted by name: the file's SHA-256 in hex, two spaces, the name,
//! a newline. What the names are depends on the input:
//!
//! - a zip ([`hash_zip`]): every central-directory name exactly as stored,
//!   prefix and directory entries included (a directory hashes as empty);
//! - an extracted tree ([`hash_dir`]): `prefix/relative/path` for every
//!   non-directory, so directory entries cannot be represented;
//! - a go.mod ([`hash_go_mod`]): the single name `go.mod`.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use gomodx_fs::FsError;
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use crate::archive::{Archive, CHUNK, copy_body};
use crate::error::ZipError;
use crate::walk::{slash_path_bytes, walk_error};

/// `h1:` over `(name, sha256 of content)` pairs, sorted here by name (ties by
/// digest). Names must not contain a newline.
pub fn hash1(entries: &mut [(String, [u8; 32])]) -> Result<String, ZipError> {
    entries.sort();
    summarize(
        entries
            .iter()
            .map(|(name, digest)| (name.as_bytes(), digest)),
    )
}

/// [`hash1`] over stored zip names (bytes, as [`hash_zip`] sees them), for
/// a zip without duplicate names.
pub(crate) fn hash1_raw(entries: &mut [(Vec<u8>, [u8; 32])]) -> Result<String, ZipError> {
    entries.sort();
    summarize(
        entries
            .iter()
            .map(|(name, digest)| (name.as_slice(), digest)),
    )
}

/// The go.sum hash of a go.mod file (`path version/go.mod h1:…`): [`hash1`]
/// of one file named `go.mod`.
pub fn hash_go_mod(content: &[u8]) -> String {
    let digest: [u8; 32] = Sha256::digest(content).into();
    summarize(std::iter::once((b"go.mod".as_slice(), &digest)))
        .expect("the name go.mod contains no newline")
}

/// The `h1:` hash of a module zip file (Go's `dirhash.HashZip`), streaming
/// each entry once. A name stored twice contributes two lines, both with the
/// content of its last entry, as in Go. An entry whose actual size differs
/// from its declared size is an error.
pub fn hash_zip(zip_path: &Path) -> Result<String, ZipError> {
    let mut archive = Archive::open(zip_path)?;
    let mut names = Vec::new();
    let mut digests = HashMap::new();
    archive.for_each_body(|entry, body| {
        let mut hasher = Sha256::new();
        copy_body(body, entry.size, |chunk| {
            hasher.update(chunk);
            Ok(())
        })
        .map_err(|err| err.into_zip_error(zip_path, entry))?;
        names.push(entry.name.clone());
        digests.insert(entry.name.clone(), <[u8; 32]>::from(hasher.finalize()));
        Ok(())
    })?;
    names.sort();
    summarize(names.iter().map(|name| (name.as_slice(), &digests[name])))
}

/// The `h1:` hash of an extracted module tree (Go's `dirhash.HashDir`): every
/// non-directory below `dir` (symlinks are not descended into, but a link to
/// a file is hashed with the file's content, as Go does), named
/// `prefix/relative/path`. `dir` itself must be a directory, not a link.
pub fn hash_dir(dir: &Path, prefix: &str) -> Result<String, ZipError> {
    let mut entries = Vec::new();
    for item in WalkDir::new(dir)
        .follow_links(false)
        .follow_root_links(false)
    {
        let item = item.map_err(|err| walk_error(dir, err))?;
        if item.file_type().is_dir() {
            continue;
        }
        if item.depth() == 0 {
            return Err(ZipError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        let relative = item
            .path()
            .strip_prefix(dir)
            .expect("walkdir yields paths below its root");
        let mut name = if prefix.is_empty() {
            Vec::new()
        } else {
            format!("{prefix}/").into_bytes()
        };
        name.extend(slash_path_bytes(relative));
        entries.push((name, hash_file(item.path())?));
    }
    entries.sort();
    summarize(
        entries
            .iter()
            .map(|(name, digest)| (name.as_slice(), digest)),
    )
}

/// Go's `isValidSum` for `.ziphash` files, made strict: `h1:` followed by
/// the 44-character standard base64 of 32 bytes. (Go itself checks only the
/// length, 47, and the absence of NUL bytes; anything rejected here is
/// simply recomputed.)
pub fn is_valid_h1(s: &str) -> bool {
    s.len() == 47
        && s.strip_prefix("h1:")
            .and_then(|b64| STANDARD.decode(b64).ok())
            .is_some_and(|digest| digest.len() == 32)
}

/// The summary hash over `(name, digest)` pairs already in name order.
fn summarize<'a>(
    sorted: impl Iterator<Item = (&'a [u8], &'a [u8; 32])>,
) -> Result<String, ZipError> {
    let mut summary = Sha256::new();
    for (name, digest) in sorted {
        if name.contains(&b'\n') {
            return Err(ZipError::NewlineInName);
        }
        summary.update(hex::encode(digest));
        summary.update(b"  ");
        summary.update(name);
        summary.update(b"\n");
    }
    Ok(format!("h1:{}", STANDARD.encode(summary.finalize())))
}

/// SHA-256 of a file's content, streamed.
fn hash_file(path: &Path) -> Result<[u8; 32], ZipError> {
    let mut file = File::open(path).map_err(|err| FsError::new("open", path, err))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0; CHUNK];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(hasher.finalize().into()),
            Ok(n) => hasher.update(&buf[..n]),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(FsError::new("read", path, err).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::parse_txtar;
    use crate::test_zips::{module_zip, rename_entries, set_declared_size, zip_bytes, zip_file};
    use crate::{create_zip_from_files, unzip};
    use gomodx_module::ModuleVersion;
    use std::io::Cursor;

    const QUOTE_TXTAR: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/go-testdata-mod/rsc.io_quote_v1.5.2.txt"
    );

    /// rsc.io/quote v1.5.2 from Go's test proxy: the `.mod` file, and the
    /// zip entries (`rsc.io/quote@v1.5.2/<name>`), as cmd/go's test proxy builds them.
    fn quote() -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
        let files = parse_txtar(&std::fs::read(QUOTE_TXTAR).unwrap());
        let go_mod = files
            .iter()
            .find(|(name, _)| name == ".mod")
            .unwrap()
            .1
            .clone();
        let entries = files
            .into_iter()
            .filter(|(name, _)| !name.starts_with('.'))
            .map(|(name, data)| (format!("rsc.io/quote@v1.5.2/{name}"), data))
            .collect();
        (go_mod, entries)
    }

    #[test]
    fn go_mod_hash_matches_go_sum() {
        let (go_mod, _) = quote();
        assert_eq!(
            hash_go_mod(&go_mod),
            "h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0="
        );
        assert_eq!(
            hash_go_mod(b""),
            "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY="
        );
    }

    #[test]
    fn zip_and_extracted_tree_hash_match_go_sum() {
        let (_, entries) = quote();
        assert_eq!(entries.len(), 4, "txtar parsing lost files");
        let mut bytes = Cursor::new(Vec::new());
        crate::write_zip_entries(&mut bytes, entries).unwrap();
        let (tmp, zip) = zip_file(bytes.get_ref());
        let want = "h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0=";
        assert_eq!(hash_zip(&zip).unwrap(), want);

        let mv = ModuleVersion::new("rsc.io/quote", "v1.5.2");
        let dest = tmp.path().join("rsc.io/quote@v1.5.2");
        unzip(&zip, &mv, &dest).unwrap();
        assert_eq!(hash_dir(&dest, "rsc.io/quote@v1.5.2").unwrap(), want);
    }

    #[test]
    fn created_zip_hashes_like_the_tree_it_came_from() {
        let (_, entries) = quote();
        let files = entries.into_iter().map(|(name, data)| {
            (
                name.trim_start_matches("rsc.io/quote@v1.5.2/").to_owned(),
                data,
            )
        });
        let mut bytes = Cursor::new(Vec::new());
        let mv = ModuleVersion::new("rsc.io/quote", "v1.5.2");
        create_zip_from_files(&mut bytes, &mv, files).unwrap();
        let (_tmp, zip) = zip_file(bytes.get_ref());
        assert_eq!(
            hash_zip(&zip).unwrap(),
            "h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0="
        );
    }

    #[test]
    fn hash1_sorts_and_rejects_newlines() {
        let digest = |s: &str| <[u8; 32]>::from(Sha256::digest(s.as_bytes()));
        let mut forward = vec![("a".to_owned(), digest("1")), ("b".to_owned(), digest("2"))];
        let mut backward = vec![("b".to_owned(), digest("2")), ("a".to_owned(), digest("1"))];
        assert_eq!(hash1(&mut forward).unwrap(), hash1(&mut backward).unwrap());
        // The summary of `sha256sum a b`, base64: computed independently.
        let summary = format!(
            "{}  a\n{}  b\n",
            hex::encode(digest("1")),
            hex::encode(digest("2"))
        );
        let want = format!("h1:{}", STANDARD.encode(Sha256::digest(summary.as_bytes())));
        assert_eq!(hash1(&mut forward).unwrap(), want);

        let mut bad = vec![("a\nb".to_owned(), digest(""))];
        assert!(matches!(hash1(&mut bad), Err(ZipError::NewlineInName)));
        assert_eq!(
            hash1(&mut bad).unwrap_err().to_string(),
            "dirhash: filenames with newlines are not supported"
        );
    }

    #[test]
    fn zip_hash_counts_directory_entries() {
        let (_t1, plain) = module_zip(&[("a.go", b"package a\n")]);
        let (_t2, with_dir) = module_zip(&[("sub/", b""), ("a.go", b"package a\n")]);
        let digest = |s: &[u8]| <[u8; 32]>::from(Sha256::digest(s));
        let mut expected = vec![
            (
                "example.com/m@v1.0.0/a.go".to_owned(),
                digest(b"package a\n"),
            ),
            ("example.com/m@v1.0.0/sub/".to_owned(), digest(b"")),
        ];
        assert_eq!(hash_zip(&with_dir).unwrap(), hash1(&mut expected).unwrap());
        assert_ne!(hash_zip(&plain).unwrap(), hash_zip(&with_dir).unwrap());
    }

    #[test]
    fn duplicate_names_hash_twice_with_the_last_content() {
        let mut bytes = zip_bytes(&[("m@v1/a.go", b"first"), ("m@v1/b.go", b"second")]);
        rename_entries(&mut bytes, "m@v1/b.go", "m@v1/a.go");
        let (_tmp, zip) = zip_file(&bytes);
        let digest = <[u8; 32]>::from(Sha256::digest(b"second"));
        let mut expected = vec![
            ("m@v1/a.go".to_owned(), digest),
            ("m@v1/a.go".to_owned(), digest),
        ];
        assert_eq!(hash_zip(&zip).unwrap(), hash1(&mut expected).unwrap());
    }

    #[test]
    fn zip_hash_rejects_entries_with_wrong_declared_sizes() {
        let mut bytes = zip_bytes(&[("m@v1/a.go", &[b'x'; 1000])]);
        set_declared_size(&mut bytes, "m@v1/a.go", 10);
        let (_tmp, zip) = zip_file(&bytes);
        let err = hash_zip(&zip).unwrap_err();
        assert!(
            matches!(err, ZipError::LargerThanDeclared { declared: 10, .. }),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "uncompressed size of file m@v1/a.go is larger than declared size (10 bytes)"
        );

        set_declared_size(&mut bytes, "m@v1/a.go", 2000);
        let (_tmp, zip) = zip_file(&bytes);
        let err = hash_zip(&zip).unwrap_err();
        assert!(
            matches!(err, ZipError::SmallerThanDeclared { declared: 2000, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn zip_hash_of_garbage_is_an_archive_error() {
        let (_tmp, zip) = zip_file(b"this is not a zip file");
        assert!(matches!(hash_zip(&zip), Err(ZipError::Archive { .. })));
        let missing = _tmp.path().join("absent.zip");
        let err = hash_zip(&missing).unwrap_err();
        assert!(err.to_string().contains("absent.zip"), "{err}");
    }

    #[test]
    fn dir_hash_names_files_under_the_prefix() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("sub/empty")).unwrap();
        std::fs::write(tmp.path().join("go.mod"), "module m\n").unwrap();
        std::fs::write(tmp.path().join("sub/x.go"), "package x\n").unwrap();
        let digest = |s: &str| <[u8; 32]>::from(Sha256::digest(s.as_bytes()));
        let mut expected = vec![
            ("m@v1.0.0/go.mod".to_owned(), digest("module m\n")),
            ("m@v1.0.0/sub/x.go".to_owned(), digest("package x\n")),
        ];
        assert_eq!(
            hash_dir(tmp.path(), "m@v1.0.0").unwrap(),
            hash1(&mut expected).unwrap()
        );
    }

    #[cfg(unix)]
    #[test]
    fn dir_hash_follows_file_links_but_not_a_linked_root() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(tmp.path().join("target"), "content").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("target"), root.join("link")).unwrap();
        let digest = <[u8; 32]>::from(Sha256::digest(b"content"));
        let mut expected = vec![("p/link".to_owned(), digest)];
        assert_eq!(hash_dir(&root, "p").unwrap(), hash1(&mut expected).unwrap());

        let linked_root = tmp.path().join("linked-root");
        std::os::unix::fs::symlink(&root, &linked_root).unwrap();
        let err = hash_dir(&linked_root, "p").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{} is not a directory", linked_root.display())
        );
        let file = tmp.path().join("target");
        assert!(matches!(
            hash_dir(&file, "p"),
            Err(ZipError::NotADirectory { .. })
        ));
    }

    #[test]
    fn valid_h1_syntax() {
        assert!(is_valid_h1(
            "h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0="
        ));
        assert!(!is_valid_h1(
            "h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0"
        ));
        assert!(!is_valid_h1(
            "h2:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0="
        ));
        assert!(!is_valid_h1(
            "h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0=\n"
        ));
        assert!(!is_valid_h1(
            "h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L!="
        ));
        assert!(!is_valid_h1(""));
    }
}
