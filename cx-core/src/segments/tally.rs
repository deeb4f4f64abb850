//! The per-customer aggregation behind RFM and retention: a mergeable state.
//!
//! Transactions arrive as three (or four) parallel columns: a dense customer code
//! (`u32`, from a dictionary encoding), the purchase day (`i32` days since
//! 1970-01-01) and the amount (`f64`). One pass fills a [`CustomerAgg`] per code;
//! partitions of the same code space merge with [`RfmTally::merge`], partitions
//! with their own dictionaries with [`RfmTally::merge_mapped`].

use crate::{CxError, Result};

/// What to do with a negative amount (a refund or a reversal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Negative {
    /// A negative amount is an error naming its row (the default: refunds must be asked for).
    #[default]
    Reject,
    /// A negative amount is a refund: it is subtracted from the monetary total but is not a
    /// purchase (it counts neither in frequency nor in recency).
    Net,
}

impl std::str::FromStr for Negative {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "reject" => Ok(Negative::Reject),
            "net" => Ok(Negative::Net),
            other => Err(CxError::option(
                "negative",
                format!("must be one of {{reject, net}}, got {other:?}"),
            )),
        }
    }
}

/// What to do with a transaction dated after the as-of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Future {
    /// A transaction after the as-of day is an error naming its row (the default).
    #[default]
    Reject,
    /// Transactions after the as-of day are left out and counted in `n_excluded`.
    Exclude,
}

impl std::str::FromStr for Future {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "reject" => Ok(Future::Reject),
            "exclude" => Ok(Future::Exclude),
            other => Err(CxError::option(
                "after_as_of",
                format!("must be one of {{reject, exclude}}, got {other:?}"),
            )),
        }
    }
}

/// One customer's purchases so far: first and last purchase day, count and total.
///
/// Merging two aggregates of the same customer gives the aggregate of all their
/// transactions (min of first days, max of last days, sums of counts and amounts).
/// Amounts are summed with Kahan's compensation (as pandas' `groupby().sum()`), and the
/// struct is 32 bytes so that one customer is one half cache line.
///
/// # Reference
/// Kahan, W. (1965). "Further remarks on reducing truncation errors". *CACM* 8(1), 40.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CustomerAgg {
    /// First purchase day (days since 1970-01-01); `i32::MAX` before any purchase.
    pub first_day: i32,
    /// Last purchase day; `i32::MIN` before any purchase.
    pub last_day: i32,
    /// Number of purchases (transactions, or distinct orders when order codes are given).
    pub purchases: u32,
    /// Number of transaction rows of any kind (purchases, refunds, further order lines).
    pub rows: u32,
    /// Sum of amounts (refunds subtracted under [`Negative::Net`]).
    pub amount: f64,
    /// Kahan compensation of `amount` (the true sum is `amount − compensation`).
    pub compensation: f64,
}

impl Default for CustomerAgg {
    fn default() -> Self {
        Self {
            first_day: i32::MAX,
            last_day: i32::MIN,
            purchases: 0,
            rows: 0,
            amount: 0.0,
            compensation: 0.0,
        }
    }
}

impl CustomerAgg {
    /// Merge another aggregate of the same customer.
    pub fn merge(&mut self, o: &CustomerAgg) {
        self.first_day = self.first_day.min(o.first_day);
        self.last_day = self.last_day.max(o.last_day);
        self.purchases = self.purchases.saturating_add(o.purchases);
        self.rows = self.rows.saturating_add(o.rows);
        self.add_amount(o.amount - o.compensation);
    }
    /// Add an amount with Kahan compensation (pandas' `group_sum` does the same).
    #[inline]
    pub fn add_amount(&mut self, a: f64) {
        let y = a - self.compensation;
        let t = self.amount + y;
        self.compensation = (t - self.amount) - y;
        self.amount = t;
    }
    /// One validated transaction (no order codes).
    #[inline]
    fn record(&mut self, day: i32, a: f64) {
        self.rows = self.rows.saturating_add(1);
        self.add_amount(a);
        if a >= 0.0 {
            self.purchases = self.purchases.saturating_add(1);
            self.first_day = self.first_day.min(day);
            self.last_day = self.last_day.max(day);
        }
    }
    /// Whether the customer has at least one purchase.
    pub fn has_purchase(&self) -> bool {
        self.purchases > 0
    }
}

