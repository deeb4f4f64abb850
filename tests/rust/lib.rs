//! Shared helpers for the cx integration tests (reference vectors live in `tests/vectors`).

use std::path::PathBuf;

/// Path of a file under `tests/vectors`.
pub fn vector_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("vectors")
        .join(rel)
}

/// Load a JSON reference vector from `tests/vectors/<rel>`.
pub fn load_vector(rel: &str) -> serde_json::Value {
    let path = vector_path(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON in {}: {e}", path.display()))
}

/// Business calendars for the calendar proptests (built once): `[0]` China 2024/2025
/// (调休), `[1]` New York with night shifts on Sundays and a holiday, `[2]` London with
/// split shifts, dated schedule changes, a shortened holiday and a make-up day, `[3]`
/// always open, `[4]` Lord Howe Island (a 30-minute DST shift).
#[allow(clippy::unwrap_used)]
pub fn calendars() -> &'static [cx_core::ops::BusinessCalendar] {
    use chrono::NaiveDate;
    use cx_core::ops::{BusinessCalendar, SpecialDay, WeeklyHours};
    static CALS: std::sync::OnceLock<Vec<BusinessCalendar>> = std::sync::OnceLock::new();
    CALS.get_or_init(|| {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let split = WeeklyHours::weekdays(&[
            "09:00-12:00".parse().unwrap(),
            "13:30-18:00".parse().unwrap(),
        ]);
        let night = WeeklyHours::always().day(
            chrono::Weekday::Sun,
            &[
                "00:00-06:00".parse().unwrap(),
                "22:00-24:00".parse().unwrap(),
            ],
        );
        vec![
            BusinessCalendar::china(&[2024, 2025]).unwrap(),
            BusinessCalendar::builder("America/New_York")
                .week(night)
                .holiday(d(2024, 7, 4))
                .build()
                .unwrap(),
            BusinessCalendar::builder("Europe/London")
                .week(split.clone())
                .week_from(
                    d(2024, 6, 1),
                    WeeklyHours::weekdays(&["08:00-20:00".parse().unwrap()]),
                )
                .week_from(d(2025, 2, 3), WeeklyHours::always())
                .holiday(SpecialDay::new(d(2024, 12, 24)).hours(&["09:00-11:00".parse().unwrap()]))
                .workday(d(2024, 3, 30))
                .build()
                .unwrap(),
            BusinessCalendar::always(),
            BusinessCalendar::builder("Australia/Lord_Howe")
                .week(
                    WeeklyHours::always()
                        .day(chrono::Weekday::Sun, &["01:00-03:00".parse().unwrap()]),
                )
                .build()
                .unwrap(),
        ]
    })
}

/// Event rows as strings (the CSV layout of `ticket_events.csv`), and the two ways into
/// the ticket log the columnar tests compare: the row path as the Python binding feeds it,
/// and dictionary-encoded columns.
pub mod event_rows {
    use cx_core::ops::columnar::{EventColumns, StrColumn};
    use cx_core::ops::{EventRow, TicketLog, TicketLogBuilder, Validation};

    /// One events row; the fields are the CSV columns of the same names (`kind` is
    /// `type`).
    #[allow(missing_docs)]
    #[derive(Debug, Clone, Default)]
    pub struct Row {
        pub ticket: String,
        pub at: i64,
        pub kind: String,
        pub actor: Option<String>,
        pub public: Option<bool>,
        pub from: Option<String>,
        pub to: Option<String>,
        pub team: Option<String>,
        pub agent: Option<String>,
        pub channel: Option<String>,
        pub priority: Option<String>,
        pub customer: Option<String>,
        pub topic: Option<String>,
    }

    /// The row path as `cx-py` `events.rs` feeds it (only the columns a type uses).
    pub fn row_log(rows: &[Row], v: Validation) -> cx_core::Result<TicketLog> {
        let mut b = TicketLogBuilder::new();
        for (i, r) in rows.iter().enumerate() {
            let (actor, from_to, assign) = match r.kind.as_str() {
                "created" | "comment" => (true, false, false),
                "status_change" | "priority_change" => (false, true, false),
                "assignment" => (false, false, true),
                "solved" | "reopened" | "closed" => (false, false, false),
                _ => (true, true, true),
            };
            let mut e = EventRow::new(&r.kind);
            if actor {
                e.actor = r.actor.as_deref();
                e.public = r.public;
            }
            if from_to {
                e.from = r.from.as_deref();
                e.to = r.to.as_deref();
            }
            if assign {
                e.team = r.team.as_deref();
                e.agent = r.agent.as_deref();
            }
            e.channel = r.channel.as_deref();
            e.priority = r.priority.as_deref();
            e.customer = r.customer.as_deref();
            e.topic = r.topic.as_deref();
            b.push_row(&r.ticket, r.at, 0, &e, i)?;
        }
        b.build(v)
    }

    /// The rows as dictionary-encoded columns; `attrs` adds the ticket attributes
    /// (channel, priority, customer, topic).
    pub fn columns(rows: &[Row], attrs: bool) -> EventColumns<'_> {
        let opt = |f: fn(&Row) -> Option<&str>| Some(StrColumn::encode(rows.iter().map(f)));
        let mut ev = EventColumns::default();
        ev.ticket = StrColumn::encode(rows.iter().map(|r| Some(r.ticket.as_str())));
        ev.kind = StrColumn::encode(rows.iter().map(|r| Some(r.kind.as_str())));
        ev.at = rows.iter().map(|r| r.at).collect();
        ev.actor = opt(|r| r.actor.as_deref());
        ev.public = Some(rows.iter().map(|r| r.public.map_or(2, u8::from)).collect());
        ev.from = opt(|r| r.from.as_deref());
        ev.to = opt(|r| r.to.as_deref());
        ev.team = opt(|r| r.team.as_deref());
        ev.agent = opt(|r| r.agent.as_deref());
        if attrs {
            ev.channel = opt(|r| r.channel.as_deref());
            ev.priority = opt(|r| r.priority.as_deref());
            ev.customer = opt(|r| r.customer.as_deref());
            ev.topic = opt(|r| r.topic.as_deref());
        }
        ev
    }
}

/// The Rust code blocks of the repository README, run as doctests.
#[doc = include_str!("../../README.md")]
pub mod readme {}
