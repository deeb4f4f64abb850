"""Draw a `cx.reporting.Chart` spec on a matplotlib Axes (matplotlib is optional).

The SVG of a chart is rendered in Rust; this is the same plain-data spec drawn with
matplotlib, for users who compose their own figures. matplotlib is imported here only,
when `Chart.plot` is called.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

_TONE = {"bad": "#c0392b", "good": "#2e7d32", "neutral": "#455a64"}
_BLUE, _ORANGE, _GREY = "#1f5fa8", "#e08a1e", "#9e9e9e"


def plot(spec: dict[str, Any], ax: Any = None) -> Any:
    """Draw `spec` on `ax` (a new figure's axes when None) and return the axes."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - depends on the environment
        msg = "Chart.plot needs matplotlib: pip install 'cx[plot]' (or matplotlib)"
        raise ImportError(msg) from e
    if ax is None:
        _, ax = plt.subplots()
    draw = _DRAW.get(str(spec["kind"]))
    if draw is None:  # pragma: no cover - every kind of cx.reporting is listed
        raise ValueError(f"unknown chart kind {spec['kind']!r}")
    draw(spec, ax)
    if spec.get("title"):
        ax.set_title(str(spec["title"]))
    return ax


def _nan(values: list[float | None]) -> list[float]:
    return [float("nan") if v is None else float(v) for v in values]


def _line(spec: dict[str, Any], ax: Any) -> None:
    x = list(range(len(spec["x"])))
    for s in spec["series"]:
        ax.plot(x, _nan(s["values"]), marker="o", label=s["name"] or None)
        if "low" in s and "high" in s:
            ax.fill_between(x, _nan(s["low"]), _nan(s["high"]), alpha=0.2)
    for m in spec.get("markers", []):
        s = spec["series"][int(m.get("series", 0))]
        v = s["values"][int(m["index"])]
        if v is not None:
            ax.annotate(
                str(m.get("label", "")),
                (int(m["index"]), float(v)),
                color=_TONE.get(str(m.get("tone", "neutral")), _GREY),
            )
    if spec.get("reference") is not None:
        ax.axhline(float(spec["reference"]), color=_GREY, linestyle="--")
    ax.set_xticks(x, spec["x"])
    ax.set_xlabel(spec.get("x_label", ""))
    ax.set_ylabel(spec.get("y_label", ""))


def _pareto(spec: dict[str, Any], ax: Any) -> None:
    pairs = sorted(zip(spec["counts"], spec["categories"], strict=True), key=lambda p: -p[0])
    counts = [c for c, _ in pairs]
    total = sum(counts) or 1.0
    cum, run = [], 0.0
    for c in counts:
        run += c
        cum.append(run / total)
    vital = [i == 0 or cum[i - 1] < spec.get("threshold", 0.8) for i in range(len(counts))]
    x = list(range(len(counts)))
    ax.bar(x, counts, color=[_BLUE if v else _GREY for v in vital])
    ax.set_xticks(x, [c for _, c in pairs])
    ax.set_ylabel(spec.get("y_label", ""))
    twin = ax.twinx()
    twin.plot(x, cum, color=_ORANGE, marker="o")
    twin.set_ylim(0, 1.05)


def _quadrant(spec: dict[str, Any], ax: Any) -> None:
    pts = spec["points"]
    xs, ys = [p["x"] for p in pts], [p["y"] for p in pts]
    ax.scatter(xs, ys, color=[_TONE.get(p.get("tone", "neutral"), _GREY) for p in pts])
    for p in pts:
        ax.annotate(p["label"], (p["x"], p["y"]))
    xs_, ys_ = spec.get("x_split"), spec.get("y_split")
    ax.axvline(sum(xs) / len(xs) if xs_ is None and xs else xs_ or 0.0, color=_GREY, ls="--")
    ax.axhline(sum(ys) / len(ys) if ys_ is None and ys else ys_ or 0.0, color=_GREY, ls="--")
    if spec.get("x_range"):
        ax.set_xlim(*spec["x_range"])
    if spec.get("y_range"):
        ax.set_ylim(*spec["y_range"])
    ax.set_xlabel(spec.get("x_label", ""))
    ax.set_ylabel(spec.get("y_label", ""))


def _control(spec: dict[str, Any], ax: Any) -> None:
    x = list(range(len(spec["values"])))
    ax.plot(x, _nan(spec["values"]), marker="o", color=_BLUE)
    ax.step(x, _nan(spec["center"]), where="mid", color=_GREY)
    for edge in ("lcl", "ucl"):
        ax.step(x, _nan(spec[edge]), where="mid", color=_TONE["bad"], linestyle="--")
    for s in spec.get("signals", []):
        i = int(s["index"])
        v = spec["values"][i]
        if v is not None:
            ax.scatter([i], [v], color=_TONE["bad"], zorder=3)
            ax.annotate(str(s.get("label", "")), (i, float(v)), color=_TONE["bad"])
    ax.set_ylabel(spec.get("y_label", ""))


def _distribution(spec: dict[str, Any], ax: Any) -> None:
    edges, counts = spec["edges"], spec["counts"]
    widths = [b - a for a, b in pairwise(edges)]
    ax.bar(edges[:-1], counts, width=widths, align="edge", color=_BLUE)
    for line in spec.get("lines", []):
        ax.axvline(float(line["value"]), color=_ORANGE, linestyle="--", label=line["label"])
    if spec.get("log_x"):
        ax.set_xscale("log")
    ax.set_xlabel(spec.get("x_label", ""))


def _funnel(spec: dict[str, Any], ax: Any) -> None:
    y = list(range(len(spec["stages"])))[::-1]
    ax.barh(y, spec["counts"], color=_BLUE)
    ax.set_yticks(y, spec["stages"])


def _bars(spec: dict[str, Any], ax: Any) -> None:
    x = list(range(len(spec["labels"])))
    err = None
    if spec.get("low") is not None and spec.get("high") is not None:
        err = [
            [v - lo for v, lo in zip(spec["values"], spec["low"], strict=True)],
            [hi - v for v, hi in zip(spec["values"], spec["high"], strict=True)],
        ]
    ax.bar(x, spec["values"], yerr=err, color=_BLUE)
    ax.set_xticks(x, spec["labels"])
    if spec.get("target") is not None:
        ax.axhline(float(spec["target"]), color=_ORANGE, linestyle="--")


_DRAW: dict[str, Callable[[dict[str, Any], Any], None]] = {
    "line": _line,
    "pareto": _pareto,
    "quadrant": _quadrant,
    "control": _control,
    "distribution": _distribution,
    "funnel": _funnel,
    "bars": _bars,
}
