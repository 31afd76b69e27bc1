//! GOPROXY parsing and per-module routing, as Go's `proxyList` and
//! `modfetch.lookup` define them.
//!
//! Entries are separated by `,` (fall through to the next entry only on a
//! 404/410-like "not found") or `|` (fall through on any error); the separator
//! *after* an entry decides. `off` and `direct` end the list. A non-empty
//! GONOPROXY puts an implicit `noproxy` entry first.

use std::path::PathBuf;

use reqwest::Url;

use crate::error::{ConfigError, ErrorKind};
use crate::{Validators, urls};

/// A parsed GOPROXY list plus the GONOPROXY globs that route around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyList {
    specs: Vec<ProxySpec>,
    gonoproxy: String,
}

/// One GOPROXY entry and what happens after it fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxySpec {
    /// The entry.
    pub kind: ProxyKind,
    /// `true` after `|`: try the next entry after any error; `false` after
    /// `,` (or at the end): only after a "not found".
    pub fall_back_on_error: bool,
}

/// What a GOPROXY entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyKind {
    /// The implicit first entry when GONOPROXY is set: direct fetch for
    /// matching modules, "not found" for the rest.
    NoProxy,
    /// `off`: every lookup fails.
    Off,
    /// `direct`: fetch from version control.
    Direct,
    /// A proxy URL.
    Url(ProxyUrl),
}

/// A proxy base URL (`https`, `http` or `file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    redacted: String,
    base: Box<Base>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Base {
    Http {
        /// The base with user info removed.
        url: Url,
        /// Decoded path of the base.
        path: String,
        /// `user:password` from the URL, percent-decoded.
        credentials: Option<(String, String)>,
    },
    File {
        /// Decoded path of the base.
        path: String,
    },
}

/// Where one GOPROXY entry sends a module.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Route<'a> {
    /// To this proxy.
    Proxy(&'a ProxyUrl),
    /// To the module's repository, through the [`DirectSource`](crate::DirectSource).
    Direct,
}

/// One resource under a proxy: where to GET it and how to name it in messages.
#[derive(Debug, Clone)]
pub(crate) struct Resource {
    /// The redacted URL for messages and traces.
    pub display: String,
    pub target: Target,
    /// What the client holds already: sent as `If-None-Match` /
    /// `If-Modified-Since`, so an unchanged answer costs a `304`.
    pub held: Option<Validators>,
}

#[derive(Debug, Clone)]
pub(crate) enum Target {
    Http(Url),
    File(PathBuf),
}

impl ProxyList {
    /// Parses GOPROXY as Go does. `gonoproxy` is the effective GONOPROXY
    /// value (the caller applies its GOPRIVATE default); `none` or any other
    /// non-empty value inserts the implicit `noproxy` entry.
    pub fn parse(goproxy: &str, gonoproxy: &str) -> Result<Self, ConfigError> {
        let mut specs = Vec::new();
        if !gonoproxy.is_empty() && goproxy != "direct" {
            specs.push(ProxySpec {
                kind: ProxyKind::NoProxy,
                fall_back_on_error: false,
            });
        }
        let mut rest = goproxy;
        while !rest.is_empty() {
            let (entry, fall_back_on_error) = match rest.find([',', '|']) {
                Some(i) => {
                    let sep = rest.as_bytes()[i];
                    let entry = &rest[..i];
                    rest = &rest[i + 1..];
                    (entry, sep == b'|')
                }
                None => (std::mem::take(&mut rest), false),
            };
            let entry = entry.trim();
            let kind = match entry {
                "" => continue,
                "off" => ProxyKind::Off,
                "direct" => ProxyKind::Direct,
                _ => ProxyKind::Url(ProxyUrl::parse(entry)?),
            };
            // `off` and `direct` end the list (Go ignores what follows, and
            // records no fall-back for them).
            if !matches!(kind, ProxyKind::Url(_)) {
                specs.push(ProxySpec {
                    kind,
                    fall_back_on_error: false,
                });
                break;
            }
            specs.push(ProxySpec {
                kind,
                fall_back_on_error,
            });
        }
        if specs.iter().all(|s| s.kind == ProxyKind::NoProxy) {
            return Err(ConfigError::EmptyList);
        }
        Ok(ProxyList {
            specs,
            gonoproxy: gonoproxy.to_owned(),
        })
    }

