//! The case store: the [`CaseStore`] trait, principals with roles and team
//! scope, and (feature `sqlite`) `SqliteCaseStore`.
//!
//! # Access control
//! | Role | Reads | Changes |
//! |---|---|---|
//! | `agent` | cases of its teams | create, and every transition except `close` and `reopen`, on its teams' cases; may reassign only within its teams |
//! | `team_lead` | cases of its teams | everything on its teams' cases, including `close`, `reopen` and reassignment to any team |
//! | `analyst` | every case, with personal fields masked | nothing |
//! | `admin` | every case | everything |
//!
//! Masking for analysts: the feedback text (`summary`) has personal data
//! redacted with [`crate::privacy::redact`] (phones, e-mails, ids, cards…) and
//! the `contact` is replaced by `<redacted>`; the same applies to the JSON of
//! the audit trail they read. Every denial is a typed
//! [`CxError::AccessDenied`] **and** an audit entry `denied:<action>` (with the
//! reason in `note`), written in its own transaction.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::audit::AuditEntry;
use super::followup::{SlaRisk, sla_risk};
use super::state::{Case, CaseState, FollowUpOutcome, Transition};
use crate::model::{Consent, Personal};
use crate::ops::{BusinessCalendar, SlaPolicy};
use crate::privacy::{RedactOptions, redact};
use crate::{CxError, Result};

#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteCaseStore;
#[cfg(feature = "sqlite")]
pub use sqlite::{chain, customers, erase, retention, rotate};

/// A role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// Works cases of its teams.
    Agent,
    /// Leads its teams: may close, reopen and reassign anywhere.
    TeamLead,
    /// Reads everything, masked; changes nothing.
    Analyst,
    /// Everything.
    Admin,
}

impl Role {
    /// snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::TeamLead => "team_lead",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "agent" => Ok(Role::Agent),
            "team_lead" => Ok(Role::TeamLead),
            "analyst" => Ok(Role::Analyst),
            "admin" => Ok(Role::Admin),
            _ => Err(CxError::invalid(
                "role",
                None,
                s,
                "use agent, team_lead, analyst or admin",
            )),
        }
    }
}

/// Who is asking: a name, a role and the teams in scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Principal {
    /// Name (recorded in the audit trail).
    pub name: String,
    /// Role.
    pub role: Role,
    /// Teams in scope (agents and team leads).
    #[serde(default)]
    pub teams: Vec<String>,
}

impl Principal {
    /// A principal.
    pub fn new(name: impl Into<String>, role: Role, teams: &[&str]) -> Self {
        Self {
            name: name.into(),
            role,
            teams: teams.iter().map(|t| (*t).to_owned()).collect(),
        }
    }
    /// An administrator.
    pub fn admin(name: impl Into<String>) -> Self {
        Self::new(name, Role::Admin, &[])
    }
    /// An agent of one team.
    pub fn agent(name: impl Into<String>, team: &str) -> Self {
        Self::new(name, Role::Agent, &[team])
    }

    fn in_scope(&self, team: &str) -> bool {
        self.teams.iter().any(|t| t == team)
    }

    fn deny(&self, action: &str, case: &str, reason: impl Into<String>) -> CxError {
        CxError::AccessDenied {
            principal: format!("{} ({})", self.name, self.role.as_str()),
            action: action.into(),
            case: case.into(),
            reason: reason.into(),
        }
    }

    /// Whether this principal sees personal fields masked.
    pub fn masked(&self) -> bool {
        self.role == Role::Analyst
    }

    /// Check that the principal may read a case of `team`.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`].
    pub fn check_read(&self, case: &str, team: &str) -> Result<()> {
        match self.role {
            Role::Admin | Role::Analyst => Ok(()),
            _ if self.in_scope(team) => Ok(()),
            _ => Err(self.deny(
                "read",
                case,
                format!("team {team:?} is outside the principal's teams"),
            )),
        }
    }

