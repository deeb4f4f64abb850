//! The control-chart result, its options, and the driver shared by every chart.
//!
//! A chart is built in the same steps whatever its kind:
//! 1. split the points into **stages** (a new stage starts where the stage
//!    label changes); each stage gets its own limits and rules restart in it;
//! 2. in each stage, estimate the centre and σ from the **calibration** points:
//!    points of phase I (the first `phase1` points; all points when not set)
//!    that are not **excluded**; a known centre or σ replaces the estimate;
//! 3. compute every point's centre, standard error and limits (n-sigma, or
//!    probability limits with `confidence`), and judge every point, phase I and
//!    phase II, excluded or not, by the selected run rules.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::constants::Constants;
#[cfg(test)]
use super::rules::RuleState;
use super::rules::{Rule, RulePoint, RuleSet, summary_code};
use crate::{CxError, Result};

/// The kind of a control chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ChartKind {
    /// Individuals (the I of I-MR).
    Individuals,
    /// Moving ranges of span 2 (the MR of I-MR).
    MovingRange,
    /// Subgroup means.
    Xbar,
    /// Subgroup ranges.
    Range,
    /// Subgroup standard deviations.
    StdDev,
    /// Proportion nonconforming.
    P,
    /// Number nonconforming.
    Np,
    /// Count of nonconformities.
    C,
    /// Nonconformities per unit.
    U,
    /// Laney p′ (over-dispersion corrected).
    LaneyP,
    /// Laney u′.
    LaneyU,
    /// Opportunities between events (geometric).
    G,
    /// Time between events (Weibull, power-transformed).
    T,
    /// Exponentially weighted moving average.
    Ewma,
    /// Tabular CUSUM, upper side (the lower side is the secondary chart).
    CusumUpper,
    /// Tabular CUSUM, lower side.
    CusumLower,
    /// Run chart (median, Anhøj rules).
    Run,
}

impl ChartKind {
    /// Short name, as in the Python `kind=` literal.
    pub fn name(&self) -> &'static str {
        match self {
            ChartKind::Individuals => "individuals",
            ChartKind::MovingRange => "moving_range",
            ChartKind::Xbar => "xbar",
            ChartKind::Range => "r",
            ChartKind::StdDev => "s",
            ChartKind::P => "p",
            ChartKind::Np => "np",
            ChartKind::C => "c",
            ChartKind::U => "u",
            ChartKind::LaneyP => "laney_p",
            ChartKind::LaneyU => "laney_u",
            ChartKind::G => "g",
            ChartKind::T => "t",
            ChartKind::Ewma => "ewma",
            ChartKind::CusumUpper => "cusum_upper",
            ChartKind::CusumLower => "cusum_lower",
            ChartKind::Run => "run",
        }
    }
}

/// A per-point quantity stored once when it is the same for every point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PerPoint {
    /// One value for all points.
    Constant(f64),
    /// One value per point.
    Varying(Vec<f64>),
}

impl PerPoint {
    /// Value at point `i`.
    #[inline]
    pub fn get(&self, i: usize) -> f64 {
        match self {
            PerPoint::Constant(v) => *v,
            PerPoint::Varying(v) => v.get(i).copied().unwrap_or(f64::NAN),
        }
    }
    /// All `n` values.
    pub fn to_vec(&self, n: usize) -> Vec<f64> {
        match self {
            PerPoint::Constant(v) => vec![*v; n],
            PerPoint::Varying(v) => v.clone(),
        }
    }
    /// The common value, if constant.
    pub fn constant(&self) -> Option<f64> {
        match self {
            PerPoint::Constant(v) => Some(*v),
            PerPoint::Varying(_) => None,
        }
    }
}

/// How σ is estimated from the calibration data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SigmaMethod {
    /// qcc's default for the chart: MR for individuals; UWAVE-R for x̄/R
    /// (RMSDF when any subgroup has more than 25 points); UWAVE-SD for S.
    #[default]
    Auto,
    /// Average moving range / d2(2) (individuals).
    MovingRange,
    /// Sample standard deviation / c4(n) (individuals).
    Sd,
    /// Unweighted average of Rᵢ/d2(nᵢ).
    UwaveR,
    /// Unweighted average of sᵢ/c4(nᵢ).
    UwaveSd,
    /// Minimum-variance linear unbiased combination of Rᵢ/d2(nᵢ), weights (d2/d3)².
    MvlueR,
    /// Minimum-variance linear unbiased combination of sᵢ/c4(nᵢ), weights c4²/(1−c4²).
    MvlueSd,
    /// Root mean square (pooled) sd: √(Σ(nᵢ−1)sᵢ²/Σ(nᵢ−1)) / c4(Σ(nᵢ−1)+1).
    Rmsdf,
}

