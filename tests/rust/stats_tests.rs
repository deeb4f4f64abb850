//! Hypothesis tests against the scipy / statsmodels vectors in `tests/vectors/stats/`.
// Test code: a malformed vector file should fail the test loudly.
#![allow(clippy::expect_used)]

use cx_core::stats::tests::{
    Chi2Options, MannWhitneyOptions, MwuMethod, ProportionOptions, TestOptions, TestResult,
    anova_oneway, chi2_independence, kruskal, mann_whitney_u, paired_t, two_proportion_z, welch_t,
};
use cx_tests::load_vector;
use serde_json::Value;

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn groups(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().expect("array").iter().map(f64s).collect()
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    let err = if want == 0.0 {
        got.abs()
    } else {
        ((got - want) / want).abs()
    };
    assert!(
        err <= tol,
        "{what}: got {got:e}, want {want:e} (rel err {err:e})"
    );
}

/// Run every case of a vector file through `f` and compare the common fields.
fn check(file: &str, f: impl Fn(&Value) -> TestResult) {
    let doc = load_vector(file);
    let tol = doc["tolerance"]["relative"].as_f64().expect("tolerance");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(!cases.is_empty());
    for case in cases {
        let name = format!("{file}/{}", case["name"].as_str().expect("name"));
        let r = f(&case["input"]);
        let e = &case["expected"];
        close(
            r.statistic,
            e["statistic"].as_f64().expect("stat"),
            tol,
            &format!("{name} statistic"),
        );
        close(
            r.p_value,
            e["p_value"].as_f64().expect("p"),
            tol,
            &format!("{name} p_value"),
        );
        close(
            r.effect_size,
            e["effect_size"].as_f64().expect("es"),
            tol,
            &format!("{name} effect"),
        );
        if let Some(df) = e["df"].as_f64() {
            close(r.df.expect("df"), df, tol, &format!("{name} df"));
        }
        if let Some(df2) = e["df2"].as_f64() {
            close(r.df2.expect("df2"), df2, tol, &format!("{name} df2"));
        }
        if let Some(lo) = e["ci_lower"].as_f64() {
            let ci = r.ci.expect("ci");
            close(ci.lower, lo, tol, &format!("{name} ci_lower"));
            close(
                ci.upper,
                e["ci_upper"].as_f64().expect("hi"),
                tol,
                &format!("{name} ci_upper"),
            );
            close(
                r.estimate.expect("est"),
                e["estimate"].as_f64().expect("est"),
                tol,
                &name,
            );
        }
    }
}

#[test]
fn two_proportion_z_matches_statsmodels() {
    check("stats/two_proportion_z.json", |i| {
        let n = |k: &str| i[k].as_u64().expect("count");
        let level = i["level"].as_f64().expect("level");
        two_proportion_z(
            n("x1"),
            n("n1"),
            n("x2"),
            n("n2"),
            ProportionOptions::new().level(level),
        )
        .expect("two_proportion_z")
    });
}

#[test]
fn chi2_independence_matches_scipy() {
    check("stats/chi2_independence.json", |i| {
        let yates = i["yates"].as_bool().expect("yates");
        chi2_independence(&groups(&i["table"]), Chi2Options::new().yates(yates)).expect("chi2")
    });
}

#[test]
fn welch_t_matches_scipy() {
    check("stats/welch_t.json", |i| {
        welch_t(&f64s(&i["a"]), &f64s(&i["b"]), TestOptions::new()).expect("welch")
    });
}

#[test]
fn paired_t_matches_scipy() {
    check("stats/paired_t.json", |i| {
        paired_t(&f64s(&i["a"]), &f64s(&i["b"]), TestOptions::new()).expect("paired")
    });
}

#[test]
fn mann_whitney_u_matches_scipy() {
    check("stats/mann_whitney_u.json", |i| {
        let method = match i["method"].as_str().expect("method") {
            "exact" => MwuMethod::Exact,
            "asymptotic" => MwuMethod::Asymptotic,
            _ => MwuMethod::Auto,
        };
        let opts = MannWhitneyOptions::new()
            .method(method)
            .continuity(i["continuity"].as_bool().expect("continuity"));
        mann_whitney_u(&f64s(&i["a"]), &f64s(&i["b"]), opts).expect("mwu")
    });
}

#[test]
fn anova_oneway_matches_scipy() {
    check("stats/anova_oneway.json", |i| {
        anova_oneway(&groups(&i["groups"]), TestOptions::new()).expect("anova")
    });
}

#[test]
fn kruskal_matches_scipy() {
    check("stats/kruskal.json", |i| {
        kruskal(&groups(&i["groups"]), TestOptions::new()).expect("kruskal")
    });
}

mod invariants {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> impl Strategy<Value = Vec<f64>> {
        proptest::collection::vec(-1e3..1e3_f64, 3..30)
    }

    proptest! {
        #[test]
        fn welch_is_antisymmetric(a in sample(), b in sample()) {
            if let (Ok(x), Ok(y)) = (welch_t(&a, &b, TestOptions::new()), welch_t(&b, &a, TestOptions::new())) {
                prop_assert!((x.statistic + y.statistic).abs() <= 1e-9 * x.statistic.abs().max(1.0));
                prop_assert!((x.p_value - y.p_value).abs() <= 1e-12);
                prop_assert!((0.0..=1.0).contains(&x.p_value));
            }
        }

        #[test]
        fn rank_tests_ignore_order_within_groups(a in sample(), b in sample()) {
            let mut ra = a.clone();
            ra.reverse();
            let x = kruskal(&[&a[..], &b[..]], TestOptions::new());
            let y = kruskal(&[&ra[..], &b[..]], TestOptions::new());
            if let (Ok(x), Ok(y)) = (x, y) {
                prop_assert!((x.statistic - y.statistic).abs() <= 1e-9 * x.statistic.abs().max(1.0));
            }
            let u = mann_whitney_u(&a, &b, MwuMethod::Asymptotic).expect("mwu");
            let v = mann_whitney_u(&b, &a, MwuMethod::Asymptotic).expect("mwu");
            // U1 + U2 = n1·n2 and the two-sided p-value is symmetric.
            prop_assert!((u.statistic + v.statistic - (a.len() * b.len()) as f64).abs() < 1e-9);
            prop_assert!((u.p_value - v.p_value).abs() <= 1e-12);
        }
    }
}
