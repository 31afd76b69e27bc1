//! The go.mod syntax tree (Go's `FileSyntax`): statements, blocks, comments
//! and positions, plus the structural edits the typed model builds on
//! (`addLine`, `updateLine`, `Cleanup`).
//!
//! Lines live in an arena inside [`FileSyntax`] and are named by [`LineId`],
//! so the typed model can refer to "its" line the way Go's `*Line` does.

/// A position in a go.mod file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Position {
    /// 1-based line number (0 for synthesised syntax).
    pub line: usize,
    /// 1-based column, counted in runes.
    pub line_rune: usize,
    /// 0-based byte offset.
    pub byte: usize,
}

/// One `//` comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comment {
    /// Where the comment starts.
    pub start: Position,
    /// The text, including `//`, without the newline. Empty for the marker
    /// that preserves a blank line inside a block.
    pub token: String,
    /// Whether the comment ends a line of tokens (rather than being alone on its line).
    pub suffix: bool,
}

impl Comment {
    /// A synthesised comment with the given text.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            ..Self::default()
        }
    }
}

/// The comments attached to a piece of syntax.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comments {
    /// Whole-line comments before it.
    pub before: Vec<Comment>,
    /// End-of-line comments after it.
    pub suffix: Vec<Comment>,
    /// Whole-line comments after it (top-level statements only).
    pub after: Vec<Comment>,
}

/// Names a line in its [`FileSyntax`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LineId(usize);

/// One line of tokens: a top-level statement or a line inside a block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    /// Comments attached to the line.
    pub comments: Comments,
    /// Where the first token starts.
    pub start: Position,
    /// The tokens; inside a block the verb is not repeated. Empty once removed.
    pub tokens: Vec<String>,
    /// Whether the line sits inside a block.
    pub in_block: bool,
    /// Where the last token ends.
    pub end: Position,
}

impl Line {
    /// Whether an edit removed the line (it disappears at the next cleanup).
    pub fn is_removed(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// A `(` or `)` of a block, which carries comments of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paren {
    /// Comments attached to the parenthesis.
    pub comments: Comments,
    /// Where it is.
    pub pos: Position,
}

/// A factored block: `require ( … )`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineBlock {
    /// Comments attached to the block as a whole.
    pub comments: Comments,
    /// Where the verb starts.
    pub start: Position,
    /// The `(` (suffix comments after it).
    pub lparen: Paren,
    /// The header tokens (normally just the verb).
    pub tokens: Vec<String>,
    /// The lines inside.
    pub lines: Vec<LineId>,
    /// The `)` (whole-line comments before it).
    pub rparen: Paren,
}

/// A run of comments standing apart from any statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommentBlock {
    /// The comments (in `before`).
    pub comments: Comments,
    /// Where the first comment starts.
    pub start: Position,
}

/// A top-level statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stmt {
    /// Free-standing comments.
    Comments(CommentBlock),
    /// A single line.
    Line(LineId),
    /// A block of lines.
    Block(Box<LineBlock>),
}

/// A whole go.mod file as syntax.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileSyntax {
    /// The file name used in errors.
    pub name: String,
    /// Comments of the file itself (stray suffix comments in `before`,
    /// trailing comments in `after`).
    pub comments: Comments,
    /// The statements in order.
    pub stmts: Vec<Stmt>,
    lines: Vec<Line>,
}

impl FileSyntax {
    /// An empty file with the given name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// The line `id` names.
    pub fn line(&self, id: LineId) -> &Line {
        &self.lines[id.0]
    }

    /// The line `id` names, mutably.
    pub fn line_mut(&mut self, id: LineId) -> &mut Line {
        &mut self.lines[id.0]
    }

    /// Stores a line in the arena (it is not placed in any statement).
    pub(crate) fn alloc(&mut self, line: Line) -> LineId {
        self.lines.push(line);
        LineId(self.lines.len() - 1)
    }

    /// Whether `tokens` (a line outside a block) starts with `verb`.
    fn first_token_is(tokens: &[String], verb: &str) -> bool {
        tokens.first().is_some_and(|t| t == verb)
    }

    /// Go's `addLine`: adds a line of `tokens` (verb first) and returns it.
    ///
    /// With a `hint` line whose verb matches, the new line goes right after
    /// it (turning a single line into a block); with a non-matching hint it
    /// goes after the hint's statement. Without a hint it goes at the end of
    /// the last statement with the same verb, or at the end of the file.
    pub fn add_line(&mut self, hint: Option<LineId>, tokens: Vec<String>) -> LineId {
        let verb = tokens.first().cloned().unwrap_or_default();
        let target = match hint {
            Some(id) => self
                .stmts
                .iter()
                .enumerate()
                .find_map(|(i, stmt)| match stmt {
                    Stmt::Line(l) if *l == id => Some((i, None)),
                    Stmt::Block(b) => b.lines.iter().position(|l| *l == id).map(|j| (i, Some(j))),
                    _ => None,
                }),
            None => self
                .stmts
                .iter()
                .enumerate()
                .rev()
                .find_map(|(i, stmt)| match stmt {
                    Stmt::Line(l) if Self::first_token_is(&self.line(*l).tokens, &verb) => {
                        Some((i, None))
                    }
                    Stmt::Block(b) if Self::first_token_is(&b.tokens, &verb) => {
                        Some((i, Some(b.lines.len())))
                    }
                    _ => None,
                }),
        };
        let Some((i, in_block)) = target else {
            return self.append_line(tokens);
        };
        let matches = match &self.stmts[i] {
            Stmt::Line(l) => Self::first_token_is(&self.line(*l).tokens, &verb),
            Stmt::Block(b) => Self::first_token_is(&b.tokens, &verb),
            Stmt::Comments(_) => false,
        };
        if !matches {
            let id = self.alloc(Line {
                tokens,
                ..Line::default()
            });
            self.stmts.insert(i + 1, Stmt::Line(id));
            return id;
        }
        let new = self.alloc(Line {
            tokens: tokens[1..].to_vec(),
            in_block: true,
            ..Line::default()
        });
        match (&mut self.stmts[i], in_block) {
            (Stmt::Block(block), Some(j)) => {
                let at = (j + usize::from(hint.is_some())).min(block.lines.len());
                block.lines.insert(at, new);
            }
            (Stmt::Line(old), _) => {
                let old = *old;
                let line = &mut self.lines[old.0];
                line.in_block = true;
                let header = line.tokens.remove(0);
                self.stmts[i] = Stmt::Block(Box::new(LineBlock {
                    tokens: vec![header],
                    lines: vec![old, new],
                    ..LineBlock::default()
                }));
            }
            _ => unreachable!("a matching target is a line or a block"),
        }
        new
    }

