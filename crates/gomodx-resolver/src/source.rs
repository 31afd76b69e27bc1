//! Where go.mod files come from: the [`GoModSource`] trait, implemented by
//! the fetch layer (and by [`MemorySource`] for tests and fixtures).

use std::collections::HashMap;

use gomodx_module::ModuleVersion;

use crate::error::SourceError;

/// The bytes of one go.mod file and the name its parse errors should show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoModFile {
    /// The file name in error messages: `go.mod` for a module version (as
    /// Go shows it), the file's path for a directory replacement.
    pub name: String,
    /// The file's content.
    pub data: Vec<u8>,
}

impl GoModFile {
    /// A module version's go.mod, shown as `go.mod`.
    pub fn new(data: impl Into<Vec<u8>>) -> Self {
        Self::with_name("go.mod", data)
    }

    /// A go.mod shown under `name` in parse errors.
    pub fn with_name(name: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.into(),
            data: data.into(),
        }
    }
}

/// Supplies go.mod files to the resolver.
///
/// `module` is what to read: for a replaced module, the *replacement*. A
/// module replacement has a version; a directory replacement has version
/// `""` and the directory as written in the main go.mod as its path
/// (relative paths are relative to the main module's directory), and its
/// go.mod is `<dir>/go.mod`. The virtual `go` and `toolchain` modules are
/// never asked for.
pub trait GoModSource {
    /// The go.mod of `module`. Error messages should not repeat the module
    /// (the resolver adds `path@version: `).
    fn go_mod(&self, module: &ModuleVersion) -> Result<GoModFile, SourceError>;
}

impl<F> GoModSource for F
where
    F: Fn(&ModuleVersion) -> Result<GoModFile, SourceError>,
{
    fn go_mod(&self, module: &ModuleVersion) -> Result<GoModFile, SourceError> {
        self(module)
    }
}

/// go.mod files held in memory, keyed by module version (directory
/// replacements by `(dir, "")`).
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    files: HashMap<ModuleVersion, Vec<u8>>,
}

impl MemorySource {
    /// An empty source.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the go.mod of `module`.
    pub fn insert(&mut self, module: ModuleVersion, go_mod: impl Into<Vec<u8>>) -> &mut Self {
        self.files.insert(module, go_mod.into());
        self
    }

    /// How many go.mod files it holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl FromIterator<(ModuleVersion, Vec<u8>)> for MemorySource {
    fn from_iter<I: IntoIterator<Item = (ModuleVersion, Vec<u8>)>>(iter: I) -> Self {
        Self {
            files: iter.into_iter().collect(),
        }
    }
}

impl GoModSource for MemorySource {
    /// Missing files fail with `not found` (`reading <dir>/go.mod: not
    /// found` for a directory).
    fn go_mod(&self, module: &ModuleVersion) -> Result<GoModFile, SourceError> {
        let name = if module.version.is_empty() {
            format!("{}/go.mod", module.path)
        } else {
            "go.mod".to_owned()
        };
        match self.files.get(module) {
            Some(data) => Ok(GoModFile::with_name(name, data.clone())),
            None if module.version.is_empty() => {
                Err(SourceError::new(format!("reading {name}: not found")))
            }
            None => Err(SourceError::new("not found")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_source_names_files_like_go() {
        let mut source = MemorySource::new();
        source.insert(ModuleVersion::new("a", "v1.0.0"), "module a\n");
        source.insert(ModuleVersion::new("../b", ""), "module b\n");
        assert_eq!(source.len(), 2);
        let a = source.go_mod(&ModuleVersion::new("a", "v1.0.0")).unwrap();
        assert_eq!(a, GoModFile::new("module a\n"));
        assert_eq!(
            source.go_mod(&ModuleVersion::new("../b", "")).unwrap().name,
            "../b/go.mod"
        );
        let err = source.go_mod(&ModuleVersion::new("../c", "")).unwrap_err();
        assert_eq!(err.to_string(), "reading ../c/go.mod: not found");
        assert_eq!(
            source
                .go_mod(&ModuleVersion::new("a", "v2.0.0"))
                .unwrap_err()
                .to_string(),
            "not found"
        );
    }

    #[test]
    fn closures_are_sources() {
        let source = |m: &ModuleVersion| Ok(GoModFile::new(format!("module {}\n", m.path)));
        let file = GoModSource::go_mod(&source, &ModuleVersion::new("x", "v1.0.0")).unwrap();
        assert_eq!(file.data, b"module x\n");
    }
}
