//! cx-core SPC against R's qcc 3.0 and base-R quadrature (`tests/vectors/spc/generate.R`).
#![allow(clippy::unwrap_used)]

use cx_core::spc::{
    ChartOptions, Constants, ControlChart, RuleFamily, RuleSet, SigmaMethod, Subgroups, c_chart,
    np_chart, p_chart, r_chart, s_chart, u_chart, xbar_r, xbar_s, xmr,
};
use cx_tests::load_vector;
use serde_json::Value;

/// Numbers of a JSON scalar or array; null is NaN.
fn nums(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect(),
        Value::Null => vec![f64::NAN],
        x => vec![x.as_f64().unwrap_or(f64::NAN)],
    }
}

fn num(v: &Value) -> f64 {
    nums(v)[0]
}

fn close(what: &str, got: f64, want: f64, tol: f64) {
    let ok = (got.is_nan() && want.is_nan()) || (got - want).abs() <= tol * want.abs().max(1.0);
    assert!(ok, "{what}: got {got:.17}, want {want:.17} (tol {tol})");
}

fn close_all(what: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        close(&format!("{what}[{i}]"), *g, *w, tol);
    }
}

/// A qcc chart record against a cx chart: statistics, centre, σ, limits, codes.
fn check(what: &str, c: &ControlChart, q: &Value, tol: f64, sigma: bool) {
    let n = c.len();
    close_all(
        &format!("{what} statistics"),
        &c.statistics,
        &nums(&q["statistics"]),
        tol,
    );
    let center = nums(&q["center"]);
    let want_c = if center.len() == 1 {
        vec![center[0]; n]
    } else {
        center
    };
    close_all(&format!("{what} center"), &c.center.to_vec(n), &want_c, tol);
    if sigma {
        close(
            &format!("{what} std.dev"),
            c.sigma(),
            num(&q["std_dev"]),
            tol,
        );
    }
    for (name, mine) in [("lcl", &c.lcl), ("ucl", &c.ucl)] {
        let want = nums(&q[name]);
        let want = if want.len() == 1 {
            vec![want[0]; n]
        } else {
            want
        };
        close_all(&format!("{what} {name}"), &mine.to_vec(n), &want, tol);
    }
    let codes: Vec<f64> = (0..n).map(|i| f64::from(c.code(i).unwrap_or(0))).collect();
    assert_eq!(codes, nums(&q["violations"]), "{what} violations");
}

#[test]
fn constants_match_quadrature_in_r_and_qcc_table() {
    let v = load_vector("spc/constants.json");
    let tol = &v["tolerance"];
    for (i, n) in nums(&v["n"]).iter().enumerate() {
        let n = *n as usize;
        close(
            &format!("d2({n})"),
            Constants::Exact.d2(n).unwrap(),
            nums(&v["d2"])[i],
            num(&tol["d2"]),
        );
        close(
            &format!("d3({n})"),
            Constants::Exact.d3(n).unwrap(),
            nums(&v["d3"])[i],
            num(&tol["d3"]),
        );
    }
    let c = load_vector("spc/c4.json");
    for (i, n) in nums(&c["n"]).iter().enumerate() {
        let n = *n as usize;
        close(
            &format!("c4({n})"),
            Constants::Exact.c4(n).unwrap(),
            nums(&c["c4"])[i],
            num(&c["tolerance"]),
        );
    }
    for (i, want) in nums(&v["qcc_d2"]).iter().enumerate() {
        assert_eq!(Constants::Qcc.d2(i + 2).unwrap(), *want);
    }
    for (i, want) in nums(&v["qcc_d3"]).iter().enumerate() {
        assert_eq!(Constants::Qcc.d3(i + 2).unwrap(), *want);
    }
}

