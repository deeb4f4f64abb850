//! Columnar fast path of [`ticket_metrics`](fn@super::ticket_metrics): the same
//! metrics, straight from dictionary-encoded columns.
//!
//! The row-by-row path ([`TicketLogBuilder`](super::TicketLogBuilder) →
//! [`metrics_of_log`](super::metrics_of_log)) converts every value, interns
//! strings in hash maps, builds one heap-allocating struct per ticket and walks
//! the calendar day by day for each business duration. Here:
//!
//! - string columns arrive dictionary-encoded ([`StrColumn`]); every distinct
//!   value is parsed once, with the same parsers as the row path;
//! - rows are grouped by ticket code (no work when each ticket's rows are
//!   contiguous, a stable counting sort otherwise) and sorted in time within a
//!   ticket only when they are not already;
//! - each ticket is validated and measured in one pass over its events, into
//!   preallocated columns (no per-ticket allocation);
//! - business time comes from a [`CalendarIndex`] (two lookups per duration);
//! - tickets are split across threads.
//!
//! The fast path gives up (`None`) whenever the row path would report a
//! problem — an unknown type, a bad value, a malformed log (under
//! [`Validation::Collect`](super::ticket_metrics::Validation::Collect) too, where the
//! row path repairs it) — so that the caller can run the row path and get its exact
//! error or issues. Its results are identical to the row path's
//! (`tests/rust/ops_columnar.rs` compares both on the bundled sample and on
//! random logs).

mod encode;
mod log;

pub use encode::{Codes, DictEncoder, NULL, StrColumn};
pub use log::ticket_log_columnar;

use encode::FxMap;

use std::cell::Cell;

use super::BusinessCalendar;
use super::calendar::CalendarIndex;
use super::ticket_metrics::{AgentCreated, BusinessRule, MetricDefinitions, StatusTimesEnd};
use crate::model::{AgentId, Channel, CustomerId, Priority, TeamId, TicketStatus};

/// Marker of a missing instant or duration in [`MetricColumns`].
pub const NONE: i64 = i64::MIN;

/// An events table as columns (the layout of `ticket_events.csv`); optional
/// columns are `None` when absent. Instants are Unix seconds.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct EventColumns<'a> {
    /// `ticket_id`.
    pub ticket: StrColumn<'a>,
    /// `at`, Unix seconds (floored).
    pub at: Vec<i64>,
    /// `type`.
    pub kind: StrColumn<'a>,
    /// `actor`.
    pub actor: Option<StrColumn<'a>>,
    /// `public`: 0 false, 1 true, 2 null.
    pub public: Option<Vec<u8>>,
    /// `from`.
    pub from: Option<StrColumn<'a>>,
    /// `to`.
    pub to: Option<StrColumn<'a>>,
    /// `team`.
    pub team: Option<StrColumn<'a>>,
    /// `agent`.
    pub agent: Option<StrColumn<'a>>,
    /// `channel`.
    pub channel: Option<StrColumn<'a>>,
    /// `priority`.
    pub priority: Option<StrColumn<'a>>,
    /// `customer`.
    pub customer: Option<StrColumn<'a>>,
    /// `topic`.
    pub topic: Option<StrColumn<'a>>,
}

/// Names of the duration metrics, in the order of [`MetricColumns::durations`].
pub const DURATIONS: [&str; 7] = [
    "first_reply",
    "first_resolution",
    "full_resolution",
    "requester_wait",
    "agent_wait",
    "on_hold",
    "agent_work",
];

/// Names of the counts, in the order of [`MetricColumns::counts`].
pub const COUNTS: [&str; 8] = [
    "agent_replies",
    "requester_comments",
    "solves",
    "reopens",
    "reassignments",
    "assignee_stations",
    "group_stations",
    "escalations",
];

/// Per-ticket metrics as columns (one element per ticket, tickets in order of
/// first appearance). Missing instants and durations are [`NONE`]; missing
/// codes are [`NULL`]; tri-state flags are 0 false, 1 true, 2 null.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct MetricColumns {
    /// Ticket (index into [`ColumnarMetrics::tickets`]).
    pub ticket: Vec<u32>,
    /// Channel (index into [`ColumnarMetrics::channels`]).
    pub channel: Vec<u32>,
    /// Latest priority.
    pub priority: Vec<Option<Priority>>,
    /// Latest team (index into [`ColumnarMetrics::teams`]).
    pub team: Vec<u32>,
    /// Requester (index into [`ColumnarMetrics::customers`]).
    pub customer: Vec<u32>,
    /// Status after the last event.
    pub status: Vec<TicketStatus>,
    /// Creation, first reply, first solve and latest solve instants.
    pub instants: [Vec<i64>; 4],
    /// `[calendar, business]` seconds per metric of [`DURATIONS`].
    pub durations: [[Vec<i64>; 2]; 7],
    /// End offsets of each ticket's next replies in `next_reply`.
    pub next_end: Vec<u32>,
    /// `[calendar, business]` next reply times, all tickets in a row.
    pub next_reply: [Vec<i64>; 2],
    /// Counts of [`COUNTS`], as `i64` (the type of the result table's count
    /// columns, so they need no conversion).
    pub counts: [Vec<i64>; 8],
    /// Whether a raise ended at Urgent.
    pub escalated_to_urgent: Vec<bool>,
    /// One-touch (tri-state).
    pub one_touch: Vec<u8>,
    /// Repeat-contact free (tri-state).
    pub repeat_free: Vec<u8>,
    /// Topic code (internal: repeat contact).
    topic: Vec<u32>,
}

