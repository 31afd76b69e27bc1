//! Test kit for gomodx (dev-dependency only): Go's txtar test modules as a
//! GOPROXY tree, seeded random module universes, a loopback GOPROXY with
//! fault injection, and the real `go` command as an oracle.

pub mod go;
