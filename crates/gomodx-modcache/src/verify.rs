//! `go mod verify` for one module version (`cmd/go/internal/modcmd/verify.go`).

use std::fmt;
use std::io;
use std::path::PathBuf;

use gomodx_module::{ModuleVersion, is_toolchain_path};
use gomodx_modzip::h1;

use crate::{CacheFile, ModCache};

/// Why a cached module version failed verification. `Display` is go's
/// message, e.g. `rsc.io/quote v1.5.2: dir has been modified (/…)`.
#[derive(Debug)]
pub enum VerifyError {
    /// The `.ziphash` could not be read although a zip or tree exists.
    MissingZipHash(ModuleVersion, PathBuf, io::Error),
    /// The zip's hash differs from `.ziphash`.
    ZipModified(ModuleVersion, PathBuf),
    /// The extracted tree's hash differs from `.ziphash`.
    DirModified(ModuleVersion, PathBuf),
    /// The zip or tree could not be hashed, or the path is invalid.
    Other(ModuleVersion, String),
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingZipHash(m, path, err) => write!(
                f,
                "{} {}: missing ziphash: open {}: {}",
                m.path,
                m.version,
                path.display(),
                gomodx_fs::os_error_text(err)
            ),
            Self::ZipModified(m, zip) => {
                write!(
                    f,
                    "{} {}: zip has been modified ({})",
                    m.path,
                    m.version,
                    zip.display()
                )
            }
            Self::DirModified(m, dir) => {
                write!(
                    f,
                    "{} {}: dir has been modified ({})",
                    m.path,
                    m.version,
                    dir.display()
                )
            }
            Self::Other(m, message) => write!(f, "{} {}: {message}", m.path, m.version),
        }
    }
}

impl std::error::Error for VerifyError {}

impl VerifyError {
    /// The gomodx command that repairs it: a modified zip is replaced by
    /// the store's checked copy (`--refresh-module` re-hashes cached zips);
    /// anything else is removed from both caches and downloaded again.
    pub fn repair(&self) -> String {
        match self {
            Self::ZipModified(m, _) => format!(
                "gomodx --refresh-module {0} download {0}@{1}",
                m.path, m.version
            ),
            Self::MissingZipHash(m, ..) | Self::DirModified(m, _) | Self::Other(m, _) => format!(
                "gomodx cache clean {0}@{1} && gomodx download {0}@{1}",
                m.path, m.version
            ),
        }
    }
}

/// Checks the cached zip and extracted tree of `module` against its
/// `.ziphash`, exactly as `go mod verify` does: nothing cached is fine, a
/// zip or complete tree without `.ziphash` is an error, and each of the zip
/// and the tree must hash to the `.ziphash` value. Never touches go.sum.
pub fn verify(cache: &ModCache, module: &ModuleVersion) -> Vec<VerifyError> {
    if is_toolchain_path(&module.path) {
        return Vec::new();
    }
    match verify_checked(cache, module) {
        Ok(errors) => errors,
        Err(message) => vec![VerifyError::Other(module.clone(), message)],
    }
}

fn verify_checked(cache: &ModCache, module: &ModuleVersion) -> Result<Vec<VerifyError>, String> {
    let zip = cache
        .file(module, CacheFile::Zip)
        .map_err(|e| e.to_string())?;
    let zip_exists = zip.exists();
    let dir = cache.complete_dir(module).map_err(|e| e.to_string())?;
    let ziphash_path = cache
        .file(module, CacheFile::ZipHash)
        .map_err(|e| e.to_string())?;
    let expected = match std::fs::read_to_string(&ziphash_path) {
        Ok(text) => text.trim().to_owned(),
        Err(_) if !zip_exists && dir.is_none() => return Ok(Vec::new()),
        Err(err) => {
            return Ok(vec![VerifyError::MissingZipHash(
                module.clone(),
                ziphash_path,
                err,
            )]);
        }
    };
    let mut errors = Vec::new();
    if zip_exists {
        let actual = h1::hash_zip(&zip).map_err(|e| e.to_string())?;
        if actual != expected {
            errors.push(VerifyError::ZipModified(module.clone(), zip));
        }
    }
    if let Some(dir) = dir {
        let prefix = format!("{}@{}", module.path, module.version);
        let actual = h1::hash_dir(&dir, &prefix).map_err(|e| e.to_string())?;
        if actual != expected {
            errors.push(VerifyError::DirModified(module.clone(), dir));
        }
    }
    Ok(errors)
}
