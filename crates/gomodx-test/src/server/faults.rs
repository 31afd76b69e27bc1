//! Fault plans for [`super::ProxyServer`]: latency, bandwidth, and rules that
//! misbehave for matching request paths.

use std::time::Duration;

/// What the server does besides serving files.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Delay before answering every request.
    pub latency: Duration,
    /// Cap on body bytes per second for each response. An HTTP/1.1
    /// connection carries one response at a time, so this caps each
    /// connection.
    pub bandwidth: Option<u64>,
    /// Rules, tried in order; the first that matches and has budget left
    /// applies to the request.
    pub rules: Vec<FaultRule>,
}

impl Faults {
    /// No faults: serve files as they are.
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds a rule.
    pub fn rule(mut self, rule: FaultRule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Sets the per-request latency.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Sets the bandwidth cap in bytes per second.
    pub fn bandwidth(mut self, bytes_per_second: u64) -> Self {
        self.bandwidth = Some(bytes_per_second);
        self
    }
}

/// Which request paths (URL paths, percent-decoded) a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathMatch {
    /// Every path.
    Any,
    /// Paths containing the text.
    Contains(String),
    /// Paths ending with the text.
    Suffix(String),
    /// Exactly this path (starting with `/`).
    Exact(String),
}

impl PathMatch {
    /// Whether `path` matches.
    pub fn matches(&self, path: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Contains(text) => path.contains(text.as_str()),
            Self::Suffix(text) => path.ends_with(text.as_str()),
            Self::Exact(text) => path == text,
        }
    }
}

/// One way to misbehave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and a short `text/plain` body, plus
    /// `Retry-After: <seconds>` when given (e.g. 429 or 503).
    Status {
        /// The HTTP status code.
        code: u16,
        /// `Retry-After` in seconds.
        retry_after: Option<u64>,
    },
    /// Announce the full `Content-Length`, send only the first `after` bytes,
    /// then drop the connection.
    Truncate {
        /// Bytes sent before the connection drops.
        after: u64,
    },
    /// Serve the file with the byte at `offset` (or the last byte, for a
    /// shorter file) inverted; length and headers stay correct.
    Corrupt {
        /// Offset of the byte to invert.
        offset: u64,
    },
    /// Close the connection with a TCP reset before sending any response.
    Reset,
    /// Wait this long (on top of the global latency), then answer normally.
    Delay(Duration),
    /// Answer `302 Found` with `Location: <to><request path>`.
    Redirect {
        /// The scheme and authority to send the client to.
        to: String,
    },
}

/// A fault applied to matching requests, optionally only a number of times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// Which paths it applies to.
    pub matcher: PathMatch,
    /// How many matching requests it applies to (`None`: all of them).
    pub times: Option<u32>,
    /// What happens.
    pub fault: Fault,
}

impl FaultRule {
    /// A rule applying `fault` to every request matching `matcher`.
    pub fn new(matcher: PathMatch, fault: Fault) -> Self {
        Self {
            matcher,
            times: None,
            fault,
        }
    }

    /// Limits the rule to the first `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }
}

/// Faults in force, with how often each rule has fired.
#[derive(Debug, Default)]
pub(super) struct ActiveFaults {
    pub(super) faults: Faults,
    hits: Vec<u32>,
}

impl ActiveFaults {
    pub(super) fn new(faults: Faults) -> Self {
        let hits = vec![0; faults.rules.len()];
        Self { faults, hits }
    }

    /// The fault for a request to `path`, counting it against its rule.
    pub(super) fn take(&mut self, path: &str) -> Option<Fault> {
        let (index, rule) = self.faults.rules.iter().enumerate().find(|(index, rule)| {
            rule.matcher.matches(path) && rule.times.is_none_or(|n| self.hits[*index] < n)
        })?;
        self.hits[index] += 1;
        Some(rule.fault.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_fire_in_order_within_budget() {
        let faults = Faults::none()
            .rule(
                FaultRule::new(
                    PathMatch::Suffix(".zip".into()),
                    Fault::Status {
                        code: 500,
                        retry_after: None,
                    },
                )
                .times(2),
            )
            .rule(FaultRule::new(
                PathMatch::Contains("@v".into()),
                Fault::Reset,
            ));
        let mut active = ActiveFaults::new(faults);
        let status = Some(Fault::Status {
            code: 500,
            retry_after: None,
        });
        assert_eq!(active.take("/m/@v/v1.0.0.zip"), status);
        assert_eq!(active.take("/m/@v/list"), Some(Fault::Reset));
        assert_eq!(active.take("/m/@v/v1.0.0.zip"), status);
        assert_eq!(active.take("/m/@v/v1.0.0.zip"), Some(Fault::Reset));
        assert_eq!(active.take("/m/@latest"), None);
    }

    #[test]
    fn matchers() {
        assert!(PathMatch::Any.matches("/x"));
        assert!(PathMatch::Exact("/a/@v/list".into()).matches("/a/@v/list"));
        assert!(!PathMatch::Exact("/a/@v/list".into()).matches("/b/a/@v/list"));
        assert!(PathMatch::Suffix(".mod".into()).matches("/a/@v/v1.mod"));
        assert!(!PathMatch::Contains("zip".into()).matches("/a/@v/v1.mod"));
    }
}
