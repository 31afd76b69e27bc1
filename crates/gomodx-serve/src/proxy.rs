//! The GOPROXY endpoints answered by a [`Fetcher`]: from the store when it
//! holds the artifact, else filled through from the upstream proxies (and
//! checked) exactly as `gomodx download` fetches it.
//!
//! A fetcher works on each artifact and each mutable question (version
//! list, `@latest`, a branch's `.info`) once, however many requests ask at
//! the same time: concurrent identical requests cost one upstream fetch.
//! Because it also keeps its answers (and failures) for its lifetime, the
//! server replaces its fetcher once it is older than the TTL, and at once
//! after a failure that was not "not found", so that neither a version
//! list nor an upstream outage is kept longer than that.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use gomodx_client::{ErrorKind, FetchError};
use gomodx_fetch::info::disk_info;
use gomodx_fetch::{Error, Fetcher};
use gomodx_module::{ModuleVersion, canonical_version};
use http::StatusCode;

use crate::path::Endpoint;
use crate::response::{Content, Resource};

/// Makes the fetcher of a new generation (store, GOMODCACHE, upstream
/// proxies, checksum policy and freshness, all as `download` has them).
pub type MakeFetcher = Arc<dyn Fn() -> Result<Fetcher, String> + Send + Sync>;

/// The fetcher in use and when to replace it.
pub(crate) struct Generations {
    make: MakeFetcher,
    ttl: Duration,
    current: Mutex<Generation>,
}

struct Generation {
    id: u64,
    born: Instant,
    expired: bool,
    fetcher: Fetcher,
}

impl Generations {
    /// The first generation.
    pub(crate) fn new(make: MakeFetcher, ttl: Duration) -> Result<Self, String> {
        let fetcher = make()?;
        Ok(Self {
            make,
            ttl,
            current: Mutex::new(Generation {
                id: 0,
                born: Instant::now(),
                expired: false,
                fetcher,
            }),
        })
    }

    /// The current fetcher and its generation, a new one when it expired.
    pub(crate) fn current(&self) -> Result<(u64, Fetcher), String> {
        let mut current = self.lock();
        if current.expired || current.born.elapsed() >= self.ttl {
            let fetcher = (self.make)()?;
            *current = Generation {
                id: current.id + 1,
                born: Instant::now(),
                expired: false,
                fetcher,
            };
        }
        Ok((current.id, current.fetcher.clone()))
    }

    /// Ends generation `id` (if still current): its failures are not kept.
    pub(crate) fn expire(&self, id: u64) {
        let mut current = self.lock();
        if current.id == id {
            current.expired = true;
        }
    }

    fn lock(&self) -> MutexGuard<'_, Generation> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

const JSON: &str = "application/json";
const TEXT: &str = "text/plain; charset=utf-8";

/// The resource of a module endpoint (not `Health` nor `sumdb`).
pub(crate) async fn artifact(fetcher: &Fetcher, endpoint: &Endpoint) -> Result<Resource, Error> {
    match endpoint {
        Endpoint::List { path } => {
            let versions = fetcher.versions(path).await?;
            let body: String = versions.iter().map(|v| format!("{v}\n")).collect();
            Ok(Resource::bytes(body, TEXT))
        }
        Endpoint::Latest { path } => {
            let info = fetcher.query(path, "latest", "", None).await?;
            Ok(Resource::bytes(disk_info(&info), JSON))
        }
        Endpoint::Info { path, version } => {
            let canonical = canonical_version(version) == *version
                && gomodx_module::check(path, version).is_ok();
            if canonical {
                let file = fetcher
                    .info(&ModuleVersion::new(path.clone(), version.clone()))
                    .await?;
                let mut resource = Resource::bytes(disk_info(&file.info), JSON);
                resource.last_modified = modified(&file.path);
                Ok(resource)
            } else {
                let info = fetcher.stat(path, version).await?;
                Ok(Resource::bytes(disk_info(&info), JSON))
            }
        }
        Endpoint::Mod(module) => {
            let file = fetcher.go_mod(module).await?;
            let mut resource = Resource::bytes(file.data.to_vec(), TEXT);
            resource.last_modified = modified(&file.path);
            Ok(resource)
        }
        Endpoint::Zip(module) => {
            let zip = fetcher.zip(module).await?;
            if zip.source == gomodx_fetch::Source::Network {
                crate::server::count_upstream();
            }
            Ok(Resource {
                last_modified: modified(&zip.path),
                etag: format!("\"{}\"", zip.h1),
                content: Content::File {
                    path: zip.path,
                    size: zip.size,
                },
                content_type: "application/zip",
            })
        }
        Endpoint::Health | Endpoint::SumdbSupported { .. } | Endpoint::Sumdb { .. } => Err(
            Error::Internal(format!("{endpoint:?} is not a module endpoint")),
        ),
    }
}

fn modified(path: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The status a fetch error is answered with. "Not found" in any form
/// (an unknown revision, a query no version matches, offline and not
/// stored) is `404` — or the upstream's own `410` — which go treats as not
/// found and falls through on; a failed checksum check is `403`, which
/// stops go; an upstream failure is `502`.
pub(crate) fn status(error: &Error) -> StatusCode {
    match error {
        Error::Proxy(proxy) if error.is_not_exist() => match proxy.kind() {
            ErrorKind::Fetch {
                error: FetchError::Status { code: 410, .. },
                ..
            } => StatusCode::GONE,
            _ => StatusCode::NOT_FOUND,
        },
        _ if error.is_not_exist() => StatusCode::NOT_FOUND,
        _ if error.is_security() => StatusCode::FORBIDDEN,
        Error::Offline { .. }
        | Error::Invalid { .. }
        | Error::NoMatchingVersion { .. }
        | Error::NotAllowed { .. } => StatusCode::NOT_FOUND,
        Error::Proxy(_) | Error::BadZip { .. } | Error::Zip(_) | Error::RefreshFailed { .. } => {
            StatusCode::BAD_GATEWAY
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
