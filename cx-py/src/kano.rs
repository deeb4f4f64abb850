//! Bindings of `cx_core::kano` (`KanoTally`, `KanoSummary`, the table behind
//! `cx.kano.classify`) and, in [`pareto`], of `cx_core::pareto`.
//!
//! Answers and causes are read as text: Arrow columns through `frame::frame_columns`
//! (integers print as "1", so coded answers 1-5 work), Python sequences cell by cell.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use cx_core::CxError;
use cx_core::kano::{KanoCategory, KanoCounts, KanoOptions, KanoSummary, KanoTally, classify_text};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple, PyType};

use crate::error::to_py;
use crate::frame::{TextColumn, frame_columns};
use crate::metrics::html_escape;
use crate::metrics_group::PyGroupedTable;
use crate::metrics_group::columns::arrow_chunks;
use crate::run;

mod pareto;

/// Text cells from an Arrow array or a Python sequence (str, int, None, NaN).
pub(crate) fn text_cells(obj: &Bound<'_, PyAny>, param: &str) -> PyResult<TextColumn> {
    if let Some((chunks, dtype)) = arrow_chunks(obj, param)? {
        let mut out = Vec::new();
        for c in &chunks {
            if dtype.is_floating() {
                let f = arrow_cast::cast(c, &DataType::Float64)
                    .map_err(|e| PyTypeError::new_err(format!("`{param}`: {e}")))?;
                let f = f.as_primitive::<Float64Type>();
                out.extend(f.iter().map(|v| v.and_then(float_text)));
            } else {
                let t = arrow_cast::cast(c, &DataType::Utf8)
                    .map_err(|e| PyTypeError::new_err(format!("`{param}` must hold text: {e}")))?;
                out.extend(t.as_string::<i32>().iter().map(|v| v.map(str::to_string)));
            }
        }
        return Ok(out);
    }
    let mut out = Vec::new();
    for (row, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        if item.is_none() {
            out.push(None);
        } else if let Ok(s) = item.extract::<String>() {
            out.push(Some(s));
        } else if let Ok(i) = item.extract::<i64>() {
            out.push(Some(i.to_string()));
        } else if let Ok(f) = item.extract::<f64>() {
            out.push(float_text(f));
        } else {
            return Err(to_py(CxError::invalid(
                param,
                Some(row),
                item.repr()?.to_string(),
                "expected text, an integer code or None",
            )));
        }
    }
    Ok(out)
}

/// A float holding an integer prints as one ("2.0" → "2"); NaN is missing.
fn float_text(f: f64) -> Option<String> {
    if f.is_nan() {
        None
    } else if f.fract() == 0.0 && f.abs() < 1e15 {
        Some(format!("{}", f as i64))
    } else {
        Some(f.to_string())
    }
}

fn options(q: f64, r: f64, z: f64) -> KanoOptions {
    KanoOptions::new()
        .questionable_max_share(q)
        .reverse_max_share(r)
        .fong_z(z)
}

pub(crate) fn reduce<'py>(
    slf: &Bound<'py, PyAny>,
    bytes: Vec<u8>,
) -> PyResult<Bound<'py, PyTuple>> {
    let py = slf.py();
    let ctor = slf.get_type().getattr("from_bytes")?;
    let args = PyTuple::new(py, [PyBytes::new(py, &bytes)])?;
    PyTuple::new(py, [ctor.into_any(), args.into_any()])
}

/// Mergeable Kano state (category counts per attribute).
#[pyclass(module = "cx._cx", name = "KanoTally")]
#[derive(Clone)]
pub(crate) struct PyKanoTally(KanoTally);

