//! Paths inside GOMODCACHE (`cmd/go/internal/modfetch/cache.go`).

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gomodx_fs::DirHandle;
use gomodx_module::escape::{escape_path, escape_version};
use gomodx_module::{ModuleError, ModuleVersion, canonical_version};

/// The files go keeps for one module version under `cache/download`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheFile {
    /// `V.info`: the version's metadata.
    Info,
    /// `V.mod`: its go.mod.
    Mod,
    /// `V.zip`: the module zip.
    Zip,
    /// `V.ziphash`: the zip's `h1:` hash.
    ZipHash,
    /// `V.lock`: the per-version lock file.
    Lock,
    /// `V.partial`: marks an extraction in progress.
    Partial,
}

impl CacheFile {
    /// The file name suffix go uses.
    pub fn suffix(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Mod => "mod",
            Self::Zip => "zip",
            Self::ZipHash => "ziphash",
            Self::Lock => "lock",
            Self::Partial => "partial",
        }
    }
}

/// A module cache rooted at an absolute GOMODCACHE directory.
#[derive(Debug, Clone)]
pub struct ModCache {
    root: PathBuf,
    /// The `@v` directories this process has swept of dead gomodx temp
    /// files (see the `temps` module): once per directory, not per write.
    swept: Arc<Mutex<HashSet<PathBuf>>>,
    /// A handle on `cache/download`, opened once it exists: warm runs look
    /// up thousands of files relative to it rather than from `/` each.
    download: Arc<DirHandle>,
}

impl ModCache {
    /// A module cache at `root` (GOMODCACHE).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Self {
            download: Arc::new(DirHandle::new(root.join("cache/download"))),
            swept: Arc::default(),
            root,
        }
    }

    /// The handle on `cache/download` (opened once it exists).
    pub(crate) fn download_handle(&self) -> &DirHandle {
        &self.download
    }

    /// Removes dead gomodx temp files from `dir` unless this process did
    /// already.
    pub(crate) fn sweep_once(&self, dir: &Path) {
        let first = self
            .swept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(dir.to_path_buf());
        if first {
            crate::temps::sweep_dead_temps(dir);
        }
    }

    /// The GOMODCACHE directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `cache/download/<escaped path>/@v`, the directory of a module's files.
    pub fn version_dir(&self, path: &str) -> Result<PathBuf, ModuleError> {
        Ok(self
            .root
            .join("cache/download")
            .join(escape_path(path)?)
            .join("@v"))
    }

    /// `cache/download/<escaped path>/@v/<escaped version>.<suffix>`.
    ///
    /// Like go, refuses versions that are not canonical.
    pub fn file(&self, module: &ModuleVersion, kind: CacheFile) -> Result<PathBuf, ModuleError> {
        let version = checked_version(module)?;
        Ok(self
            .version_dir(&module.path)?
            .join(format!("{version}.{}", kind.suffix())))
    }

    /// `<escaped path>@<escaped version>`, the extracted tree (it may not exist).
    pub fn extracted_dir(&self, module: &ModuleVersion) -> Result<PathBuf, ModuleError> {
        let version = checked_version(module)?;
        Ok(self
            .root
            .join(format!("{}@{version}", escape_path(&module.path)?)))
    }

    /// Whether GOMODCACHE holds a `kind` file for every module version in
    /// `modules`. A warm graph checks thousands of go.mod files: each is
    /// looked up relative to one handle on `cache/download`, each run of
    /// one path's versions (sorted input has one per path) escapes the path
    /// once, and the work is spread over the CPUs past a few hundred.
    pub fn has_all(&self, modules: &[ModuleVersion], kind: CacheFile) -> bool {
        use rayon::prelude::*;
        let download = self.download_handle();
        if download.get().is_none() {
            return modules.is_empty();
        }
        let same_path = |a: &ModuleVersion, b: &ModuleVersion| a.path == b.path;
        let has = |versions: &[ModuleVersion]| has_versions(download, versions, kind);
        if modules.len() < 256 {
            return modules.chunk_by(same_path).all(has);
        }
        modules.par_chunk_by(same_path).all(has)
    }

    /// Go's `DownloadDir`: the extracted tree if it is complete — it is a
    /// directory, no `.partial` marker exists and the `.ziphash` exists —
    /// else `None` (go treats an incomplete tree as absent).
    pub fn complete_dir(&self, module: &ModuleVersion) -> io::Result<Option<PathBuf>> {
        let dir = self.extracted_dir(module).map_err(io::Error::other)?;
        let partial = self
            .file(module, CacheFile::Partial)
            .map_err(io::Error::other)?;
        let ziphash = self
            .file(module, CacheFile::ZipHash)
            .map_err(io::Error::other)?;
        let complete = dir.is_dir() && !exists(&partial)? && exists(&ziphash)?;
        Ok(complete.then_some(dir))
    }
}

