//! Killed processes: what a SIGKILLed gomodx leaves is swept by the next
//! run (never what a live process is writing), and however often and
//! whenever downloads are killed, go only ever sees complete artifacts.
//!
//! The crash loop runs a CI-sized number of kills by default (10, about
//! 30 s), with GOMODCACHE, the store or both wiped before some of them.
//! For a long run set `GOMODX_CRASH_LOOP_ITERATIONS` (e.g. `500`); every
//! run prints its seed, and `GOMODX_CRASH_LOOP_SEED=<seed>` replays one.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use gomodx_fs::{FileLock, remove_dir_all_force};
use gomodx_module::escape::{escape_path, escape_version};
use gomodx_test::server::Faults;
use gomodx_test::{ProxyServer, ProxyTree, UniverseConfig};

use crate::download::harness::{
    Gomodx, assert_store_intact, every_version, go_env, kill_mid_zip, stderr,
};
use crate::universes::{self, OnDisk};

/// `download` and every version of `tree`.
fn download_args(tree: &ProxyTree) -> Vec<String> {
    std::iter::once("download".to_owned())
        .chain(every_version(tree, &[]))
        .collect()
}

/// Starts `gomodx args…` with its output discarded.
fn spawn(gomodx: &Gomodx, main: &Path, args: &[String]) -> Child {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    gomodx
        .command(main, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Runs `gomodx args…`, which must succeed.
fn run_ok(gomodx: &Gomodx, main: &Path, args: &[String]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = gomodx.run(main, &args);
    assert!(
        output.status.success(),
        "gomodx {args:?}: {}",
        stderr(&output)
    );
}

/// Everything below the store's `tmp/`, relative to it.
fn store_temps(store: &Path) -> Vec<String> {
    let tmp = store.join("tmp");
    let mut found: Vec<String> = walkdir::WalkDir::new(&tmp)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            e.path()
                .strip_prefix(&tmp)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    found
}

/// Temporary and half-extracted files in a GOMODCACHE.
fn modcache_temps(mod_cache: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(mod_cache)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.ends_with(".tmp") || name.ends_with(".partial") || name.contains(".tmp-")
        })
        .collect()
}

/// `cache/download/<path>/@v/<version>` (without extension) of `tree`'s `index`th module.
fn version_file(mod_cache: &Path, tree: &ProxyTree, index: usize) -> PathBuf {
    let module = &tree.modules[index];
    mod_cache
        .join("cache/download")
        .join(escape_path(&module.path).unwrap())
        .join("@v")
        .join(escape_version(&module.version).unwrap())
}

/// Every zip go can see is complete: it hashes to its `.ziphash`.
fn assert_visible_zips_complete(mod_cache: &Path) {
    let downloads = mod_cache.join("cache/download");
    if !downloads.exists() {
        return;
    }
    for entry in walkdir::WalkDir::new(downloads) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "zip") {
            let ziphash = std::fs::read_to_string(entry.path().with_extension("ziphash"))
                .unwrap_or_else(|e| panic!("{}: .ziphash: {e}", entry.path().display()));
            assert_eq!(
                gomodx_modzip::h1::hash_zip(entry.path()).unwrap(),
                ziphash,
                "{}",
                entry.path().display()
            );
        }
    }
}

/// Every extracted tree go would use (one without a `.partial` marker)
/// hashes to its `.ziphash`.
fn assert_visible_trees_complete(mod_cache: &Path, tree: &ProxyTree) {
    for (index, module) in tree.modules.iter().enumerate() {
        let dir = mod_cache.join(format!(
            "{}@{}",
            escape_path(&module.path).unwrap(),
            escape_version(&module.version).unwrap()
        ));
        let base = version_file(mod_cache, tree, index).display().to_string();
        if !dir.exists() || Path::new(&format!("{base}.partial")).exists() {
            continue;
        }
        let ziphash = std::fs::read_to_string(format!("{base}.ziphash")).unwrap();
        let prefix = format!("{}@{}", module.path, module.version);
        assert_eq!(
            gomodx_modzip::h1::hash_dir(&dir, &prefix).unwrap(),
            ziphash,
            "{}",
            dir.display()
        );
    }
}

/// `go mod verify` and an offline `go build ./...` over gomodx's GOMODCACHE;
/// skipped (go_bin says SKIPPED) without go.
fn assert_go_accepts(gomodx: &Gomodx, main: &Path) {
    let Some(go) = go_env("off") else {
        return;
    };
    for step in [&["mod", "verify"][..], &["build", "./..."]] {
        let output = go
            .command(main, step)
            .env("GOMODCACHE", gomodx.mod_cache())
            .env("GOFLAGS", "-modcacherw -mod=mod")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "go {step:?} on gomodx's cache: {}",
            stderr(&output)
        );
    }
}

/// `gomodx cache verify` finds nothing wrong.
fn assert_cache_verify_clean(gomodx: &Gomodx, main: &Path) {
    let output = gomodx.run(main, &["cache", "verify"]);
    assert!(
        output.status.success(),
        "gomodx cache verify: {}",
        stderr(&output)
    );
}

