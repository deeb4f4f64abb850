//! [`TicketLog`]: a validated, compact, per-ticket sorted event log shared by
//! the ticket metrics, SLA and backlog computations.
//!
//! # Ordering
//! Input need not be sorted. Events are grouped by ticket (tickets keep the
//! order of their first appearance) and sorted **stably** by instant within a
//! ticket; at equal instants a `Created` event goes first, then input order.
//! Sub-second parts of timestamps are floored (metrics are whole seconds).
//!
//! # Malformed logs
//! Under [`Validation::Strict`] the first problem is returned as
//! [`CxError::InvalidValue`] with `field = "ticket_events"`, `row` = the 0-based
//! input position of the offending event and `value` = the ticket id. Under
//! [`Validation::Collect`] problems are recorded as [`LogIssue`]s and the log is
//! repaired: events before creation are dropped, a ticket without a creation is
//! dropped, a duplicate creation is dropped, and a status change whose `from`
//! does not match the current status is applied anyway.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Offset};

use crate::model::{
    Actor, AgentId, Channel, CustomerId, Priority, TeamId, Ticket, TicketEvent, TicketEventKind,
    TicketId, TicketStatus,
};
use crate::{CxError, Result};

/// What to do with a malformed event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Validation {
    /// Stop at the first problem with a typed error (default).
    #[default]
    Strict,
    /// Record problems as [`LogIssue`]s, repair the log and go on.
    Collect,
}

impl std::str::FromStr for Validation {
    type Err = crate::CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "strict" => Ok(Self::Strict),
            "collect" => Ok(Self::Collect),
            _ => Err(CxError::option(
                "validation",
                format!("must be one of {{strict, collect}}, got {s:?}"),
            )),
        }
    }
}

impl LogIssueKind {
    /// Stable snake_case name (`unknown_ticket`, `duplicate_creation`,
    /// `event_before_creation`, `broken_status_chain`).
    pub fn as_str(&self) -> &'static str {
        match self {
            LogIssueKind::UnknownTicket => "unknown_ticket",
            LogIssueKind::DuplicateCreation => "duplicate_creation",
            LogIssueKind::EventBeforeCreation => "event_before_creation",
            LogIssueKind::BrokenStatusChain { .. } => "broken_status_chain",
        }
    }
}

/// A problem found in an event log.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogIssueKind {
    /// No `Created` event and no ticket header: the creation instant is unknown.
    UnknownTicket,
    /// A second `Created` event.
    DuplicateCreation,
    /// An event earlier than the ticket's creation.
    EventBeforeCreation,
    /// A status change whose `from` is not the current status.
    BrokenStatusChain {
        /// Status the log implies.
        expected: TicketStatus,
        /// `from` of the event.
        found: TicketStatus,
    },
}

/// A problem found in an event log, naming the ticket and the event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogIssue {
    /// The ticket.
    pub ticket: TicketId,
    /// 0-based position of the event in the input (`None` for a ticket-level issue).
    pub event_index: Option<usize>,
    /// What is wrong.
    pub kind: LogIssueKind,
}

impl LogIssue {
    /// Human-readable reason.
    pub fn reason(&self) -> String {
        match &self.kind {
            LogIssueKind::UnknownTicket => "ticket has no `created` event and no header".into(),
            LogIssueKind::DuplicateCreation => "second `created` event for the ticket".into(),
            LogIssueKind::EventBeforeCreation => "event earlier than the ticket's creation".into(),
            LogIssueKind::BrokenStatusChain { expected, found } => {
                format!("status change from {found:?} but the ticket is {expected:?} at that point")
            }
        }
    }

    fn into_error(self) -> CxError {
        let reason = self.reason();
        CxError::invalid("ticket_events", self.event_index, self.ticket, reason)
    }
}

/// Who wrote a comment or created a ticket (agents interned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Who {
    Agent(u32),
    Requester,
    System,
}

/// Compact event kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Created(Who),
    Comment(Who, bool),
    Status(TicketStatus, TicketStatus),
    Assign(Option<u32>, Option<u32>),
    Prio(Priority, Priority),
    Solved,
    Reopened,
    Closed,
}

/// One compact event.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ev {
    pub(crate) at: i64,
    pub(crate) row: usize,
    pub(crate) kind: Kind,
}

/// Per-ticket attributes (from headers or the events table's optional columns).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct TicketAttrs {
    /// Channel.
    pub channel: Option<Channel>,
    /// Priority at creation.
    pub priority: Option<Priority>,
    /// Owning team at creation.
    pub team: Option<TeamId>,
    /// Requester.
    pub customer: Option<CustomerId>,
    /// Topic (for repeat-contact FCR).
    pub topic: Option<String>,
}

