//! Differential tests against Go's own `golang.org/x/mod/zip` and
//! `sumdb/dirhash`, built offline from the copy vendored in GOROOT
//! (`tests/oracle/oracle.go`). Every check, unzip, hash and create below is
//! run by both implementations and must agree: same verdict, same error
//! message (except where noted), same archive entries and hashes.
//!
//! Skipped without a `go` (see `gomodx_test::go::go_bin`).

#[path = "../src/test_support.rs"]
mod test_support;

use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use gomodx_module::ModuleVersion;
use gomodx_modzip::{ZipError, check_zip, create_zip_from_dir, create_zip_from_files, h1, unzip};
use test_support::{go_command, parse_txtar};

/// The packages of x/mod the oracle needs, as vendored in GOROOT.
const XMOD_PACKAGES: [&str; 6] = [
    "internal/lazyregexp",
    "modfile",
    "module",
    "semver",
    "sumdb/dirhash",
    "zip",
];

struct Oracle {
    bin: PathBuf,
}

/// The oracle binary, built once per test run (its Go build cache persists
/// under CARGO_TARGET_TMPDIR), or `None` without a go.
fn oracle() -> Option<&'static Oracle> {
    static ORACLE: OnceLock<Option<Oracle>> = OnceLock::new();
    ORACLE
        .get_or_init(|| gomodx_test::go::go_bin().map(|go| build_oracle(&go)))
        .as_ref()
}

fn build_oracle(go: &Path) -> Oracle {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("modzip-xmod-oracle");
    let home = root.join("home");
    fs::create_dir_all(&home).unwrap();
    let go_env = |args: &[&str], dir: &Path| {
        let out = go_command(go, &home)
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
    let goroot = PathBuf::from(go_env(&["env", "GOROOT"], &root).trim());
    let vendored = goroot.join("src/cmd/vendor/golang.org/x/mod");

    let xmod = root.join("xmod");
    let _ = fs::remove_dir_all(&xmod);
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

    let main = root.join("oracle");
    fs::create_dir_all(&main).unwrap();
    fs::write(
        main.join("go.mod"),
        "module oracle\n\ngo 1.25\n\nrequire golang.org/x/mod v0.0.0\n\nreplace golang.org/x/mod => ../xmod\n",
    )
    .unwrap();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/oracle.go"),
        main.join("oracle.go"),
    )
    .unwrap();
    let bin = root.join("oracle-bin");
    go_env(&["build", "-o", bin.to_str().unwrap(), "."], &main);
    Oracle { bin }
}

