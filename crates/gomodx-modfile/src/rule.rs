//! From syntax to the typed model: Go's `parseToFile` and `File.add`.
//!
//! Strict mode ([`parse`]) is how Go reads the main module's go.mod; lax mode
//! ([`parse_lax`]) is how it reads dependencies' go.mod files: only `module`,
//! `go`, `require`, `retract` and `ignore` are interpreted, everything else
//! (unknown directives and blocks included) is skipped silently, a bad `go`
//! version is salvaged when possible, and malformed retractions are ignored.
//!
//! As in Go, interpreting a directive rewrites its tokens in the syntax tree:
//! quoted arguments that need no quotes lose them and versions are
//! canonicalised (`v1.2` becomes `v1.2.0`), so formatting shows the fixes.

use gomodx_module::gover::is_valid_go_line as is_go_version;
use gomodx_module::{ModuleError, ModuleVersion, path};

use crate::args::{
    Fix, directive_error, parse_string, parse_version, parse_version_interval, path_major,
    replace_args, version_problem,
};
use crate::error::{Error, ErrorKind, ErrorList};
use crate::model::{
    Exclude, GoStmt, Godebug, Ignore, ModFile, ModuleStmt, Replace, Require, Retract, Tool,
    ToolchainStmt, VersionInterval, deprecation, directive_comment, is_indirect,
};
use crate::parse::parse_syntax;
use crate::syntax::{Comments, LineId, Stmt};
use crate::version::{is_toolchain_name, lax_go_version};

/// A version fixer (Go's `VersionFixer`): given a module path and a version
/// as written, returns the version to use. Errors of the
/// [`ModuleError::Version`] kind are reported as `verb path: version "v" invalid: reason`.
pub type VersionFixer<'a> = &'a dyn Fn(&str, &str) -> Result<String, ModuleError>;

/// Strict (main module) or lax (dependency) interpretation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Go's `Parse`: every directive must be known and well-formed.
    Strict,
    /// Go's `ParseLax`: only directives that matter in a dependency are read.
    Lax,
}

/// Go's `modfile.Parse(file, data, nil)`: strict, versions canonicalised.
///
/// Invalid UTF-8 in `data` is read as U+FFFD.
pub fn parse(file: &str, data: &[u8]) -> Result<ModFile, ErrorList> {
    parse_with(file, data, Mode::Strict, None)
}

/// Go's `modfile.ParseLax(file, data, nil)`: for dependencies' go.mod files.
pub fn parse_lax(file: &str, data: &[u8]) -> Result<ModFile, ErrorList> {
    parse_with(file, data, Mode::Lax, None)
}

/// Parses with an explicit mode and optional [`VersionFixer`]. With a fixer,
/// `retract` versions are fixed too, once the whole file (and so the module
/// path) has been read.
pub fn parse_with(
    file: &str,
    data: &[u8],
    mode: Mode,
    fix: Option<VersionFixer<'_>>,
) -> Result<ModFile, ErrorList> {
    let src = String::from_utf8_lossy(data);
    let syntax = parse_syntax(file, &src)?;
    let mut f = ModFile {
        syntax,
        ..ModFile::default()
    };
    let strict = mode == Mode::Strict;
    let rules = Rules {
        fix: fix.map_or(Fix::Canonical, Fix::With),
        strict,
    };
    let mut errs = Vec::new();
    for i in 0..f.syntax.stmts.len() {
        match &f.syntax.stmts[i] {
            Stmt::Comments(_) => {}
            &Stmt::Line(id) => {
                let verb = f.syntax.line(id).tokens[0].clone();
                f.add(&mut errs, None, id, &verb, 1, rules);
            }
            Stmt::Block(block) => {
                let verb = block.tokens.join(" ");
                const BLOCKS: [&str; 8] = [
                    "module", "godebug", "require", "exclude", "replace", "retract", "tool",
                    "ignore",
                ];
                if block.tokens.len() > 1 || !BLOCKS.contains(&verb.as_str()) {
                    if strict {
                        errs.push(Error::new(
                            file,
                            block.start,
                            ErrorKind::UnknownBlockType(verb),
                        ));
                    }
                    continue;
                }
                let (comments, lines) = (block.comments.clone(), block.lines.clone());
                for id in lines {
                    f.add(&mut errs, Some(&comments), id, &verb, 0, rules);
                }
            }
        }
    }
    if let Some(fix) = fix {
        f.fix_retract(fix, &mut errs);
    }
    if errs.is_empty() {
        Ok(f)
    } else {
        Err(ErrorList(errs))
    }
}

