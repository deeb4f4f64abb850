"""Section builders of `cx.report` for the data on main: KPIs, trends, control charts,
SLA and durations, data quality. Each returns a section dict or None (absent)."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from cx import reporting
from cx._report_data import ReportData

#: Sections that read the event-log passes (`prefetch_jobs`): computed after the others.
NEEDS_EVENT_PASSES = frozenset({"kpis", "control", "sla", "quality"})

_SIG = 0.05
_REALTIME = ("phone", "live_chat")
_METRICS = (("nps", "nps", 1, ""), ("csat", "csat", 1, "%"), ("ces", "ces", 2, ""))


def _monthly(d: ReportData, metric: str) -> list[dict[str, Any]] | None:
    """Monthly rows of cx.summarize for one metric (cached), or None without data."""
    key = f"monthly_{metric}"
    if key in d.cache:
        return d.cache[key]  # type: ignore[no-any-return]
    rows = None
    fb = d.feedback
    if fb is not None and len(fb) and metric in fb.column_names:
        from cx.metrics import summarize

        t = fb.table
        if t.column(metric).null_count < t.num_rows:
            out = summarize(t, score=metric, metric=metric, time="timestamp", freq="month", tz=d.tz)
            rows = [r for r in out.to_pylist() if r["n"]]
    d.cache[key] = rows
    return rows


def _label(bucket: Any) -> str:
    return str(bucket)[:7]


def _local_days(col: Any, tz: str) -> Any:
    """Days since 1970-01-01 in local time `tz` of a timestamp column (or RFC 3339 strings),
    as int64 with -1 for nulls."""
    import numpy as np
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        col = pc.strptime(pc.utf8_slice_codeunits(col, 0, 19), format="%Y-%m-%dT%H:%M:%S", unit="s")
        # offsets of the sample strings are kept by slicing the local wall time
        local = col
    else:
        local = pc.local_timestamp(col.cast(pa.timestamp("ms", tz=tz)))
    days = pc.cast(pc.cast(local, pa.timestamp("ms")).cast(pa.date32()), pa.int32())
    return np.asarray(days.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _f64(col: Any) -> Any:
    import numpy as np
    import pyarrow as pa

    return np.asarray(col.cast(pa.float64()).fill_null(float("nan")).to_numpy(zero_copy_only=False))


def _month_of(days: Any) -> Any:
    """Months since 1970-01 of day numbers (int64; -1 where the day is missing)."""
    import numpy as np

    m = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return np.where(days >= 0, m, -1)


def _month_label(month: int) -> str:
    """`YYYY-MM` of a month number of `_month_of`."""
    import numpy as np

    return str(np.datetime64(int(month), "M"))


def _ticket_frame(d: ReportData) -> dict[str, Any] | None:
    """Per-ticket metrics with the creation day (local), month, priority and channel (cached)."""
    if "tickets_frame" in d.cache:
        return d.cache["tickets_frame"]  # type: ignore[no-any-return]
    out = None
    if d.events is not None:
        import pyarrow as pa

        tm = d.ticket_metrics()
        if not isinstance(tm, pa.Table):
            tm = pa.table(tm)
        days = _local_days(tm.column("created_at"), d.tz)
        out = {
            "day": days,
            "month": _month_of(days),
            "channel": tm.column("channel"),  # Arrow: filtered with pyarrow.compute
            "frt": _f64(tm.column("first_reply_secs")),
            "res": _f64(tm.column("full_resolution_secs")),
            "fcr": _f64(tm.column("one_touch")),
        }
    d.cache["tickets_frame"] = out
    return out


def _policies(d: ReportData) -> list[Any]:
    from cx.ops import SlaPolicy

    conf = d.config.get("sla_policies")
    if conf:
        return [
            SlaPolicy(
                p["name"],
                targets=p["targets"],
                priorities=p.get("priorities"),
                channels=p.get("channels"),
            )
            for p in conf
        ]

    def cal(h: float) -> dict[str, Any]:
        return {"target_secs": int(h * 3600), "hours": "calendar"}

    return [
        SlaPolicy(
            "urgent", targets={"first_reply": cal(1), "resolution": cal(24)}, priorities=["urgent"]
        ),
        SlaPolicy(
            "high", targets={"first_reply": cal(4), "resolution": cal(48)}, priorities=["high"]
        ),
        SlaPolicy("default", targets={"first_reply": cal(8), "resolution": cal(72)}),
    ]


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson (1927) score interval of k/n ("Probable inference, the law of succession,
    and statistical inference", JASA 22: 209–212); statsmodels' `method="wilson"`."""
    import math

    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return mid - half, mid + half


