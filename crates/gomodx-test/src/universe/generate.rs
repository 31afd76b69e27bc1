//! Generation of a universe from its seed (see the parent module for the
//! invariants that keep it valid for the real `go`).

use std::collections::BTreeSet;
use std::time::{Duration, UNIX_EPOCH};

use gomodx_module::{pseudo, semver};

use super::main_module::main_module;
use super::{Module, Require, Retract, Universe, UniverseConfig, Version};
use crate::rng::Rng;

const HOSTS: &[&str] = &[
    "example.com",
    "example.net",
    "example.org",
    "code.example.io",
    "mod.example.dev",
];
const WORDS: &[&str] = &[
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu",
];
/// `go` lines of dependencies when the main module is pruned.
const PRUNED_GO: &[Option<&str>] = &[
    None,
    Some("1.16"),
    Some("1.17"),
    Some("1.18"),
    Some("1.20"),
    Some("1.21.0"),
    Some("1.22.0"),
    Some("1.23.4"),
];
/// `go` lines of dependencies when the main module is unpruned (all < 1.21).
const UNPRUNED_GO: &[Option<&str>] = &[
    None,
    Some("1.13"),
    Some("1.16"),
    Some("1.17"),
    Some("1.18"),
    Some("1.20"),
];
const RATIONALES: &[&str] = &[
    "Published accidentally.",
    "Contains a data race in F.",
    "Broken build on 32-bit platforms.",
    "",
];
/// Go refuses zips over 500 MiB; stay well below.
const MAX_PADDING: u64 = 400 << 20;
/// 2019-01-01T00:00:00Z.
const EPOCH_2019: u64 = 1_546_300_800;
const DAY: u64 = 86_400;

/// How a module's path and versions look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// `host/word[/word]`, versions v0 or v1.
    Plain(u32),
    /// `host/Word/WORD`, versions v0 or v1.
    Upper(u32),
    /// `host/word/vN` (or the sibling of a plain path), versions vN.
    Suffixed(u32),
    /// `gopkg.in/[user/]word.vN`, versions vN.
    Gopkg(u32),
    /// `host/word` without go.mod: v1 versions, then `+incompatible` v2+.
    Incompatible,
    /// `host/fork/word`: required by nobody, only a replacement target.
    Fork,
}

impl Family {
    fn start_major(self) -> u32 {
        match self {
            Self::Plain(major)
            | Self::Upper(major)
            | Self::Suffixed(major)
            | Self::Gopkg(major) => major,
            Self::Incompatible | Self::Fork => 1,
        }
    }

    /// The `major` argument of `module.PseudoVersion` for a pseudo-version
    /// without base, or `None` when such a version is not valid.
    fn untagged_major(self, major: u32) -> Option<String> {
        match self {
            Self::Suffixed(n) | Self::Gopkg(n) => Some(format!("v{n}")),
            Self::Incompatible if major >= 2 => None,
            _ => Some(String::new()),
        }
    }
}

pub(super) fn generate(config: UniverseConfig) -> Universe {
    let mut rng = Rng::new(config.seed);
    let unpruned_main = rng.chance(30);
    let count = config.modules.max(1);
    let fork = (count >= 3).then_some(count - 1);
    let planted = count >= 5;
    let families = families(&mut rng, count, fork);
    let palette = if unpruned_main {
        UNPRUNED_GO
    } else {
        PRUNED_GO
    };
    let mut modules: Vec<Module> = paths(&mut rng, &families)
        .into_iter()
        .zip(&families)
        .enumerate()
        .map(|(index, (path, &family))| Module {
            path,
            package: format!("m{index}"),
            has_go_mod: family != Family::Incompatible,
            versions: versions(&mut rng, family, config.max_versions, palette),
        })
        .collect();
    add_requirements(&mut rng, &mut modules, config.max_deps, fork);
    if planted {
        plant_diamond_and_cycle(&mut modules);
    }
    add_retractions(&mut rng, &mut modules);
    add_ignored_lines(&mut rng, &mut modules);
    spread_padding(&mut rng, &mut modules, config.zip_bytes_total);
    let main = main_module(&mut rng, &modules, &config, unpruned_main, fork, planted);
    Universe {
        config,
        unpruned_main,
        modules,
        main,
    }
}

fn families(rng: &mut Rng, count: usize, fork: Option<usize>) -> Vec<Family> {
    (0..count)
        .map(|index| {
            if Some(index) == fork {
                return Family::Fork;
            }
            let major = rng.below(2) as u32;
            match rng.below(100) {
                0..45 => Family::Plain(major),
                45..55 => Family::Upper(major),
                55..75 => Family::Suffixed(rng.range(2, 4) as u32),
                75..85 => Family::Gopkg(rng.range(1, 3) as u32),
                // The planted diamond and cycle need go.mod files in 0..4.
                _ if index >= 4 => Family::Incompatible,
                _ => Family::Plain(major),
            }
        })
        .collect()
}

