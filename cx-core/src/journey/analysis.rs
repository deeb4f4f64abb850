//! Analysis of feedback tagged with touchpoints: per touchpoint and per stage volume,
//! NPS/CSAT/CES with intervals and the share of complaints; the emotion curve; pain and
//! delight points (each touchpoint tested against the rest of the journey, Benjamini–Hochberg
//! control of the false discovery rate), ranked by impact; opportunities.
//!
//! # The analysed score
//! One metric ([`Score`]) drives the tests, the ranking and the emotion curve. Each response
//! gets a value `y` whose mean is that metric: NPS → `+100` promoter (9–10), `0` passive
//! (7–8), `−100` detractor (0–6), so that the mean of `y` is the NPS in points; CSAT (1–5) →
//! `100` for a top-2-box answer (4–5), else `0`, so the mean is CSAT in percent; CES (CES 2.0,
//! 1–7, higher = easier) → the score itself. Responses without the score are counted in the
//! volume but not in `n`.
//!
//! # The test
//! Each touchpoint's `y` against the `y` of every other matched response of the journey,
//! with Welch's t-test (unequal variances, Welch–Satterthwaite df). Why Welch: NPS is the
//! mean of the trinomial `y`, CSAT the mean of a 0/100 indicator and CES a mean, so one test of
//! means fits all three; the touchpoint and the rest are disjoint samples of very different
//! sizes and variances (a pain point has more detractors, hence a different variance), which
//! is what Welch's test is built for; and it is the trinomial-mean t-test of NPS (Rocks 2016).
//! For a 0/100 indicator it is the unpooled two-proportion z-test up to the t reference
//! distribution. The p-values of all tested touchpoints form one family adjusted with
//! [`super::fdr::benjamini_hochberg`].
//!
//! # Reference
//! Welch, B. L. (1947). Biometrika 34:28–35; Benjamini, Y. & Hochberg, Y. (1995). JRSS B
//! 57(1):289–300; Rocks, B. (2016). "Interval estimation for the Net Promoter Score".
//! *Am. Stat.* 70(4):365–372.

use std::collections::HashMap;

use super::fdr::{benjamini_hochberg, check_fdr};
use super::map::{Index, Journey};
pub use super::options::{AnalysisOptions, Score, Unknown};
use crate::error::{CxError, Result};
use crate::metrics::compare::{Comparison, compare_mean_tallies};
use crate::metrics::interval::{Interval, ProportionInterval, proportion_interval};
use crate::metrics::tally::MeanTally;
use crate::metrics::{
    CesOptions, CesSummary, CsatOptions, CsatSummary, NpsOptions, NpsSummary, ces, csat, nps,
};
use crate::stats::dist;

/// Feedback columns, one entry per response (row).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Responses<'a> {
    /// Touchpoint id per row (`None` = missing).
    pub touchpoint: &'a [Option<&'a str>],
    /// NPS ratings 0–10 (NaN = missing).
    pub nps: Option<&'a [f64]>,
    /// CSAT ratings 1–5 (NaN = missing).
    pub csat: Option<&'a [f64]>,
    /// CES 2.0 ratings 1–7 (NaN = missing).
    pub ces: Option<&'a [f64]>,
    /// Whether each row is a complaint.
    pub complaint: Option<&'a [bool]>,
}

impl<'a> Responses<'a> {
    /// Rows tagged with these touchpoints, no scores yet.
    pub fn new(touchpoint: &'a [Option<&'a str>]) -> Self {
        Self {
            touchpoint,
            nps: None,
            csat: None,
            ces: None,
            complaint: None,
        }
    }
    /// Add NPS ratings.
    pub fn nps(mut self, v: &'a [f64]) -> Self {
        self.nps = Some(v);
        self
    }
    /// Add CSAT ratings.
    pub fn csat(mut self, v: &'a [f64]) -> Self {
        self.csat = Some(v);
        self
    }
    /// Add CES ratings.
    pub fn ces(mut self, v: &'a [f64]) -> Self {
        self.ces = Some(v);
        self
    }
    /// Add complaint flags.
    pub fn complaint(mut self, v: &'a [bool]) -> Self {
        self.complaint = Some(v);
        self
    }
}

