//! Bindings of `cx_core::report`: charts and the HTML page from JSON specs.

pub(crate) mod table_html;

use pyo3::prelude::*;

use cx_core::report::{Chart, ControlView, Lang, Note, NoteData, Report};

use crate::error::bad_literal;
use crate::run;
use crate::spc::PyControlChart;

fn lang(s: &str) -> PyResult<Lang> {
    match s {
        "en" => Ok(Lang::En),
        "zh" => Ok(Lang::Zh),
        _ => Err(bad_literal("lang", &["en", "zh"], s)),
    }
}

/// Render one chart given as JSON (`{"kind": "line" | "pareto" | ..., ...}`) to SVG.
#[pyfunction]
#[pyo3(signature = (spec, /, *, lang="en"))]
fn _chart_svg(py: Python<'_>, spec: &str, lang: &str) -> PyResult<String> {
    let l = self::lang(lang)?;
    run(py, || Chart::from_json(spec)?.to_svg(l))
}

/// Render a whole report given as JSON to one HTML page.
#[pyfunction]
#[pyo3(signature = (spec, /))]
fn _render_report(py: Python<'_>, spec: &str) -> PyResult<String> {
    run(py, || Report::from_json(spec)?.to_html())
}

/// The drawable view of a control chart as a JSON chart spec (`kind = "control"`).
#[pyfunction]
#[pyo3(signature = (chart, /, *, title="", x=None))]
fn _control_view(
    chart: PyRef<'_, PyControlChart>,
    title: &str,
    x: Option<Vec<String>>,
) -> PyResult<String> {
    let view = ControlView::from_chart(chart.full(chart.py())?, title, x.unwrap_or_default());
    serde_json::to_string(&Chart::Control(view))
        .map_err(|e| crate::error::to_py(cx_core::CxError::option("chart", e.to_string())))
}

/// The facts of a control chart's summary as a JSON report note (`kind = "control_summary"`).
#[pyfunction]
#[pyo3(signature = (chart, /))]
fn _control_summary(chart: PyRef<'_, PyControlChart>) -> PyResult<String> {
    let note = Note::Data(NoteData::ControlSummary(
        chart.full(chart.py())?.summary_data(),
    ));
    serde_json::to_string(&note)
        .map_err(|e| crate::error::to_py(cx_core::CxError::option("chart", e.to_string())))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_control_summary, m)?)?;
    m.add_function(wrap_pyfunction!(_chart_svg, m)?)?;
    m.add_function(wrap_pyfunction!(_render_report, m)?)?;
    m.add_function(wrap_pyfunction!(_control_view, m)?)?;
    Ok(())
}
