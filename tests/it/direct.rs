//! Direct mode (`GOPROXY=direct`): modules fetched from git repositories
//! built in temp dirs, gomodx next to go on the same repositories.
//!
//! Module paths carry a `.git` element (`example.com/a.git`); a test
//! HOME's git configuration (`GIT_CONFIG_GLOBAL`) rewrites
//! `https://example.com/` to the `file://` directory holding the
//! repositories with git's own `url.<base>.insteadOf`, and
//! `GIT_ALLOW_PROTOCOL=https:file` keeps both tools from trying any other
//! scheme, so nothing leaves the machine.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::download::harness::{
    Gomodx, assert_no_partial_files, assert_same_listing, go_env, listing, normalize_json, stderr,
};
use gomodx_test::GoEnv;

/// The repositories and the git configuration pointing at them.
struct Repos {
    dir: tempfile::TempDir,
}

/// A commit to make: its date and the files it writes (`None` removes).
struct Commit<'a> {
    date: &'a str,
    files: &'a [(&'a str, Option<&'a str>)],
    tags: &'a [&'a str],
}

impl Repos {
    fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("gomodx-direct-")
            .tempdir()
            .unwrap();
        let repos = Repos { dir };
        std::fs::create_dir_all(repos.root()).unwrap();
        let base = format!("file://{}/", repos.root().display());
        std::fs::write(
            repos.gitconfig(),
            format!("[url \"{base}\"]\n\tinsteadOf = https://example.com/\n"),
        )
        .unwrap();
        repos
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("repos")
    }

    fn gitconfig(&self) -> PathBuf {
        self.dir.path().join("gitconfig")
    }

    /// The git environment both tools run with.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("GIT_CONFIG_GLOBAL", self.gitconfig().display().to_string()),
            ("GIT_CONFIG_NOSYSTEM", "1".to_owned()),
            ("GIT_ALLOW_PROTOCOL", "https:file".to_owned()),
        ]
    }

    /// Runs git in `dir` for building repositories; returns stdout.
    fn git(&self, dir: &Path, date: &str, args: &[&str]) -> String {
        let output = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(["-c", "init.defaultBranch=main", "-c", "tag.gpgSign=false"])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
        String::from_utf8(output.stdout).unwrap()
    }

    /// Creates repository `name` with `commits` on `main`; returns the
    /// commit hashes.
    fn create(&self, name: &str, commits: &[Commit<'_>]) -> Vec<String> {
        self.create_with(name, &[], commits)
    }

    /// [`Repos::create`] with more `git init` arguments.
    fn create_with(&self, name: &str, init: &[&str], commits: &[Commit<'_>]) -> Vec<String> {
        let dir = self.root().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let mut args = vec!["init", "-q"];
        args.extend_from_slice(init);
        self.git(&dir, "2020-01-01T00:00:00Z", &args);
        commits.iter().map(|c| self.commit(name, c)).collect()
    }

    /// Adds a commit to the checked-out branch of `name`.
    fn commit(&self, name: &str, commit: &Commit<'_>) -> String {
        let dir = self.root().join(name);
        for (file, content) in commit.files {
            let path = dir.join(file);
            match content {
                Some(text) if text.starts_with("->") => {
                    std::os::unix::fs::symlink(&text[2..], &path).unwrap();
                }
                Some(text) => {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, text).unwrap();
                }
                None => std::fs::remove_file(&path).unwrap(),
            }
        }
        self.git(&dir, commit.date, &["add", "-A"]);
        self.git(&dir, commit.date, &["commit", "-q", "-m", commit.date]);
        for tag in commit.tags {
            match tag.strip_prefix('@') {
                Some(annotated) => {
                    self.git(&dir, commit.date, &["tag", "-a", "-m", "a", annotated])
                }
                None => self.git(&dir, commit.date, &["tag", tag]),
            };
        }
        self.git(&dir, commit.date, &["rev-parse", "HEAD"])
            .trim()
            .to_owned()
    }
}

/// The fixture: repositories `a` (tags, a subdirectory module, a `/v2`
/// subdirectory, a branch), `b` (no tags), `c` (no go.mod: `+incompatible`),
/// `d` (a go.mod naming a later major), and both tools set up for them.
struct Fixture {
    repos: Repos,
    go: GoEnv,
    gomodx: Gomodx,
    /// A main module directory (for `list -m`).
    main: tempfile::TempDir,
    /// Commit hashes by name.
    commits: BTreeMap<&'static str, String>,
}

