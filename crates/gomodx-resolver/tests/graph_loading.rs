//! The module graph's loading protocol and failures: the frontier API,
//! shared replacements, `-go=V`, error chains, directory replacements.

mod common;

use common::{Universe, list_text, mv};
use gomodx_modfile::parse;
use gomodx_module::ModuleVersion;
use gomodx_resolver::{
    GoModFile, GoModSource, GraphLoader, LoadError, LoadOptions, ModuleGraph, Pruning, SourceError,
};

const MAIN: &str = "example.com/m";

#[test]
fn nodes_sharing_a_replacement_need_one_go_mod() {
    let u = Universe::new(&[
        (
            "main",
            "module example.com/m\nrequire (\n\ta.io/a v1.0.0\n\tb.io/b v1.0.0\n)\nreplace a.io/a => fork.io/a v1.0.0\n",
        ),
        ("b.io/b@v1.0.0", "module b.io/b\nrequire a.io/a v0.9.0\n"),
        ("fork.io/a@v1.0.0", "module a.io/a\nrequire c.io/c v1.0.0\n"),
        ("c.io/c@v1.0.0", "module c.io/c\n"),
    ]);
    let mut loader = GraphLoader::new(&u.main, &LoadOptions::default()).unwrap();
    assert_eq!(
        loader.next_requests(),
        [mv("fork.io/a@v1.0.0"), mv("b.io/b@v1.0.0")]
    );
    let get = |m: &str| GoModSource::go_mod(&u.source, &mv(m));
    assert!(loader.provide(&mv("b.io/b@v1.0.0"), get("b.io/b@v1.0.0")));
    assert!(
        loader.next_requests().is_empty(),
        "a@v0.9.0 waits on the same replacement"
    );
    assert!(
        !loader.provide(&mv("b.io/b@v1.0.0"), get("b.io/b@v1.0.0")),
        "not needed twice"
    );
    assert!(!loader.is_complete());
    assert!(loader.provide(&mv("fork.io/a@v1.0.0"), get("fork.io/a@v1.0.0")));
    assert_eq!(loader.next_requests(), [mv("c.io/c@v1.0.0")]);
    assert!(
        matches!(loader.finish(), Err(LoadError::Incomplete(missing)) if missing == [mv("c.io/c@v1.0.0")])
    );

    let g = u.load().unwrap();
    let reqs = |m: &str| {
        g.required_by(&mv(m))
            .map(|r| r.into_iter().cloned().collect::<Vec<_>>())
    };
    assert_eq!(reqs("a.io/a@v0.9.0"), Some(vec![mv("c.io/c@v1.0.0")]));
    assert_eq!(reqs("a.io/a@v1.0.0"), reqs("a.io/a@v0.9.0"));
}

#[test]
fn requested_go_version_changes_pruning() {
    let u = Universe::new(&[
        (
            "main",
            "module example.com/m\ngo 1.17\nrequire a.io/a v1.0.0\n",
        ),
        (
            "a.io/a@v1.0.0",
            "module a.io/a\ngo 1.17\nrequire b.io/b v1.0.0\n",
        ),
        (
            "b.io/b@v1.0.0",
            "module b.io/b\ngo 1.17\nrequire c.io/c v1.0.0\n",
        ),
        ("c.io/c@v1.0.0", "module c.io/c\ngo 1.17\n"),
    ]);
    let pruned = u.load().unwrap();
    assert_eq!(pruned.required_by(&mv("b.io/b@v1.0.0")), None);
    let options = LoadOptions {
        go_version: Some("1.16".into()),
    };
    let full = ModuleGraph::load_with(&u.main, &u.source, &options).unwrap();
    assert_eq!(full.pruning(), Pruning::Unpruned);
    assert_eq!(
        list_text(&full),
        "example.com/m\na.io/a v1.0.0\nb.io/b v1.0.0\nc.io/c v1.0.0\n"
    );

    let main = parse("go.mod", b"module example.com/m\ngo 1.22\n").unwrap();
    let options = LoadOptions {
        go_version: Some("1.21".into()),
    };
    let err = GraphLoader::new(&main, &options).unwrap_err();
    assert_eq!(
        err.to_string(),
        "requested Go version 1.21 cannot load module graph (requires Go >= 1.22)"
    );
}

