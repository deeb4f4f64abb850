//! Relationship survey: attribute ratings that drive NPS with known weights,
//! and Kano answer pairs drawn from a known category per feature.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::company::{
    ATTR_CENTER, ATTR_LOADING, ATTR_SD, ATTRIBUTES, KANO_FEATURES, KANO_MIX, KanoCat,
    NPS_INTERCEPT, NPS_NOISE_SD,
};
use super::customers::Period;
use super::feedback::shanghai;
use super::rng::Rng;
use crate::model::{Customer, CustomerId, KanoAnswer, ResponseId};
use crate::{CxError, Result};

/// One Kano answer pair about one feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KanoPair {
    /// "How do you feel if the feature is present?"
    pub functional: KanoAnswer,
    /// "How do you feel if it is absent?"
    pub dysfunctional: KanoAnswer,
}

/// One row of `survey.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SurveyRow {
    /// Response identifier (`R00001`…).
    pub response_id: ResponseId,
    /// Respondent (always a customer who consented to surveys).
    pub customer: CustomerId,
    /// When the survey was answered.
    pub timestamp: DateTime<FixedOffset>,
    /// Likelihood to recommend, 0–10.
    pub nps: u8,
    /// Attribute satisfaction ratings 1–10, in the order of
    /// [`SURVEY_ATTRIBUTES`](super::SURVEY_ATTRIBUTES).
    pub attributes: Vec<u8>,
    /// Kano pairs, in the order of [`KANO_FEATURES`](super::KANO_FEATURES).
    pub kano: Vec<KanoPair>,
    /// Whether this respondent's Kano answers are written in Chinese labels.
    pub kano_in_chinese: bool,
}

/// The Kano answer options in table order.
pub(crate) const KANO_ORDER: [KanoAnswer; 5] = [
    KanoAnswer::Like,
    KanoAnswer::MustBe,
    KanoAnswer::Neutral,
    KanoAnswer::LiveWith,
    KanoAnswer::Dislike,
];

/// English and Chinese label of a Kano answer.
pub(crate) fn kano_label(a: KanoAnswer, chinese: bool) -> &'static str {
    match (a, chinese) {
        (KanoAnswer::Like, false) => "like",
        (KanoAnswer::MustBe, false) => "must-be",
        (KanoAnswer::Neutral, false) => "neutral",
        (KanoAnswer::LiveWith, false) => "live-with",
        (KanoAnswer::Dislike, false) => "dislike",
        (KanoAnswer::Like, true) => "喜欢",
        (KanoAnswer::MustBe, true) => "理所当然",
        (KanoAnswer::Neutral, true) => "无所谓",
        (KanoAnswer::LiveWith, true) => "能忍受",
        (KanoAnswer::Dislike, true) => "不喜欢",
    }
}

/// Kano evaluation table (Berger et al. 1993): category letter of a
/// (functional, dysfunctional) cell, indices into [`KANO_ORDER`]:
/// A, O, M, I, R (reverse) or Q (questionable).
pub(crate) fn kano_cell(f: usize, d: usize) -> char {
    match (f, d) {
        (0, 0) | (4, 4) => 'Q',
        (0, 4) => 'O',
        (0, _) => 'A',
        (4, _) | (_, 0) => 'R',
        (_, 4) => 'M',
        _ => 'I',
    }
}

fn cells_of(cat: KanoCat) -> Vec<(usize, usize)> {
    let letter = match cat {
        KanoCat::MustBe => 'M',
        KanoCat::OneDimensional => 'O',
        KanoCat::Attractive => 'A',
        KanoCat::Indifferent => 'I',
    };
    (0..5)
        .flat_map(|f| (0..5).map(move |d| (f, d)))
        .filter(|&(f, d)| kano_cell(f, d) == letter)
        .collect()
}

