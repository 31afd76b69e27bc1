//! Integration tests: the `gomodx` binary and its crates against the real
//! `go` command (found by `gomodx_test::go::go_bin`; required under CI).

mod download;
mod h1;
mod verify;
