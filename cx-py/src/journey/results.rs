//! The result classes `JourneyAnalysis` and `JourneyPaths`.

use cx_core::journey::paths::PathAnalysis;
use cx_core::journey::{Finding, GroupStats, Journey, JourneyAnalysis};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::options_dict;
use super::table::{Table, esc, num};

/// Metric columns shared by the touchpoint and stage tables.
fn metric_cols<'a>(t: Table, stats: impl Iterator<Item = &'a GroupStats> + Clone) -> Table {
    let s = stats;
    t.u64("volume", s.clone().map(|g| Some(g.volume)))
        .f64("nps", s.clone().map(|g| g.nps.as_ref().map(|x| x.score)))
        .f64(
            "nps_ci_low",
            s.clone().map(|g| g.nps.as_ref().map(|x| x.ci_low)),
        )
        .f64(
            "nps_ci_high",
            s.clone().map(|g| g.nps.as_ref().map(|x| x.ci_high)),
        )
        .u64(
            "n_nps",
            s.clone().map(|g| Some(g.nps.as_ref().map_or(0, |x| x.n))),
        )
        .f64("csat", s.clone().map(|g| g.csat.as_ref().map(|x| x.score)))
        .f64(
            "csat_ci_low",
            s.clone().map(|g| g.csat.as_ref().map(|x| x.ci_low)),
        )
        .f64(
            "csat_ci_high",
            s.clone().map(|g| g.csat.as_ref().map(|x| x.ci_high)),
        )
        .u64(
            "n_csat",
            s.clone().map(|g| Some(g.csat.as_ref().map_or(0, |x| x.n))),
        )
        .f64("ces", s.clone().map(|g| g.ces.as_ref().map(|x| x.mean)))
        .f64(
            "ces_ci_low",
            s.clone().map(|g| g.ces.as_ref().map(|x| x.ci_low)),
        )
        .f64(
            "ces_ci_high",
            s.clone().map(|g| g.ces.as_ref().map(|x| x.ci_high)),
        )
        .u64(
            "n_ces",
            s.clone().map(|g| Some(g.ces.as_ref().map_or(0, |x| x.n))),
        )
        .u64("n_complaints", s.clone().map(|g| g.n_complaints))
        .f64(
            "complaint_share",
            s.clone().map(|g| g.complaint_share.map(|c| c.0)),
        )
        .f64(
            "complaint_ci_low",
            s.clone().map(|g| g.complaint_share.map(|c| c.1.low)),
        )
        .f64(
            "complaint_ci_high",
            s.map(|g| g.complaint_share.map(|c| c.1.high)),
        )
}

fn findings_list<'py>(py: Python<'py>, f: &[Finding]) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for x in f {
        let d = PyDict::new(py);
        d.set_item("touchpoint_id", &x.touchpoint_id)?;
        d.set_item("stage_id", &x.stage_id)?;
        d.set_item("kind", x.kind.name())?;
        d.set_item("n", x.n)?;
        d.set_item("score", x.score)?;
        d.set_item("gap", x.gap)?;
        d.set_item("statistic", x.statistic)?;
        d.set_item("p_value", x.p_value)?;
        d.set_item("q_value", x.q_value)?;
        d.set_item("impact", x.impact)?;
        d.set_item("reason", &x.reason)?;
        out.append(d)?;
    }
    Ok(out)
}

/// Result of `cx.journey.analyze`.
#[pyclass(frozen, module = "cx._cx", name = "JourneyAnalysis")]
pub(crate) struct PyJourneyAnalysis {
    a: JourneyAnalysis,
    kind: String,
    journey: Journey,
}

impl PyJourneyAnalysis {
    pub(crate) fn new(a: JourneyAnalysis, kind: String, journey: Journey) -> Self {
        Self { a, kind, journey }
    }

