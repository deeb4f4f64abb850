//! Bindings of `cx_core::ops`: business calendars, ticket metrics, SLA status,
//! backlog and grouped summaries. Conversion only; the work is in the core.
//!
//! Events come as an Arrow table (anything with `__arrow_c_stream__`: pyarrow,
//! polars, pandas) or a list of dicts; results go out as an Arrow table, which
//! `python/cx/ops.py` converts back to the caller's frame type.

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::Schema;
use cx_core::CxError;
use cx_core::ops::{
    AgeBucket, BacklogPeriod, BusinessCalendar, CalendarSpec, MetricDefinitions, Period,
    PriorityChange, SlaCompliance, SlaPolicy, SlaRecord, SlaSegment, SlaState, StatusTimesEnd,
    Validation,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::F64Column;

mod columnar;
mod columnar_log;
mod events;
mod sla_history;
mod sla_issues;
mod tables;

use crate::error::{bad_literal, to_py};
use crate::run;
use events::{build_log, events_in};
use tables::{Cols, metrics_table, py_table};

// ---------------------------------------------------------------- instants

/// (Unix seconds, UTC offset seconds) of a tz-aware datetime or an RFC 3339 string.
fn instant(obj: &Bound<'_, PyAny>, field: &str, row: Option<usize>) -> PyResult<(i64, i32)> {
    if let Ok(s) = obj.cast::<PyString>() {
        return cx_core::ops::parse_instant(&s.to_cow()?, field, row).map_err(to_py);
    }
    if obj.hasattr("tzinfo")? && obj.hasattr("timestamp")? {
        let off = obj.call_method0("utcoffset")?;
        if obj.getattr("tzinfo")?.is_none() || off.is_none() {
            return Err(to_py(CxError::MissingTimeZone {
                field: field.into(),
                row,
                value: obj.str()?.to_string(),
            }));
        }
        let ts: f64 = obj.call_method0("timestamp")?.extract()?;
        let off: f64 = off.call_method0("total_seconds")?.extract()?;
        return Ok((ts.floor() as i64, off as i32));
    }
    Err(PyTypeError::new_err(format!(
        "`{field}` must be a tz-aware datetime or an RFC 3339 string, got {}",
        obj.get_type().name()?
    )))
}

use cx_core::ops::datetime_at as fixed;

fn to_datetime(py: Python<'_>, t: i64, off: i32) -> PyResult<Bound<'_, PyAny>> {
    let dt = py.import("datetime")?;
    let delta = dt.getattr("timedelta")?.call1((0, off))?;
    let tz = dt.getattr("timezone")?.call1((delta,))?;
    dt.getattr("datetime")?
        .getattr("fromtimestamp")?
        .call1((t, tz))
}

// ---------------------------------------------------------------- calendar

/// A business calendar (see `cx_core::ops::BusinessCalendar`).
#[pyclass(frozen, module = "cx._cx", name = "BusinessCalendar")]
pub(crate) struct PyBusinessCalendar(pub(crate) BusinessCalendar);

fn json_dumps(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let json = obj.py().import("json")?;
    let kw = PyDict::new(obj.py());
    kw.set_item("default", obj.py().eval(c"str", None, None)?)?;
    kw.set_item("ensure_ascii", false)?;
    json.call_method("dumps", (obj,), Some(&kw))?.extract()
}

fn week_value<'py>(hours: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if hours.cast::<PyDict>().is_ok() {
        return Ok(hours.clone());
    }
    let d = PyDict::new(hours.py());
    for k in ["mon", "tue", "wed", "thu", "fri"] {
        d.set_item(k, hours)?;
    }
    Ok(d.into_any())
}

fn special_days<'py>(py: Python<'py>, days: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for d in days.try_iter()? {
        let d = d?;
        if d.cast::<PyDict>().is_ok() {
            out.append(d)?;
        } else {
            let e = PyDict::new(py);
            e.set_item("date", d.str()?)?;
            out.append(e)?;
        }
    }
    Ok(out)
}

