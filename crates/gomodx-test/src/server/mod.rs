//! A loopback GOPROXY over HTTP with fault injection.
//!
//! [`ProxyServer::start`] serves a directory (normally a
//! [`crate::tree::ProxyTree`]) on `127.0.0.1:<free port>` from its own thread
//! and tokio runtime, so synchronous tests can use it. Files are streamed from
//! disk in chunks. [`Faults`] add latency, a bandwidth cap, and rules that
//! answer matching paths with an error status, a truncated or corrupted body,
//! or a connection reset, or a redirect; they can be changed while the
//! server runs. Every request is logged with its `Authorization` header.
//! Files carry an `ETag` and a `Last-Modified`, and a request whose
//! `If-None-Match` (or, without one, `If-Modified-Since`) still holds is
//! answered `304 Not Modified` without a body.
//! [`ProxyServer::start_tls`] serves HTTPS with a [`TestCa`] certificate.

mod conn;
mod faults;
mod tls;

pub use faults::{Fault, FaultRule, Faults, PathMatch};
pub use tls::TestCa;

use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use tokio::io::AsyncReadExt;
use tokio::sync::oneshot;

use conn::{ConnHandle, ResettableListener};
use faults::ActiveFaults;
use tls::TlsListener;

/// Size of the chunks read from disk and sent.
const CHUNK: u64 = 64 << 10;

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The HTTP method.
    pub method: String,
    /// The percent-decoded URL path.
    pub path: String,
    /// The status sent, or 0 when the connection was reset instead.
    pub status: u16,
    /// Body bytes handed to the connection so far.
    pub bytes: u64,
    /// The `Authorization` header the client sent, if any.
    pub authorization: Option<String>,
}

/// State shared between the handle and the server thread.
struct Shared {
    root: PathBuf,
    faults: Mutex<ActiveFaults>,
    log: Mutex<Vec<RequestRecord>>,
}

impl Shared {
    fn faults(&self) -> MutexGuard<'_, ActiveFaults> {
        self.faults
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn log(&self) -> MutexGuard<'_, Vec<RequestRecord>> {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Appends a record and returns its index.
    fn record(&self, request: &Request, status: u16, bytes: u64) -> usize {
        let mut log = self.log();
        log.push(RequestRecord {
            method: request.method.to_string(),
            path: request.path.clone(),
            status,
            bytes,
            authorization: request.authorization.clone(),
        });
        log.len() - 1
    }
}

/// A running loopback proxy; stops when dropped.
pub struct ProxyServer {
    addr: SocketAddr,
    scheme: &'static str,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ProxyServer {
    /// Serves `root` on a free loopback port with `faults` in force.
    ///
    /// Panics if the port cannot be bound or the runtime cannot start (a
    /// broken test environment).
    pub fn start(root: PathBuf, faults: Faults) -> Self {
        Self::start_with(root, faults, None)
    }

    /// Serves `root` over HTTPS with a certificate signed by `ca`, on a free
    /// loopback port with `faults` in force.
    ///
    /// Panics as [`ProxyServer::start`] does.
    pub fn start_tls(root: PathBuf, faults: Faults, ca: &TestCa) -> Self {
        Self::start_with(root, faults, Some(ca))
    }

    fn start_with(root: PathBuf, faults: Faults, ca: Option<&TestCa>) -> Self {
        let listener = StdListener::bind("127.0.0.1:0").expect("binding a loopback port");
        listener
            .set_nonblocking(true)
            .expect("making the listener non-blocking");
        let addr = listener.local_addr().expect("reading the bound address");
        let shared = Arc::new(Shared {
            root,
            faults: Mutex::new(ActiveFaults::new(faults)),
            log: Mutex::new(Vec::new()),
        });
        let (shutdown, stopped) = oneshot::channel();
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let acceptor = ca.map(TestCa::acceptor);
        let scheme = if acceptor.is_some() { "https" } else { "http" };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("starting the proxy's tokio runtime");
        let thread = std::thread::Builder::new()
            .name(format!("proxy-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("registering the listener with tokio");
                    let listener = ResettableListener(listener);
                    let service = app.into_make_service_with_connect_info::<ConnHandle>();
                    match acceptor {
                        Some(acceptor) => {
                            let tls = TlsListener {
                                inner: listener,
                                acceptor,
                            };
                            let serve = axum::serve(tls, service);
                            tokio::select! {
                                result = serve => result.expect("serving HTTPS"),
                                _ = stopped => {}
                            }
                        }
                        None => {
                            let serve = axum::serve(listener, service);
                            tokio::select! {
                                result = serve => result.expect("serving HTTP"),
                                _ = stopped => {}
                            }
                        }
                    }
                });
                // Do not wait for throttled bodies still in flight.
                runtime.shutdown_background();
            })
            .expect("spawning the proxy thread");
        Self {
            addr,
            scheme,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:<port>` (`https://` when serving TLS), usable as
    /// `GOPROXY`.
    pub fn url(&self) -> String {
        self.url_for_host(&self.addr.ip().to_string())
    }

    /// The server's URL with `host` (e.g. `localhost`) for the address.
    pub fn url_for_host(&self, host: &str) -> String {
        format!("{}://{host}:{}", self.scheme, self.addr.port())
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces the faults in force (rule counters start again from zero).
    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults() = ActiveFaults::new(faults);
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.log().clone()
    }

    /// How many requests so far had a path satisfying `predicate`.
    pub fn count(&self, predicate: impl Fn(&str) -> bool) -> usize {
        self.shared
            .log()
            .iter()
            .filter(|r| predicate(&r.path))
            .count()
    }

    /// The requests so far whose path satisfies `predicate`, as `(status,
    /// body bytes)`: a `304` costs no body.
    pub fn answers(&self, predicate: impl Fn(&str) -> bool) -> Vec<(u16, u64)> {
        self.shared
            .log()
            .iter()
            .filter(|r| predicate(&r.path))
            .map(|r| (r.status, r.bytes))
            .collect()
    }

    /// Forgets the requests logged so far.
    pub fn clear_requests(&self) {
        self.shared.log().clear();
    }
}

