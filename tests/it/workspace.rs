//! Workspaces (go.work, `GOWORK`, `GOWORK=off`) against go: `list -m`
//! (text and JSON), `graph`, `why -m`, `download -json` and `verify` must
//! print go's bytes and exit as go does; go.work.sum must be written with
//! go's lines; a bad go.work fails with go's message (file:line), exit 1,
//! nothing written.

use std::path::Path;

use gomodx_test::{GoEnv, ProxyTree, Universe, UniverseConfig};

use crate::download::harness::{Gomodx, go_env, stderr};
use crate::universes::{self, OnDisk};

/// A workspace over a random universe: the universe's main module in
/// `ws/a`, a second main module in `ws/b` requiring some of the
/// universe's modules, and a go.work using both (with a replace in the
/// go.work on odd seeds).
struct Workspace {
    _tmp: tempfile::TempDir,
    universe: Universe,
    tree: ProxyTree,
    dir: std::path::PathBuf,
}

impl Workspace {
    fn new(seed: u64) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let config = UniverseConfig {
            seed,
            modules: 3 + (seed as usize % 7),
            max_versions: 4,
            max_deps: 3,
            zip_bytes_total: 0,
        };
        let OnDisk { universe, tree, .. } = universes::write(tmp.path(), config);
        let dir = tmp.path().join("ws");
        universe.write_main_module(&dir.join("a"), &tree).unwrap();
        let mut requires = String::new();
        let mut replace = String::new();
        // Not the modules that replace others in `a`: go refuses a module
        // version used for two paths when it loads packages (`why -m`).
        let targets: Vec<usize> = universe
            .main
            .replaces
            .iter()
            .map(|r| r.with_module)
            .collect();
        for (i, module) in universe.modules.iter().enumerate() {
            let pick = (seed as usize + i) % 3;
            if pick == 0 || module.versions.is_empty() || targets.contains(&i) {
                continue;
            }
            let version = &module.versions[(seed as usize + i) % module.versions.len()];
            requires += &format!("\t{} {}\n", module.path, version.version);
            if seed % 2 == 1 && replace.is_empty() && module.versions.len() > 1 {
                let other = &module.versions[(seed as usize + i + 1) % module.versions.len()];
                replace = format!(
                    "\nreplace {} {} => {} {}\n",
                    module.path, version.version, module.path, other.version
                );
            }
        }
        let go = ["1.16", "1.21", "1.22"][seed as usize % 3];
        let mut b = format!("module example.org/wsb\n\ngo {go}\n");
        if !requires.is_empty() {
            b += &format!("\nrequire (\n{requires})\n");
        }
        write(&dir.join("b/go.mod"), &b);
        write(
            &dir.join("go.work"),
            &format!("go 1.23.4\n\nuse (\n\t./a\n\t./b\n)\n{replace}"),
        );
        Self {
            _tmp: tmp,
            universe,
            tree,
            dir,
        }
    }
}

/// Says that a test did not run: there is no go to compare with.
pub fn skipped() {
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stdout(),
        "SKIPPED: go >= 1.21 is not installed (set GOMODX_GO)"
    );
}

fn write(file: &Path, text: &str) {
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, text).unwrap();
}

/// go and gomodx on one proxy and one GOMODCACHE, `GOWORK` as given.
fn envs(tree: &ProxyTree, gowork: &str) -> Option<(GoEnv, Gomodx)> {
    let mut go = go_env(&tree.file_url())?;
    go.set("GOWORK", gowork);
    let mut gomodx = Gomodx::new(&tree.file_url());
    gomodx.set("GOMODCACHE", go.gomodcache());
    gomodx.set("GOPATH", go.gopath());
    gomodx.set("GOWORK", gowork);
    Some((go, gomodx))
}

