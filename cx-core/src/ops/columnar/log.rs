//! [`TicketLog`] straight from dictionary-encoded columns: the log that
//! [`TicketLogBuilder`](crate::ops::TicketLogBuilder) builds row by row, for
//! the passes that read a log ([`sla_status`](crate::ops::sla_status),
//! [`backlog`](crate::ops::backlog), [`age_buckets`](crate::ops::age_buckets),
//! the issues of [`Validation::Collect`]).
//!
//! The row path parses every value of every row and interns ids in string
//! hash maps; here each distinct value is parsed once (with the parsers of the
//! row path, through the value tables of the ticket-metrics fast path), agents
//! and teams are interned once per distinct value in the order the row path
//! meets them, rows are grouped by ticket code and each ticket is sorted and
//! validated in one pass. The result is the same log — tickets, events, their
//! input rows, agents, teams and issues — as the row path's
//! (`tests/rust/ops_columnar_log.rs` compares them on random logs with and
//! without problems).

use super::encode::FxMap;
use super::{
    EventColumns, NULL, StrColumn, Tag, WhoTag, code_at, get, group, non_blank, tag_of, trimmed,
    who_of,
};
use crate::model::{AgentId, Channel, CustomerId, Priority, TeamId, TicketId, TicketStatus};
use crate::ops::ticket_metrics::{
    Ev, Kind, LogIssue, LogIssueKind, TicketAttrs, TicketData, TicketLog, Validation, Who,
};

/// Interns names (agents, teams) in order of first use; each distinct column
/// value is looked up once.
#[derive(Default)]
struct Interner<'a> {
    map: FxMap<&'a str, u32>,
    list: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    fn code(&mut self, v: &'a str) -> u32 {
        let n = self.list.len() as u32;
        let c = *self.map.entry(v).or_insert(n);
        if c == n {
            self.list.push(v);
        }
        c
    }
}

/// Per-distinct-value code of a column into an [`Interner`], assigned at the
/// value's first use (`UNSET` before).
const UNSET: u32 = u32::MAX - 1;

fn values<'a, T>(c: &Option<StrColumn<'a>>, f: impl FnMut(&'a str) -> T) -> Vec<T> {
    c.as_ref()
        .map(|c| c.values.iter().copied().map(f).collect())
        .unwrap_or_default()
}

#[inline]
fn at_ref<T>(v: &[T], code: u32) -> Option<&T> {
    if code == NULL {
        None
    } else {
        v.get(code as usize)
    }
}

/// Agent name of an actor value (`agent:<id>` → the trimmed id).
fn agent_name(v: &str) -> Option<&str> {
    match who_of(v)? {
        WhoTag::Agent => v.trim().split_once(':').map(|(_, id)| id.trim()),
        _ => None,
    }
}

