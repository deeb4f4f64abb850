//! Mergeable tallies: fold batches (or partitions of a distributed engine) into a
//! small state, merge states in any order, then finish into a summary.
//!
//! Merging is exact for counts and for the per-class weight sums of [`NpsTally`];
//! [`MeanTally`] merges mean and sum of squared deviations with the parallel
//! formula of Chan, Golub & LeVeque (1979), equal to a one-pass result up to
//! rounding (about 1e-15 relative).
//!
//! # Serialized format (version 1)
//! `to_bytes` writes little-endian: magic `b"CXTL"`, format version `u16` (= 1),
//! kind `u8` (the registry: 1 NPS, 2 proportion, 3 mean, 4 grouped NPS, 10 Kano, 11 Pareto,
//! 20 quantile sketch, 21 ticket aggregates, 22 subgroup moments; a new state takes a new
//! number), payload length `u32`,
//! the payload, then a CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of all
//! preceding bytes. `from_bytes` checks all of these and the state's invariants, so
//! a wrong version or corrupted bytes give [`CxError::Format`], never a wrong number.

use crate::error::{CxError, Result};
use crate::metrics::interval::{ProportionInterval, mean_t_interval, proportion_interval};
use crate::metrics::nps::{self, NpsCounts, NpsOptions, NpsSummary, WeightSums};
use crate::stats::dist;

const MAGIC: &[u8; 4] = b"CXTL";
/// Version of the serialized tally format written by `to_bytes`.
pub const FORMAT_VERSION: u16 = 1;

/// CRC-32 (IEEE) of `data`, bitwise.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

pub(crate) fn encode(kind: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 15);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.push(kind);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(payload);
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

pub(crate) fn format_err(what: &str, reason: impl Into<String>) -> CxError {
    CxError::Format {
        what: what.into(),
        reason: reason.into(),
    }
}

/// Check the envelope and return a reader over the payload.
pub(crate) fn decode<'a>(bytes: &'a [u8], kind: u8, what: &str) -> Result<Reader<'a>> {
    if bytes.len() < 15 {
        return Err(format_err(what, "too short"));
    }
    if &bytes[..4] != MAGIC {
        return Err(format_err(what, "not a cx tally (bad magic)"));
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != FORMAT_VERSION {
        return Err(format_err(
            what,
            format!("format version {version}, this build reads {FORMAT_VERSION}"),
        ));
    }
    if bytes[6] != kind {
        return Err(format_err(
            what,
            format!("holds tally kind {}, expected {kind}", bytes[6]),
        ));
    }
    let len = u32::from_le_bytes([bytes[7], bytes[8], bytes[9], bytes[10]]) as usize;
    if bytes.len() != 15 + len {
        return Err(format_err(what, "length does not match the header"));
    }
    let (body, tail) = bytes.split_at(11 + len);
    let crc = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
    if crc32(body) != crc {
        return Err(format_err(what, "checksum mismatch (corrupted bytes)"));
    }
    Ok(Reader {
        buf: &body[11..],
        what: what.to_string(),
    })
}

/// Little-endian payload reader.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    what: String,
}

impl Reader<'_> {
    pub(crate) fn u64(&mut self) -> Result<u64> {
        if self.buf.len() < 8 {
            return Err(format_err(&self.what, "truncated payload"));
        }
        let (head, rest) = self.buf.split_at(8);
        self.buf = rest;
        let mut a = [0u8; 8];
        a.copy_from_slice(head);
        Ok(u64::from_le_bytes(a))
    }
    pub(crate) fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_bits(self.u64()?))
    }
    /// A finite, non-negative float.
    pub(crate) fn nonneg(&mut self) -> Result<f64> {
        let v = self.f64()?;
        if v.is_finite() && v >= 0.0 {
            Ok(v)
        } else {
            Err(format_err(&self.what, format!("invalid sum {v}")))
        }
    }
    pub(crate) fn finish(&self) -> Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(format_err(&self.what, "trailing bytes in payload"))
        }
    }
    pub(crate) fn err(&self, reason: &str) -> CxError {
        format_err(&self.what, reason)
    }
}

