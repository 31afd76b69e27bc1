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

#[cfg(test)]
mod tests {
    use crate::create_zip_from_dir;
    use crate::error::FileProblem;
    use crate::test_zips::module;
    use std::io::Cursor;

    #[cfg(unix)]
    #[test]
    fn directory_walk_applies_go_inclusion_rules() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("m");
        let write = |path: &str, data: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, data).unwrap();
        };
        write("go.mod", "module example.com/m\n\ngo 1.24\n");
        write("a.go", "package a\n");
        write(".git/config", "[core]\n");
        write("sub/.svn/entries", "x\n");
        write(".hg/store", "x\n");
        write(".bzr/branch", "x\n");
        write("nested/go.mod", "module example.com/m/nested\n");
        write("nested/n.go", "package nested\n");
        write("sub/s.go", "package sub\n");
        write("vendor/modules.txt", "# x\n");
        write("vendor/example.com/d/d.go", "package d\n");
        write("pkg/vendor/vendor.go", "package vendor\n");
        write(".hg_archival.txt", "x\n");
        std::fs::create_dir_all(root.join("empty")).unwrap();
        std::fs::create_dir_all(root.join("notmod/go.mod")).unwrap();
        write("notmod/ok.go", "package notmod\n");
        symlink("a.go", root.join("link.go")).unwrap();
        symlink("sub", root.join("linkdir")).unwrap();
        symlink("../missing", root.join("linkmod")).unwrap();

        let mut out = Cursor::new(Vec::new());
        let created = create_zip_from_dir(&mut out, &module(), &root).unwrap();
        assert_eq!(
            created.files,
            [
                "a.go",
                "go.mod",
                "notmod/ok.go",
                "pkg/vendor/vendor.go",
                "sub/s.go"
            ],
            "a directory named go.mod does not make a nested module"
        );
        let mut omitted: Vec<(&str, &FileProblem)> = created
            .omitted
            .iter()
            .map(|f| (f.path.as_str(), &f.problem))
            .collect();
        omitted.sort_by_key(|(path, _)| *path);
        assert_eq!(
            omitted,
            [
                (".bzr", &FileProblem::VersionControl),
                (".git", &FileProblem::VersionControl),
                (".hg", &FileProblem::VersionControl),
                (".hg_archival.txt", &FileProblem::HgArchival),
                ("link.go", &FileProblem::NotRegular),
                ("linkdir", &FileProblem::NotRegular),
                ("linkmod", &FileProblem::NotRegular),
                ("nested", &FileProblem::SubmoduleDir),
                ("sub/.svn", &FileProblem::VersionControl),
                ("vendor/example.com/d", &FileProblem::Vendored),
                ("vendor/modules.txt", &FileProblem::Vendored),
            ]
        );
        let archive = zip::ZipArchive::new(Cursor::new(out.get_ref())).unwrap();
        assert_eq!(archive.len(), 5, "no directory entries");
    }
}
