//! RFM scores and segments from per-customer aggregates.

use super::binning::{BinMethod, Binned, bin};
use super::columns::{Customers, Days, max_day};
use super::rules::{self, SegmentRule};
use super::tally::{CustomerAgg, RfmTally, TallyOptions};
use crate::{CxError, Result};

/// Customers from which the three binnings run on two threads.
const PARALLEL_MIN_CUSTOMERS: usize = 1 << 16;

/// Monetary value of a customer: total (default) or mean per purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Monetary {
    /// Sum of amounts.
    #[default]
    Sum,
    /// Sum of amounts divided by the number of purchases.
    Mean,
}

impl std::str::FromStr for Monetary {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "sum" => Ok(Monetary::Sum),
            "mean" => Ok(Monetary::Mean),
            other => Err(CxError::option(
                "monetary",
                format!("must be one of {{sum, mean}}, got {other:?}"),
            )),
        }
    }
}

/// Options of [`rfm`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RfmOptions {
    /// Number of scores for `Quantile` and `Ntile` (2–9; default 5, quintiles).
    pub bins: usize,
    /// Binning of recency days, frequency and monetary value, in that order.
    pub methods: [BinMethod; 3],
    /// Monetary value: sum or mean.
    pub monetary: Monetary,
    /// Segment rules; `None` = the ten `rfm` package segments (needs `bins = 5`).
    pub segments: Option<Vec<SegmentRule>>,
    /// Name of customers no rule matches.
    pub others: String,
}

impl Default for RfmOptions {
    fn default() -> Self {
        Self {
            bins: 5,
            methods: [
                BinMethod::Quantile,
                BinMethod::Quantile,
                BinMethod::Quantile,
            ],
            monetary: Monetary::Sum,
            segments: None,
            others: rules::OTHERS.0.to_string(),
        }
    }
}

impl RfmOptions {
    /// Quintiles by R type-7 quantiles, monetary = sum, the `rfm` package's ten segments.
    pub fn new() -> Self {
        Self::default()
    }
    /// Number of scores.
    pub fn bins(mut self, k: usize) -> Self {
        self.bins = k;
        self
    }
    /// The same binning method for all three variables.
    pub fn method(mut self, m: BinMethod) -> Self {
        self.methods = [m.clone(), m.clone(), m];
        self
    }
    /// Monetary value.
    pub fn monetary(mut self, m: Monetary) -> Self {
        self.monetary = m;
        self
    }
    /// Segment rules (first match wins).
    pub fn segments(mut self, rules: Vec<SegmentRule>) -> Self {
        self.segments = Some(rules);
        self
    }
}

/// One customer's RFM values and scores.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct RfmRow {
    /// Dense customer code.
    pub code: u32,
    /// First purchase day (days since 1970-01-01).
    pub first_day: i32,
    /// Last purchase day.
    pub last_day: i32,
    /// Days from the last purchase to the as-of day (a purchase on the as-of day is 0).
    pub recency_days: i32,
    /// Number of purchases.
    pub frequency: u64,
    /// Monetary value (sum or mean).
    pub monetary: f64,
    /// Total amount (net of refunds under [`super::Negative::Net`]).
    pub amount: f64,
    /// Recency score, 1..k, recent = high.
    pub r: u8,
    /// Frequency score, 1..k, frequent = high.
    pub f: u8,
    /// Monetary score, 1..k, high spend = high.
    pub m: u8,
    /// Index of the segment in [`RfmResult::segment_names`].
    pub segment: u16,
}

impl RfmRow {
    /// The `rfm` package's code `100·R + 10·F + M` (e.g. 555).
    pub fn rfm_score(&self) -> u16 {
        rfm_code(self.r, self.f, self.m)
    }
}

/// The `rfm` package's code of scores `(r, f, m)`: `100·R + 10·F + M`.
#[inline]
fn rfm_code(r: u8, f: u8, m: u8) -> u16 {
    100 * u16::from(r) + 10 * u16::from(f) + u16::from(m)
}

