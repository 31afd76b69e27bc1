//! Go's `SetRequireSeparateIndirect` and `SetRequireAtMostTwo`: a go.mod's
//! requirements replaced by a given list, direct and `// indirect` ones in
//! separate blocks (what cmd/go's `UpdateGoModFromReqs` writes from go 1.17
//! on, consolidated into at most two blocks from go 1.27 on).

use std::collections::{HashMap, HashSet};

use gomodx_module::ModuleVersion;

use crate::model::{ModFile, Require, is_indirect, set_indirect};
use crate::quote::auto_quote;
use crate::syntax::{Comment, Comments, Line, LineBlock, LineId, Stmt};

/// Go's `hasComments` in `setRequireSeparateIndirect`: comments other than
/// an `// indirect` marking.
fn has_comments(c: &Comments) -> bool {
    let only_indirect =
        |c: &Comment| c.token.strip_prefix("//").unwrap_or(&c.token).trim() == "indirect";
    !c.before.is_empty()
        || !c.after.is_empty()
        || c.suffix.len() > 1
        || c.suffix.first().is_some_and(|s| !only_indirect(s))
}

/// Where a requirement goes: the last direct-only and indirect-only
/// blocks (statement indexes) and which lines each held before the edit.
struct Blocks {
    direct: usize,
    indirect: usize,
    in_direct: HashSet<LineId>,
    in_indirect: HashSet<LineId>,
    /// The file had a single uncommented `require` line or block.
    one_flat: bool,
}

impl ModFile {
    /// Go's `SetRequireSeparateIndirect`: the requirements become `req`
    /// (module, indirect), each path's first existing line kept with its
    /// comments (version and `// indirect` updated), others removed, new
    /// ones added to the last direct-only or indirect-only block (created
    /// after the last `require` when there is none). A requirement whose
    /// marking changed moves to the other block; a single uncommented block
    /// is split in two. Finish with [`cleanup`](Self::cleanup).
    pub fn set_require_separate_indirect(&mut self, req: &[(ModuleVersion, bool)]) {
        self.set_require_separate(req, false);
    }

    /// Go's `SetRequireAtMostTwo`: like
    /// [`set_require_separate_indirect`](Self::set_require_separate_indirect),
    /// but every requirement moves into one direct and one indirect block,
    /// which gather the comments of the blocks they replace.
    pub fn set_require_at_most_two(&mut self, req: &[(ModuleVersion, bool)]) {
        self.set_require_separate(req, true);
    }

    fn set_require_separate(&mut self, req: &[(ModuleVersion, bool)], simplify: bool) {
        let need: HashMap<&str, (&str, bool)> = req
            .iter()
            .map(|(m, indirect)| (m.path.as_str(), (m.version.as_str(), *indirect)))
            .collect();
        let blocks = self.require_blocks(&need, simplify);
        let mut have = HashSet::new();
        for k in 0..self.require.len() {
            let path = self.require[k].module.path.clone();
            let wanted = need.get(path.as_str()).copied();
            let Some((version, indirect)) = wanted.filter(|_| have.insert(path)) else {
                // Not needed, or a duplicate.
                self.syntax.mark_removed(self.require[k].syntax);
                self.require[k].module = ModuleVersion::new("", "");
                continue;
            };
            self.set_require_version(k, version);
            let r = &mut self.require[k];
            r.indirect = indirect;
            set_indirect(self.syntax.line_mut(r.syntax), indirect);
            let line = r.syntax;
            if indirect && (simplify || blocks.one_flat || blocks.in_direct.contains(&line)) {
                self.move_require(k, blocks.indirect);
            } else if !indirect
                && (simplify || blocks.one_flat || blocks.in_indirect.contains(&line))
            {
                self.move_require(k, blocks.direct);
            }
        }
        for (m, _) in req {
            if !have.insert(m.path.clone()) {
                continue;
            }
            let (version, indirect) = need[m.path.as_str()];
            let mut line = Line {
                tokens: vec![auto_quote(&m.path), version.to_owned()],
                in_block: true,
                ..Line::default()
            };
            set_indirect(&mut line, indirect);
            let syntax = self.syntax.alloc(line);
            self.block_mut(if indirect {
                blocks.indirect
            } else {
                blocks.direct
            })
            .lines
            .push(syntax);
            self.require.push(Require {
                module: ModuleVersion::new(m.path.clone(), version),
                indirect,
                syntax,
            });
        }
        self.sort_blocks();
    }

