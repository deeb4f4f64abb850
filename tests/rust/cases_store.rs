//! The SQLite case store: roles and team scope, masking, audited denials,
//! optimistic concurrency, schema versioning and persistence.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, FixedOffset};
use cx_core::CxError;
use cx_core::cases::store::{
    CaseChange, CaseEvent, CaseFilter, CaseStore, Principal, Role, SqliteCaseStore,
};
use cx_core::cases::{Case, CaseState, FollowUpOutcome, Transition};
use cx_core::model::{Consent, Personal};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}
const T0: &str = "2024-03-01T09:00:00+08:00";

fn case(id: &str, team: &str) -> Case {
    let mut c = Case::new(id, team, at(T0)).unwrap();
    c.summary = Some(Personal::new("快递还没到，麻烦回电 13812345678".into()));
    c.contact = Some(Personal::new("13812345678".into()));
    c
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("cx-cases-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d.join("cases.db")
}

fn t(x: Transition) -> CaseChange {
    CaseChange::Transition(x)
}

#[test]
fn lifecycle_persists_with_its_audit_trail() {
    let path = tmp("life");
    let admin = Principal::admin("root");
    let lead = Principal::new("lee", Role::TeamLead, &["logistics"]);
    let ann = Principal::agent("ann", "logistics");
    {
        let mut s = SqliteCaseStore::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), 3);
        s.create(&ann, &case("K1", "logistics")).unwrap();
        let mut v = 1;
        for x in [
            Transition::Triage,
            Transition::Assign,
            Transition::Start,
            Transition::Resolve,
        ] {
            v = s.change(&ann, "K1", v, &t(x), at(T0)).unwrap().version;
        }
        let c = s
            .change(
                &ann,
                "K1",
                v,
                &CaseChange::PlanFollowUp {
                    consent: Consent::all(),
                    delay_secs: 86_400,
                },
                at(T0),
            )
            .unwrap();
        let c = s
            .change(
                &ann,
                "K1",
                c.version,
                &CaseChange::RecordFollowUp {
                    outcome: FollowUpOutcome::Reached,
                    resurvey_score: Some(9),
                },
                at("2024-03-02T09:00:00+08:00"),
            )
            .unwrap();
        // Agents may not close; the lead may.
        let e = s
            .change(&ann, "K1", c.version, &t(Transition::Close), at(T0))
            .unwrap_err();
        assert_eq!(e.code(), "access_denied");
        s.change(&lead, "K1", c.version, &t(Transition::Close), at(T0))
            .unwrap();
    }
    // Reopen the file: everything is there.
    let mut s = SqliteCaseStore::open(&path).unwrap();
    let c = s.get(&admin, "K1").unwrap();
    assert_eq!((c.state, c.version), (CaseState::Closed, 8));
    let trail = s.audit(&admin, "K1").unwrap();
    let actions: Vec<&str> = trail.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "triage",
            "assign",
            "start",
            "resolve",
            "plan_follow_up",
            "follow_up",
            "denied:close",
            "close"
        ]
    );
    assert_eq!(trail[7].actor, "ann");
    assert_eq!(
        trail[7].note.as_deref(),
        Some("only a team lead or an admin may close or reopen a case")
    );
    assert_eq!(trail[8].before["state"], "followed_up");
    assert_eq!(trail[8].after["state"], "closed");
    assert!(trail[0].before.as_object().unwrap().is_empty());
    assert_eq!(trail[0].after["id"], "K1");
}

#[test]
fn stale_version_is_a_conflict_not_a_lost_update() {
    let mut s = SqliteCaseStore::open_in_memory().unwrap();
    let admin = Principal::admin("root");
    s.create(&admin, &case("K1", "logistics")).unwrap();
    // Two writers read version 1; the first wins, the second gets Conflict.
    s.change(&admin, "K1", 1, &t(Transition::Triage), at(T0))
        .unwrap();
    let e = s
        .change(
            &admin,
            "K1",
            1,
            &CaseChange::Assign {
                team: "payments".into(),
                assignee: None,
            },
            at(T0),
        )
        .unwrap_err();
    assert_eq!(
        e,
        CxError::Conflict {
            case: "K1".into(),
            expected: 1,
            found: 2
        }
    );
    let c = s.get(&admin, "K1").unwrap();
    assert_eq!(
        (c.state, c.team.as_str()),
        (CaseState::Triaged, "logistics")
    );
    // Creating the same id twice is a conflict too.
    assert_eq!(
        s.create(&admin, &case("K1", "x")).unwrap_err().code(),
        "conflict"
    );
}

