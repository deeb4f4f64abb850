//! The closed loop: state machine table, audit trail, routing explanations,
//! consent, escalation and closed-loop metrics (hand-computed expectations).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, FixedOffset};
use cx_core::CxError;
use cx_core::cases::followup::{
    FollowUpPlan, escalate, plan_follow_up, record_follow_up, sla_risk,
};
use cx_core::cases::routing::{RouteInput, Router, RoutingRules, Taxonomy};
use cx_core::cases::{Case, CaseState, FollowUpOutcome, Transition};
use cx_core::model::{Channel, Consent, FeedbackKind, Priority};
use cx_core::ops::{BusinessCalendar, Hours, SlaMetric, SlaPolicy, SlaTarget, WeeklyHours};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap_or_default()
}

/// The documented table, written out by hand: (state, transition) → target.
const LEGAL: &[(CaseState, Transition, CaseState)] = {
    use CaseState as S;
    use Transition as T;
    &[
        (S::New, T::Triage, S::Triaged),
        (S::Triaged, T::Assign, S::Assigned),
        (S::Assigned, T::Assign, S::Assigned),
        (S::InProgress, T::Assign, S::Assigned),
        (S::WaitingForCustomer, T::Assign, S::Assigned),
        (S::Assigned, T::Start, S::InProgress),
        (S::InProgress, T::AwaitCustomer, S::WaitingForCustomer),
        (S::WaitingForCustomer, T::Resume, S::InProgress),
        (S::InProgress, T::Resolve, S::Resolved),
        (S::WaitingForCustomer, T::Resolve, S::Resolved),
        (S::Resolved, T::FollowUp, S::FollowedUp),
        (S::Resolved, T::Close, S::Closed),
        (S::FollowedUp, T::Close, S::Closed),
        (S::Resolved, T::Reopen, S::InProgress),
        (S::FollowedUp, T::Reopen, S::InProgress),
    ]
};

fn case_in(state: CaseState) -> Case {
    let mut c = Case::new("K-7", "logistics", at("2024-03-01T09:00:00+08:00"))
        .unwrap_or_else(|_| unreachable!());
    c.state = state;
    c
}

