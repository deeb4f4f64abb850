"""Compare NPS, flat and by group, over 10M responses: cx vs numpy, pandas, polars, duckdb.

Usage (from the repository root, with a release build of cx installed):

    python benches/python/bench_metrics.py [--rows 10000000] [--groups 1000] [--repeat 7]

One seeded data set (``uint8`` scores 0–10, ``uint32`` group codes below ``--groups``),
one command. Each contender runs in its own subprocess (polars' and duckdb's thread
pools otherwise stay busy and slow the next contender on 2 cores), regenerating the same
seeded data; the cx subprocess also reports the growth of its peak RSS
(``resource.getrusage``) across the cx calls, to show that the columns are borrowed, not
copied. Every contender computes promoters, detractors and responses (per group, and
overall); all must agree exactly with numpy before the timings are printed. Each
contender gets one warm-up run, then ``--repeat`` timed runs; the table gives medians
and the ratio peer time / cx time from this same run. cx computes more than the peers
(the score, its adjusted-Wald interval and standard error per group, and a result table).

``OPENBLAS_NUM_THREADS=1`` is set (and ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE``
unset) in this process only, before numpy is imported.
"""

from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_L2_SIZE", None)

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import cx

SEED = 20240404


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def worker(name: str, n: int, g: int, repeat: int) -> dict[str, Any]:
    """Time one contender in this process; return medians, counts and peak RSS growth."""
    rng = np.random.default_rng(SEED)
    scores = rng.integers(0, 11, n, dtype=np.uint8)
    codes = rng.integers(0, g, n, dtype=np.uint32)
    out: dict[str, Any] = {}

    def scatter(key: Any, cols: list[Any]) -> list[list[int]]:
        res = [np.zeros(g, np.int64) for _ in cols]
        for o, c in zip(res, cols, strict=True):
            o[key] = c
        return [r.tolist() for r in res]

    if name == "cx":
        before = maxrss_mib()
        cx.nps(scores)
        cx.metrics.nps_by_group(scores, codes)
        out["rss_growth_mib"] = maxrss_mib() - before
        out["columns_mib"] = (scores.nbytes + codes.nbytes) / 2**20

        def flat() -> tuple[int, int, int]:
            s = cx.nps(scores)
            return s.n_promoters, s.n_detractors, s.n

        def grouped() -> Any:
            return cx.metrics.nps_by_group(scores, codes)

        def counts(r: Any) -> list[list[int]]:
            import pyarrow as pa

            t = pa.table(r)
            cols = [t.column(c).to_numpy() for c in ["n_promoters", "n_detractors", "n"]]
            return scatter(t.column("key").to_numpy(), cols)

    elif name == "numpy":

        def flat() -> tuple[int, int, int]:
            return int((scores >= 9).sum()), int((scores <= 6).sum()), scores.size

        def grouped() -> Any:
            return (
                np.bincount(codes[scores >= 9], minlength=g),
                np.bincount(codes[scores <= 6], minlength=g),
                np.bincount(codes, minlength=g),
            )

        def counts(r: Any) -> list[list[int]]:
            return [x.tolist() for x in r]

    elif name == "pandas":
        import pandas as pd

        pdf = pd.DataFrame({"s": scores, "g": codes})
        flat = None  # type: ignore[assignment]

        def grouped() -> Any:
            return (
                pdf.assign(p=pdf["s"] >= 9, d=pdf["s"] <= 6)
                .groupby("g")
                .agg(p=("p", "sum"), d=("d", "sum"), n=("s", "size"))
            )

        def counts(r: Any) -> list[list[int]]:
            return scatter(r.index.to_numpy(), [r[c].to_numpy() for c in ["p", "d", "n"]])

    elif name == "polars":
        import polars as pl

        pldf = pl.DataFrame({"s": scores, "g": codes})

        def flat() -> tuple[int, int, int]:
            r = pldf.select((pl.col("s") >= 9).sum(), (pl.col("s") <= 6).sum().alias("d"), pl.len())
            return tuple(int(v) for v in r.row(0))  # type: ignore[return-value]

        def grouped() -> Any:
            return pldf.group_by("g").agg(
                (pl.col("s") >= 9).sum().alias("p"), (pl.col("s") <= 6).sum().alias("d"), pl.len()
            )

        def counts(r: Any) -> list[list[int]]:
            return scatter(r["g"].to_numpy(), [r[c].to_numpy() for c in ["p", "d", "len"]])

    elif name == "duckdb":
        import duckdb
        import pyarrow as pa

        con = duckdb.connect()
        con.register("t", pa.table({"s": scores, "g": codes}))
        q_flat = (
            "select count(*) filter (where s >= 9), count(*) filter (where s <= 6), count(*) from t"
        )
        q_group = (
            "select g, count(*) filter (where s >= 9) p, count(*) filter (where s <= 6) d,"
            " count(*) n from t group by g"
        )

        def flat() -> tuple[int, int, int]:
            return tuple(int(v) for v in con.execute(q_flat).fetchone())  # type: ignore[return-value, union-attr]

        def grouped() -> Any:
            return con.execute(q_group).fetchnumpy()

        def counts(r: Any) -> list[list[int]]:
            return scatter(r["g"], [r[c] for c in ["p", "d", "n"]])

    else:
        raise SystemExit(f"unknown contender {name}")

    if flat is not None:
        out["flat_counts"] = list(flat())
        out["flat_s"] = timed(flat, repeat)
    out["grouped_counts"] = counts(grouped())
    out["grouped_s"] = timed(grouped, repeat)
    return out


