//! [`Fetcher`]: the immutable artifacts of a module version (`.info`,
//! `.mod`, `.zip`, the extracted tree), offline first.
//!
//! For each artifact: the store if it holds an intact copy, else the
//! network (bounded by the `jobs` semaphore); hashes are checked against
//! go.sum ([`crate::SumPolicy`]) before anything is kept; then the artifact
//! is exported into GOMODCACHE exactly as go writes it. Every artifact is
//! worked on once per process however many callers ask for it, and the
//! store's per-artifact locks make concurrent gomodx processes fetch it
//! once (see `shared`). Hashing and extraction run on blocking threads, at most one
//! per CPU.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use gomodx_client::Client;
use gomodx_modcache::{CacheFile, ExportError, ModCache};
use gomodx_module::ModuleVersion;
use gomodx_modzip::h1::hash_go_mod;
use gomodx_store::{ArtifactKind, Ref, Store, StoreError};
use sha2::{Digest, Sha256};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::download::ModuleDownload;
use crate::error::Error;
use crate::freshness::{Freshness, FreshnessState};
use crate::info::{disk_info, parse_disk_info};
use crate::query::QueryCache;
use crate::reporter::Reporter;
use crate::sums::{SumChecker, SumPolicy};
use gomodx_client::once::OnceMap;

/// The default number of concurrent network fetches (go uses one per CPU).
pub const DEFAULT_JOBS: usize = 32;

/// Everything a [`Fetcher`] works with, resolved by the caller.
pub struct FetchConfig {
    /// The GOPROXY client.
    pub client: Client,
    /// gomodx's store.
    pub store: Store,
    /// The GOMODCACHE to export into.
    pub mod_cache: ModCache,
    /// Which hashes to trust.
    pub sums: SumPolicy,
    /// At most this many network fetches at once (at least 1).
    pub jobs: usize,
    /// Leave extracted directories writable (`-modcacherw`).
    pub writable_dirs: bool,
    /// Receives download progress.
    pub reporter: Arc<dyn Reporter>,
    /// The shared tier read through to, and written back to (`--remote`).
    pub remote: Option<Arc<gomodx_remote::Remote>>,
}

/// Where an artifact's bytes came from in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// gomodx's store: no network.
    Store,
    /// A proxy.
    Network,
    /// The shared remote (`--remote`).
    Remote,
}

/// A version's `.info`, as exported to GOMODCACHE.
#[derive(Debug, Clone, PartialEq)]
pub struct InfoFile {
    /// The info as go reads it back from the file.
    pub info: gomodx_client::RevInfo,
    /// `cache/download/<path>/@v/<version>.info`.
    pub path: PathBuf,
}

/// A version's go.mod, checked and exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoModFile {
    /// The bytes as served.
    pub data: Arc<[u8]>,
    /// Its go.sum hash (the `/go.mod` line).
    pub h1: String,
    /// `cache/download/<path>/@v/<version>.mod`.
    pub path: PathBuf,
}

/// A version's zip, checked and exported with its `.ziphash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipFile {
    /// `cache/download/<path>/@v/<version>.zip`.
    pub path: PathBuf,
    /// Its go.sum hash.
    pub h1: String,
    /// Its size in bytes.
    pub size: u64,
    /// Where it came from.
    pub source: Source,
}

/// Fetches module artifacts; cheap to clone, shared by many tasks.
#[derive(Clone)]
pub struct Fetcher {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) client: Client,
    pub(crate) store: Store,
    pub(crate) mod_cache: ModCache,
    pub(crate) sums: SumChecker,
    network: Semaphore,
    jobs: usize,
    cpu: Semaphore,
    pub(crate) writable_dirs: bool,
    pub(crate) reporter: Arc<dyn Reporter>,
    infos: OnceMap<ModuleVersion, Result<InfoFile, Error>>,
    mods: OnceMap<ModuleVersion, Result<GoModFile, Error>>,
    zips: OnceMap<ModuleVersion, Result<ZipFile, Error>>,
    dirs: OnceMap<ModuleVersion, Result<PathBuf, Error>>,
    pub(crate) downloads: OnceMap<ModuleVersion, ModuleDownload>,
    /// Whether zips are being fetched ahead of the graph (`prefetch`).
    pub(crate) prefetching: std::sync::atomic::AtomicBool,
    pub(crate) prefetches: OnceMap<ModuleVersion, crate::prefetch::PrefetchSlot>,
    /// Network jobs prefetches may hold: half, so the graph's go.mod
    /// fetches always find one.
    pub(crate) prefetch_slots: Semaphore,
    pub(crate) queries: QueryCache,
    pub(crate) freshness: FreshnessState,
    pub(crate) remote: Option<crate::remote::RemoteTier>,
}

