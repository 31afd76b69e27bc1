//! Running `gomodx download` and `go mod download` side by side, each in
//! its own hermetic environment, and comparing what they leave behind.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use gomodx_test::{GoEnv, ProxyTree};
use serde_json::Value;

/// A hermetic environment for the gomodx binary: its own HOME, GOPATH,
/// GOMODCACHE and store, `GOENV=off`, `GOFLAGS=-modcacherw`, `GOSUMDB=off`,
/// no progress bar and no retry delays.
pub struct Gomodx {
    dir: tempfile::TempDir,
    vars: BTreeMap<String, OsString>,
}

impl Gomodx {
    pub fn new(goproxy: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("gomodx-it-")
            .tempdir()
            .unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("home")).unwrap();
        let mut vars = BTreeMap::new();
        for (key, value) in [
            ("HOME", root.join("home").into_os_string()),
            ("GOPATH", root.join("gopath").into_os_string()),
            ("GOMODCACHE", root.join("gopath/pkg/mod").into_os_string()),
            ("GOMODX_CACHE", root.join("store").into_os_string()),
        ] {
            vars.insert(key.to_owned(), value);
        }
        for (key, value) in [
            ("GOPROXY", goproxy),
            ("GOENV", "off"),
            ("GOFLAGS", "-modcacherw"),
            ("GOSUMDB", "off"),
            ("GOMODX_NO_PROGRESS", "1"),
            ("GOMODX_TEST_NO_RETRY_DELAY", "1"),
            ("NO_COLOR", "1"),
        ] {
            vars.insert(key.to_owned(), value.into());
        }
        Self { dir, vars }
    }

    /// Sets (or overrides) a variable for every later run.
    pub fn set(&mut self, key: &str, value: impl Into<OsString>) -> &mut Self {
        self.vars.insert(key.to_owned(), value.into());
        self
    }

    pub fn mod_cache(&self) -> PathBuf {
        self.dir.path().join("gopath/pkg/mod")
    }

    pub fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    /// `gomodx args…` in `dir`, not yet started.
    pub fn command(&self, dir: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(assert_cmd::cargo::cargo_bin("gomodx"));
        command
            .args(args)
            .current_dir(dir)
            .env_clear()
            .envs(&self.vars);
        command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        command
    }

    pub fn run(&self, dir: &Path, args: &[&str]) -> Output {
        self.command(dir, args).output().unwrap()
    }

    /// `gomodx download --json args…`: the status, the objects and stderr.
    pub fn download_json(&self, dir: &Path, args: &[&str]) -> (Output, Vec<Value>) {
        let mut full = vec!["download", "--json"];
        full.extend_from_slice(args);
        let output = self.run(dir, &full);
        let objects = gomodx_test::go::parse_json_stream(&output.stdout)
            .unwrap_or_else(|e| panic!("gomodx printed invalid JSON ({e}):\n{}", stderr(&output)));
        (output, objects)
    }
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A go oracle sharing one build cache across tests (building the
/// standard library once, not once per test).
pub fn go_env(goproxy: &str) -> Option<GoEnv> {
    static GOCACHE: OnceLock<tempfile::TempDir> = OnceLock::new();
    let mut go = GoEnv::detect(goproxy)?;
    let cache = GOCACHE.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("gomodx-it-gocache-")
            .tempdir()
            .unwrap()
    });
    go.set("GOCACHE", cache.path());
    Some(go)
}

/// `path@version` for every module version of a proxy tree.
pub fn every_version(tree: &ProxyTree, skip: &[&str]) -> Vec<String> {
    tree.modules
        .iter()
        .filter(|m| !skip.contains(&m.path.as_str()))
        .map(ToString::to_string)
        .collect()
}

/// Copies a main module directory (go.mod, go.sum, sources, subdirectories).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The module versions of `-json` objects that have a zip.
pub fn zipped(objects: &[Value]) -> Vec<gomodx_module::ModuleVersion> {
    objects
        .iter()
        .filter(|o| o.get("Zip").is_some())
        .map(|o| {
            let field = |name: &str| o[name].as_str().unwrap().to_owned();
            gomodx_module::ModuleVersion::new(field("Path"), field("Version"))
        })
        .collect()
}

/// Asserts that go's GOMODCACHE (`go`) and gomodx's (`ours`) hold the same
/// files under `cache/download` and the same extracted trees (names,
/// contents, modes).
pub fn assert_same_modcache(go: &Path, ours: &Path) {
    let download = |root: &Path| listing(&root.join("cache/download"), None, false);
    assert_same_listing("cache/download", &download(go), &download(ours));
    let trees = |root: &Path| listing(root, Some("cache"), true);
    assert_same_listing("extracted trees", &trees(go), &trees(ours));
}

/// Go's test-proxy modules written under `tmp/proxy`, and a main module in
/// `tmp/main` whose go.mod is `go_mod`.
pub fn testdata_main(tmp: &Path, go_mod: &str) -> (ProxyTree, PathBuf) {
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.join("proxy")).unwrap();
    let main = tmp.join("main");
    std::fs::create_dir_all(&main).unwrap();
    std::fs::write(main.join("go.mod"), go_mod).unwrap();
    (tree, main)
}

