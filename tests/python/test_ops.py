"""Tests of cx.ops against the hand-computed vectors of tests/vectors/ops and
independent references (statsmodels for Wilson intervals, numpy for quantiles)."""

from __future__ import annotations

import datetime as dt
import json
import math
import pathlib

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from statsmodels.stats.proportion import proportion_confint

import cx
from cx import ops

VEC = pathlib.Path(__file__).resolve().parents[1] / "vectors" / "ops"
METRIC_FILES = sorted(p.name for p in VEC.glob("ticket_metrics_*.json"))
COLUMNS = ["ticket_id", "at", "type", "actor", "public", "from", "to", "team", "agent"]
EXTRA = ["channel", "priority", "customer", "topic"]


def _cases(name: str) -> list[dict]:
    return json.loads((VEC / name).read_text(encoding="utf-8"))["cases"]


def _calendar(spec: dict | None) -> ops.BusinessCalendar | None:
    if spec is None:
        return None
    if "spec" in spec:
        return ops.BusinessCalendar.from_json(json.dumps(spec["spec"]))
    return ops.BusinessCalendar.china(spec["years"])


def _definitions(d: dict | None) -> ops.MetricDefinitions | None:
    return None if d is None else ops.MetricDefinitions(**d)


def _rows(events: list[dict]) -> list[dict]:
    cols = COLUMNS + [c for c in EXTRA if any(c in e for e in events)]
    return [{c: e.get(c) for c in cols} for e in events]


def _arrow(events: list[dict]) -> pa.Table:
    rows = _rows(events)
    t = pa.Table.from_pylist(rows)
    ts = pa.array([dt.datetime.fromisoformat(r["at"]) for r in rows], pa.timestamp("us", tz="UTC"))
    return t.set_column(t.schema.get_field_index("at"), "at", ts)


def _as(kind: str, events: list[dict]):
    if kind == "dicts":
        return _rows(events)
    if kind == "pyarrow":
        return _arrow(events)
    if kind == "pandas":
        return _arrow(events).to_pandas()
    return pl.from_arrow(_arrow(events))


def _records(out) -> list[dict]:
    if isinstance(out, list):
        return out
    if isinstance(out, pa.Table):
        return out.to_pylist()
    if isinstance(out, pd.DataFrame):
        return out.to_dict("records")
    return out.to_dicts()


def _same(got, want) -> bool:
    if want is None:
        return got is None or (isinstance(got, float) and math.isnan(got))
    if isinstance(want, list):
        return [int(x) for x in got] == want
    return got == want


@pytest.mark.parametrize("kind", ["dicts", "pyarrow", "pandas", "polars"])
@pytest.mark.parametrize("name", METRIC_FILES)
def test_ticket_metric_vectors(name: str, kind: str) -> None:
    for case in _cases(name):
        events = _as(kind, case["events"])
        kw = {
            "calendar": _calendar(case.get("calendar")),
            "definitions": _definitions(case.get("definitions")),
        }
        if "error" in case:
            with pytest.raises(cx.InvalidValueError) as e:
                ops.ticket_metrics(events, **kw)
            assert (e.value.code, e.value.row, e.value.value) == (
                case["error"]["code"],
                case["error"]["row"],
                case["error"]["value"],
            ), case["name"]
            continue
        out = ops.ticket_metrics(events, **kw)
        assert type(out) is type(events), (kind, type(out))
        rows = {r["ticket_id"]: r for r in _records(out)}
        for tid, exp in case["expected"].items():
            for k, v in exp.items():
                assert k in rows[tid], k
                assert _same(rows[tid][k], v), (case["name"], tid, k, rows[tid][k], v)
        if "issues" in case:
            got = [
                {"ticket": i["ticket_id"], "row": i["row"], "kind": i["kind"]}
                for i in ops.log_issues(events)
            ]
            assert got == case["issues"]


def _policies(spec: list[dict]) -> list[ops.SlaPolicy]:
    out = []
    for p in spec:
        targets = {t["metric"]: {k: v for k, v in t.items() if k != "metric"} for t in p["targets"]}
        out.append(
            ops.SlaPolicy(
                p["name"],
                targets=targets,
                priorities=p.get("priorities"),
                channels=p.get("channels"),
            )
        )
    return out


