//! Property tests of the scale-out states: for random rows, random split points and a
//! random merge tree (with a serialization round trip at every node), the merged state
//! equals the state of one pass over all rows, equals a naive count per key, and
//! finishes into the same NPS / CSAT summaries.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;

use cx_core::metrics::{CsatOptions, CsatScale};
use cx_core::scale::{
    KeyColumn, KeyKind, KeyValue, KeyedCounts, ScoreMetric, score_counts, score_counts_from_counts,
};
use proptest::prelude::*;

/// (store, region) keys with nulls, scores 0–10 or missing.
type Row = (Option<i64>, Option<u8>, u8);

fn rows() -> impl Strategy<Value = Vec<Row>> {
    let score = prop_oneof![9 => 0u8..=10, 1 => Just(255u8)];
    prop::collection::vec(
        (
            prop::option::weighted(0.9, -3i64..6),
            prop::option::weighted(0.9, 0u8..4),
            score,
        ),
        0..400,
    )
}

fn columns() -> Vec<KeyColumn> {
    vec![
        KeyColumn::new("store", KeyKind::Int64),
        KeyColumn::new("region", KeyKind::Utf8),
    ]
}

fn key(r: &Row) -> Vec<KeyValue> {
    vec![
        r.0.map_or(KeyValue::Null, KeyValue::Int),
        r.1.map_or(KeyValue::Null, |c| KeyValue::Str(format!("r{c}"))),
    ]
}

/// One partition's state, built the way a binding does: dictionary of keys, codes, kernel.
fn state(rows: &[Row], metric: ScoreMetric) -> KeyedCounts {
    let mut dict: Vec<Vec<KeyValue>> = Vec::new();
    let mut index = BTreeMap::new();
    let codes: Vec<u32> = rows
        .iter()
        .map(|r| {
            *index.entry(key(r)).or_insert_with(|| {
                dict.push(key(r));
                (dict.len() - 1) as u32
            })
        })
        .collect();
    let scores: Vec<u8> = rows.iter().map(|r| r.2).collect();
    let mut s = KeyedCounts::new("p", columns(), metric.width()).unwrap();
    score_counts(&mut s, &scores, &codes, &dict, metric).unwrap();
    s
}

/// Merge `states` in a random binary tree: `picks` chooses which neighbours merge next.
fn tree_merge(mut states: Vec<KeyedCounts>, picks: &[usize]) -> KeyedCounts {
    let mut p = picks.iter().cycle();
    while states.len() > 1 {
        let i = p.next().copied().unwrap_or(0) % (states.len() - 1);
        let right = states.remove(i + 1);
        // Right into left or left into right: the result must not depend on it.
        let (mut a, b) = if i.is_multiple_of(2) {
            (states[i].clone(), right)
        } else {
            (right, states[i].clone())
        };
        a.merge(&KeyedCounts::from_bytes(&b.to_bytes()).unwrap())
            .unwrap();
        states[i] = KeyedCounts::from_bytes(&a.to_bytes()).unwrap();
    }
    states.pop().unwrap()
}

fn split(rows: &[Row], cuts: &[usize]) -> Vec<Vec<Row>> {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c % (rows.len() + 1)).collect();
    cuts.sort_unstable();
    let mut parts = Vec::new();
    let mut start = 0;
    for c in cuts.into_iter().chain([rows.len()]) {
        parts.push(rows[start..c].to_vec());
        start = c;
    }
    parts
}

proptest! {
    #[test]
    fn any_partitioning_and_merge_tree_gives_the_one_pass_state(
        rows in rows(),
        cuts in prop::collection::vec(0usize..1000, 0..8),
        picks in prop::collection::vec(0usize..64, 1..16),
    ) {
        for metric in [
            ScoreMetric::Nps,
            ScoreMetric::Csat(CsatOptions::new().scale(CsatScale::ZeroToTen)),
        ] {
            let whole = state(&rows, metric);
            let parts: Vec<_> = split(&rows, &cuts).iter().map(|p| state(p, metric)).collect();
            let merged = tree_merge(parts, &picks);
            prop_assert_eq!(&merged, &whole);
            // Naive counts per key.
            let mut naive: BTreeMap<Vec<KeyValue>, Vec<u64>> = BTreeMap::new();
            for r in &rows {
                let c = naive.entry(key(r)).or_insert_with(|| vec![0; metric.width()]);
                let bucket = match (metric, r.2) {
                    (_, 255) => metric.width() - 1,
                    (ScoreMetric::Nps, 0..=6) => 0,
                    (ScoreMetric::Nps, 7..=8) => 1,
                    (ScoreMetric::Nps, _) => 2,
                    (_, s) => usize::from(s),
                };
                c[bucket] += 1;
            }
            let got: BTreeMap<_, _> = merged.cells().map(|(k, c)| (k.to_vec(), c.to_vec())).collect();
            prop_assert_eq!(got, naive);
            // Finished summaries are identical (bit for bit).
            match metric {
                ScoreMetric::Nps => {
                    let a: Vec<_> = merged.nps_tallies().unwrap().iter().map(|t| t.finish(Default::default()).ok()).collect();
                    let b: Vec<_> = whole.nps_tallies().unwrap().iter().map(|t| t.finish(Default::default()).ok()).collect();
                    prop_assert_eq!(a, b);
                }
                ScoreMetric::Csat(o) => {
                    let a = merged.score_tally().unwrap().finish_csat(o).unwrap();
                    let b = whole.score_tally().unwrap().finish_csat(o).unwrap();
                    // NaN fields (sd of one answer) compare through their text.
                    prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
                }
                _ => {}
            }
        }
    }

    #[test]
    fn engine_counts_give_the_row_state(rows in rows(), cuts in prop::collection::vec(0usize..1000, 0..5)) {
        // An engine's GROUP BY key, score → count, split into arbitrary chunks.
        let mut grouped: BTreeMap<(Vec<KeyValue>, u8), u64> = BTreeMap::new();
        for r in &rows {
            *grouped.entry((key(r), r.2)).or_default() += 1;
        }
        let flat: Vec<_> = grouped.into_iter().collect();
        let mut merged = KeyedCounts::new("p", columns(), 4).unwrap();
        let mut start = 0;
        let mut cuts: Vec<usize> = cuts.iter().map(|&c| c % (flat.len() + 1)).collect();
        cuts.sort_unstable();
        for c in cuts.into_iter().chain([flat.len()]) {
            let chunk = &flat[start..c];
            start = c;
            let dict: Vec<Vec<KeyValue>> = chunk.iter().map(|((k, _), _)| k.clone()).collect();
            let codes: Vec<u32> = (0..chunk.len() as u32).collect();
            let scores: Vec<u8> = chunk.iter().map(|((_, s), _)| *s).collect();
            let counts: Vec<u64> = chunk.iter().map(|(_, n)| *n).collect();
            let mut s = KeyedCounts::new("p", columns(), 4).unwrap();
            score_counts_from_counts(&mut s, &scores, &codes, &counts, &dict, ScoreMetric::Nps).unwrap();
            merged.merge(&s).unwrap();
        }
        prop_assert_eq!(merged, state(&rows, ScoreMetric::Nps));
    }
}
