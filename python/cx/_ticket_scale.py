"""Shared pieces of `cx.dask.ticket_aggregates` and `cx.spark.ticket_aggregates`.

A partition of the event log (all events of each of its tickets) runs the Rust kernel of
`cx.ops.ticket_metrics`, and the per-ticket metrics are folded into a `TicketAggregates`
state (versioned, checksummed bytes): per group and metric the count, missing count,
compensated sum, min, max and a DDSketch-style quantile sketch. States merge in any order;
the finished table equals aggregating `cx.ops.ticket_metrics` of the whole log on one
machine (counts, min and max exactly, the mean to about 1e-15 relative, and the sketch's
quantiles identically).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cx import _cx

#: Calendar units of `period=` (pyarrow's `floor_temporal` units, floored in `tz`).
PERIODS = ("day", "week", "month", "quarter", "year")


def options(
    by: str | Sequence[str],
    metrics: str | Sequence[str],
    percentiles: Sequence[float],
    calendar: Any,
    definitions: dict[str, Any] | None,
    alpha: float,
    period: str | None = None,
    tz: str = "UTC",
) -> dict[str, Any]:
    """Validated, picklable options (the calendar travels as JSON, definitions as keywords)."""
    if definitions is not None and not isinstance(definitions, dict):
        msg = (
            "`definitions` must be a dict of `cx.ops.MetricDefinitions` keyword arguments "
            "(built on each worker), e.g. {'validation': 'collect'}"
        )
        raise TypeError(msg)
    by = [by] if isinstance(by, str) else list(by)
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    if period is not None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        from cx.exceptions import InvalidOptionError

        if period not in PERIODS:
            msg = f"`period` must be one of {', '.join(PERIODS)}, got {period!r}"
            raise InvalidOptionError(msg, "invalid_option", "period")
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as e:
            msg = f"`tz` must be an IANA time zone, got {tz!r}"
            raise InvalidOptionError(msg, "invalid_option", "tz") from e
        by = [*by, "period"]
    return {
        "period": period,
        "tz": tz,
        "by": by,
        "metrics": metrics,
        "percentiles": [float(q) for q in percentiles],
        "calendar": None if calendar is None else calendar.to_json(),
        "definitions": definitions,
        "alpha": float(alpha),
    }


def partition_state(table: Any, opts: dict[str, Any]) -> bytes | None:
    """An Arrow table of events (all events of its tickets) to its state; `None` when empty."""
    if table.num_rows == 0:
        return None
    import pyarrow as pa  # type: ignore[import-untyped]

    cal = opts["calendar"]
    defs = opts["definitions"]
    per_ticket = _cx._ticket_metrics(
        table,
        calendar=None if cal is None else _cx.BusinessCalendar.from_json(cal),
        definitions=None if defs is None else _cx.MetricDefinitions(**defs),
    )
    per_ticket = pa.table(per_ticket)
    if opts["period"] is not None:
        import pyarrow.compute as pc  # type: ignore[import-untyped]

        local = per_ticket["created_at"].cast(pa.timestamp("s", tz=opts["tz"]))
        start = pc.floor_temporal(local, unit=opts["period"], week_starts_monday=True)
        per_ticket = per_ticket.append_column("period", pc.strftime(start, format="%Y-%m-%d"))
    state: bytes = _cx._ticket_agg_state(
        per_ticket, by=opts["by"], metrics=opts["metrics"], alpha=opts["alpha"]
    )
    return state


def merge(states: Sequence[bytes | None]) -> bytes | None:
    """Merge the present states (any order); `None` if there are none."""
    from cx.dask import _merge

    return _merge(states, "_ticket_agg_merge")


def finish(state: bytes | None, opts: dict[str, Any]) -> Any:
    """The merged state as a pyarrow Table: one row per group and metric."""
    import pyarrow as pa

    if state is None:
        empty = {b: pa.array([], pa.string()) for b in opts["by"]}
        empty.update({m: pa.array([], pa.float64()) for m in opts["metrics"]})
        state = _cx._ticket_agg_state(
            pa.table(empty), by=opts["by"], metrics=opts["metrics"], alpha=opts["alpha"]
        )
    return pa.table(_cx._ticket_agg_finish(state, percentiles=opts["percentiles"]))