impl Fetcher {
    /// A fetcher working with `config` and the default [`Freshness`].
    pub fn new(config: FetchConfig) -> Self {
        Self::with_freshness(config, Freshness::default())
    }

    /// A fetcher working with `config` under the `freshness` policy.
    pub fn with_freshness(config: FetchConfig, freshness: Freshness) -> Self {
        let offline = match &freshness.connectivity {
            crate::Connectivity::Offline { reason } => Some(reason.clone()),
            crate::Connectivity::Online => None,
        };
        let online = offline.is_none();
        let sums = SumChecker::new(
            config.sums,
            config.client.clone(),
            config.mod_cache.root(),
            offline,
        );
        let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self {
            inner: Arc::new(Inner {
                client: config.client,
                store: config.store,
                mod_cache: config.mod_cache,
                sums,
                network: Semaphore::new(config.jobs.max(1)),
                jobs: config.jobs.max(1),
                cpu: Semaphore::new(cpus),
                writable_dirs: config.writable_dirs,
                reporter: config.reporter,
                infos: OnceMap::default(),
                mods: OnceMap::default(),
                zips: OnceMap::default(),
                dirs: OnceMap::default(),
                downloads: OnceMap::default(),
                prefetching: std::sync::atomic::AtomicBool::new(false),
                prefetches: OnceMap::default(),
                prefetch_slots: Semaphore::new((config.jobs / 2).max(1)),
                queries: QueryCache::default(),
                freshness: FreshnessState::new(freshness),
                // Offline means no network at all, the remote's included.
                remote: (config.remote)
                    .filter(|_| online)
                    .map(crate::remote::RemoteTier::new),
            }),
        }
    }

    /// How many network fetches run at once (`-j`).
    pub fn jobs(&self) -> usize {
        self.inner.jobs
    }

    /// The hashes accepted so far that go.sum does not record: go.sum keys
    /// (`/go.mod` suffix for go.mod hashes) and hashes, sorted.
    pub fn new_sums(&self) -> Vec<(ModuleVersion, String)> {
        self.inner.sums.added()
    }

    /// The `.info` of a canonical module version.
    pub async fn info(&self, module: &ModuleVersion) -> Result<InfoFile, Error> {
        self.inner
            .infos
            .get_or_init(module, || self.load_info(module))
            .await
    }

    /// The go.mod of a canonical module version, checked against go.sum.
    pub async fn go_mod(&self, module: &ModuleVersion) -> Result<GoModFile, Error> {
        self.inner
            .mods
            .get_or_init(module, || self.load_go_mod(module))
            .await
    }

    /// The zip of a canonical module version, checked against go.sum and
    /// published in GOMODCACHE with its `.ziphash`.
    pub async fn zip(&self, module: &ModuleVersion) -> Result<ZipFile, Error> {
        self.inner
            .zips
            .get_or_init(module, || self.load_zip(module))
            .await
    }

    /// Extracts the module's zip into GOMODCACHE (call [`zip`](Self::zip)
    /// first) unless a complete tree is there; returns the directory.
    pub async fn extract(&self, module: &ModuleVersion) -> Result<PathBuf, Error> {
        self.inner
            .dirs
            .get_or_init(module, || async {
                let refresh = self.refreshes(&module.path);
                // Extracted already (the warm case): a few stats on this
                // thread, as go's `DownloadDir` check before it locks.
                if !refresh && let Ok(Some(dir)) = self.inner.mod_cache.complete_dir(module) {
                    return Ok(dir);
                }
                let _cpu = self.cpu_permit().await;
                if refresh {
                    let (cache, key) = (self.inner.mod_cache.clone(), module.clone());
                    let removed = blocking(move || Ok(cache.remove_modified_tree(&key)?)).await?;
                    if let Some(dir) = removed {
                        self.repaired(format!(
                            "{module}: {} does not match its .ziphash; extracting it again",
                            dir.display()
                        ));
                    }
                }
                let (cache, module, writable) = (
                    self.inner.mod_cache.clone(),
                    module.clone(),
                    self.inner.writable_dirs,
                );
                blocking(move || Ok(cache.extract(&module, writable)?)).await
            })
            .await
    }

