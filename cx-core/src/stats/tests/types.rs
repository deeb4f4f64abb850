//! Options and the result type of the hypothesis tests (re-exported by [`super`]).

use serde::Serialize;

/// What to do with missing values (NaN) in a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub enum Missing {
    /// Fail with [`CxError::InvalidValue`](crate::CxError::InvalidValue) naming the first NaN's row (the default).
    #[default]
    Reject,
    /// Drop NaNs (pairs with a NaN on either side, for paired data).
    Skip,
}

/// Options shared by the sample-based tests.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub struct TestOptions {
    /// Missing-value policy (default [`Missing::Reject`]).
    pub missing: Missing,
}

impl TestOptions {
    /// Default options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set the missing-value policy.
    pub fn missing(mut self, missing: Missing) -> Self {
        self.missing = missing;
        self
    }
}

impl From<Missing> for TestOptions {
    fn from(missing: Missing) -> Self {
        Self { missing }
    }
}

/// How [`mann_whitney_u`](super::mann_whitney_u) computes its p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub enum MwuMethod {
    /// Exact when a sample has at most 8 values and there are no ties,
    /// else asymptotic (scipy's `_mwu_choose_method`).
    #[default]
    Auto,
    /// Exact null distribution of U (no ties allowed).
    Exact,
    /// Normal approximation with tie correction.
    Asymptotic,
}

/// Options of [`mann_whitney_u`](super::mann_whitney_u).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct MannWhitneyOptions {
    /// Missing-value policy.
    pub missing: Missing,
    /// p-value method.
    pub method: MwuMethod,
    /// Continuity correction of the normal approximation (default `true`).
    pub continuity: bool,
}

impl Default for MannWhitneyOptions {
    fn default() -> Self {
        Self {
            missing: Missing::Reject,
            method: MwuMethod::Auto,
            continuity: true,
        }
    }
}

impl MannWhitneyOptions {
    /// Default options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set the missing-value policy.
    pub fn missing(mut self, missing: Missing) -> Self {
        self.missing = missing;
        self
    }
    /// Set the p-value method.
    pub fn method(mut self, method: MwuMethod) -> Self {
        self.method = method;
        self
    }
    /// Turn the continuity correction on or off.
    pub fn continuity(mut self, on: bool) -> Self {
        self.continuity = on;
        self
    }
}

impl From<MwuMethod> for MannWhitneyOptions {
    fn from(method: MwuMethod) -> Self {
        Self::new().method(method)
    }
}

impl From<Missing> for MannWhitneyOptions {
    fn from(missing: Missing) -> Self {
        Self::new().missing(missing)
    }
}

/// Options of [`chi2_independence`](super::chi2_independence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Chi2Options {
    /// Yates' continuity correction; only allowed for a 2×2 table (default `false`).
    pub yates: bool,
}

impl Chi2Options {
    /// Default options (no Yates correction).
    pub fn new() -> Self {
        Self::default()
    }
    /// Turn Yates' correction on or off.
    pub fn yates(mut self, on: bool) -> Self {
        self.yates = on;
        self
    }
}

/// Options of [`two_proportion_z`](super::two_proportion_z).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ProportionOptions {
    /// Confidence level of the interval of p₁ − p₂, in (0, 1) (default 0.95).
    pub level: f64,
}

impl Default for ProportionOptions {
    fn default() -> Self {
        Self { level: 0.95 }
    }
}

impl ProportionOptions {
    /// Default options (95 % interval).
    pub fn new() -> Self {
        Self::default()
    }
    /// Set the confidence level.
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }
}

/// A two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ConfidenceInterval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Confidence level in (0, 1).
    pub level: f64,
}

/// The result of a hypothesis test.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TestResult {
    /// Test identifier (`"welch_t"`, `"kruskal"`, ...).
    pub test: &'static str,
    /// How the p-value was obtained (`"asymptotic"`, `"exact"`, `"yates"`, ...).
    pub method: &'static str,
    /// Test statistic (z, χ², t, U of the first sample, F or H).
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Degrees of freedom (numerator df for F); `None` for z and U.
    pub df: Option<f64>,
    /// Denominator degrees of freedom (F tests only).
    pub df2: Option<f64>,
    /// Effect size (see `effect_size_name`).
    pub effect_size: f64,
    /// `"cohens_h"`, `"cramers_v"`, `"hedges_g"`, `"cohens_dz"`, `"rank_biserial"`,
    /// `"eta_squared"` or `"epsilon_squared"`.
    pub effect_size_name: &'static str,
    /// Point estimate of the difference (p₁ − p₂, mean difference), when there is one.
    pub estimate: Option<f64>,
    /// Confidence interval of `estimate`, when computed.
    pub ci: Option<ConfidenceInterval>,
    /// Observations used, per sample (or the table total for χ²).
    pub n: Vec<usize>,
}
