//! Customer retention per period, churn, repeat-purchase rate and cohort tables.

use super::calendar::{period_of, period_start};
use super::tally::Future;
use crate::metrics::group::Freq;
use crate::{CxError, Result};

/// Options of [`retention`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct RetentionOptions {
    /// Period length (default: calendar month).
    pub freq: Freq,
    /// `None` (default): a customer is active in a period if they bought in it.
    /// `Some(w)`: a customer is active at a period's end if they bought in the `w` days up
    /// to and including that day (a trailing window, e.g. 90).
    pub active_days: Option<u32>,
    /// Last day counted (inclusive); default: the last transaction day.
    pub as_of: Option<i32>,
    /// Transactions after `as_of`.
    pub future: Future,
}

impl Default for RetentionOptions {
    fn default() -> Self {
        Self {
            freq: Freq::Month,
            active_days: None,
            as_of: None,
            future: Future::Reject,
        }
    }
}

impl RetentionOptions {
    /// Monthly, active = bought in the period.
    pub fn new() -> Self {
        Self::default()
    }
    /// Period length.
    pub fn freq(mut self, f: Freq) -> Self {
        self.freq = f;
        self
    }
    /// Trailing activity window in days.
    pub fn active_days(mut self, w: u32) -> Self {
        self.active_days = Some(w);
        self
    }
    /// As-of day.
    pub fn as_of(mut self, d: i32) -> Self {
        self.as_of = Some(d);
        self
    }
    /// Rows after the as-of day.
    pub fn future(mut self, f: Future) -> Self {
        self.future = f;
        self
    }
}

/// Retention of one period.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct PeriodRetention {
    /// First day of the period.
    pub start_day: i32,
    /// Last day counted (the as-of day for the last, possibly partial, period).
    pub end_day: i32,
    /// Whether the period ends after the as-of day.
    pub partial: bool,
    /// S: customers active at the start (active in / at the end of the previous period).
    pub customers_start: u64,
    /// E: customers active at the end.
    pub customers_end: u64,
    /// N: customers whose first purchase falls in the period.
    pub new_customers: u64,
    /// Active at the start and at the end.
    pub retained: u64,
    /// Active at the end, not at the start, not new (came back).
    pub reactivated: u64,
    /// CRR = (E − N)/S; `None` when S = 0.
    pub retention_rate: Option<f64>,
    /// 1 − CRR.
    pub churn_rate: Option<f64>,
}

/// One cell of the cohort table.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct CohortCell {
    /// First day of the cohort's period (the period of the customers' first purchase).
    pub cohort_start: i32,
    /// Periods since the cohort's period (0 = the first-purchase period).
    pub period: u32,
    /// First day of that period.
    pub period_start: i32,
    /// Customers in the cohort.
    pub cohort_size: u64,
    /// Cohort customers who bought in that period.
    pub active: u64,
    /// `active / cohort_size`.
    pub share: f64,
}

/// Retention, churn, repeat purchases and cohorts of transactions.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetentionResult {
    /// One row per period from the first purchase's period to the as-of day's.
    pub periods: Vec<PeriodRetention>,
    /// Cohort table in long form (cohort, then period).
    pub cohorts: Vec<CohortCell>,
    /// Customers with at least one purchase.
    pub n_customers: u64,
    /// Customers with at least two purchases.
    pub n_repeat: u64,
    /// `n_repeat / n_customers`.
    pub repeat_rate: f64,
    /// As-of day.
    pub as_of: i32,
    /// Rows left out because they were after the as-of day.
    pub n_excluded: u64,
}

/// Most periods a retention table may span (a guard against a stray date far in the past).
pub const MAX_PERIODS: i64 = 5000;

