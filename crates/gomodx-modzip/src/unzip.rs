//! Extracting a module zip (`zip.Unzip`), all or nothing.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use gomodx_fs::{FsError, remove_dir_all_force};
use gomodx_module::ModuleVersion;
use sha2::{Digest, Sha256};

use crate::MAX_ZIP_FILE;
use crate::archive::{Archive, copy_body};
use crate::check::{check_entries, check_module_version, zip_prefix};
use crate::error::ZipError;

/// Extracts the zip at `zip_path` for module `mv` into `dest`.
///
/// The zip is first checked with every rule of [`check_zip`](crate::check_zip).
/// `dest` must be absent or an empty directory. Files are created with
/// `create_new` and mode 0444 (directories with the default mode; making
/// them read-only is the caller's job, see `gomodx_fs::make_tree_read_only`).
/// Each file's content is streamed in bounded chunks and must have exactly
/// its declared size. Entry modes are ignored: no symlink is ever created,
/// and nothing outside `dest` is ever written.
///
/// On any failure everything this call created is removed again: `dest`
/// itself (and any parents it had to create) if it did not exist, otherwise
/// its contents.
pub fn unzip(zip_path: &Path, mv: &ModuleVersion, dest: &Path) -> Result<(), ZipError> {
    unzip_with(zip_path, mv, dest, None)
}

/// [`unzip`], also returning the zip's `h1:` hash (what
/// [`hash_zip`](crate::h1::hash_zip) computes), from the same read of each
/// entry: one pass over the zip where checking, hashing and extracting
/// would take two.
///
/// Fails where [`unzip`] fails, even when `hash_zip` would succeed (an
/// invalid zip still has a hash): callers that must report the hash of an
/// invalid zip fall back to `hash_zip` on error.
pub fn unzip_hashed(zip_path: &Path, mv: &ModuleVersion, dest: &Path) -> Result<String, ZipError> {
    let mut digests = Vec::new();
    unzip_with(zip_path, mv, dest, Some(&mut digests))?;
    // Checked zips have no duplicate names, so sorting pairs is hash_zip's order.
    crate::h1::hash1_raw(&mut digests)
}

/// Extracts, all or nothing, collecting each entry's SHA-256 into `digests`
/// if given.
fn unzip_with(
    zip_path: &Path,
    mv: &ModuleVersion,
    dest: &Path,
    digests: Option<&mut Vec<(Vec<u8>, [u8; 32])>>,
) -> Result<(), ZipError> {
    let cleanup = Cleanup::prepare(dest)?;
    let result = extract(zip_path, mv, dest, digests);
    if result.is_err() {
        // The extraction error matters more than a failed cleanup.
        let _ = cleanup.undo();
    }
    result
}

/// Checks, then writes every file (hashing every entry into `digests`).
fn extract(
    zip_path: &Path,
    mv: &ModuleVersion,
    dest: &Path,
    mut digests: Option<&mut Vec<(Vec<u8>, [u8; 32])>>,
) -> Result<(), ZipError> {
    check_module_version(mv)?;
    let mut archive = Archive::open_limited(zip_path, MAX_ZIP_FILE)?;
    let (_, checked_entries) = check_entries(&mut archive, mv)?;
    let prefix = zip_prefix(mv);
    fs::create_dir_all(dest).map_err(|err| FsError::new("mkdir", dest, err))?;
    // Directories made so far: one mkdir per directory, not per file.
    let mut made = HashSet::from([dest.to_path_buf()]);
    let mut index = 0;
    archive.for_each_body(|entry, body| {
        // The zip is read twice; insist the second pass sees what was checked.
        if checked_entries.get(index) != Some(entry) {
            return Err(ZipError::Entry {
                path: zip_path.to_path_buf(),
                name: entry.display_name(),
                cause: io::Error::other("zip file changed while it was being extracted"),
            });
        }
        index += 1;
        let relative = std::str::from_utf8(&entry.name[prefix.len()..])
            .expect("checked names are UTF-8 and start with the prefix");
        // Directory entries (and the prefix itself) are not extracted, but
        // hash_zip hashes their bodies too.
        let extracted = !(relative.is_empty() || relative.ends_with('/'));
        if !extracted && digests.is_none() {
            return Ok(());
        }
        let mut output = if extracted {
            let target = dest.join(relative);
            Some((create_file(&target, &mut made)?, target))
        } else {
            None
        };
        let mut hasher = digests.is_some().then(Sha256::new);
        copy_body(body, entry.size, |chunk| {
            if let Some(hasher) = &mut hasher {
                hasher.update(chunk);
            }
            match &mut output {
                Some((file, target)) => file
                    .write_all(chunk)
                    .map_err(|err| FsError::new("write", &*target, err).into()),
                None => Ok(()),
            }
        })
        .map_err(|err| err.into_zip_error(zip_path, entry))?;
        if let (Some(hasher), Some(digests)) = (hasher, digests.as_deref_mut()) {
            digests.push((entry.name.clone(), hasher.finalize().into()));
        }
        Ok(())
    })
}

