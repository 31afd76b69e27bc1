//! What the module-graph commands share: the main module, a [`Fetcher`]
//! for its dependencies and the loaded [`ModuleGraph`], checked as go checks
//! it in read-only mode.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use gomodx_fetch::{FetchConfig, Fetcher, MainRules, NoReporter};
use gomodx_modcache::ModCache;
use gomodx_modfile::{GoSum, ModFile};
use gomodx_module::ModuleVersion;
use gomodx_resolver::{LoadOptions, ModuleGraph};

use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// How go loads the graph for a command (`setDefaultBuildMod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `-mod=readonly` (`list`): go.sum must vouch for every go.mod read, and
    /// the go.mod requirements must be consistent.
    ReadOnly,
    /// `-mod=mod` (`mod graph`, `mod why`, `mod verify`, `mod download`):
    /// for debugging, neither is required.
    Lenient,
}

/// The main module with its module graph loaded.
pub struct Loaded {
    /// The main module's directory.
    pub root: PathBuf,
    /// Its go.mod.
    pub mod_file: ModFile,
    /// Its go.sum (empty when there is none).
    pub go_sum: GoSum,
    /// Its exclude and replace rules, for version queries.
    pub rules: MainRules,
    /// Fetches dependencies' files (store first, then GOPROXY).
    pub fetcher: Fetcher,
    /// The module cache.
    pub mod_cache: ModCache,
    /// The loaded graph.
    pub graph: ModuleGraph,
}

impl Loaded {
    /// Loads the graph of the module containing the working directory,
    /// fetching go.mod files in parallel on `runtime`. Fails as go does in
    /// read-only mode when the go.mod requirements are not consistent with
    /// the graph (unless it is loaded as another go version would).
    pub fn load(
        settings: &GlobalSettings,
        options: &LoadOptions,
        runtime: &tokio::runtime::Runtime,
        printer: &Printer,
    ) -> Result<Self> {
        Self::load_in(settings, options, Mode::ReadOnly, runtime, printer)
    }

    /// [`Loaded::load`] in `mode`.
    pub fn load_in(
        settings: &GlobalSettings,
        options: &LoadOptions,
        mode: Mode,
        runtime: &tokio::runtime::Runtime,
        printer: &Printer,
    ) -> Result<Self> {
        Self::load_with(settings, options, mode, runtime, printer, None)
    }

    /// [`Loaded::load_in`] with the caller's `fetcher` (its go.sum policy
    /// must be the main module's), else one made for these settings.
    pub fn load_with(
        settings: &GlobalSettings,
        options: &LoadOptions,
        mode: Mode,
        runtime: &tokio::runtime::Runtime,
        printer: &Printer,
        fetcher: Option<Fetcher>,
    ) -> Result<Self> {
        let root = settings.main_module_root()?;
        let go_mod = root.join("go.mod");
        let data =
            std::fs::read(&go_mod).with_context(|| format!("reading {}", go_mod.display()))?;
        let mod_file = gomodx_modfile::parse(&go_mod.display().to_string(), &data)?;
        let go_sum = read_go_sum(&root)?;
        let rules = MainRules::from_mod_file(&mod_file, &root);
        let mod_cache = ModCache::new(settings.mod_cache()?);
        let fetcher = match fetcher {
            Some(fetcher) => fetcher,
            None => {
                let fetch = settings.fetch()?;
                Fetcher::with_freshness(
                    FetchConfig {
                        client: super::download::client(&fetch, None)?,
                        store: super::download::open_store(&fetch)?,
                        mod_cache: mod_cache.clone(),
                        sums: super::download::sum_policy(&fetch, Some(go_sum.clone())),
                        jobs: settings.jobs,
                        writable_dirs: settings.go_flags.modcacherw,
                        reporter: Arc::new(NoReporter),
                    },
                    settings.freshness.clone(),
                )
            }
        };
        let started = std::time::Instant::now();
        // go's read-only mode (any -mod but `mod`) wants go.sum to vouch for
        // every go.mod it reads, and consistent requirements.
        let read_only =
            mode == Mode::ReadOnly && settings.go_flags.mod_mode.as_deref() != Some("mod");
        // Offline, whatever go.mod files were missing are named in one error.
        let load = |requirements: &ModFile| {
            runtime
                .block_on(gomodx_fetch::load_graph(
                    &fetcher,
                    requirements,
                    &root,
                    options,
                    read_only.then_some(&go_sum),
                ))
                .map_err(|err| super::provenance::offline_error(&fetcher).unwrap_or(err.into()))
        };
        let mut graph = load(&mod_file)?;
        if !read_only && options.go_version.is_none() {
            graph = raise_roots(graph, &mod_file, load)?;
        }
        printer.verbose(format_args!(
            "loaded the module graph ({} modules) in {:.2}s",
            graph.build_list().len(),
            started.elapsed().as_secs_f64()
        ));
        for dropped in graph.dropped_requirements() {
            printer.warn(format_args!(
                "dropping requirement on excluded version {} {}",
                dropped.path, dropped.version
            ));
        }
        // A graph loaded as another go version would (`-go=V`) is only viewed.
        if read_only && options.go_version.is_none() && !graph.roots_consistent() {
            bail!("updates to go.mod needed; to update it:\n\tgo mod tidy");
        }
        Ok(Self {
            root,
            mod_file,
            go_sum,
            rules,
            fetcher,
            mod_cache,
            graph,
        })
    }

