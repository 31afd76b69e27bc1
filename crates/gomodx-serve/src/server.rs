//! The HTTP/1.1 server: accepting within limits, one task per connection,
//! one log line per request, graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use gomodx_client::TraceHook;
use http::header::{ALLOW, HeaderValue, WWW_AUTHENTICATE};
use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::auth::Auth;
use crate::log::{RequestLog, Source};
use crate::path::{Endpoint, PathError, parse};
use crate::proxy::{Generations, MakeFetcher, artifact, status};
use crate::response::{Answer, Body, respond, text};
use crate::sumdb::SumdbUpstream;
use crate::tls::Tls;

/// Limits that keep the server up under load and bad clients.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// The most bytes of request line and headers (at least 8 KiB); more
    /// is answered `431`.
    pub max_header_bytes: usize,
    /// How long a client may take to send its request headers.
    pub header_timeout: Duration,
    /// How long answering one request (an upstream fill included) may
    /// take before it is answered `504`.
    pub request_timeout: Duration,
    /// How long shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 512,
            max_header_bytes: 16 * 1024,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(300),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Receives one line per request.
pub type Logger = Arc<dyn Fn(&RequestLog) + Send + Sync>;

/// What the server serves and how.
pub struct ServeConfig {
    /// Makes the fetcher: store, GOMODCACHE, upstream proxies, checksum
    /// policy and freshness (offline included). Its client must report
    /// requests to [`upstream_trace`] for logs to tell store from upstream.
    pub fetcher: MakeFetcher,
    /// How long a fetcher (and with it each mutable answer and each
    /// failure) is kept before the upstream is asked again.
    pub ttl: Duration,
    /// Required credentials, if any (`/healthz` never needs them).
    pub auth: Option<Auth>,
    /// Serve HTTPS with this certificate (else plain HTTP).
    pub tls: Option<Tls>,
    /// The checksum database to relay under `/sumdb/<name>/`, if any.
    pub sumdb: Option<SumdbUpstream>,
    /// Limits.
    pub limits: Limits,
    /// Where request logs go (`None`: nowhere).
    pub log: Option<Logger>,
}

struct State {
    generations: Generations,
    tls: Option<Tls>,
    auth: Option<Auth>,
    sumdb: Option<SumdbUpstream>,
    limits: Limits,
    log: Option<Logger>,
}

/// A bound server, ready to run.
pub struct Server {
    listener: TcpListener,
    state: Arc<State>,
}

tokio::task_local! {
    /// Upstream requests made while answering the current request.
    static UPSTREAM: Arc<AtomicU64>;
}

/// A trace hook for the fetcher's client that counts, per request being
/// answered, the upstream requests it makes (log lines say `upstream`).
pub fn upstream_trace() -> TraceHook {
    Arc::new(|line: &str| {
        // `# get <url>` before a request; `# get <url>: <outcome>` after.
        if line.starts_with("# get ") && !line.contains(": ") {
            count_upstream();
        }
    })
}

/// Counts an upstream request for the request being answered (HTTP
/// requests through [`upstream_trace`]; a zip read from a `file://`
/// upstream is counted by the caller).
pub(crate) fn count_upstream() {
    let _ = UPSTREAM.try_with(|count| count.fetch_add(1, Ordering::Relaxed));
}

impl Server {
    /// Binds `addr` and makes the first fetcher.
    pub async fn bind(addr: SocketAddr, config: ServeConfig) -> Result<Self, String> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| format!("listening on {addr}: {e}"))?;
        let generations = Generations::new(config.fetcher, config.ttl)?;
        Ok(Self {
            listener,
            state: Arc::new(State {
                generations,
                tls: config.tls,
                auth: config.auth,
                sumdb: config.sumdb,
                limits: config.limits,
                log: config.log,
            }),
        })
    }

    /// The address it listens on (the real port when bound to port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The proxy URL clients use (`http://` or `https://` and the address).
    pub fn url(&self) -> std::io::Result<String> {
        let scheme = if self.state.tls.is_some() {
            "https"
        } else {
            "http"
        };
        Ok(format!("{scheme}://{}", self.local_addr()?))
    }

    /// Serves until `shutdown` completes, then stops accepting and waits
    /// (up to the grace period) for the requests in flight.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let graceful = GracefulShutdown::new();
        let limits = self.state.limits.clone();
        let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
        tokio::pin!(shutdown);
        loop {
            let slot = tokio::select! {
                slot = Arc::clone(&slots).acquire_owned() => slot.expect("never closed"),
                () = &mut shutdown => break,
            };
            let stream = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    // Out of file descriptors and the like: back off.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let state = Arc::clone(&self.state);
            let watcher = graceful.watcher();
            let handshake_timeout = limits.header_timeout;
            let mut http = http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_buf_size(limits.max_header_bytes.max(8192));
            tokio::spawn(async move {
                let _slot = slot;
                let tls = state.tls.clone();
                let service = service_fn(move |request| handle(Arc::clone(&state), request));
                match tls {
                    None => {
                        let connection = http.serve_connection(TokioIo::new(stream), service);
                        let _ = watcher.watch(connection).await;
                    }
                    Some(tls) => {
                        let handshake = tls.acceptor.accept(stream);
                        let Ok(Ok(stream)) =
                            tokio::time::timeout(handshake_timeout, handshake).await
                        else {
                            return;
                        };
                        let connection = http.serve_connection(TokioIo::new(stream), service);
                        let _ = watcher.watch(connection).await;
                    }
                }
            });
        }
        drop(self.listener);
        tokio::select! {
            () = graceful.shutdown() => {}
            () = tokio::time::sleep(limits.shutdown_grace) => {}
        }
    }
}

