"""The columnar path of cx.ops.ticket_metrics equals the row path; SLA history and
priority changes mid-interval (hand-computed timelines)."""

from __future__ import annotations

import pathlib

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import cx
from cx import ops

DATA = pathlib.Path(cx.__file__).parent / "data"


def _sample() -> pa.Table:
    t = pacsv.read_csv(
        DATA / "ticket_events.csv",
        convert_options=pacsv.ConvertOptions(
            column_types={"at": pa.timestamp("s", tz="UTC"), "public": pa.bool_()},
            strings_can_be_null=True,
        ),
    )
    return t


def _equal(a: pa.Table, b: pa.Table) -> None:
    assert a.schema == b.schema
    assert a.num_rows == b.num_rows
    for name in a.column_names:
        assert a.column(name).combine_chunks() == b.column(name).combine_chunks(), name


@pytest.mark.parametrize("calendar", [None, "china"])
def test_sample_columnar_equals_row_path(calendar: str | None) -> None:
    ev = _sample()
    assert ev.num_rows > 10_000
    cal = ops.BusinessCalendar.china([2024, 2025]) if calendar else None
    fast = ops.ticket_metrics(ev, calendar=cal)
    slow = ops.ticket_metrics(ev.to_pylist(), calendar=cal)  # a list takes the row path
    assert fast.to_pylist() == slow
    # The same from polars, and with dictionary-encoded strings (pandas categoricals).
    got = ops.ticket_metrics(pl.from_arrow(ev), calendar=cal)
    assert isinstance(got, pl.DataFrame)
    _equal(got.to_arrow().cast(fast.schema), fast)
    dict_ev = pa.table(
        {
            n: (c.dictionary_encode() if pa.types.is_string(c.type) else c)
            for n, c in zip(ev.column_names, ev.columns, strict=True)
        }
    )
    _equal(ops.ticket_metrics(dict_ev, calendar=cal), fast)


