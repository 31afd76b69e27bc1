//! The GOPROXY operations, each tried across the proxy list the way Go's
//! `TryProxies` does, with Go's error wrapping.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gomodx_module::{ModuleError, canonical_version, escape};

use crate::auth::Credentials;
use crate::direct::DirectSource;
use crate::error::{Error, ErrorKind, FetchError};
use crate::netrc::Netrc;
use crate::protocol::{self, ListLine, RevInfo, VersionList};
use crate::proxy::{ProxyList, ProxyUrl, Resource, Route};
use crate::retry::RetryPolicy;
use crate::sink::DownloadSink;
use crate::transport::{Fetched, TraceHook, Transport, TransportConfig};
use crate::tries::Tries;

/// Go's `codehost.MaxZipFile`: 500 MiB.
pub const MAX_ZIP_SIZE: u64 = 500 << 20;

/// Everything the client needs, built by the CLI from flags and environment.
#[derive(Clone)]
pub struct ClientConfig {
    /// The parsed GOPROXY/GONOPROXY.
    pub proxies: ProxyList,
    /// GOAUTH's credentials (with the netrc file's), shared with every
    /// other client of the run (default: none).
    pub credentials: Credentials,
    /// Retry behaviour for spurious failures.
    pub retry: RetryPolicy,
    /// Limit for establishing a connection (default 10 s).
    pub connect_timeout: Duration,
    /// Limit for each read, headers and body alike (default 30 s).
    pub read_timeout: Duration,
    /// Limit for one whole request, body included (default 20 min), so a
    /// body trickling in just fast enough for `read_timeout` cannot hold a
    /// run forever. Not retried when reached.
    pub deadline: Duration,
    /// The `User-Agent` header (default `gomodx/<version>`).
    pub user_agent: String,
    /// The largest zip accepted (default [`MAX_ZIP_SIZE`]).
    pub max_zip_size: u64,
    /// Receives `-x` style trace lines when set.
    pub trace: Option<TraceHook>,
    /// Serves `direct` entries and GONOPROXY modules from their
    /// repositories; without it they fail ([`ErrorKind::DirectUnsupported`]).
    pub direct: Option<Arc<dyn DirectSource>>,
}

impl ClientConfig {
    /// Defaults for everything but the proxy list.
    pub fn new(proxies: ProxyList) -> Self {
        ClientConfig {
            proxies,
            credentials: Credentials::default(),
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(20 * 60),
            user_agent: format!("gomodx/{}", env!("CARGO_PKG_VERSION")),
            max_zip_size: MAX_ZIP_SIZE,
            trace: None,
            direct: None,
        }
    }

    /// The configuration `env` asks for: its GOPROXY and GONOPROXY, netrc
    /// credentials, GOAUTH, retry policy and HTTP limits.
    pub fn from_env(env: &gomodx_goenv::FetchEnv) -> Result<Self, crate::ConfigError> {
        let mut config = Self::new(ProxyList::parse(&env.goproxy, &env.gonoproxy)?);
        config.credentials = Credentials::new(&env.goauth, Netrc::parse(&env.netrc));
        config.retry = RetryPolicy {
            no_delay_for_tests: env.no_retry_delay,
            ..RetryPolicy::default()
        };
        if let Some(timeout) = env.http_timeout {
            config.connect_timeout = timeout;
            config.read_timeout = timeout;
        }
        if let Some(deadline) = env.http_deadline {
            config.deadline = deadline;
        }
        Ok(config)
    }
}

/// A GOPROXY client. Cheap to clone; clones share one connection pool and
/// may be used from many tasks at once. Concurrency caps are the caller's.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    proxies: ProxyList,
    transport: Transport,
    max_zip_size: u64,
    direct: Option<Arc<dyn DirectSource>>,
    /// Proxies found unreachable in this run (redacted base URL → cause):
    /// later requests to them fail at once with the same cause.
    unreachable: Mutex<HashMap<String, String>>,
}

/// An answer and the proxy that gave it (its redacted base URL).
#[derive(Debug, Clone, PartialEq)]
pub struct Served<T> {
    /// The answer.
    pub value: T,
    /// The redacted base URL of the proxy that served it.
    pub proxy: String,
}

