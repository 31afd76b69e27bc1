//! An existing module cache is a source: a GOMODCACHE that go filled is
//! adopted into gomodx's (empty) store instead of fetched again, so
//! `GOPROXY=off gomodx download` works wherever the same go command works;
//! a damaged file there is not adopted but fetched and repaired.

use gomodx_test::ProxyServer;
use gomodx_test::server::Faults;

use crate::download::harness::{Gomodx, go_env, stderr};
use crate::universes::{self, OnDisk};

/// A cache filled by `go mod download all`; then gomodx with an empty
/// store, offline, prints go's JSON and takes every zip into its store; a
/// second GOMODCACHE is then filled from the store alone.
#[test]
fn go_filled_cache_is_adopted_offline() {
    let tmp = tempfile::tempdir().unwrap();
    let OnDisk { tree, main, .. } = universes::write(tmp.path(), universes::config(47, 8));
    let Some(go) = go_env(&tree.file_url()) else {
        return;
    };
    let want = go.run_ok(&main, &["mod", "download", "-json", "all"]);
    let zips = want.matches("\"Zip\":").count();
    assert!(zips > 0, "go downloaded no zip");

    let mut gomodx = Gomodx::new("off");
    gomodx
        .set("GOMODCACHE", go.gomodcache())
        .set("GOPATH", go.gopath());
    let got = gomodx.run(&main, &["download", "-json", "all"]);
    assert!(got.status.success(), "gomodx offline: {}", stderr(&got));
    assert_eq!(String::from_utf8_lossy(&got.stdout), want);
    let verify = go.run(&main, &["mod", "verify"]);
    assert!(
        verify.status.success(),
        "go mod verify: {}",
        stderr(&verify)
    );

    // The store now holds them: a fresh GOMODCACHE, still offline.
    let fresh = tmp.path().join("fresh-modcache");
    gomodx.set("GOMODCACHE", &fresh);
    let again = gomodx.run(&main, &["download", "-json", "all"]);
    assert!(again.status.success(), "from the store: {}", stderr(&again));
    let zips_now = walkdir::WalkDir::new(&fresh)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".zip"))
        .count();
    assert_eq!(zips_now, zips);
}

/// Only what the proxy must serve is fetched: nothing for a complete cache;
/// a zip that no longer matches its `.ziphash`, and a go.mod that go.sum
/// contradicts, are fetched again and repaired (go mod verify passes), not
/// adopted.
#[test]
fn damaged_files_are_fetched_not_adopted() {
    let tmp = tempfile::tempdir().unwrap();
    let OnDisk { tree, main, .. } = universes::write(tmp.path(), universes::config(48, 6));
    let server = ProxyServer::start(tree.root.clone(), Faults::none());
    let Some(go) = go_env(&server.url()) else {
        return;
    };
    let objects = go.mod_download_json(&main, &["all"]);
    let damaged = objects
        .iter()
        .find_map(|o| o["Zip"].as_str())
        .expect("a zip")
        .to_owned();
    // Truncated (bytes appended after a zip's end would still read as it).
    let bytes = std::fs::read(&damaged).unwrap();
    std::fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();
    // A go.mod that go.sum contradicts (GOMODCACHE has no hash beside it).
    let bad_mod = objects
        .iter()
        .filter_map(|o| o["GoMod"].as_str())
        .find(|m| !damaged.starts_with(m.trim_end_matches(".mod")))
        .expect("another go.mod")
        .to_owned();
    let mut text = std::fs::read(&bad_mod).unwrap();
    text.extend_from_slice(b"// tampered\n");
    std::fs::write(&bad_mod, text).unwrap();
    server.clear_requests();

    let mut gomodx = Gomodx::new(&server.url());
    gomodx
        .set("GOMODCACHE", go.gomodcache())
        .set("GOPATH", go.gopath());
    let got = gomodx.run(&main, &["download", "all"]);
    assert!(got.status.success(), "gomodx: {}", stderr(&got));
    let requests: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    let (_, url_path) = damaged.split_once("cache/download").unwrap();
    let zips: Vec<&String> = requests.iter().filter(|p| p.ends_with(".zip")).collect();
    assert_eq!(zips, [url_path], "only the damaged zip is fetched");
    let (_, mod_url) = bad_mod.split_once("cache/download").unwrap();
    let mods: Vec<&String> = requests.iter().filter(|p| p.ends_with(".mod")).collect();
    assert_eq!(mods, [mod_url], "only the contradicted go.mod is fetched");
    assert!(
        !requests.iter().any(|p| p.ends_with(".info")),
        "adopted .info fetched again: {requests:?}"
    );
    let verify = go.run(&main, &["mod", "verify"]);
    assert!(
        verify.status.success(),
        "go mod verify: {}",
        stderr(&verify)
    );
}
