//! Zips: from the store when it holds an intact copy, else streamed from
//! the proxy into a store blob, checked, and published in GOMODCACHE.

use std::path::PathBuf;

use gomodx_modcache::{CacheFile, ExportError};
use gomodx_module::ModuleVersion;
use gomodx_modzip::h1::hash_zip;
use gomodx_store::{ArtifactKind, Ref, StoreError};

use crate::error::Error;
use crate::fetcher::{Fetcher, Source, ZipFile, blocking, put_ref, stored_source};
use crate::sink::BlobSink;

impl Fetcher {
    pub(crate) async fn load_zip(&self, module: &ModuleVersion) -> Result<ZipFile, Error> {
        if let Some(zip) = self.stored_zip(module).await? {
            return Ok(zip);
        }
        match self.remote_zip(module).await? {
            Some(zip) => Ok(zip),
            None => self.download_zip(module).await,
        }
    }

    /// The zip from the store, checked and exported; `None` if the store
    /// has none or only a corrupt one (which is then quarantined).
    pub(crate) async fn stored_zip(
        &self,
        module: &ModuleVersion,
    ) -> Result<Option<ZipFile>, Error> {
        // The blob is only needed if GOMODCACHE lacks the zip, and then
        // export_zip verifies it (a missing one means downloading again).
        let Some(reference) = self
            .inner
            .store
            .get_ref_unchecked(module, ArtifactKind::Zip)?
        else {
            return Ok(None);
        };
        let Some(h1) = reference.h1.clone() else {
            return Ok(None);
        };
        self.inner
            .sums
            .check(module, &h1, &stored_source(&reference))
            .await?;
        if self.refreshes(&module.path) && !self.recheck_zip(module, &reference.sha256, &h1).await?
        {
            return Ok(None);
        }
        let exported = self
            .export_zip(module, &reference.sha256, &h1, Some(reference.size))
            .await?;
        Ok(exported.map(|path| ZipFile {
            path,
            h1,
            size: reference.size,
            source: Source::Store,
        }))
    }

    /// Downloads the zip into the store under the store's per-version lock:
    /// streamed to a temporary blob, its names checked, hashed and checked
    /// against go.sum, and only then committed and exported. On any failure
    /// the temporary file is removed: nothing is kept.
    async fn download_zip(&self, module: &ModuleVersion) -> Result<ZipFile, Error> {
        self.require_network(&module.path, &module.version, ".zip")?;
        let permit = self.network_permit().await;
        let (store, key) = (self.inner.store.clone(), module.clone());
        let _lock = blocking(move || Ok(store.lock_module_version(&key)?)).await?;
        // Another process may have stored it while this one waited.
        if let Some(zip) = self.stored_zip(module).await? {
            return Ok(zip);
        }
        let store = self.inner.store.clone();
        let writer = blocking(move || Ok(store.blob_writer()?)).await?;
        let mut sink = BlobSink::new(writer, module, &*self.inner.reporter);
        let served = self
            .inner
            .client
            .zip(&module.path, &module.version, &mut sink)
            .await?;
        let writer = sink
            .finish()
            .map_err(|e| Error::Internal(format!("writing the zip of {module}: {e}")))?;
        drop(permit);

        let cpu = self.cpu_permit().await;
        let (key, proxy) = (module.clone(), served.proxy.clone());
        let (writer, h1) = blocking(move || {
            let checked = gomodx_modzip::check_prefixes(writer.path(), &key)
                .and_then(|()| hash_zip(writer.path()));
            match checked {
                Ok(h1) => Ok((writer, h1)),
                Err(e) => Err(Error::downloaded_zip(&key, &proxy, e)),
            }
        })
        .await?;
        drop(cpu);
        self.inner.sums.check(module, &h1, &served.proxy).await?;

        let (store, key, proxy, hash) = (
            self.inner.store.clone(),
            module.clone(),
            served.proxy,
            h1.clone(),
        );
        let blob = blocking(move || {
            let blob = writer.commit()?;
            put_ref(
                &store,
                &key,
                ArtifactKind::Zip,
                &Ref::new(&blob, proxy).with_h1(hash),
            )?;
            Ok(blob)
        })
        .await?;
        self.push_remote(module, ArtifactKind::Zip).await;
        let path = self
            .export_zip(module, &blob.sha256, &h1, None)
            .await?
            .ok_or_else(|| Error::Internal(format!("{module}: the zip just stored is missing")))?;
        Ok(ZipFile {
            path,
            h1,
            size: blob.size,
            source: Source::Network,
        })
    }

    /// Publishes the blob `sha256` as the module's zip in GOMODCACHE.
    ///
    /// For a stored blob (`stored_size` given) the warm case is a few cheap
    /// checks: the blob is still there, `.ziphash` holds `h1` (what go
    /// checks against go.sum) and the zip has the blob's size. When any
    /// fails, the blob is re-hashed (`None` if it was corrupt, and is then
    /// quarantined) and the zip and `.ziphash` are published again over
    /// what was there. A blob just downloaded is published unless the zip
    /// there is that very blob.
    async fn export_zip(
        &self,
        module: &ModuleVersion,
        sha256: &str,
        h1: &str,
        stored_size: Option<u64>,
    ) -> Result<Option<PathBuf>, Error> {
        let cache = &self.inner.mod_cache;
        let zip = cache
            .file(module, CacheFile::Zip)
            .map_err(ExportError::from)?;
        let verify = stored_size.is_some();
        if let Some(size) = stored_size
            && self.inner.store.blob_path(sha256)?.is_file()
            && cache.zip_looks_intact(module, h1, size)
        {
            return Ok(Some(zip));
        }
        let replaced = verify && zip.is_file();
        let _cpu = self.cpu_permit().await;
        let (store, cache, key) = (
            self.inner.store.clone(),
            self.inner.mod_cache.clone(),
            module.clone(),
        );
        let (sha256, hash) = (sha256.to_owned(), h1.to_owned());
        let exported = blocking(move || {
            if verify {
                match store.verify_blob(&sha256) {
                    Ok(true) => {}
                    Ok(false) | Err(StoreError::MissingBlob { .. }) => return Ok(None),
                    Err(e) => return Err(e.into()),
                }
            }
            let blob = store.blob_path(&sha256)?;
            Ok(Some(cache.install_zip(&key, &blob, &hash)?))
        })
        .await?;
        if replaced && exported.is_some() {
            self.repaired(format!(
                "{module} (.zip): {} or its .ziphash did not match go.sum's {h1}; published again",
                zip.display()
            ));
        }
        Ok(exported)
    }
}
