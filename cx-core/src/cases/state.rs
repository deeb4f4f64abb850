//! The case state machine: [`CaseState`], [`Transition`] and [`Case`].
//!
//! # States and transitions
//! ```text
//! new ──triage──▶ triaged ──assign──▶ assigned ──start──▶ in_progress ◀──resume── waiting_for_customer
//!                                         ▲   │              │  └──────await_customer──────▲
//!                                         └assign (reassign) │                              │
//!                             in_progress / waiting_for_customer ──resolve──▶ resolved
//! resolved ──follow_up──▶ followed_up ──close──▶ closed
//! resolved ──close──▶ closed            (no follow-up possible, e.g. no consent)
//! resolved | followed_up ──reopen──▶ in_progress
//! ```
//! `assign` is also legal from `assigned`, `in_progress` and `waiting_for_customer`
//! (reassignment; the state becomes `assigned`). **`closed` is terminal**: a
//! closed case is never reopened; new feedback after closure opens a new case.
//! Reopen is legal from `resolved` and `followed_up` only, and returns the case to
//! `in_progress` with its owner unchanged.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::audit::AuditEntry;
use crate::model::{Personal, Priority};
use crate::{CxError, Result};

/// Where a case is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CaseState {
    /// Created, not yet looked at.
    New,
    /// Checked and classified (routed).
    Triaged,
    /// Owned by a team (and possibly an agent).
    Assigned,
    /// Being worked on; the customer has been contacted.
    InProgress,
    /// Waiting for the customer to answer.
    WaitingForCustomer,
    /// The problem is solved.
    Resolved,
    /// The follow-up call (回访) after resolution has been made.
    FollowedUp,
    /// Done (terminal).
    Closed,
}

impl CaseState {
    /// All states in life-cycle order.
    pub const ALL: [CaseState; 8] = [
        CaseState::New,
        CaseState::Triaged,
        CaseState::Assigned,
        CaseState::InProgress,
        CaseState::WaitingForCustomer,
        CaseState::Resolved,
        CaseState::FollowedUp,
        CaseState::Closed,
    ];

    /// snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::New => "new",
            CaseState::Triaged => "triaged",
            CaseState::Assigned => "assigned",
            CaseState::InProgress => "in_progress",
            CaseState::WaitingForCustomer => "waiting_for_customer",
            CaseState::Resolved => "resolved",
            CaseState::FollowedUp => "followed_up",
            CaseState::Closed => "closed",
        }
    }

    /// Whether the case still needs work (not resolved, followed up or closed).
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            CaseState::Resolved | CaseState::FollowedUp | CaseState::Closed
        )
    }
}

impl std::fmt::Display for CaseState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for CaseState {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        CaseState::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| {
                CxError::invalid(
                    "state",
                    None,
                    s,
                    "unknown case state; use new, triaged, assigned, in_progress, waiting_for_customer, resolved, followed_up or closed",
                )
            })
    }
}

/// A named move between states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Transition {
    /// new → triaged.
    Triage,
    /// triaged, assigned, in_progress, waiting_for_customer → assigned.
    Assign,
    /// assigned → in_progress (first contact with the customer).
    Start,
    /// in_progress → waiting_for_customer.
    AwaitCustomer,
    /// waiting_for_customer → in_progress.
    Resume,
    /// in_progress, waiting_for_customer → resolved.
    Resolve,
    /// resolved → followed_up (a follow-up outcome was recorded).
    FollowUp,
    /// resolved, followed_up → closed.
    Close,
    /// resolved, followed_up → in_progress.
    Reopen,
}

impl Transition {
    /// All transitions.
    pub const ALL: [Transition; 9] = [
        Transition::Triage,
        Transition::Assign,
        Transition::Start,
        Transition::AwaitCustomer,
        Transition::Resume,
        Transition::Resolve,
        Transition::FollowUp,
        Transition::Close,
        Transition::Reopen,
    ];

    /// snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Triage => "triage",
            Transition::Assign => "assign",
            Transition::Start => "start",
            Transition::AwaitCustomer => "await_customer",
            Transition::Resume => "resume",
            Transition::Resolve => "resolve",
            Transition::FollowUp => "follow_up",
            Transition::Close => "close",
            Transition::Reopen => "reopen",
        }
    }

    /// The state this transition leads to from `from`, or `None` when illegal.
    ///
    /// # Examples
    /// ```
    /// use cx_core::cases::{CaseState, Transition};
    /// assert_eq!(Transition::Reopen.target(CaseState::Resolved), Some(CaseState::InProgress));
    /// assert_eq!(Transition::Reopen.target(CaseState::Closed), None);
    /// ```
    pub fn target(self, from: CaseState) -> Option<CaseState> {
        use CaseState as S;
        use Transition as T;
        match (self, from) {
            (T::Triage, S::New) => Some(S::Triaged),
            (T::Assign, S::Triaged | S::Assigned | S::InProgress | S::WaitingForCustomer) => {
                Some(S::Assigned)
            }
            (T::Start, S::Assigned) => Some(S::InProgress),
            (T::AwaitCustomer, S::InProgress) => Some(S::WaitingForCustomer),
            (T::Resume, S::WaitingForCustomer) => Some(S::InProgress),
            (T::Resolve, S::InProgress | S::WaitingForCustomer) => Some(S::Resolved),
            (T::FollowUp, S::Resolved) => Some(S::FollowedUp),
            (T::Close, S::Resolved | S::FollowedUp) => Some(S::Closed),
            (T::Reopen, S::Resolved | S::FollowedUp) => Some(S::InProgress),
            _ => None,
        }
    }
}

