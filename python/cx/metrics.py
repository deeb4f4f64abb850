"""Satisfaction metrics with honest intervals: NPS, CSAT and CES, overall, by group and time.

Every estimate comes with its confidence interval and the method that produced
it; formulas and sources are in the *Formulas* page of the docs.

>>> import cx
>>> s = cx.nps([10, 9, 8, 3, 7, 10])
>>> round(s.score, 2), s.method
(33.33, 'adjusted-wald')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cx import _cx, _frames
from cx._cx import (
    CesSummary,
    Comparison,
    CsatSummary,
    GroupedTable,
    MeanSummary,
    MeanTally,
    NpsSummary,
    NpsTally,
    ProportionSummary,
    ProportionTally,
    SampleSize,
    ces,
    compare_means,
    compare_nps,
    compare_proportions,
    csat,
    nps,
    nps_by_group,
    sample_size,
)

__all__ = [
    "CesSummary",
    "Comparison",
    "CsatSummary",
    "GroupedTable",
    "MeanSummary",
    "MeanTally",
    "NpsSummary",
    "NpsTally",
    "ProportionSummary",
    "ProportionTally",
    "SampleSize",
    "ces",
    "compare_means",
    "compare_nps",
    "compare_proportions",
    "csat",
    "nps",
    "nps_by_group",
    "sample_size",
    "summarize",
]


def summarize(
    frame: Any,
    /,
    *,
    score: str = "nps",
    metric: str = "nps",
    by: str | Sequence[str] = (),
    time: str | None = None,
    freq: str = "month",
    tz: str | None = None,
    weights: str | None = None,
    ci: str | None = None,
    level: float = 0.95,
    scale: str | None = None,
    min_n: int = 30,
) -> Any:
    """NPS, CSAT or CES per group (and time bucket) of a data frame, as a frame of the same kind.

    `frame` is a pandas or polars DataFrame, a pyarrow Table, or any object with
    `__arrow_c_stream__`; the result is a frame of the same library (a `GroupedTable` for
    other Arrow objects), one row per group and bucket, sorted by key: the `by` columns,
    `bucket` (start of the time bucket in `tz`, when `time` is given), `n`, `n_missing`,
    `score`, `ci_low`, `ci_high`, `standard_error`, `method`, then the class counts
    (`n_promoters`, `n_passives`, `n_detractors` for NPS; `n_top_box` for CSAT;
    `n_favorable` for CES), and `low_n` (fewer than `min_n` answers). A group whose scores
    are all missing has `n = 0` and null scores.

    With `time`, each row also carries the change against the group's previous bucket that had
    answers: `change` (observed difference, in the units of `score`), `change_ci_low`,
    `change_ci_high` and the two-sided `change_p_value` (NPS: adjusted-Wald or Wald z test as
    `ci` says, MeasuringU; CSAT: two-proportion z with pooled SE, Wald interval; CES: Welch's t).
    They are null for a group's first bucket and where no test is defined.

    Columns are read through the Arrow PyCapsule interface (pandas through
    `pyarrow.Table.from_pandas`), only those named; a `uint8` score column without nulls
    is read without copying. String keys are dictionary-encoded once, in Rust.

    Args:
        frame: the data.
        score: the score column (0–10 for NPS; the CSAT or CES scale otherwise).
        metric: `"nps"`, `"csat"` or `"ces"`.
        by: key column(s).
        time: a timestamp (or date) column to bucket.
        freq: `"day"`, `"week"` (ISO, Monday), `"month"`, `"quarter"` or `"year"`.
        tz: IANA time zone of the buckets. Required for naive timestamps (read as wall-clock
            time in `tz`); for zoned timestamps it defaults to the column's zone.
        weights: a weight column (NPS only; linearisation standard error).
        ci: interval method (default: `"adjusted-wald"` for NPS, `"wilson"` for the
            CSAT and CES shares; CES `score` is the mean with a t-interval).
        level: confidence level.
        scale: CSAT scale (`"1-5"` default) or CES scale (`"1-7"` default).
        min_n: the smallest number of answers a group needs not to be flagged `low_n`
            (default 30, a common reporting floor; results below it are kept, flagged).

    Raises:
        MissingTimeZoneError: naive timestamps and no `tz`.
        MissingFieldError: a named column is not in the frame.
        InvalidValueError: a score off the scale (names the row).

    >>> import pyarrow as pa
    >>> t = pa.table({"store": ["a", "a", "b", "b"], "nps": pa.array([10, 3, 9, 9], pa.uint8())})
    >>> out = summarize(t, by="store")
    >>> out.column("score").to_pylist()
    [0.0, 100.0]
    """
    by = [by] if isinstance(by, str) else list(by)
    named = [*by, score, *([time] if time else []), *([weights] if weights else [])]
    source, kind = _frames.select(frame, named)
    table = _cx._summarize_arrow(
        source,
        score=score,
        metric=metric,
        by=by,
        time=time,
        freq=freq,
        tz=tz,
        weights=weights,
        ci=ci,
        level=level,
        scale=scale,
        min_n=min_n,
    )
    return _frames.to_caller(table, kind)
