//! Control-chart constants d2, d3 and c4, computed rather than copied.
//!
//! * `d2(n)` = E\[R\] and `d3(n)` = sd\[R\] of the range `R` of `n` independent
//!   standard normal variables, by adaptive Gauss–Kronrod quadrature of the
//!   range-distribution integrals (Tippett 1925; Harter 1960) to about 1e-12.
//! * `c4(n)` = E\[s\]/σ for a normal sample of size `n`, in closed form through
//!   `ln Γ`.
//!
//! [`Constants::Qcc`] instead reproduces R's qcc 3.0, whose `qcc.options()`
//! stores d2 rounded to 3 decimals (n = 2..25) and d3 to 7 significant digits
//! (n = 2..50); c4 is computed exactly in both. The rounding moves a chart's
//! limits by up to about 4e-4 relative (d2(2) = 1.128 against 2/√π =
//! 1.1283791670955…), which is why a chart can select either table.
//!
//! # Reference
//! * Tippett, L.H.C. (1925). "On the extreme individuals and the range of
//!   samples taken from a normal population". *Biometrika* 17, 364–387.
//! * Harter, H.L. (1960). "Tables of range and studentized range".
//!   *Ann. Math. Statist.* 31(4), 1122–1147.
//! * Montgomery, D.C. (2013). *Introduction to Statistical Quality Control*,
//!   7th ed., Appendix VI (A2, D3, D4, A3, B3, B4, E2 from d2, d3, c4).
//! * Piessens, R. et al. (1983). *QUADPACK*, Springer (the 7/15-point
//!   Gauss–Kronrod rule, routine `qk15`).
//! * Scrucca, L. qcc 3.0, `R/utilities.R` (`.qcc.options$exp.R.unscaled`,
//!   `se.R.unscaled`) and `R/qcc.R` (`qcc.c4`).

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use statrs::function::gamma::ln_gamma;

use crate::{CxError, Result};

/// Which table of d2/d3 a chart uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum Constants {
    /// Computed to about 1e-12 for any subgroup size (default).
    #[default]
    Exact,
    /// qcc 3.0's rounded table: d2 for n = 2..25, d3 for n = 2..50.
    Qcc,
}

/// Largest `n` cached; larger sizes are computed on every call.
const CACHE: usize = 256;

/// qcc 3.0 `exp.R.unscaled` (d2, 3 decimals) for n = 2..25, from
/// `R/utilities.R`; the published table of Montgomery App. VI, extended.
const QCC_D2: [f64; 24] = [
    1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.970, 3.078, 3.173, 3.258, 3.336, 3.407,
    3.472, 3.532, 3.588, 3.640, 3.689, 3.735, 3.778, 3.819, 3.858, 3.895, 3.931,
];

/// qcc 3.0 `se.R.unscaled` (d3) for n = 2..50, from `R/utilities.R`.
const QCC_D3: [f64; 49] = [
    0.8525033, 0.8883697, 0.8798108, 0.8640855, 0.8480442, 0.8332108, 0.8198378, 0.8078413,
    0.7970584, 0.7873230, 0.7784873, 0.7704257, 0.7630330, 0.7562217, 0.7499188, 0.7440627,
    0.7386021, 0.7334929, 0.7286980, 0.7241851, 0.7199267, 0.7158987, 0.7120802, 0.7084528,
    0.7050004, 0.7017086, 0.6985648, 0.6955576, 0.6926770, 0.6899137, 0.6872596, 0.6847074,
    0.6822502, 0.6798821, 0.6775973, 0.6753910, 0.6732584, 0.6711952, 0.6691976, 0.6672619,
    0.6653848, 0.6635632, 0.6617943, 0.6600754, 0.6584041, 0.6567780, 0.6551950, 0.6536532,
    0.6521506,
];

