//! Criterion benchmarks of cx-core's journey analysis and paths.
#![allow(clippy::expect_used)] // a benchmark that cannot build its input should stop

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cx_benches::SplitMix64;
use cx_core::journey::paths::{PathOptions, paths};
use cx_core::journey::{AnalysisOptions, Journey, Responses, analyze};

/// 6 stages × 5 touchpoints; touchpoint 7 is a planted pain point.
fn journey() -> (Journey, Vec<String>) {
    let mut ids = Vec::new();
    let stages: Vec<String> = (0..6)
        .map(|s| {
            let tps: Vec<String> = (0..5)
                .map(|t| {
                    let id = format!("t{}", s * 5 + t);
                    ids.push(id.clone());
                    format!(r#"{{"id":"{id}","name":"{id}","channel":"in_app"}}"#)
                })
                .collect();
            format!(
                r#"{{"id":"s{s}","name":"S{s}","touchpoints":[{}]}}"#,
                tps.join(",")
            )
        })
        .collect();
    let text = format!(r#"{{"name":"bench","stages":[{}]}}"#, stages.join(","));
    (Journey::from_json(&text).expect("journey"), ids)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("journey");
    g.sample_size(10);
    let (j, ids) = journey();
    let n = 1_000_000;
    let mut r = SplitMix64::new(7);
    let tp_idx: Vec<usize> = (0..n).map(|_| r.below(30) as usize).collect();
    let tp: Vec<Option<&str>> = tp_idx.iter().map(|&i| Some(ids[i].as_str())).collect();
    let nps: Vec<f64> = tp_idx
        .iter()
        .map(|&i| {
            let s = r.below(11) as f64;
            if i == 7 { (s - 3.0).max(0.0) } else { s }
        })
        .collect();
    let complaint: Vec<bool> = (0..n).map(|_| r.below(5) == 0).collect();
    let resp = Responses::new(&tp).nps(&nps).complaint(&complaint);
    // Check the result before timing.
    let a = analyze(&j, &resp, AnalysisOptions::new()).expect("analyze");
    assert_eq!(a.pain_points[0].touchpoint_id, "t7");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("analyze/n=1M,touchpoints=30/cx", |b| {
        b.iter(|| analyze(&j, black_box(&resp), AnalysisOptions::new()).map(|a| a.n))
    });

    let customers: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    let cust: Vec<Option<&str>> = (0..n)
        .map(|_| Some(customers[r.below(100_000) as usize].as_str()))
        .collect();
    let time: Vec<i64> = (0..n).map(|_| r.below(1_000_000) as i64).collect();
    let p = paths(Some(&j), &cust, &time, &tp, PathOptions::new()).expect("paths");
    let sum: u64 = p.transitions.iter().map(|t| t.count).sum();
    assert_eq!(sum, p.n_events - p.n_customers);
    g.bench_function("paths/events=1M,customers=100k/cx", |b| {
        b.iter(|| {
            paths(Some(&j), black_box(&cust), &time, &tp, PathOptions::new()).map(|p| p.n_events)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
