//! Go's flag spellings (`-flag`, `--flag`, `-flag=value`, `-flag value`,
//! `-flag=true|false`) on the commands that mirror go, against go itself
//! over Go's test proxy: the same stdout, the same error and exit status.

use std::path::{Path, PathBuf};
use std::process::Output;

use gomodx_test::GoEnv;

use crate::download::harness::{Gomodx, go_env, stderr};

/// A main module served by Go's test proxy, with go.sum filled by go, and
/// go and gomodx sharing one module cache.
pub struct Scenario {
    _tmp: tempfile::TempDir,
    pub go: GoEnv,
    pub gomodx: Gomodx,
    pub main: PathBuf,
}

impl Scenario {
    /// The scenario, or `None` (SKIPPED printed by the oracle) without go.
    pub fn new(files: &[(&str, &str)]) -> Option<Self> {
        let tmp = tempfile::tempdir().unwrap();
        let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
        let go = go_env(&tree.file_url())?;
        let main = tmp.path().join("main");
        write_files(&main, files);
        let mut tidy = go.command(&main, &["list", "-m", "all"]);
        tidy.env("GOFLAGS", "-mod=mod -modcacherw");
        let out = tidy.output().unwrap();
        assert!(out.status.success(), "go list -mod=mod: {}", stderr(&out));
        write_files(&main, &files[..1]);
        let mut gomodx = Gomodx::new(&tree.file_url());
        gomodx.set("GOMODCACHE", go.gomodcache());
        gomodx.set("GOPATH", go.gopath());
        Some(Self {
            _tmp: tmp,
            go,
            gomodx,
            main,
        })
    }

    /// Runs `go go_args` and `gomodx our_args` in the main module and
    /// asserts the same stdout, exit status and (when go fails) error.
    pub fn same(&self, go_args: &[&str], our_args: &[&str]) -> Output {
        let want = self.go.run(&self.main, go_args);
        let got = self.gomodx.run(&self.main, our_args);
        assert_eq!(
            String::from_utf8_lossy(&got.stdout),
            String::from_utf8_lossy(&want.stdout),
            "stdout of gomodx {our_args:?} vs go {go_args:?}; stderr: {} / go: {}",
            stderr(&got),
            stderr(&want)
        );
        assert_eq!(
            got.status.code(),
            want.status.code(),
            "exit status of gomodx {our_args:?} vs go {go_args:?}: {} / go: {}",
            stderr(&got),
            stderr(&want)
        );
        if !want.status.success() {
            assert_eq!(
                error_lines(&stderr(&got)),
                error_lines(&stderr(&want)),
                "errors of gomodx {our_args:?} vs go {go_args:?}"
            );
        }
        got
    }
}

/// The error lines, without go's `go: ` and gomodx's `error: ` prefixes.
pub fn error_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with("hint: "))
        .map(|line| {
            line.strip_prefix("error: ")
                .or_else(|| line.strip_prefix("go: "))
                .unwrap_or(line)
                .to_owned()
        })
        .collect()
}

pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (name, content) in files {
        let file = dir.join(name);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, content).unwrap();
    }
}

/// A main module with direct, indirect, deprecated and retracted
/// dependencies (from go's `mod_list_upgrade`/`mod_list_retract` scripts).
pub const USE: &[(&str, &str)] = &[
    (
        "go.mod",
        "module example.com/use\n\ngo 1.17\n\nrequire (\n\texample.com/deprecated/a v1.9.0\n\texample.com/retract v1.0.0-bad\n\trsc.io/quote v1.2.0\n)\n",
    ),
    (
        "use.go",
        "package use\n\nimport (\n\t_ \"example.com/retract\"\n\t_ \"rsc.io/quote\"\n)\n",
    ),
];

