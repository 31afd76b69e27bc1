//! The go.mod lexer (Go's `modfile/read.go` scanner).
//!
//! Spaces, tabs and CRs separate tokens; a newline is a token; `//` runs to
//! the end of the line and is either a whole-line comment (handed to the
//! parser) or an end-of-line comment (collected for later attachment).
//! The lexer always holds one token of look-ahead, so error positions are
//! where Go reports them.

use crate::error::{Error, ErrorKind};
use crate::quote::is_print;
use crate::syntax::{Comment, Position};

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Eof,
    /// A comment after tokens on its line.
    EolComment,
    Ident,
    String,
    /// A comment alone on its line.
    Comment,
    /// One of `\n ( ) [ ] { } ,`.
    Punct(char),
}

impl Kind {
    /// Whether the token ends a line.
    pub(crate) fn is_eol(self) -> bool {
        matches!(self, Kind::Eof | Kind::EolComment | Kind::Punct('\n'))
    }
}

/// A token with its text and extent.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) pos: Position,
    pub(crate) end: Position,
    pub(crate) text: String,
}

/// The scanner state: the input, the current position and the next token.
pub(crate) struct Lexer<'a> {
    filename: &'a str,
    src: &'a str,
    pos: Position,
    /// Byte offset where the current line starts.
    line_start: usize,
    next: Token,
    /// End-of-line comments seen so far, in order.
    pub(crate) comments: Vec<Comment>,
}

fn is_ident(c: char) -> bool {
    !matches!(c, ' ' | '(' | ')' | '[' | ']' | '{' | '}' | ',') && is_print(c)
}

impl<'a> Lexer<'a> {
    /// A lexer primed with the first token.
    pub(crate) fn new(filename: &'a str, src: &'a str) -> Result<Self, Box<Error>> {
        let start = Position {
            line: 1,
            line_rune: 1,
            byte: 0,
        };
        let next = Token {
            kind: Kind::Eof,
            pos: start,
            end: start,
            text: String::new(),
        };
        let mut lexer = Self {
            filename,
            src,
            pos: start,
            line_start: 0,
            next,
            comments: Vec::new(),
        };
        lexer.read_token()?;
        Ok(lexer)
    }

    /// An error at the current input position.
    pub(crate) fn error(&self, kind: ErrorKind) -> Box<Error> {
        Box::new(Error::new(self.filename, self.pos, kind))
    }

    pub(crate) fn filename(&self) -> &'a str {
        self.filename
    }

    /// The kind of the next token.
    pub(crate) fn peek(&self) -> Kind {
        self.next.kind
    }

    /// Returns the next token and scans the one after it.
    pub(crate) fn lex(&mut self) -> Result<Token, Box<Error>> {
        let placeholder = Token {
            kind: Kind::Eof,
            pos: self.pos,
            end: self.pos,
            text: String::new(),
        };
        let tok = std::mem::replace(&mut self.next, placeholder);
        self.read_token()?;
        Ok(tok)
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos.byte..]
    }

    fn peek_char(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn read_char(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos.byte += c.len_utf8();
        if c == '\n' {
            self.line_start = self.pos.byte;
            self.pos.line += 1;
            self.pos.line_rune = 1;
        } else {
            self.pos.line_rune += 1;
        }
        Some(c)
    }

    fn finish(&mut self, kind: Kind, start: Position) {
        let mut text = &self.src[start.byte..self.pos.byte];
        if matches!(kind, Kind::Comment | Kind::EolComment) {
            text = text
                .strip_suffix("\r\n")
                .or_else(|| text.strip_suffix('\n'))
                .unwrap_or(text);
        }
        self.next = Token {
            kind,
            pos: start,
            end: self.pos,
            text: text.to_owned(),
        };
    }

    fn read_token(&mut self) -> Result<(), Box<Error>> {
        loop {
            match self.peek_char() {
                Some(' ' | '\t' | '\r') => {
                    self.read_char();
                }
                _ if self.rest().starts_with("//") => {
                    self.read_comment();
                    return Ok(());
                }
                _ if self.rest().starts_with("/*") => {
                    return Err(self.error(ErrorKind::BlockComment));
                }
                _ => break,
            }
        }
        let start = self.pos;
        let Some(c) = self.peek_char() else {
            self.finish(Kind::Eof, start);
            return Ok(());
        };
        match c {
            '\n' | '(' | ')' | '[' | ']' | '{' | '}' | ',' => {
                self.read_char();
                self.finish(Kind::Punct(c), start);
            }
            '"' | '`' => self.read_string(c, start)?,
            c if !is_ident(c) => return Err(self.error(ErrorKind::UnexpectedCharacter(c))),
            _ => {
                while self.peek_char().is_some_and(is_ident) {
                    if self.rest().starts_with("//") {
                        break;
                    }
                    if self.rest().starts_with("/*") {
                        return Err(self.error(ErrorKind::BlockComment));
                    }
                    self.read_char();
                }
                self.finish(Kind::Ident, start);
            }
        }
        Ok(())
    }

    fn read_comment(&mut self) {
        let start = self.pos;
        let suffix = !self.src[self.line_start..start.byte].trim().is_empty();
        while let Some(c) = self.read_char() {
            if c == '\n' {
                break;
            }
        }
        if suffix {
            self.finish(Kind::EolComment, start);
            self.comments.push(Comment {
                start,
                token: self.next.text.clone(),
                suffix: true,
            });
        } else {
            self.finish(Kind::Comment, start);
        }
    }

    fn read_string(&mut self, quote: char, start: Position) -> Result<(), Box<Error>> {
        self.read_char();
        loop {
            let eof = |lexer: &mut Self| {
                lexer.pos = start;
                Err(lexer.error(ErrorKind::EofInString))
            };
            match self.peek_char() {
                None => return eof(self),
                Some('\n') => return Err(self.error(ErrorKind::NewlineInString)),
                Some(_) => {}
            }
            let c = self.read_char();
            if c == Some(quote) {
                break;
            }
            if c == Some('\\') && quote != '`' {
                if self.peek_char().is_none() {
                    return eof(self);
                }
                self.read_char();
            }
        }
        self.finish(Kind::String, start);
        Ok(())
    }
}
