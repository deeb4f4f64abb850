//! [`SubgroupMoments`]: per-subgroup moments of a variables chart, mergeable and
//! serializable, so x̄/R and x̄/S charts run on a distributed engine.
//!
//! # Formula
//! Per subgroup key the state keeps n, the mean, M2 = Σ(x − x̄)², the minimum and the
//! maximum of the non-missing values (and the number of missing ones). Two states merge
//! key by key with the pairwise update of Chan, Golub & LeVeque (1979):
//! δ = x̄_b − x̄_a, x̄ = x̄_a + δ·n_b/n, M2 = M2_a + M2_b + δ²·n_a·n_b/n, and min/max of
//! the two. The range max − min is exact for any partitioning, the standard deviation
//! √(M2/(n − 1)) and the mean equal the one-pass values up to rounding (~1e-15
//! relative), so the chart equals [`crate::spc::xbar_r`] / [`crate::spc::xbar_s`] on
//! the whole data.
//!
//! # Reference
//! Chan, T.F., Golub, G.H. & LeVeque, R.J. (1979), "Updating formulae and a pairwise
//! algorithm for computing sample variances", Stanford CS report STAN-CS-79-773.
//!
//! # Serialized format (version 1)
//! The tally envelope of [`crate::metrics::tally`] (magic `b"CXTL"`, version, kind
//! [`SUBGROUP_MOMENTS_KIND`], length, payload, CRC-32). Payload: the key columns (name,
//! kind), the number of keys, then per key (in key order) its values and
//! n, n_missing (`u64`), mean, M2, min, max (`f64`).

use std::collections::BTreeMap;

use super::{KeyColumn, KeyKind, KeyValue};
use crate::error::{CxError, Result};
use crate::metrics::group::TimeUnit;
use crate::metrics::tally::{Reader, decode, encode};
use crate::spc::{ChartOptions, ControlChart, SubgroupStats, xbar_r_from_stats, xbar_s_from_stats};

/// Tally kind of a serialized [`SubgroupMoments`] in the tally envelope.
pub const SUBGROUP_MOMENTS_KIND: u8 = 22;
const WHAT: &str = "SubgroupMoments";

/// Moments of one subgroup.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Moments {
    n: u64,
    n_missing: u64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
}

impl Moments {
    const EMPTY: Moments = Moments {
        n: 0,
        n_missing: 0,
        mean: 0.0,
        m2: 0.0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
    };

    /// Chan et al. (1979) pairwise merge.
    fn merge(&mut self, o: &Moments) {
        self.n_missing += o.n_missing;
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            let m = self.n_missing;
            *self = *o;
            self.n_missing = m;
            return;
        }
        let (na, nb) = (self.n as f64, o.n as f64);
        let n = na + nb;
        let delta = o.mean - self.mean;
        self.mean += delta * nb / n;
        self.m2 += o.m2 + delta * delta * na * nb / n;
        self.n += o.n;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }
}

/// Per-subgroup moments by key (integers, strings, nulls, time buckets): the mergeable
/// phase-I state of x̄/R and x̄/S charts. See the module docs for the formula.
///
/// # Examples
/// ```
/// use cx_core::scale::{KeyColumn, KeyKind, KeyValue, SubgroupMoments};
/// use cx_core::spc::{xbar_r, ChartOptions, Subgroups};
/// let cols = vec![KeyColumn::new("day", KeyKind::Int64)];
/// let keys = vec![vec![KeyValue::Int(1)], vec![KeyValue::Int(2)]];
/// // Day 1 is split across two partitions.
/// let mut a = SubgroupMoments::new(cols.clone());
/// a.update("value", &[1.0, 2.0], &[0, 0], &keys)?;
/// let mut b = SubgroupMoments::new(cols);
/// b.update("value", &[3.0, 2.0, 3.0, 5.0], &[0, 1, 1, 1], &keys)?;
/// a.merge(&b)?;
/// let a = SubgroupMoments::from_bytes(&a.to_bytes())?;
/// let chart = a.xbar_r(ChartOptions::new())?;
/// let whole = xbar_r(Subgroups::matrix(&[1.0, 2.0, 3.0, 2.0, 3.0, 5.0], 3)?, ChartOptions::new())?;
/// assert_eq!(chart.statistics, whole.statistics);
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SubgroupMoments {
    columns: Vec<KeyColumn>,
    cells: BTreeMap<Vec<KeyValue>, Moments>,
}

impl SubgroupMoments {
    /// An empty state with these key columns.
    pub fn new(columns: Vec<KeyColumn>) -> Self {
        Self {
            columns,
            cells: BTreeMap::new(),
        }
    }

