"""Grouped NPS/CSAT/CES, `cx.summarize` and the mergeable tallies.

References are computed independently: pandas groupby counts, statsmodels
`proportion_confint`, scipy's t interval and numpy moments. Grouped results are also
checked against the flat `cx.nps` on each group's subset (the flat function is itself
tested against statsmodels in test_metrics.py).
"""

from __future__ import annotations

import datetime as dt
import pickle

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

import cx
from cx.metrics import MeanTally, NpsTally, ProportionTally, nps_by_group, summarize

RNG = np.random.default_rng(20240404)
N, G = 20_000, 37
SCORES = RNG.integers(0, 11, N, dtype=np.uint8)
CODES = RNG.integers(0, G, N, dtype=np.uint32)


def table(obj: object) -> pa.Table:
    return pa.table(obj)


def test_grouped_counts_match_a_pandas_groupby() -> None:
    t = table(nps_by_group(SCORES, CODES))
    df = pd.DataFrame({"s": SCORES, "g": CODES})
    ref = (
        df.assign(p=df.s >= 9, a=df.s.between(7, 8), d=df.s <= 6)
        .groupby("g")[["p", "a", "d"]]
        .sum()
    )
    assert t.column("key").to_pylist() == ref.index.tolist()
    assert t.column("n_promoters").to_pylist() == ref.p.tolist()
    assert t.column("n_passives").to_pylist() == ref.a.tolist()
    assert t.column("n_detractors").to_pylist() == ref.d.tolist()
    score = 100 * (ref.p - ref.d) / (ref.p + ref.a + ref.d)
    np.testing.assert_allclose(t.column("score").to_numpy(), score.to_numpy(), rtol=1e-12)


@pytest.mark.parametrize("ci", ["adjusted-wald", "wald"])
def test_grouped_equals_flat_nps_on_each_subset(ci: str) -> None:
    t = table(nps_by_group(SCORES, CODES, ci=ci, level=0.9)).to_pylist()
    assert len(t) == G
    for row in t:
        s = cx.nps(SCORES[row["key"] == CODES], ci=ci, level=0.9)
        assert (row["n"], row["n_promoters"], row["n_detractors"]) == (
            s.n,
            s.n_promoters,
            s.n_detractors,
        )
        assert row["method"] == ci
        for f in ["score", "ci_low", "ci_high", "standard_error"]:
            assert row[f] == pytest.approx(getattr(s, f), rel=1e-12, abs=1e-12)


def test_weighted_groups_equal_weighted_flat_nps() -> None:
    w = RNG.uniform(0.5, 2.0, N)
    t = table(nps_by_group(SCORES, CODES, weights=w)).to_pylist()
    for row in t[:5]:
        m = row["key"] == CODES
        s = cx.nps(SCORES[m].astype(float), weights=w[m])
        assert row["score"] == pytest.approx(s.score, rel=1e-9)
        assert row["standard_error"] == pytest.approx(s.standard_error, rel=1e-9)


def test_string_keys_several_columns_and_missing() -> None:
    names = np.array(["north", "south", "east"])[CODES % 3]
    s = SCORES.astype(float)
    s[::10] = np.nan
    t = table(nps_by_group(s, [names, CODES % 2])).to_pylist()
    assert [(r["key_0"], r["key_1"]) for r in t] == [
        (a, b) for a in ["east", "north", "south"] for b in [0, 1]
    ]
    df = pd.DataFrame({"s": s, "a": names, "b": CODES % 2})
    ref = df.groupby(["a", "b"]).agg(n=("s", "count"), miss=("s", lambda x: x.isna().sum()))
    assert [r["n"] for r in t] == ref.n.tolist()
    assert [r["n_missing"] for r in t] == ref.miss.tolist()
    # A list of strings is one key column, not a list of columns.
    one = table(nps_by_group([10, 3, 9], ["a", "b", "a"]))
    assert one.column_names[0] == "key"
    assert one.num_rows == 2


def test_gappy_and_sparse_uint32_codes() -> None:
    s = np.array([10, 3, 9, 255], np.uint8)
    gappy = table(nps_by_group(s, np.array([2, 2, 9, 9], np.uint32))).to_pylist()
    assert [(r["key"], r["n"], r["n_missing"]) for r in gappy] == [(2, 2, 0), (9, 1, 1)]
    # A code far beyond the row count is dictionary-encoded instead of counted densely.
    sparse = table(nps_by_group(s, np.array([4_000_000_000, 5, 5, 7], np.uint32))).to_pylist()
    assert [(r["key"], r["n"], r["n_missing"]) for r in sparse] == [
        (5, 2, 0),
        (7, 0, 1),
        (4_000_000_000, 1, 0),
    ]
    assert sparse[1]["score"] is None


