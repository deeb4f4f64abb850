//! Survey [`Question`]s and [`Response`]s.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{CustomerId, Personal, QuestionId, ResponseId, normalize_label};
use crate::{CxError, Result};

/// Rating scale of a CSAT question (shared by the survey model and [`crate::metrics::csat`](mod@crate::metrics::csat)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CsatScale {
    /// 1–5 (the default; "very unsatisfied" … "very satisfied").
    #[default]
    OneToFive,
    /// 1–7.
    OneToSeven,
    /// 1–10.
    OneToTen,
    /// 0–10.
    ZeroToTen,
}

impl CsatScale {
    /// Lowest and highest score of the scale.
    pub fn bounds(self) -> (u8, u8) {
        match self {
            CsatScale::OneToFive => (1, 5),
            CsatScale::OneToSeven => (1, 7),
            CsatScale::OneToTen => (1, 10),
            CsatScale::ZeroToTen => (0, 10),
        }
    }
    /// Whether a score lies on the scale.
    pub fn contains(self, score: u8) -> bool {
        let (lo, hi) = self.bounds();
        (lo..=hi).contains(&score)
    }
    /// Stable name: `"1-5"`, `"1-7"`, `"1-10"` or `"0-10"`.
    pub fn name(self) -> &'static str {
        match self {
            CsatScale::OneToFive => "1-5",
            CsatScale::OneToSeven => "1-7",
            CsatScale::OneToTen => "1-10",
            CsatScale::ZeroToTen => "0-10",
        }
    }
}

impl std::str::FromStr for CsatScale {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "1-5" => Ok(CsatScale::OneToFive),
            "1-7" => Ok(CsatScale::OneToSeven),
            "1-10" => Ok(CsatScale::OneToTen),
            "0-10" => Ok(CsatScale::ZeroToTen),
            other => Err(CxError::option(
                "scale",
                format!("must be one of {{1-5, 1-7, 1-10, 0-10}}, got {other:?}"),
            )),
        }
    }
}

/// An answer option of a Kano question (Berger et al. 1993).
///
/// Parses English and the Chinese labels: 喜欢 (like), 理所当然 (must-be),
/// 无所谓 (neutral), 能忍受 (live with), 不喜欢 (dislike); English also as the full
/// answer phrases ("I like it", "I expect it", "I am neutral", "I can live with it",
/// "I dislike it"), and the codes 1–5 in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KanoAnswer {
    /// I like it that way (喜欢).
    Like,
    /// It must be that way (理所当然).
    MustBe,
    /// I am neutral (无所谓).
    Neutral,
    /// I can live with it that way (能忍受).
    LiveWith,
    /// I dislike it that way (不喜欢).
    Dislike,
}

impl std::str::FromStr for KanoAnswer {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match normalize_label(s).as_str() {
            "like" | "ilikeit" | "ilikeitthatway" | "1" | "喜欢" | "很喜欢" => {
                KanoAnswer::Like
            }
            "mustbe" | "expect" | "expected" | "iexpectit" | "itmustbethatway" | "2"
            | "理所当然" | "应该的" | "必须的" => KanoAnswer::MustBe,
            "neutral" | "iamneutral" | "i'mneutral" | "idontcare" | "idon'tcare" | "3"
            | "无所谓" | "中立" => KanoAnswer::Neutral,
            "livewith" | "icanlivewithit" | "tolerate" | "icantolerateit" | "4" | "能忍受"
            | "可以忍受" | "勉强接受" => KanoAnswer::LiveWith,
            "dislike" | "idislikeit" | "idislikeitthatway" | "5" | "不喜欢" | "很不喜欢" => {
                KanoAnswer::Dislike
            }
            _ => {
                return Err(CxError::invalid(
                    "kano_answer",
                    None,
                    s,
                    "expected like, must-be, neutral, live-with, dislike (喜欢, 理所当然, 无所谓, 能忍受, 不喜欢) or 1-5",
                ));
            }
        })
    }
}

