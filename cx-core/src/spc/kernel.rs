//! Bit-parallel evaluation of the run rules, and the one-pass sums of the
//! individuals chart, for long series.
//!
//! Every Western Electric and Nelson rule asks whether a predicate held for
//! the last `L` points (L ≤ 15: 9 on one side, 6 rising, 14 alternating,
//! 15 within 1σ, 8 beyond 1σ) or for enough points of a window of 3 or 5.
//! A run counter `≥ L` is the same question as "the last `L` predicate bits
//! are all set", so the whole machine of [`RuleState`](super::RuleState)
//! reduces to word operations on 64 points at a time:
//!
//! 1. one vectorised pass over 64 points computes the predicate words (valid,
//!    above/below the centre, beyond 2σ/1σ on each side, beyond the limits,
//!    rising/falling against the previous point);
//! 2. each rule is a handful of shifts and ANDs of the current word with the
//!    previous one (`all_last`), e.g. 15 within 1σ = four AND-shifts;
//! 3. the per-point byte (bit `r − 1` for rule `r`) is written only where a
//!    rule fires.
//!
//! Because no rule looks back more than 15 points, a chunk of the series
//! starting at point `s` is judged exactly by computing the predicate word of
//! the 64 points before `s` first: chunks run on separate threads with no
//! fix-up pass, and the result equals the sequential machine bit for bit
//! (proptest below, with random chunk boundaries, NaNs, points on the centre
//! line and ties). The semantics are those documented in [`super::rules`]: a
//! point on the centre line breaks a same-side run, a missing point (NaN
//! statistic or NaN standardised value) breaks every run and is never flagged,
//! and a rule flags the completing point and every later point while the
//! pattern continues.

use super::rules::{RuleFamily, RuleSet};

/// Series shorter than this are judged on one thread (spawning costs more).
const PAR_MIN: usize = 1 << 17;

/// Threads to split a long series over.
pub(crate) fn threads(n: usize) -> usize {
    if n < PAR_MIN {
        return 1;
    }
    crate::threads::available()
        .clamp(1, 8)
        .min(n / (PAR_MIN / 2))
        .max(1)
}

/// Split `0..n` into `t` ranges whose inner boundaries are multiples of 64.
pub(crate) fn splits(n: usize, t: usize) -> Vec<std::ops::Range<usize>> {
    let words = n.div_ceil(64);
    let per = words.div_ceil(t.max(1));
    let mut out = Vec::with_capacity(t);
    let mut s = 0;
    while s < n {
        let e = (s + per * 64).min(n);
        out.push(s..e);
        s = e;
    }
    out
}

/// Centre, standard error and limits at a point of the stage being judged.
pub(crate) trait Limits: Sync {
    /// `(center, se, lcl, ucl)` at point `i` (stage-relative).
    fn at(&self, i: usize) -> (f64, f64, f64, f64);
    /// The limits, when they are the same at every point.
    fn constant(&self) -> Option<ConstLimits> {
        None
    }
}

/// The same limits for every point.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConstLimits {
    pub center: f64,
    pub se: f64,
    pub lcl: f64,
    pub ucl: f64,
}

impl Limits for ConstLimits {
    #[inline(always)]
    fn at(&self, _i: usize) -> (f64, f64, f64, f64) {
        (self.center, self.se, self.lcl, self.ucl)
    }
    fn constant(&self) -> Option<ConstLimits> {
        Some(*self)
    }
}

/// One limit column of a stage: constant or per point (stage-relative slice).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Col<'a> {
    /// The same value at every point.
    Const(f64),
    /// One value per point of the stage.
    Slice(&'a [f64]),
}

impl Col<'_> {
    #[inline(always)]
    fn at(&self, i: usize) -> f64 {
        match self {
            Col::Const(v) => *v,
            Col::Slice(s) => s.get(i).copied().unwrap_or(f64::NAN),
        }
    }
}

/// Limits of which some vary per point.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ColLimits<'a> {
    pub center: Col<'a>,
    pub se: Col<'a>,
    pub lcl: Col<'a>,
    pub ucl: Col<'a>,
}

impl Limits for ColLimits<'_> {
    #[inline(always)]
    fn at(&self, i: usize) -> (f64, f64, f64, f64) {
        (
            self.center.at(i),
            self.se.at(i),
            self.lcl.at(i),
            self.ucl.at(i),
        )
    }
}

/// The standardised value, exactly as [`super::chart::point`] computes it.
#[inline(always)]
fn zval(x: f64, c: f64, se: f64) -> f64 {
    let d = x - c;
    if se > 0.0 {
        d / se
    } else if d == 0.0 {
        0.0
    } else {
        d * f64::INFINITY
    }
}

/// Predicate words of (up to) 64 consecutive points; bit `j` is point `base + j`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Preds {
    valid: u64,
    pos: u64,
    neg: u64,
    hi2: u64,
    lo2: u64,
    hi1: u64,
    lo1: u64,
    beyond: u64,
    rise: u64,
    fall: u64,
}

/// Zone thresholds in standard errors.
#[derive(Debug, Clone, Copy)]
struct Zones {
    z1: f64,
    z2: f64,
}

/// Predicates of points `start..start + len` (`len ≤ 64`), one point at a
/// time: used for the first word of a stage, the history word before a chunk
/// and the last partial word.
fn preds_scalar<L: Limits>(x: &[f64], lim: &L, start: usize, len: usize, zn: Zones) -> Preds {
    let valid_at = |i: usize| {
        let (c, se, _, _) = lim.at(i);
        !(x[i].is_nan() || zval(x[i], c, se).is_nan())
    };
    let mut p = Preds::default();
    for j in 0..len {
        let i = start + j;
        let (c, se, lo, hi) = lim.at(i);
        let xi = x[i];
        let z = zval(xi, c, se);
        let v = !(xi.is_nan() || z.is_nan());
        let bit = |b: bool| u64::from(b) << j;
        p.valid |= bit(v);
        p.pos |= bit(z > 0.0);
        p.neg |= bit(z < 0.0);
        p.hi2 |= bit(z > zn.z2);
        p.lo2 |= bit(z < -zn.z2);
        p.hi1 |= bit(z > zn.z1);
        p.lo1 |= bit(z < -zn.z1);
        p.beyond |= bit((xi > hi) | (xi < lo));
        if i > 0 && v && valid_at(i - 1) {
            let d = xi - x[i - 1];
            p.rise |= bit(d > 0.0);
            p.fall |= bit(d < 0.0);
        }
    }
    p
}

