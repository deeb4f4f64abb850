//! A small, documented, platform-independent pseudo-random number generator.
//!
//! cx has no `rand` dependency: the sample generator needs only a handful of
//! distributions, and it needs them to give **the same bits on every
//! platform**. So this module provides:
//!
//! - [`Rng`]: xoshiro256** seeded through SplitMix64;
//! - uniform integers without modulo bias (Lemire 2019), uniform `f64` on
//!   `[0, 1)` with 53 random bits, normal deviates by the Marsaglia polar form
//!   of the Box–Muller transform, log-normal, exponential, Poisson (Knuth's
//!   multiplication method) and categorical draws;
//! - [`det_exp`] and [`det_ln`]: `exp` and `ln` written with `+ − × ÷` only.
//!   `f64::exp`/`f64::ln` call the platform's libm, whose last bit may differ
//!   between glibc, macOS and MSVC; IEEE 754 basic operations and `sqrt` are
//!   correctly rounded everywhere (and Rust never contracts `a * b + c` into a
//!   fused multiply-add), so these give identical bits on every platform.
//!
//! # Reference
//! - Blackman, D. & Vigna, S. (2018, rev. 2021). "Scrambled linear
//!   pseudorandom number generators". *ACM Trans. Math. Softw.* 47(4), 36
//!   (xoshiro256**, and SplitMix64 to seed it; prng.di.unimi.it).
//! - Steele, G., Lea, D. & Flood, C. (2014). "Fast splittable pseudorandom
//!   number generators". OOPSLA 2014 (SplitMix64).
//! - Lemire, D. (2019). "Fast random integer generation in an interval".
//!   *ACM TOMACS* 29(1), 3.
//! - Box, G. E. P. & Muller, M. E. (1958). "A note on the generation of random
//!   normal deviates". *Ann. Math. Statist.* 29(2), 610–611; Marsaglia, G. &
//!   Bray, T. A. (1964). "A convenient method for generating normal
//!   variables". *SIAM Review* 6(3), 260–264 (the polar form, no `cos`).
//! - Knuth, D. E. (1997). *The Art of Computer Programming*, vol. 2, 3rd ed.,
//!   §3.4.1 (Poisson by multiplying uniforms).

/// SplitMix64 step: advances `state` and returns the next output.
///
/// # Reference
/// Steele, Lea & Flood (2014); constants as in Vigna's `splitmix64.c`.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** generator (Blackman & Vigna 2018), seeded with SplitMix64.
///
/// Not cryptographic: use it for simulation only.
///
/// # Examples
/// ```
/// use cx_core::datasets::Rng;
/// let mut a = Rng::new(42);
/// let mut b = Rng::new(42);
/// assert_eq!(a.next_u64(), b.next_u64());
/// let x = a.uniform();
/// assert!((0.0..1.0).contains(&x));
/// assert!(a.below(6) < 6);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator whose 256-bit state is four SplitMix64 outputs of `seed`
    /// (so the state is never all zero).
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Self { s }
    }

    /// An independent stream for one part of the generator: the seed mixed
    /// with a stream number, so that e.g. changing the number of tickets
    /// leaves the feedback unchanged.
    pub fn stream(seed: u64, stream: u64) -> Self {
        let mut sm = seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        Self::new(splitmix64(&mut sm))
    }

    /// Next 64 random bits (xoshiro256**).
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform on `[0, 1)` with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `0..n` without modulo bias (Lemire 2019); 0 when `n == 0`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// Uniform index into a slice of length `n` (0 when `n == 0`).
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform integer in `lo..=hi` (`lo` when `hi <= lo`).
    pub fn range_i64(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = hi.abs_diff(lo).saturating_add(1);
        lo.wrapping_add(self.below(span) as i64)
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// One element of a non-empty slice, uniformly (`None` when empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.index(items.len()))
    }

    /// Standard normal deviate: Marsaglia & Bray's polar form of Box–Muller.
    ///
    /// Draws `v1, v2` uniform on `(−1, 1)` until `0 < s = v1² + v2² < 1`, then
    /// returns `v1 · √(−2 ln s / s)` (the second deviate is discarded to keep
    /// the stream simple).
    pub fn normal(&mut self) -> f64 {
        loop {
            let v1 = 2.0 * self.uniform() - 1.0;
            let v2 = 2.0 * self.uniform() - 1.0;
            let s = v1 * v1 + v2 * v2;
            if s > 0.0 && s < 1.0 {
                return v1 * (-2.0 * det_ln(s) / s).sqrt();
            }
        }
    }

    /// Normal deviate with mean `mu` and standard deviation `sd`.
    pub fn gauss(&mut self, mu: f64, sd: f64) -> f64 {
        mu + sd * self.normal()
    }

    /// Log-normal deviate: `exp(N(ln median, sigma²))`.
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * det_exp(sigma * self.normal())
    }

    /// Exponential deviate with the given mean (inverse transform).
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * det_ln(1.0 - self.uniform())
    }

    /// Poisson deviate with mean `lambda` (0 for `lambda <= 0`).
    ///
    /// Knuth's method (multiply uniforms until the product drops below
    /// `e^{−λ}`) on chunks of mean ≤ 20, using that a sum of independent
    /// Poisson variables is Poisson: exact, and never underflows.
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda.is_nan() || lambda <= 0.0 || !lambda.is_finite() {
            return 0;
        }
        let chunks = (lambda / 20.0).ceil().max(1.0);
        let part = lambda / chunks;
        let limit = det_exp(-part);
        let mut total = 0u64;
        let mut k = 0.0;
        while k < chunks {
            let mut p = 1.0;
            loop {
                p *= self.uniform();
                if p <= limit {
                    break;
                }
                total += 1;
            }
            k += 1.0;
        }
        total
    }

    /// Index drawn with probability proportional to `weights` (non-negative;
    /// `0` when all are zero or the slice is empty).
    pub fn categorical(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().filter(|w| **w > 0.0).sum();
        if total.is_nan() || total <= 0.0 {
            return 0;
        }
        let target = self.uniform() * total;
        let mut acc = 0.0;
        let mut last = 0;
        for (i, w) in weights.iter().enumerate() {
            if *w > 0.0 {
                acc += w;
                last = i;
                if target < acc {
                    return i;
                }
            }
        }
        last
    }
}