/// An answer's HTTP validators: sent back later (`If-None-Match`,
/// `If-Modified-Since`), they let the proxy answer `304 Not Modified`
/// instead of the whole body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` header.
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    pub last_modified: Option<String>,
}

/// A mutable answer held from an earlier run, to be revalidated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The redacted base URL of the proxy that gave it.
    pub proxy: String,
    /// The validators it came with.
    pub validators: Validators,
}

/// The answer to a revalidation.
#[derive(Debug, Clone, PartialEq)]
pub enum Revalidated<T> {
    /// A (new) answer, with its validators.
    Changed(Served<T>, Validators),
    /// The proxy that gave the held answer says it is still current (`304`).
    Unchanged {
        /// The redacted base URL of that proxy.
        proxy: String,
    },
}

impl<T> Revalidated<T> {
    /// The answer of a request that held nothing (so cannot be `Unchanged`).
    fn into_served(self) -> Served<T> {
        match self {
            Revalidated::Changed(served, _) => served,
            Revalidated::Unchanged { .. } => unreachable!("nothing was held"),
        }
    }
}

/// One proxy's own answers about a module (see [`Client::ask_each`]).
#[derive(Debug)]
pub struct ProxyAnswers {
    /// The redacted base URL of the proxy.
    pub proxy: String,
    /// Its version list.
    pub list: Result<Vec<ListLine>, Error>,
    /// Its `.info` for the query asked, if one was.
    pub info: Option<Result<RevInfo, Error>>,
}

/// What one request to one proxy gave.
enum Got<T> {
    Body(T, Validators),
    NotModified,
}

impl Client {
    /// Builds the client; its shared HTTP connection pool is set up on the
    /// first HTTP request.
    pub fn new(config: ClientConfig) -> Self {
        let transport = Transport::new(TransportConfig {
            auth: config.credentials,
            retry: config.retry,
            connect_timeout: config.connect_timeout,
            read_timeout: config.read_timeout,
            deadline: config.deadline,
            user_agent: config.user_agent,
            trace: config.trace,
        });
        let inner = Inner {
            proxies: config.proxies,
            transport,
            max_zip_size: config.max_zip_size,
            direct: config.direct,
            unreachable: Mutex::default(),
        };
        Client {
            inner: Arc::new(inner),
        }
    }

    /// The proxy list this client routes through.
    pub fn proxies(&self) -> &ProxyList {
        &self.inner.proxies
    }

    /// `$base/$module/@v/list`: the raw lines (versions are not filtered).
    pub async fn list(&self, path: &str) -> Result<Served<VersionList>, Error> {
        Ok(self.list_since(path, None).await?.into_served())
    }

    /// [`Client::list`], asking the proxy that gave `held` whether it changed.
    pub async fn list_since(
        &self,
        path: &str,
        held: Option<&Held>,
    ) -> Result<Revalidated<VersionList>, Error> {
        let escaped = escape::escape_path(path);
        let mut tries = self.tries(path, None);
        while let Some(route) = tries.next() {
            let proxy = match route {
                Route::Direct => match self.direct(path, None, |d| d.list(path)).await {
                    Ok(versions) => return Ok(direct_answer(versions)),
                    Err(e) => {
                        tries.fail(e);
                        continue;
                    }
                },
                Route::Proxy(proxy) => proxy,
            };
            let result = match &escaped {
                Ok(escaped) => self
                    .get_since(proxy, escaped, "@v/list", held)
                    .await
                    .map_err(|kind| Error::new(path, None, kind)),
                Err(e) => Err(module_error(path, None, e)),
            };
            match result {
                Ok(got) => {
                    return Ok(revalidated(proxy, got, |b| {
                        protocol::parse_version_list(&b)
                    }));
                }
                Err(e) => tries.fail(e),
            }
        }
        Err(tries.into_error())
    }

    /// `$base/$module/@v/$query.info`: resolves a version, branch or commit.
    /// A proxy answering a canonical version with another one is refused.
    pub async fn info(&self, path: &str, query: &str) -> Result<Served<RevInfo>, Error> {
        Ok(self.info_since(path, query, None).await?.into_served())
    }

