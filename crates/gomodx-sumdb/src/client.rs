//! The checksum-database client, as the go command runs it
//! (`cmd/go/internal/modfetch/sumdb.go` over `golang.org/x/mod/sumdb`).
//!
//! - GOSUMDB is `name`, `name+key` or either followed by a URL; the
//!   default database's key is built in.
//! - Without a URL the database is reached through the first GOPROXY entry
//!   whose `<proxy>/sumdb/<name>/supported` answers, in GOPROXY's order and
//!   fall-through, else directly at `https://<name>`; the choice is made
//!   once, on the first request.
//! - `lookup/<path>@<version>` gives a record and a signed tree head. The
//!   note must verify with the key; the tree must extend (or be extended by)
//!   the latest tree seen, proven with hash tiles; the record's hash must be
//!   the tree's leaf `id`, read through tiles. A tree that does not match
//!   the latest seen is a security error naming both.
//! - Lookups and tiles are cached in go's layout under
//!   `$GOMODCACHE/cache/download/sumdb/<name>/…` (written only once
//!   verified), the latest tree in `$GOPATH/pkg/sumdb/<name>/latest` under
//!   go's file lock, so go and gomodx share both.
//! - Each lookup and each tile is fetched at most once per process, tiles
//!   of one proof in parallel. Offline, only the caches are read.

use std::collections::HashSet;
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use gomodx_client::once::OnceMap;
use gomodx_client::{Client, FetchError, ProxyKind, ProxyList, ProxyUrl};
use gomodx_module::escape;
use tokio::sync::OnceCell;

use crate::note::{NoteError, Verifier};
use crate::tlog::{
    Tile, TileRead, TlogError, Tree, parse_record, record_hash, stored_hash_index, sub_tree_index,
    tree_hash_from, tree_proof, tree_proof_index,
};

/// The tile height go's client uses.
const TILE_HEIGHT: u32 = 8;

/// Go's built-in keys (`modfetch/key.go`).
const KNOWN_KEYS: &[(&str, &str)] = &[(
    "sum.golang.org",
    "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
)];

/// Why a lookup failed. [`SumdbError::is_security`] tells a misbehaving
/// database from an unreachable or misconfigured one.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SumdbError {
    /// GOSUMDB (or the GOPATH that holds the latest tree) is unusable.
    #[error("{0}")]
    Config(String),
    /// A request to the database failed.
    #[error(transparent)]
    Remote(Arc<FetchError>),
    /// Offline, and the cache lacks a file.
    #[error(
        "{file} is not in the checksum database cache ({cache}) and {reason} forbids asking the database"
    )]
    Offline {
        /// The file wanted, `<name>/lookup/…` or `<name>/tile/…`.
        file: String,
        /// The cache directory.
        cache: String,
        /// What turned the network off.
        reason: String,
    },
    /// A signed tree note did not verify.
    #[error("reading tree note: {error}\nnote:\n{note}")]
    Note {
        /// Why.
        error: NoteError,
        /// The note.
        note: String,
    },
    /// Log data (a record, a tree, tiles) did not verify.
    #[error("{context}{error}")]
    Log {
        /// What was being checked, e.g. `checking tree#5 against tree#9: `.
        context: String,
        /// Why.
        error: TlogError,
    },
    /// The record is not the tree's leaf it claims to be.
    #[error("cannot authenticate record data in server response")]
    Record,
    /// The record id is beyond the tree.
    #[error("cannot validate record {id} in tree of size {size}")]
    RecordBeyondTree {
        /// The record id.
        id: i64,
        /// The tree size.
        size: i64,
    },
    /// Two signed trees that cannot both be true: a fork or a rollback.
    #[error(
        "SECURITY ERROR\ngo.sum database server misbehavior detected!\n\nold database:\n\t{}\nnew database:\n\t{}\nproof of misbehavior:\n\t{computed}{}",
        indent(older),
        indent(newer),
        proof.iter().map(|h| format!("\n\t{h}")).collect::<String>()
    )]
    Misbehavior {
        /// The older (smaller) signed tree note.
        older: String,
        /// The newer signed tree note.
        newer: String,
        /// What the newer tree says the older tree's hash is.
        computed: String,
        /// The consistency proof from the newer tree to `computed` (Go's
        /// `ProveTree`), which together with the notes proves the lie.
        proof: Vec<String>,
    },
    /// The latest-tree file could not be read or written.
    #[error("{op} {}: {cause}", path.display())]
    Io {
        /// `read`, `write`, `lock`.
        op: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        cause: String,
    },
}

