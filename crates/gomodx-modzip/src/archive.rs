//! Sequential access to a zip file's entries, duplicates included.
//!
//! The `zip` crate's `ZipArchive` indexes entries by name and so cannot see
//! duplicate names, which Go's rules must reject (and Go's hash counts). Its
//! `ZipIterable` walks the central directory in stored order instead; entry
//! bodies are read through a second handle on the same file.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use gomodx_fs::FsError;
use zip::unstable::read::ZipIterable;
use zip::{ZipReadOptions, read::Config};

use crate::error::ZipError;

/// Buffer size for streaming entry bodies.
pub(crate) const CHUNK: usize = 64 * 1024;

/// An open zip file.
pub(crate) struct Archive {
    path: PathBuf,
    file: File,
    entries: ZipIterable<BufReader<File>>,
}

/// One central-directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The name as stored (the `zip` crate substitutes an Info-ZIP Unicode
    /// Path extra field when its checksum matches).
    pub name: Vec<u8>,
    /// The declared uncompressed size.
    pub size: u64,
}

impl Entry {
    /// The name for messages (lossy if not UTF-8).
    pub(crate) fn display_name(&self) -> String {
        String::from_utf8_lossy(&self.name).into_owned()
    }
}

impl Archive {
    /// Opens `path` and reads the end of its central directory.
    pub(crate) fn open(path: &Path) -> Result<Self, ZipError> {
        Self::open_limited(path, u64::MAX)
    }

    /// Like [`open`](Self::open), but first fails with
    /// [`ZipError::ZipTooLarge`] if the file has more than `max_size` bytes.
    pub(crate) fn open_limited(path: &Path, max_size: u64) -> Result<Self, ZipError> {
        let file = File::open(path).map_err(|err| FsError::new("open", path, err))?;
        let size = file
            .metadata()
            .map_err(|err| FsError::new("stat", path, err))?
            .len();
        if size > max_size {
            return Err(ZipError::ZipTooLarge { size });
        }
        let reader = BufReader::new(Self::clone_handle(&file, path)?);
        let entries = ZipIterable::try_new(reader, Config::default()).map_err(malformed(path))?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
            entries,
        })
    }

    fn clone_handle(file: &File, path: &Path) -> Result<File, ZipError> {
        Ok(file
            .try_clone()
            .map_err(|err| FsError::new("open", path, err))?)
    }

    /// Every entry's name and declared size, in central-directory order.
    pub(crate) fn entries(&mut self) -> Result<Vec<Entry>, ZipError> {
        let malformed = malformed(&self.path);
        let pass = self.entries.files().map_err(&malformed)?;
        let mut list = Vec::new();
        for entry in pass {
            let entry = entry.map_err(&malformed)?;
            list.push(Entry {
                name: entry.name_raw().to_vec(),
                size: entry.size(),
            });
        }
        Ok(list)
    }

    /// Calls `visit` with each entry and a reader of its decompressed body,
    /// in central-directory order.
    pub(crate) fn for_each_body(
        &mut self,
        mut visit: impl FnMut(&Entry, &mut dyn Read) -> Result<(), ZipError>,
    ) -> Result<(), ZipError> {
        let body = BufReader::with_capacity(CHUNK, Self::clone_handle(&self.file, &self.path)?);
        let malformed = malformed(&self.path);
        let mut pass = self
            .entries
            .files_with_reader(body, ZipReadOptions::new())
            .map_err(&malformed)?;
        while let Some(next) = pass.next() {
            let mut file = next.map_err(&malformed)?;
            let entry = Entry {
                name: file.name_raw().to_vec(),
                size: file.size(),
            };
            visit(&entry, &mut file)?;
        }
        Ok(())
    }
}

/// Maps the `zip` crate's errors about the archive at `path`.
fn malformed(path: &Path) -> impl Fn(zip::result::ZipError) -> ZipError + '_ {
    move |cause| ZipError::Archive {
        path: path.to_path_buf(),
        cause,
    }
}

/// Why [`copy_body`] stopped.
#[derive(Debug)]
pub(crate) enum CopyError {
    /// The body is longer than declared.
    Larger,
    /// The body is shorter than declared.
    Smaller,
    /// Reading the body failed.
    Read(io::Error),
    /// The sink failed.
    Sink(ZipError),
}

/// Streams an entry body of declared size `declared` into `sink` in bounded
/// chunks, insisting that the actual size equals the declared size.
pub(crate) fn copy_body(
    body: &mut dyn Read,
    declared: u64,
    mut sink: impl FnMut(&[u8]) -> Result<(), ZipError>,
) -> Result<(), CopyError> {
    let mut buf = vec![0; CHUNK];
    let mut total: u64 = 0;
    loop {
        // Whole chunks (a decompressor hands out a few KiB per read), so
        // the sink writes in few system calls.
        let mut n = 0;
        while n < buf.len() {
            match body.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(read) => n += read,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) if is_past_declared_size(&err) => return Err(CopyError::Larger),
                Err(err) => return Err(CopyError::Read(err)),
            }
        }
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > declared {
            return Err(CopyError::Larger);
        }
        sink(&buf[..n]).map_err(CopyError::Sink)?;
    }
    if total < declared {
        return Err(CopyError::Smaller);
    }
    Ok(())
}

impl CopyError {
    /// The error to report for entry `entry` of the zip at `zip_path`.
    pub(crate) fn into_zip_error(self, zip_path: &Path, entry: &Entry) -> ZipError {
        match self {
            Self::Larger => ZipError::LargerThanDeclared {
                name: entry.display_name(),
                declared: entry.size,
            },
            Self::Smaller => ZipError::SmallerThanDeclared {
                name: entry.display_name(),
                declared: entry.size,
            },
            Self::Read(cause) => ZipError::Entry {
                path: zip_path.to_path_buf(),
                name: entry.display_name(),
                cause,
            },
            Self::Sink(err) => err,
        }
    }
}

/// The `zip` crate stops a read that goes past the declared size with an
/// `InvalidData` error of its own; recognise it so the message can be Go's.
fn is_past_declared_size(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::InvalidData && err.to_string().contains("declared")
}
