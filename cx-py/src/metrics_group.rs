//! Bindings of grouped metrics and mergeable tallies: `nps_by_group`, the table behind
//! `cx.summarize`, and `NpsTally`, `ProportionTally`, `MeanTally`.
//!
//! Columns are borrowed where the core can read them as they are: a contiguous numpy
//! `uint8` / `uint32` array, or a single-chunk Arrow `UInt8` / `UInt32` array without
//! nulls. Other inputs are converted once. String keys are dictionary-encoded once, in
//! Rust. Results leave as an Arrow table (`__arrow_c_stream__`).

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt32Type,
};
use arrow_array::{
    Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, StructArray, UInt8Array,
    UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit as ArrowUnit};
use cx_core::CxError;
use cx_core::metrics::group::{self, Freq, GroupedNpsTally, TimeUnit};
use cx_core::metrics::grouped::{self, combine_key_codes, encode_key_column};
use cx_core::metrics::tally::{
    MeanSummary, MeanTally, NpsTally, ProportionSummary, ProportionTally,
};
use cx_core::metrics::{
    CesOptions, CesScale, CsatOptions, CsatScale, NpsOptions, ProportionInterval,
};
use numpy::{PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule, PyDict, PyList, PyString, PyTuple, PyType};
use pyo3_arrow::ffi::{ArrayIterator, to_stream_pycapsule};
use pyo3_arrow::input::{AnyArray, AnyRecordBatch};

use crate::convert::F64Column;
use crate::error::{bad_literal, to_py};
use crate::metrics::{PyNpsSummary, fmt_value, html_escape, nps_options, parse, result_class};
use crate::run;

// ---------------------------------------------------------------- typed columns

/// A column of `u8` scores (255 = missing), borrowed when possible.
enum U8Column<'py> {
    Numpy(PyReadonlyArray1<'py, u8>),
    Arrow(UInt8Array),
    Owned(Vec<u8>),
}

impl U8Column<'_> {
    fn values(&self) -> &[u8] {
        match self {
            U8Column::Numpy(a) => a.as_slice().unwrap_or(&[]),
            U8Column::Arrow(a) => a.values(),
            U8Column::Owned(v) => v,
        }
    }
}

/// `f64` scores (NaN = missing) to `u8` codes (255 = missing), naming a bad row.
fn f64_to_u8(values: &[f64], field: &str) -> cx_core::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(values.len());
    for (row, &v) in values.iter().enumerate() {
        if v.is_nan() {
            out.push(u8::MAX);
        } else if (0.0..255.0).contains(&v) && v.fract() == 0.0 {
            out.push(v as u8);
        } else {
            return Err(CxError::invalid(
                field,
                Some(row),
                v,
                "scores must be integers on the scale",
            ));
        }
    }
    Ok(out)
}

fn u8_from_arrow<'py>(
    py: Python<'py>,
    chunks: &[ArrayRef],
    param: &str,
) -> PyResult<U8Column<'py>> {
    if let [only] = chunks
        && only.data_type() == &DataType::UInt8
        && only.null_count() == 0
    {
        return Ok(U8Column::Arrow(only.as_primitive::<UInt8Type>().clone()));
    }
    let f = f64_from_arrow(chunks, param)?;
    let v = run(py, || f64_to_u8(&f, param))?;
    Ok(U8Column::Owned(v))
}

fn f64_from_arrow(chunks: &[ArrayRef], param: &str) -> PyResult<Vec<f64>> {
    let mut out = Vec::new();
    for c in chunks {
        let f = arrow_cast::cast(c, &DataType::Float64)
            .map_err(|e| PyTypeError::new_err(format!("`{param}` must hold numbers: {e}")))?;
        let f = f.as_primitive::<arrow_array::types::Float64Type>();
        out.extend((0..f.len()).map(|i| if f.is_null(i) { f64::NAN } else { f.value(i) }));
    }
    Ok(out)
}

fn arrow_chunks(
    obj: &Bound<'_, PyAny>,
    param: &str,
) -> PyResult<Option<(Vec<ArrayRef>, DataType)>> {
    if !(obj.hasattr("__arrow_c_array__")? || obj.hasattr("__arrow_c_stream__")?) {
        return Ok(None);
    }
    let any: AnyArray = obj
        .extract()
        .map_err(|e| PyTypeError::new_err(format!("`{param}`: cannot read the Arrow data: {e}")))?;
    let chunked = any
        .into_chunked_array()
        .map_err(|e| PyTypeError::new_err(format!("`{param}`: {e}")))?;
    let (chunks, field) = chunked.into_inner();
    Ok(Some((chunks, field.data_type().clone())))
}

/// Scores as `u8`: numpy `uint8` and Arrow `UInt8` without nulls borrowed; else converted.
fn extract_u8<'py>(obj: &Bound<'py, PyAny>, param: &str) -> PyResult<U8Column<'py>> {
    if let Ok(a) = obj.extract::<PyReadonlyArray1<'py, u8>>()
        && a.is_contiguous()
    {
        return Ok(U8Column::Numpy(a));
    }
    if let Some((chunks, _)) = arrow_chunks(obj, param)? {
        return u8_from_arrow(obj.py(), &chunks, param);
    }
    let col = F64Column::extract(obj, param)?;
    let v = col.values();
    Ok(U8Column::Owned(run(obj.py(), || f64_to_u8(v, param))?))
}