fn git_available() -> bool {
    Command::new("git")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

impl Fixture {
    #[allow(clippy::print_stderr, reason = "a test that cannot run says why")]
    fn new() -> Option<Self> {
        if !git_available() {
            eprintln!("SKIPPED: git is not installed");
            return None;
        }
        let mut go = go_env("direct")?;
        let repos = Repos::new();
        let mut commits = BTreeMap::new();
        let a = repos.create(
            "a",
            &[
                Commit {
                    date: "2020-01-01T10:00:00Z",
                    files: &[
                        ("go.mod", Some("module example.com/a.git\n\ngo 1.20\n")),
                        ("a.go", Some("package a\n")),
                        ("LICENSE", Some("the license\n")),
                    ],
                    tags: &["v1.0.0", "release-1", "v1.2"],
                },
                Commit {
                    date: "2020-02-01T10:00:00Z",
                    files: &[("a.go", Some("package a // 2\n"))],
                    tags: &["@v1.1.0"],
                },
                Commit {
                    date: "2020-02-15T10:00:00Z",
                    files: &[
                        ("sub/go.mod", Some("module example.com/a.git/sub\n")),
                        ("sub/s.go", Some("package sub\n")),
                        ("link.go", Some("->a.go")),
                        ("escape.go", Some("->../../../../../../etc/passwd")),
                        ("vendor/modules.txt", Some("# x\n")),
                        ("vendor/x/y.go", Some("package x\n")),
                        ("nested/go.mod", Some("module example.com/a.git/nested\n")),
                        ("nested/n.go", Some("package nested\n")),
                    ],
                    tags: &["sub/v0.1.0"],
                },
                Commit {
                    date: "2020-03-01T10:00:00Z",
                    files: &[
                        (
                            "v2/go.mod",
                            Some("module example.com/a.git/v2\n\ngo 1.20\n"),
                        ),
                        ("v2/v.go", Some("package v2\n")),
                    ],
                    tags: &["v2.0.0", "v1.2.0-rc.1"],
                },
                Commit {
                    date: "2020-04-01T10:00:00Z",
                    files: &[("a.go", Some("package a // 5\n"))],
                    tags: &[],
                },
            ],
        );
        let a_dir = repos.root().join("a");
        repos.git(
            &a_dir,
            "2020-05-01T10:00:00Z",
            &["checkout", "-q", "-b", "feature", &a[1]],
        );
        let feature = repos.commit(
            "a",
            &Commit {
                date: "2020-05-01T10:00:00Z",
                files: &[("f.go", Some("package a\n"))],
                tags: &[],
            },
        );
        repos.git(&a_dir, "2020-05-01T10:00:00Z", &["checkout", "-q", "main"]);
        commits.insert("a1", a[1].clone());
        commits.insert("a3", a[3].clone());
        commits.insert("a4", a[4].clone());
        commits.insert("feature", feature);
        let b = repos.create(
            "b",
            &[
                Commit {
                    date: "2021-01-01T00:00:00Z",
                    files: &[
                        ("go.mod", Some("module example.com/b.git\n")),
                        ("b.go", Some("package b\n")),
                    ],
                    tags: &[],
                },
                Commit {
                    date: "2021-01-02T00:00:00Z",
                    files: &[("b.go", Some("package b // 2\n"))],
                    tags: &[],
                },
            ],
        );
        commits.insert("b1", b[1].clone());
        let c = repos.create(
            "c",
            &[
                Commit {
                    date: "2019-01-01T00:00:00Z",
                    files: &[("c.go", Some("package c\n"))],
                    tags: &["v1.0.0"],
                },
                Commit {
                    date: "2019-02-01T00:00:00Z",
                    files: &[("c.go", Some("package c // 2\n"))],
                    tags: &["v2.0.0"],
                },
                Commit {
                    date: "2019-03-01T00:00:00Z",
                    files: &[("c.go", Some("package c // 3\n"))],
                    tags: &["v3.0.0"],
                },
                Commit {
                    date: "2019-04-01T00:00:00Z",
                    files: &[("c.go", Some("package c // 4\n"))],
                    tags: &[],
                },
            ],
        );
        commits.insert("c3", c[3].clone());
        repos.create(
            "d",
            &[Commit {
                date: "2019-01-01T00:00:00Z",
                files: &[
                    ("go.mod", Some("module example.com/d.git/v2\n")),
                    ("d.go", Some("package d\n")),
                ],
                tags: &["v1.0.0"],
            }],
        );

        let mut gomodx = Gomodx::new("direct");
        for (key, value) in repos.env() {
            go.set(key, &value);
            gomodx.set(key, &value);
        }
        let main = tempfile::Builder::new()
            .prefix("gomodx-direct-main-")
            .tempdir()
            .unwrap();
        std::fs::write(
            main.path().join("go.mod"),
            "module example.com/m\n\ngo 1.21\n",
        )
        .unwrap();
        Some(Fixture {
            repos,
            go,
            gomodx,
            main,
            commits,
        })
    }

    /// Both tools with fresh caches, for the same repositories.
    fn cold(&self) -> (GoEnv, Gomodx) {
        let mut go = go_env("direct").expect("checked by the fixture");
        let mut gomodx = Gomodx::new("direct");
        for (key, value) in self.repos.env() {
            go.set(key, &value);
            gomodx.set(key, &value);
        }
        (go, gomodx)
    }

    fn commit(&self, name: &str) -> &str {
        &self.commits[name]
    }

    /// `download -json` of `args` by both tools.
    fn download(&self, args: &[String]) -> (Vec<Value>, Vec<Value>) {
        download(&self.go, &self.gomodx, self.main.path(), args)
    }

    /// `go list args…` and `gomodx list args…` stdout, in the main module.
    fn list(&self, args: &[&str]) -> (String, String) {
        let mut full = vec!["list"];
        full.extend_from_slice(args);
        let dir = self.main.path();
        let go = self.go.run(dir, &full);
        let ours = self.gomodx.run(dir, &full);
        assert!(
            go.status.success() && ours.status.success(),
            "list {args:?}:\ngo: {}\ngomodx: {}",
            stderr(&go),
            stderr(&ours)
        );
        let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
        (
            text(&go).replace(&self.go.gomodcache().display().to_string(), "$GOMODCACHE"),
            text(&ours).replace(
                &self.gomodx.mod_cache().display().to_string(),
                "$GOMODCACHE",
            ),
        )
    }
}

/// `download -json` of `args` by both tools in `dir`: (go's, gomodx's)
/// objects with cache paths normalized.
fn download(go: &GoEnv, gomodx: &Gomodx, dir: &Path, args: &[String]) -> (Vec<Value>, Vec<Value>) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let theirs = go.mod_download_json(dir, &args);
    let (_, ours) = gomodx.download_json(dir, &args);
    (
        normalize_json(&theirs, &go.gomodcache()),
        normalize_json(&ours, &gomodx.mod_cache()),
    )
}

