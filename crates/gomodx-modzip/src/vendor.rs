//! Which files of vendored packages a new zip leaves out, which depends on
//! the module's own `go` line (Go's `isVendoredPackage`).

/// The two generations of Go's vendor rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VendorRule {
    /// Before go 1.24 (or no usable `go` line). For a nested `…/vendor/…`
    /// the "one more directory level" test starts 8 bytes into the whole
    /// path (golang.org/issue/37397), so nearly everything at or below a
    /// nested vendor directory is omitted. Kept so existing sums still match.
    Legacy,
    /// go 1.24 and later: the test starts right after `/vendor/`, and
    /// `vendor/modules.txt` is omitted too.
    Go124,
}

impl VendorRule {
    /// The rule for a module whose root go.mod is `go_mod` (`None`: no go.mod).
    pub(crate) fn for_go_mod(go_mod: Option<&[u8]>) -> Self {
        match go_mod.and_then(go_line_version) {
            Some((major, minor)) if (major, minor) >= (1, 24) => Self::Go124,
            _ => Self::Legacy,
        }
    }

    /// Whether `name` (slash-separated, relative) belongs to a vendored
    /// package: it lies below `vendor/` (or `…/vendor/`) with at least one
    /// more directory level.
    pub(crate) fn is_vendored(self, name: &str) -> bool {
        if self == Self::Go124 && name == "vendor/modules.txt" {
            return true;
        }
        let start = if name.starts_with("vendor/") {
            "vendor/".len()
        } else if let Some(index) = name.find("/vendor/") {
            match self {
                Self::Go124 => index + "/vendor/".len(),
                Self::Legacy => "/vendor/".len(),
            }
        } else {
            return false;
        };
        name.as_bytes()
            .get(start..)
            .is_some_and(|rest| rest.contains(&b'/'))
    }
}

/// The (major, minor) of the first `go` directive, read minimally: the first
/// top-level line `go V` (comments stripped, `V` possibly quoted) where `V`
/// matches Go's strict or lax go-version syntax. A second `go` line makes
/// Go's lax parser fail, so it yields `None` as well.
fn go_line_version(go_mod: &[u8]) -> Option<(u64, u64)> {
    let text = String::from_utf8_lossy(go_mod);
    let mut found = None;
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or_default();
        let mut fields = line.split_whitespace();
        if fields.next() != Some("go") {
            continue;
        }
        if found.is_some() {
            return None;
        }
        let (Some(version), None) = (fields.next(), fields.next()) else {
            return None;
        };
        found = Some(parse_go_version(version.trim_matches('"'))?);
    }
    found
}

/// Major and minor of a go version: strict `1.21`, `1.21.3`, `1.21rc1`, or
/// lax `v1.21…` / `1.21-anything` (Go's `laxGoVersionRE`).
fn parse_go_version(version: &str) -> Option<(u64, u64)> {
    let version = version.strip_prefix('v').unwrap_or(version);
    let (major, rest) = split_number(version)?;
    let (minor, _) = split_number(rest.strip_prefix('.')?)?;
    Some((major, minor))
}

/// A leading decimal number without leading zeros (except `0` itself), and
/// the rest of the string. Huge numbers saturate, which keeps their order.
fn split_number(s: &str) -> Option<(u64, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = s.split_at(digits);
    if number.is_empty() || (number.len() > 1 && number.starts_with('0')) {
        return None;
    }
    let value = number.bytes().fold(0u64, |acc, d| {
        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    Some((value, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_rule_follows_the_go_line() {
        let rule = |text: &str| VendorRule::for_go_mod(Some(text.as_bytes()));
        assert_eq!(rule("module m\n\ngo 1.24\n"), VendorRule::Go124);
        assert_eq!(rule("module m\ngo 1.24.0 // comment\n"), VendorRule::Go124);
        assert_eq!(rule("module m\ngo 1.25rc1\n"), VendorRule::Go124);
        assert_eq!(rule("module m\ngo \"1.30\"\n"), VendorRule::Go124);
        assert_eq!(rule("module m\ngo 2.0\n"), VendorRule::Go124);
        assert_eq!(rule("module m\ngo 1.23\n"), VendorRule::Legacy);
        assert_eq!(rule("module m\ngo 1.9\n"), VendorRule::Legacy);
        assert_eq!(rule("module m\n"), VendorRule::Legacy);
        assert_eq!(rule("module m\n// go 1.24\n"), VendorRule::Legacy);
        assert_eq!(
            rule("module m\ngo 1.24\ngo 1.24\n"),
            VendorRule::Legacy,
            "repeated go line"
        );
        assert_eq!(rule("module m\ngo 01.24\n"), VendorRule::Legacy);
        assert_eq!(rule("module m\ngo 1.024\n"), VendorRule::Legacy);
        assert_eq!(VendorRule::for_go_mod(None), VendorRule::Legacy);
    }

    #[test]
    fn is_vendored_matches_go() {
        // (name, legacy, go1.24), from Go's isVendoredPackage tests and the
        // golang.org/issue/37397 discussion.
        let cases = [
            ("vendor/foo/foo.go", true, true),
            ("vendor/foo.go", false, false),
            ("vendor/modules.txt", false, true),
            ("vendor/x/modules.txt", true, true),
            ("pkg/vendor/vendor.go", true, false),
            ("pkg/vendor/foo/foo.go", true, true),
            ("x/vendor/y", true, false),
            ("longer/path/vendor/y.go", true, false),
            ("a/vendor/b/c.go", true, true),
            ("vendorx/foo/foo.go", false, false),
            ("notvendor/foo/foo.go", false, false),
            ("foo.go", false, false),
            ("pkg/vendor", false, false),
        ];
        for (name, legacy, modern) in cases {
            assert_eq!(
                VendorRule::Legacy.is_vendored(name),
                legacy,
                "legacy {name}"
            );
            assert_eq!(VendorRule::Go124.is_vendored(name), modern, "go1.24 {name}");
        }
    }
}
