//! Event logs in: Arrow tables (zero-copy through the PyCapsule interface) or
//! lists of dicts, into a core `TicketLogBuilder`.

use std::borrow::Cow;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use cx_core::CxError;
use cx_core::ops::{EventRow, TicketLog, TicketLogBuilder, Validation};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pyo3_arrow::input::AnyRecordBatch;

use super::instant;
use crate::error::to_py;

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

pub(super) fn instants(a: &ArrayRef, n0: usize) -> Result<Vec<(i64, i32)>, CxError> {
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
    let attrs = opt[6..].iter().any(|c| !matches!(c, StrCol::Missing));
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
        // Read only the columns the event type uses (all of them for an unknown
        // type, so that its error names the value).
        let kk: &str = &k;
        let (actor, from_to, assign) = match kk {
            "created" | "comment" => (true, false, false),
            "status_change" | "priority_change" => (false, true, false),
            "assignment" => (false, false, true),
            "solved" | "reopened" | "closed" => (false, false, false),
            _ => (true, true, true),
        };
        let wanted = [
            actor, false, from_to, from_to, assign, assign, attrs, attrs, attrs, attrs,
        ];
        let vals: [Option<Cow<'_, str>>; 10] =
            std::array::from_fn(|c| if wanted[c] { opt[c].get(i) } else { None });
        let mut r = EventRow::new(&k);
        r.actor = vals[0].as_deref();
        r.public = if actor { bool_at(public, i) } else { None };
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
pub(super) enum Events {
    Arrow(Vec<RecordBatch>),
    Built(Box<TicketLogBuilder>),
}

pub(super) fn events_in(obj: &Bound<'_, PyAny>) -> PyResult<Events> {
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

pub(super) fn build_log(ev: Events, validation: Validation) -> Result<TicketLog, CxError> {
    match ev {
        Events::Built(b) => b.build(validation),
        Events::Arrow(batches) => {
            if let Some(log) = super::columnar_log::ticket_log(&batches, validation) {
                return Ok(log);
            }
            let mut b = TicketLogBuilder::new();
            b.reserve(batches.iter().map(RecordBatch::num_rows).sum());
            let mut n0 = 0;
            for batch in &batches {
                push_batch(&mut b, batch, n0)?;
                n0 += batch.num_rows();
            }
            b.build(validation)
        }
    }
}