#[pymethods]
impl PyBusinessCalendar {
    #[new]
    #[pyo3(signature = (time_zone, /, hours, *, holidays = None, workdays = None, changes = None))]
    fn new(
        py: Python<'_>,
        time_zone: &str,
        hours: &Bound<'_, PyAny>,
        holidays: Option<&Bound<'_, PyAny>>,
        workdays: Option<&Bound<'_, PyAny>>,
        changes: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let spec = PyDict::new(py);
        spec.set_item("time_zone", time_zone)?;
        let schedules = PyList::empty(py);
        let s0 = PyDict::new(py);
        s0.set_item("week", week_value(hours)?)?;
        schedules.append(s0)?;
        if let Some(ch) = changes {
            for (date, h) in ch.iter() {
                let s = PyDict::new(py);
                s.set_item("effective_from", date.str()?)?;
                s.set_item("week", week_value(&h)?)?;
                schedules.append(s)?;
            }
        }
        spec.set_item("schedules", schedules)?;
        let empty = PyList::empty(py).into_any();
        spec.set_item("holidays", special_days(py, holidays.unwrap_or(&empty))?)?;
        spec.set_item("workdays", special_days(py, workdays.unwrap_or(&empty))?)?;
        Self::from_json(&json_dumps(&spec.into_any())?)
    }

    /// Calendar from its JSON form.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let spec: CalendarSpec = serde_json::from_str(text).map_err(|e| {
            to_py(CxError::Format {
                what: "calendar JSON".into(),
                reason: e.to_string(),
            })
        })?;
        BusinessCalendar::try_from(spec).map(Self).map_err(to_py)
    }

    /// Mainland-China office calendar for the given year(s).
    #[staticmethod]
    #[pyo3(signature = (years, /))]
    fn china(years: &Bound<'_, PyAny>) -> PyResult<Self> {
        let ys: Vec<i32> = match years.extract::<i32>() {
            Ok(y) => vec![y],
            Err(_) => years.extract()?,
        };
        BusinessCalendar::china(&ys).map(Self).map_err(to_py)
    }

    /// Round-the-clock UTC calendar.
    #[staticmethod]
    fn always() -> Self {
        Self(BusinessCalendar::always())
    }

    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(|e| {
            to_py(CxError::Format {
                what: "calendar JSON".into(),
                reason: e.to_string(),
            })
        })
    }

    #[getter]
    fn time_zone(&self) -> String {
        self.0.spec().time_zone.clone()
    }

    #[pyo3(signature = (start, end, /))]
    fn duration(&self, start: &Bound<'_, PyAny>, end: &Bound<'_, PyAny>) -> PyResult<i64> {
        let (a, _) = instant(start, "start", None)?;
        let (b, _) = instant(end, "end", None)?;
        Ok(self.0.duration_unix(a, b))
    }

    #[pyo3(signature = (start, seconds, /))]
    fn add<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        seconds: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (a, _) = instant(start, "start", None)?;
        let u = self.0.add_unix(a, seconds).map_err(to_py)?;
        to_datetime(py, u, self.0.offset_secs_at(u))
    }

    #[pyo3(signature = (at, /))]
    fn is_open(&self, at: &Bound<'_, PyAny>) -> PyResult<bool> {
        let (a, _) = instant(at, "at", None)?;
        Ok(self.0.duration_unix(a, a + 1) == 1)
    }

    fn __repr__(&self) -> String {
        let s = self.0.spec();
        format!(
            "BusinessCalendar(time_zone={:?}, schedules={}, holidays={}, workdays={})",
            s.time_zone,
            s.schedules.len(),
            s.holidays.len(),
            s.workdays.len()
        )
    }
}

// ---------------------------------------------------------------- definitions

/// Named metric definitions (defaults follow Zendesk).
#[pyclass(frozen, module = "cx._cx", name = "MetricDefinitions")]
pub(crate) struct PyMetricDefinitions(MetricDefinitions);

fn literal<T: std::str::FromStr>(param: &str, choices: &[&str], got: &str) -> PyResult<T> {
    got.parse::<T>()
        .map_err(|_| bad_literal(param, choices, got))
}

