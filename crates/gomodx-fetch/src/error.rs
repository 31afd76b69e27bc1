//! The one error type of this crate, worded as the go command words what
//! the user sees.

use std::sync::Arc;

use gomodx_module::ModuleVersion;
use gomodx_module::quote::quote;

/// Go's `goSumMismatch` text, printed after a go.sum mismatch.
const GO_SUM_MISMATCH: &str = "SECURITY ERROR
This download does NOT match an earlier download recorded in go.sum.
The bits may have been replaced on the origin server, or an attacker may
have intercepted the download attempt.

For more information, see 'go help module-auth'.";

/// Why fetching, checking or exporting a module failed.
///
/// Cheap to clone (sources are shared), so one failed fetch can be
/// reported to every caller that waited for it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// A GOPROXY request failed; the message is Go's (`P@V: reading …`).
    #[error(transparent)]
    Proxy(Arc<gomodx_client::Error>),

    /// The downloaded (or stored) content hashes differently from go.sum.
    /// Nothing of it was stored or exported.
    #[error(transparent)]
    ChecksumMismatch(Box<ChecksumMismatch>),

    /// The checksum database did not vouch for a hash go.sum does not
    /// record. Nothing of the content was stored, exported or added to go.sum.
    #[error(transparent)]
    Sumdb(Box<SumdbFailure>),

    /// The checksum database is required (for `golang.org/toolchain`) but
    /// `GOSUMDB=off` (Go's wording).
    #[error(
        "{}: verifying {}: checksum database disabled by GOSUMDB=off",
        base_version(module),
        noun(module)
    )]
    SumdbDisabled {
        /// The go.sum key.
        module: ModuleVersion,
    },

    /// The module zip is malformed (a file outside `path@version/`, …).
    #[error(transparent)]
    Zip(Arc<gomodx_modzip::ZipError>),

    /// A downloaded zip could not be read (not a zip, truncated, a broken
    /// entry). It was never stored or exported; the message names the
    /// module and the proxy rather than the discarded temporary file.
    #[error("{module}: read zip downloaded from {proxy}: {cause}")]
    BadZip {
        /// The module version.
        module: ModuleVersion,
        /// The proxy that served it (redacted).
        proxy: String,
        /// What the zip reader reported.
        cause: String,
    },

    /// gomodx's store failed (the message names the file).
    #[error(transparent)]
    Store(Arc<gomodx_store::StoreError>),

    /// Writing into GOMODCACHE failed.
    #[error(transparent)]
    Export(Arc<gomodx_modcache::ExportError>),

    /// A disk error (store or GOMODCACHE) while working on one module
    /// version, with that module named: `P@V: op path: cause`.
    #[error("{module}: {cause}")]
    InModule {
        /// The module version.
        module: ModuleVersion,
        /// The store or export error.
        cause: Box<Error>,
    },

    /// A version query matched nothing (Go's `NoMatchingVersionError`).
    #[error(
        "module {path}: no matching versions for query {}{}",
        quote(query),
        current_suffix(query, current)
    )]
    NoMatchingVersion {
        /// The module path.
        path: String,
        /// The query.
        query: String,
        /// The version currently required, if any.
        current: String,
        /// The Origin of the answers the query looked at (direct mode's
        /// version list and lookups), which go prints with the error.
        origin: Option<serde_json::Value>,
    },

    /// `patch` was asked for a module with no current version.
    #[error("can't query version \"patch\" of module {path}: no existing version is required")]
    NoPatchBase {
        /// The module path.
        path: String,
    },

    /// A query or version is malformed; `reason` is Go's text
    /// (`invalid semantic version …`).
    #[error("{path}@{version}: {reason}")]
    Invalid {
        /// The module path.
        path: String,
        /// The version or query.
        version: String,
        /// What is wrong.
        reason: String,
    },

    /// The main module excludes the version or its author retracted it
    /// (Go's `CheckAllowed`).
    #[error("{path}@{version}: {why}")]
    NotAllowed {
        /// The module path.
        path: String,
        /// The version.
        version: String,
        /// Excluded or retracted.
        why: NotAllowed,
    },

    /// `--refresh` (or `--refresh-module`) could not ask any proxy again;
    /// a stored answer was not passed off as fresh.
    #[error(
        "--refresh: could not refresh {endpoint}{}: {cause}",
        stored_note(stored_age)
    )]
    RefreshFailed {
        /// The question, as a proxy URL suffix (`rsc.io/quote/@v/list`).
        endpoint: String,
        /// How old the stored answer not used is, if there is one.
        stored_age: Option<std::time::Duration>,
        /// Why the network failed.
        cause: Box<Error>,
    },

    /// The network is off and the store lacks what is needed.
    #[error(
        "`{path}{}` ({file}) is not in the cache and the network is disabled by {reason}",
        if version.is_empty() { String::new() } else { format!("@{version}") }
    )]
    Offline {
        /// The module path.
        path: String,
        /// The version or query (empty for a version list).
        version: String,
        /// Which file: `.info`, `.mod`, `.zip`, `list`, `@latest`.
        file: String,
        /// What disabled the network (`` `--offline` ``).
        reason: String,
    },

    /// A blocking task panicked or was cancelled.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Why a version may not be picked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAllowed {
    /// An `exclude` directive of the main module.
    #[error("excluded by go.mod")]
    Excluded,
    /// A `retract` directive of the module's latest go.mod; Go's short
    /// form of its rationale, if any.
    #[error("retracted by module author{}", rationale.as_ref().map(|r| format!(": {r}")).unwrap_or_default())]
    Retracted {
        /// The first non-empty rationale, shortened as go does.
        rationale: Option<String>,
    },
}

