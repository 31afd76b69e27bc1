//! One module version, downloaded the way `go mod download` does it
//! (`modcmd.DownloadModule`): `.info`, `.mod` and its hash, `.zip` and
//! its hash, then the extracted tree, stopping at the first error.

use std::path::PathBuf;

use gomodx_module::ModuleVersion;

use crate::error::Error;
use crate::fetcher::{Fetcher, Source};
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
