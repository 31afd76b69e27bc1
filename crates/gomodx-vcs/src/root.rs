//! Finding a module's repository (Go's `vcs.RepoRootForImportPath`): the
//! hosting sites go knows, paths with a VCS element (`host/repo.git/sub`),
//! else the `<meta name="go-import">` lookup; and the GOVCS policy.

use std::path::Path;
use std::sync::LazyLock;

use gomodx_module::path::match_prefix_patterns;
use regex::Regex;

use crate::error::Error;
use crate::meta;
use crate::run::Git;

/// Where a module path's code lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RepoRoot {
    /// The repository URL, scheme included.
    pub repo: String,
    /// The import path of the repository root.
    pub root: String,
    /// The version control system (`git`, `hg`, …), or `mod`: `repo` is
    /// a GOPROXY serving the module.
    pub vcs: String,
    /// The repository directory holding `root` (from a meta tag).
    pub subdir: String,
}

/// One entry of Go's `vcsPaths`.
struct VcsPath {
    prefix: &'static str,
    regexp: Regex,
    /// The repository URL with `{root}`, or `None` for the general
    /// pattern, whose scheme is found by pinging.
    repo: Option<&'static str>,
    vcs: &'static str,
    /// Go's `noVCSSuffix` check.
    no_vcs_suffix: bool,
}

static VCS_PATHS: LazyLock<Vec<VcsPath>> = LazyLock::new(|| {
    let path = |prefix, re: &str, repo, vcs, no_vcs_suffix| VcsPath {
        prefix,
        regexp: Regex::new(re).expect("valid pattern"),
        repo,
        vcs,
        no_vcs_suffix,
    };
    let https = Some("https://{root}");
    vec![
        path(
            "github.com",
            r"^(?P<root>github\.com/[\w.\-]+/[\w.\-]+)(/[\w.\-]+)*$",
            https,
            "git",
            true,
        ),
        path(
            "bitbucket.org",
            r"^(?P<root>bitbucket\.org/(?P<bitname>[\w.\-]+/[\w.\-]+))(/[\w.\-]+)*$",
            https,
            "git",
            true,
        ),
        path(
            "hub.jazz.net/git",
            r"^(?P<root>hub\.jazz\.net/git/[a-z0-9]+/[\w.\-]+)(/[\w.\-]+)*$",
            https,
            "git",
            true,
        ),
        path(
            "git.apache.org",
            r"^(?P<root>git\.apache\.org/[a-z0-9_.\-]+\.git)(/[\w.\-]+)*$",
            https,
            "git",
            false,
        ),
        path(
            "git.openstack.org",
            r"^(?P<root>git\.openstack\.org/[\w.\-]+/[\w.\-]+)(\.git)?(/[\w.\-]+)*$",
            https,
            "git",
            false,
        ),
        path(
            "chiselapp.com",
            r"^(?P<root>chiselapp\.com/user/[A-Za-z0-9]+/repository/[\w.\-]+)$",
            https,
            "fossil",
            false,
        ),
        path(
            "",
            r"(?P<root>(?P<repo>([a-z0-9.\-]+\.)+[a-z0-9.\-]+(:[0-9]+)?(/~?[\w.\-]+)+?)\.(?P<vcs>fossil|git|hg|svn))(/~?[\w.\-]+)*$",
            None,
            "",
            false,
        ),
    ]
});

/// The schemes go tries for git, in order.
const GIT_SCHEMES: [&str; 5] = ["git", "https", "http", "git+ssh", "ssh"];

/// Go's `isSecureScheme` for git: `GIT_ALLOW_PROTOCOL` when set, else
/// https and ssh.
fn is_secure_scheme(scheme: &str) -> bool {
    match std::env::var("GIT_ALLOW_PROTOCOL") {
        Ok(allow) if !allow.is_empty() => allow.split(':').any(|s| s == scheme),
        _ => matches!(scheme, "https" | "git+ssh" | "ssh"),
    }
}

