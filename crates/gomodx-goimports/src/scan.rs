//! Go's `imports.ScanDir(dir, AnyTags())`: the imports of a package
//! directory, split into the package's and its tests'.

use std::path::Path;

use crate::{read_imports_lax, should_build_any_tags};

/// The imports of one package directory, sorted and deduplicated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirImports {
    /// Imports of the package's non-test files.
    pub imports: Vec<String>,
    /// Imports of its `_test.go` files (internal and external tests).
    pub test_imports: Vec<String>,
}

/// Scans the `.go` files of `dir` (not `_`- or `.`-prefixed, constraints
/// other than `ignore` admitted, files importing `"C"` skipped as without
/// cgo, a malformed header read up to its error). `Ok(None)` when no file
/// counts (Go's `ErrNoGo`).
pub fn scan_dir(dir: &Path) -> std::io::Result<Option<DirImports>> {
    let mut names: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|entry| std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".go") && !name.starts_with(['_', '.']))
        .collect();
    names.sort();
    let mut out = DirImports::default();
    let mut files = 0;
    for name in names {
        let data = std::fs::read(dir.join(&name))?;
        let list = read_imports_lax(&data);
        if list.iter().any(|p| p == "C") || !should_build_any_tags(&data) {
            continue;
        }
        files += 1;
        let into = if name.ends_with("_test.go") {
            &mut out.test_imports
        } else {
            &mut out.imports
        };
        into.extend(list);
    }
    for list in [&mut out.imports, &mut out.test_imports] {
        list.sort();
        list.dedup();
    }
    Ok((files > 0).then_some(out))
}
