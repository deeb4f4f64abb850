//! The columnar fast path of ticket metrics equals the row path, and the
//! calendar index equals the exact business-time walk.
//!
//! - `CalendarIndex` vs `BusinessCalendar::duration_unix` /
//!   `duration_unix_with_schedule_at` for random instants over calendars with
//!   split shifts, holidays, make-up days, DST zones (incl. a 30-minute DST
//!   shift) and dated schedule changes (proptest);
//! - `ticket_metrics_columnar` vs `TicketLogBuilder::push_row` +
//!   `metrics_of_log` on the bundled sample (`python/cx/data/ticket_events.csv`)
//!   and on random logs (shuffled rows, agent-created tickets, reopens,
//!   reassignments, priority changes, customers/topics, every definition
//!   option); where the row path errs, the fast path must decline (`None`);
//! - dictionaries past the narrow code widths (`u8` up to 255 distinct values,
//!   `u16` up to 65 535): more than 255 agents, actors and teams, more than
//!   65 535 tickets, through `ticket_metrics_columnar` and `ticket_log_columnar`.
#![allow(clippy::unwrap_used)]

use cx_core::ops::columnar::{
    Codes, ColumnarMetrics, MetricColumns, NONE, NULL, ticket_log_columnar, ticket_metrics_chunks,
    ticket_metrics_columnar,
};
use cx_core::ops::{
    AgentCreated, BusinessCalendar, BusinessRule, CalendarIndex, Elapsed, MetricDefinitions,
    StatusTimesEnd, TicketMetrics, Validation, datetime_at, metrics_of_log, parse_instant,
};
use cx_tests::calendars;
use cx_tests::event_rows::{Row, columns, row_log};
use proptest::prelude::*;

// 2024-01-01 .. 2025-12-31 in Unix seconds.
const LO: i64 = 1_704_067_200;
const HI: i64 = 1_767_139_200;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn index_equals_exact_walk(ci in 0usize..5, a in LO..HI, len in -3_000_000i64..3_000_000, at in LO..HI) {
        let cal = &calendars()[ci];
        let b = (a + len).clamp(LO, HI);
        let idx = CalendarIndex::new(cal, LO, HI);
        prop_assert_eq!(idx.duration(a, b), cal.duration_unix(a, b));
        prop_assert_eq!(
            idx.duration_with_schedule_at(a, b, at),
            cal.duration_unix_with_schedule_at(a, b, at)
        );
        // Outside the indexed span the exact walk answers.
        let small = CalendarIndex::new(cal, a.min(b), a.min(b) + 3600);
        prop_assert_eq!(small.duration(a, b), cal.duration_unix(a, b));
    }
}

/// The row path, as the Python binding feeds it (only the columns each type uses).
fn row_path(
    rows: &[Row],
    cal: Option<&BusinessCalendar>,
    defs: MetricDefinitions,
) -> cx_core::Result<Vec<TicketMetrics>> {
    let log = row_log(rows, defs.validation)?;
    Ok(metrics_of_log(&log, cal, defs).tickets)
}

fn opt_i64(v: i64) -> Option<i64> {
    (v != NONE).then_some(v)
}

fn tri(v: u8) -> Option<bool> {
    (v != 2).then_some(v == 1)
}

