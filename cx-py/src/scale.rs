//! Bindings of the scale-out states (`cx_core::scale`) behind `cx.dask` and `cx.spark`:
//! a partition's Arrow batch (or an engine's `GROUP BY` counts) to serialized state
//! bytes, a merge of states, and the finish into the same table as `cx.summarize`.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt32Type, UInt64Type};
use arrow_array::{
    Array, ArrayRef, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray,
    TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray, UInt32Array,
    UInt64Array,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit as ArrowUnit};
use cx_core::CxError;
use cx_core::metrics::group::{Freq, TimeUnit};
use cx_core::scale::{
    KeyColumn, KeyKind, KeyValue, KeyedCounts, ScoreMetric, counts_by_key, score_counts,
    score_counts_from_counts,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use pyo3_arrow::input::AnyRecordBatch;

use crate::error::bad_literal;
use crate::error::to_py;
use crate::metrics::parse;
use crate::metrics_group::columns::{
    Codes, Keys, combine, dense_limit, f64_from_arrow, keys_from_arrow, u8_from_arrow,
};
use crate::metrics_group::{
    Metric, PyGroupedTable, build_table, ces_rows, csat_rows, nps_row, parse_metric, table_column,
    time_keys,
};
use crate::run;
use crate::spc::{ChartArgs, PyControlChart};
use arrow_array::Float64Array;
use cx_core::scale::SubgroupMoments;

fn score_metric(m: Metric) -> ScoreMetric {
    match m {
        Metric::Nps(_) => ScoreMetric::Nps,
        Metric::Csat(o) => ScoreMetric::Csat(o),
        Metric::Ces(o) => ScoreMetric::Ces(o),
    }
}

/// What a summary state holds: metric, scale and bucket frequency. States of different
/// labels never merge, and a state finishes only with the options it was built for.
fn label(metric: &str, scale: Option<&str>, freq: &str) -> String {
    format!("summary:{metric}:{}:{freq}", scale.unwrap_or("-"))
}

fn arrow_unit(u: &ArrowUnit) -> TimeUnit {
    match u {
        ArrowUnit::Second => TimeUnit::Seconds,
        ArrowUnit::Millisecond => TimeUnit::Milliseconds,
        ArrowUnit::Microsecond => TimeUnit::Microseconds,
        ArrowUnit::Nanosecond => TimeUnit::Nanoseconds,
    }
}

/// One key column's kind and its values (one per group code).
fn key_values(a: &ArrayRef) -> PyResult<(KeyKind, Vec<KeyValue>)> {
    let opt = |v: Option<i64>| v.map_or(KeyValue::Null, KeyValue::Int);
    Ok(match a.data_type() {
        DataType::Int64 => (
            KeyKind::Int64,
            a.as_primitive::<Int64Type>().iter().map(opt).collect(),
        ),
        DataType::UInt32 => (
            KeyKind::UInt32,
            a.as_primitive::<UInt32Type>()
                .iter()
                .map(|v| opt(v.map(i64::from)))
                .collect(),
        ),
        DataType::Utf8 => (
            KeyKind::Utf8,
            a.as_string::<i32>()
                .iter()
                .map(|v| v.map_or(KeyValue::Null, |s| KeyValue::Str(s.to_string())))
                .collect(),
        ),
        DataType::Timestamp(u, tz) => {
            let t = arrow_cast::cast(a, &DataType::Int64)
                .map_err(|e| PyTypeError::new_err(e.to_string()))?;
            (
                KeyKind::Timestamp {
                    unit: arrow_unit(u),
                    tz: tz.as_deref().unwrap_or("UTC").to_string(),
                },
                t.as_primitive::<Int64Type>().iter().map(opt).collect(),
            )
        }
        other => {
            return Err(PyTypeError::new_err(format!(
                "internal: unexpected key type {other}"
            )));
        }
    })
}

/// Integer keys without nulls in a narrow range (at most [`dense_limit`] values) coded
/// as `value − min`, without hashing: about 5× faster than the dictionary encoding of
/// `keys_from_arrow` on 10 000 groups. Key values `min..=max` that no row has produce no
/// cell, so the state (and the finished table) is the same. `UInt32` columns keep their
/// own dense path (their key type differs).
fn dense_int_keys<'py>(
    py: Python<'py>,
    chunks: &[ArrayRef],
    dtype: &DataType,
) -> PyResult<Option<Keys<'py>>> {
    if !dtype.is_integer()
        || dtype == &DataType::UInt32
        || chunks.iter().any(|c| c.null_count() > 0)
    {
        return Ok(None);
    }
    let mut vals: Vec<i64> = Vec::with_capacity(chunks.iter().map(|c| c.len()).sum());
    for c in chunks {
        let Ok(a) = arrow_cast::cast(c, &DataType::Int64) else {
            return Ok(None);
        };
        vals.extend_from_slice(a.as_primitive::<Int64Type>().values());
    }
    let Some((min, max)) = py.detach(|| {
        vals.iter()
            .fold(None, |acc: Option<(i64, i64)>, &v| match acc {
                None => Some((v, v)),
                Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
            })
    }) else {
        return Ok(None);
    };
    let range = i128::from(max) - i128::from(min) + 1;
    if range > dense_limit(vals.len()) as i128 {
        return Ok(None);
    }
    let codes: Vec<u32> = py.detach(|| vals.iter().map(|&v| (v - min) as u32).collect());
    Ok(Some(Keys {
        codes: Codes::Owned(codes),
        values: vec![Arc::new(Int64Array::from_iter_values(min..=max))],
        n_groups: Some(range as usize),
    }))
}