    /// The `.info` of a canonical module version when it can be had
    /// without waiting: worked on earlier in this process, or in the store
    /// and exported to GOMODCACHE already. `None` means [`info`](Self::info)
    /// has to fetch or export it.
    ///
    /// Warm runs take GOMODCACHE's file as go does — read and parsed —
    /// when the store has its ref (else the file is adopted first); the
    /// store's copy is read only when that file is missing or does not
    /// parse.
    pub fn info_now(&self, module: &ModuleVersion) -> Option<Result<InfoFile, Error>> {
        self.inner.infos.get_or_init_now(module, || {
            if let Some(info) = self.exported_info(module) {
                return Some(Ok(info));
            }
            let stored = match self.stored(module, CacheFile::Info) {
                Ok(stored) => stored?,
                Err(err) => return Some(Err(err)),
            };
            let info = parse_disk_info(&stored.bytes)?;
            stored.exported.then_some(Ok(InfoFile {
                info,
                path: stored.path,
            }))
        })
    }

    /// GOMODCACHE's `.info` of `module` when it parses and the store has
    /// its ref (not under `--refresh`).
    fn exported_info(&self, module: &ModuleVersion) -> Option<InfoFile> {
        let inner = &self.inner;
        if self.refreshes(&module.path) || !inner.store.has_refs(module, &[ArtifactKind::Info]) {
            return None;
        }
        let info = parse_disk_info(&inner.mod_cache.read_small(module, CacheFile::Info)?)?;
        let path = inner.mod_cache.file(module, CacheFile::Info).ok()?;
        Some(InfoFile { info, path })
    }

    async fn load_info(&self, module: &ModuleVersion) -> Result<InfoFile, Error> {
        let mut stored = self.stored(module, CacheFile::Info)?;
        if stored.is_none()
            && (self.pull_remote(module, ArtifactKind::Info).await?
                || self.adopt_file(module, CacheFile::Info).await?)
        {
            stored = self.stored(module, CacheFile::Info)?;
        }
        let mut _lock = None;
        if stored.is_none() {
            self.require_network(&module.path, &module.version, ".info")?;
            _lock = Some(self.lock_artifact(module, ArtifactKind::Info).await?);
            // Another process may have fetched it while this one waited.
            stored = self.stored(module, CacheFile::Info)?;
        }
        let (bytes, path) = match stored {
            Some(stored) => {
                if !stored.exported {
                    write_cache_file(
                        &self.inner.mod_cache,
                        module,
                        CacheFile::Info,
                        &stored.bytes,
                    )?;
                }
                (stored.bytes, stored.path)
            }
            None => {
                let served = self
                    .network(self.inner.client.info(&module.path, &module.version))
                    .await?;
                let bytes = disk_info(&served.value);
                let path = self
                    .keep(module, CacheFile::Info, bytes.clone(), None, served.proxy)
                    .await?;
                (bytes, path)
            }
        };
        let info = parse_disk_info(&bytes)
            .ok_or_else(|| Error::Internal(format!("{module}: stored .info is not valid JSON")))?;
        Ok(InfoFile { info, path })
    }

    /// The go.mod of a canonical module version when it can be had without
    /// waiting: worked on earlier in this process, or intact in the store
    /// (then checked against go.sum and exported). `None` means
    /// [`go_mod`](Self::go_mod) has to fetch it, or wait for another caller.
    ///
    /// Warm graph loads take this path for every go.mod: no task, no
    /// blocking-pool round trip, a few small file reads on the caller's
    /// thread.
    pub fn go_mod_now(&self, module: &ModuleVersion) -> Option<Result<GoModFile, Error>> {
        self.inner.mods.get_or_init_now(module, || {
            let stored = self.stored_go_mod(module).transpose()?;
            // Only when GOMODCACHE has it already and go.sum settles its
            // hash: writes and checksum-database lookups are left to the
            // async path.
            match stored {
                Ok((file, true, source)) => {
                    let checked =
                        self.inner
                            .sums
                            .check_now(&go_mod_key(module), &file.h1, &source)?;
                    Some(checked.map(|()| file))
                }
                Ok((_, false, _)) => None,
                Err(err) => Some(Err(err)),
            }
        })
    }

    /// Makes `file`, checked by the caller, the go.mod of `module` for the
    /// rest of the process (unless one was had already).
    pub(crate) fn remember_go_mod(&self, module: &ModuleVersion, file: GoModFile) {
        self.inner.mods.get_or_init_now(module, || Some(Ok(file)));
    }

