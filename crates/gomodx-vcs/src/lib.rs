//! Direct mode: modules fetched from their git repositories exactly as
//! the go command fetches them, behind gomodx-client's [`DirectSource`].
//!
//! - Finding the repository (`root`, `meta`): the hosting sites go knows
//!   (github.com, bitbucket.org, …), paths with a VCS element
//!   (`host/path/repo.git/sub`), whose scheme is found by `git ls-remote`
//!   pings (https and ssh; also git and http where GOINSECURE matches),
//!   else the `<meta name="go-import">` tags of `https://<path>?go-get=1`
//!   (with GOAUTH's credentials, which never follow a redirect to another
//!   host; plain http where GOINSECURE matches), a `mod` entry making its
//!   URL the module's GOPROXY (with the same credentials); the GOVCS policy (default
//!   `public:git|hg,private:all`). gomodx runs git only: other version
//!   control systems are refused with a clear error.
//! - git run as go runs it (`run`, `git`): the bare cache repository in
//!   go's own `GOMODCACHE/cache/vcs/<sha256("git3:"+url)>` layout with its
//!   `.info` and `.lock` files — shared with the go command, so either
//!   tool reuses what the other fetched, and `go clean -modcache` removes
//!   it; `git ls-remote -q` for refs; shallow fetches of the one ref
//!   needed and a full fetch only when history is needed;
//!   `GIT_TERMINAL_PROMPT=0` and `GCM_INTERACTIVE=never` unless set; the
//!   user's credential helpers, `insteadOf` and ssh settings untouched; a
//!   time limit per git command.
//! - Versions as go computes them (`code`, Go's `coderepo.go`): tags to
//!   versions with the module's subdirectory as prefix, `/vN` module
//!   subdirectories, `+incompatible`, branches and commits to
//!   pseudo-versions from the right base tag, pseudo-versions validated,
//!   `.info` with go's Origin fields, and errors with the Origin go gives
//!   them (the refs' `RepoSum` for an unknown revision); SHA-1 and SHA-256
//!   repositories.
//! - The zip from `git archive` of the revision through the module zip
//!   rules of gomodx-modzip, and go.mod synthesized for modules without
//!   one, so `h1:` hashes equal go's.
//!
//! Not done: go's check that a module's `go` line is not newer than the
//! toolchain, and go's probe of an http(s) repository URL that makes a
//! failed `git ls-remote` a "not found".

mod code;
mod error;
mod git;
mod meta;
mod origin;
mod root;
mod run;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gomodx_client::{
    Client, ClientConfig, Credentials, DirectError, DirectFuture, DirectSource, DownloadSink,
    ListLine, ProxyList, RevInfo, VersionList,
};
use gomodx_module::path::match_prefix_patterns;
use tokio::sync::OnceCell;

use crate::code::CodeRepo;
use crate::error::Error;
use crate::git::GitRepo;
use crate::root::{Govcs, Lookup};
use crate::run::Git;

/// The settings direct mode reads (the caller resolves the environment).
#[derive(Debug, Clone)]
pub struct VcsConfig {
    /// GOMODCACHE: the cache repositories live in `cache/vcs` below it.
    pub gomodcache: PathBuf,
    /// GOPRIVATE, for GOVCS's `private`/`public` classes.
    pub goprivate: String,
    /// GOINSECURE: matching modules may also be fetched over `git://` and
    /// `http://`.
    pub goinsecure: String,
    /// GOVCS.
    pub govcs: String,
    /// The git program (default `git`, found on PATH).
    pub git: PathBuf,
    /// How long one git command may run (default 10 minutes).
    pub timeout: Duration,
    /// GOAUTH's credentials for go-get pages and the proxies they name:
    /// the run's, shared with its GOPROXY client (default: none).
    pub credentials: Credentials,
}

impl VcsConfig {
    /// Defaults for everything but the module cache.
    pub fn new(gomodcache: PathBuf) -> Self {
        VcsConfig {
            gomodcache,
            goprivate: String::new(),
            goinsecure: String::new(),
            govcs: String::new(),
            git: PathBuf::from("git"),
            timeout: Duration::from_secs(10 * 60),
            credentials: Credentials::default(),
        }
    }

