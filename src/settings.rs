//! Settings resolved once, from the command line and Go's environment.
//! Commands receive these plain values; only this module reads the process
//! environment.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use gomodx_client::{Client, ClientConfig, Netrc, ProxyList, RetryPolicy, TraceHook};
use gomodx_fetch::{Connectivity, FetchConfig, Fetcher, Freshness, Refresh, Reporter, SumPolicy};
use gomodx_goenv::{GoEnv, GoFlags};
use gomodx_modcache::ModCache;
use gomodx_modfile::GoSum;
use gomodx_store::Store;

use crate::cli::GlobalArgs;
use crate::printer::Hinted;

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

/// What fetching modules needs beyond Go's environment: gomodx's own
/// variables, and Go's proxy and checksum settings in plain form.
#[derive(Debug)]
pub struct FetchSettings {
    /// gomodx's store: `GOMODX_CACHE`, else `<user cache dir>/gomodx`.
    pub store_dir: PathBuf,
    /// `GOPROXY`.
    pub goproxy: String,
    /// `GONOPROXY` (default `GOPRIVATE`).
    pub gonoproxy: String,
    /// `GOSUMDB` (`off` disables it).
    pub gosumdb: String,
    /// `GONOSUMDB` (default `GOPRIVATE`).
    pub gonosumdb: String,
    /// `$GOPATH/pkg/sumdb` of the first GOPATH entry, where go keeps each
    /// checksum database's latest tree (`None` without GOPATH).
    pub sumdb_dir: Option<PathBuf>,
    /// The content of the netrc file (`NETRC`, default `~/.netrc`), if any.
    pub netrc: String,
    /// `GOAUTH` (default `netrc`).
    pub goauth: String,
    /// `GOMODX_HTTP_TIMEOUT` (seconds): the connect and read timeout.
    pub http_timeout: Option<Duration>,
    /// `GOMODX_HTTP_DEADLINE` (seconds): the limit for one whole request.
    pub http_deadline: Option<Duration>,
    /// `GOMODX_TEST_NO_RETRY_DELAY=1`: retry at once (tests).
    pub no_retry_delay: bool,
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
            |key| std::env::var(key).ok(),
            dirs::home_dir().as_deref(),
            dirs::config_dir().as_deref(),
        );
        let go_flags = go_env.go_flags()?;
        let jobs = args.jobs.map_or(gomodx_fetch::DEFAULT_JOBS, usize::from);
        let freshness = freshness(args, |key| std::env::var(key).ok())?;
        Ok(Self {
            working_dir,
            go_env,
            go_flags,
            jobs,
            freshness,
            mod_cache_override: None,
            locked: args.locked || args.frozen,
            remote: args.remote.clone().filter(|url| !url.is_empty()),
        })
    }

    /// The settings for fetching modules.
    pub fn fetch(&self) -> Result<FetchSettings> {
        let var = |key: &str| std::env::var(key).ok().filter(|value| !value.is_empty());
        let go = |key: &str| self.go_env.get(key).unwrap_or_default().to_owned();
        let store_dir = match var("GOMODX_CACHE") {
            Some(dir) => self.working_dir.join(dir),
            None => dirs::cache_dir()
                .context("cannot determine the user cache directory; set GOMODX_CACHE")?
                .join("gomodx"),
        };
        let seconds = |key: &str| {
            var(key)
                .map(|text| {
                    text.parse::<f64>()
                        .ok()
                        .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
                        .map(Duration::from_secs_f64)
                        .with_context(|| {
                            format!("{key}={text:?} is not a positive number of seconds")
                        })
                })
                .transpose()
        };
        let http_timeout = seconds("GOMODX_HTTP_TIMEOUT")?;
        let http_deadline = seconds("GOMODX_HTTP_DEADLINE")?;
        let netrc = self
            .go_env
            .get("NETRC")
            .and_then(|file| std::fs::read(file).ok())
            .map(|data| String::from_utf8_lossy(&data).into_owned())
            .unwrap_or_default();
        Ok(FetchSettings {
            store_dir,
            goproxy: go("GOPROXY"),
            gonoproxy: go("GONOPROXY"),
            gosumdb: go("GOSUMDB"),
            gonosumdb: go("GONOSUMDB"),
            sumdb_dir: std::env::split_paths(&go("GOPATH"))
                .next()
                .filter(|dir| !dir.as_os_str().is_empty())
                .map(|dir| dir.join("pkg/sumdb")),
            netrc,
            goauth: go("GOAUTH"),
            http_timeout,
            http_deadline,
            no_retry_delay: var("GOMODX_TEST_NO_RETRY_DELAY").is_some_and(|v| v != "0"),
        })
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
        let proxies = ProxyList::parse(&fetch.goproxy, &fetch.gonoproxy)?;
        let mut client = fetch.client_config(proxies);
        client.trace = trace;
        client.direct = Some(Arc::new(gomodx_vcs::Vcs::new(self.vcs_config()?)));
        let store = Store::open(&fetch.store_dir).with_context(|| {
            format!("opening the gomodx store at {}", fetch.store_dir.display())
        })?;
        let sums = SumPolicy {
            go_sum,
            gosumdb: fetch.gosumdb.clone(),
            gonosumdb: fetch.gonosumdb.clone(),
            toolchain_needs_sumdb: SumPolicy::toolchain_needs_sumdb_for(&fetch.goproxy),
            sumdb_dir: fetch.sumdb_dir.clone(),
        };
        Ok(Fetcher::with_freshness(
            FetchConfig {
                client: Client::new(client),
                store,
                mod_cache: ModCache::new(self.mod_cache()?),
                sums,
                jobs: self.jobs,
                writable_dirs: self.go_flags.modcacherw,
                reporter,
                remote: self.remote()?,
            },
            self.freshness.clone(),
        ))
    }

    /// Direct mode's settings: GOMODCACHE (where go keeps its git
    /// repositories), GOPRIVATE, GOINSECURE, and GOVCS (which go reads
    /// from the process environment only).
    fn vcs_config(&self) -> Result<gomodx_vcs::VcsConfig> {
        let go = |key: &str| self.go_env.get(key).unwrap_or_default().to_owned();
        let mut config = gomodx_vcs::VcsConfig::new(self.mod_cache()?);
        config.goprivate = go("GOPRIVATE");
        config.goinsecure = go("GOINSECURE");
        config.govcs = std::env::var("GOVCS").unwrap_or_default();
        Ok(config)
    }

    /// The shared tier, with credentials from the standard AWS variables.
    fn remote(&self) -> Result<Option<Arc<gomodx_remote::Remote>>> {
        let Some(url) = &self.remote else {
            return Ok(None);
        };
        let var = |key: &str| std::env::var(key).ok().filter(|value| !value.is_empty());
        let config = gomodx_remote::RemoteConfig {
            url: url.clone(),
            access_key_id: var("AWS_ACCESS_KEY_ID"),
            secret_access_key: var("AWS_SECRET_ACCESS_KEY"),
            session_token: var("AWS_SESSION_TOKEN"),
            region: var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")),
            endpoint: var("AWS_ENDPOINT_URL_S3").or_else(|| var("AWS_ENDPOINT_URL")),
            allow_http: var("GOMODX_REMOTE_ALLOW_HTTP").is_some_and(|v| v != "0"),
        };
        Ok(Some(Arc::new(gomodx_remote::Remote::open(&config)?)))
    }

    /// The main module's root: the nearest directory at or above the working
    /// directory holding a go.mod, as go finds it.
    pub fn main_module_root(&self) -> Result<PathBuf> {
        find_module_root(&self.working_dir).ok_or_else(|| {
            Hinted {
                message: "go.mod file not found in current directory or any parent directory"
                    .to_owned(),
                hint: "run gomodx inside a Go module, or pass `-C <module dir>`".to_owned(),
            }
            .into()
        })
    }
}

