//! Tables from Go's `module_test.go` (inputs), with results checked against
//! the Go 1.27.3 sources.

use super::*;

/// (path, module ok, import ok, file ok).
const CHECK_PATH: &[(&str, bool, bool, bool)] = &[
    ("x.y/z", true, true, true),
    ("x.y", true, true, true),
    ("", false, false, false),
    ("/x.y/z", false, false, false),
    ("x./z", false, false, false),
    (".x/z", false, true, true),
    ("-x/z", false, false, true),
    ("x..y/z", true, true, true),
    ("x.y/z/../../w", false, false, false),
    ("x.y//z", false, false, false),
    ("x.y/z//w", false, false, false),
    ("x.y/z/", false, false, false),
    ("x.y/z/v0", false, true, true),
    ("x.y/z/v1", false, true, true),
    ("x.y/z/v2", true, true, true),
    ("x.y/z/v2.0", false, true, true),
    ("X.y/z", false, true, true),
    ("!x.y/z", false, false, true),
    ("_x.y/z", false, true, true),
    ("x.y!/z", false, false, true),
    ("x.y\"/z", false, false, false),
    ("x.y#/z", false, false, true),
    ("x.y$/z", false, false, true),
    ("x.y%/z", false, false, true),
    ("x.y&/z", false, false, true),
    ("x.y'/z", false, false, false),
    ("x.y(/z", false, false, true),
    ("x.y)/z", false, false, true),
    ("x.y*/z", false, false, false),
    ("x.y+/z", false, true, true),
    ("x.y,/z", false, false, true),
    ("x.y-/z", true, true, true),
    ("x.y./zt", false, false, false),
    ("x.y:/z", false, false, false),
    ("x.y;/z", false, false, false),
    ("x.y</z", false, false, false),
    ("x.y=/z", false, false, true),
    ("x.y>/z", false, false, false),
    ("x.y?/z", false, false, false),
    ("x.y@/z", false, false, true),
    ("x.y[/z", false, false, true),
    ("x.y\\/z", false, false, false),
    ("x.y]/z", false, false, true),
    ("x.y^/z", false, false, true),
    ("x.y_/z", false, true, true),
    ("x.y`/z", false, false, false),
    ("x.y{/z", false, false, true),
    ("x.y}/z", false, false, true),
    ("x.y~/z", false, true, true),
    ("x.y/z!", false, false, true),
    ("x.y/z\"", false, false, false),
    ("x.y/z#", false, false, true),
    ("x.y/z$", false, false, true),
    ("x.y/z%", false, false, true),
    ("x.y/z&", false, false, true),
    ("x.y/z'", false, false, false),
    ("x.y/z(", false, false, true),
    ("x.y/z)", false, false, true),
    ("x.y/z*", false, false, false),
    ("x.y/z+", false, true, true),
    ("x.y/z,", false, false, true),
    ("x.y/z-", true, true, true),
    ("x.y/z.t", true, true, true),
    ("x.y/z/t", true, true, true),
    ("x.y/z:", false, false, false),
    ("x.y/z;", false, false, false),
    ("x.y/z<", false, false, false),
    ("x.y/z=", false, false, true),
    ("x.y/z>", false, false, false),
    ("x.y/z?", false, false, false),
    ("x.y/z@", false, false, true),
    ("x.y/z[", false, false, true),
    ("x.y/z\\", false, false, false),
    ("x.y/z]", false, false, true),
    ("x.y/z^", false, false, true),
    ("x.y/z_", true, true, true),
    ("x.y/z`", false, false, false),
    ("x.y/z{", false, false, true),
    ("x.y/z}", false, false, true),
    ("x.y/z~", true, true, true),
    ("x.y/x.foo", true, true, true),
    ("x.y/aux.foo", false, false, false),
    ("x.y/prn", false, false, false),
    ("x.y/prn2", true, true, true),
    ("x.y/com", true, true, true),
    ("x.y/com1", false, false, false),
    ("x.y/com1.txt", false, false, false),
    ("x.y/calm1", true, true, true),
    ("github.com/!123/logrus", false, false, true),
    ("github.com/user/unicode/испытание", false, false, true),
    ("../x", false, false, false),
    ("./y", false, false, false),
    ("x:y", false, false, false),
    ("\\temp\\foo", false, false, false),
    (".gitignore", false, true, true),
    (".github/ISSUE_TEMPLATE", false, true, true),
    ("x☺y", false, false, false),
    ("x.y/EXAMPL~1", false, false, true),
    ("x.y/exampl~1.com", false, false, true),
    ("x.y/a~", true, true, true),
    ("x.y/a~1b", true, true, true),
    ("x.y/ि", false, false, false),
    ("x.y/Ⓐ", false, false, false),
    ("x.y/aé", false, false, true),
];

