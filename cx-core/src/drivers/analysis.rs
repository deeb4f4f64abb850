//! [`analyze`]: every measure from the correlation matrix, the bootstrap and the matrix.

use std::sync::atomic::{AtomicU64, Ordering};

use super::corr::{self, Complete};
use super::linalg;
use super::lmg;
use super::{
    Collinearity, Column, DriverIntervals, DriverOptions, DriverResult, Importance, Interval,
    KeyDrivers, LmgMethod, Quadrant,
};
use crate::progress::{Progress, Ticker};
use crate::stats::Xoshiro256;
use crate::{CxError, Result};

/// Hard ceiling of the exact decomposition: `2^24` subset R² values take 128 MiB.
const EXACT_CEILING: usize = 24;

/// The measures of one (possibly resampled) data set.
struct Measures {
    pearson: Vec<f64>,
    spearman: Vec<f64>,
    beta: Vec<f64>,
    vif: Vec<f64>,
    rw: Vec<f64>,
    lmg: Vec<f64>,
    lmg_se: Option<Vec<f64>>,
    r2: f64,
}

/// Settings shared by the point estimate and the replicates.
struct Plan<'a> {
    names: &'a [&'a str],
    rankers: &'a [corr::Ranker],
    exact: bool,
    permutations: usize,
    seed: u64,
    threads: usize,
}

/// Johnson's (2000) relative weights from `R_xx` and `r_xy`.
///
/// # Formula
/// `R_xx = QΛQᵀ`, `Λ* = QΛ^{1/2}Qᵀ`, `β* = Λ*⁻¹ r_xy = QΛ^{-1/2}Qᵀ r_xy`,
/// `εⱼ = Σ_k (Λ*ⱼₖ)² β*ₖ²`; `Σ εⱼ = R²`.
/// # Reference
/// Johnson, J. W. (2000). "A Heuristic Method for Estimating the Relative Weight of
/// Predictor Variables in Multiple Regression". *Multivariate Behav. Res.* 35(1), 1–19.
fn relative_weights(rxx: &[f64], rxy: &[f64], p: usize) -> Vec<f64> {
    let (lam, q) = linalg::symmetric_eigen(rxx, p);
    let root: Vec<f64> = lam.iter().map(|l| l.max(0.0).sqrt()).collect();
    // Λ* = Q diag(√λ) Qᵀ.
    let mut lstar = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..p {
            lstar[i * p + j] = (0..p).map(|k| q[i * p + k] * root[k] * q[j * p + k]).sum();
        }
    }
    // β* = Q diag(1/√λ) Qᵀ r.
    let qtr: Vec<f64> = (0..p)
        .map(|k| (0..p).map(|i| q[i * p + k] * rxy[i]).sum::<f64>() / root[k])
        .collect();
    let bstar: Vec<f64> = (0..p)
        .map(|i| (0..p).map(|k| q[i * p + k] * qtr[k]).sum())
        .collect();
    (0..p)
        .map(|j| {
            (0..p)
                .map(|k| lstar[j * p + k].powi(2) * bstar[k].powi(2))
                .sum()
        })
        .collect()
}

fn measures(cols: &[&[f64]], w: Option<&[u32]>, plan: &Plan<'_>) -> Result<Measures> {
    let q = cols.len();
    let p = q - 1;
    let r = corr::correlation(cols, w).map_err(|j| {
        CxError::invalid(
            plan.names[j],
            None,
            "constant",
            "has no variance in the rows used; drop it",
        )
    })?;
    let rxx: Vec<f64> = (1..q)
        .flat_map(|i| (1..q).map(move |j| (i, j)))
        .map(|(i, j)| r[i * q + j])
        .collect();
    let rxy: Vec<f64> = (1..q).map(|i| r[i * q]).collect();
    let l = linalg::cholesky(&rxx, p).map_err(|j| {
        CxError::invalid(
            plan.names[j + 1],
            None,
            "collinear",
            "is (almost) a linear combination of the drivers before it (R² of it on them ≥ 1 − 1e-10); drop or combine it",
        )
    })?;
    let beta = linalg::solve(&l, p, &rxy);
    let r2 = beta.iter().zip(&rxy).map(|(b, r)| b * r).sum();
    let vif = linalg::inverse_diagonal(&l, p);
    let rw = relative_weights(&rxx, &rxy, p);
    let (lmg, lmg_se) = if plan.exact {
        (lmg::exact(&rxx, &rxy, p, plan.threads), None)
    } else {
        let (m, se) = lmg::sampled(&rxx, &rxy, p, plan.permutations, plan.seed);
        (m, Some(se))
    };
    let ry = plan.rankers[0].view(cols[0], w);
    let spearman = (1..q)
        .map(|j| {
            let rx = plan.rankers[j].view(cols[j], w);
            corr::spearman(cols[0], &ry, cols[j], &rx, w)
        })
        .collect();
    Ok(Measures {
        pearson: rxy,
        spearman,
        beta,
        vif,
        rw,
        lmg,
        lmg_se,
        r2,
    })
}

