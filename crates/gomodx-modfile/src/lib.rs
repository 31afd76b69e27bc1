//! go.mod and go.sum, as `golang.org/x/mod/modfile` and cmd/go read and
//! write them.
//!
//! - [`parse`] / [`parse_lax`] / [`parse_with`]: go.mod text to a [`ModFile`]
//!   (typed directives plus a comment-preserving [`FileSyntax`]); errors
//!   are Go's, `file:line[:col]: message`, joined by newlines.
//! - [`format`] / [`ModFile::format`]: Go's printer; a formatted file
//!   round-trips byte for byte.
//! - Edits on [`ModFile`] (`add_require`, `drop_replace`, `set_go`,
//!   `set_require_at_most_two`, …) keep
//!   comments and place new lines where Go does; finish with
//!   [`ModFile::cleanup`] (and [`ModFile::sort_blocks`], as `go mod edit` does).
//! - [`EditJson`]: the `go mod edit -json` view, byte-identical output.
//! - [`GoSum`]: go.sum read, lookup, insert and canonical write.
//! - [`parse_work`]: go.work text to a [`WorkFile`].
//! - [`read_main`]: the main module's go.mod read with cmd/go's checks
//!   (`godebug` keys, a `go` line newer than [`LOCAL_GO`]).

mod args;
mod edit;
mod error;
mod gosum;
mod json;
mod lex;
mod main_module;
mod model;
mod parse;
mod print;
mod quote;
mod rule;
mod set_require;
mod sort;
mod syntax;
mod version;
mod work;

pub use args::is_directory_path;
pub use error::{EditError, Error, ErrorKind, ErrorList, GoSumError, QuoteError};
pub use gosum::GoSum;
pub use json::{
    EditJson, JsonGodebug, JsonModule, JsonModuleVersion, JsonPath, JsonReplace, JsonRequire,
    JsonRetract, marshal, marshal_indent,
};
pub use main_module::{LOCAL_GO, MainModError, check_godebug, read_main};
pub use model::{
    Exclude, GoStmt, Godebug, Ignore, ModFile, ModuleStmt, Replace, Require, Retract, Tool,
    ToolchainStmt, VersionInterval,
};
pub use parse::parse_syntax;
pub use print::format;
pub use quote::{auto_quote, must_quote};
pub use rule::{Mode, VersionFixer, parse, parse_lax, parse_with};
pub use syntax::{
    Comment, CommentBlock, Comments, FileSyntax, Line, LineBlock, LineId, Paren, Position, Stmt,
};
pub use version::is_toolchain_name;
pub use work::{Use, WorkFile, parse_work};