/// Every file under `root` (skipping `*.lock` files and anything below
/// `skip`), by relative path: its mode and content. Directories are listed
/// with their mode only.
pub fn listing(root: &Path, skip: Option<&str>, modes: bool) -> BTreeMap<String, (u32, Vec<u8>)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    if !root.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(root).min_depth(1) {
        let entry = entry.unwrap();
        let relative = entry
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if skip.is_some_and(|skip| relative == skip || relative.starts_with(&format!("{skip}/")))
            || relative.ends_with(".lock")
        {
            continue;
        }
        let mode = if modes {
            entry.metadata().unwrap().permissions().mode() & 0o777
        } else {
            0
        };
        let content = if entry.file_type().is_file() {
            std::fs::read(entry.path()).unwrap()
        } else {
            Vec::new()
        };
        out.insert(relative, (mode, content));
    }
    out
}

/// Asserts gomodx's `download -json` results equal go's on the same main
/// module: the objects (`ours` and `go_objects`, compared one by one),
/// GOMODCACHE's `cache/download` and extracted trees, and the go.sum each
/// left in its main module directory.
pub fn assert_same_download(
    (gomodx, ours, our_main): (&Gomodx, &[Value], &Path),
    (go, go_objects, go_main): (&GoEnv, &[Value], &Path),
) {
    assert_eq!(ours.len(), go_objects.len(), "number of -json objects");
    let ours = normalize_json(ours, &gomodx.mod_cache());
    let theirs = normalize_json(go_objects, &go.gomodcache());
    for (ours, theirs) in ours.iter().zip(&theirs) {
        assert_eq!(ours, theirs);
    }
    assert_same_modcache(&go.gomodcache(), &gomodx.mod_cache());
    let go_sum = |dir: &Path| std::fs::read_to_string(dir.join("go.sum")).ok();
    assert_eq!(go_sum(our_main), go_sum(go_main), "go.sum");
}

/// Asserts two listings are equal, naming the first difference.
pub fn assert_same_listing(
    what: &str,
    go: &BTreeMap<String, (u32, Vec<u8>)>,
    ours: &BTreeMap<String, (u32, Vec<u8>)>,
) {
    let go_names: Vec<&String> = go.keys().collect();
    let our_names: Vec<&String> = ours.keys().collect();
    if go_names != our_names {
        let missing: Vec<_> = go_names
            .iter()
            .filter(|n| !ours.contains_key(**n))
            .take(5)
            .collect();
        let extra: Vec<_> = our_names
            .iter()
            .filter(|n| !go.contains_key(**n))
            .take(5)
            .collect();
        panic!("{what}: file lists differ; missing {missing:?}, extra {extra:?}");
    }
    for (name, (mode, content)) in go {
        let (our_mode, our_content) = &ours[name];
        assert_eq!(mode, our_mode, "{what}: mode of {name}");
        assert!(content == our_content, "{what}: content of {name} differs");
    }
}

/// Replaces an environment's GOMODCACHE prefix in `go mod download -json`
/// paths so two runs compare equal.
pub fn normalize_json(objects: &[Value], mod_cache: &Path) -> Vec<Value> {
    let prefix = mod_cache.display().to_string();
    let text = serde_json::to_string(objects)
        .unwrap()
        .replace(&prefix, "$GOMODCACHE");
    serde_json::from_str(&text).unwrap()
}

/// Asserts every blob in a gomodx store hashes to its name and every ref
/// names a present blob of the recorded size: nothing partial is visible.
pub fn assert_store_intact(store_dir: &Path) -> usize {
    let store = gomodx_store::Store::open(store_dir).unwrap();
    let mut refs = 0;
    for item in store.list_refs() {
        let (module, _, reference) = item.unwrap();
        assert!(
            store.verify_blob(&reference.sha256).unwrap(),
            "{module}: blob does not match its name"
        );
        refs += 1;
    }
    let blobs = store_dir.join("blobs-v1");
    for entry in walkdir::WalkDir::new(&blobs).min_depth(3) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            store.verify_blob(&name).unwrap(),
            "blob {name} does not match its name"
        );
    }
    refs
}

/// Asserts no temporary or half-extracted file is left in a GOMODCACHE.
pub fn assert_no_partial_files(mod_cache: &Path) {
    for entry in walkdir::WalkDir::new(mod_cache) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy();
        assert!(
            !name.ends_with(".tmp") && !name.ends_with(".partial") && !name.contains(".tmp-"),
            "left behind: {}",
            entry.path().display()
        );
    }
}

/// Waits until `child` is more than 1 MiB into a zip from `server`, then
/// SIGKILLs it (it must not finish first; 60 s at most).
pub fn kill_mid_zip(server: &gomodx_test::ProxyServer, child: &mut std::process::Child) {
    use std::time::{Duration, Instant};
    let started = Instant::now();
    while !server
        .requests()
        .iter()
        .any(|r| r.path.ends_with(".zip") && r.bytes > (1 << 20))
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no zip download started"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "gomodx finished before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
}
