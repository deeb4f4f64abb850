"""Compare NPS, flat and by group, over 10M responses: cx vs numpy, pandas, polars, duckdb.

Usage (from the repository root, with a release build of cx installed):

    python benches/python/compare_metrics.py [--rows 10000000] [--groups 1000] [--repeat 7]

One seeded data set (``uint8`` scores 0–10, ``uint32`` group codes below ``--groups``),
one process. First the peak RSS of the cx path is measured (``resource.getrusage``)
before any peer library is imported, to show that the columns are borrowed, not copied.
Then every contender computes promoters, detractors and responses (per group, and
overall); all must agree exactly with numpy before anything is timed. Each contender
gets one warm-up run, then ``--repeat`` timed runs; the table gives medians and the
ratio peer time / cx time from this same run. cx computes more than the peers (the
score, its adjusted-Wald interval and standard error per group, and a result table).

``OPENBLAS_NUM_THREADS=1`` is set (and ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE``
unset) in this process only, before numpy is imported.
"""

from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_L2_SIZE", None)

import argparse
import resource
import statistics
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--groups", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    n, g = args.rows, args.groups

    rng = np.random.default_rng(SEED)
    scores = rng.integers(0, 11, n, dtype=np.uint8)
    codes = rng.integers(0, g, n, dtype=np.uint32)

    # --- peak memory of the cx path, before any peer is imported
    before = maxrss_mib()
    flat = cx.nps(scores)
    grouped = cx.metrics.nps_by_group(scores, codes)
    after = maxrss_mib()
    col_mib = (scores.nbytes + codes.nbytes) / 2**20

    # --- reference: numpy bincount
    prom = scores >= 9
    det = scores <= 6
    ref_n = np.bincount(codes, minlength=g)
    ref_p = np.bincount(codes[prom], minlength=g)
    ref_d = np.bincount(codes[det], minlength=g)
    ref_flat = (int(prom.sum()), int(det.sum()), n)
    del prom, det

    import duckdb
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    pdf = pd.DataFrame({"s": scores, "g": codes})
    pldf = pl.DataFrame({"s": scores, "g": codes})
    arrow = pa.table({"s": scores, "g": codes})
    con = duckdb.connect()
    con.register("t", arrow)

    # --- flat NPS contenders: (promoters, detractors, n)
    def cx_flat() -> tuple[int, int, int]:
        s = cx.nps(scores)
        return s.n_promoters, s.n_detractors, s.n

    def np_flat() -> tuple[int, int, int]:
        return int((scores >= 9).sum()), int((scores <= 6).sum()), scores.size

    def pl_flat() -> tuple[int, int, int]:
        r = pldf.select((pl.col("s") >= 9).sum(), (pl.col("s") <= 6).sum().alias("d"), pl.len())
        return tuple(int(v) for v in r.row(0))  # type: ignore[return-value]

    def duck_flat() -> tuple[int, int, int]:
        q = "select count(*) filter (where s >= 9), count(*) filter (where s <= 6), count(*) from t"
        return tuple(int(v) for v in con.sql(q).fetchone())  # type: ignore[return-value, union-attr]

    # --- grouped contenders: `run` is timed; `counts` turns its result into arrays
    # (promoters, detractors, n) indexed by group code, for the agreement check only.
    def scatter(key: Any, cols: list[Any]) -> tuple[Any, ...]:
        out = [np.zeros(g, np.int64) for _ in cols]
        for o, c in zip(out, cols, strict=True):
            o[key] = c
        return tuple(out)

    def cx_run() -> Any:
        return cx.metrics.nps_by_group(scores, codes)

    def cx_counts(r: Any) -> tuple[Any, ...]:
        t = pa.table(r)
        cols = [t.column(c).to_numpy() for c in ["n_promoters", "n_detractors", "n"]]
        return scatter(t.column("key").to_numpy(), cols)

    def np_run() -> Any:
        return (
            np.bincount(codes[scores >= 9], minlength=g),
            np.bincount(codes[scores <= 6], minlength=g),
            np.bincount(codes, minlength=g),
        )

    def pd_run() -> Any:
        return (
            pdf.assign(p=pdf["s"] >= 9, d=pdf["s"] <= 6)
            .groupby("g")
            .agg(p=("p", "sum"), d=("d", "sum"), n=("s", "size"))
        )

    def pd_counts(r: Any) -> tuple[Any, ...]:
        return scatter(r.index.to_numpy(), [r[c].to_numpy() for c in ["p", "d", "n"]])

    def pl_run() -> Any:
        return pldf.group_by("g").agg(
            (pl.col("s") >= 9).sum().alias("p"), (pl.col("s") <= 6).sum().alias("d"), pl.len()
        )

    def pl_counts(r: Any) -> tuple[Any, ...]:
        return scatter(r["g"].to_numpy(), [r[c].to_numpy() for c in ["p", "d", "len"]])

    sql = (
        "select g, count(*) filter (where s >= 9) p, count(*) filter (where s <= 6) d,"
        " count(*) n from t group by g"
    )

    def duck_run() -> Any:
        return con.sql(sql).fetchnumpy()

    def duck_counts(r: Any) -> tuple[Any, ...]:
        return scatter(r["g"], [r[c] for c in ["p", "d", "n"]])

    flat_peers = {"cx": cx_flat, "numpy": np_flat, "polars": pl_flat, "duckdb": duck_flat}
    grouped_peers = {
        "cx": (cx_run, cx_counts),
        "numpy bincount": (np_run, lambda r: r),
        "pandas groupby": (pd_run, pd_counts),
        "polars group_by": (pl_run, pl_counts),
        "duckdb SQL": (duck_run, duck_counts),
    }

    # --- agreement first
    assert (flat.n_promoters, flat.n_detractors, flat.n) == ref_flat
    for name, fn in flat_peers.items():
        assert fn() == ref_flat, name
    assert grouped.num_rows == int((ref_n > 0).sum())
    for name, (run, counts) in grouped_peers.items():
        p, d, m = counts(run())
        assert np.array_equal(p, ref_p), name
        assert np.array_equal(d, ref_d), name
        assert np.array_equal(m, ref_n), name
    print(f"agreement: all contenders give the same counts ({n:,} rows, {g:,} groups)")
    print(
        f"cx peak RSS: {before:.0f} MiB before, {after:.0f} MiB after the cx calls "
        f"(+{after - before:.1f} MiB; the two columns take {col_mib:.0f} MiB)"
    )

    # --- timing
    runs = {k: v[0] for k, v in grouped_peers.items()}
    for title, peers in [("flat NPS", flat_peers), ("NPS by group", runs)]:
        times = {name: timed(fn, args.repeat) for name, fn in peers.items()}
        base = times["cx"]
        print(f"\n{title}, {n:,} rows" + (f", {g:,} groups" if "group" in title else ""))
        print(f"{'contender':<18}{'median ms':>12}{'peer / cx':>12}")
        for name, t in times.items():
            print(f"{name:<18}{t * 1e3:>12.2f}{t / base:>12.1f}")
    con.close()


if __name__ == "__main__":
    main()