impl std::fmt::Display for Transition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Transition {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        Transition::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| {
                CxError::invalid(
                    "transition",
                    None,
                    s,
                    "unknown transition; use triage, assign, start, await_customer, resume, resolve, follow_up, close or reopen",
                )
            })
    }
}

/// The outcome of a follow-up call (回访).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FollowUpOutcome {
    /// The customer was reached.
    Reached,
    /// The customer could not be reached.
    NotReached,
}

impl FollowUpOutcome {
    /// snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpOutcome::Reached => "reached",
            FollowUpOutcome::NotReached => "not_reached",
        }
    }
}

impl std::str::FromStr for FollowUpOutcome {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "reached" => Ok(FollowUpOutcome::Reached),
            "not_reached" => Ok(FollowUpOutcome::NotReached),
            _ => Err(CxError::invalid(
                "outcome",
                None,
                s,
                "use reached or not_reached",
            )),
        }
    }
}

/// The follow-up task (回访) of a resolved case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FollowUpTask {
    /// When it is due.
    pub due_at: DateTime<FixedOffset>,
    /// When the outcome was recorded.
    #[serde(default)]
    pub done_at: Option<DateTime<FixedOffset>>,
    /// Reached or not.
    #[serde(default)]
    pub outcome: Option<FollowUpOutcome>,
    /// Re-survey score (same scale as [`Case::score_before`]), when the customer answered.
    #[serde(default)]
    pub resurvey_score: Option<u8>,
}

/// One case: a piece of feedback (or ticket) that needs action.
///
/// # Examples
/// ```
/// use cx_core::cases::{Case, CaseState, Transition};
/// let at = chrono::DateTime::parse_from_rfc3339("2024-03-01T09:00:00+08:00").map_err(|e| {
///     cx_core::CxError::invalid("at", None, e, "bad")
/// })?;
/// let mut case = Case::new("K1", "logistics", at)?;
/// let entry = case.apply(Transition::Triage, "router", at)?;
/// assert_eq!(case.state, CaseState::Triaged);
/// assert_eq!(entry.before["state"], "new");
/// let e = case.apply(Transition::Close, "ann", at).err().map(|e| e.to_string());
/// assert_eq!(e.as_deref(), Some("case K1: illegal transition \"close\" from state \"triaged\""));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Case {
    /// Case id.
    pub id: String,
    /// The feedback it came from.
    #[serde(default)]
    pub feedback_id: Option<String>,
    /// The linked ticket.
    #[serde(default)]
    pub ticket_id: Option<String>,
    /// The customer.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Owning team.
    pub team: String,
    /// Assigned agent.
    #[serde(default)]
    pub assignee: Option<String>,
    /// Priority.
    pub priority: Priority,
    /// Name of the SLA policy that applies.
    #[serde(default)]
    pub sla_policy: Option<String>,
    /// Topic from the taxonomy.
    #[serde(default)]
    pub topic: Option<String>,
    /// The routing rule that created it.
    #[serde(default)]
    pub rule: Option<String>,
    /// Why it was opened (detractor, low_csat, complaint, manual).
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Score of the originating feedback (NPS 0–10 or CSAT), compared with the re-survey.
    #[serde(default)]
    pub score_before: Option<u8>,
    /// Whether the originating feedback was an NPS detractor (0–6).
    #[serde(default)]
    pub detractor: bool,
    /// The feedback text (personal: masked for analysts).
    #[serde(default)]
    pub summary: Option<Personal<String>>,
    /// Customer contact (phone or e-mail; personal: masked for analysts).
    #[serde(default)]
    pub contact: Option<Personal<String>>,
    /// Current state.
    pub state: CaseState,
    /// Version, incremented by every change (optimistic concurrency).
    pub version: u64,
    /// Creation instant.
    pub created_at: DateTime<FixedOffset>,
    /// Last change.
    pub updated_at: DateTime<FixedOffset>,
    /// First `start` (first contact with the customer).
    #[serde(default)]
    pub first_contact_at: Option<DateTime<FixedOffset>>,
    /// Last `resolve`.
    #[serde(default)]
    pub resolved_at: Option<DateTime<FixedOffset>>,
    /// `close`.
    #[serde(default)]
    pub closed_at: Option<DateTime<FixedOffset>>,
    /// Number of reopens.
    #[serde(default)]
    pub reopen_count: u32,
    /// Escalated because an SLA target was at risk.
    #[serde(default)]
    pub escalated: bool,
    /// The follow-up task, once planned.
    #[serde(default)]
    pub follow_up: Option<FollowUpTask>,
}

