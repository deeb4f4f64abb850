//! Bindings of `cx_core::ops`: business calendars, ticket metrics, SLA status,
//! backlog and grouped summaries. Conversion only; the work is in the core.
//!
//! Events come as an Arrow table (anything with `__arrow_c_stream__`: pyarrow,
//! polars, pandas) or a list of dicts; results go out as an Arrow table, which
//! `python/cx/ops.py` converts back to the caller's frame type.

use std::borrow::Cow;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampSecondBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use cx_core::CxError;
use cx_core::ops::{
    AgeBucket, BacklogPeriod, BusinessCalendar, CalendarSpec, Elapsed, EventRow, MetricDefinitions,
    Period, SlaCompliance, SlaPolicy, SlaRecord, SlaSegment, SlaState, StatusTimesEnd, TicketLog,
    TicketLogBuilder, TicketMetrics, Validation,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use pyo3_arrow::PyTable;
use pyo3_arrow::input::AnyRecordBatch;

use crate::convert::F64Column;
use crate::error::{bad_literal, to_py};
use crate::run;

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

// ---------------------------------------------------------------- events in

enum StrCol {
    Utf8(arrow_array::StringArray),
    Large(arrow_array::LargeStringArray),
    View(arrow_array::StringViewArray),
    Dict(Vec<usize>, ArrayRef, Box<StrCol>),
    Int(ArrayRef),
    Missing,
}

impl StrCol {
    fn new(a: Option<&ArrayRef>, name: &str) -> Result<Self, CxError> {
        let Some(a) = a else {
            return Ok(StrCol::Missing);
        };
        Ok(match a.data_type() {
            DataType::Utf8 => StrCol::Utf8(a.as_string::<i32>().clone()),
            DataType::LargeUtf8 => StrCol::Large(a.as_string::<i64>().clone()),
            DataType::Utf8View => StrCol::View(a.as_string_view().clone()),
            DataType::Dictionary(_, _) => {
                let d = a.as_any_dictionary();
                StrCol::Dict(
                    d.normalized_keys(),
                    a.clone(),
                    Box::new(StrCol::new(Some(d.values()), name)?),
                )
            }
            DataType::Int32 | DataType::Int64 => StrCol::Int(a.clone()),
            DataType::Null => StrCol::Missing,
            other => {
                return Err(CxError::invalid(
                    name,
                    None,
                    other,
                    "expected a string column",
                ));
            }
        })
    }

    fn get(&self, i: usize) -> Option<Cow<'_, str>> {
        match self {
            StrCol::Utf8(a) => (!a.is_null(i)).then(|| Cow::Borrowed(a.value(i))),
            StrCol::Large(a) => (!a.is_null(i)).then(|| Cow::Borrowed(a.value(i))),
            StrCol::View(a) => (!a.is_null(i)).then(|| Cow::Borrowed(a.value(i))),
            StrCol::Dict(keys, arr, values) => {
                if arr.is_null(i) {
                    None
                } else {
                    values.get(*keys.get(i)?)
                }
            }
            StrCol::Int(a) => {
                if a.is_null(i) {
                    return None;
                }
                Some(Cow::Owned(match a.data_type() {
                    DataType::Int32 => a.as_primitive::<Int32Type>().value(i).to_string(),
                    _ => a.as_primitive::<Int64Type>().value(i).to_string(),
                }))
            }
            StrCol::Missing => None,
        }
    }
}

fn bool_at(a: Option<&ArrayRef>, i: usize) -> Option<bool> {
    let a = a?;
    if a.is_null(i) {
        return None;
    }
    match a.data_type() {
        DataType::Boolean => Some(a.as_boolean().value(i)),
        _ => StrCol::new(Some(a), "public").ok()?.get(i).map(|s| {
            matches!(
                s.trim().to_ascii_lowercase().as_str(),
                "true" | "1" | "yes" | "t"
            )
        }),
    }
}

