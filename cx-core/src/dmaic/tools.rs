//! The DMAIC tools a project records: CTQ tree, SIPOC, fishbone causes,
//! data collection plan, improvement actions and control plan.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::parse_alias;
use crate::spc::{ChartType, RuleSet};
use crate::{CxError, Result};

pub(super) fn non_empty(field: &str, s: String) -> Result<String> {
    if s.trim().is_empty() {
        Err(CxError::invalid(field, None, "", "must not be empty"))
    } else {
        Ok(s)
    }
}

/// Specification of a CTQ: lower/upper specification limits, target, unit.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Spec {
    /// Lower specification limit.
    pub lsl: Option<f64>,
    /// Upper specification limit.
    pub usl: Option<f64>,
    /// Target (nominal) value.
    pub target: Option<f64>,
    /// Unit (`"ratio"`, `"min"`, `"分钟"`).
    pub unit: Option<String>,
}

impl Spec {
    /// Only a lower limit (larger is better, e.g. first-contact resolution).
    pub fn lower(lsl: f64) -> Self {
        Self {
            lsl: Some(lsl),
            ..Self::default()
        }
    }
    /// Only an upper limit (smaller is better, e.g. wait time).
    pub fn upper(usl: f64) -> Self {
        Self {
            usl: Some(usl),
            ..Self::default()
        }
    }
    /// Both limits.
    pub fn between(lsl: f64, usl: f64) -> Self {
        Self {
            lsl: Some(lsl),
            usl: Some(usl),
            ..Self::default()
        }
    }
    /// Set the target.
    pub fn target(mut self, target: f64) -> Self {
        self.target = Some(target);
        self
    }
    /// Set the unit.
    pub fn unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = Some(unit.into());
        self
    }

    /// Check the specification.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] when no limit or target is given, a value is not
    /// finite, LSL ≥ USL, or the target lies outside the limits.
    pub fn validate(&self, ctq: &str) -> Result<()> {
        let field = format!("ctq {ctq} spec");
        if self.lsl.is_none() && self.usl.is_none() && self.target.is_none() {
            return Err(CxError::invalid(
                field,
                None,
                "{}",
                "give lsl, usl or target",
            ));
        }
        for v in [self.lsl, self.usl, self.target].into_iter().flatten() {
            if !v.is_finite() {
                return Err(CxError::invalid(field, None, v, "limits must be finite"));
            }
        }
        if let (Some(l), Some(u)) = (self.lsl, self.usl)
            && l >= u
        {
            return Err(CxError::invalid(
                field,
                None,
                format!("{l}..{u}"),
                "lsl must be below usl",
            ));
        }
        if let Some(t) = self.target
            && (self.lsl.is_some_and(|l| t < l) || self.usl.is_some_and(|u| t > u))
        {
            return Err(CxError::invalid(
                field,
                None,
                t,
                "target outside the limits",
            ));
        }
        Ok(())
    }
}

/// One branch of the CTQ tree: voice of the customer → need → driver → CTQ + spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ctq {
    /// Short id, used by the goal and the control plan (`"fcr"`).
    pub id: String,
    /// Voice of the customer, verbatim ("I had to call three times").
    pub voice: String,
    /// Need behind it ("my problem is solved the first time").
    pub need: String,
    /// Driver ("agent can resolve billing disputes").
    pub driver: String,
    /// The measurable requirement.
    pub spec: Spec,
}

impl Ctq {
    /// A CTQ with its specification.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an empty id or an invalid spec.
    pub fn new(id: impl Into<String>, spec: Spec) -> Result<Self> {
        let id = non_empty("ctq.id", id.into())?;
        spec.validate(&id)?;
        Ok(Self {
            id,
            voice: String::new(),
            need: String::new(),
            driver: String::new(),
            spec,
        })
    }
    /// Set the voice of the customer.
    pub fn voice(mut self, s: impl Into<String>) -> Self {
        self.voice = s.into();
        self
    }
    /// Set the need.
    pub fn need(mut self, s: impl Into<String>) -> Self {
        self.need = s.into();
        self
    }
    /// Set the driver.
    pub fn driver(mut self, s: impl Into<String>) -> Self {
        self.driver = s.into();
        self
    }
}

