"""Compare reading + validating a 1M-row feedback CSV: cx vs pandas vs polars.

Usage (from the repository root):

    python benches/python/compare_ingest.py [--rows 1000000] [--repeat 3] [--keep PATH]

Generates a seeded CSV (canonical English headers, naive Asia/Shanghai times,
Chinese text with quoted commas and newlines, about 0.1 % bad rows of several
kinds), then runs each contender in its own subprocess (so peak RSS from
``resource.getrusage`` covers Rust and polars allocations, which tracemalloc
cannot see), takes the median of ``--repeat`` timed runs after one warm-up,
checks that accepted/rejected counts agree, and prints medians, ratios and peak
memory. Every contender applies the same rules as ``cx.read_feedback``:

* channel in the allowed set (English names and Chinese synonyms),
* kind empty or one of the known labels,
* nps and csat integers 0–10, ces integer 1–7 (empty = missing),
* timestamp ``YYYY-MM-DD HH:MM:SS`` localized to Asia/Shanghai,
* non-empty feedback_id; repeated ids among valid rows rejected (first kept).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

TZ = "Asia/Shanghai"
CHANNELS = [
    "电话",
    "微信",
    "email",
    "在线客服",
    "门店",
    "app",
    "短信",
    "问卷调查",
    "phone",
    "live_chat",
]
# The names the contenders accept (a subset of cx's synonyms that covers the data).
ALLOWED_CHANNELS = sorted(
    set(CHANNELS) | {"sms", "web_form", "social_media", "电话回访", "邮件", "微博"}
)
KINDS = ["投诉", "建议", "表扬", "咨询", "complaint", "praise", ""]
ALLOWED_KINDS = [k for k in KINDS if k]
TEXTS = [
    "物流太慢了，等了一个星期才到",
    "客服态度很好，问题很快解决",
    '"价格偏高, 希望有优惠"',
    "App 经常闪退",
    "",
    '"第一行\n第二行"',
]
HEADER = "feedback_id,customer_id,channel,touchpoint_id,timestamp,kind,nps,csat,ces,text,tags,language,weight\n"


def generate(path: str, rows: int, seed: int = 42) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        for i in range(rows):
            day, h, m, s = (
                rng.randint(1, 28),
                rng.randrange(24),
                rng.randrange(60),
                rng.randrange(60),
            )
            ts = f"2024-03-{day:02d} {h:02d}:{m:02d}:{s:02d}"
            channel = rng.choice(CHANNELS)
            nps = str(rng.randrange(11))
            fid = f"F{i}"
            bad = rng.randrange(1000)
            if bad == 0:
                channel = "信鸽"
            elif bad == 1:
                nps = "11"
            elif bad == 2:
                nps = "9.5"
            elif bad == 3:
                ts = "2024-13-01 10:00:00"
            elif bad == 4 and i > 0:
                fid = f"F{i - 1}"
            f.write(
                f"{fid},C{rng.randrange(50000)},{channel},tp{rng.randrange(20)},{ts},"
                f"{rng.choice(KINDS)},{nps},{rng.randint(1, 5)},{rng.randint(1, 7)},"
                f"{rng.choice(TEXTS)},物流;价格,zh-CN,1.0\n"
            )


def run_cx(path: str) -> tuple[int, int]:
    import cx

    got = cx.read_feedback(path, tz=TZ, errors="collect")
    assert got.rows_read == got.table.num_rows + len(got.rejected)
    return got.table.num_rows, len(got.rejected)


def run_pandas(path: str) -> tuple[int, int]:
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    ok = df["feedback_id"].str.strip() != ""
    ok &= df["channel"].str.strip().isin(ALLOWED_CHANNELS)
    ok &= df["kind"].eq("") | df["kind"].isin(ALLOWED_KINDS)
    for col, lo, hi in (("nps", 0, 10), ("csat", 0, 10), ("ces", 1, 7)):
        s = df[col]
        num = pd.to_numeric(s.where(s.str.fullmatch(r"\d{1,2}"), None), errors="coerce")
        ok &= s.eq("") | num.between(lo, hi)
    ts = pd.to_datetime(df["timestamp"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    ts = ts.dt.tz_localize(TZ, ambiguous="NaT", nonexistent="NaT")
    ok &= ts.notna()
    dup = df["feedback_id"].where(ok).duplicated(keep="first") & ok
    ok &= ~dup
    accepted = int(ok.sum())
    return accepted, len(df) - accepted


def run_polars(path: str) -> tuple[int, int]:
    import polars as pl

    df = pl.read_csv(path, infer_schema=False)
    c = pl.col
    rating = lambda name, lo, hi: (  # noqa: E731
        c(name).is_null()
        | (
            c(name).str.contains(r"^\d{1,2}$")
            & c(name).cast(pl.Int32, strict=False).is_between(lo, hi)
        )
    )
    ts = (
        c("timestamp")
        .str.strptime(pl.Datetime("ms"), "%Y-%m-%d %H:%M:%S", strict=False)
        .dt.replace_time_zone(TZ, ambiguous="null", non_existent="null")
    )
    ok = (
        (c("feedback_id").str.strip_chars().fill_null("") != "")
        & c("channel").str.strip_chars().is_in(ALLOWED_CHANNELS).fill_null(False)
        & (c("kind").is_null() | c("kind").is_in(ALLOWED_KINDS))
        & rating("nps", 0, 10)
        & rating("csat", 0, 10)
        & rating("ces", 1, 7)
        & ts.is_not_null()
    )
    df = df.with_columns(ok.alias("_ok"))
    dup = pl.when(c("_ok")).then(c("feedback_id")).otherwise(None)
    df = df.with_columns(
        (c("_ok") & ~(dup.is_duplicated() & ~dup.is_first_distinct())).alias("_ok")
    )
    accepted = int(df["_ok"].sum())
    return accepted, df.height - accepted


RUNNERS = {"cx": run_cx, "pandas": run_pandas, "polars": run_polars}


def child(name: str, path: str, repeat: int) -> None:
    """Run one contender in this process and print a JSON line."""
    import resource

    fn = RUNNERS[name]
    counts = fn(path)  # warm-up (and the counts)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        got = fn(path)
        times.append(time.perf_counter() - t0)
        assert got == counts
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps({"name": name, "counts": counts, "times": times, "maxrss_mib": rss_kib / 1024})
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", help="write the CSV here and keep it")
    ap.add_argument("--child", nargs=2, metavar=("NAME", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.repeat)
        return
    path = args.keep or os.path.join(tempfile.mkdtemp(), "feedback_1m.csv")
    t0 = time.perf_counter()
    generate(path, args.rows)
    size_mb = os.path.getsize(path) / 1e6
    print(
        f"data: {args.rows:,} rows, {size_mb:.1f} MB, generated in {time.perf_counter() - t0:.1f} s: {path}"
    )
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    results = {}
    for name in RUNNERS:
        proc = subprocess.run(
            [sys.executable, __file__, "--repeat", str(args.repeat), "--child", name, path],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["?"])[-1]
            print(f"{name:>7}: skipped ({last})")
            continue
        results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    counts = {r["name"]: tuple(r["counts"]) for r in results.values()}
    print("accepted/rejected:", counts)
    if len(set(counts.values())) > 1:
        print("MISMATCH between contenders")
        sys.exit(1)
    base = statistics.median(results["cx"]["times"]) if "cx" in results else None
    for name, r in results.items():
        med = statistics.median(r["times"])
        ratio = f"  {med / base:5.2f}× cx" if base else ""
        print(
            f"{name:>7}: median {med:6.3f} s  {size_mb / med:7.1f} MB/s  peak RSS {r['maxrss_mib']:7.1f} MiB{ratio}"
        )
    if not args.keep:
        os.remove(path)


if __name__ == "__main__":
    main()
