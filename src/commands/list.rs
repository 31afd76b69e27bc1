//! `gomodx list -m`: `go list -m [-json] [-u] [-retracted]` over the module
//! graph, with go's text and JSON output.

use anyhow::{Result, bail};
use gomodx_fetch::gojson::{Object, Value};
use gomodx_fetch::{MainRules, clean_join, is_revision_query};
use gomodx_modcache::CacheFile;
use gomodx_module::{ModuleVersion, gover, is_toolchain_path};
use gomodx_resolver::LoadOptions;
use gomodx_resolver::filter::{Disallowed, check_retractions};

use super::graph_load::Loaded;
use crate::ExitStatus;
use crate::cli::ListArgs;
use crate::printer::Printer;
use crate::settings::GlobalSettings;

/// Lists the modules matching `args.patterns`.
pub fn run(settings: &GlobalSettings, args: &ListArgs, printer: &Printer) -> Result<ExitStatus> {
    if !args.modules {
        bail!("gomodx list lists modules only: pass -m");
    }
    for arg in &args.patterns {
        if arg.contains('\\') {
            bail!("module paths never use backslash");
        }
        if arg == "." || arg == ".." || arg.starts_with("./") || arg.starts_with("../") {
            bail!("cannot use relative path {arg} to specify module");
        }
    }
    let runtime = super::async_runtime()?;
    let loaded = Loaded::load_in(
        settings,
        &LoadOptions::default(),
        super::graph_load::Mode::ReadOnly,
        &runtime,
        printer,
    )?;
    let mode = Mode {
        update: args.update,
        retracted: args.retracted || args.update,
        details: args.json,
        must_have_sums: settings
            .go_flags
            .mod_mode
            .as_deref()
            .is_none_or(|m| m == "readonly"),
    };
    let requests = requests(&loaded, &args.patterns, printer);
    // Polled together on this thread: the warm case does no waiting, and
    // queries that do wait still overlap.
    let infos = runtime.block_on(futures::future::join_all(
        requests
            .into_iter()
            .map(|request| request.info(&loaded, mode)),
    ));
    // As go without -e: errors go to stderr and make the exit status 1;
    // JSON objects are printed with their Error all the same.
    let mut failed = false;
    let mut out = String::new();
    for info in &infos {
        if let Some(error) = &info.error {
            printer.error(error);
            failed = true;
        }
        if args.json {
            out += &info.to_json().to_indented();
            out.push('\n');
        } else if info.error.is_none() {
            out += &info.line();
            out.push('\n');
        }
    }
    // One write, as go buffers its output.
    printer.data_block(&out);
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// What to add to each module (`-u`, `-retracted`).
#[derive(Debug, Clone, Copy)]
struct Mode {
    update: bool,
    retracted: bool,
    /// The fields only JSON shows (Dir, GoMod, GoVersion, sums).
    details: bool,
    /// Go's `mustHaveSums` (`-mod=readonly`, the default): a module's
    /// go.mod and directory are shown only when go.sum records their hash.
    must_have_sums: bool,
}

/// One module to describe.
enum Request {
    /// A module of the build list (in the graph: replaced, indirect, …).
    Listed(ModuleVersion),
    /// `path@query`, resolved outside the graph.
    Query { path: String, query: String },
    /// A path that is not in the build list.
    Unknown(String),
}

/// The requests for `patterns` in go's order, without duplicates from
/// patterns; no patterns means the main module.
fn requests(loaded: &Loaded, patterns: &[String], printer: &Printer) -> Vec<Request> {
    let build_list = loaded.graph.build_list();
    if patterns.is_empty() {
        return vec![Request::Listed(loaded.graph.main_module().clone())];
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for arg in patterns {
        if let Some((path, query)) = arg.split_once('@') {
            out.push(Request::Query {
                path: path.to_owned(),
                query: query.to_owned(),
            });
            continue;
        }
        if arg != "all" && !arg.contains("...") {
            match loaded.graph.selected(arg) {
                Some(version) => out.push(Request::Listed(ModuleVersion::new(arg, version))),
                None => out.push(Request::Unknown(arg.clone())),
            }
            continue;
        }
        let matches: Vec<&ModuleVersion> = build_list
            .iter()
            .filter(|m| !is_toolchain_path(&m.path) && (arg == "all" || matches(arg, &m.path)))
            .collect();
        if matches.is_empty() {
            printer.warn(format_args!(
                "pattern {arg:?} matched no module dependencies"
            ));
        }
        for m in matches {
            if seen.insert(m.clone()) {
                out.push(Request::Listed(m.clone()));
            }
        }
    }
    out
}

/// Go's `pkgpattern.MatchPattern`: `...` matches any string, and `x/...`
/// also matches `x`.
pub(super) fn matches(pattern: &str, path: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix("/...")
        && path == prefix
    {
        return true;
    }
    let parts: Vec<&str> = pattern.split("...").collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !path.starts_with(first) || path.len() < first.len() + last.len() || !path.ends_with(last) {
        return false;
    }
    let mut rest = &path[first.len()..path.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Go's `modinfo.ModulePublic`, the fields gomodx fills in.
#[derive(Debug, Default, Clone)]
struct ModuleInfo {
    path: String,
    version: String,
    query: String,
    replace: Option<Box<ModuleInfo>>,
    time: String,
    update: Option<Box<ModuleInfo>>,
    main: bool,
    indirect: bool,
    dir: String,
    go_mod: String,
    go_version: String,
    retracted: Vec<String>,
    deprecated: String,
    error: Option<String>,
    sum: String,
    go_mod_sum: String,
}

impl ModuleInfo {
    /// The JSON object, fields in go's order.
    fn to_json(&self) -> Object {
        let mut o = Object::new();
        o.push_nonempty("Path", &self.path);
        o.push_nonempty("Version", &self.version);
        o.push_nonempty("Query", &self.query);
        if let Some(replace) = &self.replace {
            o.push("Replace", Value::Object(replace.to_json()));
        }
        o.push_nonempty("Time", &self.time);
        if let Some(update) = &self.update {
            o.push("Update", Value::Object(update.to_json()));
        }
        if self.main {
            o.push("Main", Value::Bool(true));
        }
        if self.indirect {
            o.push("Indirect", Value::Bool(true));
        }
        o.push_nonempty("Dir", &self.dir);
        o.push_nonempty("GoMod", &self.go_mod);
        o.push_nonempty("GoVersion", &self.go_version);
        if !self.retracted.is_empty() {
            o.push(
                "Retracted",
                Value::Array(
                    self.retracted
                        .iter()
                        .map(|r| Value::String(r.clone()))
                        .collect(),
                ),
            );
        }
        o.push_nonempty("Deprecated", &self.deprecated);
        if let Some(error) = &self.error {
            let mut e = Object::new();
            e.push("Err", Value::String(error.clone()));
            o.push("Error", Value::Object(e));
        }
        o.push_nonempty("Sum", &self.sum);
        o.push_nonempty("GoModSum", &self.go_mod_sum);
        o
    }

    /// Go's `ModulePublic.String`: the text line.
    fn line(&self) -> String {
        let version = |m: &ModuleInfo| {
            if m.retracted.is_empty() {
                m.version.clone()
            } else {
                format!("{} (retracted)", m.version)
            }
        };
        let mut s = self.path.clone();
        if !self.version.is_empty() {
            s += &format!(" {}", version(self));
            if let Some(update) = &self.update {
                s += &format!(" [{}]", version(update));
            }
        }
        if !self.deprecated.is_empty() {
            s += " (deprecated)";
        }
        if let Some(replace) = &self.replace {
            s += &format!(" => {}", replace.path);
            if !replace.version.is_empty() {
                s += &format!(" {}", version(replace));
                if let Some(update) = &replace.update {
                    s += &format!(" [{}]", version(update));
                }
            }
            if !replace.deprecated.is_empty() {
                s += " (deprecated)";
            }
        }
        s
    }
}

impl Request {
    async fn info(self, loaded: &Loaded, mode: Mode) -> ModuleInfo {
        match self {
            Self::Unknown(path) => ModuleInfo {
                error: Some(format!("module {path}: not a known dependency")),
                path,
                ..ModuleInfo::default()
            },
            Self::Query { path, query } => Box::pin(query_info(loaded, path, query, mode)).await,
            Self::Listed(m) if m.version.is_empty() => ModuleInfo {
                path: m.path,
                main: true,
                dir: loaded.root.display().to_string(),
                go_mod: loaded.root.join("go.mod").display().to_string(),
                go_version: loaded.graph.main_go_version().to_owned(),
                ..ModuleInfo::default()
            },
            Self::Listed(m) => listed_info(loaded, m, mode).await,
        }
    }
}

/// `path@query`: the version it resolves to, described without the graph
/// (no replacement, not indirect).
async fn query_info(loaded: &Loaded, path: String, query: String, mode: Mode) -> ModuleInfo {
    if query.starts_with(['-', '/']) {
        return ModuleInfo {
            error: Some(format!("invalid module version {query:?}")),
            path,
            version: query,
            ..ModuleInfo::default()
        };
    }
    let current = loaded.graph.selected(&path).unwrap_or_default().to_owned();
    let rules = (!is_revision_query(&query) && !mode.retracted).then_some(&loaded.rules);
    match loaded.fetcher.query(&path, &query, &current, rules).await {
        Err(err) => ModuleInfo {
            error: Some(module_error(&path, &query, &err.to_string())),
            path,
            version: query,
            ..ModuleInfo::default()
        },
        Ok(found) => {
            let mut info = ModuleInfo {
                path,
                version: found.version,
                ..ModuleInfo::default()
            };
            complete(loaded, &mut info, mode).await;
            if info.version != query {
                info.query = query;
            }
            info
        }
    }
}

/// Go's `modinfoError`: prefix `path@query: ` unless the error names the module.
fn module_error(path: &str, query: &str, text: &str) -> String {
    if text.starts_with(&format!("{path}@")) || text.starts_with(&format!("module {path}:")) {
        text.to_owned()
    } else {
        format!("{path}@{query}: {text}")
    }
}

/// A build-list module: its replacement's details stand in for its own.
async fn listed_info(loaded: &Loaded, m: ModuleVersion, mode: Mode) -> ModuleInfo {
    let mut info = ModuleInfo {
        path: m.path.clone(),
        version: m.version.clone(),
        indirect: !loaded.is_direct(&m.path),
        ..ModuleInfo::default()
    };
    let Some(replacement) = loaded.graph.replacement(&m).cloned() else {
        complete(loaded, &mut info, mode).await;
        if mode.update {
            Box::pin(add_update(loaded, &mut info)).await;
        }
        return info;
    };
    let mut replace = ModuleInfo {
        path: replacement.path.clone(),
        version: replacement.version.clone(),
        ..ModuleInfo::default()
    };
    if replacement.version.is_empty() {
        let dir = clean_join(&loaded.root, &replacement.path);
        replace.go_mod = dir.join("go.mod").display().to_string();
        replace.dir = dir.display().to_string();
        replace.go_version = std::fs::read(dir.join("go.mod"))
            .ok()
            .and_then(|data| go_line(&replace.go_mod, &data))
            .unwrap_or_default();
    } else {
        complete(loaded, &mut replace, mode).await;
        if mode.update {
            Box::pin(add_update(loaded, &mut replace)).await;
        }
    }
    info.dir.clone_from(&replace.dir);
    info.go_mod.clone_from(&replace.go_mod);
    info.retracted.clone_from(&replace.retracted);
    info.go_version.clone_from(&replace.go_version);
    if mode.update {
        Box::pin(add_update(loaded, &mut info)).await;
    }
    info.replace = Some(Box::new(replace));
    info
}

/// Go's `completeFromModCache`: time, go version, cached files, go.sum
/// hashes, and (with `-retracted`) retraction and deprecation.
async fn complete(loaded: &Loaded, info: &mut ModuleInfo, mode: Mode) {
    if is_toolchain_path(&info.path) {
        return;
    }
    let m = ModuleVersion::new(info.path.clone(), info.version.clone());
    // The slow paths are boxed: this future, one per listed module, stays
    // small in the common (warm) case.
    let found = match loaded.fetcher.info_now(&m) {
        Some(found) => found,
        None => Box::pin(loaded.fetcher.info(&m)).await,
    };
    match found {
        Ok(file) => {
            info.version = file.info.version;
            info.time = file.info.time.unwrap_or_default();
        }
        Err(err) => info.error = Some(err.to_string()),
    }
    if mode.retracted {
        Box::pin(add_retraction(loaded, info)).await;
    }
    if mode.update {
        Box::pin(add_deprecation(loaded, info)).await;
    }
    if mode.details {
        Box::pin(add_details(loaded, info, &m, mode.must_have_sums)).await;
    }
}

/// The files and hashes of `m` that JSON shows. With `must_have_sums`, as
/// go's `checksumOk`: the go.mod file, its go version and hash only when
/// go.sum records the go.mod's hash (the go version also when the graph
/// read that go.mod), the directory and zip hash only when it records the
/// zip's.
async fn add_details(
    loaded: &Loaded,
    info: &mut ModuleInfo,
    m: &ModuleVersion,
    must_have_sums: bool,
) {
    let cache = &loaded.mod_cache;
    let go_mod_key = ModuleVersion::new(m.path.clone(), format!("{}/go.mod", m.version));
    let have_sum = |key: &ModuleVersion| {
        !must_have_sums
            || loaded
                .go_sum
                .hashes(key)
                .iter()
                .any(|h| h.starts_with("h1:"))
    };
    let go_mod_ok = have_sum(&go_mod_key);
    if go_mod_ok || loaded.graph.required_by(m).is_some() {
        if let Ok(go_mod) = loaded.fetcher.go_mod(m).await {
            info.go_version = go_line("go.mod", &go_mod.data).unwrap_or_default();
        }
    }
    if go_mod_ok {
        // The fetcher has exported it there when it could read it.
        if let Ok(file) = cache.file(m, CacheFile::Mod)
            && file.is_file()
        {
            info.go_mod = file.display().to_string();
        }
        info.go_mod_sum = recorded(loaded, &go_mod_key);
    }
    if have_sum(m) {
        if let Ok(Some(dir)) = cache.complete_dir(m) {
            info.dir = dir.display().to_string();
        }
        info.sum = recorded(loaded, m);
    }
}

/// The one `h1:` hash go.sum records for `key`, or `""`.
fn recorded(loaded: &Loaded, key: &ModuleVersion) -> String {
    let hashes: Vec<&String> = loaded
        .go_sum
        .hashes(key)
        .iter()
        .filter(|h| h.starts_with("h1:"))
        .collect();
    match hashes.as_slice() {
        [one] => (*one).clone(),
        _ => String::new(),
    }
}

/// The go.mod of the latest version of `path` (ignoring retractions), as
/// go reads retractions and deprecations from it.
async fn latest_go_mod(loaded: &Loaded, path: &str) -> Option<gomodx_modfile::ModFile> {
    let latest = loaded.fetcher.query(path, "latest", "", None).await.ok()?;
    let m = ModuleVersion::new(path, latest.version);
    let data = loaded.fetcher.go_mod(&m).await.ok()?;
    gomodx_modfile::parse_lax("go.mod", &data.data).ok()
}

/// Go's `addRetraction`.
async fn add_retraction(loaded: &Loaded, info: &mut ModuleInfo) {
    if info.version.is_empty() {
        return;
    }
    let Some(latest) = latest_go_mod(loaded, &info.path).await else {
        return;
    };
    let m = ModuleVersion::new(info.path.clone(), info.version.clone());
    if let Err(err) = check_retractions(&m, &latest.retract)
        && let Disallowed::Retracted(rationale) = err.reason
    {
        info.retracted = if rationale.is_empty() {
            vec!["retracted by module author".to_owned()]
        } else {
            rationale
        };
    }
}

/// Go's `addDeprecation`.
async fn add_deprecation(loaded: &Loaded, info: &mut ModuleInfo) {
    if let Some(latest) = latest_go_mod(loaded, &info.path).await {
        info.deprecated = latest.module.map(|m| m.deprecated).unwrap_or_default();
    }
}

/// Go's `addUpdate`: the `upgrade` query's answer when it is newer.
async fn add_update(loaded: &Loaded, info: &mut ModuleInfo) {
    if info.version.is_empty() {
        return;
    }
    let rules: &MainRules = &loaded.rules;
    let Ok(found) = loaded
        .fetcher
        .query(&info.path, "upgrade", &info.version, Some(rules))
        .await
    else {
        return;
    };
    if gover::mod_compare(&info.path, &found.version, &info.version).is_gt() {
        info.update = Some(Box::new(ModuleInfo {
            path: info.path.clone(),
            version: found.version,
            time: found.time.unwrap_or_default(),
            ..ModuleInfo::default()
        }));
    }
}

/// The go line of a go.mod, read laxly.
fn go_line(name: &str, data: &[u8]) -> Option<String> {
    let file = gomodx_modfile::parse_lax(name, data).ok()?;
    file.go.map(|go| go.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_go() {
        assert!(matches("rsc.io/...", "rsc.io/quote"));
        assert!(matches("rsc.io/...", "rsc.io"));
        assert!(matches("...quote...", "rsc.io/quote/v3"));
        assert!(!matches("rsc.io/...", "golang.org/x/text"));
        assert!(matches("a/.../b", "a/x/y/b"));
        assert!(!matches("a/.../b", "a/x/y/c"));
    }

    #[test]
    fn text_lines_show_updates_retractions_and_replacements() {
        let info = ModuleInfo {
            path: "a.com/a".into(),
            version: "v1.0.0".into(),
            retracted: vec!["bad".into()],
            update: Some(Box::new(ModuleInfo {
                version: "v1.1.0".into(),
                ..ModuleInfo::default()
            })),
            replace: Some(Box::new(ModuleInfo {
                path: "../a".into(),
                ..ModuleInfo::default()
            })),
            ..ModuleInfo::default()
        };
        assert_eq!(info.line(), "a.com/a v1.0.0 (retracted) [v1.1.0] => ../a");
        let json = info.to_json().to_compact();
        assert!(json.starts_with(
            r#"{"Path":"a.com/a","Version":"v1.0.0","Replace":{"Path":"../a"},"Update":{"#
        ));
        assert!(json.contains(r#""Retracted":["bad"]"#));
    }

    #[test]
    fn module_errors_name_the_module_once() {
        assert_eq!(module_error("a", "v1", "a@v1: gone"), "a@v1: gone");
        assert_eq!(module_error("a", "v1", "gone"), "a@v1: gone");
    }
}