/// Creates a new read-only file (and its parent directories, unless they
/// are among the directories `made` already).
fn create_file(target: &Path, made: &mut HashSet<PathBuf>) -> Result<File, ZipError> {
    let parent = target
        .parent()
        .expect("a target inside the destination has a parent");
    if !made.contains(parent) {
        fs::create_dir_all(parent).map_err(|err| FsError::new("mkdir", parent, err))?;
        made.insert(parent.to_path_buf());
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o444);
    }
    Ok(options
        .open(target)
        .map_err(|err| FsError::new("create", target, err))?)
}

/// What to remove if extraction fails.
enum Cleanup {
    /// The outermost directory that did not exist before.
    Created(PathBuf),
    /// `dest` existed (empty): remove what is inside it.
    Contents(PathBuf),
}

impl Cleanup {
    /// Checks that `dest` is absent or empty and records what to undo.
    fn prepare(dest: &Path) -> Result<Self, ZipError> {
        match fs::read_dir(dest) {
            Ok(mut listing) => {
                if listing.next().is_some() {
                    return Err(ZipError::DestinationNotEmpty {
                        dir: dest.to_path_buf(),
                    });
                }
                Ok(Self::Contents(dest.to_path_buf()))
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                let mut outermost = dest;
                while let Some(parent) = outermost.parent() {
                    if parent.as_os_str().is_empty() || fs::symlink_metadata(parent).is_ok() {
                        break;
                    }
                    outermost = parent;
                }
                Ok(Self::Created(outermost.to_path_buf()))
            }
            Err(err) => Err(FsError::new("read directory", dest, err).into()),
        }
    }

