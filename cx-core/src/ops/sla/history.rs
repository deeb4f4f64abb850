//! SLA history: per ticket and target instance, the sequence of states over
//! time (started, paused by a status, resumed, target changed by a priority
//! change, breached, achieved / stopped) as events, and the final states under
//! a chosen rule for priority changes during a running target.
//!
//! # Priority changes ([`PriorityChange`])
//! - [`PriorityChange::Recalculate`] (Zendesk, the default of
//!   [`sla_history`]): when the priority changes while a target runs, the policy
//!   is chosen again from the new priority and **its** target applies to the
//!   time elapsed **since the original start** ("If a ticket's priority
//!   changes, the SLA target is recalculated … measured from when the ticket was
//!   created or the metric started", Zendesk, "Defining and using SLA
//!   policies", support.zendesk.com/hc/en-us/articles/4408829459866). If the
//!   elapsed time already exceeds the new target, the target is breached **at
//!   the change instant** (the first instant at which elapsed time exceeds the
//!   target then in force).
//! - [`PriorityChange::Restart`]: the new target is measured from the change
//!   instant (the clock restarts at zero and an earlier breach no longer
//!   decides the final state; it stays in the history).
//! - [`PriorityChange::AtStart`]: the priority at the start of the interval
//!   picks the policy for the whole interval ([`sla_status`]'s rule).
//!
//! A change to a priority under which no policy has a target for the metric
//! ends the tracking of that instance (event `target_removed`; no final
//! state). A breach is final under the rule that produced it (a later, longer
//! target does not undo it) except under `Restart`. Channels are ticket
//! attributes in the log, so only priority changes occur mid-interval.

use chrono::{DateTime, FixedOffset};

use super::{
    Hours, Instance, SlaMetric, SlaPolicy, SlaRecord, SlaState, SlaTarget, TicketInstances,
};
use crate::model::{Priority, TicketId, TicketStatus};
use crate::ops::BusinessCalendar;
use crate::ops::ticket_metrics::{TicketLog, datetime_at};
use crate::{CxError, Result};

/// How a priority change during a running target is handled (see the
/// [`sla_history`] function).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PriorityChange {
    /// The priority at the start picks the policy for the whole interval.
    AtStart,
    /// Zendesk: the new priority's target, measured from the original start.
    #[default]
    Recalculate,
    /// The new priority's target, measured from the change instant.
    Restart,
}

impl std::str::FromStr for PriorityChange {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "at_start" => Ok(Self::AtStart),
            "recalculate" => Ok(Self::Recalculate),
            "restart" => Ok(Self::Restart),
            _ => Err(CxError::option(
                "priority_change",
                format!("must be one of {{at_start, recalculate, restart}}, got {s:?}"),
            )),
        }
    }
}

/// What happened to a target instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SlaEventKind {
    /// The clock started (the measured interval began).
    Started,
    /// The clock paused: the ticket entered a pausing status.
    Paused(TicketStatus),
    /// The clock resumed.
    Resumed,
    /// A priority change put another policy or target in force.
    TargetChanged,
    /// The new priority has no target for this metric: tracking ends.
    TargetRemoved,
    /// Elapsed time exceeded the target in force.
    Breached,
    /// The clock stopped within the target.
    Achieved,
    /// The clock stopped after a breach.
    Stopped,
}

impl SlaEventKind {
    /// snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            SlaEventKind::Started => "started",
            SlaEventKind::Paused(_) => "paused",
            SlaEventKind::Resumed => "resumed",
            SlaEventKind::TargetChanged => "target_changed",
            SlaEventKind::TargetRemoved => "target_removed",
            SlaEventKind::Breached => "breached",
            SlaEventKind::Achieved => "achieved",
            SlaEventKind::Stopped => "stopped",
        }
    }
}

