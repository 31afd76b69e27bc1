//! Go's module flags as they concern the main modules: which `-modfile`
//! gomodx accepts, and what go says about requirements on excluded
//! versions under each `-mod` mode (`rootsFromModFile`).

use std::path::{Path, PathBuf};

use crate::MainModules;

/// A `-modfile` gomodx cannot honour.
#[derive(Debug, thiserror::Error)]
pub enum ModFileFlagError {
    /// go's own check: the file must end in `.mod`.
    #[error("-modfile={}: file does not have .mod extension", .0.display())]
    NoModExtension(PathBuf),
    /// Another file than the main module's go.mod: gomodx has no
    /// alternate go.mod.
    #[error("-modfile={}: gomodx reads only the main module's go.mod ({})", file.display(), own.display())]
    NotMainGoMod {
        /// The flag's value.
        file: PathBuf,
        /// The main module's go.mod.
        own: PathBuf,
    },
}

/// Checks `-modfile=file` (relative to `working_dir`) against the main
/// module's go.mod, found by `main_go_mod` (only asked when the extension
/// is right).
pub fn check_modfile_flag<E: From<ModFileFlagError>>(
    working_dir: &Path,
    file: &Path,
    main_go_mod: impl FnOnce() -> Result<PathBuf, E>,
) -> Result<(), E> {
    let given = working_dir.join(file);
    if !given.to_string_lossy().ends_with(".mod") {
        return Err(ModFileFlagError::NoModExtension(file.to_path_buf()).into());
    }
    let own = main_go_mod()?;
    let same = |p: &Path| std::fs::canonicalize(p).ok();
    if same(&given).is_none() || same(&given) != same(&own) {
        return Err(ModFileFlagError::NotMainGoMod {
            file: file.to_path_buf(),
            own,
        }
        .into());
    }
    Ok(())
}

impl MainModules {
    /// go's warnings about requirements on versions the main go.mod
    /// excludes: read-only mode (`read_only`, unless `mod_flag` is `mod`)
    /// ignores them (and then fails: go.mod needs an update), `-mod=mod`
    /// drops them.
    pub fn excluded_requirement_warnings(
        &self,
        read_only: bool,
        mod_flag: Option<&str>,
    ) -> Vec<String> {
        let verb = if read_only && mod_flag != Some("mod") {
            "ignoring"
        } else {
            "dropping"
        };
        let dropped = self.dropped_requirements();
        let warning = |m: &&gomodx_module::ModuleVersion| {
            format!(
                "{verb} requirement on excluded version {} {}",
                m.path, m.version
            )
        };
        dropped.iter().map(warning).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modfile_must_be_the_main_go_mod() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("go.mod"), "module m\n").unwrap();
        std::fs::write(tmp.path().join("other.mod"), "module m\n").unwrap();
        let own = || Ok::<_, ModFileFlagError>(tmp.path().join("go.mod"));
        assert!(check_modfile_flag(tmp.path(), Path::new("go.mod"), own).is_ok());
        let err = check_modfile_flag(tmp.path(), Path::new("go.txt"), own).unwrap_err();
        assert_eq!(
            err.to_string(),
            "-modfile=go.txt: file does not have .mod extension"
        );
        let err = check_modfile_flag(tmp.path(), Path::new("other.mod"), own).unwrap_err();
        assert!(
            matches!(err, ModFileFlagError::NotMainGoMod { .. }),
            "{err}"
        );
    }
}
