//! Six Sigma DMAIC improvement projects: charter, team, CTQ tree, SIPOC, fishbone,
//! actions, control plan, and phase tollgates with recorded sign-offs.
//!
//! A [`Project`] moves Define → Measure → Analyze → Improve → Control → Closed.
//! Each phase has a configurable [`Criterion`] checklist (its tollgate);
//! [`Project::advance`] closes the current phase only when every criterion is met,
//! and otherwise fails with [`CxError::TollgateNotMet`]
//! listing each unmet item. Sign-off times are supplied by the caller: the core
//! never reads the system clock.
//!
//! Chinese names are accepted wherever a category is parsed: phases (定义, 测量,
//! 分析, 改进, 控制), roles (倡导者, 黑带, 绿带, 流程负责人, 成员) and the six M of
//! the fishbone (人, 机, 料, 法, 环, 测).
//!
//! # Reference
//! Phases and tollgates: George, M. L. et al. (2005), *The Lean Six Sigma Pocket
//! Toolbook*, ch. 1 (tollgate reviews) and ch. 3–7 (charter, SIPOC, CTQ tree,
//! data collection plan, cause-and-effect diagram, control plan); Pyzdek, T. &
//! Keller, P. (2014), *The Six Sigma Handbook*, 4th ed., ch. 2–3; Ishikawa, K. (1976),
//! *Guide to Quality Control* (6M cause categories).
//!
//! # Examples
//! ```
//! use cx_core::dmaic::{Phase, Project, Role, SixM, Spec};
//! use chrono::DateTime;
//!
//! let mut p = Project::builder("Cut repeat calls")
//!     .owner("ops")
//!     .problem("32% of billing calls repeat within 7 days")
//!     .goal("fcr", 0.80)
//!     .member("Li Na", Role::Champion)
//!     .ctq("fcr", Spec::lower(0.8))
//!     .sipoc(["billing system"], ["customer call"], ["triage", "resolve"], ["resolution"], ["caller"])
//!     .build()?;
//! let at = DateTime::parse_from_rfc3339("2026-03-02T10:00:00+08:00").unwrap();
//! p.advance("Li Na", at)?;
//! assert_eq!(p.phase(), Phase::Measure);
//! // Measure is not done yet: the error lists what is missing.
//! let e = p.advance("Li Na", at).unwrap_err();
//! assert_eq!(e.code(), "tollgate_not_met");
//! let id = p.add_cause(SixM::Method, "no callback script")?;
//! assert_eq!(id, "C1");
//! # Ok::<(), cx_core::CxError>(())
//! ```

mod charter;
mod project;
mod tollgate;
mod tools;

pub use charter::{Charter, Goal, Role, TeamMember};
pub use project::{Project, ProjectBuilder, Signoff};
pub use tollgate::{Criterion, TollgateCheck, TollgateReport, default_tollgate};
pub use tools::{
    Action, ActionStatus, Cause, ControlPlanEntry, Ctq, DataCollectionEntry, Sipoc, SixM, Spec,
};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::CxError;

/// Look `s` up (trimmed, case-insensitive, `-`/space as `_`) in a table of aliases.
pub(crate) fn parse_alias<T: Copy>(
    s: &str,
    field: &str,
    table: &[(&[&str], T)],
    expected: &str,
) -> Result<T, CxError> {
    let key = s.trim().to_lowercase().replace(['-', ' '], "_");
    table
        .iter()
        .find(|(names, _)| names.contains(&key.as_str()))
        .map(|&(_, v)| v)
        .ok_or_else(|| CxError::invalid(field, None, s, format!("expected one of {expected}")))
}

/// A DMAIC phase (定义 / 测量 / 分析 / 改进 / 控制), or `Closed` after Control.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Phase {
    /// Define (定义): charter, team, voice of the customer, SIPOC, CTQs.
    #[default]
    Define,
    /// Measure (测量): data collection plan and baseline.
    Measure,
    /// Analyze (分析): root causes, verified with data.
    Analyze,
    /// Improve (改进): solutions implemented and piloted.
    Improve,
    /// Control (控制): control plan and hand-over to the process owner.
    Control,
    /// Closed (结项): every tollgate passed.
    Closed,
}

impl Phase {
    /// All working phases, in order (without `Closed`).
    pub const WORKING: [Phase; 5] = [
        Phase::Define,
        Phase::Measure,
        Phase::Analyze,
        Phase::Improve,
        Phase::Control,
    ];

    /// The phase after this one (`Closed` stays `Closed`).
    pub fn next(self) -> Phase {
        match self {
            Phase::Define => Phase::Measure,
            Phase::Measure => Phase::Analyze,
            Phase::Analyze => Phase::Improve,
            Phase::Improve => Phase::Control,
            Phase::Control | Phase::Closed => Phase::Closed,
        }
    }

    /// Lower-case English name (`"define"`, ...), as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Define => "define",
            Phase::Measure => "measure",
            Phase::Analyze => "analyze",
            Phase::Improve => "improve",
            Phase::Control => "control",
            Phase::Closed => "closed",
        }
    }

    /// Chinese name (定义, 测量, 分析, 改进, 控制, 结项).
    pub fn zh(self) -> &'static str {
        match self {
            Phase::Define => "定义",
            Phase::Measure => "测量",
            Phase::Analyze => "分析",
            Phase::Improve => "改进",
            Phase::Control => "控制",
            Phase::Closed => "结项",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Phase {
    type Err = CxError;
    /// Parse an English (`"analyse"` too) or Chinese phase name.
    fn from_str(s: &str) -> Result<Self, CxError> {
        parse_alias(
            s,
            "phase",
            &[
                (&["define", "d", "定义"], Phase::Define),
                (&["measure", "m", "测量"], Phase::Measure),
                (&["analyze", "analyse", "a", "分析"], Phase::Analyze),
                (&["improve", "i", "改进", "改善"], Phase::Improve),
                (&["control", "c", "控制"], Phase::Control),
                (&["closed", "close", "结项", "关闭"], Phase::Closed),
            ],
            "define, measure, analyze, improve, control, closed (or 定义/测量/分析/改进/控制/结项)",
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a failure should stop loudly
mod unit {
    use super::*;

    #[test]
    fn phases_parse_in_both_languages() {
        assert_eq!("分析".parse::<Phase>().ok(), Some(Phase::Analyze));
        assert_eq!(" Analyse ".parse::<Phase>().ok(), Some(Phase::Analyze));
        assert_eq!(Phase::Control.next(), Phase::Closed);
        assert!("deploy".parse::<Phase>().is_err());
    }
}