/// Compare the columnar result with the row path's, ticket by ticket.
fn assert_same(fast: &ColumnarMetrics<'_>, slow: &[TicketMetrics]) {
    let c = &fast.columns;
    assert_eq!(c.len(), slow.len());
    for (i, m) in slow.iter().enumerate() {
        let name = |k: u32, f: &dyn Fn(usize) -> Option<String>| {
            if k == NULL { None } else { f(k as usize) }
        };
        assert_eq!(fast.tickets[c.ticket[i] as usize], m.ticket.as_str());
        let id = m.ticket.as_str();
        assert_eq!(
            name(c.channel[i], &|k| fast
                .channels
                .get(k)
                .map(|x| x.as_str().to_owned())),
            m.channel.as_ref().map(|x| x.as_str().to_owned()),
            "{id} channel"
        );
        assert_eq!(c.priority[i], m.priority, "{id} priority");
        assert_eq!(
            name(c.team[i], &|k| fast
                .teams
                .get(k)
                .map(|x| x.as_str().to_owned())),
            m.team.as_ref().map(|x| x.as_str().to_owned()),
            "{id} team"
        );
        assert_eq!(
            name(c.customer[i], &|k| fast
                .customers
                .get(k)
                .map(|x| x.as_str().to_owned())),
            m.customer.as_ref().map(|x| x.as_str().to_owned()),
            "{id} customer"
        );
        assert_eq!(c.status[i], m.status, "{id} status");
        assert_eq!(c.instants[0][i], m.created_at.timestamp(), "{id}");
        let ts = |x: &Option<chrono::DateTime<chrono::FixedOffset>>| x.map(|t| t.timestamp());
        assert_eq!(opt_i64(c.instants[1][i]), ts(&m.first_reply_at), "{id}");
        assert_eq!(opt_i64(c.instants[2][i]), ts(&m.first_solved_at), "{id}");
        assert_eq!(opt_i64(c.instants[3][i]), ts(&m.last_solved_at), "{id}");
        let durs: [Option<Elapsed>; 7] = [
            m.first_reply,
            m.first_resolution,
            m.full_resolution,
            m.requester_wait,
            m.agent_wait,
            m.on_hold,
            m.agent_work,
        ];
        for (k, d) in durs.iter().enumerate() {
            assert_eq!(
                opt_i64(c.durations[k][0][i]),
                d.map(|e| e.calendar_secs),
                "{id} duration {k}"
            );
            assert_eq!(
                opt_i64(c.durations[k][1][i]),
                d.and_then(|e| e.business_secs),
                "{id} business duration {k}"
            );
        }
        let lo = if i == 0 {
            0
        } else {
            c.next_end[i - 1] as usize
        };
        let hi = c.next_end[i] as usize;
        let cal: Vec<i64> = c.next_reply[0][lo..hi].to_vec();
        let bus: Vec<Option<i64>> = c.next_reply[1][lo..hi]
            .iter()
            .map(|&x| opt_i64(x))
            .collect();
        assert_eq!(
            cal,
            m.next_replies
                .iter()
                .map(|e| e.calendar_secs)
                .collect::<Vec<_>>(),
            "{id}"
        );
        assert_eq!(
            bus,
            m.next_replies
                .iter()
                .map(|e| e.business_secs)
                .collect::<Vec<_>>(),
            "{id}"
        );
        let counts = [
            m.agent_replies,
            m.requester_comments,
            m.solves,
            m.reopens,
            m.reassignments,
            m.assignee_stations,
            m.group_stations,
            m.escalations,
        ];
        for (k, v) in counts.iter().enumerate() {
            assert_eq!(c.counts[k][i], i64::from(*v), "{id} count {k}");
        }
        assert_eq!(c.escalated_to_urgent[i], m.escalated_to_urgent, "{id}");
        assert_eq!(tri(c.one_touch[i]), m.one_touch, "{id} one_touch");
        assert_eq!(tri(c.repeat_free[i]), m.repeat_free, "{id} repeat_free");
    }
}

