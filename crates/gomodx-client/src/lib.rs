//! The GOPROXY protocol client: transport only, no disk cache.
//!
//! - [`ProxyList`]: GOPROXY/GONOPROXY parsed as Go's `proxyList` (`,` and `|`
//!   fall-through, `off`, `direct`, the implicit `noproxy`, `file://` trees).
//! - [`Client`]: `list`, `info`, `latest`, `go_mod` and a streaming `zip`,
//!   each tried across the list like Go's `TryProxies`, with Go's error
//!   wording (`P@V: reading <url>: 404 Not Found`).
//! - One shared HTTP/2-capable connection pool (rustls), manual redirects
//!   (at most 10, never https→http), credentials as Go's GOAUTH provides
//!   them ([`Netrc`], `git`, commands) only over HTTPS and never to another
//!   host across a redirect, and bounded retries ([`RetryPolicy`]) of the
//!   whole fetch, body included, on spurious failures — which Go does not
//!   do; a proxy that cannot be reached at all (connection refused, unknown
//!   host) is not retried and is skipped for the rest of the run.
//! - Mutable answers can be revalidated ([`Held`], [`Validators`]): the
//!   proxy that gave them is asked with `If-None-Match`/`If-Modified-Since`
//!   and may answer `304` ([`Revalidated::Unchanged`]).
//! - `direct` entries and GONOPROXY modules go to a [`DirectSource`]
//!   when one is configured (gomodx-vcs implements it); without one,
//!   reaching them is an error.
//!
//! Configuration comes in as plain values ([`ClientConfig`]); this crate
//! reads no environment variables and prints nothing (see [`TraceHook`]).

mod auth;
mod client;
mod detail;
mod direct;
mod error;
mod gitcheck;
mod netrc;
pub mod once;
mod protocol;
mod proxy;
mod retry;
mod sink;
mod transport;
mod tries;
mod urls;

pub use auth::Credentials;
pub use client::{
    Client, ClientConfig, DIRECT, Held, MAX_ZIP_SIZE, ProxyAnswers, Revalidated, Served, Validators,
};
pub use direct::{DirectError, DirectFuture, DirectSource};
pub use error::{ConfigError, Error, ErrorKind, FetchError};
pub use netrc::{Netrc, NetrcEntry};
pub use protocol::{ListLine, RevInfo, VersionList, parse_info, parse_list};
pub use proxy::{ProxyKind, ProxyList, ProxySpec, ProxyUrl};
pub use retry::RetryPolicy;
pub use sink::DownloadSink;
pub use transport::{TraceHook, same_site_or_subdomain};