CONTENDERS = ["cx", "numpy", "pandas", "polars", "duckdb"]
LABELS = {
    "cx": "cx",
    "numpy": "numpy bincount",
    "pandas": "pandas groupby",
    "polars": "polars group_by",
    "duckdb": "duckdb SQL",
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--groups", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    n, g = args.rows, args.groups
    if args.worker:
        print(json.dumps(worker(args.worker, n, g, args.repeat)))
        return

    res = {}
    for name in CONTENDERS:
        cmd = [sys.executable, __file__, "--worker", name, "--rows", str(n), "--groups", str(g)]
        cmd += ["--repeat", str(args.repeat)]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        res[name] = json.loads(done.stdout)

    # --- agreement first, against numpy computed here
    rng = np.random.default_rng(SEED)
    scores = rng.integers(0, 11, n, dtype=np.uint8)
    codes = rng.integers(0, g, n, dtype=np.uint32)
    ref_flat = [int((scores >= 9).sum()), int((scores <= 6).sum()), n]
    ref_grouped = [
        np.bincount(codes[scores >= 9], minlength=g).tolist(),
        np.bincount(codes[scores <= 6], minlength=g).tolist(),
        np.bincount(codes, minlength=g).tolist(),
    ]
    for name, r in res.items():
        assert r["grouped_counts"] == ref_grouped, name
        if "flat_counts" in r:
            assert r["flat_counts"] == ref_flat, name
    print(f"agreement: all contenders give the same counts ({n:,} rows, {g:,} groups)")
    c = res["cx"]
    print(
        f"cx peak RSS growth over the cx calls: {c['rss_growth_mib']:.1f} MiB "
        f"(the two input columns take {c['columns_mib']:.0f} MiB)"
    )
    for title, key in [("flat NPS", "flat_s"), ("NPS by group", "grouped_s")]:
        base = c[key]
        print(f"\n{title}, {n:,} rows" + (f", {g:,} groups" if "group" in title else ""))
        print(f"{'contender':<18}{'median ms':>12}{'peer / cx':>12}")
        for name, r in res.items():
            if key in r:
                label = name if key == "flat_s" else LABELS[name]
                print(f"{label:<18}{r[key] * 1e3:>12.2f}{r[key] / base:>12.1f}")


if __name__ == "__main__":
    main()
