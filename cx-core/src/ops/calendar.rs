//! Business calendars: working hours per weekday (split shifts allowed),
//! holidays (full or partial), make-up working days (调休), an IANA time zone
//! with daylight-saving time, and weekly schedules that change on a date.
//!
//! # Definition
//! The **business time** between two instants `a ≤ b` is the number of whole
//! seconds `u` in `[a, b)` whose *local wall-clock time* (in the calendar's
//! zone) lies inside an open span of that local date. This is the measure
//! Zendesk uses for business-hours metrics ("Business hours are measured in the
//! time zone of the schedule", support.zendesk.com/hc/en-us/articles/4408842938522)
//! and the one dbt_zendesk computes minute by minute
//! (`int_zendesk__ticket_schedules`, github.com/fivetran/dbt_zendesk).
//!
//! Daylight-saving time is exact: on 2024-03-10 in America/New_York a span
//! 00:00–06:00 holds 5 h (02:00–03:00 does not exist) and on 2024-11-03 it
//! holds 7 h (01:00–02:00 happens twice). A span whose wall-clock times occur
//! twice is counted from the first occurrence of its start to the last of its
//! end (the only difference from the strict set measure arises for a span that
//! lies wholly inside the repeated hour).
//!
//! `duration_secs(b, a) = −duration_secs(a, b)`, so additivity
//! `d(a,c) = d(a,b) + d(b,c)` holds for every ordering.
//!
//! [`BusinessCalendar::add_secs`] returns the earliest instant `u ≥ t` with
//! `duration_secs(t, u) = d`: adding to an instant outside hours starts at the
//! next opening; when the `d`-th second is the last second of a span the result
//! is the closing instant itself (not the next opening); `d = 0` returns `t`.
//!
//! # Special days
//! A holiday (`hours: None`) closes the whole local date; a partial holiday
//! (`hours: Some(spans)`) replaces the day's hours by `spans`. A make-up working
//! day (调休上班) opens a date that the weekly schedule closes, with the given
//! `hours`, or, when `hours` is `None`, with **Monday's** hours of the schedule
//! in force that date. Special days override the weekly schedule.
//!
//! Timestamps are whole seconds (sub-second parts are floored).

use std::collections::HashMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::{CxError, Result};

mod china;
mod hours;
mod index;

pub use china::{ChinaHolidays, china_holidays};
use hours::check_spans;
pub use hours::{Schedule, Span, SpecialDay, WeeklyHours};
pub use index::CalendarIndex;

pub(crate) const DAY: i64 = 86_400;
/// How far [`BusinessCalendar::add_secs`] searches for open hours (about 20 years).
const SEARCH_DAYS: i64 = 7_400;

/// The serializable description of a [`BusinessCalendar`] (its JSON form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CalendarSpec {
    /// IANA time zone, e.g. `"Asia/Shanghai"` or `"America/New_York"`.
    pub time_zone: String,
    /// Weekly schedules with their effective dates (at least one).
    pub schedules: Vec<Schedule>,
    /// Holidays (full or partial).
    #[serde(default)]
    pub holidays: Vec<SpecialDay>,
    /// Make-up working days (调休上班).
    #[serde(default)]
    pub workdays: Vec<SpecialDay>,
}

/// A business calendar. Build it with [`BusinessCalendar::builder`], from JSON
/// (serde; the form of [`CalendarSpec`]) or with [`BusinessCalendar::china`].
///
/// See the [module documentation](self) for the definitions.
///
/// # Examples
/// ```
/// use cx_core::ops::{BusinessCalendar, Span, WeeklyHours};
/// let cal = BusinessCalendar::builder("Asia/Shanghai")
///     .week(WeeklyHours::weekdays(&["09:00-12:00".parse()?, "13:30-18:00".parse()?]))
///     .build()?;
/// let a = chrono::DateTime::parse_from_rfc3339("2024-03-04T11:00:00+08:00").map_err(|e| cx_core::CxError::invalid("a", None, e, "bad"))?;
/// let b = chrono::DateTime::parse_from_rfc3339("2024-03-04T14:00:00+08:00").map_err(|e| cx_core::CxError::invalid("b", None, e, "bad"))?;
/// assert_eq!(cal.duration_secs(a, b), 3600 + 1800); // 11:00-12:00 and 13:30-14:00
/// assert_eq!(cal.add_secs(a, 3600)?, chrono::DateTime::parse_from_rfc3339("2024-03-04T12:00:00+08:00").map_err(|e| cx_core::CxError::invalid("c", None, e, "bad"))?);
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CalendarSpec", into = "CalendarSpec")]
pub struct BusinessCalendar {
    spec: CalendarSpec,
    tz: Tz,
    /// (first local day number, weekly spans Monday first), sorted by day.
    schedules: Vec<(i64, [Vec<Span>; 7])>,
    /// Local day number → spans of that day (holidays and make-up days).
    overrides: HashMap<i64, Vec<Span>>,
    /// UTC offsets of the zone, precomputed for fast lookups.
    offsets: OffsetTable,
}

