//! End-to-end check against the real go command: zips made by gomodx are
//! served from a `file://` GOPROXY and fetched with `go mod download`; the
//! sums go records must equal our `h1` hashes, go's extracted tree must hash
//! the same and match our own extraction, and `go mod verify` must pass.
//! Bad zips must be refused by go with the messages gomodx gives.
//!
//! Skipped without a `go` (see `gomodx_test::go::go_bin`).

#[path = "../src/test_support.rs"]
mod test_support;

use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use gomodx_module::ModuleVersion;
use gomodx_modzip::{check_prefixes, check_zip, create_zip_from_dir, h1, unzip, write_zip_entries};
use serde_json::Value;
use test_support::{go_command, parse_txtar};

const MODULE: &str = "example.com/zipmod";

/// The module's source tree; the test adds VCS data, symlinks and a socket.
const SOURCE: &str = "\
-- go.mod --
module example.com/zipmod

go 1.24
-- zipmod.go --
package zipmod

func Hello() string { return \"hello\" }
-- internal/x/x.go --
package x
-- LICENSE --
MIT
-- .git/HEAD --
ref: refs/heads/main
-- tools/go.mod --
module example.com/zipmod/tools
-- tools/t.go --
package tools
-- vendor/modules.txt --
# example.com/dep v1.0.0
-- vendor/example.com/dep/dep.go --
package dep
-- pkg/vendor/vendor.go --
package vendor
-- .hg_archival.txt --
repo: 0
-- \u{e9}t\u{e9}/caf\u{e9}.go --
package ete
";

/// A `file://` proxy serving `example.com/zipmod`.
struct Proxy {
    root: PathBuf,
}

impl Proxy {
    fn new(dir: &Path) -> Self {
        let root = dir.join("proxy");
        fs::create_dir_all(root.join(MODULE).join("@v")).unwrap();
        Self { root }
    }

    /// Publishes `version` with this go.mod and zip.
    fn publish(&self, version: &str, go_mod: &[u8], zip: &[u8]) {
        let dir = self.root.join(MODULE).join("@v");
        fs::write(dir.join(format!("{version}.mod")), go_mod).unwrap();
        fs::write(dir.join(format!("{version}.zip")), zip).unwrap();
        let info = format!("{{\"Version\":\"{version}\",\"Time\":\"2024-01-01T00:00:00Z\"}}");
        fs::write(dir.join(format!("{version}.info")), info).unwrap();
        let mut list = fs::read_to_string(dir.join("list")).unwrap_or_default();
        list.push_str(&format!("{version}\n"));
        fs::write(dir.join("list"), list).unwrap();
    }

    fn url(&self) -> String {
        format!("file://{}", self.root.display())
    }

    fn zip_path(&self, version: &str) -> PathBuf {
        self.root
            .join(MODULE)
            .join("@v")
            .join(format!("{version}.zip"))
    }
}

/// `go mod download -json m@version` in a fresh module cache under `home`.
fn download(go: &Path, home: &Path, proxy: &Proxy, version: &str) -> Value {
    let work = home.join("work");
    fs::create_dir_all(&work).unwrap();
    let out = go_command(go, home)
        .args(["mod", "download", "-json", &format!("{MODULE}@{version}")])
        .env("GOPROXY", proxy.url())
        .current_dir(&work)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn field<'a>(json: &'a Value, name: &str) -> &'a str {
    json[name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} in {json}"))
}

