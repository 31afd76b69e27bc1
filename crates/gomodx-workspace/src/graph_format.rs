//! `gomodx graph`'s formats beyond `go mod graph`'s text: the same edges
//! as Graphviz DOT or JSON.

use gomodx_module::ModuleVersion;
use gomodx_resolver::ModuleGraph;

/// The graph as Graphviz DOT: one node per module version, selected
/// versions drawn bold, edges in `go mod graph` order.
pub fn dot(graph: &ModuleGraph) -> String {
    let mut out = String::from("digraph modules {\n\trankdir=LR;\n\tnode [shape=box];\n");
    let mut seen = std::collections::HashSet::new();
    let mut node = |out: &mut String, m: &ModuleVersion| {
        if seen.insert(m.clone()) {
            let selected = graph.selected(&m.path) == Some(m.version.as_str());
            let style = if selected { ", style=bold" } else { "" };
            out.push_str(&format!("\t{} [label={}{style}];\n", quote(m), quote(m)));
        }
    };
    let edges = graph.edges();
    for (from, to) in &edges {
        node(&mut out, from);
        node(&mut out, to);
    }
    for (from, to) in &edges {
        out.push_str(&format!("\t{} -> {};\n", quote(from), quote(to)));
    }
    out.push_str("}\n");
    out
}

/// A node's DOT identifier: `path@version` (the main module as its path), quoted.
fn quote(m: &ModuleVersion) -> String {
    format!(
        "\"{}\"",
        m.to_string().replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// The graph as JSON: the main module, the selected versions and the edges.
pub fn json(graph: &ModuleGraph) -> String {
    let selected: Vec<_> = graph
        .build_list()
        .iter()
        .map(|m| serde_json::json!({ "Path": m.path, "Version": m.version }))
        .collect();
    let edges: Vec<_> = graph
        .edges()
        .iter()
        .map(|(from, to)| {
            serde_json::json!({
                "From": { "Path": from.path, "Version": from.version },
                "To": { "Path": to.path, "Version": to.version },
            })
        })
        .collect();
    let object = serde_json::json!({
        "Main": graph.main_module().path,
        "GoVersion": graph.main_go_version(),
        "Selected": selected,
        "Edges": edges,
    });
    serde_json::to_string_pretty(&object).expect("a JSON value always serializes") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use gomodx_resolver::MemorySource;

    fn graph() -> ModuleGraph {
        let main =
            gomodx_modfile::parse("go.mod", b"module m\n\ngo 1.16\n\nrequire a.com/a v1.0.0\n")
                .unwrap();
        let mut source = MemorySource::new();
        source.insert(
            ModuleVersion::new("a.com/a", "v1.0.0"),
            "module a.com/a\n\nrequire b.com/b v1.1.0\n",
        );
        source.insert(ModuleVersion::new("b.com/b", "v1.1.0"), "module b.com/b\n");
        ModuleGraph::load(&main, &source).unwrap()
    }

    #[test]
    fn dot_lists_nodes_and_edges() {
        let text = dot(&graph());
        assert!(text.starts_with("digraph modules {\n"));
        assert!(text.contains("\t\"m\" -> \"a.com/a@v1.0.0\";\n"));
        assert!(text.contains("\t\"a.com/a@v1.0.0\" -> \"b.com/b@v1.1.0\";\n"));
        assert!(text.contains("\"b.com/b@v1.1.0\" [label=\"b.com/b@v1.1.0\", style=bold];"));
        assert!(text.ends_with("}\n"));
    }

    #[test]
    fn json_has_selected_versions_and_edges() {
        let value: serde_json::Value = serde_json::from_str(&json(&graph())).unwrap();
        assert_eq!(value["Main"], "m");
        assert_eq!(value["GoVersion"], "1.16");
        assert_eq!(value["Edges"].as_array().unwrap().len(), 3);
        assert_eq!(value["Edges"][1]["To"]["Path"], "go");
    }
}
