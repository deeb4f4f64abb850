"""cx.spc against R's qcc 3.0 (tests/vectors/spc/generate.R), R's pnorm and the
Motorola sigma table; never against cx's own output."""

from __future__ import annotations

import json
import math
import pathlib
import pickle

import numpy as np
import pytest

import cx
from cx.spc import capability, control_chart, dpmo_to_sigma, sigma_level, sigma_to_dpmo

VEC = pathlib.Path(__file__).resolve().parents[1] / "vectors" / "spc"


def load(name: str) -> dict:
    return json.loads((VEC / f"{name}.json").read_text(encoding="utf-8"))


def arr(v: object) -> np.ndarray:
    a = np.atleast_1d(np.array(v, dtype=float))
    return a


def check(chart: cx.spc.ControlChart, q: dict, tol: float, sigma: bool = True) -> None:
    n = len(chart)
    np.testing.assert_allclose(chart.statistics, arr(q["statistics"]), rtol=tol, atol=tol)
    np.testing.assert_allclose(
        chart.center, np.broadcast_to(arr(q["center"]), n), rtol=tol, atol=tol
    )
    np.testing.assert_allclose(chart.lcl, np.broadcast_to(arr(q["lcl"]), n), rtol=tol, atol=tol)
    np.testing.assert_allclose(chart.ucl, np.broadcast_to(arr(q["ucl"]), n), rtol=tol, atol=tol)
    if sigma:
        assert chart.sigma == pytest.approx(q["std_dev"], rel=tol)
    assert chart.codes.tolist() == [int(v) for v in q["violations"]]


def test_piston_rings_phase_two_matches_qcc() -> None:
    v = load("pistonrings")
    data = np.array(v["data"]).reshape(-1, 5)
    tol = v["tolerance"]
    c = control_chart(data, kind="xbar_r", phase1=25, constants="qcc")
    check(c, v["xbar"], tol)
    assert c.secondary is not None
    check(c.secondary, v["r"], tol)
    check(control_chart(data, kind="s", phase1=25, constants="qcc"), v["s"], tol)
    check(
        control_chart(data, kind="xbar_r", phase1=25, constants="qcc", rules="nelson"),
        v["xbar_nelson"],
        tol,
    )
    check(
        control_chart(data, kind="xbar_r", phase1=25, constants="qcc", confidence=0.99),
        v["xbar_prob"],
        tol,
    )
    # Same subgroups given flat with sizes.
    flat = control_chart(data.ravel(), kind="xbar_s", sizes=[5] * 40, phase1=25, constants="qcc")
    check(flat, v["xbar_uwave_sd"], tol)
    # Montgomery Example 6.3: x̿ = 74.001, R̄ = 0.023 (exact constants).
    e = control_chart(data, kind="xbar_r", phase1=25)
    assert round(float(e.center[0]), 3) == 74.001
    assert round(float(e.secondary.center[0]), 3) == 0.023


def test_unequal_sizes_per_point_limits() -> None:
    v = load("unequal_sizes")
    data = np.array(v["data"], dtype=float).reshape(-1, 5)  # NaN = missing cell
    for kind, key in [("xbar_r", "xbar"), ("r", "r"), ("s", "s")]:
        check(control_chart(data, kind=kind, constants="qcc"), v[key], v["tolerance"])
    check(
        control_chart(data, kind="xbar_r", constants="qcc", sigma_method="rmsdf"),
        v["xbar_rmsdf"],
        v["tolerance"],
    )


def test_individuals_match_qcc() -> None:
    v = load("viscosity")
    tol = v["tolerance"]
    x = v["data"]
    check(control_chart(x, kind="xmr", phase1=v["phase1"], constants="qcc"), v["xmr"], tol)
    check(
        control_chart(x, kind="xmr", phase1=v["phase1"], constants="qcc", sigma_method="sd"),
        v["xmr_sd"],
        tol,
    )
    check(
        control_chart(x, kind="xmr", phase1=v["phase1"], constants="qcc", rules="nelson"),
        v["xmr_nelson"],
        tol,
    )


