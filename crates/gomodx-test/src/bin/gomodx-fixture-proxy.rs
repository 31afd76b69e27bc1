//! Writes Go's test-proxy modules (`fixtures/go-testdata-mod`) as a GOPROXY
//! directory tree and prints its `file://` URL, for `scripts/demo` and for
//! trying gomodx by hand: `GOPROXY=$(gomodx-fixture-proxy DIR)`.

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool"
)]

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dest) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: gomodx-fixture-proxy DIR");
        return ExitCode::from(2);
    };
    match gomodx_test::testdata::go_testdata_tree(&dest) {
        Ok(tree) => {
            println!("{}", tree.file_url());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
