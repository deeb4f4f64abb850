//! Criterion benchmarks of field-level encryption: seal, open and reseal of a phone
//! number (11 bytes) and a complaint text (about 300 bytes of Chinese), one field per
//! call as the case store uses them, with keys from a `StaticKeyProvider`.
#![allow(clippy::expect_used)] // a benchmark that cannot build its input should stop

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cx_core::privacy::{FieldCipher, Key, StaticKeyProvider};

fn cipher(current: &str) -> FieldCipher {
    let keys = vec![
        ("k1".to_owned(), Key::from_bytes([1; 32])),
        ("k2".to_owned(), Key::from_bytes([2; 32])),
    ];
    FieldCipher::new(Arc::new(
        StaticKeyProvider::new(current, keys).expect("valid keys"),
    ))
}

fn bench(c: &mut Criterion) {
    let text = "快递三天没到，客服电话一直占线，要求退款并赔偿运费。".repeat(4);
    let k1 = cipher("k1");
    let k2 = cipher("k2");
    for (name, plain) in [("phone", "13800138000"), ("text", text.as_str())] {
        let sealed = k1.seal(plain, "customers/42/x").expect("seal");
        assert_eq!(k1.open(&sealed, "customers/42/x").expect("open"), plain);
        let mut g = c.benchmark_group(format!("crypto/{name}"));
        g.throughput(Throughput::Bytes(plain.len() as u64));
        g.bench_function("seal/cx", |b| {
            b.iter(|| k1.seal(black_box(plain), "customers/42/x"))
        });
        g.bench_function("open/cx", |b| {
            b.iter(|| k1.open(black_box(&sealed), "customers/42/x"))
        });
        g.bench_function("reseal/cx", |b| {
            b.iter(|| k2.reseal(black_box(&sealed), "customers/42/x"))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