    /// The key columns.
    pub fn columns(&self) -> &[KeyColumn] {
        &self.columns
    }
    /// Number of subgroups.
    pub fn len(&self) -> usize {
        self.cells.len()
    }
    /// No subgroup yet.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
    /// Subgroup keys in key order (nulls last in each column).
    pub fn keys(&self) -> impl Iterator<Item = &[KeyValue]> {
        self.cells.keys().map(Vec::as_slice)
    }

    /// Fold one batch: `values[row]` (NaN = missing) belongs to subgroup
    /// `keys[codes[row]]`. Per code the batch's mean is Σx/n and M2 = Σ(x − x̄)² (two
    /// passes, as [`crate::spc::xbar_r`] computes them), then merged into the state.
    /// `what` names the value column in errors.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] naming `what`, the row and the value for an infinite
    /// value, or (field `group`) a code not below `keys.len()`;
    /// [`CxError::LengthMismatch`]; [`CxError::InvalidOption`] when a key does not fit
    /// the columns. The state is unchanged on error.
    pub fn update(
        &mut self,
        what: &str,
        values: &[f64],
        codes: &[u32],
        keys: &[Vec<KeyValue>],
    ) -> Result<()> {
        if codes.len() != values.len() {
            return Err(CxError::LengthMismatch {
                what: "group codes".into(),
                expected: values.len(),
                got: codes.len(),
            });
        }
        for k in keys {
            self.check_key(k)?;
        }
        let mut cells = vec![Moments::EMPTY; keys.len()];
        let mut sums = vec![0.0; keys.len()];
        let mut seen = vec![false; keys.len()];
        for (row, (&x, &c)) in values.iter().zip(codes).enumerate() {
            let Some(m) = cells.get_mut(c as usize) else {
                return Err(CxError::invalid(
                    "group",
                    Some(row),
                    c,
                    "group code not below the number of groups",
                ));
            };
            seen[c as usize] = true;
            if x.is_nan() {
                m.n_missing += 1;
            } else if x.is_infinite() {
                return Err(CxError::invalid(
                    what,
                    Some(row),
                    x,
                    "values must be finite",
                ));
            } else {
                m.n += 1;
                sums[c as usize] += x;
                m.min = m.min.min(x);
                m.max = m.max.max(x);
            }
        }
        for (m, s) in cells.iter_mut().zip(&sums) {
            if m.n > 0 {
                m.mean = s / m.n as f64;
            }
        }
        for (&x, &c) in values.iter().zip(codes) {
            if !x.is_nan() {
                let m = &mut cells[c as usize];
                m.m2 += (x - m.mean) * (x - m.mean);
            }
        }
        for ((key, m), _) in keys.iter().zip(&cells).zip(&seen).filter(|(_, s)| **s) {
            self.cells
                .entry(key.clone())
                .or_insert(Moments::EMPTY)
                .merge(m);
        }
        Ok(())
    }

    fn check_key(&self, key: &[KeyValue]) -> Result<()> {
        let fits = key.len() == self.columns.len()
            && self
                .columns
                .iter()
                .zip(key)
                .all(|(c, v)| accepts(&c.kind, v));
        if fits {
            Ok(())
        } else {
            Err(CxError::option(
                "key",
                format!("{key:?} does not fit the key columns {:?}", self.columns),
            ))
        }
    }

    /// Merge another state with the same key columns (Chan et al. 1979 per key).
    ///
    /// # Errors
    /// [`CxError::Format`] when the key columns differ (states of different computations).
    pub fn merge(&mut self, other: &SubgroupMoments) -> Result<()> {
        if self.columns != other.columns {
            return Err(fmt(format!(
                "cannot merge states of different key columns: {:?} vs {:?}",
                self.columns, other.columns
            )));
        }
        for (k, m) in &other.cells {
            self.cells
                .entry(k.clone())
                .or_insert(Moments::EMPTY)
                .merge(m);
        }
        Ok(())
    }

    /// Per subgroup in key order: `(n, n_missing, [mean, range, sd])`, NaN where
    /// undefined (mean and range of an empty subgroup, sd below 2 values).
    pub fn moments(&self) -> Vec<(u64, u64, [f64; 3])> {
        self.cells
            .values()
            .map(|m| {
                let (mean, range) = if m.n == 0 {
                    (f64::NAN, f64::NAN)
                } else {
                    (m.mean, m.max - m.min)
                };
                let sd = if m.n < 2 {
                    f64::NAN
                } else {
                    (m.m2 / (m.n - 1) as f64).sqrt()
                };
                (m.n, m.n_missing, [mean, range, sd])
            })
            .collect()
    }

