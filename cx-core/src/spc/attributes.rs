//! Attributes charts: p, np, c, u and Laney's p′ and u′.
//!
//! # Formula
//! * p: pᵢ = dᵢ/nᵢ, p̄ = Σdᵢ/Σnᵢ, limits p̄ ± k√(p̄(1−p̄)/nᵢ) clipped to \[0, 1\].
//! * np: centre nᵢp̄, limits nᵢp̄ ± k√(nᵢp̄(1−p̄)) clipped to \[0, nᵢ\].
//! * c: c̄ = mean count, limits c̄ ± k√c̄, LCL ≥ 0 (no sizes: equal areas).
//! * u: uᵢ = cᵢ/nᵢ, ū = Σcᵢ/Σnᵢ, limits ū ± k√(ū/nᵢ), LCL ≥ 0.
//! * Probability limits (qcc `conf`): binomial quantiles `qbinom(α/2, nᵢ, p̄)`
//!   and `qbinom(1−α/2, nᵢ, p̄)` (divided by nᵢ for p), Poisson quantiles for c and u.
//! * Laney p′ / u′: zᵢ = (pᵢ − p̄)/σ_{pᵢ}, σ_z = MR̄(z)/d2(2), limits
//!   p̄ ± k·σ_{pᵢ}·σ_z (clipped like p and u). The chart's σ is σ_z. With
//!   `confidence` (probability limits) k = Φ⁻¹(1 − (1 − confidence)/2): Laney's
//!   chart is an individuals chart of the zᵢ, judged as normal, and σ_z
//!   replaces the binomial/Poisson spread, so no discrete quantile applies.
//!
//! # Reference
//! Montgomery (2013), §7.2 (p, np) and §7.3 (c, u); qcc 3.0 `R/qcc.R`
//! (`limits.p`, `limits.np`, `limits.c`, `limits.u`); Laney, D.B. (2002),
//! "Improved control charts for attributes", *Quality Engineering* 14(4),
//! 531–537; qicharts2 `qic(chart = "pp" / "up")`.

use statrs::distribution::{Binomial, DiscreteCDF, Poisson};

use super::chart::{Calib, ChartKind, ChartOptions, ControlChart, Model, PointLimits, build};
use super::constants::Constants;
use crate::{CxError, Result};

struct Attr {
    kind: ChartKind,
    counts: Vec<f64>,
    sizes: Vec<f64>,
    stats: Vec<f64>,
    w: f64,
    conf: Option<f64>,
    k: Constants,
}

impl Attr {
    fn binomial(&self) -> bool {
        matches!(self.kind, ChartKind::P | ChartKind::Np | ChartKind::LaneyP)
    }
    /// Standard error of the rate at size n, before Laney's σ_z.
    fn base_se(&self, rate: f64, n: f64) -> f64 {
        if self.binomial() {
            (rate * (1.0 - rate) / n).sqrt()
        } else {
            (rate / n).sqrt()
        }
    }
}

