"""Scale test: NPS by group over 100M synthetic responses on Dask, cx vs dask's groupby.

Usage (from the repository root, release build of cx installed):

    python benches/python/scale_dask.py [--rows 100000000] [--groups 10000] [--repeat 3]

Not part of `make test`. A `distributed.LocalCluster` of 2 worker processes (1 thread
each). Each partition is generated on its worker (`dd.from_map`: seeded numpy, `int32`
group below `--groups`, `uint8` score 0–10), never on the client. Contenders on the
same data, in the same run:

- `generate`: the partitions alone (`len` of each), the floor under both contenders.
- `dask`: dask's own groupby: `assign(p=nps >= 9, d=nps <= 6).groupby("g")` sums and
  count, then NPS per group.
- `cx`: `cx.dask.summarize(ddf, by="g")`: cx's Rust kernel per partition, states merged
  in a tree on the workers, finished on the client (score, adjusted-Wald interval,
  standard error, low-n flag per group).

Each timed run builds a new graph (dask would reuse an identical one). Results are
checked first (counts equal, NPS within 1e-12 relative); then one warm-up and
`--repeat` timed runs each, medians, ratios to `dask`, and the peak RSS of this client
process (`resource.getrusage`).
"""

from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse
import itertools
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

import cx.dask

_run = itertools.count()


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def gen(i: int, rows: int, groups: int, run: int) -> pd.DataFrame:
    del run  # only makes each run's graph distinct
    rng = np.random.default_rng(1000 + i)
    return pd.DataFrame(
        {
            "g": rng.integers(0, groups, rows, dtype=np.int32),
            "nps": rng.integers(0, 11, rows, dtype=np.uint8),
        }
    )


def frame(args: argparse.Namespace) -> Any:
    import dask.dataframe as dd

    per = args.rows // args.partitions
    meta = pd.DataFrame({"g": np.array([], np.int32), "nps": np.array([], np.uint8)})
    run = next(_run)
    return dd.from_map(
        gen, range(args.partitions), rows=per, groups=args.groups, run=run, meta=meta
    )


def timed(fn: Callable[[], Any], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--groups", type=int, default=10_000)
    ap.add_argument("--partitions", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from distributed import Client, LocalCluster

    def generate() -> int:
        return int(frame(args).map_partitions(len).sum().compute())

    def native() -> pd.DataFrame:
        ddf = frame(args)
        agg = (
            ddf.assign(p=ddf.nps >= 9, d=ddf.nps <= 6)
            .groupby("g")
            .agg({"p": "sum", "d": "sum", "nps": "count"})
            .compute()
            .sort_index()
        )
        agg["score"] = 100.0 * (agg["p"] - agg["d"]) / agg["nps"]
        return agg

    def with_cx() -> pd.DataFrame:
        out: pd.DataFrame = cx.dask.summarize(frame(args), by="g")
        return out

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        ref = native()
        got = with_cx()
        assert len(got) == len(ref) == args.groups
        assert (got["g"].to_numpy() == ref.index.to_numpy()).all()
        assert (got["n"].to_numpy() == ref["nps"].to_numpy()).all()
        rel = float(np.max(np.abs(got["score"].to_numpy() - ref["score"].to_numpy())) / 100)
        assert rel <= 1e-12, rel
        print(
            f"rows={args.rows:,} groups={args.groups:,} partitions={args.partitions} "
            f"LocalCluster 2x1; results agree (max rel. diff of NPS {rel:.1e})"
        )
        times = {}
        for name, fn in {"generate": generate, "dask": native, "cx": with_cx}.items():
            times[name] = timed(fn, args.repeat)
            print(f"  {name:9s} median {times[name]:7.2f} s")
        gen_t = times["generate"]
        print(
            f"  cx / dask = {times['cx'] / times['dask']:.2f}; beyond generation: "
            f"cx {times['cx'] - gen_t:.2f} s, dask {times['dask'] - gen_t:.2f} s"
        )
        print(f"peak RSS of the client process: {maxrss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