pub(crate) struct TicketData {
    pub(crate) id: TicketId,
    pub(crate) attrs: TicketAttrs,
    pub(crate) created: i64,
    pub(crate) offset: i32,
    pub(crate) events: std::ops::Range<usize>,
}

/// Builder of a [`TicketLog`] from rows (used by the Python bindings).
#[derive(Default)]
pub struct TicketLogBuilder {
    ids: Vec<TicketId>,
    index: HashMap<String, u32>,
    last: Option<u32>,
    attrs: Vec<TicketAttrs>,
    header_created: Vec<Option<(i64, i32)>>,
    rows: Vec<(u32, i64, i32, Kind)>,
    agents: Vec<AgentId>,
    agent_index: HashMap<String, u32>,
    teams: Vec<TeamId>,
    team_index: HashMap<TeamId, u32>,
}

impl TicketLogBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserve room for `n` more events.
    pub fn reserve(&mut self, n: usize) {
        self.rows.reserve(n);
    }

    fn ticket(&mut self, id: &str) -> Result<u32> {
        if let Some(l) = self.last
            && self.ids[l as usize].as_str() == id
        {
            return Ok(l);
        }
        let i = match self.index.get(id) {
            Some(&i) => i,
            None => {
                let i = self.ids.len() as u32;
                self.ids.push(TicketId::new(id)?);
                self.index.insert(id.to_owned(), i);
                self.attrs.push(TicketAttrs::default());
                self.header_created.push(None);
                i
            }
        };
        self.last = Some(i);
        Ok(i)
    }

    fn agent(&mut self, a: &AgentId) -> u32 {
        if let Some(&i) = self.agent_index.get(a.as_str()) {
            return i;
        }
        let i = self.agents.len() as u32;
        self.agents.push(a.clone());
        self.agent_index.insert(a.as_str().to_owned(), i);
        i
    }

    /// Fast path for the common `type`/`actor`/status spellings of a row; `None`
    /// means "use the general parser".
    fn fast_kind(&mut self, r: &EventRow<'_>) -> Option<Kind> {
        let who = |b: &mut Self, a: Option<&str>| -> Option<Who> {
            match a {
                Some("requester") => Some(Who::Requester),
                Some("system") => Some(Who::System),
                Some(a) => {
                    let id = a.strip_prefix("agent:")?;
                    b.agent_index.get(id).map(|&i| Who::Agent(i))
                }
                None => None,
            }
        };
        let status = |s: Option<&str>| -> Option<TicketStatus> {
            Some(match s? {
                "new" => TicketStatus::New,
                "open" => TicketStatus::Open,
                "pending" => TicketStatus::Pending,
                "on_hold" => TicketStatus::OnHold,
                "solved" => TicketStatus::Solved,
                "closed" => TicketStatus::Closed,
                _ => return None,
            })
        };
        Some(match r.kind {
            "comment" => Kind::Comment(who(self, r.actor)?, r.public.unwrap_or(true)),
            "status_change" => Kind::Status(status(r.from)?, status(r.to)?),
            "created" => Kind::Created(who(self, r.actor)?),
            "solved" => Kind::Solved,
            "reopened" => Kind::Reopened,
            "closed" => Kind::Closed,
            _ => return None,
        })
    }

    fn team(&mut self, t: &TeamId) -> u32 {
        if let Some(&i) = self.team_index.get(t) {
            return i;
        }
        let i = self.teams.len() as u32;
        self.teams.push(t.clone());
        self.team_index.insert(t.clone(), i);
        i
    }

    fn who(&mut self, a: &Actor) -> Who {
        match a {
            Actor::Agent(id) => Who::Agent(self.agent(id)),
            Actor::Requester => Who::Requester,
            _ => Who::System,
        }
    }

    /// Add one event: ticket id, Unix seconds, UTC offset seconds, kind.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an empty ticket id.
    pub fn push(
        &mut self,
        ticket: &str,
        at_unix: i64,
        offset_secs: i32,
        kind: &TicketEventKind,
    ) -> Result<()> {
        let t = self.ticket(ticket)?;
        let k = match kind {
            TicketEventKind::Created { by } => Kind::Created(self.who(by)),
            TicketEventKind::Comment { author, public } => Kind::Comment(self.who(author), *public),
            TicketEventKind::StatusChange { from, to } => Kind::Status(*from, *to),
            TicketEventKind::Assignment { team, agent } => {
                let team = team.as_ref().map(|x| self.team(x));
                let agent = agent.as_ref().map(|x| self.agent(x));
                Kind::Assign(team, agent)
            }
            TicketEventKind::PriorityChange { from, to } => Kind::Prio(*from, *to),
            TicketEventKind::Solved => Kind::Solved,
            TicketEventKind::Reopened => Kind::Reopened,
            _ => Kind::Closed,
        };
        self.rows.push((t, at_unix, offset_secs, k));
        Ok(())
    }

    /// Add one [`TicketEvent`].
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub fn push_event(&mut self, e: &TicketEvent) -> Result<()> {
        let off = e.at.offset().local_minus_utc();
        self.push(e.ticket.as_str(), e.at.timestamp(), off, &e.kind)
    }

    /// Add one [`EventRow`] (and its optional ticket attributes); `row` is its
    /// 0-based position, used in errors.
    ///
    /// # Errors
    /// As [`EventRow::parse`]; [`CxError::InvalidValue`] for a bad channel,
    /// priority, customer id or an empty ticket id.
    pub fn push_row(
        &mut self,
        ticket: &str,
        at_unix: i64,
        offset_secs: i32,
        r: &EventRow<'_>,
        row: usize,
    ) -> Result<()> {
        match self.fast_kind(r) {
            Some(k) => {
                let t = self.ticket(ticket).map_err(|e| e.at_row(row))?;
                self.rows.push((t, at_unix, offset_secs, k));
            }
            None => {
                let kind = r.parse(Some(row))?;
                self.push(ticket, at_unix, offset_secs, &kind)
                    .map_err(|e| e.at_row(row))?;
            }
        }
        if r.channel.is_some() || r.priority.is_some() || r.customer.is_some() || r.topic.is_some()
        {
            let a = TicketAttrs {
                channel: some(r.channel)
                    .map(str::parse)
                    .transpose()
                    .map_err(|e: CxError| e.at_row(row))?,
                priority: some(r.priority)
                    .map(str::parse)
                    .transpose()
                    .map_err(|e: CxError| e.at_row(row))?,
                team: None,
                customer: some(r.customer)
                    .map(CustomerId::new)
                    .transpose()
                    .map_err(|e| e.at_row(row))?,
                topic: some(r.topic).map(str::to_owned),
            };
            self.attrs(ticket, a)?;
        }
        Ok(())
    }

    /// Set a ticket's attributes (fields left `None` keep earlier values).
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub fn attrs(&mut self, ticket: &str, a: TicketAttrs) -> Result<()> {
        let t = self.ticket(ticket)? as usize;
        let cur = &mut self.attrs[t];
        cur.channel = cur.channel.take().or(a.channel);
        cur.priority = cur.priority.or(a.priority);
        cur.team = cur.team.take().or(a.team);
        cur.customer = cur.customer.take().or(a.customer);
        cur.topic = cur.topic.take().or(a.topic);
        Ok(())
    }

    /// Add a ticket header: its attributes and creation instant (used when the
    /// log has no `Created` event for it).
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub fn ticket_header(&mut self, t: &Ticket) -> Result<()> {
        let a = TicketAttrs {
            channel: Some(t.channel.clone()),
            priority: Some(t.priority),
            team: t.team.clone(),
            customer: t.customer.clone(),
            topic: t.topic.clone(),
        };
        self.attrs(t.id.as_str(), a)?;
        let i = self.ticket(t.id.as_str())? as usize;
        self.header_created[i] = Some((
            t.created_at.timestamp(),
            t.created_at.offset().local_minus_utc(),
        ));
        Ok(())
    }

    /// Group the events by ticket, sort each ticket's events by time and validate the
    /// log (see [`Validation`]).
    ///
    /// # Errors
    /// Under [`Validation::Strict`], [`CxError::InvalidValue`] naming the ticket
    /// (`value`) and the input position of the event (`row`).
    pub fn build(self, validation: Validation) -> Result<TicketLog> {
        let n = self.ids.len();
        let mut order: Vec<u32> = (0..self.rows.len() as u32).collect();
        let key = |i: &u32| {
            let r = &self.rows[*i as usize];
            (r.0, r.1, !matches!(r.3, Kind::Created(_)))
        };
        if !order.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
            order.sort_by_key(key);
        }
        let mut issues = Vec::new();
        let mut tickets = Vec::with_capacity(n);
        let mut events = Vec::with_capacity(self.rows.len());
        let mut pos = 0;
        for (t, id) in self.ids.iter().enumerate() {
            let start = pos;
            while pos < order.len() && self.rows[order[pos] as usize].0 as usize == t {
                pos += 1;
            }
            let group = &order[start..pos];
            let mut push_issue = |row: Option<usize>, kind: LogIssueKind| -> Result<()> {
                let issue = LogIssue {
                    ticket: id.clone(),
                    event_index: row,
                    kind,
                };
                match validation {
                    Validation::Strict => Err(issue.into_error()),
                    _ => {
                        issues.push(issue);
                        Ok(())
                    }
                }
            };
            let created = group
                .iter()
                .map(|&i| &self.rows[i as usize])
                .find(|r| matches!(r.3, Kind::Created(_)))
                .map(|r| (r.1, r.2))
                .or(self.header_created[t]);
            let Some((created, offset)) = created else {
                push_issue(
                    group.first().map(|&i| i as usize),
                    LogIssueKind::UnknownTicket,
                )?;
                continue;
            };
            let first = events.len();
            let mut seen_created = false;
            let mut status = TicketStatus::New;
            for &i in group {
                let (_, at, _, kind) = self.rows[i as usize];
                let row = i as usize;
                if at < created {
                    push_issue(Some(row), LogIssueKind::EventBeforeCreation)?;
                    continue;
                }
                match kind {
                    Kind::Created(_) if seen_created => {
                        push_issue(Some(row), LogIssueKind::DuplicateCreation)?;
                        continue;
                    }
                    Kind::Created(_) => seen_created = true,
                    Kind::Status(from, to) => {
                        if from != status {
                            push_issue(
                                Some(row),
                                LogIssueKind::BrokenStatusChain {
                                    expected: status,
                                    found: from,
                                },
                            )?;
                        }
                        status = to;
                    }
                    Kind::Solved => status = TicketStatus::Solved,
                    Kind::Reopened => status = TicketStatus::Open,
                    Kind::Closed => status = TicketStatus::Closed,
                    _ => {}
                }
                events.push(Ev { at, row, kind });
            }
            tickets.push(TicketData {
                id: id.clone(),
                attrs: self.attrs[t].clone(),
                created,
                offset,
                events: first..events.len(),
            });
        }
        Ok(TicketLog {
            tickets,
            events,
            agents: self.agents,
            teams: self.teams,
            issues,
        })
    }
}

