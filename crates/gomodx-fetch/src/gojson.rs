//! The JSON that Go's `encoding/json` writes, for the few shapes gomodx
//! must reproduce byte for byte: `.info` files (`json.Marshal`) and
//! `go mod download -json` objects (`json.MarshalIndent(v, "", "\t")`).
//!
//! Strings are escaped as Go escapes them: `<`, `>` and `&` as `\u003c`…,
//! `\b \f \n \r \t` by name, other control bytes as `\u00xx`, U+2028 and
//! U+2029 as `\u2028`/`\u2029`. Objects keep their fields in insertion
//! order, which is Go's struct field order.

use std::fmt::Write as _;

/// A JSON value of the shapes gomodx writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string.
    String(String),
    /// A boolean.
    Bool(bool),
    /// An object with ordered fields.
    Object(Object),
    /// An array (`[]string` fields such as `Retracted`).
    Array(Vec<Value>),
}

/// A JSON object whose fields keep the order they were added in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Object {
    fields: Vec<(String, Value)>,
}

impl Object {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a field.
    pub fn push(&mut self, name: &str, value: Value) {
        self.fields.push((name.to_owned(), value));
    }

    /// Appends a string field unless `value` is empty (Go's `omitempty`).
    pub fn push_nonempty(&mut self, name: &str, value: &str) {
        if !value.is_empty() {
            self.push(name, Value::String(value.to_owned()));
        }
    }

    /// Whether the object has no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// `json.Marshal`: no whitespace.
    pub fn to_compact(&self) -> String {
        let mut out = String::new();
        write_object(&mut out, self, None, 0);
        out
    }

    /// `json.MarshalIndent(v, "", "\t")`, without a trailing newline.
    pub fn to_indented(&self) -> String {
        let mut out = String::new();
        write_object(&mut out, self, Some("\t"), 0);
        out
    }
}

fn write_value(out: &mut String, value: &Value, indent: Option<&str>, depth: usize) {
    match value {
        Value::String(s) => out.push_str(&quote(s)),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Object(object) => write_object(out, object, indent, depth),
        Value::Array(items) => write_array(out, items, indent, depth),
    }
}

fn write_array(out: &mut String, items: &[Value], indent: Option<&str>, depth: usize) {
    out.push('[');
    if items.is_empty() {
        out.push(']');
        return;
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if let Some(unit) = indent {
            out.push('\n');
            out.push_str(&unit.repeat(depth + 1));
        }
        write_value(out, item, indent, depth + 1);
    }
    if let Some(unit) = indent {
        out.push('\n');
        out.push_str(&unit.repeat(depth));
    }
    out.push(']');
}

fn write_object(out: &mut String, object: &Object, indent: Option<&str>, depth: usize) {
    out.push('{');
    if object.fields.is_empty() {
        out.push('}');
        return;
    }
    for (i, (name, value)) in object.fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if let Some(unit) = indent {
            out.push('\n');
            out.push_str(&unit.repeat(depth + 1));
        }
        out.push_str(&quote(name));
        out.push(':');
        if indent.is_some() {
            out.push(' ');
        }
        write_value(out, value, indent, depth + 1);
    }
    if let Some(unit) = indent {
        out.push('\n');
        out.push_str(&unit.repeat(depth));
    }
    out.push('}');
}

/// A JSON string literal as Go's `encoding/json` writes it (HTML-safe).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\0'..='\u{1f}' => {
                write!(out, "\\u{:04x}", u32::from(c)).expect("writing to a String cannot fail");
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_like_go() {
        assert_eq!(quote("<v1.5.0"), r#""\u003cv1.5.0""#);
        assert_eq!(quote("a&b>c"), r#""a\u0026b\u003ec""#);
        assert_eq!(quote("q\"\\"), r#""q\"\\""#);
        assert_eq!(
            quote("\u{8}\u{c}\n\r\t\u{1}\u{1f}"),
            r#""\b\f\n\r\t\u0001\u001f""#
        );
        assert_eq!(quote("\u{2028}\u{2029}é"), "\"\\u2028\\u2029é\"");
    }

    #[test]
    fn objects_compact_and_indented() {
        let mut origin = Object::new();
        origin.push_nonempty("VCS", "git");
        origin.push_nonempty("URL", "");
        let mut object = Object::new();
        object.push_nonempty("Path", "rsc.io/quote");
        object.push("Origin", Value::Object(origin));
        object.push("Empty", Value::Object(Object::new()));
        object.push("Reuse", Value::Bool(true));
        assert_eq!(
            object.to_compact(),
            r#"{"Path":"rsc.io/quote","Origin":{"VCS":"git"},"Empty":{},"Reuse":true}"#
        );
        assert_eq!(
            object.to_indented(),
            "{\n\t\"Path\": \"rsc.io/quote\",\n\t\"Origin\": {\n\t\t\"VCS\": \"git\"\n\t},\n\t\"Empty\": {},\n\t\"Reuse\": true\n}"
        );
        assert_eq!(Object::new().to_indented(), "{}");
        assert!(Object::new().is_empty());
    }
}