impl Case {
    /// A new case owned by `team`, normal priority, version 1.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for a blank id or team.
    pub fn new(
        id: impl Into<String>,
        team: impl Into<String>,
        at: DateTime<FixedOffset>,
    ) -> Result<Self> {
        let (id, team) = (id.into(), team.into());
        if id.trim().is_empty() {
            return Err(CxError::invalid(
                "id",
                None,
                &id,
                "case id must not be empty",
            ));
        }
        if team.trim().is_empty() {
            return Err(CxError::invalid(
                "team",
                None,
                &team,
                "team must not be empty",
            ));
        }
        Ok(Self {
            id,
            feedback_id: None,
            ticket_id: None,
            customer_id: None,
            team,
            assignee: None,
            priority: Priority::Normal,
            sla_policy: None,
            topic: None,
            rule: None,
            reasons: Vec::new(),
            score_before: None,
            detractor: false,
            summary: None,
            contact: None,
            state: CaseState::New,
            version: 1,
            created_at: at,
            updated_at: at,
            first_contact_at: None,
            resolved_at: None,
            closed_at: None,
            reopen_count: 0,
            escalated: false,
            follow_up: None,
        })
    }

    /// The case as JSON (the form stored and audited).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// The illegal-transition error for `t` from the current state.
    pub fn illegal(&self, t: Transition) -> CxError {
        CxError::IllegalTransition {
            case: self.id.clone(),
            state: self.state.as_str().into(),
            transition: t.as_str().into(),
        }
    }

    /// Apply a transition by `actor` at `at`; returns the audit entry (changed
    /// fields before and after). The version goes up by one.
    ///
    /// `start` sets `first_contact_at` the first time; `resolve` sets
    /// `resolved_at`; `close` sets `closed_at`; `reopen` counts the reopen and
    /// clears `resolved_at` and an unfinished follow-up task.
    ///
    /// # Errors
    /// [`CxError::IllegalTransition`] naming the case, its state and `t`.
    pub fn apply(
        &mut self,
        t: Transition,
        actor: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<AuditEntry> {
        let to = t.target(self.state).ok_or_else(|| self.illegal(t))?;
        let before = self.to_json();
        self.state = to;
        match t {
            Transition::Start if self.first_contact_at.is_none() => {
                self.first_contact_at = Some(at);
            }
            Transition::Resolve => self.resolved_at = Some(at),
            Transition::Close => self.closed_at = Some(at),
            Transition::Reopen => {
                self.reopen_count += 1;
                self.resolved_at = None;
                if self.follow_up.as_ref().is_some_and(|f| f.outcome.is_none()) {
                    self.follow_up = None;
                }
            }
            _ => {}
        }
        Ok(self.finish_change(t.as_str(), actor, at, &before))
    }

    /// Record a change made by `f` (not a state transition) as an audit entry,
    /// bumping the version.
    pub fn change(
        &mut self,
        action: &str,
        actor: &str,
        at: DateTime<FixedOffset>,
        f: impl FnOnce(&mut Case),
    ) -> AuditEntry {
        let before = self.to_json();
        f(self);
        self.finish_change(action, actor, at, &before)
    }

    fn finish_change(
        &mut self,
        action: &str,
        actor: &str,
        at: DateTime<FixedOffset>,
        before: &serde_json::Value,
    ) -> AuditEntry {
        self.version += 1;
        self.updated_at = at;
        AuditEntry::diff(&self.id, actor, at, action, before, &self.to_json())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2024-03-01T09:00:00+08:00").unwrap_or_default()
    }

    #[test]
    fn happy_path_sets_timestamps_and_versions() -> Result<()> {
        let mut c = Case::new("K", "t", at())?;
        for t in [
            Transition::Triage,
            Transition::Assign,
            Transition::Start,
            Transition::AwaitCustomer,
            Transition::Resume,
            Transition::Resolve,
            Transition::FollowUp,
            Transition::Close,
        ] {
            c.apply(t, "a", at())?;
        }
        assert_eq!(c.state, CaseState::Closed);
        assert_eq!(c.version, 9);
        assert!(c.first_contact_at.is_some() && c.closed_at.is_some());
        Ok(())
    }

    #[test]
    fn names_round_trip() {
        for s in CaseState::ALL {
            assert_eq!(s.as_str().parse::<CaseState>().ok(), Some(s));
        }
        for t in Transition::ALL {
            assert_eq!(t.as_str().parse::<Transition>().ok(), Some(t));
        }
    }
}
