//! Listing a module directory the way Go's `CreateFromDir` does
//! (`listFilesInDir`).

use std::fs;
use std::path::Path;

use walkdir::WalkDir;

use crate::create::{Content, Source, read_capped};
use crate::error::{FileError, FileProblem, ZipError};
use crate::vendor::VendorRule;
use crate::walk::{slash_path_bytes, walk_error};

/// Directories of version control systems, never zipped.
const VCS_DIRS: [&str; 4] = [".bzr", ".git", ".hg", ".svn"];

/// The regular files below `dir` in walk order (names sorted within each
/// directory, parents before children), and what was left out: VCS
/// directories, nested modules, vendored packages (by the rule of
/// `dir/go.mod`'s go line), symlinks and other irregular files. Symlinks are
/// never followed.
pub(crate) fn list_dir(dir: &Path) -> Result<(Vec<Source>, Vec<FileError>), ZipError> {
    let go_mod = read_capped(&dir.join("go.mod")).ok();
    let rule = VendorRule::for_go_mod(go_mod.as_deref());
    let mut files = Vec::new();
    let mut omitted = Vec::new();
    let mut omit = |path: String, problem| omitted.push(FileError { path, problem });
    let mut walk = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(item) = walk.next() {
        let item = item.map_err(|err| walk_error(dir, err))?;
        let is_dir = item.file_type().is_dir();
        if item.depth() == 0 {
            if !is_dir {
                return Err(ZipError::NotADirectory {
                    path: dir.to_path_buf(),
                });
            }
            continue;
        }
        let relative = item
            .path()
            .strip_prefix(dir)
            .expect("walkdir yields paths below its root");
        let slash_path = String::from_utf8_lossy(&slash_path_bytes(relative)).into_owned();
        if rule.is_vendored(&slash_path) {
            // Everything below a vendored directory is vendored too.
            omit(slash_path, FileProblem::Vendored);
            if is_dir {
                walk.skip_current_dir();
            }
            continue;
        }
        if is_dir {
            let name = item.file_name().to_string_lossy();
            if VCS_DIRS.contains(&name.as_ref()) {
                omit(slash_path, FileProblem::VersionControl);
                walk.skip_current_dir();
            } else if fs::symlink_metadata(item.path().join("go.mod")).is_ok_and(|m| !m.is_dir()) {
                omit(slash_path, FileProblem::SubmoduleDir);
                walk.skip_current_dir();
            }
            continue;
        }
        if !item.file_type().is_file() {
            omit(slash_path, FileProblem::NotRegular);
            continue;
        }
        let size = item.metadata().map_err(|err| walk_error(dir, err))?.len();
        files.push(Source {
            path: slash_path,
            size,
            content: Content::Disk(item.into_path()),
        });
    }
    Ok((files, omitted))
}
