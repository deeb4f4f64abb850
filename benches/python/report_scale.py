"""Time `cx.report` end to end on a large generated data set, split into read, compute
and render (the issue's target: 1M feedback responses and 200k tickets).

    python benches/python/report_scale.py [--n-feedback 1000000] [--n-tickets 200000]
        [--dir D] [--repeat 3]

The data are generated once into --dir (default: a temporary directory) with
`cx.datasets.sample`; the report is built once to warm the page cache and imports, then
--repeat times; each run, the best and the median are printed with the load average
(the machine is shared: read absolute times with it), and the seconds per section of the
median run (`Report.section_timings`; waits for the event-log passes included).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import cx


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-feedback", type=int, default=1_000_000)
    ap.add_argument("--n-tickets", type=int, default=200_000)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    d = a.dir or tempfile.mkdtemp(prefix="cx-report-bench-")
    marker = os.path.join(d, f".n{a.n_feedback}-{a.n_tickets}")
    if not os.path.exists(marker):
        t = time.perf_counter()
        cx.datasets.sample(d, n_feedback=a.n_feedback, n_tickets=a.n_tickets)
        open(marker, "w").close()
        print(f"generated in {time.perf_counter() - t:.1f} s into {d}")
    files = [
        os.path.join(d, f)
        for f in ("sample_feedback.csv", "tickets.csv", "ticket_events.csv")
        if os.path.exists(os.path.join(d, f))
    ]
    sizes = {os.path.basename(f): os.path.getsize(f) / 1e6 for f in files}
    print("inputs (MB):", {k: round(v, 1) for k, v in sizes.items()})
    out = os.path.join(d, "report.html")
    cx.report(*files, path=out)  # warm-up
    runs = []
    for run in range(1, a.repeat + 1):
        load = os.getloadavg()[0]
        t = time.perf_counter()
        r = cx.report(*files, path=out)
        total = time.perf_counter() - t
        tm = r.timings
        runs.append((total, tm["read"], tm["compute"], tm["render"], load, r))
        print(
            f"run {run}: total {total:.2f} s = read {tm['read']:.2f} + compute {tm['compute']:.2f}"
            f" + render {tm['render']:.3f} s (load {load:.1f}); sections {r.section_ids};"
            f" html {os.path.getsize(out) / 1e3:.0f} kB"
        )
        n = r.section("kpis")["kpis"][0]["n"] if r.section("kpis") else 0
        assert n > 0
    runs.sort(key=lambda x: x[0])
    best, median = runs[0], runs[len(runs) // 2]
    for label, (total, read, compute, render, load, _) in (("best", best), ("median", median)):
        print(
            f"{label}: total {total:.2f} s = read {read:.2f} + compute {compute:.2f}"
            f" + render {render:.3f} s (load {load:.1f}); compute/read {compute / read:.2f}"
        )
    secs = getattr(median[5], "section_timings", {})
    if secs:
        print("median run, seconds per section:", {k: round(v, 2) for k, v in secs.items()})


if __name__ == "__main__":
    main()
