//! Customer Satisfaction (CSAT): top-box share with a proportion interval, and
//! the mean score with a Student-t interval, on a configurable rating scale.

use crate::error::{CxError, Result};
use crate::metrics::interval::{ProportionInterval, mean_t_interval, proportion_interval};
use crate::stats::dist;

pub use crate::model::CsatScale;

/// Options of [`csat`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct CsatOptions {
    /// Rating scale (default 1–5).
    pub scale: CsatScale,
    /// Number of top scale points counted as satisfied (default 2: 4–5 on 1–5).
    pub top_box: u8,
    /// Interval of the top-box share (default Wilson).
    pub interval: ProportionInterval,
    /// Confidence level (default 0.95).
    pub level: f64,
}

impl Default for CsatOptions {
    fn default() -> Self {
        Self {
            scale: CsatScale::OneToFive,
            top_box: 2,
            interval: ProportionInterval::Wilson,
            level: 0.95,
        }
    }
}

impl CsatOptions {
    /// Defaults: 1–5, top-2 box, Wilson, 95 %.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set the scale.
    pub fn scale(mut self, scale: CsatScale) -> Self {
        self.scale = scale;
        self
    }
    /// Set the number of top boxes.
    pub fn top_box(mut self, k: u8) -> Self {
        self.top_box = k;
        self
    }
    /// Set the interval method of the share.
    pub fn interval(mut self, interval: ProportionInterval) -> Self {
        self.interval = interval;
        self
    }
    /// Set the confidence level.
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }
}

impl From<CsatScale> for CsatOptions {
    fn from(scale: CsatScale) -> Self {
        Self::new().scale(scale)
    }
}

/// Result of [`csat`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CsatSummary {
    /// CSAT in percent: `100 · n_top_box / n`.
    pub score: f64,
    /// Lower bound of the share interval, in percent.
    pub ci_low: f64,
    /// Upper bound of the share interval, in percent.
    pub ci_high: f64,
    /// Number of top-box (satisfied) responses.
    pub n_top_box: u64,
    /// Number of non-missing scores.
    pub n: u64,
    /// Number of missing (NaN) scores skipped.
    pub n_missing: u64,
    /// Mean score on the scale.
    pub mean: f64,
    /// Sample standard deviation (ddof = 1; NaN when n < 2).
    pub sd: f64,
    /// Lower bound of the t-interval of the mean (NaN when n < 2).
    pub mean_ci_low: f64,
    /// Upper bound of the t-interval of the mean (NaN when n < 2).
    pub mean_ci_high: f64,
    /// Scale used.
    pub scale: CsatScale,
    /// Number of top boxes used.
    pub top_box: u8,
    /// Interval method of the share.
    pub method: ProportionInterval,
    /// Confidence level.
    pub level: f64,
}

/// One pass over integer scores on `[lo, hi]` (NaN = missing): counts, favourable count
/// (scores in `[fav_lo, fav_hi]`), mean and sum of squared deviations (Welford).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ScaleScan {
    pub n: u64,
    pub n_missing: u64,
    pub n_favorable: u64,
    pub mean: f64,
    pub m2: f64,
}

pub(crate) fn scan_scale(
    scores: &[f64],
    (lo, hi): (u8, u8),
    (fav_lo, fav_hi): (u8, u8),
    reason: &'static str,
) -> Result<ScaleScan> {
    let mut s = ScaleScan::default();
    let (lof, hif) = (f64::from(lo), f64::from(hi));
    for (row, &v) in scores.iter().enumerate() {
        if v.is_nan() {
            s.n_missing += 1;
            continue;
        }
        if !(v >= lof && v <= hif && v.fract() == 0.0) {
            return Err(CxError::invalid("score", Some(row), v, reason));
        }
        s.n += 1;
        s.n_favorable += u64::from(v >= f64::from(fav_lo) && v <= f64::from(fav_hi));
        let delta = v - s.mean;
        s.mean += delta / s.n as f64;
        s.m2 += delta * (v - s.mean);
    }
    if s.n == 0 {
        return Err(CxError::EmptyInput {
            what: "score".into(),
        });
    }
    Ok(s)
}

impl ScaleScan {
    pub(crate) fn sd(&self) -> f64 {
        if self.n < 2 {
            f64::NAN
        } else {
            (self.m2 / (self.n - 1) as f64).sqrt()
        }
    }
}

