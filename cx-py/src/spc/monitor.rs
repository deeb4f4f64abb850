//! Bindings of the streaming monitor.

use cx_core::spc::{self, RuleSet};
use pyo3::prelude::*;

use super::{PyControlChart, parse_rules};
use crate::convert::F64Column;
use crate::error::to_py;

/// Streaming phase II monitor.
#[pyclass(module = "cx._cx", name = "SpcMonitor")]
pub(crate) struct PySpcMonitor(spc::SpcMonitor);

#[pymethods]
impl PySpcMonitor {
    #[new]
    #[pyo3(signature = (*, center, se, lcl, ucl, nsigmas = 3.0, rules = None))]
    fn new(
        center: f64,
        se: f64,
        lcl: f64,
        ucl: f64,
        nsigmas: f64,
        rules: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let rules = match rules {
            Some(r) if !r.is_none() => parse_rules(r)?,
            _ => RuleSet::Qcc,
        };
        spc::SpcMonitor::new(center, se, lcl, ucl, nsigmas, rules)
            .map(Self)
            .map_err(to_py)
    }
    /// Freeze a chart's limits (its last point's).
    #[staticmethod]
    fn from_chart(chart: PyRef<'_, PyControlChart>) -> PyResult<Self> {
        spc::SpcMonitor::from_chart(chart.full(chart.py())?)
            .map(Self)
            .map_err(to_py)
    }
    /// Restore from `to_json()`.
    #[staticmethod]
    fn from_json(state: &str) -> PyResult<Self> {
        spc::SpcMonitor::from_json(state).map(Self).map_err(to_py)
    }
    /// The state as JSON.
    fn to_json(&self) -> PyResult<String> {
        self.0.to_json().map_err(to_py)
    }
    /// Push one value; returns [(index, rule code, [points involved])].
    fn push(&mut self, value: f64) -> Vec<(u64, String, Vec<u64>)> {
        self.0
            .push(value)
            .into_iter()
            .map(|s| (s.index, s.rule.code(), s.points))
            .collect()
    }
    /// Push many values; returns all signals in order.
    fn push_many(
        &mut self,
        py: Python<'_>,
        values: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<(u64, String, Vec<u64>)>> {
        let col = F64Column::extract(values, "values")?;
        let x = col.values();
        let m = &mut self.0;
        let sig = py.detach(|| x.iter().flat_map(|&v| m.push(v)).collect::<Vec<_>>());
        Ok(sig
            .into_iter()
            .map(|s| (s.index, s.rule.code(), s.points))
            .collect())
    }
    /// Points pushed so far.
    #[getter]
    fn count(&self) -> u64 {
        self.0.count()
    }
    /// (center, se, lcl, ucl).
    #[getter]
    fn limits(&self) -> (f64, f64, f64, f64) {
        self.0.limits()
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let f = slf.get_type().getattr("from_json")?;
        Ok((f, (slf.borrow().0.to_json().map_err(to_py)?,)))
    }
    fn __repr__(&self) -> String {
        let (c, _, l, u) = self.0.limits();
        format!(
            "SpcMonitor(center={c}, lcl={l}, ucl={u}, count={})",
            self.0.count()
        )
    }
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySpcMonitor>()
}
