"""cx on Spark: `cx.metrics.summarize` over a PySpark DataFrame, merged from serialized states.

Two ways in, one result (the table `cx.metrics.summarize` gives on the collected data):

- `method="counts"` (the default without `time`): Spark SQL aggregates per group with
  conditional counts (one per NPS class, or per score value for CSAT/CES, plus missing and
  off-scale), as fast as Spark's own NPS query; the driver receives one row per group,
  folds it into a cx state and finishes it. Spark never converts the responses themselves
  to Arrow, which is most of the cost of `mapInArrow` on raw rows.
- `method="arrow"` (the default with `time`): `mapInArrow` hands each partition's rows to
  cx's Rust kernel (time buckets are computed by cx, in `tz`, exactly as on one machine)
  and returns one state per partition.

States are versioned, checksummed bytes; the driver merges them `split_every` at a time
and holds only states, so its memory does not grow with the number of rows. pyspark is
imported when a function is called, not when `cx` or `cx.spark` is imported.

>>> import inspect
>>> list(inspect.signature(summarize).parameters)[:3]
['sdf', 'score', 'metric']
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator, Sequence
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
    "variables_chart",
]

_STATE_SCHEMA = "state binary, error binary"
_COUNT = "__cx_count"


def _states(build: Callable[[Any], bytes | None]) -> Any:
    """The function `mapInArrow` runs on each partition: its batches as one Arrow table
    into `build`, one row out holding the state (or the pickled typed error, which the
    driver raises again)."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa  # type: ignore[import-untyped]

        from cx.exceptions import CxError

        table = pa.Table.from_batches(list(batches))
        if table.num_rows == 0:
            return
        state, error = None, None
        try:
            state = build(table)
        except CxError as e:
            error = pickle.dumps(e)
        yield pa.RecordBatch.from_pydict({"state": [state], "error": [error]}, schema=_schema(pa))

    return run


def _kernel(name: str, opts: dict[str, Any], table: Any) -> bytes:
    """The `_cx` state builder `name` on `table` (picklable through `partial`)."""
    state: bytes = getattr(_cx, name)(table, **opts)
    return state


def _schema(pa: Any) -> Any:
    return pa.schema([pa.field("state", pa.binary()), pa.field("error", pa.binary())])


def _sql_counts_state(
    sdf: Any, by: list[str], score: str, metric: str, freq: str, scale: str | None
) -> bytes:
    """Spark SQL counts per group (one conditional count per score class or value), folded
    into a cx state on the driver: one row per group reaches the driver, never the rows."""
    import pyarrow as pa
    import pyarrow.compute as pc  # type: ignore[import-untyped]
    from pyspark.sql import functions as F

    from cx.exceptions import InvalidValueError

    integer = dict(sdf.dtypes)[score] in ("tinyint", "smallint", "int", "bigint")
    s = F.col(score) if integer else F.col(score).cast("double")
    hi = 10 if metric == "nps" else 14
    # NPS keeps class counts (a representative score per class gives the same state);
    # CSAT/CES keep the histogram of 0–14, which cx checks against the scale.
    if metric == "nps":
        classes = [(0, (s >= 0) & (s <= 6)), (7, (s >= 7) & (s <= 8)), (9, (s >= 9) & (s <= 10))]
    else:
        classes = [(v, s == v) for v in range(15)]
    if integer:
        # Integer scores: missing = rows − non-null, off-scale = non-null − classified; no
        # per-row NaN or integrality test (the query costs what a hand-written NPS costs).
        aggs = [F.count(F.when(cond, 1)).alias(f"__cx_{v}") for v, cond in classes]
        aggs += [F.count(F.lit(1)).alias("__cx_rows"), F.count(s).alias("__cx_present")]
        wide = sdf.groupBy(*by).agg(*aggs).toArrow()
        classified = sum(pc.sum(wide.column(f"__cx_{v}")).as_py() or 0 for v, _ in classes)
        present = pc.sum(wide.column("__cx_present")).as_py() or 0
        missing_col = pc.subtract(wide.column("__cx_rows"), wide.column("__cx_present"))
        bad = None
        if present != classified:
            bad = sdf.where((s < 0) | (s > hi)).agg(F.min(s)).first()[0]
    else:
        missing = s.isNull() | F.isnan(s)
        valid = (~missing) & (s == F.floor(s)) & (s >= 0) & (s <= hi)
        aggs = [F.count(F.when(valid & cond, 1)).alias(f"__cx_{v}") for v, cond in classes]
        aggs += [
            F.count(F.when(missing, 1)).alias("__cx_missing"),
            F.min(F.when(~missing & ~valid, s)).alias("__cx_bad"),
        ]
        wide = sdf.groupBy(*by).agg(*aggs).toArrow()
        missing_col = wide.column("__cx_missing")
        bad = pc.min(wide.column("__cx_bad")).as_py() if wide.num_rows else None
    if bad is not None:
        value = str(int(bad)) if float(bad).is_integer() else str(bad)
        msg = f"score: invalid value {value!r}: scores must be integers on the scale"
        raise InvalidValueError(msg, "invalid_value", "score", None, value)
    keys = wide.select(by)
    parts = []
    columns = [*((v, wide.column(f"__cx_{v}")) for v, _ in classes), (None, missing_col)]
    for v, col in columns:
        part = keys.append_column("__cx_score", pa.array([v] * len(keys), pa.uint8()))
        parts.append(part.append_column(_COUNT, col))
    long = pa.concat_tables(parts)
    # Classes no response fell in carry no information (and no score to check).
    long = long.filter(pc.greater(long.column(_COUNT), 0))
    state: bytes = _cx._summary_state_from_counts(
        long, score="__cx_score", count=_COUNT, metric=metric, by=by, freq=freq, scale=scale
    )
    return state