#[test]
fn team_scope_masking_and_audited_denials() {
    let mut s = SqliteCaseStore::open_in_memory().unwrap();
    let admin = Principal::admin("root");
    s.create_many(
        &admin,
        &[
            case("K1", "logistics"),
            case("K2", "payments"),
            case("K3", "logistics"),
        ],
    )
    .unwrap();
    let ann = Principal::agent("ann", "logistics");
    let pay = Principal::agent("pat", "payments");
    let analyst = Principal::new("ana", Role::Analyst, &[]);

    // Agents read only their team's cases.
    let ids = |v: Vec<Case>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(s.list(&ann, &CaseFilter::new()).unwrap()), ["K1", "K3"]);
    assert_eq!(ids(s.list(&pay, &CaseFilter::new()).unwrap()), ["K2"]);
    assert_eq!(
        ids(s
            .list(&admin, &CaseFilter::new().team("logistics").limit(1))
            .unwrap()),
        ["K1"]
    );
    let e = s.get(&pay, "K1").unwrap_err();
    assert!(
        matches!(&e, CxError::AccessDenied { action, case, .. } if action == "read" && case == "K1")
    );
    assert_eq!(
        s.list(&pay, &CaseFilter::new().team("logistics"))
            .unwrap_err()
            .code(),
        "access_denied"
    );
    let e = s
        .change(&pay, "K1", 1, &t(Transition::Triage), at(T0))
        .unwrap_err();
    assert_eq!(e.code(), "access_denied");
    assert_eq!(
        s.create(&pay, &case("K9", "logistics")).unwrap_err().code(),
        "access_denied"
    );
    // An agent may not move a case to a team outside its scope.
    s.change(&ann, "K1", 1, &t(Transition::Triage), at(T0))
        .unwrap();
    let e = s
        .change(
            &ann,
            "K1",
            2,
            &CaseChange::Assign {
                team: "payments".into(),
                assignee: None,
            },
            at(T0),
        )
        .unwrap_err();
    assert_eq!(e.code(), "access_denied");

    // Analysts read everything, masked, and change nothing.
    let c = s.get(&analyst, "K1").unwrap();
    assert_eq!(
        c.summary.as_ref().map(|x| x.expose().as_str()),
        Some("快递还没到，麻烦回电 [PHONE]")
    );
    assert_eq!(
        c.contact.as_ref().map(|x| x.expose().as_str()),
        Some("<redacted>")
    );
    assert_eq!(s.list(&analyst, &CaseFilter::new()).unwrap().len(), 3);
    let created = &s.audit(&analyst, "K1").unwrap()[0];
    assert_eq!(created.after["contact"], "<redacted>");
    assert_eq!(created.after["summary"], "快递还没到，麻烦回电 [PHONE]");
    assert_eq!(
        s.change(&analyst, "K2", 1, &t(Transition::Triage), at(T0))
            .unwrap_err()
            .code(),
        "access_denied"
    );
    // The admin sees the real values.
    assert_eq!(
        s.get(&admin, "K1")
            .unwrap()
            .contact
            .map(Personal::into_inner)
            .as_deref(),
        Some("13812345678")
    );

    // Every denial is in the audit trail, with who and why.
    let denials: Vec<(String, String)> = s
        .audit(&admin, "K1")
        .unwrap()
        .into_iter()
        .filter(|a| a.action.starts_with("denied:"))
        .map(|a| (a.actor, a.action))
        .collect();
    assert_eq!(
        denials,
        [
            ("pat".into(), "denied:read".into()),
            ("pat".into(), "denied:triage".into()),
            ("ann".into(), "denied:assign".into())
        ]
    );
    let k2: Vec<String> = s
        .audit(&admin, "K2")
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(k2, ["create", "denied:triage"]);
}

