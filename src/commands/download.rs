//! `gomodx download`: `go mod download`, offline first and in parallel.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use gomodx_client::{Client, ClientConfig, Netrc, ProxyList, RetryPolicy};
use gomodx_fetch::gojson::{self, Object};
use gomodx_fetch::{
    Error, FetchConfig, Fetcher, MainRules, ModuleDownload, Replacement, SumPolicy,
};
use gomodx_fs::FileLock;
use gomodx_modcache::ModCache;
use gomodx_modfile::{GoSum, ModFile};
use gomodx_module::{ModuleVersion, semver};
use gomodx_store::Store;

use crate::ExitStatus;
use crate::cli::DownloadArgs;
use crate::printer::{Hinted, Printer};
use crate::reporters::{DownloadReporter, human_bytes};
use crate::settings::{FetchSettings, GlobalSettings};

/// Downloads the modules named by `args` (or the main module's requirements).
pub fn run(
    settings: &GlobalSettings,
    args: &DownloadArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    let fetch = settings.fetch()?;
    let main = MainModule::find(settings)?.map(Arc::new);
    let started = Instant::now();
    let reporter = DownloadReporter::new(printer, printer.shows_progress() && !fetch.no_progress);
    let trace = (args.trace || settings.go_flags.trace).then(|| reporter.trace_hook());
    let fetcher = Fetcher::with_freshness(
        FetchConfig {
            client: client(&fetch, trace)?,
            store: open_store(&fetch)?,
            mod_cache: ModCache::new(settings.mod_cache()?),
            sums: sum_policy(&fetch, main.as_ref().map(|m| m.go_sum.clone())),
            jobs: settings.jobs,
            writable_dirs: args.modcacherw || settings.go_flags.modcacherw,
            reporter: reporter.clone(),
        },
        settings.freshness.clone(),
    );
    let runtime = super::async_runtime()?;
    let explicit = !args.modules.is_empty();
    let (targets, graph_sums) = targets(
        settings,
        &args.modules,
        main.as_deref(),
        (&fetcher, &runtime),
        printer,
    )?;
    if targets.is_empty() {
        if explicit || main.is_some() {
            printer.warn("no module dependencies to download");
            return Ok(ExitStatus::Success);
        }
        bail!("no modules specified (see `gomodx download --help`)");
    }

    let objects = runtime.block_on(download_all(&fetcher, &reporter, main.clone(), targets));
    let summary = reporter.finish();
    super::provenance::report(&fetcher, printer);

    let failures = objects.iter().filter(|o| o.error.is_some()).count();
    let failed = failures > 0;
    printer.status(
        "Finished",
        format_args!(
            "{} downloaded ({}), {} from store{} in {:.2}s",
            summary.downloaded,
            human_bytes(summary.bytes),
            summary.from_store,
            if failed {
                format!(", {failures} failed")
            } else {
                String::new()
            },
            started.elapsed().as_secs_f64()
        ),
    );
    if args.json {
        for object in &objects {
            printer.data(object.to_json().to_indented());
        }
    } else if let Some(offline) = super::provenance::offline_error(&fetcher) {
        printer.report_error(&offline);
    } else {
        for error in objects.iter().filter_map(|o| o.error.as_ref()) {
            printer.error(error);
        }
    }
    // go writes go.sum after explicit downloads, but not when it already
    // exited on an error (it only gets that far with -json).
    if let Some(main) = main.as_ref().filter(|_| explicit && (args.json || !failed)) {
        main.write_go_sum(&fetcher.new_sums(), &graph_sums, &settings.mod_cache()?)?;
    }
    if !failed {
        let modules: Vec<_> = objects
            .iter()
            .map(|o| ModuleVersion::new(o.path.clone(), o.version.clone()))
            .collect();
        super::for_build::finish(settings, args, &modules, printer)?;
    }
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The GOPROXY client for these settings.
pub(super) fn client(
    fetch: &FetchSettings,
    trace: Option<gomodx_client::TraceHook>,
) -> Result<Client> {
    let proxies = ProxyList::parse(&fetch.goproxy, &fetch.gonoproxy)?;
    let mut config = client_config(fetch, proxies);
    config.trace = trace;
    Ok(Client::new(config))
}

/// The gomodx store of these settings, opened for normal use.
pub(super) fn open_store(fetch: &FetchSettings) -> Result<Store> {
    Store::open(&fetch.store_dir)
        .with_context(|| format!("opening the gomodx store at {}", fetch.store_dir.display()))
}

/// Which hashes to trust: `go_sum` (the main module's), then the checksum
/// database as these settings configure it.
pub(super) fn sum_policy(fetch: &FetchSettings, go_sum: Option<GoSum>) -> SumPolicy {
    SumPolicy {
        go_sum,
        gosumdb: fetch.gosumdb.clone(),
        gonosumdb: fetch.gonosumdb.clone(),
        toolchain_needs_sumdb: SumPolicy::toolchain_needs_sumdb_for(&fetch.goproxy),
    }
}

/// A client configuration for `proxies` with these settings' netrc
/// credentials, retry policy and HTTP timeout.
pub(super) fn client_config(fetch: &FetchSettings, proxies: ProxyList) -> ClientConfig {
    let mut config = ClientConfig::new(proxies);
    config.netrc = Netrc::parse(&fetch.netrc);
    config.retry = RetryPolicy {
        no_delay_for_tests: fetch.no_retry_delay,
        ..RetryPolicy::default()
    };
    if let Some(timeout) = fetch.http_timeout {
        config.connect_timeout = timeout;
        config.read_timeout = timeout;
    }
    config
}

/// One argument, parsed.
#[derive(Debug, Clone)]
enum Target {
    /// `path@query`: resolved by the query, downloaded as itself (never
    /// replaced), as go reports explicitly versioned arguments; `origin`:
    /// the proxy's `Origin` is shown (go shows it for the arguments it
    /// queries, not for the build list's modules).
    Query {
        path: String,
        query: String,
        origin: bool,
    },
    /// A module path the main module requires: its required version, or
    /// its replacement.
    Required { path: String },
}

/// The targets for `args` as `go mod download` reads them; with no
/// arguments, the selected versions of the paths the main go.mod requires
/// (the build list, `all`, before go 1.17). Also the go.sum keys go keeps
/// beyond the main module's requirements: those of the loaded module graph
/// when `all` is asked for (see `DownloadSet::graph_sums`).
fn targets(
    settings: &GlobalSettings,
    args: &[String],
    main: Option<&MainModule>,
    (fetcher, runtime): (&Fetcher, &tokio::runtime::Runtime),
    printer: &Printer,
) -> Result<(Vec<Target>, HashSet<ModuleVersion>)> {
    let Some(main) = main else {
        let targets = args.iter().map(|arg| parse_arg(arg, false));
        return Ok((targets.collect::<Result<_>>()?, HashSet::new()));
    };
    let graph_targets = |all: bool| -> Result<(Vec<Target>, HashSet<ModuleVersion>)> {
        let set = super::graph_load::download_set(settings, printer, all, fetcher, runtime)?;
        let targets = set
            .modules
            .into_iter()
            .map(|m| Target::Query {
                path: m.path,
                query: m.version,
                origin: false,
            })
            .collect();
        Ok((targets, set.graph_sums))
    };
    if args.is_empty() {
        return if main.mod_file.require.is_empty() {
            Ok((Vec::new(), HashSet::new()))
        } else {
            graph_targets(false)
        };
    }
    let main_path = main.path();
    let mut targets = Vec::new();
    let mut graph_sums = HashSet::new();
    for arg in args {
        if [
            main_path.to_owned(),
            format!("{main_path}@upgrade"),
            format!("{main_path}@patch"),
        ]
        .contains(arg)
        {
            printer.warn(format_args!(
                "skipping download of {arg} that resolves to the main module"
            ));
            continue;
        }
        if arg == "all" {
            let (all, sums) = graph_targets(true)?;
            targets.extend(all);
            graph_sums = sums;
            continue;
        }
        targets.push(parse_arg(arg, true)?);
    }
    Ok((targets, graph_sums))
}

/// Go's argument checks (`ParsePathVersion` and `listModules`).
fn parse_arg(arg: &str, in_module: bool) -> Result<Target> {
    if arg.contains('\\') {
        bail!("module paths never use backslash");
    }
    if arg == "." || arg == ".." || arg.starts_with("./") || arg.starts_with("../") {
        bail!("cannot use relative path {arg} to specify module");
    }
    if arg == "all" || arg.contains("...") {
        return Err(Hinted {
            message: format!("cannot match {arg:?}: gomodx download does not match `...` patterns"),
            hint: "name the modules as `path@version`, or use `all`".to_owned(),
        }
        .into());
    }
    match arg.split_once('@') {
        Some((_, query)) if query.starts_with(['-', '/']) => {
            bail!("invalid module version {query:?}")
        }
        Some((path, query)) => Ok(Target::Query {
            path: path.to_owned(),
            query: query.to_owned(),
            origin: true,
        }),
        None if in_module => Ok(Target::Required {
            path: arg.to_owned(),
        }),
        None => bail!(
            "cannot match {arg:?} without -versions or an explicit version: go.mod file not found in current \
             directory or any parent directory; see 'go help modules'"
        ),
    }
}

/// What `go mod download -json` prints for one argument.
#[derive(Debug, Default)]
struct ModuleJson {
    path: String,
    version: String,
    query: String,
    error: Option<String>,
    origin: Option<Object>,
    download: ModuleDownload,
}

impl ModuleJson {
    fn to_json(&self) -> Object {
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
}

/// Resolves and downloads every target concurrently; the objects come back
/// in argument order (targets that resolve to nothing, like a directory
/// replacement, produce none).
async fn download_all(
    fetcher: &Fetcher,
    reporter: &Arc<DownloadReporter>,
    main: Option<Arc<MainModule>>,
    targets: Vec<Target>,
) -> Vec<ModuleJson> {
    let tasks: Vec<_> = targets
        .into_iter()
        .map(|target| {
            let (fetcher, reporter, main) = (fetcher.clone(), Arc::clone(reporter), main.clone());
            tokio::spawn(async move {
                download_target(&fetcher, &reporter, main.as_deref(), target).await
            })
        })
        .collect();
    let mut objects = Vec::new();
    for task in tasks {
        match task.await {
            Ok(Some(object)) => objects.push(object),
            Ok(None) => {}
            Err(e) => objects.push(ModuleJson {
                error: Some(format!("internal error: {e}")),
                ..ModuleJson::default()
            }),
        }
    }
    objects
}

async fn download_target(
    fetcher: &Fetcher,
    reporter: &DownloadReporter,
    main: Option<&MainModule>,
    target: Target,
) -> Option<ModuleJson> {
    let (module, mut object) = match target {
        Target::Query {
            path,
            query,
            origin: show_origin,
        } => {
            let current = main
                .and_then(|m| m.required_version(&path))
                .unwrap_or_default();
            let default_rules = MainRules::default();
            let rules = (!gomodx_fetch::is_revision_query(&query))
                .then(|| main.map_or(&default_rules, |m| &m.rules));
            match fetcher.query(&path, &query, &current, rules).await {
                Err(error) => {
                    let error = Some(query_error(&path, &query, &error));
                    return Some(ModuleJson {
                        path,
                        version: query,
                        error,
                        ..ModuleJson::default()
                    });
                }
                Ok(info) => {
                    let origin = info
                        .origin
                        .as_ref()
                        .filter(|_| show_origin)
                        .map(|o| gomodx_fetch::info::origin_object(o, |_| true));
                    let query = if query == info.version {
                        String::new()
                    } else {
                        query
                    };
                    let object = ModuleJson {
                        path: path.clone(),
                        version: info.version.clone(),
                        query,
                        origin,
                        ..ModuleJson::default()
                    };
                    (ModuleVersion::new(path, info.version), object)
                }
            }
        }
        Target::Required { path } => {
            let main = main.expect("bare paths are only accepted inside a module");
            let Some(version) = main.required_version(&path) else {
                let error = Some(format!("module {path}: not a known dependency"));
                return Some(ModuleJson {
                    path,
                    error,
                    ..ModuleJson::default()
                });
            };
            let required = ModuleVersion::new(path, version);
            let module = match main.rules.replacement(&required) {
                Some(Replacement::Dir(_)) => return None,
                Some(Replacement::Module(replacement)) => replacement.clone(),
                None => required,
            };
            let object = ModuleJson {
                path: module.path.clone(),
                version: module.version.clone(),
                ..ModuleJson::default()
            };
            if let Err(error) = fetcher.stat(&module.path, &module.version).await {
                // go still reads the go.mod (for its go version) before giving up.
                let _ = fetcher.go_mod(&module).await;
                return Some(ModuleJson {
                    error: Some(error.to_string()),
                    ..object
                });
            }
            (module, object)
        }
    };
    reporter.queue(&module);
    object.download = fetcher.download(&module).await;
    object.error = object.download.error.as_ref().map(ToString::to_string);
    Some(object)
}

/// Go's `modinfoError`: errors that do not name the module get `path@query: `.
fn query_error(path: &str, query: &str, error: &Error) -> String {
    match error {
        Error::NoPatchBase { .. } => format!("{path}@{query}: {error}"),
        _ => error.to_string(),
    }
}

/// The main module: its go.mod, go.sum and replace/exclude rules.
struct MainModule {
    root: PathBuf,
    mod_file: ModFile,
    go_sum: GoSum,
    rules: MainRules,
}

impl MainModule {
    /// The module containing the working directory, if any.
    fn find(settings: &GlobalSettings) -> Result<Option<Self>> {
        let Ok(root) = settings.main_module_root() else {
            return Ok(None);
        };
        let go_mod = root.join("go.mod");
        let data =
            std::fs::read(&go_mod).with_context(|| format!("reading {}", go_mod.display()))?;
        let mod_file = gomodx_modfile::parse(&go_mod.display().to_string(), &data)?;
        let go_sum = read_go_sum(&root.join("go.sum"))?;
        let rules = MainRules::from_mod_file(&mod_file, &root);
        Ok(Some(Self {
            root,
            mod_file,
            go_sum,
            rules,
        }))
    }

    fn path(&self) -> &str {
        self.mod_file
            .module
            .as_ref()
            .map_or("", |m| m.path.as_str())
    }

    /// The version the go.mod requires for `path` (the highest, if several).
    fn required_version(&self, path: &str) -> Option<String> {
        self.mod_file
            .require
            .iter()
            .filter(|r| r.module.path == path)
            .map(|r| r.module.version.as_str())
            .reduce(|a, b| semver::max(a, b))
            .map(str::to_owned)
    }

    /// Adds the new hashes go keeps after an explicit download: those of
    /// the required modules (or their replacements), zip and go.mod alike,
    /// and the go.sum keys in `graph_sums`. Nothing is written when there is
    /// nothing to add.
    fn write_go_sum(
        &self,
        new_sums: &[(ModuleVersion, String)],
        graph_sums: &HashSet<ModuleVersion>,
        mod_cache: &Path,
    ) -> Result<()> {
        let keep: HashSet<ModuleVersion> = self
            .mod_file
            .require
            .iter()
            .filter_map(|r| match self.rules.replacement(&r.module) {
                Some(Replacement::Dir(_)) => None,
                Some(Replacement::Module(m)) => Some(m.clone()),
                None => Some(r.module.clone()),
            })
            .collect();
        let kept: Vec<_> = new_sums
            .iter()
            .filter(|(key, _)| {
                let version = key.version.strip_suffix("/go.mod").unwrap_or(&key.version);
                graph_sums.contains(key)
                    || keep.contains(&ModuleVersion::new(key.path.clone(), version))
            })
            .collect();
        if kept.is_empty() {
            return Ok(());
        }
        // go's side lock against older go commands editing go.sum.
        let side_lock = mod_cache.join("cache/lock");
        let _lock = std::fs::create_dir_all(mod_cache.join("cache"))
            .ok()
            .and_then(|()| FileLock::exclusive(&side_lock).ok());
        let path = self.root.join("go.sum");
        let mut go_sum = read_go_sum(&path)?;
        for (key, hash) in kept {
            go_sum.insert(key.clone(), hash);
        }
        gomodx_fs::write_atomic(&path, &go_sum.to_bytes())
            .with_context(|| format!("updating {}", path.display()))?;
        Ok(())
    }
}

/// go.sum as it is on disk now (empty if there is none).
fn read_go_sum(path: &Path) -> Result<GoSum> {
    match std::fs::read(path) {
        Ok(data) => Ok(GoSum::parse(&path.display().to_string(), &data)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(GoSum::new()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}