/// How to interpret directives.
#[derive(Clone, Copy)]
pub(crate) struct Rules<'a> {
    pub(crate) fix: Fix<'a>,
    pub(crate) strict: bool,
}

/// What one directive line contributes to the model.
enum Directive {
    Module(String),
    Go(String),
    Toolchain(String),
    Godebug(String, String),
    Require(ModuleVersion),
    Exclude(ModuleVersion),
    Replace(ModuleVersion, ModuleVersion),
    Retract(VersionInterval),
    Tool(String),
    Ignore(String),
}

impl ModFile {
    /// Go's `File.add`: interprets one line. `skip` is how many leading
    /// tokens are not arguments (1 for a single line, 0 inside a block).
    pub(crate) fn add(
        &mut self,
        errs: &mut Vec<Error>,
        block: Option<&Comments>,
        id: LineId,
        verb: &str,
        skip: usize,
        rules: Rules<'_>,
    ) {
        if !rules.strict && !matches!(verb, "go" | "module" | "retract" | "require" | "ignore") {
            return;
        }
        let line = self.syntax.line(id);
        let start = line.start;
        let rationale = match verb {
            "retract" | "module" => directive_comment(block, line),
            _ => String::new(),
        };
        let mut args = line.tokens[skip..].to_vec();
        let result = self.interpret(id, verb, &mut args, rules, &rationale);
        self.syntax.line_mut(id).tokens.splice(skip.., args);
        let directive = match result {
            Ok(Some(d)) => d,
            Ok(None) => return,
            Err(err) => {
                errs.push(Error {
                    filename: self.syntax.name.clone(),
                    pos: start,
                    ..*err
                });
                return;
            }
        };
        match directive {
            Directive::Module(path) => {
                if let Some(m) = &mut self.module {
                    m.path = path;
                }
            }
            Directive::Go(version) => {
                self.go = Some(GoStmt {
                    version,
                    syntax: id,
                })
            }
            Directive::Toolchain(name) => self.toolchain = Some(ToolchainStmt { name, syntax: id }),
            Directive::Godebug(key, value) => self.godebug.push(Godebug {
                key,
                value,
                syntax: id,
            }),
            Directive::Require(module) => {
                let indirect = is_indirect(self.syntax.line(id));
                self.require.push(Require {
                    module,
                    indirect,
                    syntax: id,
                });
            }
            Directive::Exclude(module) => self.exclude.push(Exclude { module, syntax: id }),
            Directive::Replace(old, new) => self.replace.push(Replace {
                old,
                new,
                syntax: id,
            }),
            Directive::Retract(interval) => self.retract.push(Retract {
                interval,
                rationale,
                syntax: id,
            }),
            Directive::Tool(path) => self.tool.push(Tool { path, syntax: id }),
            Directive::Ignore(path) => self.ignore.push(Ignore { path, syntax: id }),
        }
    }

