//! [`Feedback`]: one piece of customer feedback from any channel.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{Channel, CustomerId, FeedbackId, Personal, TouchpointId, normalize_label};
use crate::{CxError, Result};

/// What kind of feedback it is.
///
/// Parses English and Chinese labels: complaint/投诉, suggestion/建议,
/// praise/表扬 (also 好评, 赞扬), question/咨询 (also 询问, 疑问).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FeedbackKind {
    /// Something went wrong (投诉).
    Complaint,
    /// An idea for improvement (建议).
    Suggestion,
    /// Something went well (表扬).
    Praise,
    /// A question or request for information (咨询).
    Question,
}

impl FeedbackKind {
    /// All kinds in declaration order.
    pub const ALL: [FeedbackKind; 4] = [
        FeedbackKind::Complaint,
        FeedbackKind::Suggestion,
        FeedbackKind::Praise,
        FeedbackKind::Question,
    ];

    /// Canonical English name.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackKind::Complaint => "complaint",
            FeedbackKind::Suggestion => "suggestion",
            FeedbackKind::Praise => "praise",
            FeedbackKind::Question => "question",
        }
    }

    /// Chinese display name.
    pub fn label_zh(self) -> &'static str {
        match self {
            FeedbackKind::Complaint => "投诉",
            FeedbackKind::Suggestion => "建议",
            FeedbackKind::Praise => "表扬",
            FeedbackKind::Question => "咨询",
        }
    }
}

impl std::str::FromStr for FeedbackKind {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        let k = normalize_label(s);
        let kind = match k.as_str() {
            "complaint" | "complaints" | "投诉" | "抱怨" | "差评" => FeedbackKind::Complaint,
            "suggestion" | "suggestions" | "idea" | "建议" | "意见" => FeedbackKind::Suggestion,
            "praise" | "compliment" | "表扬" | "好评" | "赞扬" | "称赞" => {
                FeedbackKind::Praise
            }
            "question" | "inquiry" | "enquiry" | "咨询" | "询问" | "疑问" => {
                FeedbackKind::Question
            }
            _ => {
                return Err(CxError::invalid(
                    "kind",
                    None,
                    s,
                    "unknown feedback kind; use complaint, suggestion, praise or question (投诉, 建议, 表扬, 咨询)",
                ));
            }
        };
        Ok(kind)
    }
}

impl std::fmt::Display for FeedbackKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Ratings given with a piece of feedback, on cx's standard scales.
///
/// NPS is 0–10; CSAT is stored as given (its scale is declared where it is
/// analysed, at most 0–10); CES is the 1–7 agreement scale of CES 2.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ratings {
    /// Likelihood to recommend, 0–10.
    pub nps: Option<u8>,
    /// Satisfaction, on the survey's CSAT scale (0–10 at most).
    pub csat: Option<u8>,
    /// Customer effort (CES 2.0 agreement), 1–7.
    pub ces: Option<u8>,
}

impl Ratings {
    /// Check each rating against its scale.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] naming `nps`, `csat` or `ces` and the value.
    pub fn validate(&self) -> Result<()> {
        let check = |field: &str, v: Option<u8>, lo: u8, hi: u8| match v {
            Some(x) if !(lo..=hi).contains(&x) => Err(CxError::invalid(
                field,
                None,
                x,
                format!("outside the scale {lo}..={hi}"),
            )),
            _ => Ok(()),
        };
        check("nps", self.nps, 0, 10)?;
        check("csat", self.csat, 0, 10)?;
        check("ces", self.ces, 1, 7)
    }
}