/// Percentile (Hyndman–Fan type 7, numpy's default) of sorted values.
fn percentile(sorted: &[f64], prob: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * prob;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

fn interval(mut v: Vec<f64>, level: f64) -> Interval {
    v.sort_by(f64::total_cmp);
    let a = (1.0 - level) / 2.0;
    Interval {
        low: percentile(&v, a),
        high: percentile(&v, 1.0 - a),
    }
}

/// Run `b` bootstrap replicates; the successful ones, and the failure count.
/// Replicates done are reported to `ticker` (from any worker thread); once its progress
/// fails, the workers stop and its error is returned.
fn bootstrap(
    cols: &[&[f64]],
    plan: &Plan<'_>,
    b: usize,
    seed: u64,
    threads: usize,
    ticker: &Ticker<'_>,
) -> Result<(Vec<Measures>, usize)> {
    let n = cols[0].len();
    let done = AtomicU64::new(0);
    ticker.start()?;
    let replicate = |i: usize| -> Option<Measures> {
        if ticker.error().is_some() {
            return None;
        }
        // One stream per replicate: the results do not depend on the thread count.
        let mut rng =
            Xoshiro256::new(seed.wrapping_add((i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)));
        let mut w = vec![0u32; n];
        for _ in 0..n {
            w[rng.below(n as u64) as usize] += 1;
        }
        let inner = Plan {
            threads: 1,
            seed: plan.seed.wrapping_add(i as u64 + 1),
            ..*plan
        };
        let m = measures(cols, Some(&w), &inner).ok();
        let _ = ticker.tick(done.fetch_add(1, Ordering::Relaxed) + 1);
        m
    };
    let threads = threads.clamp(1, b.max(1));
    let results: Vec<Option<Measures>> = if threads == 1 {
        (0..b).map(replicate).collect()
    } else {
        let mut slots: Vec<Option<Measures>> = (0..b).map(|_| None).collect();
        std::thread::scope(|s| {
            for (t, chunk) in slots.chunks_mut(b.div_ceil(threads)).enumerate() {
                let replicate = &replicate;
                let start = t * b.div_ceil(threads);
                s.spawn(move || {
                    for (k, slot) in chunk.iter_mut().enumerate() {
                        *slot = replicate(start + k);
                    }
                });
            }
        });
        slots
    };
    if let Some(e) = ticker.error() {
        return Err(e.clone());
    }
    ticker.finish()?;
    let ok: Vec<Measures> = results.into_iter().flatten().collect();
    let failed = b - ok.len();
    Ok((ok, failed))
}

/// Key-driver analysis of `outcome` on `drivers`; see the [module docs](super).
///
/// # Formula
/// With `R` the correlation matrix of the complete rows (`R_xx` among drivers,
/// `r_xy` with the outcome): `β = R_xx⁻¹ r_xy`, `R² = βᵀ r_xy`,
/// `VIFⱼ = (R_xx⁻¹)ⱼⱼ`; relative weights per Johnson (2000); LMG per [`lmg`](super::lmg).
/// Bootstrap: `B` resamples of the complete rows, percentile intervals (Efron &
/// Tibshirani 1993, ch. 13); degenerate resamples are skipped and counted.
/// Matrix: importance against the driver's mean, cut by default at the means of both
/// (Martilla, J. A. & James, J. C. (1977). "Importance-Performance Analysis".
/// *Journal of Marketing* 41(1), 77–79).
/// # Reference
/// Lindeman, Merenda & Gold (1980); Johnson (2000); Grömping (2006), relaimpo.
/// # Errors
/// [`CxError::EmptyInput`] without drivers; [`CxError::LengthMismatch`];
/// [`CxError::InvalidValue`] for an infinite value (names the row), a constant or a
/// collinear driver (names it), or a bad option; [`CxError::TooFewObservations`]
/// when fewer than `p + 2` complete rows remain.
pub fn analyze(
    outcome: Column<'_>,
    drivers: &[Column<'_>],
    options: DriverOptions,
) -> Result<KeyDrivers> {
    analyze_with(outcome, drivers, options, None)
}

/// [`analyze`] reporting the bootstrap replicates done to `progress`
/// (see [`crate::progress`]; nothing is reported without `bootstrap`).
///
/// # Errors
/// As [`analyze`], and the error of `progress`, which stops the bootstrap.
pub fn analyze_progress(
    outcome: Column<'_>,
    drivers: &[Column<'_>],
    options: DriverOptions,
    progress: &dyn Progress,
) -> Result<KeyDrivers> {
    analyze_with(outcome, drivers, options, Some(progress))
}

fn analyze_with(
    outcome: Column<'_>,
    drivers: &[Column<'_>],
    options: DriverOptions,
    progress: Option<&dyn Progress>,
) -> Result<KeyDrivers> {
    let p = drivers.len();
    if p == 0 {
        return Err(CxError::EmptyInput {
            what: "drivers".into(),
        });
    }
    if !(options.level > 0.0 && options.level < 1.0) {
        return Err(CxError::invalid(
            "level",
            None,
            options.level,
            "must be in (0, 1)",
        ));
    }
    if options.exact_max > EXACT_CEILING {
        return Err(CxError::invalid(
            "exact_max",
            None,
            options.exact_max,
            "at most 24 (2^24 subsets); larger sets use sampled LMG",
        ));
    }
    let exact = p <= options.exact_max;
    if !exact && options.permutations < 2 {
        return Err(CxError::invalid(
            "permutations",
            None,
            options.permutations,
            "sampled LMG needs at least 2 orderings",
        ));
    }
    for cut in [options.importance_cut, options.performance_cut]
        .into_iter()
        .flatten()
    {
        if !cut.is_finite() {
            return Err(CxError::invalid(
                "cut",
                None,
                cut,
                "cut lines must be finite",
            ));
        }
    }
    let mut names: Vec<&str> = vec![outcome.name];
    names.extend(drivers.iter().map(|d| d.name));
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            return Err(CxError::invalid(
                "drivers",
                None,
                *name,
                "a column appears twice",
            ));
        }
    }
    let mut columns: Vec<&[f64]> = vec![outcome.values];
    columns.extend(drivers.iter().map(|d| d.values));
    let n_rows = outcome.values.len();
    let Complete {
        cols,
        missing,
        dropped,
    } = corr::listwise(&names, &columns)?;
    let n = cols[0].len();
    if n < p + 2 {
        return Err(CxError::TooFewObservations {
            what: "key drivers (complete rows; need drivers + 2)".into(),
            min: p + 2,
            got: n,
        });
    }
    let threads = match options.threads {
        0 => crate::threads::available(),
        t => t,
    };
    let cols: Vec<&[f64]> = cols.iter().map(|c| &**c).collect();
    let rankers: Vec<corr::Ranker> = cols.iter().map(|c| corr::Ranker::new(c)).collect();
    let plan = Plan {
        names: &names,
        rankers: &rankers,
        exact,
        permutations: options.permutations,
        seed: options.seed,
        threads,
    };
    let m = measures(&cols, None, &plan)?;
    let (reps, failed) = if options.bootstrap > 0 {
        let ticker = Ticker::new(progress, options.bootstrap as u64);
        bootstrap(
            &cols,
            &plan,
            options.bootstrap,
            options.seed,
            threads,
            &ticker,
        )?
    } else {
        (Vec::new(), 0)
    };
    let level = options.level;
    let ci = |f: &dyn Fn(&Measures) -> f64| -> Option<Interval> {
        (reps.len() >= 2).then(|| interval(reps.iter().map(f).collect(), level))
    };

    let importance: Vec<f64> = (0..p)
        .map(|j| match options.importance {
            Importance::Lmg => m.lmg[j],
            Importance::RelativeWeight => m.rw[j],
            Importance::Beta => m.beta[j].abs(),
            Importance::Pearson => m.pearson[j].abs(),
            Importance::Spearman => m.spearman[j].abs(),
        })
        .collect();
    let means: Vec<f64> = cols[1..]
        .iter()
        .map(|c| c.iter().sum::<f64>() / n as f64)
        .collect();
    let importance_cut = options
        .importance_cut
        .unwrap_or(importance.iter().sum::<f64>() / p as f64);
    let performance_cut = options
        .performance_cut
        .unwrap_or(means.iter().sum::<f64>() / p as f64);
    let mut by_importance: Vec<usize> = (0..p).collect();
    by_importance.sort_by(|&a, &b| importance[b].total_cmp(&importance[a]));
    let mut rank = vec![0; p];
    for (r, &j) in by_importance.iter().enumerate() {
        rank[j] = r + 1;
    }

    let r2 = m.r2;
    let mut out = Vec::with_capacity(p);
    let mut warnings = Vec::new();
    for j in 0..p {
        let collinearity = Collinearity::of(m.vif[j]);
        if collinearity != Collinearity::None {
            warnings.push(format!(
                "{}: VIF {:.1} > {} ({} collinearity); its β is unstable, prefer LMG or relative weights",
                drivers[j].name,
                m.vif[j],
                if collinearity == Collinearity::Severe { 10 } else { 5 },
                collinearity.name()
            ));
        }
        let intervals = if reps.len() >= 2 {
            Some(DriverIntervals {
                pearson: interval(reps.iter().map(|r| r.pearson[j]).collect(), level),
                spearman: interval(reps.iter().map(|r| r.spearman[j]).collect(), level),
                beta: interval(reps.iter().map(|r| r.beta[j]).collect(), level),
                relative_weight: interval(reps.iter().map(|r| r.rw[j]).collect(), level),
                lmg: interval(reps.iter().map(|r| r.lmg[j]).collect(), level),
            })
        } else {
            None
        };
        out.push(DriverResult {
            name: drivers[j].name.to_string(),
            n_missing: missing[j + 1],
            mean: means[j],
            pearson: m.pearson[j],
            spearman: m.spearman[j],
            beta: m.beta[j],
            vif: m.vif[j],
            collinearity,
            relative_weight: m.rw[j],
            relative_weight_share: m.rw[j] / r2,
            lmg: m.lmg[j],
            lmg_share: m.lmg[j] / r2,
            lmg_se: m.lmg_se.as_ref().map(|s| s[j]),
            lmg_signed: m.lmg[j].copysign(m.beta[j]),
            intervals,
            importance: importance[j],
            rank: rank[j],
            quadrant: Quadrant::of(importance[j], means[j], importance_cut, performance_cut),
        });
    }
    if dropped > 0 {
        warnings.push(format!(
            "{dropped} of {n_rows} rows dropped by listwise deletion (a missing outcome or driver)"
        ));
    }
    if n < 10 * p {
        warnings.push(format!(
            "{n} complete rows for {p} drivers: fewer than 10 per driver, estimates are unstable"
        ));
    }
    if !exact {
        warnings.push(format!(
            "{p} drivers > exact_max {}: LMG estimated from {} random orderings (see lmg_se)",
            options.exact_max, options.permutations
        ));
    }
    if failed > 0 {
        warnings.push(format!(
            "{failed} of {} bootstrap resamples were degenerate (constant or collinear column) and skipped",
            options.bootstrap
        ));
    }
    let adj = 1.0 - (1.0 - r2) * (n as f64 - 1.0) / (n as f64 - p as f64 - 1.0);
    Ok(KeyDrivers {
        outcome: outcome.name.to_string(),
        drivers: out,
        r_squared: r2,
        adj_r_squared: adj,
        r_squared_interval: ci(&|r| r.r2),
        n_rows,
        n_used: n,
        n_dropped: dropped,
        outcome_missing: missing[0],
        lmg_method: if exact {
            LmgMethod::Exact
        } else {
            LmgMethod::Sampled {
                permutations: options.permutations,
            }
        },
        importance: options.importance,
        importance_cut,
        performance_cut,
        bootstrap: options.bootstrap,
        bootstrap_failed: failed,
        level,
        warnings,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn data(n: usize, p: usize, seed: u64) -> (Vec<f64>, Vec<Vec<f64>>) {
        let mut rng = Xoshiro256::new(seed);
        let mut u = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
        let xs: Vec<Vec<f64>> = (0..p).map(|_| (0..n).map(|_| 0.0).collect()).collect();
        let mut xs = xs;
        let mut y = vec![0.0; n];
        for i in 0..n {
            let g = u();
            for (j, x) in xs.iter_mut().enumerate() {
                x[i] = g + u();
                y[i] += (j as f64 + 1.0) * 0.2 * x[i];
            }
            y[i] += u();
        }
        (y, xs)
    }

    #[test]
    fn measures_sum_to_r2() {
        let (y, xs) = data(300, 5, 1);
        let cols: Vec<Column<'_>> = ["a", "b", "c", "d", "e"]
            .iter()
            .zip(&xs)
            .map(|(n, x)| Column::new(n, x))
            .collect();
        let kd = analyze(Column::new("y", &y), &cols, DriverOptions::new()).unwrap();
        let lmg: f64 = kd.drivers.iter().map(|d| d.lmg).sum();
        let rw: f64 = kd.drivers.iter().map(|d| d.relative_weight).sum();
        assert!((lmg - kd.r_squared).abs() < 1e-12);
        assert!((rw - kd.r_squared).abs() < 1e-10);
        assert_eq!(kd.drivers[4].rank, 1);
        assert_eq!(kd.lmg_method, LmgMethod::Exact);
    }

    #[test]
    fn bootstrap_is_seeded_and_thread_independent() {
        let (y, xs) = data(120, 3, 2);
        let cols: Vec<Column<'_>> = ["a", "b", "c"]
            .iter()
            .zip(&xs)
            .map(|(n, x)| Column::new(n, x))
            .collect();
        let run = |t| {
            analyze(
                Column::new("y", &y),
                &cols,
                DriverOptions::new().bootstrap(50, 9).threads(t),
            )
            .unwrap()
        };
        let (a, b) = (run(1), run(2));
        assert_eq!(a, b);
        let iv = a.drivers[0].intervals.unwrap();
        assert!(iv.lmg.low <= a.drivers[0].lmg && a.drivers[0].lmg <= iv.lmg.high);
    }

    #[test]
    fn collinear_driver_is_named() {
        let (y, xs) = data(50, 2, 3);
        let twice: Vec<f64> = xs[0].iter().map(|v| 2.0 * v + 1.0).collect();
        let cols = [
            Column::new("a", &xs[0]),
            Column::new("b", &xs[1]),
            Column::new("a2", &twice),
        ];
        let e = analyze(Column::new("y", &y), &cols, DriverOptions::new()).unwrap_err();
        assert!(
            matches!(e, CxError::InvalidValue { ref field, .. } if field == "a2"),
            "{e}"
        );
    }

    #[test]
    fn sampled_beyond_exact_max() {
        let (y, xs) = data(200, 4, 4);
        let cols: Vec<Column<'_>> = ["a", "b", "c", "d"]
            .iter()
            .zip(&xs)
            .map(|(n, x)| Column::new(n, x))
            .collect();
        let exact = analyze(Column::new("y", &y), &cols, DriverOptions::new()).unwrap();
        let est = analyze(
            Column::new("y", &y),
            &cols,
            DriverOptions::new().exact_max(3).permutations(3000),
        )
        .unwrap();
        for (e, s) in exact.drivers.iter().zip(&est.drivers) {
            let se = s.lmg_se.unwrap();
            assert!((e.lmg - s.lmg).abs() <= 5.0 * se + 1e-12);
        }
    }
}
