//! SLA history and priority changes mid-interval: hand-computed timelines,
//! and `sla_status_with(AtStart)` = `sla_status` on the bundled sample.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, FixedOffset};
use cx_core::model::{
    Actor, AgentId, Priority, TicketEvent, TicketEventKind as K, TicketId, TicketStatus as S,
};
use cx_core::ops::{
    BusinessCalendar, EventRow, Hours, PriorityChange, SlaMetric, SlaPolicy, SlaState, SlaTarget,
    TicketAttrs, TicketLog, TicketLogBuilder, Validation, WeeklyHours, parse_instant, sla_history,
    sla_status, sla_status_with,
};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn log(id: &str, prio: Priority, evs: &[(&str, K)]) -> TicketLog {
    let t = TicketId::new(id).unwrap();
    let mut b = TicketLogBuilder::new();
    for (s, k) in evs {
        b.push_event(&TicketEvent::new(t.clone(), at(s), k.clone()))
            .unwrap();
    }
    let mut a = TicketAttrs::default();
    a.priority = Some(prio);
    b.attrs(id, a).unwrap();
    b.build(Validation::Strict).unwrap()
}

fn agent() -> Actor {
    Actor::Agent(AgentId::new("a1").unwrap())
}

/// (metric, kind, at, elapsed, target) of each history event.
fn timeline(
    h: &[cx_core::ops::SlaEvent],
) -> Vec<(&'static str, &'static str, String, i64, Option<i64>)> {
    h.iter()
        .map(|e| {
            (
                e.metric.as_str(),
                e.kind.as_str(),
                e.at.format("%H:%M").to_string(),
                e.elapsed_secs,
                e.target_secs,
            )
        })
        .collect()
}

fn policies() -> Vec<SlaPolicy> {
    let cal = |m, s| SlaTarget::new(m, s).hours(Hours::Calendar);
    vec![
        SlaPolicy::new("urgent")
            .priorities(&[Priority::Urgent])
            .target(cal(SlaMetric::FirstReply, 3600))
            .target(cal(SlaMetric::Resolution, 4 * 3600)),
        SlaPolicy::new("normal")
            .target(cal(SlaMetric::FirstReply, 4 * 3600))
            .target(cal(SlaMetric::RequesterWait, 8 * 3600)),
    ]
}

/// Normal priority at 09:00, raised to urgent at 10:30, first reply at 11:00.
fn raised() -> TicketLog {
    log(
        "A",
        Priority::Normal,
        &[
            (
                "2024-03-04T09:00:00Z",
                K::Created {
                    by: Actor::Requester,
                },
            ),
            (
                "2024-03-04T10:30:00Z",
                K::PriorityChange {
                    from: Priority::Normal,
                    to: Priority::Urgent,
                },
            ),
            (
                "2024-03-04T11:00:00Z",
                K::Comment {
                    author: agent(),
                    public: true,
                },
            ),
        ],
    )
}

#[test]
fn priority_raised_mid_interval_recalculate() {
    // Zendesk: at 10:30 the urgent target (1 h) applies to the 1 h 30 min
    // elapsed since 09:00 -> breached at the change; the reply at 11:00 stops
    // the clock at 2 h. Requester wait: the urgent policy has no such target,
    // so its tracking ends at 10:30. Resolution: no target at the start
    // (normal), so never tracked.
    let as_of = at("2024-03-04T12:00:00Z");
    let h = sla_history(
        &raised(),
        &policies(),
        None,
        as_of,
        PriorityChange::Recalculate,
    )
    .unwrap();
    assert_eq!(
        timeline(&h),
        [
            ("first_reply", "started", "09:00".into(), 0, Some(14_400)),
            (
                "first_reply",
                "target_changed",
                "10:30".into(),
                5400,
                Some(3600)
            ),
            ("first_reply", "breached", "10:30".into(), 5400, Some(3600)),
            ("first_reply", "stopped", "11:00".into(), 7200, Some(3600)),
            ("requester_wait", "started", "09:00".into(), 0, Some(28_800)),
            (
                "requester_wait",
                "target_removed",
                "10:30".into(),
                5400,
                None
            ),
        ]
    );
    let st = sla_status_with(
        &raised(),
        &policies(),
        None,
        as_of,
        PriorityChange::Recalculate,
    )
    .unwrap();
    assert_eq!(st.len(), 1);
    assert_eq!(st[0].policy, "urgent");
    assert_eq!(st[0].priority, Some(Priority::Urgent));
    assert_eq!(
        st[0].state,
        SlaState::Breached {
            at: at("2024-03-04T10:30:00Z"),
            overshoot_secs: 3600
        }
    );
}

