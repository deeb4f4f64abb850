//! Bindings of `cx_core::cases`: the router and (step by step) the case store.
//! Records cross the boundary as JSON text, which `python/cx/cases.py` turns into
//! Python objects; the work is in the core.

use cx_core::CxError;
use cx_core::cases::routing::{RouteDecision, RouteInput, Router, RoutingRules, Taxonomy};
use cx_core::model::{Channel, FeedbackKind};
use pyo3::prelude::*;

use crate::error::to_py;
use crate::run;

/// Compiled routing rules and taxonomy (wrapped by `cx.cases.Router`).
#[pyclass(frozen, module = "cx._cx", name = "_Router")]
struct PyRouter(Router);

fn json_err(what: &str, e: &serde_json::Error) -> PyErr {
    to_py(CxError::Format {
        what: what.into(),
        reason: e.to_string(),
    })
}

fn decision_json(d: &RouteDecision) -> PyResult<String> {
    let mut v = serde_json::to_value(d).map_err(|e| json_err("route decision", &e))?;
    if let Some(o) = v.as_object_mut() {
        o.insert("explanation".into(), d.explain().into());
    }
    Ok(v.to_string())
}

#[pymethods]
impl PyRouter {
    #[new]
    #[pyo3(signature = (rules_json, topics_json, /))]
    fn new(py: Python<'_>, rules_json: &str, topics_json: &str) -> PyResult<Self> {
        let (r, t) = (rules_json.to_owned(), topics_json.to_owned());
        run(py, move || {
            Router::new(RoutingRules::from_json(&r)?, Taxonomy::from_json(&t)?).map(PyRouter)
        })
    }

    /// Route columns of equal length; one JSON decision per row.
    #[pyo3(signature = (channel, kind, nps, csat, segment, text, /))]
    #[allow(clippy::too_many_arguments)]
    fn route_many(
        &self,
        py: Python<'_>,
        channel: Vec<Option<String>>,
        kind: Vec<Option<String>>,
        nps: Vec<Option<u8>>,
        csat: Vec<Option<u8>>,
        segment: Vec<Option<String>>,
        text: Vec<Option<String>>,
    ) -> PyResult<Vec<String>> {
        let n = channel.len();
        for (what, len) in [
            ("kind", kind.len()),
            ("nps", nps.len()),
            ("csat", csat.len()),
            ("segment", segment.len()),
            ("text", text.len()),
        ] {
            if len != n {
                return Err(to_py(CxError::LengthMismatch {
                    what: what.into(),
                    expected: n,
                    got: len,
                }));
            }
        }
        let decisions = run(py, || {
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let ch = match &channel[i] {
                    Some(c) => Some(c.parse::<Channel>().map_err(|e| e.at_row(i))?),
                    None => None,
                };
                let k = match &kind[i] {
                    Some(k) => Some(k.parse::<FeedbackKind>().map_err(|e| e.at_row(i))?),
                    None => None,
                };
                for (field, v) in [("nps", nps[i]), ("csat", csat[i])] {
                    if let Some(v) = v.filter(|v| *v > 10) {
                        return Err(CxError::invalid(field, Some(i), v, "outside 0..=10"));
                    }
                }
                let input = RouteInput {
                    channel: ch.as_ref(),
                    kind: k,
                    nps: nps[i],
                    csat: csat[i],
                    segment: segment[i].as_deref(),
                    text: text[i].as_deref(),
                };
                out.push(self.0.route(&input));
            }
            Ok(out)
        })?;
        decisions.iter().map(decision_json).collect()
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRouter>()?;
    Ok(())
}
