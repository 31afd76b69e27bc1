//! Integration tests: the `gomodx` binary and its crates against the real
//! `go` command (found by `gomodx_test::go::go_bin`; required under CI).

mod cache;
mod containers;
mod doctor;
mod download;
mod first_day;
mod flags;
mod freshness;
mod graph;
mod h1;
mod list_template;
mod outdated;
mod resolve_random;
mod universes;
mod verify;
