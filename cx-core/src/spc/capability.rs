//! Process capability: Cp, Cpl, Cpu, Cpk, Cpm and their Pp counterparts, with
//! confidence intervals and expected / observed fractions out of specification.
//!
//! # Formula
//! With centre μ (grand mean), within-subgroup σ_w (as the x̄ or individuals
//! chart estimates it) and overall σ_o (sample sd, N − 1):
//! * Cp = (USL − LSL)/(6σ), Cpl = (μ − LSL)/(3σ), Cpu = (USL − μ)/(3σ),
//!   Cpk = min(Cpl, Cpu) over the limits given (one-sided specs give Cpk from
//!   that side only; Cp and Cpm are then undefined, NaN);
//!   Cpm = Cp/√(1 + ((μ − T)/σ)²), T defaulting to the mid-specification.
//!   Pp, Ppl, Ppu, Ppk, Ppm: the same with σ_o.
//! * Intervals at level 1 − α (qcc 3.0 conventions):
//!   Cp, Pp: `Cp·√(χ²_{p, N−1}/(N−1))` at p = α/2, 1 − α/2 (Chou et al. 1990);
//!   Cpk, Ppk: `Cpk·(1 ± z·√(1/(9N·Cpk²) + 1/(2(N−1))))` with z = Φ⁻¹(1 − α/2)
//!   (Bissell 1990); **Cpl, Cpu, Ppl, Ppu use the one-sided z = Φ⁻¹(1 − α)**
//!   in the same formula, as qcc does; Cpm, Ppm: chi-square with
//!   ν = N(1 + δ²)/(1 + 2δ²), δ = (μ − T)/σ (Boyles 1991).
//! * Expected % out: 100·Φ((LSL − μ)/σ) and 100·(1 − Φ((USL − μ)/σ)), within
//!   and overall (qcc reports the within one and prints values below 0.01 %
//!   as 0; cx keeps the exact value). Observed %: share of the data outside.
//!
//! # Reference
//! Montgomery (2013), §8.3; Bissell, A.F. (1990), "How reliable is your
//! capability index?", *Applied Statistics* 39(3), 331–340; Boyles, R.A.
//! (1991), "The Taguchi capability index", *JQT* 23(1), 17–26; Chou, Owen &
//! Borrego (1990), *JQT* 22(3), 223–229; qcc 3.0 `R/capability.R`.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::chart::SigmaMethod;
use super::constants::{Constants, norm_quantile_accurate, phi, phi_upper};
use super::variables::{Subgroups, group_stats, subgroup_sigma};
use crate::{CxError, Result};

/// Specification limits, target and interval level.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct CapabilityOptions {
    /// Lower specification limit.
    pub lsl: Option<f64>,
    /// Upper specification limit.
    pub usl: Option<f64>,
    /// Target (default: mid-specification when both limits are given).
    pub target: Option<f64>,
    /// Confidence level of the intervals (default 0.95).
    pub level: f64,
    /// d2/d3 table for σ_w.
    pub constants: Constants,
    /// Known σ_w instead of the estimate.
    pub sigma: Option<f64>,
    /// σ_w estimator (default: qcc's for the chart, MR or UWAVE-R).
    pub sigma_method: SigmaMethod,
}

impl Default for CapabilityOptions {
    fn default() -> Self {
        Self {
            lsl: None,
            usl: None,
            target: None,
            level: 0.95,
            constants: Constants::Exact,
            sigma: None,
            sigma_method: SigmaMethod::Auto,
        }
    }
}

impl CapabilityOptions {
    /// Options with both specification limits.
    pub fn new(lsl: Option<f64>, usl: Option<f64>) -> Self {
        Self {
            lsl,
            usl,
            ..Self::default()
        }
    }
    /// Target value.
    #[must_use]
    pub fn target(mut self, t: f64) -> Self {
        self.target = Some(t);
        self
    }
    /// Interval level.
    #[must_use]
    pub fn level(mut self, l: f64) -> Self {
        self.level = l;
        self
    }
    /// d2/d3 table.
    #[must_use]
    pub fn constants(mut self, c: Constants) -> Self {
        self.constants = c;
        self
    }
    /// Known within σ.
    #[must_use]
    pub fn sigma(mut self, s: f64) -> Self {
        self.sigma = Some(s);
        self
    }
    /// σ_w estimator.
    #[must_use]
    pub fn sigma_method(mut self, m: SigmaMethod) -> Self {
        self.sigma_method = m;
        self
    }
}