/// How one variable was scored.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Dimension {
    /// `"recency"`, `"frequency"` or `"monetary"`.
    pub name: &'static str,
    /// `"quantile"`, `"ntile"` or `"custom"`.
    pub method: &'static str,
    /// The `k − 1` upper-inclusive breaks in value order (recency in days: the smallest
    /// values get the highest score).
    pub breaks: Vec<f64>,
    /// Per score 1..k (index 0 = score 1): customers.
    pub counts: Vec<u64>,
    /// Per score: smallest value (NaN when the score is empty).
    pub min: Vec<f64>,
    /// Per score: largest value (NaN when the score is empty).
    pub max: Vec<f64>,
}

impl Dimension {
    /// Scores with no customer (ties collapsed bins).
    pub fn empty_scores(&self) -> Vec<u8> {
        (1..=self.counts.len() as u8)
            .filter(|&s| self.counts[usize::from(s) - 1] == 0)
            .collect()
    }
}

/// The RFM table as columns: entry `i` of every column belongs to the `i`-th customer
/// with a purchase, in code order. [`RfmTable::row`] and [`RfmTable::rows`] give the
/// same data a customer at a time; the columns are what the Python binding hands to
/// Arrow without a copy.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct RfmTable {
    /// Dense customer code.
    pub code: Vec<u32>,
    /// First purchase day (days since 1970-01-01).
    pub first_day: Vec<i32>,
    /// Last purchase day.
    pub last_day: Vec<i32>,
    /// Days from the last purchase to the as-of day (a purchase on the as-of day is 0).
    pub recency_days: Vec<i32>,
    /// Number of purchases.
    pub frequency: Vec<u64>,
    /// Monetary value (sum or mean).
    pub monetary: Vec<f64>,
    /// Total amount (net of refunds under [`super::Negative::Net`]).
    pub amount: Vec<f64>,
    /// Recency score, 1..k, recent = high.
    pub r: Vec<u8>,
    /// Frequency score, 1..k, frequent = high.
    pub f: Vec<u8>,
    /// Monetary score, 1..k, high spend = high.
    pub m: Vec<u8>,
    /// Index of the segment in [`RfmResult::segment_names`].
    pub segment: Vec<u16>,
}

impl RfmTable {
    /// Number of customers (rows).
    pub fn len(&self) -> usize {
        self.code.len()
    }
    /// Whether the table has no customer.
    pub fn is_empty(&self) -> bool {
        self.code.is_empty()
    }
    /// Customer `i` (in code order) as one record; `None` past the end.
    pub fn row(&self, i: usize) -> Option<RfmRow> {
        Some(RfmRow {
            code: *self.code.get(i)?,
            first_day: *self.first_day.get(i)?,
            last_day: *self.last_day.get(i)?,
            recency_days: *self.recency_days.get(i)?,
            frequency: *self.frequency.get(i)?,
            monetary: *self.monetary.get(i)?,
            amount: *self.amount.get(i)?,
            r: *self.r.get(i)?,
            f: *self.f.get(i)?,
            m: *self.m.get(i)?,
            segment: *self.segment.get(i)?,
        })
    }
    /// The `rfm` package's codes `100·R + 10·F + M` (e.g. 555), one per customer.
    pub fn rfm_scores(&self) -> Vec<u16> {
        self.r
            .iter()
            .zip(&self.f)
            .zip(&self.m)
            .map(|((&r, &f), &m)| rfm_code(r, f, m))
            .collect()
    }
    /// The customers as records, in code order.
    pub fn rows(&self) -> impl Iterator<Item = RfmRow> + '_ {
        (0..self.len()).filter_map(|i| self.row(i))
    }
}

