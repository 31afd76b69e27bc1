//! Reading a module-cache tarball back into a GOMODCACHE, safely.
//!
//! Everything is unpacked into a staging directory and checked before
//! anything is moved: entries must be plain files or directories whose
//! paths stay below the root; every module's zip and extracted tree must
//! match its `.ziphash` (as `go mod verify` checks them), and hashes that
//! go.sum records must match. Only then is the cache published: a missing
//! destination is created by renaming the staging directory (made next to
//! it) in one step; into an existing one (staged inside it, so on the same
//! filesystem even when it is a mount point) files and trees are moved one
//! rename at a time, `cache/` first so that no tree lands before its
//! `.ziphash`, keeping what is already there. On any error the staging
//! directory is removed and the destination is untouched.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, Permissions};
use std::io::{self, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use gomodx_fs::{FsError, make_tree_read_only, remove_dir_all_force};
use gomodx_module::ModuleVersion;
use gomodx_module::escape::{unescape_path, unescape_version};
use gomodx_modzip::h1;

use crate::archive::{ArchiveError, ArchiveSummary, is_cached_go_mod};
use crate::slim::is_in_tree;
use crate::walk::{self, Kind};
use crate::{CacheFile, ModCache, verify};

/// The hashes go.sum records for a module version: keyed like go.sum, the
/// zip hash under the version, the go.mod hash under `<version>/go.mod`.
pub type SumLookup<'a> = &'a dyn Fn(&ModuleVersion) -> Vec<String>;

/// How [`import_tar`] treats what it imports.
#[derive(Clone, Copy, Default)]
pub struct ImportOptions<'a> {
    /// Leave extracted trees writable (go's `-modcacherw`).
    pub writable: bool,
    /// go.sum's hashes, to check the imported modules against.
    pub go_sum: Option<SumLookup<'a>>,
}

/// Imports the tarball `file` into the module cache `dest` (created if
/// missing), verifying it first; see the module documentation.
pub fn import_tar(
    file: &Path,
    dest: &Path,
    options: ImportOptions<'_>,
) -> Result<ArchiveSummary, ArchiveError> {
    let parent = dest
        .parent()
        .ok_or_else(|| ArchiveError::UnsafePath(dest.display().to_string()))?;
    fs::create_dir_all(parent).map_err(|e| FsError::new("create directory", parent, e))?;
    let staging = Staging::new(if dest.exists() { dest } else { parent })?;
    let summary = unpack(file, &staging.0)?;
    let trees = check(&staging.0, options.go_sum)?;
    publish(&staging.0, dest)?;
    if !options.writable {
        let cache = ModCache::new(dest);
        for module in &trees {
            make_tree_read_only(&cache.extracted_dir(module)?)?;
        }
    }
    Ok(summary)
}

/// A staging directory, removed (with whatever is left in it) on drop.
struct Staging(PathBuf);

impl Staging {
    fn new(parent: &Path) -> Result<Self, FsError> {
        let dir = tempfile::Builder::new()
            .prefix(".gomodx-import-")
            .tempdir_in(parent)
            .map_err(|e| FsError::new("create directory", parent, e))?;
        Ok(Self(dir.keep()))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.0.exists() {
            let _ = remove_dir_all_force(&self.0);
        }
    }
}

