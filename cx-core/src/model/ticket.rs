//! Support [`Ticket`]s and their [`TicketEvent`] log, for the service-operations metrics.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{AgentId, Channel, CustomerId, TeamId, TicketId, normalize_label};
use crate::{CxError, Result};

/// Ticket priority. Parses English and Chinese (低, 普通/中, 高, 紧急/加急).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Priority {
    /// Low (低).
    Low,
    /// Normal (普通).
    Normal,
    /// High (高).
    High,
    /// Urgent (紧急).
    Urgent,
}

impl Priority {
    /// Canonical English name.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

impl std::str::FromStr for Priority {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match normalize_label(s).as_str() {
            "low" | "p4" | "低" => Priority::Low,
            "normal" | "medium" | "p3" | "普通" | "中" | "一般" => Priority::Normal,
            "high" | "p2" | "高" => Priority::High,
            "urgent" | "critical" | "p1" | "紧急" | "加急" => Priority::Urgent,
            _ => {
                return Err(CxError::invalid(
                    "priority",
                    None,
                    s,
                    "expected low, normal, high or urgent (低, 普通, 高, 紧急)",
                ));
            }
        })
    }
}

/// Ticket status, following the Zendesk model (new, open, pending, on-hold,
/// solved, closed), which most help desks map onto.
///
/// # Reference
/// Zendesk, "About ticket fields: Status" (support.zendesk.com).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TicketStatus {
    /// Not yet touched by an agent.
    New,
    /// Waiting for the agent.
    Open,
    /// Waiting for the requester.
    Pending,
    /// Waiting for a third party.
    OnHold,
    /// Solved (can still be reopened).
    Solved,
    /// Closed for good.
    Closed,
}

impl std::str::FromStr for TicketStatus {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match normalize_label(s).as_str() {
            "new" | "新建" => TicketStatus::New,
            "open" | "处理中" | "打开" => TicketStatus::Open,
            "pending" | "待回复" | "等待客户" => TicketStatus::Pending,
            "onhold" | "hold" | "挂起" => TicketStatus::OnHold,
            "solved" | "resolved" | "已解决" => TicketStatus::Solved,
            "closed" | "已关闭" | "关闭" => TicketStatus::Closed,
            _ => {
                return Err(CxError::invalid(
                    "status",
                    None,
                    s,
                    "expected new, open, pending, on_hold, solved or closed",
                ));
            }
        })
    }
}

/// Who did something on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Actor {
    /// A support agent.
    Agent(AgentId),
    /// The customer who raised the ticket.
    Requester,
    /// An automation or trigger.
    System,
}

/// What happened on a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TicketEventKind {
    /// The ticket was created.
    Created {
        /// Who created it.
        by: Actor,
    },
    /// A comment was added.
    Comment {
        /// Who wrote it.
        author: Actor,
        /// Visible to the requester (a reply) or internal (a note).
        public: bool,
    },
    /// The status changed.
    StatusChange {
        /// Previous status.
        from: TicketStatus,
        /// New status.
        to: TicketStatus,
    },
    /// The ticket was assigned.
    Assignment {
        /// Team assigned.
        team: Option<TeamId>,
        /// Agent assigned.
        agent: Option<AgentId>,
    },
    /// The priority changed.
    PriorityChange {
        /// Previous priority.
        from: Priority,
        /// New priority.
        to: Priority,
    },
    /// Marked solved.
    Solved,
    /// Reopened after being solved.
    Reopened,
    /// Closed.
    Closed,
}

/// One event in a ticket's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketEvent {
    /// The ticket.
    pub ticket: TicketId,
    /// When it happened.
    pub at: DateTime<FixedOffset>,
    /// What happened.
    pub kind: TicketEventKind,
}

impl TicketEvent {
    /// Build an event.
    pub fn new(ticket: TicketId, at: DateTime<FixedOffset>, kind: TicketEventKind) -> Self {
        Self { ticket, at, kind }
    }
}

/// A support ticket (the header; its history is a list of [`TicketEvent`]s).
///
/// # Examples
/// ```
/// use cx_core::model::{Channel, Priority, Ticket, TicketId};
/// let at = chrono::DateTime::parse_from_rfc3339("2024-03-01T09:00:00+08:00")
///     .map_err(|e| cx_core::CxError::invalid("created_at", None, e, "bad"))?;
/// let t = Ticket::new(TicketId::new("T1")?, Channel::Email, at).with_priority("紧急".parse()?);
/// assert_eq!(t.priority, Priority::Urgent);
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ticket {
    /// Identifier.
    pub id: TicketId,
    /// Requester, if known.
    pub customer: Option<CustomerId>,
    /// Channel through which it arrived.
    pub channel: Channel,
    /// Priority.
    pub priority: Priority,
    /// Owning team.
    pub team: Option<TeamId>,
    /// Topic or category (for repeat-contact FCR and Pareto).
    pub topic: Option<String>,
    /// Creation instant.
    pub created_at: DateTime<FixedOffset>,
}

impl Ticket {
    /// A normal-priority ticket with no customer, team or topic.
    pub fn new(id: TicketId, channel: Channel, created_at: DateTime<FixedOffset>) -> Self {
        Self {
            id,
            customer: None,
            channel,
            priority: Priority::Normal,
            team: None,
            topic: None,
            created_at,
        }
    }
    /// Set the requester.
    pub fn with_customer(mut self, c: CustomerId) -> Self {
        self.customer = Some(c);
        self
    }
    /// Set the priority.
    pub fn with_priority(mut self, p: Priority) -> Self {
        self.priority = p;
        self
    }
    /// Set the owning team.
    pub fn with_team(mut self, t: TeamId) -> Self {
        self.team = Some(t);
        self
    }
    /// Set the topic.
    pub fn with_topic(mut self, t: impl Into<String>) -> Self {
        self.topic = Some(t.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_and_statuses_parse() {
        assert_eq!("紧急".parse::<Priority>().ok(), Some(Priority::Urgent));
        assert_eq!("普通".parse::<Priority>().ok(), Some(Priority::Normal));
        assert_eq!(
            "On-Hold".parse::<TicketStatus>().ok(),
            Some(TicketStatus::OnHold)
        );
        assert_eq!(
            "已解决".parse::<TicketStatus>().ok(),
            Some(TicketStatus::Solved)
        );
        assert!("whenever".parse::<Priority>().is_err());
        assert!("limbo".parse::<TicketStatus>().is_err());
    }

    #[test]
    fn events_serialize_tagged() -> Result<()> {
        let at = DateTime::parse_from_rfc3339("2024-03-01T09:00:00+08:00")
            .map_err(|e| CxError::invalid("at", None, e, "bad"))?;
        let e = TicketEvent::new(
            TicketId::new("T1")?,
            at,
            TicketEventKind::Comment {
                author: Actor::Agent(AgentId::new("a1")?),
                public: true,
            },
        );
        let json = serde_json::to_string(&e).map_err(|e| CxError::invalid("json", None, e, "x"))?;
        assert!(json.contains("\"type\":\"comment\""), "{json}");
        let back: TicketEvent =
            serde_json::from_str(&json).map_err(|e| CxError::invalid("json", None, e, "x"))?;
        assert_eq!(back, e);
        Ok(())
    }
}
