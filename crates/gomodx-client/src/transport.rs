//! One resource, fetched with retries: HTTP(S) through a shared reqwest
//! client (redirects followed by hand so credentials and the https→http rule
//! are ours to enforce), `file://` straight from disk.

use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{
    AUTHORIZATION, CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    LOCATION, RETRY_AFTER,
};
use reqwest::{StatusCode, Url};

use crate::auth::{Credentials, FailedResponse};
use crate::error::FetchError;
use crate::proxy::{ProxyUrl, Resource, Target};
use crate::retry::{RetryPolicy, parse_retry_after};
use crate::sink::DownloadSink;
use crate::{Validators, detail, urls};
use gomodx_fs::os_error_text;

/// Receives `-x` style trace lines: `# get <url>` before a request and
/// `# get <url>: <status> (<secs>s)` (or `# get <url>: <error>`) after it.
pub type TraceHook = Arc<dyn Fn(&str) + Send + Sync>;

/// Go's `http.Client` follows at most 10 requests per GET.
const MAX_REQUESTS: u32 = 10;
const FILE_CHUNK: usize = 256 * 1024;
/// How much of a `file://` answer is read ahead when it is opened.
#[cfg(target_os = "linux")]
const READ_AHEAD: i64 = 16 << 20;

/// Settings the transport needs, taken from [`crate::ClientConfig`].
pub(crate) struct TransportConfig {
    pub auth: Credentials,
    pub retry: RetryPolicy,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub deadline: Duration,
    pub user_agent: String,
    pub trace: Option<TraceHook>,
}

pub(crate) struct Transport {
    /// Built on the first HTTP request: loading the system's root
    /// certificates costs milliseconds that warm, store-only runs and
    /// `file://` proxies never need.
    http: OnceLock<Result<reqwest::Client, String>>,
    config: TransportConfig,
}

/// A 200 answer whose body has not been read yet.
struct Response {
    url: String,
    body: Body,
    content_length: Option<u64>,
    received: u64,
    validators: Validators,
}

/// A fetched body's length and the validators it came with.
pub(crate) struct Fetched {
    pub len: u64,
    pub validators: Validators,
}

enum Body {
    Http(reqwest::Response),
    /// A `file://` proxy's file: opened and its first chunk read on the
    /// blocking pool (the disk may have to be waited for), the rest, read
    /// ahead by the kernel meanwhile, on the caller's thread (a blocking-pool
    /// round trip per read costs more than a read from the page cache).
    File(FileBody),
}

struct FileBody {
    file: std::fs::File,
    path: PathBuf,
    /// The bytes left by the file's size when opened: a small file is
    /// read into a buffer of its size, not a whole chunk's.
    left: u64,
    /// The first read's outcome, made when the file was opened.
    first: Option<io::Result<Option<Bytes>>>,
}

impl Transport {
    pub(crate) fn new(config: TransportConfig) -> Self {
        Transport {
            http: OnceLock::new(),
            config,
        }
    }

