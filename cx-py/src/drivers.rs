//! Bindings of `cx_core::drivers` as `cx.drivers`: key-driver analysis of a table.
//!
//! Columns are read through the Arrow PyCapsule interface (any numeric type, nulls as
//! missing) and cast to `f64` once; the per-driver results leave as a `GroupedTable`
//! turned into the caller's kind of frame by `cx._frames.to_caller`.

use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{Field, Schema};
use cx_core::CxError;
use cx_core::drivers::{self, Column, DriverOptions, Importance, KeyDrivers, LmgMethod};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::input::AnyRecordBatch;

use crate::error::{bad_literal, to_py};
use crate::metrics::html_escape;
use crate::metrics_group::PyGroupedTable;
use crate::metrics_group::columns::f64_from_arrow;
use crate::progress::PyProgress;

const METHODS: &[&str] = &["lmg", "relative-weight", "beta", "pearson", "spearman"];

/// The per-driver table.
fn driver_table(kd: &KeyDrivers) -> PyResult<RecordBatch> {
    let d = &kd.drivers;
    let mut fields = Vec::new();
    let mut cols: Vec<ArrayRef> = Vec::new();
    let mut push = |name: &str, a: ArrayRef, nullable: bool| {
        fields.push(Field::new(name, a.data_type().clone(), nullable));
        cols.push(a);
    };
    let text = |f: &dyn Fn(&drivers::DriverResult) -> String| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(d.iter().map(f)))
    };
    let num = |f: &dyn Fn(&drivers::DriverResult) -> Option<f64>| -> ArrayRef {
        Arc::new(Float64Array::from_iter(d.iter().map(f)))
    };
    let count = |f: &dyn Fn(&drivers::DriverResult) -> usize| -> ArrayRef {
        Arc::new(UInt64Array::from_iter_values(d.iter().map(|r| f(r) as u64)))
    };
    push("driver", text(&|r| r.name.clone()), false);
    push("n_missing", count(&|r| r.n_missing), false);
    push("performance", num(&|r| Some(r.mean)), true);
    push("pearson", num(&|r| Some(r.pearson)), true);
    push("spearman", num(&|r| Some(r.spearman)), true);
    push("beta", num(&|r| Some(r.beta)), true);
    push("vif", num(&|r| Some(r.vif)), true);
    push(
        "collinearity",
        text(&|r| r.collinearity.name().to_string()),
        false,
    );
    push("relative_weight", num(&|r| Some(r.relative_weight)), true);
    push(
        "relative_weight_share",
        num(&|r| Some(r.relative_weight_share)),
        true,
    );
    push("lmg", num(&|r| Some(r.lmg)), true);
    push("lmg_share", num(&|r| Some(r.lmg_share)), true);
    push("lmg_se", num(&|r| r.lmg_se), true);
    push("lmg_signed", num(&|r| Some(r.lmg_signed)), true);
    push("importance", num(&|r| Some(r.importance)), true);
    push("rank", count(&|r| r.rank), false);
    push("quadrant", text(&|r| r.quadrant.label().to_string()), false);
    type Pick = fn(&drivers::DriverIntervals) -> drivers::Interval;
    let picks: [(&str, Pick); 5] = [
        ("pearson", |i| i.pearson),
        ("spearman", |i| i.spearman),
        ("beta", |i| i.beta),
        ("relative_weight", |i| i.relative_weight),
        ("lmg", |i| i.lmg),
    ];
    for (name, pick) in picks {
        push(
            &format!("{name}_ci_low"),
            num(&|r| r.intervals.map(|i| pick(&i).low)),
            true,
        );
        push(
            &format!("{name}_ci_high"),
            num(&|r| r.intervals.map(|i| pick(&i).high)),
            true,
        );
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)
        .map_err(|e| PyTypeError::new_err(e.to_string()))
}

/// The result of `cx.drivers.analyze`.
#[pyclass(frozen, module = "cx._cx", name = "KeyDrivers")]
pub(crate) struct PyKeyDrivers {
    inner: KeyDrivers,
    kind: String,
}

