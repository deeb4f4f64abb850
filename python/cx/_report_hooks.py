"""Report sections built on analyses merged after the report: wired into
`cx.reporting.SECTION_HOOKS` at import. Each returns a section dict or None."""

from __future__ import annotations

from typing import Any

from cx import reporting
from cx._report_data import ReportData


def pareto(d: ReportData) -> dict[str, Any] | None:
    """Pareto of complaint causes: the tags of feedback whose `kind` is `complaint`
    (all feedback tags when there is no `kind`), counted by `cx.pareto`."""
    fb = d.feedback
    if fb is None or not len(fb) or "tags" not in fb.column_names:
        return None
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    from cx.causes import pareto as _pareto

    t = fb.table
    if "kind" in t.column_names:
        t = t.filter(pc.equal(t.column("kind"), "complaint"))
    tags = pc.list_flatten(t.column("tags"))
    counts = {
        str(r["values"]): int(r["counts"]) for r in pc.value_counts(tags).to_pylist() if r["values"]
    }
    if not counts:
        return None
    p = _pareto(counts)
    rows = p.summary.to_dict()["rows"]
    chart = reporting.pareto_chart(
        [r["cause"] for r in rows], [r["count"] for r in rows], title="pareto"
    )
    table = {
        "title": "pareto",
        "columns": ["reason", "count", "share", "cumulative"],
        "rows": [
            [
                r["cause"],
                str(r["count"]),
                f"{100 * r['share']:.1f}%",
                f"{100 * r['cum_share']:.1f}%",
            ]
            for r in rows
        ],
    }
    return {"id": "pareto", "charts": [chart.to_dict()], "tables": [table]}


def install() -> None:
    """Wire the builders above into `cx.reporting.SECTION_HOOKS` (where still unset)."""
    if reporting.SECTION_HOOKS.get("pareto") is None:
        reporting.SECTION_HOOKS["pareto"] = pareto
