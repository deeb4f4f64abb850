//! Pareto analysis of causes: counts (or weights) per cause, sorted, with cumulative
//! shares, the "vital few" up to a cut, and an optional "Other" bucket pinned last.
//!
//! Causes come from a single-valued column ([`ParetoTally::update_values`]) or from
//! multi-valued tags ([`ParetoTally::update_tags`], split at [`DEFAULT_SEPARATORS`]
//! unless told otherwise), or as aggregated counts ([`ParetoTally::add`]). Null, empty
//! and whitespace-only cells (and cells holding only separators) are counted as
//! missing, never silently dropped.
//!
//! # Formula
//! Sort causes by value (count, or summed weight) descending; share `sᵢ = vᵢ / Σv`;
//! cumulative share `cₖ = Σ_{i≤k} vᵢ / Σv`, ending at exactly 1. The vital few are the
//! first causes up to and including the one whose cumulative share first reaches the
//! cut (default 0.8); the "Other" bucket is never vital.
//!
//! # Ties
//! The sort is stable. With [`TieOrder::FirstSeen`] (default) causes with equal values
//! keep the order in which they were first seen, which is what R's qcc `paretoChart` /
//! `pareto.chart` does with a vector or table (`sort(as.table(x), decreasing = TRUE)`
//! is a stable radix sort: ties keep input order). With [`TieOrder::Name`] ties are
//! ordered by cause name (Unicode code point order), which matches qcc applied to
//! `table(x)` (whose levels R sorts by name) for ASCII names in the C locale, and does
//! not depend on the order of rows or of merges.
//!
//! # Reference
//! Juran, J. M. (1951). *Quality Control Handbook* ("vital few and trivial many");
//! Scrucca, L. (2004). "qcc: an R package for quality control charting and statistical
//! process monitoring". *R News* 4/1, 11–17 (`pareto.chart`); qicharts2 `paretochart`.
//!
//! # Serialized format
//! [`ParetoTally::to_bytes`] writes the versioned, checksummed envelope of
//! [`crate::metrics::tally`] with tally kind 11; the payload is `u64` flags (bit 0 =
//! weighted), rows, missing rows, number of causes, then per cause (in first-seen
//! order) the length-prefixed UTF-8 name, its count (`u64`) and weight (`f64`), all
//! little-endian.
//!
//! # Examples
//! ```
//! use cx_core::pareto::{ParetoOptions, ParetoTally, DEFAULT_SEPARATORS};
//! let tags = [Some("late;refund"), Some("late"), None, Some("rude"), Some("late")];
//! let mut t = ParetoTally::new();
//! t.update_tags(&tags, &DEFAULT_SEPARATORS, None)?;
//! let p = t.finish(&ParetoOptions::default())?;
//! // late 3, refund 1, rude 1 (tie: first seen first); cum 3/5, 4/5, 5/5.
//! assert_eq!(p.vital_few, ["late", "refund"]);
//! assert_eq!(p.n_missing, 1);
//! # Ok::<(), cx_core::CxError>(())
//! ```

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::metrics::tally::{decode, encode};
use crate::{CxError, Result};

/// Tally kind of [`ParetoTally`] in the serialized envelope.
const KIND: u8 = 11;

/// Tag separators used by default: ASCII and full-width comma and semicolon, and `|`.
pub const DEFAULT_SEPARATORS: [&str; 5] = [",", "，", ";", "；", "|"];

/// Order of causes with equal values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum TieOrder {
    /// Order of first appearance (qcc on a vector in that order). Default.
    #[default]
    FirstSeen,
    /// Cause name, ascending by Unicode code point (qcc on `table(x)`, C locale).
    Name,
}

impl TieOrder {
    /// Stable name: `first-seen` or `name`.
    pub fn name(self) -> &'static str {
        match self {
            TieOrder::FirstSeen => "first-seen",
            TieOrder::Name => "name",
        }
    }
}

impl std::str::FromStr for TieOrder {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "first-seen" => Ok(TieOrder::FirstSeen),
            "name" => Ok(TieOrder::Name),
            other => Err(CxError::option(
                "ties",
                format!("must be one of {{first-seen, name}}, got {other:?}"),
            )),
        }
    }
}