/// The fields both tools must agree on, per object, Origin included (for
/// `@latest`, the one go merges from the version list and the lookups; for
/// errors, the `RepoSum` or revision go answers them with).
fn comparable(objects: &[Value]) -> Vec<Value> {
    objects
        .iter()
        .map(|o| {
            let mut kept = serde_json::Map::new();
            let keys = [
                "Path", "Version", "Query", "Error", "Sum", "GoModSum", "Info", "GoMod", "Zip",
                "Dir", "Origin",
            ];
            for key in keys {
                if let Some(v) = o.get(key) {
                    kept.insert(key.to_owned(), v.clone());
                }
            }
            Value::Object(kept)
        })
        .collect()
}

fn assert_same_objects(what: &str, go: &[Value], ours: &[Value]) {
    let (go, ours) = (comparable(go), comparable(ours));
    assert_eq!(
        go.len(),
        ours.len(),
        "{what}: object counts\ngo: {go:#?}\ngomodx: {ours:#?}"
    );
    for (g, o) in go.iter().zip(&ours) {
        assert_eq!(g, o, "{what}: go (left) and gomodx (right) differ");
    }
}

/// Everything both tools wrote in GOMODCACHE: the download cache (zips by
/// name only: gomodx writes its own zip bytes, with the same `h1:`), the
/// extracted trees, and the git repositories' `.info` files.
fn assert_same_caches(go_cache: &Path, our_cache: &Path) {
    let strip_zips = |mut l: BTreeMap<String, (u32, Vec<u8>)>| {
        for (name, (_, content)) in &mut l {
            if name.ends_with(".zip") {
                content.clear();
            }
        }
        l.retain(|name, _| !name.starts_with("cache/vcs/") || name.ends_with(".info"));
        l.retain(|name, _| {
            !name.starts_with("cache/vcs/") || !name.contains('/') || name.matches('/').count() == 2
        });
        l
    };
    let go = strip_zips(listing(go_cache, None, false));
    let ours = strip_zips(listing(our_cache, None, false));
    assert_same_listing("GOMODCACHE", &go, &ours);
}

