//! Bindings of `cx_core::pareto`: `ParetoTally`, `ParetoSummary` and the work behind
//! `cx.pareto` on a frame.

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use cx_core::CxError;
use cx_core::pareto::{DEFAULT_SEPARATORS, ParetoOptions, ParetoSummary, ParetoTally, TieOrder};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple, PyType};

use super::{find_column, reduce, text_cells};
use crate::convert::F64Column;
use crate::error::{bad_literal, to_py};
use crate::frame::frame_columns;
use crate::metrics::html_escape;
use crate::metrics_group::PyGroupedTable;
use crate::run;

fn pareto_options(
    cut: f64,
    top: Option<usize>,
    min_share: Option<f64>,
    other: &str,
    ties: &str,
) -> PyResult<ParetoOptions> {
    let ties = match ties {
        "first-seen" => TieOrder::FirstSeen,
        "name" => TieOrder::Name,
        t => return Err(bad_literal("ties", &["first-seen", "name"], t)),
    };
    let mut o = ParetoOptions::new().cut(cut).other_label(other).ties(ties);
    o.top = top;
    o.min_share = min_share;
    Ok(o)
}

/// `None` = single-valued; `Some(list)` = split at these (default separators if empty).
fn separators(tags: bool, seps: Option<Vec<String>>) -> Option<Vec<String>> {
    match (tags, seps) {
        (_, Some(s)) if !s.is_empty() => Some(s),
        (true, _) | (false, Some(_)) => {
            Some(DEFAULT_SEPARATORS.iter().map(|s| s.to_string()).collect())
        }
        (false, None) => None,
    }
}

fn update(
    t: &mut ParetoTally,
    cells: &[Option<String>],
    seps: Option<&[String]>,
    weights: Option<&[f64]>,
) -> cx_core::Result<()> {
    match seps {
        Some(s) => {
            let s: Vec<&str> = s.iter().map(String::as_str).collect();
            t.update_tags(cells, &s, weights)
        }
        None => t.update_values(cells, weights),
    }
}

/// Mergeable Pareto state (count and weight per cause).
#[pyclass(module = "cx._cx", name = "ParetoTally")]
#[derive(Clone)]
pub(crate) struct PyParetoTally(ParetoTally);

#[pymethods]
impl PyParetoTally {
    #[new]
    fn new() -> Self {
        Self(ParetoTally::new())
    }
    /// Add causes (in place): one per cell, or split into tags.
    #[pyo3(signature = (values, /, *, weights=None, tags=false, separators=None))]
    fn update(
        &mut self,
        py: Python<'_>,
        values: &Bound<'_, PyAny>,
        weights: Option<&Bound<'_, PyAny>>,
        tags: bool,
        separators: Option<Vec<String>>,
    ) -> PyResult<()> {
        let cells = text_cells(values, "values")?;
        let w = match weights.filter(|w| !w.is_none()) {
            Some(w) => Some(F64Column::extract(w, "weights")?),
            None => None,
        };
        let seps = self::separators(tags, separators);
        let t = &mut self.0;
        let wv = w.as_ref().map(F64Column::values);
        run(py, || update(t, &cells, seps.as_deref(), wv))
    }
    /// Add aggregated totals of one cause.
    #[pyo3(signature = (cause, count, /, *, weight=None))]
    fn add(&mut self, cause: &str, count: u64, weight: Option<f64>) -> PyResult<()> {
        self.0
            .add(cause, count, weight.unwrap_or(count as f64))
            .map_err(to_py)
    }
    /// A new tally holding both (neither operand changes).
    fn merge(&self, other: PyRef<'_, PyParetoTally>) -> Self {
        let mut t = self.0.clone();
        t.merge(&other.0);
        Self(t)
    }
    /// Rows seen.
    #[getter]
    fn n_rows(&self) -> u64 {
        self.0.n_rows()
    }
    /// Rows without a cause.
    #[getter]
    fn n_missing(&self) -> u64 {
        self.0.n_missing()
    }
    /// (cause, count, weight) in order of first appearance.
    #[getter]
    fn causes(&self) -> Vec<(String, u64, f64)> {
        self.0
            .causes()
            .map(|(c, n, w)| (c.to_string(), n, w))
            .collect()
    }
    /// Finish into a `ParetoSummary`.
    #[pyo3(signature = (*, cut=0.8, top=None, min_share=None, other="Other", ties="first-seen"))]
    fn finish(
        &self,
        cut: f64,
        top: Option<usize>,
        min_share: Option<f64>,
        other: &str,
        ties: &str,
    ) -> PyResult<PyParetoSummary> {
        let o = pareto_options(cut, top, min_share, other, ties)?;
        self.0.finish(&o).map(PyParetoSummary).map_err(to_py)
    }
    /// The versioned binary state.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_bytes())
    }
    /// Read a state written by `to_bytes`.
    #[classmethod]
    fn from_bytes(_cls: &Bound<'_, PyType>, data: &[u8]) -> PyResult<Self> {
        ParetoTally::from_bytes(data).map(Self).map_err(to_py)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let b = slf.borrow().0.to_bytes();
        reduce(slf.as_any(), b)
    }
    fn __eq__(&self, other: PyRef<'_, PyParetoTally>) -> bool {
        self.0 == other.0
    }
    fn __repr__(&self) -> String {
        format!(
            "ParetoTally(causes={}, n_rows={}, n_missing={})",
            self.0.causes().count(),
            self.0.n_rows(),
            self.0.n_missing()
        )
    }
}