    /// Per-subgroup statistics (n, mean, range = max − min, sd = √(M2/(n − 1))) in key
    /// order.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] (field `subgroup`, row = position in key order, value =
    /// the key) for a subgroup with fewer than 2 non-missing values.
    pub fn stats(&self) -> Result<Vec<SubgroupStats>> {
        let mut out = Vec::with_capacity(self.cells.len());
        for (i, (k, m)) in self.cells.iter().enumerate() {
            if m.n < 2 {
                return Err(CxError::invalid(
                    "subgroup",
                    Some(i),
                    format!("{k:?} (n = {})", m.n),
                    "subgroups need at least 2 values (use an individuals chart for single values)",
                ));
            }
            let sd = (m.m2 / (m.n - 1) as f64).sqrt();
            out.push(SubgroupStats::new(m.n as usize, m.mean, m.max - m.min, sd)?);
        }
        Ok(out)
    }

    /// x̄/R chart of the subgroups in key order ([`xbar_r_from_stats`]).
    ///
    /// # Errors
    /// As [`SubgroupMoments::stats`] and [`xbar_r_from_stats`].
    pub fn xbar_r<'a>(&self, opts: impl Into<ChartOptions<'a>>) -> Result<ControlChart> {
        xbar_r_from_stats(&self.stats()?, opts)
    }

    /// x̄/S chart of the subgroups in key order ([`xbar_s_from_stats`]).
    ///
    /// # Errors
    /// As [`SubgroupMoments::stats`] and [`xbar_s_from_stats`].
    pub fn xbar_s<'a>(&self, opts: impl Into<ChartOptions<'a>>) -> Result<ControlChart> {
        xbar_s_from_stats(&self.stats()?, opts)
    }

    /// Serialize (tally envelope, kind [`SUBGROUP_MOMENTS_KIND`]; see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(16 + self.cells.len() * 64);
        p.extend_from_slice(&(self.columns.len() as u64).to_le_bytes());
        for c in &self.columns {
            put_str(&mut p, &c.name);
            match &c.kind {
                KeyKind::Int64 => p.extend_from_slice(&0u64.to_le_bytes()),
                KeyKind::UInt32 => p.extend_from_slice(&1u64.to_le_bytes()),
                KeyKind::Utf8 => p.extend_from_slice(&2u64.to_le_bytes()),
                KeyKind::Timestamp { unit, tz } => {
                    p.extend_from_slice(&3u64.to_le_bytes());
                    p.extend_from_slice(&unit_tag(*unit).to_le_bytes());
                    put_str(&mut p, tz);
                }
            }
        }
        p.extend_from_slice(&(self.cells.len() as u64).to_le_bytes());
        for (k, m) in &self.cells {
            for v in k {
                match v {
                    KeyValue::Int(i) => {
                        p.extend_from_slice(&0u64.to_le_bytes());
                        p.extend_from_slice(&i.to_le_bytes());
                    }
                    KeyValue::Str(s) => {
                        p.extend_from_slice(&1u64.to_le_bytes());
                        put_str(&mut p, s);
                    }
                    KeyValue::Null => p.extend_from_slice(&2u64.to_le_bytes()),
                }
            }
            for x in [m.n, m.n_missing] {
                p.extend_from_slice(&x.to_le_bytes());
            }
            for x in [m.mean, m.m2, m.min, m.max] {
                p.extend_from_slice(&x.to_le_bytes());
            }
        }
        encode(SUBGROUP_MOMENTS_KIND, &p)
    }

    /// Deserialize bytes written by [`SubgroupMoments::to_bytes`].
    ///
    /// # Errors
    /// [`CxError::Format`] for bytes of another format version or kind, truncated or
    /// corrupted bytes (checksum), or an invalid state (keys out of order or not fitting
    /// their column, non-finite moments, min above max, negative M2).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = decode(bytes, SUBGROUP_MOMENTS_KIND, WHAT)?;
        let ncols = r.u64()?;
        if ncols > 4096 {
            return Err(r.err("too many key columns"));
        }
        let mut columns = Vec::new();
        for _ in 0..ncols {
            let name = get_str(&mut r)?;
            let kind = match r.u64()? {
                0 => KeyKind::Int64,
                1 => KeyKind::UInt32,
                2 => KeyKind::Utf8,
                3 => {
                    let unit = match r.u64()? {
                        0 => TimeUnit::Seconds,
                        1 => TimeUnit::Milliseconds,
                        2 => TimeUnit::Microseconds,
                        3 => TimeUnit::Nanoseconds,
                        _ => return Err(r.err("unknown time unit")),
                    };
                    KeyKind::Timestamp {
                        unit,
                        tz: get_str(&mut r)?,
                    }
                }
                _ => return Err(r.err("unknown key kind")),
            };
            columns.push(KeyColumn::new(name, kind));
        }
        let mut state = Self::new(columns);
        let ncells = r.u64()?;
        let mut last: Option<Vec<KeyValue>> = None;
        for _ in 0..ncells {
            let mut key = Vec::with_capacity(state.columns.len());
            for c in &state.columns {
                let v = match r.u64()? {
                    0 => KeyValue::Int(r.u64()? as i64),
                    1 => KeyValue::Str(get_str(&mut r)?),
                    2 => KeyValue::Null,
                    _ => return Err(r.err("unknown key value tag")),
                };
                if !accepts(&c.kind, &v) {
                    return Err(r.err("a key value does not fit its column"));
                }
                key.push(v);
            }
            let m = Moments {
                n: r.u64()?,
                n_missing: r.u64()?,
                mean: r.f64()?,
                m2: r.f64()?,
                min: r.f64()?,
                max: r.f64()?,
            };
            let ok = if m.n == 0 {
                m.mean == 0.0 && m.m2 == 0.0 && m.min == f64::INFINITY && m.max == -f64::INFINITY
            } else {
                m.mean.is_finite()
                    && m.m2.is_finite()
                    && m.m2 >= 0.0
                    && m.min.is_finite()
                    && m.max.is_finite()
                    && m.min <= m.max
            };
            if !ok {
                return Err(r.err("inconsistent subgroup moments"));
            }
            if last.as_ref().is_some_and(|l| *l >= key) {
                return Err(r.err("keys out of order"));
            }
            last = Some(key.clone());
            state.cells.insert(key, m);
        }
        r.finish()?;
        Ok(state)
    }
}