/// Options of [`ParetoTally::finish`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ParetoOptions {
    /// Cumulative share that ends the vital few (0 < cut ≤ 1, default 0.8).
    pub cut: f64,
    /// Keep only the `top` largest causes; the rest go to the "Other" bucket.
    pub top: Option<usize>,
    /// Causes with a share below this (0–1) go to the "Other" bucket.
    pub min_share: Option<f64>,
    /// Label of the "Other" bucket (default `"Other"`). When a bucket is requested, a
    /// cause with this very name is folded into it.
    pub other_label: String,
    /// Order of ties.
    pub ties: TieOrder,
}

impl Default for ParetoOptions {
    fn default() -> Self {
        Self {
            cut: 0.8,
            top: None,
            min_share: None,
            other_label: "Other".into(),
            ties: TieOrder::FirstSeen,
        }
    }
}

impl ParetoOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set [`ParetoOptions::cut`].
    pub fn cut(mut self, cut: f64) -> Self {
        self.cut = cut;
        self
    }
    /// Set [`ParetoOptions::top`].
    pub fn top(mut self, k: usize) -> Self {
        self.top = Some(k);
        self
    }
    /// Set [`ParetoOptions::min_share`].
    pub fn min_share(mut self, s: f64) -> Self {
        self.min_share = Some(s);
        self
    }
    /// Set [`ParetoOptions::other_label`].
    pub fn other_label(mut self, label: impl Into<String>) -> Self {
        self.other_label = label.into();
        self
    }
    /// Set [`ParetoOptions::ties`].
    pub fn ties(mut self, t: TieOrder) -> Self {
        self.ties = t;
        self
    }
    fn check(&self) -> Result<()> {
        if !(self.cut > 0.0 && self.cut <= 1.0) {
            return Err(CxError::option(
                "cut",
                format!("must lie in (0, 1], got {}", self.cut),
            ));
        }
        if self.top == Some(0) {
            return Err(CxError::option("top", "must be at least 1, got 0"));
        }
        if let Some(m) = self.min_share
            && !(0.0..=1.0).contains(&m)
        {
            return Err(CxError::option(
                "min_share",
                format!("must lie in 0-1, got {m}"),
            ));
        }
        Ok(())
    }
}

/// One cause's running totals.
#[derive(Debug, Clone, PartialEq)]
struct Cause {
    name: String,
    count: u64,
    weight: f64,
}

/// Mergeable Pareto state: per cause (in order of first appearance) its count and
/// summed weight, plus rows seen and rows without a cause.
///
/// Unweighted rows add weight 1, so a tally that mixes weighted and unweighted
/// updates sums weights with 1 for the unweighted rows.
///
/// # Examples
/// ```
/// use cx_core::pareto::ParetoTally;
/// let mut a = ParetoTally::new();
/// a.update_values(&[Some("late"), Some("")], None)?;
/// let mut b = ParetoTally::new();
/// b.update_values(&[Some("rude"), Some("late")], None)?;
/// a.merge(&b);
/// assert_eq!(ParetoTally::from_bytes(&a.to_bytes())?, a);
/// assert_eq!((a.n_rows(), a.n_missing()), (4, 1));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParetoTally {
    causes: Vec<Cause>,
    index: HashMap<String, usize>,
    n_rows: u64,
    n_missing: u64,
    weighted: bool,
}

fn check_weights(weights: Option<&[f64]>, n: usize) -> Result<()> {
    let Some(w) = weights else { return Ok(()) };
    if w.len() != n {
        return Err(CxError::LengthMismatch {
            what: "weights".into(),
            expected: n,
            got: w.len(),
        });
    }
    if let Some((row, v)) = w
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
    {
        return Err(CxError::invalid(
            "weights",
            Some(row),
            v,
            "weights must be finite and >= 0",
        ));
    }
    Ok(())
}