/// Options shared by every chart (consuming setters; `Copy`).
///
/// # Examples
/// ```
/// use cx_core::spc::{ChartOptions, Constants, RuleSet};
/// let o = ChartOptions::new().rules(RuleSet::Nelson).nsigmas(3.0).constants(Constants::Qcc);
/// let p: ChartOptions = RuleSet::WesternElectric.into();
/// assert_eq!(p.nsigmas, 3.0);
/// # let _ = o;
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ChartOptions<'a> {
    /// Run rules to apply (default qcc's: WE 1 and 4).
    pub rules: RuleSet,
    /// Width of the limits in standard errors (default 3).
    pub nsigmas: f64,
    /// Probability limits at this two-sided coverage instead of n-sigma limits.
    pub confidence: Option<f64>,
    /// d2/d3 table (default exact).
    pub constants: Constants,
    /// Known centre (process mean, p̄, c̄, ...) instead of the estimate.
    pub center: Option<f64>,
    /// Known process σ instead of the estimate (variables, EWMA, CUSUM).
    pub sigma: Option<f64>,
    /// σ estimator.
    pub sigma_method: SigmaMethod,
    /// Only the first `phase1` points calibrate the limits.
    pub phase1: Option<usize>,
    /// Stage label of each point; a new stage starts where the label changes.
    pub stages: Option<&'a [i64]>,
    /// Points (0-based) kept on the chart but left out of the limits.
    pub exclude: &'a [usize],
    /// EWMA weight λ ∈ (0, 1] (default 0.2).
    pub lambda: f64,
    /// CUSUM reference value k in standard errors (default 0.5).
    pub k: f64,
    /// CUSUM decision interval h in standard errors (default 5).
    pub h: f64,
}

impl Default for ChartOptions<'_> {
    fn default() -> Self {
        Self {
            rules: RuleSet::Qcc,
            nsigmas: 3.0,
            confidence: None,
            constants: Constants::Exact,
            center: None,
            sigma: None,
            sigma_method: SigmaMethod::Auto,
            phase1: None,
            stages: None,
            exclude: &[],
            lambda: 0.2,
            k: 0.5,
            h: 5.0,
        }
    }
}

/// Shorthand used in the docs: the options of an I-MR chart.
pub type XmrOptions<'a> = ChartOptions<'a>;

impl From<RuleSet> for ChartOptions<'_> {
    fn from(rules: RuleSet) -> Self {
        Self::new().rules(rules)
    }
}

