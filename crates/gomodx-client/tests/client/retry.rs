//! Retries: what is retried, how often, how long we wait, what is reported.

use std::time::{Duration, Instant};

use gomodx_client::{Client, ErrorKind, FetchError, RetryPolicy};

use crate::server::{Reply, Server};
use crate::{client, config};

const MOD: &str = "/rsc.io/quote/@v/v1.5.2.mod";

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    let server = Server::start(|_, earlier| match earlier {
        0 => Reply::status(502),
        1 => Reply::text(503, "try again\n"),
        _ => Reply::ok("module rsc.io/quote\n"),
    })
    .await;
    let served = client(&server.url(""), "")
        .go_mod("rsc.io/quote", "v1.5.2")
        .await
        .unwrap();
    assert_eq!(served.value, b"module rsc.io/quote\n");
    assert_eq!(server.count(MOD), 3);
}

#[tokio::test]
async fn retries_are_bounded_and_counted() {
    let server = Server::start(|_, _| Reply::text(500, "boom\n")).await;
    let err = client(&server.url(""), "")
        .go_mod("rsc.io/quote", "v1.5.2")
        .await
        .unwrap_err();
    assert_eq!(server.count(MOD), 4, "1 attempt + 3 retries");
    assert_eq!(err.attempts(), 4);
    assert_eq!(
        err.to_string(),
        format!(
            "rsc.io/quote@v1.5.2: reading {}: 500 Internal Server Error\n\tserver response: boom\n\t(gave up after 4 attempts)",
            server.url(MOD)
        )
    );
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for code in [404, 410, 400, 401, 403] {
        let server = Server::start(move |_, _| Reply::status(code)).await;
        let err = client(&server.url(""), "")
            .go_mod("rsc.io/quote", "v1.5.2")
            .await
            .unwrap_err();
        assert_eq!(server.count(MOD), 1, "{code} must not be retried");
        assert_eq!(err.attempts(), 1);
        assert!(!err.to_string().contains("attempts"), "{err}");
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = Server::start(|_, earlier| match earlier {
        0 => Reply::Full {
            status: 429,
            headers: vec![("Retry-After", "1".to_owned())],
            body: vec![],
        },
        _ => Reply::ok("module rsc.io/quote\n"),
    })
    .await;
    let mut config = config(&server.url(""), "");
    config.retry = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::ZERO,
        max_delay: Duration::from_secs(5),
        no_delay_for_tests: false,
    };
    let start = Instant::now();
    Client::new(config)
        .go_mod("rsc.io/quote", "v1.5.2")
        .await
        .unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        start.elapsed()
    );
    assert_eq!(server.count(MOD), 2);
}

#[tokio::test]
async fn truncated_bodies_are_retried_then_reported() {
    let server = Server::start(|_, _| Reply::Truncated {
        declared: 100,
        body: b"module rsc".to_vec(),
    })
    .await;
    let err = client(&server.url(""), "")
        .go_mod("rsc.io/quote", "v1.5.2")
        .await
        .unwrap_err();
    assert_eq!(server.count(MOD), 4);
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "rsc.io/quote@v1.5.2: read {:?}: ",
            server.url(MOD)
        )),
        "{text}"
    );
    assert!(text.ends_with("(gave up after 4 attempts)"), "{text}");
    assert!(matches!(
        err.kind(),
        ErrorKind::Fetch {
            error: FetchError::Read { spurious: true, .. },
            ..
        }
    ));
}

#[tokio::test]
async fn a_retried_zip_restarts_the_sink() {
    let server = Server::start(|_, earlier| match earlier {
        0 => Reply::Truncated {
            declared: 8,
            body: b"PKgarb".to_vec(),
        },
        _ => Reply::ok(b"PKgood!!".to_vec()),
    })
    .await;
    let mut zip = Vec::new();
    let served = client(&server.url(""), "")
        .zip("rsc.io/quote", "v1.5.2", &mut zip)
        .await
        .unwrap();
    assert_eq!(served.value, 8);
    assert_eq!(zip, b"PKgood!!", "nothing of the broken attempt remains");
}

#[tokio::test]
async fn read_timeout_fires_on_a_stalled_server() {
    let server = Server::start(|seen, _| {
        let pause = Duration::from_secs(30);
        if seen.path.ends_with(".mod") {
            Reply::Stall {
                partial: None,
                declared: 0,
                pause,
            }
        } else {
            Reply::Stall {
                partial: Some(b"PK".to_vec()),
                declared: 100,
                pause,
            }
        }
    })
    .await;
    let mut config = config(&server.url(""), "");
    config.read_timeout = Duration::from_millis(300);
    config.retry.max_retries = 1;
    let client = Client::new(config);

    let start = Instant::now();
    let err = client.go_mod("rsc.io/quote", "v1.5.2").await.unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(err.attempts(), 2);
    assert!(err.to_string().contains("timeout"), "{err}");

    let err = client
        .zip("rsc.io/quote", "v1.5.2", &mut Vec::new())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("read \"http://") && text.contains("no data received for 0.3s"),
        "{text}"
    );
    assert!(start.elapsed() < Duration::from_secs(10));
}
