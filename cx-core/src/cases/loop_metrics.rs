//! Closed-loop metrics over a set of cases.
//!
//! # Definitions
//! - **Contacted within X** (share of detractors contacted within X hours):
//!   among detractor cases whose window has elapsed (`created_at + X ≤ as_of`,
//!   so recent cases do not count as failures yet), the share with a first
//!   contact (`first_contact_at`, set by the first `start`) at most X after creation.
//! - **Time to close the loop**: `closed_at − created_at` of closed cases, in
//!   calendar seconds: n, mean, median, 90th percentile, min and max (quantiles
//!   by linear interpolation, numpy `method="linear"`).
//! - **Follow-up completion**: among follow-up tasks due by `as_of`, the share
//!   with an outcome recorded (reached or not).
//! - **Reach rate**: among completed follow-ups, the share that reached the customer.
//! - **Recovery rate**: among reached follow-ups with a re-survey score and an
//!   original score, the share whose re-survey score is **strictly higher**.
//!
//! - **Funnel** (created → contacted → resolved → followed up): the number of cases,
//!   those with a first contact, those ever resolved (`resolved_at` set), and those whose
//!   follow-up task has an outcome recorded (reached or not). Each stage counts a case
//!   once, whatever happened later (a reopened case still counts as resolved once).
//!
//! Proportions carry a two-sided confidence interval from
//! [`proportion_interval`] (default Wilson 95 %: Wilson 1927; Brown, Cai &
//! DasGupta 2001); with no eligible case the share and interval are `None`.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::state::{Case, FollowUpOutcome};
use crate::metrics::interval::{ProportionInterval, proportion_interval};
use crate::ops::exact_quantile;
use crate::{CxError, Result};

/// Options of [`loop_metrics`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct LoopOptions {
    /// The X of "contacted within X", in seconds (default 48 h).
    pub contact_within_secs: i64,
    /// Confidence level (default 0.95).
    pub level: f64,
    /// Interval method (default Wilson).
    pub method: ProportionInterval,
}

impl Default for LoopOptions {
    fn default() -> Self {
        Self {
            contact_within_secs: 48 * 3600,
            level: 0.95,
            method: ProportionInterval::Wilson,
        }
    }
}

impl LoopOptions {
    /// Default options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set X in seconds.
    pub fn contact_within_secs(mut self, s: i64) -> Self {
        self.contact_within_secs = s;
        self
    }
    /// Set the confidence level.
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }
    /// Set the interval method.
    pub fn method(mut self, m: ProportionInterval) -> Self {
        self.method = m;
        self
    }
}

/// A share `successes / n` with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Share {
    /// Successes.
    pub successes: u64,
    /// Eligible cases.
    pub n: u64,
    /// `successes / n` (0–1), `None` when `n = 0`.
    pub share: Option<f64>,
    /// Lower bound.
    pub low: Option<f64>,
    /// Upper bound.
    pub high: Option<f64>,
}

fn share(successes: u64, n: u64, o: &LoopOptions) -> Result<Share> {
    if n == 0 {
        return Ok(Share {
            successes,
            n,
            share: None,
            low: None,
            high: None,
        });
    }
    let ci = proportion_interval(successes, n, o.level, o.method)?;
    Ok(Share {
        successes,
        n,
        share: Some(successes as f64 / n as f64),
        low: Some(ci.low),
        high: Some(ci.high),
    })
}

/// Distribution of a duration in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DurationSummary {
    /// Number of values.
    pub n: u64,
    /// Mean.
    pub mean_secs: Option<f64>,
    /// Median.
    pub median_secs: Option<f64>,
    /// 90th percentile.
    pub p90_secs: Option<f64>,
    /// Minimum.
    pub min_secs: Option<f64>,
    /// Maximum.
    pub max_secs: Option<f64>,
}

/// Closed-loop metrics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LoopMetrics {
    /// Cases considered.
    pub cases: u64,
    /// Share of detractors contacted within X.
    pub contacted_within: Share,
    /// The X, in seconds.
    pub contact_within_secs: i64,
    /// Time to close the loop.
    pub time_to_close: DurationSummary,
    /// Follow-up completion.
    pub follow_up_completion: Share,
    /// Reach rate of completed follow-ups.
    pub reach_rate: Share,
    /// Recovery rate (re-survey score improved).
    pub recovery_rate: Share,
    /// The closed-loop funnel.
    pub funnel: Funnel,
}

/// Case counts at each stage of the closed loop (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct Funnel {
    /// Cases created.
    pub created: u64,
    /// Cases whose customer was contacted (first `start`).
    pub contacted: u64,
    /// Cases resolved at least once.
    pub resolved: u64,
    /// Cases with a follow-up outcome recorded.
    pub followed_up: u64,
}

/// Closed-loop metrics of `cases` as of `as_of`. See the [module documentation](self).
///
/// # Errors
/// [`CxError::InvalidOption`] for a negative X or a level outside (0, 1).
pub fn loop_metrics(
    cases: &[Case],
    as_of: DateTime<FixedOffset>,
    opts: &LoopOptions,
) -> Result<LoopMetrics> {
    if opts.contact_within_secs < 0 {
        return Err(CxError::option("contact_within_secs", "must be >= 0"));
    }
    let x = chrono::Duration::seconds(opts.contact_within_secs);
    let (mut det_n, mut det_ok) = (0u64, 0u64);
    let mut close = Vec::new();
    let mut funnel = Funnel {
        created: cases.len() as u64,
        ..Funnel::default()
    };
    let (mut due, mut done, mut reached, mut rec_n, mut rec_ok) = (0u64, 0u64, 0u64, 0u64, 0u64);
    for c in cases {
        if c.detractor && c.created_at + x <= as_of {
            det_n += 1;
            det_ok += u64::from(c.first_contact_at.is_some_and(|t| t - c.created_at <= x));
        }
        funnel.contacted += u64::from(c.first_contact_at.is_some());
        funnel.resolved += u64::from(c.resolved_at.is_some());
        funnel.followed_up += u64::from(c.follow_up.as_ref().is_some_and(|f| f.outcome.is_some()));
        if let Some(t) = c.closed_at {
            close.push((t - c.created_at).num_seconds() as f64);
        }
        if let Some(f) = &c.follow_up {
            if f.due_at <= as_of || f.outcome.is_some() {
                due += 1;
            }
            match f.outcome {
                Some(FollowUpOutcome::Reached) => {
                    done += 1;
                    reached += 1;
                    if let (Some(after), Some(before)) = (f.resurvey_score, c.score_before) {
                        rec_n += 1;
                        rec_ok += u64::from(after > before);
                    }
                }
                Some(_) => done += 1,
                None => {}
            }
        }
    }
    let q = |p: f64| exact_quantile(&close, p);
    let n = close.len();
    let time_to_close = DurationSummary {
        n: n as u64,
        mean_secs: (n > 0).then(|| close.iter().sum::<f64>() / n as f64),
        median_secs: q(0.5)?,
        p90_secs: q(0.9)?,
        min_secs: q(0.0)?,
        max_secs: q(1.0)?,
    };
    Ok(LoopMetrics {
        cases: cases.len() as u64,
        contacted_within: share(det_ok, det_n, opts)?,
        contact_within_secs: opts.contact_within_secs,
        time_to_close,
        follow_up_completion: share(done, due, opts)?,
        reach_rate: share(reached, done, opts)?,
        recovery_rate: share(rec_ok, rec_n, opts)?,
        funnel,
    })
}