async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let started = Instant::now();
    let upstream = Arc::new(AtomicU64::new(0));
    let answer = UPSTREAM
        .scope(Arc::clone(&upstream), answer(&state, &request))
        .await;
    let source = match upstream.load(Ordering::Relaxed) {
        0 => Source::Store,
        _ => Source::Upstream,
    };
    if let Some(log) = &state.log {
        log(&RequestLog {
            method: request.method().to_string(),
            path: request.uri().path().to_owned(),
            status: answer.response.status().as_u16(),
            bytes: if request.method() == Method::HEAD {
                0
            } else {
                answer.bytes
            },
            elapsed: started.elapsed(),
            source,
        });
    }
    Ok(answer.response)
}

async fn answer(state: &State, request: &Request<Incoming>) -> Answer {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut answer = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        answer
            .response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return answer;
    }
    let endpoint = match parse(request.uri().path()) {
        Ok(endpoint) => endpoint,
        Err(PathError::Malformed(why)) => return text(StatusCode::BAD_REQUEST, &why),
        Err(PathError::NotFound(why)) => return text(StatusCode::NOT_FOUND, &why),
    };
    if endpoint == Endpoint::Health {
        return text(StatusCode::OK, "ok");
    }
    if let Some(auth) = &state.auth
        && !auth.allows(request.headers())
    {
        let mut answer = text(StatusCode::UNAUTHORIZED, "unauthorized");
        answer
            .response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static(auth.challenge()));
        return answer;
    }
    let timeout = state.limits.request_timeout;
    match tokio::time::timeout(timeout, module_or_sumdb(state, &endpoint, request)).await {
        Ok(answer) => answer,
        Err(_) => text(
            StatusCode::GATEWAY_TIMEOUT,
            &format!("answering took longer than {}s", timeout.as_secs_f64()),
        ),
    }
}

async fn module_or_sumdb(
    state: &State,
    endpoint: &Endpoint,
    request: &Request<Incoming>,
) -> Answer {
    match endpoint {
        Endpoint::SumdbSupported { name } => match &state.sumdb {
            Some(sumdb) if sumdb.name() == name => text(StatusCode::OK, ""),
            _ => text(
                StatusCode::NOT_FOUND,
                &format!("not found: checksum database {name} is not relayed"),
            ),
        },
        Endpoint::Sumdb { name, rest } => match &state.sumdb {
            Some(sumdb) if sumdb.name() == name => match sumdb.get(rest).await {
                Ok(body) => {
                    let resource =
                        crate::response::Resource::bytes(body, "text/plain; charset=utf-8");
                    respond(resource, request.headers()).await
                }
                Err(err) if err.is_not_exist() => text(StatusCode::NOT_FOUND, &err.to_string()),
                Err(err) => text(StatusCode::BAD_GATEWAY, &err.to_string()),
            },
            _ => text(
                StatusCode::NOT_FOUND,
                &format!("not found: checksum database {name} is not relayed"),
            ),
        },
        _ => {
            let (generation, fetcher) = match state.generations.current() {
                Ok(current) => current,
                Err(err) => return text(StatusCode::INTERNAL_SERVER_ERROR, &err),
            };
            match artifact(&fetcher, endpoint).await {
                Ok(resource) => respond(resource, request.headers()).await,
                Err(err) => {
                    let status = status(&err);
                    if !matches!(status, StatusCode::NOT_FOUND | StatusCode::GONE) {
                        state.generations.expire(generation);
                    }
                    text(status, &err.to_string())
                }
            }
        }
    }
}