impl<'a> Reader<'a> {
    /// The next `n` raw bytes (for the strings of keyed tallies such as Pareto causes).
    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.buf.len() < n {
            return Err(format_err(&self.what, "truncated payload"));
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }
}

/// Mergeable NPS state: class counts, missing count and per-class Σw, Σw².
///
/// Unweighted updates count each response with weight 1, so [`NpsTally::finish_weighted`]
/// of an unweighted tally is the unweighted estimate with the linearisation SE.
///
/// # Examples
/// ```
/// use cx_core::metrics::tally::NpsTally;
/// let mut a = NpsTally::new();
/// a.update_u8(&[10, 9, 3])?;
/// let mut b = NpsTally::new();
/// b.update(&[7.0, f64::NAN])?;
/// a.merge(&b);
/// let back = NpsTally::from_bytes(&a.to_bytes())?;
/// assert_eq!(back, a);
/// let s = a.finish(Default::default())?;
/// assert_eq!((s.n, s.n_missing, s.score), (4, 1, 25.0));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NpsTally {
    counts: NpsCounts,
    n_missing: u64,
    sums: WeightSums,
}

impl NpsTally {
    /// Empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    /// Tally from class counts (each response with weight 1).
    pub fn from_counts(counts: NpsCounts, n_missing: u64) -> Self {
        let mut t = Self::new();
        t.add_counts(counts, n_missing);
        t
    }

    pub(crate) fn from_parts(counts: NpsCounts, n_missing: u64, w: [f64; 3], w2: [f64; 3]) -> Self {
        Self {
            counts,
            n_missing,
            sums: WeightSums { w, w2 },
        }
    }

    pub(crate) fn add_counts(&mut self, c: NpsCounts, n_missing: u64) {
        self.counts.promoters += c.promoters;
        self.counts.passives += c.passives;
        self.counts.detractors += c.detractors;
        self.n_missing += n_missing;
        for (i, k) in [c.detractors, c.passives, c.promoters]
            .into_iter()
            .enumerate()
        {
            self.sums.w[i] += k as f64;
            self.sums.w2[i] += k as f64;
        }
    }

    /// Add a batch of `u8` scores ([`nps::SCORE_MISSING_U8`] = missing).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] naming the row (within the batch); the tally is unchanged.
    pub fn update_u8(&mut self, scores: &[u8]) -> Result<()> {
        let (c, m) = nps::count_u8(scores)?;
        self.add_counts(c, m);
        Ok(())
    }

    /// Add a batch of `f64` scores (NaN = missing).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] naming the row (within the batch); the tally is unchanged.
    pub fn update(&mut self, scores: &[f64]) -> Result<()> {
        let (c, m) = nps::count_f64(scores)?;
        self.add_counts(c, m);
        Ok(())
    }

    /// Add a batch of weighted scores.
    ///
    /// # Errors
    /// [`CxError::LengthMismatch`], or [`CxError::InvalidValue`] for a bad score or weight
    /// (naming field, row and value); the tally is unchanged.
    pub fn update_weighted(&mut self, scores: &[f64], weights: &[f64]) -> Result<()> {
        if weights.len() != scores.len() {
            return Err(CxError::LengthMismatch {
                what: "weights".into(),
                expected: scores.len(),
                got: weights.len(),
            });
        }
        let mut local = Self::new();
        let mut k = [0u64; 3];
        for (row, (&v, &w)) in scores.iter().zip(weights).enumerate() {
            let Some(s) = nps::check_score(v, row)? else {
                local.n_missing += 1;
                continue;
            };
            nps::check_weight(w, row)?;
            let c = match s {
                9..=10 => 2,
                7..=8 => 1,
                _ => 0,
            };
            k[c] += 1;
            local.sums.w[c] += w;
            local.sums.w2[c] += w * w;
        }
        local.counts = NpsCounts::new(k[2], k[1], k[0]);
        self.merge(&local);
        Ok(())
    }