    /// The HTTP client, built on first use.
    fn http(&self) -> Result<&reqwest::Client, String> {
        let config = &self.config;
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .user_agent(config.user_agent.clone())
                    .connect_timeout(config.connect_timeout)
                    .read_timeout(config.read_timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .http2_adaptive_window(true)
                    .build()
                    .map_err(|e| format!("setting up the HTTP client: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Fetches `resource` into `sink`, retrying spurious failures from
    /// scratch. `limit` caps the body size. Returns the body length and
    /// validators, or the last error and how many requests were made (a
    /// `304` to the resource's held validators is a `Status` error).
    pub(crate) async fn fetch<S: DownloadSink>(
        &self,
        proxy: &ProxyUrl,
        resource: &Resource,
        sink: &mut S,
        limit: Option<u64>,
    ) -> Result<Fetched, (FetchError, u32)> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let attempt = self.attempt(proxy, resource, sink, limit);
            let result = tokio::time::timeout(self.config.deadline, attempt)
                .await
                .unwrap_or_else(|_| {
                    // A body trickling in never trips the read timeout;
                    // this does, and retrying would only trickle again.
                    let cause = format!(
                        "request deadline of {}s exceeded",
                        self.config.deadline.as_secs_f64()
                    );
                    Err(FetchError::Read {
                        url: resource.display.clone(),
                        cause,
                        spurious: false,
                    })
                });
            match result {
                Ok(len) => return Ok(len),
                Err(e) if e.is_spurious() && attempts <= self.config.retry.max_retries => {
                    let delay = self.config.retry.delay(attempts, e.retry_after());
                    tokio::time::sleep(delay).await;
                }
                Err(e) => return Err((e, attempts)),
            }
        }
    }

    async fn attempt<S: DownloadSink>(
        &self,
        proxy: &ProxyUrl,
        resource: &Resource,
        sink: &mut S,
        limit: Option<u64>,
    ) -> Result<Fetched, FetchError> {
        let mut response = match &resource.target {
            Target::Http(url) => self.get_http(proxy, url, resource).await?,
            Target::File(path) => {
                let (owned, display) = (path.clone(), resource.display.clone());
                tokio::task::spawn_blocking(move || get_file(owned, &display))
                    .await
                    .map_err(|e| FetchError::File {
                        path: path.clone(),
                        cause: e.to_string(),
                    })??
            }
        };
        let too_large = |n: u64| limit.is_some_and(|limit| n > limit);
        if response.content_length.is_some_and(too_large) {
            return Err(FetchError::TooLarge);
        }
        let sink_error = |cause| FetchError::Sink { cause };
        sink.start(response.content_length)
            .await
            .map_err(sink_error)?;
        while let Some(chunk) = response.chunk(self.config.read_timeout).await? {
            if too_large(response.received) {
                return Err(FetchError::TooLarge);
            }
            sink.write(chunk).await.map_err(sink_error)?;
        }
        Ok(Fetched {
            len: response.received,
            validators: response.validators,
        })
    }

    fn trace(&self, line: &str) {
        if let Some(trace) = &self.config.trace {
            trace(line);
        }
    }

    async fn get_http(
        &self,
        proxy: &ProxyUrl,
        first: &Url,
        resource: &Resource,
    ) -> Result<Response, FetchError> {
        let display = resource.display.as_str();
        let start = Instant::now();
        self.trace(&format!("# get {display}"));
        let held = resource.held.as_ref();
        let response = match self.follow_redirects(proxy, first, display, held).await {
            Ok(response) => response,
            Err(e) => {
                self.trace(&format!("# get {display}: {e}"));
                return Err(e);
            }
        };
        let status = response.status();
        let status_line = status_line(status);
        self.trace(&format!(
            "# get {display}: {status_line} ({:.3}s)",
            start.elapsed().as_secs_f64()
        ));
        if status == StatusCode::OK {
            let content_length = response.content_length();
            let header = |name| {
                let value = response.headers().get(name)?.to_str().ok()?;
                Some(value.to_owned())
            };
            let validators = Validators {
                etag: header(ETAG),
                last_modified: header(LAST_MODIFIED),
            };
            return Ok(Response {
                url: display.to_owned(),
                body: Body::Http(response),
                content_length,
                received: 0,
                validators,
            });
        }
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let plain = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(detail::is_plain_text);
        let detail = if plain {
            detail::format(&read_prefix(response).await)
        } else {
            String::new()
        };
        Err(FetchError::Status {
            url: display.to_owned(),
            status: status_line,
            code: status.as_u16(),
            detail,
            file_error: None,
            retry_after,
        })
    }

    /// Sends the GET with Go's credential rules: over HTTPS the GOAUTH
    /// headers of the first URL (else its user info), once more with fresh
    /// ones after a 4xx when GOAUTH has commands; over plain HTTP none, and
    /// user info in the URL is refused. Every request carries the `held`
    /// validators.
    async fn follow_redirects(
        &self,
        proxy: &ProxyUrl,
        first: &Url,
        display: &str,
        held: Option<&Validators>,
    ) -> Result<reqwest::Response, FetchError> {
        let user_info = proxy.credentials();
        if first.scheme() != "https" {
            if user_info.is_some() {
                return Err(FetchError::Refused(format!(
                    "refusing to pass credentials to insecure URL: {display}"
                )));
            }
            return self
                .send(first, display, &HeaderMap::new(), None, held)
                .await;
        }
        let log = self.config.trace.as_deref();
        let auth = self.config.auth.auth();
        // Go keys credentials by the URL with its user info, which no
        // stored prefix matches: user info replaces them.
        let headers = auth
            .headers(first, log)
            .await
            .map_err(FetchError::Refused)?;
        let headers = if user_info.is_some() {
            HeaderMap::new()
        } else {
            headers
        };
        let response = self.send(first, display, &headers, user_info, held).await?;
        if !response.status().is_client_error() || !auth.retries_after_4xx() || user_info.is_some()
        {
            return Ok(response);
        }
        let failed = FailedResponse::of(&response);
        let headers = auth
            .headers_after(first, &failed, log)
            .await
            .map_err(FetchError::Refused)?;
        let check_git_fills = async {
            if let Ok(http) = self.http() {
                for fill in auth.take_git_fills() {
                    crate::gitcheck::update_git_credential_helper(http, fill).await;
                }
            }
        };
        let (response, ()) = tokio::join!(
            self.send(first, display, &headers, None, held),
            check_git_fills
        );
        response
    }

    /// Sends one GET, following up to 10 redirects. Every hop gets the
    /// first request's `headers` (GOAUTH's) until one leaves the first
    /// request's host and its subdomains, as Go's HTTP client does, and the
    /// `user_info` while redirects stay relative; no hop asks GOAUTH again.
    async fn send(
        &self,
        first: &Url,
        display: &str,
        headers: &HeaderMap,
        user_info: Option<&(String, String)>,
        held: Option<&Validators>,
    ) -> Result<reqwest::Response, FetchError> {
        let fail = |cause: String, spurious: bool| FetchError::Request {
            url: display.to_owned(),
            cause,
            spurious,
            unreachable: false,
        };
        let mut url = first.clone();
        let mut user_info = user_info;
        let mut same_site = true;
        let mut requests = 0;
        loop {
            requests += 1;
            let http = self.http().map_err(|cause| fail(cause, false))?;
            let mut request = http.get(url.clone());
            let headers = if same_site {
                headers.clone()
            } else {
                HeaderMap::new()
            };
            if let Some((user, password)) =
                user_info.filter(|_| !headers.contains_key(AUTHORIZATION))
            {
                request = request.basic_auth(user, Some(password));
            }
            if let Some(etag) = held.and_then(|h| h.etag.as_deref()) {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(since) = held.and_then(|h| h.last_modified.as_deref()) {
                request = request.header(IF_MODIFIED_SINCE, since);
            }
            let response = request.headers(headers).send().await.map_err(|e| {
                // A refused connection or a failed DNS lookup is not worth
                // a retry (go moves on at once); a timeout or reset may be.
                let unreachable = e.is_connect() && !e.is_timeout();
                FetchError::Request {
                    url: display.to_owned(),
                    spurious: !e.is_builder() && !unreachable,
                    cause: self.describe(e),
                    unreachable,
                }
            })?;
            if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
                return Ok(response);
            }
            let Some(location) = response.headers().get(LOCATION) else {
                return Ok(response);
            };
            let location = String::from_utf8_lossy(location.as_bytes());
            let next = redirect_target(first, &url, &location, requests)
                .map_err(|cause| fail(cause, false))?;
            if Url::parse(&location).is_ok() || location.starts_with("//") {
                user_info = None;
            }
            same_site = same_site && same_site_or_subdomain(first, &next);
            url = next;
        }
    }

    /// A reqwest error as text: its cause chain, without the URL (which the
    /// message carries already, redacted).
    fn describe(&self, error: reqwest::Error) -> String {
        let timeout = error.is_timeout();
        let connect = error.is_connect();
        let mut cause = chain(&error.without_url());
        if timeout {
            let (what, limit) = if connect {
                ("connect", self.config.connect_timeout)
            } else {
                ("read", self.config.read_timeout)
            };
            cause.push_str(&format!(" ({what} timeout {}s)", limit.as_secs_f64()));
        }
        cause
    }
}

impl Response {
    /// The next body chunk; `None` at the end. A body shorter than its
    /// `Content-Length` is an error.
    async fn chunk(&mut self, read_timeout: Duration) -> Result<Option<Bytes>, FetchError> {
        let read_error = |cause: String, spurious: bool| FetchError::Read {
            url: self.url.clone(),
            cause,
            spurious,
        };
        let chunk = match &mut self.body {
            Body::Http(response) => match response.chunk().await {
                Ok(chunk) => chunk,
                Err(e) if e.is_timeout() => {
                    let cause = format!("no data received for {}s", read_timeout.as_secs_f64());
                    return Err(read_error(cause, true));
                }
                Err(e) => return Err(read_error(chain(&e.without_url()), true)),
            },
            Body::File(body) => match body.next_chunk() {
                Ok(chunk) => chunk,
                Err(e) => {
                    let cause = format!("read {}: {}", body.path.display(), os_error_text(&e));
                    return Err(read_error(cause, false));
                }
            },
        };
        match chunk {
            Some(chunk) => {
                self.received += chunk.len() as u64;
                Ok(Some(chunk))
            }
            None => match self.content_length {
                Some(expected)
                    if expected != self.received && matches!(self.body, Body::Http(_)) =>
                {
                    let cause =
                        format!("unexpected EOF: got {} of {expected} bytes", self.received);
                    Err(read_error(cause, true))
                }
                _ => Ok(None),
            },
        }
    }
}

/// Where a redirect leads, or why it is refused: Go's limit of 10 requests
/// and its https→http rule. User info in a `Location` is dropped.
fn redirect_target(
    first: &Url,
    current: &Url,
    location: &str,
    requests: u32,
) -> Result<Url, String> {
    let mut next = current
        .join(location)
        .map_err(|e| format!("failed to parse Location header {location:?}: {e}"))?;
    if requests >= MAX_REQUESTS {
        return Err(format!("stopped after {MAX_REQUESTS} redirects"));
    }
    if first.scheme() == "https" && next.scheme() != "https" {
        let (from, to) = (urls::redact(current.as_str()), urls::redact(next.as_str()));
        return Err(format!(
            "redirected from secure URL {from} to insecure URL {to}"
        ));
    }
    // Only fails for URLs that cannot have user info, which then has none.
    let _ = next.set_username("");
    let _ = next.set_password(None);
    Ok(next)
}

/// Go's `shouldCopyHeaderOnRedirect`: whether `next`'s host is the first
/// request's host or a subdomain of it (where a redirect may still carry
/// the first request's credentials).
pub fn same_site_or_subdomain(first: &Url, next: &Url) -> bool {
    let (Some(parent), Some(sub)) = (first.host_str(), next.host_str()) else {
        return false;
    };
    let (parent, sub) = (parent.to_ascii_lowercase(), sub.to_ascii_lowercase());
    sub == parent || (!sub.contains([':', '%', '[']) && sub.ends_with(&format!(".{parent}")))
}

/// `200 OK`: a status code and its reason, as Go's `Response.Status`.
pub(crate) fn status_line(status: StatusCode) -> String {
    format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Unknown")
    )
}

/// A reqwest error's causes joined by `: `. reqwest's own top line
/// ("error sending request") is dropped when there is a cause below it.
fn chain(error: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        let part = e.to_string();
        if parts.last().is_none_or(|last| !last.contains(&part)) {
            parts.push(part);
        }
        source = e.source();
    }
    if parts.is_empty() {
        error.to_string()
    } else {
        parts.join(": ")
    }
}

