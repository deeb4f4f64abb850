"""Key-driver analysis: which attributes move the outcome, and where to act.

`analyze` regresses an outcome (NPS, overall satisfaction) on driver ratings and
reports, per driver, Pearson and Spearman correlations, the standardized β, VIF,
Johnson's relative weight, the exact Shapley / LMG share of R², bootstrap intervals
and the importance–performance quadrant. Formulas and sources are in the
*Formulas* page of the docs.

>>> import cx, pandas as pd
>>> survey = pd.read_csv(cx.datasets.sample_path("survey"))
>>> kd = cx.drivers.analyze(survey, outcome="nps",
...                         drivers=["attr_delivery_speed", "attr_app"])
>>> kd.table.sort_values("rank")["driver"].tolist()
['attr_delivery_speed', 'attr_app']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cx import _cx, _frames
from cx._cx import KeyDrivers

__all__ = ["KeyDrivers", "analyze"]


def _as_frame(frame: Any, outcome: str | int) -> tuple[Any, str]:
    """A dict of columns or a 2-D numpy array as a pyarrow Table (outcome name as text)."""
    if isinstance(frame, dict):
        import pyarrow as pa  # type: ignore[import-untyped]

        return pa.table({str(k): v for k, v in frame.items()}), str(outcome)
    if type(frame).__module__ == "numpy" and getattr(frame, "ndim", 0) == 2:
        import pyarrow as pa

        cols = {str(j): frame[:, j] for j in range(frame.shape[1])}
        return pa.table(cols), str(outcome)
    return frame, str(outcome)


def analyze(
    frame: Any,
    /,
    *,
    outcome: str | int,
    drivers: Sequence[str | int] | None = None,
    method: str = "lmg",
    bootstrap: int = 0,
    seed: int = 0,
    level: float = 0.95,
    exact_max: int = 20,
    permutations: int = 2000,
    importance_cut: float | None = None,
    performance_cut: float | None = None,
    progress: Callable[[str, int, int], object] | None = None,
) -> KeyDrivers:
    """Key-driver analysis of `outcome` on `drivers`.

    Rows with a missing outcome or driver are dropped (listwise deletion) and counted;
    every measure comes from the correlation matrix of the complete rows. `result.table`
    is a frame of the caller's kind (pandas, polars, pyarrow; a `GroupedTable` for a dict
    or numpy input) with one row per driver: `driver`, `n_missing`, `performance` (the
    driver's mean), `pearson`, `spearman`, `beta` (standardized), `vif`, `collinearity`
    (`"moderate"` above 5, `"severe"` above 10), `relative_weight` (+ `_share`), `lmg`
    (+ `_share`, `_se` when sampled, `_signed` with the sign of β), `importance`, `rank`,
    `quadrant`, and `<measure>_ci_low` / `_ci_high` bootstrap percentile intervals
    (null without `bootstrap`).

    Args:
        frame: a pandas or polars DataFrame, a pyarrow Table, an Arrow stream, a dict of
            columns, or a 2-D numpy array (then `outcome` and `drivers` are column indices).
        outcome: the outcome column.
        drivers: the driver columns (default: every other numeric column).
        method: importance of the matrix and the ranking: `"lmg"` (default),
            `"relative-weight"`, `"beta"` (|β|), `"pearson"` or `"spearman"` (absolute).
        bootstrap: replicates for the percentile intervals (0 = none).
        seed: seed of the bootstrap and of sampled LMG.
        level: confidence level of the intervals.
        exact_max: the largest number of drivers decomposed exactly over all subsets
            (at most 24); beyond it LMG is estimated from `permutations` random orderings,
            with its standard error in `lmg_se`.
        permutations: orderings of sampled LMG.
        importance_cut: importance cut line of the matrix (default: mean importance).
        performance_cut: performance cut line (default: mean of the driver means).
        progress: `progress(step, done, total)`, called with `step="bootstrap"` and the
            replicates done at every 1 % of `bootstrap`, ending at `(bootstrap, bootstrap)`
            (the shape of `cx.report`'s callback; taken with the GIL only for the call).
            An exception it raises stops the bootstrap and is raised here.

    Raises:
        MissingFieldError: a named column is not in the frame.
        InvalidValueError: a constant or collinear driver (named), an infinite value.
        TooFewObservationsError: fewer than drivers + 2 complete rows.

    >>> kd = analyze({"y": [3, 5, 4, 8, 9, 7], "a": [1, 3, 2, 5, 6, 4], "b": [2, 1, 3, 3, 2, 4]},
    ...              outcome="y")
    >>> round(kd.r_squared, 4), kd.n_used
    (0.996, 6)
    """
    frame, outcome_name = _as_frame(frame, outcome)
    names = [str(d) for d in drivers] if drivers is not None else None
    named = [outcome_name, *(names or [])]
    if names is None:
        source, kind = _frames.select(frame, _frames_columns(frame))
    else:
        source, kind = _frames.select(frame, named)
    return _cx._drivers_arrow(
        source,
        outcome=outcome_name,
        drivers=names,
        method=method,
        bootstrap=bootstrap,
        seed=seed,
        level=level,
        exact_max=exact_max,
        permutations=permutations,
        importance_cut=importance_cut,
        performance_cut=performance_cut,
        kind=kind,
        progress=progress,
    )


def _frames_columns(frame: Any) -> list[str]:
    """All column names of a frame (drivers default to every numeric one)."""
    kind = _frames.frame_kind(frame)
    if kind == "pyarrow":
        return list(frame.column_names)
    if kind in ("pandas", "polars"):
        return [str(c) for c in frame.columns]
    return []