fn stored_note(age: &Option<std::time::Duration>) -> String {
    match age {
        Some(age) => format!(" (the stored answer, {}s old, was not used)", age.as_secs()),
        None => String::new(),
    }
}

/// Content whose hash differs from the one go.sum records.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "verifying {}: checksum mismatch\n\tdownloaded: {downloaded}\n\t{sum_file}:     {recorded}\n\tproxy:      {proxy}\n\n{GO_SUM_MISMATCH}",
    key_display(module)
)]
pub struct ChecksumMismatch {
    /// The go.sum key: the module version, with a `/go.mod` suffix for go.mod hashes.
    pub module: ModuleVersion,
    /// The hash of what was downloaded.
    pub downloaded: String,
    /// The hash go.sum records.
    pub recorded: String,
    /// `go.sum`.
    pub sum_file: String,
    /// Where the content came from (a redacted proxy URL, or the store).
    pub proxy: String,
}

/// Go's `sumdbMismatch` text.
const SUMDB_MISMATCH: &str = "SECURITY ERROR
This download does NOT match the one reported by the checksum server.
The bits may have been replaced on the origin server, or an attacker may
have intercepted the download attempt.

For more information, see 'go help module-auth'.";

/// Go's `sumdbAbsent` text.
const SUMDB_ABSENT: &str = "SECURITY ERROR
This download does NOT match one reported by the checksum server.
The checksum server has provided checksums, but the checksums do
not contain an entry for the download.
The checksum server may be malfunctioning, or an attacker may have
intercepted the checksum request.
The download cannot be verified.

For more information, see 'go help module-auth'.";

/// A hash the checksum database did not vouch for (Go's `checkSumDB`).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: verifying {}: {reason}", base_version(module), noun(module))]
pub struct SumdbFailure {
    /// The go.sum key (see [`ChecksumMismatch`]).
    pub module: ModuleVersion,
    /// What went wrong.
    pub reason: SumdbReason,
}

/// Why the checksum database did not vouch for a hash.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SumdbReason {
    /// The database records another hash.
    #[error(
        "checksum mismatch\n\tdownloaded: {downloaded}\n\t{database}: {recorded}\n\n{SUMDB_MISMATCH}"
    )]
    Mismatch {
        /// The hash of what was downloaded.
        downloaded: String,
        /// The database's name.
        database: String,
        /// The hash the database records.
        recorded: String,
    },
    /// The database's answer has no hash for it.
    #[error("checksum missing from sumdb response\n\n{SUMDB_ABSENT}")]
    Absent,
    /// The database could not be asked, or its answer did not verify
    /// (Go's wording: the lookup's `path@version[/go.mod]`, then why;
    /// the database is named by the URL, key or note in the cause).
    #[error("{lookup}: {error}")]
    Lookup {
        /// The go.sum key looked up, `path@version[/go.mod]`.
        lookup: String,
        /// What failed.
        error: gomodx_sumdb::SumdbError,
    },
}

impl Error {
    /// Whether this is the "not found" of a proxy (404/410, `off`, …).
    pub fn is_not_exist(&self) -> bool {
        matches!(self, Error::Proxy(e) if e.is_not_exist())
    }

    /// The message go's `list -m` shows for a listed module whose `.info`
    /// could not be had: bare for a disabled lookup (GOPROXY=off,
    /// GONOPROXY), else the whole message.
    pub fn list_text(&self) -> String {
        match self {
            Error::Proxy(e) => e.lookup_text().unwrap_or_else(|| e.to_string()),
            _ => self.to_string(),
        }
    }

    /// The Origin go prints next to this error (direct mode's answers).
    pub fn origin(&self) -> Option<&serde_json::Value> {
        match self {
            Error::Proxy(e) => e.origin(),
            Error::NoMatchingVersion { origin, .. } => origin.as_ref(),
            _ => None,
        }
    }

    /// Whether the version was retracted by its author.
    pub fn is_retracted(&self) -> bool {
        matches!(
            self,
            Error::NotAllowed {
                why: NotAllowed::Retracted { .. },
                ..
            }
        )
    }

    /// Whether this error comes from a go.sum or checksum check, which must
    /// stop everything rather than fall back.
    pub fn is_security(&self) -> bool {
        matches!(
            self,
            Error::ChecksumMismatch(_) | Error::Sumdb(_) | Error::SumdbDisabled { .. }
        )
    }
}

impl From<gomodx_client::Error> for Error {
    fn from(e: gomodx_client::Error) -> Self {
        Error::Proxy(Arc::new(e))
    }
}

