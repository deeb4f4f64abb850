//! Small dense linear algebra for correlation matrices: Cholesky factorisation
//! (with a typed error for collinear input), triangular solves, and a cyclic
//! Jacobi eigen-decomposition of a symmetric matrix.
//!
//! Matrices are row-major `Vec<f64>` of `n × n`; they are at most a few dozen
//! rows here, so plain loops beat any dependency.
//!
//! # Reference
//! Golub, G. H. & Van Loan, C. F. (2013). *Matrix Computations*, 4th ed.,
//! §4.2 (Cholesky), §8.5 (cyclic Jacobi).

/// A pivot of the Cholesky factorisation at or below this value (relative to the
/// unit diagonal of a correlation matrix) means the column is a linear combination
/// of the columns before it: 1 − R²(j | earlier) ≤ 1e-10, i.e. a VIF above 10¹⁰.
pub(crate) const PIVOT_TOL: f64 = 1e-10;

/// Lower-triangular Cholesky factor `L` (row-major) of the symmetric positive
/// definite `a`, or `Err(j)` with the first column whose pivot is not positive.
pub(crate) fn cholesky(a: &[f64], n: usize) -> Result<Vec<f64>, usize> {
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        for i in j..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                let floor = PIVOT_TOL * a[j * n + j].abs().max(f64::MIN_POSITIVE);
                // NaN pivots fail too.
                if s.partial_cmp(&floor) != Some(std::cmp::Ordering::Greater) {
                    return Err(j);
                }
                l[j * n + j] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    Ok(l)
}

/// Solve `L y = b` (forward substitution).
pub(crate) fn forward(l: &[f64], n: usize, b: &[f64]) -> Vec<f64> {
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * n + k] * y[k];
        }
        y[i] = s / l[i * n + i];
    }
    y
}

/// Solve `Lᵀ x = y` (back substitution).
pub(crate) fn backward(l: &[f64], n: usize, y: &[f64]) -> Vec<f64> {
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in i + 1..n {
            s -= l[k * n + i] * x[k];
        }
        x[i] = s / l[i * n + i];
    }
    x
}

/// Solve `A x = b` given the Cholesky factor of `A`.
pub(crate) fn solve(l: &[f64], n: usize, b: &[f64]) -> Vec<f64> {
    backward(l, n, &forward(l, n, b))
}

/// Diagonal of `A⁻¹` from the Cholesky factor of `A`: `(A⁻¹)_jj = ‖L⁻¹ e_j‖²`.
pub(crate) fn inverse_diagonal(l: &[f64], n: usize) -> Vec<f64> {
    // (A⁻¹)_jj = Σ_i (L⁻¹)_ij²; column j of L⁻¹ is the forward solve of e_j.
    (0..n)
        .map(|j| {
            let mut e = vec![0.0; n];
            e[j] = 1.0;
            forward(l, n, &e).iter().map(|v| v * v).sum()
        })
        .collect()
}

/// Eigen-decomposition `A = Q Λ Qᵀ` of a symmetric matrix by cyclic Jacobi
/// rotations: returns the eigenvalues and `Q` (row-major; column `k` is the
/// eigenvector of eigenvalue `k`).
pub(crate) fn symmetric_eigen(a: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut m = a.to_vec();
    let mut q = vec![0.0; n * n];
    for i in 0..n {
        q[i * n + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| m[i * n + j] * m[i * n + j])
            .sum();
        let scale: f64 = (0..n).map(|i| m[i * n + i] * m[i * n + i]).sum();
        if off <= 1e-30 * scale.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..n {
            for r in p + 1..n {
                let apr = m[p * n + r];
                if apr == 0.0 {
                    continue;
                }
                // Golub & Van Loan Algorithm 8.5.1 (symmetric Schur decomposition).
                let tau = (m[r * n + r] - m[p * n + p]) / (2.0 * apr);
                let t = tau.signum() / (tau.abs() + (1.0 + tau * tau).sqrt());
                let t = if tau == 0.0 { 1.0 } else { t };
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (mkp, mkr) = (m[k * n + p], m[k * n + r]);
                    m[k * n + p] = c * mkp - s * mkr;
                    m[k * n + r] = s * mkp + c * mkr;
                }
                for k in 0..n {
                    let (mpk, mrk) = (m[p * n + k], m[r * n + k]);
                    m[p * n + k] = c * mpk - s * mrk;
                    m[r * n + k] = s * mpk + c * mrk;
                }
                for k in 0..n {
                    let (qkp, qkr) = (q[k * n + p], q[k * n + r]);
                    q[k * n + p] = c * qkp - s * qkr;
                    q[k * n + r] = s * qkp + c * qkr;
                }
            }
        }
    }
    ((0..n).map(|i| m[i * n + i]).collect(), q)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solves_and_inverts() {
        let a = [4.0, 2.0, 0.4, 2.0, 5.0, 1.0, 0.4, 1.0, 3.0];
        let l = cholesky(&a, 3).unwrap();
        let x = solve(&l, 3, &[1.0, 2.0, 3.0]);
        for i in 0..3 {
            let ax: f64 = (0..3).map(|k| a[i * 3 + k] * x[k]).sum();
            assert!((ax - [1.0, 2.0, 3.0][i]).abs() < 1e-12);
        }
        let d = inverse_diagonal(&l, 3);
        // Check against A x = e_0.
        let x0 = solve(&l, 3, &[1.0, 0.0, 0.0]);
        assert!((d[0] - x0[0]).abs() < 1e-12);
    }

    #[test]
    fn cholesky_reports_collinear_column() {
        let a = [1.0, 1.0, 0.5, 1.0, 1.0, 0.5, 0.5, 0.5, 1.0];
        assert_eq!(cholesky(&a, 3), Err(1));
    }

    #[test]
    fn jacobi_reconstructs() {
        let a = [1.0, 0.5, 0.3, 0.5, 1.0, 0.2, 0.3, 0.2, 1.0];
        let (lam, q) = symmetric_eigen(&a, 3);
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| q[i * 3 + k] * lam[k] * q[j * 3 + k]).sum();
                assert!((v - a[i * 3 + j]).abs() < 1e-12);
            }
        }
        assert!((lam.iter().sum::<f64>() - 3.0).abs() < 1e-12);
    }
}
