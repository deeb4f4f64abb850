//! Net Promoter Score: point estimate, standard error and confidence interval,
//! unweighted (Wald, adjusted-Wald, bootstrap) and survey-weighted (Taylor
//! linearisation).
//!
//! Each respondent contributes `y = +1` (promoter, 9–10), `0` (passive, 7–8) or
//! `−1` (detractor, 0–6); NPS is `100 · mean(y)`. Scores, standard errors and
//! interval bounds are in NPS points (−100 … 100); shares are ratios (0–1).

use crate::error::{CxError, Result};
use crate::progress::{Progress, Ticker};
use crate::stats::{Xoshiro256, dist};

/// Sentinel for a missing score in the `u8` fast paths (e.g. an Arrow null).
pub const SCORE_MISSING_U8: u8 = u8::MAX;

/// How the NPS confidence interval is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum NpsInterval {
    /// Wald: `(p − d) ± z·√((p + d − (p − d)²)/n)`.
    Wald,
    /// Adjusted Wald (the default): add ¾ promoter, ¾ detractor and 1½ passives
    /// (n′ = n + 3), then Wald on the adjusted proportions. Best coverage in Rocks (2016).
    #[default]
    AdjustedWald,
    /// Percentile bootstrap with a seeded xoshiro256** generator.
    Bootstrap {
        /// Number of bootstrap resamples (≥ 2; 2 000 or more recommended).
        resamples: u32,
        /// Seed: the same seed gives the same interval.
        seed: u64,
    },
}

impl NpsInterval {
    /// Stable lower-case name: `"wald"`, `"adjusted-wald"` or `"bootstrap"`.
    pub fn name(self) -> &'static str {
        match self {
            NpsInterval::Wald => "wald",
            NpsInterval::AdjustedWald => "adjusted-wald",
            NpsInterval::Bootstrap { .. } => "bootstrap",
        }
    }
}

/// Options of [`nps`] and friends: interval method and confidence level.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct NpsOptions {
    /// Interval method (default adjusted Wald).
    pub interval: NpsInterval,
    /// Confidence level in (0, 1) (default 0.95).
    pub level: f64,
}

impl Default for NpsOptions {
    fn default() -> Self {
        Self {
            interval: NpsInterval::AdjustedWald,
            level: 0.95,
        }
    }
}

impl NpsOptions {
    /// Defaults: adjusted Wald at 95 %.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set the interval method.
    pub fn interval(mut self, interval: NpsInterval) -> Self {
        self.interval = interval;
        self
    }
    /// Set the confidence level.
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }
}

impl From<NpsInterval> for NpsOptions {
    fn from(interval: NpsInterval) -> Self {
        Self::new().interval(interval)
    }
}

/// Counts of promoters, passives and detractors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct NpsCounts {
    /// Respondents scoring 9–10.
    pub promoters: u64,
    /// Respondents scoring 7–8.
    pub passives: u64,
    /// Respondents scoring 0–6.
    pub detractors: u64,
}

impl NpsCounts {
    /// Counts from the three classes.
    pub fn new(promoters: u64, passives: u64, detractors: u64) -> Self {
        Self {
            promoters,
            passives,
            detractors,
        }
    }
    /// Number of respondents.
    pub fn n(&self) -> u64 {
        self.promoters + self.passives + self.detractors
    }
}