    /// Whether the main go.mod requires `path` without `// indirect`.
    pub fn is_direct(&self, path: &str) -> bool {
        self.mod_file
            .require
            .iter()
            .any(|r| r.module.path == path && !r.indirect)
    }
}

/// What go does in `-mod=mod` when go.mod requires versions lower than
/// the graph selects: the requirements are raised (in memory) to the
/// selected versions and the graph reloaded, until they agree.
fn raise_roots(
    mut graph: ModuleGraph,
    mod_file: &ModFile,
    load: impl Fn(&ModFile) -> Result<ModuleGraph>,
) -> Result<ModuleGraph> {
    let mut requirements = mod_file.clone();
    // Each round raises at least one version (else it stops: the `go` and
    // `toolchain` roots are not raised); the graph is finite.
    while !graph.roots_consistent() {
        let mut raised = false;
        for require in &mut requirements.require {
            if let Some(selected) = graph.selected(&require.module.path)
                && selected != require.module.version
            {
                require.module.version = selected.to_owned();
                raised = true;
            }
        }
        if !raised {
            break;
        }
        graph = load(&requirements)?;
    }
    Ok(graph)
}

/// The main module's go.sum, or an empty one.
fn read_go_sum(root: &std::path::Path) -> Result<GoSum> {
    let path = root.join("go.sum");
    match std::fs::read(&path) {
        Ok(data) => Ok(GoSum::parse(&path.display().to_string(), &data)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(GoSum::new()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// What `go mod download` fetches with no arguments or `all`, and the
/// go.sum keys it keeps once it has loaded the module graph.
pub struct DownloadSet {
    /// The build list for `all` (and for main modules before go 1.17), else
    /// the selected versions of the paths the main go.mod requires; each as
    /// its replacement, directory replacements and the main module left out.
    pub modules: Vec<ModuleVersion>,
    /// Go's `keepSums` with `addBuildListZipSums` (`-mod=mod`, as `go mod
    /// download` runs): the go.mod of every module whose requirements are in
    /// the graph, and the zip and go.mod of every module of the build list,
    /// each as its replacement. go.mod keys carry the `/go.mod` suffix.
    pub graph_sums: HashSet<ModuleVersion>,
}

/// The modules `go mod download` fetches with no arguments or `all` (see
/// [`DownloadSet`]). The graph is loaded on `runtime` with the caller's
/// `fetcher`, whose work (go.mod files read and checked) the download then
/// reuses.
pub fn download_set(
    settings: &GlobalSettings,
    printer: &Printer,
    all: bool,
    fetcher: &Fetcher,
    runtime: &tokio::runtime::Runtime,
) -> Result<DownloadSet> {
    let loaded = Loaded::load_with(
        settings,
        &LoadOptions::default(),
        Mode::Lenient,
        runtime,
        printer,
        Some(fetcher.clone()),
    )?;
    let graph = &loaded.graph;
    let pruned = loaded
        .mod_file
        .go_version()
        .is_some_and(|go| gomodx_module::gover::compare(go, "1.17").is_ge());
    let selected: Vec<ModuleVersion> = if all || !pruned {
        graph.list_all().into_iter().map(|l| l.module).collect()
    } else {
        let mut paths: Vec<&str> = loaded
            .mod_file
            .require
            .iter()
            .map(|r| r.module.path.as_str())
            .collect();
        paths.dedup();
        paths
            .into_iter()
            .filter_map(|p| graph.selected(p).map(|v| ModuleVersion::new(p, v)))
            .collect()
    };
    let mut out = Vec::new();
    for m in selected {
        if m.version.is_empty() {
            continue;
        }
        let target = graph.replacement(&m).cloned().unwrap_or(m);
        if !target.version.is_empty() && !out.contains(&target) {
            out.push(target);
        }
    }
    Ok(DownloadSet {
        modules: out,
        graph_sums: graph_sums(graph),
    })
}

/// The go.sum keys of [`DownloadSet::graph_sums`].
fn graph_sums(graph: &ModuleGraph) -> HashSet<ModuleVersion> {
    let replaced = |m: &ModuleVersion| graph.replacement(m).unwrap_or(m).clone();
    let go_mod_key = |m: ModuleVersion| ModuleVersion::new(m.path, format!("{}/go.mod", m.version));
    let mut keep = HashSet::new();
    graph.graph().walk_breadth_first(|m| {
        if graph.required_by(m).is_some() {
            keep.insert(go_mod_key(replaced(m)));
        }
    });
    for m in graph.build_list() {
        let r = replaced(m);
        keep.insert(go_mod_key(r.clone()));
        keep.insert(r);
    }
    keep.retain(|m| !m.version.is_empty() && !m.version.starts_with('/'));
    keep
}