/// Key columns of a partition: codes per row, and the columns with one key per code.
struct PartKeys<'py> {
    keys: Keys<'py>,
    columns: Vec<KeyColumn>,
    per_code: Vec<Vec<KeyValue>>,
}

#[allow(clippy::too_many_arguments)]
fn part_keys<'py>(
    py: Python<'py>,
    batches: &[RecordBatch],
    schema: &arrow_schema::Schema,
    by: &[String],
    time: Option<&str>,
    freq: Freq,
    tz: Option<&str>,
    n_rows: usize,
) -> PyResult<PartKeys<'py>> {
    let mut parts = Vec::new();
    let mut names = Vec::new();
    for b in by {
        let (chunks, dtype) = table_column(batches, schema, b)?;
        let k = match dense_int_keys(py, &chunks, &dtype)? {
            Some(k) => k,
            None => keys_from_arrow(py, chunks, &dtype, b)?,
        };
        parts.push(k);
        names.push(b.clone());
    }
    if let Some(tcol) = time {
        let (chunks, _) = table_column(batches, schema, tcol)?;
        parts.push(time_keys(py, &chunks, tcol, tz, freq)?);
        names.push("bucket".to_string());
    }
    let keys = if parts.is_empty() {
        Keys {
            codes: Codes::Owned(vec![0; n_rows]),
            values: Vec::new(),
            n_groups: Some(1),
        }
    } else {
        combine(py, parts)?.resolve(py)?
    };
    let n = keys.n_groups.unwrap_or(0);
    let mut columns = Vec::new();
    let mut per_code = vec![Vec::with_capacity(names.len()); n];
    for (name, v) in names.iter().zip(&keys.values) {
        let (kind, vals) = key_values(v)?;
        columns.push(KeyColumn::new(name.clone(), kind));
        for (k, val) in per_code.iter_mut().zip(vals) {
            k.push(val);
        }
    }
    Ok(PartKeys {
        keys,
        columns,
        per_code,
    })
}

