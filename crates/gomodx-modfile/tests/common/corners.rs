//! Hand-written go.mod corner cases with the outcome Go 1.27 gives them
//! (`go mod edit -print`, or the error after `go: errors parsing go.mod:`).
//! `corners.rs` checks this crate against the table without go;
//! `go_differential.rs` re-checks the table against the installed go.

/// One corner case.
pub struct Corner {
    /// A short label.
    pub name: &'static str,
    /// The go.mod text.
    pub input: &'static str,
    /// `Ok(formatted)` (after `go mod edit`'s sort and cleanup) or `Err(errors)`.
    pub want: Result<&'static str, &'static str>,
}

/// The table.
pub const CORNERS: &[Corner] = &[
    Corner {
        name: "blockcomment",
        input: "module m\n\nrequire x.com v1.0.0 /* c */\n",
        want: Err("go.mod:3:22: mod files must use // comments (not /* */ comments)"),
    },
    Corner {
        name: "blockcomment2",
        input: "module m\n  /* c */\n",
        want: Err("go.mod:2:3: mod files must use // comments (not /* */ comments)"),
    },
    Corner {
        name: "newline-in-string",
        input: "module \"m\ngo 1.21\n",
        want: Err("go.mod:1:10: unexpected newline in string"),
    },
    Corner {
        name: "eof-in-string",
        input: "module m\nrequire \"x.com",
        want: Err("go.mod:2:9: unexpected EOF in string"),
    },
    Corner {
        name: "badchar",
        input: "module m\nrequire x.com\u{0} v1.0.0\n",
        want: Err("go.mod:2:14: unexpected input character '\\x00'"),
    },
    Corner {
        name: "badchar2",
        input: "module m\n\u{b}go 1.21\n",
        want: Err("go.mod:2: unexpected input character '\\v'"),
    },
    Corner {
        name: "unterminated",
        input: "module m\n\nrequire (\n\tx.com v1.0.0\n",
        want: Err("go.mod:5: syntax error (unterminated block started at go.mod:3:1)"),
    },
    Corner {
        name: "after-paren",
        input: "module m\nrequire (\n\tx.com v1.0.0\n) x\n",
        want: Err("go.mod:4:4: syntax error (expected newline after closing paren)"),
    },
    Corner {
        name: "block-col",
        input: "module m\nrequire (\n\tx.com v1\n\ty.com vx\n\tz.com/v2 v1.0.0\n)\n",
        want: Err(
            "go.mod:4:2: require y.com: version \"vx\" invalid: must be of the form v1.2.3\ngo.mod:5:2: require z.com/v2: version \"v1.0.0\" invalid: should be v2, not v1",
        ),
    },
    Corner {
        name: "multi",
        input: "module m\ngo 1.21.x\ntoolchain go2\ngodebug a\ngodebug a=\"b\"\nfoo bar\nexclude x.com\ntool\nignore a b\n",
        want: Err(
            "go.mod:2: invalid go version '1.21.x': must match format 1.23.0\ngo.mod:3: invalid toolchain version 'go2': must match format go1.23.0 or default\ngo.mod:4: usage: godebug key=value\ngo.mod:5: usage: godebug key=value\ngo.mod:6: unknown directive: foo\ngo.mod:7: usage: exclude module/path v1.2.3\ngo.mod:8: tool directive expects exactly one argument\ngo.mod:9: ignore directive expects exactly one argument",
        ),
    },
    Corner {
        name: "unknown-block",
        input: "module m\ngo (\n\t1.21\n)\nrequire x y (\n)\n",
        want: Err("go.mod:2: unknown block type: go\ngo.mod:5: unknown block type: require x y"),
    },
    Corner {
        name: "retract",
        input: "module m\nretract\nretract (\n\t(\n\t[\n\t[v1.0.0\n\t[v1.0.0 v1.1.0]\n\t[v1.0.0,\n\t[v1.0.0, v1.1.0\n\t[v1.0.0, v1.1.0] x\n\tv1.0.0 extra\n)\n",
        want: Err(
            "go.mod:2: expected '[' or version\ngo.mod:4:2: expected '[' or version\ngo.mod:5:2: expected version after '['\ngo.mod:6:2: expected ',' after version\ngo.mod:7:2: expected ',' after version\ngo.mod:8:2: expected version after ','\ngo.mod:9:2: expected ']' after version\ngo.mod:10:2: unexpected token after version: \"x\"\ngo.mod:11:2: unexpected token after version: \"extra\"",
        ),
    },
    Corner {
        name: "retract-ok",
        input: "module m\n\n// why\nretract v1.0.0 // suffix\n\nretract (\n\t// block comment\n\t[v1.1.0, v1.2.0]\n\tnotaversion\n\t\"v1.3.0\"\n)\n",
        want: Ok(
            "module m\n\n// why\nretract v1.0.0 // suffix\n\nretract (\n\tv1.3.0\n\t// block comment\n\t[v1.1.0, v1.2.0]\n\tnotaversion\n)\n",
        ),
    },
    Corner {
        name: "replace",
        input: "module m\nreplace x.com => y.com\nreplace x.com => y.com@v1.0.0\nreplace x.com => ./dir v1.0.0\nreplace x.com => .\\\\dir\nreplace x.com v1 =>\nreplace x.com/v2 v1.0.0 => ../z\nreplace x.com/v1 => ../z\nreplace x.com v1.0.0 => y.com vbad\n",
        want: Err(
            "go.mod:2: replacement module without version must be directory path (rooted or starting with . or ..)\ngo.mod:3: replacement module must match format 'path version', not 'path@version'\ngo.mod:4: replacement module directory path \"./dir\" cannot have version\ngo.mod:5: replacement directory appears to be Windows path (on a non-windows system)\ngo.mod:6: usage: replace module/path [v1.2.3] => other/module v1.4\n\t or replace module/path [v1.2.3] => ../local/directory\ngo.mod:7: replace x.com/v2: version \"v1.0.0\" invalid: should be v2, not v1\ngo.mod:8: replace x.com/v1: invalid module path\ngo.mod:9: replace y.com: version \"vbad\" invalid: must be of the form v1.2.3",
        ),
    },
    Corner {
        name: "replace-ok",
        input: "module m\nreplace (\n\tx.com => ../x\n\ty.com v1.2 => z.com v1.3.0+incompatible\n\tC:\\\\x => /abs\n\t\"q.com\" => \"../a b\"\n)\n",
        want: Ok(
            "module m\n\nreplace (\n\tC:\\\\x => /abs\n\tq.com => \"../a b\"\n\tx.com => ../x\n\ty.com v1.2.0 => z.com v1.3.0+incompatible\n)\n",
        ),
    },
    Corner {
        name: "require-major",
        input: "module m\nrequire x.com/v2 v1.0.0\nrequire gopkg.in/y.v2 v3.0.0\nrequire z.com v2.0.0\nrequire w.com v2.0.0+incompatible\nrequire gopkg.in/y.v1 v0.0.0-20200101000000-abcdefabcdef\n",
        want: Err(
            "go.mod:2: require x.com/v2: version \"v1.0.0\" invalid: should be v2, not v1\ngo.mod:3: require gopkg.in/y.v2: version \"v3.0.0\" invalid: should be v2, not v3\ngo.mod:4: require z.com: version \"v2.0.0\" invalid: should be v0 or v1, not v2",
        ),
    },
    Corner {
        name: "quotes",
        input: "module m\nrequire \"x.com\\q\" v1.0.0\nrequire 'x.com' v1.0.0\nrequire x\"y v1.0.0\nrequire `x.com` v1.0.0\nrequire x.com \"v1.0.0\\x\"\n",
        want: Err(
            "go.mod:2: invalid quoted string: invalid syntax\ngo.mod:3: invalid quoted string: unquoted string cannot contain quote\ngo.mod:4: invalid quoted string: unquoted string cannot contain quote\ngo.mod:5: invalid quoted string: unquoted string cannot contain quote\ngo.mod:6: require x.com: version \"\\\"v1.0.0\\\\x\\\"\" invalid: invalid syntax",
        ),
    },
    Corner {
        name: "quotes-ok",
        input: "module \"example.com/m\"\nrequire \"x.com/\\u00e9\" \"v1.2\"\nrequire \"a b.com\" v1.0.0+build\n",
        want: Ok("module example.com/m\n\nrequire x.com/é v1.2.0\n\nrequire \"a b.com\" v1.0.0\n"),
    },
    Corner {
        name: "deprecated",
        input: "// Deprecated: use other\n// really\n//\n// more\nmodule m // trailing\n",
        want: Ok("// Deprecated: use other\n// really\n//\n// more\nmodule m // trailing\n"),
    },
    Corner {
        name: "deprecated-block",
        input: "// Deprecated: block\nmodule (\n\tm\n)\n",
        want: Ok("// Deprecated: block\nmodule m\n"),
    },
    Corner {
        name: "deprecated-none",
        input: "// intro\n// Deprecated: not first para start\nmodule m\n",
        want: Ok("// intro\n// Deprecated: not first para start\nmodule m\n"),
    },
    Corner {
        name: "indirect",
        input: "module m\nrequire (\n\ta.com v1.0.0 // indirect\n\tb.com v1.0.0 //indirect; why\n\tc.com v1.0.0 // indirect;\n\td.com v1.0.0 // Indirect\n\te.com v1.0.0 // x // indirect\n)\n",
        want: Ok(
            "module m\n\nrequire (\n\ta.com v1.0.0 // indirect\n\tb.com v1.0.0 //indirect; why\n\tc.com v1.0.0 // indirect;\n\td.com v1.0.0 // Indirect\n\te.com v1.0.0 // x // indirect\n)\n",
        ),
    },
    Corner {
        name: "comments-layout",
        input: "// head\n\n// block\nmodule m // mod\n\nrequire ( // open\n\t// before a\n\ta.com v1.0.0 // a\n\n\n\tb.com v1.0.0\n\t// before close\n) // close\n\n// tail\n",
        want: Ok(
            "// head\n\n// block\nmodule m // mod\n\nrequire ( // open\n\t// before a\n\ta.com v1.0.0 // a\n\n\tb.com v1.0.0\n// before close\n) // close\n\n// tail\n",
        ),
    },
    Corner {
        name: "collapse",
        input: "module m\nrequire (\n\ta.com v1.0.0\n)\nexclude (\n)\nrequire ( )\n",
        want: Ok("module m\n\nrequire a.com v1.0.0\n"),
    },
    Corner {
        name: "crlf",
        input: "module m\r\n\r\nrequire (\r\n\ta.com v1.0.0 // c\r\n)\r\n",
        want: Ok("module m\n\nrequire a.com v1.0.0 // c\n"),
    },
    Corner {
        name: "sort",
        input: "module m\ngo 1.21\nexclude (\n\tx.com v1.10.0\n\tx.com v1.9.0\n\ta.com v1.0.0\n)\nretract (\n\tv1.0.0\n\t[v1.1.0, v1.2.0]\n\tv1.5.0\n)\nexclude x.com v1.9.0\nreplace a.com => ../a\nreplace a.com => ../b\n",
        want: Ok(
            "module m\n\ngo 1.21\n\nexclude (\n\ta.com v1.0.0\n\tx.com v1.9.0\n\tx.com v1.10.0\n)\n\nretract (\n\tv1.5.0\n\t[v1.1.0, v1.2.0]\n\tv1.0.0\n)\n\nreplace a.com => ../b\n",
        ),
    },
    Corner {
        name: "sort-old",
        input: "module m\ngo 1.20\nexclude (\n\tx.com v1.10.0\n\tx.com v1.9.0\n)\n",
        want: Ok("module m\n\ngo 1.20\n\nexclude (\n\tx.com v1.10.0\n\tx.com v1.9.0\n)\n"),
    },
    Corner {
        name: "godebug",
        input: "module m\ngodebug (\n\tpanicnil=1\n\tx=\n\t=y\n)\n",
        want: Ok("module m\n\ngodebug (\n\t=y\n\tpanicnil=1\n\tx=\n)\n"),
    },
    Corner {
        name: "tool-ignore",
        input: "module m\ntool (\n\tx.com/cmd/a\n\tx.com/cmd/a\n)\nignore ./node_modules\nignore \"with space\"\n",
        want: Ok(
            "module m\n\ntool x.com/cmd/a\n\nignore ./node_modules\n\nignore \"with space\"\n",
        ),
    },
    Corner {
        name: "parens-mid",
        input: "module m\nrequire x.com ( ) v1.0.0\nretract [v1.0.0, v1.1.0] ( x\n",
        want: Err(
            "go.mod:2: usage: require module/path v1.2.3\ngo.mod:3: unexpected token after version: \"(\"",
        ),
    },
    Corner {
        name: "empty",
        input: "",
        want: Ok(""),
    },
    Corner {
        name: "only-comments",
        input: "// a\n\n// b\n",
        want: Ok("// a\n\n// b\n"),
    },
    Corner {
        name: "no-newline",
        input: "module m",
        want: Ok("module m\n"),
    },
    Corner {
        name: "unicode",
        input: "module m\nrequire é.com v1.0.0 // ☺\n",
        want: Ok("module m\n\nrequire é.com v1.0.0 // ☺\n"),
    },
    Corner {
        name: "nbsp",
        input: "module m\nrequire x.com\u{a0}v1.0.0\n",
        want: Err("go.mod:2:14: unexpected input character '\\u00a0'"),
    },
    Corner {
        name: "repeated",
        input: "module a\nmodule b\ngo 1.20\ngo 1.21\ntoolchain go1.21.0\ntoolchain go1.22.0\n",
        want: Err(
            "go.mod:2: repeated module statement\ngo.mod:4: repeated go statement\ngo.mod:6: repeated toolchain statement",
        ),
    },
    Corner {
        name: "module-usage",
        input: "module\nmodule a b\n",
        want: Err("go.mod:1: usage: module module/path\ngo.mod:2: repeated module statement"),
    },
    Corner {
        name: "go-lax-forms",
        input: "module m\ngo v1.21\n",
        want: Err("go.mod:2: invalid go version 'v1.21': must match format 1.23.0"),
    },
    Corner {
        name: "go-forms",
        input: "module m\ngo 1.21rc1\ntoolchain default\n",
        want: Ok("module m\n\ngo 1.21rc1\n\ntoolchain default\n"),
    },
    Corner {
        name: "pseudo",
        input: "module m\nrequire x.com v0.0.0-20200101000000-abcdefabcdef\nrequire y.com/v3 v0.0.0-20200101000000-abcdefabcdef\n",
        want: Err(
            "go.mod:3: require y.com/v3: version \"v0.0.0-20200101000000-abcdefabcdef\" invalid: should be v3, not v0",
        ),
    },
];
