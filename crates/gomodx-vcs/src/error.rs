//! Errors inside the crate: Go's text plus whether it means "not found".

use gomodx_client::DirectError;

use crate::origin::Origin;

/// A failure, worded as the go command words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Error {
    pub text: String,
    /// Go's `errors.Is(err, fs.ErrNotExist)`.
    pub not_exist: bool,
    /// The Origin go returns with the error (the `RevInfo` next to an
    /// `UnknownRevisionError`, or the revision a failed `convert` looked
    /// at), so a later run can tell whether the answer still holds.
    pub origin: Option<Box<Origin>>,
}

impl Error {
    pub fn other(text: impl Into<String>) -> Self {
        Error {
            text: text.into(),
            not_exist: false,
            origin: None,
        }
    }

    pub fn not_exist(text: impl Into<String>) -> Self {
        Error {
            text: text.into(),
            not_exist: true,
            origin: None,
        }
    }

    /// The same error, answered with `origin`.
    pub fn with_origin(self, origin: Option<Origin>) -> Self {
        Error {
            origin: origin.map(Box::new),
            ..self
        }
    }

    /// Go's `UnknownRevisionError`.
    pub fn unknown_revision(rev: &str) -> Self {
        Error::not_exist(format!("unknown revision {rev}"))
    }

    /// The same error with `prefix` in front (Go's `fmt.Errorf("…: %w")`).
    pub fn context(self, prefix: impl std::fmt::Display) -> Self {
        Error {
            text: format!("{prefix}: {}", self.text),
            ..self
        }
    }

    /// Go's `ModuleError{Path, Err: InvalidVersionError{Version, Err}}`.
    pub fn invalid_version(self, path: &str, version: &str) -> Self {
        let noun = if gomodx_module::pseudo::is_pseudo_version(version) {
            "pseudo-version"
        } else {
            "version"
        };
        self.context(format!("{path}@{version}: invalid {noun}"))
    }

    /// Go's `ModuleError{Path, Err}` without a version.
    pub fn module(self, path: &str) -> Self {
        self.context(format!("module {path}"))
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<Error> for DirectError {
    fn from(e: Error) -> Self {
        DirectError {
            message: e.text,
            not_exist: e.not_exist,
            origin: e.origin.map(|o| o.to_json()),
        }
    }
}

impl From<gomodx_fs::FsError> for Error {
    fn from(e: gomodx_fs::FsError) -> Self {
        Error::other(e.to_string())
    }
}