/// Unique paths (case-insensitively, so that imports never collide).
fn paths(rng: &mut Rng, families: &[Family]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut plain_paths: Vec<String> = Vec::new();
    families
        .iter()
        .map(|&family| {
            for attempt in 0usize.. {
                let host = *rng.pick(HOSTS);
                let word = match attempt {
                    0..10 => (*rng.pick(WORDS)).to_owned(),
                    _ => format!("{}{attempt}", rng.pick(WORDS)),
                };
                let other = *rng.pick(WORDS);
                let path = match family {
                    Family::Plain(_) if rng.chance(30) => format!("{host}/{word}/{other}"),
                    Family::Plain(_) | Family::Incompatible => format!("{host}/{word}"),
                    Family::Upper(_) => {
                        format!("{host}/{}/{}", capitalize(&word), other.to_uppercase())
                    }
                    Family::Suffixed(n) if !plain_paths.is_empty() && rng.chance(40) => {
                        format!("{}/v{n}", rng.pick(&plain_paths))
                    }
                    Family::Suffixed(n) => format!("{host}/{word}/v{n}"),
                    Family::Gopkg(n) if rng.chance(30) => format!("gopkg.in/{other}/{word}.v{n}"),
                    Family::Gopkg(n) => format!("gopkg.in/{word}.v{n}"),
                    Family::Fork => format!("{host}/fork/{word}"),
                };
                if seen.insert(path.to_lowercase()) {
                    if matches!(family, Family::Plain(_)) {
                        plain_paths.push(path.clone());
                    }
                    return path;
                }
            }
            unreachable!("numbered words never run out")
        })
        .collect()
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Versions of one module in ascending semver order, without requirements.
fn versions(
    rng: &mut Rng,
    family: Family,
    max_versions: usize,
    palette: &[Option<&str>],
) -> Vec<Version> {
    let count = rng.range(1, max_versions.max(1));
    let untagged = matches!(family, Family::Plain(_) | Family::Upper(_)) && rng.chance(8);
    let mut major = family.start_major();
    let (mut minor, mut patch) = (rng.below(3), 0usize);
    let mut base: Option<String> = None;
    let mut time = EPOCH_2019 + rng.below(365) as u64 * DAY;
    let mut out: Vec<Version> = Vec::with_capacity(count);
    for slot in 0..count {
        time += rng.range(1, 45) as u64 * DAY + rng.below(DAY as usize) as u64;
        let stamp =
            humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(time)).to_string();
        if family == Family::Incompatible
            && (major < 2 && (slot + 1 == count || rng.chance(35)) || rng.chance(10))
        {
            (major, minor, patch) = (major.max(1) + 1, 0, 0);
        }
        let build = if family == Family::Incompatible && major >= 2 {
            "+incompatible"
        } else {
            ""
        };
        let roll = rng.below(100);
        let form1_major = family
            .untagged_major(major)
            .filter(|_| base.is_none() || untagged);
        let version = if untagged || (roll < 15 && (base.is_some() || form1_major.is_some())) {
            let compact: String = stamp.chars().filter(char::is_ascii_digit).collect();
            let rev = rng.hex(12);
            match (&base, form1_major) {
                (Some(older), None) => pseudo::pseudo_version("", older, &compact, &rev),
                (_, Some(major)) => pseudo::pseudo_version(&major, "", &compact, &rev),
                (None, None) => unreachable!("guarded by the condition above"),
            }
        } else if roll < 30 {
            let tag = match rng.below(5) {
                0 => format!("rc.{}", slot + 1),
                1 => format!("beta.{}", slot + 1),
                2 => format!("pre{}", slot + 1),
                3 => format!("RC{}", slot + 1),
                _ => format!("alpha.{}.x", slot + 1),
            };
            let version = format!("v{major}.{minor}.{patch}-{tag}{build}");
            base = Some(version.clone());
            version
        } else {
            let version = format!("v{major}.{minor}.{patch}{build}");
            base = Some(version.clone());
            if rng.chance(70) {
                patch += 1;
            } else {
                (minor, patch) = (minor + 1, 0);
            }
            version
        };
        if out.iter().all(|v| v.version != version) {
            out.push(Version {
                version,
                time: stamp,
                go: rng.pick(palette).map(str::to_owned),
                requires: Vec::new(),
                retracts: Vec::new(),
                ignored: Vec::new(),
                padding: 0,
            });
        }
    }
    out.sort_by(|a, b| semver::compare(&a.version, &b.version));
    out
}

/// Random requirements: mostly forward (to higher indices, sometimes imported),
/// some backward (never imported), never on the fork.
fn add_requirements(rng: &mut Rng, modules: &mut [Module], max_deps: usize, fork: Option<usize>) {
    let count = modules.len();
    for index in 0..count {
        if !modules[index].has_go_mod || Some(index) == fork {
            continue;
        }
        let forward: Vec<usize> = (index + 1..count).filter(|&j| Some(j) != fork).collect();
        let backward: Vec<usize> = (0..index).collect();
        for slot in 0..modules[index].versions.len() {
            let mut requires: Vec<Require> = Vec::new();
            for _ in 0..rng.range(0, max_deps) {
                let go_forward = !forward.is_empty() && (backward.is_empty() || rng.chance(80));
                let pool = if go_forward { &forward } else { &backward };
                if pool.is_empty() {
                    break;
                }
                let dep = *rng.pick(pool);
                if requires.iter().any(|r| r.module == dep) {
                    continue;
                }
                let version = rng.pick(&modules[dep].versions).version.clone();
                let imported = go_forward && rng.chance(85);
                requires.push(Require {
                    module: dep,
                    version,
                    imported,
                });
            }
            requires.sort_by_key(|r| r.module);
            modules[index].versions[slot].requires = requires;
        }
    }
}