#[test]
fn the_next_run_sweeps_a_killed_download_s_temps_but_not_a_live_one_s() {
    let tmp = tempfile::tempdir().unwrap();
    let config = UniverseConfig {
        zip_bytes_total: 24 << 20,
        ..universes::config(61, 4)
    };
    let OnDisk { tree, main, .. } = universes::write(tmp.path(), config);
    let server = ProxyServer::start(tree.root.clone(), Faults::none().bandwidth(2 << 20));
    let args = download_args(&tree);
    let gomodx = Gomodx::new(&server.url());

    let mut child = spawn(&gomodx, &main, &args);
    kill_mid_zip(&server, &mut child);
    let left = store_temps(&gomodx.store());
    assert!(
        left.iter().any(|name| name.contains('/')),
        "the killed download left its staged zip in the store: {left:?}"
    );

    // What a live writer holds, in the store's layout (its staging and the
    // flock on its lock file) and in GOMODCACHE (a locked gomodx temp).
    let tmp_dir = gomodx.store().join("tmp");
    let _live_store = FileLock::exclusive(&tmp_dir.join("p-live.lock")).unwrap();
    std::fs::create_dir(tmp_dir.join("p-live")).unwrap();
    std::fs::write(tmp_dir.join("p-live/blob"), "in flight").unwrap();
    // What a kill between a `.info`'s temp file and its rename leaves: the
    // temp, no `.info`; and a live gomodx's `.mod` temp next to it.
    let base = version_file(&gomodx.mod_cache(), &tree, 0);
    let info = PathBuf::from(format!("{}.info", base.display()));
    std::fs::create_dir_all(info.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&info);
    let dead_temp = PathBuf::from(format!("{}.gomodx-123.tmp", info.display()));
    std::fs::write(&dead_temp, "{\"Vers").unwrap();
    let live_temp = PathBuf::from(format!("{}.mod.gomodx-456.tmp", base.display()));
    std::fs::write(&live_temp, "module").unwrap();
    let _live_modcache = FileLock::exclusive(&live_temp).unwrap();

    server.set_faults(Faults::none());
    run_ok(&gomodx, &main, &args);
    assert_eq!(
        store_temps(&gomodx.store()),
        ["p-live", "p-live.lock", "p-live/blob"],
        "only the live process's staging is left in the store's tmp/"
    );
    assert_eq!(
        modcache_temps(&gomodx.mod_cache()),
        [live_temp],
        "only the live temp is left in GOMODCACHE"
    );
    assert!(info.is_file());
    assert_visible_zips_complete(&gomodx.mod_cache());
    assert_eq!(assert_store_intact(&gomodx.store()), 3 * tree.modules.len());
    assert_cache_verify_clean(&gomodx, &main);
    assert_go_accepts(&gomodx, &main);
}

/// A small deterministic generator (SplitMix64) for the crash loop.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

/// A number from the environment variable `key`, else `default`.
fn env_number(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{key}={v} is not a number"))
        })
        .unwrap_or(default)
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "the seed and each kill, to replay a failure"
)]
fn crash_loop_leaves_only_complete_artifacts_visible() {
    let seed = env_number(
        "GOMODX_CRASH_LOOP_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    );
    let iterations = env_number("GOMODX_CRASH_LOOP_ITERATIONS", 10);
    eprintln!(
        "crash loop: seed {seed}, {iterations} iterations \
         (GOMODX_CRASH_LOOP_SEED={seed} replays it)"
    );
    let mut rng = Rng(seed);
    let tmp = tempfile::tempdir().unwrap();
    let config = UniverseConfig {
        zip_bytes_total: 6 << 20,
        ..universes::config(62, 6)
    };
    let OnDisk { tree, main, .. } = universes::write(tmp.path(), config);
    let server = ProxyServer::start(
        tree.root.clone(),
        Faults::none()
            .latency(Duration::from_millis(2))
            .bandwidth(12 << 20),
    );
    let args = download_args(&tree);
    let gomodx = Gomodx::new(&server.url());

    for iteration in 0..iterations {
        let wipe = rng.below(10);
        if matches!(wipe, 0 | 1 | 4) {
            remove_dir_all_force(&gomodx.mod_cache()).unwrap();
        }
        if (2..=4).contains(&wipe) {
            remove_dir_all_force(&gomodx.store()).unwrap();
        }
        let mut child = spawn(&gomodx, &main, &args);
        // Half the kills early enough to hit warm runs too.
        let longest = if rng.below(2) == 0 { 150 } else { 1000 };
        let delay = Duration::from_millis(rng.below(longest));
        let started = Instant::now();
        while started.elapsed() < delay && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(5));
        }
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap(); // SIGKILL, unless it finished
        let status = child.wait().unwrap();
        let wiped = ["", "GOMODCACHE wiped, ", "store wiped, ", "both wiped, "][match wipe {
            0 | 1 => 1,
            2 | 3 => 2,
            4 => 3,
            _ => 0,
        }];
        eprintln!(
            "iteration {iteration}: {wiped}{}",
            if finished {
                format!("finished ({status})")
            } else {
                format!("killed after {delay:?}")
            }
        );
        assert_visible_zips_complete(&gomodx.mod_cache());
        assert_visible_trees_complete(&gomodx.mod_cache(), &tree);
    }

    run_ok(&gomodx, &main, &args);
    assert_eq!(store_temps(&gomodx.store()), Vec::<String>::new());
    assert_eq!(modcache_temps(&gomodx.mod_cache()), Vec::<PathBuf>::new());
    assert_visible_zips_complete(&gomodx.mod_cache());
    assert_eq!(assert_store_intact(&gomodx.store()), 3 * tree.modules.len());
    assert_cache_verify_clean(&gomodx, &main);
    assert_go_accepts(&gomodx, &main);
}