#[test]
fn errors_show_the_shortest_requirement_chain() {
    let chain = |files: &[(&str, &str)]| Universe::new(files).load().unwrap_err().to_string();
    let main = "module example.com/m\nrequire (\n\ta.io/a v1.0.0\n\tz.io/z v1.0.0\n)\n";

    let err = chain(&[
        ("main", main),
        ("a.io/a@v1.0.0", "module other.io/x\n"),
        ("z.io/z@v1.0.0", "module z.io/z\n"),
    ]);
    assert_eq!(
        err,
        "a.io/a@v1.0.0: parsing go.mod:\n\tmodule declares its path as: other.io/x\n\t        but was required as: a.io/a"
    );

    // Both a and z lead to b, which is missing; the path through a wins.
    let err = chain(&[
        ("main", main),
        ("a.io/a@v1.0.0", "module a.io/a\nrequire b.io/b v1.0.0\n"),
        ("z.io/z@v1.0.0", "module z.io/z\nrequire b.io/b v1.0.0\n"),
    ]);
    assert_eq!(err, "a.io/a@v1.0.0 requires\n\tb.io/b@v1.0.0: not found");

    let replaced = format!("{main}replace b.io/b => fork.io/b v1.0.0\n");
    let err = chain(&[
        ("main", &replaced),
        ("a.io/a@v1.0.0", "module a.io/a\nrequire b.io/b v1.0.0\n"),
        ("z.io/z@v1.0.0", "module z.io/z\n"),
    ]);
    assert_eq!(
        err,
        "a.io/a@v1.0.0 requires\n\tb.io/b@v1.0.0 (replaced by fork.io/b@v1.0.0): not found"
    );

    let err = chain(&[
        ("main", main),
        ("a.io/a@v1.0.0", "go 1.20\n"),
        ("z.io/z@v1.0.0", "module z.io/z\n"),
    ]);
    assert_eq!(err, "a.io/a@v1.0.0: parsing go.mod: missing module line");

    let err = chain(&[
        ("main", main),
        ("a.io/a@v1.0.0", "module a.io/a\nrequire\n"),
        ("z.io/z@v1.0.0", "module z.io/z\n"),
    ]);
    assert!(
        err.starts_with("a.io/a@v1.0.0: parsing go.mod: go.mod:2"),
        "{err}"
    );

    let err = LoadError::BuildList(Box::new(gomodx_resolver::BuildListError::new(
        gomodx_resolver::GoModError {
            module: mv("../d"),
            kind: gomodx_resolver::GoModErrorKind::Source(SourceError::new(
                "reading ../d/go.mod: no such file",
            )),
        },
        &[mv(MAIN), mv("d.io/d@v1.0.0")],
        |_, _| false,
    )));
    assert_eq!(
        err.to_string(),
        "d.io/d@v1.0.0 (replaced by ../d): reading ../d/go.mod: no such file"
    );
}

#[test]
fn directory_replacements_are_not_path_checked() {
    let u = Universe::new(&[
        (
            "main",
            "module example.com/m\ngo 1.21\nrequire a.io/a v1.0.0\nreplace a.io/a => ./local\n",
        ),
        (
            "./local",
            "module something.else/entirely\ngo 1.21\nrequire b.io/b v1.0.0\n",
        ),
    ]);
    let g = u.load().unwrap();
    assert_eq!(
        list_text(&g),
        "example.com/m\na.io/a v1.0.0 => ./local\nb.io/b v1.0.0\n"
    );

    // A closure can serve as the source, e.g. to count reads.
    let reads = std::cell::Cell::new(0);
    let source = |m: &ModuleVersion| {
        reads.set(reads.get() + 1);
        assert_eq!(m, &mv("./local"));
        Ok::<_, SourceError>(GoModFile::with_name("local/go.mod", "module x\n"))
    };
    let g = ModuleGraph::load(&u.main, &source).unwrap();
    assert_eq!(reads.get(), 1);
    assert_eq!(
        g.required_by(&mv("a.io/a@v1.0.0")).unwrap(),
        Vec::<&ModuleVersion>::new()
    );
}