impl MetricColumns {
    /// Number of tickets.
    pub fn len(&self) -> usize {
        self.ticket.len()
    }

    /// Whether there is no ticket.
    pub fn is_empty(&self) -> bool {
        self.ticket.is_empty()
    }

    fn append(&mut self, mut o: MetricColumns) {
        let base = self.next_reply[0].len() as u32;
        self.ticket.append(&mut o.ticket);
        self.channel.append(&mut o.channel);
        self.priority.append(&mut o.priority);
        self.team.append(&mut o.team);
        self.customer.append(&mut o.customer);
        self.topic.append(&mut o.topic);
        self.status.append(&mut o.status);
        for (a, b) in self.instants.iter_mut().zip(o.instants.iter_mut()) {
            a.append(b);
        }
        for (a, b) in self.durations.iter_mut().zip(o.durations.iter_mut()) {
            a[0].append(&mut b[0]);
            a[1].append(&mut b[1]);
        }
        self.next_end.extend(o.next_end.iter().map(|e| e + base));
        for (a, b) in self.next_reply.iter_mut().zip(o.next_reply.iter_mut()) {
            a.append(b);
        }
        for (a, b) in self.counts.iter_mut().zip(o.counts.iter_mut()) {
            a.append(b);
        }
        self.escalated_to_urgent.append(&mut o.escalated_to_urgent);
        self.one_touch.append(&mut o.one_touch);
        self.repeat_free.append(&mut o.repeat_free);
    }
}

/// Result of [`ticket_metrics_columnar`]: the columns and the dictionaries
/// their codes index.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ColumnarMetrics<'a> {
    /// Per-ticket columns.
    pub columns: MetricColumns,
    /// Ticket ids (trimmed) by code.
    pub tickets: Vec<&'a str>,
    /// Channels by code.
    pub channels: Vec<Channel>,
    /// Teams by code.
    pub teams: Vec<TeamId>,
    /// Customers by code.
    pub customers: Vec<CustomerId>,
}

// ------------------------------------------------------------ value tables

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Created,
    Comment,
    Status,
    Assign,
    Prio,
    Solved,
    Reopened,
    Closed,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum WhoTag {
    Agent,
    Requester,
    System,
}

fn tag_of(v: &str) -> Option<Tag> {
    Some(match v.trim() {
        "created" => Tag::Created,
        "comment" => Tag::Comment,
        "status_change" => Tag::Status,
        "assignment" => Tag::Assign,
        "priority_change" => Tag::Prio,
        "solved" => Tag::Solved,
        "reopened" => Tag::Reopened,
        "closed" => Tag::Closed,
        _ => return None,
    })
}

/// Same rules as `EventRow::actor` (a bad actor is `None`: the row path errs).
fn who_of(v: &str) -> Option<WhoTag> {
    let a = v.trim();
    Some(match a {
        "requester" | "customer" | "end_user" | "end-user" => WhoTag::Requester,
        "system" | "" => WhoTag::System,
        _ => match a.split_once(':') {
            Some(("agent", id)) => {
                AgentId::new(id).ok()?;
                WhoTag::Agent
            }
            _ => return None,
        },
    })
}

fn non_blank(v: &str) -> Option<&str> {
    Some(v).filter(|s| !s.trim().is_empty())
}

fn trimmed(v: &str) -> Option<&str> {
    Some(v.trim()).filter(|s| !s.is_empty())
}

/// Interns normalised strings to codes.
#[derive(Default)]
struct Names<'a> {
    map: FxMap<&'a str, u32>,
    list: Vec<&'a str>,
}

impl<'a> Names<'a> {
    fn code(&mut self, v: &'a str) -> u32 {
        let n = self.list.len() as u32;
        let c = *self.map.entry(v).or_insert(n);
        if c == n {
            self.list.push(v);
        }
        c
    }
}

/// Per-distinct-value tables of the optional columns.
struct Tables<'a> {
    tag: Vec<Option<Tag>>,
    who: Vec<Option<WhoTag>>,
    status: [Vec<Option<TicketStatus>>; 2],
    prio: [Vec<Option<Priority>>; 2],
    team: Vec<u32>,
    agent: Vec<u32>,
    /// Attribute codes (NULL = blank); `None` means the table's value is invalid.
    channel: Vec<u32>,
    prio_attr: Vec<Option<Priority>>,
    customer: Vec<u32>,
    topic: Vec<u32>,
    channels: Vec<Channel>,
    teams: Names<'a>,
    customers: Names<'a>,
}