/// Metrics of one group of responses (a touchpoint or a stage).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GroupStats {
    /// Number of responses (rows), scored or not.
    pub volume: u64,
    /// NPS with its adjusted-Wald interval, when the group has NPS ratings.
    pub nps: Option<NpsSummary>,
    /// CSAT with its Wilson interval, when the group has CSAT ratings.
    pub csat: Option<CsatSummary>,
    /// CES mean with its t-interval, when the group has CES ratings.
    pub ces: Option<CesSummary>,
    /// Number of complaints (when complaint flags were given).
    pub n_complaints: Option<u64>,
    /// Share of complaints among the rows, with its Wilson interval (0–1).
    pub complaint_share: Option<(f64, Interval)>,
}

/// One touchpoint of the analysis.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TouchpointResult {
    /// Touchpoint id.
    pub touchpoint_id: String,
    /// Display name.
    pub name: String,
    /// Stage id.
    pub stage_id: String,
    /// Channel (snake_case name).
    pub channel: String,
    /// Owning team.
    pub owner_team: Option<String>,
    /// Designed emotion (−1 … +1).
    pub expected_emotion: Option<f64>,
    /// Volume and metrics.
    pub stats: GroupStats,
    /// Number of responses with the analysed score.
    pub n: u64,
    /// The analysed score (mean of `y`); `None` without scored responses.
    pub score: Option<f64>,
    /// Welch test of this touchpoint against the rest of the journey (`difference` = gap);
    /// `None` when either side has fewer than 2 scored responses.
    pub test: Option<Comparison>,
    /// Benjamini–Hochberg adjusted p-value of `test`.
    pub q_value: Option<f64>,
    /// Fewer than `min_n` scored responses.
    pub low_n: bool,
}

/// One stage of the analysis: its metrics and its point of the emotion curve.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StageResult {
    /// Stage id.
    pub stage_id: String,
    /// Display name.
    pub name: String,
    /// Volume and metrics over the stage's touchpoints.
    pub stats: GroupStats,
    /// Number of responses with the analysed score.
    pub n: u64,
    /// The analysed score (NPS in points, CSAT in %, CES mean).
    pub score: Option<f64>,
    /// Interval of `score` by the metric's own method (NPS adjusted Wald, CSAT Wilson, CES t).
    pub interval: Option<Interval>,
    /// `score` on −1 … +1 ([`Score::emotion`]), with its interval mapped the same way.
    pub emotion: Option<(f64, f64, f64)>,
    /// Mean `expected_emotion` of the stage's touchpoints that have one.
    pub expected_emotion: Option<f64>,
}

/// Kind of a [`Finding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FindingKind {
    /// Significantly below the rest of the journey.
    Pain,
    /// Significantly above the rest of the journey.
    Delight,
    /// High volume, middling score.
    Opportunity,
}

impl FindingKind {
    /// Stable name: `"pain"`, `"delight"`, `"opportunity"`.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Pain => "pain",
            FindingKind::Delight => "delight",
            FindingKind::Opportunity => "opportunity",
        }
    }
}

/// A pain point, delight point or opportunity, with the numbers behind it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// Touchpoint id.
    pub touchpoint_id: String,
    /// Stage id.
    pub stage_id: String,
    /// Scored responses at the touchpoint.
    pub n: u64,
    /// The touchpoint's score.
    pub score: f64,
    /// Score minus the rest of the journey.
    pub gap: f64,
    /// Welch t statistic of the touchpoint against the rest.
    pub statistic: f64,
    /// Raw p-value of the Welch test.
    pub p_value: f64,
    /// Benjamini–Hochberg adjusted p-value.
    pub q_value: f64,
    /// Pain and delight: `gap · n / N`, the change of the journey score the touchpoint
    /// causes against the rest (lifting a pain point to the rest's level raises the journey
    /// score by `−impact`). Opportunities: `(best − score) · n / N`, the journey points gained
    /// if it scored as well as the best-scoring touchpoint.
    pub impact: f64,
    /// Why, in words and numbers.
    pub reason: String,
}

