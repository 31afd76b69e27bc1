//! Module zips (Go's rules: check, extract, create) and `h1:` hashes, as
//! `golang.org/x/mod/zip` and `golang.org/x/mod/sumdb/dirhash` define them.
//!
//! - [`h1`]: the `h1:` directory hash of a zip, an extracted tree or a go.mod.
//! - [`check_zip`] / [`check_prefixes`]: every rule a module zip must pass
//!   (prefix, clean relative names, case-fold collisions, go.mod placement,
//!   size limits).
//! - [`unzip`]: checked, bounded-memory extraction that never creates
//!   symlinks and leaves nothing behind on failure; [`unzip_hashed`] also
//!   computes the `h1:` hash in the same pass.
//! - [`create_zip_from_files`] / [`create_zip_from_dir`]: build a zip the way
//!   the go command does (nested modules, VCS directories, vendored packages
//!   and irregular files omitted). [`write_zip_entries`] writes arbitrary,
//!   unchecked entries for test fixtures.
//!
//! Everything streams: no function holds a whole zip or a whole file in
//! memory (except the in-memory inputs of [`create_zip_from_files`]).

mod archive;
mod check;
mod create;
mod error;
pub mod h1;
mod listing;
mod names;
mod unzip;
mod vendor;
mod walk;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod test_zips;

pub use check::{CheckedZip, check_prefixes, check_zip};
pub use create::{CreatedZip, create_zip_from_dir, create_zip_from_files, write_zip_entries};
pub use error::{FileError, FileProblem, ZipError};
pub use unzip::{unzip, unzip_hashed};

/// Largest allowed module zip file, and largest allowed total uncompressed
/// size of its files (Go's `MaxZipFile`, 500 MiB).
pub const MAX_ZIP_FILE: u64 = 500 << 20;

/// Largest allowed `go.mod` file in a module zip (Go's `MaxGoMod`, 16 MiB).
pub const MAX_GO_MOD: u64 = 16 << 20;

/// Largest allowed root `LICENSE` file in a module zip (Go's `MaxLICENSE`, 16 MiB).
pub const MAX_LICENSE: u64 = 16 << 20;
