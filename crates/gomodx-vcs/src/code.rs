//! Module versions from repository revisions, as Go's
//! `modfetch/coderepo.go` computes them: tags to versions (with the
//! module's subdirectory as tag prefix, major version subdirectories and
//! `+incompatible`), branches and commits to pseudo-versions from the
//! right base tag, the go.mod at a revision (synthesized when there is
//! none) and the module zip.

use std::io::{Read, Seek};
use std::sync::Arc;

use gomodx_module::path::{match_path_major, path_major_prefix, split_path_version};
use gomodx_module::time::Timestamp;
use gomodx_module::{ModuleVersion, canonical_version, pseudo, semver};

use crate::error::Error;
use crate::git::{GitRepo, all_hex};
use crate::origin::{Origin, RevInfo};

/// Go's `codehost.MaxZipFile`.
const MAX_ZIP_FILE: u64 = 500 << 20;

/// One module inside a repository (Go's `codeRepo`).
pub(crate) struct CodeRepo {
    mod_path: String,
    code: Arc<GitRepo>,
    code_root: String,
    /// The module's directory in the repository (`""` at the root).
    code_dir: String,
    /// `/v2`, `.v1` or `""`.
    path_major: String,
    /// The module path without its major suffix.
    path_prefix: String,
    /// `v2`, `v1` or `""`: the major of pseudo-versions.
    pseudo_major: String,
}

/// Go's `hasPathPrefix`.
pub(crate) fn has_path_prefix(s: &str, prefix: &str) -> bool {
    match s.len().cmp(&prefix.len()) {
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => s == prefix,
        std::cmp::Ordering::Greater => {
            if prefix.ends_with('/') {
                s.starts_with(prefix)
            } else {
                s.as_bytes()[prefix.len()] == b'/' && s.starts_with(prefix)
            }
        }
    }
}

/// Go's `modfile.ModulePath`: the module line's path, read leniently.
fn module_path(gomod: &[u8]) -> String {
    for line in String::from_utf8_lossy(gomod).lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("module") else {
            continue;
        };
        let mut rest = rest.trim();
        if let Some(i) = rest.find("//") {
            rest = rest[..i].trim();
        }
        if let Some(inner) = rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            return inner.to_owned();
        }
        return rest.to_owned();
    }
    String::new()
}

/// Go's `isMajor`.
fn is_major(mpath: &str, path_major: &str) -> bool {
    if mpath.is_empty() {
        return false;
    }
    let (_, mpath_major, ok) = split_path_version(mpath);
    if !ok {
        return false;
    }
    if path_major.is_empty() {
        return matches!(path_major_prefix(mpath_major), "" | "v0" | "v1");
    }
    !mpath_major.is_empty() && path_major[1..] == mpath_major[1..]
}

/// What `findDir` found: the revision, the module's directory and its
/// go.mod (when the module has one).
struct Found {
    rev: String,
    dir: String,
    gomod: Option<Vec<u8>>,
}

impl CodeRepo {
    /// Go's `newCodeRepo`.
    pub fn new(
        code: Arc<GitRepo>,
        code_root: &str,
        subdir: &str,
        path: &str,
    ) -> Result<Self, Error> {
        if !has_path_prefix(path, code_root) {
            return Err(Error::other(format!(
                "mismatched repo: found {code_root} for {path}"
            )));
        }
        let (prefix, path_major, ok) = split_path_version(path);
        if !ok {
            return Err(Error::other(format!("invalid module path {path:?}")));
        }
        let path_prefix = if code_root == path { path } else { prefix };
        let mut code_dir = String::new();
        if code_root != path {
            if !has_path_prefix(path_prefix, code_root) {
                return Err(Error::other(format!(
                    "repository rooted at {code_root} cannot contain module {path}"
                )));
            }
            code_dir = path_prefix[code_root.len()..].trim_matches('/').to_owned();
        }
        if !subdir.is_empty() {
            code_dir = if code_dir.is_empty() {
                subdir.to_owned()
            } else {
                format!("{subdir}/{code_dir}")
            };
        }
        Ok(CodeRepo {
            mod_path: path.to_owned(),
            code,
            code_root: code_root.to_owned(),
            code_dir,
            pseudo_major: path_major_prefix(path_major).to_owned(),
            path_major: path_major.to_owned(),
            path_prefix: path_prefix.to_owned(),
        })
    }

    fn tag_prefix(&self) -> String {
        if self.code_dir.is_empty() {
            String::new()
        } else {
            format!("{}/", self.code_dir)
        }
    }