impl Oracle {
    /// Runs a command: `Ok(output)` or `Err(Go's error message)`.
    fn run(&self, args: &[&str]) -> Result<String, String> {
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
struct Ent {
    name: Vec<u8>,
    data: Vec<u8>,
    mode: u32,
    declared: i64,
}

const PREFIX: &str = "example.com/m@v1.0.0/";

/// An entry under the module prefix.
fn f(name: &str, data: &str) -> Ent {
    raw(&format!("{PREFIX}{name}"), data)
}

/// An entry with exactly this name.
fn raw(name: &str, data: &str) -> Ent {
    Ent {
        name: name.as_bytes().to_vec(),
        data: data.as_bytes().to_vec(),
        mode: 0,
        declared: -1,
    }
}

impl Ent {
    fn mode(mut self, mode: u32) -> Self {
        self.mode = mode;
        self
    }

    fn declared(mut self, size: i64) -> Self {
        self.declared = size;
        self
    }
}

fn spec(entries: &[Ent]) -> Vec<u8> {
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
enum Match {
    /// Same message.
    Message,
    /// Both fail (the messages differ by design: Go reports a size lie as
    /// `zip: not a valid zip file`, non-UTF-8 names print differently).
    Verdict,
}

fn compare<T>(
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

/// Checks, hashes and unzips one zip (written by Go's archive/zip) with
/// both implementations.
fn zip_case(oracle: &Oracle, label: &str, entries: &[Ent], mv: (&str, &str), how: Match) {
    let tmp = tempfile::tempdir().unwrap();
    let (spec_path, zip) = (tmp.path().join("spec"), tmp.path().join("m.zip"));
    fs::write(&spec_path, spec(entries)).unwrap();
    oracle
        .run(&[
            "writezip",
            spec_path.to_str().unwrap(),
            zip.to_str().unwrap(),
        ])
        .unwrap();
    let zip_str = zip.to_str().unwrap();
    let module = ModuleVersion::new(mv.0, mv.1);

    let go = oracle.run(&["checkzip", zip_str, mv.0, mv.1]);
    compare(
        &format!("{label}: check"),
        check_zip(&zip, &module),
        go,
        how,
    );

    let go = oracle.run(&["hashzip", zip_str]);
    // Size lies fail hashing with Go's generic reader errors.
    let lies = entries.iter().any(|e| e.declared >= 0);
    let hash_how = if lies { Match::Verdict } else { how };
    if let Some(ours) = compare(
        &format!("{label}: hash"),
        h1::hash_zip(&zip),
        go.clone(),
        hash_how,
    ) {
        assert_eq!(ours, go.unwrap(), "{label}: zip hashes differ");
    }

    let (go_dest, our_dest) = (tmp.path().join("go/out"), tmp.path().join("ours/out"));
    let go = oracle.run(&["unzip", zip_str, mv.0, mv.1, go_dest.to_str().unwrap()]);
    let ours = unzip(&zip, &module, &our_dest);
    if compare(&format!("{label}: unzip"), ours, go, how).is_some() {
        assert_eq!(
            listing(&our_dest),
            listing(&go_dest),
            "{label}: extracted trees differ"
        );
        let prefix = format!("{}@{}", mv.0, mv.1);
        assert_eq!(
            h1::hash_dir(&our_dest, &prefix).unwrap(),
            h1::hash_dir(&go_dest, &prefix).unwrap()
        );
    } else {
        assert!(
            !tmp.path().join("ours").exists(),
            "{label}: failed unzip left files behind"
        );
    }
}

/// Every path below `dir` with its kind, mode and content.
fn listing(dir: &Path) -> Vec<(String, String)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out: Vec<(String, String)> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let meta = fs::symlink_metadata(e.path()).unwrap();
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let detail = if meta.is_file() {
                format!(
                    "file {:o} {:?}",
                    meta.permissions().mode() & 0o777,
                    fs::read(e.path()).unwrap()
                )
            } else {
                format!("{:?}", meta.file_type())
            };
            (rel, detail)
        })
        .collect();
    out.sort();
    out
}

const M: (&str, &str) = ("example.com/m", "v1.0.0");

#[test]
fn zips_are_checked_hashed_and_extracted_like_go() {
    let Some(oracle) = oracle() else { return };
    let symlink_mode = (1 << 27) | 0o777;
    let big = i64::try_from(gomodx_modzip::MAX_GO_MOD).unwrap() + 1;
    let cases: Vec<(&str, Vec<Ent>, (&str, &str), Match)> = vec![
        (
            "valid",
            vec![
                f("", ""),
                f("go.mod", "module example.com/m\n"),
                f("a.go", "package a\n"),
                f("sub/", ""),
                f("sub/b.go", "package sub\n"),
                f("LICENSE", "MIT\n"),
            ],
            M,
            Match::Message,
        ),
        ("empty", vec![], M, Match::Message),
        (
            "vendor and hg files are fine in zips",
            vec![
                f("vendor/x/y.go", "package y\n"),
                f(".hg_archival.txt", "x"),
            ],
            M,
            Match::Message,
        ),
        (
            "zip slip",
            vec![f("a.go", "a"), f("../evil.go", "evil")],
            M,
            Match::Message,
        ),
        (
            "deep zip slip",
            vec![f("a/../../evil.go", "evil")],
            M,
            Match::Message,
        ),
        (
            "absolute after prefix",
            vec![f("/abs.go", "x")],
            M,
            Match::Message,
        ),
        (
            "absolute without prefix",
            vec![raw("/etc/passwd", "x")],
            M,
            Match::Message,
        ),
        (
            "prefix without slash",
            vec![raw("example.com/m@v1.0.0", "x")],
            M,
            Match::Message,
        ),
        (
            "other version",
            vec![raw("example.com/m@v1.0.1/a.go", "x")],
            M,
            Match::Message,
        ),
        ("backslash", vec![f("a\\b.go", "x")], M, Match::Message),
        ("windows drive", vec![f("C:/x.go", "x")], M, Match::Message),
        (
            "reserved names",
            vec![f("con.go", ""), f("aux/x.go", ""), f("COM1", "")],
            M,
            Match::Message,
        ),
        (
            "unclean",
            vec![
                f("a/./b.go", ""),
                f("a//c.go", ""),
                f("./d.go", ""),
                f("e/..", ""),
            ],
            M,
            Match::Message,
        ),
        (
            "dot entries",
            vec![f(".", ""), f("./", ""), f("..", "")],
            M,
            Match::Message,
        ),
        (
            "case collision",
            vec![f("a.go", "1"), f("A.go", "2")],
            M,
            Match::Message,
        ),
        (
            "kelvin collision",
            vec![f("\u{212A}.go", "1"), f("k.go", "2")],
            M,
            Match::Message,
        ),
        (
            "sharp s collision",
            vec![f("\u{DF}.go", "1"), f("\u{1E9E}.go", "2")],
            M,
            Match::Message,
        ),
        (
            "dotless i is distinct",
            vec![f("\u{131}.go", "1"), f("i.go", "2"), f("I.go", "3")],
            M,
            Match::Message,
        ),
        (
            "unicode collision",
            vec![f("\u{FC}/a.go", "1"), f("\u{DC}/b.go", "2")],
            M,
            Match::Message,
        ),
        (
            "parent collision",
            vec![f("dir/a.go", "1"), f("Dir/b.go", "2")],
            M,
            Match::Message,
        ),
        (
            "directory entry collision",
            vec![f("a/b/", ""), f("a/B/c.go", "")],
            M,
            Match::Message,
        ),
        (
            "file then directory",
            vec![f("x", "1"), f("x/y.go", "2")],
            M,
            Match::Message,
        ),
        (
            "directory entry then file",
            vec![f("x/", ""), f("x", "1")],
            M,
            Match::Message,
        ),
        (
            "repeated directory entry",
            vec![f("x/", ""), f("x/", ""), f("x/a.go", "")],
            M,
            Match::Message,
        ),
        (
            "duplicate",
            vec![f("a.go", "first"), f("a.go", "second")],
            M,
            Match::Message,
        ),
        (
            "nested go.mod",
            vec![
                f("sub/go.mod", "module sub\n"),
                f("GO.MOD", ""),
                f("x/Go.mod", ""),
            ],
            M,
            Match::Message,
        ),
        (
            "symlink entry",
            vec![f("link", "/etc/passwd").mode(symlink_mode)],
            M,
            Match::Message,
        ),
        ("newline in name", vec![f("a\nb.go", "")], M, Match::Message),
        (
            "go.mod too large",
            vec![f("go.mod", "module m\n").declared(big)],
            M,
            Match::Message,
        ),
        (
            "LICENSE too large",
            vec![
                f("LICENSE", "MIT").declared(big),
                f("sub/LICENSE", "MIT").declared(big),
            ],
            M,
            Match::Message,
        ),
        (
            "content too large",
            vec![
                f("a", "a").declared(300 << 20),
                f("b", "b").declared(300 << 20),
            ],
            M,
            Match::Message,
        ),
        (
            "declared smaller than actual",
            vec![
                f("ok.go", "fine"),
                f("bomb", &"x".repeat(10_000)).declared(100),
            ],
            M,
            Match::Verdict,
        ),
        (
            "declared larger than actual",
            vec![f("short", "abc").declared(10)],
            M,
            Match::Verdict,
        ),
        (
            "invalid UTF-8 name",
            vec![Ent {
                name: [PREFIX.as_bytes(), b"\xff.go"].concat(),
                ..f("", "")
            }],
            M,
            Match::Verdict,
        ),
        (
            "non-canonical version",
            vec![raw("example.com/m@v1.2/a.go", "")],
            ("example.com/m", "v1.2"),
            Match::Message,
        ),
        (
            "incompatible major",
            vec![raw("example.com/m/v2@v1.0.0/a.go", "")],
            ("example.com/m/v2", "v1.0.0"),
            Match::Message,
        ),
        (
            "bad module path",
            vec![raw("example..com/m@v1.0.0/a.go", "")],
            ("example..com/m", "v1.0.0"),
            Match::Message,
        ),
        (
            "incompatible version",
            vec![raw("example.com/m@v2.0.0+incompatible/a.go", "")],
            ("example.com/m", "v2.0.0+incompatible"),
            Match::Message,
        ),
    ];
    for (label, entries, mv, how) in &cases {
        zip_case(oracle, label, entries, *mv, *how);
    }
}

/// Zips `dir` with both implementations and compares the results.
fn dir_case(oracle: &Oracle, label: &str, dir: &Path, mv: (&str, &str)) {
    let tmp = tempfile::tempdir().unwrap();
    let go_zip = tmp.path().join("go.zip");
    let go = oracle.run(&[
        "createdir",
        dir.to_str().unwrap(),
        mv.0,
        mv.1,
        go_zip.to_str().unwrap(),
    ]);
    let mut ours = Cursor::new(Vec::new());
    let result = create_zip_from_dir(&mut ours, &ModuleVersion::new(mv.0, mv.1), dir);
    // Go prefixes listing errors with the directory; ours name the path.
    if compare(label, result, go, Match::Message).is_some() {
        compare_zips(label, ours.get_ref(), &go_zip);
    }
}

/// Both zips have the same entries in the same order and the same h1.
fn compare_zips(label: &str, ours: &[u8], go_zip: &Path) {
    let names = |bytes: &[u8]| {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().unwrap().into_owned())
            .collect::<Vec<_>>()
    };
    let go_bytes = fs::read(go_zip).unwrap();
    assert_eq!(names(ours), names(&go_bytes), "{label}: zip entries differ");
    let our_zip = go_zip.with_file_name("ours.zip");
    fs::write(&our_zip, ours).unwrap();
    assert_eq!(
        h1::hash_zip(&our_zip).unwrap(),
        h1::hash_zip(go_zip).unwrap(),
        "{label}: h1 differs"
    );
}

