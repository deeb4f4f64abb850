"""The CX health report: one self-contained HTML page, and the charts it is made of.

`cx.report(...)` reads feedback, tickets and the other bundled-sample files (or
yours), computes the sections whose data are present and writes a page with inline
CSS and SVG that opens offline and prints cleanly, in English or Chinese. Charts are
drawn in Rust (`cx_core::report`) from plain data; the builders here
(`line_chart`, `pareto_chart`, `quadrant_chart`, `kano_chart`,
`importance_performance_chart`, `control_chart_view`, `distribution_chart`,
`funnel_chart`, `bar_chart`) return a `Chart` that Jupyter shows as SVG.

>>> import cx
>>> c = cx.reporting.pareto_chart(["物流延迟", "退款慢", "其他"], [50, 30, 5], title="pareto")
>>> svg = c.svg(lang="zh")
>>> svg.count('class="cx-bar'), "投诉原因" in svg
(3, True)
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cx import _cx

__all__ = [
    "SECTION_HOOKS",
    "SECTION_IDS",
    "Chart",
    "Report",
    "bar_chart",
    "control_chart_view",
    "distribution_chart",
    "funnel_chart",
    "importance_performance_chart",
    "kano_chart",
    "line_chart",
    "pareto_chart",
    "quadrant_chart",
    "render",
    "report",
]

#: Every section, in report order (a section appears only when its builder returns data).
SECTION_IDS: tuple[str, ...] = (
    "kpis",
    "trends",
    "journey",
    "pareto",
    "control",
    "sla",
    "kano",
    "drivers",
    "funnel",
    "quality",
)

Progress = Callable[[str, int, int], None]


def _num(v: Any) -> float | None:
    """A finite float or None (JSON has no NaN)."""
    if v is None:
        return None
    f = float(v)
    return f if math.isfinite(f) else None


class Chart:
    """A chart spec (plain data) that renders to SVG in Rust; Jupyter displays it.

    >>> c = Chart({"kind": "funnel", "title": "funnel", "stages": ["a", "b"], "counts": [2, 1]})
    >>> c.svg().startswith("<svg")
    True
    """

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = dict(spec)

    @property
    def kind(self) -> str:
        """The chart kind (`line`, `pareto`, `quadrant`, `control`, `distribution`, `funnel`, `bars`)."""
        return str(self.spec["kind"])

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain data (what a report section's `charts` list holds)."""
        return dict(self.spec)

    def svg(self, *, lang: str = "en") -> str:
        """The SVG markup (labels that are translation keys are shown in `lang`)."""
        return _cx._chart_svg(json.dumps(self.spec, ensure_ascii=False), lang=lang)

    def _repr_svg_(self) -> str:
        return self.svg()

    def plot(self, ax: Any = None) -> Any:
        """Draw the chart on a matplotlib `ax` (a new figure when None) and return the axes.

        matplotlib is optional (an extra, `pip install 'cx[plot]'`); it is imported here only.

        >>> ax = funnel_chart(["created", "resolved"], [10, 8]).plot()
        >>> sorted(float(p.get_width()) for p in ax.patches)
        [8.0, 10.0]
        """
        from cx._plot import plot

        return plot(self.spec, ax)

    def __repr__(self) -> str:
        return f"Chart(kind={self.kind!r}, title={self.spec.get('title', '')!r})"


def line_chart(
    x: Sequence[Any],
    series: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
    *,
    title: str = "",
    markers: Sequence[Mapping[str, Any]] = (),
    x_label: str = "",
    y_label: str = "",
    reference: float | None = None,
) -> Chart:
    """A line over categories with interval bands and annotated points.

    `series` maps a name to values, or is a list of `{"name", "values", "low", "high"}`;
    `markers` are `{"series": 0, "index": i, "label": "...", "tone": "bad"|"good"|"neutral"}`
    (journey pain/delight points, significant changes). None/NaN values leave gaps.

    >>> c = line_chart(["Q1", "Q2"], [{"name": "nps", "values": [10, 20], "low": [5, 15],
    ...     "high": [15, 25]}], markers=[{"index": 1, "label": "up", "tone": "good"}])
    >>> c.svg().count('class="cx-point"')
    2
    """
    if isinstance(series, Mapping):
        series = [{"name": k, "values": v} for k, v in series.items()]
    out = []
    for s in series:
        d = {"name": str(s.get("name", "")), "values": [_num(v) for v in s["values"]]}
        for edge in ("low", "high"):
            if s.get(edge) is not None:
                d[edge] = [_num(v) for v in s[edge]]
        out.append(d)
    return Chart(
        {
            "kind": "line",
            "title": title,
            "x": [str(v) for v in x],
            "series": out,
            "markers": [dict(m) for m in markers],
            "x_label": x_label,
            "y_label": y_label,
            "reference": reference,
        }
    )


