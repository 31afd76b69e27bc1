//! `gomodx list -m -f TEMPLATE`: go's text/template (the `gotmpl` crate)
//! over the fields of go's `ModulePublic`, as `go list -m -f` executes it.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::list::ModuleInfo;
use gotmpl::parse::{BranchNode, CommandNode, Expr, ListNode, Node};
use gotmpl::{MissingKey, Template, TemplateError, Value};

/// The function appended to every printing action: prints values as go's
/// `fmt` does where gotmpl's maps cannot (a module by its `String` method).
const PRINT: &str = "gomodxPrint";

/// A module as the template sees it: every field of go's `ModulePublic`
/// (zero values included, as a Go struct has them).
fn module_value(info: &ModuleInfo) -> Value {
    let text = |s: &str| Value::String(s.into());
    let list = |items: &[String]| Value::List(items.iter().map(|s| text(s)).collect());
    let module = |m: &Option<Box<ModuleInfo>>| m.as_ref().map_or(Value::Nil, |m| module_value(m));
    let mut map: BTreeMap<Arc<str>, Value> = BTreeMap::new();
    let mut put = |key: &str, value: Value| {
        map.insert(key.into(), value);
    };
    put("Path", text(&info.path));
    put("Version", text(&info.version));
    put("Query", text(&info.query));
    put("Versions", list(&info.versions));
    put("Replace", module(&info.replace));
    put(
        "Time",
        if info.time.is_empty() {
            Value::Nil
        } else {
            text(&go_time(&info.time))
        },
    );
    put("Update", module(&info.update));
    put("Main", Value::Bool(info.main));
    put("Indirect", Value::Bool(info.indirect));
    put("Dir", text(&info.dir));
    put("GoMod", text(&info.go_mod));
    put("GoVersion", text(&info.go_version));
    put("Retracted", list(&info.retracted));
    put("Deprecated", text(&info.deprecated));
    put(
        "Error",
        info.error.as_ref().map_or(Value::Nil, |err| {
            let mut error = BTreeMap::new();
            error.insert(Arc::from("Err"), text(err));
            Value::Map(Arc::new(error))
        }),
    );
    put("Sum", text(&info.sum));
    put("GoModSum", text(&info.go_mod_sum));
    put("Origin", Value::Nil);
    put("Reuse", Value::Bool(false));
    put("String", text(&info.to_string()));
    Value::Map(Arc::new(map))
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

/// Marks an error [`print`] words as go does.
const NIL_POINTER: &str = "gomodx-nil-pointer: ";

/// A parsed `-f` template.
pub struct ListTemplate {
    source: String,
    template: Template,
}

impl ListTemplate {
    /// Parses `source` as go does (`template.New("main")` with `join`);
    /// the error is go's message (`template: main:LINE: …`).
    pub fn parse(source: &str) -> Result<Self, String> {
        let new = || {
            Template::new("main")
                .missing_key(MissingKey::Error)
                .func("join", join)
                .func(PRINT, print)
        };
        let mut template = new().parse(source).map_err(|err| parse_error(&err))?;
        check_structure(source)?;
        let print_command = new()
            .parse(&format!("{{{{. | {PRINT} \"\"}}}}"))
            .ok()
            .and_then(|t| match t.lookup("main")?.nodes.first()? {
                Node::Action(action) => action.pipe.commands.last().cloned(),
                _ => None,
            })
            .ok_or("gomodx: cannot build the template printer")?;
        for name in template
            .templates()
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
        {
            if let Some(tree) = template.lookup(&name) {
                let mut tree = tree.clone();
                check_functions(&tree)?;
                add_printer(&mut tree, &print_command, source);
                template = template.add_parse_tree(&name, tree);
            }
        }
        Ok(Self {
            source: source.to_owned(),
            template,
        })
    }

    /// Appends `module`'s text to `out`, then a newline unless the output
    /// so far ends in one (go's `TrackingWriter.NeedNL`). On error, `out`
    /// keeps what was written before it, as go flushes it.
    pub fn render(&self, module: &ModuleInfo, out: &mut Vec<u8>) -> Result<(), String> {
        let mut text = Vec::new();
        let result = self
            .template
            .execute_template(&mut text, "main", &module_value(module));
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
        let text = err.to_string();
        if let Some((_, go)) = text.split_once(NIL_POINTER) {
            return go.to_owned();
        }
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
            // go names a stray character by its code point.
            let message = match message
                .strip_prefix("unexpected character: '")
                .and_then(|c| c.strip_suffix('\''))
                .and_then(|c| c.chars().next())
            {
                Some(c) => format!("bad character U+{:04X} '{c}'", u32::from(c)),
                None => message.clone(),
            };
            format!("template: main:{line}: {message}")
        }
        other => other.to_string(),
    }
}

/// Go's parse-time check of block structure, which gotmpl leaves out:
/// every `if`, `range`, `with`, `define` and `block` ends with `{{end}}`,
/// `{{else}}` and `{{end}}` only inside one.
fn check_structure(source: &str) -> Result<(), String> {
    let mut open = 0usize;
    let mut rest = source;
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        let body = &rest[start + 2..];
        let Some(end) = body.find("}}") else { break };
        let line = source[..offset + start].matches('\n').count() + 1;
        let action = body[..end]
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        let word = action.split_whitespace().next().unwrap_or_default();
        match word {
            "if" | "range" | "with" | "define" | "block" => open += 1,
            "end" | "else" if open == 0 => {
                return Err(format!("template: main:{line}: unexpected {{{{{word}}}}}"));
            }
            "end" => open -= 1,
            _ => {}
        }
        offset += start + 2 + end + 2;
        rest = &body[end + 2..];
    }
    if open > 0 {
        let line = source.matches('\n').count() + 1;
        return Err(format!("template: main:{line}: unexpected EOF"));
    }
    Ok(())
}