macro_rules! setter {
    ($(#[$m:meta])* $name:ident: $t:ty => $e:expr) => {
        $(#[$m])*
        #[must_use]
        pub fn $name(mut self, v: $t) -> Self {
            self.$name = $e(v);
            self
        }
    };
}

impl<'a> ChartOptions<'a> {
    /// Defaults: qcc rules, 3σ, exact constants, estimates from all points.
    pub fn new() -> Self {
        Self::default()
    }
    setter!(/// Run rules.
        rules: RuleSet => std::convert::identity);
    setter!(/// Limit width in standard errors.
        nsigmas: f64 => std::convert::identity);
    setter!(/// Probability limits with this coverage (e.g. 0.9973).
        confidence: f64 => Some);
    setter!(/// d2/d3 table.
        constants: Constants => std::convert::identity);
    setter!(/// Known centre.
        center: f64 => Some);
    setter!(/// Known process σ.
        sigma: f64 => Some);
    setter!(/// σ estimator.
        sigma_method: SigmaMethod => std::convert::identity);
    setter!(/// Phase I length.
        phase1: usize => Some);
    setter!(/// Stage labels, one per point.
        stages: &'a [i64] => Some);
    setter!(/// Points excluded from the limits.
        exclude: &'a [usize] => std::convert::identity);
    setter!(/// EWMA λ.
        lambda: f64 => std::convert::identity);
    setter!(/// CUSUM k.
        k: f64 => std::convert::identity);
    setter!(/// CUSUM h.
        h: f64 => std::convert::identity);

    /// The z multiplier of the limits (and of the zones): `nsigmas`, or
    /// `Φ⁻¹(1 − (1 − confidence)/2)` with probability limits (as qcc).
    pub(crate) fn width(&self) -> f64 {
        match self.confidence {
            Some(c) => super::constants::norm_quantile(1.0 - (1.0 - c) / 2.0),
            None => self.nsigmas,
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if !(self.nsigmas.is_finite() && self.nsigmas > 0.0) {
            return Err(CxError::option(
                "nsigmas",
                format!("must be positive, got {}", self.nsigmas),
            ));
        }
        if let Some(c) = self.confidence
            && !(c > 0.0 && c < 1.0)
        {
            return Err(CxError::option(
                "confidence",
                format!("must be in (0, 1), got {c}"),
            ));
        }
        if let Some(s) = self.sigma
            && !(s.is_finite() && s > 0.0)
        {
            return Err(CxError::option(
                "sigma",
                format!("must be positive, got {s}"),
            ));
        }
        if let Some(c) = self.center
            && !c.is_finite()
        {
            return Err(CxError::option(
                "center",
                format!("must be finite, got {c}"),
            ));
        }
        Ok(())
    }
}

/// A stage's estimated (or given) parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// First point of the stage.
    pub start: usize,
    /// One past the last point.
    pub end: usize,
    /// Process centre (mean, p̄, c̄, ū, ...).
    pub center: f64,
    /// Process σ (NaN where the chart has none, e.g. p).
    pub sigma: f64,
    /// Number of calibration points used.
    pub calibration_points: usize,
}

/// One rule violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// 0-based point.
    pub point: usize,
    /// The rule.
    pub rule: Rule,
}

/// A control chart: statistics, centre, limits, and the run-rule verdicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ControlChart {
    /// Chart kind.
    pub kind: ChartKind,
    /// Plotted statistic per point (NaN = missing).
    pub statistics: Vec<f64>,
    /// Subgroup size / units per point, when the chart has sizes.
    pub sizes: Option<Vec<f64>>,
    /// Centre line.
    pub center: PerPoint,
    /// Standard error of each point's statistic (the "sigma" of its zones).
    pub se: PerPoint,
    /// Lower control limit.
    pub lcl: PerPoint,
    /// Upper control limit.
    pub ucl: PerPoint,
    /// Limit width in standard errors (the z of probability limits).
    pub nsigmas: f64,
    /// Coverage of probability limits, when used.
    pub confidence: Option<f64>,
    /// Rules applied.
    pub rules: RuleSet,
    /// Per point: bit `r − 1` set when rule `r` flags it.
    pub flags: Vec<u8>,
    /// Stages with their parameters.
    pub stages: Vec<Stage>,
    /// Number of phase I points.
    pub phase1: usize,
    /// Points left out of the limits.
    pub excluded: Vec<usize>,
    /// Name of the σ estimator used.
    pub sigma_method: String,
    /// Companion chart (MR for I-MR, R for x̄-R, S for x̄-S, lower CUSUM).
    pub secondary: Option<Box<ControlChart>>,
}

impl ControlChart {
    /// Number of points (also of a chart built without its statistics, see
    /// [`crate::spc::xmr_lean`]).
    pub fn len(&self) -> usize {
        self.statistics.len().max(self.flags.len())
    }
    /// Whether the chart has no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Process σ of the first stage.
    pub fn sigma(&self) -> f64 {
        self.stages.first().map_or(f64::NAN, |s| s.sigma)
    }
    /// Zone boundary `center ± k·se` at point `i` (k = 1, 2 for the 1σ, 2σ zones).
    pub fn zone(&self, i: usize, k: f64) -> (f64, f64) {
        let (c, s) = (self.center.get(i), self.se.get(i));
        (c - k * s, c + k * s)
    }
    /// Summary code of point `i`: the lowest rule number violated.
    pub fn code(&self, i: usize) -> Option<u8> {
        self.flags.get(i).copied().and_then(summary_code)
    }
    /// Every (point, rule) violation, by point then rule number.
    pub fn violations(&self) -> Vec<Violation> {
        let family = self.rules.family();
        let mut out = Vec::new();
        for (point, &f) in self.flags.iter().enumerate() {
            let mut bits = f;
            while bits != 0 {
                let number = bits.trailing_zeros() as u8 + 1;
                out.push(Violation {
                    point,
                    rule: Rule { family, number },
                });
                bits &= bits - 1;
            }
        }
        out
    }
    /// Plain-language summary.
    pub fn summary(&self) -> String {
        super::report::summary(self)
    }
}

/// Centre, standard error and limits of one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PointLimits {
    pub center: f64,
    pub se: f64,
    pub lcl: f64,
    pub ucl: f64,
}

/// What a chart kind must provide to the shared driver.
pub(crate) trait Model {
    fn kind(&self) -> ChartKind;
    fn statistics(&self) -> &[f64];
    /// Whether every point has the same size (so limits are constant per stage).
    fn uniform(&self) -> bool;
    /// (centre, σ) from the calibration points of a stage.
    fn estimate(&self, calib: &Calib) -> Result<(f64, f64)>;
    /// Limits of point `i` given the stage's centre and σ.
    fn limits(&self, i: usize, center: f64, sigma: f64) -> Result<PointLimits>;
    fn sigma_method(&self) -> String;
}

/// Split `0..n` into stages at label changes.
pub(crate) fn stage_ranges(n: usize, stages: Option<&[i64]>) -> Result<Vec<Range<usize>>> {
    let Some(labels) = stages else {
        #[allow(clippy::single_range_in_vec_init)]
        return Ok(vec![0..n]);
    };
    if labels.len() != n {
        return Err(CxError::LengthMismatch {
            what: "stages".into(),
            expected: n,
            got: labels.len(),
        });
    }
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..n {
        if labels[i] != labels[i - 1] {
            out.push(start..i);
            start = i;
        }
    }
    if n > 0 {
        out.push(start..n);
    }
    Ok(out)
}

/// The calibration points of a stage: a plain range unless points are
/// excluded (no index vector is built for a 10M-point series).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Calib {
    /// Every point of the range.
    Range(Range<usize>),
    /// Selected points, increasing.
    List(Vec<usize>),
}

