//! Scale-out states: mergeable, versioned summaries that a distributed engine (Spark,
//! Dask, or any map/reduce) builds per partition, merges in any order and finishes once.
//!
//! [`KeyedCounts`] is the generic state: for each key (a tuple of integers, strings or
//! nulls, e.g. `(store, bucket)`) a fixed-width vector of `u64` counts. Counts add, so a
//! merge is exact and associative and commutative: any partitioning and any merge tree
//! give the same state, and the same finished result as one pass over all rows.
//! [`score_counts`] fills it from a batch with the grouped NPS/CSAT/CES kernels of
//! [`crate::metrics::grouped`], and [`KeyedCounts::nps_tallies`] /
//! [`KeyedCounts::score_tally`] turn the merged counts back into the tallies those
//! kernels finish.
//!
//! # Serialized format (version 1)
//! `to_bytes` writes, little-endian: magic `b"CXKC"`, format version `u16` (=
//! [`STATE_VERSION`]), payload length `u64`, the payload, then a CRC-32 (IEEE) of all
//! preceding bytes. The payload holds the label, the key columns (name, kind), the
//! width, and the cells in key order. `from_bytes` checks the envelope, the checksum and
//! every invariant (kinds match the values, keys strictly increasing), so bytes from
//! another version, truncated or corrupted bytes give [`CxError::Format`], never a
//! wrong number.

mod keyed;
mod subgroups;
mod ticket_aggs;

pub use keyed::{KeyColumn, KeyKind, KeyValue, KeyedCounts, STATE_VERSION};
pub use subgroups::{SUBGROUP_MOMENTS_KIND, SubgroupMoments};
pub use ticket_aggs::{MetricAggregate, TicketAggregates};

use crate::error::{CxError, Result};
use crate::metrics::grouped::{GroupedScoreTally, ces_by_group, csat_by_group};
use crate::metrics::{CesOptions, CsatOptions, group};

/// Which score histogram a [`score_counts`] state holds.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ScoreMetric {
    /// NPS 0–10: four counts per key (detractors, passives, promoters, missing).
    Nps,
    /// CSAT: sixteen counts per key (scores 0–14, then missing), validated on the scale.
    Csat(CsatOptions),
    /// CES: as CSAT.
    Ces(CesOptions),
}

impl ScoreMetric {
    /// Counts per key in a state of this metric.
    pub fn width(self) -> usize {
        match self {
            ScoreMetric::Nps => 4,
            ScoreMetric::Csat(_) | ScoreMetric::Ces(_) => 16,
        }
    }
}

