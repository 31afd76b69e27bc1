//! `gomodx why` without `-m`: a fuller account for a person of why a
//! module is in the module graph at its version.

use gomodx_modfile::ModFile;
use gomodx_module::ModuleVersion;
use gomodx_resolver::ModuleGraph;

/// The account of one module path: how the main module reaches it, which
/// requirements chose its version, what else was asked for, and what
/// `replace` and `exclude` did.
pub fn explain(graph: &ModuleGraph, main: &ModFile, path: &str) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    let Some(selected) = graph.selected(path).map(str::to_owned) else {
        line(format!(
            "{path}: not in the module graph of {}",
            graph.main_module().path
        ));
        return out;
    };
    let module = ModuleVersion::new(path, selected.clone());
    line(format!("{path}: selected {}", display_version(&selected)));
    if let Some(chain) = graph.why_path(path) {
        let chain: Vec<String> = chain.iter().map(ToString::to_string).collect();
        line(format!("  shortest path: {}", chain.join(" -> ")));
    }
    let mut winners = Vec::new();
    let mut others: Vec<(String, Vec<String>)> = Vec::new();
    for (from, to) in graph.edges() {
        if to.path != path {
            continue;
        }
        if to.version == selected {
            winners.push(from.to_string());
        } else {
            match others.iter_mut().find(|(v, _)| *v == to.version) {
                Some((_, by)) => by.push(from.to_string()),
                None => others.push((to.version.clone(), vec![from.to_string()])),
            }
        }
    }
    if !winners.is_empty() {
        line(format!(
            "  {selected} is required by: {}",
            winners.join(", ")
        ));
    }
    others.sort_by(|a, b| gomodx_resolver::graph::cmp_version(path, &b.0, &a.0));
    for (version, by) in &others {
        line(format!("  also asked for {version} by: {}", by.join(", ")));
    }
    if let Some(replacement) = graph.replacement(&module) {
        let target = if replacement.version.is_empty() {
            format!("directory {}", replacement.path)
        } else {
            replacement.to_string()
        };
        line(format!(
            "  replaced by {target} (its go.mod supplies the requirements)"
        ));
    }
    for exclude in main.exclude.iter().filter(|x| x.module.path == path) {
        line(format!(
            "  {} is excluded by the main go.mod",
            exclude.module.version
        ));
    }
    out
}

/// A selected version as shown: the main module has none.
fn display_version(version: &str) -> &str {
    if version.is_empty() {
        "(main module)"
    } else {
        version
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gomodx_resolver::MemorySource;

    #[test]
    fn explains_selection_other_versions_replace_and_exclude() {
        let main = gomodx_modfile::parse(
            "go.mod",
            b"module m\n\ngo 1.16\n\nrequire (\n\ta.com/a v1.0.0\n\tc.com/c v1.0.0\n)\n\nexclude c.com/c v1.1.0\n\nreplace c.com/c v1.2.0 => d.com/d v1.0.0\n",
        )
        .unwrap();
        let mut source = MemorySource::new();
        let mut add = |p: &str, v: &str, text: &str| {
            source.insert(ModuleVersion::new(p, v), text);
        };
        add(
            "a.com/a",
            "v1.0.0",
            "module a.com/a\n\nrequire c.com/c v1.2.0\n",
        );
        add("c.com/c", "v1.0.0", "module c.com/c\n");
        add("d.com/d", "v1.0.0", "module c.com/c\n");
        let graph = ModuleGraph::load(&main, &source).unwrap();
        let text = explain(&graph, &main, "c.com/c");
        assert_eq!(
            text,
            "c.com/c: selected v1.2.0\n  shortest path: m -> c.com/c@v1.0.0\n  v1.2.0 is required by: a.com/a@v1.0.0\n  also asked for v1.0.0 by: m\n  replaced by d.com/d@v1.0.0 (its go.mod supplies the requirements)\n  v1.1.0 is excluded by the main go.mod\n"
        );
        assert_eq!(
            explain(&graph, &main, "x.com/x"),
            "x.com/x: not in the module graph of m\n"
        );
    }
}