/// Writes a txtar's files below `dir`.
fn materialize(dir: &Path, txtar: &str) {
    for (name, data) in parse_txtar(txtar.as_bytes()) {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, data).unwrap();
    }
}

const RICH_TREE: &str = "\
-- go.mod --
module example.com/m

go GOVERSION
-- a.go --
package a
-- README.md --
hello
-- .hg_archival.txt --
repo: 0
-- sub/.hg_archival.txt --
kept
-- .git/config --
[core]
-- sub/.svn/entries --
x
-- .hg/store --
x
-- .bzr/branch --
x
-- nested/go.mod --
module example.com/m/nested
-- nested/n.go --
package nested
-- nested/deeper/d.go --
package deeper
-- weird/GO.MOD --
module weird
-- weird/w.go --
package weird
-- notmod/go.mod/x.txt --
a directory named go.mod
-- notmod/ok.go --
package notmod
-- vendor/modules.txt --
# example.com/dep v1.0.0
-- vendor/top.go --
package vendor
-- vendor/example.com/dep/dep.go --
package dep
-- pkg/vendor/vendor.go --
package vendor
-- pkg/vendor/foo/foo.go --
package foo
-- x/vendor/y --
y
-- longer/path/vendor/y.go --
package vendor
-- a/vendor/b/c.go --
package b
-- unicode/\u{e9}t\u{e9}.go --
package unicode
-- a-b_c~d/+x.go --
package x
";