impl SumdbError {
    /// Whether the database was caught lying (bad signature, inconsistent
    /// tiles or trees, a record that is not in the log): a security error,
    /// not an outage.
    pub fn is_security(&self) -> bool {
        matches!(
            self,
            SumdbError::Note { .. }
                | SumdbError::Log { .. }
                | SumdbError::Record
                | SumdbError::RecordBeyondTree { .. }
                | SumdbError::Misbehavior { .. }
        )
    }
}

fn indent(text: &str) -> String {
    text.replace('\n', "\n\t")
}

/// Where a [`Database`] keeps its files and how it may reach the network.
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    /// GOSUMDB (not `off`).
    pub gosumdb: String,
    /// GOPROXY, for `<proxy>/sumdb/<name>/…`.
    pub proxies: ProxyList,
    /// `$GOMODCACHE/cache/download/sumdb`.
    pub cache_dir: PathBuf,
    /// `$GOPATH/pkg/sumdb` (first GOPATH entry); `None` without GOPATH.
    pub config_dir: Option<PathBuf>,
    /// `Some(reason)` when the network must not be used.
    pub offline: Option<String>,
}

/// The latest signed tree known.
#[derive(Debug, Clone)]
struct Latest {
    tree: Tree,
    note: Vec<u8>,
}

/// Where remote reads go.
#[derive(Debug, Clone)]
enum Base {
    /// `<proxy>/sumdb/<name>/…`.
    Proxy(ProxyUrl),
    /// The database itself.
    Direct(ProxyUrl),
}

/// How a tree note compares with the latest one (Go's `msgPast`, …).
#[derive(Debug, PartialEq, Eq)]
enum When {
    Past,
    Now,
    Future,
}

/// A checksum database being consulted; shared by all lookups of a run.
pub struct Database {
    name: String,
    verifier: Verifier,
    config: DatabaseConfig,
    /// The URL given in GOSUMDB, else `https://<name>`.
    direct: ProxyUrl,
    explicit_url: bool,
    client: Client,
    base: OnceCell<Result<Base, SumdbError>>,
    init: OnceCell<Result<(), SumdbError>>,
    latest: Mutex<Latest>,
    records: OnceMap<String, Result<Arc<str>, SumdbError>>,
    tiles: OnceMap<Tile, Result<Arc<[u8]>, SumdbError>>,
    saved: Mutex<HashSet<Tile>>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Go's `dbDial`: parses GOSUMDB (nothing is fetched yet).
    pub fn dial(config: DatabaseConfig, client: Client) -> Result<Self, SumdbError> {
        let gosumdb = config.gosumdb.clone();
        let gosumdb = match gosumdb.as_str() {
            "sum.golang.google.cn" => "sum.golang.org https://sum.golang.google.cn",
            other => other,
        };
        let mut fields: Vec<&str> = gosumdb.split_whitespace().collect();
        if let Some(known) = fields
            .first()
            .and_then(|name| KNOWN_KEYS.iter().find(|(known, _)| known == name))
        {
            fields[0] = known.1;
        }
        let invalid = |why: String| SumdbError::Config(format!("invalid GOSUMDB: {why}"));
        let (key, url) = match fields[..] {
            [] => return Err(SumdbError::Config("missing GOSUMDB".into())),
            [key] => (key, None),
            [key, url] => (key, Some(url)),
            _ => return Err(invalid("too many fields".into())),
        };
        let verifier = Verifier::parse(key).map_err(|e| invalid(e.to_string()))?;
        let name = verifier.name().to_owned();
        if !valid_db_name(&name) {
            return Err(SumdbError::Config(format!(
                "invalid sumdb name (must be host[/path]): {name}"
            )));
        }
        let direct = ProxyUrl::parse(url.unwrap_or(&format!("https://{name}")))
            .map_err(|e| SumdbError::Config(format!("invalid GOSUMDB URL: {e}")))?;
        Ok(Self {
            name,
            verifier,
            config,
            direct,
            explicit_url: url.is_some(),
            client,
            base: OnceCell::new(),
            init: OnceCell::new(),
            latest: Mutex::new(Latest {
                tree: Tree::empty(),
                note: Vec::new(),
            }),
            records: OnceMap::default(),
            tiles: OnceMap::default(),
            saved: Mutex::new(HashSet::new()),
        })
    }

