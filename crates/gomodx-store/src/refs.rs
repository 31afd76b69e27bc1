//! Refs: which blob holds the `.info`, `.mod` or `.zip` of a module version.
//!
//! Immutable artifacts are keyed by module and version only (not by proxy):
//! go.sum and the checksum database make copies from any proxy
//! interchangeable. A ref is written once; readers see a complete ref or
//! none, and a ref whose blob is gone counts as absent.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use gomodx_module::ModuleVersion;
use serde::{Deserialize, Serialize};

use crate::blob::{Blob, is_digest};
use crate::disk::{IoContext, create_dir_all, if_exists, read_if_exists, remove_file};
use crate::error::StoreError;
use crate::store::{REFS, Store, parent, version_file, version_stem};
use crate::walk::{RefWalk, Walked};

/// The three immutable files the proxy protocol serves per version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArtifactKind {
    /// `@v/<version>.info`: JSON with the version and its time.
    Info,
    /// `@v/<version>.mod`: the go.mod file.
    Mod,
    /// `@v/<version>.zip`: the module zip.
    Zip,
}

impl ArtifactKind {
    /// All kinds, in a fixed order.
    pub const ALL: [ArtifactKind; 3] = [ArtifactKind::Info, ArtifactKind::Mod, ArtifactKind::Zip];

    /// The proxy file extension: `info`, `mod` or `zip`.
    pub fn extension(self) -> &'static str {
        match self {
            ArtifactKind::Info => "info",
            ArtifactKind::Mod => "mod",
            ArtifactKind::Zip => "zip",
        }
    }

    /// The kind for a proxy file extension.
    pub fn from_extension(extension: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.extension() == extension)
    }

    /// Whether go.sum records an `h1:` hash for this kind (`.mod` and `.zip`).
    pub fn has_h1(self) -> bool {
        match self {
            ArtifactKind::Info => false,
            ArtifactKind::Mod | ArtifactKind::Zip => true,
        }
    }
}

impl fmt::Display for ArtifactKind {
    /// The extension, as in `.zip`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// A ref file: `refs-v1/<escaped module>/@v/<escaped version>.<kind>.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ref {
    /// The blob holding the artifact's bytes.
    pub sha256: String,
    /// The blob's size in bytes.
    pub size: u64,
    /// The go.sum hash (`h1:…`): of the zip's files for `.zip`, of the
    /// one-file tree `go.mod` for `.mod`; `None` for `.info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub h1: Option<String>,
    /// Where the bytes came from: the proxy base URL, redacted (no password).
    pub source: String,
    /// When the bytes were fetched.
    #[serde(with = "crate::time::rfc3339")]
    pub fetched_at: SystemTime,
}

impl Ref {
    /// A ref to `blob`, fetched from `source` (a redacted URL) just now, without `h1`.
    pub fn new(blob: &Blob, source: impl Into<String>) -> Self {
        Self {
            sha256: blob.sha256.clone(),
            size: blob.size,
            h1: None,
            source: source.into(),
            fetched_at: SystemTime::now(),
        }
    }

    /// The same ref with its go.sum hash (`h1:…`).
    #[must_use]
    pub fn with_h1(mut self, h1: impl Into<String>) -> Self {
        self.h1 = Some(h1.into());
        self
    }
}

impl Store {
    /// Records that `kind` of `module` is the blob `reference.sha256`.
    ///
    /// The blob must already be committed. Refs are written once, atomically:
    /// if a ref with the same blob exists, it is kept (with its original
    /// `fetched_at`); if one with a different blob exists and that blob is
    /// still present, this is a [`StoreError::RefConflict`]. A ref whose blob
    /// is missing, the wrong size or unreadable is replaced.
    ///
    /// Two processes racing to write the same ref both succeed; hold
    /// [`lock_module_version`](Self::lock_module_version) to fetch once.
    pub fn put_ref(
        &self,
        module: &ModuleVersion,
        kind: ArtifactKind,
        reference: &Ref,
    ) -> Result<(), StoreError> {
        let invalid = |reason| StoreError::InvalidRef {
            module_version: module.to_string(),
            kind,
            reason,
        };
        if !is_digest(&reference.sha256) {
            return Err(invalid("sha256 is not 64 lower-case hex digits"));
        }
        if reference.h1.is_some() != kind.has_h1() {
            return Err(invalid(if kind.has_h1() {
                "h1 is missing"
            } else {
                "h1 is only for .mod and .zip"
            }));
        }
        if !self.blob_matches(reference)? {
            return Err(StoreError::MissingBlob {
                sha256: reference.sha256.clone(),
            });
        }
        let path = self.ref_path(module, kind)?;
        if let Some(existing) = read_ref(&path)? {
            if existing.sha256 == reference.sha256 {
                return Ok(());
            }
            if self.blob_matches(&existing)? {
                return Err(StoreError::RefConflict {
                    module_version: module.to_string(),
                    kind,
                    existing: existing.sha256,
                    new: reference.sha256.clone(),
                });
            }
        }
        let mut json = serde_json::to_vec(reference).expect("a Ref always serializes to JSON");
        json.push(b'\n');
        create_dir_all(parent(&path))?;
        self.write_file(&path, &json)?;
        Ok(())
    }

