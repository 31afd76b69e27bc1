//! Object keys: where each thing lives under the remote's prefix.

use gomodx_module::ModuleVersion;
use gomodx_module::escape::{escape_path, escape_version};
use gomodx_store::ArtifactKind;

use crate::error::RemoteError;
use crate::meta::RemoteMetaKey;

/// A bucket and key prefix, and the keys of everything under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    bucket: String,
    /// Without leading or trailing `/`; may be empty.
    prefix: String,
}

impl Layout {
    /// The layout of `prefix` (leading and trailing `/` ignored) in `bucket`.
    pub fn new(bucket: impl Into<String>, prefix: &str) -> Self {
        Self {
            bucket: bucket.into(),
            prefix: prefix.trim_matches('/').to_owned(),
        }
    }

    /// The bucket.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// `s3://bucket/prefix` (or `s3://bucket`).
    pub fn url(&self) -> String {
        if self.prefix.is_empty() {
            format!("s3://{}", self.bucket)
        } else {
            format!("s3://{}/{}", self.bucket, self.prefix)
        }
    }

    /// `s3://bucket/<key>`, how errors and warnings name an object.
    pub fn object_url(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket)
    }

    /// `<prefix>/blobs-v1/sha256/<2 hex>/<64 hex>`. `sha256` must be a
    /// digest (64 lower-case hex digits), as in a ref.
    pub fn blob(&self, sha256: &str) -> String {
        self.key(&format!("blobs-v1/sha256/{}/{sha256}", &sha256[..2]))
    }

    /// `<prefix>/refs-v1/<escaped module>/@v/<escaped version>.<kind>.json`.
    pub fn reference(
        &self,
        module: &ModuleVersion,
        kind: ArtifactKind,
    ) -> Result<String, RemoteError> {
        let path = escape_path(&module.path)?;
        let version = escape_version(&module.version)?;
        Ok(self.key(&format!("refs-v1/{path}/@v/{version}.{kind}.json")))
    }

    /// `<prefix>/meta-v1/<escaped module>/@v/<list|latest>.json`.
    pub fn meta(&self, module_path: &str, key: RemoteMetaKey) -> Result<String, RemoteError> {
        let path = escape_path(module_path)?;
        Ok(self.key(&format!("meta-v1/{path}/@v/{}.json", key.name())))
    }

    fn key(&self, rest: &str) -> String {
        if self.prefix.is_empty() {
            rest.to_owned()
        } else {
            format!("{}/{rest}", self.prefix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "ab1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcd";

    #[test]
    fn blobs_are_named_by_their_hash() {
        let layout = Layout::new("team", "/gomodx/cache/");
        assert_eq!(
            layout.blob(SHA),
            format!("gomodx/cache/blobs-v1/sha256/ab/{SHA}")
        );
        assert_eq!(layout.url(), "s3://team/gomodx/cache");
        assert_eq!(
            layout.object_url(&layout.blob(SHA)),
            format!("s3://team/gomodx/cache/blobs-v1/sha256/ab/{SHA}")
        );
    }

    #[test]
    fn an_empty_prefix_is_the_bucket_root() {
        let layout = Layout::new("team", "");
        assert_eq!(layout.blob(SHA), format!("blobs-v1/sha256/ab/{SHA}"));
        assert_eq!(layout.url(), "s3://team");
    }

    #[test]
    fn refs_escape_module_and_version_as_the_store() {
        let layout = Layout::new("team", "p");
        let module = ModuleVersion::new("github.com/BurntSushi/toml", "v1.2.0+incompatible");
        assert_eq!(
            layout.reference(&module, ArtifactKind::Zip).unwrap(),
            "p/refs-v1/github.com/!burnt!sushi/toml/@v/v1.2.0+incompatible.zip.json"
        );
        assert_eq!(
            layout
                .reference(
                    &ModuleVersion::new("rsc.io/quote", "v1.5.2"),
                    ArtifactKind::Info
                )
                .unwrap(),
            "p/refs-v1/rsc.io/quote/@v/v1.5.2.info.json"
        );
        let bad = ModuleVersion::new("rsc.io/quote", "v1.0.0!");
        assert!(layout.reference(&bad, ArtifactKind::Mod).is_err());
        let bad = ModuleVersion::new("../etc", "v1.0.0");
        assert!(layout.reference(&bad, ArtifactKind::Mod).is_err());
    }

    #[test]
    fn mutable_answers_live_apart() {
        let layout = Layout::new("team", "p");
        assert_eq!(
            layout.meta("rsc.io/Quote", RemoteMetaKey::List).unwrap(),
            "p/meta-v1/rsc.io/!quote/@v/list.json"
        );
        assert_eq!(
            layout.meta("rsc.io/quote", RemoteMetaKey::Latest).unwrap(),
            "p/meta-v1/rsc.io/quote/@v/latest.json"
        );
    }
}
