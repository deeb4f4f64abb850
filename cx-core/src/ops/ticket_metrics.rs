//! Per-ticket duration and efficiency metrics from an event log, in calendar
//! and business time, under named definitions ([`MetricDefinitions`]).
//!
//! # Definitions (defaults follow Zendesk)
//! Zendesk, "Ticket metrics and their definitions"
//! (support.zendesk.com/hc/en-us/articles/4408834848154) and "Zendesk Support
//! ticket metric definitions" for the API fields (`reply_time_in_minutes`,
//! `first_resolution_time_in_minutes`, `full_resolution_time_in_minutes`,
//! `agent_wait_time_in_minutes`, `requester_wait_time_in_minutes`,
//! `on_hold_time_in_minutes`, `reassignments`, `assignee_stations`,
//! `group_stations`, `reopens`; developer.zendesk.com, "Ticket Metrics"):
//!
//! - **First reply**: creation → first public agent comment. If an agent created
//!   the ticket, Zendesk counts the *second* public agent comment (the first is
//!   the description) — [`AgentCreated`] selects the rule. A ticket solved
//!   without a public reply keeps a null first reply time.
//! - **Next replies**: after the first reply, each oldest unanswered requester
//!   comment → the next public agent comment (Zendesk's SLA "next reply time").
//! - **First / full resolution**: creation → first / latest transition into Solved.
//! - **Requester wait** = time in New + Open + On-hold; **agent wait** = Pending;
//!   **on-hold** = On-hold; **agent work** = New + Open. Zendesk computes these
//!   on solve: by default ([`StatusTimesEnd::LatestSolve`]) they count up to the
//!   latest solve and are null while the ticket has never been solved;
//!   [`StatusTimesEnd::AsOf`] counts open tickets up to an instant instead.
//! - Metrics stay `None` until both of their events occur (Zendesk).
//! - **Reopens**: transitions out of Solved to an unsolved status.
//!   **Reassignments**: assignee changes after the first assignment;
//!   **assignee/group stations**: distinct assignees/groups (Zendesk API).
//!   **Escalations**: priority raises; `escalated_to_urgent` if any raise ends
//!   at Urgent.
//! - **One-touch** (Zendesk Explore "One-touch tickets"): solved with exactly one
//!   public agent reply; `None` until solved. Grouped by channel it is the
//!   first-contact resolution rate by channel.
//! - **Repeat-contact FCR**: solved, and no other ticket from the same customer
//!   on the same topic created after this ticket's creation and up to
//!   `repeat_window_days` after its first solve (default 7 days, a common
//!   call-centre window, e.g. SQM Group's FCR definition); `None` without
//!   customer and topic or while unsolved.
//!
//! # Business time
//! With [`BusinessRule::Zendesk`] (default), single-event metrics (first reply,
//! next reply, first/full resolution) use the weekly schedule in force at the
//! event that completes them for the whole duration, and status times
//! accumulate each status interval with the schedule in force at the status
//! change that opened it (support.zendesk.com/hc/en-us/articles/5654110765338).
//! The two rules differ only when the calendar's schedule changes by date;
//! [`BusinessRule::DayByDay`] applies each day's own schedule everywhere (the
//! dbt_zendesk approach of joining each minute to its schedule).

mod log;

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

pub(crate) use log::Ev;
pub use log::datetime_at;
pub use log::{
    EventRow, LogIssue, LogIssueKind, TicketAttrs, TicketLog, TicketLogBuilder, Validation,
    parse_instant,
};
pub(crate) use log::{Kind, TicketData, Who};

use super::BusinessCalendar;
use crate::Result;
use crate::model::{
    Channel, CustomerId, Priority, TeamId, Ticket, TicketEvent, TicketId, TicketStatus,
};

/// Which comment is the first reply on a ticket created by an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AgentCreated {
    /// The second public agent comment (Zendesk: the first is the description).
    #[default]
    SecondPublicAgentComment,
    /// The first public agent comment later than the creation instant.
    FirstAfterCreation,
    /// The first public agent comment, whoever created the ticket.
    FirstPublicAgentComment,
}

impl std::str::FromStr for AgentCreated {
    type Err = crate::CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "second_public_agent_comment" => Ok(Self::SecondPublicAgentComment),
            "first_after_creation" => Ok(Self::FirstAfterCreation),
            "first_public_agent_comment" => Ok(Self::FirstPublicAgentComment),
            _ => Err(crate::CxError::option(
                "agent_created",
                format!(
                    "must be one of {{second_public_agent_comment, first_after_creation, first_public_agent_comment}}, got {s:?}"
                ),
            )),
        }
    }
}