/// Group codes of one key column (or their combination) and the key values per code.
struct Keys<'py> {
    codes: Codes<'py>,
    /// One entry per code: the key value(s) for the output table (empty while the
    /// number of dense codes is not known yet).
    values: Vec<ArrayRef>,
    /// `None` for dense `u32` codes whose largest value is not computed yet: the NPS
    /// kernel finds it in its own pass.
    n_groups: Option<usize>,
}

/// Dense codes up to this many groups are counted as they are (else dictionary-encoded).
fn dense_limit(rows: usize) -> usize {
    (4 * rows).max(1 << 16)
}

impl<'py> Keys<'py> {
    /// Dense codes as they are, the number of groups still unknown.
    fn dense(codes: Codes<'py>) -> Self {
        Keys {
            codes,
            values: Vec::new(),
            n_groups: None,
        }
    }

    /// Fix the number of groups: the largest dense code + 1 (or a dictionary encoding of
    /// sparse codes).
    fn resolve(self, py: Python<'py>) -> PyResult<Self> {
        if self.n_groups.is_some() {
            return Ok(self);
        }
        let v = self.codes.values();
        let max = py.detach(|| v.iter().fold(0u32, |m, &c| m.max(c)));
        let n = if v.is_empty() { 0 } else { max as usize + 1 };
        if n <= dense_limit(v.len()) {
            return Ok(self.with_dense_values(n));
        }
        let enc = run(py, || encode_key_column(v.iter().map(|&c| Some(c))))?;
        let values: ArrayRef = Arc::new(UInt32Array::from(enc.dictionary.clone()));
        Ok(Keys {
            n_groups: Some(enc.dictionary.len()),
            codes: Codes::Owned(enc.codes),
            values: vec![values],
        })
    }

    fn with_dense_values(mut self, n: usize) -> Self {
        self.values = vec![Arc::new(UInt32Array::from_iter_values(0..n as u32))];
        self.n_groups = Some(n);
        self
    }
}

enum Codes<'py> {
    Numpy(PyReadonlyArray1<'py, u32>),
    Arrow(UInt32Array),
    Owned(Vec<u32>),
}

impl Codes<'_> {
    fn values(&self) -> &[u32] {
        match self {
            Codes::Numpy(a) => a.as_slice().unwrap_or(&[]),
            Codes::Arrow(a) => a.values(),
            Codes::Owned(v) => v,
        }
    }
}

fn keys_from_arrow<'py>(
    py: Python<'py>,
    chunks: Vec<ArrayRef>,
    dtype: &DataType,
    param: &str,
) -> PyResult<Keys<'py>> {
    if let [only] = chunks.as_slice()
        && dtype == &DataType::UInt32
        && only.null_count() == 0
    {
        return Ok(Keys::dense(Codes::Arrow(
            only.as_primitive::<UInt32Type>().clone(),
        )));
    }
    let integer =
        dtype.is_integer() || matches!(dtype, DataType::Dictionary(_, v) if v.is_integer());
    let target = if integer {
        DataType::Int64
    } else {
        DataType::Utf8
    };
    let cast: Vec<ArrayRef> = chunks
        .iter()
        .map(|c| arrow_cast::cast(c, &target))
        .collect::<Result<_, _>>()
        .map_err(|e| {
            PyTypeError::new_err(format!(
                "`{param}`: cannot use a column of type {dtype} as keys: {e}"
            ))
        })?;
    if integer {
        let enc = run(py, || {
            encode_key_column(
                cast.iter()
                    .flat_map(|c| c.as_primitive::<Int64Type>().iter()),
            )
        })?;
        let values: ArrayRef = Arc::new(Int64Array::from(enc.dictionary.clone()));
        Ok(Keys {
            n_groups: Some(enc.dictionary.len()),
            codes: Codes::Owned(enc.codes),
            values: vec![values],
        })
    } else {
        let enc = run(py, || {
            encode_key_column(cast.iter().flat_map(|c| c.as_string::<i32>().iter()))
        })?;
        let values: ArrayRef = Arc::new(StringArray::from(enc.dictionary.clone()));
        Ok(Keys {
            n_groups: Some(enc.dictionary.len()),
            codes: Codes::Owned(enc.codes),
            values: vec![values],
        })
    }
}

