//! Errors name the module, the operation, the path and the cause, and
//! leave nothing behind: unreadable zips from a proxy (not a zip, a broken
//! entry), a read-only GOMODCACHE and a full one (loopback tmpfs mounts,
//! which need root; skipped otherwise).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gomodx_test::ProxyTree;

use crate::download::harness::{Gomodx, assert_no_partial_files, stderr};

const MODULE: &str = "rsc.io/quote@v1.5.2";

fn tree(root: &Path) -> ProxyTree {
    gomodx_test::testdata::go_testdata_tree(&root.join("proxy")).unwrap()
}

fn main_module(root: &Path) -> PathBuf {
    let main = root.join("main");
    std::fs::create_dir_all(&main).unwrap();
    std::fs::write(main.join("go.mod"), "module example.com/m\n\ngo 1.21\n").unwrap();
    main
}

/// `gomodx download` in text and `--json` form: stderr and the Error field.
fn both_errors(gomodx: &Gomodx, main: &Path) -> (Output, String) {
    let (output, objects) = gomodx.download_json(main, &[MODULE]);
    assert!(!output.status.success());
    let json_error = objects[0]["Error"].as_str().unwrap_or_default().to_owned();
    let text = gomodx.run(main, &["download", MODULE]);
    assert!(!text.status.success());
    (text, json_error)
}

fn assert_names_module_and_cause(text: &str, cause: &str) {
    assert!(text.contains(MODULE), "no {MODULE} in: {text}");
    assert!(text.contains(cause), "no {cause:?} in: {text}");
    assert!(!text.contains(".tmp-"), "a temporary file is named: {text}");
}

#[test]
fn an_unreadable_zip_names_the_module_and_the_cause() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = tree(tmp.path());
    let zip = tree.version_file("rsc.io/quote", "v1.5.2", "zip").unwrap();
    let good = std::fs::read(&zip).unwrap();
    let main = main_module(tmp.path());
    let gomodx = Gomodx::new(&tree.file_url());

    std::fs::write(&zip, b"not a zip").unwrap();
    let (text, json) = both_errors(&gomodx, &main);
    for message in [stderr(&text), json] {
        assert_names_module_and_cause(&message, "read zip downloaded from file://");
    }

    // A broken entry: a byte of the first file's compressed data.
    let mut broken = good.clone();
    broken[80] ^= 0xff;
    std::fs::write(&zip, &broken).unwrap();
    let (text, json) = both_errors(&gomodx, &main);
    for message in [stderr(&text), json] {
        assert_names_module_and_cause(&message, "read rsc.io/quote@v1.5.2/");
    }
    assert_no_partial_files(&gomodx.mod_cache());
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    /// Mounts a tmpfs with `options` at `dir`; `None` (with a SKIPPED line)
    /// where mounting is not allowed.
    #[allow(clippy::print_stderr, reason = "a test that cannot run says why")]
    fn tmpfs(dir: &Path, options: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        if !mounted {
            eprintln!("SKIPPED: cannot mount a tmpfs (needs root)");
        }
        mounted.then(|| Mount(dir.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_read_only_module_cache_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = tree(tmp.path());
    let main = main_module(tmp.path());
    let cache = tmp.path().join("ro");
    let Some(_mount) = Mount::tmpfs(&cache, "ro,size=1m") else {
        return;
    };
    let mut gomodx = Gomodx::new(&tree.file_url());
    gomodx.set("GOMODCACHE", &cache);
    let (text, json) = both_errors(&gomodx, &main);
    for message in [stderr(&text), json] {
        assert_names_module_and_cause(&message, "read-only file system");
        assert!(message.contains(&cache.display().to_string()), "{message}");
    }
}

#[test]
fn a_full_module_cache_says_so_and_leaves_no_temp_files() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = tree(tmp.path());
    let main = main_module(tmp.path());
    let cache = tmp.path().join("full");
    // Room for a few small files (one page each), not for everything.
    let Some(_mount) = Mount::tmpfs(&cache, "size=12k") else {
        return;
    };
    let mut gomodx = Gomodx::new(&tree.file_url());
    gomodx.set("GOMODCACHE", &cache);
    let (text, json) = both_errors(&gomodx, &main);
    for message in [stderr(&text), json] {
        assert_names_module_and_cause(&message, "no space left on device");
    }
    assert_no_partial_files(&cache);
}
