//! Columnar group-by kernels: per-group NPS tallies from `u8` scores and `u32`
//! group codes in one pass, dictionary encoding of string keys, combination of
//! several key columns, and calendar time buckets in an IANA time zone.
//!
//! The unweighted kernel (in [`super::grouped`]) maps each score to its class with a
//! lookup table and counts `hist[code·4 + class]` in a flat per-thread `u16`
//! histogram (8 KiB for 1 000 groups), after one vectorisable validation pass, and
//! splits large inputs across threads (`std::thread::scope`), adding the histograms.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone};
use chrono_tz::Tz;

use crate::error::{CxError, Result};
use crate::metrics::grouped;
use crate::metrics::nps::{self, NpsCounts, NpsOptions, NpsSummary, SCORE_MISSING_U8};
use crate::metrics::tally::{NpsTally, decode, encode};

/// Per-group NPS tallies (index = group code), mergeable and serializable.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GroupedNpsTally {
    groups: Vec<NpsTally>,
}

/// One group's summary in [`GroupedNpsTally::finish`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GroupSummary {
    /// Group code (index into the key dictionary).
    pub group: u32,
    /// The group's NPS summary.
    pub summary: NpsSummary,
}

impl GroupedNpsTally {
    /// `n_groups` empty tallies.
    pub fn new(n_groups: usize) -> Self {
        Self {
            groups: vec![NpsTally::new(); n_groups],
        }
    }
    /// Number of groups.
    pub fn n_groups(&self) -> usize {
        self.groups.len()
    }
    /// The tally of one group, if the code is in range.
    pub fn group(&self, code: u32) -> Option<&NpsTally> {
        self.groups.get(code as usize)
    }
    /// All tallies, indexed by group code.
    pub fn groups(&self) -> &[NpsTally] {
        &self.groups
    }
    /// Merge another grouped tally with codes from the same dictionary (grows to the larger
    /// number of groups).
    pub fn merge(&mut self, other: &GroupedNpsTally) {
        if other.groups.len() > self.groups.len() {
            self.groups.resize(other.groups.len(), NpsTally::new());
        }
        for (a, b) in self.groups.iter_mut().zip(&other.groups) {
            a.merge(b);
        }
    }
    /// Unweighted summaries of the non-empty groups, in code order.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] for bad options.
    pub fn finish(&self, opts: NpsOptions) -> Result<Vec<GroupSummary>> {
        self.finish_with(|t| t.finish(opts))
    }
    /// Weighted summaries of the non-empty groups, in code order.
    ///
    /// # Errors
    /// As [`NpsTally::finish_weighted`] for any group.
    pub fn finish_weighted(&self, opts: NpsOptions) -> Result<Vec<GroupSummary>> {
        self.finish_with(|t| t.finish_weighted(opts))
    }
    fn finish_with(
        &self,
        f: impl Fn(&NpsTally) -> Result<NpsSummary>,
    ) -> Result<Vec<GroupSummary>> {
        let mut out = Vec::new();
        for (g, t) in self.groups.iter().enumerate() {
            if t.counts().n() > 0 {
                out.push(GroupSummary {
                    group: g as u32,
                    summary: f(t)?,
                });
            }
        }
        Ok(out)
    }
    /// Serialize (tally format version 1, kind 4: group count, then each group's state).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(8 + 80 * self.groups.len());
        p.extend_from_slice(&(self.groups.len() as u64).to_le_bytes());
        for t in &self.groups {
            t.write_payload(&mut p);
        }
        encode(4, &p)
    }
    /// Deserialize bytes written by [`GroupedNpsTally::to_bytes`].
    ///
    /// # Errors
    /// [`CxError::Format`] for bad bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = decode(bytes, 4, "GroupedNpsTally")?;
        let n = r.u64()?;
        if n > (bytes.len() / 80) as u64 {
            return Err(r.err("group count exceeds payload"));
        }
        let mut groups = Vec::with_capacity(n as usize);
        for _ in 0..n {
            groups.push(NpsTally::read_payload(&mut r)?);
        }
        r.finish()?;
        Ok(Self { groups })
    }
}

