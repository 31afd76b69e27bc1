//! What cmd/go checks when it reads the main module's go.mod, beyond
//! parsing (`modload.ReadModFile` and `loadModFile`): a `go` line newer
//! than the Go whose rules gomodx implements wins over any parse error,
//! `retract` needs a `module` line, the module path is required, and
//! every `godebug` key must be one Go knows (`modload.CheckGodebug`).
//!
//! gomodx is not a toolchain and never switches to another one: it applies
//! Go [`LOCAL_GO`]'s rules and refuses a newer go.mod exactly as that go
//! does with `GOTOOLCHAIN=local`.

use gomodx_module::{InvalidVersionError, ModuleError, canonical_version, gover};

use crate::{ErrorList, ModFile, Mode, parse_with};

/// The Go release whose module rules gomodx implements (Go's `gover.Local()`).
pub const LOCAL_GO: &str = "1.27.3";

/// Why the main go.mod cannot be used, worded as go words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MainModError {
    /// The file does not parse.
    #[error("errors parsing {file}:\n{errors}")]
    Parse {
        /// The go.mod's name as shown (go shows a path relative to the
        /// working directory when shorter).
        file: String,
        /// Go's `file:line: message` lines.
        errors: ErrorList,
    },
    /// Its `go` line needs a newer Go (Go's `TooNewError`).
    #[error("{what} requires go >= {version} (running go {LOCAL_GO}; GOTOOLCHAIN=local)")]
    TooNew {
        /// The file or module that needs it.
        what: String,
        /// The `go` version it needs.
        version: String,
    },
    /// It has no `module` line.
    #[error(
        "error reading {file}: missing module declaration. To specify the module path:\n\tgo mod edit -module=example.com/mod"
    )]
    MissingModule {
        /// The go.mod's name as shown.
        file: String,
    },
    /// `godebug` lines that go rejects, one `file:line: reason` each.
    #[error("{}", .problems.iter().map(|p| format!("error loading {file}:\n{p}")).collect::<Vec<_>>().join("\n"))]
    Godebug {
        /// The go.mod's name as shown.
        file: String,
        /// `file:line: reason` for each rejected line.
        problems: Vec<String>,
    },
}

/// Reads the main module's go.mod as cmd/go does outside workspace mode:
/// strictly, versions canonical (go would query the proxy for a version
/// that is not; gomodx reports it), then the checks in the module docs.
/// `file` is the name errors show.
pub fn read_main(file: &str, data: &[u8]) -> Result<ModFile, MainModError> {
    let fix = |_: &str, version: &str| match canonical_version(version) {
        v if v.is_empty() => Err(ModuleError::Version(InvalidVersionError::new(
            version,
            false,
            "must be of the form v1.2.3",
        ))),
        v => Ok(v),
    };
    let too_new = |f: &ModFile| {
        f.go_version()
            .filter(|v| gover::compare(v, LOCAL_GO).is_gt())
            .map(|v| MainModError::TooNew {
                what: file.to_owned(),
                version: v.to_owned(),
            })
    };
    let parsed = match parse_with(file, data, Mode::Strict, Some(&fix)) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let lax = parse_with(file, data, Mode::Lax, Some(&fix)).ok();
            return Err(lax
                .as_ref()
                .and_then(too_new)
                .unwrap_or(MainModError::Parse {
                    file: file.to_owned(),
                    errors,
                }));
        }
    };
    if let Some(err) = too_new(&parsed) {
        return Err(err);
    }
    if parsed.module.is_none() {
        return Err(MainModError::MissingModule {
            file: file.to_owned(),
        });
    }
    let problems: Vec<String> = parsed
        .godebug
        .iter()
        .filter_map(|g| {
            let line = parsed.syntax.line(g.syntax).start.line;
            check_godebug("godebug", &g.key, &g.value)
                .err()
                .map(|reason| format!("{file}:{line}: {reason}"))
        })
        .collect();
    if !problems.is_empty() {
        return Err(MainModError::Godebug {
            file: file.to_owned(),
            problems,
        });
    }
    Ok(parsed)
}

/// Go's `modload.CheckGodebug`: whether `key=value` is a setting Go
/// [`LOCAL_GO`] accepts (`verb` names the directive in the message).
pub fn check_godebug(verb: &str, key: &str, value: &str) -> Result<(), String> {
    for (text, what) in [(key, "key"), (value, "value")] {
        if text.contains([' ', '\t']) {
            return Err(format!("{what} contains space"));
        }
    }
    for (text, what) in [(key, "key"), (value, "value")] {
        if text.contains(',') {
            return Err(format!("{what} contains comma"));
        }
    }
    if key == "default" {
        let version = value.strip_prefix("go").filter(|v| gover::is_valid(v));
        return match version {
            None => Err("value for default= must be goVERSION".to_owned()),
            Some(v) if gover::compare(v, LOCAL_GO).is_gt() => Err(format!(
                "default={value} too new (toolchain is go{LOCAL_GO})"
            )),
            Some(_) => Ok(()),
        };
    }
    if GODEBUGS.contains(&key) {
        return Ok(());
    }
    if let Some((_, removed, old)) = REMOVED.iter().find(|(name, _, _)| *name == key) {
        return if old.contains(&value) {
            Err(format!(
                "removed GODEBUG {key:?} set to old value {value:?} (https://go.dev/doc/godebug#go-1{removed})"
            ))
        } else {
            Ok(())
        };
    }
    Err(format!("unknown {verb} {key:?}"))
}

