//! Customers (with fake contact data and consent) and their transactions.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::company::{REGIONS, SEGMENT_AT_RISK, SEGMENT_NEW, SEGMENT_REGULAR, SEGMENT_VIP};
use super::people;
use super::rng::Rng;
use crate::Result;
use crate::model::{Consent, Customer, CustomerId};

/// One order in `transactions.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Transaction {
    /// The buyer.
    pub customer: CustomerId,
    /// Order number, `YG` + date + a 5-digit sequence within the day.
    pub order_id: String,
    /// Order date (Asia/Shanghai calendar day).
    pub date: NaiveDate,
    /// Amount in fen (CNY cents); written as yuan with two decimals.
    pub amount_fen: i64,
}

/// Per-customer facts the other generators need (not written out).
pub(crate) struct CustomerFacts {
    pub region: usize,
    pub segment: &'static str,
    pub signup: NaiveDate,
    /// Last day the customer buys (exclusive) when churned.
    pub churned_at: Option<NaiveDate>,
}

/// Window of the sample: first day and the day after the last.
#[derive(Clone, Copy)]
pub(crate) struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub(crate) fn days(self) -> i64 {
        (self.end - self.start).num_days().max(1)
    }
    pub(crate) fn day(self, offset: i64) -> NaiveDate {
        let d = Days::new(offset.max(0) as u64);
        self.start.checked_add_days(d).unwrap_or(self.start)
    }
}

/// Share of established customers who churn (planted), VIP share, new-customer window.
pub(crate) const CHURN_SHARE: f64 = 0.15;
pub(crate) const VIP_SHARE: f64 = 0.12;
pub(crate) const NEW_WINDOW_DAYS: i64 = 90;
/// Churned customers stop buying on a day uniform in the first 60% of the period.
pub(crate) const CHURN_BY_FRACTION: f64 = 0.6;

/// Generate customers: id `C00001`…, region, segment, signup date, consent and
/// fake contact data.
pub(crate) fn customers(
    rng: &mut Rng,
    n: usize,
    period: Period,
) -> Result<(Vec<Customer>, Vec<CustomerFacts>)> {
    let region_w: Vec<f64> = REGIONS.iter().map(|r| r.1).collect();
    let days = period.days();
    let mut out = Vec::with_capacity(n);
    let mut facts = Vec::with_capacity(n);
    for i in 0..n {
        let region = rng.categorical(&region_w);
        let signup = if rng.chance(0.7) {
            let back = rng.range_i64(1, 3 * 365);
            period
                .start
                .checked_sub_days(Days::new(back as u64))
                .unwrap_or(period.start)
        } else {
            period.day(rng.range_i64(0, days - 1))
        };
        let since_signup_to_end = (period.end - signup).num_days();
        let early = (signup - period.start).num_days() < days * 4 / 10;
        let (segment, churned_at) = if since_signup_to_end <= NEW_WINDOW_DAYS {
            (SEGMENT_NEW, None)
        } else if early && rng.chance(CHURN_SHARE) {
            let last = (days as f64 * CHURN_BY_FRACTION) as i64;
            let lo = (signup - period.start).num_days().max(0) + 1;
            (
                SEGMENT_AT_RISK,
                Some(period.day(rng.range_i64(lo, last.max(lo)))),
            )
        } else if rng.chance(VIP_SHARE) {
            (SEGMENT_VIP, None)
        } else {
            (SEGMENT_REGULAR, None)
        };
        let name = people::name(rng);
        let consent = Consent::none()
            .survey_contact(rng.chance(0.8))
            .follow_up_calls(rng.chance(0.6))
            .analytics(rng.chance(0.9));
        let mut c = Customer::new(CustomerId::new(format!("C{:05}", i + 1))?)
            .with_segment(segment)
            .with_attribute("region", REGIONS[region].0)
            .with_attribute("signup_date", signup.format("%Y-%m-%d").to_string())
            .with_consent(consent)
            .with_phone(people::mobile(rng));
        if rng.chance(0.85) {
            c = c.with_email(people::email(rng, &name.pinyin));
        }
        out.push(c.with_name(name.zh));
        facts.push(CustomerFacts {
            region,
            segment,
            signup,
            churned_at,
        });
    }
    Ok((out, facts))
}

/// Generate orders with RFM structure: each customer buys at a monthly rate
/// drawn log-normal (median 0.5, σ = 0.8; ×2.5 for VIP), so frequency is
/// heavy-tailed; amounts are log-normal (median ¥120, σ = 0.9) times a
/// per-customer spend level (log-normal, σ = 0.4; ×1.6 for VIP). Churned
/// customers buy nothing after their churn day; new customers usually order
/// on their signup day.
pub(crate) fn transactions(
    rng: &mut Rng,
    customers: &[Customer],
    facts: &[CustomerFacts],
    period: Period,
) -> Result<Vec<Transaction>> {
    let mut raw: Vec<(NaiveDate, usize, i64)> = Vec::new();
    for (ci, f) in facts.iter().enumerate() {
        let vip = f.segment == SEGMENT_VIP;
        let rate = rng.lognormal(0.5, 0.8) * if vip { 2.5 } else { 1.0 };
        let level = rng.lognormal(1.0, 0.4) * if vip { 1.6 } else { 1.0 };
        let from = if f.signup > period.start {
            f.signup
        } else {
            period.start
        };
        let to = f.churned_at.unwrap_or(period.end);
        let span = (to - from).num_days();
        if span <= 0 {
            continue;
        }
        let mut n = rng.poisson(rate * span as f64 / 30.4);
        if f.segment == SEGMENT_NEW && rng.chance(0.8) {
            let amount = (rng.lognormal(120.0, 0.9) * level * 100.0).round() as i64;
            raw.push((from, ci, amount.max(100)));
            n = n.saturating_sub(1);
        }
        let off0 = (from - period.start).num_days();
        for _ in 0..n {
            let day = period.day(off0 + rng.range_i64(0, span - 1));
            let amount = (rng.lognormal(120.0, 0.9) * level * 100.0).round() as i64;
            raw.push((day, ci, amount.max(100)));
        }
    }
    raw.sort();
    let mut out = Vec::with_capacity(raw.len());
    let mut seq = 0u32;
    let mut prev: Option<NaiveDate> = None;
    for (date, ci, amount) in raw {
        seq = if prev == Some(date) { seq + 1 } else { 1 };
        prev = Some(date);
        let Some(c) = customers.get(ci) else { continue };
        out.push(Transaction {
            customer: c.id.clone(),
            order_id: format!(
                "YG{:04}{:02}{:02}{seq:05}",
                date.year(),
                date.month(),
                date.day()
            ),
            date,
            amount_fen: amount,
        });
    }
    Ok(out)
}