/// Unpacks the tarball into `root`, refusing unsafe entries. Files inside
/// extracted trees get go's mode 0444.
fn unpack(file: &Path, root: &Path) -> Result<ArchiveSummary, ArchiveError> {
    let read_error = |cause| ArchiveError::Tar {
        op: "read",
        file: file.to_path_buf(),
        cause,
    };
    let input = File::open(file).map_err(read_error)?;
    let mut archive = tar::Archive::new(BufReader::new(input));
    let mut summary = ArchiveSummary::default();
    for entry in archive.entries().map_err(read_error)? {
        let mut entry = entry.map_err(read_error)?;
        let name = entry.path().map_err(read_error)?.into_owned();
        let relative = safe_relative(&name)?;
        if relative.is_empty() || walk::is_host_specific(&relative) {
            continue;
        }
        if relative.ends_with(".partial") {
            return Err(ArchiveError::Partial(relative));
        }
        let path = root.join(&relative);
        match entry.header().entry_type() {
            tar::EntryType::Directory => {
                fs::create_dir_all(&path)
                    .map_err(|e| FsError::new("create directory", &path, e))?;
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let dir = path.parent().expect("entries lie below the root");
                fs::create_dir_all(dir).map_err(|e| FsError::new("create directory", dir, e))?;
                let mut out =
                    File::create_new(&path).map_err(|e| FsError::new("create", &path, e))?;
                summary.bytes +=
                    io::copy(&mut entry, &mut out).map_err(|e| FsError::new("write", &path, e))?;
                summary.files += 1;
                summary.modules += usize::from(is_cached_go_mod(&relative));
                if is_in_tree(&relative) {
                    fs::set_permissions(&path, Permissions::from_mode(0o444))
                        .map_err(|e| FsError::new("chmod", &path, e))?;
                }
            }
            _ => return Err(ArchiveError::Unsupported(name.display().to_string())),
        }
    }
    Ok(summary)
}

/// The entry's path as a `/`-separated relative path, if it stays below
/// the root (no absolute path, no `..`).
fn safe_relative(name: &Path) -> Result<String, ArchiveError> {
    let unsafe_path = || ArchiveError::UnsafePath(name.display().to_string());
    let mut parts = Vec::new();
    for component in name.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str().ok_or_else(unsafe_path)?),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(unsafe_path());
            }
        }
    }
    Ok(parts.join("/"))
}

/// The module versions a cache holds files of, and what it holds.
#[derive(Debug, Default)]
struct Found {
    /// Versions with a zip, a `.ziphash` or a tree.
    modules: BTreeSet<ModuleVersion>,
    /// Versions with an extracted tree.
    trees: BTreeSet<ModuleVersion>,
    /// `.mod` files by version.
    go_mods: BTreeMap<ModuleVersion, PathBuf>,
}

/// Finds the module versions in the cache at `root`.
fn scan(root: &Path) -> Result<Found, ArchiveError> {
    let mut found = Found::default();
    for entry in walk::entries(root)? {
        let relative = entry.relative.as_str();
        if let Some(rest) = relative.strip_prefix("cache/download/") {
            let Some((path, file)) = rest.rsplit_once("/@v/") else {
                continue;
            };
            let Some((version, ext)) = file.rsplit_once('.') else {
                continue;
            };
            if rest.starts_with("sumdb/") || !matches!(ext, "mod" | "zip" | "ziphash") {
                continue;
            }
            let module = ModuleVersion::new(unescape_path(path)?, unescape_version(version)?);
            if ext == "mod" {
                found.go_mods.insert(module, entry.path);
            } else {
                found.modules.insert(module);
            }
        } else if entry.kind == Kind::Dir && is_in_tree(relative) {
            let Some((path, version)) = relative.split_once('@') else {
                continue;
            };
            if version.contains('/') {
                continue; // inside a tree
            }
            let module = ModuleVersion::new(unescape_path(path)?, unescape_version(version)?);
            found.modules.insert(module.clone());
            found.trees.insert(module);
        }
    }
    Ok(found)
}

/// Verifies every module in the cache at `root`; returns those with trees.
fn check(
    root: &Path,
    go_sum: Option<SumLookup<'_>>,
) -> Result<BTreeSet<ModuleVersion>, ArchiveError> {
    let found = scan(root)?;
    let cache = ModCache::new(root);
    let expect = |key: ModuleVersion, actual: String| match go_sum.map(|sums| sums(&key)) {
        Some(hashes) if !hashes.is_empty() && !hashes.contains(&actual) => {
            Err(ArchiveError::SumMismatch {
                module: format!("{}@{}", key.path, key.version),
                actual,
                expected: hashes[0].clone(),
            })
        }
        _ => Ok(()),
    };
    for module in &found.modules {
        let ziphash = cache.file(module, CacheFile::ZipHash)?;
        if found.trees.contains(module) && !ziphash.exists() {
            return Err(ArchiveError::TreeWithoutHash {
                module: format!("{}@{}", module.path, module.version),
            });
        }
        if let Some(error) = verify(&cache, module).into_iter().next() {
            return Err(ArchiveError::Modified(error));
        }
        if let Ok(hash) = fs::read_to_string(&ziphash) {
            expect(module.clone(), hash.trim().to_owned())?;
        }
    }
    for (module, file) in &found.go_mods {
        let data = fs::read(file).map_err(|e| FsError::new("read", file, e))?;
        let key = ModuleVersion::new(module.path.clone(), format!("{}/go.mod", module.version));
        expect(key, h1::hash_go_mod(&data))?;
    }
    Ok(found.trees)
}

