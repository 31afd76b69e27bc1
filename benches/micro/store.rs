//! Store lookups: [`Store::get_ref`] for present and absent module versions
//! in a store holding the `.mod` and `.zip` refs of 2,000 module versions.

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use gomodx_module::ModuleVersion;
use gomodx_store::{ArtifactKind, Ref, Store};

/// Module versions in the store.
const ENTRIES: usize = 2_000;

fn module(index: usize) -> ModuleVersion {
    ModuleVersion::new(
        format!("example.com/Org{}/mod{index}", index % 13),
        format!("v1.{}.{}", index % 7, index % 5),
    )
}

/// A store filled with [`ENTRIES`] module versions; removed on drop.
fn filled_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::Builder::new()
        .prefix("gomodx-bench-store-")
        .tempdir()
        .expect("creating a temp dir");
    let store = Store::open(dir.path().join("store")).expect("opening the store");
    for index in 0..ENTRIES {
        let m = module(index);
        let go_mod = format!("module {}\n\ngo 1.22\n", m.path);
        let blob = store
            .put_bytes(go_mod.as_bytes())
            .expect("storing a go.mod");
        let h1 = gomodx_modzip::h1::hash_go_mod(go_mod.as_bytes());
        let reference = Ref::new(&blob, "http://proxy.example").with_h1(h1);
        store
            .put_ref(&m, ArtifactKind::Mod, &reference)
            .expect("writing a ref");
        // A zip-sized ref is not needed: lookups never read the blob's bytes.
        store
            .put_ref(&m, ArtifactKind::Zip, &reference)
            .expect("writing a ref");
    }
    (dir, store)
}

/// The `store` group.
pub fn bench(c: &mut Criterion) {
    let (_dir, store) = filled_store();
    let present: Vec<ModuleVersion> = (0..ENTRIES).step_by(7).map(module).collect();
    let absent: Vec<ModuleVersion> = (ENTRIES..ENTRIES + 300).map(module).collect();
    let mut group = c.benchmark_group("store");
    group.throughput(Throughput::Elements(present.len() as u64));
    group.bench_function(format!("get_ref_hit/{}_of_{ENTRIES}", present.len()), |b| {
        b.iter(|| {
            for m in &present {
                let found = store.get_ref(black_box(m), ArtifactKind::Zip);
                assert!(matches!(found, Ok(Some(_))));
            }
        });
    });
    group.throughput(Throughput::Elements(absent.len() as u64));
    group.bench_function(format!("get_ref_miss/{}", absent.len()), |b| {
        b.iter(|| {
            for m in &absent {
                let found = store.get_ref(black_box(m), ArtifactKind::Zip);
                assert!(matches!(found, Ok(None)));
            }
        });
    });
    group.finish();
}