/// Go's parse-time check that every function exists (gotmpl checks when
/// it runs): text/template's builtins and go list's `join`.
fn check_functions(list: &ListNode) -> Result<(), String> {
    const KNOWN: &[&str] = &[
        "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
        "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne", "join",
    ];
    fn exprs(expr: &Expr) -> Result<(), String> {
        match expr {
            Expr::Identifier(pos, name) if !KNOWN.contains(&name.as_str()) => Err(format!(
                "template: main:{}: function {:?} not defined",
                pos.line,
                name.as_str()
            )),
            Expr::Pipe(_, pipe) => pipe
                .commands
                .iter()
                .flat_map(|c| &c.args)
                .try_for_each(exprs),
            Expr::Chain(_, inner, _) => exprs(inner),
            _ => Ok(()),
        }
    }
    let pipe = |pipe: &gotmpl::parse::PipeNode| {
        pipe.commands
            .iter()
            .flat_map(|c| &c.args)
            .try_for_each(exprs)
    };
    for node in &list.nodes {
        match node {
            Node::Action(action) => pipe(&action.pipe)?,
            Node::List(inner) => check_functions(inner)?,
            Node::If(b) | Node::Range(b) | Node::With(b) => {
                pipe(&b.pipe)?;
                check_functions(&b.body)?;
                if let Some(other) = &b.else_body {
                    check_functions(other)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Appends `print` to the pipeline of every action that prints, with the
/// field chain the action prints (`.Replace.Path`) and where, for go's
/// nil-pointer error.
fn add_printer(list: &mut ListNode, print: &CommandNode, source: &str) {
    let branch = |branch: &mut BranchNode| {
        add_printer(&mut branch.body, print, source);
        if let Some(other) = &mut branch.else_body {
            add_printer(other, print, source);
        }
    };
    for node in &mut list.nodes {
        match node {
            Node::Action(action) if action.pipe.decl.is_empty() => {
                let mut command = print.clone();
                if let [CommandNode { args, .. }] = action.pipe.commands.as_slice()
                    && let [Expr::Field(pos, fields)] = args.as_slice()
                    && fields.len() > 1
                {
                    let chain: String = fields.iter().map(|f| format!(".{f}")).collect();
                    let last = fields.last().map_or(0, |f| f.len() + 1);
                    let at = pos.offset + chain.len() - last;
                    let before = &source[..at.min(source.len())];
                    let col = before.rfind('\n').map_or(at, |nl| at - nl - 1);
                    let place = format!("{}:{col}\t{chain}", pos.line);
                    if let Some(Expr::String(_, text)) = command.args.get_mut(1) {
                        *text = place.into();
                    }
                }
                action.pipe.commands.push(command);
            }
            Node::List(inner) => add_printer(inner, print, source),
            Node::If(b) | Node::Range(b) | Node::With(b) => branch(b),
            _ => {}
        }
    }
}

/// The fields of go's `ModulePublic` that are never nil.
const NOT_NIL: &[&str] = &[
    "Path",
    "Version",
    "Query",
    "Main",
    "Indirect",
    "Dir",
    "GoMod",
    "GoVersion",
    "Deprecated",
    "Sum",
    "GoModSum",
    "Reuse",
    "Err",
];

/// The fields of go's `ModulePublic` that may be nil.
const NILLABLE: &[&str] = &[
    "Versions",
    "Replace",
    "Time",
    "Update",
    "Retracted",
    "Error",
    "Origin",
    "String",
];

/// How go's `fmt` prints a module (its `String` method) and a
/// `*ModuleError` (`{text}`); other values as they are. A field chain
/// that gives nil where go has a value went through a nil pointer.
fn print(args: &[Value]) -> gotmpl::Result<Value> {
    let value = args.last().cloned().unwrap_or(Value::Nil);
    if let (Value::Nil, Some(Value::String(place))) = (&value, args.first())
        && let Some((at, chain)) = place.split_once('\t')
        && let Some((owner, field)) = chain.rsplit_once('.')
        && !NILLABLE.contains(&field)
    {
        let kind = if owner.ends_with(".Error") {
            "ModuleError"
        } else {
            "ModulePublic"
        };
        let known = if kind == "ModuleError" {
            field == "Err"
        } else {
            NOT_NIL.contains(&field) || NILLABLE.contains(&field)
        };
        if !known {
            return Err(TemplateError::Exec(format!(
                "{NIL_POINTER}template: main:{at}: executing \"main\" at <{chain}>: can't evaluate field {field} in type *modinfo.{kind}"
            )));
        }
        return Err(TemplateError::Exec(format!(
            "{NIL_POINTER}template: main:{at}: executing \"main\" at <{chain}>: nil pointer evaluating *modinfo.{kind}.{field}"
        )));
    }
    if let Value::Map(map) = &value {
        if let Some(text) = map.get("String") {
            return Ok(text.clone());
        }
        if let (1, Some(text)) = (map.len(), map.get("Err")) {
            return Ok(Value::String(format!("{{{text}}}").into()));
        }
    }
    Ok(value)
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

    fn render(source: &str, fields: &ModuleInfo) -> Result<String, String> {
        let mut out = Vec::new();
        ListTemplate::parse(source)?.render(fields, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn renders_go_values() {
        let fields = ModuleInfo {
            path: "a.com/a".into(),
            version: "v1.0.0".into(),
            time: "2019-10-03T15:00:00Z".into(),
            versions: vec!["v1.0.0".into(), "v1.1.0".into()],
            ..ModuleInfo::default()
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
        let fields = ModuleInfo::default();
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
