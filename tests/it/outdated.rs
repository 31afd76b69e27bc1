//! `gomodx outdated`: required, selected, latest and pre-release versions
//! against Go's test proxy, with the answer's provenance; offline it works
//! from the store without a request.

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