fn sample_rows() -> Vec<Row> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../python/cx/data/ticket_events.csv"
    );
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let s = |v: &str| (!v.is_empty()).then(|| v.to_owned());
    rdr.records()
        .enumerate()
        .map(|(i, r)| {
            let r = r.unwrap();
            let (at, _) = parse_instant(&r[1], "at", Some(i)).unwrap();
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
        .collect()
}

fn all_defs() -> Vec<MetricDefinitions> {
    let as_of = datetime_at(1_735_000_000, 28_800);
    let mut v = Vec::new();
    for ac in [
        AgentCreated::SecondPublicAgentComment,
        AgentCreated::FirstAfterCreation,
        AgentCreated::FirstPublicAgentComment,
    ] {
        for rule in [BusinessRule::Zendesk, BusinessRule::DayByDay] {
            for end in [StatusTimesEnd::LatestSolve, StatusTimesEnd::AsOf(as_of)] {
                v.push(
                    MetricDefinitions::new()
                        .agent_created(ac)
                        .business_rule(rule)
                        .status_times_end(end)
                        .repeat_window_days(3),
                );
            }
        }
    }
    v
}

#[test]
fn sample_log_same_as_row_path() {
    let rows = sample_rows();
    assert!(rows.len() > 10_000);
    let ev = columns(&rows, false);
    for (ci, cal) in [None, Some(&calendars()[0]), Some(&calendars()[2])]
        .into_iter()
        .enumerate()
    {
        for defs in all_defs() {
            let slow = row_path(&rows, cal, defs).unwrap();
            for threads in [1, 3] {
                let fast = ticket_metrics_columnar(&ev, cal, defs, threads)
                    .unwrap_or_else(|| panic!("fast path declined (calendar {ci})"));
                assert_same(&fast, &slow);
            }
        }
    }
    // Collect on the clean sample takes the fast path and equals the row path.
    let collect = MetricDefinitions::new().validation(Validation::Collect);
    let fast = ticket_metrics_columnar(&ev, None, collect, 1).unwrap();
    assert_same(&fast, &row_path(&rows, None, collect).unwrap());
}

/// A random log: `n` tickets with valid status chains, optionally broken.
fn random_rows(seed: u64, n: usize, break_one: bool) -> Vec<Row> {
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
        let id = if rnd(7) == 0 {
            format!(" T{t}")
        } else {
            format!("T{t}")
        };
        let created = LO + rnd(600 * 86_400) as i64;
        let by_agent = rnd(4) == 0;
        let cust = format!("c{}", rnd(5));
        let topic = ["billing", "delivery"][rnd(2) as usize].to_owned();
        let channel = ["email", "chat", "phone"][rnd(3) as usize].to_owned();
        let mut r0 = Row {
            ticket: id.clone(),
            at: created,
            kind: "created".into(),
            actor: Some(if by_agent {
                "agent:a1".into()
            } else {
                "requester".into()
            }),
            ..Row::default()
        };
        if rnd(2) == 0 {
            r0.customer = Some(cust.clone());
            r0.topic = Some(topic.clone());
            r0.channel = Some(channel.clone());
            r0.priority = Some(prios[rnd(4) as usize].into());
        }
        rows.push(r0);
        let mut at = created;
        let mut status = 0usize;
        let mut prio = rnd(4) as usize;
        for _ in 0..rnd(14) {
            at += if rnd(5) == 0 {
                0
            } else {
                rnd(3 * 86_400) as i64
            };
            let mut r = Row {
                ticket: id.clone(),
                at,
                ..Row::default()
            };
            match rnd(9) {
                0 | 1 => {
                    r.kind = "comment".into();
                    r.actor = Some(
                        ["agent:a1", "agent:a2", "requester", "system"][rnd(4) as usize].into(),
                    );
                    r.public = [None, Some(true), Some(false)][rnd(3) as usize];
                }
                2 => {
                    r.kind = "comment".into();
                    r.actor = Some("requester".into());
                }
                3 | 4 => {
                    let to = rnd(6) as usize;
                    r.kind = "status_change".into();
                    r.from = Some(statuses[status].into());
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
                    r.team = [None, Some("t1".into()), Some("t2 ".into())][rnd(3) as usize].clone();
                    r.agent = [
                        None,
                        Some("a1".into()),
                        Some("a2".into()),
                        Some("a3".into()),
                    ][rnd(4) as usize]
                        .clone();
                }
                7 => {
                    let to = rnd(4) as usize;
                    r.kind = "priority_change".into();
                    r.from = Some(prios[prio].into());
                    r.to = Some(prios[to].into());
                    prio = to;
                }
                _ => {
                    r.kind = "comment".into();
                    r.actor = Some("agent:a3".into());
                    r.public = Some(true);
                    if rnd(3) == 0 {
                        r.customer = Some(cust.clone());
                        r.topic = Some(format!(" {topic}"));
                    }
                }
            }
            rows.push(r);
        }
    }
    // Shuffle part of the rows (tickets interleave, times out of order).
    for _ in 0..rows.len() / 3 {
        let (i, j) = (
            rnd(rows.len() as u64) as usize,
            rnd(rows.len() as u64) as usize,
        );
        rows.swap(i, j);
    }
    if break_one && !rows.is_empty() {
        let k = rnd(rows.len() as u64) as usize;
        match rnd(4) {
            0 => rows[k].kind = "bogus".into(),
            1 => rows[k].at = LO - 86_400,
            2 => rows[k].channel = Some("pigeon".into()),
            _ => {
                rows[k].kind = "status_change".into();
                rows[k].from = Some("nonsense".into());
                rows[k].to = Some("open".into());
            }
        }
    }
    rows
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_logs_same_as_row_path(
        seed in any::<u64>(),
        n in 1usize..40,
        ci in 0usize..6,
        di in 0usize..12,
        attrs in any::<bool>(),
        break_one in any::<bool>(),
        threads in 1usize..4,
    ) {
        let rows = random_rows(seed, n, break_one);
        let cal = calendars().get(ci);
        let defs = all_defs()[di];
        let ev = columns(&rows, attrs);
        let rows_for_slow: Vec<Row> = if attrs {
            rows.clone()
        } else {
            rows.iter().cloned().map(|mut r| {
                r.channel = None; r.priority = None; r.customer = None; r.topic = None; r
            }).collect()
        };
        let fast = ticket_metrics_columnar(&ev, cal, defs, threads);
        match row_path(&rows_for_slow, cal, defs) {
            Ok(slow) => {
                // A valid log must take the fast path (random status chains
                // are valid by construction).
                let fast = fast.unwrap_or_else(|| panic!("fast path declined a valid log"));
                assert_same(&fast, &slow);
            }
            Err(_) => prop_assert!(fast.is_none(), "fast path answered where the row path errs"),
        }
        // Under Collect the fast path answers exactly when the log is clean, and then
        // equals the row path's collected table; a broken log is left to the row path.
        let collect = defs.validation(Validation::Collect);
        let clean = row_path(&rows_for_slow, cal, defs).is_ok();
        match (ticket_metrics_columnar(&ev, cal, collect, threads), row_path(&rows_for_slow, cal, collect)) {
            (Some(fast), Ok(slow)) => {
                prop_assert!(clean, "fast path answered a log with problems under Collect");
                assert_same(&fast, &slow);
            }
            (Some(_), Err(e)) => prop_assert!(false, "fast path answered where the row path errs: {e}"),
            (None, _) => prop_assert!(!clean, "fast path declined a clean log under Collect"),
        }
    }
}

