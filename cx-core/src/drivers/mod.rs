//! Key-driver analysis: which attributes move the outcome (NPS, overall
//! satisfaction), and where to act.
//!
//! From an outcome column and `p` driver columns (NaN = missing; rows with any
//! missing value are dropped listwise and counted), [`analyze`] gives per driver:
//!
//! * Pearson and Spearman correlations with the outcome;
//! * the standardized OLS coefficient β (and the model's R², adjusted R²);
//! * the variance inflation factor, flagged above 5 (moderate) and 10 (severe);
//! * Johnson's (2000) relative weight;
//! * the Shapley / LMG share of R², exact over all `2^p` subsets up to
//!   [`DriverOptions::exact_max`] drivers (20 by default, at most 24), estimated
//!   from random orderings with a standard error beyond it ([`lmg`]);
//! * seeded bootstrap percentile intervals for every importance measure;
//! * its place in the importance–performance matrix ([`Quadrant`]).
//!
//! Every measure is computed from the correlation matrix of the complete rows.
//!
//! ```
//! use cx_core::drivers::{analyze, Column, DriverOptions};
//! let y = [7.0, 9.0, 3.0, 8.0, 10.0, 6.0, 5.0, 9.0];
//! let a = [6.0, 8.0, 2.0, 7.0, 9.0, 6.0, 4.0, 7.0];
//! let b = [5.0, 6.0, 6.0, 7.0, 8.0, 3.0, 5.0, 9.0];
//! let kd = analyze(Column::new("nps", &y), &[Column::new("speed", &a), Column::new("app", &b)],
//!                  DriverOptions::new())?;
//! let shares: f64 = kd.drivers.iter().map(|d| d.lmg).sum();
//! assert!((shares - kd.r_squared).abs() < 1e-12);
//! assert_eq!(kd.drivers[0].name, "speed");
//! # Ok::<(), cx_core::CxError>(())
//! ```

mod analysis;
mod corr;
mod linalg;
pub mod lmg;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

pub use analysis::{analyze, analyze_progress};

use crate::CxError;

/// A named column of numbers (NaN = missing).
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    /// Column name, used in results and errors.
    pub name: &'a str,
    /// The values, one per respondent.
    pub values: &'a [f64],
}

impl<'a> Column<'a> {
    /// A named column.
    pub fn new(name: &'a str, values: &'a [f64]) -> Self {
        Self { name, values }
    }
}

/// Which importance measure places drivers in the importance–performance matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Importance {
    /// Shapley / LMG share of R² (default).
    Lmg,
    /// Johnson's relative weight.
    RelativeWeight,
    /// Absolute standardized β.
    Beta,
    /// Absolute Pearson correlation.
    Pearson,
    /// Absolute Spearman correlation.
    Spearman,
}

impl Importance {
    /// The name accepted by [`FromStr`].
    pub fn name(self) -> &'static str {
        match self {
            Importance::Lmg => "lmg",
            Importance::RelativeWeight => "relative-weight",
            Importance::Beta => "beta",
            Importance::Pearson => "pearson",
            Importance::Spearman => "spearman",
        }
    }
}

impl FromStr for Importance {
    type Err = CxError;
    fn from_str(s: &str) -> crate::Result<Self> {
        Ok(match s {
            "lmg" | "shapley" => Importance::Lmg,
            "relative-weight" | "relative_weight" | "johnson" => Importance::RelativeWeight,
            "beta" => Importance::Beta,
            "pearson" => Importance::Pearson,
            "spearman" => Importance::Spearman,
            _ => {
                return Err(CxError::invalid(
                    "method",
                    None,
                    s,
                    "must be one of lmg, relative-weight, beta, pearson, spearman",
                ));
            }
        })
    }
}

