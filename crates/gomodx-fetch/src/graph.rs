//! The module graph through a [`Fetcher`]: drives the resolver's
//! [`GraphLoader`] frontier, fetching every go.mod it names at once and
//! feeding each back as it arrives, so loading takes about graph depth ×
//! one round trip. Network concurrency is bounded by the fetcher's `jobs`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gomodx_modcache::CacheFile;
use gomodx_modfile::{GoSum, ModFile};
use gomodx_module::ModuleVersion;
use gomodx_modzip::h1::hash_go_mod;
use gomodx_resolver::{GoModFile, GraphLoader, LoadError, LoadOptions, ModuleGraph, SourceError};
use tokio::task::JoinSet;

use crate::Fetcher;
use crate::resolved::Resolved;
use crate::rules::clean_join;
use crate::snapshot::Snapshot;

/// Loads the module graph of the main module `main` (its go.mod, parsed
/// strictly) whose directory is `main_dir`: module go.mod files come from
/// `fetcher` (store first, then GOPROXY), directory replacements' go.mod
/// files from disk, relative to `main_dir`.
///
/// With `required_sums` (go's read-only mode), a module's go.mod is only
/// read if that go.sum records its hash, as go refuses it otherwise
/// (`missing go.sum entry for go.mod file`).
pub async fn load_graph(
    fetcher: &Fetcher,
    main: &ModFile,
    main_dir: &Path,
    options: &LoadOptions,
    required_sums: Option<&GoSum>,
) -> Result<ModuleGraph, LoadError> {
    let (graph, err) = load_graph_partial(fetcher, main, main_dir, options, required_sums).await?;
    err.map_or(Ok(graph), Err)
}

/// [`load_graph`], but when a go.mod in the graph could not be loaded, the
/// graph as far as it loaded comes with the error
/// ([`GraphLoader::finish_partial`]).
pub async fn load_graph_partial(
    fetcher: &Fetcher,
    main: &ModFile,
    main_dir: &Path,
    options: &LoadOptions,
    required_sums: Option<&GoSum>,
) -> Result<(ModuleGraph, Option<LoadError>), LoadError> {
    let loader = GraphLoader::new(main, options)?;
    let check =
        |module: &ModuleVersion| required_sums.and_then(|go_sum| missing_sum(go_sum, main, module));
    drive(fetcher, loader, main_dir, main.module_path(), &check).await
}

/// Loads the graph `loader` (e.g. a workspace's, [`GraphLoader::workspace`])
/// has started: go.mod files come from `fetcher`, directory replacements'
/// from disk relative to `dir` (the workspace's directory); `name` keys the
/// store's snapshot of the files read.
pub async fn load_with_loader(
    fetcher: &Fetcher,
    loader: GraphLoader,
    dir: &Path,
    name: &str,
) -> Result<ModuleGraph, LoadError> {
    let (graph, err) = drive(fetcher, loader, dir, name, &|_| None).await?;
    err.map_or(Ok(graph), Err)
}

/// Feeds `loader` until it is complete; `check` may refuse a module
/// version before its go.mod is read.
async fn drive(
    fetcher: &Fetcher,
    mut loader: GraphLoader,
    main_dir: &Path,
    name: &str,
    check: &(dyn Fn(&ModuleVersion) -> Option<SourceError> + Sync),
) -> Result<(ModuleGraph, Option<LoadError>), LoadError> {
    let resolved = Resolved::open(fetcher, main_dir, name, &loader);
    if let Some(graph) = resolved.replay(fetcher, &loader) {
        return Ok((graph, None));
    }
    let mut snapshot = Snapshot::open(fetcher, main_dir, name);
    let mut from_disk = false;
    let mut tasks = JoinSet::new();
    loop {
        for module in loader.next_requests() {
            if let Some(err) = check(&module) {
                loader.provide(&module, Err(err));
                continue;
            }
            if module.version.is_empty() {
                // A directory replacement: read from disk in a task below.
                from_disk = true;
            } else if let Some(file) = snapshot.take(fetcher, &module) {
                loader.provide(&module, Ok(GoModFile::new(file.data.to_vec())));
                continue;
            } else if let Some(file) = stored_go_mod(fetcher, &module) {
                snapshot.record(&module, Some(Arc::clone(&file.data)));
                loader.provide(&module, Ok(GoModFile::new(file.data.to_vec())));
                continue;
            }
            let (fetcher, main_dir) = (fetcher.clone(), main_dir.to_path_buf());
            tasks.spawn(async move {
                let go_mod = read_go_mod(&fetcher, &main_dir, &module).await;
                (module, go_mod)
            });
        }
        if tasks.is_empty() && !loader.is_complete() {
            continue;
        }
        match tasks.join_next().await {
            None => break,
            Some(Ok((module, go_mod))) => {
                if go_mod.is_ok() && !module.version.is_empty() {
                    let fetched = fetcher.go_mod_now(&module).and_then(Result::ok);
                    snapshot.record(&module, fetched.map(|file| file.data));
                }
                loader.provide(&module, go_mod);
            }
            Some(Err(err)) => match err.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(err) => unreachable!("go.mod tasks are never cancelled: {err}"),
            },
        }
    }
    let (graph, err) = loader.finish_partial()?;
    if err.is_none() {
        if let Some(read) = snapshot.complete_reads().filter(|_| !from_disk) {
            resolved.save(fetcher, &graph, read);
        }
        snapshot.save(fetcher);
    }
    Ok((graph, err))
}

