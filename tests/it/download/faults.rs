//! Misbehaving proxies: retried failures end in a correct cache; fatal
//! ones leave nothing behind and say what happened.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gomodx_module::ModuleVersion;
use gomodx_store::{ArtifactKind, Store};
use gomodx_test::server::{Fault, FaultRule, Faults, PathMatch};
use gomodx_test::{ProxyServer, ProxyTree};

use super::harness::{Gomodx, assert_no_partial_files, assert_store_intact, every_version, stderr};
use crate::universes::{self, OnDisk};

/// A small universe served over HTTP with `faults`.
struct Case {
    tree: ProxyTree,
    main: PathBuf,
    args: Vec<String>,
    _tmp: tempfile::TempDir,
}

impl Case {
    fn new(seed: u64) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let OnDisk { tree, main, .. } = universes::write(tmp.path(), universes::config(seed, 4));
        let args = every_version(&tree, &[]);
        Self {
            tree,
            main,
            args,
            _tmp: tmp,
        }
    }

    fn args(&self) -> Vec<&str> {
        self.args.iter().map(String::as_str).collect()
    }

    /// Asserts every module of the tree is in GOMODCACHE with the right
    /// hashes and an extracted tree, and nothing partial is anywhere.
    fn assert_complete(&self, gomodx: &Gomodx) {
        let cache = gomodx_modcache::ModCache::new(gomodx.mod_cache());
        for module in &self.tree.modules {
            let zip = self
                .tree
                .version_file(&module.path, &module.version, "zip")
                .unwrap();
            let want = gomodx_modzip::h1::hash_zip(&zip).unwrap();
            let ziphash = cache
                .file(module, gomodx_modcache::CacheFile::ZipHash)
                .unwrap();
            assert_eq!(std::fs::read_to_string(&ziphash).unwrap(), want, "{module}");
            let ours = cache.file(module, gomodx_modcache::CacheFile::Zip).unwrap();
            assert_eq!(
                gomodx_modzip::h1::hash_zip(&ours).unwrap(),
                want,
                "{module}"
            );
            assert!(
                cache.complete_dir(module).unwrap().is_some(),
                "{module} extracted"
            );
        }
        assert_no_partial_files(&gomodx.mod_cache());
        assert_eq!(
            assert_store_intact(&gomodx.store()),
            3 * self.tree.modules.len()
        );
    }
}

fn status(code: u16) -> Fault {
    Fault::Status {
        code,
        retry_after: None,
    }
}

fn statuses(server: &ProxyServer, code: u16) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.status == code)
        .count()
}

#[test]
fn server_errors_are_retried() {
    let case = Case::new(41);
    let faults = Faults::none()
        .rule(FaultRule::new(PathMatch::Suffix(".zip".into()), status(503)).times(2))
        .rule(
            FaultRule::new(
                PathMatch::Suffix(".mod".into()),
                Fault::Status {
                    code: 429,
                    retry_after: Some(0),
                },
            )
            .times(1),
        )
        .rule(FaultRule::new(PathMatch::Suffix(".info".into()), status(500)).times(1));
    let server = ProxyServer::start(case.tree.root.clone(), faults);
    let gomodx = Gomodx::new(&server.url());
    let output = gomodx.run(&case.main, &[&["download"][..], &case.args()].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        (
            statuses(&server, 503),
            statuses(&server, 429),
            statuses(&server, 500)
        ),
        (2, 1, 1)
    );
    case.assert_complete(&gomodx);
}