fn map_vals<'a, T>(c: &Option<StrColumn<'a>>, f: impl FnMut(&'a str) -> T) -> Vec<T> {
    c.as_ref()
        .map(|c| c.values.iter().copied().map(f).collect())
        .unwrap_or_default()
}

impl<'a> Tables<'a> {
    /// `None` when an attribute value is invalid (the row path errs on it).
    fn new(ev: &EventColumns<'a>) -> Option<Self> {
        let mut teams = Names::default();
        let mut agents = Names::default();
        let mut customers = Names::default();
        let mut topics = Names::default();
        let status = |c: &Option<StrColumn<'a>>| {
            map_vals(c, |v| {
                non_blank(v).and_then(|v| v.parse::<TicketStatus>().ok())
            })
        };
        let prio = |c: &Option<StrColumn<'a>>| {
            map_vals(c, |v| non_blank(v).and_then(|v| v.parse::<Priority>().ok()))
        };
        let team = map_vals(&ev.team, |v| {
            non_blank(v).map_or(NULL, |v| teams.code(v.trim()))
        });
        let agent = map_vals(&ev.agent, |v| {
            non_blank(v).map_or(NULL, |v| agents.code(v.trim()))
        });
        let mut channels: Vec<Channel> = Vec::new();
        let mut chan_names = Names::default();
        let mut bad = false;
        let channel = map_vals(&ev.channel, |v| match trimmed(v) {
            None => NULL,
            Some(s) => match s.parse::<Channel>() {
                Ok(ch) => {
                    let before = chan_names.list.len();
                    let c = chan_names.code(s);
                    if chan_names.list.len() > before {
                        channels.push(ch);
                    }
                    c
                }
                Err(_) => {
                    bad = true;
                    NULL
                }
            },
        });
        let prio_attr = map_vals(&ev.priority, |v| match trimmed(v) {
            None => None,
            Some(s) => match s.parse::<Priority>() {
                Ok(p) => Some(p),
                Err(_) => {
                    bad = true;
                    None
                }
            },
        });
        let customer = map_vals(&ev.customer, |v| {
            trimmed(v).map_or(NULL, |s| customers.code(s))
        });
        let topic = map_vals(&ev.topic, |v| trimmed(v).map_or(NULL, |s| topics.code(s)));
        if bad {
            return None;
        }
        Some(Self {
            tag: ev.kind.values.iter().map(|v| tag_of(v)).collect(),
            who: map_vals(&ev.actor, who_of),
            status: [status(&ev.from), status(&ev.to)],
            prio: [prio(&ev.from), prio(&ev.to)],
            team,
            agent,
            channel,
            prio_attr,
            customer,
            topic,
            channels,
            teams,
            customers,
        })
    }
}

// ------------------------------------------------------------ the kernel

struct Ctx<'a, 'b> {
    ev: &'b EventColumns<'a>,
    tb: &'b Tables<'a>,
    idx: Option<&'b CalendarIndex<'b>>,
    /// Whether business durations are offset differences (one schedule, or
    /// the day-by-day rule): see [`Ctx::business_memo`].
    flat: bool,
    defs: MetricDefinitions,
    as_of: Option<i64>,
}

#[inline]
fn code_at(c: &Option<StrColumn<'_>>, row: usize) -> u32 {
    c.as_ref().and_then(|c| c.codes.get(row)).unwrap_or(NULL)
}

#[inline]
fn get<T: Copy>(v: &[T], code: u32) -> Option<T> {
    if code == NULL {
        None
    } else {
        v.get(code as usize).copied()
    }
}

/// Decoded event.
#[derive(Clone, Copy)]
enum K {
    Created(WhoTag),
    Comment(WhoTag, bool),
    Status(TicketStatus, TicketStatus),
    Assign(u32, u32),
    Prio(Priority, Priority),
    Solved,
    Reopened,
    Closed,
}

