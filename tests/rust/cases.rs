//! The closed loop: state machine table, audit trail, routing explanations,
//! consent, escalation and closed-loop metrics (hand-computed expectations).

use chrono::{DateTime, FixedOffset};
use cx_core::CxError;
use cx_core::cases::{Case, CaseState, Transition};

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