/// Pack bit `p` of each of 8 bytes (little-endian in `v`) into 8 bits.
#[inline(always)]
fn gather(v: u64, p: u32) -> u64 {
    ((v >> p) & 0x0101_0101_0101_0101).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Predicates of the 64 points `start..start + 64` (`start ≥ 1`), written so
/// the compiler vectorises the comparisons: one byte of flags per point, then
/// a multiply gathers each flag of 8 points into a byte of its word.
#[inline(always)]
fn preds_full<L: Limits>(x: &[f64], lim: &L, start: usize, prev_valid: bool, zn: Zones) -> Preds {
    let mut a = [0u8; 64];
    let mut b = [0u8; 64];
    let xs = &x[start - 1..start + 64];
    for j in 0..64 {
        let (c, se, lo, hi) = lim.at(start + j);
        let xi = xs[j + 1];
        let z = zval(xi, c, se);
        let d = xi - xs[j];
        a[j] = u8::from(!(xi.is_nan() | z.is_nan()))
            | u8::from(z > 0.0) << 1
            | u8::from(z < 0.0) << 2
            | u8::from(z > zn.z2) << 3
            | u8::from(z < -zn.z2) << 4
            | u8::from(z > zn.z1) << 5
            | u8::from(z < -zn.z1) << 6
            | u8::from((xi > hi) | (xi < lo)) << 7;
        b[j] = u8::from(d > 0.0) | u8::from(d < 0.0) << 1;
    }
    let mut w = [0u64; 10];
    for (k, (ca, cb)) in a.chunks_exact(8).zip(b.chunks_exact(8)).enumerate() {
        let mut t = [0u8; 8];
        t.copy_from_slice(ca);
        let va = u64::from_le_bytes(t);
        t.copy_from_slice(cb);
        let vb = u64::from_le_bytes(t);
        for (p, wp) in w.iter_mut().take(8).enumerate() {
            *wp |= gather(va, p as u32) << (8 * k);
        }
        w[8] |= gather(vb, 0) << (8 * k);
        w[9] |= gather(vb, 1) << (8 * k);
    }
    let valid = w[0];
    // Rising/falling needs both points valid (a missing point resets `prev`).
    let both = valid & ((valid << 1) | u64::from(prev_valid));
    Preds {
        valid,
        pos: w[1],
        neg: w[2],
        hi2: w[3],
        lo2: w[4],
        hi1: w[5],
        lo1: w[6],
        beyond: w[7],
        rise: w[8] & both,
        fall: w[9] & both,
    }
}

/// The zone predicates of constant limits as comparisons of the raw value
/// with exact cut-offs, so the kernel needs no subtraction nor division.
///
/// For a finite centre `c` and a finite `se > 0`, the computed standardised
/// value `z(x) = fl(fl(x − c) / se)` ([`zval`]) is non-decreasing in `x`
/// (IEEE rounding is monotone), so `z(x) > t` holds exactly for the floats
/// above the largest float `X` with `z(X) ≤ t`, and `z(x) < t` exactly for
/// those below the smallest float `Y` with `z(Y) ≥ t`. Both are found by
/// bisection over the ordered floats (64 steps), evaluating `zval` itself,
/// so the predicates equal those of [`preds_full`] bit for bit (NaN compares
/// false on both sides; proptest below).
#[derive(Debug, Clone, Copy)]
struct Cuts {
    /// `z > 0`, `z < 0`, `z > z2`, `z < −z2`, `z > z1`, `z < −z1`.
    pos: f64,
    neg: f64,
    hi2: f64,
    lo2: f64,
    hi1: f64,
    lo1: f64,
    lcl: f64,
    ucl: f64,
}

/// A key of `x` whose integer order is the order of the non-NaN floats.
fn key(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    if b < 0 { b ^ i64::MAX } else { b }
}

fn unkey(k: i64) -> f64 {
    f64::from_bits((if k < 0 { k ^ i64::MAX } else { k }) as u64)
}

impl Cuts {
    fn new(l: ConstLimits, zn: Zones) -> Option<Self> {
        let ok = l.center.is_finite()
            && l.se.is_finite()
            && l.se > 0.0
            && zn.z1.is_finite()
            && zn.z2.is_finite();
        if !ok {
            return None;
        }
        let z = |x: f64| zval(x, l.center, l.se);
        // Key of the smallest float for which `p` holds, `p` false at −∞, true at +∞
        // and monotone in between (z(−∞) = −∞, z(+∞) = +∞).
        let first = |p: &dyn Fn(f64) -> bool| {
            let (mut lo, mut hi) = (key(f64::NEG_INFINITY), key(f64::INFINITY));
            while i128::from(hi) - i128::from(lo) > 1 {
                let mid = ((i128::from(lo) + i128::from(hi)) >> 1) as i64;
                if p(unkey(mid)) { hi = mid } else { lo = mid }
            }
            hi
        };
        // Largest float with z ≤ t: the one before the first with z > t.
        let gt = |t: f64| unkey(first(&|x| z(x) > t) - 1);
        // Smallest float with z ≥ t.
        let lt = |t: f64| unkey(first(&|x| z(x) >= t));
        Some(Self {
            pos: gt(0.0),
            neg: lt(0.0),
            hi2: gt(zn.z2),
            lo2: lt(-zn.z2),
            hi1: gt(zn.z1),
            lo1: lt(-zn.z1),
            lcl: l.lcl,
            ucl: l.ucl,
        })
    }
}

/// Bit `j` set where `f` holds for `x[j]` (vectorised: one compare of 8
/// values per mask register, OR-reduced).
#[inline(always)]
fn mask64(x: &[f64; 64], f: impl Fn(f64) -> bool) -> u64 {
    let mut m = 0u64;
    for (j, &v) in x.iter().enumerate() {
        m |= u64::from(f(v)) << j;
    }
    m
}

/// [`preds_full`] for constant limits, by comparisons with [`Cuts`]; one
/// predicate at a time over the 64 contiguous values, so the compiler emits
/// plain vector compares (no gathers).
#[inline(always)]
fn preds_cut(x: &[f64], start: usize, prev_valid: bool, k: &Cuts) -> Preds {
    let (Some(v), Some(p)) = (
        x.get(start..start + 64)
            .and_then(|s| <&[f64; 64]>::try_from(s).ok()),
        x.get(start - 1..start + 63)
            .and_then(|s| <&[f64; 64]>::try_from(s).ok()),
    ) else {
        return Preds::default();
    };
    let valid = mask64(v, |v| !v.is_nan());
    let (mut rise, mut fall) = (0u64, 0u64);
    for j in 0..64 {
        rise |= u64::from(v[j] > p[j]) << j;
        fall |= u64::from(v[j] < p[j]) << j;
    }
    let both = valid & ((valid << 1) | u64::from(prev_valid));
    Preds {
        valid,
        pos: mask64(v, |v| v > k.pos),
        neg: mask64(v, |v| v < k.neg),
        hi2: mask64(v, |v| v > k.hi2),
        lo2: mask64(v, |v| v < k.lo2),
        hi1: mask64(v, |v| v > k.hi1),
        lo1: mask64(v, |v| v < k.lo1),
        beyond: mask64(v, |v| (v > k.ucl) | (v < k.lcl)),
        rise: rise & both,
        fall: fall & both,
    }
}

/// [`preds_cut`] with AVX-512 intrinsics (safe to call inside a function that enables
/// the features): each comparison of 8 values gives an 8-bit mask register that goes
/// straight into its byte of the word, where the portable build assembles the word
/// from vector lanes. The same comparisons (ordered, quiet: NaN compares false), so
/// the same words bit for bit (proptest `cut_predicates_equal_standardised` runs every
/// intrinsic build).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
fn preds_cut_avx512(x: &[f64], start: usize, prev_valid: bool, k: &Cuts) -> Preds {
    use std::arch::x86_64::{
        _CMP_GT_OQ, _CMP_LT_OQ, _CMP_ORD_Q, _mm512_cmp_pd_mask, _mm512_set_pd, _mm512_set1_pd,
    };
    let (Some(v), Some(p)) = (
        x.get(start..start + 64)
            .and_then(|s| <&[f64; 64]>::try_from(s).ok()),
        x.get(start - 1..start + 63)
            .and_then(|s| <&[f64; 64]>::try_from(s).ok()),
    ) else {
        return Preds::default();
    };
    let t = [
        _mm512_set1_pd(k.pos),
        _mm512_set1_pd(k.neg),
        _mm512_set1_pd(k.hi2),
        _mm512_set1_pd(k.lo2),
        _mm512_set1_pd(k.hi1),
        _mm512_set1_pd(k.lo1),
        _mm512_set1_pd(k.ucl),
        _mm512_set1_pd(k.lcl),
    ];
    // Byte `j` of each word is the mask of values 8j..8j + 8 (assembled in memory:
    // faster than the shift-and-OR chains the compiler turns into vector inserts).
    let mut m = [[0u8; 8]; 10];
    for (j, (v8, p8)) in v.chunks_exact(8).zip(p.chunks_exact(8)).enumerate() {
        // Eight consecutive values: one unaligned vector load.
        let a = _mm512_set_pd(v8[7], v8[6], v8[5], v8[4], v8[3], v8[2], v8[1], v8[0]);
        let b = _mm512_set_pd(p8[7], p8[6], p8[5], p8[4], p8[3], p8[2], p8[1], p8[0]);
        m[0][j] = _mm512_cmp_pd_mask::<_CMP_ORD_Q>(a, a);
        m[1][j] = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(a, t[0]);
        m[2][j] = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, t[1]);
        m[3][j] = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(a, t[2]);
        m[4][j] = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, t[3]);
        m[5][j] = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(a, t[4]);
        m[6][j] = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, t[5]);
        m[7][j] =
            _mm512_cmp_pd_mask::<_CMP_GT_OQ>(a, t[6]) | _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, t[7]);
        m[8][j] = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(a, b);
        m[9][j] = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, b);
    }
    let [valid, pos, neg, hi2, lo2, hi1, lo1, beyond, rise, fall] = m.map(u64::from_le_bytes);
    let both = valid & ((valid << 1) | u64::from(prev_valid));
    Preds {
        valid,
        pos,
        neg,
        hi2,
        lo2,
        hi1,
        lo1,
        beyond,
        rise: rise & both,
        fall: fall & both,
    }
}

