//! Go's `imports.ReadImports`: the package clause and import declarations
//! of a file, comments (`//` and `/* */`) and semicolons skipped, reading
//! stopped at the first token that is not an import.

/// A file whose header is not Go: `package` or an import spec is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("syntax error at byte {offset}")]
pub struct SyntaxError {
    /// Where the reader stopped.
    pub offset: usize,
}

/// The import paths of a Go file, in order, as written (quoted literals
/// unquoted; a literal that does not unquote is skipped, as go skips it).
pub fn read_imports(src: &[u8]) -> Result<Vec<String>, SyntaxError> {
    let mut literals = Vec::new();
    read_literals(src, &mut literals)?;
    Ok(unquote_all(&literals))
}

/// [`read_imports`] as go reads files for module loading: a syntax error
/// ends the list silently, keeping the imports read before it.
pub fn read_imports_lax(src: &[u8]) -> Vec<String> {
    let mut literals = Vec::new();
    let _ = read_literals(src, &mut literals);
    unquote_all(&literals)
}

fn unquote_all(literals: &[String]) -> Vec<String> {
    literals.iter().filter_map(|lit| unquote(lit)).collect()
}

fn read_literals(src: &[u8], literals: &mut Vec<String>) -> Result<(), SyntaxError> {
    let src = src.strip_prefix(b"\xef\xbb\xbf").unwrap_or(src);
    let mut reader = Reader { src, pos: 0 };
    reader.keyword(b"package")?;
    reader.ident()?;
    while reader.peek()? == Some(b'i') {
        reader.keyword(b"import")?;
        if reader.peek()? == Some(b'(') {
            reader.pos += 1;
            while reader.peek()? != Some(b')') {
                if reader.peek()?.is_none() {
                    return Err(reader.error());
                }
                reader.spec(literals)?;
            }
            reader.pos += 1;
        } else {
            reader.spec(literals)?;
        }
    }
    Ok(())
}

/// Go's `strconv.Unquote` for string literals: `` `raw` `` or `"…"` with
/// Go's escapes; `None` when `literal` is not a valid string literal.
pub fn unquote(literal: &str) -> Option<String> {
    if let Some(raw) = literal.strip_prefix('`') {
        let raw = raw.strip_suffix('`')?;
        return (!raw.contains('`')).then(|| raw.replace('\r', ""));
    }
    let body = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\n' => return None,
            '\\' => {
                let escaped = match chars.next()? {
                    'a' => '\x07',
                    'b' => '\x08',
                    'f' => '\x0c',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\x0b',
                    '\\' => '\\',
                    '"' => '"',
                    'x' => char::from(u8::try_from(hex(&mut chars, 2)?).ok()?),
                    'u' => char::from_u32(hex(&mut chars, 4)?)?,
                    'U' => char::from_u32(hex(&mut chars, 8)?)?,
                    d @ '0'..='7' => {
                        let rest: String = chars.by_ref().take(2).collect();
                        let value = u32::from_str_radix(&format!("{d}{rest}"), 8).ok()?;
                        char::from(u8::try_from(value).ok()?)
                    }
                    _ => return None,
                };
                out.push(escaped);
            }
            c => out.push(c),
        }
    }
    Some(out)
}

