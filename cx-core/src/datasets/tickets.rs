//! Support tickets and their event logs, arriving on the 2024 Chinese work
//! calendar, with a planted first-reply shift on phone and live chat.
//!
//! # The 2024 calendar
//! Public holidays (放假) and make-up working days (调休上班) follow the State
//! Council notice 《国务院办公厅关于2024年部分节假日安排的通知》(国办发明电〔2023〕7号,
//! 25 October 2023, www.gov.cn):
//!
//! | Holiday | Days off | Make-up working days |
//! |---|---|---|
//! | 元旦 New Year | 1 Jan (with the weekend) | — |
//! | 春节 Spring Festival | 10–17 Feb | Sun 4 Feb, Sun 18 Feb |
//! | 清明节 Qingming | 4–6 Apr | Sun 7 Apr |
//! | 劳动节 Labour Day | 1–5 May | Sun 28 Apr, Sat 11 May |
//! | 端午节 Dragon Boat | 10 Jun (with the weekend) | — |
//! | 中秋节 Mid-Autumn | 15–17 Sep | Sat 14 Sep |
//! | 国庆节 National Day | 1–7 Oct | Sun 29 Sep, Sat 12 Oct |
//!
//! Other years have no holiday table here: only weekends are days off.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use super::company::{ESCALATION_TEAM, TOPICS};
use super::customers::Period;
use super::feedback::shanghai;
use super::rng::{Categorical, Rng};
use crate::model::{
    Actor, AgentId, Channel, Customer, Priority, TeamId, Ticket, TicketEvent, TicketEventKind,
    TicketId, TicketStatus,
};
use crate::{CxError, Result};

/// 2024 days off (month, day), per 国办发明电〔2023〕7号.
pub(crate) const HOLIDAYS_2024: [(u32, u32); 28] = [
    (1, 1),
    (2, 10),
    (2, 11),
    (2, 12),
    (2, 13),
    (2, 14),
    (2, 15),
    (2, 16),
    (2, 17),
    (4, 4),
    (4, 5),
    (4, 6),
    (5, 1),
    (5, 2),
    (5, 3),
    (5, 4),
    (5, 5),
    (6, 10),
    (9, 15),
    (9, 16),
    (9, 17),
    (10, 1),
    (10, 2),
    (10, 3),
    (10, 4),
    (10, 5),
    (10, 6),
    (10, 7),
];
/// 2024 make-up working days (调休上班), per 国办发明电〔2023〕7号.
pub(crate) const MAKEUP_WORKDAYS_2024: [(u32, u32); 8] = [
    (2, 4),
    (2, 18),
    (4, 7),
    (4, 28),
    (5, 11),
    (9, 14),
    (9, 29),
    (10, 12),
];

/// Kind of calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DayType {
    Workday,
    MakeUpWorkday,
    Weekend,
    Holiday,
}

/// Classify a day on the Chinese work calendar (holiday table for 2024 only).
pub(crate) fn day_type(d: NaiveDate) -> DayType {
    let md = (d.month(), d.day());
    if d.year() == 2024 {
        if HOLIDAYS_2024.contains(&md) {
            return DayType::Holiday;
        }
        if MAKEUP_WORKDAYS_2024.contains(&md) {
            return DayType::MakeUpWorkday;
        }
    }
    match d.weekday() {
        Weekday::Sat | Weekday::Sun => DayType::Weekend,
        _ => DayType::Workday,
    }
}

fn is_working(d: NaiveDate) -> bool {
    matches!(day_type(d), DayType::Workday | DayType::MakeUpWorkday)
}

/// Channels with their share of tickets.
const CHANNELS: [(Channel, f64); 6] = [
    (Channel::Phone, 0.28),
    (Channel::LiveChat, 0.30),
    (Channel::Email, 0.14),
    (Channel::WebForm, 0.08),
    (Channel::MessagingApp, 0.12),
    (Channel::InApp, 0.08),
];

/// Median first-reply delay (seconds) per channel before the shift; the
/// delay is log-normal with σ = [`FRT_SIGMA`], times a priority factor.
pub(crate) fn frt_median_secs(c: &Channel) -> f64 {
    match c {
        Channel::Phone => 240.0,
        Channel::LiveChat => 90.0,
        Channel::MessagingApp => 900.0,
        Channel::Email => 14_400.0,
        Channel::WebForm => 18_000.0,
        _ => 7_200.0,
    }
}
/// Log-normal σ of the first-reply delay.
pub(crate) const FRT_SIGMA: f64 = 0.8;
/// Planted first-reply shift: factor, channels, position in the period.
pub(crate) const SHIFT_FACTOR: f64 = 1.4;
pub(crate) const SHIFT_FRACTION: f64 = 0.6;
pub(crate) fn shifted(c: &Channel) -> bool {
    matches!(c, Channel::Phone | Channel::LiveChat)
}

