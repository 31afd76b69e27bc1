//! Go's own module script tests as a differential suite.
//!
//! For every `$GOROOT/src/cmd/go/testdata/script/mod_*.txt` whose initial
//! state has a `go.mod` (scripts that need a VCS, GOPATH mode or a direct
//! fetch are skipped with the reason printed), the archive's files are laid
//! out twice, Go's test proxy modules (`testdata/mod`) are served as a
//! `file://` GOPROXY, and go and gomodx run the same commands in the initial
//! state: `list -m all`, `list -m -json all`, `graph`, `why -m` (every
//! non-main module go lists), `download -json`; then the go.mod and go.sum
//! each leaves are compared. A command agrees when stdout and the exit
//! status are equal and, when both fail, the first line of stderr is too
//! (without go's `go: ` and gomodx's `error: ` prefix). Paths of the work
//! directory and the module cache are normalised to `$WORK` and
//! `$GOMODCACHE`.
//!
//! The script commands themselves are not run: only the initial files are
//! taken. The test prints the agreement per command and every disagreement
//! with a one-line summary; it fails when a disagreement is listed neither in
//! [`DEVIATIONS`] (deliberate, each also in the README's "Deviations from
//! go") nor in [`KNOWN_BUGS`], and when a listed case agrees (unlist it).
//! `GOMODX_SCRIPTS=substring` runs only the matching scripts and reports
//! without failing.

#![expect(
    clippy::print_stdout,
    reason = "the agreement report is the runner's output"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Mutex;

use gomodx_test::ProxyTree;
use gomodx_test::txtar::Archive;

use crate::download::harness::{Gomodx, go_env};

/// The compared commands, as (name, go args, gomodx args).
const COMMANDS: [(&str, &[&str], &[&str]); 5] = [
    (
        "list -m all",
        &["list", "-m", "all"],
        &["list", "-m", "all"],
    ),
    (
        "list -m -json all",
        &["list", "-m", "-json", "all"],
        &["list", "-m", "--json", "all"],
    ),
    ("graph", &["mod", "graph"], &["graph"]),
    ("why -m", &["mod", "why", "-m"], &["why", "-m"]),
    (
        "download -json",
        &["mod", "download", "-json"],
        &["download", "--json"],
    ),
];

/// The name under which the files left behind are compared.
const FILES: &str = "go.mod/go.sum";

/// Deliberate deviations from go: (script, command, reason). Each is
/// explained in the README's "Deviations from go".
const DEVIATIONS: &[(&str, &str, &str)] = &[];

/// Disagreements that are bugs still to fix: (script, command, cause).
const KNOWN_BUGS: &[(&str, &str, &str)] = &[];

/// Why a script is not run, or `None` when it is.
fn skip_reason(archive: &Archive) -> Option<&'static str> {
    let text = String::from_utf8_lossy(&archive.comment);
    let has = |needle: &str| text.contains(needle);
    if archive.file("go.mod").is_none() {
        Some("no go.mod in the initial state")
    } else if gopath_mode_first(&text) {
        Some("GOPATH mode")
    } else if [
        "[!git]",
        "[!exec:git]",
        "[!exec:hg]",
        "[!exec:svn]",
        "[!exec:bzr]",
        "[!exec:fossil]",
    ]
    .iter()
    .any(|vcs| has(vcs))
    {
        Some("needs a version control system")
    } else if has("GOPROXY=direct") || has("vcs-test") || has("GOPRIVATE") || has("GONOPROXY") {
        Some("fetches directly from an origin, not the proxy")
    } else {
        None
    }
}

/// Whether the script turns GOPATH mode on before its first go command.
fn gopath_mode_first(script: &str) -> bool {
    for line in script.lines() {
        // `[condition] ! command`: the command alone.
        let command = match line.strip_prefix('[') {
            Some(rest) => rest.split_once(']').map_or("", |(_, command)| command),
            None => line,
        };
        let command = command.trim_start_matches(['!', ' ']);
        if command.starts_with("go ") {
            return false;
        }
        if command.starts_with("env GO111MODULE=off") || command.starts_with("env GO111MODULE=auto")
        {
            return true;
        }
    }
    false
}

/// One side's output, normalised.
#[derive(Debug, PartialEq)]
struct Run {
    ok: bool,
    stdout: String,
    stderr_first: String,
}

