//! Finding and reading the main modules: one go.mod, or a go.work's
//! modules (Go's `InitWorkfile`, `LoadWorkFile`, `loadModFile` and
//! `makeMainModules`), with their go.sum files.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use gomodx_fetch::{MainRules, clean_join, relative_to, short_path};
use gomodx_fs::os_error_text as io_error_text;
use gomodx_modfile::{GoSum, ModFile, WorkFile, read_main};
use gomodx_module::{ModuleVersion, gover, semver};

use crate::Error;

/// What the go command's environment says about where the main modules
/// are; the caller resolves it (this crate reads no variables).
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The directory the command runs in (absolute).
    pub working_dir: PathBuf,
    /// `GOWORK`: unset or `auto` to search, `off`, or a go.work path.
    pub gowork: Option<String>,
    /// `GOROOT`, which the search for go.work does not cross.
    pub goroot: Option<PathBuf>,
}

/// One main module.
#[derive(Debug, Clone)]
pub struct MainModule {
    /// Its directory.
    pub root: PathBuf,
    /// Its go.mod, parsed strictly.
    pub mod_file: ModFile,
}

/// The go.work of a workspace.
#[derive(Debug, Clone)]
pub struct Work {
    /// The go.work file.
    pub path: PathBuf,
    /// Its contents.
    pub file: WorkFile,
}

/// The main modules and what go reads with them.
#[derive(Debug, Clone)]
pub struct MainModules {
    /// The main module's directory, or the workspace's (go.work's).
    pub root: PathBuf,
    /// The main modules (a workspace's in `use` order).
    pub modules: Vec<MainModule>,
    /// The first main module's go.mod (the only one outside a workspace).
    pub mod_file: ModFile,
    /// The go.work, in workspace mode.
    pub work: Option<Work>,
    /// Every hash go trusts: go.sum, or go.work.sum and the workspace
    /// modules' go.sum files.
    pub go_sum: GoSum,
    /// The file new hashes go to: go.sum, or go.work.sum.
    pub sum_file: PathBuf,
    /// The replace and exclude rules, for version queries and downloads.
    pub rules: MainRules,
    /// In a workspace, the hashes of the modules' own go.sum files, which
    /// go never copies into go.work.sum.
    pub(crate) module_sums: GoSum,
    /// In a workspace, the merged replacements as the graph uses them
    /// (directories relative to the workspace).
    pub(crate) replace: HashMap<ModuleVersion, ModuleVersion>,
}

impl MainModules {
    /// The main modules for `ctx`: a go.work's (unless `GOWORK=off`), else
    /// the module whose go.mod is at or above the working directory.
    /// `None` outside any module.
    pub fn find(ctx: &Context) -> Result<Option<Self>, Error> {
        if let Some(work) = work_file(ctx)? {
            return Self::workspace(ctx, &work).map(Some);
        }
        match ctx
            .working_dir
            .ancestors()
            .find(|d| d.join("go.mod").is_file())
        {
            Some(root) => Self::module(ctx, root).map(Some),
            None => Ok(None),
        }
    }

    /// The single main module in `root`.
    fn module(ctx: &Context, root: &Path) -> Result<Self, Error> {
        let go_mod = root.join("go.mod");
        let data = read(&go_mod)?;
        let mod_file = read_main(&short_path(&ctx.working_dir, &go_mod), &data)?;
        let sum_file = root.join("go.sum");
        let go_sum = read_go_sum(&sum_file)?;
        let rules = MainRules::from_mod_file(&mod_file, root);
        Ok(Self {
            root: root.to_path_buf(),
            modules: vec![MainModule {
                root: root.to_path_buf(),
                mod_file: mod_file.clone(),
            }],
            mod_file,
            work: None,
            go_sum,
            sum_file,
            rules,
            module_sums: GoSum::new(),
            replace: HashMap::new(),
        })
    }

