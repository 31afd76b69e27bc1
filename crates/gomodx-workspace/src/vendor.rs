//! go's vendor mode (`setDefaultBuildMod`): when a vendor directory makes
//! `-mod=vendor` the default, and what `go list -m` refuses in it.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::io::Read;
use std::path::Path;

use gomodx_fetch::short_path;
use gomodx_module::{ModuleVersion, gover, semver};

use crate::{Error, MainModules};

impl MainModules {
    /// Whether go runs in vendor mode: `-mod=vendor` given (`mod_flag`,
    /// from the command line or GOFLAGS), or no `-mod` and a vendor
    /// directory next to go.mod (go.work in a workspace) whose go line is
    /// 1.14 or later and whose modules.txt was written in the same mode
    /// (workspace or not).
    pub fn vendor_mode(&self, mod_flag: Option<&str>) -> Result<bool, Error> {
        if let Some(flag) = mod_flag {
            return Ok(flag == "vendor");
        }
        let go_version = match &self.work {
            Some(work) => work.file.go.as_ref().map(|go| go.version.as_str()),
            None => self.mod_file.go_version(),
        };
        let vendor = self.root.join("vendor");
        let Some(go_version) = go_version else {
            return Ok(false);
        };
        if !vendor.is_dir() || gover::compare(go_version, "1.14") == Ordering::Less {
            return Ok(false);
        }
        Ok(modules_txt_is_for_workspace(&vendor)? == self.is_workspace())
    }
}

impl MainModules {
    /// go's `checkVendorConsistency` outside a workspace: vendor/modules.txt
    /// must record go.mod's requirements as explicit and its replacements,
    /// and nothing more, else `inconsistent vendoring` lists each
    /// difference. `working_dir` shortens go.mod's name as go does. A
    /// workspace's vendor directory is not checked.
    pub fn check_vendor_consistency(&self, working_dir: &Path) -> Result<(), Error> {
        if self.is_workspace() {
            return Ok(());
        }
        let vendor = VendorList::read(&self.root.join("vendor/modules.txt"))?;
        let pre_114 = self
            .mod_file
            .go_version()
            .is_none_or(|v| gover::compare(v, "1.14") == Ordering::Less);
        let mut errors = String::new();
        let mut report = |m: &ModuleVersion, detail: String| {
            let _ = write!(errors, "\n\t{}: {detail}", describe(m));
        };
        let requires = &self.mod_file.require;
        for r in requires {
            if vendor.meta(&r.module).explicit {
                continue;
            }
            if !pre_114 {
                report(&r.module, "is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt".into());
            } else if let Some(v) = vendor
                .version
                .get(&r.module.path)
                .filter(|v| **v != r.module.version)
            {
                let path = &r.module.path;
                report(
                    &r.module,
                    format!(
                        "is explicitly required in go.mod, but vendor/modules.txt indicates {path}@{v}"
                    ),
                );
            }
        }
        let go_mod = short_path(working_dir, &self.root.join("go.mod"));
        let replacement = |m: &ModuleVersion| {
            let any = ModuleVersion::new(&m.path, "");
            let found =
                |key: &ModuleVersion| self.mod_file.replace.iter().rev().find(|r| r.old == *key);
            found(m).or_else(|| found(&any)).map(|r| r.new.clone())
        };
        let mut seen = HashSet::new();
        for r in &self.mod_file.replace {
            if !seen.insert(&r.old) {
                continue;
            }
            let new = replacement(&r.old).unwrap_or_else(|| r.new.clone());
            match &vendor.meta(&r.old).replacement {
                None if pre_114
                    && (r.old.version.is_empty()
                        || vendor.version.get(&r.old.path) != Some(&r.old.version)) => {}
                None => report(
                    &r.old,
                    format!(
                        "is replaced in {go_mod}, but not marked as replaced in vendor/modules.txt"
                    ),
                ),
                Some(marked) if *marked != new => report(
                    &r.old,
                    format!(
                        "is replaced by {} in {go_mod}, but marked as replaced by {} in vendor/modules.txt",
                        describe(&new),
                        describe(marked)
                    ),
                ),
                Some(_) => {}
            }
        }
        for m in &vendor.list {
            if vendor.meta(m).explicit && !requires.iter().any(|r| r.module == *m) {
                report(m, "is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod".into());
            }
        }
        for m in &vendor.replaced {
            if replacement(m).is_none() {
                report(
                    m,
                    "is marked as replaced in vendor/modules.txt, but not replaced in go.mod"
                        .into(),
                );
            }
        }
        if errors.is_empty() {
            return Ok(());
        }
        Err(Error::Go(format!(
            "inconsistent vendoring in {}:{errors}\n\n\tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n\tTo sync the vendor directory, run:\n\t\tgo mod vendor",
            self.root.display()
        )))
    }
}

