//! Optional client authentication: a bearer token or one basic-auth user.
//!
//! Credentials are compared in constant time (their SHA-256 digests, so
//! not even their length leaks) and never logged or echoed.

use base64::Engine as _;
use http::HeaderMap;
use http::header::AUTHORIZATION;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// Who may use the server.
#[derive(Clone)]
pub enum Auth {
    /// `Authorization: Bearer <token>`, or basic auth with the token as
    /// password and any user name (what go sends from a netrc entry).
    Token(String),
    /// `Authorization: Basic` with exactly this `user:password`.
    Basic(String),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Auth::Token(_) => "Auth::Token(<redacted>)",
            Auth::Basic(_) => "Auth::Basic(<redacted>)",
        })
    }
}

impl Auth {
    /// What `--token` or `--basic` (at most one of them) ask for: an empty
    /// token or a pair without `:` is refused.
    pub fn from_flags(token: Option<&str>, basic: Option<&str>) -> Result<Option<Self>, String> {
        match (token, basic) {
            (Some(""), _) => Err("--token (GOMODX_SERVE_TOKEN) is empty".to_owned()),
            (Some(token), _) => Ok(Some(Auth::Token(token.to_owned()))),
            (None, Some(pair)) if !pair.contains(':') => {
                Err("--basic (GOMODX_SERVE_BASIC) must be USER:PASS".to_owned())
            }
            (None, Some(pair)) => Ok(Some(Auth::Basic(pair.to_owned()))),
            (None, None) => Ok(None),
        }
    }

    /// Whether `headers` carry the expected credentials.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
            return false;
        };
        let (scheme, credentials) = value.trim().split_once(' ').unwrap_or((value, ""));
        let credentials = credentials.trim();
        match (self, scheme.to_ascii_lowercase().as_str()) {
            (Auth::Token(token), "bearer") => same(credentials.as_bytes(), token.as_bytes()),
            (Auth::Token(token), "basic") => basic(credentials)
                .and_then(|pair| {
                    let (_, password) = pair.split_once(':')?;
                    Some(same(password.as_bytes(), token.as_bytes()))
                })
                .unwrap_or(false),
            (Auth::Basic(expected), "basic") => {
                basic(credentials).is_some_and(|pair| same(pair.as_bytes(), expected.as_bytes()))
            }
            _ => false,
        }
    }

    /// The `WWW-Authenticate` challenge of a `401`.
    pub(crate) fn challenge(&self) -> &'static str {
        match self {
            Auth::Token(_) => "Bearer realm=\"gomodx\"",
            Auth::Basic(_) => "Basic realm=\"gomodx\"",
        }
    }
}

/// The decoded `user:password` of basic credentials.
fn basic(encoded: &str) -> Option<String> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    String::from_utf8(decoded).ok()
}

/// Constant-time equality of two secrets.
fn same(given: &[u8], expected: &[u8]) -> bool {
    Sha256::digest(given)
        .as_slice()
        .ct_eq(Sha256::digest(expected).as_slice())
        .into()
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    fn basic_header(pair: &str) -> HeaderMap {
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        headers(&format!("Basic {encoded}"))
    }

    #[test]
    fn token() {
        let auth = Auth::Token("s3cret".into());
        assert!(auth.allows(&headers("Bearer s3cret")));
        assert!(auth.allows(&headers("bearer s3cret")));
        assert!(auth.allows(&basic_header("anyone:s3cret")));
        assert!(!auth.allows(&headers("Bearer s3cre")));
        assert!(!auth.allows(&headers("Bearer s3cret2")));
        assert!(!auth.allows(&basic_header("s3cret:")));
        assert!(!auth.allows(&HeaderMap::new()));
        assert_eq!(format!("{auth:?}"), "Auth::Token(<redacted>)");
    }

    #[test]
    fn basic_user() {
        let auth = Auth::Basic("ci:pa:ss".into());
        assert!(auth.allows(&basic_header("ci:pa:ss")));
        assert!(!auth.allows(&basic_header("ci:pa")));
        assert!(!auth.allows(&headers("Bearer ci:pa:ss")));
        assert!(!auth.allows(&headers("Basic !!!")));
    }
}
