//! What the graph needs from the main go.mod (Go's `modFileIndex` and
//! `rootsFromModFile`): the roots, the exclusions and the replacements.

use std::collections::{HashMap, HashSet};

use gomodx_modfile::ModFile;
use gomodx_module::{ModuleVersion, gover};

use super::Pruning;
use crate::error::{LoadError, ReplacementConflict};

/// The go version assumed for a go.mod without a `go` line (Go's
/// `gover.DefaultGoModVersion`).
pub const DEFAULT_GO_VERSION: &str = "1.16";

/// The main module's go.mod, indexed.
#[derive(Debug, Clone)]
pub(crate) struct MainIndex {
    /// The main module (version `""`).
    pub(crate) module: ModuleVersion,
    /// The `go` line, or [`DEFAULT_GO_VERSION`].
    pub(crate) go_version: String,
    /// The graph roots: requirements (minus excluded ones, each once),
    /// `go@…` and `toolchain@…`, in `gover.ModSort` order.
    pub(crate) roots: Vec<ModuleVersion>,
    /// Requirements of the main go.mod dropped because they are excluded.
    pub(crate) dropped: Vec<ModuleVersion>,
    exclude: HashSet<ModuleVersion>,
    replace: HashMap<ModuleVersion, ModuleVersion>,
    /// In workspace mode, every main module (version `""`) with its go.mod;
    /// empty outside.
    pub(crate) workspace: Vec<(ModuleVersion, ModFile)>,
}

impl MainIndex {
    /// Indexes `main`.
    pub(crate) fn new(main: &ModFile) -> Result<Self, LoadError> {
        let path = main.module_path();
        if path.is_empty() {
            return Err(LoadError::MissingModulePath);
        }
        let exclude: HashSet<ModuleVersion> =
            main.exclude.iter().map(|x| x.module.clone()).collect();
        let mut replace = HashMap::new();
        for r in &main.replace {
            match replace.insert(r.old.clone(), r.new.clone()) {
                Some(prev) if prev != r.new => {
                    return Err(LoadError::ConflictingReplacements(Box::new(
                        ReplacementConflict {
                            old: r.old.clone(),
                            first: prev,
                            second: r.new.clone(),
                        },
                    )));
                }
                _ => {}
            }
        }
        let (dropped, mut roots): (Vec<_>, Vec<_>) = main
            .require
            .iter()
            .map(|r| r.module.clone())
            .partition(|m| exclude.contains(m));
        let go_version = main.go_version().unwrap_or(DEFAULT_GO_VERSION).to_owned();
        roots.push(ModuleVersion::new("go", go_version.clone()));
        if let Some(toolchain) = &main.toolchain {
            roots.push(ModuleVersion::new("toolchain", toolchain.name.clone()));
        }
        // A requirement repeated line for line is one root (one edge).
        roots.sort();
        roots.dedup();
        Ok(Self {
            module: ModuleVersion::new(path, ""),
            go_version,
            roots,
            dropped,
            exclude,
            replace,
            workspace: Vec::new(),
        })
    }

    /// The index of a workspace (Go's `requirementsFromModFiles` in
    /// workspace mode): the roots are the main modules `mains` (non-empty,
    /// in `use` order), `go@<go_version>` and `toolchain@…`; `replace` is
    /// the workspace's merged replacement map; every main go.mod's excludes
    /// apply.
    pub(crate) fn workspace(
        mains: &[ModFile],
        go_version: &str,
        toolchain: Option<&str>,
        replace: HashMap<ModuleVersion, ModuleVersion>,
    ) -> Result<Self, LoadError> {
        let mut workspace = Vec::new();
        for main in mains {
            let path = main.module_path();
            if path.is_empty() {
                return Err(LoadError::MissingModulePath);
            }
            workspace.push((ModuleVersion::new(path, ""), main.clone()));
        }
        let mut roots: Vec<ModuleVersion> = workspace.iter().map(|(m, _)| m.clone()).collect();
        roots.push(ModuleVersion::new("go", go_version));
        if let Some(toolchain) = toolchain {
            roots.push(ModuleVersion::new("toolchain", toolchain));
        }
        roots.sort_by(|a, b| {
            a.path
                .cmp(&b.path)
                .then_with(|| super::cmp_version(&a.path, &a.version, &b.version))
        });
        Ok(Self {
            module: workspace[0].0.clone(),
            go_version: go_version.to_owned(),
            roots,
            dropped: Vec::new(),
            exclude: mains
                .iter()
                .flat_map(|m| m.exclude.iter().map(|x| x.module.clone()))
                .collect(),
            replace,
            workspace,
        })
    }

    /// Everything in this index that decides a graph, as text that is
    /// equal exactly when the indexes are (exclusions and replacements
    /// sorted, workspace go.mod files formatted).
    pub(crate) fn fingerprint(&self) -> String {
        let mut exclude: Vec<_> = self.exclude.iter().collect();
        exclude.sort();
        let mut replace: Vec<_> = self.replace.iter().collect();
        replace.sort();
        let workspace: Vec<(&ModuleVersion, String)> = self
            .workspace
            .iter()
            .map(|(m, f)| (m, f.format()))
            .collect();
        format!(
            "{:?}",
            (
                &self.module,
                &self.go_version,
                &self.roots,
                &self.dropped,
                exclude,
                replace,
                workspace
            )
        )
    }

