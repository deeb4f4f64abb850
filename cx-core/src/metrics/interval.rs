//! Confidence intervals for a binomial proportion and for a mean.
//!
//! The proportion intervals reproduce `statsmodels.stats.proportion.proportion_confint`
//! (statsmodels 0.15) exactly, including its conventions: the Wald (`normal`),
//! Agresti–Coull and Wilson bounds are clipped to [0, 1]; Clopper–Pearson (`beta`)
//! gives a lower bound of exactly 0 when x = 0 and an upper bound of exactly 1 when x = n.

use crate::error::{CxError, Result};
use crate::stats::dist;

/// Method of a confidence interval for a binomial proportion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ProportionInterval {
    /// Wilson score interval (the default: good coverage, never outside [0, 1]).
    #[default]
    Wilson,
    /// Clopper–Pearson "exact" interval from beta quantiles (conservative).
    ClopperPearson,
    /// Agresti–Coull "add z²/2 successes and failures" interval.
    AgrestiCoull,
    /// Wald (normal approximation) interval; poor coverage near 0 and 1.
    Wald,
}

impl ProportionInterval {
    /// Stable lower-case name (`"wilson"`, `"clopper-pearson"`, `"agresti-coull"`, `"wald"`).
    pub fn name(self) -> &'static str {
        match self {
            ProportionInterval::Wilson => "wilson",
            ProportionInterval::ClopperPearson => "clopper-pearson",
            ProportionInterval::AgrestiCoull => "agresti-coull",
            ProportionInterval::Wald => "wald",
        }
    }
}

impl std::str::FromStr for ProportionInterval {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "wilson" => Ok(ProportionInterval::Wilson),
            "clopper-pearson" | "beta" | "exact" => Ok(ProportionInterval::ClopperPearson),
            "agresti-coull" => Ok(ProportionInterval::AgrestiCoull),
            "wald" | "normal" => Ok(ProportionInterval::Wald),
            other => Err(CxError::option(
                "ci",
                format!(
                    "must be one of {{wilson, clopper-pearson, agresti-coull, wald}}, got {other:?}"
                ),
            )),
        }
    }
}

/// A two-sided confidence interval `[low, high]` at `level`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// Confidence level in (0, 1).
    pub level: f64,
}

/// Two-sided confidence interval for a proportion `x / n`.
///
/// # Formula
/// With `p̂ = x/n`, `z = Φ⁻¹(1 − α/2)`, `α = 1 − level`:
/// - Wald: `p̂ ± z·√(p̂(1−p̂)/n)`, clipped to [0, 1].
/// - Wilson: `(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)`, clipped to [0, 1].
/// - Agresti–Coull: `ñ = n + z²`, `p̃ = (x + z²/2)/ñ`, `p̃ ± z·√(p̃(1−p̃)/ñ)`, clipped to [0, 1].
/// - Clopper–Pearson: `[B⁻¹(α/2; x, n−x+1), B⁻¹(1−α/2; x+1, n−x)]`, with 0 when x = 0
///   and 1 when x = n.
/// # Reference
/// Wilson, E. B. (1927). JASA 22(158):209–212. Clopper, C. J. & Pearson, E. S. (1934).
/// Biometrika 26(4):404–413. Agresti, A. & Coull, B. A. (1998). Am. Stat. 52(2):119–126.
/// Brown, Cai & DasGupta (2001). Stat. Sci. 16(2):101–133. Conventions as
/// `statsmodels.stats.proportion.proportion_confint` (methods `normal`, `wilson`,
/// `agresti_coull`, `beta`).
/// # Errors
/// [`CxError::EmptyInput`] when `n == 0`; [`CxError::InvalidValue`] (field `x`) when `x > n`;
/// [`CxError::InvalidOption`] (option `level`) unless `0 < level < 1`.
/// # Examples
/// ```
/// use cx_core::metrics::interval::{proportion_interval, ProportionInterval};
/// // statsmodels: proportion_confint(8, 10, alpha=0.05, method="wilson")
/// let ci = proportion_interval(8, 10, 0.95, ProportionInterval::Wilson)?;
/// assert!((ci.low - 0.4901624715).abs() < 1e-9);
/// assert!((ci.high - 0.9433178485).abs() < 1e-9);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn proportion_interval(
    x: u64,
    n: u64,
    level: f64,
    method: ProportionInterval,
) -> Result<Interval> {
    dist::check_level(level)?;
    if n == 0 {
        return Err(CxError::EmptyInput {
            what: "proportion".into(),
        });
    }
    if x > n {
        return Err(CxError::invalid("x", None, x, "successes exceed trials"));
    }
    let (xf, nf) = (x as f64, n as f64);
    let p = xf / nf;
    let alpha = 1.0 - level;
    let clip = |v: f64| v.clamp(0.0, 1.0);
    let (low, high) = match method {
        ProportionInterval::Wald => {
            let z = dist::normal_critical(level)?;
            let d = z * (p * (1.0 - p) / nf).sqrt();
            (clip(p - d), clip(p + d))
        }
        ProportionInterval::Wilson => {
            let z = dist::normal_critical(level)?;
            let z2 = z * z;
            let denom = 1.0 + z2 / nf;
            let center = (p + z2 / (2.0 * nf)) / denom;
            let d = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
            (clip(center - d), clip(center + d))
        }
        ProportionInterval::AgrestiCoull => {
            let z = dist::normal_critical(level)?;
            let z2 = z * z;
            let nc = nf + z2;
            let pc = (xf + z2 / 2.0) / nc;
            let d = z * (pc * (1.0 - pc) / nc).sqrt();
            (clip(pc - d), clip(pc + d))
        }
        ProportionInterval::ClopperPearson => {
            let low = if x == 0 {
                0.0
            } else {
                dist::beta_quantile(alpha / 2.0, xf, nf - xf + 1.0)?
            };
            let high = if x == n {
                1.0
            } else {
                // Upper bound B⁻¹(1 − α/2; x+1, n−x) = 1 − B⁻¹(α/2; n−x, x+1) (symmetry of the beta).
                1.0 - dist::beta_quantile(alpha / 2.0, nf - xf, xf + 1.0)?
            };
            (low, high)
        }
    };
    Ok(Interval { low, high, level })
}

