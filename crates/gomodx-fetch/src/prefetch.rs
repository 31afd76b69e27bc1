//! Zips fetched ahead of the module graph. Loading the graph is a chain of
//! go.mod round trips during which the network and the CPUs are mostly
//! idle; the versions a main go.mod requires are, when it is tidy, the ones
//! the graph selects. So while the graph loads, their zips are downloaded,
//! checked against go.sum and extracted into the store's staging area, a
//! few at a time so that the go.mod fetches on the critical path always
//! find a free network slot. A version the download then asks for is
//! published from there, not downloaded or extracted again; one it does
//! not ask for (an untidy go.mod) stays in the store only, never in
//! GOMODCACHE, and its staged tree is removed with the fetcher.
//!
//! Only what cannot change the outcome is fetched ahead: go.sum must record
//! the zip's hash (so no checksum database is asked), the network must be
//! allowed and reached through a proxy (GOPROXY's first entry a URL: no
//! version-control clone ahead), the version must not be under
//! `--refresh`, and neither the store nor GOMODCACHE may hold it. Any
//! failure is dropped silently: the download proper then fetches the zip
//! the ordinary way and reports it.

use std::sync::{Arc, Mutex, PoisonError};

use gomodx_client::{ProxyKind, ProxySpec};
use gomodx_modcache::CacheFile;
use gomodx_module::{ModuleVersion, canonical_version};
use gomodx_store::{ArtifactKind, Blob, Ref};

use crate::error::Error;
use crate::fetcher::{Fetcher, ZipFile, blocking, put_ref};
use crate::reporter::NoReporter;
use crate::sink::BlobSink;

/// A zip fetched ahead: committed to the store, its tree extracted in a
/// staging directory (removed when dropped).
pub(crate) struct Prefetched {
    blob: Blob,
    h1: String,
    staged: tempfile::TempDir,
}

/// What a prefetch left for the download proper, taken at most once.
pub(crate) type PrefetchSlot = Arc<Mutex<Option<Prefetched>>>;

impl Fetcher {
    /// Starts fetching the zips of `modules` ahead (see the module docs);
    /// returns at once.
    pub fn prefetch_zips(&self, modules: impl IntoIterator<Item = ModuleVersion>) {
        let online = matches!(self.freshness().connectivity, crate::Connectivity::Online);
        // Through a proxy only: never a version-control clone ahead (GONOPROXY
        // or `direct` first) for a version that may not be needed.
        let proxy_first = matches!(
            self.inner.client.proxies().specs().first(),
            Some(ProxySpec {
                kind: ProxyKind::Url(_),
                ..
            })
        );
        if !online || !proxy_first {
            return;
        }
        self.inner
            .prefetching
            .store(true, std::sync::atomic::Ordering::Relaxed);
        for module in modules {
            let fetcher = self.clone();
            tokio::spawn(async move {
                fetcher
                    .inner
                    .prefetches
                    .get_or_init(&module, || async {
                        Arc::new(Mutex::new(fetcher.prefetch(&module).await.ok().flatten()))
                    })
                    .await;
            });
        }
    }

    /// The zip of `module` as a prefetch left it, published in GOMODCACHE
    /// with its tree; waits for a prefetch still running. `None` when
    /// nothing was fetched ahead.
    pub(crate) async fn prefetched_zip(
        &self,
        module: &ModuleVersion,
    ) -> Result<Option<ZipFile>, Error> {
        if !self
            .inner
            .prefetching
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            return Ok(None);
        }
        let slot = self
            .inner
            .prefetches
            .get_or_init(module, || async { PrefetchSlot::default() })
            .await;
        let taken = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
        let Some(prefetched) = taken else {
            return Ok(None);
        };
        let _cpu = self.cpu_permit().await;
        let (fetcher, key) = (self.clone(), module.clone());
        let zip = blocking(move || {
            let tree = prefetched.staged.path().join("tree");
            fetcher.publish_download(&key, &prefetched.blob, prefetched.h1, Some(&tree))
        })
        .await?;
        self.push_remote(module, ArtifactKind::Zip).await;
        Ok(Some(zip))
    }

    /// Downloads, checks and stages the zip of `module` when that is safe
    /// ahead of the graph; `None` when it is not (or someone else has it).
    async fn prefetch(&self, module: &ModuleVersion) -> Result<Option<Prefetched>, Error> {
        let inner = &self.inner;
        if canonical_version(&module.version) != module.version
            || self.refreshes(&module.path)
            || !inner.sums.records_zip(module)
            || inner.store.has_refs(module, &[ArtifactKind::Zip])
            || inner
                .mod_cache
                .file(module, CacheFile::Zip)
                .is_ok_and(|p| p.exists())
        {
            return Ok(None);
        }
        let _slot = inner.prefetch_slots.acquire().await;
        let permit = self.network_permit().await;
        let Some(lock) = inner.store.try_lock_artifact(module, ArtifactKind::Zip)? else {
            return Ok(None);
        };
        let mut sink = BlobSink::new(inner.store.blob_writer()?, module, &NoReporter);
        let served = inner
            .client
            .zip(&module.path, &module.version, &mut sink)
            .await?;
        let writer = sink
            .finish()
            .map_err(|e| Error::Internal(format!("writing the zip of {module}: {e}")))?;
        drop(permit);
        let _cpu = self.cpu_permit().await;
        let (fetcher, key) = (self.clone(), module.clone());
        blocking(move || {
            let _lock = lock;
            let inner = &fetcher.inner;
            let staged = inner.store.temp_dir()?;
            let Ok(h1) =
                gomodx_modzip::unzip_hashed(writer.path(), &key, &staged.path().join("tree"))
            else {
                return Ok(None);
            };
            if !matches!(inner.sums.check_now(&key, &h1, &served.proxy), Some(Ok(()))) {
                return Ok(None);
            }
            let blob = writer.commit()?;
            let reference = Ref::new(&blob, served.proxy).with_h1(h1.clone());
            put_ref(&inner.store, &key, ArtifactKind::Zip, &reference)?;
            Ok(Some(Prefetched { blob, h1, staged }))
        })
        .await
    }
}
