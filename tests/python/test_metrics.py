"""NPS, CSAT and CES from Python.

Reference values come from elsewhere: the shared vectors in tests/vectors/metrics
(written by generate.py with scipy, statsmodels and numpy formulas), and live calls
to statsmodels' proportion_confint and scipy's t distribution and Welch test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
import scipy.stats
from statsmodels.stats.proportion import proportion_confint

import cx

VEC = Path(__file__).resolve().parents[1] / "vectors" / "metrics"


def _cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((VEC / f"{name}.json").read_text("utf-8"))["cases"]
    return cases


def _close(got: float, want: float, tol: dict[str, float]) -> bool:
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got is None or math.isnan(got)
    return math.isclose(got, want, rel_tol=tol.get("rel", 0.0), abs_tol=tol.get("abs", 0.0))


def _check(result: object, expected: dict[str, Any], tol: dict[str, float], label: str) -> None:
    for key, want in expected.items():
        got = getattr(result, key)
        if isinstance(want, int) and not isinstance(want, bool):
            assert got == want, f"{label}: {key} {got} != {want}"
        else:
            assert _close(got, want, tol), f"{label}: {key} {got} != {want}"


def _scores(xs: list[float | None]) -> list[float]:
    return [math.nan if x is None else x for x in xs]


@pytest.mark.parametrize("case", _cases("nps"), ids=lambda c: c.get("name", "case"))
def test_nps_vectors(case: dict[str, Any]) -> None:
    i = case["input"]
    s = cx.nps(_scores(i["scores"]), ci=i["method"], level=i["level"])
    _check(s, case["expected"], case["tolerance"], case.get("name", ""))


@pytest.mark.parametrize("case", _cases("weighted_nps"), ids=lambda c: c.get("name", "case"))
def test_weighted_nps_vectors(case: dict[str, Any]) -> None:
    i = case["input"]
    s = cx.nps(_scores(i["scores"]), weights=i["weights"], level=i["level"], ci="wald")
    _check(s, case["expected"], case["tolerance"], case.get("name", ""))


@pytest.mark.parametrize("case", _cases("csat"), ids=lambda c: c.get("name", "case"))
def test_csat_vectors(case: dict[str, Any]) -> None:
    i = case["input"]
    s = cx.csat(
        _scores(i["scores"]),
        scale=i["scale"],
        top_box=i["top_box"],
        ci=i["method"],
        level=i.get("level", 0.95),
    )
    _check(s, case["expected"], case["tolerance"], case.get("name", ""))


@pytest.mark.parametrize("case", _cases("ces"), ids=lambda c: c.get("name", "case"))
def test_ces_vectors(case: dict[str, Any]) -> None:
    i = case["input"]
    s = cx.ces(_scores(i["scores"]), scale=i["scale"], level=i["level"])
    _check(s, case["expected"], case["tolerance"], case.get("name", ""))


@pytest.mark.parametrize("case", _cases("compare_nps"), ids=lambda c: c.get("name", "case"))
def test_compare_nps_vectors(case: dict[str, Any]) -> None:
    i = case["input"]
    c = cx.compare_nps(_scores(i["a"]), _scores(i["b"]), ci=i["method"], level=i["level"])
    _check(c, case["expected"], case["tolerance"], case.get("name", ""))


@pytest.mark.parametrize("case", _cases("compare_proportions"))
def test_compare_proportions_vectors(case: dict[str, Any]) -> None:
    i = case["input"]
    c = cx.compare_proportions(i["x1"], i["n1"], i["x2"], i["n2"], level=i["level"])
    _check(c, case["expected"], case["tolerance"], "")


@pytest.mark.parametrize("case", _cases("compare_means"), ids=lambda c: c.get("name", "case"))
def test_compare_means_vectors(case: dict[str, Any]) -> None:
    i = case["input"]
    c = cx.compare_means(i["a"], i["b"], level=i["level"])
    _check(c, case["expected"], case["tolerance"], case.get("name", ""))


@pytest.mark.parametrize("case", _cases("sample_size"))
def test_sample_size_vectors(case: dict[str, Any]) -> None:
    i = case["input"]
    e = i["expected"]
    s = cx.sample_size(
        i["margin"],
        metric=case["kind"],
        level=i["level"],
        expected=tuple(e) if isinstance(e, list) else e,
    )
    _check(s, case["expected"], case["tolerance"], case["kind"])


# --- live checks against statsmodels and scipy (independent implementations) ---

SM_METHOD = {
    "wilson": "wilson",
    "clopper-pearson": "beta",
    "agresti-coull": "agresti_coull",
    "wald": "normal",
}


@pytest.mark.parametrize("ci", list(SM_METHOD))
@pytest.mark.parametrize(("x", "n"), [(0, 7), (7, 7), (3, 10), (1, 1), (481, 500)])
def test_csat_interval_matches_statsmodels(ci: str, x: int, n: int) -> None:
    scores = [5.0] * x + [1.0] * (n - x)
    s = cx.csat(scores, ci=ci, level=0.9)
    lo, hi = proportion_confint(x, n, alpha=0.1, method=SM_METHOD[ci])
    assert s.ci_low == pytest.approx(100 * lo, rel=1e-10, abs=1e-10)
    assert s.ci_high == pytest.approx(100 * hi, rel=1e-10, abs=1e-10)


def test_ces_mean_interval_matches_scipy_t() -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(1, 8, size=57).astype(float)
    s = cx.ces(x, level=0.99)
    lo, hi = scipy.stats.t.interval(0.99, len(x) - 1, loc=x.mean(), scale=scipy.stats.sem(x))
    assert (s.ci_low, s.ci_high) == (pytest.approx(lo, rel=1e-10), pytest.approx(hi, rel=1e-10))


def test_compare_means_matches_scipy_welch() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.normal(5, 1, 40), rng.normal(4.5, 2, 25)
    c = cx.compare_means(a, b)
    ref = scipy.stats.ttest_ind(a, b, equal_var=False)
    assert c.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert c.p_value == pytest.approx(ref.pvalue, rel=1e-9)


def test_wald_nps_written_out() -> None:
    scores = np.array([10, 9, 9, 8, 7, 6, 3, 10, 0, 9], dtype=float)
    p, d = np.mean(scores >= 9), np.mean(scores <= 6)
    se = math.sqrt((p + d - (p - d) ** 2) / len(scores))
    z = scipy.stats.norm.ppf(0.975)
    s = cx.nps(scores, ci="wald")
    assert s.score == pytest.approx(100 * (p - d), rel=1e-12)
    assert s.ci_low == pytest.approx(max(-100, 100 * (p - d - z * se)), rel=1e-12)
    assert s.ci_high == pytest.approx(min(100, 100 * (p - d + z * se)), rel=1e-12)


def test_weights_of_one_give_the_unweighted_score() -> None:
    scores = [10, 9, 3, 7, 8, 0, 10]
    assert cx.nps(scores, weights=[1.0] * 7).score == cx.nps(scores).score


# --- inputs: every column type gives the same answer ---


def test_input_types_agree() -> None:
    raw = [10, 9, 3, None, 7, 8, 0]
    want = cx.nps([float("nan") if v is None else v for v in raw])
    arrs: list[object] = [
        raw,
        np.array([np.nan if v is None else v for v in raw]),
        np.array([255 if v is None else v for v in raw], dtype=np.uint8),
        pa.array(raw, type=pa.int64()),
        pa.array(raw, type=pa.float64()),
        pa.chunked_array([raw[:3], raw[3:]], type=pa.int32()),
    ]
    import pandas as pd
    import polars as pl

    arrs += [pd.Series(raw, dtype="Float64"), pl.Series(raw)]
    for a in arrs:
        s = cx.nps(a)
        assert (s.score, s.n, s.n_missing) == (want.score, want.n, want.n_missing), type(a)


def test_bad_input_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="scores"):
        cx.nps(object())
    with pytest.raises(TypeError, match="scores"):
        cx.nps("9 10")


# --- typed errors ---


def test_out_of_range_score_names_row_and_value() -> None:
    with pytest.raises(cx.InvalidValueError) as e:
        cx.nps([10, 9, 11])
    assert (e.value.code, e.value.field, e.value.row, e.value.value) == (
        "invalid_value",
        "score",
        2,
        "11",
    )


def test_empty_input() -> None:
    with pytest.raises(cx.EmptyInputError) as e:
        cx.nps([])
    assert e.value.code == "empty_input"
    with pytest.raises(cx.EmptyInputError):
        cx.csat([None, None])


def test_length_mismatch() -> None:
    with pytest.raises(cx.LengthMismatchError) as e:
        cx.nps([10, 9], weights=[1.0])
    assert e.value.code == "length_mismatch"


def test_negative_and_all_zero_weights() -> None:
    with pytest.raises(cx.InvalidValueError) as e:
        cx.nps([10, 9], weights=[1.0, -1.0])
    assert e.value.row == 1
    with pytest.raises(cx.CxError):
        cx.nps([10, 9], weights=[0.0, 0.0])


def test_bad_options() -> None:
    with pytest.raises(cx.InvalidOptionError, match="ci"):
        cx.nps([9], ci="magic")
    with pytest.raises(cx.InvalidOptionError):
        cx.nps([9], level=1.5)
    with pytest.raises(cx.InvalidOptionError):
        cx.csat([5], scale="1-3")


def test_results_have_dict_repr_and_html() -> None:
    s = cx.nps([10, 9, 3])
    d = s.to_dict()
    assert d["n"] == 3
    assert d["method"] == "adjusted-wald"
    assert repr(s).startswith("NpsSummary(score=")
    assert "<table>" in s._repr_html_()