/// The zone's UTC offset changes between 1970 and 2100, found by sampling
/// weekly and bisecting (offset periods shorter than a week, which no zone has
/// had since 1970, would be missed); outside that range chrono-tz is asked.
#[derive(Debug, Clone, PartialEq)]
struct OffsetTable {
    /// Instants at which the offset changes, increasing.
    at: Vec<i64>,
    /// `offs[k]` holds on `[at[k-1], at[k])`; one more element than `at`.
    offs: Vec<i32>,
}

const TABLE_START: i64 = 0; // 1970-01-01
const TABLE_END: i64 = 4_102_444_800; // 2100-01-01

fn tz_offset(tz: Tz, t: i64) -> i32 {
    match DateTime::from_timestamp(t, 0) {
        Some(dt) => tz
            .offset_from_utc_datetime(&dt.naive_utc())
            .fix()
            .local_minus_utc(),
        None => 0,
    }
}

impl OffsetTable {
    fn new(tz: Tz) -> Self {
        let week = 7 * DAY;
        let mut cur = tz_offset(tz, TABLE_START);
        let (mut at, mut offs) = (Vec::new(), vec![cur]);
        let mut s = TABLE_START;
        while s < TABLE_END {
            let next = (s + week).min(TABLE_END);
            let off = tz_offset(tz, next);
            if off != cur {
                let (mut a, mut b) = (s, next);
                while b - a > 1 {
                    let m = a + (b - a) / 2;
                    if tz_offset(tz, m) == cur {
                        a = m
                    } else {
                        b = m
                    }
                }
                at.push(b);
                offs.push(off);
                cur = off;
            }
            s = next;
        }
        Self { at, offs }
    }
}

fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) - 719_163
}

fn weekday_index(day: i64) -> usize {
    // Day 0 (1970-01-01) was a Thursday; index 0 = Monday.
    (day + 3).rem_euclid(7) as usize
}

impl TryFrom<CalendarSpec> for BusinessCalendar {
    type Error = CxError;
    fn try_from(spec: CalendarSpec) -> Result<Self> {
        let tz: Tz = spec.time_zone.parse().map_err(|_| {
            CxError::invalid(
                "time_zone",
                None,
                &spec.time_zone,
                "not an IANA time zone name such as \"Asia/Shanghai\"",
            )
        })?;
        if spec.schedules.is_empty() {
            return Err(CxError::option(
                "schedules",
                "need at least one weekly schedule",
            ));
        }
        let mut schedules = Vec::with_capacity(spec.schedules.len());
        for s in &spec.schedules {
            let w = &s.week;
            let days = [&w.mon, &w.tue, &w.wed, &w.thu, &w.fri, &w.sat, &w.sun];
            for d in days {
                check_spans(d, "weekly hours")?;
            }
            let from = s.effective_from.map_or(i64::MIN, day_number);
            schedules.push((from, days.map(|d| d.clone())));
        }
        schedules.sort_by_key(|s| s.0);
        if let Some(w) = schedules.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(CxError::option(
                "schedules",
                format!(
                    "two schedules take effect on the same date (day {})",
                    w[0].0
                ),
            ));
        }
        let mut cal = Self {
            offsets: OffsetTable::new(tz),
            spec: CalendarSpec {
                time_zone: String::new(),
                schedules: Vec::new(),
                holidays: Vec::new(),
                workdays: Vec::new(),
            },
            tz,
            schedules,
            overrides: HashMap::new(),
        };
        for h in &spec.holidays {
            let spans = h.hours.clone().unwrap_or_default();
            check_spans(&spans, "holiday hours")?;
            if cal.overrides.insert(day_number(h.date), spans).is_some() {
                return Err(dup_day(h.date));
            }
        }
        for w in &spec.workdays {
            let day = day_number(w.date);
            let spans = match &w.hours {
                Some(h) => h.clone(),
                None => cal.weekly(day, None)[0].clone(),
            };
            check_spans(&spans, "make-up day hours")?;
            if cal.overrides.insert(day, spans).is_some() {
                return Err(dup_day(w.date));
            }
        }
        cal.spec = spec;
        Ok(cal)
    }
}

