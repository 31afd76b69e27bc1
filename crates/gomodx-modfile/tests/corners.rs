//! Go-free checks of grammar corners, error positions and texts, comment
//! placement and formatting, against outcomes recorded from Go 1.27 (see
//! `common/corners.rs`; `go_differential.rs` keeps that table honest).

mod common;

use common::corners::CORNERS;
use gomodx_modfile::parse;

#[test]
fn corner_cases_match_recorded_go_outcomes() {
    let mut failures = Vec::new();
    for corner in CORNERS {
        let got = parse("go.mod", corner.input.as_bytes()).map(|mut f| {
            f.sort_blocks();
            f.cleanup();
            f.format()
        });
        let matches = match (&got, &corner.want) {
            (Ok(text), Ok(want)) => text == want,
            (Err(errs), Err(want)) => errs.to_string() == *want,
            _ => false,
        };
        if !matches {
            failures.push(format!(
                "{}: got {got:?}, want {:?}",
                corner.name, corner.want
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
