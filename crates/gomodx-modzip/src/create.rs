//! Creating module zips (`zip.Create`, `zip.CreateFromDir`) and writing raw
//! fixture zips.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use gomodx_fs::FsError;
use gomodx_module::ModuleVersion;
use gomodx_module::path::check_file_path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::archive::CHUNK;
use crate::check::{check_module_version, zip_prefix};
use crate::error::{FileError, FileProblem, ZipError};
use crate::listing::list_dir;
use crate::names::{CollisionChecker, equal_fold, is_clean};
use crate::vendor::VendorRule;
use crate::{MAX_GO_MOD, MAX_LICENSE, MAX_ZIP_FILE};

/// What a new zip contains.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatedZip {
    /// Paths (relative to the module root) written, in order.
    pub files: Vec<String>,
    /// Files and directories left out, with the reason.
    pub omitted: Vec<FileError>,
}

/// A file to put in a new zip.
pub(crate) struct Source {
    /// Slash-separated path relative to the module root.
    pub path: String,
    /// Size when listed.
    pub size: u64,
    /// Where the bytes are.
    pub content: Content,
}

/// Where a [`Source`]'s bytes are.
pub(crate) enum Content {
    /// In memory.
    Memory(Vec<u8>),
    /// In a regular file.
    Disk(PathBuf),
}

/// Writes the module zip of `files` (`(path relative to the module root,
/// content)`, in the order given) for module `mv` to `w`, applying Go's
/// rules: nested modules, vendored packages and `.hg_archival.txt` are
/// omitted; any invalid name or size fails the whole zip; the version must
/// be canonical. Entries are deflated; no directory entries are written.
pub fn create_zip_from_files<W: Write + Seek>(
    w: W,
    mv: &ModuleVersion,
    files: impl IntoIterator<Item = (String, Vec<u8>)>,
) -> Result<CreatedZip, ZipError> {
    let sources = files
        .into_iter()
        .map(|(path, data)| Source {
            path,
            size: data.len() as u64,
            content: Content::Memory(data),
        })
        .collect();
    create(w, mv, sources, Vec::new())
}

/// Writes the module zip of directory `dir` for module `mv` to `w`, like
/// [`create_zip_from_files`] over the regular files below `dir` in walk
/// order; additionally `.bzr`, `.git`, `.hg` and `.svn` directories, nested
/// modules (directories with a go.mod) and symlinks or other irregular files
/// are left out. Files are streamed from disk.
pub fn create_zip_from_dir<W: Write + Seek>(
    w: W,
    mv: &ModuleVersion,
    dir: &Path,
) -> Result<CreatedZip, ZipError> {
    let (sources, omitted) = list_dir(dir)?;
    create(w, mv, sources, omitted)
}

/// Writes a zip with exactly the given entries (full names, written
/// verbatim, content deflated) and no checks at all.
///
/// For building fixtures, including deliberately malformed module zips such
/// as Go's `rsc.io/badzip`; a name ending in `/` becomes a directory entry.
/// Duplicate names are refused by the underlying writer.
pub fn write_zip_entries<W: Write + Seek>(
    w: W,
    entries: impl IntoIterator<Item = (String, Vec<u8>)>,
) -> Result<(), ZipError> {
    let mut writer = ZipWriter::new(w);
    for (name, data) in entries {
        writer
            .start_file(name, entry_options())
            .map_err(ZipError::Write)?;
        writer
            .write_all(&data)
            .map_err(|err| ZipError::Write(err.into()))?;
    }
    writer.finish().map_err(ZipError::Write)?;
    Ok(())
}

/// Deflate, a fixed timestamp (so equal inputs give equal bytes), 0644.
fn entry_options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
}

/// Validates the module version and the files, then writes the zip.
fn create<W: Write + Seek>(
    w: W,
    mv: &ModuleVersion,
    sources: Vec<Source>,
    mut omitted: Vec<FileError>,
) -> Result<CreatedZip, ZipError> {
    check_module_version(mv)?;
    let selected = select(sources)?;
    omitted.extend(selected.omitted);
    let prefix = zip_prefix(mv);
    let mut writer = ZipWriter::new(w);
    let mut files = Vec::with_capacity(selected.valid.len());
    for source in selected.valid {
        writer
            .start_file(format!("{prefix}{}", source.path), entry_options())
            .map_err(ZipError::Write)?;
        match &source.content {
            Content::Memory(data) => {
                writer
                    .write_all(data)
                    .map_err(|err| ZipError::Write(err.into()))?;
            }
            Content::Disk(path) => copy_file(path, &source, &mut writer)?,
        }
        files.push(source.path);
    }
    writer.finish().map_err(ZipError::Write)?;
    Ok(CreatedZip { files, omitted })
}

