//! Bindings of capability and Six Sigma arithmetic.

use cx_core::spc::{self, CapabilityOptions};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::{parse_constants, to_ints};
use crate::convert::F64Column;
use crate::error::to_py;
use crate::run;

/// Capability study result.
#[pyclass(frozen, module = "cx._cx", name = "Capability")]
pub(crate) struct PyCapability(spc::Capability);

#[pymethods]
impl PyCapability {
    /// Number of observations.
    #[getter]
    fn n(&self) -> usize {
        self.0.n
    }
    /// Grand mean.
    #[getter]
    fn center(&self) -> f64 {
        self.0.center
    }
    /// Within sigma.
    #[getter]
    fn sigma_within(&self) -> f64 {
        self.0.sigma_within
    }
    /// Overall sigma.
    #[getter]
    fn sigma_overall(&self) -> f64 {
        self.0.sigma_overall
    }
    /// {name: (value, lower, upper)} for Cp, Cp_l, Cp_u, Cp_k, Cpm, Pp, Pp_l, Pp_u, Pp_k, Ppm.
    #[getter]
    fn indices(&self) -> Vec<(&'static str, f64, f64, f64)> {
        self.0
            .indices()
            .iter()
            .map(|(n, i)| (*n, i.value, i.lower, i.upper))
            .collect()
    }
    /// Cp.
    #[getter]
    fn cp(&self) -> f64 {
        self.0.cp.value
    }
    /// Cpk.
    #[getter]
    fn cpk(&self) -> f64 {
        self.0.cpk.value
    }
    /// Cpm.
    #[getter]
    fn cpm(&self) -> f64 {
        self.0.cpm.value
    }
    /// Pp.
    #[getter]
    fn pp(&self) -> f64 {
        self.0.pp.value
    }
    /// Ppk.
    #[getter]
    fn ppk(&self) -> f64 {
        self.0.ppk.value
    }
    /// Expected % (below LSL, above USL), within sigma.
    #[getter]
    fn expected_within_pct(&self) -> (f64, f64) {
        self.0.expected_within_pct
    }
    /// Expected % (below LSL, above USL), overall sigma.
    #[getter]
    fn expected_overall_pct(&self) -> (f64, f64) {
        self.0.expected_overall_pct
    }
    /// Observed % (below LSL, above USL).
    #[getter]
    fn observed_pct(&self) -> (f64, f64) {
        self.0.observed_pct
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let c = &self.0;
        for (k, v) in [
            ("n", c.n as f64),
            ("center", c.center),
            ("sigma_within", c.sigma_within),
            ("sigma_overall", c.sigma_overall),
            ("lsl", c.lsl),
            ("usl", c.usl),
            ("target", c.target),
            ("level", c.level),
        ] {
            d.set_item(k, v)?;
        }
        for (n, i) in c.indices() {
            d.set_item(n, (i.value, i.lower, i.upper))?;
        }
        d.set_item("expected_within_pct", c.expected_within_pct)?;
        d.set_item("expected_overall_pct", c.expected_overall_pct)?;
        d.set_item("observed_pct", c.observed_pct)?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "Capability(n={}, Cp={:.4}, Cpk={:.4}, Pp={:.4}, Ppk={:.4})",
            self.0.n, self.0.cp.value, self.0.cpk.value, self.0.pp.value, self.0.ppk.value
        )
    }
    fn _repr_html_(&self) -> String {
        let mut s = String::from(
            "<table><tr><th>index</th><th>value</th><th>lower</th><th>upper</th></tr>",
        );
        for (n, i) in self.0.indices() {
            s.push_str(&format!(
                "<tr><td>{n}</td><td>{:.4}</td><td>{:.4}</td><td>{:.4}</td></tr>",
                i.value, i.lower, i.upper
            ));
        }
        s.push_str("</table>");
        s
    }
}

/// Process capability.
#[pyfunction]
#[pyo3(signature = (data, /, *, lsl = None, usl = None, target = None, sizes = None, level = 0.95, constants = "exact", sigma = None))]
#[allow(clippy::too_many_arguments)]
fn capability(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    lsl: Option<f64>,
    usl: Option<f64>,
    target: Option<f64>,
    sizes: Option<&Bound<'_, PyAny>>,
    level: f64,
    constants: &str,
    sigma: Option<f64>,
) -> PyResult<PyCapability> {
    let values = F64Column::extract(data, "data")?;
    let x = values.values();
    let sizes: Option<Vec<usize>> = match sizes {
        Some(s) if !s.is_none() => Some(if let Ok(k) = s.extract::<usize>() {
            if k == 0 {
                return Err(to_py(cx_core::CxError::option("sizes", "must be positive")));
            }
            vec![k; x.len() / k]
        } else {
            to_ints(Some(s), "sizes")?
                .unwrap_or_default()
                .into_iter()
                .map(|v| v.max(0) as usize)
                .collect()
        }),
        _ => None,
    };
    let mut o = CapabilityOptions::new(lsl, usl)
        .level(level)
        .constants(parse_constants(constants)?);
    if let Some(t) = target {
        o = o.target(t);
    }
    if let Some(s) = sigma {
        o = o.sigma(s);
    }
    let c = run(py, || spc::capability(x, sizes.as_deref(), o))?;
    Ok(PyCapability(c))
}