/// Every spelling go accepts for a flag, as go args and gomodx args.
fn spellings<'a>(prefix: &[&'a str], flag: &'a str, rest: &[&'a str]) -> Vec<Vec<String>> {
    let forms = [
        format!("-{flag}"),
        format!("--{flag}"),
        format!("-{flag}=true"),
        format!("--{flag}=true"),
    ];
    forms
        .into_iter()
        .map(|form| {
            prefix
                .iter()
                .map(|s| (*s).to_owned())
                .chain(std::iter::once(form))
                .chain(rest.iter().map(|s| (*s).to_owned()))
                .collect()
        })
        .collect()
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn list_flags_in_every_go_spelling() {
    let Some(s) = Scenario::new(USE) else { return };
    let mut compared = 0;
    for flag in ["json", "u", "retracted", "versions", "m"] {
        // The main module has no version list: -versions names modules.
        let rest: &[&str] = if flag == "versions" {
            &["rsc.io/quote", "example.com/retract"]
        } else {
            &["all"]
        };
        let prefix: &[&str] = if flag == "m" {
            &["list"]
        } else {
            &["list", "-m"]
        };
        for args in spellings(prefix, flag, rest) {
            let mut ours = strs(&args);
            ours.insert(0, "-q");
            s.same(&strs(&args), &ours);
            compared += 1;
        }
    }
    // Values: `-f value`, `-f=value`, `-mod=mod`, `-mod mod`, `=false`.
    for args in [
        &["list", "-m", "-f", "{{.Path}}", "all"][..],
        &["list", "-m", "-f={{.Path}}", "all"],
        &["list", "-m", "--f={{.Path}}", "all"],
        &["list", "-mod=mod", "-m", "all"],
        &["list", "-mod", "readonly", "-m", "all"],
        &["list", "--mod=readonly", "-m", "all"],
        &["list", "-m", "-json=false", "all"],
        &["list", "-m", "-u=false", "-versions=false", "all"],
        &["list", "-m", "-modcacherw", "all"],
        &["list", "-m", "-modfile=go.mod", "all"],
        &["list", "-m", "-mod=bogus", "all"],
        &["list", "-m", "-json", "-f={{.Path}}", "all"],
        &["list", "-m", "-reuse=old.json", "rsc.io/quote@v1.5.2"],
    ] {
        s.same(args, args);
        compared += 1;
    }
    assert_eq!(compared, 33);
}

#[test]
fn list_dash_c_and_global_flags() {
    let Some(s) = Scenario::new(USE) else { return };
    let parent = s.main.parent().unwrap();
    let want = s.go.run(parent, &["-C", "main", "list", "-m", "all"]);
    let got = s.gomodx.run(parent, &["-C", "main", "list", "-m", "all"]);
    assert!(want.status.success(), "{}", stderr(&want));
    assert_eq!(got.stdout, want.stdout, "{}", stderr(&got));
    // gomodx's own flags keep working next to go's, and -j is not -json.
    let got = s
        .gomodx
        .run(&s.main, &["-j", "4", "list", "-m", "-json", "all"]);
    let want = s.go.run(&s.main, &["list", "-m", "-json", "all"]);
    assert_eq!(got.stdout, want.stdout, "{}", stderr(&got));
    let got = s
        .gomodx
        .run(&s.main, &["-j4", "--offline", "list", "-m", "all"]);
    assert!(got.status.success(), "{}", stderr(&got));
}

#[test]
fn download_graph_why_verify_flags_in_every_go_spelling() {
    let Some(s) = Scenario::new(USE) else { return };
    let mut compared = 0;
    for args in spellings(&["mod", "download"], "json", &["rsc.io/quote"]) {
        let go_args = strs(&args);
        let want = s.go.run(&s.main, &go_args);
        let got = s.gomodx.run(&s.main, &go_args[1..]);
        assert_eq!(got.status.code(), want.status.code(), "{}", stderr(&got));
        assert_eq!(
            crate::download::harness::normalize_json(
                &gomodx_test::go::parse_json_stream(&got.stdout).unwrap(),
                &s.go.gomodcache()
            ),
            crate::download::harness::normalize_json(
                &gomodx_test::go::parse_json_stream(&want.stdout).unwrap(),
                &s.go.gomodcache()
            ),
            "gomodx {:?}",
            &go_args[1..]
        );
        compared += 1;
    }
    for (go_args, ours) in [
        (
            &["mod", "download", "-x", "-modcacherw", "rsc.io/quote"][..],
            &["download", "-x", "-modcacherw", "rsc.io/quote"][..],
        ),
        (
            &["mod", "download", "-json=false", "rsc.io/quote"],
            &["download", "-q", "-json=false", "rsc.io/quote"],
        ),
        (&["mod", "graph", "-x"], &["graph", "-x"]),
        (&["mod", "graph", "-go=1.17"], &["graph", "-go=1.17"]),
        (&["mod", "graph", "-go", "1.17"], &["graph", "-go", "1.17"]),
        (&["mod", "graph", "--go=1.16"], &["graph", "--go=1.16"]),
        (&["mod", "graph", "-modcacherw"], &["graph", "-modcacherw"]),
        (
            &["mod", "why", "-m", "rsc.io/sampler"],
            &["why", "-m", "rsc.io/sampler"],
        ),
        (
            &["mod", "why", "-m=true", "rsc.io/sampler"],
            &["why", "-m=true", "rsc.io/sampler"],
        ),
        (
            &["mod", "why", "-m", "-vendor", "rsc.io/sampler"],
            &["why", "-m", "-vendor", "rsc.io/sampler"],
        ),
        (
            &["mod", "why", "-m", "--vendor=true", "rsc.io/testonly"],
            &["why", "-m", "--vendor=true", "rsc.io/testonly"],
        ),
        (&["mod", "verify"], &["verify"]),
        (
            &["mod", "verify", "-modcacherw"],
            &["verify", "-modcacherw"],
        ),
        (
            &["mod", "verify", "-modfile=go.mod"],
            &["verify", "-modfile=go.mod"],
        ),
    ] {
        s.same(go_args, ours);
        compared += 1;
    }
    assert_eq!(compared, 18);
}

#[test]
fn go_flags_gomodx_cannot_honour_fail_clearly() {
    let Some(s) = Scenario::new(USE) else { return };
    for args in [
        &["download", "-reuse=old.json", "rsc.io/quote"][..],
        &["download", "-modfile=alt.mod"],
        &["graph", "-modfile=other.mod"],
    ] {
        let got = s.gomodx.run(&s.main, args);
        assert_eq!(got.status.code(), Some(1), "gomodx {args:?}");
        assert!(got.stdout.is_empty(), "gomodx {args:?} printed data");
        let err = stderr(&got);
        assert!(
            err.starts_with("error: -mod") || err.contains("-reuse") || err.contains("-modfile="),
            "gomodx {args:?}: {err}"
        );
    }
}

/// go's vendor mode (`setDefaultBuildMod`): a vendor directory and a go line
/// of 1.14 or later make `-mod=vendor` the default, and `list -m` then
/// refuses what needs the whole graph, with go's message; an older go line,
/// a workspace's modules.txt outside a workspace, `-mod=mod` or
/// `-mod=readonly` list the graph; forced with GOFLAGS, an inconsistent
/// modules.txt fails with go's `inconsistent vendoring` report.
#[test]
fn vendor_mode_refusals_as_go() {
    let mut compared = 0;
    for (go_line, modules_txt, cases) in [
        (
            "go 1.17",
            None,
            &[
                &["list", "-m", "all"][..],
                &["list", "-m", "-json", "all"],
                &["list", "-m", "-versions", "rsc.io/quote"],
                &["list", "-m", "-u", "rsc.io/quote"],
                &["list", "-m", "rsc.io/..."],
                &["list", "-m", "-mod=vendor", "all"],
                &["list", "-m", "-mod=mod", "all"],
                &["list", "-m", "-mod=readonly", "all"],
            ][..],
        ),
        (
            "go 1.17",
            Some("## workspace\n"),
            &[&["list", "-m", "all"][..]],
        ),
        ("go 1.13", Some(""), &[&["list", "-m", "all"][..]]),
    ] {
        let go_mod = USE[0].1.replace("go 1.17", go_line);
        let Some(s) = Scenario::new(&[("go.mod", &go_mod), USE[1]]) else {
            return;
        };
        match modules_txt {
            Some(text) => write_files(&s.main, &[("vendor/modules.txt", text)]),
            // A consistent vendor directory, as go writes it.
            None => {
                for args in [&["mod", "tidy"][..], &["mod", "vendor"]] {
                    let out = s.go.run(&s.main, args);
                    assert!(out.status.success(), "go {args:?}: {}", stderr(&out));
                }
                // A deviation: go answers named modules from modules.txt,
                // which gomodx refuses to read, with a hint.
                let got = s.gomodx.run(&s.main, &["list", "-m", "rsc.io/quote"]);
                assert_eq!(got.status.code(), Some(1));
                let err = stderr(&got);
                assert!(
                    err.contains("-mod=vendor is not supported")
                        && err.contains("go defaults to it"),
                    "{err}"
                );
            }
        }
        for args in cases {
            s.same(args, args);
            compared += 1;
        }
        let mut go = s.go.command(&s.main, &["list", "-m", "all"]);
        go.env("GOFLAGS", "-mod=vendor");
        let mut ours = s.gomodx.command(&s.main, &["list", "-m", "all"]);
        ours.env("GOFLAGS", "-mod=vendor");
        let (want, got) = (go.output().unwrap(), ours.output().unwrap());
        assert_eq!(got.status.code(), want.status.code());
        assert_eq!(error_lines(&stderr(&got)), error_lines(&stderr(&want)));
        compared += 1;
    }
    assert_eq!(compared, 13);
}
