//! Request paths: the GOPROXY protocol's endpoints, decoded and checked.
//!
//! A path is percent-decoded once, then must be UTF-8 without control
//! characters or backslashes, and made of non-empty segments other than
//! `.` and `..`. Module paths and versions are case-unescaped
//! (`!x` → `X`) and checked as Go's `module.UnescapePath` and
//! `UnescapeVersion` check them. Nothing here ever names a file: the
//! decoded module and version go to the fetcher, which maps them into the
//! store itself.

use gomodx_module::escape::{unescape_path, unescape_version};
use gomodx_module::{ModuleVersion, canonical_version};

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `/healthz`.
    Health,
    /// `<module>/@v/list`.
    List {
        /// The module path.
        path: String,
    },
    /// `<module>/@latest`.
    Latest {
        /// The module path.
        path: String,
    },
    /// `<module>/@v/<version>.info`: any version or query go stats.
    Info {
        /// The module path.
        path: String,
        /// The version, branch or commit.
        version: String,
    },
    /// `<module>/@v/<version>.mod` of a canonical version.
    Mod(ModuleVersion),
    /// `<module>/@v/<version>.zip` of a canonical version.
    Zip(ModuleVersion),
    /// `sumdb/<name>/supported`.
    SumdbSupported {
        /// The checksum database's name.
        name: String,
    },
    /// `sumdb/<name>/{latest,lookup/…,tile/…}`.
    Sumdb {
        /// The checksum database's name.
        name: String,
        /// The rest of the path, as requested (still escaped).
        rest: String,
    },
}

/// Why a path is not served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// Not a well-formed request (answered `400 Bad Request`).
    Malformed(String),
    /// Well-formed, but no such resource (answered `404 Not Found`, which
    /// lets go fall through to its next proxy).
    NotFound(String),
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathError::Malformed(why) | PathError::NotFound(why) => f.write_str(why),
        }
    }
}

/// Parses a request's URI path (without the query).
pub fn parse(raw: &str) -> Result<Endpoint, PathError> {
    let malformed = |why: &str| PathError::Malformed(format!("malformed path: {why}"));
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| malformed("not UTF-8"))?;
    let Some(path) = decoded.strip_prefix('/') else {
        return Err(malformed("not absolute"));
    };
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return Err(malformed("control character or backslash"));
    }
    if path
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == "..")
    {
        return Err(malformed("empty, `.` or `..` segment"));
    }
    if path == "healthz" {
        return Ok(Endpoint::Health);
    }
    if let Some(rest) = path.strip_prefix("sumdb/") {
        return sumdb(rest);
    }
    if let Some(escaped) = path.strip_suffix("/@latest") {
        return Ok(Endpoint::Latest {
            path: module_path(escaped)?,
        });
    }
    let Some((escaped, file)) = path.split_once("/@v/") else {
        return Err(PathError::NotFound(format!("not found: {raw}")));
    };
    let path = module_path(escaped)?;
    if file == "list" {
        return Ok(Endpoint::List { path });
    }
    let Some((version, ext)) = file.rsplit_once('.') else {
        return Err(PathError::NotFound(format!("not found: {raw}")));
    };
    if version.contains('/') || !matches!(ext, "info" | "mod" | "zip") {
        return Err(PathError::NotFound(format!("not found: {raw}")));
    }
    let version = unescape_version(version).map_err(|e| PathError::Malformed(e.to_string()))?;
    if ext == "info" {
        return Ok(Endpoint::Info { path, version });
    }
    let module = canonical(path, version)?;
    Ok(if ext == "mod" {
        Endpoint::Mod(module)
    } else {
        Endpoint::Zip(module)
    })
}

/// A case-escaped module path, unescaped and checked.
fn module_path(escaped: &str) -> Result<String, PathError> {
    unescape_path(escaped).map_err(|e| PathError::Malformed(e.to_string()))
}

/// `.mod` and `.zip` exist only for canonical versions valid for the path.
fn canonical(path: String, version: String) -> Result<ModuleVersion, PathError> {
    if let Err(err) = gomodx_module::check(&path, &version) {
        return Err(PathError::NotFound(format!("not found: {err}")));
    }
    if canonical_version(&version) != version {
        return Err(PathError::NotFound(format!(
            "not found: {path}@{version}: version is not canonical (use {})",
            canonical_version(&version)
        )));
    }
    Ok(ModuleVersion::new(path, version))
}

