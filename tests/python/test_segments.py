"""cx.rfm and cx.retention against independent pandas/numpy implementations written out
here (R's type-7 quantile = numpy.quantile(method="linear"); dplyr::ntile written out),
and against the churn planted in the bundled sample data (python/cx/data/truth.json)."""

from __future__ import annotations

import datetime as dt
import json
import pathlib

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import cx

DATA = pathlib.Path(cx.__file__).resolve().parent / "data"

# The ten segments of the R rfm package, rfm_segment() example (R/rfm-segment.R), in order.
RFM10 = [
    ("Champions", (5, 5), (5, 5), (5, 5)),
    ("Potential Loyalist", (3, 5), (3, 5), (2, 5)),
    ("Loyal Customers", (2, 4), (2, 4), (2, 4)),
    ("Promising", (3, 4), (1, 3), (3, 5)),
    ("New Customers", (4, 5), (1, 3), (1, 5)),
    ("Can't Lose Them", (1, 2), (3, 4), (4, 5)),
    ("At Risk", (1, 2), (2, 5), (4, 5)),
    ("Need Attention", (1, 3), (3, 5), (3, 5)),
    ("About To Sleep", (2, 3), (1, 3), (1, 4)),
    ("Lost", (1, 1), (1, 5), (1, 5)),
]