impl Calib {
    pub(crate) fn len(&self) -> usize {
        match self {
            Calib::Range(r) => r.len(),
            Calib::List(v) => v.len(),
        }
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub(crate) fn first(&self) -> Option<usize> {
        match self {
            Calib::Range(r) => (!r.is_empty()).then_some(r.start),
            Calib::List(v) => v.first().copied(),
        }
    }
    /// The indices as a slice (allocated for a range).
    pub(crate) fn indices(&self) -> std::borrow::Cow<'_, [usize]> {
        match self {
            Calib::Range(r) => std::borrow::Cow::Owned(r.clone().collect()),
            Calib::List(v) => std::borrow::Cow::Borrowed(v),
        }
    }
}

/// Calibration points of `range`: in phase I and not excluded.
pub(crate) fn calibration(range: Range<usize>, opts: &ChartOptions<'_>, n: usize) -> Result<Calib> {
    if let Some(&bad) = opts.exclude.iter().find(|&&i| i >= n) {
        return Err(CxError::invalid(
            "exclude",
            None,
            bad,
            "point index beyond the data",
        ));
    }
    let p1 = opts.phase1.unwrap_or(n);
    if p1 == 0 || p1 > n {
        return Err(CxError::option(
            "phase1",
            format!("must be in 1..={n}, got {p1}"),
        ));
    }
    let end = range.end.min(p1);
    if opts.exclude.is_empty() {
        return Ok(Calib::Range(range.start..end.max(range.start)));
    }
    let mut skip = vec![false; n];
    for &i in opts.exclude {
        skip[i] = true;
    }
    Ok(Calib::List(
        (range.start..end).filter(|&i| !skip[i]).collect(),
    ))
}

/// Run the shared steps for a model.
pub(crate) fn build<M: Model>(
    m: &M,
    opts: &ChartOptions<'_>,
    sizes: Option<Vec<f64>>,
) -> Result<ControlChart> {
    build_with(m, opts, sizes, true)
}