impl std::str::FromStr for BusinessRule {
    type Err = crate::CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "zendesk" => Ok(Self::Zendesk),
            "day_by_day" => Ok(Self::DayByDay),
            _ => Err(crate::CxError::option(
                "business_rule",
                format!("must be one of {{zendesk, day_by_day}}, got {s:?}"),
            )),
        }
    }
}

/// Up to when status times (requester/agent wait, on-hold, agent work) count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StatusTimesEnd {
    /// Up to the latest solve; `None` if never solved (Zendesk).
    #[default]
    LatestSolve,
    /// Up to this instant for every ticket (open tickets included).
    AsOf(DateTime<FixedOffset>),
}

/// How business time treats schedules that change by date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BusinessRule {
    /// Zendesk: single-event metrics use the schedule at the completing event;
    /// status times use the schedule at each status change.
    #[default]
    Zendesk,
    /// Every day uses the schedule in force that day.
    DayByDay,
}

/// The named definitions used by [`ticket_metrics`]; defaults follow Zendesk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MetricDefinitions {
    /// First reply on agent-created tickets.
    pub agent_created: AgentCreated,
    /// End of status-time accumulation.
    pub status_times_end: StatusTimesEnd,
    /// Business-time rule for dated schedules.
    pub business_rule: BusinessRule,
    /// What to do with malformed logs.
    pub validation: Validation,
    /// Window of repeat-contact FCR, in days after the first solve.
    pub repeat_window_days: u32,
}

impl Default for MetricDefinitions {
    fn default() -> Self {
        Self {
            agent_created: AgentCreated::default(),
            status_times_end: StatusTimesEnd::default(),
            business_rule: BusinessRule::default(),
            validation: Validation::default(),
            repeat_window_days: 7,
        }
    }
}

impl MetricDefinitions {
    /// Zendesk's definitions (the default).
    pub fn new() -> Self {
        Self::default()
    }
    /// Set [`AgentCreated`].
    pub fn agent_created(mut self, v: AgentCreated) -> Self {
        self.agent_created = v;
        self
    }
    /// Set [`StatusTimesEnd`].
    pub fn status_times_end(mut self, v: StatusTimesEnd) -> Self {
        self.status_times_end = v;
        self
    }
    /// Set [`BusinessRule`].
    pub fn business_rule(mut self, v: BusinessRule) -> Self {
        self.business_rule = v;
        self
    }
    /// Set [`Validation`].
    pub fn validation(mut self, v: Validation) -> Self {
        self.validation = v;
        self
    }
    /// Set the repeat-contact window in days.
    pub fn repeat_window_days(mut self, days: u32) -> Self {
        self.repeat_window_days = days;
        self
    }
}

/// A duration in calendar seconds and, when a calendar was given, business seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Elapsed {
    /// Wall-clock seconds.
    pub calendar_secs: i64,
    /// Business seconds (`None` without a calendar).
    pub business_secs: Option<i64>,
}

/// Metrics of one ticket.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TicketMetrics {
    /// Ticket.
    pub ticket: TicketId,
    /// Channel, when known.
    pub channel: Option<Channel>,
    /// Latest priority, when known.
    pub priority: Option<Priority>,
    /// Latest assigned team, when known.
    pub team: Option<TeamId>,
    /// Requester, when known.
    pub customer: Option<CustomerId>,
    /// Status after the last event.
    pub status: TicketStatus,
    /// Creation instant.
    pub created_at: DateTime<FixedOffset>,
    /// Instant of the first reply.
    pub first_reply_at: Option<DateTime<FixedOffset>>,
    /// Instant of the first solve.
    pub first_solved_at: Option<DateTime<FixedOffset>>,
    /// Instant of the latest solve.
    pub last_solved_at: Option<DateTime<FixedOffset>>,
    /// First reply time.
    pub first_reply: Option<Elapsed>,
    /// Next reply times, in order.
    pub next_replies: Vec<Elapsed>,
    /// First resolution time.
    pub first_resolution: Option<Elapsed>,
    /// Full resolution time.
    pub full_resolution: Option<Elapsed>,
    /// Requester wait time (New + Open + On-hold).
    pub requester_wait: Option<Elapsed>,
    /// Agent wait time (Pending).
    pub agent_wait: Option<Elapsed>,
    /// On-hold time.
    pub on_hold: Option<Elapsed>,
    /// Agent work time (New + Open).
    pub agent_work: Option<Elapsed>,
    /// Public agent replies (the description of an agent-created ticket excluded).
    pub agent_replies: u32,
    /// Requester comments.
    pub requester_comments: u32,
    /// Transitions into Solved.
    pub solves: u32,
    /// Transitions out of Solved to an unsolved status.
    pub reopens: u32,
    /// Assignee changes after the first assignment.
    pub reassignments: u32,
    /// Distinct assignees.
    pub assignee_stations: u32,
    /// Distinct groups (teams).
    pub group_stations: u32,
    /// Priority raises.
    pub escalations: u32,
    /// Whether a raise ended at Urgent.
    pub escalated_to_urgent: bool,
    /// Solved with exactly one public agent reply (`None` until solved).
    pub one_touch: Option<bool>,
    /// Solved with no repeat contact within the window (`None` if unknown).
    pub repeat_free: Option<bool>,
}

