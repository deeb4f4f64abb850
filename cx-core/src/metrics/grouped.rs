//! Grouped histogram kernels behind [`super::group::nps_by_group`], [`csat_by_group`] and
//! [`ces_by_group`], and the grouped score tally they produce.
//!
//! # Kernel
//! One pass over `u8` scores and `u32` group codes: a lookup table maps each score to a
//! bucket (`K` buckets per group), and `hist[code·K + bucket] += 1` fills a flat per-thread
//! histogram of `u16` counters (flushed into `u64` totals every 65 535 rows so they cannot
//! overflow). NPS uses `K = 4` buckets (detractor, passive, promoter, missing): 1 000 groups
//! take 8 KiB, well inside the L1 cache, so the loop is bound by the loads of the two
//! columns. CSAT and CES keep the score itself (`K = 16`, score 15 = missing) because the
//! mean needs every value. Rows are split across up to 8 threads (`std::thread::scope`)
//! and the partial histograms added. The loop has no data-dependent branch: an
//! out-of-range group code falls outside the histogram, which is checked once per block.

use crate::error::{CxError, Result};
use crate::metrics::ces::{self, CesOptions, CesScale, CesSummary};
use crate::metrics::csat::{self, CsatOptions, CsatScale, CsatSummary, ScaleScan};
use crate::metrics::nps::{self, SCORE_MISSING_U8};
use crate::metrics::tally::{decode, encode};

/// Inputs at least this long are split across threads.
const PARALLEL_MIN_ROWS: usize = 1 << 18;

/// Bucket of each `u8` NPS score: 0 detractor (0–6), 1 passive (7–8), 2 promoter (9–10),
/// 3 missing ([`SCORE_MISSING_U8`]; also 11–254, which validation rejects first).
pub(crate) const NPS_BUCKET: [u8; 256] = {
    let mut t = [3u8; 256];
    let mut i = 0;
    while i <= 10 {
        t[i] = if i >= 9 {
            2
        } else if i >= 7 {
            1
        } else {
            0
        };
        i += 1;
    }
    t
};

/// Bucket of each `u8` score for a full histogram: the score itself for 0–14, 15 for
/// [`SCORE_MISSING_U8`] (15–254 are rejected by [`check_u8_scale`] first).
const SCORE_BUCKET: [u8; 256] = {
    let mut t = [15u8; 256];
    let mut i = 0;
    while i < 15 {
        t[i] = i as u8;
        i += 1;
    }
    t
};

pub(crate) fn code_error(codes: &[u32], n_groups: usize) -> CxError {
    match codes.iter().position(|&c| c as usize >= n_groups) {
        Some(row) => CxError::invalid(
            "group",
            Some(row),
            codes[row],
            "group code not below the number of groups",
        ),
        None => CxError::invalid(
            "group",
            None,
            "?",
            "group code not below the number of groups",
        ),
    }
}

/// One thread's histogram. `Err(())` when a code is out of range.
///
/// A standalone prototype measured this form (a `u8` lookup table, an out-of-range
/// counter checked per block) about 1.5× faster than one that grows the histogram on
/// demand: the early exit inside the loop costs more than a separate pass for the
/// largest code.
fn histogram<const K: usize>(
    scores: &[u8],
    codes: &[u32],
    n_groups: usize,
    bucket: &[u8; 256],
) -> std::result::Result<Vec<u64>, ()> {
    let mut total = vec![0u64; n_groups * K];
    let mut hist = vec![0u16; n_groups * K];
    histogram_into::<K>(scores, codes, &mut hist, &mut total, bucket)?;
    Ok(total)
}

/// Add the rows' counts to `total`, using `hist` (zeroed, the same length) as scratch.
fn histogram_into<const K: usize>(
    scores: &[u8],
    codes: &[u32],
    hist: &mut [u16],
    total: &mut [u64],
    bucket: &[u8; 256],
) -> std::result::Result<(), ()> {
    const BLOCK: usize = u16::MAX as usize;
    for (s_blk, c_blk) in scores.chunks(BLOCK).zip(codes.chunks(BLOCK)) {
        let mut outside = 0usize;
        for (&s, &c) in s_blk.iter().zip(c_blk) {
            let i = (c as usize) * K + usize::from(bucket[usize::from(s)]);
            match hist.get_mut(i) {
                Some(h) => *h += 1,
                None => outside += 1,
            }
        }
        if outside != 0 {
            return Err(());
        }
        for (t, h) in total.iter_mut().zip(hist.iter_mut()) {
            *t += u64::from(*h);
            *h = 0;
        }
    }
    Ok(())
}

