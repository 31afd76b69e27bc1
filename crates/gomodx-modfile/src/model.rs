//! The typed go.mod model (Go's `modfile.File`) and the comment conventions
//! it reads: `// indirect`, `// Deprecated:` paragraphs, retract rationales.

use gomodx_module::ModuleVersion;

use crate::syntax::{Comment, Comments, FileSyntax, Line, LineId};

/// A parsed go.mod file: the directives, each pointing at its syntax line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModFile {
    /// The `module` directive.
    pub module: Option<ModuleStmt>,
    /// The `go` directive.
    pub go: Option<GoStmt>,
    /// The `toolchain` directive.
    pub toolchain: Option<ToolchainStmt>,
    /// `godebug key=value` directives.
    pub godebug: Vec<Godebug>,
    /// `require` directives, in file order.
    pub require: Vec<Require>,
    /// `exclude` directives.
    pub exclude: Vec<Exclude>,
    /// `replace` directives.
    pub replace: Vec<Replace>,
    /// `retract` directives.
    pub retract: Vec<Retract>,
    /// `tool` directives.
    pub tool: Vec<Tool>,
    /// `ignore` directives.
    pub ignore: Vec<Ignore>,
    /// The syntax tree, comments included.
    pub syntax: FileSyntax,
}

/// `module path`, with the deprecation message from its comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleStmt {
    /// The module path (unquoted).
    pub path: String,
    /// The text of a `// Deprecated:` paragraph, or `""`.
    pub deprecated: String,
    /// The line.
    pub syntax: LineId,
}

/// `go 1.23`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoStmt {
    /// The version, e.g. `1.23` or `1.21rc1`.
    pub version: String,
    /// The line.
    pub syntax: LineId,
}

/// `toolchain go1.23.1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolchainStmt {
    /// The toolchain name, e.g. `go1.21rc1` or `default`.
    pub name: String,
    /// The line.
    pub syntax: LineId,
}

/// `godebug key=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Godebug {
    /// The setting's name.
    pub key: String,
    /// Its value.
    pub value: String,
    /// The line.
    pub syntax: LineId,
}

/// `require path version [// indirect]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require {
    /// The required module and version.
    pub module: ModuleVersion,
    /// Whether the line carries an `// indirect` comment.
    pub indirect: bool,
    /// The line.
    pub syntax: LineId,
}

/// `exclude path version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclude {
    /// The excluded module version.
    pub module: ModuleVersion,
    /// The line.
    pub syntax: LineId,
}

/// `replace old [version] => new [version]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replace {
    /// The replaced module; an empty version replaces all versions.
    pub old: ModuleVersion,
    /// The replacement; an empty version means a directory path.
    pub new: ModuleVersion,
    /// The line.
    pub syntax: LineId,
}

/// A closed version interval; a single version has `low == high`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct VersionInterval {
    /// The lowest retracted version.
    pub low: String,
    /// The highest retracted version.
    pub high: String,
}

/// `retract version` or `retract [low, high]`, with its rationale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retract {
    /// The retracted versions.
    pub interval: VersionInterval,
    /// The comment text explaining why.
    pub rationale: String,
    /// The line.
    pub syntax: LineId,
}

/// `tool path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tool {
    /// The tool's package path.
    pub path: String,
    /// The line.
    pub syntax: LineId,
}

/// `ignore dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    /// The ignored directory (slash-separated).
    pub path: String,
    /// The line.
    pub syntax: LineId,
}

/// Go's `isIndirect`: the first end-of-line comment is `// indirect` or
/// starts with `// indirect;`.
pub(crate) fn is_indirect(line: &Line) -> bool {
    let Some(first) = line.comments.suffix.first() else {
        return false;
    };
    let text = first.token.strip_prefix("//").unwrap_or(&first.token);
    let mut fields = text.split_whitespace();
    matches!(
        (fields.next(), fields.next()),
        (Some("indirect"), None) | (Some("indirect;"), Some(_))
    )
}

/// Go's `setIndirect` on a line's first end-of-line comment.
pub(crate) fn set_indirect(line: &mut Line, indirect: bool) {
    if is_indirect(line) == indirect {
        return;
    }
    let suffix = &mut line.comments.suffix;
    let Some(first) = suffix.first_mut() else {
        suffix.push(Comment {
            token: "// indirect".to_owned(),
            suffix: true,
            ..Comment::default()
        });
        return;
    };
    let text = first
        .token
        .strip_prefix("//")
        .unwrap_or(&first.token)
        .trim()
        .to_owned();
    if indirect {
        first.token = if text.is_empty() {
            "// indirect".to_owned()
        } else {
            format!("// indirect; {text}")
        };
    } else if text == "indirect" {
        suffix.clear();
    } else if let Some(i) = first.token.find("indirect;") {
        first.token = format!("//{}", &first.token[i + "indirect;".len()..]);
    }
}

/// Go's `parseDirectiveComment`: the line's comments (or, when it has none,
/// its block's), each without `//` and trimmed, joined with newlines.
pub(crate) fn directive_comment(block: Option<&Comments>, line: &Line) -> String {
    let mut comments = &line.comments;
    if let Some(block) = block
        && comments.before.is_empty()
        && comments.suffix.is_empty()
    {
        comments = block;
    }
    let texts: Vec<&str> = comments
        .before
        .iter()
        .chain(&comments.suffix)
        .filter_map(|c| c.token.strip_prefix("//"))
        .map(str::trim)
        .collect();
    texts.join("\n")
}

/// Go's `parseDeprecation`: the rest of the first paragraph that starts
/// with `Deprecated:` (paragraphs are separated by a blank line).
pub(crate) fn deprecation(text: &str) -> String {
    const MARK: &str = "Deprecated:";
    let breaks = text
        .as_bytes()
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w == b"\n\n");
    let starts = std::iter::once(0).chain(breaks.map(|(i, _)| i + 2));
    for start in starts {
        if let Some(rest) = text[start..].strip_prefix(MARK) {
            let rest = rest.trim_start_matches(' ');
            let end = rest.find("\n\n").unwrap_or(rest.len());
            return rest[..end].to_owned();
        }
    }
    String::new()
}

impl ModFile {
    /// The module path, or `""` without a `module` line.
    pub fn module_path(&self) -> &str {
        self.module.as_ref().map_or("", |m| m.path.as_str())
    }

    /// The `go` version, if any.
    pub fn go_version(&self) -> Option<&str> {
        self.go.as_ref().map(|g| g.version.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprecation_paragraphs() {
        assert_eq!(deprecation("Deprecated: use b"), "use b");
        assert_eq!(
            deprecation("intro\n\nDeprecated:   use b\nreally\n\nlater"),
            "use b\nreally"
        );
        assert_eq!(deprecation("intro\nDeprecated: no"), "");
        assert_eq!(deprecation("deprecated: no"), "");
        assert_eq!(deprecation("a\n\n\nDeprecated: x"), "x");
        assert_eq!(deprecation("Deprecated:\n\nrest"), "");
        assert_eq!(
            deprecation("Deprecated: first\n\nDeprecated: second"),
            "first"
        );
    }
}
