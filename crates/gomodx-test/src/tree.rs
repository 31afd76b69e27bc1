//! A GOPROXY directory tree on disk (spec §6.1).
//!
//! Layout: `<root>/<escaped path>/@v/{list, <escaped version>.info, .mod, .zip}`
//! plus `<root>/<escaped path>/@latest`. The same tree is served by
//! `file://` (Go reads it directly) and by [`crate::server::ProxyServer`].
//!
//! `list` and `@latest` follow Go's test proxy (`cmd/go/proxy_test.go`):
//! `list` holds the versions that are not pseudo-versions and pass
//! `module.Check`, and `@latest` is the `.info` of the highest release, else
//! the highest pre-release, else the highest pseudo-version.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use gomodx_module::{ModuleVersion, escape, pseudo, semver};

/// A GOPROXY tree written to disk.
#[derive(Debug, Clone)]
pub struct ProxyTree {
    /// Absolute path of the tree's root directory.
    pub root: PathBuf,
    /// Every module version with files in the tree, sorted by path then semver.
    pub modules: Vec<ModuleVersion>,
}

impl ProxyTree {
    /// The tree as a `file://` URL, usable as `GOPROXY`.
    pub fn file_url(&self) -> String {
        file_url(&self.root)
    }

    /// Where `<version>.<ext>` of `path` lives (`ext` is `info`, `mod` or `zip`).
    pub fn version_file(&self, path: &str, version: &str, ext: &str) -> Result<PathBuf> {
        let version = escape::escape_version(version)
            .with_context(|| format!("escaping version {version:?}"))?;
        Ok(module_dir(&self.root, path)?.join(format!("@v/{version}.{ext}")))
    }

    /// The two go.sum lines (zip hash, then `/go.mod` hash) for one module version.
    pub fn go_sum_lines(&self, module: &ModuleVersion) -> Result<String> {
        let (path, version) = (&module.path, &module.version);
        let zip = self.version_file(path, version, "zip")?;
        let zip_hash = gomodx_modzip::h1::hash_zip(&zip)
            .with_context(|| format!("hashing {}", zip.display()))?;
        let mod_file = self.version_file(path, version, "mod")?;
        let go_mod =
            std::fs::read(&mod_file).with_context(|| format!("reading {}", mod_file.display()))?;
        let mod_hash = gomodx_modzip::h1::hash_go_mod(&go_mod);
        Ok(format!(
            "{path} {version} {zip_hash}\n{path} {version}/go.mod {mod_hash}\n"
        ))
    }

    /// A go.sum with both lines for every module version in the tree.
    pub fn go_sum(&self) -> Result<String> {
        self.modules
            .iter()
            .map(|module| self.go_sum_lines(module))
            .collect()
    }
}

/// `file://` URL of an absolute directory, percent-encoding what a URL path
/// cannot hold literally.
pub(crate) fn file_url(root: &Path) -> String {
    let mut url = String::from("file://");
    for byte in root.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            url.push(char::from(byte));
        } else {
            write!(url, "%{byte:02X}").expect("writing to a String cannot fail");
        }
    }
    url
}

/// `<root>/<escaped module path>`.
pub(crate) fn module_dir(root: &Path, path: &str) -> Result<PathBuf> {
    let escaped =
        escape::escape_path(path).with_context(|| format!("escaping module path {path:?}"))?;
    Ok(root.join(escaped))
}

/// Builds a [`ProxyTree`]: callers add versions, then [`TreeWriter::finish`]
/// writes the per-module `list` and `@latest` files.
pub(crate) struct TreeWriter {
    root: PathBuf,
    /// path → version → `.info` bytes (kept to answer `@latest`).
    modules: BTreeMap<String, BTreeMap<String, Option<Vec<u8>>>>,
}

