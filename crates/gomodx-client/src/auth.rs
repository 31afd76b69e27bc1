//! Credentials for HTTPS requests, provided the way Go's
//! `cmd/go/internal/auth` provides them from `GOAUTH`.
//!
//! `GOAUTH` is a `;`-separated list of methods: `netrc` (the default),
//! `git DIR` (`git credential fill`, run in DIR), `off` (alone), or a
//! command whose output maps URL prefixes to headers. The methods run in
//! reverse order, so for the same prefix the earliest listed wins. All run
//! once before the first HTTPS request; after a 4xx answer, `git` and the
//! commands run again with the URL (commands also get the answer's status
//! and headers on stdin) and the request is sent once more. A request gets
//! the headers of the longest stored prefix of `host[:port]/path`.
//!
//! Credentials are only ever asked for over HTTPS (the transport's rule);
//! plain HTTP, redirect hops to other hosts and logs never see them.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use tokio::io::AsyncWriteExt;
use tokio::sync::OnceCell;

use crate::gitcheck::GitFill;
use crate::netrc::Netrc;

/// Receives the errors of methods that found nothing for a URL (Go logs
/// them under `-x`).
pub(crate) type ErrorLog = dyn Fn(&str) + Send + Sync;

/// `GOAUTH`, parsed, and the credentials its methods provided so far.
pub(crate) struct Auth {
    /// The methods in the order they run (the reverse of `GOAUTH`), `None`
    /// for `off`, or go's fatal configuration error.
    methods: Result<Option<Vec<Method>>, String>,
    netrc: Netrc,
    first_run: OnceCell<()>,
    /// URL prefix (`host[:port][/path]`) → headers.
    cache: Mutex<HashMap<String, HeaderMap>>,
    /// Credentials `git credential fill` provided, not yet checked (see
    /// [`crate::gitcheck`]).
    git_fills: Mutex<Vec<GitFill>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Method {
    Netrc,
    Git(PathBuf),
    Command(String),
}

/// A run's GOAUTH credentials, shared by every HTTPS request it makes
/// (proxies, go-get pages, proxies those pages name), as go keeps one
/// credential cache per process: the methods run once, not once per
/// client. Cheap to clone.
#[derive(Clone)]
pub struct Credentials(Arc<Auth>);

impl Credentials {
    /// `goauth` as Go reads it (empty means `netrc`) with the netrc file's
    /// entries.
    pub fn new(goauth: &str, netrc: Netrc) -> Self {
        Credentials(Arc::new(Auth::new(goauth, netrc)))
    }

    /// The headers for the first request to the HTTPS `url` (Go's
    /// `AddCredentials` without a response). `Err` is a GOAUTH
    /// configuration error. Never call it for plain HTTP.
    pub async fn headers(&self, url: &Url) -> Result<HeaderMap, String> {
        self.0.headers(url, None).await
    }

    /// After `failed`, a 4xx answer to the HTTPS `url`: the headers to send
    /// the request again with, or `None` when no GOAUTH method could answer
    /// differently. Credentials `git credential fill` gave are then checked
    /// with `http`, and git's helpers told to keep or drop them, as go does.
    pub async fn headers_after_4xx(
        &self,
        http: &reqwest::Client,
        url: &Url,
        failed: &reqwest::Response,
    ) -> Result<Option<HeaderMap>, String> {
        if !self.0.retries_after_4xx() {
            return Ok(None);
        }
        let failed = FailedResponse::of(failed);
        let headers = self.0.headers_after(url, &failed, None).await?;
        for fill in self.0.take_git_fills() {
            crate::gitcheck::update_git_credential_helper(http, fill).await;
        }
        Ok(Some(headers))
    }

    pub(crate) fn auth(&self) -> &Auth {
        &self.0
    }
}

impl std::fmt::Debug for Credentials {
    /// Never the credentials themselves.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(..)")
    }
}

