//! The per-customer aggregation behind RFM and retention: a mergeable state.
//!
//! Transactions arrive as three (or four) parallel columns: a dense customer code
//! (`u32`, from a dictionary encoding), the purchase day (`i32` days since
//! 1970-01-01) and the amount (`f64`). One pass fills a [`CustomerAgg`] per code;
//! partitions of the same code space merge with [`RfmTally::merge`], partitions
//! with their own dictionaries with [`RfmTally::merge_mapped`].

use super::columns::{
    CodeCol, Customers, DayCol, Days, customer_count, tally_partitioned, with_columns,
};
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
    pub(crate) fn record(&mut self, day: i32, a: f64) {
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
/// Threads of the partitioned tally.
const MAX_THREADS: usize = 8;

/// Validate one row; `Ok(false)` for a row after `as_of` to leave out.
#[inline]
pub(crate) fn check_row(
    row: usize,
    d: i32,
    a: f64,
    limit: i32,
    opts: TallyOptions,
) -> Result<bool> {
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

    /// Tally one batch of transactions.
    ///
    /// `orders`, when given, holds a dense order code per row: only the first row of each
    /// order counts as a purchase (frequency = distinct orders); every row's amount is summed.
    /// A day at or before which nothing is known is fine; `days` may come in any order.
    /// On an error the tally is unchanged.
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
        self.add_columns(
            Customers::Codes(customers),
            Days::Days(days),
            amounts,
            orders,
            opts,
        )
    }

    /// [`RfmTally::add`] of columns read in place: integer ids (code = id − offset) or
    /// codes, timestamps (floored to the day) or days. The result is the one `add` gives
    /// for the converted columns.
    ///
    /// # Errors
    /// As [`RfmTally::add`]; also [`CxError::InvalidValue`] (`customer`) for an id outside
    /// the range given in [`Customers::Ids`].
    pub fn add_columns(
        &mut self,
        customers: Customers<'_>,
        days: Days<'_>,
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
        let count = customer_count(&customers);
        // Codes at or above this are errors (only ids can be: codes set `count`).
        let below = match customers {
            Customers::Codes(_) => u64::MAX,
            Customers::Ids { count, .. } => count as u64,
        };
        let before = self.aggs.len();
        if n > 0 && self.aggs.len() < count {
            self.aggs.resize(count, CustomerAgg::default());
        }
        let out = if orders.is_none() && self.aggs.len() > PARTITION_MIN_CUSTOMERS {
            let threads = crate::threads::available().clamp(1, MAX_THREADS);
            let aggs = &mut self.aggs;
            let below = below.min(aggs.len() as u64);
            with_columns!(customers, days, |c, d| tally_partitioned(
                aggs, &c, &d, amounts, opts, below, threads
            ))
        } else {
            let mut copy = None;
            if n > 0 && before > 0 {
                // The serial pass stops at a bad row: keep what to restore.
                copy = Some(self.aggs.clone());
            }
            let r = with_columns!(customers, days, |c, d| self
                .add_serial(&c, &d, amounts, orders, below, opts));
            if r.is_err()
                && let Some(c) = copy
            {
                self.aggs = c;
            }
            r
        };
        match out {
            Ok(excluded) => {
                self.n_rows += n as u64;
                self.n_excluded += excluded;
                Ok(())
            }
            Err(e) => {
                self.aggs.truncate(before);
                Err(e)
            }
        }
    }

    /// One pass over the rows (few customers, or order codes).
    fn add_serial<C: CodeCol, D: DayCol>(
        &mut self,
        c: &C,
        d: &D,
        amounts: &[f64],
        orders: Option<&[u32]>,
        below: u64,
        opts: TallyOptions,
    ) -> Result<u64> {
        let n = amounts.len();
        let limit = opts.as_of.unwrap_or(i32::MAX);
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
        let rows = c.codes(0, n).zip(d.days(0, n)).zip(amounts);
        for (row, ((code, d), &a)) in rows.enumerate() {
            if !check_row(row, d, a, limit, opts)? {
                excluded += 1;
                continue;
            }
            if code >= below {
                return Err(CxError::invalid(
                    "customer",
                    Some(row),
                    code as i64,
                    "customer code outside the range given for the ids",
                ));
            }
            let Some(agg) = usize::try_from(code)
                .ok()
                .and_then(|c| self.aggs.get_mut(c))
            else {
                continue;
            };
            let first_line = match orders.and_then(|o| o.get(row)) {
                Some(&code) => {
                    let code = code as usize;
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
        Ok(excluded)
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
