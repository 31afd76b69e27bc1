//! The module graph against the real `go`: each universe in
//! `fixtures/mvs/universes/*.txtar` is written as a `file://` GOPROXY tree
//! plus a main module, and `go mod graph` / `go list -m all` must print
//! exactly what [`ModuleGraph`] prints. When go fails, gomodx must fail with
//! the same message.
//!
//! Universe format (txtar): `main/go.mod` is the main module; a file named
//! `path@version` is that module version's go.mod; any other `dir/go.mod` is
//! a directory (for directory replacements, relative to `main/`). Universes
//! named `error_*` must make go fail.

use std::path::{Path, PathBuf};

use gomodx_module::{ModuleVersion, escape, semver};
use gomodx_resolver::{MemorySource, ModuleGraph};
use gomodx_test::GoEnv;
use gomodx_test::txtar::Archive;

fn universes_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/mvs/universes")
}

/// One universe: its files, split by kind.
struct Universe {
    main: Vec<u8>,
    modules: Vec<(ModuleVersion, Vec<u8>)>,
    /// (path relative to the universe root, go.mod) for directories.
    dirs: Vec<(String, Vec<u8>)>,
}

impl Universe {
    fn read(file: &Path) -> Self {
        let archive =
            Archive::parse_file(file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        let mut main = None;
        let (mut modules, mut dirs) = (Vec::new(), Vec::new());
        for f in archive.files {
            if f.name == "main/go.mod" {
                main = Some(f.data);
            } else if let Some((path, version)) = f.name.split_once('@') {
                modules.push((ModuleVersion::new(path, version), f.data));
            } else {
                let dir = f
                    .name
                    .strip_suffix("/go.mod")
                    .unwrap_or_else(|| panic!("{}: unexpected file {}", file.display(), f.name));
                dirs.push((dir.to_owned(), f.data));
            }
        }
        let main = main.unwrap_or_else(|| panic!("{}: no main/go.mod", file.display()));
        Self {
            main,
            modules,
            dirs,
        }
    }

    /// The same go.mod files for gomodx; directories are keyed as the main
    /// go.mod names them (`./x` inside `main/`, `../x` beside it).
    fn source(&self) -> MemorySource {
        let mut source: MemorySource = self.modules.iter().cloned().collect();
        for (dir, data) in &self.dirs {
            let key = match dir.strip_prefix("main/") {
                Some(inner) => format!("./{inner}"),
                None => format!("../{dir}"),
            };
            source.insert(ModuleVersion::new(key, ""), data.clone());
        }
        source
    }

    /// Writes the GOPROXY tree under `root/proxy` and the directories (with
    /// the main module) under `root/work`; returns the main module's dir.
    fn write(&self, root: &Path) -> PathBuf {
        let proxy = root.join("proxy");
        let mut versions: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
        for (m, go_mod) in &self.modules {
            let dir = proxy
                .join(escape::escape_path(&m.path).expect("valid path"))
                .join("@v");
            std::fs::create_dir_all(&dir).expect("creating the proxy tree");
            let stem = escape::escape_version(&m.version).expect("valid version");
            let info = format!(
                "{{\"Version\":\"{}\",\"Time\":\"2024-01-02T03:04:05Z\"}}",
                m.version
            );
            std::fs::write(dir.join(format!("{stem}.info")), info).expect("writing .info");
            std::fs::write(dir.join(format!("{stem}.mod")), go_mod).expect("writing .mod");
            let zip =
                std::fs::File::create(dir.join(format!("{stem}.zip"))).expect("creating .zip");
            gomodx_modzip::create_zip_from_files(zip, m, [("go.mod".to_owned(), go_mod.clone())])
                .expect("writing .zip");
            versions.entry(&m.path).or_default().push(m.version.clone());
        }
        for (path, mut list) in versions {
            semver::sort(&mut list);
            let file = proxy
                .join(escape::escape_path(path).expect("valid path"))
                .join("@v/list");
            std::fs::write(
                file,
                list.iter().map(|v| format!("{v}\n")).collect::<String>(),
            )
            .expect("writing list");
        }
        let work = root.join("work");
        for (dir, go_mod) in self
            .dirs
            .iter()
            .map(|(d, g)| (d.as_str(), g))
            .chain([("main", &self.main)])
        {
            std::fs::create_dir_all(work.join(dir)).expect("creating a module dir");
            std::fs::write(work.join(dir).join("go.mod"), go_mod).expect("writing go.mod");
        }
        work.join("main")
    }
}

/// What a command printed: stdout on success, else the error (stderr
/// without go's `go: ` prefix and without progress lines).
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Ok(String),
    Err(String),
}

/// Runs go in a fresh copy of the universe (commands may rewrite go.mod).
fn run_go(universe: &Universe, args: &[&str]) -> Option<Outcome> {
    let tmp = tempfile::tempdir().expect("temp dir");
    let main_dir = universe.write(tmp.path());
    let proxy_url = format!("file://{}", tmp.path().join("proxy").display());
    let mut go = GoEnv::detect(&proxy_url)?;
    go.set("GOFLAGS", "-mod=mod -modcacherw");
    let output = go.run(&main_dir, args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        return Some(Outcome::Ok(stdout));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let message = stderr
        .split_inclusive('\n')
        .skip_while(|line| line.starts_with("go: downloading") || line.starts_with("go: finding"))
        .collect::<String>();
    let message = message
        .strip_prefix("go: ")
        .unwrap_or(&message)
        .trim_end_matches('\n');
    Some(Outcome::Err(message.to_owned()))
}

/// How gomodx prints a graph for one go command.
type Render = fn(&ModuleGraph) -> String;

/// What gomodx prints for the same universe.
fn run_gomodx(universe: &Universe, render: Render) -> Outcome {
    let main = gomodx_modfile::parse("go.mod", &universe.main).expect("the main go.mod parses");
    match ModuleGraph::load(&main, &universe.source()) {
        Ok(graph) => Outcome::Ok(render(&graph)),
        Err(err) => Outcome::Err(err.to_string()),
    }
}

fn list_all(graph: &ModuleGraph) -> String {
    graph.list_all().iter().map(|m| format!("{m}\n")).collect()
}

#[test]
fn module_graph_matches_go() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(universes_dir())
        .expect("reading the universes")
        .map(|e| e.expect("listing the universes").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txtar"))
        .collect();
    names.sort();
    assert!(names.len() >= 8, "the universes are missing");

    let mut compared = 0;
    let mut failures = Vec::new();
    for file in &names {
        let universe = Universe::read(file);
        let checks: [(&[&str], Render); 2] = [
            (&["mod", "graph"], ModuleGraph::graph_text),
            (&["list", "-m", "all"], list_all),
        ];
        for (args, render) in checks {
            let Some(want) = run_go(&universe, args) else {
                return; // no go: skipped (go_bin panics under CI instead)
            };
            let got = run_gomodx(&universe, render);
            compared += 1;
            let name = file.file_name().expect("a file").to_string_lossy();
            if name.starts_with("error_") != matches!(want, Outcome::Err(_)) {
                failures.push(format!(
                    "{name}: go should fail exactly for error_* universes, got {want:?}"
                ));
            }
            if got != want {
                failures.push(format!(
                    "{name} (go {}):\n--- go\n{want:?}\n--- gomodx\n{got:?}",
                    args.join(" ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} outputs differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert_eq!(compared, names.len() * 2);
}