#[test]
fn check_path_tables() {
    for &(path, module_ok, import_ok, file_ok) in CHECK_PATH {
        assert_eq!(check_path(path).is_ok(), module_ok, "check_path({path:?})");
        assert_eq!(
            check_import_path(path).is_ok(),
            import_ok,
            "check_import_path({path:?})"
        );
        assert_eq!(
            check_file_path(path).is_ok(),
            file_ok,
            "check_file_path({path:?})"
        );
        let (prefix, major, _) = split_path_version(path);
        assert_eq!(
            format!("{prefix}{major}"),
            path,
            "split_path_version({path:?}) must add up"
        );
    }
}

#[test]
fn reasons_match_go() {
    type Checker = fn(&str) -> Result<(), InvalidPathError>;
    let cases: &[(Checker, &str, &str)] = &[
        (check_path, "", r#"malformed module path "": empty string"#),
        (
            check_path,
            "/x.y",
            r#"malformed module path "/x.y": empty path element"#,
        ),
        (
            check_path,
            "x",
            r#"malformed module path "x": missing dot in first path element"#,
        ),
        (
            check_path,
            "-x.y",
            r#"malformed module path "-x.y": leading dash"#,
        ),
        (
            check_path,
            "Ab.c/d",
            r#"malformed module path "Ab.c/d": invalid char 'A' in first path element"#,
        ),
        (
            check_path,
            "a_b.c/d",
            r#"malformed module path "a_b.c/d": invalid char '_' in first path element"#,
        ),
        (
            check_path,
            "a.b/c/v1",
            r#"malformed module path "a.b/c/v1": invalid version"#,
        ),
        (
            check_path,
            "a.b/c/v01",
            r#"malformed module path "a.b/c/v01": invalid version"#,
        ),
        (
            check_path,
            "gopkg.in/yaml",
            r#"malformed module path "gopkg.in/yaml": invalid version"#,
        ),
        (
            check_path,
            "a.b/.x",
            r#"malformed module path "a.b/.x": leading dot in path element"#,
        ),
        (
            check_path,
            "a.b/x.",
            r#"malformed module path "a.b/x.": trailing dot in path element"#,
        ),
        (
            check_path,
            "a.b/...",
            r#"malformed module path "a.b/...": invalid path element "...""#,
        ),
        (
            check_path,
            "a.b/c+",
            r#"malformed module path "a.b/c+": invalid char '+'"#,
        ),
        (
            check_path,
            "a.b/AUX.txt",
            r#"malformed module path "a.b/AUX.txt": "AUX" disallowed as path element component on Windows"#,
        ),
        (
            check_path,
            "a.b/EXAMPL~1",
            r#"malformed module path "a.b/EXAMPL~1": trailing tilde and digits in path element"#,
        ),
        (
            check_path,
            "a.b//c",
            r#"malformed module path "a.b//c": double slash"#,
        ),
        (
            check_path,
            "a.b/",
            r#"malformed module path "a.b/": trailing slash"#,
        ),
        (
            check_path,
            "a.b/и",
            r#"malformed module path "a.b/и": invalid char 'и'"#,
        ),
        (
            check_path,
            "x.y/a\"b",
            r#"malformed module path "x.y/a\"b": invalid char '"'"#,
        ),
        (
            check_import_path,
            "-x",
            r#"malformed import path "-x": leading dash"#,
        ),
        (
            check_import_path,
            "a.b/z\\",
            r#"malformed import path "a.b/z\\": invalid char '\\'"#,
        ),
        (
            check_import_path,
            "a.b/z'",
            r#"malformed import path "a.b/z'": invalid char '\''"#,
        ),
        (
            check_file_path,
            "a/x\u{1}",
            r#"malformed file path "a/x\x01": invalid char '\x01'"#,
        ),
        (
            check_file_path,
            "a/Ⓐ",
            r#"malformed file path "a/Ⓐ": invalid char 'Ⓐ'"#,
        ),
        (
            check_file_path,
            "a/..",
            r#"malformed file path "a/..": invalid path element "..""#,
        ),
    ];
    for &(check, path, want) in cases {
        assert_eq!(check(path).unwrap_err().to_string(), want, "{path:?}");
    }
}

#[test]
fn splits_major_suffixes() {
    let ok = [
        ("x.y/z", ""),
        ("x.y/z", "/v2"),
        ("x.y/z", "/v3"),
        ("x.y/v", ""),
        ("gopkg.in/yaml", ".v0"),
        ("gopkg.in/yaml", ".v1"),
        ("gopkg.in/yaml", ".v2"),
        ("gopkg.in/yaml", ".v3"),
        ("gopkg.in/yaml", ".v2-unstable"),
        ("example.com/m", "/v10"),
    ];
    for (prefix, major) in ok {
        let path = format!("{prefix}{major}");
        assert_eq!(split_path_version(&path), (prefix, major, true), "{path}");
    }
    for bad in [
        "x.y/z/v0",
        "x.y/z/v1",
        "x.y/z/v01",
        "x.y/z/v2.0",
        "gopkg.in/yaml",
        "gopkg.in/yaml.v01",
        "gopkg.in/yaml-unstable",
    ] {
        assert_eq!(split_path_version(bad), (bad, "", false), "{bad}");
    }
    assert_eq!(split_path_version("v2"), ("v2", "", true));
    assert_eq!(split_path_version("/v2"), ("", "/v2", true));
}

#[test]
fn matches_path_majors() {
    let cases = [
        ("v0.0.0", "", true),
        ("v0.0.0", "/v2", false),
        ("v0.0.0", ".v0", true),
        ("v0.0.0-20190510104115-cbcb75029529", ".v1", true),
        ("v1.0.0", "/v2", false),
        ("v1.0.0", ".v1", true),
        ("v1.0.0", ".v1-unstable", true),
        ("v2.0.0+incompatible", "", true),
        ("v2.0.0", "", false),
        ("v2.0.0", "/v2", true),
        ("v2.0.0", ".v2", true),
    ];
    for (version, path_major, want) in cases {
        assert_eq!(
            match_path_major(version, path_major),
            want,
            "{version} {path_major}"
        );
    }
}

#[test]
fn path_major_errors_match_go() {
    let cases = [
        (
            "v2.0.0",
            "",
            r#"version "v2.0.0" invalid: should be v0 or v1, not v2"#,
        ),
        (
            "v1.0.0",
            "/v2",
            r#"version "v1.0.0" invalid: should be v2, not v1"#,
        ),
        (
            "v0.8.0",
            ".v1",
            r#"version "v0.8.0" invalid: should be v1, not v0"#,
        ),
        (
            "junk",
            "/v3",
            r#"version "junk" invalid: should be v3, not "#,
        ),
        (
            "v1.0.0",
            "x",
            r#"version "v1.0.0" invalid: should be x, not v1"#,
        ),
    ];
    for (version, path_major, want) in cases {
        let err = check_path_major(version, path_major).unwrap_err();
        assert_eq!(err.to_string(), want);
    }
}

#[test]
fn path_major_prefixes() {
    let cases = [
        ("", ""),
        ("/v2", "v2"),
        (".v1", "v1"),
        (".v0", "v0"),
        (".v1-unstable", "v1"),
        ("v2", ""),
    ];
    for (path_major, want) in cases {
        assert_eq!(path_major_prefix(path_major), want, "{path_major:?}");
    }
}

#[test]
fn matches_prefix_patterns() {
    let cases = [
        ("*/quote", "rsc.io/quote", true),
        ("*/quo", "rsc.io/quote", false),
        ("*/quo??", "rsc.io/quote", true),
        ("*/quo*", "rsc.io/quote", true),
        ("*quo*", "rsc.io/quote", false),
        ("rsc.io", "rsc.io/quote", true),
        ("*.io", "rsc.io/quote", true),
        ("rsc.io/", "rsc.io/quote", true),
        ("rsc", "rsc.io/quote", false),
        ("rsc*", "rsc.io/quote", true),
        ("rsc.io", "rsc.io/quote/v3", true),
        ("*/quote", "rsc.io/quote/v3", true),
        ("*/quote/*", "rsc.io/quote/v3", true),
        ("*/v3", "rsc.io/quote/v3", false),
        ("*/*/v3", "rsc.io/quote/v3", true),
        ("*/*/*", "rsc.io/quote/v3", true),
        ("*/*/*", "rsc.io/quote", false),
        ("*/*/*,,", "rsc.io/quote", false),
        ("*/*/*,,*/quote", "rsc.io/quote", true),
        (",,*/quote", "rsc.io/quote", true),
        ("*.corp.example.com", "git.corp.example.com/x/y", true),
        ("rsc.io/private", "rsc.io/private/quux", true),
        ("rsc.io[", "rsc.io", false),
        ("", "rsc.io", false),
    ];
    for (globs, target, want) in cases {
        assert_eq!(
            match_prefix_patterns(globs, target),
            want,
            "{globs:?} vs {target:?}"
        );
    }
}