impl FromIterator<RfmRow> for RfmTable {
    /// The table of records (in the order given).
    fn from_iter<I: IntoIterator<Item = RfmRow>>(rows: I) -> Self {
        let mut t = RfmTable::default();
        for x in rows {
            t.code.push(x.code);
            t.first_day.push(x.first_day);
            t.last_day.push(x.last_day);
            t.recency_days.push(x.recency_days);
            t.frequency.push(x.frequency);
            t.monetary.push(x.monetary);
            t.amount.push(x.amount);
            t.r.push(x.r);
            t.f.push(x.f);
            t.m.push(x.m);
            t.segment.push(x.segment);
        }
        t
    }
}

/// The RFM table and how it was made.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RfmResult {
    /// One row per customer with at least one purchase, by code, as columns.
    pub table: RfmTable,
    /// As-of day.
    pub as_of: i32,
    /// Recency, frequency, monetary, in that order.
    pub dimensions: [Dimension; 3],
    /// Segment names in rule order, then the "others" label.
    pub segment_names: Vec<String>,
    /// Customers per segment, aligned with `segment_names`.
    pub segment_counts: Vec<u64>,
    /// Transaction rows read.
    pub n_rows: u64,
    /// Rows left out because they were dated after the as-of day.
    pub n_excluded: u64,
    /// Customers with rows but no purchase (only refunds), left out of the table.
    pub n_without_purchase: u64,
    /// Human-readable notes: collapsed bins and the like.
    pub warnings: Vec<String>,
}

/// Customers, purchases and amount of one segment.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SegmentSummary {
    /// Segment name.
    pub name: String,
    /// Customers in the segment.
    pub customers: u64,
    /// Share of all scored customers (0–1).
    pub share: f64,
    /// Purchases of the segment's customers.
    pub purchases: u64,
    /// Total amount of the segment's customers.
    pub amount: f64,
}

impl RfmResult {
    /// Per segment (rule order, then "others"): customers, share, purchases and amount,
    /// as the `rfm` package's `rfm_segment_summary()` (customers, orders, revenue).
    pub fn segment_summary(&self) -> Vec<SegmentSummary> {
        let n = self.table.len().max(1) as f64;
        let mut out: Vec<SegmentSummary> = self
            .segment_names
            .iter()
            .zip(&self.segment_counts)
            .map(|(name, &c)| SegmentSummary {
                name: name.clone(),
                customers: c,
                share: c as f64 / n,
                purchases: 0,
                amount: 0.0,
            })
            .collect();
        let t = &self.table;
        for ((&seg, &freq), &amount) in t.segment.iter().zip(&t.frequency).zip(&t.amount) {
            if let Some(s) = out.get_mut(usize::from(seg)) {
                s.purchases += freq;
                s.amount += amount;
            }
        }
        out
    }
}

/// RFM scores and segments of transactions.
///
/// Recency = days from a customer's last purchase to `as_of` (a purchase on the as-of
/// day has recency 0), frequency = purchases, monetary = total (or mean) amount. Each is
/// scored 1..k; recency reversed so that recent customers score high. Segments are the
/// first matching rectangle of `opts.segments`.
///
/// # Formula
/// Quantile breaks `b_j = Q₇(j/k)` over customers, score = `1 + #{j : x > b_j}`
/// (reversed for recency).
/// # Reference
/// Hughes, A. M. (1994). *Strategic Database Marketing*. Probus. (RFM scoring.)
/// Hebbali, A. `rfm` R package (`rfm_table_order`, `rfm_segment`): type-7 breaks,
/// value on a break to the lower bin, the ten example segments.
/// # Errors
/// As [`RfmTally::add`]; [`CxError::EmptyInput`] without purchases;
/// [`CxError::InvalidOption`] for bad bins, cuts or rules.
/// # Examples
/// ```
/// use cx_core::segments::{rfm, RfmOptions, TallyOptions};
/// let customers = [0, 0, 1, 2, 2, 2];
/// let days = [10, 20, 5, 1, 15, 19];
/// let amounts = [5.0, 5.0, 100.0, 1.0, 1.0, 1.0];
/// let r = rfm(&customers, &days, &amounts, None, TallyOptions::new().as_of(21),
///             &RfmOptions::new().bins(3).segments(vec![]))?;
/// assert_eq!(r.table.recency_days[0], 1);
/// assert_eq!((r.table.r[0], r.table.r[1]), (3, 1));
/// let first = r.table.row(0).unwrap();
/// assert_eq!((first.frequency, first.rfm_score()), (2, 322));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn rfm(
    customers: &[u32],
    days: &[i32],
    amounts: &[f64],
    orders: Option<&[u32]>,
    tally_opts: TallyOptions,
    opts: &RfmOptions,
) -> Result<RfmResult> {
    rfm_columns(
        Customers::Codes(customers),
        Days::Days(days),
        amounts,
        orders,
        tally_opts,
        opts,
    )
}