#[test]
fn every_state_transition_pair_follows_the_table() {
    let mut checked = 0;
    for s in CaseState::ALL {
        for t in Transition::ALL {
            let expected = LEGAL
                .iter()
                .find(|(a, b, _)| *a == s && *b == t)
                .map(|x| x.2);
            let mut c = case_in(s);
            let got = c.apply(t, "ann", at("2024-03-01T10:00:00+08:00"));
            match (expected, got) {
                (Some(to), Ok(entry)) => {
                    assert_eq!(c.state, to, "{s} --{t}-->");
                    assert_eq!(c.version, 2);
                    assert_eq!(entry.action, t.as_str());
                    assert_eq!(entry.actor, "ann");
                    if s != to {
                        assert_eq!(entry.before["state"], s.as_str());
                        assert_eq!(entry.after["state"], to.as_str());
                    }
                }
                (None, Err(e)) => {
                    assert_eq!(
                        e,
                        CxError::IllegalTransition {
                            case: "K-7".into(),
                            state: s.as_str().into(),
                            transition: t.as_str().into()
                        }
                    );
                    assert_eq!(e.code(), "illegal_transition");
                    assert_eq!(c.state, s, "an illegal transition changes nothing");
                    assert_eq!(c.version, 1);
                }
                (exp, got) => panic!("{s} --{t}--> expected {exp:?}, got {got:?}"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 8 * 9);
}

#[test]
fn closed_is_terminal() {
    for t in Transition::ALL {
        assert_eq!(t.target(CaseState::Closed), None, "{t}");
    }
}

#[test]
fn reopen_counts_and_clears_resolution() -> cx_core::Result<()> {
    let mut c = case_in(CaseState::InProgress);
    c.apply(Transition::Resolve, "a", at("2024-03-01T11:00:00+08:00"))?;
    assert!(c.resolved_at.is_some());
    let e = c.apply(Transition::Reopen, "b", at("2024-03-02T11:00:00+08:00"))?;
    assert_eq!(c.reopen_count, 1);
    assert_eq!(c.resolved_at, None);
    assert_eq!(e.before["reopen_count"], 0);
    assert_eq!(e.after["reopen_count"], 1);
    assert_eq!(e.after["resolved_at"], serde_json::Value::Null);
    Ok(())
}

#[test]
fn audit_entry_keeps_only_changed_fields() -> cx_core::Result<()> {
    let mut c = case_in(CaseState::Assigned);
    let e = c.apply(Transition::Start, "ann", at("2024-03-01T09:30:00+08:00"))?;
    let keys: Vec<&String> = e
        .after
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    assert_eq!(keys, ["first_contact_at", "state", "updated_at", "version"]);
    assert_eq!(e.before["first_contact_at"], serde_json::Value::Null);
    assert_eq!(e.after["first_contact_at"], "2024-03-01T09:30:00+08:00");
    Ok(())
}

fn data(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../python/cx/data")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

fn sample_router() -> Router {
    Router::new(
        RoutingRules::from_json(&data("routing.json")).unwrap(),
        Taxonomy::from_json(&data("topics.json")).unwrap(),
    )
    .unwrap()
}

#[test]
fn first_matching_rule_fires_and_explains_itself() {
    let r = sample_router();
    // VIP detractor complaining about a refund on social media: rule 0 wins.
    let ch = Channel::SocialMedia;
    let d = r.route(&RouteInput {
        channel: Some(&ch),
        kind: Some(FeedbackKind::Complaint),
        nps: Some(3),
        segment: Some("VIP"),
        text: Some("退款还没到账"),
        ..Default::default()
    });
    assert_eq!(d.rule.as_deref(), Some("vip-detractor"));
    assert_eq!(d.rule_index, Some(0));
    assert_eq!(
        (d.team.as_str(), d.priority),
        ("vip-care", Priority::Urgent)
    );
    assert_eq!(d.matched, ["nps 3 ≤ 6", "segment VIP"]);
    assert_eq!(d.case_reasons, ["detractor", "complaint"]);
    assert!(d.create_case);
    // The same text from an ordinary customer falls to the public-complaint rule.
    let d = r.route(&RouteInput {
        channel: Some(&ch),
        kind: Some(FeedbackKind::Complaint),
        nps: Some(3),
        segment: Some("普通"),
        text: Some("退款还没到账"),
        ..Default::default()
    });
    assert_eq!(d.rule.as_deref(), Some("public-complaint"));
    assert_eq!(d.matched, ["channel social_media", "kind complaint"]);
    // Phone: the topic decides, with the keyword that matched.
    let ph = Channel::Phone;
    let d = r.route(&RouteInput {
        channel: Some(&ph),
        kind: Some(FeedbackKind::Complaint),
        text: Some("Returned the item ten days ago and still no REFUND."),
        ..Default::default()
    });
    assert_eq!(d.rule.as_deref(), Some("payments"));
    assert_eq!(d.matched, ["topic 退款慢 (keyword \"refund\")"]);
    assert_eq!(
        d.explain(),
        "rule \"payments\" fired → team payments (normal): topic 退款慢 (keyword \"refund\"); case opened (complaint)"
    );
}

#[test]
fn default_target_and_triggers() {
    let r = sample_router();
    let d = r.route(&RouteInput {
        nps: Some(10),
        kind: Some(FeedbackKind::Praise),
        text: Some("回访电话很贴心"),
        ..Default::default()
    });
    assert_eq!(d.rule, None);
    assert_eq!(d.team, "cx-desk");
    assert!(!d.create_case && d.case_reasons.is_empty());
    let d = r.route(&RouteInput {
        csat: Some(2),
        ..Default::default()
    });
    assert_eq!(d.case_reasons, ["low_csat"]);
    let d = r.route(&RouteInput {
        csat: Some(3),
        nps: Some(7),
        ..Default::default()
    });
    assert!(!d.create_case);
}

#[test]
fn pattern_condition_names_the_match() {
    let rules = RoutingRules::from_json(
        r#"{"rules": [{"name": "order-no", "when": {"pattern": "订单号 ?\\d{16}", "csat_max": 2},
            "team": "orders"}], "default": {"team": "desk"}}"#,
    )
    .unwrap();
    let r = Router::new(rules, Taxonomy::default()).unwrap();
    let d = r.route(&RouteInput {
        csat: Some(1),
        text: Some("申请退款一直在审核中（订单号 2024062245303479）"),
        ..Default::default()
    });
    assert_eq!(d.team, "orders");
    assert_eq!(
        d.matched,
        [
            "csat 1 ≤ 2",
            "pattern \"订单号 ?\\\\d{16}\" matched \"订单号 2024062245303479\""
        ]
    );
}

#[test]
fn bad_rules_are_typed_errors() {
    let bad_re = RoutingRules::from_json(
        r#"{"rules": [{"name": "r1", "when": {"pattern": "("}, "team": "t"}], "default": {"team": "d"}}"#,
    )
    .unwrap();
    let e = Router::new(bad_re, Taxonomy::default()).unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        ("invalid_value", Some("rules[r1].when.pattern"))
    );
    let unknown_topic = RoutingRules::from_json(
        r#"{"rules": [{"name": "r1", "when": {"topics": ["nope"]}, "team": "t"}], "default": {"team": "d"}}"#,
    )
    .unwrap();
    let e = Router::new(unknown_topic, Taxonomy::default()).unwrap_err();
    assert_eq!(e.code(), "invalid_option");
    let typo = RoutingRules::from_json(
        r#"{"rules": [{"name": "r1", "when": {"nps_maxx": 6}, "team": "t"}], "default": {"team": "d"}}"#,
    );
    assert_eq!(typo.unwrap_err().code(), "format");
}

