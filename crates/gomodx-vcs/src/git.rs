//! A remote git repository behind a bare cache repository in GOMODCACHE,
//! as Go's `codehost/git.go` keeps it: `cache/vcs/<sha256("git3:"+url)>`
//! with its `.info` and `.lock` files, `git ls-remote` for the refs,
//! shallow fetches of just the commit needed (by ref name, never an
//! arbitrary hash) and a full fetch only when history is needed. The
//! directory is shared with the go command: either tool reuses what the
//! other fetched, under the same file lock.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine;
use gomodx_fs::FileLock;
use gomodx_module::quote::quote;
use gomodx_module::{pseudo, semver};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::origin::{Origin, RevInfo};
use crate::run::{Git, RunError};

/// Go's `minHashDigits`: shorter hex strings are not taken as commits.
const MIN_HASH_DIGITS: usize = 7;

/// Ref name (`HEAD`, `refs/heads/main`, `refs/tags/v1.0.0`) → commit hash.
pub(crate) type Refs = BTreeMap<String, String>;

/// A tag and the commit it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag {
    pub name: String,
    pub hash: String,
}

/// Go's `codehost.Tags`.
#[derive(Debug, Clone)]
pub(crate) struct Tags {
    pub origin: Origin,
    pub list: Vec<Tag>,
}

/// One revision's lookup, shared by concurrent askers.
type StatCell = Arc<tokio::sync::OnceCell<Result<RevInfo, Error>>>;

/// How much of the remote is in the cache repository (in this process).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum FetchLevel {
    None,
    /// Shallow fetches of single refs.
    Some,
    /// All heads and tags with their history.
    All,
}

/// One remote repository and its cache directory.
pub(crate) struct GitRepo {
    git: Git,
    /// The remote URL (Go's `remoteURL`), as the Origin names it.
    url: String,
    dir: PathBuf,
    lock_path: PathBuf,
    sha256: bool,
    refs: tokio::sync::OnceCell<Result<Arc<Refs>, Error>>,
    /// Go's `r.mu`: held (with the `.lock` file) while fetching.
    fetch_level: tokio::sync::Mutex<FetchLevel>,
    /// Go's per-directory lock around every git command.
    commands: tokio::sync::Mutex<()>,
    /// Go's `statCache`: one lookup per revision string per run, even
    /// when asked concurrently (the answer's `Ref` depends on what the
    /// cache repository held when it was first asked).
    stats: Mutex<HashMap<String, StatCell>>,
    local_tags: Mutex<Option<HashSet<String>>>,
}

/// Go's `codehost.WorkDir("git3", url)` under `gomodcache`: the directory
/// and its lock file.
pub(crate) fn work_dir_paths(gomodcache: &Path, url: &str) -> (PathBuf, PathBuf, String) {
    let key = format!("git3:{url}");
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let dir = gomodcache.join("cache/vcs").join(hex);
    let lock = PathBuf::from(format!("{}.lock", dir.display()));
    (dir, lock, key)
}

async fn lock_file(path: &Path) -> Result<FileLock, Error> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || FileLock::exclusive(&path))
        .await
        .map_err(|e| Error::other(format!("locking: {e}")))?
        .map_err(|e| {
            Error::other(format!(
                "codehost.WorkDir: can't find or create lock file: {e}"
            ))
        })
}