fn kano_pair(rng: &mut Rng, truth: KanoCat, secondary: KanoCat) -> KanoPair {
    let (f, d) = match rng.categorical(&KANO_MIX) {
        0 => *rng.pick(&cells_of(truth)).unwrap_or(&(0, 4)),
        1 => *rng.pick(&cells_of(secondary)).unwrap_or(&(0, 4)),
        _ => (rng.index(5), rng.index(5)),
    };
    KanoPair {
        functional: KANO_ORDER[f],
        dysfunctional: KANO_ORDER[d],
    }
}

/// Generate `n` survey responses (ids `R00001`…, sorted by time).
///
/// Attributes: `xⱼ = round(7 + 1.7·(ℓ·g + √(1−ℓ²)·eⱼ))` clamped to 1–10, with a
/// common factor `g` and `ℓ = 0.6` (latent inter-attribute correlation 0.36).
/// NPS: `round(7.6 + Σ βⱼ (xⱼ − 7) + N(0, 1.1²))` clamped to 0–10.
pub(crate) fn survey(
    rng: &mut Rng,
    n: usize,
    customers: &[Customer],
    period: Period,
) -> Result<Vec<SurveyRow>> {
    let pool: Vec<&Customer> = customers
        .iter()
        .filter(|c| c.consent.survey_contact)
        .collect();
    let pool: Vec<&Customer> = if pool.is_empty() {
        customers.iter().collect()
    } else {
        pool
    };
    if pool.is_empty() && n > 0 {
        return Err(CxError::option(
            "n_customers",
            "a survey needs at least one customer",
        ));
    }
    let unique = (1.0 - ATTR_LOADING * ATTR_LOADING).sqrt();
    let mut rows = Vec::with_capacity(n);
    for _ in 0..n {
        let c = pool[rng.index(pool.len())];
        let day = period.day(rng.range_i64(0, period.days() - 1));
        let at = day
            .and_hms_opt(
                9 + rng.below(13) as u32,
                rng.below(60) as u32,
                rng.below(60) as u32,
            )
            .ok_or_else(|| CxError::invalid("timestamp", None, day, "bad time"))?;
        let g = rng.normal();
        let mut attrs = Vec::with_capacity(ATTRIBUTES.len());
        let mut nps = NPS_INTERCEPT;
        for (_, _, beta) in ATTRIBUTES {
            let a = ATTR_LOADING * g + unique * rng.normal();
            let x = (ATTR_CENTER + ATTR_SD * a).round().clamp(1.0, 10.0);
            nps += beta * (x - ATTR_CENTER);
            attrs.push(x as u8);
        }
        nps += rng.gauss(0.0, NPS_NOISE_SD);
        let chinese = rng.chance(0.15);
        let kano = KANO_FEATURES
            .iter()
            .map(|(_, _, t, s)| kano_pair(rng, *t, *s))
            .collect();
        rows.push((
            at,
            SurveyRow {
                response_id: ResponseId::new("pending")?,
                customer: c.id.clone(),
                timestamp: shanghai(at)?,
                nps: nps.round().clamp(0.0, 10.0) as u8,
                attributes: attrs,
                kano,
                kano_in_chinese: chinese,
            },
        ));
    }
    rows.sort_by_key(|r| r.0);
    let width = n.to_string().len().max(5);
    rows.into_iter()
        .enumerate()
        .map(|(i, (_, mut r))| {
            r.response_id = ResponseId::new(format!("R{:0width$}", i + 1))?;
            Ok(r)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_the_published_shape() {
        let count = |l: char| {
            (0..5)
                .flat_map(|f| (0..5).map(move |d| (f, d)))
                .filter(|&(f, d)| kano_cell(f, d) == l)
                .count()
        };
        assert_eq!(
            [
                count('A'),
                count('O'),
                count('M'),
                count('I'),
                count('R'),
                count('Q')
            ],
            [3, 1, 3, 9, 7, 2]
        );
        assert_eq!(kano_cell(1, 4), 'M');
        assert_eq!(kano_cell(0, 2), 'A');
    }

    #[test]
    fn labels_parse_back() {
        for a in KANO_ORDER {
            for zh in [false, true] {
                assert_eq!(kano_label(a, zh).parse::<KanoAnswer>().ok(), Some(a));
            }
        }
    }
}