/// Split `s` at any of `seps`, trimming pieces and dropping empty ones.
fn split_tags<'a>(s: &'a str, seps: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < s.len() {
        if let Some(sep) = seps
            .iter()
            .find(|p| !p.is_empty() && s[i..].starts_with(**p))
        {
            out.push(&s[start..i]);
            i += sep.len();
            start = i;
        } else {
            i += s[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect()
}

impl ParetoTally {
    /// Empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    fn bump(&mut self, name: &str, count: u64, weight: f64) {
        match self.index.get(name) {
            Some(&i) => {
                self.causes[i].count += count;
                self.causes[i].weight += weight;
            }
            None => {
                self.index.insert(name.to_string(), self.causes.len());
                self.causes.push(Cause {
                    name: name.to_string(),
                    count,
                    weight,
                });
            }
        }
    }

    /// Add a single-valued cause column (values trimmed; null or blank = missing), with
    /// optional per-row weights.
    ///
    /// # Errors
    /// [`CxError::LengthMismatch`]; [`CxError::InvalidValue`] naming the row of a
    /// negative or non-finite weight. The tally is unchanged on error.
    pub fn update_values<S: AsRef<str>>(
        &mut self,
        values: &[Option<S>],
        weights: Option<&[f64]>,
    ) -> Result<()> {
        self.update_with(values, weights, |s| {
            let t = s.trim();
            if t.is_empty() { Vec::new() } else { vec![t] }
        })
    }

    /// Add a column of multi-valued tags split at `separators` (pieces trimmed; a tag
    /// repeated within one row counts once; a row without tags is missing). Each tag of
    /// a row gets the row's whole weight.
    ///
    /// # Errors
    /// As [`ParetoTally::update_values`].
    pub fn update_tags<S: AsRef<str>>(
        &mut self,
        values: &[Option<S>],
        separators: &[&str],
        weights: Option<&[f64]>,
    ) -> Result<()> {
        self.update_with(values, weights, |s| {
            let mut tags = split_tags(s, separators);
            let mut seen = 0;
            // Keep the first occurrence of each tag, in order.
            for i in 0..tags.len() {
                if !tags[..seen].contains(&tags[i]) {
                    tags[seen] = tags[i];
                    seen += 1;
                }
            }
            tags.truncate(seen);
            tags
        })
    }

    fn update_with<S: AsRef<str>>(
        &mut self,
        values: &[Option<S>],
        weights: Option<&[f64]>,
        split: impl for<'a> Fn(&'a str) -> Vec<&'a str>,
    ) -> Result<()> {
        check_weights(weights, values.len())?;
        self.weighted |= weights.is_some();
        self.n_rows += values.len() as u64;
        for (row, v) in values.iter().enumerate() {
            let w = weights.map_or(1.0, |w| w[row]);
            let tags = v.as_ref().map(|s| split(s.as_ref())).unwrap_or_default();
            if tags.is_empty() {
                self.n_missing += 1;
            }
            for t in tags {
                self.bump(t, 1, w);
            }
        }
        Ok(())
    }

    /// Add aggregated totals of one cause (`count` mentions, summed `weight`); rows
    /// are not counted. A weight different from `count` marks the tally as weighted.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an empty cause or a negative or non-finite weight.
    pub fn add(&mut self, cause: &str, count: u64, weight: f64) -> Result<()> {
        let name = cause.trim();
        if name.is_empty() {
            return Err(CxError::invalid("cause", None, cause, "cause is empty"));
        }
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(CxError::invalid(
                name,
                None,
                weight,
                "weights must be finite and >= 0",
            ));
        }
        self.weighted |= weight != count as f64;
        self.bump(name, count, weight);
        Ok(())
    }

    /// Merge another tally: counts and weights add per cause; causes new to `self` are
    /// appended in `other`'s order, so merging partitions in row order keeps the
    /// first-seen order of the whole.
    pub fn merge(&mut self, other: &ParetoTally) {
        for c in &other.causes {
            self.bump(&c.name, c.count, c.weight);
        }
        self.n_rows += other.n_rows;
        self.n_missing += other.n_missing;
        self.weighted |= other.weighted;
    }

    /// Rows seen by `update_*`.
    pub fn n_rows(&self) -> u64 {
        self.n_rows
    }
    /// Rows without any cause.
    pub fn n_missing(&self) -> u64 {
        self.n_missing
    }
    /// Whether weights were given.
    pub fn is_weighted(&self) -> bool {
        self.weighted
    }
    /// (cause, count, weight) in order of first appearance.
    pub fn causes(&self) -> impl Iterator<Item = (&str, u64, f64)> {
        self.causes
            .iter()
            .map(|c| (c.name.as_str(), c.count, c.weight))
    }

    /// The sorted table with cumulative shares and the vital few.
    ///
    /// # Errors
    /// [`CxError::EmptyInput`] when there is no cause or all values are zero;
    /// [`CxError::InvalidOption`] for a cut outside (0, 1], `top = 0` or a `min_share`
    /// outside 0–1.
    pub fn finish(&self, opts: &ParetoOptions) -> Result<ParetoSummary> {
        opts.check()?;
        let value = |c: &Cause| {
            if self.weighted {
                c.weight
            } else {
                c.count as f64
            }
        };
        let grand: f64 = self.causes.iter().map(value).sum();
        if self.causes.is_empty() || grand <= 0.0 {
            return Err(CxError::EmptyInput {
                what: "pareto causes".into(),
            });
        }
        let mut order: Vec<&Cause> = self.causes.iter().collect();
        if opts.ties == TieOrder::Name {
            order.sort_by(|a, b| a.name.cmp(&b.name));
        }
        // Stable: equal values keep the tie order set above.
        order.sort_by(|a, b| value(b).total_cmp(&value(a)));
        let bucket = opts.top.is_some() || opts.min_share.is_some();
        let mut rows: Vec<ParetoRow> = Vec::with_capacity(order.len() + 1);
        let mut other = ParetoRow::new(&opts.other_label, 0, 0.0, 0.0, true);
        for (i, c) in order.iter().enumerate() {
            let v = value(c);
            let keep = !bucket
                || (opts.top.is_none_or(|k| i < k)
                    && opts.min_share.is_none_or(|m| v / grand >= m)
                    && c.name != opts.other_label);
            if keep {
                rows.push(ParetoRow::new(&c.name, c.count, c.weight, v, false));
            } else {
                other.count += c.count;
                other.weight += c.weight;
                other.value += v;
                other.n_causes += 1;
            }
        }
        if other.n_causes > 0 {
            rows.push(other);
        }
        // Total summed in display order, so that the last cumulative share is exactly 1.
        let total: f64 = rows.iter().map(|r| r.value).sum();
        let mut run = 0.0;
        let mut reached = false;
        let mut vital_few = Vec::new();
        for r in &mut rows {
            run += r.value;
            r.share = r.value / total;
            r.cum_share = run / total;
            if !reached && !r.is_other {
                r.vital = true;
                vital_few.push(r.cause.clone());
                reached = r.cum_share >= opts.cut - 1e-12;
            }
        }
        Ok(ParetoSummary {
            rows,
            vital_few,
            total,
            n_rows: self.n_rows,
            n_missing: self.n_missing,
            weighted: self.weighted,
            cut: opts.cut,
        })
    }

    /// Serialize (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::new();
        for v in [
            u64::from(self.weighted),
            self.n_rows,
            self.n_missing,
            self.causes.len() as u64,
        ] {
            p.extend_from_slice(&v.to_le_bytes());
        }
        for c in &self.causes {
            p.extend_from_slice(&(c.name.len() as u64).to_le_bytes());
            p.extend_from_slice(c.name.as_bytes());
            p.extend_from_slice(&c.count.to_le_bytes());
            p.extend_from_slice(&c.weight.to_le_bytes());
        }
        encode(KIND, &p)
    }

    /// Deserialize bytes written by [`ParetoTally::to_bytes`].
    ///
    /// # Errors
    /// [`CxError::Format`] for a wrong magic, version or kind, a bad length or checksum,
    /// invalid UTF-8, a repeated cause or a negative weight.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = decode(bytes, KIND, "ParetoTally")?;
        let flags = r.u64()?;
        if flags > 1 {
            return Err(r.err("unknown flags"));
        }
        let mut t = Self {
            weighted: flags == 1,
            n_rows: r.u64()?,
            n_missing: r.u64()?,
            ..Self::default()
        };
        let n = r.u64()?;
        for _ in 0..n {
            let len = usize::try_from(r.u64()?).map_err(|_| r.err("name too long"))?;
            let name = std::str::from_utf8(r.bytes(len)?)
                .map_err(|_| r.err("cause is not UTF-8"))?
                .to_string();
            let (count, weight) = (r.u64()?, r.nonneg()?);
            if t.index.contains_key(&name) {
                return Err(r.err("repeated cause"));
            }
            t.bump(&name, count, weight);
        }
        r.finish()?;
        Ok(t)
    }
}