fn dup_day(d: NaiveDate) -> CxError {
    CxError::invalid(
        "holidays",
        None,
        d,
        "date listed twice among holidays and make-up days",
    )
}

impl From<BusinessCalendar> for CalendarSpec {
    fn from(c: BusinessCalendar) -> Self {
        c.spec
    }
}

/// Builder of a [`BusinessCalendar`]; [`build`](CalendarBuilder::build) validates.
#[derive(Debug, Clone)]
#[must_use]
pub struct CalendarBuilder {
    pub(super) spec: CalendarSpec,
}

impl CalendarBuilder {
    /// The weekly hours that apply from the beginning of time.
    pub fn week(mut self, week: WeeklyHours) -> Self {
        self.spec.schedules.retain(|s| s.effective_from.is_some());
        self.spec.schedules.push(Schedule {
            effective_from: None,
            week,
        });
        self
    }
    /// Weekly hours that take over on local date `from`.
    pub fn week_from(mut self, from: NaiveDate, week: WeeklyHours) -> Self {
        self.spec.schedules.push(Schedule {
            effective_from: Some(from),
            week,
        });
        self
    }
    /// A holiday (see [`SpecialDay`] for partial holidays).
    pub fn holiday(mut self, day: impl Into<SpecialDay>) -> Self {
        self.spec.holidays.push(day.into());
        self
    }
    /// A make-up working day (调休上班).
    pub fn workday(mut self, day: impl Into<SpecialDay>) -> Self {
        self.spec.workdays.push(day.into());
        self
    }
    /// Validate and build.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an unknown time zone, overlapping spans or a
    /// date listed twice; [`CxError::InvalidOption`] without a weekly schedule or
    /// with two schedules starting on the same date.
    pub fn build(self) -> Result<BusinessCalendar> {
        BusinessCalendar::try_from(self.spec)
    }
}

impl From<NaiveDate> for SpecialDay {
    fn from(d: NaiveDate) -> Self {
        SpecialDay::new(d)
    }
}

impl BusinessCalendar {
    /// Start a builder for a calendar in the IANA zone `time_zone`.
    pub fn builder(time_zone: impl Into<String>) -> CalendarBuilder {
        CalendarBuilder {
            spec: CalendarSpec {
                time_zone: time_zone.into(),
                schedules: Vec::new(),
                holidays: Vec::new(),
                workdays: Vec::new(),
            },
        }
    }

    /// Round-the-clock calendar in UTC: business time equals calendar time.
    pub fn always() -> Self {
        let spec = CalendarSpec {
            time_zone: "UTC".into(),
            schedules: vec![Schedule {
                effective_from: None,
                week: WeeklyHours::always(),
            }],
            holidays: Vec::new(),
            workdays: Vec::new(),
        };
        let tz = chrono_tz::UTC;
        let all = [Span {
            start: 0,
            end: DAY as u32,
        }];
        Self {
            schedules: vec![(i64::MIN, std::array::from_fn(|_| all.to_vec()))],
            spec,
            tz,
            overrides: HashMap::new(),
            offsets: OffsetTable {
                at: Vec::new(),
                offs: vec![0],
            },
        }
    }

    /// The description this calendar was built from (serializable).
    pub fn spec(&self) -> &CalendarSpec {
        &self.spec
    }