/// One key column from numpy, Arrow or a Python sequence.
fn extract_key<'py>(obj: &Bound<'py, PyAny>, param: &str) -> PyResult<Keys<'py>> {
    let py = obj.py();
    if let Ok(a) = obj.extract::<PyReadonlyArray1<'py, u32>>()
        && a.is_contiguous()
    {
        return Ok(Keys::dense(Codes::Numpy(a)));
    }
    if let Some((chunks, dtype)) = arrow_chunks(obj, param)? {
        return keys_from_arrow(py, chunks, &dtype, param);
    }
    if let Ok(v) = obj.extract::<PyReadonlyArray1<'py, i64>>() {
        let s = v
            .as_slice()
            .map(<[i64]>::to_vec)
            .unwrap_or_else(|_| v.as_array().to_vec());
        let enc = run(py, || encode_key_column(s.iter().map(|&k| Some(k))))?;
        let values: ArrayRef = Arc::new(Int64Array::from(enc.dictionary.clone()));
        return Ok(Keys {
            n_groups: Some(enc.dictionary.len()),
            codes: Codes::Owned(enc.codes),
            values: vec![values],
        });
    }
    if let Ok(v) = obj.extract::<Vec<Option<String>>>() {
        let enc = run(py, || encode_key_column(v.iter().map(|k| k.as_deref())))?;
        let values: ArrayRef = Arc::new(StringArray::from(enc.dictionary.clone()));
        return Ok(Keys {
            n_groups: Some(enc.dictionary.len()),
            codes: Codes::Owned(enc.codes),
            values: vec![values],
        });
    }
    if let Ok(v) = obj.extract::<Vec<Option<i64>>>() {
        let enc = run(py, || encode_key_column(v.iter().copied()))?;
        let values: ArrayRef = Arc::new(Int64Array::from(enc.dictionary.clone()));
        return Ok(Keys {
            n_groups: Some(enc.dictionary.len()),
            codes: Codes::Owned(enc.codes),
            values: vec![values],
        });
    }
    Err(PyTypeError::new_err(format!(
        "`{param}` must be a column of integer codes or strings (numpy array, Arrow array, or list), or a list of such columns"
    )))
}

/// Combine several key columns into one code per row (lexicographic key order).
fn combine<'py>(py: Python<'py>, parts: Vec<Keys<'py>>) -> PyResult<Keys<'py>> {
    if parts.len() == 1 {
        return parts
            .into_iter()
            .next()
            .ok_or_else(|| PyTypeError::new_err("no keys"));
    }
    let parts = parts
        .into_iter()
        .map(|k| k.resolve(py))
        .collect::<PyResult<Vec<_>>>()?;
    let cols: Vec<&[u32]> = parts.iter().map(|k| k.codes.values()).collect();
    let cards: Vec<u32> = parts
        .iter()
        .map(|k| k.n_groups.unwrap_or(0) as u32)
        .collect();
    let (codes, comps) = run(py, || combine_key_codes(&cols, &cards))?;
    let mut values = Vec::with_capacity(parts.len());
    for (j, k) in parts.iter().enumerate() {
        let idx = UInt32Array::from_iter_values(comps.iter().map(|c| c[j]));
        let v = arrow_select::take::take(k.values[0].as_ref(), &idx, None)
            .map_err(|e| PyTypeError::new_err(e.to_string()))?;
        values.push(v);
    }
    Ok(Keys {
        n_groups: Some(comps.len()),
        codes: Codes::Owned(codes),
        values,
    })
}

// ---------------------------------------------------------------- grouped results

/// One output row per present group.
struct GroupRow {
    n: u64,
    n_missing: u64,
    score: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    se: Option<f64>,
    method: &'static str,
    counts: Vec<u64>,
}

#[derive(Clone, Copy)]
enum Metric {
    Nps(NpsOptions),
    Csat(CsatOptions),
    Ces(CesOptions),
}

impl Metric {
    fn count_names(self) -> &'static [&'static str] {
        match self {
            Metric::Nps(_) => &["n_promoters", "n_passives", "n_detractors"],
            Metric::Csat(_) => &["n_top_box"],
            Metric::Ces(_) => &["n_favorable"],
        }
    }
}

/// Run the grouped kernel; returns the present group codes and their rows.
fn grouped_rows(
    scores: &[u8],
    codes: &[u32],
    n_groups: Option<usize>,
    weights: Option<&[f64]>,
    metric: Metric,
) -> cx_core::Result<(usize, Vec<(u32, GroupRow)>)> {
    let mut out = Vec::new();
    // Only the unweighted NPS kernel finds the number of dense groups itself.
    let n_groups = match (n_groups, metric, weights) {
        (Some(n), _, _) => n,
        (None, Metric::Nps(_), None) => usize::MAX,
        (None, _, _) => return Err(CxError::option("keys", "internal: unresolved group count")),
    };
    match metric {
        Metric::Nps(opts) => {
            let t: GroupedNpsTally = if n_groups == usize::MAX {
                group::nps_by_code(scores, codes, dense_limit(scores.len()))?
            } else {
                group::nps_by_group(scores, codes, n_groups, weights)?
            };
            let n_groups = t.n_groups();
            for (g, tally) in t.groups().iter().enumerate() {
                let c = tally.counts();
                if c.n() == 0 && tally.n_missing() == 0 {
                    continue;
                }
                let mut row = GroupRow {
                    n: c.n(),
                    n_missing: tally.n_missing(),
                    score: None,
                    ci_low: None,
                    ci_high: None,
                    se: None,
                    method: if weights.is_some() {
                        "linearization"
                    } else {
                        opts.interval.name()
                    },
                    counts: vec![c.promoters, c.passives, c.detractors],
                };
                if c.n() > 0 {
                    let s = if weights.is_some() {
                        tally.finish_weighted(opts)?
                    } else {
                        tally.finish(opts)?
                    };
                    row.method = s.method.name();
                    (row.score, row.ci_low, row.ci_high, row.se) = (
                        Some(s.score),
                        Some(s.ci_low),
                        Some(s.ci_high),
                        Some(s.standard_error),
                    );
                }
                out.push((g as u32, row));
            }
            return Ok((n_groups, out));
        }
        Metric::Csat(opts) => {
            let (t, sums) = grouped::csat_by_group(scores, codes, n_groups, opts)?;
            for (g, s) in sums.into_iter().enumerate() {
                let Some(h) = t.counts(g as u32) else {
                    continue;
                };
                if h.iter().sum::<u64>() == 0 {
                    continue;
                }
                let mut row = GroupRow {
                    n: 0,
                    n_missing: h[15],
                    score: None,
                    ci_low: None,
                    ci_high: None,
                    se: None,
                    method: opts.interval.name(),
                    counts: vec![0],
                };
                if let Some(s) = s {
                    let p = s.n_top_box as f64 / s.n as f64;
                    row.n = s.n;
                    row.counts = vec![s.n_top_box];
                    (row.score, row.ci_low, row.ci_high) =
                        (Some(s.score), Some(s.ci_low), Some(s.ci_high));
                    row.se = Some(100.0 * (p * (1.0 - p) / s.n as f64).sqrt());
                }
                out.push((g as u32, row));
            }
        }
        Metric::Ces(opts) => {
            let (t, sums) = grouped::ces_by_group(scores, codes, n_groups, opts)?;
            for (g, s) in sums.into_iter().enumerate() {
                let Some(h) = t.counts(g as u32) else {
                    continue;
                };
                if h.iter().sum::<u64>() == 0 {
                    continue;
                }
                let mut row = GroupRow {
                    n: 0,
                    n_missing: h[15],
                    score: None,
                    ci_low: None,
                    ci_high: None,
                    se: None,
                    method: "t",
                    counts: vec![0],
                };
                if let Some(s) = s {
                    row.n = s.n;
                    row.counts = vec![s.n_favorable];
                    (row.score, row.ci_low, row.ci_high, row.se) = (
                        Some(s.mean),
                        Some(s.ci_low),
                        Some(s.ci_high),
                        Some(s.standard_error),
                    );
                }
                out.push((g as u32, row));
            }
        }
    }
    Ok((n_groups, out))
}

