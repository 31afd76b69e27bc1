//! The Go oracle shared by the differential test crates: Go's own
//! `golang.org/x/mod/zip` and `sumdb/dirhash`, built offline from the copy
//! vendored in GOROOT (`oracle.go` here), plus helpers to feed it and to
//! compare its verdicts with ours.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

#[path = "../../src/test_support.rs"]
pub mod test_support;

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use gomodx_modzip::ZipError;
use test_support::go_command;

/// The packages of x/mod the oracle needs, as vendored in GOROOT.
const XMOD_PACKAGES: [&str; 6] = [
    "internal/lazyregexp",
    "modfile",
    "module",
    "semver",
    "sumdb/dirhash",
    "zip",
];

pub struct Oracle {
    bin: PathBuf,
}

/// The oracle binary, or `None` without a go. It is built at most once per
/// go installation and oracle source: under CARGO_TARGET_TMPDIR, named by a
/// fingerprint of both, and moved into place atomically, so concurrent test
/// processes (nextest) neither race nor rebuild. Go's build cache there is
/// safe to share.
pub fn oracle() -> Option<&'static Oracle> {
    static ORACLE: OnceLock<Option<Oracle>> = OnceLock::new();
    ORACLE
        .get_or_init(|| gomodx_test::go::go_bin().map(|go| build_oracle(&go)))
        .as_ref()
}

fn build_oracle(go: &Path) -> Oracle {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("modzip-xmod-oracle");
    fs::create_dir_all(&root).unwrap();
    let go_run = |args: &[&str], dir: &Path| {
        let out = go_command(go, &root)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "go {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let goroot = PathBuf::from(go_run(&["env", "GOROOT"], &root).trim());
    let source =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/oracle.go")).unwrap();
    let mut fingerprint = DefaultHasher::new();
    (&goroot, go_run(&["version"], &root), &source).hash(&mut fingerprint);
    let bin = root.join(format!("oracle-{:016x}", fingerprint.finish()));
    if bin.exists() {
        return Oracle { bin };
    }

    let work = tempfile::tempdir_in(&root).unwrap();
    let vendored = goroot.join("src/cmd/vendor/golang.org/x/mod");
    let xmod = work.path().join("xmod");
    for package in XMOD_PACKAGES {
        let (from, to) = (vendored.join(package), xmod.join(package));
        fs::create_dir_all(&to).unwrap();
        for file in fs::read_dir(&from).unwrap() {
            let file = file.unwrap().path();
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".go") && !name.ends_with("_test.go") {
                fs::copy(&file, to.join(name)).unwrap();
            }
        }
    }
    fs::write(xmod.join("go.mod"), "module golang.org/x/mod\n\ngo 1.25\n").unwrap();

    let main = work.path().join("oracle");
    fs::create_dir_all(&main).unwrap();
    fs::write(
        main.join("go.mod"),
        "module oracle\n\ngo 1.25\n\nrequire golang.org/x/mod v0.0.0\n\nreplace golang.org/x/mod => ../xmod\n",
    )
    .unwrap();
    fs::write(main.join("oracle.go"), source).unwrap();
    let built = work.path().join("oracle-bin");
    go_run(&["build", "-o", built.to_str().unwrap(), "."], &main);
    fs::rename(&built, &bin).unwrap();
    Oracle { bin }
}

impl Oracle {
    /// Runs a command: `Ok(output)` or `Err(Go's error message)`.
    pub fn run(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new(&self.bin).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "oracle {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        match text.split_once('\n') {
            Some(("ok", rest)) => Ok(rest.to_owned()),
            Some(("error", rest)) => Err(rest.to_owned()),
            _ => panic!("oracle {args:?} printed {text:?}"),
        }
    }
}

/// One zip entry for the oracle's writer (or a file for `Create`).
#[derive(Clone)]
pub struct Ent {
    pub name: Vec<u8>,
    pub data: Vec<u8>,
    pub mode: u32,
    pub declared: i64,
}

pub const PREFIX: &str = "example.com/m@v1.0.0/";

/// An entry under the module prefix.
pub fn f(name: &str, data: &str) -> Ent {
    raw(&format!("{PREFIX}{name}"), data)
}

/// An entry with exactly this name.
pub fn raw(name: &str, data: &str) -> Ent {
    Ent {
        name: name.as_bytes().to_vec(),
        data: data.as_bytes().to_vec(),
        mode: 0,
        declared: -1,
    }
}

impl Ent {
    pub fn mode(mut self, mode: u32) -> Self {
        self.mode = mode;
        self
    }

    pub fn declared(mut self, size: i64) -> Self {
        self.declared = size;
        self
    }
}

pub fn spec(entries: &[Ent]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        out.extend(u32::try_from(e.name.len()).unwrap().to_le_bytes());
        out.extend(&e.name);
        out.extend(u32::try_from(e.data.len()).unwrap().to_le_bytes());
        out.extend(&e.data);
        out.extend(e.mode.to_le_bytes());
        out.extend(e.declared.to_le_bytes());
    }
    out
}

/// How closely our error must match Go's.
#[derive(Clone, Copy, PartialEq)]
pub enum Match {
    /// Same message.
    Message,
    /// Both fail (the messages differ by design: Go reports a size lie as
    /// `zip: not a valid zip file`, non-UTF-8 names print differently).
    Verdict,
}

pub fn compare<T>(
    what: &str,
    ours: Result<T, ZipError>,
    go: Result<String, String>,
    how: Match,
) -> Option<T> {
    match (ours, go) {
        (Ok(value), Ok(_)) => Some(value),
        (Err(ours), Err(go)) => {
            if how == Match::Message {
                assert_eq!(ours.to_string(), go, "{what}: error messages differ");
            }
            None
        }
        (Ok(_), Err(go)) => panic!("{what}: Go fails ({go}) but gomodx accepts"),
        (Err(ours), Ok(_)) => panic!("{what}: gomodx fails ({ours}) but Go accepts"),
    }
}

/// The module most cases use.
pub const M: (&str, &str) = ("example.com/m", "v1.0.0");