    /// The time zone.
    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    /// UTC offset in seconds at the Unix instant `t`.
    pub fn offset_secs_at(&self, t: i64) -> i32 {
        if !(TABLE_START..TABLE_END).contains(&t) {
            return tz_offset(self.tz, t);
        }
        let k = self.offsets.at.partition_point(|&x| x <= t);
        self.offsets.offs.get(k).copied().unwrap_or(0)
    }

    /// The instant `t` (Unix seconds) as a timestamp with the calendar's offset.
    pub fn to_local(&self, t: i64) -> DateTime<FixedOffset> {
        let off = FixedOffset::east_opt(self.offset_secs_at(t)).unwrap_or(chrono::Utc.fix());
        DateTime::from_timestamp(t, 0)
            .unwrap_or_default()
            .with_timezone(&off)
    }

    /// Local day number (days since 1970-01-01) of the instant `t`.
    pub fn local_day(&self, t: i64) -> i64 {
        (t + i64::from(self.offset_secs_at(t))).div_euclid(DAY)
    }

    /// Index of the weekly schedule in force on local day `day`.
    fn schedule_index(&self, day: i64) -> usize {
        self.schedules
            .partition_point(|s| s.0 <= day)
            .saturating_sub(1)
    }

    fn weekly(&self, day: i64, forced: Option<usize>) -> &[Vec<Span>; 7] {
        let i = forced.unwrap_or_else(|| self.schedule_index(day));
        match self.schedules.get(i) {
            Some(s) => &s.1,
            None => &self.schedules[0].1,
        }
    }

    fn day_spans(&self, day: i64, forced: Option<usize>) -> &[Span] {
        match self.overrides.get(&day) {
            Some(s) => s,
            None => &self.weekly(day, forced)[weekday_index(day)],
        }
    }

    /// Open intervals (Unix seconds, sorted, disjoint) of local day `day`.
    fn day_intervals(&self, day: i64, forced: Option<usize>, out: &mut Vec<(i64, i64)>) {
        out.clear();
        let spans = self.day_spans(day, forced);
        if spans.is_empty() {
            return;
        }
        let l0 = day * DAY;
        let lo = l0 - 14 * 3600 - 1;
        let hi = l0 + DAY + 12 * 3600 + 1;
        let (off_lo, off_hi) = (
            i64::from(self.offset_secs_at(lo)),
            i64::from(self.offset_secs_at(hi)),
        );
        if off_lo == off_hi {
            for s in spans {
                out.push((
                    l0 + i64::from(s.start) - off_lo,
                    l0 + i64::from(s.end) - off_lo,
                ));
            }
            return;
        }
        // One transition in (lo, hi]: find its instant.
        let (mut a, mut b) = (lo, hi);
        while b - a > 1 {
            let m = a + (b - a) / 2;
            if i64::from(self.offset_secs_at(m)) == off_lo {
                a = m;
            } else {
                b = m;
            }
        }
        let t = b;
        for s in spans {
            let (s0, s1) = (l0 + i64::from(s.start), l0 + i64::from(s.end));
            let before = (s0 - off_lo, (s1 - off_lo).min(t));
            let after = ((s0 - off_hi).max(t), s1 - off_hi);
            let start = if before.0 < before.1 {
                before.0
            } else {
                after.0
            };
            let end = if after.0 < after.1 { after.1 } else { before.1 };
            if start < end {
                out.push((start, end));
            }
        }
    }

    /// Business seconds between Unix instants `a` and `b` (negative if `b < a`);
    /// `forced` applies one weekly schedule to every day.
    fn between(&self, a: i64, b: i64, forced: Option<usize>) -> i64 {
        if b < a {
            return -self.between(b, a, forced);
        }
        let mut total = 0;
        let mut buf = Vec::with_capacity(4);
        for day in self.local_day(a) - 1..=self.local_day(b) {
            self.day_intervals(day, forced, &mut buf);
            for &(s, e) in &buf {
                let (s, e) = (s.max(a), e.min(b));
                if s < e {
                    total += e - s;
                }
            }
        }
        total
    }

    /// Business seconds between Unix instants `a` and `b` (see [`duration_secs`](Self::duration_secs)).
    pub fn duration_unix(&self, a: i64, b: i64) -> i64 {
        self.between(a, b, None)
    }

