//! Project charter, goal and team roles.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::parse_alias;
use crate::{CxError, Result};

/// The goal of a project: move `metric` from `baseline` to `target`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Goal {
    /// Metric name (usually a CTQ id, e.g. `"fcr"`).
    pub metric: String,
    /// Measured baseline; required by the default Measure tollgate.
    pub baseline: Option<f64>,
    /// Target value.
    pub target: f64,
    /// Unit, e.g. `"ratio"`, `"min"`.
    pub unit: Option<String>,
}

impl Goal {
    /// A goal without a baseline yet.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an empty metric or a non-finite target.
    pub fn new(metric: impl Into<String>, target: f64) -> Result<Self> {
        let metric = metric.into();
        if metric.trim().is_empty() {
            return Err(CxError::invalid(
                "goal.metric",
                None,
                "",
                "must not be empty",
            ));
        }
        if !target.is_finite() {
            return Err(CxError::invalid(
                "goal.target",
                None,
                target,
                "must be finite",
            ));
        }
        Ok(Self {
            metric,
            baseline: None,
            target,
            unit: None,
        })
    }

    /// Set the measured baseline.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for a non-finite value.
    pub fn with_baseline(mut self, baseline: f64) -> Result<Self> {
        if !baseline.is_finite() {
            return Err(CxError::invalid(
                "goal.baseline",
                None,
                baseline,
                "must be finite",
            ));
        }
        self.baseline = Some(baseline);
        Ok(self)
    }

    /// Set the unit.
    pub fn with_unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = Some(unit.into());
        self
    }
}

/// The project charter (项目章程).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Charter {
    /// Problem statement: what, where, since when, how big.
    pub problem: String,
    /// Goal statement with baseline and target.
    pub goal: Option<Goal>,
    /// In scope.
    pub scope_in: Vec<String>,
    /// Out of scope.
    pub scope_out: Vec<String>,
    /// Business case: why now, what it is worth.
    pub business_case: String,
}

/// A team role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// Champion / sponsor (倡导者): owns the business case, removes barriers.
    Champion,
    /// Black belt (黑带): leads the project full time.
    BlackBelt,
    /// Green belt (绿带): leads or supports part time.
    GreenBelt,
    /// Process owner (流程负责人): receives the process at Control.
    ProcessOwner,
    /// Team member (成员).
    Member,
}

impl Role {
    /// Snake-case English name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Champion => "champion",
            Role::BlackBelt => "black_belt",
            Role::GreenBelt => "green_belt",
            Role::ProcessOwner => "process_owner",
            Role::Member => "member",
        }
    }
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Role::Champion => "倡导者",
            Role::BlackBelt => "黑带",
            Role::GreenBelt => "绿带",
            Role::ProcessOwner => "流程负责人",
            Role::Member => "成员",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = CxError;
    /// Parse an English or Chinese role name (`"black belt"`, `"黑带"`, `"sponsor"`).
    fn from_str(s: &str) -> Result<Self> {
        parse_alias(
            s,
            "role",
            &[
                (
                    &["champion", "sponsor", "倡导者", "发起人", "项目倡导者"],
                    Role::Champion,
                ),
                (&["black_belt", "bb", "黑带"], Role::BlackBelt),
                (&["green_belt", "gb", "绿带"], Role::GreenBelt),
                (
                    &[
                        "process_owner",
                        "owner",
                        "流程负责人",
                        "过程负责人",
                        "流程所有者",
                    ],
                    Role::ProcessOwner,
                ),
                (&["member", "team_member", "成员", "组员"], Role::Member),
            ],
            "champion, black_belt, green_belt, process_owner, member (or 倡导者/黑带/绿带/流程负责人/成员)",
        )
    }
}

/// A member of the project team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TeamMember {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
}

impl TeamMember {
    /// A team member.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an empty name.
    pub fn new(name: impl Into<String>, role: Role) -> Result<Self> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(CxError::invalid("team.name", None, "", "must not be empty"));
        }
        Ok(Self { name, role })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a failure should stop loudly
mod unit {
    use super::*;

    #[test]
    fn roles_parse_in_both_languages() {
        assert_eq!("黑带".parse::<Role>().ok(), Some(Role::BlackBelt));
        assert_eq!(
            "Process Owner".parse::<Role>().ok(),
            Some(Role::ProcessOwner)
        );
        assert!("boss".parse::<Role>().is_err());
    }

    #[test]
    fn goal_validates() {
        assert!(Goal::new("", 1.0).is_err());
        assert!(Goal::new("fcr", f64::NAN).is_err());
        let g = Goal::new("fcr", 0.8).and_then(|g| g.with_baseline(0.7));
        assert_eq!(g.ok().and_then(|g| g.baseline), Some(0.7));
    }
}