/// Per-group NPS tallies of `u8` scores ([`SCORE_MISSING_U8`] = missing) by `u32` group code.
///
/// # Formula
/// One pass: per group, counts of each score 0–10 and of missing, then classes
/// 9–10 / 7–8 / 0–6 as in [`nps::nps`]. With `weights`, per-class Σw and Σw² per group
/// (see [`nps::summarize_weighted`]).
/// # Errors
/// [`CxError::LengthMismatch`] when `codes` or `weights` differ in length from `scores`;
/// [`CxError::InvalidValue`] for a score 11–254 (field `score`), a code ≥ `n_groups`
/// (field `group`) or a bad weight (field `weights`), naming the row.
/// # Examples
/// ```
/// use cx_core::metrics::group::nps_by_group;
/// let g = nps_by_group(&[10, 0, 9, 8], &[0, 0, 1, 1], 2, None)?;
/// let s = g.finish(Default::default())?;
/// assert_eq!((s[0].summary.score, s[1].summary.score), (0.0, 50.0));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn nps_by_group(
    scores: &[u8],
    codes: &[u32],
    n_groups: usize,
    weights: Option<&[f64]>,
) -> Result<GroupedNpsTally> {
    if codes.len() != scores.len() {
        return Err(CxError::LengthMismatch {
            what: "group codes".into(),
            expected: scores.len(),
            got: codes.len(),
        });
    }
    if let Some(w) = weights {
        grouped::check_nps_u8(scores)?;
        return weighted_by_group(scores, codes, n_groups, w);
    }
    let hist = grouped::nps_histogram(scores, codes, n_groups, Some(n_groups))?;
    let mut out = GroupedNpsTally::new(n_groups);
    for (t, h) in out.groups.iter_mut().zip(hist.chunks_exact(4)) {
        t.add_counts(NpsCounts::new(h[2], h[1], h[0]), h[3]);
    }
    Ok(out)
}

/// [`nps_by_group`] when the number of groups is not known: dense group codes, one group
/// per code up to the largest code present (`max code + 1` groups).
///
/// # Errors
/// As [`nps_by_group`]; a code ≥ `max_groups` is an [`CxError::InvalidValue`] (field
/// `group`) so that callers can fall back to dictionary encoding of sparse codes.
/// # Examples
/// ```
/// use cx_core::metrics::group::nps_by_code;
/// let g = nps_by_code(&[10, 0, 9, 8], &[0, 0, 2, 2], 1_000)?;
/// assert_eq!(g.n_groups(), 3);
/// assert_eq!(g.group(2).map(|t| t.counts().promoters), Some(1));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn nps_by_code(scores: &[u8], codes: &[u32], max_groups: usize) -> Result<GroupedNpsTally> {
    if codes.len() != scores.len() {
        return Err(CxError::LengthMismatch {
            what: "group codes".into(),
            expected: scores.len(),
            got: codes.len(),
        });
    }
    let hist = grouped::nps_histogram(scores, codes, max_groups, None)?;
    let mut out = GroupedNpsTally::new(hist.len() / 4);
    for (t, h) in out.groups.iter_mut().zip(hist.chunks_exact(4)) {
        t.add_counts(NpsCounts::new(h[2], h[1], h[0]), h[3]);
    }
    Ok(out)
}

fn weighted_by_group(
    scores: &[u8],
    codes: &[u32],
    n_groups: usize,
    weights: &[f64],
) -> Result<GroupedNpsTally> {
    if weights.len() != scores.len() {
        return Err(CxError::LengthMismatch {
            what: "weights".into(),
            expected: scores.len(),
            got: weights.len(),
        });
    }
    let mut rows: Vec<GroupedRow> = vec![GroupedRow::default(); n_groups];
    for (row, ((&s, &c), &w)) in scores.iter().zip(codes).zip(weights).enumerate() {
        let Some(g) = rows.get_mut(c as usize) else {
            return Err(CxError::invalid(
                "group",
                Some(row),
                c,
                "group code not below n_groups",
            ));
        };
        if s == SCORE_MISSING_U8 {
            g.missing += 1;
            continue;
        }
        nps::check_weight(w, row)?;
        let k = match s {
            9..=10 => 2,
            7..=8 => 1,
            _ => 0,
        };
        g.n[k] += 1;
        g.w[k] += w;
        g.w2[k] += w * w;
    }
    let mut out = GroupedNpsTally::new(n_groups);
    for (t, g) in out.groups.iter_mut().zip(rows) {
        *t = NpsTally::from_parts(NpsCounts::new(g.n[2], g.n[1], g.n[0]), g.missing, g.w, g.w2);
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, Default)]
struct GroupedRow {
    n: [u64; 3],
    missing: u64,
    w: [f64; 3],
    w2: [f64; 3],
}

