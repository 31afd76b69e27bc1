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
