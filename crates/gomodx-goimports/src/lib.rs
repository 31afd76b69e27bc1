//! The imports of Go source files as the go command scans them for module
//! loading (`cmd/go/internal/imports`): a tokenizer for the package clause
//! and the import declarations that follow it ([`read_imports`]), build
//! constraints evaluated with every tag but `ignore` both set and unset
//! ([`should_build_any_tags`], Go's `imports.AnyTags`), and a directory scan
//! splitting package and test imports ([`scan_dir`]).

mod constraint;
mod reader;
mod scan;

pub use constraint::should_build_any_tags;
pub use reader::{SyntaxError, read_imports, read_imports_lax, unquote};
pub use scan::{DirImports, scan_dir};
