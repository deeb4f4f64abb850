//! Tollgates: the checklist of deliverables each phase must complete.

use serde::{Deserialize, Serialize};

use super::{ActionStatus, Phase, Project, Role};

/// One required deliverable of a tollgate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Criterion {
    /// The charter has a problem statement.
    ProblemStatement,
    /// The charter has a goal (metric and target).
    Goal,
    /// The charter has a business case.
    BusinessCase,
    /// The charter lists what is in scope.
    Scope,
    /// The team has someone in this role.
    TeamRole {
        /// The role required.
        role: Role,
    },
    /// Every SIPOC column has at least one entry.
    Sipoc,
    /// At least `min` CTQs.
    Ctqs {
        /// Minimum number.
        min: usize,
    },
    /// The goal has a measured baseline.
    Baseline,
    /// The data collection plan has at least one entry.
    DataCollectionPlan,
    /// At least `min` causes verified with evidence.
    VerifiedRootCauses {
        /// Minimum number.
        min: usize,
    },
    /// At least `min` actions done.
    ActionsDone {
        /// Minimum number.
        min: usize,
    },
    /// Every CTQ has a control plan entry.
    ControlPlanCoversCtqs,
    /// A manual checklist item, ticked with [`Project::tick`].
    Manual {
        /// Key used to tick it.
        key: String,
        /// What it asks for.
        label: String,
    },
}

/// The default tollgate of a phase.
///
/// | Phase | Criteria |
/// |---|---|
/// | Define | problem statement, goal, a champion, SIPOC complete, ≥ 1 CTQ |
/// | Measure | baseline of the goal metric, ≥ 1 data collection plan entry |
/// | Analyze | ≥ 1 verified root cause |
/// | Improve | ≥ 1 action done |
/// | Control | a control plan entry for every CTQ |
///
/// # Reference
/// George, M. L. et al. (2005), *The Lean Six Sigma Pocket Toolbook*, pp. 4–9
/// (tollgate review checklists per phase).
pub fn default_tollgate(phase: Phase) -> Vec<Criterion> {
    match phase {
        Phase::Define => vec![
            Criterion::ProblemStatement,
            Criterion::Goal,
            Criterion::TeamRole {
                role: Role::Champion,
            },
            Criterion::Sipoc,
            Criterion::Ctqs { min: 1 },
        ],
        Phase::Measure => vec![Criterion::Baseline, Criterion::DataCollectionPlan],
        Phase::Analyze => vec![Criterion::VerifiedRootCauses { min: 1 }],
        Phase::Improve => vec![Criterion::ActionsDone { min: 1 }],
        Phase::Control => vec![Criterion::ControlPlanCoversCtqs],
        Phase::Closed => Vec::new(),
    }
}

/// The outcome of one criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TollgateCheck {
    /// The criterion.
    pub criterion: Criterion,
    /// Whether it is met.
    pub met: bool,
    /// Human-readable description, with what is missing when unmet.
    pub label: String,
}

/// The state of a phase's tollgate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TollgateReport {
    /// The phase checked.
    pub phase: Phase,
    /// One check per criterion, in order.
    pub checks: Vec<TollgateCheck>,
}

impl TollgateReport {
    /// Number of criteria met.
    pub fn met_count(&self) -> usize {
        self.checks.iter().filter(|c| c.met).count()
    }
    /// Number of criteria.
    pub fn total(&self) -> usize {
        self.checks.len()
    }
    /// Whether every criterion is met.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.met)
    }
    /// Labels of the unmet criteria.
    pub fn unmet(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| !c.met)
            .map(|c| c.label.clone())
            .collect()
    }
}

fn at_least(what: &str, min: usize, got: usize) -> (bool, String) {
    let met = got >= min;
    let label = if met {
        format!("at least {min} {what} ({got})")
    } else {
        format!("at least {min} {what} (have {got})")
    };
    (met, label)
}

/// Evaluate one criterion on a project.
pub(super) fn check(c: &Criterion, p: &Project) -> TollgateCheck {
    let charter = p.charter();
    let (met, label) = match c {
        Criterion::ProblemStatement => (
            !charter.problem.trim().is_empty(),
            "charter: problem statement".to_owned(),
        ),
        Criterion::Goal => (
            charter.goal.is_some(),
            "charter: goal (metric and target)".into(),
        ),
        Criterion::BusinessCase => (
            !charter.business_case.trim().is_empty(),
            "charter: business case".into(),
        ),
        Criterion::Scope => (!charter.scope_in.is_empty(), "charter: scope (in)".into()),
        Criterion::TeamRole { role } => (
            p.team().iter().any(|m| m.role == *role),
            format!(
                "team: a {} ({})",
                role.as_str().replace('_', " "),
                role.zh()
            ),
        ),
        Criterion::Sipoc => {
            let missing = p.sipoc().missing();
            if missing.is_empty() {
                (true, "SIPOC complete".into())
            } else {
                (
                    false,
                    format!("SIPOC complete (empty: {})", missing.join(", ")),
                )
            }
        }
        Criterion::Ctqs { min } => at_least("CTQ", *min, p.ctqs().len()),
        Criterion::Baseline => (
            charter.goal.as_ref().is_some_and(|g| g.baseline.is_some()),
            "baseline value of the goal metric".into(),
        ),
        Criterion::DataCollectionPlan => (
            !p.data_collection_plan().is_empty(),
            "data collection plan: at least 1 entry".into(),
        ),
        Criterion::VerifiedRootCauses { min } => {
            at_least("verified root cause", *min, p.root_causes().count())
        }
        Criterion::ActionsDone { min } => at_least(
            "action done",
            *min,
            p.actions()
                .iter()
                .filter(|a| a.status == ActionStatus::Done)
                .count(),
        ),
        Criterion::ControlPlanCoversCtqs => {
            let uncovered: Vec<&str> = p
                .ctqs()
                .iter()
                .filter(|c| !p.control_plan().iter().any(|e| e.metric == c.id))
                .map(|c| c.id.as_str())
                .collect();
            if p.ctqs().is_empty() {
                (
                    false,
                    "control plan covers every CTQ (no CTQs defined)".into(),
                )
            } else if uncovered.is_empty() {
                (true, "control plan covers every CTQ".into())
            } else {
                (
                    false,
                    format!(
                        "control plan covers every CTQ (missing: {})",
                        uncovered.join(", ")
                    ),
                )
            }
        }
        Criterion::Manual { key, label } => (p.is_ticked(key), label.clone()),
    };
    TollgateCheck {
        criterion: c.clone(),
        met,
        label,
    }
}