    async fn load_go_mod(&self, module: &ModuleVersion) -> Result<GoModFile, Error> {
        let mut stored = self.stored_go_mod(module)?;
        if stored.is_none()
            && (self.pull_remote(module, ArtifactKind::Mod).await?
                || self.adopt_file(module, CacheFile::Mod).await?)
        {
            stored = self.stored_go_mod(module)?;
        }
        let mut _lock = None;
        if stored.is_none() {
            self.require_network(&module.path, &module.version, ".mod")?;
            _lock = Some(self.lock_artifact(module, ArtifactKind::Mod).await?);
            // Another process may have fetched it while this one waited.
            stored = self.stored_go_mod(module)?;
        }
        if let Some((stored, exported, source)) = stored {
            self.inner
                .sums
                .check(&go_mod_key(module), &stored.h1, &source)
                .await?;
            if !exported {
                write_cache_file(&self.inner.mod_cache, module, CacheFile::Mod, &stored.data)?;
            }
            return Ok(stored);
        }
        let served = self
            .network(self.inner.client.go_mod(&module.path, &module.version))
            .await?;
        let h1 = hash_go_mod(&served.value);
        self.inner
            .sums
            .check(&go_mod_key(module), &h1, &served.proxy)
            .await?;
        let path = self
            .keep(
                module,
                CacheFile::Mod,
                served.value.clone(),
                Some(h1.clone()),
                served.proxy,
            )
            .await?;
        Ok(GoModFile {
            data: served.value.into(),
            h1,
            path,
        })
    }

    /// The go.mod from the store (its hash not checked yet), whether
    /// GOMODCACHE holds it already, and where it came from; `None` when
    /// the store holds no intact copy.
    fn stored_go_mod(
        &self,
        module: &ModuleVersion,
    ) -> Result<Option<(GoModFile, bool, String)>, Error> {
        let Some(stored) = self.stored(module, CacheFile::Mod)? else {
            return Ok(None);
        };
        let file = GoModFile {
            h1: hash_go_mod(&stored.bytes),
            data: stored.bytes.into(),
            path: stored.path,
        };
        Ok(Some((
            file,
            stored.exported,
            stored_source(&stored.reference),
        )))
    }