def _sla_status(d: ReportData) -> Any:
    """`cx.ops.sla_status` of the events as of the last event (a pyarrow Table), or None."""
    if d.events is None or not d.events.num_rows:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    from cx._cx import _sla_status_issues

    last = pc.max(d.events.column("at")).as_py()
    as_of = last.isoformat() if hasattr(last, "isoformat") else str(last)
    # A log with problems (e.g. an event of a ticket with no `created`): the other tickets
    # are measured (validation="collect") and the quality section lists the ones left out
    # (`log_issues`), found by the same parse of the log.
    st, issues = _sla_status_issues(d.events, policies=_policies(d), as_of=as_of)
    d.cache.setdefault("log_issues", list(issues))
    return pa.table(st).select(["metric", "state", "priority", "channel"])


def _log_issues(d: ReportData) -> list[dict[str, Any]]:
    from cx import ops

    return ops.log_issues(d.events)


def prefetch_jobs(d: ReportData) -> dict[str, Any]:
    """The independent event-log passes, to start together (`ReportData.prefetch`)."""
    if d.events is None or not d.events.num_rows:
        return {}
    from cx import ops

    return {
        "ticket_metrics": lambda: ops.ticket_metrics(
            d.events, definitions=ops.MetricDefinitions(validation="collect")
        ),
        # also fills `log_issues` (one parse of the log for both)
        "sla_status": lambda: _sla_status(d),
    }


