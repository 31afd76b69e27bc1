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
use super::list_template::{Fields, ListTemplate};
use crate::ExitStatus;
use crate::cli::ListArgs;
use crate::printer::{Hinted, Printer};
use crate::settings::GlobalSettings;

/// Lists the modules matching `args.patterns`.
pub fn run(settings: &GlobalSettings, args: &ListArgs, printer: &Printer) -> Result<ExitStatus> {
    if !args.modules {
        bail!("gomodx list lists modules only: pass -m");
    }
    // An empty -f is go's default format.
    let format = args.format.as_deref().filter(|f| !f.is_empty());
    if format.is_some() && args.json {
        bail!("go list -f cannot be used with -json");
    }
    if args.reuse.is_some() {
        // go refuses it inside a module, and gomodx lists only inside one.
        bail!("go list -reuse cannot be used inside a module");
    }
    // go parses the template before loading anything.
    let template = format
        .map(ListTemplate::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
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
        versions: args.versions,
        retracted_versions: args.versions && args.retracted,
        details: args.json || template.is_some(),
    };
    let requests = requests(&loaded, &args.patterns, mode, printer);
    // Polled together on this thread: the warm case does no waiting, and
    // queries that do wait still overlap.
    let infos = runtime.block_on(futures::future::join_all(
        requests
            .into_iter()
            .map(|request| request.info(&loaded, mode)),
    ));
    // As go without -e: errors go to stderr and make the exit status 1.
    let mut failed = false;
    for error in infos.iter().filter_map(|info| info.error.as_ref()) {
        printer.error(error);
        failed = true;
    }
    if failed {
        // go (without -e) reports the errors and lists nothing.
        return Ok(ExitStatus::Failure);
    }
    let mut out = Vec::new();
    for info in &infos {
        if let Some(template) = &template {
            if let Err(err) = template.render(&info.fields(), &mut out) {
                // go flushes what it has written, then fails.
                printer.data_block(&String::from_utf8_lossy(&out));
                bail!(err);
            }
            continue;
        }
        let text = if args.json {
            info.to_json().to_indented()
        } else if args.versions {
            info.versions_line()
        } else {
            info.line()
        };
        out.extend_from_slice(text.as_bytes());
        out.push(b'\n');
    }
    // One write, as go buffers its output.
    printer.data_block(&String::from_utf8_lossy(&out));
    Ok(ExitStatus::Success)
}

/// `settings` with `-mod=MODE` (else GOFLAGS' `-mod`) checked as go checks
/// it for `go list`. Vendor mode lists vendor/modules.txt, which gomodx
/// does not read: it is refused rather than ignored.
pub fn apply_mod_mode(settings: &mut GlobalSettings, flag: Option<&str>) -> Result<()> {
    let mode = flag.or(settings.go_flags.mod_mode.as_deref()).unwrap_or("");
    match mode {
        "" | "readonly" | "mod" => {}
        "vendor" => bail!(Hinted {
            message: format!(
                "-mod=vendor is not supported: gomodx lists the module graph, not vendor/modules.txt{}",
                if flag.is_none() {
                    " (-mod=vendor is set in GOFLAGS)"
                } else {
                    ""
                }
            ),
            hint: "use `go list -m -mod=vendor`, or pass -mod=readonly to list the module graph"
                .to_owned(),
        }),
        other => bail!("-mod={other} not supported (can be '', 'mod', 'readonly', or 'vendor')"),
    }
    if let Some(flag) = flag {
        settings.go_flags.mod_mode = Some(flag.to_owned());
    }
    Ok(())
}

/// What to add to each module (`-u`, `-retracted`).
#[derive(Debug, Clone, Copy)]
struct Mode {
    update: bool,
    retracted: bool,
    /// `-versions`: add the version list.
    versions: bool,
    /// `-versions -retracted`: retracted versions stay in the list.
    retracted_versions: bool,
    /// The fields only JSON shows (Dir, GoMod, GoVersion, sums).
    details: bool,
}

/// One module to describe.
enum Request {
    /// A module of the build list (in the graph: replaced, indirect, …).
    Listed(ModuleVersion),
    /// `path@query`, resolved outside the graph.
    Query { path: String, query: String },
    /// A path that is not in the build list.
    Unknown(String),
    /// A path that is not in the build list, listed for its versions.
    Versions(String),
}