/// CSAT: top-box share (percent) with a proportion interval, and the mean with a t-interval.
///
/// # Formula
/// `CSAT = 100 · #(score ≥ max − k + 1) / n` (top-k box; k = 2 on 1–5 counts 4 and 5);
/// share interval per [`proportion_interval`] (Wilson by default), reported ×100;
/// mean `x̄ ± t_{1−α/2, n−1} · s/√n`.
/// # Reference
/// ACSI / common practice: CSAT = % satisfied (top-2 box) on a 1–5 scale (see
/// `shared/REFERENCE.md` §CSAT). Wilson (1927); Student (1908). Intervals as
/// statsmodels `proportion_confint` and scipy `t.interval`.
/// # Errors
/// [`CxError::InvalidValue`] (field `score`, row, value) for a score that is not an integer
/// on the scale; [`CxError::EmptyInput`] when all are missing; [`CxError::InvalidOption`] for
/// `top_box` outside `1..points` or a level outside (0, 1).
/// # Examples
/// ```
/// use cx_core::metrics::csat::{csat, CsatOptions};
/// let s = csat(&[5.0, 4.0, 3.0, 1.0, f64::NAN], CsatOptions::new())?;
/// assert_eq!(s.score, 50.0);
/// assert_eq!((s.n_top_box, s.n, s.n_missing), (2, 4, 1));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn csat(scores: &[f64], opts: CsatOptions) -> Result<CsatSummary> {
    dist::check_level(opts.level)?;
    check_top_box(opts)?;
    let (lo, hi) = opts.scale.bounds();
    let reason = match opts.scale {
        CsatScale::OneToFive => "CSAT scores must be integers 1–5",
        CsatScale::OneToSeven => "CSAT scores must be integers 1–7",
        CsatScale::OneToTen => "CSAT scores must be integers 1–10",
        CsatScale::ZeroToTen => "CSAT scores must be integers 0–10",
    };
    let s = scan_scale(scores, (lo, hi), (hi + 1 - opts.top_box, hi), reason)?;
    summarize(s, opts)
}

/// Check `top_box` against the scale.
pub(crate) fn check_top_box(opts: CsatOptions) -> Result<()> {
    let (lo, hi) = opts.scale.bounds();
    let points = hi - lo + 1;
    if opts.top_box == 0 || opts.top_box >= points {
        return Err(CxError::option(
            "top_box",
            format!(
                "must be between 1 and {} on the {} scale, got {}",
                points - 1,
                opts.scale.name(),
                opts.top_box
            ),
        ));
    }
    Ok(())
}

/// The CSAT summary of a scan (shared by [`csat`] and the grouped kernels).
pub(crate) fn summarize(s: ScaleScan, opts: CsatOptions) -> Result<CsatSummary> {
    let ci = proportion_interval(s.n_favorable, s.n, opts.level, opts.interval)?;
    let sd = s.sd();
    let mci = mean_t_interval(s.mean, sd, s.n, opts.level)?;
    Ok(CsatSummary {
        score: 100.0 * s.n_favorable as f64 / s.n as f64,
        ci_low: 100.0 * ci.low,
        ci_high: 100.0 * ci.high,
        n_top_box: s.n_favorable,
        n: s.n,
        n_missing: s.n_missing,
        mean: s.mean,
        sd,
        mean_ci_low: mci.low,
        mean_ci_high: mci.high,
        scale: opts.scale,
        top_box: opts.top_box,
        method: opts.interval,
        level: opts.level,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn top_box_and_scale_are_checked() {
        let e = csat(&[5.0, 6.0], CsatOptions::new()).unwrap_err();
        assert_eq!((e.row(), e.value()), (Some(1), Some("6")));
        assert!(csat(&[5.0], CsatOptions::new().top_box(5)).is_err());
        assert!(csat(&[5.0], CsatOptions::new().top_box(0)).is_err());
        let s = csat(
            &[0.0, 10.0, 9.0],
            CsatOptions::new().scale(CsatScale::ZeroToTen),
        )
        .unwrap();
        assert_eq!(s.n_top_box, 2);
        assert!(csat(&[0.0], CsatOptions::new().scale(CsatScale::OneToTen)).is_err());
        assert_eq!(
            csat(&[f64::NAN], CsatOptions::new()).unwrap_err().code(),
            "empty_input"
        );
        assert_eq!("1-7".parse::<CsatScale>().unwrap(), CsatScale::OneToSeven);
    }

    #[test]
    fn single_response_has_nan_mean_interval() {
        let s = csat(&[5.0], CsatOptions::new()).unwrap();
        assert_eq!((s.score, s.ci_high), (100.0, 100.0));
        assert!(s.sd.is_nan() && s.mean_ci_low.is_nan());
    }
}
