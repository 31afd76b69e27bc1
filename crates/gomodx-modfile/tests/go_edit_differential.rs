//! Differential test of the edit API against `go mod edit`: each corpus
//! go.mod that parses gets, twice, a seeded random sequence of edit flags
//! (`-require`, `-droprequire`, `-exclude`, `-replace`, `-retract`, `-go`,
//! `-toolchain`, `-godebug`, `-tool`, `-ignore`, `-module` and their
//! `-drop` forms); go's `-print` and `-json` output must equal ours after the
//! same edits, and go's edit errors must equal ours.
#![allow(clippy::print_stderr)]

mod common;

use common::{Oracle, Rng, assert_no_mismatches, par_map};
use gomodx_modfile::{EditJson, ModFile, VersionInterval, parse};

/// One `go mod edit` flag.
#[derive(Debug, Clone)]
enum Edit {
    Module(String),
    Go(String),
    Toolchain(String),
    Godebug(String, String),
    DropGodebug(String),
    Require(String, String),
    DropRequire(String),
    Exclude(String, String),
    DropExclude(String, String),
    Replace(String, String, String, String),
    DropReplace(String, String),
    Retract(String, String),
    DropRetract(String, String),
    Tool(String),
    DropTool(String),
    Ignore(String),
    DropIgnore(String),
}

fn at(path: &str, version: &str) -> String {
    if version.is_empty() {
        path.to_owned()
    } else {
        format!("{path}@{version}")
    }
}

fn interval(low: &str, high: &str) -> String {
    if low == high {
        low.to_owned()
    } else {
        format!("[{low},{high}]")
    }
}

impl Edit {
    fn flag(&self) -> String {
        match self {
            Edit::Module(p) => format!("-module={p}"),
            Edit::Go(v) => format!("-go={v}"),
            Edit::Toolchain(v) => format!("-toolchain={v}"),
            Edit::Godebug(k, v) => format!("-godebug={k}={v}"),
            Edit::DropGodebug(k) => format!("-dropgodebug={k}"),
            Edit::Require(p, v) => format!("-require={}", at(p, v)),
            Edit::DropRequire(p) => format!("-droprequire={p}"),
            Edit::Exclude(p, v) => format!("-exclude={}", at(p, v)),
            Edit::DropExclude(p, v) => format!("-dropexclude={}", at(p, v)),
            Edit::Replace(op, ov, np, nv) => format!("-replace={}={}", at(op, ov), at(np, nv)),
            Edit::DropReplace(p, v) => format!("-dropreplace={}", at(p, v)),
            Edit::Retract(lo, hi) => format!("-retract={}", interval(lo, hi)),
            Edit::DropRetract(lo, hi) => format!("-dropretract={}", interval(lo, hi)),
            Edit::Tool(p) => format!("-tool={p}"),
            Edit::DropTool(p) => format!("-droptool={p}"),
            Edit::Ignore(p) => format!("-ignore={p}"),
            Edit::DropIgnore(p) => format!("-dropignore={p}"),
        }
    }

    /// Applies the edit; an error is worded as `go mod edit` prints it.
    fn apply(&self, f: &mut ModFile) -> Result<(), String> {
        let vi = |low: &str, high: &str| VersionInterval {
            low: low.to_owned(),
            high: high.to_owned(),
        };
        let result = match self {
            Edit::Go(v) if v != "none" => f.set_go(v),
            Edit::Toolchain(v) if v != "none" => f.set_toolchain(v),
            Edit::Exclude(p, v) => f.add_exclude(p, v),
            Edit::Retract(lo, hi) => f.add_retract(&vi(lo, hi), ""),
            infallible => {
                infallible.apply_infallible(f);
                Ok(())
            }
        };
        result.map_err(|err| format!("go: {}: {err}", self.flag()))
    }