/// Go's `str.HasPathPrefix`.
fn has_path_prefix(s: &str, prefix: &str) -> bool {
    prefix.is_empty() || crate::code::has_path_prefix(s, prefix)
}

/// A parsed GOVCS, the defaults appended.
#[derive(Debug, Clone)]
pub(crate) struct Govcs {
    rules: Vec<(String, Vec<String>)>,
}

impl Govcs {
    /// Go's `parseGOVCS` plus `defaultGOVCS`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut rules: Vec<(String, Vec<String>)> = Vec::new();
        let s = s.trim();
        if !s.is_empty() {
            let mut have: Vec<(String, String)> = Vec::new();
            for item in s.split(',') {
                let item = item.trim();
                if item.is_empty() {
                    return Err("empty entry in GOVCS".to_owned());
                }
                let Some((pattern, list)) = item.split_once(':') else {
                    return Err(format!(
                        "malformed entry in GOVCS (missing colon): {item:?}"
                    ));
                };
                let (pattern, list) = (pattern.trim(), list.trim());
                if pattern.is_empty() {
                    return Err(format!("empty pattern in GOVCS: {item:?}"));
                }
                if list.is_empty() {
                    return Err(format!("empty VCS list in GOVCS: {item:?}"));
                }
                if pattern.starts_with("./")
                    || pattern.starts_with("../")
                    || pattern == "."
                    || pattern == ".."
                {
                    return Err(format!(
                        "relative pattern not allowed in GOVCS: {pattern:?}"
                    ));
                }
                if let Some((_, old)) = have.iter().find(|(p, _)| p == pattern) {
                    return Err(format!(
                        "unreachable pattern in GOVCS: {item:?} after {old:?}"
                    ));
                }
                have.push((pattern.to_owned(), item.to_owned()));
                let mut allowed = Vec::new();
                for a in list.split('|') {
                    let a = a.trim();
                    if a.is_empty() {
                        return Err(format!("empty VCS name in GOVCS: {item:?}"));
                    }
                    allowed.push(a.to_owned());
                }
                rules.push((pattern.to_owned(), allowed));
            }
        }
        rules.push(("private".to_owned(), vec!["all".to_owned()]));
        rules.push(("public".to_owned(), vec!["git".to_owned(), "hg".to_owned()]));
        Ok(Govcs { rules })
    }

    /// Go's `govcsConfig.allow`.
    fn allow(&self, path: &str, private: bool, vcs: &str) -> bool {
        for (pattern, allowed) in &self.rules {
            let matched = match pattern.as_str() {
                "private" => private,
                "public" => !private,
                _ => match_prefix_patterns(pattern, path),
            };
            if matched {
                return allowed.iter().any(|a| a == vcs || a == "all");
            }
        }
        false
    }

    /// Go's `checkGOVCS`, then gomodx's own limit: git only.
    pub fn check(&self, vcs: &str, root: &str, goprivate: &str) -> Result<(), Error> {
        let private = match_prefix_patterns(goprivate, root);
        if !self.allow(root, private, vcs) {
            let what = if private { "private" } else { "public" };
            return Err(Error::not_exist(format!(
                "GOVCS disallows using {vcs} for {what} {root}; see 'go help vcs'"
            )));
        }
        if vcs != "git" {
            return Err(Error::not_exist(format!(
                "{root} is a {vcs} repository: gomodx fetches directly from git only \
                 (use a GOPROXY that serves it, or the go command)"
            )));
        }
        Ok(())
    }
}

/// What [`repo_root`] needs from the configuration.
pub(crate) struct Lookup<'a> {
    pub git: &'a Git,
    pub govcs: &'a Govcs,
    pub goprivate: &'a str,
    /// Whether GOINSECURE matches the module path.
    pub insecure: bool,
    /// Where to run `git ls-remote` pings (GOMODCACHE, as go does).
    pub ping_dir: &'a Path,
    /// The client for go-get pages.
    pub http: &'a reqwest::Client,
    /// GOAUTH's credentials, for go-get pages over HTTPS.
    pub credentials: &'a gomodx_client::Credentials,
}