/// Fold one batch of `u8` scores (255 = missing) with `u32` group codes into `state`:
/// `keys[code]` is the key of each code. Groups without rows add nothing.
///
/// Runs the same kernels as the single-machine grouped summaries (and so validates the
/// same way): [`group::nps_by_group`], [`csat_by_group`], [`ces_by_group`].
///
/// # Errors
/// [`CxError::InvalidValue`] naming the row for a score off the scale or a code not
/// below `keys.len()`; [`CxError::LengthMismatch`]; [`CxError::InvalidOption`] when the
/// state's width does not match `metric` or a key does not fit the state's columns.
/// # Examples
/// ```
/// use cx_core::scale::{score_counts, KeyColumn, KeyKind, KeyValue, KeyedCounts, ScoreMetric};
/// let cols = vec![KeyColumn::new("store", KeyKind::Utf8)];
/// let keys = vec![vec![KeyValue::Str("a".into())], vec![KeyValue::Str("b".into())]];
/// let mut s = KeyedCounts::new("nps", cols.clone(), 4)?;
/// score_counts(&mut s, &[10, 3, 9], &[0, 0, 1], &keys, ScoreMetric::Nps)?;
/// let mut t = KeyedCounts::new("nps", cols, 4)?;
/// score_counts(&mut t, &[8, 255], &[1, 1], &keys, ScoreMetric::Nps)?;
/// s.merge(&t)?;
/// let b = KeyedCounts::from_bytes(&s.to_bytes())?;
/// let tallies = b.nps_tallies()?;
/// assert_eq!(tallies[1].counts().n(), 2);
/// assert_eq!(tallies[1].n_missing(), 1);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn score_counts(
    state: &mut KeyedCounts,
    scores: &[u8],
    codes: &[u32],
    keys: &[Vec<KeyValue>],
    metric: ScoreMetric,
) -> Result<()> {
    if state.width() != metric.width() {
        return Err(CxError::option(
            "metric",
            format!(
                "the state holds {} counts per key, this metric needs {}",
                state.width(),
                metric.width()
            ),
        ));
    }
    let n = keys.len();
    match metric {
        ScoreMetric::Nps => {
            let g = group::nps_by_group(scores, codes, n, None)?;
            for (key, t) in keys.iter().zip(g.groups()) {
                let c = t.counts();
                let cell = [c.detractors, c.passives, c.promoters, t.n_missing()];
                if cell.iter().any(|&x| x > 0) {
                    state.add(key.clone(), &cell)?;
                }
            }
        }
        ScoreMetric::Csat(opts) => {
            let (t, _) = csat_by_group(scores, codes, n, opts)?;
            add_histograms(state, &t, keys)?;
        }
        ScoreMetric::Ces(opts) => {
            let (t, _) = ces_by_group(scores, codes, n, opts)?;
            add_histograms(state, &t, keys)?;
        }
    }
    Ok(())
}

fn add_histograms(
    state: &mut KeyedCounts,
    t: &GroupedScoreTally,
    keys: &[Vec<KeyValue>],
) -> Result<()> {
    for (g, key) in keys.iter().enumerate() {
        if let Some(h) = t.counts(g as u32)
            && h.iter().any(|&x| x > 0)
        {
            state.add(key.clone(), h)?;
        }
    }
    Ok(())
}

/// Fold pre-aggregated rows (score, count) by group code into `state`, e.g. the output
/// of an engine's own `GROUP BY key, score` with `COUNT(*)`. Scores are `u8` (255 =
/// missing) and are validated like [`score_counts`]: 0–10 for NPS, the scale for
/// CSAT/CES.
///
/// # Errors
/// [`CxError::InvalidValue`] naming the row for a score off the scale (field `score`) or
/// a code not below `keys.len()` (field `group`); [`CxError::LengthMismatch`];
/// [`CxError::InvalidOption`] as [`score_counts`].
/// # Examples
/// ```
/// use cx_core::scale::{score_counts_from_counts, KeyedCounts, ScoreMetric};
/// let mut s = KeyedCounts::new("nps", vec![], 4)?;
/// score_counts_from_counts(&mut s, &[10, 3, 255], &[0, 0, 0], &[5, 2, 1], &[vec![]], ScoreMetric::Nps)?;
/// let t = &s.nps_tallies()?[0];
/// assert_eq!((t.counts().promoters, t.counts().detractors, t.n_missing()), (5, 2, 1));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn score_counts_from_counts(
    state: &mut KeyedCounts,
    scores: &[u8],
    codes: &[u32],
    counts: &[u64],
    keys: &[Vec<KeyValue>],
    metric: ScoreMetric,
) -> Result<()> {
    for (what, len) in [("group codes", codes.len()), ("counts", counts.len())] {
        if len != scores.len() {
            return Err(CxError::LengthMismatch {
                what: what.into(),
                expected: scores.len(),
                got: len,
            });
        }
    }
    let width = metric.width();
    if state.width() != width {
        return Err(CxError::option(
            "metric",
            "the state's width does not match the metric",
        ));
    }
    let (lo, hi, reason) = match metric {
        ScoreMetric::Nps => (0, 10, "NPS scores must be integers 0–10"),
        ScoreMetric::Csat(o) => {
            let (lo, hi) = o.scale.bounds();
            (lo, hi, "CSAT scores must be integers on the scale")
        }
        ScoreMetric::Ces(o) => {
            let (lo, hi) = o.scale.ranges().0;
            (lo, hi, "CES scores must be integers on the scale")
        }
    };
    let mut cells = vec![0u64; keys.len() * width];
    for (row, ((&s, &c), &k)) in scores.iter().zip(codes).zip(counts).enumerate() {
        if c as usize >= keys.len() {
            return Err(CxError::invalid(
                "group",
                Some(row),
                c,
                "group code not below the number of groups",
            ));
        }
        let bucket = if s == u8::MAX {
            width - 1
        } else if (lo..=hi).contains(&s) {
            match metric {
                ScoreMetric::Nps => match s {
                    9..=10 => 2,
                    7..=8 => 1,
                    _ => 0,
                },
                _ => usize::from(s),
            }
        } else {
            return Err(CxError::invalid("score", Some(row), s, reason));
        };
        let cell = &mut cells[c as usize * width + bucket];
        *cell = cell
            .checked_add(k)
            .ok_or_else(|| CxError::invalid("count", Some(row), k, "count overflows"))?;
    }
    for (key, cell) in keys.iter().zip(cells.chunks_exact(width)) {
        if cell.iter().any(|&x| x > 0) {
            state.add(key.clone(), cell)?;
        }
    }
    Ok(())
}

