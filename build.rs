//! Links the `gomodx` executable as a position-dependent executable on
//! Linux with glibc, as the go command itself is built on linux/amd64.
//!
//! A position-independent executable relocates ~37,000 pointers (vtables,
//! static tables) at every start, dirtying ~160 pages before `main`: about
//! a third of the 2 ms a `gomodx --version` takes. The executable's own
//! address is then fixed; the stack, heap and shared libraries are still
//! randomised. Only the binary is linked this way (proc-macros and test
//! harnesses are untouched).

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
}
