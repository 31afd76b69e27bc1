//! Criterion micro-benchmarks of gomodx's hot paths:
//!
//! - `h1`: the `h1:` hash of a large module zip (and of its extracted tree)
//!   next to a plain SHA-256 of the same zip file, in MB/s;
//! - `gomod`: parsing a realistic 200-line go.mod, strictly and laxly;
//! - `resolve`: MVS over a synthetic 10,000-module graph held in memory, and
//!   cmd/go's module-graph load of the same graph from go.mod text;
//! - `store`: ref lookups in a store of 2,000 module versions.
//!
//! Run with `cargo bench --bench micro`; set `GOMODX_BENCH_QUICK=1` for a
//! smaller zip and shorter measurements.

mod gomod;
mod hashing;
mod resolve;
mod rng;
mod store;

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

/// Whether `GOMODX_BENCH_QUICK` asks for a quick run.
fn quick() -> bool {
    std::env::var_os("GOMODX_BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Criterion settings: shorter measurements in quick mode.
fn config() -> Criterion {
    let criterion = Criterion::default().configure_from_args();
    if quick() {
        criterion
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1))
    } else {
        criterion
    }
}

criterion_group! {
    name = benches;
    config = config();
    targets = hashing::bench, gomod::bench, resolve::bench, store::bench
}
criterion_main!(benches);