    /// A small artifact (`.info`, `.mod`) of the store, its bytes verified
    /// against the ref's SHA-256; `None` when absent or corrupt. Read on the
    /// caller's thread: from GOMODCACHE when the exported copy has those
    /// bytes (the warm case, one file read), else from the blob.
    fn stored(&self, module: &ModuleVersion, file: CacheFile) -> Result<Option<StoredFile>, Error> {
        let kind = small_kind(file);
        let store = &self.inner.store;
        let Some(reference) = store.get_ref_unchecked(module, kind)? else {
            return Ok(None);
        };
        let path = self
            .inner
            .mod_cache
            .file(module, file)
            .map_err(ExportError::from)?;
        if let Ok(bytes) = std::fs::read(&path)
            && hex::encode(Sha256::digest(&bytes)) == reference.sha256
        {
            return Ok(Some(StoredFile {
                bytes,
                reference,
                path,
                exported: true,
            }));
        }
        // read_blob reports a missing blob, and verifies the content.
        match store.read_blob(&reference.sha256) {
            Ok(bytes) => Ok(Some(StoredFile {
                bytes,
                reference,
                path,
                exported: false,
            })),
            Err(corrupt @ StoreError::Corrupt { .. }) => {
                let ext = kind.extension();
                self.repaired(format!("{module} (.{ext}): {corrupt}; fetching it again"));
                Ok(None)
            }
            Err(StoreError::MissingBlob { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Stores checked `.info` or `.mod` bytes and their ref, and exports
    /// them into GOMODCACHE unless the file there holds them already, on
    /// the caller's thread (see [`put_small`](Self::put_small)).
    async fn keep(
        &self,
        module: &ModuleVersion,
        file: CacheFile,
        bytes: Vec<u8>,
        h1: Option<String>,
        source: String,
    ) -> Result<PathBuf, Error> {
        let (path, exported) = self.exported(module, file, &bytes, false)?;
        let kind = small_kind(file);
        self.put_small(module, kind, &bytes, h1, source)?;
        if !exported {
            write_cache_file(&self.inner.mod_cache, module, file, &bytes)?;
        }
        self.push_remote(module, kind).await;
        Ok(path)
    }

    /// Stores small bytes (`.info`, `.mod`) as a blob and the ref naming
    /// it, with the go.mod's `h1` for a `.mod`. On the caller's thread:
    /// never fsynced, they land in the page cache faster than a
    /// blocking-pool round trip (which costs more futex wake-ups than the
    /// writes cost syscalls).
    pub(crate) fn put_small(
        &self,
        module: &ModuleVersion,
        kind: ArtifactKind,
        bytes: &[u8],
        h1: Option<String>,
        source: String,
    ) -> Result<(), Error> {
        let store = &self.inner.store;
        let blob = store.put_bytes(bytes)?;
        let mut reference = Ref::new(&blob, source);
        if let Some(h1) = h1 {
            reference = reference.with_h1(h1);
        }
        put_ref(store, module, kind, &reference)
    }

    /// Writes `.info` or `.mod` into GOMODCACHE unless the file already
    /// holds exactly these bytes (or, with `keep_existing`, exists at all),
    /// on the caller's thread (see [`put_small`](Self::put_small)).
    pub(crate) fn export(
        &self,
        module: &ModuleVersion,
        kind: CacheFile,
        bytes: &[u8],
        keep_existing: bool,
    ) -> Result<PathBuf, Error> {
        let (path, exported) = self.exported(module, kind, bytes, keep_existing)?;
        if !exported {
            write_cache_file(&self.inner.mod_cache, module, kind, bytes)?;
        }
        Ok(path)
    }

    /// The GOMODCACHE file of `kind` for `module`, and whether it already
    /// holds exactly `bytes` (or, with `keep_existing`, exists at all).
    pub(crate) fn exported(
        &self,
        module: &ModuleVersion,
        kind: CacheFile,
        bytes: &[u8],
        keep_existing: bool,
    ) -> Result<(PathBuf, bool), Error> {
        let path = self
            .inner
            .mod_cache
            .file(module, kind)
            .map_err(ExportError::from)?;
        let exported = (keep_existing && path.is_file())
            || std::fs::read(&path).is_ok_and(|current| current == bytes);
        Ok((path, exported))
    }

    /// Runs a proxy request under the network semaphore.
    pub(crate) async fn network<T>(
        &self,
        request: impl Future<Output = Result<T, gomodx_client::Error>>,
    ) -> Result<T, Error> {
        let _permit = self.network_permit().await;
        Ok(request.await?)
    }

    pub(crate) async fn network_permit(&self) -> SemaphorePermit<'_> {
        self.inner
            .network
            .acquire()
            .await
            .expect("the network semaphore is never closed")
    }

    pub(crate) async fn cpu_permit(&self) -> SemaphorePermit<'_> {
        self.inner
            .cpu
            .acquire()
            .await
            .expect("the CPU semaphore is never closed")
    }
}

/// The store's kind for a small GOMODCACHE file: `.mod`, else `.info`.
pub(crate) fn small_kind(file: CacheFile) -> ArtifactKind {
    match file {
        CacheFile::Mod => ArtifactKind::Mod,
        _ => ArtifactKind::Info,
    }
}

/// Runs blocking filesystem work on tokio's blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work).await?
}

/// Writes `.info` or `.mod` into GOMODCACHE.
fn write_cache_file(
    cache: &ModCache,
    module: &ModuleVersion,
    kind: CacheFile,
    bytes: &[u8],
) -> Result<(), Error> {
    match kind {
        CacheFile::Mod => cache.write_go_mod(module, bytes)?,
        _ => cache.write_info(module, bytes)?,
    }
    Ok(())
}

/// Records a ref. A ref already recording other content is kept: it was
/// checked when it was stored, and refs are written once.
pub(crate) fn put_ref(
    store: &Store,
    module: &ModuleVersion,
    kind: ArtifactKind,
    reference: &Ref,
) -> Result<(), Error> {
    match store.put_ref(module, kind, reference) {
        Ok(()) | Err(StoreError::RefConflict { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// The go.sum key of a module version's go.mod hash (`V/go.mod`).
pub(crate) fn go_mod_key(module: &ModuleVersion) -> ModuleVersion {
    ModuleVersion::new(module.path.clone(), format!("{}/go.mod", module.version))
}

/// How errors name stored content: the proxy it came from, via the store.
/// A small artifact read by [`Fetcher::stored`].
struct StoredFile {
    bytes: Vec<u8>,
    reference: Ref,
    /// Its GOMODCACHE file.
    path: PathBuf,
    /// Whether that file holds these bytes already.
    exported: bool,
}

pub(crate) fn stored_source(reference: &Ref) -> String {
    format!("{} (via the gomodx store)", reference.source)
}
