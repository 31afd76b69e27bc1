//! Integration tests: the `gomodx` binary and its crates against the real
//! `go` command (found by `gomodx_test::go::go_bin`; required under CI).

mod auth;
mod cache;
mod containers;
mod deadline;
mod disk_errors;
mod doctor;
mod download;
mod freshness;
mod graph;
mod h1;
mod outdated;
mod repair;
mod resolve_random;
mod universes;
mod verify;
