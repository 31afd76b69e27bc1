//! Go's `semver_test.go` table (inputs and canonical forms, in ascending
//! order), extra edge cases, and property tests against the `semver` crate.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;

/// (input, canonical form or `""` if invalid), ascending by precedence.
const TABLE: &[(&str, &str)] = &[
    ("bad", ""),
    ("v1-alpha.beta.gamma", ""),
    ("v1-pre", ""),
    ("v1+meta", ""),
    ("v1-pre+meta", ""),
    ("v1.2-pre", ""),
    ("v1.2+meta", ""),
    ("v1.2-pre+meta", ""),
    ("v1.0.0-alpha", "v1.0.0-alpha"),
    ("v1.0.0-alpha.1", "v1.0.0-alpha.1"),
    ("v1.0.0-alpha.beta", "v1.0.0-alpha.beta"),
    ("v1.0.0-beta", "v1.0.0-beta"),
    ("v1.0.0-beta.2", "v1.0.0-beta.2"),
    ("v1.0.0-beta.11", "v1.0.0-beta.11"),
    ("v1.0.0-rc.1", "v1.0.0-rc.1"),
    ("v1", "v1.0.0"),
    ("v1.0", "v1.0.0"),
    ("v1.0.0", "v1.0.0"),
    ("v1.2", "v1.2.0"),
    ("v1.2.0", "v1.2.0"),
    ("v1.2.3-456", "v1.2.3-456"),
    ("v1.2.3-456.789", "v1.2.3-456.789"),
    ("v1.2.3-456-789", "v1.2.3-456-789"),
    ("v1.2.3-456a", "v1.2.3-456a"),
    ("v1.2.3-pre", "v1.2.3-pre"),
    ("v1.2.3-pre+meta", "v1.2.3-pre"),
    ("v1.2.3-pre.1", "v1.2.3-pre.1"),
    ("v1.2.3-zzz", "v1.2.3-zzz"),
    ("v1.2.3", "v1.2.3"),
    ("v1.2.3+meta", "v1.2.3"),
    ("v1.2.3+meta-pre", "v1.2.3"),
    ("v1.2.3+meta-pre.sha.256a", "v1.2.3"),
];

#[test]
fn validity_and_parts() {
    for &(input, canon) in TABLE {
        assert_eq!(is_valid(input), !canon.is_empty(), "is_valid({input:?})");
        assert_eq!(canonical(input), canon, "canonical({input:?})");
        let want_major = canon
            .split('.')
            .next()
            .filter(|_| canon.contains('.'))
            .unwrap_or("");
        assert_eq!(major(input), want_major, "major({input:?})");
        let want_pre = canon.find('-').map_or("", |i| &canon[i..]);
        assert_eq!(prerelease(input), want_pre, "prerelease({input:?})");
        let want_build = input
            .find('+')
            .filter(|_| !canon.is_empty())
            .map_or("", |i| &input[i..]);
        assert_eq!(build(input), want_build, "build({input:?})");
        let want_major_minor = if canon.is_empty() {
            String::new()
        } else {
            let bare = input.split(['+', '-']).next().unwrap_or_default();
            match bare.matches('.').count() {
                0 => format!("{bare}.0"),
                1 => bare.to_owned(),
                _ => bare[..bare.rfind('.').unwrap_or_default()].to_owned(),
            }
        };
        assert_eq!(
            major_minor(input),
            want_major_minor,
            "major_minor({input:?})"
        );
    }
}

#[test]
fn compare_follows_table_order() {
    for (i, &(a, canon_a)) in TABLE.iter().enumerate() {
        for (j, &(b, canon_b)) in TABLE.iter().enumerate() {
            let want = if canon_a == canon_b {
                Ordering::Equal
            } else {
                i.cmp(&j)
            };
            assert_eq!(compare(a, b), want, "compare({a:?}, {b:?})");
        }
    }
    let extra = [
        ("v1", "v1", Ordering::Equal),
        ("v2", "v1", Ordering::Greater),
        ("v1", "v2", Ordering::Less),
        ("v1.19", "v1.2", Ordering::Greater),
        ("v2.0.0+incompatible", "v2.0.0", Ordering::Equal),
        ("v1.0.0+a", "v1.0.0+b", Ordering::Equal),
        (
            "v99999999999999999999999.0.0",
            "v99999999999999999999998.0.0",
            Ordering::Greater,
        ),
        (
            "v100000000000000000000.0.0",
            "v99999999999999999999.0.0",
            Ordering::Greater,
        ),
        (
            "v1.0.0-99999999999999999999999",
            "v1.0.0-100000000000000000000000",
            Ordering::Less,
        ),
        ("v1.0.0-9", "v1.0.0-10", Ordering::Less),
        ("v1.0.0-a", "v1.0.0-9", Ordering::Greater),
        (
            "v1.2.4-0.20190311183353-d8887717615a",
            "v1.2.4-1",
            Ordering::Less,
        ),
        (
            "v1.2.4-0.20190311183353-d8887717615a",
            "v1.2.3",
            Ordering::Greater,
        ),
        ("junk", "", Ordering::Equal),
        ("junk", "v0.0.0-0", Ordering::Less),
    ];
    for (a, b, want) in extra {
        assert_eq!(compare(a, b), want, "compare({a:?}, {b:?})");
    }
}

