//! The checksum database, passed through: go clients whose GOPROXY is this
//! server find `/sumdb/<name>/supported` and then read the database's
//! `latest`, `lookup/…` and `tile/…` through it. The bytes are the
//! database's own (signed notes and tiles, verified by the client); this
//! only relays them.

use gomodx_client::{Client, FetchError, ProxyUrl};

/// The checksum database the server relays (its GOSUMDB).
pub struct SumdbUpstream {
    name: String,
    base: ProxyUrl,
    client: Client,
}

impl std::fmt::Debug for SumdbUpstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SumdbUpstream")
            .field("name", &self.name)
            .field("base", &self.base.redacted())
            .finish_non_exhaustive()
    }
}

impl SumdbUpstream {
    /// The database GOSUMDB names (`name`, `name+key`, either followed by
    /// its URL; without one, `https://<name>`), reached with `client`;
    /// `None` for `off`.
    pub fn new(gosumdb: &str, client: Client) -> Result<Option<Self>, String> {
        let gosumdb = match gosumdb.trim() {
            "off" => return Ok(None),
            "" => "sum.golang.org",
            "sum.golang.google.cn" => "sum.golang.org https://sum.golang.google.cn",
            other => other,
        };
        let mut fields = gosumdb.split_whitespace();
        let key = fields.next().unwrap_or_default();
        let name = key.split('+').next().unwrap_or_default().to_owned();
        if name.is_empty() || name.contains('/') {
            return Err(format!("invalid GOSUMDB {gosumdb:?}: no database name"));
        }
        let url = fields
            .next()
            .map_or_else(|| format!("https://{name}"), str::to_owned);
        let base = ProxyUrl::parse(&url).map_err(|e| format!("invalid GOSUMDB URL: {e}"))?;
        Ok(Some(Self { name, base, client }))
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `<database>/<rest>`, relayed.
    pub(crate) async fn get(&self, rest: &str) -> Result<Vec<u8>, FetchError> {
        self.client.get(&self.base, rest).await
    }
}