    /// The ref for `kind` of `module`, or `None` if there is none. A ref
    /// that cannot be parsed, or whose blob is missing or has the wrong
    /// size, counts as absent (the caller fetches again and `put_ref`
    /// replaces it).
    pub fn get_ref(
        &self,
        module: &ModuleVersion,
        kind: ArtifactKind,
    ) -> Result<Option<Ref>, StoreError> {
        let Some(reference) = read_ref(&self.ref_path(module, kind)?)? else {
            return Ok(None);
        };
        Ok(self.blob_matches(&reference)?.then_some(reference))
    }

    /// Like [`get_ref`](Self::get_ref) without looking at the blob: for
    /// callers that read or verify the blob next anyway (which reports a
    /// missing one), saving a `stat` per artifact on warm runs.
    pub fn get_ref_unchecked(
        &self,
        module: &ModuleVersion,
        kind: ArtifactKind,
    ) -> Result<Option<Ref>, StoreError> {
        read_ref(&self.ref_path(module, kind)?)
    }

    /// Whether a ref file exists for each of `kinds` of `module`: one
    /// `stat` each, relative to a handle on `refs-v1` kept by the store;
    /// neither the refs nor their blobs are read.
    pub fn has_refs(&self, module: &ModuleVersion, kinds: &[ArtifactKind]) -> bool {
        let Ok(stem) = version_stem(module) else {
            return false;
        };
        let refs = self.refs_handle();
        kinds
            .iter()
            .all(|kind| refs.regular_file(&format!("{stem}.{kind}.json")).is_some())
    }

    /// Removes the ref for `kind` of `module` (its blob stays until `gc`).
    /// Returns whether there was one.
    pub fn remove_ref(
        &self,
        module: &ModuleVersion,
        kind: ArtifactKind,
    ) -> Result<bool, StoreError> {
        Ok(remove_file(&self.ref_path(module, kind)?)?)
    }

    /// Every ref in the store whose blob is present, directory by directory
    /// in no particular order, for cache listings. Unreadable entries are
    /// skipped, as [`get_ref`](Self::get_ref) would treat them as absent.
    pub fn list_refs(&self) -> RefIter {
        RefIter {
            store: self.clone(),
            walk: RefWalk::new(self.bucket(REFS)),
        }
    }

    /// `refs-v1/<escaped module>/@v/<escaped version>.<kind>.json`.
    fn ref_path(&self, module: &ModuleVersion, kind: ArtifactKind) -> Result<PathBuf, StoreError> {
        version_file(&self.bucket(REFS), module, &format!(".{kind}.json"))
    }

    /// Whether `reference`'s blob exists with the recorded size.
    pub(crate) fn blob_matches(&self, reference: &Ref) -> Result<bool, StoreError> {
        if !is_digest(&reference.sha256) {
            return Ok(false);
        }
        let path = self.blob_file(&reference.sha256);
        let meta = if_exists(fs::metadata(&path)).at("stat", &path)?;
        Ok(meta.is_some_and(|meta| meta.len() == reference.size))
    }
}

/// Reads a ref file; `None` if it is missing or not a valid ref.
fn read_ref(path: &Path) -> Result<Option<Ref>, StoreError> {
    let Some(bytes) = read_if_exists(path)? else {
        return Ok(None);
    };
    Ok(serde_json::from_slice(&bytes).ok())
}

/// The iterator returned by [`Store::list_refs`]: `(module, kind, ref)`.
#[derive(Debug)]
pub struct RefIter {
    store: Store,
    walk: RefWalk,
}