@pytest.mark.parametrize("kind", ["dicts", "pyarrow"])
def test_sla_vector(kind: str) -> None:
    (case,) = _cases("sla_status.json")
    events = _as(kind, case["events"])
    pols = _policies(case["policies"])
    cal = _calendar(case["calendar"])
    out = _records(ops.sla_status(events, policies=pols, as_of=case["as_of"], calendar=cal))
    assert len(out) == len(case["expected_records"])
    for e in case["expected_records"]:
        (r,) = [r for r in out if r["ticket_id"] == e["ticket"] and r["metric"] == e["metric"]]
        assert (r["policy"], r["state"]) == (e["policy"], e["state"]), e
        if "at" in e:
            assert r["at"] == dt.datetime.fromisoformat(e["at"]), e
        for k in ["elapsed_secs", "overshoot_secs", "remaining_secs", "paused"]:
            if k in e:
                assert r[k] == e[k], (e, k, r[k])
    (c,) = _records(ops.sla_compliance(events, policies=pols, as_of=case["as_of"], calendar=cal))
    exp = case["expected_compliance"]
    assert (c["achieved"], c["breached"], c["active"]) == (
        exp["achieved"],
        exp["breached"],
        exp["active"],
    )
    lo, hi = proportion_confint(3, 8, alpha=0.05, method="wilson")
    assert c["achievement_rate"] == pytest.approx(0.375, abs=1e-12)
    assert c["ci_low"] == pytest.approx(lo, abs=1e-12)
    assert c["ci_high"] == pytest.approx(hi, abs=1e-12)


@pytest.mark.parametrize("kind", ["dicts", "pyarrow"])
def test_sla_validation_collect_leaves_out_a_bad_ticket(kind: str) -> None:
    # The hand-computed vector plus an orphan event (no `created`): strict names it;
    # collect measures the other tickets exactly as on the clean log.
    (case,) = _cases("sla_status.json")
    orphan = dict(case["events"][0], ticket_id="ORPHAN", type="solved", actor="agent:a1")
    events = _as(kind, [*case["events"], orphan])
    kw = {
        "policies": _policies(case["policies"]),
        "as_of": case["as_of"],
        "calendar": _calendar(case["calendar"]),
    }
    with pytest.raises(cx.exceptions.InvalidValueError, match="ORPHAN"):
        ops.sla_status(events, **kw)
    with pytest.raises(cx.exceptions.InvalidValueError, match="ORPHAN"):
        ops.sla_compliance(events, **kw)
    clean = _as(kind, case["events"])
    assert _records(ops.sla_status(events, validation="collect", **kw)) == _records(
        ops.sla_status(clean, **kw)
    )
    assert _records(ops.sla_compliance(events, validation="collect", **kw)) == _records(
        ops.sla_compliance(clean, **kw)
    )
    with pytest.raises(cx.exceptions.InvalidOptionError, match="validation"):
        ops.sla_status(clean, validation="lenient", **kw)


def test_backlog_vector() -> None:
    (case,) = _cases("backlog.json")
    events = _arrow(case["events"])
    got = ops.backlog(
        events,
        start=case["from"],
        end=case["to"],
        period=case["period"],
        time_zone=case["time_zone"],
    )
    rows = got.to_pylist()
    for r, e in zip(rows, case["expected_periods"], strict=True):
        assert r["start"] == dt.datetime.fromisoformat(e["start"])
        for k in ["open_at_start", "created", "reopened", "resolved", "open_at_end"]:
            assert r[k] == e[k], (e, k)
    for a in case["age_buckets"]:
        got = (
            ops.age_buckets(events, at=a["at"], edges_secs=a["edges_secs"])
            .column("count")
            .to_pylist()
        )
        assert got == a["counts"]