/// [`preds_cut`], or on the AVX-512 and AVX2 instances of [`judge_range`] (`ISA`)
/// [`preds_cut_avx512`] and [`preds_cut_avx2`].
#[inline(always)]
fn preds_cut_best<const ISA: u8>(x: &[f64], start: usize, prev_valid: bool, k: &Cuts) -> Preds {
    #[cfg(target_arch = "x86_64")]
    {
        if ISA == AVX512 {
            // SAFETY: `ISA` is `AVX512` only in the instance that `judge_range_avx512`
            // runs, which `judge_range_best` calls after checking that the CPU has every
            // feature `preds_cut_avx512` enables.
            #[allow(unsafe_code)]
            return unsafe { preds_cut_avx512(x, start, prev_valid, k) };
        }
        if ISA == AVX2 {
            // SAFETY: as above: `judge_range_avx2` runs only after AVX2 was detected.
            #[allow(unsafe_code)]
            return unsafe { preds_cut_avx2(x, start, prev_valid, k) };
        }
    }
    preds_cut(x, start, prev_valid, k)
}

/// [`preds_cut`] with AVX2 intrinsics, as [`preds_cut_avx512`]: each comparison of 4
/// values gives a 4-bit mask (`movemask`), two of them a byte of the word.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn preds_cut_avx2(x: &[f64], start: usize, prev_valid: bool, k: &Cuts) -> Preds {
    use std::arch::x86_64::{
        __m256d, _CMP_GT_OQ, _CMP_LT_OQ, _CMP_ORD_Q, _mm256_cmp_pd, _mm256_movemask_pd,
        _mm256_or_pd, _mm256_set_pd, _mm256_set1_pd,
    };
    /// One bit per lane of the two 4-lane compare results `lo` and `hi`.
    #[target_feature(enable = "avx2")]
    fn bits(lo: __m256d, hi: __m256d) -> u8 {
        // A movemask has 4 bits (0..16), so both fit a byte.
        (_mm256_movemask_pd(lo) | _mm256_movemask_pd(hi) << 4) as u8
    }
    let (Some(v), Some(p)) = (
        x.get(start..start + 64)
            .and_then(|s| <&[f64; 64]>::try_from(s).ok()),
        x.get(start - 1..start + 63)
            .and_then(|s| <&[f64; 64]>::try_from(s).ok()),
    ) else {
        return Preds::default();
    };
    let t = [
        _mm256_set1_pd(k.pos),
        _mm256_set1_pd(k.neg),
        _mm256_set1_pd(k.hi2),
        _mm256_set1_pd(k.lo2),
        _mm256_set1_pd(k.hi1),
        _mm256_set1_pd(k.lo1),
        _mm256_set1_pd(k.ucl),
        _mm256_set1_pd(k.lcl),
    ];
    let mut m = [[0u8; 8]; 10];
    for (j, (v8, p8)) in v.chunks_exact(8).zip(p.chunks_exact(8)).enumerate() {
        let a = [
            _mm256_set_pd(v8[3], v8[2], v8[1], v8[0]),
            _mm256_set_pd(v8[7], v8[6], v8[5], v8[4]),
        ];
        let b = [
            _mm256_set_pd(p8[3], p8[2], p8[1], p8[0]),
            _mm256_set_pd(p8[7], p8[6], p8[5], p8[4]),
        ];
        let gt = |i: usize, t: __m256d| _mm256_cmp_pd::<_CMP_GT_OQ>(a[i], t);
        let lt = |i: usize, t: __m256d| _mm256_cmp_pd::<_CMP_LT_OQ>(a[i], t);
        m[0][j] = bits(
            _mm256_cmp_pd::<_CMP_ORD_Q>(a[0], a[0]),
            _mm256_cmp_pd::<_CMP_ORD_Q>(a[1], a[1]),
        );
        m[1][j] = bits(gt(0, t[0]), gt(1, t[0]));
        m[2][j] = bits(lt(0, t[1]), lt(1, t[1]));
        m[3][j] = bits(gt(0, t[2]), gt(1, t[2]));
        m[4][j] = bits(lt(0, t[3]), lt(1, t[3]));
        m[5][j] = bits(gt(0, t[4]), gt(1, t[4]));
        m[6][j] = bits(lt(0, t[5]), lt(1, t[5]));
        m[7][j] = bits(
            _mm256_or_pd(gt(0, t[6]), lt(0, t[7])),
            _mm256_or_pd(gt(1, t[6]), lt(1, t[7])),
        );
        m[8][j] = bits(gt(0, b[0]), gt(1, b[1]));
        m[9][j] = bits(lt(0, b[0]), lt(1, b[1]));
    }
    let [valid, pos, neg, hi2, lo2, hi1, lo1, beyond, rise, fall] = m.map(u64::from_le_bytes);
    let both = valid & ((valid << 1) | u64::from(prev_valid));
    Preds {
        valid,
        pos,
        neg,
        hi2,
        lo2,
        hi1,
        lo1,
        beyond,
        rise: rise & both,
        fall: fall & both,
    }
}

