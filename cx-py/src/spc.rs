//! Bindings of `cx_core::spc`: control charts, capability, sigma levels, monitor.

mod measures;
mod monitor;

use cx_core::spc::{
    self, ChartOptions, Constants, ControlChart, RuleFamily, RuleSet, SigmaMethod, Subgroups,
};
use std::sync::OnceLock;

use numpy::{IntoPyArray, PyArray1, PyArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::F64Column;
use crate::error::{bad_literal, to_py};
use crate::run;

pub(crate) fn parse_rules(obj: &Bound<'_, PyAny>) -> PyResult<RuleSet> {
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

pub(super) fn parse_constants(s: &str) -> PyResult<Constants> {
    match s {
        "exact" => Ok(Constants::Exact),
        "qcc" => Ok(Constants::Qcc),
        o => Err(bad_literal("constants", &["exact", "qcc"], o)),
    }
}

pub(super) fn parse_sigma_method(s: &str) -> PyResult<SigmaMethod> {
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

pub(super) fn to_ints(obj: Option<&Bound<'_, PyAny>>, param: &str) -> PyResult<Option<Vec<i64>>> {
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
///
/// An individuals chart of a numpy or Arrow column is built lean (limits and
/// flags, read from the caller's buffer without a copy); its statistics and
/// moving-range chart are read from the same buffer the first time something
/// needs them ([`PyControlChart::full`]).
#[pyclass(frozen, module = "cx._cx", name = "ControlChart")]
pub(crate) struct PyControlChart {
    chart: ControlChart,
    /// Number of points (a lean chart has neither statistics nor flags).
    n: usize,
    /// The flags of a lean chart, written in place into this numpy array.
    flags_np: Option<Py<PyArray1<u8>>>,
    pending: Option<Pending>,
    full: OnceLock<ControlChart>,
    /// The companion chart as a Python object, made once (moved out of
    /// `chart` at construction by [`PyControlChart::with_secondary`], so a
    /// large x̄/R chart's R chart is never copied).
    sec: OnceLock<Py<PyControlChart>>,
}

/// What a lean individuals chart needs to complete itself.
struct Pending {
    data: Py<PyAny>,
    args: ChartArgs,
}

impl From<ControlChart> for PyControlChart {
    fn from(chart: ControlChart) -> Self {
        Self {
            n: chart.len(),
            chart,
            flags_np: None,
            pending: None,
            full: OnceLock::new(),
            sec: OnceLock::new(),
        }
    }
}

impl PyControlChart {
    /// A chart whose companion chart becomes its own Python object now (moved,
    /// not copied); `secondary` then hands out that object.
    fn with_secondary(py: Python<'_>, mut chart: ControlChart) -> PyResult<Self> {
        let sec = chart.secondary.take();
        let out = Self::from(chart);
        if let Some(s) = sec {
            let _ = out.sec.set(Py::new(py, PyControlChart::from(*s))?);
        }
        Ok(out)
    }

    /// The chart's own fields (a lean chart has no statistics nor secondary).
    fn core(&self) -> &ControlChart {
        &self.chart
    }

    /// The chart with its flags (complete for a lean chart).
    fn judged(&self, py: Python<'_>) -> PyResult<&ControlChart> {
        if self.flags_np.is_some() {
            self.full(py)
        } else {
            Ok(&self.chart)
        }
    }

    /// The complete chart (statistics and companion chart included).
    pub(crate) fn full(&self, py: Python<'_>) -> PyResult<&ControlChart> {
        let Some(p) = &self.pending else {
            return Ok(&self.chart);
        };
        if let Some(c) = self.full.get() {
            return Ok(c);
        }
        let col = F64Column::extract(p.data.bind(py), "data")?;
        let mut c = self.chart.clone();
        if let Some(f) = &self.flags_np {
            let ro = f
                .bind(py)
                .try_readonly()
                .map_err(|e| PyTypeError::new_err(e.to_string()))?;
            c.flags = ro.as_slice()?.to_vec();
        }
        spc::xmr_complete(&mut c, col.values(), p.args.options()).map_err(to_py)?;
        // Another thread may have completed it meanwhile: either copy is the same.
        let _ = self.full.set(c);
        Ok(self.full.get().unwrap_or(&self.chart))
    }
}

fn arr<'py>(py: Python<'py>, v: Vec<f64>) -> Bound<'py, PyArray1<f64>> {
    v.into_pyarray(py)
}

#[pymethods]
impl PyControlChart {
    /// Chart kind.
    #[getter]
    fn kind(&self) -> &'static str {
        self.core().kind.name()
    }
    /// Plotted statistics.
    #[getter]
    fn statistics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        Ok(arr(py, self.full(py)?.statistics.clone()))
    }
    /// Centre line per point.
    #[getter]
    fn center<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        arr(py, self.core().center.to_vec(self.n))
    }
    /// Lower control limit per point.
    #[getter]
    fn lcl<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        arr(py, self.core().lcl.to_vec(self.n))
    }
    /// Upper control limit per point.
    #[getter]
    fn ucl<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        arr(py, self.core().ucl.to_vec(self.n))
    }
    /// Standard error of each point.
    #[getter]
    fn se<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        arr(py, self.core().se.to_vec(self.n))
    }
    /// Subgroup sizes, if any.
    #[getter]
    fn sizes<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray1<f64>>> {
        self.core().sizes.clone().map(|s| arr(py, s))
    }
    /// Process sigma (first stage).
    #[getter]
    fn sigma(&self) -> f64 {
        self.core().sigma()
    }
    /// Limit width in standard errors.
    #[getter]
    fn nsigmas(&self) -> f64 {
        self.core().nsigmas
    }
    /// Name of the sigma estimator.
    #[getter]
    fn sigma_method(&self) -> String {
        self.core().sigma_method.clone()
    }
    /// Number of phase I points.
    #[getter]
    fn phase1(&self) -> usize {
        self.core().phase1
    }
    /// (point, rule code) pairs.
    #[getter]
    fn violations(&self, py: Python<'_>) -> PyResult<Vec<(usize, String)>> {
        Ok(self
            .judged(py)?
            .violations()
            .iter()
            .map(|v| (v.point, v.rule.code()))
            .collect())
    }
    /// Per point: lowest rule number violated, 0 when none.
    #[getter]
    fn codes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<u8>>> {
        let c = self.judged(py)?;
        Ok((0..self.n)
            .map(|i| c.code(i).unwrap_or(0))
            .collect::<Vec<u8>>()
            .into_pyarray(py))
    }
    /// Per point bit mask of rules violated (bit r-1 for rule r).
    #[getter]
    fn flags<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u8>> {
        match &self.flags_np {
            // A lean chart's flags were written into a (read-only) numpy array.
            Some(a) => a.bind(py).clone(),
            None => self.chart.flags.clone().into_pyarray(py),
        }
    }
    /// Stages with their centre and sigma.
    #[getter]
    fn stages<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for s in &self.core().stages {
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
    fn secondary(&self, py: Python<'_>) -> PyResult<Option<Py<PyControlChart>>> {
        if let Some(s) = self.sec.get() {
            return Ok(Some(s.clone_ref(py)));
        }
        let Some(c) = self.full(py)?.secondary.as_deref() else {
            return Ok(None);
        };
        // Made once; another thread may have made it meanwhile (same chart).
        let made = Py::new(py, PyControlChart::from(c.clone()))?;
        Ok(Some(self.sec.get_or_init(|| made).clone_ref(py)))
    }
    /// Plain-language summary.
    #[getter]
    fn summary(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.judged(py)?.summary())
    }
    /// Zone boundaries centre ± k·se per point.
    fn zone<'py>(
        &self,
        py: Python<'py>,
        k: f64,
    ) -> (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>) {
        let (lo, hi): (Vec<f64>, Vec<f64>) = (0..self.n).map(|i| self.core().zone(i, k)).unzip();
        (arr(py, lo), arr(py, hi))
    }
    fn __len__(&self) -> usize {
        self.n
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "ControlChart(kind={:?}, n={}, sigma={:.6}, violations={})",
            self.core().kind.name(),
            self.n,
            self.core().sigma(),
            self.judged(py)?.violations().len()
        ))
    }
    /// Everything as plain Python objects.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let n = self.n;
        d.set_item("kind", self.core().kind.name())?;
        d.set_item("statistics", self.full(py)?.statistics.clone())?;
        d.set_item("center", self.core().center.to_vec(n))?;
        d.set_item("lcl", self.core().lcl.to_vec(n))?;
        d.set_item("ucl", self.core().ucl.to_vec(n))?;
        d.set_item("se", self.core().se.to_vec(n))?;
        d.set_item("sizes", self.core().sizes.clone())?;
        d.set_item("sigma", self.core().sigma())?;
        d.set_item("nsigmas", self.core().nsigmas)?;
        d.set_item("sigma_method", self.core().sigma_method.clone())?;
        d.set_item("phase1", self.core().phase1)?;
        d.set_item("violations", self.violations(py)?)?;
        d.set_item("stages", self.stages(py)?)?;
        d.set_item("summary", self.judged(py)?.summary())?;
        d.set_item(
            "secondary",
            self.secondary(py)?
                .map(|s| s.get().to_dict(py))
                .transpose()?,
        )?;
        Ok(d)
    }
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let n = self.n;
        let c = self.judged(py)?;
        Ok(format!(
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
        ))
    }
    fn _repr_svg_(&self, py: Python<'_>) -> PyResult<String> {
        // the report's view: limits, 1σ/2σ zones, signals annotated with their rule
        let chart = self.full(py)?;
        let title = format!("{} chart", chart.kind.name());
        Ok(
            cx_core::report::ControlView::from_chart(chart, &title, vec![])
                .to_svg(cx_core::report::Lang::En)
                .unwrap_or_else(|_| chart.to_svg(640, 240)),
        )
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The options every chart binding shares, parsed once and owned (a `ChartOptions`
/// borrows `stages` and `exclude` from here).
pub(crate) struct ChartArgs {
    rules: RuleSet,
    constants: Constants,
    sigma_method: SigmaMethod,
    nsigmas: f64,
    confidence: Option<f64>,
    center: Option<f64>,
    sigma: Option<f64>,
    phase1: Option<usize>,
    stages: Option<Vec<i64>>,
    exclude: Vec<usize>,
}

impl ChartArgs {
    /// Parse the Python arguments; a negative or non-integer `exclude` index is an
    /// `InvalidValueError` naming its position and value.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn parse(
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
    ) -> PyResult<Self> {
        let rules = match rules {
            Some(r) if !r.is_none() => parse_rules(r)?,
            _ => RuleSet::Qcc,
        };
        let mut points = Vec::new();
        for (i, v) in to_ints(exclude, "exclude")?
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let p = usize::try_from(v).map_err(|_| {
                to_py(cx_core::CxError::invalid(
                    "exclude",
                    Some(i),
                    v,
                    "must be a point index >= 0",
                ))
            })?;
            points.push(p);
        }
        Ok(Self {
            rules,
            constants: parse_constants(constants)?,
            sigma_method: parse_sigma_method(sigma_method)?,
            nsigmas,
            confidence,
            center,
            sigma,
            phase1,
            stages: to_ints(stages, "stages")?,
            exclude: points,
        })
    }

    /// The chart options these arguments describe.
    pub(crate) fn options(&self) -> ChartOptions<'_> {
        let mut o = ChartOptions::new()
            .rules(self.rules)
            .constants(self.constants)
            .nsigmas(self.nsigmas)
            .sigma_method(self.sigma_method)
            .exclude(&self.exclude);
        if let Some(c) = self.confidence {
            o = o.confidence(c);
        }
        if let Some(c) = self.center {
            o = o.center(c);
        }
        if let Some(s) = self.sigma {
            o = o.sigma(s);
        }
        if let Some(p) = self.phase1 {
            o = o.phase1(p);
        }
        if let Some(s) = &self.stages {
            o = o.stages(s);
        }
        o
    }
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
    // The kinds are `cx_core::spc::ChartType`'s names (shared with the DMAIC control plan).
    if !spc::ChartType::all().any(|t| t.name() == kind) {
        let names: Vec<&str> = spc::ChartType::all().map(|t| t.name()).collect();
        return Err(bad_literal("kind", &names, kind));
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
    let o = args.options().lambda(lambda_).k(k).h(h);
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
    // An individuals chart of a borrowed buffer is built lean: see `PyControlChart`.
    let lean = kind == "xmr" && !matches!(values, F64Column::Owned(_));
    let x = values.values();
    // Its flags go straight into a numpy array (no copy, numpy's allocator).
    let flags_arr = lean.then(|| PyArray1::<u8>::zeros(py, x.len(), false));
    let mut flags_rw = match flags_arr.as_ref() {
        Some(a) => Some(
            a.try_readwrite()
                .map_err(|e| PyTypeError::new_err(e.to_string()))?,
        ),
        None => None,
    };
    let n_points = x.len();
    let flags_out = match flags_rw.as_mut() {
        Some(rw) => Some(rw.as_slice_mut()?),
        None => None,
    };
    let sz = sizes_col.as_ref().map(|c| c.values());
    let chart = run(py, || {
        match kind {
        "xmr" if lean => match flags_out {
            Some(out) => spc::xmr_lean_into(x, o, out),
            None => spc::xmr_lean(x, o),
        },
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
        "run" if o.stages.is_some() || !o.exclude.is_empty() => Err(cx_core::CxError::option(
            "stages/exclude",
            "the run chart takes its baseline from `phase1` or a fixed `center`",
        )),
        "run" => spc::run_chart_with(x, phase1, center).map(|(mut c, r)| {
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
    drop(values);
    drop(flags_rw);
    if let Some(flags) = flags_arr {
        // Read-only: the chart's own flags, shared by every access.
        flags.getattr("flags")?.setattr("writeable", false)?;
        return Ok(PyControlChart {
            chart,
            n: n_points,
            flags_np: Some(flags.unbind()),
            pending: Some(Pending {
                data: data.unbind(),
                args,
            }),
            full: OnceLock::new(),
            sec: OnceLock::new(),
        });
    }
    PyControlChart::with_secondary(py, chart)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyControlChart>()?;
    m.add_function(wrap_pyfunction!(control_chart, m)?)?;
    measures::register(m)?;
    monitor::register(m)
}