impl Constants {
    /// d2(n) = E\[range\] of `n` standard normals.
    ///
    /// # Formula
    /// `d2(n) = ∫ [1 − Φ(x)ⁿ − (1 − Φ(x))ⁿ] dx` over the real line.
    /// # Reference
    /// Tippett (1925); Harter (1960), Table 1.
    /// # Errors
    /// [`CxError::InvalidOption`] for `n < 2`, or `n > 25` with [`Constants::Qcc`].
    /// # Examples
    /// ```
    /// use cx_core::spc::Constants;
    /// let d2 = Constants::Exact.d2(2)?;
    /// assert!((d2 - 2.0 / std::f64::consts::PI.sqrt()).abs() < 1e-12);
    /// assert_eq!(Constants::Qcc.d2(2)?, 1.128);
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn d2(self, n: usize) -> Result<f64> {
        check_n(n)?;
        match self {
            Constants::Exact => Ok(cached(&D2_CACHE, &D2_LARGE, n, exact_d2)),
            Constants::Qcc => QCC_D2
                .get(n - 2)
                .copied()
                .ok_or_else(|| table_error("d2", n, 25)),
        }
    }

    /// d3(n) = standard deviation of the range of `n` standard normals.
    ///
    /// # Formula
    /// `d3² = 2∫₀^∞ w·(1 − F_R(w)) dw − d2²`, with the range distribution
    /// `F_R(w) = n∫ φ(x)[Φ(x + w) − Φ(x)]ⁿ⁻¹ dx` (the `ptukey(w, n, ∞)` that qcc
    /// integrates).
    /// # Reference
    /// Tippett (1925); Harter (1960).
    /// # Errors
    /// [`CxError::InvalidOption`] for `n < 2`, or `n > 50` with [`Constants::Qcc`].
    /// # Examples
    /// ```
    /// use cx_core::spc::Constants;
    /// let d3 = Constants::Exact.d3(2)?;
    /// assert!((d3 - (2.0 - 4.0 / std::f64::consts::PI).sqrt()).abs() < 1e-11);
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn d3(self, n: usize) -> Result<f64> {
        check_n(n)?;
        match self {
            Constants::Exact => Ok(cached(&D3_CACHE, &D3_LARGE, n, exact_d3)),
            Constants::Qcc => QCC_D3
                .get(n - 2)
                .copied()
                .ok_or_else(|| table_error("d3", n, 50)),
        }
    }

    /// c4(n) = E\[s\]/σ; computed exactly under both tables (qcc computes it too).
    ///
    /// # Formula
    /// `c4(n) = √(2/(n−1)) · Γ(n/2) / Γ((n−1)/2)`, evaluated with `ln Γ`.
    /// # Reference
    /// Montgomery (2013), App. VI; qcc `qcc.c4`.
    /// # Errors
    /// [`CxError::InvalidOption`] for `n < 2`.
    /// # Examples
    /// ```
    /// use cx_core::spc::Constants;
    /// let c4 = Constants::Exact.c4(2)?;
    /// assert!((c4 - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-14);
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn c4(self, n: usize) -> Result<f64> {
        check_n(n)?;
        Ok(c4_real(n as f64))
    }

    /// The derived factors of Montgomery App. VI for subgroup size `n`.
    ///
    /// # Formula
    /// A2 = 3/(d2√n); D3 = max(0, 1 − 3d3/d2); D4 = 1 + 3d3/d2; A3 = 3/(c4√n);
    /// B3 = max(0, 1 − 3√(1−c4²)/c4); B4 = 1 + 3√(1−c4²)/c4; E2 = 3/d2.
    /// # Reference
    /// Montgomery (2013), App. VI.
    /// # Errors
    /// As [`Constants::d2`] and [`Constants::d3`].
    /// # Examples
    /// ```
    /// use cx_core::spc::Constants;
    /// let f = Constants::Exact.factors(5)?;
    /// assert!((f.a2 - 0.577).abs() < 5e-4 && (f.d4 - 2.114).abs() < 5e-4);
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn factors(self, n: usize) -> Result<Factors> {
        let (d2, d3, c4) = (self.d2(n)?, self.d3(n)?, self.c4(n)?);
        let rn = (n as f64).sqrt();
        let s = (1.0 - c4 * c4).sqrt() / c4;
        Ok(Factors {
            n,
            d2,
            d3,
            c4,
            a2: 3.0 / (d2 * rn),
            d3_lower: (1.0 - 3.0 * d3 / d2).max(0.0),
            d4: 1.0 + 3.0 * d3 / d2,
            a3: 3.0 / (c4 * rn),
            b3: (1.0 - 3.0 * s).max(0.0),
            b4: 1.0 + 3.0 * s,
            e2: 3.0 / d2,
        })
    }
}