/// Runs each `(go args, gomodx args)` in `dir`; returns the differences
/// in stdout, exit status or (prefix aside) stderr's first error.
fn differences(
    go: &GoEnv,
    gomodx: &Gomodx,
    dir: &Path,
    cases: &[(Vec<&str>, Vec<&str>)],
) -> Vec<String> {
    let mut out = Vec::new();
    for (go_args, our_args) in cases {
        let want = go.run(dir, go_args);
        let got = gomodx.run(dir, our_args);
        let error = |text: String, prefix: &str| -> String {
            text.lines()
                .filter(|l| !l.starts_with("warning:") && !l.trim_start().starts_with("Verified"))
                .map(|l| l.strip_prefix(prefix).unwrap_or(l).to_owned())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let (go_err, our_err) = (error(stderr(&want), "go: "), error(stderr(&got), "error: "));
        let stderr_differs = !want.status.success() && go_err != our_err;
        if want.status.success() != got.status.success()
            || want.stdout != got.stdout
            || stderr_differs
        {
            let (theirs, ours) = (
                String::from_utf8_lossy(&want.stdout),
                String::from_utf8_lossy(&got.stdout),
            );
            let (theirs, ours): (Vec<&str>, Vec<&str>) =
                (theirs.lines().collect(), ours.lines().collect());
            let first = theirs
                .iter()
                .zip(&ours)
                .position(|(a, b)| a != b)
                .unwrap_or(theirs.len().min(ours.len()));
            let from = first.saturating_sub(8);
            out.push(format!(
                "{go_args:?} in {}, from line {from}\n--- go ({}):\n{}\n{}\n--- gomodx ({}):\n{}\n{}",
                dir.display(),
                want.status,
                theirs[from.min(theirs.len())..].iter().take(24).copied().collect::<Vec<_>>().join("\n"),
                stderr(&want),
                got.status,
                ours[from.min(ours.len())..].iter().take(24).copied().collect::<Vec<_>>().join("\n"),
                stderr(&got),
            ));
        }
    }
    out
}

/// The commands compared in a workspace.
fn workspace_cases(universe: &Universe) -> Vec<(Vec<&str>, Vec<&str>)> {
    let mut why_go = vec!["mod", "why", "-m"];
    let mut why_ours = vec!["why", "-m"];
    for m in universe.modules.iter().step_by(2) {
        why_go.push(&m.path);
        why_ours.push(&m.path);
    }
    vec![
        (vec!["list", "-m"], vec!["list", "-m"]),
        (vec!["list", "-m", "all"], vec!["list", "-m", "all"]),
        (
            vec!["list", "-m", "-json", "all"],
            vec!["list", "-m", "--json", "all"],
        ),
        (vec!["mod", "graph"], vec!["graph"]),
        (why_go, why_ours),
        (vec!["mod", "download", "-json"], vec!["download", "--json"]),
        (vec!["mod", "verify"], vec!["verify"]),
    ]
}

#[test]
fn random_workspaces_match_go() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for seed in 1..=24 {
        let ws = Workspace::new(seed);
        let Some((go, gomodx)) = envs(&ws.tree, "") else {
            skipped();
            return;
        };
        // Both read the one module cache go fills.
        go.run(&ws.dir, &["mod", "download"]);
        let _ = std::fs::remove_file(ws.dir.join("go.work.sum"));
        for dir in [ws.dir.clone(), ws.dir.join("b")] {
            let found = differences(&go, &gomodx, &dir, &workspace_cases(&ws.universe));
            failures.extend(found.into_iter().map(|d| format!("seed {seed}: {d}")));
        }
        compared += 1;
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures[..failures.len().min(4)].join("\n\n")
    );
    assert_eq!(compared, 24);
}

#[test]
fn gowork_off_and_explicit_paths_match_go() {
    let ws = Workspace::new(5);
    let work = ws.dir.join("go.work").display().to_string();
    for gowork in ["off", work.as_str(), "go.work", "/nowhere/go.work"] {
        let Some((go, gomodx)) = envs(&ws.tree, gowork) else {
            skipped();
            return;
        };
        go.run(&ws.dir, &["mod", "download", "all"]);
        let cases = workspace_cases(&ws.universe);
        let failures = differences(&go, &gomodx, &ws.dir.join("a"), &cases[..5]);
        assert!(
            failures.is_empty(),
            "GOWORK={gowork}:\n{}",
            failures.join("\n\n")
        );
    }
}

/// go.work.sum from scratch: each side with its own module cache.
#[test]
fn go_work_sum_from_scratch_is_gos() {
    for seed in [2, 3, 7, 10] {
        let ws = Workspace::new(seed);
        let Some((go, _)) = envs(&ws.tree, "") else {
            skipped();
            return;
        };
        let mut gomodx = Gomodx::new(&ws.tree.file_url());
        gomodx.set("GOWORK", "");
        // Nothing recorded anywhere: go.work.sum gets every line.
        std::fs::remove_file(ws.dir.join("a/go.sum")).unwrap();
        for (args, ours) in [
            (vec!["mod", "download"], vec!["download"]),
            (
                vec!["mod", "download", "-json", "all"],
                vec!["download", "--json", "all"],
            ),
        ] {
            let sum = ws.dir.join("go.work.sum");
            let _ = std::fs::remove_file(&sum);
            let want = go.run(&ws.dir, &args);
            let go_sum = std::fs::read_to_string(&sum).unwrap_or_default();
            std::fs::remove_file(&sum).unwrap_or_default();
            let got = gomodx.run(&ws.dir, &ours);
            let our_sum = std::fs::read_to_string(&sum).unwrap_or_default();
            assert_eq!(
                got.status.success(),
                want.status.success(),
                "{}",
                stderr(&got)
            );
            assert_eq!(our_sum, go_sum, "seed {seed}: go.work.sum after {args:?}");
            assert!(!ws.dir.join("a/go.sum").exists() && !ws.dir.join("b/go.sum").exists());
        }
    }
}

