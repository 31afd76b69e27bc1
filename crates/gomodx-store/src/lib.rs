//! gomodx's own content-addressed store of module artifacts and mutable
//! proxy answers.
//!
//! This is not Go's `GOMODCACHE`: `gomodx-modcache` exports from here into
//! Go's layout. The root directory is chosen by the caller (the CLI uses
//! `<user cache dir>/gomodx`, overridden by `GOMODX_CACHE`); this crate never
//! reads environment variables.
//!
//! ```text
//! <root>/
//! ├── CACHEDIR.TAG            marks the tree as a cache (backup tools skip it)
//! ├── .gitignore              "*"
//! ├── .lock                   shared while a Store is open; exclusive for clean/gc
//! ├── blobs-v1/sha256/
//! │   └── <2 hex>/<64 hex>    immutable bytes named by their SHA-256, mode 0444
//! ├── refs-v1/<escaped module>/@v/
//! │   └── <escaped version>.<info|mod|zip>.json
//! │                           {"sha256","size","h1"?,"source","fetched_at"}
//! ├── meta-v1/<16 hex of sha256(proxy URL)>/<escaped module>/@v/
//! │   └── <list|latest|query-…>.json
//! │                           {"proxy","fetched_at","body" | "not_found": true}
//! ├── graphs-v1/<64 hex>.json  go.mod files of a main module's last graph load (a cache)
//! ├── locks-v1/<escaped module>/@v/<escaped version>.lock
//! ├── quarantine-v1/          blobs whose content no longer matches their name
//! └── tmp/                    staging on the same filesystem (renames stay atomic)
//! ```
//!
//! - Immutable artifacts (`.info`, `.mod`, `.zip` of a canonical version) are
//!   keyed by module and version only, not by proxy: go.sum and the checksum
//!   database make copies from different proxies interchangeable. See
//!   [`Store::put_ref`] and [`Store::get_ref`].
//! - Mutable answers (`@v/list`, `@latest`, queries) are keyed per proxy URL
//!   and carry the time they were fetched; freshness policy lives elsewhere.
//!   See [`Store::put_meta`] and [`Store::get_meta`].
//! - Blobs are written through a [`BlobWriter`]: temporary file in `tmp/`,
//!   hashed while streaming, fsynced, made read-only, renamed into place
//!   without replacing an existing blob. A killed process leaves at most
//!   stale files in `tmp/`, never a visible partial blob or ref.
//! - Any number of processes may use one store at once. Each bucket name ends
//!   in `-vN`; a format change bumps `N` instead of migrating.

mod blob;
mod disk;
mod error;
mod gc;
mod graphs;
mod meta;
mod refs;
mod store;
mod time;
mod walk;

pub use blob::{Blob, BlobWriter};
pub use error::StoreError;
pub use gc::GcStats;
pub use gomodx_fs::FileLock;
pub use meta::{MetaEntry, MetaKey, MetaValidators, MetaValue};
pub use refs::{ArtifactKind, Ref, RefIter};
pub use store::Store;

#[cfg(test)]
mod tests;
