//! `gomodx serve` with the real go as its client, the testkit proxy (shaped
//! with latency and a bandwidth cap) or a `file://` tree as its upstream:
//! go downloading a universe through it gets the same `-json`
//! objects, the same `cache/download` files and extracted trees as go
//! against the upstream directly, and `go mod verify` passes; a second
//! client with an empty cache costs the upstream no request, nor does a
//! third one through `--offline`. Missing modules fail in go as they do
//! against the upstream. Raw HTTP checks the rest: hostile paths, huge
//! headers and slow clients get errors while the server keeps serving;
//! the connection limit; auth (and go authenticating over HTTPS);
//! ETag/`304`; byte ranges; the checksum database relayed and enforced;
//! graceful shutdown.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use gomodx_module::ModuleVersion;
use gomodx_module::escape::{escape_path, escape_version};
use gomodx_test::server::TestCa;
use gomodx_test::server::{Fault, FaultRule, Faults, PathMatch};
use gomodx_test::sumdb::{Lie, TestSumdb};
use gomodx_test::{GoEnv, ProxyServer};
use serde_json::Value;

use crate::download::harness::{Gomodx, assert_same_modcache, copy_dir, go_env, normalize_json};
use crate::universes;

/// A running `gomodx serve`, killed on drop.
struct Serve {
    child: Child,
    /// The proxy URL it printed.
    url: String,
    /// `host:port`.
    addr: String,
    /// Its stderr (the request logs).
    log: PathBuf,
}

