//! Render a [`SampleData`] as CSV and JSON bytes, every number formatted explicitly.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::Serialize;

use super::survey::kano_label;
use super::{FILE_NAMES, KANO_FEATURES, SURVEY_ATTRIBUTES, SampleData, SampleFile};
use crate::model::{Actor, TicketEventKind, TicketStatus};
use crate::{CxError, Result};

fn io(name: &str, e: impl ToString) -> CxError {
    CxError::Io {
        path: name.to_string(),
        message: e.to_string(),
    }
}

/// Timestamps as RFC 3339 with whole seconds and the offset: `2024-03-01T14:05:00+08:00`.
fn ts(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn opt_u8(v: Option<u8>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn boolean(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

fn status(s: TicketStatus) -> &'static str {
    match s {
        TicketStatus::New => "new",
        TicketStatus::Open => "open",
        TicketStatus::Pending => "pending",
        TicketStatus::OnHold => "on_hold",
        TicketStatus::Solved => "solved",
        TicketStatus::Closed => "closed",
    }
}

fn actor(a: &Actor) -> String {
    match a {
        Actor::Agent(id) => format!("agent:{id}"),
        Actor::Requester => "requester".into(),
        Actor::System => "system".into(),
    }
}

struct Csv {
    name: &'static str,
    w: csv::Writer<Vec<u8>>,
}

impl Csv {
    fn new(name: &'static str, header: &[&str]) -> Result<Self> {
        let w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let mut c = Self { name, w };
        c.row(header)?;
        Ok(c)
    }
    fn row<I, T>(&mut self, fields: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.w.write_record(fields).map_err(|e| io(self.name, e))
    }
    fn finish(self) -> Result<SampleFile> {
        let name = self.name;
        let contents = self.w.into_inner().map_err(|e| io(name, e))?;
        Ok(SampleFile { name, contents })
    }
}

fn json<T: Serialize>(name: &'static str, value: &T) -> Result<SampleFile> {
    let mut contents = serde_json::to_vec_pretty(value).map_err(|e| io(name, e))?;
    contents.push(b'\n');
    Ok(SampleFile { name, contents })
}

pub(crate) fn render(d: &SampleData) -> Result<Vec<SampleFile>> {
    let files = vec![
        customers(d)?,
        json(FILE_NAMES[1], &d.journey)?,
        feedback(d)?,
        survey(d)?,
        tickets(d)?,
        events(d)?,
        transactions(d)?,
        json(FILE_NAMES[7], &d.truth)?,
    ];
    Ok(files)
}

fn customers(d: &SampleData) -> Result<SampleFile> {
    let mut w = Csv::new(
        FILE_NAMES[0],
        &[
            "customer_id",
            "segment",
            "region",
            "signup_date",
            "consent_survey",
            "consent_followup",
            "consent_analytics",
            "name",
            "phone",
            "email",
        ],
    )?;
    for c in &d.customers {
        let attr = |k: &str| c.attributes.get(k).cloned().unwrap_or_default();
        let personal = |p: &Option<crate::model::Personal<String>>| {
            p.as_ref().map(|x| x.expose().clone()).unwrap_or_default()
        };
        w.row([
            c.id.to_string(),
            c.segment.clone().unwrap_or_default(),
            attr("region"),
            attr("signup_date"),
            boolean(c.consent.survey_contact).into(),
            boolean(c.consent.follow_up_calls).into(),
            boolean(c.consent.analytics).into(),
            personal(&c.name),
            personal(&c.phone),
            personal(&c.email),
        ])?;
    }
    w.finish()
}

fn feedback(d: &SampleData) -> Result<SampleFile> {
    let mut w = Csv::new(
        FILE_NAMES[2],
        &[
            "feedback_id",
            "customer_id",
            "channel",
            "touchpoint_id",
            "timestamp",
            "kind",
            "nps",
            "csat",
            "ces",
            "text",
            "tags",
            "language",
            "weight",
        ],
    )?;
    for (f, m) in d.feedback.iter().zip(&d.feedback_meta) {
        w.row([
            f.id.to_string(),
            f.customer
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            m.channel_label.clone(),
            f.touchpoint
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            ts(&f.timestamp),
            f.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
            opt_u8(f.ratings.nps),
            opt_u8(f.ratings.csat),
            opt_u8(f.ratings.ces),
            f.text
                .as_ref()
                .map(|t| t.expose().clone())
                .unwrap_or_default(),
            f.tags.join(";"),
            f.language.clone().unwrap_or_default(),
            m.weight.map(|x| format!("{x:.4}")).unwrap_or_default(),
        ])?;
    }
    w.finish()
}

fn survey(d: &SampleData) -> Result<SampleFile> {
    let mut header: Vec<String> = ["response_id", "customer_id", "timestamp", "nps"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    header.extend(SURVEY_ATTRIBUTES.iter().map(|s| s.to_string()));
    for f in KANO_FEATURES {
        header.push(format!("kano_{f}_functional"));
        header.push(format!("kano_{f}_dysfunctional"));
    }
    let refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut w = Csv::new(FILE_NAMES[3], &refs)?;
    for r in &d.survey {
        let mut row = vec![
            r.response_id.to_string(),
            r.customer.to_string(),
            ts(&r.timestamp),
            r.nps.to_string(),
        ];
        row.extend(r.attributes.iter().map(u8::to_string));
        for k in &r.kano {
            row.push(kano_label(k.functional, r.kano_in_chinese).into());
            row.push(kano_label(k.dysfunctional, r.kano_in_chinese).into());
        }
        w.row(&row)?;
    }
    w.finish()
}

fn tickets(d: &SampleData) -> Result<SampleFile> {
    let mut w = Csv::new(
        FILE_NAMES[4],
        &[
            "ticket_id",
            "customer_id",
            "channel",
            "priority",
            "team",
            "topic",
            "created_at",
        ],
    )?;
    for t in &d.tickets {
        w.row([
            t.id.to_string(),
            t.customer
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            t.channel.as_str().to_string(),
            t.priority.as_str().to_string(),
            t.team.as_ref().map(ToString::to_string).unwrap_or_default(),
            t.topic.clone().unwrap_or_default(),
            ts(&t.created_at),
        ])?;
    }
    w.finish()
}

fn events(d: &SampleData) -> Result<SampleFile> {
    let mut w = Csv::new(
        FILE_NAMES[5],
        &[
            "ticket_id",
            "at",
            "type",
            "actor",
            "public",
            "from",
            "to",
            "team",
            "agent",
        ],
    )?;
    for (e, a) in d.ticket_events.iter().zip(&d.ticket_event_actors) {
        let (kind, public, from, to, team, agent) = match &e.kind {
            TicketEventKind::Created { .. } => {
                ("created", "", "", "", String::new(), String::new())
            }
            TicketEventKind::Comment { public, .. } => (
                "comment",
                boolean(*public),
                "",
                "",
                String::new(),
                String::new(),
            ),
            TicketEventKind::StatusChange { from, to } => (
                "status_change",
                "",
                status(*from),
                status(*to),
                String::new(),
                String::new(),
            ),
            TicketEventKind::Assignment { team, agent } => (
                "assignment",
                "",
                "",
                "",
                team.as_ref().map(ToString::to_string).unwrap_or_default(),
                agent.as_ref().map(ToString::to_string).unwrap_or_default(),
            ),
            TicketEventKind::PriorityChange { from, to } => (
                "priority_change",
                "",
                from.as_str(),
                to.as_str(),
                String::new(),
                String::new(),
            ),
            TicketEventKind::Solved => ("solved", "", "", "", String::new(), String::new()),
            TicketEventKind::Reopened => ("reopened", "", "", "", String::new(), String::new()),
            TicketEventKind::Closed => ("closed", "", "", "", String::new(), String::new()),
        };
        w.row([
            e.ticket.to_string(),
            ts(&e.at),
            kind.to_string(),
            actor(a),
            public.to_string(),
            from.to_string(),
            to.to_string(),
            team,
            agent,
        ])?;
    }
    w.finish()
}

fn transactions(d: &SampleData) -> Result<SampleFile> {
    let mut w = Csv::new(
        FILE_NAMES[6],
        &["customer_id", "order_id", "date", "amount"],
    )?;
    for t in &d.transactions {
        w.row([
            t.customer.to_string(),
            t.order_id.clone(),
            t.date.format("%Y-%m-%d").to_string(),
            format!("{}.{:02}", t.amount_fen / 100, t.amount_fen % 100),
        ])?;
    }
    w.finish()
}
