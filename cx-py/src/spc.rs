//! Bindings of `cx_core::spc`: control charts, capability, sigma levels, monitor.

use cx_core::spc::{
    self, CapabilityOptions, ChartOptions, Constants, ControlChart, RuleFamily, RuleSet,
    SigmaMethod, Subgroups,
};
use numpy::{IntoPyArray, PyArray1};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::F64Column;
use crate::error::{bad_literal, to_py};
use crate::run;

const KINDS: &[&str] = &[
    "xmr", "xbar_r", "xbar_s", "r", "s", "p", "np", "c", "u", "laney_p", "laney_u", "ewma",
    "cusum", "g", "t", "run",
];

fn parse_rules(obj: &Bound<'_, PyAny>) -> PyResult<RuleSet> {
    if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_str()?;
        return match s {
            "qcc" => Ok(RuleSet::Qcc),
            "nelson" => Ok(RuleSet::Nelson),
            "western_electric" => Ok(RuleSet::WesternElectric),
            "none" => Ok(RuleSet::None),
            other => Err(bad_literal(
                "rules",
                &["qcc", "nelson", "western_electric", "none"],
                other,
            )),
        };
    }
    let items: Vec<Bound<'_, PyAny>> = obj
        .try_iter()
        .map_err(|_| PyTypeError::new_err("`rules` must be a string or a list of rule codes"))?
        .collect::<PyResult<_>>()?;
    let mut family = None;
    let mut numbers = Vec::new();
    for it in items {
        let (fam, num) = if let Ok(n) = it.extract::<u8>() {
            (RuleFamily::Nelson, n)
        } else {
            let code: String = it.extract()?;
            let up = code.to_ascii_uppercase();
            if let Some(n) = up.strip_prefix("WE") {
                (RuleFamily::WesternElectric, n.parse().unwrap_or(0))
            } else if let Some(n) = up.strip_prefix('N') {
                (RuleFamily::Nelson, n.parse().unwrap_or(0))
            } else {
                return Err(bad_literal("rules", &["N1..N8", "WE1..WE4", "1..8"], &code));
            }
        };
        if family.is_some_and(|f| f != fam) {
            return Err(to_py(cx_core::CxError::option(
                "rules",
                "mix of Nelson and Western Electric numbers",
            )));
        }
        family = Some(fam);
        numbers.push(num);
    }
    RuleSet::custom(family.unwrap_or(RuleFamily::Nelson), &numbers).map_err(to_py)
}

fn parse_constants(s: &str) -> PyResult<Constants> {
    match s {
        "exact" => Ok(Constants::Exact),
        "qcc" => Ok(Constants::Qcc),
        o => Err(bad_literal("constants", &["exact", "qcc"], o)),
    }
}

fn parse_sigma_method(s: &str) -> PyResult<SigmaMethod> {
    Ok(match s {
        "auto" => SigmaMethod::Auto,
        "mr" => SigmaMethod::MovingRange,
        "sd" => SigmaMethod::Sd,
        "uwave_r" => SigmaMethod::UwaveR,
        "uwave_sd" => SigmaMethod::UwaveSd,
        "mvlue_r" => SigmaMethod::MvlueR,
        "mvlue_sd" => SigmaMethod::MvlueSd,
        "rmsdf" => SigmaMethod::Rmsdf,
        o => {
            return Err(bad_literal(
                "sigma_method",
                &[
                    "auto", "mr", "sd", "uwave_r", "uwave_sd", "mvlue_r", "mvlue_sd", "rmsdf",
                ],
                o,
            ));
        }
    })
}

fn to_ints(obj: Option<&Bound<'_, PyAny>>, param: &str) -> PyResult<Option<Vec<i64>>> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    let col = F64Column::extract(obj, param)?;
    let mut out = Vec::with_capacity(col.values().len());
    for (i, &v) in col.values().iter().enumerate() {
        if v.fract() != 0.0 || !v.is_finite() {
            return Err(to_py(cx_core::CxError::invalid(
                param,
                Some(i),
                v,
                "must be an integer",
            )));
        }
        out.push(v as i64);
    }
    Ok(Some(out))
}

