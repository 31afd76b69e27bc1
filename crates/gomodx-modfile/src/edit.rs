//! Edits that keep comments and layout (Go's `File.Add*`/`Drop*`).
//!
//! Removals mark lines dead; call [`ModFile::cleanup`] after a batch of
//! edits (`go mod edit` runs [`ModFile::sort_blocks`] and then `cleanup`
//! before printing). New lines go where Go puts them: a new `require` joins
//! the last `require` line or block, a new `exclude` or `replace` follows the
//! last one for the same path (or, without one, goes at the end of the file),
//! `go` follows `module`.

use gomodx_module::ModuleVersion;
use gomodx_module::gover::is_valid_go_line as is_go_version;

use crate::error::EditError;
use crate::model::{
    Exclude, GoStmt, Godebug, Ignore, ModFile, ModuleStmt, Replace, Require, Tool, ToolchainStmt,
    VersionInterval, set_indirect,
};
use crate::print::format;
use crate::quote::auto_quote;
use crate::syntax::{Comment, LineId};
use crate::version::{check_canonical_version, is_toolchain_name};

fn tokens<const N: usize>(items: [&str; N]) -> Vec<String> {
    items.map(str::to_owned).to_vec()
}

impl ModFile {
    /// Go's `File.Format`: the file in canonical form.
    pub fn format(&self) -> String {
        format(&self.syntax)
    }

    /// Go's `AddModuleStmt`: sets the module path.
    pub fn set_module(&mut self, path: &str) {
        let line = tokens(["module", &auto_quote(path)]);
        match &mut self.module {
            Some(m) => {
                path.clone_into(&mut m.path);
                self.syntax.update_line(m.syntax, line);
            }
            None => {
                let syntax = self.syntax.add_line(None, line);
                self.module = Some(ModuleStmt {
                    path: path.to_owned(),
                    deprecated: String::new(),
                    syntax,
                });
            }
        }
    }

    /// Go's `AddGoStmt`: sets the `go` version (a new line follows `module`).
    pub fn set_go(&mut self, version: &str) -> Result<(), EditError> {
        if !is_go_version(version) {
            return Err(EditError::InvalidGoVersion(version.to_owned()));
        }
        let line = tokens(["go", version]);
        match &mut self.go {
            Some(g) => {
                version.clone_into(&mut g.version);
                self.syntax.update_line(g.syntax, line);
            }
            None => {
                let hint = self.module.as_ref().map(|m| m.syntax);
                let syntax = self.syntax.add_line(hint, line);
                self.go = Some(GoStmt {
                    version: version.to_owned(),
                    syntax,
                });
            }
        }
        Ok(())
    }

    /// Go's `DropGoStmt`.
    pub fn drop_go(&mut self) {
        if let Some(g) = self.go.take() {
            self.syntax.mark_removed(g.syntax);
        }
    }

    /// Go's `AddToolchainStmt`: sets the toolchain (a new line follows `go`,
    /// else `module`).
    pub fn set_toolchain(&mut self, name: &str) -> Result<(), EditError> {
        if !is_toolchain_name(name) {
            return Err(EditError::InvalidToolchain(name.to_owned()));
        }
        let line = tokens(["toolchain", name]);
        match &mut self.toolchain {
            Some(t) => {
                name.clone_into(&mut t.name);
                self.syntax.update_line(t.syntax, line);
            }
            None => {
                let hint = self
                    .go
                    .as_ref()
                    .map(|g| g.syntax)
                    .or(self.module.as_ref().map(|m| m.syntax));
                let syntax = self.syntax.add_line(hint, line);
                self.toolchain = Some(ToolchainStmt {
                    name: name.to_owned(),
                    syntax,
                });
            }
        }
        Ok(())
    }

    /// Go's `DropToolchainStmt`.
    pub fn drop_toolchain(&mut self) {
        if let Some(t) = self.toolchain.take() {
            self.syntax.mark_removed(t.syntax);
        }
    }

    /// Go's `AddGodebug`: sets the first line for `key`, drops the others,
    /// or adds a line at the end of the last `godebug` block.
    pub fn add_godebug(&mut self, key: &str, value: &str) {
        let setting = format!("{key}={value}");
        let mut first = true;
        let syntax = &mut self.syntax;
        self.godebug.retain_mut(|g| {
            if g.key != key {
                return true;
            }
            if std::mem::take(&mut first) {
                value.clone_into(&mut g.value);
                syntax.update_line(g.syntax, tokens(["godebug", &setting]));
                return true;
            }
            syntax.mark_removed(g.syntax);
            false
        });
        if first {
            let syntax = self.syntax.add_line(None, tokens(["godebug", &setting]));
            self.godebug.push(Godebug {
                key: key.to_owned(),
                value: value.to_owned(),
                syntax,
            });
        }
    }

