//! Zips fetched ahead of the module graph: with an untidy main go.mod (it
//! requires a version lower than the one the graph selects), the lower
//! version's zip is fetched ahead — and must then stay out of GOMODCACHE,
//! which must end up exactly as go leaves it, with nothing staged left in
//! the store.

use std::time::Duration;

use gomodx_module::ModuleVersion;
use gomodx_test::ProxyServer;
use gomodx_test::server::Faults;

use super::harness::{Gomodx, assert_same_modcache, copy_dir, go_env, stderr, testdata_main};

#[test]
fn an_untidy_requirement_fetched_ahead_stays_out_of_gomodcache() {
    let tmp = tempfile::tempdir().unwrap();
    // rsc.io/quote v1.5.2 requires rsc.io/sampler v1.3.0: v1.2.0 is not selected.
    let (tree, main) = testdata_main(
        tmp.path(),
        "module example.com/m\n\ngo 1.21\n\nrequire (\n\trsc.io/quote v1.5.2\n\trsc.io/sampler v1.2.0\n)\n",
    );
    let go_sum: String = [
        ("rsc.io/quote", "v1.5.2"),
        ("rsc.io/sampler", "v1.2.0"),
        ("rsc.io/sampler", "v1.3.0"),
        ("golang.org/x/text", "v0.0.0-20170915032832-14c0d48ead0c"),
    ]
    .iter()
    .map(|(path, version)| {
        tree.go_sum_lines(&ModuleVersion::new(*path, *version))
            .unwrap()
    })
    .collect();
    std::fs::write(main.join("go.sum"), go_sum).unwrap();
    // Each go.mod round trip takes a while, so the zips asked for ahead
    // are on their way before the graph is loaded.
    let server = ProxyServer::start(
        tree.root.clone(),
        Faults::none().latency(Duration::from_millis(40)),
    );
    let (ours, theirs) = (tmp.path().join("ours"), tmp.path().join("go"));
    copy_dir(&main, &ours);
    copy_dir(&main, &theirs);

    let gomodx = Gomodx::new(&server.url());
    let output = gomodx.run(&ours, &["download"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let zips =
        |version: &str| server.count(|p| p.ends_with(&format!("rsc.io/sampler/@v/{version}.zip")));
    assert_eq!(zips("v1.2.0"), 1, "the required version is fetched ahead");
    assert_eq!(zips("v1.3.0"), 1, "the selected version once");
    let staged: Vec<_> = walkdir::WalkDir::new(gomodx.store().join("tmp"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().display().to_string())
        .collect();
    assert!(staged.is_empty(), "left in the store's tmp/: {staged:?}");
    let unselected = gomodx.mod_cache().join("rsc.io/sampler@v1.2.0");
    assert!(!unselected.exists(), "{} exported", unselected.display());

    let Some(go) = go_env(&server.url()) else {
        crate::workspace::skipped();
        return;
    };
    let want = go.run(&theirs, &["mod", "download"]);
    assert!(want.status.success(), "go: {}", stderr(&want));
    for file in ["go.mod", "go.sum"] {
        assert_eq!(
            std::fs::read_to_string(ours.join(file)).unwrap(),
            std::fs::read_to_string(theirs.join(file)).unwrap(),
            "{file}"
        );
    }
    assert_same_modcache(&go.gomodcache(), &gomodx.mod_cache());
}
