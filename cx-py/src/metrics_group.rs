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
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, StructArray,
    UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit as ArrowUnit};
use cx_core::CxError;
use cx_core::metrics::compare::{compare_mean_tallies, compare_nps_counts, compare_proportions};
use cx_core::metrics::group::{self, Freq, GroupedNpsTally, TimeUnit};
use cx_core::metrics::grouped::{self, GroupedScoreTally};
use cx_core::metrics::tally::MeanTally;
use cx_core::metrics::tally::NpsTally;
use cx_core::metrics::{
    CesOptions, CesScale, CsatOptions, CsatScale, NpsCounts, NpsOptions, ProportionInterval,
};
use cx_core::metrics::{CesSummary, CsatSummary};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyList, PyString, PyTuple};
use pyo3_arrow::ffi::{ArrayIterator, to_stream_pycapsule};
use pyo3_arrow::input::AnyRecordBatch;

use crate::convert::F64Column;
use crate::error::{bad_literal, to_py};
use crate::metrics::{nps_options, parse};
use crate::run;

pub(crate) mod columns;
mod tally;
use columns::{
    Codes, Keys, combine, dense_limit, extract_key, extract_u8, f64_from_arrow, keys_from_arrow,
    u8_from_arrow,
};
use tally::{PyMeanSummary, PyMeanTally, PyNpsTally, PyProportionSummary, PyProportionTally};

// ---------------------------------------------------------------- grouped results

/// One output row per present group.
pub(crate) struct GroupRow {
    n: u64,
    n_missing: u64,
    score: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    se: Option<f64>,
    method: &'static str,
    /// The metric's counts ([`Metric::count_names`]: NPS has three, CSAT and CES one;
    /// the rest stay 0). A fixed array: one allocation fewer per group.
    counts: [u64; 3],
}

impl GroupRow {
    /// A group with no usable answer yet: counts and estimates filled in by the caller.
    fn empty(n_missing: u64, method: &'static str) -> Self {
        Self {
            n: 0,
            n_missing,
            score: None,
            ci_low: None,
            ci_high: None,
            se: None,
            method,
            counts: [0; 3],
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Metric {
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
                if let Some(row) = nps_row(tally, weights.is_some(), opts)? {
                    out.push((g as u32, row));
                }
            }
            return Ok((n_groups, out));
        }
        Metric::Csat(opts) => {
            let (t, sums) = grouped::csat_by_group(scores, codes, n_groups, opts)?;
            out = csat_rows(&t, sums, opts);
        }
        Metric::Ces(opts) => {
            let (t, sums) = grouped::ces_by_group(scores, codes, n_groups, opts)?;
            out = ces_rows(&t, sums);
        }
    }
    Ok((n_groups, out))
}

