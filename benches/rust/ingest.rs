//! Criterion benchmarks of feedback ingestion (`cx_core::ingest`).
//!
//! Data: 100k seeded rows of the canonical feedback CSV with Chinese text,
//! naive `Asia/Shanghai` and RFC 3339 timestamps, and 0.1 % bad rows.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cx_benches::SplitMix64;
use cx_core::ingest::{ErrorPolicy, ReadOptions, read_feedback_csv};

const CHANNELS: &[&str] = &[
    "电话",
    "微信",
    "email",
    "在线客服",
    "门店",
    "app",
    "短信",
    "问卷调查",
];
const TEXTS: &[&str] = &[
    "物流太慢了，等了一个星期才到",
    "客服态度很好，问题很快解决",
    "\"价格偏高, 希望有优惠\"",
    "App 经常闪退",
    "",
    "\"第一行\n第二行\"",
];
const KINDS: &[&str] = &["投诉", "建议", "表扬", "咨询", ""];

/// A seeded feedback CSV of `n` rows.
fn feedback_csv(n: usize, seed: u64) -> Vec<u8> {
    let mut r = SplitMix64::new(seed);
    let mut s = String::from(
        "feedback_id,customer_id,channel,touchpoint_id,timestamp,kind,nps,csat,ces,text,tags,language,weight\n",
    );
    for i in 0..n {
        let pick = |r: &mut SplitMix64, v: &[&'static str]| v[r.below(v.len() as u64) as usize];
        let day = 1 + r.below(28);
        let (h, m, sec) = (r.below(24), r.below(60), r.below(60));
        let ts = if r.below(2) == 0 {
            format!("2024-03-{day:02}T{h:02}:{m:02}:{sec:02}+08:00")
        } else {
            format!("2024-03-{day:02} {h:02}:{m:02}:{sec:02}")
        };
        let nps = if r.below(1000) == 0 {
            "11".to_string()
        } else {
            r.below(11).to_string()
        };
        s.push_str(&format!(
            "F{i},C{},{},tp{},{ts},{},{nps},{},{},{},物流;价格,zh-CN,1.0\n",
            r.below(50_000),
            pick(&mut r, CHANNELS),
            r.below(20),
            pick(&mut r, KINDS),
            1 + r.below(5),
            1 + r.below(7),
            pick(&mut r, TEXTS),
        ));
    }
    s.into_bytes()
}

fn bench(c: &mut Criterion) {
    let data = feedback_csv(100_000, 42);
    let opts = ReadOptions::new()
        .tz(chrono_tz::Asia::Shanghai)
        .errors(ErrorPolicy::Collect);
    // Check the result before timing.
    let got = read_feedback_csv(&data[..], &opts).ok();
    let counts = got
        .as_ref()
        .map(|g| (g.rows_read, g.accepted.len() + g.rejected.len()));
    assert_eq!(counts, Some((100_000, 100_000)));
    let mut g = c.benchmark_group("ingest/read_csv");
    g.throughput(Throughput::Bytes(data.len() as u64));
    for (name, threads) in [("n=100k/threads=1", 1), ("n=100k/threads=auto", 0)] {
        let o = opts.clone().threads(threads);
        g.bench_function(name, |b| {
            b.iter(|| black_box(read_feedback_csv(black_box(&data[..]), &o)))
        });
    }
    g.finish();
    // Optional: time a file on disk too (e.g. the 1M-row CSV written by
    // `benches/python/compare_ingest.py --keep PATH`).
    if let Some(path) = std::env::var_os("CX_INGEST_FILE") {
        let Ok(bytes) = std::fs::read(&path) else {
            return;
        };
        let got = read_feedback_csv(&bytes[..], &opts).ok();
        if let Some(g) = &got {
            println!(
                "file: rows_read={} accepted={} rejected={}",
                g.rows_read,
                g.accepted.len(),
                g.rejected.len()
            );
        }
        let mut g = c.benchmark_group("ingest/read_csv_file");
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.sample_size(10);
        g.bench_function("file/threads=auto", |b| {
            b.iter(|| black_box(read_feedback_csv(black_box(&bytes[..]), &opts)))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
