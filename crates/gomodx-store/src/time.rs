//! `SystemTime` as an RFC 3339 string in the store's JSON files
//! (`2026-11-05T14:03:27.123456789Z`, UTC, full precision so a time read
//! back compares equal to the one written).

use std::time::SystemTime;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

/// For `#[serde(with = "crate::time::rfc3339")]`.
pub(crate) mod rfc3339 {
    use super::*;

    /// Writes `time` as RFC 3339.
    pub(crate) fn serialize<S: Serializer>(
        time: &SystemTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&humantime::format_rfc3339(*time))
    }

    /// Reads an RFC 3339 time.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<SystemTime, D::Error> {
        let text = String::deserialize(deserializer)?;
        humantime::parse_rfc3339(&text).map_err(D::Error::custom)
    }
}
