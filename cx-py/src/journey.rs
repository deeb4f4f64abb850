//! Bindings of `cx_core::journey`: the `Journey` class (JSON in Rust, YAML and dicts through
//! Python's `json` and PyYAML), the analysis behind `cx.journey.analyze` and the paths behind
//! `cx.journey.paths`. Results keep the caller's frame kind and hand out their tables as
//! frames of that kind.

use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use chrono_tz::Tz;
use cx_core::CxError;
use cx_core::ingest::{EpochUnit, parse_timestamp, parse_tz};
use cx_core::journey::{self as core, Journey, Unknown};
use pyo3::exceptions::{PyModuleNotFoundError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::input::AnyRecordBatch;

use crate::convert::F64Column;
use crate::error::to_py;
use crate::metrics_group::columns::f64_from_arrow;
use crate::run;

mod results;
mod table;

use results::{PyJourneyAnalysis, PyJourneyPaths};

fn yaml(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("yaml").map_err(|_| {
        PyModuleNotFoundError::new_err(
            "YAML needs PyYAML, an optional dependency: pip install pyyaml (JSON needs nothing)",
        )
    })
}

fn json_value<'py, T: serde::Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(v).map_err(|e| {
        to_py(CxError::Format {
            what: "journey".into(),
            reason: e.to_string(),
        })
    })?;
    py.import("json")?.call_method1("loads", (text,))
}

/// A customer journey: ordered stages, each with actions, thoughts and touchpoints.
#[pyclass(frozen, module = "cx._cx", name = "Journey")]
pub(crate) struct PyJourney(pub(crate) Journey);

#[pymethods]
impl PyJourney {
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Journey::from_json(text).map(Self).map_err(to_py)
    }
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text: String = py
            .import("json")?
            .call_method1("dumps", (data,))
            .map_err(|e| PyTypeError::new_err(format!("`data` must be JSON-like: {e}")))?
            .extract()?;
        Self::from_json(&text)
    }
    #[staticmethod]
    fn from_yaml(py: Python<'_>, text: &str) -> PyResult<Self> {
        let obj = yaml(py)?.call_method1("safe_load", (text,))?;
        Self::from_dict(py, &obj)
    }
    #[staticmethod]
    fn load(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Self> {
        let p: std::path::PathBuf = path.extract()?;
        let text = std::fs::read_to_string(&p).map_err(|e| {
            to_py(CxError::Io {
                path: p.display().to_string(),
                message: e.to_string(),
            })
        })?;
        match p.extension().and_then(|e| e.to_str()) {
            Some("yaml" | "yml") => Self::from_yaml(py, &text),
            _ => Self::from_json(&text),
        }
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_value(py, &self.0)
    }
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&self.0).map_err(|e| {
            to_py(CxError::Format {
                what: "journey".into(),
                reason: e.to_string(),
            })
        })
    }
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }
    #[getter]
    fn stages<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_value(py, &self.0.stages)
    }
    #[getter]
    fn touchpoints<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.0
            .touchpoints()
            .map(|(s, t)| {
                let d = json_value(py, t)?;
                d.set_item("stage_id", self.0.stages[s].id.as_str())?;
                Ok(d)
            })
            .collect()
    }
    fn __len__(&self) -> usize {
        self.0.stages.len()
    }
    fn __repr__(&self) -> String {
        format!(
            "Journey({:?}, stages={}, touchpoints={})",
            self.0.name,
            self.0.stages.len(),
            self.0.touchpoints().count()
        )
    }
    fn _repr_html_(&self) -> String {
        let mut h = format!(
            "<table><caption>{}</caption><tr><th>stage</th><th>touchpoints (channel, owner, expected emotion)</th></tr>",
            table::esc(&self.0.name)
        );
        for s in &self.0.stages {
            let tps: Vec<String> = s
                .touchpoints
                .iter()
                .map(|t| {
                    format!(
                        "{} <code>{}</code> ({}, {}, {})",
                        table::esc(&t.name),
                        table::esc(t.id.as_str()),
                        t.channel.as_str(),
                        table::esc(t.owner_team.as_deref().unwrap_or("–")),
                        t.expected_emotion
                            .map_or_else(|| "–".into(), |e| format!("{e:+.1}"))
                    )
                })
                .collect();
            h.push_str(&format!(
                "<tr><td>{} <code>{}</code></td><td>{}</td></tr>",
                table::esc(&s.name),
                table::esc(s.id.as_str()),
                tps.join("<br>")
            ));
        }
        h.push_str("</table>");
        h
    }
}

