//! Transaction columns as the tally reads them, in place: customer codes (`u32`) or
//! integer ids (`i64`, code = id − offset), and days (`i32`) or timestamps (`i64` ticks
//! since 1970-01-01 in seconds … nanoseconds, floored to the day), so that the caller's
//! columns (numpy or Arrow buffers) need no converted copies.
//!
//! The partitioned tally for many customers also lives here: one counting pass over the
//! rows (validation fused in), one pass grouping the rows by customer range into compact
//! 12-byte records, one pass adding each range's rows while its aggregates stay in cache.

use super::tally::{CustomerAgg, TallyOptions, check_row};
use crate::metrics::group::TimeUnit;
use crate::{CxError, Result};

/// Customer of each row.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Customers<'a> {
    /// Dense codes (`0..customers`, customers = largest code + 1).
    Codes(&'a [u32]),
    /// Integer ids: the code of `id` is `id − offset`, and must be below `count`
    /// (an id outside `offset..offset + count` is an error naming its row).
    Ids {
        /// The ids, one per row.
        ids: &'a [i64],
        /// Smallest id (code 0).
        offset: i64,
        /// Number of codes.
        count: usize,
    },
}

/// Day of each row.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Days<'a> {
    /// Days since 1970-01-01.
    Days(&'a [i32]),
    /// Naive timestamps (ticks since 1970-01-01T00:00): the day is `⌊ticks / ticks per day⌋`.
    Ticks {
        /// The ticks, one per row.
        ticks: &'a [i64],
        /// Their unit.
        unit: TimeUnit,
    },
}

impl Customers<'_> {
    /// Rows.
    pub fn len(&self) -> usize {
        match self {
            Customers::Codes(c) => c.len(),
            Customers::Ids { ids, .. } => ids.len(),
        }
    }
    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Days<'_> {
    /// Rows.
    pub fn len(&self) -> usize {
        match self {
            Days::Days(d) => d.len(),
            Days::Ticks { ticks, .. } => ticks.len(),
        }
    }
    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Codes of a range of rows, as `u64` (an id below the offset wraps to a huge code,
/// which the range check rejects).
pub(crate) trait CodeCol: Sync {
    fn codes(&self, lo: usize, hi: usize) -> impl Iterator<Item = u64> + '_;
}
/// Days of a range of rows.
pub(crate) trait DayCol: Sync {
    fn days(&self, lo: usize, hi: usize) -> impl Iterator<Item = i32> + '_;
}

impl CodeCol for &[u32] {
    #[inline]
    fn codes(&self, lo: usize, hi: usize) -> impl Iterator<Item = u64> + '_ {
        self[lo..hi].iter().map(|&c| u64::from(c))
    }
}

/// `i64` ids with their offset.
pub(crate) struct IdCol<'a>(pub(crate) &'a [i64], pub(crate) i64);
impl CodeCol for IdCol<'_> {
    #[inline]
    fn codes(&self, lo: usize, hi: usize) -> impl Iterator<Item = u64> + '_ {
        let off = self.1;
        self.0[lo..hi]
            .iter()
            .map(move |&x| x.wrapping_sub(off) as u64)
    }
}

impl DayCol for &[i32] {
    #[inline]
    fn days(&self, lo: usize, hi: usize) -> impl Iterator<Item = i32> + '_ {
        self[lo..hi].iter().copied()
    }
}

/// Ticks, `D` per day (a constant divisor: the compiler replaces the division).
pub(crate) struct TickCol<'a, const D: i64>(pub(crate) &'a [i64]);
impl<const D: i64> DayCol for TickCol<'_, D> {
    #[inline]
    fn days(&self, lo: usize, hi: usize) -> impl Iterator<Item = i32> + '_ {
        self.0[lo..hi].iter().map(|&t| t.div_euclid(D) as i32)
    }
}