/// Go's error for a module version whose go.mod hash go.sum lacks; the
/// suggestion names the path as required (before replacement).
fn missing_sum(go_sum: &GoSum, main: &ModFile, module: &ModuleVersion) -> Option<SourceError> {
    if module.version.is_empty() {
        return None;
    }
    let key = ModuleVersion::new(module.path.clone(), format!("{}/go.mod", module.version));
    if go_sum.hashes(&key).iter().any(|h| h.starts_with("h1:")) {
        return None;
    }
    let required = main
        .replace
        .iter()
        .find(|r| r.new == *module)
        .map_or(module.path.as_str(), |r| r.old.path.as_str());
    Some(SourceError::new(format!(
        "missing go.sum entry for go.mod file; to add it:\n\tgo mod download {required}"
    )))
}

/// The go.mod of a module version from the store or from earlier in this
/// process, without spawning a task (see [`Fetcher::go_mod_now`]); errors
/// are left to [`read_go_mod`], which has fallbacks.
fn stored_go_mod(fetcher: &Fetcher, module: &ModuleVersion) -> Option<crate::GoModFile> {
    fetcher.go_mod_now(module)?.ok()
}

/// The go.mod of `module` as the resolver wants it: a directory
/// replacement's from disk, a module version's from the fetcher (its error
/// without the `path@version: ` the resolver adds).
async fn read_go_mod(
    fetcher: &Fetcher,
    main_dir: &Path,
    module: &ModuleVersion,
) -> Result<GoModFile, SourceError> {
    if module.version.is_empty() {
        return read_dir_go_mod(main_dir, &module.path).await;
    }
    match fetcher.go_mod(module).await {
        Ok(file) => Ok(GoModFile::new(file.data.to_vec())),
        Err(err) => {
            if let Some(data) = mod_cache_go_mod(fetcher, module).await {
                return Ok(GoModFile::new(data));
            }
            // Typed (an offline miss stays one) unless the prefix must go.
            let text = err.to_string();
            let prefix = format!("{}@{}: ", module.path, module.version);
            Err(match text.strip_prefix(&prefix) {
                Some(rest) => SourceError::new(rest.to_owned()),
                None => SourceError::new(err),
            })
        }
    }
}

/// The go.mod go keeps in GOMODCACHE (`cache/download/…/@v/V.mod`), when
/// neither the store nor the proxy has it (e.g. `GOPROXY=off` on a cache
/// go filled), provided go.sum accepts its hash as it would a download.
async fn mod_cache_go_mod(fetcher: &Fetcher, module: &ModuleVersion) -> Option<Vec<u8>> {
    let file = fetcher.inner.mod_cache.file(module, CacheFile::Mod).ok()?;
    let data = tokio::fs::read(&file).await.ok()?;
    let key = ModuleVersion::new(module.path.clone(), format!("{}/go.mod", module.version));
    let source = file.display().to_string();
    fetcher
        .inner
        .sums
        .check(&key, &hash_go_mod(&data), &source)
        .await
        .ok()?;
    Some(data)
}

/// `<dir>/go.mod` of a directory replacement, named as go shows it (relative
/// to the main module when that is shorter).
async fn read_dir_go_mod(main_dir: &Path, dir: &str) -> Result<GoModFile, SourceError> {
    let file = clean_join(main_dir, dir).join("go.mod");
    let name = short_path(main_dir, &file);
    match tokio::fs::read(&file).await {
        Ok(data) => Ok(GoModFile::with_name(name, data)),
        Err(err) => Err(SourceError::new(format!(
            "reading {name}: open {}: {}",
            file.display(),
            gomodx_fs::os_error_text(&err)
        ))),
    }
}

/// Go's `base.ShortPath`: `file` relative to `base` when that is shorter.
pub fn short_path(base: &Path, file: &Path) -> String {
    let absolute = file.display().to_string();
    match relative_to(base, file) {
        Some(rel) if rel.len() < absolute.len() => rel,
        _ => absolute,
    }
}

/// `file` relative to `base` (both absolute and clean), with `..` as needed.
pub fn relative_to(base: &Path, file: &Path) -> Option<String> {
    let base: Vec<_> = base.components().collect();
    let file: Vec<_> = file.components().collect();
    let common = base.iter().zip(&file).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut rel = PathBuf::new();
    for _ in common..base.len() {
        rel.push("..");
    }
    for part in &file[common..] {
        rel.push(part);
    }
    Some(rel.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_paths_are_relative_when_shorter() {
        let base = Path::new("/work/long/main");
        assert_eq!(
            short_path(base, Path::new("/work/long/dep/go.mod")),
            "../dep/go.mod"
        );
        assert_eq!(short_path(base, Path::new("/x/go.mod")), "/x/go.mod");
        assert_eq!(
            short_path(base, Path::new("/work/long/main/sub/go.mod")),
            "sub/go.mod"
        );
    }

    #[tokio::test]
    async fn missing_directory_go_mod_reads_like_go() {
        let tmp = tempfile::tempdir().unwrap();
        let err = read_dir_go_mod(tmp.path(), "../nowhere-gomodx")
            .await
            .unwrap_err();
        let abs = tmp.path().parent().unwrap().join("nowhere-gomodx/go.mod");
        assert_eq!(
            err.to_string(),
            format!(
                "reading ../nowhere-gomodx/go.mod: open {}: no such file or directory",
                abs.display()
            )
        );
        std::fs::write(tmp.path().join("go.mod"), "module m\n").unwrap();
        let file = read_dir_go_mod(tmp.path(), ".").await.unwrap();
        assert_eq!(file.name, "go.mod");
        assert_eq!(file.data, b"module m\n");
    }
}