/// Options of the aggregation pass.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub struct TallyOptions {
    /// Last day counted (inclusive); `None` = no limit.
    pub as_of: Option<i32>,
    /// Transactions after `as_of`.
    pub future: Future,
    /// Negative amounts.
    pub negative: Negative,
}

impl TallyOptions {
    /// Defaults: no as-of limit, reject future rows and negative amounts.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set the as-of day.
    pub fn as_of(mut self, day: i32) -> Self {
        self.as_of = Some(day);
        self
    }
    /// Set the handling of rows after the as-of day.
    pub fn future(mut self, f: Future) -> Self {
        self.future = f;
        self
    }
    /// Set the handling of negative amounts.
    pub fn negative(mut self, n: Negative) -> Self {
        self.negative = n;
        self
    }
}

/// Above this many customers the tally partitions rows by customer range first.
const PARTITION_MIN_CUSTOMERS: usize = 1 << 17;
/// Customers per partition: 2^13 × 32 bytes = 256 KiB of aggregates, a quarter of a
/// 1 MiB L2 cache (the rest holds the rows streaming through).
const PARTITION_SHIFT: u32 = 13;
/// Rows grouped at a time: at least this many, and at least [`ROWS_PER_CUSTOMER`] per
/// customer, so that an aggregate's cache line, once loaded, serves several rows (with
/// fewer rows than customers in a block, nearly every row would miss the cache), but at
/// most [`BLOCK_ROWS_MAX`] (16 bytes of buffer per row: 32 MiB, page-faulted afresh on
/// each call, so no larger than it pays).
const BLOCK_ROWS_MIN: usize = 1 << 19;
/// See [`BLOCK_ROWS_MIN`].
const ROWS_PER_CUSTOMER: usize = 4;
/// See [`BLOCK_ROWS_MIN`].
const BLOCK_ROWS_MAX: usize = 1 << 21;
/// Threads of the partitioned tally and of the validation pass.
const MAX_THREADS: usize = 8;
/// Rows per thread below which validation stays on one thread.
const VALIDATE_MIN_ROWS: usize = 1 << 18;

/// Validate one row; `Ok(false)` for a row after `as_of` to leave out.
#[inline]
fn check_row(row: usize, d: i32, a: f64, limit: i32, opts: TallyOptions) -> Result<bool> {
    if !a.is_finite() {
        return Err(CxError::invalid(
            "amount",
            Some(row),
            a,
            "amounts must be finite numbers (a missing amount is not allowed)",
        ));
    }
    if d > limit {
        return match opts.future {
            Future::Reject => Err(CxError::invalid(
                "date",
                Some(row),
                super::calendar::format_day(d),
                "transaction after the as-of date; pass after_as_of=\"exclude\" to leave such rows out",
            )),
            Future::Exclude => Ok(false),
        };
    }
    if a < 0.0 && opts.negative == Negative::Reject {
        return Err(CxError::invalid(
            "amount",
            Some(row),
            a,
            "negative amount; pass negative=\"net\" to treat it as a refund",
        ));
    }
    Ok(true)
}