    /// The rules of one directive; `Ok(None)` when it is skipped.
    fn interpret(
        &mut self,
        syntax: LineId,
        verb: &str,
        args: &mut [String],
        rules: Rules<'_>,
        rationale: &str,
    ) -> Result<Option<Directive>, Box<Error>> {
        let Rules { fix, strict } = rules;
        let fail = |kind| Err(directive_error("", "", kind));
        let quoted = |token: &mut String| {
            parse_string(token)
                .map_err(|e| directive_error("", "", ErrorKind::InvalidQuotedString(e)))
        };
        Ok(Some(match verb {
            "go" => {
                if self.go.is_some() {
                    return fail(ErrorKind::Repeated("go"));
                }
                let [version] = args else {
                    return fail(ErrorKind::ExactlyOneArgument("go"));
                };
                if !is_go_version(version) {
                    match lax_go_version(version).filter(|_| !strict) {
                        Some(salvaged) => *version = salvaged.to_owned(),
                        None => return fail(ErrorKind::InvalidGoVersion(version.clone())),
                    }
                }
                Directive::Go(version.clone())
            }
            "toolchain" => {
                if self.toolchain.is_some() {
                    return fail(ErrorKind::Repeated("toolchain"));
                }
                let [name] = args else {
                    return fail(ErrorKind::ExactlyOneArgument("toolchain"));
                };
                if !is_toolchain_name(name) {
                    return fail(ErrorKind::InvalidToolchain(name.clone()));
                }
                Directive::Toolchain(name.clone())
            }
            "module" => {
                if self.module.is_some() {
                    return fail(ErrorKind::Repeated("module"));
                }
                // Go records the statement before checking its argument.
                self.module = Some(ModuleStmt {
                    path: String::new(),
                    deprecated: deprecation(rationale),
                    syntax,
                });
                let [path] = args else {
                    return fail(ErrorKind::Usage("module module/path".to_owned()));
                };
                Directive::Module(quoted(path)?)
            }
            "godebug" => {
                let usage = || fail(ErrorKind::Usage("godebug key=value".to_owned()));
                let [setting] = args else { return usage() };
                match setting.split_once('=') {
                    Some((key, value)) if !setting.contains(['"', '`', '\'', ',']) => {
                        Directive::Godebug(key.to_owned(), value.to_owned())
                    }
                    _ => return usage(),
                }
            }
            "require" | "exclude" => {
                let [path, version] = args else {
                    return fail(ErrorKind::Usage(format!("{verb} module/path v1.2.3")));
                };
                let path = quoted(path)?;
                let version = parse_version(verb, &path, version, fix)?;
                let major = path_major(&path).map_err(|k| directive_error("", "", k))?;
                path::check_path_major(&version, major)
                    .map_err(|e| directive_error(verb, &path, version_problem(e)))?;
                let mv = ModuleVersion::new(path, version);
                if verb == "require" {
                    Directive::Require(mv)
                } else {
                    Directive::Exclude(mv)
                }
            }
            "replace" => {
                let (old, new) = replace_args(verb, args, fix)?;
                Directive::Replace(old, new)
            }
            "retract" => {
                // Versions are fixed later, once the module path is known.
                let (interval, used) = match parse_version_interval(verb, "", args, Fix::Keep) {
                    Ok(found) => found,
                    Err(err) if strict => return Err(err),
                    Err(_) => return Ok(None),
                };
                if let Some(extra) = args.get(used).filter(|_| strict) {
                    return fail(ErrorKind::TokenAfterVersion(extra.clone()));
                }
                Directive::Retract(interval)
            }
            "tool" | "ignore" => {
                let name = if verb == "tool" { "tool" } else { "ignore" };
                let [path] = args else {
                    return fail(ErrorKind::ExactlyOneArgument(name));
                };
                let path = quoted(path)?;
                if verb == "tool" {
                    Directive::Tool(path)
                } else {
                    Directive::Ignore(path)
                }
            }
            other => return fail(ErrorKind::UnknownDirective(other.to_owned())),
        }))
    }

