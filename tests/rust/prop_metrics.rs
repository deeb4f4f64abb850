//! Property tests of the satisfaction metrics: range, permutation invariance and
//! merge invariants of the tallies.
#![allow(clippy::unwrap_used, missing_docs)]

use cx_core::metrics::group::nps_by_group;
use cx_core::metrics::tally::{MeanTally, NpsTally, ProportionTally};
use cx_core::metrics::{NpsInterval, NpsOptions, nps, nps_u8, weighted_nps};
use proptest::prelude::*;

fn rel_close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}

fn methods() -> impl Strategy<Value = NpsInterval> {
    prop_oneof![
        Just(NpsInterval::Wald),
        Just(NpsInterval::AdjustedWald),
        (2u32..50, any::<u64>())
            .prop_map(|(resamples, seed)| NpsInterval::Bootstrap { resamples, seed }),
    ]
}

proptest! {
    #[test]
    fn nps_and_bounds_stay_in_range(scores in prop::collection::vec(0u8..=10, 1..300), m in methods(), level in 0.5f64..0.999) {
        let s = nps_u8(&scores, NpsOptions::new().interval(m).level(level)).unwrap();
        prop_assert!((-100.0..=100.0).contains(&s.score));
        prop_assert!(s.ci_low >= -100.0 && s.ci_high <= 100.0 && s.ci_low <= s.ci_high);
        prop_assert!(s.standard_error >= 0.0);
        prop_assert_eq!(s.n, scores.len() as u64);
    }

    #[test]
    fn nps_is_permutation_invariant(scores in prop::collection::vec(0u8..=10, 1..300), k in 0usize..300) {
        let f: Vec<f64> = scores.iter().map(|&s| f64::from(s)).collect();
        let mut g = f.clone();
        g.reverse();
        let k = k % g.len();
        g.rotate_left(k);
        let a = nps(&f, NpsOptions::new()).unwrap();
        let b = nps(&g, NpsOptions::new()).unwrap();
        prop_assert_eq!(a.clone(), b);
        prop_assert_eq!(a, nps_u8(&scores, NpsOptions::new()).unwrap());
    }

    #[test]
    fn nps_tally_merge_equals_one_pass(
        scores in prop::collection::vec(0u8..=10, 0..400),
        weights in prop::collection::vec(0.0f64..5.0, 400),
        cuts in prop::collection::vec(0usize..400, 0..6),
    ) {
        let f: Vec<f64> = scores.iter().map(|&s| f64::from(s)).collect();
        let w = &weights[..f.len()];
        let mut one = NpsTally::new();
        one.update_weighted(&f, w).unwrap();
        let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (f.len() + 1)).collect();
        bounds.push(0);
        bounds.push(f.len());
        bounds.sort_unstable();
        let parts: Vec<NpsTally> = bounds.windows(2).map(|b| {
            let mut t = NpsTally::new();
            t.update_weighted(&f[b[0]..b[1]], &w[b[0]..b[1]]).unwrap();
            t
        }).collect();
        let mut fwd = NpsTally::new();
        parts.iter().for_each(|p| fwd.merge(p));
        let mut rev = NpsTally::new();
        parts.iter().rev().for_each(|p| rev.merge(p));
        for t in [&fwd, &rev] {
            prop_assert_eq!(t.counts(), one.counts());
            let (a, b) = (t.weight_sums(), one.weight_sums());
            for i in 0..3 {
                prop_assert!(rel_close(a.w[i], b.w[i], 1e-12));
                prop_assert!(rel_close(a.w2[i], b.w2[i], 1e-12));
            }
            prop_assert_eq!(NpsTally::from_bytes(&t.to_bytes()).unwrap(), t.clone());
        }
        if one.weight_sums().w.iter().sum::<f64>() > 0.0 && one.counts().n() > 1 {
            let direct = weighted_nps(&f, w, NpsOptions::new()).unwrap();
            let merged = fwd.finish_weighted(NpsOptions::new()).unwrap();
            prop_assert!(rel_close(direct.score, merged.score, 1e-9) || (direct.score - merged.score).abs() < 1e-9);
            prop_assert!(rel_close(direct.standard_error, merged.standard_error, 1e-9));
        }
    }

    #[test]
    fn mean_tally_merge_equals_one_pass(
        values in prop::collection::vec(-1e3f64..1e3, 0..300),
        cut1 in 0usize..300, cut2 in 0usize..300,
    ) {
        let n = values.len();
        let (mut c1, mut c2) = (cut1 % (n + 1), cut2 % (n + 1));
        if c1 > c2 { std::mem::swap(&mut c1, &mut c2); }
        let one = MeanTally::from_values("x", &values).unwrap();
        let parts = [&values[..c1], &values[c1..c2], &values[c2..]];
        let mut fwd = MeanTally::new();
        for p in parts { fwd.update(p).unwrap(); }
        let mut rev = MeanTally::new();
        for p in parts.iter().rev() { rev.merge(&MeanTally::from_values("x", p).unwrap()); }
        for t in [fwd, rev] {
            prop_assert_eq!(t.n(), one.n());
            let scale: f64 = values.iter().map(|v| v.abs()).fold(1.0, f64::max);
            prop_assert!((t.mean() - one.mean()).abs() <= 1e-12 * scale);
            prop_assert!((t.m2() - one.m2()).abs() <= 1e-12 * one.m2().max(scale * scale));
            prop_assert_eq!(MeanTally::from_bytes(&t.to_bytes()).unwrap(), t);
        }
    }

    #[test]
    fn proportion_tally_merge_is_exact(a in prop::collection::vec(0u8..=1, 0..200), cut in 0usize..200) {
        let f: Vec<f64> = a.iter().map(|&v| f64::from(v)).collect();
        let cut = cut % (f.len() + 1);
        let mut one = ProportionTally::new();
        one.update(&f).unwrap();
        let (mut x, mut y) = (ProportionTally::new(), ProportionTally::new());
        x.update(&f[..cut]).unwrap();
        y.update(&f[cut..]).unwrap();
        y.merge(&x);
        prop_assert_eq!(y, one);
    }

    #[test]
    fn grouped_tallies_merge_and_match_flat(
        rows in prop::collection::vec((0u8..=10, 0u32..7), 0..400),
        cut in 0usize..400,
    ) {
        let scores: Vec<u8> = rows.iter().map(|r| r.0).collect();
        let codes: Vec<u32> = rows.iter().map(|r| r.1).collect();
        let cut = cut % (rows.len() + 1);
        let whole = nps_by_group(&scores, &codes, 7, None).unwrap();
        let mut a = nps_by_group(&scores[..cut], &codes[..cut], 7, None).unwrap();
        let b = nps_by_group(&scores[cut..], &codes[cut..], 7, None).unwrap();
        a.merge(&b);
        prop_assert_eq!(&a, &whole);
        let mut flat = NpsTally::new();
        whole.groups().iter().for_each(|g| flat.merge(g));
        let mut direct = NpsTally::new();
        direct.update_u8(&scores).unwrap();
        prop_assert_eq!(flat.counts(), direct.counts());
    }
}