    /// Merge another tally into this one (exact for counts; sums up to rounding).
    pub fn merge(&mut self, other: &NpsTally) {
        self.counts.promoters += other.counts.promoters;
        self.counts.passives += other.counts.passives;
        self.counts.detractors += other.counts.detractors;
        self.n_missing += other.n_missing;
        for i in 0..3 {
            self.sums.w[i] += other.sums.w[i];
            self.sums.w2[i] += other.sums.w2[i];
        }
    }

    /// Class counts so far.
    pub fn counts(&self) -> NpsCounts {
        self.counts
    }
    /// Missing scores so far.
    pub fn n_missing(&self) -> u64 {
        self.n_missing
    }
    /// Per-class weight sums so far.
    pub fn weight_sums(&self) -> WeightSums {
        self.sums
    }

    /// Unweighted summary, as [`nps::summarize`].
    ///
    /// # Errors
    /// [`CxError::EmptyInput`] for an empty tally; [`CxError::InvalidOption`] for bad options.
    pub fn finish(&self, opts: NpsOptions) -> Result<NpsSummary> {
        nps::summarize(self.counts, self.n_missing, opts)
    }

    /// Weighted summary, as [`nps::weighted_nps`].
    ///
    /// # Errors
    /// As [`nps::summarize_weighted`].
    pub fn finish_weighted(&self, opts: NpsOptions) -> Result<NpsSummary> {
        nps::summarize_weighted(self.counts, self.n_missing, &self.sums, opts)
    }

    pub(crate) fn write_payload(&self, out: &mut Vec<u8>) {
        for v in [
            self.counts.promoters,
            self.counts.passives,
            self.counts.detractors,
            self.n_missing,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in self.sums.w.iter().chain(self.sums.w2.iter()) {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }

    pub(crate) fn read_payload(r: &mut Reader<'_>) -> Result<Self> {
        let counts = NpsCounts::new(r.u64()?, r.u64()?, r.u64()?);
        let n_missing = r.u64()?;
        let mut sums = WeightSums::default();
        for i in 0..3 {
            sums.w[i] = r.nonneg()?;
        }
        for i in 0..3 {
            sums.w2[i] = r.nonneg()?;
        }
        counts
            .promoters
            .checked_add(counts.passives)
            .and_then(|s| s.checked_add(counts.detractors))
            .ok_or_else(|| r.err("counts overflow"))?;
        Ok(Self {
            counts,
            n_missing,
            sums,
        })
    }

    /// Serialize (format version [`FORMAT_VERSION`], see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(80);
        self.write_payload(&mut p);
        encode(1, &p)
    }

    /// Deserialize bytes written by [`NpsTally::to_bytes`].
    ///
    /// # Errors
    /// [`CxError::Format`] for a wrong magic, version or kind, bad length or checksum, or
    /// an invalid state.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = decode(bytes, 1, "NpsTally")?;
        let t = Self::read_payload(&mut r)?;
        r.finish()?;
        Ok(t)
    }
}

/// Summary of a proportion (successes out of trials) with its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ProportionSummary {
    /// `successes / n` (0–1).
    pub ratio: f64,
    /// Lower bound (0–1).
    pub ci_low: f64,
    /// Upper bound (0–1).
    pub ci_high: f64,
    /// Successes.
    pub successes: u64,
    /// Trials (non-missing outcomes).
    pub n: u64,
    /// Missing outcomes skipped.
    pub n_missing: u64,
    /// Interval method.
    pub method: ProportionInterval,
    /// Confidence level.
    pub level: f64,
}

/// Mergeable proportion state: successes, trials and missing count.
///
/// # Examples
/// ```
/// use cx_core::metrics::{tally::ProportionTally, ProportionInterval};
/// let mut t = ProportionTally::new();
/// t.update(&[1.0, 0.0, 1.0, f64::NAN])?;
/// let s = t.finish(ProportionInterval::Wilson, 0.95)?;
/// assert_eq!((s.successes, s.n, s.n_missing), (2, 3, 1));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProportionTally {
    successes: u64,
    n: u64,
    n_missing: u64,
}

