//! Feedback rows: latent satisfaction per touchpoint → NPS, CSAT, CES, kind,
//! cause tags and text.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};

use super::company::{
    CAUSES, REGION_FEEDBACK_PROPENSITY, REGIONS, TouchpointSpec, delight_effect, effect_of,
    segment_effect, touchpoints,
};
use super::customers::{CustomerFacts, Period};
use super::rng::{Categorical, Rng};
use super::text::{self, PII_KINDS};
use super::{FeedbackMeta, PlantedPii};
use crate::model::{Channel, Customer, Feedback, FeedbackId, FeedbackKind, TouchpointId};
use crate::{CxError, Result};

/// Rating model: `nps = round(NPS_MID + NPS_SCALE · latent)` clamped to 0–10.
pub(crate) const NPS_MID: f64 = 7.8;
pub(crate) const NPS_SCALE: f64 = 2.0;
/// Missing-value rates of NPS, CSAT and CES.
pub(crate) const MISSING: [f64; 3] = [0.10, 0.30, 0.45];
/// Share of rows whose channel is written with a Chinese name.
pub(crate) const CHINESE_CHANNEL_SHARE: f64 = 0.10;
/// Share of English rows, of rows with personal data in the text, and of
/// anonymous rows (no customer id, hence no weight).
pub(crate) const ENGLISH_SHARE: f64 = 0.20;
pub(crate) const PII_SHARE: f64 = 0.08;
pub(crate) const ANONYMOUS_SHARE: f64 = 0.04;

/// Hour-of-day profile of feedback (Asia/Shanghai), 0h … 23h.
const HOURS: [f64; 24] = [
    0.3, 0.15, 0.1, 0.05, 0.05, 0.1, 0.3, 0.8, 1.2, 1.5, 1.6, 1.6, 1.5, 1.4, 1.5, 1.5, 1.4, 1.3,
    1.3, 1.5, 1.8, 1.9, 1.4, 0.7,
];

/// Feedback channels other than the touchpoint's own.
const FEEDBACK_CHANNELS: [(Channel, f64); 7] = [
    (Channel::Survey, 0.35),
    (Channel::InApp, 0.20),
    (Channel::MessagingApp, 0.15),
    (Channel::SocialMedia, 0.10),
    (Channel::OnlineReview, 0.10),
    (Channel::Email, 0.05),
    (Channel::Phone, 0.05),
];

/// Chinese spellings users type for each channel (all parse with `Channel::from_str`).
pub(crate) fn chinese_names(c: &Channel) -> &'static [&'static str] {
    match c {
        Channel::Phone => &["电话", "热线"],
        Channel::PhoneCallback => &["电话回访", "回访"],
        Channel::Email => &["邮件", "电子邮件"],
        Channel::LiveChat => &["在线客服", "人工客服"],
        Channel::InApp => &["应用内", "App内"],
        Channel::WebForm => &["网页表单", "官网"],
        Channel::SocialMedia => &["微博", "抖音", "小红书"],
        Channel::OnlineReview => &["大众点评", "在线评论"],
        Channel::InStore => &["门店", "线下"],
        Channel::Survey => &["问卷调查", "问卷"],
        Channel::Sms => &["短信"],
        Channel::MessagingApp => &["微信", "小程序"],
        _ => &["其他"],
    }
}

/// A local Asia/Shanghai wall-clock time as a +08:00 timestamp (China has
/// kept UTC+8 without daylight saving since 1991).
pub(crate) fn shanghai(t: NaiveDateTime) -> Result<DateTime<FixedOffset>> {
    let tz = FixedOffset::east_opt(8 * 3600).ok_or_else(|| CxError::option("tz", "bad offset"))?;
    tz.from_local_datetime(&t)
        .single()
        .ok_or_else(|| CxError::invalid("timestamp", None, t, "not a valid local time"))
}

fn clamp_round(x: f64, lo: f64, hi: f64) -> u8 {
    x.round().clamp(lo, hi) as u8
}

struct Draft {
    at: NaiveDateTime,
    fb: Feedback,
    meta: FeedbackMeta,
    pii: Option<usize>,
    near_miss: bool,
}

/// Output of [`feedback`].
pub(crate) struct FeedbackOut {
    pub feedback: Vec<Feedback>,
    pub meta: Vec<FeedbackMeta>,
    pub pii: PlantedPii,
}

