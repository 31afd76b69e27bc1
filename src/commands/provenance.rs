//! What the freshness policy did in a run, told to the user: corrupt
//! artifacts fetched again (always, loudly), stale answers used because
//! the network failed (a warning with their age), answers served from the
//! store (one status line with their source and age; each one with `-v`),
//! and — offline — one error naming everything that was missing, with the
//! command that would fetch it.

use std::time::Duration;

use gomodx_fetch::{Answer, AnswerSource, Connectivity, Fetcher, Missing};

use crate::printer::{Hinted, Printer};

/// Prints a store that cannot be written, repairs, stale-answer warnings, one status line per kind of
/// stored answer used and (with `-v`) every answer's provenance.
pub fn report(fetcher: &Fetcher, printer: &Printer) {
    if let Some(warning) = fetcher.store_warning() {
        printer.warn(warning);
    }
    for repair in fetcher.repairs() {
        printer.warn(format_args!("corrupt cache entry: {repair}"));
    }
    for warning in fetcher.remote_warnings() {
        printer.warn(format_args!("remote: {warning}"));
    }
    let answers = fetcher.answers();
    for answer in &answers {
        match &answer.source {
            AnswerSource::Stale { error } => printer.warn(format_args!(
                "using a stale answer for {} ({} old, from {}): the network failed: {error}",
                answer.endpoint(),
                human_age(answer.age()),
                answer.proxy
            )),
            _ => printer.verbose(format_args!("{}: {}", answer.endpoint(), describe(answer))),
        }
    }
    let of = |source: AnswerSource| -> Vec<&Answer> {
        answers.iter().filter(|a| a.source == source).collect()
    };
    if let Some(line) = summary(&of(AnswerSource::Store), "from the gomodx store") {
        printer.status("Stored", line);
    }
    if let Some(line) = summary(&of(AnswerSource::Remote), "from the remote") {
        printer.status("Shared", line);
    }
    if let Some(line) = summary(&of(AnswerSource::Revalidated), "unchanged since stored") {
        printer.status("Revalidated", line);
    }
}

/// `rsc.io/quote/@v/list from the gomodx store (http://p, 3m old)`, or for
/// several answers their count and the oldest age.
fn summary(answers: &[&Answer], what: &str) -> Option<String> {
    let oldest = answers.iter().map(|a| a.age()).max()?;
    let mut proxies: Vec<&str> = answers.iter().map(|a| a.proxy.as_str()).collect();
    proxies.sort_unstable();
    proxies.dedup();
    let proxies = proxies.join(", ");
    Some(match answers {
        [one] => format!(
            "{} {what} ({proxies}, {} old)",
            one.endpoint(),
            human_age(oldest)
        ),
        _ => format!(
            "{} answers {what} ({proxies}, up to {} old)",
            answers.len(),
            human_age(oldest)
        ),
    })
}

/// `from <proxy> (network)` or `from the store (<proxy>, 3m old)`.
pub fn describe(answer: &Answer) -> String {
    match answer.source {
        AnswerSource::Network => format!("from {} (network, just now)", answer.proxy),
        AnswerSource::Revalidated => format!(
            "from the gomodx store, confirmed unchanged by {} just now",
            answer.proxy
        ),
        AnswerSource::Store => format!(
            "from the gomodx store ({}, {} old)",
            answer.proxy,
            human_age(answer.age())
        ),
        AnswerSource::Remote => format!(
            "from the remote ({}, {} old)",
            answer.proxy,
            human_age(answer.age())
        ),
        AnswerSource::Stale { .. } => format!(
            "from the gomodx store, stale ({}, {} old)",
            answer.proxy,
            human_age(answer.age())
        ),
    }
}

/// An answer's provenance as JSON: `{"Endpoint","Source","Proxy","Age"}`
/// (`Age` in whole seconds).
pub fn json(answer: &Answer) -> serde_json::Value {
    let source = match answer.source {
        AnswerSource::Network => "network",
        AnswerSource::Revalidated => "revalidated",
        AnswerSource::Store => "store",
        AnswerSource::Remote => "remote",
        AnswerSource::Stale { .. } => "stale",
    };
    serde_json::json!({
        "Endpoint": answer.endpoint(),
        "Source": source,
        "Proxy": answer.proxy,
        "Age": answer.age().as_secs(),
    })
}

/// Offline, the one error naming every missing file, or `None` when
/// nothing was missing.
pub fn offline_error(fetcher: &Fetcher) -> Option<anyhow::Error> {
    let missing = fetcher.offline_misses();
    let Connectivity::Offline { reason } = &fetcher.freshness().connectivity else {
        return None;
    };
    if missing.is_empty() {
        return None;
    }
    let lines: Vec<String> = missing.iter().map(|m| format!("\n  {}", name(m))).collect();
    let mut targets: Vec<String> = missing.iter().map(target).collect();
    targets.dedup();
    Some(
        Hinted {
            message: format!(
                "{} not in the cache and the network is disabled by {reason}:{}",
                if missing.len() == 1 {
                    "1 file is".to_owned()
                } else {
                    format!("{} files are", missing.len())
                },
                lines.concat()
            ),
            hint: format!("run `gomodx download {}` online first", targets.join(" ")),
        }
        .into(),
    )
}

/// `path@version (.zip)`.
fn name(missing: &Missing) -> String {
    if missing.version.is_empty() {
        format!("{} ({})", missing.path, missing.file)
    } else {
        format!("{}@{} ({})", missing.path, missing.version, missing.file)
    }
}

/// The download argument that fetches it.
fn target(missing: &Missing) -> String {
    if missing.version.is_empty() {
        format!("{}@latest", missing.path)
    } else {
        format!("{}@{}", missing.path, missing.version)
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
        assert_eq!(name(&missing), "rsc.io/quote@v1.5.2 (.zip)");
        assert_eq!(target(&missing), "rsc.io/quote@v1.5.2");
        let list = Missing {
            version: String::new(),
            file: "list".to_owned(),
            ..missing
        };
        assert_eq!(target(&list), "rsc.io/quote@latest");
    }
}