    fn finding_of(&self, id: &str) -> Option<&'static str> {
        let a = &self.a;
        [&a.pain_points, &a.delight_points, &a.opportunities]
            .into_iter()
            .flatten()
            .find(|f| f.touchpoint_id == id)
            .map(|f| f.kind.name())
    }

    fn touchpoint_table(&self) -> Table {
        let t = &self.a.touchpoints;
        let tab = Table::new()
            .str(
                "touchpoint_id",
                t.iter().map(|x| Some(x.touchpoint_id.clone())),
            )
            .str("name", t.iter().map(|x| Some(x.name.clone())))
            .str("stage_id", t.iter().map(|x| Some(x.stage_id.clone())))
            .str("channel", t.iter().map(|x| Some(x.channel.clone())))
            .str("owner_team", t.iter().map(|x| x.owner_team.clone()))
            .f64("expected_emotion", t.iter().map(|x| x.expected_emotion))
            .u64("n", t.iter().map(|x| Some(x.n)))
            .f64("score", t.iter().map(|x| x.score))
            .f64("gap", t.iter().map(|x| x.test.map(|c| c.difference)))
            .f64("gap_ci_low", t.iter().map(|x| x.test.map(|c| c.ci_low)))
            .f64("gap_ci_high", t.iter().map(|x| x.test.map(|c| c.ci_high)))
            .f64("statistic", t.iter().map(|x| x.test.map(|c| c.statistic)))
            .f64("df", t.iter().map(|x| x.test.and_then(|c| c.df)))
            .f64("p_value", t.iter().map(|x| x.test.map(|c| c.p_value)))
            .f64("q_value", t.iter().map(|x| x.q_value))
            .str(
                "finding",
                t.iter()
                    .map(|x| self.finding_of(&x.touchpoint_id).map(str::to_owned)),
            )
            .bool("low_n", t.iter().map(|x| x.low_n));
        metric_cols(tab, t.iter().map(|x| &x.stats))
    }

    fn stage_table(&self) -> Table {
        let s = &self.a.stages;
        let tab = Table::new()
            .str("stage_id", s.iter().map(|x| Some(x.stage_id.clone())))
            .str("name", s.iter().map(|x| Some(x.name.clone())))
            .u64("n", s.iter().map(|x| Some(x.n)))
            .f64("score", s.iter().map(|x| x.score))
            .f64("ci_low", s.iter().map(|x| x.interval.map(|i| i.low)))
            .f64("ci_high", s.iter().map(|x| x.interval.map(|i| i.high)));
        metric_cols(tab, s.iter().map(|x| &x.stats))
    }

    fn emotion_table(&self) -> Table {
        let s = &self.a.stages;
        Table::new()
            .u64("step", (0..s.len()).map(|i| Some(i as u64)))
            .str("stage_id", s.iter().map(|x| Some(x.stage_id.clone())))
            .str("name", s.iter().map(|x| Some(x.name.clone())))
            .u64("n", s.iter().map(|x| Some(x.n)))
            .f64("score", s.iter().map(|x| x.score))
            .f64("ci_low", s.iter().map(|x| x.interval.map(|i| i.low)))
            .f64("ci_high", s.iter().map(|x| x.interval.map(|i| i.high)))
            .f64("emotion", s.iter().map(|x| x.emotion.map(|e| e.0)))
            .f64("emotion_ci_low", s.iter().map(|x| x.emotion.map(|e| e.1)))
            .f64("emotion_ci_high", s.iter().map(|x| x.emotion.map(|e| e.2)))
            .f64("expected_emotion", s.iter().map(|x| x.expected_emotion))
            .f64(
                "emotion_gap",
                s.iter().map(|x| Some(x.emotion?.0 - x.expected_emotion?)),
            )
    }

    fn unmatched_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (v, n) in &self.a.unmatched {
            d.set_item(v.as_deref(), n)?;
        }
        Ok(d)
    }
}

