//! No credentials over plain HTTP; redirects are bounded.

use gomodx_client::{Client, Credentials, Netrc};

use crate::config;
use crate::server::{Reply, Server};

const MOD: &str = "/rsc.io/quote/@v/v1.5.2.mod";

/// Serves the go.mod, or redirects it to `target` when one is given.
async fn proxy(target: Option<String>) -> Server {
    Server::start(move |seen, _| match (&target, seen.path.as_str()) {
        (Some(target), MOD) => Reply::redirect(format!("{target}{MOD}")),
        (None, MOD) => Reply::ok("module rsc.io/quote\n"),
        _ => Reply::status(404),
    })
    .await
}

fn authorizations(server: &Server) -> Vec<Option<String>> {
    server
        .seen()
        .iter()
        .map(|s| s.header("authorization").map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn netrc_is_never_sent_over_plain_http() {
    let other = proxy(None).await;
    let home = proxy(Some(other.url(""))).await;
    let mut config = config(&home.url(""), "");
    let netrc = Netrc::parse(&format!(
        "machine {} login alice password secret-a\nmachine {} login bob password secret-b\n",
        home.addr, other.addr
    ));
    config.credentials = Credentials::new("netrc", netrc);
    Client::new(config)
        .go_mod("rsc.io/quote", "v1.5.2")
        .await
        .unwrap();
    // Go adds credentials to HTTPS requests only (the HTTPS cases run
    // against go in the integration tests).
    assert_eq!(authorizations(&home), [None]);
    assert_eq!(authorizations(&other), [None]);
}

#[tokio::test]
async fn netrc_for_another_host_is_not_sent() {
    let server = proxy(None).await;
    let mut config = config(&server.url(""), "");
    let netrc = Netrc::parse("machine 127.0.0.1 login alice password secret-a\n");
    config.credentials = Credentials::new("netrc", netrc);
    Client::new(config)
        .go_mod("rsc.io/quote", "v1.5.2")
        .await
        .unwrap();
    assert_eq!(
        authorizations(&server),
        [None],
        "the machine lacks the port, so it does not match"
    );
}

#[tokio::test]
async fn url_credentials_are_refused_over_plain_http() {
    let home = proxy(None).await;
    let base = format!("http://u:p%20w@{}", home.addr);
    let err = Client::new(config(&base, ""))
        .go_mod("rsc.io/quote", "v1.5.2")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "rsc.io/quote@v1.5.2: refusing to pass credentials to insecure URL: \
             http://u:xxxxx@{}/rsc.io/quote/@v/v1.5.2.mod",
            home.addr
        )
    );
    assert!(home.seen().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn redirects_are_followed_at_most_ten_times() {
    let server = Server::start(|seen, earlier| {
        let next = format!(
            "{}-{earlier}",
            seen.path.split('-').next().unwrap_or_default()
        );
        Reply::redirect(next)
    })
    .await;
    let err = Client::new(config(&server.url(""), ""))
        .list("rsc.io/quote")
        .await
        .unwrap_err();
    assert_eq!(server.seen().len(), 10);
    assert_eq!(
        err.to_string(),
        format!(
            "module rsc.io/quote: Get {:?}: stopped after 10 redirects",
            server.url("/rsc.io/quote/@v/list")
        )
    );
    assert_eq!(err.attempts(), 1, "redirect loops are not retried");
}
