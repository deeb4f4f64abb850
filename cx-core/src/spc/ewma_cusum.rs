//! EWMA chart with exact time-varying limits, and tabular CUSUM.
//!
//! The centre and σ come from the matching Shewhart chart (individuals, or x̄
//! with its σ estimator) with the same options: phase I, exclusions, known
//! centre or σ, and the constants table. Both charts apply rule 1 only, since
//! their statistics are autocorrelated by construction.
//!
//! # Formula
//! * EWMA: `zᵢ = λx̄ᵢ + (1−λ)zᵢ₋₁`, `z₀ = μ₀`; limits
//!   `μ₀ ± L·(σ/√nᵢ)·√(λ/(2−λ)·(1 − (1−λ)^{2i}))` (i = 1, 2, …).
//! * CUSUM (standardised): `zᵢ = (x̄ᵢ − μ₀)/(σ/√nᵢ)`,
//!   `Cᵢ⁺ = max(0, Cᵢ₋₁⁺ + zᵢ − k)`, `Cᵢ⁻ = max(0, Cᵢ₋₁⁻ − zᵢ − k)`, C₀ = 0;
//!   signal when `C⁺ > h` or `C⁻ > h`. The upper side is the chart, the lower
//!   side (plotted as −C⁻, limit −h) its `secondary`. qcc's `se.shift` is 2k and
//!   its `decision.interval` is h.
//!
//! # Reference
//! Montgomery (2013), §9.1 (CUSUM) and §9.2 (EWMA); Lucas, J.M. & Saccucci,
//! M.S. (1990), "Exponentially weighted moving average control schemes",
//! *Technometrics* 32(1), 1–12; qcc 3.0 `R/ewma.R`, `R/cusum.R`.

use super::chart::{ChartKind, ChartOptions, ControlChart, PerPoint, judge};
use super::variables::{Subgroups, xbar_r, xmr};
use crate::{CxError, Result};

