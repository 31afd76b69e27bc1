//! Go string literals as go.mod uses them: `strconv.Unquote` for reading
//! quoted arguments, `modfile.AutoQuote` for writing.

pub(crate) use gomodx_module::quote::is_print;
use gomodx_module::quote::quote;

/// `modfile.MustQuote`: whether `s` must be quoted to be one go.mod token.
pub fn must_quote(s: &str) -> bool {
    let multi = s.len() > 1;
    s.is_empty()
        || s.contains("//")
        || s.contains("/*")
        || s.chars().any(|c| match c {
            ' ' | '"' | '\'' | '`' => true,
            '(' | ')' | '[' | ']' | '{' | '}' | ',' => multi,
            c => !is_print(c),
        })
}

/// `modfile.AutoQuote`: `s`, or its Go quotation when [`must_quote`] says so.
pub fn auto_quote(s: &str) -> String {
    if must_quote(s) {
        quote(s)
    } else {
        s.to_owned()
    }
}

/// `strconv.Unquote` for a double-quoted literal; `None` where Go returns
/// `strconv.ErrSyntax`.
///
/// Byte escapes (`\xNN`, `\NNN`) that do not form UTF-8 are replaced by
/// U+FFFD, since the result is a Rust string.
pub(crate) fn unquote(literal: &str) -> Option<String> {
    let body = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = Vec::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\n' => return None,
            '\\' => unescape(&mut chars, &mut out)?,
            c => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    Some(
        String::from_utf8(out)
            .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned()),
    )
}

/// One escape after a backslash (Go's `strconv.UnquoteChar` with quote `"`).
fn unescape(chars: &mut std::str::Chars<'_>, out: &mut Vec<u8>) -> Option<()> {
    let simple = |b: u8| Some(vec![b]);
    let bytes = match chars.next()? {
        'a' => simple(0x07),
        'b' => simple(0x08),
        'f' => simple(0x0c),
        'n' => simple(b'\n'),
        'r' => simple(b'\r'),
        't' => simple(b'\t'),
        'v' => simple(0x0b),
        '\\' => simple(b'\\'),
        '"' => simple(b'"'),
        'x' => simple(u8::try_from(digits(chars, 2, 16)?).ok()?),
        'u' => Some(
            char::from_u32(digits(chars, 4, 16)?)?
                .to_string()
                .into_bytes(),
        ),
        'U' => Some(
            char::from_u32(digits(chars, 8, 16)?)?
                .to_string()
                .into_bytes(),
        ),
        first @ '0'..='7' => {
            let rest = digits(chars, 2, 8)?;
            let value = first.to_digit(8)? * 64 + rest;
            simple(u8::try_from(value).ok()?)
        }
        _ => None,
    }?;
    out.extend_from_slice(&bytes);
    Some(())
}

/// Reads exactly `n` digits in `radix`.
fn digits(chars: &mut std::str::Chars<'_>, n: usize, radix: u32) -> Option<u32> {
    (0..n).try_fold(0u32, |acc, _| {
        Some(acc * radix + chars.next()?.to_digit(radix)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquotes_like_strconv() {
        let ok = [
            (r#""""#, ""),
            (r#""rsc.io/quote""#, "rsc.io/quote"),
            (r#""a\tb\\c\"d""#, "a\tb\\c\"d"),
            (r#""\x41\101\u00e9\U0001F600""#, "AAé😀"),
            (r#""\a\b\f\n\r\v""#, "\x07\x08\x0c\n\r\x0b"),
        ];
        for (input, want) in ok {
            assert_eq!(unquote(input).as_deref(), Some(want), "{input}");
        }
        let bad = [
            r#"""#,
            r#""\'""#,
            r#""\q""#,
            r#""\x4""#,
            r#""\400""#,
            r#""\ud800""#,
            r#""a"b""#,
            "x",
        ];
        for input in bad {
            assert_eq!(unquote(input), None, "{input}");
        }
    }

    #[test]
    fn must_quote_matches_go() {
        for s in [
            "", "a b", "a\"b", "a'b", "a`b", "x//y", "x/*y", "((", "a,b", "a\u{a0}b",
        ] {
            assert!(must_quote(s), "{s:?}");
        }
        for s in ["rsc.io/quote", "(", ",", "]", "v1.2.3", "é", "=>"] {
            assert!(!must_quote(s), "{s:?}");
        }
        assert_eq!(auto_quote("a b"), r#""a b""#);
        assert_eq!(auto_quote("ab"), "ab");
    }
}
