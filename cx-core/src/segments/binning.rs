//! Scores 1..k from values: quantile breaks (R type 7), equal-count n-tiles, or custom cuts.

use crate::{CxError, Result};

/// How values are cut into `k` scores.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BinMethod {
    /// Breaks at the `j/k` quantiles (`j = 1..k−1`) by R's default `quantile(type = 7)`,
    /// as the R `rfm` package computes them; a value equal to a break goes to the lower bin.
    /// Ties can leave bins empty: they are reported, never hidden.
    Quantile,
    /// Equal counts, like `dplyr::ntile()`: rank the values (ties broken by customer order),
    /// the first `n mod k` bins get one customer more. Equal values may straddle two bins.
    Ntile,
    /// Custom cut points `c_1 < … < c_{k−1}` (so `k = cuts + 1` scores); a value equal to a
    /// cut goes to the lower bin.
    Custom(Vec<f64>),
}

impl BinMethod {
    /// Stable name: `"quantile"`, `"ntile"` or `"custom"`.
    pub fn name(&self) -> &'static str {
        match self {
            BinMethod::Quantile => "quantile",
            BinMethod::Ntile => "ntile",
            BinMethod::Custom(_) => "custom",
        }
    }
}

/// The bins of one variable: breaks, bin per value, customers per bin.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Binned {
    /// Bin of each value, 1 = smallest values.
    pub bins: Vec<u8>,
    /// The `k − 1` upper-inclusive breaks in value order (for `Ntile`: the largest value
    /// of each bin but the last).
    pub breaks: Vec<f64>,
    /// Number of values per bin (index 0 = bin 1).
    pub counts: Vec<u64>,
}

/// R's `quantile(x, p, type = 7)` of sorted values: `h = (n − 1)p`,
/// `x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])` (0-based).
///
/// # Reference
/// Hyndman, R. J. & Fan, Y. (1996). "Sample quantiles in statistical packages".
/// *The American Statistician* 50(4), 361–365, definition 7; R `stats::quantile`.
pub fn quantile_type7(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The `j/k` type-7 quantiles (`j = 1..k−1`) of unsorted values, without a full sort:
/// small-range whole numbers (days, counts) by counting, others by selecting only the
/// ranks the quantiles need.
fn quantiles_type7(values: &[f64], k: usize) -> Vec<f64> {
    let n = values.len();
    let spots: Vec<(usize, f64)> = (1..k)
        .map(|j| {
            let h = (n - 1) as f64 * j as f64 / k as f64;
            (h.floor() as usize, h - h.floor())
        })
        .collect();
    let mut ranks: Vec<usize> = spots
        .iter()
        .flat_map(|&(lo, _)| [lo, (lo + 1).min(n - 1)])
        .collect();
    ranks.sort_unstable();
    ranks.dedup();
    let at = order_statistics(values, &ranks);
    let get = |r: usize| ranks.binary_search(&r).map_or(f64::NAN, |i| at[i]);
    spots
        .iter()
        .map(|&(lo, frac)| {
            let (a, b) = (get(lo), get((lo + 1).min(n - 1)));
            a + frac * (b - a)
        })
        .collect()
}

/// The values of the given sorted, distinct ranks (0-based) of unsorted `values`.
fn order_statistics(values: &[f64], ranks: &[usize]) -> Vec<f64> {
    const MAX_RANGE: f64 = (1u32 << 20) as f64;
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    // `v as i64` truncates (saturating): a value equal to it is whole (`f64::fract` is a
    // library call per value on baseline x86-64).
    if hi - lo < MAX_RANGE && values.iter().all(|&v| v == (v as i64) as f64) {
        // Whole numbers in a small range: a histogram gives every order statistic.
        let mut hist = vec![0usize; (hi - lo) as usize + 1];
        for &v in values {
            hist[(v - lo) as usize] += 1;
        }
        let mut out = Vec::with_capacity(ranks.len());
        let (mut seen, mut bucket) = (0usize, 0usize);
        for &r in ranks {
            while seen + hist[bucket] <= r {
                seen += hist[bucket];
                bucket += 1;
            }
            out.push(lo + bucket as f64);
        }
        return out;
    }
    if values.len() >= RADIX_MIN && values.len() < u32::MAX as usize {
        return radix_order_statistics(values, ranks);
    }
    select_order_statistics(values, ranks)
}

/// From this many values, order statistics by a radix pass instead of repeated selection.
const RADIX_MIN: usize = 1 << 15;

/// A `u64` whose unsigned order is `f64::total_cmp`'s (the unsigned form of the mapping
/// `total_cmp` uses: negative values have all bits flipped, others only the sign bit).
#[inline]
fn total_key(v: f64) -> u64 {
    let b = v.to_bits();
    b ^ (((b as i64 >> 63) as u64) | (1 << 63))
}

/// Order statistics by selection on a copy (`select_nth_unstable` per rank, each on the
/// part right of the previous rank).
fn select_order_statistics(values: &[f64], ranks: &[usize]) -> Vec<f64> {
    let mut work = values.to_vec();
    let mut out = Vec::with_capacity(ranks.len());
    let mut start = 0usize;
    for &r in ranks {
        // Left of `start` everything is ≤ the rest, so rank r lies in work[start..].
        let rest = &mut work[start..];
        let v = if r == start {
            // The smallest of the rest: a scan, no partitioning.
            let (i, &m) = rest
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(b.1))
                .unwrap_or((0, &f64::NAN));
            rest.swap(0, i);
            m
        } else {
            *rest.select_nth_unstable_by(r - start, f64::total_cmp).1
        };
        out.push(v);
        start = r + 1;
    }
    out
}