def test_tallies_merged_from_random_splits_equal_one_pass() -> None:
    for seed in range(20):
        rng = np.random.default_rng(seed)
        x = rng.integers(0, 11, int(rng.integers(1, 500))).astype(float)
        x[rng.random(x.size) < 0.1] = np.nan
        cuts = np.sort(rng.integers(0, x.size, int(rng.integers(0, 6))))
        parts = np.split(x, cuts)
        whole = NpsTally()
        whole.update(x)
        merged = NpsTally()
        for p in parts:
            t = NpsTally()
            t.update(p)
            merged = merged.merge(t)
        assert merged == whole
        assert (merged.n, merged.n_missing) == (np.isfinite(x).sum(), np.isnan(x).sum())

        ys = rng.normal(1e6, 3.0, x.size)
        mt = MeanTally()
        for p in np.split(ys, cuts):
            part = MeanTally()
            part.update(p)
            mt = mt.merge(part)
        assert mt.n == ys.size
        assert mt.mean == pytest.approx(ys.mean(), rel=1e-12)
        if ys.size > 1:
            assert mt.variance == pytest.approx(ys.var(ddof=1), rel=1e-9)

        o = (x >= 9).astype(float)
        o[np.isnan(x)] = np.nan
        pt = ProportionTally()
        for p in np.split(o, cuts):
            part = ProportionTally()
            part.update(p)
            pt = pt.merge(part)
        assert (pt.successes, pt.n) == ((x >= 9).sum(), np.isfinite(x).sum())


def test_merge_returns_a_new_tally_and_leaves_operands_alone() -> None:
    a, b = NpsTally(), NpsTally()
    a.update([10])
    b.update([3])
    c = a.merge(b)
    assert (a.n, b.n, c.n) == (1, 1, 2)


def test_tally_finish_matches_references() -> None:
    p = ProportionTally()
    p.update([1, 1, 0, 1, None])
    s = p.finish(ci="wilson", level=0.9)
    lo, hi = proportion_confint(3, 4, alpha=0.1, method="wilson")
    assert (s.ci_low, s.ci_high) == pytest.approx((lo, hi), rel=1e-12)
    m = MeanTally()
    m.update([2.0, 4.0, 9.0])
    ms = m.finish(level=0.95)
    lo, hi = stats.t.interval(0.95, 2, loc=5.0, scale=stats.sem([2.0, 4.0, 9.0]))
    assert (ms.ci_low, ms.ci_high) == pytest.approx((lo, hi), rel=1e-12)
    t = NpsTally()
    t.update(np.array([10, 9, 3, 7], dtype=np.uint8))
    assert t.finish(ci="wald").score == 25.0
    assert t.finish().method == "adjusted-wald"
    w = NpsTally()
    w.update([10, 3], weights=[2.0, 1.0])
    assert w.finish().score == pytest.approx(100 / 3)