/// Result of an NPS computation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NpsSummary {
    /// NPS in points, `100 · (p − d)` (weighted shares when weights were given).
    pub score: f64,
    /// Number of promoters (9–10).
    pub n_promoters: u64,
    /// Number of passives (7–8).
    pub n_passives: u64,
    /// Number of detractors (0–6).
    pub n_detractors: u64,
    /// Share of promoters (0–1; weighted when weights were given).
    pub promoter_share: f64,
    /// Share of passives (0–1; weighted when weights were given).
    pub passive_share: f64,
    /// Share of detractors (0–1; weighted when weights were given).
    pub detractor_share: f64,
    /// Number of non-missing scores.
    pub n: u64,
    /// Number of missing scores (NaN, or [`SCORE_MISSING_U8`]) skipped.
    pub n_missing: u64,
    /// Standard error in points, of the method's estimator (adjusted for adjusted Wald,
    /// bootstrap standard deviation for the bootstrap, linearisation SE with weights).
    pub standard_error: f64,
    /// Lower confidence bound in points (clipped to −100).
    pub ci_low: f64,
    /// Upper confidence bound in points (clipped to 100).
    pub ci_high: f64,
    /// The interval method actually used (weighted estimates always report `Wald`).
    pub method: NpsInterval,
    /// Confidence level.
    pub level: f64,
    /// Sum of weights (`n` when unweighted).
    pub sum_weights: f64,
    /// Kish effective sample size `(Σw)²/Σw²` (`n` when unweighted).
    pub effective_n: f64,
}

/// Class of one score: 0 detractor, 1 passive, 2 promoter.
#[inline]
fn class_of(score: u8) -> usize {
    match score {
        9..=10 => 2,
        7..=8 => 1,
        _ => 0,
    }
}

/// Validate one `f64` score: `Ok(None)` for NaN (missing), `Ok(Some(s))` for an integer 0–10.
#[inline]
pub(crate) fn check_score(v: f64, row: usize) -> Result<Option<u8>> {
    if v.is_nan() {
        return Ok(None);
    }
    if (0.0..=10.0).contains(&v) && v.fract() == 0.0 {
        Ok(Some(v as u8))
    } else {
        Err(CxError::invalid(
            "score",
            Some(row),
            v,
            "NPS scores must be integers 0–10",
        ))
    }
}

/// Count classes of `f64` scores (NaN = missing): `(counts, n_missing)`.
///
/// # Errors
/// [`CxError::InvalidValue`] (field `score`, the row and value) for a non-integer or out-of-range score.
pub fn count_f64(scores: &[f64]) -> Result<(NpsCounts, u64)> {
    let mut c = [0u64; 3];
    let mut missing = 0u64;
    for (row, &v) in scores.iter().enumerate() {
        match check_score(v, row)? {
            Some(s) => c[class_of(s)] += 1,
            None => missing += 1,
        }
    }
    Ok((NpsCounts::new(c[2], c[1], c[0]), missing))
}

const LANES: usize = 64;

/// Count classes of `u8` scores ([`SCORE_MISSING_U8`] = missing): `(counts, n_missing)`.
///
/// The kernel keeps 64 byte-wide lane counters per class over blocks of 255 × 64
/// values, so that it vectorises on baseline x86-64 (SSE2) without `unsafe`; on a CPU with
/// AVX2 or AVX-512BW the same loop runs built for those (see `lane_counts_best`).
///
/// # Errors
/// [`CxError::InvalidValue`] (field `score`, the first offending row and value) for a score 11–254.
pub fn count_u8(scores: &[u8]) -> Result<(NpsCounts, u64)> {
    // Large inputs are split across threads (the kernel is bound by one core's vector
    // units, not by memory bandwidth).
    const PARALLEL_MIN: usize = 1 << 21;
    let threads = crate::threads::available().min(8);
    if threads < 2 || scores.len() < PARALLEL_MIN {
        return count_u8_serial(scores);
    }
    let chunk = scores.len().div_ceil(threads);
    let parts: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = scores
            .chunks(chunk)
            .map(|s| scope.spawn(move || count_u8_serial(s)))
            .collect();
        handles.into_iter().map(|h| h.join()).collect()
    });
    let (mut c, mut m) = (NpsCounts::default(), 0u64);
    for part in parts {
        match part {
            Ok(Ok((pc, pm))) => {
                c.promoters += pc.promoters;
                c.passives += pc.passives;
                c.detractors += pc.detractors;
                m += pm;
            }
            // Re-run serially for the error with its row in the whole input (or if a
            // worker panicked, which validated arithmetic cannot do).
            _ => return count_u8_serial(scores),
        }
    }
    Ok((c, m))
}

