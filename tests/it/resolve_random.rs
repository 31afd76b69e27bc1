//! `gomodx list -m all`, `list -m --json all`, `graph` and `why -m` against
//! go's `list -m all`, `list -m -json all`, `mod graph` and `mod why -m` on
//! random universes (pruned and unpruned modules, cycles, diamonds, /vN,
//! +incompatible, exclude, replace), byte for byte.
//!
//! Both sides share one GOMODCACHE, warmed by `go mod download all`, so the
//! `Dir`/`GoMod` fields name the same files; gomodx has its own empty store
//! and reads the same `file://` proxy. Seeds that ever failed are kept in
//! `fixtures/regressions/resolve-seeds.txt` and always run.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use gomodx_test::UniverseConfig;

use crate::download::harness::{Gomodx, go_env, stderr};
use crate::universes::{self, OnDisk};

/// How many fresh seeds each run compares (plus the regression seeds).
const UNIVERSES: u64 = 200;

/// The config of universe `seed`: small, so the whole run stays quick.
fn config(seed: u64) -> UniverseConfig {
    UniverseConfig {
        seed,
        modules: 3 + (seed as usize % 9),
        max_versions: 4,
        max_deps: 3,
        zip_bytes_total: 0,
    }
}

/// Seeds recorded after failures, one per line (`#` comments allowed).
fn regression_seeds() -> Vec<u64> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/regressions/resolve-seeds.txt");
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|line| !line.is_empty())
        .map(|line| line.parse().expect("a seed is a number"))
        .collect()
}

/// Compares one universe; returns the mismatches (empty when all agree),
/// or `None` when go is not installed.
fn compare(seed: u64) -> Option<Vec<String>> {
    let tmp = tempfile::tempdir().unwrap();
    let OnDisk {
        universe,
        tree,
        main,
    } = universes::write(tmp.path(), config(seed));
    let go = go_env(&tree.file_url())?;
    go.run_ok(&main, &["mod", "download", "all"]);

    let mut gomodx = Gomodx::new(&tree.file_url());
    gomodx.set("GOMODCACHE", go.gomodcache());
    gomodx.set("GOPATH", go.gopath());

    let modules: Vec<String> = universe
        .modules
        .iter()
        .step_by(2)
        .map(|m| m.path.clone())
        .chain(["example.com/not/there".to_owned()])
        .collect();
    let mut why_go = vec!["mod", "why", "-m"];
    let mut why_ours = vec!["why", "-m"];
    why_go.extend(modules.iter().map(String::as_str));
    why_ours.extend(modules.iter().map(String::as_str));

    let cases: [(&str, Vec<&str>, Vec<&str>); 4] = [
        (
            "list -m all",
            vec!["list", "-m", "all"],
            vec!["list", "-m", "all"],
        ),
        (
            "list -m -json all",
            vec!["list", "-m", "-json", "all"],
            vec!["list", "-m", "--json", "all"],
        ),
        ("mod graph", vec!["mod", "graph"], vec!["graph"]),
        ("mod why -m", why_go, why_ours),
    ];
    let mut mismatches = Vec::new();
    for (name, go_args, our_args) in cases {
        let want = go.run(&main, &go_args);
        let got = gomodx.run(&main, &our_args);
        if want.status.success() != got.status.success() || want.stdout != got.stdout {
            mismatches.push(format!(
                "seed {seed}: {name}\n--- go ({}):\n{}{}\n--- gomodx ({}):\n{}{}",
                want.status,
                String::from_utf8_lossy(&want.stdout),
                stderr(&want),
                got.status,
                String::from_utf8_lossy(&got.stdout),
                stderr(&got),
            ));
        }
    }
    Some(mismatches)
}

#[test]
fn random_universes_match_go() {
    let mut seeds = regression_seeds();
    seeds.extend(1..=UNIVERSES);
    seeds.sort_unstable();
    seeds.dedup();
    let next = AtomicUsize::new(0);
    let compared = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(&seed) = seeds.get(next.fetch_add(1, Ordering::Relaxed)) {
                    match compare(seed) {
                        None => return,
                        Some(mismatches) => {
                            compared.fetch_add(1, Ordering::Relaxed);
                            failures.lock().unwrap().extend(mismatches);
                        }
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures[..failures.len().min(6)].join("\n\n")
    );
    // 0 only when go is not installed (go_bin panics under CI instead).
    let compared = compared.into_inner();
    if compared > 0 {
        assert_eq!(compared, seeds.len(), "every universe was compared");
    }
}