fn instants(a: &ArrayRef, n0: usize) -> Result<Vec<(i64, i32)>, CxError> {
    let floor = |v: i64, d: i64| v.div_euclid(d);
    let naive = || CxError::MissingTimeZone {
        field: "at".into(),
        row: Some(n0),
        value: "<timestamp column without time zone>".into(),
    };
    Ok(match a.data_type() {
        DataType::Timestamp(unit, tz) => {
            if tz.is_none() {
                return Err(naive());
            }
            let (vals, div): (Vec<Option<i64>>, i64) = match unit {
                TimeUnit::Second => (a.as_primitive::<TimestampSecondType>().iter().collect(), 1),
                TimeUnit::Millisecond => (
                    a.as_primitive::<TimestampMillisecondType>()
                        .iter()
                        .collect(),
                    1_000,
                ),
                TimeUnit::Microsecond => (
                    a.as_primitive::<TimestampMicrosecondType>()
                        .iter()
                        .collect(),
                    1_000_000,
                ),
                TimeUnit::Nanosecond => (
                    a.as_primitive::<TimestampNanosecondType>().iter().collect(),
                    1_000_000_000,
                ),
            };
            let mut out = Vec::with_capacity(vals.len());
            for (k, v) in vals.into_iter().enumerate() {
                let v = v.ok_or(CxError::MissingField {
                    field: "at".into(),
                    row: Some(n0 + k),
                })?;
                out.push((floor(v, div), 0));
            }
            out
        }
        _ => {
            let s = StrCol::new(Some(a), "at")?;
            (0..a.len())
                .map(|k| {
                    let v = s.get(k).ok_or(CxError::MissingField {
                        field: "at".into(),
                        row: Some(n0 + k),
                    })?;
                    cx_core::ops::parse_instant(&v, "at", Some(n0 + k))
                })
                .collect::<Result<_, _>>()?
        }
    })
}

const OPTIONAL: [&str; 10] = [
    "actor", "public", "from", "to", "team", "agent", "channel", "priority", "customer", "topic",
];

