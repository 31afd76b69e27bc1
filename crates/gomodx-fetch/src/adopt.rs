//! Go's module cache as a source: a zip go downloaded into GOMODCACHE
//! (complete: the zip and its `.ziphash`) that the store lacks is hashed,
//! checked against its `.ziphash` and go.sum, and taken into the store
//! instead of being downloaded again.

use std::io::Write;

use gomodx_modcache::CacheFile;
use gomodx_module::ModuleVersion;
use gomodx_modzip::h1::hash_zip;
use gomodx_store::{ArtifactKind, Ref};

use crate::error::Error;
use crate::fetcher::{Fetcher, ZipFile, blocking, put_ref};

impl Fetcher {
    /// The zip of `module` adopted from GOMODCACHE, or `None` when it is not
    /// complete there or does not verify (its `.ziphash` or go.sum disagree):
    /// it is then downloaded as usual and published over go's copy.
    pub(crate) async fn adopted_zip(
        &self,
        module: &ModuleVersion,
    ) -> Result<Option<ZipFile>, Error> {
        let cache = &self.inner.mod_cache;
        let (Ok(zip), Ok(ziphash)) = (
            cache.file(module, CacheFile::Zip),
            cache.file(module, CacheFile::ZipHash),
        ) else {
            return Ok(None);
        };
        let Ok(recorded) = std::fs::read_to_string(&ziphash) else {
            return Ok(None);
        };
        if !zip.is_file() {
            return Ok(None);
        }
        let source = format!("file://{}", cache.root().join("cache/download").display());
        let cpu = self.cpu_permit().await;
        let (store, key) = (self.inner.store.clone(), module.clone());
        let copied = blocking(move || {
            let mut writer = store.blob_writer()?;
            let hashed = std::fs::File::open(&zip)
                .and_then(|mut file| std::io::copy(&mut file, &mut writer))
                .and_then(|_| writer.flush())
                .ok()
                .and_then(|()| {
                    gomodx_modzip::check_prefixes(writer.path(), &key)
                        .and_then(|()| hash_zip(writer.path()))
                        .ok()
                });
            Ok((writer, hashed))
        })
        .await?;
        drop(cpu);
        let (writer, h1) = match copied {
            (writer, Some(h1)) if h1 == recorded.trim() => (writer, h1),
            _ => return Ok(None),
        };
        if self.inner.sums.check(module, &h1, &source).await.is_err() {
            return Ok(None);
        }
        let (store, key, reference) = (self.inner.store.clone(), module.clone(), source);
        blocking(move || {
            let blob = writer.commit()?;
            put_ref(
                &store,
                &key,
                ArtifactKind::Zip,
                &Ref::new(&blob, reference).with_h1(h1),
            )
        })
        .await?;
        self.stored_zip(module).await
    }
}