impl Model for Attr {
    fn kind(&self) -> ChartKind {
        self.kind
    }
    fn statistics(&self) -> &[f64] {
        &self.stats
    }
    fn uniform(&self) -> bool {
        self.sizes.windows(2).all(|w| w[0] == w[1])
    }
    fn estimate(&self, calib: &Calib) -> Result<(f64, f64)> {
        let calib = &calib.indices();
        let (mut d, mut n) = (0.0, 0.0);
        let pts: Vec<usize> = calib
            .iter()
            .copied()
            .filter(|&i| !self.counts[i].is_nan())
            .collect();
        for &i in &pts {
            d += self.counts[i];
            n += self.sizes[i];
        }
        if pts.is_empty() {
            return Err(CxError::TooFewObservations {
                what: self.kind.name().into(),
                min: 1,
                got: 0,
            });
        }
        let rate = d / n;
        let sigma = if matches!(self.kind, ChartKind::LaneyP | ChartKind::LaneyU) {
            let z = |i: usize| {
                (self.counts[i] / self.sizes[i] - rate) / self.base_se(rate, self.sizes[i])
            };
            let (mut s, mut cnt) = (0.0, 0usize);
            for w in pts.windows(2) {
                if w[1] == w[0] + 1 {
                    s += (z(w[1]) - z(w[0])).abs();
                    cnt += 1;
                }
            }
            if cnt == 0 {
                return Err(CxError::TooFewObservations {
                    what: "Laney moving ranges".into(),
                    min: 1,
                    got: 0,
                });
            }
            s / cnt as f64 / self.k.d2(2)?
        } else {
            f64::NAN
        };
        Ok((rate, sigma))
    }
    fn limits(&self, i: usize, rate: f64, sigma: f64) -> Result<PointLimits> {
        let n = self.sizes[i];
        let laney = matches!(self.kind, ChartKind::LaneyP | ChartKind::LaneyU);
        let se_rate = self.base_se(rate, n) * if laney { sigma } else { 1.0 };
        let per_unit = !matches!(self.kind, ChartKind::Np | ChartKind::C);
        let scale = if per_unit { 1.0 } else { n };
        let center = rate * scale;
        let se = se_rate * scale;
        let cap = if self.binomial() {
            scale
        } else {
            f64::INFINITY
        };
        let (lcl, ucl) = match self.conf {
            Some(c) if !laney => {
                let a = (1.0 - c) / 2.0;
                let (lo, hi) = if self.binomial() {
                    let b = binom(rate, n)?;
                    (
                        quantile(|x| b.cdf(x), a, n as u64),
                        quantile(|x| b.cdf(x), 1.0 - a, n as u64),
                    )
                } else {
                    let lambda = rate * n;
                    if lambda <= 0.0 {
                        (0.0, 0.0)
                    } else {
                        let p = Poisson::new(lambda)
                            .map_err(|e| CxError::option("confidence", e.to_string()))?;
                        let top = (lambda + 40.0 * lambda.sqrt() + 40.0) as u64;
                        (
                            quantile(|x| p.cdf(x), a, top),
                            quantile(|x| p.cdf(x), 1.0 - a, top),
                        )
                    }
                };
                let div = if per_unit { n } else { 1.0 };
                (lo / div, hi / div)
            }
            _ => (
                (center - self.w * se).max(0.0),
                (center + self.w * se).min(cap),
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
        match self.kind {
            ChartKind::LaneyP | ChartKind::LaneyU => "Laney MR(z)/d2".into(),
            _ => if self.binomial() {
                "binomial"
            } else {
                "Poisson"
            }
            .into(),
        }
    }
}

fn binom(p: f64, n: f64) -> Result<Binomial> {
    Binomial::new(p.clamp(0.0, 1.0), n as u64)
        .map_err(|e| CxError::option("confidence", e.to_string()))
}

/// Smallest integer x in 0..=top with cdf(x) ≥ p (R's `q*` with its 64ε fuzz).
fn quantile(cdf: impl Fn(u64) -> f64, p: f64, top: u64) -> f64 {
    let target = p * (1.0 - 64.0 * f64::EPSILON);
    let (mut lo, mut hi) = (0u64, top);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if cdf(mid) >= target {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo as f64
}

fn make(
    kind: ChartKind,
    counts: &[f64],
    sizes: Option<&[f64]>,
    opts: &ChartOptions<'_>,
) -> Result<ControlChart> {
    let n = counts.len();
    let sizes: Vec<f64> = match sizes {
        Some(s) if s.len() == 1 => vec![s[0]; n],
        Some(s) if s.len() != n => {
            return Err(CxError::LengthMismatch {
                what: "sizes".into(),
                expected: n,
                got: s.len(),
            });
        }
        Some(s) => s.to_vec(),
        None if matches!(kind, ChartKind::C) => vec![1.0; n],
        None => {
            return Err(CxError::option(
                "sizes",
                format!("a {} chart needs sample sizes", kind.name()),
            ));
        }
    };
    let binomial = matches!(kind, ChartKind::P | ChartKind::Np | ChartKind::LaneyP);
    for (i, (&c, &s)) in counts.iter().zip(&sizes).enumerate() {
        if !(s.is_finite() && s > 0.0) {
            return Err(CxError::invalid(
                "sizes",
                Some(i),
                s,
                "sizes must be positive",
            ));
        }
        if c.is_nan() {
            continue;
        }
        if !c.is_finite() || c < 0.0 {
            return Err(CxError::invalid(
                "counts",
                Some(i),
                c,
                "counts must be non-negative",
            ));
        }
        if binomial && c > s {
            return Err(CxError::invalid(
                "counts",
                Some(i),
                c,
                "more nonconforming units than inspected",
            ));
        }
    }
    let laney = matches!(kind, ChartKind::LaneyP | ChartKind::LaneyU);
    if opts.sigma.is_some() && !laney {
        return Err(CxError::option(
            "sigma",
            "attribute charts take their sigma from the centre; give `center` instead",
        ));
    }
    let per_unit = !matches!(kind, ChartKind::Np | ChartKind::C);
    let stats = if per_unit {
        counts.iter().zip(&sizes).map(|(c, s)| c / s).collect()
    } else {
        counts.to_vec()
    };
    let model = Attr {
        kind,
        counts: counts.to_vec(),
        sizes: sizes.clone(),
        stats,
        w: opts.width(),
        conf: opts.confidence,
        k: opts.constants,
    };
    let with_sizes = !matches!(kind, ChartKind::C);
    build(&model, opts, with_sizes.then_some(sizes))
}

/// p chart of nonconforming units `defectives` out of `sizes` inspected.
///
/// # Formula
/// See the module docs.
/// # Reference
/// Montgomery (2013), §7.2.1; qcc `limits.p`.
/// # Errors
/// [`CxError::InvalidValue`] for negative counts, counts above the size or
/// non-positive sizes; [`CxError::LengthMismatch`] for sizes of another length.
/// # Examples
/// ```
/// use cx_core::spc::{p_chart, ChartOptions};
/// let c = p_chart(&[2.0, 4.0, 3.0], &[50.0], ChartOptions::new())?;
/// assert_eq!(c.center.constant(), Some(0.06));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn p_chart<'a>(
    defectives: &[f64],
    sizes: &[f64],
    opts: impl Into<ChartOptions<'a>>,
) -> Result<ControlChart> {
    make(ChartKind::P, defectives, Some(sizes), &opts.into())
}

/// np chart (number nonconforming).
///
/// # Formula
/// See the module docs.
/// # Reference
/// Montgomery (2013), §7.2.1; qcc `limits.np`.
/// # Errors
/// As [`p_chart`].
/// # Examples
/// ```
/// use cx_core::spc::{np_chart, ChartOptions};
/// let c = np_chart(&[2.0, 4.0, 3.0], &[50.0], ChartOptions::new())?;
/// assert!((c.center.constant().unwrap() - 3.0).abs() < 1e-12);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn np_chart<'a>(
    defectives: &[f64],
    sizes: &[f64],
    opts: impl Into<ChartOptions<'a>>,
) -> Result<ControlChart> {
    make(ChartKind::Np, defectives, Some(sizes), &opts.into())
}

/// c chart (nonconformities per inspection unit of constant size).
///
/// # Formula
/// See the module docs.
/// # Reference
/// Montgomery (2013), §7.3.1; qcc `limits.c`.
/// # Errors
/// [`CxError::InvalidValue`] for negative counts.
/// # Examples
/// ```
/// use cx_core::spc::{c_chart, ChartOptions};
/// let c = c_chart(&[4.0, 9.0, 5.0], ChartOptions::new())?;
/// assert_eq!(c.center.constant(), Some(6.0));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn c_chart<'a>(counts: &[f64], opts: impl Into<ChartOptions<'a>>) -> Result<ControlChart> {
    make(ChartKind::C, counts, None, &opts.into())
}

