//! Criterion benchmarks of RFM and retention: 10M transactions of 1M customers.
//!
//! Run: `cargo bench -p cx-benches --bench segments -- --warm-up-time 1 --measurement-time 5`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cx_benches::SplitMix64;
use cx_core::segments::{RetentionOptions, RfmOptions, RfmTally, TallyOptions, retention, rfm};
use std::hint::black_box;

const N: usize = 10_000_000;
const CUSTOMERS: u64 = 1_000_000;
const DAYS: u64 = 730;

fn data() -> (Vec<u32>, Vec<i32>, Vec<f64>) {
    let mut rng = SplitMix64::new(20_241_129);
    let mut c = Vec::with_capacity(N);
    let mut d = Vec::with_capacity(N);
    let mut a = Vec::with_capacity(N);
    for _ in 0..N {
        c.push(rng.below(CUSTOMERS) as u32);
        d.push(19_000 + rng.below(DAYS) as i32);
        a.push((rng.below(100_000) as f64) / 100.0);
    }
    (c, d, a)
}

fn bench(c: &mut Criterion) {
    let (codes, days, amounts) = data();
    let as_of = 19_000 + DAYS as i32;
    let topts = TallyOptions::new().as_of(as_of);
    let opts = RfmOptions::new();

    // Check against a naive aggregate before timing.
    let r = rfm(&codes, &days, &amounts, None, topts, &opts).unwrap();
    let mut cnt = vec![0u64; CUSTOMERS as usize];
    let mut last = vec![i32::MIN; CUSTOMERS as usize];
    for (&k, &d) in codes.iter().zip(&days) {
        cnt[k as usize] += 1;
        last[k as usize] = last[k as usize].max(d);
    }
    for row in r.table.rows().step_by(997) {
        assert_eq!(row.frequency, cnt[row.code as usize]);
        assert_eq!(row.recency_days, as_of - last[row.code as usize]);
    }
    assert_eq!(r.table.len(), cnt.iter().filter(|&&n| n > 0).count());

    let mut g = c.benchmark_group("segments");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    g.bench_function("tally/n=10M,customers=1M/cx", |b| {
        b.iter(|| {
            let mut t = RfmTally::new();
            t.add(
                black_box(&codes),
                black_box(&days),
                black_box(&amounts),
                None,
                topts,
            )
            .unwrap();
            t
        })
    });
    g.bench_function("rfm/n=10M,customers=1M/cx", |b| {
        b.iter(|| {
            rfm(
                black_box(&codes),
                black_box(&days),
                black_box(&amounts),
                None,
                topts,
                &opts,
            )
            .unwrap()
        })
    });
    g.bench_function("retention/n=10M,customers=1M,monthly/cx", |b| {
        b.iter(|| retention(black_box(&codes), black_box(&days), RetentionOptions::new()).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
