//! A module version `go mod download` has nothing left to do for: its
//! `.info`, `.mod`, `.zip` and `.ziphash` in `cache/download` and its
//! extracted tree complete, read the way a warm run needs them — each file
//! looked up relative to one handle on `cache/download`, each small file in
//! one open and one read.

use std::io::Read;
use std::os::fd::OwnedFd;
use std::path::PathBuf;

use gomodx_fs::is_kind;
use gomodx_module::ModuleVersion;
use gomodx_module::escape::escape_path;
use nix::fcntl::{AtFlags, OFlag, openat};
use nix::sys::stat::{Mode, SFlag, fstatat, stat};

use crate::layout::{CacheFile, ModCache, checked_version};

/// What GOMODCACHE holds for a module version downloaded completely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    /// The `.info` file's bytes.
    pub info: Vec<u8>,
    /// The `.mod` file's bytes.
    pub go_mod: Vec<u8>,
    /// The `h1:` hash the `.ziphash` records.
    pub zip_hash: String,
    /// The zip's size in bytes.
    pub zip_size: u64,
    /// `V.info`.
    pub info_path: PathBuf,
    /// `V.mod`.
    pub go_mod_path: PathBuf,
    /// `V.zip`.
    pub zip_path: PathBuf,
    /// The extracted tree.
    pub dir: PathBuf,
}

impl ModCache {
    /// Everything `go mod download` leaves for `module` — `.info`, `.mod`,
    /// `.zip` and `.ziphash` files, no `.partial` marker, the extracted
    /// directory — or `None` when anything is missing or unreadable (the
    /// download path then looks closer). Nothing is checked against go.sum
    /// here; a file read short (see `read_small`) fails those checks.
    pub fn downloaded(&self, module: &ModuleVersion) -> Option<Downloaded> {
        let download = self.download_handle();
        let name = relative_name(module)?;
        let zip = download.regular_file(&name(CacheFile::Zip))?;
        let fd = download.get()?;
        let partial = name(CacheFile::Partial);
        if fstatat(fd, partial.as_str(), AtFlags::AT_SYMLINK_NOFOLLOW).is_ok() {
            return None;
        }
        let zip_hash = read_small(fd, &name(CacheFile::ZipHash))?;
        let zip_hash = String::from_utf8(zip_hash).ok()?.trim().to_owned();
        let info = read_small(fd, &name(CacheFile::Info))?;
        let go_mod = read_small(fd, &name(CacheFile::Mod))?;
        let dir = self.extracted_dir(module).ok()?;
        if !stat(&dir).is_ok_and(|s| is_kind(s.st_mode, SFlag::S_IFDIR)) {
            return None;
        }
        let path = |kind: CacheFile| self.root().join("cache/download").join(name(kind));
        Some(Downloaded {
            info,
            go_mod,
            zip_hash,
            zip_size: u64::try_from(zip.st_size).ok()?,
            info_path: path(CacheFile::Info),
            go_mod_path: path(CacheFile::Mod),
            zip_path: path(CacheFile::Zip),
            dir,
        })
    }

    /// The bytes of a small `kind` file of `module` (`.info`, `.mod`,
    /// `.ziphash`) looked up relative to the `cache/download` handle;
    /// `None` when it cannot be read.
    pub fn read_small(&self, module: &ModuleVersion, kind: CacheFile) -> Option<Vec<u8>> {
        let name = relative_name(module)?;
        read_small(self.download_handle().get()?, &name(kind))
    }
}

/// The names of `module`'s files relative to `cache/download`, by kind
/// (`<escaped path>/@v/<escaped version>.<suffix>`); `None` for a path or
/// version go would refuse.
fn relative_name(module: &ModuleVersion) -> Option<impl Fn(CacheFile) -> String> {
    let version = checked_version(module).ok()?;
    let stem = format!("{}/@v/{version}.", escape_path(&module.path).ok()?);
    Some(move |kind: CacheFile| format!("{stem}{}", kind.suffix()))
}

/// The bytes of the small file `name` under `dir`: read until a read
/// returns less than asked, which for a regular file is its end — no
/// `stat` for the size, no read returning nothing. Were a read ever short
/// before the end, the bytes would fail the caller's checks (a hash, a
/// parse) and the ordinary path would read the file again.
fn read_small(dir: &OwnedFd, name: &str) -> Option<Vec<u8>> {
    let fd = openat(dir, name, OFlag::O_RDONLY | OFlag::O_CLOEXEC, Mode::empty()).ok()?;
    let mut file = std::fs::File::from(fd);
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match file.read(&mut chunk) {
            Ok(n) if n < chunk.len() => {
                bytes.extend_from_slice(&chunk[..n]);
                return Some(bytes);
            }
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module() -> ModuleVersion {
        ModuleVersion::new("example.com/Mod", "v1.0.0")
    }

    /// A complete download of `module()` under `root`.
    fn complete(cache: &ModCache) {
        let m = module();
        let versions = cache.version_dir(&m.path).unwrap();
        std::fs::create_dir_all(&versions).unwrap();
        for (kind, bytes) in [
            (CacheFile::Info, "{\"Version\":\"v1.0.0\"}"),
            (CacheFile::Mod, "module example.com/Mod\n"),
            (CacheFile::Zip, "zip bytes"),
            (CacheFile::ZipHash, "h1:abc="),
        ] {
            std::fs::write(cache.file(&m, kind).unwrap(), bytes).unwrap();
        }
        std::fs::create_dir_all(cache.extracted_dir(&m).unwrap()).unwrap();
    }

    #[test]
    fn a_complete_download_is_read_back() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = ModCache::new(tmp.path());
        complete(&cache);
        let found = cache.downloaded(&module()).unwrap();
        assert_eq!(found.zip_hash, "h1:abc=");
        assert_eq!(found.zip_size, 9);
        assert_eq!(found.go_mod, b"module example.com/Mod\n");
        assert_eq!(found.info, b"{\"Version\":\"v1.0.0\"}");
        assert_eq!(found.dir, tmp.path().join("example.com/!mod@v1.0.0"));
        assert_eq!(
            found.zip_path,
            tmp.path()
                .join("cache/download/example.com/!mod/@v/v1.0.0.zip")
        );
    }

    #[test]
    fn anything_missing_or_partial_is_not_downloaded() {
        let check = |case: &str, damage: &dyn Fn(&ModCache)| {
            let tmp = tempfile::tempdir().unwrap();
            let cache = ModCache::new(tmp.path());
            complete(&cache);
            damage(&cache);
            assert_eq!(cache.downloaded(&module()), None, "{case}");
        };
        for kind in [
            CacheFile::Zip,
            CacheFile::Info,
            CacheFile::Mod,
            CacheFile::ZipHash,
        ] {
            check(kind.suffix(), &|c| {
                std::fs::remove_file(c.file(&module(), kind).unwrap()).unwrap();
            });
        }
        check("no tree", &|c| {
            std::fs::remove_dir(c.extracted_dir(&module()).unwrap()).unwrap();
        });
        check("extraction under way", &|c| {
            std::fs::write(c.file(&module(), CacheFile::Partial).unwrap(), "").unwrap();
        });
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(
            ModCache::new(tmp.path()).downloaded(&module()),
            None,
            "empty"
        );
    }
}
