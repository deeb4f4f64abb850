//! Customer Effort Score (CES): mean with a t-interval and the favourable share
//! (% agree) with a proportion interval.
//!
//! CES 2.0 (the default) asks agreement with "The company made it easy for me to
//! handle my issue" on 1 (strongly disagree) … 7 (strongly agree): higher is better
//! and "agree" is 5–7. The legacy CES 1.0 asked "How much effort did you personally
//! have to put forth…" on 1 (very low) … 5 (very high): *lower* is better and the
//! favourable share is "low effort", 1–2. The two are never guessed from the data:
//! the legacy scale is used only when [`CesScale::LegacyEffort1To5`] is passed.

use crate::error::{CxError, Result};
use crate::metrics::csat::{ScaleScan, scan_scale};
use crate::metrics::interval::{ProportionInterval, mean_t_interval, proportion_interval};
use crate::stats::dist;

/// Scale and orientation of a CES question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CesScale {
    /// CES 2.0 agreement scale 1–7, higher = easier; favourable = 5–7 (default).
    #[default]
    Agreement1To7,
    /// Legacy CES 1.0 effort scale 1–5, lower = easier; favourable = 1–2.
    LegacyEffort1To5,
}

impl CesScale {
    /// Stable name: `"1-7"` or `"legacy-effort-1-5"`.
    pub fn name(self) -> &'static str {
        match self {
            CesScale::Agreement1To7 => "1-7",
            CesScale::LegacyEffort1To5 => "legacy-effort-1-5",
        }
    }
    /// `(lowest, highest)` score and `(lowest, highest)` favourable score.
    pub fn ranges(self) -> ((u8, u8), (u8, u8)) {
        match self {
            CesScale::Agreement1To7 => ((1, 7), (5, 7)),
            CesScale::LegacyEffort1To5 => ((1, 5), (1, 2)),
        }
    }
}

impl std::str::FromStr for CesScale {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "1-7" => Ok(CesScale::Agreement1To7),
            "legacy-effort-1-5" => Ok(CesScale::LegacyEffort1To5),
            other => Err(CxError::option(
                "scale",
                format!("must be one of {{1-7, legacy-effort-1-5}}, got {other:?}"),
            )),
        }
    }
}

/// Options of [`ces`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct CesOptions {
    /// Scale (default CES 2.0, 1–7 agreement).
    pub scale: CesScale,
    /// Interval of the favourable share (default Wilson).
    pub interval: ProportionInterval,
    /// Confidence level (default 0.95).
    pub level: f64,
}

impl Default for CesOptions {
    fn default() -> Self {
        Self {
            scale: CesScale::Agreement1To7,
            interval: ProportionInterval::Wilson,
            level: 0.95,
        }
    }
}

impl CesOptions {
    /// Defaults: 1–7 agreement, Wilson, 95 %.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set the scale.
    pub fn scale(mut self, scale: CesScale) -> Self {
        self.scale = scale;
        self
    }
    /// Set the interval method of the favourable share.
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

impl From<CesScale> for CesOptions {
    fn from(scale: CesScale) -> Self {
        Self::new().scale(scale)
    }
}

/// Result of [`ces`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CesSummary {
    /// Mean score on the native scale.
    pub mean: f64,
    /// Sample standard deviation (ddof = 1; NaN when n < 2).
    pub sd: f64,
    /// Standard error of the mean, `sd/√n` (NaN when n < 2).
    pub standard_error: f64,
    /// Lower t-interval bound of the mean (NaN when n < 2).
    pub ci_low: f64,
    /// Upper t-interval bound of the mean (NaN when n < 2).
    pub ci_high: f64,
    /// Number of non-missing scores.
    pub n: u64,
    /// Number of missing (NaN) scores skipped.
    pub n_missing: u64,
    /// Favourable responses (5–7 agree; 1–2 on the legacy effort scale).
    pub n_favorable: u64,
    /// Favourable share in percent.
    pub favorable_pct: f64,
    /// Lower bound of the favourable share, percent.
    pub favorable_ci_low: f64,
    /// Upper bound of the favourable share, percent.
    pub favorable_ci_high: f64,
    /// Scale used.
    pub scale: CesScale,
    /// Interval method of the favourable share.
    pub method: ProportionInterval,
    /// Confidence level.
    pub level: f64,
}

/// Customer Effort Score: mean with a t-interval and % favourable with a proportion interval.
///
/// # Formula
/// Mean `x̄ ± t_{1−α/2, n−1} · s/√n`; favourable share `#(5 ≤ x ≤ 7)/n` (CES 2.0) or
/// `#(x ≤ 2)/n` (legacy effort scale) with [`proportion_interval`] (Wilson by default), ×100.
/// # Reference
/// Dixon, M., Toman, N. & DeLisi, R. (2013). *The Effortless Experience*. Portfolio/CEB
/// (CES 2.0, 1–7 agreement). Dixon, Freeman & Toman (2010). "Stop Trying to Delight Your
/// Customers". HBR 88(7/8) (CES 1.0, 1–5 effort). Student (1908); Wilson (1927).
/// # Errors
/// [`CxError::InvalidValue`] (field `score`, row, value) for a score off the scale;
/// [`CxError::EmptyInput`] when all are missing; [`CxError::InvalidOption`] for a bad level.
/// # Examples
/// ```
/// use cx_core::metrics::ces::{ces, CesOptions};
/// let s = ces(&[7.0, 6.0, 5.0, 2.0], CesOptions::new())?;
/// assert_eq!(s.mean, 5.0);
/// assert_eq!(s.favorable_pct, 75.0);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn ces(scores: &[f64], opts: CesOptions) -> Result<CesSummary> {
    dist::check_level(opts.level)?;
    let (range, fav) = opts.scale.ranges();
    let reason = match opts.scale {
        CesScale::Agreement1To7 => "CES scores must be integers 1–7",
        CesScale::LegacyEffort1To5 => "legacy CES effort scores must be integers 1–5",
    };
    let s = scan_scale(scores, range, fav, reason)?;
    summarize(s, opts)
}

/// The CES summary of a scan (shared by [`ces`] and the grouped kernels).
pub(crate) fn summarize(s: ScaleScan, opts: CesOptions) -> Result<CesSummary> {
    let ci = proportion_interval(s.n_favorable, s.n, opts.level, opts.interval)?;
    let sd = s.sd();
    let mci = mean_t_interval(s.mean, sd, s.n, opts.level)?;
    Ok(CesSummary {
        mean: s.mean,
        sd,
        standard_error: sd / (s.n as f64).sqrt(),
        ci_low: mci.low,
        ci_high: mci.high,
        n: s.n,
        n_missing: s.n_missing,
        n_favorable: s.n_favorable,
        favorable_pct: 100.0 * s.n_favorable as f64 / s.n as f64,
        favorable_ci_low: 100.0 * ci.low,
        favorable_ci_high: 100.0 * ci.high,
        scale: opts.scale,
        method: opts.interval,
        level: opts.level,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn legacy_scale_only_when_asked() {
        assert!(ces(&[6.0], CesOptions::new()).is_ok());
        let e = ces(&[6.0], CesScale::LegacyEffort1To5.into()).unwrap_err();
        assert_eq!((e.field(), e.row()), (Some("score"), Some(0)));
        let s = ces(
            &[1.0, 2.0, 5.0, f64::NAN],
            CesScale::LegacyEffort1To5.into(),
        )
        .unwrap();
        assert_eq!((s.n_favorable, s.n_missing), (2, 1));
        assert!(ces(&[0.0], CesOptions::new()).is_err());
        assert!(ces(&[4.5], CesOptions::new()).is_err());
    }
}
