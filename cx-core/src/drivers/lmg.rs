//! Shapley / LMG decomposition of R² from the correlation matrix.
//!
//! # Formula
//! `φⱼ = Σ_{S ⊆ P∖{j}} |S|!(p − |S| − 1)!/p! · [R²(S ∪ {j}) − R²(S)]`, where
//! `R²(S) = r_Sᵀ R_SS⁻¹ r_S` is the R² of the regression on the drivers in `S`.
//! The φⱼ sum to the full-model R².
//!
//! # Algorithm
//! All `2^p` values `R²(S)` come from one depth-first walk of the subset tree.
//! Each child adds one driver `k` to its parent's subset, so its Cholesky factor is
//! the parent's plus one row (`l = L⁻¹ R_{S,k}`, `d = √(1 − ‖l‖²)`), and with
//! `z = L⁻¹ r_S` the new `z_k = (r_k − lᵀz)/d` gives `R²(S ∪ {k}) = R²(S) + z_k²`:
//! `O(|S|²)` per subset instead of a fresh `O(|S|³)` solve. Drivers are added in
//! decreasing index order, so the subsets whose largest driver is `k` fill the
//! contiguous mask range `[2^k, 2^(k+1))`, which threads fill independently.
//!
//! Beyond [`super::DriverOptions::exact_max`] drivers, φ is estimated by sampling
//! random orderings (the Shapley value is the mean marginal contribution over all
//! `p!` orderings; Castro, Gómez & Tejada 2009), with its Monte Carlo standard error.
//!
//! # Reference
//! Lindeman, R. H., Merenda, P. F. & Gold, R. Z. (1980). *Introduction to Bivariate
//! and Multivariate Analysis*, pp. 119 ff. Grömping, U. (2006). "Relative Importance
//! for Linear Regression in R: The Package relaimpo". *J. Stat. Softw.* 17(1).
//! Castro, J., Gómez, D. & Tejada, J. (2009). "Polynomial calculation of the Shapley
//! value based on sampling". *Computers & Operations Research* 36(5), 1726–1730.

use crate::stats::Xoshiro256;
use crate::{CxError, Result};

/// Exact Shapley / LMG values of R² from a correlation matrix.
///
/// `rxx` is the `p × p` correlation matrix of the drivers (row-major) and `rxy` their
/// correlations with the outcome; the values sum to `R² = r_xyᵀ R_xx⁻¹ r_xy`.
/// `threads` = 0 uses every available core (the result does not depend on it).
///
/// # Errors
/// [`CxError::LengthMismatch`] when `rxx` is not `p × p`; [`CxError::InvalidValue`]
/// when `p` > 24 or `rxx` is not positive definite (names the first collinear driver
/// by index as `driver[j]`).
///
/// # Examples
/// ```
/// let rxx = [1.0, 0.5, 0.5, 1.0];
/// let phi = cx_core::drivers::lmg::shapley_r2(&rxx, &[0.6, 0.3], 1)?;
/// let r2 = (0.6 * 0.6 + 0.3 * 0.3 - 2.0 * 0.5 * 0.6 * 0.3) / (1.0 - 0.25);
/// assert!((phi[0] + phi[1] - r2).abs() < 1e-12);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn shapley_r2(rxx: &[f64], rxy: &[f64], threads: usize) -> Result<Vec<f64>> {
    let p = rxy.len();
    if rxx.len() != p * p {
        return Err(CxError::LengthMismatch {
            what: "rxx (p × p)".into(),
            expected: p * p,
            got: rxx.len(),
        });
    }
    if p > 24 {
        return Err(CxError::invalid(
            "rxy",
            None,
            p,
            "at most 24 drivers for the exact decomposition",
        ));
    }
    if let Err(j) = super::linalg::cholesky(rxx, p) {
        return Err(CxError::invalid(
            format!("driver[{j}]"),
            None,
            "collinear",
            "the correlation matrix is not positive definite",
        ));
    }
    let threads = match threads {
        0 => crate::threads::available(),
        t => t,
    };
    Ok(exact(rxx, rxy, p, threads))
}

