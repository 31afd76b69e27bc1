//! ProxyServer: file serving, every fault kind, the request log.

use std::path::Path;
use std::time::{Duration, Instant};

use gomodx_test::ProxyServer;
use gomodx_test::server::{Fault, FaultRule, Faults, PathMatch};

use crate::http::get;

/// A small tree: a list, a 200 KiB pseudo-random "zip" and a name that
/// needs escaping.
fn tree() -> (tempfile::TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("example.com/!upper/@v");
    std::fs::create_dir_all(&v).unwrap();
    std::fs::write(v.join("list"), "v1.0.0\n").unwrap();
    let zip: Vec<u8> = (0..200u32 << 10)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(v.join("v1.0.0.zip"), &zip).unwrap();
    std::fs::write(v.join("v2.0.0+incompatible.info"), "{}").unwrap();
    (dir, zip)
}

fn start(root: &Path, faults: Faults) -> ProxyServer {
    ProxyServer::start(root.to_path_buf(), faults)
}

const ZIP: &str = "/example.com/!upper/@v/v1.0.0.zip";
const LIST: &str = "/example.com/!upper/@v/list";

#[test]
fn serves_files_and_logs_requests() {
    let (dir, zip) = tree();
    let server = start(dir.path(), Faults::none());
    assert!(server.url().starts_with("http://127.0.0.1:"));

    let list = get(server.addr(), LIST);
    assert_eq!((list.status, list.body.as_slice()), (200, &b"v1.0.0\n"[..]));
    let body = get(server.addr(), ZIP);
    assert_eq!(body.status, 200);
    assert_eq!(body.header("content-type"), Some("application/zip"));
    assert_eq!(body.body, zip);
    let escaped = get(
        server.addr(),
        "/example.com/%21upper/@v/v2.0.0%2Bincompatible.info",
    );
    assert_eq!((escaped.status, escaped.body.as_slice()), (200, &b"{}"[..]));
    assert_eq!(
        get(server.addr(), "/example.com/!upper/@v/v9.zip").status,
        404
    );
    assert_eq!(get(server.addr(), "/example.com/!upper/@v").status, 404);
    assert_eq!(get(server.addr(), "/../../etc/passwd").status, 404);

    let log = server.requests();
    let statuses: Vec<u16> = log.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 200, 200, 404, 404, 404]);
    assert_eq!(log[1].path, ZIP);
    assert_eq!(log[1].method, "GET");
    assert_eq!(log[1].bytes, zip.len() as u64);
    assert_eq!(
        log[2].path,
        "/example.com/!upper/@v/v2.0.0+incompatible.info"
    );
    assert_eq!(server.count(|p| p.ends_with(".zip")), 2);
    server.clear_requests();
    assert!(server.requests().is_empty());
}

#[test]
fn status_faults_fire_a_limited_number_of_times() {
    let (dir, _) = tree();
    let rule = FaultRule::new(
        PathMatch::Suffix(".zip".into()),
        Fault::Status {
            code: 429,
            retry_after: Some(3),
        },
    )
    .times(2);
    let server = start(dir.path(), Faults::none().rule(rule));
    for _ in 0..2 {
        let reply = get(server.addr(), ZIP);
        assert_eq!(reply.status, 429);
        assert_eq!(reply.header("retry-after"), Some("3"));
        assert!(
            reply
                .header("content-type")
                .unwrap()
                .starts_with("text/plain")
        );
    }
    assert_eq!(get(server.addr(), LIST).status, 200);
    assert_eq!(get(server.addr(), ZIP).status, 200);
    for code in [404, 410, 500] {
        let rule = FaultRule::new(
            PathMatch::Exact(LIST.into()),
            Fault::Status {
                code,
                retry_after: None,
            },
        );
        server.set_faults(Faults::none().rule(rule));
        let reply = get(server.addr(), LIST);
        assert_eq!(reply.status, code);
        assert_eq!(reply.header("retry-after"), None);
    }
    let statuses: Vec<u16> = server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 200, 200, 404, 410, 500]);
}

