//! Criterion benchmarks of the satisfaction-metric kernels.
//!
//! Run: `cargo bench -p cx-benches --bench metrics -- --warm-up-time 1 --measurement-time 3`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cx_benches::SplitMix64;
use cx_core::metrics::group::nps_by_group;
use cx_core::metrics::grouped::csat_by_group;
use cx_core::metrics::{CsatOptions, CsatScale, NpsInterval, NpsOptions, nps_u8};
use std::hint::black_box;

const N: usize = 10_000_000;
const GROUPS: usize = 1000;

fn data() -> (Vec<u8>, Vec<u32>) {
    let mut rng = SplitMix64::new(20_240_404);
    let scores = (0..N).map(|_| rng.below(11) as u8).collect();
    let codes = (0..N).map(|_| rng.below(GROUPS as u64) as u32).collect();
    (scores, codes)
}

fn bench(c: &mut Criterion) {
    let (scores, codes) = data();
    let opts = NpsOptions::new().interval(NpsInterval::Wald);

    // Check the result against a naive count before timing.
    let (p, d) = scores.iter().fold((0u64, 0u64), |(p, d), &s| {
        (p + u64::from(s >= 9), d + u64::from(s <= 6))
    });
    let s = nps_u8(&scores, opts).unwrap();
    assert_eq!((s.n_promoters, s.n_detractors), (p, d));
    let g = nps_by_group(&scores, &codes, GROUPS, None).unwrap();
    let mut naive = vec![[0u64; 3]; GROUPS];
    for (&s, &c) in scores.iter().zip(&codes) {
        naive[c as usize][usize::from(s >= 7) + usize::from(s >= 9)] += 1;
    }
    for (k, t) in g.groups().iter().enumerate() {
        let c = t.counts();
        assert_eq!([c.detractors, c.passives, c.promoters], naive[k]);
    }

    // Grouped CSAT on the 0–10 scale (top-2 box = 9–10) agrees with the promoter counts.
    let copts = CsatOptions::new().scale(CsatScale::ZeroToTen);
    let (_, cs) = csat_by_group(&scores, &codes, GROUPS, copts).unwrap();
    for (k, s) in cs.iter().enumerate() {
        assert_eq!(s.as_ref().map(|s| s.n_top_box), Some(naive[k][2]));
    }

    let mut grp = c.benchmark_group("metrics");
    grp.throughput(Throughput::Elements(N as u64));
    grp.bench_function("nps/n=10M/flat", |b| {
        b.iter(|| nps_u8(black_box(&scores), opts).unwrap())
    });
    grp.bench_function("nps_by_group/n=10M,groups=1000", |b| {
        b.iter(|| nps_by_group(black_box(&scores), black_box(&codes), GROUPS, None).unwrap())
    });
    grp.bench_function("csat_by_group/n=10M,groups=1000", |b| {
        b.iter(|| csat_by_group(black_box(&scores), black_box(&codes), GROUPS, copts).unwrap())
    });
    grp.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