/// Call `$body` with `$c` bound to the code column and `$d` to the day column, each
/// monomorphised (2 × 5 instances).
macro_rules! with_columns {
    ($customers:expr, $days:expr, |$c:ident, $d:ident| $body:expr) => {{
        use $crate::metrics::group::TimeUnit;
        use $crate::segments::columns::{Customers, Days, IdCol, TickCol};
        const S: i64 = 86_400;
        macro_rules! with_days {
            ($cc:expr) => {{
                let $c = $cc;
                match $days {
                    Days::Days(v) => {
                        let $d = v;
                        $body
                    }
                    Days::Ticks { ticks, unit } => match unit {
                        TimeUnit::Seconds => {
                            let $d = TickCol::<S>(ticks);
                            $body
                        }
                        TimeUnit::Milliseconds => {
                            let $d = TickCol::<{ S * 1_000 }>(ticks);
                            $body
                        }
                        TimeUnit::Microseconds => {
                            let $d = TickCol::<{ S * 1_000_000 }>(ticks);
                            $body
                        }
                        TimeUnit::Nanoseconds => {
                            let $d = TickCol::<{ S * 1_000_000_000 }>(ticks);
                            $body
                        }
                    },
                }
            }};
        }
        match $customers {
            Customers::Codes(v) => with_days!(v),
            Customers::Ids { ids, offset, .. } => with_days!(IdCol(ids, offset)),
        }
    }};
}
pub(crate) use with_columns;

/// Customers per partition: 2^13 × 32 bytes = 256 KiB of aggregates, a quarter of a
/// 1 MiB L2 cache (the rest holds the rows streaming through).
pub(crate) const PARTITION_SHIFT: u32 = 13;
const LOCAL_MASK: u32 = (1 << PARTITION_SHIFT) - 1;
/// Days a compact record can hold past the first day (19 bits beside 13 of customer).
const DAY_SPAN: i64 = 1 << (32 - PARTITION_SHIFT);
/// Rows counted, grouped and added in one go. Larger inputs are validated in full first
/// (so that an error leaves the tally unchanged) and then handled block by block.
const BLOCK_ROWS: usize = 1 << 25;

/// One thread's count of a range of rows.
struct Count {
    /// Rows per partition (`parts + 1` entries, the first 0: becomes offsets).
    off: Vec<usize>,
    excluded: u64,
    first_day: i32,
    last_day: i32,
}

/// Validate rows `lo..hi` (the first bad row is the error) and count the kept ones per
/// partition.
#[allow(clippy::too_many_arguments)]
fn count<C: CodeCol, D: DayCol>(
    c: &C,
    d: &D,
    amounts: &[f64],
    lo: usize,
    hi: usize,
    limit: i32,
    opts: TallyOptions,
    customers: u64,
    parts: usize,
) -> Result<Count> {
    let mut out = Count {
        off: vec![0; parts + 1],
        excluded: 0,
        first_day: i32::MAX,
        last_day: i32::MIN,
    };
    let rows = c.codes(lo, hi).zip(d.days(lo, hi)).zip(&amounts[lo..hi]);
    for (i, ((code, day), &a)) in rows.enumerate() {
        // Fast test first: a finite non-negative amount on or before the limit is fine.
        let fine = a >= 0.0 && a.is_finite() && day <= limit;
        if !fine && !check_row(lo + i, day, a, limit, opts)? {
            out.excluded += 1;
            continue;
        }
        if code >= customers {
            return Err(CxError::invalid(
                "customer",
                Some(lo + i),
                code as i64,
                "customer code outside the range given for the ids",
            ));
        }
        out.off[(code >> PARTITION_SHIFT) as usize + 1] += 1;
        out.first_day = out.first_day.min(day);
        out.last_day = out.last_day.max(day);
    }
    Ok(out)
}

/// One thread's rows grouped by partition: `keys[off[p]..off[p + 1]]` (and the same
/// range of `amounts`, and of `days` when the days do not fit a compact key) are
/// partition `p`'s rows, in row order. A compact key is the customer's index in its
/// partition (13 bits) and its day minus the first day (19 bits).
#[derive(Default)]
struct Share {
    off: Vec<usize>,
    keys: Vec<u32>,
    days: Vec<i32>,
    amounts: Vec<f64>,
}