@pytest.mark.parametrize("cls", [NpsTally, ProportionTally, MeanTally])
def test_pickle_round_trip_and_corrupted_bytes(cls: type) -> None:
    t = cls()
    t.update([1.0, 0.0, 1.0, float("nan")])
    assert pickle.loads(pickle.dumps(t)) == t
    b = t.to_bytes()
    assert cls.from_bytes(b) == t
    flipped = bytearray(b)
    flipped[len(b) // 2] ^= 0x01
    with pytest.raises(cx.FormatError):
        cls.from_bytes(bytes(flipped))
    other_version = bytearray(b)
    other_version[4] = 2
    with pytest.raises(cx.FormatError, match="version"):
        cls.from_bytes(bytes(other_version))
    with pytest.raises(cx.FormatError):
        cls.from_bytes(b[:-1])
    foreign = NpsTally if cls is not NpsTally else MeanTally
    with pytest.raises(cx.FormatError):
        foreign.from_bytes(b)


def frame_data() -> dict[str, object]:
    ts = pd.date_range("2024-01-01", periods=400, freq="5h", tz="UTC")
    return {
        "store": np.array(["a", "b", "c", "d"])[np.arange(400) % 4],
        "nps": SCORES[:400],
        "csat": (SCORES[:400] % 5 + 1).astype(np.int64),
        "at": ts,
    }


def test_caller_type_in_caller_type_out() -> None:
    pdf = pd.DataFrame(frame_data())
    out_pd = summarize(pdf, by=["store"], time="at", freq="week")
    out_pl = summarize(pl.from_pandas(pdf), by="store", time="at", freq="week")
    out_pa = summarize(pa.Table.from_pandas(pdf), by="store", time="at", freq="week")
    assert isinstance(out_pd, pd.DataFrame)
    assert isinstance(out_pl, pl.DataFrame)
    assert isinstance(out_pa, pa.Table)
    assert out_pd["n"].tolist() == out_pl["n"].to_list() == out_pa.column("n").to_pylist()
    assert list(out_pd.columns[:4]) == ["store", "bucket", "n", "n_missing"]
    assert out_pd["bucket"].dt.day_of_week.eq(0).all()  # ISO weeks start on Monday
    ref = pdf.assign(p=pdf.nps >= 9).groupby("store").p.sum()
    assert out_pd.groupby("store").n_promoters.sum().tolist() == ref.tolist()


def test_summarize_csat_and_ces_against_references() -> None:
    pdf = pd.DataFrame(frame_data())
    out = summarize(pdf, score="csat", metric="csat", by="store", level=0.9)
    for row in out.itertuples():
        x = pdf.csat[pdf.store == row.store]
        k = int((x >= 4).sum())
        lo, hi = proportion_confint(k, x.size, alpha=0.1, method="wilson")
        assert (row.n, row.n_top_box) == (x.size, k)
        assert (row.ci_low, row.ci_high) == pytest.approx((100 * lo, 100 * hi), rel=1e-12)
    out = summarize(pl.from_pandas(pdf), score="csat", metric="ces", by="store")
    for row in out.iter_rows(named=True):
        x = pdf.csat[pdf.store == row["store"]].to_numpy(float)
        lo, hi = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))
        assert row["score"] == pytest.approx(x.mean(), rel=1e-12)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi), rel=1e-10)


def test_month_buckets_differ_between_shanghai_and_utc() -> None:
    # 2024-01-31T16:30Z is still January in UTC but 2024-02-01 00:30 in Shanghai.
    at = pd.to_datetime(["2024-01-31 16:30", "2024-01-15 00:00", "2024-02-10 00:00"], utc=True)
    df = pd.DataFrame({"nps": np.array([10, 3, 9], np.uint8), "at": at})
    utc = summarize(df, time="at")
    sh = summarize(df, time="at", tz="Asia/Shanghai")
    assert utc.n.tolist() == [2, 1]
    assert sh.n.tolist() == [1, 2]
    assert str(sh.bucket[1]) == "2024-02-01 00:00:00+08:00"
    assert str(utc.bucket[1]) == "2024-02-01 00:00:00+00:00"
    # Naive wall-clock times are read in `tz`: 23:30 on Jan 31 stays in January.
    naive = pd.DataFrame(
        {"nps": [10, 3], "at": pd.to_datetime(["2024-01-31 23:30", "2024-02-01 00:00"])}
    )
    out = summarize(naive, time="at", tz="Asia/Shanghai")
    assert out.n.tolist() == [1, 1]
    assert str(out.bucket[0]) == "2024-01-01 00:00:00+08:00"


def test_typed_errors() -> None:
    naive = pd.DataFrame({"nps": [10, 3], "at": pd.to_datetime(["2024-01-31", "2024-02-01"])})
    with pytest.raises(cx.MissingTimeZoneError) as e:
        summarize(naive, time="at")
    assert e.value.field == "at"
    with pytest.raises(cx.MissingFieldError):
        summarize(pa.table({"nps": [1]}), by="nope")
    with pytest.raises(cx.InvalidValueError) as v:
        summarize(pa.table({"nps": [1, 12]}))
    assert (v.value.row, v.value.value) == (1, "12")
    with pytest.raises(cx.InvalidValueError):
        nps_by_group([1.5], [0])
    with pytest.raises(cx.InvalidOptionError):
        summarize(pa.table({"nps": [1]}), metric="median")
    with pytest.raises(cx.InvalidOptionError):
        summarize(pa.table({"nps": [1], "w": [1.0]}), metric="csat", weights="w")
    with pytest.raises(cx.InvalidOptionError):
        summarize(pa.table({"nps": [1], "at": [dt.datetime(2024, 1, 1)]}), time="at", tz="Mars/X")
    with pytest.raises(cx.LengthMismatchError):
        nps_by_group(np.array([1, 2], np.uint8), np.array([0], np.uint32))
    with pytest.raises(cx.InvalidOptionError):
        ProportionTally().update([1.0], weights=[2.0])
    with pytest.raises(TypeError, match="keys"):
        nps_by_group([1], {"a": 1})
    with pytest.raises(TypeError):
        summarize({"nps": [1]})


