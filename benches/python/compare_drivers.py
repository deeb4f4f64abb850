"""cx.drivers against numpy and relativeImp: exact LMG with 15 drivers on 100k rows.

    OPENBLAS_NUM_THREADS=1 python benches/python/compare_drivers.py

Contenders, all on the same seeded survey-like data (15 ratings 1–10 sharing a
common factor, outcome 0–10), agreement checked before timing:

* cx: `cx.drivers.analyze(frame)` from a pandas DataFrame: Pearson, Spearman,
  standardized β, VIF, relative weights AND exact LMG over all 2^15 subsets.
* numpy, per-subset loop: correlation matrix once (`np.corrcoef`), then for each of the
  32,767 subsets R²(S) = r_Sᵀ R_SS⁻¹ r_S by `np.linalg.solve`, Shapley weights vectorised.
  This is the idiomatic all-subsets regression from the correlation matrix.
* numpy, batched: the same, but one batched `np.linalg.solve` per subset size over a
  stacked array of all C(15, k) sub-matrices (the fastest numpy formulation we know).
* relativeImp 0.0.2 (PyPI): Johnson's relative weights only (it has no LMG); compared
  with cx's `relative_weight` column.

Medians of repeated runs after a warm-up; ratios are peer time / cx time.
"""

from __future__ import annotations

import itertools
import math
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(var, None)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import cx  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
P = 15


def data(n: int, p: int, seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.normal(size=n)
    x = np.clip(np.round(6 + 1.5 * (0.6 * g[:, None] + 0.8 * rng.normal(size=(n, p)))), 1, 10)
    w = np.linspace(0.02, 0.4, p)
    y = np.clip(np.round(7 + (x - 6) @ w + rng.normal(scale=1.2, size=n)), 0, 10)
    return pd.DataFrame({"y": y, **{f"x{j:02d}": x[:, j] for j in range(p)}})


def shapley(r2: np.ndarray, p: int) -> np.ndarray:
    """Shapley values from R² of every subset indexed by bit mask (vectorised)."""
    masks = np.arange(1 << p)
    size = np.array([bin(m).count("1") for m in range(1 << p)])
    w = np.array(
        [math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p) for k in range(p)]
    )
    out = np.empty(p)
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        out[j] = np.sum(w[size[without]] * (r2[without | (1 << j)] - r2[without]))
    return out


def lmg_numpy_loop(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = x.shape[1]
    r = np.corrcoef(np.column_stack([y, x]), rowvar=False)
    rxx, rxy = r[1:, 1:], r[1:, 0]
    r2 = np.zeros(1 << p)
    for mask in range(1, 1 << p):
        idx = [j for j in range(p) if mask >> j & 1]
        rs = rxy[idx]
        r2[mask] = rs @ np.linalg.solve(rxx[np.ix_(idx, idx)], rs)
    return shapley(r2, p)


def subsets_by_size(p: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per size k: the (m, k) index array of all k-subsets and their bit masks."""
    out = []
    for k in range(1, p + 1):
        idx = np.array(list(itertools.combinations(range(p), k)))
        out.append((idx, (1 << idx).sum(axis=1)))
    return out


def lmg_numpy_batched(x: np.ndarray, y: np.ndarray, subsets: list) -> np.ndarray:
    p = x.shape[1]
    r = np.corrcoef(np.column_stack([y, x]), rowvar=False)
    rxx, rxy = r[1:, 1:], r[1:, 0]
    r2 = np.zeros(1 << p)
    for idx, masks in subsets:
        a = rxx[idx[:, :, None], idx[:, None, :]]
        b = rxy[idx]
        sol = np.linalg.solve(a, b[..., None])[..., 0]
        r2[masks] = np.einsum("ij,ij->i", sol, b)
    return shapley(r2, p)


def median_time(f, repeats: int) -> float:
    f()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    df = data(N, P)
    names = [c for c in df.columns if c != "y"]
    x, y = df[names].to_numpy(), df["y"].to_numpy()
    subsets = subsets_by_size(P)

    # Agreement first.
    kd = cx.drivers.analyze(df, outcome="y", drivers=names)
    ours = kd.table
    loop = lmg_numpy_loop(x, y)
    batched = lmg_numpy_batched(x, y, subsets)
    np.testing.assert_allclose(ours["lmg"], loop, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours["lmg"], batched, rtol=1e-9, atol=1e-12)
    print(
        f"agreement: exact LMG of cx = numpy loop = numpy batched (rtol 1e-9); R² = {kd.r_squared:.4f}"
    )
    try:
        from relativeImp import relativeImp

        rw = relativeImp(df, "y", names)
        np.testing.assert_allclose(ours["relative_weight"], rw["rawRelaImpt"], rtol=1e-8)
        print("agreement: relative weights of cx = relativeImp (rtol 1e-8)")
    except ImportError:
        relativeImp = None
        print("relativeImp: not installed (pip install relativeImp)")

    rows = []
    t_cx = median_time(lambda: cx.drivers.analyze(df, outcome="y", drivers=names), 7)
    rows.append(("cx.drivers.analyze (all measures, exact LMG)", t_cx))
    rows.append(
        (
            "numpy all-subsets loop (corrcoef + solve per subset)",
            median_time(lambda: lmg_numpy_loop(x, y), 3),
        )
    )
    rows.append(
        (
            "numpy all-subsets batched solve per size",
            median_time(lambda: lmg_numpy_batched(x, y, subsets), 7),
        )
    )
    if relativeImp is not None:
        rows.append(
            (
                "relativeImp 0.0.2 (relative weights only)",
                median_time(lambda: relativeImp(df, "y", names), 7),
            )
        )
    print(
        f"\nexact LMG, {P} drivers, {N:,} rows; OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}"
    )
    print(f"{'contender':58s} {'median':>10s} {'peer / cx':>10s}")
    for name, t in rows:
        print(f"{name:58s} {t * 1e3:8.1f} ms {t / t_cx:9.1f}x")


if __name__ == "__main__":
    main()
