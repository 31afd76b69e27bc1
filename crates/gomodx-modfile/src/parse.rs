//! The go.mod statement parser (Go's `modfile/read.go` grammar): lines,
//! `verb (` … `)` blocks and comment blocks, then the attachment of
//! end-of-line comments to the syntax that precedes them.
//!
//! Like Go, parsing stops at the first syntax error.

use crate::error::{Error, ErrorKind, ErrorList};
use crate::lex::{Kind, Lexer, Token};
use crate::syntax::{Comment, CommentBlock, FileSyntax, Line, LineBlock, Paren, Position, Stmt};

/// Parses `src` into a syntax tree (Go's unexported `parse`).
pub fn parse_syntax(filename: &str, src: &str) -> Result<FileSyntax, ErrorList> {
    let mut parser = Parser {
        lex: Lexer::new(filename, src).map_err(|e| ErrorList(vec![*e]))?,
        file: FileSyntax::new(filename),
    };
    parser.parse_file().map_err(|e| ErrorList(vec![*e]))?;
    let comments = std::mem::take(&mut parser.lex.comments);
    let mut file = parser.file;
    assign_suffix_comments(&mut file, comments);
    Ok(file)
}

struct Parser<'a> {
    lex: Lexer<'a>,
    file: FileSyntax,
}

impl Parser<'_> {
    fn parse_file(&mut self) -> Result<(), Box<Error>> {
        let mut pending: Option<CommentBlock> = None;
        loop {
            match self.lex.peek() {
                Kind::Punct('\n') => {
                    self.lex.lex()?;
                    if let Some(cb) = pending.take() {
                        self.file.stmts.push(Stmt::Comments(cb));
                    }
                }
                Kind::Comment => {
                    let tok = self.lex.lex()?;
                    let cb = pending.get_or_insert_with(|| CommentBlock {
                        start: tok.pos,
                        ..CommentBlock::default()
                    });
                    cb.comments.before.push(Comment {
                        start: tok.pos,
                        token: tok.text,
                        suffix: false,
                    });
                }
                Kind::Eof => {
                    if let Some(cb) = pending.take() {
                        self.file.stmts.push(Stmt::Comments(cb));
                    }
                    return Ok(());
                }
                _ => {
                    let stmt = self.parse_stmt()?;
                    let mut stmt = stmt;
                    if let Some(cb) = pending.take() {
                        *self.comments_of(&mut stmt) = cb.comments.before;
                    }
                    self.file.stmts.push(stmt);
                }
            }
        }
    }

    fn comments_of<'s>(&'s mut self, stmt: &'s mut Stmt) -> &'s mut Vec<Comment> {
        match stmt {
            Stmt::Line(id) => &mut self.file.line_mut(*id).comments.before,
            Stmt::Block(b) => &mut b.comments.before,
            Stmt::Comments(cb) => &mut cb.comments.before,
        }
    }

    /// Lexes the first token of a line: the line so far.
    fn begin_line(&mut self) -> Result<Line, Box<Error>> {
        let first = self.lex.lex()?;
        Ok(Line {
            start: first.pos,
            tokens: vec![first.text],
            end: first.end,
            ..Line::default()
        })
    }

    fn parse_stmt(&mut self) -> Result<Stmt, Box<Error>> {
        let mut line = self.begin_line()?;
        loop {
            let tok = self.lex.lex()?;
            match tok.kind {
                kind if kind.is_eol() => return Ok(Stmt::Line(self.file.alloc(line))),
                Kind::Punct('(') => {
                    let next = self.lex.peek();
                    if next.is_eol() {
                        return self
                            .parse_line_block(line.start, line.tokens, &tok)
                            .map(|b| Stmt::Block(Box::new(b)));
                    }
                    if next == Kind::Punct(')') {
                        let rparen = self.lex.lex()?;
                        if self.lex.peek().is_eol() {
                            self.lex.lex()?;
                            return Ok(Stmt::Block(Box::new(LineBlock {
                                start: line.start,
                                tokens: line.tokens,
                                lparen: Paren {
                                    pos: tok.pos,
                                    ..Paren::default()
                                },
                                rparen: Paren {
                                    pos: rparen.pos,
                                    ..Paren::default()
                                },
                                ..LineBlock::default()
                            })));
                        }
                        line.tokens.push(tok.text);
                        line.tokens.push(rparen.text);
                    } else {
                        line.tokens.push(tok.text);
                    }
                }
                _ => {
                    line.tokens.push(tok.text);
                    line.end = tok.end;
                }
            }
        }
    }

    fn parse_line_block(
        &mut self,
        start: Position,
        tokens: Vec<String>,
        lparen: &Token,
    ) -> Result<LineBlock, Box<Error>> {
        let mut block = LineBlock {
            start,
            tokens,
            lparen: Paren {
                pos: lparen.pos,
                ..Paren::default()
            },
            ..LineBlock::default()
        };
        let mut comments: Vec<Comment> = Vec::new();
        loop {
            match self.lex.peek() {
                Kind::EolComment => {
                    self.lex.lex()?;
                }
                Kind::Punct('\n') => {
                    self.lex.lex()?;
                    let keep = match comments.last() {
                        None => !block.lines.is_empty(),
                        Some(last) => !last.token.is_empty(),
                    };
                    if keep {
                        comments.push(Comment::default());
                    }
                }
                Kind::Comment => {
                    let tok = self.lex.lex()?;
                    comments.push(Comment {
                        start: tok.pos,
                        token: tok.text,
                        suffix: false,
                    });
                }
                Kind::Eof => {
                    return Err(self.lex.error(ErrorKind::UnterminatedBlock {
                        file: self.lex.filename().to_owned(),
                        line: block.start.line,
                        column: block.start.line_rune,
                    }));
                }
                Kind::Punct(')') => {
                    let rparen = self.lex.lex()?;
                    if comments.len() == 1 && comments[0] == Comment::default() {
                        comments.clear();
                    }
                    block.rparen.comments.before = comments;
                    block.rparen.pos = rparen.pos;
                    if !self.lex.peek().is_eol() {
                        return Err(self.lex.error(ErrorKind::TextAfterParen));
                    }
                    self.lex.lex()?;
                    return Ok(block);
                }
                _ => {
                    let mut line = self.parse_line()?;
                    line.comments.before = std::mem::take(&mut comments);
                    block.lines.push(self.file.alloc(line));
                }
            }
        }
    }

    fn parse_line(&mut self) -> Result<Line, Box<Error>> {
        let mut line = self.begin_line()?;
        line.in_block = true;
        loop {
            let tok = self.lex.lex()?;
            if tok.kind.is_eol() {
                return Ok(line);
            }
            line.tokens.push(tok.text);
            line.end = tok.end;
        }
    }
}

