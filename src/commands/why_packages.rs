//! `go mod why -m` as go computes it: on the package import graph, not the
//! module graph. Packages of `all` are loaded breadth-first from the main
//! module's packages; each module's answer is the import chain to its
//! package nearest the main module.
//!
//! As go loads it for `why` (any build tags), every `.go` file counts;
//! tests appear as `path.test` nodes. Simplifications: `//go:build ignore`
//! files are read too, and `cgo`/`C` imports are ignored like
//! standard-library ones.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use gomodx_module::ModuleVersion;

use super::graph_load::Loaded;

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
    pub async fn load(loaded: &Loaded) -> Self {
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
            let (imports, test_imports) = imports(&pkg_dir);
            let children_in_all = if node.test {
                in_all && (is_main_module(loaded, &node.module) || closes_over_tests)
            } else {
                in_all
            };
            let list = if node.test { test_imports } else { imports };
            for import in list {
                if packages.contains_key(&import) || is_standard(&import) {
                    continue;
                }
                let Some(owner) = owning_module(&modules, &import) else {
                    continue;
                };
                let child = Node {
                    module: owner.path.clone(),
                    test: false,
                    depth: node.depth + 1,
                    parent: Some(name.clone()),
                };
                packages.insert(import.clone(), child);
                queue.push_back((import.clone(), import, children_in_all));
            }
            let test_name = format!("{pkg}.test");
            if !node.test && in_all && !packages.contains_key(&test_name) {
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

    /// `go mod why -m` stanzas for `paths`.
    pub fn why_text(&self, paths: &[&str]) -> String {
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
                None => out.push_str(&format!("(main module does not need module {path})\n")),
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
        if !entry.file_type().is_dir() || !has_go_files(entry.path()) {
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

fn has_go_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".go"))
    })
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

/// The module of the build list providing `import` (longest path prefix).
fn owning_module<'a>(modules: &'a [ModuleVersion], import: &str) -> Option<&'a ModuleVersion> {
    modules
        .iter()
        .filter(|m| {
            !m.version.is_empty()
                && (import == m.path
                    || import.starts_with(&m.path) && import[m.path.len()..].starts_with('/'))
        })
        .max_by_key(|m| m.path.len())
}

/// Standard-library (and `C`) imports: no dot in the first path element.
fn is_standard(import: &str) -> bool {
    !import.split('/').next().unwrap_or_default().contains('.')
}

/// The sorted, deduplicated imports of the package in `dir`, and those of
/// its test files (`_test.go`, both internal and external tests).
fn imports(dir: &Path) -> (Vec<String>, Vec<String>) {
    let (mut imports, mut tests) = (Vec::new(), Vec::new());
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".go") || name.starts_with(['_', '.']) {
                continue;
            }
            let Ok(source) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let into = if name.ends_with("_test.go") {
                &mut tests
            } else {
                &mut imports
            };
            into.extend(file_imports(&source));
        }
    }
    for list in [&mut imports, &mut tests] {
        list.sort();
        list.dedup();
    }
    (imports, tests)
}

/// The import paths of one Go source file (its import declarations).
fn file_imports(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in source.lines() {
        let line = line.split("//").next().unwrap_or_default().trim();
        if in_block {
            if line.starts_with(')') {
                in_block = false;
            } else if let Some(path) = quoted(line) {
                out.push(path);
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("import") {
            let rest = rest.trim();
            if rest.starts_with('(') {
                in_block = !rest.contains(')');
                out.extend(quoted(rest.trim_start_matches('(')));
            } else if let Some(path) = quoted(rest) {
                out.push(path);
            }
        } else if ["func ", "type ", "var ", "const "]
            .iter()
            .any(|k| line.starts_with(k))
        {
            break;
        }
    }
    out
}

/// The first `"…"` or `` `…` `` string of an import spec.
fn quoted(spec: &str) -> Option<String> {
    let start = spec.find(['"', '`'])?;
    let quote = spec[start..].chars().next()?;
    let rest = &spec[start + 1..];
    let end = rest.find(quote)?;
    Some(rest[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_read_from_declarations() {
        let source = "package p\n\nimport \"fmt\"\nimport x \"a.com/x\"\nimport (\n\t\"b.com/y\" // c\n\t_ `c.com/z`\n)\n\nfunc f() { _ = \"import \\\"no\\\"\" }\n";
        assert_eq!(
            file_imports(source),
            ["fmt", "a.com/x", "b.com/y", "c.com/z"]
        );
        assert!(is_standard("fmt"));
        assert!(is_standard("C"));
        assert!(!is_standard("a.com/x"));
    }

    #[test]
    fn imports_belong_to_the_longest_module_path() {
        let modules = [
            ModuleVersion::new("a.com/x", "v1.0.0"),
            ModuleVersion::new("a.com/x/sub", "v1.0.0"),
        ];
        assert_eq!(
            owning_module(&modules, "a.com/x/sub/p").unwrap().path,
            "a.com/x/sub"
        );
        assert_eq!(
            owning_module(&modules, "a.com/x/q").unwrap().path,
            "a.com/x"
        );
        assert!(owning_module(&modules, "a.com/xy").is_none());
    }
}
