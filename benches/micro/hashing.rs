//! `h1:` hashing throughput: a large module zip hashed by
//! [`gomodx_modzip::h1::hash_zip`], its extracted tree by
//! [`gomodx_modzip::h1::hash_dir`], and plain SHA-256 of the same zip file
//! (what `sha256sum` does) as the yardstick. Throughput is the zip file's
//! size per second for all three.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput};
use gomodx_module::ModuleVersion;
use sha2::{Digest, Sha256};

use crate::rng::Rng;

/// Incompressible bytes in the zip (binary test data, vendored blobs).
const RANDOM_BYTES: u64 = 96_000_000;
/// Uncompressed Go-like source text in the zip.
const TEXT_BYTES: u64 = 20_000_000;
/// Size of each random file.
const RANDOM_FILE: u64 = 4 << 20;
/// Size of each source file.
const TEXT_FILE: u64 = 64 << 10;
/// Quick mode divides the sizes by this.
const QUICK_DIVISOR: u64 = 6;

/// A generated module zip and its extracted tree, removed on drop.
struct BigZip {
    _dir: tempfile::TempDir,
    zip: PathBuf,
    extracted: PathBuf,
    module: ModuleVersion,
    len: u64,
}

/// Writes the staged module files, zips them the way the go command does,
/// then extracts the zip.
fn big_zip(quick: bool) -> BigZip {
    let divisor = if quick { QUICK_DIVISOR } else { 1 };
    let dir = tempfile::Builder::new()
        .prefix("gomodx-bench-h1-")
        .tempdir()
        .expect("creating a temp dir");
    let stage = dir.path().join("stage");
    let module = ModuleVersion::new("example.com/bench/big", "v1.0.0");
    stage_files(
        &stage,
        &module.path,
        RANDOM_BYTES / divisor,
        TEXT_BYTES / divisor,
    )
    .expect("staging the module files");
    let zip = dir.path().join("big.zip");
    let mut out = BufWriter::new(File::create(&zip).expect("creating the zip"));
    gomodx_modzip::create_zip_from_dir(&mut out, &module, &stage).expect("zipping the module");
    out.flush().expect("flushing the zip");
    drop(out);
    std::fs::remove_dir_all(&stage).expect("removing the staged files");
    let extracted = dir.path().join("extracted");
    gomodx_modzip::unzip(&zip, &module, &extracted).expect("extracting the zip");
    let len = std::fs::metadata(&zip).expect("stat of the zip").len();
    BigZip {
        _dir: dir,
        zip,
        extracted,
        module,
        len,
    }
}

/// go.mod, LICENSE, random blobs under `testdata/` and Go sources under `pkg/`.
fn stage_files(stage: &Path, module: &str, random: u64, text: u64) -> std::io::Result<()> {
    let mut rng = Rng::new(0x6f6d_6f64_7862);
    std::fs::create_dir_all(stage.join("testdata"))?;
    std::fs::create_dir_all(stage.join("pkg"))?;
    std::fs::write(
        stage.join("go.mod"),
        format!("module {module}\n\ngo 1.22\n"),
    )?;
    std::fs::write(stage.join("LICENSE"), "Benchmark data.\n")?;
    let mut buf = Vec::new();
    for (index, offset) in (0..random).step_by(RANDOM_FILE as usize).enumerate() {
        let len = (random - offset).min(RANDOM_FILE);
        buf.resize(usize::try_from(len).expect("a file fits in memory"), 0);
        rng.fill(&mut buf);
        std::fs::write(stage.join(format!("testdata/blob{index:03}.bin")), &buf)?;
    }
    for (index, _) in (0..text).step_by(TEXT_FILE as usize).enumerate() {
        std::fs::write(
            stage.join(format!("pkg/file{index:04}.go")),
            go_source(&mut rng, index),
        )?;
    }
    Ok(())
}

/// About [`TEXT_FILE`] bytes of plausible Go source.
fn go_source(rng: &mut Rng, index: usize) -> String {
    let mut out = String::from("// Package pkg is generated benchmark input.\npackage pkg\n\n");
    let mut func = 0;
    while (out.len() as u64) < TEXT_FILE {
        let (a, b) = (rng.below(1000), rng.below(97) + 1);
        out.push_str(&format!(
            "// F{index}x{func} scales its argument by {b} and adds {a}.\n\
             func F{index}x{func}(x int) int {{\n\tif x < 0 {{\n\t\treturn -x*{b} + {a}\n\t}}\n\
             \treturn x*{b} + {a}\n}}\n\n"
        ));
        func += 1;
    }
    out
}

/// SHA-256 of a file read in 64 KiB blocks, as `sha256sum` does.
fn sha256_file(path: &Path) -> [u8; 32] {
    let mut file = File::open(path).expect("opening the zip");
    let mut hasher = Sha256::new();
    let mut buf = vec![0; 64 << 10];
    loop {
        let n = file.read(&mut buf).expect("reading the zip");
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    hasher.finalize().into()
}

/// The `h1` group.
pub fn bench(c: &mut Criterion) {
    let zip = big_zip(crate::quick());
    let prefix = format!("{}@{}", zip.module.path, zip.module.version);
    let mut group = c.benchmark_group("h1");
    group.throughput(Throughput::BytesDecimal(zip.len));
    group.sample_size(10);
    group.bench_function(format!("sha256_file/{}MB", zip.len / 1_000_000), |b| {
        b.iter(|| sha256_file(&zip.zip));
    });
    group.bench_function(format!("hash_zip/{}MB", zip.len / 1_000_000), |b| {
        b.iter(|| gomodx_modzip::h1::hash_zip(&zip.zip).expect("hashing the zip"));
    });
    group.bench_function(format!("hash_dir/{}MB", zip.len / 1_000_000), |b| {
        b.iter(|| gomodx_modzip::h1::hash_dir(&zip.extracted, &prefix).expect("hashing the tree"));
    });
    group.finish();
}
