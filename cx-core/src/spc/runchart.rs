//! Run chart with Anhøj's rules: median centre line, no control limits.
//!
//! # Formula
//! Points exactly on the median are dropped (they neither make nor break a
//! run); `n` is the number of useful points. A run is a sequence of useful
//! points on the same side of the median; a crossing is a change of side.
//! * Unusually long run: longest run > `round(log2 n) + 3` (Schilling 2012).
//! * Too few crossings: crossings < `qbinom(0.05, n − 1, 0.5)` (Chen 2010).
//!
//! Flags use the [`RuleFamily::Anhoej`] numbering: rule 1 marks the points
//! of every run longer than the limit, rule 2 marks every useful point when
//! crossings are too few. Missing values are skipped.
//!
//! # Reference
//! Anhøj, J. & Olesen, A.V. (2014), "Run charts revisited", *PLoS ONE*
//! 9(11): e113825; qicharts2 `R/helper.functions.R` (`runs.analysis`);
//! Schilling, M.F. (2012), *College Math. J.* 43(1), 70–78; Chen, Z. (2010),
//! *J. Nonparametric Stat.* 22(5), 553–573.

use serde::{Deserialize, Serialize};
use statrs::distribution::{Binomial, DiscreteCDF};

use super::chart::{ChartKind, ControlChart, PerPoint, Stage};
use super::rules::{RuleFamily, RuleSet};
use crate::{CxError, Result};

/// Anhøj's runs analysis of a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RunsAnalysis {
    /// Median of the baseline.
    pub median: f64,
    /// Points not on the median (and not missing).
    pub useful: usize,
    /// Length of the longest run.
    pub longest_run: usize,
    /// `round(log2 n) + 3`; a longer run signals.
    pub longest_run_max: usize,
    /// Number of crossings of the median.
    pub crossings: usize,
    /// `qbinom(0.05, n − 1, 0.5)`; fewer crossings signal.
    pub crossings_min: usize,
}

impl RunsAnalysis {
    /// Whether either rule signals.
    pub fn signal(&self) -> bool {
        self.longest_run > self.longest_run_max || self.crossings < self.crossings_min
    }
}

/// `round(log2 n) + 3` and `qbinom(0.05, n − 1, 0.5)` for `n` useful points.
///
/// # Examples
/// ```
/// assert_eq!(cx_core::spc::anhoej_limits(24), (8, 8));
/// ```
pub fn anhoej_limits(n: usize) -> (usize, usize) {
    if n < 2 {
        return (usize::MAX, 0);
    }
    let longest = (n as f64).log2().round() as usize + 3;
    let crossings = match Binomial::new(0.5, (n - 1) as u64) {
        Ok(b) => {
            let target = 0.05 * (1.0 - 64.0 * f64::EPSILON);
            (0..n as u64).find(|&x| b.cdf(x) >= target).unwrap_or(0) as usize
        }
        Err(_) => 0,
    };
    (longest, crossings)
}

/// Run chart with Anhøj's rules; the median comes from the first `phase1`
/// points when given (a frozen baseline), else from all points.
///
/// # Formula
/// See the module docs.
/// # Reference
/// Anhøj & Olesen (2014).
/// # Errors
/// [`CxError::EmptyInput`] without non-missing values;
/// [`CxError::InvalidOption`] for a `phase1` of 0 or beyond the data.
/// # Examples
/// ```
/// use cx_core::spc::run_chart;
/// let x: Vec<f64> = (0..20).map(|i| if i < 10 { 1.0 } else { 3.0 } + i as f64 * 0.01).collect();
/// let (chart, runs) = run_chart(&x, None)?;
/// assert_eq!(runs.longest_run, 10);
/// assert!(runs.signal() && chart.flags.iter().any(|&f| f & 1 == 1));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn run_chart(values: &[f64], phase1: Option<usize>) -> Result<(ControlChart, RunsAnalysis)> {
    run_chart_with(values, phase1, None)
}

