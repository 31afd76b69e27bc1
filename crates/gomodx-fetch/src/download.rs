//! One module version, downloaded the way `go mod download` does it
//! (`modcmd.DownloadModule`): `.info`, `.mod` and its hash, `.zip` and
//! its hash, then the extracted tree, stopping at the first error.

use std::path::PathBuf;

use gomodx_module::ModuleVersion;
use gomodx_modzip::h1::hash_go_mod;
use gomodx_store::ArtifactKind;

use crate::error::Error;
use crate::fetcher::{Fetcher, Source, go_mod_key};
use crate::info::parse_disk_info;
use crate::reporter::Outcome;

/// What downloading one module version produced: the fields of go's
/// `go mod download -json` object that are filled up to the first error.
#[derive(Debug, Clone, Default)]
pub struct ModuleDownload {
    /// The `.info` file in GOMODCACHE.
    pub info: Option<PathBuf>,
    /// The `.mod` file in GOMODCACHE.
    pub go_mod: Option<PathBuf>,
    /// The go.mod's hash (go.sum's `/go.mod` line).
    pub go_mod_sum: Option<String>,
    /// The `.zip` file in GOMODCACHE.
    pub zip: Option<PathBuf>,
    /// The zip's hash (go.sum's module line).
    pub sum: Option<String>,
    /// The extracted tree in GOMODCACHE.
    pub dir: Option<PathBuf>,
    /// Where the zip came from, once it is there.
    pub source: Option<Source>,
    /// Its size in bytes, once it is there.
    pub size: Option<u64>,
    /// The first error, if any.
    pub error: Option<Error>,
}

impl Fetcher {
    /// Downloads `module` (a canonical version) completely into GOMODCACHE.
    /// Each module version is downloaded once per fetcher; the reporter's
    /// [`finish`](crate::Reporter::finish) is called once for it.
    pub async fn download(&self, module: &ModuleVersion) -> ModuleDownload {
        self.inner
            .downloads
            .get_or_init(module, || async {
                let mut result = ModuleDownload::default();
                let outcome = match self.fill(module, &mut result).await {
                    Ok(()) => match (result.source, result.size.unwrap_or(0)) {
                        (Some(Source::Network), bytes) => Outcome::Downloaded { bytes },
                        (Some(Source::Remote), bytes) => Outcome::FromRemote { bytes },
                        (_, bytes) => Outcome::FromStore { bytes },
                    },
                    Err(error) => {
                        result.error = Some(error.for_module(module));
                        Outcome::Failed
                    }
                };
                self.inner.reporter.finish(module, outcome);
                result
            })
            .await
    }

    /// `module` downloaded without waiting: worked on earlier in this
    /// process, or complete in GOMODCACHE and in the store — a `.info` that
    /// parses, the go.mod's and the `.ziphash`'s hashes recorded in go.sum
    /// (go's own checks of a cached download; a hash go.sum lacks is left
    /// to the download path, which compares it with the store's and adds
    /// it), the tree extracted, the store's refs present (else the download
    /// path adopts the files). No task, no store reads: warm runs take this
    /// path for every module. `None` leaves it to
    /// [`download`](Self::download), which also reports any error; so do
    /// `--refresh` and `--remote` (which writes back).
    pub fn download_now(&self, module: &ModuleVersion) -> Option<ModuleDownload> {
        self.inner.downloads.get_or_init_now(module, || {
            if self.refreshes(&module.path) || self.inner.remote.is_some() {
                return None;
            }
            let kinds = [ArtifactKind::Info, ArtifactKind::Mod, ArtifactKind::Zip];
            if !self.inner.store.has_refs(module, &kinds) {
                return None;
            }
            let found = self.inner.mod_cache.downloaded(module)?;
            parse_disk_info(&found.info)?;
            let go_mod_sum = hash_go_mod(&found.go_mod);
            let sums = &self.inner.sums;
            let vouched = sums.records_zip(module)
                && sums.is_recorded(module, &found.zip_hash)
                && sums.is_recorded(&go_mod_key(module), &go_mod_sum);
            if !vouched {
                return None;
            }
            let bytes = found.zip_size;
            self.inner
                .reporter
                .finish(module, Outcome::FromStore { bytes });
            Some(ModuleDownload {
                info: Some(found.info_path),
                go_mod: Some(found.go_mod_path),
                go_mod_sum: Some(go_mod_sum),
                zip: Some(found.zip_path),
                sum: Some(found.zip_hash),
                dir: Some(found.dir),
                source: Some(Source::Store),
                size: Some(bytes),
                error: None,
            })
        })
    }

    async fn fill(&self, module: &ModuleVersion, out: &mut ModuleDownload) -> Result<(), Error> {
        out.info = Some(self.info(module).await?.path);
        let go_mod = self.go_mod(module).await?;
        out.go_mod = Some(go_mod.path);
        out.go_mod_sum = Some(go_mod.h1);
        let zip = self.zip(module).await?;
        out.zip = Some(zip.path);
        out.sum = Some(zip.h1);
        out.source = Some(zip.source);
        out.size = Some(zip.size);
        out.dir = Some(self.extract(module).await?);
        Ok(())
    }
}
