//! SLA policies: targets per priority and channel, live status per ticket and
//! target as of an instant, and achievement rates with Wilson intervals.
//!
//! # Semantics (Zendesk SLA policies)
//! Zendesk, "Defining and using SLA policies"
//! (support.zendesk.com/hc/en-us/articles/4408829459866) and "SLA metrics"
//! (article 4408821871642):
//! - Policies are tried in order; the **first policy whose conditions match**
//!   applies (conditions: priority — as of the start of the measured interval —
//!   and channel; an empty list matches anything).
//! - **First reply**: creation → first public agent reply (the agent-created
//!   rule of [`AgentCreated::SecondPublicAgentComment`](super::AgentCreated)).
//! - **Next reply**: oldest unanswered requester comment (after the first reply)
//!   → next public agent reply; one record per instance.
//! - **Periodic update**: each public agent reply → the next one; one record per instance.
//! - **Requester wait**: time in New, Open and On-hold; paused in Pending by
//!   default (Zendesk's "pausable" requester-wait metric).
//! - **Resolution** (Freshdesk's "resolution due", not a Zendesk target):
//!   creation → solve, not paused by default.
//! - A solve stops every running clock (Zendesk closes active targets on
//!   solve); time spent Solved never counts after a reopen, and the
//!   requester-wait and resolution clocks resume on reopen.
//!   Any target can be paused in further statuses with [`SlaTarget::pause_in`].
//! - A target is **breached** when its elapsed time exceeds the target; the
//!   breach instant is the deadline (`add(start, target)` on the target's
//!   clock, pauses skipped). Elapsed equal to the target is achieved.
//! - **Achievement rate** = achieved / (achieved + breached); active targets
//!   that have not breached are excluded (Zendesk Explore "SLA achievement rate").
//!
//! Events after `as_of` are ignored, so the result is the live view at `as_of`.

use std::collections::BTreeMap;

mod history;

pub use history::{PriorityChange, SlaEvent, SlaEventKind, sla_history, sla_status_with};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::BusinessCalendar;
use super::ticket_metrics::{Kind, TicketData, TicketLog, Who, datetime_at, status_segments};
use crate::model::{Channel, Priority, TeamId, TicketId, TicketStatus};
use crate::{CxError, Result};

/// The measured interval of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SlaMetric {
    /// Creation → first public agent reply.
    FirstReply,
    /// Oldest unanswered requester comment → next public agent reply.
    NextReply,
    /// Public agent reply → next public agent reply.
    PeriodicUpdate,
    /// Time in New, Open and On-hold (paused in Pending).
    RequesterWait,
    /// Creation → solve.
    Resolution,
}

impl SlaMetric {
    /// snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            SlaMetric::FirstReply => "first_reply",
            SlaMetric::NextReply => "next_reply",
            SlaMetric::PeriodicUpdate => "periodic_update",
            SlaMetric::RequesterWait => "requester_wait",
            SlaMetric::Resolution => "resolution",
        }
    }
}

impl std::str::FromStr for SlaMetric {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "first_reply" => SlaMetric::FirstReply,
            "next_reply" => SlaMetric::NextReply,
            "periodic_update" => SlaMetric::PeriodicUpdate,
            "requester_wait" => SlaMetric::RequesterWait,
            "resolution" => SlaMetric::Resolution,
            _ => {
                return Err(CxError::option(
                    "metric",
                    format!(
                        "must be one of {{first_reply, next_reply, periodic_update, requester_wait, resolution}}, got {s:?}"
                    ),
                ));
            }
        })
    }
}

/// Business or calendar hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Hours {
    /// Business hours of the calendar passed to [`sla_status`].
    #[default]
    Business,
    /// Wall-clock time.
    Calendar,
}

/// One target of a policy (serde: `{"metric": "first_reply", "target_secs": 3600,
/// "hours": "business", "pause_in": ["pending"]}`; `hours` and `pause_in` optional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SlaTarget {
    /// What is measured.
    pub metric: SlaMetric,
    /// Target in seconds.
    pub target_secs: i64,
    /// Business or calendar hours.
    #[serde(default)]
    pub hours: Hours,
    /// Statuses that pause the clock besides Solved; `None` = the metric's
    /// default (Pending for requester wait, nothing otherwise).
    #[serde(default)]
    pub pause_in: Option<Vec<TicketStatus>>,
}

