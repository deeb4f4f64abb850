//! Six Sigma arithmetic: DPU, DPO, DPMO, yields and the sigma level.
//!
//! # Formula
//! DPU = D/U; DPO = D/(U·O); DPMO = 10⁶·DPO; yield = 1 − DPO;
//! first-time yield FTY = (U − scrap − rework)/U; rolled throughput yield
//! RTY = ∏ FTYᵢ; long-term z = Φ⁻¹(1 − DPO); sigma level = z + shift
//! (Motorola's 1.5σ long-term shift by default; pass 0 for none). Inverse:
//! DPMO = 10⁶·(1 − Φ(sigma level − shift)). A DPO of 0 gives a sigma level
//! of +∞ and a DPO of 1 gives −∞ (not errors).
//!
//! Checks (1.5 shift): 3σ → 66,807; 4σ → 6,210; 5σ → 233; 6σ → 3.4 DPMO.
//!
//! # Reference
//! Harry, M.J. (1988). *The Nature of Six Sigma Quality*, Motorola;
//! Breyfogle, F.W. (2003). *Implementing Six Sigma*, 2nd ed., ch. 9 (DPMO,
//! yields, RTY); Montgomery (2013), §1.4.

use serde::{Deserialize, Serialize};

use super::constants::{norm_quantile_accurate, phi_upper};
use crate::{CxError, Result};

/// Defect metrics and the sigma level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SigmaLevel {
    /// Defects per unit.
    pub dpu: f64,
    /// Defects per opportunity.
    pub dpo: f64,
    /// Defects per million opportunities.
    pub dpmo: f64,
    /// 1 − DPO.
    pub yield_ratio: f64,
    /// Long-term z = Φ⁻¹(1 − DPO).
    pub z_long_term: f64,
    /// z + shift.
    pub sigma_level: f64,
    /// The shift used.
    pub shift: f64,
}

fn check(name: &str, v: f64, positive: bool) -> Result<()> {
    if !v.is_finite() || v < 0.0 || (positive && v == 0.0) {
        let why = if positive {
            "must be positive and finite"
        } else {
            "must be non-negative and finite"
        };
        return Err(CxError::invalid(name, None, v, why));
    }
    Ok(())
}

/// Sigma level from defects, units and opportunities per unit.
///
/// # Formula
/// See the module docs.
/// # Reference
/// Harry (1988); Breyfogle (2003).
/// # Errors
/// [`CxError::InvalidValue`] for negative defects, non-positive units or
/// opportunities, or more defects than opportunities.
/// # Examples
/// ```
/// use cx_core::spc::sigma_level;
/// let s = sigma_level(34.0, 10_000.0, 1_000.0, 1.5)?;
/// assert!((s.dpmo - 3.4).abs() < 1e-12);
/// assert!((s.sigma_level - 6.0).abs() < 1e-3);
/// assert_eq!(sigma_level(0.0, 10.0, 1.0, 1.5)?.sigma_level, f64::INFINITY);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn sigma_level(defects: f64, units: f64, opportunities: f64, shift: f64) -> Result<SigmaLevel> {
    check("defects", defects, false)?;
    check("units", units, true)?;
    check("opportunities", opportunities, true)?;
    if !shift.is_finite() {
        return Err(CxError::option(
            "shift",
            format!("must be finite, got {shift}"),
        ));
    }
    let dpo = defects / (units * opportunities);
    if dpo > 1.0 {
        return Err(CxError::invalid(
            "defects",
            None,
            defects,
            "more defects than opportunities",
        ));
    }
    let z = z_of_dpo(dpo);
    Ok(SigmaLevel {
        dpu: defects / units,
        dpo,
        dpmo: 1e6 * dpo,
        yield_ratio: 1.0 - dpo,
        z_long_term: z,
        sigma_level: z + shift,
        shift,
    })
}

