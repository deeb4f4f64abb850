"""cx.spc against a numpy-vectorised peer: I-MR limits + all eight Nelson rules on
10M points, and x̄/R limits + qcc's default rules on 2M subgroups of 5.

    OPENBLAS_NUM_THREADS=1 python benches/python/compare_spc.py

The peer is written here (no SPC library offers all eight Nelson rules
vectorised); agreement of every flag is checked before timing. Medians of
repeated runs after a warm-up; ratios are peer time / cx time.
"""

from __future__ import annotations

import math
import os
import statistics
import time

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
    c = np.concatenate(([0], np.cumsum(b, dtype=np.int64)))
    i = np.arange(1, b.size + 1)
    return c[i] - c[np.maximum(i - w, 0)]


def nelson_numpy(x: np.ndarray, c: float, s: float, k: float = 3.0) -> np.ndarray:
    """Bit r-1 set where Nelson rule r flags the point (cx's documented semantics)."""
    n = x.size
    z = (x - c) / s
    idx = np.arange(n)
    flags = np.zeros(n, dtype=np.uint8)
    flags |= ((x > c + k * s) | (x < c - k * s)).astype(np.uint8)
    flags |= (((run_length(z > 0) >= 9) | (run_length(z < 0) >= 9)).astype(np.uint8)) << 1
    d = np.diff(x)
    trend = np.zeros(n, dtype=bool)
    trend[1:] = (run_length(d > 0) >= 5) | (run_length(d < 0) >= 5)
    flags |= trend.astype(np.uint8) << 2
    alt = np.zeros(n, dtype=bool)
    alt[2:] = run_length(d[1:] * d[:-1] < 0) >= 12
    flags |= alt.astype(np.uint8) << 3
    z2, z1 = k * 2 / 3, k / 3
    hi2, lo2, hi1, lo1 = z > z2, z < -z2, z > z1, z < -z1
    r5 = ((hi2 & (window_sum(hi2, 3) >= 2)) | (lo2 & (window_sum(lo2, 3) >= 2))) & (idx >= 2)
    flags |= r5.astype(np.uint8) << 4
    r6 = ((hi1 & (window_sum(hi1, 5) >= 4)) | (lo1 & (window_sum(lo1, 5) >= 4))) & (idx >= 4)
    flags |= r6.astype(np.uint8) << 5
    flags |= (run_length(np.abs(z) <= z1) >= 15).astype(np.uint8) << 6
    out = hi1 | lo1
    r8 = (run_length(out) >= 8) & (window_sum(hi1, 8) > 0) & (window_sum(lo1, 8) > 0)
    flags |= r8.astype(np.uint8) << 7
    return flags


def imr_numpy(x: np.ndarray) -> tuple[float, float, np.ndarray]:
    c = float(x.mean())
    s = float(np.abs(np.diff(x)).mean()) / D2_2
    return c, s, nelson_numpy(x, c, s)


def xbar_r_numpy(m: np.ndarray, d2: float, d3: float) -> tuple[np.ndarray, np.ndarray]:
    """x̄ and R charts with qcc's default rules (beyond limits; 8 on one side)."""
    xbar = m.mean(axis=1)
    r = m.max(axis=1) - m.min(axis=1)
    n = m.shape[1]
    sigma = float((r / d2).mean())
    center = float(xbar.mean())
    out = []
    for stat, c, se in ((xbar, center, sigma / math.sqrt(n)), (r, float(r.mean()), d3 * sigma)):
        lcl = max(c - 3 * se, 0.0) if stat is r else c - 3 * se
        f = ((stat > c + 3 * se) | (stat < lcl)).astype(np.uint8)
        z = stat - c
        f |= (((run_length(z > 0) >= 8) | (run_length(z < 0) >= 8)).astype(np.uint8)) << 3
        out.append(f)
    return out[0], out[1]


def timeit(f, repeat: int = 5) -> float:
    f()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    rng = np.random.default_rng(42)
    x = rng.normal(10.0, 1.0, 10_000_000)
    x[(np.arange(x.size) % 10_000) < 40] += 1.5
    chart = cx.spc.control_chart(x, kind="xmr", rules="nelson")
    c, s, peer = imr_numpy(x)
    assert abs(chart.center[0] - c) < 1e-9 * abs(c)
    assert abs(chart.sigma - s) < 1e-9 * s
    assert np.array_equal(chart.flags, peer), "flags differ"
    print(f"I-MR + Nelson 1-8, 10M points: {int((peer != 0).sum())} flagged points agree")
    t_cx = timeit(lambda: cx.spc.control_chart(x, kind="xmr", rules="nelson"))
    t_np = timeit(lambda: imr_numpy(x))
    print(f"  cx    {t_cx * 1e3:9.1f} ms\n  numpy {t_np * 1e3:9.1f} ms   ratio {t_np / t_cx:6.1f}x")
    # Flags only (limits given), the rules kernel alone:
    t_np_rules = timeit(lambda: nelson_numpy(x, c, s))
    print(f"  numpy rules alone {t_np_rules * 1e3:9.1f} ms")

    m = rng.normal(10.0, 1.0, (2_000_000, 5))
    chart = cx.spc.control_chart(m, kind="xbar_r")
    sec = chart.secondary
    assert sec is not None
    d2 = float(sec.center[0] / chart.sigma)  # R̄ / σ̂ = d2(5) as cx computed it
    d3 = float(sec.se[0] / chart.sigma)
    fx, fr = xbar_r_numpy(m, d2, d3)
    assert np.array_equal(chart.flags, fx), "xbar flags differ"
    assert np.array_equal(sec.flags, fr), "R flags differ"
    print(f"x̄/R, 2M subgroups of 5: {int((fx != 0).sum())} + {int((fr != 0).sum())} flagged agree")
    t_cx = timeit(lambda: cx.spc.control_chart(m, kind="xbar_r"))
    t_np = timeit(lambda: xbar_r_numpy(m, d2, d3))
    print(f"  cx    {t_cx * 1e3:9.1f} ms\n  numpy {t_np * 1e3:9.1f} ms   ratio {t_np / t_cx:6.1f}x")


if __name__ == "__main__":
    main()
