//! Test helpers shared by the unit tests and `tests/` (std only, included
//! there with `#[path]`): a hermetic `go` command and a txtar reader.

use std::path::Path;
use std::process::Command;

/// A `go` command cut off from the user's environment and the network:
/// HOME, GOPATH, GOMODCACHE and GOCACHE live under `root`, GOPROXY and
/// GOSUMDB are off, GOFLAGS is `-modcacherw`, GOTOOLCHAIN is `local`.
pub fn go_command(go: &Path, root: &Path) -> Command {
    let mut cmd = Command::new(go);
    for var in [
        "GOFLAGS",
        "GONOPROXY",
        "GONOSUMDB",
        "GOPRIVATE",
        "GOINSECURE",
        "GOROOT",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", root)
        .env("XDG_CACHE_HOME", root.join("xdg-cache"))
        .env("XDG_CONFIG_HOME", root.join("xdg-config"))
        .env("GOPATH", root.join("gopath"))
        .env("GOMODCACHE", root.join("modcache"))
        .env("GOCACHE", root.join("gocache"))
        .env("GOENV", "off")
        .env("GOFLAGS", "-modcacherw")
        .env("GOPROXY", "off")
        .env("GOSUMDB", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOWORK", "off")
        .env("CGO_ENABLED", "0");
    cmd
}

/// The files of a txtar archive (Go's `txtar.Parse`): `-- name --` marker
/// lines; each file's data runs to the next marker and gains a final newline
/// if it lacks one.
pub fn parse_txtar(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut current: Option<(String, Vec<u8>)> = None;
    for line in data.split_inclusive(|&b| b == b'\n') {
        if let Some(name) = marker_name(line) {
            files.extend(current.take().map(fix_newline));
            current = Some((name, Vec::new()));
        } else if let Some((_, body)) = &mut current {
            body.extend_from_slice(line);
        }
    }
    files.extend(current.map(fix_newline));
    files
}

fn marker_name(line: &[u8]) -> Option<String> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let inner = line.strip_prefix(b"-- ")?.strip_suffix(b" --")?;
    let name = String::from_utf8_lossy(inner).trim().to_owned();
    (!name.is_empty()).then_some(name)
}

fn fix_newline((name, mut data): (String, Vec<u8>)) -> (String, Vec<u8>) {
    if !data.is_empty() && !data.ends_with(b"\n") {
        data.push(b'\n');
    }
    (name, data)
}
