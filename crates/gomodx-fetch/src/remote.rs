//! The shared tier: on a store miss, artifacts are read from the remote
//! (an S3 bucket shared by many machines) before the GOPROXY; whatever
//! came from the GOPROXY, once checked, is written back to it.
//!
//! Nothing from the remote is trusted: blobs must hash to their names, a
//! `.mod`'s or `.zip`'s bytes must hash to the ref's `h1:`, and that `h1:`
//! then goes through the same go.sum and checksum-database checks as a
//! proxy's. A bad object is reported loudly (as a repair), the artifact is
//! fetched from the GOPROXY, and the write-back replaces the bad object.
//! The remote being unreachable is a warning: the GOPROXY serves instead.
//!
//! Mutable answers (`@v/list`, `@latest`) fetched from a proxy are written
//! back with the time they were fetched; a store without its own answer
//! reads the remote's, whose age the freshness policy then judges as if it
//! were stored locally (by default answers are asked again once per run;
//! `--max-age` lets a young one be used). Offline, the remote is not used.

use std::collections::HashSet;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use gomodx_module::ModuleVersion;
use gomodx_modzip::h1::{hash_go_mod, hash_zip};
use gomodx_remote::{Remote, RemoteError, RemoteMeta, RemoteMetaKey};
use gomodx_store::{ArtifactKind, MetaEntry, MetaKey, MetaValidators, Ref};

use crate::error::Error;
use crate::fetcher::{Fetcher, Source, ZipFile, blocking, put_ref};

/// The remote of a [`Fetcher`], with what this run learned about it.
pub(crate) struct RemoteTier {
    remote: Arc<Remote>,
    /// Problems that did not stop the run (unreachable, write-back failed).
    warnings: Mutex<Vec<String>>,
    /// Blobs found corrupt in the remote: written back even if present.
    bad_blobs: Mutex<HashSet<String>>,
    /// The mutable answers read from the remote.
    answered: Mutex<HashSet<(String, MetaKey)>>,
    /// A read failed (unreachable, denied): no more reads in this run.
    unreadable: AtomicBool,
    /// A write failed (e.g. read-only credentials): no more writes.
    unwritable: AtomicBool,
}

impl RemoteTier {
    pub(crate) fn new(remote: Arc<Remote>) -> Self {
        Self {
            remote,
            warnings: Mutex::default(),
            bad_blobs: Mutex::default(),
            answered: Mutex::default(),
            unreadable: AtomicBool::new(false),
            unwritable: AtomicBool::new(false),
        }
    }
}

impl Fetcher {
    /// Warnings about the remote in this run: requests that failed (the
    /// GOPROXY served instead) and write-backs that did not happen.
    pub fn remote_warnings(&self) -> Vec<String> {
        self.inner
            .remote
            .as_ref()
            .map(|tier| lock(&tier.warnings).clone())
            .unwrap_or_default()
    }

