//! The DMAIC [`Project`] aggregate, its builder, sign-offs and JSON form.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::tollgate::{self, Criterion, TollgateReport, default_tollgate};
use super::tools::non_empty as require_text;
use super::{
    Action, ActionStatus, Cause, Charter, ControlPlanEntry, Ctq, DataCollectionEntry, Goal, Phase,
    Role, Sipoc, SixM, Spec, TeamMember,
};
use crate::{CxError, Result};

/// The `format` tag of the JSON form; [`Project::from_json`] refuses others.
const FORMAT: &str = "cx.dmaic.project/1";

/// A tollgate sign-off: who closed which phase, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Signoff {
    /// The phase closed.
    pub phase: Phase,
    /// Who signed off.
    pub by: String,
    /// When, with its UTC offset (supplied by the caller).
    pub at: DateTime<FixedOffset>,
}

/// A DMAIC improvement project (see the [module docs](super)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Project {
    format: String,
    title: String,
    owner: Option<String>,
    charter: Charter,
    team: Vec<TeamMember>,
    ctqs: Vec<Ctq>,
    sipoc: Sipoc,
    data_collection_plan: Vec<DataCollectionEntry>,
    causes: Vec<Cause>,
    actions: Vec<Action>,
    control_plan: Vec<ControlPlanEntry>,
    phase: Phase,
    tollgates: BTreeMap<Phase, Vec<Criterion>>,
    ticked: BTreeSet<String>,
    signoffs: Vec<Signoff>,
}

/// Builder of a [`Project`]; [`ProjectBuilder::build`] validates.
#[derive(Debug, Clone)]
#[must_use]
pub struct ProjectBuilder {
    project: Project,
    goal: Option<(String, f64)>,
    baseline: Option<f64>,
    members: Vec<(String, Role)>,
    ctqs: Vec<Result<Ctq>>,
}

impl ProjectBuilder {
    /// Set the project owner (team or person accountable).
    pub fn owner(mut self, owner: impl Into<String>) -> Self {
        self.project.owner = Some(owner.into());
        self
    }
    /// Set the problem statement.
    pub fn problem(mut self, s: impl Into<String>) -> Self {
        self.project.charter.problem = s.into();
        self
    }
    /// Set the business case.
    pub fn business_case(mut self, s: impl Into<String>) -> Self {
        self.project.charter.business_case = s.into();
        self
    }
    /// Set the scope (in and out).
    pub fn scope<I: Into<String>>(
        mut self,
        scope_in: impl IntoIterator<Item = I>,
        scope_out: impl IntoIterator<Item = I>,
    ) -> Self {
        self.project.charter.scope_in = scope_in.into_iter().map(Into::into).collect();
        self.project.charter.scope_out = scope_out.into_iter().map(Into::into).collect();
        self
    }
    /// Set the goal: move `metric` to `target`.
    pub fn goal(mut self, metric: impl Into<String>, target: f64) -> Self {
        self.goal = Some((metric.into(), target));
        self
    }
    /// Set the measured baseline of the goal metric.
    pub fn baseline(mut self, value: f64) -> Self {
        self.baseline = Some(value);
        self
    }
    /// Add a team member.
    pub fn member(mut self, name: impl Into<String>, role: Role) -> Self {
        self.members.push((name.into(), role));
        self
    }
    /// Add a CTQ with its specification.
    pub fn ctq(mut self, id: impl Into<String>, spec: Spec) -> Self {
        self.ctqs.push(Ctq::new(id, spec));
        self
    }
    /// Add a full CTQ-tree branch.
    pub fn ctq_branch(mut self, ctq: Ctq) -> Self {
        self.ctqs.push(Ok(ctq));
        self
    }
    /// Set the SIPOC.
    pub fn sipoc<S: Into<String>>(
        mut self,
        suppliers: impl IntoIterator<Item = S>,
        inputs: impl IntoIterator<Item = S>,
        process: impl IntoIterator<Item = S>,
        outputs: impl IntoIterator<Item = S>,
        customers: impl IntoIterator<Item = S>,
    ) -> Self {
        let v = |it: Vec<S>| it.into_iter().map(Into::into).collect::<Vec<String>>();
        self.project.sipoc = Sipoc {
            suppliers: v(suppliers.into_iter().collect()),
            inputs: v(inputs.into_iter().collect()),
            process: v(process.into_iter().collect()),
            outputs: v(outputs.into_iter().collect()),
            customers: v(customers.into_iter().collect()),
        };
        self
    }
    /// Replace the tollgate of a phase.
    pub fn tollgate(mut self, phase: Phase, criteria: Vec<Criterion>) -> Self {
        self.project.tollgates.insert(phase, criteria);
        self
    }

