//! Variables charts: I-MR, x̄-R, x̄-S, R and S.
//!
//! # Formula
//! * Individuals: centre x̄, σ̂ = MR̄/d2(2) (or s/c4(m)), limits x̄ ± k·σ̂.
//!   Moving ranges of points that are excluded or outside phase I are left out.
//! * MR: centre d2(2)·σ̂ (= MR̄), se d3(2)·σ̂, LCL = max(0, ·).
//! * x̄: centre x̿ = Σnᵢx̄ᵢ/Σnᵢ, se σ̂/√nᵢ.
//! * R: centre ΣnᵢRᵢ/Σnᵢ (qcc), or d2(nᵢ)·σ when only σ is known ("standard
//!   given"); se d3(nᵢ)·σ̂; LCL = max(0, ·).
//! * S: centre Σnᵢsᵢ/Σnᵢ (or c4(nᵢ)·σ), se σ̂·√(1 − c4(nᵢ)²); LCL = max(0, ·).
//! * σ̂ (qcc `sd.xbar`): UWAVE-R = mean(Rᵢ/d2(nᵢ)), UWAVE-SD = mean(sᵢ/c4(nᵢ)),
//!   MVLUE-R with weights (d2/d3)², MVLUE-SD with weights c4²/(1−c4²),
//!   RMSDF = √(Σ(nᵢ−1)sᵢ²/Σ(nᵢ−1)) / c4(Σ(nᵢ−1)+1). qcc's default for x̄ is
//!   UWAVE-R, switching to RMSDF when a subgroup has more than 25 points.
//! * Probability limits: x̄ and individuals use the normal quantile; R uses the
//!   range distribution (qcc `qtukey(·, n, ∞)`); S uses √(χ²_{p,n−1}/(n−1))·σ.
//!
//! # Reference
//! Montgomery (2013), §6.2–6.4 and App. VI; qcc 3.0 `R/qcc.R` (`stats.*`,
//! `sd.*`, `limits.*`); Burr, I.W. (1969), "Control charts for measurements
//! with varying sample sizes", *J. Quality Technology* 1(3), 163–167 (MVLUE).

use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::chart::{
    Calib, ChartKind, ChartOptions, ControlChart, Model, PointLimits, SigmaMethod, build_with,
};
use super::constants::{Constants, c4_real, range_quantile};
use crate::{CxError, Result};

/// Subgroups of a variables chart. NaN values are missing and dropped; the
/// size of a subgroup is its number of non-missing values.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Subgroups<'a> {
    /// Row-major matrix: one subgroup per row of `ncol` values (NaN pads short rows).
    Matrix {
        /// The values, row after row.
        values: &'a [f64],
        /// Row length.
        ncol: usize,
    },
    /// Consecutive subgroups of the given lengths.
    Ragged {
        /// The values, subgroup after subgroup.
        values: &'a [f64],
        /// Length of each subgroup.
        sizes: &'a [usize],
    },
}

impl<'a> Subgroups<'a> {
    /// Rows of a row-major matrix.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] if `ncol` is 0 or does not divide the length.
    pub fn matrix(values: &'a [f64], ncol: usize) -> Result<Self> {
        if ncol == 0 || !values.len().is_multiple_of(ncol) {
            return Err(CxError::option(
                "ncol",
                format!("{} values do not split into rows of {ncol}", values.len()),
            ));
        }
        Ok(Subgroups::Matrix { values, ncol })
    }
    /// Consecutive subgroups of the given lengths.
    ///
    /// # Errors
    /// [`CxError::LengthMismatch`] if the sizes do not add up to the length.
    pub fn ragged(values: &'a [f64], sizes: &'a [usize]) -> Result<Self> {
        let total: usize = sizes.iter().sum();
        if total != values.len() {
            return Err(CxError::LengthMismatch {
                what: "sizes (sum)".into(),
                expected: values.len(),
                got: total,
            });
        }
        Ok(Subgroups::Ragged { values, sizes })
    }

    fn for_each(&self, mut f: impl FnMut(&[f64])) {
        match *self {
            Subgroups::Matrix { values, ncol } => values.chunks_exact(ncol).for_each(f),
            Subgroups::Ragged { values, sizes } => {
                let mut at = 0;
                for &s in sizes {
                    f(&values[at..at + s]);
                    at += s;
                }
            }
        }
    }
}

/// Per-subgroup statistics.
#[derive(Debug, Clone, Default)]
pub(crate) struct GroupStats {
    pub n: Vec<usize>,
    pub mean: Vec<f64>,
    pub range: Vec<f64>,
    pub sd: Vec<f64>,
}

pub(crate) fn group_stats(g: Subgroups<'_>) -> GroupStats {
    group_stats_with(g, true)
}

/// Statistics of one subgroup: (n, mean, range, sd), sd only when asked.
#[inline(always)]
fn row_stats(row: &[f64], need_sd: bool) -> (usize, f64, f64, f64) {
    let (mut n, mut sum, mut lo, mut hi) = (0usize, 0.0, f64::INFINITY, f64::NEG_INFINITY);
    for &x in row {
        if !x.is_nan() {
            n += 1;
            sum += x;
            lo = lo.min(x);
            hi = hi.max(x);
        }
    }
    let mean = sum / n as f64;
    let sd = if need_sd && n > 1 {
        let ss: f64 = row
            .iter()
            .filter(|x| !x.is_nan())
            .map(|x| (x - mean) * (x - mean))
            .sum();
        (ss / (n - 1) as f64).sqrt()
    } else {
        f64::NAN
    };
    (
        n,
        if n > 0 { mean } else { f64::NAN },
        if n > 0 { hi - lo } else { f64::NAN },
        sd,
    )
}