fn count_u8_serial(scores: &[u8]) -> Result<(NpsCounts, u64)> {
    let (hi, det, over) = lane_counts_best(scores);
    let miss = if over == 0 {
        0
    } else {
        scores
            .iter()
            .map(|&s| u64::from(s == SCORE_MISSING_U8))
            .sum()
    };
    if miss != over {
        return Err(first_bad_u8(scores));
    }
    let prom = hi - over;
    let n = scores.len() as u64;
    Ok((NpsCounts::new(prom, n - prom - det - miss, det), miss))
}

/// [`lane_counts`] compiled for the widest vector unit the CPU has: the same code, built
/// again with AVX-512BW and AVX2 enabled and chosen at run time (the portable build
/// targets SSE2, 16 bytes per instruction; the wheel must run on any x86-64), as in
/// [`crate::spc`]'s rule kernel.
fn lane_counts_best(scores: &[u8]) -> (u64, u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
        {
            // SAFETY: `lane_counts_avx512` only needs the CPU to support the features it
            // enables, which was checked just above.
            #[allow(unsafe_code)]
            return unsafe { lane_counts_avx512(scores) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: as above, for AVX2.
            #[allow(unsafe_code)]
            return unsafe { lane_counts_avx2(scores) };
        }
    }
    lane_counts(scores)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
fn lane_counts_avx512(scores: &[u8]) -> (u64, u64, u64) {
    lane_counts(scores)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn lane_counts_avx2(scores: &[u8]) -> (u64, u64, u64) {
    lane_counts(scores)
}

/// Counts of `s ≥ 9`, `s ≤ 6` and `s > 10` (missing or invalid). Promoters are
/// (s ≥ 9) − (s > 10); only when some s > 10 is a second pass needed to tell missing
/// (255) from invalid (11–254). Byte-wide lane counters over blocks of 255 × [`LANES`]
/// values, so the loop vectorises without `unsafe`.
#[inline(always)]
fn lane_counts(scores: &[u8]) -> (u64, u64, u64) {
    let (mut hi, mut det, mut over) = (0u64, 0u64, 0u64);
    for block in scores.chunks(LANES * 255) {
        let mut h = [0u8; LANES];
        let mut d = [0u8; LANES];
        let mut o = [0u8; LANES];
        let mut it = block.chunks_exact(LANES);
        for chunk in &mut it {
            for i in 0..LANES {
                let s = chunk[i];
                h[i] += u8::from(s >= 9);
                d[i] += u8::from(s <= 6);
                o[i] += u8::from(s > 10);
            }
        }
        for i in 0..LANES {
            hi += u64::from(h[i]);
            det += u64::from(d[i]);
            over += u64::from(o[i]);
        }
        for &s in it.remainder() {
            hi += u64::from(s >= 9);
            det += u64::from(s <= 6);
            over += u64::from(s > 10);
        }
    }
    (hi, det, over)
}

pub(crate) fn first_bad_u8(scores: &[u8]) -> CxError {
    match scores.iter().position(|&s| s > 10 && s != SCORE_MISSING_U8) {
        Some(row) => CxError::invalid(
            "score",
            Some(row),
            scores[row],
            "NPS scores must be integers 0–10",
        ),
        None => CxError::invalid("score", None, "?", "invalid score"),
    }
}

/// Net Promoter Score of 0–10 ratings (NaN = missing) with a confidence interval.
///
/// # Formula
/// `p = n_P/n`, `d = n_D/n`, NPS = `100 (p − d)`, `Var(p − d) = (p + d − (p − d)²)/n`.
/// - Wald: `100 [(p − d) ± z √((p + d − (p − d)²)/n)]`.
/// - Adjusted Wald (default): `n′ = n + 3`, `p′ = (n_P + ¾)/n′`, `d′ = (n_D + ¾)/n′`,
///   `100 [(p′ − d′) ± z √((p′ + d′ − (p′ − d′)²)/n′)]`.
/// - Bootstrap: resample n respondents with replacement `resamples` times; the
///   bounds are the α/2 and 1 − α/2 quantiles of the replicate scores (linear
///   interpolation, numpy's default); SE is the replicates' standard deviation.
///
/// Bounds are clipped to [−100, 100] (a cx convention; the formulas can exceed the range).
/// `score` is always the observed NPS, also when the interval is centred on the adjusted one.
/// # Reference
/// Reichheld, F. (2003). "The One Number You Need to Grow". HBR 81(12).
/// Rocks, B. (2016). "Interval Estimation for the 'Net Promoter Score'". Am. Stat. 70(4):365–372.
/// Sauro, J. "Confidence intervals for Net Promoter Scores", measuringu.com/nps-confidence-intervals.
/// Efron, B. & Tibshirani, R. (1993). *An Introduction to the Bootstrap*, ch. 13 (percentile interval).
/// # Errors
/// [`CxError::InvalidValue`] (field `score`, row, value) for a non-integer or out-of-range score;
/// [`CxError::EmptyInput`] when no score is present; [`CxError::InvalidOption`] for a level
/// outside (0, 1) or fewer than 2 bootstrap resamples.
/// # Examples
/// ```
/// use cx_core::metrics::nps::{nps, NpsInterval, NpsOptions};
/// let s = nps(&[10.0, 9.0, 7.0, 3.0, f64::NAN], NpsOptions::new().interval(NpsInterval::Wald))?;
/// assert_eq!(s.score, 25.0);
/// assert_eq!((s.n, s.n_missing), (4, 1));
/// assert!(s.ci_low < 25.0 && s.ci_high > 25.0);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn nps(scores: &[f64], opts: NpsOptions) -> Result<NpsSummary> {
    dist::check_level(opts.level)?;
    let (counts, missing) = count_f64(scores)?;
    summarize(counts, missing, opts)
}

/// [`nps`] over `u8` scores ([`SCORE_MISSING_U8`] = missing), the vectorised fast path.
///
/// # Errors
/// As [`nps`]; a score 11–254 is an [`CxError::InvalidValue`] naming its row.
/// # Examples
/// ```
/// let s = cx_core::metrics::nps::nps_u8(&[10, 9, 7, 3], Default::default())?;
/// assert_eq!(s.score, 25.0);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn nps_u8(scores: &[u8], opts: NpsOptions) -> Result<NpsSummary> {
    dist::check_level(opts.level)?;
    let (counts, missing) = count_u8(scores)?;
    summarize(counts, missing, opts)
}