/// `n` copies of `v`, written by this thread into an allocation that is not asked to be
/// zeroed. `vec![0; n]` asks for zeroed memory, which an allocator that keeps freed pages
/// (jemalloc, in the Python extension) provides by discarding them (`MADV_DONTNEED`),
/// so that every call faulted its scratch in again; a plain fill reuses the pages. (A
/// fill with zero may be folded back into a zeroed allocation by the optimiser: callers
/// fill with a placeholder that is not zero.)
fn filled<T: Clone>(n: usize, v: T) -> Vec<T> {
    let mut out = Vec::with_capacity(n);
    out.resize(n, v);
    out
}

/// Group the kept rows `lo..hi` by partition (a stable counting sort).
#[allow(clippy::too_many_arguments)]
fn scatter<C: CodeCol, D: DayCol>(
    share: &mut Share,
    counted: &Count,
    c: &C,
    d: &D,
    amounts: &[f64],
    lo: usize,
    hi: usize,
    limit: i32,
    base: Option<i32>,
) {
    let parts = counted.off.len() - 1;
    share.off.clear();
    share.off.extend_from_slice(&counted.off);
    for p in 1..=parts {
        share.off[p] += share.off[p - 1];
    }
    let m = share.off[parts];
    if share.keys.len() < m {
        // Placeholders: the loop below writes every slot.
        share.keys = filled(m, u32::MAX);
        share.amounts = filled(m, f64::NAN);
    }
    if base.is_none() && share.days.len() < m {
        share.days = filled(m, i32::MIN);
    }
    let mut next = share.off[..parts].to_vec();
    let rows = c.codes(lo, hi).zip(d.days(lo, hi)).zip(&amounts[lo..hi]);
    for ((code, day), &a) in rows {
        if day > limit {
            continue;
        }
        let p = (code >> PARTITION_SHIFT) as usize;
        let (Some(at), local) = (next.get_mut(p), code as u32 & LOCAL_MASK) else {
            continue;
        };
        let i = *at;
        *at += 1;
        match base {
            Some(b) => {
                if let Some(k) = share.keys.get_mut(i) {
                    *k = local | (day.wrapping_sub(b) as u32) << PARTITION_SHIFT;
                }
            }
            None => {
                if let (Some(k), Some(dd)) = (share.keys.get_mut(i), share.days.get_mut(i)) {
                    *k = local;
                    *dd = day;
                }
            }
        }
        if let Some(x) = share.amounts.get_mut(i) {
            *x = a;
        }
    }
}

/// Add the grouped rows of partitions `first..` to `aggs` (which starts at partition
/// `first`'s first customer), partition by partition, each share's rows in row order.
fn record(shares: &[Share], first: usize, aggs: &mut [CustomerAgg], base: Option<i32>) {
    let parts = aggs.len().div_ceil(1 << PARTITION_SHIFT);
    for (j, part) in aggs
        .chunks_mut(1 << PARTITION_SHIFT)
        .enumerate()
        .take(parts)
    {
        let p = first + j;
        for s in shares {
            let (Some(&from), Some(&to)) = (s.off.get(p), s.off.get(p + 1)) else {
                continue;
            };
            let (keys, amounts) = (&s.keys[from..to], &s.amounts[from..to]);
            match base {
                Some(b) => {
                    for (&k, &a) in keys.iter().zip(amounts) {
                        let day = b.wrapping_add((k >> PARTITION_SHIFT) as i32);
                        if let Some(agg) = part.get_mut((k & LOCAL_MASK) as usize) {
                            agg.record(day, a);
                        }
                    }
                }
                None => {
                    for ((&k, &day), &a) in keys.iter().zip(&s.days[from..to]).zip(amounts) {
                        if let Some(agg) = part.get_mut(k as usize) {
                            agg.record(day, a);
                        }
                    }
                }
            }
        }
    }
}

