//! What the freshness policy did in a run, told to the user: corrupt
//! artifacts fetched again (always, loudly), stale answers used because
//! the network failed (a warning with their age), answers served from the
//! store (one status line with their source and age; each one with `-v`).
//! The words are [`gomodx_fetch::Answer::describe`]'s.

use gomodx_fetch::{Answer, AnswerSource, Fetcher, OfflineError, human_age};

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
            _ => printer.verbose(format_args!("{}: {}", answer.endpoint(), answer.describe())),
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
    let oldest = human_age(answers.iter().map(|a| a.age()).max()?);
    let mut proxies: Vec<&str> = answers.iter().map(|a| a.proxy.as_str()).collect();
    proxies.sort_unstable();
    proxies.dedup();
    let proxies = proxies.join(", ");
    Some(match answers {
        [one] => format!("{} {what} ({proxies}, {oldest} old)", one.endpoint()),
        _ => format!(
            "{} answers {what} ({proxies}, up to {oldest} old)",
            answers.len()
        ),
    })
}

/// The offline error with its hint.
pub fn hinted(offline: OfflineError) -> anyhow::Error {
    Hinted {
        hint: offline.hint(),
        message: offline.to_string(),
    }
    .into()
}
