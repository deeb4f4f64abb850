"""The Arrow reader of the columnar ticket-metrics path (strings compared as
integers straight from the Arrow buffers, runs of nulls, columns read on
threads, one record batch per thread) equals the row path on a log large
enough to take every parallel branch, in every string layout."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from cx import ops


def _log(tickets: int, seed: int = 3) -> pa.Table:
    """Seven events per ticket, rows shuffled; short, long (> 15 bytes) and
    non-ASCII values; nulls in every optional column."""
    rng = np.random.default_rng(seed)
    n = tickets
    ids = np.array(
        [f"ticket-with-a-long-identifier-{i}" if i % 5 == 0 else f"T{i}" for i in range(n)],
        dtype=object,
    )
    t0 = 1_704_067_200 + rng.integers(0, 360 * 86_400, n)
    at = t0[:, None] + rng.integers(1, 3 * 86_400, (n, 7)).cumsum(axis=1)
    at[:, 0] = t0  # strictly increasing within a ticket: no ties
    kinds = ["created", "assignment", "status_change", "comment", "status_change", "comment",
             "solved"]  # fmt: skip
    typ = np.tile(np.array(kinds, dtype=object), (n, 1))
    act = np.full((n, 7), None, dtype=object)
    act[:, 0] = np.where(rng.random(n) < 0.2, "agent:a9", "requester")
    act[:, 3] = np.where(rng.random(n) < 0.5, "agent:a1", "agent:客服-long-agent-name")
    act[:, 5] = "requester"
    pub = np.full((n, 7), None, dtype=object)
    pub[:, 3] = np.where(rng.random(n) < 0.9, True, False)
    frm = np.full((n, 7), None, dtype=object)
    to = np.full((n, 7), None, dtype=object)
    frm[:, 2], to[:, 2] = "new", "open"
    frm[:, 4], to[:, 4] = "open", "pending"
    team = np.full((n, 7), None, dtype=object)
    team[:, 1] = np.array(["t1", "团队一", "a-team-name-longer-than-fifteen"], dtype=object)[
        rng.integers(0, 3, n)
    ]
    agent = np.full((n, 7), None, dtype=object)
    agent[:, 1] = np.array(["a1", "a2", ""], dtype=object)[rng.integers(0, 3, n)]
    unsolved = rng.random(n) < 0.1
    typ[unsolved, 6] = "comment"
    act[unsolved, 6] = "requester"
    order = rng.permutation(n * 7)
    cols = {
        "ticket_id": np.repeat(ids, 7),
        "at": at.ravel(),
        "type": typ.ravel(),
        "actor": act.ravel(),
        "public": pub.ravel(),
        "from": frm.ravel(),
        "to": to.ravel(),
        "team": team.ravel(),
        "agent": agent.ravel(),
    }
    types = {"at": pa.timestamp("s", tz="UTC"), "public": pa.bool_()}
    return pa.table({k: pa.array(v[order], types.get(k, pa.string())) for k, v in cols.items()})


def _equal(a: pa.Table, b: pa.Table) -> None:
    assert a.schema == b.schema
    assert a.num_rows == b.num_rows
    for name in a.column_names:
        assert a.column(name).combine_chunks() == b.column(name).combine_chunks(), name


@pytest.fixture(scope="module")
def log() -> pa.Table:
    t = _log(31_000)
    assert t.num_rows > 200_000  # columns read on threads, tickets on two threads
    return t


@pytest.mark.parametrize("calendar", [None, "china"])
def test_large_log_equals_row_path(log: pa.Table, calendar: str | None) -> None:
    cal = ops.BusinessCalendar.china([2024, 2025]) if calendar else None
    fast = ops.ticket_metrics(log, calendar=cal)
    slow = ops.ticket_metrics(log.to_pylist(), calendar=cal)  # a list takes the row path
    assert fast.num_rows == 31_000
    assert fast.to_pylist() == slow


def _cast_strings(t: pa.Table, to: pa.DataType) -> pa.Table:
    fields = [pa.field(f.name, to) if f.type == pa.string() else f for f in t.schema]
    return t.cast(pa.schema(fields))


def test_string_layouts_equal(log: pa.Table) -> None:
    ref = ops.ticket_metrics(log)
    _equal(ops.ticket_metrics(_cast_strings(log, pa.large_string())), ref)
    k = 100_003
    chunked = pa.concat_tables([log.slice(0, k), log.slice(k)])  # sliced, two batches
    assert chunked.column("type").num_chunks == 2
    _equal(ops.ticket_metrics(chunked), ref)
    if hasattr(pa, "string_view"):
        _equal(ops.ticket_metrics(_cast_strings(log, pa.string_view())), ref)
