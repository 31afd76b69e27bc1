//! Go's `%q` formatting (`strconv.Quote` / `strconv.QuoteRune`).
//!
//! Go error messages quote paths, versions and runes with `%q`, whose escapes
//! differ from Rust's `{:?}` (`\x01` rather than `\u{1}`, `\u00a0` rather than
//! `\u{a0}`, `'\''` for a quote rune). These helpers reproduce Go's output so
//! that messages match byte for byte.

use std::fmt::Write;

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// `strconv.Quote(s)`: `s` in double quotes with Go escapes.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"');
    }
    out.push('"');
    out
}

/// `strconv.QuoteRune(c)` (and `fmt`'s `%q` of a rune): `c` in single quotes.
pub fn quote_rune(c: char) -> String {
    let mut out = String::with_capacity(4);
    out.push('\'');
    push_escaped(&mut out, c, '\'');
    out.push('\'');
    out
}

fn push_escaped(out: &mut String, c: char, delimiter: char) {
    if c == delimiter || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if is_print(c) {
        out.push(c);
        return;
    }
    // Writing to a String cannot fail.
    let _ = match c {
        '\x07' => out.write_str("\\a"),
        '\x08' => out.write_str("\\b"),
        '\x0c' => out.write_str("\\f"),
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        '\t' => out.write_str("\\t"),
        '\x0b' => out.write_str("\\v"),
        c if c < ' ' || c == '\x7f' => write!(out, "\\x{:02x}", u32::from(c)),
        c if u32::from(c) < 0x10000 => write!(out, "\\u{:04x}", u32::from(c)),
        c => write!(out, "\\U{:08x}", u32::from(c)),
    };
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and
/// the ASCII space (everything but categories `C*` and `Z*`).
pub fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return matches!(c, ' '..='~');
    }
    !matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Other | GeneralCategoryGroup::Separator
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        let cases = [
            ("", r#""""#),
            ("x.y/z", r#""x.y/z""#),
            ("a\"b", r#""a\"b""#),
            ("a'b", r#""a'b""#),
            ("a\\b", r#""a\\b""#),
            ("\x01\x7f\t\n", r#""\x01\x7f\t\n""#),
            ("\x07\x08\x0c\r\x0b", r#""\a\b\f\r\v""#),
            ("испытание", "\"испытание\""),
            ("x☺y", "\"x☺y\""),
            ("nb\u{a0}sp", r#""nb\u00a0sp""#),
            ("zw\u{200b}j", r#""zw\u200bj""#),
            ("e\u{301}", "\"e\u{301}\""),
            ("\u{e000}", r#""\ue000""#),
            ("\u{f0000}", r#""\U000f0000""#),
            ("\u{1F600}", "\"\u{1F600}\""),
        ];
        for (input, want) in cases {
            assert_eq!(quote(input), want, "quote({input:?})");
        }
    }

    #[test]
    fn quotes_runes_like_go() {
        let cases = [
            ('+', "'+'"),
            ('\'', r"'\''"),
            ('"', "'\"'"),
            ('\\', r"'\\'"),
            (' ', "' '"),
            ('\0', r"'\x00'"),
            ('и', "'и'"),
            ('\u{2028}', r"'\u2028'"),
        ];
        for (input, want) in cases {
            assert_eq!(quote_rune(input), want, "quote_rune({input:?})");
        }
    }
}
