//! `gomodx_goimports::scan_dir` against go's own import lists
//! (`go list -f '{{.Imports}}'`, tests' `TestImports` and `XTestImports`) on
//! packages written to trip a line-based scanner: `/* */` comments,
//! `;`-joined and parenthesised imports, raw strings, escapes, renamed,
//! dot and blank imports, `//go:build ignore` files, imports after code.

use std::path::Path;

use crate::download::harness::go_env;

const FILES: &[(&str, &str)] = &[
    ("go.mod", "module example.com/m\n\ngo 1.22\n"),
    (
        "a/a.go",
        "/* leading\n   block */ package a /* after */ ; import \"fmt\"; import s \"strings\"\nimport (\n\t\"os\" /* ) */ ; . \"errors\"\n\t_ `net/http`\n\t// \"log\"\n\t/*\n\t\"sort\"\n\t*/\n\t\"example.com/m/\\x62\"\n)\n\nvar _ = fmt.Sprint\nvar _ = s.Cut\nvar _ = os.Exit\nvar _ = New\n\nfunc f() { _ = \"import \\\"bytes\\\"\" }\n",
    ),
    (
        "a/ignored.go",
        "//go:build ignore\n\npackage a\n\nimport \"crypto/sha256\"\n",
    ),
    (
        "a/a_test.go",
        "package a\n\nimport (\"testing\"; \"io\")\n\nfunc TestA(t *testing.T) { _ = io.EOF }\n",
    ),
    (
        "a/x_test.go",
        "package a_test\nimport \"testing\"\nimport _ \"example.com/m/a\"\nfunc TestX(*testing.T) {}\n",
    ),
    ("b/b.go", "package b\n"),
];

#[test]
fn imports_equal_gos_lists() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(go) = go_env("off") else { return };
    let root = tmp.path();
    for (name, text) in FILES {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let format = "{{.ImportPath}}|{{join .Imports \" \"}}|{{join .TestImports \" \"}} {{join .XTestImports \" \"}}";
    let listed = go.run_ok(root, &["list", "-e", "-f", format, "./..."]);
    let mut packages = 0;
    for line in listed.lines() {
        let mut fields = line.split('|');
        let (path, imports, tests) = (
            fields.next().unwrap(),
            fields.next().unwrap(),
            fields.next().unwrap(),
        );
        let dir = root.join(
            path.trim_start_matches("example.com/m")
                .trim_start_matches('/'),
        );
        let ours = gomodx_goimports::scan_dir(Path::new(&dir))
            .unwrap()
            .expect("a package");
        let words = |text: &str| {
            let mut list: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
            list.sort();
            list.dedup();
            list
        };
        assert_eq!(ours.imports, words(imports), "imports of {path}");
        assert_eq!(ours.test_imports, words(tests), "test imports of {path}");
        packages += 1;
    }
    assert_eq!(packages, 2, "go listed a and b: {listed}");
}
