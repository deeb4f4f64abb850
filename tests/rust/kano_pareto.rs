//! Kano classification and Pareto of causes: hand-worked examples, R qcc vectors and
//! proptest invariants (merge of any split = whole; Better/Worse bounds; cumulative
//! shares monotone and ending at 1).
#![allow(clippy::unwrap_used, missing_docs)]

use cx_core::kano::{KanoAnswer as K, KanoCategory as C, KanoOptions, KanoTally, evaluate};
use cx_core::pareto::{DEFAULT_SEPARATORS, ParetoOptions, ParetoTally, TieOrder};
use proptest::prelude::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// Answer pairs producing each category, per the Berger et al. (1993) table.
fn pair(c: C) -> (K, K) {
    match c {
        C::Attractive => (K::Like, K::Neutral),
        C::OneDimensional => (K::Like, K::Dislike),
        C::MustBe => (K::MustBe, K::Dislike),
        C::Indifferent => (K::Neutral, K::Neutral),
        C::Reverse => (K::Dislike, K::Like),
        _ => (K::Like, K::Like),
    }
}

fn tally_of(counts: &[(C, usize)]) -> KanoTally {
    let mut cats = Vec::new();
    for &(c, k) in counts {
        let (f, d) = pair(c);
        cats.extend(std::iter::repeat_n(Some(evaluate(f, d)), k));
    }
    let mut t = KanoTally::new();
    t.update("x", &cats);
    t
}

#[test]
fn kano_hand_worked_not_significant() {
    // A = 6, O = 5, M = 4, I = 3, R = 1, Q = 1; n = 20, A + O + M + I = 18.
    let t = tally_of(&[
        (C::Attractive, 6),
        (C::OneDimensional, 5),
        (C::MustBe, 4),
        (C::Indifferent, 3),
        (C::Reverse, 1),
        (C::Questionable, 1),
    ]);
    let s = t.finish(KanoOptions::default()).unwrap();
    let a = &s.attributes[0];
    assert_eq!(a.n, 20);
    assert_eq!(a.category, Some(C::Attractive));
    assert_eq!(a.second_category, Some(C::OneDimensional));
    // Better = (6 + 5) / 18 = 0.6111…; Worse = −(5 + 4) / 18 = −0.5.
    assert!(close(a.better.unwrap(), 11.0 / 18.0));
    assert!(close(a.worse.unwrap(), -0.5));
    // Total strength = (6 + 5 + 4) / 20 = 0.75; category strength = (6 − 5) / 20 = 0.05.
    assert!(close(a.total_strength.unwrap(), 0.75));
    assert!(close(a.category_strength.unwrap(), 0.05));
    // Fong: |6 − 5| = 1 < 1.65·√((6 + 5)(40 − 11)/40) = 1.65·√7.975 = 4.659607…
    let f = a.fong.unwrap();
    assert!(close(f.statistic, 1.0));
    assert!((f.threshold - 4.659_607).abs() < 1e-6);
    assert!(!f.significant);
    // Q share 1/20 = 0.05 is not above 0.05; R share 0.05 is not above 0.10.
    assert!(a.warnings.is_empty());
}

#[test]
fn kano_hand_worked_significant_with_warnings() {
    // M = 30, O = 5, A = 3, I = 2, Q = 4, R = 6; n = 50, A + O + M + I = 40.
    let t = tally_of(&[
        (C::MustBe, 30),
        (C::OneDimensional, 5),
        (C::Attractive, 3),
        (C::Indifferent, 2),
        (C::Questionable, 4),
        (C::Reverse, 6),
    ]);
    let s = t.finish(KanoOptions::default()).unwrap();
    let a = &s.attributes[0];
    assert_eq!(a.category, Some(C::MustBe));
    assert_eq!(a.second_category, Some(C::Reverse));
    // Better = 8 / 40 = 0.2; Worse = −35 / 40 = −0.875.
    assert!(close(a.better.unwrap(), 0.2));
    assert!(close(a.worse.unwrap(), -0.875));
    // Fong: m1 = 30, m2 = 6: 24 ≥ 1.65·√(36·64/100) = 1.65·4.8 = 7.92.
    let f = a.fong.unwrap();
    assert!(close(f.threshold, 7.92));
    assert!(f.significant);
    // Q 4/50 = 8% > 5%; R 6/50 = 12% > 10%.
    let codes: Vec<&str> = s.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["questionable", "reverse"]);
    // The scatter point: x = |Worse| = 0.875, y = Better = 0.2 → must-be quadrant.
    let p = &s.scatter()[0];
    assert!(close(p.x, 0.875) && close(p.y, 0.2));
    assert_eq!(p.quadrant, C::MustBe);
}