    /// Business seconds between `a` and `b` with the weekly schedule in force at
    /// `at` applied to the whole interval (holidays still apply). This is how
    /// Zendesk measures single-event metrics "using the schedule in force when
    /// the metric is recorded" (support.zendesk.com/hc/en-us/articles/5654110765338).
    pub fn duration_unix_with_schedule_at(&self, a: i64, b: i64, at: i64) -> i64 {
        let idx = self.schedule_index(self.local_day(at));
        self.between(a, b, Some(idx))
    }

    /// Business seconds between `a` and `b`: positive when `a < b`, negative when
    /// `b < a`. See the [module documentation](self).
    pub fn duration_secs(&self, a: DateTime<FixedOffset>, b: DateTime<FixedOffset>) -> i64 {
        self.between(a.timestamp(), b.timestamp(), None)
    }

    /// Earliest Unix instant `u ≥ t` with `duration_unix(t, u) = d`.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for `d < 0`, or if the calendar has no open
    /// hours for about 20 years after `t`.
    pub fn add_unix(&self, t: i64, d: i64) -> Result<i64> {
        self.add_inner(t, d, None)
    }

    fn add_inner(&self, t: i64, d: i64, forced: Option<usize>) -> Result<i64> {
        if d < 0 {
            return Err(CxError::invalid(
                "seconds",
                None,
                d,
                "business time to add must be >= 0",
            ));
        }
        if d == 0 {
            return Ok(t);
        }
        let mut left = d;
        let mut buf = Vec::with_capacity(4);
        let first = self.local_day(t) - 1;
        for day in first..first + SEARCH_DAYS {
            self.day_intervals(day, forced, &mut buf);
            for &(s, e) in &buf {
                if e <= t {
                    continue;
                }
                let s = s.max(t);
                if left <= e - s {
                    return Ok(s + left);
                }
                left -= e - s;
            }
        }
        Err(CxError::invalid(
            "calendar",
            None,
            &self.spec.time_zone,
            "no open hours within 20 years: check the weekly hours and holidays",
        ))
    }

    /// [`add_unix`](Self::add_unix) with the weekly schedule in force at `at`.
    ///
    /// # Errors
    /// As [`add_unix`](Self::add_unix).
    pub fn add_unix_with_schedule_at(&self, t: i64, d: i64, at: i64) -> Result<i64> {
        let idx = self.schedule_index(self.local_day(at));
        self.add_inner(t, d, Some(idx))
    }

    /// The instant at which the `d`-th business second after `t` elapses (the
    /// earliest `u ≥ t` with `duration_secs(t, u) = d`), in the calendar's offset.
    ///
    /// # Errors
    /// As [`add_unix`](Self::add_unix).
    pub fn add_secs(&self, t: DateTime<FixedOffset>, d: i64) -> Result<DateTime<FixedOffset>> {
        Ok(self.to_local(self.add_unix(t.timestamp(), d)?))
    }

    /// Whether the instant is inside business hours.
    pub fn is_open(&self, t: DateTime<FixedOffset>) -> bool {
        self.between(t.timestamp(), t.timestamp() + 1, None) == 1
    }