/// Add driver `k` to a subset whose Cholesky rows are `l[..depth]` (stride `p`) and
/// whose `z = L⁻¹ r_S` is `z[..depth]`; writes row `depth`, returns `z_k²`.
#[inline]
fn extend(
    rxx: &[f64],
    rxy: &[f64],
    p: usize,
    members: &[usize],
    l: &mut [f64],
    z: &mut [f64],
    k: usize,
) -> f64 {
    let depth = members.len();
    let mut norm = 0.0;
    let mut lz = 0.0;
    for i in 0..depth {
        let mut s = rxx[members[i] * p + k];
        for t in 0..i {
            s -= l[i * p + t] * l[depth * p + t];
        }
        let v = s / l[i * p + i];
        l[depth * p + i] = v;
        norm += v * v;
        lz += v * z[i];
    }
    // The full matrix passed the Cholesky check, so every principal minor is
    // positive definite; the floor only guards rounding.
    let d = (1.0 - norm).max(f64::EPSILON).sqrt();
    l[depth * p + depth] = d;
    let zk = (rxy[k] - lz) / d;
    z[depth] = zk;
    zk * zk
}

/// Fill `out[mask - base]` with R² of every subset below `members` using drivers `< limit`.
#[allow(clippy::too_many_arguments)]
fn walk(
    rxx: &[f64],
    rxy: &[f64],
    p: usize,
    members: &mut Vec<usize>,
    l: &mut [f64],
    z: &mut [f64],
    mask: usize,
    r2: f64,
    limit: usize,
    out: &mut [f64],
    base: usize,
) {
    for k in (0..limit).rev() {
        let gain = extend(rxx, rxy, p, members, l, z, k);
        let m = mask | (1 << k);
        let r = r2 + gain;
        out[m - base] = r;
        members.push(k);
        walk(rxx, rxy, p, members, l, z, m, r, k, out, base);
        members.pop();
    }
}

/// R² of every subset of the `p` drivers, indexed by bit mask (`r2[0] = 0`).
pub(crate) fn all_subsets_r2(rxx: &[f64], rxy: &[f64], p: usize, threads: usize) -> Vec<f64> {
    let mut r2 = vec![0.0; 1 << p];
    // Subsets whose largest driver is k fill [2^k, 2^(k+1)); hand the tops out round-robin
    // by size so that each thread gets about the same number of subsets.
    let mut rest: &mut [f64] = &mut r2[1..];
    let mut chunks: Vec<(usize, &mut [f64])> = Vec::with_capacity(p);
    for k in 0..p {
        let (head, tail) = rest.split_at_mut(1 << k);
        chunks.push((k, head));
        rest = tail;
    }
    let fill = |k: usize, out: &mut [f64]| {
        let mut l = vec![0.0; p * p];
        let mut z = vec![0.0; p];
        let mut members = Vec::with_capacity(p);
        let gain = extend(rxx, rxy, p, &members, &mut l, &mut z, k);
        out[0] = gain;
        members.push(k);
        walk(
            rxx,
            rxy,
            p,
            &mut members,
            &mut l,
            &mut z,
            1 << k,
            gain,
            k,
            out,
            1 << k,
        );
    };
    let threads = threads.max(1);
    if threads == 1 || p < 14 {
        for (k, out) in chunks {
            fill(k, out);
        }
        return r2;
    }
    // Greedy: largest chunk to the least-loaded thread.
    type Bin<'a> = (usize, Vec<(usize, &'a mut [f64])>);
    let mut bins: Vec<Bin<'_>> = (0..threads).map(|_| (0, Vec::new())).collect();
    for (k, out) in chunks.into_iter().rev() {
        if let Some(bin) = bins.iter_mut().min_by_key(|b| b.0) {
            bin.0 += 1 << k;
            bin.1.push((k, out));
        }
    }
    std::thread::scope(|s| {
        for (_, work) in bins {
            let fill = &fill;
            s.spawn(move || {
                for (k, out) in work {
                    fill(k, out);
                }
            });
        }
    });
    r2
}

/// Shapley values from the table of subset R²:
/// `φⱼ = Σ_{S∋j} w(|S|−1) R²(S) − Σ_{S∌j} w(|S|) R²(S)` with `w(s) = s!(p−s−1)!/p!`.
pub(crate) fn shapley_from_table(r2: &[f64], p: usize) -> Vec<f64> {
    // w(s) = 1 / (p · C(p−1, s)).
    let mut w = vec![0.0; p];
    let mut binom = 1.0_f64;
    for (s, ws) in w.iter_mut().enumerate() {
        *ws = 1.0 / (p as f64 * binom);
        binom = binom * (p - 1 - s) as f64 / (s + 1) as f64;
    }
    // Every driver outside S loses w(|S|)·R²(S); subtract that from all, then give each
    // member back w(|S|)·R²(S) + w(|S|−1)·R²(S): one pass over the set bits only.
    let mut phi = vec![0.0; p];
    let mut everyone = 0.0;
    for (mask, &v) in r2.iter().enumerate().skip(1) {
        let size = mask.count_ones() as usize;
        let out = if size < p { w[size] * v } else { 0.0 };
        everyone -= out;
        let member = out + w[size - 1] * v;
        let mut bits = mask;
        while bits != 0 {
            phi[bits.trailing_zeros() as usize] += member;
            bits &= bits - 1;
        }
    }
    phi.iter_mut().for_each(|f| *f += everyone);
    phi
}