fn accepts(kind: &KeyKind, v: &KeyValue) -> bool {
    match (kind, v) {
        (KeyKind::Timestamp { .. }, KeyValue::Null) => false,
        (_, KeyValue::Null) => true,
        (KeyKind::Utf8, KeyValue::Str(_)) => true,
        (KeyKind::UInt32, KeyValue::Int(i)) => u32::try_from(*i).is_ok(),
        (KeyKind::Int64 | KeyKind::Timestamp { .. }, KeyValue::Int(_)) => true,
        _ => false,
    }
}

fn fmt(reason: impl Into<String>) -> CxError {
    CxError::Format {
        what: WHAT.into(),
        reason: reason.into(),
    }
}

fn unit_tag(u: TimeUnit) -> u64 {
    match u {
        TimeUnit::Seconds => 0,
        TimeUnit::Milliseconds => 1,
        TimeUnit::Microseconds => 2,
        TimeUnit::Nanoseconds => 3,
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn get_str(r: &mut Reader<'_>) -> Result<String> {
    let n = r.u64()?;
    let n = usize::try_from(n).map_err(|_| r.err("string length overflows"))?;
    let b = r.bytes(n)?;
    String::from_utf8(b.to_vec()).map_err(|_| r.err("invalid UTF-8 in a string"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn sample() -> SubgroupMoments {
        let cols = vec![
            KeyColumn::new("line", KeyKind::Utf8),
            KeyColumn::new(
                "bucket",
                KeyKind::Timestamp {
                    unit: TimeUnit::Microseconds,
                    tz: "UTC".into(),
                },
            ),
        ];
        let keys = vec![
            vec![KeyValue::Str("a".into()), KeyValue::Int(5)],
            vec![KeyValue::Null, KeyValue::Int(-5)],
        ];
        let mut s = SubgroupMoments::new(cols);
        s.update("v", &[1.0, 2.5, f64::NAN, 4.0], &[0, 0, 1, 1], &keys)
            .unwrap();
        s
    }

    #[test]
    fn round_trip_and_every_truncation_flip_or_other_version_is_a_format_error() {
        let s = sample();
        crate::scale::wire_tests::assert_wire_format(
            &s,
            &s.to_bytes(),
            SubgroupMoments::from_bytes,
        );
    }

    #[test]
    fn bad_rows_name_the_row_and_leave_the_state_unchanged() {
        let mut s = sample();
        let before = s.clone();
        let keys = vec![vec![KeyValue::Str("a".into()), KeyValue::Int(5)]];
        let e = s.update("v", &[1.0, f64::INFINITY], &[0, 0], &keys);
        assert!(matches!(e, Err(CxError::InvalidValue { row: Some(1), .. })));
        let e = s.update("v", &[1.0], &[1], &keys);
        assert!(matches!(e, Err(CxError::InvalidValue { row: Some(0), .. })));
        assert_eq!(s, before);
        let e = sample().xbar_r(ChartOptions::new()).unwrap_err();
        assert!(
            matches!(e, CxError::InvalidValue { row: Some(1), .. }),
            "{e:?}"
        );
        let other = SubgroupMoments::new(vec![]);
        assert!(matches!(s.merge(&other), Err(CxError::Format { .. })));
    }
}