def test_calendar_china_and_dst() -> None:
    cal = ops.BusinessCalendar.china([2024, 2025])
    assert not cal.is_open("2024-10-01T10:00:00+08:00")  # 国庆节
    assert cal.is_open("2024-10-12T10:00:00+08:00")  # make-up Saturday
    assert cal.is_open("2025-01-26T10:00:00+08:00")  # make-up Sunday
    assert not cal.is_open("2025-01-28T10:00:00+08:00")  # 除夕, a holiday from 2025
    assert not cal.is_open("2024-03-04T12:30:00+08:00")  # lunch break
    ny = ops.BusinessCalendar("America/New_York", {"sun": ["00:00-06:00"]})
    assert ny.duration("2024-03-10T00:00:00-05:00", "2024-03-10T06:00:00-04:00") == 5 * 3600
    assert ny.duration("2024-11-03T00:00:00-04:00", "2024-11-03T06:00:00-05:00") == 7 * 3600
    assert ops.BusinessCalendar.from_json(cal.to_json()).to_json() == cal.to_json()


def test_calendar_add_conventions() -> None:
    cal = ops.BusinessCalendar(
        "Asia/Shanghai",
        ["09:00-12:00", "13:30-18:00"],
        holidays=["2024-03-06", {"date": "2024-03-07", "hours": ["09:00-10:00"]}],
        workdays=[dt.date(2024, 3, 9)],
    )
    tz = dt.timezone(dt.timedelta(hours=8))
    t = dt.datetime(2024, 3, 4, 11, tzinfo=tz)
    assert cal.add(t, 3600) == dt.datetime(
        2024, 3, 4, 12, tzinfo=tz
    )  # closing time, not next opening
    assert cal.add(t, 0) == t
    assert cal.add(dt.datetime(2024, 3, 4, 20, tzinfo=tz), 60) == dt.datetime(
        2024, 3, 5, 9, 1, tzinfo=tz
    )
    # Tue 17:00-18:00, Wed holiday, Thu partial holiday 09:00-10:00, Fri 09:00-10:00.
    assert cal.add(dt.datetime(2024, 3, 5, 17, tzinfo=tz), 3 * 3600) == dt.datetime(
        2024, 3, 8, 10, tzinfo=tz
    )
    assert cal.duration("2024-03-08T17:00:00+08:00", "2024-03-09T10:00:00+08:00") == 7200


def test_naive_datetime_raises_missing_time_zone() -> None:
    cal = ops.BusinessCalendar.always()
    with pytest.raises(cx.MissingTimeZoneError) as e:
        cal.duration(dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2))
    assert e.value.field == "start"
    ev = [{"ticket_id": "T1", "at": "2024-01-01 09:00:00", "type": "created", "actor": "requester"}]
    with pytest.raises(cx.MissingTimeZoneError) as e2:
        ops.ticket_metrics(ev)
    assert e2.value.row == 0
    naive = pa.table(
        {
            "ticket_id": ["T1"],
            "at": pa.array([dt.datetime(2024, 1, 1)], pa.timestamp("us")),
            "type": ["created"],
        }
    )
    with pytest.raises(cx.MissingTimeZoneError):
        ops.ticket_metrics(naive)


def test_bad_literals_and_types() -> None:
    with pytest.raises(cx.InvalidOptionError, match="agent_created"):
        ops.MetricDefinitions(agent_created="whenever")
    with pytest.raises(TypeError, match="events"):
        ops.ticket_metrics(42)
    with pytest.raises(cx.InvalidValueError):
        ops.BusinessCalendar("Mars/Olympus", ["09:00-17:00"])


def test_summarize_against_numpy() -> None:
    rng = np.random.default_rng(7)
    vals = rng.exponential(3600.0, 5000)
    keys = np.where(rng.random(5000) < 0.5, "email", "phone")
    exact = ops.summarize(vals, by=list(keys), quantiles=[0.9], exact=True).to_pylist()
    sketch = ops.summarize(vals, by=list(keys), quantiles=[0.9], alpha=0.01).to_pylist()
    for e, s in zip(exact, sketch, strict=True):
        sub = np.sort(vals[keys == e["key"]])
        assert e["count"] == len(sub)
        assert e["mean"] == pytest.approx(sub.mean(), rel=1e-12)
        assert e["median"] == pytest.approx(np.quantile(sub, 0.5), rel=1e-12)
        assert e["q0.9"] == pytest.approx(np.quantile(sub, 0.9), rel=1e-12)
        # Sketch: within 1 % of the order statistic of rank floor(q (n - 1)).
        x = sub[int(np.floor(0.9 * (len(sub) - 1)))]
        assert abs(s["q0.9"] - x) <= 0.01 * x + 1e-9