/// Options of [`analyze`]; `DriverOptions::new()` gives the defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct DriverOptions {
    /// Importance measure of the matrix and the ranking (default [`Importance::Lmg`]).
    pub importance: Importance,
    /// Bootstrap replicates for the intervals (0 = none, the default).
    pub bootstrap: usize,
    /// Seed of the bootstrap and of sampled LMG.
    pub seed: u64,
    /// Confidence level of the intervals (default 0.95).
    pub level: f64,
    /// Largest number of drivers decomposed exactly over all subsets (default 20, at most 24).
    pub exact_max: usize,
    /// Random orderings for sampled LMG beyond `exact_max` (default 2000).
    pub permutations: usize,
    /// Importance cut line of the matrix (default: the mean importance).
    pub importance_cut: Option<f64>,
    /// Performance cut line of the matrix (default: the mean of the driver means).
    pub performance_cut: Option<f64>,
    /// Worker threads (0 = all available cores; results do not depend on it).
    pub threads: usize,
}

impl Default for DriverOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl DriverOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self {
            importance: Importance::Lmg,
            bootstrap: 0,
            seed: 0,
            level: 0.95,
            exact_max: 20,
            permutations: 2000,
            importance_cut: None,
            performance_cut: None,
            threads: 0,
        }
    }
    /// Set [`DriverOptions::importance`].
    pub fn importance(mut self, v: Importance) -> Self {
        self.importance = v;
        self
    }
    /// Set [`DriverOptions::bootstrap`] and [`DriverOptions::seed`].
    pub fn bootstrap(mut self, replicates: usize, seed: u64) -> Self {
        self.bootstrap = replicates;
        self.seed = seed;
        self
    }
    /// Set [`DriverOptions::level`].
    pub fn level(mut self, v: f64) -> Self {
        self.level = v;
        self
    }
    /// Set [`DriverOptions::exact_max`].
    pub fn exact_max(mut self, v: usize) -> Self {
        self.exact_max = v;
        self
    }
    /// Set [`DriverOptions::permutations`].
    pub fn permutations(mut self, v: usize) -> Self {
        self.permutations = v;
        self
    }
    /// Set the cut lines of the importance–performance matrix.
    pub fn cuts(mut self, importance: Option<f64>, performance: Option<f64>) -> Self {
        self.importance_cut = importance;
        self.performance_cut = performance;
        self
    }
    /// Set [`DriverOptions::threads`].
    pub fn threads(mut self, v: usize) -> Self {
        self.threads = v;
        self
    }
}

/// VIF above which a driver is flagged as moderately collinear (a common rule of thumb).
pub const VIF_MODERATE: f64 = 5.0;
/// VIF above which a driver is flagged as severely collinear (Kutner et al. 2005, §10.5).
pub const VIF_SEVERE: f64 = 10.0;

/// Collinearity flag of a driver from its VIF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Collinearity {
    /// VIF ≤ 5.
    None,
    /// 5 < VIF ≤ 10.
    Moderate,
    /// VIF > 10.
    Severe,
}

impl Collinearity {
    fn of(vif: f64) -> Self {
        if vif > VIF_SEVERE {
            Collinearity::Severe
        } else if vif > VIF_MODERATE {
            Collinearity::Moderate
        } else {
            Collinearity::None
        }
    }
    /// `"none"`, `"moderate"` or `"severe"`.
    pub fn name(self) -> &'static str {
        match self {
            Collinearity::None => "none",
            Collinearity::Moderate => "moderate",
            Collinearity::Severe => "severe",
        }
    }
}

/// Quadrant of the importance–performance matrix (Martilla & James 1977).
///
/// A value on a cut line counts as high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Quadrant {
    /// High importance, high performance.
    #[serde(rename = "keep up the good work")]
    KeepUpTheGoodWork,
    /// High importance, low performance: act here first.
    #[serde(rename = "concentrate here")]
    ConcentrateHere,
    /// Low importance, low performance.
    #[serde(rename = "low priority")]
    LowPriority,
    /// Low importance, high performance: resources may be better spent elsewhere.
    #[serde(rename = "possible overkill")]
    PossibleOverkill,
}

impl Quadrant {
    /// The quadrant of a driver given the cut lines.
    pub fn of(
        importance: f64,
        performance: f64,
        importance_cut: f64,
        performance_cut: f64,
    ) -> Self {
        match (importance >= importance_cut, performance >= performance_cut) {
            (true, true) => Quadrant::KeepUpTheGoodWork,
            (true, false) => Quadrant::ConcentrateHere,
            (false, false) => Quadrant::LowPriority,
            (false, true) => Quadrant::PossibleOverkill,
        }
    }
    /// Martilla & James's label, e.g. `"concentrate here"`.
    pub fn label(self) -> &'static str {
        match self {
            Quadrant::KeepUpTheGoodWork => "keep up the good work",
            Quadrant::ConcentrateHere => "concentrate here",
            Quadrant::LowPriority => "low priority",
            Quadrant::PossibleOverkill => "possible overkill",
        }
    }
}

