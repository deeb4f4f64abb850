//! Property tests of the grouped kernels: the histogram kernel equals a naive per-group
//! count on any input (also across the parallel split), grouped score tallies merge
//! exactly, and key encoding round-trips.
#![allow(clippy::unwrap_used, missing_docs)]

use cx_core::metrics::group::nps_by_group;
use cx_core::metrics::grouped::{
    GroupedScoreTally, combine_key_codes, csat_by_group, encode_key_column,
};
use cx_core::metrics::{CsatOptions, CsatScale};
use proptest::prelude::*;

fn rows(max_len: usize) -> impl Strategy<Value = (Vec<u8>, Vec<u32>, usize)> {
    (1usize..40).prop_flat_map(move |g| {
        let score = prop_oneof![9 => 0u8..=10, 1 => Just(255u8)];
        (
            prop::collection::vec((score, 0..g as u32), 0..max_len),
            Just(g),
        )
            .prop_map(|(v, g)| {
                let (s, c) = v.into_iter().unzip();
                (s, c, g)
            })
    })
}

proptest! {
    #[test]
    fn grouped_nps_equals_naive_counts((scores, codes, g) in rows(2000)) {
        let t = nps_by_group(&scores, &codes, g, None).unwrap();
        let mut naive = vec![[0u64; 4]; g];
        for (&s, &c) in scores.iter().zip(&codes) {
            let k = match s { 0..=6 => 0, 7..=8 => 1, 9..=10 => 2, _ => 3 };
            naive[c as usize][k] += 1;
        }
        for (k, tally) in t.groups().iter().enumerate() {
            let c = tally.counts();
            prop_assert_eq!([c.detractors, c.passives, c.promoters, tally.n_missing()], naive[k]);
        }
    }

    #[test]
    fn score_tallies_merge_exactly((scores, codes, g) in rows(500), cut in 0usize..500) {
        let cut = cut.min(scores.len());
        let whole = GroupedScoreTally::from_u8(&scores, &codes, g).unwrap();
        let mut a = GroupedScoreTally::from_u8(&scores[..cut], &codes[..cut], g).unwrap();
        let b = GroupedScoreTally::from_u8(&scores[cut..], &codes[cut..], g).unwrap();
        a.merge(&b);
        prop_assert_eq!(&a, &whole);
        prop_assert_eq!(GroupedScoreTally::from_bytes(&whole.to_bytes()).unwrap(), whole);
        let (_, cs) = csat_by_group(&scores, &codes, g, CsatOptions::new().scale(CsatScale::ZeroToTen)).unwrap();
        for s in cs.iter().flatten() {
            prop_assert!((0.0..=100.0).contains(&s.score) && s.ci_low <= s.ci_high);
        }
    }

    #[test]
    fn keys_round_trip(keys in prop::collection::vec(prop::option::of(-5i64..5), 0..300),
                       other in prop::collection::vec(0u32..4, 300)) {
        let enc = encode_key_column(keys.iter().copied()).unwrap();
        for (k, &c) in keys.iter().zip(&enc.codes) {
            prop_assert_eq!(enc.dictionary[c as usize], *k);
        }
        let mut sorted = enc.dictionary.clone();
        sorted.sort_by_key(|k| (k.is_none(), *k));
        prop_assert_eq!(&sorted, &enc.dictionary);
        let other = &other[..enc.codes.len()];
        let (codes, comps) = combine_key_codes(&[&enc.codes, other], &[enc.dictionary.len() as u32, 4]).unwrap();
        for ((&c, &a), &b) in codes.iter().zip(&enc.codes).zip(other) {
            prop_assert_eq!(&comps[c as usize], &vec![a, b]);
        }
        prop_assert!(comps.windows(2).all(|w| w[0] < w[1]));
    }
}

/// The flat `u8` kernel (three lane counters, split across threads for large inputs)
/// equals a naive count, with missing values, and names the first invalid row.
#[test]
fn flat_u8_counts_match_naive_counts_at_any_size() {
    use cx_core::metrics::nps::count_u8;
    for n in [0usize, 1, 31, 8161, (1 << 21) + 12_345] {
        let scores: Vec<u8> = (0..n)
            .map(|i| {
                let v = ((i * 2_654_435_761) >> 7) % 12;
                if v == 11 { 255 } else { v as u8 }
            })
            .collect();
        let (c, m) = count_u8(&scores).unwrap();
        let naive =
            |lo: u8, hi: u8| scores.iter().filter(|&&s| (lo..=hi).contains(&s)).count() as u64;
        assert_eq!(
            (c.promoters, c.passives, c.detractors, m),
            (naive(9, 10), naive(7, 8), naive(0, 6), naive(255, 255)),
            "n = {n}"
        );
        if n > 100 {
            let mut bad = scores.clone();
            bad[n - 7] = 11;
            bad[n - 3] = 200;
            assert_eq!(count_u8(&bad).unwrap_err().row(), Some(n - 7));
        }
    }
}
