//! Responses: a resource (bytes, or a file of the store) answered with its
//! validators, conditional requests (`If-None-Match`, `If-Modified-Since`
//! → `304`) and single byte ranges (`Range`, `If-Range` → `206`/`416`).
//! Error answers are `text/plain`, which go shows to its user.

use std::io::SeekFrom;
use std::path::PathBuf;
use std::time::SystemTime;

use bytes::Bytes;
use futures::TryStreamExt as _;
use http::header::{
    ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, HeaderMap, HeaderValue,
    IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, LAST_MODIFIED, RANGE,
};
use http::{Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt as _, Full, StreamBody};
use hyper::body::Frame;
use sha2::{Digest as _, Sha256};
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};

/// The body of every response.
pub type Body = BoxBody<Bytes, std::io::Error>;

/// What a resource's bytes are.
#[derive(Debug)]
pub(crate) enum Content {
    /// Small answers, in memory.
    Bytes(Bytes),
    /// A file (a zip), streamed.
    File {
        /// Where it is.
        path: PathBuf,
        /// Its size.
        size: u64,
    },
}

impl Content {
    fn len(&self) -> u64 {
        match self {
            Content::Bytes(bytes) => bytes.len() as u64,
            Content::File { size, .. } => *size,
        }
    }
}

/// A resource to answer with.
#[derive(Debug)]
pub(crate) struct Resource {
    /// The bytes.
    pub content: Content,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// A strong validator derived from the content (quoted).
    pub etag: String,
    /// When the content was stored, for immutable artifacts.
    pub last_modified: Option<SystemTime>,
}

impl Resource {
    /// In-memory content; its ETag is its SHA-256.
    pub(crate) fn bytes(content: impl Into<Bytes>, content_type: &'static str) -> Self {
        let content = content.into();
        let etag = format!("\"{}\"", hex::encode(Sha256::digest(&content)));
        Self {
            content: Content::Bytes(content),
            content_type,
            etag,
            last_modified: None,
        }
    }
}

/// An answer and the number of body bytes it sends.
pub(crate) struct Answer {
    /// The response.
    pub response: Response<Body>,
    /// Its body's length.
    pub bytes: u64,
}

/// A `text/plain` answer (errors go shows as `server response:`).
pub(crate) fn text(status: StatusCode, message: &str) -> Answer {
    let mut body = message.trim_end().to_owned();
    body.push('\n');
    let bytes = body.len() as u64;
    let mut response = Response::new(full(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Answer { response, bytes }
}

/// Answers `request` (its headers) with `resource`.
pub(crate) async fn respond(resource: Resource, request: &HeaderMap) -> Answer {
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(resource.content_type),
    );
    if let Ok(etag) = HeaderValue::from_str(&resource.etag) {
        headers.insert(ETAG, etag);
    }
    if let Some(time) = resource.last_modified
        && let Ok(value) = HeaderValue::from_str(&httpdate::fmt_http_date(time))
    {
        headers.insert(LAST_MODIFIED, value);
    }
    headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if not_modified(&resource, request) {
        return with_headers(StatusCode::NOT_MODIFIED, headers, empty(), 0);
    }
    let size = resource.content.len();
    let range = match requested_range(&resource, request, size) {
        Ok(range) => range,
        Err(()) => {
            let mut answer = text(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "requested range not satisfiable",
            );
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                answer.response.headers_mut().insert(CONTENT_RANGE, value);
            }
            return answer;
        }
    };
    let (status, start, len) = match range {
        Some((start, end)) => {
            let value = format!("bytes {start}-{end}/{size}");
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(CONTENT_RANGE, value);
            }
            (StatusCode::PARTIAL_CONTENT, start, end + 1 - start)
        }
        None => (StatusCode::OK, 0, size),
    };
    let body = match resource.content {
        Content::Bytes(bytes) => {
            // Both bounds are within the content: checked by requested_range.
            let (start, end) = (start as usize, (start + len) as usize);
            full(bytes.slice(start..end))
        }
        Content::File { path, .. } => match file_body(&path, start, len).await {
            Ok(body) => body,
            Err(err) => {
                return text(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &format!("reading {}: {err}", path.display()),
                );
            }
        },
    };
    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    with_headers(status, headers, body, len)
}

fn with_headers(status: StatusCode, headers: HeaderMap, body: Body, bytes: u64) -> Answer {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    Answer { response, bytes }
}