/// Tally rows into `aggs` (already sized to the customers; codes at or above `customers`
/// are errors) on `threads` threads; returns
/// the rows left out (after `as_of`). Validation comes first, so an error leaves `aggs`
/// unchanged; a customer's rows are added in row order (the Kahan sums are those of one
/// sequential pass, bit for bit).
#[allow(clippy::too_many_arguments)]
pub(crate) fn tally_partitioned<C: CodeCol, D: DayCol>(
    aggs: &mut [CustomerAgg],
    c: &C,
    d: &D,
    amounts: &[f64],
    opts: TallyOptions,
    customers: u64,
    threads: usize,
) -> Result<u64> {
    let limit = opts.as_of.unwrap_or(i32::MAX);
    let n = amounts.len();
    let parts = (aggs.len() >> PARTITION_SHIFT) + 1;
    let threads = threads.max(1);
    // Per block, per thread: the row range and its count.
    let mut blocks: Vec<Vec<(usize, usize, Count)>> = Vec::new();
    for start in (0..n).step_by(BLOCK_ROWS) {
        let end = (start + BLOCK_ROWS).min(n);
        let chunk = (end - start).div_ceil(threads).max(1);
        let ranges: Vec<(usize, usize)> = (start..end)
            .step_by(chunk)
            .map(|lo| (lo, (lo + chunk).min(end)))
            .collect();
        let counted: Vec<Result<Count>> = std::thread::scope(|scope| {
            let handles: Vec<_> = ranges[1..]
                .iter()
                .map(|&(lo, hi)| {
                    scope.spawn(move || count(c, d, amounts, lo, hi, limit, opts, customers, parts))
                })
                .collect();
            let (lo, hi) = ranges[0];
            let mut out = vec![count(c, d, amounts, lo, hi, limit, opts, customers, parts)];
            out.extend(handles.into_iter().map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(CxError::option(
                        "threads",
                        "internal: a tally thread failed",
                    ))
                })
            }));
            out
        });
        let mut block = Vec::with_capacity(ranges.len());
        // Ranges are in row order: the first error is the first bad row's.
        for (&(lo, hi), r) in ranges.iter().zip(counted) {
            block.push((lo, hi, r?));
        }
        blocks.push(block);
    }
    let all = || blocks.iter().flatten().map(|b| &b.2);
    let excluded = all().map(|c| c.excluded).sum::<u64>();
    let first_day = all().map(|c| c.first_day).min().unwrap_or(0);
    let last_day = all().map(|c| c.last_day).max().unwrap_or(0);
    let base = (i64::from(last_day) - i64::from(first_day) < DAY_SPAN).then_some(first_day);
    let parts_per_thread = parts.div_ceil(threads);
    let mut shares: Vec<Share> = (0..threads).map(|_| Share::default()).collect();
    for block in &blocks {
        std::thread::scope(|scope| {
            for (share, (lo, hi, counted)) in shares.iter_mut().zip(block) {
                let (lo, hi) = (*lo, *hi);
                scope.spawn(move || scatter(share, counted, c, d, amounts, lo, hi, limit, base));
            }
        });
        let used = &shares[..block.len()];
        std::thread::scope(|scope| {
            let mut rest: &mut [CustomerAgg] = aggs;
            let mut first = 0usize;
            while !rest.is_empty() {
                let (head, tail) =
                    rest.split_at_mut((parts_per_thread << PARTITION_SHIFT).min(rest.len()));
                rest = tail;
                let p = first;
                first += parts_per_thread;
                scope.spawn(move || record(used, p, head, base));
            }
        });
    }
    Ok(excluded)
}

/// The number of codes: `count` for ids, the largest code + 1 for codes (0 without rows).
pub(crate) fn customer_count(customers: &Customers<'_>) -> usize {
    match customers {
        Customers::Codes(c) => {
            let fold = |c: &[u32]| c.iter().fold(0u32, |m, &x| m.max(x));
            let m = if c.len() < 1 << 19 {
                fold(c)
            } else {
                let (a, b) = c.split_at(c.len() / 2);
                std::thread::scope(|scope| {
                    let h = scope.spawn(|| fold(b));
                    let m = fold(a);
                    m.max(h.join().unwrap_or_else(|_| fold(b)))
                })
            };
            if c.is_empty() { 0 } else { m as usize + 1 }
        }
        Customers::Ids { count, .. } => *count,
    }
}

