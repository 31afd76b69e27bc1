//! Build constraints under Go's `imports.AnyTags()`: every tag except
//! `ignore` counts as both set and unset, so a constraint excludes a file
//! only when `ignore` decides it (`//go:build ignore`).

/// Go's `imports.ShouldBuild(content, AnyTags())`: whether the file's
/// header constraints (`//go:build`, else `// +build` lines) admit it.
pub fn should_build_any_tags(content: &[u8]) -> bool {
    let text = String::from_utf8_lossy(content);
    let header = header_lines(&text);
    if let Some(expr) = header.iter().find_map(|l| l.strip_prefix("//go:build")) {
        if !expr.is_empty() && !expr.starts_with([' ', '\t']) {
            return true; // `//go:buildx`: not a constraint
        }
        return Parser::new(expr).parse().unwrap_or(false);
    }
    header
        .iter()
        .filter_map(|l| l.strip_prefix("//")?.trim_start().strip_prefix("+build"))
        .filter(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        .all(|rest| {
            // Space-separated alternatives of comma-separated conjunctions.
            rest.split_whitespace()
                .any(|alt| alt.split(',').all(plus_build_term))
                || rest.trim().is_empty()
        })
}

/// The leading `//` comment lines that are followed by a blank line (Go's
/// `parseFileHeader`), trimmed.
fn header_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut kept = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            kept = lines.len();
        } else if line.starts_with("//") {
            lines.push(line);
        } else {
            break;
        }
    }
    lines.truncate(kept);
    lines
}

fn plus_build_term(term: &str) -> bool {
    match term.strip_prefix('!') {
        Some(tag) => !tag_value(tag, false),
        None => tag_value(term, true),
    }
}

/// Go's `matchTag` under any tags: `prefer` for a valid tag other than
/// `ignore`, false for `ignore` (never set) or an invalid tag.
fn tag_value(tag: &str, prefer: bool) -> bool {
    let valid = !tag.is_empty()
        && tag
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    valid && tag != "ignore" && prefer
}

/// A `//go:build` expression evaluated as it is parsed, with `prefer`
/// flipped under `!`.
struct Parser<'a> {
    tokens: Vec<&'a str>,
    at: usize,
}

impl<'a> Parser<'a> {
    fn new(expr: &'a str) -> Self {
        let mut tokens = Vec::new();
        let mut rest = expr.trim();
        while !rest.is_empty() {
            let len = if rest.starts_with("&&") || rest.starts_with("||") {
                2
            } else if rest.starts_with(['!', '(', ')']) {
                1
            } else {
                rest.find(|c: char| c.is_whitespace() || "!()&|".contains(c))
                    .unwrap_or(rest.len())
                    .max(1)
            };
            tokens.push(&rest[..len]);
            rest = rest[len..].trim_start();
        }
        Self { tokens, at: 0 }
    }

    fn parse(mut self) -> Option<bool> {
        let value = self.or(true)?;
        (self.at == self.tokens.len()).then_some(value)
    }

    fn next_is(&mut self, token: &str) -> bool {
        let yes = self.tokens.get(self.at) == Some(&token);
        self.at += usize::from(yes);
        yes
    }

    fn or(&mut self, prefer: bool) -> Option<bool> {
        let mut value = self.and(prefer)?;
        while self.next_is("||") {
            value |= self.and(prefer)?;
        }
        Some(value)
    }

    fn and(&mut self, prefer: bool) -> Option<bool> {
        let mut value = self.not(prefer)?;
        while self.next_is("&&") {
            value &= self.not(prefer)?;
        }
        Some(value)
    }

    fn not(&mut self, prefer: bool) -> Option<bool> {
        if self.next_is("!") {
            return Some(!self.not(!prefer)?);
        }
        if self.next_is("(") {
            let value = self.or(prefer)?;
            return self.next_is(")").then_some(value);
        }
        let tag = self.tokens.get(self.at)?;
        self.at += 1;
        Some(tag_value(tag, prefer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ignore_excludes_a_file() {
        let build =
            |header: &str| should_build_any_tags(format!("{header}\n\npackage p\n").as_bytes());
        assert!(build("//go:build linux && !windows"));
        assert!(build("//go:build !(a || b)"));
        assert!(!build("//go:build ignore"));
        assert!(!build("//go:build ignore && linux"));
        assert!(build("//go:build !ignore"));
        assert!(build("//go:build ignore || linux"));
        assert!(!build("//go:build ("));
        assert!(!build("// +build ignore"));
        assert!(build("// +build ignore linux"));
        assert!(build("// +build !ignore,linux"));
        assert!(!build("// comment\n//go:build"));
        // Not followed by a blank line: not a header constraint.
        assert!(should_build_any_tags(b"//go:build ignore\npackage p\n"));
        assert!(build("package q\n//go:build ignore"));
    }
}
