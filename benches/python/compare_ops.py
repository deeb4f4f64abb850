"""Per-ticket metrics on 1M tickets / 10M events: cx vs pandas vs duckdb, in one process.

Usage (from the repository root, with a release build of cx: ``maturin develop --release``):

    python benches/python/compare_ops.py [--tickets 1000000] [--repeat 3]

Generates a seeded event log (10 events per ticket: 1M tickets = 10M events,
string ticket ids, tz-aware UTC timestamps, loaded as one pyarrow table; not
timed). Every contender computes, per ticket, the same CALENDAR-time metrics:

- first reply time (creation → first public agent comment), first and full
  resolution time (creation → first / latest solve);
- the status times up to the latest solve: requester wait (new + open +
  on-hold), agent wait (pending), on-hold and agent work (new + open);
- counts of public agent replies and of solves.

pandas does it idiomatically (boolean masks, ``groupby`` min/max/size, a
stable sort plus ``groupby().shift(-1)`` for the status segments, ``unstack``);
duckdb in SQL (``FILTER`` aggregates, ``lead()`` over a window). cx computes
all its metrics in one call (every column of ``cx.ops.ticket_metrics``:
the above plus next reply times, reopens, stations, FCR flags ...) and, for
``cx+business``, each of them in business time too (China 2024/2025 calendar);
its timing includes reading the Arrow table and building the Arrow result.

All contenders run in the same process, interleaved (one repeat of each in
turn, after one warm-up each). The time is that of each contender's own
result (pandas: its Series; duckdb: the Arrow table of the query; cx: the
Arrow table of ``ticket_metrics``); turning the results into numpy arrays for
the agreement check is not timed; best and median of ``--repeat`` runs are
printed with ratios. Results are checked for exact agreement on every ticket
and metric first.

The log has requester-created tickets only, so the Zendesk rule for
agent-created tickets (second public agent comment) does not change the answer
of the simpler pandas/duckdb queries; about 5 % of tickets get no public reply
(an internal note instead) and 10 % are never solved (their resolution and
status times stay null).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

METRICS = [
    "first_reply",
    "first_resolution",
    "full_resolution",
    "requester_wait",
    "agent_wait",
    "on_hold",
    "agent_work",
    "agent_replies",
    "solves",
]


def generate(path: str, tickets: int, seed: int = 42) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    n = tickets
    t0 = 1_704_067_200 + rng.integers(0, 365 * 86_400, n)  # 2024, UTC seconds
    gaps = rng.integers(60, 8 * 3600, (n, 9)).cumsum(axis=1)
    at = np.concatenate([t0[:, None], t0[:, None] + gaps], axis=1)  # (n, 10), increasing
    types = np.array(
        [
            "created",
            "assignment",
            "status_change",
            "comment",
            "status_change",
            "comment",
            "status_change",
            "comment",
            "solved",
            "closed",
        ]
    )
    actors = np.array(
        [
            "requester",
            None,
            None,
            "agent:a1",
            None,
            "requester",
            None,
            "agent:a2",
            "agent:a2",
            "system",
        ],
        dtype=object,
    )
    frm = np.array(
        [None, None, "new", None, "open", None, "pending", None, None, None], dtype=object
    )
    to = np.array(
        [None, None, "open", None, "pending", None, "open", None, None, None], dtype=object
    )
    public = np.array([None, None, None, True, None, True, None, True, None, None], dtype=object)
    typ = np.tile(types, (n, 1)).astype(object)
    act = np.tile(actors, (n, 1))
    pub = np.tile(public, (n, 1))
    no_reply = rng.random(n) < 0.05  # first agent comment is an internal note, second too
    pub[no_reply, 3] = False
    pub[no_reply, 7] = False
    unsolved = rng.random(n) < 0.10  # the solve and close become requester comments
    typ[unsolved, 8] = "comment"
    act[unsolved, 8] = "requester"
    pub[unsolved, 8] = True
    typ[unsolved, 9] = "comment"
    act[unsolved, 9] = "requester"
    pub[unsolved, 9] = True
    ids = np.char.add("T", np.char.zfill(np.arange(n).astype(str), 7))
    table = pa.table(
        {
            "ticket_id": pa.array(np.repeat(ids, 10)),
            "at": pa.array(at.ravel() * 1_000_000, pa.timestamp("us", tz="UTC")),
            "type": pa.array(typ.ravel(), pa.string()),
            "actor": pa.array(act.ravel(), pa.string()),
            "public": pa.array(pub.ravel(), pa.bool_()),
            "from": pa.array(np.tile(frm, n), pa.string()),
            "to": pa.array(np.tile(to, n), pa.string()),
            "team": pa.array(np.where(typ.ravel() == "assignment", "t1", None), pa.string()),
            "agent": pa.array(np.where(typ.ravel() == "assignment", "a1", None), pa.string()),
        }
    )
    pq.write_table(table, path)


def run_pandas(table):
    import numpy as np
    import pandas as pd

    df = table.to_pandas()
    typ = df["type"]
    created = df.loc[typ == "created"].groupby("ticket_id")["at"].min()
    is_reply = (typ == "comment") & df["public"].eq(True) & df["actor"].str.startswith("agent:")
    replies = df.loc[is_reply].groupby("ticket_id")["at"]
    solved = df.loc[typ == "solved"].groupby("ticket_id")["at"]
    out = pd.DataFrame({"created": created})
    out["reply"] = replies.min()
    out["first_solved"] = solved.min()
    out["last_solved"] = solved.max()
    out["agent_replies"] = replies.size()
    out["solves"] = solved.size()
    out[["agent_replies", "solves"]] = out[["agent_replies", "solves"]].fillna(0)
    secs = {
        "first_reply": out["reply"] - out["created"],
        "first_resolution": out["first_solved"] - out["created"],
        "full_resolution": out["last_solved"] - out["created"],
    }
    # Status segments: each status-setting event opens one, the ticket's next closes it;
    # time counts up to the latest solve.
    is_status = typ.isin(["created", "status_change", "solved", "reopened", "closed"])
    st = df.loc[is_status, ["ticket_id", "at", "type", "to"]]
    st = st.sort_values(["ticket_id", "at"], kind="stable")
    status = np.select(
        [st["type"] == "created", st["type"] == "status_change", st["type"] == "solved"],
        ["new", st["to"], "solved"],
        default=np.where(st["type"] == "reopened", "open", "closed"),
    )
    st = st.assign(status=status, end=st.groupby("ticket_id")["at"].shift(-1))
    st["last"] = st["ticket_id"].map(out["last_solved"])
    st = st.loc[st["last"].notna() & (st["at"] < st["last"])]
    dur = (st["end"].fillna(st["last"]).clip(upper=st["last"]) - st["at"]).dt.total_seconds()
    per = dur.groupby([st["ticket_id"], st["status"]]).sum().unstack(fill_value=0.0)
    per = per.reindex(columns=["new", "open", "pending", "on_hold"], fill_value=0.0)
    per = per.reindex(out.index)
    solved_mask = out["last_solved"].notna()
    res = {k: v.dt.total_seconds() for k, v in secs.items()}
    res["requester_wait"] = per["new"] + per["open"] + per["on_hold"]
    res["agent_wait"] = per["pending"]
    res["on_hold"] = per["on_hold"]
    res["agent_work"] = per["new"] + per["open"]
    for k in ("requester_wait", "agent_wait", "on_hold", "agent_work"):
        res[k] = res[k].fillna(0.0).where(solved_mask)
    res["agent_replies"] = out["agent_replies"].astype(float)
    res["solves"] = out["solves"].astype(float)
    return out.index, res


def pandas_arrays(result):
    index, res = result
    return index.to_numpy(), {k: res[k].to_numpy(float) for k in METRICS}


DUCKDB_SQL = """
WITH t AS (
  SELECT ticket_id,
         min("at") FILTER (WHERE "type" = 'created') AS created,
         min("at") FILTER (WHERE "type" = 'comment' AND "public" AND "actor" LIKE 'agent:%') AS reply,
         min("at") FILTER (WHERE "type" = 'solved') AS first_solved,
         max("at") FILTER (WHERE "type" = 'solved') AS last_solved,
         count(*) FILTER (WHERE "type" = 'comment' AND "public" AND "actor" LIKE 'agent:%')
           AS agent_replies,
         count(*) FILTER (WHERE "type" = 'solved') AS solves
  FROM events GROUP BY ticket_id
),
s AS (
  SELECT ticket_id, "at",
         CASE "type" WHEN 'created' THEN 'new' WHEN 'status_change' THEN "to"
                     WHEN 'solved' THEN 'solved' WHEN 'reopened' THEN 'open'
                     ELSE 'closed' END AS status,
         lead("at") OVER (PARTITION BY ticket_id ORDER BY "at") AS next_at
  FROM events
  WHERE "type" IN ('created', 'status_change', 'solved', 'reopened', 'closed')
),
d AS (
  SELECT s.ticket_id, s.status,
         epoch(least(coalesce(s.next_at, t.last_solved), t.last_solved)) - epoch(s."at") AS secs
  FROM s JOIN t USING (ticket_id)
  WHERE t.last_solved IS NOT NULL AND s."at" < t.last_solved
),
p AS (
  SELECT ticket_id,
         sum(secs) FILTER (WHERE status IN ('new', 'open', 'on_hold')) AS requester_wait,
         sum(secs) FILTER (WHERE status = 'pending') AS agent_wait,
         sum(secs) FILTER (WHERE status = 'on_hold') AS on_hold,
         sum(secs) FILTER (WHERE status IN ('new', 'open')) AS agent_work
  FROM d GROUP BY ticket_id
)
SELECT t.ticket_id,
       epoch(reply) - epoch(created) AS first_reply,
       epoch(first_solved) - epoch(created) AS first_resolution,
       epoch(last_solved) - epoch(created) AS full_resolution,
       CASE WHEN last_solved IS NULL THEN NULL ELSE coalesce(requester_wait, 0) END
         AS requester_wait,
       CASE WHEN last_solved IS NULL THEN NULL ELSE coalesce(agent_wait, 0) END AS agent_wait,
       CASE WHEN last_solved IS NULL THEN NULL ELSE coalesce(on_hold, 0) END AS on_hold,
       CASE WHEN last_solved IS NULL THEN NULL ELSE coalesce(agent_work, 0) END AS agent_work,
       agent_replies, solves
