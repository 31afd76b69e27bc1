//! The two timestamp forms the proxy protocol uses: RFC 3339 (`.info` Time,
//! the optional second field of `@v/list`) and a pseudo-version's UTC
//! `yyyymmddhhmmss`. Only parsing and ordering are needed.

/// An instant as seconds since the Unix epoch plus nanoseconds.
pub(crate) type Instant = (i64, u32);

/// Go's zero `time.Time` (0001-01-01T00:00:00Z): nothing is older.
pub(crate) const ZERO: Instant = (-62_135_596_800, 0);

/// Parses Go's `time.RFC3339` layout: `2006-01-02T15:04:05[.frac](Z|±hh:mm)`.
pub(crate) fn parse_rfc3339(s: &str) -> Option<Instant> {
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
    let secs = civil_seconds(
        num(&b[0..4])?,
        num(&b[5..7])?,
        num(&b[8..10])?,
        num(&b[11..13])?,
        num(&b[14..16])?,
        num(&b[17..19])?,
    )?;
    let mut rest = &b[19..];
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        nanos = u32::try_from(num(&frac[..digits])?).ok()? * 10u32.pow(9 - digits as u32);
        rest = &frac[digits..];
    }
    let offset = match rest {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (hours, minutes) = (num(&[*h1, *h2])?, num(&[*m1, *m2])?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 3600 + minutes * 60;
            if *sign == b'-' { -offset } else { offset }
        }
        _ => return None,
    };
    Some((secs - offset, nanos))
}

/// Parses a pseudo-version's `yyyymmddhhmmss` (UTC).
pub(crate) fn parse_compact(s: &str) -> Option<Instant> {
    let b = s.as_bytes();
    if b.len() != 14 {
        return None;
    }
    let secs = civil_seconds(
        num(&b[0..4])?,
        num(&b[4..6])?,
        num(&b[6..8])?,
        num(&b[8..10])?,
        num(&b[10..12])?,
        num(&b[12..14])?,
    )?;
    Some((secs, 0))
}

fn num(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    digits.iter().try_fold(0i64, |n, d| {
        n.checked_mul(10)?.checked_add(i64::from(d - b'0'))
    })
}

/// Seconds since the epoch for a validated UTC civil time.
fn civil_seconds(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(
            parse_rfc3339("2019-12-20T14:31:21Z"),
            Some((1_576_852_281, 0))
        );
        assert_eq!(
            parse_rfc3339("2019-12-20T15:31:21.5+01:00"),
            Some((1_576_852_281, 500_000_000))
        );
        assert_eq!(parse_rfc3339("0001-01-01T00:00:00Z"), Some(ZERO));
        assert_eq!(
            parse_rfc3339("2020-02-29T00:00:00Z").map(|t| t.0),
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
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn compact() {
        assert_eq!(parse_compact("20191220143121"), Some((1_576_852_281, 0)));
        assert_eq!(parse_compact("00010101000000"), Some(ZERO));
        assert_eq!(parse_compact("20191320143121"), None);
        assert_eq!(parse_compact("2019122014312"), None);
    }
}
