//! `go mod download` (cmd/go's `runDownload` and `listModules`): which
//! module versions the arguments name, downloading them, the JSON objects
//! go prints, and the go.sum lines go writes.
//!
//! - No arguments: in a workspace, or for a main module before go 1.17,
//!   `all`; else the paths the main go.mod requires, with the graph loaded.
//!   A go.mod without a `go` line gets one (and a pruned graph, see
//!   [`Mode::Mod`]), so it is a main module at go 1.17 or later here.
//! - `all` (or a `...` pattern): the build list, each as its replacement.
//! - `M`: the version the main go.mod requires when M is a root of a
//!   pruned graph, else the version the build list selects (loading the
//!   graph); `module M: not a known dependency` when there is none.
//! - `M@query`: the version the query resolves to, never replaced.

use std::path::PathBuf;
use std::sync::Arc;

use futures::StreamExt;
use gomodx_fetch::gojson::{self, Object};
use gomodx_fetch::{Error as FetchError, Fetcher, MainRules, ModuleDownload};
use gomodx_modcache::ModCache;
use gomodx_modfile::ModFile;
use gomodx_module::{ModuleVersion, gover, is_toolchain_path};
use gomodx_resolver::{LoadOptions, ModuleGraph};

use crate::sums::Keep;
use crate::{Error, MainModules, Mode, PartialGraph};

/// One module to download.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// `path@query` (for build-list modules, the exact version).
    Query {
        /// The module path.
        path: String,
        /// The query as given.
        query: String,
        /// Whether `-json` shows the proxy's `Origin` (go shows it for the
        /// arguments it queries, not for the build list's modules).
        origin: bool,
    },
    /// A path that is not in the build list.
    Unknown(String),
}

/// What `go mod download ARGS` will do.
pub struct Plan {
    /// The main modules (`None` outside a module).
    pub main: Option<MainModules>,
    /// Their graph, when go loads it for these arguments.
    pub graph: Option<ModuleGraph>,
    /// The modules to download, in go's order.
    pub targets: Vec<Target>,
    /// Arguments that name a main module: go skips them with a warning.
    pub skipped: Vec<String>,
    /// The main go.mod as go writes it back (requirements raised under
    /// `-mod=mod`), when it changes.
    pub raised: Option<ModFile>,
    explicit: bool,
    /// go.mod and go.sum must not change (`--locked`).
    locked: bool,
    /// Why the graph could not be loaded whole: go downloads what did load,
    /// then fails with this error.
    pub graph_error: Option<gomodx_resolver::LoadError>,
}

/// Why an argument is refused before anything is fetched.
#[derive(Debug, thiserror::Error)]
pub enum ArgError {
    /// Go's message.
    #[error("{0}")]
    Go(String),
    /// A `...` pattern outside a module (gomodx does not match them
    /// against the proxy).
    #[error("cannot match {0:?}: gomodx download does not match `...` patterns")]
    Pattern(String),
}