fn hex(chars: &mut std::str::Chars<'_>, digits: usize) -> Option<u32> {
    let text: String = chars.by_ref().take(digits).collect();
    (text.len() == digits)
        .then(|| u32::from_str_radix(&text, 16).ok())
        .flatten()
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

struct Reader<'a> {
    src: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn error(&self) -> SyntaxError {
        SyntaxError { offset: self.pos }
    }

    /// The next byte after spaces, semicolons and comments (`None` at the
    /// end), not consumed.
    fn peek(&mut self) -> Result<Option<u8>, SyntaxError> {
        loop {
            match self.src.get(self.pos..) {
                Some([b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b';', ..]) => self.pos += 1,
                Some([b'/', b'/', ..]) => {
                    let line = self.src[self.pos..].iter().position(|&c| c == b'\n');
                    self.pos = line.map_or(self.src.len(), |n| self.pos + n);
                }
                Some([b'/', b'*', ..]) => {
                    let body = &self.src[self.pos + 2..];
                    let end = body.windows(2).position(|w| w == b"*/");
                    self.pos = match end {
                        Some(n) => self.pos + 2 + n + 2,
                        None => return Err(self.error()),
                    };
                }
                Some([b'/', ..]) | Some([0, ..]) => return Err(self.error()),
                Some([c, ..]) => return Ok(Some(*c)),
                _ => return Ok(None),
            }
        }
    }

    fn keyword(&mut self, word: &[u8]) -> Result<(), SyntaxError> {
        self.peek()?;
        if !self.src[self.pos..].starts_with(word) {
            return Err(self.error());
        }
        self.pos += word.len();
        if self.src.get(self.pos).copied().is_some_and(is_ident) {
            return Err(self.error());
        }
        Ok(())
    }

    fn ident(&mut self) -> Result<(), SyntaxError> {
        if !self.peek()?.is_some_and(is_ident) {
            return Err(self.error());
        }
        while self.src.get(self.pos).copied().is_some_and(is_ident) {
            self.pos += 1;
        }
        Ok(())
    }

    /// `[name | . | _] "path"`.
    fn spec(&mut self, literals: &mut Vec<String>) -> Result<(), SyntaxError> {
        match self.peek()? {
            Some(b'.') => self.pos += 1,
            Some(c) if is_ident(c) => self.ident()?,
            _ => {}
        }
        let quote = self.peek()?.ok_or_else(|| self.error())?;
        if quote != b'"' && quote != b'`' {
            return Err(self.error());
        }
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.src.get(self.pos).copied() {
                None => return Err(self.error()),
                Some(b'\n') if quote == b'"' => return Err(self.error()),
                Some(b'\\') if quote == b'"' => self.pos += 2,
                Some(c) if c == quote => break,
                Some(_) => self.pos += 1,
            }
        }
        self.pos += 1;
        let literal = self.src.get(start..self.pos).ok_or_else(|| self.error())?;
        literals.push(String::from_utf8_lossy(literal).into_owned());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_spelling_of_an_import_declaration() {
        let src = "\u{feff}// c\n/* block\n comment */ package p /* x */; import \"fmt\"; import x \"a.com/x\"\nimport (\n\t\"b.com/y\" // c\n\t_ `c.com/z`; . \"d.com/\\x77\"\n\t/* ) */ \"e.com/e\"\n)\nimport()\nfunc f() { _ = \"import \\\"no\\\"\" }\nimport \"late.com/no\"\n";
        assert_eq!(
            read_imports(src.as_bytes()).unwrap(),
            ["fmt", "a.com/x", "b.com/y", "c.com/z", "d.com/w", "e.com/e"]
        );
    }

    #[test]
    fn malformed_headers_are_syntax_errors() {
        for src in [
            "packge p",
            "package",
            "package p\nimport (\n\"a\"\n",
            "package p\nimport \"a\n\"",
            "package p /* open",
            "package p\nimport 7",
        ] {
            assert!(read_imports(src.as_bytes()).is_err(), "{src:?}");
        }
        assert_eq!(read_imports(b"package p").unwrap(), Vec::<String>::new());
        assert_eq!(
            read_imports_lax(b"package p\nimport \"a\"\nimport 7"),
            ["a"]
        );
    }

    #[test]
    fn unquotes_as_strconv() {
        assert_eq!(unquote("`a\\n`").as_deref(), Some("a\\n"));
        assert_eq!(unquote("\"\\u00e9\\101\\t\"").as_deref(), Some("éA\t"));
        assert_eq!(unquote("\"a"), None);
        assert_eq!(unquote("\"\\q\""), None);
    }
}
