//! Go's `pseudo_test.go` table plus error texts and timestamps checked
//! against Go 1.27.3, and a construction/decoding round-trip property.

use proptest::prelude::*;

use super::*;

const TIME: &str = "20060102150405";

/// (major, older tag, pseudo-version built at [`TIME`] with rev `hash`).
const TABLE: &[(&str, &str, &str)] = &[
    ("", "", "v0.0.0-20060102150405-hash"),
    ("v0", "", "v0.0.0-20060102150405-hash"),
    ("v1", "", "v1.0.0-20060102150405-hash"),
    ("v2", "", "v2.0.0-20060102150405-hash"),
    ("unused", "v0.0.0", "v0.0.1-0.20060102150405-hash"),
    ("unused", "v1.2.3", "v1.2.4-0.20060102150405-hash"),
    (
        "unused",
        "v1.2.99999999999999999",
        "v1.2.100000000000000000-0.20060102150405-hash",
    ),
    ("unused", "v1.2.3-pre", "v1.2.3-pre.0.20060102150405-hash"),
    ("unused", "v1.3.0-pre", "v1.3.0-pre.0.20060102150405-hash"),
    ("unused", "v0.0.0--", "v0.0.0--.0.20060102150405-hash"),
    (
        "unused",
        "v1.0.0+metadata",
        "v1.0.1-0.20060102150405-hash+metadata",
    ),
    (
        "unused",
        "v2.0.0+incompatible",
        "v2.0.1-0.20060102150405-hash+incompatible",
    ),
    (
        "unused",
        "v2.3.0-pre+incompatible",
        "v2.3.0-pre.0.20060102150405-hash+incompatible",
    ),
];

#[test]
fn builds_and_decodes_go_table() {
    for &(major, older, version) in TABLE {
        assert_eq!(
            pseudo_version(major, older, TIME, "hash"),
            version,
            "{major} {older}"
        );
        assert!(is_pseudo_version(version), "is_pseudo_version({version:?})");
        assert!(!is_pseudo_version(older), "is_pseudo_version({older:?})");
        assert_eq!(pseudo_version_time(version).unwrap(), TIME);
        assert_eq!(pseudo_version_rev(version).unwrap(), "hash");
        assert_eq!(
            pseudo_version_base(version).unwrap(),
            older,
            "base of {version}"
        );
        assert!(pseudo_version_time(older).is_err());
        assert!(pseudo_version_rev(older).is_err());
    }
}

#[test]
fn recognises_only_pseudo_shapes() {
    let cases = [
        ("v1.2.3-0.0.20060102150405-hash", true),
        ("v1.2.3-a.b.0.20060102150405-abc+x.y", true),
        ("v10.0.0-20060102150405-hash", true),
        ("v1.2.3-pre0.20060102150405-hash", false),
        ("v1.0.0-x.20060102150405-hash", false),
        ("v1.0.0-20060102150405-ha-sh", false),
        ("v1.1.0-20060102150405-hash", false),
        ("v1.2.3-pre.1.20060102150405-hash", false),
        ("v1.0.0-2006010215040-hash", false),
        ("v1.0.0-200601021504050-hash", false),
        ("v1.0.0-20060102150405-", false),
        ("v1.2.3-0.20060102150405-abc+x..y", false),
        ("---", false),
    ];
    for (version, want) in cases {
        assert_eq!(
            is_pseudo_version(version),
            want,
            "is_pseudo_version({version:?})"
        );
    }
}