    fn apply_infallible(&self, f: &mut ModFile) {
        match self {
            Edit::Module(p) => f.set_module(p),
            Edit::Go(_) => f.drop_go(),
            Edit::Toolchain(_) => f.drop_toolchain(),
            Edit::Godebug(k, v) => f.add_godebug(k, v),
            Edit::DropGodebug(k) => f.drop_godebug(k),
            Edit::Require(p, v) => f.add_require(p, v),
            Edit::DropRequire(p) => f.drop_require(p),
            Edit::DropExclude(p, v) => f.drop_exclude(p, v),
            Edit::Replace(op, ov, np, nv) => f.add_replace(op, ov, np, nv),
            Edit::DropReplace(p, v) => f.drop_replace(p, v),
            Edit::DropRetract(lo, hi) => f.drop_retract(&VersionInterval {
                low: lo.clone(),
                high: hi.clone(),
            }),
            Edit::Tool(p) => f.add_tool(p),
            Edit::DropTool(p) => f.drop_tool(p),
            Edit::Ignore(p) => f.add_ignore(p),
            Edit::DropIgnore(p) => f.drop_ignore(p),
            Edit::Exclude(..) | Edit::Retract(..) => {
                unreachable!("fallible edits go through apply")
            }
        }
    }

    /// `-module`, `-go` and `-toolchain` apply before the other edits.
    fn is_early(&self) -> bool {
        matches!(self, Edit::Module(_) | Edit::Go(_) | Edit::Toolchain(_))
    }
}

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

/// A random edit, biased towards paths and versions the file already has.
fn random_edit(rng: &mut Rng, f: &ModFile) -> Edit {
    let mut paths: Vec<&str> = vec![
        "example.com/new",
        "example.com/new/v2",
        "gopkg.in/new.v3",
        "rsc.io/quote",
    ];
    paths.extend(f.require.iter().map(|r| r.module.path.as_str()));
    paths.extend(f.exclude.iter().map(|r| r.module.path.as_str()));
    paths.extend(f.replace.iter().map(|r| r.old.path.as_str()));
    let versions = [
        "v1.2.3",
        "v2.0.0",
        "v2.0.0+incompatible",
        "v1.0.0-20200101000000-abcdefabcdef",
        "v3.1.0",
        "v1",
        "v0.1.0",
    ];
    let path = pick(rng, &paths).to_owned();
    let version = pick(rng, &versions).to_owned();
    let s = |x: &str| x.to_owned();
    match rng.below(17) {
        0 => Edit::Module(s(pick(
            rng,
            &["example.com/renamed", "example.com/renamed/v2", "x"],
        ))),
        1 => Edit::Go(s(pick(rng, &["1.23", "1.21.0", "1.16", "none", "1.22rc1"]))),
        2 => Edit::Toolchain(s(pick(rng, &["go1.23.1", "default", "none"]))),
        3 => Edit::Godebug(
            s(pick(rng, &["panicnil", "http2client"])),
            s(pick(rng, &["0", "1"])),
        ),
        4 => Edit::DropGodebug(s(pick(rng, &["panicnil", "http2client"]))),
        5 | 6 => Edit::Require(path, version),
        7 => Edit::DropRequire(path),
        8 => Edit::Exclude(path, version),
        9 => match f.exclude.first() {
            Some(x) => Edit::DropExclude(x.module.path.clone(), x.module.version.clone()),
            None => Edit::DropExclude(path, version),
        },
        10 | 11 => {
            let old_version = if rng.below(2) == 0 {
                String::new()
            } else {
                version
            };
            let (new_path, new_version) = match rng.below(3) {
                0 => (s("../local"), String::new()),
                1 => (s("example.com/fork"), s("v1.0.0")),
                _ => (s("./vendor/x"), String::new()),
            };
            Edit::Replace(path, old_version, new_path, new_version)
        }
        12 => match f.replace.first() {
            Some(r) => Edit::DropReplace(r.old.path.clone(), r.old.version.clone()),
            None => Edit::DropReplace(path, String::new()),
        },
        13 => match rng.below(3) {
            0 => Edit::Retract(version.clone(), version),
            1 => Edit::Retract(s("v1.0.0"), s("v1.9.9")),
            _ => match f.retract.first() {
                Some(r) => Edit::DropRetract(r.interval.low.clone(), r.interval.high.clone()),
                None => Edit::DropRetract(version.clone(), version),
            },
        },
        14 => Edit::Tool(s(pick(
            rng,
            &["example.com/tool/cmd/x", "golang.org/x/tools/cmd/stringer"],
        ))),
        15 => match f.tool.first() {
            Some(t) => Edit::DropTool(t.path.clone()),
            None => Edit::Ignore(s(pick(rng, &["./third_party", "node_modules"]))),
        },
        _ => match f.ignore.first() {
            Some(t) => Edit::DropIgnore(t.path.clone()),
            None => Edit::Ignore(s("./testdata/big")),
        },
    }
}

