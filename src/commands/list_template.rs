//! `gomodx list -m -f TEMPLATE`: go's text/template (the `gotmpl` crate)
//! over the fields of go's `ModulePublic`, as `go list -m -f` executes it.

use std::collections::BTreeMap;
use std::sync::Arc;

use gotmpl::{MissingKey, Template, TemplateError, Value};

/// A module as the template sees it: every field of go's `ModulePublic`
/// (zero values included, as a Go struct has them).
#[derive(Debug, Default)]
pub struct Fields {
    /// `Path`.
    pub path: String,
    /// `Version`.
    pub version: String,
    /// `Query`.
    pub query: String,
    /// `Versions`.
    pub versions: Vec<String>,
    /// `Replace` (nil when absent).
    pub replace: Option<Box<Fields>>,
    /// `Time`, RFC 3339 (nil when empty).
    pub time: String,
    /// `Update` (nil when absent).
    pub update: Option<Box<Fields>>,
    /// `Main`.
    pub main: bool,
    /// `Indirect`.
    pub indirect: bool,
    /// `Dir`.
    pub dir: String,
    /// `GoMod`.
    pub go_mod: String,
    /// `GoVersion`.
    pub go_version: String,
    /// `Retracted`.
    pub retracted: Vec<String>,
    /// `Deprecated`.
    pub deprecated: String,
    /// `Error.Err` (nil when absent).
    pub error: Option<String>,
    /// `Sum`.
    pub sum: String,
    /// `GoModSum`.
    pub go_mod_sum: String,
    /// What go's `String` method returns.
    pub string: String,
}

impl Fields {
    fn to_value(&self) -> Value {
        let text = |s: &str| Value::String(s.into());
        let list = |items: &[String]| Value::List(items.iter().map(|s| text(s)).collect());
        let module = |m: &Option<Box<Fields>>| m.as_ref().map_or(Value::Nil, |m| m.to_value());
        let mut map: BTreeMap<Arc<str>, Value> = BTreeMap::new();
        let mut put = |key: &str, value: Value| {
            map.insert(key.into(), value);
        };
        put("Path", text(&self.path));
        put("Version", text(&self.version));
        put("Query", text(&self.query));
        put("Versions", list(&self.versions));
        put("Replace", module(&self.replace));
        put(
            "Time",
            if self.time.is_empty() {
                Value::Nil
            } else {
                text(&go_time(&self.time))
            },
        );
        put("Update", module(&self.update));
        put("Main", Value::Bool(self.main));
        put("Indirect", Value::Bool(self.indirect));
        put("Dir", text(&self.dir));
        put("GoMod", text(&self.go_mod));
        put("GoVersion", text(&self.go_version));
        put("Retracted", list(&self.retracted));
        put("Deprecated", text(&self.deprecated));
        put(
            "Error",
            self.error.as_ref().map_or(Value::Nil, |err| {
                let mut error = BTreeMap::new();
                error.insert(Arc::from("Err"), text(err));
                Value::Map(Arc::new(error))
            }),
        );
        put("Sum", text(&self.sum));
        put("GoModSum", text(&self.go_mod_sum));
        put("Origin", Value::Nil);
        put("Reuse", Value::Bool(false));
        put("String", text(&self.string));
        Value::Map(Arc::new(map))
    }
}

/// Go's `time.Time.String` for an RFC 3339 UTC time:
/// `2006-01-02 15:04:05.999999999 +0000 UTC`.
fn go_time(rfc3339: &str) -> String {
    match rfc3339.strip_suffix('Z').and_then(|t| t.split_once('T')) {
        Some((date, clock)) => {
            let clock = match clock.split_once('.') {
                Some((whole, fraction)) => {
                    let fraction = fraction.trim_end_matches('0');
                    if fraction.is_empty() {
                        whole.to_owned()
                    } else {
                        format!("{whole}.{fraction}")
                    }
                }
                None => clock.to_owned(),
            };
            format!("{date} {clock} +0000 UTC")
        }
        None => rfc3339.to_owned(),
    }
}

/// A parsed `-f` template.
pub struct ListTemplate {
    source: String,
    template: Template,
}

impl ListTemplate {
    /// Parses `source` as go does (`template.New("main")` with `join`);
    /// the error is go's message (`template: main:LINE: …`).
    pub fn parse(source: &str) -> Result<Self, String> {
        let template = Template::new("main")
            .missing_key(MissingKey::Error)
            .func("join", join)
            .parse(source)
            .map_err(|err| parse_error(&err))?;
        Ok(Self {
            source: source.to_owned(),
            template,
        })
    }