/// Derived 3-sigma factors for one subgroup size (see [`Constants::factors`]).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Factors {
    /// Subgroup size.
    pub n: usize,
    /// E\[R\]/σ.
    pub d2: f64,
    /// sd\[R\]/σ.
    pub d3: f64,
    /// E\[s\]/σ.
    pub c4: f64,
    /// x̄ limits from R̄: x̿ ± A2·R̄.
    pub a2: f64,
    /// R chart lower factor D3 (named `d3_lower` to keep it apart from `d3`).
    pub d3_lower: f64,
    /// R chart upper factor D4.
    pub d4: f64,
    /// x̄ limits from s̄: x̿ ± A3·s̄.
    pub a3: f64,
    /// S chart lower factor B3.
    pub b3: f64,
    /// S chart upper factor B4.
    pub b4: f64,
    /// Individuals limits from MR̄: x̄ ± E2·MR̄ (E2 = 3/d2(2) for n = 2).
    pub e2: f64,
}

fn check_n(n: usize) -> Result<()> {
    if n < 2 {
        return Err(CxError::option(
            "n",
            format!("subgroup size must be at least 2, got {n}"),
        ));
    }
    Ok(())
}

fn table_error(what: &str, n: usize, max: usize) -> CxError {
    CxError::option(
        "constants",
        format!(
            "qcc's {what} table stops at n = {max}, got n = {n}; use constants=\"exact\" (qcc itself switches xbar charts with n > 25 to the RMSDF sigma)"
        ),
    )
}

/// c4(n) for an integer `n ≥ 2`, to a few ulps.
///
/// # Formula
/// With `r(n) = Γ(n/2)/Γ((n−1)/2)`: `r(2) = 1/√π`, `r(3) = √π/2` and
/// `r(n + 2) = r(n)·n/(n − 1)`; `c4 = √(2/(n−1))·r(n)`. Beyond n = 1000 the
/// asymptotic series `Γ(x+½)/Γ(x) = √x·(1 − 1/(8x) + 1/(128x²) + 5/(1024x³)
/// − 21/(32768x⁴) + …)`, x = (n−1)/2, is used (differences of `ln Γ` lose
/// digits at large n).
/// # Reference
/// Abramowitz & Stegun (1964), 6.1.15 (recurrence) and 6.1.47 (ratio series).
pub(crate) fn c4_real(n: f64) -> f64 {
    if n < 2.0 || n.fract() != 0.0 {
        return ((2.0 / (n - 1.0)).ln() / 2.0 + ln_gamma(n / 2.0) - ln_gamma((n - 1.0) / 2.0))
            .exp();
    }
    if n > 1000.0 {
        let x = (n - 1.0) / 2.0;
        let series = 1.0 - 1.0 / (8.0 * x) + 1.0 / (128.0 * x * x) + 5.0 / (1024.0 * x.powi(3))
            - 21.0 / (32768.0 * x.powi(4));
        return (2.0 / (n - 1.0)).sqrt() * x.sqrt() * series;
    }
    let sqrt_pi = std::f64::consts::PI.sqrt();
    let nn = n as u64;
    let (mut r, mut k) = if nn.is_multiple_of(2) {
        (1.0 / sqrt_pi, 2u64)
    } else {
        (sqrt_pi / 2.0, 3u64)
    };
    while k < nn {
        r *= k as f64 / (k as f64 - 1.0);
        k += 2;
    }
    (2.0 / (n - 1.0)).sqrt() * r
}

static D2_CACHE: [OnceLock<f64>; CACHE] = [const { OnceLock::new() }; CACHE];
static D3_CACHE: [OnceLock<f64>; CACHE] = [const { OnceLock::new() }; CACHE];
/// Sizes beyond the array (subgroups of hundreds or thousands of values, e.g. a day's
/// calls): computed once per size too, so an x̄/R chart of such subgroups integrates
/// once per distinct size, not once per point.
static D2_LARGE: Mutex<BTreeMap<usize, f64>> = Mutex::new(BTreeMap::new());
static D3_LARGE: Mutex<BTreeMap<usize, f64>> = Mutex::new(BTreeMap::new());

