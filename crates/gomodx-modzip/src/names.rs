//! Name rules shared by checking and creating: `path.Clean`-cleanliness and
//! collisions under Unicode case folding (Go's `strings.EqualFold`).

use std::borrow::Cow;
use std::collections::HashMap;

use crate::error::FileProblem;

/// Whether Go's `path.Clean` leaves `name` unchanged.
pub(crate) fn is_clean(name: &str) -> bool {
    clean(name) == name
}

/// Go's `path.Clean` for slash-separated paths.
fn clean(path: &str) -> Cow<'_, str> {
    if path.is_empty() {
        return Cow::Borrowed(".");
    }
    let rooted = path.starts_with('/');
    let mut kept: Vec<&str> = Vec::new();
    for element in path.split('/') {
        match element {
            "" | "." => {}
            ".." if kept.last().is_some_and(|last| *last != "..") => {
                kept.pop();
            }
            ".." if rooted => {}
            element => kept.push(element),
        }
    }
    let joined = kept.join("/");
    let cleaned = match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    };
    if cleaned == path {
        Cow::Borrowed(path)
    } else {
        Cow::Owned(cleaned)
    }
}

/// Go's `strings.EqualFold`.
pub(crate) fn equal_fold(a: &str, b: &str) -> bool {
    fold_key(a) == fold_key(b)
}

/// A key such that two names have equal keys exactly when Go's
/// `strings.EqualFold` says they are equal.
///
/// Go folds with `unicode.SimpleFold` orbits. Rust's single-character case
/// mappings give the same classes (lower case of the upper case) except for
/// four characters, fixed up here; a unit test checks every code point
/// against Go's `unicode.SimpleFold`.
pub(crate) fn fold_key(name: &str) -> Cow<'_, str> {
    if name
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        return Cow::Borrowed(name);
    }
    Cow::Owned(name.chars().map(fold_char).collect())
}

fn fold_char(c: char) -> char {
    match c {
        // Dotless i folds only under Turkic rules, which Go does not apply.
        '\u{131}' => c,
        // Pairs whose upper case is not a single character.
        '\u{1FD3}' => '\u{390}',
        '\u{1FE3}' => '\u{3B0}',
        '\u{FB06}' => '\u{FB05}',
        _ => {
            let upper = single(c.to_uppercase()).unwrap_or(c);
            single(upper.to_lowercase()).unwrap_or(upper)
        }
    }
}

/// The only character of `chars`, if there is exactly one.
fn single(mut chars: impl Iterator<Item = char>) -> Option<char> {
    let first = chars.next()?;
    chars.next().is_none().then_some(first)
}

/// Finds case-fold collisions, duplicates, and names used both as a file and
/// as a directory. Every file's parent directories take part.
#[derive(Debug, Default)]
pub(crate) struct CollisionChecker {
    /// Fold key → the first name seen with it, and whether it is a directory.
    seen: HashMap<String, (String, bool)>,
}