/// Result of [`ticket_metrics`]: one row per valid ticket, plus the issues
/// collected under [`Validation::Collect`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TicketMetricsReport {
    /// Per-ticket metrics, tickets in order of first appearance.
    pub tickets: Vec<TicketMetrics>,
    /// Problems found in the log.
    pub issues: Vec<LogIssue>,
}

/// Ticket metrics from events (and optional ticket headers).
///
/// # Errors
/// Under [`Validation::Strict`], [`crate::CxError::InvalidValue`] naming the
/// ticket and the event position for a malformed log (see [`TicketLog`]).
///
/// # Examples
/// ```
/// use cx_core::model::{Actor, AgentId, TicketEvent, TicketEventKind as K, TicketId};
/// use cx_core::ops::{ticket_metrics, MetricDefinitions};
/// let at = |s| chrono::DateTime::parse_from_rfc3339(s).map_err(|e| cx_core::CxError::invalid("at", None, e, "bad"));
/// let t = TicketId::new("T1")?;
/// let ev = [
///     TicketEvent::new(t.clone(), at("2024-03-04T09:00:00+08:00")?, K::Created { by: Actor::Requester }),
///     TicketEvent::new(t.clone(), at("2024-03-04T09:30:00+08:00")?, K::Comment { author: Actor::Agent(AgentId::new("a")?), public: true }),
///     TicketEvent::new(t.clone(), at("2024-03-04T10:00:00+08:00")?, K::Solved),
/// ];
/// let r = ticket_metrics(&ev, &[], None, MetricDefinitions::new())?;
/// assert_eq!(r.tickets[0].first_reply.map(|e| e.calendar_secs), Some(1800));
/// assert_eq!(r.tickets[0].one_touch, Some(true));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn ticket_metrics(
    events: &[TicketEvent],
    tickets: &[Ticket],
    calendar: Option<&BusinessCalendar>,
    defs: MetricDefinitions,
) -> Result<TicketMetricsReport> {
    let log = TicketLog::from_events(events, tickets, defs.validation)?;
    Ok(metrics_of_log(&log, calendar, defs))
}

/// [`ticket_metrics`] on an already built [`TicketLog`].
pub fn metrics_of_log(
    log: &TicketLog,
    calendar: Option<&BusinessCalendar>,
    defs: MetricDefinitions,
) -> TicketMetricsReport {
    let mut out: Vec<TicketMetrics> = log
        .tickets
        .iter()
        .map(|t| one_ticket(log, t, calendar, defs))
        .collect();
    repeat_contact(log, &mut out, defs.repeat_window_days);
    TicketMetricsReport {
        tickets: out,
        issues: log.issues().to_vec(),
    }
}

/// Measures `[a, b)` as an [`Elapsed`].
pub(crate) struct Clock<'a> {
    pub(crate) cal: Option<&'a BusinessCalendar>,
    pub(crate) rule: BusinessRule,
}

