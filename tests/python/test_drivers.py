"""cx.drivers against statsmodels OLS, scipy correlations and all-subsets regression
written out in numpy at run time, and against the committed vectors
(tests/vectors/drivers/generate.py); never against cx's own output."""

from __future__ import annotations

import itertools
import json
import math
import pathlib

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
import scipy.stats
import statsmodels.api as sm
from statsmodels.stats.outliers_influence import variance_inflation_factor

import cx
from cx.drivers import KeyDrivers, analyze

VEC = pathlib.Path(__file__).resolve().parents[1] / "vectors" / "drivers"
ATTRS = [
    "attr_price",
    "attr_delivery_speed",
    "attr_product_quality",
    "attr_service",
    "attr_app",
    "attr_returns",
]


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return pd.read_csv(cx.datasets.sample_path("survey"))


def lmg_numpy(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Shapley/LMG by all-subsets least squares, written out."""
    p = x.shape[1]

    def r2(cols: tuple[int, ...]) -> float:
        if not cols:
            return 0.0
        design = np.column_stack([np.ones(len(y)), x[:, cols]])
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        resid = y - design @ coef
        return float(1 - resid @ resid / ((y - y.mean()) @ (y - y.mean())))

    table = {s: r2(s) for k in range(p + 1) for s in itertools.combinations(range(p), k)}
    out = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for k in range(p):
            w = math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p)
            for s in itertools.combinations(others, k):
                out[j] += w * (table[tuple(sorted((*s, j)))] - table[s])
    return out


def test_survey_matches_statsmodels_scipy_and_numpy(survey: pd.DataFrame) -> None:
    kd = analyze(survey, outcome="nps", drivers=ATTRS)
    t = kd.table
    assert isinstance(t, pd.DataFrame)
    assert t["driver"].tolist() == ATTRS
    y = survey["nps"].to_numpy(float)
    x = survey[ATTRS].to_numpy(float)
    z = lambda v: (v - v.mean(axis=0)) / v.std(axis=0, ddof=1)  # noqa: E731
    fit = sm.OLS(z(y), sm.add_constant(z(x))).fit()
    np.testing.assert_allclose(t["beta"], fit.params[1:], rtol=1e-9)
    assert kd.r_squared == pytest.approx(fit.rsquared, rel=1e-10)
    assert kd.adj_r_squared == pytest.approx(fit.rsquared_adj, rel=1e-10)
    design = sm.add_constant(x)
    vif = [variance_inflation_factor(design, j + 1) for j in range(len(ATTRS))]
    np.testing.assert_allclose(t["vif"], vif, rtol=1e-9)
    pear = [scipy.stats.pearsonr(x[:, j], y)[0] for j in range(len(ATTRS))]
    spear = [scipy.stats.spearmanr(x[:, j], y)[0] for j in range(len(ATTRS))]
    np.testing.assert_allclose(t["pearson"], pear, rtol=1e-10)
    np.testing.assert_allclose(t["spearman"], spear, rtol=1e-10)
    np.testing.assert_allclose(t["lmg"], lmg_numpy(y, x), rtol=1e-9)
    assert t["lmg"].sum() == pytest.approx(kd.r_squared, rel=1e-12)
    assert t["relative_weight"].sum() == pytest.approx(kd.r_squared, rel=1e-10)
    np.testing.assert_allclose(t["performance"], x.mean(axis=0), rtol=1e-12)
    assert kd.n_used == 1200
    assert kd.n_dropped == 0
    assert kd.lmg_method == "exact"


@pytest.mark.parametrize("name", ["survey", "missing_collinear", "small_negative"])
def test_vectors(name: str) -> None:
    v = json.loads((VEC / f"{name}.json").read_text(encoding="utf-8"))
    cols = {
        k: np.array([np.nan if c is None else c for c in vals]) for k, vals in v["columns"].items()
    }
    kd = analyze(pd.DataFrame(cols), outcome=v["outcome"], drivers=v["drivers"])
    e, tol, t = v["expected"], v["tolerance"], kd.table
    for key in ["pearson", "spearman", "beta", "vif", "lmg", "relative_weight"]:
        np.testing.assert_allclose(t[key], e[key], rtol=tol, atol=tol, err_msg=key)
    np.testing.assert_allclose(t["performance"], e["mean"], rtol=tol, atol=tol)
    assert t["n_missing"].tolist() == e["n_missing"]
    assert (kd.n_rows, kd.n_used, kd.n_dropped, kd.outcome_missing) == (
        e["n_rows"],
        e["n_used"],
        e["n_dropped"],
        e["outcome_missing"],
    )
    assert kd.r_squared == pytest.approx(e["r_squared"], rel=tol)


def test_recovers_planted_driver_weights(survey: pd.DataFrame) -> None:
    """truth.json: delivery 0.40, quality 0.32, returns 0.18, service 0.15, price 0.05,
    app 0. The drivers share a common factor (loading 0.6), so LMG and relative weights
    give price and app similar small shares; the planted model justifies: delivery first,
    quality second, {price, app} the bottom two, app's β interval covering 0 and the
    top two's excluding it."""
    weights = {d["attribute"]: d["coefficient"] for d in cx.datasets.truth()["driver_weights"]}
    assert set(weights) == set(ATTRS)
    kd = analyze(survey, outcome="nps", bootstrap=300, seed=11)
    t = kd.table.set_index("driver")
    for method in ["lmg", "relative_weight", "beta"]:
        order = t[method].sort_values(ascending=False).index.tolist()
        assert order[:2] == ["attr_delivery_speed", "attr_product_quality"], method
        assert set(order[-2:]) == {"attr_price", "attr_app"}, method
    assert t.loc["attr_app", "beta_ci_low"] < 0 < t.loc["attr_app", "beta_ci_high"]
    for d in ["attr_delivery_speed", "attr_product_quality"]:
        assert t.loc[d, "beta_ci_low"] > 0
        assert t.loc[d, "lmg_ci_low"] > t.loc["attr_app", "lmg_ci_high"]
    assert t.loc["attr_delivery_speed", "rank"] == 1


def test_missing_values_are_dropped_listwise_and_counted() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 3))
    y = x @ [1.0, 0.5, 0.2] + rng.normal(size=200)
    x[[1, 2], 0] = np.nan
    y[[2, 5]] = np.nan
    df = pd.DataFrame({"y": y, "a": x[:, 0], "b": x[:, 1], "c": x[:, 2]})
    kd = analyze(df, outcome="y")
    assert (kd.n_rows, kd.n_used, kd.n_dropped, kd.outcome_missing) == (200, 197, 3, 2)
    assert kd.table["n_missing"].tolist() == [2, 0, 0]
    keep = df.dropna()
    fit = sm.OLS(keep["y"], sm.add_constant(keep[["a", "b", "c"]])).fit()
    assert kd.r_squared == pytest.approx(fit.rsquared, rel=1e-10)
    assert any("3 of 200 rows dropped" in w for w in kd.warnings)