/// The sorted Pareto table, cumulative shares and vital few.
#[pyclass(frozen, module = "cx._cx", name = "ParetoSummary")]
pub(crate) struct PyParetoSummary(ParetoSummary);

fn pareto_batch(s: &ParetoSummary) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let r = &s.rows;
    let fields = vec![
        Field::new("cause", DataType::Utf8, false),
        Field::new("count", DataType::UInt64, false),
        Field::new("weight", DataType::Float64, false),
        Field::new("share", DataType::Float64, false),
        Field::new("cum_share", DataType::Float64, false),
        Field::new("vital", DataType::Boolean, false),
        Field::new("is_other", DataType::Boolean, false),
        Field::new("n_causes", DataType::UInt64, false),
    ];
    let cols: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            r.iter().map(|x| x.cause.as_str()),
        )),
        Arc::new(UInt64Array::from_iter_values(r.iter().map(|x| x.count))),
        Arc::new(Float64Array::from_iter_values(r.iter().map(|x| x.weight))),
        Arc::new(Float64Array::from_iter_values(r.iter().map(|x| x.share))),
        Arc::new(Float64Array::from_iter_values(
            r.iter().map(|x| x.cum_share),
        )),
        Arc::new(BooleanArray::from_iter(r.iter().map(|x| Some(x.vital)))),
        Arc::new(BooleanArray::from_iter(r.iter().map(|x| Some(x.is_other)))),
        Arc::new(UInt64Array::from_iter_values(r.iter().map(|x| x.n_causes))),
    ];
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)
}

