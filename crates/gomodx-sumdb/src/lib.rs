//! Go's checksum database (`GOSUMDB`), verified as the go command verifies
//! it, sharing go's caches.
//!
//! - [`note`]: signed notes and Ed25519 verifier keys.
//! - [`tlog`]: the transparency log's hashes, tiles and tile-based proofs,
//!   and an in-memory log ([`tlog::MemoryLog`]) for test databases.
//! - [`Database`]: lookups through GOPROXY or directly, with inclusion and
//!   consistency proofs, go's on-disk caches, and offline use.
//!
//! No maintained crate covers this with the workspace's own `sha2`,
//! `base64` and `ed25519-dalek`: the published ports of Go's `note`/`tlog`
//! pull in older copies of each, and none implements the client.

mod client;
pub mod note;
pub mod tlog;

pub use client::{Database, DatabaseConfig, SumdbError};
