//! Routing rules as data, a topic taxonomy users edit, explained decisions and
//! automatic case creation.
//!
//! # Rules (JSON; YAML through the Python wrapper)
//! ```json
//! {"rules": [
//!    {"name": "vip-detractor", "when": {"segments": ["VIP"], "nps_max": 6},
//!     "team": "vip-care", "priority": "urgent", "sla_policy": "vip"},
//!    {"name": "refunds", "when": {"topics": ["退款慢"]}, "team": "payments", "priority": "high"}],
//!  "default": {"team": "cx-desk", "priority": "normal"},
//!  "triggers": {"nps_max": 6, "csat_max": 2, "kinds": ["complaint"]}}
//! ```
//! Rules are tried **in order**; the first whose conditions all hold fires
//! (conditions absent from `when` are not checked; a list condition holds when
//! the value is any of its items). When none fires, `default` routes the
//! feedback (`rule = None`). Conditions: `channels`, `kinds`, `nps_min`,
//! `nps_max`, `csat_min`, `csat_max`, `segments`, `topics` (names of the
//! taxonomy), `keywords` (case-insensitive substrings of the text) and
//! `pattern` (a regular expression over the text, `regex` crate syntax). A
//! condition on a score, segment or text fails when that value is missing.
//!
//! # Topic taxonomy
//! `{"topics": [{"name": "物流延迟", "label_en": "late delivery",
//! "keywords": ["快递", "物流", "late"], "patterns": ["(?i)not (yet )?arrived"]}]}`.
//! Keywords match as case-insensitive substrings (Chinese text needs no word
//! segmentation); patterns are regular expressions. The **first topic in file
//! order** that matches is the feedback's topic, so put specific topics first.
//!
//! # Case triggers
//! A case is opened automatically for an NPS detractor (`nps ≤ nps_max`,
//! default 6: Reichheld 2003), low CSAT (`csat ≤ csat_max`, default 2, the
//! bottom two boxes of a 1–5 scale) or a complaint (`kinds`, default
//! `["complaint"]`). A rule may force or suppress creation with `create_case`.

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::state::Case;
use crate::model::{Channel, Feedback, FeedbackKind, Personal, Priority};
use crate::{CxError, Result};

/// One topic of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Topic {
    /// Name (as used in rules and tags), e.g. "物流延迟".
    pub name: String,
    /// English label.
    #[serde(default)]
    pub label_en: Option<String>,
    /// Case-insensitive substrings.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Regular expressions.
    #[serde(default)]
    pub patterns: Vec<String>,
}

/// A topic taxonomy: topics in precedence order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Taxonomy {
    /// Topics, the first match wins.
    pub topics: Vec<Topic>,
}

impl Taxonomy {
    /// Parse a taxonomy from JSON.
    ///
    /// # Errors
    /// [`CxError::Format`] for malformed JSON.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| CxError::Format {
            what: "topic taxonomy".into(),
            reason: e.to_string(),
        })
    }
}

/// Conditions of a rule; every present condition must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Conditions {
    /// Channel is one of these.
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Kind is one of these.
    #[serde(default)]
    pub kinds: Vec<FeedbackKind>,
    /// NPS ≥.
    #[serde(default)]
    pub nps_min: Option<u8>,
    /// NPS ≤ (6 = detractor).
    #[serde(default)]
    pub nps_max: Option<u8>,
    /// CSAT ≥.
    #[serde(default)]
    pub csat_min: Option<u8>,
    /// CSAT ≤.
    #[serde(default)]
    pub csat_max: Option<u8>,
    /// Customer segment is one of these.
    #[serde(default)]
    pub segments: Vec<String>,
    /// Taxonomy topic is one of these.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Text contains one of these (case-insensitive).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Text matches this regular expression.
    #[serde(default)]
    pub pattern: Option<String>,
}

/// Where a rule sends the feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RouteTarget {
    /// Owning team.
    pub team: String,
    /// Priority of the case.
    #[serde(default = "normal")]
    pub priority: Priority,
    /// SLA policy name.
    #[serde(default)]
    pub sla_policy: Option<String>,
}

fn normal() -> Priority {
    Priority::Normal
}

/// One routing rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Rule {
    /// Name (shown in explanations and stored on the case).
    pub name: String,
    /// Conditions.
    #[serde(default)]
    pub when: Conditions,
    /// Target.
    #[serde(flatten)]
    pub target: RouteTarget,
    /// Force (`true`) or suppress (`false`) case creation; `None` = the triggers decide.
    #[serde(default)]
    pub create_case: Option<bool>,
}