    /// Validate and build the project.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an empty title, an invalid goal, member, CTQ spec,
    /// or duplicate CTQ ids.
    pub fn build(self) -> Result<Project> {
        let mut p = self.project;
        require_text("title", p.title.clone())?;
        if let Some((metric, target)) = self.goal {
            let mut g = Goal::new(metric, target)?;
            if let Some(b) = self.baseline {
                g = g.with_baseline(b)?;
            }
            p.charter.goal = Some(g);
        } else if self.baseline.is_some() {
            return Err(CxError::option(
                "baseline",
                "set a goal before its baseline",
            ));
        }
        for (name, role) in self.members {
            p.team.push(TeamMember::new(name, role)?);
        }
        for c in self.ctqs {
            p.add_ctq(c?)?;
        }
        Ok(p)
    }
}

fn find<'a, T>(items: &'a mut [T], id: &str, what: &str, key: fn(&T) -> &str) -> Result<&'a mut T> {
    items
        .iter_mut()
        .find(|x| key(x) == id)
        .ok_or_else(|| CxError::invalid(what, None, id, "no such id"))
}

impl Project {
    /// Start building a project with its title.
    ///
    /// # Examples
    /// ```
    /// use cx_core::dmaic::{Project, Spec};
    /// let p = Project::builder("Cut repeat calls").owner("ops").ctq("fcr", Spec::lower(0.8)).build()?;
    /// assert_eq!(p.ctqs()[0].id, "fcr");
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn builder(title: impl Into<String>) -> ProjectBuilder {
        let tollgates = Phase::WORKING
            .iter()
            .map(|&ph| (ph, default_tollgate(ph)))
            .collect();
        ProjectBuilder {
            project: Project {
                format: FORMAT.to_owned(),
                title: title.into(),
                owner: None,
                charter: Charter::default(),
                team: Vec::new(),
                ctqs: Vec::new(),
                sipoc: Sipoc::default(),
                data_collection_plan: Vec::new(),
                causes: Vec::new(),
                actions: Vec::new(),
                control_plan: Vec::new(),
                phase: Phase::Define,
                tollgates,
                ticked: BTreeSet::new(),
                signoffs: Vec::new(),
            },
            goal: None,
            baseline: None,
            members: Vec::new(),
            ctqs: Vec::new(),
        }
    }

    // ------------------------------------------------------------ read access

