//! The columnar event log (`ticket_log_columnar`) is the row path's log
//! (`TicketLogBuilder::push_row` as the Python binding feeds it, then `build`):
//! on random logs with structural problems (missing or duplicate creations,
//! events before creation, broken status chains, shuffled rows, padded ids)
//! and bad values, under `Strict` and `Collect`, every pass that reads a log
//! gives the same answer from both (issues, agents, SLA status under each
//! priority-change rule, SLA history, backlog, age buckets, ticket metrics).
//! Where the row path errs, the columnar path declines (`None`); under
//! `Collect` it answers whenever the row path does.
#![allow(clippy::unwrap_used)]

use cx_core::ops::columnar::ticket_log_columnar;
use cx_core::ops::{
    Hours, MetricDefinitions, Period, PriorityChange, SlaMetric, SlaPolicy, SlaTarget, TicketLog,
    Validation, age_buckets, backlog, datetime_at, metrics_of_log, sla_history, sla_status,
    sla_status_with,
};
use cx_tests::calendars;
use cx_tests::event_rows::{Row, columns, row_log};
use proptest::prelude::*;

const LO: i64 = 1_704_067_200; // 2024-01-01

/// A random log of `n` tickets; `problems` plants structural problems, `bad`
/// one bad value.
fn random_rows(seed: u64, n: usize, problems: bool, bad: bool) -> Vec<Row> {
    let mut s = seed | 1;
    let mut rnd = move |m: u64| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s % m
    };
    let statuses = ["new", "open", "pending", "on_hold", "solved", "closed"];
    let prios = ["low", "normal", "high", "urgent"];
    let mut rows = Vec::new();
    for t in 0..n {
        let id = match rnd(8) {
            0 => format!(" T{t}"),
            1 => format!("T{t} "),
            _ => format!("T{t}"),
        };
        let created = LO + rnd(60 * 86_400) as i64;
        let mut r0 = Row {
            ticket: id.clone(),
            at: created,
            kind: "created".into(),
            actor: [
                Some("requester".to_owned()),
                Some("agent:a1".into()),
                Some("agent: a2 ".into()),
                Some("system".into()),
                None,
            ][rnd(5) as usize]
                .clone(),
            ..Row::default()
        };
        if rnd(3) != 0 {
            r0.channel = Some([" email", "chat", "phone", ""][rnd(4) as usize].into());
            r0.priority = Some(prios[rnd(4) as usize].into());
            r0.customer = Some(format!("c{}", rnd(4)));
            r0.topic = Some(["billing", " delivery "][rnd(2) as usize].into());
        }
        let skip_created = problems && rnd(10) == 0;
        if !skip_created {
            rows.push(r0.clone());
        }
        let mut at = created;
        let mut status = 0usize;
        let mut prio = rnd(4) as usize;
        for _ in 0..rnd(12) {
            at += if rnd(5) == 0 { 0 } else { rnd(86_400) as i64 };
            let mut r = Row {
                ticket: id.clone(),
                at,
                ..Row::default()
            };
            match rnd(10) {
                0..=2 => {
                    r.kind = "comment".into();
                    r.actor = Some(
                        [
                            "agent:a1",
                            "agent:a3",
                            "requester",
                            "customer",
                            "system",
                            "",
                        ][rnd(6) as usize]
                            .into(),
                    );
                    r.public = [None, Some(true), Some(false)][rnd(3) as usize];
                }
                3 | 4 => {
                    let to = rnd(6) as usize;
                    // A broken chain: `from` other than the current status.
                    let from = if problems && rnd(8) == 0 {
                        (status + 1) % 6
                    } else {
                        status
                    };
                    r.kind = "status_change".into();
                    r.from = Some(statuses[from].into());
                    r.to = Some(statuses[to].into());
                    status = to;
                }
                5 => {
                    r.kind = ["solved", "reopened", "closed"][rnd(3) as usize].into();
                    status = match r.kind.as_str() {
                        "solved" => 4,
                        "reopened" => 1,
                        _ => 5,
                    };
                }
                6 => {
                    r.kind = "assignment".into();
                    r.team = [
                        None,
                        Some("t1".into()),
                        Some(" t2".into()),
                        Some(" ".into()),
                    ][rnd(4) as usize]
                        .clone();
                    r.agent = [
                        None,
                        Some("a2".into()),
                        Some("a4 ".into()),
                        Some("a1".into()),
                    ][rnd(4) as usize]
                        .clone();
                    r.actor = Some("agent:zz".into()); // not read for an assignment
                }
                7 => {
                    let to = rnd(4) as usize;
                    r.kind = "priority_change".into();
                    r.from = Some(prios[prio].into());
                    r.to = Some(prios[to].into());
                    prio = to;
                }
                8 if problems => {
                    // A second creation, or an event before the creation.
                    if rnd(2) == 0 {
                        r = r0.clone();
                        r.at = at;
                    } else {
                        r.kind = "comment".into();
                        r.actor = Some("requester".into());
                        r.at = created - 1 - rnd(3600) as i64;
                    }
                }
                _ => {
                    r.kind = "comment".into();
                    r.actor = Some("agent:a3".into());
                    r.public = Some(true);
                    if rnd(4) == 0 {
                        r.channel = Some("chat".into());
                        r.customer = Some(format!("c{}", rnd(4)));
                    }
                }
            }
            rows.push(r);
        }
    }
    for _ in 0..rows.len() / 3 {
        let (i, j) = (
            rnd(rows.len() as u64) as usize,
            rnd(rows.len() as u64) as usize,
        );
        rows.swap(i, j);
    }
    if bad && !rows.is_empty() {
        let k = rnd(rows.len() as u64) as usize;
        match rnd(6) {
            0 => rows[k].kind = "bogus".into(),
            1 => rows[k].channel = Some("pigeon".into()),
            2 => rows[k].priority = Some("meh".into()),
            3 => rows[k].ticket = "  ".into(),
            4 => {
                rows[k].kind = "comment".into();
                rows[k].actor = Some("robot".into());
            }
            _ => {
                rows[k].kind = "status_change".into();
                rows[k].from = None;
                rows[k].to = Some("open".into());
            }
        }
    }
    rows
}