impl Serve {
    /// `gomodx serve --listen 127.0.0.1:0 args…` in `env`.
    fn start(env: &Gomodx, args: &[&str]) -> Self {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let root = env.store().parent().unwrap().to_path_buf();
        let log = root.join(format!(
            "serve-{}.log",
            RUNS.fetch_add(1, Ordering::Relaxed)
        ));
        let mut full = vec!["serve", "--listen", "127.0.0.1:0"];
        full.extend_from_slice(args);
        let mut child = env
            .command(&root, &full)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim().to_owned();
        assert!(
            url.starts_with("http://127.0.0.1:") || url.starts_with("https://127.0.0.1:"),
            "first line {line:?}; stderr:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        let addr = url.split_once("://").unwrap().1.to_owned();
        Self {
            child,
            url,
            addr,
            log,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap()
    }

    /// Sends SIGTERM and waits for the exit (at most 20 seconds).
    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "serve ignored SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer read off the wire.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `raw` (a whole request) and reads the answer until the server
/// closes; the status is 0 when it closed without answering.
fn exchange(addr: &str, raw: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    // The server may answer and close before reading everything.
    let _ = stream.write_all(raw);
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    parse_reply(&bytes)
}

fn parse_reply(bytes: &[u8]) -> Reply {
    let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Reply {
            status: 0,
            headers: Vec::new(),
            body: Vec::new(),
        };
    };
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    assert!(
        !headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked")),
        "chunked answers are not expected"
    );
    Reply {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    }
}

/// `GET path` with extra header lines (`Name: value`).
fn get(addr: &str, path: &str, headers: &[&str]) -> Reply {
    let mut raw = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for header in headers {
        raw.push_str(header);
        raw.push_str("\r\n");
    }
    raw.push_str("\r\n");
    exchange(addr, raw.as_bytes())
}

/// The proxy path of a module version's file (`.info`, `.mod`, `.zip`).
fn file_path(module: &ModuleVersion, ext: &str) -> String {
    format!(
        "/{}/@v/{}.{ext}",
        escape_path(&module.path).unwrap(),
        escape_version(&module.version).unwrap()
    )
}

/// `go mod download -json all` in a fresh copy of `main`; asserts success.
fn download_all(go: &GoEnv, main: &Path) -> Vec<Value> {
    let dir = go.root().join("main");
    if !dir.exists() {
        copy_dir(main, &dir);
    }
    let output = go.run(&dir, &["mod", "download", "-json", "all"]);
    assert!(
        output.status.success(),
        "go mod download failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    gomodx_test::go::parse_json_stream(&output.stdout).unwrap()
}

/// Asserts two go environments downloaded the same things into their caches.
fn assert_same_caches(expected: &GoEnv, actual: &GoEnv) {
    assert_same_modcache(&expected.gomodcache(), &actual.gomodcache());
}

#[test]
fn go_downloads_a_universe_through_serve() {
    let tmp = tempfile::tempdir().unwrap();
    let on_disk = universes::write(tmp.path(), universes::config(31, 12));
    // A shaped upstream: latency on every request, a bandwidth cap.
    let shaped = Faults::none()
        .latency(Duration::from_millis(15))
        .bandwidth(20_000_000);
    let upstream = ProxyServer::start(on_disk.tree.root.clone(), shaped);
    let Some(direct) = go_env(&upstream.url()) else {
        return;
    };
    let expected = download_all(&direct, &on_disk.main);
    assert!(expected.len() > 3, "{expected:?}");
    let expected = normalize_json(&expected, &direct.gomodcache());
    upstream.clear_requests();

    let env = Gomodx::new(&upstream.url());
    let serve = Serve::start(&env, &[]);
    let first = go_env(&serve.url).unwrap();
    let objects = download_all(&first, &on_disk.main);
    assert_eq!(normalize_json(&objects, &first.gomodcache()), expected);
    assert_same_caches(&direct, &first);
    first.run_ok(&first.root().join("main"), &["mod", "verify"]);
    let filled = upstream.requests();
    assert!(!filled.is_empty());
    assert!(
        filled.iter().all(|r| r.status == 200),
        "one upstream request per artifact, all found: {filled:#?}"
    );
    let zips = filled.iter().filter(|r| r.path.ends_with(".zip")).count();
    assert_eq!(zips, expected.len(), "each zip fetched once: {filled:#?}");

    // A second client with an empty cache costs the upstream nothing.
    upstream.clear_requests();
    let second = go_env(&serve.url).unwrap();
    let objects = download_all(&second, &on_disk.main);
    assert_eq!(normalize_json(&objects, &second.gomodcache()), expected);
    assert_same_caches(&direct, &second);
    assert_eq!(
        upstream.requests(),
        vec![],
        "the second client hit the upstream"
    );
    let log = serve.log();
    assert!(
        log.contains("source=upstream") && log.contains("source=store"),
        "{log}"
    );
    assert!(
        log.lines()
            .any(|l| l.starts_with("method=GET path=/") && l.contains(" status=200 bytes=")),
        "{log}"
    );
    assert!(serve.terminate().success());

    // --offline serves the same from the store alone; what is not stored
    // is a 404 that says why.
    let offline = Serve::start(&env, &["--offline"]);
    let third = go_env(&offline.url).unwrap();
    let objects = download_all(&third, &on_disk.main);
    assert_eq!(normalize_json(&objects, &third.gomodcache()), expected);
    assert_eq!(upstream.requests(), vec![], "--offline hit the upstream");
    let missing = get(&offline.addr, "/example.com/not/stored/@v/v1.0.0.info", &[]);
    assert_eq!(missing.status, 404, "{missing:?}");
    assert!(
        missing
            .text()
            .contains("network is disabled by `--offline`"),
        "{}",
        missing.text()
    );
    let list = get(&offline.addr, "/example.com/not/stored/@v/list", &[]);
    assert_eq!(list.status, 404, "{list:?}");
}

#[test]
fn go_downloads_through_serve_from_a_file_upstream() {
    let tmp = tempfile::tempdir().unwrap();
    let on_disk = universes::write(tmp.path(), universes::config(39, 8));
    let upstream = on_disk.tree.file_url();
    let Some(direct) = go_env(&upstream) else {
        return;
    };
    let expected = download_all(&direct, &on_disk.main);
    let expected = normalize_json(&expected, &direct.gomodcache());
    let env = Gomodx::new(&upstream);
    let serve = Serve::start(&env, &[]);
    let via = go_env(&serve.url).unwrap();
    let objects = download_all(&via, &on_disk.main);
    assert_eq!(normalize_json(&objects, &via.gomodcache()), expected);
    assert_same_caches(&direct, &via);
    via.run_ok(&via.root().join("main"), &["mod", "verify"]);
    let log = serve.log();
    assert!(
        log.lines()
            .any(|l| l.contains(".zip status=200") && l.ends_with("source=upstream")),
        "{log}"
    );
}

/// go's error for a module or version the upstream lacks, with each
/// proxy's URL replaced, and without the server's own explanation.
fn go_error(go: &GoEnv, dir: &Path, url: &str, arg: &str) -> (bool, String) {
    let output = go.run(dir, &["mod", "download", "-json", arg]);
    let objects = gomodx_test::go::parse_json_stream(&output.stdout).unwrap();
    let error = objects
        .first()
        .and_then(|o| o["Error"].as_str())
        .unwrap_or_default()
        .replace(url, "$GOPROXY");
    let first_line = error
        .split("\n\tserver response")
        .next()
        .unwrap()
        .to_owned();
    (output.status.success(), first_line)
}

#[test]
fn concurrent_identical_requests_cost_one_upstream_fetch() {
    let tmp = tempfile::tempdir().unwrap();
    let on_disk = universes::write(tmp.path(), universes::config(36, 2));
    let slow = Faults::none().latency(Duration::from_millis(300));
    let upstream = ProxyServer::start(on_disk.tree.root.clone(), slow);
    let env = Gomodx::new(&upstream.url());
    let serve = Serve::start(&env, &[]);
    let module = on_disk.tree.modules[0].clone();
    let paths = [
        file_path(&module, "zip"),
        file_path(&module, "mod"),
        format!("/{}/@v/list", escape_path(&module.path).unwrap()),
    ];
    let clients: Vec<_> = (0..24)
        .map(|i| {
            let (addr, path) = (serve.addr.clone(), paths[i % paths.len()].clone());
            std::thread::spawn(move || get(&addr, &path, &[]))
        })
        .collect();
    for client in clients {
        let reply = client.join().unwrap();
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    let requests = upstream.requests();
    for suffix in [".zip", ".mod", "/@v/list"] {
        let count = requests.iter().filter(|r| r.path.ends_with(suffix)).count();
        assert_eq!(count, 1, "{suffix}: {requests:#?}");
    }
}

#[test]
fn missing_modules_fail_as_against_the_upstream() {
    let tmp = tempfile::tempdir().unwrap();
    let on_disk = universes::write(tmp.path(), universes::config(32, 4));
    let upstream = ProxyServer::start(on_disk.tree.root.clone(), Faults::none());
    let Some(direct) = go_env(&upstream.url()) else {
        return;
    };
    let known = &on_disk.tree.modules[0];
    // The upstream says 410 Gone for one module.
    let gone = "example.com/gone".to_owned();
    upstream.set_faults(Faults::none().rule(FaultRule::new(
        PathMatch::Contains(format!("/{gone}/")),
        Fault::Status {
            code: 410,
            retry_after: None,
        },
    )));
    let env = Gomodx::new(&upstream.url());
    let serve = Serve::start(&env, &[]);
    let via = go_env(&serve.url).unwrap();
    let dir = tmp.path().join("empty");
    std::fs::create_dir_all(&dir).unwrap();
    for arg in [
        "example.com/nowhere@v1.0.0".to_owned(),
        "example.com/nowhere@latest".to_owned(),
        format!("{gone}@v1.0.0"),
        format!("{}@v9.9.9", known.path),
        format!("{}@v0.0.0-20990101000000-abcdefabcdef", known.path),
    ] {
        let theirs = go_error(&direct, &dir, &upstream.url(), &arg);
        let ours = go_error(&via, &dir, &serve.url, &arg);
        assert!(!theirs.0, "{arg}: go succeeded directly");
        assert_eq!(ours, theirs, "{arg}");
    }
    // The body go shows names what was missing upstream.
    let reply = get(&serve.addr, "/example.com/nowhere/@v/v1.0.0.info", &[]);
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert!(
        reply.text().contains("example.com/nowhere@v1.0.0"),
        "{}",
        reply.text()
    );
}

#[test]
fn hostile_requests_get_errors_and_the_server_keeps_serving() {
    let tmp = tempfile::tempdir().unwrap();
    let on_disk = universes::write(tmp.path(), universes::config(33, 3));
    let upstream = ProxyServer::start(on_disk.tree.root.clone(), Faults::none());
    let env = Gomodx::new(&upstream.url());
    // Secrets placed where an escape would find them.
    std::fs::write(env.store().parent().unwrap().join("secret"), "secret").unwrap();
    let serve = Serve::start(
        &env,
        &["--header-timeout", "1s", "--max-header-bytes", "8192"],
    );
    let module = &on_disk.tree.modules[0];
    for path in [
        "/../secret",
        "/../../../../etc/passwd",
        "/%2e%2e/secret",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/example.com/%2e%2e/%2e%2e/secret/@v/list",
        "/example.com/m/@v/..%2f..%2fsecret.info",
        "/example.com/m%00/@v/list",
        "/example.com/m/@v/v1.0.0%00.zip",
        "/Example.com/m/@v/list",
        "/example.com//m/@v/list",
        "/example.com/m/@v/%ff.info",
    ] {
        let reply = get(&serve.addr, path, &[]);
        assert!(
            matches!(reply.status, 400 | 404),
            "{path}: {} {}",
            reply.status,
            reply.text()
        );
        assert!(!reply.text().contains("secret\n") && !reply.text().contains("root:"));
    }
    // A request line with a NUL byte, and a method that is not GET.
    let nul = exchange(&serve.addr, b"GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(matches!(nul.status, 0 | 400), "{nul:?}");
    let post = exchange(
        &serve.addr,
        b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(post.status, 405);
    // Huge headers.
    let huge = format!("X-Big: {}", "a".repeat(64 * 1024));
    let reply = get(&serve.addr, "/healthz", &[&huge]);
    assert!(matches!(reply.status, 0 | 431), "{reply:?}");
    // A slow client is cut off, and others are served meanwhile.
    let mut slow = TcpStream::connect(&serve.addr).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    assert_eq!(get(&serve.addr, "/healthz", &[]).status, 200);
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "the slow client was not cut off"
    );
    // Still up, still serving modules.
    assert_eq!(get(&serve.addr, "/healthz", &[]).text(), "ok\n");
    let info = get(&serve.addr, &file_path(module, "info"), &[]);
    assert_eq!(info.status, 200, "{}", info.text());
    let log = serve.log();
    assert!(log.contains("status=400"), "{log}");
}

#[test]
fn auth_etag_and_ranges() {
    let tmp = tempfile::tempdir().unwrap();
    let on_disk = universes::write(tmp.path(), universes::config(34, 3));
    let upstream = ProxyServer::start(on_disk.tree.root.clone(), Faults::none());
    let mut env = Gomodx::new(&upstream.url());
    env.set("GOMODX_SERVE_TOKEN", "t0ps3cret");
    let serve = Serve::start(&env, &[]);
    let module = &on_disk.tree.modules[0];
    let zip_path = file_path(module, "zip");
    let bearer = "Authorization: Bearer t0ps3cret";

    // Auth: health needs none; everything else does.
    assert_eq!(get(&serve.addr, "/healthz", &[]).status, 200);
    let denied = get(&serve.addr, &zip_path, &[]);
    assert_eq!(denied.status, 401);
    assert!(denied.header("www-authenticate").is_some());
    assert_eq!(
        get(&serve.addr, &zip_path, &["Authorization: Bearer t0ps3cre"]).status,
        401
    );
    // Basic auth with the token as password (go's netrc or URL user info).
    let basic = "Authorization: Basic Z286dDBwczNjcmV0"; // go:t0ps3cret
    assert_eq!(get(&serve.addr, &zip_path, &[basic]).status, 200);

    // The zip as the upstream has it, with validators.
    let upstream_zip = std::fs::read(
        on_disk
            .tree
            .version_file(&module.path, &module.version, "zip")
            .unwrap(),
    )
    .unwrap();
    let full = get(&serve.addr, &zip_path, &[bearer]);
    assert_eq!(full.status, 200);
    assert_eq!(full.body, upstream_zip);
    assert_eq!(full.header("content-type"), Some("application/zip"));
    assert_eq!(full.header("accept-ranges"), Some("bytes"));
    let etag = full.header("etag").unwrap().to_owned();
    assert!(etag.starts_with("\"h1:"), "{etag}");
    let modified = full.header("last-modified").unwrap().to_owned();
    let not_modified = get(
        &serve.addr,
        &zip_path,
        &[bearer, &format!("If-None-Match: {etag}")],
    );
    assert_eq!(not_modified.status, 304);
    assert!(not_modified.body.is_empty());
    assert_eq!(
        get(
            &serve.addr,
            &zip_path,
            &[bearer, &format!("If-Modified-Since: {modified}")]
        )
        .status,
        304
    );
    assert_eq!(
        get(
            &serve.addr,
            &zip_path,
            &[bearer, "If-None-Match: \"other\""]
        )
        .status,
        200
    );

    // Ranges.
    let size = upstream_zip.len();
    let part = get(&serve.addr, &zip_path, &[bearer, "Range: bytes=10-29"]);
    assert_eq!(part.status, 206);
    assert_eq!(part.body, upstream_zip[10..30]);
    assert_eq!(
        part.header("content-range"),
        Some(format!("bytes 10-29/{size}").as_str())
    );
    let tail = get(&serve.addr, &zip_path, &[bearer, "Range: bytes=-7"]);
    assert_eq!(tail.status, 206);
    assert_eq!(tail.body, upstream_zip[size - 7..]);
    let beyond = get(
        &serve.addr,
        &zip_path,
        &[bearer, &format!("Range: bytes={size}-")],
    );
    assert_eq!(beyond.status, 416);
    let stale = get(
        &serve.addr,
        &zip_path,
        &[bearer, "Range: bytes=0-9", "If-Range: \"old\""],
    );
    assert_eq!(stale.status, 200);
    assert_eq!(stale.body, upstream_zip);

    // Version lists revalidate too.
    let list_path = format!("/{}/@v/list", escape_path(&module.path).unwrap());
    let list = get(&serve.addr, &list_path, &[bearer]);
    assert_eq!(list.status, 200);
    assert!(list.text().contains(&module.version), "{}", list.text());
    let etag = list.header("etag").unwrap();
    assert_eq!(
        get(
            &serve.addr,
            &list_path,
            &[bearer, &format!("If-None-Match: {etag}")]
        )
        .status,
        304
    );

    // go itself: refused without credentials (go sends credentials over
    // HTTPS only, so a team puts TLS in front; see docs/serve.md).
    let Some(go) = go_env(&serve.url) else {
        return;
    };
    let dir = tmp.path().join("empty");
    std::fs::create_dir_all(&dir).unwrap();
    let output = go.run(&dir, &["mod", "download", "-json", &module.to_string()]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("401 Unauthorized"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    let log = serve.log();
    assert!(!log.contains("t0ps3cret") && !log.contains("Z286"), "{log}");
    assert!(
        log.contains("status=401") && log.contains("status=206"),
        "{log}"
    );
}

#[test]
fn the_checksum_database_is_relayed_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let on_disk = universes::write(tmp.path(), universes::config(35, 4));
    std::fs::write(on_disk.main.join("go.sum"), "").unwrap();
    let db = TestSumdb::new("sumdb.test", 5)
        .with_tree(&on_disk.tree)
        .unwrap();
    let db_dir = tmp.path().join("db");
    db.write(&db_dir, &Lie::None).unwrap();
    let db_server = ProxyServer::start(db_dir, Faults::none());
    let upstream = ProxyServer::start(on_disk.tree.root.clone(), Faults::none());
    let mut env = Gomodx::new(&upstream.url());
    env.set("GOSUMDB", db.gosumdb(Some(&db_server.url())));
    let serve = Serve::start(&env, &[]);
    let Some(mut go) = go_env(&serve.url) else {
        return;
    };
    // go knows the database's key only, and reaches it through serve.
    go.set("GOSUMDB", db.gosumdb(None));
    let supported = get(&serve.addr, "/sumdb/sumdb.test/supported", &[]);
    assert_eq!(supported.status, 200);
    assert_eq!(
        get(&serve.addr, "/sumdb/other.example/supported", &[]).status,
        404
    );
    let dir = go.root().join("main");
    copy_dir(&on_disk.main, &dir);
    let output = go.run(&dir, &["mod", "download", "all"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let go_sum = std::fs::read_to_string(dir.join("go.sum")).unwrap();
    assert!(!go_sum.is_empty());
    let log = serve.log();
    assert!(log.contains("path=/sumdb/sumdb.test/lookup/"), "{log}");
    // serve checked each hash with the database too (no go.sum of its own).
    let lookups = db_server
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/lookup/"))
        .count();
    assert!(lookups > 0, "{lookups}");

    // A lying database: serve refuses the module (403), and go fails.
    let liar_dir = tmp.path().join("liar");
    let module = on_disk.tree.modules[0].clone();
    db.write(&liar_dir, &Lie::WrongHash(module.clone()))
        .unwrap();
    let liar = ProxyServer::start(liar_dir, Faults::none());
    let mut env = Gomodx::new(&upstream.url());
    env.set("GOSUMDB", db.gosumdb(Some(&liar.url())));
    let serve = Serve::start(&env, &[]);
    let reply = get(&serve.addr, &file_path(&module, "zip"), &[]);
    assert_eq!(reply.status, 403, "{}", reply.text());
    assert!(
        reply.text().contains(&module.to_string()),
        "{}",
        reply.text()
    );
}

#[test]
fn go_authenticates_over_https() {
    let tmp = tempfile::tempdir().unwrap();
    let on_disk = universes::write(tmp.path(), universes::config(37, 4));
    let upstream = ProxyServer::start(on_disk.tree.root.clone(), Faults::none());
    let ca = TestCa::new();
    let file = |name: &str, text: &str| {
        let path = tmp.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let (cert, key) = ca.server_pem();
    let (cert, key, ca_pem) = (
        file("cert.pem", cert),
        file("key.pem", key),
        file("ca.pem", ca.pem()),
    );
    let env = Gomodx::new(&upstream.url());
    let serve = Serve::start(
        &env,
        &["--tls-cert", &cert, "--tls-key", &key, "--token", "t0k3n"],
    );
    assert!(serve.url.starts_with("https://"), "{}", serve.url);
    let Some(mut go) = go_env(&serve.url) else {
        return;
    };
    go.set("SSL_CERT_FILE", &ca_pem);
    let dir = go.root().join("main");
    copy_dir(&on_disk.main, &dir);
    let refused = go.run(&dir, &["mod", "download", "all"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("401 Unauthorized"), "{stderr}");

    let netrc = file(
        "netrc",
        &format!("machine {} login ci password t0k3n\n", serve.addr),
    );
    go.set("NETRC", &netrc);
    let objects = download_all(&go, &on_disk.main);
    assert!(!objects.is_empty());
    go.run_ok(&dir, &["mod", "verify"]);
    let log = serve.log();
    assert!(
        log.contains("status=401") && log.contains("status=200"),
        "{log}"
    );
    assert!(!log.contains("t0k3n"), "{log}");
}

#[test]
fn shutdown_lets_requests_in_flight_finish() {
    let tmp = tempfile::tempdir().unwrap();
    let on_disk = universes::write(tmp.path(), universes::config(38, 2));
    let slow = Faults::none().latency(Duration::from_millis(1500));
    let upstream = ProxyServer::start(on_disk.tree.root.clone(), slow);
    let env = Gomodx::new(&upstream.url());
    let serve = Serve::start(&env, &["-q"]);
    let module = on_disk.tree.modules[0].clone();
    let (addr, path) = (serve.addr.clone(), file_path(&module, "mod"));
    let in_flight = std::thread::spawn(move || get(&addr, &path, &[]));
    // The request is waiting for the upstream when SIGTERM arrives.
    std::thread::sleep(Duration::from_millis(500));
    let log = serve.log.clone();
    assert!(serve.terminate().success());
    let reply = in_flight.join().unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    // `-q`: no request logs.
    let log = std::fs::read_to_string(log).unwrap();
    assert!(!log.contains("method="), "{log}");
}

#[test]
fn connections_beyond_the_limit_wait_for_a_free_slot() {
    let tmp = tempfile::tempdir().unwrap();
    let on_disk = universes::write(tmp.path(), universes::config(40, 2));
    let env = Gomodx::new(&on_disk.tree.file_url());
    let serve = Serve::start(&env, &["--max-connections", "1", "--header-timeout", "1s"]);
    // One client holds the only slot without finishing its headers …
    let mut hog = TcpStream::connect(&serve.addr).unwrap();
    hog.write_all(b"GET /healthz HTTP/1.1\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    // … so the next one is served only once the hog is cut off.
    let started = Instant::now();
    let reply = get(&serve.addr, "/healthz", &[]);
    assert_eq!(reply.status, 200);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "served at once: the limit was not applied"
    );
    // Slots are given back: many requests in a row all succeed.
    for _ in 0..20 {
        assert_eq!(get(&serve.addr, "/healthz", &[]).status, 200);
    }
}