/// The named columns of an Arrow-speaking table (absent ones are missing from the map).
fn columns(table: &Bound<'_, PyAny>, names: &[&str]) -> PyResult<HashMap<String, Vec<ArrayRef>>> {
    let any: AnyRecordBatch = table.extract()?;
    let reader = any.into_reader()?;
    let schema = reader.schema();
    let mut out: HashMap<String, Vec<ArrayRef>> = HashMap::new();
    let idx: Vec<(usize, &str)> = names
        .iter()
        .filter_map(|n| schema.index_of(n).ok().map(|i| (i, *n)))
        .collect();
    for batch in reader {
        let batch = batch.map_err(|e| PyTypeError::new_err(e.to_string()))?;
        for &(i, n) in &idx {
            out.entry(n.to_owned())
                .or_default()
                .push(batch.column(i).clone());
        }
    }
    for &(_, n) in &idx {
        out.entry(n.to_owned()).or_default();
    }
    Ok(out)
}

fn text(chunks: &[ArrayRef], param: &str) -> PyResult<Vec<Option<String>>> {
    let mut out = Vec::new();
    for c in chunks {
        let s = arrow_cast::cast(c, &DataType::Utf8)
            .map_err(|e| PyTypeError::new_err(format!("`{param}` must hold text: {e}")))?;
        let s = s.as_string::<i32>();
        out.extend((0..s.len()).map(|i| (!s.is_null(i)).then(|| s.value(i).to_owned())));
    }
    Ok(out)
}

fn required<'a>(cols: &'a HashMap<String, Vec<ArrayRef>>, name: &str) -> PyResult<&'a [ArrayRef]> {
    cols.get(name).map(Vec::as_slice).ok_or_else(|| {
        to_py(CxError::MissingField {
            field: name.to_owned(),
            row: None,
        })
    })
}

/// Times as one integer clock: timestamps as their integer (one unit per column), dates as
/// days, integers as they are, text parsed as RFC 3339 or the ingest formats (with offset).
fn times(chunks: &[ArrayRef], param: &str, tz: Option<Tz>) -> PyResult<Vec<i64>> {
    let mut out = Vec::new();
    for c in chunks {
        let dt = c.data_type();
        if matches!(
            dt,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ) {
            for (row, v) in text(std::slice::from_ref(c), param)?
                .into_iter()
                .enumerate()
            {
                let row = out.len() + row;
                let v = v.ok_or_else(|| {
                    to_py(CxError::MissingField {
                        field: param.to_owned(),
                        row: Some(row),
                    })
                })?;
                let t = parse_timestamp(&v, tz, EpochUnit::Auto)
                    .map_err(|e| to_py(rename(e.at_row(row), "timestamp", param)))?;
                out.push(t.timestamp_millis());
            }
            continue;
        }
        let target = if matches!(dt, DataType::Date32 | DataType::Date64) {
            arrow_cast::cast(c, &DataType::Int32)
                .and_then(|a| arrow_cast::cast(&a, &DataType::Int64))
        } else {
            arrow_cast::cast(c, &DataType::Int64)
        }
        .map_err(|e| PyTypeError::new_err(format!("`{param}` must hold times: {e}")))?;
        let a = target.as_primitive::<Int64Type>();
        for i in 0..a.len() {
            if a.is_null(i) {
                return Err(to_py(CxError::MissingField {
                    field: param.to_owned(),
                    row: Some(out.len()),
                }));
            }
            out.push(a.value(i));
        }
    }
    Ok(out)
}

/// The core names columns by role (`touchpoint`, `nps`, ...): give the user's name back.
fn rename(e: CxError, from: &str, to: &str) -> CxError {
    match e {
        CxError::InvalidValue {
            field,
            row,
            value,
            reason,
        } if field == from => CxError::InvalidValue {
            field: to.to_owned(),
            row,
            value,
            reason,
        },
        CxError::MissingField { field, row } if field == from => CxError::MissingField {
            field: to.to_owned(),
            row,
        },
        CxError::MissingTimeZone { field, row, value } if field == from => {
            CxError::MissingTimeZone {
                field: to.to_owned(),
                row,
                value,
            }
        }
        other => other,
    }
}

fn unknown(s: &str) -> PyResult<Unknown> {
    s.parse()
        .map_err(|_| crate::error::bad_literal("unknown", &["error", "count"], s))
}