/// A validated event log, grouped by ticket and sorted in time. Build it with
/// [`TicketLog::from_events`] or [`TicketLogBuilder`].
pub struct TicketLog {
    pub(crate) tickets: Vec<TicketData>,
    pub(crate) events: Vec<Ev>,
    pub(crate) agents: Vec<AgentId>,
    pub(crate) teams: Vec<TeamId>,
    pub(crate) issues: Vec<LogIssue>,
}

impl TicketLog {
    /// Build from events and optional ticket headers (for channel, priority,
    /// team, customer and topic, and the creation of tickets whose log lacks it).
    ///
    /// # Errors
    /// As [`TicketLogBuilder::build`].
    pub fn from_events(
        events: &[TicketEvent],
        tickets: &[Ticket],
        validation: Validation,
    ) -> Result<Self> {
        let mut b = TicketLogBuilder::new();
        for e in events {
            b.push_event(e)?;
        }
        for t in tickets {
            b.ticket_header(t)?;
        }
        b.build(validation)
    }

    /// Number of (valid) tickets.
    pub fn len(&self) -> usize {
        self.tickets.len()
    }

    /// Whether the log has no valid ticket.
    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty()
    }

    /// Problems found under [`Validation::Collect`].
    pub fn issues(&self) -> &[LogIssue] {
        &self.issues
    }

    pub(crate) fn events_of(&self, t: &TicketData) -> &[Ev] {
        &self.events[t.events.clone()]
    }

    /// The agents seen in the log (interned).
    pub fn agents(&self) -> &[AgentId] {
        &self.agents
    }

    pub(crate) fn team_id(&self, i: u32) -> Option<&TeamId> {
        self.teams.get(i as usize)
    }
}