/// Moves the staged cache into `dest`: one rename when `dest` is missing,
/// else a merge that keeps existing entries (`cache/` first, so a tree
/// never lands before its `.ziphash`).
fn publish(staging: &Path, dest: &Path) -> Result<(), ArchiveError> {
    match fs::symlink_metadata(dest) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return fs::rename(staging, dest).map_err(|e| FsError::new("rename", dest, e).into());
        }
        Err(e) => return Err(FsError::new("stat", dest, e).into()),
        Ok(_) => {}
    }
    let cache = Path::new("cache");
    if staging.join(cache).exists() {
        merge(&staging.join(cache), &dest.join(cache))?;
    }
    for name in sorted_names(staging)? {
        if name != cache {
            merge(&staging.join(&name), &dest.join(&name))?;
        }
    }
    Ok(())
}

/// Renames `from` to `to` unless `to` exists; directories that exist on
/// both sides (other than trees, which are kept whole) are merged.
fn merge(from: &Path, to: &Path) -> Result<(), FsError> {
    match fs::symlink_metadata(to) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::rename(from, to).map_err(|e| FsError::new("rename", to, e))
        }
        Err(e) => Err(FsError::new("stat", to, e)),
        Ok(meta) if meta.is_dir() && from.is_dir() && !is_tree_root(from) => {
            for name in sorted_names(from)? {
                merge(&from.join(&name), &to.join(&name))?;
            }
            Ok(())
        }
        Ok(_) => Ok(()),
    }
}

fn is_tree_root(dir: &Path) -> bool {
    dir.file_name()
        .is_some_and(|name| name != "@v" && name.to_string_lossy().contains('@'))
}

