//! Terminal output policy: data on stdout, everything else on stderr, cargo-style
//! coloured status lines, quiet/verbose levels, `NO_COLOR` respected.

use std::io::{IsTerminal, Write};

use anstream::AutoStream;
use anstyle::{AnsiColor, Style};

use crate::cli::{ColorChoice, GlobalArgs};

const STATUS: Style = AnsiColor::Green.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const ERROR: Style = AnsiColor::Red.on_default().bold();
const HINT: Style = AnsiColor::Cyan.on_default().bold();

/// Decides what is printed and how.
#[derive(Debug, Clone)]
pub struct Printer {
    quiet: bool,
    verbose: bool,
    no_progress: bool,
    color: anstream::ColorChoice,
}

impl Printer {
    /// A printer for the given global flags.
    pub fn new(args: &GlobalArgs) -> Self {
        let color = match args.color {
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        };
        Self {
            quiet: args.quiet,
            verbose: args.verbose,
            no_progress: args.no_progress,
            color,
        }
    }

    fn stderr(&self) -> AutoStream<std::io::Stderr> {
        AutoStream::new(std::io::stderr(), self.color)
    }

    /// A cargo-style status line on stderr: `    Verified 12 modules`.
    pub fn status(&self, verb: &str, message: impl std::fmt::Display) {
        if !self.quiet {
            let _ = writeln!(self.stderr(), "{STATUS}{verb:>12}{STATUS:#} {message}");
        }
    }

    /// A closing status line: green when everything succeeded, red when
    /// something failed (printed after the errors).
    pub fn outcome(&self, ok: bool, verb: &str, message: impl std::fmt::Display) {
        if ok {
            self.status(verb, message);
        } else if !self.quiet {
            let _ = writeln!(self.stderr(), "{ERROR}{verb:>12}{ERROR:#} {message}");
        }
    }

    /// A cargo-style status line shown only with `-v`.
    pub fn verbose_status(&self, verb: &str, message: impl std::fmt::Display) {
        if self.verbose {
            self.status(verb, message);
        }
    }

    /// A line on stderr as it is, whatever the verbosity (requested traces).
    pub fn raw(&self, line: impl std::fmt::Display) {
        let _ = writeln!(self.stderr(), "{line}");
    }

    /// A log line on stderr unless `-q` (`serve`'s request logs).
    pub fn log(&self, line: impl std::fmt::Display) {
        if !self.quiet {
            let _ = writeln!(self.stderr(), "{line}");
        }
    }

    /// A detail line shown only with `-v`.
    pub fn verbose(&self, message: impl std::fmt::Display) {
        if self.verbose && !self.quiet {
            let _ = writeln!(self.stderr(), "{message}");
        }
    }

    /// A warning on stderr (shown even with `-q`).
    pub fn warn(&self, message: impl std::fmt::Display) {
        let _ = writeln!(self.stderr(), "{WARNING}warning{WARNING:#}: {message}");
    }

    /// An error line on stderr.
    pub fn error(&self, message: impl std::fmt::Display) {
        let _ = writeln!(self.stderr(), "{ERROR}error{ERROR:#}: {message}");
    }

    /// A fatal error with its cause chain and any hints attached to it.
    pub fn report_error(&self, err: &anyhow::Error) {
        self.error(err);
        let mut stderr = self.stderr();
        for cause in err.chain().skip(1) {
            let _ = writeln!(stderr, "  {ERROR}Caused by{ERROR:#}: {cause}");
        }
        for hint in err
            .chain()
            .filter_map(|cause| cause.downcast_ref::<Hinted>())
        {
            let _ = writeln!(stderr, "\n{HINT}hint{HINT:#}: {}", hint.hint);
        }
    }

    /// A line of data on stdout (never suppressed).
    pub fn data(&self, line: impl std::fmt::Display) {
        let _ = writeln!(AutoStream::new(std::io::stdout(), self.color), "{line}");
    }

    /// Text on stdout as it is (lines ending in newlines), in one write:
    /// what mirrors go's output, byte for byte (no styling to strip).
    pub fn data_block(&self, text: &str) {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        // Before any error that follows on stderr, as go flushes.
        let _ = stdout.flush();
    }

    /// Whether progress bars may be drawn: stderr is a terminal, and
    /// neither quiet, verbose nor `--no-progress` (GOMODX_NO_PROGRESS).
    pub fn shows_progress(&self) -> bool {
        !self.quiet && !self.verbose && !self.no_progress && std::io::stderr().is_terminal()
    }
}

/// An error message with a hint telling the user what to do about it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Hinted {
    /// What went wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}
