//! Go's `mvs_test.go` scenarios, read from `fixtures/mvs/mvs_test_cases.txt`
//! (format: shared spec §8.6) and run against [`gomodx_resolver::mvs`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use gomodx_module::ModuleVersion;
use gomodx_resolver::mvs::{self, DowngradeReqs, NONE, Reqs, UpgradeReqs};

/// `missing module: X`, the oracle's only error.
#[derive(Debug)]
struct Missing(String);

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "missing module: {}", self.0)
    }
}

impl std::error::Error for Missing {}

/// The scenario's requirement map (Go's `reqsMap`). Versions compare as
/// plain strings, with `none` lowest and `""` highest.
#[derive(Debug, Clone, Default)]
struct ReqsMap(BTreeMap<ModuleVersion, Vec<ModuleVersion>>);

impl ReqsMap {
    fn versions_of<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a ModuleVersion> {
        self.0
            .keys()
            .filter(move |k| k.path == path && !k.version.ends_with(".hidden"))
    }
}

impl Reqs for ReqsMap {
    type Error = Missing;

    fn required(&self, m: &ModuleVersion) -> Result<Vec<ModuleVersion>, Missing> {
        self.0.get(m).cloned().ok_or_else(|| Missing(m.to_string()))
    }

    fn max<'a>(&self, _: &str, v1: &'a str, v2: &'a str) -> &'a str {
        if v1 == NONE || v2.is_empty() {
            v2
        } else if v2 == NONE || v1.is_empty() || v1 >= v2 {
            v1
        } else {
            v2
        }
    }
}

impl UpgradeReqs for ReqsMap {
    fn upgrade(&self, m: &ModuleVersion) -> Result<ModuleVersion, Missing> {
        let mut best: Option<&ModuleVersion> = None;
        for k in self.versions_of(&m.path) {
            let current = best.map_or(NONE, |b| b.version.as_str());
            if self.max(&k.path, current, &k.version) == k.version {
                best = Some(k);
            }
        }
        best.cloned().ok_or_else(|| Missing(m.path.clone()))
    }
}

impl DowngradeReqs for ReqsMap {
    fn previous(&self, m: &ModuleVersion) -> Result<ModuleVersion, Missing> {
        let below = self
            .versions_of(&m.path)
            .filter(|k| !k.version.is_empty() && k.version < m.version)
            .max_by(|a, b| a.version.cmp(&b.version));
        Ok(below
            .cloned()
            .unwrap_or_else(|| ModuleVersion::new(m.path.clone(), NONE)))
    }
}

/// `B1` → B@1, `A` → A@"".
fn token(s: &str) -> ModuleVersion {
    ModuleVersion::new(&s[..1], &s[1..])
}

fn tokens(s: &str) -> Vec<ModuleVersion> {
    s.split_whitespace().map(token).collect()
}

/// One check line: the operation, its arguments and the expected list.
struct Check {
    line: usize,
    op: String,
    args: Vec<String>,
    want: Vec<ModuleVersion>,
}

struct Scenario {
    name: String,
    reqs: ReqsMap,
    checks: Vec<Check>,
}

fn parse(text: &str) -> Vec<Scenario> {
    let mut scenarios: Vec<Scenario> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("line {}: missing colon: {line:?}", i + 1));
        let (key, value) = (key.trim(), value.trim());
        let fields: Vec<&str> = key.split_whitespace().collect();
        if fields == ["name"] {
            scenarios.push(Scenario {
                name: value.to_owned(),
                reqs: ReqsMap::default(),
                checks: Vec::new(),
            });
            continue;
        }
        let scenario = scenarios
            .last_mut()
            .unwrap_or_else(|| panic!("line {}: no scenario yet", i + 1));
        match fields[0] {
            "build" | "upgrade*" | "upgrade" | "upgradereq" | "downgrade" | "req" => {
                let args: Vec<String> = fields[1..].iter().map(|s| (*s).to_owned()).collect();
                let arity_ok = match fields[0] {
                    "build" | "upgrade*" => args.len() == 1,
                    _ => !args.is_empty(),
                };
                assert!(
                    arity_ok,
                    "line {}: wrong number of arguments: {line:?}",
                    i + 1
                );
                scenario.checks.push(Check {
                    line: i + 1,
                    op: fields[0].to_owned(),
                    args,
                    want: tokens(value),
                });
            }
            _ if fields.len() == 1 && key.as_bytes()[0].is_ascii_uppercase() => {
                let required = tokens(value);
                for r in &required {
                    scenario.reqs.0.entry(r.clone()).or_default();
                }
                scenario.reqs.0.insert(token(key), required);
            }
            _ => panic!("line {}: bad line: {line:?}", i + 1),
        }
    }
    scenarios
}