#[pyfunction]
#[pyo3(signature = (journey, table, /, *, frame_kind, touchpoint, score, nps, csat, ces, kind, complaint, fdr, level, unknown, min_n, opportunity_volume))]
#[allow(clippy::too_many_arguments)]
fn _journey_analyze(
    py: Python<'_>,
    journey: PyRef<'_, PyJourney>,
    table: &Bound<'_, PyAny>,
    frame_kind: String,
    touchpoint: &str,
    score: &str,
    nps: &str,
    csat: &str,
    ces: &str,
    kind: Option<&str>,
    complaint: Vec<String>,
    fdr: f64,
    level: f64,
    unknown: &str,
    min_n: u64,
    opportunity_volume: f64,
) -> PyResult<PyJourneyAnalysis> {
    let metric: core::Score = score
        .parse()
        .map_err(|_| crate::error::bad_literal("score", &["nps", "csat", "ces"], score))?;
    let unknown = self::unknown(unknown)?;
    let mut wanted = vec![touchpoint, nps, csat, ces];
    wanted.extend(kind);
    let cols = columns(table, &wanted)?;
    let tp = text(required(&cols, touchpoint)?, touchpoint)?;
    let num = |name: &str| -> PyResult<Option<Vec<f64>>> {
        cols.get(name).map(|c| f64_from_arrow(c, name)).transpose()
    };
    let (v_nps, v_csat, v_ces) = (num(nps)?, num(csat)?, num(ces)?);
    let flags: Option<Vec<bool>> = match kind.and_then(|k| cols.get(k).map(|c| (k, c))) {
        Some((k, c)) => Some(
            text(c, k)?
                .into_iter()
                .map(|v| v.is_some_and(|v| complaint.iter().any(|c| c == v.trim())))
                .collect(),
        ),
        None => None,
    };
    let j = &journey.0;
    let out = run(py, || {
        let tp_refs: Vec<Option<&str>> = tp.iter().map(Option::as_deref).collect();
        let mut r = core::Responses::new(&tp_refs);
        if let Some(v) = &v_nps {
            r = r.nps(v);
        }
        if let Some(v) = &v_csat {
            r = r.csat(v);
        }
        if let Some(v) = &v_ces {
            r = r.ces(v);
        }
        if let Some(f) = &flags {
            r = r.complaint(f);
        }
        let opts = core::AnalysisOptions::new()
            .score(metric)
            .fdr(fdr)
            .level(level)
            .unknown(unknown)
            .min_n(min_n)
            .opportunity_volume(opportunity_volume);
        core::analyze(j, &r, opts).map_err(|e| {
            let e = rename(e, "touchpoint", touchpoint);
            let e = rename(e, "nps", nps);
            let e = rename(e, "csat", csat);
            rename(e, "ces", ces)
        })
    })?;
    Ok(PyJourneyAnalysis::new(out, frame_kind, j.clone()))
}

#[pyfunction]
#[pyo3(signature = (table, /, *, frame_kind, customer, time, touchpoint, journey=None, top=10, max_steps=5, unknown="error", level="touchpoint", tz=None))]
#[allow(clippy::too_many_arguments)]
fn _journey_paths(
    py: Python<'_>,
    table: &Bound<'_, PyAny>,
    frame_kind: String,
    customer: &str,
    time: &str,
    touchpoint: &str,
    journey: Option<PyRef<'_, PyJourney>>,
    top: usize,
    max_steps: usize,
    unknown: &str,
    level: &str,
    tz: Option<&str>,
) -> PyResult<PyJourneyPaths> {
    let tz = tz.map(parse_tz).transpose().map_err(to_py)?;
    let unknown = self::unknown(unknown)?;
    let level: core::PathLevel = level
        .parse()
        .map_err(|_| crate::error::bad_literal("level", &["touchpoint", "stage"], level))?;
    let cols = columns(table, &[customer, time, touchpoint])?;
    let cust = text(required(&cols, customer)?, customer)?;
    let nodes = text(required(&cols, touchpoint)?, touchpoint)?;
    let t = times(required(&cols, time)?, time, tz)?;
    let j = journey.as_ref().map(|j| j.0.clone());
    let out = run(py, || {
        let c: Vec<Option<&str>> = cust.iter().map(Option::as_deref).collect();
        let n: Vec<Option<&str>> = nodes.iter().map(Option::as_deref).collect();
        let opts = core::PathOptions::new()
            .top(top)
            .max_steps(max_steps)
            .unknown(unknown)
            .level(level);
        core::paths(j.as_ref(), &c, &t, &n, opts).map_err(|e| {
            let e = rename(e, "touchpoint", touchpoint);
            rename(e, "customer", customer)
        })
    })?;
    Ok(PyJourneyPaths::new(out, frame_kind))
}

#[pyfunction]
#[pyo3(signature = (p_values, /))]
fn benjamini_hochberg(py: Python<'_>, p_values: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    let p = F64Column::extract(p_values, "p_values")?;
    let v = p.values();
    run(py, || core::benjamini_hochberg(v))
}

