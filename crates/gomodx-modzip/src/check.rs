//! Checking a module zip against Go's rules (`zip.CheckZip`) without
//! reading any file content.

use std::path::Path;

use gomodx_module::{InvalidPathError, ModuleVersion, PathKind, path::check_file_path};

use crate::archive::{Archive, Entry};
use crate::error::{FileError, FileProblem, ZipError};
use crate::names::{CollisionChecker, equal_fold, is_clean};
use crate::{MAX_GO_MOD, MAX_LICENSE, MAX_ZIP_FILE};

/// A module zip that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedZip {
    /// Names (as stored, with the `path@version/` prefix) of the files that
    /// extraction writes, in stored order. Directory entries are not listed.
    pub files: Vec<String>,
    /// Sum of the declared uncompressed sizes of those files.
    pub size: u64,
}

/// Checks the zip at `zip_path` for module `mv` against all of Go's module
/// zip rules (names and declared sizes only; [`unzip`](crate::unzip)
/// additionally verifies actual sizes while extracting):
///
/// - `mv` has a canonical version and passes `module.Check`;
/// - the zip file is at most [`MAX_ZIP_FILE`] bytes;
/// - every name starts with `path@version/`, and the rest is a clean
///   relative path that passes `module.CheckFilePath` (a trailing `/` marks a
///   directory);
/// - no two names (or their parent directories) are equal under Unicode case
///   folding, no name is both a file and a directory, no file appears twice;
/// - `go.mod` appears only at the root and spelled in lower case;
/// - root `go.mod` and `LICENSE` are at most 16 MiB, and all files together
///   at most [`MAX_ZIP_FILE`] bytes uncompressed.
///
/// Every invalid entry is reported (one line each, as Go's `FileErrorList`),
/// unless a size limit is exceeded, which is reported alone. Entry modes are
/// ignored, as Go ignores them: a symlink entry is an ordinary file.
pub fn check_zip(zip_path: &Path, mv: &ModuleVersion) -> Result<CheckedZip, ZipError> {
    check_module_version(mv)?;
    let mut archive = Archive::open_limited(zip_path, MAX_ZIP_FILE)?;
    check_entries(&mut archive, mv).map(|(checked, _)| checked)
}

/// cmd/go's check right after downloading a zip, before hashing it: every
/// entry name starts with `path@version/`. Fails with `zip for path@version
/// has unexpected file <name>` for the first entry that does not.
pub fn check_prefixes(zip_path: &Path, mv: &ModuleVersion) -> Result<(), ZipError> {
    let prefix = zip_prefix(mv);
    let mut archive = Archive::open(zip_path)?;
    match archive
        .entries()?
        .iter()
        .find(|entry| !entry.name.starts_with(prefix.as_bytes()))
    {
        Some(entry) => Err(ZipError::UnexpectedFile {
            module: mv.to_string(),
            name: entry.display_name(),
        }),
        None => Ok(()),
    }
}

/// `path@version/`, the prefix of every name in the module's zip.
pub(crate) fn zip_prefix(mv: &ModuleVersion) -> String {
    format!("{}@{}/", mv.path, mv.version)
}

/// The version is canonical and the pair passes `module.Check`.
pub(crate) fn check_module_version(mv: &ModuleVersion) -> Result<(), ZipError> {
    let canonical = gomodx_module::canonical_version(&mv.version);
    if canonical != mv.version {
        return Err(ZipError::NotCanonical {
            version: mv.version.clone(),
            canonical,
        });
    }
    gomodx_module::check(&mv.path, &mv.version)?;
    Ok(())
}