/// Dictionary-encoded keys: `codes[i]` indexes `dictionary`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EncodedKeys {
    /// One code per row.
    pub codes: Vec<u32>,
    /// Distinct keys in first-seen order.
    pub dictionary: Vec<String>,
}

/// Dictionary-encode string keys once, in first-seen order.
///
/// # Errors
/// [`CxError::InvalidValue`] (field `keys`) beyond 2³² − 1 distinct keys.
/// # Examples
/// ```
/// let k = cx_core::metrics::group::encode_keys(&["web", "app", "web"])?;
/// assert_eq!(k.codes, vec![0, 1, 0]);
/// assert_eq!(k.dictionary, vec!["web", "app"]);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn encode_keys(keys: &[&str]) -> Result<EncodedKeys> {
    let mut map: HashMap<&str, u32> = HashMap::new();
    let mut dictionary = Vec::new();
    let mut codes = Vec::with_capacity(keys.len());
    for (row, &k) in keys.iter().enumerate() {
        let next = dictionary.len();
        let code = match map.get(k) {
            Some(&c) => c,
            None => {
                let c = u32::try_from(next).map_err(|_| {
                    CxError::invalid("keys", Some(row), next, "more than 2^32-1 distinct keys")
                })?;
                map.insert(k, c);
                dictionary.push(k.to_string());
                c
            }
        };
        codes.push(code);
    }
    Ok(EncodedKeys { codes, dictionary })
}

/// Several key columns combined into one code per row.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CombinedKeys {
    /// One combined code per row.
    pub codes: Vec<u32>,
    /// For each combined code (first-seen order), the component codes, one per column.
    pub components: Vec<Vec<u32>>,
}

/// Combine several code columns (e.g. from [`encode_keys`]) into one dense code per row.
///
/// # Errors
/// [`CxError::EmptyInput`] with no columns; [`CxError::LengthMismatch`] for columns of
/// different lengths; [`CxError::InvalidValue`] beyond 2³² − 1 combinations.
/// # Examples
/// ```
/// use cx_core::metrics::group::combine_codes;
/// let c = combine_codes(&[&[0, 0, 1, 0], &[5, 6, 5, 5]])?;
/// assert_eq!(c.codes, vec![0, 1, 2, 0]);
/// assert_eq!(c.components[2], vec![1, 5]);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn combine_codes(columns: &[&[u32]]) -> Result<CombinedKeys> {
    let Some(first) = columns.first() else {
        return Err(CxError::EmptyInput {
            what: "key columns".into(),
        });
    };
    let n = first.len();
    for c in columns {
        if c.len() != n {
            return Err(CxError::LengthMismatch {
                what: "key columns".into(),
                expected: n,
                got: c.len(),
            });
        }
    }
    let mut map: HashMap<Vec<u32>, u32> = HashMap::new();
    let mut components = Vec::new();
    let mut codes = Vec::with_capacity(n);
    let mut key = Vec::with_capacity(columns.len());
    for row in 0..n {
        key.clear();
        key.extend(columns.iter().map(|c| c[row]));
        let code = match map.get(&key) {
            Some(&c) => c,
            None => {
                let c = u32::try_from(components.len()).map_err(|_| {
                    CxError::invalid("keys", Some(row), components.len(), "too many combinations")
                })?;
                map.insert(key.clone(), c);
                components.push(key.clone());
                c
            }
        };
        codes.push(code);
    }
    Ok(CombinedKeys { codes, components })
}

/// Unit of epoch timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TimeUnit {
    /// Seconds since 1970-01-01T00:00:00Z.
    Seconds,
    /// Milliseconds since 1970-01-01T00:00:00Z (default).
    #[default]
    Milliseconds,
    /// Microseconds since 1970-01-01T00:00:00Z (pandas 3, Arrow `timestamp[us]`).
    Microseconds,
    /// Nanoseconds since 1970-01-01T00:00:00Z (Arrow `timestamp[ns]`).
    Nanoseconds,
}

impl TimeUnit {
    /// Ticks per second.
    pub fn per_second(self) -> i64 {
        match self {
            TimeUnit::Seconds => 1,
            TimeUnit::Milliseconds => 1_000,
            TimeUnit::Microseconds => 1_000_000,
            TimeUnit::Nanoseconds => 1_000_000_000,
        }
    }
    fn of(self, dt: &DateTime<Tz>) -> Option<i64> {
        match self {
            TimeUnit::Seconds => Some(dt.timestamp()),
            TimeUnit::Milliseconds => Some(dt.timestamp_millis()),
            TimeUnit::Microseconds => Some(dt.timestamp_micros()),
            TimeUnit::Nanoseconds => dt.timestamp_nanos_opt(),
        }
    }
}

