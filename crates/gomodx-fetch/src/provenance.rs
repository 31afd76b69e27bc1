//! Where answers came from, in words: an [`Answer`]'s source and age, and
//! — offline — the one typed error naming everything that was missing
//! with the command that would fetch it ([`OfflineError`]).

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use crate::{Answer, AnswerSource, Connectivity, Error, Fetcher, Missing};

impl Answer {
    /// `from <proxy> (network, just now)` or `from the gomodx store
    /// (<proxy>, 3m old)`.
    pub fn describe(&self) -> String {
        let (proxy, age) = (&self.proxy, human_age(self.age()));
        match self.source {
            AnswerSource::Network => format!("from {proxy} (network, just now)"),
            AnswerSource::Revalidated => {
                format!("from the gomodx store, confirmed unchanged by {proxy} just now")
            }
            AnswerSource::Store => format!("from the gomodx store ({proxy}, {age} old)"),
            AnswerSource::Remote => format!("from the remote ({proxy}, {age} old)"),
            AnswerSource::Stale { .. } => {
                format!("from the gomodx store, stale ({proxy}, {age} old)")
            }
        }
    }

    /// The provenance as JSON: `{"Endpoint","Source","Proxy","Age"}`
    /// (`Age` in whole seconds).
    pub fn to_json(&self) -> serde_json::Value {
        let source = match self.source {
            AnswerSource::Network => "network",
            AnswerSource::Revalidated => "revalidated",
            AnswerSource::Store => "store",
            AnswerSource::Remote => "remote",
            AnswerSource::Stale { .. } => "stale",
        };
        serde_json::json!({
            "Endpoint": self.endpoint(),
            "Source": source,
            "Proxy": self.proxy,
            "Age": self.age().as_secs(),
        })
    }
}

/// `42s`, `3m`, `5h`, `2d`.
pub fn human_age(age: Duration) -> String {
    let seconds = age.as_secs();
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3600 => format!("{}m", seconds / 60),
        3600..86400 => format!("{}h", seconds / 3600),
        _ => format!("{}d", seconds / 86400),
    }
}

impl Missing {
    /// The download argument that fetches it: `path@version`, or
    /// `path@latest` for a version list.
    pub fn target(&self) -> String {
        if self.version.is_empty() {
            format!("{}@latest", self.path)
        } else {
            format!("{}@{}", self.path, self.version)
        }
    }
}

impl fmt::Display for Missing {
    /// `path@version (.zip)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.version.is_empty() {
            write!(f, "{} ({})", self.path, self.file)
        } else {
            write!(f, "{}@{} ({})", self.path, self.version, self.file)
        }
    }
}

/// Offline, everything that was not in the cache: one error for all of
/// them, with [`OfflineError::hint`] naming the download that fetches them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineError {
    /// What disabled the network (`` `--offline` ``).
    pub reason: String,
    /// What was missing, sorted, at least one.
    pub missing: Vec<Missing>,
}

impl fmt::Display for OfflineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.missing.len() {
            1 => write!(f, "1 file is")?,
            n => write!(f, "{n} files are")?,
        }
        write!(
            f,
            " not in the cache and the network is disabled by {}:",
            self.reason
        )?;
        self.missing
            .iter()
            .try_for_each(|missing| write!(f, "\n  {missing}"))
    }
}

impl StdError for OfflineError {}

impl OfflineError {
    /// `run `gomodx download m@v …` online first`.
    pub fn hint(&self) -> String {
        let mut targets: Vec<String> = self.missing.iter().map(Missing::target).collect();
        targets.dedup();
        format!("run `gomodx download {}` online first", targets.join(" "))
    }
}

/// Whether `err`, or an error it wraps (through the resolver's errors
/// too), is [`Error::Offline`]: something missing from the cache while
/// the network is off, and nothing else.
pub fn is_offline_miss(err: &(dyn StdError + 'static)) -> bool {
    use gomodx_resolver::{BuildListError, GoModError, GoModErrorKind, LoadError, SourceError};
    if let Some(err) = err.downcast_ref::<Error>() {
        return matches!(err, Error::Offline { .. });
    }
    let inner: Option<&(dyn StdError + 'static)> =
        if let Some(e) = err.downcast_ref::<SourceError>() {
            Some(e.get())
        } else if let Some(e) = err.downcast_ref::<GoModError>() {
            match &e.kind {
                GoModErrorKind::Source(source) => Some(source),
                _ => None,
            }
        } else if let Some(e) = err.downcast_ref::<BuildListError<GoModError>>() {
            Some(e.error())
        } else if let Some(LoadError::BuildList(e)) = err.downcast_ref::<LoadError>() {
            Some(&**e)
        } else {
            err.source()
        };
    inner.is_some_and(is_offline_miss)
}

impl Fetcher {
    /// Offline, the one error naming every file missing so far; `None`
    /// online or when nothing was missing. Callers use it for errors that
    /// [`is_offline_miss`] says are misses, never in place of another.
    pub fn offline_error(&self) -> Option<OfflineError> {
        let Connectivity::Offline { reason } = &self.freshness().connectivity else {
            return None;
        };
        let missing = self.offline_misses();
        (!missing.is_empty()).then(|| OfflineError {
            reason: reason.clone(),
            missing,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_are_short() {
        assert_eq!(human_age(Duration::from_secs(42)), "42s");
        assert_eq!(human_age(Duration::from_secs(190)), "3m");
        assert_eq!(human_age(Duration::from_secs(7300)), "2h");
        assert_eq!(human_age(Duration::from_secs(200_000)), "2d");
    }

    #[test]
    fn missing_files_name_their_download() {
        let missing = Missing {
            path: "rsc.io/quote".to_owned(),
            version: "v1.5.2".to_owned(),
            file: ".zip".to_owned(),
        };
        assert_eq!(missing.to_string(), "rsc.io/quote@v1.5.2 (.zip)");
        assert_eq!(missing.target(), "rsc.io/quote@v1.5.2");
        let list = Missing {
            version: String::new(),
            file: "list".to_owned(),
            ..missing.clone()
        };
        assert_eq!(list.target(), "rsc.io/quote@latest");
        let error = OfflineError {
            reason: "`--offline`".to_owned(),
            missing: vec![list, missing],
        };
        assert_eq!(
            error.to_string(),
            "2 files are not in the cache and the network is disabled by `--offline`:\n  rsc.io/quote (list)\n  rsc.io/quote@v1.5.2 (.zip)"
        );
        assert_eq!(
            error.hint(),
            "run `gomodx download rsc.io/quote@latest rsc.io/quote@v1.5.2` online first"
        );
    }

    #[test]
    fn offline_misses_are_found_through_wrappers() {
        let offline = Error::Offline {
            path: "m".to_owned(),
            version: "v1.0.0".to_owned(),
            file: ".mod".to_owned(),
            reason: "`--offline`".to_owned(),
        };
        let wrapped = gomodx_resolver::SourceError::new(offline);
        assert!(is_offline_miss(&wrapped));
        let real = Error::Internal("disk on fire".to_owned());
        assert!(!is_offline_miss(&gomodx_resolver::SourceError::new(real)));
    }
}
