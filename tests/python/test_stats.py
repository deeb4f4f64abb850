"""cx.stats against the scipy/statsmodels vectors and against scipy live."""

from __future__ import annotations

import json
import math
import pathlib
from typing import Any

import numpy as np
import pytest
from scipy import stats as sps

import cx
from cx import stats

VECTORS = pathlib.Path(__file__).resolve().parents[1] / "vectors" / "stats"


def _cases(name: str) -> list[tuple[str, dict[str, Any], dict[str, Any], float]]:
    doc = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
    tol = doc["tolerance"]["relative"]
    return [(c["name"], c["input"], c["expected"], tol) for c in doc["cases"]]


def _run(name: str, i: dict[str, Any]) -> stats.TestResult:
    if name == "two_proportion_z":
        return stats.two_proportion_z(i["x1"], i["n1"], i["x2"], i["n2"], level=i["level"])
    if name == "chi2_independence":
        return stats.chi2_independence(i["table"], yates=i["yates"])
    if name == "welch_t":
        return stats.welch_t(i["a"], i["b"])
    if name == "paired_t":
        return stats.paired_t(i["a"], i["b"])
    if name == "mann_whitney_u":
        return stats.mann_whitney_u(i["a"], i["b"], method=i["method"], continuity=i["continuity"])
    if name == "anova_oneway":
        return stats.anova_oneway(*i["groups"])
    return stats.kruskal(*i["groups"])


ALL = [
    (test, *case)
    for test in [
        "two_proportion_z",
        "chi2_independence",
        "welch_t",
        "paired_t",
        "mann_whitney_u",
        "anova_oneway",
        "kruskal",
    ]
    for case in _cases(test)
]


@pytest.mark.parametrize(
    ("test", "name", "inp", "exp", "tol"), ALL, ids=[f"{a[0]}/{a[1]}" for a in ALL]
)
def test_vectors(
    test: str, name: str, inp: dict[str, Any], exp: dict[str, Any], tol: float
) -> None:
    r = _run(test, inp)
    assert r.test == test
    for key in ["statistic", "p_value", "effect_size", "df", "df2", "estimate"]:
        if key in exp:
            assert getattr(r, key) == pytest.approx(exp[key], rel=tol, abs=0), key
    if "ci_lower" in exp:
        assert r.ci == pytest.approx((exp["ci_lower"], exp["ci_upper"]), rel=tol)


def test_tail_vectors_exist() -> None:
    tails = [c for c in ALL if c[1].startswith("tail")]
    assert len(tails) >= 7
    assert min(c[3]["p_value"] for c in tails) < 1e-12


@pytest.mark.parametrize("seed", range(5))
def test_live_against_scipy(seed: int) -> None:
    g = np.random.default_rng(seed)
    a, b, c = g.normal(0, 1, 15), g.normal(0.5, 2, 11), g.normal(0.2, 1, 9)
    pairs = [
        (stats.welch_t(a, b), sps.ttest_ind(a, b, equal_var=False)),
        (stats.paired_t(a[:11], b), sps.ttest_rel(a[:11], b)),
        (stats.mann_whitney_u(a, b), sps.mannwhitneyu(a, b)),
        (
            stats.mann_whitney_u(a, c, method="asymptotic"),
            sps.mannwhitneyu(a, c, method="asymptotic"),
        ),
        (stats.anova_oneway(a, b, c), sps.f_oneway(a, b, c)),
        (stats.kruskal(a, b, c), sps.kruskal(a, b, c)),
    ]
    for ours, ref in pairs:
        assert ours.statistic == pytest.approx(ref.statistic, rel=1e-10)
        assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-10)


def test_numpy_and_arrow_inputs() -> None:
    pa = pytest.importorskip("pyarrow")
    a, b = [1.0, 2.5, 3.0, 4.5], [3.0, 4.0, 5.5, 6.0, 7.0]
    ref = stats.welch_t(a, b)
    assert stats.welch_t(np.array(a), np.array(b)).statistic == ref.statistic
    assert stats.welch_t(pa.array(a), pa.array(b)).statistic == ref.statistic


def test_missing_reject_names_row_and_skip_drops() -> None:
    with pytest.raises(cx.InvalidValueError) as e:
        stats.welch_t([1.0, 2.0, math.nan, 4.0], [1.0, 2.0, 3.0])
    assert (e.value.field, e.value.row) == ("a", 2)
    r = stats.welch_t([1.0, 2.0, math.nan, 4.0], [1.0, 2.0, 3.0], missing="skip")
    assert r.n == [3, 3]
    ref = sps.ttest_rel([1, 2, 4], [3, 2, 1])
    r = stats.paired_t([1, 2, math.nan, 4], [3, 2, 9, 1], missing="skip")
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-12)
    with pytest.raises(cx.InvalidOptionError, match="missing"):
        stats.welch_t([1, 2], [3, 4], missing="drop")  # type: ignore[arg-type]