fn cached(
    cache: &'static [OnceLock<f64>; CACHE],
    large: &'static Mutex<BTreeMap<usize, f64>>,
    n: usize,
    f: fn(usize) -> f64,
) -> f64 {
    if let Some(cell) = cache.get(n) {
        return *cell.get_or_init(|| f(n));
    }
    if let Ok(map) = large.lock()
        && let Some(&v) = map.get(&n)
    {
        return v;
    }
    let v = f(n);
    // A poisoned lock only loses the memo, never the value.
    if let Ok(mut map) = large.lock() {
        map.insert(n, v);
    }
    v
}

/// Standard normal quantile (statrs' `erfc_inv`-based inverse).
pub(crate) fn norm_quantile(p: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    Normal::standard().inverse_cdf(p)
}

/// Standard normal cdf Φ, accurate to about 1e-16 absolute and to full
/// relative precision in the tails.
///
/// statrs 0.19's `erfc` is off by up to ~1e-11 near |x| = 1, too coarse for
/// 1e-12 constants, so Φ is computed here: Marsaglia's series
/// `Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …)` for |x| ≤ 2.5, and the Laplace
/// continued fraction `1 − Φ(x) = φ(x)/(x + 1/(x + 2/(x + 3/(x + …))))`
/// (modified Lentz) beyond.
///
/// # Reference
/// Marsaglia, G. (2004). "Evaluating the Normal Distribution". *J. Stat.
/// Software* 11(4). Lentz, W.J. (1976). *Applied Optics* 15(3), 668–671.
pub(crate) fn phi(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < -2.5 {
        return upper_tail(-x);
    }
    if x > 2.5 {
        return 1.0 - upper_tail(x);
    }
    let x2 = x * x;
    let (mut s, mut t, mut i) = (x, x, 1.0);
    loop {
        i += 2.0;
        t *= x2 / i;
        let next = s + t;
        if next == s {
            break;
        }
        s = next;
    }
    0.5 + s * dnorm(x)
}