    /// The database's name (its key's name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Go's `Client.Lookup`: the database's go.sum lines for
    /// `path version` (`version` may end in `/go.mod`), verified.
    pub async fn lookup(&self, path: &str, version: &str) -> Result<Vec<String>, SumdbError> {
        self.init
            .get_or_init(|| async {
                let data = self.read_config().await?;
                self.merge_latest(&data).await
            })
            .await
            .clone()?;
        let escaped_path =
            escape::escape_path(path).map_err(|e| SumdbError::Config(format!("{path}: {e}")))?;
        let base_version = version.strip_suffix("/go.mod").unwrap_or(version);
        let escaped_version = escape::escape_version(base_version)
            .map_err(|e| SumdbError::Config(format!("{path}@{base_version}: {e}")))?;
        let remote = format!("lookup/{escaped_path}@{escaped_version}");
        let file = format!("{}/{remote}", self.name);
        let text = self
            .records
            .get_or_init(&file, || self.load_record(&file, &remote))
            .await?;
        let prefix = format!("{path} {version} ");
        Ok(text
            .split('\n')
            .filter(|line| line.starts_with(&prefix))
            .map(str::to_owned)
            .collect())
    }

    async fn load_record(&self, file: &str, remote: &str) -> Result<Arc<str>, SumdbError> {
        let (data, fetched) = match self.read_cache(file).await {
            Some(data) => (data, false),
            None => (self.read_remote(file, remote).await?, true),
        };
        let (id, text, tree_note) = parse_record(&data).map_err(|error| SumdbError::Log {
            context: String::new(),
            error,
        })?;
        self.merge_latest(tree_note).await?;
        self.check_record(id, text).await?;
        if fetched {
            self.write_cache(file, &data).await;
        }
        Ok(text.into())
    }

    /// Go's `mergeLatest`: takes in a tree note, and when it is newer than
    /// the latest tree on disk, writes it there.
    async fn merge_latest(&self, note: &[u8]) -> Result<(), SumdbError> {
        if self.merge_latest_mem(note).await? != When::Future {
            return Ok(());
        }
        loop {
            let on_disk = self.read_config().await?;
            if self.merge_latest_mem(&on_disk).await? != When::Past {
                return Ok(());
            }
            let newest = self.latest().note.clone();
            if self.write_config(&on_disk, &newest).await? {
                return Ok(());
            }
        }
    }

    async fn merge_latest_mem(&self, note: &[u8]) -> Result<When, SumdbError> {
        if note.is_empty() {
            return Ok(if self.latest().tree.n == 0 {
                When::Now
            } else {
                When::Past
            });
        }
        let note_error = |error| SumdbError::Note {
            error,
            note: String::from_utf8_lossy(note).into_owned(),
        };
        let text = self.verifier.open(note).map_err(note_error)?;
        let tree = Tree::parse(text).map_err(|error| SumdbError::Log {
            context: format!("reading tree: {text:?}: "),
            error,
        })?;
        loop {
            let latest = self.latest().clone();
            if tree.n <= latest.tree.n {
                self.check_trees((tree, note), (latest.tree, &latest.note))
                    .await?;
                return Ok(if tree.n < latest.tree.n {
                    When::Past
                } else {
                    When::Now
                });
            }
            self.check_trees((latest.tree, &latest.note), (tree, note))
                .await?;
            let mut current = self.latest();
            if current.tree == latest.tree {
                *current = Latest {
                    tree,
                    note: note.to_vec(),
                };
                return Ok(When::Future);
            }
        }
    }