/// Student-t confidence interval for a mean: `mean ± t_{1−α/2, n−1} · sd/√n`.
///
/// Returns NaN bounds when `n < 2` (the sample standard deviation is undefined).
///
/// # Reference
/// Student (1908). "The probable error of a mean". Biometrika 6(1):1–25. Same as
/// `scipy.stats.t.interval(level, n-1, loc=mean, scale=sd/sqrt(n))`.
/// # Errors
/// [`CxError::InvalidOption`] (option `level`) unless `0 < level < 1`.
/// # Examples
/// ```
/// // scipy.stats.t.ppf(0.975, 9) = 2.262157162798205
/// let ci = cx_core::metrics::interval::mean_t_interval(4.0, 1.0, 10, 0.95)?;
/// assert!((ci.high - (4.0 + 2.262157162798205 / 10f64.sqrt())).abs() < 1e-12);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn mean_t_interval(mean: f64, sd: f64, n: u64, level: f64) -> Result<Interval> {
    dist::check_level(level)?;
    if n < 2 {
        return Ok(Interval {
            low: f64::NAN,
            high: f64::NAN,
            level,
        });
    }
    let t = dist::t_critical(level, (n - 1) as f64)?;
    let half = t * sd / (n as f64).sqrt();
    Ok(Interval {
        low: mean - half,
        high: mean + half,
        level,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn edges_follow_statsmodels() {
        for m in [
            ProportionInterval::Wilson,
            ProportionInterval::ClopperPearson,
            ProportionInterval::AgrestiCoull,
            ProportionInterval::Wald,
        ] {
            let lo = proportion_interval(0, 7, 0.95, m).unwrap();
            let hi = proportion_interval(7, 7, 0.95, m).unwrap();
            assert_eq!(lo.low, 0.0, "{m:?}");
            assert_eq!(hi.high, 1.0, "{m:?}");
            assert!(lo.high > 0.0 || m == ProportionInterval::Wald);
        }
    }

    #[test]
    fn errors_are_typed() {
        assert_eq!(
            proportion_interval(1, 0, 0.95, ProportionInterval::Wilson)
                .unwrap_err()
                .code(),
            "empty_input"
        );
        assert_eq!(
            proportion_interval(3, 2, 0.95, ProportionInterval::Wilson)
                .unwrap_err()
                .code(),
            "invalid_value"
        );
        assert_eq!(
            proportion_interval(1, 2, 1.5, ProportionInterval::Wilson)
                .unwrap_err()
                .code(),
            "invalid_option"
        );
        assert!("bogus".parse::<ProportionInterval>().is_err());
    }

    #[test]
    fn t_interval_needs_two_points() {
        let ci = mean_t_interval(3.0, f64::NAN, 1, 0.95).unwrap();
        assert!(ci.low.is_nan() && ci.high.is_nan());
    }
}