/// One event of a target instance's history.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SlaEvent {
    /// Ticket.
    pub ticket: TicketId,
    /// Metric.
    pub metric: SlaMetric,
    /// Start of the instance (identifies it with `ticket` and `metric`).
    pub started_at: DateTime<FixedOffset>,
    /// When it happened.
    pub at: DateTime<FixedOffset>,
    /// What happened.
    pub kind: SlaEventKind,
    /// Policy in force after the event (`None` after `target_removed`).
    pub policy: Option<String>,
    /// Target in force after the event, seconds.
    pub target_secs: Option<i64>,
    /// Hours basis of that target.
    pub hours: Option<Hours>,
    /// Elapsed seconds on the clock at the event (since the restart under
    /// [`PriorityChange::Restart`]).
    pub elapsed_secs: i64,
    /// Priority in force at the event.
    pub priority: Option<Priority>,
}

struct Walk<'a> {
    events: Vec<SlaEvent>,
    state: Option<SlaState>,
    policy: Option<&'a SlaPolicy>,
    target: Option<&'a SlaTarget>,
    priority: Option<Priority>,
}

fn target_for<'a>(
    policies: &'a [SlaPolicy],
    p: Option<Priority>,
    ch: Option<&crate::model::Channel>,
    m: SlaMetric,
) -> Option<(&'a SlaPolicy, &'a SlaTarget)> {
    let pol = policies.iter().find(|pol| pol.matches(p, ch))?;
    Some((pol, pol.targets.iter().find(|x| x.metric == m)?))
}

