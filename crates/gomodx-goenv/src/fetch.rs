//! What fetching modules needs of the environment beyond [`GoEnv`]'s
//! variables: gomodx's own variables, and Go's proxy and checksum
//! settings in plain form.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{GoEnv, GoEnvError};

/// The fetch settings, resolved once per command.
#[derive(Debug, Clone)]
pub struct FetchEnv {
    /// gomodx's store: `GOMODX_CACHE`, else `<user cache dir>/gomodx`.
    pub store_dir: PathBuf,
    /// `GOPROXY`.
    pub goproxy: String,
    /// `GONOPROXY` (default `GOPRIVATE`).
    pub gonoproxy: String,
    /// `GOSUMDB` (`off` disables it).
    pub gosumdb: String,
    /// `GONOSUMDB` (default `GOPRIVATE`).
    pub gonosumdb: String,
    /// `$GOPATH/pkg/sumdb` of the first GOPATH entry, where go keeps each
    /// checksum database's latest tree (`None` without GOPATH).
    pub sumdb_dir: Option<PathBuf>,
    /// The content of the netrc file (`NETRC`, default `~/.netrc`), if any.
    pub netrc: String,
    /// `GOAUTH` (default `netrc`).
    pub goauth: String,
    /// `GOPRIVATE`, for direct mode.
    pub goprivate: String,
    /// `GOINSECURE`, for direct mode.
    pub goinsecure: String,
    /// `GOVCS`, which go reads from the process environment only.
    pub govcs: String,
    /// `GOMODX_HTTP_TIMEOUT` (seconds): the connect and read timeout.
    pub http_timeout: Option<Duration>,
    /// `GOMODX_HTTP_DEADLINE` (seconds): the limit for one whole request.
    pub http_deadline: Option<Duration>,
    /// `GOMODX_TEST_NO_RETRY_DELAY=1`: retry at once (tests).
    pub no_retry_delay: bool,
}

impl FetchEnv {
    /// Resolves the settings from `go_env` and the process variables
    /// `var` gives; a relative `GOMODX_CACHE` is taken from `working_dir`.
    pub fn resolve(
        go_env: &GoEnv,
        var: impl Fn(&str) -> Option<String>,
        working_dir: &Path,
        user_cache_dir: Option<&Path>,
    ) -> Result<Self, GoEnvError> {
        let var = |key: &str| var(key).filter(|value| !value.is_empty());
        let go = |key: &str| go_env.get(key).unwrap_or_default().to_owned();
        let store_dir = match var("GOMODX_CACHE") {
            Some(dir) => working_dir.join(dir),
            None => user_cache_dir.ok_or(GoEnvError::NoStoreDir)?.join("gomodx"),
        };
        let seconds = |key: &'static str| {
            var(key)
                .map(|text| {
                    text.parse::<f64>()
                        .ok()
                        .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
                        .map(Duration::from_secs_f64)
                        .ok_or(GoEnvError::Seconds { key, text })
                })
                .transpose()
        };
        let netrc = go_env
            .get("NETRC")
            .and_then(|file| std::fs::read(file).ok())
            .map(|data| String::from_utf8_lossy(&data).into_owned())
            .unwrap_or_default();
        Ok(Self {
            store_dir,
            goproxy: go("GOPROXY"),
            gonoproxy: go("GONOPROXY"),
            gosumdb: go("GOSUMDB"),
            gonosumdb: go("GONOSUMDB"),
            sumdb_dir: std::env::split_paths(&go("GOPATH"))
                .next()
                .filter(|dir| !dir.as_os_str().is_empty())
                .map(|dir| dir.join("pkg/sumdb")),
            netrc,
            goauth: go("GOAUTH"),
            goprivate: go("GOPRIVATE"),
            goinsecure: go("GOINSECURE"),
            govcs: var("GOVCS").unwrap_or_default(),
            http_timeout: seconds("GOMODX_HTTP_TIMEOUT")?,
            http_deadline: seconds("GOMODX_HTTP_DEADLINE")?,
            no_retry_delay: var("GOMODX_TEST_NO_RETRY_DELAY").is_some_and(|v| v != "0"),
        })
    }
}

/// A duration such as `0`, `30s`, `10m`, `1h 30m`, given as `what`
/// (a flag or variable).
pub fn parse_duration(what: &str, text: &str) -> Result<Duration, GoEnvError> {
    if text.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(text.trim()).map_err(|source| GoEnvError::Duration {
        what: what.to_owned(),
        text: text.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_dir_and_timeouts_come_from_gomodx_variables() {
        let go_env = GoEnv::resolve(|_| None, None, None);
        let var = |key: &str| match key {
            "GOMODX_CACHE" => Some("store".to_owned()),
            "GOMODX_HTTP_TIMEOUT" => Some("2.5".to_owned()),
            _ => None,
        };
        let env = FetchEnv::resolve(&go_env, var, Path::new("/w"), None).unwrap();
        assert_eq!(env.store_dir, Path::new("/w/store"));
        assert_eq!(env.http_timeout, Some(Duration::from_millis(2500)));
        assert_eq!(env.http_deadline, None);
        let bad = |key: &str| (key == "GOMODX_HTTP_DEADLINE").then(|| "-1".to_owned());
        let err = FetchEnv::resolve(&go_env, bad, Path::new("/w"), Some(Path::new("/c")));
        assert_eq!(
            err.unwrap_err().to_string(),
            "GOMODX_HTTP_DEADLINE=\"-1\" is not a positive number of seconds"
        );
        assert!(FetchEnv::resolve(&go_env, |_| None, Path::new("/w"), None).is_err());
    }
}
