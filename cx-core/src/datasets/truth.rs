//! [`GroundTruth`]: the effects planted in the sample, for analyses to recover.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::SampleOptions;
use super::company::{
    ATTR_CENTER, ATTR_LOADING, ATTR_SD, ATTRIBUTES, CAUSES, KANO_FEATURES, KANO_MIX, NPS_INTERCEPT,
    NPS_NOISE_SD, REGIONS, Role, delight_effect, effect_of, touchpoints,
};
use super::customers::{CHURN_BY_FRACTION, CHURN_SHARE, NEW_WINDOW_DAYS, VIP_SHARE};
use super::feedback::{NPS_MID, NPS_SCALE};
use super::tickets::{FRT_SIGMA, SHIFT_FACTOR, frt_median_secs, shifted};
use crate::model::Channel;

/// Planted effect of one touchpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TouchpointTruth {
    /// Touchpoint id.
    pub touchpoint_id: String,
    /// Display name.
    pub name: String,
    /// `"pain_point"`, `"delight"` or `"neutral"`.
    pub role: String,
    /// Share of feedback rows about it (sampling probability).
    pub traffic_share: f64,
    /// Shift of the latent satisfaction (standard-normal units).
    pub latent_effect: f64,
    /// The same in NPS points before rounding and clamping (`effect × 2.0`).
    pub nps_points_effect: f64,
}

/// True coefficient of one survey attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DriverTruth {
    /// Column in `survey.csv`.
    pub attribute: String,
    /// Chinese label.
    pub label_zh: String,
    /// NPS points per rating point (before rounding and clamping).
    pub coefficient: f64,
}

/// True Kano category of one feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KanoTruth {
    /// Feature key (`kano_<feature>_functional` / `_dysfunctional` in `survey.csv`).
    pub feature: String,
    /// Chinese label.
    pub label_zh: String,
    /// `must-be`, `one-dimensional`, `attractive` or `indifferent`.
    pub category: String,
    /// Category of the minority answer pattern.
    pub secondary_category: String,
}

/// Sampling share of one complaint cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CauseTruth {
    /// Tag as written in `sample_feedback.csv`.
    pub cause: String,
    /// English gloss.
    pub label_en: String,
    /// Probability that a complaint has this cause.
    pub share: f64,
}

/// The planted first-reply shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProcessShift {
    /// Tickets created at or after this instant are affected.
    pub at: DateTime<FixedOffset>,
    /// Affected channels.
    pub channels: Vec<Channel>,
    /// Multiplier on the drawn first-reply delay (1.4 = mean +40%).
    pub factor: f64,
    /// Median first-reply delay per channel before the shift (seconds), and σ of its log.
    pub baseline_median_secs: Vec<ChannelDelay>,
    /// σ of the log of the delay.
    pub log_sigma: f64,
}

/// A per-channel delay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelDelay {
    /// Channel.
    pub channel: Channel,
    /// Median delay in seconds.
    pub median_secs: f64,
}

/// Personal data planted into feedback text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlantedPii {
    /// Feedback ids whose text contains personal data.
    pub feedback_ids: Vec<String>,
    /// Kind planted in each of them (`phone`, `email`, `id_number`,
    /// `card_number`, `ip`, `name`), parallel to `feedback_ids`.
    pub kinds: Vec<String>,
    /// Feedback ids whose text contains a near-miss number (an order number
    /// failing the Luhn check, or an amount) that must NOT be redacted.
    pub near_miss_ids: Vec<String>,
}

/// Everything planted in a generated sample (serialized as `truth.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroundTruth {
    /// The fictional company.
    pub company: String,
    /// The options (including the seed) that produced the data.
    pub options: SampleOptions,
    /// First instant of the sample period (Asia/Shanghai, +08:00).
    pub period_start: DateTime<FixedOffset>,
    /// End of the period (exclusive).
    pub period_end: DateTime<FixedOffset>,
    /// How feedback ratings are made from the latent satisfaction.
    pub rating_model: String,
    /// Touchpoints with planted lower satisfaction.
    pub pain_points: Vec<String>,
    /// Touchpoints with planted higher satisfaction.
    pub delight_touchpoints: Vec<String>,
    /// Every touchpoint's effect (neutral ones exactly 0; the traffic-weighted
    /// mean effect is exactly 0).
    pub touchpoints: Vec<TouchpointTruth>,
    /// Latent satisfaction effect per segment.
    pub segment_effects: Vec<(String, f64)>,
    /// How the survey NPS is made from the attributes.
    pub driver_model: String,
    /// True driver coefficients.
    pub driver_weights: Vec<DriverTruth>,
    /// Kano categories.
    pub kano: Vec<KanoTruth>,
    /// Shares of respondents answering in the true pattern, the secondary
    /// pattern, and uniformly at random (incl. Q and R cells).
    pub kano_mix: [f64; 3],
    /// Complaint cause distribution (each complaint has one cause tag).
    pub complaint_causes: Vec<CauseTruth>,
    /// Smallest set of causes covering ≥ 80% (Pareto vital few).
    pub vital_few_causes: Vec<String>,
    /// The first-reply shift on phone and live chat.
    pub process_shift: ProcessShift,
    /// Region shares of the customer base (post-stratification targets).
    pub region_shares: Vec<(String, f64)>,
    /// How the feedback `weight` column is computed.
    pub weight_rule: String,
    /// How churn and segments are planted.
    pub churn_rule: String,
    /// Customers who churned (no orders after their churn day).
    pub churned_customers: Vec<String>,
    /// Personal data planted in feedback text.
    pub pii: PlantedPii,
}