#[test]
fn downloads_match_go() {
    let Some(fx) = Fixture::new() else { return };
    let (a1, a4, feature) = (fx.commit("a1"), fx.commit("a4"), fx.commit("feature"));
    // Commits, each on cold caches: once a commit is in the cache
    // repository, a hash is answered without the ref that names it, and
    // which query fetches it first depends on the order queries run in
    // (README, deviations).
    for commit in [&a1[..7], a4, &feature[..12]] {
        let (go, gomodx) = fx.cold();
        let query = [format!("example.com/a.git@{commit}")];
        let (go, ours) = download(&go, &gomodx, fx.main.path(), &query);
        assert_same_objects(commit, &go, &ours);
    }
    let queries = [
        "example.com/a.git@v1.0.0".to_owned(),
        "example.com/a.git@v1.1.0".to_owned(),
        "example.com/a.git@latest".to_owned(),
        "example.com/a.git@main".to_owned(),
        "example.com/a.git@feature".to_owned(),
        "example.com/a.git@v1.2.0-rc.1".to_owned(),
        "example.com/a.git/sub@v0.1.0".to_owned(),
        "example.com/a.git/sub@latest".to_owned(),
        "example.com/a.git/v2@v2.0.0".to_owned(),
        "example.com/a.git/v2@latest".to_owned(),
        "example.com/b.git@latest".to_owned(),
        "example.com/b.git@main".to_owned(),
        "example.com/c.git@v1.0.0".to_owned(),
        "example.com/c.git@v2.0.0+incompatible".to_owned(),
        "example.com/c.git@latest".to_owned(),
        "example.com/c.git@main".to_owned(),
    ];
    let (go, ours) = fx.download(&queries);
    assert_same_objects("queries", &go, &ours);
    assert!(go.iter().all(|o| o.get("Error").is_none()), "{go:#?}");

    // The pseudo-versions go chose, asked for by version: all three forms.
    let pseudo: Vec<String> = go
        .iter()
        .filter_map(|o| {
            let v = o["Version"].as_str()?;
            gomodx_module::pseudo::is_pseudo_version(v)
                .then(|| format!("{}@{v}", o["Path"].as_str().unwrap()))
        })
        .collect();
    for form in ["-0.", ".0.", "v0.0.0-", "+incompatible"] {
        assert!(
            pseudo.iter().any(|q| q.contains(form)),
            "no {form} pseudo-version in {pseudo:?}"
        );
    }
    // Fresh caches resolve them as go does.
    let (go, gomodx) = fx.cold();
    let (mut go, ours) = download(&go, &gomodx, fx.main.path(), &pseudo);
    // gomodx answers a canonical version's Origin from the `.info` it
    // wrote, which (as go's) has no TagSum for pseudo-versions; go prints
    // the one it computed.
    for o in &mut go {
        if let Some(origin) = o.get_mut("Origin").and_then(Value::as_object_mut) {
            origin.remove("TagSum");
        }
    }
    assert_same_objects("pseudo-versions", &go, &ours);

    assert_same_caches(&fx.go.gomodcache(), &fx.gomodx.mod_cache());
    assert_no_partial_files(&fx.gomodx.mod_cache());
    // Symlinks (one pointing out of the tree) are left out, as go does.
    let ours = listing(&fx.gomodx.mod_cache(), None, false);
    assert!(
        ours.keys().any(|name| name.ends_with("@v1.2.0-rc.1/a.go")),
        "{:?}",
        ours.keys()
    );
    assert!(
        !ours
            .keys()
            .any(|name| name.ends_with("link.go") || name.ends_with("escape.go"))
    );
}