    /// Go's `fixRetract`: with a fixer, re-reads every retraction with the
    /// module path known.
    fn fix_retract(&mut self, fix: VersionFixer<'_>, errs: &mut Vec<Error>) {
        let path = self.module_path().to_owned();
        for i in 0..self.retract.len() {
            let id = self.retract[i].syntax;
            let start = self.syntax.line(id).start;
            let at = |err: Box<Error>| Error {
                filename: self.syntax.name.clone(),
                pos: start,
                ..*err
            };
            if path.is_empty() {
                errs.push(at(directive_error("", "", ErrorKind::RetractWithoutModule)));
                return;
            }
            let mut tokens = self.syntax.line(id).tokens.clone();
            let skip = usize::from(tokens.first().is_some_and(|t| t == "retract"));
            let result =
                parse_version_interval("retract", &path, &mut tokens[skip..], Fix::With(fix));
            let interval = result.map_or_else(
                |err| {
                    errs.push(at(err));
                    VersionInterval::default()
                },
                |(interval, _)| interval,
            );
            self.syntax.line_mut(id).tokens = tokens;
            self.retract[i].interval = interval;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EditJson;

    #[test]
    fn lax_skips_what_dependencies_do_not_use() {
        let text = "module m\n\
                    go v1.21x\n\
                    toolchain bogus\n\
                    godebug \"x\"\n\
                    exclude a.com vbad\n\
                    replace a.com => b.com\n\
                    tool\n\
                    future directive here\n\
                    future (\n\tstuff\n)\n\
                    require x.com v1.2\n\
                    retract [v1.0.0\n\
                    retract v1.1.0 extra tokens\n\
                    ignore ./vendor\n";
        let f = parse_lax("go.mod", text.as_bytes()).expect("lax accepts");
        assert_eq!(f.go_version(), Some("1.21"));
        assert!(f.toolchain.is_none() && f.exclude.is_empty() && f.replace.is_empty());
        assert_eq!(f.require[0].module, ModuleVersion::new("x.com", "v1.2.0"));
        assert_eq!(f.retract.len(), 1);
        assert_eq!(f.retract[0].interval.low, "v1.1.0");
        assert_eq!(f.ignore[0].path, "./vendor");
        // The salvaged go version is written back into the syntax.
        assert!(f.format().contains("\ngo 1.21\n"));

        let strict = parse("go.mod", text.as_bytes()).expect_err("strict rejects");
        assert_eq!(strict.0.len(), 10, "{strict}");
    }

    #[test]
    fn lax_still_rejects_bad_requirements_and_go_lines() {
        let err = parse_lax("dep.mod", b"module m\ngo 1.x\nrequire a.com v1.x\n").expect_err("bad");
        assert_eq!(
            err.to_string(),
            "dep.mod:2: invalid go version '1.x': must match format 1.23.0\n\
             dep.mod:3: require a.com: version \"v1.x\" invalid: must be of the form v1.2.3"
        );
    }

    #[test]
    fn interpreting_rewrites_tokens() {
        let f = parse(
            "go.mod",
            b"module \"example.com/m\"\nrequire \"x.com\" v1.2\nreplace \"a.com\" v1 => \"../a b\"\n",
        )
        .expect("valid");
        assert_eq!(f.module_path(), "example.com/m");
        assert_eq!(
            f.format(),
            "module example.com/m\n\nrequire x.com v1.2.0\n\nreplace a.com v1.0.0 => \"../a b\"\n"
        );
    }

    #[test]
    fn block_comments_give_deprecation_and_rationale() {
        let text = "// Deprecated: use n\nmodule (\n\tm\n)\n\n// shared\nretract (\n\tv1.0.0\n\t// own\n\tv1.1.0 // tail\n)\n";
        let f = parse("go.mod", text.as_bytes()).expect("valid");
        let module = f.module.as_ref().expect("module line");
        assert_eq!(module.deprecated, "use n");
        let rationales: Vec<&str> = f.retract.iter().map(|r| r.rationale.as_str()).collect();
        assert_eq!(rationales, ["shared", "own\ntail"]);
    }

    #[test]
    fn fixer_rewrites_versions_and_retractions() {
        let fix = |path: &str, v: &str| -> Result<String, ModuleError> {
            match v {
                "latest" => Ok("v1.5.0".to_owned()),
                "bad" => Err(ModuleError::Version(gomodx_module::InvalidVersionError {
                    path: path.to_owned(),
                    version: v.to_owned(),
                    pseudo: false,
                    reason: "unknown revision bad".to_owned(),
                })),
                v => Ok(v.to_owned()),
            }
        };
        let text = "module example.com/m\nrequire x.com latest\nretract [v1.0.0, latest]\n";
        let f = parse_with("go.mod", text.as_bytes(), Mode::Strict, Some(&fix)).expect("fixed");
        assert_eq!(f.require[0].module.version, "v1.5.0");
        assert_eq!(f.retract[0].interval.high, "v1.5.0");
        assert!(f.format().contains("retract [v1.0.0, v1.5.0]"));

        let text = "module example.com/m\nrequire x.com bad\nretract bad\n";
        let err = parse_with("go.mod", text.as_bytes(), Mode::Strict, Some(&fix)).expect_err("bad");
        assert_eq!(
            err.to_string(),
            "go.mod:2: require x.com: version \"bad\" invalid: unknown revision bad\n\
             go.mod:3: retract example.com/m: version \"bad\" invalid: unknown revision bad"
        );

        let err = parse_with(
            "go.mod",
            b"retract v1.0.0\nretract v1.1.0\n",
            Mode::Strict,
            Some(&fix),
        )
        .expect_err("no module");
        assert_eq!(
            err.to_string(),
            "go.mod:1: no module directive found, so retract cannot be used"
        );
    }

    #[test]
    fn without_fixer_retractions_are_not_checked() {
        let f = parse("go.mod", b"module m\nretract notaversion\n").expect("Go accepts this");
        assert_eq!(EditJson::from(&f).retract[0].low, "notaversion");
    }
}