impl Plan {
    /// The plan for `args` in `main`; the graph is loaded with `fetcher`
    /// (whose go.sum policy is `main`'s) when go needs it, and the go.sum
    /// lines go writes before downloading (no arguments, outside a
    /// workspace) are written.
    pub async fn new(
        main: Option<MainModules>,
        args: &[String],
        fetcher: &Fetcher,
        mod_cache: &ModCache,
        locked: bool,
    ) -> Result<Self, DownloadError> {
        let Some(main) = main else {
            let targets = args
                .iter()
                .map(|arg| outside_arg(arg))
                .collect::<Result<_, _>>()?;
            return Ok(Self {
                main: None,
                graph: None,
                targets,
                skipped: Vec::new(),
                raised: None,
                explicit: true,
                locked,
                graph_error: None,
            });
        };
        for arg in args {
            check_arg(arg)?;
        }
        let explicit = !args.is_empty();
        let mut skipped = Vec::new();
        let mut args: Vec<String> = args
            .iter()
            .filter(|arg| {
                let named = main.paths().any(|p| {
                    [p.to_owned(), format!("{p}@upgrade"), format!("{p}@patch")].contains(arg)
                });
                if named {
                    skipped.push((*arg).clone());
                }
                !named
            })
            .cloned()
            .collect();
        // go adds a missing go line (go 1.27.3) as it loads go.mod, so the
        // graph is then loaded and pruned, whatever the arguments.
        let adds_go_line = !main.is_workspace() && main.mod_file.go.is_none();
        let pruned = adds_go_line
            || (!main.is_workspace() && gover::compare(main.go_version(), "1.17").is_ge());
        let mut need_graph = adds_go_line;
        if !explicit {
            if main.is_workspace() || (!pruned && main.requires().next().is_some()) {
                args.push("all".to_owned());
            } else if pruned {
                need_graph = true;
                args.extend(main.requires().map(|r| r.module.path.clone()));
            }
        }
        let root = |path: &str| main.root_version(path).filter(|_| pruned);
        need_graph |= args.iter().any(|arg| match arg.split_once('@') {
            _ if arg == "all" || arg.contains("...") => true,
            Some((path, query)) => (query == "upgrade" || query == "patch") && root(path).is_none(),
            None => root(arg).is_none(),
        });
        let mut graph_error = None;
        if need_graph && (!explicit || args.iter().any(|arg| arg == "all")) {
            // The versions the main go.mod requires are, when it is tidy,
            // the ones the graph selects: their zips (a replacement's, if
            // replaced) download while it loads.
            fetcher.prefetch_zips(
                main.requires()
                    .filter_map(|r| main.rules.fetched_as(&r.module)),
            );
        }
        let (main, graph, raised) = if need_graph {
            let loaded = match main
                .load(
                    fetcher.clone(),
                    mod_cache.clone(),
                    &LoadOptions::default(),
                    Mode::Mod,
                )
                .await
            {
                Ok(loaded) => loaded,
                // go's ListModules (arguments given): the modules of the
                // graph as far as it loaded, and the error after them.
                // Without arguments go's LoadModGraph fails at once.
                Err(Error::PartialGraph(partial)) if explicit => {
                    let PartialGraph { error, loaded } = *partial;
                    graph_error = Some(error);
                    loaded
                }
                Err(err) => return Err(err.into()),
            };
            (loaded.main, Some(loaded.graph), loaded.raised)
        } else {
            (main, None, None)
        };
        // go stops before writing anything when no argument is left.
        let nothing_asked = args.is_empty() && skipped.is_empty();
        let mut targets = Vec::new();
        for arg in &args {
            targets.extend(resolve(arg, &main, graph.as_ref()));
        }
        let plan = Self {
            main: Some(main),
            graph,
            targets,
            skipped,
            raised,
            explicit,
            locked,
            graph_error,
        };
        if !plan.writes_after() && !nothing_asked && plan.graph_error.is_none() {
            plan.write_files(fetcher, mod_cache)?;
        }
        Ok(plan)
    }

    /// Whether go writes go.sum after downloading (explicit arguments, or
    /// a workspace) rather than before.
    fn writes_after(&self) -> bool {
        self.explicit || self.main.as_ref().is_some_and(MainModules::is_workspace)
    }

    /// Downloads every target concurrently; the objects come back in
    /// target order. `queue` hears of each module version about to be
    /// downloaded.
    pub async fn download(
        &self,
        fetcher: &Fetcher,
        queue: Arc<dyn Fn(&ModuleVersion) + Send + Sync>,
    ) -> Vec<ModuleJson> {
        let rules = Arc::new(
            self.main
                .as_ref()
                .map(|m| m.rules.clone())
                .unwrap_or_default(),
        );
        // A bounded window of tasks, not one per target at once: a task
        // waiting for a network permit holds its whole future, and at a few
        // thousand targets those futures made most of the peak RSS. Four
        // per network job keeps every permit busy while others extract.
        let window = 4 * fetcher.jobs();
        let mut objects = self.downloaded_now(fetcher, &*queue);
        let left = self.targets.iter().cloned().enumerate();
        let left = left.filter(|(index, _)| objects[*index].is_none());
        let mut done = futures::stream::iter(left.collect::<Vec<_>>())
            .map(|(index, target)| {
                let (fetcher, queue, rules) =
                    (fetcher.clone(), Arc::clone(&queue), Arc::clone(&rules));
                let current = match &target {
                    Target::Query { path, .. } => self.current(path),
                    Target::Unknown(_) => String::new(),
                };
                let task = tokio::spawn(async move {
                    download_target(&fetcher, &*queue, &rules, &current, target).await
                });
                async move { (index, task.await) }
            })
            .buffer_unordered(window);
        while let Some((index, outcome)) = done.next().await {
            objects[index] = Some(outcome.unwrap_or_else(|e| ModuleJson {
                error: Some(format!("internal error: {e}")),
                ..ModuleJson::default()
            }));
        }
        objects.into_iter().map(Option::unwrap_or_default).collect()
    }