/// Histogram of validated scores by group (`K` buckets per group), split across threads
/// for large inputs.
///
/// # Errors
/// [`CxError::LengthMismatch`] for columns of different lengths; [`CxError::InvalidValue`]
/// (field `group`, row) for a code ≥ `n_groups`.
pub(crate) fn grouped_histogram<const K: usize>(
    scores: &[u8],
    codes: &[u32],
    n_groups: usize,
    bucket: &[u8; 256],
) -> Result<Vec<u64>> {
    if codes.len() != scores.len() {
        return Err(CxError::LengthMismatch {
            what: "group codes".into(),
            expected: scores.len(),
            got: codes.len(),
        });
    }
    let threads = crate::threads::available().min(8);
    if threads < 2 || scores.len() < PARALLEL_MIN_ROWS {
        return histogram::<K>(scores, codes, n_groups, bucket)
            .map_err(|()| code_error(codes, n_groups));
    }
    let chunk = scores.len().div_ceil(threads);
    let parts: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = scores
            .chunks(chunk)
            .zip(codes.chunks(chunk))
            .map(|(s, c)| scope.spawn(move || histogram::<K>(s, c, n_groups, bucket)))
            .collect();
        handles.into_iter().map(|h| h.join()).collect()
    });
    let mut total = vec![0u64; n_groups * K];
    for part in parts {
        match part {
            Ok(Ok(p)) => total.iter_mut().zip(p).for_each(|(t, p)| *t += p),
            Ok(Err(())) => return Err(code_error(codes, n_groups)),
            // A worker cannot panic (no indexing); if one did, fall back to the serial kernel.
            Err(_) => {
                return histogram::<K>(scores, codes, n_groups, bucket)
                    .map_err(|()| code_error(codes, n_groups));
            }
        }
    }
    Ok(total)
}

/// Packed NPS class counters: one `u64` per group holds four 16-bit lanes (detractor,
/// passive, promoter, missing, from the low lane up), and a score adds `1 << 16·bucket`
/// ([`NPS_BUCKET`]). One read-modify-write per row whose address depends on the group
/// code only (the score selects the addend, not the address), so the loads of the next
/// rows' codes are not held up by the score lookup.
const NPS_PACKED: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = 1u64 << (16 * NPS_BUCKET[i] as u32);
        i += 1;
    }
    t
};

/// Rows per block of the packed kernel: a lane reaches at most this count (`u16::MAX`),
/// so it never carries into the next lane before the block's flush. A block's codes
/// (256 KiB) and scores stay in the L2 cache between the validation folds and the
/// counting loop.
const PACKED_BLOCK: usize = u16::MAX as usize;

/// Count the rows of one block (at most [`PACKED_BLOCK`] rows) whose code is below
/// `hist.len()` into the packed counters `hist` (one per group), and return how many rows
/// were left out because their code is not. The loop stays on its own (not inlined into
/// the thread's loop), where the compiler keeps every pointer in a register and unrolls
/// it. The loop is bound by memory operations (a load of the code, of the score and of
/// its addend, and one read-modify-write per row), so eight scores are read in one load
/// and taken apart by shifts (about 10% faster than a load per score).
#[inline(never)]
fn nps_packed_count(scores: &[u8], codes: &[u32], hist: &mut [u64]) -> usize {
    let mut outside = 0usize;
    let mut add = |c: u32, s: usize| match hist.get_mut(c as usize) {
        Some(h) => *h += NPS_PACKED[s],
        None => outside += 1,
    };
    let (s8, s_rest) = scores.as_chunks::<8>();
    let (c8, c_rest) = codes.as_chunks::<8>();
    for (s8, c8) in s8.iter().zip(c8) {
        let mut w = u64::from_le_bytes(*s8);
        for &c in c8 {
            add(c, (w & 0xFF) as usize);
            w >>= 8;
        }
    }
    for (&s, &c) in s_rest.iter().zip(c_rest) {
        add(c, usize::from(s));
    }
    outside
}

/// Count one block whose codes may go beyond the counters met so far: the common case
/// (every code already has its counter) is one pass, [`nps_packed_count`]; a block with
/// codes beyond them finds its largest code ([`codes_max_best`]), checks it against
/// `limit`, grows `hist` to it and counts the rows left out (exactly those with a code at
/// or above the old length). Then the counters are flushed into `total` (four per group,
/// grown to match). `Err(())` for a score 11–254 or a code at or above `limit`.
fn nps_packed_block(
    scores: &[u8],
    codes: &[u32],
    limit: usize,
    hist: &mut Vec<u64>,
    total: &mut Vec<u64>,
) -> std::result::Result<(), ()> {
    if scores_bad(scores) {
        return Err(());
    }
    if nps_packed_count(scores, codes, hist) != 0 {
        let max = codes_max_best(codes) as usize;
        if max >= limit {
            return Err(());
        }
        let old = hist.len();
        hist.resize(max + 1, 0);
        for (&s, &c) in scores.iter().zip(codes) {
            if c as usize >= old
                && let Some(h) = hist.get_mut(c as usize)
            {
                *h += NPS_PACKED[usize::from(s)];
            }
        }
    }
    if total.len() < hist.len() * 4 {
        total.resize(hist.len() * 4, 0);
    }
    for (t, h) in total.chunks_exact_mut(4).zip(hist.iter_mut()) {
        if *h != 0 {
            for (k, t) in t.iter_mut().enumerate() {
                *t += (*h >> (16 * k)) & 0xFFFF;
            }
            *h = 0;
        }
    }
    Ok(())
}

/// Whether a block has a score 11–254 (every other `u8` is a score or
/// [`SCORE_MISSING_U8`]): one byte-wise fold that baseline x86-64 (SSE2) vectorises.
fn scores_bad(scores: &[u8]) -> bool {
    scores
        .iter()
        .fold(0u8, |b, &x| b | u8::from(x.wrapping_sub(11) < 244))
        != 0
}

