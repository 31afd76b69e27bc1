//! Differential test against the real `go` command: every go.mod in
//! `$GOROOT/src/cmd/go/testdata` (txtar members of `script/*.txt`, `.mod`
//! and `go.mod` members of `mod/*.txt`), and 1500 seeded mutants of them,
//! go through `go mod edit -json` and `go mod edit -fmt`, and through this crate.
//!
//! - go accepts ⇒ we accept, our JSON equals go's byte for byte, and our
//!   sort+cleanup+format equals what `-fmt` writes; when `-fmt` leaves the
//!   file unchanged, our plain `format(parse(x))` is the identity.
//! - go rejects ⇒ we reject with the same error text.
#![allow(clippy::print_stderr)]

mod common;

use std::collections::BTreeMap;

use common::{Oracle, Rng, assert_no_mismatches, par_map};
use gomodx_modfile::{EditJson, parse};

/// How one file compared.
#[derive(Default)]
struct Tally {
    accepted: usize,
    rejected: usize,
    identity: usize,
    mismatches: Vec<String>,
}

impl Tally {
    fn summary(&self, total: usize) -> String {
        format!(
            "{total} unique files, {} accepted by both (JSON and -fmt equal), {} already formatted and round-trip, {} rejected by both with the same error",
            self.accepted, self.identity, self.rejected
        )
    }
}

fn compare(oracle: &Oracle, content: &str, origin: &str) -> Tally {
    let mut tally = Tally::default();
    let arg = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let json = oracle.run(content, &arg(&["mod", "edit", "-json"]));
    let ours = parse("go.mod", content.as_bytes());
    match (json.ok, ours) {
        (true, Ok(mut file)) => {
            tally.accepted += 1;
            let formatted = oracle.run(content, &arg(&["mod", "edit", "-fmt"]));
            assert!(
                formatted.ok,
                "-fmt failed where -json worked: {}",
                formatted.stderr
            );
            let formatted = formatted.file;
            if formatted == content {
                let plain = file.format();
                if plain == content {
                    tally.identity += 1;
                } else {
                    tally.mismatches.push(format!(
                        "{origin}: round-trip\n--- input\n{content}--- ours\n{plain}"
                    ));
                }
            }
            file.sort_blocks();
            file.cleanup();
            let our_json = EditJson::from(&file).to_go_json();
            if our_json != json.stdout {
                tally.mismatches.push(format!(
                    "{origin}: json\n--- go\n{}--- ours\n{our_json}",
                    json.stdout
                ));
            }
            let our_fmt = file.format();
            if our_fmt != formatted {
                tally.mismatches.push(format!(
                    "{origin}: fmt\n--- go\n{formatted}--- ours\n{our_fmt}"
                ));
            }
        }
        (false, Err(errs)) => {
            let go_err = json
                .stderr
                .strip_prefix("go: errors parsing go.mod:\n")
                .unwrap_or(&json.stderr);
            let go_err = go_err.trim_end_matches('\n');
            if errs.to_string() == go_err {
                tally.rejected += 1;
            } else {
                tally.mismatches.push(format!(
                    "{origin}: error text\n--- go\n{go_err}\n--- ours\n{errs}"
                ));
            }
        }
        (true, Err(errs)) => tally.mismatches.push(format!(
            "{origin}: go accepts, we reject: {errs}\n{content}"
        )),
        (false, Ok(_)) => tally.mismatches.push(format!(
            "{origin}: go rejects ({}), we accept\n{content}",
            json.stderr
        )),
    }
    tally
}

fn compare_all(oracle: &Oracle, files: &[(String, String)]) -> Tally {
    let mut total = Tally::default();
    for t in par_map(files, |(content, origin)| compare(oracle, content, origin)) {
        total.accepted += t.accepted;
        total.rejected += t.rejected;
        total.identity += t.identity;
        total.mismatches.extend(t.mismatches);
    }
    total
}

#[test]
fn corpus_matches_go_mod_edit() {
    let Some(oracle) = Oracle::new() else {
        eprintln!("skipping: no go binary");
        return;
    };
    let files = oracle.corpus();
    assert!(
        files.len() > 500,
        "corpus unexpectedly small: {}",
        files.len()
    );
    let tally = compare_all(&oracle, &files);
    assert_no_mismatches(
        "go.mod corpus",
        &tally.summary(files.len()),
        &tally.mismatches,
    );
    assert!(
        tally.accepted > 400 && tally.rejected > 10,
        "too few files compared"
    );
}