    /// The objects of the build list's modules that are downloaded
    /// completely already (the warm case, [`Fetcher::download_now`]),
    /// worked out on this thread — on all CPUs past a few hundred — with no
    /// task each; `None` for the targets left to download.
    fn downloaded_now(
        &self,
        fetcher: &Fetcher,
        queue: &(dyn Fn(&ModuleVersion) + Send + Sync),
    ) -> Vec<Option<ModuleJson>> {
        use rayon::prelude::*;
        let now = |target: &Target| {
            let Target::Query {
                path,
                query,
                origin: false,
            } = target
            else {
                return None;
            };
            let module = ModuleVersion::new(path.clone(), query.clone());
            queue(&module);
            let download = fetcher.download_now(&module)?;
            Some(ModuleJson {
                path: module.path,
                version: module.version,
                download,
                ..ModuleJson::default()
            })
        };
        if self.targets.len() >= 256 {
            self.targets.par_iter().with_min_len(64).map(now).collect()
        } else {
            self.targets.iter().map(now).collect()
        }
    }

    /// After the download: go.sum as go leaves it, when go writes it then
    /// (explicit arguments or a workspace; go does not get that far after
    /// an error unless it prints JSON).
    pub fn finish(
        &self,
        fetcher: &Fetcher,
        mod_cache: &ModCache,
        failed: bool,
        json: bool,
    ) -> Result<(), Error> {
        if self.writes_after() && (json || !failed) {
            self.write_files(fetcher, mod_cache)?;
        }
        Ok(())
    }

    /// Writes go.mod when its requirements were raised, then the new hashes
    /// go keeps in go.sum (go's `commitRequirements`; refused when `locked`).
    fn write_files(&self, fetcher: &Fetcher, mod_cache: &ModCache) -> Result<(), Error> {
        let Some(main) = &self.main else {
            return Ok(());
        };
        if let Some(raised) = &self.raised {
            main.write_go_mod(raised, mod_cache.root(), self.locked)?;
        }
        let keep = match &self.graph {
            Some(graph) => Keep::graph(graph),
            None => Keep::roots(main),
        };
        main.write_go_sum(&fetcher.new_sums(), &keep, mod_cache.root(), self.locked)
    }

    /// The version of `path` the main modules use now (for `@upgrade`).
    fn current(&self, path: &str) -> String {
        match (&self.graph, &self.main) {
            (Some(graph), _) => graph.selected(path).unwrap_or_default().to_owned(),
            (None, Some(main)) => main.root_version(path).unwrap_or_default(),
            (None, None) => String::new(),
        }
    }
}