    /// Whether `m` is a main module (version `""` of a main module's path).
    pub(crate) fn is_main(&self, m: &ModuleVersion) -> bool {
        m.version.is_empty()
            && (m.path == self.module.path || self.workspace.iter().any(|(w, _)| w.path == m.path))
    }

    /// The pruning the main go version implies (always
    /// [`Pruning::Workspace`] in a workspace).
    pub(crate) fn pruning(&self) -> Pruning {
        if !self.workspace.is_empty() {
            return Pruning::Workspace;
        }
        Pruning::for_go_version(&self.go_version)
    }

    /// Whether the main go.mod excludes `m`.
    pub(crate) fn is_excluded(&self, m: &ModuleVersion) -> bool {
        self.exclude.contains(m)
    }

    /// Go's `Replacement`: the exact-version replacement of `m`, else the
    /// path-wide one. The main module itself is never replaced.
    pub(crate) fn replacement(&self, m: &ModuleVersion) -> Option<&ModuleVersion> {
        if self.is_main(m) {
            return None;
        }
        self.replace
            .get(m)
            .or_else(|| self.replace.get(&ModuleVersion::new(m.path.clone(), "")))
    }

    /// What to read the go.mod of `m` from: its replacement, or itself.
    pub(crate) fn resolve<'a>(&'a self, m: &'a ModuleVersion) -> &'a ModuleVersion {
        self.replacement(m).unwrap_or(m)
    }

    /// Go's check for `go mod graph -go=V`, and the pruning V implies
    /// (V < 1.17 forces an unpruned graph; otherwise the main module's
    /// pruning stands).
    pub(crate) fn pruning_for_requested(&self, requested: &str) -> Result<Pruning, LoadError> {
        if gover::compare(&self.go_version, super::summary::GO_STRICT_VERSION).is_ge()
            && gover::compare(requested, &self.go_version).is_lt()
        {
            return Err(LoadError::GoVersionTooLow {
                requested: requested.to_owned(),
                required: self.go_version.clone(),
            });
        }
        Ok(match Pruning::for_go_version(requested) {
            Pruning::Unpruned => Pruning::Unpruned,
            Pruning::Pruned | Pruning::Workspace => self.pruning(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(text: &str) -> Result<MainIndex, LoadError> {
        MainIndex::new(&gomodx_modfile::parse("go.mod", text.as_bytes()).expect("valid go.mod"))
    }

    fn mv(path: &str, version: &str) -> ModuleVersion {
        ModuleVersion::new(path, version)
    }

    #[test]
    fn roots_are_sorted_and_include_go_and_toolchain() {
        let idx = index(
            "module m\ngo 1.22\ntoolchain go1.23.1\nrequire (\n\tz.io/z v1.0.0\n\ta.io/a v1.0.0\n\tgz.io/x v0.1.0\n\ta.io/b v1.0.0\n)\nexclude a.io/b v1.0.0\n",
        )
        .unwrap();
        let want = [
            mv("a.io/a", "v1.0.0"),
            mv("go", "1.22"),
            mv("gz.io/x", "v0.1.0"),
            mv("toolchain", "go1.23.1"),
            mv("z.io/z", "v1.0.0"),
        ];
        assert_eq!(idx.roots, want);
        assert_eq!(idx.dropped, [mv("a.io/b", "v1.0.0")]);
        assert_eq!(idx.pruning(), Pruning::Pruned);
        assert!(idx.is_excluded(&mv("a.io/b", "v1.0.0")));
    }

    #[test]
    fn missing_go_line_means_go_1_16_unpruned() {
        let idx = index("module m\n").unwrap();
        assert_eq!(idx.roots, [mv("go", "1.16")]);
        assert_eq!(idx.pruning(), Pruning::Unpruned);
    }

    #[test]
    fn exact_replacements_win_over_path_wide_ones() {
        let idx = index("module m\ngo 1.21\nreplace a v1.0.0 => b v1.1.0\nreplace a => ../a\nreplace m => ../m\n").unwrap();
        assert_eq!(
            idx.replacement(&mv("a", "v1.0.0")),
            Some(&mv("b", "v1.1.0"))
        );
        assert_eq!(idx.replacement(&mv("a", "v2.0.0")), Some(&mv("../a", "")));
        assert_eq!(idx.resolve(&mv("c", "v1.0.0")), &mv("c", "v1.0.0"));
        assert_eq!(idx.replacement(&mv("m", "")), None);
        assert_eq!(idx.replacement(&mv("m", "v1.0.0")), Some(&mv("../m", "")));
    }

    #[test]
    fn errors_read_like_go() {
        let err = index("module m\nreplace a v1.0.0 => b v1.1.0\nreplace a v1.0.0 => c v1.1.0\n")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "conflicting replacements for a@v1.0.0:\n\tb@v1.1.0\n\tc@v1.1.0"
        );
        assert!(index("module m\nreplace a => ../a\nreplace a => ../a\n").is_ok());
        let err = index("go 1.21\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("error reading go.mod: missing module declaration")
        );

        let idx = index("module m\ngo 1.22\n").unwrap();
        let err = idx.pruning_for_requested("1.21").unwrap_err();
        assert_eq!(
            err.to_string(),
            "requested Go version 1.21 cannot load module graph (requires Go >= 1.22)"
        );
        assert_eq!(idx.pruning_for_requested("1.23").unwrap(), Pruning::Pruned);
        let idx = index("module m\ngo 1.20\n").unwrap();
        assert_eq!(
            idx.pruning_for_requested("1.16").unwrap(),
            Pruning::Unpruned
        );
    }
}