impl fmt::Display for Quadrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A bootstrap percentile interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// Bootstrap percentile intervals of one driver's measures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DriverIntervals {
    /// Pearson correlation.
    pub pearson: Interval,
    /// Spearman correlation.
    pub spearman: Interval,
    /// Standardized β.
    pub beta: Interval,
    /// Relative weight (raw, in R² units).
    pub relative_weight: Interval,
    /// LMG (raw, in R² units).
    pub lmg: Interval,
}

/// How the LMG shares were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
#[non_exhaustive]
pub enum LmgMethod {
    /// Exactly, over all `2^p` subsets.
    Exact,
    /// Estimated from this many random orderings (`lmg_se` gives the Monte Carlo error).
    Sampled {
        /// Number of orderings.
        permutations: usize,
    },
}

/// The results of one driver.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DriverResult {
    /// Column name.
    pub name: String,
    /// Missing values in this column (over all rows, before listwise deletion).
    pub n_missing: usize,
    /// Performance: the driver's mean over the rows used.
    pub mean: f64,
    /// Pearson correlation with the outcome.
    pub pearson: f64,
    /// Spearman correlation with the outcome (average ranks for ties).
    pub spearman: f64,
    /// Standardized OLS coefficient in the full model.
    pub beta: f64,
    /// Variance inflation factor `1/(1 − R²ⱼ)`.
    pub vif: f64,
    /// VIF flag: above [`VIF_MODERATE`] or [`VIF_SEVERE`].
    pub collinearity: Collinearity,
    /// Johnson's relative weight (raw; the weights sum to R²).
    pub relative_weight: f64,
    /// Relative weight as a share of R² (the shares sum to 1).
    pub relative_weight_share: f64,
    /// Shapley / LMG value (raw; the values sum to R²).
    pub lmg: f64,
    /// LMG as a share of R².
    pub lmg_share: f64,
    /// Monte Carlo standard error of `lmg` when sampled; `None` when exact.
    pub lmg_se: Option<f64>,
    /// Signed LMG: `lmg` with the sign of `beta` (Q Research convention).
    pub lmg_signed: f64,
    /// Bootstrap intervals (when replicates were asked for).
    pub intervals: Option<DriverIntervals>,
    /// The importance used by the matrix ([`DriverOptions::importance`]).
    pub importance: f64,
    /// 1 = most important by `importance`.
    pub rank: usize,
    /// Quadrant of the importance–performance matrix.
    pub quadrant: Quadrant,
}

/// The result of [`analyze`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct KeyDrivers {
    /// Outcome column name.
    pub outcome: String,
    /// One entry per driver, in input order.
    pub drivers: Vec<DriverResult>,
    /// R² of the full OLS model.
    pub r_squared: f64,
    /// Adjusted R²: `1 − (1 − R²)(n − 1)/(n − p − 1)`.
    pub adj_r_squared: f64,
    /// Bootstrap interval of R².
    pub r_squared_interval: Option<Interval>,
    /// Rows in the input.
    pub n_rows: usize,
    /// Rows used (complete in the outcome and every driver).
    pub n_used: usize,
    /// Rows dropped by listwise deletion.
    pub n_dropped: usize,
    /// Missing values in the outcome column.
    pub outcome_missing: usize,
    /// How LMG was computed.
    pub lmg_method: LmgMethod,
    /// Importance measure of the matrix.
    pub importance: Importance,
    /// Importance cut line used.
    pub importance_cut: f64,
    /// Performance cut line used.
    pub performance_cut: f64,
    /// Bootstrap replicates asked for.
    pub bootstrap: usize,
    /// Replicates skipped because the resample was degenerate (a constant or collinear column).
    pub bootstrap_failed: usize,
    /// Confidence level of the intervals.
    pub level: f64,
    /// Human-readable warnings (collinearity, dropped rows, small samples, sampled LMG).
    pub warnings: Vec<String>,
}
