//! Bindings of `cx_core::cases`: the router and (step by step) the case store.
//! Records cross the boundary as JSON text, which `python/cx/cases.py` turns into
//! Python objects; the work is in the core.

use std::sync::Mutex;

use chrono::{DateTime, FixedOffset};
use cx_core::CxError;
use cx_core::cases::Case;
use cx_core::cases::loop_metrics::{LoopOptions, loop_metrics};
use cx_core::cases::routing::{RouteDecision, RouteInput, Router, RoutingRules, Taxonomy};
use cx_core::cases::store::{
    CaseChange, CaseEvent, CaseFilter, CaseStore, Principal, SqliteCaseStore, escalate_at_risk,
};
use cx_core::model::{Channel, Consent, FeedbackKind};
use pyo3::prelude::*;

use crate::error::to_py;
use crate::ops::{PyBusinessCalendar, PySlaPolicy};
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

// ---------------------------------------------------------------- store

/// The SQLite case store for one principal (wrapped by `cx.cases.CaseStore`).
#[pyclass(frozen, module = "cx._cx", name = "_CaseStore")]
pub(crate) struct PyCaseStore {
    pub(crate) store: Mutex<SqliteCaseStore>,
    pub(crate) principal: Principal,
}

pub(crate) fn instant(s: &str, field: &str) -> cx_core::Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).map_err(|e| CxError::invalid(field, None, s, e.to_string()))
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> cx_core::Result<String> {
    serde_json::to_string(v).map_err(|e| CxError::Format {
        what: "case store record".into(),
        reason: e.to_string(),
    })
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> cx_core::Result<T> {
    serde_json::from_str(s).map_err(|e| CxError::Format {
        what: what.into(),
        reason: e.to_string(),
    })
}

fn change_from_json(s: &str) -> cx_core::Result<CaseChange> {
    let v: serde_json::Value = from_json(s, "change")?;
    let get = |k: &str| v.get(k).cloned().unwrap_or(serde_json::Value::Null);
    let text = |k: &str| get(k).as_str().map(str::to_owned);
    match text("op").as_deref() {
        Some("transition") => Ok(CaseChange::Transition(
            text("transition").unwrap_or_default().parse()?,
        )),
        Some("assign") => Ok(CaseChange::Assign {
            team: text("team").unwrap_or_default(),
            assignee: text("assignee"),
        }),
        Some("plan_follow_up") => Ok(CaseChange::PlanFollowUp {
            consent: Consent::all()
                .follow_up_calls(get("follow_up_calls").as_bool().unwrap_or(false)),
            delay_secs: get("delay_secs").as_i64().unwrap_or(0),
        }),
        Some("record_follow_up") => {
            Ok(CaseChange::RecordFollowUp {
                outcome: text("outcome").unwrap_or_default().parse()?,
                resurvey_score: match get("resurvey_score").as_u64() {
                    Some(x) => Some(u8::try_from(x).map_err(|_| {
                        CxError::invalid("resurvey_score", None, x, "outside 0..=10")
                    })?),
                    None => None,
                },
            })
        }
        other => Err(CxError::option("op", format!("unknown change {other:?}"))),
    }
}

impl PyCaseStore {
    pub(crate) fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut SqliteCaseStore, &Principal) -> cx_core::Result<T> + Send,
    ) -> PyResult<T> {
        run(py, || {
            let mut g = self.store.lock().map_err(|_| CxError::Io {
                path: "case store".into(),
                message: "the store lock was poisoned".into(),
            })?;
            f(&mut g, &self.principal)
        })
    }
}

#[pymethods]
impl PyCaseStore {
    #[new]
    #[pyo3(signature = (path, principal_json, /))]
    fn new(py: Python<'_>, path: String, principal_json: &str) -> PyResult<Self> {
        let principal: Principal = from_json(principal_json, "principal").map_err(to_py)?;
        let store = run(py, move || SqliteCaseStore::open(&path))?;
        Ok(Self {
            store: Mutex::new(store),
            principal,
        })
    }

    fn schema_version(&self, py: Python<'_>) -> PyResult<i64> {
        self.with(py, |s, _| s.schema_version())
    }

