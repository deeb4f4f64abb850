//! Criterion benchmarks of cx-core's SPC charts.
#![allow(clippy::expect_used)] // a benchmark that cannot build its input should stop

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cx_benches::SplitMix64;
use cx_core::spc::{ChartOptions, RuleSet, Subgroups, xbar_r, xmr, xmr_lean_into};

/// Seeded approximately normal values (sum of 4 uniforms, centred), with a
/// drift so that every rule has something to find.
fn series(n: usize, seed: u64) -> Vec<f64> {
    let mut r = SplitMix64::new(seed);
    let mut u = || (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    (0..n)
        .map(|i| {
            let z = (u() + u() + u() + u() - 2.0) * 3f64.sqrt();
            let shift = if i % 10_000 < 40 { 1.5 } else { 0.0 };
            10.0 + z + shift
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("spc");
    g.sample_size(10);

    let x = series(10_000_000, 42);
    let opts = ChartOptions::new().rules(RuleSet::Nelson);
    // Check the result before timing.
    let chart = xmr(&x, opts).expect("xmr");
    assert!((chart.center.get(0) - 10.0).abs() < 0.1);
    assert!(chart.flags.iter().any(|&f| f & 0b10 != 0), "no run signals");
    g.throughput(Throughput::Elements(x.len() as u64));
    g.bench_function("xmr_nelson/n=10M/cx", |b| {
        b.iter(|| xmr(black_box(&x), opts).map(|c| c.flags.len()))
    });

    // What the Python binding runs: limits and flags written into a caller's
    // buffer, no copy of the values, no moving-range chart.
    let mut out = vec![0u8; x.len()];
    xmr_lean_into(&x, opts, &mut out).expect("xmr_lean_into");
    assert_eq!(out, chart.flags);
    g.bench_function("xmr_nelson_lean/n=10M/cx", |b| {
        b.iter(|| {
            out.fill(0);
            xmr_lean_into(black_box(&x), opts, &mut out).map(|c| c.stages.len())
        })
    });

    let y = series(2_000_000 * 5, 7);
    let sub = Subgroups::matrix(&y, 5).expect("matrix");
    let chart = xbar_r(sub, ChartOptions::new()).expect("xbar_r");
    assert_eq!(chart.len(), 2_000_000);
    assert!(chart.sigma() > 0.9 && chart.sigma() < 1.1);
    g.throughput(Throughput::Elements(2_000_000));
    g.bench_function("xbar_r/subgroups=2M,n=5/cx", |b| {
        b.iter(|| xbar_r(black_box(sub), ChartOptions::new()).map(|c| c.flags.len()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