fn push_batch(b: &mut TicketLogBuilder, batch: &RecordBatch, n0: usize) -> Result<(), CxError> {
    let col = |name: &str| batch.column_by_name(name);
    let need = |name: &str| {
        col(name).ok_or(CxError::MissingField {
            field: name.into(),
            row: None,
        })
    };
    let ticket = StrCol::new(Some(need("ticket_id")?), "ticket_id")?;
    let kind = StrCol::new(Some(need("type")?), "type")?;
    let at = instants(need("at")?, n0)?;
    let opt: Vec<StrCol> = OPTIONAL
        .iter()
        .map(|n| {
            if *n == "public" {
                Ok(StrCol::Missing)
            } else {
                StrCol::new(col(n), n)
            }
        })
        .collect::<Result<_, _>>()?;
    let public = col("public");
    for (i, &(at_s, at_off)) in at.iter().enumerate() {
        let row = n0 + i;
        let t = ticket.get(i).ok_or(CxError::MissingField {
            field: "ticket_id".into(),
            row: Some(row),
        })?;
        let k = kind.get(i).ok_or(CxError::MissingField {
            field: "type".into(),
            row: Some(row),
        })?;
        let vals: [Option<Cow<'_, str>>; 10] = std::array::from_fn(|k| opt[k].get(i));
        let mut r = EventRow::new(&k);
        r.actor = vals[0].as_deref();
        r.public = bool_at(public, i);
        r.from = vals[2].as_deref();
        r.to = vals[3].as_deref();
        r.team = vals[4].as_deref();
        r.agent = vals[5].as_deref();
        r.channel = vals[6].as_deref();
        r.priority = vals[7].as_deref();
        r.customer = vals[8].as_deref();
        r.topic = vals[9].as_deref();
        b.push_row(&t, at_s, at_off, &r, row)?;
    }
    Ok(())
}

/// Events as Arrow batches (zero-copy from the caller) or rows from a list of dicts.
enum Events {
    Arrow(Vec<RecordBatch>),
    Built(Box<TicketLogBuilder>),
}

fn events_in(obj: &Bound<'_, PyAny>) -> PyResult<Events> {
    if obj.hasattr("__arrow_c_stream__")? || obj.hasattr("__arrow_c_array__")? {
        let any: AnyRecordBatch = obj.extract().map_err(|e| {
            PyTypeError::new_err(format!("`events`: cannot read the Arrow data: {e}"))
        })?;
        let reader = any.into_reader()?;
        let batches = reader
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| PyTypeError::new_err(format!("`events`: {e}")))?;
        return Ok(Events::Arrow(batches));
    }
    let Ok(list) = obj.cast::<PyList>() else {
        return Err(PyTypeError::new_err(format!(
            "`events` must be a pyarrow/polars/pandas table or a list of dicts, got {}",
            obj.get_type().name()?
        )));
    };
    let mut b = TicketLogBuilder::new();
    for (row, item) in list.iter().enumerate() {
        let d = item
            .cast::<PyDict>()
            .map_err(|_| PyTypeError::new_err(format!("`events[{row}]` must be a dict")))?;
        let get = |k: &str| -> PyResult<Option<String>> {
            match d.get_item(k)? {
                Some(v) if !v.is_none() => Ok(Some(v.str()?.to_string())),
                _ => Ok(None),
            }
        };
        let at = d.get_item("at")?.ok_or_else(|| {
            to_py(CxError::MissingField {
                field: "at".into(),
                row: Some(row),
            })
        })?;
        let (t, off) = instant(&at, "at", Some(row))?;
        let tid = get("ticket_id")?.ok_or_else(|| {
            to_py(CxError::MissingField {
                field: "ticket_id".into(),
                row: Some(row),
            })
        })?;
        let kind = get("type")?.ok_or_else(|| {
            to_py(CxError::MissingField {
                field: "type".into(),
                row: Some(row),
            })
        })?;
        let vals: Vec<Option<String>> = OPTIONAL.iter().map(|k| get(k)).collect::<PyResult<_>>()?;
        let public = match d.get_item("public")? {
            Some(v) if !v.is_none() => Some(v.is_truthy()?),
            _ => None,
        };
        let mut r = EventRow::new(&kind);
        r.actor = vals[0].as_deref();
        r.public = public;
        r.from = vals[2].as_deref();
        r.to = vals[3].as_deref();
        r.team = vals[4].as_deref();
        r.agent = vals[5].as_deref();
        r.channel = vals[6].as_deref();
        r.priority = vals[7].as_deref();
        r.customer = vals[8].as_deref();
        r.topic = vals[9].as_deref();
        b.push_row(&tid, t, off, &r, row).map_err(to_py)?;
    }
    Ok(Events::Built(Box::new(b)))
}

fn build_log(ev: Events, validation: Validation) -> Result<TicketLog, CxError> {
    match ev {
        Events::Built(b) => b.build(validation),
        Events::Arrow(batches) => {
            let mut b = TicketLogBuilder::new();
            let mut n0 = 0;
            for batch in &batches {
                push_batch(&mut b, batch, n0)?;
                n0 += batch.num_rows();
            }
            b.build(validation)
        }
    }
}

// ---------------------------------------------------------------- tables out

struct Cols {
    fields: Vec<Field>,
    arrays: Vec<ArrayRef>,
}

