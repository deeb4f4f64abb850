//! Benjamini–Hochberg control of the false discovery rate.

use crate::error::{CxError, Result};

/// Benjamini–Hochberg adjusted p-values ("q-values") of a family of `m` p-values.
///
/// # Formula
/// Sort the p-values ascending, `p₍₁₎ ≤ … ≤ p₍ₘ₎`; the adjusted value of the `i`-th is
/// `q₍ᵢ₎ = min_{k ≥ i} min(1, m·p₍ₖ₎/k)` (the running minimum from the largest down keeps the
/// adjusted values monotone in the raw ones). Rejecting every hypothesis with `q ≤ α` is the
/// step-up procedure: reject `H₍₁₎ … H₍ₖ₎` for the largest `k` with `p₍ₖ₎ ≤ k·α/m`, which keeps the
/// false discovery rate at or below `α` for independent (or positively dependent) tests.
/// Ties keep their input order; the output is in input order.
/// # Reference
/// Benjamini, Y. & Hochberg, Y. (1995). "Controlling the false discovery rate: a practical and
/// powerful approach to multiple testing". *J. R. Stat. Soc. B* 57(1):289–300. Same as
/// statsmodels `multipletests(p, method="fdr_bh")[1]` and R `p.adjust(p, "BH")`.
/// # Errors
/// [`CxError::InvalidValue`] (field `p_value`, the position and value) for a value outside
/// `[0, 1]` or NaN. An empty family gives an empty result.
/// # Examples
/// ```
/// use cx_core::journey::fdr::benjamini_hochberg;
/// // R: p.adjust(c(0.01, 0.04, 0.03, 0.2), "BH") = 0.04 0.0533 0.0533 0.2
/// let q = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.2])?;
/// assert!((q[0] - 0.04).abs() < 1e-15 && (q[1] - 0.16 / 3.0).abs() < 1e-15);
/// assert_eq!(q[3], 0.2);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn benjamini_hochberg(p_values: &[f64]) -> Result<Vec<f64>> {
    for (i, &p) in p_values.iter().enumerate() {
        if !(0.0..=1.0).contains(&p) {
            return Err(CxError::invalid(
                "p_value",
                Some(i),
                p,
                "p-values must lie in 0..=1",
            ));
        }
    }
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]).then(a.cmp(&b)));
    let mut q = vec![0.0; m];
    let mut running = 1.0_f64;
    for (rank0, &i) in order.iter().enumerate().rev() {
        let adj = (m as f64 * p_values[i] / (rank0 + 1) as f64).min(1.0);
        running = running.min(adj);
        q[i] = running;
    }
    Ok(q)
}

/// Which hypotheses the Benjamini–Hochberg step-up procedure rejects at false discovery rate
/// `alpha`: `q ≤ alpha` with `q` from [`benjamini_hochberg`].
///
/// # Errors
/// As [`benjamini_hochberg`]; [`CxError::InvalidOption`] (option `fdr`) unless `0 < alpha < 1`.
/// # Examples
/// ```
/// let r = cx_core::journey::fdr::bh_reject(&[0.01, 0.04, 0.03, 0.2], 0.05)?;
/// assert_eq!(r, [true, false, false, false]);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn bh_reject(p_values: &[f64], alpha: f64) -> Result<Vec<bool>> {
    check_fdr(alpha)?;
    Ok(benjamini_hochberg(p_values)?
        .into_iter()
        .map(|q| q <= alpha)
        .collect())
}

pub(crate) fn check_fdr(alpha: f64) -> Result<()> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(CxError::option(
            "fdr",
            format!("must lie strictly between 0 and 1, got {alpha}"),
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hand_worked() {
        // m = 5, sorted p = .001 .008 .039 .041 .042: m·p/k = .005 .02 .065 .05125 .042,
        // running minimum from the top: .005 .02 .042 .042 .042.
        let q = benjamini_hochberg(&[0.042, 0.001, 0.041, 0.008, 0.039]).unwrap();
        let want = [0.042, 0.005, 0.042, 0.02, 0.042];
        for (a, b) in q.iter().zip(want) {
            assert!((a - b).abs() < 1e-15, "{q:?}");
        }
        assert_eq!(
            bh_reject(&[0.042, 0.001, 0.041, 0.008, 0.039], 0.05).unwrap(),
            [true; 5]
        );
    }

    #[test]
    fn edge_cases() {
        assert!(benjamini_hochberg(&[]).unwrap().is_empty());
        assert_eq!(benjamini_hochberg(&[0.3]).unwrap(), [0.3]);
        assert_eq!(benjamini_hochberg(&[0.9, 0.9]).unwrap(), [0.9, 0.9]);
        let e = benjamini_hochberg(&[0.1, f64::NAN]).unwrap_err();
        assert_eq!(e.row(), Some(1));
        assert!(benjamini_hochberg(&[1.5]).is_err());
        assert!(bh_reject(&[0.1], 0.0).is_err());
    }
}