/// The row path's ticket log from columns, or `None` where the row path
/// reports an error (a bad value, a missing `from`/`to`, a blank ticket id;
/// under [`Validation::Strict`] also a malformed log): run the row path then
/// for its exact error. Instants are UTC (offset 0), as the Arrow reader of
/// the Python bindings gives them.
///
/// # Examples
/// ```
/// use cx_core::ops::columnar::{EventColumns, StrColumn, ticket_log_columnar};
/// use cx_core::ops::Validation;
/// let mut ev = EventColumns::default();
/// ev.ticket = StrColumn::encode([Some("T1"), Some("T2"), Some("T1")]);
/// ev.kind = StrColumn::encode([Some("created"), Some("comment"), Some("solved")]);
/// ev.actor = Some(StrColumn::encode([Some("requester"), Some("requester"), None]));
/// ev.at = vec![0, 60, 3600];
/// // T2 has no `created` event: an issue under Collect, the row path's error under Strict.
/// assert!(ticket_log_columnar(&ev, Validation::Strict).is_none());
/// let log = ticket_log_columnar(&ev, Validation::Collect).unwrap();
/// assert_eq!(log.len(), 1);
/// assert_eq!(log.issues()[0].kind.as_str(), "unknown_ticket");
/// ```
pub fn ticket_log_columnar(ev: &EventColumns<'_>, validation: Validation) -> Option<TicketLog> {
    let n = ev.at.len();
    let opt = [
        &ev.actor,
        &ev.from,
        &ev.to,
        &ev.team,
        &ev.agent,
        &ev.channel,
        &ev.priority,
        &ev.customer,
        &ev.topic,
    ];
    if ev.ticket.len() != n
        || ev.kind.len() != n
        || !opt.iter().all(|c| c.as_ref().is_none_or(|c| c.len() == n))
        || ev.public.as_ref().is_some_and(|p| p.len() != n)
        || ev.ticket.codes.contains_null()
        || ev.kind.codes.contains_null()
    {
        return None;
    }
    let ids: Vec<TicketId> = ev
        .ticket
        .values
        .iter()
        .map(|v| TicketId::new(*v).ok())
        .collect::<Option<_>>()?;
    // Value tables (`None` = the row path errs on the value).
    let tags: Vec<Option<Tag>> = ev.kind.values.iter().map(|v| tag_of(v)).collect();
    let who: Vec<Option<WhoTag>> = values(&ev.actor, who_of);
    let status = |c| {
        values(c, |v| {
            non_blank(v).and_then(|v| v.parse::<TicketStatus>().ok())
        })
    };
    let prio = |c| values(c, |v| non_blank(v).and_then(|v| v.parse::<Priority>().ok()));
    let (st_from, st_to) = (status(&ev.from), status(&ev.to));
    let (pr_from, pr_to) = (prio(&ev.from), prio(&ev.to));
    let channels: Vec<Option<Option<Channel>>> = values(&ev.channel, |v| match trimmed(v) {
        None => Some(None),
        Some(s) => s.parse::<Channel>().ok().map(Some),
    });
    let prio_attr: Vec<Option<Option<Priority>>> = values(&ev.priority, |v| match trimmed(v) {
        None => Some(None),
        Some(s) => s.parse::<Priority>().ok().map(Some),
    });
    if channels.contains(&None) || prio_attr.contains(&None) {
        return None;
    }
    let customers: Vec<Option<CustomerId>> = values(&ev.customer, |v| {
        trimmed(v).and_then(|s| CustomerId::new(s).ok())
    });
    let topics: Vec<Option<&str>> = values(&ev.topic, trimmed);

    // Agents and teams get codes in the order the row path interns them: input
    // order, actors of `created`/`comment` rows, then the team and agent of
    // `assignment` rows. Every other value is checked on the way.
    let mut agents = Interner::default();
    let mut teams = Interner::default();
    let mut actor_agent = vec![UNSET; who.len()];
    let mut col_agent = vec![UNSET; ev.agent.as_ref().map_or(0, |c| c.values.len())];
    let mut col_team = vec![UNSET; ev.team.as_ref().map_or(0, |c| c.values.len())];
    let actor_vals = ev
        .actor
        .as_ref()
        .map(|c| c.values.as_slice())
        .unwrap_or(&[]);
    let agent_vals = ev
        .agent
        .as_ref()
        .map(|c| c.values.as_slice())
        .unwrap_or(&[]);
    let team_vals = ev.team.as_ref().map(|c| c.values.as_slice()).unwrap_or(&[]);
    for row in 0..n {
        match get(&tags, ev.kind.codes.get(row)?).flatten()? {
            Tag::Created | Tag::Comment => {
                let a = code_at(&ev.actor, row);
                if a == NULL {
                    continue; // blank actor: system
                }
                if get(&who, a).flatten()? == WhoTag::Agent {
                    let slot = actor_agent.get_mut(a as usize)?;
                    if *slot == UNSET {
                        *slot = agents.code(agent_name(actor_vals.get(a as usize)?)?);
                    }
                }
            }
            Tag::Status => {
                get(&st_from, code_at(&ev.from, row))??;
                get(&st_to, code_at(&ev.to, row))??;
            }
            Tag::Prio => {
                get(&pr_from, code_at(&ev.from, row))??;
                get(&pr_to, code_at(&ev.to, row))??;
            }
            Tag::Assign => {
                // The row path interns the team first, then the agent.
                let t = code_at(&ev.team, row);
                if t != NULL {
                    let slot = col_team.get_mut(t as usize)?;
                    if *slot == UNSET
                        && let Some(v) = non_blank(team_vals.get(t as usize)?)
                    {
                        *slot = teams.code(v.trim());
                    }
                }
                let g = code_at(&ev.agent, row);
                if g != NULL {
                    let slot = col_agent.get_mut(g as usize)?;
                    if *slot == UNSET
                        && let Some(v) = non_blank(agent_vals.get(g as usize)?)
                    {
                        *slot = agents.code(v.trim());
                    }
                }
            }
            Tag::Solved | Tag::Reopened | Tag::Closed => {}
        }
    }
    let kind_of = |row: usize| -> Option<Kind> {
        let who_at = || -> Option<Who> {
            let a = code_at(&ev.actor, row);
            Some(match get(&who, a) {
                None if a == NULL => Who::System,
                None => return None,
                Some(w) => match w? {
                    WhoTag::Agent => Who::Agent(*actor_agent.get(a as usize)?),
                    WhoTag::Requester => Who::Requester,
                    WhoTag::System => Who::System,
                },
            })
        };
        let interned = |v: &[u32], c: u32| -> Option<u32> { get(v, c).filter(|&x| x != UNSET) };
        Some(match get(&tags, ev.kind.codes.get(row)?)?? {
            Tag::Created => Kind::Created(who_at()?),
            Tag::Comment => {
                let public = !matches!(ev.public.as_ref().and_then(|p| p.get(row)), Some(0));
                Kind::Comment(who_at()?, public)
            }
            Tag::Status => Kind::Status(
                get(&st_from, code_at(&ev.from, row))??,
                get(&st_to, code_at(&ev.to, row))??,
            ),
            Tag::Prio => Kind::Prio(
                get(&pr_from, code_at(&ev.from, row))??,
                get(&pr_to, code_at(&ev.to, row))??,
            ),
            Tag::Assign => Kind::Assign(
                interned(&col_team, code_at(&ev.team, row)),
                interned(&col_agent, code_at(&ev.agent, row)),
            ),
            Tag::Solved => Kind::Solved,
            Tag::Reopened => Kind::Reopened,
            Tag::Closed => Kind::Closed,
        })
    };

    let (order, ends) = group(&ev.ticket.codes, ids.len())?;
    let mut tickets: Vec<TicketData> = Vec::with_capacity(ids.len());
    let mut events: Vec<Ev> = Vec::with_capacity(n);
    let mut issues: Vec<LogIssue> = Vec::new();
    let mut buf: Vec<(i64, bool, u32, Kind)> = Vec::with_capacity(64);
    for (t, id) in ids.iter().enumerate() {
        let lo = if t == 0 { 0 } else { *ends.get(t - 1)? } as usize;
        let hi = *ends.get(t)? as usize;
        let rows: &[u32] = match order.as_deref() {
            Some(o) => o.get(lo..hi)?,
            None => &[],
        };
        let row_at = |k: usize| -> Option<usize> {
            match order {
                Some(_) => rows.get(k).map(|&r| r as usize),
                None => Some(lo + k),
            }
        };
        // Attributes: the first non-blank value of each, in input order.
        let mut attrs = TicketAttrs::default();
        buf.clear();
        for k in 0..hi - lo {
            let row = row_at(k)?;
            if attrs.channel.is_none() {
                attrs.channel =
                    at_ref(&channels, code_at(&ev.channel, row)).and_then(|c| c.clone().flatten());
            }
            if attrs.priority.is_none() {
                attrs.priority = get(&prio_attr, code_at(&ev.priority, row))
                    .flatten()
                    .flatten();
            }
            if attrs.customer.is_none() {
                attrs.customer =
                    at_ref(&customers, code_at(&ev.customer, row)).and_then(Clone::clone);
            }
            if attrs.topic.is_none() {
                attrs.topic = get(&topics, code_at(&ev.topic, row))
                    .flatten()
                    .map(str::to_owned);
            }
            let kind = kind_of(row)?;
            let not_created = !matches!(kind, Kind::Created(_));
            buf.push((*ev.at.get(row)?, not_created, row as u32, kind));
        }
        if !buf.windows(2).all(|w| (w[0].0, w[0].1) <= (w[1].0, w[1].1)) {
            buf.sort_by_key(|e| (e.0, e.1));
        }
        let created = buf.iter().find(|e| !e.1).map(|e| e.0);
        let Some(created) = created else {
            issues.push(LogIssue {
                ticket: id.clone(),
                event_index: buf.first().map(|e| e.2 as usize),
                kind: LogIssueKind::UnknownTicket,
            });
            continue;
        };
        let first = events.len();
        let mut seen_created = false;
        let mut status = TicketStatus::New;
        for &(at, _, row, kind) in &buf {
            let row = row as usize;
            let mut issue = |kind| {
                issues.push(LogIssue {
                    ticket: id.clone(),
                    event_index: Some(row),
                    kind,
                })
            };
            if at < created {
                issue(LogIssueKind::EventBeforeCreation);
                continue;
            }
            match kind {
                Kind::Created(_) if seen_created => {
                    issue(LogIssueKind::DuplicateCreation);
                    continue;
                }
                Kind::Created(_) => seen_created = true,
                Kind::Status(from, to) => {
                    if from != status {
                        issue(LogIssueKind::BrokenStatusChain {
                            expected: status,
                            found: from,
                        });
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
            attrs,
            created,
            offset: 0,
            events: first..events.len(),
        });
    }
    if validation == Validation::Strict && !issues.is_empty() {
        return None;
    }
    Some(TicketLog {
        tickets,
        events,
        agents: agents
            .list
            .iter()
            .map(|a| AgentId::new(*a))
            .collect::<Result<_, _>>()
            .ok()?,
        teams: teams
            .list
            .iter()
            .map(|t| TeamId::new(*t))
            .collect::<Result<_, _>>()
            .ok()?,
        issues,
    })
}