/// Which piece of syntax a suffix comment may attach to.
#[derive(Clone, Copy)]
enum Target {
    Stmt(usize),
    LParen(usize),
    RParen(usize),
    Line(crate::syntax::LineId),
}

/// Go's `assignComments` for end-of-line comments: walking the syntax in
/// reverse post-order, each single-line element takes the comments that
/// start at or after its end. Leftovers go to the file's `before`.
fn assign_suffix_comments(file: &mut FileSyntax, mut suffix: Vec<Comment>) {
    let mut post = Vec::new();
    for (i, stmt) in file.stmts.iter().enumerate() {
        if let Stmt::Block(block) = stmt {
            post.push(Target::LParen(i));
            post.extend(block.lines.iter().map(|id| Target::Line(*id)));
            post.push(Target::RParen(i));
        }
        post.push(Target::Stmt(i));
    }
    let mut assigned: Vec<(Target, Vec<Comment>)> = Vec::new();
    for &target in post.iter().rev() {
        let (start, end) = span(file, target);
        if start.line != end.line {
            continue;
        }
        let mut taken = Vec::new();
        while suffix.last().is_some_and(|c| end.byte <= c.start.byte) {
            taken.extend(suffix.pop());
        }
        if !taken.is_empty() {
            taken.reverse();
            assigned.push((target, taken));
        }
    }
    for (target, comments) in assigned {
        target_comments(file, target).extend(comments);
    }
    file.comments.before.extend(suffix);
}

fn span(file: &FileSyntax, target: Target) -> (Position, Position) {
    let after_paren = |p: Position| Position {
        line_rune: p.line_rune + 1,
        byte: p.byte + 1,
        ..p
    };
    match target {
        Target::Line(id) => {
            let line = file.line(id);
            (line.start, line.end)
        }
        Target::Stmt(i) => match &file.stmts[i] {
            Stmt::Line(id) => span(file, Target::Line(*id)),
            Stmt::Block(b) => (b.start, after_paren(b.rparen.pos)),
            Stmt::Comments(cb) => (cb.start, cb.start),
        },
        Target::LParen(i) | Target::RParen(i) => {
            let Stmt::Block(b) = &file.stmts[i] else {
                unreachable!("paren targets name blocks")
            };
            let pos = if matches!(target, Target::LParen(_)) {
                b.lparen.pos
            } else {
                b.rparen.pos
            };
            (pos, after_paren(pos))
        }
    }
}