/// Validate every row (as [`check_row`]) and count the rows after `as_of` to leave out.
/// Rows are checked in chunks on up to `threads` threads; the error of the first chunk
/// that has one (so of the first bad row) is returned.
fn validate_rows(
    days: &[i32],
    amounts: &[f64],
    limit: i32,
    opts: TallyOptions,
    threads: usize,
) -> Result<u64> {
    let check = |start: usize, d: &[i32], a: &[f64]| -> Result<u64> {
        let mut excluded = 0u64;
        for (i, (&d, &a)) in d.iter().zip(a).enumerate() {
            // Fast test first: a finite non-negative amount on or before the limit is fine.
            if a >= 0.0 && a.is_finite() && d <= limit {
                continue;
            }
            if !check_row(start + i, d, a, limit, opts)? {
                excluded += 1;
            }
        }
        Ok(excluded)
    };
    let n = days.len().min(amounts.len());
    if threads <= 1 || n < threads * VALIDATE_MIN_ROWS {
        return check(0, &days[..n], &amounts[..n]);
    }
    let chunk = n.div_ceil(threads);
    let results: Vec<std::thread::Result<Result<u64>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (chunk..n)
            .step_by(chunk)
            .map(|s| {
                let e = (s + chunk).min(n);
                scope.spawn(move || check(s, &days[s..e], &amounts[s..e]))
            })
            .collect();
        let mut out = vec![Ok(check(0, &days[..chunk], &amounts[..chunk]))];
        out.extend(handles.into_iter().map(|h| h.join()));
        out
    });
    let mut excluded = 0u64;
    for r in results {
        match r {
            Ok(Ok(e)) => excluded += e,
            // Chunks are in row order: the first error is the first bad row's.
            Ok(Err(e)) => return Err(e),
            // A worker panicked (validated arithmetic cannot): redo it on this thread.
            Err(_) => return check(0, &days[..n], &amounts[..n]),
        }
    }
    Ok(excluded)
}

/// Largest code, the halves of a large input on two threads (a max fold vectorises, so
/// one thread streams 4 bytes a row at memory speed; two streams overlap).
fn max_code(customers: &[u32]) -> u32 {
    let fold = |c: &[u32]| c.iter().fold(0u32, |m, &x| m.max(x));
    if customers.len() < 2 * VALIDATE_MIN_ROWS {
        return fold(customers);
    }
    let (a, b) = customers.split_at(customers.len() / 2);
    std::thread::scope(|scope| {
        let h = scope.spawn(|| fold(b));
        let m = fold(a);
        m.max(h.join().unwrap_or_else(|_| fold(b)))
    })
}

/// One thread's share of a block: its rows grouped by partition (`rows[off[p]..off[p + 1]]`
/// are partition `p`'s, in row order).
#[derive(Default)]
struct Scattered {
    rows: Vec<(u32, i32, f64)>,
    off: Vec<usize>,
}

impl Scattered {
    /// Group the rows on or before `limit` by partition (a counting sort, stable).
    fn fill(&mut self, customers: &[u32], days: &[i32], amounts: &[f64], limit: i32, parts: usize) {
        self.off.clear();
        self.off.resize(parts + 1, 0);
        for (&c, &d) in customers.iter().zip(days) {
            if d <= limit {
                self.off[(c >> PARTITION_SHIFT) as usize + 1] += 1;
            }
        }
        for p in 1..=parts {
            self.off[p] += self.off[p - 1];
        }
        let mut next = self.off[..parts].to_vec();
        if self.rows.len() < self.off[parts] {
            self.rows.resize(self.off[parts], (0, 0, 0.0));
        }
        for ((&c, &d), &a) in customers.iter().zip(days).zip(amounts) {
            if d <= limit {
                let p = (c >> PARTITION_SHIFT) as usize;
                self.rows[next[p]] = (c, d, a);
                next[p] += 1;
            }
        }
    }
}

/// Add the scattered rows of partitions `first..` to `aggs` (which starts at partition
/// `first`'s first customer), partition by partition, each thread's share in row order.
fn record_parts(shares: &[Scattered], first: usize, aggs: &mut [CustomerAgg]) {
    let base = first << PARTITION_SHIFT;
    let last = first + aggs.len().div_ceil(1 << PARTITION_SHIFT);
    for p in first..last {
        for s in shares {
            let (Some(&from), Some(&to)) = (s.off.get(p), s.off.get(p + 1)) else {
                continue;
            };
            for &(c, d, a) in &s.rows[from..to] {
                if let Some(agg) = aggs.get_mut((c as usize).wrapping_sub(base)) {
                    agg.record(d, a);
                }
            }
        }
    }
}