/// A control chart (see `cx.spc.control_chart`).
#[pyclass(frozen, module = "cx._cx", name = "ControlChart")]
pub(crate) struct PyControlChart(ControlChart);

fn arr<'py>(py: Python<'py>, v: Vec<f64>) -> Bound<'py, PyArray1<f64>> {
    v.into_pyarray(py)
}

#[pymethods]
impl PyControlChart {
    /// Chart kind.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.name()
    }
    /// Plotted statistics.
    #[getter]
    fn statistics<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        arr(py, self.0.statistics.clone())
    }
    /// Centre line per point.
    #[getter]
    fn center<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        arr(py, self.0.center.to_vec(self.0.len()))
    }
    /// Lower control limit per point.
    #[getter]
    fn lcl<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        arr(py, self.0.lcl.to_vec(self.0.len()))
    }
    /// Upper control limit per point.
    #[getter]
    fn ucl<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        arr(py, self.0.ucl.to_vec(self.0.len()))
    }
    /// Standard error of each point.
    #[getter]
    fn se<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        arr(py, self.0.se.to_vec(self.0.len()))
    }
    /// Subgroup sizes, if any.
    #[getter]
    fn sizes<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray1<f64>>> {
        self.0.sizes.clone().map(|s| arr(py, s))
    }
    /// Process sigma (first stage).
    #[getter]
    fn sigma(&self) -> f64 {
        self.0.sigma()
    }
    /// Limit width in standard errors.
    #[getter]
    fn nsigmas(&self) -> f64 {
        self.0.nsigmas
    }
    /// Name of the sigma estimator.
    #[getter]
    fn sigma_method(&self) -> String {
        self.0.sigma_method.clone()
    }
    /// Number of phase I points.
    #[getter]
    fn phase1(&self) -> usize {
        self.0.phase1
    }
    /// (point, rule code) pairs.
    #[getter]
    fn violations(&self) -> Vec<(usize, String)> {
        self.0
            .violations()
            .iter()
            .map(|v| (v.point, v.rule.code()))
            .collect()
    }
    /// Per point: lowest rule number violated, 0 when none.
    #[getter]
    fn codes<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u8>> {
        (0..self.0.len())
            .map(|i| self.0.code(i).unwrap_or(0))
            .collect::<Vec<u8>>()
            .into_pyarray(py)
    }
    /// Per point bit mask of rules violated (bit r-1 for rule r).
    #[getter]
    fn flags<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u8>> {
        self.0.flags.clone().into_pyarray(py)
    }
    /// Stages with their centre and sigma.
    #[getter]
    fn stages<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for s in &self.0.stages {
            let d = PyDict::new(py);
            d.set_item("start", s.start)?;
            d.set_item("end", s.end)?;
            d.set_item("center", s.center)?;
            d.set_item("sigma", s.sigma)?;
            d.set_item("calibration_points", s.calibration_points)?;
            out.append(d)?;
        }
        Ok(out)
    }
    /// Companion chart (MR, R, S), if any.
    #[getter]
    fn secondary(&self) -> Option<PyControlChart> {
        self.0
            .secondary
            .as_deref()
            .map(|c| PyControlChart(c.clone()))
    }
    /// Plain-language summary.
    #[getter]
    fn summary(&self) -> String {
        self.0.summary()
    }
    /// Zone boundaries centre ± k·se per point.
    fn zone<'py>(
        &self,
        py: Python<'py>,
        k: f64,
    ) -> (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>) {
        let (lo, hi): (Vec<f64>, Vec<f64>) = (0..self.0.len()).map(|i| self.0.zone(i, k)).unzip();
        (arr(py, lo), arr(py, hi))
    }
    fn __len__(&self) -> usize {
        self.0.len()
    }
    fn __repr__(&self) -> String {
        format!(
            "ControlChart(kind={:?}, n={}, sigma={:.6}, violations={})",
            self.0.kind.name(),
            self.0.len(),
            self.0.sigma(),
            self.0.violations().len()
        )
    }
    /// Everything as plain Python objects.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let n = self.0.len();
        d.set_item("kind", self.0.kind.name())?;
        d.set_item("statistics", self.0.statistics.clone())?;
        d.set_item("center", self.0.center.to_vec(n))?;
        d.set_item("lcl", self.0.lcl.to_vec(n))?;
        d.set_item("ucl", self.0.ucl.to_vec(n))?;
        d.set_item("se", self.0.se.to_vec(n))?;
        d.set_item("sizes", self.0.sizes.clone())?;
        d.set_item("sigma", self.0.sigma())?;
        d.set_item("nsigmas", self.0.nsigmas)?;
        d.set_item("sigma_method", self.0.sigma_method.clone())?;
        d.set_item("phase1", self.0.phase1)?;
        d.set_item("violations", self.violations())?;
        d.set_item("stages", self.stages(py)?)?;
        d.set_item("summary", self.0.summary())?;
        d.set_item(
            "secondary",
            self.secondary().map(|s| s.to_dict(py)).transpose()?,
        )?;
        Ok(d)
    }
    fn _repr_html_(&self) -> String {
        let n = self.0.len();
        let c = &self.0;
        format!(
            "<table><caption>{} chart</caption><tr><th>points</th><td>{n}</td></tr><tr><th>center</th><td>{:.6}</td></tr><tr><th>sigma</th><td>{:.6} ({})</td></tr><tr><th>LCL / UCL</th><td>{:.6} / {:.6}{}</td></tr><tr><th>violations</th><td>{}</td></tr><tr><th>summary</th><td>{}</td></tr></table>",
            c.kind.name(),
            c.center.get(0),
            c.sigma(),
            c.sigma_method,
            c.lcl.get(0),
            c.ucl.get(0),
            if c.ucl.constant().is_some() {
                ""
            } else {
                " (first point; limits vary)"
            },
            c.violations().len(),
            html_escape(&c.summary()),
        )
    }
    fn _repr_svg_(&self) -> String {
        self.0.to_svg(640, 240)
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Build a control chart of any kind.
#[pyfunction]
#[pyo3(signature = (data, /, *, kind = "xmr", sizes = None, phase1 = None, stages = None, exclude = None,
    rules = None, constants = "exact", nsigmas = 3.0, confidence = None, center = None, sigma = None,
    sigma_method = "auto", lambda_ = 0.2, k = 0.5, h = 5.0))]
