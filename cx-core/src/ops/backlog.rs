//! Backlog: open stock at an instant, inflow and outflow per period (day, ISO
//! week or month in the calendar's time zone) and age buckets.
//!
//! # Definitions
//! A ticket is **open** while its status is New, Open, Pending or On-hold
//! (Zendesk's "unsolved tickets" view). Per period `[start, end)`:
//! `created` counts creations, `reopened` transitions from Solved/Closed back to
//! an open status, `resolved` transitions from an open status to Solved or
//! Closed, and the stock identity
//! `open_at_end = open_at_start + created + reopened − resolved` holds.
//! Weeks start on Monday (ISO 8601); period boundaries are local midnights
//! (the first valid instant after midnight on a DST day without one).

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone};
use chrono_tz::Tz;

use super::ticket_metrics::{Kind, TicketLog, datetime_at};
use crate::model::TicketStatus;
use crate::{CxError, Result};

/// Period length for [`backlog`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Period {
    /// Local calendar day.
    #[default]
    Day,
    /// ISO week (Monday to Sunday).
    Week,
    /// Calendar month.
    Month,
}

impl std::str::FromStr for Period {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "day" => Ok(Period::Day),
            "week" => Ok(Period::Week),
            "month" => Ok(Period::Month),
            _ => Err(CxError::option(
                "period",
                format!("must be one of {{day, week, month}}, got {s:?}"),
            )),
        }
    }
}

/// Flow and stock of one period.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BacklogPeriod {
    /// Period start (local midnight).
    pub start: DateTime<FixedOffset>,
    /// Period end (exclusive).
    pub end: DateTime<FixedOffset>,
    /// Open tickets just before `start`.
    pub open_at_start: u64,
    /// Tickets created in the period.
    pub created: u64,
    /// Reopen transitions in the period.
    pub reopened: u64,
    /// Transitions to Solved or Closed in the period.
    pub resolved: u64,
    /// Open tickets just before `end`.
    pub open_at_end: u64,
}

/// One age bucket of the open stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AgeBucket {
    /// Lower bound of the age, seconds (inclusive).
    pub min_secs: i64,
    /// Upper bound of the age, seconds (exclusive; `None` = unbounded).
    pub max_secs: Option<i64>,
    /// Open tickets in the bucket.
    pub count: u64,
}

fn is_open(s: TicketStatus) -> bool {
    matches!(
        s,
        TicketStatus::New | TicketStatus::Open | TicketStatus::Pending | TicketStatus::OnHold
    )
}

/// (instant, +1 open / −1 closed, is_creation) changes of the open stock.
fn changes(log: &TicketLog) -> Vec<(i64, i8, bool)> {
    let mut out = Vec::with_capacity(log.tickets.len() * 2);
    for t in &log.tickets {
        out.push((t.created, 1, true));
        let mut status = TicketStatus::New;
        for e in log.events_of(t) {
            let to = match e.kind {
                Kind::Status(_, to) => to,
                Kind::Solved => TicketStatus::Solved,
                Kind::Reopened => TicketStatus::Open,
                Kind::Closed => TicketStatus::Closed,
                _ => continue,
            };
            match (is_open(status), is_open(to)) {
                (true, false) => out.push((e.at, -1, false)),
                (false, true) => out.push((e.at, 1, false)),
                _ => {}
            }
            status = to;
        }
    }
    out.sort_unstable();
    out
}

/// Number of open tickets at instant `at` (events at `at` included).
pub fn open_at(log: &TicketLog, at: DateTime<FixedOffset>) -> u64 {
    let t = at.timestamp();
    let s: i64 = changes(log)
        .iter()
        .take_while(|c| c.0 <= t)
        .map(|c| i64::from(c.1))
        .sum();
    s.max(0) as u64
}

fn local_midnight(tz: Tz, d: NaiveDate) -> i64 {
    let mut naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    for _ in 0..4 {
        if let Some(dt) = tz.from_local_datetime(&naive).earliest() {
            return dt.timestamp();
        }
        naive += Duration::minutes(30);
    }
    naive.and_utc().timestamp()
}

fn period_start(p: Period, d: NaiveDate) -> NaiveDate {
    match p {
        Period::Day => d,
        Period::Week => d - Duration::days(i64::from(d.weekday().num_days_from_monday())),
        _ => d.with_day(1).unwrap_or(d),
    }
}