impl FetchSettings {
    /// A client configuration for `proxies` with these settings' netrc
    /// credentials, retry policy and HTTP timeout.
    pub fn client_config(&self, proxies: ProxyList) -> ClientConfig {
        let mut config = ClientConfig::new(proxies);
        config.netrc = Netrc::parse(&self.netrc);
        config.goauth = self.goauth.clone();
        config.retry = RetryPolicy {
            no_delay_for_tests: self.no_retry_delay,
            ..RetryPolicy::default()
        };
        if let Some(timeout) = self.http_timeout {
            config.connect_timeout = timeout;
            config.read_timeout = timeout;
        }
        if let Some(deadline) = self.http_deadline {
            config.deadline = deadline;
        }
        config
    }
}

/// The freshness policy: flags first, then GOMODX_OFFLINE and
/// GOMODX_MAX_AGE. The refresh timestamp is now, the process start.
fn freshness(args: &GlobalArgs, var: impl Fn(&str) -> Option<String>) -> Result<Freshness> {
    let start = SystemTime::now();
    let env_offline = var("GOMODX_OFFLINE").is_some_and(|v| !v.is_empty() && v != "0");
    let connectivity = if args.offline || args.frozen {
        Connectivity::Offline {
            reason: if args.frozen {
                "`--frozen`"
            } else {
                "`--offline`"
            }
            .to_owned(),
        }
    } else if env_offline && !args.refresh && args.refresh_module.is_empty() {
        Connectivity::Offline {
            reason: "`GOMODX_OFFLINE=1`".to_owned(),
        }
    } else {
        Connectivity::Online
    };
    let refresh = if args.refresh {
        Refresh::All(start)
    } else if !args.refresh_module.is_empty() {
        Refresh::Modules(args.refresh_module.clone(), start)
    } else {
        Refresh::None(start)
    };
    let max_age = match (
        &args.max_age,
        var("GOMODX_MAX_AGE").filter(|v| !v.is_empty()),
    ) {
        (Some(text), _) => Some(parse_duration("--max-age", text)?),
        (None, Some(text)) => Some(parse_duration("GOMODX_MAX_AGE", &text)?),
        (None, None) => None,
    };
    Ok(Freshness {
        connectivity,
        refresh,
        max_age,
    })
}

/// A duration such as `0`, `30s`, `10m`, `1h 30m`.
pub fn parse_duration(what: &str, text: &str) -> Result<Duration> {
    if text.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(text.trim())
        .with_context(|| format!("{what} {text:?} is not a duration such as 30s, 10m or 2h"))
}

/// The nearest ancestor of `dir` (inclusive) that contains a go.mod file.
fn find_module_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join("go.mod").is_file())
        .map(Path::to_path_buf)
}