/// The requests for `patterns` in go's order, without duplicates from
/// patterns; no patterns means the main module.
fn requests(loaded: &Loaded, patterns: &[String], mode: Mode, printer: &Printer) -> Vec<Request> {
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
                // go lists a module outside the graph when asked for its versions.
                None if mode.versions => out.push(Request::Versions(arg.clone())),
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
    versions: Vec<String>,
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
        if !self.versions.is_empty() {
            o.push("Versions", strings(&self.versions));
        }
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
            o.push("Retracted", strings(&self.retracted));
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

    /// The template's view of this module.
    fn fields(&self) -> Fields {
        let boxed = |m: &Option<Box<ModuleInfo>>| m.as_ref().map(|m| Box::new(m.fields()));
        Fields {
            path: self.path.clone(),
            version: self.version.clone(),
            query: self.query.clone(),
            versions: self.versions.clone(),
            replace: boxed(&self.replace),
            time: self.time.clone(),
            update: boxed(&self.update),
            main: self.main,
            indirect: self.indirect,
            dir: self.dir.clone(),
            go_mod: self.go_mod.clone(),
            go_version: self.go_version.clone(),
            retracted: self.retracted.clone(),
            deprecated: self.deprecated.clone(),
            error: self.error.clone(),
            sum: self.sum.clone(),
            go_mod_sum: self.go_mod_sum.clone(),
            string: self.line(),
        }
    }

    /// go's `-versions` line: the path, the versions, `(deprecated)`.
    fn versions_line(&self) -> String {
        let mut s = self.path.clone();
        for version in &self.versions {
            s.push(' ');
            s += version;
        }
        if !self.deprecated.is_empty() {
            s += " (deprecated)";
        }
        s
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

/// A JSON array of strings.
fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| Value::String(s.clone())).collect())
}

impl Request {
    async fn info(self, loaded: &Loaded, mode: Mode) -> ModuleInfo {
        let mut info = self.describe(loaded, mode).await;
        if mode.versions {
            Box::pin(add_versions(loaded, &mut info, mode)).await;
            if let Some(replace) = info.replace.as_mut().filter(|r| !r.version.is_empty()) {
                Box::pin(add_versions(loaded, replace, mode)).await;
            }
        }
        info
    }

    async fn describe(self, loaded: &Loaded, mode: Mode) -> ModuleInfo {
        match self {
            Self::Versions(path) => ModuleInfo {
                path,
                ..ModuleInfo::default()
            },
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
            if mode.update {
                Box::pin(add_update(loaded, &mut info)).await;
            }
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
        Box::pin(add_details(loaded, info, &m)).await;
    }
}

/// The files and hashes of `m` that JSON shows.
async fn add_details(loaded: &Loaded, info: &mut ModuleInfo, m: &ModuleVersion) {
    let cache = &loaded.mod_cache;
    match loaded.fetcher.go_mod(m).await {
        Ok(go_mod) => {
            info.go_version = go_line("go.mod", &go_mod.data).unwrap_or_default();
            // The fetcher has exported it there.
            info.go_mod = go_mod.path.display().to_string();
        }
        Err(_) => {
            if let Ok(file) = cache.file(m, CacheFile::Mod)
                && file.is_file()
            {
                info.go_mod = file.display().to_string();
            }
        }
    }
    let go_mod_key = ModuleVersion::new(m.path.clone(), format!("{}/go.mod", m.version));
    info.go_mod_sum = recorded(loaded, &go_mod_key);
    if let Ok(Some(dir)) = cache.complete_dir(m) {
        info.dir = dir.display().to_string();
    }
    info.sum = recorded(loaded, m);
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

/// Go's `addVersions`: the proxy's list without excluded and (unless
/// `-retracted`) retracted versions.
async fn add_versions(loaded: &Loaded, info: &mut ModuleInfo, mode: Mode) {
    let versions = match loaded.fetcher.versions(&info.path).await {
        Ok(versions) => versions,
        Err(err) => {
            if info.error.is_none() {
                info.error = Some(err.to_string());
            }
            return;
        }
    };
    let retract = if mode.retracted_versions {
        Vec::new()
    } else {
        latest_go_mod(loaded, &info.path)
            .await
            .map(|latest| latest.retract)
            .unwrap_or_default()
    };
    info.versions = versions
        .iter()
        .filter(|v| {
            let m = ModuleVersion::new(info.path.clone(), (*v).clone());
            !loaded.rules.is_excluded(&m) && check_retractions(&m, &retract).is_ok()
        })
        .cloned()
        .collect();
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