/// The serialized summary state of one partition (an Arrow table or batch).
#[pyfunction]
#[pyo3(signature = (table, /, *, score, metric="nps", by=Vec::new(), time=None, freq="month", tz=None, scale=None))]
#[allow(clippy::too_many_arguments)]
fn _summary_state<'py>(
    py: Python<'py>,
    table: AnyRecordBatch,
    score: &str,
    metric: &str,
    by: Vec<String>,
    time: Option<&str>,
    freq: &str,
    tz: Option<&str>,
    scale: Option<&str>,
) -> PyResult<Bound<'py, PyBytes>> {
    let m = score_metric(parse_metric(metric, None, 0.95, scale)?);
    let label = label(metric, scale, freq);
    let freq: Freq = parse(freq)?;
    let (batches, schema) = table.into_table()?.into_inner();
    let (sc, _) = table_column(&batches, &schema, score)?;
    let scores = u8_from_arrow(py, &sc, score)?;
    let s = scores.values();
    let pk = part_keys(py, &batches, &schema, &by, time, freq, tz, s.len())?;
    let codes = pk.keys.codes.values();
    let bytes = run(py, || {
        let mut state = KeyedCounts::new(label, pk.columns, m.width())?;
        score_counts(&mut state, s, codes, &pk.per_code, m)?;
        Ok(state.to_bytes())
    })?;
    Ok(PyBytes::new(py, &bytes))
}

/// The serialized summary state of pre-aggregated rows: keys, a score and its count.
#[pyfunction]
#[pyo3(signature = (table, /, *, score, count, metric="nps", by=Vec::new(), freq="month", scale=None))]
#[allow(clippy::too_many_arguments)]
fn _summary_state_from_counts<'py>(
    py: Python<'py>,
    table: AnyRecordBatch,
    score: &str,
    count: &str,
    metric: &str,
    by: Vec<String>,
    freq: &str,
    scale: Option<&str>,
) -> PyResult<Bound<'py, PyBytes>> {
    let m = score_metric(parse_metric(metric, None, 0.95, scale)?);
    let label = label(metric, scale, freq);
    let (batches, schema) = table.into_table()?.into_inner();
    let (sc, _) = table_column(&batches, &schema, score)?;
    let scores = u8_from_arrow(py, &sc, score)?;
    let (cc, _) = table_column(&batches, &schema, count)?;
    let mut counts = Vec::new();
    for c in &cc {
        let u = arrow_cast::cast(c, &DataType::UInt64).map_err(|e| {
            PyTypeError::new_err(format!("`{count}` must hold non-negative counts: {e}"))
        })?;
        if u.null_count() > 0 {
            return Err(to_py(CxError::invalid(
                count,
                None,
                "null",
                "counts must not be null",
            )));
        }
        counts.extend_from_slice(u.as_primitive::<UInt64Type>().values());
    }
    let s = scores.values();
    let pk = part_keys(py, &batches, &schema, &by, None, Freq::Month, None, s.len())?;
    let codes = pk.keys.codes.values();
    let bytes = run(py, || {
        let mut state = KeyedCounts::new(label, pk.columns, m.width())?;
        score_counts_from_counts(&mut state, s, codes, &counts, &pk.per_code, m)?;
        Ok(state.to_bytes())
    })?;
    Ok(PyBytes::new(py, &bytes))
}

/// Merge serialized states (any number, any order) into one.
#[pyfunction]
#[pyo3(signature = (states, /))]
fn _merge_states<'py>(py: Python<'py>, states: Vec<Vec<u8>>) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = run(py, || {
        let mut it = states.iter();
        let Some(first) = it.next() else {
            return Err(CxError::EmptyInput {
                what: "states".into(),
            });
        };
        let mut acc = KeyedCounts::from_bytes(first)?;
        for b in it {
            acc.merge(&KeyedCounts::from_bytes(b)?)?;
        }
        Ok(acc.to_bytes())
    })?;
    Ok(PyBytes::new(py, &bytes))
}