impl SlaTarget {
    /// A business-hours target; requester wait pauses in Pending by default.
    pub fn new(metric: SlaMetric, target_secs: i64) -> Self {
        Self {
            metric,
            target_secs,
            hours: Hours::Business,
            pause_in: None,
        }
    }
    /// Set business or calendar hours.
    pub fn hours(mut self, h: Hours) -> Self {
        self.hours = h;
        self
    }
    /// Set the pausing statuses.
    pub fn pause_in(mut self, statuses: &[TicketStatus]) -> Self {
        self.pause_in = Some(statuses.to_vec());
        self
    }
    /// The statuses that pause this target (besides Solved and Closed).
    pub fn pauses(&self) -> &[TicketStatus] {
        match (&self.pause_in, self.metric) {
            (Some(p), _) => p,
            (None, SlaMetric::RequesterWait) => &[TicketStatus::Pending],
            _ => &[],
        }
    }
}

/// An SLA policy: conditions and targets. The first matching policy applies.
/// Serde: `{"name": "vip", "priorities": ["urgent"], "channels": ["phone"], "targets": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SlaPolicy {
    /// Name.
    pub name: String,
    /// Priorities it applies to (empty = all).
    #[serde(default)]
    pub priorities: Vec<Priority>,
    /// Channels it applies to (empty = all).
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Targets.
    pub targets: Vec<SlaTarget>,
}

impl SlaPolicy {
    /// A policy that matches every ticket and has no target yet.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            priorities: Vec::new(),
            channels: Vec::new(),
            targets: Vec::new(),
        }
    }
    /// Restrict to priorities.
    pub fn priorities(mut self, p: &[Priority]) -> Self {
        self.priorities = p.to_vec();
        self
    }
    /// Restrict to channels.
    pub fn channels(mut self, c: &[Channel]) -> Self {
        self.channels = c.to_vec();
        self
    }
    /// Add a target (a later target for the same metric replaces it).
    pub fn target(mut self, t: SlaTarget) -> Self {
        self.targets.retain(|x| x.metric != t.metric);
        self.targets.push(t);
        self
    }
    pub(crate) fn matches(&self, p: Option<Priority>, c: Option<&Channel>) -> bool {
        (self.priorities.is_empty() || p.is_some_and(|p| self.priorities.contains(&p)))
            && (self.channels.is_empty() || c.is_some_and(|c| self.channels.contains(c)))
    }
}

/// State of one target instance as of `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SlaState {
    /// Stopped within the target.
    Achieved {
        /// When the clock stopped.
        at: DateTime<FixedOffset>,
        /// Elapsed seconds (on the target's clock).
        elapsed_secs: i64,
    },
    /// The target was exceeded.
    Breached {
        /// The deadline that passed.
        at: DateTime<FixedOffset>,
        /// Elapsed minus target, at the stop or at `as_of` if still running.
        overshoot_secs: i64,
    },
    /// Still running (or paused) within the target.
    Active {
        /// Seconds left (on the target's clock).
        remaining_secs: i64,
        /// Whether the clock is paused at `as_of`.
        paused: bool,
    },
}

impl SlaState {
    /// `achieved`, `breached` or `active`.
    pub fn as_str(&self) -> &'static str {
        match self {
            SlaState::Achieved { .. } => "achieved",
            SlaState::Breached { .. } => "breached",
            SlaState::Active { .. } => "active",
        }
    }
}

/// One target instance of one ticket.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SlaRecord {
    /// Ticket.
    pub ticket: TicketId,
    /// Policy name.
    pub policy: String,
    /// Metric.
    pub metric: SlaMetric,
    /// Hours basis.
    pub hours: Hours,
    /// Target seconds.
    pub target_secs: i64,
    /// When the clock started.
    pub started_at: DateTime<FixedOffset>,
    /// State as of `as_of`.
    pub state: SlaState,
    /// Priority used for matching.
    pub priority: Option<Priority>,
    /// Channel.
    pub channel: Option<Channel>,
    /// Latest team as of `as_of`.
    pub team: Option<TeamId>,
}