/// Streams a file into the current zip entry; it may not have grown since
/// it was listed.
fn copy_file<W: Write + Seek>(
    path: &Path,
    source: &Source,
    writer: &mut ZipWriter<W>,
) -> Result<(), ZipError> {
    let file = File::open(path).map_err(|err| FsError::new("open", path, err))?;
    let mut limited = file.take(source.size + 1);
    let mut buf = vec![0; CHUNK];
    let mut total = 0;
    loop {
        let n = match limited.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(FsError::new("read", path, err).into()),
        };
        total += n as u64;
        if total > source.size {
            return Err(ZipError::FileGrew {
                path: source.path.clone(),
            });
        }
        writer
            .write_all(&buf[..n])
            .map_err(|err| ZipError::Write(err.into()))?;
    }
}

/// The outcome of Go's `checkFiles`.
struct Selection {
    valid: Vec<Source>,
    omitted: Vec<FileError>,
}

/// Sorts files into valid and omitted, or fails on the first size error or
/// with every invalid file.
fn select(sources: Vec<Source>) -> Result<Selection, ZipError> {
    let mut module_dirs = HashSet::new();
    let mut root_go_mod = None;
    for source in &sources {
        let (dir, base) = split_dir(&source.path);
        if equal_fold(base, "go.mod") {
            module_dirs.insert(dir.to_owned());
            if source.path == "go.mod" {
                root_go_mod = Some(source);
            }
        }
    }
    // Go ignores an unreadable go.mod here; writing it will fail later.
    let go_mod = root_go_mod.and_then(|source| read_go_mod(&source.content).ok());
    let rule = VendorRule::for_go_mod(go_mod.as_deref());

    let mut reported = HashSet::new();
    let mut invalid = Vec::new();
    let mut selection = Selection {
        valid: Vec::new(),
        omitted: Vec::new(),
    };
    let mut collisions = CollisionChecker::default();
    let mut remaining = MAX_ZIP_FILE;
    let mut too_large = false;
    for source in sources {
        let verdict = classify(&source.path, rule, &module_dirs, &mut collisions).and_then(|()| {
            match remaining.checked_sub(source.size) {
                Some(left) => remaining = left,
                None => too_large = true,
            }
            match source.path.as_str() {
                "go.mod" if source.size > MAX_GO_MOD => Err((FileProblem::GoModTooLarge, false)),
                "LICENSE" if source.size > MAX_LICENSE => {
                    Err((FileProblem::LicenseTooLarge, false))
                }
                _ => Ok(()),
            }
        });
        match verdict {
            Ok(()) => selection.valid.push(source),
            // Like Go, report each path once.
            Err(_) if !reported.insert(source.path.clone()) => {}
            Err((problem, true)) => {
                selection.omitted.push(FileError {
                    path: source.path,
                    problem,
                });
            }
            Err((problem, false)) => invalid.push(FileError {
                path: source.path,
                problem,
            }),
        }
    }
    if too_large {
        return Err(ZipError::SourceTooLarge);
    }
    if !invalid.is_empty() {
        return Err(ZipError::InvalidFiles(invalid));
    }
    Ok(selection)
}

/// The name rules for one file; the error says whether the file is merely
/// omitted (`true`) or invalid (`false`).
fn classify(
    path: &str,
    rule: VendorRule,
    module_dirs: &HashSet<String>,
    collisions: &mut CollisionChecker,
) -> Result<(), (FileProblem, bool)> {
    if !is_clean(path) {
        return Err((FileProblem::NotClean, false));
    }
    if path.starts_with('/') {
        return Err((FileProblem::NotRelative, false));
    }
    if rule.is_vendored(path) {
        return Err((FileProblem::Vendored, true));
    }
    if in_submodule(path, module_dirs) {
        return Err((FileProblem::SubmoduleFile, true));
    }
    if path == ".hg_archival.txt" {
        return Err((FileProblem::HgArchival, true));
    }
    check_file_path(path).map_err(|err| (err.into(), false))?;
    if path.to_lowercase() == "go.mod" && path != "go.mod" {
        return Err((FileProblem::GoModCase, false));
    }
    collisions
        .check(path, false)
        .map_err(|problem| (problem, false))
}