/// Fragments spliced into corpus files to reach grammar corners and errors.
const SNIPPETS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ",",
    "{",
    "}",
    "\"",
    "`",
    "'",
    "//",
    "/*",
    "\n",
    " ",
    "\t",
    "\r",
    "\\",
    "=>",
    "@",
    "v1",
    "v2.0.0",
    "v1.2",
    "+incompatible",
    "// indirect",
    "//indirect; x",
    "\u{a0}",
    "\u{0}",
    "\u{b}",
    "é",
    "retract",
    "require",
    "replace",
    "exclude",
    "go",
    "module",
    "toolchain",
    "godebug",
    "tool",
    "ignore",
    "1.21",
    "go1.22",
    "(\n",
    "\n)",
    "./x",
    "../y",
    "C:\\x",
    "x.com/y",
    "x.com/y/v2",
    "gopkg.in/y.v2",
    "\"a b\"",
    "\"\\x41\"",
    "k=v",
    "// Deprecated: gone",
    "\n\n",
    "[v1.0.0, v1.1.0]",
];

/// Applies one random edit: splice a snippet, delete a few runes, or
/// duplicate/delete a line.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = rng.below(chars.len() + 1);
    let head: String = chars[..at].iter().collect();
    let tail: String = chars[at..].iter().collect();
    match rng.below(4) {
        0 | 1 => format!("{head}{}{tail}", SNIPPETS[rng.below(SNIPPETS.len())]),
        2 => format!(
            "{head}{}",
            tail.chars().skip(1 + rng.below(4)).collect::<String>()
        ),
        _ => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            let i = rng.below(lines.len());
            if rng.below(2) == 0 {
                let line = lines.get(i).copied().unwrap_or("");
                lines.insert(i, line);
            } else if i < lines.len() {
                lines.remove(i);
            }
            lines.concat()
        }
    }
}

#[test]
fn mutated_corpus_matches_go_mod_edit() {
    let Some(oracle) = Oracle::new() else {
        eprintln!("skipping: no go binary");
        return;
    };
    let seeds: Vec<String> = oracle
        .corpus()
        .into_iter()
        .map(|(content, _)| content)
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut mutants = BTreeMap::new();
    while mutants.len() < 1500 {
        let mut text = seeds[rng.below(seeds.len())].clone();
        for _ in 0..=rng.below(3) {
            text = mutate(&mut rng, &text);
        }
        let origin = format!("mutant {}", mutants.len());
        mutants.entry(text).or_insert(origin);
    }
    let files: Vec<(String, String)> = mutants.into_iter().collect();
    let tally = compare_all(&oracle, &files);
    assert_no_mismatches(
        "mutated go.mod files",
        &tally.summary(files.len()),
        &tally.mismatches,
    );
    assert!(
        tally.rejected > 300,
        "too few rejected mutants to exercise errors"
    );
}

#[test]
fn recorded_corner_cases_are_what_go_does() {
    let Some(oracle) = Oracle::new() else {
        eprintln!("skipping: no go binary");
        return;
    };
    let args = |mode: &str| ["mod", "edit", mode].map(str::to_owned).to_vec();
    let results = par_map(common::corners::CORNERS, |corner| {
        let printed = oracle.run(corner.input, &args("-print"));
        let got = if printed.ok {
            Ok(printed.stdout)
        } else {
            let text = printed
                .stderr
                .strip_prefix("go: errors parsing go.mod:\n")
                .unwrap_or(&printed.stderr);
            Err(text.trim_end_matches('\n').to_owned())
        };
        let same = match (&got, corner.want) {
            (Ok(a), Ok(b)) | (Err(a), Err(b)) => a == b,
            _ => false,
        };
        let json = compare(&oracle, corner.input, corner.name);
        (same, got, json)
    });
    let mut mismatches = Vec::new();
    for (corner, (same, got, json)) in common::corners::CORNERS.iter().zip(results) {
        if !same {
            mismatches.push(format!(
                "{}: recorded {:?}, go says {got:?}",
                corner.name, corner.want
            ));
        }
        mismatches.extend(json.mismatches);
    }
    assert_no_mismatches(
        "corner cases",
        &format!("{} recorded cases", common::corners::CORNERS.len()),
        &mismatches,
    );
}