#[pymethods]
impl PyParetoSummary {
    /// Causes of the vital few, in table order.
    #[getter]
    fn vital_few(&self) -> Vec<String> {
        self.0.vital_few.clone()
    }
    /// Causes in table order ("Other" last when present).
    #[getter]
    fn causes(&self) -> Vec<String> {
        self.0.rows.iter().map(|r| r.cause.clone()).collect()
    }
    /// Sum of values (mentions, or weights).
    #[getter]
    fn total(&self) -> f64 {
        self.0.total
    }
    /// Rows seen.
    #[getter]
    fn n_rows(&self) -> u64 {
        self.0.n_rows
    }
    /// Rows without a cause.
    #[getter]
    fn n_missing(&self) -> u64 {
        self.0.n_missing
    }
    /// Whether values are weights.
    #[getter]
    fn weighted(&self) -> bool {
        self.0.weighted
    }
    /// The cut used.
    #[getter]
    fn cut(&self) -> f64 {
        self.0.cut
    }
    /// The sorted table as an Arrow-exporting `GroupedTable`.
    fn table(&self) -> PyResult<PyGroupedTable> {
        pareto_batch(&self.0)
            .map(PyGroupedTable::new)
            .map_err(|e| PyTypeError::new_err(e.to_string()))
    }
    /// Everything as plain Python values.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let rows = PyList::empty(py);
        for r in &self.0.rows {
            let x = PyDict::new(py);
            x.set_item("cause", &r.cause)?;
            x.set_item("count", r.count)?;
            x.set_item("weight", r.weight)?;
            x.set_item("share", r.share)?;
            x.set_item("cum_share", r.cum_share)?;
            x.set_item("vital", r.vital)?;
            x.set_item("is_other", r.is_other)?;
            x.set_item("n_causes", r.n_causes)?;
            rows.append(x)?;
        }
        d.set_item("rows", rows)?;
        d.set_item("vital_few", self.vital_few())?;
        d.set_item("total", self.0.total)?;
        d.set_item("n_rows", self.0.n_rows)?;
        d.set_item("n_missing", self.0.n_missing)?;
        d.set_item("weighted", self.0.weighted)?;
        d.set_item("cut", self.0.cut)?;
        Ok(d)
    }
    fn _repr_html_(&self) -> String {
        let s = &self.0;
        let mut h = format!(
            "<table><caption>Pareto of causes ({} rows, {} without a cause; vital few up to {:.0}%)</caption><tr><th>cause</th><th>{}</th><th>share</th><th>cumulative</th><th>vital</th></tr>",
            s.n_rows,
            s.n_missing,
            100.0 * s.cut,
            if s.weighted { "weight" } else { "count" }
        );
        for r in &s.rows {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{:.1}%</td><td>{:.1}%</td><td>{}</td></tr>",
                html_escape(&r.cause),
                if s.weighted {
                    format!("{:.2}", r.weight)
                } else {
                    r.count.to_string()
                },
                100.0 * r.share,
                100.0 * r.cum_share,
                if r.vital { "✓" } else { "" }
            ));
        }
        h.push_str("</table>");
        h
    }
    fn __repr__(&self) -> String {
        format!(
            "ParetoSummary(causes={}, vital_few={:?})",
            self.0.rows.len(),
            self.0.vital_few
        )
    }
    fn __len__(&self) -> usize {
        self.0.rows.len()
    }
}

/// Pareto of one column of an Arrow table: the work behind `cx.pareto` on a frame.
#[pyfunction]
#[pyo3(signature = (table, column, /, *, tags=false, separators=None, weights=None, cut=0.8, top=None, min_share=None, other="Other", ties="first-seen"))]
#[allow(clippy::too_many_arguments)]
fn _pareto_arrow(
    py: Python<'_>,
    table: &Bound<'_, PyAny>,
    column: &str,
    tags: bool,
    separators: Option<Vec<String>>,
    weights: Option<&str>,
    cut: f64,
    top: Option<usize>,
    min_share: Option<f64>,
    other: &str,
    ties: &str,
) -> PyResult<PyParetoSummary> {
    let o = pareto_options(cut, top, min_share, other, ties)?;
    let (headers, cols) = frame_columns(table)?;
    let cells = find_column(&headers, &cols, column)?;
    let w = match weights {
        Some(name) => {
            let c = find_column(&headers, &cols, name)?;
            let mut v = Vec::with_capacity(c.len());
            for (row, cell) in c.iter().enumerate() {
                v.push(match cell {
                    None => f64::NAN,
                    Some(s) => s.trim().parse::<f64>().map_err(|_| {
                        to_py(CxError::invalid(
                            name,
                            Some(row),
                            s,
                            "weights must be numbers",
                        ))
                    })?,
                });
            }
            Some(v)
        }
        None => None,
    };
    let seps = self::separators(tags, separators);
    let s = run(py, || {
        let mut t = ParetoTally::new();
        update(&mut t, cells, seps.as_deref(), w.as_deref()).map_err(|e| match e {
            CxError::InvalidValue {
                field,
                row,
                value,
                reason,
            } if field == "weights" => CxError::InvalidValue {
                field: weights.unwrap_or("weights").to_string(),
                row,
                value,
                reason,
            },
            e => e,
        })?;
        t.finish(&o)
    })?;
    Ok(PyParetoSummary(s))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyParetoTally>()?;
    m.add_class::<PyParetoSummary>()?;
    m.add_function(wrap_pyfunction!(_pareto_arrow, m)?)?;
    Ok(())
}