/// Order statistics by the top 16 bits of [`total_key`]: one pass counts the values per
/// bucket, which gives each rank's bucket and its rank inside; a second pass copies the
/// values of those few buckets, where a selection finishes. The same values as
/// [`select_order_statistics`] (the `total_cmp` order, so equal bits at equal ranks).
fn radix_order_statistics(values: &[f64], ranks: &[usize]) -> Vec<f64> {
    const SHIFT: u32 = 48;
    let mut hist = vec![0u32; 1 << (64 - SHIFT)];
    for &v in values {
        hist[(total_key(v) >> SHIFT) as usize] += 1;
    }
    // Per rank: its bucket and its rank among the bucket's values.
    let mut at: Vec<(usize, usize)> = Vec::with_capacity(ranks.len());
    let (mut seen, mut bucket) = (0usize, 0usize);
    for &r in ranks {
        while bucket < hist.len() && seen + hist[bucket] as usize <= r {
            seen += hist[bucket] as usize;
            bucket += 1;
        }
        at.push((bucket, r - seen));
    }
    // The ranks are sorted, so each bucket's ranks are one run of `at`.
    let groups: Vec<&[(usize, usize)]> = at.chunk_by(|x, y| x.0 == y.0).collect();
    let mut members: Vec<Vec<f64>> = groups
        .iter()
        .map(|g| Vec::with_capacity(hist.get(g[0].0).map_or(0, |&c| c as usize)))
        .collect();
    let mut wanted = vec![u8::MAX; hist.len()];
    for (i, g) in groups.iter().enumerate() {
        if let Some(w) = wanted.get_mut(g[0].0) {
            *w = i as u8;
        }
    }
    for &v in values {
        let w = wanted[(total_key(v) >> SHIFT) as usize];
        if let Some(m) = members.get_mut(usize::from(w)) {
            m.push(v);
        }
    }
    // Each bucket's ranks together (a rank next to the previous one is a minimum scan).
    let mut out = Vec::with_capacity(ranks.len());
    for (g, m) in groups.iter().zip(&members) {
        let inside: Vec<usize> = g.iter().map(|&(_, r)| r).collect();
        out.extend(select_order_statistics(m, &inside));
    }
    out
}

/// Bin of `v` given upper-inclusive breaks: `1 + #{j : v > b_j}`.
#[inline]
fn bin_of(v: f64, breaks: &[f64]) -> u8 {
    1 + breaks.iter().filter(|&&b| v > b).count() as u8
}

/// Cut `values` into `k` bins (ignored for `Custom`, whose `k` is `cuts + 1`).
///
/// # Errors
/// [`CxError::InvalidOption`] for `k` outside 2–9, custom cuts that are not finite and
/// strictly increasing or give more than 9 bins; [`CxError::EmptyInput`] for no values.
pub fn bin(values: &[f64], k: usize, method: &BinMethod) -> Result<Binned> {
    if values.is_empty() {
        return Err(CxError::EmptyInput {
            what: "customers".into(),
        });
    }
    let k = match method {
        BinMethod::Custom(c) => c.len() + 1,
        _ => k,
    };
    if !(2..=9).contains(&k) {
        return Err(CxError::option(
            "bins",
            format!("need 2 to 9 scores (one digit each in the R-F-M code), got {k}"),
        ));
    }
    let (bins, breaks) = match method {
        BinMethod::Quantile => {
            let breaks = quantiles_type7(values, k);
            (values.iter().map(|&v| bin_of(v, &breaks)).collect(), breaks)
        }
        BinMethod::Custom(cuts) => {
            if cuts.iter().any(|c| !c.is_finite()) || cuts.windows(2).any(|w| w[0] >= w[1]) {
                return Err(CxError::option(
                    "cuts",
                    format!("cut points must be finite and strictly increasing, got {cuts:?}"),
                ));
            }
            (
                values.iter().map(|&v| bin_of(v, cuts)).collect(),
                cuts.clone(),
            )
        }
        BinMethod::Ntile => ntile(values, k),
    };
    let mut counts = vec![0u64; k];
    for &b in &bins {
        counts[usize::from(b) - 1] += 1;
    }
    Ok(Binned {
        bins,
        breaks,
        counts,
    })
}

