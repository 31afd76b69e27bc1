//! Go's `TryProxies`: walk the GOPROXY entries for one module until one
//! answers, an error that is not a "not found" follows a `,`, or the list
//! ends; then report the most useful error.
//!
//! Used as a loop: `while let Some(proxy) = tries.next() { … tries.fail(e) }`.

use crate::error::{Error, ErrorKind};
use crate::proxy::{ProxyKind, ProxyList, ProxySpec, Route};

/// Go's error preference: direct and noproxy errors beat proxy errors,
/// which beat "not found".
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    NotExist,
    Proxy,
    Direct,
}

pub(crate) struct Tries<'a> {
    list: &'a ProxyList,
    specs: std::slice::Iter<'a, ProxySpec>,
    current: Option<&'a ProxySpec>,
    path: &'a str,
    version: Option<&'a str>,
    direct: bool,
    best: Option<Error>,
    rank: Rank,
    done: bool,
}

impl<'a> Tries<'a> {
    /// Walks `list` for `path` (and `version`, for messages); `direct`
    /// says whether direct entries can be served.
    pub(crate) fn new(
        list: &'a ProxyList,
        path: &'a str,
        version: Option<&'a str>,
        direct: bool,
    ) -> Self {
        Tries {
            list,
            specs: list.specs().iter(),
            current: None,
            path,
            version,
            direct,
            best: None,
            rank: Rank::NotExist,
            done: false,
        }
    }

    /// The next proxy (or the repository) to ask. Entries that cannot
    /// serve the module (`off`, `direct` without a source, GONOPROXY
    /// routing) are recorded as failures on the way.
    pub(crate) fn next(&mut self) -> Option<Route<'a>> {
        while !self.done {
            let spec = self.specs.next()?;
            self.current = Some(spec);
            match self.list.route(spec, self.path, self.direct) {
                Ok(route) => return Some(route),
                Err(kind) => self.fail(Error::new(self.path, self.version, kind)),
            }
        }
        None
    }

    /// Records the failure of the entry last returned by [`Tries::next`].
    pub(crate) fn fail(&mut self, error: Error) {
        let spec = self.current.expect("fail follows next");
        let not_exist = error.is_not_exist();
        let direct = match spec.kind {
            ProxyKind::Direct => true,
            ProxyKind::NoProxy => !matches!(error.kind(), ErrorKind::UseProxy),
            ProxyKind::Off | ProxyKind::Url(_) => false,
        };
        if direct {
            (self.best, self.rank) = (Some(error), Rank::Direct);
        } else if self.rank <= Rank::Proxy && !not_exist {
            (self.best, self.rank) = (Some(error), Rank::Proxy);
        } else if self.rank == Rank::NotExist {
            self.best = Some(error);
        }
        if !spec.fall_back_on_error && !not_exist {
            self.done = true;
        }
    }

    /// The error to report once no entry answered.
    pub(crate) fn into_error(self) -> Error {
        self.best
            .expect("ProxyList::parse never yields a list without a real entry")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FetchError;

    fn status(code: u16) -> ErrorKind {
        let error = FetchError::Status {
            url: format!("u{code}"),
            status: code.to_string(),
            code,
            detail: String::new(),
            file_error: None,
            retry_after: None,
        };
        ErrorKind::Fetch { error, attempts: 1 }
    }

    /// Runs the list for `m`, failing every proxy with the next status code;
    /// returns how many proxies were asked and the reported error.
    fn run(goproxy: &str, gonoproxy: &str, codes: &[u16]) -> (usize, String) {
        let list = ProxyList::parse(goproxy, gonoproxy).unwrap();
        let mut tries = Tries::new(&list, "m.example/m", Some("v1.0.0"), false);
        let mut asked = 0;
        while tries.next().is_some() {
            tries.fail(Error::new(
                "m.example/m",
                Some("v1.0.0"),
                status(codes[asked]),
            ));
            asked += 1;
        }
        (asked, tries.into_error().to_string())
    }

    #[test]
    fn fall_through_and_preference() {
        assert_eq!(
            run("https://a,https://b", "", &[404, 500]),
            (2, "m.example/m@v1.0.0: reading u500: 500".into())
        );
        assert_eq!(run("https://a,https://b", "", &[500, 404]).0, 1);
        assert_eq!(
            run("https://a|https://b", "", &[500, 404]),
            (2, "m.example/m@v1.0.0: reading u500: 500".into())
        );
        assert_eq!(
            run("https://a,https://b", "", &[404, 410]),
            (2, "m.example/m@v1.0.0: reading u410: 410".into())
        );
        assert_eq!(
            run("https://a|https://b|https://c", "", &[500, 502, 404]).1,
            "m.example/m@v1.0.0: reading u502: 502"
        );
        assert_eq!(
            run("https://a,off", "", &[404]),
            (
                1,
                "m.example/m@v1.0.0: module lookup disabled by GOPROXY=off".into()
            )
        );
        // The implicit noproxy entry is skipped silently for public modules.
        assert_eq!(
            run("https://a", "other.example", &[404]),
            (1, "m.example/m@v1.0.0: reading u404: 404".into())
        );
        // Private modules: noproxy's error is the one reported, proxies are never asked.
        let (asked, error) = run("https://a", "m.example", &[]);
        assert_eq!(asked, 0);
        assert!(
            error.contains("GONOPROXY/GOPRIVATE (\"m.example\")"),
            "{error}"
        );
    }
}