impl ProxyServer {
    /// Stops serving: from now on connections to [`Self::url`] are
    /// refused (a dead proxy). The request log stays readable.
    pub fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // The server may already have stopped; nothing to do then.
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic on the server thread was already reported by the
            // panic hook; re-raising it inside drop could abort the process.
            let _ = thread.join();
        }
    }
}

impl Drop for ProxyServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What the log keeps of a request.
struct Request {
    method: Method,
    path: String,
    authorization: Option<String>,
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let request = Request {
        method,
        path: percent_decode(uri.path()),
        authorization: headers
            .get(header::AUTHORIZATION)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned()),
    };
    let (fault, latency, bandwidth) = {
        let mut active = shared.faults();
        let fault = active.take(&request.path);
        (fault, active.faults.latency, active.faults.bandwidth)
    };
    let delay = match &fault {
        Some(Fault::Delay(extra)) => latency + *extra,
        _ => latency,
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match fault {
        Some(Fault::Reset) => {
            conn.reset();
            shared.record(&request, 0, 0);
            text(StatusCode::INTERNAL_SERVER_ERROR, "reset\n")
        }
        Some(Fault::Status { code, retry_after }) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = format!("injected fault: {status}\n");
            shared.record(&request, status.as_u16(), body.len() as u64);
            let mut response = text(status, body);
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            response
        }
        Some(Fault::Redirect { to }) => {
            let location = format!("{to}{}", uri.path());
            shared.record(&request, 302, 0);
            let mut response = text(StatusCode::FOUND, "");
            if let Ok(location) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        fault => serve_file(shared, request, &headers, fault, bandwidth).await,
    }
}

