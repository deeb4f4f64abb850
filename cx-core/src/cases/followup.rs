//! Follow-up tasks (回访) after resolution, and escalation when an SLA target
//! is at risk.
//!
//! # Consent
//! A follow-up task is **never** created for a customer who withdrew consent to
//! follow-up calls ([`Consent::follow_up_calls`] is false): [`plan_follow_up`]
//! returns [`FollowUpPlan::NoConsent`] and leaves the case unchanged. Such a
//! case is closed straight from `resolved`.
//!
//! # Escalation
//! A case's clocks run from `created_at`: `first_reply` until the first contact
//! (`start`), `resolution` until `resolve`. With the case's [`SlaPolicy`], a
//! target is **at risk** once the elapsed share `elapsed / target` reaches
//! `at_share` (default 0.8, i.e. 80 % of the target used; ≥ 1 means breached).
//! Business-hours targets use the [`BusinessCalendar`]; case clocks do not
//! pause. Escalating sets `escalated` and raises the priority one level (urgent stays urgent).

use chrono::{DateTime, FixedOffset};

use super::audit::AuditEntry;
use super::state::{Case, CaseState, FollowUpOutcome, FollowUpTask, Transition};
use crate::model::{Consent, Priority};
use crate::ops::{BusinessCalendar, Hours, SlaMetric, SlaPolicy};
use crate::{CxError, Result};

/// Default delay between resolution and the follow-up call: 2 days.
pub const DEFAULT_FOLLOW_UP_DELAY_SECS: i64 = 2 * 86_400;

/// Default share of an SLA target after which a case is escalated.
pub const DEFAULT_ESCALATE_AT_SHARE: f64 = 0.8;

/// What [`plan_follow_up`] did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FollowUpPlan {
    /// A task was created; the audit entry records it.
    Planned(AuditEntry),
    /// No task: the customer withdrew consent to follow-up calls.
    NoConsent,
}

/// Plan the follow-up call of a resolved case, due `delay_secs` after resolution.
///
/// # Errors
/// [`CxError::IllegalTransition`] (transition `plan_follow_up`) unless the case
/// is `resolved`; [`CxError::InvalidOption`] for a negative delay.
///
/// # Examples
/// ```
/// use cx_core::cases::{Case, CaseState, followup::{plan_follow_up, FollowUpPlan}};
/// use cx_core::model::Consent;
/// let at = chrono::DateTime::parse_from_rfc3339("2024-03-01T09:00:00+08:00").map_err(|e| {
///     cx_core::CxError::invalid("at", None, e, "bad")
/// })?;
/// let mut case = Case::new("K1", "desk", at)?;
/// case.state = CaseState::Resolved;
/// let plan = plan_follow_up(&mut case, &Consent::all().follow_up_calls(false), "bot", at, 86_400)?;
/// assert_eq!(plan, FollowUpPlan::NoConsent);
/// assert!(case.follow_up.is_none());
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn plan_follow_up(
    case: &mut Case,
    consent: &Consent,
    actor: &str,
    at: DateTime<FixedOffset>,
    delay_secs: i64,
) -> Result<FollowUpPlan> {
    if case.state != CaseState::Resolved {
        return Err(CxError::IllegalTransition {
            case: case.id.clone(),
            state: case.state.as_str().into(),
            transition: "plan_follow_up".into(),
        });
    }
    if delay_secs < 0 {
        return Err(CxError::option("delay_secs", "must be >= 0"));
    }
    if !consent.follow_up_calls {
        return Ok(FollowUpPlan::NoConsent);
    }
    let base = case.resolved_at.unwrap_or(at);
    let due_at = base + chrono::Duration::seconds(delay_secs);
    Ok(FollowUpPlan::Planned(case.change(
        "plan_follow_up",
        actor,
        at,
        |c| {
            c.follow_up = Some(FollowUpTask {
                due_at,
                done_at: None,
                outcome: None,
                resurvey_score: None,
            });
        },
    )))
}