/// One index with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Index {
    /// Point estimate (NaN when undefined).
    pub value: f64,
    /// Lower confidence limit.
    pub lower: f64,
    /// Upper confidence limit.
    pub upper: f64,
}

/// Capability study result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Capability {
    /// Number of observations N.
    pub n: usize,
    /// Grand mean μ.
    pub center: f64,
    /// Within σ.
    pub sigma_within: f64,
    /// Overall σ.
    pub sigma_overall: f64,
    /// Lower specification (NaN if none).
    pub lsl: f64,
    /// Upper specification (NaN if none).
    pub usl: f64,
    /// Target used (NaN if none).
    pub target: f64,
    /// Interval level.
    pub level: f64,
    /// Cp, Cpl, Cpu, Cpk, Cpm.
    pub cp: Index,
    /// Cpl.
    pub cpl: Index,
    /// Cpu.
    pub cpu: Index,
    /// Cpk.
    pub cpk: Index,
    /// Cpm.
    pub cpm: Index,
    /// Pp.
    pub pp: Index,
    /// Ppl.
    pub ppl: Index,
    /// Ppu.
    pub ppu: Index,
    /// Ppk.
    pub ppk: Index,
    /// Ppm.
    pub ppm: Index,
    /// Expected % below LSL / above USL with σ_w.
    pub expected_within_pct: (f64, f64),
    /// Expected % below LSL / above USL with σ_o.
    pub expected_overall_pct: (f64, f64),
    /// Observed % below LSL / above USL.
    pub observed_pct: (f64, f64),
}

