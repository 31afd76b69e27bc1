//! `--direct`: fetching modules straight from git repositories
//! (`GOPROXY=direct`).
//!
//! [`REPOS`] local repositories, each a module with three tagged commits,
//! are reached as `example.com/rN.git` through git's own
//! `url.<base>.insteadOf` (a test git configuration: nothing leaves the
//! machine). Each side downloads `@latest` of every module into an empty
//! GOMODCACHE (so each runs `git ls-remote`, fetches into a bare cache
//! repository and builds the zip). go works on its repositories with at
//! most GOMAXPROCS git commands at once; gomodx runs them in parallel.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::extra::{self, Measured};
use crate::scenario::Side;

/// Repositories (and modules) fetched.
const REPOS: usize = 20;

/// Runs `git args` in `dir` with a fixed identity and date.
fn git(dir: &Path, date: &str, args: &[&str]) -> Result<()> {
    let output = Command::new("git")
        .args(["-c", "user.name=b", "-c", "user.email=b@example.com"])
        .args(["-c", "init.defaultBranch=main", "-c", "tag.gpgSign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .context("running git")?;
    if !output.status.success() {
        bail!("git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(())
}

/// Creates the repositories under `root`.
fn create(root: &Path) -> Result<()> {
    for r in 0..REPOS {
        let dir = root.join(format!("r{r}"));
        std::fs::create_dir_all(&dir)?;
        git(&dir, "2021-01-01T00:00:00Z", &["init", "-q"])?;
        for (i, tag) in ["v1.0.0", "v1.1.0", "v1.2.0"].iter().enumerate() {
            let date = format!("2021-0{}-01T00:00:00Z", i + 1);
            std::fs::write(
                dir.join("go.mod"),
                format!("module example.com/r{r}.git\n\ngo 1.21\n"),
            )?;
            std::fs::write(dir.join("r.go"), format!("package r // {i}\n"))?;
            // Some bulk for git to pack and the zip to hold.
            let bulk: String = (0..4000)
                .map(|n| format!("// line {n} of {r}.{i}\n"))
                .collect();
            std::fs::write(dir.join("bulk.go"), bulk)?;
            git(&dir, &date, &["add", "-A"])?;
            git(&dir, &date, &["commit", "-q", "-m", tag])?;
            git(&dir, &date, &["tag", tag])?;
        }
    }
    Ok(())
}

/// Runs the benchmark; returns the measurements and the facts for the report.
pub fn run(
    sides: &[Side; 2],
    go: &Path,
    work: &Path,
    runs: u32,
) -> Result<([Measured; 2], Vec<String>)> {
    let repos = work.join("repos");
    create(&repos)?;
    let gitconfig = work.join("gitconfig");
    std::fs::write(
        &gitconfig,
        format!(
            "[url \"file://{}/\"]\n\tinsteadOf = https://example.com/\n",
            repos.display()
        ),
    )?;
    let main = work.join("direct-main");
    std::fs::create_dir_all(&main)?;
    std::fs::write(main.join("go.mod"), "module example.com/m\n\ngo 1.21\n")?;
    let modules: Vec<String> = (0..REPOS)
        .map(|r| format!("example.com/r{r}.git@latest"))
        .collect();
    let (go_args, gomodx_args) = extra::download_args(&modules);
    let gitconfig = gitconfig.display().to_string();
    let measured = extra::measure_cold(
        sides,
        go,
        "direct",
        &main,
        work,
        [&go_args, &gomodx_args],
        runs,
        None,
        &|invocation, _| {
            invocation.set("GOSUMDB", "off");
            invocation.set("GIT_CONFIG_GLOBAL", &gitconfig);
            invocation.set("GIT_CONFIG_NOSYSTEM", "1");
            invocation.set("GIT_ALLOW_PROTOCOL", "https:file");
        },
        &|_| None,
    )?;
    let facts = vec![format!(
        "`mod download` of `@latest` of {REPOS} modules, each its own local git repository (three tagged commits, ~100 KB of source; `file://` through `url.insteadOf`), GOPROXY=direct, GOSUMDB=off, empty GOMODCACHE; {runs} run(s) per side"
    )];
    Ok((measured, facts))
}