#[test]
fn priority_raised_mid_interval_restart_and_at_start() {
    let as_of = at("2024-03-04T12:00:00Z");
    // Restart: the urgent hour counts from 10:30; the reply at 11:00 is 30 min in.
    let h = sla_history(&raised(), &policies(), None, as_of, PriorityChange::Restart).unwrap();
    assert_eq!(
        timeline(&h)[..3],
        [
            ("first_reply", "started", "09:00".into(), 0, Some(14_400)),
            (
                "first_reply",
                "target_changed",
                "10:30".into(),
                0,
                Some(3600)
            ),
            ("first_reply", "achieved", "11:00".into(), 1800, Some(3600)),
        ]
    );
    // At start: the normal policy (4 h) for the whole interval.
    let h = sla_history(&raised(), &policies(), None, as_of, PriorityChange::AtStart).unwrap();
    assert_eq!(
        timeline(&h),
        [
            ("first_reply", "started", "09:00".into(), 0, Some(14_400)),
            (
                "first_reply",
                "achieved",
                "11:00".into(),
                7200,
                Some(14_400)
            ),
            ("requester_wait", "started", "09:00".into(), 0, Some(28_800)),
        ]
    );
    let st = sla_status_with(&raised(), &policies(), None, as_of, PriorityChange::AtStart).unwrap();
    assert_eq!(st, sla_status(&raised(), &policies(), None, as_of).unwrap());
    // Requester wait still running at 12:00: 3 h of 8 h used.
    assert_eq!(
        st[1].state,
        SlaState::Active {
            remaining_secs: 5 * 3600,
            paused: false
        }
    );
}

#[test]
fn paused_resumed_breached_in_business_hours() {
    // Mon-Fri 09:00-12:00, 13:00-18:00 UTC; requester wait 3 business hours,
    // paused in Pending. 11:00 created; 11:30 pending (30 min used); 14:00 open
    // again; 2 h 30 min left -> breached 16:30; solved 17:00 -> stopped at
    // 30 min + 3 h = 3 h 30 min, overshoot 30 min.
    let cal = BusinessCalendar::builder("UTC")
        .week(WeeklyHours::weekdays(&[
            "09:00-12:00".parse().unwrap(),
            "13:00-18:00".parse().unwrap(),
        ]))
        .build()
        .unwrap();
    let l = log(
        "B",
        Priority::Normal,
        &[
            (
                "2024-03-04T11:00:00Z",
                K::Created {
                    by: Actor::Requester,
                },
            ),
            (
                "2024-03-04T11:30:00Z",
                K::StatusChange {
                    from: S::New,
                    to: S::Pending,
                },
            ),
            (
                "2024-03-04T14:00:00Z",
                K::StatusChange {
                    from: S::Pending,
                    to: S::Open,
                },
            ),
            ("2024-03-04T17:00:00Z", K::Solved),
        ],
    );
    let pol = [SlaPolicy::new("p").target(SlaTarget::new(SlaMetric::RequesterWait, 3 * 3600))];
    let as_of = at("2024-03-05T09:00:00Z");
    let h = sla_history(&l, &pol, Some(&cal), as_of, PriorityChange::Recalculate).unwrap();
    assert_eq!(
        timeline(&h),
        [
            ("requester_wait", "started", "11:00".into(), 0, Some(10_800)),
            (
                "requester_wait",
                "paused",
                "11:30".into(),
                1800,
                Some(10_800)
            ),
            (
                "requester_wait",
                "resumed",
                "14:00".into(),
                1800,
                Some(10_800)
            ),
            (
                "requester_wait",
                "breached",
                "16:30".into(),
                10_800,
                Some(10_800)
            ),
            (
                "requester_wait",
                "stopped",
                "17:00".into(),
                12_600,
                Some(10_800)
            ),
        ]
    );
    assert_eq!(h[1].kind, cx_core::ops::SlaEventKind::Paused(S::Pending));
    let st = sla_status(&l, &pol, Some(&cal), as_of).unwrap();
    assert_eq!(
        st[0].state,
        SlaState::Breached {
            at: at("2024-03-04T16:30:00Z"),
            overshoot_secs: 1800
        }
    );
    assert_eq!(
        sla_status_with(&l, &pol, Some(&cal), as_of, PriorityChange::Recalculate).unwrap(),
        st
    );
    // Live view at 12:30, during the pause: active and paused, 2 h 30 min left.
    let live = sla_history(
        &l,
        &pol,
        Some(&cal),
        at("2024-03-04T12:30:00Z"),
        PriorityChange::Recalculate,
    )
    .unwrap();
    assert_eq!(timeline(&live).len(), 2);
    let st = sla_status(&l, &pol, Some(&cal), at("2024-03-04T12:30:00Z")).unwrap();
    assert_eq!(
        st[0].state,
        SlaState::Active {
            remaining_secs: 9000,
            paused: true
        }
    );
}