impl ProportionTally {
    /// Empty tally.
    pub fn new() -> Self {
        Self::default()
    }
    /// Add outcomes 1.0 (success) / 0.0 (failure); NaN = missing.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] (field `outcome`, row, value) for anything else; unchanged then.
    pub fn update(&mut self, outcomes: &[f64]) -> Result<()> {
        let (mut x, mut n, mut m) = (0u64, 0u64, 0u64);
        for (row, &v) in outcomes.iter().enumerate() {
            if v.is_nan() {
                m += 1;
            } else if v == 1.0 || v == 0.0 {
                n += 1;
                x += u64::from(v == 1.0);
            } else {
                return Err(CxError::invalid(
                    "outcome",
                    Some(row),
                    v,
                    "outcomes must be 0 or 1",
                ));
            }
        }
        self.successes += x;
        self.n += n;
        self.n_missing += m;
        Ok(())
    }
    /// Add aggregated counts.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] (field `successes`) when `successes > trials`.
    pub fn add(&mut self, successes: u64, trials: u64) -> Result<()> {
        if successes > trials {
            return Err(CxError::invalid(
                "successes",
                None,
                successes,
                "successes exceed trials",
            ));
        }
        self.successes += successes;
        self.n += trials;
        Ok(())
    }
    /// Merge another tally.
    pub fn merge(&mut self, other: &ProportionTally) {
        self.successes += other.successes;
        self.n += other.n;
        self.n_missing += other.n_missing;
    }
    /// Successes so far.
    pub fn successes(&self) -> u64 {
        self.successes
    }
    /// Trials so far.
    pub fn n(&self) -> u64 {
        self.n
    }
    /// Missing outcomes so far.
    pub fn n_missing(&self) -> u64 {
        self.n_missing
    }
    /// Finish with an interval.
    ///
    /// # Errors
    /// As [`proportion_interval`].
    pub fn finish(&self, method: ProportionInterval, level: f64) -> Result<ProportionSummary> {
        let ci = proportion_interval(self.successes, self.n, level, method)?;
        Ok(ProportionSummary {
            ratio: self.successes as f64 / self.n as f64,
            ci_low: ci.low,
            ci_high: ci.high,
            successes: self.successes,
            n: self.n,
            n_missing: self.n_missing,
            method,
            level,
        })
    }
    /// Serialize (format version [`FORMAT_VERSION`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(24);
        for v in [self.successes, self.n, self.n_missing] {
            p.extend_from_slice(&v.to_le_bytes());
        }
        encode(2, &p)
    }
    /// Deserialize bytes written by [`ProportionTally::to_bytes`].
    ///
    /// # Errors
    /// [`CxError::Format`] for bad bytes or `successes > n`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = decode(bytes, 2, "ProportionTally")?;
        let t = Self {
            successes: r.u64()?,
            n: r.u64()?,
            n_missing: r.u64()?,
        };
        r.finish()?;
        if t.successes > t.n {
            return Err(r.err("successes exceed trials"));
        }
        Ok(t)
    }
}

/// Summary of a mean with its t-interval.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct MeanSummary {
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (ddof = 1; NaN when n < 2).
    pub sd: f64,
    /// `sd/√n`.
    pub standard_error: f64,
    /// Lower t-interval bound (NaN when n < 2).
    pub ci_low: f64,
    /// Upper t-interval bound (NaN when n < 2).
    pub ci_high: f64,
    /// Non-missing values.
    pub n: u64,
    /// Missing values skipped.
    pub n_missing: u64,
    /// Confidence level.
    pub level: f64,
}

