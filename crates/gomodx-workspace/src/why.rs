//! `go mod why -m` as go computes it: on the package import graph, not the
//! module graph. Packages of `all` are loaded breadth-first from the main
//! module's packages; each module's answer is the import chain to its
//! package nearest the main module.
//!
//! As go loads it for `why` (any build tags but `ignore`, no cgo), imports
//! are scanned by `gomodx_goimports`; tests appear as `path.test` nodes. An
//! import belongs to the one module of the build list whose directory holds
//! the package; an import no module holds (the standard library, a missing
//! package) or that several hold (ambiguous) is not followed, as go reports
//! it and goes on.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use gomodx_module::ModuleVersion;

use crate::Loaded;

/// One node of the load: a package or the test of one (shown `path.test`).
#[derive(Debug, Clone)]
struct Node {
    /// The module providing the package.
    module: String,
    /// Whether this is a package's test rather than the package.
    test: bool,
    /// How many nodes the chain from the main module has, this one included.
    depth: usize,
    /// The node that first imported this one (breadth-first).
    parent: Option<String>,
}

/// Whether `path` is one of the main modules.
fn is_main_module(loaded: &Loaded, path: &str) -> bool {
    loaded.paths().any(|p| p == path)
}

/// The import graph of the packages in `all`, with each package's importer
/// on a shortest chain from the main module.
pub struct PackageGraph {
    /// Nodes by name (`path`, or `path.test` for a test).
    packages: BTreeMap<String, Node>,
}

impl PackageGraph {
    /// Loads `all` (with tests, as `go mod why` does) from the main module's
    /// packages, extracting module zips as needed. Tests of dependencies
    /// are loaded only for packages in `all`, whose tests' imports belong
    /// to `all` only for the main module or a main go line before 1.16.
    /// Without `tests` (`go mod why -vendor`), no test is loaded at all.
    pub async fn load(loaded: &Loaded, tests: bool) -> Self {
        let modules: Vec<ModuleVersion> = loaded
            .graph
            .build_list()
            .iter()
            .filter(|m| !gomodx_module::is_toolchain_path(&m.path))
            .cloned()
            .collect();
        let closes_over_tests =
            gomodx_module::gover::compare(loaded.graph.main_go_version(), "1.16").is_lt();
        let mut dirs: HashMap<String, Option<PathBuf>> = HashMap::new();
        let mut packages: BTreeMap<String, Node> = BTreeMap::new();
        // (node name, package path, in `all`)
        let mut queue: VecDeque<(String, String, bool)> = VecDeque::new();
        // Every main module's packages (a workspace has several).
        for module in &loaded.modules {
            let main = module.mod_file.module_path().to_owned();
            dirs.insert(main.clone(), Some(module.root.clone()));
            for (path, _) in main_packages(&module.root, &main) {
                let node = Node {
                    module: main.clone(),
                    test: false,
                    depth: 1,
                    parent: None,
                };
                packages.insert(path.clone(), node);
                queue.push_back((path.clone(), path, true));
            }
        }
        while let Some((name, pkg, in_all)) = queue.pop_front() {
            let node = packages[&name].clone();
            let Some(dir) = module_dir(loaded, &mut dirs, &modules, &node.module).await else {
                continue;
            };
            let rel = pkg.strip_prefix(&node.module).unwrap_or_default();
            let pkg_dir = dir.join(rel.trim_start_matches('/'));
            let scanned = gomodx_goimports::scan_dir(&pkg_dir)
                .ok()
                .flatten()
                .unwrap_or_default();
            let children_in_all = if node.test {
                in_all && (is_main_module(loaded, &node.module) || closes_over_tests)
            } else {
                in_all
            };
            let list = if node.test {
                scanned.test_imports
            } else {
                scanned.imports
            };
            for import in list {
                if packages.contains_key(&import) {
                    continue;
                }
                let Some(owner) = owning_module(loaded, &mut dirs, &modules, &import).await else {
                    continue;
                };
                let child = Node {
                    module: owner,
                    test: false,
                    depth: node.depth + 1,
                    parent: Some(name.clone()),
                };
                packages.insert(import.clone(), child);
                queue.push_back((import.clone(), import, children_in_all));
            }
            let test_name = format!("{pkg}.test");
            if tests && !node.test && in_all && !packages.contains_key(&test_name) {
                let test = Node {
                    test: true,
                    depth: node.depth + 1,
                    parent: Some(name.clone()),
                    ..node
                };
                packages.insert(test_name.clone(), test);
                queue.push_back((test_name, pkg, in_all));
            }
        }
        Self { packages }
    }

    /// `go mod why -m` stanzas for `paths` (`vendor`: as `-vendor` words them).
    pub fn why_text(&self, paths: &[&str], vendor: bool) -> String {
        let need = if vendor { "need to vendor" } else { "need" };
        let mut out = String::new();
        for (i, path) in paths.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!("# {path}\n"));
            let best = self
                .packages
                .iter()
                .filter(|(_, node)| !node.test && node.module == *path)
                .min_by_key(|(_, node)| node.depth)
                .map(|(pkg, _)| pkg.clone());
            match best {
                Some(pkg) => {
                    let mut chain = vec![pkg];
                    while let Some(Node {
                        parent: Some(parent),
                        ..
                    }) = self.packages.get(&chain[chain.len() - 1])
                    {
                        chain.push(parent.clone());
                    }
                    for p in chain.iter().rev() {
                        out.push_str(p);
                        out.push('\n');
                    }
                }
                None => out.push_str(&format!("(main module does not {need} module {path})\n")),
            }
        }
        out
    }
}

