"""Reading feedback: CSV and JSON Lines files with typed, row-level errors, and the file summary.

>>> import cx
>>> r = cx.read_feedback(cx.datasets.sample_path("feedback"), errors="collect")
>>> r.rows_read == len(r) + len(r.rejected)
True
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Any

from cx._cx import Ingested, Rejection, summarize_feedback_json
from cx._cx import read_feedback as _read_feedback

__all__ = [
    "FeedbackSummary",
    "Ingested",
    "Rejection",
    "read_feedback",
    "summarize_feedback",
    "summarize_feedback_json",
]


def _pairs(mapping: Mapping[str, str] | None) -> list[tuple[str, str]] | None:
    return None if mapping is None else [(str(k), str(v)) for k, v in mapping.items()]


def read_feedback(
    source: str | os.PathLike[str] | Any,
    /,
    *,
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
    tz: str | None = None,
    errors: str = "raise",
    allow_other_channels: bool = False,
    csat_scale: str | None = None,
    progress: Callable[[str, int, int], object] | None = None,
) -> Ingested:
    """Read a feedback file (CSV, or JSON Lines for `.jsonl`/`.ndjson`/`.json`), or validate a frame.

    Args:
        source: the file; or a data frame (pandas, polars, pyarrow, duckdb, ... through the
            Arrow PyCapsule interface), whose columns are mapped and validated by the same
            rules; rejections then report `line = row + 1`.
        mapping: your header → cx field (`{"客户编号": "customer_id"}`); common English and
            Chinese headers are recognised without it.
        encoding: `"utf-8"`, `"gb18030"`/`"gbk"`, or `None` to detect (BOM, then UTF-8, then GB18030).
        tz: IANA zone for timestamps without a UTC offset (`"Asia/Shanghai"`); without it such
            timestamps are an error, never silently UTC.
        errors: `"raise"` (the first bad row raises a typed error naming row, column and value)
            or `"collect"` (bad rows are listed in `.rejected`; `rows_read = accepted + rejected`).
        allow_other_channels: keep unknown channel names as "other" channels instead of rejecting.
        csat_scale: the CSAT scale to validate against (`"1-5"`, `"1-7"`, `"1-10"`, `"0-10"`).
        progress: `progress(step, done, total)` for a file: called with
            `step="read feedback"` and the bytes read of the file's size, at every 1 %,
            ending with `(size, size)` once every row is parsed (the shape of the
            `cx.report` callback). The reading runs without the GIL, which is taken only
            for the call; an exception raised by the callback stops the reading and is
            raised here. Data frames are not reported.

    Returns:
        `Ingested`: `.table` (pyarrow), `.to_pandas()`, `.to_polars()`, `.records()`,
        `.rejected`, `.rows_read`, and the Arrow PyCapsule stream interface.
    """
    if not (hasattr(source, "__arrow_c_stream__") or hasattr(source, "__arrow_c_array__")):
        source = os.fspath(source)
    return _read_feedback(
        source,
        mapping=_pairs(mapping),
        encoding=encoding,
        tz=tz,
        errors=errors,
        allow_other_channels=allow_other_channels,
        csat_scale=csat_scale,
        progress=progress,
    )


def _fmt_est(e: dict[str, Any] | None, unit: str = "", digits: int = 1) -> str:
    if e is None:
        return "—"
    v, lo, hi = e["value"], e["ci_low"], e["ci_high"]
    if lo is None or hi is None:  # too few observations for an interval
        return f"{v:.{digits}f}{unit}  (n={e['n']:,}, no interval)"
    return f"{v:.{digits}f}{unit}  [{lo:.{digits}f}, {hi:.{digits}f}]  (n={e['n']:,})"


class FeedbackSummary:
    """The summary of a feedback file: counts, NPS/CSAT/CES with intervals, tags, data quality.

    `str()` gives the readable text `cx summary` prints; `to_dict()` the data.
    """

    def __init__(self, data: dict[str, Any], source: str = "") -> None:
        self._data = data
        self.source = source

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (what `cx summary --format json` prints)."""
        return dict(self._data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __repr__(self) -> str:
        d = self._data
        return (
            f"FeedbackSummary(rows_read={d['rows_read']}, accepted={d['accepted']}, "
            f"rejected={d['rejected']})"
        )

    def __str__(self) -> str:
        d, s = self._data, self._data["scores"]
        level = round(100 * d["level"])
        out = [f"Feedback summary: {self.source}" if self.source else "Feedback summary"]
        out.append(
            f"  rows read {d['rows_read']:,}: accepted {d['accepted']:,}, rejected {d['rejected']:,}"
        )
        if d["first_at"]:
            out.append(f"  period    {d['first_at'][:10]} … {d['last_at'][:10]}")
        out.append("")
        out.append(f"Scores ({level}% intervals)")
        nps_counts = s["nps_counts"]
        nps_line = f"  NPS         {_fmt_est(s['nps'])}"
        if nps_counts:
            nps_line += f"  promoters {nps_counts[0]:,} · passives {nps_counts[1]:,} · detractors {nps_counts[2]:,}"
        out.append(nps_line)
        out.append(f"  CSAT top-2  {_fmt_est(s['csat_top2_pct'], '%')}")
        out.append(f"  CSAT mean   {_fmt_est(s['csat_mean'], '', 2)}")
        out.append(f"  CES mean    {_fmt_est(s['ces_mean'], '', 2)}")
        out.append(f"  CES agree   {_fmt_est(s['ces_agree_pct'], '%')}")
        for title, key in (
            ("By channel", "by_channel"),
            ("By kind", "by_kind"),
            ("Top tags", "top_tags"),
        ):
            out.append("")
            out.append(title)
            for c in d[key]:
                zh = f" {c['label_zh']}" if c.get("label_zh") else ""
                out.append(f"  {c['name']}{zh}: {c['count']:,}")
        out.append("")
        out.append("Data quality")
        if d["missing"]:
            miss = ", ".join(f"{k} {v:,}" for k, v in sorted(d["missing"].items()))
            out.append(f"  missing values: {miss}")
        if d["ignored_columns"]:
            out.append(f"  ignored columns: {', '.join(d['ignored_columns'])}")
        if d["rejected"]:
            by = ", ".join(f"{k} {v:,}" for k, v in d["rejected_by_field"].items())
            out.append(f"  rejected rows by column: {by}")
            for r in d["rejected_examples"]:
                out.append(
                    f"    row {r['row']} (line {r['line']}), {r['field']}: {r['value']!r}: {r['reason']}"
                )
        else:
            out.append("  no rejected rows")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(str(self))}</pre>"


