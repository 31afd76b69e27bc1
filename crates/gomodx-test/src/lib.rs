//! Test kit for gomodx (a dev-dependency only; never shipped).
//!
//! - [`txtar`]: Go's txtar archive format.
//! - [`tree`]: a GOPROXY directory tree on disk ([`ProxyTree`]), served as
//!   `file://` by [`ProxyTree::file_url`].
//! - [`testdata`]: Go's own test-proxy modules (`fixtures/go-testdata-mod`,
//!   a copy of `$GOROOT/src/cmd/go/testdata/mod`) as a [`ProxyTree`].
//! - [`universe`]: seeded random module universes (paths on many hosts,
//!   majors, `+incompatible`, pseudo-versions, retractions, a main module with
//!   exclude/replace, optional hundreds of MB of padding) as a [`ProxyTree`]
//!   plus a main module directory.
//! - [`server`]: [`ProxyServer`], a loopback HTTP GOPROXY over any tree, with
//!   latency, bandwidth caps, error statuses, truncated/corrupted bodies,
//!   connection resets, and a request log.
//! - [`sumdb`]: [`sumdb::TestSumdb`], a checksum database with its own key
//!   and log, fed from a [`ProxyTree`], served by [`ProxyServer`] directly
//!   or under a proxy's `sumdb/<name>/`, able to lie.
//! - [`go`]: the real `go` as an oracle: [`go::go_bin`] and the hermetic
//!   [`GoEnv`].
//!
//! # How tests use it
//!
//! ```ignore
//! use gomodx_test::server::{Fault, FaultRule, Faults, PathMatch};
//! use gomodx_test::{GoEnv, ProxyServer, Universe, UniverseConfig};
//!
//! let tmp = tempfile::tempdir()?;
//! // Go's corpus, e.g. for rsc.io/quote@v1.5.2:
//! let corpus = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("corpus"))?;
//! // Or a random universe with a main module:
//! let universe = Universe::generate(UniverseConfig { seed: 7, ..Default::default() });
//! let tree = universe.write_proxy_tree(&tmp.path().join("proxy"))?;
//! universe.write_main_module(&tmp.path().join("main"), &tree)?;
//! // Serve it over HTTP, failing the first two zip downloads:
//! let faults = Faults::none().rule(
//!     FaultRule::new(PathMatch::Suffix(".zip".into()), Fault::Status { code: 503, retry_after: Some(1) })
//!         .times(2),
//! );
//! let server = ProxyServer::start(tree.root.clone(), faults);
//! // Ask the real go (skips when go is missing, fails under CI=true):
//! let Some(go) = GoEnv::detect(&server.url()) else { return Ok(()) };
//! go.run_ok(&tmp.path().join("main"), &["build", "./..."]);
//! assert!(server.count(|p| p.ends_with(".zip")) > 0);
//! ```
//!
//! The main module needs no `go mod tidy`: its go.mod is consistent and its
//! go.sum lists every module version of the universe (see [`universe`]).
//! Universes of different seeds reuse module paths and versions with
//! different content, so give each universe its own module cache (a fresh
//! [`GoEnv`], or `GoEnv::set("GOMODCACHE", …)`).

pub mod go;
mod rng;
pub mod server;
pub mod sumdb;
pub mod testdata;
pub mod tree;
pub mod txtar;
pub mod universe;

pub use go::GoEnv;
pub use server::ProxyServer;
pub use tree::ProxyTree;
pub use universe::{Universe, UniverseConfig};