#[pymethods]
impl PyKeyDrivers {
    /// Outcome column.
    #[getter]
    fn outcome(&self) -> String {
        self.inner.outcome.clone()
    }
    /// Per-driver table, as a frame of the caller's kind.
    #[getter]
    fn table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let table = Bound::new(py, PyGroupedTable::new(driver_table(&self.inner)?))?;
        py.import("cx._frames")?
            .call_method1("to_caller", (table, self.kind.as_str()))
    }
    /// R² of the full OLS model.
    #[getter]
    fn r_squared(&self) -> f64 {
        self.inner.r_squared
    }
    /// Adjusted R².
    #[getter]
    fn adj_r_squared(&self) -> f64 {
        self.inner.adj_r_squared
    }
    /// Bootstrap interval of R² `(low, high)`, or None.
    #[getter]
    fn r_squared_ci(&self) -> Option<(f64, f64)> {
        self.inner.r_squared_interval.map(|i| (i.low, i.high))
    }
    /// Rows in the input.
    #[getter]
    fn n_rows(&self) -> usize {
        self.inner.n_rows
    }
    /// Complete rows used.
    #[getter]
    fn n_used(&self) -> usize {
        self.inner.n_used
    }
    /// Rows dropped by listwise deletion.
    #[getter]
    fn n_dropped(&self) -> usize {
        self.inner.n_dropped
    }
    /// Missing values of the outcome.
    #[getter]
    fn outcome_missing(&self) -> usize {
        self.inner.outcome_missing
    }
    /// `"exact"` or `"sampled"`.
    #[getter]
    fn lmg_method(&self) -> &'static str {
        match self.inner.lmg_method {
            LmgMethod::Sampled { .. } => "sampled",
            _ => "exact",
        }
    }
    /// Importance measure of the matrix.
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.importance.name()
    }
    /// Bootstrap replicates asked for.
    #[getter]
    fn bootstrap(&self) -> usize {
        self.inner.bootstrap
    }
    /// Degenerate replicates skipped.
    #[getter]
    fn bootstrap_failed(&self) -> usize {
        self.inner.bootstrap_failed
    }
    /// Confidence level.
    #[getter]
    fn level(&self) -> f64 {
        self.inner.level
    }
    /// Warnings.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings.clone()
    }
    /// Data of the importance–performance matrix, for a chart.
    fn importance_performance<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("method", self.inner.importance.name())?;
        d.set_item("importance_cut", self.inner.importance_cut)?;
        d.set_item("performance_cut", self.inner.performance_cut)?;
        let points = self
            .inner
            .drivers
            .iter()
            .map(|r| {
                let p = PyDict::new(py);
                p.set_item("driver", &r.name)?;
                p.set_item("importance", r.importance)?;
                p.set_item("performance", r.mean)?;
                p.set_item("quadrant", r.quadrant.label())?;
                Ok(p)
            })
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("points", points)?;
        Ok(d)
    }
    /// Everything as plain Python objects.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(&self.inner).map_err(|e| {
            to_py(CxError::Format {
                what: "drivers".into(),
                reason: e.to_string(),
            })
        })?;
        py.import("json")?.call_method1("loads", (text,))
    }
    fn __repr__(&self) -> String {
        let k = &self.inner;
        let top: Vec<&str> = {
            let mut d: Vec<_> = k.drivers.iter().collect();
            d.sort_by_key(|r| r.rank);
            d.iter().take(3).map(|r| r.name.as_str()).collect()
        };
        format!(
            "KeyDrivers(outcome={:?}, drivers={}, n_used={}, r_squared={:.4}, top={:?})",
            k.outcome,
            k.drivers.len(),
            k.n_used,
            k.r_squared,
            top
        )
    }
    fn _repr_html_(&self) -> String {
        let k = &self.inner;
        let mut rows: Vec<_> = k.drivers.iter().collect();
        rows.sort_by_key(|r| r.rank);
        let mut s = format!(
            "<table><caption>Key drivers of {} (R² = {:.3}, adjusted {:.3}; {} of {} rows used; LMG {})</caption><tr><th>driver</th><th>LMG share</th><th>relative weight share</th><th>β</th><th>r</th><th>VIF</th><th>performance</th><th>quadrant</th></tr>",
            html_escape(&k.outcome),
            k.r_squared,
            k.adj_r_squared,
            k.n_used,
            k.n_rows,
            self.lmg_method(),
        );
        for r in rows {
            s.push_str(&format!(
                "<tr><td>{}</td><td>{:.1}%</td><td>{:.1}%</td><td>{:.3}</td><td>{:.3}</td><td>{:.2}</td><td>{:.2}</td><td>{}</td></tr>",
                html_escape(&r.name),
                100.0 * r.lmg_share,
                100.0 * r.relative_weight_share,
                r.beta,
                r.pearson,
                r.vif,
                r.mean,
                r.quadrant.label()
            ));
        }
        s.push_str("</table>");
        for w in &k.warnings {
            s.push_str(&format!("<p>⚠ {}</p>", html_escape(w)));
        }
        s
    }
}