impl<'a> Ctx<'a, '_> {
    #[inline]
    fn tag(&self, row: usize) -> Option<Tag> {
        get(&self.tb.tag, self.ev.kind.codes.get(row)?).flatten()
    }

    /// The event of `row` as the row path would read it; `None` where the row
    /// path errs.
    #[inline]
    fn kind(&self, row: usize) -> Option<K> {
        let tb = self.tb;
        let who = || -> Option<WhoTag> {
            let c = code_at(&self.ev.actor, row);
            if c == NULL {
                Some(WhoTag::System)
            } else {
                get(&tb.who, c).flatten()
            }
        };
        let st =
            |k: usize, col: &Option<StrColumn<'_>>| get(&tb.status[k], code_at(col, row)).flatten();
        let pr =
            |k: usize, col: &Option<StrColumn<'_>>| get(&tb.prio[k], code_at(col, row)).flatten();
        Some(match self.tag(row)? {
            Tag::Created => K::Created(who()?),
            Tag::Comment => {
                let public = !matches!(self.ev.public.as_ref().and_then(|p| p.get(row)), Some(0));
                K::Comment(who()?, public)
            }
            Tag::Status => K::Status(st(0, &self.ev.from)?, st(1, &self.ev.to)?),
            Tag::Prio => K::Prio(pr(0, &self.ev.from)?, pr(1, &self.ev.to)?),
            Tag::Assign => K::Assign(
                get(&tb.team, code_at(&self.ev.team, row)).unwrap_or(NULL),
                get(&tb.agent, code_at(&self.ev.agent, row)).unwrap_or(NULL),
            ),
            Tag::Solved => K::Solved,
            Tag::Reopened => K::Reopened,
            Tag::Closed => K::Closed,
        })
    }

    #[inline]
    fn business(&self, a: i64, b: i64, at: i64) -> i64 {
        match self.idx {
            None => NONE,
            Some(ix) => match self.defs.business_rule {
                BusinessRule::Zendesk => ix.duration_with_schedule_at(a, b, at),
                _ => ix.duration(a, b),
            },
        }
    }

    /// [`business`](Self::business) through the offsets of `a` and `b`
    /// when the schedule does not depend on `at`, remembering in `memo` the
    /// first instant looked up (a ticket's creation: the single-event metrics
    /// all start there) for the whole ticket and the last two others (each
    /// status segment starts where the previous one ended).
    #[inline]
    fn business_memo(&self, memo: &Cell<[(i64, i64); 3]>, a: i64, b: i64, at: i64) -> i64 {
        let Some(ix) = self.idx.filter(|_| self.flat) else {
            return self.business(a, b, at);
        };
        let off = |x: i64| -> Option<i64> {
            let [m0, m1, pin] = memo.get();
            if x == NONE {
                return None; // the empty slots' key
            }
            if pin.0 == x {
                return Some(pin.1);
            }
            if m0.0 == x {
                return Some(m0.1);
            }
            if m1.0 == x {
                memo.set([m1, m0, pin]);
                return Some(m1.1);
            }
            let v = ix.offset(x)?;
            if pin.0 == NONE {
                memo.set([m0, m1, (x, v)]);
            } else {
                memo.set([(x, v), m0, pin]);
            }
            Some(v)
        };
        match (off(a), off(b)) {
            (Some(oa), Some(ob)) => ob - oa,
            _ => ix.duration(a, b),
        }
    }

    /// Measure one ticket whose rows (sorted) are `rows`; `None` where the row
    /// path would report a problem.
    fn ticket(&self, rows: &[u32], out: &mut MetricColumns) -> Option<()> {
        let ev = self.ev;
        let first = *rows.first()? as usize;
        if self.tag(first)? != Tag::Created {
            return None; // no creation, or an event before it
        }
        let created = *ev.at.get(first)?;
        let ticket_code = ev.ticket.codes.get(first)?;
        // Attributes: first non-blank value in input order.
        let mut attr: [(u32, u32); 4] = [(u32::MAX, NULL); 4]; // (row, code)
        let mut prio_attr: (u32, Option<Priority>) = (u32::MAX, None);
        let attr_cols = [&ev.channel, &ev.customer, &ev.topic];
        let attr_tabs = [&self.tb.channel, &self.tb.customer, &self.tb.topic];
        let mut by_agent = false;
        let mut seen_agent_comment = false;
        let mut team = NULL;
        let mut counts = [0u32; 8];
        let mut escalated_to_urgent = false;
        let (mut first_reply, mut first_solve, mut last_solve) = (NONE, NONE, NONE);
        let mut pending: Option<i64> = None;
        let mut status = TicketStatus::New;
        let mut since = created;
        // Accumulated status time: [new+open, on-hold, pending] × [calendar, business].
        let mut acc = [[0i64; 2]; 3];
        let mut at_solve = acc;
        let as_of = self.as_of;
        let mut closed_at_as_of = false;
        let mut current_agent = NULL;
        // Distinct agents / teams: small inline sets, spilling to a linear scan
        // of the ticket's rows (no allocation).
        let mut agents_seen = 0u32;
        let mut teams_seen = 0u32;
        let mut seen_created = false;
        let memo = Cell::new([(NONE, 0i64); 3]);
        let segment = |status: TicketStatus, a: i64, b: i64, acc: &mut [[i64; 2]; 3]| {
            let slot = match status {
                TicketStatus::New | TicketStatus::Open => 0,
                TicketStatus::OnHold => 1,
                TicketStatus::Pending => 2,
                _ => return,
            };
            acc[slot][0] += b - a;
            if self.idx.is_some() {
                acc[slot][1] += self.business_memo(&memo, a, b, a);
            }
        };
        let mut priority: Option<Priority> = None;
        // Most event logs carry no attribute columns: no lookups per row then.
        let any_attr = attr_cols.iter().any(|c| c.is_some()) || ev.priority.is_some();
        for (k, &r) in rows.iter().enumerate() {
            let row = r as usize;
            if any_attr {
                for j in 0..3 {
                    let c = get(attr_tabs[j], code_at(attr_cols[j], row)).unwrap_or(NULL);
                    if c != NULL && r < attr[j].0 {
                        attr[j] = (r, c);
                    }
                }
                if let Some(p) = get(&self.tb.prio_attr, code_at(&ev.priority, row)).flatten()
                    && r < prio_attr.0
                {
                    prio_attr = (r, Some(p));
                }
            }
            let at = *ev.at.get(row)?;
            let mut kind = self.kind(row)?;
            if let K::Comment(WhoTag::Agent, true) = kind
                && by_agent
                && !seen_agent_comment
            {
                // The description of an agent-created ticket (AgentCreated).
                seen_agent_comment = true;
                let skip = match self.defs.agent_created {
                    AgentCreated::SecondPublicAgentComment => true,
                    AgentCreated::FirstAfterCreation => at == created,
                    _ => false,
                };
                if skip {
                    kind = K::Comment(WhoTag::System, true);
                }
            }
            let to = match kind {
                K::Created(w) => {
                    if seen_created {
                        return None; // duplicate creation
                    }
                    seen_created = true;
                    by_agent = w == WhoTag::Agent;
                    None
                }
                K::Prio(from, to) => {
                    priority = Some(to);
                    if to > from {
                        counts[7] += 1;
                        escalated_to_urgent |= to == Priority::Urgent;
                    }
                    None
                }
                K::Comment(WhoTag::Agent, true) => {
                    counts[0] += 1;
                    if first_reply == NONE {
                        first_reply = at;
                    } else if let Some(p) = pending.take() {
                        out.next_reply[0].push(at - p);
                        out.next_reply[1].push(self.business_memo(&memo, p, at, at));
                    }
                    None
                }
                K::Comment(WhoTag::Requester, _) => {
                    counts[1] += 1;
                    if first_reply != NONE && pending.is_none() {
                        pending = Some(at);
                    }
                    None
                }
                K::Comment(..) => None,
                K::Assign(tm, ag) => {
                    if ag != NULL {
                        if current_agent != NULL && current_agent != ag {
                            counts[4] += 1;
                        }
                        current_agent = ag;
                        if !self.seen_before(rows, k, ag, false) {
                            agents_seen += 1;
                        }
                    }
                    if tm != NULL {
                        team = tm;
                        if !self.seen_before(rows, k, tm, true) {
                            teams_seen += 1;
                        }
                    }
                    None
                }
                K::Status(from, to) => {
                    if from != status {
                        return None; // broken status chain
                    }
                    Some(to)
                }
                K::Solved => Some(TicketStatus::Solved),
                K::Reopened => Some(TicketStatus::Open),
                K::Closed => Some(TicketStatus::Closed),
            };
            let Some(to) = to else { continue };
            if to != status {
                match as_of {
                    None => segment(status, since, at, &mut acc),
                    Some(end) if !closed_at_as_of => {
                        if at < end {
                            segment(status, since, at, &mut acc);
                        } else {
                            if since < end {
                                segment(status, since, end, &mut acc);
                            }
                            closed_at_as_of = true;
                        }
                    }
                    _ => {}
                }
                since = at;
            }
            if to == TicketStatus::Solved && status != TicketStatus::Solved {
                counts[2] += 1;
                if first_solve == NONE {
                    first_solve = at;
                }
                last_solve = at;
                at_solve = acc;
            }
            if status == TicketStatus::Solved
                && !matches!(to, TicketStatus::Solved | TicketStatus::Closed)
            {
                counts[3] += 1;
            }
            status = to;
        }
        if let Some(end) = as_of
            && !closed_at_as_of
            && since < end
        {
            segment(status, since, end, &mut acc);
        }
        counts[5] = agents_seen;
        counts[6] = teams_seen;

        out.ticket.push(ticket_code);
        out.channel.push(attr[0].1);
        out.customer.push(attr[1].1);
        out.topic.push(attr[2].1);
        out.priority.push(priority.or(prio_attr.1));
        out.team.push(team);
        out.status.push(status);
        out.instants[0].push(created);
        out.instants[1].push(first_reply);
        out.instants[2].push(first_solve);
        out.instants[3].push(last_solve);
        let single = |b: i64| -> [i64; 2] {
            if b == NONE {
                [NONE, NONE]
            } else {
                [b - created, self.business_memo(&memo, created, b, b)]
            }
        };
        let status_times = match as_of {
            Some(_) => Some(acc),
            None if last_solve != NONE => Some(at_solve),
            None => None,
        };
        let st = |f: fn(&[[i64; 2]; 3], usize) -> i64| -> [i64; 2] {
            match status_times {
                None => [NONE, NONE],
                Some(a) => [f(&a, 0), if self.idx.is_some() { f(&a, 1) } else { NONE }],
            }
        };
        let vals: [[i64; 2]; 7] = [
            single(first_reply),
            single(first_solve),
            single(last_solve),
            st(|a, i| a[0][i] + a[1][i]),
            st(|a, i| a[2][i]),
            st(|a, i| a[1][i]),
            st(|a, i| a[0][i]),
        ];
        for (col, v) in out.durations.iter_mut().zip(vals) {
            col[0].push(v[0]);
            col[1].push(v[1]);
        }
        out.next_end.push(out.next_reply[0].len() as u32);
        for (col, v) in out.counts.iter_mut().zip(counts) {
            col.push(i64::from(v));
        }
        out.escalated_to_urgent.push(escalated_to_urgent);
        out.one_touch.push(if first_solve == NONE {
            2
        } else {
            u8::from(counts[0] == 1)
        });
        out.repeat_free.push(2);
        Some(())
    }

    /// Whether the agent (`team = false`) or team code `code` was assigned in
    /// an earlier row of the ticket.
    fn seen_before(&self, rows: &[u32], k: usize, code: u32, team: bool) -> bool {
        rows.get(..k).is_some_and(|prev| {
            prev.iter().any(|&r| {
                let row = r as usize;
                if self.tag(row) != Some(Tag::Assign) {
                    return false;
                }
                let (col, tab) = if team {
                    (&self.ev.team, &self.tb.team)
                } else {
                    (&self.ev.agent, &self.tb.agent)
                };
                get(tab, code_at(col, row)) == Some(code)
            })
        })
    }
}

