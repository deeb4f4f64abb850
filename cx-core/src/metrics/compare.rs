//! Two-sample comparisons: NPS (adjusted-Wald z), proportions (two-proportion z,
//! CSAT) and means (Welch t, CES).

use crate::error::{CxError, Result};
use crate::metrics::nps::{self, NpsCounts, NpsInterval, NpsOptions};
use crate::metrics::tally::MeanTally;
use crate::stats::dist;

/// Result of a two-sample comparison `a − b`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Comparison {
    /// Observed difference `a − b` (NPS points; ratio for proportions; scale units for means).
    pub difference: f64,
    /// Standard error of the difference used for the interval.
    pub standard_error: f64,
    /// Test statistic (z, or Welch's t).
    pub statistic: f64,
    /// Degrees of freedom (Welch–Satterthwaite) for a t statistic; `None` for z.
    pub df: Option<f64>,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Lower bound of the interval for the difference.
    pub ci_low: f64,
    /// Upper bound of the interval for the difference.
    pub ci_high: f64,
    /// Confidence level.
    pub level: f64,
}

/// Compare the NPS of two samples of 0–10 scores (NaN = missing).
///
/// # Formula
/// Adjusted Wald (default): `NPS′ = p′ − d′`, `SE′` as in [`nps::nps`] for each sample;
/// `z = (NPS′_a − NPS′_b)/√(SE′_a² + SE′_b²)`, two-sided p from N(0, 1), interval
/// `100[(NPS′_a − NPS′_b) ± z_{1−α/2}·√(SE′_a² + SE′_b²)]`. Wald: the same without the
/// adjustment. `difference` is the observed `NPS_a − NPS_b` in points.
/// # Reference
/// Sauro, J. "How to statistically compare two Net Promoter Scores",
/// measuringu.com/nps-significance-test; Rocks (2016), Am. Stat. 70(4):365–372.
/// # Errors
/// As [`nps::nps`] for either sample (the error names the row in its own sample);
/// [`CxError::InvalidOption`] for the bootstrap (not implemented for comparisons).
/// # Examples
/// ```
/// use cx_core::metrics::compare::compare_nps;
/// let a = [10.0, 10.0, 9.0, 8.0, 3.0];
/// let b = [10.0, 6.0, 5.0, 8.0, 3.0];
/// let c = compare_nps(&a, &b, Default::default())?;
/// assert_eq!(c.difference, 80.0);
/// assert!(c.p_value > 0.0 && c.p_value < 1.0);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn compare_nps(a: &[f64], b: &[f64], opts: NpsOptions) -> Result<Comparison> {
    dist::check_level(opts.level)?;
    let (ca, _) = nps::count_f64(a)?;
    let (cb, _) = nps::count_f64(b)?;
    compare_nps_counts(ca, cb, opts)
}

/// [`compare_nps`] from class counts (e.g. from tallies or grouped results).
///
/// # Errors
/// [`CxError::EmptyInput`] when a sample is empty; [`CxError::InvalidOption`] for a bad level
/// or the bootstrap.
pub fn compare_nps_counts(a: NpsCounts, b: NpsCounts, opts: NpsOptions) -> Result<Comparison> {
    dist::check_level(opts.level)?;
    for (c, what) in [(a, "a"), (b, "b")] {
        if c.n() == 0 {
            return Err(CxError::EmptyInput { what: what.into() });
        }
    }
    let raw = |c: NpsCounts| {
        let n = c.n() as f64;
        let (p, d) = (c.promoters as f64 / n, c.detractors as f64 / n);
        (p, d, ((p + d - (p - d) * (p - d)) / n).max(0.0).sqrt())
    };
    let ((pa, da, sa), (pb, db, sb)) = match opts.interval {
        NpsInterval::Wald => (raw(a), raw(b)),
        NpsInterval::AdjustedWald => (nps::adjusted(a), nps::adjusted(b)),
        _ => {
            return Err(CxError::option(
                "ci",
                "compare_nps supports wald and adjusted-wald",
            ));
        }
    };
    let (ra, rb) = (raw(a), raw(b));
    let center = (pa - da) - (pb - db);
    let se = (sa * sa + sb * sb).sqrt();
    let z = center / se;
    let zc = dist::normal_critical(opts.level)?;
    Ok(Comparison {
        difference: 100.0 * ((ra.0 - ra.1) - (rb.0 - rb.1)),
        standard_error: 100.0 * se,
        statistic: z,
        df: None,
        p_value: dist::normal_two_sided_p(z),
        ci_low: 100.0 * (center - zc * se),
        ci_high: 100.0 * (center + zc * se),
        level: opts.level,
    })
}

