//! A checksum database for tests: its own Ed25519 key and its own log,
//! fed from a [`ProxyTree`], written as static files (`supported`,
//! `latest`, `lookup/<path>@<version>`, `tile/8/…`) that
//! [`crate::ProxyServer`] serves directly or, written under a proxy tree's
//! `sumdb/<name>/`, through the testkit proxy as go expects.
//!
//! [`Lie`]s make it misbehave: a wrong hash in one record, a bad
//! signature, a forked tree, a rolled-back (and forked) tree.
//!
//! ```ignore
//! let db = TestSumdb::new("sumdb.test", 1).with_tree(&tree)?;
//! db.write(&tmp.join("db"), &Lie::None)?;
//! let server = ProxyServer::start(tmp.join("db"), Faults::none());
//! go.set("GOSUMDB", db.gosumdb(Some(&server.url())));
//! ```

use std::path::Path;

use anyhow::{Context, Result};
use gomodx_module::{ModuleVersion, escape};
use gomodx_sumdb::note::Signer;
use gomodx_sumdb::tlog::{MemoryLog, Tile, format_record};

use crate::ProxyTree;

/// The tile height go reads.
const TILE_HEIGHT: u32 = 8;

/// How the database misbehaves when written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lie {
    /// It tells the truth.
    None,
    /// The record of this module version carries another zip hash (the
    /// log, tree and signature are consistent with that lie).
    WrongHash(ModuleVersion),
    /// Every signed tree's signature is corrupted.
    BadSignature,
    /// A log of the same size whose first record differs: a fork of the
    /// honest tree.
    Fork,
    /// A smaller tree whose first record differs, served with the honest
    /// log's tiles: an older, inconsistent view.
    Rollback,
}

/// One database: a name, a key and a log of go.sum records.
pub struct TestSumdb {
    name: String,
    signer: Signer,
    /// `(path, version, record text)` in log order.
    records: Vec<(String, String, String)>,
}

impl TestSumdb {
    /// An empty database `name` whose key comes from `seed`.
    pub fn new(name: &str, seed: u8) -> Self {
        Self {
            name: name.to_owned(),
            signer: Signer::from_seed(name, [seed; 32]),
            records: Vec::new(),
        }
    }

    /// Adds a record (both go.sum lines) for every module version of `tree`.
    pub fn with_tree(mut self, tree: &ProxyTree) -> Result<Self> {
        for module in &tree.modules {
            let lines = tree.go_sum_lines(module)?;
            self.records
                .push((module.path.clone(), module.version.clone(), lines));
        }
        Ok(self)
    }

    /// Adds `count` unrelated records (so the log spans several tiles).
    pub fn with_filler(mut self, count: usize) -> Self {
        for i in 0..count {
            let (path, version) = ("example.invalid/filler".to_owned(), format!("v0.0.{i}"));
            let text = format!("{path} {version} h1:{i:0>43}=\n");
            self.records.push((path, version, text));
        }
        self
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The verifier key, `name+hash+key`.
    pub fn key(&self) -> String {
        self.signer.verifier_key()
    }

    /// A GOSUMDB value: the key, and the URL when given.
    pub fn gosumdb(&self, url: Option<&str>) -> String {
        match url {
            Some(url) => format!("{} {url}", self.key()),
            None => self.key(),
        }
    }

    /// Writes the database's files into `dir` (replacing what is there),
    /// telling `lie`.
    pub fn write(&self, dir: &Path, lie: &Lie) -> Result<()> {
        if dir.exists() {
            std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
        }
        let mut texts: Vec<String> = self.records.iter().map(|r| r.2.clone()).collect();
        if let Lie::WrongHash(module) = lie {
            let at = self
                .records
                .iter()
                .position(|(p, v, _)| *p == module.path && *v == module.version)
                .with_context(|| format!("{module} is not in the database"))?;
            let (path, version, _) = &self.records[at];
            let go_mod = texts[at].lines().nth(1).unwrap_or_default().to_owned();
            texts[at] = format!(
                "{path} {version} h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n{go_mod}\n"
            );
        }
        let honest = log_of(&texts);
        // The records the lookups carry, and their log.
        let mut served_texts = texts.clone();
        if matches!(lie, Lie::Fork | Lie::Rollback) {
            served_texts[0].push_str(
                "example.invalid/fork v0.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            );
        }
        if *lie == Lie::Rollback {
            served_texts.truncate(texts.len().div_ceil(2));
        }
        let served = log_of(&served_texts);
        let mut signed = self.signer.sign(&served.tree().format());
        if *lie == Lie::BadSignature {
            signed = corrupt_signature(&signed);
        }
        write_file(&dir.join("supported"), b"")?;
        write_file(&dir.join("latest"), signed.as_bytes())?;
        for (id, ((path, version, _), text)) in self.records.iter().zip(&served_texts).enumerate() {
            let (path, version) = (escape::escape_path(path)?, escape::escape_version(version)?);
            let id = i64::try_from(id).expect("a record id fits in i64");
            let record = format_record(id, text)?;
            write_file(
                &dir.join(format!("lookup/{path}@{version}")),
                format!("{record}{signed}").as_bytes(),
            )?;
        }
        // Tiles: the served log's, except for a rollback, which serves the
        // honest (newer) log's, against which its older tree is checked.
        let tiles_of = if *lie == Lie::Rollback {
            &honest
        } else {
            &served
        };
        let size = i64::try_from(texts.len()).expect("a log size fits in i64");
        for tile in Tile::new_tiles(TILE_HEIGHT, 0, size) {
            write_file(&dir.join(tile.path()), &tiles_of.tile_data(tile))?;
        }
        Ok(())
    }
}

fn log_of(texts: &[String]) -> MemoryLog {
    let mut log = MemoryLog::default();
    for text in texts {
        log.append(text.as_bytes());
    }
    log
}

/// The signed note with one signature byte flipped (still valid base64).
fn corrupt_signature(signed: &str) -> String {
    let (text, sig) = signed.rsplit_once(' ').expect("a signature line");
    let mut sig = sig.to_owned().into_bytes();
    let at = sig.len() - 10;
    sig[at] = if sig[at] == b'A' { b'B' } else { b'A' };
    format!(
        "{text} {}",
        String::from_utf8(sig).expect("base64 is ASCII")
    )
}

fn write_file(path: &Path, data: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, data).with_context(|| format!("writing {}", path.display()))
}