    /// [`Client::info`], asking the proxy that gave `held` whether it changed.
    pub async fn info_since(
        &self,
        path: &str,
        query: &str,
        held: Option<&Held>,
    ) -> Result<Revalidated<RevInfo>, Error> {
        let escaped = escape::escape_path(path);
        let escaped_query = escape::escape_version(query);
        let mut tries = self.tries(path, Some(query));
        while let Some(route) = tries.next() {
            let proxy = match route {
                Route::Direct => match self
                    .direct(path, Some(query), |d| d.stat(path, query))
                    .await
                {
                    Ok(info) => return Ok(direct_answer(info)),
                    Err(e) => {
                        tries.fail(e);
                        continue;
                    }
                },
                Route::Proxy(proxy) => proxy,
            };
            let result = match (&escaped, &escaped_query) {
                (Ok(escaped), Ok(escaped_query)) => {
                    self.stat(proxy, path, escaped, query, escaped_query, held)
                        .await
                }
                (Err(e), _) | (_, Err(e)) => Err(module_error(path, Some(query), e)),
            };
            match result {
                Ok(got) => return Ok(revalidated(proxy, got, |info| info)),
                Err(e) => tries.fail(e),
            }
        }
        Err(tries.into_error())
    }

    /// `$base/$module/@latest`; where a proxy has none (404/410), the newest
    /// timed version of its list, as Go's `proxyRepo.Latest` does.
    pub async fn latest(&self, path: &str) -> Result<Served<RevInfo>, Error> {
        Ok(self.latest_since(path, None).await?.into_served())
    }

    /// [`Client::latest`], asking the proxy that gave `held` whether its
    /// `@latest` changed.
    pub async fn latest_since(
        &self,
        path: &str,
        held: Option<&Held>,
    ) -> Result<Revalidated<RevInfo>, Error> {
        let escaped = escape::escape_path(path);
        let mut tries = self.tries(path, None);
        while let Some(route) = tries.next() {
            let proxy = match route {
                Route::Direct => match self.direct(path, None, |d| d.latest(path)).await {
                    Ok(info) => return Ok(direct_answer(info)),
                    Err(e) => {
                        tries.fail(e);
                        continue;
                    }
                },
                Route::Proxy(proxy) => proxy,
            };
            let result = match &escaped {
                Ok(escaped) => self.latest_from(proxy, path, escaped, held).await,
                Err(e) => Err(module_error(path, None, e)),
            };
            match result {
                Ok(got) => return Ok(revalidated(proxy, got, |info| info)),
                Err(e) => tries.fail(e),
            }
        }
        Err(tries.into_error())
    }

    /// Each proxy URL of the list on its own (no fall-through), for
    /// diagnosis: its `@v/list`, and its `.info` for `query` when given
    /// (`@latest` for `"latest"`). Empty when GONOPROXY routes `path`
    /// around the proxies.
    pub async fn ask_each(&self, path: &str, query: Option<&str>) -> Vec<ProxyAnswers> {
        let Ok(escaped) = escape::escape_path(path) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for spec in self.inner.proxies.specs() {
            let Ok(Route::Proxy(proxy)) = self.inner.proxies.route(spec, path, false) else {
                continue;
            };
            let list = self
                .get_bytes(proxy, &escaped, "@v/list")
                .await
                .map(|body| protocol::parse_list(&body))
                .map_err(|kind| Error::new(path, None, kind));
            let info = match query {
                None => None,
                Some("latest") => Some(self.latest_from(proxy, path, &escaped, None).await),
                Some(query) => Some(match escape::escape_version(query) {
                    Ok(escaped_query) => {
                        self.stat(proxy, path, &escaped, query, &escaped_query, None)
                            .await
                    }
                    Err(e) => Err(module_error(path, Some(query), &e)),
                }),
            };
            let info = info.map(|result| {
                result.map(|got| match got {
                    Got::Body(info, _) => info,
                    Got::NotModified => unreachable!("nothing was held"),
                })
            });
            out.push(ProxyAnswers {
                proxy: proxy.redacted().to_owned(),
                list,
                info,
            });
        }
        out
    }

