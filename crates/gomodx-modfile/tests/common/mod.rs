//! Shared helpers for the differential tests: the go.mod corpus from Go's
//! own testdata, a hermetic `go` runner and a parallel map.
#![allow(dead_code, clippy::print_stderr)]

pub mod corners;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Splits a txtar archive into `(name, data)` members (Go's `txtar.Parse`).
pub fn txtar_members(data: &str) -> Vec<(String, String)> {
    let mut members: Vec<(String, String)> = Vec::new();
    for line in data.split_inclusive('\n') {
        let trimmed = line.strip_suffix('\n').unwrap_or(line);
        if let Some(name) = trimmed
            .strip_prefix("-- ")
            .and_then(|r| r.strip_suffix(" --"))
        {
            members.push((name.trim().to_owned(), String::new()));
        } else if let Some((_, body)) = members.last_mut() {
            body.push_str(line);
        }
    }
    for (_, body) in &mut members {
        if !body.is_empty() && !body.ends_with('\n') {
            body.push('\n');
        }
    }
    members
}

/// The real `go` command in a scratch HOME/GOPATH.
pub struct Oracle {
    go: PathBuf,
    home: tempfile::TempDir,
    goroot: PathBuf,
    next_dir: AtomicUsize,
}

/// The outcome of one `go` run.
pub struct Outcome {
    /// Whether go exited 0.
    pub ok: bool,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The go.mod file after the run.
    pub file: String,
}

impl Oracle {
    /// `None` (skip) when no go is installed; see `gomodx_test::go::go_bin`.
    pub fn new() -> Option<Self> {
        let go = gomodx_test::go::go_bin()?;
        let home = tempfile::tempdir().expect("temp dir");
        let mut oracle = Self {
            go,
            home,
            goroot: PathBuf::new(),
            next_dir: AtomicUsize::new(0),
        };
        let out = oracle
            .command()
            .args(["env", "GOROOT"])
            .output()
            .expect("go env GOROOT runs");
        assert!(out.status.success(), "go env GOROOT failed");
        oracle.goroot = PathBuf::from(String::from_utf8(out.stdout).expect("utf-8 GOROOT").trim());
        // The go on PATH may be a wrapper script; the real binary starts faster.
        let bin = oracle.goroot.join("bin/go");
        if bin.exists() {
            oracle.go = bin;
        }
        Some(oracle)
    }

    /// A hermetic `go` invocation.
    fn command(&self) -> Command {
        let home = self.home.path();
        let mut cmd = Command::new(&self.go);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("GOPATH", home.join("gopath"))
            .env("GOMODCACHE", home.join("gopath/pkg/mod"))
            .env("GOCACHE", home.join("cache"))
            .env("GOENV", "off")
            .env("GOFLAGS", "-modcacherw")
            .env("GOTOOLCHAIN", "local")
            .env("GOPROXY", "off")
            .env("GOSUMDB", "off");
        cmd
    }

    /// Writes `content` as `go.mod` in a fresh directory and runs
    /// `go <args…> go.mod` there.
    pub fn run(&self, content: &str, args: &[String]) -> Outcome {
        let n = self.next_dir.fetch_add(1, Ordering::Relaxed);
        let dir = self.home.path().join(format!("w{n}"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let gomod = dir.join("go.mod");
        std::fs::write(&gomod, content).expect("write go.mod");
        let out = self
            .command()
            .current_dir(&dir)
            .args(args)
            .arg("go.mod")
            .output()
            .expect("go runs");
        Outcome {
            ok: out.status.success(),
            stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            file: std::fs::read_to_string(&gomod).expect("read go.mod back"),
        }
    }

    /// Every go.mod of `$GOROOT/src/cmd/go/testdata`, de-duplicated by
    /// content, as `(content, origin)` sorted by content.
    pub fn corpus(&self) -> Vec<(String, String)> {
        let mut out = BTreeMap::new();
        for (dir, wanted) in [
            ("script", &["go.mod"][..]),
            ("mod", &[".mod", "go.mod"][..]),
        ] {
            let dir = self.goroot.join("src/cmd/go/testdata").join(dir);
            let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
                .map(|e| e.expect("directory entry").path())
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect();
            paths.sort();
            for path in paths {
                let text = String::from_utf8_lossy(&std::fs::read(&path).expect("readable txtar"))
                    .into_owned();
                for (name, body) in txtar_members(&text) {
                    if wanted
                        .iter()
                        .any(|w| name == *w || (*w == "go.mod" && name.ends_with("/go.mod")))
                    {
                        let origin = format!("{}:{name}", file_name(&path));
                        out.entry(body).or_insert(origin);
                    }
                }
            }
        }
        out.into_iter().collect()
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

/// Maps `f` over `items` on a few threads (go runs are mostly process start-up).
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(items.len()));
    let workers = std::thread::available_parallelism().map_or(4, |n| n.get() * 3);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    results.lock().expect("results lock").push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("results lock");
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// A small deterministic generator (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        usize::try_from(x >> 33).expect("31-bit value fits") % n.max(1)
    }
}

/// Prints a summary line and the first mismatches, then fails if there
/// are any.
pub fn assert_no_mismatches(what: &str, summary: &str, mismatches: &[String]) {
    eprintln!("{what}: {summary}, {} mismatches", mismatches.len());
    for m in mismatches.iter().take(15) {
        eprintln!("=== {m}");
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches with go",
        mismatches.len()
    );
}