#[test]
fn versions_and_module_info_match_go() {
    let Some(fx) = Fixture::new() else { return };
    let (go, ours) = fx.list(&[
        "-m",
        "-versions",
        "example.com/a.git",
        "example.com/a.git/sub",
        "example.com/a.git/v2",
        "example.com/b.git",
        "example.com/c.git",
    ]);
    assert_eq!(go, ours);
    assert!(
        go.contains("example.com/c.git v1.0.0 v2.0.0+incompatible v3.0.0+incompatible"),
        "{go}"
    );
    assert!(
        go.contains("example.com/a.git v1.0.0 v1.1.0 v1.2.0-rc.1\n"),
        "{go}"
    );
    // Origin included: a branch's, a tag's, and the one `@latest` merges.
    let (go, ours) = fx.list(&[
        "-m",
        "-json",
        "example.com/a.git@main",
        "example.com/c.git@main",
        "example.com/a.git@v1.0.0",
        "example.com/a.git/v2@latest",
        "example.com/a.git/sub@latest",
        "example.com/b.git@latest",
    ]);
    let objects = |text: &str| gomodx_test::go::parse_json_stream(text.as_bytes()).unwrap();
    let (go, ours) = (objects(&go), objects(&ours));
    assert!(go.iter().all(|o| o.get("Origin").is_some()), "{go:#?}");
    assert_eq!(go, ours);
}

#[test]
fn errors_match_go() {
    let Some(fx) = Fixture::new() else { return };
    let a1 = fx.commit("a1");
    let named = [
        "example.com/missing.git@v1.0.0".to_owned(),
        "example.com/a.git@v9.9.9".to_owned(),
        "example.com/a.git@release-2".to_owned(),
        "example.com/d.git@v1.0.0".to_owned(),
        "example.com/a.git/v2@v1.0.0".to_owned(),
    ];
    let by_hash = [
        format!("example.com/a.git@v1.0.1-0.20200101000000-{}", &a1[..12]),
        format!("example.com/a.git@v1.1.1-0.20200201100000-{}", &a1[..12]),
        format!("example.com/a.git@v1.0.5-0.20200201100000-{}", &a1[..12]),
        format!("example.com/a.git@v1.0.1-0.20200201100000-{}", &a1[..10]),
    ];
    let (go, ours) = fx.download(&named);
    assert_same_objects("errors", &go, &ours);
    assert!(go.iter().all(|o| o.get("Error").is_some()), "{go:#?}");
    // Unknown revisions carry the refs' RepoSum; failed conversions, the
    // revision they looked at.
    let origin = |o: &Value, key: &str| o["Origin"].get(key).is_some();
    assert!(go.iter().any(|o| origin(o, "RepoSum")), "{go:#?}");
    assert!(go.iter().any(|o| origin(o, "Ref")), "{go:#?}");
    // A hash's Origin names the ref that led to it only when the commit
    // was not in the cache repository yet (README, deviations): each on
    // cold caches.
    for query in &by_hash {
        let (go, gomodx) = fx.cold();
        let (go, ours) = download(&go, &gomodx, fx.main.path(), std::slice::from_ref(query));
        assert_same_objects(query, &go, &ours);
        assert!(go.iter().all(|o| origin(o, "Hash")), "{go:#?}");
    }
    let queries: Vec<&String> = named.iter().chain(&by_hash).collect();
    // gomodx resolves query arguments side by side, go one after another
    // (README, deviations): with the commit fetched first, every hash
    // query finds it in the cache repository, in both.
    fx.download(&[format!("example.com/a.git@{a1}")]);

    // `list -m -e -json` prints the same errors with the same Origins.
    let mut args = vec!["-m", "-e", "-json"];
    args.extend(queries.iter().map(|q| q.as_str()));
    let (go, ours) = fx.list(&args);
    let objects = |text: &str| gomodx_test::go::parse_json_stream(text.as_bytes()).unwrap();
    let (go, ours) = (objects(&go), objects(&ours));
    assert!(go.iter().all(|o| o.get("Error").is_some()), "{go:#?}");
    assert_eq!(go, ours);
}