    /// The entries in order, the implicit `noproxy` included.
    pub fn specs(&self) -> &[ProxySpec] {
        &self.specs
    }

    /// The GONOPROXY globs this list routes around.
    pub fn gonoproxy(&self) -> &str {
        &self.gonoproxy
    }

    /// Go's `lookup`: where to ask for `path` at this entry, or why this
    /// entry cannot serve it. `direct` says whether a [`DirectSource`]
    /// is configured; without one a direct fetch is an error.
    ///
    /// [`DirectSource`]: crate::DirectSource
    pub(crate) fn route<'a>(
        &self,
        spec: &'a ProxySpec,
        path: &str,
        direct: bool,
    ) -> Result<Route<'a>, ErrorKind> {
        let private = gomodx_module::path::match_prefix_patterns(&self.gonoproxy, path);
        match &spec.kind {
            ProxyKind::NoProxy | ProxyKind::Direct if private && direct => Ok(Route::Direct),
            ProxyKind::NoProxy | ProxyKind::Direct if private => {
                Err(ErrorKind::DirectUnsupported {
                    gonoproxy: Some(self.gonoproxy.clone()),
                })
            }
            _ if private => Err(ErrorKind::NoProxy),
            ProxyKind::Off => Err(ErrorKind::Off),
            ProxyKind::Direct if direct => Ok(Route::Direct),
            ProxyKind::Direct => Err(ErrorKind::DirectUnsupported { gonoproxy: None }),
            ProxyKind::NoProxy => Err(ErrorKind::UseProxy),
            ProxyKind::Url(url) => Ok(Route::Proxy(url)),
        }
    }
}

impl ProxyUrl {
    /// Parses one entry as Go's `newProxyRepo` checks it, after giving a
    /// bare host (`proxy.example.com`) an `https://` prefix.
    pub fn parse(entry: &str) -> Result<Self, ConfigError> {
        let needs_https =
            entry.contains(['.', ':', '/']) && !entry.contains(":/") && !entry.starts_with('/');
        let text = if needs_https {
            format!("https://{entry}")
        } else {
            entry.to_owned()
        };
        let redacted = urls::redact(&text);
        let parse_error = |reason: String| ConfigError::Parse {
            url: redacted.clone(),
            reason,
        };
        let scheme = match urls::scheme(&text) {
            Err(reason) => return Err(parse_error(reason.to_owned())),
            Ok(None) => return Err(ConfigError::MissingScheme(redacted)),
            Ok(Some(scheme)) => scheme.to_ascii_lowercase(),
        };
        let base = match scheme.as_str() {
            "http" | "https" => http_base(&text).map_err(parse_error)?,
            "file" => match file_base(&text[scheme.len() + 1..]) {
                Some(path) => Base::File {
                    path: path.map_err(parse_error)?,
                },
                None => return Err(ConfigError::FileNonPath(redacted)),
            },
            _ => return Err(ConfigError::BadScheme(redacted)),
        };
        Ok(ProxyUrl {
            redacted,
            base: Box::new(base),
        })
    }

    /// The base URL as configured, password replaced by `xxxxx`.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }

    /// Whether this is a `file://` tree.
    pub fn is_file(&self) -> bool {
        matches!(*self.base, Base::File { .. })
    }

    /// Credentials written into the proxy URL.
    pub(crate) fn credentials(&self) -> Option<&(String, String)> {
        match &*self.base {
            Base::Http { credentials, .. } => credentials.as_ref(),
            Base::File { .. } => None,
        }
    }

    /// `<base>/<escaped module>/<suffix>`, cleaned like Go's `path.Join`.
    pub(crate) fn resource(&self, escaped_module: &str, suffix: &str) -> Resource {
        match &*self.base {
            Base::Http { url, path, .. } => {
                let escaped = urls::escape_path(&urls::join_clean(&[path, escaped_module, suffix]));
                let mut target = url.clone();
                target.set_path(&escaped);
                let mut display = url_origin(&self.redacted, url);
                display.push_str(&escaped);
                if let Some(query) = url.query() {
                    display.push('?');
                    display.push_str(query);
                }
                Resource {
                    display,
                    target: Target::Http(target),
                    held: None,
                }
            }
            Base::File { path } => {
                let joined = urls::join_clean(&[path, escaped_module, suffix]);
                let display = format!("file://{}", urls::escape_path(&joined));
                Resource {
                    display,
                    target: Target::File(PathBuf::from(joined)),
                    held: None,
                }
            }
        }
    }
}