fn policies() -> Vec<SlaPolicy> {
    vec![
        SlaPolicy::new("urgent")
            .priorities(&["urgent".parse().unwrap()])
            .target(SlaTarget::new(SlaMetric::FirstReply, 1800).hours(Hours::Calendar))
            .target(SlaTarget::new(SlaMetric::Resolution, 8 * 3600)),
        SlaPolicy::new("chat")
            .channels(&["chat".parse().unwrap()])
            .target(SlaTarget::new(SlaMetric::NextReply, 3600).hours(Hours::Calendar))
            .target(SlaTarget::new(SlaMetric::PeriodicUpdate, 7200)),
        SlaPolicy::new("default")
            .target(SlaTarget::new(SlaMetric::FirstReply, 4 * 3600))
            .target(SlaTarget::new(SlaMetric::RequesterWait, 86_400).hours(Hours::Calendar))
            .target(SlaTarget::new(SlaMetric::Resolution, 3 * 86_400).hours(Hours::Calendar)),
    ]
}

/// Every pass that reads a log gives the same answer from both logs.
fn assert_same(fast: &TicketLog, slow: &TicketLog, ci: usize) {
    assert_eq!(fast.len(), slow.len());
    assert_eq!(fast.issues(), slow.issues());
    assert_eq!(fast.agents(), slow.agents());
    let cal = calendars().get(ci);
    let pols = policies();
    let cal_pols: Vec<SlaPolicy> = if cal.is_some() {
        pols
    } else {
        pols[2..].to_vec()
    };
    let pols: Vec<SlaPolicy> = if cal.is_some() {
        cal_pols
    } else {
        // Without a calendar only calendar-hours targets are allowed.
        vec![
            SlaPolicy::new("cal")
                .target(SlaTarget::new(SlaMetric::FirstReply, 3600).hours(Hours::Calendar))
                .target(SlaTarget::new(SlaMetric::NextReply, 1800).hours(Hours::Calendar))
                .target(SlaTarget::new(SlaMetric::RequesterWait, 86_400).hours(Hours::Calendar)),
        ]
    };
    for as_of in [LO + 20 * 86_400, LO + 90 * 86_400] {
        let as_of = datetime_at(as_of, 3600);
        assert_eq!(
            sla_status(fast, &pols, cal, as_of).unwrap(),
            sla_status(slow, &pols, cal, as_of).unwrap()
        );
        for rule in [PriorityChange::Recalculate, PriorityChange::Restart] {
            assert_eq!(
                sla_status_with(fast, &pols, cal, as_of, rule).unwrap(),
                sla_status_with(slow, &pols, cal, as_of, rule).unwrap()
            );
        }
        assert_eq!(
            sla_history(fast, &pols, cal, as_of, PriorityChange::Recalculate).unwrap(),
            sla_history(slow, &pols, cal, as_of, PriorityChange::Recalculate).unwrap()
        );
        let edges = [3600, 86_400, 7 * 86_400];
        assert_eq!(
            age_buckets(fast, as_of, &edges).unwrap(),
            age_buckets(slow, as_of, &edges).unwrap()
        );
    }
    let (a, b) = (
        datetime_at(LO - 86_400, 0),
        datetime_at(LO + 70 * 86_400, 0),
    );
    for p in [Period::Day, Period::Week, Period::Month] {
        assert_eq!(
            backlog(fast, "Asia/Shanghai", p, a, b).unwrap(),
            backlog(slow, "Asia/Shanghai", p, a, b).unwrap()
        );
    }
    let defs = MetricDefinitions::new().repeat_window_days(5);
    assert_eq!(
        metrics_of_log(fast, cal, defs),
        metrics_of_log(slow, cal, defs)
    );
}