/// High part of ln 2 (its last 32 bits zero, so `k · LN2_HI` is exact), as in fdlibm.
/// A categorical distribution with precomputed cumulative weights, sampled
/// by binary search: the same draws as [`Rng::categorical`] (the cumulative
/// sums are accumulated in the same order), in `O(log n)` instead of `O(n)`.
///
/// # Examples
/// ```
/// use cx_core::datasets::{Categorical, Rng};
/// let weights = [1.0, 0.0, 3.0];
/// let table = Categorical::new(&weights);
/// let (mut a, mut b) = (Rng::new(5), Rng::new(5));
/// for _ in 0..100 {
///     assert_eq!(table.sample(&mut a), b.categorical(&weights));
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Categorical {
    cum: Vec<f64>,
    last: usize,
}

impl Categorical {
    /// Precompute the cumulative weights (negative weights count as zero).
    pub fn new(weights: &[f64]) -> Self {
        let mut acc = 0.0;
        let mut last = 0;
        let cum = weights
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if *w > 0.0 {
                    acc += w;
                    last = i;
                }
                acc
            })
            .collect();
        Self { cum, last }
    }

    /// Draw an index (`0` when all weights are zero or there are none).
    pub fn sample(&self, rng: &mut Rng) -> usize {
        let total = self.cum.last().copied().unwrap_or(0.0);
        if total.is_nan() || total <= 0.0 {
            return 0;
        }
        let target = rng.uniform() * total;
        let i = self.cum.partition_point(|c| *c <= target);
        i.min(self.last)
    }
}

const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
/// ln 2 − LN2_HI.
const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
const LN2: f64 = std::f64::consts::LN_2;

/// `e^x` with basic IEEE operations only (identical bits on every platform).
///
/// Reduces `x = k·ln 2 + r` with `|r| ≤ ln2/2` (ln 2 split into a high and a
/// low part, Cody & Waite 1980), sums the Taylor series of `e^r` to degree
/// 16 (truncation < 1e-19) and scales by `2^k` exactly. Relative error
/// below 1e-15; 0 below −745, infinity above 709.
///
/// # Examples
/// ```
/// use cx_core::datasets::det_exp;
/// assert!((det_exp(1.0) - std::f64::consts::E).abs() < 1e-15);
/// assert_eq!(det_exp(0.0), 1.0);
/// ```
pub fn det_exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    if x < -745.0 {
        return 0.0;
    }
    let k = (x / LN2).round();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut n = 1.0;
    while n <= 16.0 {
        term = term * r / n;
        sum += term;
        n += 1.0;
    }
    scale_pow2(sum, k as i32)
}