/// Applies `edits` as `go mod edit` does and returns (-print text, -json text) or the error.
fn our_edit(content: &str, edits: &[Edit]) -> Result<(String, String), String> {
    let mut f = parse("go.mod", content.as_bytes()).map_err(|e| e.to_string())?;
    for edit in edits
        .iter()
        .filter(|e| e.is_early())
        .chain(edits.iter().filter(|e| !e.is_early()))
    {
        edit.apply(&mut f)?;
    }
    f.sort_blocks();
    f.cleanup();
    Ok((f.format(), EditJson::from(&f).to_go_json()))
}

fn compare(oracle: &Oracle, content: &str, origin: &str, edits: &[Edit]) -> Result<bool, String> {
    let flags: Vec<String> = edits.iter().map(Edit::flag).collect();
    let with = |mode: &str| {
        let mut args = vec!["mod".to_owned(), "edit".to_owned()];
        args.extend(flags.iter().cloned());
        args.push(mode.to_owned());
        args
    };
    let printed = oracle.run(content, &with("-print"));
    let ours = our_edit(content, edits);
    let context = || format!("{origin} with {}", flags.join(" "));
    match ours {
        Err(err) if !printed.ok => {
            let want = printed.stderr.trim_end();
            if err == want {
                Ok(false)
            } else {
                Err(format!(
                    "{}: error\n--- go\n{want}\n--- ours\n{err}",
                    context()
                ))
            }
        }
        Err(err) => Err(format!("{}: go succeeds, we fail: {err}", context())),
        Ok(_) if !printed.ok => Err(format!(
            "{}: go fails ({}), we succeed",
            context(),
            printed.stderr
        )),
        Ok((text, json)) => {
            if text != printed.stdout {
                return Err(format!(
                    "{}: -print\n--- input\n{content}--- go\n{}--- ours\n{text}",
                    context(),
                    printed.stdout
                ));
            }
            let go_json = oracle.run(content, &with("-json"));
            if json != go_json.stdout {
                return Err(format!(
                    "{}: -json\n--- go\n{}--- ours\n{json}",
                    context(),
                    go_json.stdout
                ));
            }
            Ok(true)
        }
    }
}

#[test]
fn edits_match_go_mod_edit() {
    let Some(oracle) = Oracle::new() else {
        eprintln!("skipping: no go binary");
        return;
    };
    let mut rng = Rng(0x005e_ed0f_ed17);
    let mut cases = Vec::new();
    let corpus = oracle.corpus();
    for _round in 0..2 {
        for (content, origin) in &corpus {
            let Ok(f) = parse("go.mod", content.as_bytes()) else {
                continue;
            };
            let edits: Vec<Edit> = (0..=rng.below(4))
                .map(|_| random_edit(&mut rng, &f))
                .collect();
            cases.push((content.clone(), origin.clone(), edits));
        }
    }
    let results = par_map(&cases, |(content, origin, edits)| {
        compare(&oracle, content, origin, edits)
    });
    let applied = results.iter().filter(|r| matches!(r, Ok(true))).count();
    let refused = results.iter().filter(|r| matches!(r, Ok(false))).count();
    let mismatches: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    let summary = format!(
        "{} edited files, {applied} with equal -print and -json, {refused} refused with the same error",
        cases.len()
    );
    assert_no_mismatches("go mod edit", &summary, &mismatches);
    assert!(applied > 1000 && refused > 50, "too few edits compared");
}
