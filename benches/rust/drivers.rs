//! Criterion benchmarks of key-driver analysis: the full analysis (exact LMG over all
//! 2^15 subsets, relative weights, correlations) on 100k rows, and the exact LMG walk
//! alone from a correlation matrix at p = 15 and 20.
#![allow(clippy::expect_used)] // a benchmark that cannot build its input should stop

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cx_benches::SplitMix64;
use cx_core::drivers::{Column, DriverOptions, analyze, lmg::shapley_r2};

/// Seeded survey-like data: `p` ratings 1–10 sharing a common factor, outcome 0–10.
fn survey(n: usize, p: usize, seed: u64) -> (Vec<f64>, Vec<Vec<f64>>) {
    let mut r = SplitMix64::new(seed);
    let mut u = || (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
    let mut xs = vec![vec![0.0; n]; p];
    let mut y = vec![0.0; n];
    for i in 0..n {
        let g = u() + u();
        let mut s = 0.0;
        for (j, x) in xs.iter_mut().enumerate() {
            let v = (6.0 + 3.0 * (g + u() + u())).round().clamp(1.0, 10.0);
            x[i] = v;
            s += (j as f64 + 1.0) / p as f64 * (v - 6.0);
        }
        y[i] = (7.0 + 0.3 * s + 2.0 * u()).round().clamp(0.0, 10.0);
    }
    (y, xs)
}

fn correlation(p: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rxx = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..p {
            rxx[i * p + j] = if i == j {
                1.0
            } else {
                0.3 + 0.02 * ((i + j) % 5) as f64
            };
        }
    }
    (rxx, (0..p).map(|j| 0.1 + 0.02 * j as f64).collect())
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("drivers");
    g.sample_size(10);

    let (n, p) = (100_000, 15);
    let (y, xs) = survey(n, p, 42);
    let names: Vec<String> = (0..p).map(|j| format!("x{j}")).collect();
    let cols: Vec<Column<'_>> = names
        .iter()
        .zip(&xs)
        .map(|(s, x)| Column::new(s, x))
        .collect();
    // Check the result before timing.
    let kd = analyze(Column::new("y", &y), &cols, DriverOptions::new()).expect("analyze");
    let sum: f64 = kd.drivers.iter().map(|d| d.lmg).sum();
    assert!((sum - kd.r_squared).abs() < 1e-12 && kd.r_squared > 0.2);
    assert_eq!(kd.drivers[p - 1].rank, 1);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("analyze_exact_lmg/n=100k,p=15/cx", |b| {
        b.iter(|| analyze(Column::new("y", black_box(&y)), &cols, DriverOptions::new()))
    });

    for p in [15usize, 20] {
        let (rxx, rxy) = correlation(p);
        let phi = shapley_r2(&rxx, &rxy, 1).expect("lmg");
        assert!(phi.iter().all(|v| *v > 0.0));
        g.throughput(Throughput::Elements(1 << p));
        g.bench_function(format!("lmg_from_correlation/p={p}/threads=1/cx"), |b| {
            b.iter(|| shapley_r2(black_box(&rxx), &rxy, 1))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