#[test]
fn rejects_malformed_versions() {
    for bad in [
        "",
        "v",
        "1.2.3",
        "V1.2.3",
        "v01",
        "v1.02",
        "v1.2.03",
        "v1.2.3.4",
        "v1.",
        "v1.2.",
        "v1.2.3-",
        "v1.2.3+",
        "v1.2.3-01",
        "v1.2.3-a..b",
        "v1.2.3-a.",
        "v1.2.3-.a",
        "v1.2.3+a.",
        "v1.2.3+a+b",
        "v1.2.3-pre_x",
        "v1.2.3 ",
        "v-1",
        "v1.2.3-é",
    ] {
        assert!(!is_valid(bad), "is_valid({bad:?})");
        assert_eq!(canonical(bad), "");
    }
    for good in [
        "v0",
        "v1.2.3-0a",
        "v1.2.3+01",
        "v1.2.3--",
        "v1.2.3-0",
        "v1.2.3+0.-",
    ] {
        assert!(is_valid(good), "is_valid({good:?})");
    }
}

#[test]
fn sort_and_max() {
    let mut versions: Vec<String> = [
        "v1.0.0",
        "v1",
        "bad",
        "v1.0.0-rc.1",
        "v0.9.0",
        "v1.0.0+b",
        "v1.0.0+a",
        "also-bad",
    ]
    .map(String::from)
    .to_vec();
    sort(&mut versions);
    let want = [
        "also-bad",
        "bad",
        "v0.9.0",
        "v1.0.0-rc.1",
        "v1",
        "v1.0.0",
        "v1.0.0+a",
        "v1.0.0+b",
    ];
    assert_eq!(versions, want);
    assert_eq!(max("v1.2.0", "v1.10.0"), "v1.10.0");
    assert_eq!(max("v1.0.0", "v1"), "v1.0.0");
    assert_eq!(max("bad", "v0.0.1"), "v0.0.1");
}

#[test]
fn version_newtype() {
    let v: Version = "v1.2".parse().unwrap();
    assert_eq!(v.as_str(), "v1.2");
    assert_eq!(v.to_string(), "v1.2");
    assert_eq!(v.canonical().as_str(), "v1.2.0");
    assert!(!v.is_canonical());
    assert!(v.canonical().is_canonical());
    assert_eq!(v.major(), "v1");
    let inc = Version::parse("v2.0.0+incompatible").unwrap();
    assert_eq!(inc.build(), "+incompatible");
    assert_eq!(inc.prerelease(), "");
    assert_eq!(Version::parse("v2.0.0-rc.1").unwrap().prerelease(), "-rc.1");
    assert_eq!(String::from(inc.clone()), inc.clone().into_string());

    let err = Version::parse("master").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"version "master" invalid: not a semantic version"#
    );

    let set: BTreeSet<Version> = ["v1.10.0", "v1.2.0", "v1.2", "v1.2.0+meta", "v1.2.0-rc.1"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let order: Vec<&str> = set.iter().map(Version::as_str).collect();
    assert_eq!(
        order,
        ["v1.2.0-rc.1", "v1.2", "v1.2.0", "v1.2.0+meta", "v1.10.0"]
    );
}

/// A pre-release identifier: numeric without leading zeros, or alphanumeric.
fn identifier() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..20).prop_map(|n| n.to_string()),
        "[1-9][0-9]{0,25}",
        "[0-9A-Za-z-]{0,3}[A-Za-z-][0-9A-Za-z-]{0,3}",
    ]
}

/// A canonical version the `semver` crate can also parse (numbers fit `u64`).
fn canonical_version() -> impl Strategy<Value = String> {
    let number = prop_oneof![0u64..4, 0u64..=u64::MAX];
    let pre = prop::collection::vec(identifier(), 0..4);
    (number.clone(), number.clone(), number, pre).prop_map(|(a, b, c, pre)| {
        let pre = if pre.is_empty() {
            String::new()
        } else {
            format!("-{}", pre.join("."))
        };
        format!("v{a}.{b}.{c}{pre}")
    })
}

/// Mostly version-like strings, valid or not.
fn version_like() -> impl Strategy<Value = String> {
    prop_oneof![
        canonical_version(),
        (canonical_version(), "[0-9A-Za-z.-]{1,6}").prop_map(|(v, b)| format!("{v}+{b}")),
        "v[0-9]{1,3}(\\.[0-9]{1,3}){0,2}",
        "v?[0-9a-z.+-]{0,10}",
    ]
}

proptest! {
    #[test]
    fn compare_matches_semver_crate(a in canonical_version(), b in canonical_version()) {
        let parse = |v: &str| ::semver::Version::parse(&v[1..]).expect("canonical versions parse");
        prop_assert!(is_valid(&a) && canonical(&a) == a);
        prop_assert_eq!(compare(&a, &b), parse(&a).cmp_precedence(&parse(&b)));
    }

    #[test]
    fn compare_is_a_total_preorder(a in version_like(), b in version_like(), c in version_like()) {
        prop_assert_eq!(compare(&a, &b), compare(&b, &a).reverse());
        if compare(&a, &b) != Ordering::Greater && compare(&b, &c) != Ordering::Greater {
            prop_assert_ne!(compare(&a, &c), Ordering::Greater);
        }
        // The newtype's order is total and agrees with equality.
        if let (Ok(x), Ok(y)) = (Version::parse(&a), Version::parse(&b)) {
            prop_assert_eq!(x.cmp(&y) == Ordering::Equal, x == y);
        }
    }

    #[test]
    fn canonical_is_idempotent(v in version_like()) {
        let once = canonical(&v);
        prop_assert_eq!(canonical(&once), once.clone());
        if is_valid(&v) {
            prop_assert_eq!(compare(&v, &once), Ordering::Equal);
            prop_assert!(is_valid(&once));
        } else {
            prop_assert_eq!(once, "");
        }
    }
}
