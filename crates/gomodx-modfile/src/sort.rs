//! Go's `File.Cleanup` and `File.SortBlocks`: the normalisation every
//! `go mod edit` run applies before printing.

use std::cmp::Ordering;
use std::collections::HashSet;

use gomodx_module::semver;

use crate::model::ModFile;
use crate::syntax::{Line, LineId, Stmt};

impl ModFile {
    /// Go's `File.Cleanup`: removes dead lines and empty blocks, collapses
    /// one-line blocks, and drops typed entries Go treats as cleared (an
    /// empty key, path or interval; `tool` and `ignore` entries are kept).
    pub fn cleanup(&mut self) {
        self.godebug.retain(|g| !g.key.is_empty());
        self.require.retain(|r| !r.module.path.is_empty());
        self.exclude.retain(|x| !x.module.path.is_empty());
        self.replace.retain(|r| !r.old.path.is_empty());
        self.retract
            .retain(|r| !r.interval.low.is_empty() || !r.interval.high.is_empty());
        self.syntax.cleanup();
    }

    /// Go's `SortBlocks`: drops duplicate `exclude`, `replace` (the later
    /// wins), `tool` and `ignore` directives, then sorts the lines of every
    /// block: by tokens; `exclude` by semver from `go 1.21` on; `retract`
    /// newest interval first.
    pub fn sort_blocks(&mut self) {
        self.remove_dups();
        let semantic_exclude = self.go.as_ref().is_some_and(|g| {
            semver::compare(&format!("v{}", g.version), "v1.21") != Ordering::Less
        });
        let mut blocks = std::mem::take(&mut self.syntax.stmts);
        for stmt in &mut blocks {
            let Stmt::Block(block) = stmt else { continue };
            let compare: fn(&Line, &Line) -> Ordering = match block.tokens[0].as_str() {
                "exclude" if semantic_exclude => compare_exclude,
                "retract" => compare_retract,
                _ => compare_tokens,
            };
            block
                .lines
                .sort_by(|a, b| compare(self.syntax.line(*a), self.syntax.line(*b)));
        }
        self.syntax.stmts = blocks;
    }

    /// Go's `removeDups`.
    fn remove_dups(&mut self) {
        let mut kill: HashSet<LineId> = HashSet::new();
        let mut seen = HashSet::new();
        self.exclude
            .retain(|x| seen.insert(x.module.clone()) || !kill.insert(x.syntax));
        let mut seen = HashSet::new();
        let mut keep_replace: Vec<bool> = self
            .replace
            .iter()
            .rev()
            .map(|r| seen.insert(r.old.clone()))
            .collect();
        keep_replace.reverse();
        let mut keep = keep_replace.into_iter();
        self.replace
            .retain(|r| keep.next().unwrap_or(true) || !kill.insert(r.syntax));
        let mut seen = HashSet::new();
        self.tool
            .retain(|t| seen.insert(t.path.clone()) || !kill.insert(t.syntax));
        let mut seen = HashSet::new();
        self.ignore
            .retain(|t| seen.insert(t.path.clone()) || !kill.insert(t.syntax));
        if kill.is_empty() {
            return;
        }
        self.syntax.stmts.retain_mut(|stmt| match stmt {
            Stmt::Line(id) => !kill.contains(id),
            Stmt::Block(block) => {
                block.lines.retain(|id| !kill.contains(id));
                !block.lines.is_empty()
            }
            Stmt::Comments(_) => true,
        });
    }
}

/// Go's `compareLine`: token by token, then by length.
fn compare_tokens(a: &Line, b: &Line) -> Ordering {
    a.tokens.cmp(&b.tokens)
}

/// Go's `compareLineExclude`: path by bytes, version by semver.
fn compare_exclude(a: &Line, b: &Line) -> Ordering {
    match (a.tokens.as_slice(), b.tokens.as_slice()) {
        ([pa, va], [pb, vb]) if pa == pb => semver::compare(va, vb),
        ([pa, _], [pb, _]) => pa.cmp(pb),
        _ => compare_tokens(a, b),
    }
}

/// Go's `compareLineRetract`: newest interval first (by low, then high).
fn compare_retract(a: &Line, b: &Line) -> Ordering {
    fn interval(line: &Line) -> (&str, &str) {
        match line.tokens.as_slice() {
            [v] => (v, v),
            [open, low, comma, high, close] if open == "[" && comma == "," && close == "]" => {
                (low, high)
            }
            _ => ("", ""),
        }
    }
    let ((la, ha), (lb, hb)) = (interval(a), interval(b));
    semver::compare(lb, la).then_with(|| semver::compare(hb, ha))
}