    /// Appends a top-level line of `tokens` at the end of the file.
    pub fn append_line(&mut self, tokens: Vec<String>) -> LineId {
        let id = self.alloc(Line {
            tokens,
            ..Line::default()
        });
        self.stmts.push(Stmt::Line(id));
        id
    }

    /// Go's `updateLine`: replaces the tokens of `id` (verb first; dropped
    /// inside a block).
    pub fn update_line(&mut self, id: LineId, mut tokens: Vec<String>) {
        let line = self.line_mut(id);
        if line.in_block {
            tokens.remove(0);
        }
        line.tokens = tokens;
    }

    /// Go's `markRemoved`: the line and its end-of-line comments go away at
    /// the next [`cleanup`](Self::cleanup).
    pub fn mark_removed(&mut self, id: LineId) {
        let line = self.line_mut(id);
        line.tokens.clear();
        line.comments.suffix.clear();
    }

    /// Go's `FileSyntax.Cleanup`: drops removed lines and empty blocks, and
    /// collapses a block left with one line (and no comments before its `)`)
    /// into a single line.
    pub fn cleanup(&mut self) {
        let stmts = std::mem::take(&mut self.stmts);
        for stmt in stmts {
            match stmt {
                Stmt::Line(id) if self.line(id).is_removed() => {}
                Stmt::Block(mut block) => {
                    block.lines.retain(|id| !self.lines[id.0].is_removed());
                    match block.lines.as_slice() {
                        [] => {}
                        [only] if block.rparen.comments.before.is_empty() => {
                            let only = *only;
                            let old = std::mem::take(self.line_mut(only));
                            let mut tokens = block.tokens;
                            tokens.extend(old.tokens);
                            let concat = |mut a: Vec<Comment>, b: Vec<Comment>| {
                                a.extend(b);
                                a
                            };
                            let comments = Comments {
                                before: concat(block.comments.before, old.comments.before),
                                suffix: concat(old.comments.suffix, block.comments.suffix),
                                after: concat(old.comments.after, block.comments.after),
                            };
                            *self.line_mut(only) = Line {
                                comments,
                                tokens,
                                ..Line::default()
                            };
                            self.stmts.push(Stmt::Line(only));
                        }
                        _ => self.stmts.push(Stmt::Block(block)),
                    }
                }
                stmt => self.stmts.push(stmt),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    fn shape(f: &FileSyntax) -> Vec<String> {
        f.stmts
            .iter()
            .map(|s| match s {
                Stmt::Line(id) => f.line(*id).tokens.join(" "),
                Stmt::Block(b) => {
                    let inner: Vec<String> = b
                        .lines
                        .iter()
                        .map(|id| f.line(*id).tokens.join(" "))
                        .collect();
                    format!("{} ({})", b.tokens.join(" "), inner.join("; "))
                }
                Stmt::Comments(_) => "#".to_owned(),
            })
            .collect()
    }

    #[test]
    fn add_line_without_hint_joins_last_matching_statement() {
        let mut f = FileSyntax::new("go.mod");
        f.add_line(None, toks("module m"));
        f.add_line(None, toks("require a v1.0.0"));
        f.add_line(None, toks("go 1.21"));
        f.add_line(None, toks("require b v1.0.0"));
        assert_eq!(
            shape(&f),
            ["module m", "require (a v1.0.0; b v1.0.0)", "go 1.21"]
        );
        f.add_line(None, toks("require c v1.0.0"));
        assert_eq!(shape(&f)[1], "require (a v1.0.0; b v1.0.0; c v1.0.0)");
    }

    #[test]
    fn add_line_with_hint_inserts_after_hint() {
        let mut f = FileSyntax::new("go.mod");
        let m = f.add_line(None, toks("module m"));
        let a = f.add_line(None, toks("exclude a v1.0.0"));
        f.add_line(None, toks("exclude z v1.0.0"));
        f.add_line(Some(a), toks("exclude a v1.1.0"));
        f.add_line(Some(m), toks("go 1.21"));
        assert_eq!(
            shape(&f),
            [
                "module m",
                "go 1.21",
                "exclude (a v1.0.0; a v1.1.0; z v1.0.0)"
            ]
        );
    }

    #[test]
    fn cleanup_collapses_and_drops() {
        let mut f = FileSyntax::new("go.mod");
        let a = f.add_line(None, toks("require a v1.0.0"));
        let b = f.add_line(None, toks("require b v1.0.0"));
        let g = f.add_line(None, toks("go 1.21"));
        f.mark_removed(a);
        f.mark_removed(g);
        f.cleanup();
        assert_eq!(shape(&f), ["require b v1.0.0"]);
        assert!(!f.line(b).in_block);
    }
}