/// Per-customer aggregates indexed by dense customer code: a mergeable state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RfmTally {
    aggs: Vec<CustomerAgg>,
    n_rows: u64,
    n_excluded: u64,
}

impl RfmTally {
    /// An empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    /// Tally one batch of transactions in a single pass.
    ///
    /// `orders`, when given, holds a dense order code per row: only the first row of each
    /// order counts as a purchase (frequency = distinct orders); every row's amount is summed.
    /// A day at or before which nothing is known is fine; `days` may come in any order.
    ///
    /// # Errors
    /// [`CxError::LengthMismatch`] for columns of different lengths;
    /// [`CxError::InvalidValue`] naming the row for a NaN or infinite amount (`amount`),
    /// a negative amount under [`Negative::Reject`] (`amount`), or a day after `as_of` under
    /// [`Future::Reject`] (`date`, value as `YYYY-MM-DD`).
    pub fn add(
        &mut self,
        customers: &[u32],
        days: &[i32],
        amounts: &[f64],
        orders: Option<&[u32]>,
        opts: TallyOptions,
    ) -> Result<()> {
        let n = customers.len();
        for (what, len) in [("date", days.len()), ("amount", amounts.len())]
            .into_iter()
            .chain(orders.map(|o| ("order", o.len())))
        {
            if len != n {
                return Err(CxError::LengthMismatch {
                    what: what.into(),
                    expected: n,
                    got: len,
                });
            }
        }
        let max_code = max_code(customers);
        if n > 0 && self.aggs.len() <= max_code as usize {
            self.aggs
                .resize(max_code as usize + 1, CustomerAgg::default());
        }
        let limit = opts.as_of.unwrap_or(i32::MAX);
        if orders.is_none() && self.aggs.len() > PARTITION_MIN_CUSTOMERS {
            return self.add_partitioned(customers, days, amounts, opts);
        }
        let mut seen: Vec<u64> = match orders {
            Some(o) => vec![
                0;
                o.iter()
                    .fold(0usize, |m, &c| m.max(c as usize + 1))
                    .div_ceil(64)
            ],
            None => Vec::new(),
        };
        let mut excluded = 0u64;
        for row in 0..n {
            let (c, d, a) = (customers[row] as usize, days[row], amounts[row]);
            if !check_row(row, d, a, limit, opts)? {
                excluded += 1;
                continue;
            }
            let Some(agg) = self.aggs.get_mut(c) else {
                continue;
            };
            let first_line = match orders {
                Some(o) => {
                    let code = o[row] as usize;
                    let (w, b) = (code / 64, 1u64 << (code % 64));
                    match seen.get_mut(w) {
                        Some(word) if *word & b == 0 => {
                            *word |= b;
                            true
                        }
                        _ => false,
                    }
                }
                None => true,
            };
            if first_line || a < 0.0 {
                agg.record(d, a);
            } else {
                // A further line of an order already counted: amount only.
                agg.rows = agg.rows.saturating_add(1);
                agg.add_amount(a);
                agg.first_day = agg.first_day.min(d);
                agg.last_day = agg.last_day.max(d);
            }
        }
        self.n_rows += n as u64;
        self.n_excluded += excluded;
        Ok(())
    }