/// Per-subgroup statistics; `sd` is left empty unless `need_sd` (the R-based
/// σ estimators and charts never read it). Rows of a long matrix are split
/// over threads.
pub(crate) fn group_stats_with(g: Subgroups<'_>, need_sd: bool) -> GroupStats {
    let m = match g {
        Subgroups::Matrix { values, ncol } => values.len() / ncol,
        Subgroups::Ragged { sizes, .. } => sizes.len(),
    };
    let mut out = GroupStats {
        n: vec![0; m],
        mean: vec![0.0; m],
        range: vec![0.0; m],
        sd: if need_sd { vec![0.0; m] } else { Vec::new() },
    };
    match g {
        Subgroups::Matrix { values, ncol } if super::kernel::threads(values.len()) > 1 => {
            let t = super::kernel::threads(values.len());
            let per = m.div_ceil(t.max(1)).max(1);
            let ok = std::thread::scope(|scope| {
                let sd_chunks: Vec<&mut [f64]> = if need_sd {
                    out.sd.chunks_mut(per).collect()
                } else {
                    (0..m.div_ceil(per))
                        .map(|_| <&mut [f64]>::default())
                        .collect()
                };
                let handles: Vec<_> = values
                    .chunks(per * ncol)
                    .zip(out.n.chunks_mut(per))
                    .zip(out.mean.chunks_mut(per))
                    .zip(out.range.chunks_mut(per))
                    .zip(sd_chunks)
                    .map(|((((v, n), mean), range), sd)| {
                        scope.spawn(move || fill_matrix(v, ncol, need_sd, n, mean, range, sd))
                    })
                    .collect();
                handles.into_iter().all(|h| h.join().is_ok())
            });
            if !ok {
                // Not reachable (no panics in `fill`): recompute on this thread.
                return group_stats_serial(g, need_sd);
            }
            out
        }
        Subgroups::Matrix { values, ncol } => {
            let sd = if need_sd { &mut out.sd[..] } else { &mut [] };
            fill_matrix(
                values,
                ncol,
                need_sd,
                &mut out.n,
                &mut out.mean,
                &mut out.range,
                sd,
            );
            out
        }
        _ => group_stats_serial(g, need_sd),
    }
}

/// [`row_stats`] of each row of a row-major block into the output slices
/// (`sd` may be empty). Common row lengths get a copy of the loop with the
/// length fixed at compile time, so the per-row work unrolls; the arithmetic,
/// and so every result bit, is that of [`row_stats`].
fn fill_matrix(
    v: &[f64],
    ncol: usize,
    need_sd: bool,
    n: &mut [usize],
    mean: &mut [f64],
    range: &mut [f64],
    sd: &mut [f64],
) {
    #[inline(always)]
    fn rows<const N: usize>(
        v: &[f64],
        ncol: usize,
        need_sd: bool,
        n: &mut [usize],
        mean: &mut [f64],
        range: &mut [f64],
        sd: &mut [f64],
    ) {
        let w = if N == 0 { ncol } else { N };
        let it = v
            .chunks_exact(w)
            .zip(n.iter_mut().zip(mean.iter_mut().zip(range.iter_mut())));
        for (k, (row, (n, (mean, range)))) in it.enumerate() {
            let (a, b, c, d) = match <&[f64; N]>::try_from(row) {
                Ok(r) if N > 0 => row_stats(r, need_sd),
                _ => row_stats(row, need_sd),
            };
            (*n, *mean, *range) = (a, b, c);
            if let Some(slot) = sd.get_mut(k) {
                *slot = d;
            }
        }
    }
    match ncol {
        2 => rows::<2>(v, ncol, need_sd, n, mean, range, sd),
        3 => rows::<3>(v, ncol, need_sd, n, mean, range, sd),
        4 => rows::<4>(v, ncol, need_sd, n, mean, range, sd),
        5 => rows::<5>(v, ncol, need_sd, n, mean, range, sd),
        6 => rows::<6>(v, ncol, need_sd, n, mean, range, sd),
        8 => rows::<8>(v, ncol, need_sd, n, mean, range, sd),
        10 => rows::<10>(v, ncol, need_sd, n, mean, range, sd),
        _ => rows::<0>(v, ncol, need_sd, n, mean, range, sd),
    }
}

fn group_stats_serial(g: Subgroups<'_>, need_sd: bool) -> GroupStats {
    let mut out = GroupStats::default();
    g.for_each(|row| {
        let (n, mean, range, sd) = row_stats(row, need_sd);
        out.n.push(n);
        out.mean.push(mean);
        out.range.push(range);
        if need_sd {
            out.sd.push(sd);
        }
    });
    out
}

/// Subgroup indices: a range (no index vector for a long series) or a list.
pub(crate) trait Indices: Iterator<Item = usize> + Clone {}
impl<T: Iterator<Item = usize> + Clone> Indices for T {}

fn mean_of(idx: impl Indices, f: impl Fn(usize) -> f64) -> f64 {
    let (mut s, mut k) = (0.0, 0usize);
    for i in idx {
        s += f(i);
        k += 1;
    }
    s / k as f64
}

fn weighted(idx: impl Indices, w: impl Fn(usize) -> f64, x: impl Fn(usize) -> f64) -> f64 {
    let (mut sw, mut swx) = (0.0, 0.0);
    for i in idx {
        sw += w(i);
        swx += w(i) * x(i);
    }
    swx / sw
}