fn new_cols(n: usize) -> MetricColumns {
    let v64 = || Vec::with_capacity(n);
    MetricColumns {
        ticket: Vec::with_capacity(n),
        channel: Vec::with_capacity(n),
        priority: Vec::with_capacity(n),
        team: Vec::with_capacity(n),
        customer: Vec::with_capacity(n),
        status: Vec::with_capacity(n),
        instants: std::array::from_fn(|_| v64()),
        durations: std::array::from_fn(|_| [v64(), v64()]),
        next_end: Vec::with_capacity(n),
        // About one next reply per ticket in a typical log (room only: an
        // unused reservation is never touched).
        next_reply: [Vec::with_capacity(n), Vec::with_capacity(n)],
        counts: std::array::from_fn(|_| Vec::with_capacity(n)),
        escalated_to_urgent: Vec::with_capacity(n),
        one_touch: Vec::with_capacity(n),
        repeat_free: Vec::with_capacity(n),
        topic: Vec::with_capacity(n),
    }
}

/// Rows grouped by ticket: see [`group`].
type Grouped = (Option<Vec<u32>>, Vec<u32>);

/// Rows grouped by ticket code: `(order, ends)` with ticket `t`'s rows at
/// `order[ends[t-1]..ends[t]]` (`order = None` means the identity).
fn group(ticket: &Codes, n_tickets: usize) -> Option<Grouped> {
    match ticket {
        Codes::U8(v) => group_of(v, n_tickets),
        Codes::U16(v) => group_of(v, n_tickets),
        Codes::U32(v) => group_of(v, n_tickets),
    }
}