/// [`rfm`] of columns read in place (integer ids, timestamps: see
/// [`RfmTally::add_columns`]); the result is the one `rfm` gives for the converted columns.
///
/// # Errors
/// As [`rfm`] and [`RfmTally::add_columns`].
pub fn rfm_columns(
    customers: Customers<'_>,
    days: Days<'_>,
    amounts: &[f64],
    orders: Option<&[u32]>,
    tally_opts: TallyOptions,
    opts: &RfmOptions,
) -> Result<RfmResult> {
    let mut t = RfmTally::new();
    let tally_opts = match tally_opts.as_of {
        Some(_) => tally_opts,
        None => match max_day(customers, days) {
            Some(d) => tally_opts.as_of(d.saturating_add(1)),
            None => {
                return Err(CxError::EmptyInput {
                    what: "transactions".into(),
                });
            }
        },
    };
    t.add_columns(customers, days, amounts, orders, tally_opts)?;
    let as_of = tally_opts.as_of.unwrap_or(i32::MAX);
    score_tally(&t, as_of, opts)
}

/// Monetary value of one customer's aggregate.
#[inline]
fn monetary_of(a: &CustomerAgg, how: Monetary) -> f64 {
    match how {
        Monetary::Sum => a.amount,
        Monetary::Mean => a.amount / f64::from(a.purchases),
    }
}

/// The number of scores `k` (from the custom cut points when every variable has them,
/// else `opts.bins`) and the segment rules, both checked.
fn scores_and_rules(opts: &RfmOptions) -> Result<(usize, Vec<rules::SegmentRule>)> {
    let k = match &opts.methods {
        [BinMethod::Custom(c), _, _]
        | [_, BinMethod::Custom(c), _]
        | [_, _, BinMethod::Custom(c)]
            if opts
                .methods
                .iter()
                .all(|m| matches!(m, BinMethod::Custom(_))) =>
        {
            c.len() + 1
        }
        _ => opts.bins,
    };
    for m in &opts.methods {
        if let BinMethod::Custom(c) = m
            && c.len() + 1 != k
        {
            return Err(CxError::option(
                "cuts",
                format!(
                    "every variable needs the same number of scores ({k}), got {} cut points",
                    c.len()
                ),
            ));
        }
    }
    if !(2..=9).contains(&k) {
        return Err(CxError::option(
            "bins",
            format!("need 2 to 9 scores, got {k}"),
        ));
    }
    let k8 = k as u8;
    let rules_v = match &opts.segments {
        Some(r) => r.clone(),
        None if k == 5 => rules::rfm10(rules::Labels::En),
        None => {
            return Err(CxError::option(
                "segments",
                format!(
                    "the default segments are defined on 1-5 scores; with bins={k} pass your own rules (or none)"
                ),
            ));
        }
    };
    rules::validate(&rules_v, k8)?;
    Ok((k, rules_v))
}