/// σ̂ from subgroups by one of qcc's estimators.
pub(crate) fn subgroup_sigma(
    g: &GroupStats,
    idx: impl Indices,
    method: SigmaMethod,
    k: Constants,
) -> Result<(f64, String)> {
    let c4 = |i: usize| c4_real(g.n[i] as f64);
    let d2 = |i: usize| k.d2(g.n[i]);
    // `sd` is only computed for the estimators and charts that read it.
    let sd = |i: usize| g.sd.get(i).copied().unwrap_or(f64::NAN);
    let sigma = match method {
        SigmaMethod::UwaveR => {
            let (mut s, mut cnt) = (0.0, 0usize);
            // Subgroups of one size share d2: look it up once per size change.
            let mut last = (usize::MAX, f64::NAN);
            for i in idx {
                if g.n[i] != last.0 {
                    last = (g.n[i], d2(i)?);
                }
                s += g.range[i] / last.1;
                cnt += 1;
            }
            s / cnt as f64
        }
        SigmaMethod::UwaveSd => mean_of(idx, |i| sd(i) / c4(i)),
        SigmaMethod::MvlueR => {
            let (mut sw, mut swx) = (0.0, 0.0);
            for i in idx {
                let (a, b) = (d2(i)?, k.d3(g.n[i])?);
                let w = (a / b).powi(2);
                sw += w;
                swx += w * g.range[i] / a;
            }
            swx / sw
        }
        SigmaMethod::MvlueSd => weighted(
            idx,
            |i| c4(i).powi(2) / (1.0 - c4(i).powi(2)),
            |i| sd(i) / c4(i),
        ),
        SigmaMethod::Rmsdf => {
            let (mut sw, mut sws) = (0.0, 0.0);
            for i in idx {
                let w = g.n[i] as f64 - 1.0;
                sw += w;
                sws += w * sd(i) * sd(i);
            }
            (sws / sw).sqrt() / c4_real(sw + 1.0)
        }
        other => {
            return Err(CxError::option(
                "sigma_method",
                format!("{other:?} does not apply to subgrouped data"),
            ));
        }
    };
    let name = match method {
        SigmaMethod::UwaveR => "UWAVE-R",
        SigmaMethod::UwaveSd => "UWAVE-SD",
        SigmaMethod::MvlueR => "MVLUE-R",
        SigmaMethod::MvlueSd => "MVLUE-SD",
        _ => "RMSDF",
    };
    Ok((sigma, name.to_string()))
}

struct Individuals<'a> {
    x: &'a [f64],
    method: SigmaMethod,
    k: Constants,
    w: f64,
}

impl Individuals<'_> {
    /// Centre and σ from the calibration points `pts` (increasing indices; a
    /// range needs no index vector). Moving ranges are taken between
    /// neighbouring points only, so an excluded point breaks the range.
    fn estimate_at(&self, pts: impl Iterator<Item = usize> + Clone) -> Result<(f64, f64)> {
        let values = pts.clone().map(|i| self.x[i]).filter(|v| !v.is_nan());
        let (m, sum) = values
            .clone()
            .fold((0usize, 0.0), |(m, s), v| (m + 1, s + v));
        if m < 2 {
            return Err(CxError::TooFewObservations {
                what: "individuals chart".into(),
                min: 2,
                got: m,
            });
        }
        let center = sum / m as f64;
        let sigma = match self.method {
            SigmaMethod::Sd => {
                let ss: f64 = values.map(|v| (v - center).powi(2)).sum();
                (ss / (m - 1) as f64).sqrt() / c4_real(m as f64)
            }
            SigmaMethod::Auto | SigmaMethod::MovingRange => {
                let (mut s, mut cnt) = (0.0, 0usize);
                for (i, j) in pts.clone().zip(pts.skip(1)) {
                    let d = (self.x[j] - self.x[i]).abs();
                    if j == i + 1 && !d.is_nan() {
                        s += d;
                        cnt += 1;
                    }
                }
                if cnt == 0 {
                    return Err(CxError::TooFewObservations {
                        what: "moving ranges".into(),
                        min: 1,
                        got: 0,
                    });
                }
                s / cnt as f64 / self.k.d2(2)?
            }
            other => {
                return Err(CxError::option(
                    "sigma_method",
                    format!("{other:?} does not apply to individuals"),
                ));
            }
        };
        Ok((center, sigma))
    }
}

impl Individuals<'_> {
    /// [`Self::estimate_at`] for a contiguous range with the moving-range
    /// estimator: one pass (threads for long series) with eight partial sums,
    /// which are also more accurate than one running sum.
    fn estimate_range(&self, r: std::ops::Range<usize>) -> Result<(f64, f64)> {
        let m = super::kernel::moments(self.x.get(r).unwrap_or(&[]));
        if m.n < 2 {
            return Err(CxError::TooFewObservations {
                what: "individuals chart".into(),
                min: 2,
                got: m.n,
            });
        }
        if m.mr_n == 0 {
            return Err(CxError::TooFewObservations {
                what: "moving ranges".into(),
                min: 1,
                got: 0,
            });
        }
        let center = m.sum / m.n as f64;
        Ok((center, m.mr_sum / m.mr_n as f64 / self.k.d2(2)?))
    }
}

