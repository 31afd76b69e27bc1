//! GOPROXY fall-through (`,` vs `|`), `off`, `direct`, GONOPROXY routing and
//! Go's choice of which error to report.

use gomodx_client::ErrorKind;

use crate::client;
use crate::server::{Reply, Server};

const INFO: &str = "/rsc.io/quote/@v/v1.5.2.info";

async fn answering(status: u16) -> Server {
    Server::start(move |_, _| match status {
        200 => Reply::ok(r#"{"Version":"v1.5.2"}"#),
        code => Reply::status(code),
    })
    .await
}

#[tokio::test]
async fn comma_falls_through_only_on_404_and_410() {
    for code in [404, 410] {
        let (first, second) = (answering(code).await, answering(200).await);
        let goproxy = format!("{},{}", first.url(""), second.url(""));
        let served = client(&goproxy, "")
            .info("rsc.io/quote", "v1.5.2")
            .await
            .unwrap();
        assert_eq!(served.proxy, second.url(""), "falls through on {code}");
        assert_eq!((first.count(INFO), second.count(INFO)), (1, 1));
    }
    for code in [403, 500] {
        let (first, second) = (answering(code).await, answering(200).await);
        let goproxy = format!("{},{}", first.url(""), second.url(""));
        let err = client(&goproxy, "")
            .info("rsc.io/quote", "v1.5.2")
            .await
            .unwrap_err();
        assert!(err.to_string().contains(&format!(": {code} ")), "{err}");
        assert_eq!(
            second.count(INFO),
            0,
            "{code} after `,` must not fall through"
        );
    }
}

#[tokio::test]
async fn pipe_falls_through_on_any_error() {
    let (first, second) = (answering(500).await, answering(200).await);
    let goproxy = format!("{}|{}", first.url(""), second.url(""));
    let served = client(&goproxy, "")
        .info("rsc.io/quote", "v1.5.2")
        .await
        .unwrap();
    assert_eq!(served.proxy, second.url(""));
    assert_eq!(
        first.count(INFO),
        4,
        "the 500 was retried before falling through"
    );
    // A connection refused falls through too.
    let goproxy = format!("http://127.0.0.1:1|{}", second.url(""));
    assert!(
        client(&goproxy, "")
            .info("rsc.io/quote", "v1.5.2")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn error_preference() {
    // A real proxy error beats a later "not found".
    let (broken, missing) = (answering(500).await, answering(404).await);
    let goproxy = format!("{}|{}", broken.url(""), missing.url(""));
    let err = client(&goproxy, "")
        .info("rsc.io/quote", "v1.5.2")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("500 Internal Server Error"),
        "{err}"
    );
    // Among "not found" errors the last one is reported.
    let (a, b) = (answering(404).await, answering(410).await);
    let goproxy = format!("{},{}", a.url(""), b.url(""));
    let err = client(&goproxy, "")
        .info("rsc.io/quote", "v1.5.2")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("410 Gone"), "{err}");
    assert!(err.is_not_exist());
    // `direct` beats everything before it.
    let goproxy = format!("{},direct", a.url(""));
    let err = client(&goproxy, "")
        .info("rsc.io/quote", "v1.5.2")
        .await
        .unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::DirectUnsupported { gonoproxy: None }
    ));
}

#[tokio::test]
async fn off_and_direct() {
    let server = answering(200).await;
    let client_off = client(&format!("off,{}", server.url("")), "");
    let err = client_off.info("rsc.io/quote", "v1.5.2").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "rsc.io/quote@v1.5.2: module lookup disabled by GOPROXY=off"
    );
    let err = client_off.list("rsc.io/quote").await.unwrap_err();
    assert_eq!(err.to_string(), "module lookup disabled by GOPROXY=off");
    let err = client_off.info("rsc.io/quote", "master").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "rsc.io/quote@master: module lookup disabled by GOPROXY=off"
    );
    assert!(err.is_not_exist());

    // A 404 from the proxy falls through to `off`, whose error is reported last.
    let missing = answering(404).await;
    let err = client(&format!("{},off", missing.url("")), "")
        .go_mod("rsc.io/quote", "v1.5.2")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "rsc.io/quote@v1.5.2: module lookup disabled by GOPROXY=off"
    );

    let err = client(&format!("{},direct", missing.url("")), "")
        .go_mod("rsc.io/quote", "v1.5.2")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "rsc.io/quote@v1.5.2: GOPROXY entry \"direct\" (VCS fetch) is not supported yet by gomodx; \
         use a proxy, or GOPROXY=off with a warm cache"
    );
    assert_eq!(server.seen().len(), 0);
}