async fn serve_file(
    shared: Arc<Shared>,
    request: Request,
    headers: &HeaderMap,
    fault: Option<Fault>,
    bandwidth: Option<u64>,
) -> Response {
    let (method, path) = (&request.method, &request.path);
    if method != Method::GET && method != Method::HEAD {
        shared.record(&request, 405, 0);
        return text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    }
    let opened = match resolve(&shared.root, path) {
        Some(file) => open_file(&file).await,
        None => None,
    };
    let Some((file, len, modified)) = opened else {
        let body = "not found\n";
        shared.record(&request, 404, body.len() as u64);
        return text(StatusCode::NOT_FOUND, body);
    };
    let validators = Validators::of(len, modified);
    if validators.not_modified(headers) {
        shared.record(&request, 304, 0);
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        validators.insert(response.headers_mut());
        return response;
    }
    let index = shared.record(&request, 200, 0);
    let mut response = if method == Method::HEAD {
        Response::new(Body::empty())
    } else {
        let plan = BodyPlan {
            file,
            remaining: len,
            sent: 0,
            truncate_at: match fault {
                Some(Fault::Truncate { after }) => Some(after.min(len)),
                _ => None,
            },
            corrupt_at: match fault {
                Some(Fault::Corrupt { offset }) if len > 0 => Some(offset.min(len - 1)),
                _ => None,
            },
            bandwidth,
            started: tokio::time::Instant::now(),
            shared,
            index,
        };
        Response::new(Body::from_stream(plan.into_stream()))
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    validators.insert(headers);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    response
}

/// How a file body is sent.
struct BodyPlan {
    file: tokio::fs::File,
    remaining: u64,
    sent: u64,
    truncate_at: Option<u64>,
    corrupt_at: Option<u64>,
    bandwidth: Option<u64>,
    started: tokio::time::Instant,
    shared: Arc<Shared>,
    index: usize,
}

impl BodyPlan {
    fn into_stream(self) -> impl futures::Stream<Item = std::io::Result<Bytes>> + Send {
        futures::stream::try_unfold(self, |mut plan| async move {
            match plan.next_chunk().await? {
                Some(chunk) => Ok(Some((chunk, plan))),
                None => Ok(None),
            }
        })
    }

    /// The next chunk, `None` at the end, or an error that makes hyper drop
    /// the connection (for truncation).
    async fn next_chunk(&mut self) -> std::io::Result<Option<Bytes>> {
        if self.truncate_at == Some(self.sent) {
            // Pending for a moment lets hyper flush what was sent before the
            // error makes it drop the connection.
            tokio::time::sleep(Duration::from_millis(100)).await;
            return Err(std::io::Error::other("body truncated by fault rule"));
        }
        if self.remaining == 0 {
            return Ok(None);
        }
        let mut size = self.remaining.min(CHUNK);
        if let Some(limit) = self.bandwidth {
            size = size.min((limit / 10).clamp(1, CHUNK));
        }
        if let Some(at) = self.truncate_at {
            size = size.min(at - self.sent);
        }
        let mut buf = vec![0; usize::try_from(size).expect("a chunk fits in memory")];
        self.file.read_exact(&mut buf).await?;
        if let Some(at) = self
            .corrupt_at
            .filter(|at| (self.sent..self.sent + size).contains(at))
        {
            let at = usize::try_from(at - self.sent).expect("offset within the chunk");
            buf[at] = !buf[at];
        }
        self.sent += size;
        self.remaining -= size;
        if let Some(limit) = self.bandwidth.filter(|&limit| limit > 0) {
            let due = Duration::from_secs_f64(self.sent as f64 / limit as f64);
            tokio::time::sleep_until(self.started + due).await;
        }
        if let Some(record) = self.shared.log().get_mut(self.index) {
            record.bytes = self.sent;
        }
        Ok(Some(Bytes::from(buf)))
    }
}

/// The file under `root` for a URL path, refusing anything but plain
/// path components.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let relative = Path::new(path.strip_prefix('/')?);
    relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| root.join(relative))
}

async fn open_file(path: &Path) -> Option<(tokio::fs::File, u64, SystemTime)> {
    let file = tokio::fs::File::open(path).await.ok()?;
    let meta = file.metadata().await.ok()?;
    let len = meta.len();
    let modified = meta.modified().ok()?;
    meta.is_file().then_some((file, len, modified))
}

/// A file's `ETag` (its size and modification time) and `Last-Modified`.
struct Validators {
    etag: String,
    last_modified: String,
    modified: SystemTime,
}

impl Validators {
    fn of(len: u64, modified: SystemTime) -> Self {
        let nanos = modified
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        Self {
            etag: format!("\"{len:x}-{nanos:x}\""),
            last_modified: httpdate::fmt_http_date(modified),
            modified,
        }
    }

    /// Whether the request's conditions say the client's copy is current:
    /// `If-None-Match` decides when present, else `If-Modified-Since`
    /// (whole seconds, as HTTP dates are).
    fn not_modified(&self, request: &HeaderMap) -> bool {
        let header = |name| request.get(name).and_then(|v| v.to_str().ok());
        if let Some(tags) = header(header::IF_NONE_MATCH) {
            return tags.split(',').any(|tag| tag.trim() == self.etag);
        }
        let Some(since) =
            header(header::IF_MODIFIED_SINCE).and_then(|v| httpdate::parse_http_date(v).ok())
        else {
            return false;
        };
        let whole = |t: SystemTime| {
            t.duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs()
        };
        whole(self.modified) <= whole(since)
    }

    fn insert(&self, headers: &mut HeaderMap) {
        for (name, value) in [
            (header::ETAG, &self.etag),
            (header::LAST_MODIFIED, &self.last_modified),
        ] {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(name, value);
            }
        }
    }
}

fn content_type(path: &str) -> &'static str {
    if path.ends_with(".zip") {
        "application/zip"
    } else if path.ends_with(".info") || path.ends_with("/@latest") {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    }
}

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    let mut response = Response::new(Body::from(body.into()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Decodes `%XX` escapes; invalid escapes stay as they are.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) if bytes[i] == b'%' => {
                out.push(byte);
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(
            percent_decode("/a%21b/%2Bincompatible"),
            "/a!b/+incompatible"
        );
        assert_eq!(percent_decode("/bad%zz%4%+1"), "/bad%zz%4%+1");
    }

    #[test]
    fn resolve_refuses_escapes() {
        let root = Path::new("/srv");
        assert_eq!(
            resolve(root, "/a/@v/list"),
            Some(PathBuf::from("/srv/a/@v/list"))
        );
        assert_eq!(resolve(root, "/a/../../etc/passwd"), None);
        assert_eq!(resolve(root, "relative"), None);
    }
}