    /// The workspace of the go.work file `path`.
    fn workspace(ctx: &Context, path: &Path) -> Result<Self, Error> {
        let short = |p: &Path| short_path(&ctx.working_dir, p);
        let data = std::fs::read(path).map_err(|e| {
            Error::Go(format!(
                "reading go.work: open {}: {}",
                short(path),
                io_error_text(&e)
            ))
        })?;
        let file = gomodx_modfile::parse_work(&short(path), &data)
            .map_err(|e| Error::Go(format!("errors parsing go.work:\n{e}")))?;
        let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        let mut roots: Vec<PathBuf> = Vec::new();
        for used in &file.uses {
            let root = clean_join(&dir, &used.path);
            if roots.contains(&root) {
                return Err(Error::Go(format!(
                    "error loading go.work:\n{}:{}: path {} appears multiple times in workspace",
                    short(path),
                    file.syntax.line(used.syntax).start.line,
                    root.display()
                )));
            }
            roots.push(root);
        }
        if roots.is_empty() {
            return Err(Error::EmptyWorkspace);
        }
        let work = Work {
            path: path.to_path_buf(),
            file,
        };
        let mut errors = Vec::new();
        let mut modules = Vec::new();
        for root in roots {
            match read_workspace_module(&work, &root, &short) {
                Ok(mod_file) => modules.push(MainModule { root, mod_file }),
                Err(error) => errors.push(error),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Go(errors.join("\n")));
        }
        let (replace, rules) = workspace_replacements(&work, &dir, &modules)?;
        let mut module_sums = GoSum::new();
        for module in &modules {
            merge(&mut module_sums, &read_go_sum(&module.root.join("go.sum"))?);
        }
        let sum_file = PathBuf::from(format!("{}.sum", path.display()));
        let mut go_sum = read_go_sum(&sum_file)?;
        merge(&mut go_sum, &module_sums);
        Ok(Self {
            root: dir,
            mod_file: modules[0].mod_file.clone(),
            modules,
            work: Some(work),
            go_sum,
            sum_file,
            rules,
            module_sums,
            replace,
        })
    }

    /// Whether this is a workspace (go.work).
    pub fn is_workspace(&self) -> bool {
        self.work.is_some()
    }

    /// The main modules' paths.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.modules.iter().map(|m| m.mod_file.module_path())
    }

    /// The go version of the main modules (Go's `MainModules.GoVersion`):
    /// the go.work's, else the go.mod's go line (1.16 without one).
    pub fn go_version(&self) -> &str {
        match &self.work {
            Some(work) => work.file.go_version(),
            None => self
                .mod_file
                .go_version()
                .unwrap_or(gomodx_resolver::graph::DEFAULT_GO_VERSION),
        }
    }

    /// Every `require` of the main go.mod files, in file order.
    pub fn requires(&self) -> impl Iterator<Item = &gomodx_modfile::Require> {
        self.modules.iter().flat_map(|m| &m.mod_file.require)
    }

    /// Whether a main go.mod requires `path` without `// indirect`.
    pub fn is_direct(&self, path: &str) -> bool {
        self.requires()
            .any(|r| r.module.path == path && !r.indirect)
    }

    /// Requirements of the main go.mod that its excludes drop (go warns
    /// `dropping requirement on excluded version P V`); none in a workspace.
    pub fn dropped_requirements(&self) -> Vec<&ModuleVersion> {
        if self.is_workspace() {
            return Vec::new();
        }
        self.requires()
            .map(|r| &r.module)
            .filter(|m| self.rules.is_excluded(m))
            .collect()
    }

    /// Go's `rootSelected` outside a workspace: the highest version the
    /// main go.mod requires for `path` (excluded versions left out).
    pub fn root_version(&self, path: &str) -> Option<String> {
        if self.is_workspace() {
            return None;
        }
        self.requires()
            .filter(|r| r.module.path == path && !self.rules.is_excluded(&r.module))
            .map(|r| r.module.version.as_str())
            .reduce(|a, b| semver::max(a, b))
            .map(str::to_owned)
    }
}

/// Go's `FindGoWork`: `GOWORK` (`off`, a path, or unset / `auto` to search
/// upwards from the working directory, not crossing GOROOT).
fn work_file(ctx: &Context) -> Result<Option<PathBuf>, Error> {
    match ctx.gowork.as_deref().unwrap_or_default() {
        "off" => Ok(None),
        "" | "auto" => {
            for dir in ctx.working_dir.ancestors() {
                let file = dir.join("go.work");
                if file.is_file() {
                    return Ok(Some(file));
                }
                if dir.parent().is_some() && dir.parent() == ctx.goroot.as_deref() {
                    break;
                }
            }
            Ok(None)
        }
        path if Path::new(path).is_absolute() => Ok(Some(PathBuf::from(path))),
        _ => Err(Error::Go("invalid GOWORK: not an absolute path".to_owned())),
    }
}