/// SIPOC: suppliers, inputs, process steps, outputs, customers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Sipoc {
    /// Suppliers (供应方).
    pub suppliers: Vec<String>,
    /// Inputs (输入).
    pub inputs: Vec<String>,
    /// High-level process steps (流程), typically 4–7.
    pub process: Vec<String>,
    /// Outputs (输出).
    pub outputs: Vec<String>,
    /// Customers (客户).
    pub customers: Vec<String>,
}

impl Sipoc {
    /// Names of the empty columns (`"suppliers"`, ...); empty when complete.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            ("suppliers", &self.suppliers),
            ("inputs", &self.inputs),
            ("process", &self.process),
            ("outputs", &self.outputs),
            ("customers", &self.customers),
        ]
        .into_iter()
        .filter(|(_, v)| v.iter().all(|s| s.trim().is_empty()))
        .map(|(n, _)| n)
        .collect()
    }
}

/// The six M cause categories of the fishbone (人机料法环测).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SixM {
    /// People / manpower (人).
    People,
    /// Machine / systems, tools (机).
    Machine,
    /// Material / information inputs (料).
    Material,
    /// Method / procedure (法).
    Method,
    /// Environment / mother nature (环).
    Environment,
    /// Measurement (测).
    Measurement,
}

impl SixM {
    /// All six, in the usual 人机料法环测 order.
    pub const ALL: [SixM; 6] = [
        SixM::People,
        SixM::Machine,
        SixM::Material,
        SixM::Method,
        SixM::Environment,
        SixM::Measurement,
    ];
    /// English name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            SixM::People => "people",
            SixM::Machine => "machine",
            SixM::Material => "material",
            SixM::Method => "method",
            SixM::Environment => "environment",
            SixM::Measurement => "measurement",
        }
    }
    /// The one-character Chinese name (人, 机, 料, 法, 环, 测).
    pub fn zh(self) -> &'static str {
        match self {
            SixM::People => "人",
            SixM::Machine => "机",
            SixM::Material => "料",
            SixM::Method => "法",
            SixM::Environment => "环",
            SixM::Measurement => "测",
        }
    }
}

impl fmt::Display for SixM {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SixM {
    type Err = CxError;
    /// Parse English (`"manpower"`, `"mother nature"` too) or Chinese (`"人"`, `"环境"`).
    fn from_str(s: &str) -> Result<Self> {
        parse_alias(
            s,
            "category",
            &[
                (
                    &["people", "man", "manpower", "person", "人", "人员"],
                    SixM::People,
                ),
                (
                    &[
                        "machine", "machines", "system", "机", "机器", "设备", "系统",
                    ],
                    SixM::Machine,
                ),
                (
                    &["material", "materials", "料", "材料", "物料"],
                    SixM::Material,
                ),
                (
                    &["method", "methods", "process", "法", "方法"],
                    SixM::Method,
                ),
                (
                    &["environment", "mother_nature", "milieu", "环", "环境"],
                    SixM::Environment,
                ),
                (
                    &["measurement", "measurements", "测", "测量"],
                    SixM::Measurement,
                ),
            ],
            "people, machine, material, method, environment, measurement (or 人/机/料/法/环/测)",
        )
    }
}

/// A cause on the fishbone; a verified cause (with evidence) is a root cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cause {
    /// Id assigned by the project (`"C1"`, ...).
    pub id: String,
    /// Six M category.
    pub category: SixM,
    /// The cause ("agents lack a callback script").
    pub text: String,
    /// Verified with data (a root cause).
    pub verified: bool,
    /// Evidence of the verification (test, data, Gemba observation).
    pub evidence: Option<String>,
}

/// Status of an improvement action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ActionStatus {
    /// Not started (待办).
    #[default]
    Open,
    /// Under way (进行中).
    InProgress,
    /// Done (完成).
    Done,
    /// Dropped (取消).
    Cancelled,
}

impl ActionStatus {
    /// Snake-case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
            ActionStatus::Cancelled => "cancelled",
        }
    }
}

