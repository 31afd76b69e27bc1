//! Timestamps as the proxy protocol carries them (RFC 3339 in `.info`,
//! `yyyymmddhhmmss` in pseudo-versions): comparison, and re-encoding the
//! way Go's `time.Time` marshals to JSON.

/// Go's zero `time.Time` as JSON: what `.info` files hold when the proxy
/// gave no time.
pub const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// A parsed RFC 3339 timestamp, keeping the offset it was written with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timestamp {
    /// Seconds since the Unix epoch (UTC).
    seconds: i64,
    nanos: u32,
    /// The written offset from UTC, in seconds.
    offset: i32,
}

impl Timestamp {
    /// Parses `2006-01-02T15:04:05[.frac](Z|±hh:mm)`.
    pub(crate) fn parse_rfc3339(s: &str) -> Option<Self> {
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
        let fields = [
            &b[0..4],
            &b[5..7],
            &b[8..10],
            &b[11..13],
            &b[14..16],
            &b[17..19],
        ];
        let [year, month, day, hour, minute, second] = fields.map(number);
        let local = civil_seconds(year?, month?, day?, hour?, minute?, second?)?;
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

    /// Parses a pseudo-version's `yyyymmddhhmmss` (UTC).
    pub(crate) fn parse_compact(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 14 {
            return None;
        }
        let fields = [
            &b[0..4],
            &b[4..6],
            &b[6..8],
            &b[8..10],
            &b[10..12],
            &b[12..14],
        ];
        let [year, month, day, hour, minute, second] = fields.map(number);
        let seconds = civil_seconds(year?, month?, day?, hour?, minute?, second?)?;
        Some(Self {
            seconds,
            nanos: 0,
            offset: 0,
        })
    }

    /// Whether this instant comes strictly before `other`.
    pub(crate) fn is_before(self, other: Self) -> bool {
        (self.seconds, self.nanos) < (other.seconds, other.nanos)
    }

    /// Go's `time.Time` JSON form (`RFC3339Nano`): the written offset is
    /// kept (`Z` when it is zero) and trailing zeros of the fraction dropped.
    pub(crate) fn to_go_json(self) -> String {
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
/// time from the proxy) and unparsable input become Go's zero time.
pub(crate) fn go_json_time(time: Option<&str>) -> String {
    time.and_then(Timestamp::parse_rfc3339)
        .map_or_else(|| ZERO_TIME.to_owned(), Timestamp::to_go_json)
}

fn number(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Seconds since the epoch of a civil UTC date and time, validated.
fn civil_seconds(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let max_day = *month_days.get(usize::try_from(month.checked_sub(1)?).ok()?)?;
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
        assert!(Timestamp::parse_rfc3339("2019-02-29T00:00:00Z").is_none());
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
        assert!(Timestamp::parse_compact("2020010110000").is_none());
    }
}
