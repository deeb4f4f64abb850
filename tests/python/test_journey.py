"""cx.journey: reference values from scipy, statsmodels and pandas written out here."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

import cx
from cx.exceptions import InvalidValueError, MissingFieldError
from cx.journey import Journey, analyze, benjamini_hochberg, paths

SMALL = {
    "name": "j",
    "stages": [
        {
            "id": "buy",
            "name": "购买",
            "touchpoints": [
                {"id": "app", "name": "App", "channel": "in_app", "expected_emotion": 0.5},
                {"id": "pay", "name": "支付", "channel": "in_app"},
            ],
        },
        {
            "id": "ship",
            "name": "配送",
            "touchpoints": [{"id": "courier", "name": "快递", "channel": "sms"}],
        },
    ],
}


@pytest.fixture(scope="module")
def journey() -> Journey:
    return Journey.load(cx.datasets.sample_path("journey"))


@pytest.fixture(scope="module")
def feedback() -> pd.DataFrame:
    return pd.read_csv(cx.datasets.sample_path("feedback"))


# ------------------------------------------------------------------ the journey as data


def test_journey_formats_round_trip(tmp_path) -> None:
    j = Journey.from_dict(SMALL)
    assert j.name == "j"
    assert len(j) == 2
    assert [t["id"] for t in j.touchpoints] == ["app", "pay", "courier"]
    assert j.touchpoints[2]["stage_id"] == "ship"
    assert Journey.from_json(j.to_json()).to_dict() == j.to_dict()
    assert Journey.from_dict(j.to_dict()).to_dict() == j.to_dict()
    yaml = pytest.importorskip("yaml")
    path = tmp_path / "j.yaml"
    path.write_text(yaml.safe_dump(SMALL, allow_unicode=True), encoding="utf-8")
    assert Journey.load(path).to_dict() == j.to_dict()
    assert "<table>" in j._repr_html_()


def test_journey_validation() -> None:
    dup = json.loads(json.dumps(SMALL))
    dup["stages"][1]["touchpoints"][0]["id"] = "app"
    with pytest.raises(InvalidValueError) as e:
        Journey.from_dict(dup)
    assert e.value.field == "touchpoint_id"
    assert e.value.value == "app"


# ------------------------------------------------------------------ Benjamini–Hochberg


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=40))
def test_bh_matches_statsmodels(p: list[float]) -> None:
    want = multipletests(p, method="fdr_bh")[1]
    np.testing.assert_allclose(benjamini_hochberg(p), want, rtol=1e-12, atol=1e-15)


def test_bh_rejects_bad_p() -> None:
    with pytest.raises(InvalidValueError) as e:
        benjamini_hochberg([0.1, float("nan")])
    assert e.value.row == 1


# ------------------------------------------------------------------ analysis


def _y(df: pd.DataFrame, score: str) -> pd.Series:
    if score == "nps":
        return pd.Series(np.where(df.nps >= 9, 100.0, np.where(df.nps <= 6, -100.0, 0.0)), df.index)
    if score == "csat":
        return pd.Series(np.where(df.csat >= 4, 100.0, 0.0), df.index)
    return df.ces.astype(float)


@pytest.mark.parametrize("score", ["nps", "csat", "ces"])
def test_tests_match_scipy_and_statsmodels(journey, feedback, score) -> None:
    a = analyze(journey, feedback, score=score)
    got = a.touchpoints.set_index("touchpoint_id")
    d = feedback.dropna(subset=[score])
    d = d.assign(y=_y(d, score))
    rows = []
    for tp, g in d.groupby("touchpoint_id"):
        rest = d.loc[d.touchpoint_id != tp, "y"]
        t = stats.ttest_ind(g.y, rest, equal_var=False)
        rows.append((tp, len(g), g.y.mean(), g.y.mean() - rest.mean(), t.statistic, t.pvalue))
    ref = pd.DataFrame(rows, columns=["tp", "n", "score", "gap", "t", "p"]).set_index("tp")
    ref["q"] = multipletests(ref.p, method="fdr_bh")[1]
    ref = ref.loc[got.index]
    np.testing.assert_array_equal(got.n, ref.n)
    np.testing.assert_allclose(got.score, ref.score, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got.gap, ref.gap, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(got.statistic, ref.t, rtol=1e-9)
    np.testing.assert_allclose(got.p_value, ref.p, rtol=1e-6, atol=1e-300)
    np.testing.assert_allclose(got.q_value, ref.q, rtol=1e-6, atol=1e-300)
    # The journey score is the mean of y over every scored, matched response.
    assert a.journey_score == pytest.approx(d.y.mean(), rel=1e-12)


def test_per_touchpoint_and_stage_metrics_match_pandas(journey, feedback) -> None:
    a = analyze(journey, feedback)
    got = a.touchpoints.set_index("touchpoint_id")
    g = feedback.groupby("touchpoint_id")
    nps = g.nps.apply(lambda s: 100 * ((s >= 9).sum() - (s <= 6).sum()) / s.notna().sum())
    csat = g.csat.apply(lambda s: 100 * (s >= 4).sum() / s.notna().sum())
    ces = g.ces.mean()
    complaints = g.kind.apply(lambda s: (s == "complaint").mean())
    np.testing.assert_allclose(got.nps, nps.loc[got.index], rtol=1e-12)
    np.testing.assert_allclose(got.csat, csat.loc[got.index], rtol=1e-12)
    np.testing.assert_allclose(got.ces, ces.loc[got.index], rtol=1e-12)
    np.testing.assert_allclose(got.complaint_share, complaints.loc[got.index], rtol=1e-12)
    np.testing.assert_array_equal(got.volume, g.size().loc[got.index])
    # Stages: the same over the stage's touchpoints.
    stage_of = {t["id"]: t["stage_id"] for t in journey.touchpoints}
    f = feedback.assign(stage=feedback.touchpoint_id.map(stage_of))
    s = f.groupby("stage").nps
    want = s.apply(lambda x: 100 * ((x >= 9).sum() - (x <= 6).sum()) / x.notna().sum())
    stages = a.stages.set_index("stage_id")
    np.testing.assert_allclose(stages.score, want.loc[stages.index], rtol=1e-12)
    curve = a.emotion_curve
    assert list(curve.stage_id) == [s["id"] for s in journey.stages]
    np.testing.assert_allclose(curve.emotion, curve.score / 100, rtol=1e-12)
    # The stage interval is cx.nps's adjusted-Wald interval of the stage's ratings.
    first = f.loc[f.stage == "awareness", "nps"].dropna().to_numpy()
    ref = cx.nps(first)
    assert (curve.ci_low[0], curve.ci_high[0]) == pytest.approx((ref.ci_low, ref.ci_high))


def test_acceptance_finds_exactly_the_planted_points(journey, feedback) -> None:
    """Issue 7: on the sample, the planted pain and delight points and no others at FDR 0.05."""
    truth = cx.datasets.truth()
    a = analyze(journey, feedback, fdr=0.05)
    assert {p["touchpoint_id"] for p in a.pain_points} == set(truth["pain_points"])
    assert {p["touchpoint_id"] for p in a.delight_points} == set(truth["delight_touchpoints"])
    assert all(p["q_value"] <= 0.05 and p["gap"] < 0 for p in a.pain_points)
    impacts = [p["impact"] for p in a.pain_points]
    assert impacts == sorted(impacts)  # most costly (most negative) first
    assert all("Welch" in p["reason"] for p in a.pain_points + a.delight_points)
    planted = set(truth["pain_points"]) | set(truth["delight_touchpoints"])
    assert not planted & {o["touchpoint_id"] for o in a.opportunities}
    findings = a.touchpoints.set_index("touchpoint_id").finding
    assert findings.loc["logistics"] == "pain"
    assert findings.loc["app_browse"] == "delight"


def test_opportunities_follow_their_documented_rule(journey, feedback) -> None:
    a = analyze(journey, feedback)
    t = a.touchpoints
    cut = np.quantile(t.n, 0.5)  # numpy's default is the type-7 quantile
    want = t[(t.finding.isna() | (t.finding == "opportunity"))]
    want = want[(want.n >= cut) & (want.score <= a.journey_score) & (want.q_value > 0.05)]
    assert {o["touchpoint_id"] for o in a.opportunities} == set(want.touchpoint_id)


def test_frames_of_the_callers_type(journey, feedback) -> None:
    a = analyze(journey, pl.from_pandas(feedback))
    assert isinstance(a.touchpoints, pl.DataFrame)
    b = analyze(journey, pa.Table.from_pandas(feedback))
    assert isinstance(b.emotion_curve, pa.Table)
    d = a.to_dict()
    assert d["options"]["score"] == "nps"
    assert len(d["touchpoints"]) == 15
    assert "<table>" in a._repr_html_()
    assert "logistics" in repr(a)


def test_unknown_touchpoints_error_or_count(journey) -> None:
    fb = pd.DataFrame({"tp": ["app", "nowhere", None, "pay"], "nps": [10, 3, 5, 9]})
    with pytest.raises(InvalidValueError) as e:
        analyze(Journey.from_dict(SMALL), fb, touchpoint="tp")
    assert (e.value.field, e.value.row, e.value.value) == ("tp", 1, "nowhere")
    a = analyze(Journey.from_dict(SMALL), fb, touchpoint="tp", unknown="count")
    assert a.unmatched == {"nowhere": 1, None: 1}
    assert a.n_unmatched == 2
    assert a.n == 2


def test_bad_input_names_the_column() -> None:
    j = Journey.from_dict(SMALL)
    with pytest.raises(InvalidValueError) as e:
        analyze(
            j, pd.DataFrame({"touchpoint_id": ["app", "pay"], "rating": [10, 12]}), nps="rating"
        )
    assert (e.value.field, e.value.row) == ("rating", 1)
    with pytest.raises(MissingFieldError):
        analyze(j, pd.DataFrame({"touchpoint_id": ["app"]}))
    with pytest.raises(cx.InvalidOptionError):
        analyze(j, pd.DataFrame({"touchpoint_id": ["app"], "nps": [1]}), score="effort")


# ------------------------------------------------------------------ paths


def test_paths_match_pandas(journey, feedback) -> None:
    ev = feedback.dropna(subset=["customer_id"])
    p = paths(ev, journey=journey)
    ordered = ev.assign(t=pd.to_datetime(ev.timestamp, utc=True)).sort_values(
        ["customer_id", "t"], kind="stable"
    )
    nxt = ordered.groupby("customer_id").touchpoint_id.shift(-1)
    pairs = (
        pd.DataFrame({"from": ordered.touchpoint_id, "to": nxt})
        .dropna()
        .value_counts()
        .rename("count")
        .reset_index()
    )
    got = p.transitions.set_index(["from", "to"])["count"]
    want = pairs.set_index(["from", "to"])["count"]
    assert got.sort_index().to_dict() == want.sort_index().to_dict()
    assert got.sum() == len(ev) - ev.customer_id.nunique()
    assert (p.n_events, p.n_customers) == (len(ev), ev.customer_id.nunique())
    whole = ordered.groupby("customer_id").touchpoint_id.agg(" → ".join).value_counts()
    top = p.top_paths
    assert list(top["count"]) == list(whole.iloc[: len(top)])
    drop = p.drop_off
    assert drop.reached.iloc[0] == p.n_customers
    assert drop.dropped.sum() == p.n_customers


def test_paths_hand_worked_and_sankey() -> None:
    j = Journey.from_dict(SMALL)
    ev = pl.DataFrame(
        {
            "customer_id": ["u1", "u1", "u2", "u1", "u3"],
            "timestamp": [3, 1, 1, 2, 1],
            "touchpoint_id": ["courier", "app", "app", "pay", "ship"],
        }
    )
    p = paths(ev, journey=j)
    assert isinstance(p.transitions, pl.DataFrame)
    assert p.top_paths["path"].to_list()[0] in {"app", "app → pay → courier", "ship"}
    assert p.drop_off["dropped"].to_list() == [1, 2]
    s = p.sankey()
    step0 = [n for n in s["nodes"] if n["step"] == 0]
    assert {n["id"]: n["count"] for n in step0} == {"app": 2, "ship": 1}
    assert sum(link["value"] for link in s["links"]) == 2
    st_ = paths(ev, journey=j, level="stage")
    assert st_.transitions.filter(pl.col("from") == "buy")["count"].sum() == 2
    assert p.to_dict()["n_customers"] == 3


def test_paths_unknown_and_missing() -> None:
    j = Journey.from_dict(SMALL)
    ev = pd.DataFrame(
        {"customer_id": ["u1", "u1"], "timestamp": [1, 2], "touchpoint_id": ["app", "moon"]}
    )
    with pytest.raises(InvalidValueError) as e:
        paths(ev, journey=j)
    assert (e.value.row, e.value.value) == (1, "moon")
    assert paths(ev, journey=j, unknown="count").n_unmatched == 1
    with pytest.raises(MissingFieldError):
        paths(ev.drop(columns="timestamp"))


# ------------------------------------------------------------------ moments-of-truth seam


def test_experience_matrix_matches_pandas(journey, feedback) -> None:
    fb = feedback.dropna(subset=["customer_id", "nps"])
    m = cx.journey.experience_matrix(journey, feedback)
    want = fb.pivot_table(
        index="customer_id", columns="touchpoint_id", values="nps", aggfunc="mean"
    )
    got = m.set_index("customer_id")
    assert list(got.columns) == [t["id"] for t in journey.touchpoints]
    assert set(got.index) == set(want.index)
    pd.testing.assert_frame_equal(
        got.loc[want.index, want.columns], want, check_names=False, check_dtype=False
    )
    survey = pd.read_csv(cx.datasets.sample_path("survey"))
    d = cx.journey.experience_matrix(journey, feedback, outcomes=survey).set_index("customer_id")
    kept = want.loc[want.index.isin(survey.customer_id)]
    centred = (kept - kept.mean()).fillna(0.0)
    pd.testing.assert_frame_equal(
        d[centred.columns].loc[centred.index], centred, check_names=False, check_dtype=False
    )
    np.testing.assert_array_equal(
        d.nps,
        survey.drop_duplicates("customer_id", keep="last")
        .set_index("customer_id")
        .nps.loc[d.index],
    )


def test_moments_of_truth_ranking() -> None:
    top = cx.journey.moments_of_truth(["a", "b", "c"], [0.2, 0.5, 0.3], cumulative_share=1.0)
    assert [m["rank"] for m in top] == [1, 2, 3]
    assert [m["touchpoint_id"] for m in top] == ["b", "c", "a"]
    assert sum(m["share"] for m in top) == pytest.approx(1.0)
    with pytest.raises(cx.LengthMismatchError):
        cx.journey.moments_of_truth(["a"], [0.1, 0.2])


def test_paths_read_naive_text_times_with_tz() -> None:
    ev = pd.DataFrame(
        {
            "customer_id": ["u1", "u1"],
            "timestamp": ["2024-01-01 10:00", "2024-01-01T01:30:00Z"],
            "touchpoint_id": ["app", "pay"],
        }
    )
    with pytest.raises(cx.MissingTimeZoneError):
        paths(ev)
    # 10:00 in Shanghai is 02:00 UTC, after 01:30 UTC.
    p = paths(ev, tz="Asia/Shanghai")
    assert p.top_paths["path"].tolist() == ["pay → app"]


def test_key_moments_rank_touchpoints_by_all_subsets_lmg() -> None:
    # Outcome driven by the "pay" experience (and a little by "app"); "faq" is noise. The
    # LMG shares are recomputed here from the experience matrix by all-subsets OLS in numpy
    # (Lindeman, Merenda & Gold 1980), independently of cx.drivers.
    import itertools
    import math

    rng = np.random.default_rng(7)
    tps = ["app", "pay", "faq"]
    j = cx.journey.Journey.from_dict(
        {
            "name": "j",
            "stages": [
                {
                    "id": "s",
                    "name": "S",
                    "touchpoints": [{"id": t, "name": t, "channel": "in_app"} for t in tps],
                }
            ],
        }
    )
    rows, outcomes = [], []
    for i in range(400):
        scores = {t: int(rng.integers(0, 11)) for t in tps if rng.random() < 0.8}
        for t, v in scores.items():
            rows.append({"customer_id": f"c{i}", "touchpoint_id": t, "nps": v})
        y = 5 + 0.5 * (scores.get("pay", 5) - 5) + 0.1 * (scores.get("app", 5) - 5)
        outcomes.append(
            {"customer_id": f"c{i}", "nps": float(np.clip(round(y + rng.normal()), 0, 10))}
        )
    fb, survey = pd.DataFrame(rows), pd.DataFrame(outcomes)
    got = cx.journey.key_moments(j, fb, survey, cumulative_share=1.0)
    assert got[0]["touchpoint_id"] == "pay"

    x = cx.journey.experience_matrix(j, fb, outcomes=survey)
    cols = [c for c in x.columns if c not in ("customer_id", "nps")]
    xs, y = x[cols].to_numpy(float), x["nps"].to_numpy(float)

    def r2(idx: tuple[int, ...]) -> float:
        if not idx:
            return 0.0
        a = np.column_stack([np.ones(len(y)), xs[:, list(idx)]])
        resid = y - a @ np.linalg.lstsq(a, y, rcond=None)[0]
        return 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))

    p = len(cols)
    lmg = {}
    for k, c in enumerate(cols):
        others = [i for i in range(p) if i != k]
        total = 0.0
        for size in range(p):
            w = math.factorial(size) * math.factorial(p - size - 1) / math.factorial(p)
            for s in itertools.combinations(others, size):
                total += w * (r2(tuple(sorted((*s, k)))) - r2(s))
        lmg[c] = total
    for m in got:
        assert m["importance"] == pytest.approx(lmg[m["touchpoint_id"]], rel=1e-9, abs=1e-12)
        assert m["r_squared"] == pytest.approx(r2(tuple(range(p))), rel=1e-9)