/// Go's `RepoRootForImportPath`: the known patterns, else the meta tags.
pub(crate) async fn repo_root(import_path: &str, lookup: &Lookup<'_>) -> Result<RepoRoot, Error> {
    for prefix in ["http:", "https:"] {
        if import_path.starts_with(prefix) {
            return Err(Error::not_exist(format!(
                "\"{prefix}//\" not allowed in import path"
            )));
        }
    }
    for srv in VCS_PATHS.iter() {
        if !has_path_prefix(import_path, srv.prefix) {
            continue;
        }
        let Some(m) = srv.regexp.captures(import_path) else {
            if !srv.prefix.is_empty() {
                return Err(Error::not_exist(format!(
                    "invalid {} import path {import_path:?}",
                    srv.prefix
                )));
            }
            continue;
        };
        let root = m["root"].to_owned();
        let vcs = m.name("vcs").map_or(srv.vcs, |v| v.as_str()).to_owned();
        let repo = match srv.repo {
            Some(template) => {
                let repo = template.replace("{root}", &root);
                if srv.no_vcs_suffix
                    && ["hg", "git", "svn", "fossil"]
                        .iter()
                        .any(|v| repo.ends_with(&format!(".{v}")))
                {
                    return Err(Error::not_exist(format!(
                        "invalid version control suffix in {}/ path",
                        srv.prefix
                    )));
                }
                lookup.govcs.check(&vcs, &root, lookup.goprivate)?;
                repo
            }
            None => {
                lookup.govcs.check(&vcs, &root, lookup.goprivate)?;
                let repo = &m["repo"];
                let scheme = ping(lookup, repo).await?;
                format!("{scheme}://{repo}")
            }
        };
        return Ok(RepoRoot {
            repo,
            root,
            vcs,
            subdir: String::new(),
        });
    }
    dynamic(import_path, lookup)
        .await
        .map_err(|e| Error::not_exist(format!("unrecognized import path {import_path:?}: {e}")))
}

/// Go's `repoRootForImportDynamic`.
async fn dynamic(import_path: &str, lookup: &Lookup<'_>) -> Result<RepoRoot, Error> {
    let (url, imports) = meta::fetch(
        lookup.http,
        lookup.credentials,
        import_path,
        lookup.insecure,
    )
    .await?;
    let mmi = meta::match_import(&imports, import_path)
        .map_err(|e| Error::not_exist(format!("parse {url}: no go-import meta tags ({e})")))?;
    if mmi.prefix != import_path {
        let (url2, imports2) = meta::fetch(
            lookup.http,
            lookup.credentials,
            &mmi.prefix,
            lookup.insecure,
        )
        .await
        .map_err(|e| e.context(format!("fetching {}", mmi.prefix)))?;
        if meta::match_import(&imports2, import_path).ok().as_ref() != Some(&mmi) {
            return Err(Error::not_exist(format!(
                "{url} and {url2} disagree about go-import for {}",
                mmi.prefix
            )));
        }
    }
    if mmi.subdir.starts_with('/') || mmi.subdir.starts_with('-') {
        let why = if mmi.subdir.starts_with('/') {
            "leading slash"
        } else {
            "leading hyphen"
        };
        return Err(Error::not_exist(format!(
            "{url}: invalid subdirectory {:?}: {why}",
            mmi.subdir
        )));
    }
    meta::validate_repo_root(&mmi.repo_root).map_err(|e| {
        Error::not_exist(format!("{url}: invalid repo root {:?}: {e}", mmi.repo_root))
    })?;
    if !["mod", "git", "hg", "svn", "bzr", "fossil"].contains(&mmi.vcs.as_str()) {
        return Err(Error::not_exist(format!(
            "{url}: unknown vcs {:?}",
            mmi.vcs
        )));
    }
    if mmi.vcs != "mod" {
        lookup
            .govcs
            .check(&mmi.vcs, &mmi.prefix, lookup.goprivate)?;
    }
    Ok(RepoRoot {
        repo: mmi.repo_root,
        root: mmi.prefix,
        vcs: mmi.vcs,
        subdir: mmi.subdir,
    })
}

