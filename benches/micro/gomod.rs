//! go.mod parsing: a realistic 200-line go.mod (a large service's main
//! module: direct and `// indirect` require blocks, pseudo-versions,
//! `+incompatible`, replace, exclude, retract, godebug, tool, comments),
//! parsed strictly (main module) and laxly (dependency).

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput};

use crate::rng::Rng;

const HOSTS: &[&str] = &[
    "github.com/acme",
    "github.com/cloudy",
    "golang.org/x",
    "google.golang.org",
    "go.opentelemetry.io",
    "gopkg.in",
    "k8s.example.io",
    "sigs.example.io",
];
const WORDS: &[&str] = &[
    "api", "client", "net", "sys", "text", "grpc", "protobuf", "yaml", "json", "log", "metrics",
    "trace", "otel", "cache", "cli", "errors", "sync", "time", "crypto", "oauth2", "term", "tools",
    "mod", "exp", "cmp", "uuid", "color", "pflag", "cobra", "viper",
];

/// A required module: its path and the major version its path implies
/// (`None` for paths without a `/vN` or `.vN` suffix; gopkg.in paths always
/// have one, `.v1` included).
struct Dep {
    path: String,
    major: Option<usize>,
}

impl Dep {
    /// A module path on a random host; `index` keeps paths unique.
    fn random(rng: &mut Rng, index: usize) -> Self {
        let host = HOSTS[rng.below(HOSTS.len())];
        let word = WORDS[rng.below(WORDS.len())];
        let major = rng.below(3) + 1;
        if host == "gopkg.in" {
            let path = format!("gopkg.in/{word}{index}.v{major}");
            return Self {
                path,
                major: Some(major),
            };
        }
        match rng.below(5) {
            0 => Self {
                path: format!("{host}/{word}{index}/v{}", major + 1),
                major: Some(major + 1),
            },
            _ => Self {
                path: format!("{host}/{word}{index}"),
                major: None,
            },
        }
    }

    /// A random version valid for this path: releases, pre-releases,
    /// pseudo-versions and, without a suffix, `+incompatible`.
    fn version(&self, rng: &mut Rng) -> String {
        let major = self.major.unwrap_or(rng.below(2));
        match rng.below(10) {
            0 => format!(
                "v{major}.0.0-2024{:02}{:02}123456-{:012x}",
                rng.below(12) + 1,
                rng.below(28) + 1,
                rng.next_u64() & 0xffff_ffff_ffff
            ),
            1 if self.major.is_none() => {
                format!("v{}.{}.0+incompatible", rng.below(5) + 2, rng.below(20))
            }
            2 => format!(
                "v{major}.{}.{}-rc.{}",
                rng.below(30),
                rng.below(9),
                rng.below(4) + 1
            ),
            _ => format!("v{major}.{}.{}", rng.below(40), rng.below(12)),
        }
    }
}

/// A deterministic go.mod of about `lines` lines.
pub fn realistic_go_mod(lines: usize) -> String {
    let mut rng = Rng::new(0x0067_6f6d_6f64);
    let mut out = String::from(
        "// The main module of a large service.\nmodule k8s.example.io/platform\n\n\
         go 1.24.0\n\ntoolchain go1.24.3\n\ngodebug default=go1.21\n\n\
         tool golang.org/x/tools/cmd/stringer\n",
    );
    let budget = lines.saturating_sub(40);
    let direct = budget * 2 / 5;
    let deps: Vec<Dep> = (0..budget)
        .map(|index| Dep::random(&mut rng, index))
        .collect();
    let line = |out: &mut String, text: String| {
        writeln!(out, "{text}").expect("writing to a String cannot fail");
    };
    out.push_str("\nrequire (\n");
    for dep in &deps[..direct] {
        line(
            &mut out,
            format!("\t{} {}", dep.path, dep.version(&mut rng)),
        );
    }
    out.push_str(")\n\nrequire (\n");
    for dep in &deps[direct..] {
        line(
            &mut out,
            format!("\t{} {} // indirect", dep.path, dep.version(&mut rng)),
        );
    }
    out.push_str(")\n\n// Pinned forks and local checkouts.\nreplace (\n");
    for index in 0..12 {
        let dep = &deps[index * 7 % deps.len()];
        let fork = format!("github.com/forks/fork{index} v1.{index}.0");
        line(
            &mut out,
            match index % 3 {
                0 => format!("\t{} => ../staging/src/{}", dep.path, dep.path),
                1 => format!("\t{} => {fork}", dep.path),
                _ => format!("\t{} {} => {fork}", dep.path, dep.version(&mut rng)),
            },
        );
    }
    out.push_str(")\n\nexclude (\n");
    for index in 0..6 {
        let dep = &deps[index * 11 % deps.len()];
        line(
            &mut out,
            format!("\t{} {}", dep.path, dep.version(&mut rng)),
        );
    }
    out.push_str(
        ")\n\nretract (\n\t// Published with a broken API.\n\tv1.8.0\n\t[v1.2.0, v1.2.5] // Data race.\n)\n",
    );
    out
}

/// The `gomod` group.
pub fn bench(c: &mut Criterion) {
    let text = realistic_go_mod(200);
    let lines = text.lines().count();
    gomodx_modfile::parse("go.mod", text.as_bytes()).expect("the benchmark go.mod is valid");
    let mut group = c.benchmark_group("gomod");
    group.throughput(Throughput::BytesDecimal(text.len() as u64));
    group.bench_function(format!("parse_strict/{lines}_lines"), |b| {
        b.iter(|| gomodx_modfile::parse("go.mod", black_box(text.as_bytes())));
    });
    group.bench_function(format!("parse_lax/{lines}_lines"), |b| {
        b.iter(|| gomodx_modfile::parse_lax("go.mod", black_box(text.as_bytes())));
    });
    group.finish();
}