def test_low_n_flag_marks_small_groups() -> None:
    scores = [10] * 40 + [3] * 5
    keys = ["big"] * 40 + ["small"] * 5
    t = cx.metrics.nps_by_group(scores, keys).to_pyarrow()
    assert t.column("key").to_pylist() == ["big", "small"]
    assert t.column("low_n").to_pylist() == [False, True]
    t = cx.metrics.nps_by_group(scores, keys, min_n=5).to_pyarrow()
    assert t.column("low_n").to_pylist() == [False, False]
    import pandas as pd

    df = pd.DataFrame({"k": keys, "nps": scores})
    out = cx.summarize(df, by="k", min_n=41)
    assert out["low_n"].tolist() == [True, True]


def _monthly_frame() -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(11)
    rows = []
    for store in ("a", "b"):
        for month, p_promoter in ((1, 0.3), (2, 0.5), (3, 0.45)):
            for _ in range(200):
                u = rng.random()
                nps = 10 if u < p_promoter else (8 if u < p_promoter + 0.3 else 4)
                rows.append(
                    {
                        "store": store,
                        "at": pd.Timestamp(2024, month, 15, 12, tz="Asia/Shanghai"),
                        "nps": nps,
                        "csat": int(rng.integers(1, 6)),
                        "ces": int(rng.integers(1, 8)),
                    }
                )
    return pd.DataFrame(rows)


def test_period_over_period_nps_change_matches_the_written_out_test() -> None:
    import math

    import numpy as np
    from scipy import stats

    df = _monthly_frame()
    out = cx.summarize(df, score="nps", by="store", time="at", freq="month")
    assert out["change"].isna().tolist() == [True, False, False, True, False, False]
    for i in (1, 2, 4, 5):
        store, cur_m, prev_m = out["store"][i], out["bucket"][i].month, out["bucket"][i - 1].month
        cur = df[(df.store == store) & (df["at"].dt.month == cur_m)].nps.to_numpy()
        prev = df[(df.store == store) & (df["at"].dt.month == prev_m)].nps.to_numpy()

        # Adjusted Wald (MeasuringU): n' = n + 3, add 3/4 promoter and 3/4 detractor.
        def adj(x: np.ndarray) -> tuple[float, float]:
            n = len(x) + 3
            p, d = (np.sum(x >= 9) + 0.75) / n, (np.sum(x <= 6) + 0.75) / n
            return p - d, (p + d - (p - d) ** 2) / n

        (a, va), (b, vb) = adj(cur), adj(prev)
        z = (a - b) / math.sqrt(va + vb)
        # `change` is the observed difference; the test and interval use the adjusted one.
        raw = lambda x: np.mean(x >= 9) - np.mean(x <= 6)  # noqa: E731
        assert out["change"][i] == pytest.approx(100 * (raw(cur) - raw(prev)), rel=1e-12)
        assert out["change_p_value"][i] == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-9)
        half = stats.norm.ppf(0.975) * math.sqrt(va + vb) * 100
        assert out["change_ci_low"][i] == pytest.approx(100 * (a - b) - half, rel=1e-9)


def test_period_over_period_csat_and_ces_match_statsmodels_and_scipy() -> None:
    from scipy import stats
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    df = _monthly_frame()
    cs = cx.summarize(df, score="csat", metric="csat", by="store", time="at")
    ce = cx.summarize(df, score="ces", metric="ces", by="store", time="at")
    sub = lambda m, col: df[(df.store == "b") & (df["at"].dt.month == m)][col]  # noqa: E731
    cur, prev = sub(3, "csat"), sub(2, "csat")
    x1, n1, x2, n2 = int((cur >= 4).sum()), len(cur), int((prev >= 4).sum()), len(prev)
    _, p = proportions_ztest([x1, x2], [n1, n2])
    lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="wald", compare="diff")
    assert cs["change"][5] == pytest.approx(100 * (x1 / n1 - x2 / n2), rel=1e-12)
    assert cs["change_p_value"][5] == pytest.approx(p, rel=1e-9)
    assert (cs["change_ci_low"][5], cs["change_ci_high"][5]) == (
        pytest.approx(100 * lo, rel=1e-9),
        pytest.approx(100 * hi, rel=1e-9),
    )
    a, b = sub(3, "ces").to_numpy(float), sub(2, "ces").to_numpy(float)
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert ce["change"][5] == pytest.approx(a.mean() - b.mean(), rel=1e-12)
    assert ce["change_p_value"][5] == pytest.approx(ref.pvalue, rel=1e-8)


def test_no_trend_columns_without_time() -> None:
    df = _monthly_frame()
    out = cx.summarize(df, score="nps", by="store")
    assert "change" not in out.columns
