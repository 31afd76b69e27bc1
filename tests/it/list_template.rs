//! `gomodx list -m -f`, `-versions`, `-retracted` and `-u M@V` against go
//! on the same module (Go's test proxy): the same bytes, errors and status.

use crate::flags::{Scenario, USE};

/// Templates people write for `go list -m -f`.
const TEMPLATES: &[&str] = &[
    "{{.Path}} {{.Version}}",
    "{{.Path}}@{{.Version}}",
    "{{.Path}}\t{{.Version}}\t{{.Indirect}}",
    "{{if not .Main}}{{.Path}}{{end}}",
    "{{if .Indirect}}{{.Path}} (indirect){{end}}",
    "{{with .Update}}{{.Path}}: {{.Version}}{{end}}",
    "{{.Path}}{{with .Replace}} => {{.Path}} {{.Version}}{{end}}",
    "{{if .Deprecated}}{{.Path}}: {{.Deprecated}}{{end}}",
    "{{.Path}} {{.Retracted}}",
    "{{range .Retracted}}{{.}};{{end}}",
    "{{join .Retracted \", \"}}",
    "{{printf \"%-30s %s\" .Path .Version}}",
    "{{printf \"%q\" .Path}}",
    "{{.Path}} {{.GoVersion}}",
    "{{.Main}} {{.Indirect}} {{.Replace}} {{.Update}}",
    "{{.Time}}",
    "{{len .Path}}",
    "{{.Path}}{{\"\\n\"}}",
    "{{if and .Indirect (not .Main)}}{{.Path}}{{else}}-{{end}}",
    "{{.Path}} {{.Sum}} {{.GoModSum}}",
    "{{- .Path -}}",
    "{{$m := .}}{{$m.Path}}",
    "{{.String}}",
    "{{.Dir}}|{{.GoMod}}",
    "",
];

#[test]
fn templates_give_gos_bytes() {
    let Some(s) = Scenario::new(USE) else { return };
    let mut compared = 0;
    for template in TEMPLATES {
        for (flags, patterns) in [
            (&["-u"][..], &["all"][..]),
            (&[][..], &["all"]),
            (
                &["-retracted"],
                &["example.com/retract", "rsc.io/quote@v1.5.2"],
            ),
        ] {
            let mut args = vec!["list", "-m"];
            args.extend_from_slice(flags);
            args.extend_from_slice(&["-f", template]);
            args.extend_from_slice(patterns);
            s.same(&args, &args);
            compared += 1;
        }
    }
    assert_eq!(compared, 3 * TEMPLATES.len());
    // The seed's own command.
    let out = s.same(
        &["list", "-m", "-f", "{{.Path}} {{.Version}}", "all"],
        &["list", "-m", "-f", "{{.Path}} {{.Version}}", "all"],
    );
    assert!(!out.stdout.is_empty());
}

#[test]
fn malformed_templates_fail_as_go() {
    let Some(s) = Scenario::new(USE) else { return };
    for template in [
        "{{.Path",
        "{{.Path}",
        "{{if .Main}}x",
        "{{end}}",
        "{{nosuchfunc .Path}}",
        "{{.NoSuchField}}",
        "{{.Path}} {{.Nope}}",
        "{{.Error.Nope}}",
        "{{.Error.Err}}",
        "{{else}}",
        "{{.Replace.Path}}",
        "{{.Path}} {{.Replace.Version}}",
        "{{with .Update}}{{.Path}}",
    ] {
        let args = ["list", "-m", "-f", template, "all"];
        s.same(&args, &args);
    }
}

