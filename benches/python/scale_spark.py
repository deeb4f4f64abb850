"""Scale test: NPS by group over 100M synthetic responses on local Spark, cx vs Spark SQL.

Usage (from the repository root, release build of cx installed, Java 17 on PATH):

    python benches/python/scale_spark.py [--rows 100000000] [--groups 10000] [--repeat 3]

Not part of `make test`. The responses are generated inside Spark (`spark.range`
partitions: group `id % groups`, score `pmod(xxhash64(id), 11)`), never on the driver.
Contenders, in the same session and on the same data:

- `spark-sql`: Spark's own aggregation, `groupBy(g)` with conditional counts
  (promoters, detractors, responses), then NPS per group, collected with `toArrow()`.
- `cx-counts`: `cx.spark.summarize(df, by="g")` (default path: Spark SQL counts per
  (g, score), `mapInArrow` turns them into cx states, the driver merges and finishes:
  score, adjusted-Wald interval, standard error, low-n flag per group).
- `cx-arrow`: `cx.spark.summarize(df, by="g", method="arrow")` (`mapInArrow` on the rows:
  cx's Rust kernel per partition).

Each contender runs once as warm-up (the first Spark job also starts the Python workers),
then `--repeat` times; medians and ratios (contender / spark-sql) are printed with the
peak RSS of this driver process (`resource.getrusage`) and, with psutil, of the driver JVM.
The results are checked first: counts equal, NPS within 1e-12 relative.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ["PYSPARK_PYTHON"] = sys.executable
os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

import pyarrow as pa
import pyarrow.compute as pc

import cx.spark


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def jvm_rss_mib() -> float | None:
    try:
        import psutil
    except ImportError:
        return None
    kids = psutil.Process().children(recursive=True)
    java = [p for p in kids if "java" in p.name()]
    return sum(p.memory_info().rss for p in java) / 2**20 if java else None


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
    ap.add_argument("--partitions", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-arrow", action="store_true")
    args = ap.parse_args()

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("cx-scale")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.execution.arrow.maxBytesPerBatch", str(1 << 30))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "0")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        df = spark.range(0, args.rows, numPartitions=args.partitions).select(
            (F.col("id") % args.groups).cast("int").alias("g"),
            F.pmod(F.xxhash64("id"), F.lit(11)).cast("byte").alias("nps"),
        )

        def native() -> pa.Table:
            agg = df.groupBy("g").agg(
                F.count(F.when(F.col("nps") >= 9, 1)).alias("p"),
                F.count(F.when(F.col("nps") <= 6, 1)).alias("d"),
                F.count("nps").alias("n"),
            )
            out = agg.select(
                "g", "n", (F.lit(100.0) * (F.col("p") - F.col("d")) / F.col("n")).alias("score")
            )
            return out.orderBy("g").toArrow()

        def cx_counts() -> pa.Table:
            out: pa.Table = cx.spark.summarize(df, by="g")
            return out

        def cx_arrow() -> pa.Table:
            out: pa.Table = cx.spark.summarize(df, by="g", method="arrow")
            return out

        ref = native()
        got = cx_counts()
        assert got.num_rows == ref.num_rows == args.groups
        assert got.column("g").to_pylist() == ref.column("g").to_pylist()
        assert got.column("n").cast(pa.int64()).equals(ref.column("n"))
        rel = pc.max(
            pc.abs(pc.divide(pc.subtract(got.column("score"), ref.column("score")), 100.0))
        ).as_py()
        assert rel <= 1e-12, rel
        contenders = {"spark-sql": native, "cx-counts": cx_counts}
        if not args.skip_arrow:
            arrow = cx_arrow()
            assert arrow.equals(got)
            contenders["cx-arrow"] = cx_arrow
        print(
            f"rows={args.rows:,} groups={args.groups:,} partitions={args.partitions} "
            f"local[2] repeat={args.repeat}; results agree (max rel. diff of NPS {rel:.1e})"
        )
        times = {}
        for name, fn in contenders.items():
            times[name] = timed(fn, args.repeat)
            print(f"  {name:10s} median {times[name]:7.2f} s")
        base = times["spark-sql"]
        for name, t in times.items():
            print(f"  {name:10s} / spark-sql = {t / base:5.2f}")
        jvm = jvm_rss_mib()
        print(f"peak RSS of the Python driver: {maxrss_mib():.0f} MiB", end="")
        print(f"; driver JVM RSS now: {jvm:.0f} MiB" if jvm is not None else "")
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