#[test]
fn at_start_equals_sla_status_on_sample() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../python/cx/data/ticket_events.csv"
    );
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let mut b = TicketLogBuilder::new();
    fn s(v: &str) -> Option<&str> {
        (!v.is_empty()).then_some(v)
    }
    let recs: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    for (i, r) in recs.iter().enumerate() {
        let (t, off) = parse_instant(&r[1], "at", Some(i)).unwrap();
        let mut e = EventRow::new(&r[2]);
        e.actor = s(&r[3]);
        e.public = s(&r[4]).map(|p| p == "true" || p == "True");
        e.from = s(&r[5]);
        e.to = s(&r[6]);
        e.team = s(&r[7]);
        e.agent = s(&r[8]);
        b.push_row(&r[0], t, off, &e, i).unwrap();
    }
    let l = b.build(Validation::Strict).unwrap();
    let cal = BusinessCalendar::china(&[2024, 2025]).unwrap();
    let t = |m, s| SlaTarget::new(m, s);
    let pols = [SlaPolicy::new("all")
        .target(t(SlaMetric::FirstReply, 4 * 3600))
        .target(t(SlaMetric::NextReply, 8 * 3600))
        .target(t(SlaMetric::PeriodicUpdate, 24 * 3600).hours(Hours::Calendar))
        .target(t(SlaMetric::RequesterWait, 16 * 3600))
        .target(t(SlaMetric::Resolution, 40 * 3600))];
    for as_of in ["2024-03-01T00:00:00+08:00", "2025-01-01T00:00:00+08:00"] {
        let a = sla_status(&l, &pols, Some(&cal), at(as_of)).unwrap();
        let b = sla_status_with(&l, &pols, Some(&cal), at(as_of), PriorityChange::AtStart).unwrap();
        assert!(!a.is_empty());
        assert_eq!(a, b);
        // Every instance's history starts with `started`; the last event of a
        // closed instance agrees with its final state.
        let h = sla_history(&l, &pols, Some(&cal), at(as_of), PriorityChange::AtStart).unwrap();
        let starts = h.iter().filter(|e| e.kind.as_str() == "started").count();
        assert_eq!(starts, a.len());
        let breaches = h.iter().filter(|e| e.kind.as_str() == "breached").count();
        let breached = a.iter().filter(|r| r.state.as_str() == "breached").count();
        assert_eq!(breaches, breached);
    }
}