fn z_of_dpo(dpo: f64) -> f64 {
    if dpo <= 0.0 {
        f64::INFINITY
    } else if dpo >= 1.0 {
        f64::NEG_INFINITY
    } else {
        // Φ⁻¹(1 − q) = −Φ⁻¹(q): keeps full precision for tiny q.
        -norm_quantile_accurate(dpo)
    }
}

/// Sigma level of a DPMO.
///
/// # Formula
/// `Φ⁻¹(1 − DPMO/10⁶) + shift`.
/// # Reference
/// Harry (1988).
/// # Errors
/// [`CxError::InvalidValue`] for DPMO outside \[0, 10⁶\].
/// # Examples
/// ```
/// use cx_core::spc::dpmo_to_sigma;
/// assert!((dpmo_to_sigma(66_807.0, 1.5)? - 3.0).abs() < 1e-4);
/// assert_eq!(dpmo_to_sigma(1e6, 1.5)?, f64::NEG_INFINITY);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn dpmo_to_sigma(dpmo: f64, shift: f64) -> Result<f64> {
    if !(0.0..=1e6).contains(&dpmo) {
        return Err(CxError::invalid("dpmo", None, dpmo, "must be in [0, 1e6]"));
    }
    Ok(z_of_dpo(dpmo / 1e6) + shift)
}

/// DPMO of a sigma level.
///
/// # Formula
/// `10⁶·(1 − Φ(sigma − shift))`.
/// # Reference
/// Harry (1988).
/// # Errors
/// [`CxError::InvalidValue`] for a NaN level.
/// # Examples
/// ```
/// use cx_core::spc::sigma_to_dpmo;
/// assert_eq!(sigma_to_dpmo(6.0, 1.5)?.round(), 3.0);
/// assert_eq!(sigma_to_dpmo(3.0, 1.5)?.round(), 66_807.0);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn sigma_to_dpmo(sigma: f64, shift: f64) -> Result<f64> {
    if sigma.is_nan() || shift.is_nan() {
        return Err(CxError::invalid("sigma", None, sigma, "must be a number"));
    }
    Ok(1e6 * phi_upper(sigma - shift))
}

/// First-time yield: `(units − scrap − rework)/units`.
///
/// # Reference
/// Breyfogle (2003), ch. 9.
/// # Errors
/// [`CxError::InvalidValue`] for negative counts, units ≤ 0 or scrap + rework > units.
/// # Examples
/// ```
/// assert_eq!(cx_core::spc::first_time_yield(100.0, 5.0, 10.0)?, 0.85);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn first_time_yield(units: f64, scrap: f64, rework: f64) -> Result<f64> {
    check("units", units, true)?;
    check("scrap", scrap, false)?;
    check("rework", rework, false)?;
    if scrap + rework > units {
        return Err(CxError::invalid(
            "scrap",
            None,
            scrap + rework,
            "scrap + rework exceed the units",
        ));
    }
    Ok((units - scrap - rework) / units)
}

/// Rolled throughput yield: the product of the steps' first-time yields.
///
/// # Reference
/// Breyfogle (2003), ch. 9.
/// # Errors
/// [`CxError::EmptyInput`] without steps; [`CxError::InvalidValue`] (with
/// the step as row) for a yield outside \[0, 1\].
/// # Examples
/// ```
/// let rty = cx_core::spc::rolled_throughput_yield(&[0.9, 0.95, 0.99])?;
/// assert!((rty - 0.84645).abs() < 1e-12);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn rolled_throughput_yield(step_yields: &[f64]) -> Result<f64> {
    if step_yields.is_empty() {
        return Err(CxError::EmptyInput {
            what: "step_yields".into(),
        });
    }
    let mut p = 1.0;
    for (i, &y) in step_yields.iter().enumerate() {
        if !(0.0..=1.0).contains(&y) {
            return Err(CxError::invalid(
                "step_yields",
                Some(i),
                y,
                "a yield must be in [0, 1]",
            ));
        }
        p *= y;
    }
    Ok(p)
}