/// Prepares the cache directory as `WorkDir` does: reused when its `.info`
/// names the same repository, otherwise started from scratch.
async fn work_dir(gomodcache: &Path, url: &str) -> Result<(PathBuf, PathBuf), Error> {
    let (dir, lock_path, key) = work_dir_paths(gomodcache, url);
    let parent = dir.parent().expect("under cache/vcs");
    std::fs::create_dir_all(parent).map_err(|e| io_error("mkdir", parent, &e))?;
    let _lock = lock_file(&lock_path).await?;
    let info_path = PathBuf::from(format!("{}.info", dir.display()));
    if let (Ok(data), true) = (std::fs::read(&info_path), dir.is_dir()) {
        let have = String::from_utf8_lossy(&data);
        let have = have.trim_end_matches('\n');
        if have != key {
            return Err(Error::other(format!(
                "{} exists with wrong content (have {} want {})",
                info_path.display(),
                quote(have),
                quote(&key)
            )));
        }
        return Ok((dir, lock_path));
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| io_error("mkdir", &dir, &e))?;
    if let Err(e) = std::fs::write(&info_path, key.as_bytes()) {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(io_error("write", &info_path, &e));
    }
    Ok((dir, lock_path))
}

fn io_error(op: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::other(format!(
        "{op} {}: {}",
        path.display(),
        gomodx_fs::os_error_text(e)
    ))
}

