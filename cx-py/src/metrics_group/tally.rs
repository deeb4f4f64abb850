//! Bindings of the mergeable tallies: `NpsTally`, `ProportionTally`, `MeanTally` and
//! their summaries. `update` adds in place; `merge` returns a new tally; the state
//! round-trips through the core's versioned bytes (also used by pickle).

use cx_core::CxError;
use cx_core::metrics::ProportionInterval;
use cx_core::metrics::tally::{
    MeanSummary, MeanTally, NpsTally, ProportionSummary, ProportionTally,
};
use numpy::{PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple, PyType};

use crate::convert::F64Column;
use crate::error::to_py;
use crate::metrics::{PyNpsSummary, fmt_value, html_escape, nps_options, parse, result_class};
use crate::run;

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
