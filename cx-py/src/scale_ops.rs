//! Bindings of `cx_core::scale::TicketAggregates` behind `cx.dask.ticket_aggregates` and
//! `cx.spark.ticket_aggregates`: a per-ticket metrics table to state bytes, a merge of
//! states, and the finish into one row per group and metric.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{
    Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use cx_core::CxError;
use cx_core::scale::{KeyValue, TicketAggregates};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use pyo3_arrow::input::AnyRecordBatch;

use crate::metrics_group::columns::f64_from_arrow;
use crate::metrics_group::{PyGroupedTable, table_column};
use crate::run;

/// One key column's values, row by row: integer types stay integers, anything else is
/// read as text (Arrow's cast to UTF-8).
fn key_column(chunks: &[ArrayRef], dtype: &DataType, name: &str) -> PyResult<Vec<KeyValue>> {
    let int = matches!(
        dtype,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
    );
    let mut out = Vec::new();
    for c in chunks {
        let cast = |t: &DataType| {
            arrow_cast::cast(c, t).map_err(|e| {
                PyTypeError::new_err(format!("`by` column {name:?} cannot be read: {e}"))
            })
        };
        if int {
            let a = cast(&DataType::Int64)?;
            out.extend(
                a.as_primitive::<Int64Type>()
                    .iter()
                    .map(|v| v.map_or(KeyValue::Null, KeyValue::Int)),
            );
        } else {
            let a = cast(&DataType::Utf8)?;
            out.extend(
                a.as_string::<i32>()
                    .iter()
                    .map(|v| v.map_or(KeyValue::Null, |s| KeyValue::Str(s.to_string()))),
            );
        }
    }
    Ok(out)
}

/// The serialized aggregates state of one partition's per-ticket metrics table.
#[pyfunction]
#[pyo3(signature = (table, /, *, by, metrics, alpha=0.01))]
fn _ticket_agg_state<'py>(
    py: Python<'py>,
    table: AnyRecordBatch,
    by: Vec<String>,
    metrics: Vec<String>,
    alpha: f64,
) -> PyResult<Bound<'py, PyBytes>> {
    let (batches, schema) = table.into_table()?.into_inner();
    let mut values = Vec::with_capacity(metrics.len());
    for m in &metrics {
        let (chunks, _) = table_column(&batches, &schema, m)?;
        values.push(f64_from_arrow(&chunks, m)?);
    }
    let mut cols = Vec::with_capacity(by.len());
    for b in &by {
        let (chunks, dtype) = table_column(&batches, &schema, b)?;
        cols.push(key_column(&chunks, &dtype, b)?);
    }
    let n_rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let bytes = run(py, || {
        let mut codes = Vec::with_capacity(n_rows);
        let mut keys: Vec<Vec<KeyValue>> = Vec::new();
        let mut index: HashMap<Vec<KeyValue>, u32> = HashMap::new();
        for row in 0..n_rows {
            let key: Vec<KeyValue> = cols.iter().map(|c| c[row].clone()).collect();
            let next = keys.len() as u32;
            let code = *index.entry(key.clone()).or_insert_with(|| {
                keys.push(key);
                next
            });
            codes.push(code);
        }
        let mut state = TicketAggregates::new(alpha, by.clone(), metrics.clone())?;
        let refs: Vec<&[f64]> = values.iter().map(Vec::as_slice).collect();
        state.add(&codes, &refs, &keys)?;
        Ok(state.to_bytes())
    })?;
    Ok(PyBytes::new(py, &bytes))
}

/// Merge serialized aggregates states (any order) into one.
#[pyfunction]
#[pyo3(signature = (states, /))]
fn _ticket_agg_merge<'py>(py: Python<'py>, states: Vec<Vec<u8>>) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = run(py, || {
        let mut it = states.iter();
        let Some(first) = it.next() else {
            return Err(CxError::EmptyInput {
                what: "states".into(),
            });
        };
        let mut acc = TicketAggregates::from_bytes(first)?;
        for b in it {
            acc.merge(&TicketAggregates::from_bytes(b)?)?;
        }
        Ok(acc.to_bytes())
    })?;
    Ok(PyBytes::new(py, &bytes))
}

