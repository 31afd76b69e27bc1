//! `go list -m` assembled (cmd/go's `listModules`, `moduleInfo`,
//! `completeFromModCache`, `addUpdate`, `addRetraction`,
//! `addDeprecation`): which modules the patterns name and what go reports
//! about each; the caller prints them.

use gomodx_fetch::gojson::{Object, Value};
use gomodx_fetch::{MainRules, clean_join, is_revision_query};
use gomodx_modcache::CacheFile;
use gomodx_module::{ModuleVersion, gover, is_toolchain_path};
use gomodx_resolver::filter::{Disallowed, check_retractions};

use crate::Loaded;
use crate::download::origin_json;

/// Lists the modules `patterns` name (the main modules without
/// patterns), each described as `mode` asks, in go's order; the warnings
/// are go's for patterns that match nothing.
pub async fn list(
    loaded: &Loaded,
    patterns: &[String],
    mode: ListMode,
) -> (Vec<ModuleInfo>, Vec<String>) {
    let (requests, warnings) = requests(loaded, patterns, mode);
    read_stored_infos(loaded, &requests);
    // Polled together on the caller's thread: the warm case does no
    // waiting, and queries that do wait still overlap.
    let infos = futures::future::join_all(
        requests
            .into_iter()
            .map(|request| request.info(loaded, mode)),
    )
    .await;
    (infos, warnings)
}

/// Reads the stored `.info` of every module of the build list that is
/// listed (its replacement's when replaced by a module version) on all
/// CPUs, so that completing each one finds it ready: go reads them one by
/// one. Fewer than a few hundred are left to the ordinary path.
fn read_stored_infos(loaded: &Loaded, requests: &[Request]) {
    use rayon::prelude::*;
    let modules: Vec<&ModuleVersion> = requests
        .iter()
        .filter_map(|request| match request {
            Request::Listed(m) => Some(
                loaded
                    .graph
                    .replacement(m)
                    .filter(|r| !r.version.is_empty())
                    .unwrap_or(m),
            ),
            _ => None,
        })
        .filter(|m| !is_toolchain_path(&m.path))
        .collect();
    if modules.len() >= 256 {
        modules.par_iter().with_min_len(64).for_each(|m| {
            let _ = loaded.fetcher.info_now(m);
        });
    }
}

/// Go's checks of `list -m` arguments, before anything is loaded.
pub fn check_patterns(patterns: &[String]) -> Result<(), crate::Error> {
    for arg in patterns {
        if arg.contains('\\') {
            return Err(crate::Error::Go(
                "module paths never use backslash".to_owned(),
            ));
        }
        if arg == "." || arg == ".." || arg.starts_with("./") || arg.starts_with("../") {
            return Err(crate::Error::Go(format!(
                "cannot use relative path {arg} to specify module"
            )));
        }
    }
    Ok(())
}

/// What to add to each module (`-u`, `-retracted`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ListMode {
    /// `-u`: updates and deprecations.
    pub update: bool,
    /// `-retracted` (implied by `-u`): retractions.
    pub retracted: bool,
    /// `-versions`: add the version list.
    pub versions: bool,
    /// `-versions -retracted`: retracted versions stay in the list.
    pub retracted_versions: bool,
    /// Go's `mustHaveSums` (`-mod=readonly`, the default): a module's
    /// go.mod and directory are shown only when go.sum records their hash.
    pub must_have_sums: bool,
    /// The fields only JSON shows (Dir, GoMod, GoVersion, sums).
    pub details: bool,
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
/// patterns; no patterns means the main modules. Also the warnings for
/// patterns that match nothing.
fn requests(loaded: &Loaded, patterns: &[String], mode: ListMode) -> (Vec<Request>, Vec<String>) {
    let build_list = loaded.graph.build_list();
    if patterns.is_empty() {
        let mains = loaded.graph.main_modules();
        return (
            mains.into_iter().cloned().map(Request::Listed).collect(),
            Vec::new(),
        );
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut warnings = Vec::new();
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
            warnings.push(format!("pattern {arg:?} matched no module dependencies"));
        }
        for m in matches {
            if seen.insert(m.clone()) {
                out.push(Request::Listed(m.clone()));
            }
        }
    }
    (out, warnings)
}

