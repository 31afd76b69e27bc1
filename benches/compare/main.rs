//! The go-vs-gomodx comparison harness (being written).

fn main() {}