/// NPS summary from class counts (used by [`nps`], the tallies and grouped results).
///
/// # Errors
/// [`CxError::EmptyInput`] when all counts are 0; [`CxError::InvalidOption`] for a bad level
/// or bootstrap setting.
/// # Examples
/// ```
/// use cx_core::metrics::nps::{summarize, NpsCounts};
/// let s = summarize(NpsCounts::new(50, 30, 20), 0, Default::default())?;
/// assert_eq!(s.score, 30.0);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn summarize(counts: NpsCounts, n_missing: u64, opts: NpsOptions) -> Result<NpsSummary> {
    summarize_progress(counts, n_missing, opts, None)
}

/// [`nps`] reporting the bootstrap's resamples done to `progress`
/// (see [`crate::progress`]; only the bootstrap interval reports, the others are instant).
///
/// # Errors
/// As [`nps`], and the error of `progress`, which stops the bootstrap.
/// # Examples
/// See [`crate::progress`].
pub fn nps_progress(
    scores: &[f64],
    opts: NpsOptions,
    progress: &dyn Progress,
) -> Result<NpsSummary> {
    dist::check_level(opts.level)?;
    let (counts, missing) = count_f64(scores)?;
    summarize_progress(counts, missing, opts, Some(progress))
}

/// [`nps_u8`] reporting the bootstrap's progress, as [`nps_progress`].
///
/// # Errors
/// As [`nps_progress`].
pub fn nps_u8_progress(
    scores: &[u8],
    opts: NpsOptions,
    progress: &dyn Progress,
) -> Result<NpsSummary> {
    dist::check_level(opts.level)?;
    let (counts, missing) = count_u8(scores)?;
    summarize_progress(counts, missing, opts, Some(progress))
}

