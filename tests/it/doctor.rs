//! `gomodx doctor`: one scenario per cause on Go's test proxy. Each sets
//! the cause up, asserts the diagnosis, runs the suggested command (go's
//! or gomodx's) and checks that the newest version is then what you get.

use crate::download::harness::{go_env, stderr};
use crate::freshness::Fixture;
use crate::outdated::GO_MOD_OLD_QUOTE;

const QUOTE_UP_TO_V151: &[&str] = &[
    "v1.0.0", "v1.1.0", "v1.2.0", "v1.2.1", "v1.3.0", "v1.4.0", "v1.5.0", "v1.5.1",
];

const QUOTE_ALL: &[&str] = &[
    "v1.0.0",
    "v1.1.0",
    "v1.2.0",
    "v1.2.1",
    "v1.3.0",
    "v1.4.0",
    "v1.5.0",
    "v1.5.1",
    "v1.5.2",
    "v1.5.3-pre1",
];

/// `gomodx doctor args…`: stdout, which must hold `cause`; returns the
/// fix printed under that cause.
fn diagnose(fixture: &Fixture, args: &[&str], cause: &str) -> String {
    let mut full = vec!["doctor"];
    full.extend_from_slice(args);
    let output = fixture.ok(&full);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut lines = text
        .lines()
        .skip_while(|l| !l.contains(&format!("cause: {cause}")));
    assert!(
        lines.next().is_some(),
        "no `{cause}` in:\n{text}\n{}",
        stderr(&output)
    );
    lines
        .find_map(|l| l.trim().strip_prefix("fix: ").map(str::to_owned))
        .unwrap_or_else(|| panic!("no fix for `{cause}` in:\n{text}"))
}

/// Runs a fix (`cmd && cmd`): go commands with go (returns false when go
/// is not installed), gomodx commands with gomodx.
fn apply(fixture: &Fixture, fix: &str) -> bool {
    for step in fix.split(" && ") {
        let mut words: Vec<&str> = step.split_whitespace().collect();
        let env: Vec<(&str, &str)> = words.iter().map_while(|w| w.split_once('=')).collect();
        words.drain(..env.len());
        match words[0] {
            "gomodx" => {
                fixture.ok(&words[1..]);
            }
            "go" => {
                let Some(go) = go_env(&fixture.server.url()) else {
                    return false;
                };
                let output = go
                    .command(&fixture.main, &words[1..])
                    .envs(env.iter().copied())
                    .output()
                    .unwrap();
                assert!(output.status.success(), "{step}: {}", stderr(&output));
            }
            other => panic!("unexpected fix command {other}"),
        }
    }
    true
}

/// The selected version of `rsc.io/quote` per `gomodx outdated --json`.
fn selected_quote(fixture: &Fixture) -> (String, serde_json::Value) {
    let output = fixture.ok(&["outdated", "--json"]);
    let line = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|o| o["Path"] == "rsc.io/quote")
        .unwrap();
    (line["Selected"].as_str().unwrap().to_owned(), line)
}

/// `gomodx doctor args…` stdout.
fn doctor_text(fixture: &Fixture, args: &[&str]) -> String {
    let mut full = vec!["doctor"];
    full.extend_from_slice(args);
    String::from_utf8_lossy(&fixture.ok(&full).stdout).into_owned()
}

