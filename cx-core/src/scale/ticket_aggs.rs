//! [`TicketAggregates`]: mergeable per-group aggregates of per-ticket metrics (count,
//! missing, mean, min, max, quantile sketch), and the byte form of
//! [`QuantileSketch`].
//!
//! # What merges exactly
//! - Counts (`n`, `n_missing`), `min` and `max` are exact for any partitioning.
//! - The sum behind the mean is a Neumaier-compensated sum (Neumaier 1974, "Rundungsfehleranalyse
//!   einiger Verfahren zur Summation endlicher Summen", ZAMM 54): its error is about one
//!   rounding of the total, independent of the partitioning, so the mean agrees with a
//!   one-pass mean to about 1e-15 relative (exact for integer seconds below 2⁵³ in total).
//! - The [`QuantileSketch`] holds bucket counts (DDSketch, Masson, Rim & Lee 2019): a value's
//!   bucket depends on the value only, so merged bucket counts equal the counts of one sketch
//!   over all values, and every quantile of the merged sketch is *identical* to the one-pass
//!   sketch's, within relative error `alpha` of the order statistic of rank `⌊q·(n−1)⌋`.
//!   Exact (interpolated) quantiles need all values in one place and are not offered here.
//!
//! # Serialized formats (version 1)
//! Both use the envelope of [`crate::metrics::tally`]: magic `b"CXTL"`, version `u16`, kind
//! `u8`, payload length `u32`, payload, CRC-32. Kind 20 is a [`QuantileSketch`] (payload:
//! alpha, zeros, count, sum, min, max as `u64`/`f64`, the number of buckets, then
//! `(index as i64, count)` pairs in increasing index order); kind 21 is a
//! [`TicketAggregates`] (alpha, key column names, metric names, then per group in key order
//! the key values (tag `u8`: 0 null, 1 integer, 2 string) and per metric `n_missing`, the
//! compensated sum's two terms and the sketch payload). Reading checks the envelope, the
//! checksum and the invariants (bucket counts add up to the count, keys strictly increasing,
//! min ≤ max), so bytes of another version or corrupted bytes give [`CxError::Format`].

use std::collections::{BTreeMap, HashMap};

use crate::error::{CxError, Result};
use crate::metrics::tally::{Reader, decode, encode};
use crate::ops::quantile::QuantileSketch;
use crate::scale::KeyValue;

const SKETCH_KIND: u8 = 20;
const AGG_KIND: u8 = 21;

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_f64(out: &mut Vec<u8>, v: f64) {
    out.extend_from_slice(&v.to_bits().to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn read_str(r: &mut Reader<'_>) -> Result<String> {
    let n = usize::try_from(r.u64()?).map_err(|_| r.err("string too long"))?;
    let b = r.bytes(n)?;
    String::from_utf8(b.to_vec()).map_err(|_| r.err("invalid UTF-8 in a string"))
}

impl QuantileSketch {
    fn write_payload(&self, out: &mut Vec<u8>) {
        put_f64(out, self.alpha);
        put_u64(out, self.zeros);
        put_u64(out, self.count);
        put_f64(out, self.sum);
        put_f64(out, self.min);
        put_f64(out, self.max);
        put_u64(out, self.buckets.len() as u64);
        for (&i, &c) in &self.buckets {
            put_u64(out, i64::from(i) as u64);
            put_u64(out, c);
        }
    }

    fn read_payload(r: &mut Reader<'_>) -> Result<Self> {
        let alpha = r.f64()?;
        let mut s = QuantileSketch::new(alpha).map_err(|_| r.err("invalid alpha"))?;
        s.zeros = r.u64()?;
        s.count = r.u64()?;
        s.sum = r.nonneg()?;
        s.min = r.f64()?;
        s.max = r.f64()?;
        let nb = r.u64()?;
        let mut total = s.zeros;
        let mut last: Option<i32> = None;
        for _ in 0..nb {
            let i =
                i32::try_from(r.u64()? as i64).map_err(|_| r.err("bucket index out of range"))?;
            let c = r.u64()?;
            if c == 0 || last.is_some_and(|l| l >= i) {
                return Err(r.err("buckets not strictly increasing or empty"));
            }
            last = Some(i);
            total = total
                .checked_add(c)
                .ok_or_else(|| r.err("bucket counts overflow"))?;
            s.buckets.insert(i, c);
        }
        if total != s.count {
            return Err(r.err("bucket counts do not add up to the count"));
        }
        let ok = if s.count == 0 {
            s.min == f64::INFINITY && s.max == f64::NEG_INFINITY
        } else {
            s.min.is_finite() && s.max.is_finite() && 0.0 <= s.min && s.min <= s.max
        };
        if !ok {
            return Err(r.err("min/max inconsistent with the count"));
        }
        Ok(s)
    }

    /// Versioned, checksummed bytes of the sketch (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(64 + 16 * self.buckets.len());
        self.write_payload(&mut p);
        encode(SKETCH_KIND, &p)
    }

    /// Read bytes written by [`QuantileSketch::to_bytes`].
    ///
    /// # Errors
    /// [`CxError::Format`] for another format version, another kind, truncated or
    /// corrupted bytes, or an inconsistent sketch.
    /// # Examples
    /// ```
    /// use cx_core::ops::quantile::QuantileSketch;
    /// let mut s = QuantileSketch::new(0.01)?;
    /// for x in [0.0, 3.0, 60.0, 3600.0] { s.add(x)?; }
    /// let b = s.to_bytes();
    /// assert_eq!(QuantileSketch::from_bytes(&b)?, s);
    /// assert!(QuantileSketch::from_bytes(&b[..b.len() - 1]).is_err());
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = decode(bytes, SKETCH_KIND, "QuantileSketch")?;
        let s = Self::read_payload(&mut r)?;
        r.finish()?;
        Ok(s)
    }
}

