//! `.netrc` credentials, parsed the way Go's `cmd/go/internal/auth` does.
//!
//! The caller reads the file (`$NETRC`, `~/.netrc`, `%USERPROFILE%\_netrc`)
//! and hands the text in; this module never touches the disk.

use std::fmt;

/// Credentials for machines, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Netrc {
    entries: Vec<NetrcEntry>,
}

/// One `machine`/`login`/`password` triple.
#[derive(Clone, PartialEq, Eq)]
pub struct NetrcEntry {
    /// The machine: a host, `host:port`, or a `host/path` prefix.
    pub machine: String,
    /// The user name.
    pub login: String,
    /// The password (never shown by `Debug`).
    pub password: String,
}

impl fmt::Debug for NetrcEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetrcEntry")
            .field("machine", &self.machine)
            .field("login", &self.login)
            .field("password", &"xxxxx")
            .finish()
    }
}

impl Netrc {
    /// Parses netrc text. Tokens are read in pairs per line; an entry is
    /// complete once it has a machine, a login and a password; `macdef`
    /// skips lines up to the next empty one; a line ending in `default`
    /// stops parsing. Incomplete or unknown input is ignored, never an error.
    pub fn parse(text: &str) -> Self {
        let mut entries = Vec::new();
        let mut current = NetrcEntry {
            machine: String::new(),
            login: String::new(),
            password: String::new(),
        };
        let mut in_macro = false;
        for line in text.split('\n') {
            if in_macro {
                in_macro = !line.is_empty();
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            let mut i = 0;
            while i + 1 < fields.len() {
                let value = fields[i + 1].to_owned();
                match fields[i] {
                    "machine" => {
                        current.machine = value;
                        current.login.clear();
                        current.password.clear();
                    }
                    "login" => current.login = value,
                    "password" => current.password = value,
                    "macdef" => in_macro = true,
                    _ => {}
                }
                if !current.machine.is_empty()
                    && !current.login.is_empty()
                    && !current.password.is_empty()
                {
                    entries.push(std::mem::replace(
                        &mut current,
                        NetrcEntry {
                            machine: String::new(),
                            login: String::new(),
                            password: String::new(),
                        },
                    ));
                }
                i += 2;
            }
            if fields.get(i) == Some(&"default") {
                break;
            }
        }
        Netrc { entries }
    }

    /// The entries in file order.
    pub fn entries(&self) -> &[NetrcEntry] {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triples(text: &str) -> Vec<(String, String, String)> {
        Netrc::parse(text)
            .entries()
            .iter()
            .map(|e| (e.machine.clone(), e.login.clone(), e.password.clone()))
            .collect()
    }

    fn t(m: &str, l: &str, p: &str) -> (String, String, String) {
        (m.into(), l.into(), p.into())
    }

    /// The cases of Go's `auth/netrc_test.go`.
    #[test]
    fn parses_like_go() {
        let text = "\
machine incomplete
password none

machine api.github.com
  login user
  password pwd

machine incomlete.host
  login justlogin

machine test.host
login user2
password pwd2

machine oneline login user3 password pwd3

machine ignore.host macdef ignore
  login nobody
  password nothing

machine hasmacro.too macdef ignore-next-lines login user4 password pwd4
  login nobody
  password nothing

default
login anonymous
password gopher@golang.org

machine after.default
login oops
password too-late-in-file
";
        assert_eq!(
            triples(text),
            [
                t("api.github.com", "user", "pwd"),
                t("test.host", "user2", "pwd2"),
                t("oneline", "user3", "pwd3"),
                t("hasmacro.too", "user4", "pwd4"),
            ]
        );
    }

    #[test]
    fn default_with_fields_on_the_same_line_does_not_stop_parsing() {
        let text = "default login a password b\nmachine m login l password p\n";
        assert_eq!(triples(text), [t("m", "l", "p")]);
    }

    #[test]
    fn debug_hides_passwords() {
        let netrc = Netrc::parse("machine m login l password hunter2\n");
        assert!(!format!("{netrc:?}").contains("hunter2"));
    }
}
