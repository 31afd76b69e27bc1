//! Integration tests: the `gomodx` binary against the real `go` command.