def test_errors() -> None:
    with pytest.raises(cx.TooFewObservationsError):
        stats.welch_t([1.0], [1.0, 2.0])
    with pytest.raises(cx.LengthMismatchError):
        stats.paired_t([1, 2, 3], [1, 2])
    with pytest.raises(cx.InvalidOptionError, match="2x2"):
        stats.chi2_independence([[1, 2, 3], [4, 5, 6]], yates=True)
    with pytest.raises(cx.InvalidOptionError, match="ties"):
        stats.mann_whitney_u([1, 2, 2], [3, 4], method="exact")
    with pytest.raises(cx.InvalidOptionError, match="method"):
        stats.mann_whitney_u([1, 2], [3, 4], method="perm")  # type: ignore[arg-type]
    with pytest.raises(cx.InvalidValueError):
        stats.two_proportion_z(5, 4, 1, 4)
    with pytest.raises(cx.InvalidValueError):
        stats.two_proportion_z(-1, 4, 1, 4)
    with pytest.raises(cx.TooFewObservationsError):
        stats.kruskal([1, 2, 3])


def test_chi2_yates_matches_scipy_default_on_2x2() -> None:
    t = [[36, 14], [24, 26]]
    ref = sps.chi2_contingency(t)  # scipy corrects 2x2 by default
    r = stats.chi2_independence(t, yates=True)
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-12)
    assert r.method == "yates"


def test_result_dict_and_repr() -> None:
    r = stats.two_proportion_z(45, 60, 30, 60)
    d = r.to_dict()
    assert d["effect_size_name"] == "cohens_h"
    assert d["ci_level"] == 0.95
    assert d["ci"] == r.ci
    assert repr(r).startswith("TestResult(test='two_proportion_z', statistic=2.828427")
    assert stats.anova_oneway([1, 2, 3], [3, 4, 5]).effect_size_name == "eta_squared"


def test_chi2_table_from_numpy_and_pandas() -> None:
    pd = pytest.importorskip("pandas")
    t = [[120, 45, 35], [80, 60, 60], [40, 30, 70]]
    ref = sps.chi2_contingency(t, correction=False)
    assert stats.chi2_independence(np.array(t)).statistic == pytest.approx(ref.statistic)
    df = pd.DataFrame(
        {"channel": ["phone"] * 3 + ["chat"] * 2, "outcome": ["ok", "ok", "bad", "bad", "ok"]}
    )
    xt = pd.crosstab(df.channel, df.outcome)
    r = stats.chi2_independence(xt)
    assert r.statistic == pytest.approx(sps.chi2_contingency(xt, correction=False).statistic)
    with pytest.raises(cx.LengthMismatchError):
        stats.chi2_independence([[1, 2, 3], [4, 5]])
    with pytest.raises(TypeError):
        stats.chi2_independence("table")  # type: ignore[arg-type]


def test_none_and_arrow_nulls_are_missing() -> None:
    pa = pytest.importorskip("pyarrow")
    with pytest.raises(cx.InvalidValueError) as e:
        stats.mann_whitney_u([1.0, None, 3.0], [4.0, 5.0])  # type: ignore[list-item]
    assert e.value.row == 1
    r = stats.mann_whitney_u(pa.array([1.0, None, 3.0]), [4.0, 5.0], missing="skip")
    ref = sps.mannwhitneyu([1.0, 3.0], [4.0, 5.0])
    assert (r.statistic, r.p_value, r.n) == (ref.statistic, pytest.approx(ref.pvalue), [2, 2])
    k = stats.kruskal([1, 2, math.nan], [3, 4, 5], missing="skip")
    assert k.statistic == pytest.approx(sps.kruskal([1, 2], [3, 4, 5]).statistic, rel=1e-12)


def test_large_samples_keep_p_value_accuracy() -> None:
    # Welch on 150k vs 120k handle times (df ~ 2.6e5), ANOVA with 270k observations:
    # where statrs' incomplete beta alone drifts to ~1e-9 relative.
    g = np.random.default_rng(11)
    a, b = g.normal(300, 60, 150_000), g.normal(300.6, 60, 120_000)
    ours, ref = stats.welch_t(a, b), sps.ttest_ind(a, b, equal_var=False)
    assert ours.df == pytest.approx(ref.df, rel=1e-12)
    assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-10)
    ours, ref = (
        stats.anova_oneway(a, b[:60_000], b[60_000:] + 1.0),
        sps.f_oneway(a, b[:60_000], b[60_000:] + 1.0),
    )
    assert ours.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-10)