impl Model for Individuals<'_> {
    fn kind(&self) -> ChartKind {
        ChartKind::Individuals
    }
    fn statistics(&self) -> &[f64] {
        self.x
    }
    fn uniform(&self) -> bool {
        true
    }
    fn estimate(&self, calib: &Calib) -> Result<(f64, f64)> {
        match calib {
            Calib::Range(r)
                if matches!(self.method, SigmaMethod::Auto | SigmaMethod::MovingRange) =>
            {
                self.estimate_range(r.clone())
            }
            Calib::Range(r) => self.estimate_at(r.clone()),
            Calib::List(v) => self.estimate_at(v.iter().copied()),
        }
    }
    fn limits(&self, _i: usize, center: f64, sigma: f64) -> Result<PointLimits> {
        Ok(PointLimits {
            center,
            se: sigma,
            lcl: center - self.w * sigma,
            ucl: center + self.w * sigma,
        })
    }
    fn sigma_method(&self) -> String {
        match self.method {
            SigmaMethod::Sd => "SD".into(),
            _ => "MR".into(),
        }
    }
}

/// Range-type chart (R of subgroups or MR of individuals) and S chart.
struct Spread<'a> {
    kind: ChartKind,
    stats: &'a [f64],
    sizes: &'a [usize],
    /// One size for every point (moving ranges), instead of `sizes`.
    const_n: Option<usize>,
    g: Option<&'a GroupStats>,
    method: SigmaMethod,
    k: Constants,
    w: f64,
    conf: Option<f64>,
    /// σ fixed from outside (the individuals chart's σ for MR), per stage start.
    given: Option<Vec<(usize, f64)>>,
    center_from_sigma: bool,
    name: String,
}

impl Spread<'_> {
    fn size(&self, i: usize) -> usize {
        self.const_n.unwrap_or_else(|| self.sizes[i])
    }
    fn expected(&self, n: usize, sigma: f64) -> Result<(f64, f64)> {
        if self.kind == ChartKind::StdDev {
            let c4 = c4_real(n as f64);
            Ok((c4 * sigma, sigma * (1.0 - c4 * c4).sqrt()))
        } else {
            Ok((self.k.d2(n)? * sigma, self.k.d3(n)? * sigma))
        }
    }
}

impl Spread<'_> {
    /// Centre and σ from the calibration points `idx` (missing ones skipped).
    fn estimate_at(&self, idx: impl Indices) -> Result<(f64, f64)> {
        let pts = idx.filter(|&i| !self.stats[i].is_nan());
        if pts.clone().next().is_none() {
            return Err(CxError::TooFewObservations {
                what: self.kind.name().into(),
                min: 1,
                got: 0,
            });
        }
        let center = weighted(pts.clone(), |i| self.size(i) as f64, |i| self.stats[i]);
        let sigma = match self.g {
            Some(g) => subgroup_sigma(g, pts, self.method, self.k)?.0,
            None => center / self.k.d2(2)?,
        };
        Ok((center, sigma))
    }
}

impl Model for Spread<'_> {
    fn kind(&self) -> ChartKind {
        self.kind
    }
    fn statistics(&self) -> &[f64] {
        self.stats
    }
    fn uniform(&self) -> bool {
        self.const_n.is_some() || self.sizes.windows(2).all(|w| w[0] == w[1])
    }
    fn estimate(&self, calib: &Calib) -> Result<(f64, f64)> {
        if let Some(given) = &self.given {
            let first = calib.first().unwrap_or(0);
            let sigma = given
                .iter()
                .rev()
                .find(|(s, _)| *s <= first)
                .map_or(f64::NAN, |g| g.1);
            return Ok((self.expected(2, sigma)?.0, sigma));
        }
        match calib {
            Calib::Range(r) => self.estimate_at(r.clone()),
            Calib::List(v) => self.estimate_at(v.iter().copied()),
        }
    }
    fn limits(&self, i: usize, center: f64, sigma: f64) -> Result<PointLimits> {
        let n = self.size(i);
        let (expected, se) = self.expected(n, sigma)?;
        let center = if self.center_from_sigma || self.given.is_some() {
            expected
        } else {
            center
        };
        let (lcl, ucl) = match self.conf {
            None => ((center - self.w * se).max(0.0), center + self.w * se),
            Some(c) if self.kind == ChartKind::StdDev => {
                let chi = ChiSquared::new(n as f64 - 1.0)
                    .map_err(|e| CxError::option("confidence", e.to_string()))?;
                let df = n as f64 - 1.0;
                (
                    sigma * (chi.inverse_cdf((1.0 - c) / 2.0) / df).sqrt(),
                    sigma * (chi.inverse_cdf(1.0 - (1.0 - c) / 2.0) / df).sqrt(),
                )
            }
            Some(c) => (
                range_quantile((1.0 - c) / 2.0, n) * sigma,
                range_quantile(1.0 - (1.0 - c) / 2.0, n) * sigma,
            ),
        };
        Ok(PointLimits {
            center,
            se,
            lcl,
            ucl,
        })
    }
    fn sigma_method(&self) -> String {
        self.name.clone()
    }
}

/// Individuals and moving-range (I-MR) chart; the MR chart is `secondary`
/// and applies rule 1 only (consecutive moving ranges are correlated).
///
/// # Formula
/// See the module docs.
/// # Reference
/// Montgomery (2013), §6.4; qcc `sd.xbar.one` ("MR", "SD").
/// # Errors
/// [`CxError::TooFewObservations`] with fewer than 2 calibration points;
/// [`CxError::InvalidOption`] for bad options.
/// # Examples
/// ```
/// use cx_core::spc::{xmr, RuleSet};
/// let chart = xmr(&[10.0, 12.0, 11.0, 13.0, 12.0], RuleSet::Nelson)?;
/// assert_eq!(chart.center.constant(), Some(11.6));
/// assert!((chart.sigma() - 1.5 / (2.0 / std::f64::consts::PI.sqrt())).abs() < 1e-12);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn xmr<'a>(values: &[f64], opts: impl Into<ChartOptions<'a>>) -> Result<ControlChart> {
    let opts = opts.into();
    let mut chart = xmr_lean(values, opts)?;
    xmr_complete(&mut chart, values, opts)?;
    Ok(chart)
}

