//! Tables from Go's `internal/gover` and `cmd/go/internal/gover` tests, plus
//! go.mod `go` line cases checked against Go 1.27.3.

use std::cmp::Ordering::{self, Equal, Greater, Less};

use super::*;

#[test]
fn compares_like_go() {
    let cases: &[(&str, &str, Ordering)] = &[
        ("", "", Equal),
        ("x", "x", Equal),
        ("", "x", Equal),
        ("1", "1.1", Less),
        ("1.5", "1.6", Less),
        ("1.5", "1.10", Less),
        ("1.6", "1.6.1", Less),
        ("1.19", "1.19.0", Equal),
        ("1.19rc1", "1.19", Less),
        ("1.20", "1.20.0", Equal),
        ("1.20rc1", "1.20", Less),
        ("1.21", "1.21.0", Less),
        ("1.21", "1.21rc1", Less),
        ("1.21rc1", "1.21.0", Less),
        ("1.6", "1.19", Less),
        ("1.19", "1.19.1", Less),
        ("1.19rc1", "1.19.1", Less),
        ("1.19rc1", "1.19rc2", Less),
        ("1.19.0", "1.19.1", Less),
        ("1.19rc1", "1.19.0", Less),
        ("1.19alpha3", "1.19beta2", Less),
        ("1.19beta2", "1.19rc1", Less),
        ("1.1", "1.99999999999999998", Less),
        ("1.99999999999999998", "1.99999999999999999", Less),
        ("bad", "1", Less),
    ];
    for &(a, b, want) in cases {
        assert_eq!(compare(a, b), want, "compare({a:?}, {b:?})");
        assert_eq!(compare(b, a), want.reverse(), "compare({b:?}, {a:?})");
    }
    assert_eq!(max("1.21", "1.21rc1"), "1.21rc1");
    assert_eq!(max("1.19", "1.19.0"), "1.19");
}

#[test]
fn validity_and_language_versions() {
    // (version, is_valid, is_lang, lang)
    let cases = [
        ("1.2rc3", true, false, "1.2"),
        ("1.2.3", true, false, "1.2"),
        ("1.999testmod", true, false, "1.999"),
        ("1.600+auto", false, false, ""),
        ("1.22", true, true, "1.22"),
        ("1.21.0", true, false, "1.21"),
        ("1.21rc2", true, false, "1.21"),
        ("1.21", true, true, "1.21"),
        ("1.20.0", true, false, "1.20"),
        ("1.20", true, false, "1.20"),
        ("1.19", true, false, "1.19"),
        ("1.3", true, false, "1.3"),
        ("1.2", true, false, "1.2"),
        ("1", true, false, "1"),
        ("1.0", true, false, "1"),
        ("2", true, false, "2.0"),
        ("0.5", true, false, "0.5"),
        ("1.21rc01", false, false, ""),
        ("1.2.3rc1", false, false, ""),
        ("", false, false, ""),
    ];
    for (version, valid, language, want_lang) in cases {
        assert_eq!(is_valid(version), valid, "is_valid({version:?})");
        assert_eq!(is_lang(version), language, "is_lang({version:?})");
        assert_eq!(lang(version), want_lang, "lang({version:?})");
    }
    assert!(is_prerelease("1.21rc1"));
    assert!(!is_prerelease("1.21.0"));
}

#[test]
fn toolchain_names() {
    let cases = [
        ("go1.2.3", "1.2.3"),
        ("1.2.3", ""),
        ("go1.2.3+bigcorp", ""),
        ("go1.2.3-bigcorp", "1.2.3"),
        ("go1.2.3-bigcorp more text", "1.2.3"),
        ("gccgo-go1.23rc4", ""),
        ("gccgo-go1.23rc4-bigdwarf", ""),
        ("go1.21.0\tx", "1.21.0"),
        ("go1.21/x", ""),
    ];
    for (name, want) in cases {
        assert_eq!(from_toolchain(name), want, "from_toolchain({name:?})");
    }
}

#[test]
fn go_lines() {
    let cases = [
        ("1", false),
        ("1.21", true),
        ("1.21.0", true),
        ("1.21rc1", true),
        ("1.21.0rc1", true),
        ("1.21rc", false),
        ("1.021", false),
        ("0.21", false),
        ("1.21rc01", true),
        ("1.21RC1", false),
        ("v1.21", false),
        ("1.21-x", false),
        ("10.0", true),
        ("", false),
    ];
    for (line, want) in cases {
        assert_eq!(is_valid_go_line(line), want, "is_valid_go_line({line:?})");
    }
}

#[test]
fn module_versions() {
    let compare_cases = [
        ("go", "1.2", "1.3", Less),
        ("go", "v1.2", "v1.3", Equal),
        ("go", "1.2", "1.2", Equal),
        ("toolchain", "go1.2", "go1.3", Less),
        ("toolchain", "go1.2", "go1.2", Equal),
        ("toolchain", "1.2", "1.3", Less),
        ("toolchain", "v1.2", "v1.3", Equal),
        ("toolchain", "go1.21.0-custom", "go1.21rc1", Greater),
        ("rsc.io/quote", "v1.2", "v1.3", Less),
        ("rsc.io/quote", "1.2", "1.3", Equal),
    ];
    for (path, a, b, want) in compare_cases {
        assert_eq!(
            mod_compare(path, a, b),
            want,
            "mod_compare({path}, {a}, {b})"
        );
    }
    let valid_cases = [
        ("go", "1.2", true),
        ("go", "v1.2", false),
        ("toolchain", "go1.2", true),
        ("toolchain", "v1.2", false),
        ("rsc.io/quote", "v1.2", true),
        ("rsc.io/quote", "1.2", false),
    ];
    for (path, version, want) in valid_cases {
        assert_eq!(
            mod_is_valid(path, version),
            want,
            "mod_is_valid({path}, {version})"
        );
    }
}