/// RFC 9110 §13.2.2: `If-None-Match` decides when present, else
/// `If-Modified-Since` (whole seconds).
fn not_modified(resource: &Resource, request: &HeaderMap) -> bool {
    if let Some(tags) = request.get(IF_NONE_MATCH) {
        let tags = tags.to_str().unwrap_or_default();
        return tags
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == resource.etag);
    }
    let since = request
        .get(IF_MODIFIED_SINCE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| httpdate::parse_http_date(value).ok());
    match (since, resource.last_modified) {
        (Some(since), Some(modified)) => {
            let seconds = |t: SystemTime| {
                t.duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs())
            };
            seconds(modified) <= seconds(since)
        }
        _ => false,
    }
}

/// The one byte range asked for, inclusive: `None` for the whole content
/// (no `Range`, several ranges, a syntax this does not parse, or an
/// `If-Range` that no longer matches); `Err` when unsatisfiable.
fn requested_range(
    resource: &Resource,
    request: &HeaderMap,
    size: u64,
) -> Result<Option<(u64, u64)>, ()> {
    let Some(range) = request.get(RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    if let Some(condition) = request.get(IF_RANGE)
        && condition.to_str().ok() != Some(resource.etag.as_str())
    {
        return Ok(None);
    }
    parse_range(range, size)
}

/// Parses `bytes=a-b`, `bytes=a-` or `bytes=-n` against `size`.
fn parse_range(range: &str, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let number = |text: &str| text.trim().parse::<u64>().ok();
    let (start, end) = match (first.trim().is_empty(), last.trim().is_empty()) {
        (true, false) => {
            let Some(suffix) = number(last) else {
                return Ok(None);
            };
            if suffix == 0 || size == 0 {
                return Err(());
            }
            (size.saturating_sub(suffix), size - 1)
        }
        (false, _) => {
            let Some(start) = number(first) else {
                return Ok(None);
            };
            let end = if last.trim().is_empty() {
                size.saturating_sub(1)
            } else {
                match number(last) {
                    Some(end) if end >= start => end.min(size.saturating_sub(1)),
                    _ => return Ok(None),
                }
            };
            if start >= size {
                return Err(());
            }
            (start, end)
        }
        (true, true) => return Ok(None),
    };
    Ok(Some((start, end)))
}

fn full(bytes: Bytes) -> Body {
    Full::new(bytes).map_err(|never| match never {}).boxed()
}

fn empty() -> Body {
    full(Bytes::new())
}

/// `len` bytes of the file at `path` from `start`, streamed.
async fn file_body(path: &std::path::Path, start: u64, len: u64) -> std::io::Result<Body> {
    let mut file = tokio::fs::File::open(path).await?;
    if start > 0 {
        file.seek(SeekFrom::Start(start)).await?;
    }
    let stream = tokio_util::io::ReaderStream::with_capacity(file.take(len), 64 * 1024);
    Ok(StreamBody::new(stream.map_ok(Frame::data)).boxed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Ok(Some((0, 9))));
        assert_eq!(parse_range("bytes=90-", 100), Ok(Some((90, 99))));
        assert_eq!(parse_range("bytes=-10", 100), Ok(Some((90, 99))));
        assert_eq!(parse_range("bytes=-1000", 100), Ok(Some((0, 99))));
        assert_eq!(parse_range("bytes=50-1000", 100), Ok(Some((50, 99))));
        assert_eq!(parse_range("bytes=100-", 100), Err(()));
        assert_eq!(parse_range("bytes=-0", 100), Err(()));
        assert_eq!(parse_range("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(parse_range("bytes=9-1", 100), Ok(None));
        assert_eq!(parse_range("items=0-1", 100), Ok(None));
        assert_eq!(parse_range("bytes=x-1", 100), Ok(None));
    }

    #[test]
    fn conditional_requests() {
        let mut resource = Resource::bytes("v1.0.0\n", "text/plain");
        let etag = resource.etag.clone();
        let request = |name, value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(name, HeaderValue::from_str(value).unwrap());
            headers
        };
        assert!(not_modified(&resource, &request(IF_NONE_MATCH, &etag)));
        assert!(not_modified(
            &resource,
            &request(IF_NONE_MATCH, &format!("\"x\", W/{etag}"))
        ));
        assert!(!not_modified(&resource, &request(IF_NONE_MATCH, "\"x\"")));
        let now = SystemTime::now();
        resource.last_modified = Some(now - std::time::Duration::from_secs(60));
        let since = httpdate::fmt_http_date(now);
        assert!(not_modified(&resource, &request(IF_MODIFIED_SINCE, &since)));
        let before = httpdate::fmt_http_date(now - std::time::Duration::from_secs(3600));
        assert!(!not_modified(
            &resource,
            &request(IF_MODIFIED_SINCE, &before)
        ));
    }
}