/// The individuals chart of [`xmr`] without a copy of the values: centre,
/// σ, limits, stages and rule flags, with `statistics` left empty and no MR
/// chart. For callers that keep the values themselves (the Python binding
/// reads a numpy array in place and completes the chart only when the
/// statistics or the MR chart are asked for); [`xmr_complete`] adds both.
///
/// # Errors
/// As [`xmr`].
/// # Examples
/// ```
/// use cx_core::spc::{xmr, xmr_complete, xmr_lean, ChartOptions, RuleSet};
/// let x = [10.0, 12.0, 11.0, 13.0, 12.0];
/// let opts = ChartOptions::new().rules(RuleSet::Nelson);
/// let mut lean = xmr_lean(&x, opts)?;
/// assert!(lean.statistics.is_empty() && lean.len() == 5);
/// xmr_complete(&mut lean, &x, opts)?;
/// let full = xmr(&x, opts)?;
/// assert_eq!((&lean.statistics, &lean.flags), (&full.statistics, &full.flags));
/// assert!(lean.secondary.is_some());
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn xmr_lean<'a>(values: &[f64], opts: impl Into<ChartOptions<'a>>) -> Result<ControlChart> {
    let opts = opts.into();
    let ind = Individuals {
        x: values,
        method: opts.sigma_method,
        k: opts.constants,
        w: opts.width(),
    };
    build_with(&ind, &opts, None, false)
}

/// [`xmr_lean`] writing the rule flags into `flags` (zeroed, one byte per
/// value; e.g. a numpy array the caller returns as is) instead of the chart,
/// whose `flags` and `statistics` stay empty: put the flags back before
/// calling [`xmr_complete`].
///
/// # Errors
/// As [`xmr`]; [`CxError::LengthMismatch`] if `flags` is not one byte per value.
/// # Examples
/// ```
/// use cx_core::spc::{xmr, xmr_lean_into, RuleSet};
/// let x = [10.0, 12.0, 11.0, 13.0, 12.0, 30.0];
/// let mut flags = vec![0u8; x.len()];
/// let lean = xmr_lean_into(&x, RuleSet::Nelson, &mut flags)?;
/// assert!(lean.flags.is_empty());
/// assert_eq!(flags, xmr(&x, RuleSet::Nelson)?.flags);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn xmr_lean_into<'a>(
    values: &[f64],
    opts: impl Into<ChartOptions<'a>>,
    flags: &mut [u8],
) -> Result<ControlChart> {
    let opts = opts.into();
    let ind = Individuals {
        x: values,
        method: opts.sigma_method,
        k: opts.constants,
        w: opts.width(),
    };
    super::chart::build_into(&ind, &opts, None, false, Some(flags))
}

/// Complete a chart from [`xmr_lean`] with the same `values` and options:
/// copy the statistics and build the moving-range chart (`secondary`).
///
/// # Errors
/// [`CxError::LengthMismatch`] if `values` is not the chart's series; as [`xmr`].
pub fn xmr_complete<'a>(
    chart: &mut ControlChart,
    values: &[f64],
    opts: impl Into<ChartOptions<'a>>,
) -> Result<()> {
    let opts = opts.into();
    if values.len() != chart.len() {
        return Err(CxError::LengthMismatch {
            what: "values".into(),
            expected: chart.len(),
            got: values.len(),
        });
    }
    let mut mr = Vec::with_capacity(values.len());
    mr.push(f64::NAN);
    mr.extend(values.windows(2).map(|w| (w[1] - w[0]).abs()));
    let spread = Spread {
        kind: ChartKind::MovingRange,
        stats: &mr,
        sizes: &[],
        const_n: Some(2),
        g: None,
        method: SigmaMethod::MovingRange,
        k: opts.constants,
        w: opts.width(),
        conf: opts.confidence,
        given: Some(chart.stages.iter().map(|s| (s.start, s.sigma)).collect()),
        center_from_sigma: true,
        name: chart.sigma_method.clone(),
    };
    let mut mopts = opts;
    mopts.center = None;
    mopts.sigma = None;
    mopts.rules = opts.rules.only_limits();
    let mut secondary = build_with(&spread, &mopts, None, false)?;
    secondary.statistics = mr;
    chart.statistics = values.to_vec();
    chart.secondary = Some(Box::new(secondary));
    Ok(())
}

fn check_sizes(g: &GroupStats) -> Result<()> {
    if let Some(i) = g.n.iter().position(|&n| n < 2) {
        return Err(CxError::invalid(
            "sizes",
            Some(i),
            g.n[i],
            "subgroups need at least 2 values (use an individuals chart for single values)",
        ));
    }
    Ok(())
}

fn resolve(method: SigmaMethod, g: &GroupStats, s_based: bool) -> SigmaMethod {
    match method {
        SigmaMethod::Auto if s_based => SigmaMethod::UwaveSd,
        SigmaMethod::Auto if g.n.iter().any(|&n| n > 25) => SigmaMethod::Rmsdf,
        SigmaMethod::Auto => SigmaMethod::UwaveR,
        m => m,
    }
}

