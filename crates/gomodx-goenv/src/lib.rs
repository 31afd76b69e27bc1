//! Go's environment, read the way the go command reads it.
//!
//! For every variable the process environment wins (an empty value counts
//! as unset), then the user's config file that `go env -w` writes (`GOENV`,
//! default `<user config dir>/go/env`, `GOENV=off` disables it), then the
//! defaults Go ships in `$GOROOT/go.env`. Derived values (GOPATH, GOMODCACHE,
//! GONOPROXY/GONOSUMDB defaulting to GOPRIVATE) follow `cmd/go/internal/cfg`.
//!
//! The library never reads the process environment itself: the caller hands
//! in a lookup function (the CLI passes `std::env::var`), so tests stay
//! hermetic.

mod fetch;
mod flags;

pub use fetch::{FetchEnv, parse_duration};
pub use flags::{GoFlags, split_quoted};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Defaults from `$GOROOT/go.env` of the Go release gomodx mirrors.
const GOROOT_GO_ENV: &[(&str, &str)] = &[
    ("GOPROXY", "https://proxy.golang.org,direct"),
    ("GOSUMDB", "sum.golang.org"),
    ("GOTOOLCHAIN", "auto"),
];

/// An error resolving Go's environment.
#[derive(Debug, thiserror::Error)]
pub enum GoEnvError {
    /// GOMODCACHE (or the GOPATH it derives from) is not absolute.
    #[error("GOMODCACHE entry is relative; must be absolute path: {0:?}")]
    RelativeModCache(String),
    /// Neither GOMODCACHE nor GOPATH nor HOME is set.
    #[error("GOMODCACHE is not set and cannot be derived: neither GOPATH nor HOME is set")]
    NoModCache,
    /// GOFLAGS could not be parsed.
    #[error("parsing $GOFLAGS: {0}")]
    GoFlags(String),
    /// Neither GOMODX_CACHE nor a user cache directory.
    #[error("cannot determine the user cache directory; set GOMODX_CACHE")]
    NoStoreDir,
    /// A duration that is not one (`--max-age`, `GOMODX_MAX_AGE`, …).
    #[error("{what} {text:?} is not a duration such as 30s, 10m or 2h")]
    Duration {
        /// The flag or variable.
        what: String,
        /// Its value.
        text: String,
        /// Why not.
        #[source]
        source: humantime::DurationError,
    },
    /// A variable that must be a positive number of seconds.
    #[error("{key}={text:?} is not a positive number of seconds")]
    Seconds {
        /// The variable.
        key: &'static str,
        /// Its value.
        text: String,
    },
}

/// Where a resolved value came from, for `-v` output and diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The process environment.
    Process,
    /// The `go env -w` file.
    EnvFile,
    /// Go's shipped defaults (`$GOROOT/go.env`) or a derived default.
    Default,
}

/// Go's environment: every variable gomodx cares about, resolved.
#[derive(Debug, Clone)]
pub struct GoEnv {
    values: BTreeMap<String, (String, Source)>,
    env_file: Option<PathBuf>,
}

/// The variables gomodx reads, in the order `gomodx env` prints them.
pub const VARIABLES: &[&str] = &[
    "GOAUTH",
    "GOENV",
    "GOFLAGS",
    "GOINSECURE",
    "GOMODCACHE",
    "GONOPROXY",
    "GONOSUMDB",
    "GOPATH",
    "GOPRIVATE",
    "GOPROXY",
    "GOSUMDB",
    "GOTOOLCHAIN",
    "GOWORK",
    "NETRC",
];

impl GoEnv {
    /// Resolves Go's environment.
    ///
    /// `process` looks up a process environment variable; `home` and
    /// `config_dir` are the user's home and config directories (as Go's
    /// `os.UserHomeDir`/`os.UserConfigDir`).
    pub fn resolve(
        process: impl Fn(&str) -> Option<String>,
        home: Option<&Path>,
        config_dir: Option<&Path>,
    ) -> Self {
        let process = |key: &str| process(key).filter(|value| !value.is_empty());
        let env_file = match process("GOENV") {
            Some(file) if file == "off" => None,
            Some(file) => Some(PathBuf::from(file)),
            None => config_dir.map(|dir| dir.join("go").join("env")),
        };
        let file_values = env_file
            .as_deref()
            .and_then(|file| std::fs::read(file).ok())
            .map(|data| parse_env_file(&String::from_utf8_lossy(&data)))
            .unwrap_or_default();

        let mut values = BTreeMap::new();
        for &key in VARIABLES.iter().chain(["HOME"].iter()) {
            let found = process(key)
                .map(|v| (v, Source::Process))
                .or_else(|| file_values.get(key).map(|v| (v.clone(), Source::EnvFile)))
                .or_else(|| {
                    GOROOT_GO_ENV
                        .iter()
                        .find(|(name, _)| *name == key)
                        .map(|(_, v)| ((*v).to_owned(), Source::Default))
                });
            if let Some(found) = found {
                values.insert(key.to_owned(), found);
            }
        }
        let mut env = Self { values, env_file };
        env.derive_defaults(home);
        env
    }