def synthetic(n: int = 5000, customers: int = 700, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-01-01")
    return pd.DataFrame(
        {
            "customer_id": rng.integers(0, customers, n) * 7 + 1000,
            "date": start + rng.integers(0, 500, n).astype("timedelta64[D]"),
            "amount": np.round(rng.gamma(2.0, 40.0, n), 2),
        }
    )


def reference_rfm(df: pd.DataFrame, as_of: pd.Timestamp, k: int) -> pd.DataFrame:
    """Idiomatic pandas RFM with R rfm-package conventions: type-7 breaks, value on a break
    to the lower bin (score = 1 + number of breaks strictly below), recency reversed."""
    g = df.groupby("customer_id").agg(
        last=("date", "max"), frequency=("date", "size"), monetary=("amount", "sum")
    )
    g["recency_days"] = (as_of - g["last"]).dt.days
    probs = np.arange(1, k) / k
    for col, name in [("recency_days", "r"), ("frequency", "f"), ("monetary", "m")]:
        breaks = np.quantile(g[col].to_numpy(dtype=float), probs, method="linear")
        score = 1 + np.searchsorted(breaks, g[col].to_numpy(dtype=float), side="left")
        g[name] = k + 1 - score if name == "r" else score
    return g


def reference_segment(r: int, f: int, m: int) -> str:
    for name, (rl, rh), (fl, fh), (ml, mh) in RFM10:
        if rl <= r <= rh and fl <= f <= fh and ml <= m <= mh:
            return name
    return "Others"


def test_quintiles_match_pandas_reference() -> None:
    df = synthetic()
    as_of = pd.Timestamp("2024-06-01")
    res = cx.rfm(df, as_of=as_of.date())
    out = res.table.set_index("customer")
    ref = reference_rfm(df, as_of, 5)
    assert list(out.index) == list(ref.index)
    np.testing.assert_array_equal(out["recency_days"], ref["recency_days"])
    np.testing.assert_array_equal(out["frequency"], ref["frequency"])
    np.testing.assert_allclose(out["monetary"], ref["monetary"], rtol=1e-12)
    for col, name in [("recency_score", "r"), ("frequency_score", "f"), ("monetary_score", "m")]:
        np.testing.assert_array_equal(out[col].to_numpy(), ref[name].to_numpy())
    expected = [
        reference_segment(r, f, m) for r, f, m in zip(ref["r"], ref["f"], ref["m"], strict=True)
    ]
    assert list(out["segment"].astype(str)) == expected
    np.testing.assert_array_equal(out["rfm_score"], 100 * ref["r"] + 10 * ref["f"] + ref["m"])
    # The breaks are R's quantile(type = 7) at 1/5 … 4/5.
    breaks = dict(res.breaks)
    np.testing.assert_allclose(
        breaks["monetary"], np.quantile(ref["monetary"], [0.2, 0.4, 0.6, 0.8], method="linear")
    )
    counts = dict(res.segment_counts)
    assert (
        counts == pd.Series(expected).value_counts().reindex(counts.keys(), fill_value=0).to_dict()
    )


def test_r_quantile_written_out() -> None:
    # R: quantile(c(1, 2, 3, 4, 10), c(.2, .4, .6, .8)) is 1.8 2.6 3.4 5.2; on recency the
    # value 2 sits above 1.8 and at most 2.6: bin 2 of 5, score 4.
    day = dt.date(2024, 1, 1)
    df = pd.DataFrame(
        {
            "customer_id": list("abcde"),
            "date": [day - dt.timedelta(days=d) for d in (1, 2, 3, 4, 10)],
            "amount": [1.0] * 5,
        }
    )
    res = cx.rfm(df, as_of=day, segments=[])
    np.testing.assert_allclose(dict(res.breaks)["recency"], [1.8, 2.6, 3.4, 5.2])
    assert res.table["recency_score"].tolist() == [5, 4, 3, 2, 1]
    # All amounts equal: every break is 1.0, all values sit on them → score 1, four empty.
    assert res.table["monetary_score"].tolist() == [1] * 5
    assert any("monetary" in w and "only 1 of 5" in w for w in res.warnings)


def dplyr_ntile(x: np.ndarray, n: int) -> np.ndarray:
    """dplyr::ntile written out: row_number() ranks, the first len %% n bins one larger."""
    rank = np.empty(len(x), dtype=int)
    rank[np.argsort(x, kind="stable")] = np.arange(1, len(x) + 1)
    length = len(x)
    n_larger = length % n
    larger_size, smaller_size = -(-length // n), length // n
    larger_threshold = larger_size * n_larger
    return np.where(
        rank <= larger_threshold,
        (rank + larger_size - 1) // larger_size,
        (rank - larger_threshold + smaller_size - 1) // max(smaller_size, 1) + n_larger,
    )


def test_ntile_matches_dplyr_written_out() -> None:
    df = synthetic(seed=11)
    as_of = pd.Timestamp("2024-06-01")
    out = cx.rfm(df, as_of=as_of.date(), method="ntile", bins=4, segments=[]).table
    ref = reference_rfm(df, as_of, 4)  # for the per-customer values, sorted by customer
    np.testing.assert_array_equal(
        out["frequency_score"], dplyr_ntile(ref["frequency"].to_numpy(), 4)
    )
    np.testing.assert_array_equal(out["monetary_score"], dplyr_ntile(ref["monetary"].to_numpy(), 4))
    np.testing.assert_array_equal(
        out["recency_score"], 5 - dplyr_ntile(ref["recency_days"].to_numpy(), 4)
    )
    sizes = np.bincount(out["monetary_score"])[1:]
    assert sizes.max() - sizes.min() <= 1


def test_custom_cuts_match_pandas_cut() -> None:
    df = synthetic(seed=3)
    as_of = pd.Timestamp("2024-06-01")
    cuts = {"recency": [30, 90, 180], "frequency": [2, 5, 9], "monetary": [100, 300, 600]}
    res = cx.rfm(df, as_of=as_of.date(), cuts=cuts, method="custom", bins=4, segments=[])
    out = res.table
    ref = reference_rfm(df, as_of, 4)
    for col, key in [
        ("recency_days", "recency"),
        ("frequency", "frequency"),
        ("monetary", "monetary"),
    ]:
        edges = [-np.inf, *cuts[key], np.inf]
        # pandas' right-closed intervals: a value equal to a cut goes to the lower bin.
        b = pd.cut(ref[col], edges, right=True, labels=False).to_numpy() + 1
        score = out[f"{key}_score"].to_numpy()
        np.testing.assert_array_equal(score, 5 - b if key == "recency" else b)
    th = res.thresholds
    assert th.loc[(th.dimension == "recency") & (th.score == 4), "up_to"].item() == 30


def test_mean_monetary_orders_and_frame_types() -> None:
    t = pa.table(
        {
            "cust": ["x", "x", "x", "y"],
            "when": pa.array([dt.date(2024, 1, d) for d in (1, 1, 5, 3)], pa.date32()),
            "spend": [10.0, 5.0, 30.0, 7.0],
            "order": ["o1", "o1", "o2", "o3"],
        }
    )
    res = cx.rfm(
        t,
        customer="cust",
        date="when",
        amount="spend",
        order="order",
        monetary="mean",
        bins=2,
        segments=[],
    )
    assert isinstance(res.table, pa.Table)
    assert res.table.column("frequency").to_pylist() == [2, 1]
    assert res.table.column("monetary").to_pylist() == [22.5, 7.0]
    assert res.as_of == dt.date(2024, 1, 6)
    out = cx.rfm(
        pl.from_arrow(t), customer="cust", date="when", amount="spend", bins=2, segments=[]
    )
    assert isinstance(out.table, pl.DataFrame)
    assert isinstance(out.thresholds, pl.DataFrame)


def test_chinese_labels_and_rfm8() -> None:
    df = synthetic(seed=5)
    zh = cx.rfm(df, labels="zh")
    names = [n for n, _ in zh.segment_counts]
    assert names[0] == "冠军客户"
    assert names[-1] == "其他"
    r8 = cx.rfm(df, segments="rfm8", labels="zh").table
    # rfm8 covers every score triple: high = score above bins/2 (3–5 of 5).
    assert "其他" not in set(r8["segment"].astype(str))
    hi = (r8.recency_score >= 3) & (r8.frequency_score >= 3) & (r8.monetary_score >= 3)
    assert (r8.loc[hi, "segment"].astype(str) == "重要价值客户").all()
    own = cx.rfm(df, segments=[("VIP", (4, 5), (4, 5), (4, 5))]).table
    assert set(own["segment"].astype(str)) <= {"VIP", "Others"}
    with pytest.raises(cx.InvalidOptionError):
        cx.rfm(df, segments=[("bad", (0, 5), (1, 5), (1, 5))])


def test_sample_data_churned_customers_land_in_slipping_segments() -> None:
    df = pd.read_csv(DATA / "transactions.csv")
    truth = json.loads((DATA / "truth.json").read_text(encoding="utf-8"))
    churned = set(truth["churned_customers"])
    res = cx.rfm(df)  # as of 2025-01-01, the day after the last transaction
    t = res.table
    mine = t[t["customer"].isin(churned)]
    assert len(mine) > 100
    # Planted rule: no orders after a churn day before 60% of the year, i.e. at least
    # ~146 days before the as-of date, beyond the 4/5 recency quantile of this data: R = 1.
    assert (mine["recency_days"] >= 146).all()
    assert (mine["recency_score"] == 1).all()
    # With R = 1 the only reachable rfm10 segments are these four; the clearly lapsed ones
    # (Lost, At Risk, Can't Lose Them, About To Sleep) hold at least 80% of the churned.
    seg = mine["segment"].astype(str)
    assert seg.isin(["Lost", "At Risk", "Can't Lose Them", "Need Attention"]).all()
    assert seg.isin(["Lost", "At Risk", "Can't Lose Them", "About To Sleep"]).mean() >= 0.8
    # Conversely no churned customer is a Champion, Loyal, Potential Loyalist or New Customer.
    assert not seg.isin(
        ["Champions", "Loyal Customers", "Potential Loyalist", "New Customers"]
    ).any()


def test_typed_errors_name_row_and_value() -> None:
    base = {"customer_id": ["a", "b", "c"], "date": ["2024-01-01", "2024-01-02", "2024-01-03"]}
    neg = pd.DataFrame({**base, "amount": [1.0, -2.0, 3.0]})
    with pytest.raises(cx.InvalidValueError) as e:
        cx.rfm(neg)
    assert (e.value.field, e.value.row, e.value.value) == ("amount", 1, "-2")
    assert cx.rfm(neg, negative="net", bins=2, segments=[]).n_customers == 2
    assert cx.rfm(neg, negative="net", bins=2, segments=[]).n_without_purchase == 1
    bad = pd.DataFrame({**base, "amount": [1.0, 2.0, 3.0]})
    bad.loc[2, "date"] = "2024-13-01"
    with pytest.raises(cx.InvalidValueError) as e:
        cx.rfm(bad)
    assert (e.value.field, e.value.row, e.value.value) == ("date", 2, "2024-13-01")
    miss = pd.DataFrame({**base, "amount": [1.0, 2.0, 3.0]})
    miss.loc[1, "customer_id"] = None
    with pytest.raises(cx.MissingFieldError) as e:
        cx.rfm(miss)
    assert (e.value.field, e.value.row) == ("customer_id", 1)
    nan = pd.DataFrame({**base, "amount": [1.0, np.nan, 3.0]})
    with pytest.raises(cx.InvalidValueError) as e:
        cx.rfm(nan)
    assert e.value.row == 1
    ok = pd.DataFrame({**base, "amount": [1.0, 2.0, 3.0]})
    with pytest.raises(cx.InvalidValueError) as e:
        cx.rfm(ok, as_of="2024-01-02")
    assert (e.value.field, e.value.row, e.value.value) == ("date", 2, "2024-01-03")
    r = cx.rfm(ok, as_of="2024-01-02", after_as_of="exclude", bins=2, segments=[])
    assert (r.n_excluded, r.n_customers) == (1, 2)
    with pytest.raises(cx.MissingFieldError):
        cx.rfm(ok, amount="revenue")
    with pytest.raises(cx.InvalidOptionError):
        cx.rfm(ok, method="kmeans")
    with pytest.raises(cx.InvalidOptionError):
        cx.rfm(ok, bins=12)


def test_pandas_columns_without_copy_read_as_arrow_does() -> None:
    """pandas numeric and datetime64 columns go to the core without `from_pandas`: the
    result equals the pyarrow table's for every datetime unit, and a NaN amount or a NaT
    date is still the typed error naming its row."""
    df = synthetic(n=3000, customers=400, seed=11)
    as_of = dt.date(2024, 6, 1)
    want = cx.rfm(pa.Table.from_pandas(df, preserve_index=False), as_of=as_of).table
    for unit in ["s", "ms", "us", "ns"]:
        frame = df.assign(date=df["date"].astype(f"datetime64[{unit}]"))
        got = pa.Table.from_pandas(cx.rfm(frame, as_of=as_of).table, preserve_index=False)
        assert got.select(want.column_names).equals(want.cast(got.select(want.column_names).schema))
    nat = df.copy()
    nat.loc[17, "date"] = pd.NaT
    with pytest.raises(cx.MissingFieldError) as e:
        cx.rfm(nat, as_of=as_of)
    assert (e.value.field, e.value.row) == ("date", 17)
    nan = df.copy()
    nan.loc[29, "amount"] = np.nan
    with pytest.raises(cx.InvalidValueError) as e:
        cx.rfm(nan, as_of=as_of)
    assert (e.value.field, e.value.row) == ("amount", 29)
    # Float and unsigned customer ids, and a nullable integer column, also work.
    for ids in [df["customer_id"].astype("uint32"), df["customer_id"].astype("Int64")]:
        out = cx.rfm(df.assign(customer_id=ids), as_of=as_of).table
        assert list(out["recency_score"]) == list(want.column("recency_score").to_pylist())


def reference_retention(df: pd.DataFrame) -> pd.DataFrame:
    """Monthly S, E, N and CRR = (E − N)/S with active = bought in the month, in pandas."""
    df = df.assign(month=pd.to_datetime(df["date"]).dt.to_period("M"))
    first = df.groupby("customer_id")["month"].min()
    months = pd.period_range(df["month"].min(), df["month"].max(), freq="M")
    active = {m: set(df.loc[df["month"] == m, "customer_id"]) for m in months}
    rows = []
    for i, m in enumerate(months):
        s = len(active[months[i - 1]]) if i else 0
        e = len(active[m])
        n = int((first == m).sum())
        rows.append({"S": s, "E": e, "N": n, "crr": (e - n) / s if s else np.nan})
    return pd.DataFrame(rows, index=months)


def test_retention_matches_pandas_reference() -> None:
    df = pd.read_csv(DATA / "transactions.csv")
    res = cx.retention(df)
    p = res.periods
    ref = reference_retention(df)
    np.testing.assert_array_equal(p["customers_start"], ref["S"])
    np.testing.assert_array_equal(p["customers_end"], ref["E"])
    np.testing.assert_array_equal(p["new_customers"], ref["N"])
    np.testing.assert_allclose(p["retention_rate"], ref["crr"], rtol=1e-12)
    np.testing.assert_allclose(p["churn_rate"], 1 - ref["crr"], rtol=1e-12)
    counts = df.groupby("customer_id").size()
    assert res.repeat_rate == pytest.approx((counts >= 2).mean(), rel=1e-12)
    # Cohort table: cohort = month of first purchase, share buying k months later.
    d = df.assign(month=pd.to_datetime(df["date"]).dt.to_period("M"))
    d["cohort"] = d.groupby("customer_id")["month"].transform("min")
    d["k"] = (d["month"] - d["cohort"]).apply(lambda x: x.n)
    size = d.groupby("cohort")["customer_id"].nunique()
    act = d.groupby(["cohort", "k"])["customer_id"].nunique().unstack()
    share = act.div(size, axis=0)
    m = res.cohort_matrix
    for k in range(share.shape[1]):
        np.testing.assert_allclose(
            m[str(k)].to_numpy(dtype=float), share[k].to_numpy(dtype=float), rtol=1e-12
        )
    np.testing.assert_array_equal(m["cohort_size"], size.to_numpy())


def test_retention_window_and_partial_period() -> None:
    t = pa.table(
        {
            "customer_id": ["a", "b", "a"],
            "date": pa.array([dt.date(2024, 1, 20), dt.date(2024, 2, 5), dt.date(2024, 3, 10)]),
        }
    )
    r = cx.retention(t, active_days=30)
    # a (Jan 20) is active at Jan 31 but not at Feb 29 (40 days later); b (Feb 5) is.
    assert r.periods.column("customers_end").to_pylist() == [1, 1, 1]
    assert r.periods.column("partial").to_pylist() == [False, False, True]
    assert r.to_dict()["active_days"] == 30
    assert "<table>" in r._repr_html_()
    with pytest.raises(cx.InvalidValueError):
        cx.retention(t, as_of="2024-02-01")
    assert cx.retention(t, as_of="2024-02-01", after_as_of="exclude").n_excluded == 2


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_rfm_in_place_columns_equal_converted(unit: str) -> None:
    """int64 ids and naive datetime64 columns are read in place (no copies); the result
    equals that of the same data as int32 ids (converted to codes) and date text."""
    rng = np.random.default_rng(7)
    n, k = 400_000, 150_000  # above the partitioned tally's customer threshold
    ids = rng.integers(0, k, n, dtype=np.int64)
    start = np.datetime64("1969-06-01T00:00:00", unit)
    stamps = (
        start
        + rng.integers(0, 800 * 86_400, n).astype(f"timedelta64[{unit}]")
        * ({"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[unit])
    )
    amount = np.round(rng.gamma(2.0, 30.0, n), 2)
    fast = pd.DataFrame({"customer_id": ids, "date": stamps, "amount": amount})
    slow = pd.DataFrame(
        {
            "customer_id": ids.astype(np.int32),
            "date": pd.Series(stamps).dt.strftime("%Y-%m-%d"),
            "amount": amount,
        }
    )
    a = cx.rfm(fast, as_of="1971-06-01", after_as_of="exclude")
    b = cx.rfm(slow, as_of="1971-06-01", after_as_of="exclude")
    ta, tb = a.table, b.table
    assert a.n_excluded == b.n_excluded > 0
    pd.testing.assert_frame_equal(ta, tb.astype({"customer": "int64"}))
    assert a.breaks == b.breaks