/// Latest day over the rows (`None` without rows).
pub(crate) fn max_day(customers: Customers<'_>, days: Days<'_>) -> Option<i32> {
    let n = days.len();
    with_columns!(customers, days, |_c, d| d.days(0, n).max())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::segments::{Future, Negative, RfmTally};

    const UNITS: [(TimeUnit, i64); 4] = [
        (TimeUnit::Seconds, 86_400),
        (TimeUnit::Milliseconds, 86_400_000),
        (TimeUnit::Microseconds, 86_400_000_000),
        (TimeUnit::Nanoseconds, 86_400_000_000_000),
    ];

    /// Xorshift rows: ids from `offset`, ticks over `span` days from `first` (some before
    /// 1970), amounts in cents with refunds.
    fn rows(
        n: usize,
        customers: u64,
        first: i64,
        span: u64,
        seed: u64,
    ) -> (Vec<i64>, Vec<i64>, Vec<f64>) {
        let mut x = seed;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let (mut ids, mut t, mut a) = (vec![], vec![], vec![]);
        for _ in 0..n {
            ids.push((next() % customers) as i64);
            // Seconds within the day too: flooring matters.
            t.push((first + (next() % span) as i64) * 86_400 + (next() % 86_400) as i64);
            let c = (next() % 40_000) as f64 / 100.0;
            a.push(if next() % 17 == 0 { -c } else { c });
        }
        (ids, t, a)
    }

    /// The converted columns of `add`: codes `id − offset`, days `⌊ticks / per day⌋`.
    fn converted(ids: &[i64], offset: i64, ticks: &[i64], per_day: i64) -> (Vec<u32>, Vec<i32>) {
        (
            ids.iter().map(|&i| (i - offset) as u32).collect(),
            ticks
                .iter()
                .map(|&t| t.div_euclid(per_day) as i32)
                .collect(),
        )
    }

    /// Equal aggregates (codes past the end of the shorter tally never seen), bit for bit.
    fn same(a: &RfmTally, b: &RfmTally) {
        let (long, short) = if a.customers().len() >= b.customers().len() {
            (a, b)
        } else {
            (b, a)
        };
        let rest = &long.customers()[short.customers().len()..];
        assert!(rest.iter().all(|g| *g == CustomerAgg::default()));
        for (x, y) in a.customers().iter().zip(b.customers()) {
            assert_eq!(
                (x.first_day, x.last_day, x.purchases, x.rows),
                (y.first_day, y.last_day, y.purchases, y.rows)
            );
            assert_eq!(x.amount.to_bits(), y.amount.to_bits());
            assert_eq!(x.compensation.to_bits(), y.compensation.to_bits());
        }
        assert_eq!((a.n_rows(), a.n_excluded()), (b.n_rows(), b.n_excluded()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Ids and ticks read in place give the tally of the converted columns.
        #[test]
        fn in_place_equals_converted(
            n in 1usize..2000, customers in 1u64..400, offset in -1000i64..1000,
            first in -800i64..20_000, unit in 0usize..4, seed in 1u64..u64::MAX,
        ) {
            let (mut ids, t, a) = rows(n, customers, first, 900, seed);
            ids.iter_mut().for_each(|i| *i += offset);
            let (u, per_day) = UNITS[unit];
            let ticks: Vec<i64> = t.iter().map(|&s| s * (per_day / 86_400)).collect();
            let (c, d) = converted(&ids, offset, &ticks, per_day);
            let opts = TallyOptions::new().as_of(first as i32 + 700).future(Future::Exclude).negative(Negative::Net);
            let mut fast = RfmTally::new();
            fast.add_columns(
                Customers::Ids { ids: &ids, offset, count: customers as usize },
                Days::Ticks { ticks: &ticks, unit: u }, &a, None, opts,
            ).unwrap();
            let mut slow = RfmTally::new();
            slow.add(&c, &d, &a, None, opts).unwrap();
            // `add` sizes to the largest code seen; ids to `count`.
            let mut fast_aggs = fast.customers().to_vec();
            fast_aggs.truncate(slow.customers().len());
            proptest::prop_assert_eq!(format!("{fast_aggs:?}"), format!("{:?}", slow.customers()));
            proptest::prop_assert_eq!((fast.n_rows(), fast.n_excluded()), (slow.n_rows(), slow.n_excluded()));
        }
    }

    /// Many customers (the partitioned tally, compact records and, for a span of days
    /// too wide for them, full ones) equal the serial pass (forced by an order per row),
    /// for ids with an offset and every tick unit.
    #[test]
    fn partitioned_in_place_equals_serial() {
        for (j, &(span, unit)) in [(730u64, 3usize), (900_000, 0), (1000, 1), (400, 2)]
            .iter()
            .enumerate()
        {
            let offset = 5_000 * j as i64 - 7_000;
            let (mut ids, t, a) = rows(700_000, 300_000, -300, span, 0x9E37_79B9 + j as u64);
            ids.iter_mut().for_each(|i| *i += offset);
            let (u, per_day) = UNITS[unit];
            let ticks: Vec<i64> = t.iter().map(|&s| s * (per_day / 86_400)).collect();
            let (c, d) = converted(&ids, offset, &ticks, per_day);
            let as_of = -300 + (span as i32) * 9 / 10;
            let opts = TallyOptions::new()
                .as_of(as_of)
                .future(Future::Exclude)
                .negative(Negative::Net);
            let mut fast = RfmTally::new();
            fast.add_columns(
                Customers::Ids {
                    ids: &ids,
                    offset,
                    count: 300_000,
                },
                Days::Ticks {
                    ticks: &ticks,
                    unit: u,
                },
                &a,
                None,
                opts,
            )
            .unwrap();
            let mut codes = RfmTally::new();
            codes.add(&c, &d, &a, None, opts).unwrap();
            let order: Vec<u32> = (0..c.len() as u32).collect();
            let mut slow = RfmTally::new();
            slow.add(&c, &d, &a, Some(&order), opts).unwrap();
            assert!(slow.n_excluded() > 0);
            same(&fast, &slow);
            same(&codes, &slow);
        }
    }

    /// The first bad row is named, an id outside the range is an error, and an error
    /// leaves the tally as it was.
    #[test]
    fn partitioned_errors_name_the_first_row_and_change_nothing() {
        let (ids, t, a) = rows(600_000, 250_000, 0, 700, 77);
        let a: Vec<f64> = a.iter().map(|x| x.abs()).collect();
        let ticks = t.clone();
        fn cust(ids: &[i64]) -> Customers<'_> {
            Customers::Ids {
                ids,
                offset: 0,
                count: 250_000,
            }
        }
        let days = Days::Ticks {
            ticks: &ticks,
            unit: TimeUnit::Seconds,
        };
        let mut base = RfmTally::new();
        base.add_columns(cust(&ids), days, &a, None, TallyOptions::new())
            .unwrap();
        let mut bad = a.clone();
        bad[500_000] = f64::NAN;
        bad[400_001] = -1.0;
        let mut t2 = base.clone();
        let e = t2.add_columns(cust(&ids), days, &bad, None, TallyOptions::new());
        assert!(matches!(
            e,
            Err(CxError::InvalidValue {
                row: Some(400_001),
                ..
            })
        ));
        assert_eq!(t2, base);
        let mut far = ids.clone();
        far[300_000] = 250_000;
        let e = t2.add_columns(cust(&far), days, &a, None, TallyOptions::new());
        assert!(matches!(
            e,
            Err(CxError::InvalidValue {
                row: Some(300_000),
                ..
            })
        ));
        assert_eq!(t2, base);
    }
}