/// Calendar bucket size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Freq {
    /// Local calendar day.
    Day,
    /// ISO 8601 week, starting Monday.
    Week,
    /// Calendar month.
    Month,
    /// Calendar quarter (Jan, Apr, Jul, Oct).
    Quarter,
    /// Calendar year.
    Year,
}

impl std::str::FromStr for Freq {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "day" => Ok(Freq::Day),
            "week" => Ok(Freq::Week),
            "month" => Ok(Freq::Month),
            "quarter" => Ok(Freq::Quarter),
            "year" => Ok(Freq::Year),
            other => Err(CxError::option(
                "freq",
                format!("must be one of {{day, week, month, quarter, year}}, got {other:?}"),
            )),
        }
    }
}

/// Time buckets: a code per row and, per code (chronological), the bucket start.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimeBuckets {
    /// One code per row; codes are in chronological order of the bucket starts.
    pub codes: Vec<u32>,
    /// Start instant of each bucket, in the input's unit since the epoch.
    pub starts: Vec<i64>,
    /// Start of each bucket as RFC 3339 local time with its UTC offset.
    pub labels: Vec<String>,
}

fn bucket_date(d: NaiveDate, freq: Freq) -> Option<NaiveDate> {
    match freq {
        Freq::Day => Some(d),
        Freq::Week => d.checked_sub_days(chrono::Days::new(u64::from(
            d.weekday().num_days_from_monday(),
        ))),
        Freq::Month => NaiveDate::from_ymd_opt(d.year(), d.month(), 1),
        Freq::Quarter => NaiveDate::from_ymd_opt(d.year(), (d.month() - 1) / 3 * 3 + 1, 1),
        Freq::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1),
    }
}

fn next_bucket(d: NaiveDate, freq: Freq) -> Option<NaiveDate> {
    match freq {
        Freq::Day => d.succ_opt(),
        Freq::Week => d.checked_add_days(chrono::Days::new(7)),
        Freq::Month => d.checked_add_months(Months::new(1)),
        Freq::Quarter => d.checked_add_months(Months::new(3)),
        Freq::Year => d.checked_add_months(Months::new(12)),
    }
}

/// First instant of local date `d` in `tz`: local midnight, or the earlier of two when
/// midnight repeats, or the first instant after a DST gap that swallows midnight.
fn local_start(tz: &Tz, d: NaiveDate) -> Option<DateTime<Tz>> {
    let midnight = d.and_hms_opt(0, 0, 0)?;
    for minutes in (0..=24 * 60).step_by(15) {
        let t = midnight + chrono::Duration::minutes(minutes);
        if let Some(dt) = tz.from_local_datetime(&t).earliest() {
            return Some(dt);
        }
    }
    None
}