/// Median resolution time (seconds, after the first reply) per channel.
fn resolve_median_secs(c: &Channel) -> f64 {
    match c {
        Channel::Phone => 1_200.0,
        Channel::LiveChat => 900.0,
        Channel::MessagingApp => 7_200.0,
        Channel::Email => 72_000.0,
        Channel::WebForm => 86_400.0,
        _ => 36_000.0,
    }
}

fn priority_factor(p: Priority) -> f64 {
    match p {
        Priority::Urgent => 0.5,
        Priority::High => 0.75,
        Priority::Low => 1.3,
        _ => 1.0,
    }
}

/// Probabilities of the event-log features.
pub(crate) const P_PENDING: f64 = 0.30;
pub(crate) const P_REASSIGN: f64 = 0.12;
pub(crate) const P_ESCALATE: f64 = 0.07;
pub(crate) const P_REOPEN: f64 = 0.08;
pub(crate) const P_NOTE: f64 = 0.20;
/// Days after the (last) solve when the system closes a ticket (Zendesk's
/// default automation closes solved tickets after 4 days).
pub(crate) const CLOSE_AFTER_DAYS: i64 = 4;

fn hms(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

/// Whether the channel is staffed every day 07:00–23:00 (phone, live chat, messaging).
fn always_open(c: &Channel) -> bool {
    matches!(
        c,
        Channel::Phone | Channel::LiveChat | Channel::MessagingApp
    )
}

/// Earliest moment at or after `t` when the channel is staffed: phone, live
/// chat and messaging 07:00–23:00 every day (tickets never arrive outside
/// these hours, so their first reply is the drawn delay itself); e-mail, web
/// form and in-app 09:00–18:00 on working days.
fn open_at(t: NaiveDateTime, c: &Channel) -> NaiveDateTime {
    let always = always_open(c);
    let (open, close) = if always {
        (hms(7, 0), hms(23, 0))
    } else {
        (hms(9, 0), hms(18, 0))
    };
    let mut day = t.date();
    for _ in 0..30 {
        if always || is_working(day) {
            let o = day.and_time(open);
            let cl = day.and_time(close);
            if t < o {
                return o;
            }
            if t < cl {
                return t;
            }
        }
        day = day.succ_opt().unwrap_or(day);
    }
    t
}

/// A creation time: pick a day (working 1.0, weekend 0.35, holiday 0.3) and a
/// time (working days: 82% in 09:00–12:00 ∪ 13:30–18:00, else 07:00–09:00,
/// 12:00–13:30, 18:00–23:00; other days: 08:00–22:00).
fn arrival(rng: &mut Rng, period: Period, day_w: &Categorical) -> NaiveDateTime {
    let day = period.day(day_w.sample(rng) as i64);
    let secs = if is_working(day) {
        if rng.chance(0.82) {
            let s = rng.below(27_000) as i64; // 7.5 h
            if s < 10_800 {
                9 * 3600 + s
            } else {
                13 * 3600 + 1800 + (s - 10_800)
            }
        } else {
            let s = rng.below(30_600) as i64; // 2 h + 1.5 h + 5 h
            if s < 7_200 {
                7 * 3600 + s
            } else if s < 12_600 {
                12 * 3600 + (s - 7_200)
            } else {
                18 * 3600 + (s - 12_600)
            }
        }
    } else {
        8 * 3600 + rng.below(50_400) as i64
    };
    day.and_time(NaiveTime::MIN) + Duration::seconds(secs)
}

/// Output of [`tickets`].
pub(crate) struct TicketsOut {
    pub tickets: Vec<Ticket>,
    pub events: Vec<TicketEvent>,
    pub actors: Vec<Actor>,
}

struct Log<'a> {
    id: &'a TicketId,
    last: NaiveDateTime,
    end: NaiveDateTime,
    events: Vec<(NaiveDateTime, TicketEventKind, Actor)>,
}

impl Log<'_> {
    /// Append an event at `at`, at least one second after the previous one;
    /// returns the time used.
    fn push(&mut self, at: NaiveDateTime, kind: TicketEventKind, actor: Actor) -> NaiveDateTime {
        let at = if self.events.is_empty() || at > self.last {
            at
        } else {
            self.last + Duration::seconds(1)
        };
        self.last = at;
        if at < self.end {
            self.events.push((at, kind, actor));
        }
        at
    }
}

fn secs(x: f64) -> Duration {
    Duration::seconds(x.round().max(1.0) as i64)
}