def summarize_feedback(
    path: str | os.PathLike[str],
    /,
    *,
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
    tz: str | None = None,
    errors: str = "collect",
    allow_other_channels: bool = False,
    csat_scale: str = "1-5",
    level: float = 0.95,
    top_tags: int = 10,
    progress: Callable[[str, int, int], object] | None = None,
) -> FeedbackSummary:
    """Summarise a feedback file, streaming it in batches (bounded memory).

    Bad rows are counted and listed (`errors="collect"`, the default here) unless
    `errors="raise"`. NPS uses the adjusted-Wald interval; CSAT top-2 box and CES
    agreement use Wilson; means use Student's t. `progress(step, done, total)` is called
    as in `read_feedback` (bytes of the file; `cx summary` draws it as a bar on a terminal).

    >>> s = summarize_feedback(cx.datasets.sample_path("feedback"))
    >>> s["rows_read"], s["rejected"]
    (4000, 0)
    >>> import os
    >>> seen = []
    >>> s = summarize_feedback(cx.datasets.sample_path("feedback"), progress=lambda *a: seen.append(a))
    >>> seen[0][:2], seen[-1][1] == seen[-1][2] == os.path.getsize(cx.datasets.sample_path("feedback"))
    (('read feedback', 0), True)
    """
    text = summarize_feedback_json(
        os.fspath(path),
        mapping=_pairs(mapping),
        encoding=encoding,
        tz=tz,
        errors=errors,
        allow_other_channels=allow_other_channels,
        csat_scale=csat_scale,
        level=level,
        top_tags=top_tags,
        progress=progress,
    )
    return FeedbackSummary(json.loads(text), source=os.fspath(path))