/// When a case is opened automatically.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Triggers {
    /// Detractor threshold (NPS ≤).
    #[serde(default = "six")]
    pub nps_max: Option<u8>,
    /// Low CSAT threshold (CSAT ≤).
    #[serde(default = "two")]
    pub csat_max: Option<u8>,
    /// Kinds that always open a case.
    #[serde(default = "complaint")]
    pub kinds: Vec<FeedbackKind>,
}

fn six() -> Option<u8> {
    Some(6)
}
fn two() -> Option<u8> {
    Some(2)
}
fn complaint() -> Vec<FeedbackKind> {
    vec![FeedbackKind::Complaint]
}

impl Default for Triggers {
    fn default() -> Self {
        Self {
            nps_max: six(),
            csat_max: two(),
            kinds: complaint(),
        }
    }
}

/// A rule set: rules in order, a default target and the case triggers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RoutingRules {
    /// Rules in evaluation order.
    pub rules: Vec<Rule>,
    /// Target when no rule fires.
    pub default: RouteTarget,
    /// Case triggers.
    #[serde(default)]
    pub triggers: Triggers,
}

impl RoutingRules {
    /// Parse rules from JSON.
    ///
    /// # Errors
    /// [`CxError::Format`] for malformed JSON or unknown fields.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| CxError::Format {
            what: "routing rules".into(),
            reason: e.to_string(),
        })
    }
}

/// What is routed: the fields rules look at.
#[derive(Debug, Clone, Copy, Default)]
pub struct RouteInput<'a> {
    /// Channel.
    pub channel: Option<&'a Channel>,
    /// Kind.
    pub kind: Option<FeedbackKind>,
    /// NPS 0–10.
    pub nps: Option<u8>,
    /// CSAT.
    pub csat: Option<u8>,
    /// Customer segment.
    pub segment: Option<&'a str>,
    /// Free text.
    pub text: Option<&'a str>,
}

impl<'a> RouteInput<'a> {
    /// The fields of a piece of feedback, with the customer's segment.
    pub fn from_feedback(f: &'a Feedback, segment: Option<&'a str>) -> Self {
        Self {
            channel: Some(&f.channel),
            kind: f.kind,
            nps: f.ratings.nps,
            csat: f.ratings.csat,
            segment,
            text: f.text.as_ref().map(|t| t.expose().as_str()),
        }
    }
}

/// A topic found in the text, with the keyword or pattern that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TopicMatch {
    /// Topic name.
    pub topic: String,
    /// The keyword or pattern that matched.
    pub matched: String,
}

/// A routing decision with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RouteDecision {
    /// The rule that fired (`None` = default target).
    pub rule: Option<String>,
    /// 0-based position of the rule.
    pub rule_index: Option<usize>,
    /// Owning team.
    pub team: String,
    /// Priority.
    pub priority: Priority,
    /// SLA policy.
    pub sla_policy: Option<String>,
    /// Topic found in the text.
    pub topic: Option<TopicMatch>,
    /// One line per condition of the fired rule that held.
    pub matched: Vec<String>,
    /// Why a case is opened (`detractor`, `low_csat`, `complaint`, `rule`); empty = none.
    pub case_reasons: Vec<String>,
    /// Whether a case is opened.
    pub create_case: bool,
}

impl RouteDecision {
    /// One-line explanation.
    pub fn explain(&self) -> String {
        let head = match &self.rule {
            Some(r) => format!("rule {r:?} fired"),
            None => "no rule fired; default target".into(),
        };
        let mut s = format!("{head} → team {} ({})", self.team, self.priority.as_str());
        if !self.matched.is_empty() {
            s.push_str(": ");
            s.push_str(&self.matched.join("; "));
        }
        if self.create_case {
            s.push_str(&format!("; case opened ({})", self.case_reasons.join(", ")));
        }
        s
    }
}

struct CompiledTopic {
    name: String,
    keywords: Vec<(String, String)>,
    patterns: Vec<(Regex, String)>,
}

