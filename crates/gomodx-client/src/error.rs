//! Errors, worded as the go command words them.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use gomodx_module::ModuleError;
use thiserror::Error;

/// A GOPROXY value (or the HTTP client) could not be set up.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// GOPROXY held only separators and blanks.
    #[error("GOPROXY list is not the empty string, but contains no entries")]
    EmptyList,
    /// An entry is neither a keyword nor a URL with a scheme.
    #[error("invalid proxy URL missing scheme: {0}")]
    MissingScheme(String),
    /// An entry's scheme is not `https`, `http` or `file`.
    #[error("invalid proxy URL scheme (must be https, http, file): {0}")]
    BadScheme(String),
    /// A `file://` entry has a host, user, query or fragment.
    #[error("invalid file:// proxy URL with non-path elements: {0}")]
    FileNonPath(String),
    /// An entry is not a well-formed URL.
    #[error("parse {url:?}: {reason}")]
    Parse {
        /// The entry, password redacted.
        url: String,
        /// Why it was rejected.
        reason: String,
    },
}

/// One failed GET, Go's `web.HTTPError` and the transport errors around it.
/// URLs are redacted.
#[derive(Debug, Error)]
pub enum FetchError {
    /// The server (or the `file://` tree) answered with something other than 200.
    #[error("{}", status_message(url, status, detail, file_error.as_deref()))]
    Status {
        /// The requested URL.
        url: String,
        /// The status line, e.g. `404 Not Found`.
        status: String,
        /// The numeric status.
        code: u16,
        /// Up to 8 lines / 648 bytes of a `text/plain` body, tab-indented.
        detail: String,
        /// For `file://`: the OS error behind the 404/403.
        file_error: Option<String>,
        /// What a 429/5xx answer asked for in `Retry-After`.
        retry_after: Option<Duration>,
    },
    /// No response arrived: connect, TLS, timeout, redirect policy.
    #[error("Get {url:?}: {cause}")]
    Request {
        /// The requested URL.
        url: String,
        /// What went wrong.
        cause: String,
        /// Whether trying again may help.
        spurious: bool,
        /// The proxy could not be reached at all (connection refused, DNS
        /// failure): it is skipped for the rest of the run.
        unreachable: bool,
    },
    /// The body broke off or could not be read.
    #[error("read {url:?}: {cause}")]
    Read {
        /// The requested URL.
        url: String,
        /// What went wrong.
        cause: String,
        /// Whether trying again may help.
        spurious: bool,
    },
    /// A `file://` resource could not be opened (not a not-exist or
    /// permission error, which become 404/403).
    #[error("open {}: {cause}", path.display())]
    File {
        /// The file that was opened.
        path: PathBuf,
        /// The OS error, worded like Go's.
        cause: String,
    },
    /// Credentials could not be used: user info over plain HTTP, or a
    /// GOAUTH configuration error.
    #[error("{0}")]
    Refused(String),
    /// The zip body exceeded the size limit (500 MiB by default).
    #[error("downloaded zip file too large")]
    TooLarge,
    /// The caller's sink rejected a write.
    #[error("writing the downloaded zip: {cause}")]
    Sink {
        /// The sink's error.
        cause: io::Error,
    },
}

fn status_message(url: &str, status: &str, detail: &str, file_error: Option<&str>) -> String {
    if !detail.is_empty() {
        let sep = if detail.contains('\n') { "\n\t" } else { " " };
        format!("reading {url}: {status}\n\tserver response:{sep}{detail}")
    } else if let Some(file_error) = file_error {
        format!("reading {url}: {file_error}")
    } else {
        format!("reading {url}: {status}")
    }
}

impl FetchError {
    /// 404 and 410 mean "not here": a `,` in GOPROXY falls through to the next entry.
    pub fn is_not_exist(&self) -> bool {
        matches!(
            self,
            FetchError::Status {
                code: 404 | 410,
                ..
            }
        )
    }

    /// Whether a retry may succeed: transport failures, truncated bodies, 429, 5xx.
    pub fn is_spurious(&self) -> bool {
        match self {
            FetchError::Status {
                code, file_error, ..
            } => file_error.is_none() && (*code == 429 || *code >= 500),
            FetchError::Request { spurious, .. } | FetchError::Read { spurious, .. } => *spurious,
            FetchError::File { .. }
            | FetchError::Refused(_)
            | FetchError::TooLarge
            | FetchError::Sink { .. } => false,
        }
    }

    /// Whether the proxy could not be reached at all (connection refused,
    /// unknown host): not worth asking again in this run.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            FetchError::Request {
                unreachable: true,
                ..
            }
        )
    }

    /// A `304 Not Modified`: the answer held is still current.
    pub fn is_not_modified(&self) -> bool {
        matches!(self, FetchError::Status { code: 304, .. })
    }

    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// What went wrong in one operation, without the module it concerns.