fn key_array(kind: &KeyKind, vals: Vec<&KeyValue>) -> ArrayRef {
    let int = |v: &KeyValue| match v {
        KeyValue::Int(i) => Some(*i),
        _ => None,
    };
    match kind {
        KeyKind::UInt32 => Arc::new(UInt32Array::from_iter(
            vals.into_iter()
                .map(|v| int(v).and_then(|i| u32::try_from(i).ok())),
        )),
        KeyKind::Utf8 => Arc::new(StringArray::from_iter(vals.into_iter().map(|v| match v {
            KeyValue::Str(s) => Some(s.as_str()),
            _ => None,
        }))),
        KeyKind::Timestamp { unit, tz } => {
            let v: Vec<Option<i64>> = vals.into_iter().map(int).collect();
            let tz = tz.clone();
            match unit {
                TimeUnit::Seconds => Arc::new(TimestampSecondArray::from(v).with_timezone(tz)),
                TimeUnit::Milliseconds => {
                    Arc::new(TimestampMillisecondArray::from(v).with_timezone(tz))
                }
                TimeUnit::Microseconds => {
                    Arc::new(TimestampMicrosecondArray::from(v).with_timezone(tz))
                }
                _ => Arc::new(TimestampNanosecondArray::from(v).with_timezone(tz)),
            }
        }
        _ => Arc::new(Int64Array::from_iter(vals.into_iter().map(int))),
    }
}

/// Finish a merged summary state into the table `cx.summarize` returns.
#[pyfunction]
#[pyo3(signature = (state, /, *, metric="nps", freq="month", ci=None, level=0.95, scale=None, min_n=30))]
#[allow(clippy::too_many_arguments)]
fn _finish_summary(
    py: Python<'_>,
    state: &[u8],
    metric: &str,
    freq: &str,
    ci: Option<&str>,
    level: f64,
    scale: Option<&str>,
    min_n: u64,
) -> PyResult<PyGroupedTable> {
    let m = parse_metric(metric, ci, level, scale)?;
    let want = label(metric, scale, freq);
    let state = run(py, || {
        let s = KeyedCounts::from_bytes(state)?;
        if s.label() != want {
            return Err(CxError::Format {
                what: "KeyedCounts".into(),
                reason: format!("state holds {:?}, asked to finish {want:?}", s.label()),
            });
        }
        Ok(s)
    })?;
    let rows = run(py, || {
        Ok(match m {
            Metric::Nps(opts) => {
                let mut rows = Vec::new();
                for (g, t) in state.nps_tallies()?.iter().enumerate() {
                    if let Some(r) = nps_row(t, false, opts)? {
                        rows.push((g as u32, r));
                    }
                }
                rows
            }
            Metric::Csat(opts) => {
                let t = state.score_tally()?;
                let sums = t.finish_csat(opts)?;
                csat_rows(&t, sums, opts)
            }
            Metric::Ces(opts) => {
                let t = state.score_tally()?;
                let sums = t.finish_ces(opts)?;
                ces_rows(&t, sums)
            }
        })
    })?;
    let mut names = Vec::new();
    let mut values = Vec::new();
    for (j, c) in state.columns().iter().enumerate() {
        names.push(c.name.clone());
        values.push(key_array(
            &c.kind,
            state.cells().map(|(k, _)| &k[j]).collect(),
        ));
    }
    let trends = state
        .columns()
        .last()
        .is_some_and(|c| c.name == "bucket" && matches!(c.kind, KeyKind::Timestamp { .. }));
    build_table(&names, &values, &rows, m, min_n, trends).map(PyGroupedTable::new)
}

/// Label of a counts state: the summed columns (unit-separated) and the bucket frequency.
fn counts_label(sums: &[String], freq: &str) -> String {
    format!("counts:{}:{freq}", sums.join("\u{1f}"))
}

/// The serialized counts-by-key state of one partition: rows per key and the sums of
/// non-negative integer columns.
#[pyfunction]
#[pyo3(signature = (table, /, *, by=Vec::new(), sums=Vec::new(), time=None, freq="month", tz=None))]
fn _counts_state<'py>(
    py: Python<'py>,
    table: AnyRecordBatch,
    by: Vec<String>,
    sums: Vec<String>,
    time: Option<&str>,
    freq: &str,
    tz: Option<&str>,
) -> PyResult<Bound<'py, PyBytes>> {
    let label = counts_label(&sums, freq);
    let freq: Freq = parse(freq)?;
    let (batches, schema) = table.into_table()?.into_inner();
    let n_rows = batches.iter().map(|b| b.num_rows()).sum();
    let mut values = Vec::new();
    for name in &sums {
        let (chunks, _) = table_column(&batches, &schema, name)?;
        values.push(f64_from_arrow(&chunks, name)?);
    }
    let pk = part_keys(py, &batches, &schema, &by, time, freq, tz, n_rows)?;
    let codes = pk.keys.codes.values();
    let bytes = run(py, || {
        let cols: Vec<(&str, &[f64])> = sums
            .iter()
            .zip(&values)
            .map(|(n, v)| (n.as_str(), v.as_slice()))
            .collect();
        let mut state = KeyedCounts::new(label, pk.columns, 1 + sums.len())?;
        counts_by_key(&mut state, codes, &cols, &pk.per_code)?;
        Ok(state.to_bytes())
    })?;
    Ok(PyBytes::new(py, &bytes))
}