    /// Fills GOAUTH, GOPATH, GOMODCACHE, GONOPROXY, GONOSUMDB and NETRC
    /// defaults.
    fn derive_defaults(&mut self, home: Option<&Path>) {
        let home = self
            .values
            .get("HOME")
            .map(|(v, _)| PathBuf::from(v))
            .or_else(|| home.map(Path::to_path_buf));
        if !self.values.contains_key("GOAUTH") {
            self.set_default("GOAUTH", "netrc".to_owned());
        }
        if let (false, Some(home)) = (self.values.contains_key("GOPATH"), &home) {
            self.set_default("GOPATH", home.join("go").display().to_string());
        }
        if !self.values.contains_key("GOMODCACHE") {
            let first = self.get("GOPATH").and_then(|gopath| {
                std::env::split_paths(gopath)
                    .next()
                    .filter(|p| !p.as_os_str().is_empty())
            });
            if let Some(first) = first {
                self.set_default(
                    "GOMODCACHE",
                    first.join("pkg").join("mod").display().to_string(),
                );
            }
        }
        let private = self.get("GOPRIVATE").unwrap_or_default().to_owned();
        for key in ["GONOPROXY", "GONOSUMDB"] {
            if !self.values.contains_key(key) && !private.is_empty() {
                self.set_default(key, private.clone());
            }
        }
        if let (false, Some(home)) = (self.values.contains_key("NETRC"), &home) {
            self.set_default("NETRC", home.join(".netrc").display().to_string());
        }
        if let Some(file) = &self.env_file {
            self.values
                .entry("GOENV".to_owned())
                .or_insert_with(|| (file.display().to_string(), Source::Default));
        } else {
            self.values
                .insert("GOENV".to_owned(), ("off".to_owned(), Source::Process));
        }
    }

    fn set_default(&mut self, key: &str, value: String) {
        self.values.insert(key.to_owned(), (value, Source::Default));
    }

    /// The resolved value of `key`, or `None` when unset.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .map(|(v, _)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// The resolved value of `key` and where it came from.
    pub fn get_with_source(&self, key: &str) -> Option<(&str, Source)> {
        self.values.get(key).map(|(v, s)| (v.as_str(), *s))
    }

    /// The module cache directory, which Go requires to be absolute.
    pub fn mod_cache(&self) -> Result<PathBuf, GoEnvError> {
        let dir = self.get("GOMODCACHE").ok_or(GoEnvError::NoModCache)?;
        let path = PathBuf::from(dir);
        if path.is_absolute() {
            Ok(path)
        } else {
            Err(GoEnvError::RelativeModCache(dir.to_owned()))
        }
    }

    /// GOFLAGS, parsed.
    pub fn go_flags(&self) -> Result<GoFlags, GoEnvError> {
        GoFlags::parse(self.get("GOFLAGS").unwrap_or_default())
    }
}

/// Parses a `go env -w` file: `KEY=VALUE` lines; lines without `=` or not
/// starting with an upper-case letter are ignored, as Go ignores them.
fn parse_env_file(text: &str) -> BTreeMap<String, String> {
    text.split('\n')
        .filter(|line| line.as_bytes().first().is_some_and(u8::is_ascii_uppercase))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn resolve(vars: &[(&str, &str)], home: &str, config: Option<&Path>) -> GoEnv {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        GoEnv::resolve(|k| vars.get(k).cloned(), Some(Path::new(home)), config)
    }

    #[test]
    fn defaults_follow_go() {
        let env = resolve(&[("GOENV", "off")], "/home/u", None);
        assert_eq!(env.get("GOPROXY"), Some("https://proxy.golang.org,direct"));
        assert_eq!(env.get("GOSUMDB"), Some("sum.golang.org"));
        assert_eq!(env.get("GOPATH"), Some("/home/u/go"));
        assert_eq!(
            env.mod_cache().unwrap(),
            PathBuf::from("/home/u/go/pkg/mod")
        );
        assert_eq!(env.get("NETRC"), Some("/home/u/.netrc"));
        assert_eq!(env.get("GONOPROXY"), None);
    }

    #[test]
    fn process_wins_over_file_and_empty_is_unset() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("go")).unwrap();
        std::fs::write(
            dir.path().join("go/env"),
            "GOPROXY=file:///from-file\nGOPRIVATE=*.corp\n# comment=x\nbogus\n",
        )
        .unwrap();
        let env = resolve(&[("GOPROXY", "")], "/h", Some(dir.path()));
        assert_eq!(
            env.get_with_source("GOPROXY"),
            Some(("file:///from-file", Source::EnvFile))
        );
        assert_eq!(env.get("GONOPROXY"), Some("*.corp"));
        assert_eq!(env.get("GONOSUMDB"), Some("*.corp"));
        let env = resolve(&[("GOPROXY", "off")], "/h", Some(dir.path()));
        assert_eq!(
            env.get_with_source("GOPROXY"),
            Some(("off", Source::Process))
        );
    }

    #[test]
    fn gomodcache_from_first_gopath_entry_and_must_be_absolute() {
        let env = resolve(&[("GOENV", "off"), ("GOPATH", "/a:/b")], "/h", None);
        assert_eq!(env.mod_cache().unwrap(), PathBuf::from("/a/pkg/mod"));
        let env = resolve(&[("GOENV", "off"), ("GOMODCACHE", "rel")], "/h", None);
        assert_eq!(
            env.mod_cache().unwrap_err().to_string(),
            "GOMODCACHE entry is relative; must be absolute path: \"rel\""
        );
    }
}
