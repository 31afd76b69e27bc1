//! The `<meta name="go-import">` lookup for custom import paths (Go's
//! `repoRootForImportDynamic`): `https://<path>?go-get=1` (then plain
//! `http://` where GOINSECURE allows), the tags in the page's head, the
//! entry whose prefix matches, a second lookup at that prefix when it is
//! not the path itself, and the checks on the repository URL.

use std::time::Duration;

use gomodx_client::{Credentials, same_site_or_subdomain};
use reqwest::Url;
use reqwest::header::{HeaderMap, LOCATION};

use crate::code::has_path_prefix;
use crate::error::Error;

/// Go's limit: the first request and 9 redirects.
const MAX_REDIRECTS: usize = 10;

/// One `go-import` tag: `prefix vcs repo-root [subdir]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MetaImport {
    pub prefix: String,
    pub vcs: String,
    pub repo_root: String,
    pub subdir: String,
}

/// Fetches and parses the go-get page of `import_path`: the page's URL
/// and its tags. Over HTTPS the request carries GOAUTH's `credentials`
/// (and is sent once more with fresh ones after a 4xx, as go does).
pub(crate) async fn fetch(
    http: &reqwest::Client,
    credentials: &Credentials,
    import_path: &str,
    insecure: bool,
) -> Result<(String, Vec<MetaImport>), Error> {
    let (host, path) = match import_path.find('/') {
        Some(i) => (&import_path[..i], &import_path[i..]),
        None => (import_path, "/"),
    };
    if !host.contains('.') {
        return Err(Error::not_exist("import path does not begin with hostname"));
    }
    let mut last = String::new();
    let schemes: &[&str] = if insecure {
        &["https", "http"]
    } else {
        &["https"]
    };
    for scheme in schemes {
        let url = format!("{scheme}://{host}{path}?go-get=1");
        let (final_url, response) = match get(http, credentials, &url, insecure).await {
            Ok(r) => r,
            Err(cause) => {
                last = format!("Get {url:?}: {cause}");
                continue;
            }
        };
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| Error::other(format!("reading {url}: {}", cause(&e))))?;
        let imports = parse(&String::from_utf8_lossy(&body));
        if imports.is_empty() && !status.is_success() {
            let text = format!("reading {url}: {status}");
            return Err(if matches!(status.as_u16(), 404 | 410) {
                Error::not_exist(text)
            } else {
                Error::other(text)
            });
        }
        return Ok((final_url.to_string(), imports));
    }
    let what = if insecure {
        "http/https fetch"
    } else {
        "https fetch"
    };
    Err(Error::not_exist(format!("{what}: {last}")))
}

/// Go's `web.Get` of a go-get page: GOAUTH's headers over HTTPS, once
/// more with fresh ones after a 4xx, then the answer; returns the final
/// URL with it, or the cause of the failure.
async fn get(
    http: &reqwest::Client,
    credentials: &Credentials,
    url: &str,
    insecure: bool,
) -> Result<(Url, reqwest::Response), String> {
    let url = Url::parse(url).map_err(|e| e.to_string())?;
    let secure = url.scheme() == "https";
    let headers = if secure {
        credentials.headers(&url).await?
    } else {
        HeaderMap::new()
    };
    let (final_url, response) = follow(http, &url, &headers, insecure).await?;
    if !secure || !response.status().is_client_error() {
        return Ok((final_url, response));
    }
    match credentials.headers_after_4xx(http, &url, &response).await? {
        Some(headers) => follow(http, &url, &headers, insecure).await,
        None => Ok((final_url, response)),
    }
}

/// Sends a GET, following up to 10 redirects; `headers` go along while
/// the hops stay on the first host or its subdomains (Go's rule, applied
/// to every GOAUTH header), and an https→http hop is refused unless
/// `insecure`.
async fn follow(
    http: &reqwest::Client,
    first: &Url,
    headers: &HeaderMap,
    insecure: bool,
) -> Result<(Url, reqwest::Response), String> {
    let mut url = first.clone();
    let mut same_site = true;
    for _ in 0..MAX_REDIRECTS {
        let request = http.get(url.clone());
        let request = if same_site {
            request.headers(headers.clone())
        } else {
            request
        };
        let response = request.send().await.map_err(|e| cause(&e))?;
        let location = response
            .headers()
            .get(LOCATION)
            .filter(|_| response.status().is_redirection());
        let Some(location) = location else {
            return Ok((url, response));
        };
        let location = String::from_utf8_lossy(location.as_bytes());
        let next = url
            .join(&location)
            .map_err(|e| format!("failed to parse Location header {location:?}: {e}"))?;
        if url.scheme() == "https" && next.scheme() != "https" && !insecure {
            return Err(format!(
                "redirected from secure URL {url} to insecure URL {next}"
            ));
        }
        same_site = same_site && same_site_or_subdomain(first, &next);
        url = next;
    }
    Err(format!("stopped after {MAX_REDIRECTS} redirects"))
}

fn cause(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    text
}

/// A client for go-get pages (redirects are followed by [`follow`]); with
/// `insecure` (GOINSECURE) certificates are not verified, as go's client
/// for such paths does not verify them.
pub(crate) fn client(insecure: bool) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .tls_danger_accept_invalid_certs(insecure)
        .connect_timeout(Duration::from_secs(30))
        .timeout(Duration::from_secs(60))
        .user_agent("Go-http-client/1.1")
        .build()
        .map_err(|e| Error::other(format!("setting up HTTP: {e}")))
}