impl Iterator for RefIter {
    type Item = Result<(ModuleVersion, ArtifactKind, Ref), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let entry = match self.walk.next()? {
                Ok(Walked::Ref(entry)) => entry,
                Ok(Walked::Stray(_)) => continue,
                Err(err) => return Some(Err(err)),
            };
            match self.store.blob_matches(&entry.reference) {
                Ok(true) => return Some(Ok((entry.module, entry.kind, entry.reference))),
                Ok(false) => {}
                Err(err) => return Some(Err(err)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::temp_store;

    const PROXY: &str = "https://proxy.golang.org";
    const H1: &str = "h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y=";

    fn quote() -> ModuleVersion {
        ModuleVersion::new("rsc.io/QUOTE", "v1.5.2")
    }

    /// Stores `content` and returns a ref to it (with an h1 when `kind` needs one).
    fn stored(store: &Store, kind: ArtifactKind, content: &[u8]) -> Ref {
        let reference = Ref::new(&store.put_bytes(content).unwrap(), PROXY);
        if kind.has_h1() {
            reference.with_h1(H1)
        } else {
            reference
        }
    }

    #[test]
    fn ref_round_trips_with_its_json_layout() {
        let (_dir, store) = temp_store();
        let reference = stored(&store, ArtifactKind::Zip, b"zip bytes");
        store
            .put_ref(&quote(), ArtifactKind::Zip, &reference)
            .unwrap();
        assert_eq!(
            store.get_ref(&quote(), ArtifactKind::Zip).unwrap(),
            Some(reference.clone())
        );
        assert_eq!(store.get_ref(&quote(), ArtifactKind::Mod).unwrap(), None);
        assert!(store.has_refs(&quote(), &[ArtifactKind::Zip]));
        assert!(!store.has_refs(&quote(), &[ArtifactKind::Zip, ArtifactKind::Mod]));

        let path = store
            .root()
            .join("refs-v1/rsc.io/!q!u!o!t!e/@v/v1.5.2.zip.json");
        let json: serde_json::Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
        assert_eq!(json["sha256"], reference.sha256);
        assert_eq!(json["size"], 9);
        assert_eq!(json["h1"], H1);
        assert_eq!(json["source"], PROXY);
        let fetched_at = json["fetched_at"].as_str().unwrap();
        assert_eq!(
            humantime::parse_rfc3339(fetched_at).unwrap(),
            reference.fetched_at
        );
        assert!(fetched_at.ends_with('Z'), "{fetched_at}");
    }

    #[test]
    fn info_refs_have_no_h1() {
        let (_dir, store) = temp_store();
        let reference = stored(&store, ArtifactKind::Info, br#"{"Version":"v1.5.2"}"#);
        store
            .put_ref(&quote(), ArtifactKind::Info, &reference)
            .unwrap();
        let path = store
            .root()
            .join("refs-v1/rsc.io/!q!u!o!t!e/@v/v1.5.2.info.json");
        assert!(!fs::read_to_string(path).unwrap().contains("h1"));

        let with_h1 = reference.clone().with_h1(H1);
        let err = store
            .put_ref(&quote(), ArtifactKind::Info, &with_h1)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid .info ref for rsc.io/QUOTE@v1.5.2: h1 is only for .mod and .zip"
        );
        let err = store
            .put_ref(&quote(), ArtifactKind::Mod, &reference)
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::InvalidRef {
                    reason: "h1 is missing",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn ref_whose_blob_is_missing_counts_as_absent() {
        let (_dir, store) = temp_store();
        let reference = stored(&store, ArtifactKind::Mod, b"module rsc.io/QUOTE\n");
        store
            .put_ref(&quote(), ArtifactKind::Mod, &reference)
            .unwrap();
        fs::remove_file(store.blob_path(&reference.sha256).unwrap()).unwrap();
        assert_eq!(store.get_ref(&quote(), ArtifactKind::Mod).unwrap(), None);
        assert_eq!(store.list_refs().count(), 0);

        // Fetching again repairs it.
        let again = stored(&store, ArtifactKind::Mod, b"module rsc.io/QUOTE\n");
        store.put_ref(&quote(), ArtifactKind::Mod, &again).unwrap();
        assert_eq!(
            store.get_ref(&quote(), ArtifactKind::Mod).unwrap(),
            Some(reference)
        );
    }

    #[test]
    fn put_ref_needs_the_blob() {
        let (_dir, store) = temp_store();
        let blob = Blob {
            sha256: "a".repeat(64),
            size: 3,
        };
        let err = store
            .put_ref(&quote(), ArtifactKind::Info, &Ref::new(&blob, PROXY))
            .unwrap_err();
        assert!(matches!(err, StoreError::MissingBlob { .. }), "{err}");
        let bad = Blob {
            sha256: "../x".to_owned(),
            size: 3,
        };
        let err = store
            .put_ref(&quote(), ArtifactKind::Info, &Ref::new(&bad, PROXY))
            .unwrap_err();
        assert!(matches!(err, StoreError::InvalidRef { .. }), "{err}");
    }

    #[test]
    fn refs_are_written_once() {
        let (_dir, store) = temp_store();
        let first = stored(&store, ArtifactKind::Info, b"first");
        store.put_ref(&quote(), ArtifactKind::Info, &first).unwrap();

        let mut same = stored(&store, ArtifactKind::Info, b"first");
        same.fetched_at += std::time::Duration::from_secs(60);
        same.source = "https://other.example".to_owned();
        store.put_ref(&quote(), ArtifactKind::Info, &same).unwrap();
        assert_eq!(
            store.get_ref(&quote(), ArtifactKind::Info).unwrap(),
            Some(first.clone()),
            "original kept"
        );

        let other = stored(&store, ArtifactKind::Info, b"second");
        let err = store
            .put_ref(&quote(), ArtifactKind::Info, &other)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "rsc.io/QUOTE@v1.5.2: stored .info has sha256:{}, refusing to replace it with sha256:{}",
                first.sha256, other.sha256
            )
        );

        // Once the old content is gone (quarantined, collected), it may be replaced.
        fs::remove_file(store.blob_path(&first.sha256).unwrap()).unwrap();
        store.put_ref(&quote(), ArtifactKind::Info, &other).unwrap();
        assert_eq!(
            store.get_ref(&quote(), ArtifactKind::Info).unwrap(),
            Some(other)
        );
    }

    #[test]
    fn remove_ref_reports_whether_it_existed() {
        let (_dir, store) = temp_store();
        let reference = stored(&store, ArtifactKind::Info, b"{}");
        store
            .put_ref(&quote(), ArtifactKind::Info, &reference)
            .unwrap();
        assert!(store.remove_ref(&quote(), ArtifactKind::Info).unwrap());
        assert!(!store.remove_ref(&quote(), ArtifactKind::Info).unwrap());
        assert_eq!(store.get_ref(&quote(), ArtifactKind::Info).unwrap(), None);
        assert!(
            store.blob_path(&reference.sha256).unwrap().exists(),
            "blob stays until gc"
        );
    }

    #[test]
    fn malformed_ref_counts_as_absent_and_is_replaced() {
        let (_dir, store) = temp_store();
        let path = store
            .root()
            .join("refs-v1/rsc.io/!q!u!o!t!e/@v/v1.5.2.mod.json");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "{not json").unwrap();
        assert_eq!(store.get_ref(&quote(), ArtifactKind::Mod).unwrap(), None);
        let reference = stored(&store, ArtifactKind::Mod, b"module x\n");
        store
            .put_ref(&quote(), ArtifactKind::Mod, &reference)
            .unwrap();
        assert_eq!(
            store.get_ref(&quote(), ArtifactKind::Mod).unwrap(),
            Some(reference)
        );
    }

    #[test]
    fn list_refs_finds_every_live_ref() {
        let (_dir, store) = temp_store();
        let modules = [
            ModuleVersion::new("rsc.io/QUOTE", "v1.5.2"),
            ModuleVersion::new("rsc.io/quote", "v1.5.2"),
            ModuleVersion::new("rsc.io/quote/v3", "v3.1.0"),
            ModuleVersion::new("golang.org/x/text", "v0.0.0-20170915032832-14c0d48ead0c"),
            ModuleVersion::new("example.com/m", "v2.0.0+incompatible"),
        ];
        let mut want = Vec::new();
        for (i, module) in modules.iter().enumerate() {
            for kind in ArtifactKind::ALL {
                let reference = stored(&store, kind, format!("{i} {kind}").as_bytes());
                store.put_ref(module, kind, &reference).unwrap();
                want.push((module.clone(), kind, reference));
            }
        }
        // Neither a dangling ref nor junk is listed.
        let dangling = stored(&store, ArtifactKind::Info, b"dangling");
        let gone = ModuleVersion::new("example.com/gone", "v1.0.0");
        store.put_ref(&gone, ArtifactKind::Info, &dangling).unwrap();
        fs::remove_file(store.blob_path(&dangling.sha256).unwrap()).unwrap();
        let versions = store.root().join("refs-v1/rsc.io/quote/@v");
        fs::write(versions.join("v1.5.2.info.json.tmp123"), "partial").unwrap();
        fs::write(versions.join("v1.0.0.exe.json"), "{}").unwrap();

        let mut got: Vec<_> = store.list_refs().collect::<Result<_, _>>().unwrap();
        got.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        want.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        assert_eq!(got, want);
    }
}
