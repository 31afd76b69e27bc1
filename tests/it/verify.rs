//! `gomodx verify` against `go mod verify` on the same module cache: clean,
//! a modified file, an added file, a removed file, a modified zip, a missing
//! `.ziphash`, and a cache with nothing downloaded.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use gomodx_test::GoEnv;

use crate::universes::{self, OnDisk};

/// Variables that make gomodx see the same Go environment as the oracle.
const SHARED_VARS: &[&str] = &[
    "HOME",
    "GOPATH",
    "GOMODCACHE",
    "GOENV",
    "GOFLAGS",
    "GOPROXY",
    "GOSUMDB",
    "GONOSUMDB",
    "GOPRIVATE",
    "GONOPROXY",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
];

struct Fixture {
    go: GoEnv,
    main: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Fixture {
    /// A universe's main module with every dependency downloaded by go.
    fn new(seed: u64) -> Option<Self> {
        let tmp = tempfile::tempdir().unwrap();
        let OnDisk { tree, main, .. } = universes::write(tmp.path(), universes::config(seed, 10));
        let go = GoEnv::detect(&tree.file_url())?;
        go.run_ok(&main, &["mod", "download", "all"]);
        Some(Self {
            go,
            main,
            _tmp: tmp,
        })
    }

    fn go_verify(&self) -> Output {
        // Read-only from here on: nothing may be fetched.
        let mut command = self.go.command(&self.main, &["mod", "verify"]);
        command.env("GOPROXY", "off");
        command.output().unwrap()
    }

    fn gomodx_verify(&self) -> Output {
        let mut command = Command::cargo_bin("gomodx").unwrap();
        command
            .current_dir(&self.main)
            .args(["verify"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap());
        for key in SHARED_VARS {
            if let Some(value) = self.go.var(key) {
                command.env(key, value);
            }
        }
        command.env("GOPROXY", "off").env("NO_COLOR", "1");
        command.output().unwrap()
    }

    /// The first module of go.sum that go downloaded (go.sum also lists
    /// versions outside the build list) and that is not a replacement (go
    /// verifies the replaced module's own cache paths, where nothing is):
    /// its `cache/download` stem (`<escaped path>/@v/<version>`) and its
    /// extracted tree.
    fn first_module_dir(&self) -> (String, PathBuf) {
        let sum = std::fs::read_to_string(self.main.join("go.sum")).unwrap();
        let go_mod = std::fs::read_to_string(self.main.join("go.mod")).unwrap();
        let replacements: Vec<&str> = go_mod
            .lines()
            .filter_map(|l| l.split("=> ").nth(1)?.split(' ').next())
            .collect();
        sum.lines()
            .filter_map(|line| {
                let mut fields = line.split(' ');
                let (path, version) = (fields.next()?, fields.next()?);
                if replacements.contains(&path) {
                    return None;
                }
                let escaped = gomodx_module::escape::escape_path(path).unwrap();
                let dir = self.go.gomodcache().join(format!("{escaped}@{version}"));
                dir.is_dir()
                    .then(|| (format!("{escaped}/@v/{version}"), dir))
            })
            .next()
            .expect("go downloaded at least one module of go.sum")
    }

    /// Asserts gomodx and go agree: same stdout, same messages, same status.
    fn assert_agree(&self, expect_ok: bool) {
        let go = self.go_verify();
        let ours = self.gomodx_verify();
        assert_eq!(
            go.status.success(),
            expect_ok,
            "go: {}",
            String::from_utf8_lossy(&go.stderr)
        );
        assert_eq!(ours.status.code(), Some(if expect_ok { 0 } else { 1 }));
        assert_eq!(
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&go.stdout)
        );
        let ours: Vec<String> = String::from_utf8_lossy(&ours.stderr)
            .lines()
            .filter_map(|line| line.strip_prefix("error: "))
            .map(str::to_owned)
            .collect();
        let go: Vec<String> = String::from_utf8_lossy(&go.stderr)
            .lines()
            .map(str::to_owned)
            .collect();
        assert_eq!(ours, go);
    }
}

fn make_writable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).unwrap().permissions().mode();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode | 0o200)).unwrap();
}

/// The first regular file in a tree, by sorted walk.
fn some_file(dir: &Path) -> PathBuf {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .find(|e| e.file_type().is_file())
        .unwrap()
        .into_path()
}

#[test]
fn clean_cache_is_verified_like_go() {
    let Some(fixture) = Fixture::new(11) else {
        return;
    };
    fixture.assert_agree(true);
    assert_eq!(
        String::from_utf8_lossy(&fixture.gomodx_verify().stdout),
        "all modules verified\n"
    );
}

#[test]
fn modified_added_and_removed_files_are_reported_like_go() {
    let Some(fixture) = Fixture::new(12) else {
        return;
    };
    let (_, dir) = fixture.first_module_dir();

    let file = some_file(&dir);
    make_writable(&file);
    std::fs::write(&file, "tampered\n").unwrap();
    fixture.assert_agree(false);

    let Some(fixture) = Fixture::new(13) else {
        return;
    };
    let (_, dir) = fixture.first_module_dir();
    std::fs::write(dir.join("added.go"), "package added\n").unwrap();
    fixture.assert_agree(false);

    let Some(fixture) = Fixture::new(14) else {
        return;
    };
    let (_, dir) = fixture.first_module_dir();
    std::fs::remove_file(some_file(&dir)).unwrap();
    fixture.assert_agree(false);
}

#[test]
fn modified_zip_and_missing_ziphash_are_reported_like_go() {
    let Some(fixture) = Fixture::new(15) else {
        return;
    };
    let (download, _) = fixture.first_module_dir();
    let zip = fixture
        .go
        .gomodcache()
        .join("cache/download")
        .join(format!("{download}.zip"));
    let mut bytes = std::fs::read(&zip).unwrap();
    // Rewrite the zip with one extra file so it stays a valid zip.
    bytes.truncate(0);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
    writer
        .start_file(
            "x@v1.0.0/extra.go",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
    writer.finish().unwrap();
    make_writable(&zip);
    std::fs::write(&zip, &bytes).unwrap();
    fixture.assert_agree(false);

    let Some(fixture) = Fixture::new(16) else {
        return;
    };
    let (download, _) = fixture.first_module_dir();
    std::fs::remove_file(
        fixture
            .go
            .gomodcache()
            .join("cache/download")
            .join(format!("{download}.ziphash")),
    )
    .unwrap();
    fixture.assert_agree(false);
}

#[test]
fn empty_cache_verifies_trivially_like_go() {
    let Some(fixture) = Fixture::new(17) else {
        return;
    };
    let cache = fixture.go.gomodcache();
    // Remove the extracted trees and zips but keep the .mod files go needs
    // to load the graph: nothing downloaded means nothing to verify.
    for entry in walkdir::WalkDir::new(&cache).contents_first(true) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && (name.ends_with(".zip") || name.ends_with(".ziphash")) {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
    for entry in std::fs::read_dir(&cache).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != "cache" {
            gomodx_fs::remove_dir_all_force(&path).unwrap();
        }
    }
    fixture.assert_agree(true);
}