impl Clock<'_> {
    /// Single-event duration completed at `b`.
    pub(crate) fn single(&self, a: i64, b: i64) -> Elapsed {
        Elapsed {
            calendar_secs: b - a,
            business_secs: self.cal.map(|c| match self.rule {
                BusinessRule::Zendesk => c.duration_unix_with_schedule_at(a, b, b),
                _ => c.duration_unix(a, b),
            }),
        }
    }
    /// Accumulating interval opened by a status change at `a`.
    pub(crate) fn interval(&self, a: i64, b: i64) -> Elapsed {
        Elapsed {
            calendar_secs: b - a,
            business_secs: self.cal.map(|c| match self.rule {
                BusinessRule::Zendesk => c.duration_unix_with_schedule_at(a, b, a),
                _ => c.duration_unix(a, b),
            }),
        }
    }
}

fn add(x: &mut Elapsed, y: Elapsed) {
    x.calendar_secs += y.calendar_secs;
    x.business_secs = x.business_secs.zip(y.business_secs).map(|(a, b)| a + b);
}

/// Replay of a ticket's statuses: `(status, from, to)` segments in time order.
pub(crate) fn status_segments(
    log: &TicketLog,
    t: &TicketData,
    end: i64,
) -> Vec<(TicketStatus, i64, i64)> {
    let mut segs = Vec::new();
    let (mut status, mut since) = (TicketStatus::New, t.created);
    for e in log.events_of(t) {
        let to = match e.kind {
            Kind::Status(_, to) => to,
            Kind::Solved => TicketStatus::Solved,
            Kind::Reopened => TicketStatus::Open,
            Kind::Closed => TicketStatus::Closed,
            _ => continue,
        };
        if to == status {
            continue;
        }
        if e.at >= end {
            break;
        }
        segs.push((status, since, e.at));
        (status, since) = (to, e.at);
    }
    if since < end {
        segs.push((status, since, end));
    }
    segs
}

/// Whether the ticket was created by an agent, and the row of the description
/// comment to skip under the agent-created rule.
fn reply_skip(evs: &[Ev], created: i64, rule: AgentCreated) -> (bool, Option<usize>) {
    let by_agent = evs
        .iter()
        .any(|e| matches!(e.kind, Kind::Created(Who::Agent(_))));
    if !by_agent {
        return (false, None);
    }
    let first = evs
        .iter()
        .find(|e| matches!(e.kind, Kind::Comment(Who::Agent(_), true)));
    let skip = match rule {
        AgentCreated::SecondPublicAgentComment => first.map(|e| e.row),
        AgentCreated::FirstAfterCreation => first.filter(|e| e.at == created).map(|e| e.row),
        _ => None,
    };
    (true, skip)
}

