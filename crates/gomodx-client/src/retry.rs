//! Retry policy: bounded exponential backoff with jitter, `Retry-After`.
//!
//! The go command never retries; gomodx retries a whole fetch (body
//! included) on spurious failures only. See [`crate::FetchError::is_spurious`].

use std::time::{Duration, SystemTime};

use rand::Rng;

/// How often and how patiently a failed fetch is retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so at most `max_retries + 1` requests).
    pub max_retries: u32,
    /// The delay before the first retry; it doubles for each further retry.
    pub base_delay: Duration,
    /// Upper bound for any delay, `Retry-After` included.
    pub max_delay: Duration,
    /// Skip every sleep (tests): retries happen at once.
    pub no_delay_for_tests: bool,
}

impl Default for RetryPolicy {
    /// 3 retries, 500 ms doubling, at most 30 s.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            no_delay_for_tests: false,
        }
    }
}

impl RetryPolicy {
    /// The pause before retry number `retry` (1-based). A server's
    /// `Retry-After` replaces the backoff; both are capped at `max_delay`.
    /// The backoff is jittered to between half and all of its value.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if self.no_delay_for_tests {
            return Duration::ZERO;
        }
        if let Some(wait) = retry_after {
            return wait.min(self.max_delay);
        }
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let backoff = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let half = backoff / 2;
        half + half.mul_f64(rand::rng().random::<f64>())
    }
}

/// Parses a `Retry-After` value: delay seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        let policy = RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            no_delay_for_tests: false,
        };
        for (retry, full) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1000),
            (40, 1000),
        ] {
            let d = policy.delay(retry, None);
            let full = Duration::from_millis(full);
            assert!(d >= full / 2 && d <= full, "retry {retry}: {d:?}");
        }
    }

    #[test]
    fn retry_after_overrides_and_is_capped() {
        let policy = RetryPolicy {
            max_delay: Duration::from_secs(5),
            ..RetryPolicy::default()
        };
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(600))),
            Duration::from_secs(5)
        );
        let fast = RetryPolicy {
            no_delay_for_tests: true,
            ..policy
        };
        assert_eq!(fast.delay(3, Some(Duration::from_secs(2))), Duration::ZERO);
    }

    #[test]
    fn retry_after_forms() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }
}