/// `cur` with the previous word's bits shifted in from below by `s` (bit `j`
/// of the result is point `j − s`).
#[inline(always)]
fn sh(cur: u64, prev: u64, s: u32) -> u64 {
    ((((cur as u128) << 64) | prev as u128) << s >> 64) as u64
}

/// Bit `j` set where the predicate held at the last `l` points ending at `j`
/// (`l ≤ 64`), by doubling AND-shifts.
#[inline(always)]
fn all_last(cur: u64, prev: u64, l: u32) -> u64 {
    let mut r = ((cur as u128) << 64) | prev as u128;
    let mut covered = 1;
    while covered < l {
        let s = covered.min(l - covered);
        r &= r << s;
        covered += s;
    }
    (r >> 64) as u64
}

/// At least one of the last `l` points.
#[inline(always)]
fn any_last(cur: u64, prev: u64, l: u32) -> u64 {
    !all_last(!cur, !prev, l)
}

/// The eight rule words (bit `j` = rule fires at point `j`) of the current
/// word given the previous one.
#[inline(always)]
fn rule_words(c: &Preds, p: &Preds, family: RuleFamily) -> [u64; 8] {
    let seen3 = all_last(c.valid, p.valid, 3);
    let seen5 = all_last(c.valid, p.valid, 5);
    // The point itself beyond, and ≥ 1 of the 2 before: 2 of 3.
    let t23 = |cur: u64, prev: u64| cur & (sh(cur, prev, 1) | sh(cur, prev, 2));
    // The point itself beyond, and ≥ 3 of the 4 before: 4 of 5.
    let f45 = |cur: u64, prev: u64| {
        let (a, b) = (sh(cur, prev, 1), sh(cur, prev, 2));
        let (e, d) = (sh(cur, prev, 3), sh(cur, prev, 4));
        cur & ((a & b & (e | d)) | (e & d & (a | b)))
    };
    let two3 = seen3 & (t23(c.hi2, p.hi2) | t23(c.lo2, p.lo2));
    let four5 = seen5 & (f45(c.hi1, p.hi1) | f45(c.lo1, p.lo1));
    let run = |l: u32| all_last(c.pos, p.pos, l) | all_last(c.neg, p.neg, l);
    let w = match family {
        RuleFamily::WesternElectric => [c.beyond, two3, four5, run(8), 0, 0, 0, 0],
        RuleFamily::Nelson => {
            let trend = all_last(c.rise, p.rise, 5) | all_last(c.fall, p.fall, 5);
            // A step alternates when it reverses the previous step. Bit 0 of
            // the previous word's alternation lacks its own predecessor, but
            // it lies 64 points back: beyond every rule's reach.
            let alt_c = (c.rise & sh(c.fall, p.fall, 1)) | (c.fall & sh(c.rise, p.rise, 1));
            let alt_p = (p.rise & (p.fall << 1)) | (p.fall & (p.rise << 1));
            let (out_c, out_p) = (c.hi1 | c.lo1, p.hi1 | p.lo1);
            let within_c = c.valid & !out_c;
            let within_p = p.valid & !out_p;
            let mixture =
                all_last(out_c, out_p, 8) & any_last(c.hi1, p.hi1, 8) & any_last(c.lo1, p.lo1, 8);
            [
                c.beyond,
                run(9),
                trend,
                all_last(alt_c, alt_p, 12),
                two3,
                four5,
                all_last(within_c, within_p, 15),
                mixture,
            ]
        }
        RuleFamily::Anhoej => [0; 8],
    };
    w.map(|r| r & c.valid)
}

/// Instruction-set level of an instance of [`judge_range`]: the portable build.
const PORTABLE: u8 = 0;
/// The AVX2 instance (`judge_range_avx2`).
const AVX2: u8 = 1;
/// The AVX-512 instance (`judge_range_avx512`).
const AVX512: u8 = 2;

/// Whether the CPU has the AVX-512 subsets the wide kernels enable (F, BW, DQ, VL).
#[cfg(target_arch = "x86_64")]
fn has_avx512() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
        && std::arch::is_x86_feature_detected!("avx512bw")
        && std::arch::is_x86_feature_detected!("avx512dq")
        && std::arch::is_x86_feature_detected!("avx512vl")
}

