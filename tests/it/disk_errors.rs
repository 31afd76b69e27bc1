//! Errors name the module, the operation, the path and the cause, and
//! leave nothing behind: unreadable zips from a proxy (not a zip, a broken
//! entry), a read-only GOMODCACHE and a full one (loopback tmpfs mounts,
//! which need root; skipped otherwise). A read-only store (a read-only
//! tmpfs, needing root; or a chmod'ed directory, skipped as root) does not
//! stop a warm download: one warning names the store and the cause.

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

/// A warm download into a store at `store`, then the store made read-only
/// by `freeze`: the same download, offline, is served by what the store and
/// GOMODCACHE hold, with one warning naming the store and `cause`.
fn assert_read_only_store_serves(root: &Path, store: &Path, freeze: impl FnOnce(), cause: &str) {
    let tree = tree(root);
    let main = main_module(root);
    let mut gomodx = Gomodx::new(&tree.file_url());
    gomodx.set("GOMODX_CACHE", store);
    let output = gomodx.run(&main, &["download", MODULE]);
    assert!(output.status.success(), "{}", stderr(&output));
    freeze();
    gomodx.set("GOPROXY", "off");
    for args in [&["download", MODULE][..], &["download", "--json", MODULE]] {
        let output = gomodx.run(&main, args);
        let text = stderr(&output);
        assert!(output.status.success(), "gomodx {args:?}: {text}");
        let warnings: Vec<&str> = text.lines().filter(|l| l.contains("warning")).collect();
        assert_eq!(warnings.len(), 1, "one warning: {text}");
        assert!(
            warnings[0].contains(&store.display().to_string()) && warnings[0].contains(cause),
            "the warning names the store and {cause:?}: {text}"
        );
    }
}

#[test]
fn a_store_on_a_read_only_filesystem_falls_back_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let Some(_mount) = Mount::tmpfs(&store, "size=20m") else {
        return;
    };
    let remount = || {
        let status = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&store)
            .status()
            .unwrap();
        assert!(status.success(), "remount read-only");
    };
    assert_read_only_store_serves(tmp.path(), &store, remount, "read-only file system");
}

#[test]
#[allow(clippy::print_stderr, reason = "a test that cannot run says why")]
fn a_read_only_store_directory_falls_back_with_a_warning() {
    let uid = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&uid.stdout).trim() == "0" {
        eprintln!("SKIPPED: running as root, which ignores file permissions");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let set_modes = |dir_mode: u32, file_mode: u32| {
        use std::os::unix::fs::PermissionsExt;
        for entry in walkdir::WalkDir::new(&store).contents_first(true) {
            let entry = entry.unwrap();
            let mode = if entry.file_type().is_dir() {
                dir_mode
            } else {
                file_mode
            };
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
        }
    };
    let freeze = || set_modes(0o555, 0o444);
    assert_read_only_store_serves(tmp.path(), &store, freeze, "permission denied");
    set_modes(0o755, 0o644);
}