/// Result of [`analyze`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct JourneyAnalysis {
    /// Options used.
    pub options: AnalysisOptions,
    /// Per touchpoint, in journey order.
    pub touchpoints: Vec<TouchpointResult>,
    /// Per stage, in journey order (the emotion curve).
    pub stages: Vec<StageResult>,
    /// Scored, matched responses `N`.
    pub n: u64,
    /// The journey's score (mean of `y` over all matched responses).
    pub journey_score: Option<f64>,
    /// Pain points, largest |impact| first.
    pub pain_points: Vec<Finding>,
    /// Delight points, largest impact first.
    pub delight_points: Vec<Finding>,
    /// Opportunities, largest impact first.
    pub opportunities: Vec<Finding>,
    /// Rows left out under [`Unknown::Count`]: (touchpoint value, `None` = missing; rows),
    /// most frequent first.
    pub unmatched: Vec<(Option<String>, u64)>,
}

impl JourneyAnalysis {
    /// Rows left out as unmatched.
    pub fn n_unmatched(&self) -> u64 {
        self.unmatched.iter().map(|(_, n)| n).sum()
    }
}

/// Check a score column: integers on `lo..=hi` or NaN; returns `y` per row.
fn y_values(
    values: &[f64],
    field: &str,
    lo: f64,
    hi: f64,
    y: impl Fn(f64) -> f64,
) -> Result<Vec<f64>> {
    values
        .iter()
        .enumerate()
        .map(|(row, &v)| {
            if v.is_nan() {
                Ok(f64::NAN)
            } else if (lo..=hi).contains(&v) && v.fract() == 0.0 {
                Ok(y(v))
            } else {
                Err(CxError::invalid(
                    field,
                    Some(row),
                    v,
                    format!("{field} scores must be integers {lo}–{hi}"),
                ))
            }
        })
        .collect()
}

fn check_len(what: &str, got: usize, expected: usize) -> Result<()> {
    if got == expected {
        Ok(())
    } else {
        Err(CxError::LengthMismatch {
            what: what.into(),
            expected,
            got,
        })
    }
}

/// The metrics of the rows `rows`.
fn group_stats(r: &Responses<'_>, rows: &[usize], level: f64) -> Result<GroupStats> {
    let gather = |col: Option<&[f64]>| -> Option<Vec<f64>> {
        col.map(|c| rows.iter().map(|&i| c[i]).collect::<Vec<_>>())
            .filter(|v| v.iter().any(|x| !x.is_nan()))
    };
    let nps_s = match gather(r.nps) {
        Some(v) => Some(nps(&v, NpsOptions::new().level(level))?),
        None => None,
    };
    let csat_s = match gather(r.csat) {
        Some(v) => Some(csat(&v, CsatOptions::new().level(level))?),
        None => None,
    };
    let ces_s = match gather(r.ces) {
        Some(v) => Some(ces(&v, CesOptions::new().level(level))?),
        None => None,
    };
    let volume = rows.len() as u64;
    let n_complaints = r
        .complaint
        .map(|c| rows.iter().filter(|&&i| c[i]).count() as u64);
    let complaint_share = match n_complaints {
        Some(k) if volume > 0 => Some((
            k as f64 / volume as f64,
            proportion_interval(k, volume, level, ProportionInterval::Wilson)?,
        )),
        _ => None,
    };
    Ok(GroupStats {
        volume,
        nps: nps_s,
        csat: csat_s,
        ces: ces_s,
        n_complaints,
        complaint_share,
    })
}

/// The analysed score of a group with the metric's own interval.
fn score_interval(stats: &GroupStats, score: Score, level: f64) -> Option<(f64, Interval)> {
    let iv = |low, high| Interval { low, high, level };
    match score {
        Score::Nps => stats
            .nps
            .as_ref()
            .map(|s| (s.score, iv(s.ci_low, s.ci_high))),
        Score::Csat => stats
            .csat
            .as_ref()
            .map(|s| (s.score, iv(s.ci_low, s.ci_high))),
        Score::Ces => stats
            .ces
            .as_ref()
            .map(|s| (s.mean, iv(s.ci_low, s.ci_high))),
    }
}

/// Type-7 quantile (linear interpolation, R's default and numpy's `linear`) of sorted data.
fn quantile7(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, frac) = (h.floor() as usize, h - h.floor());
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + frac * (sorted[hi] - sorted[lo])
}

