//! Errors, worded and positioned exactly as `golang.org/x/mod/modfile` words them.
//!
//! A go.mod error prints as `file:line:col: [verb path: ]message`, the column
//! only when it is past the first rune of the line (Go's `modfile.Error`);
//! all errors of one file are joined by newlines (Go's `ErrorList`).

use std::fmt;

use thiserror::Error;

use crate::syntax::Position;
use gomodx_module::quote::{quote, quote_rune};

/// What went wrong in a go.mod file, with Go's message text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ErrorKind {
    /// A `/*` comment.
    #[error("mod files must use // comments (not /* */ comments)")]
    BlockComment,
    /// A string literal runs to the end of the file.
    #[error("unexpected EOF in string")]
    EofInString,
    /// A string literal runs to the end of its line.
    #[error("unexpected newline in string")]
    NewlineInString,
    /// A rune that is neither space, punctuation nor printable.
    #[error("unexpected input character {}", quote_rune(*.0))]
    UnexpectedCharacter(char),
    /// A `verb (` block without its `)`; the fields locate the block.
    #[error("syntax error (unterminated block started at {file}:{line}:{column})")]
    UnterminatedBlock {
        /// The file name.
        file: String,
        /// The block's line.
        line: usize,
        /// The block's column (in runes).
        column: usize,
    },
    /// Something after a block's closing `)`.
    #[error("syntax error (expected newline after closing paren)")]
    TextAfterParen,
    /// A block whose verb is not a block directive (strict mode only).
    #[error("unknown block type: {0}")]
    UnknownBlockType(String),
    /// A line whose verb is not a directive (strict mode only).
    #[error("unknown directive: {0}")]
    UnknownDirective(String),
    /// A second `module`, `go` or `toolchain` line.
    #[error("repeated {0} statement")]
    Repeated(&'static str),
    /// `go`, `toolchain`, `tool` or `ignore` without exactly one argument.
    #[error("{0} directive expects exactly one argument")]
    ExactlyOneArgument(&'static str),
    /// A `go` version that does not match `GoVersionRE`.
    #[error("invalid go version '{0}': must match format 1.23.0")]
    InvalidGoVersion(String),
    /// A `toolchain` name that does not match `ToolchainRE`.
    #[error("invalid toolchain version '{0}': must match format go1.23.0 or default")]
    InvalidToolchain(String),
    /// A directive with the wrong shape; the text follows `usage: `.
    #[error("usage: {0}")]
    Usage(String),
    /// A malformed quoted argument.
    #[error("invalid quoted string: {0}")]
    InvalidQuotedString(QuoteError),
    /// Go's `module.InvalidVersionError`: `version "v1" invalid: reason`.
    #[error("{} {} invalid: {reason}", if *.pseudo { "pseudo-version" } else { "version" }, quote(.version))]
    InvalidVersion {
        /// The rejected version as written.
        version: String,
        /// Whether Go calls it a pseudo-version.
        pseudo: bool,
        /// Go's reason, e.g. `must be of the form v1.2.3`.
        reason: String,
    },
    /// A module path whose major-version suffix is malformed.
    #[error("invalid module path")]
    InvalidModulePath,
    /// `replace x => y@v1`.
    #[error("replacement module must match format 'path version', not 'path@version'")]
    ReplacementAtVersion,
    /// `replace x => y` where `y` is not a directory path.
    #[error(
        "replacement module without version must be directory path (rooted or starting with . or ..)"
    )]
    ReplacementNotDirectory,
    /// `replace x => .\dir` on a non-Windows system.
    #[error("replacement directory appears to be Windows path (on a non-windows system)")]
    ReplacementWindowsPath,
    /// `replace x => ./dir v1.0.0`.
    #[error("replacement module directory path {} cannot have version", quote(.0))]
    ReplacementDirectoryVersion(String),
    /// A malformed `retract` interval; the text is Go's (`expected ',' after version` …).
    #[error("{0}")]
    RetractSyntax(&'static str),
    /// Tokens after a `retract` version (strict mode only).
    #[error("unexpected token after version: {}", quote(.0))]
    TokenAfterVersion(String),
    /// A `retract` in a file without `module` (only when a fixer is used).
    #[error("no module directive found, so retract cannot be used")]
    RetractWithoutModule,
    /// An error returned by a [`VersionFixer`](crate::VersionFixer), verbatim.
    #[error("{0}")]
    Fixer(String),
}