    /// Title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Owner.
    pub fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }
    /// Charter.
    pub fn charter(&self) -> &Charter {
        &self.charter
    }
    /// Team.
    pub fn team(&self) -> &[TeamMember] {
        &self.team
    }
    /// CTQs (the leaves of the CTQ tree).
    pub fn ctqs(&self) -> &[Ctq] {
        &self.ctqs
    }
    /// SIPOC.
    pub fn sipoc(&self) -> &Sipoc {
        &self.sipoc
    }
    /// Data collection plan.
    pub fn data_collection_plan(&self) -> &[DataCollectionEntry] {
        &self.data_collection_plan
    }
    /// Fishbone causes, in the order added.
    pub fn causes(&self) -> &[Cause] {
        &self.causes
    }
    /// Causes grouped by six-M category (the fishbone's bones), in 人机料法环测 order.
    pub fn fishbone(&self) -> BTreeMap<SixM, Vec<&Cause>> {
        let mut m: BTreeMap<SixM, Vec<&Cause>> = BTreeMap::new();
        for c in &self.causes {
            m.entry(c.category).or_default().push(c);
        }
        m
    }
    /// Verified root causes.
    pub fn root_causes(&self) -> impl Iterator<Item = &Cause> {
        self.causes.iter().filter(|c| c.verified)
    }
    /// Improvement actions.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }
    /// Actions neither done nor cancelled.
    pub fn open_actions(&self) -> impl Iterator<Item = &Action> {
        self.actions
            .iter()
            .filter(|a| matches!(a.status, ActionStatus::Open | ActionStatus::InProgress))
    }
    /// Control plan.
    pub fn control_plan(&self) -> &[ControlPlanEntry] {
        &self.control_plan
    }
    /// Current phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }
    /// Sign-offs, oldest first.
    pub fn signoffs(&self) -> &[Signoff] {
        &self.signoffs
    }
    /// The criteria of a phase's tollgate.
    pub fn tollgate_criteria(&self, phase: Phase) -> &[Criterion] {
        self.tollgates.get(&phase).map_or(&[], Vec::as_slice)
    }
    /// Whether a manual checklist item is ticked.
    pub fn is_ticked(&self, key: &str) -> bool {
        self.ticked.contains(key)
    }

    /// Check the tollgate of `phase` now.
    pub fn tollgate(&self, phase: Phase) -> TollgateReport {
        TollgateReport {
            phase,
            checks: self
                .tollgate_criteria(phase)
                .iter()
                .map(|c| tollgate::check(c, self))
                .collect(),
        }
    }

    // ------------------------------------------------------------ edits

    /// Set the problem statement.
    pub fn set_problem(&mut self, s: impl Into<String>) {
        self.charter.problem = s.into();
    }
    /// Set the business case.
    pub fn set_business_case(&mut self, s: impl Into<String>) {
        self.charter.business_case = s.into();
    }
    /// Set the scope.
    pub fn set_scope(&mut self, scope_in: Vec<String>, scope_out: Vec<String>) {
        self.charter.scope_in = scope_in;
        self.charter.scope_out = scope_out;
    }
    /// Set the goal (replacing any previous one, baseline included).
    pub fn set_goal(&mut self, goal: Goal) {
        self.charter.goal = Some(goal);
    }
    /// Record the measured baseline of the goal metric.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] when there is no goal yet; [`CxError::InvalidValue`]
    /// for a non-finite value.
    pub fn set_baseline(&mut self, value: f64) -> Result<()> {
        let goal = self
            .charter
            .goal
            .take()
            .ok_or_else(|| CxError::option("baseline", "set a goal before its baseline"))?;
        let back = goal.clone();
        match goal.with_baseline(value) {
            Ok(g) => {
                self.charter.goal = Some(g);
                Ok(())
            }
            Err(e) => {
                self.charter.goal = Some(back);
                Err(e)
            }
        }
    }
    /// Add a team member.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an empty name.
    pub fn add_member(&mut self, name: impl Into<String>, role: Role) -> Result<()> {
        self.team.push(TeamMember::new(name, role)?);
        Ok(())
    }
    /// Add a CTQ.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for a duplicate id or an invalid spec.
    pub fn add_ctq(&mut self, ctq: Ctq) -> Result<()> {
        ctq.spec.validate(&ctq.id)?;
        if self.ctqs.iter().any(|c| c.id == ctq.id) {
            return Err(CxError::invalid(
                "ctq.id",
                None,
                &ctq.id,
                "duplicate CTQ id",
            ));
        }
        self.ctqs.push(ctq);
        Ok(())
    }
    /// Replace the SIPOC.
    pub fn set_sipoc(&mut self, sipoc: Sipoc) {
        self.sipoc = sipoc;
    }
    /// Add a row to the data collection plan.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an empty metric or definition.
    pub fn add_data_collection(
        &mut self,
        metric: impl Into<String>,
        definition: impl Into<String>,
        source: impl Into<String>,
        sampling: impl Into<String>,
    ) -> Result<()> {
        self.data_collection_plan.push(DataCollectionEntry {
            metric: require_text("data_collection.metric", metric.into())?,
            definition: require_text("data_collection.definition", definition.into())?,
            source: source.into(),
            sampling: sampling.into(),
        });
        Ok(())
    }
    /// Add a cause to the fishbone; returns its id (`"C1"`, `"C2"`, ...).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for empty text.
    pub fn add_cause(&mut self, category: SixM, text: impl Into<String>) -> Result<String> {
        let id = format!("C{}", self.causes.len() + 1);
        self.causes.push(Cause {
            id: id.clone(),
            category,
            text: require_text("cause.text", text.into())?,
            verified: false,
            evidence: None,
        });
        Ok(id)
    }
    /// Mark a cause as a verified root cause, with the evidence.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an unknown id or empty evidence.
    pub fn verify_cause(&mut self, id: &str, evidence: impl Into<String>) -> Result<()> {
        let evidence = require_text("cause.evidence", evidence.into())?;
        let c = find(&mut self.causes, id, "cause", |c| &c.id)?;
        c.verified = true;
        c.evidence = Some(evidence);
        Ok(())
    }
    /// Add an improvement action; returns its id (`"A1"`, ...).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for empty title or owner, or an unknown cause id.
    pub fn add_action(
        &mut self,
        title: impl Into<String>,
        owner: impl Into<String>,
        due: NaiveDate,
        causes: Vec<String>,
    ) -> Result<String> {
        if let Some(bad) = causes
            .iter()
            .find(|c| !self.causes.iter().any(|x| &x.id == *c))
        {
            return Err(CxError::invalid(
                "action.causes",
                None,
                bad,
                "no such cause id",
            ));
        }
        let id = format!("A{}", self.actions.len() + 1);
        self.actions.push(Action {
            id: id.clone(),
            title: require_text("action.title", title.into())?,
            owner: require_text("action.owner", owner.into())?,
            due,
            status: ActionStatus::Open,
            causes,
        });
        Ok(id)
    }
    /// Change an action's status.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an unknown id.
    pub fn set_action_status(&mut self, id: &str, status: ActionStatus) -> Result<()> {
        find(&mut self.actions, id, "action", |a| &a.id)?.status = status;
        Ok(())
    }
    /// Add a control plan row.
    pub fn add_control(&mut self, entry: ControlPlanEntry) {
        self.control_plan.push(entry);
    }
    /// Replace the tollgate of a phase.
    pub fn set_tollgate(&mut self, phase: Phase, criteria: Vec<Criterion>) {
        self.tollgates.insert(phase, criteria);
    }
    /// Tick a manual checklist item ([`Criterion::Manual`]).
    pub fn tick(&mut self, key: impl Into<String>) {
        self.ticked.insert(key.into());
    }

    /// Close the current phase and move to the next, recording the sign-off.
    ///
    /// # Errors
    /// [`CxError::TollgateNotMet`] naming the phase and every unmet criterion;
    /// [`CxError::InvalidValue`] for an empty `by`, a sign-off earlier than the
    /// previous one, or a project already closed.
    pub fn advance(&mut self, by: impl Into<String>, at: DateTime<FixedOffset>) -> Result<Phase> {
        let by = require_text("by", by.into())?;
        if self.phase == Phase::Closed {
            return Err(CxError::invalid(
                "phase",
                None,
                "closed",
                "project is already closed",
            ));
        }
        if let Some(last) = self.signoffs.last()
            && at < last.at
        {
            return Err(CxError::invalid(
                "at",
                None,
                at.to_rfc3339(),
                "sign-off is earlier than the previous one",
            ));
        }
        let report = self.tollgate(self.phase);
        if !report.passed() {
            return Err(CxError::TollgateNotMet {
                phase: self.phase.as_str().to_owned(),
                unmet: report.unmet(),
            });
        }
        self.signoffs.push(Signoff {
            phase: self.phase,
            by,
            at,
        });
        self.phase = self.phase.next();
        Ok(self.phase)
    }

    // ------------------------------------------------------------ JSON

    /// Serialize to pretty JSON (UTF-8, Chinese kept as is).
    ///
    /// # Errors
    /// [`CxError::Format`] if serialization fails (it does not for valid projects).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| CxError::Format {
            what: "dmaic project".into(),
            reason: e.to_string(),
        })
    }

    /// Read a project written by [`Project::to_json`].
    ///
    /// # Errors
    /// [`CxError::Format`] for malformed JSON or another `format` tag;
    /// [`CxError::InvalidValue`] for invalid CTQ specs.
    pub fn from_json(text: &str) -> Result<Project> {
        let p: Project = serde_json::from_str(text).map_err(|e| CxError::Format {
            what: "dmaic project".into(),
            reason: e.to_string(),
        })?;
        if p.format != FORMAT {
            return Err(CxError::Format {
                what: "dmaic project".into(),
                reason: format!("format {:?}, expected {FORMAT:?}", p.format),
            });
        }
        for c in &p.ctqs {
            c.spec.validate(&c.id)?;
        }
        Ok(p)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a failure should stop loudly
mod unit {
    use super::*;
    use crate::spc::{ChartType, RuleSet};

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn defined() -> Project {
        Project::builder("Cut repeat calls")
            .owner("ops")
            .problem("repeat calls")
            .goal("fcr", 0.8)
            .member("Li Na", Role::Champion)
            .ctq("fcr", Spec::lower(0.8))
            .sipoc(["IT"], ["call"], ["triage"], ["answer"], ["caller"])
            .build()
            .unwrap()
    }

    #[test]
    fn define_tollgate_lists_every_unmet_item() {
        let mut p = Project::builder("x").build().unwrap();
        let e = p
            .advance("me", at("2026-01-01T00:00:00+08:00"))
            .unwrap_err();
        match e {
            CxError::TollgateNotMet { phase, unmet } => {
                assert_eq!(phase, "define");
                assert_eq!(unmet.len(), 5, "{unmet:?}");
                assert!(unmet[3].contains("suppliers"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(p.phase(), Phase::Define);
        assert!(p.signoffs().is_empty());
    }

    #[test]
    fn full_lifecycle_and_json_round_trip() {
        let mut p = defined();
        let t = at("2026-01-05T09:00:00+08:00");
        assert_eq!(p.advance("Li Na", t).unwrap(), Phase::Measure);
        p.set_baseline(0.68).unwrap();
        p.add_data_collection("fcr", "no repeat in 7 days", "CRM", "all calls")
            .unwrap();
        p.advance("Li Na", t).unwrap();
        let c = p.add_cause("法".parse().unwrap(), "no script").unwrap();
        assert!(p.advance("Li Na", t).is_err());
        p.verify_cause(&c, "pilot: FCR +6pp").unwrap();
        p.advance("Li Na", t).unwrap();
        let due = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let a = p.add_action("write script", "Wang", due, vec![c]).unwrap();
        p.set_action_status(&a, ActionStatus::Done).unwrap();
        p.advance("Li Na", t).unwrap();
        let e = p.advance("Li Na", t).unwrap_err();
        assert_eq!(
            e.unmet().unwrap()[0],
            "control plan covers every CTQ (missing: fcr)"
        );
        p.add_control(
            ControlPlanEntry::new("fcr", ChartType::P, RuleSet::Nelson, "huddle").unwrap(),
        );
        assert_eq!(p.advance("Li Na", t).unwrap(), Phase::Closed);
        assert_eq!(p.signoffs().len(), 5);
        assert!(p.advance("Li Na", t).is_err());
        let back = Project::from_json(&p.to_json().unwrap()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn signoffs_must_not_go_back_in_time() {
        let mut p = defined();
        p.advance("a", at("2026-01-05T09:00:00+08:00")).unwrap();
        p.set_tollgate(Phase::Measure, vec![]);
        let e = p.advance("a", at("2026-01-05T00:00:00+00:00")).unwrap_err();
        assert_eq!(e.code(), "invalid_value");
    }

    #[test]
    fn manual_criteria_and_unknown_ids() {
        let mut p = defined();
        p.set_tollgate(
            Phase::Define,
            vec![Criterion::Manual {
                key: "voc".into(),
                label: "VOC interviews done".into(),
            }],
        );
        assert_eq!(p.tollgate(Phase::Define).met_count(), 0);
        p.tick("voc");
        assert!(p.tollgate(Phase::Define).passed());
        assert!(p.verify_cause("C9", "x").is_err());
        assert!(p.set_action_status("A9", ActionStatus::Done).is_err());
        assert!(Project::from_json("{}").is_err());
        assert!(Project::builder(" ").build().is_err());
    }
}