/// The table of a merged counts state: key columns, `n`, then one column per sum.
#[pyfunction]
#[pyo3(signature = (state, /, *, sums=Vec::new(), freq="month"))]
fn _counts_table(
    py: Python<'_>,
    state: &[u8],
    sums: Vec<String>,
    freq: &str,
) -> PyResult<PyGroupedTable> {
    let want = counts_label(&sums, freq);
    let state = run(py, || {
        let s = KeyedCounts::from_bytes(state)?;
        if s.label() != want {
            return Err(CxError::Format {
                what: "KeyedCounts".into(),
                reason: format!("state holds {:?}, asked for {want:?}", s.label()),
            });
        }
        Ok(s)
    })?;
    let mut fields = Vec::new();
    let mut cols: Vec<ArrayRef> = Vec::new();
    for (j, c) in state.columns().iter().enumerate() {
        let a = key_array(&c.kind, state.cells().map(|(k, _)| &k[j]).collect());
        fields.push(Field::new(c.name.clone(), a.data_type().clone(), true));
        cols.push(a);
    }
    for (j, name) in std::iter::once("n")
        .chain(sums.iter().map(String::as_str))
        .enumerate()
    {
        let a: ArrayRef = Arc::new(UInt64Array::from_iter_values(
            state.cells().map(|(_, c)| c[j]),
        ));
        fields.push(Field::new(name, DataType::UInt64, false));
        cols.push(a);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)
        .map(PyGroupedTable::new)
        .map_err(|e| PyTypeError::new_err(e.to_string()))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_counts_state, m)?)?;
    m.add_function(wrap_pyfunction!(_counts_table, m)?)?;
    m.add_function(wrap_pyfunction!(_summary_state, m)?)?;
    m.add_function(wrap_pyfunction!(_summary_state_from_counts, m)?)?;
    m.add_function(wrap_pyfunction!(_merge_states, m)?)?;
    m.add_function(wrap_pyfunction!(_finish_summary, m)?)?;
    register_subgroups(m)?;
    Ok(())
}

// --- x̄/R and x̄/S charts from per-subgroup moments ---

/// The serialized per-subgroup moments of one partition: n, mean, M2, min, max of
/// `value` per key (`by` and/or the time bucket).
#[pyfunction]
#[pyo3(signature = (table, /, *, value, by=Vec::new(), time=None, freq="day", tz=None))]
fn _subgroup_state<'py>(
    py: Python<'py>,
    table: AnyRecordBatch,
    value: &str,
    by: Vec<String>,
    time: Option<&str>,
    freq: &str,
    tz: Option<&str>,
) -> PyResult<Bound<'py, PyBytes>> {
    let freq: Freq = parse(freq)?;
    let (batches, schema) = table.into_table()?.into_inner();
    let (chunks, _) = table_column(&batches, &schema, value)?;
    let values = f64_from_arrow(&chunks, value)?;
    let pk = part_keys(py, &batches, &schema, &by, time, freq, tz, values.len())?;
    let codes = pk.keys.codes.values();
    let bytes = run(py, || {
        let mut state = SubgroupMoments::new(pk.columns);
        state.update(value, &values, codes, &pk.per_code)?;
        Ok(state.to_bytes())
    })?;
    Ok(PyBytes::new(py, &bytes))
}