def pareto_chart(
    categories: Sequence[str],
    counts: Sequence[float],
    *,
    title: str = "pareto",
    threshold: float = 0.8,
    y_label: str = "count",
) -> Chart:
    """Pareto chart: bars sorted by count and the cumulative share; bars before
    `threshold` of the total (the "vital few") are highlighted.

    >>> pareto_chart(["a", "b"], [1, 9]).svg().count('cx-vital')
    1
    """
    return Chart(
        {
            "kind": "pareto",
            "title": title,
            "categories": [str(c) for c in categories],
            "counts": [float(c) for c in counts],
            "threshold": threshold,
            "y_label": y_label,
        }
    )


def quadrant_chart(
    labels: Sequence[str],
    x: Sequence[float],
    y: Sequence[float],
    *,
    title: str = "",
    x_label: str = "",
    y_label: str = "",
    x_split: float | None = None,
    y_split: float | None = None,
    quadrants: Sequence[str] = (),
    x_range: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
    tones: Sequence[str] | None = None,
) -> Chart:
    """A labelled scatter split into four quadrants (default splits: the means).

    `quadrants` names them top-left, top-right, bottom-left, bottom-right.

    >>> quadrant_chart(["a", "b"], [1, 2], [2, 1]).svg().count('class="cx-point-label"')
    2
    """
    tones = tones or ["neutral"] * len(labels)
    pts = [
        {"label": str(lab), "x": float(a), "y": float(b), "tone": t}
        for lab, a, b, t in zip(labels, x, y, tones, strict=True)
    ]
    return Chart(
        {
            "kind": "quadrant",
            "title": title,
            "points": pts,
            "x_label": x_label,
            "y_label": y_label,
            "x_split": x_split,
            "y_split": y_split,
            "quadrants": list(quadrants),
            "x_range": list(x_range) if x_range else None,
            "y_range": list(y_range) if y_range else None,
        }
    )


def kano_chart(labels: Sequence[str], better: Sequence[float], worse: Sequence[float]) -> Chart:
    """Kano Better/Worse scatter: x = |Worse|, y = Better, both in [0, 1], split at 0.5
    (Berger et al. 1993): attractive top-left, one-dimensional top-right, indifferent
    bottom-left, must-be bottom-right. `worse` may be given negative (as usually defined).

    >>> kano_chart(["tracking"], [0.3], [-0.8]).svg().count(">Must-be<")
    1
    """
    return quadrant_chart(
        labels,
        [abs(float(w)) for w in worse],
        better,
        title="kano",
        x_label="worse",
        y_label="better",
        x_split=0.5,
        y_split=0.5,
        quadrants=["attractive", "one_dimensional", "indifferent", "must_be"],
        x_range=(0.0, 1.0),
        y_range=(0.0, 1.0),
    )


def importance_performance_chart(
    labels: Sequence[str],
    importance: Sequence[float],
    performance: Sequence[float],
    *,
    importance_split: float | None = None,
    performance_split: float | None = None,
) -> Chart:
    """Importance–performance matrix (Martilla & James 1977): x = performance,
    y = importance, split at the means unless given; "concentrate here" is high
    importance, low performance (top-left).

    >>> importance_performance_chart(["price", "app"], [0.4, 0.1], [6.0, 8.0]).kind
    'quadrant'
    """
    return quadrant_chart(
        labels,
        performance,
        importance,
        title="drivers",
        x_label="performance",
        y_label="importance",
        x_split=performance_split,
        y_split=importance_split,
        quadrants=["concentrate", "keep_up", "low_priority", "overkill"],
    )


def control_chart_view(chart: Any, *, x: Sequence[str] | None = None, title: str = "") -> Chart:
    """The drawable view of a `cx.spc.ControlChart`: limits, zones and every flagged
    point annotated with its rule code (`N2`…).

    >>> import cx
    >>> ch = cx.spc.control_chart([5, 6, 5, 6, 5, 6, 5, 6, 30.0], kind="xmr", rules="nelson")
    >>> v = control_chart_view(ch, title="demo")
    >>> v.svg().count('cx-signal')
    1
    """
    spec = json.loads(_cx._control_view(chart, title=title, x=list(x) if x is not None else None))
    return Chart(spec)