/// The largest code of a block: [`codes_max`] built for the widest vector unit the CPU
/// has, chosen at run time (baseline x86-64 has no packed unsigned 32-bit maximum,
/// SSE4.1's `pmaxud`, so the portable build emulates it), as in [`crate::spc`]'s rule
/// kernel.
fn codes_max_best(codes: &[u32]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: `codes_max_avx512` only needs the CPU to support the features it
            // enables, which was checked just above.
            #[allow(unsafe_code)]
            return unsafe { codes_max_avx512(codes) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: as above, for AVX2.
            #[allow(unsafe_code)]
            return unsafe { codes_max_avx2(codes) };
        }
    }
    codes_max(codes)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn codes_max_avx512(codes: &[u32]) -> u32 {
    codes_max(codes)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn codes_max_avx2(codes: &[u32]) -> u32 {
    codes_max(codes)
}

#[inline(always)]
fn codes_max(codes: &[u32]) -> u32 {
    codes.iter().fold(0u32, |m, &x| m.max(x))
}

/// NPS class histogram (4 buckets per group: detractor, passive, promoter, missing) of
/// `u8` scores by dense `u32` codes. Each thread takes chunks of rows from a shared
/// counter and, per block of [`PACKED_BLOCK`] rows, validates the scores and counts the
/// block with the packed kernel ([`nps_packed_block`]: the codes are read once, and a
/// block that brings codes beyond the counters met so far grows them), so no pass runs
/// on one core only. With
/// `n_groups = None` the result has `4 · (max code + 1)` entries, else `4 · n_groups`.
///
/// # Errors
/// [`CxError::LengthMismatch`]; [`CxError::InvalidValue`] for a score 11–254 (field
/// `score`) or a code ≥ `limit` (field `group`), naming the first such row; a bad score
/// is reported before a bad code, wherever they are.
pub(crate) fn nps_histogram(
    scores: &[u8],
    codes: &[u32],
    limit: usize,
    n_groups: Option<usize>,
) -> Result<Vec<u64>> {
    if codes.len() != scores.len() {
        return Err(CxError::LengthMismatch {
            what: "group codes".into(),
            expected: scores.len(),
            got: codes.len(),
        });
    }
    // Rows are handed out in chunks from a shared counter, so a thread that the OS
    // deschedules on a busy machine does not hold up the others (work sharing).
    let n = scores.len();
    let threads = crate::threads::available().min(8);
    let chunk = if threads < 2 || n < PARALLEL_MIN_ROWS {
        n.max(1)
    } else {
        (n / (threads * 8)).max(PARALLEL_MIN_ROWS / 4)
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Per thread: the histogram, or `Err(())` at the first bad score or code it meets
    // (the caller then finds the first bad row of the whole input).
    let work = || -> std::result::Result<Vec<u64>, ()> {
        let (mut hist, mut total) = (Vec::<u64>::new(), Vec::<u64>::new());
        loop {
            let start = next.fetch_add(chunk, std::sync::atomic::Ordering::Relaxed);
            let end = start.saturating_add(chunk).min(n);
            let (Some(s), Some(c)) = (scores.get(start..end), codes.get(start..end)) else {
                return Ok(total);
            };
            if s.is_empty() {
                return Ok(total);
            }
            for (s, c) in s.chunks(PACKED_BLOCK).zip(c.chunks(PACKED_BLOCK)) {
                nps_packed_block(s, c, limit, &mut hist, &mut total)?;
            }
        }
    };
    let parts: Vec<std::result::Result<Vec<u64>, ()>> = if chunk >= n {
        vec![work()]
    } else {
        std::thread::scope(|scope| {
            // This thread works too: one spawn fewer per call.
            let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
            let mine = work();
            handles
                .into_iter()
                // A worker cannot panic (no indexing); report a panic as an error, which
                // re-scans serially for the first bad row below.
                .map(|h| h.join().unwrap_or(Err(())))
                .chain(std::iter::once(mine))
                .collect()
        })
    };
    let mut total: Vec<u64> = vec![0; 4 * n_groups.unwrap_or(0)];
    for p in parts {
        let Ok(h) = p else {
            check_nps_u8(scores)?;
            return Err(code_error(codes, limit));
        };
        if total.len() < h.len() {
            total.resize(h.len(), 0);
        }
        total.iter_mut().zip(h).for_each(|(t, x)| *t += x);
    }
    Ok(total)
}

/// Check that every `u8` score is on `lo..=hi` or [`SCORE_MISSING_U8`], in one
/// vectorisable pass; the error names the first offending row.
fn check_u8_scale(scores: &[u8], (lo, hi): (u8, u8), reason: &'static str) -> Result<()> {
    let off = |s: u8| s != SCORE_MISSING_U8 && !(lo..=hi).contains(&s);
    let bad = scores.iter().fold(0u8, |b, &s| b | u8::from(off(s)));
    if bad == 0 {
        return Ok(());
    }
    let row = scores.iter().position(|&s| off(s));
    Err(CxError::invalid(
        "score",
        row,
        row.map_or(0, |r| scores[r]),
        reason,
    ))
}

/// Per-group histogram of scores 0–14 and missing: mergeable and serializable, the state
/// behind grouped CSAT and CES.
///
/// # Examples
/// ```
/// use cx_core::metrics::grouped::GroupedScoreTally;
/// let mut a = GroupedScoreTally::from_u8(&[5, 4, 1], &[0, 0, 1], 2)?;
/// let b = GroupedScoreTally::from_u8(&[5, 255], &[1, 1], 2)?;
/// a.merge(&b);
/// assert_eq!(a.counts(1).map(|c| (c[5], c[15])), Some((1, 1)));
/// let back = GroupedScoreTally::from_bytes(&a.to_bytes())?;
/// assert_eq!(back, a);
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupedScoreTally {
    hist: Vec<[u64; 16]>,
}

impl GroupedScoreTally {
    /// `n_groups` empty histograms.
    pub fn new(n_groups: usize) -> Self {
        Self {
            hist: vec![[0; 16]; n_groups],
        }
    }

    /// Histogram of `u8` scores 0–14 ([`SCORE_MISSING_U8`] = missing) by group code.
    ///
    /// # Errors
    /// [`CxError::LengthMismatch`]; [`CxError::InvalidValue`] for a score 15–254 (field
    /// `score`) or a code ≥ `n_groups` (field `group`), naming the row.
    pub fn from_u8(scores: &[u8], codes: &[u32], n_groups: usize) -> Result<Self> {
        check_u8_scale(scores, (0, 14), "scores must be integers 0–14")?;
        let flat = grouped_histogram::<16>(scores, codes, n_groups, &SCORE_BUCKET)?;
        let hist = flat
            .chunks_exact(16)
            .map(|c| {
                let mut h = [0u64; 16];
                h.copy_from_slice(c);
                h
            })
            .collect();
        Ok(Self { hist })
    }

    /// A tally from per-group histograms (index = score 0–14, 15 = missing), for
    /// example merged from partitions by [`crate::scale::KeyedCounts`].
    pub fn from_counts(hist: Vec<[u64; 16]>) -> Self {
        Self { hist }
    }

    /// Number of groups.
    pub fn n_groups(&self) -> usize {
        self.hist.len()
    }

    /// Counts of scores 0–14 (index = score) and missing (index 15) of one group.
    pub fn counts(&self, code: u32) -> Option<&[u64; 16]> {
        self.hist.get(code as usize)
    }

    /// Merge a tally with codes from the same dictionary (grows to the larger group count).
    pub fn merge(&mut self, other: &GroupedScoreTally) {
        if other.hist.len() > self.hist.len() {
            self.hist.resize(other.hist.len(), [0; 16]);
        }
        for (a, b) in self.hist.iter_mut().zip(&other.hist) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
    }

    /// Scan of one group on a scale: counts, favourable count, exact mean and M2.
    fn scan(h: &[u64; 16], (lo, hi): (u8, u8), (flo, fhi): (u8, u8)) -> ScaleScan {
        let mut s = ScaleScan {
            n_missing: h[15],
            ..ScaleScan::default()
        };
        let mut sum = 0.0;
        for v in lo..=hi {
            let c = h[usize::from(v)];
            s.n += c;
            sum += c as f64 * f64::from(v);
            if (flo..=fhi).contains(&v) {
                s.n_favorable += c;
            }
        }
        if s.n > 0 {
            s.mean = sum / s.n as f64;
            s.m2 = (lo..=hi)
                .map(|v| h[usize::from(v)] as f64 * (f64::from(v) - s.mean).powi(2))
                .sum();
        }
        s
    }

    /// The smallest score outside `lo..=hi` that occurs in any group.
    fn off_scale(&self, (lo, hi): (u8, u8)) -> Option<u8> {
        (0u8..15)
            .find(|&v| !(lo..=hi).contains(&v) && self.hist.iter().any(|h| h[usize::from(v)] > 0))
    }

    /// CSAT of each group (`None` for a group without a non-missing score), in code order.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] (field `score`, row unknown here) when a score is off the
    /// scale; [`CxError::InvalidOption`] for bad options.
    pub fn finish_csat(&self, opts: CsatOptions) -> Result<Vec<Option<CsatSummary>>> {
        let (lo, hi) = opts.scale.bounds();
        csat::check_top_box(opts)?;
        if let Some(v) = self.off_scale((lo, hi)) {
            return Err(CxError::invalid("score", None, v, csat_reason(opts.scale)));
        }
        let fav = (hi + 1 - opts.top_box, hi);
        self.hist
            .iter()
            .map(|h| {
                let s = Self::scan(h, (lo, hi), fav);
                (s.n > 0).then(|| csat::summarize(s, opts)).transpose()
            })
            .collect()
    }

    /// CES of each group (`None` for a group without a non-missing score), in code order.
    ///
    /// # Errors
    /// As [`GroupedScoreTally::finish_csat`].
    pub fn finish_ces(&self, opts: CesOptions) -> Result<Vec<Option<CesSummary>>> {
        let (range, fav) = opts.scale.ranges();
        if let Some(v) = self.off_scale(range) {
            return Err(CxError::invalid("score", None, v, ces_reason(opts.scale)));
        }
        self.hist
            .iter()
            .map(|h| {
                let s = Self::scan(h, range, fav);
                (s.n > 0).then(|| ces::summarize(s, opts)).transpose()
            })
            .collect()
    }

    /// Serialize (tally format version 1, kind 5: group count, then 16 counts per group).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(8 + 128 * self.hist.len());
        p.extend_from_slice(&(self.hist.len() as u64).to_le_bytes());
        for h in &self.hist {
            for c in h {
                p.extend_from_slice(&c.to_le_bytes());
            }
        }
        encode(5, &p)
    }

    /// Deserialize bytes written by [`GroupedScoreTally::to_bytes`].
    ///
    /// # Errors
    /// [`CxError::Format`] for bad bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = decode(bytes, 5, "GroupedScoreTally")?;
        let n = r.u64()?;
        if n > (bytes.len() / 128) as u64 {
            return Err(r.err("group count exceeds payload"));
        }
        let mut hist = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let mut h = [0u64; 16];
            for c in &mut h {
                *c = r.u64()?;
            }
            hist.push(h);
        }
        r.finish()?;
        Ok(Self { hist })
    }
}