fn group_of<T: Copy + Into<u32> + PartialOrd>(ticket: &[T], n_tickets: usize) -> Option<Grouped> {
    // One pass: count each ticket's rows and check the order.
    let mut counts = vec![0u32; n_tickets];
    let mut sorted = true;
    let mut prev = 0u32;
    for &t in ticket {
        let t: u32 = t.into();
        sorted &= prev <= t;
        prev = t;
        *counts.get_mut(t as usize)? += 1;
    }
    let mut ends = Vec::with_capacity(n_tickets);
    let mut acc = 0u32;
    for c in &counts {
        acc += c;
        ends.push(acc);
    }
    if sorted {
        return Some((None, ends));
    }
    let mut next: Vec<u32> = ends.iter().zip(&counts).map(|(e, c)| e - c).collect();
    let mut order = vec![0u32; ticket.len()];
    for (i, &t) in ticket.iter().enumerate() {
        let slot = next.get_mut(t.into() as usize)?;
        *order.get_mut(*slot as usize)? = i as u32;
        *slot += 1;
    }
    Some((Some(order), ends))
}

fn run_range(
    ctx: &Ctx<'_, '_>,
    order: Option<&[u32]>,
    ends: &[u32],
    tickets: std::ops::Range<usize>,
) -> Option<MetricColumns> {
    let mut out = new_cols(tickets.len());
    let mut buf: Vec<u32> = Vec::with_capacity(64);
    for t in tickets {
        let lo = if t == 0 { 0 } else { *ends.get(t - 1)? } as usize;
        let hi = *ends.get(t)? as usize;
        buf.clear();
        match order {
            None => buf.extend(lo as u32..hi as u32),
            Some(o) => buf.extend_from_slice(o.get(lo..hi)?),
        }
        let key = |r: &u32| {
            let r = *r as usize;
            (
                ctx.ev.at.get(r).copied().unwrap_or(i64::MAX),
                ctx.tag(r) != Some(Tag::Created),
            )
        };
        // In order already (the usual case)? One key per row.
        let mut keys = buf.iter().map(key);
        let sorted = match keys.next() {
            None => true,
            Some(first) => keys
                .try_fold(first, |prev, k| (prev <= k).then_some(k))
                .is_some(),
        };
        if !sorted {
            buf.sort_by_key(key);
        }
        ctx.ticket(&buf, &mut out)?;
    }
    Some(out)
}

