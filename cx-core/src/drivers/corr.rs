//! Listwise deletion, correlation matrices (Pearson, and Spearman through
//! average ranks), optionally with integer frequency weights: a bootstrap
//! replicate is the original rows with multiplicities, so it needs no copy.
//!
//! # Reference
//! Spearman's ρ is Pearson's r of the ranks, tied values sharing the average
//! of the ranks they span (Kendall, M. & Gibbons, J. D. (1990). *Rank
//! Correlation Methods*, 5th ed., ch. 3; `scipy.stats.spearmanr`).

use std::borrow::Cow;

use crate::{CxError, Result};

/// The rows kept by listwise deletion and the missing count of each column.
pub(crate) struct Complete<'a> {
    /// Columns restricted to the complete rows, outcome first (borrowed when no row is dropped).
    pub(crate) cols: Vec<Cow<'a, [f64]>>,
    /// Missing (NaN) values per column (outcome first), counted over all rows.
    pub(crate) missing: Vec<usize>,
    /// Rows dropped because at least one column was missing.
    pub(crate) dropped: usize,
}

/// Drop every row with a NaN in any column; reject infinite values.
pub(crate) fn listwise<'a>(names: &[&str], columns: &[&'a [f64]]) -> Result<Complete<'a>> {
    let n = columns.first().map_or(0, |c| c.len());
    let mut missing = Vec::with_capacity(columns.len());
    for (name, c) in names.iter().zip(columns) {
        if c.len() != n {
            return Err(CxError::LengthMismatch {
                what: (*name).to_string(),
                expected: n,
                got: c.len(),
            });
        }
        let mut nan = 0;
        let mut inf = false;
        for v in c.iter() {
            nan += usize::from(v.is_nan());
            inf |= v.is_infinite();
        }
        if inf && let Some(row) = c.iter().position(|v| v.is_infinite()) {
            return Err(CxError::invalid(
                *name,
                Some(row),
                c[row],
                "infinite value; use NaN for a missing answer",
            ));
        }
        missing.push(nan);
    }
    if missing.iter().all(|&m| m == 0) {
        return Ok(Complete {
            cols: columns.iter().map(|c| Cow::Borrowed(*c)).collect(),
            missing,
            dropped: 0,
        });
    }
    let mut bad = vec![false; n];
    for c in columns {
        bad.iter_mut()
            .zip(c.iter())
            .for_each(|(b, v)| *b |= v.is_nan());
    }
    let cols: Vec<Cow<'a, [f64]>> = columns
        .iter()
        .map(|c| {
            Cow::Owned(
                c.iter()
                    .zip(&bad)
                    .filter(|(_, b)| !**b)
                    .map(|(v, _)| *v)
                    .collect(),
            )
        })
        .collect();
    let dropped = bad.iter().filter(|b| **b).count();
    Ok(Complete {
        cols,
        missing,
        dropped,
    })
}

/// Weighted mean of `x` (weights `None` = all 1).
fn mean(x: &[f64], w: Option<&[u32]>) -> f64 {
    match w {
        None => x.iter().sum::<f64>() / x.len() as f64,
        Some(w) => {
            let (s, t) = x.iter().zip(w).fold((0.0, 0.0), |(s, t), (v, &k)| {
                (s + f64::from(k) * v, t + f64::from(k))
            });
            s / t
        }
    }
}