    /// When the store lacks `kind` (`.info` or `.mod`) of `module`, copies
    /// it from the remote into the store (blob verified; a `.mod` must hash
    /// to the ref's `h1:`, which the caller then checks against go.sum).
    pub(crate) async fn pull_remote(
        &self,
        module: &ModuleVersion,
        kind: ArtifactKind,
    ) -> Result<bool, Error> {
        let Some(tier) = self.readable() else {
            return Ok(false);
        };
        if self.inner.store.get_ref(module, kind)?.is_some() {
            return Ok(false);
        }
        let _permit = self.network_permit().await;
        let Some(reference) = self.remote_ref(tier, module, kind).await else {
            return Ok(false);
        };
        let bytes = match tier.remote.get_blob(&reference.sha256).await {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                self.blob_missing(tier, module, kind, &reference);
                return Ok(false);
            }
            Err(e) => {
                self.remote_failed(tier, module, kind, e);
                return Ok(false);
            }
        };
        let h1 = hash_go_mod(&bytes);
        if kind == ArtifactKind::Mod && reference.h1.as_deref() != Some(&h1) {
            self.remote_lied(tier, module, kind, &reference, &h1);
            return Ok(false);
        }
        // Small writes, on the caller's thread (see `Fetcher::put_small`).
        let store = &self.inner.store;
        store.put_bytes(&bytes)?;
        put_ref(store, module, kind, &via(&reference, tier))?;
        Ok(true)
    }

    /// The zip from the remote, when the store has none: streamed into a
    /// store blob, verified (SHA-256, names, `h1:` equal to the ref's),
    /// committed, then checked against go.sum and exported as a stored zip.
    pub(crate) async fn remote_zip(
        &self,
        module: &ModuleVersion,
    ) -> Result<Option<ZipFile>, Error> {
        let Some(tier) = &self.inner.remote else {
            return Ok(None);
        };
        let permit = self.network_permit().await;
        let kind = ArtifactKind::Zip;
        let Some(reference) = self.remote_ref(tier, module, kind).await else {
            return Ok(None);
        };
        let mut writer = self.inner.store.blob_writer()?;
        match tier
            .remote
            .get_blob_into(&reference.sha256, &mut writer)
            .await
        {
            Ok(Some(_)) => {}
            Ok(None) => {
                self.blob_missing(tier, module, kind, &reference);
                return Ok(None);
            }
            Err(e) => {
                self.remote_failed(tier, module, kind, e);
                return Ok(None);
            }
        }
        drop(permit);
        let cpu = self.cpu_permit().await;
        let key = module.clone();
        let (writer, h1) = blocking(move || {
            let hashed = writer.flush().map_err(|e| e.to_string()).and_then(|()| {
                gomodx_modzip::check_prefixes(writer.path(), &key)
                    .and_then(|()| hash_zip(writer.path()))
                    .map_err(|e| e.to_string())
            });
            Ok((writer, hashed))
        })
        .await?;
        drop(cpu);
        let h1 = match h1 {
            Ok(h1) if reference.h1.as_deref() == Some(&h1) => h1,
            Ok(found) | Err(found) => {
                self.remote_lied(tier, module, kind, &reference, &found);
                return Ok(None);
            }
        };
        let (store, key, tagged) = (
            self.inner.store.clone(),
            module.clone(),
            via(&reference, tier).with_h1(h1),
        );
        blocking(move || {
            writer.commit()?;
            put_ref(&store, &key, kind, &tagged)
        })
        .await?;
        Ok(self.stored_zip(module).await?.map(|zip| ZipFile {
            source: Source::Remote,
            ..zip
        }))
    }

    /// Writes the store's `kind` of `module`, just fetched from the GOPROXY
    /// and checked, back to the remote: blob first (unless there already,
    /// intact as far as its size tells, and not found corrupt in this run),
    /// then its ref. A failure is a warning.
    pub(crate) async fn push_remote(&self, module: &ModuleVersion, kind: ArtifactKind) {
        let Some(tier) = self.writable() else {
            return;
        };
        let _permit = self.network_permit().await;
        if let Err(e) = self.try_push(tier, module, kind).await {
            write_failed(tier, format!("{module} (.{kind}): {e}"));
        }
    }

    /// The remote, unless it is off or a read failed earlier in this run.
    fn readable(&self) -> Option<&RemoteTier> {
        let tier = self.inner.remote.as_ref()?;
        (!tier.unreadable.load(Ordering::Relaxed)).then_some(tier)
    }

    /// The remote, unless it is off or a write failed earlier in this run.
    fn writable(&self) -> Option<&RemoteTier> {
        let tier = self.inner.remote.as_ref()?;
        (!tier.unwritable.load(Ordering::Relaxed)).then_some(tier)
    }

    async fn try_push(
        &self,
        tier: &RemoteTier,
        module: &ModuleVersion,
        kind: ArtifactKind,
    ) -> Result<(), String> {
        let store = &self.inner.store;
        let Some(reference) = store.get_ref(module, kind).map_err(|e| e.to_string())? else {
            return Ok(());
        };
        let sha256 = &reference.sha256;
        let bad = lock(&tier.bad_blobs).remove(sha256);
        if bad
            || !tier
                .remote
                .has_blob(sha256, reference.size)
                .await
                .map_err(|e| e.to_string())?
        {
            let path = store.blob_path(sha256).map_err(|e| e.to_string())?;
            tier.remote
                .put_blob_file(sha256, &path)
                .await
                .map_err(|e| e.to_string())?;
        }
        tier.remote
            .put_ref(module, kind, &reference)
            .await
            .map_err(|e| e.to_string())
    }

    /// The remote's ref, or `None` when it has none or it cannot be used
    /// (then reported).
    async fn remote_ref(
        &self,
        tier: &RemoteTier,
        module: &ModuleVersion,
        kind: ArtifactKind,
    ) -> Option<Ref> {
        match tier.remote.get_ref(module, kind).await {
            Ok(found) => found,
            Err(e) => {
                self.remote_failed(tier, module, kind, e);
                None
            }
        }
    }

    /// A failed remote read: a bad object is a repair (loud, and the
    /// write-back replaces it); anything else a warning.
    fn remote_failed(
        &self,
        tier: &RemoteTier,
        module: &ModuleVersion,
        kind: ArtifactKind,
        error: RemoteError,
    ) {
        if let RemoteError::Corrupt { expected, .. } = &error {
            lock(&tier.bad_blobs).insert(expected.clone());
        }
        if error.is_corrupt() {
            self.repaired(format!(
                "{module} (.{kind}): {error}; fetching it from the GOPROXY and replacing it"
            ));
        } else {
            read_failed(tier, format!("{module} (.{kind}): {error}"));
        }
    }

    /// A ref whose blob is gone: partial, so fetched again and rewritten.
    fn blob_missing(
        &self,
        tier: &RemoteTier,
        module: &ModuleVersion,
        kind: ArtifactKind,
        reference: &Ref,
    ) {
        let blob = tier.remote.layout().blob(&reference.sha256);
        self.repaired(format!(
            "{module} (.{kind}): the remote ref names {}, which is missing; \
             fetching it from the GOPROXY and replacing it",
            tier.remote.layout().object_url(&blob)
        ));
    }

    /// A blob that is intact but not what its ref's `h1:` says.
    fn remote_lied(
        &self,
        tier: &RemoteTier,
        module: &ModuleVersion,
        kind: ArtifactKind,
        reference: &Ref,
        found: &str,
    ) {
        let object = tier
            .remote
            .layout()
            .reference(module, kind)
            .unwrap_or_default();
        self.repaired(format!(
            "{module} (.{kind}): corrupt remote object {}: it promises {}, the content \
             gives {found}; fetching it from the GOPROXY and replacing it",
            tier.remote.layout().object_url(&object),
            reference.h1.as_deref().unwrap_or("no h1"),
        ));
    }
}