#[allow(clippy::too_many_arguments)]
fn control_chart(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    kind: &str,
    sizes: Option<&Bound<'_, PyAny>>,
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
    lambda_: f64,
    k: f64,
    h: f64,
) -> PyResult<PyControlChart> {
    if !KINDS.contains(&kind) {
        return Err(bad_literal("kind", KINDS, kind));
    }
    let rules = match rules {
        Some(r) if !r.is_none() => parse_rules(r)?,
        _ => RuleSet::Qcc,
    };
    let stages = to_ints(stages, "stages")?;
    let exclude: Vec<usize> = to_ints(exclude, "exclude")?
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.max(0) as usize)
        .collect();
    let mut o = ChartOptions::new()
        .rules(rules)
        .constants(parse_constants(constants)?)
        .nsigmas(nsigmas)
        .sigma_method(parse_sigma_method(sigma_method)?)
        .exclude(&exclude)
        .lambda(lambda_)
        .k(k)
        .h(h);
    if let Some(c) = confidence {
        o = o.confidence(c);
    }
    if let Some(c) = center {
        o = o.center(c);
    }
    if let Some(s) = sigma {
        o = o.sigma(s);
    }
    if let Some(p) = phase1 {
        o = o.phase1(p);
    }
    if let Some(s) = &stages {
        o = o.stages(s);
    }
    // 2-D data (one row per subgroup) is flattened row-major.
    let np = py.import("numpy")?;
    let nested = data.is_instance_of::<PyList>() || data.is_instance_of::<pyo3::types::PyTuple>();
    let data = if nested && matches!(kind, "xbar_r" | "xbar_s" | "r" | "s" | "ewma" | "cusum") {
        np.call_method1("asarray", (data, "float64"))?
    } else {
        data.clone()
    };
    let (data, ncol) = if data.hasattr("ndim")? && data.getattr("ndim")?.extract::<usize>()? == 2 {
        let a = np.call_method1("ascontiguousarray", (data, "float64"))?;
        let ncol: usize = a.getattr("shape")?.get_item(1)?.extract()?;
        (a.call_method0("ravel")?, Some(ncol))
    } else {
        (data, None)
    };
    let values = F64Column::extract(&data, "data")?;
    let sizes_col = match sizes {
        Some(s) if !s.is_none() => {
            if let Ok(k) = s.extract::<f64>() {
                Some(F64Column::Owned(vec![k]))
            } else {
                Some(F64Column::extract(s, "sizes")?)
            }
        }
        _ => None,
    };
    let x = values.values();
    let sz = sizes_col.as_ref().map(|c| c.values());
    let chart = run(py, || {
        match kind {
        "xmr" => spc::xmr(x, o),
        "xbar_r" | "xbar_s" | "r" | "s" => {
            let ints: Vec<usize>;
            let g = match (ncol, sz) {
                (Some(c), _) => Subgroups::matrix(x, c)?,
                (None, Some([k])) => Subgroups::matrix(x, *k as usize)?,
                (None, Some(s)) => {
                    ints = s.iter().map(|v| v.max(0.0) as usize).collect();
                    Subgroups::ragged(x, &ints)?
                }
                (None, None) => {
                    return Err(cx_core::CxError::option(
                        "sizes",
                        "subgroup charts need 2-D data or `sizes`",
                    ));
                }
            };
            match kind {
                "xbar_r" => spc::xbar_r(g, o),
                "xbar_s" => spc::xbar_s(g, o),
                "r" => spc::r_chart(g, o),
                _ => spc::s_chart(g, o),
            }
        }
        "ewma" | "cusum" => {
            let ints: Vec<usize>;
            let series = match (ncol, sz) {
                (Some(c), _) => spc::Series::Subgroups(Subgroups::matrix(x, c)?),
                (None, Some(s)) if s.len() > 1 => {
                    ints = s.iter().map(|v| v.max(0.0) as usize).collect();
                    spc::Series::Subgroups(Subgroups::ragged(x, &ints)?)
                }
                (None, Some([n])) if *n > 1.0 => {
                    spc::Series::Subgroups(Subgroups::matrix(x, *n as usize)?)
                }
                _ => spc::Series::Individuals(x),
            };
            if kind == "ewma" {
                spc::ewma(series, o)
            } else {
                spc::cusum(series, o)
            }
        }
        "c" => spc::c_chart(x, o),
        "g" => spc::g_chart(x, o),
        "t" => spc::t_chart(x, o),
        "run" => spc::run_chart(x, phase1).map(|(mut c, r)| {
            c.sigma_method = format!(
                "Anhoej: median {}, {} useful points, longest run {} (signal above {}), crossings {} (signal below {})",
                r.median, r.useful, r.longest_run, r.longest_run_max, r.crossings, r.crossings_min
            );
            c
        }),
        _ => {
            let s = sz.ok_or_else(|| {
                cx_core::CxError::option("sizes", format!("a {kind} chart needs `sizes`"))
            })?;
            match kind {
                "p" => spc::p_chart(x, s, o),
                "np" => spc::np_chart(x, s, o),
                "u" => spc::u_chart(x, s, o),
                "laney_p" => spc::laney_p(x, s, o),
                _ => spc::laney_u(x, s, o),
            }
        }
    }
    })?;
    Ok(PyControlChart(chart))
}

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
        spc::SpcMonitor::from_chart(&chart.0)
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

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyControlChart>()?;
    m.add_class::<PyCapability>()?;
    m.add_class::<PySigmaLevel>()?;
    m.add_class::<PySpcMonitor>()?;
    m.add_function(wrap_pyfunction!(control_chart, m)?)?;
    m.add_function(wrap_pyfunction!(capability, m)?)?;
    m.add_function(wrap_pyfunction!(sigma_level, m)?)?;
    m.add_function(wrap_pyfunction!(dpmo_to_sigma, m)?)?;
    m.add_function(wrap_pyfunction!(sigma_to_dpmo, m)?)?;
    m.add_function(wrap_pyfunction!(first_time_yield, m)?)?;
    m.add_function(wrap_pyfunction!(rolled_throughput_yield, m)?)?;
    Ok(())
}