/// Fold one batch into a counts state of width `1 + sums.len()`: per group code the
/// number of rows, then the sum of each column of `sums` (non-negative integers, e.g. a
/// 0/1 defective flag or a defect count per unit). This is the phase-I statistic of the
/// attribute control charts (p, np, c, u: defectives or defects and units per subgroup)
/// and a generic "counts by key" (Pareto categories: rows per key).
///
/// # Errors
/// [`CxError::InvalidValue`] naming the column, row and value for a value that is not a
/// non-negative integer below 2⁵³ (NaN included), or a code not below `keys.len()`
/// (field `group`); [`CxError::LengthMismatch`]; [`CxError::InvalidOption`] for a state
/// of another width.
/// # Examples
/// ```
/// use cx_core::scale::{counts_by_key, KeyColumn, KeyKind, KeyValue, KeyedCounts};
/// let keys = vec![vec![KeyValue::Int(1)], vec![KeyValue::Int(2)]];
/// let mut s = KeyedCounts::new("defects", vec![KeyColumn::new("day", KeyKind::Int64)], 2)?;
/// counts_by_key(&mut s, &[0, 0, 1], &[("bad", &[1.0, 0.0, 1.0])], &keys)?;
/// let cells: Vec<_> = s.cells().map(|(_, c)| c.to_vec()).collect();
/// assert_eq!(cells, vec![vec![2, 1], vec![1, 1]]);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn counts_by_key(
    state: &mut KeyedCounts,
    codes: &[u32],
    sums: &[(&str, &[f64])],
    keys: &[Vec<KeyValue>],
) -> Result<()> {
    let width = 1 + sums.len();
    if state.width() != width {
        return Err(CxError::option(
            "sums",
            format!(
                "the state holds {} counts per key, got {width}",
                state.width()
            ),
        ));
    }
    for (name, v) in sums {
        if v.len() != codes.len() {
            return Err(CxError::LengthMismatch {
                what: (*name).into(),
                expected: codes.len(),
                got: v.len(),
            });
        }
    }
    let mut cells = vec![0u64; keys.len() * width];
    for (row, &c) in codes.iter().enumerate() {
        let base = (c as usize) * width;
        if c as usize >= keys.len() {
            return Err(CxError::invalid(
                "group",
                Some(row),
                c,
                "group code not below the number of groups",
            ));
        }
        cells[base] += 1;
        for (j, (name, v)) in sums.iter().enumerate() {
            let x = v[row];
            if !(x >= 0.0 && x.fract() == 0.0 && x < 9_007_199_254_740_992.0) {
                return Err(CxError::invalid(
                    *name,
                    Some(row),
                    x,
                    "must be a non-negative integer count",
                ));
            }
            let cell = &mut cells[base + 1 + j];
            *cell = cell
                .checked_add(x as u64)
                .ok_or_else(|| CxError::invalid(*name, Some(row), x, "sum overflows 64 bits"))?;
        }
    }
    for (key, cell) in keys.iter().zip(cells.chunks_exact(width)) {
        if cell[0] > 0 {
            state.add(key.clone(), cell)?;
        }
    }
    Ok(())
}