#[test]
fn no_follow_up_without_consent_in_the_store() {
    let mut s = SqliteCaseStore::open_in_memory().unwrap();
    let admin = Principal::admin("root");
    let mut c = case("K1", "t");
    c.state = CaseState::Resolved;
    s.create(&admin, &c).unwrap();
    let no = Consent::all().follow_up_calls(false);
    let c = s
        .change(
            &admin,
            "K1",
            1,
            &CaseChange::PlanFollowUp {
                consent: no,
                delay_secs: 0,
            },
            at(T0),
        )
        .unwrap();
    assert_eq!((c.version, c.follow_up.is_none()), (1, true));
    let stored = s.get(&admin, "K1").unwrap();
    assert!(stored.follow_up.is_none());
    assert_eq!(
        s.audit(&admin, "K1").unwrap().len(),
        1,
        "nothing recorded but the creation"
    );
}

#[test]
fn events_bulk_insert_checks_cases_and_scope() {
    let mut s = SqliteCaseStore::open_in_memory().unwrap();
    let admin = Principal::admin("root");
    s.create_many(&admin, &[case("K1", "a"), case("K2", "b")])
        .unwrap();
    let evs = vec![
        CaseEvent::new("K1", 1, "call_attempt", "ann"),
        CaseEvent::new("K1", 2, "message", "ann"),
        CaseEvent::new("K2", 3, "note", "bob"),
    ];
    assert_eq!(s.insert_events(&admin, &evs).unwrap(), 3);
    assert_eq!(s.count_events(&admin, None).unwrap(), 3);
    assert_eq!(
        s.count_events(&Principal::agent("ann", "a"), None).unwrap(),
        2
    );
    assert_eq!(s.count_events(&admin, Some("K2")).unwrap(), 1);
    // All or nothing: one event of another team's case denies the whole batch.
    let e = s
        .insert_events(&Principal::agent("ann", "a"), &evs)
        .unwrap_err();
    assert_eq!(e.code(), "access_denied");
    let bad = vec![
        CaseEvent::new("K1", 1, "x", "a"),
        CaseEvent::new("nope", 1, "x", "a"),
    ];
    let e = s.insert_events(&admin, &bad).unwrap_err();
    assert_eq!((e.field(), e.row()), (Some("case_id"), Some(1)));
    assert_eq!(s.count_events(&admin, None).unwrap(), 3);
}

#[test]
fn escalates_cases_at_sla_risk_once() {
    use cx_core::cases::store::escalate_at_risk;
    use cx_core::model::Priority;
    use cx_core::ops::{Hours, SlaMetric, SlaPolicy, SlaTarget};
    let mut s = SqliteCaseStore::open_in_memory().unwrap();
    let lead = Principal::new("lee", Role::TeamLead, &["t"]);
    let policy = SlaPolicy::new("standard")
        .target(SlaTarget::new(SlaMetric::Resolution, 4 * 3600).hours(Hours::Calendar));
    let mut at_risk = case("K1", "t");
    at_risk.sla_policy = Some("standard".into());
    let mut no_policy = case("K2", "t");
    no_policy.sla_policy = Some("other".into());
    let mut young = case("K3", "t");
    young.sla_policy = Some("standard".into());
    young.created_at = at("2024-03-01T11:00:00+08:00");
    s.create_many(&lead, &[at_risk, no_policy, young]).unwrap();
    // 12:15 is 3 h 15 min = 81 % of K1's 4 h target and 31 % of K3's.
    let as_of = at("2024-03-01T12:15:00+08:00");
    let done = escalate_at_risk(
        &mut s,
        &lead,
        std::slice::from_ref(&policy),
        None,
        as_of,
        0.8,
    )
    .unwrap();
    let ids: Vec<&str> = done.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["K1"]);
    assert_eq!(
        (done[0].priority, done[0].escalated),
        (Priority::High, true)
    );
    let last = s.audit(&lead, "K1").unwrap().pop().unwrap();
    assert_eq!(last.action, "escalate");
    assert_eq!(
        last.note.as_deref(),
        Some("resolution target of policy \"standard\" at 81% (11700 of 14400 s)")
    );
    // Once only.
    assert!(
        escalate_at_risk(
            &mut s,
            &lead,
            std::slice::from_ref(&policy),
            None,
            as_of,
            0.8
        )
        .unwrap()
        .is_empty()
    );
    // An analyst cannot escalate (denied and audited).
    let mut k4 = case("K4", "t");
    k4.sla_policy = Some("standard".into());
    s.create(&lead, &k4).unwrap();
    let ana = Principal::new("ana", Role::Analyst, &[]);
    let e = escalate_at_risk(&mut s, &ana, &[policy], None, as_of, 0.8).unwrap_err();
    assert_eq!(e.code(), "access_denied");
}
