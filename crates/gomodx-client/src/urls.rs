//! Small URL helpers with Go's `net/url` behaviour where users can see it:
//! scheme detection, password redaction, path escaping and cleaning.

/// Go's `getScheme`: the scheme before the first `:`, if the text starts
/// with one. `Err` for a leading `:` (`missing protocol scheme`).
pub(crate) fn scheme(raw: &str) -> Result<Option<&str>, &'static str> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme"),
            b':' => return Ok(Some(&raw[..i])),
            _ => return Ok(None),
        }
    }
    Ok(None)
}

/// Go's `URL.Redacted` applied to the text: a password in the user info
/// becomes `xxxxx`; everything else is left as written.
pub(crate) fn redact(raw: &str) -> String {
    let Some(start) = raw.find("://").map(|i| i + 3) else {
        return raw.to_owned();
    };
    let rest = &raw[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return raw.to_owned();
    };
    let Some(colon) = authority[..at].find(':') else {
        return raw.to_owned();
    };
    format!(
        "{}{}:xxxxx{}",
        &raw[..start],
        &authority[..colon],
        &raw[start + at..]
    )
}

/// Decodes `%XX` escapes. `Err` carries Go's `invalid URL escape "%zz"` text.
pub(crate) fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) => out.push(b),
                None => {
                    let end = (i + 3).min(bytes.len());
                    let shown = String::from_utf8_lossy(&bytes[i..end]);
                    return Err(format!("invalid URL escape {shown:?}"));
                }
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `url.URL.EscapedPath` for a decoded path: keeps unreserved
/// characters and `$&+,/:;=@`, escapes everything else (so `!` becomes `%21`).
pub(crate) fn escape_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~$&+,/:;=@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Go's `path.Join` of a rooted base and more elements, cleaned: empty and
/// `.` elements dropped, `..` applied, no trailing slash.
pub(crate) fn join_clean(parts: &[&str]) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in parts.iter().flat_map(|p| p.split('/')) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    format!("/{}", segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_detection_follows_go() {
        assert_eq!(scheme("https://x"), Ok(Some("https")));
        assert_eq!(scheme("FILE:///x"), Ok(Some("FILE")));
        assert_eq!(scheme("foo"), Ok(None));
        assert_eq!(scheme("/tmp/x"), Ok(None));
        assert_eq!(scheme("1http://x"), Ok(None));
        assert_eq!(scheme(":/x"), Err("missing protocol scheme"));
        assert_eq!(scheme("a+b-c.d:x"), Ok(Some("a+b-c.d")));
    }

    #[test]
    fn redaction_hides_only_the_password() {
        assert_eq!(redact("https://u:secret@host/p"), "https://u:xxxxx@host/p");
        assert_eq!(redact("https://u@host/p"), "https://u@host/p");
        assert_eq!(redact("https://host/p@q"), "https://host/p@q");
        assert_eq!(redact("file://u:p@/tmp"), "file://u:xxxxx@/tmp");
        assert_eq!(redact("https://u:a@b@host"), "https://u:xxxxx@host");
        assert_eq!(redact("proxy.example.com"), "proxy.example.com");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/a%20b/%21x").as_deref(), Ok("/a b/!x"));
        assert_eq!(
            percent_decode("/%zz"),
            Err(r#"invalid URL escape "%zz""#.to_owned())
        );
        assert_eq!(
            percent_decode("/%2"),
            Err(r#"invalid URL escape "%2""#.to_owned())
        );
    }

    #[test]
    fn path_escaping_matches_go() {
        assert_eq!(
            escape_path("/github.com/!azure/foo/@v/v1.0.0-!r!c.info"),
            "/github.com/%21azure/foo/@v/v1.0.0-%21r%21c.info"
        );
        assert_eq!(
            escape_path("/a b/v1.0.0+incompatible.zip"),
            "/a%20b/v1.0.0+incompatible.zip"
        );
        assert_eq!(escape_path("/x?y#z%"), "/x%3Fy%23z%25");
    }

    #[test]
    fn joining_cleans_like_path_join() {
        assert_eq!(
            join_clean(&["/a//b/", "rsc.io/quote", "@v/list"]),
            "/a/b/rsc.io/quote/@v/list"
        );
        assert_eq!(
            join_clean(&["", "rsc.io/quote", "@latest"]),
            "/rsc.io/quote/@latest"
        );
        assert_eq!(join_clean(&["/a/../b/./", "m", "@v/list"]), "/b/m/@v/list");
    }
}