/// Checks the entries of an archive opened with
/// `Archive::open_limited(path, MAX_ZIP_FILE)`; also returns every entry, in
/// stored order, for extraction to re-verify against.
pub(crate) fn check_entries(
    archive: &mut Archive,
    mv: &ModuleVersion,
) -> Result<(CheckedZip, Vec<Entry>), ZipError> {
    let entries = archive.entries()?;
    let prefix = zip_prefix(mv);
    let mut collisions = CollisionChecker::default();
    let mut invalid = Vec::new();
    let mut too_large = false;
    let mut checked = CheckedZip {
        files: Vec::new(),
        size: 0,
    };
    for entry in &entries {
        let name = entry.display_name();
        match check_entry(entry, &prefix, &mut collisions) {
            Ok(EntryKind::Skipped) => {}
            Ok(EntryKind::File(relative)) => {
                match checked
                    .size
                    .checked_add(entry.size)
                    .filter(|&total| total <= MAX_ZIP_FILE)
                {
                    Some(total) => checked.size = total,
                    None => too_large = true,
                }
                let limit = match relative.as_str() {
                    "go.mod" => Some((MAX_GO_MOD, FileProblem::GoModTooLarge)),
                    "LICENSE" => Some((MAX_LICENSE, FileProblem::LicenseTooLarge)),
                    _ => None,
                };
                match limit {
                    Some((max, problem)) if entry.size > max => {
                        invalid.push(FileError {
                            path: name,
                            problem,
                        });
                    }
                    _ => checked.files.push(name),
                }
            }
            Err(problem) => invalid.push(FileError {
                path: name,
                problem,
            }),
        }
    }
    if too_large {
        return Err(ZipError::ContentTooLarge);
    }
    if !invalid.is_empty() {
        return Err(ZipError::InvalidFiles(invalid));
    }
    Ok((checked, entries))
}

/// What an entry that passed the name checks is.
enum EntryKind {
    /// The prefix directory itself, or a directory entry: nothing to extract.
    Skipped,
    /// A file, with its path relative to the module root.
    File(String),
}