/// A directory replacement in a workspace module: relative to that
/// module's directory, shown relative to the workspace.
#[test]
fn replacements_and_excludes_match_go() {
    let ws = Workspace::new(4);
    let Some((go, gomodx)) = envs(&ws.tree, "") else {
        skipped();
        return;
    };
    // The directory holds a copy of one of the module's versions.
    let first = &ws.universe.modules[0];
    let at = format!("{}@{}", first.path, first.versions[0].version);
    let fetched = go.mod_download_json(&ws.dir, &[&at]);
    let source = fetched[0]["Dir"]
        .as_str()
        .expect("go downloaded the module");
    crate::download::harness::copy_dir(Path::new(source), &ws.dir.join("local"));
    write(
        &ws.dir.join("local/go.mod"),
        &format!("module {}\n\ngo 1.21\n", first.path),
    );
    let b = std::fs::read_to_string(ws.dir.join("b/go.mod")).unwrap();
    write(
        &ws.dir.join("b/go.mod"),
        &format!(
            "{b}\nrequire {} {}\n\nreplace {} => ../local\n",
            first.path, first.versions[0].version, first.path
        ),
    );
    go.run(&ws.dir, &["mod", "download"]);
    let failures = differences(
        &go,
        &gomodx,
        &ws.dir.join("b"),
        &workspace_cases(&ws.universe),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Bad go.work files and flags: go's message, exit 1, nothing written.
#[test]
fn bad_workspaces_fail_as_go_does() {
    let ws = Workspace::new(6);
    let Some((go, gomodx)) = envs(&ws.tree, "") else {
        skipped();
        return;
    };
    let work = ws.dir.join("go.work");
    let cases: &[&str] = &[
        "go 1.23.4\n\nuse ./a\nmodule m\nrequire (\n\tx v1.0.0\n)\n",
        "go 1.23.4\nuse ./a\nuse ./a\n",
        "go 1.23.4\nuse (\n\t./a\n\t./missing\n)\n",
        "use ./a\nuse ./b\n",
        "go 1.23.4\nuse ./a\nuse\n",
        "go 1.23.4\ntoolchain bad\nuse ./a\n",
    ];
    let commands = [
        (vec!["list", "-m", "all"], vec!["list", "-m", "all"]),
        (vec!["mod", "graph"], vec!["graph"]),
        (vec!["mod", "download"], vec!["download"]),
        (vec!["mod", "verify"], vec!["verify"]),
    ];
    for text in cases {
        write(&work, text);
        let failures = differences(&go, &gomodx, &ws.dir, &commands);
        assert!(
            failures.is_empty(),
            "go.work:\n{text}\n{}",
            failures.join("\n\n")
        );
        let out = gomodx.run(&ws.dir, &["list", "-m", "all"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(std::fs::read_to_string(&work).unwrap(), *text);
        assert!(!ws.dir.join("go.work.sum").exists());
    }
    // go reports this one and goes on where it can (`mod graph`, `mod
    // verify`); gomodx stops, as `list` does.
    write(
        &work,
        "go 1.23.4\nuse ./a\nreplace example.org/wsb => ./b\nuse ./b\n",
    );
    let failures = differences(&go, &gomodx, &ws.dir, &commands[..1]);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // -mod may only be readonly or vendor in a workspace.
    write(&work, "go 1.23.4\nuse ./a\n");
    let mut go = go;
    go.set("GOFLAGS", "-modcacherw -mod=mod");
    let mut gomodx = gomodx;
    gomodx.set("GOFLAGS", "-modcacherw -mod=mod");
    let failures = differences(&go, &gomodx, &ws.dir, &commands[..1]);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // An invalid GOWORK.
    go.set("GOWORK", "relative/go.work");
    gomodx.set("GOWORK", "relative/go.work");
    let failures = differences(&go, &gomodx, &ws.dir, &commands[..1]);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