/// `v · 2^k` computed exactly by multiplying with powers of two built from bits.
fn scale_pow2(v: f64, k: i32) -> f64 {
    let mut v = v;
    let mut k = k;
    while k > 1000 {
        v *= f64::from_bits(((1023 + 1000) as u64) << 52);
        k -= 1000;
    }
    while k < -1000 {
        v *= f64::from_bits(((1023 - 1000) as u64) << 52);
        k += 1000;
    }
    v * f64::from_bits(((1023 + k) as u64) << 52)
}

/// Natural logarithm with basic IEEE operations only (identical bits on
/// every platform).
///
/// Splits `x = m · 2^e` with `m ∈ [√½, √2)`, then `ln m = 2 atanh(s)`,
/// `s = (m − 1)/(m + 1)`, `|s| ≤ 0.172`, by its odd series to `s^31`
/// (truncation < 1e-24). Relative error below 1e-15 for normal inputs; NaN
/// for negative input, −∞ at 0.
///
/// # Examples
/// ```
/// use cx_core::datasets::det_ln;
/// assert!((det_ln(10.0) - std::f64::consts::LN_10).abs() < 1e-15);
/// assert_eq!(det_ln(1.0), 0.0);
/// ```
pub fn det_ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    let mut x = x;
    let mut e: i32 = 0;
    if x < f64::MIN_POSITIVE {
        x *= f64::from_bits((1023u64 + 54) << 52);
        e -= 54;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7FF) as i32 - 1023;
    let mut m = f64::from_bits((bits & 0x000F_FFFF_FFFF_FFFF) | (1023u64 << 52));
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    let mut n = 1.0;
    while n <= 31.0 {
        sum += term / n;
        term *= s2;
        n += 2.0;
    }
    let ef = f64::from(e);
    (ef * LN2_HI + 2.0 * sum) + ef * LN2_LO
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoshiro_matches_reference_after_splitmix_seeding() {
        // Reference: Vigna's splitmix64.c seeded with 0 gives this first output.
        let mut s = 0u64;
        assert_eq!(splitmix64(&mut s), 0xE220_A839_7B1D_CDAF);
        // xoshiro256** with state {1, 2, 3, 4}: first outputs from xoshiro256starstar.c.
        let mut r = Rng { s: [1, 2, 3, 4] };
        assert_eq!(r.next_u64(), 11520);
        assert_eq!(r.next_u64(), 0);
        assert_eq!(r.next_u64(), 1_509_978_240);
    }

    #[test]
    fn det_math_agrees_with_std() {
        for i in -300..300 {
            let x = f64::from(i) * 0.37;
            let (a, b) = (det_exp(x), x.exp());
            assert!(((a - b) / b).abs() < 4e-15, "exp({x}): {a} vs {b}");
        }
        for i in 1..400 {
            let x = f64::from(i) * 0.731_f64.powi(i % 40 - 20);
            let (a, b) = (det_ln(x), x.ln());
            assert!(
                (a - b).abs() <= 4e-15 * b.abs().max(1e-300) + 1e-16,
                "ln({x}): {a} vs {b}"
            );
        }
        assert!((det_ln(5e-320) - 5e-320f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn moments_are_right() {
        let mut r = Rng::new(7);
        let n = 40_000;
        let (mut s1, mut s2, mut p) = (0.0, 0.0, 0.0);
        for _ in 0..n {
            let z = r.normal();
            s1 += z;
            s2 += z * z;
            p += r.poisson(3.5) as f64;
        }
        let nf = f64::from(n);
        assert!((s1 / nf).abs() < 0.02);
        assert!((s2 / nf - 1.0).abs() < 0.03);
        assert!((p / nf - 3.5).abs() < 0.05);
        let big: f64 = (0..2000).map(|_| r.poisson(55.0) as f64).sum::<f64>() / 2000.0;
        assert!((big - 55.0).abs() < 0.6, "{big}");
    }

    #[test]
    fn below_and_categorical_stay_in_range() {
        let mut r = Rng::new(1);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            assert!(r.below(7) < 7);
            counts[r.categorical(&[1.0, 0.0, 3.0])] += 1;
        }
        assert_eq!(counts[1], 0);
        let share = f64::from(counts[2]) / 30_000.0;
        assert!((share - 0.75).abs() < 0.015, "{share}");
        assert_eq!(r.categorical(&[]), 0);
        assert_eq!(r.range_i64(5, 5), 5);
    }

    #[test]
    fn streams_differ() {
        assert_ne!(Rng::stream(1, 1).next_u64(), Rng::stream(1, 2).next_u64());
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }
}