/// The columns of the customers with a purchase (scores and segments still empty), and
/// their recency and frequency as numbers for the binning; plus the customers with rows
/// but no purchase.
fn gather(aggs: &[CustomerAgg], as_of: i32, how: Monetary) -> (RfmTable, [Vec<f64>; 2], u64) {
    let n = aggs.len();
    let mut t = RfmTable {
        code: Vec::with_capacity(n),
        first_day: Vec::with_capacity(n),
        last_day: Vec::with_capacity(n),
        recency_days: Vec::with_capacity(n),
        frequency: Vec::with_capacity(n),
        monetary: Vec::with_capacity(n),
        amount: Vec::with_capacity(n),
        ..RfmTable::default()
    };
    let mut values: [Vec<f64>; 2] = std::array::from_fn(|_| Vec::with_capacity(n));
    let mut n_without = 0u64;
    for (code, a) in aggs.iter().enumerate() {
        if !a.has_purchase() {
            n_without += u64::from(a.rows > 0);
            continue;
        }
        let recency = as_of - a.last_day;
        t.code.push(code as u32);
        t.first_day.push(a.first_day);
        t.last_day.push(a.last_day);
        t.recency_days.push(recency);
        t.frequency.push(u64::from(a.purchases));
        t.monetary.push(monetary_of(a, how));
        t.amount.push(a.amount);
        values[0].push(f64::from(recency));
        values[1].push(f64::from(a.purchases));
    }
    (t, values, n_without)
}