#[test]
fn versions_retracted_and_updates_of_queries() {
    let Some(s) = Scenario::new(USE) else { return };
    for args in [
        &["list", "-m", "-versions", "rsc.io/quote"][..],
        &["list", "-m", "-versions", "example.com/retract"],
        &[
            "list",
            "-m",
            "-versions",
            "-retracted",
            "example.com/retract",
        ],
        &["list", "-m", "-versions", "-json", "example.com/retract"],
        &[
            "list",
            "-m",
            "-versions",
            "-retracted",
            "-json",
            "example.com/retract",
        ],
        &["list", "-m", "-versions", "example.com/deprecated/a"],
        &[
            "list",
            "-m",
            "-versions",
            "-u",
            "rsc.io/quote",
            "example.com/deprecated/a",
        ],
        &["list", "-m", "-versions", "rsc.io/..."],
        &["list", "-m", "-versions", "rsc.io/quote@v1.5.0"],
        &[
            "list",
            "-m",
            "-versions",
            "-f",
            "{{.Path}}: {{join .Versions \",\"}}",
            "rsc.io/quote",
        ],
        // Not in the build list: go lists its versions all the same.
        &["list", "-m", "-versions", "example.com/undeprecated"],
        &["list", "-m", "-versions", "example.com/not/there"],
        &["list", "-m", "-u", "rsc.io/quote@v1.2.0"],
        &["list", "-m", "-u", "-json", "rsc.io/quote@v1.2.0"],
        &[
            "list",
            "-m",
            "-u",
            "rsc.io/quote@v1.5.2",
            "example.com/retract@v1.0.0-bad",
        ],
        &[
            "list",
            "-m",
            "-u",
            "-retracted",
            "example.com/retract@v1.0.0-bad",
        ],
        &[
            "list",
            "-m",
            "-u",
            "-f",
            "{{.Path}} {{.Version}} {{with .Update}}{{.Version}}{{end}}",
            "rsc.io/quote@v1.2.0",
        ],
    ] {
        s.same(args, args);
    }
}

/// `-e` as Go's own scripts use it (mod_list, mod_query, mod_retract_versions):
/// erroneous modules listed with their `Error`, status 0; without it, the
/// errors on stderr and status 1.
#[test]
fn errors_are_listed_with_dash_e() {
    let Some(s) = Scenario::new(USE) else { return };
    for args in [
        &[
            "list",
            "-m",
            "-e",
            "-f",
            "{{.Error.Err}}",
            "nonexist",
            "rsc.io/quote/buggy",
        ][..],
        &[
            "list",
            "-m",
            "-e",
            "-f",
            "{{.Error.Err}}",
            "rsc.io/quote@>v1.5.3",
        ],
        &[
            "list",
            "-m",
            "-e",
            "-json",
            "rsc.io/quote@v9.9.9",
            "rsc.io/quote@v1.5.2",
        ],
        &["list", "-m", "-e", "-versions", "example.com/not/there"],
        &["list", "-e", "-m", "all"],
        &["list", "-m", "rsc.io/quote@v9.9.9", "rsc.io/quote@v1.5.2"],
        &["list", "-m", "-e=false", "-json", "rsc.io/quote@v9.9.9"],
    ] {
        s.same(args, args);
    }
}

/// `-e` on a graph that cannot load whole (a requirement nothing can
/// serve): go lists the graph as far as it loaded, the module's error in
/// `Error` (bare: `module lookup disabled by GOPROXY=off`), status 0;
/// without `-e`, the module's error and the graph's on stderr, status 1.
#[test]
fn dash_e_lists_a_partial_graph() {
    use crate::download::harness::{Gomodx, go_env, stderr};
    let Some(mut go) = go_env("off") else { return };
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("go.mod"),
        "module example.com/m\n\ngo 1.21\n\nrequire example.com/missing v1.0.0\n",
    )
    .unwrap();
    let mut gomodx = Gomodx::new("off");
    go.set("GOFLAGS", "-mod=mod -modcacherw");
    gomodx.set("GOFLAGS", "-mod=mod -modcacherw");
    for args in [
        &["list", "-m", "-e", "all"][..],
        &["list", "-m", "-e", "-json", "all"],
        &["list", "-m", "all"],
    ] {
        let (want, got) = (go.run(tmp.path(), args), gomodx.run(tmp.path(), args));
        assert_eq!(
            String::from_utf8_lossy(&got.stdout),
            String::from_utf8_lossy(&want.stdout),
            "{args:?}"
        );
        assert_eq!(got.status.code(), want.status.code(), "{args:?}");
        assert_eq!(
            crate::flags::error_lines(&stderr(&got)),
            crate::flags::error_lines(&stderr(&want)),
            "{args:?}"
        );
    }
}