/// Aggregate of one metric within one group: missing count, compensated sum and sketch
/// (which also holds the count, min and max).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricAggregate {
    n_missing: u64,
    sum: f64,
    comp: f64,
    sketch: QuantileSketch,
}

fn neumaier(sum: &mut f64, comp: &mut f64, x: f64) {
    let t = *sum + x;
    if sum.abs() >= x.abs() {
        *comp += (*sum - t) + x;
    } else {
        *comp += (x - t) + *sum;
    }
    *sum = t;
}

impl MetricAggregate {
    fn new(alpha: f64) -> Result<Self> {
        Ok(Self {
            n_missing: 0,
            sum: 0.0,
            comp: 0.0,
            sketch: QuantileSketch::new(alpha)?,
        })
    }

    fn merge(&mut self, o: &MetricAggregate) -> Result<()> {
        self.n_missing += o.n_missing;
        neumaier(&mut self.sum, &mut self.comp, o.sum);
        self.comp += o.comp;
        self.sketch.merge(&o.sketch)
    }

    /// Non-missing values.
    pub fn n(&self) -> u64 {
        self.sketch.count()
    }

    /// Missing values (e.g. tickets without a first reply).
    pub fn n_missing(&self) -> u64 {
        self.n_missing
    }

    /// Mean of the non-missing values (`None` when there are none).
    pub fn mean(&self) -> Option<f64> {
        let n = self.n();
        (n > 0).then(|| (self.sum + self.comp) / n as f64)
    }

    /// Smallest value (`None` when empty).
    pub fn min(&self) -> Option<f64> {
        (self.n() > 0).then_some(self.sketch.min)
    }

    /// Largest value (`None` when empty).
    pub fn max(&self) -> Option<f64> {
        (self.n() > 0).then_some(self.sketch.max)
    }

    /// The sketch of the values.
    pub fn sketch(&self) -> &QuantileSketch {
        &self.sketch
    }
}

/// Mergeable per-group aggregates of several per-ticket metrics: for each key (a tuple of
/// integers, strings or nulls) and metric a [`MetricAggregate`].
///
/// # Examples
/// ```
/// use cx_core::scale::{KeyValue, TicketAggregates};
/// let keys = vec![vec![KeyValue::Str("a".into())], vec![KeyValue::Null]];
/// let mut s = TicketAggregates::new(0.01, vec!["team".into()], vec!["first_reply_secs".into()])?;
/// s.add(&[0, 0, 1], &[&[60.0, f64::NAN, 30.0]], &keys)?;
/// let mut t = TicketAggregates::new(0.01, vec!["team".into()], vec!["first_reply_secs".into()])?;
/// t.add(&[0], &[&[120.0]], &keys)?;
/// s.merge(&TicketAggregates::from_bytes(&t.to_bytes())?)?;
/// let (key, aggs) = s.groups().next().unwrap();
/// assert_eq!(key, &[KeyValue::Str("a".into())]);
/// assert_eq!((aggs[0].n(), aggs[0].n_missing(), aggs[0].mean()), (2, 1, Some(90.0)));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TicketAggregates {
    alpha: f64,
    key_names: Vec<String>,
    metrics: Vec<String>,
    groups: BTreeMap<Vec<KeyValue>, Vec<MetricAggregate>>,
}

