//! [`CalendarIndex`]: business durations by table lookup over a span of dates.
//!
//! The open intervals of every local day in the span (the same
//! `day_intervals` the exact [`BusinessCalendar::duration_unix`] walks, so DST,
//! holidays, make-up days and dated schedules are the calendar's own) are laid
//! out as one sorted list with cumulative business seconds. The business time
//! before an instant `x` is then `cum[k] + (x − start_k)⁺` for the first
//! interval `k` ending after `x`, found from a per-UTC-day start index and a
//! short forward scan; a duration is two such lookups. Instants outside the
//! span, or a calendar whose intervals overlap across days (never seen in a
//! real zone), use the exact walk. `tests/rust/prop_calindex.rs` checks equality
//! with the exact walk for random instants, zones and schedules.

use super::{BusinessCalendar, DAY};

/// One forced-schedule variant of the index.
#[derive(Debug, Clone)]
struct Flat {
    /// First UTC day covered.
    d0: i64,
    /// Per UTC day from `d0`: index of the first interval ending after the day's start.
    starts: Vec<u32>,
    /// Open intervals `[s, e)` in Unix seconds, sorted and disjoint.
    iv: Vec<(i64, i64)>,
    /// `cum[k]` = business seconds in `iv[..k]` (one more element than `iv`).
    cum: Vec<i64>,
    /// The ends of `iv`, then [`SCAN`] × `i64::MAX`, so a scan can always read [`SCAN`] ends.
    ends: Vec<i64>,
}

/// Interval ends compared at once by [`Flat::before`].
const SCAN: usize = 4;

impl Flat {
    fn build(cal: &BusinessCalendar, forced: Option<usize>, lo: i64, hi: i64) -> Option<Self> {
        let (day_lo, day_hi) = (cal.local_day(lo) - 2, cal.local_day(hi) + 2);
        let mut iv: Vec<(i64, i64)> = Vec::new();
        let mut buf = Vec::with_capacity(4);
        for day in day_lo..=day_hi {
            cal.day_intervals(day, forced, &mut buf);
            iv.extend_from_slice(&buf);
        }
        if iv.windows(2).any(|w| w[0].1 > w[1].0) || iv.iter().any(|x| x.0 >= x.1) {
            return None;
        }
        let mut cum = Vec::with_capacity(iv.len() + 1);
        let mut acc = 0;
        cum.push(0);
        for &(s, e) in &iv {
            acc += e - s;
            cum.push(acc);
        }
        let d0 = lo.div_euclid(DAY);
        let d1 = hi.div_euclid(DAY);
        let mut starts = Vec::with_capacity((d1 - d0 + 1) as usize);
        let mut k = 0usize;
        for d in d0..=d1 {
            let t = d * DAY;
            while k < iv.len() && iv[k].1 <= t {
                k += 1;
            }
            starts.push(k as u32);
        }
        let mut ends: Vec<i64> = iv.iter().map(|&(_, e)| e).collect();
        ends.extend([i64::MAX; SCAN]);
        Some(Self {
            d0,
            starts,
            iv,
            cum,
            ends,
        })
    }

    /// Business seconds of the index before `x` (`x` inside the span).
    #[inline]
    fn before(&self, x: i64) -> Option<i64> {
        let d = usize::try_from(x.div_euclid(DAY) - self.d0).ok()?;
        // The first interval ending after `x`: the ends are sorted, so those at or
        // before `x` among the next SCAN are a prefix, counted without branches (a day
        // has a few intervals, and a scan that stopped at a data-dependent point cost a
        // mispredicted branch per lookup); a full count reads the next SCAN.
        let mut k = *self.starts.get(d)? as usize;
        loop {
            let c: usize = self
                .ends
                .get(k..k + SCAN)?
                .iter()
                .map(|&e| usize::from(e <= x))
                .sum();
            k += c;
            if c < SCAN {
                break;
            }
        }
        let part = match self.iv.get(k) {
            Some(&(s, _)) if s < x => x - s,
            _ => 0,
        };
        Some(self.cum.get(k)? + part)
    }
}