#[pymethods]
impl PyMetricDefinitions {
    #[new]
    #[pyo3(signature = (*, agent_created = "second_public_agent_comment", business_rule = "zendesk", validation = "strict", status_times_as_of = None, repeat_window_days = 7))]
    fn new(
        agent_created: &str,
        business_rule: &str,
        validation: &str,
        status_times_as_of: Option<&Bound<'_, PyAny>>,
        repeat_window_days: u32,
    ) -> PyResult<Self> {
        let mut d = MetricDefinitions::new()
            .agent_created(literal(
                "agent_created",
                &[
                    "second_public_agent_comment",
                    "first_after_creation",
                    "first_public_agent_comment",
                ],
                agent_created,
            )?)
            .business_rule(literal(
                "business_rule",
                &["zendesk", "day_by_day"],
                business_rule,
            )?)
            .validation(literal("validation", &["strict", "collect"], validation)?)
            .repeat_window_days(repeat_window_days);
        if let Some(t) = status_times_as_of {
            let (s, off) = instant(t, "status_times_as_of", None)?;
            d = d.status_times_end(StatusTimesEnd::AsOf(fixed(s, off)));
        }
        Ok(Self(d))
    }

    fn __repr__(&self) -> String {
        format!("MetricDefinitions({:?})", self.0)
    }
}

fn defs_of(d: Option<PyRef<'_, PyMetricDefinitions>>) -> MetricDefinitions {
    d.map(|d| d.0).unwrap_or_default()
}

/// Per-ticket metrics as an Arrow table (see `cx.ops.ticket_metrics`).
#[pyfunction]
#[pyo3(name = "_ticket_metrics", signature = (events, /, *, calendar = None, definitions = None))]
fn ticket_metrics(
    py: Python<'_>,
    events: &Bound<'_, PyAny>,
    calendar: Option<PyRef<'_, PyBusinessCalendar>>,
    definitions: Option<PyRef<'_, PyMetricDefinitions>>,
) -> PyResult<Py<PyAny>> {
    let ev = events_in(events)?;
    let defs = defs_of(definitions);
    let cal = calendar.as_ref().map(|c| &c.0);
    let t = run(py, || {
        if let events::Events::Arrow(batches) = &ev
            && let Some(t) = columnar::ticket_metrics(batches, cal, defs)
        {
            return Ok(t);
        }
        let log = build_log(ev, defs.validation)?;
        let (b, s) = metrics_table(&cx_core::ops::metrics_of_log(&log, cal, defs).tickets)?;
        Ok((vec![b], s))
    })?;
    Ok(pyo3_arrow::PyTable::try_new(t.0, t.1)?
        .into_pyobject(py)?
        .into_any()
        .unbind())
}

/// Problems found in an event log (validation = collect), as a list of dicts.
#[pyfunction]
#[pyo3(name = "_log_issues", signature = (events, /))]
fn log_issues<'py>(py: Python<'py>, events: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
    let ev = events_in(events)?;
    let log = run(py, || build_log(ev, Validation::Collect))?;
    sla_issues::issues_list(py, log.issues())
}

// ---------------------------------------------------------------- SLA

/// An SLA policy (see `cx_core::ops::SlaPolicy`).
#[pyclass(frozen, module = "cx._cx", name = "SlaPolicy")]
pub(crate) struct PySlaPolicy(pub(crate) SlaPolicy);

#[pymethods]
impl PySlaPolicy {
    #[new]
    #[pyo3(signature = (name, /, *, targets, priorities = None, channels = None))]
    fn new(
        py: Python<'_>,
        name: &str,
        targets: &Bound<'_, PyDict>,
        priorities: Option<&Bound<'_, PyAny>>,
        channels: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let spec = PyDict::new(py);
        spec.set_item("name", name)?;
        let ts = PyList::empty(py);
        for (metric, v) in targets.iter() {
            let t = PyDict::new(py);
            t.set_item("metric", &metric)?;
            if let Ok(d) = v.cast::<PyDict>() {
                for (k, x) in d.iter() {
                    t.set_item(k, x)?;
                }
            } else {
                t.set_item("target_secs", v)?;
            }
            ts.append(t)?;
        }
        spec.set_item("targets", ts)?;
        let norm = |v: Option<&Bound<'_, PyAny>>| -> PyResult<Vec<String>> {
            match v {
                None => Ok(Vec::new()),
                Some(v) => v.try_iter()?.map(|x| Ok(x?.str()?.to_string())).collect(),
            }
        };
        let prios = norm(priorities)?
            .iter()
            .map(|p| p.parse::<cx_core::model::Priority>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(to_py)?;
        let chans = norm(channels)?
            .iter()
            .map(|p| p.parse::<cx_core::model::Channel>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(to_py)?;
        let mut p: SlaPolicy = serde_json::from_str(&json_dumps(&spec.into_any())?)
            .map_err(|e| to_py(CxError::option("targets", e.to_string())))?;
        p = p.priorities(&prios).channels(&chans);
        Ok(Self(p))
    }

    #[getter]
    fn name(&self) -> String {
        self.0.name.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "SlaPolicy({:?}, targets={})",
            self.0.name,
            self.0.targets.len()
        )
    }
}

