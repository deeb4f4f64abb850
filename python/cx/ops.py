"""Service operations: business calendars, ticket metrics, SLA status, backlog.

Every table-valued function takes the event log as a pyarrow Table, a polars or
pandas DataFrame (read through the Arrow PyCapsule interface, without copying)
or a list of dicts, with the columns of ``cx/data/ticket_events.csv``:
``ticket_id, at, type, actor, public, from, to, team, agent`` (and optionally
``channel, priority, customer, topic``). ``at`` must be tz-aware timestamps or
RFC 3339 strings with an offset; naive values raise
:class:`cx.MissingTimeZoneError`.

The result has the caller's type: pyarrow in → pyarrow out, pandas in → pandas
out, polars in → polars out, list of dicts in → list of dicts out. Durations are
integer seconds; missing metrics are null (NaN in pandas).

>>> import cx
>>> events = [
...     {"ticket_id": "T1", "at": "2024-03-04T11:30:00+08:00", "type": "created",
...      "actor": "requester"},
...     {"ticket_id": "T1", "at": "2024-03-04T14:00:00+08:00", "type": "comment",
...      "actor": "agent:a1", "public": True},
... ]
>>> row = cx.ops.ticket_metrics(events, calendar=cx.ops.BusinessCalendar.china(2024))[0]
>>> row["first_reply_secs"], row["first_reply_business_secs"]
(9000, 3600)
"""

from __future__ import annotations

from typing import Any

from cx._cx import (
    BusinessCalendar,
    MetricDefinitions,
    SlaPolicy,
    _age_buckets,
    _backlog,
    _log_issues,
    _sla_compliance,
    _sla_history,
    _sla_status,
    _summarize,
    _ticket_metrics,
)

__all__ = [
    "BusinessCalendar",
    "MetricDefinitions",
    "SlaPolicy",
    "age_buckets",
    "backlog",
    "log_issues",
    "sla_compliance",
    "sla_history",
    "sla_status",
    "summarize",
    "ticket_metrics",
]


def _like(table: Any, like: Any) -> Any:
    """Return the Arrow ``table`` as the type of ``like`` (see the module docs)."""
    root = type(like).__module__.split(".")[0]
    if root == "polars":
        import polars as pl

        return pl.DataFrame(table)
    import pyarrow as pa  # type: ignore[import-untyped]

    out = pa.table(table)
    if root == "pandas":
        return out.to_pandas()
    if isinstance(like, list):
        return out.to_pylist()
    return out


def _prep(events: Any) -> Any:
    """Work around polars exporting all-null columns in a form arrow-rs rejects."""
    if type(events).__module__.split(".")[0] == "polars":
        import polars as pl

        nulls = [n for n, t in events.schema.items() if t == pl.Null]
        if nulls:
            return events.with_columns(pl.col(nulls).cast(pl.String))
    return events


def ticket_metrics(
    events: Any,
    /,
    *,
    calendar: BusinessCalendar | None = None,
    definitions: MetricDefinitions | None = None,
) -> Any:
    """Per-ticket Zendesk-style duration metrics, in calendar and business time.

    One row per ticket (order of first appearance) with ``*_secs`` and
    ``*_business_secs`` columns for first reply, first/full resolution,
    requester wait, agent wait, on-hold and agent work time, list columns of
    next reply times, counts (replies, solves, reopens, reassignments,
    stations, escalations) and ``one_touch`` / ``repeat_free`` FCR flags.
    Business columns are null without a ``calendar``. See ``docs/guide/ops.md``.
    """
    return _like(_ticket_metrics(_prep(events), calendar=calendar, definitions=definitions), events)


def log_issues(events: Any, /) -> list[dict[str, Any]]:
    """Problems in an event log, each a dict with ``ticket_id``, ``row`` (0-based
    input position), ``kind`` (``unknown_ticket``, ``duplicate_creation``,
    ``event_before_creation``, ``broken_status_chain``) and ``reason``.

    >>> import cx
    >>> ev = [{"ticket_id": "T9", "at": "2024-05-01T09:00:00Z", "type": "comment",
    ...        "actor": "requester"}]
    >>> cx.ops.log_issues(ev)[0]["kind"]
    'unknown_ticket'
    """
    return list(_log_issues(_prep(events)))


def sla_status(
    events: Any,
    /,
    *,
    policies: list[SlaPolicy],
    as_of: Any,
    calendar: BusinessCalendar | None = None,
    priority_change: str = "at_start",
    validation: str = "strict",
) -> Any:
    """State of every SLA target instance as of ``as_of`` (first matching policy wins).

    Columns: ``ticket_id, policy, metric, hours, target_secs, started_at, state``
    (``achieved``/``breached``/``active``), ``at`` (stop or breach instant),
    ``elapsed_secs``, ``overshoot_secs``, ``remaining_secs``, ``paused``,
    ``priority``, ``channel``, ``team``.

    ``priority_change`` says what a priority change during a running target does:
    ``"at_start"`` (default: the priority at the start picks the policy for the
    whole interval), ``"recalculate"`` (Zendesk: the new priority's target,
    measured from the original start) or ``"restart"`` (the new target, measured
    from the change); see :func:`sla_history` and ``docs/guide/ops.md``.

    ``validation`` is as in :class:`MetricDefinitions`: ``"strict"`` (default) raises on
    the first problem in the log; ``"collect"`` leaves out the tickets with problems
    (:func:`log_issues` lists them) and measures the others.
    """
    out = _sla_status(
        _prep(events),
        policies=policies,
        as_of=as_of,
        calendar=calendar,
        priority_change=priority_change,
        validation=validation,
    )
    return _like(out, events)


