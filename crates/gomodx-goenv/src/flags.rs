//! GOFLAGS: the flags gomodx honours from it (`-mod=`, `-modcacherw`, `-x`).

use crate::GoEnvError;

/// The GOFLAGS settings that affect module commands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoFlags {
    /// `-mod=mod|readonly|vendor`, if given.
    pub mod_mode: Option<String>,
    /// `-modcacherw`: leave extracted module directories writable.
    pub modcacherw: bool,
    /// `-x`: print the commands (for gomodx: the requests) as they run.
    pub trace: bool,
}

impl GoFlags {
    /// Parses GOFLAGS as Go does: words split with `quoted.Split` rules,
    /// each a `-flag` or `-flag=value`; flags gomodx does not know are
    /// ignored (they belong to other go subcommands).
    pub fn parse(text: &str) -> Result<Self, GoEnvError> {
        let mut flags = Self::default();
        for word in split_quoted(text)? {
            let name = word
                .strip_prefix("--")
                .or_else(|| word.strip_prefix('-'))
                .filter(|n| !n.is_empty() && !n.starts_with('-') && !n.starts_with('='))
                .ok_or_else(|| GoEnvError::GoFlags(format!("non-flag {word:?}")))?;
            let (name, value) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (name, None),
            };
            let enabled = value.is_none_or(|v| v == "true" || v == "1");
            match name {
                "mod" => flags.mod_mode = value.map(str::to_owned),
                "modcacherw" => flags.modcacherw = enabled,
                "x" => flags.trace = enabled,
                _ => {}
            }
        }
        Ok(flags)
    }
}

/// Go's `cmd/internal/quoted.Split`: space-separated words, each optionally
/// wrapped in single or double quotes (no escapes).
pub fn split_quoted(text: &str) -> Result<Vec<String>, GoEnvError> {
    let mut words = Vec::new();
    let mut rest = text.trim_start_matches([' ', '\t', '\n', '\r']);
    while !rest.is_empty() {
        let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"');
        let (word, after) = if let Some(quote) = quote {
            let body = &rest[1..];
            let end = body
                .find(quote)
                .ok_or_else(|| GoEnvError::GoFlags(format!("unterminated {quote} string")))?;
            (&body[..end], &body[end + 1..])
        } else {
            let end = rest.find([' ', '\t', '\n', '\r']).unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        words.push(word.to_owned());
        rest = after.trim_start_matches([' ', '\t', '\n', '\r']);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_module_flags() {
        let flags = GoFlags::parse("-mod=mod  --modcacherw -tags=x -x").unwrap();
        assert_eq!(flags.mod_mode.as_deref(), Some("mod"));
        assert!(flags.modcacherw);
        assert!(flags.trace);
        assert!(!GoFlags::parse("-modcacherw=false").unwrap().modcacherw);
    }

    #[test]
    fn rejects_non_flags_and_bad_quotes() {
        assert_eq!(
            GoFlags::parse("mod").unwrap_err().to_string(),
            "parsing $GOFLAGS: non-flag \"mod\""
        );
        assert!(split_quoted("'a b").is_err());
        assert_eq!(
            split_quoted(" 'a b' \"c\" d ").unwrap(),
            vec!["a b", "c", "d"]
        );
    }
}