    /// `$base/$module/@v/$version.mod`; `version` must be canonical.
    pub async fn go_mod(&self, path: &str, version: &str) -> Result<Served<Vec<u8>>, Error> {
        let (escaped, escaped_version) = canonical_parts(path, version, "GoMod")?;
        let suffix = format!("@v/{escaped_version}.mod");
        let mut tries = self.tries(path, Some(version));
        while let Some(route) = tries.next() {
            let proxy = match route {
                Route::Direct => {
                    match self
                        .direct(path, Some(version), |d| d.go_mod(path, version))
                        .await
                    {
                        Ok(body) => return Ok(direct_answer(body).into_served()),
                        Err(e) => {
                            tries.fail(e);
                            continue;
                        }
                    }
                }
                Route::Proxy(proxy) => proxy,
            };
            let result = match &escaped {
                Ok(escaped) => self
                    .get_bytes(proxy, escaped, &suffix)
                    .await
                    .map_err(|kind| Error::new(path, Some(version), kind)),
                Err(e) => Err(module_error(path, Some(version), e)),
            };
            match result {
                Ok(body) => return Ok(served(proxy, body)),
                Err(e) => tries.fail(e),
            }
        }
        Err(tries.into_error())
    }

    /// `$base/$module/@v/$version.zip`, streamed into `sink` as it arrives
    /// (never buffered whole). Retries and fall-through restart the sink
    /// with [`DownloadSink::start`]. Returns the zip's size.
    pub async fn zip<S: DownloadSink>(
        &self,
        path: &str,
        version: &str,
        sink: &mut S,
    ) -> Result<Served<u64>, Error> {
        let (escaped, escaped_version) = canonical_parts(path, version, "Zip")?;
        let suffix = format!("@v/{escaped_version}.zip");
        let limit = Some(self.inner.max_zip_size);
        let mut tries = self.tries(path, Some(version));
        while let Some(route) = tries.next() {
            let proxy = match route {
                Route::Direct => {
                    let copied =
                        match self
                            .direct(path, Some(version), |d| d.zip(path, version))
                            .await
                        {
                            Ok(file) => copy_zip(file, sink, self.inner.max_zip_size)
                                .await
                                .map_err(|error| {
                                    let kind = ErrorKind::Fetch { error, attempts: 1 };
                                    Error::new(path, Some(version), kind)
                                }),
                            Err(e) => Err(e),
                        };
                    match copied {
                        Ok(len) => return Ok(direct_answer(len).into_served()),
                        Err(e) => {
                            tries.fail(e);
                            continue;
                        }
                    }
                }
                Route::Proxy(proxy) => proxy,
            };
            let result = match &escaped {
                Ok(escaped) => {
                    let resource = proxy.resource(escaped, &suffix);
                    self.fetch(proxy, &resource, sink, limit)
                        .await
                        .map(|fetched| fetched.len)
                        .map_err(|kind| Error::new(path, Some(version), kind))
                }
                Err(e) => Err(module_error(path, Some(version), e)),
            };
            match result {
                Ok(len) => return Ok(served(proxy, len)),
                Err(e) => tries.fail(e),
            }
        }
        Err(tries.into_error())
    }

    /// `<base>/<path>` from one base URL, whole, with the usual retries and
    /// credentials but no fall-through (the checksum database protocol).
    pub async fn get(&self, base: &ProxyUrl, path: &str) -> Result<Vec<u8>, FetchError> {
        let resource = base.resource("", path);
        let mut body = Vec::new();
        self.inner
            .transport
            .fetch(base, &resource, &mut body, None)
            .await
            .map_err(|(error, _)| error)?;
        Ok(body)
    }