/// Mergeable mean/variance state (count, mean, sum of squared deviations M2).
///
/// # Formula
/// Batch: two-pass mean and `M2 = Σ(x − x̄)²`. Merge of A and B: `δ = x̄_B − x̄_A`,
/// `n = n_A + n_B`, `x̄ = x̄_A + δ·n_B/n`, `M2 = M2_A + M2_B + δ²·n_A·n_B/n`.
/// # Reference
/// Chan, T. F., Golub, G. H. & LeVeque, R. J. (1979). "Updating formulae and a pairwise
/// algorithm for computing sample variances". Stanford CS report STAN-CS-79-773;
/// Welford, B. P. (1962). Technometrics 4(3):419–420.
/// # Examples
/// ```
/// use cx_core::metrics::tally::MeanTally;
/// let mut a = MeanTally::new();
/// a.update(&[1.0, 2.0])?;
/// let mut b = MeanTally::new();
/// b.update(&[3.0, 4.0, f64::NAN])?;
/// a.merge(&b);
/// assert_eq!((a.n(), a.mean()), (4, 2.5));
/// assert!((a.variance() - 5.0 / 3.0).abs() < 1e-15);
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MeanTally {
    n: u64,
    mean: f64,
    m2: f64,
    n_missing: u64,
}

impl MeanTally {
    /// Empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    /// A tally from its moments: count, mean and `M2 = Σ(x − x̄)²` (for
    /// example rebuilt from a published mean and standard error:
    /// `M2 = se² · n · (n − 1)`).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for a non-finite mean or a negative or
    /// non-finite `m2`.
    ///
    /// # Examples
    /// ```
    /// use cx_core::metrics::tally::MeanTally;
    /// let t = MeanTally::from_moments(4, 2.5, 5.0)?;
    /// assert_eq!((t.n(), t.mean()), (4, 2.5));
    /// assert!((t.variance() - 5.0 / 3.0).abs() < 1e-15);
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn from_moments(n: u64, mean: f64, m2: f64) -> Result<Self> {
        if !mean.is_finite() {
            return Err(CxError::invalid("mean", None, mean, "must be finite"));
        }
        if !(m2.is_finite() && m2 >= 0.0) {
            return Err(CxError::invalid("m2", None, m2, "must be finite and >= 0"));
        }
        Ok(Self {
            n,
            mean: if n == 0 { 0.0 } else { mean },
            m2: if n == 0 { 0.0 } else { m2 },
            n_missing: 0,
        })
    }

    /// Tally of one batch; `what` names the input in errors.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] (field `what`, row, value) for an infinite value.
    pub fn from_values(what: &str, values: &[f64]) -> Result<Self> {
        let mut n = 0u64;
        let mut sum = 0.0;
        let mut missing = 0u64;
        for (row, &v) in values.iter().enumerate() {
            if v.is_nan() {
                missing += 1;
            } else if v.is_infinite() {
                return Err(CxError::invalid(
                    what,
                    Some(row),
                    v,
                    "values must be finite",
                ));
            } else {
                n += 1;
                sum += v;
            }
        }
        if n == 0 {
            return Ok(Self {
                n_missing: missing,
                ..Self::default()
            });
        }
        let mean0 = sum / n as f64;
        // Second pass with the compensating correction term (Chan et al. 1983, eq. 1.7).
        let (mut ss, mut corr) = (0.0, 0.0);
        for &v in values.iter().filter(|v| !v.is_nan()) {
            let d = v - mean0;
            ss += d * d;
            corr += d;
        }
        let nf = n as f64;
        Ok(Self {
            n,
            mean: mean0 + corr / nf,
            m2: (ss - corr * corr / nf).max(0.0),
            n_missing: missing,
        })
    }

    /// Add a batch (NaN = missing).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] (field `value`) for an infinite value; unchanged then.
    pub fn update(&mut self, values: &[f64]) -> Result<()> {
        let b = Self::from_values("value", values)?;
        self.merge(&b);
        Ok(())
    }