/// Assign each timestamp to the calendar bucket (day, ISO week, month, quarter, year) that
/// contains it in time zone `tz`, with DST-correct bucket starts.
///
/// # Formula
/// Local date of the instant in `tz` (IANA database via chrono-tz); bucket start date
/// (Monday for weeks, the 1st for months, Jan/Apr/Jul/Oct 1st for quarters, Jan 1st for
/// years); start instant = the first existing local instant of that date (midnight; after
/// the gap when a DST change skips midnight; the first of two when it repeats).
/// # Reference
/// ISO 8601-1:2019 §5.2.4 (week dates, Monday start); IANA tz database.
/// # Errors
/// [`CxError::InvalidOption`] (option `tz`) for an unknown zone; [`CxError::InvalidValue`]
/// (field `timestamp`, row, value) for an out-of-range timestamp.
/// # Examples
/// ```
/// use cx_core::metrics::group::{time_buckets, Freq, TimeUnit};
/// // 2024-03-10T04:30Z is still March 9 in New York; 2024-03-10T12:00Z is March 10 (EDT).
/// let b = time_buckets(&[1_710_045_000, 1_710_072_000], TimeUnit::Seconds, "America/New_York", Freq::Day)?;
/// assert_eq!(b.labels, vec!["2024-03-09T00:00:00-05:00", "2024-03-10T00:00:00-05:00"]);
/// assert_eq!(b.codes, vec![0, 1]);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn time_buckets(
    timestamps: &[i64],
    unit: TimeUnit,
    tz: &str,
    freq: Freq,
) -> Result<TimeBuckets> {
    let zone: Tz = tz
        .parse()
        .map_err(|_| CxError::option("tz", format!("unknown IANA time zone {tz:?}")))?;
    let per_sec = unit.per_second();
    let mut starts: Vec<(i64, DateTime<Tz>)> = Vec::new();
    let mut codes = Vec::with_capacity(timestamps.len());
    // Cache of the last bucket: [lo, hi) in the input unit and its code.
    let mut cache: Option<(i64, i64, u32)> = None;
    // Every bucket met so far, sorted by `lo`: rows out of time order (exports often are)
    // find their bucket by a binary search instead of a time-zone conversion.
    let mut known: Vec<(i64, i64, u32)> = Vec::new();
    for (row, &ts) in timestamps.iter().enumerate() {
        if let Some((lo, hi, code)) = cache
            && ts >= lo
            && ts < hi
        {
            codes.push(code);
            continue;
        }
        let at = known.partition_point(|&(lo, _, _)| lo <= ts);
        if let Some(&(lo, hi, code)) = at.checked_sub(1).and_then(|i| known.get(i))
            && ts < hi
        {
            cache = Some((lo, hi, code));
            codes.push(code);
            continue;
        }
        let bad = || {
            CxError::invalid(
                "timestamp",
                Some(row),
                ts,
                "outside the supported date range",
            )
        };
        let secs = ts.div_euclid(per_sec);
        let nanos = (ts.rem_euclid(per_sec) * (1_000_000_000 / per_sec)) as u32;
        let utc = DateTime::from_timestamp(secs, nanos).ok_or_else(bad)?;
        let local = utc.with_timezone(&zone).date_naive();
        let start_date = bucket_date(local, freq).ok_or_else(bad)?;
        let start = local_start(&zone, start_date).ok_or_else(bad)?;
        let end = next_bucket(start_date, freq)
            .and_then(|d| local_start(&zone, d))
            .ok_or_else(bad)?;
        let key = unit.of(&start).ok_or_else(bad)?;
        // Not in a bucket met so far (the search above would have found it): a new one.
        let code = starts.len() as u32;
        starts.push((key, start));
        let entry = (key, unit.of(&end).ok_or_else(bad)?, code);
        known.insert(known.partition_point(|&(lo, _, _)| lo < key), entry);
        cache = Some(entry);
        codes.push(code);
    }
    // Renumber codes chronologically.
    let mut order: Vec<usize> = (0..starts.len()).collect();
    order.sort_by_key(|&i| starts[i].0);
    let mut remap = vec![0u32; starts.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old] = new as u32;
    }
    for c in &mut codes {
        *c = remap[*c as usize];
    }
    Ok(TimeBuckets {
        codes,
        starts: order.iter().map(|&i| starts[i].0).collect(),
        labels: order.iter().map(|&i| starts[i].1.to_rfc3339()).collect(),
    })
}

