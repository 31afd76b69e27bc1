//! Differential tests of zip creation and tree hashing against Go's own
//! `golang.org/x/mod/zip` and `sumdb/dirhash` (see `oracle/`): the same
//! directories and file lists are zipped by both implementations, which
//! must agree on the verdict, the error message, the entries (in order) and
//! the h1 hash.
//!
//! Skipped without a `go` (see `gomodx_test::go::go_bin`).

mod oracle;

use std::fs;
use std::io::Cursor;
use std::path::Path;

use gomodx_module::ModuleVersion;
use gomodx_modzip::{create_zip_from_dir, create_zip_from_files, h1};
use oracle::test_support::parse_txtar;
use oracle::{Ent, M, Match, Oracle, compare, oracle, raw, spec};

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