def test_frame_kinds_and_inputs(survey: pd.DataFrame) -> None:
    cols = ["nps", "attr_delivery_speed", "attr_app"]
    small = survey[cols]
    ref = analyze(small, outcome="nps").r_squared
    assert isinstance(analyze(pl.from_pandas(small), outcome="nps").table, pl.DataFrame)
    assert isinstance(analyze(pa.Table.from_pandas(small), outcome="nps").table, pa.Table)
    by_dict = analyze({c: small[c].to_numpy() for c in cols}, outcome="nps")
    assert by_dict.r_squared == pytest.approx(ref, rel=1e-12)
    arr = small.to_numpy(float)
    by_array = analyze(arr, outcome=0, drivers=[1, 2])
    assert by_array.r_squared == pytest.approx(ref, rel=1e-12)
    assert pa.table(by_array.table).column("driver").to_pylist() == ["1", "2"]


def test_bootstrap_is_seeded(survey: pd.DataFrame) -> None:
    a = analyze(survey, outcome="nps", drivers=ATTRS[:3], bootstrap=50, seed=5)
    b = analyze(survey, outcome="nps", drivers=ATTRS[:3], bootstrap=50, seed=5)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.r_squared_ci is not None
    assert a.r_squared_ci[0] < a.r_squared < a.r_squared_ci[1]
    assert a.table["lmg_ci_low"].notna().all()
    assert analyze(survey, outcome="nps", drivers=ATTRS[:3]).table["lmg_ci_low"].isna().all()