struct Xbar<'a> {
    g: &'a GroupStats,
    method: SigmaMethod,
    k: Constants,
    w: f64,
}

impl Xbar<'_> {
    fn estimate_at(&self, idx: impl Indices) -> Result<(f64, f64)> {
        let center = weighted(idx.clone(), |i| self.g.n[i] as f64, |i| self.g.mean[i]);
        Ok((center, subgroup_sigma(self.g, idx, self.method, self.k)?.0))
    }
}

impl Model for Xbar<'_> {
    fn kind(&self) -> ChartKind {
        ChartKind::Xbar
    }
    fn statistics(&self) -> &[f64] {
        &self.g.mean
    }
    fn uniform(&self) -> bool {
        self.g.n.windows(2).all(|w| w[0] == w[1])
    }
    fn estimate(&self, calib: &Calib) -> Result<(f64, f64)> {
        match calib {
            Calib::Range(r) => self.estimate_at(r.clone()),
            Calib::List(v) => self.estimate_at(v.iter().copied()),
        }
    }
    fn limits(&self, i: usize, center: f64, sigma: f64) -> Result<PointLimits> {
        let se = sigma / (self.g.n[i] as f64).sqrt();
        Ok(PointLimits {
            center,
            se,
            lcl: center - self.w * se,
            ucl: center + self.w * se,
        })
    }
    fn sigma_method(&self) -> String {
        subgroup_sigma(self.g, std::iter::empty(), self.method, self.k)
            .map(|r| r.1)
            .unwrap_or_default()
    }
}

fn spread_chart(g: &GroupStats, opts: &ChartOptions<'_>, kind: ChartKind) -> Result<ControlChart> {
    spread_chart_with(g, opts, kind, true)
}

/// [`spread_chart`], leaving `statistics` empty unless `copy_stats`.
fn spread_chart_with(
    g: &GroupStats,
    opts: &ChartOptions<'_>,
    kind: ChartKind,
    copy_stats: bool,
) -> Result<ControlChart> {
    let s_based = kind == ChartKind::StdDev;
    let method = resolve(opts.sigma_method, g, s_based);
    let method =
        if !s_based && method == SigmaMethod::Rmsdf && opts.sigma_method == SigmaMethod::Auto {
            SigmaMethod::UwaveR
        } else {
            method
        };
    let stats = if s_based { &g.sd } else { &g.range };
    let spread = Spread {
        kind,
        stats,
        sizes: &g.n,
        const_n: None,
        g: Some(g),
        method,
        k: opts.constants,
        w: opts.width(),
        conf: opts.confidence,
        given: None,
        center_from_sigma: opts.sigma.is_some() && opts.center.is_none(),
        name: subgroup_sigma(g, std::iter::empty(), method, opts.constants)
            .map(|r| r.1)
            .unwrap_or_default(),
    };
    build_with(
        &spread,
        opts,
        Some(g.n.iter().map(|&n| n as f64).collect()),
        copy_stats,
    )
}

/// x̄ chart with its R chart as `secondary` (qcc `type = "xbar"` and `"R"`).
///
/// # Formula
/// See the module docs; σ̂ by UWAVE-R unless `sigma_method` says otherwise.
/// # Reference
/// Montgomery (2013), §6.2; qcc `sd.xbar`, `limits.xbar`, `limits.R`.
/// # Errors
/// [`CxError::InvalidValue`] for a subgroup with fewer than 2 values;
/// [`CxError::InvalidOption`] when [`Constants::Qcc`] lacks a size.
/// # Examples
/// ```
/// use cx_core::spc::{xbar_r, Subgroups, ChartOptions};
/// let data = [1.0, 2.0, 3.0, 2.0, 3.0, 4.0];
/// let c = xbar_r(Subgroups::matrix(&data, 3)?, ChartOptions::new())?;
/// assert_eq!(c.center.constant(), Some(2.5));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn xbar_r<'a>(data: Subgroups<'_>, opts: impl Into<ChartOptions<'a>>) -> Result<ControlChart> {
    xbar_with(data, opts.into(), ChartKind::Range)
}

/// x̄ chart with its S chart as `secondary` (σ̂ by UWAVE-SD by default).
///
/// # Formula
/// See the module docs.
/// # Reference
/// Montgomery (2013), §6.3; qcc `sd.S`, `limits.S`.
/// # Errors
/// As [`xbar_r`].
/// # Examples
/// ```
/// use cx_core::spc::{xbar_s, Subgroups, ChartOptions};
/// let data = [1.0, 2.0, 3.0, 2.0, 3.0, 4.0];
/// let c = xbar_s(Subgroups::matrix(&data, 3)?, ChartOptions::new())?;
/// assert!((c.sigma() - 1.0 / cx_core::spc::Constants::Exact.c4(3)?).abs() < 1e-12);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn xbar_s<'a>(data: Subgroups<'_>, opts: impl Into<ChartOptions<'a>>) -> Result<ControlChart> {
    xbar_with(data, opts.into(), ChartKind::StdDev)
}

fn xbar_with(
    data: Subgroups<'_>,
    opts: ChartOptions<'_>,
    spread: ChartKind,
) -> Result<ControlChart> {
    let need_sd = needs_sd(&data, &opts, spread == ChartKind::StdDev);
    xbar_from(group_stats_with(data, need_sd), opts, spread)
}