    /// Examines the `require` statements and creates (or turns lines into)
    /// the blocks requirements go to; with `simplify`, the comments before
    /// each block move to the direct or indirect block.
    fn require_blocks(&mut self, need: &HashMap<&str, (&str, bool)>, simplify: bool) -> Blocks {
        let line_indirect: HashMap<LineId, bool> = self
            .require
            .iter()
            .filter_map(|r| Some((r.syntax, need.get(r.module.path.as_str())?.1)))
            .collect();
        let (mut last_direct, mut last_indirect, mut last_require) = (None, None, None);
        let mut count = 0;
        let mut members: HashMap<usize, Vec<LineId>> = HashMap::new();
        let (mut direct_comments, mut indirect_comments) = (Vec::new(), Vec::new());
        for i in 0..self.syntax.stmts.len() {
            match &self.syntax.stmts[i] {
                Stmt::Line(id) => {
                    let line = self.syntax.line(*id);
                    if line.tokens.first().is_none_or(|t| t != "require") {
                        continue;
                    }
                    last_require = Some(i);
                    count += 1;
                    if !has_comments(&line.comments) {
                        if is_indirect(line) {
                            last_indirect = Some(i);
                        } else {
                            last_direct = Some(i);
                        }
                    }
                }
                Stmt::Block(block) => {
                    if block.tokens.first().is_none_or(|t| t != "require") {
                        continue;
                    }
                    last_require = Some(i);
                    count += 1;
                    let lines = block.lines.clone();
                    let uncommented = !lines.is_empty() && !has_comments(&block.comments);
                    let (mut all_direct, mut all_indirect) = (uncommented, uncommented);
                    for id in &lines {
                        let line = self.syntax.line(*id);
                        if has_comments(&line.comments) {
                            (all_direct, all_indirect) = (false, false);
                        } else if is_indirect(line) {
                            all_direct = false;
                        } else {
                            all_indirect = false;
                        }
                    }
                    if all_direct {
                        last_direct = Some(i);
                    }
                    if all_indirect {
                        last_indirect = Some(i);
                    }
                    if simplify {
                        let any_direct = lines.iter().any(|l| line_indirect.get(l) == Some(&false));
                        let target = if !any_direct && !lines.is_empty() {
                            &mut indirect_comments
                        } else {
                            &mut direct_comments
                        };
                        let before = std::mem::take(&mut self.block_mut(i).comments.before);
                        if !target.is_empty() && !before.is_empty() {
                            target.push(Comment::new("//"));
                        }
                        target.extend(before);
                    }
                    members.insert(i, lines);
                }
                Stmt::Comments(_) => {}
            }
        }
        let one_flat = count == 1
            && last_require.is_some_and(|i| {
                let comments = match &self.syntax.stmts[i] {
                    Stmt::Line(id) => &self.syntax.line(*id).comments,
                    Stmt::Block(block) => &block.comments,
                    Stmt::Comments(c) => &c.comments,
                };
                !has_comments(comments)
            });
        // Lines already in the blocks chosen (a line turned into a block
        // was in none).
        let held = |at: Option<usize>| -> HashSet<LineId> {
            at.and_then(|i| members.get(&i))
                .map(|lines| lines.iter().copied().collect())
                .unwrap_or_default()
        };
        let (in_direct, in_indirect) = (held(last_direct), held(last_indirect));
        let direct = match last_direct {
            Some(i) => self.ensure_block(i),
            None => {
                let at = match (last_indirect, last_require) {
                    (Some(i), _) => {
                        last_indirect = Some(i + 1);
                        i
                    }
                    (None, Some(i)) => i + 1,
                    (None, None) => self.syntax.stmts.len(),
                };
                self.insert_block(at)
            }
        };
        let indirect = match last_indirect {
            Some(i) => self.ensure_block(i),
            None => self.insert_block(direct + 1),
        };
        if simplify {
            self.block_mut(direct)
                .comments
                .before
                .extend(direct_comments);
            self.block_mut(indirect)
                .comments
                .before
                .extend(indirect_comments);
        }
        Blocks {
            direct,
            indirect,
            in_direct,
            in_indirect,
            one_flat,
        }
    }

    /// The block statement at `i`.
    fn block_mut(&mut self, i: usize) -> &mut LineBlock {
        match &mut self.syntax.stmts[i] {
            Stmt::Block(block) => block,
            _ => unreachable!("statement {i} is a block"),
        }
    }

    /// Inserts an empty `require` block at statement `i`.
    fn insert_block(&mut self, i: usize) -> usize {
        let block = LineBlock {
            tokens: vec!["require".to_owned()],
            ..LineBlock::default()
        };
        self.syntax.stmts.insert(i, Stmt::Block(Box::new(block)));
        i
    }