def _collect(states_df: Any) -> list[bytes]:
    """The partitions' states; a typed cx error raised on a worker is raised here."""
    rows = states_df.collect()
    for r in rows:
        if r["error"] is not None:
            raise pickle.loads(bytes(r["error"]))
    return [bytes(r["state"]) for r in rows]


def _merge_all(
    states: Sequence[Any], split_every: int, merge: Callable[[Any], Any] = _cx._merge_states
) -> Any:
    """Merge `states` on the driver, `split_every` at a time, down to one."""
    level = list(states)
    while len(level) > 1:
        level = [merge(level[i : i + split_every]) for i in range(0, len(level), split_every)]
    return level[0]


def ticket_aggregates(
    sdf: Any,
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
    """`cx.dask.ticket_aggregates` over a PySpark DataFrame of ticket events: the frame is
    `repartition("ticket_id")`-ed (unless `partitioned=True`: the caller vouches that each
    ticket's events are in one partition; not checked), each partition runs
    `cx.ops.ticket_metrics` and folds the per-ticket metrics into a state (`mapInArrow`),
    and the driver merges the states `split_every` at a time. Returns a pyarrow Table, one
    row per group and metric, equal to the single-machine aggregation (see
    `cx.dask.ticket_aggregates` for what is exact, and for `period`/`tz`). Spark rows have
    no order: events of a ticket at the same instant may reach the kernel in any order.

    Example (not run here: it needs a Spark session):

        out = cx.spark.ticket_aggregates(spark.table("ticket_events"), by=["team", "priority"])
    """
    from cx import _ticket_scale

    opts = _ticket_scale.options(by, metrics, percentiles, calendar, definitions, alpha, period, tz)
    if not partitioned:
        if "ticket_id" not in sdf.columns:
            from cx.exceptions import MissingFieldError

            raise MissingFieldError("missing field `ticket_id`", "missing_field", "ticket_id")
        sdf = sdf.repartition("ticket_id")
    build = partial(_ticket_scale.partition_state, opts=opts)
    states = _collect(sdf.mapInArrow(_states(build), _STATE_SCHEMA))
    merged = _merge_all(states, split_every, _ticket_scale.merge) if states else None
    return _ticket_scale.finish(merged, opts)


def summarize(
    sdf: Any,
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
    method: str | None = None,
    split_every: int = 16,
) -> Any:
    """NPS, CSAT or CES per group (and time bucket) of a PySpark DataFrame, as a pyarrow Table.

    Same options and same result as `cx.metrics.summarize` on the collected frame
    (`sdf.toArrow()`), without `weights`. `method` is `"counts"` (Spark SQL counts per
    group, cx folds the counts into its state; not with `time`) or `"arrow"` (`mapInArrow` runs
    cx on the rows); by default `"counts"` without `time`, `"arrow"` with it.

    Raises:
        MissingFieldError: a named column is not in the frame.
        InvalidValueError: a score off the scale.
        InvalidOptionError: `method="counts"` with `time`, or an unknown `method`.

    Example (not run here: it needs a Spark session):

        out = cx.spark.summarize(spark.table("responses"), by="store", time="at", tz="UTC")
    """
    from cx.exceptions import InvalidOptionError, MissingFieldError

    by = [by] if isinstance(by, str) else list(by)
    method = method or ("arrow" if time else "counts")
    if method not in ("counts", "arrow"):
        msg = f"`method` must be one of {{'arrow', 'counts'}}, got {method!r}"
        raise InvalidOptionError(msg, "invalid_option", "method")
    if method == "counts" and time:
        msg = "method: 'counts' does not bucket time; use method='arrow' with `time`"
        raise InvalidOptionError(msg, "invalid_option", "method")
    columns = list(dict.fromkeys([*by, score, *([time] if time else [])]))
    for c in columns:
        if c not in sdf.columns:
            raise MissingFieldError(f"{c}: missing field", "missing_field", c, None)
    opts: dict[str, Any] = {"score": score, "metric": metric, "by": by, "freq": freq}
    opts["scale"] = scale
    if method == "counts":
        state = _sql_counts_state(sdf, by, score, metric, freq, scale)
        table = _cx._finish_summary(
            state, metric=metric, freq=freq, ci=ci, level=level, scale=scale, min_n=min_n
        )
        return table.to_pyarrow()
    opts.update(time=time, tz=tz)
    states_df = sdf.select(*columns).mapInArrow(
        _states(partial(_kernel, "_summary_state", opts)), _STATE_SCHEMA
    )
    states = _collect(states_df)
    if not states:
        from cx.metrics import summarize as single

        return single(sdf.limit(0).toArrow(), ci=ci, level=level, min_n=min_n, **opts)
    state = _merge_all(states, split_every)
    table = _cx._finish_summary(
        state, metric=metric, freq=freq, ci=ci, level=level, scale=scale, min_n=min_n
    )
    return table.to_pyarrow()


def counts(
    sdf: Any,
    /,
    *,
    by: str | Sequence[str] = (),
    sums: str | Sequence[str] = (),
    time: str | None = None,
    freq: str = "month",
    tz: str | None = None,
    split_every: int = 16,
) -> Any:
    """Rows per key (and time bucket) and sums of count columns, as a pyarrow Table.

    As `cx.dask.counts`: one row per key present, sorted by key (nulls last), columns
    `by…`, `bucket` (with `time`), `n`, then one column per name in `sums`. Each partition
    becomes a state with `mapInArrow`; the driver merges them.

    Raises:
        InvalidValueError: a `sums` value that is not a non-negative integer.
        MissingFieldError: a named column is not in the frame.

    Example (not run here: it needs a Spark session):

        per_cause = cx.spark.counts(spark.table("tickets"), by="cause", sums="reopened")
    """
    from cx.exceptions import MissingFieldError

    by = [by] if isinstance(by, str) else list(by)
    sums = [sums] if isinstance(sums, str) else list(sums)
    columns = list(dict.fromkeys([*by, *sums, *([time] if time else [])]))
    for c in columns:
        if c not in sdf.columns:
            raise MissingFieldError(f"{c}: missing field", "missing_field", c, None)
    opts: dict[str, Any] = {"by": by, "sums": sums, "time": time, "freq": freq, "tz": tz}
    states = _collect(
        sdf.select(*columns).mapInArrow(
            _states(partial(_kernel, "_counts_state", opts)), _STATE_SCHEMA
        )
    )
    if not states:
        states = [_cx._counts_state(sdf.select(*columns).limit(0).toArrow(), **opts)]
    state = _merge_all(states, split_every)
    return _cx._counts_table(state, sums=sums, freq=freq).to_pyarrow()


def attribute_chart(
    sdf: Any,
    /,
    *,
    kind: str,
    value: str,
    subgroup: str | Sequence[str] = (),
    time: str | None = None,
    freq: str = "day",
    tz: str | None = None,
    split_every: int = 16,
    **options: Any,
) -> Any:
    """Phase-I attribute control chart (p, np, c, u, Laney p′/u′) of a PySpark DataFrame.

    As `cx.dask.attribute_chart`: per subgroup (keys `subgroup` and/or the time bucket) the
    units and the sum of `value` merge exactly; the chart is
    `cx.spc.control_chart(sums, kind=kind, sizes=units, **options)`.

    Raises:
        InvalidOptionError: a `kind` that is not an attribute chart.

    Example (not run here: it needs a Spark session):

        chart = cx.spark.attribute_chart(sdf, kind="p", value="reopened", time="closed_at", tz="UTC")
    """
    from cx.dask import ATTRIBUTE_CHARTS
    from cx.exceptions import InvalidOptionError
    from cx.spc import control_chart as chart

    if kind not in ATTRIBUTE_CHARTS:
        msg = f"kind: must be one of {set(ATTRIBUTE_CHARTS)}, got {kind!r}"
        raise InvalidOptionError(msg, "invalid_option", "kind")
    per = counts(sdf, by=subgroup, sums=value, time=time, freq=freq, tz=tz, split_every=split_every)
    data = per.column(value).to_numpy().astype(float)
    sizes = None if kind == "c" else per.column("n").to_numpy().astype(float)
    return chart(data, kind=kind, sizes=sizes, **options)  # type: ignore[arg-type]


def _pareto_state(opts: dict[str, Any], table: Any) -> bytes:
    """A partition's causes as `ParetoTally` bytes."""
    t = _cx.ParetoTally()
    name = opts["column"] or opts["tags"]
    w = opts["weights"]
    t.update(
        table.column(name).to_pylist(),
        weights=None if w is None else table.column(w).to_pylist(),
        tags=opts["tags"] is not None,
        separators=opts["separators"],
    )
    state: bytes = t.to_bytes()
    return state


def _kano_state(specs: list[tuple[str, str, str]], table: Any) -> bytes:
    """A partition's answer pairs as `KanoTally` bytes."""
    t = _cx.KanoTally()
    for a, f, d in specs:
        t.update(a, table.column(f).to_pylist(), table.column(d).to_pylist())
    state: bytes = t.to_bytes()
    return state


def _merged_tally(cls_name: str, states: list[bytes]) -> Any:
    """The partitions' tallies merged (an empty tally when there are none)."""
    from cx.dask import _merge_tally

    cls = getattr(_cx, cls_name)
    state = _merge_tally(states, cls_name)
    return cls() if state is None else cls.from_bytes(state)


def pareto(
    sdf: Any,
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
    ties: str = "name",
) -> Any:
    """`cx.pareto` over a PySpark DataFrame: one `ParetoTally` per partition (`mapInArrow`),
    merged on the driver; returns a `cx.causes.ParetoResult` whose table is a pyarrow Table.

    Counts and weights equal the single-machine ones for any partitioning. Spark rows have
    no order, so ties are broken by cause name by default (`ties="name"`, as qcc on
    `table(x)`); "first-seen" would follow the partitions' arrival order.

    Example (not run here: it needs a Spark session):

        vital = cx.spark.pareto(spark.table("feedback"), tags="tags").vital_few
    """
    from cx.causes import ParetoResult
    from cx.exceptions import MissingFieldError

    if (column is None) == (tags is None):
        msg = "give exactly one of `column=` or `tags=` (a column name)"
        raise TypeError(msg)
    named = [c for c in (column or tags, weights) if c is not None]
    for c in named:
        if c not in sdf.columns:
            raise MissingFieldError(f"{c}: missing field", "missing_field", c, None)
    opts = {"column": column, "tags": tags, "weights": weights, "separators": separators}
    states = _collect(
        sdf.select(*named).mapInArrow(_states(partial(_pareto_state, opts)), _STATE_SCHEMA)
    )
    tally = _merged_tally("ParetoTally", states)
    s = tally.finish(cut=cut, top=top, min_share=min_share, other=other, ties=ties)
    return ParetoResult(s, s.table().to_pyarrow())


def kano(
    sdf: Any,
    /,
    *,
    prefix: str = "kano_",
    functional_suffix: str = "_functional",
    dysfunctional_suffix: str = "_dysfunctional",
    questionable_max_share: float = 0.05,
    reverse_max_share: float = 0.10,
    fong_z: float = 1.65,
) -> Any:
    """`cx.kano.classify` over a PySpark DataFrame: one `KanoTally` per partition
    (`mapInArrow`), merged on the driver; pairs found as `cx.kano.discover_pairs` does.
    Returns a `cx.kano.KanoResult` whose table is a pyarrow Table.

    Example (not run here: it needs a Spark session):

        categories = cx.spark.kano(spark.table("survey")).categories
    """
    from cx.kano import KanoResult, discover_pairs

    pairs = discover_pairs(
        list(sdf.columns),
        prefix=prefix,
        functional_suffix=functional_suffix,
        dysfunctional_suffix=dysfunctional_suffix,
    )
    specs = [(a, f, d) for a, (f, d) in pairs.items()]
    cols = [c for _, f, d in specs for c in (f, d)]
    states = _collect(
        sdf.select(*cols).mapInArrow(_states(partial(_kano_state, specs)), _STATE_SCHEMA)
    )
    tally = _merged_tally("KanoTally", states)
    s = tally.finish(
        questionable_max_share=questionable_max_share,
        reverse_max_share=reverse_max_share,
        fong_z=fong_z,
    )
    return KanoResult(s, s.table().to_pyarrow(), None)


# --- x̄/R and x̄/S charts: per-subgroup moments ---


def _subgroup_moments(
    sdf: Any,
    value: str,
    subgroup: str | Sequence[str],
    time: str | None,
    freq: str,
    tz: str | None,
    split_every: int,
) -> bytes:
    from cx.exceptions import MissingFieldError

    by = [subgroup] if isinstance(subgroup, str) else list(subgroup)
    columns = list(dict.fromkeys([*by, value, *([time] if time else [])]))
    for c in columns:
        if c not in sdf.columns:
            raise MissingFieldError(f"{c}: missing field", "missing_field", c, None)
    opts: dict[str, Any] = {"value": value, "by": by, "time": time, "freq": freq, "tz": tz}
    states = _collect(
        sdf.select(*columns).mapInArrow(
            _states(partial(_kernel, "_subgroup_state", opts)), _STATE_SCHEMA
        )
    )
    if not states:
        states = [_cx._subgroup_state(sdf.select(*columns).limit(0).toArrow(), **opts)]
    merged: bytes = _merge_all(states, split_every, _cx._merge_subgroup_states)
    return merged


def subgroup_stats(
    sdf: Any,
    /,
    *,
    value: str,
    subgroup: str | Sequence[str] = (),
    time: str | None = None,
    freq: str = "day",
    tz: str | None = None,
    split_every: int = 16,
) -> Any:
    """Per-subgroup n, mean, range and standard deviation of `value`, as a pyarrow Table.

    As `cx.dask.subgroup_stats`: one row per subgroup in key order, columns the keys,
    `bucket` (with `time`), `n`, `n_missing`, `mean`, `range`, `sd`.

    Example (not run here: it needs a Spark session):

        per_day = cx.spark.subgroup_stats(sdf, value="wait_min", time="opened_at", tz="UTC")
    """
    state = _subgroup_moments(sdf, value, subgroup, time, freq, tz, split_every)
    return _cx._subgroup_table(state).to_pyarrow()


def variables_chart(
    sdf: Any,
    /,
    *,
    subgroup: str | Sequence[str] = (),
    value: str,
    chart: str = "xbar_r",
    time: str | None = None,
    freq: str = "day",
    tz: str | None = None,
    split_every: int = 16,
    **options: Any,
) -> Any:
    """Phase-I x̄/R or x̄/S control chart of a PySpark DataFrame, one point per subgroup.

    As `cx.dask.variables_chart`: each partition's rows become per-subgroup moments
    (`mapInArrow`), the driver merges them and draws the chart of the subgroups in key order
    with the options of `cx.spc.control_chart`.

    Raises:
        InvalidValueError: a subgroup with fewer than 2 values, or an infinite value.
        InvalidOptionError: a `chart` other than "xbar_r" or "xbar_s".
        MissingFieldError: a named column is not in the frame.

    Example (not run here: it needs a Spark session):

        chart = cx.spark.variables_chart(sdf, subgroup="batch", value="wait_min", chart="xbar_s")
    """
    from cx.dask import VARIABLES_CHARTS
    from cx.exceptions import InvalidOptionError

    if chart not in VARIABLES_CHARTS:
        msg = f"chart: must be one of {set(VARIABLES_CHARTS)}, got {chart!r}"
        raise InvalidOptionError(msg, "invalid_option", "chart")
    state = _subgroup_moments(sdf, value, subgroup, time, freq, tz, split_every)
    return _cx._subgroup_chart(state, chart=chart, **options)  # type: ignore[arg-type]
