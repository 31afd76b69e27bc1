//! Timestamps as Go modules carry them: RFC 3339 in `.info` files and the
//! optional second field of `@v/list` lines, UTC `yyyymmddhhmmss` in
//! pseudo-versions. Parsing, ordering, and re-encoding the way Go's
//! `time.Time` marshals to JSON.

use std::ops::Range;

/// Go's zero `time.Time` as JSON: what `.info` files hold when the proxy
/// gave no time.
pub const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// A parsed timestamp, keeping the offset it was written with.
#[derive(Debug, Clone, Copy)]
pub struct Timestamp {
    /// Seconds since the Unix epoch (UTC).
    seconds: i64,
    nanos: u32,
    /// The written offset from UTC, in seconds.
    offset: i32,
}

impl Timestamp {
    /// Go's zero `time.Time` ([`ZERO_TIME`]): nothing valid is older.
    pub const ZERO: Self = Self {
        seconds: -62_135_596_800,
        nanos: 0,
        offset: 0,
    };

    /// Parses Go's `time.RFC3339` layout:
    /// `2006-01-02T15:04:05[.frac](Z|±hh:mm)`.
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let local = civil_seconds(b, [0..4, 5..7, 8..10, 11..13, 14..16, 17..19])?;
        let mut rest = &b[19..];
        let mut nanos = 0;
        if let Some(frac) = rest.strip_prefix(b".") {
            let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 || digits > 9 {
                return None;
            }
            let value = u32::try_from(number(&frac[..digits])?).ok()?;
            nanos = value * 10u32.pow(9 - u32::try_from(digits).ok()?);
            rest = &frac[digits..];
        }
        let offset = match rest {
            b"Z" => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let (hours, minutes) = (number(&[*h1, *h2])?, number(&[*m1, *m2])?);
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let offset = i32::try_from(hours * 3600 + minutes * 60).ok()?;
                if *sign == b'-' { -offset } else { offset }
            }
            _ => return None,
        };
        Some(Self {
            seconds: local - i64::from(offset),
            nanos,
            offset,
        })
    }

    /// Parses a pseudo-version's `yyyymmddhhmmss` (UTC, Go's layout
    /// `20060102150405`): a real date and time or `None`.
    pub fn parse_compact(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 14 {
            return None;
        }
        Some(Self {
            seconds: civil_seconds(b, [0..4, 4..6, 6..8, 8..10, 10..12, 12..14])?,
            nanos: 0,
            offset: 0,
        })
    }

    /// The UTC instant `seconds` after the Unix epoch (a git commit time).
    pub fn from_unix(seconds: i64) -> Self {
        Self {
            seconds,
            nanos: 0,
            offset: 0,
        }
    }

    /// The pseudo-version form of this instant: UTC `yyyymmddhhmmss`
    /// (Go's layout `20060102150405`; the fraction is dropped).
    pub fn to_compact(self) -> String {
        let (days, day_seconds) = (
            self.seconds.div_euclid(86_400),
            self.seconds.rem_euclid(86_400),
        );
        let (year, month, day) = civil_from_days(days);
        format!(
            "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
            day_seconds / 3600,
            day_seconds % 3600 / 60,
            day_seconds % 60
        )
    }

    /// Whether this instant comes strictly before `other` (offsets aside).
    pub fn is_before(self, other: Self) -> bool {
        (self.seconds, self.nanos) < (other.seconds, other.nanos)
    }

    /// Go's `time.Time` JSON form (`RFC3339Nano`): the written offset is
    /// kept (`Z` when it is zero) and trailing zeros of the fraction dropped.
    pub fn to_go_json(self) -> String {
        let local = self.seconds + i64::from(self.offset);
        let (days, day_seconds) = (local.div_euclid(86_400), local.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        let mut out = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            day_seconds / 3600,
            day_seconds % 3600 / 60,
            day_seconds % 60
        );
        if self.nanos > 0 {
            let fraction = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(fraction.trim_end_matches('0'));
        }
        if self.offset == 0 {
            out.push('Z');
        } else {
            let sign = if self.offset < 0 { '-' } else { '+' };
            let minutes = self.offset.unsigned_abs() / 60;
            out.push_str(&format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60));
        }
        out
    }
}

