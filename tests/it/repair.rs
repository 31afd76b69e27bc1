//! A damaged GOMODCACHE never passes as fine: after a `.ziphash`, a zip or
//! an extracted file is altered, a warm `download` repairs what go would
//! notice (a `.ziphash` that disagrees with go.sum, a zip of the wrong
//! size), `--refresh` re-hashes and repairs zips and trees, and a zip whose
//! hard-linked store twin was quarantined is replaced too. Afterwards the
//! real `go mod verify` passes and the zip keeps its read-only mode.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use gomodx_test::ProxyTree;

use crate::download::harness::{Gomodx, assert_store_intact, go_env, stderr};

const MODULE: &str = "rsc.io/quote";
const VERSION: &str = "v1.5.2";
/// The build list of a main module requiring [`MODULE`].
const BUILD_LIST: &[(&str, &str)] = &[
    (MODULE, VERSION),
    ("rsc.io/sampler", "v1.3.0"),
    ("golang.org/x/text", "v0.0.0-20170915032832-14c0d48ead0c"),
];

struct Case {
    _tmp: tempfile::TempDir,
    main: PathBuf,
    gomodx: Gomodx,
}

impl Case {
    /// A main module requiring [`MODULE`], downloaded once by gomodx.
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let tree: ProxyTree =
            gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
        let main = tmp.path().join("main");
        std::fs::create_dir_all(&main).unwrap();
        std::fs::write(
            main.join("go.mod"),
            format!("module example.com/m\n\ngo 1.21\n\nrequire {MODULE} {VERSION}\n"),
        )
        .unwrap();
        let go_sum: String = BUILD_LIST
            .iter()
            .map(|(path, version)| {
                let module = gomodx_module::ModuleVersion::new(*path, *version);
                tree.go_sum_lines(&module).unwrap()
            })
            .collect();
        std::fs::write(main.join("go.sum"), go_sum).unwrap();
        let gomodx = Gomodx::new(&tree.file_url());
        let case = Self {
            _tmp: tmp,
            main,
            gomodx,
        };
        case.download(&[]);
        case
    }

    fn download(&self, flags: &[&str]) {
        let mut args = vec!["download"];
        args.extend_from_slice(flags);
        let modules: Vec<String> = BUILD_LIST.iter().map(|(p, v)| format!("{p}@{v}")).collect();
        args.extend(modules.iter().map(String::as_str));
        let output = self.gomodx.run(&self.main, &args);
        assert!(
            output.status.success(),
            "gomodx {args:?}:\n{}",
            stderr(&output)
        );
    }

    fn file(&self, name: &str) -> PathBuf {
        self.gomodx
            .mod_cache()
            .join(format!("cache/download/{MODULE}/@v/{VERSION}.{name}"))
    }

    fn dir(&self) -> PathBuf {
        self.gomodx.mod_cache().join(format!("{MODULE}@{VERSION}"))
    }

    /// Rewrites `path` with `change` applied, keeping its mode.
    fn tamper(&self, path: &Path, change: impl FnOnce(&mut Vec<u8>)) {
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut data = std::fs::read(path).unwrap();
        change(&mut data);
        std::fs::write(path, data).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// `go mod verify` on gomodx's cache, offline; `None` without go.
    fn go_verify(&self) -> Option<(bool, String)> {
        let mut go = go_env("off")?;
        go.set("GOMODCACHE", self.gomodx.mod_cache());
        let output = go.run(&self.main, &["mod", "verify"]);
        let text = String::from_utf8_lossy(&output.stdout).into_owned() + &stderr(&output);
        Some((output.status.success(), text))
    }

    /// Asserts go sees the damage before the repair and none after it.
    fn assert_repaired_by(&self, flags: &[&str]) {
        let zip_mode = std::fs::metadata(self.file("zip"))
            .unwrap()
            .permissions()
            .mode();
        if let Some((ok, text)) = self.go_verify() {
            assert!(!ok, "go mod verify should see the damage first:\n{text}");
        }
        self.download(flags);
        // Without go (go_bin says SKIPPED) only gomodx's side is checked.
        if let Some((ok, text)) = self.go_verify() {
            assert!(ok, "go mod verify after the repair:\n{text}");
        }
        let mode = std::fs::metadata(self.file("zip"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode, zip_mode, "the zip keeps its mode");
        assert_store_intact(&self.gomodx.store());
    }
}

#[test]
fn a_wrong_ziphash_is_repaired_by_a_warm_download() {
    let case = Case::new();
    let ziphash = case.file("ziphash");
    case.tamper(&ziphash, |data| {
        *data = b"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_vec();
    });
    case.assert_repaired_by(&[]);
}

#[test]
fn a_zip_of_the_wrong_size_is_repaired_by_a_warm_download() {
    let case = Case::new();
    case.tamper(&case.file("zip"), |data| data.truncate(data.len() / 2));
    case.assert_repaired_by(&[]);
}

#[test]
fn refresh_repairs_a_flipped_byte_in_the_zip() {
    let case = Case::new();
    case.tamper(&case.file("zip"), |data| {
        let middle = data.len() / 2;
        data[middle] ^= 0xff;
    });
    case.assert_repaired_by(&["--refresh"]);
}

#[test]
fn refresh_repairs_an_extracted_file() {
    let case = Case::new();
    case.tamper(&case.dir().join("quote.go"), |data| {
        data.extend_from_slice(b"\n// changed\n")
    });
    case.assert_repaired_by(&["--refresh"]);
}

#[test]
fn a_quarantined_blob_takes_its_hard_linked_zip_along() {
    let case = Case::new();
    case.tamper(&case.file("zip"), |data| {
        let middle = data.len() / 2;
        data[middle] ^= 0xff;
    });
    let output = case.gomodx.run(&case.main, &["cache", "verify"]);
    assert!(
        !output.status.success(),
        "cache verify finds the corrupt blob"
    );
    case.assert_repaired_by(&[]);
}
