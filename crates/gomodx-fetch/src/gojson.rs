//! JSON objects built field by field, for the shapes gomodx must
//! reproduce byte for byte: `.info` files (`json.Marshal`) and `go mod
//! download -json` objects (`json.MarshalIndent(v, "", "\t")`). Objects
//! keep their fields in insertion order, which is Go's struct field order;
//! [`gomodx_modfile::marshal`], gomodx's one Go-JSON encoder, writes them.

use serde::ser::{Serialize, SerializeMap, Serializer};

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
        gomodx_modfile::marshal(self)
    }

    /// `json.MarshalIndent(v, "", "\t")`, without a trailing newline.
    pub fn to_indented(&self) -> String {
        gomodx_modfile::marshal_indent(self)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::String(s) => serializer.serialize_str(s),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Object(object) => object.serialize(serializer),
            Value::Array(items) => items.serialize(serializer),
        }
    }
}

impl Serialize for Object {
    /// The fields in their order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.fields.len()))?;
        for (name, value) in &self.fields {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_like_go() {
        let quote = |s: &str| {
            let mut object = Object::new();
            object.push("", Value::String(s.to_owned()));
            let json = object.to_compact();
            json["{\"\":".len()..json.len() - 1].to_owned()
        };
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