/// [`judge_range`] compiled for the widest vector unit the CPU has: the same
/// code, built a second and third time with AVX-512 and AVX2 enabled and
/// chosen at run time (the portable build targets SSE2, two lanes).
fn judge_range_best<L: Limits>(
    x: &[f64],
    lim: &L,
    range: std::ops::Range<usize>,
    rules: RuleSet,
    zn: Zones,
    out: &mut [u8],
) {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx512() {
            // SAFETY: `judge_range_avx512` only needs the CPU to support the
            // features it enables, which was checked just above.
            #[allow(unsafe_code)]
            unsafe {
                judge_range_avx512(x, lim, range, rules, zn, out);
            }
            return;
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: as above, for AVX2.
            #[allow(unsafe_code)]
            unsafe {
                judge_range_avx2(x, lim, range, rules, zn, out);
            }
            return;
        }
    }
    judge_range::<L, PORTABLE>(x, lim, range, rules, zn, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
fn judge_range_avx512<L: Limits>(
    x: &[f64],
    lim: &L,
    range: std::ops::Range<usize>,
    rules: RuleSet,
    zn: Zones,
    out: &mut [u8],
) {
    judge_range::<L, AVX512>(x, lim, range, rules, zn, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn judge_range_avx2<L: Limits>(
    x: &[f64],
    lim: &L,
    range: std::ops::Range<usize>,
    rules: RuleSet,
    zn: Zones,
    out: &mut [u8],
) {
    judge_range::<L, AVX2>(x, lim, range, rules, zn, out);
}

/// Judge points `range` of a stage (`x` and `lim` are the whole stage), writing
/// their flags into `out` (`out.len() == range.len()`, zeroed). `ISA` selects the
/// predicates written with intrinsics ([`preds_cut_best`]): only `judge_range_avx512`
/// and `judge_range_avx2` pass [`AVX512`] and [`AVX2`].
#[inline(always)]
fn judge_range<L: Limits, const ISA: u8>(
    x: &[f64],
    lim: &L,
    range: std::ops::Range<usize>,
    rules: RuleSet,
    zn: Zones,
    out: &mut [u8],
) {
    let (family, mask) = (rules.family(), rules.mask());
    let s = range.start;
    // History: the 64 points before `s` (fewer at the stage start, placed in
    // the high bits so bit 63 is always point s − 1).
    let h = s.min(64);
    let mut prev = preds_scalar(x, lim, s - h, h, zn);
    if h < 64 {
        let up = |w: u64| if h == 0 { 0 } else { w << (64 - h) };
        prev = Preds {
            valid: up(prev.valid),
            pos: up(prev.pos),
            neg: up(prev.neg),
            hi2: up(prev.hi2),
            lo2: up(prev.lo2),
            hi1: up(prev.hi1),
            lo1: up(prev.lo1),
            beyond: up(prev.beyond),
            rise: up(prev.rise),
            fall: up(prev.fall),
        };
    }
    let cuts = lim.constant().and_then(|l| Cuts::new(l, zn));
    let mut base = s;
    while base < range.end {
        let len = (range.end - base).min(64);
        let cur = if base > 0 && len == 64 {
            match &cuts {
                Some(k) => preds_cut_best::<ISA>(x, base, prev.valid >> 63 == 1, k),
                None => preds_full(x, lim, base, prev.valid >> 63 == 1, zn),
            }
        } else {
            preds_scalar(x, lim, base, len, zn)
        };
        let words = rule_words(&cur, &prev, family);
        let mut any = 0u64;
        let mut ws = [0u64; 8];
        for (r, (w, v)) in ws.iter_mut().zip(words).enumerate() {
            if mask >> r & 1 == 1 {
                *w = v;
                any |= v;
            }
        }
        let o = &mut out[base - s..base - s + len];
        let mut bits = any;
        while bits != 0 {
            let j = bits.trailing_zeros();
            let mut f = 0u8;
            for (r, w) in ws.iter().enumerate() {
                f |= (((w >> j) & 1) as u8) << r;
            }
            if let Some(slot) = o.get_mut(j as usize) {
                *slot = f;
            }
            bits &= bits - 1;
        }
        prev = cur;
        base += 64;
    }
}

/// Flags of one stage (rules restart at its first point), split over
/// `chunks` ranges judged in parallel; `out` must be zeroed.
pub(crate) fn judge_stage<L: Limits>(
    x: &[f64],
    lim: &L,
    rules: RuleSet,
    width: f64,
    chunks: &[std::ops::Range<usize>],
    out: &mut [u8],
) {
    if rules.mask() == 0 || rules.family() == RuleFamily::Anhoej {
        return;
    }
    let zn = Zones {
        z1: width / 3.0,
        z2: width * 2.0 / 3.0,
    };
    if chunks.len() <= 1 {
        judge_range_best(x, lim, 0..x.len(), rules, zn, out);
        return;
    }
    let ok = std::thread::scope(|scope| {
        let mut rest = &mut *out;
        let mut at = 0;
        let mut handles = Vec::with_capacity(chunks.len());
        for r in chunks {
            let (mine, tail) = rest.split_at_mut(r.end - at);
            let mine = &mut mine[r.start - at..];
            rest = tail;
            at = r.end;
            let r = r.clone();
            handles.push(scope.spawn(move || judge_range_best(x, lim, r, rules, zn, mine)));
        }
        handles.into_iter().all(|h| h.join().is_ok())
    });
    if !ok {
        // Not reachable (the kernel does not panic); judge on this thread.
        out.fill(0);
        judge_range_best(x, lim, 0..x.len(), rules, zn, out);
    }
}

/// Count and sum of the non-missing values of `x`, and count and sum of the
/// moving ranges |xᵢ − xᵢ₋₁| between neighbours that are both present; one
/// pass (parallel over chunks for long series), eight partial sums per chunk.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Moments {
    pub n: usize,
    pub sum: f64,
    pub mr_n: usize,
    pub mr_sum: f64,
}

/// [`moments_range`], with AVX-512 when the CPU has it (as [`judge_range_best`]).
fn moments_best(x: &[f64], r: std::ops::Range<usize>) -> Moments {
    #[cfg(target_arch = "x86_64")]
    if has_avx512() {
        // SAFETY: the CPU supports the features `moments_avx512` enables
        // (checked just above).
        #[allow(unsafe_code)]
        return unsafe { moments_avx512(x, r) };
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above).
        #[allow(unsafe_code)]
        return unsafe { moments_avx2(x, r) };
    }
    moments_range(x, r)
}

/// [`moments_range`] with AVX-512 intrinsics: the eight lanes of each sum are the
/// lanes of one register, and a missing value or moving range is left out by a
/// masked add (the compiler does not turn the portable loop's eight scalar chains
/// into vectors). Lane `k` takes the same points in the same order, and the lanes
/// are added in the same pairwise order, so the sums equal the portable ones bit
/// for bit (proptest `moments_match_plain_sums`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
fn moments_avx512(x: &[f64], r: std::ops::Range<usize>) -> Moments {
    use std::arch::x86_64::{
        __m512d, _CMP_ORD_Q, _mm_cvtsd_f64, _mm_unpackhi_pd, _mm256_castpd256_pd128,
        _mm256_extractf128_pd, _mm512_abs_pd, _mm512_castpd512_pd256, _mm512_cmp_pd_mask,
        _mm512_extractf64x4_pd, _mm512_mask_add_pd, _mm512_set_pd, _mm512_set1_pd,
        _mm512_setzero_pd, _mm512_sub_pd,
    };
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    fn lanes(v: __m512d) -> [f64; 8] {
        let (lo, hi) = (_mm512_castpd512_pd256(v), _mm512_extractf64x4_pd::<1>(v));
        let (a, b) = (_mm256_castpd256_pd128(lo), _mm256_extractf128_pd::<1>(lo));
        let (c, d) = (_mm256_castpd256_pd128(hi), _mm256_extractf128_pd::<1>(hi));
        let [a, b, c, d] =
            [a, b, c, d].map(|h| [_mm_cvtsd_f64(h), _mm_cvtsd_f64(_mm_unpackhi_pd(h, h))]);
        [a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1]]
    }
    let first = if r.start == 0 && r.end > 0 {
        1
    } else {
        r.start
    };
    let (mut s, mut c) = (_mm512_setzero_pd(), _mm512_setzero_pd());
    let (mut ms, mut mc) = (_mm512_setzero_pd(), _mm512_setzero_pd());
    let mut tail = (x.get(first..r.end).unwrap_or(&[]), &[][..]);
    if first > r.start {
        // Point 0 (no moving range) opens lane 0, as in the portable loop.
        let x0 = x.first().copied().unwrap_or(f64::NAN);
        if !x0.is_nan() {
            // 0 + x0, as the portable sum starts (−0 becomes +0 there too).
            s = _mm512_set_pd(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0 + x0);
            c = _mm512_set_pd(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0);
        }
    }
    if first < r.end {
        let cur = &x[first..r.end];
        let prv = &x[first - 1..r.end - 1];
        let one = _mm512_set1_pd(1.0);
        let mut cc = cur.chunks_exact(8);
        let mut pc = prv.chunks_exact(8);
        for (c8, p8) in (&mut cc).zip(&mut pc) {
            // Eight consecutive values: one unaligned vector load each.
            let b = _mm512_set_pd(c8[7], c8[6], c8[5], c8[4], c8[3], c8[2], c8[1], c8[0]);
            let a = _mm512_set_pd(p8[7], p8[6], p8[5], p8[4], p8[3], p8[2], p8[1], p8[0]);
            let ok = _mm512_cmp_pd_mask::<_CMP_ORD_Q>(b, b);
            s = _mm512_mask_add_pd(s, ok, s, b);
            c = _mm512_mask_add_pd(c, ok, c, one);
            let d = _mm512_abs_pd(_mm512_sub_pd(b, a));
            let dok = _mm512_cmp_pd_mask::<_CMP_ORD_Q>(d, d);
            ms = _mm512_mask_add_pd(ms, dok, ms, d);
            mc = _mm512_mask_add_pd(mc, dok, mc, one);
        }
        tail = (cc.remainder(), pc.remainder());
    }
    close_lanes([lanes(s), lanes(c), lanes(ms), lanes(mc)], tail)
}

