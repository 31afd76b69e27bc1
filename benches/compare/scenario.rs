//! The commands compared, and running them on both sides.
//!
//! Each side works in its own [`Workspace`]: a hermetic environment from the
//! testkit's `GoEnv` (fresh HOME, GOPATH, GOMODCACHE, GOCACHE; GOFLAGS=
//! -modcacherw, GOSUMDB=off, GOTOOLCHAIN=local, GOENV=off, the proxy as
//! GOPROXY), a fresh gomodx store (`GOMODX_CACHE`) and its own copy of the
//! main module, all in one directory of the harness's work dir (so that
//! `--keep` can keep it). go and gomodx get exactly the same variables.
//! Every cold run gets a new workspace; the warm and offline commands run in
//! the workspace of the last successful run of the ordinary cold `download
//! all` of their side ([`Scenario::warm_source`]), never in the slimmed
//! cache of the for-build row. After each cold run, the harness measures the
//! size of the side's GOMODCACHE ([`CacheSize`]).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use gomodx_test::{GoEnv, ProxyServer};

use crate::measure::{self, Invocation, Outcome};

/// A program being compared.
#[derive(Debug, Clone)]
pub struct Side {
    /// `go` or `gomodx`.
    pub name: &'static str,
    /// Its binary.
    pub program: PathBuf,
}

/// When a scenario runs and with which network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// In a fresh workspace each run, through the proxy.
    Cold,
    /// In the last cold workspace, through the proxy.
    Warm,
    /// In the last cold workspace, with `GOPROXY=off GOFLAGS=-modcacherw -mod=mod`.
    Offline,
}

/// One command, spelled for each side.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The row's name.
    pub name: String,
    /// Arguments of go.
    pub go: Vec<String>,
    /// Arguments of gomodx.
    pub gomodx: Vec<String>,
    /// When it runs.
    pub kind: Kind,
    /// Whether both sides should print the same output.
    pub same_output: bool,
    /// For a cold row: whether its workspace becomes the one the warm and
    /// offline rows run in.
    pub warm_source: bool,
    /// For a cold row: whether gomodx slims its cache for `go build`
    /// (`download --for-build`), so its cache is compared with go's full one.
    pub for_build: bool,
}

/// An argument replaced by the workspace's GOMODCACHE when a command runs.
pub const MODCACHE_ARG: &str = "{GOMODCACHE}";

/// The compared commands, `why -m` asking about `why_module`.
pub fn scenarios(why_module: &str) -> Vec<Scenario> {
    let words = |text: &str| text.split(' ').map(str::to_owned).collect::<Vec<_>>();
    let scenario = |name: &str, go: &str, gomodx: &str, kind, same_output| Scenario {
        name: name.to_owned(),
        go: words(go),
        gomodx: words(gomodx),
        kind,
        same_output,
        warm_source: false,
        for_build: false,
    };
    let mut why = scenario("why -m", "mod why -m", "why -m", Kind::Offline, true);
    why.go.push(why_module.to_owned());
    why.gomodx.push(why_module.to_owned());
    let mut cold = scenario(
        "cold download all",
        "mod download all",
        "download all",
        Kind::Cold,
        false,
    );
    cold.warm_source = true;
    // go has no slim mode: its full `go mod download all` cache is what a
    // container image gets without gomodx.
    let mut for_build = scenario(
        "cold download all (for build)",
        "mod download all",
        &format!("download all --for-build --modcache {MODCACHE_ARG}"),
        Kind::Cold,
        false,
    );
    for_build.for_build = true;
    vec![
        cold,
        for_build,
        scenario(
            "warm download all",
            "mod download all",
            "download all",
            Kind::Warm,
            false,
        ),
        scenario(
            "list -m all (offline)",
            "list -m all",
            "list -m all",
            Kind::Offline,
            true,
        ),
        scenario("graph", "mod graph", "graph", Kind::Offline, true),
        why,
        scenario("verify", "mod verify", "verify", Kind::Offline, true),
    ]
}

/// One side's caches and main module, in a directory of their own.
pub struct Workspace {
    env: GoEnv,
    root: PathBuf,
    main: PathBuf,
    keep: bool,
}

