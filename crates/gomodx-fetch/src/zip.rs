//! Zips: from the store when it holds an intact copy, else streamed from
//! the proxy into a store blob, checked, and published in GOMODCACHE.

use std::path::{Path, PathBuf};

use gomodx_modcache::{CacheFile, ExportError};
use gomodx_module::ModuleVersion;
use gomodx_modzip::h1::hash_zip;
use gomodx_store::{ArtifactKind, Blob, BlobSynced, BlobWriter, Ref, StoreError};

use crate::error::Error;
use crate::fetcher::{Fetcher, Source, ZipFile, blocking, put_ref, stored_source};
use crate::sink::BlobSink;

/// A downloaded zip, read and hashed, not yet committed.
struct Checked {
    writer: BlobWriter,
    /// The blob's `fdatasync`, running since the download ended.
    synced: Syncing,
    h1: String,
    /// The staging directory holding its extracted tree (`tree/`), if
    /// extraction succeeded; removed when dropped.
    staged: Option<tempfile::TempDir>,
}

/// The outcome of a blob's `fdatasync` running on the blocking pool.
type Syncing = tokio::sync::oneshot::Receiver<Result<BlobSynced, StoreError>>;

/// Where [`Fetcher::download_zip`]'s blocking work stopped.
enum Step {
    /// Everything is kept and exported.
    Kept(ZipFile),
    /// The hash needs the checksum database, or the blob's fsync is still
    /// running: both are awaited before it is kept.
    Pending(Box<Checked>),
}

impl Fetcher {
    pub(crate) async fn load_zip(&self, module: &ModuleVersion) -> Result<ZipFile, Error> {
        if let Some(zip) = self.prefetched_zip(module).await? {
            return Ok(zip);
        }
        if let Some(zip) = self.stored_zip(module).await? {
            return Ok(zip);
        }
        if let Some(zip) = self.adopted_zip(module).await? {
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
    /// streamed to a temporary blob, then read once — its names checked,
    /// hashed and extracted into a staging directory in the same pass —
    /// checked against go.sum, and only then committed, exported and its
    /// tree published. On any failure the temporary file and the staged
    /// tree are removed: nothing is kept.
    ///
    /// The blocking work after the download is one task when go.sum settles
    /// the hash and the blob's fsync is done by the time the zip is
    /// extracted, two when the checksum database has to be asked or the
    /// fsync is still running.
    async fn download_zip(&self, module: &ModuleVersion) -> Result<ZipFile, Error> {
        self.require_network(&module.path, &module.version, ".zip")?;
        let permit = self.network_permit().await;
        let _lock = self.lock_artifact(module, ArtifactKind::Zip).await?;
        let writer = self.inner.store.blob_writer()?;
        // Another process may have stored it while this one waited.
        if let Some(zip) = self.stored_zip(module).await? {
            return Ok(zip);
        }
        let mut sink = BlobSink::new(writer, module, &*self.inner.reporter);
        let served = self
            .inner
            .client
            .zip(&module.path, &module.version, &mut sink)
            .await?;
        let mut writer = sink
            .finish()
            .map_err(|e| Error::Internal(format!("writing the zip of {module}: {e}")))?;
        drop(permit);
        // To disk while the zip is checked and extracted. On the blocking
        // pool, never waited for there (so it cannot fill the pool).
        let sync = writer.pending_sync()?;
        let (done, synced) = tokio::sync::oneshot::channel();
        tokio::task::spawn_blocking(move || done.send(sync.run()));

        let cpu = self.cpu_permit().await;
        let (fetcher, key, proxy) = (self.clone(), module.clone(), served.proxy.clone());
        let step = blocking(move || {
            let mut checked = fetcher.check_download(&key, writer, synced, &proxy)?;
            match fetcher.inner.sums.check_now(&key, &checked.h1, &proxy) {
                Some(Err(err)) => Err(err),
                Some(Ok(())) => match checked.synced.try_recv() {
                    Ok(synced) => fetcher
                        .keep_download(&key, checked, synced?, proxy)
                        .map(Step::Kept),
                    Err(_) => Ok(Step::Pending(Box::new(checked))),
                },
                None => Ok(Step::Pending(Box::new(checked))),
            }
        })
        .await?;
        let kept = match step {
            Step::Kept(zip) => zip,
            Step::Pending(mut checked) => {
                self.inner
                    .sums
                    .check(module, &checked.h1, &served.proxy)
                    .await?;
                let synced = (&mut checked.synced).await.map_err(|_| {
                    Error::Internal(format!("the fsync of the zip of {module} did not finish"))
                })??;
                let (fetcher, key) = (self.clone(), module.clone());
                blocking(move || fetcher.keep_download(&key, *checked, synced, served.proxy))
                    .await?
            }
        };
        drop(cpu);
        self.push_remote(module, ArtifactKind::Zip).await;
        Ok(kept)
    }

    /// Reads the downloaded zip once: extracted into a staging directory of
    /// the store while its entries are hashed. A zip that extraction refuses
    /// is checked and hashed the way go does before extracting (prefixes,
    /// then `h1:`), so that its errors stay go's; its extraction fails later,
    /// as go's does.
    fn check_download(
        &self,
        module: &ModuleVersion,
        writer: BlobWriter,
        synced: Syncing,
        proxy: &str,
    ) -> Result<Checked, Error> {
        let staging = self.inner.store.temp_dir()?;
        let tree = staging.path().join("tree");
        if let Ok(h1) = gomodx_modzip::unzip_hashed(writer.path(), module, &tree) {
            return Ok(Checked {
                writer,
                synced,
                h1,
                staged: Some(staging),
            });
        }
        drop(staging);
        match gomodx_modzip::check_prefixes(writer.path(), module)
            .and_then(|()| hash_zip(writer.path()))
        {
            Ok(h1) => Ok(Checked {
                writer,
                synced,
                h1,
                staged: None,
            }),
            Err(e) => Err(Error::downloaded_zip(module, proxy, e)),
        }
    }

    /// Commits a checked download: the blob, its ref, then the zip,
    /// `.ziphash` and staged tree in GOMODCACHE
    /// ([`publish_download`](Self::publish_download)).
    fn keep_download(
        &self,
        module: &ModuleVersion,
        checked: Checked,
        synced: BlobSynced,
        proxy: String,
    ) -> Result<ZipFile, Error> {
        let blob = checked.writer.commit_synced(synced)?;
        put_ref(
            &self.inner.store,
            module,
            ArtifactKind::Zip,
            &Ref::new(&blob, proxy).with_h1(checked.h1.clone()),
        )?;
        let tree = checked
            .staged
            .as_ref()
            .map(|staging| staging.path().join("tree"));
        self.publish_download(module, &blob, checked.h1, tree.as_deref())
    }

    /// Publishes a downloaded zip, committed to the store as `blob`, in
    /// GOMODCACHE with its `.ziphash`, and `tree`, its extracted tree if
    /// extraction succeeded (if publishing the tree fails,
    /// [`extract`](Self::extract) extracts the zip again and reports what
    /// fails then).
    pub(crate) fn publish_download(
        &self,
        module: &ModuleVersion,
        blob: &Blob,
        h1: String,
        tree: Option<&Path>,
    ) -> Result<ZipFile, Error> {
        let inner = &self.inner;
        let path =
            inner
                .mod_cache
                .install_zip(module, &inner.store.blob_path(&blob.sha256)?, &h1)?;
        if let Some(tree) = tree {
            let _ = inner
                .mod_cache
                .publish_tree(module, tree, inner.writable_dirs);
        }
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
