//! Sharing fetches between processes: before a `.info`, `.mod` or `.zip`
//! goes to the network, the fetcher takes the store's lock for that
//! artifact and looks in the store again, so that of several gomodx
//! processes on one store (CI jobs, editors, scripts) one fetches and the
//! others wait and read what it stored.

use gomodx_fs::FileLock;
use gomodx_module::ModuleVersion;
use gomodx_store::ArtifactKind;

use crate::error::Error;
use crate::fetcher::{Fetcher, blocking};

impl Fetcher {
    /// Waits until this process holds the store's lock for `kind` of
    /// `module`; see
    /// [`Store::lock_artifact`](gomodx_store::Store::lock_artifact).
    /// Tried on the caller's thread first (the usual case: nobody holds
    /// it), waited for on the blocking pool only when another process
    /// does. Taken before any network permit, so a waiting task never
    /// holds one.
    pub(crate) async fn lock_artifact(
        &self,
        module: &ModuleVersion,
        kind: ArtifactKind,
    ) -> Result<FileLock, Error> {
        if let Some(lock) = self.inner.store.try_lock_artifact(module, kind)? {
            return Ok(lock);
        }
        let (store, key) = (self.inner.store.clone(), module.clone());
        blocking(move || Ok(store.lock_artifact(&key, kind)?)).await
    }
}

impl Fetcher {
    /// One line for the user when the store cannot be written (see
    /// [`Store::read_only_cause`](gomodx_store::Store::read_only_cause)):
    /// the run goes on with what the store and GOMODCACHE hold, and only
    /// something that has to be fetched fails.
    pub fn store_warning(&self) -> Option<String> {
        let store = &self.inner.store;
        let cause = store.read_only_cause()?;
        Some(format!(
            "the gomodx store {} cannot be written ({cause}); serving what it and GOMODCACHE hold, nothing new is stored",
            store.root().display()
        ))
    }
}