/// Record the outcome of the follow-up call and move the case to `followed_up`.
///
/// # Errors
/// [`CxError::IllegalTransition`] (transition `follow_up`) unless the case is
/// `resolved` with a planned task; [`CxError::InvalidValue`] for a re-survey
/// score above 10 or a score given although the customer was not reached.
pub fn record_follow_up(
    case: &mut Case,
    outcome: FollowUpOutcome,
    resurvey_score: Option<u8>,
    actor: &str,
    at: DateTime<FixedOffset>,
) -> Result<AuditEntry> {
    if case.state != CaseState::Resolved || case.follow_up.is_none() {
        return Err(case.illegal(Transition::FollowUp));
    }
    if let Some(s) = resurvey_score {
        if s > 10 {
            return Err(CxError::invalid(
                "resurvey_score",
                None,
                s,
                "outside 0..=10",
            ));
        }
        if outcome == FollowUpOutcome::NotReached {
            return Err(CxError::invalid(
                "resurvey_score",
                None,
                s,
                "a customer who was not reached cannot give a score",
            ));
        }
    }
    let before = case.to_json();
    if let Some(f) = case.follow_up.as_mut() {
        f.done_at = Some(at);
        f.outcome = Some(outcome);
        f.resurvey_score = resurvey_score;
    }
    case.state = CaseState::FollowedUp;
    case.version += 1;
    case.updated_at = at;
    Ok(AuditEntry::diff(
        &case.id,
        actor,
        at,
        Transition::FollowUp.as_str(),
        &before,
        &case.to_json(),
    ))
}

/// An SLA target of a case that is at risk.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SlaRisk {
    /// The policy.
    pub policy: String,
    /// The target's metric (`first_reply` or `resolution`).
    pub metric: SlaMetric,
    /// Target seconds.
    pub target_secs: i64,
    /// Elapsed seconds on the target's clock.
    pub elapsed_secs: i64,
    /// `elapsed / target`.
    pub share: f64,
}

/// The most-used running target of `case` under `policy` whose elapsed share is
/// at least `at_share`, as of `as_of`; `None` when none is at risk.
///
/// # Errors
/// [`CxError::InvalidOption`] for `at_share` outside (0, ∞) or a business-hours
/// target without a calendar.
pub fn sla_risk(
    case: &Case,
    policy: &SlaPolicy,
    calendar: Option<&BusinessCalendar>,
    as_of: DateTime<FixedOffset>,
    at_share: f64,
) -> Result<Option<SlaRisk>> {
    if !(at_share.is_finite() && at_share > 0.0) {
        return Err(CxError::option("at_share", "must be a positive number"));
    }
    let mut best: Option<SlaRisk> = None;
    for t in &policy.targets {
        let running = match t.metric {
            SlaMetric::FirstReply => case.first_contact_at.is_none() && case.state.is_open(),
            SlaMetric::Resolution => case.state.is_open(),
            _ => false,
        };
        if !running || t.target_secs <= 0 {
            continue;
        }
        let elapsed = match t.hours {
            Hours::Calendar => (as_of - case.created_at).num_seconds(),
            _ => calendar
                .ok_or_else(|| {
                    CxError::option(
                        "calendar",
                        format!(
                            "policy {:?} has a business-hours target: pass a calendar",
                            policy.name
                        ),
                    )
                })?
                .duration_secs(case.created_at, as_of),
        };
        let share = elapsed as f64 / t.target_secs as f64;
        if share >= at_share && best.as_ref().is_none_or(|b| share > b.share) {
            best = Some(SlaRisk {
                policy: policy.name.clone(),
                metric: t.metric,
                target_secs: t.target_secs,
                elapsed_secs: elapsed,
                share,
            });
        }
    }
    Ok(best)
}

/// Escalate `case` for `risk` (once): set `escalated`, raise the priority one
/// level. Returns `None` when it was already escalated.
pub fn escalate(
    case: &mut Case,
    risk: &SlaRisk,
    actor: &str,
    at: DateTime<FixedOffset>,
) -> Option<AuditEntry> {
    if case.escalated {
        return None;
    }
    let mut e = case.change("escalate", actor, at, |c| {
        c.escalated = true;
        c.priority = match c.priority {
            Priority::Low => Priority::Normal,
            Priority::Normal => Priority::High,
            _ => Priority::Urgent,
        };
    });
    e.note = Some(format!(
        "{} target of policy {:?} at {:.0}% ({} of {} s)",
        risk.metric.as_str(),
        risk.policy,
        risk.share * 100.0,
        risk.elapsed_secs,
        risk.target_secs
    ));
    Some(e)
}