/// Generate `n` feedback rows, sorted by time, ids `F000001`….
pub(crate) fn feedback(
    rng: &mut Rng,
    n: usize,
    customers: &[Customer],
    facts: &[CustomerFacts],
    period: Period,
) -> Result<FeedbackOut> {
    let tps = touchpoints();
    let delight = delight_effect(&tps);
    let traffic: Vec<f64> = tps.iter().map(|t| t.traffic).collect();
    let cust_w = Categorical::new(
        &facts
            .iter()
            .map(|f| REGION_FEEDBACK_PROPENSITY[f.region])
            .collect::<Vec<f64>>(),
    );
    // A stable per-customer satisfaction level: segment effect + N(0, 0.4²).
    let cust_level: Vec<f64> = facts
        .iter()
        .map(|f| segment_effect(f.segment) + rng.gauss(0.0, 0.4))
        .collect();
    let ch_w: Vec<f64> = FEEDBACK_CHANNELS.iter().map(|c| c.1).collect();
    let cause_w: Vec<f64> = CAUSES.iter().map(|c| c.2).collect();
    let mut drafts = Vec::with_capacity(n);
    for _ in 0..n {
        let ti = rng.categorical(&traffic);
        let tp: &TouchpointSpec = &tps[ti];
        let ci = if customers.is_empty() || rng.chance(ANONYMOUS_SHARE) {
            None
        } else {
            Some(cust_w.sample(rng))
        };
        let day = period.day(rng.range_i64(0, period.days() - 1));
        let hour = rng.categorical(&HOURS) as u32;
        let at = day
            .and_hms_opt(hour, rng.below(60) as u32, rng.below(60) as u32)
            .ok_or_else(|| CxError::invalid("timestamp", None, day, "bad time"))?;
        let level = ci.and_then(|i| cust_level.get(i)).copied().unwrap_or(0.0);
        let latent = level + effect_of(tp, delight) + rng.normal();
        let nps = clamp_round(NPS_MID + NPS_SCALE * latent, 0.0, 10.0);
        let csat = clamp_round(3.9 + 0.9 * (0.8 * latent + 0.6 * rng.normal()), 1.0, 5.0);
        let ces = clamp_round(5.0 + 1.1 * (0.7 * latent + 0.71 * rng.normal()), 1.0, 7.0);
        let kind_w: [f64; 4] = match nps {
            0..=6 => [0.70, 0.15, 0.0, 0.15],
            7..=8 => [0.10, 0.35, 0.25, 0.30],
            _ => [0.0, 0.15, 0.75, 0.10],
        };
        let kind = FeedbackKind::ALL[rng.categorical(&kind_w)];
        let cause = (kind == FeedbackKind::Complaint).then(|| rng.categorical(&cause_w));
        let english = rng.chance(ENGLISH_SHARE);
        let channel = if rng.chance(0.5) {
            tp.channel.clone()
        } else {
            FEEDBACK_CHANNELS[rng.categorical(&ch_w)].0.clone()
        };
        let channel_label = if rng.chance(CHINESE_CHANNEL_SHARE) {
            let names = chinese_names(&channel);
            names[rng.index(names.len())].to_string()
        } else {
            channel.as_str().to_string()
        };
        let ymd = day.format("%Y%m%d").to_string();
        let t = text::feedback_text(rng, kind, english, tp, cause, &ymd, PII_SHARE);
        let mut fb = Feedback::new(FeedbackId::new("pending")?, channel, shanghai(at)?)
            .with_touchpoint(TouchpointId::new(tp.id)?)
            .with_kind(kind)
            .with_text(t.text)
            .with_language(if english { "en" } else { "zh-CN" });
        if !rng.chance(MISSING[0]) {
            fb = fb.with_nps(nps)?;
        }
        if !rng.chance(MISSING[1]) {
            fb = fb.with_csat(csat)?;
        }
        if !rng.chance(MISSING[2]) {
            fb = fb.with_ces(ces)?;
        }
        if let Some(c) = cause {
            fb = fb.with_tag(CAUSES[c].0);
        }
        if let Some(c) = ci.and_then(|i| customers.get(i)) {
            fb = fb.with_customer(c.id.clone());
        }
        drafts.push(Draft {
            at,
            fb,
            meta: FeedbackMeta {
                weight: None,
                channel_label,
                region: ci.and_then(|i| facts.get(i)).map(|f| f.region),
            },
            pii: t.pii,
            near_miss: t.near_miss,
        });
    }
    // Stable sort keeps generation order among equal timestamps.
    drafts.sort_by_key(|d| d.at);
    post_stratify(&mut drafts, facts);
    let width = n.to_string().len().max(6);
    let mut out = FeedbackOut {
        feedback: Vec::with_capacity(n),
        meta: Vec::with_capacity(n),
        pii: PlantedPii::default(),
    };
    for (i, mut d) in drafts.into_iter().enumerate() {
        d.fb.id = FeedbackId::new(format!("F{:0width$}", i + 1))?;
        if let Some(k) = d.pii {
            out.pii.feedback_ids.push(d.fb.id.to_string());
            out.pii.kinds.push(PII_KINDS[k].to_string());
        }
        if d.near_miss {
            out.pii.near_miss_ids.push(d.fb.id.to_string());
        }
        out.feedback.push(d.fb);
        out.meta.push(d.meta);
    }
    Ok(out)
}

/// Post-stratification by region: weight = (region's share of the customer
/// base) / (region's share of identified feedback rows), rounded to 4 decimals;
/// anonymous rows get no weight.
fn post_stratify(drafts: &mut [Draft], facts: &[CustomerFacts]) {
    let mut pop = [0.0f64; REGIONS.len()];
    for f in facts {
        pop[f.region] += 1.0;
    }
    let mut sample = [0.0f64; REGIONS.len()];
    for d in drafts.iter() {
        if let Some(r) = d.meta.region {
            sample[r] += 1.0;
        }
    }
    let (np, ns): (f64, f64) = (pop.iter().sum(), sample.iter().sum());
    for d in drafts.iter_mut() {
        if let Some(r) = d.meta.region
            && sample[r] > 0.0
        {
            let w = (pop[r] / np) / (sample[r] / ns);
            d.meta.weight = Some((w * 10_000.0).round() / 10_000.0);
        }
    }
}