    /// Go's `DropGodebug`.
    pub fn drop_godebug(&mut self, key: &str) {
        let syntax = &mut self.syntax;
        self.godebug
            .retain(|g| g.key != key || !syntax_removed(syntax, g.syntax));
    }

    /// Go's `AddRequire`: sets the first requirement on `path` to `version`
    /// (keeping its comments), drops the others, or adds a new one.
    pub fn add_require(&mut self, path: &str, version: &str) {
        let mut first = true;
        let syntax = &mut self.syntax;
        self.require.retain_mut(|r| {
            if r.module.path != path {
                return true;
            }
            if std::mem::take(&mut first) {
                version.clone_into(&mut r.module.version);
                syntax.update_line(r.syntax, tokens(["require", &auto_quote(path), version]));
                return true;
            }
            syntax.mark_removed(r.syntax);
            false
        });
        if first {
            self.add_new_require(path, version, false);
        }
    }

    /// Go's `AddNewRequire`: adds a requirement at the end of the last
    /// `require` block, whatever requirements on `path` already exist.
    pub fn add_new_require(&mut self, path: &str, version: &str, indirect: bool) {
        let syntax = self
            .syntax
            .add_line(None, tokens(["require", &auto_quote(path), version]));
        set_indirect(self.syntax.line_mut(syntax), indirect);
        self.require.push(Require {
            module: ModuleVersion::new(path, version),
            indirect,
            syntax,
        });
    }

    /// Adds or removes the `// indirect` marking of every requirement on
    /// `path` (Go's `setIndirect`: other comment text is kept).
    pub fn set_require_indirect(&mut self, path: &str, indirect: bool) {
        for r in self.require.iter_mut().filter(|r| r.module.path == path) {
            r.indirect = indirect;
            set_indirect(self.syntax.line_mut(r.syntax), indirect);
        }
    }

    /// Go's `DropRequire`: removes every requirement on `path`.
    pub fn drop_require(&mut self, path: &str) {
        let syntax = &mut self.syntax;
        self.require
            .retain(|r| r.module.path != path || !syntax_removed(syntax, r.syntax));
    }

    /// Go's `AddExclude`: `version` must be canonical for `path`; a new line
    /// follows the last exclusion of the same path.
    pub fn add_exclude(&mut self, path: &str, version: &str) -> Result<(), EditError> {
        check_canonical_version(path, version)?;
        let mut hint = None;
        for x in &self.exclude {
            if x.module.path == path {
                if x.module.version == version {
                    return Ok(());
                }
                hint = Some(x.syntax);
            }
        }
        // Go passes a typed-nil hint here, so without an exclusion of the
        // same path the line goes at the end of the file.
        let line = tokens(["exclude", &auto_quote(path), version]);
        let syntax = match hint {
            Some(hint) => self.syntax.add_line(Some(hint), line),
            None => self.syntax.append_line(line),
        };
        self.exclude.push(Exclude {
            module: ModuleVersion::new(path, version),
            syntax,
        });
        Ok(())
    }

    /// Go's `DropExclude`.
    pub fn drop_exclude(&mut self, path: &str, version: &str) {
        let syntax = &mut self.syntax;
        self.exclude.retain(|x| {
            x.module.path != path
                || x.module.version != version
                || !syntax_removed(syntax, x.syntax)
        });
    }

    /// Go's `AddReplace`: replaces `old_path[@old_version]` (an empty version
    /// means all versions, and then also overrides version-specific
    /// replacements) with `new_path[@new_version]`.
    pub fn add_replace(
        &mut self,
        old_path: &str,
        old_version: &str,
        new_path: &str,
        new_version: &str,
    ) {
        let mut line = vec!["replace".to_owned(), auto_quote(old_path)];
        if !old_version.is_empty() {
            line.push(old_version.to_owned());
        }
        line.extend(["=>".to_owned(), auto_quote(new_path)]);
        if !new_version.is_empty() {
            line.push(new_version.to_owned());
        }
        let new = ModuleVersion::new(new_path, new_version);
        let (mut need, mut hint) = (true, None);
        let syntax = &mut self.syntax;
        self.replace.retain_mut(|r| {
            if r.old.path == old_path && (old_version.is_empty() || r.old.version == old_version) {
                if std::mem::take(&mut need) {
                    r.new = new.clone();
                    syntax.update_line(r.syntax, line.clone());
                    return true;
                }
                syntax.mark_removed(r.syntax);
                return false;
            }
            if r.old.path == old_path {
                hint = Some(r.syntax);
            }
            true
        });
        if need {
            // As for exclusions, Go's typed-nil hint appends at the end.
            let syntax = match hint {
                Some(hint) => self.syntax.add_line(Some(hint), line),
                None => self.syntax.append_line(line),
            };
            self.replace.push(Replace {
                old: ModuleVersion::new(old_path, old_version),
                new,
                syntax,
            });
        }
    }