    /// The settings `env` gives (GOPRIVATE, GOINSECURE, GOVCS), with the
    /// repositories under `gomodcache` and the run's `credentials`.
    pub fn from_env(
        gomodcache: PathBuf,
        env: &gomodx_goenv::FetchEnv,
        credentials: Credentials,
    ) -> Self {
        VcsConfig {
            goprivate: env.goprivate.clone(),
            goinsecure: env.goinsecure.clone(),
            govcs: env.govcs.clone(),
            credentials,
            ..Self::new(gomodcache)
        }
    }
}

type Shared<T> = Arc<OnceCell<Result<Arc<T>, Error>>>;

/// Direct-mode fetching from git; share one per run (it remembers refs
/// and resolved revisions for the run, like the go command).
pub struct Vcs {
    config: VcsConfig,
    git: Git,
    govcs: Result<Govcs, String>,
    /// go-get page clients: secure, and for GOINSECURE paths.
    http: [OnceCell<Result<reqwest::Client, Error>>; 2],
    /// By repository URL.
    repos: Mutex<HashMap<String, Shared<GitRepo>>>,
    /// By module path.
    modules: Mutex<HashMap<String, Shared<Module>>>,
}

/// Where a module's versions come from.
enum Module {
    /// A repository.
    Code(CodeRepo),
    /// A GOPROXY named by a `mod` meta tag.
    Proxy(Client),
}

impl Vcs {
    /// A direct-mode source with `config`. A malformed GOVCS is reported
    /// by every operation, as go reports it.
    pub fn new(config: VcsConfig) -> Self {
        let git = Git {
            program: config.git.clone(),
            timeout: config.timeout,
        };
        Vcs {
            govcs: Govcs::parse(&config.govcs),
            git,
            config,
            http: [OnceCell::new(), OnceCell::new()],
            repos: Mutex::default(),
            modules: Mutex::default(),
        }
    }

    fn cell<T>(map: &Mutex<HashMap<String, Shared<T>>>, key: &str) -> Shared<T> {
        map.lock()
            .expect("not poisoned")
            .entry(key.to_owned())
            .or_default()
            .clone()
    }

    /// Go's `lookupDirect`: the module's code repository, once per run.
    /// A failure is named after the operation's module and version (or
    /// the module alone).
    async fn module(&self, path: &str, version: Option<&str>) -> Result<Arc<Module>, Error> {
        let cell = Self::cell(&self.modules, path);
        cell.get_or_init(|| self.lookup(path))
            .await
            .clone()
            .map_err(|e| match version {
                Some(version) => e.context(format!("{path}@{version}")),
                None => e.module(path),
            })
    }

    async fn lookup(&self, path: &str) -> Result<Arc<Module>, Error> {
        let govcs = self.govcs.as_ref().map_err(|e| Error::other(e.clone()))?;
        let insecure = match_prefix_patterns(&self.config.goinsecure, path);
        let http = self.http[usize::from(insecure)]
            .get_or_init(|| async move { meta::client(insecure) })
            .await
            .clone()?;
        let lookup = Lookup {
            git: &self.git,
            govcs,
            goprivate: &self.config.goprivate,
            insecure,
            ping_dir: &self.config.gomodcache,
            http: &http,
            credentials: &self.config.credentials,
        };
        let root = root::repo_root(path, &lookup)
            .await
            .map_err(|e| Error::not_exist(e.text))?;
        if root.vcs == "mod" {
            let proxies =
                ProxyList::parse(&root.repo, "").map_err(|e| Error::other(e.to_string()))?;
            let config = ClientConfig {
                credentials: self.config.credentials.clone(),
                ..ClientConfig::new(proxies)
            };
            return Ok(Arc::new(Module::Proxy(Client::new(config))));
        }
        let cell = Self::cell(&self.repos, &root.repo);
        let repo = cell
            .get_or_init(|| async {
                GitRepo::open(self.git.clone(), &self.config.gomodcache, &root.repo)
                    .await
                    .map(Arc::new)
            })
            .await
            .clone()
            .map_err(|e| e.context(format!("lookup {}", root.root)))?;
        let code = CodeRepo::new(repo, &root.root, &root.subdir, path)?;
        Ok(Arc::new(Module::Code(code)))
    }