/// Go's `parseMetaGoImports` (module mode): the go-import tags before
/// `<body>` or `</head>`, `mod` entries first, other entries for the same
/// prefix dropped.
pub(crate) fn parse(html: &str) -> Vec<MetaImport> {
    let mut imports = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    while let Some(i) = lower[at..].find('<') {
        let start = at + i + 1;
        let end = lower[start..].find('>').map_or(lower.len(), |j| start + j);
        let tag = &html[start..end];
        let name: String = tag
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect::<String>()
            .to_ascii_lowercase();
        at = end;
        match name.as_str() {
            "body" | "/head" => break,
            "meta" => {}
            _ => continue,
        }
        let attrs = attributes(&tag[name.len()..]);
        let get = |key: &str| {
            attrs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map_or("", |(_, v)| v.as_str())
        };
        if get("name") != "go-import" {
            continue;
        }
        let fields: Vec<&str> = get("content").split_whitespace().collect();
        if fields.len() == 3 || fields.len() == 4 {
            imports.push(MetaImport {
                prefix: fields[0].to_owned(),
                vcs: fields[1].to_owned(),
                repo_root: fields[2].to_owned(),
                subdir: fields.get(3).copied().unwrap_or_default().to_owned(),
            });
        }
    }
    let mods: Vec<MetaImport> = imports.iter().filter(|m| m.vcs == "mod").cloned().collect();
    let others = imports
        .into_iter()
        .filter(|m| m.vcs != "mod" && !mods.iter().any(|x| x.prefix == m.prefix));
    mods.iter().cloned().chain(others).collect()
}

/// `key="value"`, `key='value'` and `key=value` pairs, entities decoded.
fn attributes(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c == '=' || c.is_whitespace() || c == '/')
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_owned();
        rest = rest[key_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, next) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let close = body.find(q).unwrap_or(body.len());
                    (&body[..close], body.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let stop = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..stop], &after[stop..])
                }
            };
            value = decode_entities(v);
            rest = next;
        }
        if key.is_empty() {
            rest = rest.get(1..).unwrap_or("");
        } else {
            out.push((key, value));
        }
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
    }
    out
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Go's `matchGoImport`.
pub(crate) fn match_import(
    imports: &[MetaImport],
    import_path: &str,
) -> Result<MetaImport, String> {
    let mut found: Option<&MetaImport> = None;
    let mut mismatches = Vec::new();
    for im in imports {
        if !has_path_prefix(import_path, &im.prefix) {
            mismatches.push(format!(
                "meta tag {} did not match import path {import_path}",
                im.prefix
            ));
            continue;
        }
        if let Some(first) = found {
            if first.vcs == "mod" && im.vcs != "mod" {
                break;
            }
            return Err(format!(
                "multiple meta tags match import path {import_path:?}"
            ));
        }
        found = Some(im);
    }
    found.cloned().ok_or_else(|| mismatches.join(", "))
}

/// Go's `validateRepoRoot`.
pub(crate) fn validate_repo_root(root: &str) -> Result<(), String> {
    let url = reqwest::Url::parse(root).map_err(|e| e.to_string())?;
    match url.scheme() {
        "" => Err("no scheme".to_owned()),
        "file" => Err("file scheme disallowed".to_owned()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn im(prefix: &str, vcs: &str, root: &str) -> MetaImport {
        MetaImport {
            prefix: prefix.into(),
            vcs: vcs.into(),
            repo_root: root.into(),
            subdir: String::new(),
        }
    }

    #[test]
    fn meta_tags_are_read_from_the_head() {
        let html = r#"<!DOCTYPE html><html><head>
            <META NAME="go-import" CONTENT="example.org/m git https://code.example/m">
            <meta name='go-import' content='example.org/m mod https://proxy.example'/>
            <meta name="go-import" content="example.org/x git https://code.example/x sub">
            <meta name="go-source" content="example.org/m _ _ _">
            <meta name=go-import content="too few">
            </head><body><meta name="go-import" content="example.org/late git https://x/late">"#;
        let imports = parse(html);
        assert_eq!(
            imports,
            [
                im("example.org/m", "mod", "https://proxy.example"),
                MetaImport {
                    subdir: "sub".into(),
                    ..im("example.org/x", "git", "https://code.example/x")
                },
            ]
        );
    }

    #[test]
    fn matching_follows_go() {
        let imports = [
            im("example.org/m", "mod", "https://p"),
            im("example.org/m", "git", "https://g"),
        ];
        assert_eq!(
            match_import(&imports, "example.org/m/sub").unwrap().vcs,
            "mod"
        );
        let two = [
            im("example.org/m", "git", "https://a"),
            im("example.org", "git", "https://b"),
        ];
        assert_eq!(
            match_import(&two, "example.org/m").unwrap_err(),
            r#"multiple meta tags match import path "example.org/m""#
        );
        assert_eq!(
            match_import(&two[..1], "example.org/other").unwrap_err(),
            "meta tag example.org/m did not match import path example.org/other"
        );
        assert_eq!(
            validate_repo_root("file:///x").unwrap_err(),
            "file scheme disallowed"
        );
        assert!(validate_repo_root("https://x/y").is_ok());
    }
}