impl Default for Credentials {
    /// Go's default, `netrc`, with no netrc entries: no credentials.
    fn default() -> Self {
        Credentials::new("netrc", Netrc::default())
    }
}

/// The status line and headers of a 4xx answer, for a command's stdin.
pub(crate) struct FailedResponse {
    /// E.g. `HTTP/1.1`.
    pub proto: String,
    /// E.g. `401 Unauthorized`.
    pub status: String,
    /// The answer's headers.
    pub headers: HeaderMap,
}

impl FailedResponse {
    /// What a command is told of `response`.
    pub(crate) fn of(response: &reqwest::Response) -> Self {
        FailedResponse {
            proto: format!("{:?}", response.version()),
            status: crate::transport::status_line(response.status()),
            headers: response.headers().clone(),
        }
    }
}

impl Auth {
    /// `goauth` as Go reads it (empty means the default, `netrc`) with the
    /// netrc file's entries.
    pub(crate) fn new(goauth: &str, netrc: Netrc) -> Self {
        let goauth = if goauth.is_empty() { "netrc" } else { goauth };
        Auth {
            methods: parse(goauth),
            netrc,
            first_run: OnceCell::new(),
            cache: Mutex::new(HashMap::new()),
            git_fills: Mutex::new(Vec::new()),
        }
    }

    /// Whether a 4xx answer may be worth a second request: only `git` and
    /// commands can answer differently once they see the URL. (Go re-sends
    /// the request in every case; with `netrc` or `off` alone the second
    /// request would be the same as the first, so gomodx skips it.)
    pub(crate) fn retries_after_4xx(&self) -> bool {
        matches!(&self.methods, Ok(Some(methods)) if methods.iter().any(|m| *m != Method::Netrc))
    }

    /// Go's `AddCredentials` for the first request to an HTTPS `url`: runs
    /// every method once (the first time), then returns the headers stored
    /// for the longest prefix of `url`. `Err` is a configuration error.
    pub(crate) async fn headers(
        &self,
        url: &Url,
        log: Option<&ErrorLog>,
    ) -> Result<HeaderMap, String> {
        let Some(methods) = self.methods.as_ref().map_err(Clone::clone)? else {
            return Ok(HeaderMap::new());
        };
        self.first_run
            .get_or_init(|| async {
                let errors = self.run(methods, None, None).await;
                // Go reports errors only for a URL's own run.
                drop(errors);
            })
            .await;
        Ok(self.load(url, log, &[]))
    }

    /// Go's `AddCredentials` after `failed`: runs the methods again with
    /// `url`, then returns the headers stored for it.
    pub(crate) async fn headers_after(
        &self,
        url: &Url,
        failed: &FailedResponse,
        log: Option<&ErrorLog>,
    ) -> Result<HeaderMap, String> {
        let Some(methods) = self.methods.as_ref().map_err(Clone::clone)? else {
            return Ok(HeaderMap::new());
        };
        let errors = self.run(methods, Some(url), Some(failed)).await;
        Ok(self.load(url, log, &errors))
    }

    /// Runs `methods` in order, storing what each provides; returns the
    /// errors of those that failed.
    async fn run(
        &self,
        methods: &[Method],
        url: Option<&Url>,
        failed: Option<&FailedResponse>,
    ) -> Vec<String> {
        let mut errors = Vec::new();
        for method in methods {
            match method {
                Method::Netrc => {
                    // In reverse, so the earlier of two entries for one
                    // machine is the one kept.
                    for entry in self.netrc.entries().iter().rev() {
                        self.store(&entry.machine, basic(&entry.login, &entry.password));
                    }
                }
                Method::Git(dir) => {
                    let Some(url) = url else { continue };
                    match git_credential(dir, url.as_str()).await {
                        Ok(fill) => {
                            self.store(&fill.prefix, fill.headers.clone());
                            self.git_fills
                                .lock()
                                .unwrap_or_else(|poisoned| poisoned.into_inner())
                                .push(fill);
                        }
                        Err(e) => errors.push(format!("GOAUTH=git {}: {e}", dir.display())),
                    }
                }
                Method::Command(command) => match run_command(command, url, failed).await {
                    Ok(credentials) => {
                        for (prefix, headers) in credentials {
                            self.store(&prefix, headers);
                        }
                    }
                    Err(e) => errors.push(format!("GOAUTH={command}: {e}")),
                },
            }
        }
        errors
    }