/// Analyse feedback tagged with the touchpoints of `journey`.
///
/// See the [module documentation](self) for the analysed score and the test. Pain points:
/// tested touchpoints with `q ≤ fdr` and a negative gap, largest |impact| first; delight
/// points likewise with a positive gap. Opportunities: touchpoints that are neither, with a
/// scored volume `n` at or above the `opportunity_volume` quantile of the touchpoint volumes
/// and a score at or below the journey score ("middling": not significantly different from
/// the rest and not above average), ranked by the journey points they would add at the level
/// of the best-scoring touchpoint.
///
/// # Errors
/// [`CxError::LengthMismatch`] for columns of different lengths; [`CxError::InvalidValue`]
/// (field `nps`/`csat`/`ces`, row, value) for a score off its scale, and (field `touchpoint`,
/// row, value) for a touchpoint not in the journey under [`Unknown::Error`];
/// [`CxError::MissingField`] (field `touchpoint`, row) for a missing touchpoint there;
/// [`CxError::MissingField`] (field = the score) when the analysed score's column is absent;
/// [`CxError::InvalidOption`] for a bad `fdr`, `level` or `opportunity_volume`.
pub fn analyze(
    journey: &Journey,
    r: &Responses<'_>,
    opts: AnalysisOptions,
) -> Result<JourneyAnalysis> {
    check_fdr(opts.fdr)?;
    dist::check_level(opts.level)?;
    if !(0.0..=1.0).contains(&opts.opportunity_volume) {
        return Err(CxError::option(
            "opportunity_volume",
            format!("must lie in 0..=1, got {}", opts.opportunity_volume),
        ));
    }
    let len = r.touchpoint.len();
    for (what, l) in [
        ("nps", r.nps.map(<[f64]>::len)),
        ("csat", r.csat.map(<[f64]>::len)),
        ("ces", r.ces.map(<[f64]>::len)),
        ("complaint", r.complaint.map(<[bool]>::len)),
    ] {
        if let Some(l) = l {
            check_len(what, l, len)?;
        }
    }
    let yes = |c: Option<&[f64]>, f: &str, lo, hi, y: fn(f64) -> f64| match c {
        Some(c) => y_values(c, f, lo, hi, y).map(Some),
        None => Ok(None),
    };
    let y_nps = yes(r.nps, "nps", 0.0, 10.0, |v| {
        if v >= 9.0 {
            100.0
        } else if v <= 6.0 {
            -100.0
        } else {
            0.0
        }
    })?;
    let y_csat = yes(
        r.csat,
        "csat",
        1.0,
        5.0,
        |v| if v >= 4.0 { 100.0 } else { 0.0 },
    )?;
    let y_ces = yes(r.ces, "ces", 1.0, 7.0, |v| v)?;
    let y = match opts.score {
        Score::Nps => y_nps,
        Score::Csat => y_csat,
        Score::Ces => y_ces,
    }
    .ok_or_else(|| CxError::MissingField {
        field: opts.score.name().into(),
        row: None,
    })?;

    // Rows per touchpoint; unknown rows fail or are counted.
    let index = Index::new(journey);
    let k = index.touchpoints.len();
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); k];
    let mut unmatched: HashMap<Option<&str>, u64> = HashMap::new();
    for (row, tp) in r.touchpoint.iter().enumerate() {
        match tp.and_then(|t| index.tp_pos.get(t.trim())) {
            Some(&p) => rows[p].push(row),
            None => match (opts.unknown, tp) {
                (Unknown::Count, _) => *unmatched.entry(*tp).or_default() += 1,
                (Unknown::Error, None) => {
                    return Err(CxError::MissingField {
                        field: "touchpoint".into(),
                        row: Some(row),
                    });
                }
                (Unknown::Error, Some(v)) => {
                    return Err(CxError::invalid(
                        "touchpoint",
                        Some(row),
                        v,
                        "not a touchpoint of the journey (pass unknown=\"count\" to count such rows instead)",
                    ));
                }
            },
        }
    }

    // Moments of y per touchpoint; the rest of the journey by merging the others.
    let tallies: Vec<MeanTally> = rows
        .iter()
        .map(|rs| {
            let v: Vec<f64> = rs.iter().map(|&i| y[i]).collect();
            MeanTally::from_values("y", &v)
        })
        .collect::<Result<_>>()?;
    let mut all = MeanTally::new();
    for t in &tallies {
        all.merge(t);
    }
    let n_total = all.n();
    let journey_score = (n_total > 0).then(|| all.mean());

    let mut tps = Vec::with_capacity(k);
    for (p, (stage, t)) in index.touchpoints.iter().enumerate() {
        let mut rest = MeanTally::new();
        for (o, ot) in tallies.iter().enumerate() {
            if o != p {
                rest.merge(ot);
            }
        }
        let tally = &tallies[p];
        let test = if tally.n() >= 2 && rest.n() >= 2 {
            Some(compare_mean_tallies(tally, &rest, opts.level)?).filter(|c| c.p_value.is_finite())
        } else {
            None
        };
        tps.push(TouchpointResult {
            touchpoint_id: t.id.to_string(),
            name: t.name.clone(),
            stage_id: journey.stages[*stage].id.to_string(),
            channel: t.channel.as_str().to_owned(),
            owner_team: t.owner_team.clone(),
            expected_emotion: t.expected_emotion,
            stats: group_stats(r, &rows[p], opts.level)?,
            n: tally.n(),
            score: (tally.n() > 0).then(|| tally.mean()),
            test,
            q_value: None,
            low_n: tally.n() < opts.min_n,
        });
    }

    // One family: every tested touchpoint.
    let tested: Vec<usize> = (0..k).filter(|&p| tps[p].test.is_some()).collect();
    let p_values: Vec<f64> = tested
        .iter()
        .filter_map(|&p| tps[p].test.map(|c| c.p_value))
        .collect();
    for (&p, q) in tested.iter().zip(benjamini_hochberg(&p_values)?) {
        tps[p].q_value = Some(q);
    }

    let stages = stage_results(journey, &index, r, &rows, &y, opts)?;
    let (pain_points, delight_points, opportunities) = findings(&tps, n_total, journey_score, opts);

    let mut unmatched: Vec<(Option<String>, u64)> = unmatched
        .into_iter()
        .map(|(v, n)| (v.map(str::to_owned), n))
        .collect();
    unmatched.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(JourneyAnalysis {
        options: opts,
        touchpoints: tps,
        stages,
        n: n_total,
        journey_score,
        pain_points,
        delight_points,
        opportunities,
        unmatched,
    })
}