fn csat_reason(scale: CsatScale) -> &'static str {
    match scale {
        CsatScale::OneToFive => "CSAT scores must be integers 1–5",
        CsatScale::OneToSeven => "CSAT scores must be integers 1–7",
        CsatScale::OneToTen => "CSAT scores must be integers 1–10",
        CsatScale::ZeroToTen => "CSAT scores must be integers 0–10",
    }
}

fn ces_reason(scale: CesScale) -> &'static str {
    match scale {
        CesScale::Agreement1To7 => "CES scores must be integers 1–7",
        CesScale::LegacyEffort1To5 => "legacy CES effort scores must be integers 1–5",
    }
}

/// CSAT per group of `u8` scores ([`SCORE_MISSING_U8`] = missing) by `u32` group code:
/// the histogram tally and, per group, the summary (`None` without a non-missing score).
///
/// # Formula
/// Per group as [`csat::csat`], from an exact histogram of the scores (mean `Σ v·c_v / n`,
/// `M2 = Σ c_v (v − x̄)²`).
/// # Errors
/// [`CxError::InvalidValue`] naming the row for a score off the scale (field `score`) or a
/// code ≥ `n_groups` (field `group`); [`CxError::LengthMismatch`]; [`CxError::InvalidOption`].
/// # Examples
/// ```
/// use cx_core::metrics::{grouped::csat_by_group, CsatOptions};
/// let (_, g) = csat_by_group(&[5, 4, 1, 2, 255], &[0, 0, 0, 1, 1], 2, CsatOptions::new())?;
/// let first = g[0].as_ref().map(|s| (s.n_top_box, s.n));
/// assert_eq!(first, Some((2, 3)));
/// assert_eq!(g[1].as_ref().map(|s| (s.score, s.n_missing)), Some((0.0, 1)));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn csat_by_group(
    scores: &[u8],
    codes: &[u32],
    n_groups: usize,
    opts: CsatOptions,
) -> Result<(GroupedScoreTally, Vec<Option<CsatSummary>>)> {
    check_u8_scale(scores, opts.scale.bounds(), csat_reason(opts.scale))?;
    let t = GroupedScoreTally::from_u8(scores, codes, n_groups)?;
    let s = t.finish_csat(opts)?;
    Ok((t, s))
}

