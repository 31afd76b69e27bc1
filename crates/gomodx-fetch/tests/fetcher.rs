//! The fetcher against Go's test proxy (as a `file://` tree): store first,
//! network second, corrupt store content repaired, one fetch per artifact
//! however many callers, mutable answers recorded.

use std::path::Path;
use std::sync::{Arc, Mutex};

use gomodx_client::{Client, ClientConfig, ProxyList};
use gomodx_fetch::{FetchConfig, Fetcher, Outcome, Reporter, SumPolicy};
use gomodx_modcache::ModCache;
use gomodx_module::ModuleVersion;
use gomodx_store::{ArtifactKind, MetaKey, MetaValue, Store};

/// Records every callback.
#[derive(Default)]
struct Recorder {
    starts: Mutex<Vec<ModuleVersion>>,
    finished: Mutex<Vec<(ModuleVersion, Outcome)>>,
}

impl Reporter for Recorder {
    fn start(&self, module: &ModuleVersion, _: Option<u64>) {
        self.starts.lock().unwrap().push(module.clone());
    }
    fn bytes(&self, _: &ModuleVersion, _: u64) {}
    fn finish(&self, module: &ModuleVersion, outcome: Outcome) {
        self.finished
            .lock()
            .unwrap()
            .push((module.clone(), outcome));
    }
}

struct Setup {
    _tmp: tempfile::TempDir,
    proxy: String,
    store: std::path::PathBuf,
    root: std::path::PathBuf,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
    Setup {
        proxy: tree.file_url(),
        store: tmp.path().join("store"),
        root: tmp.path().to_path_buf(),
        _tmp: tmp,
    }
}

fn fetcher(goproxy: &str, store: &Path, mod_cache: &Path, reporter: Arc<Recorder>) -> Fetcher {
    fetcher_with(goproxy, store, mod_cache, reporter, None)
}

fn fetcher_with(
    goproxy: &str,
    store: &Path,
    mod_cache: &Path,
    reporter: Arc<Recorder>,
    go_sum: Option<gomodx_modfile::GoSum>,
) -> Fetcher {
    let client = Client::new(ClientConfig::new(ProxyList::parse(goproxy, "").unwrap()));
    Fetcher::new(FetchConfig {
        client,
        store: Store::open(store).unwrap(),
        mod_cache: ModCache::new(mod_cache),
        sums: SumPolicy::sumdb_off(go_sum),
        jobs: 4,
        writable_dirs: true,
        reporter,
        remote: None,
    })
}

fn quote() -> ModuleVersion {
    ModuleVersion::new("rsc.io/quote", "v1.5.2")
}

/// Overwrites a store blob in place with bytes of the same length.
fn corrupt_blob(store: &Path, module: &ModuleVersion, kind: ArtifactKind) {
    use std::os::unix::fs::PermissionsExt;
    let store = Store::open(store).unwrap();
    let reference = store.get_ref(module, kind).unwrap().unwrap();
    let path = store.blob_path(&reference.sha256).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();
}

#[tokio::test]
async fn a_warm_store_serves_everything_offline() {
    let setup = setup();
    let recorder = Arc::new(Recorder::default());
    let online = fetcher(
        &setup.proxy,
        &setup.store,
        &setup.root.join("mc1"),
        recorder.clone(),
    );
    let first = online.download(&quote()).await;
    assert!(first.error.is_none(), "{:?}", first.error);
    assert!(
        matches!(recorder.finished.lock().unwrap()[..], [(_, Outcome::Downloaded { bytes })] if bytes > 0)
    );

    let recorder = Arc::new(Recorder::default());
    let offline = fetcher(
        "off",
        &setup.store,
        &setup.root.join("mc2"),
        recorder.clone(),
    );
    let second = offline.download(&quote()).await;
    assert!(second.error.is_none(), "{:?}", second.error);
    assert!(matches!(
        recorder.finished.lock().unwrap()[..],
        [(_, Outcome::FromStore { .. })]
    ));
    assert!(
        recorder.starts.lock().unwrap().is_empty(),
        "nothing downloaded"
    );
    assert_eq!(second.sum, first.sum);
    for (a, b) in [
        (&first.zip, &second.zip),
        (&first.go_mod, &second.go_mod),
        (&first.info, &second.info),
    ] {
        assert_eq!(
            std::fs::read(a.as_ref().unwrap()).unwrap(),
            std::fs::read(b.as_ref().unwrap()).unwrap()
        );
    }
    let error = offline
        .query("rsc.io/quote", "latest", "", None)
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "module lookup disabled by GOPROXY=off");
}