/// Re-encodes an RFC 3339 time the way Go writes it back out; `None` (no
/// time from the proxy) and unparsable input become [`ZERO_TIME`].
pub fn go_json_time(time: Option<&str>) -> String {
    time.and_then(Timestamp::parse_rfc3339)
        .map_or_else(|| ZERO_TIME.to_owned(), Timestamp::to_go_json)
}

fn number(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Seconds since the epoch of a civil UTC date and time written in `text`
/// as decimal fields at `fields` (year, month, day, hour, minute, second),
/// validated.
fn civil_seconds(text: &[u8], fields: [Range<usize>; 6]) -> Option<i64> {
    let [year, month, day, hour, minute, second] = fields.map(|field| number(&text[field]));
    let (year, month, day) = (year?, month?, day?);
    let (hour, minute, second) = (hour?, minute?, second?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let max_day = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > max_day || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The instant of a parse result, for comparing.
    fn instant(t: Option<Timestamp>) -> Option<(i64, u32)> {
        t.map(|t| (t.seconds, t.nanos))
    }

    #[test]
    fn rfc3339() {
        let parse = |s| instant(Timestamp::parse_rfc3339(s));
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(parse("2019-12-20T14:31:21Z"), Some((1_576_852_281, 0)));
        assert_eq!(
            parse("2019-12-20T15:31:21.5+01:00"),
            Some((1_576_852_281, 500_000_000))
        );
        assert_eq!(parse(ZERO_TIME), instant(Some(Timestamp::ZERO)));
        assert_eq!(
            parse("2020-02-29T00:00:00Z").map(|t| t.0),
            Some(1_582_934_400)
        );
        for bad in [
            "2019-02-29T00:00:00Z",
            "2019-12-20 14:31:21Z",
            "2019-12-20T14:31:21",
            "2019-13-01T00:00:00Z",
            "2019-12-20T14:31:21z",
            "x",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn unix_round_trips() {
        let t = Timestamp::from_unix(1_583_118_245);
        assert_eq!(t.to_compact(), "20200302030405");
        assert_eq!(t.to_go_json(), "2020-03-02T03:04:05Z");
        assert_eq!(
            instant(Timestamp::parse_compact(&t.to_compact())),
            instant(Some(t))
        );
    }

    #[test]
    fn compact() {
        let parse = |s| instant(Timestamp::parse_compact(s));
        assert_eq!(parse("20191220143121"), Some((1_576_852_281, 0)));
        assert_eq!(parse("00010101000000"), instant(Some(Timestamp::ZERO)));
        assert_eq!(parse("20191320143121"), None);
        assert_eq!(parse("20190229000000"), None);
        assert!(parse("20200229235959").is_some());
        assert_eq!(parse("2019122014312"), None);
    }

    #[test]
    fn go_json_times() {
        for (input, want) in [
            ("2018-02-14T15:44:20Z", "2018-02-14T15:44:20Z"),
            ("2018-02-14T15:44:20+00:00", "2018-02-14T15:44:20Z"),
            ("2018-02-14T15:44:20.500000000Z", "2018-02-14T15:44:20.5Z"),
            ("2018-02-14T15:44:20.000Z", "2018-02-14T15:44:20Z"),
            (
                "2018-02-14T15:44:20.123456789-07:30",
                "2018-02-14T15:44:20.123456789-07:30",
            ),
            ("2000-02-29T23:59:59+14:00", "2000-02-29T23:59:59+14:00"),
            ("0001-01-01T00:00:00Z", ZERO_TIME),
        ] {
            assert_eq!(go_json_time(Some(input)), want, "{input}");
        }
        assert_eq!(go_json_time(None), ZERO_TIME);
        assert_eq!(go_json_time(Some("yesterday")), ZERO_TIME);
        assert_eq!(Timestamp::ZERO.to_go_json(), ZERO_TIME);
    }

    #[test]
    fn ordering_across_offsets_and_forms() {
        let utc = Timestamp::parse_rfc3339("2020-01-01T10:00:00Z").unwrap();
        let east = Timestamp::parse_rfc3339("2020-01-01T11:00:00+01:00").unwrap();
        let later = Timestamp::parse_rfc3339("2020-01-01T10:00:00.1Z").unwrap();
        assert!(!utc.is_before(east) && !east.is_before(utc));
        assert!(utc.is_before(later) && !later.is_before(utc));
        let compact = Timestamp::parse_compact("20200101100000").unwrap();
        assert!(!compact.is_before(utc) && !utc.is_before(compact));
        assert!(Timestamp::ZERO.is_before(compact));
    }
}