/// One piece of feedback.
///
/// # Examples
/// ```
/// use cx_core::model::{Channel, Feedback, FeedbackId, FeedbackKind};
/// let at = chrono::DateTime::parse_from_rfc3339("2024-03-01T14:05:00+08:00").map_err(|e| {
///     cx_core::CxError::invalid("timestamp", None, e, "bad")
/// })?;
/// let f = Feedback::new(FeedbackId::new("F1")?, Channel::Phone, at)
///     .with_kind(FeedbackKind::Complaint)
///     .with_nps(3)?
///     .with_text("等了40分钟没人接");
/// assert_eq!(f.ratings.nps, Some(3));
/// assert!(Feedback::new(FeedbackId::new("F2")?, Channel::Phone, at).with_nps(11).is_err());
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Feedback {
    /// Identifier.
    pub id: FeedbackId,
    /// Who gave it, if known.
    pub customer: Option<CustomerId>,
    /// Where it came from.
    pub channel: Channel,
    /// Which touchpoint of the journey it is about, if tagged.
    pub touchpoint: Option<TouchpointId>,
    /// When it was given, with its UTC offset.
    pub timestamp: DateTime<FixedOffset>,
    /// Complaint, suggestion, praise or question, if classified.
    pub kind: Option<FeedbackKind>,
    /// Ratings given with it.
    pub ratings: Ratings,
    /// Free text (personal data: may contain names and numbers).
    pub text: Option<Personal<String>>,
    /// Tags (causes, topics), e.g. "物流延迟".
    pub tags: Vec<String>,
    /// Language tag (BCP 47, e.g. "zh-CN", "en"), if known.
    pub language: Option<String>,
}

impl Feedback {
    /// Feedback with only the required fields.
    pub fn new(id: FeedbackId, channel: Channel, timestamp: DateTime<FixedOffset>) -> Self {
        Self {
            id,
            customer: None,
            channel,
            touchpoint: None,
            timestamp,
            kind: None,
            ratings: Ratings::default(),
            text: None,
            tags: Vec::new(),
            language: None,
        }
    }
    /// Set the customer.
    pub fn with_customer(mut self, customer: CustomerId) -> Self {
        self.customer = Some(customer);
        self
    }
    /// Set the touchpoint.
    pub fn with_touchpoint(mut self, touchpoint: TouchpointId) -> Self {
        self.touchpoint = Some(touchpoint);
        self
    }
    /// Set the kind.
    pub fn with_kind(mut self, kind: FeedbackKind) -> Self {
        self.kind = Some(kind);
        self
    }
    /// Set the NPS rating (0–10).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for a value above 10.
    pub fn with_nps(mut self, score: u8) -> Result<Self> {
        self.ratings.nps = Some(score);
        self.ratings.validate().map(|()| self)
    }
    /// Set the CSAT rating (0–10 at most; the scale is declared at analysis).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for a value above 10.
    pub fn with_csat(mut self, score: u8) -> Result<Self> {
        self.ratings.csat = Some(score);
        self.ratings.validate().map(|()| self)
    }
    /// Set the CES rating (1–7).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for a value outside 1–7.
    pub fn with_ces(mut self, score: u8) -> Result<Self> {
        self.ratings.ces = Some(score);
        self.ratings.validate().map(|()| self)
    }
    /// Set the free text.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(Personal::new(text.into()));
        self
    }
    /// Add a tag.
    pub fn with_tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }
    /// Set the language tag.
    pub fn with_language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_in_both_languages() {
        for k in FeedbackKind::ALL {
            assert_eq!(k.as_str().parse::<FeedbackKind>().ok(), Some(k));
            assert_eq!(k.label_zh().parse::<FeedbackKind>().ok(), Some(k));
        }
        assert!("rant".parse::<FeedbackKind>().is_err());
    }

    #[test]
    fn ratings_validate_scales() {
        let r = Ratings {
            ces: Some(0),
            ..Ratings::default()
        };
        let e = r.validate().err();
        assert_eq!(e.as_ref().and_then(CxError::field), Some("ces"));
        assert_eq!(e.as_ref().and_then(CxError::value), Some("0"));
    }

    #[test]
    fn text_is_redacted_in_debug() -> Result<()> {
        let at = DateTime::parse_from_rfc3339("2024-03-01T14:05:00+08:00")
            .map_err(|e| CxError::invalid("t", None, e, "bad"))?;
        let f =
            Feedback::new(FeedbackId::new("F1")?, Channel::Email, at).with_text("张三 13800138000");
        let dbg = format!("{f:?}");
        assert!(!dbg.contains("13800138000"));
        assert!(dbg.contains("<redacted len=14>"));
        Ok(())
    }
}
