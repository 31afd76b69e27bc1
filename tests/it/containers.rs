//! Warm module caches for container images and CI: `gomodx download
//! --modcache DIR` from go.mod/go.sum alone, `--for-build` slim caches,
//! `--reproducible` trees, and `cache export` / `cache import` tarballs —
//! each time go 1.27 then builds the main module with `GOPROXY=off` and
//! go's default `-mod=readonly` from that cache alone.

use std::path::Path;

use gomodx_test::ProxyServer;
use gomodx_test::server::Faults;
use sha2::{Digest, Sha256};

use crate::download::harness::{Gomodx, copy_dir, go_env, listing, stderr};
use crate::universes::{self, OnDisk};

/// `gomodx args…` in `main`, which must succeed; returns stderr.
fn gomodx_ok(gomodx: &Gomodx, main: &Path, args: &[&str]) -> String {
    let output = gomodx.run(main, args);
    assert!(
        output.status.success(),
        "gomodx {args:?}: {}",
        stderr(&output)
    );
    stderr(&output)
}

/// go builds a copy of `main` from `mod_cache` alone (`GOPROXY=off`,
/// go's default `-mod=readonly`). Returns false when go is not installed.
fn go_builds_offline(main: &Path, mod_cache: &Path) -> bool {
    let Some(mut go) = go_env("off") else {
        return false;
    };
    go.set("GOMODCACHE", mod_cache)
        .set("GOFLAGS", "-modcacherw");
    let work = go.root().join("main");
    copy_dir(main, &work);
    let binary = go.root().join("main.bin");
    go.run_ok(&work, &["build", "-o", binary.to_str().unwrap(), "."]);
    assert!(binary.is_file());
    true
}

fn sha256(file: &Path) -> String {
    Sha256::digest(std::fs::read(file).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn files_with_suffix(root: &Path, suffix: &str) -> usize {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name().to_string_lossy().ends_with(suffix))
        .count()
}

#[test]
fn warm_cache_from_go_mod_and_go_sum_builds_offline() {
    let tmp = tempfile::tempdir().unwrap();
    let OnDisk { tree, main, .. } = universes::write(tmp.path(), universes::config(41, 8));
    let server = ProxyServer::start(tree.root.clone(), Faults::none());
    let gomodx = Gomodx::new(&server.url());
    let dir = tmp.path().join("layer/modcache");
    gomodx_ok(
        &gomodx,
        &main,
        &["download", "--modcache", dir.to_str().unwrap()],
    );
    assert!(files_with_suffix(&dir, ".zip") > 0);
    assert!(
        !gomodx.mod_cache().exists(),
        "GOMODCACHE is left alone with --modcache"
    );
    go_builds_offline(&main, &dir);
}

#[test]
fn slim_caches_build_offline_and_are_smaller() {
    let tmp = tempfile::tempdir().unwrap();
    let OnDisk { tree, main, .. } = universes::write(tmp.path(), universes::config(43, 8));
    let gomodx = Gomodx::new(&tree.file_url());
    for keep in ["trees", "zips"] {
        let dir = tmp.path().join(format!("slim-{keep}"));
        let text = gomodx_ok(
            &gomodx,
            &main,
            &[
                "download",
                "--modcache",
                dir.to_str().unwrap(),
                &format!("--for-build={keep}"),
            ],
        );
        assert!(text.contains("Slimmed"), "{text}");
        assert!(
            text.contains("against a full `go mod download` cache"),
            "{text}"
        );
        assert_eq!(files_with_suffix(&dir, ".info"), 0);
        assert_eq!(files_with_suffix(&dir, ".lock"), 0);
        assert!(files_with_suffix(&dir, ".mod") > 0);
        let zips = files_with_suffix(&dir, ".zip");
        assert_eq!(zips == 0, keep == "trees", "{keep}: {zips} zips");
        if !go_builds_offline(&main, &dir) {
            return;
        }
    }
}

#[test]
fn reproducible_caches_and_tarballs_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let OnDisk { tree, main, .. } = universes::write(tmp.path(), universes::config(45, 8));
    let mut tarballs = Vec::new();
    let mut listings = Vec::new();
    for run in 0..2 {
        if run == 1 {
            std::thread::sleep(std::time::Duration::from_millis(1100));
        }
        // A new environment each time: its own store, cache and temp dirs.
        let gomodx = Gomodx::new(&tree.file_url());
        let dir = gomodx.mod_cache();
        gomodx_ok(&gomodx, &main, &["download", "--reproducible"]);
        listings.push((listing(&dir, None, true), mtimes(&dir)));
        let tar = tmp.path().join(format!("run{run}/modcache.tar"));
        std::fs::create_dir_all(tar.parent().unwrap()).unwrap();
        gomodx_ok(
            &gomodx,
            &main,
            &["cache", "export", "--tar", tar.to_str().unwrap()],
        );
        tarballs.push(sha256(&tar));
    }
    assert_eq!(listings[0], listings[1], "reproducible trees");
    assert_eq!(listings[0].1.len(), 1, "one mtime: {:?}", listings[0].1);
    assert_eq!(tarballs[0], tarballs[1], "reproducible tarballs");
}