/// Status of every SLA target instance of every ticket as of `as_of`.
///
/// # Errors
/// [`CxError::InvalidOption`] for a business-hours target without a calendar or
/// a negative target.
pub fn sla_status(
    log: &TicketLog,
    policies: &[SlaPolicy],
    calendar: Option<&BusinessCalendar>,
    as_of: DateTime<FixedOffset>,
) -> Result<Vec<SlaRecord>> {
    check_policies(policies, calendar)?;
    let now = as_of.timestamp();
    let mut out = Vec::new();
    for t in &log.tickets {
        if t.created > now {
            continue;
        }
        ticket_sla(log, t, policies, calendar, now, &mut out)?;
    }
    Ok(out)
}

/// Negative targets and business-hours targets without a calendar are errors.
pub(crate) fn check_policies(
    policies: &[SlaPolicy],
    calendar: Option<&BusinessCalendar>,
) -> Result<()> {
    for p in policies {
        for t in &p.targets {
            if t.target_secs < 0 {
                return Err(CxError::option(
                    "target_secs",
                    format!("policy {:?}: target must be >= 0", p.name),
                ));
            }
            if t.hours == Hours::Business && calendar.is_none() {
                return Err(CxError::option(
                    "calendar",
                    format!(
                        "policy {:?} has a business-hours target: pass a calendar",
                        p.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

pub(crate) struct Instance {
    pub(crate) metric: SlaMetric,
    pub(crate) start: i64,
    pub(crate) stop: Option<i64>,
}

/// A ticket's target instances as of `now`, with its priority changes
/// (`(instant, priority)`, creation first), latest team and status segments.
pub(crate) struct TicketInstances {
    pub(crate) inst: Vec<Instance>,
    pub(crate) prio: Vec<(i64, Option<Priority>)>,
    pub(crate) team: Option<TeamId>,
    pub(crate) segs: Vec<(TicketStatus, i64, i64)>,
}

fn ticket_sla(
    log: &TicketLog,
    t: &TicketData,
    policies: &[SlaPolicy],
    cal: Option<&BusinessCalendar>,
    now: i64,
    out: &mut Vec<SlaRecord>,
) -> Result<()> {
    let TicketInstances {
        inst,
        prio,
        team,
        segs,
    } = ticket_instances(log, t, now);
    for i in inst {
        let p = prio
            .iter()
            .rev()
            .find(|(at, _)| *at <= i.start)
            .and_then(|x| x.1);
        let Some(policy) = policies
            .iter()
            .find(|pol| pol.matches(p, t.attrs.channel.as_ref()))
        else {
            continue;
        };
        let Some(target) = policy.targets.iter().find(|x| x.metric == i.metric) else {
            continue;
        };
        let state = run_clock(&i, target, &segs, cal, now, t.offset)?;
        out.push(SlaRecord {
            ticket: t.id.clone(),
            policy: policy.name.clone(),
            metric: i.metric,
            hours: target.hours,
            target_secs: target.target_secs,
            started_at: datetime_at(i.start, t.offset),
            state,
            priority: p,
            channel: t.attrs.channel.clone(),
            team: team.clone(),
        });
    }
    Ok(())
}

pub(crate) fn ticket_instances(log: &TicketLog, t: &TicketData, now: i64) -> TicketInstances {
    let evs: Vec<_> = log.events_of(t).iter().filter(|e| e.at <= now).collect();
    let by_agent = evs
        .iter()
        .any(|e| matches!(e.kind, Kind::Created(Who::Agent(_))));
    let mut skip_first = by_agent;
    let mut inst: Vec<Instance> = Vec::new();
    let (mut first_reply, mut last_reply, mut pending_req) =
        (None::<i64>, None::<i64>, None::<i64>);
    let mut prio: Vec<(i64, Option<Priority>)> = vec![(t.created, t.attrs.priority)];
    let mut team = t.attrs.team.clone();
    let mut status = TicketStatus::New;
    let mut last_solve = None;
    let open_fr = |inst: &mut Vec<Instance>, m, s| {
        inst.push(Instance {
            metric: m,
            start: s,
            stop: None,
        })
    };
    open_fr(&mut inst, SlaMetric::FirstReply, t.created);
    open_fr(&mut inst, SlaMetric::RequesterWait, t.created);
    open_fr(&mut inst, SlaMetric::Resolution, t.created);
    let stop = |inst: &mut Vec<Instance>, m: SlaMetric, at: i64| {
        for i in inst
            .iter_mut()
            .filter(|i| i.metric == m && i.stop.is_none())
        {
            i.stop = Some(at);
        }
    };
    for e in &evs {
        match e.kind {
            Kind::Comment(Who::Agent(_), true) => {
                if std::mem::take(&mut skip_first) {
                    continue;
                }
                if first_reply.is_none() {
                    first_reply = Some(e.at);
                    stop(&mut inst, SlaMetric::FirstReply, e.at);
                }
                if pending_req.take().is_some() {
                    stop(&mut inst, SlaMetric::NextReply, e.at);
                }
                if last_reply.is_some() {
                    stop(&mut inst, SlaMetric::PeriodicUpdate, e.at);
                }
                last_reply = Some(e.at);
                if status != TicketStatus::Solved {
                    open_fr(&mut inst, SlaMetric::PeriodicUpdate, e.at);
                }
            }
            Kind::Comment(Who::Requester, _)
                if first_reply.is_some()
                    && pending_req.is_none()
                    && status != TicketStatus::Solved =>
            {
                pending_req = Some(e.at);
                open_fr(&mut inst, SlaMetric::NextReply, e.at);
            }
            Kind::Prio(_, to) => prio.push((e.at, Some(to))),
            Kind::Assign(Some(tm), _) => team = log.team_id(tm).cloned(),
            _ => {}
        }
        let to = match e.kind {
            Kind::Status(_, to) => to,
            Kind::Solved => TicketStatus::Solved,
            Kind::Reopened => TicketStatus::Open,
            Kind::Closed => TicketStatus::Closed,
            _ => continue,
        };
        if matches!(to, TicketStatus::Solved | TicketStatus::Closed)
            && !matches!(status, TicketStatus::Solved | TicketStatus::Closed)
        {
            last_solve = Some(e.at);
            for m in [
                SlaMetric::FirstReply,
                SlaMetric::NextReply,
                SlaMetric::PeriodicUpdate,
            ] {
                stop(&mut inst, m, e.at);
            }
            pending_req = None;
        }
        status = to;
    }
    if matches!(status, TicketStatus::Solved | TicketStatus::Closed)
        && let Some(s) = last_solve
    {
        stop(&mut inst, SlaMetric::RequesterWait, s);
        stop(&mut inst, SlaMetric::Resolution, s);
    }
    let segs = status_segments(log, t, now + 1);
    TicketInstances {
        inst,
        prio,
        team,
        segs,
    }
}

fn run_clock(
    i: &Instance,
    target: &SlaTarget,
    segs: &[(TicketStatus, i64, i64)],
    cal: Option<&BusinessCalendar>,
    now: i64,
    offset: i32,
) -> Result<SlaState> {
    let end = i.stop.unwrap_or(now).min(now);
    let cal = match target.hours {
        Hours::Business => cal,
        _ => None,
    };
    let measure = |a: i64, b: i64| cal.map_or(b - a, |c| c.duration_unix(a, b));
    let mut elapsed = 0;
    let mut breach_at = None;
    let mut paused_now = false;
    for &(s, a, b) in segs {
        let (a, b) = (a.max(i.start), b.min(end));
        let paused =
            s == TicketStatus::Solved || s == TicketStatus::Closed || target.pauses().contains(&s);
        if a <= end && b >= end && i.stop.is_none() {
            paused_now = paused;
        }
        if a >= b || paused {
            continue;
        }
        let d = measure(a, b);
        if breach_at.is_none() && elapsed + d > target.target_secs {
            let left = target.target_secs - elapsed;
            breach_at = Some(match cal {
                Some(c) => c.add_unix(a, left)?,
                None => a + left,
            });
        }
        elapsed += d;
    }
    Ok(match (breach_at, i.stop.filter(|&s| s <= now)) {
        (Some(at), _) => SlaState::Breached {
            at: datetime_at(at, offset),
            overshoot_secs: elapsed - target.target_secs,
        },
        (None, Some(s)) => SlaState::Achieved {
            at: datetime_at(s, offset),
            elapsed_secs: elapsed,
        },
        (None, None) => SlaState::Active {
            remaining_secs: target.target_secs - elapsed,
            paused: paused_now,
        },
    })
}

/// How to segment achievement rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SlaSegment {
    /// One row for everything.
    #[default]
    All,
    /// By policy name.
    Policy,
    /// By metric.
    Metric,
    /// By priority.
    Priority,
    /// By channel.
    Channel,
    /// By team.
    Team,
}

/// Achievement of one segment.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SlaCompliance {
    /// Segment key (`"all"`, a policy name, a metric, ...; `""` when unknown).
    pub segment: String,
    /// Achieved targets.
    pub achieved: u64,
    /// Breached targets.
    pub breached: u64,
    /// Active, not yet breached targets (excluded from the rate).
    pub active: u64,
    /// achieved / (achieved + breached), `None` without closed targets.
    pub achievement_rate: Option<f64>,
    /// Wilson interval lower bound.
    pub ci_low: Option<f64>,
    /// Wilson interval upper bound.
    pub ci_high: Option<f64>,
}

/// Achievement rates by segment with Wilson score intervals.
///
/// # Formula
/// rate = a / (a + b); Wilson (1927): `(p̂ + z²/2n ± z√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)`,
/// `z = Φ⁻¹(1 − (1 − confidence)/2)`.
/// # Reference
/// Wilson, E. B. (1927). "Probable inference, the law of succession, and
/// statistical inference". JASA 22(158):209–212. Matches statsmodels
/// `proportion_confint(method="wilson")`.
/// # Errors
/// [`CxError::InvalidOption`] unless `0 < confidence < 1`.
pub fn sla_compliance(
    records: &[SlaRecord],
    by: SlaSegment,
    confidence: f64,
) -> Result<Vec<SlaCompliance>> {
    let mut groups: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for r in records {
        let key = match by {
            SlaSegment::Policy => r.policy.clone(),
            SlaSegment::Metric => r.metric.as_str().to_owned(),
            SlaSegment::Priority => r
                .priority
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            SlaSegment::Channel => r
                .channel
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            SlaSegment::Team => r
                .team
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            _ => "all".to_owned(),
        };
        let g = groups.entry(key).or_default();
        match r.state {
            SlaState::Achieved { .. } => g.0 += 1,
            SlaState::Breached { .. } => g.1 += 1,
            _ => g.2 += 1,
        }
    }
    groups
        .into_iter()
        .map(|(segment, (a, b, act))| {
            let ci = wilson_interval(a, a + b, confidence)?;
            Ok(SlaCompliance {
                segment,
                achieved: a,
                breached: b,
                active: act,
                achievement_rate: (a + b > 0).then(|| a as f64 / (a + b) as f64),
                ci_low: ci.map(|c| c.low),
                ci_high: ci.map(|c| c.high),
            })
        })
        .collect()
}

/// A confidence interval for a proportion.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ProportionInterval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// Wilson score interval of `successes` out of `n` (`None` when `n = 0`).
///
/// # Formula
/// `(p̂ + z²/2n ± z√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)`, `z = Φ⁻¹(1 − (1 − confidence)/2)`.
/// # Reference
/// Wilson, E. B. (1927). JASA 22(158):209–212; statsmodels
/// `proportion_confint(count, nobs, alpha, method="wilson")`.
/// # Errors
/// [`CxError::InvalidOption`] unless `0 < confidence < 1`;
/// [`CxError::InvalidValue`] if `successes > n`.
///
/// # Examples
/// ```
/// let ci = cx_core::ops::wilson_interval(8, 10, 0.95)?.ok_or(cx_core::CxError::EmptyInput { what: "n".into() })?;
/// // statsmodels.stats.proportion.proportion_confint(8, 10, method="wilson")
/// assert!((ci.low - 0.4901625).abs() < 1e-6 && (ci.high - 0.9433178).abs() < 1e-6);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn wilson_interval(
    successes: u64,
    n: u64,
    confidence: f64,
) -> Result<Option<ProportionInterval>> {
    use statrs::distribution::{ContinuousCDF, Normal};
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(CxError::option(
            "confidence",
            format!("must be in (0, 1), got {confidence}"),
        ));
    }
    if successes > n {
        return Err(CxError::invalid(
            "successes",
            None,
            successes,
            "more successes than trials",
        ));
    }
    if n == 0 {
        return Ok(None);
    }
    let normal = Normal::standard();
    let z = normal.inverse_cdf(1.0 - (1.0 - confidence) / 2.0);
    let (nf, p) = (n as f64, successes as f64 / n as f64);
    let z2 = z * z;
    let centre = p + z2 / (2.0 * nf);
    let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    let denom = 1.0 + z2 / nf;
    Ok(Some(ProportionInterval {
        low: ((centre - half) / denom).max(0.0),
        high: ((centre + half) / denom).min(1.0),
    }))
}