/// `dplyr::ntile(x, k)`: rank by value then position; with `n = q·k + r`, the first `r`
/// bins hold `q + 1` values and the rest `q`.
fn ntile(values: &[f64], k: usize) -> (Vec<u8>, Vec<f64>) {
    let n = values.len();
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by(|&a, &b| values[a as usize].total_cmp(&values[b as usize]));
    let (small, larger_bins) = (n / k, n % k);
    let larger_threshold = (small + 1) * larger_bins;
    let mut bins = vec![0u8; n];
    let mut breaks = vec![f64::NAN; k - 1];
    for (r, &i) in order.iter().enumerate() {
        let b = if r < larger_threshold {
            r / (small + 1)
        } else {
            larger_bins + (r - larger_threshold) / small.max(1)
        };
        let b = b.min(k - 1);
        bins[i as usize] = b as u8 + 1;
        if let Some(slot) = breaks.get_mut(b) {
            *slot = values[i as usize];
        }
    }
    (bins, breaks)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// The radix order statistics equal the selection ones bit for bit, over values
        /// with ties, signed zeros, negatives and wide ranges, and any ranks.
        #[test]
        fn radix_order_statistics_equal_selection(
            raw in proptest::collection::vec((-3i64..3, 0u32..2000, 0u8..4), 1..5000),
            picks in proptest::collection::vec(0.0f64..1.0, 1..10),
        ) {
            let values: Vec<f64> = raw
                .iter()
                .map(|&(e, m, kind)| match kind {
                    0 => f64::from(m) / 100.0,
                    1 => -f64::from(m) * 10f64.powi(e as i32),
                    2 => if m % 2 == 0 { 0.0 } else { -0.0 },
                    _ => f64::from(m % 7) * 1e12,
                })
                .collect();
            let n = values.len();
            let mut ranks: Vec<usize> = picks.iter().map(|p| ((n - 1) as f64 * p) as usize).collect();
            ranks.sort_unstable();
            ranks.dedup();
            let fast = radix_order_statistics(&values, &ranks);
            let slow = select_order_statistics(&values, &ranks);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(bits(&fast), bits(&slow));
            // And against a full sort.
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let want: Vec<f64> = ranks.iter().map(|&r| sorted[r]).collect();
            proptest::prop_assert_eq!(bits(&fast), bits(&want));
        }
    }

    #[test]
    fn type7_matches_r() {
        // R: quantile(c(1, 2, 3, 4, 10), c(.2, .4, .6, .8)) = 1.8 2.6 3.4 5.2
        let s = [1.0, 2.0, 3.0, 4.0, 10.0];
        let q: Vec<f64> = [0.2, 0.4, 0.6, 0.8]
            .iter()
            .map(|&p| quantile_type7(&s, p))
            .collect();
        for (a, b) in q.iter().zip([1.8, 2.6, 3.4, 5.2]) {
            assert!((a - b).abs() < 1e-12);
        }
    }

    #[test]
    fn ties_on_breaks_go_low_and_empty_bins_show() {
        let v = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.0];
        let b = bin(&v, 5, &BinMethod::Quantile).unwrap();
        // R: quantile(c(rep(1, 6), 2, 3), 1:4 / 5) = 1 1 1 1.6 → the 1s in bin 1, 2 and 3 in 5.
        assert_eq!(b.breaks.len(), 4);
        assert!((b.breaks[3] - 1.6).abs() < 1e-12 && b.breaks[..3] == [1.0, 1.0, 1.0]);
        assert_eq!(b.bins, vec![1, 1, 1, 1, 1, 1, 5, 5]);
        assert_eq!(b.counts, vec![6, 0, 0, 0, 2]);
    }

    #[test]
    fn ntile_like_dplyr() {
        // dplyr::ntile(c(5, 1, 3, 3, 2, 9, 7), 3) = 2 1 1 2 1 3 3 (sizes 3, 2, 2)
        let v = [5.0, 1.0, 3.0, 3.0, 2.0, 9.0, 7.0];
        let b = bin(&v, 3, &BinMethod::Ntile).unwrap();
        assert_eq!(b.bins, vec![2, 1, 1, 2, 1, 3, 3]);
        assert_eq!(b.counts, vec![3, 2, 2]);
    }

    #[test]
    fn custom_cuts() {
        let b = bin(
            &[0.0, 10.0, 10.5, 100.0],
            0,
            &BinMethod::Custom(vec![10.0, 50.0]),
        )
        .unwrap();
        assert_eq!(b.bins, vec![1, 1, 2, 3]);
        assert!(bin(&[1.0], 0, &BinMethod::Custom(vec![2.0, 2.0])).is_err());
        assert!(bin(&[1.0], 12, &BinMethod::Quantile).is_err());
    }
}
