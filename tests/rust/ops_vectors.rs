//! Runs the hand-computed ticket-metric vectors of `tests/vectors/ops/` (the
//! Python tests run the same files).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::DateTime;
use cx_core::ops::{
    AgentCreated, BusinessCalendar, BusinessRule, CalendarSpec, EventRow, MetricDefinitions,
    StatusTimesEnd, TicketLogBuilder, TicketMetrics, Validation, metrics_of_log,
};
use cx_tests::load_vector;
use serde_json::{Value, json};

fn calendar(v: &Value) -> Option<BusinessCalendar> {
    if v.is_null() {
        return None;
    }
    if let Some(spec) = v.get("spec") {
        let spec: CalendarSpec = serde_json::from_value(spec.clone()).unwrap();
        return Some(BusinessCalendar::try_from(spec).unwrap());
    }
    assert_eq!(v["preset"], "china");
    let years: Vec<i32> = serde_json::from_value(v["years"].clone()).unwrap();
    Some(BusinessCalendar::china(&years).unwrap())
}

fn definitions(v: &Value) -> MetricDefinitions {
    let mut d = MetricDefinitions::new();
    if let Some(x) = v["agent_created"].as_str() {
        d = d.agent_created(x.parse::<AgentCreated>().unwrap());
    }
    if let Some(x) = v["validation"].as_str() {
        d = d.validation(x.parse::<Validation>().unwrap());
    }
    if let Some(x) = v["business_rule"].as_str() {
        d = d.business_rule(x.parse::<BusinessRule>().unwrap());
    }
    if let Some(x) = v["status_times_as_of"].as_str() {
        d = d.status_times_end(StatusTimesEnd::AsOf(
            DateTime::parse_from_rfc3339(x).unwrap(),
        ));
    }
    if let Some(x) = v["repeat_window_days"].as_u64() {
        d = d.repeat_window_days(x as u32);
    }
    d
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_owned)
}

fn flat(m: &TicketMetrics) -> Value {
    let mut o = serde_json::Map::new();
    let pairs = [
        ("first_reply", m.first_reply),
        ("first_resolution", m.first_resolution),
        ("full_resolution", m.full_resolution),
        ("requester_wait", m.requester_wait),
        ("agent_wait", m.agent_wait),
        ("on_hold", m.on_hold),
        ("agent_work", m.agent_work),
    ];
    for (k, e) in pairs {
        o.insert(format!("{k}_secs"), json!(e.map(|e| e.calendar_secs)));
        o.insert(
            format!("{k}_business_secs"),
            json!(e.and_then(|e| e.business_secs)),
        );
    }
    let nr: Vec<i64> = m.next_replies.iter().map(|e| e.calendar_secs).collect();
    o.insert("next_reply_secs".into(), json!(nr));
    for (k, v) in [
        ("agent_replies", m.agent_replies),
        ("requester_comments", m.requester_comments),
        ("solves", m.solves),
        ("reopens", m.reopens),
        ("reassignments", m.reassignments),
        ("assignee_stations", m.assignee_stations),
        ("group_stations", m.group_stations),
        ("escalations", m.escalations),
    ] {
        o.insert(k.into(), json!(v));
    }
    o.insert("escalated_to_urgent".into(), json!(m.escalated_to_urgent));
    o.insert("one_touch".into(), json!(m.one_touch));
    o.insert("repeat_free".into(), json!(m.repeat_free));
    o.insert("status".into(), serde_json::to_value(m.status).unwrap());
    o.insert("priority".into(), serde_json::to_value(m.priority).unwrap());
    o.insert("team".into(), json!(m.team.as_ref().map(|t| t.as_str())));
    o.insert(
        "channel".into(),
        json!(m.channel.as_ref().map(|c| c.as_str())),
    );
    Value::Object(o)
}