fn check(rows: &[Row], ci: usize) -> Result<(), TestCaseError> {
    let ev = columns(rows, true);
    for v in [Validation::Strict, Validation::Collect] {
        match (ticket_log_columnar(&ev, v), row_log(rows, v)) {
            (Some(fast), Ok(slow)) => assert_same(&fast, &slow, ci),
            (None, Ok(_)) => prop_assert!(
                v == Validation::Strict,
                "columnar log declined a log the row path builds under Collect"
            ),
            (Some(_), Err(e)) => {
                prop_assert!(false, "columnar log built where the row path errs: {e}")
            }
            (None, Err(_)) => {}
        }
    }
    // Under Strict the columnar log declines exactly the logs with problems.
    if row_log(rows, Validation::Strict).is_ok() {
        prop_assert!(ticket_log_columnar(&ev, Validation::Strict).is_some());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_logs_same_as_row_path(
        seed in any::<u64>(),
        n in 1usize..30,
        ci in 0usize..7,
        problems in any::<bool>(),
        bad in any::<bool>(),
    ) {
        check(&random_rows(seed, n, problems, bad), ci)?;
    }
}

#[test]
fn sample_log_same_as_row_path() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../python/cx/data/ticket_events.csv"
    );
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let s = |v: &str| (!v.is_empty()).then(|| v.to_owned());
    let rows: Vec<Row> = rdr
        .records()
        .enumerate()
        .map(|(i, r)| {
            let r = r.unwrap();
            let (at, _) = cx_core::ops::parse_instant(&r[1], "at", Some(i)).unwrap();
            Row {
                ticket: r[0].to_owned(),
                at,
                kind: r[2].to_owned(),
                actor: s(&r[3]),
                public: s(&r[4]).map(|p| p == "true" || p == "True" || p == "1"),
                from: s(&r[5]),
                to: s(&r[6]),
                team: s(&r[7]),
                agent: s(&r[8]),
                ..Row::default()
            }
        })
        .collect();
    assert!(rows.len() > 10_000);
    check(&rows, 0).unwrap();
    // The same log with every tenth `created` row dropped: issues under Collect.
    let mut k = 0;
    let broken: Vec<Row> = rows
        .into_iter()
        .filter(|r| {
            k += usize::from(r.kind == "created");
            !(r.kind == "created" && k % 10 == 0)
        })
        .collect();
    let fast = ticket_log_columnar(&columns(&broken, true), Validation::Collect).unwrap();
    assert!(!fast.issues().is_empty());
    check(&broken, 0).unwrap();
}