    /// Business seconds of a whole local date.
    pub fn seconds_on(&self, date: NaiveDate) -> i64 {
        let mut buf = Vec::new();
        self.day_intervals(day_number(date), None, &mut buf);
        buf.iter().map(|(s, e)| e - s).sum()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn office(tz: &str) -> BusinessCalendar {
        BusinessCalendar::builder(tz)
            .week(WeeklyHours::weekdays(&[
                "09:00-12:00".parse().unwrap(),
                "13:30-18:00".parse().unwrap(),
            ]))
            .build()
            .unwrap()
    }

    #[test]
    fn china_notice_weekdays() {
        // The notices name the weekday of each make-up day.
        let h = china_holidays(2024).unwrap();
        let wd: Vec<_> = h.workdays.iter().map(|d| d.date.weekday()).collect();
        use Weekday::*;
        assert_eq!(wd, [Sun, Sun, Sun, Sun, Sat, Sat, Sun, Sat]);
        assert_eq!(h.holidays.len(), 1 + 8 + 3 + 5 + 1 + 3 + 7);
        let h = china_holidays(2025).unwrap();
        let wd: Vec<_> = h.workdays.iter().map(|d| d.date.weekday()).collect();
        assert_eq!(wd, [Sun, Sat, Sun, Sun, Sat]);
        assert_eq!(h.holidays.len(), 1 + 8 + 3 + 5 + 3 + 8);
        assert!(china_holidays(2023).is_err());
    }

    #[test]
    fn lunch_break_and_weekend() {
        let c = office("Asia/Shanghai");
        // Fri 17:00 -> Mon 10:00: 1 h Friday + 1 h Monday.
        assert_eq!(
            c.duration_secs(
                t("2024-03-08T17:00:00+08:00"),
                t("2024-03-11T10:00:00+08:00")
            ),
            7200
        );
        assert_eq!(
            c.add_secs(t("2024-03-08T17:00:00+08:00"), 7200).unwrap(),
            t("2024-03-11T10:00:00+08:00")
        );
        // Landing exactly at closing time, not the next opening.
        assert_eq!(
            c.add_secs(t("2024-03-11T11:00:00+08:00"), 3600).unwrap(),
            t("2024-03-11T12:00:00+08:00")
        );
        assert_eq!(
            c.add_secs(t("2024-03-11T11:00:00+08:00"), 3601).unwrap(),
            t("2024-03-11T13:30:01+08:00")
        );
        // Outside hours starts at the next opening.
        assert_eq!(
            c.add_secs(t("2024-03-11T12:10:00+08:00"), 60).unwrap(),
            t("2024-03-11T13:31:00+08:00")
        );
        assert_eq!(
            c.duration_secs(
                t("2024-03-11T14:00:00+08:00"),
                t("2024-03-11T11:00:00+08:00")
            ),
            -5400
        );
    }

    #[test]
    fn dst_days_new_york() {
        let c = BusinessCalendar::builder("America/New_York")
            .week(WeeklyHours::new().day(Weekday::Sun, &["00:00-06:00".parse().unwrap()]))
            .build()
            .unwrap();
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(c.seconds_on(d("2024-03-10")), 5 * 3600);
        assert_eq!(c.seconds_on(d("2024-11-03")), 7 * 3600);
        assert_eq!(c.seconds_on(d("2024-03-17")), 6 * 3600);
        // 01:30 EST (second occurrence) + 1 h lands at 02:30 EST.
        assert_eq!(
            c.add_secs(t("2024-11-03T01:30:00-05:00"), 3600).unwrap(),
            t("2024-11-03T02:30:00-05:00")
        );
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let c = BusinessCalendar::china(&[2025]).unwrap();
        let js = serde_json::to_string(&c).unwrap();
        let back: BusinessCalendar = serde_json::from_str(&js).unwrap();
        assert_eq!(back, c);
        let bad = r#"{"time_zone":"Mars/Olympus","schedules":[{"week":{}}]}"#;
        assert!(serde_json::from_str::<BusinessCalendar>(bad).is_err());
        let overlap =
            r#"{"time_zone":"UTC","schedules":[{"week":{"mon":["09:00-12:00","11:00-13:00"]}}]}"#;
        assert!(serde_json::from_str::<BusinessCalendar>(overlap).is_err());
        assert!("25:00-26:00".parse::<Span>().is_err());
        assert!("12:00-09:00".parse::<Span>().is_err());
        assert_eq!("00:00-24:00".parse::<Span>().unwrap().end_secs(), 86_400);
    }

    #[test]
    fn schedule_change_and_forced_schedule() {
        let d = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();
        let c = BusinessCalendar::builder("UTC")
            .week(WeeklyHours::weekdays(&["09:00-17:00".parse().unwrap()]))
            .week_from(d, WeeklyHours::weekdays(&["08:00-20:00".parse().unwrap()]))
            .build()
            .unwrap();
        let a = t("2024-06-28T09:00:00Z").timestamp(); // Fri
        let b = t("2024-07-01T20:00:00Z").timestamp(); // Mon
        assert_eq!(c.duration_unix(a, b), 8 * 3600 + 12 * 3600);
        assert_eq!(
            c.duration_unix_with_schedule_at(a, b, b),
            11 * 3600 + 12 * 3600
        );
        assert_eq!(
            c.duration_unix_with_schedule_at(a, b, a),
            8 * 3600 + 8 * 3600
        );
    }
}