impl Capability {
    /// The ten indices in qcc's order with their names.
    pub fn indices(&self) -> [(&'static str, Index); 10] {
        [
            ("Cp", self.cp),
            ("Cp_l", self.cpl),
            ("Cp_u", self.cpu),
            ("Cp_k", self.cpk),
            ("Cpm", self.cpm),
            ("Pp", self.pp),
            ("Pp_l", self.ppl),
            ("Pp_u", self.ppu),
            ("Pp_k", self.ppk),
            ("Ppm", self.ppm),
        ]
    }
}

const NA: Index = Index {
    value: f64::NAN,
    lower: f64::NAN,
    upper: f64::NAN,
};

fn chisq(idx: f64, df: f64, alpha: f64) -> Result<Index> {
    if idx.is_nan() {
        return Ok(NA);
    }
    let c = ChiSquared::new(df).map_err(|e| CxError::option("level", e.to_string()))?;
    Ok(Index {
        value: idx,
        lower: idx * (c.inverse_cdf(alpha / 2.0) / df).sqrt(),
        upper: idx * (c.inverse_cdf(1.0 - alpha / 2.0) / df).sqrt(),
    })
}

fn wald(idx: f64, z: f64, n: f64) -> Index {
    if idx.is_nan() {
        return NA;
    }
    let h = z * (1.0 / (9.0 * n * idx * idx) + 1.0 / (2.0 * (n - 1.0))).sqrt();
    Index {
        value: idx,
        lower: idx * (1.0 - h),
        upper: idx * (1.0 + h),
    }
}

#[allow(clippy::type_complexity)]
fn family(
    mu: f64,
    sigma: f64,
    lsl: f64,
    usl: f64,
    target: f64,
    n: f64,
    alpha: f64,
) -> Result<(Index, Index, Index, Index, Index)> {
    let cp = (usl - lsl) / (6.0 * sigma);
    let cpu = (usl - mu) / (3.0 * sigma);
    let cpl = (mu - lsl) / (3.0 * sigma);
    let cpk = match (cpl.is_nan(), cpu.is_nan()) {
        (true, true) => f64::NAN,
        (true, false) => cpu,
        (false, true) => cpl,
        (false, false) => cpl.min(cpu),
    };
    let d = (mu - target) / sigma;
    let cpm = cp / (1.0 + d * d).sqrt();
    let z1 = norm_quantile_accurate(1.0 - alpha);
    let z2 = norm_quantile_accurate(1.0 - alpha / 2.0);
    let df = n * (1.0 + d * d) / (1.0 + 2.0 * d * d);
    Ok((
        chisq(cp, n - 1.0, alpha)?,
        wald(cpl, z1, n),
        wald(cpu, z1, n),
        wald(cpk, z2, n),
        chisq(cpm, df, alpha)?,
    ))
}

/// Capability of a process from individual values (`sizes = None`, σ_w from
/// the moving range) or consecutive subgroups of the given sizes (σ_w as the
/// x̄ chart: UWAVE-R, or RMSDF when a subgroup exceeds 25).
///
/// # Formula
/// See the module docs.
/// # Reference
/// See the module docs.
/// # Errors
/// [`CxError::InvalidOption`] without any specification limit or with LSL ≥ USL
/// or a level outside (0, 1); [`CxError::TooFewObservations`] below 2 values.
/// # Examples
/// ```
/// use cx_core::spc::{capability, CapabilityOptions};
/// let x = [9.8, 10.1, 10.0, 9.9, 10.2, 10.0, 9.7, 10.1];
/// let c = capability(&x, None, CapabilityOptions::new(Some(9.0), Some(11.0)))?;
/// assert!(c.cpk.value <= c.cp.value);
/// assert!(c.cp.lower < c.cp.value && c.cp.value < c.cp.upper);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn capability(
    values: &[f64],
    sizes: Option<&[usize]>,
    opts: CapabilityOptions,
) -> Result<Capability> {
    let lsl = opts.lsl.filter(|v| v.is_finite()).unwrap_or(f64::NAN);
    let usl = opts.usl.filter(|v| v.is_finite()).unwrap_or(f64::NAN);
    if lsl.is_nan() && usl.is_nan() {
        return Err(CxError::option(
            "lsl/usl",
            "give at least one specification limit",
        ));
    }
    if lsl >= usl {
        return Err(CxError::option(
            "lsl/usl",
            format!("LSL {lsl} must be below USL {usl}"),
        ));
    }
    if !(opts.level > 0.0 && opts.level < 1.0) {
        return Err(CxError::option(
            "level",
            format!("must be in (0, 1), got {}", opts.level),
        ));
    }
    let x: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = x.len();
    if n < 2 {
        return Err(CxError::TooFewObservations {
            what: "capability".into(),
            min: 2,
            got: n,
        });
    }
    let (center, sigma_w) = match sizes {
        None => {
            let chart = super::variables::xmr(
                values,
                super::chart::ChartOptions::new()
                    .constants(opts.constants)
                    .sigma_method(opts.sigma_method)
                    .rules(super::rules::RuleSet::None),
            )?;
            (chart.center.get(0), chart.sigma())
        }
        Some(s) => {
            let g = group_stats(Subgroups::ragged(values, s)?);
            let idx: Vec<usize> = (0..g.n.len()).filter(|&i| g.n[i] > 1).collect();
            let method = match opts.sigma_method {
                SigmaMethod::Auto if g.n.iter().any(|&k| k > 25) => SigmaMethod::Rmsdf,
                SigmaMethod::Auto => SigmaMethod::UwaveR,
                m => m,
            };
            let total: f64 = idx.iter().map(|&i| g.n[i] as f64).sum();
            let mu = idx.iter().map(|&i| g.n[i] as f64 * g.mean[i]).sum::<f64>() / total;
            (
                mu,
                subgroup_sigma(&g, idx.iter().copied(), method, opts.constants)?.0,
            )
        }
    };
    let sigma_w = opts.sigma.unwrap_or(sigma_w);
    let mean = x.iter().sum::<f64>() / n as f64;
    let sigma_o = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
    let target = opts.target.unwrap_or((lsl + usl) / 2.0);
    let alpha = 1.0 - opts.level;
    let nf = n as f64;
    let (cp, cpl, cpu, cpk, cpm) = family(center, sigma_w, lsl, usl, target, nf, alpha)?;
    let (pp, ppl, ppu, ppk, ppm) = family(center, sigma_o, lsl, usl, target, nf, alpha)?;
    let expected = |s: f64| {
        (
            if lsl.is_nan() {
                f64::NAN
            } else {
                100.0 * phi((lsl - center) / s)
            },
            if usl.is_nan() {
                f64::NAN
            } else {
                100.0 * phi_upper((usl - center) / s)
            },
        )
    };
    let below = x.iter().filter(|&&v| v < lsl).count() as f64;
    let above = x.iter().filter(|&&v| v > usl).count() as f64;
    Ok(Capability {
        n,
        center,
        sigma_within: sigma_w,
        sigma_overall: sigma_o,
        lsl,
        usl,
        target,
        level: opts.level,
        cp,
        cpl,
        cpu,
        cpk,
        cpm,
        pp,
        ppl,
        ppu,
        ppk,
        ppm,
        expected_within_pct: expected(sigma_w),
        expected_overall_pct: expected(sigma_o),
        observed_pct: (
            if lsl.is_nan() {
                f64::NAN
            } else {
                100.0 * below / nf
            },
            if usl.is_nan() {
                f64::NAN
            } else {
                100.0 * above / nf
            },
        ),
    })
}