fn repeat_contact(cols: &mut MetricColumns, window_days: u32) {
    let mut groups: FxMap<(u32, u32), Vec<i64>> = FxMap::default();
    for i in 0..cols.len() {
        let (c, t) = (cols.customer[i], cols.topic[i]);
        if c != NULL && t != NULL {
            groups.entry((c, t)).or_default().push(cols.instants[0][i]);
        }
    }
    if groups.is_empty() {
        return;
    }
    for v in groups.values_mut() {
        v.sort_unstable();
    }
    let window = i64::from(window_days) * 86_400;
    for i in 0..cols.len() {
        let (c, t, solved) = (cols.customer[i], cols.topic[i], cols.instants[2][i]);
        if c == NULL || t == NULL || solved == NONE {
            continue;
        }
        let Some(v) = groups.get(&(c, t)) else {
            continue;
        };
        let created = cols.instants[0][i];
        let after = v.partition_point(|&x| x <= created);
        let limit = solved + window;
        cols.repeat_free[i] = u8::from(v.get(after).is_none_or(|&x| x > limit));
    }
}

/// Ticket metrics from columns, identical to the row path's
/// ([`metrics_of_log`](super::metrics_of_log) over a log built row by row from
/// the same table); `threads` ≥ 2 splits the tickets across threads.
///
/// Returns `None` when the row path would report a problem (bad value,
/// malformed log): run the row path then. Under [`Validation::Collect`](super::Validation::Collect) a log
/// with no problem gives the same table as under `Strict`, so both take this
/// path and only a log with problems goes to the row path to be collected.
///
/// # Examples
/// ```
/// use cx_core::ops::columnar::{ticket_metrics_columnar, EventColumns, StrColumn, NONE};
/// use cx_core::ops::MetricDefinitions;
/// let mut ev = EventColumns::default();
/// ev.ticket = StrColumn::encode([Some("T1"), Some("T1"), Some("T1")]);
/// ev.kind = StrColumn::encode([Some("created"), Some("comment"), Some("solved")]);
/// ev.actor = Some(StrColumn::encode([Some("requester"), Some("agent:a"), None]));
/// ev.at = vec![0, 1800, 3600];
/// let m = ticket_metrics_columnar(&ev, None, MetricDefinitions::new(), 1).unwrap();
/// assert_eq!(m.columns.durations[0][0], [1800]); // first reply, calendar seconds
/// assert_eq!(m.columns.durations[0][1], [NONE]); // no calendar: no business time
/// ```
pub fn ticket_metrics_columnar<'a>(
    ev: &EventColumns<'a>,
    calendar: Option<&BusinessCalendar>,
    defs: MetricDefinitions,
    threads: usize,
) -> Option<ColumnarMetrics<'a>> {
    let m = ticket_metrics_chunks(ev, calendar, defs, threads)?;
    let mut chunks = m.chunks;
    let columns = if chunks.len() <= 1 {
        chunks.pop().unwrap_or_default()
    } else {
        let mut all = new_cols(chunks.iter().map(MetricColumns::len).sum());
        let replies: usize = chunks.iter().map(|p| p.next_reply[0].len()).sum();
        all.next_reply[0].reserve(replies);
        all.next_reply[1].reserve(replies);
        for p in chunks {
            all.append(p);
        }
        all
    };
    Some(ColumnarMetrics {
        columns,
        tickets: m.tickets,
        channels: m.channels,
        teams: m.teams,
        customers: m.customers,
    })
}

/// Result of [`ticket_metrics_chunks`]: the per-ticket columns in consecutive
/// chunks (tickets in order of first appearance across the chunks) and the
/// dictionaries their codes index.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MetricChunks<'a> {
    /// Per-ticket columns, one chunk per thread (at least one chunk).
    pub chunks: Vec<MetricColumns>,
    /// Ticket ids (trimmed) by code.
    pub tickets: Vec<&'a str>,
    /// Channels by code.
    pub channels: Vec<Channel>,
    /// Teams by code.
    pub teams: Vec<TeamId>,
    /// Customers by code.
    pub customers: Vec<CustomerId>,
}