/// Up to [`detail::READ_LIMIT`] bytes of an error body; read errors just end it.
async fn read_prefix(mut response: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < detail::READ_LIMIT {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    body.truncate(detail::READ_LIMIT);
    body
}

/// Go's `getFile`: a missing file is a 404, an unreadable one a 403, any
/// other open failure a hard error. Blocking: opens the file and reads its
/// first chunk.
fn get_file(path: PathBuf, display: &str) -> Result<Response, FetchError> {
    let status = |code: u16, status: &str, e: &io::Error| FetchError::Status {
        url: display.to_owned(),
        status: status.to_owned(),
        code,
        detail: String::new(),
        file_error: Some(os_error_text(e)),
        retry_after: None,
    };
    let file = match std::fs::File::open(&path) {
        Ok(file) => read_ahead(file),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(status(404, "Not Found", &e)),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            return Err(status(403, "Forbidden", &e));
        }
        Err(e) => {
            return Err(FetchError::File {
                cause: os_error_text(&e),
                path,
            });
        }
    };
    let left = file.metadata().map_or(FILE_CHUNK as u64, |m| m.len());
    let mut body = FileBody {
        file,
        path,
        left,
        first: None,
    };
    // Reported when the body is read, where the HTTP read errors are.
    body.first = Some(body.read_chunk());
    Ok(Response {
        url: display.to_owned(),
        body: Body::File(body),
        content_length: None,
        received: 0,
        validators: Validators::default(),
    })
}

