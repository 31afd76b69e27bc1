//! The remote's URL and credentials, and the rule that credentials only
//! travel over HTTPS.

use std::fmt;
use std::net::IpAddr;

use url::Url;

use crate::error::RemoteError;
use crate::keys::Layout;

/// What the caller knows about the remote: its URL and the standard AWS
/// settings (read from `AWS_*` environment variables by the CLI).
#[derive(Clone, Default)]
pub struct RemoteConfig {
    /// `s3://bucket/prefix`, optionally with `?endpoint=URL&region=R`.
    pub url: String,
    /// `AWS_ACCESS_KEY_ID`.
    pub access_key_id: Option<String>,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: Option<String>,
    /// `AWS_SESSION_TOKEN`.
    pub session_token: Option<String>,
    /// `AWS_REGION` (or `AWS_DEFAULT_REGION`); the URL's `region=` wins.
    pub region: Option<String>,
    /// `AWS_ENDPOINT_URL`, for S3-compatible servers; the URL's
    /// `endpoint=` wins. Without one, AWS S3 itself.
    pub endpoint: Option<String>,
    /// Allow a plain-HTTP endpoint that is not loopback (credentials then
    /// travel in clear text: only for trusted networks).
    pub allow_http: bool,
}

impl fmt::Debug for RemoteConfig {
    /// Never prints a credential.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "<hidden>");
        f.debug_struct("RemoteConfig")
            .field("url", &self.url)
            .field("access_key_id", &hidden(&self.access_key_id))
            .field("secret_access_key", &hidden(&self.secret_access_key))
            .field("session_token", &hidden(&self.session_token))
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// A parsed [`RemoteConfig`]: where objects live and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) layout: Layout,
    pub(crate) endpoint: Option<String>,
    pub(crate) region: String,
    /// Whether the endpoint is plain HTTP (checked to be allowed).
    pub(crate) http: bool,
}

impl RemoteConfig {
    /// The configuration for `url`, with credentials, region and endpoint
    /// from the standard AWS variables `var` gives, and
    /// `GOMODX_REMOTE_ALLOW_HTTP`.
    pub fn from_env(url: &str, var: impl Fn(&str) -> Option<String>) -> Self {
        let var = |key: &str| var(key).filter(|value| !value.is_empty());
        Self {
            url: url.to_owned(),
            access_key_id: var("AWS_ACCESS_KEY_ID"),
            secret_access_key: var("AWS_SECRET_ACCESS_KEY"),
            session_token: var("AWS_SESSION_TOKEN"),
            region: var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")),
            endpoint: var("AWS_ENDPOINT_URL_S3").or_else(|| var("AWS_ENDPOINT_URL")),
            allow_http: var("GOMODX_REMOTE_ALLOW_HTTP").is_some_and(|v| v != "0"),
        }
    }

    /// Parses the URL and checks the endpoint's scheme.
    pub(crate) fn target(&self) -> Result<Target, RemoteError> {
        let shown = redacted(&self.url);
        let fail = |reason: String| RemoteError::Config {
            url: shown.clone(),
            reason,
        };
        let url = Url::parse(&self.url).map_err(|e| fail(format!("not a URL: {e}")))?;
        if url.scheme() != "s3" {
            return Err(fail("only s3://bucket/prefix URLs are supported".into()));
        }
        let bucket = url.host_str().unwrap_or_default();
        if bucket.is_empty() {
            return Err(fail("the URL names no bucket".into()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(fail(
                "credentials do not belong in the URL: use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                    .into(),
            ));
        }
        let (mut endpoint, mut region) = (self.endpoint.clone(), self.region.clone());
        for (name, value) in url.query_pairs() {
            match &*name {
                "endpoint" => endpoint = Some(value.into_owned()),
                "region" => region = Some(value.into_owned()),
                other => return Err(fail(format!("unknown URL parameter `{other}`"))),
            }
        }
        let endpoint = endpoint.filter(|e| !e.is_empty());
        let http = match &endpoint {
            Some(endpoint) => {
                let parsed = Url::parse(endpoint)
                    .map_err(|e| fail(format!("endpoint {endpoint}: not a URL: {e}")))?;
                match parsed.scheme() {
                    "https" => false,
                    "http" if self.allow_http || is_loopback(&parsed) => true,
                    "http" => {
                        return Err(fail(format!(
                            "endpoint {endpoint} is plain HTTP: credentials are only sent over \
                             HTTPS (loopback endpoints excepted; set GOMODX_REMOTE_ALLOW_HTTP=1 \
                             for a trusted network)"
                        )));
                    }
                    other => return Err(fail(format!("endpoint scheme `{other}` is not http(s)"))),
                }
            }
            None => false,
        };
        Ok(Target {
            layout: Layout::new(bucket, url.path()),
            endpoint,
            region: region
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| "us-east-1".to_owned()),
            http,
        })
    }
}

/// The URL as errors show it: no query, no user information.
fn redacted(url: &str) -> String {
    let url = url.split('?').next().unwrap_or_default();
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// Whether `url`'s host is this machine.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> RemoteConfig {
        RemoteConfig {
            url: url.into(),
            ..RemoteConfig::default()
        }
    }

    #[test]
    fn bucket_prefix_and_parameters() {
        let target = config("s3://team/go/cache/?endpoint=http://127.0.0.1:8333&region=eu-1")
            .target()
            .unwrap();
        assert_eq!(target.layout, Layout::new("team", "go/cache"));
        assert_eq!(target.endpoint.as_deref(), Some("http://127.0.0.1:8333"));
        assert_eq!(target.region, "eu-1");
        assert!(target.http);
        let target = config("s3://team").target().unwrap();
        assert_eq!(target.layout.url(), "s3://team");
        assert_eq!(target.region, "us-east-1");
        assert!(!target.http);
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        let mut remote = config("s3://team/p");
        remote.endpoint = Some("http://s3.internal:9000".into());
        let err = remote.target().unwrap_err().to_string();
        assert!(err.contains("only sent over HTTPS"), "{err}");
        remote.allow_http = true;
        assert!(remote.target().unwrap().http);
        for local in ["http://localhost:9000", "http://[::1]:9000"] {
            let mut remote = config("s3://team/p");
            remote.endpoint = Some(local.into());
            assert!(remote.target().unwrap().http, "{local}");
        }
        remote.endpoint = Some("https://s3.internal".into());
        remote.allow_http = false;
        assert!(!remote.target().unwrap().http);
    }

    #[test]
    fn bad_urls_are_refused_without_echoing_secrets() {
        for (url, reason) in [
            ("https://team/p", "only s3://"),
            ("s3:///p", "no bucket"),
            ("s3://team/p?acl=public", "unknown URL parameter `acl`"),
        ] {
            let err = config(url).target().unwrap_err().to_string();
            assert!(err.contains(reason), "{url}: {err}");
        }
        let err = config("s3://AKIA:topsecret@team/p")
            .target()
            .unwrap_err()
            .to_string();
        assert!(!err.contains("topsecret"), "{err}");
        let mut with_secret = config("s3://team/p");
        with_secret.secret_access_key = Some("topsecret".into());
        assert!(!format!("{with_secret:?}").contains("topsecret"));
    }
}