fn run_file(name: &str) -> usize {
    let v = load_vector(&format!("ops/{name}"));
    let mut n = 0;
    for case in v["cases"].as_array().unwrap() {
        let cname = case["name"].as_str().unwrap();
        let cal = calendar(&case["calendar"]);
        let defs = definitions(&case["definitions"]);
        let mut b = TicketLogBuilder::new();
        let rows = case["events"].as_array().unwrap();
        let owned: Vec<[Option<String>; 11]> = rows
            .iter()
            .map(|r| {
                [
                    "type",
                    "actor",
                    "from",
                    "to",
                    "team",
                    "agent",
                    "channel",
                    "priority",
                    "customer",
                    "topic",
                    "ticket_id",
                ]
                .map(|k| s(r, k))
            })
            .collect();
        for (i, (r, o)) in rows.iter().zip(&owned).enumerate() {
            let at = DateTime::parse_from_rfc3339(r["at"].as_str().unwrap()).unwrap();
            let mut row = EventRow::new(o[0].as_deref().unwrap());
            row.actor = o[1].as_deref();
            row.public = r["public"].as_bool();
            row.from = o[2].as_deref();
            row.to = o[3].as_deref();
            row.team = o[4].as_deref();
            row.agent = o[5].as_deref();
            row.channel = o[6].as_deref();
            row.priority = o[7].as_deref();
            row.customer = o[8].as_deref();
            row.topic = o[9].as_deref();
            let tid = o[10].as_deref().unwrap();
            b.push_row(tid, at.timestamp(), at.offset().local_minus_utc(), &row, i)
                .unwrap();
        }
        let log = b.build(defs.validation);
        if let Some(err) = case.get("error") {
            let e = log
                .err()
                .unwrap_or_else(|| panic!("{cname}: expected an error"));
            assert_eq!(e.code(), err["code"], "{cname}: {e}");
            assert_eq!(
                e.row().map(|r| r as u64),
                err["row"].as_u64(),
                "{cname}: {e}"
            );
            assert_eq!(e.value(), err["value"].as_str(), "{cname}: {e}");
            n += 1;
            continue;
        }
        let log = log.unwrap();
        if let Some(issues) = case.get("issues") {
            let got: Vec<Value> = log
                .issues()
                .iter()
                .map(|i| json!({"ticket": i.ticket.as_str(), "row": i.event_index, "kind": i.kind.as_str()}))
                .collect();
            assert_eq!(&Value::Array(got), issues, "{cname}");
        }
        let report = metrics_of_log(&log, cal.as_ref(), defs);
        for (tid, exp) in case["expected"].as_object().unwrap() {
            let m = report
                .tickets
                .iter()
                .find(|m| m.ticket.as_str() == tid)
                .unwrap_or_else(|| panic!("{cname}: no ticket {tid}"));
            let got = flat(m);
            for (k, want) in exp.as_object().unwrap() {
                assert!(got.get(k).is_some(), "{cname}: unknown key {k}");
                assert_eq!(&got[k], want, "{cname} {tid} {k}");
            }
            n += 1;
        }
    }
    n
}

#[test]
fn ticket_metrics_vectors() {
    let files = [
        "ticket_metrics_basic.json",
        "ticket_metrics_edge_cases.json",
        "ticket_metrics_business.json",
        "ticket_metrics_hops_fcr.json",
        "ticket_metrics_malformed.json",
    ];
    let n: usize = files.iter().map(|f| run_file(f)).sum();
    assert!(n >= 20, "only {n} checks ran");
}

