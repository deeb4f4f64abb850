//! Bindings of `cx_core::dmaic` as `cx.dmaic`: the DMAIC `Project`.
//!
//! Lists of records (CTQs, causes, actions, ...) cross to Python as plain dicts
//! through their serde JSON form, so Python sees exactly what `to_json()` writes.
//! YAML goes through PyYAML (imported lazily): no well-kept Rust YAML crate exists.

use chrono::{DateTime, FixedOffset, NaiveDate};
use cx_core::CxError;
use cx_core::dmaic::{
    ActionStatus, ControlPlanEntry, Criterion, Ctq, Goal, Phase, Project, Role, Sipoc, SixM, Spec,
    TollgateReport,
};
use pyo3::exceptions::{PyModuleNotFoundError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde::Serialize;

use crate::error::to_py;

fn core<T>(r: cx_core::Result<T>) -> PyResult<T> {
    r.map_err(to_py)
}

fn parse<T: std::str::FromStr<Err = CxError>>(s: &str) -> PyResult<T> {
    core(s.parse())
}

/// Serialize to JSON and load it with Python's `json` module.
fn to_py_obj<'py>(py: Python<'py>, v: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(v).map_err(|e| {
        to_py(CxError::Format {
            what: "dmaic".into(),
            reason: e.to_string(),
        })
    })?;
    py.import("json")?.call_method1("loads", (text,))
}

fn yaml(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("yaml").map_err(|_| {
        PyModuleNotFoundError::new_err(
            "YAML needs PyYAML, an optional dependency: pip install pyyaml (JSON needs nothing)",
        )
    })
}

/// A timezone-aware `datetime.datetime` → `DateTime<FixedOffset>`.
fn aware(at: &Bound<'_, PyAny>) -> PyResult<DateTime<FixedOffset>> {
    let dt = at.py().import("datetime")?.getattr("datetime")?;
    if !at.is_instance(&dt)? {
        return Err(PyTypeError::new_err(
            "`at` must be a timezone-aware datetime.datetime",
        ));
    }
    let iso: String = at.call_method0("isoformat")?.extract()?;
    if at.call_method0("utcoffset")?.is_none() {
        return Err(to_py(CxError::MissingTimeZone {
            field: "at".into(),
            row: None,
            value: iso,
        }));
    }
    DateTime::parse_from_rfc3339(&iso)
        .map_err(|e| to_py(CxError::invalid("at", None, &iso, e.to_string())))
}

/// A `datetime.date` (or ISO `YYYY-MM-DD` text) → `NaiveDate`.
fn date(due: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    let datetime = due.py().import("datetime")?;
    let text: String = if due.is_instance_of::<PyString>() {
        due.extract()?
    } else if due.is_instance(&datetime.getattr("datetime")?)? {
        due.call_method0("date")?
            .call_method0("isoformat")?
            .extract()?
    } else if due.is_instance(&datetime.getattr("date")?)? {
        due.call_method0("isoformat")?.extract()?
    } else {
        return Err(PyTypeError::new_err(
            "`due` must be a datetime.date or 'YYYY-MM-DD'",
        ));
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|e| to_py(CxError::invalid("due", None, &text, e.to_string())))
}

fn criterion(item: &Bound<'_, PyAny>) -> PyResult<Criterion> {
    let json = if let Ok(kind) = item.extract::<String>() {
        serde_json::json!({ "kind": kind }).to_string()
    } else if item.is_instance_of::<PyDict>() {
        item.py()
            .import("json")?
            .call_method1("dumps", (item,))?
            .extract()?
    } else {
        return Err(PyTypeError::new_err(
            "criteria items must be a kind name or a dict such as {'kind': 'ctqs', 'min': 2}",
        ));
    };
    serde_json::from_str(&json)
        .map_err(|e| to_py(CxError::option("criteria", format!("{e} in {json}"))))
}

/// The state of a phase's tollgate (`cx.dmaic.TollgateReport`).
#[pyclass(frozen, module = "cx._cx", name = "TollgateReport")]
struct PyTollgateReport(TollgateReport);