/// Every distinct mtime under `root`.
fn mtimes(root: &Path) -> std::collections::BTreeSet<std::time::SystemTime> {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap().metadata().unwrap().modified().unwrap())
        .collect()
}

/// Exports a warm cache, imports it into a fresh directory (no network,
/// checking go.sum), and go builds from that; a tampered copy is refused
/// and leaves nothing behind.
#[test]
fn imported_tarball_builds_offline_and_tampering_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let OnDisk { tree, main, .. } = universes::write(tmp.path(), universes::config(47, 8));
    let gomodx = Gomodx::new(&tree.file_url());
    gomodx_ok(&gomodx, &main, &["download"]);
    let tar = tmp.path().join("modcache.tar");
    gomodx_ok(
        &gomodx,
        &main,
        &["cache", "export", "--tar", tar.to_str().unwrap()],
    );

    let offline = Gomodx::new("off");
    let fresh = tmp.path().join("fresh/modcache");
    let text = gomodx_ok(
        &offline,
        &main,
        &[
            "cache",
            "import",
            tar.to_str().unwrap(),
            "--modcache",
            fresh.to_str().unwrap(),
        ],
    );
    assert!(text.contains("Imported"), "{text}");
    assert_eq!(
        listing(&fresh, None, false),
        listing(&gomodx.mod_cache(), None, false),
        "the imported cache holds what was exported"
    );
    if !go_builds_offline(&main, &fresh) {
        return;
    }

    let tampered = tmp.path().join("tampered.tar");
    std::fs::write(&tampered, tamper(&std::fs::read(&tar).unwrap())).unwrap();
    let target = tmp.path().join("target/modcache");
    let output = offline.run(
        &main,
        &[
            "cache",
            "import",
            tampered.to_str().unwrap(),
            "--modcache",
            target.to_str().unwrap(),
        ],
    );
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("has been modified"),
        "{}",
        stderr(&output)
    );
    let left: Vec<_> = std::fs::read_dir(tmp.path().join("target"))
        .unwrap()
        .collect();
    assert!(left.is_empty(), "nothing left behind: {left:?}");
}

/// The tarball with one byte changed in the first `.go` file of an
/// extracted tree (the header checksum does not cover data, so the
/// tarball stays well-formed).
fn tamper(tar_bytes: &[u8]) -> Vec<u8> {
    let mut archive = tar::Archive::new(tar_bytes);
    let offset = archive
        .entries()
        .unwrap()
        .map(Result::unwrap)
        .find(|e| {
            let name = e.path().unwrap().display().to_string();
            name.contains('@') && !name.starts_with("cache/") && name.ends_with(".go")
        })
        .map(|e| e.raw_file_position())
        .expect("a tree holds a .go file");
    let mut bytes = tar_bytes.to_vec();
    let at = usize::try_from(offset).unwrap();
    bytes[at] ^= 0x20;
    bytes
}

/// docs/containers.md's recipe for a module with a local `replace`: the
/// layer is built from go.mod, go.sum and the replacement's go.mod alone,
/// and go then builds the full source from it offline, in its default
/// `-mod=readonly`.
#[test]
fn local_replace_layer_from_go_mod_files_builds_offline() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
    let Some(go) = go_env(&tree.file_url()) else {
        return;
    };
    let src = tmp.path().join("src");
    for (name, content) in [
        (
            "go.mod",
            "module example.com/app\n\ngo 1.21\n\nrequire example.com/gen v0.0.0\n\nreplace example.com/gen => ./tools/gen\n",
        ),
        (
            "main.go",
            "package main\n\nimport \"example.com/gen\"\n\nfunc main() { println(gen.Hello()) }\n",
        ),
        (
            "tools/gen/go.mod",
            "module example.com/gen\n\ngo 1.21\n\nrequire rsc.io/quote v1.5.2\n",
        ),
        (
            "tools/gen/gen.go",
            "package gen\n\nimport \"rsc.io/quote\"\n\nfunc Hello() string { return quote.Hello() }\n",
        ),
    ] {
        let file = src.join(name);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, content).unwrap();
    }
    go.run_ok(&src, &["mod", "tidy"]);
    // The module layer's build context: the files the recipe copies.
    let layer = tmp.path().join("layer");
    for name in ["go.mod", "go.sum", "tools/gen/go.mod"] {
        std::fs::create_dir_all(layer.join(name).parent().unwrap()).unwrap();
        std::fs::copy(src.join(name), layer.join(name)).unwrap();
    }
    let gomodx = Gomodx::new(&tree.file_url());
    let dir = tmp.path().join("modcache");
    gomodx_ok(
        &gomodx,
        &layer,
        &[
            "download",
            "--modcache",
            dir.to_str().unwrap(),
            "--for-build",
        ],
    );
    assert!(go_builds_offline(&src, &dir));
}