impl Error {
    /// This error with `module` named, for disk errors of the store and
    /// GOMODCACHE (whose messages name a file but not the module); others
    /// name it already, in go's words (`unzip <zip>: …` included).
    pub fn for_module(self, module: &ModuleVersion) -> Self {
        let disk = match &self {
            Error::Store(_) | Error::Internal(_) => true,
            Error::Export(export) => matches!(**export, gomodx_modcache::ExportError::Fs(_)),
            _ => false,
        };
        if !disk {
            return self;
        }
        Error::InModule {
            module: module.clone(),
            cause: Box::new(self),
        }
    }

    /// A zip error about a download's temporary file, as [`Error::BadZip`]
    /// when the archive itself is unreadable; other zip errors (Go's
    /// wording for files that break the rules) are kept as they are.
    pub(crate) fn downloaded_zip(
        module: &ModuleVersion,
        proxy: &str,
        error: gomodx_modzip::ZipError,
    ) -> Self {
        use gomodx_modzip::ZipError;
        let cause = match &error {
            ZipError::Archive { cause, .. } => cause.to_string(),
            ZipError::Entry { name, cause, .. } => {
                format!("read {name}: {}", gomodx_fs::os_error_text(cause))
            }
            _ => return error.into(),
        };
        Error::BadZip {
            module: module.clone(),
            proxy: proxy.to_owned(),
            cause,
        }
    }
}

impl From<gomodx_modzip::ZipError> for Error {
    fn from(e: gomodx_modzip::ZipError) -> Self {
        Error::Zip(Arc::new(e))
    }
}

impl From<gomodx_store::StoreError> for Error {
    fn from(e: gomodx_store::StoreError) -> Self {
        Error::Store(Arc::new(e))
    }
}

impl From<gomodx_modcache::ExportError> for Error {
    fn from(e: gomodx_modcache::ExportError) -> Self {
        Error::Export(Arc::new(e))
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(e: tokio::task::JoinError) -> Self {
        Error::Internal(e.to_string())
    }
}

/// `path@version` of a go.sum key (`/go.mod` kept, as Go prints it).
fn key_display(key: &ModuleVersion) -> String {
    format!("{}@{}", key.path, key.version)
}

/// `path@version` without a `/go.mod` suffix.
fn base_version(key: &ModuleVersion) -> String {
    let version = key.version.strip_suffix("/go.mod").unwrap_or(&key.version);
    format!("{}@{version}", key.path)
}

/// `go.mod` or `module`, as go names what it verifies.
fn noun(key: &ModuleVersion) -> &'static str {
    if key.version.ends_with("/go.mod") {
        "go.mod"
    } else {
        "module"
    }
}

fn current_suffix(query: &str, current: &str) -> String {
    if (query == "upgrade" || query == "patch") && !current.is_empty() && current != "none" {
        format!(" (current version is {current})")
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatch_names_module_hashes_and_proxy() {
        let error = Error::ChecksumMismatch(Box::new(ChecksumMismatch {
            module: ModuleVersion::new("rsc.io/quote", "v1.5.2/go.mod"),
            downloaded: "h1:aaa=".into(),
            recorded: "h1:bbb=".into(),
            sum_file: "go.sum".into(),
            proxy: "http://127.0.0.1:1".into(),
        }));
        let text = error.to_string();
        assert!(text.starts_with(
            "verifying rsc.io/quote@v1.5.2/go.mod: checksum mismatch\n\tdownloaded: h1:aaa=\n\tgo.sum:     h1:bbb=\n\tproxy:      http://127.0.0.1:1\n\nSECURITY ERROR\n"
        ));
        assert!(error.is_security() && !error.is_not_exist());
    }

    #[test]
    fn sumdb_failures_name_module_database_and_hashes() {
        let error = Error::Sumdb(Box::new(SumdbFailure {
            module: ModuleVersion::new("rsc.io/quote", "v1.5.2/go.mod"),
            reason: SumdbReason::Mismatch {
                downloaded: "h1:aaa=".into(),
                database: "sum.golang.org".into(),
                recorded: "h1:bbb=".into(),
            },
        }));
        assert!(error.to_string().starts_with(
            "rsc.io/quote@v1.5.2: verifying go.mod: checksum mismatch\n\tdownloaded: h1:aaa=\n\tsum.golang.org: h1:bbb=\n\nSECURITY ERROR\n"
        ));
        assert!(error.is_security());
    }

    #[test]
    fn query_errors_follow_go() {
        let none = |query: &str, current: &str| {
            Error::NoMatchingVersion {
                path: "m".into(),
                query: query.into(),
                current: current.into(),
                origin: None,
            }
            .to_string()
        };
        assert_eq!(
            none("v9", ""),
            r#"module m: no matching versions for query "v9""#
        );
        assert_eq!(
            none("upgrade", "v1.0.0"),
            r#"module m: no matching versions for query "upgrade" (current version is v1.0.0)"#
        );
        assert_eq!(
            none("<v1", "v1.0.0"),
            r#"module m: no matching versions for query "<v1""#
        );
    }
}