/// Build the output table: key columns, then the result columns.
fn build_table(
    key_names: &[String],
    key_values: &[ArrayRef],
    rows: &[(u32, GroupRow)],
    metric: Metric,
) -> PyResult<RecordBatch> {
    let idx = UInt32Array::from_iter_values(rows.iter().map(|(g, _)| *g));
    let mut fields = Vec::new();
    let mut cols: Vec<ArrayRef> = Vec::new();
    for (name, v) in key_names.iter().zip(key_values) {
        let taken = arrow_select::take::take(v.as_ref(), &idx, None)
            .map_err(|e| PyTypeError::new_err(e.to_string()))?;
        fields.push(Field::new(name, taken.data_type().clone(), true));
        cols.push(taken);
    }
    let u64col = |f: &dyn Fn(&GroupRow) -> u64| -> ArrayRef {
        Arc::new(UInt64Array::from_iter_values(
            rows.iter().map(|(_, r)| f(r)),
        ))
    };
    let f64col = |f: &dyn Fn(&GroupRow) -> Option<f64>| -> ArrayRef {
        Arc::new(Float64Array::from_iter(rows.iter().map(|(_, r)| f(r))))
    };
    let mut push = |name: &str, a: ArrayRef| {
        fields.push(Field::new(
            name,
            a.data_type().clone(),
            a.null_count() > 0 || a.data_type() == &DataType::Float64,
        ));
        cols.push(a);
    };
    push("n", u64col(&|r| r.n));
    push("n_missing", u64col(&|r| r.n_missing));
    push("score", f64col(&|r| r.score));
    push("ci_low", f64col(&|r| r.ci_low));
    push("ci_high", f64col(&|r| r.ci_high));
    push("standard_error", f64col(&|r| r.se));
    push(
        "method",
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|(_, r)| r.method),
        )),
    );
    for (j, name) in metric.count_names().iter().enumerate() {
        push(name, u64col(&|r| r.counts.get(j).copied().unwrap_or(0)));
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)
        .map_err(|e| PyTypeError::new_err(e.to_string()))
}

/// A table of grouped results, readable by any Arrow library (`__arrow_c_stream__`).
#[pyclass(frozen, module = "cx._cx", name = "GroupedTable")]
pub(crate) struct PyGroupedTable(RecordBatch);

#[pymethods]
impl PyGroupedTable {
    /// Export as an Arrow C stream (PyCapsule interface).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = self.0.schema();
        let field = Field::new_struct("", schema.fields().clone(), false);
        let arr: ArrayRef = Arc::new(StructArray::from(self.0.clone()));
        let reader = Box::new(ArrayIterator::new(
            std::iter::once(Ok(arr)),
            Arc::new(field),
        ));
        Ok(to_stream_pycapsule(py, reader, requested_schema)?)
    }
    /// Number of rows (groups).
    #[getter]
    fn num_rows(&self) -> usize {
        self.0.num_rows()
    }
    /// Column names.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.0
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }
    fn __len__(&self) -> usize {
        self.0.num_rows()
    }
    fn __repr__(&self) -> String {
        format!(
            "GroupedTable(num_rows={}, columns={:?})",
            self.0.num_rows(),
            self.column_names()
        )
    }
    /// As a `pyarrow.Table` (needs pyarrow).
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("pyarrow")?.call_method1("table", (slf,))
    }
    /// As a `pandas.DataFrame` (needs pandas and pyarrow).
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::to_pyarrow(slf)?.call_method0("to_pandas")
    }
    /// As a `polars.DataFrame` (needs polars).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("polars")?.call_method1("DataFrame", (slf,))
    }
}

