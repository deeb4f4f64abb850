//! EWMA chart with exact time-varying limits, and tabular CUSUM.
//!
//! The centre and σ come from the matching Shewhart chart (individuals, or x̄
//! with its σ estimator) with the same options: phase I, exclusions, known
//! centre or σ, the constants table and stages. With stages, each stage has
//! its own μ₀ and σ and restarts the statistic: the EWMA at z = μ₀ with limits
//! widening again from the stage's first point (i counts from 1 in the stage),
//! the CUSUM sums at 0. Both charts apply rule 1 only, since
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

use super::chart::{ChartKind, ChartOptions, ControlChart, PerPoint, Stage, judge};
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

/// The base chart giving the statistics, the sizes and, per stage, μ₀ and σ.
fn base(data: Series<'_>, opts: &ChartOptions<'_>) -> Result<(Vec<f64>, Vec<f64>, Vec<Stage>)> {
    let mut chart = match data {
        Series::Individuals(x) => xmr(x, *opts)?,
        Series::Subgroups(g) => xbar_r(g, *opts)?,
    };
    let n = chart.len();
    let sizes = chart.sizes.take().unwrap_or_else(|| vec![1.0; n]);
    Ok((std::mem::take(&mut chart.statistics), sizes, chart.stages))
}

/// One value per stage spread over its points (constant with one stage).
fn per_stage(stages: &[Stage], n: usize, f: impl Fn(&Stage) -> f64) -> PerPoint {
    match stages {
        [one] => PerPoint::Constant(f(one)),
        _ => {
            let mut v = Vec::with_capacity(n);
            for st in stages {
                v.extend(std::iter::repeat_n(f(st), st.end - st.start));
            }
            PerPoint::Varying(v)
        }
    }
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
    stages: Vec<Stage>,
) -> ControlChart {
    let n = stats.len();
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
/// [`CxError::InvalidOption`] for λ outside (0, 1]; as [`xmr`] / [`xbar_r`].
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
    let (x, sizes, stages) = base(data, &opts)?;
    let w = opts.nsigmas;
    let n = x.len();
    let (mut z, mut se, mut lo, mut hi) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let q = (1.0 - lambda) * (1.0 - lambda);
    for st in &stages {
        // Each stage restarts the average at its own centre, and its limits
        // widen again from the first point of the stage.
        let (mu, sigma) = (st.center, st.sigma);
        let mut prev = mu;
        let mut decay = 1.0;
        for (xi, ni) in x[st.start..st.end].iter().zip(&sizes[st.start..st.end]) {
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
    }
    let center = per_stage(&stages, n, |s| s.center);
    let mut c = finish(
        ChartKind::Ewma,
        z,
        sizes,
        center,
        PerPoint::Varying(se),
        PerPoint::Varying(lo),
        PerPoint::Varying(hi),
        &opts,
        w,
        stages,
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
/// [`CxError::InvalidOption`] for k < 0, h ≤ 0; as [`xmr`] / [`xbar_r`].
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
    let (x, sizes, stages) = base(data, &opts)?;
    let (mut up, mut down) = (Vec::with_capacity(x.len()), Vec::with_capacity(x.len()));
    for st in &stages {
        // Each stage restarts both sums at 0 with its own centre and σ.
        let (mu, sigma) = (st.center, st.sigma);
        let (mut cp, mut cm) = (0.0f64, 0.0f64);
        for (xi, ni) in x[st.start..st.end].iter().zip(&sizes[st.start..st.end]) {
            if !xi.is_nan() {
                let z = (xi - mu) / (sigma / ni.sqrt());
                cp = (cp + z - k).max(0.0);
                cm = (cm - z - k).max(0.0);
            }
            up.push(cp);
            down.push(-cm);
        }
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
        stages.clone(),
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
        stages,
    );
    upper.sigma_method = lower.sigma_method.clone();
    upper.secondary = Some(Box::new(lower));
    Ok(upper)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn series() -> Vec<f64> {
        let mut x = vec![10.0, 10.4, 9.7, 10.2, 10.1, 9.8, 10.3, 9.9, 10.0, 10.2];
        x.extend([12.1, 12.5, 11.8, 12.2, 12.0, 12.4, 11.9, 12.3]);
        x
    }

    /// Each stage of a staged chart equals the chart of that stage alone:
    /// its own μ₀ and σ, the statistic restarted, the limits widening again.
    #[test]
    fn stages_restart_like_separate_charts() {
        let x = series();
        let labels: Vec<i64> = (0..x.len()).map(|i| i64::from(i >= 10)).collect();
        for kind in [ChartKind::Ewma, ChartKind::CusumUpper] {
            let make = |v: &[f64], o: ChartOptions<'_>| match kind {
                ChartKind::Ewma => ewma(Series::Individuals(v), o.lambda(0.3)),
                _ => cusum(Series::Individuals(v), o),
            };
            let staged = make(&x, ChartOptions::new().stages(&labels)).unwrap();
            assert_eq!(staged.stages.len(), 2);
            for (part, range) in [(0, 0..10), (1, 10..x.len())] {
                let alone = make(&x[range.clone()], ChartOptions::new()).unwrap();
                assert_eq!(staged.stages[part].center, alone.stages[0].center);
                assert_eq!(staged.stages[part].sigma, alone.stages[0].sigma);
                for (k, i) in range.enumerate() {
                    assert_eq!(staged.statistics[i], alone.statistics[k]);
                    assert_eq!(staged.ucl.get(i), alone.ucl.get(k));
                    assert_eq!(staged.lcl.get(i), alone.lcl.get(k));
                    assert_eq!(staged.center.get(i), alone.center.get(k));
                    assert_eq!(staged.flags[i], alone.flags[k]);
                }
            }
        }
        // The shift at point 10 makes one long CUSUM run without stages...
        let one = cusum(Series::Individuals(&x), ChartOptions::new().phase1(10)).unwrap();
        assert!(one.flags[10..].iter().any(|&f| f != 0));
        // ...and none once the shifted points form their own stage.
        let two = cusum(Series::Individuals(&x), ChartOptions::new().stages(&labels)).unwrap();
        assert!(two.flags.iter().all(|&f| f == 0));
        assert_eq!(two.secondary.as_ref().unwrap().stages.len(), 2);
    }

    #[test]
    fn staged_subgroups() {
        let x = series();
        let labels = [0i64, 0, 0, 1, 1, 1];
        let g = Subgroups::matrix(&x[..18], 3).unwrap();
        let c = ewma(Series::Subgroups(g), ChartOptions::new().stages(&labels)).unwrap();
        assert_eq!(c.stages.len(), 2);
        let mean3 = (x[9] + x[10] + x[11]) / 3.0;
        assert!((c.statistics[3] - (0.2 * mean3 + 0.8 * c.stages[1].center)).abs() < 1e-12);
        assert!(c.center.constant().is_none());
    }
}