/// Large enough for several threads (20 000 tickets each; the sample log
/// repeated 30 times under other ticket ids, every tenth ticket with a
/// customer and topic): the threads' chunks, concatenated, are the one-thread
/// columns, and the joined table (`ticket_metrics_columnar`) equals them and
/// the row path.
#[test]
fn thread_chunks_concatenate_to_one_thread_result() {
    let sample = sample_rows();
    let mut rows = Vec::with_capacity(sample.len() * 30);
    for k in 0..30 {
        rows.extend(sample.iter().cloned().map(|mut r| {
            if r.kind == "created" && r.ticket.len() % 10 == k % 10 {
                r.customer = Some(format!("c{}", k % 4));
                r.topic = Some("billing".into());
            }
            r.ticket = format!("{}~{k}", r.ticket);
            r
        }));
    }
    for (attrs, cal) in [(false, None), (false, Some(&calendars()[0])), (true, None)] {
        let ev = columns(&rows, attrs);
        let defs = MetricDefinitions::new();
        let one = ticket_metrics_columnar(&ev, cal, defs, 1).unwrap().columns;
        assert_eq!(one.len(), 45_000);
        let joined = ticket_metrics_columnar(&ev, cal, defs, 3).unwrap();
        assert_eq!(joined.columns, one);
        let chunks = ticket_metrics_chunks(&ev, cal, defs, 3).unwrap().chunks;
        // Repeat contact (customers and topics) looks across tickets: one chunk.
        assert_eq!(chunks.len(), if attrs { 1 } else { 3 });
        let cat =
            |f: fn(&MetricColumns) -> Vec<i64>| -> Vec<i64> { chunks.iter().flat_map(f).collect() };
        let widen = |v: &[u32]| v.iter().map(|&x| i64::from(x)).collect::<Vec<i64>>();
        assert_eq!(
            cat(|c| c.ticket.iter().map(|&x| i64::from(x)).collect()),
            widen(&one.ticket)
        );
        for k in 0..4 {
            let got: Vec<i64> = chunks.iter().flat_map(|c| c.instants[k].clone()).collect();
            assert_eq!(got, one.instants[k]);
        }
        for k in 0..7 {
            for b in 0..2 {
                let got: Vec<i64> = chunks
                    .iter()
                    .flat_map(|c| c.durations[k][b].clone())
                    .collect();
                assert_eq!(got, one.durations[k][b]);
            }
        }
        for b in 0..2 {
            let got: Vec<i64> = chunks
                .iter()
                .flat_map(|c| c.next_reply[b].clone())
                .collect();
            assert_eq!(got, one.next_reply[b]);
        }
        let mut base = 0;
        let mut ends = Vec::new();
        for c in &chunks {
            ends.extend(c.next_end.iter().map(|e| e + base));
            base += c.next_reply[0].len() as u32;
        }
        assert_eq!(ends, one.next_end);
        assert_eq!(
            cat(|c| c.repeat_free.iter().map(|&x| i64::from(x)).collect()),
            one.repeat_free
                .iter()
                .map(|&x| i64::from(x))
                .collect::<Vec<_>>()
        );
        if attrs {
            // The rows carry customers and topics: the row path sees them too.
            assert_same(&joined, &row_path(&rows, cal, defs).unwrap());
        }
    }
}