/// Compiled rules and taxonomy.
///
/// # Examples
/// ```
/// use cx_core::cases::routing::{Router, RouteInput, RoutingRules, Taxonomy};
/// let rules = RoutingRules::from_json(r#"{"rules": [
///   {"name": "refunds", "when": {"topics": ["退款慢"]}, "team": "payments", "priority": "high"}],
///   "default": {"team": "desk"}}"#)?;
/// let topics = Taxonomy::from_json(r#"{"topics": [{"name": "退款慢", "keywords": ["退款", "refund"]}]}"#)?;
/// let router = Router::new(rules, topics)?;
/// let d = router.route(&RouteInput { text: Some("Still no REFUND"), nps: Some(2), ..Default::default() });
/// assert_eq!(d.team, "payments");
/// assert_eq!(d.matched, ["topic 退款慢 (keyword \"refund\")"]);
/// assert_eq!(d.case_reasons, ["detractor"]);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub struct Router {
    rules: RoutingRules,
    patterns: Vec<Option<Regex>>,
    topics: Vec<CompiledTopic>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("rules", &self.rules.rules.len())
            .field("topics", &self.topics.len())
            .finish()
    }
}

fn compile(field: &str, p: &str) -> Result<Regex> {
    Regex::new(p).map_err(|e| CxError::invalid(field, None, p, e.to_string()))
}

impl Router {
    /// Compile rules and taxonomy.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for a bad regular expression (field names the
    /// rule or topic); [`CxError::InvalidOption`] for a blank team or a rule
    /// naming a topic absent from the taxonomy.
    pub fn new(rules: RoutingRules, taxonomy: Taxonomy) -> Result<Self> {
        let mut topics = Vec::with_capacity(taxonomy.topics.len());
        for t in &taxonomy.topics {
            let mut patterns = Vec::new();
            for p in &t.patterns {
                patterns.push((
                    compile(&format!("topics[{}].patterns", t.name), p)?,
                    p.clone(),
                ));
            }
            topics.push(CompiledTopic {
                name: t.name.clone(),
                keywords: t
                    .keywords
                    .iter()
                    .filter(|k| !k.trim().is_empty())
                    .map(|k| (k.to_lowercase(), k.clone()))
                    .collect(),
                patterns,
            });
        }
        let mut patterns = Vec::with_capacity(rules.rules.len());
        let targets = rules
            .rules
            .iter()
            .map(|r| (&r.target, format!("rules[{}]", r.name)))
            .chain(std::iter::once((&rules.default, "default".to_string())));
        for (t, name) in targets {
            if t.team.trim().is_empty() {
                return Err(CxError::option(
                    format!("{name}.team"),
                    "team must not be empty",
                ));
            }
        }
        for r in &rules.rules {
            for t in &r.when.topics {
                if !taxonomy.topics.iter().any(|x| &x.name == t) {
                    return Err(CxError::option(
                        format!("rules[{}].when.topics", r.name),
                        format!("topic {t:?} is not in the taxonomy"),
                    ));
                }
            }
            patterns.push(match &r.when.pattern {
                Some(p) => Some(compile(&format!("rules[{}].when.pattern", r.name), p)?),
                None => None,
            });
        }
        Ok(Self {
            rules,
            patterns,
            topics,
        })
    }

    /// The rules.
    pub fn rules(&self) -> &RoutingRules {
        &self.rules
    }

    /// The first taxonomy topic found in `text`.
    pub fn topic(&self, text: &str) -> Option<TopicMatch> {
        let lower = text.to_lowercase();
        for t in &self.topics {
            if let Some((_, k)) = t.keywords.iter().find(|(l, _)| lower.contains(l.as_str())) {
                return Some(TopicMatch {
                    topic: t.name.clone(),
                    matched: format!("keyword {k:?}"),
                });
            }
            if let Some((_, p)) = t.patterns.iter().find(|(r, _)| r.is_match(text)) {
                return Some(TopicMatch {
                    topic: t.name.clone(),
                    matched: format!("pattern {p:?}"),
                });
            }
        }
        None
    }

    /// Route one piece of feedback.
    pub fn route(&self, input: &RouteInput<'_>) -> RouteDecision {
        let topic = input.text.and_then(|t| self.topic(t));
        let mut fired = None;
        for (i, r) in self.rules.rules.iter().enumerate() {
            if let Some(m) = self.check(i, &r.when, input, topic.as_ref()) {
                fired = Some((i, r, m));
                break;
            }
        }
        let reasons = self.reasons(input);
        let (rule, rule_index, target, matched, force) = match fired {
            Some((i, r, m)) => (Some(r.name.clone()), Some(i), &r.target, m, r.create_case),
            None => (None, None, &self.rules.default, Vec::new(), None),
        };
        let create_case = force.unwrap_or(!reasons.is_empty());
        let mut case_reasons = if create_case { reasons } else { Vec::new() };
        if create_case && case_reasons.is_empty() {
            case_reasons.push("rule".into());
        }
        RouteDecision {
            rule,
            rule_index,
            team: target.team.clone(),
            priority: target.priority,
            sla_policy: target.sla_policy.clone(),
            topic,
            matched,
            case_reasons,
            create_case,
        }
    }