#[test]
fn doctor_diagnoses_a_stale_stored_list() {
    let fixture = Fixture::new(GO_MOD_OLD_QUOTE);
    fixture.set_listed("rsc.io/quote", QUOTE_UP_TO_V151, "v1.5.1");
    fixture.ok(&["outdated"]);
    fixture.set_listed("rsc.io/quote", QUOTE_ALL, "v1.5.2");
    // A script that opted into a TTL still sees the stale list.
    assert_eq!(selected_latest(&fixture, &["--max-age", "1h"]), "v1.5.1");
    let fix = diagnose(
        &fixture,
        &["rsc.io/quote"],
        "the version list in gomodx's store was old",
    );
    assert_eq!(
        fix,
        "gomodx --refresh-module rsc.io/quote download rsc.io/quote@latest"
    );
    let text = doctor_text(&fixture, &["rsc.io/quote"]);
    // The header agrees with the evidence, and no fix names the stale version.
    assert!(
        text.contains("rsc.io/quote: required v1.5.1, selected v1.5.1, newest release v1.5.2"),
        "{text}"
    );
    assert!(!text.contains("go get rsc.io/quote@v1.5.1"), "{text}");
    let mvs = diagnose(
        &fixture,
        &["rsc.io/quote"],
        "MVS keeps the required version",
    );
    assert_eq!(mvs, "go get rsc.io/quote@v1.5.2");
    assert!(apply(&fixture, &fix));
    assert_eq!(selected_latest(&fixture, &["--max-age", "1h"]), "v1.5.2");
    if apply(&fixture, &mvs) {
        assert_eq!(selected_quote(&fixture).0, "v1.5.2");
    }
}

/// `gomodx [extra] download --json rsc.io/quote@latest`: the version.
fn selected_latest(fixture: &Fixture, extra: &[&str]) -> String {
    let mut args = extra.to_vec();
    args.extend(["download", "--json", "rsc.io/quote@latest"]);
    let output = fixture.ok(&args);
    let objects = gomodx_test::go::parse_json_stream(&output.stdout).unwrap();
    objects[0]["Version"].as_str().unwrap().to_owned()
}

#[test]
fn doctor_detects_a_list_lagging_behind_the_proxys_latest() {
    let fixture = Fixture::new(GO_MOD_OLD_QUOTE);
    // The proxy serves v1.5.2 as @latest and by exact query, but its list
    // stops at v1.5.1: go's @latest picks from the list.
    fixture.set_listed("rsc.io/quote", QUOTE_UP_TO_V151, "v1.5.2");
    let cause = format!(
        "{}'s version list lags behind a version it serves",
        fixture.server.url()
    );
    let fix = diagnose(&fixture, &["rsc.io/quote"], &cause);
    assert_eq!(fix, "go get rsc.io/quote@v1.5.2");
    let text = doctor_text(&fixture, &["rsc.io/quote"]);
    assert!(text.contains("@v/list lists up to v1.5.1"), "{text}");
    assert!(text.contains("/rsc.io/quote/@latest is v1.5.2"), "{text}");
    if apply(&fixture, "go get rsc.io/quote@latest") {
        assert_eq!(selected_quote(&fixture).0, "v1.5.1", "go is stuck too");
    }
    if apply(&fixture, &fix) {
        assert_eq!(selected_quote(&fixture).0, "v1.5.2");
    }
}