impl FileBody {
    /// The next chunk of the file, `None` at its end.
    fn next_chunk(&mut self) -> io::Result<Option<Bytes>> {
        self.first.take().unwrap_or_else(|| self.read_chunk())
    }

    fn read_chunk(&mut self) -> io::Result<Option<Bytes>> {
        // One byte more than is left, so that the end is seen in the same
        // read (a file that grew is read on, a chunk at a time).
        let want = (FILE_CHUNK as u64).min(self.left.saturating_add(1));
        let mut buf = Vec::with_capacity(usize::try_from(want).unwrap_or(FILE_CHUNK));
        let n = self.file.by_ref().take(want).read_to_end(&mut buf)? as u64;
        self.left = self.left.saturating_sub(n);
        Ok((n > 0).then(|| Bytes::from(buf)))
    }
}

/// Asks the kernel to start reading `file` into the page cache now, so
/// the reads that follow on the caller's thread rarely wait for the disk
/// (the first [`READ_AHEAD`] bytes; sequential readahead does the rest).
#[cfg(target_os = "linux")]
fn read_ahead(file: std::fs::File) -> std::fs::File {
    use nix::fcntl::{PosixFadviseAdvice, posix_fadvise};
    // Only a hint: a failure changes nothing but speed.
    let _ = posix_fadvise(
        &file,
        0,
        READ_AHEAD,
        PosixFadviseAdvice::POSIX_FADV_WILLNEED,
    );
    file
}