def test_attribute_charts_match_qcc() -> None:
    v = load("attributes")
    tol = v["tolerance"]
    oj = v["oj"]
    d = np.concatenate([oj["d"], oj["d2"]])
    s = np.concatenate([oj["sizes"], oj["sizes2"]])
    p = control_chart(d, kind="p", sizes=s, phase1=len(oj["d"]))
    check(p, oj["p"], tol, sigma=False)
    assert round(float(p.center[0]), 4) == 0.2313  # Montgomery Example 7.1
    check(control_chart(oj["d"], kind="np", sizes=oj["sizes"]), oj["np"], tol, sigma=False)
    ci = v["circuit"]
    c = control_chart(ci["x"] + ci["x2"], kind="c", phase1=len(ci["x"]))
    check(c, ci["c"], tol, sigma=False)
    assert round(float(c.center[0]), 2) == 19.85  # Montgomery Example 7.3
    dc = v["dyedcloth"]
    check(control_chart(dc["x"], kind="u", sizes=dc["sizes"]), dc["u"], tol, sigma=False)
    check(
        control_chart(dc["x"], kind="u", sizes=dc["sizes"], confidence=0.95),
        dc["u_prob"],
        tol,
        sigma=False,
    )
    va = v["variable"]
    check(control_chart(va["d"], kind="p", sizes=va["sizes"]), va["p"], tol, sigma=False)


@pytest.mark.parametrize("name", sorted(load("rules")["cases"]))
def test_run_rules_match_qcc(name: str) -> None:
    case = load("rules")["cases"][name]
    rules = [int(r) for r in np.atleast_1d(case["rules"])]
    if case["rule_set"] == "nelson":
        spec: object = rules
    elif len(rules) == 2:
        spec = "qcc"
    else:
        spec = "western_electric"
    c = control_chart(case["x"], kind="xmr", center=0.0, sigma=1.0, rules=spec)
    assert c.codes.tolist() == [int(v) for v in case["violations"]]
    prefix = "N" if case["rule_set"] == "nelson" else "WE"
    for r in rules:
        want = sorted(int(p) - 1 for p in np.atleast_1d(case["per_rule"][str(r)]))
        got = sorted(p for p, code in c.violations if code == f"{prefix}{r}")
        assert got == want, (name, r)


def test_capability_matches_qcc() -> None:
    v = load("capability")
    for name, case in v["cases"].items():
        lsl, usl = (None if x is None else x for x in case["spec"])
        if name.startswith("pr"):
            c = capability(
                v["pistonrings"], lsl=lsl, usl=usl, target=case["target"], sizes=5, constants="qcc"
            )
        else:
            c = capability(v["viscosity"], lsl=lsl, usl=usl, target=case["target"], constants="qcc")
        got = np.array([[val, lo, hi] for _, val, lo, hi in c.indices])
        want = np.array([case["value"], case["lower"], case["upper"]], dtype=float).T
        np.testing.assert_allclose(got, want, rtol=v["tolerance"], equal_nan=True)


def test_sigma_levels() -> None:
    v = load("sigma")
    for s, d in zip(v["sigma"], v["dpmo"], strict=True):
        assert sigma_to_dpmo(s) == pytest.approx(d, rel=v["tolerance"])
        assert dpmo_to_sigma(d) == pytest.approx(s, rel=v["tolerance"])
    assert [round(sigma_to_dpmo(s)) for s in (3, 4, 5)] == [66807, 6210, 233]
    assert round(sigma_to_dpmo(6), 1) == 3.4
    assert dpmo_to_sigma(0) == math.inf
    assert dpmo_to_sigma(1e6) == -math.inf
    assert sigma_level(0, 10, 5).sigma_level == math.inf


def test_monitor_streams_like_batch_and_pickles() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(10, 1, 300)
    x[150:165] += 1.6
    batch = control_chart(x, kind="xmr", phase1=100, rules="nelson")
    m = cx.spc.SpcMonitor.from_chart(control_chart(x[:100], kind="xmr", rules="nelson"))
    first = m.push_many(x[:155])
    m2 = pickle.loads(pickle.dumps(m))  # restart mid-run
    signals = first + m2.push_many(x[155:])
    assert sorted((i, r) for i, r, _ in signals) == sorted(batch.violations)


def test_errors_are_typed() -> None:
    with pytest.raises(cx.InvalidOptionError, match="kind"):
        control_chart([1.0, 2.0], kind="nope")  # type: ignore[arg-type]
    with pytest.raises(cx.InvalidValueError):
        control_chart([3.0, 60.0], kind="p", sizes=[50, 50])
    with pytest.raises(cx.InvalidOptionError):
        control_chart([1.0, 2.0, 3.0], kind="xmr", rules=["N1", "WE2"])
    with pytest.raises(cx.TooFewObservationsError):
        control_chart([1.0], kind="xmr")


def test_repr_and_dict() -> None:
    c = control_chart(
        [5.0, 6.0, 5.5, 6.5, 5.0, 9.9, 5.5, 6.0], kind="xmr", stages=[0] * 4 + [1] * 4
    )
    assert len(c.stages) == 2
    assert c._repr_svg_().startswith("<svg")
    assert "<table>" in c._repr_html_()
    d = c.to_dict()
    assert d["kind"] == "individuals"
    assert len(d["ucl"]) == 8