    /// Go's `Versions("")`: the tagged versions, sorted, and the
    /// list's `Origin` (the tags' `TagSum`, with the module's `Subdir`).
    pub async fn versions(&self) -> Result<(Vec<String>, Origin), Error> {
        let p = self.tag_prefix();
        let tags = self
            .code
            .tags(&p)
            .await
            .map_err(|e| e.module(&self.mod_path))?;
        let (mut list, mut incompatible) = (Vec::new(), Vec::new());
        for tag in &tags.list {
            let Some(v) = tag.name.strip_prefix(&p) else {
                continue;
            };
            if v.is_empty() || v != semver::canonical(v) || pseudo::is_pseudo_version(v) {
                continue;
            }
            if gomodx_module::path::check_path_major(v, &self.path_major).is_err() {
                if self.code_dir.is_empty() && self.path_major.is_empty() && semver::major(v) > "v1"
                {
                    incompatible.push(v.to_owned());
                }
                continue;
            }
            list.push(v.to_owned());
        }
        sort_versions(&mut list);
        sort_versions(&mut incompatible);
        let mut origin = tags.origin;
        origin.subdir = self.code_dir.clone();
        Ok((self.append_incompatible(list, incompatible).await?, origin))
    }

    async fn has_go_mod(&self, rev: &str, file: &str) -> Result<bool, Error> {
        match self.code.read_file(rev, file).await {
            Ok(_) => Ok(true),
            Err(e) if e.not_exist => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Go's `appendIncompatibleVersions`.
    async fn append_incompatible(
        &self,
        mut list: Vec<String>,
        incompatible: Vec<String>,
    ) -> Result<Vec<String>, Error> {
        if incompatible.is_empty() || !self.path_major.is_empty() {
            return Ok(list);
        }
        let has_go_mod = |v: String| async move {
            self.has_go_mod(&self.rev_to_rev(&v), "go.mod")
                .await
                .map_err(|e| e.module(&self.mod_path))
        };
        if let Some(last) = list.last()
            && has_go_mod(last.clone()).await?
        {
            return Ok(list);
        }
        let mut last_major = "";
        let mut last_major_has_go_mod = false;
        for (i, v) in incompatible.iter().enumerate() {
            let major = semver::major(v);
            if major != last_major {
                let latest_at_major = incompatible[i..]
                    .iter()
                    .take_while(|w| semver::major(w) == major)
                    .last()
                    .expect("v itself");
                last_major = major;
                last_major_has_go_mod = has_go_mod(latest_at_major.clone()).await?;
            }
            if !last_major_has_go_mod {
                list.push(format!("{v}+incompatible"));
            }
        }
        Ok(list)
    }

    /// Go's `Stat`.
    pub async fn stat(&self, rev: &str) -> Result<RevInfo, Error> {
        if rev == "latest" {
            return self.latest().await;
        }
        let code_rev = self.rev_to_rev(rev);
        let info = self
            .code
            .stat(&code_rev)
            .await
            .map_err(|e| e.invalid_version(&self.mod_path, rev))?;
        self.convert(info, rev).await
    }

    /// Go's `Latest`.
    pub async fn latest(&self) -> Result<RevInfo, Error> {
        let info = self.code.latest().await?;
        self.convert(info, "").await
    }

    /// Go's `convert`: the module version a revision stands for.
    async fn convert(&self, info: RevInfo, stat_vers: &str) -> Result<RevInfo, Error> {
        let mut origin = info.origin.clone();
        origin.subdir = self.code_dir.clone();
        // As go, a failure carries the Origin of the revision it looked at.
        let mut rev_info = match self.convert_version(&info, stat_vers).await {
            Ok(rev_info) => rev_info,
            Err(e) => return Err(e.with_origin(Some(origin))),
        };
        let v = &rev_info.version;
        if pseudo::is_pseudo_version(v) && (v != stat_vers || !v.starts_with("v0.0.0-")) {
            let mut prefix = self.tag_prefix();
            if !self.path_major.is_empty() {
                prefix.push_str(&self.path_major[1..]);
                prefix.push('.');
            }
            let tags = self.code.tags(&prefix).await?;
            origin.tag_prefix = tags.origin.tag_prefix;
            origin.tag_sum = tags.origin.tag_sum;
        }
        rev_info.origin = origin;
        Ok(rev_info)
    }

    /// Go's `canUseIncompatible` for `v` at the revision `name`.
    async fn can_use_incompatible(
        &self,
        name: &str,
        v: &str,
        stat_vers: &str,
    ) -> Result<bool, Error> {
        if !self.code_dir.is_empty() || !self.path_major.is_empty() {
            return Ok(false);
        }
        // As in go, a go.mod that cannot be read counts as missing.
        if self.has_go_mod(name, "go.mod").await.unwrap_or(false) {
            return Ok(false);
        }
        if !v.is_empty() && !stat_vers.ends_with("+incompatible") {
            let sub = format!("{}/go.mod", semver::major(v));
            if self.has_go_mod(name, &sub).await.unwrap_or(false) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Go's `checkCanonical` inside `convert`.
    async fn check_canonical(
        &self,
        info: &RevInfo,
        v: &str,
        stat_vers: &str,
    ) -> Result<RevInfo, Error> {
        if let Err(e) = self.find_dir(v).await {
            return Err(Error::not_exist(e.text).invalid_version(&self.mod_path, v));
        }
        let invalid = |text: String| Error::other(text).invalid_version(&self.mod_path, v);
        let mut v = v.to_owned();
        if v == stat_vers.trim_end_matches("+incompatible") {
            v = stat_vers.to_owned();
        }
        let base = v.trim_end_matches("+incompatible").to_owned();
        let mut err_incompatible = None;
        if !match_path_major(&base, &self.path_major) {
            if self
                .can_use_incompatible(&info.name, &base, stat_vers)
                .await?
            {
                v = format!("{base}+incompatible");
            } else if !self.path_major.is_empty() {
                err_incompatible = Some(invalid(
                    "module path includes a major version suffix, so major version must match"
                        .to_owned(),
                ));
            } else {
                err_incompatible = Some(invalid(format!(
                    "module contains a go.mod file, so module path must match major version ({:?})",
                    format!("{}/{}", self.path_prefix, semver::major(&v))
                )));
            }
        } else if v.ends_with("+incompatible") {
            err_incompatible = Some(invalid(format!(
                "+incompatible suffix not allowed: major version {} is compatible",
                semver::major(&v)
            )));
        }
        if !stat_vers.is_empty() && stat_vers == canonical_version(stat_vers) {
            let stat_base = stat_vers.trim_end_matches("+incompatible");
            if stat_base != base {
                return Err(Error::other(format!(
                    "resolves to version {v} ({stat_base} is not a tag)"
                ))
                .invalid_version(&self.mod_path, stat_vers));
            }
        }
        if let Some(e) = err_incompatible {
            return Err(e);
        }
        Ok(RevInfo {
            version: v,
            tags: Vec::new(),
            ..info.clone()
        })
    }

    fn tag_to_version(&self, tag: &str) -> (String, bool) {
        tag_to_version(&self.tag_prefix(), tag)
    }

    /// The version part of `convert`, without the Origin.
    async fn convert_version(&self, info: &RevInfo, stat_vers: &str) -> Result<RevInfo, Error> {
        if pseudo::is_pseudo_version(stat_vers) {
            let rev_info = self.check_canonical(info, stat_vers, stat_vers).await?;
            self.validate_pseudo_version(info, stat_vers)
                .await
                .map_err(|e| e.invalid_version(&self.mod_path, stat_vers))?;
            return Ok(rev_info);
        }
        let retracted = self.retractions().await.unwrap_or_default();
        let is_retracted = |v: &str| {
            retracted.iter().any(|(low, high)| {
                semver::compare(low, v).is_le() && semver::compare(v, high).is_le()
            })
        };
        if let (v, true) = self.tag_to_version(&info.version)
            && let Ok(found) = self.check_canonical(info, &v, stat_vers).await
        {
            return Ok(found);
        }
        let mut highest = String::new();
        let mut pseudo_base = String::new();
        for tag in &info.tags {
            let (v, canonical) = self.tag_to_version(tag);
            if !stat_vers.is_empty() && semver::compare(&v, stat_vers).is_eq() {
                if canonical {
                    return self.check_canonical(info, &v, stat_vers).await;
                }
                pseudo_base = v.clone();
            }
            if canonical
                && semver::compare(&highest, &v).is_lt()
                && !is_retracted(&v)
                && (match_path_major(&v, &self.path_major)
                    || self.can_use_incompatible(&info.name, &v, stat_vers).await?)
            {
                highest = v;
            }
        }
        if !highest.is_empty() {
            return self.check_canonical(info, &highest, stat_vers).await;
        }
        if pseudo_base.is_empty() {
            let tag = self.recent_tag(info, stat_vers, &is_retracted).await?;
            if !tag.is_empty() {
                pseudo_base = self.tag_to_version(&tag).0;
            }
        }
        let time = Timestamp::from_unix(info.time).to_compact();
        let version = pseudo::pseudo_version(&self.pseudo_major, &pseudo_base, &time, &info.short);
        self.check_canonical(info, &version, stat_vers).await
    }

    /// Go's `tagAllowed` inside `convert`.
    async fn tag_allowed(
        &self,
        info: &RevInfo,
        stat_vers: &str,
        tag: &str,
        is_retracted: &impl Fn(&str) -> bool,
    ) -> Result<bool, Error> {
        let (v, _) = self.tag_to_version(tag);
        if v.is_empty() {
            return Ok(false);
        }
        if !match_path_major(&v, &self.path_major)
            && !self.can_use_incompatible(&info.name, &v, stat_vers).await?
        {
            return Ok(false);
        }
        Ok(!is_retracted(&v))
    }

    /// Go's `gitRepo.RecentTag`: the highest allowed version tag among the
    /// ancestors of the revision, fetching history when the shallow cache
    /// cannot tell.
    async fn recent_tag(
        &self,
        info: &RevInfo,
        stat_vers: &str,
        is_retracted: &impl Fn(&str) -> bool,
    ) -> Result<String, Error> {
        let prefix = self.tag_prefix();
        let describe = || async {
            let mut highest = String::new();
            for line in self.code.merged_tags(&info.name).await? {
                let Some(semtag) = line.strip_prefix(&prefix) else {
                    continue;
                };
                if !self
                    .tag_allowed(info, stat_vers, &line, is_retracted)
                    .await?
                {
                    continue;
                }
                if semver::compare(semtag, &highest).is_gt() {
                    highest = semtag.to_owned();
                }
            }
            Ok::<_, Error>(if highest.is_empty() {
                String::new()
            } else {
                format!("{prefix}{highest}")
            })
        };
        let tag = describe().await?;
        if !tag.is_empty() && !all_hex(&tag) {
            return Ok(tag);
        }
        if self.code.tags(&format!("{prefix}v")).await?.list.is_empty() {
            return Ok(String::new());
        }
        self.code.fetch_all().await?;
        describe().await
    }

    /// Go's `validatePseudoVersion`; errors are the bare reasons.
    async fn validate_pseudo_version(&self, info: &RevInfo, version: &str) -> Result<(), Error> {
        let module_text = |e: gomodx_module::ModuleError| Error::other(e.to_string());
        let rev = pseudo::pseudo_version_rev(version).map_err(module_text)?;
        if rev != info.short {
            let reason = if rev.starts_with(&info.short) {
                "revision is longer than canonical"
            } else if info.short.starts_with(&rev) {
                "revision is shorter than canonical"
            } else {
                "does not match short name of revision"
            };
            return Err(Error::other(format!("{reason} (expected {})", info.short)));
        }
        let t = pseudo::pseudo_version_time(version).map_err(module_text)?;
        let expected = Timestamp::from_unix(info.time).to_compact();
        if t != expected {
            return Err(Error::other(format!(
                "does not match version-control timestamp (expected {expected})"
            )));
        }
        let tag_prefix = self.tag_prefix();
        let base = pseudo::pseudo_version_base(version.trim_end_matches("+incompatible"))
            .map_err(module_text)?;
        if base.is_empty() {
            if self.pseudo_major.is_empty() && semver::major(version) == "v1" {
                return Err(Error::other(
                    "major version without preceding tag must be v0, not v1",
                ));
            }
            return Ok(());
        }
        for tag in &info.tags {
            if tag.strip_prefix(&tag_prefix).unwrap_or(tag) == base {
                return Err(Error::other(format!(
                    "tag ({tag}) found on revision {rev} is already canonical, so should not be replaced with a pseudo-version derived from that tag"
                )));
            }
        }
        let tags = self.code.tags(&format!("{tag_prefix}{base}")).await?;
        let mut last_tag = String::new();
        let mut found = false;
        let mut last_err = None;
        for tag in &tags.list {
            let version_only = tag.name.strip_prefix(&tag_prefix).unwrap_or(&tag.name);
            if semver::compare(version_only, &base).is_eq() {
                last_tag = tag.name.clone();
                match self.code.descends_from(&info.name, &tag.name).await {
                    Ok(true) => {
                        found = true;
                        break;
                    }
                    Ok(false) => {}
                    Err(e) => last_err = Some(e),
                }
            }
        }
        if last_tag.is_empty() {
            return Err(Error::other(format!("preceding tag ({base}) not found")));
        }
        if !found {
            if let Some(e) = last_err {
                return Err(e);
            }
            return Err(Error::other(format!(
                "revision {rev} is not a descendent of preceding tag ({last_tag})"
            )));
        }
        Ok(())
    }

    /// Go's `revToRev`.
    fn rev_to_rev(&self, rev: &str) -> String {
        if !semver::is_valid(rev) {
            return rev.to_owned();
        }
        if pseudo::is_pseudo_version(rev) {
            return pseudo::pseudo_version_rev(rev).unwrap_or_default();
        }
        let rev = rev.strip_suffix("+incompatible").unwrap_or(rev);
        format!("{}{rev}", self.tag_prefix())
    }

    /// A go.mod at a revision, `None` when there is none.
    async fn read_go_mod(&self, rev: &str, file: &str) -> Result<Option<Vec<u8>>, Error> {
        match self.code.read_file(rev, file).await {
            Ok(data) => Ok(Some(data)),
            Err(e) if e.not_exist => Ok(None),
            Err(e) => Err(Error::other(format!(
                "reading {}/{file} at revision {rev}: {e}",
                self.code_root
            ))),
        }
    }

    /// Go's `findDir`: where the module's go.mod is at `version`.
    async fn find_dir(&self, version: &str) -> Result<Found, Error> {
        if !semver::is_valid(version) {
            return Err(Error::other("syntax error").invalid_version(&self.mod_path, version));
        }
        let rev = self.rev_to_rev(version);
        let join = |dir: &str, file: &str| {
            if dir.is_empty() {
                file.to_owned()
            } else {
                format!("{dir}/{file}")
            }
        };
        let file1 = join(&self.code_dir, "go.mod");
        let gomod1 = self.read_go_mod(&rev, &file1).await?;
        let mpath1 = gomod1.as_deref().map(module_path).unwrap_or_default();
        let found1 = gomod1.is_some()
            && (is_major(&mpath1, &self.path_major)
                || (self.path_major.is_empty() && mpath1.starts_with("gopkg.in/")));
        let mut file2 = String::new();
        if !self.path_major.is_empty()
            && self.code_root != self.mod_path
            && !self.path_major.starts_with('.')
        {
            let dir2 = join(&self.code_dir, &self.path_major[1..]);
            file2 = join(&dir2, "go.mod");
            let gomod2 = self.read_go_mod(&rev, &file2).await?;
            let mpath2 = gomod2.as_deref().map(module_path).unwrap_or_default();
            let found2 = gomod2.is_some() && is_major(&mpath2, &self.path_major);
            if found1 && found2 {
                return Err(Error::other(format!(
                    "{}/{file1} and ...{}/go.mod both have ...{} module paths at revision {rev}",
                    self.path_prefix, self.path_major, self.path_major
                )));
            }
            if found2 {
                return Ok(Found {
                    rev,
                    dir: dir2,
                    gomod: gomod2,
                });
            }
            if gomod2.is_some() {
                return Err(Error::other(if mpath2.is_empty() {
                    format!(
                        "{}/{file2} is missing module path at revision {rev}",
                        self.code_root
                    )
                } else {
                    format!(
                        "{}/{file2} has non-...{} module path {mpath2:?} at revision {rev}",
                        self.code_root, self.path_major
                    )
                }));
            }
        }
        if found1 {
            return Ok(Found {
                rev,
                dir: self.code_dir.clone(),
                gomod: gomod1,
            });
        }
        if gomod1.is_some() {
            let suffix = if file2.is_empty() {
                String::new()
            } else {
                format!(" (and ...{}/go.mod does not exist)", self.path_major)
            };
            let text = if mpath1.is_empty() {
                format!("{file1} is missing module path{suffix} at revision {rev}")
            } else if !self.path_major.is_empty() {
                format!(
                    "{file1} has non-...{} module path {mpath1:?}{suffix} at revision {rev}",
                    self.path_major
                )
            } else if !split_path_version(&mpath1).2 {
                format!("{file1} has malformed module path {mpath1:?}{suffix} at revision {rev}")
            } else {
                format!(
                    "{file1} has post-{} module path {mpath1:?}{suffix} at revision {rev}",
                    semver::major(version)
                )
            };
            return Err(Error::other(text));
        }
        if self.code_dir.is_empty()
            && (self.path_major.is_empty() || self.path_major.starts_with('.'))
        {
            return Ok(Found {
                rev,
                dir: String::new(),
                gomod: None,
            });
        }
        if !file2.is_empty() {
            return Err(Error::other(format!(
                "missing {}/go.mod and ...{}/go.mod at revision {rev}",
                self.path_prefix, self.path_major
            )));
        }
        Err(Error::other(format!(
            "missing {}/go.mod at revision {rev}",
            self.path_prefix
        )))
    }

    /// Checks a canonical version given to `GoMod`/`Zip`, resolving a
    /// pseudo-version first as go does.
    async fn resolve_canonical(&self, version: &str) -> Result<Found, Error> {
        if version != canonical_version(version) {
            return Err(Error::other(format!("version {version} is not canonical")));
        }
        if pseudo::is_pseudo_version(version) {
            // Boxed: `stat` itself reads go.mod files (retractions).
            Box::pin(self.stat(version)).await?;
        }
        self.find_dir(version).await
    }

    /// Go's `GoMod`.
    pub async fn go_mod(&self, version: &str) -> Result<Vec<u8>, Error> {
        let found = self.resolve_canonical(version).await?;
        if let Some(gomod) = found.gomod {
            return Ok(gomod);
        }
        let file = if found.dir.is_empty() {
            "go.mod".to_owned()
        } else {
            format!("{}/go.mod", found.dir)
        };
        match self.code.read_file(&found.rev, &file).await {
            Ok(data) => Ok(data),
            Err(e) if e.not_exist => Ok(legacy_go_mod(&self.mod_path)),
            Err(e) => Err(e),
        }
    }

    /// The retracted intervals declared by the go.mod of the highest
    /// release (else pre-release) among the compatible versions (Go's
    /// `retractedVersions`).
    async fn retractions(&self) -> Result<Vec<(String, String)>, Error> {
        let (versions, _) = self.versions().await?;
        let compatible: Vec<&String> = versions
            .iter()
            .take_while(|v| !v.ends_with("+incompatible"))
            .collect();
        let Some(last) = compatible.last() else {
            return Ok(Vec::new());
        };
        let highest = compatible
            .iter()
            .rev()
            .find(|v| semver::prerelease(v).is_empty())
            .unwrap_or(last);
        let data = Box::pin(self.go_mod(highest)).await?;
        let file =
            gomodx_modfile::parse_lax("go.mod", &data).map_err(|e| Error::other(e.to_string()))?;
        Ok(file
            .retract
            .into_iter()
            .map(|r| (r.interval.low, r.interval.high))
            .collect())
    }

    /// Go's `Zip`: the module's files at `version` from `git archive`,
    /// through the module zip rules, into an anonymous temp file.
    pub async fn zip(&self, version: &str) -> Result<std::fs::File, Error> {
        let found = self.resolve_canonical(version).await?;
        let subdir = found.dir.trim_matches('/').to_owned();
        let archive = self.code.archive(&found.rev, &subdir).await?;
        let mut files = files_from_tar(&archive, &subdir)?;
        if !subdir.is_empty()
            && !files.iter().any(|(name, _)| name == "LICENSE")
            && let Ok(data) = self.code.read_file(&found.rev, "LICENSE").await
        {
            files.push(("LICENSE".to_owned(), data));
        }
        let mv = ModuleVersion::new(self.mod_path.clone(), version);
        tokio::task::spawn_blocking(move || {
            let mut out = tempfile::tempfile()
                .map_err(|e| Error::other(format!("creating a temp file: {e}")))?;
            gomodx_modzip::create_zip_from_files(&mut out, &mv, files)
                .map_err(|e| Error::other(e.to_string()))?;
            out.rewind()
                .map_err(|e| Error::other(format!("rewinding the zip: {e}")))?;
            Ok(out)
        })
        .await
        .map_err(|e| Error::other(format!("creating the zip: {e}")))?
    }
}

/// Go's `tagToVersion` inside `convert`: the version a tag names for the
/// module whose tags start with `prefix`, and whether the tag is exactly
/// that version (`v1.2` and `v1.2.3+meta` name `v1.2.0`/`v1.2.3` but can
/// only be pseudo-version bases).
fn tag_to_version(prefix: &str, tag: &str) -> (String, bool) {
    let Some(trimmed) = tag.strip_prefix(prefix) else {
        return (String::new(), false);
    };
    if pseudo::is_pseudo_version(tag) {
        return (String::new(), false);
    }
    let v = semver::canonical(trimmed);
    if v.is_empty() || !trimmed.starts_with(&v) {
        return (String::new(), false);
    }
    let canonical = v == trimmed;
    (v, canonical)
}

/// Go's `LegacyGoMod`: the go.mod of a module without one.
fn legacy_go_mod(path: &str) -> Vec<u8> {
    format!("module {}\n", gomodx_modfile::auto_quote(path)).into_bytes()
}

/// Go's `semver.Sort`.
fn sort_versions(list: &mut [String]) {
    list.sort_by(|a, b| semver::compare(a, b).then_with(|| a.cmp(b)));
}

/// The regular files of a `git archive --prefix=prefix/` tar of `subdir`,
/// named relative to `subdir`, in archive order. Directories, symlinks and
/// submodules are left out, as the zip rules leave them out of go's zip.
fn files_from_tar(archive: &[u8], subdir: &str) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let bad = |e: std::io::Error| Error::other(format!("reading git archive: {e}"));
    let strip = if subdir.is_empty() {
        "prefix/".to_owned()
    } else {
        format!("prefix/{subdir}/")
    };
    let mut files = Vec::new();
    let mut total = 0u64;
    let mut tar = tar::Archive::new(archive);
    for entry in tar.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().map_err(bad)?.to_string_lossy().into_owned();
        let Some(name) = path.strip_prefix(&strip) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        total += entry.size();
        if total > MAX_ZIP_FILE {
            return Err(Error::other(
                "module source tree too large (max size is 524288000 bytes)",
            ));
        }
        let mut data = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
        entry.read_to_end(&mut data).map_err(bad)?;
        files.push((name.to_owned(), data));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree over go's limit is refused with go's message before any of
    /// it is read (the size comes from the tar header).
    #[test]
    fn trees_over_gos_limit_are_refused_unread() {
        let mut archive = Vec::new();
        for (name, size) in [("prefix/a.go", 10), ("prefix/big.bin", MAX_ZIP_FILE)] {
            let mut header = tar::Header::new_gnu();
            header.set_path(name).unwrap();
            header.set_size(size);
            header.set_entry_type(tar::EntryType::Regular);
            header.set_cksum();
            archive.extend_from_slice(header.as_bytes());
            if size == 10 {
                archive.extend_from_slice(&[b'x'; 512]);
            }
        }
        let err = files_from_tar(&archive, "").unwrap_err();
        assert_eq!(
            err.text,
            "module source tree too large (max size is 524288000 bytes)"
        );
        // Within the limit, the files come out named below the prefix.
        let small = &archive[..1024];
        let files = files_from_tar(small, "").unwrap();
        assert_eq!(files, [("a.go".to_owned(), vec![b'x'; 10])]);
    }

    #[test]
    fn path_prefixes() {
        assert!(has_path_prefix(
            "example.com/a.git/sub",
            "example.com/a.git"
        ));
        assert!(has_path_prefix("example.com/a.git", "example.com/a.git"));
        assert!(!has_path_prefix("example.com/a.gitx", "example.com/a.git"));
        assert!(has_path_prefix("x/y", "x/"));
    }

    #[test]
    fn module_lines_are_read_leniently() {
        assert_eq!(
            module_path(b"// c\nmodule  x.io/m // c\ngo 1.20\n"),
            "x.io/m"
        );
        assert_eq!(module_path(b"module \"x.io/q\"\n"), "x.io/q");
        assert_eq!(module_path(b"go 1.20\n"), "");
    }

    #[test]
    fn majors_match_like_go() {
        assert!(is_major("x.io/m", ""));
        assert!(!is_major("x.io/m/v2", ""));
        assert!(is_major("x.io/m/v2", "/v2"));
        assert!(is_major("gopkg.in/m.v2", "/v2"));
        assert!(!is_major("x.io/m", "/v2"));
        assert!(!is_major("", ""));
    }

    #[test]
    fn tags_map_to_versions_like_go() {
        let v = |prefix, tag| tag_to_version(prefix, tag);
        assert_eq!(v("", "v1.2.3"), ("v1.2.3".into(), true));
        assert_eq!(v("", "v1.2.3-rc.1"), ("v1.2.3-rc.1".into(), true));
        assert_eq!(v("", "v1.2.3+meta"), ("v1.2.3".into(), false));
        assert_eq!(v("", "v1.2"), (String::new(), false));
        assert_eq!(v("", "release-1"), (String::new(), false));
        assert_eq!(
            v("", "v1.2.4-0.20200101000000-abcdefabcdef"),
            (String::new(), false)
        );
        assert_eq!(v("sub/", "sub/v0.1.0"), ("v0.1.0".into(), true));
        assert_eq!(v("sub/", "v0.1.0"), (String::new(), false));
        assert_eq!(v("sub/", "other/v0.1.0"), (String::new(), false));
    }

    /// Builds a repository from `(date, tags)` commits in `dir`; returns
    /// the commit hashes, or `None` without git.
    fn repo(
        dir: &std::path::Path,
        gomod: &str,
        commits: &[(&str, &[&str])],
    ) -> Option<Vec<String>> {
        let git = |date: &str, args: &[&str]| {
            let out = std::process::Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(["-c", "init.defaultBranch=main", "-c", "tag.gpgSign=false"])
                .args(["-c", "commit.gpgSign=false"])
                .args(args)
                .current_dir(dir)
                .env("GIT_AUTHOR_DATE", date)
                .env("GIT_COMMITTER_DATE", date)
                .output()
                .ok()?;
            assert!(out.status.success(), "git {args:?}: {out:?}");
            Some(String::from_utf8(out.stdout).unwrap().trim().to_owned())
        };
        git("2020-01-01T00:00:00Z", &["init", "-q"])?;
        let mut hashes = Vec::new();
        for (i, (date, tags)) in commits.iter().enumerate() {
            if !gomod.is_empty() {
                std::fs::write(dir.join("go.mod"), gomod).unwrap();
            }
            std::fs::write(dir.join("f.go"), format!("package f // {i}\n")).unwrap();
            git(date, &["add", "-A"])?;
            git(date, &["commit", "-q", "-m", date])?;
            for tag in *tags {
                git(date, &["tag", tag])?;
            }
            hashes.push(git(date, &["rev-parse", "HEAD"])?);
        }
        Some(hashes)
    }

    async fn code_repo(dir: &std::path::Path, path: &str) -> CodeRepo {
        let git = crate::run::Git {
            program: "git".into(),
            timeout: std::time::Duration::from_secs(60),
        };
        let cache = dir.join("modcache");
        let url = format!("file://{}", dir.join("repo").display());
        let repo = GitRepo::open(git, &cache, &url).await.unwrap();
        let root = path.trim_end_matches("/v2");
        CodeRepo::new(Arc::new(repo), root, "", path).unwrap()
    }

    #[tokio::test]
    #[allow(clippy::print_stderr, reason = "a test that cannot run says why")]
    async fn pseudo_versions_take_the_right_base() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("repo");
        std::fs::create_dir(&src).unwrap();
        let commits: &[(&str, &[&str])] = &[
            ("2020-01-01T00:00:00Z", &["v1.0.0", "v1.5"]),
            ("2020-01-02T00:00:00Z", &[]),
            ("2020-01-03T00:00:00Z", &["v1.1.0-rc.1", "v3.0.0"]),
            ("2020-01-04T00:00:00Z", &["release"]),
        ];
        let Some(c) = repo(&src, "module example.com/r.git\n", commits) else {
            eprintln!("SKIPPED: git is not installed");
            return;
        };
        let code = code_repo(dir.path(), "example.com/r.git").await;
        let version = |rev: &str| {
            let code = &code;
            let rev = rev.to_owned();
            async move { code.stat(&rev).await.map(|i| i.version) }
        };
        // A release base (`v1.5` is no release), a pre-release base, a tag.
        assert_eq!(
            version(&c[1]).await.unwrap(),
            format!("v1.0.1-0.20200102000000-{}", &c[1][..12])
        );
        assert_eq!(
            version(&c[3]).await.unwrap(),
            format!("v1.1.0-rc.1.0.20200104000000-{}", &c[3][..12])
        );
        assert_eq!(
            version("release").await.unwrap(),
            format!("v1.1.0-rc.1.0.20200104000000-{}", &c[3][..12])
        );
        assert_eq!(version(&c[2][..7]).await.unwrap(), "v1.1.0-rc.1");
        // v3.0.0 is not this module's (it has a go.mod): no +incompatible.
        assert_eq!(code.versions().await.unwrap().0, ["v1.0.0", "v1.1.0-rc.1"]);
        let err = version("v3.0.0").await.unwrap_err();
        assert!(
            err.text.contains("module path must match major version"),
            "{}",
            err.text
        );
        let err = version(&format!("v1.0.1-0.20200102000000-{}", &c[1][..11]))
            .await
            .unwrap_err();
        assert!(
            err.text.ends_with(
                "revision is shorter than canonical (expected {})"
                    .replace("{}", &c[1][..12])
                    .as_str()
            ),
            "{}",
            err.text
        );
    }

    #[tokio::test]
    #[allow(clippy::print_stderr, reason = "a test that cannot run says why")]
    async fn untagged_and_major_suffixed_modules() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("repo");
        std::fs::create_dir(&src).unwrap();
        let commits: &[(&str, &[&str])] = &[
            ("2021-06-01T12:00:00Z", &["v2.0.0"]),
            ("2021-06-02T12:00:00Z", &[]),
        ];
        let Some(c) = repo(&src, "module example.com/r.git/v2\n", commits) else {
            eprintln!("SKIPPED: git is not installed");
            return;
        };
        let code = code_repo(dir.path(), "example.com/r.git/v2").await;
        let head = code.latest().await.unwrap();
        assert_eq!(
            head.version,
            format!("v2.0.1-0.20210602120000-{}", &c[1][..12])
        );
        assert_eq!(head.origin.ref_, "HEAD");
        assert_eq!(code.versions().await.unwrap().0, ["v2.0.0"]);

        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("repo");
        std::fs::create_dir(&src).unwrap();
        let Some(c) = repo(&src, "", &[("2021-06-01T12:00:00Z", &[])]) else {
            return;
        };
        let code = code_repo(dir.path(), "example.com/r.git").await;
        assert_eq!(
            code.stat("main").await.unwrap().version,
            format!("v0.0.0-20210601120000-{}", &c[0][..12])
        );
        assert_eq!(
            code.go_mod(&format!("v0.0.0-20210601120000-{}", &c[0][..12]))
                .await
                .unwrap(),
            b"module example.com/r.git\n"
        );
    }

    #[test]
    fn versions_sort_like_go() {
        let mut list = vec!["v1.10.0".to_owned(), "v1.2.0".into(), "v1.2.0-rc.1".into()];
        sort_versions(&mut list);
        assert_eq!(list, ["v1.2.0-rc.1", "v1.2.0", "v1.10.0"]);
    }
}
