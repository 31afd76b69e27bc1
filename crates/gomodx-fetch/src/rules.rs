//! What the main module's go.mod says about other modules' versions:
//! `exclude` and `replace`, as Go's `CheckExclusions` and `Replacement`
//! apply them.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use gomodx_modfile::ModFile;
use gomodx_module::ModuleVersion;

/// What a module version is replaced with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replacement {
    /// Another module version (fetched like any other).
    Module(ModuleVersion),
    /// A directory on disk (nothing to fetch).
    Dir(PathBuf),
}

/// The main module's `exclude` and `replace` directives.
#[derive(Debug, Clone, Default)]
pub struct MainRules {
    excludes: HashSet<ModuleVersion>,
    /// `old@version => new` replacements.
    exact: HashMap<ModuleVersion, Replacement>,
    /// `old => new` replacements of every version.
    wildcard: HashMap<String, Replacement>,
}

impl MainRules {
    /// The rules of `mod_file`, whose directory `root` anchors relative
    /// directory replacements.
    pub fn from_mod_file(mod_file: &ModFile, root: &Path) -> Self {
        Self::from_parts(
            mod_file.exclude.iter().map(|e| e.module.clone()),
            mod_file
                .replace
                .iter()
                .map(|r| (r.old.clone(), r.new.clone())),
            root,
        )
    }

    /// The rules of `excludes` and of `replaces` (`old => new`; a later
    /// one for the same `old` wins, as in Go), whose directory
    /// replacements are relative to `root`.
    pub fn from_parts(
        excludes: impl IntoIterator<Item = ModuleVersion>,
        replaces: impl IntoIterator<Item = (ModuleVersion, ModuleVersion)>,
        root: &Path,
    ) -> Self {
        let mut rules = Self::default();
        rules.excludes.extend(excludes);
        for (old, new) in replaces {
            let target = if new.version.is_empty() {
                Replacement::Dir(clean_join(root, &new.path))
            } else {
                Replacement::Module(new)
            };
            if old.version.is_empty() {
                rules.wildcard.insert(old.path, target);
            } else {
                rules.exact.insert(old, target);
            }
        }
        rules
    }

    /// Whether `module` is excluded.
    pub fn is_excluded(&self, module: &ModuleVersion) -> bool {
        self.excludes.contains(module)
    }

    /// Go's `Replacement`: an exact-version replacement, else a path-wide one.
    pub fn replacement(&self, module: &ModuleVersion) -> Option<&Replacement> {
        self.exact
            .get(module)
            .or_else(|| self.wildcard.get(&module.path))
    }

    /// The module version fetched in place of `module`: its module
    /// replacement, `module` itself when it is not replaced, `None` for a
    /// directory replacement (nothing to fetch).
    pub fn fetched_as(&self, module: &ModuleVersion) -> Option<ModuleVersion> {
        match self.replacement(module) {
            None => Some(module.clone()),
            Some(Replacement::Module(replacement)) => Some(replacement.clone()),
            Some(Replacement::Dir(_)) => None,
        }
    }

    /// Whether every version of `path` is replaced.
    pub fn replaces_all_versions(&self, path: &str) -> bool {
        self.wildcard.contains_key(path)
    }
}

/// `root` joined with `path` and cleaned lexically, as Go's `filepath.Join`.
pub fn clean_join(root: &Path, path: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for component in root.join(path).components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_replacements_win_over_path_wide_ones() {
        let text = "module m\n\nexclude a.com/x v1.0.0\n\nreplace (\n\ta.com/x => b.com/x v1.1.0\n\ta.com/x v1.2.0 => ./local\n)\n";
        let mod_file = gomodx_modfile::parse("go.mod", text.as_bytes()).unwrap();
        let rules = MainRules::from_mod_file(&mod_file, Path::new("/work"));
        let x = |v: &str| ModuleVersion::new("a.com/x", v);
        assert!(rules.is_excluded(&x("v1.0.0")));
        assert!(!rules.is_excluded(&x("v1.1.0")));
        assert_eq!(
            rules.replacement(&x("v1.0.0")),
            Some(&Replacement::Module(ModuleVersion::new(
                "b.com/x", "v1.1.0"
            )))
        );
        assert_eq!(
            rules.replacement(&x("v1.2.0")),
            Some(&Replacement::Dir(PathBuf::from("/work/local")))
        );
        assert!(rules.replaces_all_versions("a.com/x"));
        assert_eq!(
            rules.replacement(&ModuleVersion::new("c.com/y", "v1.0.0")),
            None
        );
        let y = ModuleVersion::new("c.com/y", "v1.0.0");
        assert_eq!(
            rules.fetched_as(&x("v1.0.0")),
            Some(ModuleVersion::new("b.com/x", "v1.1.0"))
        );
        assert_eq!(rules.fetched_as(&x("v1.2.0")), None, "a directory");
        assert_eq!(rules.fetched_as(&y), Some(y.clone()), "not replaced");
        assert_eq!(clean_join(Path::new("/a/b"), "../c"), PathBuf::from("/a/c"));
        assert_eq!(clean_join(Path::new("/a/b"), "/abs"), PathBuf::from("/abs"));
    }
}
