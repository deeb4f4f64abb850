//! cx_core::journey: hand-worked journeys and proptest invariants.
//!
//! Reference values are worked by hand in the comments; Benjamini–Hochberg values are
//! R's `p.adjust(p, "BH")` (equal to statsmodels `multipletests(p, method="fdr_bh")`).

use cx_core::journey::paths::{PathOptions, paths};
use cx_core::journey::{
    AnalysisOptions, ExperienceMatrix, Journey, Responses, Score, Unknown, analyze,
    benjamini_hochberg, moments_of_truth,
};
use proptest::prelude::*;

fn journey() -> Journey {
    let j = Journey::from_json(
        r#"{"name":"shop","stages":[
        {"id":"browse","name":"选购","touchpoints":[
          {"id":"app","name":"App","channel":"in_app","expected_emotion":0.6},
          {"id":"chat","name":"客服","channel":"live_chat","expected_emotion":0.2}]},
        {"id":"deliver","name":"配送","touchpoints":[
          {"id":"truck","name":"物流","channel":"in_app","expected_emotion":-0.5}]}]}"#,
    );
    match j {
        Ok(j) => j,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn bh_matches_r_p_adjust() -> cx_core::Result<()> {
    // R 4.x: p.adjust(c(0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205), "BH")
    // = 0.008 0.032 0.0672 0.0672 0.0672 0.08 0.08457143 0.205
    let p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205];
    let want = [
        0.008,
        0.032,
        0.0672,
        0.0672,
        0.0672,
        0.08,
        0.592 / 7.0,
        0.205,
    ];
    for (q, w) in benjamini_hochberg(&p)?.iter().zip(want) {
        assert!((q - w).abs() < 1e-15, "{q} vs {w}");
    }
    Ok(())
}

#[test]
fn hand_worked_csat_journey() -> cx_core::Result<()> {
    // CSAT 1–5, top-2 box: app 5 5 4 → 100%; chat 4 2 → 50%; truck 1 2 3 5 → 25%.
    let tp = [
        "app", "app", "app", "chat", "chat", "truck", "truck", "truck", "truck",
    ]
    .map(Some);
    let csat = [5.0, 5.0, 4.0, 4.0, 2.0, 1.0, 2.0, 3.0, 5.0];
    let a = analyze(
        &journey(),
        &Responses::new(&tp).csat(&csat),
        Score::Csat.into(),
    )?;
    let scores: Vec<Option<f64>> = a.touchpoints.iter().map(|t| t.score).collect();
    assert_eq!(scores, [Some(100.0), Some(50.0), Some(25.0)]);
    // Journey: 5 of 9 top-box; stage "browse": 4 of 5 = 80% → emotion 2·0.8 − 1 = 0.6.
    assert!((a.journey_score.unwrap_or(f64::NAN) - 500.0 / 9.0).abs() < 1e-12);
    let e = a.stages[0].emotion.map(|e| e.0).unwrap_or(f64::NAN);
    assert!((e - 0.6).abs() < 1e-12);
    assert_eq!(a.stages[0].expected_emotion, Some(0.4));
    // app's y are all 100: the rest (2 of 6 top-box) → gap 100 − 33.3.
    let gap = a.touchpoints[0]
        .test
        .map(|c| c.difference)
        .unwrap_or(f64::NAN);
    assert!((gap - 200.0 / 3.0).abs() < 1e-12);
    Ok(())
}

#[test]
fn a_clear_pain_point_is_found() -> cx_core::Result<()> {
    // 60 happy answers at app and chat, 60 unhappy ones at the truck.
    let mut tp = Vec::new();
    let mut nps = Vec::new();
    for i in 0..60 {
        tp.extend([Some("app"), Some("chat"), Some("truck")]);
        nps.extend([
            9.0 + f64::from(i % 2),
            8.0 + f64::from(i % 3),
            f64::from(i % 7),
        ]);
    }
    let a = analyze(
        &journey(),
        &Responses::new(&tp).nps(&nps),
        AnalysisOptions::new(),
    )?;
    assert_eq!(a.pain_points.len(), 1);
    assert_eq!(a.pain_points[0].touchpoint_id, "truck");
    assert!(a.pain_points[0].impact < 0.0);
    Ok(())
}

#[test]
fn unknown_rows_are_never_silently_dropped() -> cx_core::Result<()> {
    let tp = [Some("app"), Some("ufo"), Some("truck")];
    let nps = [10.0, 3.0, 1.0];
    let r = Responses::new(&tp).nps(&nps);
    assert!(analyze(&journey(), &r, AnalysisOptions::new()).is_err());
    let a = analyze(
        &journey(),
        &r,
        AnalysisOptions::new().unknown(Unknown::Count),
    )?;
    assert_eq!(a.n + a.n_unmatched(), 3);
    Ok(())
}