/// What a survey question asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum QuestionKind {
    /// Likelihood to recommend, 0–10.
    Nps,
    /// Satisfaction on a scale.
    Csat {
        /// The scale.
        scale: CsatScale,
    },
    /// Customer effort, CES 2.0 agreement scale 1–7.
    Ces,
    /// Likert agreement with `points` points (1..=points).
    Likert {
        /// Number of points (2–11).
        points: u8,
    },
    /// A Kano functional/dysfunctional question pair about one feature.
    KanoPair {
        /// The feature asked about.
        attribute: String,
    },
    /// Free text.
    FreeText,
}

/// A survey question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Question {
    /// Identifier.
    pub id: QuestionId,
    /// Question text as shown.
    pub text: String,
    /// What it asks for.
    pub kind: QuestionKind,
}

impl Question {
    /// Build a question.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] for a Likert scale outside 2–11 points.
    pub fn new(id: QuestionId, text: impl Into<String>, kind: QuestionKind) -> Result<Self> {
        if let QuestionKind::Likert { points } = kind
            && !(2..=11).contains(&points)
        {
            return Err(CxError::option(
                "points",
                format!("Likert scale needs 2-11 points, got {points}"),
            ));
        }
        Ok(Self {
            id,
            text: text.into(),
            kind,
        })
    }

    /// Check that an answer fits this question.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] naming the question id and the answer.
    pub fn check(&self, answer: &Answer) -> Result<()> {
        let bad =
            |v: String, reason: &str| Err(CxError::invalid(self.id.as_str(), None, v, reason));
        match (&self.kind, answer) {
            (QuestionKind::Nps, Answer::Score(s)) if *s > 10 => {
                bad(s.to_string(), "NPS scores lie in 0..=10")
            }
            (QuestionKind::Csat { scale }, Answer::Score(s)) if !scale.contains(*s) => {
                bad(s.to_string(), "score outside the CSAT scale")
            }
            (QuestionKind::Ces, Answer::Score(s)) if !(1..=7).contains(s) => {
                bad(s.to_string(), "CES scores lie in 1..=7")
            }
            (QuestionKind::Likert { points }, Answer::Score(s)) if *s < 1 || s > points => {
                bad(s.to_string(), "score outside the Likert scale")
            }
            (
                QuestionKind::Nps
                | QuestionKind::Csat { .. }
                | QuestionKind::Ces
                | QuestionKind::Likert { .. },
                Answer::Score(_),
            )
            | (QuestionKind::KanoPair { .. }, Answer::Kano { .. })
            | (QuestionKind::FreeText, Answer::Text(_)) => Ok(()),
            (_, a) => bad(
                a.kind_name().to_string(),
                "answer type does not fit the question",
            ),
        }
    }
}

/// An answer to one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Answer {
    /// A point on a rating scale.
    Score(u8),
    /// A Kano pair.
    Kano {
        /// Answer to "how do you feel if the feature is present?".
        functional: KanoAnswer,
        /// Answer to "how do you feel if it is absent?".
        dysfunctional: KanoAnswer,
    },
    /// Free text (personal data).
    Text(Personal<String>),
}

impl Answer {
    fn kind_name(&self) -> &'static str {
        match self {
            Answer::Score(_) => "score",
            Answer::Kano { .. } => "kano pair",
            Answer::Text(_) => "text",
        }
    }
}

/// One respondent's answer to one question, with an optional survey weight.
///
/// # Examples
/// ```
/// use cx_core::model::*;
/// let q = Question::new(QuestionId::new("nps")?, "推荐意愿", QuestionKind::Nps)?;
/// let r = Response::new(ResponseId::new("r1")?, &q, Answer::Score(9))?.with_weight(1.5)?;
/// assert_eq!(r.weight, Some(1.5));
/// assert!(Response::new(ResponseId::new("r2")?, &q, Answer::Score(12)).is_err());
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Response {
    /// Identifier.
    pub id: ResponseId,
    /// Respondent, if known.
    pub customer: Option<CustomerId>,
    /// Question answered.
    pub question: QuestionId,
    /// The answer.
    pub answer: Answer,
    /// Survey weight (finite, ≥ 0), if weighted.
    pub weight: Option<f64>,
    /// When it was answered.
    pub timestamp: Option<DateTime<FixedOffset>>,
}

