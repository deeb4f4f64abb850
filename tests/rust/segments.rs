//! RFM and retention: hand-worked examples, a naive reference, and properties
//! (merge of any split = whole, scores in 1..k, monotone in each variable).
#![allow(clippy::unwrap_used, missing_docs)]

use cx_core::CxError;
use cx_core::metrics::group::Freq;
use cx_core::segments::calendar::days_from_civil;
use cx_core::segments::{
    BinMethod, Negative, RetentionOptions, RfmOptions, RfmTally, TallyOptions, quantile_type7,
    retention, rfm, score_tally,
};
use proptest::prelude::*;

/// Hand-worked example (breaks as R gives them: `quantile(c(1, 10, 31, 45),
/// c(.25, .5, .75))` = 7.75 20.5 34.5).
/// As of 2024-03-01 (day D): customer 0 bought 2024-02-28 (30.0) and 2024-02-29 (10.0);
/// 1 bought 2024-02-20 (5.0); 2 bought 2024-01-30 (100.0); 3 bought 2024-01-16 (1.0, 1.0, 1.0).
#[test]
fn hand_worked_quartiles() {
    let d = |m, day| days_from_civil(2024, m, day);
    let as_of = d(3, 1);
    let c = [0, 0, 1, 2, 3, 3, 3];
    let days = [
        d(2, 28),
        d(2, 29),
        d(2, 20),
        d(1, 30),
        d(1, 16),
        d(1, 16),
        d(1, 16),
    ];
    let a = [30.0, 10.0, 5.0, 100.0, 1.0, 1.0, 1.0];
    let r = rfm(
        &c,
        &days,
        &a,
        None,
        TallyOptions::new().as_of(as_of),
        &RfmOptions::new().bins(4).segments(vec![]),
    )
    .unwrap();
    let rec: Vec<i32> = r.table.recency_days.clone();
    assert_eq!(rec, vec![1, 10, 31, 45]);
    // Recency breaks of 1 10 31 45 at 1/4, 1/2, 3/4: 7.75, 20.5, 34.5 → bins 1 2 3 4 → scores 4 3 2 1.
    assert_eq!(r.dimensions[0].breaks, vec![7.75, 20.5, 34.5]);
    assert_eq!(r.table.r.clone(), vec![4, 3, 2, 1]);
    // Frequency 2 1 1 3 → sorted 1 1 2 3, breaks 1, 1.5, 2.25 → bins 3 1 1 4 (score 2 empty).
    assert_eq!(r.table.f.clone(), vec![3, 1, 1, 4]);
    assert_eq!(r.dimensions[1].empty_scores(), vec![2]);
    assert!(r.warnings[0].contains("frequency"));
    // Monetary 40 5 100 3 → sorted 3 5 40 100, breaks 4.5, 22.5, 55 → bins 3 2 4 1.
    assert_eq!(r.table.m.clone(), vec![3, 2, 4, 1]);
}

#[test]
fn refunds_net_and_orders_distinct() {
    let c = [0, 0, 0, 1];
    let days = [10, 12, 12, 11];
    let a = [50.0, -20.0, 5.0, 1.0];
    let e = rfm(
        &c,
        &days,
        &a,
        None,
        TallyOptions::new().as_of(20),
        &RfmOptions::new().bins(2).segments(vec![]),
    );
    assert!(
        matches!(e, Err(CxError::InvalidValue { ref field, row: Some(1), .. }) if field == "amount")
    );
    let r = rfm(
        &c,
        &days,
        &a,
        None,
        TallyOptions::new().as_of(20).negative(Negative::Net),
        &RfmOptions::new().bins(2).segments(vec![]),
    )
    .unwrap();
    // The refund on day 12 is no purchase; the 5.0 on day 12 is.
    assert_eq!(
        (
            r.table.frequency[0],
            r.table.monetary[0],
            r.table.last_day[0]
        ),
        (2, 35.0, 12)
    );
    // Two lines of order 7 count once.
    let orders = [7, 8, 8, 9];
    let r = rfm(
        &c,
        &days,
        &[1.0, 2.0, 3.0, 4.0],
        Some(&orders),
        TallyOptions::new().as_of(20),
        &RfmOptions::new().bins(2).segments(vec![]),
    )
    .unwrap();
    assert_eq!((r.table.frequency[0], r.table.monetary[0]), (2, 6.0));
    let e = rfm(
        &[0],
        &[1],
        &[f64::NAN],
        None,
        TallyOptions::new(),
        &RfmOptions::new(),
    );
    assert!(matches!(e, Err(CxError::InvalidValue { row: Some(0), .. })));
}