    /// The credentials `git credential fill` provided since the last call,
    /// for [`crate::gitcheck::update_git_credential_helper`].
    pub(crate) fn take_git_fills(&self) -> Vec<GitFill> {
        std::mem::take(
            &mut *self
                .git_fills
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    fn cache(&self) -> MutexGuard<'_, HashMap<String, HeaderMap>> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Go's `storeCredential`: empty headers remove the prefix.
    fn store(&self, prefix: &str, headers: HeaderMap) {
        let prefix = trim_prefix(prefix).to_owned();
        let mut cache = self.cache();
        if headers.is_empty() {
            cache.remove(&prefix);
        } else {
            cache.insert(prefix, headers);
        }
    }

    /// Go's `loadCredential`: the headers of the longest stored prefix of
    /// `url`; logs `errors` when there are none.
    fn load(&self, url: &Url, log: Option<&ErrorLog>, errors: &[String]) -> HeaderMap {
        let cache = self.cache();
        let mut prefix = trim_prefix(url.as_str());
        loop {
            if let Some(headers) = cache.get(prefix) {
                return headers.clone();
            }
            match prefix.rfind('/') {
                Some(slash) => prefix = &prefix[..slash],
                None => break,
            }
        }
        if let Some(log) = log.filter(|_| !errors.is_empty()) {
            log(&format!("GOAUTH encountered errors for {url}:"));
            for error in errors {
                log(&format!("  {error}"));
            }
        }
        HeaderMap::new()
    }
}

/// `https://` and one trailing `/` removed, as Go keys its credentials.
fn trim_prefix(url: &str) -> &str {
    let url = url.strip_prefix("https://").unwrap_or(url);
    url.strip_suffix('/').unwrap_or(url)
}

/// `GOAUTH` as Go's `runGoAuth` walks it: entries in reverse order, with
/// go's fatal errors for malformed ones.
fn parse(goauth: &str) -> Result<Option<Vec<Method>>, String> {
    if goauth == "off" {
        return Ok(None);
    }
    let commands: Vec<&str> = goauth.split(';').rev().collect();
    let mut methods = Vec::new();
    for command in &commands {
        let command = command.trim();
        let words: Vec<&str> = command.split_whitespace().collect();
        match words.first().copied() {
            None => {
                return Err(format!(
                    "GOAUTH encountered an empty command (GOAUTH={goauth})"
                ));
            }
            Some("off") if commands.len() != 1 => {
                return Err(format!(
                    "GOAUTH=off cannot be combined with other authentication commands (GOAUTH={goauth})"
                ));
            }
            Some("off") => return Ok(None),
            Some("netrc") => methods.push(Method::Netrc),
            Some("git") => methods.push(Method::Git(git_dir(&words)?)),
            Some(_) => methods.push(Method::Command(command.to_owned())),
        }
    }
    Ok(Some(methods))
}

/// The directory of a `git DIR` method, checked as Go checks it.
fn git_dir(words: &[&str]) -> Result<PathBuf, String> {
    const NEEDS: &str =
        "GOAUTH=git dir method requires an absolute path to the git working directory";
    let [_, dir] = words else {
        return Err(NEEDS.to_owned());
    };
    let dir = PathBuf::from(dir);
    if !dir.is_absolute() {
        return Err(format!("{NEEDS}, dir is not absolute"));
    }
    match std::fs::metadata(&dir) {
        Err(e) => Err(format!(
            "GOAUTH=git encountered an error; cannot stat {}: {}",
            dir.display(),
            gomodx_fs::os_error_text(&e)
        )),
        Ok(meta) if !meta.is_dir() => Err(format!("{NEEDS}, dir is not a directory")),
        Ok(_) => Ok(dir),
    }
}

/// `Authorization: Basic …` for a user and password.
fn basic(user: &str, password: &str) -> HeaderMap {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&format!("Basic {token}")) {
        headers.insert(AUTHORIZATION, value);
    }
    headers
}

/// Go's `runGitAuth`: `git credential fill` in `dir` for `url`; the prefix
/// git answered for must be a prefix of `url`.
async fn git_credential(dir: &PathBuf, url: &str) -> Result<GitFill, String> {
    let mut child = tokio::process::Command::new("git")
        .args(["credential", "fill"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("'git credential fill' failed (url={url}): {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits without reading fails below with its status.
        let _ = stdin.write_all(format!("url={url}\n").as_bytes()).await;
    }
    let output = child
        .wait_with_output()
        .await
        .map_err(|e| format!("'git credential fill' failed (url={url}): {e}"))?;
    if !output.status.success() {
        let mut out = String::from_utf8_lossy(&output.stdout).into_owned();
        out.push_str(&String::from_utf8_lossy(&output.stderr));
        return Err(format!(
            "'git credential fill' failed (url={url}): {}\n{out}",
            exit_text(output.status)
        ));
    }
    let (prefix, user, password) = parse_git_credential(&String::from_utf8_lossy(&output.stdout));
    if prefix.is_empty() {
        return Err(format!(
            "'git credential fill' failed for url={url}, could not parse url\n"
        ));
    }
    if !url.starts_with(&prefix) {
        return Err(format!(
            "requested a credential for {url}, but 'git credential fill' provided one for {prefix}\n"
        ));
    }
    Ok(GitFill {
        prefix,
        headers: basic(&user, &password),
        output: output.stdout,
    })
}

/// Go's `parseGitAuth`: the URL prefix (from `url=`, else `protocol`,
/// `host` and `path`), the user name and the password.
fn parse_git_credential(output: &str) -> (String, String, String) {
    let (mut protocol, mut host, mut path) = (String::new(), String::new(), String::new());
    let (mut user, mut password, mut whole) = (String::new(), String::new(), None);
    for line in output.lines() {
        let Some((key, value)) = line.trim().split_once('=') else {
            continue;
        };
        match key {
            "protocol" => protocol = value.to_owned(),
            "host" => host = value.to_owned(),
            "path" => path = value.to_owned(),
            "username" => user = value.to_owned(),
            "password" => password = value.to_owned(),
            "url" if Url::parse(value).is_ok() => whole = Some(value.to_owned()),
            _ => {}
        }
    }
    let prefix = whole.unwrap_or_else(|| {
        let mut prefix = String::new();
        if !protocol.is_empty() {
            prefix = format!("{protocol}:");
        }
        if !host.is_empty() {
            prefix.push_str(&format!("//{host}"));
        }
        if !path.is_empty() {
            if !host.is_empty() && !path.starts_with('/') {
                prefix.push('/');
            }
            prefix.push_str(&path);
        }
        prefix
    });
    (prefix, user, password)
}

/// Go's `runAuthCommand`: runs `command` (quoted words), with `url` as an
/// extra argument and `failed` on stdin when given, and parses its output.
async fn run_command(
    command: &str,
    url: Option<&Url>,
    failed: Option<&FailedResponse>,
) -> Result<Vec<(String, HeaderMap)>, String> {
    let words = gomodx_goenv::split_quoted(command).map_err(|e| {
        let reason = match e {
            gomodx_goenv::GoEnvError::GoFlags(reason) => reason,
            other => other.to_string(),
        };
        format!("cannot parse GOAUTH command {command}: {reason}")
    })?;
    let Some((program, args)) = words.split_first() else {
        return Err(format!("cannot parse GOAUTH command {command}: empty"));
    };
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .args(url.map(Url::as_str))
        .stdin(if failed.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let fail = |cause: String, stderr: &[u8]| {
        format!(
            "could not run command {command}: {cause}\n{}",
            String::from_utf8_lossy(stderr)
        )
    };
    let mut child = cmd.spawn().map_err(|e| fail(e.to_string(), b""))?;
    if let (Some(failed), Some(mut stdin)) = (failed, child.stdin.take()) {
        // A command that exits without reading its stdin is fine.
        let _ = stdin.write_all(response_text(failed).as_bytes()).await;
    }
    let output = child
        .wait_with_output()
        .await
        .map_err(|e| fail(e.to_string(), b""))?;
    if !output.status.success() {
        return Err(fail(exit_text(output.status), &output.stderr));
    }
    parse_command_output(&String::from_utf8_lossy(&output.stdout))
        .map_err(|e| format!("cannot parse output of GOAUTH command {command}: {e}"))
}

/// What Go's `writeResponseToStdin` writes: the status line, the headers,
/// an empty line.
fn response_text(failed: &FailedResponse) -> String {
    let mut text = format!("{} {}\n", failed.proto, failed.status);
    for name in failed.headers.keys() {
        let values: Vec<String> = failed
            .headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        text.push_str(&format!(
            "{}: {}\n",
            canonical_header(name),
            values.join(", ")
        ));
    }
    text.push('\n');
    text
}

/// Go's canonical header key: `www-authenticate` → `Www-Authenticate`.
fn canonical_header(name: &HeaderName) -> String {
    name.as_str()
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Go's `parseUserAuth`: blocks of URL lines, an empty line, header lines,
/// an empty line.
fn parse_command_output(mut data: &str) -> Result<Vec<(String, HeaderMap)>, String> {
    let mut credentials = Vec::new();
    let next_line = |data: &mut &str, missing: &str| -> Result<String, String> {
        let (line, rest) = data.split_once('\n').ok_or_else(|| missing.to_owned())?;
        *data = rest;
        Ok(line.to_owned())
    };
    while !data.is_empty() {
        let mut prefixes = Vec::new();
        loop {
            let line = next_line(&mut data, "invalid format: missing empty line after URLs")?;
            if line.is_empty() {
                break;
            }
            if !line.starts_with('/') {
                Url::parse(&line).map_err(|e| format!("could not parse URL {line}: {e}"))?;
            }
            prefixes.push(line);
        }
        let mut headers = HeaderMap::new();
        loop {
            let line = next_line(
                &mut data,
                "invalid format: missing empty line after headers",
            )?;
            if line.is_empty() {
                break;
            }
            let invalid = || "invalid format: invalid header line".to_owned();
            let (name, value) = line.split_once(": ").ok_or_else(invalid)?;
            let value = value.trim();
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
            let value = HeaderValue::from_str(value)
                .or_else(|_| HeaderValue::from_bytes(value.as_bytes()))
                .map_err(|_| invalid())?;
            headers.append(name, value);
        }
        for prefix in prefixes {
            credentials.push((prefix, headers.clone()));
        }
    }
    Ok(credentials)
}

/// Go's `exec.ExitError` text: `exit status N` or `signal: …`.
fn exit_text(status: std::process::ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit status {code}"),
        None => status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn authorization(headers: &HeaderMap) -> Option<String> {
        headers
            .get(AUTHORIZATION)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    #[test]
    fn goauth_is_parsed_like_go() {
        assert_eq!(parse("netrc"), Ok(Some(vec![Method::Netrc])));
        assert_eq!(parse("off"), Ok(None));
        assert_eq!(
            parse("a b; netrc").unwrap().unwrap(),
            [Method::Netrc, Method::Command("a b".into())],
            "reverse order"
        );
        assert_eq!(
            parse("netrc;").unwrap_err(),
            "GOAUTH encountered an empty command (GOAUTH=netrc;)"
        );
        assert_eq!(
            parse("netrc; off").unwrap_err(),
            "GOAUTH=off cannot be combined with other authentication commands (GOAUTH=netrc; off)"
        );
        assert_eq!(
            parse("git").unwrap_err(),
            "GOAUTH=git dir method requires an absolute path to the git working directory"
        );
        assert!(
            parse("git rel")
                .unwrap_err()
                .ends_with("dir is not absolute")
        );
        assert!(
            parse("git /nonexistent-gomodx")
                .unwrap_err()
                .ends_with("cannot stat /nonexistent-gomodx: no such file or directory")
        );
    }

    #[tokio::test]
    async fn netrc_earlier_machine_and_longest_prefix_win() {
        let netrc = Netrc::parse(
            "machine h.example login first password 1\n\
             machine h.example login second password 2\n\
             machine h.example/private login deep password 3\n\
             machine h.example:8443 login port password 4\n",
        );
        let auth = Auth::new("", netrc);
        let login =
            async |text: &str| authorization(&auth.headers(&url(text), None).await.unwrap());
        let basic_of = |user: &str, pw: &str| authorization(&basic(user, pw));
        assert_eq!(
            login("https://h.example/m/@v/list").await,
            basic_of("first", "1")
        );
        assert_eq!(
            login("https://h.example/private/m/@v/list").await,
            basic_of("deep", "3")
        );
        assert_eq!(
            login("https://h.example/privateer").await,
            basic_of("first", "1")
        );
        assert_eq!(
            login("https://h.example:8443/x").await,
            basic_of("port", "4")
        );
        assert_eq!(login("https://other.example/x").await, None);
        assert_eq!(login("https://h.example.evil/x").await, None);
        let off = Auth::new(
            "off",
            Netrc::parse("machine h.example login a password b\n"),
        );
        assert!(
            off.headers(&url("https://h.example/"), None)
                .await
                .unwrap()
                .is_empty()
        );
        let bad = Auth::new("netrc;", Netrc::default());
        assert!(bad.headers(&url("https://h.example/"), None).await.is_err());
    }

    #[test]
    fn command_output_is_parsed_like_go() {
        let parsed = parse_command_output(
            "https://a.example\nhttps://b.example/p\n\nAuthorization: Bearer x\nX-Other:  y \n\n\
             https://c.example\n\nAuthorization: Basic z\n\n",
        )
        .unwrap();
        let names: Vec<&str> = parsed.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            names,
            [
                "https://a.example",
                "https://b.example/p",
                "https://c.example"
            ]
        );
        assert_eq!(parsed[1].1.get("x-other").unwrap(), "y");
        assert_eq!(
            parse_command_output("https://a.example\n").unwrap_err(),
            "invalid format: missing empty line after URLs"
        );
        assert_eq!(
            parse_command_output("https://a.example\n\nBad header\n\n").unwrap_err(),
            "invalid format: invalid header line"
        );
        assert_eq!(
            parse_command_output("https://a.example\n\nAuthorization: x\n").unwrap_err(),
            "invalid format: missing empty line after headers"
        );
        assert!(parse_command_output("").unwrap().is_empty());
    }

    #[test]
    fn git_output_is_parsed_like_go() {
        let (prefix, user, password) = parse_git_credential(
            "protocol=https\nhost=git.example\npath=org/repo\nusername=u\npassword=p\n",
        );
        assert_eq!(
            (prefix.as_str(), user.as_str(), password.as_str()),
            ("https://git.example/org/repo", "u", "p")
        );
        let (prefix, ..) = parse_git_credential("url=https://git.example/x\nhost=other\n");
        assert_eq!(prefix, "https://git.example/x");
    }

    #[test]
    fn response_text_is_gos() {
        let mut headers = HeaderMap::new();
        headers.append("www-authenticate", HeaderValue::from_static("Basic"));
        let failed = FailedResponse {
            proto: "HTTP/1.1".into(),
            status: "401 Unauthorized".into(),
            headers,
        };
        assert_eq!(
            response_text(&failed),
            "HTTP/1.1 401 Unauthorized\nWww-Authenticate: Basic\n\n"
        );
    }
}
