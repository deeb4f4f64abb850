"""Pareto analysis of causes: which few causes make up most complaints.

Counts (or weights, such as cost) per cause, sorted descending, with cumulative shares
and the *vital few*: the causes up to and including the one whose cumulative share
first reaches the cut (80% by default). Ties keep the order in which causes were first
seen (R qcc's convention), or go by name with `ties="name"`; an optional "Other"
bucket (causes beyond `top` or below `min_share`) is pinned last and is never vital.

>>> import cx
>>> p = cx.pareto(["late", "refund", "late", None, "rude", "late"])
>>> p.vital_few, p.n_missing
(['late', 'refund'], 1)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, final

from cx import _cx, _frames
from cx._cx import ParetoSummary, ParetoTally

__all__ = ["DEFAULT_SEPARATORS", "ParetoResult", "ParetoSummary", "ParetoTally", "pareto"]

#: Tag separators used by default: ASCII and full-width comma and semicolon, and `|`.
DEFAULT_SEPARATORS: tuple[str, ...] = (",", "，", ";", "；", "|")


@final
class ParetoResult:
    """Result of `pareto`.

    Attributes:
        summary: the `ParetoSummary` (rows, totals, counts of rows and missing rows).
        table: the sorted table, a frame of the caller's type (`GroupedTable` for lists,
            mappings and other Arrow objects): `cause`, `count`, `weight`, `share`,
            `cum_share`, `vital`, `is_other`, `n_causes`.
    """

    __slots__ = ("summary", "table")

    def __init__(self, summary: ParetoSummary, table: Any) -> None:
        self.summary = summary
        self.table = table

    @property
    def vital_few(self) -> list[str]:
        """Causes of the vital few, in table order."""
        return self.summary.vital_few

    @property
    def causes(self) -> list[str]:
        """All causes in table order ("Other" last when present)."""
        return self.summary.causes

    @property
    def n_rows(self) -> int:
        """Rows read (0 for pre-aggregated counts)."""
        return self.summary.n_rows

    @property
    def n_missing(self) -> int:
        """Rows without any cause (null, blank, or only separators)."""
        return self.summary.n_missing

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain Python values (see `ParetoSummary.to_dict`)."""
        return self.summary.to_dict()

    def chart(self) -> Any:
        """The Pareto chart (bars, cumulative line, vital few highlighted) as a
        `cx.reporting.Chart` (shown as SVG in Jupyter).

        >>> pareto({"late": 5, "rude": 2}).chart().svg().count('class="cx-bar')
        2
        """
        from cx.reporting import pareto_chart

        rows = self.to_dict()["rows"]
        return pareto_chart([r["cause"] for r in rows], [r["weight"] for r in rows], title="pareto")

    def _repr_html_(self) -> str:
        return self.summary._repr_html_()

    def __repr__(self) -> str:
        return f"ParetoResult(vital_few={self.vital_few!r}, causes={len(self.causes)})"


def _is_frame(obj: object) -> bool:
    kind = _frames.frame_kind(obj)
    if kind in ("pandas", "polars"):
        return hasattr(obj, "columns")
    return hasattr(obj, "__arrow_c_stream__") and not hasattr(obj, "__arrow_c_array__")


def pareto(
    frame_or_values: Any,
    /,
    *,
    column: str | None = None,
    tags: str | bool | None = None,
    weights: str | Sequence[float] | None = None,
    separators: str | Sequence[str] | None = None,
    cut: float = 0.8,
    top: int | None = None,
    min_share: float | None = None,
    other: str = "Other",
    ties: str = "first-seen",
) -> ParetoResult:
    """Pareto table of causes with cumulative shares and the vital few.

    Input, one of:

    - a data frame (pandas, polars, pyarrow Table, or any `__arrow_c_stream__` object)
      with `column=` naming a single-valued cause column, or `tags=` naming a column of
      multi-valued tags (split at `separators`, default `DEFAULT_SEPARATORS`);
      `weights=` may name a weight column;
    - a sequence (list, pandas/polars Series, Arrow array) of causes; pass `tags=True`
      (or `separators=`) to split each value into tags; `weights=` a parallel sequence;
    - a mapping `{cause: count}` of aggregated counts (floats are weights).

    Rules: values are trimmed; null, blank and separator-only cells count as missing
    (`n_missing`); a tag repeated within one row counts once; each tag of a row gets the
    row's whole weight. Shares are of the total of counts (of weights when weighted),
    so with several tags per row they are shares of mentions, not of rows.

    Args:
        frame_or_values: the data.
        column: single-valued cause column (frames).
        tags: multi-valued tag column (frames), or `True` to split a sequence.
        weights: weight column name (frames) or a sequence of weights (finite, >= 0).
        separators: tag separators (a string is one separator).
        cut: cumulative share that ends the vital few (0 < cut <= 1; default 0.8).
        top: keep the `top` largest causes; the rest go to "Other".
        min_share: causes below this share (0-1) go to "Other".
        other: label of the "Other" bucket.
        ties: `"first-seen"` (default; qcc's stable sort) or `"name"`.

    Raises:
        MissingFieldError: the named column is not in the frame.
        InvalidValueError: a negative, missing or non-numeric weight (names the row).
        EmptyInputError: no cause at all.
        InvalidOptionError: a bad `cut`, `top`, `min_share` or `ties`.

    >>> import pyarrow as pa
    >>> t = pa.table({"tags": ["late;refund", "late", "", "rude，late"]})
    >>> p = pareto(t, tags="tags")
    >>> p.table.column("cause").to_pylist(), p.vital_few
    (['late', 'refund', 'rude'], ['late', 'refund'])
    """
    seps = (
        [separators]
        if isinstance(separators, str)
        else None
        if separators is None
        else list(separators)
    )
    finish: dict[str, Any] = {
        "cut": cut,
        "top": top,
        "min_share": min_share,
        "other": other,
        "ties": ties,
    }
    if isinstance(frame_or_values, Mapping):
        t = ParetoTally()
        values = list(frame_or_values.values())
        as_counts = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        for cause, v in frame_or_values.items():
            if as_counts:
                t.add(str(cause), v)
            else:
                t.add(str(cause), 0, weight=float(v))
        s = t.finish(**finish)
        return ParetoResult(s, s.table())
    if _is_frame(frame_or_values):
        name = column if column is not None else tags
        if not isinstance(name, str) or (column is not None and isinstance(tags, str)):
            msg = "give exactly one of `column=` or `tags=` (a column name) for a frame"
            raise TypeError(msg)
        if weights is not None and not isinstance(weights, str):
            msg = "`weights` must be a column name when the input is a frame"
            raise TypeError(msg)
        named = [name, *([weights] if weights else [])]
        source, kind = _frames.select(frame_or_values, named)
        s = _cx._pareto_arrow(
            source,
            name,
            tags=column is None,
            separators=seps,
            weights=weights,
            **finish,
        )
        return ParetoResult(s, _frames.to_caller(s.table(), kind))
    values = frame_or_values
    kind = _frames.frame_kind(values)
    if kind in ("pandas", "polars") and hasattr(values, "to_list"):
        values = values.to_list()
    elif kind == "pandas" and hasattr(values, "tolist"):
        values = values.tolist()
    t = ParetoTally()
    t.update(values, weights=weights, tags=bool(tags), separators=seps)
    s = t.finish(**finish)
    return ParetoResult(s, _frames.to_caller(s.table(), kind))
