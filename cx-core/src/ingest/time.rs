//! Timestamp parsing: RFC 3339, common local formats (including Chinese
//! `2024年3月1日 14时05分`), dates, and epoch seconds or milliseconds.
//!
//! The common formats are parsed by hand from the bytes (no format strings in
//! the hot path). The rules:
//!
//! * **Date**: `YYYY-M-D`, `YYYY/M/D`, `YYYY.M.D` or `YYYY年M月D日` (month and day
//!   with one or two digits; the `日` is optional). A date alone means local
//!   midnight.
//! * **Time** (optional), after `T`, `t` or spaces: `H:MM`, `H:MM:SS`, or
//!   `H时MM分` / `H时MM分SS秒`; seconds may carry a fraction (`.` or `,`, up to
//!   9 digits; kept to the millisecond, the rest truncated).
//! * **Offset** (optional): `Z`, `±HH:MM`, `±HHMM` or `±HH`. With an offset the
//!   instant is exact. Without one the time is *naive*: it is read in the IANA
//!   time zone given by the caller; with no zone it is an error
//!   ([`CxError::MissingTimeZone`]), never a silent UTC.
//! * **Daylight saving**: a local time skipped by a spring-forward gap is
//!   rejected ([`CxError::InvalidValue`], reason names the gap); a local time
//!   that occurs twice in an autumn fold takes the **earliest** of the two
//!   instants (the one still on daylight time), like `dateutil`'s `fold=0`.
//! * **Epoch numbers** ([`EpochUnit`]): a value of only ASCII digits (with an
//!   optional `-`). With [`EpochUnit::Auto`], numbers of 9 or more digits are
//!   epochs: magnitude below 10¹¹ → seconds (up to the year 5138), otherwise
//!   milliseconds (from 1973-03-03 on); shorter numbers are rejected as
//!   ambiguous (`20240301` is not an epoch).

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, TimeZone};
use chrono_tz::Tz;

use crate::{CxError, Result};

/// How to read timestamps given as bare numbers.
///
/// # Examples
/// ```
/// use cx_core::ingest::{EpochUnit, parse_timestamp};
/// let t = parse_timestamp("1709273100", None, EpochUnit::Auto)?;
/// assert_eq!(t.to_rfc3339(), "2024-03-01T06:05:00+00:00");
/// let t = parse_timestamp("1709273100000", None, EpochUnit::Auto)?;
/// assert_eq!(t.timestamp(), 1_709_273_100);
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum EpochUnit {
    /// 9+ digits: below 10¹¹ seconds, else milliseconds; fewer digits rejected.
    #[default]
    Auto,
    /// Bare numbers are seconds since 1970-01-01T00:00:00Z.
    Seconds,
    /// Bare numbers are milliseconds since 1970-01-01T00:00:00Z.
    Milliseconds,
    /// Bare numbers are rejected.
    Never,
}

impl std::str::FromStr for EpochUnit {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(EpochUnit::Auto),
            "s" | "sec" | "secs" | "seconds" => Ok(EpochUnit::Seconds),
            "ms" | "millis" | "milliseconds" => Ok(EpochUnit::Milliseconds),
            "never" | "none" => Ok(EpochUnit::Never),
            _ => Err(CxError::option(
                "epoch_unit",
                format!("must be one of auto, seconds, milliseconds, never; got {s:?}"),
            )),
        }
    }
}

/// Parse an IANA time zone name such as `"Asia/Shanghai"`.
///
/// # Errors
/// [`CxError::InvalidOption`] for an unknown name.
///
/// # Examples
/// ```
/// let tz = cx_core::ingest::parse_tz("Asia/Shanghai")?;
/// assert_eq!(tz.name(), "Asia/Shanghai");
/// assert!(cx_core::ingest::parse_tz("Mars/Olympus").is_err());
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn parse_tz(name: &str) -> Result<Tz> {
    name.trim().parse::<Tz>().map_err(|_| {
        CxError::option(
            "tz",
            format!("unknown IANA time zone {name:?}; use a name such as \"Asia/Shanghai\""),
        )
    })
}