/// [`summarize`] with an optional progress receiver for the bootstrap.
///
/// # Errors
/// As [`summarize`], and the error of `progress`.
pub fn summarize_progress(
    counts: NpsCounts,
    n_missing: u64,
    opts: NpsOptions,
    progress: Option<&dyn Progress>,
) -> Result<NpsSummary> {
    dist::check_level(opts.level)?;
    let n = counts.n();
    if n == 0 {
        return Err(CxError::EmptyInput {
            what: "score".into(),
        });
    }
    let nf = n as f64;
    let (p, d) = (counts.promoters as f64 / nf, counts.detractors as f64 / nf);
    let score = 100.0 * (p - d);
    let (se, low, high) = match opts.interval {
        NpsInterval::Wald => {
            let z = dist::normal_critical(opts.level)?;
            let se = ((p + d - (p - d) * (p - d)) / nf).max(0.0).sqrt();
            (se, (p - d) - z * se, (p - d) + z * se)
        }
        NpsInterval::AdjustedWald => {
            let z = dist::normal_critical(opts.level)?;
            let (pa, da, se) = adjusted(counts);
            (se, (pa - da) - z * se, (pa - da) + z * se)
        }
        NpsInterval::Bootstrap { resamples, seed } => {
            bootstrap(counts, resamples, seed, opts.level, progress)?
        }
    };
    Ok(NpsSummary {
        score,
        n_promoters: counts.promoters,
        n_passives: counts.passives,
        n_detractors: counts.detractors,
        promoter_share: p,
        passive_share: counts.passives as f64 / nf,
        detractor_share: d,
        n,
        n_missing,
        standard_error: 100.0 * se,
        ci_low: (100.0 * low).max(-100.0),
        ci_high: (100.0 * high).min(100.0),
        method: opts.interval,
        level: opts.level,
        sum_weights: nf,
        effective_n: nf,
    })
}

/// Adjusted-Wald proportions and SE (ratio scale): `(p′, d′, SE′)`.
pub(crate) fn adjusted(c: NpsCounts) -> (f64, f64, f64) {
    let n2 = c.n() as f64 + 3.0;
    let pa = (c.promoters as f64 + 0.75) / n2;
    let da = (c.detractors as f64 + 0.75) / n2;
    let se = ((pa + da - (pa - da) * (pa - da)) / n2).max(0.0).sqrt();
    (pa, da, se)
}

/// Percentile bootstrap on the ratio scale: `(sd, low, high)`.
fn bootstrap(
    c: NpsCounts,
    resamples: u32,
    seed: u64,
    level: f64,
    progress: Option<&dyn Progress>,
) -> Result<(f64, f64, f64)> {
    if resamples < 2 {
        return Err(CxError::option(
            "resamples",
            format!("need at least 2 bootstrap resamples, got {resamples}"),
        ));
    }
    let ticker = Ticker::new(progress, u64::from(resamples));
    ticker.start()?;
    let n = c.n();
    let (tp, tpa) = (c.promoters, c.promoters + c.passives);
    let mut rng = Xoshiro256::new(seed);
    let mut reps = Vec::with_capacity(resamples as usize);
    for _ in 0..resamples {
        let (mut np, mut nd) = (0u64, 0u64);
        for _ in 0..n {
            // Draw a respondent index uniformly; indices are ordered promoters, passives, detractors.
            let i = rng.below(n);
            np += u64::from(i < tp);
            nd += u64::from(i >= tpa);
        }
        reps.push((np as f64 - nd as f64) / n as f64);
        ticker.tick(reps.len() as u64)?;
    }
    ticker.finish()?;
    reps.sort_by(f64::total_cmp);
    let mean = reps.iter().sum::<f64>() / reps.len() as f64;
    let var = reps.iter().map(|r| (r - mean) * (r - mean)).sum::<f64>() / (reps.len() - 1) as f64;
    let alpha = 1.0 - level;
    Ok((
        var.sqrt(),
        quantile_sorted(&reps, alpha / 2.0),
        quantile_sorted(&reps, 1.0 - alpha / 2.0),
    ))
}