    /// Appends `module`'s text to `out`, then a newline unless the output
    /// so far ends in one (go's `TrackingWriter.NeedNL`). On error, `out`
    /// keeps what was written before it, as go flushes it.
    pub fn render(&self, module: &Fields, out: &mut Vec<u8>) -> Result<(), String> {
        let mut text = Vec::new();
        let result = self.template.execute(&mut text, &module.to_value());
        // gotmpl prints a nil as a missing map key (`<no value>`); every
        // field exists here, so each is a nil pointer, which go prints `<nil>`.
        let text = String::from_utf8_lossy(&text).replace("<no value>", "<nil>");
        out.extend_from_slice(text.as_bytes());
        if let Err(err) = result {
            return Err(self.exec_error(&err));
        }
        if out.last().is_some_and(|&b| b != b'\n') {
            out.push(b'\n');
        }
        Ok(())
    }

    /// Go's execution error: `template: main:LINE:COL: executing "main"
    /// at <NODE>: MESSAGE`, where gotmpl can be placed in the source.
    fn exec_error(&self, err: &TemplateError) -> String {
        let TemplateError::MissingKey { key } = err else {
            return format!("template: main: executing \"main\": {err}");
        };
        let Some((at, node)) = field_node(&self.source, key) else {
            return format!(
                "template: main: executing \"main\": can't evaluate field {key} in type *modinfo.ModulePublic"
            );
        };
        let before = &self.source[..at];
        let line = before.matches('\n').count() + 1;
        let col = before.rfind('\n').map_or(at, |nl| at - nl - 1);
        let owner = if node.contains(".Error.") {
            "*modinfo.ModuleError"
        } else {
            "*modinfo.ModulePublic"
        };
        format!(
            "template: main:{line}:{col}: executing \"main\" at <{node}>: can't evaluate field {key} in type {owner}"
        )
    }
}

/// Where `.KEY` first appears as a whole field name in `source`, with the
/// field chain it ends (`.Update.KEY`).
fn field_node(source: &str, key: &str) -> Option<(usize, String)> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let needle = format!(".{key}");
    let mut from = 0;
    while let Some(found) = source[from..].find(&needle) {
        let end = from + found + needle.len();
        from = end;
        if source[end..].starts_with(is_ident) {
            continue;
        }
        let start = source[..end]
            .rfind(|c: char| !(is_ident(c) || c == '.' || c == '$'))
            .map_or(0, |i| i + 1);
        return Some((start, source[start..end].to_owned()));
    }
    None
}

/// go's parse errors name the line only: `template: main:1: …`.
fn parse_error(err: &TemplateError) -> String {
    match err {
        TemplateError::Parse { line, message, .. } | TemplateError::Lex { line, message, .. } => {
            format!("template: main:{line}: {message}")
        }
        other => other.to_string(),
    }
}

/// go list's `join`: `strings.Join(list, sep)`.
fn join(args: &[Value]) -> gotmpl::Result<Value> {
    let [Value::List(items), Value::String(sep)] = args else {
        return Err(TemplateError::Exec(
            "wrong arguments for join: want ([]string, string)".to_owned(),
        ));
    };
    let words: Vec<String> = items.iter().map(ToString::to_string).collect();
    Ok(Value::String(words.join(sep).into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(source: &str, fields: &Fields) -> Result<String, String> {
        let mut out = Vec::new();
        ListTemplate::parse(source)?.render(fields, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn renders_go_values() {
        let fields = Fields {
            path: "a.com/a".into(),
            version: "v1.0.0".into(),
            time: "2019-10-03T15:00:00Z".into(),
            versions: vec!["v1.0.0".into(), "v1.1.0".into()],
            ..Fields::default()
        };
        assert_eq!(
            render("{{.Path}} {{.Time}} {{.Replace}} {{.Main}}", &fields).unwrap(),
            "a.com/a 2019-10-03 15:00:00 +0000 UTC <nil> false\n"
        );
        assert_eq!(
            render(
                "{{join .Versions \",\"}}|{{.Versions}}|{{.Retracted}}",
                &fields
            )
            .unwrap(),
            "v1.0.0,v1.1.0|[v1.0.0 v1.1.0]|[]\n"
        );
    }

    #[test]
    fn errors_read_like_go() {
        let fields = Fields::default();
        assert_eq!(
            render("x {{.Nope}}", &fields).unwrap_err(),
            "template: main:1:4: executing \"main\" at <.Nope>: can't evaluate field Nope in type *modinfo.ModulePublic"
        );
        assert!(
            render("{{.Path", &fields)
                .unwrap_err()
                .starts_with("template: main:1: ")
        );
    }
}