/// Whether a chart of `data` with `opts` reads subgroup standard deviations:
/// an S chart, an sd-based σ estimator, or qcc's automatic switch to RMSDF
/// for subgroups of more than 25 values.
fn needs_sd(data: &Subgroups<'_>, opts: &ChartOptions<'_>, s_based: bool) -> bool {
    let largest = match *data {
        Subgroups::Matrix { ncol, .. } => ncol,
        Subgroups::Ragged { sizes, .. } => sizes.iter().copied().max().unwrap_or(0),
    };
    s_based
        || match opts.sigma_method {
            SigmaMethod::UwaveR | SigmaMethod::MvlueR => false,
            SigmaMethod::Auto => largest > 25,
            _ => true,
        }
}

fn xbar_from(g: GroupStats, opts: ChartOptions<'_>, spread: ChartKind) -> Result<ControlChart> {
    check_sizes(&g)?;
    let method = resolve(opts.sigma_method, &g, spread == ChartKind::StdDev);
    let x = Xbar {
        g: &g,
        method,
        k: opts.constants,
        w: opts.width(),
    };
    let sizes: Vec<f64> = g.n.iter().map(|&n| n as f64).collect();
    // The charts take the subgroup means and spreads by move, not by copy
    // (for 2M subgroups each copy is 16 MB of fresh pages).
    let mut chart = build_with(&x, &opts, Some(sizes), false)?;
    let mut sopts = opts;
    sopts.center = None;
    let mut second = spread_chart_with(&g, &sopts, spread, false)?;
    let mut g = g;
    chart.statistics = std::mem::take(&mut g.mean);
    second.statistics = std::mem::take(if spread == ChartKind::StdDev {
        &mut g.sd
    } else {
        &mut g.range
    });
    chart.secondary = Some(Box::new(second));
    Ok(chart)
}

/// R chart alone (qcc `type = "R"`).
///
/// # Formula
/// See the module docs.
/// # Reference
/// Montgomery (2013), §6.2; qcc `stats.R`, `limits.R`.
/// # Errors
/// As [`xbar_r`].
/// # Examples
/// ```
/// use cx_core::spc::{r_chart, Subgroups, ChartOptions};
/// let c = r_chart(Subgroups::matrix(&[1.0, 2.0, 3.0, 2.0, 4.0, 6.0], 3)?, ChartOptions::new())?;
/// assert_eq!(c.center.constant(), Some(3.0));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn r_chart<'a>(data: Subgroups<'_>, opts: impl Into<ChartOptions<'a>>) -> Result<ControlChart> {
    let opts = opts.into();
    let g = group_stats_with(data, needs_sd(&data, &opts, false));
    check_sizes(&g)?;
    spread_chart(&g, &opts, ChartKind::Range)
}

/// S chart alone (qcc `type = "S"`).
///
/// # Formula
/// See the module docs.
/// # Reference
/// Montgomery (2013), §6.3; qcc `stats.S`, `limits.S`.
/// # Errors
/// As [`xbar_r`].
/// # Examples
/// ```
/// use cx_core::spc::{s_chart, Subgroups, ChartOptions};
/// let c = s_chart(Subgroups::matrix(&[1.0, 2.0, 3.0, 2.0, 4.0, 6.0], 3)?, ChartOptions::new())?;
/// assert_eq!(c.center.constant(), Some(1.5));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn s_chart<'a>(data: Subgroups<'_>, opts: impl Into<ChartOptions<'a>>) -> Result<ControlChart> {
    let g = group_stats(data);
    check_sizes(&g)?;
    spread_chart(&g, &opts.into(), ChartKind::StdDev)
}

/// Summary statistics of one subgroup: size, mean, range and sample standard
/// deviation (n − 1 denominator), all a variables chart needs of its raw values.
///
/// They are what a distributed engine can merge exactly per subgroup (see
/// [`crate::scale::SubgroupMoments`]), so x̄/R and x̄/S charts can be drawn from
/// them with [`xbar_r_from_stats`] and [`xbar_s_from_stats`] without the values.
///
/// # Examples
/// ```
/// use cx_core::spc::SubgroupStats;
/// let s = SubgroupStats::from_values(&[1.0, 2.0, f64::NAN, 4.0])?;
/// assert_eq!((s.n(), s.range()), (3, 3.0));
/// assert!((s.mean() - 7.0 / 3.0).abs() < 1e-15);
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SubgroupStats {
    n: usize,
    mean: f64,
    range: f64,
    sd: f64,
}

impl SubgroupStats {
    /// Statistics of a subgroup of `n` values.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] naming the field (`n`, `mean`, `range`, `sd`): `n` below
    /// 2 (use an individuals chart for single values), a non-finite mean, a negative or
    /// non-finite range or standard deviation.
    pub fn new(n: usize, mean: f64, range: f64, sd: f64) -> Result<Self> {
        if n < 2 {
            return Err(CxError::invalid(
                "n",
                None,
                n,
                "subgroups need at least 2 values (use an individuals chart for single values)",
            ));
        }
        if !mean.is_finite() {
            return Err(CxError::invalid("mean", None, mean, "must be finite"));
        }
        for (field, v) in [("range", range), ("sd", sd)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(CxError::invalid(field, None, v, "must be finite and >= 0"));
            }
        }
        Ok(Self { n, mean, range, sd })
    }

    /// Statistics of raw values (NaN = missing), computed as [`xbar_r`] does.
    ///
    /// # Errors
    /// As [`SubgroupStats::new`].
    pub fn from_values(values: &[f64]) -> Result<Self> {
        let g = group_stats(Subgroups::Ragged {
            values,
            sizes: &[values.len()],
        });
        Self::new(g.n[0], g.mean[0], g.range[0], g.sd[0])
    }

    /// Number of values.
    pub fn n(&self) -> usize {
        self.n
    }
    /// Mean x̄ᵢ.
    pub fn mean(&self) -> f64 {
        self.mean
    }
    /// Range Rᵢ = max − min.
    pub fn range(&self) -> f64 {
        self.range
    }
    /// Sample standard deviation sᵢ (n − 1 denominator).
    pub fn sd(&self) -> f64 {
        self.sd
    }
}