/// Key-driver analysis of an Arrow table (the work behind `cx.drivers.analyze`).
#[pyfunction]
#[pyo3(signature = (table, /, *, outcome, drivers=None, method="lmg", bootstrap=0, seed=0, level=0.95, exact_max=20, permutations=2000, importance_cut=None, performance_cut=None, kind="pyarrow", progress=None))]
#[allow(clippy::too_many_arguments)]
fn _drivers_arrow(
    py: Python<'_>,
    table: AnyRecordBatch,
    outcome: &str,
    drivers: Option<Vec<String>>,
    method: &str,
    bootstrap: usize,
    seed: u64,
    level: f64,
    exact_max: usize,
    permutations: usize,
    importance_cut: Option<f64>,
    performance_cut: Option<f64>,
    kind: &str,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyKeyDrivers> {
    let progress = PyProgress::new(progress, "bootstrap")?;
    let importance: Importance = method
        .parse()
        .map_err(|_| bad_literal("method", METHODS, method))?;
    let t = table.into_table()?;
    let (batches, schema) = t.into_inner();
    let column = |name: &str| -> PyResult<Vec<f64>> {
        let i = schema.index_of(name).map_err(|_| {
            to_py(CxError::MissingField {
                field: name.to_string(),
                row: None,
            })
        })?;
        let chunks: Vec<ArrayRef> = batches.iter().map(|b| b.column(i).clone()).collect();
        f64_from_arrow(&chunks, name)
    };
    let names: Vec<String> = match drivers {
        Some(d) => d,
        None => schema
            .fields()
            .iter()
            .filter(|f| f.name() != outcome && f.data_type().is_numeric())
            .map(|f| f.name().clone())
            .collect(),
    };
    let y = column(outcome)?;
    let xs = names
        .iter()
        .map(|n| column(n))
        .collect::<PyResult<Vec<_>>>()?;
    let options = DriverOptions::new()
        .importance(importance)
        .bootstrap(bootstrap, seed)
        .level(level)
        .exact_max(exact_max)
        .permutations(permutations)
        .cuts(importance_cut, performance_cut);
    let inner = PyProgress::run(py, &progress, || {
        let cols: Vec<Column<'_>> = names
            .iter()
            .zip(&xs)
            .map(|(n, x)| Column::new(n, x))
            .collect();
        match PyProgress::as_dyn(&progress) {
            Some(p) => drivers::analyze_progress(Column::new(outcome, &y), &cols, options, p),
            None => drivers::analyze(Column::new(outcome, &y), &cols, options),
        }
    })?;
    Ok(PyKeyDrivers {
        inner,
        kind: kind.to_string(),
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyKeyDrivers>()?;
    m.add_function(wrap_pyfunction!(_drivers_arrow, m)?)?;
    Ok(())
}
