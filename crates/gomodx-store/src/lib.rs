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
//! ├── graphs-v1/<64 hex>.json  a main module's last graph load: its go.mod files, and
//! │                           its resolved graph (requirement lists + go.mod hashes); caches
//! ├── locks-v1/<escaped module>/@v/<escaped version>.lock
//! ├── quarantine-v1/          blobs whose content no longer matches their name
//! └── tmp/                    staging on the same filesystem (renames stay atomic):
//!     ├── p-<16 hex>/         one open store's temporary files
//!     └── p-<16 hex>.lock     flock held while that store is open
//! ```
//!
//! - Immutable artifacts (`.info`, `.mod`, `.zip` of a canonical version) are
//!   keyed by module and version only, not by proxy: go.sum and the checksum
//!   database make copies from different proxies interchangeable. See
//!   [`Store::put_ref`] and [`Store::get_ref`].
//! - Mutable answers (`@v/list`, `@latest`, queries) are keyed per proxy URL
//!   and carry the time they were fetched; freshness policy lives elsewhere.
//!   See [`Store::put_meta`] and [`Store::get_meta`].
//! - Blobs are written through a [`BlobWriter`]: temporary file in the
//!   store's own `tmp/p-<id>/`, hashed while streaming, made read-only,
//!   renamed into place without replacing an existing blob. A killed
//!   process leaves at most its `tmp/p-<id>/`, never a visible partial blob
//!   or ref, and the next [`Store::open`] removes it once the dead
//!   process's lock on `tmp/p-<id>.lock` is free (never the staging of a
//!   live process).
//! - Any number of processes may use one store at once. Each bucket name ends
//!   in `-vN`; a format change bumps `N` instead of migrating.
//!
//! # Durability: what a kill -9 and a power cut leave
//!
//! Every file is written to a temporary name and renamed into place, and a
//! ref is written only after its blob is in place. Which fsyncs are paid
//! is chosen per kind of file, by what its readers check:
//!
//! | file | fsync | why that is enough |
//! |---|---|---|
//! | zip blob ([`BlobWriter::commit`]) | `fdatasync` before the rename | the warm path trusts a zip by its size and `.ziphash` without re-hashing it, so its bytes must be on disk before any ref can name it; the fetcher starts the sync on its blocking pool as soon as the download ends ([`BlobWriter::pending_sync`]) and checks and extracts the zip while it runs, so the wait overlaps that work |
//! | small blob ([`Store::put_bytes`]: `.info`, `.mod`) | none | [`Store::read_blob`] re-hashes every read; a torn one is quarantined and fetched again |
//! | ref, meta, graph snapshot, resolved graph | none | a file that does not parse, or a ref whose blob is missing or has another size, counts as absent and is replaced |
//! | directories | none | a rename lost in a power cut only makes a file absent |
//!
//! That is one fsync per downloaded zip instead of two per file and two per
//! directory entry. Go's own module cache has none at all; the GOMODCACHE
//! files gomodx writes (`.info`, `.mod`, `.ziphash`, extracted trees) are
//! written as go writes them, without fsync.
//!
//! - **kill -9** (or a crash of gomodx): the page cache outlives the
//!   process, so every completed rename is seen with its complete content.
//!   What can be left: temporary files in `tmp/` (removed by the next
//!   open, see above), and a
//!   blob without a ref (the module is fetched again; `gc` removes the
//!   orphan). Never a partial blob or ref under its final name.
//! - **power cut**: writes not yet on disk may be lost in any order the
//!   filesystem chooses. A ref may survive without its blob (absent, fetched
//!   again), a blob or a ref may be lost or torn (a torn small blob fails
//!   its hash on read and is quarantined; a torn ref does not parse). A zip
//!   blob a surviving ref names was fsynced before the ref was written, so
//!   it is complete. Nothing that survives is trusted wrongly; at worst a
//!   module is downloaded again.

mod blob;
mod disk;
mod error;
mod gc;
mod graphs;
mod meta;
mod refs;
mod scratch;
mod store;
mod time;
mod walk;

pub use blob::{Blob, BlobSync, BlobSynced, BlobWriter};
pub use error::StoreError;
pub use gc::GcStats;
pub use gomodx_fs::FileLock;
pub use meta::{MetaEntry, MetaKey, MetaValidators, MetaValue};
pub use refs::{ArtifactKind, Ref, RefIter};
pub use store::Store;

#[cfg(test)]
mod tests;