/// CES per group of `u8` scores ([`SCORE_MISSING_U8`] = missing) by `u32` group code:
/// the histogram tally and the per-group summaries, as [`csat_by_group`].
///
/// # Formula
/// Per group as [`ces::ces`], from an exact histogram of the scores.
/// # Errors
/// As [`csat_by_group`].
/// # Examples
/// ```
/// use cx_core::metrics::{grouped::ces_by_group, CesOptions};
/// let (_, g) = ces_by_group(&[7, 6, 5, 2], &[0, 0, 1, 1], 2, CesOptions::new())?;
/// assert_eq!(g[0].as_ref().map(|s| s.mean), Some(6.5));
/// assert_eq!(g[1].as_ref().map(|s| s.favorable_pct), Some(50.0));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn ces_by_group(
    scores: &[u8],
    codes: &[u32],
    n_groups: usize,
    opts: CesOptions,
) -> Result<(GroupedScoreTally, Vec<Option<CesSummary>>)> {
    check_u8_scale(scores, opts.scale.ranges().0, ces_reason(opts.scale))?;
    let t = GroupedScoreTally::from_u8(scores, codes, n_groups)?;
    let s = t.finish_ces(opts)?;
    Ok((t, s))
}

/// Validate `u8` NPS scores (0–10 or missing), naming the first bad row.
pub(crate) fn check_nps_u8(scores: &[u8]) -> Result<()> {
    let bad = scores
        .iter()
        .fold(0u8, |b, &s| b | u8::from(s.wrapping_sub(11) < 244));
    if bad != 0 {
        return Err(nps::first_bad_u8(scores));
    }
    Ok(())
}

/// Dictionary-encoded keys with nulls: `codes[i]` indexes `dictionary`, which is sorted
/// (nulls last) so that groups come out in key order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DictKeys<K> {
    /// One code per row.
    pub codes: Vec<u32>,
    /// Distinct keys, sorted, `None` (null) last.
    pub dictionary: Vec<Option<K>>,
}