fn is_column_list(keys: &Bound<'_, PyAny>) -> PyResult<bool> {
    if !(keys.is_instance_of::<PyList>() || keys.is_instance_of::<PyTuple>()) {
        return Ok(false);
    }
    let Ok(first) = keys.get_item(0) else {
        return Ok(false);
    };
    Ok(first.hasattr("__len__")? && !first.is_instance_of::<PyString>())
}

/// NPS per group of one or more key columns.
#[pyfunction]
#[pyo3(signature = (scores, keys, /, *, weights=None, ci="adjusted-wald", level=0.95))]
fn nps_by_group<'py>(
    py: Python<'py>,
    scores: &Bound<'py, PyAny>,
    keys: &Bound<'py, PyAny>,
    weights: Option<&Bound<'py, PyAny>>,
    ci: &str,
    level: f64,
) -> PyResult<PyGroupedTable> {
    let opts = nps_options(ci, level, 2000, 0)?;
    let scores = extract_u8(scores, "scores")?;
    let (parts, names) = if is_column_list(keys)? {
        let mut parts = Vec::new();
        for k in keys.try_iter()? {
            parts.push(extract_key(&k?, "keys")?);
        }
        let names = (0..parts.len())
            .map(|i| format!("key_{i}"))
            .collect::<Vec<_>>();
        (parts, names)
    } else {
        (vec![extract_key(keys, "keys")?], vec!["key".to_string()])
    };
    let mut keys = combine(py, parts)?;
    let w = weights
        .map(|w| F64Column::extract(w, "weights"))
        .transpose()?;
    if w.is_some() {
        keys = keys.resolve(py)?;
    }
    let metric = Metric::Nps(opts);
    let (s, wv) = (scores.values(), w.as_ref().map(|w| w.values()));
    let c = keys.codes.values();
    let (n, rows) = match run(py, || grouped_rows(s, c, keys.n_groups, wv, metric)) {
        Ok(r) => r,
        // A dense code beyond the dense limit: dictionary-encode the codes instead.
        Err(e) if keys.n_groups.is_none() && is_group_error(py, &e) => {
            keys = keys.resolve(py)?;
            let c = keys.codes.values();
            run(py, || grouped_rows(s, c, keys.n_groups, wv, metric))?
        }
        Err(e) => return Err(e),
    };
    if keys.values.is_empty() {
        keys = keys.with_dense_values(n);
    }
    build_table(&names, &keys.values, &rows, metric).map(PyGroupedTable)
}

fn is_group_error(py: Python<'_>, e: &PyErr) -> bool {
    e.value(py)
        .getattr("field")
        .and_then(|f| f.extract::<Option<String>>())
        .is_ok_and(|f| f.as_deref() == Some("group"))
}

fn arrow_time_unit(u: &ArrowUnit) -> TimeUnit {
    match u {
        ArrowUnit::Second => TimeUnit::Seconds,
        ArrowUnit::Millisecond => TimeUnit::Milliseconds,
        ArrowUnit::Microsecond => TimeUnit::Microseconds,
        ArrowUnit::Nanosecond => TimeUnit::Nanoseconds,
    }
}

/// Time buckets of a timestamp (or date) column as a key.
fn time_keys<'py>(
    py: Python<'py>,
    col: &[ArrayRef],
    name: &str,
    tz: Option<&str>,
    freq: Freq,
) -> PyResult<Keys<'py>> {
    let Some(first) = col.first() else {
        return Err(PyTypeError::new_err(format!(
            "`time` column {name:?} is empty"
        )));
    };
    let (unit, col_tz, values): (ArrowUnit, Option<String>, Vec<i64>) = match first.data_type() {
        DataType::Timestamp(u, ctz) => {
            let mut v = Vec::new();
            for (base, c) in col.iter().scan(0usize, |acc, c| {
                let b = *acc;
                *acc += c.len();
                Some((b, c))
            }) {
                if let Some(i) = (0..c.len()).find(|&i| c.is_null(i)) {
                    return Err(to_py(CxError::invalid(
                        name,
                        Some(base + i),
                        "null",
                        "timestamps must not be null",
                    )));
                }
                match u {
                    ArrowUnit::Second => {
                        v.extend_from_slice(c.as_primitive::<TimestampSecondType>().values())
                    }
                    ArrowUnit::Millisecond => {
                        v.extend_from_slice(c.as_primitive::<TimestampMillisecondType>().values())
                    }
                    ArrowUnit::Microsecond => {
                        v.extend_from_slice(c.as_primitive::<TimestampMicrosecondType>().values())
                    }
                    ArrowUnit::Nanosecond => {
                        v.extend_from_slice(c.as_primitive::<TimestampNanosecondType>().values())
                    }
                }
            }
            (*u, ctz.as_ref().map(|t| t.to_string()), v)
        }
        DataType::Date32 | DataType::Date64 => {
            let mut v = Vec::new();
            for c in col {
                let t = arrow_cast::cast(c, &DataType::Timestamp(ArrowUnit::Second, None))
                    .map_err(|e| PyTypeError::new_err(e.to_string()))?;
                if t.null_count() > 0 {
                    return Err(to_py(CxError::invalid(
                        name,
                        None,
                        "null",
                        "dates must not be null",
                    )));
                }
                v.extend_from_slice(t.as_primitive::<TimestampSecondType>().values());
            }
            (ArrowUnit::Second, None, v)
        }
        other => {
            return Err(PyTypeError::new_err(format!(
                "`time` column {name:?} must hold timestamps or dates, got {other}"
            )));
        }
    };
    let cunit = arrow_time_unit(&unit);
    let b = match (tz, col_tz.as_deref()) {
        (Some(z), Some(_)) => run(py, || group::time_buckets(&values, cunit, z, freq))?,
        (None, Some(z)) => run(py, || group::time_buckets(&values, cunit, z, freq))?,
        (Some(z), None) => run(py, || group::time_buckets_local(&values, cunit, z, freq))?,
        (None, None) => {
            return Err(to_py(CxError::MissingTimeZone {
                field: name.to_string(),
                row: None,
                value: format!("{} (naive {unit:?})", values.first().copied().unwrap_or(0)),
            }));
        }
    };
    let zone = tz
        .map(str::to_string)
        .or(col_tz)
        .unwrap_or_else(|| "UTC".into());
    let starts: ArrayRef = match unit {
        ArrowUnit::Second => {
            Arc::new(arrow_array::TimestampSecondArray::from(b.starts.clone()).with_timezone(zone))
        }
        ArrowUnit::Millisecond => Arc::new(
            arrow_array::TimestampMillisecondArray::from(b.starts.clone()).with_timezone(zone),
        ),
        ArrowUnit::Microsecond => Arc::new(
            arrow_array::TimestampMicrosecondArray::from(b.starts.clone()).with_timezone(zone),
        ),
        ArrowUnit::Nanosecond => Arc::new(
            arrow_array::TimestampNanosecondArray::from(b.starts.clone()).with_timezone(zone),
        ),
    };
    Ok(Keys {
        n_groups: Some(b.starts.len()),
        codes: Codes::Owned(b.codes),
        values: vec![starts],
    })
}