    /// Check that the principal may do `change` to a case of `team`.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`].
    pub fn check_change(&self, case: &str, team: &str, change: &CaseChange) -> Result<()> {
        let action = change.action();
        match self.role {
            Role::Admin => Ok(()),
            Role::Analyst => Err(self.deny(&action, case, "analysts have read-only access")),
            _ if !self.in_scope(team) => Err(self.deny(
                &action,
                case,
                format!("team {team:?} is outside the principal's teams"),
            )),
            Role::Agent => match change {
                CaseChange::Transition(Transition::Close | Transition::Reopen) => Err(self.deny(
                    &action,
                    case,
                    "only a team lead or an admin may close or reopen a case",
                )),
                CaseChange::Assign { team: to, .. } if !self.in_scope(to) => Err(self.deny(
                    &action,
                    case,
                    format!("an agent may reassign only within its teams, not to {to:?}"),
                )),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// Check that the principal may create a case of `team`.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`].
    pub fn check_create(&self, case: &str, team: &str) -> Result<()> {
        match self.role {
            Role::Admin => Ok(()),
            Role::Analyst => Err(self.deny("create", case, "analysts have read-only access")),
            _ if self.in_scope(team) => Ok(()),
            _ => Err(self.deny(
                "create",
                case,
                format!("team {team:?} is outside the principal's teams"),
            )),
        }
    }
}

/// The placeholder of a masked contact.
pub const MASKED: &str = "<redacted>";

/// Mask the personal fields of a case (for analysts).
pub fn mask_case(c: &mut Case) {
    if let Some(s) = &c.summary {
        let r = redact(s.expose(), RedactOptions::new());
        c.summary = Some(Personal::new(r.text));
    }
    if c.contact.is_some() {
        c.contact = Some(Personal::new(MASKED.into()));
    }
}

/// Mask personal fields inside audit JSON (`summary`, `contact`).
pub fn mask_json(v: &mut serde_json::Value) {
    if let Some(o) = v.as_object_mut() {
        if let Some(serde_json::Value::String(s)) = o.get_mut("summary") {
            *s = redact(s, RedactOptions::new()).text;
        }
        if let Some(c) = o.get_mut("contact")
            && !c.is_null()
        {
            *c = MASKED.into();
        }
    }
}

/// A change to a stored case.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CaseChange {
    /// A state transition (`assign` keeps team and assignee; use [`CaseChange::Assign`] to set them).
    Transition(Transition),
    /// The `assign` transition to a team and optionally an agent.
    Assign {
        /// New owning team.
        team: String,
        /// New assignee.
        assignee: Option<String>,
    },
    /// Plan the follow-up call (never without consent).
    PlanFollowUp {
        /// The customer's consent.
        consent: Consent,
        /// Delay after resolution.
        delay_secs: i64,
    },
    /// Record the follow-up outcome (→ `followed_up`).
    RecordFollowUp {
        /// Reached or not.
        outcome: FollowUpOutcome,
        /// Re-survey score.
        resurvey_score: Option<u8>,
    },
    /// Escalate for an SLA risk.
    Escalate(SlaRisk),
}

impl CaseChange {
    /// The action name recorded in the audit trail.
    pub fn action(&self) -> String {
        match self {
            CaseChange::Transition(t) => t.as_str().into(),
            CaseChange::Assign { .. } => "assign".into(),
            CaseChange::PlanFollowUp { .. } => "plan_follow_up".into(),
            CaseChange::RecordFollowUp { .. } => "follow_up".into(),
            CaseChange::Escalate(_) => "escalate".into(),
        }
    }

    /// Apply to a case in memory; `None` when nothing changed (no consent,
    /// already escalated).
    ///
    /// # Errors
    /// As [`Case::apply`] and the [`super::followup`] functions.
    pub fn apply_to(
        &self,
        c: &mut Case,
        actor: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<Option<AuditEntry>> {
        use super::followup::{FollowUpPlan, escalate, plan_follow_up, record_follow_up};
        match self {
            CaseChange::Transition(t) => c.apply(*t, actor, at).map(Some),
            CaseChange::Assign { team, assignee } => {
                if team.trim().is_empty() {
                    return Err(CxError::invalid(
                        "team",
                        None,
                        team,
                        "team must not be empty",
                    ));
                }
                let to = Transition::Assign
                    .target(c.state)
                    .ok_or_else(|| c.illegal(Transition::Assign))?;
                let (team, assignee) = (team.clone(), assignee.clone());
                Ok(Some(c.change("assign", actor, at, |c| {
                    c.state = to;
                    c.team = team;
                    c.assignee = assignee;
                })))
            }
            CaseChange::PlanFollowUp {
                consent,
                delay_secs,
            } => Ok(match plan_follow_up(c, consent, actor, at, *delay_secs)? {
                FollowUpPlan::Planned(e) => Some(e),
                FollowUpPlan::NoConsent => None,
            }),
            CaseChange::RecordFollowUp {
                outcome,
                resurvey_score,
            } => record_follow_up(c, *outcome, *resurvey_score, actor, at).map(Some),
            CaseChange::Escalate(risk) => Ok(escalate(c, risk, actor, at)),
        }
    }
}

/// Which cases to list (intersected with the principal's scope).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CaseFilter {
    /// Only this team.
    pub team: Option<String>,
    /// Only this state.
    pub state: Option<CaseState>,
    /// At most this many (by id order).
    pub limit: Option<usize>,
}

impl CaseFilter {
    /// No filter.
    pub fn new() -> Self {
        Self::default()
    }
    /// Only `team`.
    pub fn team(mut self, team: impl Into<String>) -> Self {
        self.team = Some(team.into());
        self
    }
    /// Only `state`.
    pub fn state(mut self, state: CaseState) -> Self {
        self.state = Some(state);
        self
    }
    /// At most `n`.
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }
}

/// A timeline event of a case (message, call attempt, note…), bulk-loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CaseEvent {
    /// The case.
    pub case_id: String,
    /// When (Unix seconds).
    pub at: i64,
    /// Kind, e.g. `call_attempt`, `message`, `note`.
    pub kind: String,
    /// Who.
    pub actor: String,
    /// Free JSON detail.
    #[serde(default)]
    pub detail: Option<String>,
}

