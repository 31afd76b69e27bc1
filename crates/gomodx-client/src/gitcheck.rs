//! Go's `updateGitCredentialHelper` (`cmd/go/internal/auth/gitauth.go`):
//! after `git credential fill` provided a credential for a URL prefix, a
//! `HEAD` request to that prefix with it decides whether git's credential
//! helpers keep it: `git credential approve` on `200`, `git credential
//! reject` on `401`, each fed the output of `fill`. Up to three tries;
//! other answers and network errors try again, then give up silently.
//!
//! Like go, the commands run in the current directory (not the `git DIR`
//! of `GOAUTH`) and their failures are ignored. go runs this in a
//! goroutine that may not finish before it exits; gomodx runs it alongside
//! the request that uses the credential, and waits for both.

use std::process::Stdio;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tokio::io::AsyncWriteExt;

/// How often the `HEAD` request is tried (go's `maxTries`).
const MAX_TRIES: usize = 3;

/// What `git credential fill` provided.
pub(crate) struct GitFill {
    /// The URL prefix git answered for (always HTTPS: credentials are only
    /// asked for HTTPS URLs, and the prefix is a prefix of one).
    pub prefix: String,
    /// `Authorization: Basic …` for its user and password.
    pub headers: HeaderMap,
    /// `fill`'s output, fed to `approve` or `reject`.
    pub output: Vec<u8>,
}

/// Checks `fill` with `HEAD` requests on `client` and tells git's
/// credential helpers the result.
pub(crate) async fn update_git_credential_helper(client: &reqwest::Client, fill: GitFill) {
    if !fill.prefix.starts_with("https://") {
        return;
    }
    for _ in 0..MAX_TRIES {
        let Ok(response) = client
            .head(&fill.prefix)
            .headers(fill.headers.clone())
            .send()
            .await
        else {
            continue;
        };
        match response.status() {
            StatusCode::OK => return credential(&fill.output, "approve").await,
            StatusCode::UNAUTHORIZED => return credential(&fill.output, "reject").await,
            _ => {}
        }
    }
}

/// `git credential <action>` with `output` on stdin; errors are ignored, as go does.
async fn credential(output: &[u8], action: &str) {
    let Ok(mut child) = tokio::process::Command::new("git")
        .args(["credential", action])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return;
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(output).await;
    }
    let _ = child.wait().await;
}