    /// Removes what extraction created.
    fn undo(self) -> Result<(), FsError> {
        match self {
            Self::Created(dir) => remove_dir_all_force(&dir),
            Self::Contents(dir) => {
                let listing =
                    fs::read_dir(&dir).map_err(|err| FsError::new("read directory", &dir, err))?;
                for child in listing {
                    let child = child.map_err(|err| FsError::new("read directory", &dir, err))?;
                    remove_dir_all_force(&child.path())?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FileProblem;
    use crate::test_zips::{
        duplicate_entry_zip, module, module_zip, set_declared_size, symlink_zip, tree, zip_bytes,
        zip_file,
    };

    /// Unzips into a fresh `dest` that does not exist yet (two levels deep)
    /// and asserts that a failure leaves nothing behind.
    fn unzip_fresh(zip: &Path) -> (tempfile::TempDir, Result<(), ZipError>) {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("cache/example.com/m@v1.0.0");
        let result = unzip(zip, &module(), &dest);
        if result.is_err() {
            assert!(
                tree(tmp.path()).is_empty(),
                "left behind: {:?}",
                tree(tmp.path())
            );
        }
        (tmp, result)
    }

    /// Unzips into an existing empty directory and asserts that a failure
    /// leaves it empty.
    fn unzip_into_empty(zip: &Path) -> Result<(), ZipError> {
        let tmp = tempfile::tempdir().unwrap();
        let result = unzip(zip, &module(), tmp.path());
        if result.is_err() {
            assert!(
                tree(tmp.path()).is_empty(),
                "left behind: {:?}",
                tree(tmp.path())
            );
        }
        result
    }

    fn invalid_files(result: Result<(), ZipError>) -> Vec<(String, FileProblem)> {
        match result {
            Err(ZipError::InvalidFiles(files)) => {
                files.into_iter().map(|f| (f.path, f.problem)).collect()
            }
            other => panic!("expected invalid files, got {other:?}"),
        }
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn unzip_hashed_extracts_and_hashes_as_hash_zip_in_one_pass() {
        let (_t, zip) = module_zip(&[
            ("", b""),
            ("go.mod", b"module example.com/m\n"),
            ("empty/", b""),
            ("b.go", b"package m\n"),
            ("a/b/c.go", b"package b\n"),
        ]);
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("m@v1.0.0");
        let h1 = unzip_hashed(&zip, &module(), &dest).unwrap();
        assert_eq!(h1, crate::h1::hash_zip(&zip).unwrap());
        assert_eq!(tree(&dest), ["a/", "a/b/", "a/b/c.go", "b.go", "go.mod"]);
        assert_eq!(fs::read(dest.join("b.go")).unwrap(), b"package m\n");

        // An invalid zip has a hash, but unzip_hashed fails like unzip and
        // leaves nothing.
        let (_t, bad) = module_zip(&[("go.mod", b"module example.com/m\n"), ("x/go.mod", b"")]);
        let dest = tmp.path().join("bad@v1.0.0");
        assert!(crate::h1::hash_zip(&bad).is_ok());
        assert!(unzip_hashed(&bad, &module(), &dest).is_err());
        assert!(!dest.exists());
    }

    #[test]
    fn extracts_files_read_only_and_skips_directory_entries() {
        let (_t, zip) = module_zip(&[
            ("", b""),
            ("go.mod", b"module example.com/m\n"),
            ("empty/", b""),
            ("a/b/c.go", b"package b\n"),
        ]);
        let (tmp, result) = unzip_fresh(&zip);
        result.unwrap();
        let dest = tmp.path().join("cache/example.com/m@v1.0.0");
        assert_eq!(tree(&dest), ["a/", "a/b/", "a/b/c.go", "go.mod"]);
        assert_eq!(fs::read(dest.join("a/b/c.go")).unwrap(), b"package b\n");
        #[cfg(unix)]
        assert_eq!(mode(&dest.join("go.mod")), 0o444);
    }

    #[test]
    fn zip_slip_and_absolute_names_are_refused() {
        for name in [
            "../evil.go",
            "a/../../evil.go",
            "/abs.go",
            "a\\..\\evil.go",
            "C:/x.go",
        ] {
            let (_t, zip) = module_zip(&[("ok.go", b"x"), (name, b"evil")]);
            let files = invalid_files(unzip_fresh(&zip).1);
            assert_eq!(files.len(), 1, "{name}: {files:?}");
            assert_eq!(files[0].0, format!("example.com/m@v1.0.0/{name}"));
            assert!(invalid_files(unzip_into_empty(&zip)).len() == 1);
        }
        let (_t, zip) = zip_file(&zip_bytes(&[("/etc/evil", b"x"), ("../evil", b"x")]));
        let files = invalid_files(unzip_fresh(&zip).1);
        assert!(
            files
                .iter()
                .all(|(_, p)| matches!(p, FileProblem::MissingPrefix(_))),
            "{files:?}"
        );
    }

    #[test]
    fn collisions_and_conflicts_are_refused() {
        let cases: [&[(&str, &[u8])]; 3] = [
            &[("a.go", b"1"), ("A.go", b"2")],
            &[("x", b"1"), ("x/y.go", b"2")],
            &[("dir/a.go", b"1"), ("Dir/b.go", b"2")],
        ];
        for entries in cases {
            let (_t, zip) = module_zip(entries);
            let files = invalid_files(unzip_fresh(&zip).1);
            assert_eq!(files.len(), 1, "{entries:?}");
            unzip_into_empty(&zip).unwrap_err();
        }
        let (_t, zip) = duplicate_entry_zip();
        let files = invalid_files(unzip_fresh(&zip).1);
        assert_eq!(
            files,
            [(
                "example.com/m@v1.0.0/a.go".into(),
                FileProblem::Duplicate("a.go".into())
            )]
        );
    }

    #[test]
    fn actual_size_must_match_declared_size_and_partial_output_is_removed() {
        // A valid file first, so extraction has created something to undo.
        let mut bytes = zip_bytes(&[
            ("example.com/m@v1.0.0/first.go", b"package first\n"),
            ("example.com/m@v1.0.0/sub/bomb", &[0; 100_000]),
        ]);
        set_declared_size(&mut bytes, "example.com/m@v1.0.0/sub/bomb", 1000);
        let (_t, zip) = zip_file(&bytes);
        let (_tmp, result) = unzip_fresh(&zip);
        let err = result.unwrap_err();
        assert_eq!(
            err.to_string(),
            "uncompressed size of file example.com/m@v1.0.0/sub/bomb is larger than declared size (1000 bytes)"
        );
        assert!(matches!(
            unzip_into_empty(&zip),
            Err(ZipError::LargerThanDeclared { .. })
        ));

        set_declared_size(&mut bytes, "example.com/m@v1.0.0/sub/bomb", 200_000);
        let (_t, zip) = zip_file(&bytes);
        assert!(matches!(
            unzip_fresh(&zip).1,
            Err(ZipError::SmallerThanDeclared {
                declared: 200_000,
                ..
            })
        ));
    }

    #[test]
    fn corrupt_content_is_an_entry_error_and_is_cleaned_up() {
        let mut bytes = zip_bytes(&[("example.com/m@v1.0.0/a.go", &[b'a'; 5000])]);
        // Flip a byte of the compressed data (right after the local header).
        let data_start = 30 + "example.com/m@v1.0.0/a.go".len();
        bytes[data_start + 2] ^= 0xff;
        let (_t, zip) = zip_file(&bytes);
        let err = unzip_fresh(&zip).1.unwrap_err();
        assert!(
            matches!(
                err,
                ZipError::Entry { .. }
                    | ZipError::LargerThanDeclared { .. }
                    | ZipError::SmallerThanDeclared { .. }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("a.go"), "{err}");
    }

    #[test]
    fn symlink_entries_become_regular_files() {
        let (_t, zip) = symlink_zip("example.com/m@v1.0.0/link", "/etc/passwd");
        let (tmp, result) = unzip_fresh(&zip);
        result.unwrap();
        let link = tmp.path().join("cache/example.com/m@v1.0.0/link");
        let meta = fs::symlink_metadata(&link).unwrap();
        assert!(meta.file_type().is_file(), "a symlink was created");
        assert_eq!(fs::read(&link).unwrap(), b"/etc/passwd");
    }

    #[test]
    fn destination_must_be_absent_or_empty() {
        let (_t, zip) = module_zip(&[("a.go", b"x")]);
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("keep"), "mine").unwrap();
        let err = unzip(&zip, &module(), tmp.path()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "target directory {} exists and is not empty",
                tmp.path().display()
            )
        );
        assert_eq!(tree(tmp.path()), ["keep"]);
        assert_eq!(fs::read(tmp.path().join("keep")).unwrap(), b"mine");

        unzip_into_empty(&zip).unwrap();
    }

    #[test]
    fn invalid_module_version_creates_nothing() {
        let (_t, zip) = module_zip(&[("a.go", b"x")]);
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("d");
        let err = unzip(&zip, &ModuleVersion::new("example.com/m", "v1.0"), &dest).unwrap_err();
        assert!(matches!(err, ZipError::NotCanonical { .. }), "{err:?}");
        assert!(!dest.exists());
        let err = unzip(&tmp.path().join("absent.zip"), &module(), &dest).unwrap_err();
        assert!(matches!(err, ZipError::Fs(_)), "{err:?}");
        assert!(!dest.exists());
    }
}