fn sorted_names(dir: &Path) -> Result<Vec<std::ffi::OsString>, FsError> {
    let mut names = fs::read_dir(dir)
        .map_err(|e| FsError::new("read directory", dir, e))?
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| FsError::new("read directory", dir, e))?;
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEFAULT_EPOCH, export_tar};

    fn module() -> ModuleVersion {
        ModuleVersion::new("example.com/M", "v1.0.0")
    }

    /// A cache with one module: its go.mod, tree and `.ziphash`.
    fn cache(root: &Path) -> ModCache {
        let cache = ModCache::new(root);
        let m = module();
        let tree = cache.extracted_dir(&m).unwrap();
        fs::create_dir_all(tree.join("sub")).unwrap();
        fs::write(tree.join("go.mod"), "module example.com/M\n").unwrap();
        fs::write(tree.join("sub/a.go"), "package sub\n").unwrap();
        let hash = h1::hash_dir(&tree, "example.com/M@v1.0.0").unwrap();
        let ziphash = cache.file(&m, CacheFile::ZipHash).unwrap();
        fs::create_dir_all(ziphash.parent().unwrap()).unwrap();
        fs::write(ziphash, &hash).unwrap();
        fs::write(
            cache.file(&m, CacheFile::Mod).unwrap(),
            "module example.com/M\n",
        )
        .unwrap();
        cache
    }

    fn exported(tmp: &Path) -> PathBuf {
        let tar = tmp.join("mc.tar");
        export_tar(cache(&tmp.join("source")).root(), &tar, DEFAULT_EPOCH).unwrap();
        tar
    }

    #[test]
    fn round_trip_into_a_missing_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let tar = exported(tmp.path());
        let dest = tmp.path().join("new/mc");
        let summary = import_tar(&tar, &dest, ImportOptions::default()).unwrap();
        assert_eq!((summary.files, summary.modules), (4, 1));
        let cache = ModCache::new(&dest);
        assert!(verify(&cache, &module()).is_empty());
        let tree = cache.complete_dir(&module()).unwrap().unwrap();
        let mode = fs::metadata(&tree).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o555);
        let leftovers: Vec<_> = fs::read_dir(tmp.path().join("new")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging dir left");

        // Again into the same, now existing and complete, cache.
        import_tar(&tar, &dest, ImportOptions::default()).unwrap();
        let names: Vec<_> = fs::read_dir(&dest)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "cache/ and example.com/ only: {names:?}");
        remove_dir_all_force(&dest).unwrap();
    }

    #[test]
    fn long_names_round_trip() {
        let tmp = tempfile::tempdir().unwrap();
        let source = tmp.path().join("source");
        let long = format!("cache/download/sumdb/{}/tile", "x".repeat(150));
        fs::create_dir_all(source.join(&long)).unwrap();
        fs::write(source.join(&long).join("data"), "tile").unwrap();
        let tar = tmp.path().join("mc.tar");
        export_tar(&source, &tar, DEFAULT_EPOCH).unwrap();
        let dest = tmp.path().join("mc");
        import_tar(&tar, &dest, ImportOptions::default()).unwrap();
        assert_eq!(fs::read(dest.join(&long).join("data")).unwrap(), b"tile");
    }

    #[test]
    fn merges_into_an_existing_cache() {
        let tmp = tempfile::tempdir().unwrap();
        let tar = exported(tmp.path());
        let dest = tmp.path().join("mc");
        fs::create_dir_all(dest.join("cache/download/other/@v")).unwrap();
        fs::write(dest.join("cache/download/other/@v/v1.0.0.mod"), "x").unwrap();
        let options = ImportOptions {
            writable: true,
            ..ImportOptions::default()
        };
        import_tar(&tar, &dest, options).unwrap();
        assert!(dest.join("cache/download/other/@v/v1.0.0.mod").exists());
        assert_eq!(
            fs::read_dir(&dest).unwrap().count(),
            2,
            "no staging dir left"
        );
        assert!(
            ModCache::new(&dest)
                .complete_dir(&module())
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn go_sum_mismatch_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let tar = exported(tmp.path());
        let dest = tmp.path().join("mc");
        let lookup = |m: &ModuleVersion| {
            if m.version.ends_with("/go.mod") {
                vec!["h1:wrong=".to_owned()]
            } else {
                Vec::new()
            }
        };
        let options = ImportOptions {
            writable: false,
            go_sum: Some(&lookup),
        };
        let err = import_tar(&tar, &dest, options).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("verifying example.com/M@v1.0.0/go.mod: checksum mismatch"),
            "{err}"
        );
        assert!(!dest.exists());
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            2,
            "source and tar only"
        );
    }

    #[test]
    fn tampered_tree_is_refused_and_nothing_is_left() {
        let tmp = tempfile::tempdir().unwrap();
        let source = tmp.path().join("source");
        let tree = cache(&source).extracted_dir(&module()).unwrap();
        fs::write(tree.join("sub/a.go"), "package evil\n").unwrap();
        let tar = tmp.path().join("mc.tar");
        export_tar(&source, &tar, DEFAULT_EPOCH).unwrap();
        let dest = tmp.path().join("mc");
        let err = import_tar(&tar, &dest, ImportOptions::default()).unwrap_err();
        assert!(err.to_string().contains("dir has been modified"), "{err}");
        assert!(!dest.exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 2);
    }

    #[test]
    fn escaping_entries_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let tar = tmp.path().join("evil.tar");
        let mut builder = tar::Builder::new(File::create(&tar).unwrap());
        let mut header = tar::Header::new_gnu();
        let name = b"cache/../../escaped";
        header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
        header.set_size(1);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append(&header, &b"x"[..]).unwrap();
        builder.finish().unwrap();
        drop(builder);
        let err = import_tar(&tar, &tmp.path().join("mc/x"), ImportOptions::default()).unwrap_err();
        assert!(matches!(err, ArchiveError::UnsafePath(_)), "{err}");
        assert!(!tmp.path().join("escaped").exists());
        assert!(!tmp.path().join("mc/x").exists());
    }
}
