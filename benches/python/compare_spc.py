"""cx.spc against a numpy-vectorised peer: I-MR limits + all eight Nelson rules on
10M points, and x̄/R limits + qcc's default rules on 2M subgroups of 5.

    OPENBLAS_NUM_THREADS=1 python benches/python/compare_spc.py --repeat 5

The peer is written here (no SPC library offers all eight Nelson rules
vectorised); agreement of every flag is checked before timing. Each contender
returns its per-point flags as a numpy array (cx's timing includes reading
``chart.flags``). Where two numpy formulations exist (run lengths by
``maximum.accumulate`` or by a cumulative-sum window; row statistics by
``axis=1`` reductions or column by column), both are timed and the faster one
is the peer. Best and median of ``--repeat`` runs after a warm-up, with the
load average; ratios are peer time / cx time.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(var, None)

import numpy as np  # noqa: E402

import cx  # noqa: E402

D2_2 = 2.0 / math.sqrt(math.pi)  # E[range of 2 normals], exact


def run_length(b: np.ndarray) -> np.ndarray:
    """Length of the run of True ending at each position (0 where False)."""
    idx = np.arange(b.size)
    last_false = np.maximum.accumulate(np.where(~b, idx, -1))
    return idx - last_false


def window_sum(b: np.ndarray, w: int) -> np.ndarray:
    """Sum of the last w values (fewer at the start)."""
    c = np.concatenate(([0], np.cumsum(b, dtype=np.int32)))
    out = c[1:].copy()
    out[w:] -= c[1 : b.size - w + 1]
    return out


def run_at_least_acc(b: np.ndarray, k: int) -> np.ndarray:
    """The last k values are all True (run length by maximum.accumulate)."""
    return run_length(b) >= k


def run_at_least_win(b: np.ndarray, k: int) -> np.ndarray:
    """The last k values are all True (cumulative-sum window)."""
    return window_sum(b, k) >= k


def nelson_numpy(
    x: np.ndarray,
    c: float,
    s: float,
    k: float = 3.0,
    run_at_least: Callable[[np.ndarray, int], np.ndarray] = run_at_least_win,
) -> np.ndarray:
    """Bit r-1 set where Nelson rule r flags the point (cx's documented semantics)."""
    n = x.size
    z = (x - c) / s
    idx = np.arange(n)
    flags = np.zeros(n, dtype=np.uint8)
    flags |= ((x > c + k * s) | (x < c - k * s)).astype(np.uint8)
    flags |= ((run_at_least(z > 0, 9) | run_at_least(z < 0, 9)).astype(np.uint8)) << 1
    d = np.diff(x)
    trend = np.zeros(n, dtype=bool)
    trend[1:] = run_at_least(d > 0, 5) | run_at_least(d < 0, 5)
    flags |= trend.astype(np.uint8) << 2
    alt = np.zeros(n, dtype=bool)
    alt[2:] = run_at_least(d[1:] * d[:-1] < 0, 12)
    flags |= alt.astype(np.uint8) << 3
    z2, z1 = k * 2 / 3, k / 3
    hi2, lo2, hi1, lo1 = z > z2, z < -z2, z > z1, z < -z1
    r5 = ((hi2 & (window_sum(hi2, 3) >= 2)) | (lo2 & (window_sum(lo2, 3) >= 2))) & (idx >= 2)
    flags |= r5.astype(np.uint8) << 4
    r6 = ((hi1 & (window_sum(hi1, 5) >= 4)) | (lo1 & (window_sum(lo1, 5) >= 4))) & (idx >= 4)
    flags |= r6.astype(np.uint8) << 5
    flags |= run_at_least(np.abs(z) <= z1, 15).astype(np.uint8) << 6
    out = hi1 | lo1
    r8 = run_at_least(out, 8) & (window_sum(hi1, 8) > 0) & (window_sum(lo1, 8) > 0)
    flags |= r8.astype(np.uint8) << 7
    return flags


def imr_numpy(x: np.ndarray, run_at_least=run_at_least_win) -> np.ndarray:
    c = float(x.mean())
    s = float(np.abs(np.diff(x)).mean()) / D2_2
    return nelson_numpy(x, c, s, run_at_least=run_at_least)


def row_stats_axis(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Subgroup means and ranges by axis=1 reductions."""
    return m.mean(axis=1), m.max(axis=1) - m.min(axis=1)


def row_stats_cols(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Subgroup means and ranges column by column (faster for narrow rows)."""
    cols = [m[:, j] for j in range(m.shape[1])]
    s = cols[0].copy()
    hi = cols[0].copy()
    lo = cols[0].copy()
    for col in cols[1:]:
        s += col
        np.maximum(hi, col, out=hi)
        np.minimum(lo, col, out=lo)
    s /= m.shape[1]
    return s, hi - lo


def xbar_r_numpy(m: np.ndarray, d2: float, d3: float, stats=row_stats_cols):
    """x̄ and R charts with qcc's default rules (beyond limits; 8 on one side)."""
    xbar, r = stats(m)
    n = m.shape[1]
    sigma = float((r / d2).mean())
    center = float(xbar.mean())
    out = []
    for stat, c, se in ((xbar, center, sigma / math.sqrt(n)), (r, float(r.mean()), d3 * sigma)):
        lcl = max(c - 3 * se, 0.0) if stat is r else c - 3 * se
        f = ((stat > c + 3 * se) | (stat < lcl)).astype(np.uint8)
        z = stat - c
        f |= ((run_at_least_win(z > 0, 8) | run_at_least_win(z < 0, 8)).astype(np.uint8)) << 3
        out.append(f)
    return out[0], out[1]


def timeit(f: Callable[[], object], repeat: int) -> tuple[float, float]:
    f()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def report(name: str, t_cx: tuple[float, float], peers: dict[str, tuple[float, float]]) -> None:
    print(f"  cx {'':18} best {t_cx[0] * 1e3:8.1f} ms  median {t_cx[1] * 1e3:8.1f} ms")
    for peer, t in peers.items():
        print(
            f"  {peer:21} best {t[0] * 1e3:8.1f} ms  median {t[1] * 1e3:8.1f} ms"
            f"   ratio best {t[0] / t_cx[0]:6.1f}x  median {t[1] / t_cx[1]:6.1f}x"
        )
    best = min(peers.values())
    print(
        f"  {name}: cx vs fastest numpy: best {best[0] / t_cx[0]:.1f}x, "
        f"median {best[1] / t_cx[1]:.1f}x (load {load()})"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--points", type=int, default=10_000_000)
    ap.add_argument("--subgroups", type=int, default=2_000_000)
    args = ap.parse_args()
    print(f"load average before: {load()}; cpus: {os.cpu_count()}")

    rng = np.random.default_rng(42)
    x = rng.normal(10.0, 1.0, args.points)
    x[(np.arange(x.size) % 10_000) < 40] += 1.5
    chart = cx.spc.control_chart(x, kind="xmr", rules="nelson")
    c = float(x.mean())
    s = float(np.abs(np.diff(x)).mean()) / D2_2
    assert abs(chart.center[0] - c) < 1e-9 * abs(c)
    assert abs(chart.sigma - s) < 1e-9 * s
    peer = imr_numpy(x)
    assert np.array_equal(peer, imr_numpy(x, run_at_least_acc))
    assert np.array_equal(chart.flags, peer), "flags differ"
    print(f"I-MR + Nelson 1-8, {x.size:,} points: {int((peer != 0).sum())} flagged points agree")
    t_cx = timeit(lambda: cx.spc.control_chart(x, kind="xmr", rules="nelson").flags, args.repeat)
    peers = {
        "numpy (cumsum runs)": timeit(lambda: imr_numpy(x), args.repeat),
        "numpy (accumulate)": timeit(lambda: imr_numpy(x, run_at_least_acc), args.repeat),
    }
    report("I-MR + Nelson", t_cx, peers)

    m = rng.normal(10.0, 1.0, (args.subgroups, 5))
    chart = cx.spc.control_chart(m, kind="xbar_r")
    sec = chart.secondary
    assert sec is not None
    d2 = float(sec.center[0] / chart.sigma)  # R̄ / σ̂ = d2(5) as cx computed it
    d3 = float(sec.se[0] / chart.sigma)
    fx, fr = xbar_r_numpy(m, d2, d3)
    fx2, fr2 = xbar_r_numpy(m, d2, d3, row_stats_axis)
    assert np.array_equal(fx, fx2)
    assert np.array_equal(fr, fr2)
    assert np.array_equal(chart.flags, fx), "xbar flags differ"
    assert np.array_equal(sec.flags, fr), "R flags differ"
    print(f"x̄/R, {len(m):,} subgroups of 5: {int((fx != 0).sum())} + {int((fr != 0).sum())} agree")

    def cx_xbar_r():
        ch = cx.spc.control_chart(m, kind="xbar_r")
        sec = ch.secondary
        assert sec is not None
        return ch.flags, sec.flags

    t_cx = timeit(cx_xbar_r, args.repeat)
    peers = {
        "numpy (columns)": timeit(lambda: xbar_r_numpy(m, d2, d3), args.repeat),
        "numpy (axis=1)": timeit(lambda: xbar_r_numpy(m, d2, d3, row_stats_axis), args.repeat),
    }
    report("x̄/R", t_cx, peers)


if __name__ == "__main__":
    main()
