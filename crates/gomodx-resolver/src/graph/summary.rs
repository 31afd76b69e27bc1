//! A go.mod reduced to what the graph needs (Go's `modFileSummary`), and
//! the checks cmd/go applies before using it (`goModSummary`).

use std::sync::Arc;

use gomodx_modfile::parse_lax;
use gomodx_module::{ModuleVersion, gover};

use super::Pruning;
use super::index::MainIndex;
use crate::error::{GoModError, GoModErrorKind, SourceError};
use crate::source::GoModFile;

/// The first go version whose go.mod files take part in version selection
/// of `go` (Go's `gover.GoStrictVersion`).
pub(crate) const GO_STRICT_VERSION: &str = "1.21";

/// The first go version with pruned module graphs (Go's
/// `gover.ExplicitIndirectVersion`).
pub(crate) const PRUNING_VERSION: &str = "1.17";

/// One module version's go.mod, as the graph sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Summary {
    /// The path on the `module` line (`""` without one).
    pub(crate) module_path: String,
    /// Whether the module's own go line lets the graph prune below it.
    pub(crate) pruning: Pruning,
    /// Its requirements in file order, then `go@V` when its go line is
    /// 1.21 or later.
    pub(crate) require: Vec<ModuleVersion>,
}

impl Summary {
    /// The summary of the virtual module `go@V` (requires `toolchain@goV`
    /// from 1.21 on) or `toolchain@T` (requires nothing).
    pub(crate) fn virtual_module(m: &ModuleVersion) -> Self {
        let mut require = Vec::new();
        if m.path == "go" && gover::compare(&m.version, GO_STRICT_VERSION).is_ge() {
            require.push(ModuleVersion::new("toolchain", format!("go{}", m.version)));
        }
        Self {
            module_path: m.path.clone(),
            pruning: Pruning::Pruned,
            require,
        }
    }

    /// Go's `rawGoModSummary` of `actual` (the module version whose go.mod
    /// this is) from what the source returned.
    pub(crate) fn read(
        actual: &ModuleVersion,
        file: Result<GoModFile, SourceError>,
    ) -> Result<Arc<Self>, GoModError> {
        let error = |kind| GoModError {
            module: actual.clone(),
            kind,
        };
        let file = file.map_err(|err| error(GoModErrorKind::Source(err)))?;
        let parsed = parse_lax(&file.name, &file.data).map_err(|errors| {
            error(GoModErrorKind::Parse {
                file: file.name,
                errors,
            })
        })?;
        let go_version = parsed.go_version();
        let mut require: Vec<ModuleVersion> =
            parsed.require.iter().map(|r| r.module.clone()).collect();
        if let Some(go) = go_version
            && gover::compare(go, GO_STRICT_VERSION).is_ge()
        {
            if gover::compare(go, gomodx_modfile::LOCAL_GO).is_gt() {
                return Err(error(GoModErrorKind::TooNew {
                    version: go.to_owned(),
                }));
            }
            require.push(ModuleVersion::new("go", go));
        }
        Ok(Arc::new(Self {
            module_path: parsed.module_path().to_owned(),
            pruning: go_version.map_or(Pruning::Unpruned, Pruning::for_go_version),
            require,
        }))
    }

    /// Go's `goModSummary` for graph node `m`, whose go.mod was read from
    /// `actual`: the module line must name `m` or `actual` (directory
    /// replacements are not checked), and requirements excluded by the main
    /// module are dropped.
    pub(crate) fn for_node(
        raw: &Arc<Self>,
        m: &ModuleVersion,
        actual: &ModuleVersion,
        main: &MainIndex,
    ) -> Result<Arc<Self>, GoModError> {
        if !actual.version.is_empty() {
            let error = |kind| GoModError {
                module: actual.clone(),
                kind,
            };
            let declared = &raw.module_path;
            if declared.is_empty() {
                return Err(error(GoModErrorKind::MissingModuleLine));
            }
            if *declared != m.path && *declared != actual.path {
                return Err(error(GoModErrorKind::PathMismatch {
                    declared: declared.clone(),
                    required: m.path.clone(),
                }));
            }
        }
        if !raw.require.iter().any(|r| main.is_excluded(r)) {
            return Ok(Arc::clone(raw));
        }
        let require = raw
            .require
            .iter()
            .filter(|r| !main.is_excluded(r))
            .cloned()
            .collect();
        Ok(Arc::new(Self {
            require,
            ..Self::clone(raw)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mv(path: &str, version: &str) -> ModuleVersion {
        ModuleVersion::new(path, version)
    }

    fn read(text: &str) -> Result<Arc<Summary>, GoModError> {
        Summary::read(&mv("a", "v1.0.0"), Ok(GoModFile::new(text)))
    }

    #[test]
    fn go_lines_decide_pruning_and_the_go_requirement() {
        let s = read("module a\ngo 1.21\nrequire b v1.0.0\n").unwrap();
        assert_eq!(s.pruning, Pruning::Pruned);
        assert_eq!(s.require, [mv("b", "v1.0.0"), mv("go", "1.21")]);
        let s = read("module a\ngo 1.20\nrequire b v1.0.0\n").unwrap();
        assert_eq!((s.pruning, s.require.len()), (Pruning::Pruned, 1));
        let s = read("module a\ngo 1.16\n").unwrap();
        assert_eq!(s.pruning, Pruning::Unpruned);
        let s = read("module a\n").unwrap();
        assert_eq!(s.pruning, Pruning::Unpruned);
    }

    #[test]
    fn virtual_modules() {
        let s = Summary::virtual_module(&mv("go", "1.21rc1"));
        assert_eq!(s.require, [mv("toolchain", "go1.21rc1")]);
        assert!(
            Summary::virtual_module(&mv("go", "1.20"))
                .require
                .is_empty()
        );
        assert!(
            Summary::virtual_module(&mv("toolchain", "go1.22.0"))
                .require
                .is_empty()
        );
    }

    #[test]
    fn errors_name_the_module_read() {
        let err = read("module a\nrequire b\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "a@v1.0.0: parsing go.mod: go.mod:2: usage: require module/path v1.2.3"
        );
        let err = Summary::read(
            &mv("a", "v1.0.0"),
            Err(SourceError::new("reading x: 404 Not Found")),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "a@v1.0.0: reading x: 404 Not Found");
    }

    #[test]
    fn node_checks() {
        let main = MainIndex::new(
            &gomodx_modfile::parse("go.mod", b"module m\nexclude b v1.0.0\n").unwrap(),
        )
        .unwrap();
        let raw = read("module c\nrequire (\n\tb v1.0.0\n\tb v1.1.0\n)\n").unwrap();
        let err =
            Summary::for_node(&raw, &mv("a", "v1.0.0"), &mv("a", "v1.0.0"), &main).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a@v1.0.0: parsing go.mod:\n\tmodule declares its path as: c\n\t        but was required as: a"
        );
        let s = Summary::for_node(&raw, &mv("a", "v1.0.0"), &mv("c", "v1.0.0"), &main).unwrap();
        assert_eq!(s.require, [mv("b", "v1.1.0")]);
        assert!(Summary::for_node(&raw, &mv("a", "v1.0.0"), &mv("../c", ""), &main).is_ok());

        let raw = read("go 1.21\n").unwrap();
        let err =
            Summary::for_node(&raw, &mv("a", "v1.0.0"), &mv("a", "v1.0.0"), &main).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a@v1.0.0: parsing go.mod: missing module line"
        );
        assert!(Summary::for_node(&raw, &mv("a", "v1.0.0"), &mv("../a", ""), &main).is_ok());
    }
}