#[allow(clippy::too_many_arguments)]
fn walk<'a>(
    ticket: &TicketId,
    offset: i32,
    i: &Instance,
    ti: &TicketInstances,
    channel: Option<&crate::model::Channel>,
    policies: &'a [SlaPolicy],
    cal: Option<&BusinessCalendar>,
    now: i64,
    rule: PriorityChange,
) -> Result<Option<Walk<'a>>> {
    let prio_at = |x: i64| {
        ti.prio
            .iter()
            .rev()
            .find(|(at, _)| *at <= x)
            .and_then(|p| p.1)
    };
    let p0 = prio_at(i.start);
    let Some((pol0, tgt0)) = target_for(policies, p0, channel, i.metric) else {
        return Ok(None);
    };
    let end = i.stop.unwrap_or(now).min(now);
    let mut w = Walk {
        events: Vec::new(),
        state: None,
        policy: Some(pol0),
        target: Some(tgt0),
        priority: p0,
    };
    let dt = |t: i64| datetime_at(t, offset);
    let emit = |w: &mut Walk<'a>, at: i64, kind: SlaEventKind, elapsed: i64| {
        w.events.push(SlaEvent {
            ticket: ticket.clone(),
            metric: i.metric,
            started_at: dt(i.start),
            at: dt(at),
            kind,
            policy: w.policy.map(|p| p.name.clone()),
            target_secs: w.target.map(|t| t.target_secs),
            hours: w.target.map(|t| t.hours),
            elapsed_secs: elapsed,
            priority: w.priority,
        });
    };
    emit(&mut w, i.start, SlaEventKind::Started, 0);
    // Priority changes strictly inside the interval.
    let changes: Vec<(i64, Option<Priority>)> = if rule == PriorityChange::AtStart {
        Vec::new()
    } else {
        ti.prio
            .iter()
            .copied()
            .filter(|(at, _)| *at > i.start && *at < end)
            .collect()
    };
    let mut next_change = 0usize;
    let mut elapsed = 0i64;
    let mut breach: Option<i64> = None;
    let mut paused: Option<bool> = None;
    let mut paused_now = false;
    for &(s, a, b) in &ti.segs {
        let (a, b) = (a.max(i.start), b.min(end));
        if a > b {
            continue;
        }
        let mut x = a;
        loop {
            // Apply the changes due at or before x.
            while let Some(&(c, p)) = changes.get(next_change) {
                if c > x {
                    break;
                }
                next_change += 1;
                w.priority = p;
                match target_for(policies, p, channel, i.metric) {
                    None => {
                        w.policy = None;
                        w.target = None;
                        emit(&mut w, c, SlaEventKind::TargetRemoved, elapsed);
                        return Ok(Some(w));
                    }
                    Some((pol, tgt)) => {
                        let same = w.target.is_some_and(|t| std::ptr::eq(t, tgt));
                        if same {
                            continue;
                        }
                        w.policy = Some(pol);
                        w.target = Some(tgt);
                        if rule == PriorityChange::Restart {
                            elapsed = 0;
                            breach = None;
                        }
                        emit(&mut w, c, SlaEventKind::TargetChanged, elapsed);
                        if breach.is_none() && elapsed > tgt.target_secs {
                            breach = Some(c);
                            emit(&mut w, c, SlaEventKind::Breached, elapsed);
                        }
                    }
                }
            }
            let Some(target) = w.target else {
                return Ok(Some(w));
            };
            let is_paused = matches!(s, TicketStatus::Solved | TicketStatus::Closed)
                || target.pauses().contains(&s);
            if x < b || (x == end && i.stop.is_none()) {
                let fresh = paused.is_none();
                if (is_paused || !fresh) && paused != Some(is_paused) {
                    emit(
                        &mut w,
                        x,
                        if is_paused {
                            SlaEventKind::Paused(s)
                        } else {
                            SlaEventKind::Resumed
                        },
                        elapsed,
                    );
                }
                paused = Some(is_paused);
            }
            if a <= end && b >= end && i.stop.is_none() {
                paused_now = is_paused;
            }
            let y = match changes.get(next_change) {
                Some(&(c, _)) if c < b => c,
                _ => b,
            };
            if x < y && !is_paused {
                let cal = match target.hours {
                    Hours::Business => cal,
                    _ => None,
                };
                let d = cal.map_or(y - x, |c| c.duration_unix(x, y));
                if breach.is_none() && elapsed + d > target.target_secs {
                    let left = target.target_secs - elapsed;
                    let at = match cal {
                        Some(c) => c.add_unix(x, left)?,
                        None => x + left,
                    };
                    breach = Some(at);
                    emit(&mut w, at, SlaEventKind::Breached, target.target_secs);
                }
                elapsed += d;
            }
            if y >= b {
                break;
            }
            x = y;
        }
    }
    let Some(target) = w.target else {
        return Ok(Some(w));
    };
    let stop = i.stop.filter(|&s| s <= now);
    w.state = Some(match (breach, stop) {
        (Some(at), s) => {
            if let Some(s) = s {
                emit(&mut w, s, SlaEventKind::Stopped, elapsed);
            }
            SlaState::Breached {
                at: dt(at),
                overshoot_secs: elapsed - target.target_secs,
            }
        }
        (None, Some(s)) => {
            emit(&mut w, s, SlaEventKind::Achieved, elapsed);
            SlaState::Achieved {
                at: dt(s),
                elapsed_secs: elapsed,
            }
        }
        (None, None) => SlaState::Active {
            remaining_secs: target.target_secs - elapsed,
            paused: paused_now,
        },
    });
    Ok(Some(w))
}

fn each_walk<'a>(
    log: &TicketLog,
    policies: &'a [SlaPolicy],
    calendar: Option<&BusinessCalendar>,
    as_of: DateTime<FixedOffset>,
    rule: PriorityChange,
    mut f: impl FnMut(
        &crate::ops::ticket_metrics::TicketData,
        &Instance,
        Option<&crate::model::TeamId>,
        Walk<'a>,
    ),
) -> Result<()> {
    super::check_policies(policies, calendar)?;
    let now = as_of.timestamp();
    for t in &log.tickets {
        if t.created > now {
            continue;
        }
        let ti = super::ticket_instances(log, t, now);
        for i in &ti.inst {
            let w = walk(
                &t.id,
                t.offset,
                i,
                &ti,
                t.attrs.channel.as_ref(),
                policies,
                calendar,
                now,
                rule,
            )?;
            if let Some(w) = w {
                f(t, i, ti.team.as_ref(), w);
            }
        }
    }
    Ok(())
}

