//! Deterministic tarballs of a module cache, for container images (`ADD`)
//! and CI cache artifacts.
//!
//! [`export_tar`] writes the same bytes for the same cache content on any
//! machine: entries depth first with each directory's names in byte order,
//! GNU headers with uid/gid 0, no user or group names, one fixed mtime,
//! and modes 0755 (directories) or 0644 (files). Lock files, temp files and
//! VCS checkouts are left out (see `walk::is_host_specific`); a cache with
//! an extraction in progress (a `.partial` marker) is refused.
//! [`import_tar`](crate::import_tar) reads such a tarball back.

use std::fs::File;
use std::io::{self, BufWriter, Read as _, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use gomodx_fs::FsError;
use gomodx_module::ModuleError;

use crate::VerifyError;
use crate::walk::{self, Kind};

/// An error exporting or importing a module-cache tarball.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// A filesystem operation failed.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// A cache path does not name a valid module version.
    #[error(transparent)]
    Module(#[from] ModuleError),
    /// The tarball could not be written or read.
    #[error("{op} {}: {}", file.display(), gomodx_fs::os_error_text(cause))]
    Tar {
        /// `write` or `read`.
        op: &'static str,
        /// The tarball.
        file: PathBuf,
        /// What went wrong.
        cause: io::Error,
    },
    /// An entry other than a file or directory below the root.
    #[error("{0}: not a regular file or directory; module caches hold only those")]
    Unsupported(String),
    /// An archive entry whose path would land outside the module cache.
    #[error("archive entry {0:?} escapes the module cache")]
    UnsafePath(String),
    /// An extraction in progress (or killed): the tree is incomplete.
    #[error("{0}: extraction in progress or interrupted; rerun the download first")]
    Partial(String),
    /// A module's zip or tree does not match its `.ziphash` (go's wording).
    #[error("{0}")]
    Modified(VerifyError),
    /// An extracted tree without the `.ziphash` that go requires with it.
    #[error("{module}: extracted tree has no .ziphash")]
    TreeWithoutHash {
        /// `path@version`.
        module: String,
    },
    /// A hash differs from the one go.sum records (go's wording).
    #[error(
        "verifying {module}: checksum mismatch\n\tdownloaded: {actual}\n\tgo.sum:     {expected}"
    )]
    SumMismatch {
        /// `path@version` or `path@version/go.mod`.
        module: String,
        /// The hash of what the archive holds.
        actual: String,
        /// The hash go.sum records.
        expected: String,
    },
}

/// What an export or import covered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArchiveSummary {
    /// Files in the archive.
    pub files: usize,
    /// Their total length.
    pub bytes: u64,
    /// Module versions with a cached go.mod.
    pub modules: usize,
}

/// Writes a deterministic tarball of the module cache at `root` to `file`
/// (through a temp file in the same directory, renamed into place).
/// Every entry gets the modification time `epoch` (seconds since 1970).
pub fn export_tar(root: &Path, file: &Path, epoch: u64) -> Result<ArchiveSummary, ArchiveError> {
    let entries = walk::entries(root)?;
    if let Some(partial) = entries.iter().find(|e| e.relative.ends_with(".partial")) {
        return Err(ArchiveError::Partial(partial.path.display().to_string()));
    }
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let tar_error = |cause| ArchiveError::Tar {
        op: "write",
        file: file.to_path_buf(),
        cause,
    };
    // 0666 less the umask, as go and tar create files (not tempfile's 0600).
    let temp = tempfile::Builder::new()
        .prefix(".gomodx-export-")
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(tar_error)?;
    let mut builder = tar::Builder::new(BufWriter::new(temp.as_file()));
    let mut summary = ArchiveSummary::default();
    for entry in &entries {
        let mut header = tar::Header::new_gnu();
        header.set_mtime(epoch);
        header.set_uid(0);
        header.set_gid(0);
        match entry.kind {
            Kind::Dir => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(0o755);
                header.set_size(0);
                builder
                    .append_data(&mut header, format!("{}/", entry.relative), io::empty())
                    .map_err(tar_error)?;
            }
            Kind::File => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(0o644);
                header.set_size(entry.len);
                let data =
                    File::open(&entry.path).map_err(|e| FsError::new("open", &entry.path, e))?;
                builder
                    .append_data(&mut header, &entry.relative, data.take(entry.len))
                    .map_err(tar_error)?;
                summary.files += 1;
                summary.bytes += entry.len;
                summary.modules += usize::from(is_cached_go_mod(&entry.relative));
            }
            Kind::Other => return Err(ArchiveError::Unsupported(entry.path.display().to_string())),
        }
    }
    builder
        .into_inner()
        .and_then(|mut out| out.flush())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(tar_error)?;
    temp.persist(file).map_err(|e| tar_error(e.error))?;
    Ok(summary)
}

/// Whether a cache entry is a module version's `.mod` under `cache/download`.
pub(crate) fn is_cached_go_mod(relative: &str) -> bool {
    relative.starts_with("cache/download/")
        && relative.ends_with(".mod")
        && relative.contains("/@v/")
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn cache(root: &Path) {
        for (file, data) in [
            (
                "cache/download/example.com/m/@v/v1.0.0.mod",
                "module example.com/m\n",
            ),
            ("cache/download/example.com/m/@v/v1.0.0.lock", ""),
            ("example.com/m@v1.0.0/m.go", "package m\n"),
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, data).unwrap();
        }
    }

    #[test]
    fn same_content_same_bytes() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        cache(&a.path().join("mc"));
        cache(&b.path().join("other-name"));
        fs::write(b.path().join("other-name/cache/lock"), "").unwrap();
        let summary = export_tar(&a.path().join("mc"), &a.path().join("a.tar"), 1).unwrap();
        export_tar(&b.path().join("other-name"), &b.path().join("b.tar"), 1).unwrap();
        assert_eq!(
            summary,
            ArchiveSummary {
                files: 2,
                bytes: 31,
                modules: 1
            }
        );
        let first = fs::read(a.path().join("a.tar")).unwrap();
        assert_eq!(first, fs::read(b.path().join("b.tar")).unwrap());
        let mut archive = tar::Archive::new(&first[..]);
        let names: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().display().to_string())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".lock")), "{names:?}");
        assert_eq!(names.first().map(String::as_str), Some("cache/"));
        // Not tempfile's 0600: 0666 less the umask (tests run with 022 or stricter).
        let mode = fs::metadata(a.path().join("a.tar"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o600, 0o600);
        assert_ne!(mode & 0o777, 0o600, "{mode:o}");
    }

    #[test]
    fn refuses_partial_extraction() {
        let tmp = tempfile::tempdir().unwrap();
        cache(tmp.path());
        fs::write(
            tmp.path()
                .join("cache/download/example.com/m/@v/v1.0.0.partial"),
            "",
        )
        .unwrap();
        let err = export_tar(tmp.path(), &tmp.path().join("x.tar"), 1).unwrap_err();
        assert!(matches!(err, ArchiveError::Partial(_)), "{err}");
        assert!(!tmp.path().join("x.tar").exists());
    }
}