fn sla_records(
    py: Python<'_>,
    events: &Bound<'_, PyAny>,
    policies: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    calendar: Option<PyRef<'_, PyBusinessCalendar>>,
    rule: &str,
    validation: &str,
) -> PyResult<Vec<SlaRecord>> {
    let rule = priority_change(rule)?;
    let validation: Validation = literal("validation", &["strict", "collect"], validation)?;
    let (pols, as_of) = sla_inputs(policies, as_of)?;
    let ev = events_in(events)?;
    let cal = calendar.as_ref().map(|c| &c.0);
    run(py, || {
        let log = build_log(ev, validation)?;
        match rule {
            PriorityChange::AtStart => cx_core::ops::sla_status(&log, &pols, cal, as_of),
            r => cx_core::ops::sla_status_with(&log, &pols, cal, as_of, r),
        }
    })
}

fn priority_change(rule: &str) -> PyResult<PriorityChange> {
    literal(
        "priority_change",
        &["at_start", "recalculate", "restart"],
        rule,
    )
}

/// Policies and the `as_of` instant of the SLA functions.
fn sla_inputs(
    policies: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
) -> PyResult<(Vec<SlaPolicy>, chrono::DateTime<chrono::FixedOffset>)> {
    let mut pols = Vec::new();
    for p in policies.try_iter()? {
        let p = p?;
        let p = p
            .cast::<PySlaPolicy>()
            .map_err(|_| PyTypeError::new_err("`policies` must be SlaPolicy objects"))?;
        pols.push(p.get().0.clone());
    }
    let (t, off) = instant(as_of, "as_of", None)?;
    Ok((pols, fixed(t, off)))
}

fn sla_table(rs: &[SlaRecord]) -> Result<(RecordBatch, Arc<Schema>), CxError> {
    let mut c = Cols::new();
    c.str("ticket_id", rs.iter().map(|r| Some(r.ticket.as_str())));
    c.str("policy", rs.iter().map(|r| Some(r.policy.as_str())));
    c.str("metric", rs.iter().map(|r| Some(r.metric.as_str())));
    c.str(
        "hours",
        rs.iter().map(|r| {
            Some(if r.hours == cx_core::ops::Hours::Calendar {
                "calendar"
            } else {
                "business"
            })
        }),
    );
    c.i64("target_secs", rs.iter().map(|r| Some(r.target_secs)));
    c.ts(
        "started_at",
        rs.iter().map(|r| Some(r.started_at.timestamp())),
    );
    c.str("state", rs.iter().map(|r| Some(r.state.as_str())));
    let at = |r: &SlaRecord| match r.state {
        SlaState::Achieved { at, .. } | SlaState::Breached { at, .. } => Some(at.timestamp()),
        _ => None,
    };
    c.ts("at", rs.iter().map(at));
    c.i64(
        "elapsed_secs",
        rs.iter().map(|r| match r.state {
            SlaState::Achieved { elapsed_secs, .. } => Some(elapsed_secs),
            _ => None,
        }),
    );
    c.i64(
        "overshoot_secs",
        rs.iter().map(|r| match r.state {
            SlaState::Breached { overshoot_secs, .. } => Some(overshoot_secs),
            _ => None,
        }),
    );
    c.i64(
        "remaining_secs",
        rs.iter().map(|r| match r.state {
            SlaState::Active { remaining_secs, .. } => Some(remaining_secs),
            _ => None,
        }),
    );
    c.bool(
        "paused",
        rs.iter().map(|r| match r.state {
            SlaState::Active { paused, .. } => Some(paused),
            _ => None,
        }),
    );
    c.str(
        "priority",
        rs.iter().map(|r| r.priority.map(|p| p.as_str())),
    );
    c.str(
        "channel",
        rs.iter().map(|r| r.channel.as_ref().map(|x| x.as_str())),
    );
    c.str(
        "team",
        rs.iter().map(|r| r.team.as_ref().map(|x| x.as_str())),
    );
    c.table()
}