#[derive(Debug, Error)]
pub enum ErrorKind {
    /// GOPROXY is `off` (or reached an `off` entry).
    #[error("module lookup disabled by GOPROXY=off")]
    Off,
    /// A proxy URL was skipped because the module matches GONOPROXY.
    #[error("disabled by GOPRIVATE/GONOPROXY")]
    NoProxy,
    /// The implicit `noproxy` entry was skipped: the module does not match GONOPROXY.
    #[error("path does not match GOPRIVATE/GONOPROXY")]
    UseProxy,
    /// A `direct` (VCS) fetch was needed; gomodx does not do those yet.
    #[error("{}", direct_message(gonoproxy.as_deref()))]
    DirectUnsupported {
        /// The GONOPROXY globs when the module matched them, `None` when
        /// the list itself reached `direct`.
        gonoproxy: Option<String>,
    },
    /// The module's repository could not answer (direct mode); the
    /// message is complete.
    #[error(transparent)]
    Direct(#[from] crate::DirectError),
    /// The module path or version cannot be escaped for a URL.
    #[error(transparent)]
    InvalidModule(ModuleError),
    /// The GET failed (after `attempts` tries).
    #[error("{}", attempts_message(error, *attempts))]
    Fetch {
        /// The last failure.
        error: FetchError,
        /// How many requests were made.
        attempts: u32,
    },
    /// A `.info` or `@latest` body was not the JSON object expected.
    #[error("invalid response from proxy {proxy:?}: {reason}")]
    InvalidResponse {
        /// The proxy base URL, redacted.
        proxy: String,
        /// Why the body was rejected.
        reason: String,
    },
    /// The proxy answered a canonical version's `.info` with another version.
    #[error("proxy returned info for version {returned} instead of requested version")]
    VersionMismatch {
        /// The version in the answer.
        returned: String,
    },
    /// `go_mod`/`zip` were called with a non-canonical version.
    #[error("internal error: version passed to {op} is not canonical")]
    NotCanonical {
        /// `GoMod` or `Zip`, as Go names the operation.
        op: &'static str,
    },
    /// `@latest` is missing and the list names no version with a time.
    #[error("no commits")]
    NoCommits,
}

fn direct_message(gonoproxy: Option<&str>) -> String {
    let advice = "use a proxy, or GOPROXY=off with a warm cache";
    match gonoproxy {
        None => {
            format!("GOPROXY entry \"direct\" (VCS fetch) is not supported yet by gomodx; {advice}")
        }
        Some(globs) => format!(
            "module matches GONOPROXY/GOPRIVATE ({globs:?}), so it must be fetched directly \
             (VCS), which is not supported yet by gomodx; {advice}"
        ),
    }
}

fn attempts_message(error: &FetchError, attempts: u32) -> String {
    let text = error.to_string();
    match attempts {
        0 | 1 => text,
        n if text.contains('\n') => format!("{text}\n\t(gave up after {n} attempts)"),
        n => format!("{text} (gave up after {n} attempts)"),
    }
}

impl ErrorKind {
    /// Whether this counts as "not found" (Go's `fs.ErrNotExist`), which lets a
    /// `,`-separated GOPROXY fall through to its next entry.
    pub fn is_not_exist(&self) -> bool {
        match self {
            ErrorKind::Off | ErrorKind::NoProxy | ErrorKind::UseProxy => true,
            ErrorKind::Fetch { error, .. } => error.is_not_exist(),
            ErrorKind::Direct(error) => error.not_exist,
            _ => false,
        }
    }

    /// Errors that Go raises before any proxy is consulted and prints without
    /// a module prefix when no version is involved.
    fn is_lookup(&self) -> bool {
        matches!(
            self,
            ErrorKind::Off | ErrorKind::NoProxy | ErrorKind::UseProxy
        )
    }
}

/// An operation on one module failed; the message names it the way Go does
/// (`P@V: …`, `module P: …`, or `P@V: invalid version: …` for queries).
#[derive(Debug)]
pub struct Error {
    path: String,
    version: Option<String>,
    kind: Box<ErrorKind>,
}

impl Error {
    pub(crate) fn new(path: &str, version: Option<&str>, kind: ErrorKind) -> Self {
        Error {
            path: path.to_owned(),
            version: version.map(str::to_owned),
            kind: Box::new(kind),
        }
    }

    /// The module path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The version or query, when the operation had one.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Whether this is a "not found" (404/410, `off`, GONOPROXY skips).
    pub fn is_not_exist(&self) -> bool {
        self.kind.is_not_exist()
    }

    /// The message without the module, for errors Go raises before any
    /// proxy is consulted (`module lookup disabled by GOPROXY=off`): go's
    /// `list -m` shows them bare for a listed module.
    pub fn lookup_text(&self) -> Option<String> {
        self.kind.is_lookup().then(|| self.kind.to_string())
    }

    /// The Origin a repository answered with the error (Go's `RevInfo`
    /// next to an `UnknownRevisionError`), printed by `download -json`.
    pub fn origin(&self) -> Option<&serde_json::Value> {
        match &*self.kind {
            ErrorKind::Direct(error) => error.origin.as_ref(),
            _ => None,
        }
    }