/// The history of every SLA target instance of every ticket as of `as_of`:
/// events in time order per instance (see [`SlaEventKind`]); instances in the
/// order of [`sla_status`](super::sla_status).
///
/// # Errors
/// As [`sla_status`](super::sla_status).
///
/// # Examples
/// ```
/// use cx_core::model::{Actor, AgentId, TicketEvent, TicketEventKind as K, TicketId, TicketStatus as S};
/// use cx_core::ops::{sla_history, Hours, PriorityChange, SlaMetric, SlaPolicy, SlaTarget, TicketLog, Validation};
/// let at = |s| chrono::DateTime::parse_from_rfc3339(s).map_err(|e| cx_core::CxError::invalid("at", None, e, "bad"));
/// let t = TicketId::new("T1")?;
/// let ev = [
///     TicketEvent::new(t.clone(), at("2024-03-04T09:00:00Z")?, K::Created { by: Actor::Requester }),
///     TicketEvent::new(t.clone(), at("2024-03-04T09:30:00Z")?, K::StatusChange { from: S::New, to: S::Pending }),
///     TicketEvent::new(t.clone(), at("2024-03-04T10:00:00Z")?, K::StatusChange { from: S::Pending, to: S::Open }),
/// ];
/// let log = TicketLog::from_events(&ev, &[], Validation::Strict)?;
/// let pol = SlaPolicy::new("p").target(SlaTarget::new(SlaMetric::RequesterWait, 3600).hours(Hours::Calendar));
/// let h = sla_history(&log, &[pol], None, at("2024-03-04T12:00:00Z")?, PriorityChange::Recalculate)?;
/// let kinds: Vec<_> = h.iter().map(|e| (e.kind.as_str(), e.elapsed_secs)).collect();
/// // 30 min running, 30 min paused in Pending, breached 30 min after resuming.
/// assert_eq!(kinds, [("started", 0), ("paused", 1800), ("resumed", 1800), ("breached", 3600)]);
/// assert_eq!(h[3].at, at("2024-03-04T10:30:00Z")?);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn sla_history(
    log: &TicketLog,
    policies: &[SlaPolicy],
    calendar: Option<&BusinessCalendar>,
    as_of: DateTime<FixedOffset>,
    rule: PriorityChange,
) -> Result<Vec<SlaEvent>> {
    let mut out = Vec::new();
    each_walk(log, policies, calendar, as_of, rule, |_, _, _, w| {
        out.extend(w.events)
    })?;
    Ok(out)
}

/// [`sla_status`](super::sla_status) under a [`PriorityChange`] rule (with
/// [`PriorityChange::AtStart`] it equals `sla_status`). The record's
/// `policy`, `target_secs`, `hours` and `priority` are those in force at the
/// end; instances whose target was removed are left out.
///
/// # Errors
/// As [`sla_status`](super::sla_status).
pub fn sla_status_with(
    log: &TicketLog,
    policies: &[SlaPolicy],
    calendar: Option<&BusinessCalendar>,
    as_of: DateTime<FixedOffset>,
    rule: PriorityChange,
) -> Result<Vec<SlaRecord>> {
    let mut out = Vec::new();
    each_walk(log, policies, calendar, as_of, rule, |t, i, team, w| {
        let (Some(state), Some(pol), Some(tgt)) = (w.state, w.policy, w.target) else {
            return;
        };
        out.push(SlaRecord {
            ticket: t.id.clone(),
            policy: pol.name.clone(),
            metric: i.metric,
            hours: tgt.hours,
            target_secs: tgt.target_secs,
            started_at: datetime_at(i.start, t.offset),
            state,
            priority: w.priority,
            channel: t.attrs.channel.clone(),
            team: team.cloned(),
        });
    })?;
    Ok(out)
}