impl Workspace {
    /// A fresh workspace in the new directory `root` using `go` for the
    /// environment, `proxy` as GOPROXY and a copy of the main module in
    /// `main_src`.
    ///
    /// The testkit's `GoEnv` puts HOME, GOPATH and the caches into a temp
    /// dir of its own; they are moved to `root` here so that a kept
    /// workspace holds everything the commands wrote.
    pub fn new(go: &Path, proxy: &str, main_src: &Path, root: PathBuf) -> Result<Self> {
        std::fs::create_dir(&root)
            .with_context(|| format!("creating the workspace {}", root.display()))?;
        let mut env = GoEnv::new(go.to_path_buf(), proxy);
        let home = root.join("home");
        let gopath = root.join("gopath");
        std::fs::create_dir_all(&home).context("creating the workspace HOME")?;
        env.set("HOME", &home)
            .set("XDG_CACHE_HOME", home.join(".cache"))
            .set("XDG_CONFIG_HOME", home.join(".config"))
            .set("GOPATH", &gopath)
            .set("GOMODCACHE", gopath.join("pkg/mod"))
            .set("GOCACHE", root.join("gocache"))
            .set("GOMODX_CACHE", root.join("gomodx-store"));
        let main = root.join("main");
        std::fs::create_dir_all(&main).context("creating the main module copy")?;
        for entry in std::fs::read_dir(main_src).context("listing the main module")? {
            let entry = entry?;
            std::fs::copy(entry.path(), main.join(entry.file_name()))
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
        Ok(Self {
            env,
            root,
            main,
            keep: false,
        })
    }

    /// The invocation of `side` with `args` in this workspace.
    pub fn invocation(&self, side: &Side, args: &[String], kind: Kind) -> Invocation {
        let template = self.env.command(&self.main, &[]);
        let env: Vec<(OsString, Option<OsString>)> = template
            .get_envs()
            .map(|(key, value)| (key.to_owned(), value.map(ToOwned::to_owned)))
            .collect();
        let modcache = self.gomodcache().to_string_lossy().into_owned();
        let args = args
            .iter()
            .map(|arg| {
                if arg == MODCACHE_ARG {
                    modcache.clone()
                } else {
                    arg.clone()
                }
            })
            .collect();
        let mut invocation = Invocation {
            program: side.program.clone(),
            args,
            dir: self.main.clone(),
            env,
        };
        if kind == Kind::Offline {
            invocation.set("GOPROXY", "off");
            invocation.set("GOFLAGS", "-modcacherw -mod=mod");
        }
        invocation
    }

    /// Where scratch files of the harness go.
    pub fn scratch(&self) -> &Path {
        &self.root
    }

    /// The directory holding everything of this workspace.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Its GOMODCACHE.
    pub fn gomodcache(&self) -> PathBuf {
        self.env.gomodcache()
    }

    /// Leaves the workspace on disk when it is dropped.
    pub fn keep(&mut self) {
        self.keep = true;
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        // The tree can only be removed if every directory is writable,
        // whatever a side did to the module cache.
        use std::os::unix::fs::PermissionsExt;
        for entry in walkdir::WalkDir::new(&self.root).into_iter().flatten() {
            if entry.file_type().is_dir() {
                let _ =
                    std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o755));
            }
        }
        // A leftover only costs disk space in the work dir, itself removed
        // at the end unless kept.
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The files of a module cache: how many, and their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheSize {
    /// Regular files (symlinks are not followed nor counted).
    pub files: u64,
    /// The sum of their sizes (apparent sizes; a hard-linked file counts
    /// each time).
    pub bytes: u64,
}

impl CacheSize {
    /// Walks the tree at `root` (a missing tree is empty).
    pub fn of(root: &Path) -> Result<Self> {
        let mut size = Self::default();
        if !root.exists() {
            return Ok(size);
        }
        for entry in walkdir::WalkDir::new(root) {
            let entry = entry.with_context(|| format!("walking {}", root.display()))?;
            if entry.file_type().is_file() {
                let metadata = entry
                    .metadata()
                    .with_context(|| format!("reading {}", entry.path().display()))?;
                size.files += 1;
                size.bytes += metadata.len();
            }
        }
        Ok(size)
    }
}

/// One successful run.
#[derive(Debug, Clone)]
pub struct Run {
    /// Wall time.
    pub wall: Duration,
    /// Peak RSS in KiB.
    pub peak_rss_kib: u64,
    /// Requests the proxy saw.
    pub requests: usize,
    /// Body bytes the proxy sent.
    pub bytes: u64,
    /// What the command printed on stdout.
    pub stdout: Vec<u8>,
    /// The side's GOMODCACHE after a cold run (`None` for the others).
    pub cache: Option<CacheSize>,
}

/// What one side gave for one scenario.
#[derive(Debug, Clone)]
pub enum SideResult {
    /// Every run succeeded.
    Runs(Vec<Run>),
    /// The command does not exist (yet).
    NotAvailable,
    /// A run failed: the first line of its error.
    Failed(String),
    /// Not run, and why.
    Skipped(String),
}

impl SideResult {
    /// The runs, if every run succeeded.
    pub fn runs(&self) -> Option<&[Run]> {
        match self {
            Self::Runs(runs) => Some(runs),
            _ => None,
        }
    }
}

/// Before a cold run, where the harness may (root on Linux): writes dirty
/// pages back and drops the page cache, so that every cold run starts from
/// the same memory state; on a VM, whatever earlier runs left in memory
/// made cold runs vary by 2x. Elsewhere a no-op (the `sync` of
/// [`measure_once`] still runs).
pub fn drop_page_cache() {
    let _ = std::process::Command::new("sync").status();
    let _ = std::fs::write("/proc/sys/vm/drop_caches", b"3\n");
}

/// Runs `invocation` once, measuring it and the proxy traffic it caused.
pub fn measure_once(
    invocation: &Invocation,
    scratch: &Path,
    server: &ProxyServer,
) -> Result<std::result::Result<Run, SideResult>> {
    // What earlier runs left dirty goes to disk first, so that its
    // writeback does not fall on this run.
    let _ = std::process::Command::new("sync").status();
    server.clear_requests();
    let outcome = measure::run(invocation, scratch)?;
    let requests = server.requests();
    if !outcome.success {
        return Ok(Err(failure(&outcome)));
    }
    Ok(Ok(Run {
        wall: outcome.wall,
        peak_rss_kib: outcome.peak_rss_kib,
        requests: requests.len(),
        bytes: requests.iter().map(|r| r.bytes).sum(),
        stdout: outcome.stdout,
        cache: None,
    }))
}

/// A failed run as a result: `n/a` for a command clap does not know.
fn failure(outcome: &Outcome) -> SideResult {
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    if stderr.contains("unrecognized subcommand") {
        return SideResult::NotAvailable;
    }
    let line = stderr
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("(no message)");
    let mut message: String = line.chars().take(160).collect();
    if message.len() < line.len() {
        message.push('…');
    }
    SideResult::Failed(message)
}