/// Score a (possibly merged) tally as of a day; see [`rfm`].
///
/// # Errors
/// As [`rfm`].
pub fn score_tally(t: &RfmTally, as_of: i32, opts: &RfmOptions) -> Result<RfmResult> {
    let (k, rules_v) = scores_and_rules(opts)?;
    let k8 = k as u8;

    // The table's columns are written once; the binnings read recency, frequency and
    // monetary as contiguous numbers, and their scores become the score columns.
    let (mut table, [recency, frequency], n_without) = gather(t.customers(), as_of, opts.monetary);
    if table.is_empty() {
        return Err(CxError::EmptyInput {
            what: "purchases".into(),
        });
    }
    let values: [&[f64]; 3] = [&recency, &frequency, &table.monetary];
    let names = ["recency", "frequency", "monetary"];
    /// One dimension scored: its per-score counts and extremes, its scores, its warning.
    type Scored = (Dimension, Vec<u8>, Option<String>);
    let score_dim = |j: usize| -> Result<Scored> {
        let v = values[j];
        let Binned {
            bins: mut score,
            breaks,
            ..
        } = bin(v, k, &opts.methods[j])?;
        if j == 0 {
            // Recency reversed: recent customers score high.
            score.iter_mut().for_each(|b| *b = k8 + 1 - *b);
        }
        let mut counts = vec![0u64; k];
        let mut min = vec![f64::INFINITY; k];
        let mut max = vec![f64::NEG_INFINITY; k];
        for (&x, &sc) in v.iter().zip(&score) {
            let s = usize::from(sc) - 1;
            counts[s] += 1;
            min[s] = min[s].min(x);
            max[s] = max[s].max(x);
        }
        // An empty score has no extremes.
        for ((lo, hi), &c) in min.iter_mut().zip(&mut max).zip(&counts) {
            if c == 0 {
                (*lo, *hi) = (f64::NAN, f64::NAN);
            }
        }
        let d = Dimension {
            name: names[j],
            method: opts.methods[j].name(),
            breaks,
            counts,
            min,
            max,
        };
        let empty = d.empty_scores();
        let warning = (!empty.is_empty()).then(|| {
            format!(
                "{}: only {} of {k} scores used; scores {:?} are empty because many customers share the same value (breaks {:?})",
                d.name,
                k - empty.len(),
                empty,
                d.breaks
            )
        });
        Ok((d, score, warning))
    };
    // The three dimensions are independent: monetary (a selection, the slowest) on a
    // second thread when there are many customers.
    let scored: Vec<Result<Scored>> = if table.len() >= PARALLEL_MIN_CUSTOMERS {
        std::thread::scope(|scope| {
            let third = scope.spawn(|| score_dim(2));
            let mut out = vec![score_dim(0), score_dim(1)];
            out.push(third.join().unwrap_or_else(|_| score_dim(2)));
            out
        })
    } else {
        (0..3).map(score_dim).collect()
    };
    let mut dims = Vec::with_capacity(3);
    let mut warnings = Vec::new();
    let mut scores: Vec<Vec<u8>> = Vec::with_capacity(3);
    for s in scored {
        let (d, score, warning) = s?;
        dims.push(d);
        scores.push(score);
        warnings.extend(warning);
    }
    let (Some(m), Some(f), Some(r)) = (scores.pop(), scores.pop(), scores.pop()) else {
        return Err(CxError::option(
            "bins",
            "internal: three dimensions expected",
        ));
    };
    let cells = rules::SegmentTable::new(&rules_v, k8);
    let others = rules_v.len() as u16;
    let mut segment_counts = vec![0u64; rules_v.len() + 1];
    table.segment = r
        .iter()
        .zip(&f)
        .zip(&m)
        .map(|((&r, &f), &m)| cells.get(r, f, m).unwrap_or(others))
        .collect();
    for &s in &table.segment {
        segment_counts[usize::from(s)] += 1;
    }
    (table.r, table.f, table.m) = (r, f, m);
    let mut segment_names: Vec<String> = rules_v.iter().map(|r| r.name.clone()).collect();
    segment_names.push(opts.others.clone());
    let [rd, fd, md]: [Dimension; 3] = dims
        .try_into()
        .map_err(|_| CxError::option("bins", "internal: three dimensions expected"))?;
    Ok(RfmResult {
        table,
        as_of,
        dimensions: [rd, fd, md],
        segment_names,
        segment_counts,
        n_rows: t.n_rows(),
        n_excluded: t.n_excluded(),
        n_without_purchase: n_without,
        warnings,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::segments::Future;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// The column-wise scoring with a segment table equals the straightforward one,
        /// bit for bit, over random transactions, bins, methods, segments and refunds.
        #[test]
        fn scoring_equals_the_straightforward_path(
            rows in proptest::collection::vec((0u32..300, 0i32..60, -20i32..2000), 1..1500),
            k in 2usize..=9,
            method in 0u8..3,
            mean in proptest::bool::ANY,
            rfm8 in proptest::bool::ANY,
        ) {
            let c: Vec<u32> = rows.iter().map(|r| r.0).collect();
            let d: Vec<i32> = rows.iter().map(|r| r.1).collect();
            // Whole amounts, cents and refunds; small ranges make ties.
            let a: Vec<f64> = rows.iter().map(|r| f64::from(r.2) / if r.2 % 3 == 0 { 1.0 } else { 100.0 }).collect();
            let mut t = RfmTally::new();
            t.add(&c, &d, &a, None, TallyOptions::new().as_of(60).negative(crate::segments::Negative::Net)).unwrap();
            let m = match method {
                0 => BinMethod::Quantile,
                1 => BinMethod::Ntile,
                _ => BinMethod::Custom((1..k).map(|j| (j * j * 3) as f64).collect()),
            };
            let segs = if k == 5 && !rfm8 { rules::rfm10(rules::Labels::En) } else { rules::rfm8(k as u8, rules::Labels::En) };
            let opts = RfmOptions::new().bins(k).method(m).monetary(if mean { Monetary::Mean } else { Monetary::Sum }).segments(segs);
            let fast = score_tally(&t, 60, &opts);
            let slow = reference_score_tally(&t, 60, &opts);
            // Debug text: NaN (an empty score's min and max) compares equal to itself.
            proptest::prop_assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
        }
    }

    /// The straightforward scoring the faster one replaced (rows first, then each
    /// dimension's scores written into them, then a rule scan per customer).
    fn reference_score_tally(t: &RfmTally, as_of: i32, opts: &RfmOptions) -> Result<RfmResult> {
        let (k, rules_v) = scores_and_rules(opts)?;
        let k8 = k as u8;

        let aggs = t.customers();
        let mut rows: Vec<RfmRow> = Vec::with_capacity(aggs.len());
        let mut n_without = 0u64;
        for (code, a) in aggs.iter().enumerate() {
            if !a.has_purchase() {
                n_without += u64::from(a.rows > 0);
                continue;
            }
            let monetary = match opts.monetary {
                Monetary::Sum => a.amount,
                Monetary::Mean => a.amount / f64::from(a.purchases),
            };
            rows.push(RfmRow {
                code: code as u32,
                first_day: a.first_day,
                last_day: a.last_day,
                recency_days: as_of - a.last_day,
                frequency: u64::from(a.purchases),
                monetary,
                amount: a.amount,
                r: 0,
                f: 0,
                m: 0,
                segment: 0,
            });
        }
        if rows.is_empty() {
            return Err(CxError::EmptyInput {
                what: "purchases".into(),
            });
        }
        let values: [Vec<f64>; 3] = [
            rows.iter().map(|r| f64::from(r.recency_days)).collect(),
            rows.iter().map(|r| r.frequency as f64).collect(),
            rows.iter().map(|r| r.monetary).collect(),
        ];
        let names = ["recency", "frequency", "monetary"];
        let mut dims = Vec::with_capacity(3);
        let mut warnings = Vec::new();
        // The three binnings are independent: monetary (by selection, the slowest) on a
        // second thread when there are many customers.
        let bin_dim = |j: usize| bin(&values[j], k, &opts.methods[j]);
        let binned: Vec<Result<Binned>> = if rows.len() >= PARALLEL_MIN_CUSTOMERS {
            std::thread::scope(|scope| {
                let third = scope.spawn(|| bin_dim(2));
                let mut out = vec![bin_dim(0), bin_dim(1)];
                out.push(third.join().unwrap_or_else(|_| bin_dim(2)));
                out
            })
        } else {
            (0..3).map(bin_dim).collect()
        };
        for (j, (v, b)) in values.iter().zip(binned).enumerate() {
            let Binned { bins, breaks, .. } = b?;
            let mut counts = vec![0u64; k];
            let mut min = vec![f64::NAN; k];
            let mut max = vec![f64::NAN; k];
            for (i, (row, &b)) in rows.iter_mut().zip(&bins).enumerate() {
                let score = if j == 0 { k8 + 1 - b } else { b };
                match j {
                    0 => row.r = score,
                    1 => row.f = score,
                    _ => row.m = score,
                }
                let s = usize::from(score) - 1;
                counts[s] += 1;
                min[s] = if min[s].is_nan() {
                    v[i]
                } else {
                    min[s].min(v[i])
                };
                max[s] = if max[s].is_nan() {
                    v[i]
                } else {
                    max[s].max(v[i])
                };
            }
            let d = Dimension {
                name: names[j],
                method: opts.methods[j].name(),
                breaks,
                counts,
                min,
                max,
            };
            let empty = d.empty_scores();
            if !empty.is_empty() {
                warnings.push(format!(
                    "{}: only {} of {k} scores used; scores {:?} are empty because many customers share the same value (breaks {:?})",
                    d.name,
                    k - empty.len(),
                    empty,
                    d.breaks
                ));
            }
            dims.push(d);
        }
        let mut segment_counts = vec![0u64; rules_v.len() + 1];
        for row in &mut rows {
            let s = rules::assign(&rules_v, row.r, row.f, row.m);
            row.segment = s as u16;
            segment_counts[s] += 1;
        }
        let mut segment_names: Vec<String> = rules_v.iter().map(|r| r.name.clone()).collect();
        segment_names.push(opts.others.clone());
        let [rd, fd, md]: [Dimension; 3] = dims
            .try_into()
            .map_err(|_| CxError::option("bins", "internal: three dimensions expected"))?;
        Ok(RfmResult {
            table: rows.into_iter().collect(),
            as_of,
            dimensions: [rd, fd, md],
            segment_names,
            segment_counts,
            n_rows: t.n_rows(),
            n_excluded: t.n_excluded(),
            n_without_purchase: n_without,
            warnings,
        })
    }

    /// Hand-worked: 5 customers, as of day 100.
    /// c0: days 99, 90, 80 (amounts 10, 10, 10) → R=1, F=3, M=30
    /// c1: day 50 (100) → R=50, F=1, M=100
    /// c2: days 10, 20 (5, 5) → R=80, F=2, M=10
    /// c3: day 95 (1) → R=5, F=1, M=1
    /// c4: days 60, 61, 62, 63 (20 each) → R=37, F=4, M=80
    #[test]
    fn hand_worked_quintiles() {
        let c = [0, 0, 0, 1, 2, 2, 3, 4, 4, 4, 4];
        let d = [99, 90, 80, 50, 10, 20, 95, 60, 61, 62, 63];
        let a = [
            10.0, 10.0, 10.0, 100.0, 5.0, 5.0, 1.0, 20.0, 20.0, 20.0, 20.0,
        ];
        let r = rfm(
            &c,
            &d,
            &a,
            None,
            TallyOptions::new().as_of(100),
            &RfmOptions::new(),
        )
        .unwrap();
        let rec: Vec<i32> = r.table.recency_days.clone();
        assert_eq!(rec, vec![1, 50, 80, 5, 37]);
        // recency sorted 1 5 37 50 80; type-7 quintile breaks 4.2 24.2 42.2 56 → bins 1 4 5 2 3
        let rs: Vec<u8> = r.table.r.clone();
        assert_eq!(rs, vec![5, 2, 1, 4, 3]);
        // frequency 3 1 2 1 4: sorted 1 1 2 3 4, breaks 1 1.6 2.4 3.2 → bins 4 1 3 1 5
        let fs: Vec<u8> = r.table.f.clone();
        assert_eq!(fs, vec![4, 1, 3, 1, 5]);
        assert_eq!(r.dimensions[1].empty_scores(), vec![2]);
        assert_eq!(r.warnings.len(), 1);
        // monetary 30 100 10 1 80: sorted 1 10 30 80 100, breaks 8.2 22 50 84 → 3 5 2 1 4
        let ms: Vec<u8> = r.table.m.clone();
        assert_eq!(ms, vec![3, 5, 2, 1, 4]);
        assert_eq!(r.table.row(0).unwrap().rfm_score(), 543);
        let seg = |i: usize| r.segment_names[usize::from(r.table.segment[i])].as_str();
        assert_eq!(seg(0), "Potential Loyalist");
        assert_eq!(seg(2), "Lost"); // R1 F3 M2: no earlier rectangle holds M=2
    }

    #[test]
    fn future_rows_are_errors_or_excluded() {
        let e = rfm(
            &[0, 1],
            &[5, 11],
            &[1.0, 1.0],
            None,
            TallyOptions::new().as_of(10),
            &RfmOptions::new().bins(2).segments(vec![]),
        );
        assert!(matches!(e, Err(CxError::InvalidValue { row: Some(1), .. })));
        let r = rfm(
            &[0, 1, 1],
            &[5, 11, 3],
            &[1.0, 1.0, 2.0],
            None,
            TallyOptions::new().as_of(10).future(Future::Exclude),
            &RfmOptions::new().bins(2).segments(vec![]),
        )
        .unwrap();
        assert_eq!(r.n_excluded, 1);
        assert_eq!(r.table.last_day[1], 3);
    }
}