#[test]
fn piston_rings_phase_one_and_two_match_qcc() {
    let v = load_vector("spc/pistonrings.json");
    let data = nums(&v["data"]);
    let tol = num(&v["tolerance"]);
    let g = Subgroups::matrix(&data, 5).unwrap();
    let q = ChartOptions::new().phase1(25).constants(Constants::Qcc);
    let c = xbar_r(g, q).unwrap();
    check("xbar", &c, &v["xbar"], tol, true);
    check("R", c.secondary.as_deref().unwrap(), &v["r"], tol, true);
    check("R alone", &r_chart(g, q).unwrap(), &v["r"], tol, true);
    check("S", &s_chart(g, q).unwrap(), &v["s"], tol, true);
    let c = xbar_s(g, q).unwrap();
    check("xbar UWAVE-SD", &c, &v["xbar_uwave_sd"], tol, true);
    check(
        "S of xbar_s",
        c.secondary.as_deref().unwrap(),
        &v["s"],
        tol,
        true,
    );
    check(
        "xbar nelson",
        &xbar_r(g, q.rules(RuleSet::Nelson)).unwrap(),
        &v["xbar_nelson"],
        tol,
        true,
    );
    check(
        "xbar prob",
        &xbar_r(g, q.confidence(0.99)).unwrap(),
        &v["xbar_prob"],
        tol,
        true,
    );
    // qcc's R limits come from qtukey, which iterates only to eps = 1e-4 and is
    // ~3e-7 off here; `range_quantiles_match_base_r_integration` checks cx at 1e-9.
    check(
        "R prob",
        &r_chart(g, q.confidence(0.99)).unwrap(),
        &v["r_prob"],
        1e-7,
        true,
    );
    check(
        "S prob",
        &s_chart(g, q.confidence(0.99)).unwrap(),
        &v["s_prob"],
        tol,
        true,
    );
    // Montgomery Example 6.3 (3 decimals): x̿ = 74.001, R̄ = 0.023.
    let c = xbar_r(g, ChartOptions::new().phase1(25)).unwrap();
    assert_eq!((c.center.get(0) * 1e3).round() / 1e3, 74.001);
    let rbar = c.secondary.as_deref().unwrap().center.get(0);
    assert_eq!((rbar * 1e3).round() / 1e3, 0.023);
    // Exact constants differ from qcc's by the rounding of d2(5) only.
    let ratio = Constants::Qcc.d2(5).unwrap() / Constants::Exact.d2(5).unwrap();
    close(
        "exact sigma",
        c.sigma(),
        num(&v["xbar"]["std_dev"]) * ratio,
        1e-12,
    );
}

#[test]
fn unequal_sizes_give_per_point_limits_like_qcc() {
    let v = load_vector("spc/unequal_sizes.json");
    let data = nums(&v["data"]);
    let tol = num(&v["tolerance"]);
    let g = Subgroups::matrix(&data, 5).unwrap();
    let q = ChartOptions::new().constants(Constants::Qcc);
    check("xbar", &xbar_r(g, q).unwrap(), &v["xbar"], tol, true);
    check("R", &r_chart(g, q).unwrap(), &v["r"], tol, true);
    check("S", &s_chart(g, q).unwrap(), &v["s"], tol, true);
    let m = q.sigma_method(SigmaMethod::MvlueR);
    check(
        "xbar MVLUE-R",
        &xbar_r(g, m).unwrap(),
        &v["xbar_mvlue_r"],
        tol,
        true,
    );
    let m = q.sigma_method(SigmaMethod::Rmsdf);
    check(
        "xbar RMSDF",
        &xbar_r(g, m).unwrap(),
        &v["xbar_rmsdf"],
        tol,
        true,
    );
}

#[test]
fn individuals_match_qcc() {
    let v = load_vector("spc/viscosity.json");
    let x = nums(&v["data"]);
    let tol = num(&v["tolerance"]);
    let q = ChartOptions::new()
        .phase1(num(&v["phase1"]) as usize)
        .constants(Constants::Qcc);
    check("xmr", &xmr(&x, q).unwrap(), &v["xmr"], tol, true);
    check(
        "xmr SD",
        &xmr(&x, q.sigma_method(SigmaMethod::Sd)).unwrap(),
        &v["xmr_sd"],
        tol,
        true,
    );
    check(
        "xmr nelson",
        &xmr(&x, q.rules(RuleSet::Nelson)).unwrap(),
        &v["xmr_nelson"],
        tol,
        true,
    );
    check(
        "xmr prob",
        &xmr(&x, q.confidence(0.95)).unwrap(),
        &v["xmr_prob"],
        tol,
        true,
    );
}

