//! go's own module cache as a source: a GOMODCACHE filled by go (or by an
//! earlier gomodx with another store) is adopted into the store instead of
//! fetched again, so offline runs work wherever the same go command works.
//!
//! Nothing there is trusted more than a proxy's answer: a zip must hash to
//! its `.ziphash`, a hash go.sum contradicts is not adopted, and the adopted
//! `.mod` and zip hashes then go through the same go.sum and
//! checksum-database checks as a download (a stored artifact's path). An
//! `.info` only has to parse. A file that fails is left to the download
//! path, which fetches and repairs it (or reports the mismatch).

use std::path::Path;

use gomodx_modcache::{CacheFile, ExportError};
use gomodx_module::ModuleVersion;
use gomodx_modzip::h1::{hash_go_mod, hash_zip};
use gomodx_store::{ArtifactKind, Ref};

use crate::error::Error;
use crate::fetcher::{Fetcher, ZipFile, blocking, go_mod_key, put_ref, small_kind};
use crate::info::parse_disk_info;

/// The ref source of adopted artifacts.
const SOURCE: &str = "GOMODCACHE";

impl Fetcher {
    /// When the store lacks `file` (`.info` or `.mod`) of `module` and
    /// GOMODCACHE holds it, copies it into the store (not with
    /// `--refresh`), and says whether it did. The caller then reads it as a
    /// stored file, checking a `.mod`'s hash against go.sum.
    pub(crate) async fn adopt_file(
        &self,
        module: &ModuleVersion,
        file: CacheFile,
    ) -> Result<bool, Error> {
        let kind = small_kind(file);
        if self.refreshes(&module.path)
            || self.inner.store.get_ref_unchecked(module, kind)?.is_some()
        {
            return Ok(false);
        }
        let path = self
            .inner
            .mod_cache
            .file(module, file)
            .map_err(ExportError::from)?;
        let Ok(bytes) = std::fs::read(&path) else {
            return Ok(false);
        };
        let h1 = match kind {
            ArtifactKind::Mod => Some(hash_go_mod(&bytes)),
            _ if parse_disk_info(&bytes).is_some() => None,
            _ => return Ok(false),
        };
        if let Some(h1) = &h1
            && self.contradicts_go_sum(&go_mod_key(module), h1)
        {
            return Ok(false);
        }
        self.put_small(module, kind, &bytes, h1, SOURCE.to_owned())?;
        Ok(true)
    }

    /// The zip of `module` from GOMODCACHE when the store has none (not
    /// with `--refresh`): hashed, equal to its `.ziphash`, copied into a
    /// store blob, then checked against go.sum and exported as a stored zip
    /// (the zip already there is kept). `None` when GOMODCACHE has no zip
    /// or one that does not match its `.ziphash`.
    pub(crate) async fn adopted_zip(
        &self,
        module: &ModuleVersion,
    ) -> Result<Option<ZipFile>, Error> {
        if self.refreshes(&module.path) {
            return Ok(None);
        }
        let cache = &self.inner.mod_cache;
        let zip = cache
            .file(module, CacheFile::Zip)
            .map_err(ExportError::from)?;
        let ziphash = cache
            .file(module, CacheFile::ZipHash)
            .map_err(ExportError::from)?;
        let Ok(recorded) = std::fs::read_to_string(&ziphash) else {
            return Ok(None);
        };
        if !zip.is_file() {
            return Ok(None);
        }
        let cpu = self.cpu_permit().await;
        let (fetcher, key) = (self.clone(), module.clone());
        let adopted = blocking(move || {
            let store = &fetcher.inner.store;
            let _lock = store.lock_module_version(&key)?;
            if store.get_ref_unchecked(&key, ArtifactKind::Zip)?.is_some() {
                return Ok(true);
            }
            let Some(h1) = zip_hash(&zip, &key).filter(|h1| *h1 == recorded.trim()) else {
                return Ok(false);
            };
            if fetcher.contradicts_go_sum(&key, &h1) {
                return Ok(false);
            }
            let mut writer = store.blob_writer()?;
            let copied = std::fs::File::open(&zip)
                .and_then(|mut file| std::io::copy(&mut file, &mut writer));
            if copied.is_err() {
                return Ok(false);
            }
            let blob = writer.commit()?;
            put_ref(
                store,
                &key,
                ArtifactKind::Zip,
                &Ref::new(&blob, SOURCE.to_owned()).with_h1(h1),
            )?;
            Ok(true)
        })
        .await?;
        drop(cpu);
        if !adopted {
            return Ok(None);
        }
        self.stored_zip(module).await
    }
}

impl Fetcher {
    /// Whether go.sum records another hash for `key` (then the file is not
    /// adopted: the download path fetches it and reports a mismatch).
    fn contradicts_go_sum(&self, key: &ModuleVersion, h1: &str) -> bool {
        matches!(self.inner.sums.check_now(key, h1, SOURCE), Some(Err(_)))
    }
}

/// The zip's `h1:` if it is a well-formed module zip for `module`.
fn zip_hash(zip: &Path, module: &ModuleVersion) -> Option<String> {
    gomodx_modzip::check_prefixes(zip, module)
        .and_then(|()| hash_zip(zip))
        .ok()
}