/// [`build`], leaving `statistics` empty when `copy_stats` is false (the
/// caller moves its own vector in, saving a copy of a large series).
pub(crate) fn build_with<M: Model>(
    m: &M,
    opts: &ChartOptions<'_>,
    sizes: Option<Vec<f64>>,
    copy_stats: bool,
) -> Result<ControlChart> {
    build_into(m, opts, sizes, copy_stats, None)
}

/// [`build_with`], writing the flags into `flags_out` (zeroed, one byte per
/// point) instead of the chart's own vector, which is left empty.
pub(crate) fn build_into<M: Model>(
    m: &M,
    opts: &ChartOptions<'_>,
    sizes: Option<Vec<f64>>,
    copy_stats: bool,
    flags_out: Option<&mut [u8]>,
) -> Result<ControlChart> {
    opts.validate()?;
    let stats = m.statistics();
    let n = stats.len();
    if n == 0 {
        return Err(CxError::EmptyInput {
            what: m.kind().name().into(),
        });
    }
    let ranges = stage_ranges(n, opts.stages)?;
    let mut stages = Vec::with_capacity(ranges.len());
    for r in &ranges {
        let calib = calibration(r.clone(), opts, n)?;
        let (center, sigma) = match (opts.center, opts.sigma) {
            (Some(c), Some(s)) => (c, s),
            _ => {
                if calib.is_empty() {
                    return Err(CxError::TooFewObservations {
                        what: format!("{} stage starting at point {}", m.kind().name(), r.start),
                        min: 1,
                        got: 0,
                    });
                }
                let (c, s) = m.estimate(&calib)?;
                (opts.center.unwrap_or(c), opts.sigma.unwrap_or(s))
            }
        };
        stages.push(Stage {
            start: r.start,
            end: r.end,
            center,
            sigma,
            calibration_points: calib.len(),
        });
    }
    let constant = stages.len() == 1 && m.uniform();
    let (center, se, lcl, ucl) = if constant {
        let l = m.limits(0, stages[0].center, stages[0].sigma)?;
        (
            PerPoint::Constant(l.center),
            PerPoint::Constant(l.se),
            PerPoint::Constant(l.lcl),
            PerPoint::Constant(l.ucl),
        )
    } else {
        let (mut c, mut s, mut lo, mut hi) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for st in &stages {
            for i in st.start..st.end {
                let l = m.limits(i, st.center, st.sigma)?;
                c.push(l.center);
                s.push(l.se);
                lo.push(l.lcl);
                hi.push(l.ucl);
            }
        }
        (
            PerPoint::Varying(c),
            PerPoint::Varying(s),
            PerPoint::Varying(lo),
            PerPoint::Varying(hi),
        )
    };
    let width = opts.width();
    let flags = match flags_out {
        Some(out) => {
            if out.len() != n {
                return Err(CxError::LengthMismatch {
                    what: "flags buffer".into(),
                    expected: n,
                    got: out.len(),
                });
            }
            judge_into(
                stats, &center, &se, &lcl, &ucl, &stages, opts.rules, width, out,
            );
            Vec::new()
        }
        None => judge(stats, &center, &se, &lcl, &ucl, &stages, opts.rules, width),
    };
    let mut excluded = opts.exclude.to_vec();
    excluded.sort_unstable();
    excluded.dedup();
    Ok(ControlChart {
        kind: m.kind(),
        statistics: if copy_stats {
            stats.to_vec()
        } else {
            Vec::new()
        },
        sizes,
        center,
        se,
        lcl,
        ucl,
        nsigmas: width,
        confidence: opts.confidence,
        rules: opts.rules,
        flags,
        stages,
        phase1: opts.phase1.unwrap_or(n),
        excluded,
        sigma_method: m.sigma_method(),
        secondary: None,
    })
}

/// Apply the rules to every point, restarting at each stage.
///
/// Runs the bit-parallel kernel of [`super::kernel`] (threads for long
/// series); the result equals [`judge_sequential`], the point-by-point
/// [`RuleState`] machine, bit for bit.
#[allow(clippy::too_many_arguments)]
pub(crate) fn judge(
    stats: &[f64],
    center: &PerPoint,
    se: &PerPoint,
    lcl: &PerPoint,
    ucl: &PerPoint,
    stages: &[Stage],
    rules: RuleSet,
    width: f64,
) -> Vec<u8> {
    let mut flags = vec![0u8; stats.len()];
    judge_into(
        stats, center, se, lcl, ucl, stages, rules, width, &mut flags,
    );
    flags
}

