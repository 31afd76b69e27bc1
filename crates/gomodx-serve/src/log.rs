//! Request logs: one `key=value` line per request.

use std::fmt;
use std::time::Duration;

/// Where an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The store alone: no upstream request.
    Store,
    /// At least one upstream request was made to answer it.
    Upstream,
}

/// One answered request. Credentials and query strings are never part of
/// it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLog {
    /// The HTTP method.
    pub method: String,
    /// The request path, as sent (still escaped).
    pub path: String,
    /// The status answered.
    pub status: u16,
    /// The body bytes answered.
    pub bytes: u64,
    /// How long answering took (until the response headers).
    pub elapsed: Duration,
    /// Whether the upstream was asked.
    pub source: Source,
}

/// The longest path logged; longer ones are cut (hostile clients send
/// megabytes).
const MAX_PATH: usize = 512;

impl fmt::Display for RequestLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = match self.path.char_indices().nth(MAX_PATH) {
            Some((cut, _)) => format!("{}…", &self.path[..cut]),
            None => self.path.clone(),
        };
        write!(
            f,
            "method={} path={path} status={} bytes={} ms={} source={}",
            self.method,
            self.status,
            self.bytes,
            self.elapsed.as_millis(),
            match self.source {
                Source::Store => "store",
                Source::Upstream => "upstream",
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_of_fields() {
        let log = RequestLog {
            method: "GET".into(),
            path: "/rsc.io/quote/@v/list".into(),
            status: 200,
            bytes: 42,
            elapsed: Duration::from_millis(7),
            source: Source::Upstream,
        };
        assert_eq!(
            log.to_string(),
            "method=GET path=/rsc.io/quote/@v/list status=200 bytes=42 ms=7 source=upstream"
        );
        let long = RequestLog {
            path: "/a".repeat(1000),
            ..log
        };
        assert!(long.to_string().len() < 600);
    }
}