#[test]
fn moments_of_truth_seam() -> cx_core::Result<()> {
    let c = ["u1", "u1", "u2", "u3"].map(Some);
    let t = ["app", "truck", "truck", "chat"].map(Some);
    let m = ExperienceMatrix::build(&journey(), &c, &t, &[9.0, 2.0, 6.0, 8.0], Unknown::Error)?;
    assert_eq!(m.touchpoints, ["app", "chat", "truck"]);
    let d = m.design(&["u1", "u2", "u3"], &[7.0, 5.0, 9.0])?;
    // app and chat have one visit each (constant): only truck is a driver column.
    assert_eq!(d.touchpoints, ["truck"]);
    // truck: u1 2, u2 6 → mean 4 → −2, +2; u3 did not visit → 0.
    assert_eq!(d.columns, [vec![-2.0, 2.0, 0.0]]);
    let ids: Vec<String> = ["app", "chat", "truck"].map(String::from).to_vec();
    let mt = moments_of_truth(&ids, &[0.05, 0.15, 0.30], 0.7)?;
    // shares 0.6, 0.3, 0.1: truck alone reaches 0.6 < 0.7, with chat 0.9.
    assert_eq!(mt[0].touchpoint_id, "truck");
    assert_eq!(mt.len(), 2);
    Ok(())
}

proptest! {
    #[test]
    fn bh_adjusted_monotone_and_at_least_raw(p in proptest::collection::vec(0.0f64..=1.0, 1..60)) {
        let q = benjamini_hochberg(&p)?;
        for i in 0..p.len() {
            prop_assert!(q[i] >= p[i] - 1e-15 && q[i] <= 1.0);
            for j in 0..p.len() {
                if p[i] <= p[j] {
                    prop_assert!(q[i] <= q[j]);
                }
            }
        }
    }

    #[test]
    fn transitions_sum_to_events_minus_customers(
        events in proptest::collection::vec((0u8..8, 0i64..20, 0u8..5), 1..200)
    ) {
        let names = ["a", "b", "c", "d", "e"];
        let cust: Vec<String> = events.iter().map(|e| format!("c{}", e.0)).collect();
        let c: Vec<Option<&str>> = cust.iter().map(|s| Some(s.as_str())).collect();
        let t: Vec<i64> = events.iter().map(|e| e.1).collect();
        let n: Vec<Option<&str>> = events.iter().map(|e| Some(names[e.2 as usize])).collect();
        let p = paths(None, &c, &t, &n, PathOptions::new().top(1000))?;
        let sum: u64 = p.transitions.iter().map(|x| x.count).sum();
        prop_assert_eq!(sum, p.n_events - p.n_customers);
        prop_assert_eq!(p.n_events, events.len() as u64);
        let paths_sum: u64 = p.top_paths.iter().map(|x| x.count).sum();
        prop_assert_eq!(paths_sum, p.n_customers);
        let step0: u64 = p.sankey_nodes.iter().filter(|x| x.step == 0).map(|x| x.count).sum();
        prop_assert_eq!(step0, p.n_customers);
    }

    #[test]
    fn analysis_is_permutation_invariant(seed in 0u64..1000) {
        let ids = ["app", "chat", "truck"];
        let mut tp = Vec::new();
        let mut nps = Vec::new();
        let mut s = seed;
        for _ in 0..90 {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            tp.push(Some(ids[(s >> 33) as usize % 3]));
            nps.push(((s >> 40) % 11) as f64);
        }
        let a = analyze(&journey(), &Responses::new(&tp).nps(&nps), AnalysisOptions::new())?;
        let (mut tp2, mut nps2) = (tp.clone(), nps.clone());
        tp2.reverse();
        nps2.reverse();
        let b = analyze(&journey(), &Responses::new(&tp2).nps(&nps2), AnalysisOptions::new())?;
        for (x, y) in a.touchpoints.iter().zip(&b.touchpoints) {
            prop_assert_eq!(x.n, y.n);
            prop_assert!((x.score.unwrap_or(0.0) - y.score.unwrap_or(0.0)).abs() < 1e-9);
            prop_assert!((x.q_value.unwrap_or(0.0) - y.q_value.unwrap_or(0.0)).abs() < 1e-9);
        }
    }
}
