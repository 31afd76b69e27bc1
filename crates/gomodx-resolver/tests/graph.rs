//! cmd/go's module graph on in-memory go.mod files: pruning, exclude,
//! replace, cycles, `go`/`toolchain` nodes, and the command outputs.

mod common;

use common::{Universe, list_text, mv};
use gomodx_module::ModuleVersion;
use gomodx_resolver::{GraphLoader, LoadOptions, Pruning};

const MAIN: &str = "example.com/m";

#[test]
fn unpruned_main_loads_everything_and_selects_the_maximum() {
    let u = Universe::new(&[
        ("main", "module example.com/m\n\nrequire a.io/a v1.0.0\n"),
        (
            "a.io/a@v1.0.0",
            "module a.io/a\nrequire (\n\tb.io/b v1.0.0\n\tc.io/c v1.0.0\n)\n",
        ),
        (
            "b.io/b@v1.0.0",
            "module b.io/b\ngo 1.17\nrequire c.io/c v1.1.0\n",
        ),
        ("c.io/c@v1.0.0", "module c.io/c\n"),
        ("c.io/c@v1.1.0", "module c.io/c\nrequire d.io/d v0.1.0\n"),
        ("d.io/d@v0.1.0", "module d.io/d\n"),
    ]);
    let g = u.load().unwrap();
    assert_eq!(g.pruning(), Pruning::Unpruned);
    assert_eq!(g.main_go_version(), "1.16");
    assert_eq!(
        g.graph_text(),
        "example.com/m a.io/a@v1.0.0\n\
         example.com/m go@1.16\n\
         a.io/a@v1.0.0 b.io/b@v1.0.0\n\
         a.io/a@v1.0.0 c.io/c@v1.0.0\n\
         b.io/b@v1.0.0 c.io/c@v1.1.0\n\
         c.io/c@v1.1.0 d.io/d@v0.1.0\n"
    );
    assert_eq!(
        list_text(&g),
        "example.com/m\na.io/a v1.0.0\nb.io/b v1.0.0\nc.io/c v1.1.0\nd.io/d v0.1.0\n"
    );
    assert_eq!(g.selected("c.io/c"), Some("v1.1.0"));
    assert_eq!(g.selected(MAIN), Some(""));
    assert_eq!(g.selected("x.io/x"), None);
    assert!(g.roots_consistent());
    let edges = g.edges();
    assert_eq!(edges.len(), 6);
    assert_eq!(
        (edges[2].0.clone(), edges[2].1.clone()),
        (mv("a.io/a@v1.0.0"), mv("b.io/b@v1.0.0"))
    );
    assert_eq!(g.build_list()[0], ModuleVersion::new(MAIN, ""));
    assert_eq!(g.build_list().len(), 6, "main, a, b, c, d and go");
}

#[test]
fn pruned_main_reads_only_the_roots_go_mod_files() {
    let u = Universe::new(&[
        (
            "main",
            "module example.com/m\ngo 1.21\nrequire a.io/a v1.0.0\n",
        ),
        (
            "a.io/a@v1.0.0",
            "module a.io/a\ngo 1.21\nrequire b.io/b v1.0.0\n",
        ),
        // b's go.mod is deliberately missing: it must never be read.
    ]);
    let mut loader = GraphLoader::new(&u.main, &LoadOptions::default()).unwrap();
    assert_eq!(loader.next_requests(), [mv("a.io/a@v1.0.0")]);
    assert_eq!(loader.pending(), 1);
    let go_mod = gomodx_resolver::GoModSource::go_mod(&u.source, &mv("a.io/a@v1.0.0"));
    assert!(loader.provide(&mv("a.io/a@v1.0.0"), go_mod));
    assert!(loader.next_requests().is_empty());
    assert!(loader.is_complete());
    let g = loader.finish().unwrap();
    assert_eq!(g.pruning(), Pruning::Pruned);
    assert_eq!(
        g.graph_text(),
        "example.com/m a.io/a@v1.0.0\n\
         example.com/m go@1.21\n\
         a.io/a@v1.0.0 b.io/b@v1.0.0\n\
         a.io/a@v1.0.0 go@1.21\n\
         go@1.21 toolchain@go1.21\n"
    );
    assert_eq!(g.required_by(&mv("b.io/b@v1.0.0")), None, "pruned out");
    assert_eq!(
        list_text(&g),
        "example.com/m\na.io/a v1.0.0\nb.io/b v1.0.0\n"
    );
    assert_eq!(g.selected("toolchain"), Some("go1.21"));
}