/// Type-7 (numpy `linear`) quantile of sorted data.
fn quantile_sorted(x: &[f64], q: f64) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    let h = (x.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(x.len() - 1);
    x[lo] + (h - lo as f64) * (x[hi] - x[lo])
}

/// Survey-weighted NPS with the Taylor-linearisation standard error.
///
/// # Formula
/// With `yᵢ ∈ {+1, 0, −1}` and weights `wᵢ` over non-missing scores:
/// `ȳ_w = Σwᵢyᵢ / Σwᵢ`, `SE = √( n/(n−1) · Σ wᵢ²(yᵢ − ȳ_w)² ) / Σwᵢ`, interval
/// `100 (ȳ_w ± z·SE)` clipped to [−100, 100]; Kish `n_eff = (Σw)²/Σw²`. With n = 1 the
/// SE and bounds are NaN. Equal weights give exactly the unweighted score and the
/// Wald SE times `√(n/(n−1))`.
/// # Reference
/// Lumley, T. R package `survey`, `svymean(~y, svydesign(ids=~1, weights=~w))` (with-replacement
/// linearisation variance); Lumley, T. (2010). *Complex Surveys*, §2.3. Kish, L. (1965).
/// *Survey Sampling*, §11.7 (effective sample size).
/// # Errors
/// [`CxError::LengthMismatch`] when lengths differ; [`CxError::InvalidValue`] for a bad score
/// (field `score`) or a negative, infinite or NaN weight (field `weights`, row, value), or
/// weights summing to 0; [`CxError::EmptyInput`] when no score is present;
/// [`CxError::InvalidOption`] for a bad level or a bootstrap interval (not available with weights).
/// Adjusted Wald falls back to the linearisation (Wald) interval; `method` reports `Wald`.
/// # Examples
/// ```
/// use cx_core::metrics::nps::weighted_nps;
/// let s = weighted_nps(&[10.0, 0.0, 8.0], &[2.0, 1.0, 1.0], Default::default())?;
/// assert_eq!(s.score, 25.0);
/// assert!((s.effective_n - 16.0 / 6.0).abs() < 1e-12);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn weighted_nps(scores: &[f64], weights: &[f64], opts: NpsOptions) -> Result<NpsSummary> {
    dist::check_level(opts.level)?;
    if weights.len() != scores.len() {
        return Err(CxError::LengthMismatch {
            what: "weights".into(),
            expected: scores.len(),
            got: weights.len(),
        });
    }
    let mut acc = WeightSums::default();
    let mut counts = [0u64; 3];
    let mut missing = 0u64;
    for (row, (&v, &w)) in scores.iter().zip(weights).enumerate() {
        let Some(s) = check_score(v, row)? else {
            missing += 1;
            continue;
        };
        check_weight(w, row)?;
        let c = class_of(s);
        counts[c] += 1;
        acc.w[c] += w;
        acc.w2[c] += w * w;
    }
    let counts = NpsCounts::new(counts[2], counts[1], counts[0]);
    summarize_weighted(counts, missing, &acc, opts)
}

pub(crate) fn check_weight(w: f64, row: usize) -> Result<()> {
    if w.is_finite() && w >= 0.0 {
        Ok(())
    } else {
        Err(CxError::invalid(
            "weights",
            Some(row),
            w,
            "weights must be finite and >= 0",
        ))
    }
}

/// Per-class sums of weights and squared weights (index 0 detractors, 1 passives,
/// 2 promoters): all that the weighted estimate and its linearisation SE need.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub struct WeightSums {
    /// Σw per class.
    pub w: [f64; 3],
    /// Σw² per class.
    pub w2: [f64; 3],
}