fn stage_results(
    journey: &Journey,
    index: &Index<'_>,
    r: &Responses<'_>,
    rows: &[Vec<usize>],
    y: &[f64],
    opts: AnalysisOptions,
) -> Result<Vec<StageResult>> {
    let mut out = Vec::with_capacity(journey.stages.len());
    for (s, stage) in journey.stages.iter().enumerate() {
        let mut srows: Vec<usize> = (0..rows.len())
            .filter(|&p| index.stage_of(p) == s)
            .flat_map(|p| rows[p].iter().copied())
            .collect();
        srows.sort_unstable();
        let stats = group_stats(r, &srows, opts.level)?;
        let n = srows.iter().filter(|&&i| !y[i].is_nan()).count() as u64;
        let si = score_interval(&stats, opts.score, opts.level);
        let expected: Vec<f64> = stage
            .touchpoints
            .iter()
            .filter_map(|t| t.expected_emotion)
            .collect();
        out.push(StageResult {
            stage_id: stage.id.to_string(),
            name: stage.name.clone(),
            stats,
            n,
            score: si.map(|(s, _)| s),
            interval: si.map(|(_, i)| i),
            emotion: si.map(|(s, i)| {
                let e = |v| opts.score.emotion(v);
                (e(s), e(i.low), e(i.high))
            }),
            expected_emotion: (!expected.is_empty())
                .then(|| expected.iter().sum::<f64>() / expected.len() as f64),
        });
    }
    Ok(out)
}

/// The reason of a pain or delight point, in English (also used by the report's notes).
#[allow(clippy::too_many_arguments)]
pub(crate) fn reason_en(
    kind: FindingKind,
    score: f64,
    gap: f64,
    statistic: f64,
    p_value: f64,
    q_value: f64,
    journey: f64,
    n: u64,
) -> String {
    let side = if kind == FindingKind::Pain {
        "below"
    } else {
        "above"
    };
    format!(
        "significantly {side} the rest: score {:.1} vs {:.1} for the rest of the journey (gap {:+.1}, Welch t = {:.2}, p = {:.2e}, BH q = {:.2e}); journey {:.1}; n = {}",
        score,
        score - gap,
        gap,
        statistic,
        p_value,
        q_value,
        journey,
        n
    )
}

