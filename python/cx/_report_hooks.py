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


_CATEGORY = {
    "must-be": "must_be",
    "one-dimensional": "one_dimensional",
    "attractive": "attractive",
    "indifferent": "indifferent",
}


def kano(d: ReportData) -> dict[str, Any] | None:
    """Kano Better/Worse scatter of the survey's `kano_<attribute>_functional` /
    `_dysfunctional` pairs (`cx.kano.classify`), with each attribute's category."""
    if d.survey is None:
        return None
    from cx.exceptions import CxError
    from cx.kano import classify, discover_pairs

    try:
        if not discover_pairs(d.survey.column_names):
            return None
    except CxError:  # a functional column without its partner: no usable Kano data
        return None
    k = classify(d.survey)
    pts = k.scatter()
    if not pts:
        return None
    chart = reporting.kano_chart(
        [p["attribute"] for p in pts], [p["y"] for p in pts], [p["x"] for p in pts]
    )
    table = {
        "title": "kano",
        "columns": ["field", "better", "worse", "segment"],
        "rows": [
            [
                p["attribute"],
                f"{p['y']:.2f}",
                f"{-p['x']:.2f}",
                _CATEGORY.get(p["category"], str(p["category"])),
            ]
            for p in pts
        ],
    }
    return {"id": "kano", "charts": [chart.to_dict()], "tables": [table], "notes": k.warnings}


def install() -> None:
    """Wire the builders above into `cx.reporting.SECTION_HOOKS` (where still unset)."""
    for name, fn in (("pareto", pareto), ("kano", kano)):
        if reporting.SECTION_HOOKS.get(name) is None:
            reporting.SECTION_HOOKS[name] = fn
