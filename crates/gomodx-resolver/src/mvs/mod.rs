//! Minimal version selection over any requirement graph, as Go's
//! `cmd/go/internal/mvs` does it (<https://research.swtch.com/vgo-mvs>).
//!
//! Versions are opaque strings compared by [`Reqs::max`], except `"none"`,
//! which is lower than every version; a target's own version must compare
//! higher than every other version of its path (cmd/go uses `""`).
//!
//! - [`build_list`]: the selected version of every module reachable from the
//!   targets.
//! - [`req`]: the minimal requirement list that yields the same build list.
//! - [`upgrade_all`], [`upgrade`], [`downgrade`]: build lists after version
//!   changes.
//! - [`Graph`]: the incremental graph these are built on (and that cmd/go's
//!   module graph uses directly).

mod edit;
mod graph;

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet, VecDeque};

use gomodx_module::ModuleVersion;
use thiserror::Error;

use crate::error::BuildListError;
pub use edit::{downgrade, upgrade, upgrade_all};
pub use graph::Graph;

/// The version below every other one: the path is not required.
pub const NONE: &str = "none";

/// A requirement graph that MVS can walk (Go's `mvs.Reqs`).
pub trait Reqs {
    /// Why the requirements of a module version could not be read.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The module versions `m` itself requires, in order.
    fn required(&self, m: &ModuleVersion) -> Result<Vec<ModuleVersion>, Self::Error>;

    /// The higher of two versions of module `path` (`v1` or `v2` itself).
    /// `max(v, "none")` must be `v`, and a target passed to the MVS
    /// functions must be the maximum of its path.
    fn max<'a>(&self, path: &str, v1: &'a str, v2: &'a str) -> &'a str;
}

/// A [`Reqs`] that can name upgrades (Go's `mvs.UpgradeReqs`).
pub trait UpgradeReqs: Reqs {
    /// The version `m` should be upgraded to by [`upgrade_all`] (`m` itself
    /// to keep it); `m.version` is `none` when the path is not yet required.
    fn upgrade(&self, m: &ModuleVersion) -> Result<ModuleVersion, Self::Error>;
}

/// A [`Reqs`] that can name downgrades (Go's `mvs.DowngradeReqs`).
pub trait DowngradeReqs: Reqs {
    /// The version of `m.path` just below `m.version`, or version `none`.
    fn previous(&self, m: &ModuleVersion) -> Result<ModuleVersion, Self::Error>;
}

/// Why [`req`], [`upgrade`] or [`downgrade`] failed.
#[derive(Debug, Clone, Error)]
pub enum MvsError<E: std::error::Error + 'static> {
    /// Building a build list failed somewhere in the graph.
    #[error(transparent)]
    BuildList(#[from] BuildListError<E>),
    /// A direct call to the [`Reqs`] failed.
    #[error(transparent)]
    Reqs(E),
}

