//! go.mod and go.sum: parse (strict and lax), format, edit.
