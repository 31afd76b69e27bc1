//! Client tests against a loopback HTTP server and `file://` trees.

mod auth;
mod happy;
mod retry;
mod routing;
mod server;
mod stream;

use std::sync::{Arc, Mutex};

use gomodx_client::{Client, ClientConfig, ProxyList, RetryPolicy};

/// A config for `goproxy`/`gonoproxy` whose retries do not sleep.
pub fn config(goproxy: &str, gonoproxy: &str) -> ClientConfig {
    let mut config =
        ClientConfig::new(ProxyList::parse(goproxy, gonoproxy).expect("valid GOPROXY"));
    config.retry = RetryPolicy {
        no_delay_for_tests: true,
        ..RetryPolicy::default()
    };
    config
}

/// A client for `goproxy`/`gonoproxy` whose retries do not sleep.
pub fn client(goproxy: &str, gonoproxy: &str) -> Client {
    Client::new(config(goproxy, gonoproxy))
}

/// A trace hook collecting its lines.
pub fn tracer() -> (gomodx_client::TraceHook, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    (
        Arc::new(move |line: &str| sink.lock().unwrap().push(line.to_owned())),
        lines,
    )
}