    /// How many HTTP requests the failing fetch made (0 when none was made).
    pub fn attempts(&self) -> u32 {
        match *self.kind {
            ErrorKind::Fetch { attempts, .. } => attempts,
            _ => 0,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = &*self.kind;
        match &self.version {
            _ if matches!(kind, ErrorKind::InvalidModule(_) | ErrorKind::Direct(_)) => {
                write!(f, "{kind}")
            }
            None if kind.is_lookup() => write!(f, "{kind}"),
            None => write!(f, "module {}: {kind}", self.path),
            Some(v)
                if kind.is_lookup()
                    || matches!(kind, ErrorKind::DirectUnsupported { .. })
                    || *v == gomodx_module::canonical_version(v) =>
            {
                write!(f, "{}@{v}: {kind}", self.path)
            }
            Some(v) => {
                let pseudo = if gomodx_module::pseudo::is_pseudo_version(v) {
                    "pseudo-"
                } else {
                    ""
                };
                write!(f, "{}@{v}: invalid {pseudo}version: {kind}", self.path)
            }
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16, detail: &str) -> FetchError {
        FetchError::Status {
            url: "https://p/m/@v/list".into(),
            status: format!("{code} Whatever"),
            code,
            detail: detail.into(),
            file_error: None,
            retry_after: None,
        }
    }

    #[test]
    fn status_messages_follow_http_error() {
        assert_eq!(
            status(404, "").to_string(),
            "reading https://p/m/@v/list: 404 Whatever"
        );
        assert_eq!(
            status(404, "not found: x").to_string(),
            "reading https://p/m/@v/list: 404 Whatever\n\tserver response: not found: x"
        );
        assert_eq!(
            status(500, "a\n\tb").to_string(),
            "reading https://p/m/@v/list: 500 Whatever\n\tserver response:\n\ta\n\tb"
        );
        let file = FetchError::Status {
            url: "file:///p/m/@v/list".into(),
            status: "Not Found".into(),
            code: 404,
            detail: String::new(),
            file_error: Some("no such file or directory".into()),
            retry_after: None,
        };
        assert_eq!(
            file.to_string(),
            "reading file:///p/m/@v/list: no such file or directory"
        );
    }

    #[test]
    fn classification() {
        assert!(status(404, "").is_not_exist());
        assert!(status(410, "").is_not_exist());
        assert!(!status(403, "").is_not_exist());
        assert!(status(500, "").is_spurious());
        assert!(status(429, "").is_spurious());
        assert!(!status(404, "").is_spurious());
        assert!(!status(401, "").is_spurious());
        assert!(!FetchError::TooLarge.is_spurious());
        assert!(ErrorKind::Off.is_not_exist());
        assert!(!ErrorKind::DirectUnsupported { gonoproxy: None }.is_not_exist());
    }

    #[test]
    fn attempts_are_reported() {
        let kind = ErrorKind::Fetch {
            error: status(503, ""),
            attempts: 4,
        };
        assert_eq!(
            kind.to_string(),
            "reading https://p/m/@v/list: 503 Whatever (gave up after 4 attempts)"
        );
        let kind = ErrorKind::Fetch {
            error: status(503, "busy\n\tlater"),
            attempts: 2,
        };
        assert!(
            kind.to_string()
                .ends_with("\n\tlater\n\t(gave up after 2 attempts)")
        );
    }

    #[test]
    fn module_prefixes_follow_go() {
        let not_found = || ErrorKind::Fetch {
            error: status(404, ""),
            attempts: 1,
        };
        let shown =
            |version: Option<&str>, kind| Error::new("rsc.io/quote", version, kind).to_string();
        assert_eq!(
            shown(Some("v1.5.2"), not_found()),
            "rsc.io/quote@v1.5.2: reading https://p/m/@v/list: 404 Whatever"
        );
        assert_eq!(
            shown(None, not_found()),
            "module rsc.io/quote: reading https://p/m/@v/list: 404 Whatever"
        );
        assert_eq!(
            shown(Some("master"), not_found()),
            "rsc.io/quote@master: invalid version: reading https://p/m/@v/list: 404 Whatever"
        );
        assert_eq!(
            shown(
                Some("v0.0.0-20190101000000-abcdefabcdef+meta"),
                ErrorKind::NoCommits
            ),
            "rsc.io/quote@v0.0.0-20190101000000-abcdefabcdef+meta: invalid pseudo-version: no commits"
        );
        assert_eq!(
            shown(None, ErrorKind::Off),
            "module lookup disabled by GOPROXY=off"
        );
        assert_eq!(
            shown(Some("master"), ErrorKind::Off),
            "rsc.io/quote@master: module lookup disabled by GOPROXY=off"
        );
        assert_eq!(
            shown(
                Some("latest"),
                ErrorKind::DirectUnsupported { gonoproxy: None }
            ),
            "rsc.io/quote@latest: GOPROXY entry \"direct\" (VCS fetch) is not supported yet by gomodx; \
             use a proxy, or GOPROXY=off with a warm cache"
        );
        let error = Error::new(
            "rsc.io/quote",
            None,
            ErrorKind::Fetch {
                error: status(503, ""),
                attempts: 3,
            },
        );
        assert_eq!(
            (error.attempts(), error.path(), error.version()),
            (3, "rsc.io/quote", None)
        );
    }
}