#[test]
fn retention_quarterly_and_errors() {
    let d = |y, m, day| days_from_civil(y, m, day);
    // Q1: a, b; Q2: a, c; Q3: c.
    let c = [0, 1, 0, 2, 2];
    let days = [
        d(2024, 1, 3),
        d(2024, 2, 3),
        d(2024, 5, 1),
        d(2024, 6, 1),
        d(2024, 8, 1),
    ];
    let r = retention(&c, &days, RetentionOptions::new().freq(Freq::Quarter)).unwrap();
    let crr: Vec<Option<f64>> = r.periods.iter().map(|p| p.retention_rate).collect();
    // Q2: (E 2 − N 1) / S 2 = 0.5; Q3: (1 − 0) / 2 = 0.5.
    assert_eq!(crr, vec![None, Some(0.5), Some(0.5)]);
    assert!(r.periods[2].partial);
    let e = retention(&c, &days, RetentionOptions::new().as_of(d(2024, 6, 30)));
    assert!(matches!(e, Err(CxError::InvalidValue { row: Some(4), .. })));
}

/// Naive per-customer aggregate (Kahan sums, as pandas) and R type-7 scores on fully
/// sorted values, written out independently.
fn naive_scores(
    c: &[u32],
    d: &[i32],
    a: &[f64],
    as_of: i32,
    k: usize,
) -> Vec<(i32, u64, f64, u8, u8, u8)> {
    let n = c.iter().map(|&x| x as usize + 1).max().unwrap_or(0);
    let mut last = vec![i32::MIN; n];
    let mut cnt = vec![0u64; n];
    let mut sum = vec![0.0; n];
    let mut comp = vec![0.0; n];
    for i in 0..c.len() {
        let j = c[i] as usize;
        last[j] = last[j].max(d[i]);
        cnt[j] += 1;
        // Kahan summation, as pandas' groupby().sum() (pandas/_libs/groupby.pyx, group_sum).
        let y = a[i] - comp[j];
        let t = sum[j] + y;
        comp[j] = (t - sum[j]) - y;
        sum[j] = t;
    }
    let present: Vec<usize> = (0..n).filter(|&j| cnt[j] > 0).collect();
    let vals: Vec<[f64; 3]> = present
        .iter()
        .map(|&j| [f64::from(as_of - last[j]), cnt[j] as f64, sum[j]])
        .collect();
    let mut breaks = Vec::new();
    for dim in 0..3 {
        let mut s: Vec<f64> = vals.iter().map(|v| v[dim]).collect();
        s.sort_by(f64::total_cmp);
        breaks.push(
            (1..k)
                .map(|q| quantile_type7(&s, q as f64 / k as f64))
                .collect::<Vec<_>>(),
        );
    }
    let score = |v: f64, b: &[f64]| 1 + b.iter().filter(|&&x| v > x).count() as u8;
    present
        .iter()
        .zip(&vals)
        .map(|(&j, v)| {
            let r = k as u8 + 1 - score(v[0], &breaks[0]);
            (
                as_of - last[j],
                cnt[j],
                sum[j],
                r,
                score(v[1], &breaks[1]),
                score(v[2], &breaks[2]),
            )
        })
        .collect()
}

fn transactions() -> impl Strategy<Value = (Vec<u32>, Vec<i32>, Vec<f64>)> {
    prop::collection::vec((0u32..30, 0i32..400, 0u32..10_000), 1..300).prop_map(|v| {
        let c = v.iter().map(|x| x.0).collect();
        let d = v.iter().map(|x| x.1).collect();
        let a = v.iter().map(|x| f64::from(x.2) / 100.0).collect();
        (c, d, a)
    })
}

