//! Differential tests of zip checking, hashing and extraction against Go's
//! own `golang.org/x/mod/zip` and `sumdb/dirhash` (see `oracle/`). Every
//! zip below is written by Go's `archive/zip`; both implementations must
//! give the same verdict and the same error message (except where noted),
//! and successful extractions must produce identical trees.
//!
//! Skipped without a `go` (see `gomodx_test::go::go_bin`).

mod oracle;

use std::fs;
use std::path::Path;

use gomodx_module::ModuleVersion;
use gomodx_modzip::{check_zip, h1, unzip};
use oracle::{Ent, M, Match, Oracle, PREFIX, compare, f, oracle, raw, spec};

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

/// A zip case: label, entries, module path and version, how to compare.
type ZipCase = (&'static str, Vec<Ent>, (&'static str, &'static str), Match);

#[test]
fn zips_are_checked_hashed_and_extracted_like_go() {
    let Some(oracle) = oracle() else { return };
    let symlink_mode = (1 << 27) | 0o777;
    let big = i64::try_from(gomodx_modzip::MAX_GO_MOD).unwrap() + 1;
    let cases: Vec<ZipCase> = vec![
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
