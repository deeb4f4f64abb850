"""cx.dask.ticket_aggregates equals aggregating `cx.ops.ticket_metrics` of the whole log.

References: pandas groupby of the single-machine per-ticket metrics (count, missing,
mean, min, max) and, for the quantiles, a one-pass sketch over each group's values
(`cx.ops.summarize`, the same DDSketch-style sketch fed all values at once): merged
bucket counts equal one sketch's counts, so the quantiles must be identical.
"""

from __future__ import annotations

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import cx
import cx.dask
from cx import _cx
from cx.datasets import sample_path
from cx.exceptions import FormatError, MissingFieldError

METRICS = ["first_reply_secs", "full_resolution_secs", "requester_wait_secs", "reopens"]
NA = "<NA>"


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    ev = pd.read_csv(sample_path("ticket_events"), dtype=str, keep_default_na=False)
    ev = ev.replace("", None)
    tickets = pd.read_csv(sample_path("tickets"), dtype=str)[["ticket_id", "channel", "priority"]]
    ev = ev.merge(tickets, on="ticket_id", how="left")
    # ticket attributes on the `created` event only, as cx's report reader does
    created = ev["type"] == "created"
    for c in ("channel", "priority"):
        ev[c] = ev[c].where(created, None)
    return ev


@pytest.fixture(scope="module")
def per_ticket(events: pd.DataFrame) -> pd.DataFrame:
    out: pd.DataFrame = cx.ops.ticket_metrics(events)
    return out


def _reference(per_ticket: pd.DataFrame, by: list[str], qs: list[float]) -> pd.DataFrame:
    rows = []
    keys = per_ticket[by].astype(object).where(per_ticket[by].notna(), NA)
    for key, grp in per_ticket.groupby([keys[b] for b in by], sort=True):
        key = key if isinstance(key, tuple) else (key,)
        for m in METRICS:
            v = grp[m].to_numpy(dtype=float)
            ok = v[~np.isnan(v)]
            sk = pa.table(cx.ops.summarize(v, by=["k"] * len(v), quantiles=qs)).to_pylist()[0]
            rows.append(
                {
                    **dict(zip(by, key, strict=True)),
                    "metric": m,
                    "n": len(ok),
                    "n_missing": int(np.isnan(v).sum()),
                    "mean": ok.mean() if len(ok) else np.nan,
                    "min": ok.min() if len(ok) else np.nan,
                    "max": ok.max() if len(ok) else np.nan,
                    "median": sk["median"],
                    **{f"q{q}": sk[f"q{q}"] for q in qs},
                }
            )
    return pd.DataFrame(rows)


def _check(out: pd.DataFrame, ref: pd.DataFrame, by: list[str]) -> None:
    out = out.copy()
    for b in by:
        out[b] = out[b].astype(object).where(out[b].notna(), NA)
    key = [*by, "metric"]
    out = out.sort_values(key).reset_index(drop=True)
    ref = ref.sort_values(key).reset_index(drop=True)
    assert out[key].astype(str).values.tolist() == ref[key].astype(str).values.tolist()
    assert (out["n"].to_numpy() == ref["n"].to_numpy()).all()
    assert (out["n_missing"].to_numpy() == ref["n_missing"].to_numpy()).all()
    for c in ("min", "max"):
        np.testing.assert_array_equal(out[c].to_numpy(float), ref[c].to_numpy(float))
    np.testing.assert_allclose(out["mean"].to_numpy(float), ref["mean"].to_numpy(float), rtol=1e-12)
    for c in [c for c in ref.columns if c == "median" or c.startswith("q")]:
        np.testing.assert_array_equal(out[c].to_numpy(float), ref[c].to_numpy(float))


@pytest.mark.parametrize("npartitions", [1, 4, 7])
@pytest.mark.parametrize("by", [["team"], ["channel", "priority"]])
def test_equals_single_machine(
    events: pd.DataFrame, per_ticket: pd.DataFrame, npartitions: int, by: list[str]
) -> None:
    qs = [0.5, 0.9, 0.99]
    ddf = dd.from_pandas(events, npartitions=npartitions, sort=False)
    with dask.config.set(scheduler="sync"):
        out = cx.dask.ticket_aggregates(ddf, by=by, metrics=METRICS, percentiles=qs, split_every=2)
    assert len(out) == len(_reference(per_ticket, by, qs))
    _check(out, _reference(per_ticket, by, qs), by)


