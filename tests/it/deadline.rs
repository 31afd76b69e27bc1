//! A request has a total deadline: a body trickling in just fast enough
//! for the read timeout cannot hold a run forever.

use std::time::{Duration, Instant};

use gomodx_test::ProxyServer;
use gomodx_test::server::Faults;

use crate::download::harness::{Gomodx, stderr};

#[test]
fn a_slow_trickle_body_hits_the_request_deadline() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
    let main = tmp.path().join("main");
    std::fs::create_dir_all(&main).unwrap();
    std::fs::write(main.join("go.mod"), "module example.com/m\n\ngo 1.21\n").unwrap();
    // 200 bytes a second: the small .info and .mod arrive in well under a
    // second, the 1.7 KiB zip would take about nine.
    let server = ProxyServer::start(tree.root.clone(), Faults::none().bandwidth(200));
    let mut gomodx = Gomodx::new(&server.url());
    gomodx.set("GOMODX_HTTP_DEADLINE", "2");
    let start = Instant::now();
    let output = gomodx.run(&main, &["download", "rsc.io/quote@v1.5.2"]);
    let elapsed = start.elapsed();
    let text = stderr(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("request deadline of 2s exceeded"), "{text}");
    assert!(text.contains("v1.5.2.zip"), "{text}");
    assert!(
        elapsed < Duration::from_secs(8),
        "took {elapsed:?}: not retried"
    );
}
