//! `gomodx cache ls|stats|clean|gc|verify` and `gomodx clean --modcache`:
//! after `cache clean M@V`, go itself re-downloads exactly that module and
//! `go mod verify` passes with nothing else touched; read-only trees are
//! removed; corrupt store blobs are quarantined and fetched again.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use serde_json::Value;

use crate::download::harness::{go_env, stderr};
use crate::freshness::Fixture;

const TEXT: &str = "golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c";

fn go_mod() -> String {
    format!(
        "module example.com/m\n\ngo 1.21\n\nrequire (\n\trsc.io/quote v1.5.2\n\trsc.io/sampler v1.3.0 // indirect\n\t{TEXT} // indirect\n)\n"
    )
}

const MAIN_GO: &str =
    "package main\n\nimport \"rsc.io/quote\"\n\nfunc main() { println(quote.Hello()) }\n";

/// Every file and directory below `root` with its modification time
/// (files only: removing a file changes its directory's).
fn snapshot(root: &Path) -> BTreeMap<String, Option<SystemTime>> {
    let mut found = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).min_depth(1) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(root).unwrap();
        let meta = entry.metadata().unwrap();
        let mtime = meta.is_file().then(|| meta.modified().unwrap());
        found.insert(relative.to_string_lossy().into_owned(), mtime);
    }
    found
}

fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn cache_clean_of_one_version_lets_go_fetch_exactly_it_again() {
    let mut fixture = Fixture::new(&go_mod());
    // go's default: read-only extracted trees.
    fixture.gomodx.set("GOFLAGS", "");
    std::fs::write(fixture.main.join("main.go"), MAIN_GO).unwrap();
    let mut go_sum = String::new();
    for module in fixture.tree.modules.iter().filter(|m| {
        ["rsc.io/quote v1.5.2", "rsc.io/sampler v1.3.0", TEXT]
            .contains(&format!("{} {}", m.path, m.version).as_str())
    }) {
        go_sum.push_str(&fixture.tree.go_sum_lines(module).unwrap());
    }
    std::fs::write(fixture.main.join("go.sum"), go_sum).unwrap();
    fixture.ok(&["download"]);
    let cache = fixture.gomodx.mod_cache();
    let sampler_tree = cache.join("rsc.io/sampler@v1.3.0");
    assert!(sampler_tree.is_dir());
    let before = snapshot(&cache);

    let output = fixture.ok(&["cache", "clean", "rsc.io/sampler@v1.3.0"]);
    assert!(
        stderr(&output).contains("rsc.io/sampler v1.3.0"),
        "{}",
        stderr(&output)
    );
    let after = snapshot(&cache);
    let gone: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    assert!(!gone.is_empty());
    for path in &gone {
        assert!(
            path.starts_with("rsc.io/sampler@v1.3.0")
                || path.starts_with("cache/download/rsc.io/sampler/@v/v1.3.0."),
            "{path} removed"
        );
    }
    for (path, mtime) in &after {
        assert_eq!(before.get(path), Some(mtime), "{path} was touched");
    }
    let ls = fixture.ok(&["cache", "ls", "--json", "rsc.io/sampler"]);
    assert_eq!(
        json_lines(&ls.stdout),
        Vec::<Value>::new(),
        "gone from the store too"
    );

    let Some(go) = go_env(&fixture.server.url()) else {
        return;
    };
    fixture.take_requests();
    for step in [
        &["mod", "download"][..],
        &["build", "./..."],
        &["mod", "verify"],
    ] {
        let mut command = go.command(&fixture.main, step);
        command.env("GOMODCACHE", &cache);
        let output = command.output().unwrap();
        assert!(output.status.success(), "go {step:?}: {}", stderr(&output));
    }
    let requests = fixture.take_requests();
    assert!(
        requests
            .iter()
            .any(|p| p == "/rsc.io/sampler/@v/v1.3.0.zip"),
        "{requests:?}"
    );
    for request in &requests {
        assert!(
            request.starts_with("/rsc.io/sampler/@v/v1.3.0."),
            "{request}"
        );
    }
}