/// Data of an EWMA or CUSUM chart: individual values or subgroups.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Series<'a> {
    /// One value per point.
    Individuals(&'a [f64]),
    /// Subgroups (their means are smoothed).
    Subgroups(Subgroups<'a>),
}

/// The base chart giving μ₀, σ, the statistics and the sizes.
fn base(data: Series<'_>, opts: &ChartOptions<'_>) -> Result<(Vec<f64>, Vec<f64>, f64, f64)> {
    if opts.stages.is_some() {
        return Err(CxError::option(
            "stages",
            "EWMA and CUSUM charts take a single stage",
        ));
    }
    let chart = match data {
        Series::Individuals(x) => xmr(x, *opts)?,
        Series::Subgroups(g) => xbar_r(g, *opts)?,
    };
    let n = chart.len();
    let sizes = chart.sizes.clone().unwrap_or_else(|| vec![1.0; n]);
    Ok((
        chart.statistics.clone(),
        sizes,
        chart.stages[0].center,
        chart.sigma(),
    ))
}

#[allow(clippy::too_many_arguments)]
fn finish(
    kind: ChartKind,
    stats: Vec<f64>,
    sizes: Vec<f64>,
    center: PerPoint,
    se: PerPoint,
    lcl: PerPoint,
    ucl: PerPoint,
    opts: &ChartOptions<'_>,
    width: f64,
    stage_sigma: f64,
) -> ControlChart {
    let n = stats.len();
    let stages = vec![super::chart::Stage {
        start: 0,
        end: n,
        center: center.get(0),
        sigma: stage_sigma,
        calibration_points: opts.phase1.unwrap_or(n).min(n),
    }];
    let rules = opts.rules.only_limits();
    let flags = judge(&stats, &center, &se, &lcl, &ucl, &stages, rules, width);
    let mut excluded = opts.exclude.to_vec();
    excluded.sort_unstable();
    excluded.dedup();
    ControlChart {
        kind,
        statistics: stats,
        sizes: Some(sizes),
        center,
        se,
        lcl,
        ucl,
        nsigmas: width,
        confidence: None,
        rules,
        flags,
        stages,
        phase1: opts.phase1.unwrap_or(n),
        excluded,
        sigma_method: String::new(),
        secondary: None,
    }
}

/// EWMA chart with exact (time-varying) limits.
///
/// # Formula
/// See the module docs; λ = `opts.lambda`, L = `opts.nsigmas`.
/// # Reference
/// Lucas & Saccucci (1990); qcc `ewma()`.
/// # Errors
/// [`CxError::InvalidOption`] for λ outside (0, 1] or stages; as [`xmr`] / [`xbar_r`].
/// # Examples
/// ```
/// use cx_core::spc::{ewma, ChartOptions, Series};
/// let x = [10.0, 10.5, 9.8, 10.2, 10.1, 9.9, 10.4, 10.0];
/// let c = ewma(Series::Individuals(&x), ChartOptions::new().lambda(0.2))?;
/// assert!((c.statistics[0] - (0.2 * 10.0 + 0.8 * c.center.get(0))).abs() < 1e-12);
/// assert!(c.ucl.get(0) < c.ucl.get(7)); // limits widen towards their asymptote
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn ewma<'a>(data: Series<'_>, opts: impl Into<ChartOptions<'a>>) -> Result<ControlChart> {
    let opts = opts.into();
    let lambda = opts.lambda;
    if !(lambda > 0.0 && lambda <= 1.0) {
        return Err(CxError::option(
            "lambda",
            format!("must be in (0, 1], got {lambda}"),
        ));
    }
    let (x, sizes, mu, sigma) = base(data, &opts)?;
    let w = opts.nsigmas;
    let (mut z, mut se, mut lo, mut hi) = (
        Vec::with_capacity(x.len()),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let mut prev = mu;
    let mut decay = 1.0;
    let q = (1.0 - lambda) * (1.0 - lambda);
    for (xi, ni) in x.iter().zip(&sizes) {
        // A missing point carries the previous EWMA forward.
        if !xi.is_nan() {
            prev = lambda * xi + (1.0 - lambda) * prev;
        }
        z.push(prev);
        decay *= q;
        let s = sigma / ni.sqrt() * (lambda / (2.0 - lambda) * (1.0 - decay)).sqrt();
        se.push(s);
        lo.push(mu - w * s);
        hi.push(mu + w * s);
    }
    let mut c = finish(
        ChartKind::Ewma,
        z,
        sizes,
        PerPoint::Constant(mu),
        PerPoint::Varying(se),
        PerPoint::Varying(lo),
        PerPoint::Varying(hi),
        &opts,
        w,
        sigma,
    );
    c.sigma_method = format!("EWMA lambda={lambda}");
    Ok(c)
}

/// Tabular CUSUM in standard-error units (upper side; lower side as `secondary`).
///
/// # Formula
/// See the module docs; k = `opts.k`, h = `opts.h`.
/// # Reference
/// Montgomery (2013), §9.1.2; qcc `cusum()` (`se.shift = 2k`, `decision.interval = h`).
/// # Errors
/// [`CxError::InvalidOption`] for k < 0, h ≤ 0 or stages; as [`xmr`] / [`xbar_r`].
/// # Examples
/// ```
/// use cx_core::spc::{cusum, ChartOptions, Series};
/// let mut x = vec![10.0, 10.2, 9.9, 10.1, 9.8, 10.0, 10.1, 9.9];
/// x.extend([11.0; 6]);
/// let c = cusum(Series::Individuals(&x), ChartOptions::new().phase1(8))?;
/// assert!(c.flags[13] & 1 == 1);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn cusum<'a>(data: Series<'_>, opts: impl Into<ChartOptions<'a>>) -> Result<ControlChart> {
    let opts = opts.into();
    let (k, h) = (opts.k, opts.h);
    if !(k >= 0.0 && k.is_finite() && h > 0.0 && h.is_finite()) {
        return Err(CxError::option(
            "k/h",
            format!("need k ≥ 0 and h > 0, got k = {k}, h = {h}"),
        ));
    }
    let (x, sizes, mu, sigma) = base(data, &opts)?;
    let (mut up, mut down) = (Vec::with_capacity(x.len()), Vec::with_capacity(x.len()));
    let (mut cp, mut cm) = (0.0f64, 0.0f64);
    for (xi, ni) in x.iter().zip(&sizes) {
        if !xi.is_nan() {
            let z = (xi - mu) / (sigma / ni.sqrt());
            cp = (cp + z - k).max(0.0);
            cm = (cm - z - k).max(0.0);
        }
        up.push(cp);
        down.push(-cm);
    }
    let c1 = PerPoint::Constant(1.0);
    let mut lower = finish(
        ChartKind::CusumLower,
        down,
        sizes.clone(),
        PerPoint::Constant(0.0),
        c1.clone(),
        PerPoint::Constant(-h),
        PerPoint::Constant(f64::INFINITY),
        &opts,
        h,
        sigma,
    );
    lower.sigma_method = format!("CUSUM k={k} h={h}");
    let mut upper = finish(
        ChartKind::CusumUpper,
        up,
        sizes,
        PerPoint::Constant(0.0),
        c1,
        PerPoint::Constant(f64::NEG_INFINITY),
        PerPoint::Constant(h),
        &opts,
        h,
        sigma,
    );
    upper.sigma_method = lower.sigma_method.clone();
    upper.secondary = Some(Box::new(lower));
    Ok(upper)
}