#[tokio::test]
async fn corrupt_store_content_is_fetched_again() {
    let setup = setup();
    let recorder = Arc::new(Recorder::default());
    let first = fetcher(
        &setup.proxy,
        &setup.store,
        &setup.root.join("mc1"),
        recorder,
    )
    .download(&quote())
    .await;
    assert!(first.error.is_none());
    corrupt_blob(&setup.store, &quote(), ArtifactKind::Zip);
    corrupt_blob(&setup.store, &quote(), ArtifactKind::Mod);

    let recorder = Arc::new(Recorder::default());
    let again = fetcher(
        &setup.proxy,
        &setup.store,
        &setup.root.join("mc2"),
        recorder.clone(),
    )
    .download(&quote())
    .await;
    assert!(again.error.is_none(), "{:?}", again.error);
    assert!(
        matches!(
            recorder.finished.lock().unwrap()[..],
            [(_, Outcome::Downloaded { .. })]
        ),
        "the zip was fetched again"
    );
    assert_eq!(again.sum, first.sum);
    assert_eq!(again.go_mod_sum, first.go_mod_sum);
    let store = Store::open(&setup.store).unwrap();
    for kind in ArtifactKind::ALL {
        let reference = store.get_ref(&quote(), kind).unwrap().unwrap();
        assert!(
            store.verify_blob(&reference.sha256).unwrap(),
            "{kind} repaired"
        );
    }
}

#[tokio::test]
async fn a_changed_gomodcache_copy_is_written_again_from_the_store() {
    use std::os::unix::fs::PermissionsExt;
    let setup = setup();
    let mod_cache = setup.root.join("mc");
    let recorder = Arc::new(Recorder::default());
    let first = fetcher(&setup.proxy, &setup.store, &mod_cache, recorder)
        .download(&quote())
        .await;
    assert!(first.error.is_none(), "{:?}", first.error);
    let files = [first.info.unwrap(), first.go_mod.unwrap()];
    let originals: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    for file in &files {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::write(file, b"changed by hand\n").unwrap();
    }

    let offline = fetcher("off", &setup.store, &mod_cache, Arc::default());
    let info = offline.info(&quote()).await.unwrap();
    assert_eq!(info.info.version, "v1.5.2");
    let go_mod = offline.go_mod(&quote()).await.unwrap();
    assert_eq!(go_mod.data.as_ref(), originals[1].as_slice());
    for (file, original) in files.iter().zip(&originals) {
        assert_eq!(
            &std::fs::read(file).unwrap(),
            original,
            "{}",
            file.display()
        );
    }
}

#[tokio::test]
async fn concurrent_callers_share_one_download() {
    let setup = setup();
    let recorder = Arc::new(Recorder::default());
    let fetcher = fetcher(
        &setup.proxy,
        &setup.store,
        &setup.root.join("mc"),
        recorder.clone(),
    );
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let fetcher = fetcher.clone();
            tokio::spawn(async move { fetcher.download(&quote()).await })
        })
        .collect();
    for task in tasks {
        assert!(task.await.unwrap().error.is_none());
    }
    assert_eq!(recorder.starts.lock().unwrap().len(), 1, "one zip download");
    assert_eq!(recorder.finished.lock().unwrap().len(), 1, "one report");
}