/// Go's `AllHex`.
pub(crate) fn all_hex(s: &str) -> bool {
    s.bytes()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

impl GitRepo {
    /// Go's `newGitRepo` for a remote URL: the cache directory, `git init
    /// --bare` and `git remote add origin` the first time.
    pub async fn open(git: Git, gomodcache: &Path, url: &str) -> Result<Self, Error> {
        if !url.contains("://") {
            return Err(Error::other(format!(
                "git remote ({url}) must not be local directory"
            )));
        }
        let (dir, lock_path) = work_dir(gomodcache, url).await?;
        let mut repo = GitRepo {
            git,
            url: url.to_owned(),
            dir,
            lock_path,
            sha256: false,
            refs: tokio::sync::OnceCell::new(),
            fetch_level: tokio::sync::Mutex::new(FetchLevel::None),
            commands: tokio::sync::Mutex::new(()),
            stats: Mutex::default(),
            local_tags: Mutex::default(),
        };
        {
            let _lock = lock_file(&repo.lock_path).await?;
            if !repo.dir.join("objects").exists() {
                repo.init().await.inspect_err(|_| {
                    let _ = std::fs::remove_dir_all(&repo.dir);
                })?;
            }
        }
        repo.sha256 = match repo.run(&["config", "extensions.objectformat"]).await {
            Ok(out) => String::from_utf8_lossy(&out).trim() == "sha256",
            Err(_) => false,
        };
        Ok(repo)
    }

    /// `git init --bare` and the `origin` remote. As go, the remote's refs
    /// are listed first: 64-digit hashes mean a SHA-256 repository (and
    /// `--object-format=sha256`); otherwise SHA-1 is named explicitly where
    /// git knows the flag. The listing (when it works) is kept as the refs.
    async fn init(&self) -> Result<(), Error> {
        let listed = self
            .git
            .run(
                &self.dir,
                false,
                &["ls-remote", "-q", "--end-of-options", &self.url],
            )
            .await
            .ok()
            .map(|out| parse_refs(&String::from_utf8_lossy(&out)));
        let sha256 = listed
            .as_ref()
            .and_then(|refs| refs.values().next())
            .is_some_and(|hash| hash.len() == 64);
        let mut args = vec!["init", "--bare"];
        if sha256 {
            args.push("--object-format=sha256");
        } else if self.git.supports_sha256(&self.dir).await? {
            args.push("--object-format=sha1");
        }
        if let Some(refs) = listed {
            let _ = self.refs.set(Ok(Arc::new(refs)));
        }
        self.git.run(&self.dir, false, &args).await?;
        self.run(&["remote", "add", "origin", "--", &self.url])
            .await?;
        Ok(())
    }

    async fn run(&self, args: &[&str]) -> Result<Vec<u8>, RunError> {
        let _serial = self.commands.lock().await;
        self.git.run(&self.dir, true, args).await
    }

    /// Go's `r.mu.Lock()`: the in-process lock and the `.lock` file.
    async fn lock(&self) -> Result<(tokio::sync::MutexGuard<'_, FetchLevel>, FileLock), Error> {
        let level = self.fetch_level.lock().await;
        let file = lock_file(&self.lock_path).await?;
        Ok((level, file))
    }

    fn hex_hash_len(&self) -> usize {
        if self.sha256 { 64 } else { 40 }
    }

    fn short(&self, hash: &str) -> String {
        if all_hex(hash) && hash.len() == self.hex_hash_len() {
            hash[..12].to_owned()
        } else {
            hash.to_owned()
        }
    }

    /// Go's `loadRefs`: `git ls-remote` once per process.
    pub async fn refs(&self) -> Result<Arc<Refs>, Error> {
        self.refs
            .get_or_init(|| async {
                let out = self
                    .run(&["ls-remote", "-q", "--end-of-options", "origin"])
                    .await
                    .map_err(|mut e| {
                        if e.stderr.contains("could not read Username")
                            || e.stderr.contains("terminal prompts disabled")
                        {
                            e.help = format!(
                                "Confirm the import path was entered correctly.\n\
                                 If this is a private repository, see https://go.dev/doc/faq#git_https for additional information.\n\
                                 (git wants credentials it may not ask for: run `GIT_TERMINAL_PROMPT=1 git ls-remote {}` to see)",
                                self.url
                            );
                        }
                        Error::from(e)
                    })?;
                Ok(Arc::new(parse_refs(&String::from_utf8_lossy(&out))))
            })
            .await
            .clone()
    }

    /// Go's `Tags(prefix)`, with its `TagSum`.
    pub async fn tags(&self, prefix: &str) -> Result<Tags, Error> {
        let refs = self.refs().await?;
        Ok(tags_from_refs(&refs, &self.url, prefix))
    }

    /// Go's `Latest`: the commit of the remote `HEAD`.
    pub async fn latest(&self) -> Result<RevInfo, Error> {
        let refs = self.refs().await?;
        let Some(head) = refs.get("HEAD") else {
            return Err(Error::not_exist("no commits"));
        };
        let mut info = self.stat(head).await.map_err(|e| e.with_origin(None))?;
        info.origin.ref_ = "HEAD".to_owned();
        info.origin.hash = head.clone();
        Ok(info)
    }

    /// Go's `Stat`: cached per process.
    pub async fn stat(&self, rev: &str) -> Result<RevInfo, Error> {
        let cell = self
            .stats
            .lock()
            .expect("not poisoned")
            .entry(rev.to_owned())
            .or_default()
            .clone();
        cell.get_or_init(|| self.stat_uncached(rev)).await.clone()
    }

    fn is_hash_prefix(&self, rev: &str) -> bool {
        rev.len() >= MIN_HASH_DIGITS && rev.len() <= self.hex_hash_len() && all_hex(rev)
    }

    fn has_local_tag(&self, tag: &str) -> Option<bool> {
        let tags = self.local_tags.lock().expect("not poisoned");
        tags.as_ref().map(|tags| tags.contains(tag))
    }

    async fn load_local_tags(&self) {
        if self.has_local_tag("").is_some() {
            return;
        }
        let tags = match self.run(&["tag", "-l"]).await {
            Ok(out) => String::from_utf8_lossy(&out)
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            Err(_) => HashSet::new(),
        };
        let mut local = self.local_tags.lock().expect("not poisoned");
        local.get_or_insert(tags);
    }

    /// Go's `stat`: a local lookup, else a shallow fetch of the named ref,
    /// else a fetch of all heads and tags.
    async fn stat_uncached(&self, rev: &str) -> Result<RevInfo, Error> {
        let mut did_stat_local = false;
        if self.is_hash_prefix(rev) {
            if let Ok(info) = self.stat_local(rev, rev).await {
                return Ok(info);
            }
            did_stat_local = true;
        }
        self.load_local_tags().await;
        if self.has_local_tag(rev) == Some(true) {
            return self.stat_local(rev, &format!("refs/tags/{rev}")).await;
        }
        let refs = self.refs().await?;
        let mut rev = rev.to_owned();
        let (mut ref_, mut hash) = (String::new(), String::new());
        let tag_ref = format!("refs/tags/{rev}");
        let head_ref = format!("refs/heads/{rev}");
        if let Some(h) = refs.get(&tag_ref) {
            (ref_, hash) = (tag_ref, h.clone());
        } else if let Some(h) = refs.get(&head_ref) {
            (ref_, hash) = (head_ref, h.clone());
            rev = hash.clone();
        } else if rev == "HEAD" && refs.contains_key("HEAD") {
            (ref_, hash) = ("HEAD".to_owned(), refs["HEAD"].clone());
            rev = hash.clone();
        } else if self.is_hash_prefix(&rev) {
            let prefix = rev.clone();
            for (k, h) in refs.iter() {
                if h.starts_with(&prefix) {
                    if !hash.is_empty() && hash != *h {
                        return Err(Error::other(format!("ambiguous revision {prefix}")));
                    }
                    if ref_.is_empty() || ref_ > *k {
                        ref_ = k.clone();
                    }
                    rev = h.clone();
                    hash = h.clone();
                }
            }
            if hash.is_empty() && rev.len() == self.hex_hash_len() {
                hash = rev.clone();
            }
        } else {
            let origin = unknown_revision_origin(&refs, &self.url);
            return Err(Error::unknown_revision(&rev).with_origin(Some(origin)));
        }

        let fetched = self
            .stat_fetching(&rev, &mut ref_, &hash, did_stat_local)
            .await;
        // Go's deferred Origin fix-up, which also touches an error's Origin.
        let mut info = fetched.map_err(|mut e| {
            if let Some(origin) = &mut e.origin {
                origin.hash.clear();
                origin.ref_.clone_from(&ref_);
            }
            e
        })?;
        info.origin.hash = info.name.clone();
        if ref_ != info.origin.hash {
            info.origin.ref_ = ref_;
        }
        Ok(info)
    }

    /// The part of Go's `stat` under `r.mu`. Fetching `HEAD` by its hash
    /// makes the hash the ref (so the Origin names no `Ref`), as in go.
    async fn stat_fetching(
        &self,
        rev: &str,
        ref_: &mut String,
        hash: &str,
        did_stat_local: bool,
    ) -> Result<RevInfo, Error> {
        let (mut level, _file) = self.lock().await?;
        if !did_stat_local && let Ok(info) = self.stat_local(rev, hash).await {
            if let Some(tag) = ref_.strip_prefix("refs/tags/")
                && !info.tags.iter().any(|t| t == tag)
            {
                self.run(&["tag", "--end-of-options", tag, hash]).await?;
                if let Some(tags) = self.local_tags.lock().expect("not poisoned").as_mut() {
                    tags.insert(tag.to_owned());
                }
                return self.stat_local(rev, ref_).await;
            }
            return Ok(info);
        }
        if *level <= FetchLevel::Some && !ref_.is_empty() && !hash.is_empty() {
            *level = FetchLevel::Some;
            let refspec = if ref_ == "HEAD" {
                *ref_ = hash.to_owned();
                format!("{hash}:refs/dummy")
            } else {
                format!("{ref_}:{ref_}")
            };
            let fetched = self
                .run(&[
                    "-c",
                    "protocol.version=2",
                    "fetch",
                    "-f",
                    "--depth=1",
                    "--end-of-options",
                    "origin",
                    &refspec,
                ])
                .await;
            if fetched.is_ok() {
                return self.stat_local(rev, ref_).await;
            }
        }
        self.fetch_refs_locked(&mut level).await?;
        self.stat_local(rev, rev).await
    }

    /// Go's `fetchRefsLocked`: all heads and tags, then unshallow.
    async fn fetch_refs_locked(&self, level: &mut FetchLevel) -> Result<(), Error> {
        if *level < FetchLevel::All {
            self.run(&[
                "fetch",
                "-f",
                "--end-of-options",
                "origin",
                "refs/heads/*:refs/heads/*",
                "refs/tags/*:refs/tags/*",
            ])
            .await?;
            if self.dir.join("shallow").exists() {
                self.run(&["fetch", "--unshallow", "-f", "--end-of-options", "origin"])
                    .await?;
            }
            *level = FetchLevel::All;
        }
        Ok(())
    }

    /// Fetches all heads and tags with their history (for `RecentTag` and
    /// `DescendsFrom`).
    pub async fn fetch_all(&self) -> Result<(), Error> {
        let (mut level, _file) = self.lock().await?;
        self.fetch_refs_locked(&mut level).await
    }

    /// Go's `statLocal`: `git log -n1` of `rev` in the cache repository.
    async fn stat_local(&self, version: &str, rev: &str) -> Result<RevInfo, Error> {
        let out = self
            .run(&[
                "-c",
                "log.showsignature=false",
                "log",
                "--no-decorate",
                "-n1",
                "--format=format:%H %ct %D",
                "--end-of-options",
                rev,
                "--",
            ])
            .await;
        let Ok(out) = out else {
            // As go: with the refs' RepoSum, so the miss can be reused.
            let origin = match self.refs().await {
                Ok(refs) => Some(unknown_revision_origin(&refs, &self.url)),
                Err(_) => None,
            };
            return Err(Error::unknown_revision(rev).with_origin(origin));
        };
        let text = String::from_utf8_lossy(&out);
        let fields: Vec<&str> = text.split_whitespace().collect();
        if fields.len() < 2 {
            return Err(Error::other(format!(
                "unexpected response from git log: {}",
                quote(&text)
            )));
        }
        let hash = fields[0].to_owned();
        let time: i64 = fields[1]
            .parse()
            .map_err(|_| Error::other(format!("invalid time from git log: {}", quote(&text))))?;
        let mut version = version.to_owned();
        if hash.starts_with(&version) {
            version = hash.clone();
        }
        let mut info = RevInfo {
            origin: Origin {
                vcs: "git".to_owned(),
                url: self.url.clone(),
                hash: hash.clone(),
                ..Origin::default()
            },
            name: hash.clone(),
            short: self.short(&hash),
            time,
            version: hash.clone(),
            tags: Vec::new(),
        };
        if !hash.starts_with(rev) {
            info.origin.ref_ = rev.to_owned();
        }
        let mut i = 2;
        while i < fields.len() {
            if fields[i] == "tag:" && i + 1 < fields.len() {
                i += 1;
                info.tags.push(fields[i].trim_end_matches(',').to_owned());
            }
            i += 1;
        }
        if let Ok(refs) = self.refs().await {
            for (r, h) in refs.iter() {
                if *h == hash
                    && let Some(tag) = r.strip_prefix("refs/tags/")
                {
                    info.tags.push(tag.to_owned());
                }
            }
        }
        info.tags.sort();
        info.tags.dedup();
        if info.tags.contains(&version) {
            info.version = version;
        }
        Ok(info)
    }

    /// Go's `ReadFile`: the file at a revision, `not_exist` when missing.
    pub async fn read_file(&self, rev: &str, file: &str) -> Result<Vec<u8>, Error> {
        let info = self.stat(rev).await?;
        let object = format!("{}:{file}", info.name);
        self.run(&["cat-file", "--end-of-options", "blob", &object])
            .await
            .map_err(|_| Error::not_exist(format!("file {file} not found at {rev}")))
    }

    /// The tags whose commits are ancestors of `rev` (a full hash), for
    /// Go's `RecentTag`.
    pub async fn merged_tags(&self, rev: &str) -> Result<Vec<String>, Error> {
        let merged = format!("--merged={rev}");
        let out = self
            .run(&["for-each-ref", "--format=%(refname)", &merged])
            .await?;
        Ok(String::from_utf8_lossy(&out)
            .lines()
            .filter_map(|l| l.trim().strip_prefix("refs/tags/"))
            .map(str::to_owned)
            .collect())
    }

    /// Go's `DescendsFrom`.
    pub async fn descends_from(&self, rev: &str, tag: &str) -> Result<bool, Error> {
        let is_ancestor = ["merge-base", "--is-ancestor", "--", tag, rev];
        if self.run(&is_ancestor).await.is_ok() {
            return Ok(true);
        }
        if self.tags(tag).await?.list.is_empty() {
            return Ok(false);
        }
        self.stat_uncached(rev).await?;
        self.fetch_all().await?;
        match self.run(&is_ancestor).await {
            Ok(_) => Ok(true),
            Err(e) if e.code == Some(1) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The tree of `rev` below `subdir` as `git archive` writes it (a tar
    /// with every path under `prefix/`), after disabling `export-subst`
    /// and `export-ignore` as go does, so archives do not depend on
    /// `.gitattributes`. `not_exist` when `subdir` is not in the tree.
    pub async fn archive(&self, rev: &str, subdir: &str) -> Result<Vec<u8>, Error> {
        let info = self.stat(rev).await?;
        let (_level, _file) = self.lock().await?;
        ensure_git_attributes(&self.dir)?;
        let mut args = vec![
            "-c",
            "core.autocrlf=input",
            "-c",
            "core.eol=lf",
            "archive",
            "--format=tar",
            "--prefix=prefix/",
            "--end-of-options",
            &info.name,
        ];
        if !subdir.is_empty() {
            args.push(subdir);
        }
        self.run(&args).await.map_err(|e| {
            if e.stderr.contains("did not match any files") {
                Error::not_exist(format!("{subdir}: file does not exist"))
            } else {
                e.into()
            }
        })
    }
}

/// Go's `ensureGitAttributes`.
fn ensure_git_attributes(repo: &Path) -> Result<(), Error> {
    const ATTR: &str = "\n* -export-subst -export-ignore\n";
    let dir = repo.join("info");
    std::fs::create_dir_all(&dir).map_err(|e| io_error("mkdir", &dir, &e))?;
    let path = dir.join("attributes");
    let have = match std::fs::read(&path) {
        Ok(data) => data,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(io_error("open", &path, &e)),
    };
    if !have.ends_with(ATTR.as_bytes()) {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| io_error("open", &path, &e))?;
        file.write_all(ATTR.as_bytes())
            .map_err(|e| io_error("write", &path, &e))?;
    }
    Ok(())
}

/// The refs of `git ls-remote` output that go keeps: `HEAD`, heads and
/// tags, annotated tags replaced by the commit they point to.
pub(crate) fn parse_refs(out: &str) -> Refs {
    let mut refs = Refs::new();
    for line in out.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [hash, name] = fields[..] else { continue };
        if name == "HEAD" || name.starts_with("refs/heads/") || name.starts_with("refs/tags/") {
            refs.insert(name.to_owned(), hash.to_owned());
        }
    }
    let peeled: Vec<(String, String)> = refs
        .iter()
        .filter_map(|(name, hash)| Some((name.strip_suffix("^{}")?.to_owned(), hash.clone())))
        .collect();
    for (name, hash) in peeled {
        refs.remove(&format!("{name}^{{}}"));
        refs.insert(name, hash);
    }
    refs
}

/// Go's `isOriginTag`: tags that could ever matter for versions.
fn is_origin_tag(tag: &str) -> bool {
    let c = semver::canonical(tag);
    !c.is_empty() && tag.starts_with(&c) && !pseudo::is_pseudo_version(tag)
}

/// Go's `gitRepo.Tags`: the tags starting with `prefix`, sorted, and the
/// `TagSum` over those that could be versions.
pub(crate) fn tags_from_refs(refs: &Refs, url: &str, prefix: &str) -> Tags {
    let list: Vec<Tag> = refs
        .iter()
        .filter_map(|(r, hash)| {
            let name = r.strip_prefix("refs/tags/")?;
            name.starts_with(prefix).then(|| Tag {
                name: name.to_owned(),
                hash: hash.clone(),
            })
        })
        .collect();
    let dir = &prefix[..prefix.rfind('/').map_or(0, |i| i + 1)];
    let mut h = Sha256::new();
    for tag in &list {
        if is_origin_tag(tag.name.strip_prefix(dir).unwrap_or(&tag.name)) {
            h.update(format!("{} {}\n", quote(&tag.name), tag.hash).as_bytes());
        }
    }
    let tag_sum = format!(
        "t1:{}",
        base64::engine::general_purpose::STANDARD.encode(h.finalize())
    );
    Tags {
        origin: Origin {
            vcs: "git".to_owned(),
            url: url.to_owned(),
            tag_prefix: prefix.to_owned(),
            tag_sum,
            ..Origin::default()
        },
        list,
    }
}

/// Go's `unknownRevisionInfo`: the Origin of an `unknown revision`
/// answer, a `RepoSum` over every ref (the answer holds while no ref moves).
pub(crate) fn unknown_revision_origin(refs: &Refs, url: &str) -> Origin {
    let mut h = Sha256::new();
    for (name, hash) in refs {
        h.update(format!("{} {hash}\n", quote(name)).as_bytes());
    }
    Origin {
        vcs: "git".to_owned(),
        url: url.to_owned(),
        repo_sum: format!(
            "r1:{}",
            base64::engine::general_purpose::STANDARD.encode(h.finalize())
        ),
        ..Origin::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_keep_heads_and_tags_and_peel_annotated_tags() {
        let out = "aaa\tHEAD\nbbb\trefs/heads/main\nccc\trefs/tags/v1.0.0\n\
                   ddd\trefs/tags/v1.0.0^{}\neee\trefs/pull/1/head\nbad line here\n";
        let refs = parse_refs(out);
        assert_eq!(
            refs.into_iter().collect::<Vec<_>>(),
            [
                ("HEAD".into(), "aaa".into()),
                ("refs/heads/main".into(), "bbb".into()),
                ("refs/tags/v1.0.0".into(), "ddd".into()),
            ]
        );
    }

    #[test]
    fn tag_sums_cover_only_version_like_tags_of_the_directory() {
        let mut refs = Refs::new();
        refs.insert("refs/tags/v1.0.0".into(), "a".repeat(40));
        refs.insert("refs/tags/sub/v0.1.0".into(), "b".repeat(40));
        let root = tags_from_refs(&refs, "https://x", "");
        assert_eq!(root.list.len(), 2);
        let sub = tags_from_refs(&refs, "https://x", "sub/");
        assert_eq!(
            sub.list,
            [Tag {
                name: "sub/v0.1.0".into(),
                hash: "b".repeat(40)
            }]
        );
        assert_ne!(root.origin.tag_sum, sub.origin.tag_sum);
        let mut more = refs.clone();
        more.insert("refs/tags/not-a-version".into(), "c".repeat(40));
        assert_eq!(
            tags_from_refs(&more, "https://x", "").origin.tag_sum,
            root.origin.tag_sum
        );
    }

    #[test]
    fn work_dirs_are_named_like_go() {
        let (dir, lock, key) = work_dir_paths(Path::new("/m"), "https://example.com/a");
        assert_eq!(key, "git3:https://example.com/a");
        assert_eq!(
            dir,
            Path::new(
                "/m/cache/vcs/783f3be6a6ddb5821c5c75cc1d820c89dfa3c643407fbb1e9a946ccb8e92e2d7"
            )
        );
        assert_eq!(lock.extension().unwrap(), "lock");
    }
}