fn one_ticket(
    log: &TicketLog,
    t: &TicketData,
    cal: Option<&BusinessCalendar>,
    defs: MetricDefinitions,
) -> TicketMetrics {
    let clock = Clock {
        cal,
        rule: defs.business_rule,
    };
    let evs = log.events_of(t);
    let (_, skip) = reply_skip(evs, t.created, defs.agent_created);
    let mut m = TicketMetrics {
        ticket: t.id.clone(),
        channel: t.attrs.channel.clone(),
        priority: t.attrs.priority,
        team: t.attrs.team.clone(),
        customer: t.attrs.customer.clone(),
        status: TicketStatus::New,
        created_at: datetime_at(t.created, t.offset),
        first_reply_at: None,
        first_solved_at: None,
        last_solved_at: None,
        first_reply: None,
        next_replies: Vec::new(),
        first_resolution: None,
        full_resolution: None,
        requester_wait: None,
        agent_wait: None,
        on_hold: None,
        agent_work: None,
        agent_replies: 0,
        requester_comments: 0,
        solves: 0,
        reopens: 0,
        reassignments: 0,
        assignee_stations: 0,
        group_stations: 0,
        escalations: 0,
        escalated_to_urgent: false,
        one_touch: None,
        repeat_free: None,
    };
    let (mut first_reply, mut first_solve, mut last_solve) =
        (None::<i64>, None::<i64>, None::<i64>);
    let mut pending: Option<i64> = None;
    let mut status = TicketStatus::New;
    let (mut agents, mut teams): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
    let mut current_agent: Option<u32> = None;
    for e in evs {
        let to = match e.kind {
            Kind::Comment(Who::Agent(_), true) if Some(e.row) != skip => {
                m.agent_replies += 1;
                match first_reply {
                    None => first_reply = Some(e.at),
                    Some(_) => {
                        if let Some(p) = pending.take() {
                            m.next_replies.push(clock.single(p, e.at));
                        }
                    }
                }
                None
            }
            Kind::Comment(Who::Requester, _) => {
                m.requester_comments += 1;
                if first_reply.is_some() && pending.is_none() {
                    pending = Some(e.at);
                }
                None
            }
            Kind::Assign(team, agent) => {
                if let Some(a) = agent {
                    if current_agent.is_some_and(|c| c != a) {
                        m.reassignments += 1;
                    }
                    current_agent = Some(a);
                    if !agents.contains(&a) {
                        agents.push(a);
                    }
                }
                if let Some(tm) = team {
                    m.team = log.team_id(tm).cloned();
                    if !teams.contains(&tm) {
                        teams.push(tm);
                    }
                }
                None
            }
            Kind::Prio(from, to) => {
                m.priority = Some(to);
                if to > from {
                    m.escalations += 1;
                    m.escalated_to_urgent |= to == Priority::Urgent;
                }
                None
            }
            Kind::Status(_, to) => Some(to),
            Kind::Solved => Some(TicketStatus::Solved),
            Kind::Reopened => Some(TicketStatus::Open),
            Kind::Closed => Some(TicketStatus::Closed),
            _ => None,
        };
        let Some(to) = to else { continue };
        if to == TicketStatus::Solved && status != TicketStatus::Solved {
            m.solves += 1;
            first_solve.get_or_insert(e.at);
            last_solve = Some(e.at);
        }
        if status == TicketStatus::Solved
            && !matches!(to, TicketStatus::Solved | TicketStatus::Closed)
        {
            m.reopens += 1;
        }
        status = to;
    }
    m.status = status;
    m.assignee_stations = agents.len() as u32;
    m.group_stations = teams.len() as u32;
    m.first_reply_at = first_reply.map(|x| datetime_at(x, t.offset));
    m.first_solved_at = first_solve.map(|x| datetime_at(x, t.offset));
    m.last_solved_at = last_solve.map(|x| datetime_at(x, t.offset));
    m.first_reply = first_reply.map(|b| clock.single(t.created, b));
    m.first_resolution = first_solve.map(|b| clock.single(t.created, b));
    m.full_resolution = last_solve.map(|b| clock.single(t.created, b));
    m.one_touch = first_solve.map(|_| m.agent_replies == 1);
    let end = match defs.status_times_end {
        StatusTimesEnd::LatestSolve => last_solve,
        StatusTimesEnd::AsOf(x) => Some(x.timestamp()),
    };
    if let Some(end) = end {
        let zero = Elapsed {
            calendar_secs: 0,
            business_secs: cal.map(|_| 0),
        };
        let (mut rw, mut aw, mut oh, mut wk) = (zero, zero, zero, zero);
        for (s, a, b) in status_segments(log, t, end) {
            let d = clock.interval(a, b);
            match s {
                TicketStatus::New | TicketStatus::Open => {
                    add(&mut rw, d);
                    add(&mut wk, d);
                }
                TicketStatus::OnHold => {
                    add(&mut rw, d);
                    add(&mut oh, d);
                }
                TicketStatus::Pending => add(&mut aw, d),
                _ => {}
            }
        }
        (m.requester_wait, m.agent_wait, m.on_hold, m.agent_work) =
            (Some(rw), Some(aw), Some(oh), Some(wk));
    }
    m
}

fn repeat_contact(log: &TicketLog, out: &mut [TicketMetrics], window_days: u32) {
    let mut groups: HashMap<(&CustomerId, &str), Vec<i64>> = HashMap::new();
    for t in &log.tickets {
        if let (Some(c), Some(topic)) = (&t.attrs.customer, &t.attrs.topic) {
            groups
                .entry((c, topic.as_str()))
                .or_default()
                .push(t.created);
        }
    }
    for v in groups.values_mut() {
        v.sort_unstable();
    }
    let window = i64::from(window_days) * 86_400;
    for (t, m) in log.tickets.iter().zip(out.iter_mut()) {
        let (Some(c), Some(topic), Some(solved)) =
            (&t.attrs.customer, &t.attrs.topic, &m.first_solved_at)
        else {
            continue;
        };
        let Some(v) = groups.get(&(c, topic.as_str())) else {
            continue;
        };
        let after = v.partition_point(|&x| x <= t.created);
        let limit = solved.timestamp() + window;
        m.repeat_free = Some(v.get(after).is_none_or(|&x| x > limit));
    }
}
