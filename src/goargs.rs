//! Go's flag spellings, rewritten into clap's before parsing.
//!
//! Go's `flag` package accepts `-flag`, `--flag`, `-flag=value`,
//! `-flag value` and, for booleans, `-flag=true|false`. clap reads a single
//! dash as a cluster of short flags (`-json` as `-j son`). [`normalize`]
//! walks the arguments alongside clap's own description of the command
//! line, so every long flag of the chosen subcommand (and the global ones)
//! is known without a list kept here: `-json` becomes `--json`,
//! `-reuse=f` `--reuse=f`, and a boolean's `=true` is dropped (`=false`
//! drops the flag). What is not a long flag (`-j4`, `-vv`, `-m`) is left to
//! clap's short-flag parsing.

use std::ffi::OsString;

use clap::{Arg, ArgAction, Command};

/// `args` (program name first) in clap's spelling for `command`, which is
/// built here (global arguments propagated into the subcommands) and can
/// then parse the result.
pub fn normalize(command: &mut Command, args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    command.build();
    let mut args = args.into_iter();
    let mut out: Vec<OsString> = args.next().into_iter().collect();
    let mut current = &*command;
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str() else {
            out.push(arg);
            continue;
        };
        if text == "--" {
            out.push(arg);
            out.extend(args);
            break;
        }
        if !text.starts_with('-') || text == "-" {
            if let Some(sub) = current.find_subcommand(text) {
                current = sub;
            }
            out.push(arg);
            continue;
        }
        let (rewritten, takes_next) = flag(current, text);
        out.extend(rewritten.map(OsString::from));
        if takes_next && let Some(value) = args.next() {
            out.push(value);
        }
    }
    out
}

/// The clap spelling of one flag word (or none, for `-bool=false`), and
/// whether the next word is its value.
fn flag(command: &Command, text: &str) -> (Option<String>, bool) {
    let body = text.strip_prefix("--").unwrap_or(&text[1..]);
    let (name, value) = match body.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (body, None),
    };
    let long = command
        .get_arguments()
        .find(|arg| arg.get_long() == Some(name));
    let short = || {
        let mut chars = name.chars();
        let c = chars.next()?;
        chars.next().is_none().then_some(())?;
        command
            .get_arguments()
            .find(|arg| arg.get_short() == Some(c))
    };
    let (arg, spelling) = match (long, text.starts_with("--")) {
        (Some(arg), _) => (arg, format!("--{name}")),
        // `--x` for a short-only flag, as go allows `--x`.
        (None, true) => match short() {
            Some(arg) => (arg, format!("-{name}")),
            None => return (Some(text.to_owned()), false),
        },
        (None, false) => match short() {
            Some(arg) => (arg, format!("-{name}")),
            // A cluster (`-vv`, `-j4`) or an unknown word: clap's to judge.
            None => return (Some(text.to_owned()), false),
        },
    };
    if is_switch(arg) {
        return match value {
            None | Some("true" | "1" | "t" | "T" | "TRUE" | "True") => (Some(spelling), false),
            Some("false" | "0" | "f" | "F" | "FALSE" | "False") => (None, false),
            // Let clap reject the value with its own message.
            Some(value) => (Some(format!("{spelling}={value}")), false),
        };
    }
    match value {
        Some(value) => (Some(format!("{spelling}={value}")), false),
        None => {
            let optional = arg.get_num_args().is_some_and(|n| n.min_values() == 0);
            let takes_next = arg.get_action().takes_values() && !optional;
            (Some(spelling), takes_next)
        }
    }
}

/// Whether `arg` is a boolean switch (go's bool flag).
fn is_switch(arg: &Arg) -> bool {
    matches!(arg.get_action(), ArgAction::SetTrue | ArgAction::SetFalse)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    fn norm(args: &[&str]) -> Vec<String> {
        let args = std::iter::once("gomodx")
            .chain(args.iter().copied())
            .map(OsString::from);
        normalize(&mut Cli::command(), args)
            .into_iter()
            .skip(1)
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn go_spellings_become_clap_spellings() {
        assert_eq!(norm(&["download", "-json"]), ["download", "--json"]);
        assert_eq!(norm(&["download", "--json=true"]), ["download", "--json"]);
        assert_eq!(norm(&["download", "-json=false", "m"]), ["download", "m"]);
        assert_eq!(
            norm(&["list", "-m", "-f", "{{.Path}}", "all"]),
            ["list", "-m", "-f", "{{.Path}}", "all"]
        );
        assert_eq!(
            norm(&["list", "-mod", "mod", "-m=true"]),
            ["list", "--mod", "mod", "-m"]
        );
        assert_eq!(norm(&["graph", "-go=1.17"]), ["graph", "--go=1.17"]);
        assert_eq!(norm(&["graph", "-go", "1.17"]), ["graph", "--go", "1.17"]);
    }

    #[test]
    fn globals_and_shorts_still_work() {
        assert_eq!(norm(&["-j4", "download"]), ["-j4", "download"]);
        assert_eq!(norm(&["download", "-j", "4"]), ["download", "-j", "4"]);
        assert_eq!(
            norm(&["-C", "dir", "download", "-offline"]),
            ["-C", "dir", "download", "--offline"]
        );
        assert_eq!(norm(&["-vv", "list"]), ["-vv", "list"]);
        assert_eq!(
            norm(&["download", "--", "-json"]),
            ["download", "--", "-json"]
        );
    }
}
