//! GOPROXY lists with a dead proxy (connection refused), as go treats
//! them: after `|` the next proxy is asked at once, after `,` the command
//! fails at once (only "not found" falls through a comma); neither retries
//! a refused connection, and a dead proxy is skipped for the rest of the run.

use std::time::{Duration, Instant};

use crate::download::harness::{go_env, stderr};
use crate::freshness::Fixture;

const GO_MOD: &str = "module example.com/m

go 1.21

require (
	rsc.io/quote v1.5.2
	rsc.io/sampler v1.3.0
)
";

/// A loopback URL nothing listens on.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// A cold `download all` with GOPROXY built from the fixture's proxy URL,
/// with real retry delays (a retried refusal would cost seconds): its time,
/// the proxy requests it made and its trace.
fn cold_download(goproxy: impl Fn(&str) -> String) -> (Duration, usize, String) {
    let mut fixture = Fixture::new(GO_MOD);
    let list = goproxy(&fixture.server.url());
    fixture.gomodx.set("GOPROXY", &list);
    fixture.gomodx.set("GOMODX_TEST_NO_RETRY_DELAY", "0");
    let start = Instant::now();
    let output = fixture.ok(&["download", "-x", "all"]);
    let elapsed = start.elapsed();
    (elapsed, fixture.take_requests().len(), stderr(&output))
}

#[test]
fn a_dead_proxy_before_a_pipe_costs_nothing() {
    let dead = dead_url();
    // The fastest of three alternating runs each, to see past noise.
    let (mut alone, mut with_dead) = (Duration::MAX, Duration::MAX);
    let (mut requests, mut requests_with_dead, mut trace) = (0, 0, String::new());
    for _ in 0..3 {
        let run = cold_download(str::to_owned);
        (alone, requests) = (alone.min(run.0), run.1);
        let run = cold_download(|url| format!("{dead}|{url}"));
        (with_dead, requests_with_dead, trace) = (with_dead.min(run.0), run.1, run.2);
    }
    assert_eq!(
        requests_with_dead, requests,
        "the same requests reach the live proxy"
    );
    let asked: Vec<&str> = trace
        .lines()
        .filter(|l| l.starts_with(&format!("# get {dead}/")) && !l.contains(": "))
        .collect();
    let mut distinct = asked.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        asked.len(),
        "a refusal is never retried:\n{trace}"
    );
    let refused = asked.len();
    assert!(refused >= 1, "{trace}");
    assert!(
        refused < requests,
        "the dead proxy is remembered, not asked for every file ({refused} of {requests}):\n{trace}"
    );
    // Within 10% of the list without it, plus an allowance for a machine
    // busy with other tests (measured alone: the same time); retried
    // refusals, as before, added 3.5 s per file.
    let bound = alone.mul_f64(1.1) + Duration::from_secs(2);
    assert!(
        with_dead <= bound,
        "{with_dead:?} with a dead first proxy, {alone:?} without"
    );
}

#[test]
fn a_dead_proxy_before_a_comma_fails_at_once_as_in_go() {
    let dead = dead_url();
    let mut fixture = Fixture::new(GO_MOD);
    let list = format!("{dead},{}", fixture.server.url());
    fixture.gomodx.set("GOPROXY", &list);
    fixture.gomodx.set("GOMODX_TEST_NO_RETRY_DELAY", "0");
    let start = Instant::now();
    let output = fixture.run(&["download", "rsc.io/quote@v1.5.2"]);
    let elapsed = start.elapsed();
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("connection refused") || text.contains("connect"),
        "{text}"
    );
    assert!(
        !text.contains("attempts"),
        "a refusal is not retried: {text}"
    );
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(fixture.take_requests(), Vec::<String>::new());
    if let Some(go) = go_env(&list) {
        let go_output = go
            .command(&fixture.main, &["mod", "download", "rsc.io/quote@v1.5.2"])
            .output()
            .unwrap();
        assert_eq!(go_output.status.code(), Some(1), "go fails too");
        assert!(stderr(&go_output).contains("connection refused"));
    }
}