def distribution_chart(
    values: Sequence[float] | Any,
    *,
    bins: int = 30,
    title: str = "",
    x_label: str = "",
    clip_quantile: float = 0.99,
    lines: Sequence[tuple[str, float]] = (),
    log: bool = False,
) -> Chart:
    """Histogram with a box summary (quartiles, whiskers at the 5th and 95th percentiles);
    values above the `clip_quantile` are left out of the bins (long tails of durations).
    With `log=True` the bins are equal on a log10 axis (durations spanning minutes to
    days); values ≤ 0 are then left out.

    >>> c = distribution_chart([1, 2, 2, 3, 3, 3, 4, 10], bins=4)
    >>> c.svg().count('class="cx-bar"')
    4
    """
    import numpy as np

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & ((v > 0) if log else True)]
    if v.size == 0:
        raise ValueError("distribution_chart: no finite values")
    hi = float(np.quantile(v, clip_quantile))
    lo = float(v.min())
    if hi <= lo:
        hi = lo * 10 if log else lo + 1.0
    if log:
        edges = np.geomspace(lo, hi, bins + 1)
        counts, _ = np.histogram(v[v <= hi], bins=edges)
    else:
        counts, edges = np.histogram(v[v <= hi], bins=bins, range=(lo, hi))
    q = np.quantile(v, [0.05, 0.25, 0.5, 0.75, 0.95])
    return Chart(
        {
            "kind": "distribution",
            "title": title,
            "edges": [float(e) for e in edges],
            "counts": [float(c) for c in counts],
            "x_label": x_label,
            "summary": dict(zip(["low", "q1", "median", "q3", "high"], map(float, q), strict=True)),
            "lines": [{"label": lab, "value": float(val)} for lab, val in lines],
            "log_x": log,
        }
    )


def funnel_chart(stages: Sequence[str], counts: Sequence[float], *, title: str = "funnel") -> Chart:
    """Funnel of stages (closed loop: created → contacted → resolved → followed up),
    with the share of the first stage and the step conversion.

    >>> funnel_chart(["created", "resolved"], [10, 8]).svg().count('class="cx-bar"')
    2
    """
    return Chart(
        {
            "kind": "funnel",
            "title": title,
            "stages": [str(s) for s in stages],
            "counts": [float(c) for c in counts],
        }
    )


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    low: Sequence[float] | None = None,
    high: Sequence[float] | None = None,
    title: str = "",
    percent: bool = False,
    target: float | None = None,
) -> Chart:
    """Horizontal bars with optional interval whiskers and a target line (rates by segment).

    >>> bar_chart(["a"], [0.9], low=[0.8], high=[0.95], percent=True).svg().count("cx-whisker")
    1
    """
    spec: dict[str, Any] = {
        "kind": "bars",
        "title": title,
        "labels": [str(s) for s in labels],
        "values": [_num(v) for v in values],
        "percent": percent,
        "target": target,
    }
    if low is not None and high is not None:
        spec["low"] = [_num(v) for v in low]
        spec["high"] = [_num(v) for v in high]
    return Chart(spec)


class Report:
    """A rendered report: its sections (plain data) and the HTML page.

    >>> r = render([{"id": "funnel", "charts": [funnel_chart(["a", "b"], [2, 1]).to_dict()]}])
    >>> r.section_ids, r.html.startswith("<!DOCTYPE html>")
    (['funnel'], True)
    """

    def __init__(self, spec: dict[str, Any], html: str, timings: dict[str, float] | None = None):
        self.spec = spec
        self.html = html
        self.timings = timings or {}
        #: Seconds spent computing each section (waits for the event-log passes included).
        self.section_timings: dict[str, float] = {}
        self.path: str | None = None

    @property
    def section_ids(self) -> list[str]:
        """The sections present, in report order."""
        present = {s["id"] for s in self.spec["sections"]}
        return [s for s in SECTION_IDS if s in present]

    def section(self, id: str) -> dict[str, Any] | None:
        """The data of section `id` (None when absent)."""
        return next((s for s in self.spec["sections"] if s["id"] == id), None)

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the HTML page (UTF-8) and return its path."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.html)
        self.path = os.fspath(path)
        return self.path

    def _repr_html_(self) -> str:
        import html as _html

        return (
            '<iframe style="width:100%;height:640px;border:1px solid #ddd" '
            f'srcdoc="{_html.escape(self.html, quote=True)}"></iframe>'
        )

    def __repr__(self) -> str:
        return f"Report(lang={self.spec.get('lang')!r}, sections={self.section_ids})"