/// Name of the column of quantile `q`, as `cx.ops.summarize` names them (`q0.9`).
fn q_name(q: f64) -> String {
    format!("q{q}")
}

/// Finish a merged state: one row per group and metric.
#[pyfunction]
#[pyo3(signature = (state, /, *, percentiles=vec![0.5, 0.9]))]
fn _ticket_agg_finish(
    py: Python<'_>,
    state: Vec<u8>,
    percentiles: Vec<f64>,
) -> PyResult<PyGroupedTable> {
    let batch = run(py, || {
        let s = TicketAggregates::from_bytes(&state)?;
        let mut qs = vec![0.5];
        qs.extend(percentiles.iter().copied());
        let mut key_rows: Vec<&[KeyValue]> = Vec::new();
        let (mut metric, mut n, mut n_missing) = (Vec::new(), Vec::new(), Vec::new());
        let (mut mean, mut min, mut max) = (Vec::new(), Vec::new(), Vec::new());
        let mut quant: Vec<Vec<Option<f64>>> = vec![Vec::new(); qs.len()];
        for (key, aggs) in s.groups() {
            for (name, a) in s.metrics().iter().zip(aggs) {
                key_rows.push(key);
                metric.push(name.as_str());
                n.push(a.n());
                n_missing.push(a.n_missing());
                mean.push(a.mean());
                min.push(a.min());
                max.push(a.max());
                for (col, &q) in quant.iter_mut().zip(&qs) {
                    col.push(a.sketch().quantile(q)?);
                }
            }
        }
        let mut fields = Vec::new();
        let mut arrays: Vec<ArrayRef> = Vec::new();
        for (j, name) in s.key_names().iter().enumerate() {
            let is_int = key_rows.iter().any(|k| matches!(k[j], KeyValue::Int(_)));
            let arr: ArrayRef = if is_int {
                Arc::new(Int64Array::from_iter(key_rows.iter().map(|k| {
                    match &k[j] {
                        KeyValue::Int(i) => Some(*i),
                        _ => None,
                    }
                })))
            } else {
                Arc::new(StringArray::from_iter(key_rows.iter().map(|k| {
                    match &k[j] {
                        KeyValue::Str(v) => Some(v.as_str()),
                        _ => None,
                    }
                })))
            };
            fields.push(Field::new(name, arr.data_type().clone(), true));
            arrays.push(arr);
        }
        let mut push = |name: String, arr: ArrayRef| {
            fields.push(Field::new(name, arr.data_type().clone(), true));
            arrays.push(arr);
        };
        push("metric".into(), Arc::new(StringArray::from(metric)));
        push("n".into(), Arc::new(UInt64Array::from(n)));
        push("n_missing".into(), Arc::new(UInt64Array::from(n_missing)));
        push("mean".into(), Arc::new(Float64Array::from(mean)));
        push("min".into(), Arc::new(Float64Array::from(min)));
        push("max".into(), Arc::new(Float64Array::from(max)));
        let mut quant = quant.into_iter();
        if let Some(median) = quant.next() {
            push("median".into(), Arc::new(Float64Array::from(median)));
        }
        for (&q, col) in percentiles.iter().zip(quant) {
            push(q_name(q), Arc::new(Float64Array::from(col)));
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| CxError::Format {
            what: "TicketAggregates".into(),
            reason: e.to_string(),
        })
    })?;
    Ok(PyGroupedTable::new(batch))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_ticket_agg_state, m)?)?;
    m.add_function(wrap_pyfunction!(_ticket_agg_merge, m)?)?;
    m.add_function(wrap_pyfunction!(_ticket_agg_finish, m)?)?;
    Ok(())
}
