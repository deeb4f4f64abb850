"""The columnar event log (Arrow input) of cx.ops.sla_status, log_issues, backlog,
age_buckets and sla_history equals the row path (the same events as a list of dicts),
on the bundled sample and on the sample with planted problems; the report's one-parse
`_sla_status_issues` equals sla_status(validation="collect") + log_issues."""

from __future__ import annotations

import pathlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

import cx
from cx import ops
from cx._cx import _sla_status_issues

DATA = pathlib.Path(cx.__file__).parent / "data"
POLICIES = [
    ops.SlaPolicy(
        "urgent",
        priorities=["urgent"],
        targets={"first_reply": {"target_secs": 3600, "hours": "calendar"}},
    ),
    ops.SlaPolicy(
        "default",
        targets={
            "first_reply": {"target_secs": 8 * 3600, "hours": "calendar"},
            "next_reply": {"target_secs": 4 * 3600, "hours": "calendar"},
            "requester_wait": {"target_secs": 86400, "hours": "calendar"},
            "resolution": {"target_secs": 3 * 86400, "hours": "calendar"},
        },
    ),
]


def _sample(problems: bool) -> pa.Table:
    t = pacsv.read_csv(
        DATA / "ticket_events.csv",
        convert_options=pacsv.ConvertOptions(
            column_types={"at": pa.timestamp("s", tz="UTC"), "public": pa.bool_()},
            strings_can_be_null=True,
        ),
    )
    if problems:
        rng = np.random.default_rng(7)
        created = pc.equal(t["type"], "created").to_numpy(zero_copy_only=False)
        keep = ~(created & (rng.random(t.num_rows) < 0.05))
        t = t.filter(pa.array(keep))
        idx = np.arange(t.num_rows)
        for a, b in rng.integers(0, t.num_rows, (t.num_rows // 4, 2)):
            idx[a], idx[b] = idx[b], idx[a]
        t = t.take(pa.array(idx))
    return t


@pytest.mark.parametrize("problems", [False, True])
def test_log_passes_columnar_equal_row_path(problems: bool) -> None:
    ev = _sample(problems)
    rows = ev.to_pylist()
    as_of = pc.max(ev["at"]).as_py().isoformat()
    for rule in ("at_start", "recalculate", "restart"):
        kw = {"policies": POLICIES, "as_of": as_of, "priority_change": rule}
        fast = ops.sla_status(ev, validation="collect", **kw)
        assert fast.num_rows > 1000
        assert fast.to_pylist() == ops.sla_status(rows, validation="collect", **kw)
    issues = ops.log_issues(ev)
    assert issues == ops.log_issues(rows)
    assert bool(issues) == problems
    st, iss = _sla_status_issues(ev, policies=POLICIES, as_of=as_of)
    assert pa.table(st).to_pylist() == ops.sla_status(
        rows, policies=POLICIES, as_of=as_of, validation="collect"
    )
    assert list(iss) == issues
    if not problems:
        start = pc.min(ev["at"]).as_py().isoformat()
        for period in ("day", "week"):
            b = ops.backlog(ev, start=start, end=as_of, period=period, time_zone="Asia/Shanghai")
            assert b.to_pylist() == ops.backlog(
                rows, start=start, end=as_of, period=period, time_zone="Asia/Shanghai"
            )
        edges = [3600, 86400, 7 * 86400]
        a = ops.age_buckets(ev, at=as_of, edges_secs=edges)
        assert a.to_pylist() == ops.age_buckets(rows, at=as_of, edges_secs=edges)
        h = ops.sla_history(ev, policies=POLICIES, as_of=as_of)
        assert h.to_pylist() == ops.sla_history(rows, policies=POLICIES, as_of=as_of)
    else:
        # Strict: the columnar log declines and the row path raises its exact error.
        with pytest.raises(cx.InvalidValueError) as fast_err:
            ops.sla_status(ev, policies=POLICIES, as_of=as_of)
        with pytest.raises(cx.InvalidValueError) as slow_err:
            ops.sla_status(rows, policies=POLICIES, as_of=as_of)
        assert str(fast_err.value) == str(slow_err.value)


def test_bad_value_falls_back_to_row_path_error() -> None:
    ev = _sample(False)
    kinds = ev["type"].to_pylist()
    kinds[5] = "bogus"
    bad = ev.set_column(ev.schema.get_field_index("type"), "type", pa.array(kinds))
    with pytest.raises(cx.InvalidValueError, match="bogus") as e:
        ops.log_issues(bad)
    assert e.value.row == 5
