//! gomodx's shared tier: the store's artifacts and mutable answers in an
//! S3-compatible object store (AWS S3, SeaweedFS, MinIO, R2, GCS's S3
//! API), shared by many machines.
//!
//! ```text
//! <prefix>/
//! ├── blobs-v1/sha256/<2 hex>/<64 hex>   immutable bytes named by their SHA-256
//! ├── refs-v1/<escaped module>/@v/<escaped version>.<info|mod|zip>.json
//! │                                      the local store's ref JSON:
//! │                                      {"sha256","size","h1"?,"source","fetched_at"}
//! └── meta-v1/<escaped module>/@v/<list|latest>.json
//!                                        {"proxy","fetched_at","body" | "not_found": true}
//! ```
//!
//! Safety, with any number of writers and no locks:
//! - A blob is uploaded before any ref names it, and its key is its
//!   content's hash: two writers of one key write the same bytes, and an
//!   S3 PUT replaces an object whole, so a reader sees the old object or
//!   the new one, never a mix.
//! - Every ref any writer leaves names a blob that was complete when the
//!   ref was written; refs of one artifact from different proxies are
//!   interchangeable (go.sum and the checksum database decide, not the
//!   remote), so the last writer winning is harmless.
//! - Nothing read back is trusted: a blob whose SHA-256 is not its name
//!   (corrupt, truncated, overwritten) is reported as
//!   [`RemoteError::Corrupt`] naming the key and both hashes, and callers
//!   check an artifact's `h1:` against go.sum or the checksum database
//!   before using it, exactly as for bytes from a proxy.
//! - Mutable answers carry the time they were fetched, so readers know
//!   their age and apply their own freshness rules.
//!
//! Credentials are passed in by the caller ([`RemoteConfig`]; this crate
//! never reads environment variables), are sent only over HTTPS (plain
//! HTTP only to a loopback endpoint, or when explicitly allowed) and never
//! appear in errors or `Debug` output.

mod config;
mod error;
mod keys;
mod meta;
mod remote;

pub use config::RemoteConfig;
pub use error::RemoteError;
pub use keys::Layout;
pub use meta::{RemoteMeta, RemoteMetaKey};
pub use remote::Remote;