#[test]
fn taxonomy_recovers_the_planted_complaint_causes() {
    let r = sample_router();
    let text = data("sample_feedback.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let (mut ok, mut n) = (0, 0);
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let (kind, txt, tag) = (&rec[5], &rec[9], &rec[10]);
        if kind != "complaint" || tag.is_empty() {
            continue;
        }
        n += 1;
        ok += usize::from(r.topic(txt).is_some_and(|t| t.topic == tag));
    }
    // 5 of the 962 are generator templates tagged 物流延迟 whose text is about invoices.
    assert_eq!((ok, n), (957, 962));
}

fn resolved_case() -> Case {
    let mut c = case_in(CaseState::InProgress);
    c.apply(Transition::Resolve, "ann", at("2024-03-01T12:00:00+08:00"))
        .unwrap();
    c
}

#[test]
fn no_follow_up_task_without_consent() {
    let mut c = resolved_case();
    let before = c.clone();
    let withdrawn = Consent::all().follow_up_calls(false);
    let plan = plan_follow_up(
        &mut c,
        &withdrawn,
        "bot",
        at("2024-03-01T12:00:00+08:00"),
        86_400,
    )
    .unwrap();
    assert_eq!(plan, FollowUpPlan::NoConsent);
    assert_eq!(c, before, "the case is untouched");
    // ... and the follow-up transition is then illegal; the case closes from resolved.
    let e = record_follow_up(
        &mut c,
        FollowUpOutcome::Reached,
        Some(9),
        "bot",
        at("2024-03-02T12:00:00+08:00"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "illegal_transition");
    c.apply(Transition::Close, "ann", at("2024-03-02T12:00:00+08:00"))
        .unwrap();
    assert_eq!(c.state, CaseState::Closed);
}

#[test]
fn follow_up_with_consent_records_its_outcome() {
    let mut c = resolved_case();
    let plan = plan_follow_up(
        &mut c,
        &Consent::all(),
        "bot",
        at("2024-03-01T12:00:00+08:00"),
        2 * 86_400,
    )
    .unwrap();
    let FollowUpPlan::Planned(entry) = plan else {
        panic!("not planned")
    };
    assert_eq!(
        entry.after["follow_up"]["due_at"],
        "2024-03-03T12:00:00+08:00"
    );
    let e = record_follow_up(
        &mut c,
        FollowUpOutcome::NotReached,
        Some(9),
        "bot",
        at("2024-03-03T12:00:00+08:00"),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("resurvey_score"));
    let entry = record_follow_up(
        &mut c,
        FollowUpOutcome::Reached,
        Some(9),
        "bob",
        at("2024-03-03T12:05:00+08:00"),
    )
    .unwrap();
    assert_eq!(c.state, CaseState::FollowedUp);
    assert_eq!(entry.action, "follow_up");
    assert_eq!(entry.before["state"], "resolved");
    assert_eq!(entry.after["follow_up"]["outcome"], "reached");
}

#[test]
fn escalation_at_eighty_percent_of_the_target() {
    // Resolution target 4 h of business time, weekdays 09:00-12:00 and 13:30-18:00.
    let cal = BusinessCalendar::builder("Asia/Shanghai")
        .week(WeeklyHours::weekdays(&[
            "09:00-12:00".parse().unwrap(),
            "13:30-18:00".parse().unwrap(),
        ]))
        .build()
        .unwrap();
    let policy = SlaPolicy::new("standard")
        .target(SlaTarget::new(SlaMetric::Resolution, 4 * 3600))
        .target(SlaTarget::new(SlaMetric::FirstReply, 8 * 3600).hours(Hours::Calendar));
    let mut c = case_in(CaseState::Assigned); // created Fri 2024-03-01 09:00 +08:00
    // 14:00: 3 h + 30 min = 12600 s of 14400 = 87.5 % of the resolution target;
    // first reply: 5 h of 8 h calendar = 62.5 %.
    let risk = sla_risk(
        &c,
        &policy,
        Some(&cal),
        at("2024-03-01T14:00:00+08:00"),
        0.8,
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        (risk.metric, risk.elapsed_secs),
        (SlaMetric::Resolution, 12_600)
    );
    assert!((risk.share - 0.875).abs() < 1e-12);
    // 13:00 (lunch): 3 h = 75 %, not yet at risk.
    assert!(
        sla_risk(
            &c,
            &policy,
            Some(&cal),
            at("2024-03-01T13:00:00+08:00"),
            0.8
        )
        .unwrap()
        .is_none()
    );
    let e = escalate(&mut c, &risk, "sla-bot", at("2024-03-01T14:00:00+08:00")).unwrap();
    assert_eq!((c.priority, c.escalated), (Priority::High, true));
    assert_eq!(e.before["priority"], "normal");
    assert_eq!(
        e.note.as_deref(),
        Some("resolution target of policy \"standard\" at 88% (12600 of 14400 s)")
    );
    assert!(escalate(&mut c, &risk, "sla-bot", at("2024-03-01T15:00:00+08:00")).is_none());
    // A business-hours target without a calendar is an error.
    assert_eq!(
        sla_risk(&c, &policy, None, at("2024-03-01T14:00:00+08:00"), 0.8)
            .unwrap_err()
            .code(),
        "invalid_option"
    );
    // Resolved: no clock runs.
    c.state = CaseState::Resolved;
    assert!(
        sla_risk(
            &c,
            &policy,
            Some(&cal),
            at("2024-03-05T14:00:00+08:00"),
            0.8
        )
        .unwrap()
        .is_none()
    );
}

mod loop_metrics {
    use super::*;
    use cx_core::cases::FollowUpTask;
    use cx_core::cases::loop_metrics::{LoopOptions, loop_metrics};

    fn case(
        id: &str,
        created: &str,
        detractor: bool,
        contact_after_h: Option<i64>,
        close_after_s: Option<i64>,
        follow_up: Option<(&str, Option<FollowUpOutcome>, Option<u8>)>,
        before: Option<u8>,
    ) -> Case {
        let mut c = Case::new(id, "t", at(created)).unwrap();
        let h = |s: i64| c.created_at + chrono::Duration::seconds(s);
        c.detractor = detractor;
        c.score_before = before;
        c.first_contact_at = contact_after_h.map(|x| h(x * 3600));
        c.closed_at = close_after_s.map(h);
        c.resolved_at = c.closed_at;
        c.follow_up = follow_up.map(|(due, outcome, score)| {
            serde_json::from_value::<FollowUpTask>(serde_json::json!({
                "due_at": due, "outcome": outcome, "resurvey_score": score
            }))
            .unwrap()
        });
        c
    }

    #[test]
    fn hand_computed_closed_loop_metrics() {
        let t0 = "2024-03-01T09:00:00+08:00";
        let due = Some("2024-03-05T09:00:00+08:00");
        let cases = [
            // contacted after 10 h, closed after 5 h, reached, 3 → 8 (recovered)
            case(
                "D1",
                t0,
                true,
                Some(10),
                Some(18_000),
                due.map(|d| (d, Some(FollowUpOutcome::Reached), Some(8))),
                Some(3),
            ),
            // contacted after 50 h (late), closed after 2 d, not reached
            case(
                "D2",
                t0,
                true,
                Some(50),
                Some(172_800),
                due.map(|d| (d, Some(FollowUpOutcome::NotReached), None)),
                Some(5),
            ),
            // created 24 h before as_of: its 48 h window has not elapsed (excluded); follow-up due, not done
            case(
                "D3",
                "2024-03-09T09:00:00+08:00",
                true,
                None,
                None,
                Some(("2024-03-09T10:00:00+08:00", None, None)),
                Some(0),
            ),
            // contacted at exactly 48 h (counts), closed after 3 d 30 min, reached, 4 → 2
            case(
                "D4",
                t0,
                true,
                Some(48),
                Some(261_000),
                due.map(|d| (d, Some(FollowUpOutcome::Reached), Some(2))),
                Some(4),
            ),
            // not a detractor; closed after 2 h; follow-up not yet due
            case(
                "N1",
                t0,
                false,
                Some(1),
                Some(7_200),
                Some(("2024-03-20T09:00:00+08:00", None, None)),
                Some(9),
            ),
        ];
        let m = loop_metrics(&cases, at("2024-03-10T09:00:00+08:00"), &LoopOptions::new()).unwrap();
        assert_eq!(m.cases, 5);
        // Funnel by hand: contacted D1, D2, D4, N1; resolved (closed) D1, D2, D4, N1;
        // follow-up outcome recorded for D1, D2, D4.
        let f = m.funnel;
        assert_eq!(
            (f.created, f.contacted, f.resolved, f.followed_up),
            (5, 4, 4, 3)
        );
        // statsmodels.stats.proportion.proportion_confint(x, n, alpha=0.05, method="wilson")
        let check = |s: cx_core::cases::loop_metrics::Share, x: u64, n: u64, lo: f64, hi: f64| {
            assert_eq!((s.successes, s.n), (x, n));
            assert!((s.share.unwrap() - x as f64 / n as f64).abs() < 1e-15);
            assert!((s.low.unwrap() - lo).abs() < 1e-12, "{s:?}");
            assert!((s.high.unwrap() - hi).abs() < 1e-12, "{s:?}");
        };
        check(
            m.contacted_within,
            2,
            3,
            0.2076596008020477,
            0.9385080552796037,
        );
        check(
            m.follow_up_completion,
            3,
            4,
            0.30064184258240184,
            0.9544127391902995,
        );
        check(m.reach_rate, 2, 3, 0.2076596008020477, 0.9385080552796037);
        check(
            m.recovery_rate,
            1,
            2,
            0.09453120573423068,
            0.9054687942657693,
        );
        // numpy: mean / percentile(linear) of [18000, 172800, 261000, 7200]
        let t = m.time_to_close;
        assert_eq!(t.n, 4);
        assert_eq!(t.mean_secs, Some(114_750.0));
        assert_eq!(t.median_secs, Some(95_400.0));
        assert!((t.p90_secs.unwrap() - 234_540.0).abs() < 1e-9);
        assert_eq!((t.min_secs, t.max_secs), (Some(7_200.0), Some(261_000.0)));
        // No eligible cases: shares are None, not NaN.
        let empty = loop_metrics(&[], at(t0), &LoopOptions::new()).unwrap();
        assert_eq!(
            (empty.recovery_rate.n, empty.recovery_rate.share),
            (0, None)
        );
        assert!(loop_metrics(&cases, at(t0), &LoopOptions::new().contact_within_secs(-1)).is_err());
    }
}
