//! Criterion benchmarks of `cx_core::ops`: ticket metrics on 100k seeded tickets
//! (about 1M events) in business time on the China 2024 calendar (row path),
//! the columnar kernel on 1M tickets / 10M events (the layout of
//! `benches/python/compare_ops.py`), and calendar durations (exact walk and
//! index).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cx_benches::SplitMix64;
use cx_core::model::TicketEventKind;
use cx_core::ops::columnar::{EventColumns, NONE, StrColumn, ticket_metrics_columnar};
use cx_core::ops::{
    BusinessCalendar, CalendarIndex, EventRow, MetricDefinitions, TicketLog, TicketLogBuilder,
    Validation, metrics_of_log,
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

/// The events table of `compare_ops.py`: 10 events per ticket, string columns.
struct Table {
    ticket: Vec<String>,
    at: Vec<i64>,
    kind: Vec<&'static str>,
    actor: Vec<Option<&'static str>>,
    public: Vec<u8>,
    from: Vec<Option<&'static str>>,
    to: Vec<Option<&'static str>>,
}

fn table(n: usize, seed: u64) -> Table {
    let mut r = SplitMix64::new(seed);
    let kinds = [
        "created",
        "assignment",
        "status_change",
        "comment",
        "status_change",
        "comment",
        "status_change",
        "comment",
        "solved",
        "closed",
    ];
    let actors = [
        Some("requester"),
        None,
        None,
        Some("agent:a1"),
        None,
        Some("requester"),
        None,
        Some("agent:a2"),
        Some("agent:a2"),
        Some("system"),
    ];
    let from = [
        None,
        None,
        Some("new"),
        None,
        Some("open"),
        None,
        Some("pending"),
        None,
        None,
        None,
    ];
    let to = [
        None,
        None,
        Some("open"),
        None,
        Some("pending"),
        None,
        Some("open"),
        None,
        None,
        None,
    ];
    let mut t = Table {
        ticket: Vec::with_capacity(10 * n),
        at: Vec::with_capacity(10 * n),
        kind: Vec::with_capacity(10 * n),
        actor: Vec::with_capacity(10 * n),
        public: Vec::with_capacity(10 * n),
        from: Vec::with_capacity(10 * n),
        to: Vec::with_capacity(10 * n),
    };
    for i in 0..n {
        let id = format!("T{i:07}");
        let mut at = 1_704_067_200 + r.below(365 * 86_400) as i64;
        let unsolved = r.below(10) == 0;
        let no_reply = r.below(20) == 0;
        for k in 0..10 {
            if k > 0 {
                at += 60 + r.below(8 * 3600) as i64;
            }
            t.ticket.push(id.clone());
            t.at.push(at);
            let (kind, actor) = if unsolved && k >= 8 {
                ("comment", Some("requester"))
            } else {
                (kinds[k], actors[k])
            };
            t.kind.push(kind);
            t.actor.push(actor);
            t.public
                .push(if (k == 3 || k == 7) && no_reply { 0 } else { 2 });
            t.from.push(from[k]);
            t.to.push(to[k]);
        }
    }
    t
}

fn columns(t: &Table) -> EventColumns<'_> {
    let mut ev = EventColumns::default();
    ev.ticket = StrColumn::encode(t.ticket.iter().map(|s| Some(s.as_str())));
    ev.at = t.at.clone();
    ev.kind = StrColumn::encode(t.kind.iter().map(|s| Some(*s)));
    ev.actor = Some(StrColumn::encode(t.actor.iter().copied()));
    ev.public = Some(t.public.clone());
    ev.from = Some(StrColumn::encode(t.from.iter().copied()));
    ev.to = Some(StrColumn::encode(t.to.iter().copied()));
    ev
}

fn bench_columnar(c: &mut Criterion) {
    let cal = BusinessCalendar::china(&[2024, 2025]).unwrap_or_else(|e| panic!("{e}"));
    let n = 1_000_000;
    let t = table(n, 42);
    let ev = columns(&t);
    // Check the result before timing: every ticket measured, business <= calendar.
    let m = ticket_metrics_columnar(&ev, Some(&cal), MetricDefinitions::new(), 2)
        .unwrap_or_else(|| panic!("fast path declined"));
    assert_eq!(m.columns.len(), n);
    let fr = &m.columns.durations[0];
    assert!(
        fr[0]
            .iter()
            .zip(&fr[1])
            .all(|(&c, &b)| (c == NONE) == (b == NONE) && b <= c)
    );
    let mut g = c.benchmark_group("ops/ticket_metrics_columnar/tickets=1M");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    for threads in [1, 2] {
        g.bench_function(format!("business/threads={threads}"), |b| {
            b.iter(|| {
                ticket_metrics_columnar(
                    black_box(&ev),
                    Some(&cal),
                    MetricDefinitions::new(),
                    threads,
                )
            })
        });
    }
    g.bench_function("calendar/threads=1", |b| {
        b.iter(|| ticket_metrics_columnar(black_box(&ev), None, MetricDefinitions::new(), 1))
    });
    g.bench_function("encode/ticket_id", |b| {
        b.iter(|| StrColumn::encode(t.ticket.iter().map(|s| Some(s.as_str()))))
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
    let idx = CalendarIndex::new(&cal, 1_704_067_200, 1_704_067_200 + 371 * 86_400);
    assert!(
        pairs
            .iter()
            .all(|&(a, z)| idx.duration(a, z) == cal.duration_unix(a, z))
    );
    g.bench_function("china_index", |b| {
        b.iter(|| pairs.iter().map(|&(a, z)| idx.duration(a, z)).sum::<i64>())
    });
    g.finish();
}

criterion_group!(benches, bench, bench_columnar);
criterion_main!(benches);
