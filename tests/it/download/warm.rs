//! Warm downloads: every module already complete in GOMODCACHE is answered
//! from there (`Fetcher::download_now`, no store read, no task) — with the
//! `-json` objects, go.sum and cache go has on the same input, no request,
//! and with the download path taking over for whatever go.sum does not
//! vouch for or GOMODCACHE has lost or spoiled.

use std::path::Path;

use gomodx_module::ModuleVersion;
use gomodx_test::ProxyServer;
use gomodx_test::server::Faults;

use super::harness::{
    Gomodx, assert_same_modcache, copy_dir, go_env, normalize_json, stderr, zipped,
};
use crate::universes::{self, OnDisk};

/// A module's GOMODCACHE file `cache/download/<path>/@v/<version>.<suffix>`.
fn cache_file(mod_cache: &Path, module: &ModuleVersion, suffix: &str) -> std::path::PathBuf {
    let escaped = gomodx_module::escape::escape_path(&module.path).unwrap();
    mod_cache
        .join("cache/download")
        .join(escaped)
        .join("@v")
        .join(format!("{}.{suffix}", module.version))
}

#[test]
fn warm_download_answers_from_gomodcache_as_go_does_and_repairs_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let OnDisk { tree, main, .. } = universes::write(tmp.path(), universes::config(61, 10));
    let server = ProxyServer::start(tree.root.clone(), Faults::none());
    let Some(go) = go_env(&server.url()) else {
        crate::workspace::skipped();
        return;
    };
    let (ours, theirs) = (tmp.path().join("ours"), tmp.path().join("go"));
    copy_dir(&main, &ours);
    copy_dir(&main, &theirs);
    let want = go.mod_download_json(&theirs, &["all"]);
    let want = normalize_json(&want, &go.gomodcache());
    let modules = zipped(&want);
    assert!(modules.len() >= 3, "too few modules: {want:?}");

    let gomodx = Gomodx::new(&server.url());
    let cache = gomodx.mod_cache();
    let (first, _) = gomodx.download_json(&ours, &["all"]);
    assert!(first.status.success(), "{}", stderr(&first));

    // Warm: go's objects, not one request.
    server.clear_requests();
    let (warm, objects) = gomodx.download_json(&ours, &["all"]);
    assert!(warm.status.success(), "{}", stderr(&warm));
    assert_eq!(server.requests(), [], "a warm download needs no network");
    assert_eq!(normalize_json(&objects, &cache), want);
    assert!(
        stderr(&warm).contains(&format!("0 downloaded (0 B), {} from store", want.len())),
        "{}",
        stderr(&warm)
    );

    // Spoiled or lost in GOMODCACHE: taken from the store again, offline.
    let (zip_hash, info, tree_file) = (&modules[0], &modules[1], &modules[2]);
    std::fs::write(cache_file(&cache, zip_hash, "ziphash"), "h1:spoiled=").unwrap();
    std::fs::write(cache_file(&cache, info, "info"), "{not json").unwrap();
    let dir = cache.join(format!(
        "{}@{}",
        gomodx_module::escape::escape_path(&tree_file.path).unwrap(),
        tree_file.version
    ));
    gomodx_fs::remove_dir_all_force(&dir).unwrap();
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(cache_file(&cache, tree_file, "partial"), "").unwrap();
    let mut offline = gomodx;
    offline.set("GOPROXY", "off");
    let (repaired, objects) = offline.download_json(&ours, &["all"]);
    assert!(repaired.status.success(), "{}", stderr(&repaired));
    assert_eq!(normalize_json(&objects, &cache), want);
    assert_same_modcache(&go.gomodcache(), &cache);

    // A go.sum without the modules' lines: the download path adds them.
    for work in [&ours, &theirs] {
        std::fs::remove_file(work.join("go.sum")).unwrap();
    }
    let (summed, _) = offline.download_json(&ours, &["all"]);
    assert!(summed.status.success(), "{}", stderr(&summed));
    go.run_ok(&theirs, &["mod", "download", "all"]);
    assert_eq!(
        std::fs::read_to_string(ours.join("go.sum")).unwrap(),
        std::fs::read_to_string(theirs.join("go.sum")).unwrap(),
        "go.sum"
    );
    let verify = go.run(&ours, &["mod", "verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
}