#[test]
fn directories_are_zipped_like_go() {
    use std::os::unix::fs::symlink;
    let Some(oracle) = oracle() else { return };
    for go_version in ["1.23", "1.24", "1.26rc1", "invalid"] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("m");
        materialize(&dir, &RICH_TREE.replace("GOVERSION", go_version));
        fs::create_dir_all(dir.join("empty/deeper")).unwrap();
        symlink("a.go", dir.join("link.go")).unwrap();
        symlink("sub", dir.join("linkdir")).unwrap();
        fs::create_dir_all(dir.join("linkmod")).unwrap();
        fs::write(dir.join("linkmod/l.go"), "package linkmod\n").unwrap();
        symlink("../nowhere", dir.join("linkmod/go.mod")).unwrap();
        let _socket = std::os::unix::net::UnixListener::bind(dir.join("socket")).unwrap();
        dir_case(oracle, &format!("rich tree, go {go_version}"), &dir, M);
    }

    // A symlinked go.mod: Go reads its go line for the walk but not for
    // the file checks, so both vendor rules apply.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    materialize(&dir, &RICH_TREE.replace("go GOVERSION", ""));
    fs::write(
        tmp.path().join("real.mod"),
        "module example.com/m\n\ngo 1.24\n",
    )
    .unwrap();
    fs::remove_file(dir.join("go.mod")).unwrap();
    symlink("../real.mod", dir.join("go.mod")).unwrap();
    dir_case(oracle, "symlinked go.mod", &dir, M);

    let invalid_trees: [(&str, &str); 7] = [
        ("collision", "-- a.go --\n-- A.go --\n"),
        ("directory collision", "-- x/a.go --\n-- X/b.go --\n"),
        ("go.mod case", "-- GO.MOD --\nmodule m\n"),
        ("backslash", "-- a\\b.go --\n"),
        ("reserved", "-- con.go --\n-- sub/aux.go --\n"),
        ("newline", "-- ok.go --\n"),
        ("empty", ""),
    ];
    for (label, txtar) in invalid_trees {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("m");
        fs::create_dir_all(&dir).unwrap();
        materialize(&dir, txtar);
        if label == "newline" {
            fs::write(dir.join("a\nb.go"), "").unwrap();
        }
        dir_case(oracle, label, &dir, M);
    }

    let tmp = tempfile::tempdir().unwrap();
    fs::File::create(tmp.path().join("LICENSE"))
        .unwrap()
        .set_len(gomodx_modzip::MAX_LICENSE + 1)
        .unwrap();
    fs::File::create(tmp.path().join("go.mod"))
        .unwrap()
        .set_len(gomodx_modzip::MAX_GO_MOD + 1)
        .unwrap();
    dir_case(oracle, "huge LICENSE and go.mod", tmp.path(), M);
    dir_case(
        oracle,
        "non-canonical version",
        tmp.path(),
        ("example.com/m", "v1.0"),
    );
}