#[tokio::test]
async fn gonoproxy_routes_around_proxies() {
    let server = answering(200).await;
    let client = client(&server.url(""), "*.corp.example,rsc.io/private");
    // Public modules skip the implicit `noproxy` entry and use the proxy.
    assert!(client.info("rsc.io/quote", "v1.5.2").await.is_ok());
    // Private ones never reach it.
    let err = client
        .info("git.corp.example/x/y", "v1.0.0")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "git.corp.example/x/y@v1.0.0: module matches GONOPROXY/GOPRIVATE (\"*.corp.example,rsc.io/private\"), \
         so it must be fetched directly (VCS), which is not supported yet by gomodx; \
         use a proxy, or GOPROXY=off with a warm cache"
    );
    assert!(client.list("rsc.io/private/quux").await.is_err());
    let paths: Vec<String> = server.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths, [INFO]);
}

/// A loopback address nothing listens on: connections are refused.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

#[tokio::test]
async fn an_unreachable_proxy_is_tried_once_per_run_and_never_retried() {
    let dead = dead_url();
    let good = answering(200).await;
    let (trace, lines) = crate::tracer();
    let mut config = crate::config(&format!("{dead}|{}", good.url("")), "");
    config.trace = Some(trace);
    let listed = gomodx_client::Client::new(config);
    for _ in 0..3 {
        let served = listed.info("rsc.io/quote", "v1.5.2").await.unwrap();
        assert_eq!(served.proxy, good.url(""));
    }
    let asked_dead = lines
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with(&format!("# get {dead}/")) && l.contains(": "))
        .count();
    assert_eq!(asked_dead, 1, "one refused connection, then remembered");
    assert_eq!(good.count(INFO), 3);

    // After `,`, go stops at a dead proxy (only "not found" falls through):
    // at once, with the connection error.
    let list = format!("{dead},{}", good.url(""));
    let err = client(&list, "")
        .info("rsc.io/quote", "v1.5.2")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("connect"), "{text}");
    assert!(!text.contains("attempts"), "not retried: {text}");
    let ErrorKind::Fetch { error, .. } = err.kind() else {
        panic!("{err:?}")
    };
    assert!(error.is_unreachable());
    assert_eq!(good.count(INFO), 3);
}

#[tokio::test]
async fn held_answers_are_revalidated_with_their_validators() {
    let server = Server::start(|seen, _| {
        let etag = "\"v2\"".to_owned();
        if seen.header("if-none-match") == Some(etag.as_str()) {
            return Reply::status(304);
        }
        Reply::Full {
            status: 200,
            headers: vec![
                ("ETag", etag),
                ("Last-Modified", "Sun, 06 Dec 2026 10:00:00 GMT".to_owned()),
            ],
            body: b"v1.0.0\n".to_vec(),
        }
    })
    .await;
    let client = client(&server.url(""), "");
    let gomodx_client::Revalidated::Changed(served, validators) =
        client.list_since("m.example/m", None).await.unwrap()
    else {
        panic!("nothing was held")
    };
    assert_eq!(served.value.lines.len(), 1);
    assert_eq!(validators.etag.as_deref(), Some("\"v2\""));
    assert_eq!(
        validators.last_modified.as_deref(),
        Some("Sun, 06 Dec 2026 10:00:00 GMT")
    );
    let held = gomodx_client::Held {
        proxy: served.proxy.clone(),
        validators: validators.clone(),
    };
    let again = client.list_since("m.example/m", Some(&held)).await.unwrap();
    assert_eq!(
        again,
        gomodx_client::Revalidated::Unchanged {
            proxy: server.url("")
        }
    );
    let seen = server.seen();
    assert_eq!(seen[1].header("if-none-match"), Some("\"v2\""));
    assert_eq!(
        seen[1].header("if-modified-since"),
        Some("Sun, 06 Dec 2026 10:00:00 GMT")
    );
    // Validators from another proxy are not sent.
    let other = gomodx_client::Held {
        proxy: "http://elsewhere.example".to_owned(),
        validators,
    };
    let fresh = client
        .list_since("m.example/m", Some(&other))
        .await
        .unwrap();
    assert!(matches!(fresh, gomodx_client::Revalidated::Changed(..)));
    assert_eq!(server.seen()[2].header("if-none-match"), None);
}