fn stats_to_groups(stats: &[SubgroupStats]) -> GroupStats {
    GroupStats {
        n: stats.iter().map(|s| s.n).collect(),
        mean: stats.iter().map(|s| s.mean).collect(),
        range: stats.iter().map(|s| s.range).collect(),
        sd: stats.iter().map(|s| s.sd).collect(),
    }
}

/// x̄ chart with its R chart as `secondary`, from per-subgroup statistics: the same
/// chart as [`xbar_r`] on the raw values (same options: phase I, exclusions, stages,
/// constants, σ method, rules).
///
/// # Formula
/// See the module docs: x̄ and R charts use only nᵢ, x̄ᵢ, Rᵢ (and sᵢ for the
/// SD-based σ estimators).
/// # Reference
/// Montgomery (2013), §6.2; qcc `sd.xbar`, `limits.xbar`, `limits.R`.
/// # Errors
/// [`CxError::EmptyInput`] for no subgroups; otherwise as [`xbar_r`].
/// # Examples
/// ```
/// use cx_core::spc::{xbar_r, xbar_r_from_stats, ChartOptions, Subgroups, SubgroupStats};
/// let data = [1.0, 2.0, 3.0, 2.0, 3.0, 5.0];
/// let stats: Vec<_> = data.chunks(3).map(SubgroupStats::from_values).collect::<Result<_, _>>()?;
/// let a = xbar_r_from_stats(&stats, ChartOptions::new())?;
/// let b = xbar_r(Subgroups::matrix(&data, 3)?, ChartOptions::new())?;
/// assert_eq!(a.ucl, b.ucl);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn xbar_r_from_stats<'a>(
    stats: &[SubgroupStats],
    opts: impl Into<ChartOptions<'a>>,
) -> Result<ControlChart> {
    from_stats(stats, opts.into(), ChartKind::Range)
}

/// x̄ chart with its S chart as `secondary`, from per-subgroup statistics: the same
/// chart as [`xbar_s`] on the raw values.
///
/// # Formula
/// See the module docs.
/// # Reference
/// Montgomery (2013), §6.3; qcc `sd.S`, `limits.S`.
/// # Errors
/// As [`xbar_r_from_stats`].
/// # Examples
/// ```
/// use cx_core::spc::{xbar_s_from_stats, ChartOptions, Constants, SubgroupStats};
/// let stats = [SubgroupStats::new(3, 2.0, 2.0, 1.0)?, SubgroupStats::new(3, 3.0, 2.0, 1.0)?];
/// let c = xbar_s_from_stats(&stats, ChartOptions::new())?;
/// assert!((c.sigma() - 1.0 / Constants::Exact.c4(3)?).abs() < 1e-12);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn xbar_s_from_stats<'a>(
    stats: &[SubgroupStats],
    opts: impl Into<ChartOptions<'a>>,
) -> Result<ControlChart> {
    from_stats(stats, opts.into(), ChartKind::StdDev)
}

fn from_stats(
    stats: &[SubgroupStats],
    opts: ChartOptions<'_>,
    spread: ChartKind,
) -> Result<ControlChart> {
    if stats.is_empty() {
        return Err(CxError::EmptyInput {
            what: "subgroups".into(),
        });
    }
    xbar_from(stats_to_groups(stats), opts, spread)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod fast_rows_tests {
    use super::*;
    use proptest::prelude::*;

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
    }

    proptest! {
        /// The matrix path (fixed row lengths, threads for long input) equals
        /// the row-by-row path bit for bit, NaNs and empty rows included.
        #[test]
        fn matrix_rows_equal_row_by_row(
            ncol in 1usize..12,
            rows in 0usize..40,
            seed in prop::collection::vec(prop_oneof![8 => -1e3f64..1e3, 1 => Just(f64::NAN), 1 => Just(-0.0)], 1..64),
            need_sd in any::<bool>(),
        ) {
            let v: Vec<f64> = (0..ncol * rows).map(|i| seed[i % seed.len()] * (1.0 + (i / seed.len()) as f64)).collect();
            let g = Subgroups::matrix(&v, ncol).unwrap();
            let (a, b) = (group_stats_with(g, need_sd), group_stats_serial(g, need_sd));
            prop_assert_eq!(&a.n, &b.n);
            prop_assert!(same(&a.mean, &b.mean) && same(&a.range, &b.range) && same(&a.sd, &b.sd));
        }
    }

    #[test]
    fn long_matrix_uses_threads_and_matches() {
        let v: Vec<f64> = (0..600_000)
            .map(|i| {
                if i % 7919 == 0 {
                    f64::NAN
                } else {
                    ((i * 7 % 101) as f64).sin()
                }
            })
            .collect();
        for ncol in [5, 6, 7] {
            let g = Subgroups::matrix(&v[..v.len() / ncol * ncol], ncol).unwrap();
            let (a, b) = (group_stats_with(g, true), group_stats_serial(g, true));
            assert_eq!(a.n, b.n);
            assert!(same(&a.mean, &b.mean) && same(&a.range, &b.range) && same(&a.sd, &b.sd));
        }
    }
}