impl CaseEvent {
    /// An event.
    pub fn new(
        case_id: impl Into<String>,
        at: i64,
        kind: impl Into<String>,
        actor: impl Into<String>,
    ) -> Self {
        Self {
            case_id: case_id.into(),
            at,
            kind: kind.into(),
            actor: actor.into(),
            detail: None,
        }
    }
}

/// A durable store of cases with access control and an audit trail.
///
/// Every method checks the principal first; a denial returns
/// [`CxError::AccessDenied`] and is written to the audit trail. Every change
/// runs in one transaction together with its audit entry. Changes carry the
/// version the caller read: a stale version gives [`CxError::Conflict`],
/// never a lost update.
pub trait CaseStore {
    /// Store a new case (version as given, normally 1) with its `create` audit entry.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`]; [`CxError::Conflict`] when the id exists.
    fn create(&mut self, p: &Principal, case: &Case) -> Result<Case>;
    /// Store many new cases in one transaction (all or none).
    ///
    /// # Errors
    /// As [`CaseStore::create`].
    fn create_many(&mut self, p: &Principal, cases: &[Case]) -> Result<usize>;
    /// Read a case (masked for analysts).
    ///
    /// # Errors
    /// [`CxError::AccessDenied`]; [`CxError::InvalidValue`] for an unknown id.
    fn get(&mut self, p: &Principal, id: &str) -> Result<Case>;
    /// Apply `change` to the case at `expected_version`; returns the new case.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`], [`CxError::Conflict`], [`CxError::IllegalTransition`].
    fn change(
        &mut self,
        p: &Principal,
        id: &str,
        expected_version: u64,
        change: &CaseChange,
        at: DateTime<FixedOffset>,
    ) -> Result<Case>;
    /// List cases in scope (masked for analysts), ordered by id.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`] for a team outside the scope.
    fn list(&mut self, p: &Principal, filter: &CaseFilter) -> Result<Vec<Case>>;
    /// The audit trail of a case, oldest first (masked for analysts).
    ///
    /// # Errors
    /// [`CxError::AccessDenied`].
    fn audit(&mut self, p: &Principal, id: &str) -> Result<Vec<AuditEntry>>;
    /// Bulk-insert timeline events in one transaction; returns the count.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`] for a case outside the scope;
    /// [`CxError::InvalidValue`] (row = position) for an unknown case.
    fn insert_events(&mut self, p: &Principal, events: &[CaseEvent]) -> Result<usize>;
    /// Number of events, of one case or of all cases in scope.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`].
    fn count_events(&mut self, p: &Principal, case_id: Option<&str>) -> Result<u64>;
}

/// Escalate every open, not yet escalated case in `p`'s scope whose SLA policy
/// (by name, from `policies`) has a target at risk as of `as_of`
/// ([`sla_risk`] with `at_share`); each escalation is one audited change.
/// Cases without a known policy are skipped. Returns the escalated cases.
///
/// # Errors
/// As [`sla_risk`] and [`CaseStore::change`] (e.g. [`CxError::AccessDenied`]
/// for an analyst, [`CxError::Conflict`] when a case changed meanwhile).
pub fn escalate_at_risk<S: CaseStore + ?Sized>(
    store: &mut S,
    p: &Principal,
    policies: &[SlaPolicy],
    calendar: Option<&BusinessCalendar>,
    as_of: DateTime<FixedOffset>,
    at_share: f64,
) -> Result<Vec<Case>> {
    let mut out = Vec::new();
    for c in store.list(p, &CaseFilter::new())? {
        if c.escalated || !c.state.is_open() {
            continue;
        }
        let Some(policy) = c
            .sla_policy
            .as_deref()
            .and_then(|n| policies.iter().find(|x| x.name == n))
        else {
            continue;
        };
        if let Some(risk) = sla_risk(&c, policy, calendar, as_of, at_share)? {
            out.push(store.change(p, &c.id, c.version, &CaseChange::Escalate(risk), as_of)?);
        }
    }
    Ok(out)
}