/// One row of an events table in the layout of `python/cx/data/ticket_events.csv`
/// (`type`, `actor`, `public`, `from`, `to`, `team`, `agent`; empty = `None`).
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct EventRow<'a> {
    /// `created`, `comment`, `status_change`, `assignment`, `priority_change`,
    /// `solved`, `reopened` or `closed`.
    pub kind: &'a str,
    /// `agent:<id>`, `requester` or `system`.
    pub actor: Option<&'a str>,
    /// Public comment (default `true` for a comment).
    pub public: Option<bool>,
    /// Previous status or priority.
    pub from: Option<&'a str>,
    /// New status or priority.
    pub to: Option<&'a str>,
    /// Assigned team.
    pub team: Option<&'a str>,
    /// Assigned agent.
    pub agent: Option<&'a str>,
    /// Optional ticket attribute: channel (first non-empty value per ticket wins).
    pub channel: Option<&'a str>,
    /// Optional ticket attribute: priority at creation.
    pub priority: Option<&'a str>,
    /// Optional ticket attribute: requester id.
    pub customer: Option<&'a str>,
    /// Optional ticket attribute: topic.
    pub topic: Option<&'a str>,
}

impl<'a> EventRow<'a> {
    /// A row of the given type with every other column empty.
    pub fn new(kind: &'a str) -> Self {
        Self {
            kind,
            ..Self::default()
        }
    }