/// Go's `internal/godebugs.All`: the settings Go 1.27 knows.
const GODEBUGS: &[&str] = &[
    "allowmultiplevcs",
    "containermaxprocs",
    "cryptocustomrand",
    "dataindependenttiming",
    "decoratemappings",
    "embedfollowsymlinks",
    "execerrdot",
    "fips140",
    "fips140ems",
    "gocachehash",
    "gocachetest",
    "gocacheverify",
    "gotestjsonbuildtext",
    "htmlmetacontenturlescape",
    "http2client",
    "http2debug",
    "http2server",
    "httpcookiemaxnum",
    "httplaxcontentlength",
    "httpmuxgo121",
    "httpservecontentkeepheaders",
    "httpservecontentmaxranges",
    "installgoroot",
    "jstmpllitinterp",
    "multipartfiles",
    "multipartmaxheaders",
    "multipartmaxparts",
    "multipathtcp",
    "netdns",
    "netedns0",
    "panicnil",
    "randautoseed",
    "randseednop",
    "rsa1024min",
    "tarinsecurepath",
    "tlsmaxrsasize",
    "tlsmlkem",
    "tlssecpmlkem",
    "tlssha1",
    "tracebacklabels",
    "updatemaxprocs",
    "urlmaxqueryparams",
    "urlstrictcolons",
    "winreadlinkvolume",
    "winsymlink",
    "x509negativeserial",
    "x509rsacrt",
    "x509sha256skid",
    "x509sslcertoverrideplatform",
    "x509usefallbackroots",
    "x509usepolicies",
    "zipinsecurepath",
];

/// Go's `internal/godebugs.Removed`: (name, minor release that removed
/// it, the values that asked for the old behaviour).
const REMOVED: &[(&str, u32, &[&str])] = &[
    ("x509sha1", 24, &["1"]),
    ("tlskyber", 24, &["0"]),
    ("gotypesalias", 27, &["0"]),
    ("tlsunsafeekm", 27, &["1"]),
    ("tlsrsakex", 27, &["1"]),
    ("tls3des", 27, &["1"]),
    ("tls10server", 27, &["1"]),
    ("x509keypairleaf", 27, &["0"]),
    ("asynctimerchan", 27, &["1", "2"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<ModFile, String> {
        read_main("go.mod", text.as_bytes()).map_err(|e| e.to_string())
    }

    #[test]
    fn godebug_keys_are_checked_as_go_checks_them() {
        assert_eq!(
            read("module m\n\ngodebug foo=1\n").unwrap_err(),
            "error loading go.mod:\ngo.mod:3: unknown godebug \"foo\""
        );
        assert_eq!(
            read("module m\n\ngodebug x509sha1=1\n").unwrap_err(),
            "error loading go.mod:\ngo.mod:3: removed GODEBUG \"x509sha1\" set to old value \"1\" (https://go.dev/doc/godebug#go-124)"
        );
        assert!(read("module m\n\ngodebug x509sha1=0\n").is_ok());
        assert!(read("module m\ngodebug (\n\tpanicnil=1\n\tdefault=go1.21\n)\n").is_ok());
        assert_eq!(
            read("module m\ngodebug default=go1.99\n").unwrap_err(),
            "error loading go.mod:\ngo.mod:2: default=go1.99 too new (toolchain is go1.27.3)"
        );
        assert_eq!(
            check_godebug("godebug", "a,b", "1").unwrap_err(),
            "key contains comma"
        );
    }

    #[test]
    fn a_newer_go_line_wins_over_parse_errors() {
        let want = "go.mod requires go >= 1.999 (running go 1.27.3; GOTOOLCHAIN=local)";
        assert_eq!(read("module m\ngo 1.999\n").unwrap_err(), want);
        assert_eq!(
            read("module m\ngo 1.999\nanewblock {\n}\n").unwrap_err(),
            want
        );
        assert!(read("module m\ngo 1.27.3\n").is_ok());
    }

    #[test]
    fn retract_and_module_lines() {
        assert_eq!(
            read("go 1.16\n\nretract latest\n").unwrap_err(),
            "errors parsing go.mod:\ngo.mod:3: no module directive found, so retract cannot be used"
        );
        assert!(
            read("go 1.16\n")
                .unwrap_err()
                .starts_with("error reading go.mod: missing module declaration")
        );
    }
}