/// `path` or `path@version`.
fn describe(m: &ModuleVersion) -> String {
    if m.version.is_empty() {
        m.path.clone()
    } else {
        format!("{}@{}", m.path, m.version)
    }
}

/// What a module's `#` and `##` lines in vendor/modules.txt say.
#[derive(Default, Clone)]
struct VendorMeta {
    explicit: bool,
    replacement: Option<ModuleVersion>,
}

/// vendor/modules.txt as go's `readVendorList` reads it.
#[derive(Default)]
struct VendorList {
    /// Modules that provide packages, in order.
    list: Vec<ModuleVersion>,
    /// Replaced modules, in order.
    replaced: Vec<ModuleVersion>,
    /// The version of each module path that provides packages.
    version: HashMap<String, String>,
    meta: HashMap<ModuleVersion, VendorMeta>,
}

impl VendorList {
    /// Reads `file`; empty when it does not exist.
    fn read(file: &Path) -> Result<Self, Error> {
        let data = match std::fs::read_to_string(file) {
            Ok(data) => data,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(err) => {
                return Err(Error::Go(format!(
                    "open {}: {}",
                    file.display(),
                    gomodx_fs::os_error_text(&err)
                )));
            }
        };
        Ok(Self::parse(&data))
    }

    fn parse(data: &str) -> Self {
        let mut list = Self::default();
        let mut current: Option<ModuleVersion> = None;
        for line in data.split('\n') {
            if let Some(rest) = line.strip_prefix("# ") {
                let f: Vec<&str> = rest.split_whitespace().collect();
                current = None;
                if f.len() < 2 {
                    continue;
                }
                let (m, tail) = if semver::is_valid(f[1]) {
                    (ModuleVersion::new(f[0], f[1]), &f[2..])
                } else if f[1] == "=>" {
                    (ModuleVersion::new(f[0], ""), &f[1..])
                } else {
                    continue;
                };
                if tail.len() >= 2 && tail[0] == "=>" {
                    let replacement = match tail {
                        [_, path] => Some(ModuleVersion::new(*path, "")),
                        [_, path, version] if semver::is_valid(version) => {
                            Some(ModuleVersion::new(*path, *version))
                        }
                        _ => None,
                    };
                    if replacement.is_some() {
                        list.replaced.push(m.clone());
                    }
                    list.meta.entry(m.clone()).or_default().replacement = replacement;
                }
                current = Some(m);
                continue;
            }
            let Some(m) = &current else { continue };
            if let Some(notes) = line.strip_prefix("## ") {
                if notes.split(';').any(|note| note.trim() == "explicit") {
                    list.meta.entry(m.clone()).or_default().explicit = true;
                }
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            if let [package] = fields[..]
                && gomodx_module::path::check_import_path(package).is_ok()
                && list
                    .version
                    .get(&m.path)
                    .is_none_or(|v| semver::compare(v, &m.version) == Ordering::Less)
            {
                list.list.push(m.clone());
                list.version.insert(m.path.clone(), m.version.clone());
            }
        }
        list
    }

    fn meta(&self, m: &ModuleVersion) -> VendorMeta {
        self.meta.get(m).cloned().unwrap_or_default()
    }
}

/// Whether vendor/modules.txt's first line says `## workspace` (go reads
/// its first 512 bytes); false without a modules.txt.
fn modules_txt_is_for_workspace(vendor: &Path) -> Result<bool, Error> {
    let path = vendor.join("modules.txt");
    let mut head = Vec::with_capacity(512);
    match std::fs::File::open(&path) {
        Ok(file) => file.take(512).read_to_end(&mut head),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(err) => Err(err),
    }
    .map_err(|err| {
        Error::Go(format!(
            "reading modules.txt for vendor directory: open {}: {}",
            path.display(),
            gomodx_fs::os_error_text(&err)
        ))
    })?;
    let text = String::from_utf8_lossy(&head);
    let first = text.split('\n').next().unwrap_or_default();
    Ok(first
        .strip_prefix("## ")
        .is_some_and(|notes| notes.split(';').any(|note| note.trim() == "workspace")))
}

/// What `go list -m` refuses in vendor mode, where the module graph is
/// incomplete: `-versions`, `-u`, `all` and `...` patterns, in go's order.
pub fn check_list_args(versions: bool, update: bool, patterns: &[String]) -> Result<(), Error> {
    let refused = if versions {
        Some("determine available versions")
    } else if update {
        Some("determine available upgrades")
    } else {
        patterns.iter().find_map(|arg| {
            if arg == "all" {
                Some("compute 'all'")
            } else if arg.contains("...") {
                Some("match module patterns")
            } else {
                None
            }
        })
    };
    match refused {
        Some(action) => Err(Error::Go(format!(
            "can't {action} using the vendor directory\n\t(Use -mod=mod or -mod=readonly to bypass.)"
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_refusals_in_go_order() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let err = |v, u, p: &[&str]| check_list_args(v, u, &args(p)).unwrap_err().to_string();
        assert!(err(true, true, &["all"]).starts_with("can't determine available versions"));
        assert!(err(false, true, &["all"]).starts_with("can't determine available upgrades"));
        assert!(err(false, false, &["a.com/m", "all"]).starts_with("can't compute 'all'"));
        assert!(err(false, false, &["a.com/..."]).starts_with("can't match module patterns"));
        assert!(check_list_args(false, false, &args(&["a.com/m"])).is_ok());
    }

    #[test]
    fn vendor_list_as_go_reads_it() {
        let list = VendorList::parse(
            "# a.com/a v1.0.0\n## explicit; go 1.20\na.com/a\na.com/a/sub\n\
             # b.com/b v1.1.0 => ./b\nb.com/b\n\
             # c.com/c => d.com/d v1.2.0\n\
             # bogus\n\
             # e.com/e v1.0.0\n## explicit\n",
        );
        let mv = |p: &str, v: &str| ModuleVersion::new(p, v);
        assert_eq!(
            list.list,
            [mv("a.com/a", "v1.0.0"), mv("b.com/b", "v1.1.0")]
        );
        assert_eq!(list.replaced, [mv("b.com/b", "v1.1.0"), mv("c.com/c", "")]);
        assert!(list.meta(&mv("a.com/a", "v1.0.0")).explicit);
        assert!(list.meta(&mv("e.com/e", "v1.0.0")).explicit);
        assert_eq!(
            list.meta(&mv("c.com/c", "")).replacement,
            Some(mv("d.com/d", "v1.2.0"))
        );
        assert_eq!(
            list.meta(&mv("b.com/b", "v1.1.0")).replacement,
            Some(mv("./b", ""))
        );
    }

    #[test]
    fn workspace_note_on_first_line_only() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!modules_txt_is_for_workspace(dir.path()).unwrap());
        std::fs::write(dir.path().join("modules.txt"), "## explicit; workspace\n").unwrap();
        assert!(modules_txt_is_for_workspace(dir.path()).unwrap());
        std::fs::write(dir.path().join("modules.txt"), "# a.com v1\n## workspace\n").unwrap();
        assert!(!modules_txt_is_for_workspace(dir.path()).unwrap());
    }
}
