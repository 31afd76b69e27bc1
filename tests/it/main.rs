//! Integration tests: the `gomodx` binary and its crates against the real
//! `go` command (found by `gomodx_test::go::go_bin`; required under CI).

mod adopt;
mod auth;
mod cache;
mod concurrency;
mod containers;
mod crash;
mod deadline;
mod direct;
mod disk_errors;
mod doctor;
mod download;
mod first_day;
mod flags;
mod freshness;
mod go_scripts;
mod goimports;
mod gosum;
mod graph;
mod h1;
mod list_template;
mod locked;
mod outdated;
mod proxies;
mod remote;
mod repair;
mod resolve_random;
mod serve;
mod sumdb;
mod universes;
mod verify;
mod workspace;