impl GroundTruth {
    pub(crate) fn build(
        options: SampleOptions,
        period: (DateTime<FixedOffset>, DateTime<FixedOffset>),
        shift_at: DateTime<FixedOffset>,
        churned_customers: Vec<String>,
        pii: PlantedPii,
    ) -> Self {
        let tps = touchpoints();
        let d = delight_effect(&tps);
        let ids = |role: Role| -> Vec<String> {
            tps.iter()
                .filter(|t| t.role == role)
                .map(|t| t.id.to_string())
                .collect()
        };
        let mut cum = 0.0;
        let mut vital = Vec::new();
        for (c, _, s) in CAUSES {
            if cum < 0.8 {
                vital.push(c.to_string());
            }
            cum += s;
        }
        let shift_channels = [Channel::Phone, Channel::LiveChat];
        Self {
            company: "悦购 YueGo (fictional e-commerce and delivery company, China)".into(),
            options,
            period_start: period.0,
            period_end: period.1,
            rating_model: format!(
                "latent = segment effect + N(0, 0.4^2) per customer + touchpoint effect + N(0, 1); \
                 nps = clamp(round({NPS_MID} + {NPS_SCALE}*latent), 0, 10); \
                 csat = clamp(round(3.9 + 0.9*(0.8*latent + 0.6*z1)), 1, 5); \
                 ces = clamp(round(5.0 + 1.1*(0.7*latent + 0.71*z2)), 1, 7)"
            ),
            pain_points: ids(Role::Pain),
            delight_touchpoints: ids(Role::Delight),
            touchpoints: tps
                .iter()
                .map(|t| TouchpointTruth {
                    touchpoint_id: t.id.into(),
                    name: t.name.into(),
                    role: match t.role {
                        Role::Pain => "pain_point",
                        Role::Delight => "delight",
                        Role::Neutral => "neutral",
                    }
                    .into(),
                    traffic_share: t.traffic,
                    latent_effect: effect_of(t, d),
                    nps_points_effect: effect_of(t, d) * NPS_SCALE,
                })
                .collect(),
            segment_effects: vec![
                ("新客".into(), 0.0),
                ("普通".into(), 0.0),
                ("VIP".into(), 0.3),
                ("流失风险".into(), -0.5),
            ],
            driver_model: format!(
                "x_j = clamp(round({ATTR_CENTER} + {ATTR_SD}*({ATTR_LOADING}*g + sqrt(1-{ATTR_LOADING}^2)*e_j)), 1, 10); \
                 nps = clamp(round({NPS_INTERCEPT} + sum_j beta_j*(x_j - {ATTR_CENTER}) + N(0, {NPS_NOISE_SD}^2)), 0, 10)"
            ),
            driver_weights: ATTRIBUTES
                .iter()
                .map(|(a, l, b)| DriverTruth {
                    attribute: (*a).into(),
                    label_zh: (*l).into(),
                    coefficient: *b,
                })
                .collect(),
            kano: KANO_FEATURES
                .iter()
                .map(|(f, l, c, s)| KanoTruth {
                    feature: (*f).into(),
                    label_zh: (*l).into(),
                    category: c.as_str().into(),
                    secondary_category: s.as_str().into(),
                })
                .collect(),
            kano_mix: KANO_MIX,
            complaint_causes: CAUSES
                .iter()
                .map(|(c, e, s)| CauseTruth {
                    cause: (*c).into(),
                    label_en: (*e).into(),
                    share: *s,
                })
                .collect(),
            vital_few_causes: vital,
            process_shift: ProcessShift {
                at: shift_at,
                channels: shift_channels
                    .iter()
                    .filter(|c| shifted(c))
                    .cloned()
                    .collect(),
                factor: SHIFT_FACTOR,
                baseline_median_secs: [
                    Channel::Phone,
                    Channel::LiveChat,
                    Channel::MessagingApp,
                    Channel::Email,
                    Channel::WebForm,
                    Channel::InApp,
                ]
                .into_iter()
                .map(|c| ChannelDelay {
                    median_secs: frt_median_secs(&c),
                    channel: c,
                })
                .collect(),
                log_sigma: FRT_SIGMA,
            },
            region_shares: REGIONS.iter().map(|(r, s)| ((*r).into(), *s)).collect(),
            weight_rule: "weight = (region's share of customers.csv) / (region's share of the \
                          feedback rows that have a customer_id), rounded to 4 decimals; empty \
                          for anonymous rows. Feedback over-samples 华东 (x1.4) and 华南 (x1.1) \
                          and under-samples 西北/东北 (x0.7)."
                .into(),
            churn_rule: format!(
                "customers who signed up within {NEW_WINDOW_DAYS} days of the period end are \
                 新客; of the others, those signed up before 40% of the period, {CHURN_SHARE} churn \
                 (segment 流失风险): no orders after a churn day uniform before {CHURN_BY_FRACTION} of \
                 the period; {VIP_SHARE} of the rest are VIP (rate x2.5, spend x1.6)"
            ),
            churned_customers,
            pii,
        }
    }
}
