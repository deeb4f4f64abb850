//! `_sla_history`: the SLA state history of every target instance as a table.

use cx_core::ops::{Hours, SlaEvent, SlaEventKind, Validation};
use pyo3::prelude::*;

use super::events::{build_log, events_in};
use super::tables::{Cols, py_table};
use super::{PyBusinessCalendar, sla_inputs};
use crate::run;

fn history_table(
    h: &[SlaEvent],
) -> Result<
    (
        arrow_array::RecordBatch,
        std::sync::Arc<arrow_schema::Schema>,
    ),
    cx_core::CxError,
> {
    let mut c = Cols::new();
    c.str("ticket_id", h.iter().map(|e| Some(e.ticket.as_str())));
    c.str("metric", h.iter().map(|e| Some(e.metric.as_str())));
    c.ts(
        "started_at",
        h.iter().map(|e| Some(e.started_at.timestamp())),
    );
    c.ts("at", h.iter().map(|e| Some(e.at.timestamp())));
    c.str("event", h.iter().map(|e| Some(e.kind.as_str())));
    let status: Vec<Option<String>> = h
        .iter()
        .map(|e| match e.kind {
            SlaEventKind::Paused(s) => serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned)),
            _ => None,
        })
        .collect();
    c.str("status", status.iter().map(|s| s.as_deref()));
    c.str("policy", h.iter().map(|e| e.policy.as_deref()));
    c.i64("target_secs", h.iter().map(|e| e.target_secs));
    c.str(
        "hours",
        h.iter().map(|e| {
            e.hours.map(|x| {
                if x == Hours::Calendar {
                    "calendar"
                } else {
                    "business"
                }
            })
        }),
    );
    c.i64("elapsed_secs", h.iter().map(|e| Some(e.elapsed_secs)));
    c.str("priority", h.iter().map(|e| e.priority.map(|p| p.as_str())));
    c.table()
}

/// SLA history events as of an instant, as an Arrow table.
#[pyfunction]
#[pyo3(name = "_sla_history", signature = (events, /, *, policies, as_of, calendar = None, priority_change = "recalculate"))]
pub(super) fn sla_history(
    py: Python<'_>,
    events: &Bound<'_, PyAny>,
    policies: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    calendar: Option<PyRef<'_, PyBusinessCalendar>>,
    priority_change: &str,
) -> PyResult<Py<PyAny>> {
    let rule = super::priority_change(priority_change)?;
    let (pols, as_of) = sla_inputs(policies, as_of)?;
    let ev = events_in(events)?;
    let cal = calendar.as_ref().map(|c| &c.0);
    let t = run(py, || {
        let log = build_log(ev, Validation::Strict)?;
        history_table(&cx_core::ops::sla_history(&log, &pols, cal, as_of, rule)?)
    })?;
    py_table(py, t)
}