impl TreeWriter {
    /// Starts a tree at `root` (created if missing).
    pub(crate) fn new(root: &Path) -> Result<Self> {
        std::fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
        let root = root
            .canonicalize()
            .with_context(|| format!("resolving {}", root.display()))?;
        Ok(Self {
            root,
            modules: BTreeMap::new(),
        })
    }

    /// Writes the `.info` and `.mod` files given for `path@version` and
    /// returns where its `.zip` belongs (the caller writes it).
    pub(crate) fn add(
        &mut self,
        path: &str,
        version: &str,
        info: Option<&[u8]>,
        go_mod: Option<&[u8]>,
    ) -> Result<PathBuf> {
        let dir = module_dir(&self.root, path)?.join("@v");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let stem = escape::escape_version(version)
            .with_context(|| format!("escaping version {version:?}"))?;
        for (ext, data) in [("info", info), ("mod", go_mod)] {
            if let Some(data) = data {
                let file = dir.join(format!("{stem}.{ext}"));
                std::fs::write(&file, data)
                    .with_context(|| format!("writing {}", file.display()))?;
            }
        }
        self.modules
            .entry(path.to_owned())
            .or_default()
            .insert(version.to_owned(), info.map(<[u8]>::to_vec));
        Ok(dir.join(format!("{stem}.zip")))
    }

    /// Writes `list` and `@latest` for every module and returns the tree.
    pub(crate) fn finish(self) -> Result<ProxyTree> {
        let mut all = Vec::new();
        for (path, versions) in &self.modules {
            let dir = module_dir(&self.root, path)?;
            let mut names: Vec<String> = versions.keys().cloned().collect();
            semver::sort(&mut names);
            let list: String = names
                .iter()
                .filter(|v| !pseudo::is_pseudo_version(v) && gomodx_module::check(path, v).is_ok())
                .map(|v| format!("{v}\n"))
                .collect();
            let list_file = dir.join("@v/list");
            std::fs::write(&list_file, list)
                .with_context(|| format!("writing {}", list_file.display()))?;
            if let Some(info) = latest(&names).and_then(|v| versions[v].as_ref()) {
                let latest_file = dir.join("@latest");
                std::fs::write(&latest_file, info)
                    .with_context(|| format!("writing {}", latest_file.display()))?;
            }
            all.extend(
                names
                    .into_iter()
                    .map(|v| ModuleVersion::new(path.clone(), v)),
            );
        }
        Ok(ProxyTree {
            root: self.root,
            modules: all,
        })
    }
}

/// The version `@latest` reports among semver-sorted `versions`: highest
/// release, else highest pre-release, else highest pseudo-version.
pub(crate) fn latest(versions: &[String]) -> Option<&String> {
    let highest = |keep: &dyn Fn(&str) -> bool| versions.iter().rev().find(|v| keep(v));
    highest(&|v| !pseudo::is_pseudo_version(v) && semver::prerelease(v).is_empty())
        .or_else(|| highest(&|v| !pseudo::is_pseudo_version(v)))
        .or_else(|| versions.last())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn latest_prefers_release_then_prerelease_then_pseudo() {
        let pseudo = "v0.0.0-20200101000000-abcdefabcdef";
        let all = strings(&[pseudo, "v1.0.0", "v1.1.0-rc.1"]);
        assert_eq!(latest(&all).map(String::as_str), Some("v1.0.0"));
        let pre = strings(&[pseudo, "v1.1.0-rc.1"]);
        assert_eq!(latest(&pre).map(String::as_str), Some("v1.1.0-rc.1"));
        assert_eq!(
            latest(&strings(&[pseudo])).map(String::as_str),
            Some(pseudo)
        );
        assert_eq!(latest(&[]), None);
    }

    #[test]
    fn file_url_escapes_unsafe_bytes() {
        assert_eq!(file_url(Path::new("/tmp/a b/c%")), "file:///tmp/a%20b/c%25");
        assert_eq!(file_url(Path::new("/x/y-z_1.2")), "file:///x/y-z_1.2");
    }
}