def test_set_index_needs_no_shuffle(events: pd.DataFrame, per_ticket: pd.DataFrame) -> None:
    ddf = dd.from_pandas(events, npartitions=1).set_index("ticket_id", npartitions=3)
    assert ddf.known_divisions
    with dask.config.set(scheduler="sync"):
        out = cx.dask.ticket_aggregates(ddf, by="team", metrics=METRICS, percentiles=[0.9])
    _check(out, _reference(per_ticket, ["team"], [0.9]), ["team"])


def test_business_calendar_travels_to_the_workers(events: pd.DataFrame) -> None:
    cal = cx.ops.BusinessCalendar.china(2024)
    ddf = dd.from_pandas(events, npartitions=3, sort=False)
    m = "first_reply_business_secs"
    out = cx.dask.ticket_aggregates(ddf, by=(), metrics=m, calendar=cal)
    single = cx.ops.ticket_metrics(events, calendar=cal)[m].dropna()
    assert out["n"].tolist() == [len(single)]
    assert out["max"].tolist() == [single.max()]


def test_errors(events: pd.DataFrame) -> None:
    ddf = dd.from_pandas(events, npartitions=2, sort=False)
    with pytest.raises(MissingFieldError):
        cx.dask.ticket_aggregates(ddf, metrics="no_such_metric")
    with pytest.raises(MissingFieldError):
        cx.dask.ticket_aggregates(ddf.drop(columns="ticket_id"))
    with pytest.raises(TypeError):
        cx.dask.ticket_aggregates(ddf, definitions=cx.ops.MetricDefinitions())  # type: ignore[arg-type]


def test_bad_states_raise_format_error() -> None:
    t = pa.table({"team": ["a", "b"], "x": [1.0, 2.0]})
    s = _cx._ticket_agg_state(t, by=["team"], metrics=["x"])
    other = _cx._ticket_agg_state(t, by=["team"], metrics=["x"], alpha=0.02)
    assert _cx._ticket_agg_merge([s, s]) != s
    with pytest.raises(FormatError):
        _cx._ticket_agg_merge([s, s[:-1]])
    bad = bytearray(s)
    bad[20] ^= 0xFF
    with pytest.raises(FormatError):
        _cx._ticket_agg_finish(bytes(bad))
    version = bytearray(s)
    version[4] = 9
    with pytest.raises(FormatError):
        _cx._ticket_agg_finish(bytes(version))
    with pytest.raises(cx.exceptions.InvalidOptionError):
        _cx._ticket_agg_merge([s, other])  # another sketch accuracy


def test_empty_frame() -> None:
    ddf = dd.from_pandas(pd.DataFrame({"ticket_id": pd.Series([], dtype=str)}), npartitions=1)
    out = cx.dask.ticket_aggregates(ddf, by="team", metrics="first_reply_secs")
    assert len(out) == 0
    assert list(out.columns)[:3] == ["team", "metric", "n"]


@pytest.mark.parametrize(("period", "tz"), [("week", "Asia/Shanghai"), ("month", "UTC")])
def test_period_of_creation(
    events: pd.DataFrame, per_ticket: pd.DataFrame, period: str, tz: str
) -> None:
    # reference buckets with pandas: local creation date floored to Monday / first of month
    local = pd.to_datetime(per_ticket["created_at"], utc=True).dt.tz_convert(tz)
    day = local.dt.normalize()
    if period == "week":
        start = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    else:
        start = day - pd.to_timedelta(day.dt.day - 1, unit="D")
    ref_in = per_ticket.assign(period=start.dt.strftime("%Y-%m-%d"))
    ddf = dd.from_pandas(events, npartitions=3, sort=False)
    with dask.config.set(scheduler="sync"):
        out = cx.dask.ticket_aggregates(
            ddf, by="team", metrics=METRICS, percentiles=[0.9], period=period, tz=tz
        )
    assert list(out.columns[:3]) == ["team", "period", "metric"]
    _check(out, _reference(ref_in, ["team", "period"], [0.9]), ["team", "period"])


def test_bad_period_options(events: pd.DataFrame) -> None:
    ddf = dd.from_pandas(events, npartitions=1)
    with pytest.raises(cx.exceptions.InvalidOptionError):
        cx.dask.ticket_aggregates(ddf, period="fortnight")
    with pytest.raises(cx.exceptions.InvalidOptionError):
        cx.dask.ticket_aggregates(ddf, period="week", tz="Mars/Olympus")