#[test]
fn below_an_unpruned_dependency_everything_is_loaded() {
    let u = Universe::new(&[
        (
            "main",
            "module example.com/m\ngo 1.21\nrequire (\n\ta.io/a v1.0.0\n\tu.io/u v1.0.0\n)\n",
        ),
        (
            "a.io/a@v1.0.0",
            "module a.io/a\ngo 1.21\nrequire y.io/y v0.9.0\n",
        ),
        ("u.io/u@v1.0.0", "module u.io/u\nrequire x.io/x v1.0.0\n"),
        (
            "x.io/x@v1.0.0",
            "module x.io/x\ngo 1.21\nrequire y.io/y v1.0.0\n",
        ),
        (
            "y.io/y@v1.0.0",
            "module y.io/y\ngo 1.21\nrequire z.io/z v1.0.0\n",
        ),
        ("z.io/z@v1.0.0", "module z.io/z\ngo 1.21\n"),
    ]);
    let g = u.load().unwrap();
    assert_eq!(
        g.graph_text(),
        "example.com/m a.io/a@v1.0.0\n\
         example.com/m go@1.21\n\
         example.com/m u.io/u@v1.0.0\n\
         a.io/a@v1.0.0 y.io/y@v0.9.0\n\
         a.io/a@v1.0.0 go@1.21\n\
         go@1.21 toolchain@go1.21\n\
         u.io/u@v1.0.0 x.io/x@v1.0.0\n\
         x.io/x@v1.0.0 y.io/y@v1.0.0\n\
         x.io/x@v1.0.0 go@1.21\n\
         y.io/y@v1.0.0 z.io/z@v1.0.0\n\
         y.io/y@v1.0.0 go@1.21\n\
         z.io/z@v1.0.0 go@1.21\n"
    );
    assert_eq!(
        list_text(&g),
        "example.com/m\na.io/a v1.0.0\nu.io/u v1.0.0\nx.io/x v1.0.0\ny.io/y v1.0.0\nz.io/z v1.0.0\n"
    );
}

#[test]
fn excluded_versions_are_dropped_everywhere() {
    let u = Universe::new(&[
        (
            "main",
            "module example.com/m\ngo 1.21\nrequire (\n\ta.io/a v1.0.0\n\tb.io/b v1.0.0\n)\nexclude (\n\tb.io/b v1.0.0\n\tc.io/c v1.1.0\n)\n",
        ),
        (
            "a.io/a@v1.0.0",
            "module a.io/a\ngo 1.21\nrequire (\n\tc.io/c v1.1.0\n\td.io/d v1.0.0\n)\n",
        ),
    ]);
    let g = u.load().unwrap();
    assert_eq!(g.dropped_requirements(), [mv("b.io/b@v1.0.0")]);
    assert_eq!(
        g.graph_text(),
        "example.com/m a.io/a@v1.0.0\n\
         example.com/m go@1.21\n\
         a.io/a@v1.0.0 d.io/d@v1.0.0\n\
         a.io/a@v1.0.0 go@1.21\n\
         go@1.21 toolchain@go1.21\n"
    );
    assert_eq!(
        list_text(&g),
        "example.com/m\na.io/a v1.0.0\nd.io/d v1.0.0\n"
    );
}