    async fn versions(&self, path: &str) -> Result<VersionList, Error> {
        match &*self.module(path, None).await? {
            Module::Code(code) => {
                let (versions, origin) = code.versions().await?;
                let lines = versions
                    .into_iter()
                    .map(|version| ListLine {
                        version,
                        time: None,
                    })
                    .collect();
                Ok(VersionList {
                    lines,
                    origin: Some(origin.to_json()),
                })
            }
            Module::Proxy(client) => Ok(client.list(path).await.map_err(proxy_error)?.value),
        }
    }

    async fn stat(&self, path: &str, query: &str) -> Result<RevInfo, Error> {
        match &*self.module(path, Some(query)).await? {
            Module::Code(code) => Ok(code.stat(query).await?.to_client()),
            Module::Proxy(client) => Ok(client.info(path, query).await.map_err(proxy_error)?.value),
        }
    }

    async fn latest(&self, path: &str) -> Result<RevInfo, Error> {
        match &*self.module(path, None).await? {
            Module::Code(code) => Ok(code.latest().await?.to_client()),
            Module::Proxy(client) => Ok(client.latest(path).await.map_err(proxy_error)?.value),
        }
    }

    async fn go_mod(&self, path: &str, version: &str) -> Result<Vec<u8>, Error> {
        match &*self.module(path, Some(version)).await? {
            Module::Code(code) => code
                .go_mod(version)
                .await
                .map_err(|e| version_context(e, path, version)),
            Module::Proxy(client) => Ok(client
                .go_mod(path, version)
                .await
                .map_err(proxy_error)?
                .value),
        }
    }

    async fn zip(&self, path: &str, version: &str) -> Result<std::fs::File, Error> {
        match &*self.module(path, Some(version)).await? {
            Module::Code(code) => code
                .zip(version)
                .await
                .map_err(|e| version_context(e, path, version)),
            Module::Proxy(client) => {
                let file = tempfile::tempfile()
                    .map_err(|e| Error::other(format!("creating a temp file: {e}")))?;
                let mut sink = FileSink(file);
                client
                    .zip(path, version, &mut sink)
                    .await
                    .map_err(proxy_error)?;
                use std::io::Seek;
                let mut file = sink.0;
                file.rewind()
                    .map_err(|e| Error::other(format!("rewinding the zip: {e}")))?;
                Ok(file)
            }
        }
    }
}

/// A proxy's failure, kept whole.
fn proxy_error(e: gomodx_client::Error) -> Error {
    Error {
        not_exist: e.is_not_exist(),
        text: e.to_string(),
        origin: None,
    }
}

/// A zip from a `mod` proxy, into a temp file.
struct FileSink(std::fs::File);

impl DownloadSink for FileSink {
    async fn start(&mut self, _expected_len: Option<u64>) -> std::io::Result<()> {
        use std::io::Seek;
        self.0.set_len(0)?;
        self.0.rewind().map(|_| ())
    }

    async fn write(&mut self, chunk: bytes::Bytes) -> std::io::Result<()> {
        use std::io::Write;
        self.0.write_all(&chunk)
    }
}

/// Go's `path@version: err` wrapping of GoMod and Zip failures, unless
/// the error names the module already.
fn version_context(e: Error, path: &str, version: &str) -> Error {
    if e.text.starts_with(&format!("{path}@")) {
        e
    } else {
        e.context(format!("{path}@{version}"))
    }
}

fn boxed<'a, T: Send + 'a>(
    f: impl std::future::Future<Output = Result<T, Error>> + Send + 'a,
) -> DirectFuture<'a, T> {
    Box::pin(async move { f.await.map_err(DirectError::from) })
}

impl DirectSource for Vcs {
    fn list<'a>(&'a self, path: &'a str) -> DirectFuture<'a, VersionList> {
        boxed(self.versions(path))
    }

    fn stat<'a>(&'a self, path: &'a str, query: &'a str) -> DirectFuture<'a, RevInfo> {
        boxed(self.stat(path, query))
    }

    fn latest<'a>(&'a self, path: &'a str) -> DirectFuture<'a, RevInfo> {
        boxed(self.latest(path))
    }

    fn go_mod<'a>(&'a self, path: &'a str, version: &'a str) -> DirectFuture<'a, Vec<u8>> {
        boxed(self.go_mod(path, version))
    }

    fn zip<'a>(&'a self, path: &'a str, version: &'a str) -> DirectFuture<'a, std::fs::File> {
        boxed(self.zip(path, version))
    }
}