/// Correlation matrix (`q × q`, row-major) of the columns under frequency weights.
///
/// Returns `Err(j)` for the first column with zero variance.
pub(crate) fn correlation(
    cols: &[&[f64]],
    w: Option<&[u32]>,
) -> std::result::Result<Vec<f64>, usize> {
    let q = cols.len();
    // Centre each column, premultiplied by √w so that plain dot products are weighted,
    // one block of rows at a time so that the q block columns stay in cache while all
    // q(q+1)/2 products are accumulated.
    const BLOCK: usize = 512;
    let n = cols.first().map_or(0, |c| c.len());
    let means: Vec<f64> = cols.iter().map(|c| mean(c, w)).collect();
    let mut block = vec![0.0; q * BLOCK];
    let mut cov = vec![0.0; q * q];
    let mut start = 0;
    while start < n {
        let len = BLOCK.min(n - start);
        for (i, c) in cols.iter().enumerate() {
            let dst = &mut block[i * BLOCK..i * BLOCK + len];
            let src = &c[start..start + len];
            match w {
                None => dst.iter_mut().zip(src).for_each(|(d, v)| *d = v - means[i]),
                Some(w) => dst
                    .iter_mut()
                    .zip(src.iter().zip(&w[start..start + len]))
                    .for_each(|(d, (v, &k))| *d = (v - means[i]) * f64::from(k).sqrt()),
            }
        }
        for i in 0..q {
            let a = &block[i * BLOCK..i * BLOCK + len];
            for j in 0..=i {
                cov[i * q + j] += dot(a, &block[j * BLOCK..j * BLOCK + len]);
            }
        }
        start += len;
    }
    for i in 0..q {
        for j in 0..i {
            cov[j * q + i] = cov[i * q + j];
        }
    }
    let sd: Vec<f64> = (0..q).map(|i| cov[i * q + i].sqrt()).collect();
    // Constant: the root-mean-square deviation is rounding noise next to the values
    // (weights, when given, sum to the number of rows).
    for (i, s) in sd.iter().enumerate() {
        let scale = cols[i].iter().map(|v| v.abs()).fold(0.0, f64::max);
        let rms = s / (cols[i].len() as f64).sqrt();
        if rms.partial_cmp(&(1e-12 * scale)) != Some(std::cmp::Ordering::Greater) {
            return Err(i);
        }
    }
    for i in 0..q {
        for j in 0..q {
            cov[i * q + j] = if i == j {
                1.0
            } else {
                cov[i * q + j] / (sd[i] * sd[j])
            };
        }
    }
    Ok(cov)
}

/// Dot product in four lanes (lets the compiler vectorise without fast-math).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// How a column is ranked: small-integer columns (ratings) by counting, others by sorting.
pub(crate) enum Ranker {
    /// Every value is an integer in `min .. min + len` (at most [`COUNTING_MAX`] values).
    Counting {
        /// Smallest value.
        min: f64,
        /// Number of possible values.
        len: usize,
    },
    /// Positions sorted by value.
    Sorted(Vec<u32>),
}

/// Largest value range ranked by counting rather than sorting.
const COUNTING_MAX: usize = 1 << 16;

impl Ranker {
    /// Choose how to rank `x` (non-empty, finite).
    pub(crate) fn new(x: &[f64]) -> Self {
        let (lo, hi) = x
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                (l.min(v), h.max(v))
            });
        if hi - lo < COUNTING_MAX as f64 && x.iter().all(|v| v.fract() == 0.0) {
            return Ranker::Counting {
                min: lo,
                len: (hi - lo) as usize + 1,
            };
        }
        let mut pairs: Vec<(f64, u32)> = x.iter().copied().zip(0..).collect();
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        Ranker::Sorted(pairs.into_iter().map(|(_, i)| i).collect())
    }

    /// Average ranks (1-based) of `x` under frequency weights: a run of equal values
    /// with total weight `W` after cumulative weight `C` gets rank `C + (W + 1) / 2`
    /// (the mean of ranks `C + 1 … C + W`).
    pub(crate) fn ranks(&self, x: &[f64], w: Option<&[u32]>) -> Vec<f64> {
        let weight = |i: usize| w.map_or(1.0, |w| f64::from(w[i]));
        match self {
            Ranker::Counting { min, len } => {
                let mut count = vec![0.0; *len];
                for (i, v) in x.iter().enumerate() {
                    count[(v - min) as usize] += weight(i);
                }
                let mut before = 0.0;
                for c in count.iter_mut() {
                    let total = *c;
                    *c = before + (total + 1.0) / 2.0;
                    before += total;
                }
                x.iter().map(|v| count[(v - min) as usize]).collect()
            }
            Ranker::Sorted(order) => {
                let mut ranks = vec![0.0; x.len()];
                let mut start = 0;
                let mut before = 0.0;
                while start < order.len() {
                    let v = x[order[start] as usize];
                    let mut end = start;
                    let mut total = 0.0;
                    while end < order.len() && x[order[end] as usize] == v {
                        total += weight(order[end] as usize);
                        end += 1;
                    }
                    let r = before + (total + 1.0) / 2.0;
                    for &i in &order[start..end] {
                        ranks[i as usize] = r;
                    }
                    before += total;
                    start = end;
                }
                ranks
            }
        }
    }
}