impl Cols {
    fn new() -> Self {
        Self {
            fields: Vec::new(),
            arrays: Vec::new(),
        }
    }
    fn str<'a>(&mut self, name: &str, vals: impl Iterator<Item = Option<&'a str>>) {
        let mut b = StringBuilder::new();
        for v in vals {
            b.append_option(v);
        }
        self.push(name, Arc::new(b.finish()));
    }
    fn i64(&mut self, name: &str, vals: impl Iterator<Item = Option<i64>>) {
        let mut b = Int64Builder::new();
        for v in vals {
            b.append_option(v);
        }
        self.push(name, Arc::new(b.finish()));
    }
    fn f64(&mut self, name: &str, vals: impl Iterator<Item = Option<f64>>) {
        let mut b = Float64Builder::new();
        for v in vals {
            b.append_option(v);
        }
        self.push(name, Arc::new(b.finish()));
    }
    fn bool(&mut self, name: &str, vals: impl Iterator<Item = Option<bool>>) {
        let mut b = BooleanBuilder::new();
        for v in vals {
            b.append_option(v);
        }
        self.push(name, Arc::new(b.finish()));
    }
    fn ts(&mut self, name: &str, vals: impl Iterator<Item = Option<i64>>) {
        let mut b = TimestampSecondBuilder::new().with_timezone("UTC");
        for v in vals {
            b.append_option(v);
        }
        self.push(name, Arc::new(b.finish()));
    }
    fn list(&mut self, name: &str, vals: impl Iterator<Item = Vec<Option<i64>>>) {
        let mut b = ListBuilder::new(Int64Builder::new());
        for v in vals {
            for x in v {
                b.values().append_option(x);
            }
            b.append(true);
        }
        self.push(name, Arc::new(b.finish()));
    }
    fn push(&mut self, name: &str, a: ArrayRef) {
        self.fields
            .push(Field::new(name, a.data_type().clone(), true));
        self.arrays.push(a);
    }
    fn table(self) -> Result<(RecordBatch, Arc<Schema>), CxError> {
        let schema = Arc::new(Schema::new(self.fields));
        let batch =
            RecordBatch::try_new(schema.clone(), self.arrays).map_err(|e| CxError::Format {
                what: "result table".into(),
                reason: e.to_string(),
            })?;
        Ok((batch, schema))
    }
}

fn py_table(py: Python<'_>, t: (RecordBatch, Arc<Schema>)) -> PyResult<Py<PyAny>> {
    Ok(PyTable::try_new(vec![t.0], t.1)?
        .into_pyobject(py)?
        .into_any()
        .unbind())
}

fn metrics_table(ms: &[TicketMetrics]) -> Result<(RecordBatch, Arc<Schema>), CxError> {
    let mut c = Cols::new();
    c.str("ticket_id", ms.iter().map(|m| Some(m.ticket.as_str())));
    c.str(
        "channel",
        ms.iter().map(|m| m.channel.as_ref().map(|x| x.as_str())),
    );
    c.str(
        "priority",
        ms.iter().map(|m| m.priority.map(|x| x.as_str())),
    );
    c.str(
        "team",
        ms.iter().map(|m| m.team.as_ref().map(|x| x.as_str())),
    );
    c.str(
        "customer",
        ms.iter().map(|m| m.customer.as_ref().map(|x| x.as_str())),
    );
    let status: Vec<String> = ms
        .iter()
        .map(|m| {
            serde_json::to_value(m.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .collect();
    c.str("status", status.iter().map(|s| Some(s.as_str())));
    c.ts(
        "created_at",
        ms.iter().map(|m| Some(m.created_at.timestamp())),
    );
    c.ts(
        "first_reply_at",
        ms.iter().map(|m| m.first_reply_at.map(|x| x.timestamp())),
    );
    c.ts(
        "first_solved_at",
        ms.iter().map(|m| m.first_solved_at.map(|x| x.timestamp())),
    );
    c.ts(
        "last_solved_at",
        ms.iter().map(|m| m.last_solved_at.map(|x| x.timestamp())),
    );
    type Get = fn(&TicketMetrics) -> Option<Elapsed>;
    let durations: [(&str, Get); 7] = [
        ("first_reply", |m| m.first_reply),
        ("first_resolution", |m| m.first_resolution),
        ("full_resolution", |m| m.full_resolution),
        ("requester_wait", |m| m.requester_wait),
        ("agent_wait", |m| m.agent_wait),
        ("on_hold", |m| m.on_hold),
        ("agent_work", |m| m.agent_work),
    ];
    for (name, get) in durations {
        c.i64(
            &format!("{name}_secs"),
            ms.iter().map(|m| get(m).map(|e| e.calendar_secs)),
        );
        c.i64(
            &format!("{name}_business_secs"),
            ms.iter().map(|m| get(m).and_then(|e| e.business_secs)),
        );
    }
    c.list(
        "next_reply_secs",
        ms.iter().map(|m| {
            m.next_replies
                .iter()
                .map(|e| Some(e.calendar_secs))
                .collect()
        }),
    );
    c.list(
        "next_reply_business_secs",
        ms.iter()
            .map(|m| m.next_replies.iter().map(|e| e.business_secs).collect()),
    );
    type Count = fn(&TicketMetrics) -> u32;
    let counts: [(&str, Count); 8] = [
        ("agent_replies", |m| m.agent_replies),
        ("requester_comments", |m| m.requester_comments),
        ("solves", |m| m.solves),
        ("reopens", |m| m.reopens),
        ("reassignments", |m| m.reassignments),
        ("assignee_stations", |m| m.assignee_stations),
        ("group_stations", |m| m.group_stations),
        ("escalations", |m| m.escalations),
    ];
    for (name, get) in counts {
        c.i64(name, ms.iter().map(|m| Some(i64::from(get(m)))));
    }
    c.bool(
        "escalated_to_urgent",
        ms.iter().map(|m| Some(m.escalated_to_urgent)),
    );
    c.bool("one_touch", ms.iter().map(|m| m.one_touch));
    c.bool("repeat_free", ms.iter().map(|m| m.repeat_free));
    c.table()
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
        let log = build_log(ev, defs.validation)?;
        metrics_table(&cx_core::ops::metrics_of_log(&log, cal, defs).tickets)
    })?;
    py_table(py, t)
}

/// Problems found in an event log (validation = collect), as a list of dicts.
#[pyfunction]
#[pyo3(name = "_log_issues", signature = (events, /))]
fn log_issues<'py>(py: Python<'py>, events: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
    let ev = events_in(events)?;
    let log = run(py, || build_log(ev, Validation::Collect))?;
    let out = PyList::empty(py);
    for i in log.issues() {
        let d = PyDict::new(py);
        d.set_item("ticket_id", i.ticket.as_str())?;
        d.set_item("row", i.event_index)?;
        d.set_item("kind", i.kind.as_str())?;
        d.set_item("reason", i.reason())?;
        out.append(d)?;
    }
    Ok(out)
}

