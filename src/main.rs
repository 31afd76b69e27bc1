//! The `gomodx` command.
fn main() {}