fn table_column(
    batches: &[RecordBatch],
    schema: &Schema,
    name: &str,
) -> PyResult<(Vec<ArrayRef>, DataType)> {
    let i = schema.index_of(name).map_err(|_| {
        to_py(CxError::MissingField {
            field: name.to_string(),
            row: None,
        })
    })?;
    let chunks = batches.iter().map(|b| b.column(i).clone()).collect();
    Ok((chunks, schema.field(i).data_type().clone()))
}

/// Grouped NPS, CSAT or CES of an Arrow table (the work behind `cx.summarize`).
#[pyfunction]
#[pyo3(signature = (table, /, *, score, metric="nps", by=Vec::new(), time=None, freq="month", tz=None, weights=None, ci=None, level=0.95, scale=None))]
#[allow(clippy::too_many_arguments)]
fn _summarize_arrow<'py>(
    py: Python<'py>,
    table: AnyRecordBatch,
    score: &str,
    metric: &str,
    by: Vec<String>,
    time: Option<&str>,
    freq: &str,
    tz: Option<&str>,
    weights: Option<&str>,
    ci: Option<&str>,
    level: f64,
    scale: Option<&str>,
) -> PyResult<PyGroupedTable> {
    let metric = match metric {
        "nps" => Metric::Nps(nps_options(ci.unwrap_or("adjusted-wald"), level, 2000, 0)?),
        "csat" => Metric::Csat(
            CsatOptions::new()
                .scale(parse::<CsatScale>(scale.unwrap_or("1-5"))?)
                .interval(parse::<ProportionInterval>(ci.unwrap_or("wilson"))?)
                .level(level),
        ),
        "ces" => Metric::Ces(
            CesOptions::new()
                .scale(parse::<CesScale>(scale.unwrap_or("1-7"))?)
                .interval(parse::<ProportionInterval>(ci.unwrap_or("wilson"))?)
                .level(level),
        ),
        other => return Err(bad_literal("metric", &["nps", "csat", "ces"], other)),
    };
    if weights.is_some() && !matches!(metric, Metric::Nps(_)) {
        return Err(to_py(CxError::option(
            "weights",
            "weights are supported for metric=\"nps\" only",
        )));
    }
    let freq: Freq = parse(freq)?;
    let t = table.into_table()?;
    let (batches, schema) = t.into_inner();
    let (sc, _) = table_column(&batches, &schema, score)?;
    let scores = u8_from_arrow(py, &sc, score)?;
    let mut parts = Vec::new();
    let mut names = Vec::new();
    for b in &by {
        let (chunks, dtype) = table_column(&batches, &schema, b)?;
        parts.push(keys_from_arrow(py, chunks, &dtype, b)?);
        names.push(b.clone());
    }
    if let Some(tcol) = time {
        let (chunks, _) = table_column(&batches, &schema, tcol)?;
        parts.push(time_keys(py, &chunks, tcol, tz, freq)?);
        names.push("bucket".to_string());
    }
    let n = scores.values().len();
    let keys = if parts.is_empty() {
        Keys {
            codes: Codes::Owned(vec![0; n]),
            values: Vec::new(),
            n_groups: Some(1),
        }
    } else {
        combine(py, parts)?.resolve(py)?
    };
    let w = match weights {
        Some(wname) => {
            let (chunks, _) = table_column(&batches, &schema, wname)?;
            Some(f64_from_arrow(&chunks, wname)?)
        }
        None => None,
    };
    let (s, c, wv) = (scores.values(), keys.codes.values(), w.as_deref());
    let (_, rows) = run(py, || grouped_rows(s, c, keys.n_groups, wv, metric))?;
    build_table(&names, &keys.values, &rows, metric).map(PyGroupedTable)
}

