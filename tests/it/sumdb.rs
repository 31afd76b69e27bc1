//! The checksum database, differentially: go and gomodx pointed at the same
//! test database (its own key and log, `GOSUMDB="name+key URL"`, or reached
//! through the testkit proxy) download a universe whose go.sum is empty.
//! Both accept the honest database and write the same go.sum; both refuse
//! each lie (exit 1) and gomodx adds nothing to go.sum; each accepts the
//! sumdb cache the other left, with the database unreachable.

use std::path::{Path, PathBuf};
use std::process::Output;

use gomodx_module::ModuleVersion;
use gomodx_test::server::Faults;
use gomodx_test::sumdb::{Lie, TestSumdb};
use gomodx_test::{GoEnv, ProxyServer, ProxyTree};

use crate::download::harness::{Gomodx, copy_dir, every_version, go_env, stderr};
use crate::universes;

/// A database name for databases reached through a proxy.
const NAME: &str = "sumdb.test";

/// A universe whose main module has an empty go.sum, and a database
/// vouching for every module version of it (plus filler records, so the
/// log spans two tile levels).
struct Case {
    _tmp: tempfile::TempDir,
    tree: ProxyTree,
    main: PathBuf,
    db: TestSumdb,
    db_dir: PathBuf,
}

fn case(seed: u64, name: &str) -> Case {
    let tmp = tempfile::tempdir().unwrap();
    let on_disk = universes::write(tmp.path(), universes::config(seed, 6));
    std::fs::write(on_disk.main.join("go.sum"), "").unwrap();
    let db = TestSumdb::new(name, 3)
        .with_tree(&on_disk.tree)
        .unwrap()
        .with_filler(300);
    let db_dir = tmp.path().join("db");
    Case {
        tree: on_disk.tree,
        main: on_disk.main,
        db,
        db_dir,
        _tmp: tmp,
    }
}

impl Case {
    fn args(&self) -> Vec<String> {
        every_version(&self.tree, &[])
    }
}

/// What one tool did: its exit code, stderr and the go.sum it left.
#[derive(Debug)]
struct Run {
    code: i32,
    stderr: String,
    go_sum: String,
}

fn run_result(output: &Output, main: &Path) -> Run {
    Run {
        code: output.status.code().unwrap_or(-1),
        stderr: stderr(output),
        go_sum: std::fs::read_to_string(main.join("go.sum")).unwrap_or_default(),
    }
}

/// `go mod download args…` in a copy of `main`.
fn run_go(go: &GoEnv, main: &Path, args: &[String]) -> Run {
    let dir = go.root().join("main");
    copy_dir(main, &dir);
    let mut full = vec!["mod", "download"];
    full.extend(args.iter().map(String::as_str));
    run_result(&go.run(&dir, &full), &dir)
}

/// `gomodx download args…` in a copy of `main`.
fn run_gomodx(gomodx: &Gomodx, main: &Path, args: &[String]) -> Run {
    let dir = gomodx.mod_cache().with_file_name("main");
    copy_dir(main, &dir);
    let mut full = vec!["download"];
    full.extend(args.iter().map(String::as_str));
    run_result(&gomodx.run(&dir, &full), &dir)
}

/// A go and a gomodx environment with the same GOPROXY and GOSUMDB.
fn pair(goproxy: &str, gosumdb: &str) -> Option<(GoEnv, Gomodx)> {
    let mut go = go_env(goproxy)?;
    go.set("GOSUMDB", gosumdb);
    let mut gomodx = Gomodx::new(goproxy);
    gomodx.set("GOSUMDB", gosumdb);
    Some((go, gomodx))
}

