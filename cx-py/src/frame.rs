//! Data frames in (pandas, polars, pyarrow, duckdb, ... through the Arrow
//! PyCapsule interface): each column is rendered as text once and validated
//! by the same rules as the file readers.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef};
use arrow_schema::{DataType, TimeUnit};
use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;

/// Text cells of one column (`None` = null).
pub(crate) type TextColumn = Vec<Option<String>>;

/// Read every column of an Arrow-speaking frame as text cells: (headers, columns).
pub(crate) fn frame_columns(obj: &Bound<'_, PyAny>) -> PyResult<(Vec<String>, Vec<TextColumn>)> {
    let any: AnyRecordBatch = obj.extract()?;
    let reader = any.into_reader()?;
    let schema = reader.schema();
    let headers: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let mut cols: Vec<TextColumn> = vec![Vec::new(); headers.len()];
    for batch in reader {
        let batch = batch.map_err(|e| PyTypeError::new_err(e.to_string()))?;
        for (i, col) in batch.columns().iter().enumerate() {
            push_text(col, &headers[i], &mut cols[i])?;
        }
    }
    Ok((headers, cols))
}

/// A float that holds an integer prints as one ("9.0" → "9", so pandas' float
/// columns with NaN still carry integer ratings); others print in full.
fn float_text(v: f64) -> Option<String> {
    if v.is_nan() {
        None
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        Some(format!("{}", v as i64))
    } else {
        Some(v.to_string())
    }
}

fn ts_text(secs: i64, nanos: u32, tz: Option<&str>) -> Option<String> {
    let utc = DateTime::<Utc>::from_timestamp(secs, nanos)?;
    match tz {
        // A zone-less Arrow timestamp is a naive local time: it needs the caller's `tz`.
        None => Some(utc.naive_utc().format("%Y-%m-%d %H:%M:%S%.f").to_string()),
        Some(z) => match z.parse::<chrono_tz::Tz>() {
            Ok(zone) => Some(utc.with_timezone(&zone).to_rfc3339()),
            Err(_) => Some(utc.to_rfc3339()),
        },
    }
}

macro_rules! prim {
    ($arr:expr, $t:ty, $out:expr, $f:expr) => {{
        let a = $arr.as_primitive::<$t>();
        $out.extend((0..a.len()).map(|i| if a.is_null(i) { None } else { $f(a.value(i)) }));
    }};
}

fn push_text(arr: &ArrayRef, name: &str, out: &mut Vec<Option<String>>) -> PyResult<()> {
    let n = arr.len();
    let opt = |i: usize, s: &str| (!arr.is_null(i)).then(|| s.to_owned());
    match arr.data_type() {
        DataType::Null => out.extend(std::iter::repeat_n(None, n)),
        DataType::Utf8 => {
            let a = arr.as_string::<i32>();
            out.extend((0..n).map(|i| opt(i, a.value(i))));
        }
        DataType::LargeUtf8 => {
            let a = arr.as_string::<i64>();
            out.extend((0..n).map(|i| opt(i, a.value(i))));
        }
        DataType::Utf8View => {
            let a = arr.as_string_view();
            out.extend((0..n).map(|i| opt(i, a.value(i))));
        }
        DataType::Boolean => {
            let a = arr.as_boolean();
            out.extend((0..n).map(|i| (!a.is_null(i)).then(|| a.value(i).to_string())));
        }
        DataType::Int8 => prim!(arr, Int8Type, out, |v: i8| Some(v.to_string())),
        DataType::Int16 => prim!(arr, Int16Type, out, |v: i16| Some(v.to_string())),
        DataType::Int32 => prim!(arr, Int32Type, out, |v: i32| Some(v.to_string())),
        DataType::Int64 => prim!(arr, Int64Type, out, |v: i64| Some(v.to_string())),
        DataType::UInt8 => prim!(arr, UInt8Type, out, |v: u8| Some(v.to_string())),
        DataType::UInt16 => prim!(arr, UInt16Type, out, |v: u16| Some(v.to_string())),
        DataType::UInt32 => prim!(arr, UInt32Type, out, |v: u32| Some(v.to_string())),
        DataType::UInt64 => prim!(arr, UInt64Type, out, |v: u64| Some(v.to_string())),
        DataType::Float32 => prim!(arr, Float32Type, out, |v: f32| float_text(f64::from(v))),
        DataType::Float64 => prim!(arr, Float64Type, out, float_text),
        DataType::Date32 => prim!(arr, Date32Type, out, |d: i32| {
            DateTime::<Utc>::from_timestamp(i64::from(d) * 86_400, 0)
                .map(|t| t.date_naive().to_string())
        }),
        DataType::Timestamp(unit, tz) => {
            let tz = tz.as_deref();
            match unit {
                TimeUnit::Second => {
                    prim!(arr, TimestampSecondType, out, |v: i64| ts_text(v, 0, tz))
                }
                TimeUnit::Millisecond => prim!(arr, TimestampMillisecondType, out, |v: i64| {
                    ts_text(
                        v.div_euclid(1000),
                        (v.rem_euclid(1000) * 1_000_000) as u32,
                        tz,
                    )
                }),
                TimeUnit::Microsecond => prim!(arr, TimestampMicrosecondType, out, |v: i64| {
                    ts_text(
                        v.div_euclid(1_000_000),
                        (v.rem_euclid(1_000_000) * 1000) as u32,
                        tz,
                    )
                }),
                TimeUnit::Nanosecond => prim!(arr, TimestampNanosecondType, out, |v: i64| {
                    ts_text(
                        v.div_euclid(1_000_000_000),
                        v.rem_euclid(1_000_000_000) as u32,
                        tz,
                    )
                }),
            }
        }
        DataType::Dictionary(_, _) => {
            let d = arr.as_any_dictionary();
            let mut values = Vec::new();
            push_text(d.values(), name, &mut values)?;
            let keys = d.normalized_keys();
            out.extend(keys.iter().enumerate().map(|(i, &k)| {
                if arr.is_null(i) {
                    None
                } else {
                    values.get(k).cloned().flatten()
                }
            }));
        }
        DataType::List(_) | DataType::LargeList(_) => {
            for i in 0..n {
                if arr.is_null(i) {
                    out.push(None);
                    continue;
                }
                let item = match arr.data_type() {
                    DataType::List(_) => arr.as_list::<i32>().value(i),
                    _ => arr.as_list::<i64>().value(i),
                };
                let mut parts = Vec::new();
                push_text(&item, name, &mut parts)?;
                out.push(Some(
                    parts.into_iter().flatten().collect::<Vec<_>>().join(";"),
                ));
            }
        }
        other => {
            return Err(PyTypeError::new_err(format!(
                "column {name:?}: cannot read Arrow type {other} as feedback text"
            )));
        }
    }
    Ok(())
}