#[test]
fn doctor_fails_for_an_unknown_module() {
    let fixture = Fixture::new(GO_MOD_OLD_QUOTE);
    let output = fixture.run(&["doctor", "example.com/no/such/module"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("module example.com/no/such/module: no proxy in GOPROXY knows it"),
        "{text}"
    );
    assert!(!String::from_utf8_lossy(&output.stdout).contains("ok:"));
}

#[test]
fn doctor_json_lists_each_finding() {
    let fixture = Fixture::new(GO_MOD_OLD_QUOTE);
    let output = fixture.ok(&["doctor", "--json", "rsc.io/quote"]);
    let objects = gomodx_test::go::parse_json_stream(&output.stdout).unwrap();
    assert_eq!(objects.len(), 1);
    assert_eq!(objects[0]["Path"], "rsc.io/quote");
    assert_eq!(objects[0]["NewestRelease"], "v1.5.2");
    let findings = objects[0]["Findings"].as_array().unwrap();
    let mvs = findings
        .iter()
        .find(|f| {
            f["Cause"]
                .as_str()
                .unwrap()
                .starts_with("MVS keeps the required version")
        })
        .unwrap();
    assert_eq!(mvs["Fix"], "go get rsc.io/quote@v1.5.2");
    assert!(!mvs["Evidence"].as_array().unwrap().is_empty());
}

#[test]
fn doctor_diagnoses_mvs_prereleases_and_new_majors() {
    let fixture = Fixture::new(GO_MOD_OLD_QUOTE);
    let pre = diagnose(&fixture, &[], "v1.5.3-pre1 is only a pre-release");
    assert_eq!(pre, "go get rsc.io/quote@v1.5.3-pre1");
    let major = diagnose(
        &fixture,
        &[],
        "a new major version is a new module path: rsc.io/quote/v2",
    );
    assert!(major.starts_with("go get rsc.io/quote/v2@v2."), "{major}");
    let fix = diagnose(&fixture, &[], "MVS keeps the required version");
    assert_eq!(fix, "go get rsc.io/quote@v1.5.2");
    if apply(&fixture, &fix) {
        assert_eq!(selected_quote(&fixture).0, "v1.5.2");
    }
}

#[test]
fn doctor_diagnoses_a_replace() {
    let go_mod = "module example.com/m

go 1.21

require (
	rsc.io/quote v1.5.2
	rsc.io/sampler v1.3.0 // indirect
	golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c // indirect
)

replace rsc.io/quote => rsc.io/quote v1.5.1
";
    let fixture = Fixture::new(go_mod);
    let fix = diagnose(&fixture, &[], "a replace directive pins the module");
    assert_eq!(
        fix,
        "go mod edit -dropreplace=rsc.io/quote && go get rsc.io/quote@latest"
    );
    if apply(&fixture, &fix) {
        let (selected, object) = selected_quote(&fixture);
        assert_eq!(selected, "v1.5.2");
        assert!(object["Replace"].is_null(), "{object}");
    }
}

#[test]
fn doctor_diagnoses_an_exclude() {
    let go_mod = format!("{GO_MOD_OLD_QUOTE}\nexclude rsc.io/quote v1.5.2\n");
    let fixture = Fixture::new(&go_mod);
    let fix = diagnose(&fixture, &[], "an exclude directive hides v1.5.2");
    assert_eq!(
        fix,
        "go mod edit -dropexclude=rsc.io/quote@v1.5.2 && go get rsc.io/quote@v1.5.2"
    );
    if apply(&fixture, &fix) {
        assert_eq!(selected_quote(&fixture).0, "v1.5.2");
    }
}

#[test]
fn doctor_reports_gonoproxy_routing_and_goproxy_off() {
    let mut fixture = Fixture::new(GO_MOD_OLD_QUOTE);
    fixture.ok(&["outdated"]);
    fixture.gomodx.set("GONOPROXY", "rsc.io");
    let fix = diagnose(
        &fixture,
        &["rsc.io/quote"],
        "the module is routed around the proxy (GONOPROXY/GOPRIVATE)",
    );
    assert_eq!(fix, "GONOPROXY= GOPRIVATE= go get rsc.io/quote@latest");

    fixture.gomodx.set("GONOPROXY", "");
    fixture.gomodx.set("GOPROXY", "off");
    let fix = diagnose(&fixture, &[], "module lookup is disabled by GOPROXY=off");
    assert!(
        fix.contains("GOPROXY=https://proxy.golang.org,direct"),
        "{fix}"
    );
}

#[test]
fn doctor_reports_vendor_mode_from_goflags_and_from_a_vendor_directory() {
    let mut fixture = Fixture::new(GO_MOD_OLD_QUOTE);
    fixture.gomodx.set("GOFLAGS", "-mod=vendor");
    let cause = "the build uses the vendor directory";
    let fix = diagnose(&fixture, &["rsc.io/quote"], cause);
    assert_eq!(fix, "go get rsc.io/quote@latest && go mod vendor");
    let output = fixture.ok(&["doctor", "rsc.io/quote"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(text.contains("GOFLAGS has -mod=vendor"), "{text}");

    fixture.gomodx.set("GOFLAGS", "");
    let vendor = fixture.main.join("vendor");
    std::fs::create_dir_all(&vendor).unwrap();
    std::fs::write(vendor.join("modules.txt"), "# rsc.io/quote v1.5.1\n").unwrap();
    let output = fixture.ok(&["doctor", "rsc.io/quote"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(text.contains(&format!("cause: {cause}")), "{text}");
    assert!(
        text.contains("vendor exists and the go line is at least 1.14"),
        "{text}"
    );
    if apply(&fixture, &fix) {
        assert_eq!(selected_quote(&fixture).0, "v1.5.2");
    }
}

#[test]
fn doctor_diagnoses_a_retraction() {
    let fixture = Fixture::new(GO_MOD_OLD_QUOTE);
    let go_mod = fixture
        .tree
        .version_file("rsc.io/quote", "v1.5.2", "mod")
        .unwrap();
    let mut data = std::fs::read_to_string(&go_mod).unwrap();
    data.push_str("\nretract v1.5.2 // broken on Tuesdays\n");
    std::fs::write(&go_mod, data).unwrap();
    fixture.write_go_sum();
    let fix = diagnose(&fixture, &[], "v1.5.2 is retracted by the module author");
    assert!(fix.starts_with("none needed"), "{fix}");
    let output = fixture.ok(&["doctor"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(text.contains("broken on Tuesdays"), "{text}");
    assert!(
        !text.contains("MVS keeps"),
        "v1.5.1 is the newest allowed: {text}"
    );
}

#[test]
fn doctor_shows_each_proxys_answer_when_they_disagree() {
    let fixture = Fixture::new(GO_MOD_OLD_QUOTE);
    fixture.set_listed("rsc.io/quote", QUOTE_UP_TO_V151, "v1.5.1");
    let tmp = tempfile::tempdir().unwrap();
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
    let second = gomodx_test::ProxyServer::start(tree.root.clone(), Default::default());
    let mut fixture = fixture;
    let goproxy = format!("{},{}", fixture.server.url(), second.url());
    fixture.gomodx.set("GOPROXY", &goproxy);
    let fix = diagnose(&fixture, &[], "the proxies in GOPROXY disagree");
    assert_eq!(
        fix,
        format!("GOPROXY={} go get rsc.io/quote@v1.5.2", second.url())
    );
    let output = fixture.ok(&["doctor"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        text.contains(&format!("evidence: {}: v1.5.1", fixture.server.url())),
        "{text}"
    );
    assert!(
        text.contains(&format!("evidence: {}: v1.5.2", second.url())),
        "{text}"
    );
    assert!(!text.contains("store was old"), "{text}");
    assert!(!text.contains("(0s old)"), "{text}");
    if apply(&fixture, &fix) {
        assert_eq!(selected_quote(&fixture).0, "v1.5.2");
    }
}

#[test]
fn doctor_diagnoses_a_go_sum_mismatch() {
    let fixture = Fixture::new(GO_MOD_OLD_QUOTE);
    fixture.ok(&["download", "rsc.io/quote@v1.5.1"]);
    let go_sum = fixture.main.join("go.sum");
    let text = std::fs::read_to_string(&go_sum).unwrap();
    let edited: String = text
        .lines()
        .map(|line| {
            if line.starts_with("rsc.io/quote v1.5.1 h1:") {
                "rsc.io/quote v1.5.1 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n".to_owned()
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    assert_ne!(edited, text);
    std::fs::write(&go_sum, edited).unwrap();
    let output = fixture.ok(&["doctor", "rsc.io/quote"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        text.contains("cause: go.sum does not match the module's content"),
        "{text}"
    );
    assert!(text.contains("h1:AAAAAAAA"), "{text}");
}
