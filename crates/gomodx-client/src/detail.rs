//! Server error detail: Go shows up to 8 lines / 648 bytes of a `text/plain`
//! error body under `server response:` (`web.Response.formatErrorDetail`).

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

const MAX_LINES: usize = 8;
const MAX_BYTES: usize = MAX_LINES * 81;

/// How much of an error body is read to build the detail.
pub(crate) const READ_LIMIT: usize = 64 * 1024;

/// Whether a `Content-Type` announces text Go is willing to show:
/// `text/plain` with no charset, `utf-8` or `us-ascii`.
pub(crate) fn is_plain_text(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    let media = parts.next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case("text/plain") {
        return false;
    }
    let charset = parts
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"').to_ascii_lowercase());
    matches!(charset.as_deref(), None | Some("" | "utf-8" | "us-ascii"))
}

/// The tab-indented summary of an error body, or `""` when the body is not
/// valid UTF-8 or holds control or format characters.
pub(crate) fn format(body: &[u8]) -> String {
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        // A body cut at READ_LIMIT may end inside a character.
        Err(e) if e.error_len().is_none() && body.len() >= READ_LIMIT => {
            std::str::from_utf8(&body[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return String::new(),
    };
    if !text.chars().all(|c| is_graphic(c) || c.is_whitespace()) {
        return String::new();
    }
    let mut detail = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if line.trim().is_empty() {
            break;
        }
        if i > 0 {
            detail.push_str("\n\t");
        }
        if i >= MAX_LINES {
            detail.push_str("[Truncated: too many lines.]");
            break;
        }
        if detail.len() + line.len() > MAX_BYTES {
            detail.push_str("[Truncated: too long.]");
            break;
        }
        detail.push_str(line);
    }
    detail
}

/// Go's `unicode.IsGraphic`: letters, marks, numbers, punctuation, symbols
/// and space separators.
fn is_graphic(c: char) -> bool {
    match c.general_category_group() {
        GeneralCategoryGroup::Letter
        | GeneralCategoryGroup::Mark
        | GeneralCategoryGroup::Number
        | GeneralCategoryGroup::Punctuation
        | GeneralCategoryGroup::Symbol => true,
        _ => c.general_category() == GeneralCategory::SpaceSeparator,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert!(is_plain_text("text/plain"));
        assert!(is_plain_text("text/plain; charset=utf-8"));
        assert!(is_plain_text("Text/Plain; Charset=\"US-ASCII\""));
        assert!(!is_plain_text("text/plain; charset=latin1"));
        assert!(!is_plain_text("text/html"));
        assert!(!is_plain_text(""));
    }

    #[test]
    fn formatting() {
        assert_eq!(
            format(b"not found: no matching versions\n"),
            "not found: no matching versions"
        );
        assert_eq!(format(b"a\nb\n\nc"), "a\n\tb");
        assert_eq!(format(b"  \nhidden"), "");
        let many: String = (0..12).map(|i| format!("line {i}\n")).collect();
        let detail = format(many.as_bytes());
        assert_eq!(detail.matches("\n\t").count(), 8);
        assert!(detail.ends_with("line 7\n\t[Truncated: too many lines.]"));
        let long = "x".repeat(700);
        assert_eq!(format(long.as_bytes()), "[Truncated: too long.]");
        assert_eq!(format(b"bad \xff utf8"), "");
        assert_eq!(format("bidi \u{202e} trick".as_bytes()), "");
        assert_eq!(format(b"bell \x07"), "");
        assert_eq!(
            format("tab\tand unicode \u{e9}".as_bytes()),
            "tab\tand unicode \u{e9}"
        );
    }
}