    /// Go's `checkTrees`: the newer tree's tiles must give the older
    /// tree's hash (a consistency proof).
    async fn check_trees(
        &self,
        (older, older_note): (Tree, &[u8]),
        (newer, newer_note): (Tree, &[u8]),
    ) -> Result<(), SumdbError> {
        let context = if older.n == newer.n {
            format!("checking tree#{}: ", older.n)
        } else {
            format!("checking tree#{} against tree#{}: ", older.n, newer.n)
        };
        let hashes = self
            .read_hashes(newer, &sub_tree_index(0, older.n), &context)
            .await?;
        let computed = tree_hash_from(older.n, &hashes);
        if computed == older.hash {
            return Ok(());
        }
        // As go, the report carries the proof (from tiles already read).
        let proof_hashes = self
            .read_hashes(newer, &tree_proof_index(newer.n, older.n), &context)
            .await?;
        Err(SumdbError::Misbehavior {
            older: String::from_utf8_lossy(older_note).into_owned(),
            newer: String::from_utf8_lossy(newer_note).into_owned(),
            computed: computed.to_string(),
            proof: tree_proof(newer.n, older.n, &proof_hashes)
                .iter()
                .map(ToString::to_string)
                .collect(),
        })
    }

    /// Go's `checkRecord`: the record must be leaf `id` of the latest tree.
    async fn check_record(&self, id: i64, text: &str) -> Result<(), SumdbError> {
        let latest = self.latest().tree;
        if id < 0 || id >= latest.n {
            return Err(SumdbError::RecordBeyondTree { id, size: latest.n });
        }
        let hashes = self
            .read_hashes(latest, &[stored_hash_index(0, id)], "")
            .await?;
        if hashes[0] == record_hash(text.as_bytes()) {
            Ok(())
        } else {
            Err(SumdbError::Record)
        }
    }

    /// Stored hashes of `tree`, read through its tiles and proven against
    /// its hash; the tiles are cached once they verify.
    async fn read_hashes(
        &self,
        tree: Tree,
        indexes: &[i64],
        context: &str,
    ) -> Result<Vec<crate::tlog::Hash>, SumdbError> {
        let log_error = |error| SumdbError::Log {
            context: context.to_owned(),
            error,
        };
        if indexes.is_empty() {
            // Go's TreeHash(0, …): nothing to read.
            return Ok(Vec::new());
        }
        let plan = TileRead::plan(tree, TILE_HEIGHT, indexes).map_err(log_error)?;
        // All read at once; the error reported is the first in tile order,
        // not the first to finish (go's tileReader.ReadTiles).
        let data = futures::future::join_all(plan.tiles().iter().map(|&t| self.tile(t)))
            .await
            .into_iter()
            .map(|data| data.map(|data| data.to_vec()))
            .collect::<Result<Vec<_>, _>>()?;
        let hashes = plan.finish(&data).map_err(log_error)?;
        let unsaved: Vec<(Tile, &Vec<u8>)> = {
            let mut saved = lock(&self.saved);
            plan.tiles()
                .iter()
                .zip(&data)
                .filter(|(tile, _)| saved.insert(**tile))
                .map(|(tile, data)| (*tile, data))
                .collect()
        };
        for (tile, data) in unsaved {
            self.write_cache(&self.tile_file(tile), data).await;
        }
        Ok(hashes)
    }

    fn tile_file(&self, tile: Tile) -> String {
        format!("{}/{}", self.name, tile.path())
    }

    /// Go's `readTile`: the cache (the tile, or the full tile it is a
    /// prefix of), else the database (likewise).
    async fn tile(&self, tile: Tile) -> Result<Arc<[u8]>, SumdbError> {
        self.tiles
            .get_or_init(&tile, || async move {
                let full = tile.full();
                let prefix = |data: Vec<u8>| -> Arc<[u8]> {
                    let len = (data.len() / full.w as usize) * tile.w as usize;
                    data[..len].into()
                };
                if let Some(data) = self.read_cache(&self.tile_file(tile)).await {
                    lock(&self.saved).insert(tile);
                    return Ok(data.into());
                }
                if tile != full
                    && let Some(data) = self.read_cache(&self.tile_file(full)).await
                {
                    lock(&self.saved).insert(tile);
                    return Ok(prefix(data));
                }
                let file = self.tile_file(tile);
                match self.read_remote(&file, &tile.path()).await {
                    Ok(data) => Ok(data.into()),
                    Err(err) if tile != full => self
                        .read_remote(&self.tile_file(full), &full.path())
                        .await
                        .map(prefix)
                        .map_err(|_| err),
                    Err(err) => Err(err),
                }
            })
            .await
    }

