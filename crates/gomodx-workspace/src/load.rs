//! The module graph of the main modules, loaded under go's rules for the
//! command (`setDefaultBuildMod`, `loadModFile`, `LoadModGraph`).

use std::ops::Deref;

use gomodx_fetch::{Fetcher, load_graph_partial, load_with_loader};
use gomodx_modcache::ModCache;
use gomodx_modfile::ModFile;
use gomodx_resolver::{GraphLoader, LoadError, LoadOptions, ModuleGraph};

use crate::{Error, MainModules};

/// How go loads the graph for a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// `-mod=readonly` (`list`): go.sum must vouch for every go.mod read, and
    /// the go.mod requirements must be consistent (outside a workspace);
    /// `-mod=mod` (the command's flag, or GOFLAGS') makes it lenient.
    ReadOnly {
        /// The `-mod` flag, if given.
        mod_flag: Option<String>,
    },
    /// `-mod=mod` (`mod graph`, `mod why`, `mod verify`, `mod download`):
    /// for debugging, neither is required; go.mod requirements lower than
    /// the graph selects are raised (in memory).
    Lenient,
    /// `-mod=mod` for a command go lets add a missing `go` line (every
    /// `go mod` command but `graph` and `why`; gomodx: `download`):
    /// [`Mode::Lenient`], and a main go.mod without a `go` line gets
    /// `go` [`LOCAL_GO`](gomodx_modfile::LOCAL_GO) with its requirements
    /// converted to a pruned graph (the build list as roots), as
    /// [`Loaded::raised`].
    Mod,
}

/// The main modules with their module graph loaded.
pub struct Loaded {
    /// The main modules.
    pub main: MainModules,
    /// Fetches dependencies' files (store first, then GOPROXY).
    pub fetcher: Fetcher,
    /// The module cache.
    pub mod_cache: ModCache,
    /// The loaded graph.
    pub graph: ModuleGraph,
    /// The main go.mod as `-mod=mod` leaves it (requirements raised to the
    /// versions the graph selects), when that differs from the file.
    pub raised: Option<ModFile>,
}

/// A graph that could not be loaded whole: the error, and the main modules
/// with the graph as far as it loaded (go lists its build list with the
/// error: `go list -m all` reports each listed module's error first).
pub struct PartialGraph {
    /// Why the graph is incomplete.
    pub error: LoadError,
    /// The graph as far as it loaded.
    pub loaded: Loaded,
}

impl std::fmt::Display for PartialGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for PartialGraph {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

impl std::fmt::Debug for PartialGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartialGraph")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl Deref for Loaded {
    type Target = MainModules;

    fn deref(&self) -> &MainModules {
        &self.main
    }
}

impl MainModules {
    /// Go's check of `-mod` (`mod_flag`, from the command line or GOFLAGS,
    /// for commands that take it): a workspace only allows `readonly` and
    /// `vendor`.
    pub fn check_mod_flag(&self, mod_flag: Option<&str>) -> Result<(), Error> {
        match mod_flag {
            Some(flag) if self.is_workspace() && flag != "readonly" && flag != "vendor" => {
                Err(Error::Go(format!(
                    "-mod may only be set to readonly or vendor when in workspace mode, but it is set to {flag:?}\
                     \n\tRemove the -mod flag to use the default readonly value, \
                     \n\tor set GOWORK=off to disable workspace mode."
                )))
            }
            _ => Ok(()),
        }
    }

    /// Loads the module graph with `fetcher` (whose go.sum policy must be
    /// [`MainModules::go_sum`]'s) in `mode`: fails as go does in read-only
    /// mode when go.sum lacks a go.mod hash or the go.mod requirements are
    /// not consistent with the graph (unless loaded as another go version
    /// would, `options.go_version`). In a workspace neither is checked, as
    /// in go.
    pub async fn load(
        self,
        fetcher: Fetcher,
        mod_cache: ModCache,
        options: &LoadOptions,
        mode: Mode,
    ) -> Result<Loaded, Error> {
        let mut raised = None;
        let graph = if let Some(work) = &self.work {
            if let Mode::ReadOnly { mod_flag } = &mode {
                self.check_mod_flag(mod_flag.as_deref())?;
            }
            let mains: Vec<ModFile> = self.modules.iter().map(|m| m.mod_file.clone()).collect();
            let loader = GraphLoader::workspace(
                &mains,
                work.file.go_version(),
                work.file.toolchain.as_ref().map(|t| t.name.as_str()),
                self.replace.clone(),
            )?;
            let name = format!("go.work {}", work.path.display());
            load_with_loader(&fetcher, loader, &self.root, &name).await?
        } else {
            let read_only =
                matches!(&mode, Mode::ReadOnly { mod_flag } if mod_flag.as_deref() != Some("mod"));
            let mod_file = &self.mod_file;
            let load_partial = async |requirements: &ModFile| {
                load_graph_partial(
                    &fetcher,
                    requirements,
                    &self.root,
                    options,
                    read_only.then_some(&self.go_sum),
                )
                .await
            };
            let load = async |requirements: &ModFile| -> Result<ModuleGraph, LoadError> {
                let (graph, err) = load_partial(requirements).await?;
                err.map_or(Ok(graph), Err)
            };
            let (mut graph, err) = load_partial(mod_file).await?;
            if let Some(error) = err {
                let loaded = Loaded {
                    main: self,
                    fetcher,
                    mod_cache,
                    graph,
                    raised: None,
                };
                return Err(Error::PartialGraph(Box::new(PartialGraph {
                    error,
                    loaded,
                })));
            }
            let mut requirements = mod_file.clone();
            if mode == Mode::Mod && mod_file.go.is_none() && options.go_version.is_none() {
                // go's loadModFile: a go line is added, and the
                // requirements converted to a pruned graph.
                requirements = graph.converted_to_pruned(mod_file, gomodx_modfile::LOCAL_GO);
                requirements.cleanup();
                graph = load(&requirements).await?;
            }
            if !read_only && options.go_version.is_none() {
                // go's -mod=mod (`updateRoots`): requirements lower than the
                // graph selects, and the go and toolchain lines, are raised
                // (in memory), requirements on the main module or excluded
                // versions dropped, and the graph reloaded until they agree.
                // Each round changes the requirements, else it stops.
                while let Some(raised) = graph.raised_requirements(&requirements) {
                    requirements = raised;
                    graph = load(&requirements).await?;
                }
            }
            raised = (requirements != *mod_file).then_some(requirements);
            // A graph loaded as another go version would (`-go=V`) is only
            // viewed. Ignored (excluded) requirements are an update too.
            if read_only
                && options.go_version.is_none()
                && (!graph.roots_consistent() || !self.dropped_requirements().is_empty())
            {
                return Err(go_mod_dirty(&mode));
            }
            graph
        };
        Ok(Loaded {
            main: self,
            fetcher,
            mod_cache,
            graph,
            raised,
        })
    }
}

/// Go's `errGoModDirty`, naming an explicit `-mod` as go does.
fn go_mod_dirty(mode: &Mode) -> Error {
    let message = match mode {
        Mode::ReadOnly {
            mod_flag: Some(flag),
        } => format!(
            "updates to go.mod needed, disabled by -mod={flag}; to update it:\n\tgo mod tidy"
        ),
        _ => "updates to go.mod needed; to update it:\n\tgo mod tidy".to_owned(),
    };
    Error::Go(message)
}
