//! Seeded random module universes: many modules and versions spread over
//! hosts, a main module that depends on them, and the files a GOPROXY serves.
//!
//! A [`Universe`] is pure data generated from a [`UniverseConfig`]; the same
//! config always yields byte-identical files. It covers:
//! - paths on several hosts, `/vN` major suffixes, `gopkg.in/x.vN`, upper-case
//!   elements (escaped as `!x`), a `/vN` module next to its unsuffixed sibling;
//! - releases, pre-releases (some upper-case), pseudo-versions of every form,
//!   and `+incompatible` modules (no go.mod: the proxy serves `module <path>\n`);
//! - go.mod files without a `go` line, with `go 1.16` (unpruned) and with
//!   `go 1.17+` (pruned), `// indirect` requirements, retractions, and
//!   `exclude`/`replace` lines that Go ignores in dependencies;
//! - a requirement graph with a planted diamond and a planted cycle, plus
//!   random forward and backward edges;
//! - a main module with direct and indirect requirements, an `exclude`, a
//!   same-module version `replace` and a path-wide `replace` to a "fork" module
//!   that nothing else requires;
//! - optional incompressible padding so that all zips together weigh about
//!   `zip_bytes_total`.
//!
//! Validity for the real `go` (checked by this crate's oracle tests):
//! package imports only go from lower to higher module indices (and the fork
//! is last), so packages never import in a cycle even though modules require
//! each other in cycles. The main module requires every module whose package
//! it can reach, each at a version no lower than any requirement on that
//! module anywhere in the universe, and its `go` line is at least every
//! dependency's, so its go.mod is consistent without `go mod tidy`; with the
//! go.sum from [`Universe::write_main_module`], `go build ./...`,
//! `go list -m all` and `go mod graph` work read-only.

mod generate;
mod main_module;
mod render;
mod write;

/// Parameters of a universe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniverseConfig {
    /// Seed: equal configs give byte-identical universes.
    pub seed: u64,
    /// Number of dependency modules (the main module not counted). With 3 or
    /// more the last one is the fork; with 5 or more a diamond and a cycle are
    /// planted among the first four.
    pub modules: usize,
    /// Most versions per module (at least 1 is always generated).
    pub max_versions: usize,
    /// Most requirements per go.mod, before planted edges.
    pub max_deps: usize,
    /// Approximate total size of all zips; padding files make up the
    /// difference (0 = no padding). At most 400 MiB go into one zip.
    pub zip_bytes_total: u64,
}

impl Default for UniverseConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            modules: 12,
            max_versions: 4,
            max_deps: 3,
            zip_bytes_total: 0,
        }
    }
}

/// A generated universe.
#[derive(Debug, Clone)]
pub struct Universe {
    /// The config it was generated from.
    pub config: UniverseConfig,
    /// Whether the main module is unpruned (`go 1.16`); then no dependency
    /// declares `go 1.21` or later.
    pub unpruned_main: bool,
    /// The dependency modules; a module's index is its identity.
    pub modules: Vec<Module>,
    /// The main module.
    pub main: MainModule,
}

/// One dependency module.
#[derive(Debug, Clone)]
pub struct Module {
    /// The module path, e.g. `example.com/Bravo/KILO` or `gopkg.in/echo.v2`.
    pub path: String,
    /// The Go package name of its root package (`m<index>`).
    pub package: String,
    /// False for `+incompatible`-style modules, which never have a go.mod.
    pub has_go_mod: bool,
    /// Its versions in ascending semver order.
    pub versions: Vec<Version>,
}

/// One version of a module.
#[derive(Debug, Clone)]
pub struct Version {
    /// The version string, e.g. `v1.2.4-0.20200101020304-0123456789ab`.
    pub version: String,
    /// Commit time (RFC 3339, UTC), as served in `.info`.
    pub time: String,
    /// The go.mod `go` line, if any.
    pub go: Option<String>,
    /// Requirements, sorted by module index.
    pub requires: Vec<Require>,
    /// `retract` directives.
    pub retracts: Vec<Retract>,
    /// Extra lines Go ignores in a dependency's go.mod (`exclude`, `replace`).
    pub ignored: Vec<String>,
    /// Bytes of padding files in the zip.
    pub padding: u64,
}

/// A requirement of a dependency's go.mod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require {
    /// Index of the required module.
    pub module: usize,
    /// The required version.
    pub version: String,
    /// Whether the package imports the required module's package (only ever
    /// true for a higher module index); otherwise the line is `// indirect`
    /// in go ≥ 1.17 files.
    pub imported: bool,
}

/// A `retract` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retract {
    /// Lowest retracted version.
    pub low: String,
    /// Highest retracted version (equal to `low` for a single version).
    pub high: String,
    /// Rationale comment.
    pub rationale: String,
}

/// The main module.
#[derive(Debug, Clone)]
pub struct MainModule {
    /// Its module path.
    pub path: String,
    /// Its `go` line.
    pub go: String,
    /// Requirements, sorted by module index.
    pub requires: Vec<MainRequire>,
    /// `exclude` directives as (module index, version).
    pub excludes: Vec<(usize, String)>,
    /// `replace` directives.
    pub replaces: Vec<Replace>,
}

/// A requirement of the main module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MainRequire {
    /// Index of the required module.
    pub module: usize,
    /// The required version.
    pub version: String,
    /// Whether main.go imports it (otherwise `// indirect`).
    pub direct: bool,
}

/// A `replace` directive of the main module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replace {
    /// Index of the replaced module.
    pub module: usize,
    /// The replaced version, or `None` for all versions.
    pub version: Option<String>,
    /// Index of the replacement module (the same module for a version replace).
    pub with_module: usize,
    /// The replacement version.
    pub with_version: String,
}

impl Universe {
    /// Generates the universe for `config`.
    pub fn generate(config: UniverseConfig) -> Self {
        generate::generate(config)
    }

    /// Every (path, version) of every dependency module, sorted like the tree.
    pub fn module_versions(&self) -> Vec<gomodx_module::ModuleVersion> {
        let mut all: Vec<_> = self
            .modules
            .iter()
            .flat_map(|m| {
                m.versions
                    .iter()
                    .map(|v| gomodx_module::ModuleVersion::new(m.path.clone(), v.version.clone()))
            })
            .collect();
        all.sort_by(|a, b| {
            a.path
                .cmp(&b.path)
                .then_with(|| gomodx_module::semver::compare(&a.version, &b.version))
        });
        all
    }

    /// The go.mod bytes the proxy serves for a version of a module (the
    /// synthetic `module <path>\n` for modules without go.mod).
    pub fn go_mod(&self, module: usize, version: &Version) -> String {
        render::dependency_go_mod(self, module, version)
    }
}
