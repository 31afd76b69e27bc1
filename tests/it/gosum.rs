//! go.sum written by `download` when it is missing or incomplete, and bare
//! `download M` for modules the build list selects (indirect ones too),
//! against go on random universes: each side with its own module cache
//! and gomodx with an empty store, the go.sum files must be byte-equal,
//! the JSON the same and the exit status go's.

use std::path::Path;

use crate::download::harness::{Gomodx, copy_dir, go_env, normalize_json, stderr};
use crate::universes::{self, OnDisk};

/// Universes compared (small, so the run stays quick).
const SEEDS: std::ops::RangeInclusive<u64> = 1..=16;

/// `(go args, gomodx args)` for the module at `dir`: no arguments, `all`,
/// a bare path the build list selects, the same at an explicit version,
/// and a path that is not a dependency.
fn cases(build_list: &[String]) -> Vec<(Vec<String>, Vec<String>)> {
    let args = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let mut out = vec![
        (args(&["mod", "download"]), args(&["download"])),
        (
            args(&["mod", "download", "-json", "all"]),
            args(&["download", "--json", "all"]),
        ),
        (
            args(&["mod", "download", "-json", "example.com/not/there"]),
            args(&["download", "--json", "example.com/not/there"]),
        ),
    ];
    for line in build_list.iter().skip(1).rev().take(2) {
        let mut parts = line.split(' ');
        let (path, version) = (parts.next().unwrap(), parts.next().unwrap_or_default());
        out.push((
            args(&["mod", "download", "-json", path]),
            args(&["download", "--json", path]),
        ));
        out.push((args(&["mod", "download", path]), args(&["download", path])));
        if !version.is_empty() {
            let at = format!("{path}@{version}");
            out.push((
                args(&["mod", "download", "-json", &at]),
                args(&["download", "--json", &at]),
            ));
        }
    }
    out
}

/// Runs one case on both sides from the same starting go.sum (`seed_sum`,
/// or none); returns what differs.
fn compare(
    seed: u64,
    main: &Path,
    seed_sum: Option<&str>,
    (go_args, our_args): &(Vec<String>, Vec<String>),
    tree_url: &str,
) -> Option<Vec<String>> {
    let go = go_env(tree_url)?;
    let gomodx = Gomodx::new(tree_url);
    let tmp = tempfile::tempdir().unwrap();
    let (go_dir, our_dir) = (tmp.path().join("go"), tmp.path().join("ours"));
    for dir in [&go_dir, &our_dir] {
        copy_dir(main, dir);
        match seed_sum {
            Some(text) => std::fs::write(dir.join("go.sum"), text).unwrap(),
            None => std::fs::remove_file(dir.join("go.sum")).unwrap(),
        }
    }
    let go_args: Vec<&str> = go_args.iter().map(String::as_str).collect();
    let our_args: Vec<&str> = our_args.iter().map(String::as_str).collect();
    let want = go.run(&go_dir, &go_args);
    let got = gomodx.run(&our_dir, &our_args);
    let mut out = Vec::new();
    let name = format!(
        "seed {seed} {go_args:?} (go.sum {})",
        if seed_sum.is_some() {
            "partial"
        } else {
            "missing"
        }
    );
    if want.status.success() != got.status.success() {
        out.push(format!(
            "{name}: exit {} vs go {}: {}",
            got.status,
            want.status,
            stderr(&got)
        ));
    }
    let read = |dir: &Path| std::fs::read_to_string(dir.join("go.sum")).ok();
    if read(&go_dir) != read(&our_dir) {
        out.push(format!(
            "{name}: go.sum\n--- go:\n{}\n--- gomodx:\n{}",
            read(&go_dir).unwrap_or_default(),
            read(&our_dir).unwrap_or_default()
        ));
    }
    if go_args.contains(&"-json") {
        let parse = |bytes: &[u8]| gomodx_test::go::parse_json_stream(bytes).unwrap_or_default();
        let ours = normalize_json(&parse(&got.stdout), &gomodx.mod_cache());
        let theirs = normalize_json(&parse(&want.stdout), &go.gomodcache());
        if ours != theirs {
            out.push(format!(
                "{name}: JSON\n--- go:\n{theirs:#?}\n--- gomodx:\n{ours:#?}"
            ));
        }
    }
    Some(out)
}

#[test]
fn go_sum_from_scratch_and_bare_downloads_match_go() {
    let mut failures = Vec::new();
    for seed in SEEDS {
        let tmp = tempfile::tempdir().unwrap();
        let OnDisk { tree, main, .. } =
            universes::write(tmp.path(), universes::config(seed, 4 + seed as usize % 6));
        let Some(go) = go_env(&tree.file_url()) else {
            crate::workspace::skipped();
            return;
        };
        let listed = go.run(&main, &["list", "-m", "all"]);
        assert!(
            listed.status.success(),
            "go list -m all: {}",
            stderr(&listed)
        );
        let build_list: Vec<String> = String::from_utf8_lossy(&listed.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        let full = std::fs::read_to_string(main.join("go.sum")).unwrap();
        // Incomplete: every other line of the complete go.sum.
        let partial: String = full.lines().step_by(2).map(|l| format!("{l}\n")).collect();
        for case in cases(&build_list) {
            for seed_sum in [None, Some(partial.as_str())] {
                let Some(diffs) = compare(seed, &main, seed_sum, &case, &tree.file_url()) else {
                    return;
                };
                failures.extend(diffs);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures[..failures.len().min(4)].join("\n\n")
    );
}