/// A workspace module's go.mod, or go's message why it cannot be used.
fn read_workspace_module(
    work: &Work,
    root: &Path,
    short: &dyn Fn(&Path) -> String,
) -> Result<ModFile, String> {
    let go_mod = root.join("go.mod");
    let cannot = |why: String| {
        format!(
            "cannot load module {} listed in go.work file: {why}",
            short(root)
        )
    };
    let data = std::fs::read(&go_mod)
        .map_err(|e| cannot(format!("open {}: {}", short(&go_mod), io_error_text(&e))))?;
    let mod_file = gomodx_modfile::parse(&short(&go_mod), &data)
        .map_err(|e| cannot(format!("errors parsing {}:\n{e}", short(&go_mod))))?;
    let needs = mod_file
        .go_version()
        .unwrap_or(gomodx_resolver::graph::DEFAULT_GO_VERSION);
    let has = work.file.go_version();
    if gover::compare(needs, has).is_gt() && gover::compare(needs, "1.21").is_ge() {
        let verb = if work.file.go.is_some() {
            "lists"
        } else {
            "implicitly requires"
        };
        return Err(format!(
            "module {} listed in go.work file requires go >= {needs}, but go.work {verb} go {has}; \
             to download and use go {needs}:\n\tgo work use",
            short(root)
        ));
    }
    Ok(mod_file)
}

/// The workspace's replacements, as Go's `replacementFrom` finds them:
/// go.work's first (its version-specific, then its path-wide ones), then
/// the modules' (later modules winning); the modules' directory
/// replacements made relative to the workspace. Go's `makeMainModules`
/// checks: a main module replaced at all versions in go.work, the same
/// version replaced differently by two modules.
fn workspace_replacements(
    work: &Work,
    dir: &Path,
    modules: &[MainModule],
) -> Result<(HashMap<ModuleVersion, ModuleVersion>, MainRules), Error> {
    let display = |m: &ModuleVersion| {
        if m.version.is_empty() {
            m.path.clone()
        } else {
            m.to_string()
        }
    };
    let main_paths: HashSet<&str> = modules.iter().map(|m| m.mod_file.module_path()).collect();
    let mut seen = HashSet::new();
    for module in modules {
        let path = module.mod_file.module_path();
        if !seen.insert(path) {
            return Err(Error::Go(format!(
                "module {path} appears multiple times in workspace"
            )));
        }
    }
    let mut by_work = HashMap::new();
    for r in &work.file.replace {
        if r.old.version.is_empty() && main_paths.contains(r.old.path.as_str()) {
            return Err(Error::Go(format!(
                "workspace module {} is replaced at all versions in the go.work file. To fix, \
                 remove the replacement from the go.work file or specify the version at which to \
                 replace the module.",
                r.old.path
            )));
        }
        if let Some(prev) = by_work.insert(r.old.clone(), r.new.clone())
            && prev != r.new
        {
            return Err(Error::Go(format!(
                "conflicting replacements for {}:\n\t{}\n\t{}",
                display(&r.old),
                display(&prev),
                display(&r.new)
            )));
        }
    }
    let work_paths: HashSet<&str> = work
        .file
        .replace
        .iter()
        .map(|r| r.old.path.as_str())
        .collect();
    // Module replacements, with go.work's laid over them: a path-wide one
    // in go.work hides every module replacement of that path.
    let hidden: HashSet<&str> = by_work
        .keys()
        .filter(|old| old.version.is_empty())
        .map(|old| old.path.as_str())
        .collect();
    let mut replace: Vec<(ModuleVersion, ModuleVersion)> = Vec::new();
    // Each module replacement as an absolute directory, for the conflict check.
    let mut absolute: HashMap<ModuleVersion, ModuleVersion> = HashMap::new();
    for module in modules {
        let mut own = HashSet::new();
        for r in &module.mod_file.replace {
            let (abs, canonical) =
                if r.new.version.is_empty() && !Path::new(&r.new.path).is_absolute() {
                    let abs = clean_join(&module.root, &r.new.path);
                    let rel = relative_to(dir, &abs).map_or_else(
                        || abs.display().to_string(),
                        |rel| {
                            if gomodx_modfile::is_directory_path(&rel) {
                                rel
                            } else {
                                format!("./{rel}")
                            }
                        },
                    );
                    (
                        ModuleVersion::new(abs.display().to_string(), ""),
                        ModuleVersion::new(rel, ""),
                    )
                } else {
                    (r.new.clone(), r.new.clone())
                };
            if !work_paths.contains(r.old.path.as_str()) {
                if let Some(prev) = absolute.get(&r.old)
                    && !own.contains(&r.old)
                    && *prev != abs
                {
                    return Err(Error::Go(format!(
                        "conflicting replacements for {}:\n\t{}\n\t{}\nuse \"go work edit -replace {}=[override]\" to resolve",
                        display(&r.old),
                        display(prev),
                        display(&abs),
                        display(&r.old)
                    )));
                }
                own.insert(r.old.clone());
                absolute.insert(r.old.clone(), abs);
            }
            if !hidden.contains(r.old.path.as_str()) {
                replace.push((r.old.clone(), canonical));
            }
        }
    }
    replace.extend(
        work.file
            .replace
            .iter()
            .map(|r| (r.old.clone(), r.new.clone())),
    );
    let excludes = modules
        .iter()
        .flat_map(|m| m.mod_file.exclude.iter().map(|x| x.module.clone()));
    let rules = MainRules::from_parts(excludes, replace.iter().cloned(), dir);
    Ok((replace.into_iter().collect(), rules))
}

