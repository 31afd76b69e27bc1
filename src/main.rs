//! `gomodx`: a fast companion to `go mod` — module resolution, fetching and
//! module-cache freshness, with Go's behaviour as the contract.
//!
//! This crate is the command line only: argument parsing ([`cli`]),
//! settings resolved once from flags and Go's environment ([`settings`]),
//! terminal output ([`printer`]) and one module per command ([`commands`]).

mod cli;
mod commands;
mod goargs;
mod printer;
mod reporters;
mod settings;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::Cli;
use crate::printer::Printer;

/// How gomodx exits; documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: the command did what was asked.
    Success,
    /// 1: the operation failed (verification, network, missing input, bad
    /// configuration), as go exits 1.
    Failure,
    /// 2: bad arguments — the argument parser's, or a command given
    /// nothing to do (`cache clean` without modules or `--all`).
    Usage,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => Self::SUCCESS,
            ExitStatus::Failure => Self::from(1),
            ExitStatus::Usage => Self::from(2),
        }
    }
}

fn main() -> ExitCode {
    let mut command = Cli::command();
    let args = goargs::normalize(&mut command, std::env::args_os());
    let mut matches = command.get_matches_from(args);
    let cli = Cli::from_arg_matches_mut(&mut matches)
        .unwrap_or_else(|err| err.format(&mut Cli::command()).exit());
    let printer = Printer::new(&cli.global);
    match commands::run(cli, &printer) {
        Ok(status) => status.into(),
        Err(err) => {
            printer.report_error(&err);
            ExitStatus::Failure.into()
        }
    }
}