/// Dictionaries past the narrow code widths: 300 tickets (`u16` ticket codes)
/// and 90 000 tickets (`u32`; fewer after dropping the tickets whose shuffled
/// rows broke their status chain, still past 65 535) with up to 700 distinct agents, actors and teams
/// (`u16` where `u8` was enough before). The columnar metrics and the columnar
/// log equal the row path.
#[test]
fn wide_dictionaries_same_as_row_path() {
    for n in [300usize, 90_000] {
        let mut rows = random_rows(7 + n as u64, n, false);
        // Shuffled rows can break a ticket's status chain: keep the clean tickets.
        let bad: std::collections::HashSet<String> = row_log(&rows, Validation::Collect)
            .unwrap()
            .issues()
            .iter()
            .map(|i| i.ticket.as_str().to_owned())
            .collect();
        rows.retain(|r| !bad.contains(r.ticket.trim()));
        for (i, r) in rows.iter_mut().enumerate() {
            let k = i % 700;
            if r.agent.is_some() {
                r.agent = Some(format!("a{k}"));
            }
            if r.team.is_some() {
                r.team = Some(format!("t{k}"));
            }
            if r.actor.as_deref().is_some_and(|a| a.starts_with("agent:")) {
                r.actor = Some(format!("agent:x{k}"));
            }
        }
        let ev = columns(&rows, true);
        let wide = |c: &Codes| match c {
            Codes::U8(_) => 1,
            Codes::U16(_) => 2,
            _ => 4,
        };
        let tickets = ev.ticket.values.len();
        assert!(
            tickets > 255 && (n < 65_536 || tickets > 65_535),
            "{tickets}"
        );
        assert_eq!(wide(&ev.ticket.codes), if n > 65_535 { 4 } else { 2 });
        assert_eq!(wide(&ev.kind.codes), 1);
        if n > 65_535 {
            for c in [&ev.agent, &ev.team, &ev.actor] {
                assert_eq!(wide(&c.as_ref().unwrap().codes), 2);
            }
        }
        let defs = MetricDefinitions::new();
        let cal = calendars().first();
        let slow = row_path(&rows, cal, defs).unwrap();
        let fast = ticket_metrics_columnar(&ev, cal, defs, 2).unwrap();
        assert_same(&fast, &slow);
        let log = ticket_log_columnar(&ev, Validation::Strict).unwrap();
        let slow = row_log(&rows, Validation::Strict).unwrap();
        assert_eq!(log.agents(), slow.agents());
        assert_eq!(
            metrics_of_log(&log, cal, defs).tickets,
            metrics_of_log(&slow, cal, defs).tickets
        );
    }
}