    fn tries<'a>(&'a self, path: &'a str, version: Option<&'a str>) -> Tries<'a> {
        Tries::new(
            &self.inner.proxies,
            path,
            version,
            self.inner.direct.is_some(),
        )
    }

    /// One operation of the [`DirectSource`] (configured: [`Tries`] only
    /// routes to it when there is one).
    async fn direct<'a, T>(
        &'a self,
        path: &str,
        version: Option<&str>,
        op: impl FnOnce(&'a dyn DirectSource) -> crate::direct::DirectFuture<'a, T>,
    ) -> Result<T, Error> {
        let source = self
            .inner
            .direct
            .as_deref()
            .expect("routed to direct only with a source");
        op(source)
            .await
            .map_err(|e| Error::new(path, version, ErrorKind::Direct(e)))
    }

    /// Go's `proxyRepo.Latest` against one proxy. Only `@latest` itself
    /// is revalidated; the fallback through the list is asked afresh.
    async fn latest_from(
        &self,
        proxy: &ProxyUrl,
        path: &str,
        escaped: &str,
        held: Option<&Held>,
    ) -> Result<Got<RevInfo>, Error> {
        let fail = |kind| Error::new(path, None, kind);
        match self.get_since(proxy, escaped, "@latest", held).await {
            Ok(Got::Body(body, validators)) => {
                let info = parse_info(proxy, &body).map_err(fail)?;
                return Ok(Got::Body(info, validators));
            }
            Ok(Got::NotModified) => return Ok(Got::NotModified),
            Err(kind) if !kind.is_not_exist() => return Err(fail(kind)),
            Err(_) => {}
        }
        let lines = protocol::parse_list(
            &self
                .get_bytes(proxy, escaped, "@v/list")
                .await
                .map_err(fail)?,
        );
        let best = protocol::latest_from_list(&lines).ok_or_else(|| fail(ErrorKind::NoCommits))?;
        let escaped_best =
            escape::escape_version(best).map_err(|e| module_error(path, Some(best), &e))?;
        match self
            .stat(proxy, path, escaped, best, &escaped_best, None)
            .await?
        {
            Got::Body(info, _) => Ok(Got::Body(info, Validators::default())),
            Got::NotModified => unreachable!("nothing was held"),
        }
    }

    /// Go's `proxyRepo.Stat` against one proxy.
    async fn stat(
        &self,
        proxy: &ProxyUrl,
        path: &str,
        escaped: &str,
        rev: &str,
        escaped_rev: &str,
        held: Option<&Held>,
    ) -> Result<Got<RevInfo>, Error> {
        let fail = |kind| Error::new(path, Some(rev), kind);
        let suffix = format!("@v/{escaped_rev}.info");
        let (body, validators) = match self.get_since(proxy, escaped, &suffix, held).await {
            Ok(Got::Body(body, validators)) => (body, validators),
            Ok(Got::NotModified) => return Ok(Got::NotModified),
            Err(kind) => return Err(fail(kind)),
        };
        let info = parse_info(proxy, &body).map_err(fail)?;
        let canonical = rev == canonical_version(rev) && gomodx_module::check(path, rev).is_ok();
        if info.version != rev && canonical {
            return Err(fail(ErrorKind::VersionMismatch {
                returned: info.version,
            }));
        }
        Ok(Got::Body(info, validators))
    }

    async fn get_bytes(
        &self,
        proxy: &ProxyUrl,
        escaped: &str,
        suffix: &str,
    ) -> Result<Vec<u8>, ErrorKind> {
        match self.get_since(proxy, escaped, suffix, None).await? {
            Got::Body(body, _) => Ok(body),
            Got::NotModified => unreachable!("nothing was held"),
        }
    }

    /// One GET of a small body; with `held` from this proxy, conditional.
    async fn get_since(
        &self,
        proxy: &ProxyUrl,
        escaped: &str,
        suffix: &str,
        held: Option<&Held>,
    ) -> Result<Got<Vec<u8>>, ErrorKind> {
        let mut resource = proxy.resource(escaped, suffix);
        resource.held = held
            .filter(|held| held.proxy == proxy.redacted())
            .map(|held| held.validators.clone());
        let conditional = resource.held.is_some();
        let mut body = Vec::new();
        match self.fetch(proxy, &resource, &mut body, None).await {
            Ok(fetched) => Ok(Got::Body(body, fetched.validators)),
            Err(ErrorKind::Fetch { error, .. }) if conditional && error.is_not_modified() => {
                Ok(Got::NotModified)
            }
            Err(kind) => Err(kind),
        }
    }

    /// The transport's fetch, skipping (and remembering) proxies that
    /// could not be reached at all in this run.
    async fn fetch<S: DownloadSink>(
        &self,
        proxy: &ProxyUrl,
        resource: &Resource,
        sink: &mut S,
        limit: Option<u64>,
    ) -> Result<Fetched, ErrorKind> {
        let known = self.unreachable().get(proxy.redacted()).cloned();
        if let Some(cause) = known {
            let error = FetchError::Request {
                url: resource.display.clone(),
                cause,
                spurious: false,
                unreachable: true,
            };
            return Err(ErrorKind::Fetch { error, attempts: 0 });
        }
        let result = self
            .inner
            .transport
            .fetch(proxy, resource, sink, limit)
            .await;
        result.map_err(|(error, attempts)| {
            if let FetchError::Request {
                cause,
                unreachable: true,
                ..
            } = &error
            {
                self.unreachable()
                    .insert(proxy.redacted().to_owned(), cause.clone());
            }
            ErrorKind::Fetch { error, attempts }
        })
    }

    fn unreachable(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.inner
            .unreachable
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The name [`Served::proxy`] gives answers from the repository itself.
pub const DIRECT: &str = "direct";

/// An answer from the repository: never conditional, never revalidated.
fn direct_answer<T>(value: T) -> Revalidated<T> {
    let served = Served {
        value,
        proxy: DIRECT.to_owned(),
    };
    Revalidated::Changed(served, Validators::default())
}

/// Streams a zip made by the [`DirectSource`] into `sink`, refusing one
/// over `limit` as a proxy's would be. Returns its size.
async fn copy_zip<S: DownloadSink>(
    file: std::fs::File,
    sink: &mut S,
    limit: u64,
) -> Result<u64, FetchError> {
    use tokio::io::AsyncReadExt;
    let local = |cause: std::io::Error| FetchError::Sink { cause };
    let len = file.metadata().map_err(local)?.len();
    if len > limit {
        return Err(FetchError::TooLarge);
    }
    sink.start(Some(len)).await.map_err(local)?;
    let mut file = tokio::fs::File::from_std(file);
    let mut buf = vec![0; 256 << 10];
    loop {
        let n = file.read(&mut buf).await.map_err(local)?;
        if n == 0 {
            return Ok(len);
        }
        sink.write(bytes::Bytes::copy_from_slice(&buf[..n]))
            .await
            .map_err(local)?;
    }
}

fn served<T>(proxy: &ProxyUrl, value: T) -> Served<T> {
    Served {
        value,
        proxy: proxy.redacted().to_owned(),
    }
}

/// One proxy's answer to a (possibly conditional) request.
fn revalidated<B, T>(proxy: &ProxyUrl, got: Got<B>, parse: impl FnOnce(B) -> T) -> Revalidated<T> {
    match got {
        Got::Body(body, validators) => Revalidated::Changed(served(proxy, parse(body)), validators),
        Got::NotModified => Revalidated::Unchanged {
            proxy: proxy.redacted().to_owned(),
        },
    }
}

fn parse_info(proxy: &ProxyUrl, body: &[u8]) -> Result<RevInfo, ErrorKind> {
    protocol::parse_info(body).map_err(|reason| ErrorKind::InvalidResponse {
        proxy: proxy.redacted().to_owned(),
        reason,
    })
}

/// Escaping results for a `.mod`/`.zip` request, after Go's canonical check.
/// The path's escaping error is reported per proxy, as Go does; the
/// version's cannot happen for a canonical version.
fn canonical_parts(
    path: &str,
    version: &str,
    op: &'static str,
) -> Result<(Result<String, ModuleError>, String), Error> {
    if version != canonical_version(version) {
        return Err(Error::new(
            path,
            Some(version),
            ErrorKind::NotCanonical { op },
        ));
    }
    let escaped_version =
        escape::escape_version(version).map_err(|e| module_error(path, Some(version), &e))?;
    Ok((escape::escape_path(path), escaped_version))
}

/// A path or version escaping error, with the module path filled in.
fn module_error(path: &str, version: Option<&str>, error: &ModuleError) -> Error {
    let mut error = error.clone();
    if let ModuleError::Version(invalid) = &mut error
        && invalid.path.is_empty()
    {
        invalid.path = path.to_owned();
    }
    Error::new(path, version, ErrorKind::InvalidModule(error))
}