#[test]
fn go_builds_offline_from_what_gomodx_fetched() {
    let Some(fx) = Fixture::new() else { return };
    let main = fx.main.path();
    std::fs::write(
        main.join("go.mod"),
        "module example.com/m\n\ngo 1.21\n\nrequire (\n\texample.com/a.git v1.1.0\n\texample.com/a.git/sub v0.1.0\n\texample.com/c.git v2.0.0+incompatible\n)\n",
    )
    .unwrap();
    std::fs::write(
        main.join("m.go"),
        "package m\n\nimport (\n\t_ \"example.com/a.git\"\n\t_ \"example.com/a.git/sub\"\n\t_ \"example.com/c.git\"\n)\n",
    )
    .unwrap();
    let output = fx.gomodx.run(main, &["download", "all"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut go = go_env("off").expect("checked by the fixture");
    go.set("GOMODCACHE", fx.gomodx.mod_cache());
    go.set("GOFLAGS", "-mod=mod -modcacherw");
    let built = go.run(main, &["build", "./..."]);
    assert!(built.status.success(), "go build: {}", stderr(&built));
    let verify = go.run(main, &["mod", "verify"]);
    assert!(
        verify.status.success(),
        "go mod verify: {}",
        stderr(&verify)
    );
}

#[test]
fn a_missing_git_is_named() {
    let Some(fx) = Fixture::new() else { return };
    let empty = tempfile::tempdir().unwrap();
    let output = fx
        .gomodx
        .command(fx.main.path(), &["download", "example.com/a.git@v1.0.0"])
        .env("PATH", empty.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(
        text.contains("example.com/a.git@v1.0.0") && text.contains("executable file not found"),
        "{text}"
    );
}

#[test]
fn branch_and_latest_answers_are_kept_for_offline_runs() {
    let Some(fx) = Fixture::new() else { return };
    let queries = [
        "example.com/a.git@main".to_owned(),
        "example.com/a.git@latest".to_owned(),
    ];
    let online = download(&fx.go, &fx.gomodx, fx.main.path(), &queries).1;
    let args = [
        "--offline",
        "example.com/a.git@main",
        "example.com/a.git@latest",
    ];
    let (output, offline) = fx.gomodx.download_json(fx.main.path(), &args);
    assert!(output.status.success(), "{}", stderr(&output));
    let offline = normalize_json(&offline, &fx.gomodx.mod_cache());
    let versions = |objects: &[Value]| -> Vec<Value> {
        objects.iter().map(|o| o["Version"].clone()).collect()
    };
    assert_eq!(versions(&offline), versions(&online));
}

#[test]
fn private_modules_skip_the_proxy() {
    let Some(mut fx) = Fixture::new() else { return };
    // A proxy that cannot answer: GOPRIVATE modules never reach it.
    for (key, value) in [
        ("GOPROXY", "http://127.0.0.1:9/proxy"),
        ("GOPRIVATE", "example.com"),
    ] {
        fx.go.set(key, value);
        fx.gomodx.set(key, value);
    }
    let queries = [
        "example.com/a.git@v1.1.0".to_owned(),
        "example.com/a.git/sub@latest".to_owned(),
    ];
    let (go, ours) = fx.download(&queries);
    assert_same_objects("private", &go, &ours);
    assert!(go.iter().all(|o| o.get("Error").is_none()), "{go:#?}");
}

/// A loopback HTTP proxy that answers every `?go-get=1` page with `page`
/// and refuses `CONNECT` (so https fails and GOINSECURE falls back to
/// http). Returns its URL.
fn go_get_proxy(page: String) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let reply = if request.starts_with("CONNECT") {
                "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_owned()
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                )
            };
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    url
}

#[test]
fn go_import_meta_tags_lead_to_repositories_and_proxies() {
    let Some(mut fx) = Fixture::new() else { return };
    fx.repos.create(
        "m",
        &[Commit {
            date: "2022-01-01T00:00:00Z",
            files: &[
                ("go.mod", Some("module example.org/m\n")),
                ("m.go", Some("package m\n")),
                ("sub/go.mod", Some("module example.org/s\n")),
                ("sub/s.go", Some("package s\n")),
            ],
            tags: &["v1.0.0", "sub/v0.2.0"],
        }],
    );
    let tmp = tempfile::tempdir().unwrap();
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
    let server =
        gomodx_test::ProxyServer::start(tree.root.clone(), gomodx_test::server::Faults::none());
    let page = format!(
        "<html><head>\n\
         <meta name=\"go-import\" content=\"example.org/m git https://example.com/m\">\n\
         <meta name=\"go-import\" content=\"example.org/s git https://example.com/m sub\">\n\
         <meta name=\"go-import\" content=\"rsc.io/quote mod {}\">\n\
         </head><body></body></html>",
        server.url()
    );
    let proxy = go_get_proxy(page);
    for (key, value) in [
        ("HTTP_PROXY", proxy.as_str()),
        ("HTTPS_PROXY", proxy.as_str()),
        ("NO_PROXY", "127.0.0.1"),
        ("GOINSECURE", "example.org,rsc.io"),
    ] {
        fx.go.set(key, value);
        fx.gomodx.set(key, value);
    }
    let queries = [
        "example.org/m@v1.0.0".to_owned(),
        "example.org/m@latest".to_owned(),
        "example.org/s@v0.2.0".to_owned(),
        "rsc.io/quote@v1.5.2".to_owned(),
    ];
    let (go, ours) = fx.download(&queries);
    assert_same_objects("meta tags", &go, &ours);
    assert!(go.iter().all(|o| o.get("Error").is_none()), "{go:#?}");
}

/// Retractions read from the repository's newest go.mod: `@latest`
/// skips retracted versions (here the newest tag retracts itself), lists
/// leave them out unless `-retracted`, and `-retracted` names the reason.
#[test]
fn retractions_match_go() {
    let Some(fx) = Fixture::new() else { return };
    let go_mod = "module example.com/r.git\n\ngo 1.20\n";
    let retracting = "module example.com/r.git\n\ngo 1.20\n\nretract (\n\
                      \tv1.1.0 // broken\n\tv1.2.0 // published by mistake\n)\n";
    fx.repos.create(
        "r",
        &[
            Commit {
                date: "2021-01-01T00:00:00Z",
                files: &[("go.mod", Some(go_mod)), ("r.go", Some("package r\n"))],
                tags: &["v1.0.0"],
            },
            Commit {
                date: "2021-02-01T00:00:00Z",
                files: &[("r.go", Some("package r // 2\n"))],
                tags: &["v1.1.0"],
            },
            Commit {
                date: "2021-03-01T00:00:00Z",
                files: &[("go.mod", Some(retracting))],
                tags: &["v1.2.0"],
            },
        ],
    );
    let queries = [
        "example.com/r.git@latest".to_owned(),
        "example.com/r.git@v1.1.0".to_owned(),
        "example.com/r.git@>=v1.1.0".to_owned(),
    ];
    let (go, ours) = fx.download(&queries);
    assert_same_objects("retractions", &go, &ours);
    assert_eq!(go[0]["Version"], "v1.0.0", "{go:#?}");
    for args in [
        &["-m", "-versions", "example.com/r.git"][..],
        &["-m", "-versions", "-retracted", "example.com/r.git"],
        &["-m", "-retracted", "-json", "example.com/r.git@v1.1.0"],
        &["-m", "-u", "-json", "example.com/r.git@v1.0.0"],
        &[
            "-m",
            "-e",
            "-f",
            "{{.Version}} {{.Retracted}}",
            "example.com/r.git@v1.2.0",
        ],
    ] {
        let (go, ours) = fx.list(args);
        assert_eq!(go, ours, "list {args:?}");
    }
}

/// A loopback HTTP proxy that tunnels every `CONNECT` to `to` (a TLS
/// server whose certificate names the hosts asked for). Returns its URL.
fn tunnel_proxy(to: std::net::SocketAddr) -> String {
    use std::io::{BufRead, BufReader, Write};
    use std::net::{Shutdown, TcpStream};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let pipe = |mut from: TcpStream, mut to: TcpStream| {
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut from, &mut to);
            let _ = to.shutdown(Shutdown::Write);
        });
    };
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { continue };
            let mut reader = BufReader::new(client.try_clone().unwrap());
            let mut line = String::new();
            let mut header = String::new();
            let connect = reader.read_line(&mut line).is_ok() && line.starts_with("CONNECT ");
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            let Some(server) = connect.then(|| TcpStream::connect(to).ok()).flatten() else {
                let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
                continue;
            };
            let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
            pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
            pipe(server, client);
        }
    });
    url
}