/// Why planning a download failed.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// A refused argument.
    #[error(transparent)]
    Arg(#[from] ArgError),
    /// The graph or go.sum.
    #[error(transparent)]
    Main(#[from] Error),
}

/// Go's argument checks inside a module (`listModules`).
fn check_arg(arg: &str) -> Result<(), ArgError> {
    if arg.contains('\\') {
        return Err(ArgError::Go("module paths never use backslash".to_owned()));
    }
    if arg == "." || arg == ".." || arg.starts_with("./") || arg.starts_with("../") {
        return Err(ArgError::Go(format!(
            "cannot use relative path {arg} to specify module"
        )));
    }
    match arg.split_once('@') {
        Some((_, query)) if query.starts_with(['-', '/']) => {
            Err(ArgError::Go(format!("invalid module version {query:?}")))
        }
        _ => Ok(()),
    }
}

/// An argument outside any module: only `path@query` works.
fn outside_arg(arg: &str) -> Result<Target, ArgError> {
    check_arg(arg)?;
    if arg == "all" || arg.contains("...") {
        return Err(ArgError::Pattern(arg.to_owned()));
    }
    match arg.split_once('@') {
        Some((path, query)) => Ok(Target::Query {
            path: path.to_owned(),
            query: query.to_owned(),
            origin: true,
        }),
        None => Err(ArgError::Go(format!(
            "cannot match {arg:?} without -versions or an explicit version: go.mod file not found \
             in current directory or any parent directory; see 'go help modules'"
        ))),
    }
}

/// The targets of one argument inside a module: build-list modules as
/// their replacements (directory replacements and main modules left out).
fn resolve(arg: &str, main: &MainModules, graph: Option<&ModuleGraph>) -> Vec<Target> {
    let as_target = |m: ModuleVersion| -> Option<Target> {
        if m.version.is_empty() {
            return None;
        }
        let target = match graph.and_then(|g| g.replacement(&m)) {
            Some(replacement) => replacement.clone(),
            None => main.rules.fetched_as(&m)?,
        };
        (!target.version.is_empty()).then_some(Target::Query {
            path: target.path,
            query: target.version,
            origin: false,
        })
    };
    if let Some((path, query)) = arg.split_once('@') {
        return vec![Target::Query {
            path: path.to_owned(),
            query: query.to_owned(),
            origin: true,
        }];
    }
    if arg == "all" || arg.contains("...") {
        let graph = graph.expect("patterns load the graph");
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for m in graph.build_list() {
            if is_toolchain_path(&m.path) || !(arg == "all" || crate::list::matches(arg, &m.path)) {
                continue;
            }
            if let Some(target) = as_target(m.clone())
                && seen.insert(target.clone())
            {
                out.push(target);
            }
        }
        return out;
    }
    let selected = match graph {
        Some(graph) => graph.selected(arg).map(str::to_owned),
        None => main.root_version(arg),
    };
    match selected {
        Some(version) => as_target(ModuleVersion::new(arg, version))
            .into_iter()
            .collect(),
        None => vec![Target::Unknown(arg.to_owned())],
    }
}

/// What `go mod download -json` prints for one module.
#[derive(Debug, Default)]
pub struct ModuleJson {
    /// The module path.
    pub path: String,
    /// The version (the query, when it failed to resolve).
    pub version: String,
    /// The query, when it differs from the version.
    pub query: String,
    /// The error, if any.
    pub error: Option<String>,
    /// The version's origin, for resolved queries.
    pub origin: Option<Object>,
    /// What the download produced.
    pub download: ModuleDownload,
}

impl ModuleJson {
    /// The object as go prints it, fields in go's order.
    pub fn to_json(&self) -> Object {
        let text = |path: &Option<PathBuf>| {
            path.as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        };
        let download = &self.download;
        let mut object = Object::new();
        object.push_nonempty("Path", &self.path);
        object.push_nonempty("Version", &self.version);
        object.push_nonempty("Query", &self.query);
        object.push_nonempty("Error", self.error.as_deref().unwrap_or_default());
        object.push_nonempty("Info", &text(&download.info));
        object.push_nonempty("GoMod", &text(&download.go_mod));
        object.push_nonempty("Zip", &text(&download.zip));
        object.push_nonempty("Dir", &text(&download.dir));
        object.push_nonempty("Sum", download.sum.as_deref().unwrap_or_default());
        object.push_nonempty(
            "GoModSum",
            download.go_mod_sum.as_deref().unwrap_or_default(),
        );
        if let Some(origin) = &self.origin {
            object.push("Origin", gojson::Value::Object(origin.clone()));
        }
        object
    }

    /// The module version downloaded (or tried).
    pub fn module(&self) -> ModuleVersion {
        ModuleVersion::new(self.path.clone(), self.version.clone())
    }
}

/// Resolves and downloads one target.
async fn download_target(
    fetcher: &Fetcher,
    queue: &(dyn Fn(&ModuleVersion) + Send + Sync),
    rules: &MainRules,
    current: &str,
    target: Target,
) -> ModuleJson {
    let (path, query, show_origin) = match target {
        Target::Unknown(path) => {
            return ModuleJson {
                error: Some(format!("module {path}: not a known dependency")),
                path,
                ..ModuleJson::default()
            };
        }
        Target::Query {
            path,
            query,
            origin,
        } => (path, query, origin),
    };
    let rules = (!gomodx_fetch::is_revision_query(&query)).then_some(rules);
    let info = match fetcher.query(&path, &query, current, rules).await {
        Ok(info) => info,
        Err(error) => {
            return ModuleJson {
                error: Some(query_error(&path, &query, &error)),
                origin: origin_json(error.origin()),
                path,
                version: query,
                ..ModuleJson::default()
            };
        }
    };
    let origin = origin_json(info.origin.as_ref().filter(|_| show_origin));
    let module = ModuleVersion::new(path, info.version);
    let mut object = ModuleJson {
        path: module.path.clone(),
        version: module.version.clone(),
        query: if query == module.version {
            String::new()
        } else {
            query
        },
        origin,
        ..ModuleJson::default()
    };
    queue(&module);
    object.download = fetcher.download(&module).await;
    object.error = object.download.error.as_ref().map(ToString::to_string);
    object
}

/// An answer's Origin (a query's, or the one a failed query answered
/// with) as go prints it, every field kept.
pub(crate) fn origin_json(origin: Option<&serde_json::Value>) -> Option<Object> {
    origin.map(|o| gomodx_fetch::info::origin_object(o, |_| true))
}

/// Go's `modinfoError`: errors that do not name the module get `path@query: `.
fn query_error(path: &str, query: &str, error: &FetchError) -> String {
    match error {
        FetchError::NoPatchBase { .. } => format!("{path}@{query}: {error}"),
        // A disk error names the module it was writing.
        _ => error
            .clone()
            .for_module(&ModuleVersion::new(path, query))
            .to_string(),
    }
}