    /// Go's `DropReplace`: removes the replacement of exactly `old_path@old_version`.
    pub fn drop_replace(&mut self, old_path: &str, old_version: &str) {
        let syntax = &mut self.syntax;
        self.replace.retain(|r| {
            r.old.path != old_path
                || r.old.version != old_version
                || !syntax_removed(syntax, r.syntax)
        });
    }

    /// Go's `AddRetract`: appends a `retract` line with `rationale` as
    /// comments above it. Like Go, the typed `retract` list is not updated
    /// (re-parse the formatted file to see the new entry).
    pub fn add_retract(
        &mut self,
        interval: &VersionInterval,
        rationale: &str,
    ) -> Result<(), EditError> {
        check_canonical_version(self.module_path(), &interval.high)?;
        check_canonical_version(self.module_path(), &interval.low)?;
        let (low, high) = (auto_quote(&interval.low), auto_quote(&interval.high));
        let line = if interval.low == interval.high {
            tokens(["retract", &low])
        } else {
            tokens(["retract", "[", &low, ",", &high, "]"])
        };
        let syntax = self.syntax.add_line(None, line);
        if !rationale.is_empty() {
            let before = &mut self.syntax.line_mut(syntax).comments.before;
            before.extend(
                rationale
                    .split('\n')
                    .map(|l| Comment::new(format!("// {l}"))),
            );
        }
        Ok(())
    }

    /// Go's `DropRetract`.
    pub fn drop_retract(&mut self, interval: &VersionInterval) {
        let syntax = &mut self.syntax;
        self.retract
            .retain(|r| r.interval != *interval || !syntax_removed(syntax, r.syntax));
    }

    /// Go's `AddTool`: adds `tool path` unless present, then sorts blocks.
    pub fn add_tool(&mut self, path: &str) {
        if self.tool.iter().all(|t| t.path != path) {
            let syntax = self.syntax.add_line(None, tokens(["tool", path]));
            self.tool.push(Tool {
                path: path.to_owned(),
                syntax,
            });
            self.sort_blocks();
        }
    }

    /// Go's `DropTool`. Like Go, the entry stays in the typed list with an
    /// empty path (`go mod edit -json` shows it), and its line is removed.
    pub fn drop_tool(&mut self, path: &str) {
        for t in self.tool.iter_mut().filter(|t| t.path == path) {
            t.path.clear();
            self.syntax.mark_removed(t.syntax);
        }
    }

    /// Go's `AddIgnore`: adds `ignore path` unless present, then sorts blocks.
    pub fn add_ignore(&mut self, path: &str) {
        if self.ignore.iter().all(|t| t.path != path) {
            let syntax = self.syntax.add_line(None, tokens(["ignore", path]));
            self.ignore.push(Ignore {
                path: path.to_owned(),
                syntax,
            });
            self.sort_blocks();
        }
    }

    /// Go's `DropIgnore`, which like [`drop_tool`](Self::drop_tool) leaves
    /// an entry with an empty path.
    pub fn drop_ignore(&mut self, path: &str) {
        for t in self.ignore.iter_mut().filter(|t| t.path == path) {
            t.path.clear();
            self.syntax.mark_removed(t.syntax);
        }
    }
}

/// Marks the line removed; returns `true` so it can end a `retain` predicate.
fn syntax_removed(syntax: &mut crate::syntax::FileSyntax, id: LineId) -> bool {
    syntax.mark_removed(id);
    true
}

#[cfg(test)]
mod tests {
    use crate::{EditJson, ModFile, VersionInterval, parse};

    const BASE: &str = "module m\n\n// deps\nrequire (\n\t// a is important\n\ta.com v1.0.0 // pinned\n)\n\nexclude a.com v0.9.0\n";

    fn base() -> ModFile {
        parse("go.mod", BASE.as_bytes()).expect("valid")
    }

    fn finish(mut f: ModFile) -> String {
        f.sort_blocks();
        f.cleanup();
        f.format()
    }