impl Run {
    fn new(output: &Output, paths: &[(PathBuf, &str)]) -> Self {
        let normalise = |bytes: &[u8]| {
            let mut text = String::from_utf8_lossy(bytes).into_owned();
            for (path, name) in paths {
                text = text.replace(&path.display().to_string(), name);
            }
            text
        };
        let stderr = normalise(&output.stderr);
        let first = stderr.lines().next().unwrap_or_default();
        let first = first
            .strip_prefix("go: ")
            .or_else(|| first.strip_prefix("error: "))
            .or_else(|| first.strip_prefix("warning: "))
            .unwrap_or(first);
        Self {
            ok: output.status.success(),
            stdout: normalise(&output.stdout),
            stderr_first: first.to_owned(),
        }
    }

    /// A one-line summary of how `self` (gomodx) differs from `go`, or
    /// `None` when they agree.
    fn differs_from(&self, go: &Run) -> Option<String> {
        if self.ok != go.ok {
            let failed = if go.ok {
                &self.stderr_first
            } else {
                &go.stderr_first
            };
            let who = if go.ok { "gomodx" } else { "go" };
            return Some(format!("only {who} fails: {}", clip(failed)));
        }
        if self.stdout != go.stdout {
            return Some(first_difference(&go.stdout, &self.stdout));
        }
        if !self.ok && self.stderr_first != go.stderr_first {
            return Some(format!(
                "error: go `{}`, gomodx `{}`",
                clip(&go.stderr_first),
                clip(&self.stderr_first)
            ));
        }
        None
    }
}

fn clip(text: &str) -> String {
    const MAX: usize = 110;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// The first differing line of two texts, as `line N: go `…`, gomodx `…``.
fn first_difference(go: &str, ours: &str) -> String {
    let (mut a, mut b) = (go.lines(), ours.lines());
    let mut n = 1;
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => n += 1,
            (x, y) => {
                return format!(
                    "line {n}: go `{}`, gomodx `{}`",
                    clip(x.unwrap_or("<end>")),
                    clip(y.unwrap_or("<end>"))
                );
            }
        }
    }
}

/// Lays out an archive's files with `dir` as the script's working directory
/// (`$WORK/gopath/src`), `$WORK/…` names under `work`.
fn extract(archive: &Archive, work: &Path, dir: &Path) {
    for file in &archive.files {
        let path = match file.name.strip_prefix("$WORK/") {
            Some(rest) => work.join(rest),
            None => dir.join(&file.name),
        };
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.data).unwrap();
    }
}

/// The results of one script: (command, disagreement) for each command
/// compared.
type Results = Vec<(&'static str, Option<String>)>;

fn run_script(archive: &Archive, tree: &ProxyTree) -> Option<Results> {
    let tmp = tempfile::Builder::new()
        .prefix("gomodx-script-")
        .tempdir()
        .unwrap();
    let go = go_env(&tree.file_url())?;
    let gomodx = Gomodx::new(&tree.file_url());
    let sides = ["go", "gomodx"].map(|side| {
        let work = tmp.path().join(side);
        let dir = work.join("gopath/src");
        extract(archive, &work, &dir);
        (work, dir)
    });
    let paths = |side: usize| -> Vec<(PathBuf, &'static str)> {
        let cache = if side == 0 {
            go.gomodcache()
        } else {
            gomodx.mod_cache()
        };
        vec![(sides[side].1.clone(), "$WORK"), (cache, "$GOMODCACHE")]
    };
    let run_go = |args: &[&str]| Run::new(&go.run(&sides[0].1, args), &paths(0));
    let run_ours = |args: &[&str]| Run::new(&gomodx.run(&sides[1].1, args), &paths(1));

    let mut results = Results::new();
    let mut non_main: Vec<String> = Vec::new();
    for (name, go_args, our_args) in COMMANDS {
        let (mut go_args, mut our_args) = (go_args.to_vec(), our_args.to_vec());
        if name == "why -m" {
            if non_main.is_empty() {
                continue;
            }
            go_args.extend(non_main.iter().map(String::as_str));
            our_args.extend(non_main.iter().map(String::as_str));
        }
        let want = run_go(&go_args);
        let got = run_ours(&our_args);
        if name == "list -m all" {
            let listed = if want.ok { &want.stdout } else { &got.stdout };
            non_main = listed
                .lines()
                .skip(1)
                .filter_map(|line| line.split(' ').next())
                .map(str::to_owned)
                .collect();
        }
        results.push((name, got.differs_from(&want)));
    }
    let files: Vec<_> = ["go.mod", "go.sum"]
        .iter()
        .filter_map(|name| {
            let read = |side: usize| std::fs::read(sides[side].1.join(name)).ok();
            let (want, got) = (read(0), read(1));
            (want != got).then(|| match (want, got) {
                (Some(want), Some(got)) => format!(
                    "{name} {}",
                    first_difference(
                        &String::from_utf8_lossy(&want),
                        &String::from_utf8_lossy(&got)
                    )
                ),
                (want, _) => format!(
                    "{name} left by {} only",
                    if want.is_some() { "go" } else { "gomodx" }
                ),
            })
        })
        .collect();
    results.push((FILES, (!files.is_empty()).then(|| files.join("; "))));
    Some(results)
}

fn scripts_dir() -> Option<PathBuf> {
    let go = gomodx_test::go::go_bin()?;
    let out = std::process::Command::new(go)
        .args(["env", "GOROOT"])
        .env("GOENV", "off")
        .output()
        .ok()?;
    let goroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let dir = goroot.join("src/cmd/go/testdata/script");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "SKIPPED: {} is missing (go without its sources)",
            dir.display()
        );
        None
    }
}

