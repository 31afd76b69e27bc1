//! go's vendor mode (`setDefaultBuildMod`): when a vendor directory makes
//! `-mod=vendor` the default, and what `go list -m` refuses in it.

use std::cmp::Ordering;
use std::io::Read;
use std::path::Path;

use gomodx_module::gover;

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
    fn workspace_note_on_first_line_only() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!modules_txt_is_for_workspace(dir.path()).unwrap());
        std::fs::write(dir.path().join("modules.txt"), "## explicit; workspace\n").unwrap();
        assert!(modules_txt_is_for_workspace(dir.path()).unwrap());
        std::fs::write(dir.path().join("modules.txt"), "# a.com v1\n## workspace\n").unwrap();
        assert!(!modules_txt_is_for_workspace(dir.path()).unwrap());
    }
}