def test_ewma_and_cusum_match_qcc() -> None:
    v = load("ewma_cusum")
    tol = v["tolerance"]
    pr = np.array(v["pistonrings"]).reshape(-1, 5)
    e = control_chart(pr, kind="ewma", phase1=25, lambda_=0.2, constants="qcc")
    q = v["ewma_pr"]
    np.testing.assert_allclose(e.statistics, q["ewma"], rtol=tol)
    np.testing.assert_allclose(e.lcl, q["lcl"], rtol=tol)
    np.testing.assert_allclose(e.ucl, q["ucl"], rtol=tol)
    assert [p + 1 for p, _ in e.violations] == list(np.atleast_1d(q["violations"]))
    e = control_chart(v["viscosity"], kind="ewma", lambda_=0.1, nsigmas=2.7, constants="qcc")
    np.testing.assert_allclose(e.ucl, v["ewma_visc"]["ucl"], rtol=tol)
    c = control_chart(pr, kind="cusum", phase1=25, k=0.5, h=5.0, constants="qcc")
    q = v["cusum_pr"]
    np.testing.assert_allclose(c.statistics, q["pos"], rtol=tol, atol=tol)
    assert c.secondary is not None
    np.testing.assert_allclose(c.secondary.statistics, q["neg"], rtol=tol, atol=tol)
    assert [p + 1 for p, _ in c.violations] == list(np.atleast_1d(q["violations_upper"]))


def test_rare_event_and_run_charts() -> None:
    v = load("rare")
    tol = v["tolerance"]
    g = control_chart(v["g"]["data"], kind="g")
    assert g.ucl[0] == pytest.approx(v["g"]["ucl"], rel=tol)
    t = control_chart(v["t"]["data"], kind="t", constants="qcc")
    assert t.ucl[0] == pytest.approx(v["t"]["ucl"], rel=tol)
    assert t.codes.tolist() == [int(c) for c in v["t"]["violations"]]
    a = load("anhoej")
    n = 24
    i = a["n"].index(n)
    x = [1.0 + 0.01 * k for k in range(12)] + [3.0 + 0.01 * k for k in range(12)]
    run = control_chart(x, kind="run")
    assert a["longest_run_max"][i] == 8
    assert {code for _, code in run.violations} == {"A1", "A2"}


def test_laney_matches_base_r() -> None:
    v = load("laney")
    c = control_chart(v["d"], kind="laney_p", sizes=v["n"], constants="qcc")
    np.testing.assert_allclose(c.ucl, v["p"]["ucl"], rtol=v["tolerance"])
    assert c.sigma == pytest.approx(v["p"]["sigma_z"], rel=v["tolerance"])


def test_negative_exclude_index_is_a_typed_error_not_point_zero() -> None:
    # A negative index used to be clamped to 0 (excluding the first point silently).
    with pytest.raises(cx.exceptions.InvalidValueError) as e:
        cx.spc.control_chart([5.0, 6.0, 5.0, 7.0], kind="xmr", exclude=[-1])
    assert e.value.field == "exclude"
    assert e.value.row == 0


# --- round 3: staged EWMA/CUSUM, fixed run-chart centre, Laney probability
# limits, lean individuals charts; references written out in numpy/scipy ---

D2_2 = 2.0 / math.sqrt(math.pi)


def _imr_params(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(np.abs(np.diff(x)).mean()) / D2_2


def test_ewma_stages_restart_per_stage_numpy() -> None:
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(10, 1, 30), rng.normal(13, 2, 25)])
    labels = np.repeat([0, 1], [30, 25])
    lam, big_l = 0.25, 2.8
    c = control_chart(x, kind="ewma", stages=labels, lambda_=lam, nsigmas=big_l)
    z, ucl, lcl = [], [], []
    for part in (x[:30], x[30:]):
        mu, s = _imr_params(part)
        prev = mu
        for i, v in enumerate(part, start=1):
            prev = lam * v + (1 - lam) * prev
            se = s * math.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * i)))
            z.append(prev)
            ucl.append(mu + big_l * se)
            lcl.append(mu - big_l * se)
    np.testing.assert_allclose(c.statistics, z, rtol=1e-12)
    np.testing.assert_allclose(c.ucl, ucl, rtol=1e-12)
    np.testing.assert_allclose(c.lcl, lcl, rtol=1e-12)
    assert [s["start"] for s in c.stages] == [0, 30]