/// The main module's packages (directories with `.go` files, not below
/// `testdata`, `_`/`.` directories or nested modules), by import path.
fn main_packages(root: &Path, main: &str) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || !e.file_type().is_dir()
                || !(name == "testdata"
                    || name == "vendor"
                    || name.starts_with(['_', '.'])
                    || e.path().join("go.mod").is_file())
        });
    for entry in walker.flatten() {
        if !entry.file_type().is_dir() || !has_package(entry.path()) {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(Path::new(""));
        let path = if rel.as_os_str().is_empty() {
            main.to_owned()
        } else {
            format!("{main}/{}", rel.display())
        };
        out.push((path, entry.path().to_path_buf()));
    }
    out.sort();
    out
}

/// The directory of `module` (main root, directory replacement or the
/// extracted tree of the module or its replacement), fetched once.
async fn module_dir(
    loaded: &Loaded,
    dirs: &mut HashMap<String, Option<PathBuf>>,
    modules: &[ModuleVersion],
    path: &str,
) -> Option<PathBuf> {
    if let Some(dir) = dirs.get(path) {
        return dir.clone();
    }
    let module = modules.iter().find(|m| m.path == path)?.clone();
    let target = loaded.graph.replacement(&module).cloned().unwrap_or(module);
    let dir = if target.version.is_empty() {
        Some(loaded.root.join(&target.path))
    } else {
        match loaded.fetcher.zip(&target).await {
            Ok(_) => loaded.fetcher.extract(&target).await.ok(),
            Err(_) => loaded.mod_cache.complete_dir(&target).ok().flatten(),
        }
    };
    dirs.insert(path.to_owned(), dir.clone());
    dir
}

/// The one module of the build list (main module included) whose
/// directory holds the package `import`; `None` when none does (the
/// standard library, a missing package) or several do (ambiguous). In a
/// pruned graph (go 1.17 on) the main module and its requirements are
/// searched first, as go does before it loads the full graph.
async fn owning_module(
    loaded: &Loaded,
    dirs: &mut HashMap<String, Option<PathBuf>>,
    modules: &[ModuleVersion],
    import: &str,
) -> Option<String> {
    let pruned = gomodx_module::gover::compare(loaded.graph.main_go_version(), "1.17").is_ge();
    if pruned {
        let main = &loaded.graph.main_module().path;
        let roots: Vec<ModuleVersion> = modules
            .iter()
            .filter(|m| {
                m.path == *main
                    || loaded
                        .mod_file
                        .require
                        .iter()
                        .any(|r| r.module.path == m.path)
            })
            .cloned()
            .collect();
        let owners = owners(loaded, dirs, modules, &roots, import).await;
        if !owners.is_empty() {
            return <[String; 1]>::try_from(owners).ok().map(|[owner]| owner);
        }
    }
    let owners = owners(loaded, dirs, modules, modules, import).await;
    <[String; 1]>::try_from(owners).ok().map(|[owner]| owner)
}

/// The modules among `searched` whose directory holds the package `import`.
async fn owners(
    loaded: &Loaded,
    dirs: &mut HashMap<String, Option<PathBuf>>,
    modules: &[ModuleVersion],
    searched: &[ModuleVersion],
    import: &str,
) -> Vec<String> {
    let mut owners = Vec::new();
    for module in candidates(searched, import) {
        let Some(dir) = module_dir(loaded, dirs, modules, &module.path).await else {
            continue;
        };
        let rel = import[module.path.len()..].trim_start_matches('/');
        if has_package(&dir.join(rel)) && !in_nested_module(&dir, rel) {
            owners.push(module.path.clone());
        }
    }
    owners
}

/// The modules whose path is `import` or a path prefix of it.
fn candidates<'a>(
    modules: &'a [ModuleVersion],
    import: &'a str,
) -> impl Iterator<Item = &'a ModuleVersion> {
    modules.iter().filter(move |m| {
        import == m.path || import.starts_with(&m.path) && import[m.path.len()..].starts_with('/')
    })
}

/// Whether the package directory `rel` of the module at `root` belongs to
/// a nested module: it or a directory above it (below `root`) has a go.mod.
fn in_nested_module(root: &Path, rel: &str) -> bool {
    let mut dir = root.to_path_buf();
    rel.split('/').filter(|part| !part.is_empty()).any(|part| {
        dir.push(part);
        dir.join("go.mod").is_file()
    })
}

/// Whether `dir` is a package directory: it holds a `.go` file that counts.
fn has_package(dir: &Path) -> bool {
    matches!(gomodx_goimports::scan_dir(dir), Ok(Some(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_path_prefixes() {
        let modules = [
            ModuleVersion::new("a.com/x", "v1.0.0"),
            ModuleVersion::new("a.com/x/sub", "v1.0.0"),
            ModuleVersion::new("a", "v1.0.0"),
        ];
        let paths = |import| {
            candidates(&modules, import)
                .map(|m| m.path.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(paths("a.com/x/sub/p"), ["a.com/x", "a.com/x/sub"]);
        assert_eq!(paths("a.com/x"), ["a.com/x"]);
        assert!(paths("a.com/xy").is_empty());
        assert_eq!(paths("a/b"), ["a"]);
    }
}