/// Parse one timestamp with the rules of this module.
///
/// # Errors
/// [`CxError::MissingTimeZone`] for a naive time without `tz`;
/// [`CxError::InvalidValue`] (field `timestamp`) for anything unparsable, out
/// of range, or inside a daylight-saving gap.
///
/// # Examples
/// ```
/// use cx_core::ingest::{EpochUnit, parse_timestamp, parse_tz};
/// let tz = parse_tz("Asia/Shanghai")?;
/// let a = parse_timestamp("2024年3月1日 14时05分", Some(tz), EpochUnit::Auto)?;
/// let b = parse_timestamp("2024-03-01T14:05:00+08:00", None, EpochUnit::Auto)?;
/// assert_eq!(a, b);
/// assert!(parse_timestamp("2024-03-01 14:05", None, EpochUnit::Auto).is_err());
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn parse_timestamp(s: &str, tz: Option<Tz>, epoch: EpochUnit) -> Result<DateTime<FixedOffset>> {
    let mut p = TimeParser::new(tz, epoch);
    match p.parse(s) {
        Ok(t) => t
            .to_datetime()
            .ok_or_else(|| TsError::Range.into_error("timestamp", s, tz)),
        Err(e) => Err(e.into_error("timestamp", s, tz)),
    }
}

/// An instant with the UTC offset it was written in (milliseconds precision).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// Milliseconds since the Unix epoch, UTC.
    pub epoch_ms: i64,
    /// Offset east of UTC, seconds.
    pub offset_secs: i32,
}

impl Stamp {
    pub(crate) fn to_datetime(self) -> Option<DateTime<FixedOffset>> {
        let off = FixedOffset::east_opt(self.offset_secs)?;
        DateTime::from_timestamp_millis(self.epoch_ms).map(|d| d.with_timezone(&off))
    }
}

/// Why a timestamp was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TsError {
    Syntax,
    Range,
    MissingTz,
    Gap,
    ShortEpoch,
    EpochDisabled,
}

impl TsError {
    pub(crate) fn reason(self, tz: Option<Tz>) -> String {
        match self {
            TsError::Syntax => "not a recognised timestamp; use RFC 3339 (2024-03-01T14:05:00+08:00), 2024-03-01 14:05[:00], 2024/03/01 14:05, 2024年3月1日 14:05, a date, or epoch seconds/milliseconds".into(),
            TsError::Range => "date or time out of range".into(),
            TsError::MissingTz => "no UTC offset and no time zone".into(),
            TsError::Gap => format!(
                "local time does not exist in {} (skipped by a daylight-saving change)",
                tz.map_or("the time zone", |t| t.name())
            ),
            TsError::ShortEpoch => "bare number with fewer than 9 digits is ambiguous as an epoch; set the epoch unit".into(),
            TsError::EpochDisabled => "bare numbers are not accepted as timestamps (epoch unit is `never`)".into(),
        }
    }

    pub(crate) fn into_error(self, field: &str, value: &str, tz: Option<Tz>) -> CxError {
        match self {
            TsError::MissingTz => CxError::MissingTimeZone {
                field: field.into(),
                row: None,
                value: value.into(),
            },
            e => CxError::invalid(field, None, value, e.reason(tz)),
        }
    }
}

const CACHE_SLOTS: usize = 64;

/// Reusable timestamp parser with a small cache of time-zone offsets per local day.
#[derive(Debug, Clone)]
pub(crate) struct TimeParser {
    tz: Option<Tz>,
    epoch: EpochUnit,
    /// (local day index, offset seconds) for days that have one offset throughout.
    cache: [(i64, i32); CACHE_SLOTS],
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    #[inline]
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    #[inline]
    fn eat_str(&mut self, s: &[u8]) -> bool {
        if self.b[self.i.min(self.b.len())..].starts_with(s) {
            self.i += s.len();
            true
        } else {
            false
        }
    }
    /// Between `min` and `max` ASCII digits as a number.
    #[inline]
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let mut v = 0u32;
        let mut n = 0;
        while n < max {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    v = v * 10 + u32::from(c - b'0');
                    self.i += 1;
                    n += 1;
                }
                _ => break,
            }
        }
        (n >= min).then_some(v)
    }
    fn at_end(&self) -> bool {
        self.i >= self.b.len()
    }
}

const NIAN: &[u8] = "年".as_bytes();
const YUE: &[u8] = "月".as_bytes();
const RI: &[u8] = "日".as_bytes();
const SHI: &[u8] = "时".as_bytes();
const FEN: &[u8] = "分".as_bytes();
const MIAO: &[u8] = "秒".as_bytes();

/// Fields of a parsed timestamp before zone resolution.
struct Parts {
    y: i32,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
    ms: u32,
    offset: Option<i32>,
}

