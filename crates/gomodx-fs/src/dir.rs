//! [`DirHandle`]: a directory opened once, by path, for many lookups
//! relative to it (cheaper than walking its path from `/` each time).

use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::sync::OnceLock;

use nix::fcntl::{AtFlags, OFlag, open};
use nix::sys::stat::{FileStat, Mode, SFlag, fstatat};

/// A directory handle (`O_PATH`) opened on first use, once the directory
/// exists; until then every lookup finds nothing.
#[derive(Debug)]
pub struct DirHandle {
    path: PathBuf,
    fd: OnceLock<OwnedFd>,
}

impl DirHandle {
    /// The handle of the directory at `path` (not opened yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            fd: OnceLock::new(),
        }
    }

    /// The open directory; `None` while it cannot be opened.
    pub fn get(&self) -> Option<&OwnedFd> {
        if let Some(fd) = self.fd.get() {
            return Some(fd);
        }
        let flags = OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        let fd = open(&self.path, flags, Mode::empty()).ok()?;
        Some(self.fd.get_or_init(|| fd))
    }

    /// The status of the regular file at `name` (relative, symlinks
    /// followed), or `None` if there is none.
    pub fn regular_file(&self, name: &str) -> Option<FileStat> {
        let stat = fstatat(self.get()?, name, AtFlags::empty()).ok()?;
        is_kind(stat.st_mode, SFlag::S_IFREG).then_some(stat)
    }
}

/// Whether a `st_mode` is of the file type `kind` (`S_IFREG`, `S_IFDIR`…).
pub fn is_kind(mode: nix::libc::mode_t, kind: SFlag) -> bool {
    SFlag::from_bits_truncate(mode) & SFlag::S_IFMT == kind
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_regular_files_once_the_directory_exists() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DirHandle::new(tmp.path().join("d"));
        assert!(dir.regular_file("f").is_none(), "no directory yet");
        std::fs::create_dir_all(tmp.path().join("d/sub")).unwrap();
        std::fs::write(tmp.path().join("d/sub/f"), "12345").unwrap();
        assert_eq!(dir.regular_file("sub/f").map(|s| s.st_size), Some(5));
        assert!(dir.regular_file("sub").is_none(), "a directory");
        assert!(dir.regular_file("missing").is_none());
    }
}