/// `1 − Φ(x)` for `x > 0` by the continued fraction of Mills' ratio.
fn upper_tail(x: f64) -> f64 {
    let d = dnorm(x);
    if d == 0.0 {
        return 0.0;
    }
    let tiny = 1e-300;
    let mut f = x;
    let (mut c, mut dd) = (x, 0.0);
    for k in 1..5000 {
        let a = k as f64;
        dd = x + a * dd;
        if dd.abs() < tiny {
            dd = tiny;
        }
        dd = 1.0 / dd;
        c = x + a / c;
        if c.abs() < tiny {
            c = tiny;
        }
        let delta = c * dd;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    d / f
}

/// Upper tail `1 − Φ(x)` with full relative precision for large `x`.
pub(crate) fn phi_upper(x: f64) -> f64 {
    if x > 2.5 { upper_tail(x) } else { phi(-x) }
}

/// Standard normal quantile: statrs' estimate refined by two Newton steps on
/// the accurate [`phi`].
pub(crate) fn norm_quantile_accurate(p: f64) -> f64 {
    let mut x = norm_quantile(p);
    if !x.is_finite() {
        return x;
    }
    for _ in 0..2 {
        let d = dnorm(x);
        if d > 0.0 {
            x -= (phi(x) - p) / d;
        }
    }
    x
}

pub(crate) fn dnorm(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Beyond ±13 the normal density is below 1e-37: the integrands vanish.
const X_MAX: f64 = 13.0;

/// Grid step of the trapezoidal rules below.
const H: f64 = 0.02;
/// The x grid covers [−9, 9]: beyond it φ and n·Φ(−|x|) are below 1e-16.
const XJ: usize = 450;
/// The w grid covers [0, 18.24] (912 = 57·16 steps, for 4 Romberg halvings);
/// P(R > 18) < n·Φ(−9) ≈ 1e-17·n.
const WK: usize = 912;

/// Φ on the grid `x = (i − XJ)·H`, i = 0..=2·XJ + WK.
fn phi_table() -> Vec<f64> {
    (0..=2 * XJ + WK)
        .map(|i| phi((i as f64 - XJ as f64) * H))
        .collect()
}

fn exact_d2(n: usize) -> f64 {
    // Trapezoidal rule on the whole line: for an analytic integrand with
    // Gaussian decay its error falls like exp(−2π²·width²/H²), far below 1e-15
    // (Trefethen & Weideman 2014, SIAM Review 56(3), 385–458).
    let t = phi_table();
    let n = n as i32;
    let s: f64 = (0..=2 * XJ)
        .map(|j| 1.0 - t[j].powi(n) - t[2 * XJ - j].powi(n))
        .sum();
    s * H
}

fn exact_d3(n: usize) -> f64 {
    // E[R²] = 2∫₀^∞ w·P(R > w) dw. P(R > w) on the grid w = k·H is a
    // whole-line trapezoidal sum (exponentially accurate, see exact_d2) that
    // reuses the Φ table, since Φ(x_j + k·H) = Φ(x_{j+k}). The outer
    // integral is smooth on [0, W] (P(R > w) = 1 − O(w^(n−1)) at 0) and is
    // done by Romberg extrapolation of the trapezoidal rule at H, 2H, ..., 16H.
    let t = phi_table();
    let dens: Vec<f64> = (0..=2 * XJ)
        .map(|j| dnorm((j as f64 - XJ as f64) * H))
        .collect();
    let m = n as i32 - 1;
    let g: Vec<f64> = (0..=WK)
        .map(|k| {
            let cdf: f64 = (0..=2 * XJ)
                .map(|j| dens[j] * (t[j + k] - t[j]).powi(m))
                .sum();
            let sf = (1.0 - n as f64 * H * cdf).max(0.0);
            k as f64 * H * sf
        })
        .collect();
    let levels = 5;
    let mut r = vec![0.0; levels];
    for (l, slot) in r.iter_mut().enumerate() {
        let stride = 1usize << l;
        let h = H * stride as f64;
        let inner: f64 = g.iter().step_by(stride).sum::<f64>() - 0.5 * (g[0] + g[WK]);
        *slot = h * inner;
    }
    // Romberg: r[0] finest. Eliminate h², h⁴, ... terms.
    for col in 1..levels {
        let f = 4f64.powi(col as i32);
        for l in 0..levels - col {
            r[l] = (f * r[l] - r[l + 1]) / (f - 1.0);
        }
    }
    let second_moment = 2.0 * r[0];
    let d2 = cached(&D2_CACHE, &D2_LARGE, n, exact_d2);
    (second_moment - d2 * d2).max(0.0).sqrt()
}

/// Upper tail of the range of `n` standard normals, `P(R > w)`.
///
/// # Formula
/// `P(R > w) = 1 − n∫ φ(x)[Φ(x + w) − Φ(x)]ⁿ⁻¹ dx` (Tippett 1925).
pub(crate) fn range_sf(w: f64, n: usize) -> f64 {
    if w <= 0.0 {
        return 1.0;
    }
    let m = n as i32 - 1;
    let cdf = n as f64
        * integrate(
            &|x: f64| dnorm(x) * (phi(x + w) - phi(x)).powi(m),
            -X_MAX,
            X_MAX,
            1e-15,
        );
    (1.0 - cdf).clamp(0.0, 1.0)
}

/// Quantile of the range of `n` standard normals (R's `qtukey(p, n, Inf)`),
/// by bisection on [`range_sf`] to 1e-12.
pub(crate) fn range_quantile(p: f64, n: usize) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 30.0_f64);
    while hi - lo > 1e-12 {
        let mid = 0.5 * (lo + hi);
        if 1.0 - range_sf(mid, n) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

// QUADPACK qk15 abscissae and weights (Piessens et al. 1983).
const XGK: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_4,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_5,
    0.0,
];
const WGK: [f64; 8] = [
    0.022_935_322_010_529_22,
    0.063_092_092_629_978_55,
    0.104_790_010_322_250_2,
    0.140_653_259_715_525_9,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_4,
    0.204_432_940_075_298_9,
    0.209_482_141_084_727_8,
];
const WG: [f64; 4] = [
    0.129_484_966_168_869_7,
    0.279_705_391_489_276_7,
    0.381_830_050_505_118_9,
    0.417_959_183_673_469_4,
];

/// One 7/15-point Gauss–Kronrod panel: (Kronrod estimate, |Kronrod − Gauss|).
fn gk15(f: &dyn Fn(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    let c = 0.5 * (a + b);
    let h = 0.5 * (b - a);
    let fc = f(c);
    let mut k = WGK[7] * fc;
    let mut g = WG[3] * fc;
    for j in 0..7 {
        let dx = h * XGK[j];
        let s = f(c - dx) + f(c + dx);
        k += WGK[j] * s;
        if j % 2 == 1 {
            g += WG[j / 2] * s;
        }
    }
    (k * h, ((k - g) * h).abs())
}

/// Adaptive Gauss–Kronrod quadrature of `f` over `[a, b]` to absolute `tol`.
pub(crate) fn integrate(f: &dyn Fn(f64) -> f64, a: f64, b: f64, tol: f64) -> f64 {
    fn rec(f: &dyn Fn(f64) -> f64, a: f64, b: f64, tol: f64, depth: u32) -> f64 {
        let (k, err) = gk15(f, a, b);
        if err <= tol || depth == 0 {
            return k;
        }
        let m = 0.5 * (a + b);
        rec(f, a, m, tol / 2.0, depth - 1) + rec(f, m, b, tol / 2.0, depth - 1)
    }
    // Start from 8 panels so that narrow features are not missed.
    let panels = 8;
    let step = (b - a) / panels as f64;
    (0..panels)
        .map(|i| {
            let lo = a + step * i as f64;
            rec(f, lo, lo + step, tol / panels as f64, 30)
        })
        .sum()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn kronrod_integrates_polynomials_exactly() {
        // K15 is exact to degree 22 and G7 to degree 13; a wrong digit in a
        // node or weight breaks this.
        for k in 0..=22 {
            let (v, _) = gk15(&|x: f64| x.powi(k), -1.0, 1.0);
            let exact = if k % 2 == 1 {
                0.0
            } else {
                2.0 / (k as f64 + 1.0)
            };
            assert!((v - exact).abs() < 1e-14, "k = {k}: {v} vs {exact}");
        }
        for k in 0..=13 {
            let (_, err) = gk15(&|x: f64| x.powi(k), -1.0, 1.0);
            assert!(err < 1e-14, "gauss k = {k}: {err}");
        }
    }

    #[test]
    fn sizes_beyond_the_array_are_memoised_to_the_same_value() {
        // n = 1000 (a day's calls as one subgroup): the first call integrates and
        // stores, the second reads the memo; both equal the direct integration.
        for n in [CACHE, 1000] {
            let first = Constants::Exact.d2(n).unwrap();
            assert_eq!(first, exact_d2(n));
            assert_eq!(Constants::Exact.d2(n).unwrap(), first);
            assert_eq!(D2_LARGE.lock().unwrap().get(&n), Some(&first));
            let d3 = Constants::Exact.d3(n).unwrap();
            assert_eq!(d3, exact_d3(n));
            assert_eq!(D3_LARGE.lock().unwrap().get(&n), Some(&d3));
        }
    }

    #[test]
    fn closed_forms_for_n2() {
        let pi = std::f64::consts::PI;
        let d2 = Constants::Exact.d2(2).unwrap();
        assert!((d2 - 2.0 / pi.sqrt()).abs() < 1e-13);
        let d3 = Constants::Exact.d3(2).unwrap();
        assert!((d3 - (2.0 - 4.0 / pi).sqrt()).abs() < 1e-12);
        // d2(3) = 3/√π (Tippett 1925).
        let d2_3 = Constants::Exact.d2(3).unwrap();
        assert!((d2_3 - 3.0 / pi.sqrt()).abs() < 1e-13);
    }

    #[test]
    fn c4_recurrence_meets_asymptotic_series() {
        // n = 1000 by recurrence against n = 1001 by the series, through
        // c4(n+1)/c4(n) computed from the ln-gamma form at moderate precision.
        let a = c4_real(1000.0);
        let b = c4_real(1001.0);
        assert!((b - a) > 0.0 && (b - a) < 1e-6);
        let lg = |n: f64| {
            ((2.0 / (n - 1.0)).ln() / 2.0 + ln_gamma(n / 2.0) - ln_gamma((n - 1.0) / 2.0)).exp()
        };
        assert!((a - lg(1000.0)).abs() < 1e-11 && (b - lg(1001.0)).abs() < 1e-11);
    }

    #[test]
    fn bad_sizes_are_errors() {
        assert!(Constants::Exact.d2(1).is_err());
        assert!(Constants::Qcc.d2(26).is_err());
        assert!(Constants::Qcc.d3(50).is_ok());
        assert!(Constants::Qcc.d3(51).is_err());
    }
}