/// Wire-format checks shared by the states' unit tests.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod wire_tests {
    use crate::metrics::tally::crc32;
    use crate::{CxError, Result};

    /// `value` round-trips through `bytes` (its encoding, version byte at offset 4,
    /// CRC-32 in the last 4 bytes); every truncation and every flipped byte is a
    /// [`CxError::Format`]; so is another format version with a valid CRC, and its
    /// message names the version.
    pub(crate) fn assert_wire_format<T: PartialEq + std::fmt::Debug>(
        value: &T,
        bytes: &[u8],
        from_bytes: fn(&[u8]) -> Result<T>,
    ) {
        assert_eq!(&from_bytes(bytes).unwrap(), value);
        for n in 0..bytes.len() {
            let e = from_bytes(&bytes[..n]).unwrap_err();
            assert!(matches!(e, CxError::Format { .. }), "{n}: {e:?}");
        }
        for i in 0..bytes.len() {
            let mut c = bytes.to_vec();
            c[i] ^= 0x10;
            let e = from_bytes(&c).unwrap_err();
            assert!(matches!(e, CxError::Format { .. }), "{i}: {e:?}");
        }
        let mut b = bytes.to_vec();
        b[4] = 2;
        let n = b.len() - 4;
        let crc = crc32(&b[..n]);
        b[n..].copy_from_slice(&crc.to_le_bytes());
        let e = from_bytes(&b).unwrap_err();
        assert!(e.to_string().contains("format version 2"), "{e}");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::metrics::CsatScale;

    fn keys(n: i64) -> Vec<Vec<KeyValue>> {
        (0..n).map(|i| vec![KeyValue::Int(i)]).collect()
    }

    #[test]
    fn counts_path_equals_row_path() {
        let cols = vec![KeyColumn::new("k", KeyKind::Int64)];
        let scores = [1u8, 5, 5, 3, 255, 2];
        let codes = [0u32, 0, 0, 1, 1, 1];
        let metric = ScoreMetric::Csat(CsatOptions::new().scale(CsatScale::OneToFive));
        let mut a = KeyedCounts::new("csat", cols.clone(), 16).unwrap();
        score_counts(&mut a, &scores, &codes, &keys(2), metric).unwrap();
        let mut b = KeyedCounts::new("csat", cols, 16).unwrap();
        score_counts_from_counts(
            &mut b,
            &[1, 5, 3, 255, 2],
            &[0, 0, 1, 1, 1],
            &[1, 2, 1, 1, 1],
            &keys(2),
            metric,
        )
        .unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn off_scale_scores_name_the_row() {
        let mut s = KeyedCounts::new("nps", vec![], 4).unwrap();
        let e = score_counts(&mut s, &[3, 11], &[0, 0], &[vec![]], ScoreMetric::Nps);
        assert!(matches!(e, Err(CxError::InvalidValue { row: Some(1), .. })));
        let e = score_counts_from_counts(&mut s, &[12], &[0], &[1], &[vec![]], ScoreMetric::Nps);
        assert!(matches!(e, Err(CxError::InvalidValue { row: Some(0), .. })));
        let mut w = KeyedCounts::new("csat", vec![], 16).unwrap();
        let e = score_counts(&mut w, &[3], &[0], &[vec![]], ScoreMetric::Nps);
        assert!(matches!(e, Err(CxError::InvalidOption { .. })));
    }
}