/// Six Sigma metrics of defects, units and opportunities per unit.
#[pyclass(frozen, module = "cx._cx", name = "SigmaLevel")]
pub(crate) struct PySigmaLevel(spc::SigmaLevel);

#[pymethods]
impl PySigmaLevel {
    /// Defects per unit.
    #[getter]
    fn dpu(&self) -> f64 {
        self.0.dpu
    }
    /// Defects per opportunity.
    #[getter]
    fn dpo(&self) -> f64 {
        self.0.dpo
    }
    /// Defects per million opportunities.
    #[getter]
    fn dpmo(&self) -> f64 {
        self.0.dpmo
    }
    /// 1 - DPO.
    #[getter]
    fn yield_ratio(&self) -> f64 {
        self.0.yield_ratio
    }
    /// Long-term z.
    #[getter]
    fn z_long_term(&self) -> f64 {
        self.0.z_long_term
    }
    /// Sigma level (z + shift).
    #[getter]
    fn sigma_level(&self) -> f64 {
        self.0.sigma_level
    }
    /// Shift used.
    #[getter]
    fn shift(&self) -> f64 {
        self.0.shift
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let s = &self.0;
        for (k, v) in [
            ("dpu", s.dpu),
            ("dpo", s.dpo),
            ("dpmo", s.dpmo),
            ("yield_ratio", s.yield_ratio),
            ("z_long_term", s.z_long_term),
            ("sigma_level", s.sigma_level),
            ("shift", s.shift),
        ] {
            d.set_item(k, v)?;
        }
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "SigmaLevel(dpmo={:.4}, sigma_level={:.4}, shift={})",
            self.0.dpmo, self.0.sigma_level, self.0.shift
        )
    }
}

/// Sigma level from defects, units and opportunities.
#[pyfunction]
#[pyo3(signature = (defects, units, opportunities, /, *, shift = 1.5))]
fn sigma_level(defects: f64, units: f64, opportunities: f64, shift: f64) -> PyResult<PySigmaLevel> {
    spc::sigma_level(defects, units, opportunities, shift)
        .map(PySigmaLevel)
        .map_err(to_py)
}

/// Sigma level of a DPMO.
#[pyfunction]
#[pyo3(signature = (dpmo, /, *, shift = 1.5))]
fn dpmo_to_sigma(dpmo: f64, shift: f64) -> PyResult<f64> {
    spc::dpmo_to_sigma(dpmo, shift).map_err(to_py)
}

/// DPMO of a sigma level.
#[pyfunction]
#[pyo3(signature = (sigma, /, *, shift = 1.5))]
fn sigma_to_dpmo(sigma: f64, shift: f64) -> PyResult<f64> {
    spc::sigma_to_dpmo(sigma, shift).map_err(to_py)
}

/// First-time yield.
#[pyfunction]
#[pyo3(signature = (units, scrap, rework, /))]
fn first_time_yield(units: f64, scrap: f64, rework: f64) -> PyResult<f64> {
    spc::first_time_yield(units, scrap, rework).map_err(to_py)
}

/// Rolled throughput yield.
#[pyfunction]
#[pyo3(signature = (step_yields, /))]
fn rolled_throughput_yield(step_yields: &Bound<'_, PyAny>) -> PyResult<f64> {
    let col = F64Column::extract(step_yields, "step_yields")?;
    spc::rolled_throughput_yield(col.values()).map_err(to_py)
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCapability>()?;
    m.add_class::<PySigmaLevel>()?;
    m.add_function(wrap_pyfunction!(capability, m)?)?;
    m.add_function(wrap_pyfunction!(sigma_level, m)?)?;
    m.add_function(wrap_pyfunction!(dpmo_to_sigma, m)?)?;
    m.add_function(wrap_pyfunction!(sigma_to_dpmo, m)?)?;
    m.add_function(wrap_pyfunction!(first_time_yield, m)?)?;
    m.add_function(wrap_pyfunction!(rolled_throughput_yield, m)?)?;
    Ok(())
}