/// `sumdb/<name>/…`: the name is one segment (a host name).
fn sumdb(rest: &str) -> Result<Endpoint, PathError> {
    let Some((name, rest)) = rest.split_once('/') else {
        return Err(PathError::NotFound(format!("not found: sumdb/{rest}")));
    };
    let name = name.to_owned();
    if rest == "supported" {
        return Ok(Endpoint::SumdbSupported { name });
    }
    if rest == "latest" || rest.starts_with("lookup/") || rest.starts_with("tile/") {
        return Ok(Endpoint::Sumdb {
            name,
            rest: rest.to_owned(),
        });
    }
    Err(PathError::NotFound(format!(
        "not found: sumdb/{name}/{rest}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mv(path: &str, version: &str) -> ModuleVersion {
        ModuleVersion::new(path, version)
    }

    #[test]
    fn protocol_endpoints() {
        assert_eq!(parse("/healthz"), Ok(Endpoint::Health));
        assert_eq!(
            parse("/rsc.io/quote/@v/list"),
            Ok(Endpoint::List {
                path: "rsc.io/quote".into()
            })
        );
        assert_eq!(
            parse("/rsc.io/quote/@latest"),
            Ok(Endpoint::Latest {
                path: "rsc.io/quote".into()
            })
        );
        assert_eq!(
            parse("/rsc.io/quote/@v/v1.5.2.info"),
            Ok(Endpoint::Info {
                path: "rsc.io/quote".into(),
                version: "v1.5.2".into()
            })
        );
        assert_eq!(
            parse("/rsc.io/quote/@v/master.info"),
            Ok(Endpoint::Info {
                path: "rsc.io/quote".into(),
                version: "master".into()
            })
        );
        assert_eq!(
            parse("/rsc.io/quote/@v/v1.5.2.mod"),
            Ok(Endpoint::Mod(mv("rsc.io/quote", "v1.5.2")))
        );
        assert_eq!(
            parse("/example.com/m/@v/v2.0.0+incompatible.zip"),
            Ok(Endpoint::Zip(mv("example.com/m", "v2.0.0+incompatible")))
        );
        assert_eq!(
            parse("/example.com/m/@v/v2.0.0%2Bincompatible.zip"),
            Ok(Endpoint::Zip(mv("example.com/m", "v2.0.0+incompatible")))
        );
    }

    #[test]
    fn case_escaping() {
        assert_eq!(
            parse("/github.com/!azure/go-autorest/@v/v1.0.0-!r!c1.mod"),
            Ok(Endpoint::Mod(mv(
                "github.com/Azure/go-autorest",
                "v1.0.0-RC1"
            )))
        );
        // A bare upper-case letter, or `!` before a non-letter: malformed.
        for path in [
            "/github.com/Azure/go-autorest/@v/list",
            "/github.com/!!azure/x/@v/list",
            "/github.com/x/@v/v1.0.0-R.info",
        ] {
            assert!(
                matches!(parse(path), Err(PathError::Malformed(_))),
                "{path}"
            );
        }
    }

    #[test]
    fn sumdb_endpoints() {
        assert_eq!(
            parse("/sumdb/sum.golang.org/supported"),
            Ok(Endpoint::SumdbSupported {
                name: "sum.golang.org".into()
            })
        );
        assert_eq!(
            parse("/sumdb/sum.golang.org/lookup/rsc.io/quote@v1.5.2"),
            Ok(Endpoint::Sumdb {
                name: "sum.golang.org".into(),
                rest: "lookup/rsc.io/quote@v1.5.2".into()
            })
        );
        assert_eq!(
            parse("/sumdb/sum.golang.org/tile/8/0/001"),
            Ok(Endpoint::Sumdb {
                name: "sum.golang.org".into(),
                rest: "tile/8/0/001".into()
            })
        );
        assert!(matches!(
            parse("/sumdb/sum.golang.org/other"),
            Err(PathError::NotFound(_))
        ));
    }

    #[test]
    fn hostile_paths_are_refused() {
        for path in [
            "/../../etc/passwd",
            "/rsc.io/../../etc/@v/list",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%252e%252e/etc/@v/list",
            "/rsc.io/%2E%2E/@v/list",
            "/rsc.io/quote/@v/..%2f..%2fsecret.info",
            "/rsc.io//quote/@v/list",
            "/rsc.io/quote%00/@v/list",
            "/rsc.io/quote/@v/v1.0.0%00.zip",
            "/rsc.io\\quote/@v/list",
            "/rsc.io/quote/@v/%ff.info",
            "/./rsc.io/quote/@v/list",
            "relative/@v/list",
        ] {
            assert!(
                matches!(parse(path), Err(PathError::Malformed(_))),
                "{path}: {:?}",
                parse(path)
            );
        }
    }

    #[test]
    fn unknown_or_non_canonical_resources_are_not_found() {
        for path in [
            "/",
            "/favicon.ico",
            "/rsc.io/quote/@v/v1.5.2.tar",
            "/rsc.io/quote/@v/v1.5.info/x",
            "/rsc.io/quote/@v/v1.5.mod",
            "/rsc.io/quote/@v/master.zip",
            "/rsc.io/quote/v2/@v/v1.0.0.mod",
        ] {
            assert!(
                matches!(
                    parse(path),
                    Err(PathError::NotFound(_)) | Err(PathError::Malformed(_))
                ),
                "{path}: {:?}",
                parse(path)
            );
        }
        assert!(matches!(
            parse("/rsc.io/quote/@v/v1.5.mod"),
            Err(PathError::NotFound(_))
        ));
    }
}