#[test]
fn attribute_charts_match_qcc() {
    let v = load_vector("spc/attributes.json");
    let tol = num(&v["tolerance"]);
    let oj = &v["oj"];
    let (mut d, mut s) = (nums(&oj["d"]), nums(&oj["sizes"]));
    let p1 = d.len();
    d.extend(nums(&oj["d2"]));
    s.extend(nums(&oj["sizes2"]));
    let o = ChartOptions::new().phase1(p1);
    let p = p_chart(&d, &s, o).unwrap();
    check("p", &p, &oj["p"], tol, false);
    // Montgomery Example 7.1: p̄ = 0.2313.
    assert_eq!((p.center.get(0) * 1e4).round() / 1e4, 0.2313);
    let (d1, s1) = (&d[..p1], &s[..p1]);
    check(
        "np",
        &np_chart(d1, s1, ChartOptions::new()).unwrap(),
        &oj["np"],
        tol,
        false,
    );
    check(
        "p nelson",
        &p_chart(d1, s1, RuleSet::Nelson).unwrap(),
        &oj["p_nelson"],
        tol,
        false,
    );

    let ci = &v["circuit"];
    let mut x = nums(&ci["x"]);
    let p1 = x.len();
    x.extend(nums(&ci["x2"]));
    let c = c_chart(&x, ChartOptions::new().phase1(p1)).unwrap();
    check("c", &c, &ci["c"], tol, false);
    assert_eq!((c.center.get(0) * 100.0).round() / 100.0, 19.85);
    check(
        "c prob",
        &c_chart(&x[..p1], ChartOptions::new().confidence(0.99)).unwrap(),
        &ci["c_prob"],
        tol,
        false,
    );

    let dc = &v["dyedcloth"];
    let (x, s) = (nums(&dc["x"]), nums(&dc["sizes"]));
    check(
        "u",
        &u_chart(&x, &s, ChartOptions::new()).unwrap(),
        &dc["u"],
        tol,
        false,
    );
    check(
        "u prob",
        &u_chart(&x, &s, ChartOptions::new().confidence(0.95)).unwrap(),
        &dc["u_prob"],
        tol,
        false,
    );

    let va = &v["variable"];
    let (d, s) = (nums(&va["d"]), nums(&va["sizes"]));
    check(
        "p variable",
        &p_chart(&d, &s, ChartOptions::new()).unwrap(),
        &va["p"],
        tol,
        false,
    );
    check(
        "np variable",
        &np_chart(&d, &s, ChartOptions::new()).unwrap(),
        &va["np"],
        tol,
        false,
    );
    check(
        "p prob",
        &p_chart(&d, &s, ChartOptions::new().confidence(0.99)).unwrap(),
        &va["p_prob"],
        tol,
        false,
    );
}

#[test]
fn run_rules_match_qcc_rule_by_rule() {
    let v = load_vector("spc/rules.json");
    let cases = v["cases"].as_object().unwrap();
    assert!(cases.len() >= 40);
    for (name, case) in cases {
        let x = nums(&case["x"]);
        let rules: Vec<u8> = nums(&case["rules"]).iter().map(|r| *r as u8).collect();
        let set = match (case["rule_set"].as_str().unwrap(), rules.len()) {
            ("nelson", _) => RuleSet::custom(RuleFamily::Nelson, &rules).unwrap(),
            (_, 2) => RuleSet::Qcc,
            _ => RuleSet::custom(RuleFamily::WesternElectric, &rules).unwrap(),
        };
        let c = xmr(&x, ChartOptions::new().center(0.0).sigma(1.0).rules(set)).unwrap();
        let codes: Vec<f64> = (0..x.len())
            .map(|i| f64::from(c.code(i).unwrap_or(0)))
            .collect();
        assert_eq!(codes, nums(&case["violations"]), "{name} codes");
        for r in rules {
            let mut want: Vec<usize> = match &case["per_rule"][r.to_string()] {
                Value::Array(a) if a.is_empty() => vec![],
                other => nums(other).iter().map(|p| *p as usize - 1).collect(),
            };
            want.sort_unstable();
            let got: Vec<usize> = (0..x.len())
                .filter(|&i| c.flags[i] & (1 << (r - 1)) != 0)
                .collect();
            assert_eq!(got, want, "{name} rule {r}");
        }
    }
}

