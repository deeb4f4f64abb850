"""Reference vectors of key-driver analysis, computed WITHOUT cx.

Run from the repo root: `python tests/vectors/drivers/generate.py` (writes the JSON files
next to this script). Sources of each expected value:

* `pearson`, `spearman`: `scipy.stats.pearsonr`, `scipy.stats.spearmanr` (average ranks).
* `beta`, `r_squared`, `adj_r_squared`: `statsmodels.api.OLS` on z-scored outcome and
  drivers (with a constant); `vif`: `statsmodels.stats.outliers_influence.
  variance_inflation_factor` on the design with a constant.
* `lmg`: all-subsets regression written out in numpy: R²(S) by `numpy.linalg.lstsq` on
  the raw data for every subset (itertools.combinations), then the Shapley weights
  |S|!(p−|S|−1)!/p!.
* `relative_weight`: Johnson (2000) written out with `numpy.linalg.eigh`.

Listwise deletion (`n_used`, `n_dropped`, `n_missing`) is done with numpy masks.
"""

from __future__ import annotations

import itertools
import json
import math
import pathlib

import numpy as np
import scipy
import scipy.stats
import statsmodels
import statsmodels.api as sm
from statsmodels.stats.outliers_influence import variance_inflation_factor

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def r2_lstsq(y: np.ndarray, x: np.ndarray) -> float:
    design = np.column_stack([np.ones(len(y)), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    return float(1 - resid @ resid / ((y - y.mean()) @ (y - y.mean())))


def lmg(y: np.ndarray, x: np.ndarray) -> list[float]:
    p = x.shape[1]
    r2 = {(): 0.0}
    for k in range(1, p + 1):
        for s in itertools.combinations(range(p), k):
            r2[s] = r2_lstsq(y, x[:, s])
    out = []
    for j in range(p):
        others = [i for i in range(p) if i != j]
        total = 0.0
        for k in range(p):
            w = math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p)
            for s in itertools.combinations(others, k):
                with_j = tuple(sorted((*s, j)))
                total += w * (r2[with_j] - r2[s])
        out.append(total)
    return out


def relative_weights(y: np.ndarray, x: np.ndarray) -> list[float]:
    r = np.corrcoef(np.column_stack([y, x]), rowvar=False)
    rxx, rxy = r[1:, 1:], r[1:, 0]
    lam, q = np.linalg.eigh(rxx)
    lstar = q @ np.diag(np.sqrt(lam)) @ q.T
    bstar = np.linalg.solve(lstar, rxy)
    return list((lstar**2) @ (bstar**2))


def case(name: str, columns: dict[str, list[float]], outcome: str, note: str) -> None:
    names = [c for c in columns if c != outcome]
    y_all = np.asarray(columns[outcome], dtype=float)
    x_all = np.column_stack([np.asarray(columns[c], dtype=float) for c in names])
    keep = ~np.isnan(y_all) & ~np.isnan(x_all).any(axis=1)
    y, x = y_all[keep], x_all[keep]
    z = lambda v: (v - v.mean(axis=0)) / v.std(axis=0, ddof=1)  # noqa: E731
    fit = sm.OLS(z(y), sm.add_constant(z(x))).fit()
    design = sm.add_constant(x)
    expected = {
        "n_rows": len(y_all),
        "n_used": int(keep.sum()),
        "n_dropped": int((~keep).sum()),
        "outcome_missing": int(np.isnan(y_all).sum()),
        "n_missing": [int(np.isnan(x_all[:, j]).sum()) for j in range(len(names))],
        "pearson": [float(scipy.stats.pearsonr(x[:, j], y)[0]) for j in range(len(names))],
        "spearman": [float(scipy.stats.spearmanr(x[:, j], y)[0]) for j in range(len(names))],
        "beta": [float(b) for b in fit.params[1:]],
        "r_squared": float(fit.rsquared),
        "adj_r_squared": float(fit.rsquared_adj),
        "vif": [float(variance_inflation_factor(design, j + 1)) for j in range(len(names))],
        "lmg": lmg(y, x),
        "relative_weight": [float(v) for v in relative_weights(y, x)],
        "mean": [float(v) for v in x.mean(axis=0)],
    }
    doc = {
        "case": name,
        "note": note,
        "provenance": (
            f"tests/vectors/drivers/generate.py: scipy {scipy.__version__} pearsonr/spearmanr, "
            f"statsmodels {statsmodels.__version__} OLS + variance_inflation_factor, "
            f"numpy {np.__version__} all-subsets lstsq (LMG) and eigh (relative weights)"
        ),
        "tolerance": 1e-9,
        "outcome": outcome,
        "drivers": names,
        "columns": {
            k: [None if math.isnan(v) else v for v in map(float, vals)]
            for k, vals in columns.items()
        },
        "expected": expected,
    }
    (HERE / f"{name}.json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    import csv

    with (ROOT / "python/cx/data/survey.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    cols = ["nps", *[c for c in rows[0] if c.startswith("attr_")]]
    case(
        "survey",
        {c: [float(r[c]) for r in rows] for c in cols},
        "nps",
        "the bundled sample survey (1,200 responses, 6 drivers, many ties)",
    )

    rng = np.random.default_rng(20260101)
    n, p = 400, 8
    g = rng.normal(size=n)
    x = 0.7 * g[:, None] + rng.normal(size=(n, p))
    x[:, 7] = x[:, 6] + 0.25 * rng.normal(size=n)  # collinear pair: VIF > 10
    y = x @ np.linspace(0.1, 0.8, p) + rng.normal(size=n)
    cols8 = {"y": y, **{f"x{j}": x[:, j] for j in range(p)}}
    for name, idx in [("y", [3, 17]), ("x1", [5, 17, 40]), ("x5", [99])]:
        cols8[name] = cols8[name].copy()
        cols8[name][idx] = np.nan
    case(
        "missing_collinear",
        {k: list(v) for k, v in cols8.items()},
        "y",
        "8 correlated drivers, x6/x7 nearly collinear, NaNs in y, x1 and x5",
    )

    rng = np.random.default_rng(7)
    x = rng.integers(1, 6, size=(60, 3)).astype(float)
    y = np.clip(np.round(2 + x @ [0.9, 0.4, -0.3] + rng.normal(size=60)), 0, 10)
    case(
        "small_negative",
        {"score": list(y), "a": list(x[:, 0]), "b": list(x[:, 1]), "c": list(x[:, 2])},
        "score",
        "60 rows of 1-5 ratings, one driver with a negative effect",
    )


if __name__ == "__main__":
    main()