/// SLA target states as of an instant, as an Arrow table.
#[pyfunction]
#[pyo3(name = "_sla_status", signature = (events, /, *, policies, as_of, calendar = None, priority_change = "at_start", validation = "strict"))]
#[allow(clippy::too_many_arguments)]
fn sla_status(
    py: Python<'_>,
    events: &Bound<'_, PyAny>,
    policies: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    calendar: Option<PyRef<'_, PyBusinessCalendar>>,
    priority_change: &str,
    validation: &str,
) -> PyResult<Py<PyAny>> {
    let recs = sla_records(
        py,
        events,
        policies,
        as_of,
        calendar,
        priority_change,
        validation,
    )?;
    py_table(py, sla_table(&recs).map_err(to_py)?)
}

fn compliance_table(cs: &[SlaCompliance]) -> Result<(RecordBatch, Arc<Schema>), CxError> {
    let mut c = Cols::new();
    c.str("segment", cs.iter().map(|x| Some(x.segment.as_str())));
    c.i64("achieved", cs.iter().map(|x| Some(x.achieved as i64)));
    c.i64("breached", cs.iter().map(|x| Some(x.breached as i64)));
    c.i64("active", cs.iter().map(|x| Some(x.active as i64)));
    c.f64("achievement_rate", cs.iter().map(|x| x.achievement_rate));
    c.f64("ci_low", cs.iter().map(|x| x.ci_low));
    c.f64("ci_high", cs.iter().map(|x| x.ci_high));
    c.table()
}

/// SLA achievement rates by segment with Wilson intervals, as an Arrow table.
#[pyfunction]
#[pyo3(name = "_sla_compliance", signature = (events, /, *, policies, as_of, calendar = None, by = "all", confidence = 0.95, priority_change = "at_start", validation = "strict"))]
#[allow(clippy::too_many_arguments)]
fn sla_compliance(
    py: Python<'_>,
    events: &Bound<'_, PyAny>,
    policies: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    calendar: Option<PyRef<'_, PyBusinessCalendar>>,
    by: &str,
    confidence: f64,
    priority_change: &str,
    validation: &str,
) -> PyResult<Py<PyAny>> {
    let seg = match by {
        "all" => SlaSegment::All,
        "policy" => SlaSegment::Policy,
        "metric" => SlaSegment::Metric,
        "priority" => SlaSegment::Priority,
        "channel" => SlaSegment::Channel,
        "team" => SlaSegment::Team,
        _ => {
            return Err(bad_literal(
                "by",
                &["all", "policy", "metric", "priority", "channel", "team"],
                by,
            ));
        }
    };
    let recs = sla_records(
        py,
        events,
        policies,
        as_of,
        calendar,
        priority_change,
        validation,
    )?;
    let t = run(py, || {
        compliance_table(&cx_core::ops::sla_compliance(&recs, seg, confidence)?)
    })?;
    py_table(py, t)
}

// ---------------------------------------------------------------- backlog

fn backlog_table(rows: &[BacklogPeriod]) -> Result<(RecordBatch, Arc<Schema>), CxError> {
    let mut c = Cols::new();
    c.ts("start", rows.iter().map(|r| Some(r.start.timestamp())));
    c.ts("end", rows.iter().map(|r| Some(r.end.timestamp())));
    type Get = fn(&BacklogPeriod) -> u64;
    let cols: [(&str, Get); 5] = [
        ("open_at_start", |r| r.open_at_start),
        ("created", |r| r.created),
        ("reopened", |r| r.reopened),
        ("resolved", |r| r.resolved),
        ("open_at_end", |r| r.open_at_end),
    ];
    for (n, g) in cols {
        c.i64(n, rows.iter().map(|r| Some(g(r) as i64)));
    }
    c.table()
}