#[test]
fn file_lists_are_zipped_like_go() {
    let Some(oracle) = oracle() else { return };
    let file = |name: &str, data: &str| raw(name, data);
    let cases: Vec<(&str, Vec<Ent>)> = vec![
        (
            "plain",
            vec![
                file("go.mod", "module example.com/m\n"),
                file("b.go", "b"),
                file("a.go", "a"),
            ],
        ),
        (
            "nested modules",
            vec![
                file("sub/go.mod", ""),
                file("sub/x.go", ""),
                file("sub/deep/y.go", ""),
                file("other/GO.MOD", ""),
                file("other/z.go", ""),
                file("keep.go", ""),
            ],
        ),
        (
            "hg archival",
            vec![
                file(".hg_archival.txt", ""),
                file("sub/.hg_archival.txt", ""),
            ],
        ),
        (
            "vendor legacy",
            vec![
                file("go.mod", "module m\ngo 1.21\n"),
                file("vendor/modules.txt", ""),
                file("vendor/a.go", ""),
                file("vendor/x/y.go", ""),
                file("pkg/vendor/vendor.go", ""),
                file("pkg/vendor/foo/foo.go", ""),
            ],
        ),
        (
            "vendor 1.24",
            vec![
                file("go.mod", "module m\ngo 1.24\n"),
                file("vendor/modules.txt", ""),
                file("vendor/a.go", ""),
                file("vendor/x/y.go", ""),
                file("pkg/vendor/vendor.go", ""),
                file("pkg/vendor/foo/foo.go", ""),
            ],
        ),
        (
            "invalid names",
            vec![
                file("ok.go", ""),
                file("../up.go", ""),
                file("a//b.go", ""),
                file("/abs.go", ""),
                file("GO.MOD", ""),
                file(".", ""),
                file("", ""),
                file("a/", ""),
            ],
        ),
        (
            "collisions",
            vec![
                file("x.go", ""),
                file("X.go", ""),
                file("x.go", ""),
                file("d/a", ""),
                file("D/b", ""),
            ],
        ),
        ("file and directory", vec![file("x", ""), file("x/y", "")]),
        ("repeated invalid", vec![file("a//b", ""), file("a//b", "")]),
        (
            "go.mod not root is a submodule",
            vec![file("sub/go.mod", "module sub\n"), file("sub/GO.MOD", "")],
        ),
    ];
    for (label, files) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let (spec_path, go_zip) = (tmp.path().join("spec"), tmp.path().join("go.zip"));
        fs::write(&spec_path, spec(&files)).unwrap();
        let go = oracle.run(&[
            "create",
            spec_path.to_str().unwrap(),
            M.0,
            M.1,
            go_zip.to_str().unwrap(),
        ]);
        let mut ours = Cursor::new(Vec::new());
        let inputs = files
            .iter()
            .map(|e| (String::from_utf8(e.name.clone()).unwrap(), e.data.clone()));
        let result = create_zip_from_files(&mut ours, &ModuleVersion::new(M.0, M.1), inputs);
        if compare(label, result, go, Match::Message).is_some() {
            compare_zips(label, ours.get_ref(), &go_zip);
        }
    }
}

#[test]
fn trees_hash_like_go() {
    use std::os::unix::fs::symlink;
    let Some(oracle) = oracle() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m@v1.0.0");
    materialize(&dir, RICH_TREE);
    fs::create_dir_all(dir.join("empty")).unwrap();
    symlink("a.go", dir.join("link.go")).unwrap();
    let go = oracle
        .run(&["hashdir", dir.to_str().unwrap(), "example.com/m@v1.0.0"])
        .unwrap();
    assert_eq!(h1::hash_dir(&dir, "example.com/m@v1.0.0").unwrap(), go);

    symlink("sub", dir.join("linkdir")).unwrap();
    let go = oracle.run(&["hashdir", dir.to_str().unwrap(), "p"]);
    assert!(
        go.is_err() && h1::hash_dir(&dir, "p").is_err(),
        "a link to a directory cannot be hashed"
    );
}
