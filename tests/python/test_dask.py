"""cx.dask: summaries over a dask DataFrame on a 2-worker LocalCluster equal `cx.metrics.summarize`.

The reference is the single-machine `cx.metrics.summarize` on the computed frame (itself
checked against scipy/statsmodels in test_metrics_group.py); here the claim is that
partitioning, the tree merge and the state bytes change nothing: counts are equal and
the floats come out identical.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pytest
from distributed import Client, LocalCluster

import cx
import cx.dask
from cx import _cx
from cx.datasets import sample_path
from cx.exceptions import FormatError, InvalidValueError, MissingFieldError


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            memory_limit="1GiB",
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    t = pcsv.read_csv(sample_path("feedback"))
    return t.select(["channel", "kind", "timestamp", "nps", "csat", "ces"]).to_pandas()


CASES: list[dict[str, Any]] = [
    {"by": "channel"},
    {"by": ["channel", "kind"], "time": "timestamp", "freq": "week"},
    {"by": "kind", "time": "timestamp", "tz": "Asia/Shanghai", "ci": "wald", "level": 0.9},
    {"score": "csat", "metric": "csat", "by": "channel", "time": "timestamp"},
    {"score": "ces", "metric": "ces", "by": ["kind", "channel"], "min_n": 5},
    {},
]


@pytest.mark.parametrize("kw", CASES)
@pytest.mark.parametrize("npartitions", [1, 7])
def test_sample_equals_single_machine(
    client: Client, sample: pd.DataFrame, kw: dict[str, Any], npartitions: int
) -> None:
    ddf = dd.from_pandas(sample, npartitions=npartitions)
    out = cx.dask.summarize(ddf, split_every=3, **kw)
    ref = cx.metrics.summarize(sample, **kw)
    assert len(out) > 0
    pd.testing.assert_frame_equal(out, ref, check_exact=True)


def _random_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    store = rng.choice(["north", "south", "east", None], n)
    team = rng.integers(0, 40, n)
    score = rng.integers(0, 11, n).astype(float)
    score[rng.random(n) < 0.05] = np.nan
    at = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 400 * 86_400, n), unit="s"
    )
    return pd.DataFrame({"store": store, "team": team, "nps": score, "at": at})


@pytest.mark.parametrize("seed", range(4))
def test_random_partitionings_equal_single_machine(client: Client, seed: int) -> None:
    rng = np.random.default_rng(seed)
    pdf = _random_frame(rng, int(rng.integers(200, 3000)))
    # Random split points (sorted, distinct), so partitions have random, unequal sizes.
    k = int(rng.integers(2, 12))
    cuts = sorted({0, len(pdf), *rng.integers(1, len(pdf), k).tolist()})
    pdf.index = pd.RangeIndex(len(pdf))
    ddf = dd.from_pandas(pdf, npartitions=1).repartition(divisions=[*cuts[:-1], cuts[-1] - 1])
    assert ddf.npartitions == len(cuts) - 1
    split_every = int(rng.integers(2, 6))
    for kw in ({"by": ["store", "team"]}, {"by": "store", "time": "at", "freq": "quarter"}):
        out = cx.dask.summarize(ddf, split_every=split_every, **kw)
        ref = cx.metrics.summarize(pdf, **kw)
        pd.testing.assert_frame_equal(out, ref, check_exact=True)


def test_worker_errors_arrive_typed(client: Client) -> None:
    pdf = pd.DataFrame({"g": [1, 1, 2, 2], "nps": [10, 9, 11, 3]})
    with pytest.raises(InvalidValueError) as single:
        cx.metrics.summarize(pdf, by="g")
    with pytest.raises(InvalidValueError) as e:
        cx.dask.summarize(dd.from_pandas(pdf, npartitions=2), by="g")
    assert (
        (e.value.field, e.value.value)
        == (single.value.field, single.value.value)
        == ("score", "11")
    )
    with pytest.raises(MissingFieldError):
        cx.dask.summarize(dd.from_pandas(pdf, npartitions=2), by="nope")


def _state() -> bytes:
    pdf = pd.DataFrame({"g": ["a", "b", "a"], "nps": [10, 3, 9]})
    import pyarrow as pa

    state: bytes = _cx._summary_state(pa.Table.from_pandas(pdf), score="nps", by=["g"])
    return state


def test_states_pickle_and_merge_in_any_order() -> None:
    s = _state()
    assert pickle.loads(pickle.dumps(s)) == s
    assert s[:4] == b"CXKC"
    assert _cx._merge_states([s, s, s]) == _cx._merge_states([_cx._merge_states([s, s]), s])


def test_corrupted_truncated_or_other_version_states_raise_format_error() -> None:
    s = _state()
    flipped = bytearray(s)
    flipped[len(s) // 2] ^= 0x01
    other_version = bytearray(s)
    other_version[4] = 99
    for bad in (bytes(flipped), s[:-1], s[:10], bytes(other_version), b"", b"CXTL" + s[4:]):
        with pytest.raises(FormatError):
            _cx._merge_states([s, bad])
        with pytest.raises(FormatError):
            _cx._finish_summary(bad)
    # A state of another computation never merges or finishes as this one.
    import pyarrow as pa

    csat = _cx._summary_state(pa.table({"g": ["a"], "x": [5]}), score="x", metric="csat", by=["g"])
    with pytest.raises(FormatError):
        _cx._merge_states([s, csat])
    with pytest.raises(FormatError):
        _cx._finish_summary(csat, metric="nps")


def test_importing_cx_does_not_import_the_engines() -> None:
    code = (
        "import sys, cx, cx.dask, cx.spark; "
        "assert 'dask' not in sys.modules and 'pyspark' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_counts_by_key_equal_pandas_groupby(client: Client) -> None:
    rng = np.random.default_rng(7)
    n = 2_000
    pdf = pd.DataFrame(
        {
            "cause": rng.choice(["late", "rude", "broken", None], n),
            "team": rng.integers(0, 5, n),
            "reopened": rng.integers(0, 2, n),
            "defects": rng.poisson(1.5, n),
        }
    )
    out = cx.dask.counts(
        dd.from_pandas(pdf, npartitions=6), by=["cause", "team"], sums=["reopened", "defects"]
    )
    ref = (
        pdf.groupby(["cause", "team"], dropna=False, sort=True)
        .agg(n=("reopened", "size"), reopened=("reopened", "sum"), defects=("defects", "sum"))
        .reset_index()
    )
    # pandas sorts NaN keys last too.
    assert out["cause"].tolist()[:-5] == ref["cause"].tolist()[:-5]
    for c in ("team", "n", "reopened", "defects"):
        assert out[c].tolist() == ref[c].tolist(), c
    with pytest.raises(InvalidValueError) as e:
        cx.dask.counts(dd.from_pandas(pdf.assign(defects=-1), npartitions=2), sums="defects")
    assert e.value.field == "defects"


@pytest.mark.parametrize("kind", ["p", "np", "c", "u", "laney_p"])
def test_attribute_chart_equals_the_single_machine_chart(client: Client, kind: str) -> None:
    rng = np.random.default_rng(11)
    days = np.repeat(np.arange(25), 40)  # constant subgroup size 40 (np needs it)
    pdf = pd.DataFrame({"day": days, "bad": rng.binomial(1, 0.1, days.size)})
    if kind in ("c", "u"):
        pdf["bad"] = rng.poisson(0.8, days.size)
    pdf = pdf.sample(frac=1.0, random_state=3)  # subgroups spread over partitions
    chart = cx.dask.attribute_chart(
        dd.from_pandas(pdf, npartitions=5), kind=kind, value="bad", subgroup="day"
    )
    per = pdf.groupby("day")["bad"].agg(["sum", "size"])
    sizes = None if kind == "c" else per["size"].to_numpy(float)
    ref = cx.spc.control_chart(per["sum"].to_numpy(float), kind=kind, sizes=sizes)
    for attr in ("statistics", "center", "lcl", "ucl"):
        np.testing.assert_array_equal(getattr(chart, attr), getattr(ref, attr))
    if kind == "p":
        # Written out: p̄ = Σd/Σn, limits p̄ ± 3√(p̄(1 − p̄)/n) (Montgomery 2019, eq. 7.8).
        pbar = per["sum"].sum() / per["size"].sum()
        ucl = pbar + 3 * np.sqrt(pbar * (1 - pbar) / 40)
        np.testing.assert_allclose(chart.center, pbar, rtol=1e-12)
        np.testing.assert_allclose(chart.ucl, ucl, rtol=1e-12)
    with pytest.raises(cx.exceptions.InvalidOptionError):
        cx.dask.attribute_chart(dd.from_pandas(pdf, npartitions=2), kind="xmr", value="bad")


def test_counts_missing_column_is_typed(client: Client) -> None:
    pdf = pd.DataFrame({"g": [1, 2], "x": [0, 1]})
    with pytest.raises(MissingFieldError):
        cx.dask.counts(dd.from_pandas(pdf, npartitions=1), by="g", sums="nope")


@pytest.mark.parametrize("npartitions", [1, 3, 11])
def test_pareto_and_kano_equal_single_machine(client: Client, npartitions: int) -> None:
    # Reference: cx.pareto / cx.kano.classify on the whole frame (themselves checked
    # against pandas and the Berger table in test_pareto.py / test_kano.py).
    fb = pcsv.read_csv(sample_path("feedback")).select(["tags"]).to_pandas()
    one = cx.pareto(fb, tags="tags")
    many = cx.dask.pareto(dd.from_pandas(fb, npartitions=npartitions), tags="tags")
    cols = ["cause", "count", "share", "cum_share", "vital"]
    pd.testing.assert_frame_equal(
        many.table[cols].reset_index(drop=True), one.table[cols].reset_index(drop=True)
    )
    assert many.vital_few == one.vital_few
    survey = pcsv.read_csv(sample_path("survey")).to_pandas()
    k1 = cx.kano.classify(survey)
    kn = cx.dask.kano(dd.from_pandas(survey, npartitions=npartitions))
    assert kn.categories == k1.categories
    kcols = [c for c in k1.table.columns if c.startswith(("n_", "share_", "better", "worse"))]
    pd.testing.assert_frame_equal(
        kn.table[["attribute", *kcols]].reset_index(drop=True),
        k1.table[["attribute", *kcols]].reset_index(drop=True),
    )


def _whole_data_chart(pdf: pd.DataFrame, key: str, kind: str, **options: Any) -> Any:
    """`cx.spc.control_chart` on the raw values, subgroups in key order (stable sort)."""
    s = pdf.sort_values(key, kind="stable")
    sizes = s.groupby(key, sort=True).size().to_numpy(float)
    return cx.spc.control_chart(s["wait"].to_numpy(float), kind=kind, sizes=sizes, **options)


def _assert_same_chart(a: Any, b: Any) -> None:
    for name in ("statistics", "center", "lcl", "ucl", "se"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(a.sizes, b.sizes)
    assert a.violations == b.violations
    assert a.sigma == pytest.approx(b.sigma, rel=1e-12)
    assert a.sigma_method == b.sigma_method
    if b.secondary is not None:
        _assert_same_chart(a.secondary, b.secondary)


@pytest.mark.parametrize("npartitions", [1, 5])
@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("xbar_r", {}),
        ("xbar_s", {"rules": "nelson", "phase1": 12}),
        ("xbar_r", {"sigma_method": "rmsdf", "exclude": [3], "constants": "qcc"}),
    ],
)
def test_variables_chart_equals_the_single_machine_chart(
    client: Client, npartitions: int, kind: str, options: dict[str, Any]
) -> None:
    rng = np.random.default_rng(11)
    sizes = rng.integers(2, 9, 25)
    day = np.repeat(np.arange(25) * 7 - 30, sizes)  # sparse, negative keys
    wait = rng.normal(20, 4, day.size) + np.where(day == 40, 15.0, 0.0)
    wait[rng.random(day.size) < 0.05] = np.nan
    wait[np.r_[0, np.cumsum(sizes)[:-1]]] = 20.0  # keep two values per subgroup
    wait[np.r_[0, np.cumsum(sizes)[:-1]] + 1] = 21.0
    pdf = pd.DataFrame({"day": day, "wait": wait}).sample(frac=1.0, random_state=3)
    ddf = dd.from_pandas(pdf, npartitions=npartitions, sort=False)
    chart = cx.dask.variables_chart(ddf, subgroup="day", value="wait", chart=kind, **options)
    _assert_same_chart(chart, _whole_data_chart(pdf, "day", kind, **options))
    stats = cx.dask.subgroup_stats(ddf, value="wait", subgroup="day")
    g = pdf.groupby("day")["wait"]
    np.testing.assert_array_equal(stats["day"], g.mean().index)
    np.testing.assert_array_equal(stats["n"], g.count())
    np.testing.assert_allclose(stats["mean"], g.mean(), rtol=1e-12)
    np.testing.assert_allclose(stats["sd"], g.std(ddof=1), rtol=1e-12)
    np.testing.assert_array_equal(stats["range"], g.max() - g.min())


def test_variables_chart_string_keys_and_time_buckets(client: Client) -> None:
    rng = np.random.default_rng(2)
    n = 400
    at = pd.Timestamp("2026-03-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 20 * 86400, n), "s")
    pdf = pd.DataFrame(
        {"line": rng.choice(["b", "a", "c"], n), "at": at, "wait": rng.gamma(4.0, 2.0, n)}
    )
    ddf = dd.from_pandas(pdf, npartitions=4, sort=False)
    chart = cx.dask.variables_chart(ddf, subgroup="line", value="wait", chart="xbar_s")
    _assert_same_chart(chart, _whole_data_chart(pdf, "line", "xbar_s"))
    by_day = cx.dask.variables_chart(ddf, value="wait", time="at", freq="day", tz="UTC")
    _assert_same_chart(
        by_day, _whole_data_chart(pdf.assign(d=pdf["at"].dt.floor("D")), "d", "xbar_r")
    )


def test_variables_chart_errors(client: Client) -> None:
    pdf = pd.DataFrame({"g": [1, 1, 2], "wait": [1.0, 2.0, 3.0]})
    ddf = dd.from_pandas(pdf, npartitions=2)
    with pytest.raises(InvalidValueError, match="at least 2 values"):
        cx.dask.variables_chart(ddf, subgroup="g", value="wait")
    with pytest.raises(MissingFieldError):
        cx.dask.variables_chart(ddf, subgroup="nope", value="wait")
    with pytest.raises(cx.exceptions.InvalidOptionError):
        cx.dask.variables_chart(ddf, subgroup="g", value="wait", chart="xmr")
    table = pa.table({"g": [1, 1], "wait": [1.0, 2.0]})
    state = _cx._subgroup_state(table, value="wait", by=["g"])
    for bad in (
        state[:-1],
        state[:6] + b"\x09" + state[7:],
        b"",
        _cx._counts_state(table, by=["g"]),
    ):
        with pytest.raises(FormatError):
            _cx._merge_subgroup_states([state, bad])
    other = bytearray(state)
    other[4] = 2  # another format version (the checksum fails first or the version does)
    with pytest.raises(FormatError):
        _cx._subgroup_chart(bytes(other))
