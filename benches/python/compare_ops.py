"""Compare per-ticket first reply and full resolution times: cx vs pandas vs duckdb.

Usage (from the repository root, with a release build of cx):

    python benches/python/compare_ops.py [--tickets 1000000] [--repeat 3]

Generates a seeded event log (10 events per ticket: 1M tickets = 10M events,
string ticket ids, tz-aware UTC timestamps) as a Parquet file, then runs each
contender in its own subprocess: load the file (not timed), compute per ticket
the first reply time (creation → first public agent comment) and the full
resolution time (creation → latest solve) in CALENDAR seconds, median of
``--repeat`` timed runs after one warm-up. Every contender's result is checked
against pandas before the ratios are printed. cx computes every ticket metric
in one call (its timing covers all of them, including the Arrow conversion both
ways); cx business time (China 2024/2025 calendar) is timed as well.

The log has requester-created tickets only, so the Zendesk rule for
agent-created tickets (second public agent comment) does not change the answer
of the simpler pandas/duckdb queries; about 5 % of tickets get no public reply
(an internal note instead) and 10 % are never solved (both stay null).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


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
    df = table.to_pandas()
    created = df.loc[df["type"] == "created"].groupby("ticket_id")["at"].min()
    is_reply = (
        (df["type"] == "comment") & df["public"].eq(True) & df["actor"].str.startswith("agent:")
    )
    reply = df.loc[is_reply].groupby("ticket_id")["at"].min()
    solved = df.loc[df["type"] == "solved"].groupby("ticket_id")["at"].max()
    out = created.to_frame("created").join(reply.rename("reply")).join(solved.rename("solved"))
    frt = (out["reply"] - out["created"]).dt.total_seconds()
    full = (out["solved"] - out["created"]).dt.total_seconds()
    return out.index.to_numpy(), frt.to_numpy(), full.to_numpy()


def run_duckdb(table):
    import duckdb

    con = duckdb.connect()
    con.register("events", table)
    res = con.sql(
        """
        SELECT ticket_id,
               epoch(min("at") FILTER (
                   WHERE "type" = 'comment' AND "public" AND "actor" LIKE 'agent:%'))
                 - epoch(min("at") FILTER (WHERE "type" = 'created')) AS frt,
               epoch(max("at") FILTER (WHERE "type" = 'solved'))
                 - epoch(min("at") FILTER (WHERE "type" = 'created')) AS full_res
        FROM events GROUP BY ticket_id ORDER BY ticket_id
        """
    ).to_arrow_table()
    con.close()
    return (
        res.column("ticket_id").to_numpy(zero_copy_only=False),
        res.column("frt").to_numpy(zero_copy_only=False),
        res.column("full_res").to_numpy(zero_copy_only=False),
    )


def run_cx(table, business: bool = False):
    import cx

    cal = cx.ops.BusinessCalendar.china([2024, 2025]) if business else None
    out = cx.ops.ticket_metrics(table, calendar=cal)
    col = "_business_secs" if business else "_secs"
    return (
        out.column("ticket_id").to_numpy(zero_copy_only=False),
        out.column("first_reply" + col).to_numpy(zero_copy_only=False),
        out.column("full_resolution" + col).to_numpy(zero_copy_only=False),
    )


CONTENDERS = {
    "pandas": run_pandas,
    "duckdb": run_duckdb,
    "cx": run_cx,
    "cx-business": lambda t: run_cx(t, business=True),
}


def child(name: str, path: str, repeat: int, out: str) -> None:
    import numpy as np
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    fn = CONTENDERS[name]
    ids, frt, full = fn(table)  # warm-up, and the result to check
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(table)
        times.append(time.perf_counter() - t)
    order = np.argsort(ids.astype(str), kind="stable")
    np.savez(
        out,
        ids=ids.astype(str)[order],
        frt=np.asarray(frt, float)[order],
        full=np.asarray(full, float)[order],
    )
    print(json.dumps({"median": statistics.median(times), "times": times}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        name, path, repeat, out = args.child
        child(name, path, int(repeat), out)
        return
    import numpy as np

    env = dict(os.environ)
    for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(k, None)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "events.parquet")
        t = time.perf_counter()
        generate(path, args.tickets)
        secs = time.perf_counter() - t
        print(f"generated {args.tickets:,} tickets / {10 * args.tickets:,} events in {secs:.1f} s")
        results = {}
        for name in CONTENDERS:
            out = os.path.join(d, f"{name}.npz")
            cmd = [sys.executable, __file__, "--child", name, path, str(args.repeat), out]
            r = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
            results[name] = (json.loads(r.stdout.strip().splitlines()[-1]), np.load(out))
        ref = results["pandas"][1]
        for name in ("duckdb", "cx"):
            got = results[name][1]
            assert (got["ids"] == ref["ids"]).all(), name
            for k in ("frt", "full"):
                assert np.array_equal(np.isnan(got[k]), np.isnan(ref[k])), (name, k)
                ok = ~np.isnan(ref[k])
                assert np.array_equal(got[k][ok], ref[k][ok]), (name, k)
        bus = results["cx-business"][1]
        ok = ~np.isnan(bus["frt"])
        assert (bus["frt"][ok] <= ref["frt"][ok]).all()
        print(
            "agreement: cx and duckdb equal pandas on every ticket (first reply, full resolution)"
        )
        t_cx = results["cx"][0]["median"]
        print(f"{'contender':<14}{'median s':>10}{'peer/cx':>10}")
        for name, (timing, _) in results.items():
            print(f"{name:<14}{timing['median']:>10.3f}{timing['median'] / t_cx:>10.2f}")


if __name__ == "__main__":
    main()