/// Reads `path`, naming it in the error.
fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::Io {
        op: "reading",
        path: path.to_path_buf(),
        source,
    })
}

/// The go.sum at `path`, or an empty one when there is none.
pub(crate) fn read_go_sum(path: &Path) -> Result<GoSum, Error> {
    match std::fs::read(path) {
        Ok(data) => Ok(GoSum::parse(&path.display().to_string(), &data)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(GoSum::new()),
        Err(source) => Err(Error::Io {
            op: "reading",
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Adds every line of `from` to `into`.
pub(crate) fn merge(into: &mut GoSum, from: &GoSum) {
    for (key, hash) in from.lines() {
        into.insert(key.clone(), hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(file: &Path, text: &str) {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }

    fn find(dir: &Path, gowork: Option<&str>) -> Result<Option<MainModules>, Error> {
        MainModules::find(&Context {
            working_dir: dir.to_path_buf(),
            gowork: gowork.map(str::to_owned),
            goroot: None,
        })
    }

    #[test]
    fn gowork_decides_between_workspace_and_module() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path();
        write(&ws.join("go.work"), "go 1.22\nuse ./a\n");
        write(&ws.join("a/go.mod"), "module example.com/a\n\ngo 1.22\n");
        let sub = ws.join("a/sub");
        std::fs::create_dir_all(&sub).unwrap();
        let found = find(&sub, None).unwrap().unwrap();
        assert!(found.is_workspace());
        assert_eq!(found.root, ws);
        assert_eq!(found.sum_file, ws.join("go.work.sum"));
        let off = find(&sub, Some("off")).unwrap().unwrap();
        assert!(!off.is_workspace());
        assert_eq!(off.root, ws.join("a"));
        let err = find(&sub, Some("go.work")).unwrap_err();
        assert_eq!(err.to_string(), "invalid GOWORK: not an absolute path");
    }

    #[test]
    fn replacements_follow_gos_precedence() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path();
        write(
            &ws.join("go.work"),
            "go 1.22\nuse (\n\t./a\n\t./b\n)\nreplace x.com/x v1.0.0 => x.com/x v1.1.0\nreplace y.com/y => y.com/y v2.0.0\n",
        );
        write(
            &ws.join("a/go.mod"),
            "module example.com/a\n\ngo 1.22\n\nreplace (\n\tx.com/x => ../local\n\ty.com/y v1.0.0 => ../y\n)\n",
        );
        write(&ws.join("b/go.mod"), "module example.com/b\n\ngo 1.22\n");
        let main = find(ws, None).unwrap().unwrap();
        let mv = ModuleVersion::new;
        // go.work's exact replacement, then the module's path-wide one,
        // made relative to the workspace.
        assert_eq!(
            main.replace[&mv("x.com/x", "v1.0.0")],
            mv("x.com/x", "v1.1.0")
        );
        assert_eq!(main.replace[&mv("x.com/x", "")], mv("./local", ""));
        // A path-wide go.work replacement hides the module's.
        assert!(!main.replace.contains_key(&mv("y.com/y", "v1.0.0")));

        write(
            &ws.join("b/go.mod"),
            "module example.com/b\n\ngo 1.22\n\nreplace z.com/z => ./z\n",
        );
        write(
            &ws.join("a/go.mod"),
            "module example.com/a\n\ngo 1.22\n\nreplace z.com/z => ../b/z\n",
        );
        // The same directory named from two modules is no conflict.
        assert!(find(ws, None).is_ok());
        write(
            &ws.join("a/go.mod"),
            "module example.com/a\n\ngo 1.22\n\nreplace z.com/z => ./z\n",
        );
        let err = find(ws, None).unwrap_err().to_string();
        assert!(
            err.starts_with("conflicting replacements for z.com/z:\n\t"),
            "{err}"
        );
    }
}