/// Go's scheme search: the first scheme whose `git ls-remote` works.
async fn ping(lookup: &Lookup<'_>, repo: &str) -> Result<&'static str, Error> {
    let _ = std::fs::create_dir_all(lookup.ping_dir);
    for scheme in GIT_SCHEMES {
        if !lookup.insecure && !is_secure_scheme(scheme) {
            continue;
        }
        let url = format!("{scheme}://{repo}");
        match lookup
            .git
            .run(lookup.ping_dir, false, &["ls-remote", &url])
            .await
        {
            Ok(_) => return Ok(scheme),
            Err(e) if e.no_git => return Err(e.into()),
            Err(_) => {}
        }
    }
    let secure = if lookup.insecure { "" } else { "secure " };
    Err(Error::not_exist(format!(
        "no {secure}protocol found for repository"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn govcs_rules() {
        let default = Govcs::parse("").unwrap();
        assert!(default.allow("github.com/x/y", false, "git"));
        assert!(default.allow("github.com/x/y", false, "hg"));
        assert!(!default.allow("github.com/x/y", false, "svn"));
        assert!(default.allow("corp.example/y", true, "svn"));
        let custom = Govcs::parse("example.com:git, evil.com:off").unwrap();
        assert!(!custom.allow("example.com/x", false, "hg"));
        assert!(!custom.allow("evil.com/x", false, "git"));
        assert!(custom.allow("other.com/x", false, "hg"));
        assert_eq!(
            Govcs::parse("a:git,a:hg").unwrap_err(),
            r#"unreachable pattern in GOVCS: "a:hg" after "a:git""#
        );
        assert!(
            Govcs::parse("nocolon")
                .unwrap_err()
                .contains("missing colon")
        );
        assert!(Govcs::parse("a:git,").is_err());
        let err = default.check("svn", "example.com/r.svn", "").unwrap_err();
        assert_eq!(
            err.text,
            "GOVCS disallows using svn for public example.com/r.svn; see 'go help vcs'"
        );
        let err = default.check("hg", "example.com/r.hg", "").unwrap_err();
        assert!(err.text.contains("git only"), "{}", err.text);
    }

    #[test]
    fn known_hosts_need_no_ping() {
        let m = VCS_PATHS[0].regexp.captures("github.com/a/b/c/d").unwrap();
        assert_eq!(&m["root"], "github.com/a/b");
        let general = VCS_PATHS.last().unwrap();
        let m = general
            .regexp
            .captures("example.com/x/repo.git/sub/v2")
            .unwrap();
        assert_eq!(&m["root"], "example.com/x/repo.git");
        assert_eq!(&m["repo"], "example.com/x/repo");
        assert_eq!(&m["vcs"], "git");
        assert!(general.regexp.captures("example.com/x/y").is_none());
    }

    #[tokio::test]
    async fn known_hosts_resolve_without_network() {
        let git = Git {
            program: "git".into(),
            timeout: std::time::Duration::from_secs(1),
        };
        let govcs = Govcs::parse("").unwrap();
        let lookup = Lookup {
            git: &git,
            govcs: &govcs,
            goprivate: "",
            insecure: false,
            ping_dir: Path::new("/nonexistent"),
            http: &meta::client(false).unwrap(),
            credentials: &gomodx_client::Credentials::default(),
        };
        let root = repo_root("github.com/a/b/sub", &lookup).await.unwrap();
        assert_eq!(root.repo, "https://github.com/a/b");
        assert_eq!(root.root, "github.com/a/b");
        let err = repo_root("github.com/a/b.git", &lookup).await.unwrap_err();
        assert_eq!(
            err.text,
            "invalid version control suffix in github.com/ path"
        );
        let err = repo_root("nohost/m", &lookup).await.unwrap_err();
        assert_eq!(
            err.text,
            "unrecognized import path \"nohost/m\": import path does not begin with hostname"
        );
        assert!(err.not_exist);
    }
}