#[pymethods]
impl PyKanoTally {
    #[new]
    fn new() -> Self {
        Self(KanoTally::new())
    }
    /// Classify and add one attribute's answer pairs (in place).
    #[pyo3(signature = (attribute, functional, dysfunctional, /))]
    fn update(
        &mut self,
        py: Python<'_>,
        attribute: &str,
        functional: &Bound<'_, PyAny>,
        dysfunctional: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let f = text_cells(functional, "functional")?;
        let d = text_cells(dysfunctional, "dysfunctional")?;
        let t = &mut self.0;
        run(py, || {
            let cats = classify_text(("functional", &f[..]), ("dysfunctional", &d[..]))?;
            t.update(attribute, &cats);
            Ok(())
        })
    }
    /// Add aggregated counts of one attribute (in place): `{category: count}` with
    /// categories as letters or names, e.g. from a SQL `GROUP BY`.
    #[pyo3(signature = (attribute, counts, /, *, n_missing=0))]
    fn add_counts(
        &mut self,
        attribute: &str,
        counts: std::collections::HashMap<String, u64>,
        n_missing: u64,
    ) -> PyResult<()> {
        let mut c = KanoCounts::new([0; 6], n_missing);
        for (k, v) in counts {
            c.add(k.parse().map_err(to_py)?, v);
        }
        self.0.add_counts(attribute, c);
        Ok(())
    }
    /// A new tally holding both (neither operand changes).
    fn merge(&self, other: PyRef<'_, PyKanoTally>) -> Self {
        let mut t = self.0.clone();
        t.merge(&other.0);
        Self(t)
    }
    /// Attribute names in order of first appearance.
    #[getter]
    fn attributes(&self) -> Vec<String> {
        self.0.attributes().map(str::to_string).collect()
    }
    /// Finish into a `KanoSummary`.
    #[pyo3(signature = (*, questionable_max_share=0.05, reverse_max_share=0.10, fong_z=1.65))]
    fn finish(
        &self,
        questionable_max_share: f64,
        reverse_max_share: f64,
        fong_z: f64,
    ) -> PyResult<PyKanoSummary> {
        self.0
            .finish(options(questionable_max_share, reverse_max_share, fong_z))
            .map(PyKanoSummary)
            .map_err(to_py)
    }
    /// The versioned binary state.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_bytes())
    }
    /// Read a state written by `to_bytes`.
    #[classmethod]
    fn from_bytes(_cls: &Bound<'_, PyType>, data: &[u8]) -> PyResult<Self> {
        KanoTally::from_bytes(data).map(Self).map_err(to_py)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let b = slf.borrow().0.to_bytes();
        reduce(slf.as_any(), b)
    }
    fn __eq__(&self, other: PyRef<'_, PyKanoTally>) -> bool {
        self.0 == other.0
    }
    fn __repr__(&self) -> String {
        format!("KanoTally(attributes={:?})", self.attributes())
    }
}

fn opt_name(c: Option<KanoCategory>) -> Option<&'static str> {
    c.map(KanoCategory::name)
}

/// Per-attribute Kano results.
#[pyclass(frozen, module = "cx._cx", name = "KanoSummary")]
pub(crate) struct PyKanoSummary(KanoSummary);

