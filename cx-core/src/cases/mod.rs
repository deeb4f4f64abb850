//! The closed loop: cases, their state machine and audit trail, routing of
//! feedback to owning teams, follow-ups (回访), escalation and closed-loop metrics,
//! and (feature `sqlite`) a durable case store with access control.
//!
//! A complaint is triaged, routed to its owning team, resolved within its SLA,
//! followed up, and the loop is measured:
//!
//! - [`Case`], [`CaseState`], [`Transition`]: the state machine (see [`state`]
//!   for the exact table, including which states can be reopened);
//! - [`AuditEntry`]: append-only audit trail (who, when, what, before, after);
//! - [`routing`]: rules as data, a topic taxonomy, explained decisions and
//!   automatic case creation;
//! - [`followup`]: follow-up tasks (never without consent) and SLA escalation;
//! - [`loop_metrics`]: contacted-within-X-hours, time to close the loop,
//!   follow-up completion and recovery rate;
//! - [`store`]: the [`store::CaseStore`] trait, principals and roles.

pub mod audit;
pub mod followup;
pub mod loop_metrics;
pub mod routing;
pub mod state;
pub mod store;

pub use audit::AuditEntry;
pub use state::{Case, CaseState, FollowUpOutcome, FollowUpTask, Transition};
