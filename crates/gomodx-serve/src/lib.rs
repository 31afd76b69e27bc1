//! `gomodx serve`: gomodx's store served as a GOPROXY to go clients.
//!
//! - The GOPROXY protocol (`<module>/@v/list`, `.info`, `.mod`, `.zip`,
//!   `@latest`, case-escaped paths) answered by the same
//!   [`gomodx_fetch::Fetcher`] as `gomodx download`: from the store when it
//!   holds an artifact, else filled through from the upstream GOPROXY with
//!   the same freshness rules and checksum-database checks, concurrent
//!   identical requests coalesced into one upstream fetch ([`proxy`]'s
//!   generations bound how long answers and failures are kept).
//! - Status codes as go reads them: `404` for anything not found (go falls
//!   through to its next proxy), `400` for malformed paths, `403` for a
//!   failed checksum check, `502` for upstream failures.
//! - `ETag` and `Last-Modified` with `304`s, single byte ranges (`206`).
//! - `/sumdb/<name>/supported` and the checksum database relayed.
//! - `/healthz`, request logs ([`RequestLog`]), optional bearer or basic
//!   auth ([`Auth`]), [`Limits`] on connections, header size and time,
//!   graceful shutdown, HTTPS ([`Tls`]).
//!
//! No path of a request ever names a file: paths are parsed into module
//! paths and versions ([`path`]) and the fetcher maps those into the store.
//! Whatever tier sits under the fetcher's store serves requests too.
//!
//! This crate never prints and never reads environment variables.

mod auth;
mod log;
pub mod path;
mod proxy;
mod response;
mod server;
mod sumdb;
mod tls;

pub use auth::Auth;
pub use log::{RequestLog, Source};
pub use proxy::MakeFetcher;
pub use server::{Limits, Logger, ServeConfig, Server, upstream_trace};
pub use sumdb::SumdbUpstream;
pub use tls::Tls;