fn summary_batch(s: &KanoSummary) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let a = &s.attributes;
    let mut fields = Vec::new();
    let mut cols: Vec<ArrayRef> = Vec::new();
    let mut push = |name: &str, dt: DataType, col: ArrayRef| {
        fields.push(Field::new(name, dt, true));
        cols.push(col);
    };
    push(
        "attribute",
        DataType::Utf8,
        Arc::new(StringArray::from_iter_values(
            a.iter().map(|x| x.attribute.as_str()),
        )),
    );
    push(
        "category",
        DataType::Utf8,
        Arc::new(StringArray::from_iter(
            a.iter().map(|x| opt_name(x.category)),
        )),
    );
    push(
        "second_category",
        DataType::Utf8,
        Arc::new(StringArray::from_iter(
            a.iter().map(|x| opt_name(x.second_category)),
        )),
    );
    let u64col = |f: &dyn Fn(&cx_core::kano::KanoAttribute) -> u64| -> ArrayRef {
        Arc::new(UInt64Array::from_iter_values(a.iter().map(f)))
    };
    let f64col = |f: &dyn Fn(&cx_core::kano::KanoAttribute) -> Option<f64>| -> ArrayRef {
        Arc::new(Float64Array::from_iter(a.iter().map(f)))
    };
    push("n", DataType::UInt64, u64col(&|x| x.n));
    push("n_missing", DataType::UInt64, u64col(&|x| x.n_missing));
    for c in KanoCategory::ALL {
        let name = format!("n_{}", c.name().replace('-', "_"));
        push(&name, DataType::UInt64, u64col(&|x| x.counts.get(c)));
    }
    for c in KanoCategory::ALL {
        let name = format!("share_{}", c.name().replace('-', "_"));
        push(
            &name,
            DataType::Float64,
            f64col(&|x| (x.n > 0).then(|| x.share(c))),
        );
    }
    push("better", DataType::Float64, f64col(&|x| x.better));
    push("worse", DataType::Float64, f64col(&|x| x.worse));
    push(
        "total_strength",
        DataType::Float64,
        f64col(&|x| x.total_strength),
    );
    push(
        "category_strength",
        DataType::Float64,
        f64col(&|x| x.category_strength),
    );
    push(
        "fong_statistic",
        DataType::Float64,
        f64col(&|x| x.fong.map(|f| f.statistic)),
    );
    push(
        "fong_threshold",
        DataType::Float64,
        f64col(&|x| x.fong.map(|f| f.threshold)),
    );
    push(
        "fong_significant",
        DataType::Boolean,
        Arc::new(BooleanArray::from_iter(
            a.iter().map(|x| x.fong.map(|f| f.significant)),
        )),
    );
    push(
        "warning",
        DataType::Utf8,
        Arc::new(StringArray::from_iter(a.iter().map(|x| {
            (!x.warnings.is_empty()).then(|| {
                x.warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
        }))),
    );
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)
}

#[pymethods]
impl PyKanoSummary {
    /// Attribute names, in order.
    #[getter]
    fn attributes(&self) -> Vec<String> {
        self.0
            .attributes
            .iter()
            .map(|a| a.attribute.clone())
            .collect()
    }
    /// Category by mode of each attribute (`None` without answers).
    #[getter]
    fn categories(&self) -> Vec<(String, Option<&'static str>)> {
        self.0
            .attributes
            .iter()
            .map(|a| (a.attribute.clone(), opt_name(a.category)))
            .collect()
    }
    /// Questionnaire-quality warnings, as sentences.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.0.warnings.iter().map(ToString::to_string).collect()
    }
    /// One row per attribute as an Arrow-exporting `GroupedTable`.
    fn table(&self) -> PyResult<PyGroupedTable> {
        summary_batch(&self.0)
            .map(PyGroupedTable::new)
            .map_err(|e| PyTypeError::new_err(e.to_string()))
    }
    /// Better/Worse diagram data: x = |Worse|, y = Better, per attribute.
    fn scatter<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for p in self.0.scatter() {
            let d = PyDict::new(py);
            d.set_item("attribute", p.attribute)?;
            d.set_item("x", p.x)?;
            d.set_item("y", p.y)?;
            d.set_item("category", opt_name(p.category))?;
            d.set_item("quadrant", p.quadrant.name())?;
            out.append(d)?;
        }
        Ok(out)
    }
    /// Everything as plain Python values.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let attrs = PyList::empty(py);
        for a in &self.0.attributes {
            let x = PyDict::new(py);
            x.set_item("attribute", &a.attribute)?;
            x.set_item("n", a.n)?;
            x.set_item("n_missing", a.n_missing)?;
            let counts = PyDict::new(py);
            for c in KanoCategory::ALL {
                counts.set_item(c.letter().to_string(), a.counts.get(c))?;
            }
            x.set_item("counts", counts)?;
            x.set_item("category", opt_name(a.category))?;
            x.set_item("second_category", opt_name(a.second_category))?;
            x.set_item("better", a.better)?;
            x.set_item("worse", a.worse)?;
            x.set_item("total_strength", a.total_strength)?;
            x.set_item("category_strength", a.category_strength)?;
            let fong = match a.fong {
                Some(f) => {
                    let fd = PyDict::new(py);
                    fd.set_item("statistic", f.statistic)?;
                    fd.set_item("threshold", f.threshold)?;
                    fd.set_item("significant", f.significant)?;
                    Some(fd)
                }
                None => None,
            };
            x.set_item("fong", fong)?;
            attrs.append(x)?;
        }
        d.set_item("attributes", attrs)?;
        d.set_item("warnings", self.warnings())?;
        d.set_item("scatter", self.scatter(py)?)?;
        Ok(d)
    }
    fn _repr_html_(&self) -> String {
        let mut h = String::from(
            "<table><caption>Kano classification</caption><tr><th>attribute</th><th>n</th><th>category</th><th>Better</th><th>Worse</th><th>Fong significant</th></tr>",
        );
        let f = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.3}"));
        for a in &self.0.attributes {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                html_escape(&a.attribute),
                a.n,
                opt_name(a.category).unwrap_or("–"),
                f(a.better),
                f(a.worse),
                a.fong
                    .map_or("–", |x| if x.significant { "yes" } else { "no" }),
            ));
        }
        h.push_str("</table>");
        for w in &self.0.warnings {
            h.push_str(&format!("<p>warning: {}</p>", html_escape(&w.to_string())));
        }
        h
    }
    fn __repr__(&self) -> String {
        let cats: Vec<String> = self
            .0
            .attributes
            .iter()
            .map(|a| format!("{}={}", a.attribute, opt_name(a.category).unwrap_or("None")))
            .collect();
        format!("KanoSummary({})", cats.join(", "))
    }
    fn __len__(&self) -> usize {
        self.0.attributes.len()
    }
}