#[pyfunction]
#[pyo3(signature = (journey, table, /, *, frame_kind, customer, touchpoint, score, unknown, outcomes=None, outcome="nps"))]
#[allow(clippy::too_many_arguments)]
fn _journey_experience<'py>(
    py: Python<'py>,
    journey: PyRef<'_, PyJourney>,
    table: &Bound<'py, PyAny>,
    frame_kind: String,
    customer: &str,
    touchpoint: &str,
    score: &str,
    unknown: &str,
    outcomes: Option<&Bound<'py, PyAny>>,
    outcome: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let unknown = self::unknown(unknown)?;
    let cols = columns(table, &[customer, touchpoint, score])?;
    let cust = text(required(&cols, customer)?, customer)?;
    let tp = text(required(&cols, touchpoint)?, touchpoint)?;
    let scores = f64_from_arrow(required(&cols, score)?, score)?;
    let out_cols = outcomes
        .map(|o| columns(o, &[customer, outcome]))
        .transpose()?;
    let (o_cust, o_y) = match &out_cols {
        Some(oc) => (
            Some(text(required(oc, customer)?, customer)?),
            Some(f64_from_arrow(required(oc, outcome)?, outcome)?),
        ),
        None => (None, None),
    };
    let j = &journey.0;
    let rename_all = |e: CxError| {
        let e = rename(e, "touchpoint", touchpoint);
        rename(e, "score", score)
    };
    let m = run(py, || {
        let c: Vec<Option<&str>> = cust.iter().map(Option::as_deref).collect();
        let t: Vec<Option<&str>> = tp.iter().map(Option::as_deref).collect();
        core::ExperienceMatrix::build(j, &c, &t, &scores, unknown).map_err(rename_all)
    })?;
    let tab = match (o_cust, o_y) {
        (Some(oc), Some(oy)) => {
            let d = run(py, || {
                let (ids, ys): (Vec<&str>, Vec<f64>) = oc
                    .iter()
                    .zip(&oy)
                    .filter_map(|(c, &y)| c.as_deref().map(|c| (c, y)))
                    .unzip();
                m.design(&ids, &ys)
            })?;
            let mut tab = table::Table::new().str(customer, d.customers.iter().cloned().map(Some));
            for (id, col) in d.touchpoints.iter().zip(&d.columns) {
                tab = tab.f64(id.clone(), col.iter().copied().map(Some));
            }
            tab.f64(outcome, d.y.iter().copied().map(Some))
        }
        _ => {
            let p = m.touchpoints.len();
            let mut tab = table::Table::new().str(customer, m.customers.iter().cloned().map(Some));
            for (jx, id) in m.touchpoints.iter().enumerate() {
                tab = tab.f64(
                    id.clone(),
                    (0..m.customers.len()).map(|r| Some(m.values[r * p + jx])),
                );
            }
            tab
        }
    };
    tab.frame(py, &frame_kind)
}

#[pyfunction]
#[pyo3(signature = (touchpoints, importance, /, *, cumulative_share=0.8))]
fn moments_of_truth<'py>(
    py: Python<'py>,
    touchpoints: Vec<String>,
    importance: Vec<f64>,
    cumulative_share: f64,
) -> PyResult<Bound<'py, pyo3::types::PyList>> {
    let m = run(py, || {
        core::moments_of_truth(&touchpoints, &importance, cumulative_share)
    })?;
    let out = pyo3::types::PyList::empty(py);
    for x in m {
        let d = PyDict::new(py);
        d.set_item("touchpoint_id", x.touchpoint_id)?;
        d.set_item("importance", x.importance)?;
        d.set_item("share", x.share)?;
        d.set_item("rank", x.rank)?;
        out.append(d)?;
    }
    Ok(out)
}

/// Options as a dict (for `to_dict`).
pub(crate) fn options_dict<'py>(
    py: Python<'py>,
    o: &core::AnalysisOptions,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("score", o.score.name())?;
    d.set_item("fdr", o.fdr)?;
    d.set_item("level", o.level)?;
    d.set_item("min_n", o.min_n)?;
    d.set_item("opportunity_volume", o.opportunity_volume)?;
    Ok(d)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyJourney>()?;
    m.add_class::<PyJourneyAnalysis>()?;
    m.add_class::<PyJourneyPaths>()?;
    m.add_function(wrap_pyfunction!(_journey_analyze, m)?)?;
    m.add_function(wrap_pyfunction!(_journey_paths, m)?)?;
    m.add_function(wrap_pyfunction!(benjamini_hochberg, m)?)?;
    m.add_function(wrap_pyfunction!(_journey_experience, m)?)?;
    m.add_function(wrap_pyfunction!(moments_of_truth, m)?)?;
    Ok(())
}
