//! [`Journey`]: ordered stages with their touchpoints.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::{Channel, StageId, TouchpointId};
use crate::{CxError, Result};

/// A touchpoint: one place where the customer meets the company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Touchpoint {
    /// Identifier, unique within the journey.
    pub id: TouchpointId,
    /// Display name (e.g. "下单支付").
    pub name: String,
    /// Channel through which it happens.
    pub channel: Channel,
    /// Team that owns it.
    #[serde(default)]
    pub owner_team: Option<String>,
    /// Expected emotion on a −1 (negative) … +1 (positive) scale, if designed.
    #[serde(default)]
    pub expected_emotion: Option<f64>,
}

impl Touchpoint {
    /// A touchpoint with no owner or expected emotion.
    pub fn new(id: TouchpointId, name: impl Into<String>, channel: Channel) -> Self {
        Self {
            id,
            name: name.into(),
            channel,
            owner_team: None,
            expected_emotion: None,
        }
    }
    /// Set the owning team.
    pub fn with_owner(mut self, team: impl Into<String>) -> Self {
        self.owner_team = Some(team.into());
        self
    }
    /// Set the expected emotion (−1 … +1).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] outside −1 … +1 or NaN.
    pub fn with_expected_emotion(mut self, e: f64) -> Result<Self> {
        if !(-1.0..=1.0).contains(&e) {
            return Err(CxError::invalid(
                "expected_emotion",
                None,
                e,
                "must lie in -1..=1",
            ));
        }
        self.expected_emotion = Some(e);
        Ok(self)
    }
}

/// A stage of the journey (awareness, purchase, delivery, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stage {
    /// Identifier, unique within the journey.
    pub id: StageId,
    /// Display name.
    pub name: String,
    /// What the customer does.
    #[serde(default)]
    pub actions: Vec<String>,
    /// What the customer thinks.
    #[serde(default)]
    pub thoughts: Vec<String>,
    /// Touchpoints in this stage.
    #[serde(default)]
    pub touchpoints: Vec<Touchpoint>,
}

impl Stage {
    /// A stage with no actions, thoughts or touchpoints.
    pub fn new(id: StageId, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            actions: Vec::new(),
            thoughts: Vec::new(),
            touchpoints: Vec::new(),
        }
    }
    /// Add a customer action.
    pub fn with_action(mut self, a: impl Into<String>) -> Self {
        self.actions.push(a.into());
        self
    }
    /// Add a customer thought.
    pub fn with_thought(mut self, t: impl Into<String>) -> Self {
        self.thoughts.push(t.into());
        self
    }
    /// Add a touchpoint.
    pub fn with_touchpoint(mut self, t: Touchpoint) -> Self {
        self.touchpoints.push(t);
        self
    }
}

/// A customer journey: an ordered list of stages.
///
/// # Examples
/// ```
/// use cx_core::model::{Channel, Journey, Stage, StageId, Touchpoint, TouchpointId};
/// let j = Journey::new("购物", vec![
///     Stage::new(StageId::new("buy")?, "购买")
///         .with_touchpoint(Touchpoint::new(TouchpointId::new("pay")?, "支付", Channel::InApp)),
///     Stage::new(StageId::new("ship")?, "配送"),
/// ])?;
/// assert_eq!(j.stage_of(&TouchpointId::new("pay")?).map(|s| s.name.as_str()), Some("购买"));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Journey {
    /// Name of the journey.
    pub name: String,
    /// Stages in order.
    pub stages: Vec<Stage>,
}

impl Journey {
    /// Build and validate a journey.
    ///
    /// # Errors
    /// [`CxError::EmptyInput`] with no stages; [`CxError::InvalidValue`] for a
    /// duplicate stage or touchpoint id (naming it).
    pub fn new(name: impl Into<String>, stages: Vec<Stage>) -> Result<Self> {
        let j = Self {
            name: name.into(),
            stages,
        };
        j.validate()?;
        Ok(j)
    }

    /// Check the invariants (used after deserializing).
    ///
    /// # Errors
    /// As [`Journey::new`].
    pub fn validate(&self) -> Result<()> {
        if self.stages.is_empty() {
            return Err(CxError::EmptyInput {
                what: "journey stages".into(),
            });
        }
        let mut stages = HashSet::new();
        let mut tps = HashSet::new();
        for s in &self.stages {
            if !stages.insert(&s.id) {
                return Err(CxError::invalid(
                    "stage_id",
                    None,
                    &s.id,
                    "duplicate stage id",
                ));
            }
            for t in &s.touchpoints {
                if !tps.insert(&t.id) {
                    return Err(CxError::invalid(
                        "touchpoint_id",
                        None,
                        &t.id,
                        "duplicate touchpoint id",
                    ));
                }
            }
        }
        Ok(())
    }

    /// The stage a touchpoint belongs to.
    pub fn stage_of(&self, tp: &TouchpointId) -> Option<&Stage> {
        self.stages
            .iter()
            .find(|s| s.touchpoints.iter().any(|t| &t.id == tp))
    }

    /// All touchpoints in stage order, with the index of their stage.
    pub fn touchpoints(&self) -> impl Iterator<Item = (usize, &Touchpoint)> {
        self.stages
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.touchpoints.iter().map(move |t| (i, t)))
    }

    /// Parse a journey from JSON and validate it.
    ///
    /// # Errors
    /// [`CxError::Format`] for malformed JSON, else as [`Journey::new`].
    pub fn from_json(text: &str) -> Result<Self> {
        let j: Journey = serde_json::from_str(text).map_err(|e| CxError::Format {
            what: "journey JSON".into(),
            reason: e.to_string(),
        })?;
        j.validate()?;
        Ok(j)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_touchpoint_is_rejected() -> Result<()> {
        let tp = || -> Result<Touchpoint> {
            Ok(Touchpoint::new(
                TouchpointId::new("t")?,
                "x",
                Channel::Phone,
            ))
        };
        let r = Journey::new(
            "j",
            vec![
                Stage::new(StageId::new("a")?, "A").with_touchpoint(tp()?),
                Stage::new(StageId::new("b")?, "B").with_touchpoint(tp()?),
            ],
        );
        assert_eq!(
            r.err().as_ref().and_then(CxError::field),
            Some("touchpoint_id")
        );
        Ok(())
    }

    #[test]
    fn json_round_trip() -> Result<()> {
        let text = r#"{"name":"j","stages":[{"id":"s1","name":"认知","touchpoints":[
            {"id":"ad","name":"广告","channel":"social_media","owner_team":"市场部"}]}]}"#;
        let j = Journey::from_json(text)?;
        assert_eq!(j.stages[0].touchpoints[0].channel, Channel::SocialMedia);
        assert!(Journey::from_json(r#"{"name":"j","stages":[]}"#).is_err());
        Ok(())
    }

    #[test]
    fn emotion_range_checked() -> Result<()> {
        let t = Touchpoint::new(TouchpointId::new("t")?, "x", Channel::Phone);
        assert!(t.clone().with_expected_emotion(1.5).is_err());
        assert!(t.with_expected_emotion(f64::NAN).is_err());
        Ok(())
    }
}
