//! A small mergeable quantile sketch with a relative-error guarantee, and
//! grouped summaries (count, mean, median, percentiles) of ticket metrics.
//!
//! # Sketch
//! Logarithmic buckets as in DDSketch (Masson, Rim & Lee, "DDSketch: A Fast
//! and Fully-Mergeable Quantile Sketch with Relative-Error Guarantees", PVLDB
//! 12(12), 2019): with `γ = (1 + α)/(1 − α)`, a value `x > 0` goes to bucket
//! `i = ⌈log_γ x⌉` and bucket `i` is represented by `2γⁱ/(γ + 1)`, which is
//! within relative error `α` of every value in the bucket. Zeros are counted
//! exactly. The quantile `q` returns the representative of the bucket holding
//! the element of rank `⌊q·(n − 1)⌋` (0-based, lower-rank convention), so it is
//! within `α·x` of that element `x`. Merging adds bucket counts (exact,
//! associative, commutative). Negative values are rejected (durations).
//!
//! Exact quantiles use linear interpolation between order statistics
//! (Hyndman & Fan 1996 type 7, numpy's default `method="linear"`).

use std::collections::BTreeMap;

use crate::{CxError, Result};

/// Mergeable quantile sketch with relative accuracy `alpha` (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileSketch {
    pub(crate) alpha: f64,
    pub(crate) ln_gamma: f64,
    pub(crate) zeros: u64,
    pub(crate) buckets: BTreeMap<i32, u64>,
    pub(crate) count: u64,
    pub(crate) sum: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

impl QuantileSketch {
    /// Empty sketch with relative accuracy `alpha` (e.g. 0.01 = 1 %).
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] unless `0 < alpha < 1`.
    pub fn new(alpha: f64) -> Result<Self> {
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(CxError::option(
                "alpha",
                "relative accuracy must be in (0, 1)",
            ));
        }
        Ok(Self {
            alpha,
            ln_gamma: ((1.0 + alpha) / (1.0 - alpha)).ln(),
            zeros: 0,
            buckets: BTreeMap::new(),
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        })
    }

    /// Relative accuracy.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Number of values added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Mean of the values added (exact), `None` when empty.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// Add a value; NaN is skipped (missing).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for a negative or infinite value.
    pub fn add(&mut self, x: f64) -> Result<()> {
        if x.is_nan() {
            return Ok(());
        }
        if x < 0.0 || x.is_infinite() {
            return Err(CxError::invalid(
                "value",
                None,
                x,
                "sketch takes finite values >= 0",
            ));
        }
        if x == 0.0 {
            self.zeros += 1;
        } else {
            let i = (x.ln() / self.ln_gamma).ceil() as i32;
            *self.buckets.entry(i).or_insert(0) += 1;
        }
        self.count += 1;
        self.sum += x;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        Ok(())
    }

    /// Merge another sketch into this one.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] if the accuracies differ.
    pub fn merge(&mut self, other: &QuantileSketch) -> Result<()> {
        if (self.alpha - other.alpha).abs() > 0.0 {
            return Err(CxError::option(
                "alpha",
                "cannot merge sketches of different accuracy",
            ));
        }
        self.zeros += other.zeros;
        for (&i, &c) in &other.buckets {
            *self.buckets.entry(i).or_insert(0) += c;
        }
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        Ok(())
    }

    /// Estimated `q`-quantile (`None` when empty), clamped to [min, max].
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] unless `0 ≤ q ≤ 1`.
    pub fn quantile(&self, q: f64) -> Result<Option<f64>> {
        if !(0.0..=1.0).contains(&q) {
            return Err(CxError::option("q", "quantile must be in [0, 1]"));
        }
        if self.count == 0 {
            return Ok(None);
        }
        let rank = (q * (self.count - 1) as f64).floor() as u64;
        if rank < self.zeros {
            return Ok(Some(0.0));
        }
        let mut seen = self.zeros;
        let gamma = self.ln_gamma.exp();
        for (&i, &c) in &self.buckets {
            seen += c;
            if seen > rank {
                let v = 2.0 * (f64::from(i) * self.ln_gamma).exp() / (gamma + 1.0);
                return Ok(Some(v.clamp(self.min, self.max)));
            }
        }
        Ok(Some(self.max))
    }
}