/// Retention per period from transactions (customer code, day).
///
/// A customer is **active** in a period when they bought in it (default) or, with
/// `active_days = w`, at a period's end when they bought in the `w` days up to it.
/// **New** = first purchase in the period (first purchase over the data given: pass the
/// full history, or new customers are overcounted in the first periods).
///
/// # Formula
/// `CRR = (E − N) / S`, churn = `1 − CRR`; S customers active at the start (in the
/// previous period), E at the end, N new during the period. Repeat-purchase rate =
/// customers with ≥ 2 purchases / customers. Cohort share = cohort customers who bought
/// in period `k` after their first-purchase period / cohort size.
/// # Reference
/// Reichheld, F. F. & Sasser, W. E. (1990). "Zero Defections: Quality Comes to Services".
/// *HBR* 68(5) (retention as the complement of defection); the (E − N)/S form from customer
/// counts as in Gupta, S. & Lehmann, D. R. (2005), *Managing Customers as Investments*, ch. 2;
/// cohort tables as in Fader, P. S. & Hardie, B. G. S. (2009), *J. Interactive Marketing* 23(1).
/// # Errors
/// [`CxError::LengthMismatch`], [`CxError::EmptyInput`], [`CxError::InvalidValue`] for a
/// row after `as_of` (unless excluded), [`CxError::InvalidOption`] for `active_days = 0`
/// or more than [`MAX_PERIODS`] periods.
/// # Examples
/// ```
/// use cx_core::segments::{retention, RetentionOptions};
/// // Days 0 (1970-01-01), 31 (Feb 1), 60 (Mar 2): customer 0 buys each month, 1 only in Jan.
/// let r = retention(&[0, 1, 0, 0], &[0, 1, 31, 60], RetentionOptions::new())?;
/// assert_eq!(r.periods[1].retention_rate, Some(0.5));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn retention(
    customers: &[u32],
    days: &[i32],
    opts: RetentionOptions,
) -> Result<RetentionResult> {
    if days.len() != customers.len() {
        return Err(CxError::LengthMismatch {
            what: "date".into(),
            expected: customers.len(),
            got: days.len(),
        });
    }
    if opts.active_days == Some(0) {
        return Err(CxError::option("active_days", "must be at least 1"));
    }
    let as_of = match opts.as_of {
        Some(d) => d,
        None => *days.iter().max().ok_or_else(|| CxError::EmptyInput {
            what: "transactions".into(),
        })?,
    };
    let mut n_excluded = 0u64;
    let mut min_day = i32::MAX;
    let mut n_cust = 0usize;
    for (row, (&c, &d)) in customers.iter().zip(days).enumerate() {
        if d > as_of {
            if opts.future == Future::Reject {
                return Err(CxError::invalid(
                    "date",
                    Some(row),
                    super::calendar::format_day(d),
                    "transaction after the as-of date; pass after_as_of=\"exclude\" to leave such rows out",
                ));
            }
            n_excluded += 1;
            continue;
        }
        min_day = min_day.min(d);
        n_cust = n_cust.max(c as usize + 1);
    }
    if min_day == i32::MAX {
        return Err(CxError::EmptyInput {
            what: "transactions".into(),
        });
    }
    let f = opts.freq;
    let p0 = period_of(min_day, f);
    let n_p = period_of(as_of, f) - p0 + 1;
    if n_p > MAX_PERIODS {
        return Err(CxError::option(
            "freq",
            format!(
                "{n_p} periods between the first transaction and the as-of date; at most {MAX_PERIODS}"
            ),
        ));
    }
    let n_p = n_p as usize;
    let ends: Vec<i32> = (0..n_p)
        .map(|i| (period_start(p0 + i as i64 + 1, f) - 1).min(as_of))
        .collect();
    let words = n_p.div_ceil(64);
    let mut bought = vec![0u64; n_cust * words];
    let mut active = if opts.active_days.is_some() {
        vec![0u64; n_cust * words]
    } else {
        Vec::new()
    };
    let mut first = vec![u32::MAX; n_cust];
    let mut count = vec![0u32; n_cust];
    for (&c, &d) in customers.iter().zip(days) {
        if d > as_of {
            continue;
        }
        let (c, p) = (c as usize, (period_of(d, f) - p0) as usize);
        bought[c * words + p / 64] |= 1 << (p % 64);
        first[c] = first[c].min(p as u32);
        count[c] = count[c].saturating_add(1);
        if let Some(w) = opts.active_days {
            // Periods whose end lies in [d, d + w − 1].
            let last = d.saturating_add(w as i32 - 1);
            let mut q = p;
            while q < n_p && ends[q] <= last {
                active[c * words + q / 64] |= 1 << (q % 64);
                q += 1;
            }
        }
    }
    let act: &[u64] = if opts.active_days.is_some() {
        &active
    } else {
        &bought
    };
    let bit = |v: &[u64], c: usize, p: usize| v[c * words + p / 64] >> (p % 64) & 1 == 1;

    let mut periods = Vec::with_capacity(n_p);
    let mut s_e_n_r_x = vec![[0u64; 5]; n_p];
    for (c, &f0) in first.iter().enumerate() {
        if f0 == u32::MAX {
            continue;
        }
        let fp = f0 as usize;
        s_e_n_r_x[fp][2] += 1;
        for (p, cell) in s_e_n_r_x.iter_mut().enumerate().skip(fp) {
            let now = bit(act, c, p);
            let before = p > 0 && bit(act, c, p - 1);
            cell[0] += u64::from(before);
            cell[1] += u64::from(now);
            cell[3] += u64::from(before && now);
            cell[4] += u64::from(now && !before && fp < p);
        }
    }
    for (i, cell) in s_e_n_r_x.iter().enumerate() {
        let [s, e, n, r, x] = *cell;
        let crr = (s > 0).then(|| (e as f64 - n as f64) / s as f64);
        let start = period_start(p0 + i as i64, f);
        periods.push(PeriodRetention {
            start_day: start,
            end_day: ends[i],
            partial: period_start(p0 + i as i64 + 1, f) - 1 > as_of,
            customers_start: s,
            customers_end: e,
            new_customers: n,
            retained: r,
            reactivated: x,
            retention_rate: crr,
            churn_rate: crr.map(|v| 1.0 - v),
        });
    }

    // Cohorts: cohort × periods since, counting purchases in the period.
    let mut size = vec![0u64; n_p];
    let mut act_counts = vec![0u64; n_p * n_p];
    for (c, &f0) in first.iter().enumerate() {
        if f0 == u32::MAX {
            continue;
        }
        let fp = f0 as usize;
        size[fp] += 1;
        for p in fp..n_p {
            act_counts[fp * n_p + (p - fp)] += u64::from(bit(&bought, c, p));
        }
    }
    let mut cohorts = Vec::new();
    for (fp, &sz) in size.iter().enumerate() {
        if sz == 0 {
            continue;
        }
        for k in 0..n_p - fp {
            let a = act_counts[fp * n_p + k];
            cohorts.push(CohortCell {
                cohort_start: period_start(p0 + fp as i64, f),
                period: k as u32,
                period_start: period_start(p0 + (fp + k) as i64, f),
                cohort_size: sz,
                active: a,
                share: a as f64 / sz as f64,
            });
        }
    }
    let n_customers = first.iter().filter(|&&p| p != u32::MAX).count() as u64;
    let n_repeat = count.iter().filter(|&&k| k >= 2).count() as u64;
    Ok(RetentionResult {
        periods,
        cohorts,
        n_customers,
        n_repeat,
        repeat_rate: n_repeat as f64 / n_customers as f64,
        as_of,
        n_excluded,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::calendar::days_from_civil;
    use super::*;

    /// Hand-worked, monthly, Jan–Apr 2024:
    /// a: Jan, Feb, Mar, Apr   b: Jan, Mar   c: Feb, Apr   d: Mar (twice)
    /// Feb: S={a,b}=2, E={a,c}=2, N={c}=1 → CRR (2−1)/2 = 0.5, retained 1
    /// Mar: S={a,c}=2, E={a,b,d}=3, N={d}=1 → CRR 1.0, retained {a}=1, reactivated {b}
    /// Apr: S={a,b,d}=3, E={a,c}=2, N=0 → CRR 2/3, retained {a}, reactivated {c}
    #[test]
    fn hand_worked_months() {
        let day = |m, d| days_from_civil(2024, m, d);
        let c = [0, 1, 0, 2, 0, 1, 3, 3, 0, 2];
        let d = [
            day(1, 5),
            day(1, 9),
            day(2, 1),
            day(2, 28),
            day(3, 3),
            day(3, 30),
            day(3, 4),
            day(3, 5),
            day(4, 30),
            day(4, 1),
        ];
        let r = retention(&c, &d, RetentionOptions::new()).unwrap();
        let crr: Vec<Option<f64>> = r.periods.iter().map(|p| p.retention_rate).collect();
        assert_eq!(crr[0], None);
        assert_eq!(crr[1], Some(0.5));
        assert_eq!(crr[2], Some(1.0));
        assert!((crr[3].unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(r.periods[2].reactivated, 1);
        assert_eq!(r.periods[3].reactivated, 1);
        assert_eq!((r.n_customers, r.n_repeat), (4, 4));
        // Cohort Jan = {a, b}: k=0 2/2, k=1 1/2, k=2 2/2, k=3 1/2.
        let jan: Vec<u64> = r
            .cohorts
            .iter()
            .filter(|x| x.cohort_start == day(1, 1))
            .map(|x| x.active)
            .collect();
        assert_eq!(jan, vec![2, 1, 2, 1]);
        assert!(!r.periods[3].partial);
    }

    #[test]
    fn trailing_window() {
        let day = |m, d| days_from_civil(2024, m, d);
        // One purchase on Jan 20, window 30 days: active at Jan 31 (end), not at Feb 29.
        let r = retention(
            &[0, 1],
            &[day(1, 20), day(3, 10)],
            RetentionOptions::new().active_days(30),
        )
        .unwrap();
        let e: Vec<u64> = r.periods.iter().map(|p| p.customers_end).collect();
        assert_eq!(e, vec![1, 0, 1]);
        assert!(r.periods[2].partial);
    }
}
