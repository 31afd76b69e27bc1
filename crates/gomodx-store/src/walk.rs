//! Walking `refs-v1/`: every ref file with the module and version its
//! path names, plus anything else found there (for `gc` to clean up).

use std::collections::VecDeque;
use std::fs;
use std::path::{Path, PathBuf};

use gomodx_module::ModuleVersion;
use gomodx_module::escape::{unescape_path, unescape_version};

use crate::blob::is_digest;
use crate::disk::{IoContext, read_dir};
use crate::error::StoreError;
use crate::refs::{ArtifactKind, Ref};

/// A ref file found by [`RefWalk`].
#[derive(Debug)]
pub(crate) struct RefEntry {
    /// The module and version, unescaped.
    pub(crate) module: ModuleVersion,
    /// Which artifact.
    pub(crate) kind: ArtifactKind,
    /// The parsed ref.
    pub(crate) reference: Ref,
    /// The ref file.
    pub(crate) path: PathBuf,
}

/// What [`RefWalk`] yields.
#[derive(Debug)]
pub(crate) enum Walked {
    /// A well-formed ref (its blob may be missing).
    Ref(RefEntry),
    /// An entry in `refs-v1` that is not a well-formed ref: a leftover
    /// temporary file, something damaged, or a directory inside `@v`.
    Stray(PathBuf),
}

/// Walks `refs-v1/`, one directory at a time.
#[derive(Debug)]
pub(crate) struct RefWalk {
    /// Directories still to read, with their escaped module path so far.
    pending: Vec<(PathBuf, String)>,
    /// Results from the last directory read.
    ready: VecDeque<Walked>,
}

impl RefWalk {
    /// A walk of the refs bucket at `root`.
    pub(crate) fn new(root: PathBuf) -> Self {
        Self {
            pending: vec![(root, String::new())],
            ready: VecDeque::new(),
        }
    }

    /// Reads one directory, queueing its refs and strays and pushing its
    /// subdirectories.
    fn read(&mut self, dir: &Path, escaped_module: &str) -> Result<(), StoreError> {
        let versions_dir = dir.file_name().is_some_and(|name| name == "@v");
        for entry in read_dir(dir)? {
            let path = entry.path();
            let file_type = entry.file_type().at("stat", &path)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if file_type.is_dir() {
                if versions_dir {
                    self.ready.push_back(Walked::Stray(path));
                } else if name == "@v" {
                    self.pending.push((path, escaped_module.to_owned()));
                } else if escaped_module.is_empty() {
                    self.pending.push((path, name));
                } else {
                    self.pending
                        .push((path, format!("{escaped_module}/{name}")));
                }
            } else if let Some(entry) = versions_dir
                .then(|| parse_ref(&path, escaped_module, &name))
                .flatten()
            {
                self.ready.push_back(Walked::Ref(entry));
            } else {
                self.ready.push_back(Walked::Stray(path));
            }
        }
        Ok(())
    }
}

impl Iterator for RefWalk {
    type Item = Result<Walked, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(walked) = self.ready.pop_front() {
                return Some(Ok(walked));
            }
            let (dir, escaped_module) = self.pending.pop()?;
            if let Err(err) = self.read(&dir, &escaped_module) {
                return Some(Err(err));
            }
        }
    }
}

/// Parses `<escaped version>.<kind>.json` in the `@v` directory of
/// `escaped_module`; `None` if anything about it is wrong.
fn parse_ref(path: &Path, escaped_module: &str, name: &str) -> Option<RefEntry> {
    let (escaped_version, extension) = name.strip_suffix(".json")?.rsplit_once('.')?;
    let kind = ArtifactKind::from_extension(extension)?;
    let module = ModuleVersion::new(
        unescape_path(escaped_module).ok()?,
        unescape_version(escaped_version).ok()?,
    );
    let reference: Ref = serde_json::from_slice(&fs::read(path).ok()?).ok()?;
    is_digest(&reference.sha256).then(|| RefEntry {
        module,
        kind,
        reference,
        path: path.to_path_buf(),
    })
}
