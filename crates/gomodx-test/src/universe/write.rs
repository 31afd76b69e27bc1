//! Writing a universe to disk: the GOPROXY tree and the main module.
//!
//! Zips are written by worker threads, one zip per job. Each version's files
//! are staged in a temp dir, padding in files of at most [`PAD_CHUNK`] bytes,
//! and zipped from there by `gomodx_modzip::create_zip_from_dir`, which
//! streams; memory stays bounded by a chunk, never by a zip's size.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use gomodx_module::ModuleVersion;

use super::{Universe, render};
use crate::rng::Rng;
use crate::tree::{ProxyTree, TreeWriter};

/// Largest padding file.
const PAD_CHUNK: u64 = 4 << 20;

impl Universe {
    /// Writes every module version's `.info`, `.mod` and `.zip`, plus `list`
    /// and `@latest` files, under `dir` (created if missing).
    pub fn write_proxy_tree(&self, dir: &Path) -> Result<ProxyTree> {
        let mut writer = TreeWriter::new(dir)?;
        let mut jobs: Vec<(usize, usize, PathBuf)> = Vec::new();
        for (index, module) in self.modules.iter().enumerate() {
            for (slot, version) in module.versions.iter().enumerate() {
                let info = render::info_json(version);
                let go_mod = self.go_mod(index, version);
                let zip = writer.add(
                    &module.path,
                    &version.version,
                    Some(info.as_bytes()),
                    Some(go_mod.as_bytes()),
                )?;
                jobs.push((index, slot, zip));
            }
        }
        for_each_parallel(&jobs, |(index, slot, zip)| {
            self.write_zip(*index, *slot, zip).with_context(|| {
                let module = &self.modules[*index];
                format!("writing {}@{}", module.path, module.versions[*slot].version)
            })
        })?;
        writer.finish()
    }

    /// Writes the main module into `dir` (created if missing): go.mod, main.go,
    /// and a go.sum holding the hashes of every module version in `tree`
    /// (which must be this universe's tree).
    pub fn write_main_module(&self, dir: &Path, tree: &ProxyTree) -> Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let files = [
            ("go.mod", render::main_go_mod(self)),
            ("main.go", render::main_source(self)),
            ("go.sum", tree.go_sum()?),
        ];
        for (name, text) in files {
            let file = dir.join(name);
            std::fs::write(&file, text).with_context(|| format!("writing {}", file.display()))?;
        }
        Ok(())
    }

    /// Stages the version's files in a temp dir (padding written chunk by
    /// chunk) and zips them from there, so memory stays at one chunk.
    fn write_zip(&self, index: usize, slot: usize, zip_path: &Path) -> Result<()> {
        let module = &self.modules[index];
        let version = &module.versions[slot];
        let stage = tempfile::Builder::new()
            .prefix("gomodx-universe-")
            .tempdir()?;
        let root = stage.path();
        std::fs::write(root.join("LICENSE"), render::LICENSE)?;
        let source = render::package_source(self, index, version);
        std::fs::write(root.join(format!("{}.go", module.package)), source)?;
        if module.has_go_mod {
            std::fs::write(root.join("go.mod"), self.go_mod(index, version))?;
        }
        if version.padding > 0 {
            let seed = Rng::new(self.config.seed).fork(((index as u64) << 32) | slot as u64);
            std::fs::create_dir(root.join("pad"))?;
            let mut buf = Vec::new();
            for chunk in 0..version.padding.div_ceil(PAD_CHUNK) {
                let len = (version.padding - chunk * PAD_CHUNK).min(PAD_CHUNK);
                buf.resize(usize::try_from(len).expect("a chunk fits in memory"), 0);
                seed.fork(chunk).fill(&mut buf);
                std::fs::write(root.join(format!("pad/blob-{chunk:03}.bin")), &buf)?;
            }
        }
        let mut out = BufWriter::new(
            File::create(zip_path).with_context(|| format!("creating {}", zip_path.display()))?,
        );
        let id = ModuleVersion::new(module.path.clone(), version.version.clone());
        gomodx_modzip::create_zip_from_dir(&mut out, &id, root)?;
        out.flush()?;
        Ok(())
    }
}

/// Runs `job` on every item, on as many threads as there are CPUs; returns
/// the first error.
fn for_each_parallel<T: Sync>(items: &[T], job: impl Fn(&T) -> Result<()> + Sync) -> Result<()> {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, items.len().max(1));
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    while let Some(item) = items.get(next.fetch_add(1, Ordering::Relaxed)) {
                        job(item)?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles.into_iter().try_for_each(|handle| {
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    })
}