/// Exact LMG shares (raw, summing to R²).
pub(crate) fn exact(rxx: &[f64], rxy: &[f64], p: usize, threads: usize) -> Vec<f64> {
    shapley_from_table(&all_subsets_r2(rxx, rxy, p, threads), p)
}

/// LMG estimated from `m` random orderings: (estimate, standard error) per driver.
pub(crate) fn sampled(
    rxx: &[f64],
    rxy: &[f64],
    p: usize,
    m: usize,
    seed: u64,
) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Xoshiro256::new(seed ^ 0x4C4D_4753_4841_5031);
    let mut sum = vec![0.0; p];
    let mut sum2 = vec![0.0; p];
    let mut l = vec![0.0; p * p];
    let mut z = vec![0.0; p];
    let mut perm: Vec<usize> = (0..p).collect();
    let mut members = Vec::with_capacity(p);
    for _ in 0..m {
        for i in (1..p).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            perm.swap(i, j);
        }
        members.clear();
        for &k in &perm {
            let gain = extend(rxx, rxy, p, &members, &mut l, &mut z, k);
            members.push(k);
            sum[k] += gain;
            sum2[k] += gain * gain;
        }
    }
    let mf = m as f64;
    let mean: Vec<f64> = sum.iter().map(|s| s / mf).collect();
    let se = sum2
        .iter()
        .zip(&mean)
        .map(|(s2, mu)| {
            let var = ((s2 - mf * mu * mu) / (mf - 1.0).max(1.0)).max(0.0);
            (var / mf).sqrt()
        })
        .collect();
    (mean, se)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// R² of subset `mask` by a fresh solve, the definition.
    fn r2_direct(rxx: &[f64], rxy: &[f64], p: usize, mask: usize) -> f64 {
        let idx: Vec<usize> = (0..p).filter(|j| mask & (1 << j) != 0).collect();
        let n = idx.len();
        if n == 0 {
            return 0.0;
        }
        let a: Vec<f64> = idx
            .iter()
            .flat_map(|&i| idx.iter().map(move |&j| rxx[i * p + j]))
            .collect();
        let b: Vec<f64> = idx.iter().map(|&i| rxy[i]).collect();
        let l = super::super::linalg::cholesky(&a, n).unwrap();
        let x = super::super::linalg::solve(&l, n, &b);
        x.iter().zip(&b).map(|(x, b)| x * b).sum()
    }

    fn example(p: usize) -> (Vec<f64>, Vec<f64>) {
        let mut rxx = vec![0.0; p * p];
        for i in 0..p {
            for j in 0..p {
                rxx[i * p + j] = if i == j {
                    1.0
                } else {
                    0.3 + 0.02 * ((i + j) % 5) as f64
                };
            }
        }
        let rxy = (0..p).map(|j| 0.1 + 0.05 * j as f64).collect();
        (rxx, rxy)
    }

    #[test]
    fn incremental_table_matches_direct_solves() {
        for threads in [1, 3] {
            let p = 15;
            let (rxx, rxy) = example(p);
            let t = all_subsets_r2(&rxx, &rxy, p, threads);
            for mask in [0usize, 1, 5, 1 << 14, 0b101_0101_0101, (1 << 15) - 1] {
                assert!(
                    (t[mask] - r2_direct(&rxx, &rxy, p, mask)).abs() < 1e-12,
                    "{mask}"
                );
            }
        }
    }

    #[test]
    fn shares_sum_to_r2_and_sampling_agrees() {
        let p = 6;
        let (rxx, rxy) = example(p);
        let phi = exact(&rxx, &rxy, p, 1);
        let full = r2_direct(&rxx, &rxy, p, (1 << p) - 1);
        assert!((phi.iter().sum::<f64>() - full).abs() < 1e-12);
        let (est, se) = sampled(&rxx, &rxy, p, 4000, 7);
        assert!((est.iter().sum::<f64>() - full).abs() < 1e-10);
        for j in 0..p {
            assert!((est[j] - phi[j]).abs() < 5.0 * se[j] + 1e-12);
        }
    }
}
