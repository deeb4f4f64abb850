"""cx on Dask: `cx.metrics.summarize` over a dask DataFrame, as a tree reduction of states.

Each partition runs cx's Rust kernel on its Arrow batch and returns a small serialized
state (bytes: picklable, versioned, checksummed); states merge pairwise in a tree
(`split_every` at a time) on the workers; the last state is finished into the same
table `cx.metrics.summarize` gives on the whole data (counts exactly; the floats are
computed from the same counts by the same code, so they are identical). Nothing but
states reaches the client, so its memory does not grow with the number of rows.

Dask is imported when a function is called, not when `cx` or `cx.dask` is imported.

>>> import dask.dataframe as dd, pandas as pd
>>> pdf = pd.DataFrame({"store": ["a", "a", "b", "b"], "nps": [10, 3, 9, 9]})
>>> out = summarize(dd.from_pandas(pdf, npartitions=2), by="store")
>>> out["score"].tolist()
[0.0, 100.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from cx import _cx

__all__ = [
    "attribute_chart",
    "counts",
    "kano",
    "pareto",
    "subgroup_stats",
    "summarize",
    "ticket_aggregates",
    "tree_reduce",
    "variables_chart",
]

#: Control charts whose phase-I statistics are per-subgroup counts (mergeable exactly).
ATTRIBUTE_CHARTS = ("p", "np", "c", "u", "laney_p", "laney_u")


def _partition(pdf: Any, columns: list[str], kernel: str, opts: dict[str, Any]) -> bytes | None:
    """One partition (a pandas DataFrame) to its serialized state by the `_cx` state
    builder named `kernel` (`_summary_state`, `_counts_state`, `_subgroup_state`);
    `None` when the partition is empty."""
    if len(pdf) == 0:
        return None
    import pyarrow as pa  # type: ignore[import-untyped]

    table = pa.Table.from_pandas(pdf[columns], preserve_index=False)
    state: bytes = getattr(_cx, kernel)(table, **opts)
    return state


def _merge(states: Sequence[bytes | None], kernel: str = "_merge_states") -> bytes | None:
    """Merge the present states with the `_cx` merger named `kernel`; `None` if none."""
    present = [s for s in states if s is not None]
    if not present:
        return None
    merged: bytes = getattr(_cx, kernel)(present)
    return merged


def tree_reduce(
    leaves: Sequence[Any],
    merge: Callable[[Sequence[Any]], Any] = _merge,
    *,
    split_every: int = 8,
) -> Any:
    """Combine delayed `leaves` in a tree: `merge` takes up to `split_every` values at a time.

    Returns one `dask.delayed` object (compute it); works for any mergeable cx state whose
    `merge` accepts a list, so new tallies plug in with their own `merge`.

    >>> from dask.delayed import delayed
    >>> leaves = [delayed(i) for i in range(10)]
    >>> tree_reduce(leaves, sum, split_every=3).compute()
    45
    """
    from dask.delayed import delayed

    if split_every < 2:
        msg = f"split_every must be at least 2, got {split_every}"
        raise ValueError(msg)
    level = list(leaves)
    if not level:
        return delayed(merge)([])
    while len(level) > 1:
        level = [
            delayed(merge)(level[i : i + split_every]) for i in range(0, len(level), split_every)
        ]
    return level[0]


def _partition_tickets(pdf: Any, opts: dict[str, Any]) -> bytes | None:
    """One partition of events (pandas) to its `TicketAggregates` state."""
    import pyarrow as pa

    from cx import _ticket_scale

    if pdf.index.name == "ticket_id":
        pdf = pdf.reset_index()
    return _ticket_scale.partition_state(pa.Table.from_pandas(pdf, preserve_index=False), opts)


def ticket_aggregates(
    ddf: Any,
    /,
    *,
    by: str | Sequence[str] = ("team",),
    metrics: str | Sequence[str] = ("first_reply_secs", "full_resolution_secs"),
    percentiles: Sequence[float] = (0.5, 0.9),
    calendar: Any = None,
    definitions: dict[str, Any] | None = None,
    alpha: float = 0.01,
    period: str | None = None,
    tz: str = "UTC",
    partitioned: bool = False,
    split_every: int = 8,
) -> Any:
    """Count, mean, min, max, median and percentiles of per-ticket metrics by group, over a
    dask DataFrame of ticket events, as a pandas DataFrame (one row per group and metric).

    Each partition runs `cx.ops.ticket_metrics` (the Rust kernel) on its events and folds
    the per-ticket metrics into a mergeable state; states merge in a tree (`tree_reduce`).
    The result equals aggregating `cx.ops.ticket_metrics` of the whole log on one machine:
    `n`, `n_missing` (tickets without the metric, e.g. no first reply), `min`, `max`
    exactly, `mean` to about 1e-15 relative, and `median` / `q<p>` identical to a one-pass
    quantile sketch (relative error at most `alpha` against the order statistic of rank
    `floor(p*(n-1))`; DDSketch, Masson et al. 2019). Exact interpolated quantiles are not
    offered on the engines (they need all values in one place): use
    `cx.ops.summarize(..., exact=True)` on one machine.

    `by` names columns of the `cx.ops.ticket_metrics` output (`team`, `channel`,
    `priority`, `customer`, `status`; integer columns stay integers, others become text);
    `metrics` names its numeric columns (`*_secs`, counts such as `reopens`, the 0/1 flags
    `one_touch`/`repeat_free`, whose mean is a rate). `definitions` is a dict of
    `cx.ops.MetricDefinitions` keyword arguments (built on each worker). `period` ("day",
    "week" (from Monday), "month", "quarter", "year") adds a last key column `period`: the
    start date (`YYYY-MM-DD`) of the period of the ticket's creation in time zone `tz`.

    Ticket metrics need all events of a ticket in one partition. By default the frame is
    shuffled on `ticket_id` first (`ddf.shuffle("ticket_id")`), unless its index is
    `ticket_id` with known divisions (`set_index("ticket_id")`: disjoint by construction).
    With `partitioned=True` the caller vouches for it and no shuffle is done; cx does not
    check it (an exact check costs a distributed distinct count, about a shuffle): a ticket
    split over two partitions would count as two partial tickets. Events of a ticket at the
    same instant keep their order within a partition, and a shuffle may reorder them.

    Raises:
        MissingFieldError: a `by` or `metrics` column is not in the metrics table, or the
            log lacks a required column.
        InvalidValueError: a negative metric value (the row is counted within its partition).

    >>> import dask.dataframe as dd, pandas as pd
    >>> ev = pd.DataFrame({
    ...     "ticket_id": ["T1", "T1", "T2", "T2", "T3"],
    ...     "at": ["2024-03-04T10:00:00+08:00", "2024-03-04T10:30:00+08:00",
    ...            "2024-03-04T11:00:00+08:00", "2024-03-04T13:00:00+08:00",
    ...            "2024-03-04T12:00:00+08:00"],
    ...     "type": ["created", "comment", "created", "comment", "created"],
    ...     "actor": ["requester", "agent:a1", "requester", "agent:a2", "requester"],
    ...     "public": [None, True, None, True, None],
    ...     "channel": ["email", None, "live_chat", None, "live_chat"],
    ... })
    >>> ddf = dd.from_pandas(ev, npartitions=2)
    >>> out = ticket_aggregates(ddf, by="channel", metrics="first_reply_secs")
    >>> out[["channel", "n", "n_missing", "mean", "max"]].values.tolist()
    [['email', 1, 0, 1800.0, 1800.0], ['live_chat', 1, 1, 7200.0, 7200.0]]
    """
    from dask.delayed import delayed

    from cx import _ticket_scale

    opts = _ticket_scale.options(by, metrics, percentiles, calendar, definitions, alpha, period, tz)
    by_ticket = ddf.index.name == "ticket_id" and ddf.known_divisions
    if not (partitioned or by_ticket):
        if "ticket_id" not in ddf.columns:
            from cx.exceptions import MissingFieldError

            raise MissingFieldError("missing field `ticket_id`", "missing_field", "ticket_id")
        ddf = ddf.shuffle("ticket_id")
    leaves = [delayed(_partition_tickets)(p, opts) for p in ddf.to_delayed()]
    state = tree_reduce(leaves, _ticket_scale.merge, split_every=split_every).compute()
    return _ticket_scale.finish(state, opts).to_pandas()


def summarize(
    ddf: Any,
    /,
    *,
    score: str = "nps",
    metric: str = "nps",
    by: str | Sequence[str] = (),
    time: str | None = None,
    freq: str = "month",
    tz: str | None = None,
    ci: str | None = None,
    level: float = 0.95,
    scale: str | None = None,
    min_n: int = 30,
    split_every: int = 8,
) -> Any:
    """NPS, CSAT or CES per group (and time bucket) of a dask DataFrame, as a pandas DataFrame.

    Same options and same result as `cx.metrics.summarize` on the computed frame (without
    `weights`: weighted NPS is not offered here). Each partition becomes a state on its
    worker; states merge `split_every` at a time; the client finishes the last one.

    Raises:
        MissingFieldError: a named column is not in the frame.
        InvalidValueError: a score off the scale (the row is counted within its partition).
        MissingTimeZoneError: naive timestamps and no `tz`.

    >>> import dask.dataframe as dd, pandas as pd
    >>> pdf = pd.DataFrame({"g": [1, 1, 2, 2, 2], "csat": [5, 4, 1, 5, None]})
    >>> out = summarize(dd.from_pandas(pdf, npartitions=3), score="csat", metric="csat", by="g")
    >>> out["n"].tolist(), out["n_missing"].tolist(), out["n_top_box"].tolist()
    ([2, 2], [0, 1], [2, 1])
    """
    by = [by] if isinstance(by, str) else list(by)
    columns = list(dict.fromkeys([*by, score, *([time] if time else [])]))
    opts: dict[str, Any] = {
        "score": score,
        "metric": metric,
        "by": by,
        "time": time,
        "freq": freq,
        "tz": tz,
        "scale": scale,
    }
    from dask.delayed import delayed

    if any(c not in ddf.columns for c in columns):
        # The single-machine path on the (empty) metadata raises the typed MissingFieldError.
        return _single(ddf._meta, opts, ci, level, min_n)
    leaves = [delayed(_partition)(p, columns, "_summary_state", opts) for p in ddf.to_delayed()]
    state = tree_reduce(leaves, _merge, split_every=split_every).compute()
    if state is None:
        return _single(ddf._meta[columns], opts, ci, level, min_n)
    table = _cx._finish_summary(
        state,
        metric=metric,
        freq=freq,
        ci=ci,
        level=level,
        scale=scale,
        min_n=min_n,
    )
    return table.to_pandas()


def _single(pdf: Any, opts: dict[str, Any], ci: str | None, level: float, min_n: int) -> Any:
    from cx.metrics import summarize as single

    return single(pdf, ci=ci, level=level, min_n=min_n, **opts)


def counts(
    ddf: Any,
    /,
    *,
    by: str | Sequence[str] = (),
    sums: str | Sequence[str] = (),
    time: str | None = None,
    freq: str = "month",
    tz: str | None = None,
    split_every: int = 8,
) -> Any:
    """Rows per key (and time bucket) and the sums of count columns, as a pandas DataFrame.

    The generic mergeable "counts by key": one row per key present, sorted by key (nulls
    last), columns `by…`, `bucket` (with `time`), `n` (rows), then one column per name in
    `sums` (non-negative integers: a 0/1 flag, a defect count). Exact for any partitioning.

    Raises:
        InvalidValueError: a `sums` value that is not a non-negative integer.
        MissingFieldError: a named column is not in the frame.

    >>> import dask.dataframe as dd, pandas as pd
    >>> pdf = pd.DataFrame({"cause": ["late", "rude", "late", None], "reopened": [1, 0, 1, 0]})
    >>> out = counts(dd.from_pandas(pdf, npartitions=2), by="cause", sums="reopened")
    >>> out.values.tolist()
    [['late', 2, 2], ['rude', 1, 0], [nan, 1, 0]]
    """
    from dask.delayed import delayed

    by = [by] if isinstance(by, str) else list(by)
    sums = [sums] if isinstance(sums, str) else list(sums)
    columns = list(dict.fromkeys([*by, *sums, *([time] if time else [])]))
    opts: dict[str, Any] = {"by": by, "sums": sums, "time": time, "freq": freq, "tz": tz}
    import pyarrow as pa

    present = [c for c in columns if c in ddf.columns]
    empty = pa.Table.from_pandas(ddf._meta[present], preserve_index=False)
    if len(present) < len(columns):
        _cx._counts_state(empty, **opts)  # raises the typed MissingFieldError
    leaves = [delayed(_partition)(p, columns, "_counts_state", opts) for p in ddf.to_delayed()]
    state = tree_reduce(leaves, _merge, split_every=split_every).compute()
    if state is None:
        state = _cx._counts_state(empty, **opts)
    return _cx._counts_table(state, sums=sums, freq=freq).to_pandas()


def attribute_chart(
    ddf: Any,
    /,
    *,
    kind: str,
    value: str,
    subgroup: str | Sequence[str] = (),
    time: str | None = None,
    freq: str = "day",
    tz: str | None = None,
    split_every: int = 8,
    **options: Any,
) -> Any:
    """Phase-I attribute control chart (p, np, c, u, Laney p′/u′) of a dask DataFrame.

    Each row is one unit; `value` is its defective flag (0/1: p, np, Laney p′) or its
    number of defects (c, u, Laney u′). Subgroups are the keys `subgroup` and/or the time
    bucket of `time` (`freq`, `tz`), in key order. Per subgroup the units and the sum of
    `value` merge exactly across partitions; the chart is then
    `cx.spc.control_chart(sums, kind=kind, sizes=units, **options)` (`sizes` omitted for
    `c`), the same chart as on one machine from the same per-subgroup counts.

    x̄/R and x̄/S charts: `variables_chart`. Individuals (I-MR) charts are not offered: their
    moving ranges need the values in time order across partitions.

    Raises:
        InvalidOptionError: a `kind` that is not an attribute chart.

    >>> import dask.dataframe as dd, pandas as pd
    >>> pdf = pd.DataFrame({"day": [1, 1, 2, 2, 3, 3, 3], "bad": [0, 1, 0, 0, 1, 1, 0]})
    >>> import cx.dask
    >>> ddf = dd.from_pandas(pdf, npartitions=2)
    >>> chart = cx.dask.attribute_chart(ddf, kind="p", value="bad", subgroup="day")
    >>> round(float(chart.center[0]), 4), chart.statistics.round(3).tolist()
    (0.4286, [0.5, 0.0, 0.667])
    """
    from cx.exceptions import InvalidOptionError
    from cx.spc import control_chart as chart

    if kind not in ATTRIBUTE_CHARTS:
        msg = f"kind: must be one of {set(ATTRIBUTE_CHARTS)}, got {kind!r}"
        raise InvalidOptionError(msg, "invalid_option", "kind")
    per = counts(ddf, by=subgroup, sums=value, time=time, freq=freq, tz=tz, split_every=split_every)
    data = per[value].to_numpy(dtype=float)
    sizes = None if kind == "c" else per["n"].to_numpy(dtype=float)
    return chart(data, kind=kind, sizes=sizes, **options)  # type: ignore[arg-type]


def _merge_tally(states: Sequence[bytes | None], cls_name: str) -> bytes | None:
    """Merge `ParetoTally` / `KanoTally` states (their own versioned bytes); `None` if none."""
    cls = getattr(_cx, cls_name)
    present = [cls.from_bytes(s) for s in states if s is not None]
    if not present:
        return None
    out = present[0]
    for t in present[1:]:
        out = out.merge(t)
    data: bytes = out.to_bytes()
    return data


def _cells(series: Any) -> list[str | None]:
    """A pandas column as text cells, None for any missing marker (None, NaN, pd.NA)."""
    import pandas as pd  # type: ignore[import-untyped]

    return [None if pd.isna(v) else str(v) for v in series.tolist()]


def _partition_pareto(pdf: Any, opts: dict[str, Any]) -> bytes | None:
    if len(pdf) == 0:
        return None
    t = _cx.ParetoTally()
    name = opts["column"] or opts["tags"]
    values = _cells(pdf[name])
    weights = None if opts["weights"] is None else pdf[opts["weights"]].astype(float).tolist()
    t.update(values, weights=weights, tags=opts["tags"] is not None, separators=opts["separators"])
    data: bytes = t.to_bytes()
    return data


def pareto(
    ddf: Any,
    /,
    *,
    column: str | None = None,
    tags: str | None = None,
    weights: str | None = None,
    separators: Sequence[str] | None = None,
    cut: float = 0.8,
    top: int | None = None,
    min_share: float | None = None,
    other: str = "Other",
    ties: str = "first-seen",
    split_every: int = 8,
) -> Any:
    """`cx.pareto` over a dask DataFrame: one `ParetoTally` per partition, merged in a tree.

    Counts and weights equal the single-machine ones for any partitioning (a tally merges by
    cause name; partitions merge in order, so "first-seen" ties keep the order of the data).
    Returns a `cx.causes.ParetoResult` whose table is a pandas DataFrame.

    >>> import dask.dataframe as dd, pandas as pd
    >>> pdf = pd.DataFrame({"tags": ["late;refund", "late", "", "rude，late"]})
    >>> pareto(dd.from_pandas(pdf, npartitions=2), tags="tags").vital_few
    ['late', 'refund']
    """
    from dask.delayed import delayed

    from cx.causes import ParetoResult

    if (column is None) == (tags is None):
        msg = "give exactly one of `column=` or `tags=` (a column name)"
        raise TypeError(msg)
    opts = {"column": column, "tags": tags, "weights": weights, "separators": separators}
    for c in (column or tags, weights):
        if c is not None and c not in ddf.columns:
            from cx.exceptions import MissingFieldError

            msg = f"missing field `{c}`"
            raise MissingFieldError(msg, "missing_field", c)
    leaves = [delayed(_partition_pareto)(p, opts) for p in ddf.to_delayed()]
    state = tree_reduce(
        leaves, partial(_merge_tally, cls_name="ParetoTally"), split_every=split_every
    ).compute()
    tally = _cx.ParetoTally() if state is None else _cx.ParetoTally.from_bytes(state)
    s = tally.finish(cut=cut, top=top, min_share=min_share, other=other, ties=ties)
    return ParetoResult(s, s.table().to_pandas())


def _partition_kano(pdf: Any, specs: list[tuple[str, str, str]]) -> bytes | None:
    if len(pdf) == 0:
        return None
    t = _cx.KanoTally()
    for name, f, d in specs:
        t.update(name, _cells(pdf[f]), _cells(pdf[d]))
    data: bytes = t.to_bytes()
    return data


def kano(
    ddf: Any,
    /,
    *,
    prefix: str = "kano_",
    functional_suffix: str = "_functional",
    dysfunctional_suffix: str = "_dysfunctional",
    questionable_max_share: float = 0.05,
    reverse_max_share: float = 0.10,
    fong_z: float = 1.65,
    split_every: int = 8,
) -> Any:
    """`cx.kano.classify` over a dask DataFrame: one `KanoTally` per partition, merged in a tree.

    The answer pairs are found by the column-name convention of `cx.kano.discover_pairs`
    (`kano_<name>_functional` / `kano_<name>_dysfunctional`). Category counts equal the
    single-machine ones for any partitioning. Returns a `cx.kano.KanoResult` whose table is
    a pandas DataFrame (per-respondent categories are not collected).

    >>> import dask.dataframe as dd, pandas as pd
    >>> pdf = pd.DataFrame({"kano_app_functional": ["like", "like", "must-be", None],
    ...                     "kano_app_dysfunctional": ["neutral", "live-with", "dislike", "dislike"]})
    >>> kano(dd.from_pandas(pdf, npartitions=2)).categories
    {'app': 'attractive'}
    """
    from dask.delayed import delayed

    from cx.kano import KanoResult, discover_pairs

    pairs = discover_pairs(
        list(ddf.columns),
        prefix=prefix,
        functional_suffix=functional_suffix,
        dysfunctional_suffix=dysfunctional_suffix,
    )
    specs = [(a, f, d) for a, (f, d) in pairs.items()]
    leaves = [delayed(_partition_kano)(p, specs) for p in ddf.to_delayed()]
    state = tree_reduce(
        leaves, partial(_merge_tally, cls_name="KanoTally"), split_every=split_every
    ).compute()
    tally = _cx.KanoTally() if state is None else _cx.KanoTally.from_bytes(state)
    s = tally.finish(
        questionable_max_share=questionable_max_share,
        reverse_max_share=reverse_max_share,
        fong_z=fong_z,
    )
    return KanoResult(s, s.table().to_pandas(), None)


# --- x̄/R and x̄/S charts: per-subgroup moments ---

#: Variables charts whose phase-I statistics merge per subgroup (n, mean, M2, min, max).
VARIABLES_CHARTS = ("xbar_r", "xbar_s")


def _subgroup_moments(
    ddf: Any,
    value: str,
    subgroup: str | Sequence[str],
    time: str | None,
    freq: str,
    tz: str | None,
    split_every: int,
) -> bytes:
    """The merged per-subgroup moments state of a dask DataFrame."""
    from dask.delayed import delayed

    by = [subgroup] if isinstance(subgroup, str) else list(subgroup)
    columns = list(dict.fromkeys([*by, value, *([time] if time else [])]))
    opts: dict[str, Any] = {"value": value, "by": by, "time": time, "freq": freq, "tz": tz}
    import pyarrow as pa

    present = [c for c in columns if c in ddf.columns]
    empty = pa.Table.from_pandas(ddf._meta[present], preserve_index=False)
    if len(present) < len(columns):
        _cx._subgroup_state(empty, **opts)  # raises the typed MissingFieldError
    leaves = [delayed(_partition)(p, columns, "_subgroup_state", opts) for p in ddf.to_delayed()]
    merge = partial(_merge, kernel="_merge_subgroup_states")
    state = tree_reduce(leaves, merge, split_every=split_every).compute()
    if state is None:
        state = _cx._subgroup_state(empty, **opts)
    merged: bytes = state
    return merged


def subgroup_stats(
    ddf: Any,
    /,
    *,
    value: str,
    subgroup: str | Sequence[str] = (),
    time: str | None = None,
    freq: str = "day",
    tz: str | None = None,
    split_every: int = 8,
) -> Any:
    """Per-subgroup n, mean, range and standard deviation of `value`, as a pandas DataFrame.

    One row per subgroup (the keys `subgroup` and/or the time bucket of `time`), sorted by
    key (nulls last): the key columns, `bucket` (with `time`), `n` (non-missing values),
    `n_missing`, `mean`, `range` (max − min), `sd` (n − 1 denominator; NaN below 2 values).
    These are the rows of the chart `variables_chart` draws, in the same order. Each
    partition keeps n, mean, M2, min and max per subgroup; states merge with Chan et al.'s
    (1979) pairwise update, so a subgroup may span partitions.

    >>> import dask.dataframe as dd, pandas as pd
    >>> pdf = pd.DataFrame({"day": [2, 1, 1, 2, 1], "wait": [4.0, 1.0, 2.0, 6.0, 6.0]})
    >>> out = subgroup_stats(dd.from_pandas(pdf, npartitions=2), value="wait", subgroup="day")
    >>> out[["day", "n", "mean", "range"]].values.tolist()
    [[1.0, 3.0, 3.0, 5.0], [2.0, 2.0, 5.0, 2.0]]
    """
    state = _subgroup_moments(ddf, value, subgroup, time, freq, tz, split_every)
    return _cx._subgroup_table(state).to_pandas()


def variables_chart(
    ddf: Any,
    /,
    *,
    subgroup: str | Sequence[str] = (),
    value: str,
    chart: str = "xbar_r",
    time: str | None = None,
    freq: str = "day",
    tz: str | None = None,
    split_every: int = 8,
    **options: Any,
) -> Any:
    """Phase-I x̄/R or x̄/S control chart of a dask DataFrame, one point per subgroup.

    Each row is one measurement `value` (NaN = missing); its subgroup is the keys
    `subgroup` and/or the time bucket of `time` (`freq`, `tz`). Subgroups are plotted in
    key order (integers and timestamps ascending, strings lexicographically, nulls last):
    use a sortable key or a time bucket for a time-ordered chart. Per subgroup the state
    keeps n, mean, M2 (Chan et al. 1979), min and max, so ranges are exact and means and
    standard deviations equal the one-pass values up to rounding for any partitioning. The
    result is the `ControlChart` that `cx.spc.control_chart(values, kind=chart,
    sizes=...)` draws from the same subgroups on one machine; `options` are its options
    (`phase1`, `stages`, `exclude`, `rules`, `constants`, `nsigmas`, `confidence`,
    `center`, `sigma`, `sigma_method`).

    Raises:
        InvalidValueError: a subgroup with fewer than 2 values, or an infinite value.
        InvalidOptionError: a `chart` other than "xbar_r" or "xbar_s".
        MissingFieldError: a named column is not in the frame.

    >>> import dask.dataframe as dd, pandas as pd
    >>> pdf = pd.DataFrame({"day": [1, 1, 1, 2, 2, 2], "wait": [1.0, 2.0, 3.0, 2.0, 3.0, 5.0]})
    >>> c = variables_chart(dd.from_pandas(pdf, npartitions=2), subgroup="day", value="wait")
    >>> c.kind, c.statistics.tolist(), c.secondary.statistics.tolist()
    ('xbar', [2.0, 3.3333333333333335], [2.0, 3.0])
    """
    from cx.exceptions import InvalidOptionError

    if chart not in VARIABLES_CHARTS:
        msg = f"chart: must be one of {set(VARIABLES_CHARTS)}, got {chart!r}"
        raise InvalidOptionError(msg, "invalid_option", "chart")
    state = _subgroup_moments(ddf, value, subgroup, time, freq, tz, split_every)
    return _cx._subgroup_chart(state, chart=chart, **options)  # type: ignore[arg-type]
