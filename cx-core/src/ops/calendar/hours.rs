//! Open spans, weekly hours, dated schedules and special days of a calendar.

use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::DAY;
use crate::{CxError, Result};

/// One open span of a day, `[start, end)` in seconds after local midnight
/// (`end ≤ 86 400`, so `"00:00-24:00"` is the whole day).
///
/// Serialized as `"09:00-12:00"` (or `"09:00:30-12:00:00"`).
///
/// # Examples
/// ```
/// use cx_core::ops::Span;
/// let s: Span = "13:30-18:00".parse()?;
/// assert_eq!((s.start_secs(), s.end_secs()), (48_600, 64_800));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Span {
    pub(super) start: u32,
    pub(super) end: u32,
}

impl Span {
    /// A span from `start_secs` to `end_secs` after local midnight.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] unless `start_secs < end_secs ≤ 86 400`.
    pub fn new(start_secs: u32, end_secs: u32) -> Result<Self> {
        if start_secs >= end_secs || end_secs > DAY as u32 {
            return Err(CxError::invalid(
                "hours",
                None,
                format!("{start_secs}..{end_secs}"),
                "a span needs start < end <= 24:00",
            ));
        }
        Ok(Self {
            start: start_secs,
            end: end_secs,
        })
    }
    /// Seconds after midnight at which the span opens.
    pub fn start_secs(self) -> u32 {
        self.start
    }
    /// Seconds after midnight at which the span closes (exclusive).
    pub fn end_secs(self) -> u32 {
        self.end
    }
}

fn parse_clock(s: &str, whole: &str) -> Result<u32> {
    let bad = || CxError::invalid("hours", None, whole, "expected HH:MM-HH:MM (24:00 allowed)");
    let parts: Vec<&str> = s.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(bad());
    }
    let mut secs = 0u32;
    for (i, p) in parts.iter().enumerate() {
        let v: u32 = p.parse().map_err(|_| bad())?;
        let limit = if i == 0 { 24 } else { 59 };
        if v > limit {
            return Err(bad());
        }
        secs += v * [3600, 60, 1][i];
    }
    if secs > DAY as u32 {
        return Err(bad());
    }
    Ok(secs)
}

fn fmt_clock(s: u32) -> String {
    if s.is_multiple_of(60) {
        format!("{:02}:{:02}", s / 3600, s % 3600 / 60)
    } else {
        format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    }
}

impl std::str::FromStr for Span {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        let (a, b) = s
            .split_once('-')
            .ok_or_else(|| CxError::invalid("hours", None, s, "expected HH:MM-HH:MM"))?;
        Span::new(parse_clock(a, s)?, parse_clock(b, s)?)
    }
}

impl TryFrom<String> for Span {
    type Error = CxError;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl From<Span> for String {
    fn from(s: Span) -> String {
        s.to_string()
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", fmt_clock(self.start), fmt_clock(self.end))
    }
}

pub(super) fn check_spans(spans: &[Span], what: &str) -> Result<()> {
    for w in spans.windows(2) {
        if w[1].start < w[0].end {
            return Err(CxError::invalid(
                "hours",
                None,
                format!("{what}: {} and {}", w[0], w[1]),
                "spans must be sorted and must not overlap",
            ));
        }
    }
    Ok(())
}

/// Open spans for each weekday (Monday first). Serialized as
/// `{"mon": ["09:00-12:00", "13:30-18:00"], ...}`; a missing day is closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct WeeklyHours {
    /// Monday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mon: Vec<Span>,
    /// Tuesday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tue: Vec<Span>,
    /// Wednesday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wed: Vec<Span>,
    /// Thursday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thu: Vec<Span>,
    /// Friday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fri: Vec<Span>,
    /// Saturday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sat: Vec<Span>,
    /// Sunday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sun: Vec<Span>,
}

impl WeeklyHours {
    /// A week with every day closed.
    pub fn new() -> Self {
        Self::default()
    }
    /// Monday to Friday with the same spans (e.g. 09:00–12:00 and 13:30–18:00).
    pub fn weekdays(spans: &[Span]) -> Self {
        let mut w = Self::new();
        for d in [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ] {
            *w.day_mut(d) = spans.to_vec();
        }
        w
    }
    /// Every day 00:00–24:00 (24/7 support).
    pub fn always() -> Self {
        let all = [Span {
            start: 0,
            end: DAY as u32,
        }];
        let mut w = Self::weekdays(&all);
        w.sat = all.to_vec();
        w.sun = all.to_vec();
        w
    }
    /// Set one day's spans (consuming setter).
    pub fn day(mut self, day: Weekday, spans: &[Span]) -> Self {
        *self.day_mut(day) = spans.to_vec();
        self
    }
    /// The spans of a weekday.
    pub fn spans(&self, day: Weekday) -> &[Span] {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }
    fn day_mut(&mut self, day: Weekday) -> &mut Vec<Span> {
        match day {
            Weekday::Mon => &mut self.mon,
            Weekday::Tue => &mut self.tue,
            Weekday::Wed => &mut self.wed,
            Weekday::Thu => &mut self.thu,
            Weekday::Fri => &mut self.fri,
            Weekday::Sat => &mut self.sat,
            Weekday::Sun => &mut self.sun,
        }
    }
}

/// A weekly schedule and the local date from which it applies (`None` = always,
/// until a later schedule takes over).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Schedule {
    /// First local date on which the schedule applies.
    #[serde(default)]
    pub effective_from: Option<NaiveDate>,
    /// Hours per weekday.
    pub week: WeeklyHours,
}

/// A holiday or a make-up working day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SpecialDay {
    /// Local date.
    pub date: NaiveDate,
    /// Name, e.g. "国庆节" (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// For a holiday: `None` = closed all day, `Some` = the (reduced) hours kept.
    /// For a make-up day: `None` = Monday's hours, `Some` = these hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Vec<Span>>,
}

impl SpecialDay {
    /// A special day without a name that follows the default hours rule.
    pub fn new(date: NaiveDate) -> Self {
        Self {
            date,
            name: None,
            hours: None,
        }
    }
    /// Set the name (consuming setter).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    /// Set explicit hours (consuming setter).
    pub fn hours(mut self, spans: &[Span]) -> Self {
        self.hours = Some(spans.to_vec());
        self
    }
}