fn next_start(p: Period, d: NaiveDate) -> NaiveDate {
    match p {
        Period::Day => d + Duration::days(1),
        Period::Week => d + Duration::days(7),
        _ => d.checked_add_months(chrono::Months::new(1)).unwrap_or(d),
    }
}

/// Inflow, outflow and stock per period covering `[from, to)` in the IANA zone
/// `time_zone` (periods are aligned to local days, ISO weeks or months).
///
/// # Errors
/// [`CxError::InvalidValue`] for an unknown zone; [`CxError::InvalidOption`]
/// if `to <= from` or the range holds more than 100 000 periods.
pub fn backlog(
    log: &TicketLog,
    time_zone: &str,
    period: Period,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
) -> Result<Vec<BacklogPeriod>> {
    let tz: Tz = time_zone
        .parse()
        .map_err(|_| CxError::invalid("time_zone", None, time_zone, "not an IANA time zone"))?;
    if to <= from {
        return Err(CxError::option("to", "must be later than `from`"));
    }
    let ch = changes(log);
    let mut i = 0;
    let mut stock: i64 = 0;
    let mut d = period_start(period, from.with_timezone(&tz).date_naive());
    let last = to.timestamp();
    let mut out = Vec::new();
    loop {
        let (s, e) = (
            local_midnight(tz, d),
            local_midnight(tz, next_start(period, d)),
        );
        if s >= last {
            break;
        }
        while i < ch.len() && ch[i].0 < s {
            stock += i64::from(ch[i].1);
            i += 1;
        }
        let mut row = BacklogPeriod {
            start: local(tz, s),
            end: local(tz, e),
            open_at_start: stock.max(0) as u64,
            created: 0,
            reopened: 0,
            resolved: 0,
            open_at_end: 0,
        };
        while i < ch.len() && ch[i].0 < e {
            match ch[i] {
                (_, _, true) => row.created += 1,
                (_, 1, false) => row.reopened += 1,
                _ => row.resolved += 1,
            }
            stock += i64::from(ch[i].1);
            i += 1;
        }
        row.open_at_end = stock.max(0) as u64;
        out.push(row);
        if out.len() > 100_000 {
            return Err(CxError::option(
                "period",
                "more than 100 000 periods: use a longer period",
            ));
        }
        d = next_start(period, d);
    }
    Ok(out)
}

fn local(tz: Tz, t: i64) -> DateTime<FixedOffset> {
    datetime_at(t, 0).with_timezone(&tz).fixed_offset()
}

/// Open tickets at `at` bucketed by age (calendar seconds since creation);
/// `edges_secs` are the increasing bucket boundaries (e.g. 1, 3, 7 days).
///
/// # Errors
/// [`CxError::InvalidOption`] if the edges are not strictly increasing and positive.
pub fn age_buckets(
    log: &TicketLog,
    at: DateTime<FixedOffset>,
    edges_secs: &[i64],
) -> Result<Vec<AgeBucket>> {
    if edges_secs.windows(2).any(|w| w[0] >= w[1]) || edges_secs.first().is_some_and(|&x| x <= 0) {
        return Err(CxError::option(
            "edges_secs",
            "must be positive and strictly increasing",
        ));
    }
    let now = at.timestamp();
    let mut lo = vec![0i64];
    lo.extend_from_slice(edges_secs);
    let mut out: Vec<AgeBucket> = lo
        .iter()
        .enumerate()
        .map(|(k, &m)| AgeBucket {
            min_secs: m,
            max_secs: edges_secs.get(k).copied(),
            count: 0,
        })
        .collect();
    for t in &log.tickets {
        if t.created > now {
            continue;
        }
        let mut status = TicketStatus::New;
        for e in log.events_of(t).iter().take_while(|e| e.at <= now) {
            status = match e.kind {
                Kind::Status(_, to) => to,
                Kind::Solved => TicketStatus::Solved,
                Kind::Reopened => TicketStatus::Open,
                Kind::Closed => TicketStatus::Closed,
                _ => status,
            };
        }
        if is_open(status) {
            let age = now - t.created;
            let k = edges_secs.partition_point(|&x| x <= age);
            out[k].count += 1;
        }
    }
    Ok(out)
}