    fn latest(&self) -> MutexGuard<'_, Latest> {
        lock(&self.latest)
    }

    /// Go's `dbClient.ReadRemote`: `path` under the base chosen once.
    async fn read_remote(&self, file: &str, path: &str) -> Result<Vec<u8>, SumdbError> {
        if let Some(reason) = &self.config.offline {
            return Err(SumdbError::Offline {
                file: file.to_owned(),
                cache: self.config.cache_dir.display().to_string(),
                reason: reason.clone(),
            });
        }
        let base = self.base.get_or_init(|| self.choose_base()).await.clone()?;
        let result = match &base {
            Base::Proxy(proxy) => {
                self.client
                    .get(proxy, &format!("sumdb/{}/{path}", self.name))
                    .await
            }
            Base::Direct(url) => self.client.get(url, path).await,
        };
        result.map_err(|e| SumdbError::Remote(Arc::new(e)))
    }

    /// Go's `dbClient.initBase` over `TryProxies`: the first proxy that
    /// supports the database, in GOPROXY's order and fall-through; when
    /// every entry said "not found" (`direct`, `off` and `noproxy` always
    /// do), the database itself.
    async fn choose_base(&self) -> Result<Base, SumdbError> {
        if self.explicit_url {
            return Ok(Base::Direct(self.direct.clone()));
        }
        // The error TryProxies would report: `None` is a "not found"; a
        // `direct` entry's outranks a proxy's, which outranks "not found".
        let mut best: Option<FetchError> = None;
        let mut best_is_direct = false;
        for spec in self.config.proxies.specs() {
            let error = match &spec.kind {
                ProxyKind::Url(proxy) => {
                    let supported = format!("sumdb/{}/supported", self.name);
                    match self.client.get(proxy, &supported).await {
                        Ok(_) => return Ok(Base::Proxy(proxy.clone())),
                        Err(e) if e.is_not_exist() => None,
                        Err(e) => Some(e),
                    }
                }
                ProxyKind::Direct => {
                    best = None;
                    best_is_direct = true;
                    continue;
                }
                ProxyKind::Off | ProxyKind::NoProxy => continue,
            };
            if let Some(error) = error {
                if !best_is_direct {
                    best = Some(error);
                }
                if !spec.fall_back_on_error {
                    break;
                }
            }
        }
        match best {
            Some(e) => Err(SumdbError::Remote(Arc::new(e))),
            None => Ok(Base::Direct(self.direct.clone())),
        }
    }

    /// `<cache>/<file>`; `None` when missing, empty or unreadable.
    async fn read_cache(&self, file: &str) -> Option<Vec<u8>> {
        let path = self.config.cache_dir.join(file);
        let data = tokio::task::spawn_blocking(move || read_locked(&path))
            .await
            .ok()?
            .ok()?;
        (!data.is_empty()).then_some(data)
    }

    /// Best effort, as go's `WriteCache`.
    async fn write_cache(&self, file: &str, data: &[u8]) {
        let path = self.config.cache_dir.join(file);
        let data = data.to_vec();
        let _ = tokio::task::spawn_blocking(move || {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).ok()?;
            }
            gomodx_fs::write_atomic(&path, &data).ok()
        })
        .await;
    }

    fn config_file(&self) -> Result<PathBuf, SumdbError> {
        let dir = self.config.config_dir.as_ref().ok_or_else(|| {
            SumdbError::Config("could not locate sumdb file: missing $GOPATH".into())
        })?;
        Ok(dir.join(&self.name).join("latest"))
    }

    /// The latest tree note on disk (empty when there is none).
    async fn read_config(&self) -> Result<Vec<u8>, SumdbError> {
        let path = self.config_file()?;
        blocking(move || match read_locked(&path) {
            Ok(data) => Ok(data),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(io_error("read", &path, &e)),
        })
        .await
    }

    /// Go's `WriteConfig` under the file's own lock: replaces `old` with
    /// `new`; `false` when another process changed it meanwhile.
    async fn write_config(&self, old: &[u8], new: &[u8]) -> Result<bool, SumdbError> {
        let path = self.config_file()?;
        let (old, new) = (old.to_vec(), new.to_vec());
        blocking(move || {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| io_error("mkdir", dir, &e))?;
            }
            let lock = gomodx_fs::FileLock::exclusive(&path)
                .map_err(|e| io_error("lock", &path, &std::io::Error::other(e.to_string())))?;
            let mut file = lock.file();
            let mut data = Vec::new();
            file.read_to_end(&mut data)
                .map_err(|e| io_error("read", &path, &e))?;
            if !data.is_empty() && data != old {
                return Ok(false);
            }
            file.rewind()
                .and_then(|()| file.set_len(0))
                .and_then(|()| file.write_all(&new))
                .map_err(|e| io_error("write", &path, &e))?;
            Ok(true)
        })
        .await
    }
}