impl CollisionChecker {
    /// Records `path` (clean, relative) and its parents, or reports the
    /// first conflict.
    pub(crate) fn check(&mut self, path: &str, is_dir: bool) -> Result<(), FileProblem> {
        let mut current = path;
        let mut current_is_dir = is_dir;
        loop {
            let key = fold_key(current);
            match self.seen.get(key.as_ref()) {
                Some((other, _)) if other != current => {
                    return Err(FileProblem::CaseCollision(
                        other.clone(),
                        current.to_owned(),
                    ));
                }
                Some((_, other_is_dir)) if *other_is_dir != current_is_dir => {
                    return Err(FileProblem::FileAndDirectory(current.to_owned()));
                }
                Some(_) if !current_is_dir => {
                    return Err(FileProblem::Duplicate(current.to_owned()));
                }
                // A directory seen again: its parents are already recorded,
                // but walking up again is cheap and keeps this simple.
                Some(_) => {}
                None => {
                    self.seen
                        .insert(key.into_owned(), (current.to_owned(), current_is_dir));
                }
            }
            match current.rfind('/') {
                Some(slash) => {
                    current = &current[..slash];
                    current_is_dir = true;
                }
                None => return Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn clean_matches_go_examples() {
        // From Go's path.Clean tests.
        let cases = [
            ("", "."),
            ("abc", "abc"),
            ("abc/def", "abc/def"),
            ("a/b/c", "a/b/c"),
            (".", "."),
            ("..", ".."),
            ("../..", "../.."),
            ("../../abc", "../../abc"),
            ("/abc", "/abc"),
            ("/", "/"),
            ("abc/", "abc"),
            ("abc/def/", "abc/def"),
            ("a/b/c/", "a/b/c"),
            ("./", "."),
            ("../", ".."),
            ("../../", "../.."),
            ("/abc/", "/abc"),
            ("abc//def//ghi", "abc/def/ghi"),
            ("//abc", "/abc"),
            ("///abc", "/abc"),
            ("//abc//", "/abc"),
            ("abc//", "abc"),
            ("abc/./def", "abc/def"),
            ("/./abc/def", "/abc/def"),
            ("abc/.", "abc"),
            ("abc/def/ghi/../jkl", "abc/def/jkl"),
            ("abc/def/../ghi/../jkl", "abc/jkl"),
            ("abc/def/..", "abc"),
            ("abc/def/../..", "."),
            ("/abc/def/../..", "/"),
            ("abc/def/../../..", ".."),
            ("/abc/def/../../..", "/"),
            ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"),
            ("abc/./../def", "def"),
            ("abc//./../def", "def"),
            ("abc/../../././../def", "../../def"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "clean({input:?})");
            assert_eq!(is_clean(input), input == want, "is_clean({input:?})");
        }
    }

    #[test]
    fn fold_key_follows_equal_fold() {
        assert_eq!(fold_key("a/b.go"), "a/b.go");
        assert_eq!(fold_key("README"), fold_key("readme"));
        assert_eq!(
            fold_key("\u{212A}elvin"),
            fold_key("kelvin"),
            "Kelvin sign folds to k"
        );
        assert_eq!(fold_key("\u{17F}"), fold_key("S"), "long s folds to s");
        assert_eq!(
            fold_key("\u{3C2}"),
            fold_key("\u{3A3}"),
            "final sigma folds to sigma"
        );
        assert_eq!(
            fold_key("\u{1E9E}"),
            fold_key("\u{DF}"),
            "capital sharp s folds to sharp s"
        );
        assert_ne!(
            fold_key("\u{131}"),
            fold_key("i"),
            "dotless i does not fold to i"
        );
        assert_ne!(
            fold_key("\u{130}"),
            fold_key("i"),
            "dotted capital I does not fold to i"
        );
        assert_eq!(fold_key("\u{FB06}"), fold_key("\u{FB05}"));
    }

    #[test]
    fn collisions_are_reported_like_go() {
        let mut checker = CollisionChecker::default();
        checker.check("dir/a.go", false).unwrap();
        checker.check("dir/b.go", false).unwrap();
        assert_eq!(
            checker.check("dir/A.go", false),
            Err(FileProblem::CaseCollision(
                "dir/a.go".into(),
                "dir/A.go".into()
            ))
        );
        assert_eq!(
            checker.check("DIR/c.go", false),
            Err(FileProblem::CaseCollision("dir".into(), "DIR".into())),
            "parent directories collide too"
        );
        assert_eq!(
            checker.check("dir/a.go", false),
            Err(FileProblem::Duplicate("dir/a.go".into()))
        );
        assert_eq!(
            checker.check("dir/a.go/x", false),
            Err(FileProblem::FileAndDirectory("dir/a.go".into()))
        );
        assert_eq!(
            checker.check("dir", false),
            Err(FileProblem::FileAndDirectory("dir".into()))
        );
        checker
            .check("dir", true)
            .expect("a directory may be listed again");
    }

    /// Go's fold key (`strToFold` in x/mod/zip) for every code point whose
    /// key is not itself, as `hex hex` lines.
    const GO_FOLD_TABLE: &str = r#"package main

import (
	"bufio"
	"fmt"
	"os"
	"unicode"
)

func main() {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for r := rune(0); r <= unicode.MaxRune; r++ {
		k := r
		for {
			k0 := k
			k = unicode.SimpleFold(k0)
			if k <= k0 {
				break
			}
		}
		if 'A' <= k && k <= 'Z' {
			k += 'a' - 'A'
		}
		if k != r {
			fmt.Fprintf(w, "%x %x\n", r, k)
		}
	}
}
"#;

    #[test]
    #[allow(clippy::print_stderr, reason = "a test that cannot run says why")]
    fn fold_matches_go_for_every_code_point() {
        let Some(go) = gomodx_test::go::go_bin() else {
            return;
        };
        // The fold classes are Go 1.27's (Unicode 16); an older go's differ.
        if gomodx_test::go::go_version(&go).is_none_or(|v| v < (1, 27, 0)) {
            eprintln!(
                "SKIPPED: {} is older than go 1.27 (set GOMODX_GO)",
                go.display()
            );
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let program = tmp.path().join("fold.go");
        std::fs::write(&program, GO_FOLD_TABLE).unwrap();
        let out = crate::test_support::go_command(&go, tmp.path())
            .arg("run")
            .arg(&program)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut go_key = HashMap::new();
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let (rune, key) = line.split_once(' ').unwrap();
            go_key.insert(
                u32::from_str_radix(rune, 16).unwrap(),
                u32::from_str_radix(key, 16).unwrap(),
            );
        }
        assert!(go_key.len() > 1000, "suspiciously small fold table");
        // The keys differ in spelling; the classes they induce must not.
        let mut ours_for_go = HashMap::new();
        let mut go_for_ours = HashMap::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let theirs = go_key.get(&u32::from(c)).copied().unwrap_or(u32::from(c));
            let ours = fold_char(c);
            let first_ours = *ours_for_go.entry(theirs).or_insert(ours);
            assert_eq!(
                first_ours,
                ours,
                "{c:?} (U+{:04X}): Go folds it with U+{theirs:04X}",
                u32::from(c)
            );
            let first_theirs = *go_for_ours.entry(ours).or_insert(theirs);
            assert_eq!(
                first_theirs,
                theirs,
                "{c:?} (U+{:04X}) folds with {ours:?} here, not in Go",
                u32::from(c)
            );
        }
    }

    proptest! {
        #[test]
        fn fold_key_is_idempotent(s in "\\PC{0,12}") {
            let once = fold_key(&s).into_owned();
            prop_assert_eq!(fold_key(&once).into_owned(), once);
        }

        #[test]
        fn clean_is_idempotent(s in "[a./]{0,12}") {
            let once = clean(&s).into_owned();
            prop_assert!(is_clean(&once), "clean({:?}) = {:?} is not clean", s, once);
        }
    }
}