/// Merge serialized subgroup-moment states (any number, any order) into one.
#[pyfunction]
#[pyo3(signature = (states, /))]
fn _merge_subgroup_states<'py>(
    py: Python<'py>,
    states: Vec<Vec<u8>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = run(py, || {
        let mut it = states.iter();
        let Some(first) = it.next() else {
            return Err(CxError::EmptyInput {
                what: "states".into(),
            });
        };
        let mut acc = SubgroupMoments::from_bytes(first)?;
        for b in it {
            acc.merge(&SubgroupMoments::from_bytes(b)?)?;
        }
        Ok(acc.to_bytes())
    })?;
    Ok(PyBytes::new(py, &bytes))
}

/// The per-subgroup table of a merged state: key columns, `n`, `n_missing`, `mean`,
/// `range`, `sd` (NaN when n < 2), one row per subgroup in key order.
#[pyfunction]
#[pyo3(signature = (state, /))]
fn _subgroup_table(py: Python<'_>, state: &[u8]) -> PyResult<PyGroupedTable> {
    let state = run(py, || SubgroupMoments::from_bytes(state))?;
    let mut fields = Vec::new();
    let mut cols: Vec<ArrayRef> = Vec::new();
    for (j, c) in state.columns().iter().enumerate() {
        let a = key_array(&c.kind, state.keys().map(|k| &k[j]).collect());
        fields.push(Field::new(c.name.clone(), a.data_type().clone(), true));
        cols.push(a);
    }
    let m = state.moments();
    for (name, v) in [("n", 0usize), ("n_missing", 1)] {
        cols.push(Arc::new(UInt64Array::from_iter_values(
            m.iter().map(|r| if v == 0 { r.0 } else { r.1 }),
        )));
        fields.push(Field::new(name, DataType::UInt64, false));
    }
    for (name, j) in [("mean", 0usize), ("range", 1), ("sd", 2)] {
        cols.push(Arc::new(Float64Array::from_iter_values(
            m.iter().map(|r| r.2[j]),
        )));
        fields.push(Field::new(name, DataType::Float64, false));
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)
        .map(PyGroupedTable::new)
        .map_err(|e| PyTypeError::new_err(e.to_string()))
}

/// The x̄/R or x̄/S chart (phase I, subgroups in key order) of a merged state, with the
/// options of `cx.spc.control_chart`.
#[pyfunction]
#[pyo3(signature = (state, /, *, chart="xbar_r", phase1=None, stages=None, exclude=None,
    rules=None, constants="exact", nsigmas=3.0, confidence=None, center=None, sigma=None,
    sigma_method="auto"))]
#[allow(clippy::too_many_arguments)]
fn _subgroup_chart(
    py: Python<'_>,
    state: &[u8],
    chart: &str,
    phase1: Option<usize>,
    stages: Option<&Bound<'_, PyAny>>,
    exclude: Option<&Bound<'_, PyAny>>,
    rules: Option<&Bound<'_, PyAny>>,
    constants: &str,
    nsigmas: f64,
    confidence: Option<f64>,
    center: Option<f64>,
    sigma: Option<f64>,
    sigma_method: &str,
) -> PyResult<PyControlChart> {
    if !matches!(chart, "xbar_r" | "xbar_s") {
        return Err(bad_literal("chart", &["xbar_r", "xbar_s"], chart));
    }
    let args = ChartArgs::parse(
        phase1,
        stages,
        exclude,
        rules,
        constants,
        nsigmas,
        confidence,
        center,
        sigma,
        sigma_method,
    )?;
    let o = args.options();
    let c = run(py, || {
        let s = SubgroupMoments::from_bytes(state)?;
        if chart == "xbar_r" {
            s.xbar_r(o)
        } else {
            s.xbar_s(o)
        }
    })?;
    Ok(PyControlChart::from(c))
}

fn register_subgroups(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_subgroup_state, m)?)?;
    m.add_function(wrap_pyfunction!(_merge_subgroup_states, m)?)?;
    m.add_function(wrap_pyfunction!(_subgroup_table, m)?)?;
    m.add_function(wrap_pyfunction!(_subgroup_chart, m)?)?;
    Ok(())
}