proptest! {
    #[test]
    fn matches_naive((c, d, a) in transactions(), k in 2usize..=9) {
        let r = rfm(&c, &d, &a, None, TallyOptions::new().as_of(400), &RfmOptions::new().bins(k).segments(vec![])).unwrap();
        let naive = naive_scores(&c, &d, &a, 400, k);
        prop_assert_eq!(r.table.len(), naive.len());
        for (row, n) in r.table.rows().zip(&naive) {
            prop_assert_eq!(row.recency_days, n.0);
            prop_assert_eq!(row.frequency, n.1);
            prop_assert!((row.monetary - n.2).abs() < 1e-6);
            prop_assert_eq!((row.r, row.f, row.m), (n.3, n.4, n.5));
        }
    }

    #[test]
    fn merge_of_any_split_is_the_whole((c, d, a) in transactions(), cut in 0usize..300) {
        // Whole amounts: their sums are exact in any order, so a merge equals the single
        // pass bit for bit and the scores below must agree exactly. (With cents, a merged
        // sum can differ from the sequential one in the last bit and move a value sitting
        // on a quantile break to the other score: seen in the regression file.)
        let a: Vec<f64> = a.iter().map(|x| x.round()).collect();
        let cut = cut.min(c.len());
        let opts = TallyOptions::new().as_of(400);
        let mut whole = RfmTally::new();
        whole.add(&c, &d, &a, None, opts).unwrap();
        let (mut left, mut right) = (RfmTally::new(), RfmTally::new());
        left.add(&c[..cut], &d[..cut], &a[..cut], None, opts).unwrap();
        right.add(&c[cut..], &d[cut..], &a[cut..], None, opts).unwrap();
        // Right side with its own codes (reversed), merged through the map.
        let rev: Vec<u32> = c[cut..].iter().map(|&x| 29 - x).collect();
        let mut right_own = RfmTally::new();
        right_own.add(&rev, &d[cut..], &a[cut..], None, opts).unwrap();
        let map: Vec<u32> = (0..30).map(|x| 29 - x).collect();
        let mut mapped = left.clone();
        mapped.merge_mapped(&right_own, &map).unwrap();
        left.merge(&right);
        for t in [&left, &mapped] {
            prop_assert_eq!(t.n_rows(), whole.n_rows());
            for (x, y) in t.customers().iter().zip(whole.customers()) {
                prop_assert_eq!((x.first_day, x.last_day, x.purchases), (y.first_day, y.last_day, y.purchases));
                prop_assert_eq!(x.amount - x.compensation, y.amount - y.compensation);
            }
        }
        let o = RfmOptions::new().bins(5).segments(vec![]);
        let s1 = score_tally(&left, 400, &o).unwrap();
        let s2 = score_tally(&whole, 400, &o).unwrap();
        prop_assert_eq!(
            s1.table.rows().map(|r| (r.r, r.f, r.m)).collect::<Vec<_>>(),
            s2.table.rows().map(|r| (r.r, r.f, r.m)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn scores_in_range_and_monotone((c, d, a) in transactions(), k in 2usize..=9, m in 0usize..2) {
        let method = if m == 0 { BinMethod::Quantile } else { BinMethod::Ntile };
        let r = rfm(&c, &d, &a, None, TallyOptions::new().as_of(400), &RfmOptions::new().bins(k).method(method).segments(vec![])).unwrap();
        let k8 = k as u8;
        for x in r.table.rows() {
            prop_assert!((1..=k8).contains(&x.r) && (1..=k8).contains(&x.f) && (1..=k8).contains(&x.m));
        }
        for x in r.table.rows() {
            for y in r.table.rows() {
                if x.recency_days < y.recency_days { prop_assert!(x.r >= y.r); }
                if x.frequency < y.frequency { prop_assert!(x.f <= y.f); }
                if x.monetary < y.monetary { prop_assert!(x.m <= y.m); }
            }
        }
        let total: u64 = r.dimensions[0].counts.iter().sum();
        prop_assert_eq!(total, r.table.len() as u64);
    }

    #[test]
    fn retention_identities((c, d, _a) in transactions()) {
        let r = retention(&c, &d, RetentionOptions::new().freq(Freq::Week)).unwrap();
        let mut new_total = 0;
        for (i, p) in r.periods.iter().enumerate() {
            new_total += p.new_customers;
            // E = N + retained + reactivated when active = bought in the period.
            prop_assert_eq!(p.customers_end, p.new_customers + p.retained + p.reactivated);
            if i > 0 {
                prop_assert_eq!(p.customers_start, r.periods[i - 1].customers_end);
            }
        }
        prop_assert_eq!(new_total, r.n_customers);
        for cell in &r.cohorts {
            prop_assert!(cell.active <= cell.cohort_size);
            if cell.period == 0 { prop_assert_eq!(cell.active, cell.cohort_size); }
        }
    }
}

/// Many customers take the partitioned path: same aggregates as a naive loop, same errors.
#[test]
fn partitioned_tally_equals_naive() {
    let n = 3_000_000usize;
    let k = 400_000u64;
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let c: Vec<u32> = (0..n).map(|_| (next() % k) as u32).collect();
    let d: Vec<i32> = (0..n).map(|_| (next() % 700) as i32).collect();
    let a: Vec<f64> = (0..n).map(|_| (next() % 100_000) as f64 / 100.0).collect();
    let mut t = RfmTally::new();
    t.add(&c, &d, &a, None, TallyOptions::new()).unwrap();
    let mut cnt = vec![0u32; k as usize];
    let mut first = vec![i32::MAX; k as usize];
    let mut last = vec![i32::MIN; k as usize];
    let mut sum = vec![0.0f64; k as usize];
    for i in 0..n {
        let j = c[i] as usize;
        cnt[j] += 1;
        first[j] = first[j].min(d[i]);
        last[j] = last[j].max(d[i]);
        sum[j] += a[i];
    }
    for (j, g) in t.customers().iter().enumerate() {
        assert_eq!(
            (g.purchases, g.first_day, g.last_day),
            (cnt[j], first[j], last[j])
        );
        assert!((g.amount - sum[j]).abs() <= 1e-9 * sum[j].abs().max(1.0));
    }
    let mut bad = a.clone();
    bad[2_500_001] = -1.0;
    bad[2_600_000] = f64::NAN;
    let e = RfmTally::new().add(&c, &d, &bad, None, TallyOptions::new());
    assert!(matches!(
        e,
        Err(CxError::InvalidValue {
            row: Some(2_500_001),
            ..
        })
    ));
    let mut late = d.clone();
    late[1_234_567] = 10_000;
    let mut t2 = RfmTally::new();
    t2.add(
        &c,
        &late,
        &a,
        None,
        TallyOptions::new()
            .as_of(800)
            .future(cx_core::segments::Future::Exclude),
    )
    .unwrap();
    assert_eq!(t2.n_excluded(), 1);
    assert_eq!(
        t2.customers()
            .iter()
            .map(|g| u64::from(g.purchases))
            .sum::<u64>(),
        n as u64 - 1
    );
}

/// Xorshift transactions: `n` rows over `k` customers, two years of days, cent amounts.
fn big_transactions(n: usize, k: u64, seed: u64) -> (Vec<u32>, Vec<i32>, Vec<f64>) {
    let mut x = seed;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut c = Vec::with_capacity(n);
    let mut d = Vec::with_capacity(n);
    let mut a = Vec::with_capacity(n);
    for _ in 0..n {
        c.push((next() % k) as u32);
        d.push((next() % 730) as i32);
        // Few distinct amounts: many customers tie on monetary, and some on a break.
        a.push((next() % 2_000) as f64 / 4.0);
    }
    (c, d, a)
}

/// The threaded, partitioned tally adds each customer's amounts in row order with
/// Kahan's compensation: the sums equal a sequential Kahan loop bit for bit (so scores
/// on ties are the ones a sequential pass, and pandas, give).
#[test]
fn partitioned_tally_sums_bit_for_bit() {
    let (c, d, a) = big_transactions(2_000_000, 300_000, 0x2545_F491_4F6C_DD1D);
    let mut t = RfmTally::new();
    t.add(&c, &d, &a, None, TallyOptions::new()).unwrap();
    let k = 300_000usize;
    let (mut sum, mut comp) = (vec![0.0f64; k], vec![0.0f64; k]);
    for (&j, &v) in c.iter().zip(&a) {
        let j = j as usize;
        let y = v - comp[j];
        let s = sum[j] + y;
        comp[j] = (s - sum[j]) - y;
        sum[j] = s;
    }
    for (j, g) in t.customers().iter().enumerate() {
        assert_eq!(g.amount.to_bits(), sum[j].to_bits(), "customer {j}");
        assert_eq!(g.compensation.to_bits(), comp[j].to_bits(), "customer {j}");
    }
}

/// Bad rows in several validation chunks: the error names the first one.
#[test]
fn partitioned_tally_names_the_first_bad_row() {
    let (c, d, mut a) = big_transactions(3_000_000, 400_000, 0x9E37_79B9_7F4A_7C15);
    a[2_900_000] = -2.0;
    a[1_600_000] = f64::INFINITY;
    a[123] = -1.0;
    let e = RfmTally::new().add(&c, &d, &a, None, TallyOptions::new());
    assert!(matches!(
        e,
        Err(CxError::InvalidValue { row: Some(123), .. })
    ));
    a[123] = 1.0;
    let e = RfmTally::new().add(&c, &d, &a, None, TallyOptions::new());
    assert!(matches!(
        e,
        Err(CxError::InvalidValue {
            row: Some(1_600_000),
            ..
        })
    ));
}

/// Many customers (threaded tally and binning) with heavy ties: the scores equal the
/// naive reference's (full sort, R type-7 breaks, value on a break to the lower bin).
#[test]
fn large_input_scores_equal_naive() {
    let (c, d, a) = big_transactions(1_500_000, 200_000, 0xD1B5_4A32_D192_ED03);
    for k in [3usize, 5] {
        let r = rfm(
            &c,
            &d,
            &a,
            None,
            TallyOptions::new().as_of(730),
            &RfmOptions::new().bins(k).segments(vec![]),
        )
        .unwrap();
        let naive = naive_scores(&c, &d, &a, 730, k);
        assert_eq!(r.table.len(), naive.len());
        for (row, n) in r.table.rows().zip(&naive) {
            assert_eq!(
                (row.recency_days, row.frequency, row.monetary.to_bits()),
                (n.0, n.1, n.2.to_bits())
            );
            assert_eq!((row.r, row.f, row.m), (n.3, n.4, n.5));
        }
    }
}
