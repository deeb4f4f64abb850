//! Bindings of `cx_core::stats::tests` (hypothesis tests) as `cx.stats`.

use cx_core::CxError;
use cx_core::stats::tests::{
    self as t, Chi2Options, MannWhitneyOptions, Missing, MwuMethod, ProportionOptions, TestOptions,
    TestResult,
};
use numpy::PyReadonlyArray2;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::F64Column;
use crate::error::{bad_literal, to_py};
use crate::run;

/// The result of a hypothesis test (`cx.stats.TestResult`).
#[pyclass(frozen, module = "cx._cx", name = "TestResult")]
pub(crate) struct PyTestResult(TestResult);

#[pymethods]
impl PyTestResult {
    /// Tell pytest this is not a test class (users import it into test modules).
    #[classattr]
    fn __test__() -> bool {
        false
    }
    /// Test identifier.
    #[getter]
    fn test(&self) -> &'static str {
        self.0.test
    }
    /// How the p-value was obtained.
    #[getter]
    fn method(&self) -> &'static str {
        self.0.method
    }
    /// Test statistic.
    #[getter]
    fn statistic(&self) -> f64 {
        self.0.statistic
    }
    /// Two-sided p-value.
    #[getter]
    fn p_value(&self) -> f64 {
        self.0.p_value
    }
    /// Degrees of freedom (numerator df for F).
    #[getter]
    fn df(&self) -> Option<f64> {
        self.0.df
    }
    /// Denominator degrees of freedom (F only).
    #[getter]
    fn df2(&self) -> Option<f64> {
        self.0.df2
    }
    /// Effect size.
    #[getter]
    fn effect_size(&self) -> f64 {
        self.0.effect_size
    }
    /// Name of the effect size.
    #[getter]
    fn effect_size_name(&self) -> &'static str {
        self.0.effect_size_name
    }
    /// Point estimate of the difference, when there is one.
    #[getter]
    fn estimate(&self) -> Option<f64> {
        self.0.estimate
    }
    /// Confidence interval `(lower, upper)` of the estimate, when computed.
    #[getter]
    fn ci(&self) -> Option<(f64, f64)> {
        self.0.ci.map(|c| (c.lower, c.upper))
    }
    /// Confidence level of `ci`.
    #[getter]
    fn ci_level(&self) -> Option<f64> {
        self.0.ci.map(|c| c.level)
    }
    /// Observations used per sample.
    #[getter]
    fn n(&self) -> Vec<usize> {
        self.0.n.clone()
    }
    /// The result as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let r = &self.0;
        d.set_item("test", r.test)?;
        d.set_item("method", r.method)?;
        d.set_item("statistic", r.statistic)?;
        d.set_item("p_value", r.p_value)?;
        d.set_item("df", r.df)?;
        d.set_item("df2", r.df2)?;
        d.set_item("effect_size", r.effect_size)?;
        d.set_item("effect_size_name", r.effect_size_name)?;
        d.set_item("estimate", r.estimate)?;
        d.set_item("ci", self.ci())?;
        d.set_item("ci_level", self.ci_level())?;
        d.set_item("n", r.n.clone())?;
        Ok(d)
    }
    fn _repr_html_(&self) -> String {
        let r = &self.0;
        let opt = |v: Option<f64>| v.map(g).unwrap_or_default();
        format!(
            "<table><caption>{}</caption><tr><th>statistic</th><td>{}</td></tr><tr><th>p-value</th><td>{}</td></tr><tr><th>df</th><td>{}</td></tr><tr><th>effect size</th><td>{}</td></tr><tr><th>method</th><td>{}</td></tr></table>",
            r.test,
            g(r.statistic),
            g(r.p_value),
            opt(r.df),
            g(r.effect_size),
            r.method
        )
    }
    fn __repr__(&self) -> String {
        let r = &self.0;
        let df = match (r.df, r.df2) {
            (Some(a), Some(b)) => format!(", df=({}, {})", g(a), g(b)),
            (Some(a), None) => format!(", df={}", g(a)),
            _ => String::new(),
        };
        let ci =
            r.ci.map(|c| format!(", ci=({}, {})", g(c.lower), g(c.upper)))
                .unwrap_or_default();
        format!(
            "TestResult(test='{}', statistic={}, p_value={}{df}, {}={}{ci})",
            r.test,
            g(r.statistic),
            g(r.p_value),
            r.effect_size_name,
            g(r.effect_size)
        )
    }
}

/// Short display of a number, like Python's `%.6g`.
fn g(x: f64) -> String {
    if x != 0.0 && x.is_finite() && (x.abs() < 1e-4 || x.abs() >= 1e6) {
        format!("{x:.4e}")
    } else {
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0');
        s.strip_suffix('.').unwrap_or(s).to_owned()
    }
}

fn missing(s: &str) -> PyResult<Missing> {
    match s {
        "reject" => Ok(Missing::Reject),
        "skip" => Ok(Missing::Skip),
        _ => Err(bad_literal("missing", &["reject", "skip"], s)),
    }
}

fn count(name: &str, v: i64) -> PyResult<u64> {
    u64::try_from(v).map_err(|_| to_py(CxError::invalid(name, None, v, "must be non-negative")))
}

/// Two-proportion z test (pooled SE) with the unpooled Wald interval of p1 - p2.
#[pyfunction]
#[pyo3(signature = (x1, n1, x2, n2, /, *, level=0.95))]
fn two_proportion_z(
    py: Python<'_>,
    x1: i64,
    n1: i64,
    x2: i64,
    n2: i64,
    level: f64,
) -> PyResult<PyTestResult> {
    let (x1, n1) = (count("x1", x1)?, count("n1", n1)?);
    let (x2, n2) = (count("x2", x2)?, count("n2", n2)?);
    let opts = ProportionOptions::new().level(level);
    run(py, || t::two_proportion_z(x1, n1, x2, n2, opts)).map(PyTestResult)
}