fn parse_parts(b: &[u8]) -> std::result::Result<Parts, TsError> {
    let mut c = Cursor { b, i: 0 };
    let y = c.digits(4, 4).ok_or(TsError::Syntax)?;
    let chinese = if c.eat_str(NIAN) {
        true
    } else {
        match c.peek() {
            Some(sep @ (b'-' | b'/' | b'.')) => {
                c.i += 1;
                let mo = c.digits(1, 2).ok_or(TsError::Syntax)?;
                if !c.eat(sep) {
                    return Err(TsError::Syntax);
                }
                return finish(c, y, mo, false);
            }
            _ => return Err(TsError::Syntax),
        }
    };
    let mo = c.digits(1, 2).ok_or(TsError::Syntax)?;
    if !c.eat_str(YUE) {
        return Err(TsError::Syntax);
    }
    finish(c, y, mo, chinese)
}

fn finish(
    mut c: Cursor<'_>,
    y: u32,
    mo: u32,
    chinese: bool,
) -> std::result::Result<Parts, TsError> {
    let d = c.digits(1, 2).ok_or(TsError::Syntax)?;
    if chinese {
        c.eat_str(RI);
    }
    let mut p = Parts {
        y: i32::try_from(y).map_err(|_| TsError::Range)?,
        mo,
        d,
        h: 0,
        mi: 0,
        s: 0,
        ms: 0,
        offset: None,
    };
    if c.at_end() {
        return Ok(p);
    }
    let mut sep = false;
    if c.eat(b'T') || c.eat(b't') {
        sep = true;
    }
    while c.eat(b' ') {
        sep = true;
    }
    if !sep && !chinese {
        return Err(TsError::Syntax);
    }
    p.h = c.digits(1, 2).ok_or(TsError::Syntax)?;
    if c.eat(b':') {
        p.mi = c.digits(2, 2).ok_or(TsError::Syntax)?;
        if c.eat(b':') {
            p.s = c.digits(2, 2).ok_or(TsError::Syntax)?;
            p.ms = fraction(&mut c)?;
        }
    } else if c.eat_str(SHI) {
        p.mi = c.digits(1, 2).ok_or(TsError::Syntax)?;
        if !c.eat_str(FEN) {
            return Err(TsError::Syntax);
        }
        if let Some(s) = c.digits(1, 2) {
            p.s = s;
            p.ms = fraction(&mut c)?;
            if !c.eat_str(MIAO) {
                return Err(TsError::Syntax);
            }
        }
    } else {
        return Err(TsError::Syntax);
    }
    while c.eat(b' ') {}
    if !c.at_end() {
        p.offset = Some(offset(&mut c)?);
    }
    if !c.at_end() {
        return Err(TsError::Syntax);
    }
    Ok(p)
}

fn fraction(c: &mut Cursor<'_>) -> std::result::Result<u32, TsError> {
    if !(c.eat(b'.') || c.eat(b',')) {
        return Ok(0);
    }
    let start = c.i;
    let mut ms = 0u32;
    while let Some(d @ b'0'..=b'9') = c.peek() {
        if c.i - start < 3 {
            ms = ms * 10 + u32::from(d - b'0');
        }
        c.i += 1;
    }
    let n = c.i - start;
    if n == 0 || n > 9 {
        return Err(TsError::Syntax);
    }
    for _ in n..3 {
        ms *= 10;
    }
    Ok(ms)
}

fn offset(c: &mut Cursor<'_>) -> std::result::Result<i32, TsError> {
    if c.eat(b'Z') || c.eat(b'z') {
        return Ok(0);
    }
    let sign = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return Err(TsError::Syntax);
    };
    let h = c.digits(2, 2).ok_or(TsError::Syntax)?;
    let m = if c.eat(b':') {
        c.digits(2, 2).ok_or(TsError::Syntax)?
    } else {
        c.digits(2, 2).unwrap_or(0)
    };
    if h > 23 || m > 59 {
        return Err(TsError::Range);
    }
    Ok(sign * i32::try_from(h * 3600 + m * 60).map_err(|_| TsError::Range)?)
}