fn fmt_reason(
    kind: FindingKind,
    t: &TouchpointResult,
    c: &Comparison,
    q: f64,
    journey: f64,
) -> String {
    reason_en(
        kind,
        t.score.unwrap_or(f64::NAN),
        c.difference,
        c.statistic,
        c.p_value,
        q,
        journey,
        t.n,
    )
}

fn findings(
    tps: &[TouchpointResult],
    n_total: u64,
    journey_score: Option<f64>,
    opts: AnalysisOptions,
) -> (Vec<Finding>, Vec<Finding>, Vec<Finding>) {
    let (mut pain, mut delight, mut opp) = (Vec::new(), Vec::new(), Vec::new());
    let Some(journey) = journey_score else {
        return (pain, delight, opp);
    };
    let nf = n_total as f64;
    let mut volumes: Vec<f64> = tps.iter().map(|t| t.n as f64).collect();
    volumes.sort_by(f64::total_cmp);
    let vol_cut = quantile7(&volumes, opts.opportunity_volume);
    let best = tps
        .iter()
        .filter(|t| !t.low_n)
        .filter_map(|t| t.score)
        .fold(f64::NEG_INFINITY, f64::max);
    for t in tps {
        let (Some(c), Some(q), Some(score)) = (t.test, t.q_value, t.score) else {
            continue;
        };
        let finding = |kind, impact, reason| Finding {
            kind,
            touchpoint_id: t.touchpoint_id.clone(),
            stage_id: t.stage_id.clone(),
            n: t.n,
            score,
            gap: c.difference,
            statistic: c.statistic,
            p_value: c.p_value,
            q_value: q,
            impact,
            reason,
        };
        let impact = c.difference * t.n as f64 / nf;
        if q <= opts.fdr && c.difference < 0.0 {
            let why = fmt_reason(FindingKind::Pain, t, &c, q, journey);
            pain.push(finding(FindingKind::Pain, impact, why));
        } else if q <= opts.fdr && c.difference > 0.0 {
            let why = fmt_reason(FindingKind::Delight, t, &c, q, journey);
            delight.push(finding(FindingKind::Delight, impact, why));
        } else if t.n as f64 >= vol_cut && score <= journey && best.is_finite() {
            let potential = (best - score) * t.n as f64 / nf;
            let why = format!(
                "high volume (n = {} ≥ the {:.0}% quantile of touchpoint volumes, {:.1}) with a middling score: {:.1} ≤ journey {:.1}, not significantly different from the rest (BH q = {:.2}); at the best touchpoint's {:.1} the journey would gain {:.2} points",
                t.n,
                100.0 * opts.opportunity_volume,
                vol_cut,
                score,
                journey,
                q,
                best,
                potential
            );
            opp.push(finding(FindingKind::Opportunity, potential, why));
        }
    }
    pain.sort_by(|a, b| a.impact.total_cmp(&b.impact));
    delight.sort_by(|a, b| b.impact.total_cmp(&a.impact));
    opp.sort_by(|a, b| b.impact.total_cmp(&a.impact));
    (pain, delight, opp)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn journey() -> Journey {
        Journey::from_json(
            r#"{"name":"j","stages":[
            {"id":"s1","name":"S1","touchpoints":[
              {"id":"a","name":"A","channel":"in_app","expected_emotion":0.5},
              {"id":"b","name":"B","channel":"phone","expected_emotion":-0.5}]},
            {"id":"s2","name":"S2","touchpoints":[{"id":"c","name":"C","channel":"email"}]}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn hand_worked_small_journey() {
        // a: 10 10 9 7 → P=3, D=0 → NPS 75; b: 3 5 8 → D=2 → NPS −66.7; c: 9 6 → 0.
        let tp = [
            Some("a"),
            Some("a"),
            Some("a"),
            Some("a"),
            Some("b"),
            Some("b"),
            Some("b"),
            Some("c"),
            Some("c"),
        ];
        let nps = [10.0, 10.0, 9.0, 7.0, 3.0, 5.0, 8.0, 9.0, 6.0];
        let complaint = [false, false, false, false, true, true, false, false, true];
        let r = Responses::new(&tp).nps(&nps).complaint(&complaint);
        let a = analyze(&journey(), &r, AnalysisOptions::new().min_n(3)).unwrap();
        assert_eq!(a.n, 9);
        assert_eq!(a.touchpoints[0].score, Some(75.0));
        assert!((a.touchpoints[1].score.unwrap() + 200.0 / 3.0).abs() < 1e-12);
        assert_eq!(a.touchpoints[2].score, Some(0.0));
        assert!(a.touchpoints[2].low_n);
        // Journey: P = 4 (10 10 9 9), D = 3 (3 5 6) → 100·1/9.
        assert!((a.journey_score.unwrap() - 100.0 / 9.0).abs() < 1e-12);
        // Stage 1 = a ∪ b: P = 3, D = 2 of 7 → 14.29; its emotion is NPS/100.
        let s1 = &a.stages[0];
        assert!((s1.score.unwrap() - 100.0 / 7.0).abs() < 1e-12);
        assert!((s1.emotion.unwrap().0 - 1.0 / 7.0).abs() < 1e-12);
        assert_eq!(s1.expected_emotion, Some(0.0));
        assert_eq!(a.stages[1].expected_emotion, None);
        // Complaints: b has 2 of 3.
        let (share, _) = a.touchpoints[1].stats.complaint_share.unwrap();
        assert!((share - 2.0 / 3.0).abs() < 1e-15);
        // The gap is the touchpoint minus the other 5 (resp. 6) responses.
        let c = a.touchpoints[0].test.unwrap();
        // rest of a = 3 5 8 9 6 → −100 −100 0 100 −100 → mean −40.
        assert!((c.difference - 115.0).abs() < 1e-12);
        assert!(a.touchpoints.iter().all(|t| t.q_value.is_some()));
    }

    #[test]
    fn unknown_touchpoints_fail_or_count() {
        let tp = [Some("a"), Some("zz"), None, Some("a"), Some("b"), Some("b")];
        let nps = [10.0, 9.0, 1.0, 8.0, 3.0, 4.0];
        let r = Responses::new(&tp).nps(&nps);
        let e = analyze(&journey(), &r, AnalysisOptions::new()).unwrap_err();
        assert_eq!(
            (e.field(), e.row(), e.value()),
            (Some("touchpoint"), Some(1), Some("zz"))
        );
        let tp2 = [Some("a"), None];
        let e = analyze(
            &journey(),
            &Responses::new(&tp2).nps(&nps[..2]),
            AnalysisOptions::new(),
        )
        .unwrap_err();
        assert_eq!((e.code(), e.row()), ("missing_field", Some(1)));
        let a = analyze(
            &journey(),
            &r,
            AnalysisOptions::new().unknown(Unknown::Count),
        )
        .unwrap();
        assert_eq!(a.n_unmatched(), 2);
        assert_eq!(a.n, 4);
        assert_eq!(a.unmatched, [(None, 1), (Some("zz".into()), 1)]);
    }

    #[test]
    fn bad_scores_and_options() {
        let tp = [Some("a")];
        let e = analyze(
            &journey(),
            &Responses::new(&tp).nps(&[11.0]),
            AnalysisOptions::new(),
        )
        .unwrap_err();
        assert_eq!((e.field(), e.row()), (Some("nps"), Some(0)));
        let e = analyze(
            &journey(),
            &Responses::new(&tp).nps(&[1.0, 2.0]),
            AnalysisOptions::new(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "length_mismatch");
        let e = analyze(
            &journey(),
            &Responses::new(&tp).nps(&[1.0]),
            Score::Csat.into(),
        )
        .unwrap_err();
        assert_eq!((e.code(), e.field()), ("missing_field", Some("csat")));
        assert!(
            analyze(
                &journey(),
                &Responses::new(&tp).nps(&[1.0]),
                AnalysisOptions::new().fdr(1.0)
            )
            .is_err()
        );
        assert!("x".parse::<Score>().is_err() && "x".parse::<Unknown>().is_err());
    }

    #[test]
    fn emotion_scales() {
        assert_eq!(Score::Nps.emotion(-100.0), -1.0);
        assert_eq!(Score::Csat.emotion(100.0), 1.0);
        assert_eq!(Score::Ces.emotion(1.0), -1.0);
        assert_eq!(Score::Ces.emotion(7.0), 1.0);
        assert_eq!(quantile7(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
    }
}
