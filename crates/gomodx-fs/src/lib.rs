//! Filesystem helpers: atomic writes, file locks, read-only trees,
//! directory handles ([`DirHandle`]).
//!
//! Nothing here knows about Go; these are the durable-write and locking
//! primitives the cache layers build on.
//!
//! - [`write_atomic`] and [`AtomicFile`]: write to a temporary file in the
//!   target directory, fsync, rename into place, fsync the directory.
//!   [`AtomicFile::persist_noclobber`] never replaces an existing file, for
//!   content-addressed blobs. The `_with` variants take a [`Durability`]:
//!   callers whose readers verify what they read may skip the fsyncs.
//! - [`FileLock`]: advisory whole-file locks (`flock` on Linux, the same call
//!   Go's `lockedfile` uses), so gomodx and `go` exclude each other.
//! - [`remove_dir_all_force`] and [`make_tree_read_only`]: the module cache's
//!   read-only directory trees.
//!
//! Every error is an [`FsError`] naming the operation and the path.

mod atomic;
mod dir;
mod error;
mod lock;
mod tree;

pub use atomic::{AtomicFile, Durability, PendingSync, Persisted, write_atomic, write_atomic_with};
pub use dir::{DirHandle, is_kind};
pub use error::{FsError, os_error_text};
pub use lock::FileLock;
pub use tree::{make_tree_read_only, remove_dir_all_force};

/// A random number for temporary file names, distinct per process and call.
pub fn unique_number() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    RandomState::new().hash_one((
        std::process::id(),
        std::time::SystemTime::now(),
        CALLS.fetch_add(1, Ordering::Relaxed),
    ))
}