/// Backlog flows and stock per period, as an Arrow table.
#[pyfunction]
#[pyo3(name = "_backlog", signature = (events, /, *, start, end, period = "day", time_zone = "UTC"))]
fn backlog(
    py: Python<'_>,
    events: &Bound<'_, PyAny>,
    start: &Bound<'_, PyAny>,
    end: &Bound<'_, PyAny>,
    period: &str,
    time_zone: &str,
) -> PyResult<Py<PyAny>> {
    let p: Period = literal("period", &["day", "week", "month"], period)?;
    let (a, ao) = instant(start, "start", None)?;
    let (b, bo) = instant(end, "end", None)?;
    let ev = events_in(events)?;
    let t = run(py, || {
        let log = build_log(ev, Validation::Strict)?;
        backlog_table(&cx_core::ops::backlog(
            &log,
            time_zone,
            p,
            fixed(a, ao),
            fixed(b, bo),
        )?)
    })?;
    py_table(py, t)
}

fn buckets_table(bs: &[AgeBucket]) -> Result<(RecordBatch, Arc<Schema>), CxError> {
    let mut c = Cols::new();
    c.i64("min_secs", bs.iter().map(|b| Some(b.min_secs)));
    c.i64("max_secs", bs.iter().map(|b| b.max_secs));
    c.i64("count", bs.iter().map(|b| Some(b.count as i64)));
    c.table()
}

/// Open tickets at an instant by age bucket, as an Arrow table.
#[pyfunction]
#[pyo3(name = "_age_buckets", signature = (events, /, *, at, edges_secs))]
fn age_buckets(
    py: Python<'_>,
    events: &Bound<'_, PyAny>,
    at: &Bound<'_, PyAny>,
    edges_secs: Vec<i64>,
) -> PyResult<Py<PyAny>> {
    let (t, off) = instant(at, "at", None)?;
    let ev = events_in(events)?;
    let tb = run(py, || {
        let log = build_log(ev, Validation::Strict)?;
        buckets_table(&cx_core::ops::age_buckets(
            &log,
            fixed(t, off),
            &edges_secs,
        )?)
    })?;
    py_table(py, tb)
}

/// Grouped count, mean, median and quantiles, as an Arrow table.
#[pyfunction]
#[pyo3(name = "_summarize", signature = (values, /, *, by, quantiles = vec![0.9], alpha = 0.01, exact = false))]
fn summarize(
    py: Python<'_>,
    values: &Bound<'_, PyAny>,
    by: Vec<Option<String>>,
    quantiles: Vec<f64>,
    alpha: f64,
    exact: bool,
) -> PyResult<Py<PyAny>> {
    let col = F64Column::extract(values, "values")?;
    let vals = col.values();
    let keys: Vec<&str> = by.iter().map(|k| k.as_deref().unwrap_or("")).collect();
    let t = run(py, || {
        let g = cx_core::ops::summarize_by(&keys, vals, &quantiles, alpha, exact)?;
        let mut c = Cols::new();
        c.str("key", g.iter().map(|x| Some(x.key.as_str())));
        c.i64("count", g.iter().map(|x| Some(x.count as i64)));
        c.f64("mean", g.iter().map(|x| x.mean));
        c.f64("median", g.iter().map(|x| x.median));
        for (k, q) in quantiles.iter().enumerate() {
            c.f64(
                &format!("q{q}"),
                g.iter().map(|x| x.quantiles.get(k).and_then(|p| p.1)),
            );
        }
        c.table()
    })?;
    py_table(py, t)
}

/// Register the ops classes and functions.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBusinessCalendar>()?;
    m.add_class::<PyMetricDefinitions>()?;
    m.add_class::<PySlaPolicy>()?;
    m.add_function(wrap_pyfunction!(ticket_metrics, m)?)?;
    m.add_function(wrap_pyfunction!(log_issues, m)?)?;
    m.add_function(wrap_pyfunction!(sla_status, m)?)?;
    m.add_function(wrap_pyfunction!(sla_compliance, m)?)?;
    m.add_function(wrap_pyfunction!(sla_history::sla_history, m)?)?;
    m.add_function(wrap_pyfunction!(backlog, m)?)?;
    m.add_function(wrap_pyfunction!(age_buckets, m)?)?;
    m.add_function(wrap_pyfunction!(summarize, m)?)?;
    sla_issues::register(m)?;
    Ok(())
}
