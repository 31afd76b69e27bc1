//! Tests across modules: concurrency between threads and between processes.

use tempfile::TempDir;

use crate::Store;

/// A fresh store at `<tempdir>/cache`.
pub(crate) fn temp_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("create temporary directory");
    let store = Store::open(dir.path().join("cache")).expect("open store");
    (dir, store)
}

/// Number of temporary files: entries of `tmp/` other than this store's
/// staging, plus what its staging holds.
pub(crate) fn tmp_entries(store: &Store) -> usize {
    let entries = |dir: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .expect("read tmp")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect()
    };
    let tmp = store.bucket(crate::store::TMP);
    entries(&tmp)
        .iter()
        .map(|name| {
            if !store.owns_temp(name) {
                1
            } else if name.ends_with(".lock") {
                0
            } else {
                entries(&tmp.join(name)).len()
            }
        })
        .sum()
}

/// Number of blob files.
pub(crate) fn blob_count(store: &Store) -> usize {
    std::fs::read_dir(store.bucket(crate::store::BLOBS))
        .expect("read blobs")
        .map(|shard| {
            std::fs::read_dir(shard.expect("shard").path())
                .expect("read shard")
                .count()
        })
        .sum()
}

/// Gives the owner write permission on a (read-only) file.
pub(crate) fn make_writable(path: &std::path::Path) {
    let mut permissions = std::fs::metadata(path).expect("stat").permissions();
    #[expect(
        clippy::permissions_set_readonly_false,
        reason = "tests corrupt blobs on purpose"
    )]
    permissions.set_readonly(false);
    std::fs::set_permissions(path, permissions).expect("chmod");
}

mod concurrency {
    use std::collections::HashSet;
    use std::fs::OpenOptions;
    use std::io::{self, Write};
    use std::path::Path;
    use std::process::{Command, Stdio};
    use std::sync::Barrier;
    use std::thread;

    use gomodx_module::ModuleVersion;

    use super::{blob_count, tmp_entries};
    use crate::{ArtifactKind, Blob, Ref, Store};

    /// Modules ingested by every worker.
    const MODULES: usize = 12;
    /// Set in child processes: the store root to work on.
    const CHILD_ROOT: &str = "GOMODX_STORE_TEST_CHILD_ROOT";

    fn module(i: usize) -> ModuleVersion {
        ModuleVersion::new(format!("example.com/Mod{i}"), format!("v1.{i}.0"))
    }

    /// Deterministic artifact bytes; zips are large enough to take many writes.
    fn content(i: usize, kind: ArtifactKind) -> Vec<u8> {
        let unit = format!("{kind} of module {i}\n");
        let repeat = if kind == ArtifactKind::Zip { 5_000 } else { 1 };
        unit.repeat(repeat).into_bytes()
    }

    /// Streams `bytes` in small chunks so concurrent writers interleave.
    fn ingest(store: &Store, bytes: &[u8]) -> Blob {
        let mut writer = store.blob_writer().unwrap();
        for chunk in bytes.chunks(4096) {
            writer.write_all(chunk).unwrap();
        }
        writer.commit().unwrap()
    }

    /// What one worker does: ingest every artifact (racing the others), and
    /// under the per-version lock write each ref once, recording in
    /// `work_dir` that it did so; a second recording would fail.
    fn work(store: &Store, work_dir: &Path) {
        for i in 0..MODULES {
            for kind in ArtifactKind::ALL {
                let blob = ingest(store, &content(i, kind));
                let _lock = store.lock_module_version(&module(i)).unwrap();
                if store.get_ref(&module(i), kind).unwrap().is_some() {
                    continue;
                }
                let marker = work_dir.join(format!("{i}.{kind}"));
                let created = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&marker);
                assert!(created.is_ok(), "{marker:?} written twice: {created:?}");
                let reference = Ref::new(&blob, "https://proxy.example");
                let reference = if kind.has_h1() {
                    reference.with_h1(format!("h1:{i}"))
                } else {
                    reference
                };
                store.put_ref(&module(i), kind, &reference).unwrap();
            }
        }
    }

    /// Checks a store after the workers are done.
    fn check(store: &Store, work_dir: &Path) {
        let refs: Vec<_> = store.list_refs().collect::<Result<_, _>>().unwrap();
        assert_eq!(refs.len(), MODULES * ArtifactKind::ALL.len());
        let mut seen = HashSet::new();
        for (module, kind, reference) in refs {
            let i: usize = module
                .path
                .strip_prefix("example.com/Mod")
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(module, self::module(i));
            assert_eq!(
                store.read_blob(&reference.sha256).unwrap(),
                content(i, kind)
            );
            assert!(seen.insert((i, kind)));
        }
        assert_eq!(blob_count(store), MODULES * ArtifactKind::ALL.len());
        assert_eq!(tmp_entries(store), 0, "no temporary file left behind");
        assert_eq!(
            std::fs::read_dir(work_dir).unwrap().count(),
            MODULES * ArtifactKind::ALL.len()
        );
    }

    #[test]
    fn threads_ingesting_the_same_bytes_share_one_blob() {
        let (_dir, store) = super::temp_store();
        let barrier = Barrier::new(8);
        let blobs: Vec<Blob> = thread::scope(|scope| {
            let workers: Vec<_> = (0..8)
                .map(|_| {
                    scope.spawn(|| {
                        barrier.wait();
                        ingest(&store, &content(0, ArtifactKind::Zip))
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|worker| worker.join().unwrap())
                .collect()
        });
        assert!(blobs.windows(2).all(|pair| pair[0] == pair[1]), "{blobs:?}");
        assert_eq!(blob_count(&store), 1);
        assert_eq!(tmp_entries(&store), 0);
        assert_eq!(
            store.read_blob(&blobs[0].sha256).unwrap(),
            content(0, ArtifactKind::Zip)
        );
    }

    #[test]
    fn threads_ingesting_a_set_agree() {
        let (dir, store) = super::temp_store();
        let work_dir = dir.path().join("work");
        std::fs::create_dir(&work_dir).unwrap();
        thread::scope(|scope| {
            for _ in 0..6 {
                scope.spawn(|| work(&store, &work_dir));
            }
        });
        check(&store, &work_dir);
    }

    /// Runs as a child process of `processes_ingesting_a_set_agree` (which
    /// sets the environment variable); does nothing when run directly.
    #[test]
    #[ignore = "entry point for child processes"]
    fn child_process_worker() {
        let Some(root) = std::env::var_os(CHILD_ROOT) else {
            return;
        };
        let root = Path::new(&root);
        let store = Store::open(root.join("cache")).unwrap();
        work(&store, &root.join("work"));
    }

    #[test]
    fn processes_ingesting_a_set_agree() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir(dir.path().join("work"))?;
        let exe = std::env::current_exe()?;
        let children: Vec<_> = (0..4)
            .map(|_| {
                Command::new(&exe)
                    .args([
                        "--exact",
                        "tests::concurrency::child_process_worker",
                        "--ignored",
                        "--test-threads=1",
                    ])
                    .env(CHILD_ROOT, dir.path())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
            })
            .collect::<io::Result<_>>()?;
        for child in children {
            let child = child.wait_with_output()?;
            let stdout = String::from_utf8_lossy(&child.stdout);
            assert!(
                child.status.success(),
                "{stdout}\n{}",
                String::from_utf8_lossy(&child.stderr)
            );
            assert!(
                stdout.contains("1 passed"),
                "the worker test did not run: {stdout}"
            );
        }
        let store = Store::open(dir.path().join("cache")).unwrap();
        check(&store, &dir.path().join("work"));
        Ok(())
    }
}