impl Response {
    /// Build a response, checking the answer against the question.
    ///
    /// # Errors
    /// As [`Question::check`].
    pub fn new(id: ResponseId, question: &Question, answer: Answer) -> Result<Self> {
        question.check(&answer)?;
        Ok(Self {
            id,
            customer: None,
            question: question.id.clone(),
            answer,
            weight: None,
            timestamp: None,
        })
    }
    /// Set the respondent.
    pub fn with_customer(mut self, c: CustomerId) -> Self {
        self.customer = Some(c);
        self
    }
    /// Set the timestamp.
    pub fn with_timestamp(mut self, t: DateTime<FixedOffset>) -> Self {
        self.timestamp = Some(t);
        self
    }
    /// Set the survey weight.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for a negative, NaN or infinite weight.
    pub fn with_weight(mut self, w: f64) -> Result<Self> {
        if !w.is_finite() || w < 0.0 {
            return Err(CxError::invalid(
                "weight",
                None,
                w,
                "weights must be finite and >= 0",
            ));
        }
        self.weight = Some(w);
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kano_labels_in_chinese() {
        let want = [
            ("喜欢", KanoAnswer::Like),
            ("理所当然", KanoAnswer::MustBe),
            ("无所谓", KanoAnswer::Neutral),
            ("能忍受", KanoAnswer::LiveWith),
            ("不喜欢", KanoAnswer::Dislike),
            ("must-be", KanoAnswer::MustBe),
            ("Live with", KanoAnswer::LiveWith),
            ("I expect it", KanoAnswer::MustBe),
            ("I can live with it", KanoAnswer::LiveWith),
            ("I'm neutral", KanoAnswer::Neutral),
            ("I dislike it", KanoAnswer::Dislike),
        ];
        for (s, k) in want {
            assert_eq!(s.parse::<KanoAnswer>().ok(), Some(k), "{s}");
        }
        assert!("maybe".parse::<KanoAnswer>().is_err());
    }

    #[test]
    fn answers_checked_against_questions() -> Result<()> {
        let q = Question::new(
            QuestionId::new("q")?,
            "满意度",
            QuestionKind::Csat {
                scale: CsatScale::OneToFive,
            },
        )?;
        assert!(q.check(&Answer::Score(5)).is_ok());
        assert!(q.check(&Answer::Score(0)).is_err());
        assert!(q.check(&Answer::Text("x".into())).is_err());
        let ces = Question::new(QuestionId::new("c")?, "费力度", QuestionKind::Ces)?;
        assert!(ces.check(&Answer::Score(0)).is_err());
        assert!(
            Question::new(
                QuestionId::new("l")?,
                "x",
                QuestionKind::Likert { points: 1 }
            )
            .is_err()
        );
        Ok(())
    }

    #[test]
    fn scale_parses() {
        assert_eq!("0-10".parse::<CsatScale>().ok(), Some(CsatScale::ZeroToTen));
        assert!("5-1".parse::<CsatScale>().is_err());
        assert!("five".parse::<CsatScale>().is_err());
    }

    #[test]
    fn negative_weight_rejected() -> Result<()> {
        let q = Question::new(QuestionId::new("nps")?, "x", QuestionKind::Nps)?;
        let r = Response::new(ResponseId::new("r")?, &q, Answer::Score(9))?;
        assert_eq!(
            r.clone().with_weight(-1.0).err().map(|e| e.code()),
            Some("invalid_value")
        );
        assert!(r.with_weight(f64::NAN).is_err());
        Ok(())
    }
}