/// Agents: four per team, id `a<team><nn>` (team number from 1).
fn agent(rng: &mut Rng, team: usize) -> Result<AgentId> {
    AgentId::new(format!("a{}{:02}", team + 1, 1 + rng.below(4)))
}

fn team_names() -> Vec<&'static str> {
    let mut teams: Vec<&str> = Vec::new();
    for (_, t, _) in TOPICS {
        if !teams.contains(&t) {
            teams.push(t);
        }
    }
    teams.push(ESCALATION_TEAM);
    teams
}

/// Generate `n` tickets (ids `T000001`… in creation order) and their events.
pub(crate) fn tickets(
    rng: &mut Rng,
    n: usize,
    customers: &[Customer],
    period: Period,
    shift_at: NaiveDateTime,
) -> Result<TicketsOut> {
    let day_w = Categorical::new(
        &(0..period.days())
            .map(|i| match day_type(period.day(i)) {
                DayType::Workday | DayType::MakeUpWorkday => 1.0,
                DayType::Weekend => 0.35,
                DayType::Holiday => 0.3,
            })
            .collect::<Vec<f64>>(),
    );
    let mut created: Vec<NaiveDateTime> = (0..n).map(|_| arrival(rng, period, &day_w)).collect();
    created.sort();
    let ch_w: Vec<f64> = CHANNELS.iter().map(|c| c.1).collect();
    let topic_w: Vec<f64> = TOPICS.iter().map(|t| t.2).collect();
    let teams = team_names();
    let esc_team = teams.len() - 1;
    let end = period.end.and_time(NaiveTime::MIN);
    let width = n.to_string().len().max(6);
    let mut out = TicketsOut {
        tickets: Vec::with_capacity(n),
        events: Vec::new(),
        actors: Vec::new(),
    };
    for (i, c) in created.into_iter().enumerate() {
        let id = TicketId::new(format!("T{:0width$}", i + 1))?;
        let channel = CHANNELS[rng.categorical(&ch_w)].0.clone();
        let priority = [
            Priority::Low,
            Priority::Normal,
            Priority::High,
            Priority::Urgent,
        ][rng.categorical(&[0.15, 0.58, 0.20, 0.07])];
        let (topic, team_name, _) = TOPICS[rng.categorical(&topic_w)];
        let team_i = teams.iter().position(|t| *t == team_name).unwrap_or(0);
        let mut ticket = Ticket::new(id.clone(), channel.clone(), shanghai(c)?)
            .with_priority(priority)
            .with_team(TeamId::new(team_name)?)
            .with_topic(topic);
        if let Some(cust) = rng.pick(customers) {
            ticket = ticket.with_customer(cust.id.clone());
        }
        let mut log = Log {
            id: &id,
            last: c,
            end,
            events: Vec::new(),
        };
        let by = if channel == Channel::Phone {
            Actor::System
        } else {
            Actor::Requester
        };
        log.push(c, TicketEventKind::Created { by: by.clone() }, by);
        let ag = agent(rng, team_i)?;
        // Phone and chat are routed at once; queued channels within two minutes.
        let routing = if always_open(&channel) { 9.0 } else { 115.0 };
        let assign_at = c + secs(1.0 + rng.uniform() * routing);
        log.push(
            assign_at,
            TicketEventKind::Assignment {
                team: Some(TeamId::new(team_name)?),
                agent: Some(ag.clone()),
            },
            Actor::System,
        );
        let mut factor = priority_factor(priority);
        if shifted(&channel) && c >= shift_at {
            factor *= SHIFT_FACTOR;
        }
        let delay = rng.lognormal(frt_median_secs(&channel), FRT_SIGMA) * factor;
        let first_reply = open_at(c, &channel) + secs(delay);
        if rng.chance(P_NOTE) && first_reply - assign_at > Duration::seconds(4) {
            let mid = assign_at + (first_reply - assign_at) / 2;
            log.push(
                mid,
                TicketEventKind::Comment {
                    author: Actor::Agent(ag.clone()),
                    public: false,
                },
                Actor::Agent(ag.clone()),
            );
        }
        let me = Actor::Agent(ag.clone());
        let mut t = log.push(
            first_reply,
            TicketEventKind::Comment {
                author: me.clone(),
                public: true,
            },
            me.clone(),
        );
        t = log.push(t, status(TicketStatus::New, TicketStatus::Open), me.clone());
        let mut owner = me;
        if priority != Priority::Urgent && rng.chance(P_ESCALATE) {
            t = log.push(
                t + secs(rng.range_i64(600, 7_200) as f64),
                TicketEventKind::PriorityChange {
                    from: priority,
                    to: Priority::Urgent,
                },
                owner.clone(),
            );
            (t, owner) = reassign(rng, &mut log, t, esc_team, &teams)?;
        } else if rng.chance(P_REASSIGN) {
            let other = (team_i + 1 + rng.index(teams.len() - 1)) % teams.len();
            (t, owner) = reassign(rng, &mut log, t, other, &teams)?;
        }
        if rng.chance(P_PENDING) {
            t = log.push(
                t + secs(rng.lognormal(1_200.0, 0.8)),
                status(TicketStatus::Open, TicketStatus::Pending),
                owner.clone(),
            );
            t = log.push(
                t + secs(rng.lognormal(18_000.0, 1.0)),
                TicketEventKind::Comment {
                    author: Actor::Requester,
                    public: true,
                },
                Actor::Requester,
            );
            t = log.push(
                t,
                status(TicketStatus::Pending, TicketStatus::Open),
                Actor::System,
            );
            t = log.push(
                t + secs(rng.lognormal(1_800.0, 0.9)),
                TicketEventKind::Comment {
                    author: owner.clone(),
                    public: true,
                },
                owner.clone(),
            );
        }
        t = log.push(
            t + secs(rng.lognormal(resolve_median_secs(&channel), 1.0)),
            TicketEventKind::Solved,
            owner.clone(),
        );
        if rng.chance(P_REOPEN) {
            t = log.push(
                t + secs(rng.lognormal(86_400.0, 0.8)),
                TicketEventKind::Comment {
                    author: Actor::Requester,
                    public: true,
                },
                Actor::Requester,
            );
            t = log.push(t, TicketEventKind::Reopened, Actor::Requester);
            t = log.push(
                t + secs(rng.lognormal(7_200.0, 0.9)),
                TicketEventKind::Comment {
                    author: owner.clone(),
                    public: true,
                },
                owner.clone(),
            );
            t = log.push(
                t + secs(rng.lognormal(21_600.0, 1.0)),
                TicketEventKind::Solved,
                owner.clone(),
            );
        }
        log.push(
            t + Duration::days(CLOSE_AFTER_DAYS),
            TicketEventKind::Closed,
            Actor::System,
        );
        for (at, kind, actor) in log.events {
            out.events
                .push(TicketEvent::new(log.id.clone(), shanghai(at)?, kind));
            out.actors.push(actor);
        }
        out.tickets.push(ticket);
    }
    Ok(out)
}

