//! Property tests of x̄/R and x̄/S charts from merged [`SubgroupMoments`] states: random
//! values (with missing ones), random subgroup keys, rows shuffled so that subgroups span
//! partitions, random split points and a random merge order (with a serialization round
//! trip at every merge). The chart of the merged state must equal `xbar_r` / `xbar_s` on
//! the whole data: statistics, centre, limits, standard errors and σ within 1e-12
//! (relative to max(|a|, |b|, 1)), identical violations, for the primary and the
//! secondary (R or S) chart.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;

use cx_core::scale::{KeyColumn, KeyKind, KeyValue, SubgroupMoments};
use cx_core::spc::{ChartOptions, ControlChart, RuleSet, SigmaMethod, Subgroups, xbar_r, xbar_s};
use proptest::prelude::*;

/// One subgroup: its key and values (the first two are never missing).
type Group = (i64, Vec<Option<f64>>);

fn groups() -> impl Strategy<Value = Vec<Group>> {
    let value = prop_oneof![9 => (-1e3f64..1e3).prop_map(Some), 1 => Just(None)];
    let group = (
        -50i64..50,
        -1e3f64..1e3,
        -1e3f64..1e3,
        prop::collection::vec(value, 0..12),
    )
        .prop_map(|(k, a, b, rest)| {
            let mut v = vec![Some(a), Some(b)];
            v.extend(rest);
            (k, v)
        });
    prop::collection::vec(group, 2..15).prop_map(|gs| {
        let mut seen = BTreeMap::new();
        for (k, v) in gs {
            seen.entry(k).or_insert(v);
        }
        seen.into_iter().collect()
    })
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

fn assert_same(a: &ControlChart, b: &ControlChart) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.len(), b.len());
    for i in 0..a.len() {
        for (x, y, what) in [
            (a.statistics[i], b.statistics[i], "statistic"),
            (a.center.get(i), b.center.get(i), "center"),
            (a.lcl.get(i), b.lcl.get(i), "lcl"),
            (a.ucl.get(i), b.ucl.get(i), "ucl"),
            (a.se.get(i), b.se.get(i), "se"),
        ] {
            prop_assert!(close(x, y), "{} at {}: {} vs {}", what, i, x, y);
        }
    }
    prop_assert_eq!(a.stages.len(), b.stages.len());
    for (s, t) in a.stages.iter().zip(&b.stages) {
        prop_assert!(close(s.center, t.center) && close(s.sigma, t.sigma));
    }
    prop_assert_eq!(&a.sizes, &b.sizes);
    prop_assert_eq!(a.violations(), b.violations());
    prop_assert_eq!(&a.sigma_method, &b.sigma_method);
    match (&a.secondary, &b.secondary) {
        (Some(x), Some(y)) => assert_same(x, y),
        (None, None) => Ok(()),
        _ => Err(TestCaseError::fail("secondary chart differs")),
    }
}

fn method(i: u8) -> SigmaMethod {
    [
        SigmaMethod::Auto,
        SigmaMethod::UwaveR,
        SigmaMethod::UwaveSd,
        SigmaMethod::MvlueR,
        SigmaMethod::MvlueSd,
        SigmaMethod::Rmsdf,
    ][usize::from(i % 6)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn merged_states_draw_the_whole_data_chart(
        gs in groups(),
        seed in any::<u64>(),
        n_cuts in 0usize..6,
        m in 0u8..6,
        phase1 in prop::option::of(2usize..10),
        s_chart in any::<bool>(),
    ) {
        // The whole data, subgroups in key order.
        let mut values = Vec::new();
        let mut sizes = Vec::new();
        let mut rows = Vec::new();
        for (k, v) in &gs {
            sizes.push(v.len());
            for x in v {
                values.push(x.unwrap_or(f64::NAN));
                rows.push((*k, x.unwrap_or(f64::NAN)));
            }
        }
        let phase1 = phase1.map(|p| p.min(gs.len()));
        let mut opts = ChartOptions::new().rules(RuleSet::Nelson).sigma_method(method(m));
        if let Some(p) = phase1 {
            opts = opts.phase1(p);
        }
        let whole = Subgroups::ragged(&values, &sizes).unwrap();
        let want = if s_chart { xbar_s(whole, opts) } else { xbar_r(whole, opts) };

        // Shuffle the rows (Fisher–Yates with a SplitMix64 stream) and cut them.
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        for i in (1..rows.len()).rev() {
            rows.swap(i, (next() % (i as u64 + 1)) as usize);
        }
        let mut cuts: Vec<usize> = (0..n_cuts).map(|_| (next() % (rows.len() as u64 + 1)) as usize).collect();
        cuts.extend([0, rows.len()]);
        cuts.sort_unstable();
        let cols = vec![KeyColumn::new("day", KeyKind::Int64)];
        let mut states = Vec::new();
        for w in cuts.windows(2) {
            let part = &rows[w[0]..w[1]];
            // Per-partition dictionary of keys, as the bindings build it.
            let mut dict: Vec<i64> = part.iter().map(|r| r.0).collect();
            dict.sort_unstable();
            dict.dedup();
            let codes: Vec<u32> = part.iter().map(|r| dict.binary_search(&r.0).unwrap() as u32).collect();
            let keys: Vec<Vec<KeyValue>> = dict.iter().map(|&k| vec![KeyValue::Int(k)]).collect();
            let vals: Vec<f64> = part.iter().map(|r| r.1).collect();
            let mut s = SubgroupMoments::new(cols.clone());
            s.update("value", &vals, &codes, &keys).unwrap();
            states.push(s.to_bytes());
        }
        // Random merge order: merge two random states until one is left.
        while states.len() > 1 {
            let i = (next() % states.len() as u64) as usize;
            let a = states.swap_remove(i);
            let j = (next() % states.len() as u64) as usize;
            let mut b = SubgroupMoments::from_bytes(&states[j]).unwrap();
            b.merge(&SubgroupMoments::from_bytes(&a).unwrap()).unwrap();
            states[j] = b.to_bytes();
        }
        let merged = SubgroupMoments::from_bytes(&states[0]).unwrap();
        let got = if s_chart { merged.xbar_s(opts) } else { merged.xbar_r(opts) };
        match (want, got) {
            (Ok(w), Ok(g)) => assert_same(&g, &w)?,
            (Err(w), Err(g)) => prop_assert_eq!(
                std::mem::discriminant(&w), std::mem::discriminant(&g)
            ),
            (w, g) => prop_assert!(false, "whole {:?} vs merged {:?}", w.err(), g.err()),
        }
    }
}