    /// The same tally for many customers: rows are validated first (in order, so errors
    /// name the first bad row); then, block by block, each thread groups a share of the
    /// block's rows by customer range (radix partitioning), and each thread adds the rows
    /// of its own ranges, so that a range's aggregates stay in cache while its rows are
    /// added. A customer's rows keep their order (shares in row order, each stable), so
    /// sums are those of one sequential pass, bit for bit.
    fn add_partitioned(
        &mut self,
        customers: &[u32],
        days: &[i32],
        amounts: &[f64],
        opts: TallyOptions,
    ) -> Result<()> {
        let limit = opts.as_of.unwrap_or(i32::MAX);
        let n = customers.len();
        let threads = std::thread::available_parallelism()
            .map_or(1, |t| t.get())
            .clamp(1, MAX_THREADS);
        let excluded = validate_rows(days, amounts, limit, opts, threads)?;
        let parts = (self.aggs.len() >> PARTITION_SHIFT) + 1;
        let parts_per_thread = parts.div_ceil(threads);
        let block = (ROWS_PER_CUSTOMER * self.aggs.len()).clamp(BLOCK_ROWS_MIN, BLOCK_ROWS_MAX);
        let mut shares: Vec<Scattered> = (0..threads).map(|_| Scattered::default()).collect();
        for start in (0..n).step_by(block) {
            let end = (start + block).min(n);
            let chunk = (end - start).div_ceil(threads);
            std::thread::scope(|scope| {
                for (t, share) in shares.iter_mut().enumerate() {
                    let lo = (start + t * chunk).min(end);
                    let hi = (lo + chunk).min(end);
                    let (c, d, a) = (&customers[lo..hi], &days[lo..hi], &amounts[lo..hi]);
                    scope.spawn(move || share.fill(c, d, a, limit, parts));
                }
            });
            let shares = &shares;
            std::thread::scope(|scope| {
                let mut rest: &mut [CustomerAgg] = &mut self.aggs;
                let mut first = 0usize;
                while !rest.is_empty() {
                    let (head, tail) =
                        rest.split_at_mut((parts_per_thread << PARTITION_SHIFT).min(rest.len()));
                    rest = tail;
                    let p = first;
                    first += parts_per_thread;
                    scope.spawn(move || record_parts(shares, p, head));
                }
            });
        }
        self.n_rows += n as u64;
        self.n_excluded += excluded;
        Ok(())
    }

    /// Merge a tally of the same code space (codes mean the same customers).
    pub fn merge(&mut self, other: &RfmTally) {
        if self.aggs.len() < other.aggs.len() {
            self.aggs.resize(other.aggs.len(), CustomerAgg::default());
        }
        for (a, o) in self.aggs.iter_mut().zip(&other.aggs) {
            a.merge(o);
        }
        self.n_rows += other.n_rows;
        self.n_excluded += other.n_excluded;
    }

    /// Merge a tally with its own dictionary: `map[code]` is this tally's code of the
    /// other tally's customer `code`.
    ///
    /// # Errors
    /// [`CxError::LengthMismatch`] if `map` does not cover the other tally's codes.
    pub fn merge_mapped(&mut self, other: &RfmTally, map: &[u32]) -> Result<()> {
        if map.len() < other.aggs.len() {
            return Err(CxError::LengthMismatch {
                what: "map".into(),
                expected: other.aggs.len(),
                got: map.len(),
            });
        }
        let need = map.iter().fold(0usize, |m, &c| m.max(c as usize + 1));
        if self.aggs.len() < need {
            self.aggs.resize(need, CustomerAgg::default());
        }
        for (o, &to) in other.aggs.iter().zip(map) {
            if let Some(a) = self.aggs.get_mut(to as usize) {
                a.merge(o);
            }
        }
        self.n_rows += other.n_rows;
        self.n_excluded += other.n_excluded;
        Ok(())
    }

    /// The aggregate per code (codes never seen hold the empty aggregate).
    pub fn customers(&self) -> &[CustomerAgg] {
        &self.aggs
    }
    /// Transaction rows read (including excluded ones).
    pub fn n_rows(&self) -> u64 {
        self.n_rows
    }
    /// Rows left out because they were dated after the as-of day.
    pub fn n_excluded(&self) -> u64 {
        self.n_excluded
    }
    /// The latest purchase day over all customers, if any.
    pub fn last_day(&self) -> Option<i32> {
        self.aggs
            .iter()
            .filter(|a| a.has_purchase())
            .map(|a| a.last_day)
            .max()
    }
}
