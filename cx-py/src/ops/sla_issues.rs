//! SLA status and the log's issues from one parse of the event log (the report
//! needs both: `validation="collect"` measures the clean tickets and lists the
//! others). One log instead of two halves the report's event-log parsing.

use cx_core::ops::{LogIssue, PriorityChange, Validation};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::events::{build_log, events_in};
use super::tables::py_table;
use super::{PyBusinessCalendar, priority_change as rule_of, sla_inputs, sla_table};
use crate::run;

/// Issues as a list of dicts (`ticket_id`, `row`, `kind`, `reason`).
pub(super) fn issues_list<'py>(
    py: Python<'py>,
    issues: &[LogIssue],
) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for i in issues {
        let d = PyDict::new(py);
        d.set_item("ticket_id", i.ticket.as_str())?;
        d.set_item("row", i.event_index)?;
        d.set_item("kind", i.kind.as_str())?;
        d.set_item("reason", i.reason())?;
        out.append(d)?;
    }
    Ok(out)
}

/// `(_sla_status(..., validation="collect"), _log_issues(...))` of one log.
#[pyfunction]
#[pyo3(name = "_sla_status_issues", signature = (events, /, *, policies, as_of, calendar = None, priority_change = "at_start"))]
fn sla_status_issues<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    policies: &Bound<'py, PyAny>,
    as_of: &Bound<'py, PyAny>,
    calendar: Option<PyRef<'py, PyBusinessCalendar>>,
    priority_change: &str,
) -> PyResult<(Py<PyAny>, Bound<'py, PyList>)> {
    let rule = rule_of(priority_change)?;
    let (pols, as_of) = sla_inputs(policies, as_of)?;
    let ev = events_in(events)?;
    let cal = calendar.as_ref().map(|c| &c.0);
    let (table, issues) = run(py, || {
        let log = build_log(ev, Validation::Collect)?;
        let recs = match rule {
            PriorityChange::AtStart => cx_core::ops::sla_status(&log, &pols, cal, as_of),
            r => cx_core::ops::sla_status_with(&log, &pols, cal, as_of, r),
        }?;
        Ok((sla_table(&recs)?, log.issues().to_vec()))
    })?;
    Ok((py_table(py, table)?, issues_list(py, &issues)?))
}

/// Register `_sla_status_issues`.
pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sla_status_issues, m)?)?;
    Ok(())
}
