//! Random universes written to disk the way most tests start: the proxy
//! tree in `proxy/` and the main module in `main/` of one directory.

use std::path::{Path, PathBuf};

use gomodx_test::{ProxyTree, Universe, UniverseConfig};

/// A generated universe and where it was written.
pub struct OnDisk {
    /// The universe itself (modules, main module requirements …).
    pub universe: Universe,
    /// Its proxy tree, in `dir/proxy`.
    pub tree: ProxyTree,
    /// Its main module, in `dir/main`.
    pub main: PathBuf,
}

/// Generates the universe of `config` and writes it into `dir`.
pub fn write(dir: &Path, config: UniverseConfig) -> OnDisk {
    let universe = Universe::generate(config);
    let tree = universe.write_proxy_tree(&dir.join("proxy")).unwrap();
    let main = dir.join("main");
    universe.write_main_module(&main, &tree).unwrap();
    OnDisk {
        universe,
        tree,
        main,
    }
}

/// The default universe config with `seed` and `modules`.
pub fn config(seed: u64, modules: usize) -> UniverseConfig {
    UniverseConfig {
        seed,
        modules,
        ..UniverseConfig::default()
    }
}
