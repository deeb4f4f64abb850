"""Compare RFM scoring of 10M transactions (~1M customers): cx vs idiomatic pandas.

Usage (from the repository root, with a release build of cx installed):

    python benches/python/compare_rfm.py [--rows 10000000] [--customers 1000000] [--repeat 5]

One seeded data set: a pandas DataFrame with ``customer_id`` (int64), ``date``
(datetime64[ns], two years of days) and ``amount`` (float64). Both contenders start from
that frame and end with a pandas frame of per-customer recency, frequency, monetary and
the three quintile scores:

- **cx**: ``cx.rfm(df, as_of=...).table`` (the frame is read through Arrow; the result
  also carries first/last purchase, the R-F-M code and the rfm-package segment);
- **pandas**: ``groupby("customer_id").agg(...)`` then ``pd.qcut(..., 5)`` per variable
  (``qcut`` uses the linear = R type-7 quantile and right-closed bins, the same
  convention as cx's ``method="quantile"``; recency reversed).

Each contender runs in its own subprocess regenerating the same data, does one warm-up
run, then ``--repeat`` timed runs; the SHA-1 of the (customer, scores) table must agree
before the best and median times, the ratios pandas / cx and the load average are printed.

``OPENBLAS_NUM_THREADS=1`` is set (and ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE``
unset) in this process only, before numpy is imported.
"""

from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_L2_SIZE", None)

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

import cx

SEED = 20241129
START = np.datetime64("2023-01-01", "ns")
DAYS = 730


def data(n: int, customers: int) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    return pd.DataFrame(
        {
            "customer_id": rng.integers(0, customers, n, dtype=np.int64),
            "date": START + rng.integers(0, DAYS, n).astype("timedelta64[D]"),
            "amount": np.round(rng.gamma(2.0, 50.0, n), 2),
        }
    )


AS_OF = pd.Timestamp(START + np.timedelta64(DAYS, "D"))


def rfm_pandas(df: pd.DataFrame) -> pd.DataFrame:
    g = df.groupby("customer_id").agg(
        last=("date", "max"), frequency=("date", "size"), monetary=("amount", "sum")
    )
    g["recency_days"] = (AS_OF - g["last"]).dt.days
    g["recency_score"] = 5 - pd.qcut(g["recency_days"], 5, labels=False)
    g["frequency_score"] = pd.qcut(g["frequency"], 5, labels=False) + 1
    g["monetary_score"] = pd.qcut(g["monetary"], 5, labels=False) + 1
    return g


def rfm_cx(df: pd.DataFrame) -> pd.DataFrame:
    return cx.rfm(df, as_of=AS_OF.date()).table


def digest(customer: Any, r: Any, f: Any, m: Any) -> str:
    a = np.stack([np.asarray(x, dtype=np.int64) for x in (customer, r, f, m)])
    return hashlib.sha1(a.tobytes()).hexdigest()


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def worker(name: str, n: int, customers: int, repeat: int) -> dict[str, Any]:
    df = data(n, customers)
    if name == "cx":
        out = rfm_cx(df)
        d = digest(
            out["customer"], out["recency_score"], out["frequency_score"], out["monetary_score"]
        )
        secs = timed(lambda: rfm_cx(df), repeat)
        return {"digest": d, "secs": secs, "customers": len(out)}
    out = rfm_pandas(df)
    d = digest(out.index, out["recency_score"], out["frequency_score"], out["monetary_score"])
    secs = timed(lambda: rfm_pandas(df), repeat)
    return {"digest": d, "secs": secs, "customers": len(out)}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--worker", default=None)
    a = p.parse_args()
    if a.worker:
        print(json.dumps(worker(a.worker, a.rows, a.customers, a.repeat)))
        return
    res = {}
    for name in ["cx", "pandas"]:
        cmd = [
            sys.executable,
            __file__,
            "--worker",
            name,
            "--rows",
            str(a.rows),
            "--customers",
            str(a.customers),
            "--repeat",
            str(a.repeat),
        ]
        res[name] = json.loads(
            subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        )
    if res["cx"]["digest"] != res["pandas"]["digest"]:
        sys.exit(f"disagreement: {res}")
    print(f"RFM, {a.rows:,} transactions, {res['cx']['customers']:,} customers; scores agree")
    print(f"load average (1, 5, 15 min) after the run: {os.getloadavg()}")
    best = {k: min(v["secs"]) for k, v in res.items()}
    median = {k: statistics.median(v["secs"]) for k, v in res.items()}
    print(f"{'contender':<10}{'best s':>9}{'median s':>10}{'pandas/cx best':>16}{'median':>8}")
    for name in ["cx", "pandas"]:
        print(
            f"{name:<10}{best[name]:>9.3f}{median[name]:>10.3f}"
            f"{best['pandas'] / best[name]:>16.1f}{median['pandas'] / median[name]:>8.1f}"
        )


if __name__ == "__main__":
    main()