/// [`moments_range`] with AVX2 intrinsics, as [`moments_avx512`]: the eight lanes of
/// each sum are two 4-lane registers, and a missing value adds `+0` (as the portable
/// loop does), through a compare mask.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn moments_avx2(x: &[f64], r: std::ops::Range<usize>) -> Moments {
    use std::arch::x86_64::{
        __m256d, _CMP_ORD_Q, _mm_cvtsd_f64, _mm_unpackhi_pd, _mm256_add_pd, _mm256_and_pd,
        _mm256_andnot_pd, _mm256_castpd256_pd128, _mm256_cmp_pd, _mm256_extractf128_pd,
        _mm256_set_pd, _mm256_set1_pd, _mm256_setzero_pd, _mm256_sub_pd,
    };
    #[target_feature(enable = "avx2")]
    fn lanes(lo: __m256d, hi: __m256d) -> [f64; 8] {
        let q = [
            _mm256_castpd256_pd128(lo),
            _mm256_extractf128_pd::<1>(lo),
            _mm256_castpd256_pd128(hi),
            _mm256_extractf128_pd::<1>(hi),
        ];
        let [a, b, c, d] = q.map(|h| [_mm_cvtsd_f64(h), _mm_cvtsd_f64(_mm_unpackhi_pd(h, h))]);
        [a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1]]
    }
    let first = if r.start == 0 && r.end > 0 {
        1
    } else {
        r.start
    };
    let z = _mm256_setzero_pd();
    let (mut s, mut c, mut ms, mut mc) = ([z; 2], [z; 2], [z; 2], [z; 2]);
    if first > r.start {
        // Point 0 (no moving range) opens lane 0, as in the portable loop.
        let x0 = x.first().copied().unwrap_or(f64::NAN);
        if !x0.is_nan() {
            s[0] = _mm256_set_pd(0.0, 0.0, 0.0, 0.0 + x0);
            c[0] = _mm256_set_pd(0.0, 0.0, 0.0, 1.0);
        }
    }
    let mut tail = (x.get(first..r.end).unwrap_or(&[]), &[][..]);
    if first < r.end {
        let cur = &x[first..r.end];
        let prv = &x[first - 1..r.end - 1];
        let one = _mm256_set1_pd(1.0);
        // |v| clears the sign bit.
        let sign = _mm256_set1_pd(-0.0);
        let mut cc = cur.chunks_exact(8);
        let mut pc = prv.chunks_exact(8);
        for (c8, p8) in (&mut cc).zip(&mut pc) {
            for h in 0..2 {
                let o = 4 * h;
                let b = _mm256_set_pd(c8[o + 3], c8[o + 2], c8[o + 1], c8[o]);
                let a = _mm256_set_pd(p8[o + 3], p8[o + 2], p8[o + 1], p8[o]);
                let ok = _mm256_cmp_pd::<_CMP_ORD_Q>(b, b);
                s[h] = _mm256_add_pd(s[h], _mm256_and_pd(b, ok));
                c[h] = _mm256_add_pd(c[h], _mm256_and_pd(one, ok));
                let d = _mm256_andnot_pd(sign, _mm256_sub_pd(b, a));
                let dok = _mm256_cmp_pd::<_CMP_ORD_Q>(d, d);
                ms[h] = _mm256_add_pd(ms[h], _mm256_and_pd(d, dok));
                mc[h] = _mm256_add_pd(mc[h], _mm256_and_pd(one, dok));
            }
        }
        tail = (cc.remainder(), pc.remainder());
    }
    close_lanes(
        [
            lanes(s[0], s[1]),
            lanes(c[0], c[1]),
            lanes(ms[0], ms[1]),
            lanes(mc[0], mc[1]),
        ],
        tail,
    )
}

/// Eight running sums per quantity, lane `k` taking the points `first + 8j + k`; the
/// counts are kept as `f64` too (exact below 2⁵³), so each step of eight points is a
/// handful of whole-vector operations (compare, masked add, subtract, absolute value)
/// rather than eight scalar tests.
#[inline(always)]
fn moments_range(x: &[f64], r: std::ops::Range<usize>) -> Moments {
    let (mut s, mut c) = ([0.0f64; 8], [0.0f64; 8]);
    let (mut ms, mut mc) = ([0.0f64; 8], [0.0f64; 8]);
    let add = |s: &mut f64, c: &mut f64, ms: &mut f64, mc: &mut f64, a: f64, b: f64| {
        let ok = !b.is_nan();
        *s += if ok { b } else { 0.0 };
        *c += if ok { 1.0 } else { 0.0 };
        let d = (b - a).abs();
        let dok = !d.is_nan();
        *ms += if dok { d } else { 0.0 };
        *mc += if dok { 1.0 } else { 0.0 };
    };
    // Point 0 has no moving range: pair it with NaN.
    let first = if r.start == 0 && r.end > 0 {
        add(&mut s[0], &mut c[0], &mut ms[0], &mut mc[0], f64::NAN, x[0]);
        1
    } else {
        r.start
    };
    if first < r.end {
        let cur = &x[first..r.end];
        let prv = &x[first - 1..r.end - 1];
        let mut cc = cur.chunks_exact(8);
        let mut pc = prv.chunks_exact(8);
        for (c8, p8) in (&mut cc).zip(&mut pc) {
            for k in 0..8 {
                add(&mut s[k], &mut c[k], &mut ms[k], &mut mc[k], p8[k], c8[k]);
            }
        }
        return close_lanes([s, c, ms, mc], (cc.remainder(), pc.remainder()));
    }
    close_lanes([s, c, ms, mc], (&[], &[]))
}