#[pymethods]
impl PyTollgateReport {
    /// The phase checked.
    #[getter]
    fn phase(&self) -> &'static str {
        self.0.phase.as_str()
    }
    /// Number of criteria met.
    #[getter]
    fn met(&self) -> usize {
        self.0.met_count()
    }
    /// Number of criteria.
    #[getter]
    fn total(&self) -> usize {
        self.0.total()
    }
    /// Whether every criterion is met.
    #[getter]
    fn passed(&self) -> bool {
        self.0.passed()
    }
    /// Labels of the unmet criteria.
    #[getter]
    fn unmet(&self) -> Vec<String> {
        self.0.unmet()
    }
    /// One dict per criterion: `criterion`, `met`, `label`.
    #[getter]
    fn checks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_obj(py, &self.0.checks)
    }
    fn __repr__(&self) -> String {
        format!(
            "TollgateReport(phase='{}', met={}/{}, unmet={:?})",
            self.0.phase,
            self.0.met_count(),
            self.0.total(),
            self.0.unmet()
        )
    }
}

/// A DMAIC improvement project (`cx.dmaic.Project`).
#[pyclass(module = "cx._cx", name = "Project")]
struct PyProject(Project);

#[pymethods]
impl PyProject {
    #[new]
    #[pyo3(signature = (title, /, *, owner=None, problem=None, business_case=None))]
    fn new(
        title: String,
        owner: Option<String>,
        problem: Option<String>,
        business_case: Option<String>,
    ) -> PyResult<Self> {
        let mut b = Project::builder(title);
        if let Some(o) = owner {
            b = b.owner(o);
        }
        if let Some(p) = problem {
            b = b.problem(p);
        }
        if let Some(c) = business_case {
            b = b.business_case(c);
        }
        core(b.build()).map(Self)
    }