fn status(from: TicketStatus, to: TicketStatus) -> TicketEventKind {
    TicketEventKind::StatusChange { from, to }
}

/// Hand the ticket to a new team and agent an exponential time (mean 1 h) later.
fn reassign(
    rng: &mut Rng,
    log: &mut Log<'_>,
    t: NaiveDateTime,
    team: usize,
    teams: &[&str],
) -> Result<(NaiveDateTime, Actor)> {
    let name = teams
        .get(team)
        .ok_or_else(|| CxError::option("team", "no such team"))?;
    let ag = agent(rng, team)?;
    let at = log.push(
        t + secs(rng.exponential(3_600.0)),
        TicketEventKind::Assignment {
            team: Some(TeamId::new(*name)?),
            agent: Some(ag.clone()),
        },
        Actor::System,
    );
    Ok((at, Actor::Agent(ag)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, day).unwrap_or_default()
    }

    #[test]
    fn calendar_2024() {
        assert_eq!(day_type(d(2, 12)), DayType::Holiday);
        assert_eq!(day_type(d(2, 4)), DayType::MakeUpWorkday);
        assert_eq!(day_type(d(10, 6)), DayType::Holiday);
        assert_eq!(day_type(d(10, 7)), DayType::Holiday);
        assert_eq!(day_type(d(10, 12)), DayType::MakeUpWorkday);
        assert_eq!(day_type(d(3, 2)), DayType::Weekend);
        assert_eq!(day_type(d(3, 4)), DayType::Workday);
        let off = (1..=366)
            .filter_map(|i| d(1, 1).checked_add_days(chrono::Days::new(i - 1)))
            .filter(|x| day_type(*x) == DayType::Holiday)
            .count();
        assert_eq!(off, 28);
    }

    #[test]
    fn open_at_skips_nights_and_holidays() {
        let t = d(2, 9).and_hms_opt(20, 0, 0).unwrap_or_default();
        assert_eq!(
            open_at(t, &Channel::Email),
            d(2, 18).and_hms_opt(9, 0, 0).unwrap_or_default()
        );
        assert_eq!(
            open_at(t, &Channel::Phone),
            t,
            "the hotline is open at 20:00"
        );
    }
}