/// Whether `download` (`cache/download`) holds a regular `kind` file for
/// each of `versions`, all versions of one module path.
fn has_versions(download: &DirHandle, versions: &[ModuleVersion], kind: CacheFile) -> bool {
    let Some(first) = versions.first() else {
        return true;
    };
    let Ok(dir) = escape_path(&first.path) else {
        return false;
    };
    versions.iter().all(|module| {
        let Ok(version) = checked_version(module) else {
            return false;
        };
        let relative = format!("{dir}/@v/{version}.{}", kind.suffix());
        download.regular_file(&relative).is_some()
    })
}

/// The escaped version of a module, refusing non-canonical versions as go does.
pub(crate) fn checked_version(module: &ModuleVersion) -> Result<String, ModuleError> {
    if canonical_version(&module.version) != module.version {
        return Err(ModuleError::Escape(format!(
            "non-canonical module version {:?}",
            module.version
        )));
    }
    escape_version(&module.version)
}

/// Whether `path` exists; errors other than "not found" are reported.
fn exists(path: &Path) -> io::Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_escaped_like_go() {
        let cache = ModCache::new("/mc");
        let module = ModuleVersion::new("rsc.io/QUOTE", "v1.5.3-PRE");
        assert_eq!(
            cache.file(&module, CacheFile::ZipHash).unwrap(),
            PathBuf::from("/mc/cache/download/rsc.io/!q!u!o!t!e/@v/v1.5.3-!p!r!e.ziphash")
        );
        assert_eq!(
            cache.extracted_dir(&module).unwrap(),
            PathBuf::from("/mc/rsc.io/!q!u!o!t!e@v1.5.3-!p!r!e")
        );
        assert!(
            cache
                .file(&ModuleVersion::new("rsc.io/quote", "v1.5"), CacheFile::Zip)
                .is_err()
        );
    }

    #[test]
    fn complete_dir_needs_ziphash_and_no_partial() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = ModCache::new(tmp.path());
        let module = ModuleVersion::new("example.com/m", "v1.0.0");
        std::fs::create_dir_all(cache.extracted_dir(&module).unwrap()).unwrap();
        assert_eq!(cache.complete_dir(&module).unwrap(), None);
        let ziphash = cache.file(&module, CacheFile::ZipHash).unwrap();
        std::fs::create_dir_all(ziphash.parent().unwrap()).unwrap();
        std::fs::write(&ziphash, "h1:x").unwrap();
        assert!(cache.complete_dir(&module).unwrap().is_some());
        std::fs::write(cache.file(&module, CacheFile::Partial).unwrap(), "").unwrap();
        assert_eq!(cache.complete_dir(&module).unwrap(), None);
    }

    #[test]
    fn has_all_needs_every_file_of_the_kind() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = ModCache::new(tmp.path());
        assert!(
            cache.has_all(&[], CacheFile::Mod),
            "nothing asked, nothing missing"
        );
        // Past the parallel threshold, several versions per path, paths escaped.
        let modules: Vec<ModuleVersion> = (0..300)
            .map(|i| ModuleVersion::new(format!("example.com/Mod{}", i / 3), format!("v1.0.{i}")))
            .collect();
        assert!(
            !cache.has_all(&modules, CacheFile::Mod),
            "no cache/download yet"
        );
        for module in &modules {
            let file = cache.file(module, CacheFile::Mod).unwrap();
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, "module m\n").unwrap();
        }
        assert!(cache.has_all(&modules, CacheFile::Mod));
        assert!(cache.has_all(&modules[..5], CacheFile::Mod));
        assert!(!cache.has_all(&modules, CacheFile::Info), "another kind");
        let last = cache.file(&modules[299], CacheFile::Mod).unwrap();
        std::fs::remove_file(&last).unwrap();
        assert!(!cache.has_all(&modules, CacheFile::Mod), "one missing");
        std::fs::create_dir(&last).unwrap();
        assert!(
            !cache.has_all(&modules, CacheFile::Mod),
            "a directory is not a file"
        );
        let bad = [ModuleVersion::new("example.com/m", "v1.0")];
        assert!(!cache.has_all(&bad, CacheFile::Mod), "not canonical");
    }
}