/// Go's `pkgpattern.MatchPattern`: `...` matches any string, and `x/...`
/// also matches `x`.
pub fn matches(pattern: &str, path: &str) -> bool {
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
pub struct ModuleInfo {
    /// Module path.
    pub path: String,
    /// Module version.
    pub version: String,
    /// The version query, when it differs from the version.
    pub query: String,
    /// The available versions (`-versions`).
    pub versions: Vec<String>,
    /// What replaces this module.
    pub replace: Option<Box<ModuleInfo>>,
    /// When the version was created.
    pub time: String,
    /// The available update (`-u`).
    pub update: Option<Box<ModuleInfo>>,
    /// Whether this is a main module.
    pub main: bool,
    /// Whether only indirectly needed by the main modules.
    pub indirect: bool,
    /// The directory holding its files, if any.
    pub dir: String,
    /// The go.mod describing it, if any.
    pub go_mod: String,
    /// Its go version.
    pub go_version: String,
    /// Retraction rationales (`-retracted`).
    pub retracted: Vec<String>,
    /// Its deprecation message (`-u`).
    pub deprecated: String,
    /// The error loading it.
    pub error: Option<String>,
    /// Its zip's go.sum hash.
    pub sum: String,
    /// Its go.mod's go.sum hash.
    pub go_mod_sum: String,
    /// Where a queried version came from (go prints it for `path@query`).
    pub origin: Option<Object>,
}

/// Go's `ModulePublic.String`: the text line of `list -m`.
impl std::fmt::Display for ModuleInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let version = |m: &ModuleInfo| {
            if m.retracted.is_empty() {
                m.version.clone()
            } else {
                format!("{} (retracted)", m.version)
            }
        };
        f.write_str(&self.path)?;
        if !self.version.is_empty() {
            write!(f, " {}", version(self))?;
            if let Some(update) = &self.update {
                write!(f, " [{}]", version(update))?;
            }
        }
        if !self.deprecated.is_empty() {
            f.write_str(" (deprecated)")?;
        }
        if let Some(replace) = &self.replace {
            write!(f, " => {}", replace.path)?;
            if !replace.version.is_empty() {
                write!(f, " {}", version(replace))?;
                if let Some(update) = &replace.update {
                    write!(f, " [{}]", version(update))?;
                }
            }
            if !replace.deprecated.is_empty() {
                f.write_str(" (deprecated)")?;
            }
        }
        Ok(())
    }
}

impl Request {
    async fn info(self, loaded: &Loaded, mode: ListMode) -> ModuleInfo {
        let mut info = self.describe(loaded, mode).await;
        if mode.versions {
            Box::pin(add_versions(loaded, &mut info, mode)).await;
            if let Some(replace) = info.replace.as_mut().filter(|r| !r.version.is_empty()) {
                Box::pin(add_versions(loaded, replace, mode)).await;
            }
        }
        info
    }

    async fn describe(self, loaded: &Loaded, mode: ListMode) -> ModuleInfo {
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
            Self::Listed(m) if m.version.is_empty() => main_info(loaded, m.path),
            Self::Listed(m) => listed_info(loaded, m, mode).await,
        }
    }
}

/// A main module: its directory and go.mod.
fn main_info(loaded: &Loaded, path: String) -> ModuleInfo {
    let module = loaded
        .modules
        .iter()
        .find(|m| m.mod_file.module_path() == path)
        .unwrap_or(&loaded.modules[0]);
    let go_version = match &loaded.work {
        Some(_) => module
            .mod_file
            .go_version()
            .unwrap_or(gomodx_resolver::graph::DEFAULT_GO_VERSION)
            .to_owned(),
        None => loaded.graph.main_go_version().to_owned(),
    };
    ModuleInfo {
        path,
        main: true,
        dir: module.root.display().to_string(),
        go_mod: module.root.join("go.mod").display().to_string(),
        go_version,
        ..ModuleInfo::default()
    }
}