#[test]
fn sla_vectors() {
    use cx_core::ops::{SlaPolicy, SlaSegment, SlaState, sla_compliance, sla_status};
    let v = load_vector("ops/sla_status.json");
    let tol = v["tolerance"].as_f64().unwrap();
    for case in v["cases"].as_array().unwrap() {
        let cal = calendar(&case["calendar"]);
        let policies: Vec<SlaPolicy> = serde_json::from_value(case["policies"].clone()).unwrap();
        let as_of = DateTime::parse_from_rfc3339(case["as_of"].as_str().unwrap()).unwrap();
        let mut b = TicketLogBuilder::new();
        for (i, r) in case["events"].as_array().unwrap().iter().enumerate() {
            let at = DateTime::parse_from_rfc3339(r["at"].as_str().unwrap()).unwrap();
            let (kind, actor, from, to) = (
                s(r, "type").unwrap(),
                s(r, "actor"),
                s(r, "from"),
                s(r, "to"),
            );
            let (prio, chan) = (s(r, "priority"), s(r, "channel"));
            let mut row = EventRow::new(&kind);
            row.actor = actor.as_deref();
            row.public = r["public"].as_bool();
            row.from = from.as_deref();
            row.to = to.as_deref();
            row.priority = prio.as_deref();
            row.channel = chan.as_deref();
            b.push_row(
                r["ticket_id"].as_str().unwrap(),
                at.timestamp(),
                at.offset().local_minus_utc(),
                &row,
                i,
            )
            .unwrap();
        }
        let log = b.build(Validation::Strict).unwrap();
        let recs = sla_status(&log, &policies, cal.as_ref(), as_of).unwrap();
        let exp = case["expected_records"].as_array().unwrap();
        assert_eq!(recs.len(), exp.len());
        for e in exp {
            let r = recs
                .iter()
                .find(|r| r.ticket.as_str() == e["ticket"] && r.metric.as_str() == e["metric"])
                .unwrap_or_else(|| panic!("missing {e}"));
            assert_eq!(r.policy, e["policy"].as_str().unwrap(), "{e}");
            assert_eq!(r.state.as_str(), e["state"].as_str().unwrap(), "{e}");
            let want_at = e
                .get("at")
                .map(|a| DateTime::parse_from_rfc3339(a.as_str().unwrap()).unwrap());
            match r.state {
                SlaState::Achieved { at, elapsed_secs } => {
                    assert_eq!(Some(at), want_at, "{e}");
                    assert_eq!(elapsed_secs, e["elapsed_secs"].as_i64().unwrap(), "{e}");
                }
                SlaState::Breached { at, overshoot_secs } => {
                    assert_eq!(Some(at), want_at, "{e}");
                    assert_eq!(overshoot_secs, e["overshoot_secs"].as_i64().unwrap(), "{e}");
                }
                SlaState::Active {
                    remaining_secs,
                    paused,
                } => {
                    assert_eq!(remaining_secs, e["remaining_secs"].as_i64().unwrap(), "{e}");
                    assert_eq!(paused, e["paused"].as_bool().unwrap(), "{e}");
                }
                _ => panic!("unexpected state"),
            }
        }
        let c = &case["expected_compliance"];
        let got =
            sla_compliance(&recs, SlaSegment::All, c["confidence"].as_f64().unwrap()).unwrap();
        assert_eq!(got.len(), 1);
        let g = &got[0];
        assert_eq!((g.achieved, g.breached, g.active), (3, 5, 6));
        assert!(
            (g.achievement_rate.unwrap() - c["achievement_rate"].as_f64().unwrap()).abs() <= tol
        );
        assert!((g.ci_low.unwrap() - c["ci_low"].as_f64().unwrap()).abs() <= tol.max(1e-12));
        assert!((g.ci_high.unwrap() - c["ci_high"].as_f64().unwrap()).abs() <= tol.max(1e-12));
    }
}

#[test]
fn backlog_vectors() {
    use cx_core::ops::{Period, age_buckets, backlog, open_at};
    let v = load_vector("ops/backlog.json");
    for case in v["cases"].as_array().unwrap() {
        let mut b = TicketLogBuilder::new();
        for (i, r) in case["events"].as_array().unwrap().iter().enumerate() {
            let at = DateTime::parse_from_rfc3339(r["at"].as_str().unwrap()).unwrap();
            let (kind, actor, from, to) = (
                s(r, "type").unwrap(),
                s(r, "actor"),
                s(r, "from"),
                s(r, "to"),
            );
            let mut row = EventRow::new(&kind);
            row.actor = actor.as_deref();
            row.from = from.as_deref();
            row.to = to.as_deref();
            b.push_row(r["ticket_id"].as_str().unwrap(), at.timestamp(), 0, &row, i)
                .unwrap();
        }
        let log = b.build(Validation::Strict).unwrap();
        let t = |k: &Value| DateTime::parse_from_rfc3339(k.as_str().unwrap()).unwrap();
        let period: Period = case["period"].as_str().unwrap().parse().unwrap();
        let rows = backlog(
            &log,
            case["time_zone"].as_str().unwrap(),
            period,
            t(&case["from"]),
            t(&case["to"]),
        )
        .unwrap();
        let exp = case["expected_periods"].as_array().unwrap();
        assert_eq!(rows.len(), exp.len());
        for (r, e) in rows.iter().zip(exp) {
            assert_eq!(r.start, t(&e["start"]));
            let got = [
                r.open_at_start,
                r.created,
                r.reopened,
                r.resolved,
                r.open_at_end,
            ];
            let want = [
                "open_at_start",
                "created",
                "reopened",
                "resolved",
                "open_at_end",
            ]
            .map(|k| e[k].as_u64().unwrap());
            assert_eq!(got, want, "{e}");
        }
        assert_eq!(
            open_at(&log, t(&case["open_at"]["at"])),
            case["open_at"]["count"].as_u64().unwrap()
        );
        for a in case["age_buckets"].as_array().unwrap() {
            let edges: Vec<i64> = serde_json::from_value(a["edges_secs"].clone()).unwrap();
            let counts: Vec<u64> = age_buckets(&log, t(&a["at"]), &edges)
                .unwrap()
                .iter()
                .map(|b| b.count)
                .collect();
            let want: Vec<u64> = serde_json::from_value(a["counts"].clone()).unwrap();
            assert_eq!(counts, want);
        }
    }
}