/// [`judge`] into a zeroed buffer of one byte per point.
#[allow(clippy::too_many_arguments)]
pub(crate) fn judge_into(
    stats: &[f64],
    center: &PerPoint,
    se: &PerPoint,
    lcl: &PerPoint,
    ucl: &PerPoint,
    stages: &[Stage],
    rules: RuleSet,
    width: f64,
    flags: &mut [u8],
) {
    use super::kernel::{ColLimits, ConstLimits, judge_stage, splits, threads};
    let n = stats.len().min(flags.len());
    let stats = &stats[..n];
    if rules.mask() == 0 {
        return;
    }
    if let (Some(c), Some(s), Some(lo), Some(hi)) = (
        center.constant(),
        se.constant(),
        lcl.constant(),
        ucl.constant(),
    ) {
        if rules.mask() == 1 {
            // Rule 1 alone needs no state.
            for (f, &x) in flags.iter_mut().zip(stats) {
                *f = u8::from((x > hi) | (x < lo));
            }
            return;
        }
        // Constant limits: one stage.
        let lim = ConstLimits {
            center: c,
            se: s,
            lcl: lo,
            ucl: hi,
        };
        judge_stage(
            stats,
            &lim,
            rules,
            width,
            &splits(n, threads(n)),
            &mut flags[..n],
        );
        return;
    }
    for st in stages {
        let r = st.start.min(n)..st.end.min(n);
        let lim = ColLimits {
            center: col(center, r.clone()),
            se: col(se, r.clone()),
            lcl: col(lcl, r.clone()),
            ucl: col(ucl, r.clone()),
        };
        let len = r.len();
        judge_stage(
            &stats[r.clone()],
            &lim,
            rules,
            width,
            &splits(len, threads(len)),
            &mut flags[r],
        );
    }
}

/// The reference implementation of [`judge`]: the [`RuleState`] machine
/// pushed one point at a time (as [`crate::spc::SpcMonitor`] does).
#[cfg(test)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn judge_sequential(
    stats: &[f64],
    center: &PerPoint,
    se: &PerPoint,
    lcl: &PerPoint,
    ucl: &PerPoint,
    stages: &[Stage],
    rules: RuleSet,
    width: f64,
) -> Vec<u8> {
    let mut flags = vec![0u8; stats.len()];
    if rules.mask() == 0 {
        return flags;
    }
    let mut state = RuleState::new(rules, width);
    if let (Some(c), Some(s), Some(lo), Some(hi)) = (
        center.constant(),
        se.constant(),
        lcl.constant(),
        ucl.constant(),
    ) {
        if rules.mask() == 1 {
            // Rule 1 alone needs no state.
            for (f, &x) in flags.iter_mut().zip(stats) {
                *f = u8::from((x > hi) | (x < lo));
            }
            return flags;
        }
        // Hot path: constant limits.
        for (f, &x) in flags.iter_mut().zip(stats) {
            *f = state.push(point(x, c, s, lo, hi));
        }
        return flags;
    }
    for st in stages {
        state.reset();
        for i in st.start..st.end.min(stats.len()) {
            flags[i] = state.push(point(
                stats[i],
                center.get(i),
                se.get(i),
                lcl.get(i),
                ucl.get(i),
            ));
        }
    }
    flags
}

/// Column `r` of a per-point quantity, for the kernel.
fn col(p: &PerPoint, r: std::ops::Range<usize>) -> super::kernel::Col<'_> {
    match p {
        PerPoint::Constant(v) => super::kernel::Col::Const(*v),
        PerPoint::Varying(v) => super::kernel::Col::Slice(v.get(r).unwrap_or(&[])),
    }
}

/// The rule input of one point; a zero standard error puts any point off the
/// centre infinitely far away (and a point on it at z = 0).
#[inline]
pub(crate) fn point(x: f64, c: f64, se: f64, lcl: f64, ucl: f64) -> RulePoint {
    let d = x - c;
    let z = if se > 0.0 {
        d / se
    } else if d == 0.0 {
        0.0
    } else {
        d * f64::INFINITY
    };
    RulePoint {
        x,
        z,
        below_lcl: x < lcl,
        above_ucl: x > ucl,
    }
}
