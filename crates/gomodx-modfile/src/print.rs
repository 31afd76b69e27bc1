//! The go.mod printer (Go's `modfile.Format`): one statement per line, blocks
//! indented with one tab, comments re-emitted trimmed, runs of blank lines
//! collapsed to one, no trailing blank lines.

use crate::syntax::{Comment, Comments, FileSyntax, Line, Stmt};

/// Formats a syntax tree in Go's canonical go.mod style.
pub fn format(file: &FileSyntax) -> String {
    let mut p = Printer {
        out: String::new(),
        pending: Vec::new(),
        margin: 0,
    };
    p.file(file);
    let mut out = p.out;
    while out.ends_with("\n\n") || out == "\n" {
        out.pop();
    }
    out
}

struct Printer<'a> {
    out: String,
    /// End-of-line comments waiting for the end of the current line.
    pending: Vec<&'a Comment>,
    /// Indentation, in tabs.
    margin: usize,
}

impl<'a> Printer<'a> {
    /// Bytes written on the current line.
    fn column(&self) -> usize {
        self.out.len() - self.out.rfind('\n').map_or(0, |i| i + 1)
    }

    fn indent(&mut self) {
        for _ in 0..self.margin {
            self.out.push('\t');
        }
    }

    /// Removes trailing spaces and tabs from the current line.
    fn trim(&mut self) {
        let kept = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(kept);
    }

    /// Ends the line: flushes pending comments, then writes a newline unless
    /// that would make a second blank line (or a blank first line).
    fn newline(&mut self) {
        if !self.pending.is_empty() {
            self.out.push(' ');
            for (i, com) in std::mem::take(&mut self.pending).into_iter().enumerate() {
                if i > 0 {
                    self.trim();
                    self.out.push('\n');
                    self.indent();
                }
                self.out.push_str(com.token.trim());
            }
        }
        self.trim();
        if !(self.out.is_empty() || self.out.ends_with("\n\n")) {
            self.out.push('\n');
        }
        self.indent();
    }

    fn comment_lines(&mut self, comments: &'a [Comment]) {
        for com in comments {
            self.out.push_str(com.token.trim());
            self.newline();
        }
    }

    fn file(&mut self, file: &'a FileSyntax) {
        self.comment_lines(&file.comments.before);
        for (i, stmt) in file.stmts.iter().enumerate() {
            let comments = match stmt {
                Stmt::Comments(cb) => {
                    self.before(&cb.comments.before);
                    self.pending.extend(&cb.comments.suffix);
                    &cb.comments
                }
                Stmt::Line(id) => {
                    let line = file.line(*id);
                    self.line(line);
                    self.newline();
                    &line.comments
                }
                Stmt::Block(block) => {
                    self.before(&block.comments.before);
                    self.tokens(&block.tokens);
                    self.out.push(' ');
                    self.with_comments(&block.lparen.comments, |p| p.out.push('('));
                    self.margin += 1;
                    for id in &block.lines {
                        self.newline();
                        self.line(file.line(*id));
                    }
                    self.margin -= 1;
                    self.newline();
                    self.with_comments(&block.rparen.comments, |p| p.out.push(')'));
                    self.pending.extend(&block.comments.suffix);
                    self.newline();
                    &block.comments
                }
            };
            self.comment_lines(&comments.after);
            if i + 1 < file.stmts.len() {
                self.newline();
            }
        }
    }

    fn line(&mut self, line: &'a Line) {
        self.with_comments(&line.comments, |p| p.tokens(&line.tokens));
    }

    /// Writes `before` comments, the element, then queues its suffix comments.
    fn with_comments(&mut self, comments: &'a Comments, body: impl FnOnce(&mut Self)) {
        self.before(&comments.before);
        body(self);
        self.pending.extend(&comments.suffix);
    }

    /// Whole-line comments at the current margin, on lines of their own.
    fn before(&mut self, before: &'a [Comment]) {
        if before.is_empty() {
            return;
        }
        self.trim();
        if self.column() > 0 {
            self.out.push('\n');
        }
        self.indent();
        self.comment_lines(before);
    }

    fn tokens(&mut self, tokens: &[String]) {
        let mut sep = "";
        for t in tokens {
            if matches!(t.as_str(), "," | ")" | "]" | "}") {
                sep = "";
            }
            self.out.push_str(sep);
            self.out.push_str(t);
            sep = if matches!(t.as_str(), "(" | "[" | "{") {
                ""
            } else {
                " "
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::parse::parse_syntax;

    use super::format;

    fn reformat(src: &str) -> String {
        format(&parse_syntax("go.mod", src).expect("valid"))
    }

    #[test]
    fn formatted_files_round_trip() {
        let canonical = "// Deprecated: x\nmodule m // m\n\ngo 1.21\n\nrequire (\n\t// a\n\ta.com v1.0.0 // indirect\n\n\tb.com v1.0.0\n)\n\nretract [v1.0.0, v1.1.0] // oops\n\n// trailing\n";
        assert_eq!(reformat(canonical), canonical);
    }

    #[test]
    fn normalises_layout() {
        let messy = "\n\n  module   m\r\n\n\n\ngo 1.21   // c   \r\nrequire (\n  a.com    v1.0.0\n\n\n    b.com v1.0.0 //x\n\n)\n\n\n";
        let want =
            "module m\n\ngo 1.21 // c\n\nrequire (\n\ta.com v1.0.0\n\n\tb.com v1.0.0 //x\n)\n";
        assert_eq!(reformat(messy), want);
    }

    #[test]
    fn spaces_tokens_around_brackets() {
        assert_eq!(
            reformat("retract [ v1 , v2 ]\nx ( y ) z\n"),
            "retract [v1, v2]\n\nx (y) z\n"
        );
        assert_eq!(reformat(""), "");
    }
}
