//! Bindings of `cx_core::metrics`: NPS, CSAT and CES with intervals, comparisons, sample size.

use cx_core::metrics::{
    self, CesOptions, CesScale, CesSummary, Comparison, CsatOptions, CsatScale, CsatSummary,
    NpsInterval, NpsOptions, NpsSummary, ProportionInterval, SampleSize,
};
use numpy::{PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::F64Column;
use crate::error::{bad_literal, to_py};
use crate::progress::PyProgress;
use crate::run;

/// Define a frozen result class with getters, `to_dict()`, `__repr__` and `_repr_html_`.
macro_rules! result_class {
    ($py:ident, $core:ty, $name:literal, [$($field:ident : $ty:ty => $conv:expr),* $(,)?]) => {
        #[doc = concat!("Python view of `", stringify!($core), "`.")]
        #[pyclass(frozen, module = "cx._cx", name = $name)]
        pub(crate) struct $py(pub(crate) $core);

        #[pymethods]
        impl $py {
            $(
                #[getter]
                fn $field(&self) -> $ty {
                    #[allow(clippy::redundant_closure_call)]
                    ($conv)(&self.0)
                }
            )*
            /// The fields as a dict.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                let d = PyDict::new(py);
                $( d.set_item(stringify!($field), self.$field())?; )*
                Ok(d)
            }
            fn __repr__(&self) -> String {
                let parts: Vec<String> = vec![$(format!("{}={}", stringify!($field), fmt_value(&self.$field()))),*];
                format!("{}({})", $name, parts.join(", "))
            }
            fn _repr_html_(&self) -> String {
                let rows: Vec<String> = vec![$(format!("<tr><th style=\"text-align:left\">{}</th><td>{}</td></tr>", stringify!($field), html_escape(&fmt_value(&self.$field())))),*];
                format!("<table><caption>{}</caption>{}</table>", $name, rows.join(""))
            }
        }
    };
}

pub(crate) use result_class;