def test_cusum_stages_restart_per_stage_numpy() -> None:
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.normal(5, 1, 40), rng.normal(7, 1, 40)])
    labels = np.repeat([1, 2], 40)
    k, h = 0.5, 4.0
    c = control_chart(x, kind="cusum", stages=labels, k=k, h=h)
    up, down = [], []
    for part in (x[:40], x[40:]):
        mu, s = _imr_params(part)
        cp = cm = 0.0
        for v in part:
            zz = (v - mu) / s
            cp = max(0.0, cp + zz - k)
            cm = max(0.0, cm - zz - k)
            up.append(cp)
            down.append(-cm)
    np.testing.assert_allclose(c.statistics, up, rtol=1e-12, atol=1e-12)
    sec = c.secondary
    assert sec is not None
    np.testing.assert_allclose(sec.statistics, down, rtol=1e-12, atol=1e-12)
    assert (c.flags != 0).tolist() == [u > h for u in up]
    # Without stages the shift accumulates into one long signal.
    assert (control_chart(x, kind="cusum", phase1=40, k=k, h=h).flags[40:] != 0).any()


def test_run_chart_fixed_center() -> None:
    x = [5.0, 6.0, 7.0, 6.5, 8.0, 9.0, 7.5, 8.5, 9.5, 10.0, 9.0, 8.0]
    fixed = control_chart(x, kind="run", center=5.5)
    assert np.all(fixed.center == 5.5)
    # 5.0 below, 11 points above a fixed median of 5.5: one run of 11 > round(log2 12) + 3 = 7.
    assert (fixed.flags[1:] & 1).all()
    assert fixed.flags[0] & 1 == 0
    data_median = control_chart(x, kind="run")
    assert data_median.center[0] == pytest.approx(float(np.median(x)))
    with pytest.raises(cx.exceptions.InvalidOptionError):
        control_chart(x, kind="run", center=float("nan"))


def _laney_reference(d, n, conf, binomial, d2):
    from scipy.stats import norm

    d, n = np.asarray(d, float), np.asarray(n, float)
    p = d / n
    pbar = d.sum() / n.sum()
    sp = np.sqrt(pbar * (1 - pbar) / n) if binomial else np.sqrt(pbar / n)
    zz = (p - pbar) / sp
    sigma_z = np.abs(np.diff(zz)).mean() / d2
    w = norm.ppf(1 - (1 - conf) / 2)
    lcl = np.maximum(pbar - w * sp * sigma_z, 0.0)
    ucl = pbar + w * sp * sigma_z
    if binomial:
        ucl = np.minimum(ucl, 1.0)
    return lcl, ucl, sigma_z


@pytest.mark.parametrize("kind", ["laney_p", "laney_u"])
@pytest.mark.parametrize("conf", [0.95, 0.99, 0.9973])
def test_laney_probability_limits_scipy(kind: str, conf: float) -> None:
    rng = np.random.default_rng(5)
    n = rng.integers(800, 1500, 40).astype(float)
    d = rng.binomial(n.astype(int), rng.uniform(0.04, 0.08, 40)).astype(float)
    c = control_chart(d, kind=kind, sizes=n, confidence=conf)
    lcl, ucl, sigma_z = _laney_reference(d, n, conf, kind == "laney_p", D2_2)
    np.testing.assert_allclose(c.lcl, lcl, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(c.ucl, ucl, rtol=1e-12)
    assert c.sigma == pytest.approx(sigma_z, rel=1e-12)
    # Probability limits differ from 3-sigma ones unless conf = 0.9973 (z = 3.0005).
    three = control_chart(d, kind=kind, sizes=n)
    if conf != 0.9973:
        assert not np.allclose(c.ucl, three.ucl)


def test_lean_individuals_chart_reads_the_input() -> None:
    rng = np.random.default_rng(6)
    x = rng.normal(0, 1, 500)
    x[250:259] += 1.0
    lean = control_chart(x, kind="xmr", rules="nelson")
    full = control_chart(x.tolist(), kind="xmr", rules="nelson")  # a list is copied
    assert lean.flags.tolist() == full.flags.tolist()
    np.testing.assert_array_equal(lean.statistics, x)
    sec = lean.secondary
    assert sec is not None
    np.testing.assert_allclose(sec.statistics[1:], np.abs(np.diff(x)))
    assert repr(lean.to_dict()) == repr(full.to_dict())  # NaN-safe
    assert len(lean) == 500
    assert lean.summary == full.summary
    monitor = cx.spc.SpcMonitor.from_chart(lean)
    assert monitor.limits == cx.spc.SpcMonitor.from_chart(full).limits
    # The lean chart's flags are its own array, read-only and shared.
    assert lean.flags is lean.flags or np.shares_memory(lean.flags, lean.flags)
    assert not lean.flags.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        lean.flags[0] = 1
    assert lean.codes.tolist() == full.codes.tolist()
    assert repr(lean) == repr(full)