    #[getter]
    fn title(&self) -> String {
        self.0.title().to_owned()
    }
    #[getter]
    fn owner(&self) -> Option<String> {
        self.0.owner().map(str::to_owned)
    }
    #[getter]
    fn phase(&self) -> &'static str {
        self.0.phase().as_str()
    }
    #[getter]
    fn charter<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_obj(py, self.0.charter())
    }
    #[getter]
    fn team<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_obj(py, &self.0.team())
    }
    #[getter]
    fn ctqs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_obj(py, &self.0.ctqs())
    }
    #[getter]
    fn sipoc<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_obj(py, self.0.sipoc())
    }
    #[getter]
    fn data_collection_plan<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_obj(py, &self.0.data_collection_plan())
    }
    #[getter]
    fn causes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_obj(py, &self.0.causes())
    }
    #[getter]
    fn actions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_obj(py, &self.0.actions())
    }
    #[getter]
    fn control_plan<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_obj(py, &self.0.control_plan())
    }
    #[getter]
    fn signoffs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let fromiso = py
            .import("datetime")?
            .getattr("datetime")?
            .getattr("fromisoformat")?;
        let out = PyList::empty(py);
        for s in self.0.signoffs() {
            let d = PyDict::new(py);
            d.set_item("phase", s.phase.as_str())?;
            d.set_item("by", &s.by)?;
            d.set_item("at", fromiso.call1((s.at.to_rfc3339(),))?)?;
            out.append(d)?;
        }
        Ok(out)
    }

    fn fishbone<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let bones = self.0.fishbone();
        for m in SixM::ALL {
            let causes: Vec<_> = bones.get(&m).cloned().unwrap_or_default();
            d.set_item(m.as_str(), to_py_obj(py, &causes)?)?;
        }
        Ok(d)
    }

    fn set_problem(&mut self, text: String) {
        self.0.set_problem(text);
    }
    fn set_business_case(&mut self, text: String) {
        self.0.set_business_case(text);
    }
    #[pyo3(signature = (in_scope, out_scope=Vec::new()))]
    fn set_scope(&mut self, in_scope: Vec<String>, out_scope: Vec<String>) {
        self.0.set_scope(in_scope, out_scope);
    }
    #[pyo3(signature = (metric, target, /, *, baseline=None, unit=None))]
    fn set_goal(
        &mut self,
        metric: String,
        target: f64,
        baseline: Option<f64>,
        unit: Option<String>,
    ) -> PyResult<()> {
        let mut g = core(Goal::new(metric, target))?;
        if let Some(b) = baseline {
            g = core(g.with_baseline(b))?;
        }
        if let Some(u) = unit {
            g = g.with_unit(u);
        }
        self.0.set_goal(g);
        Ok(())
    }
    fn set_baseline(&mut self, value: f64) -> PyResult<()> {
        core(self.0.set_baseline(value))
    }
    fn add_member(&mut self, name: String, role: &str) -> PyResult<()> {
        let role: Role = parse(role)?;
        core(self.0.add_member(name, role))
    }
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (id, /, *, lsl=None, usl=None, target=None, unit=None, voice="", need="", driver=""))]
    fn add_ctq(
        &mut self,
        id: String,
        lsl: Option<f64>,
        usl: Option<f64>,
        target: Option<f64>,
        unit: Option<String>,
        voice: &str,
        need: &str,
        driver: &str,
    ) -> PyResult<()> {
        let mut spec = match (lsl, usl) {
            (Some(l), Some(u)) => Spec::between(l, u),
            (Some(l), None) => Spec::lower(l),
            (None, Some(u)) => Spec::upper(u),
            (None, None) => Spec::default(),
        };
        if let Some(t) = target {
            spec = spec.target(t);
        }
        if let Some(u) = unit {
            spec = spec.unit(u);
        }
        let ctq = core(Ctq::new(id, spec))?
            .voice(voice)
            .need(need)
            .driver(driver);
        core(self.0.add_ctq(ctq))
    }
    #[pyo3(signature = (*, suppliers, inputs, process, outputs, customers))]
    fn set_sipoc(
        &mut self,
        suppliers: Vec<String>,
        inputs: Vec<String>,
        process: Vec<String>,
        outputs: Vec<String>,
        customers: Vec<String>,
    ) {
        let mut s = Sipoc::default();
        (s.suppliers, s.inputs, s.process, s.outputs, s.customers) =
            (suppliers, inputs, process, outputs, customers);
        self.0.set_sipoc(s);
    }
    #[pyo3(signature = (metric, definition, /, *, source="", sampling=""))]
    fn add_data_collection(
        &mut self,
        metric: String,
        definition: String,
        source: &str,
        sampling: &str,
    ) -> PyResult<()> {
        core(
            self.0
                .add_data_collection(metric, definition, source, sampling),
        )
    }
    fn add_cause(&mut self, category: &str, text: String) -> PyResult<String> {
        let m: SixM = parse(category)?;
        core(self.0.add_cause(m, text))
    }
    fn verify_cause(&mut self, id: &str, evidence: String) -> PyResult<()> {
        core(self.0.verify_cause(id, evidence))
    }
    #[pyo3(signature = (title, /, *, owner, due, causes=Vec::new()))]
    fn add_action(
        &mut self,
        title: String,
        owner: String,
        due: &Bound<'_, PyAny>,
        causes: Vec<String>,
    ) -> PyResult<String> {
        let due = date(due)?;
        core(self.0.add_action(title, owner, due, causes))
    }
    fn set_action_status(&mut self, id: &str, status: &str) -> PyResult<()> {
        let s: ActionStatus = parse(status)?;
        core(self.0.set_action_status(id, s))
    }
    #[pyo3(signature = (metric, /, *, chart, reaction_plan, rules=None, owner=None))]
    fn add_control(
        &mut self,
        metric: String,
        chart: &str,
        reaction_plan: String,
        rules: Option<&Bound<'_, PyAny>>,
        owner: Option<String>,
    ) -> PyResult<()> {
        // The same names as `cx.spc.control_chart(kind=..., rules=...)`.
        let chart: cx_core::spc::ChartType = parse(chart)?;
        let rules = match rules {
            None => cx_core::spc::RuleSet::WesternElectric,
            Some(r) if r.is_none() => cx_core::spc::RuleSet::WesternElectric,
            Some(r) => match r.extract::<String>() {
                Ok(s) => cx_core::spc::parse_rules(&s).map_err(to_py)?,
                Err(_) => crate::spc::parse_rules(r)?,
            },
        };
        let mut e = core(ControlPlanEntry::new(metric, chart, rules, reaction_plan))?;
        if let Some(o) = owner {
            e = e.owner(o);
        }
        self.0.add_control(e);
        Ok(())
    }
    fn set_tollgate(&mut self, phase: &str, criteria: &Bound<'_, PyAny>) -> PyResult<()> {
        let phase: Phase = parse(phase)?;
        let list = criteria
            .try_iter()?
            .map(|item| criterion(&item?))
            .collect::<PyResult<Vec<_>>>()?;
        self.0.set_tollgate(phase, list);
        Ok(())
    }
    fn tick(&mut self, key: String) {
        self.0.tick(key);
    }
    #[pyo3(signature = (phase=None))]
    fn tollgate(&self, phase: Option<&str>) -> PyResult<PyTollgateReport> {
        let phase = match phase {
            Some(p) => parse(p)?,
            None => self.0.phase(),
        };
        Ok(PyTollgateReport(self.0.tollgate(phase)))
    }
    #[pyo3(signature = (*, by, at))]
    fn advance(&mut self, by: String, at: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        let at = aware(at)?;
        core(self.0.advance(by, at)).map(Phase::as_str)
    }
    fn open_items(&self) -> Vec<String> {
        let mut items = self.0.tollgate(self.0.phase()).unmet();
        items.extend(self.0.open_actions().map(|a| {
            format!(
                "{} {} ({}, due {}, {})",
                a.id,
                a.title,
                a.owner,
                a.due,
                a.status.as_str()
            )
        }));
        items
    }

    fn to_json(&self) -> PyResult<String> {
        core(self.0.to_json())
    }
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        core(Project::from_json(text)).map(Self)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_obj(py, &self.0)
    }
    fn to_yaml(&self, py: Python<'_>) -> PyResult<String> {
        let yaml = yaml(py)?;
        let obj = to_py_obj(py, &self.0)?;
        let kw = PyDict::new(py);
        kw.set_item("allow_unicode", true)?;
        kw.set_item("sort_keys", false)?;
        yaml.call_method("safe_dump", (obj,), Some(&kw))?.extract()
    }
    #[staticmethod]
    fn from_yaml(py: Python<'_>, text: &str) -> PyResult<Self> {
        let obj = yaml(py)?.call_method1("safe_load", (text,))?;
        let kw = PyDict::new(py);
        // Unquoted YAML timestamps load as datetime: write them back as ISO text.
        kw.set_item("default", py.eval(c"lambda o: o.isoformat()", None, None)?)?;
        let json: String = py
            .import("json")?
            .call_method("dumps", (obj,), Some(&kw))?
            .extract()?;
        core(Project::from_json(&json)).map(Self)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let r = self.0.tollgate(self.0.phase());
        let title = PyString::new(py, self.0.title()).repr()?;
        Ok(format!(
            "Project(title={title}, phase='{}', tollgate={}/{}, open_actions={})",
            self.0.phase(),
            r.met_count(),
            r.total(),
            self.0.open_actions().count()
        ))
    }
    fn _repr_html_(&self) -> String {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        let p = &self.0;
        let mut rows = String::new();
        for ph in Phase::WORKING {
            let r = p.tollgate(ph);
            let mark = if ph == p.phase() { "▶ " } else { "" };
            let state = if ph < p.phase() { "signed off" } else { "" };
            rows.push_str(&format!(
                "<tr><td>{mark}{} {}</td><td>{}/{}</td><td>{state}</td></tr>",
                ph.as_str(),
                ph.zh(),
                r.met_count(),
                r.total()
            ));
        }
        let items: String = self
            .open_items()
            .iter()
            .map(|i| format!("<li>{}</li>", esc(i)))
            .collect();
        format!(
            "<div class=\"cx-dmaic\"><b>{}</b> · phase <b>{} {}</b><table>\
             <tr><th>phase</th><th>criteria met</th><th></th></tr>{rows}</table>\
             <p>Open items:</p><ul>{items}</ul></div>",
            esc(p.title()),
            p.phase(),
            p.phase().zh()
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyProject>()?;
    m.add_class::<PyTollgateReport>()?;
    Ok(())
}