#[test]
fn replacements_keep_node_names_and_read_the_replacement() {
    let u = Universe::new(&[
        (
            "main",
            "module example.com/m\ngo 1.21\n\
             require (\n\ta.io/a v1.0.0\n\tb.io/b v1.0.0\n\td.io/d v1.0.0\n\te.io/e v1.2.0\n)\n\
             replace a.io/a v1.0.0 => a.io/a v1.0.1\n\
             replace b.io/b => fork.io/b v1.5.0\n\
             replace d.io/d => ../d\n\
             replace e.io/e v1.1.0 => ../e-old\n",
        ),
        (
            "a.io/a@v1.0.1",
            "module a.io/a\ngo 1.21\nrequire c.io/c v1.0.0\n",
        ),
        (
            "fork.io/b@v1.5.0",
            "module fork.io/b\ngo 1.21\nrequire c.io/c v1.1.0\n",
        ),
        ("../d", "module d.io/d\ngo 1.21\nrequire c.io/c v1.2.0\n"),
        ("e.io/e@v1.2.0", "module e.io/e\ngo 1.21\n"),
    ]);
    let mut loader = GraphLoader::new(&u.main, &LoadOptions::default()).unwrap();
    let wanted = loader.next_requests();
    assert_eq!(
        wanted,
        [
            mv("a.io/a@v1.0.1"),
            mv("fork.io/b@v1.5.0"),
            mv("../d"),
            mv("e.io/e@v1.2.0")
        ]
    );
    for module in wanted.iter().rev() {
        loader.provide(
            module,
            gomodx_resolver::GoModSource::go_mod(&u.source, module),
        );
    }
    let g = loader.finish().unwrap();
    assert_eq!(
        g.graph_text(),
        "example.com/m a.io/a@v1.0.0\n\
         example.com/m b.io/b@v1.0.0\n\
         example.com/m d.io/d@v1.0.0\n\
         example.com/m e.io/e@v1.2.0\n\
         example.com/m go@1.21\n\
         a.io/a@v1.0.0 c.io/c@v1.0.0\n\
         a.io/a@v1.0.0 go@1.21\n\
         b.io/b@v1.0.0 c.io/c@v1.1.0\n\
         b.io/b@v1.0.0 go@1.21\n\
         d.io/d@v1.0.0 c.io/c@v1.2.0\n\
         d.io/d@v1.0.0 go@1.21\n\
         e.io/e@v1.2.0 go@1.21\n\
         go@1.21 toolchain@go1.21\n"
    );
    assert_eq!(
        list_text(&g),
        "example.com/m\n\
         a.io/a v1.0.0 => a.io/a v1.0.1\n\
         b.io/b v1.0.0 => fork.io/b v1.5.0\n\
         c.io/c v1.2.0\n\
         d.io/d v1.0.0 => ../d\n\
         e.io/e v1.2.0\n"
    );
    assert_eq!(g.replacement(&mv("e.io/e@v1.1.0")), Some(&mv("../e-old")));
}

#[test]
fn cycles_and_diamonds() {
    let u = Universe::new(&[
        (
            "main",
            "module example.com/m\nrequire (\n\ta.io/a v1.1.0\n\tb.io/b v1.1.0\n)\n",
        ),
        ("a.io/a@v1.1.0", "module a.io/a\nrequire b.io/b v1.0.0\n"),
        (
            "b.io/b@v1.0.0",
            "module b.io/b\nrequire (\n\ta.io/a v1.0.0\n\tc.io/c v1.0.0\n)\n",
        ),
        ("a.io/a@v1.0.0", "module a.io/a\nrequire b.io/b v1.1.0\n"),
        ("b.io/b@v1.1.0", "module b.io/b\nrequire a.io/a v1.1.0\n"),
        ("c.io/c@v1.0.0", "module c.io/c\n"),
    ]);
    let g = u.load().unwrap();
    assert_eq!(
        g.graph_text(),
        "example.com/m a.io/a@v1.1.0\n\
         example.com/m b.io/b@v1.1.0\n\
         example.com/m go@1.16\n\
         a.io/a@v1.1.0 b.io/b@v1.0.0\n\
         b.io/b@v1.1.0 a.io/a@v1.1.0\n\
         b.io/b@v1.0.0 a.io/a@v1.0.0\n\
         b.io/b@v1.0.0 c.io/c@v1.0.0\n\
         a.io/a@v1.0.0 b.io/b@v1.1.0\n"
    );
    assert_eq!(
        list_text(&g),
        "example.com/m\na.io/a v1.1.0\nb.io/b v1.1.0\nc.io/c v1.0.0\n"
    );
    assert_eq!(
        g.why_text(&["c.io/c", "x.io/x", MAIN]),
        "# c.io/c\nexample.com/m\na.io/a\nb.io/b\nc.io/c\n\n\
         # x.io/x\n(main module does not need module x.io/x)\n\n\
         # example.com/m\nexample.com/m\n"
    );
    assert_eq!(
        g.why_path("c.io/c").unwrap(),
        [
            mv(MAIN),
            mv("a.io/a@v1.1.0"),
            mv("b.io/b@v1.0.0"),
            mv("c.io/c@v1.0.0")
        ]
    );
}