// ---------------------------------------------------------------- tallies

result_class!(PyProportionSummary, ProportionSummary, "ProportionSummary", [
    ratio: f64 => |s: &ProportionSummary| s.ratio,
    ci_low: f64 => |s: &ProportionSummary| s.ci_low,
    ci_high: f64 => |s: &ProportionSummary| s.ci_high,
    successes: u64 => |s: &ProportionSummary| s.successes,
    n: u64 => |s: &ProportionSummary| s.n,
    n_missing: u64 => |s: &ProportionSummary| s.n_missing,
    method: &'static str => |s: &ProportionSummary| s.method.name(),
    level: f64 => |s: &ProportionSummary| s.level,
]);

result_class!(PyMeanSummary, MeanSummary, "MeanSummary", [
    mean: f64 => |s: &MeanSummary| s.mean,
    sd: f64 => |s: &MeanSummary| s.sd,
    standard_error: f64 => |s: &MeanSummary| s.standard_error,
    ci_low: f64 => |s: &MeanSummary| s.ci_low,
    ci_high: f64 => |s: &MeanSummary| s.ci_high,
    n: u64 => |s: &MeanSummary| s.n,
    n_missing: u64 => |s: &MeanSummary| s.n_missing,
    level: f64 => |s: &MeanSummary| s.level,
]);

fn no_weights(weights: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<()> {
    match weights {
        Some(w) if !w.is_none() => Err(to_py(CxError::option(
            "weights",
            format!("{what} does not take weights (only NpsTally does)"),
        ))),
        _ => Ok(()),
    }
}

fn reduce<'py>(slf: &Bound<'py, PyAny>, bytes: Vec<u8>) -> PyResult<Bound<'py, PyTuple>> {
    let py = slf.py();
    let ctor = slf.get_type().getattr("from_bytes")?;
    let args = PyTuple::new(py, [PyBytes::new(py, &bytes)])?;
    PyTuple::new(py, [ctor.into_any(), args.into_any()])
}

/// Mergeable NPS state.
#[pyclass(module = "cx._cx", name = "NpsTally")]
#[derive(Clone)]
pub(crate) struct PyNpsTally(NpsTally);

#[pymethods]
impl PyNpsTally {
    #[new]
    fn new() -> Self {
        Self(NpsTally::new())
    }
    /// Add a batch of scores (in place); weights optional.
    #[pyo3(signature = (values, /, *, weights=None))]
    fn update(
        &mut self,
        py: Python<'_>,
        values: &Bound<'_, PyAny>,
        weights: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let t = &mut self.0;
        if let Some(w) = weights.filter(|w| !w.is_none()) {
            let (v, w) = (
                F64Column::extract(values, "values")?,
                F64Column::extract(w, "weights")?,
            );
            let (vv, wv) = (v.values(), w.values());
            return run(py, || t.update_weighted(vv, wv));
        }
        if let Ok(a) = values.extract::<PyReadonlyArray1<'_, u8>>()
            && a.is_contiguous()
        {
            let s = a.as_slice().unwrap_or(&[]);
            return run(py, || t.update_u8(s));
        }
        let v = F64Column::extract(values, "values")?;
        let vv = v.values();
        run(py, || t.update(vv))
    }
    /// A new tally holding both (neither operand changes).
    fn merge(&self, other: PyRef<'_, PyNpsTally>) -> Self {
        let mut t = self.0.clone();
        t.merge(&other.0);
        Self(t)
    }
    /// Finish into an `NpsSummary`.
    #[pyo3(signature = (*, ci="adjusted-wald", level=0.95, weighted=None, resamples=2000, seed=0))]
    fn finish(
        &self,
        ci: &str,
        level: f64,
        weighted: Option<bool>,
        resamples: u32,
        seed: u64,
    ) -> PyResult<PyNpsSummary> {
        let opts = nps_options(ci, level, resamples, seed)?;
        let c = self.0.counts();
        let w = self.0.weight_sums();
        let auto =
            w.w != [c.detractors as f64, c.passives as f64, c.promoters as f64] || w.w2 != w.w;
        let r = if weighted.unwrap_or(auto) {
            self.0.finish_weighted(opts)
        } else {
            self.0.finish(opts)
        };
        r.map(PyNpsSummary).map_err(to_py)
    }
    /// The versioned binary state.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_bytes())
    }
    /// Read a state written by `to_bytes`.
    #[classmethod]
    fn from_bytes(_cls: &Bound<'_, PyType>, data: &[u8]) -> PyResult<Self> {
        NpsTally::from_bytes(data).map(Self).map_err(to_py)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let b = slf.borrow().0.to_bytes();
        reduce(slf.as_any(), b)
    }
    fn __eq__(&self, other: PyRef<'_, PyNpsTally>) -> bool {
        self.0 == other.0
    }
    /// Non-missing scores.
    #[getter]
    fn n(&self) -> u64 {
        self.0.counts().n()
    }
    /// Missing scores.
    #[getter]
    fn n_missing(&self) -> u64 {
        self.0.n_missing()
    }
    #[getter]
    fn n_promoters(&self) -> u64 {
        self.0.counts().promoters
    }
    #[getter]
    fn n_passives(&self) -> u64 {
        self.0.counts().passives
    }
    #[getter]
    fn n_detractors(&self) -> u64 {
        self.0.counts().detractors
    }
    fn __repr__(&self) -> String {
        let c = self.0.counts();
        format!(
            "NpsTally(n={}, n_missing={}, n_promoters={}, n_passives={}, n_detractors={})",
            c.n(),
            self.0.n_missing(),
            c.promoters,
            c.passives,
            c.detractors
        )
    }
}