#[test]
fn kano_labels_in_both_languages_and_codes() {
    let f = [
        Some("喜欢"),
        Some("I expect it"),
        Some("3"),
        Some("能忍受"),
        Some(" "),
    ];
    let d = [
        Some("不喜欢"),
        Some("dislike"),
        Some("5"),
        Some("无所谓"),
        Some("like"),
    ];
    let cats = cx_core::kano::classify_text(("f", &f[..]), ("d", &d[..])).unwrap();
    assert_eq!(
        cats,
        [
            Some(C::OneDimensional),
            Some(C::MustBe),
            Some(C::MustBe),
            Some(C::Indifferent),
            None
        ]
    );
}

#[derive(serde::Deserialize)]
struct QccCase {
    input_names: Vec<String>,
    input_values: Vec<f64>,
    causes: Vec<String>,
    frequency: Vec<f64>,
    cum_percent: Vec<f64>,
}

#[test]
fn pareto_matches_r_qcc() {
    let text = include_str!("../vectors/pareto/qcc.json");
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    for name in ["help_page", "ties"] {
        let case: QccCase = serde_json::from_value(v[name].clone()).unwrap();
        let mut t = ParetoTally::new();
        for (c, &x) in case.input_names.iter().zip(&case.input_values) {
            t.add(c, x as u64, x).unwrap();
        }
        let p = t.finish(&ParetoOptions::new()).unwrap();
        let causes: Vec<&str> = p.rows.iter().map(|r| r.cause.as_str()).collect();
        assert_eq!(causes, case.causes, "{name}");
        for (r, (&f, &c)) in p
            .rows
            .iter()
            .zip(case.frequency.iter().zip(&case.cum_percent))
        {
            assert_eq!(r.value, f, "{name}");
            assert!((100.0 * r.cum_share - c).abs() < 1e-9, "{name}");
        }
    }
    // Help page: cum% 31.3, 58, 80 → the vital few stop at the crossing cause (80% ≥ 80%).
    let case: QccCase = serde_json::from_value(v["help_page"].clone()).unwrap();
    let mut t = ParetoTally::new();
    for (c, &x) in case.input_names.iter().zip(&case.input_values) {
        t.add(c, x as u64, x).unwrap();
    }
    let p = t.finish(&ParetoOptions::new()).unwrap();
    assert_eq!(p.vital_few, ["contact num.", "price code", "supplier code"]);
}

#[test]
fn pareto_hand_worked_tags_weights_and_other() {
    // Rows: "a;b" (w 2), "a" (w 1), "" (missing), "c|a|a" (w 0.5), "d" (w 4).
    // Weighted: a = 2 + 1 + 0.5 = 3.5, b = 2, c = 0.5, d = 4 (a repeated tag counts once).
    // Sorted: d 4, a 3.5, b 2, c 0.5; total 10 → cum 0.4, 0.75, 0.95, 1.
    let tags = [Some("a;b"), Some("a"), Some(""), Some("c|a|a"), Some("d")];
    let w = [2.0, 1.0, 7.0, 0.5, 4.0];
    let mut t = ParetoTally::new();
    t.update_tags(&tags, &DEFAULT_SEPARATORS, Some(&w)).unwrap();
    let p = t.finish(&ParetoOptions::new()).unwrap();
    let causes: Vec<&str> = p.rows.iter().map(|r| r.cause.as_str()).collect();
    assert_eq!(causes, ["d", "a", "b", "c"]);
    let cum: Vec<f64> = p.rows.iter().map(|r| r.cum_share).collect();
    assert_eq!(cum, [0.4, 0.75, 0.95, 1.0]);
    assert_eq!(p.vital_few, ["d", "a", "b"]);
    assert_eq!((p.n_rows, p.n_missing), (5, 1));
    // min_share 0.1: c (0.05) goes to Other, pinned last.
    let p = t.finish(&ParetoOptions::new().min_share(0.1)).unwrap();
    let last = p.rows.last().unwrap();
    assert!(last.is_other && last.cause == "Other" && close(last.value, 0.5));
    // Ties by name: counts a 3, b 1, c 1, d 1 → a, then b, c, d.
    let mut u = ParetoTally::new();
    u.update_tags(
        &[Some("d;c"), Some("b,a"), Some("a"), Some("a")],
        &DEFAULT_SEPARATORS,
        None,
    )
    .unwrap();
    let first_seen = u.finish(&ParetoOptions::new()).unwrap();
    let by_name = u
        .finish(&ParetoOptions::new().ties(TieOrder::Name))
        .unwrap();
    let names = |p: &cx_core::pareto::ParetoSummary| {
        p.rows.iter().map(|r| r.cause.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&first_seen), ["a", "d", "c", "b"]);
    assert_eq!(names(&by_name), ["a", "b", "c", "d"]);
}

