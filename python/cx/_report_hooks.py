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


def journey(d: ReportData) -> dict[str, Any] | None:
    """Journey emotion curve (`cx.journey.analyze`): stage emotion (−1…+1) with its interval
    next to the expected emotion, and NPS per touchpoint with pain and delight points."""
    if d.journey is None or d.feedback is None or not len(d.feedback):
        return None
    if "touchpoint_id" not in d.feedback.column_names:
        return None
    from cx.journey import Journey, analyze

    a = analyze(Journey.from_dict(d.journey), d.feedback.table, unknown="count")
    curve = a.emotion_curve.to_pylist()
    tps = [t for t in a.touchpoints.to_pylist() if t["n"]]
    if not curve or not tps:
        return None
    stage = reporting.line_chart(
        [c["name"] for c in curve],
        [
            {
                "name": "emotion",
                "values": [c["emotion"] for c in curve],
                "low": [c["emotion_ci_low"] for c in curve],
                "high": [c["emotion_ci_high"] for c in curve],
            },
            {"name": "expected_emotion", "values": [c["expected_emotion"] for c in curve]},
        ],
        title="journey",
        y_label="emotion",
        reference=0.0,
    )
    index = {t["touchpoint_id"]: i for i, t in enumerate(tps)}
    markers = [
        {"index": index[p["touchpoint_id"]], "label": tone_label, "tone": tone}
        for points, tone_label, tone in (
            (a.pain_points, "pain", "bad"),
            (a.delight_points, "delight", "good"),
        )
        for p in points
        if p["touchpoint_id"] in index
    ]
    touch = reporting.line_chart(
        [t["name"] for t in tps],
        [
            {
                "name": "nps",
                "values": [t["score"] for t in tps],
                "low": [t["nps_ci_low"] for t in tps],
                "high": [t["nps_ci_high"] for t in tps],
            }
        ],
        title="journey_touchpoints",
        markers=markers,
        y_label="score",
        reference=a.journey_score,
    )
    names = {t["touchpoint_id"]: t["name"] for t in tps}
    notes = [
        {
            "kind": "journey_finding",
            "finding": p["kind"],
            "touchpoint": names.get(p["touchpoint_id"], p["touchpoint_id"]),
            "n": p["n"],
            "score": p["score"],
            "gap": p["gap"],
            "statistic": p["statistic"],
            "p_value": p["p_value"],
            "q_value": p["q_value"],
            "journey_score": a.journey_score,
        }
        for p in [*a.pain_points, *a.delight_points]
    ]
    return {"id": "journey", "charts": [stage.to_dict(), touch.to_dict()], "notes": notes}


def drivers(d: ReportData) -> dict[str, Any] | None:
    """Driver importance–performance matrix (`cx.drivers.analyze`, LMG shares) of the survey's
    `attr_*` ratings on its `nps` column; cut lines at the mean importance and performance."""
    if d.survey is None or "nps" not in d.survey.column_names:
        return None
    cols = [c for c in d.survey.column_names if c.startswith("attr_")]
    if len(cols) < 2:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    from cx.drivers import analyze

    def num(c: str) -> Any:
        return pc.cast(d.survey.column(c), pa.float64())

    frame = pa.table({c: num(c) for c in ["nps", *cols]})
    kd = analyze(frame, outcome="nps", drivers=cols)
    rows = kd.table.to_pylist()
    labels = [str(r["driver"]).removeprefix("attr_") for r in rows]
    chart = reporting.importance_performance_chart(
        labels, [r["importance"] for r in rows], [r["performance"] for r in rows]
    )
    table = {
        "title": "drivers",
        "columns": ["field", "importance", "performance", "segment"],
        "rows": [
            [lab, f"{r['importance']:.3f}", f"{r['performance']:.2f}", str(r["quadrant"])]
            for lab, r in zip(labels, rows, strict=True)
        ],
    }
    return {"id": "drivers", "charts": [chart.to_dict()], "tables": [table]}


def funnel(d: ReportData) -> dict[str, Any] | None:
    """The closed-loop funnel (created → contacted → resolved → followed up) of a case store
    (`cx.CaseStore`, read as an analyst, so personal fields stay masked), with the loop
    metrics of `CaseStore.loop_metrics` as notes."""
    if d.cases is None:
        return None
    from cx.cases import CaseStore

    store = CaseStore(d.cases, principal={"name": "cx report", "role": "analyst"})
    m = store.loop_metrics(as_of=d.config.get("as_of"))
    f = m["funnel"]
    if not f["created"]:
        return None
    stages = ["created", "contacted", "resolved", "followed_up"]
    chart = reporting.funnel_chart(stages, [f[s] for s in stages], title="funnel")
    notes: list[dict[str, Any]] = []
    for key in ("contacted_within", "follow_up_completion", "reach_rate", "recovery_rate"):
        share = m[key]
        if share["share"] is not None:
            notes.append(
                {
                    "kind": "share",
                    "label": key,
                    "share": share["share"],
                    "low": share["low"],
                    "high": share["high"],
                    "n": share["n"],
                }
            )
    return {"id": "funnel", "charts": [chart.to_dict()], "notes": notes}


def install() -> None:
    """Wire the builders above into `cx.reporting.SECTION_HOOKS` (where still unset)."""
    for name, fn in (
        ("journey", journey),
        ("pareto", pareto),
        ("kano", kano),
        ("drivers", drivers),
        ("funnel", funnel),
    ):
        if reporting.SECTION_HOOKS.get(name) is None:
            reporting.SECTION_HOOKS[name] = fn