/// [`ticket_metrics_columnar`] without joining the threads' results: each
/// thread's tickets stay one chunk, so a caller that writes the chunks out
/// separately (e.g. as the record batches of one Arrow table, each on its own
/// thread) copies nothing. The chunks, concatenated, are
/// [`ticket_metrics_columnar`]'s columns.
///
/// # Examples
/// ```
/// use cx_core::ops::columnar::{ticket_metrics_chunks, EventColumns, StrColumn};
/// use cx_core::ops::MetricDefinitions;
/// let mut ev = EventColumns::default();
/// ev.ticket = StrColumn::encode([Some("T1"), Some("T1")]);
/// ev.kind = StrColumn::encode([Some("created"), Some("solved")]);
/// ev.at = vec![0, 3600];
/// let m = ticket_metrics_chunks(&ev, None, MetricDefinitions::new(), 2).unwrap();
/// assert_eq!(m.chunks.len(), 1); // small inputs run on one thread
/// assert_eq!(m.chunks[0].durations[2][0], [3600]); // full resolution, calendar seconds
/// ```
pub fn ticket_metrics_chunks<'a>(
    ev: &EventColumns<'a>,
    calendar: Option<&BusinessCalendar>,
    defs: MetricDefinitions,
    threads: usize,
) -> Option<MetricChunks<'a>> {
    let n = ev.at.len();
    if ev.ticket.len() != n || ev.kind.len() != n {
        return None;
    }
    let cols_ok = [
        &ev.actor,
        &ev.from,
        &ev.to,
        &ev.team,
        &ev.agent,
        &ev.channel,
        &ev.priority,
        &ev.customer,
        &ev.topic,
    ]
    .iter()
    .all(|c| c.as_ref().is_none_or(|c| c.len() == n))
        && ev.public.as_ref().is_none_or(|p| p.len() == n);
    if !cols_ok {
        return None;
    }
    let as_of = match defs.status_times_end {
        StatusTimesEnd::AsOf(x) => Some(x.timestamp()),
        _ => None,
    };
    // Two independent preparations, on two threads for large logs (each is a
    // few passes over the rows): the value tables, and the grouping of rows by
    // ticket with the span of instants for the calendar index.
    let want_span = calendar.is_some();
    let values = || -> Option<(Vec<&'a str>, Tables<'a>, (i64, i64))> {
        if ev.kind.codes.contains_null() {
            return None;
        }
        // The ids as `TicketId::new` reads them (non-blank, trimmed), without
        // allocating one per ticket.
        let tickets: Vec<&'a str> = ev
            .ticket
            .values
            .iter()
            .map(|v| trimmed(v))
            .collect::<Option<_>>()?;
        // One pass for both ends (vectorised).
        let span = if !want_span || ev.at.is_empty() {
            (0, 0)
        } else {
            ev.at
                .iter()
                .fold((i64::MAX, i64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)))
        };
        Some((tickets, Tables::new(ev)?, span))
    };
    let rows = || -> Option<Grouped> {
        if ev.ticket.codes.contains_null() {
            return None;
        }
        group(&ev.ticket.codes, ev.ticket.values.len())
    };
    let (v, r) = if threads >= 2 && n >= 200_000 {
        std::thread::scope(|s| {
            let h = s.spawn(rows);
            let v = values();
            (v, h.join().ok().flatten())
        })
    } else {
        (values(), rows())
    };
    let ((tickets, tb, (lo, hi)), (order, ends)) = (v?, r?);
    let index = calendar.map(|c| {
        let hi = as_of.map_or(hi, |x| hi.max(x));
        CalendarIndex::new(c, lo.min(hi), hi)
    });
    let ctx = Ctx {
        ev,
        tb: &tb,
        idx: index.as_ref(),
        flat: index.as_ref().is_some_and(|ix| {
            ix.one_schedule() || !matches!(defs.business_rule, BusinessRule::Zendesk)
        }),
        defs,
        as_of,
    };
    let nt = tickets.len();
    let threads = threads.clamp(1, 16).min(nt.div_ceil(20_000).max(1));
    let mut chunks = if threads <= 1 {
        vec![run_range(&ctx, order.as_deref(), &ends, 0..nt)?]
    } else {
        let per = nt.div_ceil(threads);
        let parts: Vec<Option<MetricColumns>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|k| {
                    let r = (k * per).min(nt)..((k + 1) * per).min(nt);
                    let (ctx, order, ends) = (&ctx, order.as_deref(), &ends);
                    s.spawn(move || run_range(ctx, order, ends, r))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().ok().flatten())
                .collect()
        });
        parts.into_iter().collect::<Option<Vec<_>>>()?
    };
    if ev.customer.is_some() && ev.topic.is_some() {
        // Repeat contact looks across tickets: one chunk.
        if chunks.len() > 1 {
            let mut all = new_cols(nt);
            for p in chunks {
                all.append(p);
            }
            chunks = vec![all];
        }
        for c in &mut chunks {
            repeat_contact(c, defs.repeat_window_days);
        }
    }
    Some(MetricChunks {
        chunks,
        tickets,
        channels: tb.channels,
        teams: tb
            .teams
            .list
            .iter()
            .map(|t| TeamId::new(*t))
            .collect::<Result<_, _>>()
            .ok()?,
        customers: tb
            .customers
            .list
            .iter()
            .map(|t| CustomerId::new(*t))
            .collect::<Result<_, _>>()
            .ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `trimmed` accepts exactly the ids `TicketId::new` accepts, and keeps the same
    /// text (the ticket ids are checked with it, without `TicketId::new`'s allocations).
    #[test]
    fn trimmed_accepts_what_ticket_id_accepts() {
        let ws = [
            "", " ", "\t", "\u{0B}", "\u{0C}", "\r\n", "\u{85}", "\u{A0}", "\u{3000}", "x", "é",
        ];
        for a in ws {
            for b in ["T1", "", "工单", " T 2 ", "a\u{0B}"] {
                for c in ws {
                    let v = format!("{a}{b}{c}");
                    let id = crate::model::TicketId::new(v.as_str()).ok();
                    assert_eq!(trimmed(&v), id.as_ref().map(|t| t.as_str()), "{v:?}");
                }
            }
        }
    }
}