def _random_log(seed: int, n: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    statuses = ["new", "open", "pending", "on_hold", "solved", "closed"]
    prios = ["low", "normal", "high", "urgent"]
    rows = []
    for t in range(n):
        tid = f"T{t}"
        at = 1_704_067_200 + int(rng.integers(0, 400 * 86_400))
        rows.append(
            {
                "ticket_id": tid,
                "at": at,
                "type": "created",
                "actor": "agent:a9" if rng.random() < 0.2 else "requester",
                "channel": ["email", "chat", None][int(rng.integers(3))],
                "customer": f"c{rng.integers(4)}",
                "topic": ["billing", "delivery"][int(rng.integers(2))],
            }
        )
        status, prio = 0, int(rng.integers(4))
        for _ in range(int(rng.integers(0, 12))):
            at += int(rng.integers(0, 2 * 86_400))
            k = int(rng.integers(7))
            r: dict = {"ticket_id": tid, "at": at}
            if k <= 1:
                r |= {
                    "type": "comment",
                    "actor": ["agent:a1", "agent:a2", "requester"][int(rng.integers(3))],
                    "public": bool(rng.random() < 0.8),
                }
            elif k == 2:
                to = int(rng.integers(6))
                r |= {"type": "status_change", "from": statuses[status], "to": statuses[to]}
                status = to
            elif k == 3:
                r |= {"type": "solved"}
                status = 4
            elif k == 4:
                r |= {"type": "reopened"}
                status = 1
            elif k == 5:
                r |= {
                    "type": "assignment",
                    "team": f"t{rng.integers(3)}",
                    "agent": f"a{rng.integers(3)}",
                }
            else:
                to = int(rng.integers(4))
                r |= {"type": "priority_change", "from": prios[prio], "to": prios[to]}
                prio = to
            rows.append(r)
    order = rng.permutation(len(rows))  # tickets interleaved
    rows = [rows[i] for i in order]
    cols = ["ticket_id", "at", "type", "actor", "public", "from", "to", "team", "agent",
            "channel", "customer", "topic"]  # fmt: skip
    t = pa.Table.from_pylist([{c: r.get(c) for c in cols} for r in rows])
    return t.set_column(1, "at", pa.array([r["at"] for r in rows], pa.timestamp("s", tz="UTC")))


@pytest.mark.parametrize("seed", range(6))
def test_random_logs_columnar_equals_row_path(seed: int) -> None:
    ev = _random_log(seed, 300)
    cal = ops.BusinessCalendar.china([2024, 2025]) if seed % 2 else None
    for defs in (
        {},
        {"agent_created": "first_after_creation", "business_rule": "day_by_day"},
        {"status_times_as_of": "2025-01-01T00:00:00Z", "repeat_window_days": 30},
    ):
        fast = ops.ticket_metrics(ev, calendar=cal, definitions=ops.MetricDefinitions(**defs))
        # A list of dicts takes the row path (Arrow input takes the columnar one, also
        # under validation="collect" on a clean log).
        slow = ops.ticket_metrics(
            ev.to_pylist(), calendar=cal, definitions=ops.MetricDefinitions(**defs)
        )
        assert fast.to_pylist() == slow


def test_malformed_log_errors_like_row_path() -> None:
    ev = _random_log(1, 50).to_pylist()
    ev[3]["type"] = "bogus"
    t = pa.Table.from_pylist(ev)
    with pytest.raises(cx.InvalidValueError) as a:
        ops.ticket_metrics(t)
    with pytest.raises(cx.InvalidValueError) as b:
        ops.ticket_metrics(ev)
    assert (a.value.row, a.value.value) == (b.value.row, b.value.value) == (3, "bogus")


# ---------------------------------------------------------------- SLA history

RAISED = [
    {"ticket_id": "A", "at": "2024-03-04T09:00:00Z", "type": "created", "actor": "requester",
     "priority": "normal"},
    {"ticket_id": "A", "at": "2024-03-04T10:30:00Z", "type": "priority_change",
     "from": "normal", "to": "urgent"},
    {"ticket_id": "A", "at": "2024-03-04T11:00:00Z", "type": "comment", "actor": "agent:a1",
     "public": True},
]  # fmt: skip
POLICIES = [
    ops.SlaPolicy(
        "urgent",
        priorities=["urgent"],
        targets={"first_reply": {"target_secs": 3600, "hours": "calendar"}},
    ),
    ops.SlaPolicy(
        "normal",
        targets={
            "first_reply": {"target_secs": 4 * 3600, "hours": "calendar"},
            "requester_wait": {"target_secs": 8 * 3600, "hours": "calendar"},
        },
    ),
]
AS_OF = "2024-03-04T12:00:00Z"


def _timeline(rows: list[dict]) -> list[tuple]:
    return [
        (r["metric"], r["event"], r["at"].strftime("%H:%M"), r["elapsed_secs"], r["target_secs"])
        for r in rows
    ]


def test_history_recalculate_hand_computed() -> None:
    # Normal (4 h) from 09:00; urgent (1 h) from 10:30, measured from 09:00: 1 h 30 min
    # already elapsed -> breached at 10:30; the reply at 11:00 stops the clock at 2 h.
    # Requester wait: urgent has no such target -> tracking ends at 10:30.
    h = ops.sla_history(RAISED, policies=POLICIES, as_of=AS_OF)
    assert _timeline(h) == [
        ("first_reply", "started", "09:00", 0, 14_400),
        ("first_reply", "target_changed", "10:30", 5400, 3600),
        ("first_reply", "breached", "10:30", 5400, 3600),
        ("first_reply", "stopped", "11:00", 7200, 3600),
        ("requester_wait", "started", "09:00", 0, 28_800),
        ("requester_wait", "target_removed", "10:30", 5400, None),
    ]
    st = ops.sla_status(RAISED, policies=POLICIES, as_of=AS_OF, priority_change="recalculate")
    assert [(r["metric"], r["policy"], r["state"], r["overshoot_secs"]) for r in st] == [
        ("first_reply", "urgent", "breached", 3600)
    ]
    rates = ops.sla_compliance(
        RAISED, policies=POLICIES, as_of=AS_OF, priority_change="recalculate"
    )
    assert (rates[0]["achieved"], rates[0]["breached"]) == (0, 1)


def test_history_restart_and_at_start() -> None:
    h = ops.sla_history(RAISED, policies=POLICIES, as_of=AS_OF, priority_change="restart")
    assert _timeline(h)[:3] == [
        ("first_reply", "started", "09:00", 0, 14_400),
        ("first_reply", "target_changed", "10:30", 0, 3600),
        ("first_reply", "achieved", "11:00", 1800, 3600),
    ]
    h = ops.sla_history(RAISED, policies=POLICIES, as_of=AS_OF, priority_change="at_start")
    assert _timeline(h) == [
        ("first_reply", "started", "09:00", 0, 14_400),
        ("first_reply", "achieved", "11:00", 7200, 14_400),
        ("requester_wait", "started", "09:00", 0, 28_800),
    ]
    # The default of sla_status is unchanged (at_start).
    st = ops.sla_status(RAISED, policies=POLICIES, as_of=AS_OF)
    assert [(r["policy"], r["state"]) for r in st] == [("normal", "achieved"), ("normal", "active")]
    assert st[1]["remaining_secs"] == 5 * 3600


def test_history_pause_resume_business_hours() -> None:
    cal = ops.BusinessCalendar("UTC", ["09:00-12:00", "13:00-18:00"])
    ev = [
        {"ticket_id": "B", "at": "2024-03-04T11:00:00Z", "type": "created", "actor": "requester"},
        {"ticket_id": "B", "at": "2024-03-04T11:30:00Z", "type": "status_change",
         "from": "new", "to": "pending"},
        {"ticket_id": "B", "at": "2024-03-04T14:00:00Z", "type": "status_change",
         "from": "pending", "to": "open"},
        {"ticket_id": "B", "at": "2024-03-04T17:00:00Z", "type": "solved"},
    ]  # fmt: skip
    pol = [ops.SlaPolicy("p", targets={"requester_wait": 3 * 3600})]
    h = ops.sla_history(ev, policies=pol, as_of="2024-03-05T09:00:00Z", calendar=cal)
    # 30 min used by 11:30, paused in Pending until 14:00, 2 h 30 min left -> 16:30;
    # solved 17:00: 3 h 30 min elapsed.
    assert _timeline(h) == [
        ("requester_wait", "started", "11:00", 0, 10_800),
        ("requester_wait", "paused", "11:30", 1800, 10_800),
        ("requester_wait", "resumed", "14:00", 1800, 10_800),
        ("requester_wait", "breached", "16:30", 10_800, 10_800),
        ("requester_wait", "stopped", "17:00", 12_600, 10_800),
    ]
    assert h[1]["status"] == "pending"
    assert all(r["hours"] == "business" for r in h)


def test_history_same_type_out_and_bad_literal() -> None:
    keys = ["ticket_id", "at", "type", "actor", "public", "from", "to", "priority"]
    t = pa.Table.from_pylist([{k: r.get(k) for k in keys} for r in RAISED])
    assert isinstance(ops.sla_history(t, policies=POLICIES, as_of=AS_OF), pa.Table)
    assert isinstance(
        ops.sla_history(pl.from_arrow(t), policies=POLICIES, as_of=AS_OF), pl.DataFrame
    )
    with pytest.raises(cx.InvalidOptionError):
        ops.sla_history(RAISED, policies=POLICIES, as_of=AS_OF, priority_change="later")