/// The lane sums `[s, c, ms, mc]` of every build, with the points past the last full
/// step of eight (`tail`: values and their predecessors) added to lane 0 as the
/// portable loop adds them, as [`Moments`] (lanes added pairwise).
fn close_lanes(lanes: [[f64; 8]; 4], tail: (&[f64], &[f64])) -> Moments {
    let [mut s, mut c, mut ms, mut mc] = lanes;
    for (&b, &a) in tail.0.iter().zip(tail.1) {
        let ok = !b.is_nan();
        s[0] += if ok { b } else { 0.0 };
        c[0] += if ok { 1.0 } else { 0.0 };
        let d = (b - a).abs();
        let dok = !d.is_nan();
        ms[0] += if dok { d } else { 0.0 };
        mc[0] += if dok { 1.0 } else { 0.0 };
    }
    // Each lane counts at most `x.len()` points, exactly (below 2⁵³).
    let count = |v: &[f64; 8]| v.iter().map(|&k| k as usize).sum();
    Moments {
        n: count(&c),
        sum: pairwise(&s),
        mr_n: count(&mc),
        mr_sum: pairwise(&ms),
    }
}

fn pairwise(v: &[f64; 8]) -> f64 {
    ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]))
}

/// [`Moments`] of `x`, over threads for a long series.
pub(crate) fn moments(x: &[f64]) -> Moments {
    let t = threads(x.len());
    if t <= 1 {
        return moments_best(x, 0..x.len());
    }
    let parts: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = splits(x.len(), t)
            .into_iter()
            .map(|r| scope.spawn(move || moments_best(x, r)))
            .collect();
        handles.into_iter().map(|h| h.join()).collect()
    });
    // A worker cannot panic (no indexing outside its range); if one did,
    // recompute on this thread rather than lose its part.
    let Ok(parts) = parts.into_iter().collect::<Result<Vec<Moments>, _>>() else {
        return moments_range(x, 0..x.len());
    };
    parts.iter().fold(Moments::default(), |a, b| Moments {
        n: a.n + b.n,
        sum: a.sum + b.sum,
        mr_n: a.mr_n + b.mr_n,
        mr_sum: a.mr_sum + b.mr_sum,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::spc::chart::{PerPoint, Stage, judge, judge_sequential};
    use crate::spc::rules::RuleFamily;
    use proptest::prelude::*;

    fn rule_sets() -> impl Strategy<Value = RuleSet> {
        prop_oneof![
            Just(RuleSet::Nelson),
            Just(RuleSet::WesternElectric),
            Just(RuleSet::Qcc),
            (1u8..=255).prop_map(|m| RuleSet::Custom {
                family: RuleFamily::Nelson,
                mask: m
            }),
            (1u8..=15).prop_map(|m| RuleSet::Custom {
                family: RuleFamily::WesternElectric,
                mask: m
            }),
        ]
    }

    /// Values on a grid of half standard errors (so points land exactly on
    /// the centre line, on zone boundaries and on each other), with NaNs.
    fn series(max: usize) -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(
            prop_oneof![
                20 => (-9i32..=9).prop_map(|k| f64::from(k) / 2.0),
                1 => Just(f64::NAN),
                3 => -4.0f64..4.0,
            ],
            0..max,
        )
    }

    fn stages_of(n: usize, cuts: &[usize]) -> Vec<Stage> {
        let mut b: Vec<usize> = cuts.iter().map(|c| c % (n + 1)).collect();
        b.push(0);
        b.push(n);
        b.sort_unstable();
        b.dedup();
        b.windows(2)
            .map(|w| Stage {
                start: w[0],
                end: w[1],
                center: 0.0,
                sigma: 1.0,
                calibration_points: 0,
            })
            .collect()
    }

    /// Random chunk boundaries of `0..n` (not aligned to 64).
    fn chunks_of(n: usize, cuts: &[usize]) -> Vec<std::ops::Range<usize>> {
        let mut b: Vec<usize> = cuts.iter().map(|c| c % (n + 1)).collect();
        b.push(0);
        b.push(n);
        b.sort_unstable();
        b.dedup();
        b.windows(2).map(|w| w[0]..w[1]).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Constant limits, random chunk boundaries: equals the sequential machine.
        #[test]
        fn constant_limits_match_sequential(
            x in series(700),
            rules in rule_sets(),
            width in prop_oneof![Just(3.0), Just(2.0), 0.5f64..4.0],
            cuts in prop::collection::vec(0usize..10_000, 0..6),
            (c, s) in prop_oneof![Just((0.0, 1.0)), (-50.0f64..50.0, 0.01f64..20.0)],
        ) {
            let n = x.len();
            // Shift and scale the grid (values stay on or near zone edges).
            let x: Vec<f64> = x.iter().map(|v| c + v * s).collect();
            let (lo, hi) = (c - width * s, c + width * s);
            let st = stages_of(n, &[]);
            let (pc, ps, pl, pu) = (PerPoint::Constant(c), PerPoint::Constant(s), PerPoint::Constant(lo), PerPoint::Constant(hi));
            let want = judge_sequential(&x, &pc, &ps, &pl, &pu, &st, rules, width);
            prop_assert_eq!(&judge(&x, &pc, &ps, &pl, &pu, &st, rules, width), &want);
            let mut got = vec![0u8; n];
            let lim = ConstLimits { center: c, se: s, lcl: lo, ucl: hi };
            judge_stage(&x, &lim, rules, width, &chunks_of(n, &cuts), &mut got);
            prop_assert_eq!(got, want);
        }

        /// Per-point limits (zero standard errors included) and stages, with
        /// random chunk boundaries inside each stage.
        #[test]
        fn varying_limits_and_stages_match_sequential(
            pts in prop::collection::vec((
                prop_oneof![
                    20 => (-9i32..=9).prop_map(|k| f64::from(k) / 2.0),
                    1 => Just(f64::NAN),
                ],
                prop_oneof![Just(1.0), Just(0.5), Just(2.0), Just(0.0), Just(f64::NAN)],
                prop_oneof![Just(0.0), Just(0.5)],
            ), 0..400),
            rules in rule_sets(),
            stage_cuts in prop::collection::vec(0usize..10_000, 0..4),
            cuts in prop::collection::vec(0usize..10_000, 0..5),
        ) {
            let n = pts.len();
            let x: Vec<f64> = pts.iter().map(|p| p.0).collect();
            let se: Vec<f64> = pts.iter().map(|p| p.1).collect();
            let c: Vec<f64> = pts.iter().map(|p| p.2).collect();
            let lo: Vec<f64> = c.iter().zip(&se).map(|(c, s)| c - 3.0 * s).collect();
            let hi: Vec<f64> = c.iter().zip(&se).map(|(c, s)| c + 3.0 * s).collect();
            let st = stages_of(n, &stage_cuts);
            let (pc, ps, pl, pu) = (PerPoint::Varying(c.clone()), PerPoint::Varying(se.clone()), PerPoint::Varying(lo.clone()), PerPoint::Varying(hi.clone()));
            let want = judge_sequential(&x, &pc, &ps, &pl, &pu, &st, rules, 3.0);
            prop_assert_eq!(&judge(&x, &pc, &ps, &pl, &pu, &st, rules, 3.0), &want);
            let mut got = vec![0u8; n];
            for s in &st {
                let r = s.start..s.end;
                let lim = ColLimits {
                    center: Col::Slice(&c[r.clone()]),
                    se: Col::Slice(&se[r.clone()]),
                    lcl: Col::Slice(&lo[r.clone()]),
                    ucl: Col::Slice(&hi[r.clone()]),
                };
                judge_stage(&x[r.clone()], &lim, rules, 3.0, &chunks_of(r.len(), &cuts), &mut got[r]);
            }
            prop_assert_eq!(got, want);
        }

        /// One-pass moments equal the plain sums (to rounding) over any split.
        #[test]
        fn moments_match_plain_sums(x in series(3000), cut in 0usize..3000) {
            let m = moments_range(&x, 0..x.len());
            let cut = cut.min(x.len());
            let (a, b) = (moments_range(&x, 0..cut), moments_range(&x, cut..x.len()));
            let vals: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
            let mrs: Vec<f64> = x.windows(2).map(|w| (w[1] - w[0]).abs()).filter(|d| !d.is_nan()).collect();
            prop_assert_eq!(m.n, vals.len());
            prop_assert_eq!(m.mr_n, mrs.len());
            prop_assert_eq!(a.n + b.n, m.n);
            prop_assert_eq!(a.mr_n + b.mr_n, m.mr_n);
            prop_assert!((m.sum - vals.iter().sum::<f64>()).abs() < 1e-9);
            prop_assert!((m.mr_sum - mrs.iter().sum::<f64>()).abs() < 1e-9);
            prop_assert!((a.sum + b.sum - m.sum).abs() < 1e-9);
            // The AVX2 and AVX-512 builds add the same values in the same order: bit for bit.
            for r in [0..x.len(), 0..cut, cut..x.len()] {
                let p = moments_range(&x, r.clone());
                for w in moments_wide(&x, r.clone()) {
                    prop_assert_eq!((w.n, w.mr_n), (p.n, p.mr_n));
                    prop_assert_eq!((w.sum.to_bits(), w.mr_sum.to_bits()), (p.sum.to_bits(), p.mr_sum.to_bits()));
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The cut-off predicates equal the standardised ones exactly, for
        /// any centre and standard error, with values on and next to every
        /// cut-off, on the zone boundaries, infinite and missing.
        #[test]
        fn cut_predicates_equal_standardised(
            center in prop_oneof![Just(0.0), -1e3f64..1e3, -1e-3f64..1e-3],
            se in prop_oneof![Just(1.0), 1e-6f64..1e3, 1e-300f64..1e-290],
            width in prop_oneof![Just(3.0), 0.1f64..6.0],
            picks in prop::collection::vec((0usize..12, -20i32..=20, 0u8..4), 130),
        ) {
            let zn = Zones { z1: width / 3.0, z2: width * 2.0 / 3.0 };
            let lim = ConstLimits { center, se, lcl: center - width * se, ucl: center + width * se };
            let k = Cuts::new(lim, zn).unwrap();
            let cuts = [k.pos, k.neg, k.hi2, k.lo2, k.hi1, k.lo1, k.lcl, k.ucl];
            let x: Vec<f64> = picks
                .iter()
                .map(|&(which, step, nudge)| match which {
                    0..=7 => {
                        let c = cuts[which];
                        match nudge { 0 => c, 1 => c.next_up(), 2 => c.next_down(), _ => c + f64::from(step) * se / 64.0 }
                    }
                    8 => center + f64::from(step) * se * width / 6.0,
                    9 => f64::NAN,
                    10 => if step > 0 { f64::INFINITY } else { f64::NEG_INFINITY },
                    _ => center + f64::from(step) * se,
                })
                .collect();
            for start in [1usize, 2, 33, 66] {
                for pv in [false, true] {
                    let want = preds_full(&x, &lim, start, pv, zn);
                    prop_assert_eq!(preds_cut(&x, start, pv, &k), want);
                    for wide in preds_cut_wide(&x, start, pv, &k) {
                        prop_assert_eq!(wide, want);
                    }
                }
            }
        }
    }

    /// The predicates of every intrinsic build the CPU can run (AVX2, AVX-512).
    fn preds_cut_wide(x: &[f64], start: usize, pv: bool, k: &Cuts) -> Vec<Preds> {
        let mut out = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has the feature (checked just above).
                #[allow(unsafe_code)]
                out.push(unsafe { preds_cut_avx2(x, start, pv, k) });
            }
            if has_avx512() {
                // SAFETY: the CPU has the features (checked just above).
                #[allow(unsafe_code)]
                out.push(unsafe { preds_cut_avx512(x, start, pv, k) });
            }
        }
        let _ = (x, start, pv, k);
        out
    }

    /// The moments of every intrinsic build the CPU can run (AVX2, AVX-512).
    fn moments_wide(x: &[f64], r: std::ops::Range<usize>) -> Vec<Moments> {
        let mut out = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has the feature (checked just above).
                #[allow(unsafe_code)]
                out.push(unsafe { moments_avx2(x, r.clone()) });
            }
            if has_avx512() {
                // SAFETY: the CPU has the features (checked just above).
                #[allow(unsafe_code)]
                out.push(unsafe { moments_avx512(x, r.clone()) });
            }
        }
        let _ = (x, r);
        out
    }

    #[test]
    fn long_series_use_threads_and_match() {
        // 300k points: above PAR_MIN, so `judge` splits it over threads.
        let mut state = 7u64;
        let x: Vec<f64> = (0..300_000)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                if i % 9973 == 0 {
                    f64::NAN
                } else {
                    ((u * 12.0).floor() - 6.0) / 2.0
                }
            })
            .collect();
        let st = stages_of(x.len(), &[]);
        let k = |v| PerPoint::Constant(v);
        for rules in [RuleSet::Nelson, RuleSet::WesternElectric, RuleSet::Qcc] {
            let want = judge_sequential(&x, &k(0.0), &k(1.0), &k(-3.0), &k(3.0), &st, rules, 3.0);
            let got = judge(&x, &k(0.0), &k(1.0), &k(-3.0), &k(3.0), &st, rules, 3.0);
            assert_eq!(got, want);
            assert!(got.iter().any(|&f| f != 0));
        }
        assert!(splits(1000, 3).iter().all(|r| r.start % 64 == 0));
        // The portable build and the one chosen for this CPU agree.
        let lim = ConstLimits {
            center: 0.0,
            se: 1.0,
            lcl: -3.0,
            ucl: 3.0,
        };
        let zn = Zones { z1: 1.0, z2: 2.0 };
        let (mut a, mut b) = (vec![0u8; x.len()], vec![0u8; x.len()]);
        judge_range::<_, PORTABLE>(&x, &lim, 0..x.len(), RuleSet::Nelson, zn, &mut a);
        judge_range_best(&x, &lim, 0..x.len(), RuleSet::Nelson, zn, &mut b);
        assert_eq!(a, b);
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            let mut c = vec![0u8; x.len()];
            // SAFETY: the CPU has AVX2 (checked just above).
            #[allow(unsafe_code)]
            unsafe {
                judge_range_avx2(&x, &lim, 0..x.len(), RuleSet::Nelson, zn, &mut c);
            }
            assert_eq!(a, c);
        }
    }
}