/// [`time_buckets`] of naive wall-clock timestamps (no offset: the value is the local time
/// in `tz` counted as if it were UTC), with bucket starts as instants in `tz`.
///
/// A naive timestamp's calendar date is its own, so the bucket follows from the wall clock;
/// only the bucket start needs the zone (DST-correct, as in [`time_buckets`]).
///
/// # Errors
/// As [`time_buckets`].
/// # Examples
/// ```
/// use cx_core::metrics::group::{time_buckets_local, Freq, TimeUnit};
/// // 2024-03-31 23:30 wall clock in Shanghai is in March.
/// let b = time_buckets_local(&[1_711_927_800], TimeUnit::Seconds, "Asia/Shanghai", Freq::Month)?;
/// assert_eq!(b.labels, vec!["2024-03-01T00:00:00+08:00"]);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn time_buckets_local(
    timestamps: &[i64],
    unit: TimeUnit,
    tz: &str,
    freq: Freq,
) -> Result<TimeBuckets> {
    let zone: Tz = tz
        .parse()
        .map_err(|_| CxError::option("tz", format!("unknown IANA time zone {tz:?}")))?;
    let mut b = time_buckets(timestamps, unit, "UTC", freq)?;
    let per_sec = unit.per_second();
    let mut labels = Vec::with_capacity(b.starts.len());
    for start in &mut b.starts {
        let bad = || {
            CxError::invalid(
                "timestamp",
                None,
                *start,
                "outside the supported date range",
            )
        };
        let date = DateTime::from_timestamp(start.div_euclid(per_sec), 0)
            .ok_or_else(bad)?
            .date_naive();
        let local = local_start(&zone, date).ok_or_else(bad)?;
        *start = unit.of(&local).ok_or_else(bad)?;
        labels.push(local.to_rfc3339());
    }
    b.labels = labels;
    Ok(b)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn grouped_matches_per_group_nps() {
        let scores: Vec<u8> = (0..5000u32).map(|i| ((i * 31) % 11) as u8).collect();
        let codes: Vec<u32> = (0..5000u32).map(|i| (i * 7) % 13).collect();
        let g = nps_by_group(&scores, &codes, 13, None).unwrap();
        for code in 0..13u32 {
            let sub: Vec<u8> = scores
                .iter()
                .zip(&codes)
                .filter(|(_, c)| **c == code)
                .map(|(s, _)| *s)
                .collect();
            let (c, _) = nps::count_u8(&sub).unwrap();
            assert_eq!(g.group(code).unwrap().counts(), c);
        }
        let w = nps_by_group(&scores, &codes, 13, Some(&vec![1.0; 5000])).unwrap();
        assert_eq!(w, g);
        assert_eq!(GroupedNpsTally::from_bytes(&g.to_bytes()).unwrap(), g);
    }

    #[test]
    fn out_of_order_rows_get_the_bucket_each_would_get_alone() {
        // Instants spread over three years (DST changes included), in a
        // scrambled order: each row's bucket start equals that of the row bucketed alone.
        let ts: Vec<i64> = (0..3000i64)
            .map(|i| 1_700_000_000 + ((i * 7_919) % 3000) * 31_337 + (i % 7) * 3_600)
            .collect();
        for (tz, freq) in [
            ("America/New_York", Freq::Day),
            ("America/New_York", Freq::Week),
            ("Asia/Shanghai", Freq::Month),
            ("Europe/London", Freq::Quarter),
            // Santiago moves its clocks at midnight: a day there can start at 01:00.
            ("America/Santiago", Freq::Day),
        ] {
            let b = time_buckets(&ts, TimeUnit::Seconds, tz, freq).unwrap();
            for (i, &t) in ts.iter().enumerate() {
                let one = time_buckets(&[t], TimeUnit::Seconds, tz, freq).unwrap();
                assert_eq!(b.starts[b.codes[i] as usize], one.starts[0], "{tz} row {i}");
                assert_eq!(b.labels[b.codes[i] as usize], one.labels[0], "{tz} row {i}");
            }
            assert!(b.starts.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn bad_inputs_are_typed() {
        let e = nps_by_group(&[1, 2], &[0, 5], 2, None).unwrap_err();
        assert_eq!((e.field(), e.row()), (Some("group"), Some(1)));
        let e = nps_by_group(&[1, 12], &[0, 1], 2, None).unwrap_err();
        assert_eq!((e.field(), e.row()), (Some("score"), Some(1)));
        assert!(nps_by_group(&[1], &[0, 1], 2, None).is_err());
        assert!(time_buckets(&[0], TimeUnit::Seconds, "Mars/Olympus", Freq::Day).is_err());
    }

    #[test]
    fn iso_weeks_and_quarters_in_local_time() {
        // 2024-12-30 (Mon) 01:00 Asia/Shanghai = 2024-12-29T17:00Z: ISO week starts Dec 30 local.
        let ts = 1_735_491_600_000;
        let w = time_buckets(&[ts], TimeUnit::Milliseconds, "Asia/Shanghai", Freq::Week).unwrap();
        assert_eq!(w.labels[0], "2024-12-30T00:00:00+08:00");
        let q = time_buckets(
            &[ts],
            TimeUnit::Milliseconds,
            "Asia/Shanghai",
            Freq::Quarter,
        )
        .unwrap();
        assert_eq!(q.labels[0], "2024-10-01T00:00:00+08:00");
        let y = time_buckets(&[ts], TimeUnit::Milliseconds, "UTC", Freq::Year).unwrap();
        assert_eq!(y.labels[0], "2024-01-01T00:00:00+00:00");
    }

    #[test]
    fn midnight_in_a_dst_gap_starts_after_the_gap() {
        // America/Santiago 2022-09-11: clocks jump 00:00 -> 01:00. 2022-09-11T12:00Z.
        let b = time_buckets(
            &[1_662_897_600],
            TimeUnit::Seconds,
            "America/Santiago",
            Freq::Day,
        )
        .unwrap();
        assert_eq!(b.labels[0], "2022-09-11T01:00:00-03:00");
    }
}