pub(crate) fn find_column<'a>(
    headers: &[String],
    cols: &'a [TextColumn],
    name: &str,
) -> PyResult<&'a TextColumn> {
    headers
        .iter()
        .position(|h| h == name)
        .map(|i| &cols[i])
        .ok_or_else(|| {
            to_py(CxError::MissingField {
                field: name.to_string(),
                row: None,
            })
        })
}

/// Kano classification of answer-pair columns of an Arrow table: the work behind
/// `cx.kano.classify`. `pairs` = (attribute, functional column, dysfunctional column).
#[pyfunction]
#[pyo3(signature = (table, pairs, /, *, respondents=false, questionable_max_share=0.05, reverse_max_share=0.10, fong_z=1.65))]
fn _kano_classify_arrow(
    py: Python<'_>,
    table: &Bound<'_, PyAny>,
    pairs: Vec<(String, String, String)>,
    respondents: bool,
    questionable_max_share: f64,
    reverse_max_share: f64,
    fong_z: f64,
) -> PyResult<(PyKanoSummary, Option<PyGroupedTable>)> {
    let (headers, cols) = frame_columns(table)?;
    let mut inputs = Vec::with_capacity(pairs.len());
    for (a, f, d) in &pairs {
        inputs.push((
            a.as_str(),
            (f.as_str(), find_column(&headers, &cols, f)?),
            (d.as_str(), find_column(&headers, &cols, d)?),
        ));
    }
    let opts = options(questionable_max_share, reverse_max_share, fong_z);
    let (summary, per_row) = run(py, || {
        let mut t = KanoTally::new();
        let mut per_row = Vec::new();
        for (a, (fname, f), (dname, d)) in &inputs {
            let cats = classify_text((fname, &f[..]), (dname, &d[..]))?;
            t.update(a, &cats);
            if respondents {
                per_row.push((a.to_string(), cats));
            }
        }
        Ok((t.finish(opts)?, per_row))
    })?;
    let table = if respondents {
        let mut fields = Vec::new();
        let mut arrays: Vec<ArrayRef> = Vec::new();
        for (a, cats) in per_row {
            fields.push(Field::new(a, DataType::Utf8, true));
            arrays.push(Arc::new(StringArray::from_iter(
                cats.into_iter().map(opt_name),
            )));
        }
        let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
            .map_err(|e| PyTypeError::new_err(e.to_string()))?;
        Some(PyGroupedTable::new(batch))
    } else {
        None
    };
    Ok((PyKanoSummary(summary), table))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyKanoTally>()?;
    m.add_class::<PyKanoSummary>()?;
    m.add_function(wrap_pyfunction!(_kano_classify_arrow, m)?)?;
    pareto::register(m)?;
    Ok(())
}