/// Whether a directory above `path` (not the root) holds a go.mod.
fn in_submodule(path: &str, module_dirs: &HashSet<String>) -> bool {
    path.match_indices('/')
        .any(|(slash, _)| module_dirs.contains(&path[..=slash]))
}

/// Go's `path.Split`: the directory with its trailing slash, and the base.
fn split_dir(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(slash) => path.split_at(slash + 1),
        None => ("", path),
    }
}

/// The root go.mod's bytes, capped at [`MAX_GO_MOD`] + 1 (a larger file is
/// rejected anyway).
fn read_go_mod(content: &Content) -> std::io::Result<Cow<'_, [u8]>> {
    match content {
        Content::Memory(data) => Ok(Cow::Borrowed(data)),
        Content::Disk(path) => read_capped(path).map(Cow::Owned),
    }
}

/// At most [`MAX_GO_MOD`] + 1 bytes of a file (following symlinks).
pub(crate) fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    File::open(path)?
        .take(MAX_GO_MOD + 1)
        .read_to_end(&mut data)?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_zips::{module, zip_file};
    use crate::{check_zip, h1, unzip};
    use std::io::Cursor;

    /// Creates a zip of `files` for [`module`], returning what was written
    /// and the entry names in the resulting archive.
    fn create_files(files: &[(&str, &str)]) -> Result<(CreatedZip, Vec<String>), ZipError> {
        let mut out = Cursor::new(Vec::new());
        let created = create_zip_from_files(
            &mut out,
            &module(),
            files
                .iter()
                .map(|(n, d)| ((*n).to_owned(), d.as_bytes().to_vec())),
        )?;
        Ok((created, entry_names(out.get_ref())))
    }

    fn entry_names(zip: &[u8]) -> Vec<String> {
        let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
        (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().unwrap().into_owned())
            .collect()
    }

    fn omitted(created: &CreatedZip) -> Vec<(&str, &FileProblem)> {
        created
            .omitted
            .iter()
            .map(|f| (f.path.as_str(), &f.problem))
            .collect()
    }

    #[test]
    fn nested_modules_and_hg_archival_are_omitted() {
        let (created, names) = create_files(&[
            ("go.mod", "module example.com/m\n"),
            ("a.go", "package a\n"),
            ("sub/go.mod", "module example.com/m/sub\n"),
            ("sub/x.go", "package x\n"),
            ("sub/deeper/y.go", "package y\n"),
            ("other/GO.MOD", "module weird\n"),
            ("other/z.go", "package z\n"),
            (".hg_archival.txt", "repo: x\n"),
            ("sub2/.hg_archival.txt", "kept\n"),
        ])
        .unwrap();
        assert_eq!(created.files, ["go.mod", "a.go", "sub2/.hg_archival.txt"]);
        assert_eq!(
            names,
            [
                "example.com/m@v1.0.0/go.mod",
                "example.com/m@v1.0.0/a.go",
                "example.com/m@v1.0.0/sub2/.hg_archival.txt"
            ]
        );
        assert_eq!(
            omitted(&created),
            [
                ("sub/go.mod", &FileProblem::SubmoduleFile),
                ("sub/x.go", &FileProblem::SubmoduleFile),
                ("sub/deeper/y.go", &FileProblem::SubmoduleFile),
                ("other/GO.MOD", &FileProblem::SubmoduleFile),
                ("other/z.go", &FileProblem::SubmoduleFile),
                (".hg_archival.txt", &FileProblem::HgArchival),
            ]
        );
    }

    #[test]
    fn vendor_rules_depend_on_the_go_line() {
        let tree = |go_line: &str| {
            let go_mod = format!("module example.com/m\n{go_line}\n");
            let files = [
                ("go.mod", go_mod.as_str()),
                ("vendor/modules.txt", "# x\n"),
                ("vendor/top.go", "package vendor\n"),
                ("vendor/example.com/dep/dep.go", "package dep\n"),
                ("pkg/vendor/vendor.go", "package vendor\n"),
                ("pkg/vendor/foo/foo.go", "package foo\n"),
            ];
            create_files(&files).unwrap().0.files
        };
        assert_eq!(
            tree("go 1.23"),
            ["go.mod", "vendor/modules.txt", "vendor/top.go"]
        );
        assert_eq!(tree(""), ["go.mod", "vendor/modules.txt", "vendor/top.go"]);
        assert_eq!(
            tree("go 1.24"),
            ["go.mod", "vendor/top.go", "pkg/vendor/vendor.go"]
        );
    }

    #[test]
    fn invalid_files_fail_the_whole_zip() {
        let err = create_files(&[
            ("ok.go", ""),
            ("../up.go", ""),
            ("a//b.go", ""),
            ("/abs.go", ""),
            ("GO.MOD", ""),
            ("x.go", ""),
            ("X.go", ""),
            ("x.go", ""),
            ("a//b.go", ""),
        ])
        .unwrap_err();
        let ZipError::InvalidFiles(files) = &err else {
            panic!("{err:?}")
        };
        let summary: Vec<(&str, &FileProblem)> = files
            .iter()
            .map(|f| (f.path.as_str(), &f.problem))
            .collect();
        assert!(
            matches!(summary[0], ("../up.go", FileProblem::InvalidPath(_))),
            "{summary:?}"
        );
        assert_eq!(
            summary[1..],
            [
                ("a//b.go", &FileProblem::NotClean),
                ("/abs.go", &FileProblem::NotRelative),
                ("GO.MOD", &FileProblem::GoModCase),
                (
                    "X.go",
                    &FileProblem::CaseCollision("x.go".into(), "X.go".into())
                ),
                ("x.go", &FileProblem::Duplicate("x.go".into())),
            ],
            "each path is reported once"
        );
        assert!(
            err.to_string()
                .starts_with("../up.go: malformed file path \"../up.go\""),
            "{err}"
        );
    }

    #[test]
    fn duplicate_files_are_invalid() {
        let err = create_files(&[("a.go", "1"), ("a.go", "2")]).unwrap_err();
        assert_eq!(err.to_string(), "a.go: multiple entries for file \"a.go\"");
    }

    #[test]
    fn size_limits() {
        let big = "x".repeat(usize::try_from(MAX_LICENSE).unwrap() + 1);
        let err = create_files(&[("LICENSE", &big), ("sub/LICENSE", &big), ("go.mod", &big)])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "LICENSE: LICENSE file too large (max size is 16777216 bytes)\n\
             go.mod: go.mod file too large (max size is 16777216 bytes)"
        );
    }

    #[test]
    fn version_must_be_canonical() {
        let mut out = Cursor::new(Vec::new());
        let mv = ModuleVersion::new("example.com/m", "v1.2");
        let err = create_zip_from_files(&mut out, &mv, Vec::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "version \"v1.2\" is not canonical (should be \"v1.2.0\")"
        );
        let mv = ModuleVersion::new("example.com/m/v2", "v1.0.0");
        assert!(matches!(
            create_zip_from_files(&mut out, &mv, Vec::new()),
            Err(ZipError::Module(_))
        ));
    }

    #[test]
    fn created_zips_pass_checks_and_round_trip() {
        let mut out = Cursor::new(Vec::new());
        let files = [
            ("go.mod", "module example.com/m\n"),
            ("a/b/c.go", "package b\n"),
            ("README", "hi"),
        ];
        create_zip_from_files(
            &mut out,
            &module(),
            files.map(|(n, d)| (n.to_owned(), d.as_bytes().to_vec())),
        )
        .unwrap();
        let (tmp, zip) = zip_file(out.get_ref());
        assert_eq!(check_zip(&zip, &module()).unwrap().files.len(), 3);
        let dest = tmp.path().join("out");
        unzip(&zip, &module(), &dest).unwrap();
        assert_eq!(
            h1::hash_zip(&zip).unwrap(),
            h1::hash_dir(&dest, "example.com/m@v1.0.0").unwrap()
        );
    }

    #[test]
    fn fixture_entries_are_written_verbatim() {
        let mut out = Cursor::new(Vec::new());
        write_zip_entries(
            &mut out,
            [
                ("../evil".to_owned(), b"x".to_vec()),
                ("/abs/".to_owned(), Vec::new()),
                ("a\\b".to_owned(), Vec::new()),
            ],
        )
        .unwrap();
        assert_eq!(entry_names(out.get_ref()), ["../evil", "/abs/", "a\\b"]);
    }
}