def test_sampled_lmg_beyond_exact_max(survey: pd.DataFrame) -> None:
    exact = analyze(survey, outcome="nps", drivers=ATTRS).table
    kd = analyze(survey, outcome="nps", drivers=ATTRS, exact_max=4, permutations=4000, seed=1)
    assert kd.lmg_method == "sampled"
    t = kd.table
    assert (abs(t["lmg"] - exact["lmg"]) <= 5 * t["lmg_se"] + 1e-12).all()
    assert t["lmg"].sum() == pytest.approx(kd.r_squared, rel=1e-10)
    assert any("random orderings" in w for w in kd.warnings)


def test_importance_performance_quadrants(survey: pd.DataFrame) -> None:
    kd = analyze(survey, outcome="nps", drivers=ATTRS, method="relative-weight")
    ip = kd.importance_performance()
    t = kd.table
    assert ip["method"] == "relative-weight"
    assert ip["importance_cut"] == pytest.approx(t["relative_weight"].mean())
    assert ip["performance_cut"] == pytest.approx(survey[ATTRS].to_numpy().mean())
    labels = {
        (True, True): "keep up the good work",
        (True, False): "concentrate here",
        (False, False): "low priority",
        (False, True): "possible overkill",
    }
    for pt in ip["points"]:
        hi = (pt["importance"] >= ip["importance_cut"], pt["performance"] >= ip["performance_cut"])
        assert pt["quadrant"] == labels[hi]
    cut = analyze(survey, outcome="nps", drivers=ATTRS, importance_cut=0.0, performance_cut=0.0)
    assert set(cut.table["quadrant"]) == {"keep up the good work"}


def test_result_views(survey: pd.DataFrame) -> None:
    kd = analyze(survey, outcome="nps", drivers=ATTRS)
    assert isinstance(kd, KeyDrivers)
    d = kd.to_dict()
    assert d["outcome"] == "nps"
    assert len(d["drivers"]) == 6
    json.dumps(d)
    html = kd._repr_html_()
    assert "<table>" in html
    assert "attr_delivery_speed" in html
    assert "KeyDrivers(outcome=" in repr(kd)


def test_collinearity_is_warned_and_perfect_collinearity_named() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(size=100)
    b = a + 0.1 * rng.normal(size=100)
    y = a + rng.normal(size=100)
    kd = analyze({"y": y, "a": a, "b": b}, outcome="y")
    assert pa.table(kd.table).column("collinearity").to_pylist() == ["severe", "severe"]
    assert any("VIF" in w for w in kd.warnings)
    with pytest.raises(cx.InvalidValueError) as e:
        analyze({"y": y, "a": a, "a2": 2 * a + 1}, outcome="y")
    assert e.value.field == "a2"


def test_errors(survey: pd.DataFrame) -> None:
    with pytest.raises(cx.MissingFieldError):
        analyze(survey, outcome="nps", drivers=["nope"])
    with pytest.raises(cx.InvalidOptionError):
        analyze(survey, outcome="nps", drivers=ATTRS, method="magic")
    with pytest.raises(cx.TooFewObservationsError):
        analyze({"y": [1.0, 2.0, 3.0], "a": [1.0, 3.0, 2.0], "b": [2.0, 2.5, 1.0]}, outcome="y")
    with pytest.raises(cx.InvalidValueError) as e:
        analyze({"y": [1.0, 2.0, 3.0, 4.0], "a": [1.0, 1.0, 1.0, 1.0]}, outcome="y")
    assert e.value.field == "a"
    with pytest.raises(cx.InvalidValueError):
        analyze(survey, outcome="nps", drivers=ATTRS, level=1.5)