fn target_comments(file: &mut FileSyntax, target: Target) -> &mut Vec<Comment> {
    let comments = match target {
        Target::Line(id) => &mut file.line_mut(id).comments,
        Target::Stmt(i) => {
            if let Stmt::Line(id) = file.stmts[i] {
                return &mut file.line_mut(id).comments.suffix;
            }
            match &mut file.stmts[i] {
                Stmt::Block(b) => &mut b.comments,
                Stmt::Comments(cb) => &mut cb.comments,
                Stmt::Line(_) => unreachable!("handled above"),
            }
        }
        Target::LParen(i) | Target::RParen(i) => {
            let Stmt::Block(b) = &mut file.stmts[i] else {
                unreachable!("paren targets name blocks")
            };
            if matches!(target, Target::LParen(_)) {
                &mut b.lparen.comments
            } else {
                &mut b.rparen.comments
            }
        }
    };
    &mut comments.suffix
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suffix(c: &crate::syntax::Comments) -> Vec<&str> {
        c.suffix.iter().map(|c| c.token.as_str()).collect()
    }

    #[test]
    fn comments_attach_where_go_attaches_them() {
        let src = "// file\n\n// before m\nmodule m // after m\n\nrequire ( // open\n\t// before a\n\ta v1 // a1 \n\n\t// dangling\n) // close\n// tail\n";
        let f = parse_syntax("go.mod", src).expect("valid");
        let [
            Stmt::Comments(head),
            Stmt::Line(m),
            Stmt::Block(req),
            Stmt::Comments(tail),
        ] = f.stmts.as_slice()
        else {
            panic!("unexpected shape: {:?}", f.stmts);
        };
        assert_eq!(head.comments.before[0].token, "// file");
        let m = f.line(*m);
        assert_eq!(m.comments.before[0].token, "// before m");
        assert_eq!(suffix(&m.comments), ["// after m"]);
        assert_eq!(suffix(&req.lparen.comments), ["// open"]);
        let a = f.line(req.lines[0]);
        assert_eq!((a.start.line, a.start.line_rune, a.start.byte), (8, 2, 74));
        assert_eq!(a.comments.before[0].token, "// before a");
        assert_eq!(suffix(&a.comments), ["// a1 "]);
        let before_close: Vec<&str> = req
            .rparen
            .comments
            .before
            .iter()
            .map(|c| c.token.as_str())
            .collect();
        assert_eq!(before_close, ["", "// dangling"]);
        assert_eq!(suffix(&req.rparen.comments), ["// close"]);
        assert_eq!(tail.comments.before[0].token, "// tail");
    }

    #[test]
    fn parens_only_open_blocks_at_end_of_line() {
        let f = parse_syntax("go.mod", "x ( ) y\nz ( )\nw (y\n").expect("valid");
        let shapes: Vec<String> = f
            .stmts
            .iter()
            .map(|s| match s {
                Stmt::Line(id) => f.line(*id).tokens.join("|"),
                Stmt::Block(b) => format!("block {} with {}", b.tokens.join("|"), b.lines.len()),
                Stmt::Comments(_) => "comments".to_owned(),
            })
            .collect();
        assert_eq!(shapes, ["x|(|)|y", "block z with 0", "w|(|y"]);
    }

    #[test]
    fn syntax_errors_have_go_positions() {
        let cases = [
            (
                "a (\nb\n",
                "go.mod:3: syntax error (unterminated block started at go.mod:1:1)",
            ),
            (
                "a (\n) b\n",
                "go.mod:2:4: syntax error (expected newline after closing paren)",
            ),
            ("a \"b\\", "go.mod:1:3: unexpected EOF in string"),
            (
                "é \u{2028}",
                "go.mod:1:3: unexpected input character '\\u2028'",
            ),
            (
                "ab/* c",
                "go.mod:1:3: mod files must use // comments (not /* */ comments)",
            ),
        ];
        for (src, want) in cases {
            let err = parse_syntax("go.mod", src).expect_err(src);
            assert_eq!(err.to_string(), want, "{src:?}");
        }
    }

    #[test]
    fn identifiers_split_at_comments_and_keep_quotes() {
        let f = parse_syntax("go.mod", "a//b\nx\"y`z w\n").expect("valid");
        let Stmt::Line(a) = f.stmts[0] else {
            panic!("line")
        };
        assert_eq!(f.line(a).tokens, ["a"]);
        assert_eq!(suffix(&f.line(a).comments), ["//b"]);
        let Stmt::Line(x) = f.stmts[1] else {
            panic!("line")
        };
        assert_eq!(f.line(x).tokens, ["x\"y`z", "w"]);
    }
}