    /// Merge another tally (Chan et al. parallel formula).
    pub fn merge(&mut self, other: &MeanTally) {
        self.n_missing += other.n_missing;
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            let m = self.n_missing;
            *self = *other;
            self.n_missing = m;
            return;
        }
        let (na, nb) = (self.n as f64, other.n as f64);
        let n = na + nb;
        let delta = other.mean - self.mean;
        self.mean += delta * nb / n;
        self.m2 += other.m2 + delta * delta * na * nb / n;
        self.n += other.n;
    }

    /// Non-missing values so far.
    pub fn n(&self) -> u64 {
        self.n
    }
    /// Missing values so far.
    pub fn n_missing(&self) -> u64 {
        self.n_missing
    }
    /// Mean (0 for an empty tally).
    pub fn mean(&self) -> f64 {
        self.mean
    }
    /// Sum of squared deviations from the mean.
    pub fn m2(&self) -> f64 {
        self.m2
    }
    /// Sample variance (ddof = 1); NaN when n < 2.
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            f64::NAN
        } else {
            self.m2 / (self.n - 1) as f64
        }
    }

    /// Finish with a Student-t interval.
    ///
    /// # Errors
    /// [`CxError::EmptyInput`] for an empty tally; [`CxError::InvalidOption`] for a bad level.
    pub fn finish(&self, level: f64) -> Result<MeanSummary> {
        dist::check_level(level)?;
        if self.n == 0 {
            return Err(CxError::EmptyInput {
                what: "value".into(),
            });
        }
        let sd = self.variance().sqrt();
        let ci = mean_t_interval(self.mean, sd, self.n, level)?;
        Ok(MeanSummary {
            mean: self.mean,
            sd,
            standard_error: sd / (self.n as f64).sqrt(),
            ci_low: ci.low,
            ci_high: ci.high,
            n: self.n,
            n_missing: self.n_missing,
            level,
        })
    }

    /// Serialize (format version [`FORMAT_VERSION`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(32);
        p.extend_from_slice(&self.n.to_le_bytes());
        p.extend_from_slice(&self.mean.to_le_bytes());
        p.extend_from_slice(&self.m2.to_le_bytes());
        p.extend_from_slice(&self.n_missing.to_le_bytes());
        encode(3, &p)
    }

    /// Deserialize bytes written by [`MeanTally::to_bytes`].
    ///
    /// # Errors
    /// [`CxError::Format`] for bad bytes, a non-finite mean or a negative M2.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = decode(bytes, 3, "MeanTally")?;
        let n = r.u64()?;
        let mean = r.f64()?;
        let m2 = r.nonneg()?;
        let n_missing = r.u64()?;
        r.finish()?;
        if !mean.is_finite() || (n == 0 && (mean != 0.0 || m2 != 0.0)) {
            return Err(r.err("inconsistent mean state"));
        }
        Ok(Self {
            n,
            mean,
            m2,
            n_missing,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn corrupted_or_foreign_bytes_are_format_errors() {
        let mut t = NpsTally::new();
        t.update_u8(&[1, 9, 10, 7]).unwrap();
        let b = t.to_bytes();
        for i in 0..b.len() {
            let mut c = b.clone();
            c[i] ^= 0x10;
            assert_eq!(
                NpsTally::from_bytes(&c).unwrap_err().code(),
                "format",
                "byte {i}"
            );
        }
        assert!(NpsTally::from_bytes(&b[..b.len() - 1]).is_err());
        assert!(MeanTally::from_bytes(&b).is_err());
        let mut v2 = b.clone();
        v2[4] = 2;
        let e = NpsTally::from_bytes(&v2).unwrap_err();
        assert!(e.to_string().contains("version") || e.to_string().contains("checksum"));
        let m = MeanTally::from_values("x", &[1.0, 2.0]).unwrap();
        assert_eq!(MeanTally::from_bytes(&m.to_bytes()).unwrap(), m);
        let p = ProportionTally {
            successes: 1,
            n: 2,
            n_missing: 0,
        };
        assert_eq!(ProportionTally::from_bytes(&p.to_bytes()).unwrap(), p);
    }

    #[test]
    fn crc_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn failed_update_leaves_tally_unchanged() {
        let mut t = NpsTally::new();
        t.update(&[10.0]).unwrap();
        let before = t.clone();
        assert!(t.update(&[9.0, 12.0]).is_err());
        assert!(t.update_weighted(&[9.0, 3.0], &[1.0, -2.0]).is_err());
        assert_eq!(t, before);
        let mut m = MeanTally::new();
        assert!(m.update(&[1.0, f64::INFINITY]).is_err());
        assert_eq!(m, MeanTally::new());
    }
}