/// Go's `cmp` built from `Max`: how two versions of `path` compare.
fn compare<R: Reqs + ?Sized>(reqs: &R, path: &str, v1: &str, v2: &str) -> Ordering {
    if reqs.max(path, v1, v2) != v1 {
        Ordering::Less
    } else if reqs.max(path, v2, v1) != v2 {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// Go's `mvs.BuildList`: the targets' selected versions (in target order),
/// then the selected version of every other path reachable from them,
/// sorted by path. Every reachable version (selected or not) is explored.
///
/// On failure, the error carries a shortest requirement path to a module
/// whose requirements could not be read.
///
/// # Panics
///
/// If a target is not selected, i.e. `reqs` ranks another version of its
/// path higher (a broken [`Reqs`], as in Go).
pub fn build_list<R: Reqs>(
    targets: &[ModuleVersion],
    reqs: &R,
) -> Result<Vec<ModuleVersion>, BuildListError<R::Error>> {
    build_list_with(targets, reqs, None)
}

/// A version change applied to every module visited by [`build_list_with`].
type UpgradeFn<'a, E> = &'a dyn Fn(&ModuleVersion) -> Result<ModuleVersion, E>;

/// [`build_list`], optionally replacing every visited module `m` by
/// `upgrade(m)` (an extra first requirement of `m`).
fn build_list_with<R: Reqs>(
    targets: &[ModuleVersion],
    reqs: &R,
    upgrade: Option<UpgradeFn<'_, R::Error>>,
) -> Result<Vec<ModuleVersion>, BuildListError<R::Error>> {
    let mut graph = Graph::new(
        |path: &str, v1: &str, v2: &str| compare(reqs, path, v1, v2),
        targets.to_vec(),
    );
    let mut upgrades: HashMap<ModuleVersion, ModuleVersion> = HashMap::new();
    let mut errors: HashMap<ModuleVersion, R::Error> = HashMap::new();
    let mut seen: HashSet<ModuleVersion> = HashSet::new();
    let mut queue: VecDeque<ModuleVersion> = targets
        .iter()
        .filter(|t| seen.insert((*t).clone()))
        .cloned()
        .collect();

    while let Some(m) = queue.pop_front() {
        let (mut required, mut err) = if m.version == NONE {
            (Vec::new(), None)
        } else {
            match reqs.required(&m) {
                Ok(required) => (required, None),
                Err(err) => (Vec::new(), Some(err)),
            }
        };
        let mut upgraded = m.clone();
        if let Some(upgrade) = upgrade {
            match upgrade(&m) {
                Ok(to) => upgraded = to,
                Err(up_err) => {
                    err.get_or_insert(up_err);
                }
            }
        }
        if let Some(err) = err {
            errors.insert(m.clone(), err);
        }
        if upgraded != m {
            upgrades.insert(m.clone(), upgraded.clone());
            required.insert(0, upgraded);
        }
        queue.extend(
            required
                .iter()
                .filter(|r| seen.insert((*r).clone()))
                .cloned(),
        );
        graph.require(&m, &required);
    }

    if !errors.is_empty() {
        let path = graph
            .find_path(|m| errors.contains_key(m))
            .expect("every module with an error was reached from a target");
        let err = errors
            .remove(&path[path.len() - 1])
            .expect("the path ends at a module with an error");
        return Err(BuildListError::new(err, &path, |from, to| {
            upgrades.get(from) == Some(to)
        }));
    }

    let list = graph.build_list();
    assert!(
        list.len() >= targets.len() && list[..targets.len()] == *targets,
        "mistake: chose versions {:?} instead of targets {targets:?}",
        &list[..targets.len().min(list.len())],
    );
    Ok(list)
}

/// Go's `mvs.Req`: the minimal requirement list for `main` that yields the
/// same build list, listing every path in `base` (at its selected version),
/// sorted by path.
pub fn req<R: Reqs>(
    main: &ModuleVersion,
    base: &[&str],
    reqs: &R,
) -> Result<Vec<ModuleVersion>, MvsError<R::Error>> {
    let list = build_list(std::slice::from_ref(main), reqs)?;
    let max: HashMap<&str, &str> = list
        .iter()
        .map(|m| (m.path.as_str(), m.version.as_str()))
        .collect();
    let selected = |path: &str| max.get(path).copied().unwrap_or("");

    // Postorder of everything reachable from the build list, caching
    // requirements; the main module's own requirements are not walked.
    let mut cache: HashMap<ModuleVersion, Vec<ModuleVersion>> =
        HashMap::from([(main.clone(), Vec::new())]);
    let mut postorder = Vec::new();
    for m in &list {
        if cache.contains_key(m) {
            continue;
        }
        cache.insert(m.clone(), reqs.required(m).map_err(MvsError::Reqs)?);
        let mut stack = vec![(m.clone(), 0)];
        while let Some((node, next)) = stack.last_mut() {
            let child = cache[&*node].get(*next).cloned();
            *next += 1;
            match child {
                Some(child) if !cache.contains_key(&child) => {
                    cache.insert(
                        child.clone(),
                        reqs.required(&child).map_err(MvsError::Reqs)?,
                    );
                    stack.push((child, 0));
                }
                Some(_) => {}
                None => {
                    postorder.push(node.clone());
                    stack.pop();
                }
            }
        }
    }

    // Everything implied by what is already listed.
    let mut have: HashSet<ModuleVersion> = HashSet::new();
    let mark = |m: &ModuleVersion, have: &mut HashSet<ModuleVersion>| {
        let mut stack = vec![m.clone()];
        while let Some(m) = stack.pop() {
            if let Some(required) = cache.get(&m) {
                stack.extend(required.iter().filter(|r| !have.contains(*r)).cloned());
            }
            have.insert(m);
        }
    };

    let mut min = Vec::new();
    let mut have_base = HashSet::new();
    for &path in base {
        if have_base.insert(path) {
            let m = ModuleVersion::new(path, selected(path));
            mark(&m, &mut have);
            min.push(m);
        }
    }
    for m in postorder.iter().rev() {
        if selected(&m.path) == m.version && !have.contains(m) {
            mark(m, &mut have);
            min.push(m.clone());
        }
    }
    min.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(min)
}