FROM t LEFT JOIN p USING (ticket_id)
"""


def run_duckdb(table):
    import duckdb

    con = duckdb.connect()
    con.register("events", table)
    res = con.sql(DUCKDB_SQL).to_arrow_table()
    con.close()
    return res


def duckdb_arrays(res):
    ids = res.column("ticket_id").to_numpy(zero_copy_only=False)
    return ids, {k: res.column(k).to_numpy(zero_copy_only=False).astype(float) for k in METRICS}


def run_cx(table, business: bool = False):
    import cx

    cal = cx.ops.BusinessCalendar.china([2024, 2025]) if business else None
    return cx.ops.ticket_metrics(table, calendar=cal)


def cx_arrays(out, business: bool = False):
    ids = out.column("ticket_id").to_numpy(zero_copy_only=False)
    cols = {}
    for k in METRICS:
        name = k if k in ("agent_replies", "solves") else f"{k}_secs"
        cols[k] = out.column(name).to_numpy(zero_copy_only=False).astype(float)
    if business:
        cols["_business_first_reply"] = (
            out.column("first_reply_business_secs").to_numpy(zero_copy_only=False).astype(float)
        )
    return ids, cols


def check(name, got, ref) -> None:
    import numpy as np

    ids, cols = got
    rids, rcols = ref
    order, rorder = np.argsort(ids.astype(str)), np.argsort(rids.astype(str))
    assert (ids.astype(str)[order] == rids.astype(str)[rorder]).all(), name
    for k in METRICS:
        a, b = cols[k][order], rcols[k][rorder]
        assert np.array_equal(np.isnan(a), np.isnan(b)), (name, k)
        ok = ~np.isnan(b)
        assert np.array_equal(a[ok], b[ok]), (name, k)


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    import tempfile

    import numpy as np
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "events.parquet")
        t = time.perf_counter()
        generate(path, args.tickets)
        table = pq.read_table(path)
    secs = time.perf_counter() - t
    print(f"{args.tickets:,} tickets / {table.num_rows:,} events, generated in {secs:.1f} s")
    contenders = {
        "cx": lambda: run_cx(table),
        "cx+business": lambda: run_cx(table, business=True),
        "pandas": lambda: run_pandas(table),
        "duckdb": lambda: run_duckdb(table),
    }
    arrays = {
        "cx": cx_arrays,
        "cx+business": lambda out: cx_arrays(out, business=True),
        "pandas": pandas_arrays,
        "duckdb": duckdb_arrays,
    }
    # Warm-up and agreement (the results as numpy arrays; the conversion is not timed).
    results = {name: arrays[name](fn()) for name, fn in contenders.items()}
    ref = results["pandas"]
    for name, got in results.items():
        check(name, got, ref)
    bus = results["cx+business"][1]
    ok = ~np.isnan(bus["first_reply"])
    assert (bus["_business_first_reply"][ok] <= bus["first_reply"][ok]).all()
    print(f"agreement: every contender equals pandas on every ticket for {', '.join(METRICS)}")
    del results
    times: dict[str, list[float]] = {name: [] for name in contenders}
    print(f"load before: {load()}")
    for _ in range(args.repeat):
        for name, fn in contenders.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    print(f"load after:  {load()}")
    best_cx, med_cx = min(times["cx+business"]), statistics.median(times["cx+business"])
    print(f"{'contender':<14}{'best s':>9}{'median s':>10}{'best/cx+bus':>13}{'med/cx+bus':>12}")
    for name, ts in times.items():
        b, m = min(ts), statistics.median(ts)
        print(f"{name:<14}{b:>9.3f}{m:>10.3f}{b / best_cx:>13.2f}{m / med_cx:>12.2f}")


if __name__ == "__main__":
    main()