/// Exact `q`-quantile by linear interpolation (numpy `method="linear"`);
/// NaN values are skipped; `None` if nothing is left.
///
/// # Errors
/// [`CxError::InvalidOption`] unless `0 ≤ q ≤ 1`.
pub fn exact_quantile(values: &[f64], q: f64) -> Result<Option<f64>> {
    if !(0.0..=1.0).contains(&q) {
        return Err(CxError::option("q", "quantile must be in [0, 1]"));
    }
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return Ok(None);
    }
    v.sort_by(f64::total_cmp);
    let h = q * (v.len() - 1) as f64;
    let (lo, frac) = (h.floor() as usize, h - h.floor());
    let hi = (lo + 1).min(v.len() - 1);
    Ok(Some(v[lo] + frac * (v[hi] - v[lo])))
}

/// Summary of one group.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GroupSummary {
    /// Group key.
    pub key: String,
    /// Non-missing values.
    pub count: u64,
    /// Mean (`None` when empty).
    pub mean: Option<f64>,
    /// Median (sketch or exact).
    pub median: Option<f64>,
    /// `(q, value)` for each requested quantile.
    pub quantiles: Vec<(f64, Option<f64>)>,
}

/// Per-group count, mean, median and quantiles of `values` (NaN = missing)
/// grouped by `keys`; quantiles from a [`QuantileSketch`] of accuracy `alpha`,
/// or exact when `exact` is true. Groups are sorted by key.
///
/// # Errors
/// [`CxError::LengthMismatch`] if `keys` and `values` differ in length; as
/// [`QuantileSketch::new`] and [`QuantileSketch::add`].
pub fn summarize_by(
    keys: &[&str],
    values: &[f64],
    quantiles: &[f64],
    alpha: f64,
    exact: bool,
) -> Result<Vec<GroupSummary>> {
    if keys.len() != values.len() {
        return Err(CxError::LengthMismatch {
            what: "values".into(),
            expected: keys.len(),
            got: values.len(),
        });
    }
    let mut groups: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (k, v) in keys.iter().zip(values) {
        groups.entry(k).or_default().push(*v);
    }
    let mut out = Vec::with_capacity(groups.len());
    for (key, vals) in groups {
        let mut sk = QuantileSketch::new(alpha)?;
        for &v in &vals {
            sk.add(v)?;
        }
        let q = |q: f64| {
            if exact {
                exact_quantile(&vals, q)
            } else {
                sk.quantile(q)
            }
        };
        out.push(GroupSummary {
            key: key.to_owned(),
            count: sk.count(),
            mean: sk.mean(),
            median: q(0.5)?,
            quantiles: quantiles
                .iter()
                .map(|&p| Ok((p, q(p)?)))
                .collect::<Result<_>>()?,
        });
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sketch_within_relative_error_and_mergeable() {
        let vals: Vec<f64> = (0..10_000)
            .map(|i| ((i * 7919) % 10_007) as f64 + 1.0)
            .collect();
        let mut a = QuantileSketch::new(0.01).unwrap();
        let mut b = QuantileSketch::new(0.01).unwrap();
        for (i, v) in vals.iter().enumerate() {
            if i % 2 == 0 {
                a.add(*v).unwrap()
            } else {
                b.add(*v).unwrap()
            }
        }
        a.merge(&b).unwrap();
        let mut sorted = vals.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
            let x = sorted[(q * (sorted.len() - 1) as f64).floor() as usize];
            let est = a.quantile(q).unwrap().unwrap();
            assert!((est - x).abs() <= 0.01 * x + 1e-9, "q={q} est={est} x={x}");
        }
        assert!(QuantileSketch::new(0.02).unwrap().merge(&a).is_err());
    }

    #[test]
    fn exact_matches_numpy_linear() {
        // numpy.quantile([1, 2, 3, 4], 0.5) = 2.5; numpy.quantile([1, 2, 3, 4], 0.9) = 3.7
        assert_eq!(
            exact_quantile(&[4.0, 1.0, 3.0, 2.0], 0.5).unwrap(),
            Some(2.5)
        );
        assert!(
            (exact_quantile(&[1.0, 2.0, 3.0, 4.0, f64::NAN], 0.9)
                .unwrap()
                .unwrap()
                - 3.7)
                .abs()
                < 1e-12
        );
        assert_eq!(exact_quantile(&[f64::NAN], 0.5).unwrap(), None);
    }
}