/// Why a quoted argument could not be read (Go's `parseString`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum QuoteError {
    /// `strconv.Unquote` failed (`strconv.ErrSyntax`).
    #[error("invalid syntax")]
    Syntax,
    /// An unquoted argument containing `"`, `'` or `` ` ``.
    #[error("unquoted string cannot contain quote")]
    QuoteInUnquoted,
}

/// One go.mod error: Go's `modfile.Error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file name given to the parser.
    pub filename: String,
    /// Where the error is; line 0 when unknown.
    pub pos: Position,
    /// The directive (`require`), when Go names it.
    pub verb: String,
    /// The module path, when Go names it.
    pub mod_path: String,
    /// What went wrong.
    pub kind: ErrorKind,
}

impl Error {
    pub(crate) fn new(filename: &str, pos: Position, kind: ErrorKind) -> Self {
        Self {
            filename: filename.to_owned(),
            pos,
            verb: String::new(),
            mod_path: String::new(),
            kind,
        }
    }

    pub(crate) fn with_directive(mut self, verb: &str, mod_path: &str) -> Self {
        verb.clone_into(&mut self.verb);
        mod_path.clone_into(&mut self.mod_path);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pos.line_rune > 1 {
            write!(
                f,
                "{}:{}:{}: ",
                self.filename, self.pos.line, self.pos.line_rune
            )?;
        } else if self.pos.line > 0 {
            write!(f, "{}:{}: ", self.filename, self.pos.line)?;
        } else if !self.filename.is_empty() {
            write!(f, "{}: ", self.filename)?;
        }
        if !self.mod_path.is_empty() {
            write!(f, "{} {}: ", self.verb, self.mod_path)?;
        } else if !self.verb.is_empty() {
            write!(f, "{}: ", self.verb)?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for Error {}

/// All errors found in one go.mod file (Go's `modfile.ErrorList`); never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorList(pub Vec<Error>);

impl fmt::Display for ErrorList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, err) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{err}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ErrorList {}

impl From<Error> for ErrorList {
    fn from(err: Error) -> Self {
        Self(vec![err])
    }
}

/// A go.sum file that Go would refuse to read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GoSumError {
    /// A non-blank line without exactly three fields.
    #[error("malformed go.sum:\n{file}:{line}: wrong number of fields {fields}")]
    WrongFieldCount {
        /// The file name given to the parser.
        file: String,
        /// The 1-based line number.
        line: usize,
        /// How many fields the line has.
        fields: usize,
    },
}

/// Why an edit was refused (Go's `AddGoStmt`, `AddExclude`, … errors).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EditError {
    /// `AddGoStmt` with a version that does not match `GoVersionRE`.
    #[error("invalid language version {}", quote(.0))]
    InvalidGoVersion(String),
    /// `AddToolchainStmt` with a name that does not match `ToolchainRE`.
    #[error("invalid toolchain name {}", quote(.0))]
    InvalidToolchain(String),
    /// A version that is not canonical or does not fit the path's major
    /// version: `version "v1" invalid: must be of the form v1.2.3`.
    #[error("version {} invalid: {reason}", quote(.version))]
    InvalidVersion {
        /// The rejected version.
        version: String,
        /// Go's reason text.
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, line_rune: usize) -> Position {
        Position {
            line,
            line_rune,
            byte: 0,
        }
    }

    #[test]
    fn positions_print_like_go() {
        let kind = || ErrorKind::UnknownDirective("x".to_owned());
        assert_eq!(
            Error::new("go.mod", at(3, 1), kind()).to_string(),
            "go.mod:3: unknown directive: x"
        );
        assert_eq!(
            Error::new("go.mod", at(3, 2), kind()).to_string(),
            "go.mod:3:2: unknown directive: x"
        );
        assert_eq!(
            Error::new("go.mod", at(0, 0), kind()).to_string(),
            "go.mod: unknown directive: x"
        );
        let with = Error::new("f", at(1, 1), ErrorKind::InvalidModulePath)
            .with_directive("replace", "a/v1");
        assert_eq!(with.to_string(), "f:1: replace a/v1: invalid module path");
        let verb_only =
            Error::new("f", at(1, 1), ErrorKind::RetractSyntax("x")).with_directive("retract", "");
        assert_eq!(verb_only.to_string(), "f:1: retract: x");
        let list = ErrorList(vec![with, verb_only]);
        assert_eq!(
            list.to_string(),
            "f:1: replace a/v1: invalid module path\nf:1: retract: x"
        );
    }
}