/// The remote's ref as the local store keeps it: where it came from, via
/// which remote.
fn via(reference: &Ref, tier: &RemoteTier) -> Ref {
    Ref {
        source: format!("{} via {}", reference.source, tier.remote.url()),
        ..reference.clone()
    }
}

/// Stops reading the remote for the rest of the run, with one warning.
fn read_failed(tier: &RemoteTier, message: String) {
    if !tier.unreadable.swap(true, Ordering::Relaxed) {
        lock(&tier.warnings).push(format!(
            "{message}; not reading {} for the rest of this run (the GOPROXY serves instead)",
            tier.remote.url()
        ));
    }
}

/// Stops writing to the remote for the rest of the run, with one warning.
fn write_failed(tier: &RemoteTier, message: String) {
    if !tier.unwritable.swap(true, Ordering::Relaxed) {
        lock(&tier.warnings).push(format!(
            "{message}; not writing to {} for the rest of this run",
            tier.remote.url()
        ));
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Fetcher {
    /// The remote's answer to `key` (`@v/list`, `@latest`) about `path`,
    /// when one of `proxies` gave it: with its original time, so the
    /// freshness policy judges its real age.
    pub(crate) async fn remote_answer(
        &self,
        path: &str,
        key: &MetaKey,
        proxies: &[String],
    ) -> Option<MetaEntry> {
        let (tier, question) = (self.readable()?, remote_key(key)?);
        let _permit = self.network_permit().await;
        match tier.remote.get_meta(path, question).await {
            Ok(Some(meta)) if proxies.contains(&meta.proxy) => {
                lock(&tier.answered).insert((path.to_owned(), key.clone()));
                Some(MetaEntry {
                    value: meta.value,
                    fetched_at: meta.fetched_at,
                    proxy: meta.proxy,
                    validators: MetaValidators::default(),
                })
            }
            Ok(_) => None,
            Err(e) => {
                let what = format!("{path}/{}", question.name());
                if e.is_corrupt() {
                    self.repaired(format!("{what}: {e}; asking the GOPROXY and replacing it"));
                } else {
                    read_failed(tier, format!("{what}: {e}"));
                }
                None
            }
        }
    }

    /// Whether the answer `key` about `path` was read from the remote.
    pub(crate) fn answered_by_remote(&self, path: &str, key: &MetaKey) -> bool {
        self.inner
            .remote
            .as_ref()
            .is_some_and(|tier| lock(&tier.answered).contains(&(path.to_owned(), key.clone())))
    }

    /// Writes a mutable answer just fetched from a proxy back to the
    /// remote, with the time it was fetched. A failure is a warning.
    pub(crate) async fn push_answer(&self, path: &str, key: &MetaKey, entry: Option<&MetaEntry>) {
        let (Some(tier), Some(question), Some(entry)) = (self.writable(), remote_key(key), entry)
        else {
            return;
        };
        let meta = RemoteMeta {
            value: entry.value.clone(),
            proxy: entry.proxy.clone(),
            fetched_at: entry.fetched_at,
        };
        let _permit = self.network_permit().await;
        if let Err(e) = tier.remote.put_meta(path, question, &meta).await {
            write_failed(tier, format!("{path}/{}: {e}", question.name()));
        }
    }
}

/// The remote keeps version lists and `@latest`; queries stay local.
fn remote_key(key: &MetaKey) -> Option<RemoteMetaKey> {
    match key {
        MetaKey::List => Some(RemoteMetaKey::List),
        MetaKey::Latest => Some(RemoteMetaKey::Latest),
        MetaKey::Query(_) => None,
    }
}
