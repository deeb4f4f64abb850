"""Frames in, frames of the caller's type out: the one place that knows the frame libraries.

cx reads columns through the Arrow PyCapsule interface and returns results as an
Arrow-exporting `GroupedTable`; these helpers select the named columns of a pandas or
polars DataFrame or a pyarrow Table before the call, and turn the result back into the
caller's kind of frame after it.

>>> import pyarrow as pa
>>> source, kind = select(pa.table({"a": [1], "b": [2]}), ["b"])
>>> kind, source.column_names
('pyarrow', ['b'])
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["frame_kind", "select", "to_caller"]


def frame_kind(frame: object) -> str:
    """The library a frame comes from: `"pandas"`, `"polars"`, `"pyarrow"` or another name."""
    return type(frame).__module__.split(".")[0]


def select(frame: Any, names: Iterable[str]) -> tuple[Any, str]:
    """The named columns of `frame` (those present) as an Arrow-readable object, and its kind.

    Columns missing from the frame are left for the core to report (`MissingFieldError`),
    so that every module reports them the same way.

    Raises:
        TypeError: `frame` is not a pandas or polars DataFrame, a pyarrow Table or an
            object with `__arrow_c_stream__`.
    """
    kind = frame_kind(frame)
    wanted: list[str] = []
    if kind in ("pandas", "polars", "pyarrow"):
        present = set(frame.column_names if kind == "pyarrow" else frame.columns)
        wanted = list(dict.fromkeys(c for c in names if c in present))
    if kind == "pandas":
        import pyarrow as pa  # type: ignore[import-untyped]

        return pa.Table.from_pandas(frame[wanted], preserve_index=False), kind
    if kind in ("polars", "pyarrow"):
        return frame.select(wanted), kind
    if hasattr(frame, "__arrow_c_stream__"):
        return frame, kind
    msg = (
        "`frame` must be a pandas or polars DataFrame, a pyarrow Table, or an object "
        f"with __arrow_c_stream__, got {type(frame).__name__}"
    )
    raise TypeError(msg)


def to_caller(table: Any, kind: str) -> Any:
    """`table` (a `GroupedTable` or any Arrow-exporting object) as a frame of `kind`."""
    if kind == "pandas":
        return table.to_pandas()
    if kind == "polars":
        return table.to_polars()
    if kind == "pyarrow":
        return table.to_pyarrow()
    return table