    fn reasons(&self, input: &RouteInput<'_>) -> Vec<String> {
        let t = &self.rules.triggers;
        let mut out = Vec::new();
        if let (Some(max), Some(v)) = (t.nps_max, input.nps)
            && v <= max
        {
            out.push("detractor".into());
        }
        if let (Some(max), Some(v)) = (t.csat_max, input.csat)
            && v <= max
        {
            out.push("low_csat".into());
        }
        if let Some(k) = input.kind
            && t.kinds.contains(&k)
        {
            out.push(k.as_str().into());
        }
        out
    }

    /// `Some(explanations)` when every condition holds.
    fn check(
        &self,
        i: usize,
        c: &Conditions,
        x: &RouteInput<'_>,
        topic: Option<&TopicMatch>,
    ) -> Option<Vec<String>> {
        let mut m = Vec::new();
        if !c.channels.is_empty() {
            let ch = x.channel.filter(|ch| c.channels.contains(ch))?;
            m.push(format!("channel {}", ch.as_str()));
        }
        if !c.kinds.is_empty() {
            let k = x.kind.filter(|k| c.kinds.contains(k))?;
            m.push(format!("kind {}", k.as_str()));
        }
        let bound =
            |name: &str, v: Option<u8>, lo: Option<u8>, hi: Option<u8>, m: &mut Vec<String>| {
                if lo.is_none() && hi.is_none() {
                    return Some(());
                }
                let v = v?;
                if lo.is_some_and(|lo| v < lo) || hi.is_some_and(|hi| v > hi) {
                    return None;
                }
                m.push(match (lo, hi) {
                    (Some(lo), Some(hi)) => format!("{name} {v} in {lo}..={hi}"),
                    (Some(lo), None) => format!("{name} {v} ≥ {lo}"),
                    _ => format!("{name} {v} ≤ {}", hi.unwrap_or(v)),
                });
                Some(())
            };
        bound("nps", x.nps, c.nps_min, c.nps_max, &mut m)?;
        bound("csat", x.csat, c.csat_min, c.csat_max, &mut m)?;
        if !c.segments.is_empty() {
            let s = x.segment.filter(|s| c.segments.iter().any(|y| y == s))?;
            m.push(format!("segment {s}"));
        }
        if !c.topics.is_empty() {
            let t = topic.filter(|t| c.topics.contains(&t.topic))?;
            m.push(format!("topic {} ({})", t.topic, t.matched));
        }
        if !c.keywords.is_empty() {
            let lower = x.text?.to_lowercase();
            let k = c
                .keywords
                .iter()
                .find(|k| lower.contains(&k.to_lowercase()))?;
            m.push(format!("keyword {k:?}"));
        }
        if let Some(Some(re)) = self.patterns.get(i) {
            let text = x.text?;
            let hit = re.find(text)?;
            m.push(format!(
                "pattern {:?} matched {:?}",
                re.as_str(),
                hit.as_str()
            ));
        }
        Some(m)
    }

    /// Open a case for `feedback` when the decision says so (state `new`,
    /// owned by the routed team, with its priority, SLA policy, topic, rule,
    /// reasons, score and text). Returns the decision either way.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for a blank `case_id`.
    pub fn open_case(
        &self,
        feedback: &Feedback,
        segment: Option<&str>,
        case_id: &str,
    ) -> Result<(Option<Case>, RouteDecision)> {
        let d = self.route(&RouteInput::from_feedback(feedback, segment));
        if !d.create_case {
            return Ok((None, d));
        }
        let mut c = Case::new(case_id, d.team.clone(), feedback.timestamp)?;
        c.feedback_id = Some(feedback.id.as_str().into());
        c.customer_id = feedback.customer.as_ref().map(|x| x.as_str().into());
        c.priority = d.priority;
        c.sla_policy = d.sla_policy.clone();
        c.topic = d.topic.as_ref().map(|t| t.topic.clone());
        c.rule = d.rule.clone();
        c.reasons = d.case_reasons.clone();
        c.score_before = feedback.ratings.nps.or(feedback.ratings.csat);
        c.detractor = feedback.ratings.nps.is_some_and(|n| n <= 6);
        c.summary = feedback
            .text
            .as_ref()
            .map(|t| Personal::new(t.expose().clone()));
        Ok((Some(c), d))
    }
}
