//! Build lists after version changes: Go's `UpgradeAll`, `Upgrade` and
//! `Downgrade`.

use std::collections::{HashMap, HashSet};

use gomodx_module::ModuleVersion;

use super::{DowngradeReqs, MvsError, NONE, Reqs, UpgradeReqs, build_list, build_list_with};
use crate::error::BuildListError;

/// Go's `mvs.UpgradeAll`: the build list of `target` with every module
/// upgraded to [`UpgradeReqs::upgrade`] of it.
pub fn upgrade_all<R: UpgradeReqs>(
    target: &ModuleVersion,
    reqs: &R,
) -> Result<Vec<ModuleVersion>, BuildListError<R::Error>> {
    let upgrade = |m: &ModuleVersion| {
        if m.path == target.path {
            Ok(target.clone())
        } else {
            reqs.upgrade(m)
        }
    };
    build_list_with(std::slice::from_ref(target), reqs, Some(&upgrade))
}

/// Go's `mvs.Upgrade`: the build list of `target` with the given module
/// versions added to its requirements (the highest one per path wins).
pub fn upgrade<R: UpgradeReqs>(
    target: &ModuleVersion,
    reqs: &R,
    upgrades: &[ModuleVersion],
) -> Result<Vec<ModuleVersion>, MvsError<R::Error>> {
    let mut list = reqs.required(target).map_err(MvsError::Reqs)?;
    let in_list: HashSet<String> = list.iter().map(|m| m.path.clone()).collect();
    let mut upgrade_to: HashMap<&str, &str> = HashMap::new();
    for u in upgrades {
        if !in_list.contains(&u.path) {
            list.push(ModuleVersion::new(u.path.clone(), NONE));
        }
        let version = match upgrade_to.get(u.path.as_str()) {
            Some(prev) => reqs.max(&u.path, prev, &u.version),
            None => &u.version,
        };
        upgrade_to.insert(&u.path, version);
    }
    let overridden = Override { target, list, reqs };
    let apply = |m: &ModuleVersion| {
        Ok(match upgrade_to.get(m.path.as_str()) {
            Some(&version) => ModuleVersion::new(m.path.clone(), version),
            None => m.clone(),
        })
    };
    Ok(build_list_with(
        std::slice::from_ref(target),
        &overridden,
        Some(&apply),
    )?)
}

/// Go's `mvs.Downgrade`: the build list of `target` with the given module
/// versions as upper bounds. Modules whose requirements would exceed them
/// are downgraded through [`DowngradeReqs::previous`] (or dropped), never
/// upgraded; the result is then recomputed with the versions MVS actually
/// selects, so versions pulled back up leave no spurious requirements.
pub fn downgrade<R: DowngradeReqs>(
    target: &ModuleVersion,
    reqs: &R,
    downgrades: &[ModuleVersion],
) -> Result<Vec<ModuleVersion>, MvsError<R::Error>> {
    let mut list = build_list(std::slice::from_ref(target), reqs)?;
    list.remove(0);

    let mut max: HashMap<String, String> = list
        .iter()
        .map(|m| (m.path.clone(), m.version.clone()))
        .collect();
    for d in downgrades {
        let keep = max
            .get(&d.path)
            .is_some_and(|v| reqs.max(&d.path, v, &d.version) == d.version);
        if !keep {
            max.insert(d.path.clone(), d.version.clone());
        }
    }

    let mut state = Downgrader {
        reqs,
        max,
        added: HashSet::new(),
        rdeps: HashMap::new(),
        excluded: HashSet::new(),
    };
    let mut downgraded = vec![target.clone()];
    'list: for r in &list {
        let mut r = r.clone();
        state.add(&r);
        while state.excluded.contains(&r) {
            let mut previous = reqs.previous(&r).map_err(MvsError::Reqs)?;
            // A bound that `previous` does not enumerate (a pseudo-version,
            // say) is still a valid landing point.
            let bound = state.max_of(&r.path);
            if reqs.max(&r.path, bound, &r.version) != bound
                && reqs.max(&r.path, &previous.version, bound) != previous.version
            {
                previous.version = bound.to_owned();
            }
            if previous.version == NONE {
                continue 'list;
            }
            state.add(&previous);
            r = previous;
        }
        downgraded.push(r);
    }

    let overridden = Override {
        target,
        list: downgraded,
        reqs,
    };
    let actual = build_list(std::slice::from_ref(target), &overridden)?;
    let actual: HashMap<&str, &str> = actual
        .iter()
        .map(|m| (m.path.as_str(), m.version.as_str()))
        .collect();
    let downgraded = list
        .iter()
        .filter_map(|m| {
            actual
                .get(m.path.as_str())
                .map(|&v| ModuleVersion::new(m.path.clone(), v))
        })
        .collect();
    let overridden = Override {
        target,
        list: downgraded,
        reqs,
    };
    Ok(build_list(std::slice::from_ref(target), &overridden)?)
}

/// The bookkeeping of [`downgrade`]: which module versions were considered,
/// which are ruled out, and who requires whom.
struct Downgrader<'a, R> {
    reqs: &'a R,
    max: HashMap<String, String>,
    added: HashSet<ModuleVersion>,
    rdeps: HashMap<ModuleVersion, Vec<ModuleVersion>>,
    excluded: HashSet<ModuleVersion>,
}

impl<R: DowngradeReqs> Downgrader<'_, R> {
    fn max_of(&self, path: &str) -> &str {
        self.max.get(path).map_or("", String::as_str)
    }

    /// Rules `m` out, and everything that requires it.
    fn exclude(&mut self, m: &ModuleVersion) {
        if !self.excluded.insert(m.clone()) {
            return;
        }
        for p in self.rdeps.get(m).cloned().unwrap_or_default() {
            self.exclude(&p);
        }
    }

    /// Considers `m`: it is ruled out if it exceeds its bound, if its
    /// requirements cannot be read, or if any of them is ruled out.
    fn add(&mut self, m: &ModuleVersion) {
        if !self.added.insert(m.clone()) {
            return;
        }
        if let Some(bound) = self.max.get(&m.path)
            && self.reqs.max(&m.path, &m.version, bound) != bound
        {
            self.exclude(m);
            return;
        }
        let Ok(required) = self.reqs.required(m) else {
            self.exclude(m);
            return;
        };
        for r in required {
            self.add(&r);
            if self.excluded.contains(&r) {
                self.exclude(m);
                return;
            }
            self.rdeps.entry(r).or_default().push(m.clone());
        }
    }
}

/// `reqs` with the target's requirements replaced by `list`.
struct Override<'a, R> {
    target: &'a ModuleVersion,
    list: Vec<ModuleVersion>,
    reqs: &'a R,
}

impl<R: Reqs> Reqs for Override<'_, R> {
    type Error = R::Error;

    fn required(&self, m: &ModuleVersion) -> Result<Vec<ModuleVersion>, Self::Error> {
        if m == self.target {
            Ok(self.list.clone())
        } else {
            self.reqs.required(m)
        }
    }

    fn max<'v>(&self, path: &str, v1: &'v str, v2: &'v str) -> &'v str {
        self.reqs.max(path, v1, v2)
    }
}
