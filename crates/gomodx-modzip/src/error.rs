//! Errors, worded as `golang.org/x/mod/zip` and `dirhash` word them.

use std::fmt;
use std::io;
use std::path::PathBuf;

use gomodx_fs::FsError;
use gomodx_module::{InvalidPathError, ModuleError};
use thiserror::Error;

use crate::{MAX_GO_MOD, MAX_LICENSE, MAX_ZIP_FILE};

/// Anything that can go wrong checking, extracting, creating or hashing a
/// module zip.
#[derive(Debug, Error)]
pub enum ZipError {
    /// A filesystem operation failed.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// The file is not a readable zip archive.
    #[error("read zip {}: {cause}", path.display())]
    Archive {
        /// The zip file.
        path: PathBuf,
        /// What the zip reader reported.
        cause: zip::result::ZipError,
    },
    /// The content of one entry could not be read (bad checksum, corrupt
    /// compressed data, unsupported method, …).
    #[error("read {name} in {}: {}", path.display(), gomodx_fs::os_error_text(cause))]
    Entry {
        /// The zip file.
        path: PathBuf,
        /// The entry name as stored.
        name: String,
        /// What the zip reader reported.
        cause: io::Error,
    },
    /// Writing the zip archive failed.
    #[error("write zip: {0}")]
    Write(zip::result::ZipError),
    /// The module path or version is invalid (`module.Check`).
    #[error(transparent)]
    Module(#[from] ModuleError),
    /// The version is valid but not canonical.
    #[error("version {version:?} is not canonical (should be {canonical:?})")]
    NotCanonical {
        /// The version given.
        version: String,
        /// Its canonical form (empty if it is not valid at all).
        canonical: String,
    },
    /// The zip file itself exceeds [`MAX_ZIP_FILE`].
    #[error("module zip file is too large ({size} bytes; limit is {MAX_ZIP_FILE} bytes)")]
    ZipTooLarge {
        /// The zip file's size.
        size: u64,
    },
    /// The declared uncompressed sizes of a zip's files add up to more than
    /// [`MAX_ZIP_FILE`].
    #[error(
        "total uncompressed size of module contents too large (max size is {MAX_ZIP_FILE} bytes)"
    )]
    ContentTooLarge,
    /// The files to put in a new zip add up to more than [`MAX_ZIP_FILE`].
    #[error("module source tree too large (max size is {MAX_ZIP_FILE} bytes)")]
    SourceTooLarge,
    /// One or more files break the module zip rules; one line per file.
    #[error("{}", FileErrorList(.0))]
    InvalidFiles(Vec<FileError>),
    /// cmd/go's pre-check after a download: an entry outside `path@version/`.
    #[error("zip for {module} has unexpected file {name}")]
    UnexpectedFile {
        /// `path@version`.
        module: String,
        /// The entry name as stored.
        name: String,
    },
    /// An entry decompressed to more bytes than its header declares.
    #[error("uncompressed size of file {name} is larger than declared size ({declared} bytes)")]
    LargerThanDeclared {
        /// The entry name as stored.
        name: String,
        /// The size in the zip header.
        declared: u64,
    },
    /// An entry decompressed to fewer bytes than its header declares.
    #[error("uncompressed size of file {name} is smaller than declared size ({declared} bytes)")]
    SmallerThanDeclared {
        /// The entry name as stored.
        name: String,
        /// The size in the zip header.
        declared: u64,
    },
    /// A file grew while it was being copied into a new zip.
    #[error("file {path:?} is larger than declared size")]
    FileGrew {
        /// The file's path relative to the module root.
        path: String,
    },
    /// [`unzip`](crate::unzip) refuses a destination that already has content.
    #[error("target directory {} exists and is not empty", dir.display())]
    DestinationNotEmpty {
        /// The destination directory.
        dir: PathBuf,
    },
    /// `h1:` hashes cannot represent file names containing newlines.
    #[error("dirhash: filenames with newlines are not supported")]
    NewlineInName,
    /// [`hash_dir`](crate::h1::hash_dir) was given something that is not a directory.
    #[error("{} is not a directory", path.display())]
    NotADirectory {
        /// The path given.
        path: PathBuf,
    },
}

/// A file that breaks a module zip rule, or is left out of a new zip.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{path}: {problem}")]
pub struct FileError {
    /// The entry name as stored (zips) or the path relative to the module
    /// root (files being zipped).
    pub path: String,
    /// What is wrong with it.
    pub problem: FileProblem,
}

/// Why a file is invalid (the first group) or omitted from a new zip (the
/// second group).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FileProblem {
    /// A zip entry outside `path@version/`.
    #[error("path does not have prefix {0:?}")]
    MissingPrefix(String),
    /// `path.Clean` would change the name (`a//b`, `a/./b`, `a/`, …).
    #[error("file path is not clean")]
    NotClean,
    /// An absolute path.
    #[error("file path is not relative")]
    NotRelative,
    /// The name fails `module.CheckFilePath`.
    #[error(transparent)]
    InvalidPath(#[from] InvalidPathError),
    /// Two names are equal under Unicode case folding.
    #[error("case-insensitive file name collision: {0:?} and {1:?}")]
    CaseCollision(String, String),
    /// The same name is used for a file and a directory.
    #[error("entry {0:?} is both a file and a directory")]
    FileAndDirectory(String),
    /// The same file appears twice.
    #[error("multiple entries for file {0:?}")]
    Duplicate(String),
    /// A go.mod below the module root.
    #[error("go.mod file not in module root directory")]
    GoModNotInRoot,
    /// `GO.MOD`, `Go.mod`, …
    #[error("go.mod files must have lowercase names")]
    GoModCase,
    /// The root go.mod exceeds [`MAX_GO_MOD`].
    #[error("go.mod file too large (max size is {MAX_GO_MOD} bytes)")]
    GoModTooLarge,
    /// The root LICENSE exceeds [`MAX_LICENSE`].
    #[error("LICENSE file too large (max size is {MAX_LICENSE} bytes)")]
    LicenseTooLarge,
    /// Omitted: a `.bzr`, `.git`, `.hg` or `.svn` directory.
    #[error("directory is a version control repository")]
    VersionControl,
    /// Omitted: a file of a vendored package.
    #[error("file is in vendor directory")]
    Vendored,
    /// Omitted: a file of a nested module.
    #[error("file is in another module")]
    SubmoduleFile,
    /// Omitted: the directory of a nested module.
    #[error("directory is in another module")]
    SubmoduleDir,
    /// Omitted: `.hg_archival.txt` at the root.
    #[error("file is inserted by 'hg archive' and is always omitted")]
    HgArchival,
    /// Omitted: a symbolic link, device, socket or pipe.
    #[error("not a regular file")]
    NotRegular,
}

/// Go's `FileErrorList` formatting: one `path: reason` per line.
struct FileErrorList<'a>(&'a [FileError]);

impl fmt::Display for FileErrorList<'_> {
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
