//! Statistical process control: control charts, run rules, capability and
//! Six Sigma arithmetic, for holding the gains of a DMAIC project.
//!
//! * [`constants`]: d2, d3, c4 computed exactly, or qcc's rounded table.
//! * Charts: [`xmr`], [`xbar_r`], [`xbar_s`], [`r_chart`], [`s_chart`],
//!   [`p_chart`], [`np_chart`], [`c_chart`], [`u_chart`], [`laney_p`], [`laney_u`],
//!   [`ewma`], [`cusum`], [`g_chart`], [`t_chart`], [`run_chart`], all returning a [`ControlChart`] and all taking [`ChartOptions`]
//!   (phase I/II, stages, excluded points, known centre/σ, probability limits).
//! * [`rules`]: Western Electric and Nelson run rules and their semantics.
//! * [`SpcMonitor`]: streaming phase II with serializable state.
//! * [`capability()`] (Cp…Ppm with intervals) and [`sigma`] (DPMO, yields, sigma level).
//!
//! The numbers reproduce R's qcc 3.0 (with [`Constants::Qcc`] to 1e-9; with
//! the default exact constants they differ by qcc's rounding of d2/d3).
//!
//! ```
//! use cx_core::spc::{xmr, ChartOptions, RuleSet};
//! let x = [5.0, 6.0, 5.5, 6.5, 5.0, 9.9, 5.5, 6.0];
//! let chart = xmr(&x, ChartOptions::new().rules(RuleSet::Nelson).nsigmas(3.0))?;
//! assert_eq!(chart.len(), 8);
//! println!("{}", chart.summary());
//! # Ok::<(), cx_core::CxError>(())
//! ```

pub mod attributes;
pub mod capability;
pub mod chart;
pub mod constants;
pub mod ewma_cusum;
mod kernel;
pub mod kinds;
pub mod monitor;
pub mod rare;
mod report;
pub mod rules;
pub mod runchart;
pub mod sigma;
mod summary;
pub mod variables;

pub use attributes::{c_chart, laney_p, laney_u, np_chart, p_chart, u_chart};
pub use capability::{Capability, CapabilityOptions, Index, capability};
pub use chart::{
    ChartKind, ChartOptions, ControlChart, PerPoint, SigmaMethod, Stage, Violation, XmrOptions,
};
pub use constants::{Constants, Factors};
pub use ewma_cusum::{Series, cusum, ewma};
pub use kinds::{ChartType, parse_rules, rules_literal, rules_name};
pub use monitor::{Signal, SpcMonitor};
pub use rare::{g_chart, t_chart};
pub use rules::{Rule, RuleFamily, RulePoint, RuleSet, RuleState};
pub use runchart::{RunsAnalysis, anhoej_limits, run_chart, run_chart_with};
pub use sigma::{
    SigmaLevel, dpmo_to_sigma, first_time_yield, rolled_throughput_yield, sigma_level,
    sigma_to_dpmo,
};
pub use summary::ControlSummary;
pub use variables::{
    SubgroupStats, Subgroups, r_chart, s_chart, xbar_r, xbar_r_from_stats, xbar_s,
    xbar_s_from_stats, xmr, xmr_complete, xmr_lean, xmr_lean_into,
};