impl FromStr for ActionStatus {
    type Err = CxError;
    /// Parse `"open"`, `"in_progress"`, `"done"`, `"cancelled"` or 待办/进行中/完成/取消.
    fn from_str(s: &str) -> Result<Self> {
        parse_alias(
            s,
            "status",
            &[
                (&["open", "todo", "待办", "未开始"], ActionStatus::Open),
                (
                    &["in_progress", "doing", "进行中"],
                    ActionStatus::InProgress,
                ),
                (
                    &["done", "complete", "completed", "完成", "已完成"],
                    ActionStatus::Done,
                ),
                (
                    &["cancelled", "canceled", "dropped", "取消", "已取消"],
                    ActionStatus::Cancelled,
                ),
            ],
            "open, in_progress, done, cancelled (or 待办/进行中/完成/取消)",
        )
    }
}

/// An improvement action with owner, due date and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Action {
    /// Id assigned by the project (`"A1"`, ...).
    pub id: String,
    /// What will be done.
    pub title: String,
    /// Who owns it.
    pub owner: String,
    /// When it is due.
    pub due: NaiveDate,
    /// Status.
    pub status: ActionStatus,
    /// Ids of the causes it addresses.
    pub causes: Vec<String>,
}

/// One row of the data collection plan (Measure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DataCollectionEntry {
    /// Metric (usually a CTQ id).
    pub metric: String,
    /// Operational definition: exactly what is counted and how.
    pub definition: String,
    /// Data source (system, survey, sampling).
    pub source: String,
    /// Sampling / frequency ("all calls, daily").
    pub sampling: String,
}

/// One row of the control plan: how a metric is monitored and what to do on a signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ControlPlanEntry {
    /// Metric (a CTQ id to cover that CTQ).
    pub metric: String,
    /// Chart type, as `control_chart(kind=...)` names it.
    pub chart: ChartType,
    /// Run rules, as `control_chart(rules=...)` names them: a preset's name or
    /// a list of rule codes (old plans' `"basic"` reads as `["WE1"]`).
    #[serde(with = "crate::spc::rules_literal")]
    pub rules: RuleSet,
    /// Reaction plan: who does what when the chart signals.
    pub reaction_plan: String,
    /// Owner of the monitoring (usually the process owner).
    pub owner: Option<String>,
}

impl ControlPlanEntry {
    /// A control plan row.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an empty metric or reaction plan.
    pub fn new(
        metric: impl Into<String>,
        chart: ChartType,
        rules: RuleSet,
        reaction_plan: impl Into<String>,
    ) -> Result<Self> {
        Ok(Self {
            metric: non_empty("control_plan.metric", metric.into())?,
            chart,
            rules,
            reaction_plan: non_empty("control_plan.reaction_plan", reaction_plan.into())?,
            owner: None,
        })
    }
    /// Set the owner.
    pub fn owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = Some(owner.into());
        self
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a failure should stop loudly
mod unit {
    use super::*;

    #[test]
    fn six_m_parses_chinese_and_english() {
        for (s, m) in [
            ("人", SixM::People),
            ("机器", SixM::Machine),
            ("料", SixM::Material),
        ] {
            assert_eq!(s.parse::<SixM>().ok(), Some(m));
        }
        assert_eq!(
            "Mother Nature".parse::<SixM>().ok(),
            Some(SixM::Environment)
        );
        assert_eq!("测".parse::<SixM>().ok(), Some(SixM::Measurement));
        assert!("money".parse::<SixM>().is_err());
    }

    #[test]
    fn spec_rejects_bad_limits() {
        assert!(Spec::between(2.0, 1.0).validate("x").is_err());
        assert!(Spec::default().validate("x").is_err());
        assert!(Spec::lower(0.8).target(0.5).validate("x").is_err());
        assert!(Spec::upper(5.0).unit("min").validate("x").is_ok());
    }

    #[test]
    fn sipoc_missing_columns() {
        let s = Sipoc {
            suppliers: vec!["IT".into()],
            ..Sipoc::default()
        };
        assert_eq!(
            s.missing(),
            vec!["inputs", "process", "outputs", "customers"]
        );
    }
}