/// Weighted NPS summary from counts and per-class weight sums (see [`weighted_nps`]).
///
/// # Formula
/// `Σ wᵢ²(yᵢ − ȳ)² = Q_P(1 − ȳ)² + Q_0 ȳ² + Q_D(1 + ȳ)²` with `Q_c = Σ_{i∈c} wᵢ²`: exact,
/// without cancellation, and mergeable across batches.
/// # Errors
/// As [`weighted_nps`].
pub fn summarize_weighted(
    counts: NpsCounts,
    n_missing: u64,
    sums: &WeightSums,
    opts: NpsOptions,
) -> Result<NpsSummary> {
    dist::check_level(opts.level)?;
    if let NpsInterval::Bootstrap { .. } = opts.interval {
        return Err(CxError::option(
            "ci",
            "the bootstrap interval is not available with weights",
        ));
    }
    let n = counts.n();
    if n == 0 {
        return Err(CxError::EmptyInput {
            what: "score".into(),
        });
    }
    let sw: f64 = sums.w.iter().sum();
    let sw2: f64 = sums.w2.iter().sum();
    if sw <= 0.0 || !sw.is_finite() {
        return Err(CxError::invalid(
            "weights",
            None,
            sw,
            "weights of non-missing scores must have a positive finite sum",
        ));
    }
    let (p, a, d) = (sums.w[2] / sw, sums.w[1] / sw, sums.w[0] / sw);
    let y = p - d;
    let ss = sums.w2[2] * (1.0 - y) * (1.0 - y)
        + sums.w2[1] * y * y
        + sums.w2[0] * (1.0 + y) * (1.0 + y);
    let nf = n as f64;
    let se = if n > 1 {
        (nf / (nf - 1.0) * ss).sqrt() / sw
    } else {
        f64::NAN
    };
    let z = dist::normal_critical(opts.level)?;
    Ok(NpsSummary {
        score: 100.0 * y,
        n_promoters: counts.promoters,
        n_passives: counts.passives,
        n_detractors: counts.detractors,
        promoter_share: p,
        passive_share: a,
        detractor_share: d,
        n,
        n_missing,
        standard_error: 100.0 * se,
        ci_low: (100.0 * (y - z * se)).max(-100.0),
        ci_high: (100.0 * (y + z * se)).min(100.0),
        method: NpsInterval::Wald,
        level: opts.level,
        sum_weights: sw,
        effective_n: sw * sw / sw2,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_matches_f64_path() {
        let v: Vec<u8> = (0..1000u32).map(|i| ((i * 7919) % 11) as u8).collect();
        let f: Vec<f64> = v.iter().map(|&s| f64::from(s)).collect();
        assert_eq!(count_u8(&v).unwrap(), count_f64(&f).unwrap());
    }

    #[test]
    fn wide_vector_build_equals_portable_build() {
        // Sizes around the 255 × 64 block and the 64-byte chunk, with every byte value.
        for n in [
            0usize,
            63,
            64,
            65,
            255 * 64 - 1,
            255 * 64,
            255 * 64 + 1,
            40_000,
        ] {
            let v: Vec<u8> = (0..n).map(|i| ((i * 2_654_435_761) >> 5) as u8).collect();
            let naive = (
                v.iter().filter(|&&s| s >= 9).count() as u64,
                v.iter().filter(|&&s| s <= 6).count() as u64,
                v.iter().filter(|&&s| s > 10).count() as u64,
            );
            assert_eq!(lane_counts(&v), naive, "n = {n}");
            assert_eq!(lane_counts_best(&v), naive, "n = {n}");
        }
    }

    #[test]
    fn bad_scores_name_row_and_value() {
        let e = nps(&[1.0, 2.5], NpsOptions::new()).unwrap_err();
        assert_eq!(
            (e.field(), e.row(), e.value()),
            (Some("score"), Some(1), Some("2.5"))
        );
        let mut v = vec![3u8; 1000];
        v[777] = 11;
        let e = nps_u8(&v, NpsOptions::new()).unwrap_err();
        assert_eq!((e.row(), e.value()), (Some(777), Some("11")));
        assert_eq!(
            nps(&[f64::NAN], NpsOptions::new()).unwrap_err().code(),
            "empty_input"
        );
        assert_eq!(
            nps(&[1.0], NpsOptions::new().level(1.0))
                .unwrap_err()
                .code(),
            "invalid_option"
        );
        assert_eq!(
            nps(&[11.0], NpsOptions::new()).unwrap_err().code(),
            "invalid_value"
        );
        assert_eq!(
            nps(&[-1.0], NpsOptions::new()).unwrap_err().code(),
            "invalid_value"
        );
    }

    #[test]
    fn missing_sentinel_is_skipped() {
        let s = nps_u8(&[10, SCORE_MISSING_U8, 0], NpsOptions::new()).unwrap();
        assert_eq!((s.n, s.n_missing, s.score), (2, 1, 0.0));
    }

    #[test]
    fn bootstrap_is_seeded_and_close_to_wald() {
        let c = NpsCounts::new(900, 500, 600);
        let b = NpsInterval::Bootstrap {
            resamples: 400,
            seed: 7,
        };
        let s1 = summarize(c, 0, b.into()).unwrap();
        let s2 = summarize(c, 0, b.into()).unwrap();
        assert_eq!(s1, s2);
        let w = summarize(c, 0, NpsInterval::Wald.into()).unwrap();
        assert!(
            (s1.ci_low - w.ci_low).abs() < 1.0,
            "{} {}",
            s1.ci_low,
            w.ci_low
        );
        assert!((s1.ci_high - w.ci_high).abs() < 1.0);
        assert!((s1.standard_error - w.standard_error).abs() < 0.2);
        let bad = NpsInterval::Bootstrap {
            resamples: 1,
            seed: 7,
        };
        assert!(summarize(c, 0, bad.into()).is_err());
    }

    #[test]
    fn degenerate_samples_for_every_method() {
        let boot = NpsInterval::Bootstrap {
            resamples: 50,
            seed: 1,
        };
        for m in [NpsInterval::Wald, NpsInterval::AdjustedWald, boot] {
            for (c, score) in [
                (NpsCounts::new(5, 0, 0), 100.0),
                (NpsCounts::new(0, 0, 5), -100.0),
                (NpsCounts::new(0, 5, 0), 0.0),
                (NpsCounts::new(1, 0, 0), 100.0),
                (NpsCounts::new(0, 1, 0), 0.0),
                (NpsCounts::new(0, 0, 1), -100.0),
            ] {
                let s = summarize(c, 0, m.into()).unwrap();
                assert_eq!(s.score, score, "{m:?} {c:?}");
                assert!(s.ci_low.is_finite() && s.ci_high.is_finite(), "{m:?} {c:?}");
                assert!(s.ci_low >= -100.0 && s.ci_high <= 100.0 && s.ci_low <= s.ci_high);
                if m == NpsInterval::Wald || m == boot {
                    assert_eq!((s.ci_low, s.ci_high), (score, score), "{m:?} {c:?}");
                }
            }
        }
    }

    #[test]
    fn weights_of_one_give_unweighted_score() {
        let s = [10.0, 9.0, 7.0, 3.0, 0.0, 8.0];
        let w = weighted_nps(&s, &[1.0; 6], NpsOptions::new()).unwrap();
        let u = nps(&s, NpsOptions::new()).unwrap();
        assert_eq!(w.score, u.score);
        assert_eq!(w.effective_n, 6.0);
        assert!(weighted_nps(&s, &[1.0; 5], NpsOptions::new()).is_err());
        let e = weighted_nps(&s, &[1.0, -1.0, 1.0, 1.0, 1.0, 1.0], NpsOptions::new()).unwrap_err();
        assert_eq!((e.field(), e.row()), (Some("weights"), Some(1)));
        assert!(weighted_nps(&s, &[0.0; 6], NpsOptions::new()).is_err());
        assert!(weighted_nps(&s, &[f64::NAN; 6], NpsOptions::new()).is_err());
    }
}