fn run(check: &Check, reqs: &ReqsMap) -> Result<Vec<ModuleVersion>, String> {
    let target = token(&check.args[0]);
    let rest: Vec<ModuleVersion> = check.args[1..].iter().map(|s| token(s)).collect();
    match check.op.as_str() {
        "build" => mvs::build_list(&[target], reqs).map_err(|e| e.to_string()),
        "upgrade*" => mvs::upgrade_all(&target, reqs).map_err(|e| e.to_string()),
        "upgrade" => mvs::upgrade(&target, reqs, &rest).map_err(|e| e.to_string()),
        "upgradereq" => {
            let list = mvs::upgrade(&target, reqs, &rest).map_err(|e| e.to_string())?;
            let mut upgraded = reqs.clone();
            upgraded.0.insert(target.clone(), list);
            mvs::req(&target, &[], &upgraded).map_err(|e| e.to_string())
        }
        "downgrade" => {
            let all: Vec<ModuleVersion> = check.args.iter().map(|s| token(s)).collect();
            mvs::downgrade(&target, reqs, &all).map_err(|e| e.to_string())
        }
        "req" => {
            let base: Vec<&str> = check.args[1..].iter().map(String::as_str).collect();
            mvs::req(&target, &base, reqs).map_err(|e| e.to_string())
        }
        other => unreachable!("parse accepts no operation {other}"),
    }
}

#[test]
fn go_mvs_scenarios() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/mvs/mvs_test_cases.txt");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
    let scenarios = parse(&text);

    let mut failures = Vec::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for scenario in &scenarios {
        assert!(
            !scenario.checks.is_empty(),
            "scenario {} checks nothing",
            scenario.name
        );
        for check in &scenario.checks {
            *counts.entry(check.op.as_str()).or_default() += 1;
            match run(check, &scenario.reqs) {
                Ok(got) if got == check.want => {}
                got => failures.push(format!(
                    "{} (line {}): {} {}: got {got:?}, want {:?}",
                    scenario.name,
                    check.line,
                    check.op,
                    check.args.join(" "),
                    check
                        .want
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>(),
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing checks:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Spec §8.6: 39 scenarios, 77 checks.
    assert_eq!(scenarios.len(), 39);
    let want: BTreeMap<&str, usize> = [
        ("build", 37),
        ("downgrade", 12),
        ("req", 12),
        ("upgrade*", 8),
        ("upgrade", 6),
        ("upgradereq", 2),
    ]
    .into();
    assert_eq!(counts, want);
}

#[test]
fn errors_carry_the_shortest_requirement_path() {
    let reqs = parse("name: broken\nA: B1 C1\nB1: D1\nC1: E1\nE1: D1\n")
        .pop()
        .expect("one scenario")
        .reqs;
    // D1 has an (empty) entry; remove it so that reading it fails.
    let mut reqs = reqs;
    reqs.0.remove(&token("D1"));
    let err = mvs::build_list(&[token("A")], &reqs).unwrap_err();
    assert_eq!(err.module(), &token("D1"));
    assert_eq!(err.path().cloned().collect::<Vec<_>>(), tokens("A B1 D1"));
    assert_eq!(err.to_string(), "B@1 requires\n\tD@1: missing module: D@1");

    // A step through an upgrade reads "updating to".
    let mut reqs = parse("name: up\nA: B1\nB1:\nB2: C1\n")
        .pop()
        .expect("one scenario")
        .reqs;
    reqs.0.remove(&token("C1"));
    let err = mvs::upgrade_all(&token("A"), &reqs).unwrap_err();
    assert_eq!(
        err.path().cloned().collect::<Vec<_>>(),
        tokens("A B1 B2 C1")
    );
    assert_eq!(
        err.to_string(),
        "B@1 updating to\n\tB@2 requires\n\tC@1: missing module: C@1"
    );
}