/// One row of the Pareto table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ParetoRow {
    /// Cause (or the "Other" label).
    pub cause: String,
    /// Mentions.
    pub count: u64,
    /// Summed weight (equals `count` without weights).
    pub weight: f64,
    /// The sorted value: `weight` if the tally is weighted, else `count`.
    pub value: f64,
    /// `value / total` (0–1).
    pub share: f64,
    /// Cumulative share up to this row (0–1, non-decreasing, 1 at the last row).
    pub cum_share: f64,
    /// Whether the row is among the vital few.
    pub vital: bool,
    /// Whether this is the "Other" bucket.
    pub is_other: bool,
    /// Causes in the row (1, or how many the "Other" bucket holds).
    pub n_causes: u64,
}

impl ParetoRow {
    fn new(cause: &str, count: u64, weight: f64, value: f64, is_other: bool) -> Self {
        Self {
            cause: cause.to_string(),
            count,
            weight,
            value,
            share: 0.0,
            cum_share: 0.0,
            vital: false,
            is_other,
            n_causes: u64::from(!is_other),
        }
    }
}

/// Result of [`ParetoTally::finish`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ParetoSummary {
    /// Rows sorted by value descending, "Other" last.
    pub rows: Vec<ParetoRow>,
    /// Causes of the vital few, in table order.
    pub vital_few: Vec<String>,
    /// Sum of values (mentions, or weights).
    pub total: f64,
    /// Rows seen.
    pub n_rows: u64,
    /// Rows without a cause.
    pub n_missing: u64,
    /// Whether values are weights.
    pub weighted: bool,
    /// The cut used.
    pub cut: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_at_mixed_separators() {
        assert_eq!(
            split_tags(" a ，b;;c|d；e,", &DEFAULT_SEPARATORS),
            ["a", "b", "c", "d", "e"]
        );
        assert!(split_tags(" ; ", &DEFAULT_SEPARATORS).is_empty());
    }

    #[test]
    fn ties_first_seen_or_by_name() -> Result<()> {
        let mut t = ParetoTally::new();
        t.update_values(&[Some("c"), Some("a"), Some("b"), Some("a")], None)?;
        let names = |p: &ParetoSummary| p.rows.iter().map(|r| r.cause.clone()).collect::<Vec<_>>();
        assert_eq!(names(&t.finish(&ParetoOptions::new())?), ["a", "c", "b"]);
        let by_name = t.finish(&ParetoOptions::new().ties(TieOrder::Name))?;
        assert_eq!(names(&by_name), ["a", "b", "c"]);
        Ok(())
    }

    #[test]
    fn other_bucket_pinned_last_and_never_vital() -> Result<()> {
        let mut t = ParetoTally::new();
        for (c, k) in [("a", 5u64), ("b", 3), ("c", 1), ("d", 1)] {
            t.add(c, k, k as f64)?;
        }
        let p = t.finish(&ParetoOptions::new().top(1).cut(1.0))?;
        // a 5, Other 5 (b + c + d): Other pinned last even though it ties a.
        assert_eq!(p.rows.len(), 2);
        assert!(p.rows[1].is_other && p.rows[1].n_causes == 3);
        assert_eq!(p.vital_few, ["a"]);
        assert_eq!(p.rows[1].cum_share, 1.0);
        Ok(())
    }

    #[test]
    fn bad_weights_and_options() {
        let mut t = ParetoTally::new();
        let e = t.update_values(&[Some("a"), Some("b")], Some(&[1.0, -2.0]));
        assert_eq!(
            e.err(),
            Some(CxError::invalid(
                "weights",
                Some(1),
                -2.0,
                "weights must be finite and >= 0"
            ))
        );
        assert_eq!(t.n_rows(), 0);
        assert!(t.finish(&ParetoOptions::new()).is_err());
        let _ = t.update_values(&[Some("a")], None);
        assert!(t.finish(&ParetoOptions::new().cut(0.0)).is_err());
        assert!(t.finish(&ParetoOptions::new().top(0)).is_err());
    }
}