/// The row of one NPS group (`None` for a group without any response).
pub(crate) fn nps_row(
    tally: &NpsTally,
    weighted: bool,
    opts: NpsOptions,
) -> cx_core::Result<Option<GroupRow>> {
    let c = tally.counts();
    if c.n() == 0 && tally.n_missing() == 0 {
        return Ok(None);
    }
    let mut row = GroupRow {
        n: c.n(),
        n_missing: tally.n_missing(),
        score: None,
        ci_low: None,
        ci_high: None,
        se: None,
        method: if weighted {
            "linearization"
        } else {
            opts.interval.name()
        },
        counts: [c.promoters, c.passives, c.detractors],
    };
    if c.n() > 0 {
        let s = if weighted {
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
    Ok(Some(row))
}

/// The rows of the present CSAT groups of a histogram tally and its summaries.
pub(crate) fn csat_rows(
    t: &GroupedScoreTally,
    sums: Vec<Option<CsatSummary>>,
    opts: CsatOptions,
) -> Vec<(u32, GroupRow)> {
    let mut out = Vec::new();
    for (g, s) in sums.into_iter().enumerate() {
        let Some(h) = t.counts(g as u32) else {
            continue;
        };
        if h.iter().sum::<u64>() == 0 {
            continue;
        }
        let mut row = GroupRow::empty(h[15], opts.interval.name());
        if let Some(s) = s {
            let p = s.n_top_box as f64 / s.n as f64;
            row.n = s.n;
            row.counts = [s.n_top_box, 0, 0];
            (row.score, row.ci_low, row.ci_high) = (Some(s.score), Some(s.ci_low), Some(s.ci_high));
            // Wald standard error √(p̂(1 − p̂)/n) of the share, in percent
            // (Agresti & Coull 1998, eq. 1); the interval itself is `opts.interval`.
            row.se = Some(100.0 * (p * (1.0 - p) / s.n as f64).sqrt());
        }
        out.push((g as u32, row));
    }
    out
}

/// The rows of the present CES groups of a histogram tally and its summaries.
pub(crate) fn ces_rows(
    t: &GroupedScoreTally,
    sums: Vec<Option<CesSummary>>,
) -> Vec<(u32, GroupRow)> {
    let mut out = Vec::new();
    for (g, s) in sums.into_iter().enumerate() {
        let Some(h) = t.counts(g as u32) else {
            continue;
        };
        if h.iter().sum::<u64>() == 0 {
            continue;
        }
        let mut row = GroupRow::empty(h[15], "t");
        if let Some(s) = s {
            row.n = s.n;
            row.counts = [s.n_favorable, 0, 0];
            (row.score, row.ci_low, row.ci_high, row.se) = (
                Some(s.mean),
                Some(s.ci_low),
                Some(s.ci_high),
                Some(s.standard_error),
            );
        }
        out.push((g as u32, row));
    }
    out
}

/// Build the output table: key columns, then the result columns.
/// Change of each row against the previous time bucket of the same group
/// (`None` where there is no earlier bucket or no comparison can be made):
/// (change, ci_low, ci_high, p_value), in the units of `score`.
///
/// Rows come sorted by key with the bucket as the last key, so the previous
/// bucket of a group is the previous row when every other key is equal; a
/// bucket with no answers is absent, and the change is then against the last
/// bucket that had answers.
fn period_changes(
    key_values: &[ArrayRef],
    rows: &[(u32, GroupRow)],
    metric: Metric,
) -> Vec<Option<[f64; 4]>> {
    let same_group = |a: u32, b: u32| {
        let others = key_values.len().saturating_sub(1);
        key_values[..others]
            .iter()
            .all(|v| v.slice(a as usize, 1).to_data() == v.slice(b as usize, 1).to_data())
    };
    let mut out = vec![None; rows.len()];
    for i in 1..rows.len() {
        let ((g0, prev), (g1, cur)) = (&rows[i - 1], &rows[i]);
        if !same_group(*g0, *g1) || prev.n == 0 || cur.n == 0 {
            continue;
        }
        let c = match metric {
            Metric::Nps(opts) => {
                let counts = |r: &GroupRow| NpsCounts::new(r.counts[0], r.counts[1], r.counts[2]);
                compare_nps_counts(counts(cur), counts(prev), opts).ok()
            }
            Metric::Csat(opts) => {
                compare_proportions(cur.counts[0], cur.n, prev.counts[0], prev.n, opts.level)
                    .ok()
                    .map(|mut c| {
                        // Shares are reported in percent, like `score`.
                        c.difference *= 100.0;
                        c.ci_low *= 100.0;
                        c.ci_high *= 100.0;
                        c
                    })
            }
            Metric::Ces(opts) => {
                let tally = |r: &GroupRow| {
                    let (n, mean, se) = (r.n, r.score?, r.se?);
                    let m2 = se * se * n as f64 * (n as f64 - 1.0);
                    MeanTally::from_moments(n, mean, m2).ok()
                };
                match (tally(cur), tally(prev)) {
                    (Some(a), Some(b)) => compare_mean_tallies(&a, &b, opts.level).ok(),
                    _ => None,
                }
            }
        };
        out[i] = c
            .filter(|c| c.p_value.is_finite())
            .map(|c| [c.difference, c.ci_low, c.ci_high, c.p_value]);
    }
    out
}

pub(crate) fn build_table(
    key_names: &[String],
    key_values: &[ArrayRef],
    rows: &[(u32, GroupRow)],
    metric: Metric,
    min_n: u64,
    trends: bool,
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
    push(
        "low_n",
        Arc::new(BooleanArray::from_iter(
            rows.iter().map(|(_, r)| Some(r.n < min_n)),
        )),
    );
    if trends {
        let changes = period_changes(key_values, rows, metric);
        for (j, name) in [
            "change",
            "change_ci_low",
            "change_ci_high",
            "change_p_value",
        ]
        .iter()
        .enumerate()
        {
            push(
                name,
                Arc::new(Float64Array::from_iter(
                    changes.iter().map(|c| c.map(|c| c[j])),
                )),
            );
        }
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)
        .map_err(|e| PyTypeError::new_err(e.to_string()))
}

/// A table of grouped results, readable by any Arrow library (`__arrow_c_stream__`).
#[pyclass(frozen, module = "cx._cx", name = "GroupedTable")]
pub(crate) struct PyGroupedTable(RecordBatch);

impl PyGroupedTable {
    /// Wrap a result batch (any module's tabular result leaves through this class).
    pub(crate) fn new(batch: RecordBatch) -> Self {
        Self(batch)
    }
}

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
    fn _repr_html_(&self) -> String {
        let caption = format!("GroupedTable: {} rows", self.0.num_rows());
        crate::report::table_html::batches_html(&caption, std::slice::from_ref(&self.0), 20)
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
#[pyo3(signature = (scores, keys, /, *, weights=None, ci="adjusted-wald", level=0.95, min_n=30))]
fn nps_by_group<'py>(
    py: Python<'py>,
    scores: &Bound<'py, PyAny>,
    keys: &Bound<'py, PyAny>,
    weights: Option<&Bound<'py, PyAny>>,
    ci: &str,
    level: f64,
    min_n: u64,
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
    build_table(&names, &keys.values, &rows, metric, min_n, false).map(PyGroupedTable::new)
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
pub(crate) fn time_keys<'py>(
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

pub(crate) fn table_column(
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

/// The metric and its options from the `summarize` keywords.
pub(crate) fn parse_metric(
    metric: &str,
    ci: Option<&str>,
    level: f64,
    scale: Option<&str>,
) -> PyResult<Metric> {
    Ok(match metric {
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
    })
}

/// Grouped NPS, CSAT or CES of an Arrow table (the work behind `cx.summarize`).
#[pyfunction]
#[pyo3(signature = (table, /, *, score, metric="nps", by=Vec::new(), time=None, freq="month", tz=None, weights=None, ci=None, level=0.95, scale=None, min_n=30))]
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
    min_n: u64,
) -> PyResult<PyGroupedTable> {
    let metric = parse_metric(metric, ci, level, scale)?;
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
    build_table(&names, &keys.values, &rows, metric, min_n, time.is_some()).map(PyGroupedTable::new)
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
