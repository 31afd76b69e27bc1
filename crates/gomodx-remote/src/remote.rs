//! [`Remote`]: reads that verify, writes that are safe to race.

use std::io::Write;
use std::path::Path as FsPath;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use gomodx_module::ModuleVersion;
use gomodx_store::{ArtifactKind, Ref};
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::config::RemoteConfig;
use crate::error::RemoteError;
use crate::keys::Layout;
use crate::meta::{RemoteMeta, RemoteMetaKey};

/// An S3 bucket and prefix holding a shared store. Cheap to share behind
/// an `Arc`; every method is safe to call from many tasks and machines.
#[derive(Debug)]
pub struct Remote {
    objects: Arc<dyn ObjectStore>,
    layout: Layout,
}

impl Remote {
    /// Connects to the remote `config` names (no request is made yet).
    pub fn open(config: &RemoteConfig) -> Result<Self, RemoteError> {
        let target = config.target()?;
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(target.layout.bucket())
            .with_region(&target.region)
            .with_allow_http(target.http)
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(60),
                ..RetryConfig::default()
            });
        if let Some(endpoint) = &target.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(key) = &config.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &config.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        if let Some(token) = &config.session_token {
            builder = builder.with_token(token);
        }
        // The builder's errors name settings, never their values.
        let objects = builder.build().map_err(|e| RemoteError::Config {
            url: target.layout.url(),
            reason: e.to_string(),
        })?;
        Ok(Self {
            objects: Arc::new(objects),
            layout: target.layout,
        })
    }

    /// `s3://bucket/prefix`, how the remote is named to users.
    pub fn url(&self) -> String {
        self.layout.url()
    }

    /// Where everything lives.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The ref of `kind` of `module`; `None` if there is none. A ref that
    /// is not valid ref JSON is [`RemoteError::Invalid`].
    pub async fn get_ref(
        &self,
        module: &ModuleVersion,
        kind: ArtifactKind,
    ) -> Result<Option<Ref>, RemoteError> {
        let key = self.layout.reference(module, kind)?;
        let Some(bytes) = self.get_small(&key).await? else {
            return Ok(None);
        };
        let reference: Ref = serde_json::from_slice(&bytes).map_err(|e| RemoteError::Invalid {
            object: self.layout.object_url(&key),
            reason: format!("not a ref: {e}"),
        })?;
        if !is_digest(&reference.sha256) || reference.h1.is_some() != kind.has_h1() {
            return Err(RemoteError::Invalid {
                object: self.layout.object_url(&key),
                reason: "not a ref: bad sha256 or h1".into(),
            });
        }
        Ok(Some(reference))
    }

    /// Records `reference` as `kind` of `module`. Upload its blob first
    /// ([`put_blob_file`](Self::put_blob_file), [`put_blob`](Self::put_blob)).
    pub async fn put_ref(
        &self,
        module: &ModuleVersion,
        kind: ArtifactKind,
        reference: &Ref,
    ) -> Result<(), RemoteError> {
        let key = self.layout.reference(module, kind)?;
        let mut json = serde_json::to_vec(reference).expect("a Ref always serializes");
        json.push(b'\n');
        self.put_small(&key, json).await
    }

    /// The whole blob `sha256`, verified; `None` if it is absent. A blob
    /// whose content does not hash to its name is [`RemoteError::Corrupt`].
    pub async fn get_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>, RemoteError> {
        let mut bytes = Vec::new();
        Ok(self.get_blob_into(sha256, &mut bytes).await?.map(|_| bytes))
    }

    /// Streams the blob `sha256` into `out`, verifying it; returns its size,
    /// or `None` if it is absent. On [`RemoteError::Corrupt`] `out` holds
    /// the bad bytes: the caller discards them.
    pub async fn get_blob_into(
        &self,
        sha256: &str,
        out: &mut (dyn Write + Send),
    ) -> Result<Option<u64>, RemoteError> {
        let key = self.blob_key(sha256)?;
        let object = self.layout.object_url(&key);
        let Some(result) = self.get(&key).await? else {
            return Ok(None);
        };
        let mut stream = result.into_stream();
        let (mut hasher, mut size) = (Sha256::new(), 0u64);
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| request_error("GET", &object, e))?;
            hasher.update(&chunk);
            size += chunk.len() as u64;
            out.write_all(&chunk).map_err(|source| RemoteError::Local {
                operation: "GET",
                object: object.clone(),
                path: "(local copy)".into(),
                source,
            })?;
        }
        let actual = hex::encode(hasher.finalize());
        if actual != sha256 {
            return Err(RemoteError::Corrupt {
                object,
                expected: sha256.to_owned(),
                actual,
            });
        }
        Ok(Some(size))
    }

    /// Whether the blob `sha256` is there with `size` bytes (a cheap check
    /// before an upload; content is verified only when read).
    pub async fn has_blob(&self, sha256: &str, size: u64) -> Result<bool, RemoteError> {
        let key = self.blob_key(sha256)?;
        match self.objects.head(&object_path(&key)?).await {
            Ok(meta) => Ok(meta.size == size),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(request_error("HEAD", &self.layout.object_url(&key), e)),
        }
    }

    /// Uploads `bytes` as the blob `sha256` (their hash, checked by the
    /// caller), replacing whatever object has that name.
    pub async fn put_blob(&self, sha256: &str, bytes: Vec<u8>) -> Result<(), RemoteError> {
        let key = self.blob_key(sha256)?;
        self.put_small(&key, bytes).await
    }

    /// Uploads the local file `path` (whose SHA-256 is `sha256`, a store
    /// blob) as that blob, streaming it (multipart when large) and
    /// replacing whatever object has that name.
    pub async fn put_blob_file(&self, sha256: &str, path: &FsPath) -> Result<(), RemoteError> {
        let key = self.blob_key(sha256)?;
        let object = self.layout.object_url(&key);
        let local = |source| RemoteError::Local {
            operation: "PUT",
            object: object.clone(),
            path: path.display().to_string(),
            source,
        };
        let mut file = tokio::fs::File::open(path).await.map_err(local)?;
        let mut writer = BufWriter::new(self.objects.clone(), object_path(&key)?);
        let copied = tokio::io::copy(&mut file, &mut writer).await;
        let done = match copied {
            Ok(_) => writer.shutdown().await,
            Err(e) => {
                // Abandon the upload: nothing becomes visible.
                let _ = writer.abort().await;
                Err(e)
            }
        };
        done.map_err(local)
    }

    /// The mutable answer `key` about `module_path`; `None` if there is none.
    pub async fn get_meta(
        &self,
        module_path: &str,
        key: RemoteMetaKey,
    ) -> Result<Option<RemoteMeta>, RemoteError> {
        let object_key = self.layout.meta(module_path, key)?;
        let Some(bytes) = self.get_small(&object_key).await? else {
            return Ok(None);
        };
        RemoteMeta::from_json(&bytes)
            .map(Some)
            .map_err(|reason| RemoteError::Invalid {
                object: self.layout.object_url(&object_key),
                reason: format!("not an answer: {reason}"),
            })
    }

    /// Records `meta` as the answer `key` about `module_path`, replacing
    /// the one there (the newest writer wins; every answer carries its time).
    pub async fn put_meta(
        &self,
        module_path: &str,
        key: RemoteMetaKey,
        meta: &RemoteMeta,
    ) -> Result<(), RemoteError> {
        let object_key = self.layout.meta(module_path, key)?;
        self.put_small(&object_key, meta.to_json()).await
    }

    /// The key of blob `sha256`, which must be a digest.
    fn blob_key(&self, sha256: &str) -> Result<String, RemoteError> {
        if !is_digest(sha256) {
            return Err(RemoteError::Invalid {
                object: self.layout.url(),
                reason: format!("`{sha256}` is not a sha256 digest"),
            });
        }
        Ok(self.layout.blob(sha256))
    }

    async fn get(&self, key: &str) -> Result<Option<object_store::GetResult>, RemoteError> {
        match self.objects.get(&object_path(key)?).await {
            Ok(result) => Ok(Some(result)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(request_error("GET", &self.layout.object_url(key), e)),
        }
    }

    async fn get_small(&self, key: &str) -> Result<Option<Vec<u8>>, RemoteError> {
        let Some(result) = self.get(key).await? else {
            return Ok(None);
        };
        let bytes = result
            .bytes()
            .await
            .map_err(|e| request_error("GET", &self.layout.object_url(key), e))?;
        Ok(Some(bytes.to_vec()))
    }

    async fn put_small(&self, key: &str, bytes: Vec<u8>) -> Result<(), RemoteError> {
        self.objects
            .put(&object_path(key)?, PutPayload::from(bytes))
            .await
            .map(drop)
            .map_err(|e| request_error("PUT", &self.layout.object_url(key), e))
    }
}

/// An object store path for `key`, refusing what S3 could not name.
fn object_path(key: &str) -> Result<Path, RemoteError> {
    Path::parse(key).map_err(|e| RemoteError::Key {
        module: key.to_owned(),
        reason: e.to_string(),
    })
}

fn request_error(operation: &'static str, object: &str, e: object_store::Error) -> RemoteError {
    RemoteError::Request {
        operation,
        object: object.to_owned(),
        source: Box::new(e),
    }
}

/// 64 lower-case hex digits.
fn is_digest(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