/// u chart (nonconformities per unit, `units` inspected per sample).
///
/// # Formula
/// See the module docs.
/// # Reference
/// Montgomery (2013), §7.3.1; qcc `limits.u`.
/// # Errors
/// As [`p_chart`] (without the upper bound on counts).
/// # Examples
/// ```
/// use cx_core::spc::{u_chart, ChartOptions};
/// let c = u_chart(&[4.0, 9.0, 5.0], &[2.0, 3.0, 1.0], ChartOptions::new())?;
/// assert_eq!(c.center.get(0), 3.0);
/// assert!(c.ucl.constant().is_none()); // per-point limits
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn u_chart<'a>(
    counts: &[f64],
    units: &[f64],
    opts: impl Into<ChartOptions<'a>>,
) -> Result<ControlChart> {
    make(ChartKind::U, counts, Some(units), &opts.into())
}

/// Laney p′ chart: a p chart widened by the observed over-dispersion σ_z.
///
/// # Formula
/// See the module docs.
/// # Reference
/// Laney (2002).
/// # Errors
/// As [`p_chart`]; [`CxError::TooFewObservations`] without two consecutive
/// calibration points.
/// # Examples
/// ```
/// use cx_core::spc::{laney_p, ChartOptions};
/// let c = laney_p(&[20.0, 40.0, 30.0, 35.0], &[500.0, 600.0, 550.0, 520.0], ChartOptions::new())?;
/// assert!(c.sigma() > 0.0);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn laney_p<'a>(
    defectives: &[f64],
    sizes: &[f64],
    opts: impl Into<ChartOptions<'a>>,
) -> Result<ControlChart> {
    make(ChartKind::LaneyP, defectives, Some(sizes), &opts.into())
}

/// Laney u′ chart.
///
/// # Formula
/// See the module docs.
/// # Reference
/// Laney (2002).
/// # Errors
/// As [`laney_p`].
/// # Examples
/// ```
/// use cx_core::spc::{laney_u, ChartOptions};
/// let c = laney_u(&[20.0, 40.0, 30.0, 35.0], &[5.0, 6.0, 5.5, 5.2], ChartOptions::new())?;
/// assert!(c.sigma() > 0.0);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn laney_u<'a>(
    counts: &[f64],
    units: &[f64],
    opts: impl Into<ChartOptions<'a>>,
) -> Result<ControlChart> {
    make(ChartKind::LaneyU, counts, Some(units), &opts.into())
}