def render(
    sections: Sequence[Mapping[str, Any]],
    *,
    lang: str = "en",
    title: str = "",
    subtitle: str = "",
    meta: Sequence[tuple[str, str]] = (),
) -> Report:
    """Render sections (dicts with `id` and any of `kpis`, `charts`, `tables`, `notes`) to a
    `Report`, without reading data: the low-level entry `report()` is built on.
    """
    if lang not in ("en", "zh"):
        raise _cx_invalid_lang(lang)
    spec = {
        "lang": lang,
        "title": title,
        "subtitle": subtitle,
        "meta": [list(m) for m in meta],
        "sections": [dict(s) for s in sections],
    }
    html = _cx._render_report(json.dumps(spec, ensure_ascii=False, allow_nan=False))
    return Report(spec, html)


def _cx_invalid_lang(lang: str) -> Exception:
    from cx.exceptions import InvalidOptionError

    return InvalidOptionError(
        f"`lang` must be one of {{'en', 'zh'}}, got {lang!r}", "invalid_option", "lang"
    )


#: Builders of the sections that depend on analyses not on main yet. Each takes the
#: `ReportData` of `cx._report_data` (``.feedback`` Ingested, ``.events``/``.tickets``/
#: ``.survey``/``.customers``/``.transactions`` pyarrow tables, ``.journey`` dict,
#: ``.config``, ``.tz``, ``.cache``) and returns a section dict or None (absent):
#:
#: * ``journey``: ``{"id": "journey", "charts": [line_chart(touchpoints, [{"name": "emotion",
#:   "values", "low", "high"}], title="journey", markers=[{"index", "label": "pain"|"delight",
#:   "tone": "bad"|"good"}], reference=0.0).to_dict()]}``
#: * ``pareto``: ``{"id": "pareto", "charts": [pareto_chart(causes, counts).to_dict()],
#:   "tables": [...]}``
#: * ``kano``: ``{"id": "kano", "charts": [kano_chart(features, better, worse).to_dict()]}``
#: * ``drivers``: ``{"id": "drivers", "charts": [importance_performance_chart(drivers,
#:   importance, performance).to_dict()]}``
#: * ``funnel``: ``{"id": "funnel", "charts": [funnel_chart(["created", "contacted",
#:   "resolved", "followed_up"], counts).to_dict()]}``
#:
#: Any section may also carry ``"kpis"`` (dicts as in the KPI section: ``label``, ``value``,
#: ``low``, ``high``, ``n``, ``unit``, ``digits``, ``change``, ``change_p``,
#: ``higher_is_better``, ``note``), ``"tables"`` (``title``, ``columns``, ``rows`` of
#: strings) and ``"notes"``. Wire one by assigning it: ``SECTION_HOOKS["pareto"] = builder``.
#: ``journey``, ``pareto``, ``kano`` and ``drivers`` are wired by `cx.report` itself
#: (`cx._report_hooks`: `cx.journey.analyze`; complaint tags through `cx.pareto`; survey pairs
#: through `cx.kano.classify`; survey ratings through `cx.drivers.analyze`) unless already set;
#: ``funnel`` comes from a case store file (`cx.CaseStore`, SQLite) given among the data.
SECTION_HOOKS: dict[str, Callable[[Any], dict[str, Any] | None] | None] = {
    "journey": None,
    "pareto": None,
    "kano": None,
    "drivers": None,
    "funnel": None,
}


def report(
    *data: str | os.PathLike[str],
    path: str | os.PathLike[str] | None = None,
    lang: str | None = None,
    config: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> Report:
    """Build the CX health report from data files (the bundled sample when none are given).

    Files are recognised by their header: feedback (`nps`/`csat`/`ces` columns), ticket
    events (`ticket_id, at, type`), tickets (`ticket_id, created_at`), survey
    (`response_id`), customers, transactions, and a journey definition (`.json`).
    Sections whose data are missing are left out. `config` is a YAML (needs pyyaml) or
    JSON file, or a dict: `lang`, `title`, `subtitle`, `tz`, `sections` (ids to keep),
    `sla_policies` (list of `{name, targets, priorities, channels}`), `control_channels`.
    `progress(step, done, total)` is called after each step.

    >>> import cx, tempfile, os
    >>> out = os.path.join(tempfile.mkdtemp(), "report.html")
    >>> r = cx.report(path=out)
    >>> r.section_ids[:3], os.path.exists(out)
    (['kpis', 'trends', 'journey'], True)
    """
    from cx import _report_data

    return _report_data.build(list(data), path=path, lang=lang, config=config, progress=progress)
