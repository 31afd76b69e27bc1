//! `gomodx outdated`: required, selected, latest and pre-release versions
//! against Go's test proxy, with the answer's provenance; offline it works
//! from the store without a request.

use gomodx_test::server::{Fault, FaultRule, Faults, PathMatch};
use serde_json::Value;

use crate::download::harness::stderr;
use crate::freshness::Fixture;

pub(crate) const GO_MOD_OLD_QUOTE: &str = "module example.com/m

go 1.21

require (
	rsc.io/quote v1.5.1
	rsc.io/sampler v1.3.0 // indirect
	golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c // indirect
)
";

fn objects(output: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn outdated_shows_newer_versions_and_where_they_came_from() {
    let fixture = Fixture::new(GO_MOD_OLD_QUOTE);
    let output = fixture.ok(&["outdated", "--json"]);
    let direct = objects(&output);
    assert_eq!(direct.len(), 1, "only direct dependencies: {direct:?}");
    let quote = &direct[0];
    assert_eq!(quote["Path"], "rsc.io/quote");
    assert_eq!(quote["Required"], "v1.5.1");
    assert_eq!(quote["Selected"], "v1.5.1");
    assert_eq!(quote["Latest"], "v1.5.2");
    assert_eq!(quote["NewestPrerelease"], "v1.5.3-pre1");
    assert_eq!(quote["Outdated"], true);
    assert_eq!(quote["Provenance"]["Source"], "network");
    assert_eq!(quote["Provenance"]["Endpoint"], "rsc.io/quote/@v/list");

    let all = objects(&fixture.ok(&["outdated", "--all", "--json"]));
    let sampler = all.iter().find(|o| o["Path"] == "rsc.io/sampler").unwrap();
    assert_eq!(sampler["Indirect"], true);
    assert_eq!(sampler["Latest"], "v1.99.99");

    // Offline, from the store: no request at all, the same answers.
    fixture.take_requests();
    let table = fixture.ok(&["--offline", "outdated"]);
    assert_eq!(fixture.take_requests(), Vec::<String>::new());
    let text = String::from_utf8_lossy(&table.stdout).into_owned();
    let row = text
        .lines()
        .find(|l| l.starts_with("rsc.io/quote"))
        .unwrap();
    for column in ["v1.5.1", "v1.5.2", "v1.5.3-pre1", "outdated"] {
        assert!(row.contains(column), "{row}\n{}", stderr(&table));
    }
}

#[test]
fn outdated_all_skips_go_and_toolchain_aligns_columns_and_keeps_errors_short() {
    let go_mod = "module example.com/m

go 1.21

toolchain go1.22.0

require (
	rsc.io/quote v1.5.1
	rsc.io/breaker v2.0.0+incompatible
)
";
    let fixture = Fixture::new(go_mod);
    let output = fixture.ok(&["outdated", "--all"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.iter()
            .all(|r| !r.starts_with("go ") && !r.starts_with("toolchain ")),
        "{text}"
    );
    assert!(!text.contains("malformed module path"), "{text}");
    assert!(
        rows.iter()
            .any(|r| r.starts_with("rsc.io/breaker") && r.contains("v2.0.0+incompatible")),
        "{text}"
    );
    // Every column starts where its header does.
    for column in [
        "REQUIRED",
        "SELECTED",
        "LATEST",
        "PRERELEASE",
        "LIST AGE",
        "NOTES",
    ] {
        let at = header.find(column).unwrap();
        for row in &rows {
            let before = &row.as_bytes()[..at];
            assert!(
                before.ends_with(b"  ") && row.as_bytes().get(at) != Some(&b' '),
                "{column} misaligned in:\n{text}"
            );
        }
    }

    // A failing proxy: a few words in NOTES, the error itself below.
    fixture
        .server
        .set_faults(Faults::none().rule(FaultRule::new(
            PathMatch::Suffix("/rsc.io/breaker/@v/list".to_owned()),
            Fault::Status {
                code: 500,
                retry_after: None,
            },
        )));
    let mut fresh = Fixture::new(go_mod);
    fresh.gomodx.set("GOPROXY", fixture.server.url());
    let output = fresh.ok(&["outdated"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let row = text
        .lines()
        .find(|l| l.starts_with("rsc.io/breaker"))
        .unwrap();
    assert!(row.ends_with("latest: the proxy failed"), "{text}");
    assert!(!text.contains("http://"), "{text}");
    let warnings = stderr(&output);
    assert!(
        warnings.contains("rsc.io/breaker@latest: ") && warnings.contains("500"),
        "{warnings}"
    );
}
