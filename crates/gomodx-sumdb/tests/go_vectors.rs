//! gomodx-sumdb against Go's own `golang.org/x/mod/sumdb/{note,tlog}`,
//! built offline from the copy vendored in GOROOT (`oracle/oracle.go`): the
//! same key from the same seed, the same signed note byte for byte, the
//! same tree hash and tiles for a 300-record log, and those Go tiles proving
//! every record through [`TileRead`].

#[allow(dead_code)]
#[path = "../../gomodx-modzip/src/test_support.rs"]
mod test_support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use gomodx_sumdb::note::{Signer, Verifier};
use gomodx_sumdb::tlog::{MemoryLog, Tile, TileRead, Tree, record_hash, stored_hash_index};

const RECORDS: i64 = 300;

/// The go binary (`GOMODX_GO`, else `go` on PATH); `None` to skip, unless
/// `GOMODX_REQUIRE_GO` is set.
#[allow(clippy::print_stderr)]
fn go_bin() -> Option<PathBuf> {
    let go = std::env::var_os("GOMODX_GO")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|dir| dir.join("go"))
                .find(|go| go.is_file())
        });
    if go.is_none() {
        assert!(
            std::env::var_os("GOMODX_REQUIRE_GO").is_none(),
            "GOMODX_REQUIRE_GO is set but no go was found"
        );
        eprintln!("SKIPPED: no go binary (set GOMODX_GO)");
    }
    go
}

/// Builds and runs the oracle; its output lines.
fn oracle_output(go: &Path) -> String {
    // Go's caches persist under the target dir (the standard library is
    // built once); the sources go to a fresh temp dir.
    let cache_root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sumdb-xmod-oracle");
    std::fs::create_dir_all(&cache_root).unwrap();
    let work = tempfile::tempdir_in(&cache_root).unwrap();
    let root = work.path();
    let run = |args: &[&str], dir: &Path| {
        let out = test_support::go_command(go, &cache_root)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "go {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let goroot = PathBuf::from(run(&["env", "GOROOT"], root).trim());
    let vendored = goroot.join("src/cmd/vendor/golang.org/x/mod");
    let xmod = root.join("xmod");
    for package in ["sumdb/note", "sumdb/tlog"] {
        let to = xmod.join(package);
        std::fs::create_dir_all(&to).unwrap();
        for file in std::fs::read_dir(vendored.join(package)).unwrap() {
            let file = file.unwrap().path();
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".go") && !name.ends_with("_test.go") {
                std::fs::copy(&file, to.join(name)).unwrap();
            }
        }
    }
    std::fs::write(xmod.join("go.mod"), "module golang.org/x/mod\n\ngo 1.25\n").unwrap();
    let main = root.join("oracle");
    std::fs::create_dir_all(&main).unwrap();
    std::fs::write(
        main.join("go.mod"),
        "module oracle\n\ngo 1.25\n\nrequire golang.org/x/mod v0.0.0\n\nreplace golang.org/x/mod => ../xmod\n",
    )
    .unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/oracle.go"),
        main.join("oracle.go"),
    )
    .unwrap();
    run(&["run", "."], &main)
}

#[test]
fn notes_trees_and_tiles_match_go() {
    let Some(go) = go_bin() else {
        return;
    };
    let output = oracle_output(&go);
    let mut fields: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut tiles: Vec<(&str, Vec<u8>)> = Vec::new();
    for line in output.lines() {
        let (kind, rest) = line.split_once(' ').unwrap();
        if kind == "tile" {
            let (path, data) = rest.split_once(' ').unwrap();
            tiles.push((path, hex::decode(data).unwrap()));
        } else {
            fields.insert(kind, rest.split(' ').collect());
        }
    }

    let signer = Signer::from_seed("example.com/db", [7; 32]);
    assert_eq!(signer.verifier_key(), fields["vkey"][0]);
    let note = String::from_utf8(hex::decode(fields["note"][0]).unwrap()).unwrap();
    let verifier = Verifier::parse(fields["vkey"][0]).unwrap();
    let text = verifier.open(note.as_bytes()).unwrap();
    assert_eq!(signer.sign(text), note, "the same signed note");

    let mut log = MemoryLog::default();
    for i in 0..RECORDS {
        log.append(format!("record {i}\n").as_bytes());
    }
    let tree = log.tree();
    assert_eq!(Tree::parse(text).unwrap(), tree);
    assert_eq!(
        format!("{} {}", tree.n, tree.hash),
        fields["tree"].join(" ")
    );

    let ours: Vec<(String, Vec<u8>)> = [2, 8]
        .into_iter()
        .flat_map(|h| Tile::new_tiles(h, 0, RECORDS))
        .map(|tile| (tile.path(), log.tile_data(tile)))
        .collect();
    let theirs: Vec<(String, Vec<u8>)> = tiles
        .iter()
        .map(|(path, data)| ((*path).to_owned(), data.clone()))
        .collect();
    assert_eq!(ours, theirs, "tile paths and contents");

    // Go's tiles prove every record.
    let by_path: HashMap<String, Vec<u8>> = theirs.into_iter().collect();
    for h in [2, 8] {
        for id in 0..RECORDS {
            let read = TileRead::plan(tree, h, &[stored_hash_index(0, id)]).unwrap();
            let data: Vec<Vec<u8>> = read
                .tiles()
                .iter()
                .map(|tile| {
                    by_path.get(&tile.path()).cloned().unwrap_or_else(|| {
                        // A partial read of a full tile Go wrote.
                        let full = &by_path[&tile.full().path()];
                        full[..tile.w as usize * 32].to_vec()
                    })
                })
                .collect();
            let hashes = read.finish(&data).unwrap();
            assert_eq!(hashes[0], record_hash(format!("record {id}\n").as_bytes()));
        }
    }
}
