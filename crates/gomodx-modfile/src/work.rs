//! go.work files: Go's `modfile.ParseWork`.
//!
//! A go.work knows `go`, `toolchain`, `godebug`, `use` and `replace`
//! (blocks of the last three); the shared directives follow go.mod's
//! strict rules, anything else is an `unknown directive`.

use crate::args::{Fix, parse_string};
use crate::error::{Error, ErrorKind, ErrorList};
use crate::model::{GoStmt, Godebug, ModFile, Replace, ToolchainStmt};
use crate::parse::parse_syntax;
use crate::rule::Rules;
use crate::syntax::{FileSyntax, LineId, Stmt};

/// A parsed go.work file.
#[derive(Debug, Clone, Default)]
pub struct WorkFile {
    /// The `go` directive.
    pub go: Option<GoStmt>,
    /// The `toolchain` directive.
    pub toolchain: Option<ToolchainStmt>,
    /// `godebug key=value` directives.
    pub godebug: Vec<Godebug>,
    /// `use` directives, in file order.
    pub uses: Vec<Use>,
    /// `replace` directives, in file order.
    pub replace: Vec<Replace>,
    /// The syntax tree, comments included.
    pub syntax: FileSyntax,
}

/// `use dir`: a module directory of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    /// The directory as written (unquoted).
    pub path: String,
    /// The line.
    pub syntax: LineId,
}

impl WorkFile {
    /// Go's `gover.FromGoWork`: the go line, or 1.18 without one.
    pub fn go_version(&self) -> &str {
        self.go.as_ref().map_or("1.18", |go| go.version.as_str())
    }
}

/// Go's `modfile.ParseWork(file, data, nil)`; errors are Go's,
/// `file:line: message`, joined by newlines.
pub fn parse_work(file: &str, data: &[u8]) -> Result<WorkFile, ErrorList> {
    let src = String::from_utf8_lossy(data);
    let syntax = parse_syntax(file, &src)?;
    // go.mod's interpretation of the shared directives, on a scratch file.
    let mut shared = ModFile {
        syntax,
        ..ModFile::default()
    };
    let rules = Rules {
        fix: Fix::Canonical,
        strict: true,
    };
    let mut uses = Vec::new();
    let mut errs = Vec::new();
    for i in 0..shared.syntax.stmts.len() {
        let (block, lines, verb, skip) = match &shared.syntax.stmts[i] {
            Stmt::Comments(_) => continue,
            &Stmt::Line(id) => (None, vec![id], shared.syntax.line(id).tokens[0].clone(), 1),
            Stmt::Block(block) => {
                let verb = block.tokens.join(" ");
                if !matches!(verb.as_str(), "godebug" | "use" | "replace") {
                    errs.push(Error::new(
                        file,
                        block.start,
                        ErrorKind::UnknownBlockType(verb),
                    ));
                    continue;
                }
                (Some(block.comments.clone()), block.lines.clone(), verb, 0)
            }
        };
        for id in lines {
            let line = shared.syntax.line(id);
            let at = |kind| Error::new(file, line.start, kind);
            match verb.as_str() {
                "use" => match &line.tokens[skip..] {
                    [path] => {
                        let mut path = path.clone();
                        match parse_string(&mut path) {
                            Ok(path) => uses.push(Use { path, syntax: id }),
                            Err(e) => errs.push(at(ErrorKind::InvalidQuotedString(e))),
                        }
                    }
                    _ => errs.push(at(ErrorKind::Usage("use local/dir".to_owned()))),
                },
                "go" | "toolchain" | "godebug" | "replace" => {
                    shared.add(&mut errs, block.as_ref(), id, &verb, skip, rules);
                }
                other => errs.push(at(ErrorKind::UnknownDirective(other.to_owned()))),
            }
        }
    }
    if !errs.is_empty() {
        return Err(ErrorList(errs));
    }
    Ok(WorkFile {
        go: shared.go,
        toolchain: shared.toolchain,
        godebug: shared.godebug,
        uses,
        replace: shared.replace,
        syntax: shared.syntax,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_uses_replacements_and_versions() {
        let text = "go 1.22\ntoolchain go1.23.1\n\nuse (\n\t./a\n\t\"./b c\"\n)\nuse ../d\n\nreplace x.com/y v1.0.0 => ./y\n";
        let work = parse_work("go.work", text.as_bytes()).unwrap();
        assert_eq!(work.go_version(), "1.22");
        assert_eq!(work.toolchain.unwrap().name, "go1.23.1");
        let uses: Vec<&str> = work.uses.iter().map(|u| u.path.as_str()).collect();
        assert_eq!(uses, ["./a", "./b c", "../d"]);
        assert_eq!(work.replace[0].new.path, "./y");
        assert_eq!(parse_work("go.work", b"").unwrap().go_version(), "1.18");
    }

    #[test]
    fn errors_read_like_go() {
        let err = parse_work(
            "go.work",
            b"go 1.22\nmodule m\nrequire (\n\tx v1.0.0\n)\nuse\ngo 1.23\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "go.work:2: unknown directive: module\n\
             go.work:3: unknown block type: require\n\
             go.work:6: usage: use local/dir\n\
             go.work:7: repeated go statement"
        );
    }
}