#[test]
fn connection_resets_are_retried() {
    let case = Case::new(42);
    let faults = Faults::none()
        .rule(FaultRule::new(PathMatch::Suffix(".zip".into()), Fault::Reset).times(2))
        .rule(FaultRule::new(PathMatch::Suffix(".mod".into()), Fault::Reset).times(1));
    let server = ProxyServer::start(case.tree.root.clone(), faults);
    let gomodx = Gomodx::new(&server.url());
    let output = gomodx.run(&case.main, &[&["download"][..], &case.args()].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(statuses(&server, 0), 3, "three connections were reset");
    case.assert_complete(&gomodx);
}

#[test]
fn truncated_bodies_are_retried() {
    let case = Case::new(43);
    let faults = Faults::none().rule(
        FaultRule::new(
            PathMatch::Suffix(".zip".into()),
            Fault::Truncate { after: 100 },
        )
        .times(3),
    );
    let server = ProxyServer::start(case.tree.root.clone(), faults);
    let gomodx = Gomodx::new(&server.url());
    let output = gomodx.run(&case.main, &[&["download"][..], &case.args()].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let truncated = server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with(".zip") && r.bytes == 100)
        .count();
    assert_eq!(truncated, 3);
    case.assert_complete(&gomodx);
}

/// Whether the store holds a ref of `kind` for `module`.
fn has_ref(store: &Path, module: &ModuleVersion, kind: ArtifactKind) -> bool {
    Store::open(store)
        .unwrap()
        .get_ref(module, kind)
        .unwrap()
        .is_some()
}

#[test]
fn hash_mismatch_keeps_nothing() {
    let case = Case::new(44);
    let (victim, other) = (&case.tree.modules[0], &case.tree.modules[1]);
    let right = gomodx_modzip::h1::hash_zip(
        &case
            .tree
            .version_file(&victim.path, &victim.version, "zip")
            .unwrap(),
    )
    .unwrap();
    let wrong = gomodx_modzip::h1::hash_zip(
        &case
            .tree
            .version_file(&other.path, &other.version, "zip")
            .unwrap(),
    )
    .unwrap();
    let go_sum = std::fs::read_to_string(case.main.join("go.sum")).unwrap();
    let line = format!("{} {} {right}\n", victim.path, victim.version);
    assert!(go_sum.contains(&line));
    std::fs::write(
        case.main.join("go.sum"),
        go_sum.replace(
            &line,
            &format!("{} {} {wrong}\n", victim.path, victim.version),
        ),
    )
    .unwrap();

    let server = ProxyServer::start(case.tree.root.clone(), Faults::none());
    let gomodx = Gomodx::new(&server.url());
    let arg = victim.to_string();
    let output = gomodx.run(&case.main, &["download", &arg]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    for needle in [
        format!("verifying {victim}: checksum mismatch"),
        format!("downloaded: {right}"),
        format!("go.sum:     {wrong}"),
        format!("proxy:      {}", server.url()),
        "SECURITY ERROR".to_owned(),
    ] {
        assert!(text.contains(&needle), "{needle:?} in\n{text}");
    }
    let cache = gomodx_modcache::ModCache::new(gomodx.mod_cache());
    for kind in [
        gomodx_modcache::CacheFile::Zip,
        gomodx_modcache::CacheFile::ZipHash,
    ] {
        assert!(
            !cache.file(victim, kind).unwrap().exists(),
            "{kind:?} exported"
        );
    }
    assert!(!cache.extracted_dir(victim).unwrap().exists());
    assert!(
        !has_ref(&gomodx.store(), victim, ArtifactKind::Zip),
        "zip kept in the store"
    );
    assert_eq!(
        assert_store_intact(&gomodx.store()),
        2,
        "only the .info and .mod were kept"
    );
    // Neither the temporary blob nor the tree staged while hashing it is left.
    let tmp = gomodx.store().join("tmp");
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "left in {}: {left:?}", tmp.display());
    assert_no_partial_files(&gomodx.mod_cache());

    // A corrupted go.mod: the /go.mod line catches it before anything is kept.
    let faults = Faults::none().rule(FaultRule::new(
        PathMatch::Suffix(format!("{}.mod", other.version)),
        Fault::Corrupt { offset: 0 },
    ));
    server.set_faults(faults);
    let arg = other.to_string();
    let output = gomodx.run(&case.main, &["download", &arg]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(&format!("verifying {other}/go.mod: checksum mismatch")),
        "{}",
        stderr(&output)
    );
    assert!(
        !cache
            .file(other, gomodx_modcache::CacheFile::Mod)
            .unwrap()
            .exists()
    );
    assert!(!has_ref(&gomodx.store(), other, ArtifactKind::Mod));
}

/// go.sum may hold several h1: lines for one module version; as in go, the
/// first one decides (a wrong line before the right one is a mismatch).
#[test]
fn the_first_go_sum_line_decides_as_in_go() {
    let case = Case::new(46);
    let (victim, other) = (&case.tree.modules[0], &case.tree.modules[1]);
    let hash = |m: &ModuleVersion| {
        gomodx_modzip::h1::hash_zip(&case.tree.version_file(&m.path, &m.version, "zip").unwrap())
            .unwrap()
    };
    let (right, wrong) = (hash(victim), hash(other));
    let original = std::fs::read_to_string(case.main.join("go.sum")).unwrap();
    let line = |h: &str| format!("{} {} {h}\n", victim.path, victim.version);
    assert!(original.contains(&line(&right)));
    let server = ProxyServer::start(case.tree.root.clone(), Faults::none());
    let arg = victim.to_string();
    for (first, second, ok) in [(&wrong, &right, false), (&right, &wrong, true)] {
        let go_sum = original.replace(&line(&right), &format!("{}{}", line(first), line(second)));
        std::fs::write(case.main.join("go.sum"), &go_sum).unwrap();
        let gomodx = Gomodx::new(&server.url());
        let ours = gomodx.run(&case.main, &["download", &arg]);
        assert_eq!(ours.status.success(), ok, "gomodx: {}", stderr(&ours));
        if !ok {
            let text = stderr(&ours);
            assert!(text.contains(&format!("go.sum:     {wrong}")), "{text}");
        }
        assert_eq!(
            std::fs::read_to_string(case.main.join("go.sum")).unwrap(),
            go_sum
        );
        if let Some(go) = super::harness::go_env(&server.url()) {
            let theirs = go.run(&case.main, &["mod", "download", &arg]);
            assert_eq!(theirs.status.success(), ok, "go: {}", stderr(&theirs));
            assert_eq!(ours.status.code(), theirs.status.code());
        }
    }
}

#[test]
fn unrecorded_hashes_need_the_database_or_gonosumdb() {
    let case = Case::new(45);
    std::fs::write(case.main.join("go.sum"), "").unwrap();
    let server = ProxyServer::start(case.tree.root.clone(), Faults::none());
    let mut gomodx = Gomodx::new(&server.url());
    // A database that cannot be reached: nothing vouches for the hashes.
    let db = gomodx_test::sumdb::TestSumdb::new("sumdb.test", 9);
    gomodx.set("GOSUMDB", db.gosumdb(Some("http://127.0.0.1:1")));
    let module = &case.tree.modules[0];
    let arg = module.to_string();
    let output = gomodx.run(&case.main, &["download", &arg]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    for needle in [
        &format!("{arg}: verifying go.mod: {arg}/go.mod: "),
        "http://127.0.0.1:1/lookup/",
    ] {
        assert!(text.contains(needle), "{needle:?} in\n{text}");
    }
    assert_eq!(
        std::fs::read_to_string(case.main.join("go.sum")).unwrap(),
        "",
        "nothing added to go.sum"
    );
    assert!(!has_ref(&gomodx.store(), module, ArtifactKind::Mod));

    gomodx.set("GONOSUMDB", &module.path);
    let output = gomodx.run(&case.main, &["download", &arg]);
    assert!(output.status.success(), "{}", stderr(&output));
    gomodx.set("GONOSUMDB", "").set("GOPRIVATE", &module.path);
    let output = gomodx.run(&case.main, &["download", &arg]);
    assert!(
        output.status.success(),
        "GOPRIVATE implies GONOSUMDB: {}",
        stderr(&output)
    );
}

#[test]
fn proxy_lists_fall_through_as_go_does() {
    let case = Case::new(46);
    let good = ProxyServer::start(case.tree.root.clone(), Faults::none());
    let missing = ProxyServer::start(
        case.tree.root.clone(),
        Faults::none().rule(FaultRule::new(PathMatch::Any, status(404))),
    );
    let broken = ProxyServer::start(
        case.tree.root.clone(),
        Faults::none().rule(FaultRule::new(PathMatch::Any, status(500))),
    );
    let args = [&["download"][..], &case.args()].concat();

    let gomodx = Gomodx::new(&format!("{},{}", missing.url(), good.url()));
    let output = gomodx.run(&case.main, &args);
    assert!(
        output.status.success(),
        "a 404 falls through after `,`: {}",
        stderr(&output)
    );
    assert!(statuses(&missing, 404) >= 3 * case.tree.modules.len());
    case.assert_complete(&gomodx);

    let gomodx = Gomodx::new(&format!("{}|{}", broken.url(), good.url()));
    let output = gomodx.run(&case.main, &args);
    assert!(
        output.status.success(),
        "a 500 falls through after `|`: {}",
        stderr(&output)
    );
    case.assert_complete(&gomodx);

    good.clear_requests();
    let gomodx = Gomodx::new(&format!("{},{}", broken.url(), good.url()));
    let output = gomodx.run(&case.main, &args);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a 500 does not fall through after `,`"
    );
    assert!(
        stderr(&output).contains("500 Internal Server Error"),
        "{}",
        stderr(&output)
    );
    assert_eq!(good.requests(), []);
}

#[test]
fn slow_proxy_times_out() {
    let case = Case::new(47);
    let faults = Faults::none().rule(FaultRule::new(
        PathMatch::Suffix(".zip".into()),
        Fault::Delay(Duration::from_secs(30)),
    ));
    let server = ProxyServer::start(case.tree.root.clone(), faults);
    let mut gomodx = Gomodx::new(&server.url());
    gomodx.set("GOMODX_HTTP_TIMEOUT", "0.5");
    let module = case.tree.modules[0].to_string();
    let started = Instant::now();
    let output = gomodx.run(&case.main, &["download", &module]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "gave up in {:?}",
        started.elapsed()
    );
    let text = stderr(&output);
    assert!(
        text.contains(&format!("{module}: ")) && text.contains(".zip"),
        "{text}"
    );
    assert!(
        text.contains("timed out") || text.contains("timeout"),
        "{text}"
    );
    assert!(text.contains("gave up after 4 attempts"), "{text}");
    assert_no_partial_files(&gomodx.mod_cache());
}