/// Dictionary-encode a key column (strings or integers, `None` = null) once, in one pass,
/// then sort the dictionary and renumber the codes.
///
/// # Errors
/// [`CxError::InvalidValue`] (field `keys`) beyond 2³² − 1 distinct keys.
/// # Examples
/// ```
/// use cx_core::metrics::grouped::encode_key_column;
/// let k = encode_key_column(["web", "app", "web"].map(Some))?;
/// assert_eq!(k.codes, vec![1, 0, 1]);
/// assert_eq!(k.dictionary, vec![Some("app"), Some("web")]);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn encode_key_column<K: std::hash::Hash + Eq + Ord + Copy>(
    keys: impl IntoIterator<Item = Option<K>>,
) -> Result<DictKeys<K>> {
    let mut map: std::collections::HashMap<Option<K>, u32> = std::collections::HashMap::new();
    let mut dictionary: Vec<Option<K>> = Vec::new();
    let keys = keys.into_iter();
    let mut codes = Vec::with_capacity(keys.size_hint().0);
    // Runs of equal keys are common (sorted or clustered data): remember the last one.
    let mut last: Option<(Option<K>, u32)> = None;
    for (row, k) in keys.enumerate() {
        if let Some((lk, lc)) = last
            && lk == k
        {
            codes.push(lc);
            continue;
        }
        let code = match map.get(&k) {
            Some(&c) => c,
            None => {
                let c = u32::try_from(dictionary.len()).map_err(|_| {
                    CxError::invalid(
                        "keys",
                        Some(row),
                        dictionary.len(),
                        "more than 2^32-1 distinct keys",
                    )
                })?;
                map.insert(k, c);
                dictionary.push(k);
                c
            }
        };
        last = Some((k, code));
        codes.push(code);
    }
    // Sort: Some(..) ascending, None last.
    let mut order: Vec<u32> = (0..dictionary.len() as u32).collect();
    order.sort_by(
        |&a, &b| match (dictionary[a as usize], dictionary[b as usize]) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        },
    );
    let mut remap = vec![0u32; order.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old as usize] = new as u32;
    }
    for c in &mut codes {
        *c = remap.get(*c as usize).copied().unwrap_or(*c);
    }
    let dictionary = order.iter().map(|&i| dictionary[i as usize]).collect();
    Ok(DictKeys { codes, dictionary })
}

