//! Go's test-proxy modules (`cmd/go/testdata/mod`) as a GOPROXY tree.
//!
//! Each `*.txt` file is a txtar archive named
//! `<escaped path with / as _>_<escaped version>.txt`, split at the last
//! `_v`. Files that do not end in `.txt`, or whose path or version does not
//! unescape, are skipped, as Go's test proxy skips them. Within an archive,
//! `.info` and `.mod` are served verbatim; every other file (except `.zip`) goes
//! into the zip as `path@version/name`, or as `name` without its leading `/`
//! when the name starts with `/` (used for deliberately malformed zips). Zips
//! have no directory entries, like Go's.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use gomodx_module::escape;

use crate::tree::{ProxyTree, TreeWriter};
use crate::txtar::Archive;

/// The repository's copy of `$GOROOT/src/cmd/go/testdata/mod`.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/go-testdata-mod")
}

/// Writes the repository's Go test corpus as a GOPROXY tree under `dest`.
pub fn go_testdata_tree(dest: &Path) -> Result<ProxyTree> {
    write_proxy_tree(&corpus_dir(), dest)
}

/// Writes the txtar modules of `corpus` as a GOPROXY tree under `dest`.
pub fn write_proxy_tree(corpus: &Path, dest: &Path) -> Result<ProxyTree> {
    let mut names: Vec<String> = std::fs::read_dir(corpus)
        .with_context(|| format!("reading {}", corpus.display()))?
        .map(|entry| Ok(entry?.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("listing {}", corpus.display()))?;
    names.sort();
    let mut writer = TreeWriter::new(dest)?;
    for name in &names {
        let Some((path, version)) = name.strip_suffix(".txt").and_then(parse_archive_name) else {
            continue;
        };
        let file = corpus.join(name);
        let archive =
            Archive::parse_file(&file).with_context(|| format!("reading {}", file.display()))?;
        let zip_path = writer.add(&path, &version, archive.file(".info"), archive.file(".mod"))?;
        write_zip(&zip_path, &path, &version, &archive)
            .with_context(|| format!("writing zip for {path}@{version}"))?;
    }
    writer.finish()
}

/// `rsc.io_!q!u!o!t!e_v1.5.3-!p!r!e` → (`rsc.io/QUOTE`, `v1.5.3-PRE`).
fn parse_archive_name(stem: &str) -> Option<(String, String)> {
    let split = stem.rfind("_v")?;
    let path = escape::unescape_path(&stem[..split].replace('_', "/")).ok()?;
    let version = escape::unescape_version(&stem[split + 1..]).ok()?;
    Some((path, version))
}

fn write_zip(zip_path: &Path, path: &str, version: &str, archive: &Archive) -> Result<()> {
    let entries = archive
        .files
        .iter()
        .filter(|f| ![".info", ".mod", ".zip"].contains(&f.name.as_str()))
        .map(|f| {
            let name = match f.name.strip_prefix('/') {
                Some(verbatim) => verbatim.to_owned(),
                None => format!("{path}@{version}/{}", f.name),
            };
            (name, f.data.clone())
        });
    let mut out = File::create(zip_path)?;
    gomodx_modzip::write_zip_entries(&mut out, entries)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_split_at_last_v() {
        assert_eq!(
            parse_archive_name("rsc.io_!q!u!o!t!e_v1.5.3-!p!r!e"),
            Some(("rsc.io/QUOTE".into(), "v1.5.3-PRE".into()))
        );
        assert_eq!(
            parse_archive_name("example.com_split_v2_v2.0.0"),
            Some(("example.com/split/v2".into(), "v2.0.0".into()))
        );
        assert_eq!(parse_archive_name("README"), None);
    }
}