#[test]
fn rejects_bad_bases_like_go() {
    for bad in [
        "v0.0.0",
        "v0.0.0-",
        "v0.1.0-0.20060102150405-hash",
        "v1.0.0-0.20060102150405-hash",
        "v0.0.0-20060102150405-hash+metadata",
    ] {
        assert!(
            pseudo_version_base(bad).is_err(),
            "pseudo_version_base({bad:?})"
        );
    }
    let cases = [
        (
            "v0.0.0-0.20060102150405-hash",
            r#"pseudo-version "v0.0.0-0.20060102150405-hash" invalid: version before v0.0.0 would have negative patch number"#,
        ),
        (
            "v0.0.0-20060102150405-hash+incompatible",
            r#"pseudo-version "v0.0.0-20060102150405-hash+incompatible" invalid: lacks base version, but has build metadata "+incompatible""#,
        ),
        ("v1.2.3", r#"pseudo-version "v1.2.3" invalid: syntax error"#),
    ];
    for (version, want) in cases {
        assert_eq!(pseudo_version_base(version).unwrap_err().to_string(), want);
    }
}

#[test]
fn validates_timestamps_like_go() {
    let cases = [
        ("20061231235959", true),
        ("20040229150405", true),
        ("20000229150405", true),
        ("00000229150405", true),
        ("20061302150405", false),
        ("20060229150405", false),
        ("19000229150405", false),
        ("20060102240405", false),
        ("20060102156005", false),
        ("20060102150460", false),
        ("20060100150405", false),
        ("20060431150405", false),
    ];
    for (time, ok) in cases {
        let version = format!("v1.0.0-{time}-hash");
        match pseudo_version_time(&version) {
            Ok(got) => assert!(ok && got == time, "{version}"),
            Err(err) => {
                assert!(!ok, "{version}: {err}");
                let want =
                    format!(r#"pseudo-version "{version}" invalid: malformed time "{time}""#);
                assert_eq!(err.to_string(), want);
            }
        }
    }
    let err = pseudo_version_time("---").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"pseudo-version "---" invalid: syntax error"#
    );
}

#[test]
fn zero_pseudo_versions() {
    assert_eq!(
        zero_pseudo_version(""),
        "v0.0.0-00010101000000-000000000000"
    );
    assert_eq!(
        zero_pseudo_version("v2"),
        "v2.0.0-00010101000000-000000000000"
    );
    assert!(is_zero_pseudo_version("v2.0.0-00010101000000-000000000000"));
    assert!(!is_zero_pseudo_version(
        "v2.0.0-00010101000000-000000000001"
    ));
    assert!(!is_zero_pseudo_version("v0.0.0"));
}

#[test]
fn decimal_arithmetic() {
    for (input, want) in [
        ("0", "1"),
        ("1", "2"),
        ("99", "100"),
        ("100", "101"),
        ("101", "102"),
    ] {
        assert_eq!(increment_decimal(input), want);
    }
    let cases = [
        ("", None),
        ("0", None),
        ("00", None),
        ("1", Some("0")),
        ("2", Some("1")),
        ("99", Some("98")),
        ("100", Some("99")),
        ("101", Some("100")),
    ];
    for (input, want) in cases {
        assert_eq!(
            decrement_decimal(input).as_deref(),
            want,
            "decrement({input:?})"
        );
    }
}

/// A valid `yyyymmddhhmmss` timestamp.
fn timestamp() -> impl Strategy<Value = String> {
    (
        0u32..10000,
        1u32..13,
        1u32..29,
        0u32..24,
        0u32..60,
        0u32..60,
    )
        .prop_map(|(year, month, day, hour, minute, second)| {
            format!("{year:04}{month:02}{day:02}{hour:02}{minute:02}{second:02}")
        })
}

/// A base tag: none, a release or a pre-release, maybe with build metadata.
fn older() -> impl Strategy<Value = String> {
    let number = || prop_oneof![0u64..3, 0u64..=u64::MAX];
    let release = (number(), number(), number()).prop_map(|(a, b, c)| format!("v{a}.{b}.{c}"));
    let pre = prop_oneof![
        Just(String::new()),
        "-(0|[1-9][0-9]{0,3}|[a-z-][a-z0-9-]{0,4})"
    ];
    let build = prop_oneof![
        Just(String::new()),
        Just("+incompatible".to_owned()),
        "\\+[a-z0-9]{1,4}"
    ];
    prop_oneof![
        1 => Just(String::new()),
        4 => (release, pre, build).prop_map(|(r, p, b)| format!("{r}{p}{b}")),
    ]
}

proptest! {
    #[test]
    fn round_trips(
        major in "v[0-9]",
        older in older(),
        time in timestamp(),
        rev in "[0-9a-zA-Z]{1,12}",
    ) {
        let version = pseudo_version(&major, &older, &time, &rev);
        prop_assert!(is_pseudo_version(&version), "{}", version);
        prop_assert_eq!(pseudo_version_time(&version).unwrap(), time);
        prop_assert_eq!(pseudo_version_rev(&version).unwrap(), rev);
        prop_assert_eq!(pseudo_version_base(&version).unwrap(), older.clone());
        // A pseudo-version sorts just above its base.
        if !older.is_empty() {
            prop_assert_eq!(semver::compare(&version, &older), std::cmp::Ordering::Greater);
        }
    }
}