/// Relative paths and contents of the regular files below `dir`.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn go_accepts_and_hashes_our_zips() {
    use std::os::unix::fs::symlink;
    let Some(go) = gomodx_test::go::go_bin() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    for (name, data) in parse_txtar(SOURCE.as_bytes()) {
        let path = src.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, data).unwrap();
    }
    symlink("zipmod.go", src.join("alias.go")).unwrap();
    symlink("internal", src.join("linked")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(src.join("socket")).unwrap();

    let mv = ModuleVersion::new(MODULE, "v1.0.0");
    let mut zip = Cursor::new(Vec::new());
    let created = create_zip_from_dir(&mut zip, &mv, &src).unwrap();
    assert_eq!(
        created.files,
        [
            "LICENSE",
            "go.mod",
            "internal/x/x.go",
            "pkg/vendor/vendor.go",
            "zipmod.go",
            "\u{e9}t\u{e9}/caf\u{e9}.go"
        ]
    );
    let go_mod = fs::read(src.join("go.mod")).unwrap();
    let proxy = Proxy::new(tmp.path());
    proxy.publish("v1.0.0", &go_mod, zip.get_ref());

    let home = tmp.path().join("home");
    let json = download(&go, &home, &proxy, "v1.0.0");
    assert!(json.get("Error").is_none(), "{json}");
    let sum = h1::hash_zip(&proxy.zip_path("v1.0.0")).unwrap();
    assert_eq!(field(&json, "Sum"), sum);
    assert_eq!(field(&json, "GoModSum"), h1::hash_go_mod(&go_mod));
    let ziphash =
        fs::read_to_string(Path::new(field(&json, "Zip")).with_extension("ziphash")).unwrap();
    assert_eq!(ziphash, sum);
    assert!(h1::is_valid_h1(&ziphash));

    // go's extracted tree: same hash, same files as our own extraction.
    let go_dir = Path::new(field(&json, "Dir"));
    assert_eq!(
        h1::hash_dir(go_dir, &format!("{MODULE}@v1.0.0")).unwrap(),
        sum
    );
    let ours = tmp.path().join("ours");
    unzip(&proxy.zip_path("v1.0.0"), &mv, &ours).unwrap();
    assert_eq!(files(&ours), files(go_dir));

    // No directory entries in our zip, so `go mod verify` agrees too.
    let main = tmp.path().join("main");
    fs::create_dir_all(&main).unwrap();
    fs::write(
        main.join("go.mod"),
        format!("module main\n\ngo 1.24\n\nrequire {MODULE} v1.0.0\n"),
    )
    .unwrap();
    let gosum = format!(
        "{MODULE} v1.0.0 {sum}\n{MODULE} v1.0.0/go.mod {}\n",
        h1::hash_go_mod(&go_mod)
    );
    fs::write(main.join("go.sum"), gosum).unwrap();
    let out = go_command(&go, &home)
        .args(["mod", "verify"])
        .env("GOPROXY", proxy.url())
        .current_dir(&main)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "all modules verified\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn go_treats_hostile_zips_as_we_do() {
    let Some(go) = gomodx_test::go::go_bin() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let proxy = Proxy::new(tmp.path());
    let go_mod = format!("module {MODULE}\n").into_bytes();
    let prefixed = |version: &str, name: &str| format!("{MODULE}@{version}/{name}");

    // A symlink entry: go extracts it as an ordinary file, as we do.
    let mut symlink_zip = Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut symlink_zip);
    writer
        .add_symlink(
            prefixed("v1.0.1", "link"),
            "/etc/passwd",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
    writer.finish().unwrap();
    proxy.publish("v1.0.1", &go_mod, symlink_zip.get_ref());

    let collision = vec![
        (prefixed("v1.0.2", "a.go"), b"1".to_vec()),
        (prefixed("v1.0.2", "A.go"), b"2".to_vec()),
    ];
    let wrong_prefix = vec![
        (prefixed("v1.0.3", "a.go"), Vec::new()),
        ("example.com/other@v1.0.3/b.go".to_owned(), Vec::new()),
    ];
    let slip = vec![(prefixed("v1.0.4", "../../evil.go"), b"evil".to_vec())];
    for (version, entries) in [
        ("v1.0.2", collision),
        ("v1.0.3", wrong_prefix),
        ("v1.0.4", slip),
    ] {
        let mut bytes = Cursor::new(Vec::new());
        write_zip_entries(&mut bytes, entries).unwrap();
        proxy.publish(version, &go_mod, bytes.get_ref());
    }

    let home = tmp.path().join("home");
    let json = download(&go, &home, &proxy, "v1.0.1");
    assert!(json.get("Error").is_none(), "{json}");
    let mv = ModuleVersion::new(MODULE, "v1.0.1");
    assert_eq!(
        field(&json, "Sum"),
        h1::hash_zip(&proxy.zip_path("v1.0.1")).unwrap()
    );
    let ours = tmp.path().join("ours");
    unzip(&proxy.zip_path("v1.0.1"), &mv, &ours).unwrap();
    assert_eq!(files(&ours), files(Path::new(field(&json, "Dir"))));
    assert!(fs::symlink_metadata(ours.join("link")).unwrap().is_file());

    for version in ["v1.0.2", "v1.0.4"] {
        let json = download(&go, &home, &proxy, version);
        let ours = check_zip(
            &proxy.zip_path(version),
            &ModuleVersion::new(MODULE, version),
        )
        .unwrap_err();
        let theirs = field(&json, "Error");
        assert!(
            theirs.contains(&ours.to_string()),
            "{version}: go said {theirs:?}, we say {ours:?}"
        );
    }
    let json = download(&go, &home, &proxy, "v1.0.3");
    let ours = check_prefixes(
        &proxy.zip_path("v1.0.3"),
        &ModuleVersion::new(MODULE, "v1.0.3"),
    )
    .unwrap_err();
    let theirs = field(&json, "Error");
    assert!(
        theirs.contains(&ours.to_string()),
        "go said {theirs:?}, we say {ours:?}"
    );
}