    fn actor(&self, row: Option<usize>) -> Result<Actor> {
        let a = self.actor.map(str::trim).unwrap_or("");
        Ok(match a {
            "requester" | "customer" | "end_user" | "end-user" => Actor::Requester,
            "system" | "" => Actor::System,
            _ => match a.split_once(':') {
                Some(("agent", id)) => {
                    Actor::Agent(AgentId::new(id).map_err(|e| e.at_row(row.unwrap_or(0)))?)
                }
                _ => {
                    return Err(CxError::invalid(
                        "actor",
                        row,
                        a,
                        "expected \"agent:<id>\", \"requester\" or \"system\"",
                    ));
                }
            },
        })
    }

    /// Parse into a [`TicketEventKind`]; `row` names the record in errors.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an unknown type, actor, status or priority,
    /// [`CxError::MissingField`] for a missing `from`/`to`.
    pub fn parse(&self, row: Option<usize>) -> Result<TicketEventKind> {
        let need = |v: Option<&'a str>, f: &str| {
            v.filter(|s| !s.trim().is_empty())
                .ok_or_else(|| CxError::MissingField {
                    field: f.into(),
                    row,
                })
        };
        let at_row = |e: CxError| match row {
            Some(r) => e.at_row(r),
            None => e,
        };
        Ok(match self.kind.trim() {
            "created" => TicketEventKind::Created {
                by: self.actor(row)?,
            },
            "comment" => TicketEventKind::Comment {
                author: self.actor(row)?,
                public: self.public.unwrap_or(true),
            },
            "status_change" => TicketEventKind::StatusChange {
                from: need(self.from, "from")?.parse().map_err(at_row)?,
                to: need(self.to, "to")?.parse().map_err(at_row)?,
            },
            "priority_change" => TicketEventKind::PriorityChange {
                from: need(self.from, "from")?.parse().map_err(at_row)?,
                to: need(self.to, "to")?.parse().map_err(at_row)?,
            },
            "assignment" => TicketEventKind::Assignment {
                team: self
                    .team
                    .filter(|s| !s.trim().is_empty())
                    .map(TeamId::new)
                    .transpose()
                    .map_err(at_row)?,
                agent: self
                    .agent
                    .filter(|s| !s.trim().is_empty())
                    .map(AgentId::new)
                    .transpose()
                    .map_err(at_row)?,
            },
            "solved" => TicketEventKind::Solved,
            "reopened" => TicketEventKind::Reopened,
            "closed" => TicketEventKind::Closed,
            other => {
                return Err(CxError::invalid(
                    "type",
                    row,
                    other,
                    "expected created, comment, status_change, assignment, priority_change, solved, reopened or closed",
                ));
            }
        })
    }
}

/// Parse an RFC 3339 timestamp (`T` or space separator) into Unix seconds
/// (floored) and its UTC offset in seconds.
///
/// # Errors
/// [`CxError::MissingTimeZone`] for a timestamp without offset;
/// [`CxError::InvalidValue`] for anything else unparsable.
pub fn parse_instant(s: &str, field: &str, row: Option<usize>) -> Result<(i64, i32)> {
    let t = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok((dt.timestamp(), dt.offset().local_minus_utc()));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if chrono::NaiveDateTime::parse_from_str(t, fmt).is_ok() {
            return Err(CxError::MissingTimeZone {
                field: field.into(),
                row,
                value: s.into(),
            });
        }
    }
    Err(CxError::invalid(
        field,
        row,
        s,
        "expected an RFC 3339 timestamp such as 2024-03-04T09:00:00+08:00",
    ))
}

fn some(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

/// Unix seconds as a timestamp with the given UTC offset in seconds (an
/// invalid offset falls back to UTC).
pub fn datetime_at(t: i64, offset: i32) -> DateTime<FixedOffset> {
    let off = FixedOffset::east_opt(offset).unwrap_or(chrono::Utc.fix());
    DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .with_timezone(&off)
}