/// Precomputed business-time lookups for instants in `[lo, hi]`, equal to the
/// calendar's exact [`duration_unix`](BusinessCalendar::duration_unix) and
/// [`duration_unix_with_schedule_at`](BusinessCalendar::duration_unix_with_schedule_at).
///
/// # Examples
/// ```
/// use cx_core::ops::{BusinessCalendar, CalendarIndex};
/// let cal = BusinessCalendar::china(&[2024])?;
/// let (a, b) = (1_709_517_600, 1_710_151_200); // 2024-03-04 10:00 → 03-11 18:00, +08:00
/// let idx = CalendarIndex::new(&cal, a, b);
/// assert_eq!(idx.duration(a, b), cal.duration_unix(a, b));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CalendarIndex<'a> {
    cal: &'a BusinessCalendar,
    lo: i64,
    hi: i64,
    /// Day-by-day schedules (`None` if not indexable).
    all: Option<Flat>,
    /// One per weekly schedule (empty with a single schedule: `all` serves).
    forced: Vec<Option<Flat>>,
}

/// Longest span indexed (days); longer spans use the exact walk beyond it.
const MAX_DAYS: i64 = 40_000;

impl<'a> CalendarIndex<'a> {
    /// Index the instants `[lo, hi]` (clamped to about 110 years after `lo`).
    pub fn new(cal: &'a BusinessCalendar, lo: i64, hi: i64) -> Self {
        let hi = hi.min(lo.saturating_add(MAX_DAYS * DAY)).max(lo);
        let all = Flat::build(cal, None, lo, hi);
        let forced = if cal.schedules.len() > 1 {
            (0..cal.schedules.len())
                .map(|i| Flat::build(cal, Some(i), lo, hi))
                .collect()
        } else {
            Vec::new()
        };
        Self {
            cal,
            lo,
            hi,
            all,
            forced,
        }
    }

    fn flat_between(&self, f: Option<&Flat>, a: i64, b: i64) -> Option<i64> {
        let f = f?;
        if a < self.lo || b < self.lo || a > self.hi || b > self.hi {
            return None;
        }
        Some(f.before(b)? - f.before(a)?)
    }

    /// Business seconds from the start of the indexed span to `x`, each day
    /// with its own schedule: `duration(a, b) = offset(b) − offset(a)`
    /// whenever both are `Some` (one lookup per instant, so a caller measuring
    /// many intervals that share ends looks each end up once). `None` outside
    /// the indexed span or without a flat index; use
    /// [`duration`](Self::duration) then.
    #[inline]
    pub fn offset(&self, x: i64) -> Option<i64> {
        let f = self.all.as_ref()?;
        if x < self.lo || x > self.hi {
            return None;
        }
        f.before(x)
    }

    /// Whether one weekly schedule is in force throughout, so that
    /// [`duration_with_schedule_at`](Self::duration_with_schedule_at) is
    /// [`duration`](Self::duration) whatever `at`.
    pub fn one_schedule(&self) -> bool {
        self.cal.schedules.len() <= 1
    }

    /// Business seconds from `a` to `b`, each day with its own schedule
    /// (= [`BusinessCalendar::duration_unix`]).
    #[inline]
    pub fn duration(&self, a: i64, b: i64) -> i64 {
        self.flat_between(self.all.as_ref(), a, b)
            .unwrap_or_else(|| self.cal.duration_unix(a, b))
    }

    /// Business seconds from `a` to `b` with the weekly schedule in force at
    /// `at` (= [`BusinessCalendar::duration_unix_with_schedule_at`]).
    #[inline]
    pub fn duration_with_schedule_at(&self, a: i64, b: i64, at: i64) -> i64 {
        if self.cal.schedules.len() <= 1 {
            return self.duration(a, b);
        }
        let i = self.cal.schedule_index(self.cal.local_day(at));
        let f = self.forced.get(i).and_then(Option::as_ref);
        self.flat_between(f, a, b)
            .unwrap_or_else(|| self.cal.duration_unix_with_schedule_at(a, b, at))
    }
}