fn category() -> impl Strategy<Value = Option<C>> {
    prop_oneof![
        Just(None),
        prop::sample::select(C::ALL.to_vec()).prop_map(Some),
    ]
}

proptest! {
    #[test]
    fn kano_merge_of_any_split_is_whole(
        cats in prop::collection::vec(category(), 0..200),
        other in prop::collection::vec(category(), 0..50),
        cut in any::<prop::sample::Index>(),
    ) {
        let k = cut.index(cats.len() + 1);
        let mut whole = KanoTally::new();
        whole.update("x", &cats);
        whole.update("y", &other);
        let (mut a, mut b) = (KanoTally::new(), KanoTally::new());
        a.update("x", &cats[..k]);
        b.update("x", &cats[k..]);
        b.update("y", &other);
        a.merge(&b);
        prop_assert_eq!(&a, &whole);
        prop_assert_eq!(KanoTally::from_bytes(&a.to_bytes()).unwrap(), whole);
    }

    #[test]
    fn kano_coefficients_in_bounds(cats in prop::collection::vec(category(), 1..200)) {
        let mut t = KanoTally::new();
        t.update("x", &cats);
        let s = t.finish(KanoOptions::default()).unwrap();
        let a = &s.attributes[0];
        if let (Some(b), Some(w)) = (a.better, a.worse) {
            prop_assert!((0.0..=1.0).contains(&b));
            prop_assert!((-1.0..=0.0).contains(&w));
        }
        if a.n > 0 {
            let total: f64 = a.shares.iter().sum();
            prop_assert!((total - 1.0).abs() < 1e-12);
            let cs = a.category_strength.unwrap();
            prop_assert!((0.0..=1.0).contains(&cs));
            prop_assert!(a.fong.unwrap().threshold >= 0.0);
        }
        prop_assert_eq!(a.n + a.n_missing, cats.len() as u64);
    }

    #[test]
    fn pareto_merge_of_any_split_is_whole(
        rows in prop::collection::vec(
            prop::option::of(prop::collection::vec(prop::sample::select(vec!["a", "b", "c", "d", "e"]), 0..3)),
            0..120),
        cut in any::<prop::sample::Index>(),
    ) {
        let cells: Vec<Option<String>> = rows.iter().map(|r| r.as_ref().map(|v| v.join(";"))).collect();
        let k = cut.index(cells.len() + 1);
        let mut whole = ParetoTally::new();
        whole.update_tags(&cells, &DEFAULT_SEPARATORS, None).unwrap();
        let (mut a, mut b) = (ParetoTally::new(), ParetoTally::new());
        a.update_tags(&cells[..k], &DEFAULT_SEPARATORS, None).unwrap();
        b.update_tags(&cells[k..], &DEFAULT_SEPARATORS, None).unwrap();
        a.merge(&b);
        prop_assert_eq!(&a, &whole);
        prop_assert_eq!(ParetoTally::from_bytes(&a.to_bytes()).unwrap(), whole);
    }

    #[test]
    fn pareto_cumulative_share_monotone_ending_at_one(
        values in prop::collection::vec((0usize..12, 0.0f64..100.0), 1..80),
        cut in 0.01f64..=1.0,
        top in prop::option::of(1usize..6),
    ) {
        let cells: Vec<Option<String>> = values.iter().map(|(c, _)| Some(format!("c{c}"))).collect();
        let w: Vec<f64> = values.iter().map(|(_, w)| *w).collect();
        let mut t = ParetoTally::new();
        t.update_values(&cells, Some(&w)).unwrap();
        let mut o = ParetoOptions::new().cut(cut);
        o.top = top;
        let Ok(p) = t.finish(&o) else { return Ok(()) }; // all weights zero
        let cum: Vec<f64> = p.rows.iter().map(|r| r.cum_share).collect();
        prop_assert!(cum.windows(2).all(|w| w[0] <= w[1]));
        prop_assert_eq!(*cum.last().unwrap(), 1.0);
        // Named causes sorted descending; Other only last.
        let named: Vec<f64> = p.rows.iter().filter(|r| !r.is_other).map(|r| r.value).collect();
        prop_assert!(named.windows(2).all(|w| w[0] >= w[1]));
        prop_assert!(p.rows.iter().rev().skip(1).all(|r| !r.is_other));
        // The vital few: a prefix; every vital row but the last is below the cut.
        let nv = p.vital_few.len();
        prop_assert!(nv >= 1);
        prop_assert!(p.rows[..nv].iter().all(|r| r.vital && !r.is_other));
        prop_assert!(p.rows[..nv - 1].iter().all(|r| r.cum_share < cut - 1e-12));
        let ended = p.rows[nv - 1].cum_share >= cut - 1e-12 || p.rows.get(nv).is_none_or(|r| r.is_other);
        prop_assert!(ended);
    }
}