#[pymethods]
impl PyJourneyAnalysis {
    #[getter]
    fn touchpoints<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.touchpoint_table().frame(py, &self.kind)
    }
    #[getter]
    fn stages<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.stage_table().frame(py, &self.kind)
    }
    #[getter]
    fn emotion_curve<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.emotion_table().frame(py, &self.kind)
    }
    #[getter]
    fn pain_points<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        findings_list(py, &self.a.pain_points)
    }
    #[getter]
    fn delight_points<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        findings_list(py, &self.a.delight_points)
    }
    #[getter]
    fn opportunities<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        findings_list(py, &self.a.opportunities)
    }
    #[getter]
    fn score(&self) -> &'static str {
        self.a.options.score.name()
    }
    #[getter]
    fn journey_score(&self) -> Option<f64> {
        self.a.journey_score
    }
    #[getter]
    fn n(&self) -> u64 {
        self.a.n
    }
    #[getter]
    fn fdr(&self) -> f64 {
        self.a.options.fdr
    }
    #[getter]
    fn unmatched<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.unmatched_dict(py)
    }
    #[getter]
    fn n_unmatched(&self) -> u64 {
        self.a.n_unmatched()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("journey", &self.journey.name)?;
        d.set_item("options", options_dict(py, &self.a.options)?)?;
        d.set_item("n", self.a.n)?;
        d.set_item("journey_score", self.a.journey_score)?;
        d.set_item("touchpoints", self.touchpoint_table().rows(py)?)?;
        d.set_item("stages", self.stage_table().rows(py)?)?;
        d.set_item("emotion_curve", self.emotion_table().rows(py)?)?;
        d.set_item("pain_points", findings_list(py, &self.a.pain_points)?)?;
        d.set_item("delight_points", findings_list(py, &self.a.delight_points)?)?;
        d.set_item("opportunities", findings_list(py, &self.a.opportunities)?)?;
        d.set_item("unmatched", self.unmatched_dict(py)?)?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        let ids = |f: &[Finding]| {
            f.iter()
                .map(|x| x.touchpoint_id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "JourneyAnalysis({} {} over n={}, pain=[{}], delight=[{}], opportunities=[{}], fdr={})",
            self.a.options.score.name(),
            num(self.a.journey_score),
            self.a.n,
            ids(&self.a.pain_points),
            ids(&self.a.delight_points),
            ids(&self.a.opportunities),
            self.a.options.fdr
        )
    }
    fn _repr_html_(&self) -> String {
        let score = self.a.options.score.name().to_uppercase();
        let mut h = format!(
            "<table><caption>{} — {score} {} (n = {}), FDR {}</caption><tr><th>stage</th><th>touchpoint</th><th>n</th><th>{score}</th><th>gap</th><th>q</th><th>finding</th></tr>",
            esc(&self.journey.name),
            num(self.a.journey_score),
            self.a.n,
            self.a.options.fdr
        );
        for t in &self.a.touchpoints {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{} <code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&t.stage_id),
                esc(&t.name),
                esc(&t.touchpoint_id),
                t.n,
                num(t.score),
                num(t.test.map(|c| c.difference)),
                t.q_value.map_or_else(|| "–".into(), |q| format!("{q:.2e}")),
                self.finding_of(&t.touchpoint_id).unwrap_or("")
            ));
        }
        h.push_str("</table>");
        h
    }
}

/// Result of `cx.journey.paths`.
#[pyclass(frozen, module = "cx._cx", name = "JourneyPaths")]
pub(crate) struct PyJourneyPaths {
    p: PathAnalysis,
    kind: String,
}