/// `scheme://[user[:xxxxx]@]host[:port]` of a base URL, for messages.
fn url_origin(redacted: &str, url: &Url) -> String {
    let mut origin = format!("{}://", url.scheme());
    if let Some(start) = redacted.find("://").map(|i| i + 3) {
        let rest = &redacted[start..];
        let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        if let Some(at) = authority.rfind('@') {
            origin.push_str(&authority[..=at]);
        }
    }
    origin.push_str(&host_port(url));
    origin
}

/// `host[:port]` with the port only when it is not the scheme's default.
fn host_port(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

fn http_base(text: &str) -> Result<Base, String> {
    let mut url = Url::parse(text).map_err(|e| e.to_string())?;
    let credentials = match (url.username(), url.password()) {
        ("", None) => None,
        (user, password) => Some((
            urls::percent_decode(user)?,
            urls::percent_decode(password.unwrap_or(""))?,
        )),
    };
    // Credentials travel as an Authorization header, never inside the URL.
    url.set_username("")
        .and_then(|()| url.set_password(None))
        .map_err(|()| "cannot remove user info from URL".to_owned())?;
    url.set_fragment(None);
    let path = urls::percent_decode(url.path())?;
    Ok(Base::Http {
        url,
        path,
        credentials,
    })
}

/// The decoded path of `file:` + `rest`, or `None` when the URL has anything
/// but a path (host, user, query, non-empty fragment, or no `//`).
fn file_base(rest: &str) -> Option<Result<String, String>> {
    let rest = match rest.split_once('#') {
        Some((before, "")) => before,
        Some(_) => return None,
        None => rest,
    };
    if rest.contains('?') {
        return None;
    }
    let after_slashes = rest.strip_prefix("//")?;
    let path = match after_slashes.find('/') {
        Some(0) => after_slashes,
        Some(_) => return None,
        None if after_slashes.is_empty() => "",
        None => return None,
    };
    Some(urls::percent_decode(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(list: &ProxyList) -> Vec<(String, bool)> {
        list.specs()
            .iter()
            .map(|s| {
                let name = match &s.kind {
                    ProxyKind::NoProxy => "noproxy".to_owned(),
                    ProxyKind::Off => "off".to_owned(),
                    ProxyKind::Direct => "direct".to_owned(),
                    ProxyKind::Url(u) => u.redacted().to_owned(),
                };
                (name, s.fall_back_on_error)
            })
            .collect()
    }

    fn parse_err(goproxy: &str) -> String {
        ProxyList::parse(goproxy, "").unwrap_err().to_string()
    }

    #[test]
    fn separators_decide_fall_through() {
        let list = ProxyList::parse(
            "https://a.example|b.example, https://c.example ,direct,https://d",
            "",
        )
        .unwrap();
        assert_eq!(
            kinds(&list),
            [
                ("https://a.example".to_owned(), true),
                ("https://b.example".to_owned(), false),
                ("https://c.example".to_owned(), false),
                ("direct".to_owned(), false),
            ]
        );
    }

    #[test]
    fn off_stops_parsing_and_bad_entries_after_it_are_ignored() {
        let list = ProxyList::parse("off|ftp://nope", "").unwrap();
        assert_eq!(kinds(&list), [("off".to_owned(), false)]);
    }

    #[test]
    fn gonoproxy_inserts_noproxy_unless_goproxy_is_direct() {
        let list = ProxyList::parse("https://p.example", "*.corp").unwrap();
        assert_eq!(kinds(&list)[0], ("noproxy".to_owned(), false));
        let list = ProxyList::parse("direct", "*.corp").unwrap();
        assert_eq!(kinds(&list), [("direct".to_owned(), false)]);
        let list = ProxyList::parse(" direct", "*.corp").unwrap();
        assert_eq!(kinds(&list)[0].0, "noproxy");
    }

    #[test]
    fn empty_lists_are_errors() {
        for goproxy in [",", " , |", ""] {
            assert_eq!(
                parse_err(goproxy),
                "GOPROXY list is not the empty string, but contains no entries"
            );
        }
        assert!(matches!(
            ProxyList::parse(",", "x"),
            Err(ConfigError::EmptyList)
        ));
    }

    #[test]
    fn go_error_messages() {
        assert_eq!(parse_err("foo"), "invalid proxy URL missing scheme: foo");
        assert_eq!(
            parse_err("Direct"),
            "invalid proxy URL missing scheme: Direct"
        );
        assert_eq!(
            parse_err("/tmp/x"),
            "invalid proxy URL missing scheme: /tmp/x"
        );
        assert_eq!(
            parse_err("ftp://x"),
            "invalid proxy URL scheme (must be https, http, file): ftp://x"
        );
        for url in [
            "file:/tmp/x",
            "file:///tmp/x?",
            "file:///tmp/x?a=b",
            "file://localhost/tmp",
            "file:///x#frag",
        ] {
            assert_eq!(
                parse_err(url),
                format!("invalid file:// proxy URL with non-path elements: {url}")
            );
        }
        assert_eq!(
            parse_err("file://u:p@/tmp"),
            "invalid file:// proxy URL with non-path elements: file://u:xxxxx@/tmp"
        );
        assert_eq!(parse_err(":/x"), r#"parse ":/x": missing protocol scheme"#);
        assert_eq!(
            parse_err("file:///%zz"),
            r#"parse "file:///%zz": invalid URL escape "%zz""#
        );
        let err = parse_err("https://u:secret@[bad");
        assert!(
            err.starts_with(r#"parse "https://u:xxxxx@[bad": "#),
            "{err}"
        );
        assert!(!err.contains("secret"));
        let err = parse_err("http:foo");
        assert!(err.starts_with(r#"parse "https://http:foo": "#), "{err}");
    }

    #[test]
    fn bare_hosts_get_https() {
        let list = ProxyList::parse("proxy.example.com,localhost:8080", "").unwrap();
        assert_eq!(kinds(&list)[0].0, "https://proxy.example.com");
        assert_eq!(kinds(&list)[1].0, "https://localhost:8080");
    }

    #[test]
    fn http_resources_escape_and_clean() {
        let url = ProxyUrl::parse("http://u:pw@127.0.0.1:1/a//b/").unwrap();
        let r = url.resource("github.com/!azure/foo", "@v/v1.0.0.info");
        assert_eq!(
            r.display,
            "http://u:xxxxx@127.0.0.1:1/a/b/github.com/%21azure/foo/@v/v1.0.0.info"
        );
        let Target::Http(target) = r.target else {
            panic!("http target")
        };
        assert_eq!(
            target.as_str(),
            "http://127.0.0.1:1/a/b/github.com/%21azure/foo/@v/v1.0.0.info"
        );
        assert_eq!(url.credentials(), Some(&("u".to_owned(), "pw".to_owned())));

        let url = ProxyUrl::parse("https://proxy.golang.org").unwrap();
        assert_eq!(url.redacted(), "https://proxy.golang.org");
        assert_eq!(
            url.resource("rsc.io/quote", "@v/list").display,
            "https://proxy.golang.org/rsc.io/quote/@v/list"
        );
        let url = ProxyUrl::parse("http://127.0.0.1:1/a?x=1").unwrap();
        let r = url.resource("m", "@latest");
        assert_eq!(r.display, "http://127.0.0.1:1/a/m/@latest?x=1");
    }

    #[test]
    fn file_resources() {
        let url = ProxyUrl::parse("FILE:///tmp/p%20x/").unwrap();
        assert!(url.is_file());
        let r = url.resource("github.com/!azure/foo", "@v/v1.0.0-!r!c.info");
        assert_eq!(
            r.display,
            "file:///tmp/p%20x/github.com/%21azure/foo/@v/v1.0.0-%21r%21c.info"
        );
        let Target::File(path) = r.target else {
            panic!("file target")
        };
        assert_eq!(
            path,
            PathBuf::from("/tmp/p x/github.com/!azure/foo/@v/v1.0.0-!r!c.info")
        );
        assert!(ProxyUrl::parse("file://").is_ok());
        assert!(ProxyUrl::parse("file:///x#").is_ok());
    }
}
