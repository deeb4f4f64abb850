//! Criterion benchmarks of `cx_core::ops`: ticket metrics on 100k seeded tickets
//! (about 1M events) in business time on the China 2024 calendar, and calendar
//! durations.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cx_benches::SplitMix64;
use cx_core::model::TicketEventKind;
use cx_core::ops::{
    BusinessCalendar, EventRow, MetricDefinitions, TicketLog, TicketLogBuilder, Validation,
    metrics_of_log,
};
use std::hint::black_box;

/// Seeded log: per ticket creation, assignment, 1–6 comments, pending/open
/// flips, a solve (90 %) — about 10 events per ticket.
fn log(n: usize, seed: u64) -> TicketLog {
    let mut r = SplitMix64::new(seed);
    let mut b = TicketLogBuilder::new();
    let t0 = 1_704_067_200i64; // 2024-01-01T00:00:00Z
    let mut row = 0;
    let mut push = |b: &mut TicketLogBuilder, id: &str, at: i64, r: EventRow<'_>| {
        let kind: TicketEventKind = r.parse(Some(row)).unwrap_or(TicketEventKind::Solved);
        let _ = b.push(id, at, 28_800, &kind);
        row += 1;
    };
    for i in 0..n {
        let id = format!("T{i}");
        let mut at = t0 + r.below(365 * 86_400) as i64;
        push(&mut b, &id, at, EventRow::new("created").actor("requester"));
        at += r.below(3_600) as i64;
        push(
            &mut b,
            &id,
            at,
            EventRow::new("assignment").assign("t1", "a1"),
        );
        let mut status = "new";
        for _ in 0..1 + r.below(6) {
            at += r.below(20 * 3_600) as i64;
            push(&mut b, &id, at, EventRow::new("comment").actor("agent:a1"));
            push(
                &mut b,
                &id,
                at,
                EventRow::new("status_change").status(status, "pending"),
            );
            at += r.below(20 * 3_600) as i64;
            push(&mut b, &id, at, EventRow::new("comment").actor("requester"));
            push(
                &mut b,
                &id,
                at,
                EventRow::new("status_change").status("pending", "open"),
            );
            status = "open";
        }
        if r.below(10) < 9 {
            push(
                &mut b,
                &id,
                at + r.below(7_200) as i64,
                EventRow::new("solved"),
            );
        }
    }
    b.build(Validation::Strict)
        .unwrap_or_else(|e| panic!("{e}"))
}

trait RowExt<'a> {
    fn actor(self, a: &'a str) -> Self;
    fn assign(self, team: &'a str, agent: &'a str) -> Self;
    fn status(self, from: &'a str, to: &'a str) -> Self;
}

impl<'a> RowExt<'a> for EventRow<'a> {
    fn actor(mut self, a: &'a str) -> Self {
        self.actor = Some(a);
        self
    }
    fn assign(mut self, team: &'a str, agent: &'a str) -> Self {
        self.team = Some(team);
        self.agent = Some(agent);
        self
    }
    fn status(mut self, from: &'a str, to: &'a str) -> Self {
        self.from = Some(from);
        self.to = Some(to);
        self
    }
}

fn bench(c: &mut Criterion) {
    let cal = BusinessCalendar::china(&[2024, 2025]).unwrap_or_else(|e| panic!("{e}"));
    let log = log(100_000, 42);
    // Check the result before timing.
    let report = metrics_of_log(&log, Some(&cal), MetricDefinitions::new());
    assert_eq!(report.tickets.len(), 100_000);
    let fr = report.tickets.iter().filter_map(|m| m.first_reply).count();
    assert_eq!(fr, 100_000);
    assert!(
        report
            .tickets
            .iter()
            .all(|m| m.first_reply.and_then(|e| e.business_secs).unwrap_or(0)
                <= m.first_reply.map_or(0, |e| e.calendar_secs))
    );

    let mut g = c.benchmark_group("ops/ticket_metrics/tickets=100k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(100_000));
    g.bench_function("business", |b| {
        b.iter(|| metrics_of_log(black_box(&log), Some(&cal), MetricDefinitions::new()))
    });
    g.bench_function("calendar", |b| {
        b.iter(|| metrics_of_log(black_box(&log), None, MetricDefinitions::new()))
    });
    g.finish();

    let mut g = c.benchmark_group("ops/calendar/duration/n=100k");
    g.throughput(Throughput::Elements(100_000));
    let mut r = SplitMix64::new(7);
    let pairs: Vec<(i64, i64)> = (0..100_000)
        .map(|_| {
            let a = 1_704_067_200 + r.below(360 * 86_400) as i64;
            (a, a + r.below(10 * 86_400) as i64)
        })
        .collect();
    g.bench_function("china", |b| {
        b.iter(|| {
            pairs
                .iter()
                .map(|&(a, z)| cal.duration_unix(a, z))
                .sum::<i64>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