pub(crate) trait FmtValue {
    fn fmt_value(&self) -> String;
}
impl FmtValue for f64 {
    fn fmt_value(&self) -> String {
        format!("{self:.6}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}
impl FmtValue for u64 {
    fn fmt_value(&self) -> String {
        self.to_string()
    }
}
impl FmtValue for u8 {
    fn fmt_value(&self) -> String {
        self.to_string()
    }
}
impl FmtValue for &'static str {
    fn fmt_value(&self) -> String {
        format!("{self:?}")
    }
}
impl FmtValue for Option<f64> {
    fn fmt_value(&self) -> String {
        self.map_or("None".into(), |v| v.fmt_value())
    }
}
pub(crate) fn fmt_value<T: FmtValue>(v: &T) -> String {
    v.fmt_value()
}
pub(crate) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

result_class!(PyNpsSummary, NpsSummary, "NpsSummary", [
    score: f64 => |s: &NpsSummary| s.score,
    ci_low: f64 => |s: &NpsSummary| s.ci_low,
    ci_high: f64 => |s: &NpsSummary| s.ci_high,
    standard_error: f64 => |s: &NpsSummary| s.standard_error,
    n: u64 => |s: &NpsSummary| s.n,
    n_missing: u64 => |s: &NpsSummary| s.n_missing,
    n_promoters: u64 => |s: &NpsSummary| s.n_promoters,
    n_passives: u64 => |s: &NpsSummary| s.n_passives,
    n_detractors: u64 => |s: &NpsSummary| s.n_detractors,
    promoter_share: f64 => |s: &NpsSummary| s.promoter_share,
    passive_share: f64 => |s: &NpsSummary| s.passive_share,
    detractor_share: f64 => |s: &NpsSummary| s.detractor_share,
    method: &'static str => |s: &NpsSummary| s.method.name(),
    level: f64 => |s: &NpsSummary| s.level,
    sum_weights: f64 => |s: &NpsSummary| s.sum_weights,
    effective_n: f64 => |s: &NpsSummary| s.effective_n,
]);

result_class!(PyCsatSummary, CsatSummary, "CsatSummary", [
    score: f64 => |s: &CsatSummary| s.score,
    ci_low: f64 => |s: &CsatSummary| s.ci_low,
    ci_high: f64 => |s: &CsatSummary| s.ci_high,
    n_top_box: u64 => |s: &CsatSummary| s.n_top_box,
    n: u64 => |s: &CsatSummary| s.n,
    n_missing: u64 => |s: &CsatSummary| s.n_missing,
    mean: f64 => |s: &CsatSummary| s.mean,
    sd: f64 => |s: &CsatSummary| s.sd,
    mean_ci_low: f64 => |s: &CsatSummary| s.mean_ci_low,
    mean_ci_high: f64 => |s: &CsatSummary| s.mean_ci_high,
    scale: &'static str => |s: &CsatSummary| s.scale.name(),
    top_box: u8 => |s: &CsatSummary| s.top_box,
    method: &'static str => |s: &CsatSummary| s.method.name(),
    level: f64 => |s: &CsatSummary| s.level,
]);

result_class!(PyCesSummary, CesSummary, "CesSummary", [
    mean: f64 => |s: &CesSummary| s.mean,
    sd: f64 => |s: &CesSummary| s.sd,
    standard_error: f64 => |s: &CesSummary| s.standard_error,
    ci_low: f64 => |s: &CesSummary| s.ci_low,
    ci_high: f64 => |s: &CesSummary| s.ci_high,
    n: u64 => |s: &CesSummary| s.n,
    n_missing: u64 => |s: &CesSummary| s.n_missing,
    n_favorable: u64 => |s: &CesSummary| s.n_favorable,
    favorable_pct: f64 => |s: &CesSummary| s.favorable_pct,
    favorable_ci_low: f64 => |s: &CesSummary| s.favorable_ci_low,
    favorable_ci_high: f64 => |s: &CesSummary| s.favorable_ci_high,
    scale: &'static str => |s: &CesSummary| s.scale.name(),
    method: &'static str => |s: &CesSummary| s.method.name(),
    level: f64 => |s: &CesSummary| s.level,
]);

result_class!(PyComparison, Comparison, "Comparison", [
    difference: f64 => |s: &Comparison| s.difference,
    standard_error: f64 => |s: &Comparison| s.standard_error,
    statistic: f64 => |s: &Comparison| s.statistic,
    df: Option<f64> => |s: &Comparison| s.df,
    p_value: f64 => |s: &Comparison| s.p_value,
    ci_low: f64 => |s: &Comparison| s.ci_low,
    ci_high: f64 => |s: &Comparison| s.ci_high,
    level: f64 => |s: &Comparison| s.level,
]);

result_class!(PySampleSize, SampleSize, "SampleSize", [
    n: u64 => |s: &SampleSize| s.n,
    n_exact: f64 => |s: &SampleSize| s.n_exact,
    variance: f64 => |s: &SampleSize| s.variance,
    margin: f64 => |s: &SampleSize| s.margin,
    level: f64 => |s: &SampleSize| s.level,
]);

const NPS_CI: &[&str] = &["adjusted-wald", "wald", "bootstrap"];

pub(crate) fn nps_options(ci: &str, level: f64, resamples: u32, seed: u64) -> PyResult<NpsOptions> {
    let interval = match ci {
        "adjusted-wald" => NpsInterval::AdjustedWald,
        "wald" => NpsInterval::Wald,
        "bootstrap" => NpsInterval::Bootstrap { resamples, seed },
        other => return Err(bad_literal("ci", NPS_CI, other)),
    };
    Ok(NpsOptions::new().interval(interval).level(level))
}

pub(crate) fn parse<T: std::str::FromStr<Err = cx_core::CxError>>(s: &str) -> PyResult<T> {
    s.parse().map_err(to_py)
}

/// Net Promoter Score with a confidence interval.
#[pyfunction]
#[pyo3(signature = (scores, /, *, weights=None, ci="adjusted-wald", level=0.95, resamples=2000, seed=0, progress=None))]
#[allow(clippy::too_many_arguments)]
fn nps(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    weights: Option<&Bound<'_, PyAny>>,
    ci: &str,
    level: f64,
    resamples: u32,
    seed: u64,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNpsSummary> {
    let opts = nps_options(ci, level, resamples, seed)?;
    let progress = PyProgress::new(progress, "bootstrap")?;
    if weights.is_none()
        && let Ok(a) = scores.extract::<PyReadonlyArray1<'_, u8>>()
        && a.is_contiguous()
    {
        let s = a.as_slice().unwrap_or(&[]);
        return PyProgress::run(py, &progress, || match PyProgress::as_dyn(&progress) {
            Some(p) => metrics::nps_u8_progress(s, opts, p),
            None => metrics::nps_u8(s, opts),
        })
        .map(PyNpsSummary);
    }
    let scores = F64Column::extract(scores, "scores")?;
    let s = scores.values();
    match weights {
        None => PyProgress::run(py, &progress, || match PyProgress::as_dyn(&progress) {
            Some(p) => metrics::nps_progress(s, opts, p),
            None => metrics::nps(s, opts),
        }),
        Some(w) => {
            let w = F64Column::extract(w, "weights")?;
            let wv = w.values();
            run(py, || metrics::weighted_nps(s, wv, opts))
        }
    }
    .map(PyNpsSummary)
}

/// CSAT: top-box share with an interval, and the mean score.
#[pyfunction]
#[pyo3(signature = (scores, /, *, scale="1-5", top_box=2, ci="wilson", level=0.95))]
fn csat(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    scale: &str,
    top_box: u8,
    ci: &str,
    level: f64,
) -> PyResult<PyCsatSummary> {
    let opts = CsatOptions::new()
        .scale(parse::<CsatScale>(scale)?)
        .top_box(top_box)
        .interval(parse::<ProportionInterval>(ci)?)
        .level(level);
    let col = F64Column::extract(scores, "scores")?;
    let s = col.values();
    run(py, || metrics::csat(s, opts)).map(PyCsatSummary)
}

/// CES: mean with a t-interval and the share agreeing.
#[pyfunction]
#[pyo3(signature = (scores, /, *, scale="1-7", ci="wilson", level=0.95))]
fn ces(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    scale: &str,
    ci: &str,
    level: f64,
) -> PyResult<PyCesSummary> {
    let opts = CesOptions::new()
        .scale(parse::<CesScale>(scale)?)
        .interval(parse::<ProportionInterval>(ci)?)
        .level(level);
    let col = F64Column::extract(scores, "scores")?;
    let s = col.values();
    run(py, || metrics::ces(s, opts)).map(PyCesSummary)
}

/// Compare the NPS of two samples.
#[pyfunction]
#[pyo3(signature = (a, b, /, *, ci="adjusted-wald", level=0.95))]
fn compare_nps(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    ci: &str,
    level: f64,
) -> PyResult<PyComparison> {
    let opts = nps_options(ci, level, 0, 0)?;
    let (a, b) = (F64Column::extract(a, "a")?, F64Column::extract(b, "b")?);
    let (av, bv) = (a.values(), b.values());
    run(py, || metrics::compare_nps(av, bv, opts)).map(PyComparison)
}

/// Compare two proportions (e.g. CSAT top-box shares).
#[pyfunction]
#[pyo3(signature = (x1, n1, x2, n2, /, *, level=0.95))]
fn compare_proportions(x1: u64, n1: u64, x2: u64, n2: u64, level: f64) -> PyResult<PyComparison> {
    metrics::compare_proportions(x1, n1, x2, n2, level)
        .map(PyComparison)
        .map_err(to_py)
}

/// Compare two means with Welch's t-test (e.g. CES).
#[pyfunction]
#[pyo3(signature = (a, b, /, *, level=0.95))]
fn compare_means(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    level: f64,
) -> PyResult<PyComparison> {
    let (a, b) = (F64Column::extract(a, "a")?, F64Column::extract(b, "b")?);
    let (av, bv) = (a.values(), b.values());
    run(py, || metrics::compare_means(av, bv, level)).map(PyComparison)
}

/// Sample size for a target margin of error.
#[pyfunction]
#[pyo3(signature = (margin, /, *, metric="nps", level=0.95, expected=None))]
fn sample_size(
    margin: f64,
    metric: &str,
    level: f64,
    expected: Option<&Bound<'_, PyAny>>,
) -> PyResult<PySampleSize> {
    let r = match metric {
        "nps" => {
            let e = expected.map(|e| e.extract::<(f64, f64)>()).transpose()?;
            metrics::sample_size_nps(margin, level, e)
        }
        "proportion" => {
            let e = expected.map(|e| e.extract::<f64>()).transpose()?;
            metrics::sample_size_proportion(margin, level, e)
        }
        other => return Err(bad_literal("metric", &["nps", "proportion"], other)),
    };
    r.map(PySampleSize).map_err(to_py)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyNpsSummary>()?;
    m.add_class::<PyCsatSummary>()?;
    m.add_class::<PyCesSummary>()?;
    m.add_class::<PyComparison>()?;
    m.add_class::<PySampleSize>()?;
    m.add_function(wrap_pyfunction!(nps, m)?)?;
    m.add_function(wrap_pyfunction!(csat, m)?)?;
    m.add_function(wrap_pyfunction!(ces, m)?)?;
    m.add_function(wrap_pyfunction!(compare_nps, m)?)?;
    m.add_function(wrap_pyfunction!(compare_proportions, m)?)?;
    m.add_function(wrap_pyfunction!(compare_means, m)?)?;
    m.add_function(wrap_pyfunction!(sample_size, m)?)?;
    Ok(())
}
