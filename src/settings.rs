//! Settings resolved once, from the command line and Go's environment
//! ([`gomodx_goenv`] reads it; this module hands it the process
//! environment, which no library reads itself).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use gomodx_client::{Client, ClientConfig, TraceHook};
use gomodx_fetch::{FetchConfig, Fetcher, Freshness, FreshnessFlags, Reporter, SumPolicy};
pub use gomodx_goenv::parse_duration;
use gomodx_goenv::{FetchEnv, GoEnv, GoFlags};
use gomodx_modcache::ModCache;
use gomodx_modfile::GoSum;
use gomodx_store::Store;

use crate::cli::GlobalArgs;
use crate::printer::Hinted;

/// A process environment variable.
fn var(key: &str) -> Option<String> {
    std::env::var(key).ok()
}

/// Settings every command shares.
#[derive(Debug, Clone)]
pub struct GlobalSettings {
    /// The directory commands run in (`-C`, else the current directory).
    pub working_dir: PathBuf,
    /// Go's environment as the go command would see it.
    pub go_env: GoEnv,
    /// GOFLAGS, parsed.
    pub go_flags: GoFlags,
    /// How many network fetches may run at once (`-j`).
    pub jobs: usize,
    /// When stored answers may be used and whether the network may be
    /// (`--offline`, `--refresh`, `--max-age`; GOMODX_OFFLINE, GOMODX_MAX_AGE).
    pub freshness: Freshness,
    /// A module cache to use instead of GOMODCACHE (`download --modcache`).
    mod_cache_override: Option<PathBuf>,
    /// go.mod and go.sum must not change (`--locked`, `--frozen`).
    pub locked: bool,
    /// The shared S3 tier (`--remote`, GOMODX_REMOTE).
    pub remote: Option<String>,
}

impl GlobalSettings {
    /// Resolves the settings from the flags and the process environment.
    pub fn resolve(args: &GlobalArgs) -> Result<Self> {
        let current = std::env::current_dir().context("cannot determine the current directory")?;
        let working_dir = match &args.directory {
            Some(dir) => current.join(dir),
            None => current,
        };
        let go_env = GoEnv::resolve(
            var,
            dirs::home_dir().as_deref(),
            dirs::config_dir().as_deref(),
        );
        let go_flags = go_env.go_flags()?;
        let flags = FreshnessFlags {
            offline: args.offline,
            frozen: args.frozen,
            refresh: args.refresh,
            refresh_modules: args.refresh_module.clone(),
            max_age: args.max_age.clone(),
        };
        Ok(Self {
            working_dir,
            go_env,
            go_flags,
            jobs: args.jobs.map_or(gomodx_fetch::DEFAULT_JOBS, usize::from),
            freshness: Freshness::resolve(&flags, var)?,
            mod_cache_override: None,
            locked: args.locked || args.frozen,
            remote: args.remote.clone().filter(|url| !url.is_empty()),
        })
    }

    /// The settings for fetching modules.
    pub fn fetch(&self) -> Result<FetchEnv> {
        let cache_dir = dirs::cache_dir();
        Ok(FetchEnv::resolve(
            &self.go_env,
            var,
            &self.working_dir,
            cache_dir.as_deref(),
        )?)
    }

    /// gomodx's store, opened shared.
    pub fn store(&self) -> Result<Store> {
        let dir = self.fetch()?.store_dir;
        Store::open(&dir).with_context(|| format!("opening the gomodx store at {}", dir.display()))
    }

    /// gomodx's store opened exclusively, or `None` while another gomodx
    /// process has it open.
    pub fn store_exclusive(&self) -> Result<Option<Store>> {
        let dir = self.fetch()?.store_dir;
        Store::try_open_exclusive(&dir)
            .with_context(|| format!("opening the gomodx store at {}", dir.display()))
    }

    /// GOMODCACHE, which must be absolute.
    pub fn mod_cache(&self) -> Result<PathBuf> {
        match &self.mod_cache_override {
            Some(dir) => Ok(dir.clone()),
            None => Ok(self.go_env.mod_cache()?),
        }
    }

    /// These settings with `dir` (relative to the working directory) as the
    /// module cache instead of GOMODCACHE, when given.
    pub fn with_mod_cache(self, dir: Option<&Path>) -> Self {
        let mod_cache_override = dir.map(|dir| self.working_dir.join(dir));
        Self {
            mod_cache_override,
            ..self
        }
    }

    /// Where go looks for the main modules (working directory, GOWORK).
    pub fn workspace_context(&self) -> gomodx_workspace::Context {
        gomodx_workspace::Context {
            working_dir: self.working_dir.clone(),
            gowork: self.go_env.get("GOWORK").map(str::to_owned),
            goroot: std::env::var_os("GOROOT").map(PathBuf::from),
        }
    }

    /// The one [`Fetcher`] of a command: these settings' proxies, store,
    /// module cache, jobs and freshness, trusting `go_sum` (the main
    /// modules') then the checksum database; progress to `reporter`,
    /// requests to `trace` (`-x`).
    pub fn fetcher(
        &self,
        go_sum: Option<GoSum>,
        reporter: Arc<dyn Reporter>,
        trace: Option<TraceHook>,
    ) -> Result<Fetcher> {
        let fetch = self.fetch()?;
        let mut client = ClientConfig::from_env(&fetch)?;
        client.trace = trace;
        let credentials = client.credentials.clone();
        let vcs = gomodx_vcs::VcsConfig::from_env(self.mod_cache()?, &fetch, credentials);
        client.direct = Some(Arc::new(gomodx_vcs::Vcs::new(vcs)));
        let remote = match &self.remote {
            Some(url) => {
                let config = gomodx_remote::RemoteConfig::from_env(url, var);
                Some(Arc::new(gomodx_remote::Remote::open(&config)?))
            }
            None => None,
        };
        Ok(Fetcher::with_freshness(
            FetchConfig {
                client: Client::new(client),
                store: self.store()?,
                mod_cache: ModCache::new(self.mod_cache()?),
                sums: SumPolicy::from_env(go_sum, &fetch),
                jobs: self.jobs,
                writable_dirs: self.go_flags.modcacherw,
                reporter,
                remote,
            },
            self.freshness.clone(),
        ))
    }

    /// The main module's root: the nearest directory at or above the working
    /// directory holding a go.mod, as go finds it.
    pub fn main_module_root(&self) -> Result<PathBuf> {
        let root = self
            .working_dir
            .ancestors()
            .find(|d| d.join("go.mod").is_file());
        root.map(Path::to_path_buf).ok_or_else(|| {
            Hinted {
                message: "go.mod file not found in current directory or any parent directory"
                    .to_owned(),
                hint: "run gomodx inside a Go module, or pass `-C <module dir>`".to_owned(),
            }
            .into()
        })
    }
}