fn gomodx_gopath(gomodx: &Gomodx) -> PathBuf {
    gomodx
        .mod_cache()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Copies a directory tree (files only).
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The checksum-database state of a GOPATH/GOMODCACHE pair, copied into
/// another (`tiles_only`: the latest tree and the tiles, not the lookups).
fn copy_sumdb_state(
    gopath: &Path,
    mod_cache: &Path,
    to_gopath: &Path,
    to_cache: &Path,
    tiles_only: bool,
) {
    copy_tree(&gopath.join("pkg/sumdb"), &to_gopath.join("pkg/sumdb"));
    let cache = mod_cache.join("cache/download/sumdb");
    let to = to_cache.join("cache/download/sumdb");
    if tiles_only {
        for db in std::fs::read_dir(&cache).unwrap() {
            let db = db.unwrap();
            copy_tree(
                &db.path().join("tile"),
                &to.join(db.file_name()).join("tile"),
            );
        }
    } else {
        copy_tree(&cache, &to);
    }
}

#[test]
fn honest_database_matches_go_and_caches_are_shared() {
    let case = case(21, NAME);
    case.db.write(&case.db_dir, &Lie::None).unwrap();
    let db_server = ProxyServer::start(case.db_dir.clone(), Faults::none());
    let proxy = ProxyServer::start(case.tree.root.clone(), Faults::none());
    let gosumdb = case.db.gosumdb(Some(&db_server.url()));
    let Some((go, gomodx)) = pair(&proxy.url(), &gosumdb) else {
        return;
    };
    let args = case.args();
    let theirs = run_go(&go, &case.main, &args);
    assert_eq!(theirs.code, 0, "go: {}", theirs.stderr);
    db_server.clear_requests();
    let ours = run_gomodx(&gomodx, &case.main, &args);
    assert_eq!(ours.code, 0, "gomodx: {}", ours.stderr);
    assert!(!ours.go_sum.is_empty());
    assert_eq!(ours.go_sum, theirs.go_sum, "go.sum");

    // One lookup per module version, each tile fetched once.
    let requests = db_server.requests();
    let lookups = requests
        .iter()
        .filter(|r| r.path.starts_with("/lookup/"))
        .count();
    assert_eq!(lookups, case.tree.modules.len(), "{requests:#?}");
    let mut tiles: Vec<_> = requests
        .iter()
        .filter(|r| r.path.starts_with("/tile/"))
        .map(|r| r.path.clone())
        .collect();
    let fetched = tiles.len();
    tiles.dedup();
    assert_eq!(tiles.len(), fetched, "a tile fetched twice: {tiles:#?}");
    assert!(
        tiles.iter().any(|t| t.starts_with("/tile/8/1/")),
        "{tiles:#?}"
    );

    // Each accepts the other's cache with the database unreachable.
    let dead = case.db.gosumdb(Some("http://127.0.0.1:1"));
    let (go2, gomodx2) = pair(&proxy.url(), &dead).unwrap();
    copy_sumdb_state(
        &gomodx_gopath(&gomodx),
        &gomodx.mod_cache(),
        &go2.gopath(),
        &go2.gomodcache(),
        false,
    );
    let from_ours = run_go(&go2, &case.main, &args);
    assert_eq!(
        from_ours.code, 0,
        "go on gomodx's sumdb cache: {}",
        from_ours.stderr
    );
    assert_eq!(from_ours.go_sum, theirs.go_sum);
    copy_sumdb_state(
        &go.gopath(),
        &go.gomodcache(),
        &gomodx_gopath(&gomodx2),
        &gomodx2.mod_cache(),
        false,
    );
    let from_theirs = run_gomodx(&gomodx2, &case.main, &args);
    assert_eq!(
        from_theirs.code, 0,
        "gomodx on go's sumdb cache: {}",
        from_theirs.stderr
    );
    assert_eq!(from_theirs.go_sum, theirs.go_sum);

    // Offline, gomodx uses only the cached lookups and tiles (its store
    // has the modules now), and says what it lacks when they are gone:
    // first the tiles that prove the latest tree go left in GOPATH.
    let mut offline = gomodx2;
    offline.set("GOMODX_OFFLINE", "1");
    let cached = run_gomodx(&offline, &case.main, &args);
    assert_eq!(cached.code, 0, "offline: {}", cached.stderr);
    assert_eq!(cached.go_sum, theirs.go_sum);
    std::fs::remove_dir_all(offline.mod_cache().join("cache/download/sumdb")).unwrap();
    let lacking = run_gomodx(&offline, &case.main, &args);
    assert_eq!(lacking.code, 1);
    assert!(
        lacking.stderr.contains(&format!(
            "{NAME}/tile/8/1/000.p/1 is not in the checksum database cache"
        )),
        "{}",
        lacking.stderr
    );
    assert!(lacking.go_sum.is_empty(), "{}", lacking.go_sum);
}

/// Both refuse `lie`, gomodx naming the database; `prime` first lets each
/// see the honest tree (the latest tree and tiles of a run against it).
fn assert_both_refuse(seed: u64, lie: Lie, prime: bool, wants: &str) {
    let case = case(seed, NAME);
    case.db.write(&case.db_dir, &Lie::None).unwrap();
    let db_server = ProxyServer::start(case.db_dir.clone(), Faults::none());
    let proxy = ProxyServer::start(case.tree.root.clone(), Faults::none());
    let gosumdb = case.db.gosumdb(Some(&db_server.url()));
    let Some((go, gomodx)) = pair(&proxy.url(), &gosumdb) else {
        return;
    };
    let args = case.args();
    if prime {
        let (primer, _) = pair(&proxy.url(), &gosumdb).unwrap();
        let first = &args[..1];
        assert_eq!(run_go(&primer, &case.main, first).code, 0);
        for (gopath, cache) in [
            (go.gopath(), go.gomodcache()),
            (gomodx_gopath(&gomodx), gomodx.mod_cache()),
        ] {
            copy_sumdb_state(
                &primer.gopath(),
                &primer.gomodcache(),
                &gopath,
                &cache,
                true,
            );
        }
    }
    case.db.write(&case.db_dir, &lie).unwrap();
    let theirs = run_go(&go, &case.main, &args);
    let ours = run_gomodx(&gomodx, &case.main, &args);
    assert_eq!(theirs.code, 1, "go accepted {lie:?}: {}", theirs.stderr);
    assert_eq!(ours.code, 1, "gomodx accepted {lie:?}: {}", ours.stderr);
    assert!(ours.stderr.contains(wants), "{lie:?}: {}", ours.stderr);
    // go's wording: its first message (a security error is all go
    // prints) is one of gomodx's.
    let first = theirs.stderr.lines().next().unwrap_or_default();
    let go_says = match first.strip_prefix("go: ") {
        Some(message) => message,
        None => theirs.stderr.trim_end(),
    };
    assert!(
        ours.stderr.contains(go_says),
        "{lie:?}: go says\n{go_says}\ngomodx says\n{}",
        ours.stderr
    );
    assert!(
        ours.stderr.contains(NAME),
        "{lie:?} names the database: {}",
        ours.stderr
    );
    if prime {
        assert!(ours.go_sum.is_empty(), "{lie:?}: {}", ours.go_sum);
    } else {
        assert_eq!(ours.go_sum, theirs.go_sum, "{lie:?}: go.sum");
    }
}

#[test]
fn a_wrong_hash_is_refused_like_go() {
    let case = case(22, NAME);
    let module: ModuleVersion = case.tree.modules[0].clone();
    drop(case);
    assert_both_refuse(22, Lie::WrongHash(module), false, "checksum mismatch");
}

#[test]
fn a_bad_signature_is_refused_like_go() {
    assert_both_refuse(23, Lie::BadSignature, false, "invalid signature for key");
}

#[test]
fn a_forked_tree_is_refused_like_go() {
    assert_both_refuse(24, Lie::Fork, true, "SECURITY ERROR");
}

#[test]
fn a_rolled_back_tree_is_refused_like_go() {
    assert_both_refuse(25, Lie::Rollback, true, "SECURITY ERROR");
}

#[test]
fn through_the_proxy_with_fall_through_and_direct_fallback() {
    let case = case(26, NAME);
    // Proxy A serves the modules but not the database; proxy B only the
    // database, at `<proxy>/sumdb/<name>/`.
    let b_root = case.db_dir.with_file_name("b");
    case.db
        .write(&b_root.join("sumdb").join(NAME), &Lie::None)
        .unwrap();
    let a = ProxyServer::start(case.tree.root.clone(), Faults::none());
    let b = ProxyServer::start(b_root, Faults::none());
    let goproxy = format!("{},{}", a.url(), b.url());
    let Some((go, gomodx)) = pair(&goproxy, &case.db.key()) else {
        return;
    };
    let args = case.args();
    let theirs = run_go(&go, &case.main, &args);
    assert_eq!(theirs.code, 0, "go: {}", theirs.stderr);
    b.clear_requests();
    let ours = run_gomodx(&gomodx, &case.main, &args);
    assert_eq!(ours.code, 0, "gomodx: {}", ours.stderr);
    assert_eq!(ours.go_sum, theirs.go_sum);
    let supported = format!("/sumdb/{NAME}/supported");
    assert_eq!(b.count(|p| p == supported), 1);
    assert_eq!(
        b.count(|p| p.starts_with(&format!("/sumdb/{NAME}/lookup/"))),
        case.tree.modules.len()
    );
    assert!(a.count(|p| p == supported) >= 1, "A was asked first");

    // No proxy supports it: the database itself, at https://<name>, which
    // here is a plain-HTTP loopback server, so both fail the same way.
    let direct_server = ProxyServer::start(case.db_dir.clone(), Faults::none());
    let name = direct_server.addr().to_string();
    let db = TestSumdb::new(&name, 4).with_tree(&case.tree).unwrap();
    db.write(&case.db_dir, &Lie::None).unwrap();
    let (go, gomodx) = pair(&a.url(), &db.key()).unwrap();
    let theirs = run_go(&go, &case.main, &args);
    let ours = run_gomodx(&gomodx, &case.main, &args);
    assert_eq!(theirs.code, 1, "go: {}", theirs.stderr);
    assert_eq!(ours.code, 1, "gomodx: {}", ours.stderr);
    assert!(
        ours.stderr.contains(&format!("https://{name}/lookup/")),
        "{}",
        ours.stderr
    );
    assert!(ours.go_sum.is_empty());
}

#[test]
fn gonosumdb_and_goprivate_skip_the_database_like_go() {
    let case = case(27, NAME);
    // The database lies about one module, which GONOSUMDB (or GOPRIVATE)
    // keeps it from being asked about.
    let module = case.tree.modules[0].clone();
    case.db
        .write(&case.db_dir, &Lie::WrongHash(module.clone()))
        .unwrap();
    let db_server = ProxyServer::start(case.db_dir.clone(), Faults::none());
    let proxy = ProxyServer::start(case.tree.root.clone(), Faults::none());
    let gosumdb = case.db.gosumdb(Some(&db_server.url()));
    let args = case.args();
    for var in ["GONOSUMDB", "GOPRIVATE"] {
        let Some((mut go, mut gomodx)) = pair(&proxy.url(), &gosumdb) else {
            return;
        };
        // GOPRIVATE would also route the module around the proxy.
        for (key, value) in [(var, module.path.as_str()), ("GONOPROXY", "none")] {
            go.set(key, value);
            gomodx.set(key, value);
        }
        let theirs = run_go(&go, &case.main, &args);
        assert_eq!(theirs.code, 0, "go with {var}: {}", theirs.stderr);
        db_server.clear_requests();
        let ours = run_gomodx(&gomodx, &case.main, &args);
        assert_eq!(ours.code, 0, "gomodx with {var}: {}", ours.stderr);
        assert_eq!(ours.go_sum, theirs.go_sum, "{var}");
        let asked = format!("/lookup/{}@", module.path);
        assert_eq!(db_server.count(|p| p.starts_with(&asked)), 0, "{var}");
    }
}
