//! The `go mod edit -json` view of a go.mod file (cmd/go's `fileJSON`),
//! with field names, `omitempty` behaviour and output bytes as Go's
//! `json.MarshalIndent(&f, "", "\t")` plus a trailing newline.

use serde::Serialize;

use crate::model::ModFile;

/// The whole file, as `go mod edit -json` prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EditJson {
    /// The `module` line (always present; empty path without one).
    pub module: JsonModule,
    /// The `go` version.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub go: String,
    /// The toolchain name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub toolchain: String,
    /// `godebug` settings (Go spells this field `GoDebug`).
    #[serde(rename = "GoDebug", skip_serializing_if = "Vec::is_empty")]
    pub godebug: Vec<JsonGodebug>,
    /// Requirements.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub require: Vec<JsonRequire>,
    /// Exclusions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<JsonModuleVersion>,
    /// Replacements.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replace: Vec<JsonReplace>,
    /// Retractions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retract: Vec<JsonRetract>,
    /// Tools.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool: Vec<JsonPath>,
    /// Ignored directories.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<JsonPath>,
}

/// `{"Path", "Deprecated"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct JsonModule {
    /// The module path.
    pub path: String,
    /// The deprecation message.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub deprecated: String,
}

/// `{"Key", "Value"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct JsonGodebug {
    /// The setting.
    pub key: String,
    /// Its value.
    pub value: String,
}

/// `{"Path", "Version", "Indirect"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct JsonRequire {
    /// The module path.
    pub path: String,
    /// The version.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// Whether marked `// indirect`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub indirect: bool,
}

/// Go's `module.Version` in JSON: `{"Path", "Version"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct JsonModuleVersion {
    /// The module path (or directory).
    pub path: String,
    /// The version.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
}

/// `{"Old", "New"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct JsonReplace {
    /// The replaced module.
    pub old: JsonModuleVersion,
    /// The replacement.
    pub new: JsonModuleVersion,
}

/// `{"Low", "High", "Rationale"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct JsonRetract {
    /// The low bound.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub low: String,
    /// The high bound.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub high: String,
    /// The rationale.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub rationale: String,
}

/// `{"Path"}` (tools and ignored directories).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct JsonPath {
    /// The path.
    pub path: String,
}

fn module_version(m: &gomodx_module::ModuleVersion) -> JsonModuleVersion {
    JsonModuleVersion {
        path: m.path.clone(),
        version: m.version.clone(),
    }
}

impl From<&ModFile> for EditJson {
    fn from(f: &ModFile) -> Self {
        Self {
            module: f
                .module
                .as_ref()
                .map_or_else(JsonModule::default, |m| JsonModule {
                    path: m.path.clone(),
                    deprecated: m.deprecated.clone(),
                }),
            go: f
                .go
                .as_ref()
                .map_or_else(String::new, |g| g.version.clone()),
            toolchain: f
                .toolchain
                .as_ref()
                .map_or_else(String::new, |t| t.name.clone()),
            godebug: f
                .godebug
                .iter()
                .map(|d| JsonGodebug {
                    key: d.key.clone(),
                    value: d.value.clone(),
                })
                .collect(),
            require: f
                .require
                .iter()
                .map(|r| JsonRequire {
                    path: r.module.path.clone(),
                    version: r.module.version.clone(),
                    indirect: r.indirect,
                })
                .collect(),
            exclude: f
                .exclude
                .iter()
                .map(|x| module_version(&x.module))
                .collect(),
            replace: f
                .replace
                .iter()
                .map(|r| JsonReplace {
                    old: module_version(&r.old),
                    new: module_version(&r.new),
                })
                .collect(),
            retract: f
                .retract
                .iter()
                .map(|r| JsonRetract {
                    low: r.interval.low.clone(),
                    high: r.interval.high.clone(),
                    rationale: r.rationale.clone(),
                })
                .collect(),
            tool: f
                .tool
                .iter()
                .map(|t| JsonPath {
                    path: t.path.clone(),
                })
                .collect(),
            ignore: f
                .ignore
                .iter()
                .map(|t| JsonPath {
                    path: t.path.clone(),
                })
                .collect(),
        }
    }
}

impl EditJson {
    /// The exact bytes `go mod edit -json` prints: [`marshal_indent`] and a
    /// final newline.
    pub fn to_go_json(&self) -> String {
        marshal_indent(self) + "\n"
    }
}

/// Go's `json.Marshal(v)`: no whitespace, Go's string escapes.
///
/// This is gomodx's one encoder of Go's JSON: serde_json writes the
/// layout Go writes (`\b \f \n \r \t` by name, other control bytes as
/// `\u00xx`), then the characters Go also escapes (HTML-safe: `<` `>` `&`,
/// and U+2028 U+2029) are escaped — they occur only inside strings.
pub fn marshal<T: Serialize + ?Sized>(value: &T) -> String {
    html_safe(serde_json::to_vec(value))
}

/// Go's `json.MarshalIndent(v, "", "\t")`, without a trailing newline.
pub fn marshal_indent<T: Serialize + ?Sized>(value: &T) -> String {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    html_safe(value.serialize(&mut ser).map(|()| buf))
}

/// serde_json's output with Go's HTML-safe escapes.
fn html_safe(json: serde_json::Result<Vec<u8>>) -> String {
    let json = json.expect("serialising strings, bools and maps to memory cannot fail");
    let text = String::from_utf8(json).expect("serde_json writes UTF-8");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

impl ModFile {
    /// The `go mod edit -json` view of the file as it stands (`go mod edit`
    /// first runs [`sort_blocks`](Self::sort_blocks) and [`cleanup`](Self::cleanup)).
    pub fn to_edit_json(&self) -> EditJson {
        EditJson::from(self)
    }
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn json_matches_go_layout_and_escapes() {
        let text = "// Deprecated: use <n> & co\nmodule m\n\ngo 1.21\n\nrequire (\n\ta.com v1.0.0 // indirect\n\tb.com v1.0.0\n)\n\nreplace a.com => ../a\n";
        let f = parse("go.mod", text.as_bytes()).expect("valid");
        let want = "{\n\t\"Module\": {\n\t\t\"Path\": \"m\",\n\t\t\"Deprecated\": \"use \\u003cn\\u003e \\u0026 co\"\n\t},\n\t\"Go\": \"1.21\",\n\t\"Require\": [\n\t\t{\n\t\t\t\"Path\": \"a.com\",\n\t\t\t\"Version\": \"v1.0.0\",\n\t\t\t\"Indirect\": true\n\t\t},\n\t\t{\n\t\t\t\"Path\": \"b.com\",\n\t\t\t\"Version\": \"v1.0.0\"\n\t\t}\n\t],\n\t\"Replace\": [\n\t\t{\n\t\t\t\"Old\": {\n\t\t\t\t\"Path\": \"a.com\"\n\t\t\t},\n\t\t\t\"New\": {\n\t\t\t\t\"Path\": \"../a\"\n\t\t\t}\n\t\t}\n\t]\n}\n";
        assert_eq!(f.to_edit_json().to_go_json(), want);
    }

    #[test]
    fn empty_file_has_an_empty_module() {
        let f = parse("go.mod", b"").expect("valid");
        assert_eq!(
            f.to_edit_json().to_go_json(),
            "{\n\t\"Module\": {\n\t\t\"Path\": \"\"\n\t}\n}\n"
        );
    }
}
