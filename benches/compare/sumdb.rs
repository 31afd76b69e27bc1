//! `--sumdb`: verifying a go.sum from scratch against a checksum database.
//!
//! A generated universe of ~300 module versions is served by the testkit's
//! proxy, and the testkit's checksum database (its own key and log, fed
//! from the universe) by a second loopback server, both with `--latency-ms`
//! per request. Each side downloads every module version once into an
//! empty GOMODCACHE and GOPATH with an empty go.sum, so every hash is
//! checked with the database: the section gives the database requests by
//! kind (`lookup`, `tile`, `latest`) next to the times. Issue 18's target:
//! at most one lookup per module version and each tile once.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use gomodx_test::ProxyServer;
use gomodx_test::server::Faults;
use gomodx_test::sumdb::{Lie, TestSumdb};

use crate::extra::{self, Measured};
use crate::scenario::Side;
use crate::universe::{self, Shape};

/// Module versions verified.
const VERSIONS: usize = 300;

/// Runs the benchmark; returns the measurements and the facts for the report.
pub fn run(
    sides: &[Side; 2],
    go: &Path,
    work: &Path,
    latency: Duration,
    runs: u32,
) -> Result<([Measured; 2], Vec<String>)> {
    let shape = Shape {
        name: "sumdb",
        modules: 160,
        max_versions: 3,
        max_deps: 3,
        zip_bytes: 3_000_000,
        one_zip: false,
        seeds: 1..=1,
    };
    let universe = universe::prepare(&shape, work)?;
    let modules: Vec<String> = universe
        .tree
        .modules
        .iter()
        .take(VERSIONS)
        .map(ToString::to_string)
        .collect();
    let db = TestSumdb::new("sumdb.bench", 11).with_tree(&universe.tree)?;
    let db_dir = work.join("sumdb");
    db.write(&db_dir, &Lie::None)?;
    let faults = || Faults::none().latency(latency);
    let db_server = ProxyServer::start(db_dir, faults());
    let proxy = ProxyServer::start(universe.tree.root.clone(), faults());
    // The main module with an empty go.sum: every hash is new.
    let main = work.join("main-empty-sum");
    std::fs::create_dir_all(&main)?;
    for entry in std::fs::read_dir(&universe.main_dir)? {
        let entry = entry?;
        std::fs::copy(entry.path(), main.join(entry.file_name()))
            .with_context(|| format!("copying {}", entry.path().display()))?;
    }
    std::fs::write(main.join("go.sum"), "")?;
    let (go_args, gomodx_args) = extra::download_args(&modules);
    let gosumdb = db.gosumdb(Some(&db_server.url()));
    let measured = extra::measure_cold(
        sides,
        go,
        &proxy.url(),
        &main,
        work,
        [&go_args, &gomodx_args],
        runs,
        Some(&db_server),
        &|invocation, _| invocation.set("GOSUMDB", &gosumdb),
        &|path| {
            if path.contains("/lookup/") {
                Some("lookups")
            } else if path.contains("/tile/") {
                Some("tiles")
            } else if path.ends_with("/latest") {
                Some("latest")
            } else {
                None
            }
        },
    )?;
    let facts = vec![
        format!(
            "`mod download` of {} module versions (of {} modules, seed {}) with an empty go.sum, empty GOMODCACHE and GOPATH: every hash is looked up in the testkit's checksum database (GOSUMDB `<name>+<key> <url>`, {} records)",
            modules.len(),
            universe
                .tree
                .modules
                .iter()
                .map(|m| &m.path)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            universe.seed,
            universe.tree.modules.len(),
        ),
        format!(
            "proxy and database on loopback, {} ms per request; {runs} run(s) per side; requests are the database's only",
            latency.as_millis()
        ),
    ];
    Ok((measured, facts))
}