#[test]
fn loader_and_graph_can_cross_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<GraphLoader>();
    assert_send_sync::<ModuleGraph>();
    assert_send_sync::<LoadError>();
    let u = Universe::new(&[("main", "module example.com/m\ngo 1.21\n")]);
    let loader = GraphLoader::new(&u.main, &LoadOptions::default()).unwrap();
    let graph = std::thread::spawn(move || loader.finish())
        .join()
        .unwrap()
        .unwrap();
    assert_eq!(
        graph.graph_text(),
        "example.com/m go@1.21\ngo@1.21 toolchain@go1.21\n"
    );
}

/// The requirement log of a load, owned.
fn owned_log(graph: &ModuleGraph) -> Vec<(ModuleVersion, Vec<ModuleVersion>)> {
    graph
        .requirement_log()
        .map(|(m, reqs)| (m.clone(), reqs.into_iter().cloned().collect()))
        .collect()
}

#[test]
fn a_replayed_requirement_log_rebuilds_the_graph_exactly() {
    let u = Universe::new(&[
        (
            "main",
            "module example.com/m\ngo 1.16\nrequire (\n\ta.io/a v1.0.0\n\tb.io/b v1.0.0\n)\nreplace a.io/a => fork.io/a v1.0.0\nexclude c.io/c v1.1.0\n",
        ),
        (
            "b.io/b@v1.0.0",
            "module b.io/b\nrequire (\n\ta.io/a v0.9.0\n\tc.io/c v1.1.0\n)\n",
        ),
        (
            "fork.io/a@v1.0.0",
            "module a.io/a\ngo 1.21\nrequire c.io/c v1.0.0\n",
        ),
        ("c.io/c@v1.0.0", "module c.io/c\n"),
    ]);
    let loaded = u.load().unwrap();
    let loader = GraphLoader::new(&u.main, &LoadOptions::default()).unwrap();
    let replayed = loader.replay(loaded.requirement_log()).unwrap();
    assert_eq!(replayed.graph_text(), loaded.graph_text());
    assert_eq!(list_text(&replayed), list_text(&loaded));
    assert_eq!(replayed.build_list(), loaded.build_list());
    let nodes = |g: &ModuleGraph| {
        g.graph()
            .as_petgraph()
            .node_weights()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(nodes(&replayed), nodes(&loaded), "same node order");
    assert_eq!(owned_log(&replayed), owned_log(&loaded));

    // A log that does not fit the roots is refused, not trusted.
    let mut wrong = owned_log(&loaded);
    wrong[0].0 = mv("nowhere.io/x@v1.0.0");
    assert!(loader.replay(wrong.iter().map(|(m, r)| (m, r))).is_none());
    let mut twice = owned_log(&loaded);
    twice.push(twice[0].clone());
    assert!(loader.replay(twice.iter().map(|(m, r)| (m, r))).is_none());
}

#[test]
fn fingerprints_change_with_what_decides_the_graph() {
    let base = "module example.com/m\ngo 1.16\nrequire a.io/a v1.0.0\n";
    let fingerprint = |text: &str, options: &LoadOptions| {
        let main = parse("go.mod", text.as_bytes()).unwrap();
        GraphLoader::new(&main, options).unwrap().fingerprint()
    };
    let default = LoadOptions::default();
    let same = fingerprint(&format!("// a comment\n{base}"), &default);
    assert_eq!(same, fingerprint(base, &default), "comments decide nothing");
    for changed in [
        "module example.com/m\ngo 1.17\nrequire a.io/a v1.0.0\n",
        "module example.com/m\ngo 1.16\nrequire a.io/a v1.0.1\n",
        "module example.com/other\ngo 1.16\nrequire a.io/a v1.0.0\n",
        &format!("{base}exclude a.io/a v0.9.0\n"),
        &format!("{base}replace a.io/a => b.io/b v1.0.0\n"),
        &format!("{base}replace a.io/a v1.0.0 => ../a\n"),
        &format!("{base}toolchain go1.22.0\n"),
    ] {
        assert_ne!(fingerprint(changed, &default), same, "{changed}");
    }
    // `go mod graph -go=1.16` of a go 1.17 module: unpruned.
    let old_go = LoadOptions {
        go_version: Some("1.16".into()),
    };
    let pruned = "module example.com/m\ngo 1.17\nrequire a.io/a v1.0.0\n";
    assert_ne!(fingerprint(pruned, &old_go), fingerprint(pruned, &default));
}