/// Combine key columns with known cardinalities into one code per row, numbered in
/// lexicographic order of the component codes (so sorted dictionaries give sorted groups).
///
/// # Formula
/// Mixed-radix index `((c₀·m₁ + c₁)·m₂ + c₂)…`; dense remapping when the product of the
/// cardinalities is at most 2²⁴ or the row count, a hash map otherwise.
/// # Errors
/// [`CxError::EmptyInput`] with no columns; [`CxError::LengthMismatch`];
/// [`CxError::InvalidValue`] (field `keys`) for a code not below its cardinality or when
/// the product of cardinalities overflows 64 bits.
/// # Examples
/// ```
/// use cx_core::metrics::grouped::combine_key_codes;
/// let (codes, components) = combine_key_codes(&[&[1, 0, 1], &[0, 2, 0]], &[2, 3])?;
/// assert_eq!(codes, vec![1, 0, 1]);
/// assert_eq!(components, vec![vec![0, 2], vec![1, 0]]);
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[allow(clippy::type_complexity)]
pub fn combine_key_codes(
    columns: &[&[u32]],
    cardinalities: &[u32],
) -> Result<(Vec<u32>, Vec<Vec<u32>>)> {
    let Some(first) = columns.first() else {
        return Err(CxError::EmptyInput {
            what: "key columns".into(),
        });
    };
    let n = first.len();
    for c in columns {
        if c.len() != n {
            return Err(CxError::LengthMismatch {
                what: "key columns".into(),
                expected: n,
                got: c.len(),
            });
        }
    }
    let product = cardinalities
        .iter()
        .try_fold(1u64, |p, &m| p.checked_mul(u64::from(m.max(1))))
        .ok_or_else(|| CxError::invalid("keys", None, "?", "too many key combinations"))?;
    let mut index = vec![0u64; n];
    for (col, &m) in columns.iter().zip(cardinalities) {
        for (row, (ix, &c)) in index.iter_mut().zip(col.iter()).enumerate() {
            if c >= m {
                return Err(CxError::invalid(
                    "keys",
                    Some(row),
                    c,
                    "key code not below its cardinality",
                ));
            }
            *ix = *ix * u64::from(m) + u64::from(c);
        }
    }
    let decompose = |mut ix: u64| {
        let mut parts = vec![0u32; cardinalities.len()];
        for (p, &m) in parts.iter_mut().zip(cardinalities).rev() {
            let m = u64::from(m.max(1));
            *p = (ix % m) as u32;
            ix /= m;
        }
        parts
    };
    if product <= (1u64 << 24).max(n as u64) {
        let mut remap = vec![u32::MAX; product as usize];
        for &ix in &index {
            if let Some(r) = remap.get_mut(ix as usize) {
                *r = 0;
            }
        }
        let mut components = Vec::new();
        for (ix, r) in remap.iter_mut().enumerate() {
            if *r == 0 {
                *r = components.len() as u32;
                components.push(decompose(ix as u64));
            }
        }
        let codes = index
            .iter()
            .map(|&ix| remap.get(ix as usize).copied().unwrap_or(0))
            .collect();
        return Ok((codes, components));
    }
    let enc = encode_key_column(index.iter().map(|&ix| Some(ix)))?;
    let components = enc
        .dictionary
        .iter()
        .map(|ix| decompose(ix.unwrap_or(0)))
        .collect();
    Ok((enc.codes, components))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn buckets_classify_every_score() {
        for s in 0..=255u8 {
            let want = match s {
                0..=6 => 0,
                7..=8 => 1,
                9..=10 => 2,
                _ => 3,
            };
            assert_eq!(NPS_BUCKET[usize::from(s)], want, "score {s}");
        }
        assert_eq!(SCORE_BUCKET[255], 15);
        assert_eq!(SCORE_BUCKET[14], 14);
    }

    #[test]
    fn parallel_equals_serial_and_codes_are_checked() {
        let n = PARALLEL_MIN_ROWS * 3 + 17;
        let scores: Vec<u8> = (0..n)
            .map(|i| ((i * 7) % 12) as u8)
            .map(|s| if s == 11 { 255 } else { s })
            .collect();
        let codes: Vec<u32> = (0..n).map(|i| ((i * 13) % 101) as u32).collect();
        let par = grouped_histogram::<4>(&scores, &codes, 101, &NPS_BUCKET).unwrap();
        let ser = histogram::<4>(&scores, &codes, 101, &NPS_BUCKET).unwrap();
        assert_eq!(par, ser);
        let mut naive = vec![0u64; 101 * 4];
        for (&s, &c) in scores.iter().zip(&codes) {
            naive[c as usize * 4 + usize::from(NPS_BUCKET[usize::from(s)])] += 1;
        }
        assert_eq!(par, naive);
        let mut bad = codes.clone();
        bad[n - 5] = 101;
        let e = grouped_histogram::<4>(&scores, &bad, 101, &NPS_BUCKET).unwrap_err();
        assert_eq!((e.field(), e.row()), (Some("group"), Some(n - 5)));
        let auto = nps_histogram(&scores, &codes, 101, None).unwrap();
        assert_eq!(auto, naive);
        let known = nps_histogram(&scores, &codes, 101, Some(150)).unwrap();
        assert_eq!(known[..naive.len()], naive[..]);
        assert!(known[naive.len()..].iter().all(|&x| x == 0) && known.len() == 600);
        let e = nps_histogram(&scores, &bad, 101, None).unwrap_err();
        assert_eq!((e.field(), e.row()), (Some("group"), Some(n - 5)));
        let mut bad_score = scores.clone();
        bad_score[n - 3] = 11;
        let e = nps_histogram(&bad_score, &codes, 101, None).unwrap_err();
        assert_eq!((e.field(), e.row()), (Some("score"), Some(n - 3)));
        // Both a bad code (early) and a bad score (late): the score is named, as the
        // serial check of every score before the codes would.
        let mut bad_code_early = bad_score.clone();
        let mut early = codes.clone();
        early[2] = 5000;
        bad_code_early[n - 3] = 11;
        let e = nps_histogram(&bad_code_early, &early, 101, None).unwrap_err();
        assert_eq!((e.field(), e.row()), (Some("score"), Some(n - 3)));
    }

    #[test]
    fn block_checks_agree_across_builds() {
        for n in [0usize, 1, 15, 16, 17, 1000, PACKED_BLOCK] {
            let s: Vec<u8> = (0..n).map(|i| (i % 11) as u8).collect();
            let c: Vec<u32> = (0..n)
                .map(|i| ((i * 2_654_435_761) % 4_000_000_007) as u32)
                .collect();
            let want = c.iter().copied().max().unwrap_or(0);
            assert_eq!(codes_max(&c), want);
            assert_eq!(codes_max_best(&c), want);
            assert!(!scores_bad(&s));
            if n > 0 {
                let mut b = s.clone();
                b[n - 1] = 11;
                assert!(scores_bad(&b));
                b[n - 1] = 254;
                assert!(scores_bad(&b));
                b[n - 1] = 255;
                assert!(!scores_bad(&b));
            }
        }
    }

    #[test]
    fn blocks_that_bring_new_codes_among_old_ones_count_every_row_once() {
        // Block k draws its codes from 0..300·(k+1), so each block mixes codes that
        // already have counters with codes beyond them, in no order; one thread (below
        // the parallel threshold) and several (above it).
        for n in [PACKED_BLOCK * 3 + 11, PARALLEL_MIN_ROWS + PACKED_BLOCK * 2] {
            let scores: Vec<u8> = (0..n).map(|i| [0u8, 7, 9, 10, 255, 3][i % 6]).collect();
            let codes: Vec<u32> = (0..n)
                .map(|i| {
                    let span = 300 * (i / PACKED_BLOCK + 1);
                    ((i * 2_654_435_761) % span) as u32
                })
                .collect();
            let g = *codes.iter().max().unwrap() as usize + 1;
            let mut naive = vec![0u64; g * 4];
            for (&s, &c) in scores.iter().zip(&codes) {
                naive[c as usize * 4 + usize::from(NPS_BUCKET[usize::from(s)])] += 1;
            }
            assert_eq!(nps_histogram(&scores, &codes, g, None).unwrap(), naive);
            assert_eq!(
                nps_histogram(&scores, &codes, 1 << 20, None).unwrap(),
                naive
            );
        }
    }

    #[test]
    fn packed_lanes_hold_a_full_block_and_grow_with_the_codes() {
        // Every row in one group and class: a lane reaches u16::MAX in each block and
        // must not carry into the next lane.
        let n = PACKED_BLOCK * 3 + 5;
        for s in [0u8, 7, 10, 255] {
            let h = nps_histogram(&vec![s; n], &vec![0; n], 1, None).unwrap();
            let mut want = [0u64; 4];
            want[usize::from(NPS_BUCKET[usize::from(s)])] = n as u64;
            assert_eq!(h, want, "score {s}");
        }
        // Codes that grow along the rows make each thread's histogram grow block by block.
        let n = PARALLEL_MIN_ROWS * 2 + 3;
        let scores: Vec<u8> = (0..n).map(|i| (i % 11) as u8).collect();
        let codes: Vec<u32> = (0..n).map(|i| (i / 977) as u32).collect();
        let g = codes[n - 1] as usize + 1;
        let mut naive = vec![0u64; g * 4];
        for (&s, &c) in scores.iter().zip(&codes) {
            naive[c as usize * 4 + usize::from(NPS_BUCKET[usize::from(s)])] += 1;
        }
        assert_eq!(nps_histogram(&scores, &codes, g, None).unwrap(), naive);
        let e = nps_histogram(&scores, &codes, g - 1, None).unwrap_err();
        assert_eq!((e.field(), e.row()), (Some("group"), Some((g - 1) * 977)));
    }

    #[test]
    fn grouped_csat_and_ces_match_the_flat_functions() {
        let scores: Vec<u8> = (0..3000u32).map(|i| (1 + (i * 31) % 5) as u8).collect();
        let codes: Vec<u32> = (0..3000u32).map(|i| (i * 7) % 9).collect();
        let (_, g) = csat_by_group(&scores, &codes, 9, CsatOptions::new()).unwrap();
        let (_, c) = ces_by_group(&scores, &codes, 9, CesOptions::new()).unwrap();
        for code in 0..9u32 {
            let sub: Vec<f64> = scores
                .iter()
                .zip(&codes)
                .filter(|(_, c)| **c == code)
                .map(|(s, _)| f64::from(*s))
                .collect();
            let want = csat::csat(&sub, CsatOptions::new()).unwrap();
            let got = g[code as usize].clone().unwrap();
            assert_eq!(
                (got.n, got.n_top_box, got.ci_low),
                (want.n, want.n_top_box, want.ci_low)
            );
            assert!((got.mean - want.mean).abs() < 1e-12 && (got.sd - want.sd).abs() < 1e-12);
            let want = ces::ces(&sub, CesOptions::new()).unwrap();
            let got = c[code as usize].clone().unwrap();
            assert_eq!((got.n, got.n_favorable), (want.n, want.n_favorable));
            assert!((got.ci_high - want.ci_high).abs() < 1e-12);
        }
    }

    #[test]
    fn keys_encode_sorted_with_nulls_last_and_combine() {
        let k = encode_key_column([Some(5i64), None, Some(-1), Some(5)]).unwrap();
        assert_eq!(k.codes, vec![1, 2, 0, 1]);
        assert_eq!(k.dictionary, vec![Some(-1), Some(5), None]);
        let (codes, comps) = combine_key_codes(&[&[1, 1, 0, 1], &[2, 0, 2, 2]], &[2, 3]).unwrap();
        assert_eq!(codes, vec![2, 1, 0, 2]);
        assert_eq!(comps, vec![vec![0, 2], vec![1, 0], vec![1, 2]]);
        // Large cardinalities take the hash path and keep lexicographic order.
        let big = [u32::MAX - 1, 3];
        let (codes, comps) = combine_key_codes(&[&[7, 7, 2], &[1, 0, 2]], &big).unwrap();
        assert_eq!(codes, vec![2, 1, 0]);
        assert_eq!(comps[0], vec![2, 2]);
        assert!(combine_key_codes(&[&[3]], &[3]).is_err());
    }

    #[test]
    fn off_scale_scores_name_the_row() {
        let e = csat_by_group(&[5, 6], &[0, 0], 1, CsatOptions::new()).unwrap_err();
        assert_eq!(
            (e.field(), e.row(), e.value()),
            (Some("score"), Some(1), Some("6"))
        );
        let e = ces_by_group(&[7, 0], &[0, 0], 1, CesOptions::new()).unwrap_err();
        assert_eq!(e.row(), Some(1));
        let e = GroupedScoreTally::from_u8(&[1, 0], &[0, 0], 1)
            .unwrap()
            .finish_ces(CesOptions::new());
        assert_eq!(e.unwrap_err().code(), "invalid_value");
        let t = GroupedScoreTally::from_u8(&[1, 255], &[0, 1], 3).unwrap();
        let mut b = t.to_bytes();
        b[20] ^= 1;
        assert_eq!(
            GroupedScoreTally::from_bytes(&b).unwrap_err().code(),
            "format"
        );
    }
}