/// Ranks of a column as a lookup: a table by value for counting rankers (no per-row
/// allocation), the materialised ranks otherwise.
pub(crate) enum RankView {
    /// `rank = table[x − min]`.
    Table(f64, Vec<f64>),
    /// One rank per row.
    Dense(Vec<f64>),
}

impl RankView {
    #[inline]
    fn get(&self, x: &[f64], i: usize) -> f64 {
        match self {
            RankView::Table(min, t) => t[(x[i] - min) as usize],
            RankView::Dense(r) => r[i],
        }
    }
}

impl Ranker {
    /// The ranks of `x` under frequency weights, as a [`RankView`].
    pub(crate) fn view(&self, x: &[f64], w: Option<&[u32]>) -> RankView {
        match self {
            Ranker::Counting { min, len } => {
                let mut count = vec![0.0; *len];
                match w {
                    None => x.iter().for_each(|v| count[(v - min) as usize] += 1.0),
                    Some(w) => x
                        .iter()
                        .zip(w)
                        .for_each(|(v, &k)| count[(v - min) as usize] += f64::from(k)),
                }
                let mut before = 0.0;
                for c in count.iter_mut() {
                    let total = *c;
                    *c = before + (total + 1.0) / 2.0;
                    before += total;
                }
                RankView::Table(*min, count)
            }
            Ranker::Sorted(_) => RankView::Dense(self.ranks(x, w)),
        }
    }
}

/// Spearman correlation: Pearson's r of the ranks `ry` of `y` and `rx` of `x`.
pub(crate) fn spearman(
    y: &[f64],
    ry: &RankView,
    x: &[f64],
    rx: &RankView,
    w: Option<&[u32]>,
) -> f64 {
    let n = y.len();
    let k = |i: usize| w.map_or(1.0, |w| f64::from(w[i]));
    let (mut sw, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let ki = k(i);
        sw += ki;
        sx += ki * rx.get(x, i);
        sy += ki * ry.get(y, i);
    }
    let (mx, my) = (sx / sw, sy / sw);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let ki = k(i);
        let (a, b) = (rx.get(x, i) - mx, ry.get(y, i) - my);
        sxy += ki * a * b;
        sxx += ki * a * a;
        syy += ki * b * b;
    }
    sxy / (sxx * syy).sqrt()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_average_ranks() {
        for x in [[3.0, 1.0, 3.0, 2.0], [3.5, 1.0, 3.5, 2.0]] {
            let ranker = Ranker::new(&x);
            assert_eq!(matches!(ranker, Ranker::Counting { .. }), x[0] == 3.0);
            assert_eq!(ranker.ranks(&x, None), vec![3.5, 1.0, 3.5, 2.0]);
            // Weight 2 on the first row is the same as duplicating it.
            let r = ranker.ranks(&x, Some(&[2, 1, 1, 1]));
            assert_eq!(r, vec![4.0, 1.0, 4.0, 2.0]);
        }
    }

    #[test]
    fn weights_equal_duplication() {
        let x = vec![1.0, 2.0, 4.0, 3.0];
        let y = vec![2.0, 1.0, 5.0, 3.5];
        let w = [1, 3, 0, 2];
        let dx: Vec<f64> = vec![1.0, 2.0, 2.0, 2.0, 3.0, 3.0];
        let dy: Vec<f64> = vec![2.0, 1.0, 1.0, 1.0, 3.5, 3.5];
        let a = correlation(&[&x, &y], Some(&w)).unwrap();
        let b = correlation(&[&dx, &dy], None).unwrap();
        assert!((a[1] - b[1]).abs() < 1e-12);
    }

    #[test]
    fn listwise_counts() {
        let y = [1.0, f64::NAN, 3.0, 4.0];
        let x = [1.0, 2.0, f64::NAN, f64::NAN];
        let c = listwise(&["y", "x"], &[&y, &x]).unwrap();
        assert_eq!(c.missing, vec![1, 2]);
        assert_eq!(c.dropped, 3);
        assert_eq!(&*c.cols[0], &[1.0]);
    }
}