    #[pyo3(signature = (cases_json, /))]
    fn create_many(&self, py: Python<'_>, cases_json: &str) -> PyResult<usize> {
        let cases: Vec<Case> = from_json(cases_json, "cases").map_err(to_py)?;
        self.with(py, move |s, p| s.create_many(p, &cases))
    }

    #[pyo3(signature = (id, /))]
    fn get(&self, py: Python<'_>, id: &str) -> PyResult<String> {
        self.with(py, |s, p| to_json(&s.get(p, id)?))
    }

    #[pyo3(signature = (id, version, change_json, at, /))]
    fn change(
        &self,
        py: Python<'_>,
        id: &str,
        version: u64,
        change_json: &str,
        at: &str,
    ) -> PyResult<String> {
        self.with(py, |s, p| {
            let ch = change_from_json(change_json)?;
            let at = instant(at, "at")?;
            to_json(&s.change(p, id, version, &ch, at)?)
        })
    }

    #[pyo3(signature = (team, state, limit, /))]
    fn list_cases(
        &self,
        py: Python<'_>,
        team: Option<String>,
        state: Option<String>,
        limit: Option<usize>,
    ) -> PyResult<String> {
        self.with(py, move |s, p| {
            let mut f = CaseFilter::new();
            if let Some(t) = team {
                f = f.team(t);
            }
            if let Some(st) = state {
                f = f.state(st.parse()?);
            }
            if let Some(l) = limit {
                f = f.limit(l);
            }
            to_json(&s.list(p, &f)?)
        })
    }

    #[pyo3(signature = (id, /))]
    fn audit(&self, py: Python<'_>, id: &str) -> PyResult<String> {
        self.with(py, |s, p| to_json(&s.audit(p, id)?))
    }

    #[pyo3(signature = (case_id, at, kind, actor, /))]
    fn insert_events(
        &self,
        py: Python<'_>,
        case_id: Vec<String>,
        at: Vec<i64>,
        kind: Vec<String>,
        actor: Vec<String>,
    ) -> PyResult<usize> {
        let n = case_id.len();
        for (what, len) in [
            ("at", at.len()),
            ("kind", kind.len()),
            ("actor", actor.len()),
        ] {
            if len != n {
                return Err(to_py(CxError::LengthMismatch {
                    what: what.into(),
                    expected: n,
                    got: len,
                }));
            }
        }
        self.with(py, move |s, p| {
            let events: Vec<CaseEvent> = case_id
                .into_iter()
                .zip(at)
                .zip(kind.into_iter().zip(actor))
                .map(|((c, t), (k, a))| CaseEvent::new(c, t, k, a))
                .collect();
            s.insert_events(p, &events)
        })
    }

    #[pyo3(signature = (case_id, /))]
    fn count_events(&self, py: Python<'_>, case_id: Option<String>) -> PyResult<u64> {
        self.with(py, move |s, p| s.count_events(p, case_id.as_deref()))
    }

    #[pyo3(signature = (policies, calendar, as_of, at_share, /))]
    fn escalate_at_risk(
        &self,
        py: Python<'_>,
        policies: Vec<PyRef<'_, PySlaPolicy>>,
        calendar: Option<PyRef<'_, PyBusinessCalendar>>,
        as_of: &str,
        at_share: f64,
    ) -> PyResult<String> {
        let policies: Vec<cx_core::ops::SlaPolicy> = policies.iter().map(|p| p.0.clone()).collect();
        let calendar = calendar.map(|c| c.0.clone());
        self.with(py, |s, p| {
            let as_of = instant(as_of, "as_of")?;
            let done = escalate_at_risk(s, p, &policies, calendar.as_ref(), as_of, at_share)?;
            to_json(&done)
        })
    }

    #[pyo3(signature = (as_of, contact_within_secs, level, /))]
    fn loop_metrics(
        &self,
        py: Python<'_>,
        as_of: &str,
        contact_within_secs: i64,
        level: f64,
    ) -> PyResult<String> {
        self.with(py, |s, p| {
            let as_of = instant(as_of, "as_of")?;
            let cases = s.list(p, &CaseFilter::new())?;
            let opts = LoopOptions::new()
                .contact_within_secs(contact_within_secs)
                .level(level);
            to_json(&loop_metrics(&cases, as_of, &opts)?)
        })
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRouter>()?;
    m.add_class::<PyCaseStore>()?;
    Ok(())
}
