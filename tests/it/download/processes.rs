//! Processes that die or race: a download killed with SIGKILL leaves no
//! visible partial file and a re-run finishes it; two processes sharing
//! one store and one GOMODCACHE both succeed and download each zip once.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use gomodx_test::server::Faults;
use gomodx_test::{GoEnv, ProxyServer, ProxyTree, UniverseConfig};

use super::harness::{
    Gomodx, assert_no_partial_files, assert_same_listing, assert_same_modcache,
    assert_store_intact, every_version, go_env, kill_mid_zip, listing, stderr,
};
use crate::universes::{self, OnDisk};

/// Every `.zip` present in GOMODCACHE is complete: it hashes to its `.ziphash`.
fn assert_visible_zips_complete(mod_cache: &Path) {
    for entry in walkdir::WalkDir::new(mod_cache.join("cache/download")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "zip") {
            let ziphash = std::fs::read_to_string(entry.path().with_extension("ziphash")).unwrap();
            assert_eq!(
                gomodx_modzip::h1::hash_zip(entry.path()).unwrap(),
                ziphash,
                "{}",
                entry.path().display()
            );
        }
    }
}

/// `download` and every version of `tree`: the arguments both tests run.
fn download_args(tree: &ProxyTree) -> Vec<String> {
    std::iter::once("download".to_owned())
        .chain(every_version(tree, &[]))
        .collect()
}

/// `go mod args…` in `main` over `tree`'s `file://` proxy, which must
/// succeed; `None` when go is not installed.
fn go_mod(tree: &ProxyTree, main: &Path, args: &[&str]) -> Option<GoEnv> {
    let go = go_env(&tree.file_url())?;
    go.run_ok(main, &[&["mod"][..], args].concat());
    Some(go)
}

#[test]
fn killed_download_leaves_nothing_partial_and_rerun_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let config = UniverseConfig {
        zip_bytes_total: 24 << 20,
        ..universes::config(51, 4)
    };
    let OnDisk { tree, main, .. } = universes::write(tmp.path(), config);
    let server = ProxyServer::start(tree.root.clone(), Faults::none().bandwidth(2 << 20));
    let args = download_args(&tree);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    let gomodx = Gomodx::new(&server.url());
    let mut child = gomodx
        .command(&main, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    kill_mid_zip(&server, &mut child);

    assert_visible_zips_complete(&gomodx.mod_cache());
    assert_store_intact(&gomodx.store());

    server.set_faults(Faults::none());
    let output = gomodx.run(&main, &args);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_no_partial_files(&gomodx.mod_cache());
    assert_visible_zips_complete(&gomodx.mod_cache());
    assert_eq!(assert_store_intact(&gomodx.store()), 3 * tree.modules.len());

    let Some(go) = go_mod(&tree, &main, &args) else {
        return;
    };
    assert_same_listing(
        "GOMODCACHE",
        &listing(&go.gomodcache(), None, false),
        &listing(&gomodx.mod_cache(), None, false),
    );
}

#[test]
fn two_processes_share_one_store_and_modcache() {
    let tmp = tempfile::tempdir().unwrap();
    let OnDisk { tree, main, .. } = universes::write(tmp.path(), universes::config(52, 10));
    let server = ProxyServer::start(
        tree.root.clone(),
        Faults::none().latency(Duration::from_millis(20)),
    );
    let args = download_args(&tree);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    let gomodx = Gomodx::new(&server.url());
    let children: Vec<_> = (0..2)
        .map(|_| {
            gomodx
                .command(&main, &args)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
    }
    assert_eq!(
        server.count(|p| p.ends_with(".zip")),
        tree.modules.len(),
        "the store's per-version lock makes the processes download each zip once"
    );
    assert_no_partial_files(&gomodx.mod_cache());
    assert_eq!(assert_store_intact(&gomodx.store()), 3 * tree.modules.len());

    let Some(go) = go_mod(&tree, &main, &args) else {
        return;
    };
    assert_same_modcache(&go.gomodcache(), &gomodx.mod_cache());
}