#[test]
fn go_and_toolchain_nodes() {
    let u = Universe::new(&[
        (
            "main",
            "module example.com/m\ngo 1.22\ntoolchain go1.23.0\nrequire a.io/a v1.0.0\n",
        ),
        (
            "a.io/a@v1.0.0",
            "module a.io/a\ngo 1.21.0\nrequire b.io/b v1.0.0\n",
        ),
    ]);
    let g = u.load().unwrap();
    assert_eq!(
        g.graph_text(),
        "example.com/m a.io/a@v1.0.0\n\
         example.com/m go@1.22\n\
         example.com/m toolchain@go1.23.0\n\
         a.io/a@v1.0.0 b.io/b@v1.0.0\n\
         a.io/a@v1.0.0 go@1.21.0\n\
         go@1.22 toolchain@go1.22\n"
    );
    assert_eq!(g.selected("go"), Some("1.22"));
    assert_eq!(g.selected("toolchain"), Some("go1.23.0"));
    assert!(g.roots_consistent());
    assert!(g.build_list().contains(&mv("go@1.22")));
    assert_eq!(
        list_text(&g),
        "example.com/m\na.io/a v1.0.0\nb.io/b v1.0.0\n"
    );

    // Without a go line the main module is at 1.16; a dependency at 1.21
    // raises the selected go version, so the roots are stale.
    let u = Universe::new(&[
        ("main", "module example.com/m\nrequire a.io/a v1.0.0\n"),
        ("a.io/a@v1.0.0", "module a.io/a\ngo 1.21\n"),
    ]);
    let g = u.load().unwrap();
    assert_eq!(
        g.graph_text(),
        "example.com/m a.io/a@v1.0.0\n\
         example.com/m go@1.16\n\
         a.io/a@v1.0.0 go@1.21\n\
         go@1.21 toolchain@go1.21\n"
    );
    assert_eq!(g.selected("go"), Some("1.21"));
    assert!(!g.roots_consistent());
}

#[test]
fn raised_requirements_are_what_go_mod_mod_loads_next() {
    let u = Universe::new(&[
        (
            "main",
            "module example.com/m\n\ngo 1.21\n\nrequire (\n\ta.io/a v1.0.0\n\tb.io/b v1.0.0\n\texample.com/m v0.1.0\n\tc.io/c v1.0.0\n)\n\nexclude c.io/c v1.0.0\n\nreplace example.com/m v0.1.0 => ./old\n",
        ),
        (
            "a.io/a@v1.0.0",
            "module a.io/a\n\ngo 1.22\n\nrequire b.io/b v1.1.0\n",
        ),
        ("b.io/b@v1.0.0", "module b.io/b\n\ngo 1.21\n"),
        ("b.io/b@v1.1.0", "module b.io/b\n\ngo 1.21\n"),
        ("./old", "module example.com/m\n\ngo 1.21\n"),
    ]);
    let g = u.load().unwrap();
    assert!(!g.roots_consistent());
    let raised = g.raised_requirements(&u.main).expect("inconsistent roots");
    let requires: Vec<String> = raised
        .require
        .iter()
        .map(|r| r.module.to_string())
        .collect();
    assert_eq!(requires, ["a.io/a@v1.0.0", "b.io/b@v1.1.0"]);
    assert_eq!(raised.go_version(), Some("1.22"));
    let again = gomodx_resolver::ModuleGraph::load(&raised, &u.source).unwrap();
    assert!(again.roots_consistent());
    assert!(again.raised_requirements(&raised).is_none());
}

#[test]
fn a_repeated_requirement_is_one_edge() {
    let u = Universe::new(&[
        (
            "main",
            "module example.com/m\n\ngo 1.17\n\nrequire (\n\ta.io/a v1.0.0\n\ta.io/a v1.0.0 // again\n)\n",
        ),
        ("a.io/a@v1.0.0", "module a.io/a\n\ngo 1.17\n"),
    ]);
    let g = u.load().unwrap();
    assert_eq!(
        g.graph_text(),
        "example.com/m a.io/a@v1.0.0\nexample.com/m go@1.17\n"
    );
    assert!(g.roots_consistent());
}

#[test]
fn an_invalid_toolchain_root_is_raised_to_the_go_lines_toolchain() {
    let u = Universe::new(&[(
        "main",
        "module exploit\n\ngo 1.21\ntoolchain go1.999999-/run.sh\n",
    )]);
    let g = u.load().unwrap();
    let raised = g
        .raised_requirements(&u.main)
        .expect("inconsistent toolchain root");
    let again = gomodx_resolver::ModuleGraph::load(&raised, &u.source).unwrap();
    // As `go mod graph` prints it.
    assert_eq!(
        again.graph_text(),
        "exploit go@1.21\nexploit toolchain@go1.21\ngo@1.21 toolchain@go1.21\n"
    );
}