#[test]
fn truncate_sends_a_prefix_then_closes() {
    let (dir, zip) = tree();
    let rule = FaultRule::new(
        PathMatch::Contains("v1.0.0".into()),
        Fault::Truncate { after: 70_000 },
    )
    .times(1);
    let server = start(dir.path(), Faults::none().rule(rule));
    let reply = get(server.addr(), ZIP);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_length(), Some(zip.len()));
    assert_eq!(reply.body.len(), 70_000);
    assert_eq!(reply.body, zip[..70_000]);
    assert_eq!(server.requests()[0].bytes, 70_000);
    // The rule is used up: the next download is whole.
    assert_eq!(get(server.addr(), ZIP).body, zip);
}

#[test]
fn truncate_at_zero_sends_headers_only() {
    let (dir, zip) = tree();
    let rule = FaultRule::new(
        PathMatch::Suffix(".zip".into()),
        Fault::Truncate { after: 0 },
    );
    let server = start(dir.path(), Faults::none().rule(rule));
    let reply = get(server.addr(), ZIP);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_length(), Some(zip.len()));
    assert!(reply.body.is_empty());
}

#[test]
fn corrupt_flips_exactly_one_byte() {
    let (dir, zip) = tree();
    let rule = FaultRule::new(
        PathMatch::Suffix(".zip".into()),
        Fault::Corrupt { offset: 100_000 },
    );
    let server = start(dir.path(), Faults::none().rule(rule));
    let reply = get(server.addr(), ZIP);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body.len(), zip.len());
    let differing: Vec<usize> = (0..zip.len())
        .filter(|&i| reply.body[i] != zip[i])
        .collect();
    assert_eq!(differing, [100_000]);
    assert_eq!(reply.body[100_000], !zip[100_000]);
    // Past the end: the last byte.
    server.set_faults(Faults::none().rule(FaultRule::new(
        PathMatch::Any,
        Fault::Corrupt { offset: u64::MAX },
    )));
    let list = get(server.addr(), LIST);
    assert_eq!(list.body, [b'v', b'1', b'.', b'0', b'.', b'0', !b'\n']);
}

#[test]
fn reset_closes_without_a_response() {
    let (dir, _) = tree();
    let rule = FaultRule::new(PathMatch::Exact(LIST.into()), Fault::Reset).times(1);
    let server = start(dir.path(), Faults::none().rule(rule));
    let reply = get(server.addr(), LIST);
    assert_eq!(reply.status, 0, "no status line may arrive: {reply:?}");
    assert!(reply.body.is_empty());
    assert_eq!(reply.error, Some(std::io::ErrorKind::ConnectionReset));
    assert_eq!(server.requests()[0].status, 0);
    assert_eq!(get(server.addr(), LIST).status, 200);
}

#[test]
fn latency_and_delay_slow_answers_down() {
    let (dir, _) = tree();
    let faults = Faults::none().latency(Duration::from_millis(150));
    let server = start(dir.path(), faults);
    let started = Instant::now();
    assert_eq!(get(server.addr(), LIST).status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));

    let delay = FaultRule::new(PathMatch::Any, Fault::Delay(Duration::from_millis(300))).times(1);
    server.set_faults(Faults::none().rule(delay));
    let started = Instant::now();
    assert_eq!(get(server.addr(), LIST).status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(get(server.addr(), LIST).status, 200);
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[test]
fn bandwidth_cap_paces_the_body() {
    let (dir, zip) = tree();
    // 200 KiB at 400 KiB/s: about half a second.
    let server = start(dir.path(), Faults::none().bandwidth(400 << 10));
    let started = Instant::now();
    let reply = get(server.addr(), ZIP);
    let elapsed = started.elapsed();
    assert_eq!(reply.body, zip);
    assert!(
        elapsed >= Duration::from_millis(450),
        "too fast: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "too slow: {elapsed:?}");
}

#[test]
fn large_files_stream_whole() {
    let dir = tempfile::tempdir().unwrap();
    let data: Vec<u8> = (0..(12u32 << 20)).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.path().join("big.zip"), &data).unwrap();
    let server = start(dir.path(), Faults::none());
    let reply = get(server.addr(), "/big.zip");
    assert_eq!(reply.content_length(), Some(data.len()));
    assert!(reply.body == data, "12 MiB body differs");
    assert_eq!(server.requests()[0].bytes, data.len() as u64);
}
