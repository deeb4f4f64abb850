//! Sample-size planning: respondents needed for a target margin of error.

use crate::error::{CxError, Result};
use crate::stats::dist;

/// Result of a sample-size calculation.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct SampleSize {
    /// Respondents needed (rounded up).
    pub n: u64,
    /// The unrounded solution `z²·variance/margin²`.
    pub n_exact: f64,
    /// Per-respondent variance assumed (ratio scale).
    pub variance: f64,
    /// Target margin of error (half-width) in the caller's units.
    pub margin: f64,
    /// Confidence level.
    pub level: f64,
}

fn round_up(x: f64) -> u64 {
    // Ignore floating-point noise just above an integer (1e-12 relative).
    (x * (1.0 - 1e-12)).ceil().max(1.0) as u64
}

fn check_share(what: &str, v: f64) -> Result<()> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(CxError::option(what, format!("must be in [0, 1], got {v}")))
    }
}

/// Respondents needed for an NPS interval of half-width `margin_points` (Wald).
///
/// # Formula
/// `n = ⌈ z²·(p + d − (p − d)²) / (margin/100)² ⌉` with `z = Φ⁻¹(1 − α/2)`; without
/// expected shares the worst case `p = d = ½` (variance 1) is used. The adjusted-Wald
/// interval has almost the same width at this n (its n′ = n + 3), so the result is
/// valid for both.
/// # Reference
/// Variance of the NPS estimator: Rocks (2016), Am. Stat. 70(4):365–372;
/// Sauro, J. measuringu.com/nps-confidence-intervals. Cochran, W. G. (1977). *Sampling
/// Techniques*, 3rd ed., §4.4 (n for a given margin).
/// # Errors
/// [`CxError::InvalidOption`] for `margin_points` outside (0, 200], shares outside [0, 1]
/// or summing above 1, or a bad level.
/// # Examples
/// ```
/// let s = cx_core::metrics::sample_size::sample_size_nps(5.0, 0.95, None)?;
/// assert_eq!(s.n, 1537); // 1.959964² / 0.05² = 1536.6
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn sample_size_nps(
    margin_points: f64,
    level: f64,
    expected_shares: Option<(f64, f64)>,
) -> Result<SampleSize> {
    dist::check_level(level)?;
    if !(margin_points > 0.0 && margin_points <= 200.0) {
        return Err(CxError::option(
            "margin",
            format!("must be in (0, 200] NPS points, got {margin_points}"),
        ));
    }
    let (p, d) = expected_shares.unwrap_or((0.5, 0.5));
    check_share("promoter_share", p)?;
    check_share("detractor_share", d)?;
    if p + d > 1.0 + 1e-12 {
        return Err(CxError::option(
            "expected",
            format!("promoter and detractor shares sum to {} > 1", p + d),
        ));
    }
    let variance = p + d - (p - d) * (p - d);
    let z = dist::normal_critical(level)?;
    let m = margin_points / 100.0;
    let n_exact = z * z * variance / (m * m);
    Ok(SampleSize {
        n: round_up(n_exact),
        n_exact,
        variance,
        margin: margin_points,
        level,
    })
}

/// Respondents needed for a proportion interval of half-width `margin_ratio` (Wald).
///
/// # Formula
/// `n = ⌈ z²·p(1 − p) / margin² ⌉`, `p = 0.5` (worst case) unless given.
/// # Reference
/// Cochran (1977), §4.4, eq. 4.2. Same as statsmodels
/// `samplesize_confint_proportion(p, margin, alpha)` before rounding.
/// # Errors
/// [`CxError::InvalidOption`] for `margin_ratio` outside (0, 1], `p` outside [0, 1] or a bad level.
/// # Examples
/// ```
/// let s = cx_core::metrics::sample_size::sample_size_proportion(0.05, 0.95, None)?;
/// assert_eq!(s.n, 385);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn sample_size_proportion(
    margin_ratio: f64,
    level: f64,
    expected_ratio: Option<f64>,
) -> Result<SampleSize> {
    dist::check_level(level)?;
    if !(margin_ratio > 0.0 && margin_ratio <= 1.0) {
        return Err(CxError::option(
            "margin",
            format!("must be in (0, 1] as a ratio, got {margin_ratio}"),
        ));
    }
    let p = expected_ratio.unwrap_or(0.5);
    check_share("expected", p)?;
    let variance = p * (1.0 - p);
    let z = dist::normal_critical(level)?;
    let n_exact = z * z * variance / (margin_ratio * margin_ratio);
    Ok(SampleSize {
        n: round_up(n_exact),
        n_exact,
        variance,
        margin: margin_ratio,
        level,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn options_are_checked() {
        assert!(sample_size_nps(0.0, 0.95, None).is_err());
        assert!(sample_size_nps(5.0, 0.95, Some((0.7, 0.4))).is_err());
        assert!(sample_size_proportion(0.05, 0.95, Some(1.5)).is_err());
        assert!(sample_size_proportion(0.05, 1.0, None).is_err());
        assert_eq!(sample_size_proportion(0.05, 0.95, Some(0.0)).unwrap().n, 1);
    }
}