#[tokio::test]
async fn queries_record_the_proxy_answers() {
    let setup = setup();
    let fetcher = fetcher(
        &setup.proxy,
        &setup.store,
        &setup.root.join("mc"),
        Arc::default(),
    );
    let latest = fetcher
        .query("rsc.io/quote", "latest", "", None)
        .await
        .unwrap();
    assert_eq!(latest.version, "v1.5.2");
    let branch = fetcher
        .query("rsc.io/quote", "<v1.5.2", "", None)
        .await
        .unwrap();
    assert_eq!(branch.version, "v1.5.1");
    let store = Store::open(&setup.store).unwrap();
    let list = store
        .get_meta(&setup.proxy, "rsc.io/quote", &MetaKey::List)
        .unwrap()
        .unwrap();
    assert!(
        matches!(&list.value, MetaValue::Found(body) if body.lines().any(|l| l == "v1.5.2")),
        "{list:?}"
    );
    assert!(
        store
            .get_ref(&quote(), ArtifactKind::Info)
            .unwrap()
            .is_some(),
        "the canonical .info is immutable"
    );
    let missing = fetcher
        .query("example.com/nonexist", "latest", "", None)
        .await
        .unwrap_err();
    assert!(missing.is_not_exist(), "{missing}");
}

/// A fetcher whose go.sum policy is `go_sum`, with the checksum database off.
fn fetcher_with_sums(goproxy: &str, store: &Path, mod_cache: &Path, go_sum: &str) -> Fetcher {
    let go_sum = gomodx_modfile::GoSum::parse("go.sum", go_sum.as_bytes()).unwrap();
    fetcher_with(goproxy, store, mod_cache, Arc::default(), Some(go_sum))
}

#[tokio::test]
async fn graph_snapshots_serve_warm_loads_but_only_what_go_sum_vouches_for() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = gomodx_test::testdata::go_testdata_tree(&tmp.path().join("proxy")).unwrap();
    let go_sum: String = tree
        .modules
        .iter()
        .filter_map(|m| tree.go_sum_lines(m).ok())
        .collect();
    let main = gomodx_modfile::parse(
        "go.mod",
        b"module example.com/m\n\ngo 1.16\n\nrequire rsc.io/quote v1.5.2\n",
    )
    .unwrap();
    let (store, main_dir) = (tmp.path().join("store"), tmp.path().join("main"));
    let options = gomodx_resolver::LoadOptions::default();
    let load = |fetcher: Fetcher| {
        let (main, main_dir, options) = (main.clone(), main_dir.clone(), options.clone());
        async move { gomodx_fetch::load_graph(&fetcher, &main, &main_dir, &options, None).await }
    };

    let online = fetcher_with_sums(&tree.file_url(), &store, &tmp.path().join("mc1"), &go_sum);
    let first = load(online).await.unwrap();
    let snapshots: Vec<_> = std::fs::read_dir(store.join("graphs-v1"))
        .unwrap()
        .collect();
    assert_eq!(
        snapshots.len(),
        2,
        "a go.mod snapshot and a resolved graph for the main module"
    );

    // Without any ref in the store, offline, the snapshots alone serve the
    // load (GOMODCACHE holding the go.mod files already).
    gomodx_fs::remove_dir_all_force(&store.join("refs-v1")).unwrap();
    let offline = fetcher_with_sums("off", &store, &tmp.path().join("mc1"), &go_sum);
    let second = load(offline).await.unwrap();
    assert_eq!(second.build_list(), first.build_list());
    assert_eq!(second.graph_text(), first.graph_text());

    // A go.mod missing from GOMODCACHE is not vouched for by the resolved
    // graph: offline, with no ref to export it from, the load fails as go's.
    let go_mod = tmp
        .path()
        .join("mc1/cache/download/rsc.io/sampler/@v/v1.3.0.mod");
    std::fs::remove_file(&go_mod).unwrap();
    let offline = fetcher_with_sums("off", &store, &tmp.path().join("mc1"), &go_sum);
    let error = load(offline).await.unwrap_err().to_string();
    assert!(error.contains("rsc.io/sampler@v1.3.0"), "{error}");

    // A go.sum that disagrees is not overruled by the snapshot.
    let real = "rsc.io/quote v1.5.2/go.mod h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=";
    assert!(go_sum.contains(real));
    let lying = go_sum.replace(
        real,
        "rsc.io/quote v1.5.2/go.mod h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0=",
    );
    let offline = fetcher_with_sums("off", &store, &tmp.path().join("mc3"), &lying);
    let error = load(offline).await.unwrap_err().to_string();
    assert!(error.contains("rsc.io/quote@v1.5.2"), "{error}");
}