/// Mergeable proportion state.
#[pyclass(module = "cx._cx", name = "ProportionTally")]
pub(crate) struct PyProportionTally(ProportionTally);

#[pymethods]
impl PyProportionTally {
    #[new]
    fn new() -> Self {
        Self(ProportionTally::new())
    }
    #[pyo3(signature = (values, /, *, weights=None))]
    fn update(
        &mut self,
        py: Python<'_>,
        values: &Bound<'_, PyAny>,
        weights: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        no_weights(weights, "ProportionTally")?;
        let v = F64Column::extract(values, "values")?;
        let (vv, t) = (v.values(), &mut self.0);
        run(py, || t.update(vv))
    }
    fn merge(&self, other: PyRef<'_, PyProportionTally>) -> Self {
        let mut t = self.0;
        t.merge(&other.0);
        Self(t)
    }
    #[pyo3(signature = (*, ci="wilson", level=0.95))]
    fn finish(&self, ci: &str, level: f64) -> PyResult<PyProportionSummary> {
        let m = parse::<ProportionInterval>(ci)?;
        self.0
            .finish(m, level)
            .map(PyProportionSummary)
            .map_err(to_py)
    }
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_bytes())
    }
    #[classmethod]
    fn from_bytes(_cls: &Bound<'_, PyType>, data: &[u8]) -> PyResult<Self> {
        ProportionTally::from_bytes(data).map(Self).map_err(to_py)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let b = slf.borrow().0.to_bytes();
        reduce(slf.as_any(), b)
    }
    fn __eq__(&self, other: PyRef<'_, PyProportionTally>) -> bool {
        self.0 == other.0
    }
    #[getter]
    fn n(&self) -> u64 {
        self.0.n()
    }
    #[getter]
    fn n_missing(&self) -> u64 {
        self.0.n_missing()
    }
    #[getter]
    fn successes(&self) -> u64 {
        self.0.successes()
    }
    fn __repr__(&self) -> String {
        format!(
            "ProportionTally(successes={}, n={}, n_missing={})",
            self.0.successes(),
            self.0.n(),
            self.0.n_missing()
        )
    }
}

/// Mergeable mean/variance state.
#[pyclass(module = "cx._cx", name = "MeanTally")]
pub(crate) struct PyMeanTally(MeanTally);

#[pymethods]
impl PyMeanTally {
    #[new]
    fn new() -> Self {
        Self(MeanTally::new())
    }
    #[pyo3(signature = (values, /, *, weights=None))]
    fn update(
        &mut self,
        py: Python<'_>,
        values: &Bound<'_, PyAny>,
        weights: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        no_weights(weights, "MeanTally")?;
        let v = F64Column::extract(values, "values")?;
        let (vv, t) = (v.values(), &mut self.0);
        run(py, || t.update(vv))
    }
    fn merge(&self, other: PyRef<'_, PyMeanTally>) -> Self {
        let mut t = self.0;
        t.merge(&other.0);
        Self(t)
    }
    #[pyo3(signature = (*, level=0.95))]
    fn finish(&self, level: f64) -> PyResult<PyMeanSummary> {
        self.0.finish(level).map(PyMeanSummary).map_err(to_py)
    }
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_bytes())
    }
    #[classmethod]
    fn from_bytes(_cls: &Bound<'_, PyType>, data: &[u8]) -> PyResult<Self> {
        MeanTally::from_bytes(data).map(Self).map_err(to_py)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let b = slf.borrow().0.to_bytes();
        reduce(slf.as_any(), b)
    }
    fn __eq__(&self, other: PyRef<'_, PyMeanTally>) -> bool {
        self.0 == other.0
    }
    #[getter]
    fn n(&self) -> u64 {
        self.0.n()
    }
    #[getter]
    fn n_missing(&self) -> u64 {
        self.0.n_missing()
    }
    #[getter]
    fn mean(&self) -> f64 {
        self.0.mean()
    }
    #[getter]
    fn variance(&self) -> f64 {
        self.0.variance()
    }
    fn __repr__(&self) -> String {
        format!(
            "MeanTally(n={}, n_missing={}, mean={})",
            self.0.n(),
            self.0.n_missing(),
            fmt_value(&self.0.mean())
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyGroupedTable>()?;
    m.add_class::<PyProportionSummary>()?;
    m.add_class::<PyMeanSummary>()?;
    m.add_class::<PyNpsTally>()?;
    m.add_class::<PyProportionTally>()?;
    m.add_class::<PyMeanTally>()?;
    m.add_function(wrap_pyfunction!(nps_by_group, m)?)?;
    m.add_function(wrap_pyfunction!(_summarize_arrow, m)?)?;
    Ok(())
}