/// `path@query`: the version it resolves to, described without the graph
/// (no replacement, not indirect).
async fn query_info(loaded: &Loaded, path: String, query: String, mode: ListMode) -> ModuleInfo {
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
            origin: origin_json(err.origin()),
            path,
            version: query,
            ..ModuleInfo::default()
        },
        Ok(found) => {
            let mut info = ModuleInfo {
                path,
                version: found.version,
                origin: origin_json(found.origin.as_ref()),
                ..ModuleInfo::default()
            };
            // go checks go.sum only for modules of the build list
            // (`checksumOk` without a requirement graph).
            let query_mode = ListMode {
                must_have_sums: false,
                ..mode
            };
            complete(loaded, &mut info, query_mode).await;
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
async fn listed_info(loaded: &Loaded, m: ModuleVersion, mode: ListMode) -> ModuleInfo {
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
    // go's `rawGoVersion` is keyed by the module version whose go.mod was
    // read: when loading the graph read `m`'s own go.mod (as another
    // version's replacement), its go line stands for the replacement's.
    if mode.details
        && read_by_graph(loaded, &m)
        && let Ok(file) = loaded.fetcher.go_mod(&m).await
        && let Some(go) = go_line("go.mod", &file.data)
    {
        replace.go_version = go;
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

/// Whether loading the graph read the go.mod of `m`: some node whose
/// requirements it holds is `m` or is replaced by `m`.
fn read_by_graph(loaded: &Loaded, m: &ModuleVersion) -> bool {
    let graph = &loaded.graph;
    let mut read = false;
    graph.graph().walk_breadth_first(|node| {
        read |= graph.required_by(node).is_some() && graph.replacement(node).unwrap_or(node) == m;
    });
    read
}

/// Go's `completeFromModCache`: time, go version, cached files, go.sum
/// hashes, and (with `-retracted`) retraction and deprecation.
async fn complete(loaded: &Loaded, info: &mut ModuleInfo, mode: ListMode) {
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
        Err(err) => info.error = Some(err.list_text()),
    }
    if mode.retracted {
        Box::pin(add_retraction(loaded, info)).await;
    }
    if mode.update {
        Box::pin(add_deprecation(loaded, info)).await;
    }
    if mode.details {
        Box::pin(add_details(loaded, info, &m, mode)).await;
    }
}

/// The files and hashes of `m` that JSON shows. With `must_have_sums`, as
/// go's `checksumOk`: the go.mod file, its go version and hash only when
/// go.sum records the go.mod's hash (the go version also when the graph
/// read that go.mod), the directory and zip hash only when it records the
/// zip's.
async fn add_details(loaded: &Loaded, info: &mut ModuleInfo, m: &ModuleVersion, mode: ListMode) {
    let cache = &loaded.mod_cache;
    let go_mod_key = ModuleVersion::new(m.path.clone(), format!("{}/go.mod", m.version));
    let have_sum = |key: &ModuleVersion| {
        !mode.must_have_sums
            || loaded
                .go_sum
                .hashes(key)
                .iter()
                .any(|h| h.starts_with("h1:"))
    };
    let go_mod_ok = have_sum(&go_mod_key);
    if (go_mod_ok || loaded.graph.required_by(m).is_some())
        && let Ok(go_mod) = loaded.fetcher.go_mod(m).await
    {
        info.go_version = go_line("go.mod", &go_mod.data).unwrap_or_default();
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

/// Go's `addVersions`: the proxy's list without excluded and (unless
/// `-retracted`) retracted versions.
async fn add_versions(loaded: &Loaded, info: &mut ModuleInfo, mode: ListMode) {
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

/// Go's `addUpdate`: the `upgrade` query's answer when it is newer; "not
/// found", "no matching version" and disallowed versions are no update,
/// any other failure is the module's error.
async fn add_update(loaded: &Loaded, info: &mut ModuleInfo) {
    if info.version.is_empty() {
        return;
    }
    let rules: &MainRules = &loaded.rules;
    let found = match loaded
        .fetcher
        .query(&info.path, "upgrade", &info.version, Some(rules))
        .await
    {
        Ok(found) => found,
        Err(
            gomodx_fetch::Error::NoMatchingVersion { .. } | gomodx_fetch::Error::NotAllowed { .. },
        ) => return,
        Err(e) if e.is_not_exist() => return,
        Err(e) => {
            info.error.get_or_insert_with(|| e.to_string());
            return;
        }
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

impl ModuleInfo {
    /// go's `-versions` line: the path, the versions, `(deprecated)`.
    pub fn versions_line(&self) -> String {
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

    /// go's `-json` object, fields in go's order.
    pub fn to_json(&self) -> Object {
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
        if let Some(origin) = &self.origin {
            o.push("Origin", Value::Object(origin.clone()));
        }
        o
    }
}

/// A JSON array of strings.
fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| Value::String(s.clone())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            info.to_string(),
            "a.com/a v1.0.0 (retracted) [v1.1.0] => ../a"
        );
        let json = info.to_json().to_compact();
        assert!(json.starts_with(
            r#"{"Path":"a.com/a","Version":"v1.0.0","Replace":{"Path":"../a"},"Update":{"#
        ));
        assert!(json.contains(r#""Retracted":["bad"]"#));
    }

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
    fn module_errors_name_the_module_once() {
        assert_eq!(module_error("a", "v1", "a@v1: gone"), "a@v1: gone");
        assert_eq!(module_error("a", "v1", "gone"), "a@v1: gone");
    }
}
