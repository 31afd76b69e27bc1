//! Go's test-proxy corpus as a GOPROXY tree.

use gomodx_module::ModuleVersion;
use gomodx_test::ProxyTree;
use gomodx_test::testdata::{corpus_dir, go_testdata_tree};

fn corpus() -> (tempfile::TempDir, ProxyTree) {
    let dir = tempfile::tempdir().unwrap();
    let tree = go_testdata_tree(&dir.path().join("proxy")).unwrap();
    (dir, tree)
}

fn read(tree: &ProxyTree, relative: &str) -> String {
    std::fs::read_to_string(tree.root.join(relative)).unwrap()
}

#[test]
fn loads_every_archive_with_a_valid_name() {
    let (_dir, tree) = corpus();
    let archives = std::fs::read_dir(corpus_dir())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".txt")
        })
        .count();
    assert_eq!(archives, 269);
    // Only example.com/invalidpath/v1 has a path Go's test proxy refuses.
    assert_eq!(tree.modules.len(), 268);
    assert!(!tree.modules.iter().any(|m| m.path.contains("invalidpath")));
    let paths: std::collections::BTreeSet<&str> =
        tree.modules.iter().map(|m| m.path.as_str()).collect();
    assert_eq!(paths.len(), 109);
    assert!(
        tree.modules
            .contains(&ModuleVersion::new("rsc.io/QUOTE", "v1.5.3-PRE"))
    );
    assert!(tree.file_url().starts_with("file:///"));
}

#[test]
fn quote_v1_5_2_hashes_like_go() {
    let (_dir, tree) = corpus();
    let quote = ModuleVersion::new("rsc.io/quote", "v1.5.2");
    let zip = tree.version_file("rsc.io/quote", "v1.5.2", "zip").unwrap();
    assert_eq!(
        gomodx_modzip::h1::hash_zip(&zip).unwrap(),
        "h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0="
    );
    let sums = tree.go_sum_lines(&quote).unwrap();
    assert!(
        sums.starts_with("rsc.io/quote v1.5.2 h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0=\n")
    );
    assert!(sums.contains("rsc.io/quote v1.5.2/go.mod h1:"));
    // .info and .mod are served verbatim.
    assert_eq!(
        read(&tree, "rsc.io/quote/@v/v1.5.2.mod"),
        "module \"rsc.io/quote\"\n\nrequire \"rsc.io/sampler\" v1.3.0\n"
    );
    assert!(read(&tree, "rsc.io/quote/@v/v1.5.2.info").contains("\"Short\":\"c4d4236f9242\""));
}

#[test]
fn list_skips_pseudo_and_invalid_versions() {
    let (_dir, tree) = corpus();
    let list = read(&tree, "rsc.io/quote/@v/list");
    let versions: Vec<&str> = list.lines().collect();
    assert!(versions.contains(&"v1.5.2"));
    assert!(versions.contains(&"v1.5.3-pre1"));
    // v2.0.0 is not valid for an unsuffixed path; pseudo-versions are never listed.
    assert!(!versions.contains(&"v2.0.0"));
    assert!(
        versions
            .iter()
            .all(|v| !gomodx_module::pseudo::is_pseudo_version(v))
    );
    assert!(
        tree.modules
            .contains(&ModuleVersion::new("rsc.io/quote", "v2.0.0"))
    );
    let mut sorted = versions.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>();
    gomodx_module::semver::sort(&mut sorted);
    assert_eq!(sorted, versions);
    // The escaped directory of an upper-case path.
    assert_eq!(
        read(&tree, "rsc.io/!q!u!o!t!e/@v/list"),
        "v1.5.2\nv1.5.3-PRE\n"
    );
}

#[test]
fn latest_prefers_releases() {
    let (_dir, tree) = corpus();
    // rsc.io/QUOTE has v1.5.2 and v1.5.3-PRE: the release wins.
    assert_eq!(
        read(&tree, "rsc.io/!q!u!o!t!e/@latest"),
        read(&tree, "rsc.io/!q!u!o!t!e/@v/v1.5.2.info")
    );
    // Every module with an .info for its latest version has @latest.
    for path in ["rsc.io/quote", "example.com/retract", "golang.org/x/text"] {
        let escaped = gomodx_module::escape::escape_path(path).unwrap();
        assert!(tree.root.join(escaped).join("@latest").is_file(), "{path}");
    }
}

#[test]
fn slash_names_go_into_the_zip_verbatim() {
    let (_dir, tree) = corpus();
    let zip = std::fs::read(tree.version_file("rsc.io/badzip", "v1.0.0", "zip").unwrap()).unwrap();
    let contains = |name: &[u8]| zip.windows(name.len()).any(|w| w == name);
    assert!(contains(b"rsc.io/badzip@v1.0.0/x.go"));
    assert!(contains(b"rsc.io/badzip@v1.0.0.txt"));
    assert!(!contains(b"rsc.io/badzip@v1.0.0//rsc.io"));
    assert!(!contains(b".info"));
}
