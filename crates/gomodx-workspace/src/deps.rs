//! The main modules' dependencies as the commands name them: the paths
//! `outdated` and `doctor` look at and their [`ModuleStatus`], doctor's
//! diagnosis, the modules `mod verify` checks, and `why -m`'s patterns.

use gomodx_fetch::doctor::{Environment, Finding, StoredList};
use gomodx_fetch::{ModuleStatus, is_module_path};
use gomodx_module::ModuleVersion;

use crate::Loaded;

/// What doctor looks at for each module, in order.
pub struct Survey {
    /// Each module's status.
    pub statuses: Vec<ModuleStatus>,
    /// Each module's version list as the store held it before this run.
    before: Vec<Option<StoredList>>,
}

impl Loaded {
    /// The main module's dependencies: the paths its go.mod requires
    /// (direct only unless `all`), or with `all` the whole build list;
    /// `only` narrows them to one path (known or not).
    pub fn dependency_paths(&self, all: bool, only: Option<&str>) -> Vec<String> {
        let mut paths: Vec<String> = if all {
            let list = self.graph.build_list();
            list.iter()
                .filter(|m| !m.version.is_empty() && is_module_path(&m.path))
                .map(|m| m.path.clone())
                .collect()
        } else {
            let requires = self.mod_file.require.iter();
            requires
                .filter(|r| !r.indirect || only.is_some())
                .map(|r| r.module.path.clone())
                .collect()
        };
        if let Some(only) = only {
            paths.retain(|p| p == only);
            if paths.is_empty() {
                paths.push(only.to_owned());
            }
        }
        paths.dedup();
        paths
    }

    /// The status of each of `paths`, gathered concurrently (each on its
    /// own task of the current runtime).
    pub async fn statuses(&self, paths: Vec<String>) -> Vec<ModuleStatus> {
        let tasks: Vec<_> = paths
            .into_iter()
            .map(|path| {
                let fetcher = self.fetcher.clone();
                let rules = self.rules.clone();
                let required = self
                    .mod_file
                    .require
                    .iter()
                    .filter(|r| r.module.path == path)
                    .map(|r| (r.module.version.clone(), r.indirect))
                    .next_back();
                let selected = self.graph.selected(&path).map(str::to_owned);
                tokio::spawn(async move {
                    fetcher
                        .module_status(&rules, &path, required, selected)
                        .await
                })
            })
            .collect();
        let mut out = Vec::new();
        for task in tasks {
            if let Ok(status) = task.await {
                out.push(status);
            }
        }
        out
    }

    /// The [`Survey`] of `paths`: what the store held before this run's
    /// answers replace it, then each status.
    pub async fn survey(&self, paths: Vec<String>) -> Survey {
        let before = futures::future::join_all(paths.iter().map(|p| self.fetcher.stored_list(p)));
        let before = before.await;
        let statuses = self.statuses(paths).await;
        Survey { statuses, before }
    }

    /// Doctor's findings for each module of `survey` in `env`.
    pub async fn diagnose(&self, survey: &Survey, env: &Environment) -> Vec<Vec<Finding>> {
        let (statuses, before) = (&survey.statuses, &survey.before);
        futures::future::join_all(statuses.iter().zip(before).map(|(status, before)| {
            let recorded = status
                .selected
                .clone()
                .map(|v| {
                    self.go_sum
                        .hashes(&ModuleVersion::new(status.path.clone(), v))
                })
                .unwrap_or_default();
            self.fetcher
                .diagnose(&self.rules, status, before.as_ref(), env, recorded)
        }))
        .await
    }

    /// Why go would build from vendor/ rather than the module cache, if it
    /// would: `-mod=vendor` (`mod_flag`), or go's default vendor mode
    /// ([`crate::MainModules::vendor_mode`]).
    pub fn vendor_reason(&self, mod_flag: Option<&str>) -> Option<String> {
        match mod_flag {
            Some("vendor") => Some(
                "GOFLAGS has -mod=vendor: go builds from vendor/, not from the module cache"
                    .to_owned(),
            ),
            None if self.vendor_mode(None).unwrap_or(false) => Some(format!(
                "{} exists and the go line is at least 1.14: go builds from vendor/ by default",
                self.root.join("vendor").display()
            )),
            _ => None,
        }
    }

    /// The modules `go mod verify` checks: the build list without the main
    /// modules and `go`/`toolchain` (replaced modules under their own path
    /// and version, which usually have nothing in the cache).
    pub fn verify_list(&self) -> Vec<ModuleVersion> {
        self.graph
            .build_list()
            .iter()
            .filter(|m| !m.version.is_empty() && !gomodx_module::is_toolchain_path(&m.path))
            .cloned()
            .collect()
    }

    /// The arguments of `why -m` with `all` and `...` patterns replaced by
    /// the matching module paths of the build list, as go lists them.
    pub fn expand_patterns(&self, args: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for arg in args {
            if arg != "all" && !arg.contains("...") {
                out.push(arg.clone());
                continue;
            }
            out.extend(
                self.verify_list()
                    .into_iter()
                    .filter(|m| arg == "all" || crate::list::matches(arg, &m.path))
                    .map(|m| m.path),
            );
        }
        out
    }
}