/// Compare two proportions `x₁/n₁ − x₂/n₂` (e.g. CSAT top-box shares).
///
/// # Formula
/// Test with the pooled SE: `p̄ = (x₁ + x₂)/(n₁ + n₂)`,
/// `z = (p̂₁ − p̂₂)/√(p̄(1 − p̄)(1/n₁ + 1/n₂))`; interval with the unpooled SE
/// `√(p̂₁(1 − p̂₁)/n₁ + p̂₂(1 − p̂₂)/n₂)` (the pooled SE assumes the null hypothesis, which
/// an interval must not). `standard_error` is the unpooled one. When `p̄` is 0 or 1 the
/// statistic and p-value are NaN (as in statsmodels).
/// # Reference
/// Agresti, A. (2013). *Categorical Data Analysis*, 3rd ed., §1.4 and §2.2.3. Same as
/// statsmodels `proportions_ztest([x1, x2], [n1, n2])` and
/// `confint_proportions_2indep(x1, n1, x2, n2, method="wald")`.
/// # Errors
/// [`CxError::EmptyInput`] for `n = 0`; [`CxError::InvalidValue`] when `x > n`;
/// [`CxError::InvalidOption`] for a bad level.
/// # Examples
/// ```
/// let c = cx_core::metrics::compare::compare_proportions(45, 60, 30, 55, 0.95)?;
/// assert!((c.difference - (0.75 - 30.0 / 55.0)).abs() < 1e-15);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn compare_proportions(x1: u64, n1: u64, x2: u64, n2: u64, level: f64) -> Result<Comparison> {
    dist::check_level(level)?;
    for (x, n, what) in [(x1, n1, "x1"), (x2, n2, "x2")] {
        if n == 0 {
            return Err(CxError::EmptyInput { what: what.into() });
        }
        if x > n {
            return Err(CxError::invalid(what, None, x, "successes exceed trials"));
        }
    }
    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let (p1, p2) = (x1 as f64 / n1f, x2 as f64 / n2f);
    let pbar = (x1 + x2) as f64 / (n1f + n2f);
    let se0 = (pbar * (1.0 - pbar) * (1.0 / n1f + 1.0 / n2f)).sqrt();
    let z = if se0 > 0.0 { (p1 - p2) / se0 } else { f64::NAN };
    let se = (p1 * (1.0 - p1) / n1f + p2 * (1.0 - p2) / n2f).sqrt();
    let zc = dist::normal_critical(level)?;
    Ok(Comparison {
        difference: p1 - p2,
        standard_error: se,
        statistic: z,
        df: None,
        p_value: dist::normal_two_sided_p(z),
        ci_low: p1 - p2 - zc * se,
        ci_high: p1 - p2 + zc * se,
        level,
    })
}

/// Compare two means with Welch's t-test (unequal variances); NaN values are skipped.
///
/// # Formula
/// `se² = s₁²/n₁ + s₂²/n₂`, `t = (x̄₁ − x̄₂)/se`,
/// `df = se⁴ / ((s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1))`, two-sided p from t(df),
/// interval `(x̄₁ − x̄₂) ± t_{1−α/2, df}·se`. With `se = 0` statistic, df, p and bounds are NaN.
/// # Reference
/// Welch, B. L. (1947). Biometrika 34(1/2):28–35; Satterthwaite, F. E. (1946). Biometrics
/// Bulletin 2(6):110–114. Same as `scipy.stats.ttest_ind(a, b, equal_var=False)`.
/// # Errors
/// [`CxError::TooFewObservations`] when a sample has fewer than 2 values;
/// [`CxError::InvalidValue`] (field `a`/`b`, row) for an infinite value;
/// [`CxError::InvalidOption`] for a bad level.
/// # Examples
/// ```
/// let c = cx_core::metrics::compare::compare_means(&[5.0, 6.0, 7.0], &[3.0, 4.0, 5.0, 4.0], 0.95)?;
/// assert_eq!(c.difference, 2.0);
/// assert!(c.df.is_some());
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn compare_means(a: &[f64], b: &[f64], level: f64) -> Result<Comparison> {
    dist::check_level(level)?;
    let ta = MeanTally::from_values("a", a)?;
    let tb = MeanTally::from_values("b", b)?;
    compare_mean_tallies(&ta, &tb, level)
}

/// [`compare_means`] from two [`MeanTally`] states.
///
/// # Errors
/// As [`compare_means`].
pub fn compare_mean_tallies(a: &MeanTally, b: &MeanTally, level: f64) -> Result<Comparison> {
    dist::check_level(level)?;
    for (t, what) in [(a, "a"), (b, "b")] {
        if t.n() < 2 {
            return Err(CxError::TooFewObservations {
                what: what.into(),
                min: 2,
                got: t.n() as usize,
            });
        }
    }
    let (n1, n2) = (a.n() as f64, b.n() as f64);
    let (v1, v2) = (a.variance() / n1, b.variance() / n2);
    let se = (v1 + v2).sqrt();
    let diff = a.mean() - b.mean();
    if se <= 0.0 || !se.is_finite() {
        return Ok(Comparison {
            difference: diff,
            standard_error: se,
            statistic: f64::NAN,
            df: Some(f64::NAN),
            p_value: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            level,
        });
    }
    let df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1.0) + v2 * v2 / (n2 - 1.0));
    let t = diff / se;
    let tc = dist::t_critical(level, df)?;
    Ok(Comparison {
        difference: diff,
        standard_error: se,
        statistic: t,
        df: Some(df),
        p_value: dist::t_two_sided_p(t, df)?,
        ci_low: diff - tc * se,
        ci_high: diff + tc * se,
        level,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn degenerate_inputs() {
        assert_eq!(
            compare_means(&[1.0], &[1.0, 2.0], 0.95).unwrap_err().code(),
            "too_few_observations"
        );
        let c = compare_means(&[1.0, 1.0], &[2.0, 2.0], 0.95).unwrap();
        assert!(c.statistic.is_nan() && c.p_value.is_nan());
        let c = compare_proportions(0, 5, 0, 7, 0.95).unwrap();
        assert!(c.statistic.is_nan());
        assert!(compare_proportions(6, 5, 0, 7, 0.95).is_err());
        assert!(compare_nps(&[], &[1.0], NpsOptions::new()).is_err());
        let boot = NpsInterval::Bootstrap {
            resamples: 10,
            seed: 1,
        };
        assert!(compare_nps(&[1.0], &[1.0], boot.into()).is_err());
    }
}