    #[test]
    fn edits_keep_comments_and_land_where_go_puts_them() {
        let mut f = base();
        f.add_require("b.com", "v1.1.0");
        f.add_require("a.com", "v1.2.0");
        f.add_exclude("a.com", "v1.0.0").expect("canonical");
        f.add_exclude("c.com", "v1.0.0").expect("canonical");
        f.add_replace("a.com", "", "../a", "");
        f.add_replace("c.com", "v1.0.0", "d.com", "v1.0.0");
        f.add_replace("c.com", "", "../c", "");
        f.set_go("1.22").expect("valid");
        f.set_toolchain("go1.22.1").expect("valid");
        // Recorded from `go mod edit` with the same flags.
        let want = "module m\n\ngo 1.22\n\ntoolchain go1.22.1\n\n// deps\nrequire (\n\t// a is important\n\ta.com v1.2.0 // pinned\n\tb.com v1.1.0\n)\n\nexclude (\n\ta.com v0.9.0\n\ta.com v1.0.0\n)\n\nexclude c.com v1.0.0\n\nreplace a.com => ../a\n\nreplace c.com => ../c\n";
        assert_eq!(finish(f), want);
    }

    #[test]
    fn dropping_collapses_blocks_and_keeps_their_comments() {
        let mut f = base();
        f.add_require("b.com", "v1.1.0");
        f.drop_require("b.com");
        let want = "module m\n\n// deps\n// a is important\nrequire a.com v1.0.0 // pinned\n\nexclude a.com v0.9.0\n";
        assert_eq!(finish(f), want);
    }

    #[test]
    fn indirect_markers_are_added_and_removed_like_go() {
        let mut f = parse(
            "go.mod",
            b"module m\nrequire (\n\ta.com v1.0.0 // pinned\n\tb.com v1.0.0\n\tc.com v1.0.0 //\n)\n",
        )
        .expect("valid");
        for path in ["a.com", "b.com", "c.com"] {
            f.set_require_indirect(path, true);
        }
        f.add_new_require("d.com", "v1.0.0", true);
        assert!(f.require.iter().all(|r| r.indirect));
        let marked = "module m\n\nrequire (\n\ta.com v1.0.0 // indirect; pinned\n\tb.com v1.0.0 // indirect\n\tc.com v1.0.0 // indirect\n\td.com v1.0.0 // indirect\n)\n";
        assert_eq!(f.format(), marked);
        let reparsed = parse("go.mod", marked.as_bytes()).expect("valid");
        assert!(reparsed.require.iter().all(|r| r.indirect));
        for path in ["a.com", "b.com"] {
            f.set_require_indirect(path, false);
        }
        assert!(
            f.format()
                .contains("\ta.com v1.0.0 // pinned\n\tb.com v1.0.0\n")
        );
    }

    #[test]
    fn edit_errors_are_worded_like_go() {
        let mut f = base();
        let errors = [
            (
                "a.com",
                "v1",
                "version \"v1\" invalid: must be of the form v1.2.3",
            ),
            (
                "a.com/v2",
                "v1.0.0",
                "version \"v1.0.0\" invalid: should be v2, not v1",
            ),
            (
                "a.com",
                "v2.0.0",
                "version \"v2.0.0\" invalid: should be v2.0.0+incompatible (or module a.com/v2)",
            ),
        ];
        for (path, version, want) in errors {
            let err = f.add_exclude(path, version).expect_err(version);
            assert_eq!(err.to_string(), want);
        }
        assert_eq!(
            f.set_go("1.22.x").expect_err("bad").to_string(),
            "invalid language version \"1.22.x\""
        );
        f.set_go("1.22.0rc1").expect("GoVersionRE allows this");
    }

    #[test]
    fn retract_tool_and_ignore_edits_follow_go_quirks() {
        let mut f = base();
        let vi = |v: &str| VersionInterval {
            low: v.to_owned(),
            high: v.to_owned(),
        };
        f.add_retract(&vi("v1.2.3"), "broken\nbuild")
            .expect("canonical");
        // Like Go, the typed list is not updated by AddRetract.
        assert!(f.retract.is_empty());
        assert!(
            f.format()
                .ends_with("// broken\n// build\nretract v1.2.3\n")
        );
        f.add_tool("example.com/cmd/t");
        f.add_tool("example.com/cmd/t");
        f.drop_tool("example.com/cmd/t");
        f.cleanup();
        let json = EditJson::from(&f).to_go_json();
        assert!(
            json.contains("\"Tool\": [\n\t\t{\n\t\t\t\"Path\": \"\"\n\t\t}\n\t]"),
            "{json}"
        );
        assert!(!f.format().contains("tool"));
    }
}
