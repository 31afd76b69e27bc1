//! Many processes on one store and one GOMODCACHE: eight gomodx processes
//! and a go command at once. The store's per-artifact locks make the gomodx
//! processes fetch every `.info`, `.mod` and `.zip` once between them, all
//! of them succeed, and go, running meanwhile, succeeds too.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

use gomodx_test::ProxyServer;
use gomodx_test::server::Faults;

use crate::download::harness::{
    Gomodx, assert_no_partial_files, assert_store_intact, every_version, go_env, stderr,
};
use crate::universes::{self, OnDisk};

/// How many gomodx processes run at once.
const PROCESSES: usize = 8;

#[test]
#[allow(
    clippy::print_stderr,
    reason = "the request counts are the figures to compare"
)]
fn eight_processes_and_go_fetch_each_artifact_once_and_all_succeed() {
    let tmp = tempfile::tempdir().unwrap();
    let OnDisk { tree, main, .. } = universes::write(tmp.path(), universes::config(63, 12));
    let faults = || Faults::none().latency(Duration::from_millis(20));
    let server = ProxyServer::start(tree.root.clone(), faults());
    // go gets its own server, so that the counts below are gomodx's.
    let go_server = ProxyServer::start(tree.root.clone(), faults());
    let args: Vec<String> = std::iter::once("download".to_owned())
        .chain(every_version(&tree, &[]))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let gomodx = Gomodx::new(&server.url());

    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            gomodx
                .command(&main, &args)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let go = go_env(&go_server.url()).map(|go| {
        go.command(&main, &["run", "."])
            .env("GOMODCACHE", gomodx.mod_cache())
            .env("GOFLAGS", "-modcacherw -mod=mod")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    });
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "gomodx: {}", stderr(&output));
    }
    if let Some(go) = go {
        let output = go.wait_with_output().unwrap();
        assert!(output.status.success(), "go run: {}", stderr(&output));
    }

    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for request in server.requests() {
        if [".info", ".mod", ".zip"]
            .iter()
            .any(|ext| request.path.ends_with(ext))
        {
            *counts.entry(request.path).or_default() += 1;
        }
    }
    for ext in [".info", ".mod", ".zip"] {
        let total: usize = counts
            .iter()
            .filter(|(path, _)| path.ends_with(ext))
            .map(|(_, n)| n)
            .sum();
        eprintln!(
            "{PROCESSES} processes, {} module versions: {total} {ext} requests",
            tree.modules.len()
        );
    }
    // At most once each: what go fetched first may be adopted from
    // GOMODCACHE instead; the store ends up with every artifact either way.
    assert!(counts.len() <= 3 * tree.modules.len(), "{counts:#?}");
    let repeated: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "fetched more than once: {repeated:#?}");

    assert_no_partial_files(&gomodx.mod_cache());
    assert_eq!(assert_store_intact(&gomodx.store()), 3 * tree.modules.len());
    let output = gomodx.run(&main, &["cache", "verify"]);
    assert!(
        output.status.success(),
        "gomodx cache verify: {}",
        stderr(&output)
    );
    let Some(go) = go_env("off") else {
        return;
    };
    let output = go
        .command(&main, &["mod", "verify"])
        .env("GOMODCACHE", gomodx.mod_cache())
        .env("GOFLAGS", "-modcacherw -mod=mod")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "go mod verify: {}",
        stderr(&output)
    );
}