#[cfg(not(target_os = "linux"))]
fn read_ahead(file: std::fs::File) -> std::fs::File {
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn redirects() {
        let first = url("https://proxy.example/m/@v/list");
        let next = redirect_target(&first, &first, "https://u:p@cdn.example/x", 1).unwrap();
        assert_eq!(
            next.as_str(),
            "https://cdn.example/x",
            "user info is dropped"
        );
        assert_eq!(
            redirect_target(&first, &first, "/y", 1).unwrap().as_str(),
            "https://proxy.example/y"
        );
        assert_eq!(
            redirect_target(
                &first,
                &url("https://u:pw@cdn.example/x"),
                "http://cdn.example/x",
                2
            )
            .unwrap_err(),
            "redirected from secure URL https://u:xxxxx@cdn.example/x to insecure URL http://cdn.example/x"
        );
        assert_eq!(
            redirect_target(&first, &first, "/y", 10).unwrap_err(),
            "stopped after 10 redirects"
        );
        let plain = url("http://proxy.example/m");
        assert!(redirect_target(&plain, &plain, "https://proxy.example/n", 1).is_ok());
        assert!(redirect_target(&plain, &plain, "http://other.example/n", 1).is_ok());
    }

    #[test]
    fn headers_stay_on_the_site() {
        let first = url("https://proxy.example:1/m");
        let same = |next: &str| same_site_or_subdomain(&first, &url(next));
        assert!(same("https://proxy.example:2/x"), "ports do not matter");
        assert!(same("https://cdn.PROXY.example/x"));
        assert!(!same("https://cdn.example/x"));
        assert!(!same("https://evilproxy.example/x"));
        assert!(!same("https://127.0.0.1/x"));
    }
}