#[test]
fn cache_ls_stats_verify_clean_and_gc() {
    let fixture = Fixture::new(crate::freshness::GO_MOD);
    fixture.ok(&["download", "rsc.io/quote@v1.5.2"]);
    let ls = json_lines(&fixture.ok(&["cache", "ls", "--json"]).stdout);
    assert_eq!(ls.len(), 1, "{ls:?}");
    assert_eq!(ls[0]["Path"], "rsc.io/quote");
    assert_eq!(ls[0]["Store"], serde_json::json!(["info", "mod", "zip"]));
    assert!(ls[0]["StoreBytes"].as_u64().unwrap() > 0);
    assert!(ls[0]["Dir"].is_string());
    let stats = json_lines(&fixture.ok(&["cache", "stats", "--json"]).stdout);
    assert_eq!(stats[0]["StoreVersions"], 1);
    assert_eq!(stats[0]["ModCacheTrees"], 1);

    // Corrupt the stored go.mod: verify quarantines it, download refetches it.
    let store = fixture.gomodx.store();
    let reference: Value = serde_json::from_slice(
        &std::fs::read(store.join("refs-v1/rsc.io/quote/@v/v1.5.2.mod.json")).unwrap(),
    )
    .unwrap();
    let sha = reference["sha256"].as_str().unwrap();
    let blob = store.join(format!("blobs-v1/sha256/{}/{sha}", &sha[..2]));
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[0] ^= 0x20; // a bit flip: same size
    std::fs::remove_file(&blob).unwrap();
    std::fs::write(&blob, bytes).unwrap();
    let output = fixture.run(&["cache", "verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("store: rsc.io/quote@v1.5.2 (mod): corrupt blob (quarantined)"),
        "{}",
        stderr(&output)
    );
    assert!(
        std::fs::read_dir(store.join("quarantine-v1"))
            .unwrap()
            .count()
            > 0
    );
    // GOMODCACHE's copy is intact: adopted again (its hash checked as a
    // download's); without it, the proxy is asked.
    fixture.take_requests();
    fixture.ok(&["download", "rsc.io/quote@v1.5.2"]);
    assert_eq!(fixture.take_requests(), Vec::<String>::new());
    fixture.ok(&["cache", "verify"]);

    // Cleaning the module empties both caches of it; gc freed its blobs.
    fixture.ok(&["cache", "clean", "rsc.io/quote"]);
    assert_eq!(
        json_lines(&fixture.ok(&["cache", "ls", "--json"]).stdout).len(),
        0
    );
    let blobs = walkdir::WalkDir::new(store.join("blobs-v1"))
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_type().is_file())
        .count();
    assert_eq!(blobs, 0);
    let gc = fixture.ok(&["cache", "gc", "--grace", "0"]);
    assert!(stderr(&gc).contains("Collected"), "{}", stderr(&gc));
}

#[test]
fn clean_modcache_removes_read_only_trees() {
    let mut fixture = Fixture::new(crate::freshness::GO_MOD);
    fixture.gomodx.set("GOFLAGS", "");
    fixture.ok(&["download", "rsc.io/quote@v1.5.2"]);
    let cache = fixture.gomodx.mod_cache();
    let tree = cache.join("rsc.io/quote@v1.5.2");
    assert!(std::fs::metadata(&tree).unwrap().permissions().readonly());
    let output = fixture.ok(&["clean", "--modcache", "-x"]);
    assert!(stderr(&output).contains(&format!("rm -rf {}", cache.display())));
    assert!(!cache.exists());
    // The store is untouched: GOMODCACHE is rebuilt without the network.
    fixture.take_requests();
    fixture.ok(&["download", "rsc.io/quote@v1.5.2"]);
    assert_eq!(fixture.take_requests(), Vec::<String>::new());
}

#[test]
fn cache_clean_older_than_keeps_recent_entries() {
    let fixture = Fixture::new(crate::freshness::GO_MOD);
    fixture.ok(&["download", "rsc.io/quote@v1.5.2"]);
    let output = fixture.ok(&["cache", "clean", "--older-than", "1h"]);
    assert!(
        stderr(&output).contains("Cleaned 0 module versions"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        json_lines(&fixture.ok(&["cache", "ls", "--json"]).stdout).len(),
        1
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    fixture.ok(&["cache", "clean", "--older-than", "1s"]);
    assert_eq!(
        json_lines(&fixture.ok(&["cache", "ls", "--json"]).stdout).len(),
        0
    );
}
