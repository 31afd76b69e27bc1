//! Settings resolved once, from the command line and Go's environment.
//! Commands receive these plain values; only this module reads the process
//! environment.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use gomodx_goenv::{GoEnv, GoFlags};

use crate::cli::GlobalArgs;
use crate::printer::Hinted;

/// Settings every command shares.
#[derive(Debug)]
pub struct GlobalSettings {
    /// The directory commands run in (`-C`, else the current directory).
    pub working_dir: PathBuf,
    /// Go's environment as the go command would see it.
    pub go_env: GoEnv,
    /// GOFLAGS, parsed.
    pub go_flags: GoFlags,
}

impl GlobalSettings {
    /// Resolves the settings from the flags and the process environment.
    pub fn resolve(args: &GlobalArgs) -> Result<Self> {
        let current = std::env::current_dir().context("cannot determine the current directory")?;
        let working_dir = match &args.directory {
            Some(dir) => current.join(dir),
            None => current,
        };
        let go_env = GoEnv::resolve(
            |key| std::env::var(key).ok(),
            dirs::home_dir().as_deref(),
            dirs::config_dir().as_deref(),
        );
        let go_flags = go_env.go_flags()?;
        Ok(Self { working_dir, go_env, go_flags })
    }

    /// GOMODCACHE, which must be absolute.
    pub fn mod_cache(&self) -> Result<PathBuf> {
        Ok(self.go_env.mod_cache()?)
    }

    /// The main module's root: the nearest directory at or above the working
    /// directory holding a go.mod, as go finds it.
    pub fn main_module_root(&self) -> Result<PathBuf> {
        find_module_root(&self.working_dir).ok_or_else(|| {
            Hinted {
                message: "go.mod file not found in current directory or any parent directory"
                    .to_owned(),
                hint: "run gomodx inside a Go module, or pass `-C <module dir>`".to_owned(),
            }
            .into()
        })
    }
}

/// The nearest ancestor of `dir` (inclusive) that contains a go.mod file.
fn find_module_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find(|d| d.join("go.mod").is_file()).map(Path::to_path_buf)
}
