//! Running git as the go command runs it (`codehost.Run`): in the
//! repository's directory with `GIT_DIR` set, `GIT_TERMINAL_PROMPT=0` and
//! `GCM_INTERACTIVE=never` unless the user set them, and nothing else
//! changed — the user's credential helpers, `url.<base>.insteadOf` and ssh
//! configuration apply as they do for go. Unlike go, every command has a
//! time limit, so a hung server or a prompt that slipped through cannot
//! hold a run forever.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::process::Command;

use crate::error::Error;

/// The git program and how long one command may take.
#[derive(Debug, Clone)]
pub(crate) struct Git {
    pub program: PathBuf,
    pub timeout: Duration,
}

/// A git command that failed, worded like Go's `codehost.RunError`.
#[derive(Debug, Clone)]
pub(crate) struct RunError {
    /// `git args… in DIR`.
    pub cmd: String,
    /// `exit status 128`, the OS error, or the timeout.
    pub cause: String,
    pub stderr: String,
    /// The command exited with this code.
    pub code: Option<i32>,
    /// Advice appended to the message.
    pub help: String,
    /// The git program could not be found.
    pub no_git: bool,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.cmd, self.cause)?;
        let stderr = self.stderr.trim_end_matches('\n');
        if !stderr.is_empty() {
            write!(f, ":\n\t{}", stderr.replace('\n', "\n\t"))?;
        }
        if !self.help.is_empty() {
            write!(f, "\n{}", self.help)?;
        }
        Ok(())
    }
}

impl From<RunError> for Error {
    fn from(e: RunError) -> Self {
        Error::other(e.to_string())
    }
}

impl Git {
    /// Runs `git args…` in `dir`; with `git_dir`, `GIT_DIR=dir` as well (go
    /// sets it for its bare cache repositories). Returns stdout.
    pub async fn run(&self, dir: &Path, git_dir: bool, args: &[&str]) -> Result<Vec<u8>, RunError> {
        let program = self.program.to_string_lossy();
        let cmd = format!("{program} {} in {}", args.join(" "), dir.display());
        let mut command = Command::new(&self.program);
        command
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (key, value) in [("GIT_TERMINAL_PROMPT", "0"), ("GCM_INTERACTIVE", "never")] {
            if std::env::var_os(key).is_none_or(|v| v.is_empty()) {
                command.env(key, value);
            }
        }
        if git_dir {
            command.env("GIT_DIR", dir);
        }
        let fail = |cause: String, stderr: String, code: Option<i32>| RunError {
            cmd: cmd.clone(),
            help: String::new(),
            cause,
            stderr,
            code,
            no_git: false,
        };
        let mut child = command.spawn().map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                let cause = format!(
                    "exec: {program:?}: executable file not found in $PATH \
                     (direct mode runs git: install git, or fetch through a proxy)"
                );
                RunError {
                    no_git: true,
                    ..fail(cause, String::new(), None)
                }
            } else {
                fail(e.to_string(), String::new(), None)
            }
        })?;
        let mut stdout = child.stdout.take().expect("piped");
        let mut stderr = child.stderr.take().expect("piped");
        let work = async {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let (a, b) = tokio::join!(stdout.read_to_end(&mut out), stderr.read_to_end(&mut err));
            a.and(b)?;
            let status = child.wait().await?;
            Ok::<_, std::io::Error>((status, out, err))
        };
        let (status, out, err) = match tokio::time::timeout(self.timeout, work).await {
            Err(_) => {
                let cause = format!(
                    "timed out after {:?} (a hung server, or git waiting for credentials)",
                    self.timeout
                );
                return Err(fail(cause, String::new(), None));
            }
            Ok(Err(e)) => return Err(fail(e.to_string(), String::new(), None)),
            Ok(Ok(done)) => done,
        };
        if status.success() {
            return Ok(out);
        }
        let cause = match status.code() {
            Some(code) => format!("exit status {code}"),
            None => status.to_string(),
        };
        Err(fail(
            cause,
            String::from_utf8_lossy(&err).into_owned(),
            status.code(),
        ))
    }

    /// Whether this git knows `--object-format` (2.29 and later), as go
    /// checks before `git init --bare`.
    pub async fn supports_sha256(&self, dir: &Path) -> Result<bool, RunError> {
        let out = self.run(dir, false, &["version"]).await?;
        let text = String::from_utf8_lossy(&out);
        let version = text
            .split_whitespace()
            .skip_while(|w| *w != "version")
            .nth(1)
            .unwrap_or("");
        let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        Ok((major, minor) >= (2, 29))
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::time::Instant;

    use super::*;

    /// A "git" that hangs (a server that never answers, a prompt nobody
    /// sees) is stopped at the time limit, and the error says so.
    #[tokio::test]
    async fn a_hung_git_is_stopped_at_the_time_limit() {
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("git");
        std::fs::write(&program, "#!/bin/sh\nsleep 30\n").unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let git = Git {
            program: program.clone(),
            timeout: Duration::from_millis(300),
        };
        let started = Instant::now();
        let err = git
            .run(dir.path(), false, &["ls-remote", "origin"])
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10), "{err}");
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "{} ls-remote origin in {}: timed out after 300ms",
                program.display(),
                dir.path().display()
            )),
            "{text}"
        );
        assert!(!err.no_git);
    }
}