/// Modules 0..4 (all with go.mod): 0 → {1, 2} → 3 (a diamond, 3 at its lowest
/// and highest versions) and 1 → 0 (a cycle), all on the highest versions.
fn plant_diamond_and_cycle(modules: &mut [Module]) {
    let top = |m: &Module| {
        m.versions
            .last()
            .expect("at least one version")
            .version
            .clone()
    };
    let bottom = |m: &Module| m.versions[0].version.clone();
    let edges = [
        (0, 1, top(&modules[1]), true),
        (0, 2, top(&modules[2]), true),
        (1, 3, bottom(&modules[3]), true),
        (2, 3, top(&modules[3]), true),
        (1, 0, top(&modules[0]), false),
    ];
    for (from, to, version, imported) in edges {
        let requires = &mut modules[from]
            .versions
            .last_mut()
            .expect("at least one version")
            .requires;
        requires.retain(|r| r.module != to);
        requires.push(Require {
            module: to,
            version,
            imported,
        });
        requires.sort_by_key(|r| r.module);
    }
}

/// Retractions in the go.mod Go reads them from (the `@latest` version), now
/// and then one that retracts itself, and now and then one in an older go.mod
/// (which Go ignores).
fn add_retractions(rng: &mut Rng, modules: &mut [Module]) {
    for module in modules
        .iter_mut()
        .filter(|m| m.has_go_mod && m.versions.len() >= 2)
    {
        if !rng.chance(40) {
            continue;
        }
        let names: Vec<String> = module.versions.iter().map(|v| v.version.clone()).collect();
        let latest = crate::tree::latest(&names)
            .expect("at least one version")
            .clone();
        let latest_slot = names
            .iter()
            .position(|v| *v == latest)
            .expect("latest is listed");
        let tagged: Vec<&String> = names
            .iter()
            .filter(|v| **v != latest && !pseudo::is_pseudo_version(v))
            .collect();
        let mut retracts = Vec::new();
        let retract = |low: &str, high: &str, rng: &mut Rng| Retract {
            low: low.to_owned(),
            high: high.to_owned(),
            rationale: (*rng.pick(RATIONALES)).to_owned(),
        };
        if !tagged.is_empty() {
            let (a, b) = (rng.below(tagged.len()), rng.below(tagged.len()));
            let (low, high) = if rng.chance(40) {
                (a.min(b), a.max(b))
            } else {
                (a, a)
            };
            retracts.push(retract(tagged[low], tagged[high], rng));
        }
        if rng.chance(10) || tagged.is_empty() {
            retracts.push(retract(&latest, &latest, rng));
        }
        module.versions[latest_slot].retracts = retracts;
        let older = rng.below(module.versions.len());
        if older != latest_slot && rng.chance(25) {
            let version = module.versions[older].version.clone();
            module.versions[older].retracts = vec![retract(&version, &version, rng)];
        }
    }
}

/// `exclude` and `replace` lines in dependencies' go.mod files (Go ignores them).
fn add_ignored_lines(rng: &mut Rng, modules: &mut [Module]) {
    let targets: Vec<(String, Vec<String>)> = modules
        .iter()
        .map(|m| {
            (
                m.path.clone(),
                m.versions.iter().map(|v| v.version.clone()).collect(),
            )
        })
        .collect();
    for module in modules.iter_mut().filter(|m| m.has_go_mod) {
        for version in &mut module.versions {
            if rng.chance(8) {
                let (path, versions) = rng.pick(&targets);
                version
                    .ignored
                    .push(format!("exclude {path} {}", rng.pick(versions)));
            }
            if rng.chance(8) {
                let (path, _) = rng.pick(&targets);
                version
                    .ignored
                    .push(format!("replace {path} => ../{}", rng.pick(WORDS)));
            }
        }
    }
}

fn spread_padding(rng: &mut Rng, modules: &mut [Module], total: u64) {
    if total == 0 {
        return;
    }
    let weights: Vec<Vec<u64>> = modules
        .iter()
        .map(|m| m.versions.iter().map(|_| rng.range(1, 16) as u64).collect())
        .collect();
    let sum: u128 = weights.iter().flatten().map(|&w| u128::from(w)).sum();
    for (module, weights) in modules.iter_mut().zip(weights) {
        for (version, weight) in module.versions.iter_mut().zip(weights) {
            let share = u128::from(total) * u128::from(weight) / sum;
            version.padding = u64::try_from(share).unwrap_or(u64::MAX).min(MAX_PADDING);
        }
    }
}