/// Reads a file under a shared lock, as go's `lockedfile.Read` does (go
/// rewrites these files in place under an exclusive lock).
fn read_locked(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    file.lock_shared()?;
    let mut data = Vec::new();
    file.read_to_end(&mut data)?;
    Ok(data)
}

/// Go's check that a database name is `host[/path]`.
fn valid_db_name(name: &str) -> bool {
    let host = name.split('/').next().unwrap_or("");
    !host.is_empty()
        && !name.ends_with('/')
        && !name.contains(['?', '#', '%', '@', '\\'])
        && !name.contains("//")
        && !name.split('/').any(|s| s == "." || s == "..")
}

fn io_error(op: &'static str, path: &Path, e: &std::io::Error) -> SumdbError {
    SumdbError::Io {
        op,
        path: path.to_path_buf(),
        cause: e.to_string(),
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SumdbError> + Send + 'static,
) -> Result<T, SumdbError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| SumdbError::Config(format!("internal error: {e}")))?
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dial(gosumdb: &str) -> Result<Database, SumdbError> {
        let proxies = ProxyList::parse("off", "").unwrap();
        let config = DatabaseConfig {
            gosumdb: gosumdb.to_owned(),
            proxies: proxies.clone(),
            cache_dir: PathBuf::from("/nonexistent"),
            config_dir: None,
            offline: None,
        };
        Database::dial(
            config,
            Client::new(gomodx_client::ClientConfig::new(proxies)),
        )
    }

    #[test]
    fn gosumdb_values_as_go_reads_them() {
        let default = dial("sum.golang.org").unwrap();
        assert_eq!(default.name(), "sum.golang.org");
        assert_eq!(default.direct.redacted(), "https://sum.golang.org");
        assert!(!default.explicit_url);
        let china = dial("sum.golang.google.cn").unwrap();
        assert_eq!(china.name(), "sum.golang.org");
        assert_eq!(china.direct.redacted(), "https://sum.golang.google.cn");
        assert!(china.explicit_url);
        let with_url = dial("sum.golang.org http://127.0.0.1:9/db").unwrap();
        assert_eq!(with_url.direct.redacted(), "http://127.0.0.1:9/db");
        let message = |gosumdb: &str| dial(gosumdb).unwrap_err().to_string();
        assert_eq!(message(""), "missing GOSUMDB");
        assert_eq!(message("a b c"), "invalid GOSUMDB: too many fields");
        assert_eq!(
            message("example.com"),
            "invalid GOSUMDB: malformed verifier id"
        );
        assert_eq!(
            message("sum.golang.org+033de0af+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"),
            "invalid GOSUMDB: invalid verifier hash"
        );
    }

    #[test]
    fn database_names() {
        assert!(valid_db_name("sum.golang.org"));
        assert!(valid_db_name("127.0.0.1:8080/sumdb"));
        assert!(!valid_db_name("a/"));
        assert!(!valid_db_name("a//b"));
        assert!(!valid_db_name("/a"));
    }
}