impl PyJourneyPaths {
    pub(crate) fn new(p: PathAnalysis, kind: String) -> Self {
        Self { p, kind }
    }
    fn transitions_table(&self) -> Table {
        let t = &self.p.transitions;
        Table::new()
            .str("from", t.iter().map(|x| Some(x.from.clone())))
            .str("to", t.iter().map(|x| Some(x.to.clone())))
            .u64("count", t.iter().map(|x| Some(x.count)))
    }
    fn top_table(&self) -> Table {
        let t = &self.p.top_paths;
        Table::new()
            .str("path", t.iter().map(|x| Some(x.nodes.join(" → "))))
            .u64("length", t.iter().map(|x| Some(x.nodes.len() as u64)))
            .u64("count", t.iter().map(|x| Some(x.count)))
            .f64("share", t.iter().map(|x| Some(x.share)))
    }
    fn drop_table(&self) -> Option<Table> {
        let d = self.p.drop_off.as_ref()?;
        Some(
            Table::new()
                .str("stage_id", d.iter().map(|x| Some(x.stage_id.clone())))
                .str("name", d.iter().map(|x| Some(x.name.clone())))
                .u64("visited", d.iter().map(|x| Some(x.visited)))
                .u64("reached", d.iter().map(|x| Some(x.reached)))
                .u64("dropped", d.iter().map(|x| Some(x.dropped)))
                .f64("drop_off_rate", d.iter().map(|x| x.drop_off_rate)),
        )
    }
    fn sankey_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let nodes = PyList::empty(py);
        for n in &self.p.sankey_nodes {
            let d = PyDict::new(py);
            d.set_item("id", &n.id)?;
            d.set_item("label", &n.label)?;
            d.set_item("step", n.step)?;
            d.set_item("count", n.count)?;
            nodes.append(d)?;
        }
        let links = PyList::empty(py);
        for l in &self.p.sankey_links {
            let d = PyDict::new(py);
            d.set_item("source", l.source)?;
            d.set_item("target", l.target)?;
            d.set_item("value", l.value)?;
            links.append(d)?;
        }
        let out = PyDict::new(py);
        out.set_item("nodes", nodes)?;
        out.set_item("links", links)?;
        Ok(out)
    }
}

#[pymethods]
impl PyJourneyPaths {
    #[getter]
    fn transitions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.transitions_table().frame(py, &self.kind)
    }
    #[getter]
    fn top_paths<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.top_table().frame(py, &self.kind)
    }
    #[getter]
    fn drop_off<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.drop_table()
            .map(|t| t.frame(py, &self.kind))
            .transpose()
    }
    #[getter]
    fn n_events(&self) -> u64 {
        self.p.n_events
    }
    #[getter]
    fn n_customers(&self) -> u64 {
        self.p.n_customers
    }
    #[getter]
    fn n_unmatched(&self) -> u64 {
        self.p.n_unmatched
    }
    #[getter]
    fn n_distinct_paths(&self) -> u64 {
        self.p.n_distinct_paths
    }
    fn sankey<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.sankey_dict(py)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("n_events", self.p.n_events)?;
        d.set_item("n_customers", self.p.n_customers)?;
        d.set_item("n_unmatched", self.p.n_unmatched)?;
        d.set_item("n_distinct_paths", self.p.n_distinct_paths)?;
        d.set_item("transitions", self.transitions_table().rows(py)?)?;
        d.set_item("top_paths", self.top_table().rows(py)?)?;
        d.set_item(
            "drop_off",
            self.drop_table().map(|t| t.rows(py)).transpose()?,
        )?;
        d.set_item("sankey", self.sankey_dict(py)?)?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "JourneyPaths(customers={}, events={}, transitions={}, distinct_paths={}, unmatched={})",
            self.p.n_customers,
            self.p.n_events,
            self.p.transitions.len(),
            self.p.n_distinct_paths,
            self.p.n_unmatched
        )
    }
    fn _repr_html_(&self) -> String {
        let mut h = format!(
            "<table><caption>Paths of {} customers ({} events)</caption><tr><th>path</th><th>customers</th><th>share</th></tr>",
            self.p.n_customers, self.p.n_events
        );
        for t in &self.p.top_paths {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{:.1}%</td></tr>",
                esc(&t.nodes.join(" → ")),
                t.count,
                100.0 * t.share
            ));
        }
        h.push_str("</table>");
        h
    }
}