/// The name rules for one entry.
fn check_entry(
    entry: &Entry,
    prefix: &str,
    collisions: &mut CollisionChecker,
) -> Result<EntryKind, FileProblem> {
    let Some(rest) = entry.name.strip_prefix(prefix.as_bytes()) else {
        return Err(FileProblem::MissingPrefix(prefix.to_owned()));
    };
    if rest.is_empty() {
        return Ok(EntryKind::Skipped);
    }
    let lossy = String::from_utf8_lossy(rest);
    let (relative, is_dir) = match lossy.strip_suffix('/') {
        Some(dir) => (dir, true),
        None => (lossy.as_ref(), false),
    };
    if !is_clean(relative) {
        return Err(FileProblem::NotClean);
    }
    if std::str::from_utf8(rest).is_err() {
        return Err(FileProblem::InvalidPath(InvalidPathError {
            kind: PathKind::File,
            path: relative.to_owned(),
            reason: "invalid UTF-8".to_owned(),
        }));
    }
    check_file_path(relative)?;
    collisions.check(relative, is_dir)?;
    if is_dir {
        return Ok(EntryKind::Skipped);
    }
    let base = relative.rsplit('/').next().unwrap_or(relative);
    if equal_fold(base, "go.mod") {
        if base != relative {
            return Err(FileProblem::GoModNotInRoot);
        }
        if relative != "go.mod" {
            return Err(FileProblem::GoModCase);
        }
    }
    Ok(EntryKind::File(relative.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_zips::{
        duplicate_entry_zip, module, module_zip, set_declared_size, symlink_zip, zip_bytes,
        zip_file,
    };

    /// The invalid files reported for a zip of `module()` with `entries`.
    fn invalid(entries: &[(&str, &[u8])]) -> Vec<FileError> {
        let (_tmp, zip) = module_zip(entries);
        match check_zip(&zip, &module()) {
            Err(ZipError::InvalidFiles(files)) => files,
            other => panic!("expected invalid files, got {other:?}"),
        }
    }

    fn problem(path: &str, problem: FileProblem) -> FileError {
        FileError {
            path: format!("example.com/m@v1.0.0/{path}"),
            problem,
        }
    }

    #[test]
    fn valid_zip_lists_files_and_size() {
        let (_tmp, zip) = module_zip(&[
            ("", b""),
            ("go.mod", b"module example.com/m\n"),
            ("sub/", b""),
            ("sub/x.go", b"package x\n"),
            ("LICENSE", b"MIT"),
            ("vendor/a/b.go", b"package b\n"),
            (".hg_archival.txt", b""),
        ]);
        let checked = check_zip(&zip, &module()).unwrap();
        assert_eq!(
            checked.files,
            [
                "example.com/m@v1.0.0/go.mod",
                "example.com/m@v1.0.0/sub/x.go",
                "example.com/m@v1.0.0/LICENSE",
                "example.com/m@v1.0.0/vendor/a/b.go",
                "example.com/m@v1.0.0/.hg_archival.txt",
            ]
        );
        assert_eq!(checked.size, 21 + 10 + 3 + 10);
    }

    #[test]
    fn names_must_be_clean_relative_and_valid() {
        let files = invalid(&[
            ("../evil.go", b""),
            ("a/./b.go", b""),
            ("a//b.go", b""),
            ("/abs.go", b""),
            ("a\\b.go", b""),
            ("ok.go", b""),
        ]);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "example.com/m@v1.0.0/../evil.go",
                "example.com/m@v1.0.0/a/./b.go",
                "example.com/m@v1.0.0/a//b.go",
                "example.com/m@v1.0.0//abs.go",
                "example.com/m@v1.0.0/a\\b.go",
            ]
        );
        assert!(
            matches!(files[0].problem, FileProblem::InvalidPath(_)),
            "{:?}",
            files[0]
        );
        assert_eq!(files[1].problem, FileProblem::NotClean);
        assert_eq!(files[2].problem, FileProblem::NotClean);
        assert!(
            matches!(files[3].problem, FileProblem::InvalidPath(_)),
            "{:?}",
            files[3]
        );
        assert!(
            matches!(files[4].problem, FileProblem::InvalidPath(_)),
            "{:?}",
            files[4]
        );
        assert_eq!(
            files[1].to_string(),
            "example.com/m@v1.0.0/a/./b.go: file path is not clean"
        );
    }

    #[test]
    fn every_name_needs_the_prefix() {
        let (_tmp, zip) = zip_file(&zip_bytes(&[
            ("example.com/m@v1.0.0/a.go", b""),
            ("example.com/m@v1.0.1/b.go", b""),
            ("/abs.txt", b""),
        ]));
        let err = check_zip(&zip, &module()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "example.com/m@v1.0.1/b.go: path does not have prefix \"example.com/m@v1.0.0/\"\n\
             /abs.txt: path does not have prefix \"example.com/m@v1.0.0/\""
        );
        let err = check_prefixes(&zip, &module()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "zip for example.com/m@v1.0.0 has unexpected file example.com/m@v1.0.1/b.go"
        );
        let (_tmp, good) = module_zip(&[("a.go", b"")]);
        check_prefixes(&good, &module()).unwrap();
    }

    #[test]
    fn collisions_conflicts_and_duplicates() {
        assert_eq!(
            invalid(&[("a.go", b""), ("A.go", b"")]),
            [problem(
                "A.go",
                FileProblem::CaseCollision("a.go".into(), "A.go".into())
            )]
        );
        assert_eq!(
            invalid(&[("dir/a.go", b""), ("DIR/b.go", b"")]),
            [problem(
                "DIR/b.go",
                FileProblem::CaseCollision("dir".into(), "DIR".into())
            )]
        );
        assert_eq!(
            invalid(&[("x", b""), ("x/y.go", b"")]),
            [problem("x/y.go", FileProblem::FileAndDirectory("x".into()))]
        );
        assert_eq!(
            invalid(&[("x/", b""), ("x", b"")]),
            [problem("x", FileProblem::FileAndDirectory("x".into()))]
        );
        assert_eq!(
            invalid(&[("\u{212A}.go", b""), ("k.go", b"")]),
            [problem(
                "k.go",
                FileProblem::CaseCollision("\u{212A}.go".into(), "k.go".into())
            )]
        );
        let message = FileError {
            path: "m@v1.0.0/A".into(),
            problem: FileProblem::CaseCollision("a".into(), "A".into()),
        };
        assert_eq!(
            message.to_string(),
            "m@v1.0.0/A: case-insensitive file name collision: \"a\" and \"A\""
        );

        let (_tmp, zip) = duplicate_entry_zip();
        let err = check_zip(&zip, &module()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "example.com/m@v1.0.0/a.go: multiple entries for file \"a.go\""
        );
    }

    #[test]
    fn go_mod_only_at_the_root_and_lower_case() {
        assert_eq!(
            invalid(&[("sub/go.mod", b""), ("GO.MOD", b""), ("sub2/Go.Mod", b"")]),
            [
                problem("sub/go.mod", FileProblem::GoModNotInRoot),
                problem("GO.MOD", FileProblem::GoModCase),
                problem("sub2/Go.Mod", FileProblem::GoModNotInRoot),
            ]
        );
    }

    #[test]
    fn declared_sizes_are_limited() {
        let mut bytes = zip_bytes(&[
            ("example.com/m@v1.0.0/go.mod", b"module m\n"),
            ("example.com/m@v1.0.0/LICENSE", b"MIT"),
            ("example.com/m@v1.0.0/sub/LICENSE", b"MIT"),
        ]);
        let over = u32::try_from(MAX_GO_MOD + 1).unwrap();
        set_declared_size(&mut bytes, "example.com/m@v1.0.0/go.mod", over);
        set_declared_size(&mut bytes, "example.com/m@v1.0.0/LICENSE", over);
        set_declared_size(&mut bytes, "example.com/m@v1.0.0/sub/LICENSE", over);
        let (_tmp, zip) = zip_file(&bytes);
        let err = check_zip(&zip, &module()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "example.com/m@v1.0.0/go.mod: go.mod file too large (max size is 16777216 bytes)\n\
             example.com/m@v1.0.0/LICENSE: LICENSE file too large (max size is 16777216 bytes)"
        );

        let mut bytes = zip_bytes(&[
            ("example.com/m@v1.0.0/a", b"a"),
            ("example.com/m@v1.0.0/b", b"b"),
        ]);
        set_declared_size(&mut bytes, "example.com/m@v1.0.0/a", 300 << 20);
        set_declared_size(&mut bytes, "example.com/m@v1.0.0/b", 300 << 20);
        let (_tmp, zip) = zip_file(&bytes);
        let err = check_zip(&zip, &module()).unwrap_err();
        assert!(matches!(err, ZipError::ContentTooLarge));
        assert_eq!(
            err.to_string(),
            "total uncompressed size of module contents too large (max size is 524288000 bytes)"
        );
    }

    #[test]
    fn zip_file_size_is_limited_before_parsing() {
        let tmp = tempfile::tempdir().unwrap();
        let zip = tmp.path().join("huge.zip");
        std::fs::File::create(&zip)
            .unwrap()
            .set_len(MAX_ZIP_FILE + 1)
            .unwrap();
        let err = check_zip(&zip, &module()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "module zip file is too large (524288001 bytes; limit is 524288000 bytes)"
        );
    }

    #[test]
    fn module_version_must_be_canonical_and_valid() {
        let (_tmp, zip) = module_zip(&[("a.go", b"")]);
        let err = check_zip(&zip, &ModuleVersion::new("example.com/m", "v1.2")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "version \"v1.2\" is not canonical (should be \"v1.2.0\")"
        );
        let err = check_zip(&zip, &ModuleVersion::new("example.com/m", "v2.0.0")).unwrap_err();
        assert!(matches!(err, ZipError::Module(_)), "{err:?}");
        let err = check_zip(&zip, &ModuleVersion::new("example.com/m", "")).unwrap_err();
        assert!(
            matches!(err, ZipError::Module(_)),
            "an empty version is canonical but invalid"
        );
    }

    #[test]
    fn symlink_entries_are_ordinary_files_to_go() {
        let (_tmp, zip) = symlink_zip("example.com/m@v1.0.0/link", "/etc/passwd");
        let checked = check_zip(&zip, &module()).unwrap();
        assert_eq!(checked.files, ["example.com/m@v1.0.0/link"]);
    }
}