impl TicketAggregates {
    /// Empty state with sketch accuracy `alpha`, key column names and metric names.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] unless `0 < alpha < 1`, or for an empty or repeated
    /// metric list.
    pub fn new(alpha: f64, key_names: Vec<String>, metrics: Vec<String>) -> Result<Self> {
        QuantileSketch::new(alpha)?;
        if metrics.is_empty() {
            return Err(CxError::option("metrics", "name at least one metric"));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(m) = metrics.iter().find(|m| !seen.insert(m.as_str())) {
            return Err(CxError::option(
                "metrics",
                format!("metric {m:?} is named twice"),
            ));
        }
        Ok(Self {
            alpha,
            key_names,
            metrics,
            groups: BTreeMap::new(),
        })
    }

    /// Sketch accuracy.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Key column names.
    pub fn key_names(&self) -> &[String] {
        &self.key_names
    }

    /// Metric names.
    pub fn metrics(&self) -> &[String] {
        &self.metrics
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// True without groups.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Groups in key order with one aggregate per metric (in [`Self::metrics`] order).
    pub fn groups(&self) -> impl Iterator<Item = (&[KeyValue], &[MetricAggregate])> {
        self.groups
            .iter()
            .map(|(k, v)| (k.as_slice(), v.as_slice()))
    }

    fn check_key(&self, key: &[KeyValue]) -> Result<()> {
        if key.len() != self.key_names.len() {
            return Err(CxError::option(
                "by",
                format!(
                    "a key has {} values, the state has {} key columns",
                    key.len(),
                    self.key_names.len()
                ),
            ));
        }
        // One column holds integers or strings (plus nulls), never both.
        if let Some((other, _)) = self.groups.iter().next() {
            for (j, (a, b)) in key.iter().zip(other).enumerate() {
                let clash = matches!(
                    (a, b),
                    (KeyValue::Int(_), KeyValue::Str(_)) | (KeyValue::Str(_), KeyValue::Int(_))
                );
                if clash {
                    return Err(CxError::option(
                        "by",
                        format!(
                            "key column {:?} mixes integers and strings",
                            self.key_names[j]
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Fold one batch: `codes[row]` indexes `keys`, `values[m][row]` is metric `m` of the
    /// row's ticket (NaN = missing).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] naming the metric, row and value for a negative or
    /// infinite value, or a code not below `keys.len()` (field `group`);
    /// [`CxError::LengthMismatch`]; [`CxError::InvalidOption`] for a wrong number of
    /// metrics or key values.
    pub fn add(&mut self, codes: &[u32], values: &[&[f64]], keys: &[Vec<KeyValue>]) -> Result<()> {
        if values.len() != self.metrics.len() {
            return Err(CxError::option(
                "metrics",
                format!(
                    "{} value columns for {} metrics",
                    values.len(),
                    self.metrics.len()
                ),
            ));
        }
        for (name, v) in self.metrics.iter().zip(values) {
            if v.len() != codes.len() {
                return Err(CxError::LengthMismatch {
                    what: name.clone(),
                    expected: codes.len(),
                    got: v.len(),
                });
            }
        }
        for k in keys {
            self.check_key(k)?;
        }
        let fresh = |alpha| -> Result<Vec<MetricAggregate>> {
            (0..values.len())
                .map(|_| MetricAggregate::new(alpha))
                .collect()
        };
        let mut local: HashMap<u32, Vec<MetricAggregate>> = HashMap::new();
        for (row, &c) in codes.iter().enumerate() {
            if c as usize >= keys.len() {
                return Err(CxError::invalid(
                    "group",
                    Some(row),
                    c,
                    "group code not below the number of groups",
                ));
            }
            let aggs = match local.entry(c) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(fresh(self.alpha)?),
            };
            for ((name, v), a) in self.metrics.iter().zip(values).zip(aggs.iter_mut()) {
                let x = v[row];
                if x.is_nan() {
                    a.n_missing += 1;
                } else if x < 0.0 || x.is_infinite() {
                    return Err(CxError::invalid(
                        name.as_str(),
                        Some(row),
                        x,
                        "ticket metrics must be finite and >= 0",
                    ));
                } else {
                    a.sketch.add(x)?;
                    neumaier(&mut a.sum, &mut a.comp, x);
                }
            }
        }
        for (c, aggs) in local {
            self.merge_group(keys[c as usize].clone(), &aggs)?;
        }
        Ok(())
    }

    fn merge_group(&mut self, key: Vec<KeyValue>, aggs: &[MetricAggregate]) -> Result<()> {
        match self.groups.get_mut(&key) {
            Some(mine) => {
                for (m, o) in mine.iter_mut().zip(aggs) {
                    m.merge(o)?;
                }
            }
            None => {
                self.groups.insert(key, aggs.to_vec());
            }
        }
        Ok(())
    }

    /// Merge another state of the same computation into this one.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] when the accuracy, key columns or metrics differ, or a key
    /// column holds integers in one state and strings in the other.
    pub fn merge(&mut self, other: &TicketAggregates) -> Result<()> {
        if self.alpha.to_bits() != other.alpha.to_bits()
            || self.key_names != other.key_names
            || self.metrics != other.metrics
        {
            return Err(CxError::option(
                "state",
                "cannot merge aggregates of different accuracy, keys or metrics",
            ));
        }
        for (k, aggs) in &other.groups {
            self.check_key(k)?;
            self.merge_group(k.clone(), aggs)?;
        }
        Ok(())
    }

    /// Versioned, checksummed bytes (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::new();
        put_f64(&mut p, self.alpha);
        put_u64(&mut p, self.key_names.len() as u64);
        for k in &self.key_names {
            put_str(&mut p, k);
        }
        put_u64(&mut p, self.metrics.len() as u64);
        for m in &self.metrics {
            put_str(&mut p, m);
        }
        put_u64(&mut p, self.groups.len() as u64);
        for (key, aggs) in &self.groups {
            for v in key {
                match v {
                    KeyValue::Null => p.push(0),
                    KeyValue::Int(i) => {
                        p.push(1);
                        put_u64(&mut p, *i as u64);
                    }
                    KeyValue::Str(s) => {
                        p.push(2);
                        put_str(&mut p, s);
                    }
                }
            }
            for a in aggs {
                put_u64(&mut p, a.n_missing);
                put_f64(&mut p, a.sum);
                put_f64(&mut p, a.comp);
                a.sketch.write_payload(&mut p);
            }
        }
        encode(AGG_KIND, &p)
    }

    /// Read bytes written by [`TicketAggregates::to_bytes`].
    ///
    /// # Errors
    /// [`CxError::Format`] for another format version or kind, truncated or corrupted bytes,
    /// or an inconsistent state.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = decode(bytes, AGG_KIND, "TicketAggregates")?;
        let alpha = r.f64()?;
        let nk = r.u64()?;
        let key_names = (0..nk)
            .map(|_| read_str(&mut r))
            .collect::<Result<Vec<_>>>()?;
        let nm = r.u64()?;
        let metrics = (0..nm)
            .map(|_| read_str(&mut r))
            .collect::<Result<Vec<_>>>()?;
        let mut s = TicketAggregates::new(alpha, key_names, metrics)
            .map_err(|e| r.err(&format!("invalid header: {e}")))?;
        let ng = r.u64()?;
        let mut last: Option<Vec<KeyValue>> = None;
        for _ in 0..ng {
            let mut key = Vec::with_capacity(s.key_names.len());
            for _ in 0..s.key_names.len() {
                let tag = r.bytes(1)?[0];
                key.push(match tag {
                    0 => KeyValue::Null,
                    1 => KeyValue::Int(r.u64()? as i64),
                    2 => KeyValue::Str(read_str(&mut r)?),
                    _ => return Err(r.err("unknown key tag")),
                });
            }
            if last.as_ref().is_some_and(|l| *l >= key) {
                return Err(r.err("keys not strictly increasing"));
            }
            let mut aggs = Vec::with_capacity(s.metrics.len());
            for _ in 0..s.metrics.len() {
                let n_missing = r.u64()?;
                let sum = r.f64()?;
                let comp = r.f64()?;
                let sketch = QuantileSketch::read_payload(&mut r)?;
                if !(sum.is_finite() && comp.is_finite())
                    || sketch.alpha.to_bits() != alpha.to_bits()
                {
                    return Err(r.err("invalid sum or sketch accuracy"));
                }
                aggs.push(MetricAggregate {
                    n_missing,
                    sum,
                    comp,
                    sketch,
                });
            }
            s.check_key(&key).map_err(|_| r.err("mixed key kinds"))?;
            s.groups.insert(key.clone(), aggs);
            last = Some(key);
        }
        r.finish()?;
        Ok(s)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys() -> Vec<Vec<KeyValue>> {
        vec![
            vec![KeyValue::Str("a".into()), KeyValue::Int(1)],
            vec![KeyValue::Str("b".into()), KeyValue::Null],
            vec![KeyValue::Null, KeyValue::Int(2)],
        ]
    }

    fn state() -> TicketAggregates {
        TicketAggregates::new(
            0.01,
            vec!["team".into(), "p".into()],
            vec!["x".into(), "y".into()],
        )
        .unwrap()
    }

    #[test]
    fn bytes_round_trip_and_corruption_is_a_format_error() {
        let mut s = state();
        s.add(
            &[0, 1, 2, 0],
            &[&[1.0, 0.0, f64::NAN, 3e6], &[5.0, 5.0, 5.0, f64::NAN]],
            &keys(),
        )
        .unwrap();
        let b = s.to_bytes();
        assert_eq!(TicketAggregates::from_bytes(&b).unwrap(), s);
        for i in [0, 5, 6, 20, b.len() - 1] {
            let mut c = b.clone();
            c[i] ^= 1;
            assert!(matches!(
                TicketAggregates::from_bytes(&c),
                Err(CxError::Format { .. })
            ));
        }
        let mut v = b.clone();
        v[4] = 2; // another format version
        assert!(matches!(
            TicketAggregates::from_bytes(&v),
            Err(CxError::Format { .. })
        ));
        let sk = s.groups().next().unwrap().1[0].sketch().to_bytes();
        assert!(matches!(
            TicketAggregates::from_bytes(&sk),
            Err(CxError::Format { .. })
        ));
        assert!(matches!(
            QuantileSketch::from_bytes(&b),
            Err(CxError::Format { .. })
        ));
    }

    #[test]
    fn negative_values_name_the_metric_and_row() {
        let mut s = state();
        let e = s.add(&[0, 0], &[&[1.0, 2.0], &[3.0, -1.0]], &keys());
        assert!(
            matches!(e, Err(CxError::InvalidValue { ref field, row: Some(1), .. }) if field == "y")
        );
    }

    proptest! {
        #[test]
        fn any_partitioning_and_merge_order_equals_one_pass(
            rows in prop::collection::vec(
                (0u32..3, prop::option::of(0.0f64..1e7), prop::option::of(0u32..100_000)),
                1..300,
            ),
            cuts in prop::collection::vec(0usize..300, 0..6),
            order_seed in 0u64..1000,
        ) {
            let codes: Vec<u32> = rows.iter().map(|r| r.0).collect();
            let x: Vec<f64> = rows.iter().map(|r| r.1.unwrap_or(f64::NAN)).collect();
            let y: Vec<f64> = rows.iter().map(|r| r.2.map_or(f64::NAN, f64::from)).collect();
            let mut one = state();
            one.add(&codes, &[&x, &y], &keys()).unwrap();
            let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (rows.len() + 1)).collect();
            bounds.extend([0, rows.len()]);
            bounds.sort_unstable();
            let mut parts: Vec<TicketAggregates> = bounds
                .windows(2)
                .map(|w| {
                    let mut p = state();
                    let (a, b) = (w[0], w[1]);
                    p.add(&codes[a..b], &[&x[a..b], &y[a..b]], &keys()).unwrap();
                    TicketAggregates::from_bytes(&p.to_bytes()).unwrap()
                })
                .collect();
            // merge in a seed-dependent order, pairwise
            let mut seed = order_seed;
            while parts.len() > 1 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let i = (seed >> 33) as usize % parts.len();
                let a = parts.swap_remove(i);
                let j = (seed >> 40) as usize % parts.len();
                parts[j].merge(&a).unwrap();
            }
            let merged = parts.pop().unwrap();
            prop_assert_eq!(merged.len(), one.len());
            for ((k1, a1), (k2, a2)) in merged.groups().zip(one.groups()) {
                prop_assert_eq!(k1, k2);
                for (m, o) in a1.iter().zip(a2) {
                    prop_assert_eq!((m.n(), m.n_missing(), m.min(), m.max()),
                                    (o.n(), o.n_missing(), o.min(), o.max()));
                    match (m.mean(), o.mean()) {
                        (Some(p), Some(q)) => prop_assert!((p - q).abs() <= 1e-12 * q.abs().max(1e-300)),
                        (p, q) => prop_assert_eq!(p, q),
                    }
                    for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
                        prop_assert_eq!(m.sketch().quantile(q).unwrap(), o.sketch().quantile(q).unwrap());
                    }
                }
            }
        }
    }
}
