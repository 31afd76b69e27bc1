//! The `direct` GOPROXY entry: modules fetched from their version control
//! repository by a [`DirectSource`] the caller plugs in (gomodx keeps the
//! VCS work in its own crate, so this one stays a protocol client).

use std::fs::File;
use std::future::Future;
use std::pin::Pin;

use thiserror::Error;

use crate::protocol::{RevInfo, VersionList};

/// What a [`DirectSource`] operation returns.
pub type DirectFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, DirectError>> + Send + 'a>>;

/// Answers the GOPROXY operations for one module path straight from its
/// repository, as Go's `direct` entry does. Used for `direct` entries and
/// for modules matching GONOPROXY/GOPRIVATE.
pub trait DirectSource: Send + Sync {
    /// The module's tagged versions (Go's `Repo.Versions("")`), sorted,
    /// with the list's `Origin`.
    fn list<'a>(&'a self, path: &'a str) -> DirectFuture<'a, VersionList>;

    /// Resolves a version, branch, tag or commit (Go's `Repo.Stat`).
    fn stat<'a>(&'a self, path: &'a str, query: &'a str) -> DirectFuture<'a, RevInfo>;

    /// The repository's default branch head as a version (Go's `Repo.Latest`).
    fn latest<'a>(&'a self, path: &'a str) -> DirectFuture<'a, RevInfo>;

    /// The go.mod of a canonical version (synthesized when the revision
    /// has none).
    fn go_mod<'a>(&'a self, path: &'a str, version: &'a str) -> DirectFuture<'a, Vec<u8>>;

    /// The module zip of a canonical version, in an anonymous temp file
    /// positioned at its start.
    fn zip<'a>(&'a self, path: &'a str, version: &'a str) -> DirectFuture<'a, File>;
}

/// A [`DirectSource`] failure, worded completely (module, version and
/// cause, as the go command words it).
#[derive(Debug, Clone, Error)]
#[error("{message}")]
pub struct DirectError {
    /// The whole message.
    pub message: String,
    /// Whether this means "no such module or version" (Go's
    /// `fs.ErrNotExist`).
    pub not_exist: bool,
    /// The Origin go prints next to the error (`download -json`, `list -m
    /// -e -json`), as a JSON object.
    pub origin: Option<serde_json::Value>,
}

impl DirectError {
    /// An error that is not a "not found".
    pub fn new(message: impl Into<String>) -> Self {
        DirectError {
            message: message.into(),
            not_exist: false,
            origin: None,
        }
    }
}
