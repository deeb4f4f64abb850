//! Day arithmetic on `i32` days since 1970-01-01 (proleptic Gregorian), without allocation.
//!
//! # Reference
//! Hinnant, H. "chrono-Compatible Low-Level Date Algorithms" (`days_from_civil`,
//! `civil_from_days`), <https://howardhinnant.github.io/date_algorithms.html>.

use crate::metrics::group::Freq;

/// (year, month 1–12, day 1–31) of a day number.
pub fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = i64::from(z) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    ((y + i64::from(m <= 2)) as i32, m as u32, d as u32)
}

/// Day number of a (year, month 1–12, day) date.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) as i32
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(z: i32) -> String {
    let (y, m, d) = civil_from_days(z);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Index of the calendar period holding day `z` (consecutive periods differ by 1).
///
/// Weeks are ISO weeks starting Monday (1970-01-01 was a Thursday).
pub fn period_of(z: i32, freq: Freq) -> i64 {
    match freq {
        Freq::Day => i64::from(z),
        Freq::Week => (i64::from(z) + 3).div_euclid(7),
        Freq::Month => {
            let (y, m, _) = civil_from_days(z);
            i64::from(y) * 12 + i64::from(m) - 1
        }
        Freq::Quarter => {
            let (y, m, _) = civil_from_days(z);
            i64::from(y) * 4 + (i64::from(m) - 1) / 3
        }
        Freq::Year => i64::from(civil_from_days(z).0),
    }
}

/// First day of period `p` (the inverse of [`period_of`] on period starts).
pub fn period_start(p: i64, freq: Freq) -> i32 {
    match freq {
        Freq::Day => p as i32,
        Freq::Week => (p * 7 - 3) as i32,
        Freq::Month => days_from_civil(p.div_euclid(12) as i32, (p.rem_euclid(12) + 1) as u32, 1),
        Freq::Quarter => {
            days_from_civil(p.div_euclid(4) as i32, (3 * p.rem_euclid(4) + 1) as u32, 1)
        }
        Freq::Year => days_from_civil(p as i32, 1, 1),
    }
}

/// Parse `YYYY-MM-DD` (anything after the tenth character, such as a time, is ignored).
pub fn parse_day(s: &str) -> Option<i32> {
    let b = s.trim().as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        std::str::from_utf8(b.get(r)?).ok()?.parse().ok()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let z = days_from_civil(y as i32, m, d);
    (civil_from_days(z) == (y as i32, m, d)).then_some(z)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(format_day(19_723), "2024-01-01");
        for z in -800_000..800_000 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(parse_day("2024-02-29"), Some(19_782));
        assert_eq!(parse_day("2023-02-29"), None);
        assert_eq!(parse_day("2024-01-05 10:00:00"), Some(19_727));
        assert_eq!(parse_day("05/01/2024"), None);
    }

    #[test]
    fn periods() {
        let d = days_from_civil(2024, 5, 17);
        for f in [
            Freq::Day,
            Freq::Week,
            Freq::Month,
            Freq::Quarter,
            Freq::Year,
        ] {
            let p = period_of(d, f);
            let s = period_start(p, f);
            assert!(s <= d && period_of(s, f) == p && period_of(s - 1, f) == p - 1);
        }
        // 2024-05-13 is a Monday.
        assert_eq!(
            period_start(period_of(d, Freq::Week), Freq::Week),
            days_from_civil(2024, 5, 13)
        );
    }
}