/// A private module behind a custom import path whose go-get page wants
/// credentials: go and gomodx send GOAUTH's (here the netrc entry for the
/// page's host) over HTTPS, find the same repository, and neither carries
/// them to another host the page redirects to.
#[test]
fn go_get_pages_get_goauth_credentials_over_https() {
    let Some(mut fx) = Fixture::new() else { return };
    for name in ["m", "r"] {
        let module = format!("module git.corp.test/{name}\n");
        fx.repos.create(
            name,
            &[Commit {
                date: "2022-01-01T00:00:00Z",
                files: &[("go.mod", Some(&module)), ("m.go", Some("package m\n"))],
                tags: &["v1.0.0"],
            }],
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let pages = tmp.path().join("pages");
    std::fs::create_dir_all(&pages).unwrap();
    for name in ["m", "r"] {
        let page = format!(
            "<html><head><meta name=\"go-import\" \
             content=\"git.corp.test/{name} git https://example.com/{name}\"></head></html>"
        );
        std::fs::write(pages.join(name), page).unwrap();
    }
    let ca = gomodx_test::server::TestCa::for_hosts(&["*.corp.test"]);
    ca.write_pem(&tmp.path().join("ca.pem"));
    std::fs::write(
        tmp.path().join("netrc"),
        "machine git.corp.test login u password p\nmachine mirror.corp.test login v password q\n",
    )
    .unwrap();
    let server =
        gomodx_test::ProxyServer::start_tls(pages, gomodx_test::server::Faults::none(), &ca);
    let proxy = tunnel_proxy(server.addr());
    let ca_pem = tmp.path().join("ca.pem").display().to_string();
    let netrc = tmp.path().join("netrc").display().to_string();
    for (key, value) in [
        ("HTTPS_PROXY", proxy.as_str()),
        ("SSL_CERT_FILE", ca_pem.as_str()),
        ("NETRC", netrc.as_str()),
        ("GOPRIVATE", "git.corp.test"),
    ] {
        fx.go.set(key, value);
        fx.gomodx.set(key, value);
    }
    // `/r` first redirects (once per tool) to another host of the site.
    let redirect = || {
        let to = gomodx_test::server::Fault::Redirect {
            to: "https://mirror.corp.test".to_owned(),
        };
        let rule = gomodx_test::server::FaultRule::new(
            gomodx_test::server::PathMatch::Exact("/r".to_owned()),
            to,
        );
        gomodx_test::server::Faults::none().rule(rule.times(1))
    };
    let queries = [
        "git.corp.test/m@v1.0.0".to_owned(),
        "git.corp.test/r@v1.0.0".to_owned(),
    ];
    let args: Vec<&str> = queries.iter().map(String::as_str).collect();
    let dir = fx.main.path();
    let normalize = |objects: Vec<Value>, cache: &Path| normalize_json(&objects, cache);
    server.set_faults(redirect());
    let go = normalize(fx.go.mod_download_json(dir, &args), &fx.go.gomodcache());
    let go_seen = server.requests();
    server.clear_requests();
    server.set_faults(redirect());
    let ours = normalize(
        fx.gomodx.download_json(dir, &args).1,
        &fx.gomodx.mod_cache(),
    );
    let our_seen = server.requests();
    assert_same_objects("go-get pages with credentials", &go, &ours);
    assert!(go.iter().all(|o| o.get("Error").is_none()), "{go:#?}");

    // Each page request as (path, Authorization): the first `/r` is the
    // one redirected away; the mirror's own netrc entry is not used either.
    let seen = |records: Vec<gomodx_test::server::RequestRecord>| {
        let mut seen: Vec<(String, Option<String>)> = records
            .into_iter()
            .map(|r| (r.path, r.authorization))
            .collect();
        seen.sort();
        seen.dedup();
        seen
    };
    let basic = Some("Basic dTpw".to_owned());
    let expected = vec![
        ("/m".to_owned(), basic.clone()),
        ("/r".to_owned(), None),
        ("/r".to_owned(), basic),
    ];
    assert_eq!(seen(go_seen), expected, "go");
    assert_eq!(seen(our_seen), expected, "gomodx");
}

#[test]
fn sha256_repositories_match_go() {
    let Some(fx) = Fixture::new() else { return };
    let commits = fx.repos.create_with(
        "s",
        &["--object-format=sha256"],
        &[
            Commit {
                date: "2022-01-01T00:00:00Z",
                files: &[
                    ("go.mod", Some("module example.com/s.git\n")),
                    ("s.go", Some("package s\n")),
                ],
                tags: &["v1.0.0"],
            },
            Commit {
                date: "2022-02-01T00:00:00Z",
                files: &[("s.go", Some("package s // 2\n"))],
                tags: &[],
            },
        ],
    );
    assert_eq!(commits[1].len(), 64, "a SHA-256 repository");
    let queries = [
        "example.com/s.git@v1.0.0".to_owned(),
        "example.com/s.git@latest".to_owned(),
        "example.com/s.git@main".to_owned(),
        format!("example.com/s.git@{}", &commits[1][..12]),
    ];
    let (go, ours) = fx.download(&queries);
    assert_same_objects("sha256", &go, &ours);
    assert!(go.iter().all(|o| o.get("Error").is_none()), "{go:#?}");
    assert_same_caches(&fx.go.gomodcache(), &fx.gomodx.mod_cache());
}
