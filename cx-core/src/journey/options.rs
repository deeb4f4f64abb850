//! Options of the journey analysis and paths: the analysed [`Score`], the handling of
//! [`Unknown`] touchpoints and [`AnalysisOptions`].

use crate::error::{CxError, Result};

/// The metric that drives tests, ranking and the emotion curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Score {
    /// NPS of 0–10 ratings, in points (default).
    #[default]
    Nps,
    /// CSAT of 1–5 ratings: top-2-box share in percent.
    Csat,
    /// CES 2.0 on 1–7 (higher = easier): the mean.
    Ces,
}

impl Score {
    /// Stable name: `"nps"`, `"csat"` or `"ces"`.
    pub fn name(self) -> &'static str {
        match self {
            Score::Nps => "nps",
            Score::Csat => "csat",
            Score::Ces => "ces",
        }
    }

    /// The score mapped linearly onto −1 … +1, the scale of a touchpoint's
    /// `expected_emotion`: `NPS/100`; `2·CSAT/100 − 1`; `(CES − 4)/3`.
    pub fn emotion(self, score: f64) -> f64 {
        match self {
            Score::Nps => score / 100.0,
            Score::Csat => 2.0 * score / 100.0 - 1.0,
            Score::Ces => (score - 4.0) / 3.0,
        }
    }
}

impl std::str::FromStr for Score {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "nps" => Ok(Score::Nps),
            "csat" => Ok(Score::Csat),
            "ces" => Ok(Score::Ces),
            other => Err(CxError::option(
                "score",
                format!("must be one of {{nps, csat, ces}}, got {other:?}"),
            )),
        }
    }
}

/// What to do with feedback whose touchpoint is missing or not in the journey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Unknown {
    /// A typed error naming the row and the value (default).
    #[default]
    Error,
    /// Leave the row out of the analysis and count it (per value) in `unmatched`.
    Count,
}

impl std::str::FromStr for Unknown {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "error" => Ok(Unknown::Error),
            "count" => Ok(Unknown::Count),
            other => Err(CxError::option(
                "unknown",
                format!("must be one of {{error, count}}, got {other:?}"),
            )),
        }
    }
}

/// Options of [`crate::journey::analyze`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct AnalysisOptions {
    /// The analysed metric (default NPS).
    pub score: Score,
    /// False discovery rate of the pain and delight points (default 0.05).
    pub fdr: f64,
    /// Confidence level of every interval (default 0.95).
    pub level: f64,
    /// Unknown or missing touchpoints (default: error).
    pub unknown: Unknown,
    /// Touchpoints with fewer scored responses are flagged `low_n` (default 30).
    pub min_n: u64,
    /// Opportunities need a volume at or above this quantile (type 7) of the touchpoint
    /// volumes (default 0.5, the median).
    pub opportunity_volume: f64,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            score: Score::Nps,
            fdr: 0.05,
            level: 0.95,
            unknown: Unknown::Error,
            min_n: 30,
            opportunity_volume: 0.5,
        }
    }
}

impl AnalysisOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set the analysed metric.
    pub fn score(mut self, score: Score) -> Self {
        self.score = score;
        self
    }
    /// Set the false discovery rate.
    pub fn fdr(mut self, fdr: f64) -> Self {
        self.fdr = fdr;
        self
    }
    /// Set the confidence level.
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }
    /// Set the handling of unknown touchpoints.
    pub fn unknown(mut self, unknown: Unknown) -> Self {
        self.unknown = unknown;
        self
    }
    /// Set the `low_n` threshold.
    pub fn min_n(mut self, min_n: u64) -> Self {
        self.min_n = min_n;
        self
    }
    /// Set the volume quantile of opportunities.
    pub fn opportunity_volume(mut self, q: f64) -> Self {
        self.opportunity_volume = q;
        self
    }
}

impl From<Score> for AnalysisOptions {
    fn from(score: Score) -> Self {
        Self::new().score(score)
    }
}