/// Days from 1970-01-01 to the civil date (proleptic Gregorian).
///
/// # Reference
/// H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", `days_from_civil`.
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl TimeParser {
    pub(crate) fn new(tz: Option<Tz>, epoch: EpochUnit) -> Self {
        Self {
            tz,
            epoch,
            cache: [(i64::MIN, 0); CACHE_SLOTS],
        }
    }

    /// Parse trimmed text into a [`Stamp`].
    pub(crate) fn parse(&mut self, s: &str) -> std::result::Result<Stamp, TsError> {
        let b = s.trim().as_bytes();
        let digits = b.strip_prefix(b"-").unwrap_or(b);
        if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
            return self.epoch(b, digits.len());
        }
        let p = parse_parts(b)?;
        if p.mo == 0 || p.mo > 12 || p.d == 0 || p.d > days_in_month(p.y, p.mo) {
            return Err(TsError::Range);
        }
        if p.h > 23 || p.mi > 59 || p.s > 59 {
            return Err(TsError::Range);
        }
        let local_secs =
            days_from_civil(p.y, p.mo, p.d) * 86_400 + i64::from(p.h * 3600 + p.mi * 60 + p.s);
        let offset_secs = match p.offset {
            Some(o) => o,
            None => self.zone_offset(local_secs, &p)?,
        };
        Ok(Stamp {
            epoch_ms: (local_secs - i64::from(offset_secs)) * 1000 + i64::from(p.ms),
            offset_secs,
        })
    }

    fn epoch(&self, b: &[u8], ndigits: usize) -> std::result::Result<Stamp, TsError> {
        let text = std::str::from_utf8(b).map_err(|_| TsError::Syntax)?;
        let v: i64 = text.parse().map_err(|_| TsError::Range)?;
        let ms = match self.epoch {
            EpochUnit::Never => return Err(TsError::EpochDisabled),
            EpochUnit::Seconds => v.checked_mul(1000).ok_or(TsError::Range)?,
            EpochUnit::Milliseconds => v,
            EpochUnit::Auto if ndigits < 9 => return Err(TsError::ShortEpoch),
            EpochUnit::Auto if v.unsigned_abs() < 100_000_000_000 => v * 1000,
            EpochUnit::Auto => v,
        };
        let utc = DateTime::from_timestamp_millis(ms).ok_or(TsError::Range)?;
        let offset_secs = match self.tz {
            Some(tz) => tz
                .offset_from_utc_datetime(&utc.naive_utc())
                .fix()
                .local_minus_utc(),
            None => 0,
        };
        Ok(Stamp {
            epoch_ms: ms,
            offset_secs,
        })
    }

    fn zone_offset(&mut self, local_secs: i64, p: &Parts) -> std::result::Result<i32, TsError> {
        let tz = self.tz.ok_or(TsError::MissingTz)?;
        let day = local_secs.div_euclid(86_400);
        let slot = (day.rem_euclid(CACHE_SLOTS as i64)) as usize;
        if self.cache[slot].0 == day {
            return Ok(self.cache[slot].1);
        }
        let resolve =
            |h: u32, mi: u32, s: u32| -> std::result::Result<chrono::LocalResult<i32>, TsError> {
                let ndt = NaiveDate::from_ymd_opt(p.y, p.mo, p.d)
                    .and_then(|d| d.and_hms_opt(h, mi, s))
                    .ok_or(TsError::Range)?;
                Ok(tz
                    .offset_from_local_datetime(&ndt)
                    .map(|o| o.fix().local_minus_utc()))
            };
        let off = match resolve(p.h, p.mi, p.s)? {
            chrono::LocalResult::Single(o) => o,
            chrono::LocalResult::Ambiguous(earliest, _) => return Ok(earliest),
            chrono::LocalResult::None => return Err(TsError::Gap),
        };
        // Cache the day only if it has this one offset from start to end (no
        // zone changes its offset twice within a day).
        if let (chrono::LocalResult::Single(a), chrono::LocalResult::Single(b)) =
            (resolve(0, 0, 0)?, resolve(23, 59, 59)?)
            && a == off
            && b == off
        {
            self.cache[slot] = (day, off);
        }
        Ok(off)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh() -> Option<Tz> {
        Some(chrono_tz::Asia::Shanghai)
    }

    fn rfc(s: &str, tz: Option<Tz>) -> String {
        parse_timestamp(s, tz, EpochUnit::Auto)
            .map(|d| d.to_rfc3339())
            .unwrap_or_else(|e| format!("ERR {}", e.code()))
    }

    #[test]
    fn common_formats() {
        let want = "2024-03-01T14:05:00+08:00";
        for s in [
            "2024-03-01T14:05:00+08:00",
            "2024/03/01 14:05",
            "2024-03-01 14:05:00",
            "2024-03-01T14:05",
            "2024年3月1日 14:05",
            "2024年3月1日 14时05分",
            "2024年03月01日14时05分",
            "2024-3-1 14:05",
            "2024.03.01 14:05",
            "  2024-03-01 14:05:00  ",
            "2024-03-01T06:05:00Z",
            "2024-03-01T14:05:00+0800",
        ] {
            let got = rfc(s, sh());
            let same = parse_timestamp(s, sh(), EpochUnit::Auto)
                .ok()
                .map(|d| d.timestamp());
            assert_eq!(same, Some(1_709_273_100), "{s} -> {got}");
        }
        assert_eq!(rfc("2024/03/01 14:05", sh()), want);
        assert_eq!(rfc("2024-03-01", sh()), "2024-03-01T00:00:00+08:00");
        assert_eq!(rfc("2024年3月1日", sh()), "2024-03-01T00:00:00+08:00");
        assert_eq!(
            rfc("2024-03-01 14:05:07.25", sh()),
            "2024-03-01T14:05:07.250+08:00"
        );
        assert_eq!(
            rfc("2024年3月1日 14时05分07秒", sh()),
            "2024-03-01T14:05:07+08:00"
        );
    }

    #[test]
    fn agrees_with_chrono_rfc3339() {
        for s in [
            "1999-12-31T23:59:59.999-05:30",
            "2000-02-29T00:00:00Z",
            "1969-07-20T20:17:40+00:00",
            "2038-01-19T03:14:08+01:00",
        ] {
            let ours = parse_timestamp(s, None, EpochUnit::Auto).ok();
            let theirs = DateTime::parse_from_rfc3339(s).ok();
            assert_eq!(ours, theirs, "{s}");
        }
    }

    #[test]
    fn rejects_bad_values() {
        for s in [
            "2024-13-01 10:00",
            "2023-02-29",
            "2024-03-01 24:00",
            "2024-03-01 10:60",
            "yesterday",
            "2024-03-01 10",
            "2024-03/01",
            "2024-03-01T10:00+25:00",
            "20240301",
            "",
        ] {
            assert_eq!(rfc(s, sh()), "ERR invalid_value", "{s}");
        }
    }

    #[test]
    fn naive_needs_zone() {
        assert_eq!(rfc("2024-03-01 14:05", None), "ERR missing_time_zone");
        assert_eq!(rfc("2024-03-01", None), "ERR missing_time_zone");
    }

    #[test]
    fn dst_gap_and_fold() {
        let ny = Some(chrono_tz::America::New_York);
        let e = parse_timestamp("2024-03-10 02:30", ny, EpochUnit::Auto).err();
        assert_eq!(e.as_ref().map(CxError::code), Some("invalid_value"));
        assert!(e.is_some_and(|e| e.to_string().contains("does not exist in America/New_York")));
        // Fold: 01:30 happens twice on 2024-11-03; the earliest is EDT (-04:00).
        assert_eq!(rfc("2024-11-03 01:30", ny), "2024-11-03T01:30:00-04:00");
        assert_eq!(rfc("2024-07-01 12:00", ny), "2024-07-01T12:00:00-04:00");
        assert_eq!(rfc("2024-01-01 12:00", ny), "2024-01-01T12:00:00-05:00");
    }

    #[test]
    fn cache_does_not_cross_transitions() {
        let mut p = TimeParser::new(Some(chrono_tz::America::New_York), EpochUnit::Auto);
        // 01:xx on the fold day is ambiguous and must never be cached as one offset.
        let a = p.parse("2024-11-03 01:10").ok().map(|s| s.offset_secs);
        let b = p.parse("2024-11-03 01:50").ok().map(|s| s.offset_secs);
        assert_eq!((a, b), (Some(-4 * 3600), Some(-4 * 3600)));
        let c = p.parse("2024-11-03 02:10").ok().map(|s| s.offset_secs);
        assert_eq!(c, Some(-5 * 3600));
    }

    #[test]
    fn epochs() {
        assert_eq!(rfc("1709273100", None), "2024-03-01T06:05:00+00:00");
        assert_eq!(rfc("1709273100000", sh()), "2024-03-01T14:05:00+08:00");
        let p = parse_timestamp("1709273100", None, EpochUnit::Milliseconds).ok();
        assert_eq!(p.map(|d| d.timestamp()), Some(1_709_273));
        assert!(parse_timestamp("1709273100", None, EpochUnit::Never).is_err());
        assert_eq!(
            parse_timestamp("86400", None, EpochUnit::Seconds)
                .ok()
                .map(|d| d.timestamp()),
            Some(86_400)
        );
    }

    #[test]
    fn civil_days_match_chrono() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2000, 3, 1),
            (1900, 2, 28),
            (2024, 12, 31),
            (1600, 1, 1),
        ] {
            let want = NaiveDate::from_ymd_opt(y, m, d)
                .map(|n| (n - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days());
            assert_eq!(Some(days_from_civil(y, m, d)), want);
        }
    }
}
