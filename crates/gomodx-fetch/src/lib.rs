//! Offline-first fetching of Go modules.
//!
//! A [`Fetcher`] gets each immutable artifact of a module version — `.info`,
//! `.mod`, `.zip` and the extracted tree — from gomodx's store when it holds
//! an intact copy and from the GOPROXY otherwise, checks hashes against
//! go.sum and, for hashes go.sum lacks, the checksum database with
//! transparency-log proofs ([`SumPolicy`], `gomodx-sumdb`), keeps what
//! passed in the store, and exports it into GOMODCACHE exactly as the go
//! command writes it.
//!
//! - Zips stream into a store blob as they download (memory does not grow
//!   with their size); names are checked, `h1:` computed and go.sum
//!   consulted before anything is committed: a bad download leaves nothing
//!   behind. The blob's fsync runs meanwhile, started when the download
//!   ends.
//! - Work is deduplicated per process (one fetch per artifact however many
//!   tasks ask), network fetches are bounded by a semaphore (`jobs`),
//!   hashing and extraction by the CPU count, and the store's per-artifact
//!   locks make concurrent processes fetch each `.info`, `.mod` and `.zip`
//!   once.
//! - [`Fetcher::query`] resolves version queries as go does, recording the
//!   proxy's mutable answers in the store with their fetch time.
//! - [`Fetcher::download`] is `go mod download` for one module version.
//! - [`load_graph`] loads the module graph, fetching go.mod files in
//!   parallel as soon as they are needed; a warm load replays the last
//!   load's resolved graph while go.sum still holds the hash of every
//!   go.mod it read and GOMODCACHE still has them (no go.mod read or
//!   parsed).
//! - [`Fetcher::module_status`] gathers what `outdated` shows about a
//!   dependency; [`doctor`] diagnoses why it is not at its newest version.
//! - Progress goes to a [`Reporter`]; [`gojson`] writes Go's JSON.
//!
//! - A GOMODCACHE filled by go is a source too: its files are adopted
//!   into the store (checked like a download) instead of fetched again.
//! - With a [`FetchConfig::remote`], a store miss reads through to a
//!   shared S3 bucket before the GOPROXY, and GOPROXY fetches are written
//!   back to it (`gomodx-remote`).
//!
//! This crate never prints and never reads environment variables.

mod adopt;
pub mod doctor;
mod download;
mod error;
mod fetcher;
mod freshness;
pub mod gojson;
mod graph;
pub mod info;
mod prefetch;
mod provenance;
mod query;
mod remote;
mod report;
mod reporter;
mod resolved;
mod rules;
mod shared;
mod sink;
mod snapshot;
mod status;
mod sums;
mod zip;

pub use download::ModuleDownload;
pub use error::{ChecksumMismatch, Error, NotAllowed, SumdbFailure, SumdbReason};
pub use fetcher::{DEFAULT_JOBS, FetchConfig, Fetcher, GoModFile, InfoFile, Source, ZipFile};
pub use freshness::{
    Answer, AnswerSource, Connectivity, Freshness, FreshnessFlags, Missing, Refresh, age,
};
pub use gomodx_module::time::ZERO_TIME;
pub use graph::{load_graph, load_graph_partial, load_with_loader, relative_to, short_path};
pub use provenance::{OfflineError, human_age, is_offline_miss};
pub use query::is_revision_query;
pub use reporter::{NoReporter, Outcome, Reporter};
pub use rules::{MainRules, Replacement, clean_join};
pub use status::{ModuleStatus, is_module_path};
pub use sums::SumPolicy;