/// Rows of a 2-D table: anything `numpy.asarray(x, float64)` makes 2-D (lists of
/// lists, numpy arrays, a pandas crosstab); ragged rows are passed on as they are
/// so that the core reports the row whose length differs.
fn table_rows(table: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<f64>>> {
    let np = table.py().import("numpy")?;
    if let Ok(arr) = np.call_method1("asarray", (table, "float64"))
        && let Ok(a) = arr.extract::<PyReadonlyArray2<'_, f64>>()
    {
        return Ok(a
            .as_array()
            .rows()
            .into_iter()
            .map(|r| r.to_vec())
            .collect());
    }
    table.extract::<Vec<Vec<f64>>>().map_err(|_| {
        PyTypeError::new_err(
            "`table` must be a 2-D table of counts (list of rows, numpy array, DataFrame)",
        )
    })
}

/// Chi-square test of independence of an r x c table of counts.
#[pyfunction]
#[pyo3(signature = (table, /, *, yates=false))]
fn chi2_independence(
    py: Python<'_>,
    table: &Bound<'_, PyAny>,
    yates: bool,
) -> PyResult<PyTestResult> {
    let table = table_rows(table)?;
    let opts = Chi2Options::new().yates(yates);
    run(py, || t::chi2_independence(&table, opts)).map(PyTestResult)
}

/// Welch's two-sample t test.
#[pyfunction]
#[pyo3(signature = (a, b, /, *, missing="reject"))]
fn welch_t(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    missing: &str,
) -> PyResult<PyTestResult> {
    let opts = TestOptions::from(self::missing(missing)?);
    let (a, b) = (F64Column::extract(a, "a")?, F64Column::extract(b, "b")?);
    let (a, b) = (a.values(), b.values());
    run(py, || t::welch_t(a, b, opts)).map(PyTestResult)
}

/// Paired t test.
#[pyfunction]
#[pyo3(signature = (a, b, /, *, missing="reject"))]
fn paired_t(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    missing: &str,
) -> PyResult<PyTestResult> {
    let opts = TestOptions::from(self::missing(missing)?);
    let (a, b) = (F64Column::extract(a, "a")?, F64Column::extract(b, "b")?);
    let (a, b) = (a.values(), b.values());
    run(py, || t::paired_t(a, b, opts)).map(PyTestResult)
}

/// Mann-Whitney U test (two-sided); the statistic is U of the first sample.
#[pyfunction]
#[pyo3(signature = (a, b, /, *, method="auto", continuity=true, missing="reject"))]
fn mann_whitney_u(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    method: &str,
    continuity: bool,
    missing: &str,
) -> PyResult<PyTestResult> {
    let m = match method {
        "auto" => MwuMethod::Auto,
        "exact" => MwuMethod::Exact,
        "asymptotic" => MwuMethod::Asymptotic,
        _ => {
            return Err(bad_literal(
                "method",
                &["auto", "exact", "asymptotic"],
                method,
            ));
        }
    };
    let opts = MannWhitneyOptions::new()
        .method(m)
        .continuity(continuity)
        .missing(self::missing(missing)?);
    let (a, b) = (F64Column::extract(a, "a")?, F64Column::extract(b, "b")?);
    let (a, b) = (a.values(), b.values());
    run(py, || t::mann_whitney_u(a, b, opts)).map(PyTestResult)
}

fn columns<'py>(groups: &Bound<'py, PyTuple>) -> PyResult<Vec<F64Column<'py>>> {
    groups
        .iter()
        .enumerate()
        .map(|(i, g)| F64Column::extract(&g, &format!("groups[{i}]")))
        .collect()
}

/// One-way ANOVA F test.
#[pyfunction]
#[pyo3(signature = (*groups, missing="reject"))]
fn anova_oneway(
    py: Python<'_>,
    groups: &Bound<'_, PyTuple>,
    missing: &str,
) -> PyResult<PyTestResult> {
    let opts = TestOptions::from(self::missing(missing)?);
    let cols = columns(groups)?;
    let slices: Vec<&[f64]> = cols.iter().map(F64Column::values).collect();
    run(py, || t::anova_oneway(&slices, opts)).map(PyTestResult)
}

/// Kruskal-Wallis H test (tie-corrected).
#[pyfunction]
#[pyo3(signature = (*groups, missing="reject"))]
fn kruskal(py: Python<'_>, groups: &Bound<'_, PyTuple>, missing: &str) -> PyResult<PyTestResult> {
    let opts = TestOptions::from(self::missing(missing)?);
    let cols = columns(groups)?;
    let slices: Vec<&[f64]> = cols.iter().map(F64Column::values).collect();
    run(py, || t::kruskal(&slices, opts)).map(PyTestResult)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTestResult>()?;
    m.add_function(wrap_pyfunction!(two_proportion_z, m)?)?;
    m.add_function(wrap_pyfunction!(chi2_independence, m)?)?;
    m.add_function(wrap_pyfunction!(welch_t, m)?)?;
    m.add_function(wrap_pyfunction!(paired_t, m)?)?;
    m.add_function(wrap_pyfunction!(mann_whitney_u, m)?)?;
    m.add_function(wrap_pyfunction!(anova_oneway, m)?)?;
    m.add_function(wrap_pyfunction!(kruskal, m)?)?;
    Ok(())
}