def sla_history(
    events: Any,
    /,
    *,
    policies: list[SlaPolicy],
    as_of: Any,
    calendar: BusinessCalendar | None = None,
    priority_change: str = "recalculate",
) -> Any:
    """Every SLA target instance's states over time, as an event table.

    One row per event, in time order per instance (instances in the order of
    :func:`sla_status`): ``started``, ``paused`` (``status`` names the pausing
    status), ``resumed``, ``target_changed`` (a priority change put another
    policy or target in force), ``target_removed`` (the new priority has no
    target for the metric: tracking ends), ``breached``, ``achieved`` and
    ``stopped`` (the clock stopped after a breach). Columns: ``ticket_id,
    metric, started_at, at, event, status, policy, target_secs, hours,
    elapsed_secs, priority`` (policy, target and priority in force after the
    event; elapsed seconds on the target's clock at the event).

    ``priority_change`` defaults to Zendesk's ``"recalculate"``: after a change
    the new priority's target applies to the time elapsed since the original
    start, and if that is already exceeded the target is breached at the
    change; ``"restart"`` measures the new target from the change instant;
    ``"at_start"`` keeps the policy chosen at the start (as
    :func:`sla_status`'s default).

    >>> import cx
    >>> ev = [
    ...     {"ticket_id": "T1", "at": "2024-03-04T09:00:00Z", "type": "created",
    ...      "actor": "requester", "priority": "normal"},
    ...     {"ticket_id": "T1", "at": "2024-03-04T10:30:00Z", "type": "priority_change",
    ...      "from": "normal", "to": "urgent"},
    ...     {"ticket_id": "T1", "at": "2024-03-04T11:00:00Z", "type": "comment",
    ...      "actor": "agent:a1", "public": True},
    ... ]
    >>> pols = [
    ...     cx.ops.SlaPolicy("urgent", priorities=["urgent"],
    ...                      targets={"first_reply": {"target_secs": 3600, "hours": "calendar"}}),
    ...     cx.ops.SlaPolicy("normal",
    ...                      targets={"first_reply": {"target_secs": 14400, "hours": "calendar"}}),
    ... ]
    >>> h = cx.ops.sla_history(ev, policies=pols, as_of="2024-03-04T12:00:00Z")
    >>> [(r["event"], r["policy"], r["elapsed_secs"]) for r in h]
    [('started', 'normal', 0), ('target_changed', 'urgent', 5400), ('breached', 'urgent', 5400), ('stopped', 'urgent', 7200)]
    """
    out = _sla_history(
        _prep(events),
        policies=policies,
        as_of=as_of,
        calendar=calendar,
        priority_change=priority_change,
    )
    return _like(out, events)


def sla_compliance(
    events: Any,
    /,
    *,
    policies: list[SlaPolicy],
    as_of: Any,
    calendar: BusinessCalendar | None = None,
    by: str = "all",
    confidence: float = 0.95,
    priority_change: str = "at_start",
    validation: str = "strict",
) -> Any:
    """Achievement rate achieved/(achieved+breached) by segment, with Wilson intervals.

    ``by`` is one of ``all``, ``policy``, ``metric``, ``priority``, ``channel``, ``team``;
    ``priority_change`` and ``validation`` as in :func:`sla_status`.
    """
    out = _sla_compliance(
        _prep(events),
        policies=policies,
        as_of=as_of,
        calendar=calendar,
        by=by,
        confidence=confidence,
        priority_change=priority_change,
        validation=validation,
    )
    return _like(out, events)


def backlog(
    events: Any,
    /,
    *,
    start: Any,
    end: Any,
    period: str = "day",
    time_zone: str = "UTC",
) -> Any:
    """Open stock and flows (created, reopened, resolved) per day, ISO week or month."""
    out = _backlog(_prep(events), start=start, end=end, period=period, time_zone=time_zone)
    return _like(out, events)


def age_buckets(events: Any, /, *, at: Any, edges_secs: list[int]) -> Any:
    """Open tickets at ``at`` counted by age bucket ``[min_secs, max_secs)``."""
    return _like(_age_buckets(_prep(events), at=at, edges_secs=edges_secs), events)


def summarize(
    values: Any,
    /,
    *,
    by: Any,
    quantiles: list[float] | tuple[float, ...] = (0.9,),
    alpha: float = 0.01,
    exact: bool = False,
) -> Any:
    """Count, mean, median and quantiles of ``values`` grouped by ``by``, as a pyarrow Table
    (one column ``q<q>`` per quantile, e.g. ``q0.9``).

    Quantiles come from a mergeable log-bucket sketch with relative error
    ``alpha`` (DDSketch, Masson et al. 2019) or, with ``exact=True``, from
    numpy-style linear interpolation. NaN/null values are skipped.
    """
    import pyarrow as pa

    keys = [None if k is None else str(k) for k in by]
    return pa.table(
        _summarize(values, by=keys, quantiles=list(quantiles), alpha=alpha, exact=exact)
    )