/// [`run_chart`] with an optional fixed centre line: a known median (or target,
/// or the median of an earlier period) instead of one computed from the data,
/// as `center` fixes the centre of the other charts. With a fixed centre
/// `phase1` only labels the points (nothing is estimated) and the stage reports
/// 0 calibration points.
///
/// # Errors
/// As [`run_chart`]; [`CxError::InvalidOption`] for a non-finite `center`.
/// # Examples
/// ```
/// use cx_core::spc::run_chart_with;
/// let x = [3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
/// let (chart, runs) = run_chart_with(&x, None, Some(2.0))?;
/// assert_eq!((runs.median, runs.longest_run, runs.crossings), (2.0, 6, 0));
/// assert_eq!(chart.center.constant(), Some(2.0));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn run_chart_with(
    values: &[f64],
    phase1: Option<usize>,
    center: Option<f64>,
) -> Result<(ControlChart, RunsAnalysis)> {
    let n = values.len();
    let p1 = phase1.unwrap_or(n);
    if p1 == 0 || p1 > n {
        return Err(CxError::option(
            "phase1",
            format!("must be in 1..={n}, got {p1}"),
        ));
    }
    let (median, m) = match center {
        Some(c) if !c.is_finite() => {
            return Err(CxError::option(
                "center",
                format!("must be finite, got {c}"),
            ));
        }
        Some(c) => (c, 0),
        None => baseline_median(&values[..p1])?,
    };
    // Sides of the useful points: +1 above, −1 below.
    let useful: Vec<(usize, i8)> = values
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.is_nan() && **v != median)
        .map(|(i, &v)| (i, if v > median { 1 } else { -1 }))
        .collect();
    let (longest_run_max, crossings_min) = anhoej_limits(useful.len());
    let mut flags = vec![0u8; n];
    let (mut longest, mut crossings, mut start) = (0usize, 0usize, 0usize);
    for k in 0..=useful.len() {
        let ends = k == useful.len() || (k > 0 && useful[k].1 != useful[k - 1].1);
        if k > 0 && ends {
            let len = k - start;
            longest = longest.max(len);
            if len > longest_run_max {
                for &(i, _) in &useful[start..k] {
                    flags[i] |= 1;
                }
            }
            if k < useful.len() {
                crossings += 1;
            }
            start = k;
        }
    }
    if crossings < crossings_min {
        for &(i, _) in &useful {
            flags[i] |= 2;
        }
    }
    let runs = RunsAnalysis {
        median,
        useful: useful.len(),
        longest_run: longest,
        longest_run_max,
        crossings,
        crossings_min,
    };
    let chart = ControlChart {
        kind: ChartKind::Run,
        statistics: values.to_vec(),
        sizes: None,
        center: PerPoint::Constant(median),
        se: PerPoint::Constant(f64::NAN),
        lcl: PerPoint::Constant(f64::NAN),
        ucl: PerPoint::Constant(f64::NAN),
        nsigmas: f64::NAN,
        confidence: None,
        rules: RuleSet::Custom {
            family: RuleFamily::Anhoej,
            mask: 0b11,
        },
        flags,
        stages: vec![Stage {
            start: 0,
            end: n,
            center: median,
            sigma: f64::NAN,
            calibration_points: m,
        }],
        phase1: p1,
        excluded: Vec::new(),
        sigma_method: "Anhoej runs analysis".into(),
        secondary: None,
    };
    Ok((chart, runs))
}

/// Median of the non-missing baseline values and their number.
fn baseline_median(values: &[f64]) -> Result<(f64, usize)> {
    let mut base: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if base.is_empty() {
        return Err(CxError::EmptyInput {
            what: "run chart".into(),
        });
    }
    base.sort_by(f64::total_cmp);
    let m = base.len();
    let median = if m % 2 == 1 {
        base[m / 2]
    } else {
        0.5 * (base[m / 2 - 1] + base[m / 2])
    };
    Ok((median, m))
}