    /// Turns the `require` line at statement `i` into a block holding it.
    fn ensure_block(&mut self, i: usize) -> usize {
        if let Stmt::Line(id) = self.syntax.stmts[i] {
            let line = self.syntax.line_mut(id);
            let verb = line.tokens.remove(0);
            line.in_block = true;
            self.syntax.stmts[i] = Stmt::Block(Box::new(LineBlock {
                tokens: vec![verb],
                lines: vec![id],
                ..LineBlock::default()
            }));
        }
        i
    }

    /// Go's `Require.setVersion`: the version token, and a blank line
    /// before a line in a block dropped (golang.org/issue/33779).
    fn set_require_version(&mut self, k: usize, version: &str) {
        let r = &mut self.require[k];
        version.clone_into(&mut r.module.version);
        let line = self.syntax.line_mut(r.syntax);
        let at = if line.in_block { 1 } else { 2 };
        if line.tokens.is_empty() {
            return;
        }
        if line.in_block
            && line.comments.before.len() == 1
            && line.comments.before[0].token.is_empty()
        {
            line.comments.before.clear();
        }
        if let Some(token) = line.tokens.get_mut(at) {
            version.clone_into(token);
        }
    }

    /// Moves requirement `k` to the end of the block at statement `block`;
    /// its old line goes at the next cleanup.
    fn move_require(&mut self, k: usize, block: usize) {
        let old = self.require[k].syntax;
        let mut line = self.syntax.line(old).clone();
        if !line.in_block && line.tokens.first().is_some_and(|t| t == "require") {
            line.tokens.remove(0);
        }
        self.syntax.line_mut(old).tokens.clear();
        line.in_block = true;
        let new = self.syntax.alloc(line);
        self.require[k].syntax = new;
        self.block_mut(block).lines.push(new);
    }
}

#[cfg(test)]
mod tests {
    use gomodx_module::ModuleVersion;

    use crate::parse;

    const TEXT: &str = "golang.org/x/text";
    const TEXT_V: &str = "v0.0.0-20170915032832-14c0d48ead0c";

    fn req(list: &[(&str, &str, bool)]) -> Vec<(ModuleVersion, bool)> {
        list.iter()
            .map(|(p, v, i)| (ModuleVersion::new(*p, *v), *i))
            .collect()
    }

    #[test]
    fn at_most_two_gathers_blocks_and_their_comments() {
        // Recorded from go 1.27.3: `go mod download` on this go.mod (no go
        // line) writes the requirements converted to a pruned graph.
        let before = format!(
            "module m\n\n// deps block\nrequire (\n\t// quote comment\n\trsc.io/quote v1.5.2\n\t\
             rsc.io/sampler v1.3.0 // indirect\n)\n\nrequire {TEXT} {TEXT_V} // indirect; keep\n\n\
             // tail\nrequire (\n\trsc.io/sampler v1.2.0\n)\n"
        );
        let mut f = parse("go.mod", before.as_bytes()).unwrap();
        f.set_go("1.27.3").unwrap();
        f.set_require_at_most_two(&req(&[
            (TEXT, TEXT_V, true),
            ("rsc.io/quote", "v1.5.2", false),
            ("rsc.io/sampler", "v1.3.0", false),
        ]));
        f.cleanup();
        let want = format!(
            "module m\n\ngo 1.27.3\n\n// deps block\n//\n// tail\nrequire (\n\t// quote comment\n\t\
             rsc.io/quote v1.5.2\n\trsc.io/sampler v1.3.0\n)\n\nrequire {TEXT} {TEXT_V} // indirect; keep\n"
        );
        assert_eq!(f.format(), want);
        assert_eq!(f.require.len(), 3);
    }

    #[test]
    fn separate_indirect_splits_one_flat_block() {
        // Recorded from go 1.27.3: `go get rsc.io/quote@v1.5.2` on a go 1.21
        // go.mod with one mixed block.
        let before = format!(
            "module m\n\ngo 1.21\n\nrequire (\n\trsc.io/quote v1.5.1\n\t{TEXT} {TEXT_V} // indirect\n\t\
             rsc.io/sampler v1.3.0\n)\n"
        );
        let mut f = parse("go.mod", before.as_bytes()).unwrap();
        f.set_require_separate_indirect(&req(&[
            (TEXT, TEXT_V, true),
            ("rsc.io/quote", "v1.5.2", false),
            ("rsc.io/sampler", "v1.3.0", false),
        ]));
        f.cleanup();
        let want = format!(
            "module m\n\ngo 1.21\n\nrequire (\n\trsc.io/quote v1.5.2\n\trsc.io/sampler v1.3.0\n)\n\n\
             require {TEXT} {TEXT_V} // indirect\n"
        );
        assert_eq!(f.format(), want);
    }
}