def _sla(d: ReportData, by: str) -> list[dict[str, Any]] | None:
    """SLA achievement by `all`, `priority`, `channel` or `metric`: achieved / (achieved +
    breached) with a Wilson interval, from one `cx.ops.sla_status` call (cached)."""
    st = d.cached("sla_status", lambda: _sla_status(d))
    if st is None:
        return None
    import pyarrow as pa

    keys = pa.repeat("all", st.num_rows) if by == "all" else st.column(by)
    counts = (
        pa.table({"key": keys, "state": st.column("state")})
        .group_by(["key", "state"])
        .aggregate([([], "count_all")])
        .to_pylist()
    )
    tally: dict[str, list[int]] = {}
    for r in counts:
        t = tally.setdefault(str(r["key"]) if r["key"] is not None else "—", [0, 0])
        if r["state"] == "achieved":
            t[0] += r["count_all"]
        elif r["state"] == "breached":
            t[1] += r["count_all"]
    out = []
    for k in sorted(tally):
        a, b = tally[k]
        if a + b == 0:
            continue
        lo, hi = _wilson(a, a + b)
        out.append(
            {
                "segment": k,
                "achieved": a,
                "breached": b,
                "achievement_rate": a / (a + b),
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    return out


def _months_change(tf: dict[str, Any]) -> tuple[int, int] | None:
    """The last two months with tickets (month numbers of `_month_of`)."""
    import numpy as np

    months = np.unique(tf["month"])
    months = months[months >= 0]
    return (int(months[-2]), int(months[-1])) if len(months) >= 2 else None


def kpis(d: ReportData) -> dict[str, Any] | None:
    cards: list[dict[str, Any]] = []
    for label, metric, digits, unit in _METRICS:
        rows = _monthly(d, metric)
        if not rows:
            continue
        last = rows[-1]
        cards.append(
            {
                "label": label,
                "value": reporting._num(last["score"]),
                "low": reporting._num(last["ci_low"]),
                "high": reporting._num(last["ci_high"]),
                "n": int(last["n"]),
                "digits": digits,
                "unit": unit,
                "change": reporting._num(last.get("change")),
                "change_p": reporting._num(last.get("change_p_value")),
                "note": _label(last["bucket"]),
            }
        )
    tf = _ticket_frame(d)
    if tf is not None:
        import numpy as np

        from cx.metrics import compare_proportions
        from cx.stats import mann_whitney_u

        pair = _months_change(tf)
        month = tf["month"]
        cur = month == pair[1] if pair else np.ones(len(month), bool)
        prev = month == pair[0] if pair else np.zeros(len(month), bool)
        note = _month_label(pair[1]) if pair else ""
        for label, arr, scale, unit in (
            ("frt_median", tf["frt"], 60.0, " min"),
            ("resolution_median", tf["res"], 3600.0, " h"),
        ):
            a, b = arr[cur], arr[prev]
            a, b = a[np.isfinite(a)] / scale, b[np.isfinite(b)] / scale
            if a.size == 0:
                continue
            card: dict[str, Any] = {
                "label": label,
                "value": float(np.median(a)),
                "n": int(a.size),
                "unit": unit,
                "higher_is_better": False,
                "note": note,
            }
            if b.size:
                card["change"] = float(np.median(a) - np.median(b))
                card["change_p"] = float(mann_whitney_u(a, b).p_value)
            cards.append(card)
        fcr = tf["fcr"]
        x1, n1 = int(np.nansum(fcr[cur])), int(np.isfinite(fcr[cur]).sum())
        x0, n0 = int(np.nansum(fcr[prev])), int(np.isfinite(fcr[prev]).sum())
        if n1:
            card = {
                "label": "fcr",
                "value": 100.0 * x1 / n1,
                "n": n1,
                "unit": "%",
                "note": note,
            }
            if n0:
                c = compare_proportions(x1, n1, x0, n0)
                card.update(change=100.0 * c.difference, change_p=c.p_value)
            cards.append(card)
        sla = _sla(d, "all")
        if sla:
            r = sla[0]
            cards.append(
                {
                    "label": "sla_compliance",
                    "value": 100.0 * r["achievement_rate"],
                    "low": 100.0 * r["ci_low"],
                    "high": 100.0 * r["ci_high"],
                    "n": int(r["achieved"] + r["breached"]),
                    "unit": "%",
                }
            )
    retention_card = _retention_card(d)
    if retention_card is not None:
        cards.append(retention_card)
    if not cards:
        return None
    return {"id": "kpis", "kpis": cards, "notes": ["kpi_note"]}


def _retention_card(d: ReportData) -> dict[str, Any] | None:
    """Customer retention rate (E − N)/S of the last complete month (`cx.retention`,
    Reichheld & Sasser's CRR; a customer is active in a month with a purchase), with the
    change against the month before. No p-value: E − N mixes retained and reactivated
    customers, so it is not a binomial count of the S customers at the start."""
    t = d.transactions
    if t is None or not {"customer_id", "date"} <= set(t.column_names):
        return None
    from cx.segments import retention

    rows = [r for r in retention(t).periods.to_pylist() if not r["partial"]]
    rows = [r for r in rows if r["retention_rate"] is not None]
    if not rows:
        return None
    last = rows[-1]
    card: dict[str, Any] = {
        "label": "retention",
        "value": 100.0 * last["retention_rate"],
        "n": int(last["customers_start"]),
        "unit": "%",
        "note": str(last["period"])[:7],
    }
    if len(rows) > 1:
        card["change"] = 100.0 * (last["retention_rate"] - rows[-2]["retention_rate"])
    return card


def trends(d: ReportData) -> dict[str, Any] | None:
    charts = []
    for label, metric, _, _ in _METRICS:
        rows = _monthly(d, metric)
        if not rows or len(rows) < 2:
            continue
        markers = []
        for i, r in enumerate(rows):
            p, c = r.get("change_p_value"), r.get("change")
            if p is not None and c is not None and p < _SIG:
                markers.append(
                    {
                        "index": i,
                        "label": f"{'+' if c > 0 else ''}{c:.1f}",
                        "tone": "good" if c > 0 else "bad",
                    }
                )
        charts.append(
            reporting.line_chart(
                [_label(r["bucket"]) for r in rows],
                [
                    {
                        "name": label,
                        "values": [r["score"] for r in rows],
                        "low": [r["ci_low"] for r in rows],
                        "high": [r["ci_high"] for r in rows],
                    }
                ],
                title=label,
                markers=markers,
                x_label="month",
                y_label="score",
            ).to_dict()
        )
    return {"id": "trends", "charts": charts} if charts else None


def _weekly(
    days: Any, values: Any, stat: str = "median"
) -> tuple[list[str], list[float], list[int]]:
    """ISO weeks (Monday, as YYYY-MM-DD), the statistic of `values` per week and the counts."""
    import numpy as np

    ok = (days >= 0) & np.isfinite(values)
    monday = days[ok] - (days[ok] + 3) % 7  # 1970-01-01 was a Thursday
    v = values[ok]
    weeks, inv = np.unique(monday, return_inverse=True)
    n = np.bincount(inv, minlength=weeks.size)
    if stat == "mean":
        agg = np.bincount(inv, weights=v, minlength=weeks.size) / np.maximum(n, 1)
    else:
        order = np.lexsort((v, inv))
        sv, si = v[order], inv[order]
        starts = np.searchsorted(si, np.arange(weeks.size))
        agg = np.array([np.median(sv[a : a + k]) for a, k in zip(starts, n, strict=True)])
    labels = weeks.astype("datetime64[D]").astype(str).tolist()
    return labels, [float(x) for x in agg], [int(k) for k in n]


def _control_note(chart: Any) -> dict[str, Any]:
    """The chart's summary as facts, worded in the report's language when rendered."""
    import json

    from cx import _cx

    note: dict[str, Any] = json.loads(_cx._control_summary(chart))
    return note


def control(d: ReportData) -> dict[str, Any] | None:
    import numpy as np

    from cx.spc import control_chart

    charts = []
    notes = []
    tf = _ticket_frame(d)
    if tf is not None:
        import pyarrow as pa
        import pyarrow.compute as pc

        chans = d.config.get("control_channels")
        if chans is None:  # the real-time channels, whose first replies are minutes apart
            present = set(pc.unique(tf["channel"]).to_pylist())
            chans = [c for c in _REALTIME if c in present] or None
        keep = (
            np.ones(len(tf["frt"]), dtype=bool)
            if chans is None
            else pc.is_in(tf["channel"], value_set=pa.array(chans, pa.string()))
            .fill_null(False)
            .to_numpy(zero_copy_only=False)
        )
        frt = np.where(keep, tf["frt"] / 60.0, np.nan)
        weeks, vals, _ = _weekly(tf["day"], frt)
        if len(vals) >= 8:
            base = int(d.config.get("control_baseline", len(vals) // 2))
            ch = control_chart(vals, kind="xmr", rules="nelson", phase1=max(base, 4))
            view = reporting.control_chart_view(ch, x=weeks, title="frt_weekly")
            view.spec["y_label"] = "minutes"
            charts.append(view.to_dict())
            notes.append(_control_note(ch))
    fb = d.feedback
    if fb is not None and len(fb) and "kind" in fb.column_names:
        import pyarrow.compute as pc

        t = fb.table
        days = _local_days(t.column("timestamp"), d.tz)
        flag = _f64(pc.equal(t.column("kind"), "complaint"))
        weeks, share, sizes = _weekly(days, flag, "mean")
        if len(weeks) >= 8:
            counts = [round(p * n) for p, n in zip(share, sizes, strict=True)]
            base = int(d.config.get("control_baseline", len(weeks) // 2))
            ch = control_chart(counts, kind="p", sizes=sizes, rules="nelson", phase1=max(base, 4))
            view = reporting.control_chart_view(ch, x=weeks, title="complaint_rate")
            view.spec["y_label"] = "share"
            charts.append(view.to_dict())
            notes.append(_control_note(ch))
    return {"id": "control", "charts": charts, "notes": notes} if charts else None


def sla(d: ReportData) -> dict[str, Any] | None:
    charts = []
    for by, title in (("priority", "sla_by_priority"), ("channel", "sla_by_channel")):
        rows = _sla(d, by)
        if rows:
            rows = [r for r in rows if r["achieved"] + r["breached"] > 0]
            charts.append(
                reporting.bar_chart(
                    [str(r.get("segment") or "—") for r in rows],
                    [r["achievement_rate"] for r in rows],
                    low=[r["ci_low"] for r in rows],
                    high=[r["ci_high"] for r in rows],
                    title=title,
                    percent=True,
                ).to_dict()
            )
    tf = _ticket_frame(d)
    if tf is not None:
        import numpy as np

        frt = tf["frt"][np.isfinite(tf["frt"])] / 60.0
        res = tf["res"][np.isfinite(tf["res"])] / 3600.0
        if frt.size:
            charts.append(
                reporting.distribution_chart(
                    frt,
                    title="frt_dist",
                    x_label="minutes",
                    log=True,
                    lines=[
                        ("median", float(np.median(frt))),
                        ("p90", float(np.quantile(frt, 0.9))),
                    ],
                ).to_dict()
            )
        if res.size:
            charts.append(
                reporting.distribution_chart(
                    res,
                    title="resolution_dist",
                    x_label="hours",
                    log=True,
                    lines=[("median", float(np.median(res)))],
                ).to_dict()
            )
    tables = []
    rows = _sla(d, "metric")
    if rows:
        tables.append(
            {
                "title": "sla_compliance",
                "columns": ["segment", "achieved", "breached", "rate", "interval"],
                "rows": [
                    [
                        str(r["segment"]),
                        str(r["achieved"]),
                        str(r["breached"]),
                        f"{100 * r['achievement_rate']:.1f}%",
                        f"[{100 * r['ci_low']:.1f}%, {100 * r['ci_high']:.1f}%]",
                    ]
                    for r in rows
                ],
            }
        )
    if not charts and not tables:
        return None
    return {"id": "sla", "charts": charts, "tables": tables}


def quality(d: ReportData) -> dict[str, Any] | None:
    tables = []
    kpis = []
    fb = d.feedback
    if fb is not None:
        kpis.append({"label": "rows_read", "value": fb.rows_read, "digits": 0})
        kpis.append(
            {
                "label": "rows_rejected",
                "value": len(fb.rejected),
                "digits": 0,
                "higher_is_better": False,
            }
        )
        by: Counter[tuple[str, str]] = Counter()
        example: dict[tuple[str, str], str] = {}
        for r in fb.rejected:
            k = (r.code, r.column or r.field)
            by[k] += 1
            example.setdefault(k, f"row {r.line}: {r.value!r} — {r.reason}")
        if by:
            tables.append(
                {
                    "title": "rows_rejected",
                    "columns": ["reason", "column", "count", "example"],
                    "rows": [[c, f, str(n), example[(c, f)]] for (c, f), n in by.most_common()],
                }
            )
        t = fb.table
        miss = [
            [
                c,
                str(t.column(c).null_count),
                f"{100 * t.column(c).null_count / max(t.num_rows, 1):.1f}%",
            ]
            for c in t.column_names
            if t.column(c).null_count
        ]
        if miss:
            tables.append(
                {
                    "title": "missing",
                    "columns": ["column", "missing", "missing_share"],
                    "rows": miss,
                }
            )
    if d.events is not None:
        issues = d.cached("log_issues", lambda: _log_issues(d))
        kinds = Counter(i["kind"] for i in issues)
        tables.append(
            {
                "title": "log_issues",
                "columns": ["issue", "count"],
                "rows": [[k, str(n)] for k, n in kinds.most_common()] or [["—", "0"]],
            }
        )
    if d.files:
        tables.append(
            {
                "title": "sources",
                "columns": ["file", "input"],
                "rows": [[os.path.basename(p), k] for k, p in d.files.items()],
            }
        )
    if not tables and not kpis:
        return None
    return {"id": "quality", "kpis": kpis, "tables": tables}


def meta(d: ReportData) -> list[tuple[str, str]]:
    out = []
    for metric in ("nps", "csat", "ces"):
        rows = _monthly(d, metric)
        if rows:
            out.append(("period", f"{_label(rows[0]['bucket'])} … {_label(rows[-1]['bucket'])}"))
            break
    out.append(("sources", ", ".join(os.path.basename(p) for p in d.files.values())))
    return out