// ---------------------------------------------------------------- SLA

/// An SLA policy (see `cx_core::ops::SlaPolicy`).
#[pyclass(frozen, module = "cx._cx", name = "SlaPolicy")]
pub(crate) struct PySlaPolicy(SlaPolicy);

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
) -> PyResult<Vec<SlaRecord>> {
    let mut pols = Vec::new();
    for p in policies.try_iter()? {
        let p = p?;
        let p = p
            .cast::<PySlaPolicy>()
            .map_err(|_| PyTypeError::new_err("`policies` must be SlaPolicy objects"))?;
        pols.push(p.get().0.clone());
    }
    let (t, off) = instant(as_of, "as_of", None)?;
    let as_of = fixed(t, off);
    let ev = events_in(events)?;
    let cal = calendar.as_ref().map(|c| &c.0);
    run(py, || {
        let log = build_log(ev, Validation::Strict)?;
        cx_core::ops::sla_status(&log, &pols, cal, as_of)
    })
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
#[pyo3(name = "_sla_status", signature = (events, /, *, policies, as_of, calendar = None))]
fn sla_status(
    py: Python<'_>,
    events: &Bound<'_, PyAny>,
    policies: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    calendar: Option<PyRef<'_, PyBusinessCalendar>>,
) -> PyResult<Py<PyAny>> {
    let recs = sla_records(py, events, policies, as_of, calendar)?;
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
#[pyo3(name = "_sla_compliance", signature = (events, /, *, policies, as_of, calendar = None, by = "all", confidence = 0.95))]
#[allow(clippy::too_many_arguments)]
fn sla_compliance(
    py: Python<'_>,
    events: &Bound<'_, PyAny>,
    policies: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    calendar: Option<PyRef<'_, PyBusinessCalendar>>,
    by: &str,
    confidence: f64,
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
    let recs = sla_records(py, events, policies, as_of, calendar)?;
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
    m.add_function(wrap_pyfunction!(backlog, m)?)?;
    m.add_function(wrap_pyfunction!(age_buckets, m)?)?;
    m.add_function(wrap_pyfunction!(summarize, m)?)?;
    Ok(())
}