#[test]
fn go_module_scripts_agree() {
    let Some(dir) = scripts_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let corpus = dir.join("../mod");
    let tree = gomodx_test::testdata::write_proxy_tree(&corpus, &tmp.path().join("proxy")).unwrap();
    let filter = std::env::var("GOMODX_SCRIPTS").ok();

    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("mod_") && n.ends_with(".txt"))
        .filter(|n| filter.as_deref().is_none_or(|f| n.contains(f)))
        .collect();
    names.sort();
    let mut queue = Vec::new();
    for name in &names {
        let script = name.trim_end_matches(".txt");
        let archive = Archive::parse_file(&dir.join(name)).unwrap();
        match skip_reason(&archive) {
            Some("no go.mod in the initial state") => {}
            Some(reason) => println!("skip {script}: {reason}"),
            None => queue.push((script.to_owned(), archive)),
        }
    }
    let total = queue.len();
    let queue = Mutex::new(queue);
    let done: Mutex<BTreeMap<String, Results>> = Mutex::new(BTreeMap::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let Some((script, archive)) = queue.lock().unwrap().pop() else {
                        return;
                    };
                    if let Some(results) = run_script(&archive, &tree) {
                        done.lock().unwrap().insert(script, results);
                    }
                }
            });
        }
    });
    let done = done.into_inner().unwrap();
    if done.len() < total {
        return; // go is missing: go_env printed why.
    }
    println!("{}", report(&done));

    let listed = |list: &[(&str, &str, &str)], script: &str, command: &str| {
        list.iter().any(|(s, c, _)| *s == script && *c == command)
    };
    let mut unexpected = Vec::new();
    for (script, results) in &done {
        for (command, diff) in results {
            let known = listed(DEVIATIONS, script, command) || listed(KNOWN_BUGS, script, command);
            match diff {
                Some(diff) if !known => unexpected.push(format!("{script} [{command}]: {diff}")),
                None if known => {
                    unexpected.push(format!("{script} [{command}] agrees now: unlist it"))
                }
                _ => {}
            }
        }
    }
    assert!(
        unexpected.is_empty() || filter.is_some(),
        "{} unexpected results:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

/// Agreement per command, then every disagreement.
fn report(done: &BTreeMap<String, Results>) -> String {
    let mut out = String::new();
    let names = COMMANDS.iter().map(|c| c.0).chain([FILES]);
    for name in names {
        let (mut agree, mut all) = (0, 0);
        for results in done.values() {
            for (command, diff) in results {
                if *command == name {
                    all += 1;
                    agree += usize::from(diff.is_none());
                }
            }
        }
        out.push_str(&format!("{name}: {agree}/{all} agree\n"));
    }
    out.push_str("disagreements:\n");
    for (script, results) in done {
        for (command, diff) in results {
            if let Some(diff) = diff {
                out.push_str(&format!("  {script} [{command}]: {diff}\n"));
            }
        }
    }
    out
}