#[test]
fn capability_matches_qcc_process_capability() {
    use cx_core::spc::{CapabilityOptions, capability};
    let v = load_vector("spc/capability.json");
    let tol = num(&v["tolerance"]);
    let pr = nums(&v["pistonrings"]);
    let visc = nums(&v["viscosity"]);
    let sizes = vec![5usize; pr.len() / 5];
    for (name, case) in v["cases"].as_object().unwrap() {
        let spec = nums(&case["spec"]);
        let opt = |x: f64| (!x.is_nan()).then_some(x);
        let o = CapabilityOptions::new(opt(spec[0]), opt(spec[1]))
            .target(num(&case["target"]))
            .constants(Constants::Qcc);
        let c = if name.starts_with("pr") {
            capability(&pr, Some(&sizes), o)
        } else {
            capability(&visc, None, o)
        };
        let c = c.unwrap_or_else(|e| panic!("{name}: {e}"));
        close(
            &format!("{name} center"),
            c.center,
            num(&case["center"]),
            tol,
        );
        close(
            &format!("{name} sd"),
            c.sigma_within,
            num(&case["std_dev"]),
            tol,
        );
        close(
            &format!("{name} overall"),
            c.sigma_overall,
            num(&case["overall_std_dev"]),
            tol,
        );
        let names: Vec<String> = case["index"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        for (k, (iname, idx)) in c.indices().iter().enumerate() {
            assert_eq!(names[k], *iname);
            close(
                &format!("{name} {iname}"),
                idx.value,
                nums(&case["value"])[k],
                tol,
            );
            close(
                &format!("{name} {iname} lower"),
                idx.lower,
                nums(&case["lower"])[k],
                tol,
            );
            close(
                &format!("{name} {iname} upper"),
                idx.upper,
                nums(&case["upper"])[k],
                tol,
            );
        }
        // qcc prints expected percentages below 0.01 % as 0.
        let exp = nums(&case["exp"]);
        for (mine, want) in [c.expected_within_pct.0, c.expected_within_pct.1]
            .iter()
            .zip(&exp)
        {
            if *want == 0.0 {
                assert!(*mine < 0.01, "{name} exp {mine}");
            } else {
                close(&format!("{name} exp"), *mine, *want, tol);
            }
        }
        let obs = nums(&case["obs"]);
        close_all(
            &format!("{name} obs"),
            &[c.observed_pct.0, c.observed_pct.1],
            &obs,
            tol,
        );
    }
}

#[test]
fn sigma_levels_match_r_pnorm_and_motorola_table() {
    use cx_core::spc::{dpmo_to_sigma, sigma_to_dpmo};
    let v = load_vector("spc/sigma.json");
    let tol = num(&v["tolerance"]);
    for (s, d) in nums(&v["sigma"]).iter().zip(nums(&v["dpmo"])) {
        close(
            &format!("dpmo({s})"),
            sigma_to_dpmo(*s, 1.5).unwrap(),
            d,
            tol,
        );
        close(
            &format!("sigma({d})"),
            dpmo_to_sigma(d, 1.5).unwrap(),
            *s,
            tol,
        );
    }
    for (s, want) in [(3.0, 66_807.0), (4.0, 6_210.0), (5.0, 233.0)] {
        assert_eq!(sigma_to_dpmo(s, 1.5).unwrap().round(), want);
    }
    assert_eq!(
        (sigma_to_dpmo(6.0, 1.5).unwrap() * 10.0).round() / 10.0,
        3.4
    );
}

#[test]
fn ewma_and_cusum_match_qcc() {
    use cx_core::spc::{Series, cusum, ewma};
    let v = load_vector("spc/ewma_cusum.json");
    let tol = num(&v["tolerance"]);
    let pr = nums(&v["pistonrings"]);
    let visc = nums(&v["viscosity"]);
    let g = Series::Subgroups(Subgroups::matrix(&pr, 5).unwrap());
    let q = ChartOptions::new().constants(Constants::Qcc);
    let flagged = |c: &ControlChart| -> Vec<f64> {
        (0..c.len())
            .filter(|&i| c.flags[i] & 1 == 1)
            .map(|i| i as f64 + 1.0)
            .collect()
    };
    for (name, chart) in [
        ("ewma_pr", ewma(g, q.phase1(25).lambda(0.2)).unwrap()),
        (
            "ewma_visc",
            ewma(Series::Individuals(&visc), q.lambda(0.1).nsigmas(2.7)).unwrap(),
        ),
    ] {
        let e = &v[name];
        close_all(
            &format!("{name} ewma"),
            &chart.statistics,
            &nums(&e["ewma"]),
            tol,
        );
        close(
            &format!("{name} center"),
            chart.center.get(0),
            num(&e["center"]),
            tol,
        );
        close(
            &format!("{name} sd"),
            chart.sigma(),
            num(&e["std_dev"]),
            tol,
        );
        close_all(
            &format!("{name} lcl"),
            &chart.lcl.to_vec(chart.len()),
            &nums(&e["lcl"]),
            tol,
        );
        close_all(
            &format!("{name} ucl"),
            &chart.ucl.to_vec(chart.len()),
            &nums(&e["ucl"]),
            tol,
        );
        let want = match &e["violations"] {
            Value::Array(a) if a.is_empty() => vec![],
            other => nums(other),
        };
        assert_eq!(flagged(&chart), want, "{name} violations");
    }
    for (name, chart) in [
        ("cusum_pr", cusum(g, q.phase1(25).k(0.5).h(5.0)).unwrap()),
        (
            "cusum_visc",
            cusum(Series::Individuals(&visc), q.k(0.75).h(4.0)).unwrap(),
        ),
    ] {
        let e = &v[name];
        close_all(
            &format!("{name} pos"),
            &chart.statistics,
            &nums(&e["pos"]),
            tol,
        );
        let lower = chart.secondary.as_deref().unwrap();
        close_all(
            &format!("{name} neg"),
            &lower.statistics,
            &nums(&e["neg"]),
            tol,
        );
        let list = |k: &str| match &e[k] {
            Value::Array(a) if a.is_empty() => vec![],
            other => nums(other),
        };
        assert_eq!(flagged(&chart), list("violations_upper"), "{name} upper");
        assert_eq!(flagged(lower), list("violations_lower"), "{name} lower");
    }
}

#[test]
fn run_chart_limits_match_r_qbinom() {
    use cx_core::spc::anhoej_limits;
    let v = load_vector("spc/anhoej.json");
    for (i, n) in nums(&v["n"]).iter().enumerate() {
        let (longest, crossings) = anhoej_limits(*n as usize);
        assert_eq!(longest as f64, nums(&v["longest_run_max"])[i], "n = {n}");
        assert_eq!(crossings as f64, nums(&v["crossings_min"])[i], "n = {n}");
    }
}

#[test]
fn rare_event_charts_match_r() {
    use cx_core::spc::{g_chart, t_chart};
    let v = load_vector("spc/rare.json");
    let tol = num(&v["tolerance"]);
    let g = &v["g"];
    let c = g_chart(&nums(&g["data"]), ChartOptions::new()).unwrap();
    close("g center", c.center.get(0), num(&g["center"]), tol);
    close("g lcl", c.lcl.get(0), num(&g["lcl"]), tol);
    close("g ucl", c.ucl.get(0), num(&g["ucl"]), tol);
    let beyond: Vec<f64> = (0..c.len())
        .filter(|&i| c.flags[i] & 1 == 1)
        .map(|i| i as f64 + 1.0)
        .collect();
    let want = match &g["beyond"] {
        Value::Array(a) if a.is_empty() => vec![],
        other => nums(other),
    };
    assert_eq!(beyond, want);
    let t = &v["t"];
    let c = t_chart(
        &nums(&t["data"]),
        ChartOptions::new().constants(Constants::Qcc),
    )
    .unwrap();
    close("t center", c.center.get(0), num(&t["center"]), tol);
    close("t lcl", c.lcl.get(0), num(&t["lcl"]), tol);
    close("t ucl", c.ucl.get(0), num(&t["ucl"]), tol);
    let codes: Vec<f64> = (0..c.len())
        .map(|i| f64::from(c.code(i).unwrap_or(0)))
        .collect();
    assert_eq!(codes, nums(&t["violations"]));
}

/// Exclusions and stages, against arithmetic done here by hand.
#[test]
fn exclusions_and_stages_by_hand() {
    let x = [10.0, 12.0, 11.0, 30.0, 13.0, 12.0];
    // Point 3 excluded: mean of the other five; moving ranges touching it dropped.
    let c = xmr(&x, ChartOptions::new().exclude(&[3])).unwrap();
    let mean = (10.0 + 12.0 + 11.0 + 13.0 + 12.0) / 5.0;
    let mrbar = (2.0 + 1.0 + 1.0) / 3.0;
    close("center", c.center.get(0), mean, 1e-15);
    close(
        "sigma",
        c.sigma(),
        mrbar / (2.0 / std::f64::consts::PI.sqrt()),
        1e-15,
    );
    assert!(c.code(3) == Some(1), "excluded point still judged");
    // Two stages: limits per stage, runs restart at the boundary.
    let y = [1.0, 1.2, 0.8, 1.1, 0.9, 1.0, 5.0, 5.5, 4.5, 5.2, 4.8, 5.0];
    let labels = [0i64, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    let c = xmr(
        &y,
        ChartOptions::new().stages(&labels).rules(RuleSet::Nelson),
    )
    .unwrap();
    assert_eq!(c.stages.len(), 2);
    close("stage 2 center", c.center.get(6), 5.0, 1e-15);
    close("stage 1 center", c.center.get(0), 1.0, 1e-15);
    assert!(
        c.flags.iter().all(|&f| f == 0),
        "a stage change is not a shift within a stage"
    );
    // Phase II points are judged against phase I limits.
    let z = [1.0, 1.2, 0.8, 1.1, 0.9, 1.0, 5.0];
    let c = xmr(&z, ChartOptions::new().phase1(6)).unwrap();
    close("phase I center", c.center.get(6), 1.0, 1e-15);
    assert_eq!(c.code(6), Some(1));
}

#[test]
fn laney_charts_match_base_r() {
    use cx_core::spc::{laney_p, laney_u};
    let v = load_vector("spc/laney.json");
    let tol = num(&v["tolerance"]);
    let (d, n) = (nums(&v["d"]), nums(&v["n"]));
    let units: Vec<f64> = n.iter().map(|x| x / 100.0).collect();
    let q = ChartOptions::new().constants(Constants::Qcc);
    for (name, c) in [
        ("p", laney_p(&d, &n, q).unwrap()),
        ("u", laney_u(&d, &units, q).unwrap()),
    ] {
        let e = &v[name];
        close(
            &format!("{name} center"),
            c.center.get(0),
            num(&e["center"]),
            tol,
        );
        close(
            &format!("{name} sigma_z"),
            c.sigma(),
            num(&e["sigma_z"]),
            tol,
        );
        close_all(
            &format!("{name} lcl"),
            &c.lcl.to_vec(c.len()),
            &nums(&e["lcl"]),
            tol,
        );
        close_all(
            &format!("{name} ucl"),
            &c.ucl.to_vec(c.len()),
            &nums(&e["ucl"]),
            tol,
        );
    }
}

/// Probability limits of the R chart against base-R integration of the range
/// distribution; qcc's `qtukey` is only good to ~3e-7 here (see `r_prob` above).
#[test]
fn range_quantiles_match_base_r_integration() {
    let v = load_vector("spc/range_quantiles.json");
    let tol = num(&v["tolerance"]);
    let (ps, ns, qs) = (nums(&v["p"]), nums(&v["n"]), nums(&v["q"]));
    for ((p, n), q) in ps.iter().zip(&ns).zip(&qs) {
        let n = *n as usize;
        // All-equal subgroups with a known σ = 1: the limits are the quantiles.
        let data: Vec<f64> = (0..3 * n).map(|i| (i % n) as f64).collect();
        let conf = 1.0 - 2.0 * p.min(1.0 - p);
        let c = r_chart(
            Subgroups::matrix(&data, n).unwrap(),
            ChartOptions::new().sigma(1.0).confidence(conf),
        )
        .unwrap();
        let got = if *p < 0.5 { c.lcl.get(0) } else { c.ucl.get(0) };
        close(&format!("q({p}, {n})"), got, *q, tol);
    }
}
