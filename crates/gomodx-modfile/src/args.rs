//! Directive arguments: Go's `parseString`, `parseVersion`,
//! `parseVersionInterval` and `parseReplace`, which read (and, like Go,
//! rewrite in place) the tokens of one line.

use gomodx_module::{ModuleError, ModuleVersion, canonical_version, path};

use crate::error::{Error, ErrorKind, QuoteError};
use crate::model::VersionInterval;
use crate::quote::{auto_quote, unquote};
use crate::rule::VersionFixer;
use crate::syntax::Position;

/// How versions are fixed while interpreting a directive.
#[derive(Clone, Copy)]
pub(crate) enum Fix<'a> {
    /// No fixer: versions must canonicalise (Go's `fix == nil`).
    Canonical,
    /// Keep versions as written (Go's `dontFixRetract`).
    Keep,
    /// A caller-supplied fixer.
    With(VersionFixer<'a>),
}

/// An error about a directive, before the file position is attached.
pub(crate) fn directive_error(verb: &str, mod_path: &str, kind: ErrorKind) -> Box<Error> {
    Box::new(Error::new("", Position::default(), kind).with_directive(verb, mod_path))
}

/// The error kind for a version problem reported by the module crate.
pub(crate) fn version_problem(err: ModuleError) -> ErrorKind {
    match err {
        ModuleError::Version(e) => ErrorKind::InvalidVersion {
            version: e.version,
            pseudo: e.pseudo,
            reason: e.reason,
        },
        other => ErrorKind::Fixer(other.to_string()),
    }
}

/// Go's `parseString`: unquotes a quoted token, rejects stray quotes, and
/// rewrites the token to its [`auto_quote`]d form.
pub(crate) fn parse_string(token: &mut String) -> Result<String, QuoteError> {
    let value = if token.starts_with('"') {
        unquote(token).ok_or(QuoteError::Syntax)?
    } else if token.contains(['"', '\'', '`']) {
        return Err(QuoteError::QuoteInUnquoted);
    } else {
        token.clone()
    };
    *token = auto_quote(&value);
    Ok(value)
}

/// Go's `parseVersion`: reads and fixes a version token, rewriting it.
pub(crate) fn parse_version(
    verb: &str,
    path: &str,
    token: &mut String,
    fix: Fix<'_>,
) -> Result<String, Box<Error>> {
    let invalid = |version: &str, reason: String| ErrorKind::InvalidVersion {
        version: version.to_owned(),
        pseudo: false,
        reason,
    };
    let value = parse_string(token)
        .map_err(|e| directive_error(verb, path, invalid(token, e.to_string())))?;
    let fixed = match fix {
        Fix::Keep => value,
        Fix::With(fixer) => fixer(path, &value).map_err(|err| match err {
            ModuleError::Version(_) => directive_error(verb, path, version_problem(err)),
            other => directive_error("", "", ErrorKind::Fixer(other.to_string())),
        })?,
        Fix::Canonical => match canonical_version(&value) {
            cv if cv.is_empty() => {
                return Err(directive_error(
                    verb,
                    path,
                    invalid(&value, "must be of the form v1.2.3".to_owned()),
                ));
            }
            cv => cv,
        },
    };
    fixed.clone_into(token);
    Ok(fixed)
}

/// Go's `modulePathMajor`.
pub(crate) fn path_major(path: &str) -> Result<&str, ErrorKind> {
    match path::split_path_version(path) {
        (_, major, true) => Ok(major),
        _ => Err(ErrorKind::InvalidModulePath),
    }
}

/// Go's `IsDirectoryPath`: `.`/`..`-relative or rooted, in Unix or Windows syntax.
pub fn is_directory_path(ns: &str) -> bool {
    let b = ns.as_bytes();
    ns == "."
        || ns == ".."
        || ["./", ".\\", "../", "..\\", "/", "\\"]
            .iter()
            .any(|p| ns.starts_with(p))
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

/// Go's `parseVersionInterval`: a version or `[low, high]` at the start of
/// `args`; returns the interval and how many tokens it used.
pub(crate) fn parse_version_interval(
    verb: &str,
    path: &str,
    args: &mut [String],
    fix: Fix<'_>,
) -> Result<(VersionInterval, usize), Box<Error>> {
    let syntax = |msg| directive_error("", "", ErrorKind::RetractSyntax(msg));
    match args.first().map(String::as_str) {
        None | Some("(") => return Err(syntax("expected '[' or version")),
        Some("[") => {}
        Some(_) => {
            let v = parse_version(verb, path, &mut args[0], fix)?;
            return Ok((
                VersionInterval {
                    low: v.clone(),
                    high: v,
                },
                1,
            ));
        }
    }
    let version_at = |args: &mut [String], i: usize, missing| match args.get_mut(i) {
        None => Err(syntax(missing)),
        Some(token) => parse_version(verb, path, token, fix),
    };
    let low = version_at(args, 1, "expected version after '['")?;
    if args.get(2).is_none_or(|t| t != ",") {
        return Err(syntax("expected ',' after version"));
    }
    let high = version_at(args, 3, "expected version after ','")?;
    if args.get(4).is_none_or(|t| t != "]") {
        return Err(syntax("expected ']' after version"));
    }
    Ok((VersionInterval { low, high }, 5))
}

/// The `usage:` text Go prints for a malformed `replace`.
fn replace_usage(verb: &str) -> ErrorKind {
    ErrorKind::Usage(format!(
        "{verb} module/path [v1.2.3] => other/module v1.4\n\t or {verb} module/path [v1.2.3] => ../local/directory"
    ))
}

/// Go's `parseReplace`.
pub(crate) fn replace_args(
    verb: &str,
    args: &mut [String],
    fix: Fix<'_>,
) -> Result<(ModuleVersion, ModuleVersion), Box<Error>> {
    let plain = |kind| directive_error("", "", kind);
    let arrow = if args.len() >= 2 && args[1] == "=>" {
        1
    } else {
        2
    };
    if args.len() < arrow + 2 || args.len() > arrow + 3 || args[arrow] != "=>" {
        return Err(plain(replace_usage(verb)));
    }
    let old_path =
        parse_string(&mut args[0]).map_err(|e| plain(ErrorKind::InvalidQuotedString(e)))?;
    let major = path_major(&old_path).map_err(|k| directive_error(verb, &old_path, k))?;
    let mut old_version = String::new();
    if arrow == 2 {
        old_version = parse_version(verb, &old_path, &mut args[1], fix)?;
        path::check_path_major(&old_version, major)
            .map_err(|e| directive_error(verb, &old_path, version_problem(e)))?;
    }
    let new_path =
        parse_string(&mut args[arrow + 1]).map_err(|e| plain(ErrorKind::InvalidQuotedString(e)))?;
    let mut new_version = String::new();
    if args.len() == arrow + 2 {
        if !is_directory_path(&new_path) {
            return Err(plain(if new_path.contains('@') {
                ErrorKind::ReplacementAtVersion
            } else {
                ErrorKind::ReplacementNotDirectory
            }));
        }
        if std::path::MAIN_SEPARATOR == '/' && new_path.contains('\\') {
            return Err(plain(ErrorKind::ReplacementWindowsPath));
        }
    } else {
        new_version = parse_version(verb, &new_path, &mut args[arrow + 2], fix)?;
        if is_directory_path(&new_path) {
            return Err(plain(ErrorKind::ReplacementDirectoryVersion(new_path)));
        }
    }
    Ok((
        ModuleVersion::new(old_path, old_version),
        ModuleVersion::new(new_path, new_version),
    ))
}
